use super::{Binary, Defs};
use crate::defs::source::Kind;
use crate::finding::Finding;
use crate::rules::DefsFindings;

declare_rule! {
    /// ## What it does
    /// Finds Go executables that embed absolute paths of the machine that built them, and lists
    /// those paths, home directories (and so user names) first. In build definitions it finds
    /// the `go build` commands without `-trimpath` whose output ships: built in a Dockerfile, built
    /// in CI and kept (uploaded, packed, published, or a GitLab artifact), cross-compiled or
    /// stripped with `-s -w` (both unless a goreleaser config of the tree makes the releases: a
    /// Makefile's `cross` target is then a check), written to `dist/`, or in a release-like Make
    /// target or script; and goreleaser's builds, also its default build where a release runs
    /// it with no config file (said at that run). A local `go build -o bin/app`, compile checks
    /// (`go build ./...`, `-o /dev/null`, a CI build without `-o`, builds for several targets
    /// that each overwrite the same file with nothing using it between), a tool a CI job builds
    /// and then runs itself, builds for other platforms that only a test workflow runs (in a
    /// pipeline that publishes nothing), and anything a workflow only pull requests run builds
    /// are left alone. In a Dockerfile, a
    /// program built in a builder stage ships only when a stage of a shipped image starts from
    /// that stage or copies it out (`COPY --from=builder /opt/app/app /usr/bin/`, or a folder
    /// that holds it): a helper the build runs and leaves behind does not.
    ///
    /// ## Why is this bad?
    /// Every panic trace, `runtime.Caller` result and log line with a file name shows
    /// `/Users/alice/projects/secret-startup/internal/server/handler.go:42` to whoever runs the
    /// binary: user names, directory layout and project names of the build host. The same paths
    /// make two builds in different directories differ byte for byte.
    ///
    /// ## What really happens
    /// Checked with Go 1.21, 1.23 and 1.27: without `-trimpath`, absolute paths of the build
    /// directory, GOROOT and the module cache are in the pclntab file table (which `-s -w` keeps),
    /// in DWARF, and in `runtime.GOROOT()`. With `-trimpath` the file table holds
    /// `example.com/app/main.go`, `example.org/lib@v1.0.0/lib.go` and `fmt/print.go`, and no
    /// path of the build directory, GOROOT or module cache remains. Not covered: in a cgo binary
    /// the C objects' DWARF keeps include directories, a header directory passed with
    /// `CGO_CFLAGS=-I/home/alice/inc` included, and always the system ones (`/usr/include`, gcc's
    /// own, which also records the gcc version); `-s -w` removes them with the DWARF. BuildInfo
    /// never lists source paths, but without `-trimpath` it records `-ldflags` and (when cgo is
    /// enabled) `CGO_*FLAGS` verbatim. The `ko` command adds `-trimpath` to every build (its
    /// `--trimpath` option defaults to true); goreleaser's `kos:` entries do not: goreleaser's ko
    /// pipe (`internal/pipe/ko`) passes ko no trimpath option, so an entry builds with the
    /// `flags` it writes, else with those of the build it names (checked in goreleaser's and
    /// ko's sources). Such an entry is reported at that build when the flags are the build's.
    ///
    /// ## Example
    /// ```sh
    /// go build -o api ./cmd/api
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// go build -trimpath -o api ./cmd/api
    /// ```
    ///
    /// ## Fix
    /// In a build definition, `--fix` adds `-trimpath` after `go build`; in `.goreleaser.yaml` it
    /// adds `-trimpath` to the entry's `flags:` list (flow or block style), or `flags:
    /// [-trimpath]` to a block-style entry without one (a flow-style entry is left to you). Note
    /// that `-trimpath` also stops BuildInfo from recording `-ldflags` and `CGO_*` flags, so `-X`
    /// values are no longer visible to `go version -m`. A binary must be rebuilt.
    ///
    /// ## References
    /// - <https://pkg.go.dev/cmd/go#hdr-Compile_packages_and_dependencies> (`-trimpath`)
    rule {
        code: "SL002",
        name: "untrimmed-paths",
        level: Warning,
        summary: "build-host paths embedded (built without -trimpath)",
        binary: check,
        defs: check_defs,
    }
}

/// An absolute path on Unix or Windows.
fn is_absolute(p: &str) -> bool {
    p.starts_with('/') || p.get(1..3).is_some_and(|s| s == ":\\" || s == ":/") || p.starts_with("\\\\")
}

/// The home directory a path lies in, if any: `/home/alice`, `/Users/alice`, `C:\Users\alice`, `/root`.
fn home_of(p: &str) -> Option<&str> {
    let norm = |s: &str| s.replace('\\', "/");
    let n = norm(p);
    for prefix in ["/home/", "/Users/", "/usr/home/"] {
        if let Some(rest) = n.strip_prefix(prefix) {
            let user = rest.split('/').next()?;
            return Some(&p[..prefix.len() + user.len()]);
        }
    }
    if n == "/root" || n.starts_with("/root/") {
        return Some(&p[..5]);
    }
    let lower = n.to_ascii_lowercase();
    if lower.get(1..9) == Some(":/users/") {
        let user = n[9..].split('/').next()?;
        return Some(&p[..9 + user.len()]);
    }
    None
}

/// Absolute search paths in BuildInfo settings: `-I/home/alice/include` in CGO_CFLAGS, `-L...` in
/// CGO_LDFLAGS or `-extldflags` (recorded verbatim without -trimpath).
fn setting_paths(bi: &shiplint_gobin::BuildInfo) -> Vec<String> {
    let mut found = Vec::new();
    for s in &bi.settings {
        let value = s.value.to_str();
        // Only search-path flags name build-host directories; a `-X main.config=/etc/app.conf`
        // value is a run-time path.
        for word in value.split_whitespace() {
            let word = word.rsplit('=').next().unwrap_or(word);
            let dir = ["-I", "-L", "-isystem", "-iquote", "-F"].iter().find_map(|p| word.strip_prefix(p));
            if let Some(dir) = dir.filter(|d| is_absolute(d)) {
                found.push(format!("{}: {dir}", s.key));
            }
        }
    }
    found
}

pub fn check(bin: &Binary<'_>, out: &mut Vec<Finding>) {
    let f = bin.facts;
    let from_settings = f.build_info.as_ref().map(setting_paths).unwrap_or_default();
    let files = f.pclntab.as_ref().map(|t| t.files.as_slice()).unwrap_or_default();
    let mut paths: Vec<&str> = files.iter().map(String::as_str).filter(|p| is_absolute(p)).collect();
    if paths.is_empty() {
        if let Some(first) = from_settings.first() {
            let message = format!("build-host paths recorded in BuildInfo settings, e.g. {first}");
            let help = "rebuild with -trimpath, which stops BuildInfo from recording flags verbatim";
            let mut finding = bin.finding(&META, "BuildInfo settings", message, help);
            finding.notes = from_settings.iter().map(|p| format!("recorded: {p}")).collect();
            out.push(finding);
        }
        return;
    }
    // The project's own files first (they show where it was built), then the module cache, then
    // GOROOT; within each, paths in home directories (they name users) first.
    let goroot = paths.iter().find_map(|p| p.strip_suffix("src/runtime/proc.go")).map(str::to_string);
    let rank = |p: &&str| {
        let place = if goroot.as_deref().is_some_and(|g| p.starts_with(g)) {
            2
        } else if p.contains("/pkg/mod/") {
            1
        } else {
            0
        };
        (place, home_of(p).is_none())
    };
    paths.sort_by_key(rank);
    let mut homes: Vec<&str> = paths.iter().filter_map(|p| home_of(p)).collect();
    homes.dedup();
    let trimpath = f.build_info.as_ref().and_then(|bi| bi.setting("-trimpath")).is_some_and(|v| v == "true");
    let mut message = format!(
        "{} absolute build-host path{} embedded, e.g. {}",
        paths.len(),
        if paths.len() == 1 { "" } else { "s" },
        paths[0]
    );
    if !homes.is_empty() {
        message.push_str(&format!(
            " (home director{} {})",
            if homes.len() == 1 { "y" } else { "ies" },
            homes.join(", ")
        ));
    }
    let help = if trimpath {
        "BuildInfo says -trimpath was used, yet host paths remain: check for cgo objects or a toolchain that ignores it"
    } else {
        "rebuild with -trimpath; BuildInfo shows it was not used"
    };
    let mut finding = bin.finding(&META, "pclntab file table", message, help);
    finding.notes = paths.iter().take(10).map(|p| format!("embedded: {p}")).collect();
    if paths.len() > 10 {
        finding.notes.push(format!("... and {} more", paths.len() - 10));
    }
    finding.notes.extend(from_settings.iter().map(|p| format!("recorded in BuildInfo: {p}")));
    out.push(finding);
}

pub fn check_defs(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    // A field in flag position whose text is unknown (`$GOFLAGS` from the caller, a wrapper's
    // own flags) may hold -trimpath: that run is not judged. One of known alternatives
    // (`$(if $(TAGS),-tags $(TAGS))`) may not.
    const TRIMPATH: &[&str] = &["-trimpath", "-trimpath=true", "--trimpath", "--trimpath=true"];
    let lacks_trimpath = |b: &crate::defs::source::Build<'_>| {
        let inv = &b.invocation;
        !(inv.trimpath || inv.only_compiles() || inv.unknown_flags.iter().any(|f| f.may_hold_field(TRIMPATH)))
    };
    // One finding per command: its first run that ships without -trimpath.
    out.extend(defs.judge_each_command(|b| {
        let inv = &b.invocation;
        if !lacks_trimpath(b) {
            return Vec::new();
        }
        let Some(mut reason) = defs.ships(b) else { return Vec::new() };
        let no_config_file = defs.goreleaser.is_some_and(|g| g.no_config_file);
        if no_config_file {
            reason.push_str(" (it runs with no config file, and its defaults add no -trimpath)");
        } else if defs.kind == Kind::Goreleaser {
            reason.push_str(" (goreleaser adds no -trimpath by default)");
        }
        let message = format!(
            "go build without -trimpath, and {reason}: the binary embeds this machine's paths (build directory, \
             GOROOT, module cache) in panic traces and its file table"
        );
        let help = match inv.cross_tool {
            Some("gox") => "gox passes no -trimpath: set GOFLAGS=-trimpath in its environment".into(),
            Some("go-release-action") => "add -trimpath to the step's `build_flags:` input".into(),
            Some(tool) => format!("drop {tool}'s -trimpath=false"),
            None => "add -trimpath (or GOFLAGS=-trimpath)".into(),
        };
        let mut finding = defs.finding(&META, inv.build_word, message, &help);
        finding.location = defs.location(inv.span.0, inv.build_word.1);
        finding.notes = assumed_empty_notes(inv);
        let description = "add -trimpath (BuildInfo then no longer records -ldflags)";
        // In a goreleaser file the flag belongs in the entry's `flags:` list: added to the list,
        // or as a new key; a flow-style entry or a flags string is left to the user.
        if defs.kind == Kind::Promu {
            finding.help = "add -trimpath to `flags:` under `build:`".into();
        } else if defs.kind != Kind::Goreleaser {
            // Only after `build` as written: a flag after `$(GOBUILD)` could land inside another
            // flag's value.
            if inv.literal_command {
                finding.fix = defs.insertion(inv.build_word.1, " -trimpath", description, true);
            }
        } else if no_config_file {
            finding.help = "write a .goreleaser.yaml whose builds have `flags: [-trimpath]`".into();
        } else {
            finding.help = "add -trimpath to the build entry's `flags:`".into();
            let entry = defs.goreleaser.and_then(|g| g.builds.iter().find(|e| e.span == inv.span));
            if let Some((at, text)) = entry.and_then(|e| e.trimpath_edit.as_ref()) {
                finding.fix = defs.insertion(*at, text, description, true);
            }
        }
        vec![finding]
    }));
}

/// The notes that say which unset variables a conclusion took as empty.
pub(crate) fn assumed_empty_notes(inv: &crate::defs::gobuild::BuildInvocation<'_>) -> Vec<String> {
    inv.assumed_empty
        .iter()
        .map(|v| format!("assumes ${v} is empty: this file never sets it (set it and the flags may differ)"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_settings() {
        let bi = shiplint_gobin::buildinfo::parse(
            b"build\tCGO_CFLAGS=\"-O2 -I/home/alice/include\"\nbuild\t-ldflags=\"-X main.v=/etc/x -extldflags=-L/opt/lib\"\nbuild\tGOOS=linux\n",
        )
        .unwrap();
        assert_eq!(setting_paths(&bi), ["CGO_CFLAGS: /home/alice/include", "-ldflags: /opt/lib"]);
    }

    #[test]
    fn homes_and_absolute_paths() {
        assert_eq!(home_of("/home/alice/src/x.go"), Some("/home/alice"));
        assert_eq!(home_of("/Users/bob/go/pkg/mod/x.go"), Some("/Users/bob"));
        assert_eq!(home_of("C:\\Users\\carol\\src\\x.go"), Some("C:\\Users\\carol"));
        assert_eq!(home_of("/root/go/src/x.go"), Some("/root"));
        assert_eq!(home_of("/usr/local/go/src/fmt/print.go"), None);
        assert!(is_absolute("C:/go/src/fmt/print.go") && is_absolute("/x") && !is_absolute("fmt/print.go"));
    }
}
