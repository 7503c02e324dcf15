use super::{Target, each_target};
use crate::finding::Finding;
use crate::rules::Defs;

declare_rule! {
    /// ## What it does
    /// Finds `-X importpath.name=value` flags that name nothing in the module: a short or wrong
    /// import path (`version.Version` for `example.com/app/internal/version.Version`), a name the
    /// package does not declare, or `main.x` when `x` lives elsewhere. It suggests the packages
    /// that do declare the name. Like the other `-X` rules, it judges builds that ship and builds
    /// that state no other purpose; not a `dev` target, a test image, or a local build beside a
    /// release made elsewhere (goreleaser, a release job), whose stamps reach no user.
    ///
    /// ## Why is this bad?
    /// The linker ignores an `-X` whose symbol does not exist, without a word. The version,
    /// commit and date the release process stamps never reach the binary.
    ///
    /// ## What really happens
    /// Checked with Go 1.21, 1.23 and 1.27: `-X` needs the full import path of the package as the
    /// linker knows it; `main` means the main package being built (in `-buildmode=plugin`, the
    /// plugin's main package: cmd/link's `addstrdata1` maps `main` to `-pluginpath`); for `go
    /// build ./cmd/app/main.go` that package is made of the files listed only, so a variable
    /// another file of the folder declares is not in it (cmd/go's `GoFilesPackage`). Wrong paths,
    /// missing names and packages that are not linked are all silent no-ops. Targets in dependencies
    /// (`-X github.com/prometheus/common/version.Version=...`) are checked against the
    /// dependency's source in vendor/ or the module cache (`GOMODCACHE`, `GOPATH/pkg/mod`), at
    /// the version go.mod requires; found in neither, they are not judged. A path that no module
    /// of the build can hold is reported: with `go 1.17` or later go.mod lists every module the
    /// build uses, so `-X github.com/acme/app/internal/version.Commit` in module
    /// `github.com/acme/app/v2` (the major version suffix forgotten) names a package that is not
    /// linked (not judged where a go.work adds modules, nor in a Dockerfile or after a `cd`,
    /// which may build a module fetched from elsewhere).
    ///
    /// ## Example
    /// ```sh
    /// go build -ldflags "-X version.Version=v1.2.3" ./cmd/api
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// go build -ldflags "-X example.com/app/internal/version.Version=v1.2.3" ./cmd/api
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: when several packages match, which one is meant is yours to say.
    ///
    /// ## References
    /// - <https://pkg.go.dev/cmd/link> (`-X importpath.name=value`)
    rule {
        code: "SL012",
        name: "x-flag-unknown-target",
        level: Error,
        summary: "-X names a package or variable that does not exist in the module",
        defs: check,
    }
}

pub fn check(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    // Builds that take one written flag with different values (a caller's `$GIT_COMMIT`, the
    // file's own `$(git rev-parse HEAD)`) miss the same name: said once where it is written.
    let mut said = std::collections::BTreeSet::new();
    each_target(defs, |x, target, module| {
        let name = x.target.rsplit('.').next().unwrap_or("");
        let why = match target {
            Target::NoSuchName { import_path } => format!("{import_path} declares no {name}"),
            Target::NoSuchPackage { import_path, candidates } => {
                let hint = match candidates.as_slice() {
                    [] => String::new(),
                    [one] => format!("; did you mean {one}.{name}?"),
                    many => format!("; {} declare {name}", many.join(", ")),
                };
                let missing = match module.holds(&import_path) {
                    true => format!("module {} has no package {import_path}", module.path),
                    false => format!(
                        "neither module {} nor any module its go.mod requires has a package {import_path}",
                        module.path
                    ),
                };
                format!("{missing}{hint}")
            }
            _ => return,
        };
        if !said.insert((x.at.clone(), x.target.clone(), why.clone())) {
            return;
        }
        out.push(META.finding(
            x.at.clone(),
            format!("-X {}={} does nothing: {why}", x.target, x.value),
            "use the full import path of the package that declares the variable",
        ));
    });
}
