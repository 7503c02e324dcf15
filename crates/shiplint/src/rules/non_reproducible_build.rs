use super::{Binary, Defs};
use crate::defs::gobuild::x_assignments;
use crate::defs::shell::{Word, flatten};
use crate::defs::source::Kind;
use crate::defs::value::{Hole, Origin, Provenance};
use crate::finding::{Finding, Location};
use crate::rules::DefsFindings;

declare_rule! {
    /// ## What it does
    /// Finds `-ldflags` values that come from the clock or the build host: `$(date)`,
    /// `$(hostname)`, `$(whoami)`, `$USER`, `$HOSTNAME`, `$RANDOM`, random bytes (`/dev/urandom`,
    /// `uuidgen`, `openssl rand`), goreleaser's `{{.Date}}` and
    /// `{{.Now}}`, promu's `{{date}}` and `{{user}}@{{host}}`, directly or through variables, make
    /// functions and CI values assigned from them, in builds that ship (a release, an image, a
    /// CI artifact kept; not a local development build). A value a conditional sets from the
    /// clock only when `SOURCE_DATE_EPOCH` is unset (the reproducible-builds convention) is not
    /// reported. A stamp that reaches a build through a variable its caller exports (`export
    /// LD_OPTS = -ldflags "-X main.date=$(DATE)"` before `$(MAKE) -C cmd/cli`) is reported where
    /// the caller assigns that variable; one that reaches a Dockerfile's `-X main.date=${DATE}`
    /// as a build argument (`docker build --build-arg DATE=$(date)`, a `DATE=` line of
    /// build-push-action's `build-args:`, also through a step output such as `echo
    /// "created=$(date)" >> $GITHUB_OUTPUT`, or goreleaser's `dockers:` entry packing that
    /// image with `--build-arg=DATE={{.Date}}`) where the caller passes it. A goreleaser
    /// template reads the environment of the command that runs goreleaser (`{{ .Env.BUILDDATE
    /// }}` after `export BUILDDATE=$(date)` in the release script): reported where that
    /// command's file sets the variable.
    /// In a binary whose BuildInfo records `-ldflags` (built without `-trimpath`), it finds `-X`
    /// values that are a time after the commit's own (`vcs.time`): a clock stamp taken at build
    /// time, such as goreleaser's default `-X main.date={{.Date}}`.
    ///
    /// ## Why is this bad?
    /// Two builds of the same commit then differ byte for byte, so nobody can check a release by
    /// rebuilding it, and the link step (and the Docker layer that runs it) misses the cache on
    /// every build.
    ///
    /// ## What really happens
    /// Checked with Go 1.21, 1.23 and 1.27: with `-trimpath`, the same commit built by different
    /// users, in different directories, with different HOME, GOCACHE, module cache and time zone
    /// gives byte-identical binaries. The Go build ID is a hash of the inputs, a symptom and never
    /// the cause; `-ldflags=-buildid=` only blanks it and fixes nothing. The real causes are a
    /// missing `-trimpath`, a different Go release, GOAMD64/tags/CGO_ENABLED differences, a dirty
    /// tree (`vcs.modified`), a different C toolchain for cgo, `//go:embed` of generated files,
    /// a `.git` present in one build and not the other (vcs settings and, since Go 1.24, the
    /// version), and time- or host-based `-X` values: this rule finds the last. The commit time
    /// is reproducible; `git describe` is not quite: it depends on the clone (a `--depth 1`
    /// clone, actions/checkout's default, has no tags to describe) and its hash abbreviation
    /// grows with the repository. goreleaser's default `ldflags` stamp `-X main.date={{.Date}}`,
    /// the build time: use `{{.CommitDate}}`, `mod_timestamp: "{{ .CommitTimestamp }}"` and
    /// `flags: [-trimpath]` (goreleaser's default flags are empty) for reproducible releases.
    /// promu's `{{date "..."}}` formats `SOURCE_DATE_EPOCH` when the environment sets it and the
    /// clock otherwise (promu `cmd/build.go`, `getBuildDate`); its `{{user}}@{{host}}` is always the
    /// build host. Each `-X` that stamps the clock or the host is one finding, at that `-X`,
    /// even one whose variable does not exist: the linker ignores it, but the link flags are
    /// hashed into the Go build ID, so the bytes still differ (checked with Go 1.21, 1.23 and
    /// 1.27, with `-trimpath`).
    ///
    /// ## Example
    /// ```sh
    /// go build -trimpath -ldflags "-X main.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" ./cmd/api
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// go build -trimpath -ldflags "-X main.date=$(git log -1 --format=%cI)" ./cmd/api
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: choose the commit time or `SOURCE_DATE_EPOCH`.
    ///
    /// ## References
    /// - <https://reproducible-builds.org/docs/source-date-epoch/>
    /// - <https://go.dev/blog/rebuild>
    rule {
        code: "SL009",
        name: "non-reproducible-build",
        level: Warning,
        summary: "a -X value from the clock or the build host makes every build differ",
        binary: check_binary,
        defs: check,
    }
}

/// The variable of `word` through which `written` (a hole's origin) reaches it, following
/// assignments a few levels deep: `BUILD_TIME` for `-X main.built=${BUILD_TIME}`.
fn through_variable(defs: &Defs<'_>, word: &Word, written: &str, depth: usize) -> Option<String> {
    if depth > 3 {
        return None;
    }
    // The innermost variable names the source best.
    word.variables().into_iter().find_map(|v| {
        defs.assignments.iter().filter(|(n, _)| *n == v).find_map(|(_, w)| {
            through_variable(defs, w, written, depth + 1)
                .or_else(|| flatten(&w.parts).contains(written).then(|| v.to_string()))
        })
    })
}

pub fn check(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    out.extend(defs.judge_each_command(|b| {
        let mut out = Vec::new();
        let Some((value, word)) = &b.invocation.ldflags else { return out };
        if defs.ships(b).is_none() {
            return out;
        }
        // Each -X assignment that stamps the clock or the host is its own finding, at its own
        // place when written in this word or a variable it expands (said once there however
        // many commands use it); a stamp outside any -X is one for the whole word.
        let mut stamps: Vec<(Option<String>, Hole)> = x_assignments(value)
            .into_iter()
            .filter_map(|(target, v)| v.volatile_hole().cloned().map(|h| (Some(target), h)))
            .collect();
        if stamps.is_empty() {
            stamps.extend(value.volatile_hole().cloned().map(|h| (None, h)));
        }
        // An image's build argument that what packs it passes from the clock or the host
        // (goreleaser's `--build-arg=BUILD_DATE={{.Date}}`): said where that is written.
        if stamps.is_empty() {
            for (target, v) in x_assignments(value) {
                let passed = v.holes().filter_map(|h| match &h.origin {
                    Origin::BuildArg(name) => Some(defs.passed_build_args.iter().filter(move |a| a.name == *name)),
                    _ => None,
                });
                for arg in passed.flatten() {
                    let Some(hole) = arg.value.volatile_hole() else { continue };
                    let what = source_of(hole);
                    let stamp = format!(
                        "-X {target} takes a value from {what}, {} (passed as {})",
                        hole.origin.written(),
                        arg.name
                    );
                    out.push(finding_at(Location::text(&arg.path, arg.lines), &stamp));
                }
            }
        }
        // Stamps written elsewhere (in a variable the word expands) are said once, at the word.
        let mut at_word: Vec<String> = Vec::new();
        // In a caller's run, flags made only of variables this file never sets are the caller's.
        let own_variables_unset = b.via.is_some() && {
            let variables = word.variables();
            !variables.is_empty() && variables.iter().all(|v| !defs.assignments.iter().any(|(n, _)| n == v))
        };
        let from_caller = own_variables_unset && !flatten(&word.parts).contains("$(");
        for (target, hole) in stamps {
            let what = source_of(&hole);
            let written = hole.origin.written();
            let subject = target.as_ref().map_or("-ldflags".to_string(), |t| format!("-X {t}"));
            // A stamp in a variable a caller exports (`export LD_OPTS = -ldflags "-X
            // main.date=$(DATE)"` before `$(MAKE) -C cli build`) is said where it assigns it.
            let exported = target.as_ref().filter(|_| own_variables_unset).and_then(|t| {
                let holds = |text: &str| assignment_at(text, t).is_some();
                b.via.as_deref()?.chain().find_map(|c| c.exported(&holds))
            });
            if let Some((path, lines)) = exported {
                let stamp = format!("{subject} takes a value from {what}, {written}");
                out.push(finding_at(Location::text(path, lines), &stamp));
                continue;
            }
            // goreleaser run with a stamp in its environment (`export BUILDDATE=$(date)` before
            // `goreleaser release`, read as `{{ .Env.BUILDDATE }}`): said where the caller sets it.
            if let (Kind::Goreleaser, Some(caller), Some(t)) = (defs.kind, b.via.as_deref(), target.as_ref()) {
                let read = stamp_value_text(defs.text, word, t).map(env_fields_read).unwrap_or_default();
                let set =
                    caller.chain().find_map(|c| read.iter().find_map(|name| c.export_of(name).map(|at| (at, name))));
                if let Some(((path, lines), name)) = set {
                    let stamp = format!("{subject} takes a value from {what}, {written} (read as .Env.{name})");
                    out.push(finding_at(Location::text(path, lines), &stamp));
                    continue;
                }
            }
            // A stamp a caller writes (`LDFLAGS="-X main.date=$(date)" ./build.sh`) is the
            // caller's, said where the caller writes it: an image build's argument
            // (`--build-arg BUILD_DATE=$(date)`, a `build-args:` line of a CI step) where it
            // passes that variable.
            if from_caller {
                // The variables the stamp's own value reads (`buildDate=${BUILD_DATE}`), passed
                // by a caller that pushes the image or whose place ships (not a local `make
                // docker`).
                let value_text = target.as_ref().and_then(|t| {
                    let (start, end) = assignment_span(defs.text, word, t)?;
                    defs.text.get(start..end)?.split_once('=').map(|(_, v)| v)
                });
                let variables: Vec<&str> = word
                    .variables()
                    .into_iter()
                    .filter(|v| {
                        value_text.is_some_and(|t| t.contains(&format!("${v}")) || t.contains(&format!("${{{v}}}")))
                    })
                    .collect();
                let passed =
                    b.via.as_deref().filter(|c| c.chain().any(|c| c.ships.is_some() || c.pushes)).and_then(|c| {
                        c.chain().find_map(|c| variables.iter().find_map(|v| c.passes(v).map(|at| (at, v))))
                    });
                if let (Some(((path, lines), variable)), Kind::Dockerfile) = (passed, defs.kind) {
                    let stamp = format!("{subject} takes a value from {what}, {written} (passed as {variable})");
                    out.push(finding_at(Location::text(path, lines), &stamp));
                }
                continue;
            }
            let source = match through_variable(defs, word, &written, 0) {
                Some(var) => format!("${var} (= {written})"),
                None => written,
            };
            let stamp = format!("{subject} takes a value from {what}, {source}");
            let span = target.as_ref().and_then(|t| {
                let holds = |text: &str| assignment_at(text, t).is_some();
                assignment_span(defs.text, defs.written_in(word, &holds), t)
            });
            // A stamp a Go program prints (`LDFLAGS := $(shell go run gen-ldflags.go)`) is said
            // where the program writes it.
            let printed = || {
                let t = target.as_ref()?;
                defs.printed_at(word, &|text| assignment_at(text, t).map(|at| (at, at + t.len())))
            };
            // One written in another file (a ko config's `ldflags:`) is said at its line there.
            let elsewhere = || {
                let t = target.as_ref()?;
                let (path, lines) =
                    b.invocation.ldflags_lines.as_ref()?.find(&|line| assignment_at(line, t).is_some())?;
                Some((path.to_string(), lines))
            };
            match span {
                Some(span) => out.push(finding(defs, span, &stamp)),
                None => match elsewhere().or_else(printed) {
                    Some((path, lines)) => out.push(finding_at(Location::text(&path, lines), &stamp)),
                    None => at_word.push(stamp),
                },
            }
        }
        if !at_word.is_empty() {
            out.push(finding(defs, (word.start, word.end), &at_word.join("; ")));
        }
        out
    }));
}

fn finding(defs: &Defs<'_>, span: (usize, usize), stamps: &str) -> Finding {
    finding_at(defs.location(span.0, span.1), stamps)
}

fn finding_at(at: Location, stamps: &str) -> Finding {
    let message = format!("{stamps}: every build of the same commit differs");
    let help = "derive it from the commit (git log -1 --format=%cI; goreleaser: {{.CommitDate}}) or SOURCE_DATE_EPOCH";
    META.finding(at, message, help)
}

/// Where `target=` is written in `text`: as it is, or with its import path written through a
/// variable (`-X '$(PACKAGE)/build.Time=...'` for `example.com/gdu/build.Time`, by the part
/// after its last `/`; `-X $(VPREFIX).BuildDate=...`, by its name after a variable).
fn assignment_at(text: &str, target: &str) -> Option<usize> {
    let (_, last) = target.rsplit_once('/').unwrap_or(("", target));
    text.find(&format!("{target}="))
        .or_else(|| text.find(&format!("/{last}=")).map(|at| at + 1))
        // The whole package path in a variable: `-X $(VPREFIX).BuildDate=...`.
        .or_else(|| {
            let (_, name) = target.rsplit_once('.')?;
            [")", "}"].iter().find_map(|close| text.find(&format!("{close}.{name}="))).map(|at| at + 1)
        })
}

/// Where `-X target=...` is written inside `word`, when it is written there: from the `-X` (or
/// the target) to the end of its value (the next `-X`, the line's end or the word's end).
fn assignment_span(text: &str, word: &Word, target: &str) -> Option<(usize, usize)> {
    let written = text.get(word.start..word.end)?;
    let at = assignment_at(written, target)?;
    let before = written[..at].trim_end_matches([' ', '\t', '=', '"', '\'']);
    let start = before.strip_suffix("-X").map_or(at, |b| b.strip_suffix('-').unwrap_or(b).len());
    let rest = &written[at..];
    let end = [rest.find('\n'), rest[1..].find(" -X").map(|i| i + 1)].into_iter().flatten().min().unwrap_or(rest.len());
    let end = at + rest[..end].trim_end_matches([' ', '\t', '\r', '"', '\'', ',', ']']).len();
    Some((word.start + start, word.start + end))
}

pub fn check_binary(bin: &Binary<'_>, out: &mut Vec<Finding>) {
    let Some(bi) = &bin.facts.build_info else { return };
    let (Some(ldflags), Some(vcs_time)) = (bi.setting("-ldflags"), bi.setting("vcs.time")) else { return };
    let Some(commit) = crate::timestamp::parse(&vcs_time) else { return };
    for (target, value) in crate::defs::gobuild::x_assignments_text(&ldflags) {
        let Some(stamped) = crate::timestamp::parse(&value).filter(|&t| t > commit) else { continue };
        let message = format!(
            "-X {target}={value} is {} after the commit it was built from (vcs.time {vcs_time}): a build-time clock \
             stamp, so every build of this commit differs",
            duration(stamped - commit)
        );
        let help =
            "stamp the commit time instead (git log -1 --format=%cI; goreleaser: {{.CommitDate}}) or SOURCE_DATE_EPOCH";
        out.push(bin.finding(&META, "BuildInfo setting -ldflags", message, help));
    }
}

/// A positive number of seconds in the largest whole unit that fits.
fn duration(seconds: i64) -> String {
    let (n, unit) = match seconds {
        s if s >= 2 * 86_400 => (s / 86_400, "day"),
        s if s >= 2 * 3600 => (s / 3600, "hour"),
        s if s >= 120 => (s / 60, "minute"),
        s => (s, "second"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// The environment variables a goreleaser template reads (`{{ .Env.BUILDDATE }}`, `{{ index
/// .Env "BUILDDATE" }}`), as `Value::rendered` reads its fields.
fn env_fields_read(text: &str) -> Vec<String> {
    let read = std::cell::RefCell::new(Vec::new());
    crate::defs::value::Value::rendered(text, &|field| {
        read.borrow_mut().extend(field.strip_prefix(".Env.").map(str::to_string));
        None
    });
    read.into_inner()
}

/// The text of the value `-X target=...` assigns in a goreleaser `ldflags` word, found by the
/// target's last element (`version.BuildDate=`: the package path may be a template), up to
/// the next `-X` or the end of its line.
fn stamp_value_text<'t>(text: &'t str, word: &crate::defs::shell::Word, target: &str) -> Option<&'t str> {
    let written = text.get(word.start..word.end)?;
    let key = format!("{}=", target.rsplit('/').next()?);
    let start = written.find(&key)? + key.len();
    let rest = &written[start..];
    let end = [rest.find(" -X"), rest.find('\n')].into_iter().flatten().min().unwrap_or(rest.len());
    Some(&rest[..end])
}

/// What a volatile hole's value comes from, in words: random bytes (`/dev/urandom`, `$RANDOM`,
/// `uuidgen`, `openssl rand`), the clock, or the build host.
fn source_of(hole: &Hole) -> &'static str {
    let written = hole.origin.written();
    let random = ["urandom", "/dev/random", "RANDOM", "uuidgen", "openssl rand"].iter().any(|r| written.contains(r));
    match hole.provenance {
        Provenance::Clock if random => "a random source",
        Provenance::Clock => "the clock",
        _ => "the build host",
    }
}
