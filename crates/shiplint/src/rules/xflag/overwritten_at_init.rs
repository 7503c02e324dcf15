use super::{Target, each_target};
use crate::defs::gosrc::DeclKind;
use crate::finding::{Finding, Level};
use crate::rules::Defs;

declare_rule! {
    /// ## What it does
    /// Finds `-X importpath.name=value` flags whose target variable the program itself overwrites
    /// when it starts: assigned unconditionally in `init()` (an error), or initialised by a
    /// function call (a warning: the value survives only if the compiler can fold the call to
    /// a constant string).
    /// Builds are judged as for x-flag-unknown-target (those that ship or state no other purpose).
    ///
    /// ## Why is this bad?
    /// The linker writes the value into the binary, and package initialisation replaces it before
    /// `main` runs. The build log, BuildInfo's recorded `-ldflags` and even the binary's data all
    /// show the right value; only the running program does not.
    ///
    /// ## What really happens
    /// Checked with Go 1.21 and 1.27: `var Commit = defaultCommit()` built with
    /// `-X main.Commit=abc123` holds "abc123" in its data and prints "none". Inlining is not what
    /// decides it: a `defaultCommit` that reads `os.Getenv` is inlined (`-gcflags=-m` says "can
    /// inline") and still overwrites the value. What keeps the `-X` value is an initialiser the
    /// compiler reduces to a constant string: a literal, a constant expression, or a call whose
    /// body returns a constant (`func small() string { return "x" }`). Another variable
    /// (`var B = A`) overwrites it too. An assignment guarded
    /// by a test of the default (`if Version == "dev" { Version = info.Main.Version }`) is a good
    /// pattern, not an overwrite, and is not reported.
    ///
    /// ## Example
    /// ```go
    /// var Commit = readCommit() // overwrites -X main.Commit
    /// func init() { Version = "dev" } // overwrites -X main.Version
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// var Commit = "none"
    /// var Version string
    /// func init() {
    ///     if Version == "" { Version = "dev" }
    /// }
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: what the initialiser computes may be needed when `-X` is not given.
    ///
    /// ## References
    /// - <https://go.dev/ref/spec#Package_initialization>
    rule {
        code: "SL014",
        name: "x-flag-overwritten-at-init",
        level: Error,
        summary: "-X aims at a variable the program overwrites during initialisation",
        defs: check,
    }
}

pub fn check(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    each_target(defs, |x, target, module| {
        let Target::Declared { import_path, package, decls } = target else { return };
        let name = &decls[0].name;
        if let Some((_, file, line)) = package.init_assigned.iter().find(|(n, _, _)| n == name) {
            let file = file.strip_prefix(&module.root).unwrap_or(file).display().to_string();
            let message = format!(
                "-X {}={} is overwritten: init() assigns {name} unconditionally ({file}:{line})",
                x.target, x.value
            );
            out.push(META.finding(
                x.at.clone(),
                message,
                "assign a default only when the variable is still empty, or drop the assignment",
            ));
            return;
        }
        let calls: Vec<&str> = decls
            .iter()
            .filter_map(|d| match &d.kind {
                DeclKind::Var { initialiser: Some(init), .. } if init.contains('(') => Some(init.as_str()),
                _ => None,
            })
            .collect();
        if calls.len() == decls.len() {
            let message = format!(
                "-X {}={} may be overwritten: {name} in {import_path} is initialised by `{}`, which replaces the linker's value unless the compiler inlines it",
                x.target, x.value, calls[0]
            );
            let mut finding = META.finding(x.at.clone(), message, "initialise the variable with a string literal");
            finding.level = Level::Warning;
            out.push(finding);
        }
    });
}
