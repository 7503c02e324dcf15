use super::Defs;
use crate::defs::shell::Value;
use crate::finding::Finding;

declare_rule! {
    /// ## What it does
    /// Finds `go build` commands allowed to change the module graph while building:
    /// `-mod=mod` on the command line or in `GOFLAGS`.
    ///
    /// ## Why is this bad?
    /// With `-mod=mod`, a missing requirement is resolved to whatever is "latest" at that moment
    /// and written into go.mod and go.sum, silently. CI then builds with dependency versions nobody
    /// reviewed, and two builds of one commit can differ.
    ///
    /// ## What really happens
    /// Since Go 1.16 `-mod=readonly` is the default: a missing requirement or go.sum entry makes
    /// `go build` fail loudly instead of writing anything, so adding `-mod=readonly` (as the seed
    /// scenario suggests) changes nothing. What mutates the module graph is `-mod=mod` (flag,
    /// `GOFLAGS`, or `go env -w GOFLAGS=...`), `go get`, `go mod tidy`, `go mod edit`, `go mod
    /// download` without arguments, `go mod vendor` and `go work ...`. The quieter drift is the
    /// toolchain: with `GOTOOLCHAIN=auto` (the default in Go's own go.env) a go.mod `go` or
    /// `toolchain` line newer than the installed Go makes the build download and use another Go
    /// release, saying only "go: downloading go1.X" on stderr.
    ///
    /// ## Example
    /// ```sh
    /// GOFLAGS=-mod=mod go build -o bin/api ./cmd/api
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// go build -o bin/api ./cmd/api          # readonly by default: fails if go.mod is incomplete
    /// go mod tidy && git diff --exit-code go.mod go.sum   # a deliberate, reviewed update
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: removing `-mod=mod` may make the build fail until go.mod is tidied,
    /// which is the point.
    ///
    /// ## References
    /// - <https://go.dev/ref/mod#build-commands>
    /// - <https://go.dev/doc/toolchain>
    rule {
        code: "SL010",
        name: "module-graph-drift",
        level: Warning,
        summary: "a build allowed to rewrite go.mod and go.sum (-mod=mod)",
    }
}

pub fn check(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    for b in defs.distinct_builds() {
        let inv = &b.invocation;
        if inv.mod_flag != Some(Value::Known("mod".into())) {
            continue;
        }
        let span = inv.env.get("GOFLAGS").and_then(|s| s.span).unwrap_or(inv.span);
        let message = "go build with -mod=mod: missing requirements are resolved to the latest versions and written \
                       to go.mod and go.sum without review"
            .to_string();
        out.push(defs.finding(
            &META,
            span,
            message,
            "drop -mod=mod (readonly is the default since Go 1.16) and update go.mod deliberately",
        ));
    }
}
