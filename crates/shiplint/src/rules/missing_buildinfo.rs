use super::{Binary, Defs};
use crate::defs::shell::Value;
use crate::finding::Finding;
use crate::rules::DefsFindings;

declare_rule! {
    /// ## What it does
    /// Finds Go executables that carry no module information: no BuildInfo at all, or BuildInfo
    /// without a main module. In build definitions it finds `go build` run with
    /// `GO111MODULE=off` (GOPATH mode), `go tool link` pipelines that bypass `go build`, and
    /// release builds of a list of `.go` files, written out or as a shell glob the shell expands
    /// to them (`go build -o app cmd/app/*`).
    ///
    /// ## Why is this bad?
    /// BuildInfo is how `go version -m`, vulnerability scanners (govulncheck, Trivy, Grype) and
    /// `runtime/debug.ReadBuildInfo` learn which module versions a binary contains. Without it a
    /// binary cannot be audited for known-vulnerable dependencies, and a program that prints its
    /// own version from `debug.ReadBuildInfo` gets nothing.
    ///
    /// ## What really happens
    /// Checked with Go 1.21, 1.23 and 1.27:
    /// - Bypassing cmd/go (`go tool compile` + `go tool link`, as some Bazel and custom pipelines
    ///   do) leaves a BuildInfo blob holding only the Go version: `ReadBuildInfo` returns
    ///   `ok=false`.
    /// - `go build main.go` records `path command-line-arguments` and no `mod` line.
    /// - GOPATH mode (`GO111MODULE=off`, still accepted by Go 1.27) records build settings but no
    ///   main module, and an old-compatibility `DefaultGODEBUG`.
    /// - Go releases before 1.13 wrote no BuildInfo that tools can read: Go 1.12 module builds
    ///   embed the string `runtime/debug.ReadBuildInfo` reads, but not the `\xff Go buildinf:`
    ///   blob that `go version -m` and `debug/buildinfo` search for.
    ///
    /// A main-module version of `(devel)` is *not* this defect, and not what every build gets:
    /// `go install example.com/tool@v1.2.3` records `v1.2.3` in every Go release, and since Go
    /// 1.24 a build in a VCS checkout records the tag, or for an untagged commit a
    /// pseudo-version (`v0.0.0-20260101000000-844dd10e850f`), with `+dirty` when modified.
    /// `(devel)` remains normal without VCS information: `-buildvcs=false`, `go run`/`go test`,
    /// a build before Go 1.24, and a checkout where git is missing from PATH (`golang:*-alpine`
    /// images have none) or `.git` is not in the Docker build context, where VCS stamping is
    /// silently skipped. (git refusing a repository owned by another user, "dubious ownership",
    /// fails the build instead.)
    ///
    /// ## Example
    /// ```sh
    /// go build -o api main.go handlers.go
    /// GO111MODULE=off go build -o api .
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// go build -o api ./cmd/api    # inside the module, in module mode
    /// ```
    ///
    /// ## Fix
    /// No automatic fix for a binary: rebuild it with `go build` on a package path inside the
    /// module. `go version -m api` should then show a `mod` line.
    ///
    /// ## References
    /// - <https://pkg.go.dev/runtime/debug#BuildInfo>
    /// - <https://pkg.go.dev/debug/buildinfo>
    /// - <https://go.dev/ref/mod#go-version-m>
    rule {
        code: "SL001",
        name: "missing-buildinfo",
        level: Warning,
        summary: "Go executable without module information (no BuildInfo or no main module)",
        binary: check,
        defs: check_defs,
    }
}

pub fn check(bin: &Binary<'_>, out: &mut Vec<Finding>) {
    let f = bin.facts;
    if !f.is_go {
        return;
    }
    let help = "build with `go build ./path/to/cmd` inside the module, in module mode";
    let (fact, message) = match &f.build_info {
        None => (
            "BuildInfo",
            match f.go_version_source {
                Some(shiplint_gobin::GoVersionSource::RuntimeBuildVersion) => format!(
                    "no BuildInfo: built by {}, which records no module information",
                    f.go_version.as_deref().unwrap_or("a Go release before 1.13")
                ),
                _ => "no readable BuildInfo in a Go executable".to_string(),
            },
        ),
        Some(bi) if bi.has_main_module() => return,
        Some(bi) if bi.records_only_go_version() => (
            "BuildInfo",
            "BuildInfo holds only the Go version: the compiler and linker were run directly, bypassing `go build`"
                .to_string(),
        ),
        Some(bi) if bi.path == "command-line-arguments" => (
            "BuildInfo path",
            "no main module: built from a list of .go files (`go build file.go`), path `command-line-arguments`"
                .to_string(),
        ),
        Some(bi) => (
            "BuildInfo",
            format!("no main module for `{}`: built in GOPATH mode (GO111MODULE=off) or outside any module", bi.path),
        ),
    };
    out.push(bin.finding(&META, fact, message, help));
}

pub fn check_defs(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    let module_mode = "build with `go build ./path/to/cmd` inside the module, in module mode";
    out.extend(defs.judge_each_command(|b| {
        let inv = &b.invocation;
        if inv.env_value("GO111MODULE") == Some("off") && defs.ships(b).is_some() {
            let span = inv.env.get("GO111MODULE").and_then(|s| s.span).unwrap_or(inv.span);
            let message = "go build in GOPATH mode (GO111MODULE=off): the binary records no main module and no \
                           dependency versions";
            let help = "build in module mode: remove GO111MODULE=off and build inside the module";
            return vec![defs.finding(&META, span, message.to_string(), help)];
        }
        Vec::new()
    }));
    // cmd/go takes an argument ending in `.go` as a file, whatever the rest of it is; the
    // shell expands a glob (`cmd/app/*`, `*.go`) to files, which go build takes only if
    // they all are .go files.
    let file = |v: &Value| {
        v.ends_with(".go") || v.as_known().and_then(|p| p.rsplit('/').next()).is_some_and(|last| last.contains('*'))
    };
    // Each place that names the files once: the command, or for files a caller passes (a
    // script's `"$@"`), each caller's line that names them.
    let mut placed = Vec::new();
    for b in &defs.builds {
        let inv = &b.invocation;
        let files = !inv.packages.is_empty() && inv.packages.iter().all(|(v, _)| file(v));
        if !files || defs.ships(b).is_none() {
            continue;
        }
        // From the command to its first file: a command written over several lines is found
        // where it starts and where the files are named.
        let (_, first) = &inv.packages[0];
        let written_here = defs.text.get(first.start..first.end).is_some_and(|t| t.contains(".go"));
        let caller =
            b.via.as_deref().filter(|_| !written_here).and_then(|c| c.chain().find(|c| c.written.contains(".go")));
        let at = match caller {
            Some(c) => crate::finding::Location::text(&c.path, c.lines),
            None => defs.location(inv.span.0.min(first.start), first.end),
        };
        if placed.contains(&at) {
            continue;
        }
        placed.push(at.clone());
        let message = "go build of .go files: the binary's BuildInfo has path command-line-arguments and no main \
                       module, so no module version";
        out.push(META.finding(at, message.to_string(), module_mode));
    }
    // The linker run by hand writes BuildInfo with the Go version only.
    for cmd in &defs.commands {
        if let [Value::Known(go), Value::Known(tool), Value::Known(link), ..] = cmd.argv.as_slice() {
            if go == "go" && tool == "tool" && link == "link" {
                let message = "go tool link bypasses go build: the binary's BuildInfo holds only the Go version (no \
                               module, dependency versions or build settings)";
                out.push(defs.finding(&META, cmd.span, message.to_string(), module_mode));
            }
        }
    }
}
