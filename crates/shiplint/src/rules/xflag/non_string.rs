use super::{Target, each_target};
use crate::defs::gosrc::DeclKind;
use crate::finding::Finding;
use crate::rules::Defs;

declare_rule! {
    /// ## What it does
    /// Finds `-X importpath.name=value` flags whose target variable is declared with a type other
    /// than `string`.
    /// Builds are judged as for x-flag-unknown-target (those that ship or state no other purpose).
    ///
    /// ## Why is this bad?
    /// This one is not silent: the link fails with `cannot set with -X: not a var of type
    /// string`, and the release pipeline stops at the build.
    ///
    /// ## What really happens
    /// Checked with Go 1.21, 1.23 and 1.27: a variable of type `int`, `[]byte` or a named string
    /// type (`type Version string`) is a link error. Only the predeclared `string` type works.
    ///
    /// ## Example
    /// ```go
    /// type Tag string
    /// var Version Tag = "dev"
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// var Version = "dev" // then convert where a Tag is needed: Tag(Version)
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: the type is used elsewhere.
    ///
    /// ## References
    /// - <https://pkg.go.dev/cmd/link> (`-X importpath.name=value`)
    rule {
        code: "SL013",
        name: "x-flag-non-string",
        level: Error,
        summary: "-X aims at a variable that is not of type string: the link fails",
        defs: check,
    }
}

pub fn check(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    each_target(defs, |x, target, _| {
        let Target::Declared { import_path, decls, .. } = target else { return };
        let types: Vec<&str> = decls
            .iter()
            .filter_map(|d| match &d.kind {
                DeclKind::Var { type_name: Some(t), .. } if t != "string" => Some(t.as_str()),
                _ => None,
            })
            .collect();
        if types.len() != decls.len() {
            return;
        }
        let message = format!(
            "-X {}: {} in {import_path} has type {}, and the link fails: cannot set with -X: not a var of type string",
            x.target, decls[0].name, types[0]
        );
        out.push(META.finding(x.at.clone(), message, "declare the variable as a plain string"));
    });
}
