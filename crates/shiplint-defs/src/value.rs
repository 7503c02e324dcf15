//! Values read from build files: literal text with holes where the file does not say what the
//! text is (`$(git describe)`, `${{ github.ref_name }}`, `$1`, `ARG VERSION`, `{{ .Date }}`).
//! A hole keeps where it came from and what is known about it (the clock, the build host, the
//! commit, the caller), so rules judge the parts they can: the target of `-X pkg.name=<hole>` is
//! literal text even when its value is not, and a clock-derived hole anywhere in `-ldflags` makes
//! the build non-reproducible. Splitting (shell fields, `-ldflags` fields) happens on literal text
//! only, so a hole stays inside its field.

use super::budget::{MAX_PIECES, MAX_VALUE};

/// A value as far as the file says: all text, or text with holes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Known(String),
    /// At least one hole (never empty of holes: a value without holes is `Known`).
    Partial(Vec<Piece>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Hole(Hole),
}

/// Text the file does not state, with its origin and provenance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hole {
    pub origin: Origin,
    pub provenance: Provenance,
}

/// Where a hole comes from, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A variable the file never sets that the environment always has (`$HOME`, `$USER`,
    /// `$GITHUB_SHA`): the name.
    Environment(String),
    /// `$(cmd)`, `` `cmd` ``, make's `$(shell cmd)` and `!=`: the command's text.
    Command(String),
    /// `${{ expr }}` in a CI file: the expression.
    CiExpression(String),
    /// A goreleaser or promu template, `{{ ... }}` included.
    Template(String),
    /// `$1`, `$@`: the caller's arguments.
    Positional(String),
    /// A Dockerfile `ARG` without a default: the name.
    BuildArg(String),
    /// Something read but not evaluated (arithmetic, a make function on unknown text, a shell
    /// operator on a value with holes): its text as written.
    Unevaluated(String),
    /// One of these values, on paths the file does not decide (`$(if $(TAGS),-tags $(TAGS))`,
    /// `${tags:+-tags=$tags}`, `ifdef DEBUG ... else ... endif`): at most `MAX_ALTERNATIVES`.
    OneOf(Vec<Value>),
}

/// The most alternatives a value keeps; past them it is a hole of unknown text.
const MAX_ALTERNATIVES: usize = 4;

/// What is known about a hole's text, from most to least volatile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Provenance {
    /// Changes with every build: `$(date)`, `{{ .Date }}`, `$RANDOM`, `/dev/urandom`.
    Clock,
    /// Depends on who builds where: `$(hostname)`, `$USER`, `$HOME`, `$(go env GOPATH)`.
    Host,
    /// Chosen by whoever runs the file: positional parameters, build arguments, inputs.
    Caller,
    /// Derived from the commit: `$(git describe)`, `{{ .Version }}`, `${{ github.sha }}`.
    Commit,
    /// Nothing known.
    Unknown,
}

/// Whether a CI expression reads a step's or job's output named for a time (`steps.now.outputs.time`,
/// `needs.meta.outputs.build_date`): one no `run:` step of the file wrote, so an action's (such as
/// an action that reports the current time), which is the clock's.
fn names_a_time_output(expr: &str) -> bool {
    let Some((_, name)) = expr.split_once(".outputs.") else { return false };
    let name = name.to_ascii_lowercase();
    let words: Vec<&str> = name.split(['_', '-', '.']).collect();
    (name.contains("time") && !name.contains("runtime"))
        || words.iter().any(|w| matches!(*w, "date" | "now" | "datetime"))
        || ["builddate", "currentdate", "isodate"].iter().any(|w| name.ends_with(w))
}

impl Provenance {
    /// Whether two builds of one commit may get different text.
    pub fn varies_per_build(self) -> bool {
        matches!(self, Provenance::Clock | Provenance::Host)
    }

    /// What a shell command's output is derived from.
    pub fn of_command(cmd: &str) -> Provenance {
        let cmd = cmd.trim();
        // The commit's own time, however it is formatted, is reproducible.
        let words = cmd.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'));
        if cmd.contains("SOURCE_DATE_EPOCH") || words.into_iter().any(|w| w == "git") {
            return Provenance::Commit;
        }
        // PowerShell reads the clock through .NET too (`([datetime]::Now).ToString("o")`).
        let lower = cmd.to_ascii_lowercase();
        if ["datetime]::now", "datetime]::utcnow", "datetimeoffset]::now", "datetimeoffset]::utcnow"]
            .iter()
            .any(|clock| lower.contains(clock))
        {
            return Provenance::Clock;
        }
        // Past the environment it is given (`TZ=UTC date`, `env LC_ALL=C date`).
        let mut words = cmd.split_whitespace().skip_while(|w| {
            *w == "env"
                || w.split_once('=').is_some_and(|(name, _)| {
                    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                })
        });
        let program = words.next().unwrap_or("").rsplit('/').next().unwrap_or("");
        let args: Vec<&str> = words.collect();
        // Random bytes differ on every run as the clock does (`head -c 32 /dev/urandom | base64`).
        if cmd.contains("/dev/urandom")
            || cmd.contains("/dev/random")
            || program == "uuidgen"
            || program == "openssl" && args.first() == Some(&"rand")
        {
            return Provenance::Clock;
        }
        match program {
            // PowerShell's clock is `Get-Date` (see `powershell`).
            "date" => Provenance::Clock,
            p if p.eq_ignore_ascii_case("get-date") => Provenance::Clock,
            "hostname" | "whoami" | "id" | "logname" => Provenance::Host,
            "uname"
                if args.iter().any(|a| {
                    matches!(*a, "--nodename" | "--all")
                        || a.strip_prefix('-').is_some_and(|f| !f.starts_with('-') && f.contains(['n', 'a']))
                }) =>
            {
                Provenance::Host
            }
            "pwd" | "mktemp" => Provenance::Host,
            "go" if args.first() == Some(&"env") && args.iter().any(|a| a.contains("PATH") || *a == "GOROOT") => {
                Provenance::Host
            }
            _ => Provenance::Unknown,
        }
    }

    /// What an environment variable the file never sets holds, for the ones every shell or CI
    /// runner has; `None` for any other name (an unset variable is then empty).
    pub fn of_environment(name: &str) -> Option<Provenance> {
        Some(match name {
            "RANDOM" | "SECONDS" | "EPOCHSECONDS" | "EPOCHREALTIME" | "SRANDOM" => Provenance::Clock,
            "USER" | "LOGNAME" | "HOSTNAME" | "HOME" | "PWD" | "OLDPWD" | "GOPATH" | "GOROOT" | "GOBIN" | "GOCACHE"
            | "TMPDIR" | "PATH" | "SHELL" | "UID" | "EUID" | "PPID" | "BASHPID" | "CI_BUILDS_DIR"
            | "CI_PROJECT_DIR" | "GITHUB_WORKSPACE" | "RUNNER_TEMP" | "RUNNER_OS" | "RUNNER_ARCH" | "CURDIR" => {
                Provenance::Host
            }
            "SOURCE_DATE_EPOCH" => Provenance::Commit,
            "GITHUB_SHA"
            | "GITHUB_REF"
            | "GITHUB_REF_NAME"
            | "GITHUB_HEAD_REF"
            | "GITHUB_BASE_REF"
            | "CI_COMMIT_SHA"
            | "CI_COMMIT_SHORT_SHA"
            | "CI_COMMIT_TAG"
            | "CI_COMMIT_REF_NAME"
            | "CI_COMMIT_BRANCH"
            | "CI_COMMIT_TIMESTAMP"
            | "GITHUB_REPOSITORY"
            | "CI_PROJECT_PATH"
            | "CI_PROJECT_NAME"
            | "CIRCLE_SHA1"
            | "CIRCLE_TAG"
            | "CIRCLE_BRANCH"
            | "CIRCLE_PROJECT_REPONAME"
            | "CIRCLE_PROJECT_USERNAME"
            | "TRAVIS_COMMIT"
            | "TRAVIS_TAG"
            | "TRAVIS_BRANCH"
            | "TRAVIS_REPO_SLUG" => Provenance::Commit,
            "GITHUB_RUN_ID"
            | "GITHUB_RUN_NUMBER"
            | "CI_PIPELINE_ID"
            | "CI_JOB_ID"
            | "BUILD_NUMBER"
            | "CIRCLE_BUILD_NUM"
            | "CIRCLE_WORKFLOW_ID"
            | "CIRCLE_PIPELINE_NUM"
            | "TRAVIS_BUILD_NUMBER"
            | "TRAVIS_JOB_NUMBER" => Provenance::Clock,
            "CIRCLE_WORKING_DIRECTORY" | "TRAVIS_BUILD_DIR" => Provenance::Host,
            n if ["GITHUB_", "RUNNER_", "CI_", "CIRCLE_", "TRAVIS_"].iter().any(|p| n.starts_with(p)) => {
                Provenance::Unknown
            }
            _ => return None,
        })
    }

    /// What a CI expression (`github.sha`, `inputs.version`, `matrix.goos`) is derived from.
    pub fn of_ci_expression(expr: &str) -> Provenance {
        let e = expr.trim();
        // GitHub's, and CircleCI's `<< pipeline.git.revision >>`.
        let commit = [
            "github.sha",
            "github.ref",
            "github.head_ref",
            "github.base_ref",
            "github.event.release.",
            "pipeline.git.",
        ];
        let caller = ["inputs.", "github.event.inputs.", "pipeline.parameters."];
        if caller.iter().any(|c| e.starts_with(c)) {
            Provenance::Caller
        } else if commit.iter().any(|c| e.starts_with(c)) || e.contains("tag") || e.contains("version") {
            Provenance::Commit
        } else if e.starts_with("github.run_")
            || e == "pipeline.number"
            || e.contains("timestamp")
            || names_a_time_output(e)
        {
            Provenance::Clock
        } else if e.starts_with("runner.") || e.starts_with("github.workspace") || e.starts_with("github.actor") {
            Provenance::Host
        } else {
            Provenance::Unknown
        }
    }

    /// What a goreleaser or promu template (`{{ .Date }}`, `{{ .Version }}`, `{{ user }}`) reads.
    pub fn of_template(template: &str) -> Provenance {
        let tokens: Vec<&str> = template
            .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_'))
            .filter(|t| !t.is_empty())
            .collect();
        let any =
            |names: &[&str]| tokens.iter().any(|t| names.iter().any(|n| t == n || t.starts_with(&format!("{n}."))));
        if any(&[".Date", ".Now", "time", "date", "now", ".Timestamp"]) {
            Provenance::Clock
        } else if any(&["user", "host", ".Env.USER", ".Env.HOSTNAME", ".Env.HOME"]) {
            Provenance::Host
        } else if tokens.iter().any(|t| t.starts_with(".Env.")) {
            Provenance::Caller
        } else if any(&[
            ".Version",
            ".RawVersion",
            ".Tag",
            ".Commit",
            ".FullCommit",
            ".ShortCommit",
            ".CommitDate",
            ".CommitTimestamp",
            ".Major",
            ".Minor",
            ".Patch",
            ".Branch",
            ".Revision",
            ".ProjectName",
            ".Summary",
            "revision",
            "branch",
            "version",
        ]) {
            Provenance::Commit
        } else {
            Provenance::Unknown
        }
    }
}

impl Origin {
    /// What is known of a hole of this origin.
    pub fn provenance(&self) -> Provenance {
        match self {
            Origin::Environment(n) => Provenance::of_environment(n).unwrap_or(Provenance::Unknown),
            Origin::Command(c) => Provenance::of_command(c),
            Origin::CiExpression(e) => Provenance::of_ci_expression(e),
            Origin::Template(t) => Provenance::of_template(t),
            Origin::Positional(_) | Origin::BuildArg(_) => Provenance::Caller,
            Origin::Unevaluated(_) => Provenance::Unknown,
            // The least volatile alternative's: a file that documents a reproducible path, such
            // as `ifdef SOURCE_DATE_EPOCH`, is not blamed for its fallback.
            Origin::OneOf(values) => values
                .iter()
                .map(|v| v.holes().map(|h| h.provenance).min().unwrap_or(Provenance::Unknown))
                .max()
                .unwrap_or(Provenance::Unknown),
        }
    }

    /// The origin as written in the file, for messages.
    pub fn written(&self) -> String {
        match self {
            Origin::Environment(n) | Origin::BuildArg(n) => format!("${n}"),
            Origin::Positional(n) => format!("${n}"),
            Origin::Command(c) => format!("$({})", c.trim()),
            Origin::CiExpression(e) => format!("${{{{ {} }}}}", e.trim()),
            Origin::Template(t) | Origin::Unevaluated(t) => t.clone(),
            Origin::OneOf(values) => values.iter().map(Value::display).collect::<Vec<_>>().join(" or "),
        }
    }
}

impl Hole {
    pub fn new(origin: Origin) -> Self {
        let provenance = origin.provenance();
        Hole { origin, provenance }
    }
}

/// The program a command that prints a program's path looks up: `which go`, `command -v go`,
/// `type -P go`.
fn located_program(command: &str) -> Option<&str> {
    let words: Vec<&str> = command.split_whitespace().collect();
    match words.as_slice() {
        ["which", name] | ["command", "-v", name] | ["type", "-P" | "-p", name] => Some(name),
        _ => None,
    }
}

impl Value {
    pub fn known(s: impl Into<String>) -> Self {
        Value::Known(s.into())
    }

    pub fn empty() -> Self {
        Value::Known(String::new())
    }

    pub fn hole(origin: Origin) -> Self {
        Value::Partial(vec![Piece::Hole(Hole::new(origin))])
    }

    /// What a variable the environment did not set takes from a default written for it (make's
    /// `?=`, the shell's `${name:-default}`). `SOURCE_DATE_EPOCH` is the reproducible-builds
    /// convention: whoever builds reproducibly sets it, so the default (usually the clock) is
    /// one alternative, not the value.
    pub fn unset_default(name: &str, default: Value) -> Value {
        match name {
            "SOURCE_DATE_EPOCH" => Value::either(Value::hole(Origin::Environment(name.to_string())), default),
            _ => default,
        }
    }

    /// A hole standing for a whole value derived from `inputs` (a transformation this reader
    /// does not evaluate): it keeps the most volatile provenance among their holes.
    pub fn derived(written: String, inputs: &[&Value]) -> Self {
        let provenance = inputs.iter().flat_map(|v| v.holes()).map(|h| h.provenance).min();
        Value::Partial(vec![Piece::Hole(Hole {
            origin: Origin::Unevaluated(written),
            provenance: provenance.unwrap_or(Provenance::Unknown),
        })])
    }

    /// Text with goreleaser or promu templates (`{{ .Version }}`) as holes.
    pub fn templated(text: &str) -> Self {
        Value::rendered(text, &|_| None)
    }

    /// A Go template (goreleaser, promu, ko) rendered as far as `field` knows the fields it
    /// reads (`.Env.LDFLAGS` -> `Some(value)`, `None` where it does not know): a field it
    /// knows is its value (`or` of fields and strings too), any other action a hole. `{{ if
    /// COND }}...{{ else if COND }}...{{ else }}...{{ end }}` takes the branch its condition
    /// picks (`eq`, `ne`, `not`, `and`, `or` over known fields); one it cannot decide gives a
    /// value that is either branch.
    pub fn rendered(text: &str, field: &dyn Fn(&str) -> Option<Value>) -> Self {
        super::template::render(text, field)
    }

    /// A value that is `a` on one path and `b` on another: the value when they agree, else a hole
    /// that is one of them.
    pub fn either(a: Value, b: Value) -> Value {
        if a == b {
            return a;
        }
        let mut alternatives: Vec<Value> = Vec::new();
        for v in [&a, &b] {
            for alternative in v.alternatives().unwrap_or(std::slice::from_ref(v)) {
                if !alternatives.contains(alternative) {
                    alternatives.push(alternative.clone());
                }
            }
        }
        let origin = match alternatives.len() <= MAX_ALTERNATIVES {
            true => Origin::OneOf(alternatives),
            false => Origin::Unevaluated(alternatives.iter().map(Value::display).collect::<Vec<_>>().join(" or ")),
        };
        Value::hole(origin)
    }

    /// The values it is one of, when it is a choice the file does not decide.
    pub fn alternatives(&self) -> Option<&[Value]> {
        match self {
            Value::Partial(pieces) => match pieces.as_slice() {
                [Piece::Hole(Hole { origin: Origin::OneOf(values), .. })] => Some(values),
                _ => None,
            },
            Value::Known(_) => None,
        }
    }

    /// Whether a field of the value (split on whitespace) could be one of `words` (`-trimpath`
    /// among flags): a field with holes could be any text that fits around them; a choice the
    /// file does not decide could when one of its alternatives could.
    pub fn may_hold_field(&self, words: &[&str]) -> bool {
        self.split_fields().iter().any(|field| match field.alternatives() {
            Some(values) => values.iter().any(|v| v.may_hold_field(words)),
            None => words.iter().any(|w| field.could_be(w)),
        })
    }

    /// Whether the value is `s`, or is a choice the file does not decide with `s` among its
    /// alternatives (`--push` of `$PUSH_OR_LOAD`, set to `--load` or `--push`).
    pub fn is_or_may_be(&self, s: &str) -> bool {
        self.as_known() == Some(s) || self.alternatives().is_some_and(|a| a.iter().any(|v| v.as_known() == Some(s)))
    }

    /// The text, when the value has no holes.
    pub fn as_known(&self) -> Option<&str> {
        match self {
            Value::Known(s) => Some(s),
            Value::Partial(_) => None,
        }
    }

    /// The last element of the path the value names, when known: all of it for known text, or
    /// the text after the last hole past its last `/` (`$(TOOLS_DIR)/ko` names `ko`).
    pub fn file_name(&self) -> Option<&str> {
        // One of several paths to one program (`go` or `$(CURDIR)/_bin/tools/go`) is that program.
        if let Some((first, rest)) = self.alternatives().and_then(|a| a.split_first()) {
            let name = first.file_name()?;
            return rest.iter().all(|v| v.file_name() == Some(name)).then_some(name);
        }
        let name = match self {
            Value::Known(s) => s.rsplit('/').next(),
            Value::Partial(pieces) => match pieces.last()? {
                Piece::Text(t) => t.rsplit_once('/').map(|(_, name)| name),
                // `$(shell which go)`, `$(command -v go)`: the path of that program.
                Piece::Hole(Hole { origin: Origin::Command(c), .. }) if pieces.len() == 1 => located_program(c),
                Piece::Hole(_) => None,
            },
        };
        name.filter(|n| !n.is_empty())
    }

    pub fn is_known(&self) -> bool {
        matches!(self, Value::Known(_))
    }

    /// Whether some of the value is text (so it is not empty, whatever its holes are).
    pub fn has_text(&self) -> bool {
        match self {
            Value::Known(s) => !s.is_empty(),
            Value::Partial(pieces) => pieces.iter().any(|p| matches!(p, Piece::Text(t) if !t.is_empty())),
        }
    }

    /// Whether the value could be `s`: its text pieces in order, each hole standing for any
    /// text (`binary-$TARGETOS` could be `binary-linux`).
    pub fn could_be(&self, s: &str) -> bool {
        let pieces = self.pieces();
        // Greedy glob match, with one backtracking point (the last hole), linear in practice.
        let (mut p, mut i) = (0, 0);
        let mut resume: Option<(usize, usize)> = None;
        loop {
            match pieces.get(p) {
                Some(Piece::Hole(_)) => {
                    p += 1;
                    resume = Some((p, i));
                }
                Some(Piece::Text(t)) if s[i..].starts_with(t.as_str()) => {
                    p += 1;
                    i += t.len();
                }
                None if i == s.len() => return true,
                _ => match resume {
                    Some((rp, ri)) if ri < s.len() => {
                        let next = ri + s[ri..].chars().next().map_or(1, char::len_utf8);
                        resume = Some((rp, next));
                        (p, i) = (rp, next);
                    }
                    _ => return false,
                },
            }
        }
    }

    pub fn pieces(&self) -> Vec<Piece> {
        match self {
            Value::Known(s) if s.is_empty() => Vec::new(),
            Value::Known(s) => vec![Piece::Text(s.clone())],
            Value::Partial(p) => p.clone(),
        }
    }

    pub fn holes(&self) -> impl Iterator<Item = &Hole> {
        let pieces: &[Piece] = match self {
            Value::Known(_) => &[],
            Value::Partial(p) => p,
        };
        pieces.iter().filter_map(|p| match p {
            Piece::Hole(h) => Some(h),
            Piece::Text(_) => None,
        })
    }

    /// The first hole whose text may differ between two builds of one commit.
    pub fn volatile_hole(&self) -> Option<&Hole> {
        self.holes().find(|h| h.provenance.varies_per_build())
    }

    /// Literal text length plus one per hole (and its alternatives): what a value costs to keep.
    pub fn size(&self) -> usize {
        match self {
            Value::Known(s) => s.len(),
            Value::Partial(p) => p
                .iter()
                .map(|p| match p {
                    Piece::Text(t) => t.len(),
                    Piece::Hole(Hole { origin: Origin::OneOf(values), .. }) => {
                        1 + values.iter().map(Value::size).sum::<usize>()
                    }
                    Piece::Hole(_) => 1,
                })
                .sum(),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Value::Known(s) if s.is_empty())
    }

    /// The text with each hole written as its origin (`-X main.v=$(git describe)`).
    pub fn display(&self) -> String {
        self.text_with(&|h| h.origin.written())
    }

    /// The words the value holds on some path, for scanning flags: its text, each choice the
    /// file does not decide written as its alternatives one after another, and every other hole
    /// as U+FFFD (`-X main.date=$(git show -s)` holds no `-s`).
    pub fn choices_text(&self) -> String {
        self.text_with(&|h| match &h.origin {
            Origin::OneOf(values) => values.iter().map(Value::choices_text).collect::<Vec<_>>().join(" "),
            _ => "\u{fffd}".to_string(),
        })
    }

    /// The text with each hole written as `hole` writes it.
    fn text_with(&self, hole: &dyn Fn(&Hole) -> String) -> String {
        match self {
            Value::Known(s) => s.clone(),
            Value::Partial(pieces) => pieces
                .iter()
                .map(|p| match p {
                    Piece::Text(t) => t.clone(),
                    Piece::Hole(h) => hole(h),
                })
                .collect(),
        }
    }

    pub fn starts_with(&self, prefix: &str) -> bool {
        match self.pieces().first() {
            Some(Piece::Text(t)) => t.starts_with(prefix),
            _ => prefix.is_empty(),
        }
    }

    /// Whether the value's text ends with `suffix` whatever its holes hold (`./cmd/$*/main.go`
    /// ends with `.go`).
    pub fn ends_with(&self, suffix: &str) -> bool {
        match self.pieces().last() {
            Some(Piece::Text(t)) => t.ends_with(suffix),
            _ => suffix.is_empty(),
        }
    }

    /// Splits on whitespace in the literal text only: a hole stays inside its field.
    pub fn split_fields(&self) -> Vec<Value> {
        let mut fields = Fields::default();
        fields.push_split(self, Quotes::Literal);
        fields.finish()
    }

    /// Splits as cmd/go's `quoted.Split` does (spaces separate fields; a field may be wrapped in
    /// single or double quotes), on literal text only.
    pub fn split_quoted(&self) -> Vec<Value> {
        let mut fields = Fields::default();
        fields.push_split(self, Quotes::FieldStart);
        fields.finish()
    }

    /// `text` with `prefix` removed from the literal start, when it is there.
    pub fn strip_prefix(&self, prefix: &str) -> Option<Value> {
        let mut pieces = self.pieces();
        match pieces.first_mut() {
            Some(Piece::Text(t)) if t.starts_with(prefix) => {
                *t = t[prefix.len()..].to_string();
            }
            _ if prefix.is_empty() => {}
            _ => return None,
        }
        Some(Builder::from_pieces(pieces))
    }

    /// Splits at the first `sep` in the literal text (`target=value`).
    pub fn split_once(&self, sep: char) -> Option<(Value, Value)> {
        let pieces = self.pieces();
        for (i, p) in pieces.iter().enumerate() {
            if let Piece::Text(t) = p {
                if let Some(at) = t.find(sep) {
                    let mut left: Vec<Piece> = pieces[..i].to_vec();
                    left.push(Piece::Text(t[..at].to_string()));
                    let mut right = vec![Piece::Text(t[at + sep.len_utf8()..].to_string())];
                    right.extend_from_slice(&pieces[i + 1..]);
                    return Some((Builder::from_pieces(left), Builder::from_pieces(right)));
                }
            }
        }
        None
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Known(s.to_string())
    }
}

/// What quote characters in split text mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quotes {
    /// Plain characters (the shell's own expansions).
    Literal,
    /// A quote opening a field groups it up to the closing quote (cmd/go's `quoted.Split`).
    FieldStart,
    /// Quotes anywhere group and are removed (text make substitutes before the shell reads it).
    Anywhere,
}

/// Fields built from values: split on whitespace in their literal text, holes staying inside
/// their field. One splitter serves shell field splitting and flag lists.
#[derive(Default, Debug)]
pub struct Fields {
    fields: Vec<Value>,
    current: Builder,
    started: bool,
    quote: Option<char>,
}

impl Fields {
    /// Text that joins the current field, never split (literal or quoted words).
    pub fn push_fixed(&mut self, v: &Value) {
        self.current.push(v);
        self.started = true;
    }

    /// Text split on whitespace outside quotes.
    pub fn push_split(&mut self, v: &Value, quotes: Quotes) {
        for piece in v.pieces() {
            let text = match piece {
                Piece::Hole(h) => {
                    self.current.push_hole(h);
                    self.started = true;
                    continue;
                }
                Piece::Text(t) => t,
            };
            for c in text.chars() {
                match self.quote {
                    Some(q) if c == q => self.quote = None,
                    Some(_) => self.current.push_str(c.encode_utf8(&mut [0; 4])),
                    None if (c == '"' || c == '\'')
                        && (quotes == Quotes::Anywhere || quotes == Quotes::FieldStart && !self.started) =>
                    {
                        self.quote = Some(c);
                        self.started = true;
                    }
                    None if c.is_whitespace() => self.end_field(),
                    None => {
                        self.current.push_str(c.encode_utf8(&mut [0; 4]));
                        self.started = true;
                    }
                }
            }
        }
        // Quotes do not carry over into the next value.
        self.quote = None;
    }

    /// Ends the current field, if one has begun.
    pub fn end_field(&mut self) {
        if self.started {
            self.fields.push(std::mem::take(&mut self.current).build());
            self.started = false;
        }
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && !self.started
    }

    pub fn finish(mut self) -> Vec<Value> {
        self.end_field();
        self.fields
    }
}

/// Builds a value piece by piece, merging adjacent text.
#[derive(Default, Debug)]
pub struct Builder {
    pieces: Vec<Piece>,
    /// Bytes of text plus one per hole so far.
    size: usize,
}

impl Builder {
    pub fn from_pieces(pieces: Vec<Piece>) -> Value {
        let mut b = Builder::default();
        for p in pieces {
            b.push_piece(p);
        }
        b.build()
    }

    pub fn push_str(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        self.size += s.len();
        match self.pieces.last_mut() {
            Some(Piece::Text(t)) => t.push_str(s),
            _ => self.pieces.push(Piece::Text(s.to_string())),
        }
    }

    pub fn push_hole(&mut self, h: Hole) {
        self.size += 1;
        self.pieces.push(Piece::Hole(h));
    }

    pub fn push_piece(&mut self, p: Piece) {
        match p {
            Piece::Text(t) => self.push_str(&t),
            Piece::Hole(h) => self.push_hole(h),
        }
    }

    pub fn push(&mut self, v: &Value) {
        match v {
            Value::Known(s) => self.push_str(s),
            Value::Partial(p) => p.iter().cloned().for_each(|p| self.push_piece(p)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// Whether the value has grown past what the budget keeps.
    pub fn is_too_large(&self) -> bool {
        self.size > MAX_VALUE || self.pieces.len() > MAX_PIECES
    }

    pub fn build(self) -> Value {
        if self.pieces.iter().any(|p| matches!(p, Piece::Hole(_))) {
            Value::Partial(self.pieces)
        } else {
            Value::Known(
                self.pieces.into_iter().map(|p| if let Piece::Text(t) = p { t } else { String::new() }).collect(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holey(parts: &[Result<&str, Origin>]) -> Value {
        let mut b = Builder::default();
        for p in parts {
            match p {
                Ok(t) => b.push_str(t),
                Err(o) => b.push_hole(Hole::new(o.clone())),
            }
        }
        b.build()
    }

    #[test]
    fn a_choice_keeps_its_alternatives() {
        let tags = holey(&[Ok("-tags="), Err(Origin::Environment("TAGS".into()))]);
        let optional = Value::either(tags.clone(), Value::empty());
        assert_eq!(optional.display(), "-tags=$TAGS or ");
        let trimpath: &[&str] = &["-trimpath"];
        assert!(!optional.may_hold_field(trimpath), "-tags=... or nothing is never -trimpath");
        // A field that is a hole could be any flag.
        let spaced = holey(&[Ok("-tags "), Err(Origin::Environment("TAGS".into()))]);
        assert!(Value::either(spaced, Value::empty()).may_hold_field(trimpath));
        // Choices of choices are one choice; past the cap, any text.
        let nested = Value::either(optional.clone(), Value::known("-trimpath"));
        assert_eq!(nested.display(), "-tags=$TAGS or  or -trimpath");
        assert!(nested.may_hold_field(trimpath));
        let many = ["a", "b", "c"].iter().fold(optional, |v, w| Value::either(v, Value::known(*w)));
        assert!(matches!(many.holes().next().map(|h| &h.origin), Some(Origin::Unevaluated(_))));
        assert!(many.may_hold_field(trimpath));
        assert!(Value::hole(Origin::Command("git describe".into())).may_hold_field(trimpath));
    }

    #[test]
    fn splitting_keeps_holes_inside_their_field() {
        let v = holey(&[Ok("-s -w -X main.v="), Err(Origin::Command("git describe".into())), Ok("-dirty -X m.d=1")]);
        let fields = v.split_fields();
        assert_eq!(fields.len(), 6);
        assert_eq!(fields[3].display(), "main.v=$(git describe)-dirty");
        assert_eq!(fields[5], Value::known("m.d=1"));
        let (target, value) = fields[3].split_once('=').unwrap();
        assert_eq!(target, Value::known("main.v"));
        assert_eq!(value.holes().next().unwrap().provenance, Provenance::Commit);
    }

    #[test]
    fn quoted_split_follows_cmd_go() {
        let v = holey(&[Ok("-X 'main.d="), Err(Origin::Command("date -u".into())), Ok(" UTC' -w")]);
        let fields = v.split_quoted();
        assert_eq!(fields.len(), 3);
        assert_eq!(fields[1].display(), "main.d=$(date -u) UTC");
        assert_eq!(fields[1].volatile_hole().unwrap().provenance, Provenance::Clock);
    }

    #[test]
    fn provenance_of_common_sources() {
        assert_eq!(Provenance::of_command("date -u +%FT%TZ"), Provenance::Clock);
        assert_eq!(Provenance::of_command("([datetime]::Now.ToUniversalTime()) | Out-String"), Provenance::Clock);
        assert_eq!(Provenance::of_command("[DateTime]::UtcNow.ToString('o')"), Provenance::Clock);
        assert_eq!(Provenance::of_command("date -u -d @$SOURCE_DATE_EPOCH"), Provenance::Commit);
        assert_eq!(Provenance::of_command("date -d @$(git log -1 --format=%ct)"), Provenance::Commit);
        assert_eq!(Provenance::of_command("git describe --tags"), Provenance::Commit);
        assert_eq!(Provenance::of_command("hostname"), Provenance::Host);
        assert_eq!(Provenance::of_command("uname -m"), Provenance::Unknown);
        assert_eq!(Provenance::of_template("{{ .Date }}"), Provenance::Clock);
        assert_eq!(Provenance::of_ci_expression("steps.current-time.outputs.time"), Provenance::Clock);
        assert_eq!(Provenance::of_ci_expression("needs.meta.outputs.build_date"), Provenance::Clock);
        assert_eq!(Provenance::of_ci_expression("steps.x.outputs.updated"), Provenance::Unknown);
        assert_eq!(Provenance::of_ci_expression("steps.go.outputs.runtime"), Provenance::Unknown);
        assert_eq!(Provenance::of_template("{{.CommitDate}}"), Provenance::Commit);
        assert_eq!(Provenance::of_template("{{ .Now.Format \"2006\" }}"), Provenance::Clock);
        assert_eq!(Provenance::of_template("{{user}}@{{host}}"), Provenance::Host);
        assert_eq!(Provenance::of_ci_expression("github.sha"), Provenance::Commit);
        assert_eq!(Provenance::of_environment("USER"), Some(Provenance::Host));
        assert_eq!(Provenance::of_environment("VERSION"), None);
    }

    #[test]
    fn builder_normalises() {
        assert_eq!(holey(&[Ok("a"), Ok("b")]), Value::known("ab"));
        assert!(holey(&[]).is_empty());
        assert_eq!(Value::known("a=b").split_once('='), Some((Value::known("a"), Value::known("b"))));
    }
}
