use super::Defs;
use crate::defs::shell::Word;
use crate::finding::Finding;

declare_rule! {
    /// ## What it does
    /// Finds `-X` values in `-ldflags` that come from the clock or the build host: `$(date)`,
    /// `$(hostname)`, `$(whoami)`, `$USER`, `$HOSTNAME`, `$RANDOM`, directly or through a variable
    /// assigned from them.
    ///
    /// ## Why is this bad?
    /// Two builds of the same commit then differ byte for byte, so nobody can check a release by
    /// rebuilding it, and caches miss on every build.
    ///
    /// ## What really happens
    /// Checked with Go 1.21, 1.23 and 1.27: with `-trimpath`, the same commit built by different
    /// users, in different directories, with different HOME, GOCACHE, module cache and time zone
    /// gives byte-identical binaries. The Go build ID is a hash of the inputs, a symptom and never
    /// the cause; `-ldflags=-buildid=` only blanks it and fixes nothing. The real causes are a
    /// missing `-trimpath`, a different Go release, GOAMD64/tags/CGO_ENABLED differences, a dirty
    /// tree (`vcs.modified`), and time- or host-based `-X` values: this rule finds the last.
    /// Values derived from the commit (`git describe`, the commit time) are reproducible.
    /// goreleaser's default `ldflags` stamp `-X main.date={{.Date}}`, the build time: use
    /// `{{.CommitDate}}` (and `mod_timestamp: "{{ .CommitTimestamp }}"`) for reproducible releases.
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
    }
}

const HOST_COMMANDS: &[&str] = &["date", "hostname", "whoami", "uname", "id"];
const HOST_VARIABLES: &[&str] = &["USER", "HOSTNAME", "RANDOM", "SECONDS", "EPOCHSECONDS", "EPOCHREALTIME", "LOGNAME"];

/// A goreleaser template that reads the clock: `{{.Date}}`, `{{ .Now.Format ... }}`,
/// `{{ time "2006-01-02" }}` (the commit's `{{.CommitDate}}` and `{{.CommitTimestamp}}` are
/// reproducible).
fn clock_template(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let close = rest[open..].find("}}").map_or(rest.len(), |c| open + c + 2);
        let inner = &rest[open..close];
        let reads_clock = inner
            .split(|c: char| !(c.is_alphanumeric() || c == '.'))
            .any(|t| t == ".Date" || t == ".Now" || t.starts_with(".Now.") || t == "time");
        if reads_clock {
            return Some(inner.to_string());
        }
        rest = &rest[close..];
    }
    None
}

/// The clock or host source in a word, if any; `SOURCE_DATE_EPOCH`-based dates are reproducible.
fn volatile_source(word: &Word, defs: &Defs<'_>, depth: usize) -> Option<String> {
    if let Some(t) = clock_template(&crate::defs::shell::flatten(&word.parts)) {
        return Some(t);
    }
    for c in word.command_substitutions() {
        let program = c.split_whitespace().next().unwrap_or("");
        if HOST_COMMANDS.contains(&program)
            && !c.contains("SOURCE_DATE_EPOCH")
            && (program != "uname" || c.contains("-n"))
        {
            return Some(format!("$({})", c.trim()));
        }
    }
    for v in word.variables() {
        if HOST_VARIABLES.contains(&v) {
            return Some(format!("${v}"));
        }
        if depth < 3 {
            let traced =
                defs.assignments.iter().filter(|(n, _)| *n == v).find_map(|(_, w)| volatile_source(w, defs, depth + 1));
            if let Some(src) = traced {
                return Some(format!("${v} (= {src})"));
            }
        }
    }
    None
}

pub fn check(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    for b in defs.distinct_builds() {
        let Some((_, word)) = &b.invocation.ldflags else { continue };
        if let Some(src) = volatile_source(word, defs, 0) {
            let message = format!("-ldflags takes a value from {src}: every build of the same commit differs");
            let help =
                "derive it from the commit (git log -1 --format=%cI; goreleaser: {{.CommitDate}}) or SOURCE_DATE_EPOCH";
            out.push(defs.finding(&META, (word.start, word.end), message, help));
        }
    }
}
