use super::{Target, each_target};
use crate::defs::gosrc::DeclKind;
use crate::finding::{Edit, Finding, Fix};
use crate::rules::Defs;

declare_rule! {
    /// ## What it does
    /// Finds `-X importpath.name=value` flags whose target is a constant in the module's Go
    /// source.
    /// Builds are judged as for x-flag-unknown-target (those that ship or state no other purpose).
    ///
    /// ## Why is this bad?
    /// The linker can set only variables. The build succeeds, prints nothing, and the program
    /// keeps the constant's value: the release says `dev` where the tag said `v1.2.3`.
    ///
    /// ## What really happens
    /// Checked with Go 1.21, 1.23 and 1.27: `-X` on a `const` is silently ignored (exit 0, no
    /// warning), the same as a wrong import path or a missing name. The binary-evidence rule
    /// x-flag-not-applied sees the same defect in a built file.
    ///
    /// ## Example
    /// ```go
    /// package version
    /// const Version = "dev"
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package version
    /// var Version = "dev"
    /// ```
    ///
    /// ## Fix
    /// `--fix --unsafe-fixes` turns a single-line `const` declaration into `var`. Unsafe: code
    /// that uses the constant where Go needs a constant (another `const`, an array length, a
    /// `switch` on constants) then no longer compiles. A constant inside a `const ( ... )` block is
    /// left for you to move. Two more ways it breaks: an untyped constant assigned to a named
    /// string type (`var t Tag = Version`) no longer compiles once `Version` is a `string` var,
    /// and a typed constant (`const Version Tag = "dev"`) becomes a `Tag` var, which `-X` cannot
    /// set at all (a link error, see x-flag-non-string).
    ///
    /// ## References
    /// - <https://pkg.go.dev/cmd/link> (`-X importpath.name=value`)
    rule {
        code: "SL011",
        name: "x-flag-const-target",
        level: Error,
        summary: "-X aims at a constant, which the linker cannot set",
        defs: check,
    }
}

pub fn check(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    each_target(defs, |x, target, module| {
        let Target::Declared { import_path, decls, .. } = target else { return };
        if !decls.iter().all(|d| d.kind == DeclKind::Const) {
            return;
        }
        let d = &decls[0];
        let file = d.file.strip_prefix(&module.root).unwrap_or(&d.file).display().to_string();
        let message = format!(
            "-X {}={} does nothing: {} is a constant in {import_path} ({file}:{})",
            x.target, x.value, d.name, d.line
        );
        // A dependency's source (vendor/, the module cache) is not this project's to edit.
        let own = d.file.starts_with(&module.root) && !d.file.starts_with(module.root.join("vendor"));
        let help = if own {
            "declare it with var: the linker can set only string variables"
        } else {
            "the dependency declares it const, so no -X can set it: set a variable of your own instead"
        };
        let mut finding = META.finding(x.at.clone(), message, help);
        finding.related.push(crate::finding::Location {
            path: d.file.display().to_string(),
            slice: None,
            fact: None,
            span: Some(crate::finding::Span { start_line: d.line, start_column: 1, end_line: d.line, end_column: 1 }),
        });
        if own && decls.len() == 1 && !d.in_block {
            finding.fix = Some(Fix {
                description: "declare it with var instead of const (unsafe: constant contexts stop compiling)".into(),
                safe: false,
                edits: vec![Edit {
                    path: d.file.display().to_string(),
                    start_byte: d.keyword_at,
                    end_byte: d.keyword_at + "const".len(),
                    replacement: "var".into(),
                }],
            });
        }
        out.push(finding);
    });
}
