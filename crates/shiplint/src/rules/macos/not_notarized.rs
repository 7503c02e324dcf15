use crate::defs::link::names_word;
use crate::finding::{Finding, Location};
use crate::rules::Defs;
use crate::rules::DefsFindings;
use std::collections::HashSet;

declare_rule! {
    /// ## What it does
    /// Finds darwin binaries that ship, from any build definition (a goreleaser build, also
    /// goreleaser's default build where it runs with no config file, a Makefile or script
    /// cross-compiling with `GOOS=darwin`, a Go build program, a CI matrix, promu's crossbuild)
    /// — released: goreleaser and promu builds, a release-named target,
    /// script or program, output under `dist/` or `release/`, a CI job that keeps it, or a file
    /// that releases running it (cross-compiling alone does not say so) — when nothing in the
    /// scanned repository notarizes: no goreleaser
    /// `notarize:`, no command that submits to Apple's notary service (`xcrun notarytool`,
    /// `gon`, `quill notarize` or `sign-and-notarize`, `rcodesign notary-submit`, `altool
    /// --notarize-app`, also in goreleaser hooks and `signs:`, and for each file `find -exec`
    /// or `xargs` lists), no workflow action named for it.
    /// Signing alone (`codesign`, `rcodesign sign`) is not notarization. A script that sources
    /// a library a command fetches at release time (`source "$(go run
    /// knative.dev/hack/cmd/script release.sh)"`, `curl`, `wget`) is not judged: that library,
    /// which the scan cannot read, may notarize (knative's does, with `rcodesign`). One finding
    /// per build command; when the file that builds does not choose macOS (it never names it,
    /// or only in comments, tests of the host such as `ifeq ($(HOST_OS),darwin)` and its other
    /// builds), its caller chose darwin (`GOOS=darwin ./build.sh`,
    /// `make GOOS=${{ matrix.goos }}`), and the finding is at the line of the nearest caller
    /// that names it (or sets `GOOS=darwin` through a variable: a target's own `GOOS := darwin`
    /// passed on by `$(PACKAGING_VARS) $(MAKE) app`); so is a build with no
    /// GOOS that a CI job runs on a macOS runner (`runs-on: macos-latest`, from the matrix too);
    /// a job named for tests releases such a build only if it keeps it. A shell function's
    /// build is told at each call that names darwin (`build darwin arm64`). In a release folder
    /// or archive, it tells what notarization can and cannot do for a Developer ID-signed bare
    /// binary (binaries signed only ad hoc, or not at all, are macos-adhoc-only and
    /// macos-unsigned findings).
    ///
    /// ## Why is this bad?
    /// A macOS user who downloads the release with a browser, or installs it as a Homebrew
    /// cask, gets a quarantined file, and Gatekeeper refuses to open a binary that Apple has not
    /// notarized (since macOS 15: "Apple could not verify … is free of malware", approved only
    /// in System Settings). The Go linker's ad-hoc signature does not help.
    ///
    /// ## What really happens
    /// From Apple's documentation (not testable offline): notarization needs a Developer ID
    /// Application signature, the hardened runtime and a secure timestamp; ad-hoc or
    /// linker-signed binaries cannot be notarized. `stapler` cannot staple a ticket to a bare
    /// command-line binary (nor a .zip): a notarized bare binary relies on Gatekeeper's online
    /// check, and a signed .pkg or .dmg is the way to staple. Gatekeeper assesses only quarantined
    /// files. Homebrew quarantines cask downloads (goreleaser's Homebrew path since `brews` was
    /// deprecated for `homebrew_casks` in v2.10); formula (bottle) installs, `curl`, `wget`, npm,
    /// pip and `go install` do not set quarantine, so users who install that way are not
    /// affected. A bare binary may also be installed without notarization on purpose, which is
    /// why this is information rather than an error.
    ///
    /// ## Example
    /// ```yaml
    /// builds:
    ///   - goos: [linux, darwin]
    /// ```
    /// ```make
    /// release:
    /// 	GOOS=darwin GOARCH=arm64 go build -trimpath -o dist/app-darwin-arm64 ./cmd/app
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// builds:
    ///   - goos: [linux, darwin]
    /// notarize:
    ///   macos:
    ///     - enabled: '{{ isEnvSet "MACOS_SIGN_P12" }}'
    ///       sign: { certificate: "{{.Env.MACOS_SIGN_P12}}", password: "{{.Env.MACOS_SIGN_PASSWORD}}" }
    ///       notarize: { issuer_id: "{{.Env.MACOS_NOTARY_ISSUER_ID}}", key_id: "{{.Env.MACOS_NOTARY_KEY_ID}}", key: "{{.Env.MACOS_NOTARY_KEY}}" }
    /// ```
    ///
    /// Or, outside goreleaser, a step of the release path that submits the darwin binaries
    /// (zipped, or in a signed .pkg) with `xcrun notarytool submit --wait`, `quill
    /// sign-and-notarize` or `rcodesign notary-submit`.
    ///
    /// ## Fix
    /// No automatic fix: notarization needs your Apple credentials.
    ///
    /// ## References
    /// - <https://goreleaser.com/customization/notarize/>
    /// - <https://developer.apple.com/documentation/security/notarizing-macos-software-before-distribution>
    rule {
        code: "SL106",
        name: "macos-not-notarized",
        level: Info,
        summary: "darwin binaries are released with no notarization step",
        defs: check,
        release: check_release,
    }
}

pub fn check(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    if defs.notarized_in.is_some() {
        return;
    }
    if let Some(g) = defs.goreleaser {
        if g.notarizes {
            return;
        }
        // A config the tree runs only as a snapshot or a build check releases nothing.
        if defs.goreleaser_released == Some(false) {
            return;
        }
        // Entries whose builds cannot run (a folder the repository lacks) were dropped.
        let kept = |id: &str| defs.builds.iter().any(|b| b.context.as_deref() == Some(id));
        for b in g.builds.iter().filter(|b| b.targets.iter().any(|(os, _)| os == "darwin") && kept(&b.id)) {
            let at = b.span;
            let what = match (g.no_config_file, b.goos_span.is_some()) {
                (true, _) => "goreleaser runs with no config file, whose default build includes darwin,".to_string(),
                (false, true) => format!("build {} lists darwin", b.id),
                (false, false) => format!("build {} builds darwin by default", b.id),
            };
            let message = format!(
                "{what} and nothing in the repository notarizes: a quarantined download is blocked by Gatekeeper"
            );
            let help = match g.no_config_file {
                true => {
                    "write a .goreleaser.yaml with a notarize: section (Developer ID certificate and App Store Connect key)"
                }
                false => GORELEASER_HELP,
            };
            out.push(defs.finding(&META, at, message, help));
        }
        return;
    }
    // A script that sources a library a command fetches (`source "$(go run
    // knative.dev/hack/cmd/script release.sh)"`) runs release steps nobody here sees: the
    // library may notarize what the script builds.
    if sources_unread_library(defs) {
        return;
    }
    // Any other source (a Makefile, a script, a Go build program, a CI matrix, promu): each
    // command that builds darwin binaries that ship, once however many targets and runs it has.
    // A file that never names macOS builds it because a caller asked (`GOOS=darwin ./build.sh`,
    // `make binaries GOOS=${{ matrix.goos }}`): said at the line of the nearest caller that does.
    let names_macos = crate::defs::link::names_macos(defs.text);
    let mut choice: Option<MacosChoice> = None;
    let mut commands: Vec<(Location, String, Vec<String>)> = Vec::new();
    for b in &defs.builds {
        let inv = &b.invocation;
        if inv.target_os() != Some("darwin") {
            continue;
        }
        // Set to what no file states (`GOARCH=$(arch_of $t)`): said as written, not as the host's.
        let arch = match (inv.env_value("GOARCH"), inv.env.get("GOARCH")) {
            (Some(known), _) => known.to_string(),
            (None, Some(set)) if inv.env_set("GOARCH") => match set.value.display() {
                short if short.len() <= 24 && !short.contains(char::is_whitespace) => short,
                _ => "(computed arch)".to_string(),
            },
            _ => "(host arch)".to_string(),
        };
        // A cross-compiler's own default platforms (goxz, gox) are the file's choice; a build
        // for the machine it runs on (no GOOS) builds darwin where a caller chose a macOS runner,
        // whatever the file says about darwin (`ifeq ($(GOOS),darwin)` on `go env GOOS`).
        // (A Go build program passes GOOS through `cmd.Env` in ways not always followed: its
        // platform table, not the runner, is taken to choose.)
        let for_runner = inv.env_value("GOOS").is_none() && defs.kind != crate::defs::source::Kind::GoProgram;
        let chose_darwin =
            names_macos && !for_runner && choice.get_or_insert_with(|| MacosChoice::of(defs)).for_build(inv.span);
        let from_caller = !chose_darwin && inv.cross_tool.is_none();
        // The first caller that gives darwin, where it enters the chain (its command names it,
        // `./package.sh Mac darwin amd64`, or a variable it passes does, or its job's matrix
        // lists it; the callers below only pass it on), else the nearest whose file names macOS.
        // (A CI job that keeps nothing, a cross-compile check, chooses nothing that ships.)
        let gives_darwin = |c: &&crate::defs::link::Caller| {
            let keeps = !c.kind.is_ci() || c.keeping.as_ref().is_some_and(|k| k.keeps(None));
            keeps
                && (names_word(&c.written, "darwin")
                    || names_word(&c.evaluated, "darwin")
                    || c.matrix_names_macos
                    || c.exported(&|v| names_word(v, "darwin")).is_some())
        };
        let chooser = b
            .via
            .as_deref()
            .filter(|_| from_caller)
            .and_then(|c| c.chain().filter(gives_darwin).last().or_else(|| c.chain().find(|c| c.names_macos)));
        // A function's build for the target its call names (`build darwin arm64`): at the call.
        let names_darwin =
            |(start, end): (usize, usize)| defs.text.get(start..end).is_some_and(|t| t.contains("darwin"));
        let call = inv.calls.iter().rev().copied().find(|&call| names_darwin(call)).filter(|_| !names_darwin(inv.span));
        // Else the nearest command of this file that ran this one and names darwin (`$(MAKE)
        // build GOOS=darwin GOARCH=arm64` running the file's generic build line): there the file
        // chose it.
        // (Or sets GOOS=darwin through a variable: `$(PACKAGING_VARS) $(MAKE) agent`; a file
        // the Makefile includes is part of it.)
        let naming_caller = || {
            let of_file = |path: &str| path == defs.path || defs.origins.is_some_and(|o| o.files().any(|f| f == path));
            let own = |c: &&crate::defs::link::Caller| {
                of_file(&c.path) && (c.written.contains("darwin") || c.evaluated.contains("GOOS=darwin"))
            };
            b.via.as_deref().filter(|_| !names_darwin(inv.span)).and_then(|c| c.chain().find(own))
        };
        // Else where the file sets GOOS to darwin away from the build (a target's own
        // `dist/app-darwin-amd64: GOOS := darwin` before its recipe runs the generic build).
        let outside = |(start, end): (usize, usize)| end <= inv.span.0 || start >= inv.span.1;
        let goos_written = inv.env.get("GOOS").and_then(|s| s.span).filter(|&at| outside(at) && names_darwin(at));
        let at = match (chooser, call, goos_written) {
            (Some(caller), ..) => Location::text(&caller.path, caller.lines),
            (None, Some((start, end)), _) | (None, None, Some((start, end))) => defs.location(start, end),
            (None, None, None) => match naming_caller() {
                Some(caller) => Location::text(&caller.path, caller.lines),
                None => defs.location(inv.span.0, inv.span.1),
            },
        };
        match commands.iter_mut().find(|(place, ..)| *place == at) {
            Some((_, _, arches)) if !arches.contains(&arch) => arches.push(arch),
            Some(_) => {}
            None => {
                // Built for the macOS runner of a job named for tests, it ships only as that
                // job keeps it (`make build` in test.yml on macos-latest releases nothing).
                let why = match chooser {
                    Some(c)
                        if for_runner
                            && crate::defs::source::place_for_other_purpose(&c.path, c.context.as_deref()) =>
                    {
                        defs.caller_ships(b)
                    }
                    _ => defs.released(b),
                };
                let Some(why) = why else { continue };
                commands.push((at, why, vec![arch]));
            }
        }
    }
    // promu builds every binary with one command line: the darwin targets come from its
    // `crossbuild.platforms`, which is where the finding points when written, or from its
    // defaults, chosen where the `build:` section starts.
    if let Some((start, end)) = defs.promu().map(|p| p.platforms_span.unwrap_or(p.build_start)) {
        commands.iter_mut().for_each(|(place, ..)| *place = defs.location(start, end));
    }
    for (place, why, mut arches) in commands {
        arches.sort_unstable();
        let built = match place.path == defs.path {
            true => "are built here and shipped".to_string(),
            false => format!("built by {} are shipped", defs.path),
        };
        let message = format!(
            "darwin/{} binaries {built} ({why}), and nothing in the repository notarizes them: \
             a quarantined download (a browser, a Homebrew cask) is blocked by Gatekeeper",
            arches.join(", darwin/")
        );
        let help = "notarize the darwin binaries where they are released (`xcrun notarytool submit`, \
                    `quill sign-and-notarize`, `rcodesign notary-submit`, or goreleaser's notarize:)";
        out.push(META.finding(place, message, help));
    }
}

/// Where a file chooses macOS: on a line outside every build's command (`PLATFORMS :=
/// darwin/arm64 ...`), or on the lines of some builds (`GOOS=darwin go build`). Another
/// target's darwin build chose nothing for this one; nor does a test of the host
/// (`ifeq ($(HOST_OS),darwin)`, `[ "$GOOS" = darwin ]`, a `darwin)` case) or a comment.
struct MacosChoice {
    outside_builds: bool,
    in_builds: HashSet<(usize, usize)>,
}

impl MacosChoice {
    fn of(defs: &Defs<'_>) -> MacosChoice {
        // Builds rarely nest; a line is taken to be inside the nearest few that start before it.
        const MAX_COVERING_EXAMINED: usize = 64;
        let mut spans: Vec<(usize, usize)> = defs.builds.iter().map(|b| b.invocation.span).collect();
        spans.sort_unstable();
        spans.dedup();
        let mut choice = MacosChoice { outside_builds: false, in_builds: HashSet::new() };
        let mut at = 0;
        for line in defs.text.split_inclusive('\n') {
            let (start, end) = (at, at + line.len());
            at = end;
            if !chooses_macos(line) {
                continue;
            }
            let before = spans.partition_point(|s| s.0 < end);
            let covering = spans[..before].iter().rev().take(MAX_COVERING_EXAMINED).filter(|s| s.1 > start);
            let mut covered = false;
            for span in covering {
                covered = true;
                choice.in_builds.insert(*span);
            }
            choice.outside_builds |= !covered;
        }
        choice
    }

    /// Whether the build at `span` runs where the file chose macOS.
    fn for_build(&self, span: (usize, usize)) -> bool {
        self.outside_builds || self.in_builds.contains(&span)
    }
}

/// Whether a line sets a build's target to darwin: it names darwin or macOS as a word, in any
/// case (`for os in Darwin Linux`), outside a comment, and is not a message (`echo "on macOS
/// ..."`) or a test of the system (`ifeq`, `[ ... ]`, a case arm `darwin)` or `Darwin*) ...`).
fn chooses_macos(line: &str) -> bool {
    let line = line.to_ascii_lowercase();
    // Without a comment at the end (`else # non-macOS`, a target's `## ... macOS` help).
    let code = line.split(" #").next().unwrap_or_default().split("\t#").next().unwrap_or_default().trim();
    let tests = ["ifeq", "ifneq", "==", "!=", "=~", "[ ", "[[", "test "].iter().any(|t| code.contains(t));
    let case_arm = code.split_whitespace().next().is_some_and(|w| w.ends_with(')') && !w.contains('('));
    let message = ["echo ", "printf ", "log ", "info ", "warn "].iter().any(|m| code.starts_with(m));
    let names = names_word(code, "darwin") || names_word(code, "macos");
    !code.starts_with('#') && !code.starts_with("//") && !tests && !case_arm && !message && names
}

const GORELEASER_HELP: &str = "add a notarize: section (Developer ID certificate and App Store Connect key)";

/// Where a build definition notarizes macOS software: a goreleaser `notarize:` section, a
/// command that submits to Apple's notary service (`xcrun notarytool`, `gon`, `quill notarize`
/// or `sign-and-notarize`, `rcodesign notary-submit`, `altool --notarize-app`, also inside
/// goreleaser hooks and signs), or a workflow action named for it.
pub fn notarization_at(defs: &Defs<'_>) -> Option<(usize, usize)> {
    if let Some(g) = defs.goreleaser {
        if g.notarizes {
            return Some((0, 0));
        }
        // goreleaser's hooks and `signs:` run tools by command line written in YAML.
        return notarizing_line(defs.text);
    }
    if let Some(a) =
        defs.workflow.and_then(|w| w.actions.iter().find(|a| a.uses.to_ascii_lowercase().contains("notari")))
    {
        return Some(a.span);
    }
    defs.commands.iter().find(|c| notarizes(&c.argv)).map(|c| c.span)
}

/// Whether a command line submits to Apple's notary service (also for each file `find -exec`
/// or `xargs` lists).
fn notarizes(argv: &[crate::defs::shell::Value]) -> bool {
    let argv = crate::defs::link::run_for_each(argv).unwrap_or(argv);
    let words: Vec<&str> = argv.iter().filter_map(|v| v.as_known()).collect();
    let program = words.first().map_or("", |w| w.rsplit('/').next().unwrap_or(w));
    let has = |w: &str| words.contains(&w);
    match program {
        "notarytool" | "gon" => true,
        "xcrun" => has("notarytool") || has("--notarize-app"),
        "altool" => has("--notarize-app"),
        "quill" => has("notarize") || has("sign-and-notarize"),
        "rcodesign" => has("notary-submit") || has("notarize"),
        _ => false,
    }
}

/// The first line of a YAML text, outside comments, that names a notarizing tool or its
/// notarizing subcommand (goreleaser splits `cmd:` and `args:` over lines).
fn notarizing_line(text: &str) -> Option<(usize, usize)> {
    const WORDS: &[&str] = &["notarytool", "gon", "sign-and-notarize", "notary-submit", "--notarize-app"];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let code = if line.trim_start().starts_with('#') { "" } else { line.split(" #").next().unwrap_or(line) };
        let mut words = code.split(|c: char| c.is_whitespace() || "\"'[],:".contains(c));
        if words.any(|w| WORDS.contains(&w.rsplit('/').next().unwrap_or(w))) {
            return Some((offset, offset + line.trim_end().len()));
        }
        offset += line.len();
    }
    None
}

/// Developer ID-signed bare darwin binaries in a release: whatever the archive format, no
/// notarization ticket can be stapled to them.
pub fn check_release(release: &crate::release::ReleaseFacts, out: &mut Vec<Finding>) {
    for s in release.shipped.iter().filter(|s| s.certificate_signed && s.format == shiplint_gobin::Format::MachO) {
        let container = match s.archive.as_deref() {
            Some(a) if a.to_ascii_lowercase().ends_with(".zip") => "a .zip",
            Some(_) => "a tar archive",
            None => "a release folder",
        };
        let message = format!(
            "a bare macOS binary in {container} cannot carry a stapled notarization ticket: if Apple notarized it, \
             Gatekeeper confirms that online at first launch, and a Mac offline blocks it"
        );
        out.push(release.finding(
            &META,
            &s.location,
            "code signature",
            message,
            "to staple, ship it in a signed and notarized .pkg or .dmg (`xcrun stapler staple`)",
        ));
    }
}

/// Whether a script sources a file that a command fetches or unpacks from elsewhere at release
/// time (`source "$(go run knative.dev/hack/cmd/script release.sh)"`, `curl`, `wget`), not one
/// of the tree located by `$(dirname "$0")`.
fn sources_unread_library(defs: &Defs<'_>) -> bool {
    let fetches = |command: &str| {
        let command = command.trim_start();
        command.starts_with("go run ") || command.starts_with("curl ") || command.starts_with("wget ")
    };
    defs.kind == crate::defs::source::Kind::Shell
        && defs.commands.iter().any(|c| {
            let sources = matches!(c.argv.first().and_then(|a| a.as_known()), Some("source" | "."));
            let fetched = |path: &crate::defs::value::Value| {
                path.holes().any(|h| matches!(&h.origin, crate::defs::value::Origin::Command(c) if fetches(c)))
            };
            sources && c.argv.get(1).is_some_and(fetched)
        })
}
