//! `.goreleaser.yaml` (v1 and v2): each `builds` entry with goreleaser's documented defaults
//! (targets, ldflags, main package), lowered into one `go build` per target.

use super::ci::{Scalar, Strings, alias_of, span_of};
use super::gobuild::{BuildInvocation, Setting};
use super::shell::{Value, Word};
use super::value::Origin;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_saphyr::Spanned;
use std::collections::HashMap;

#[derive(Debug, Deserialize)]
struct BuildEntry {
    id: Option<String>,
    /// The folder goreleaser runs `go build` in; `main` is relative to it.
    dir: Option<String>,
    main: Option<String>,
    binary: Option<String>,
    env: Option<Vec<Scalar>>,
    flags: Option<Spanned<Strings>>,
    ldflags: Option<Spanned<Strings>>,
    goos: Option<Spanned<Vec<Scalar>>>,
    goarch: Option<Vec<Scalar>>,
    /// `linux_amd64`, `darwin_arm64_v8.0`, `go_first_class`: when written, goreleaser builds
    /// these and ignores `goos` and `goarch`.
    targets: Option<Spanned<Vec<Scalar>>>,
    /// `true`, or a template (`{{ if eq .Env.LINUX_ONLY "true" }}true{{ else }}false{{ end }}`).
    skip: Option<Scalar>,
    builder: Option<String>,
}

/// A `dockers:` entry: an image goreleaser builds from a Dockerfile with some builds' binaries.
#[derive(Debug, Deserialize)]
struct DockerEntry {
    ids: Option<Vec<Scalar>>,
    dockerfile: Option<Spanned<Scalar>>,
    goos: Option<Scalar>,
    goarch: Option<Scalar>,
    /// `docker build` flags, `--build-arg=NAME=value` among them.
    build_flag_templates: Option<Vec<Spanned<Scalar>>>,
}

/// A `dockers_v2:` entry: one multi-platform image (buildx) from a Dockerfile.
#[derive(Debug, Deserialize)]
struct DockerV2Entry {
    ids: Option<Vec<Scalar>>,
    dockerfile: Option<Spanned<Scalar>>,
    /// `linux/amd64` and the like (goreleaser's default: linux/amd64 and linux/arm64).
    platforms: Option<Vec<Scalar>>,
    build_args: Option<HashMap<String, Scalar>>,
}

/// A `kos:` entry: an image goreleaser builds with ko and pushes (not in `--snapshot`, which
/// publishes to `ko.local`). What it leaves out of `ldflags`, `flags`, `env`, `main` and
/// `working_dir` comes from the build it names (`build:`, default its `id`, whose default is the
/// project name), as goreleaser's `internal/pipe/ko` fills them in.
#[derive(Debug, Deserialize)]
struct KoEntry {
    id: Option<String>,
    build: Option<String>,
    main: Option<String>,
    working_dir: Option<String>,
    base_image: Option<Spanned<Scalar>>,
    user: Option<Scalar>,
    /// `linux/amd64` (the default), `linux/arm/v7`, or `all` (the base image's platforms).
    platforms: Option<Spanned<Vec<Scalar>>>,
    flags: Option<Spanned<Strings>>,
    ldflags: Option<Spanned<Strings>>,
    env: Option<Vec<Scalar>>,
}

#[derive(Debug, Deserialize)]
struct Config {
    builds: Option<Spanned<Vec<Spanned<BuildEntry>>>>,
    /// goreleaser's first form, one build under `build:` (deprecated in v1, still read by it).
    build: Option<Spanned<BuildEntry>>,
    dockers: Option<Vec<Spanned<DockerEntry>>>,
    dockers_v2: Option<Vec<Spanned<DockerV2Entry>>>,
    kos: Option<Vec<Spanned<KoEntry>>>,
    project_name: Option<String>,
    notarize: Option<IgnoredAny>,
    signs: Option<IgnoredAny>,
    includes: Option<IgnoredAny>,
    /// The environment of every build, under each build's own `env:`.
    env: Option<Vec<Scalar>>,
    before: Option<Before>,
    monorepo: Option<Monorepo>,
}

/// goreleaser Pro's `monorepo:`: a build without a `dir` builds in `monorepo.dir`.
#[derive(Debug, Deserialize)]
struct Monorepo {
    dir: Option<String>,
}

/// `before:`: commands goreleaser runs before it builds (after it checked the tree is clean).
#[derive(Debug, Deserialize)]
struct Before {
    hooks: Option<Vec<Spanned<Hook>>>,
}

/// A hook: a command line, or `{cmd: ..., dir: ..., env: ...}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Hook {
    Line(Scalar),
    Entry { cmd: Scalar },
}

/// goreleaser commands that do not release (its root command is `release`, so `goreleaser
/// --clean` releases too).
const OTHER_COMMANDS: &[&str] =
    &["build", "check", "init", "healthcheck", "changelog", "completion", "jsonschema", "man", "schema", "help"];

/// One run of goreleaser as a command line or the goreleaser action writes it: the config file it
/// names (`-f`, `--config`; `None` for the default names) and whether it releases (not
/// `--snapshot`, not `build`/`check`...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub config: Option<String>,
    pub releases: bool,
    /// Whether it builds from the config (goreleaser Pro's `continue`, `publish` and `announce`
    /// work on what an earlier `--split`/`--prepare` run built).
    pub builds: bool,
    /// Its environment sets `GOFLAGS=-trimpath`, which every `go build` it runs reads.
    pub trimpath_from_goflags: bool,
    /// A release run without publishing (`release --snapshot`): the whole release rehearsed, as
    /// CI checks a config its maintainers release with (not `build`, which only compiles).
    pub rehearses_release: bool,
}

impl Run {
    /// Reads goreleaser's arguments (the words after `goreleaser`).
    pub fn from_args(args: &[&str]) -> Run {
        let mut config = None;
        let mut subcommand = None;
        let mut words = args.iter();
        while let Some(&w) = words.next() {
            match w {
                "-f" | "--config" => config = words.next().map(|c| c.to_string()),
                _ if w.starts_with("--config=") => config = Some(w["--config=".len()..].to_string()),
                _ if w.starts_with("-f=") => config = Some(w[3..].to_string()),
                _ if !w.starts_with('-') && subcommand.is_none() => subcommand = Some(w),
                _ => {}
            }
        }
        let release_command = !subcommand.is_some_and(|c| OTHER_COMMANDS.contains(&c));
        let snapshot = args.contains(&"--snapshot");
        let builds = !subcommand.is_some_and(|c| matches!(c, "continue" | "publish" | "announce"));
        Run {
            config,
            releases: release_command && !snapshot,
            builds,
            trimpath_from_goflags: false,
            rehearses_release: release_command && snapshot,
        }
    }

    /// Whether this run reads the config file named `file_name` (any, where the `--config` path
    /// is not known: `--config=${{ env.config_file }}`).
    pub fn reads(&self, file_name: &str) -> bool {
        if !self.builds {
            return false;
        }
        match &self.config {
            Some(c) if c.contains('$') => true,
            Some(c) => c.rsplit('/').next() == Some(file_name),
            None => is_default_name(file_name),
        }
    }
}

/// Whether goreleaser reads a config of this file name when no `--config` names one.
pub fn is_default_name(file_name: &str) -> bool {
    matches!(file_name, ".goreleaser.yml" | ".goreleaser.yaml" | "goreleaser.yml" | "goreleaser.yaml")
}

/// The endings of a goreleaser config that a project renders before goreleaser reads it
/// (`.goreleaser.yml.tmpl`, run through Go's text/template with its own delimiters).
pub const TEMPLATE_SUFFIXES: &[&str] = &[".tmpl", ".tpl", ".gotmpl"];

/// A goreleaser config template read as the config it renders to, byte for byte in place (so
/// that spans and fixes stay the file's): written with `[[ ]]` delimiters, because goreleaser's
/// own templates are `{{ }}`, its actions are rendered as a renderer that sets nothing would:
/// `[[if .GOARCH]] A [[else]] B [[end]]` keeps B (`[[with]]` likewise keeps nothing), `[[range]]`
/// keeps its body once, and `[[ .GOOS ]]` becomes the template `{{ .GOOS }}` (a value the file
/// does not state). Action lines and the branches not kept are blanked. A template written with
/// `{{ }}` has its control lines (`{{ if ... }}` alone on a line) read the same way.
pub fn render_template(text: &str) -> String {
    let (open, close) = match text.contains("[[") && text.contains("]]") {
        true => ("[[", "]]"),
        false => ("{{", "}}"),
    };
    // Each character becomes as many spaces as it has bytes: offsets stay the file's.
    let blank = |line: &str| {
        line.chars()
            .map(|c| if c == '\n' || c == '\r' { c.to_string() } else { " ".repeat(c.len_utf8()) })
            .collect::<String>()
    };
    let mut out = String::with_capacity(text.len());
    // For each open block: whether its current branch is kept.
    let mut kept: Vec<bool> = Vec::new();
    for line in text.split_inclusive('\n') {
        let keeping = kept.iter().all(|k| *k);
        let action = line
            .trim()
            .strip_prefix(open)
            .and_then(|a| a.strip_suffix(close))
            .filter(|a| !a.contains(open) && !a.contains(close))
            .map(|a| a.trim_matches(['-', ' ']));
        let keyword = action.and_then(|a| a.split_whitespace().next());
        match keyword {
            Some("if" | "with") => kept.push(false),
            Some("range") => kept.push(true),
            Some("define" | "block") => kept.push(false),
            // The else branch of an unset condition is the one taken; an `else if` is another
            // condition on unset values, not taken.
            Some("else") => {
                let else_if = action.is_some_and(|a| a.split_whitespace().nth(1).is_some());
                if let Some(k) = kept.last_mut() {
                    *k = !*k && !else_if;
                }
            }
            Some("end") => {
                kept.pop();
            }
            _ if keeping && open == "[[" => {
                out.push_str(&line.replace(open, "{{").replace(close, "}}"));
                continue;
            }
            _ if keeping => {
                out.push_str(line);
                continue;
            }
            _ => {}
        }
        out.push_str(&blank(line));
    }
    out
}

/// goreleaser's default `ldflags` (v1 and v2, documented under builds).
pub const DEFAULT_LDFLAGS: &str =
    "-s -w -X main.version={{.Version}} -X main.commit={{.Commit}} -X main.date={{.Date}} -X main.builtBy=goreleaser";
/// Default targets of goreleaser v1 and v2 (0.x built only darwin and linux).
const DEFAULT_GOOS: &[&str] = &["darwin", "linux", "windows"];
const DEFAULT_GOARCH: &[&str] = &["386", "amd64", "arm64"];
/// What goreleaser's `go_first_class` and `go_118_first_class` targets stand for: Go's
/// first-class ports (`go tool dist list -json`), the same eight since Go 1.18.
const FIRST_CLASS_TARGETS: &[(&str, &str)] = &[
    ("darwin", "amd64"),
    ("darwin", "arm64"),
    ("linux", "386"),
    ("linux", "amd64"),
    ("linux", "arm"),
    ("linux", "arm64"),
    ("windows", "386"),
    ("windows", "amd64"),
];

/// The `(goos, goarch)` pairs of a `targets:` list: `os_arch` with an optional variant
/// (`linux_arm_7`, `linux_amd64_v3`), or a named group.
fn listed_targets(targets: &[Scalar]) -> Vec<(String, String)> {
    let pair = |(os, arch): &(&str, &str)| (os.to_string(), arch.to_string());
    targets
        .iter()
        .map(Scalar::text)
        .flat_map(|t| match t.as_str() {
            "go_first_class" | "go_118_first_class" => FIRST_CLASS_TARGETS.iter().map(pair).collect(),
            _ => {
                let mut parts = t.splitn(3, '_');
                match (parts.next(), parts.next()) {
                    (Some(os), Some(arch)) => vec![(os.to_string(), arch.to_string())],
                    _ => Vec::new(),
                }
            }
        })
        .collect()
}

/// One build entry (of goreleaser, or of promu read the same way): its targets and the words the
/// invocations borrow.
pub struct Build {
    pub id: String,
    /// Where the entry is (the whole `- id: ...` mapping), and its `goos` (or `targets`) list if
    /// written.
    pub span: (usize, usize),
    pub goos_span: Option<(usize, usize)>,
    /// Where and what to insert to add `-trimpath` to a written entry: a `flags:` key in a
    /// block entry without one, or an item of an existing `flags:` list (flow or block style).
    pub trimpath_edit: Option<(usize, String)>,
    pub targets: Vec<(String, String)>,
    /// How many targets the lists name (`targets` holds at most `budget::MAX_TARGETS` of them).
    pub target_count: u128,
    pub(super) ldflags: Word,
    pub(super) output: Word,
    pub(super) main: Word,
    /// Its environment as written (see `rendered_env`).
    pub(super) env: Vec<(String, String)>,
    pub(super) trimpath: bool,
    pub(super) mod_flag: Option<String>,
    pub(super) implicit_ldflags: bool,
}

/// An image goreleaser builds (`dockers:`, or one platform of a `dockers_v2:` entry), with
/// goreleaser's defaults applied.
pub struct Docker {
    /// The Dockerfile, relative to the configuration's folder (default `Dockerfile`).
    pub dockerfile: String,
    /// Where the `dockerfile:` value is, or the entry when it is not written.
    pub span: (usize, usize),
    /// The builds whose binaries it takes (all when empty).
    pub ids: Vec<String>,
    pub goos: String,
    pub goarch: String,
    /// The build arguments it passes, as written (templates unrendered).
    pub build_args: Vec<(String, String)>,
    /// Where each build argument is written, by name (the entry where it has no place of its
    /// own: a `dockers_v2:` `build_args:` map).
    pub build_arg_spans: Vec<(String, (usize, usize))>,
}

/// The `--build-arg NAME=value` pairs of `docker build` flags (`--build-arg=NAME=value`, or the
/// flag and its value as two items), each with where its value is written.
fn build_args_of_flags(flags: &[Spanned<Scalar>], entry: (usize, usize)) -> Vec<(String, String, (usize, usize))> {
    let mut args = Vec::new();
    let mut words = flags.iter().map(|f| (f.value.text().trim().to_string(), span_of(f).unwrap_or(entry)));
    while let Some((flag, at)) = words.next() {
        let (pair, at) = match flag.strip_prefix("--build-arg") {
            Some(rest) if rest.starts_with('=') => (rest[1..].to_string(), at),
            Some("") => words.next().unwrap_or_default(),
            _ => continue,
        };
        if let Some((name, value)) = pair.split_once('=') {
            args.push((name.trim().to_string(), value.to_string(), at));
        }
    }
    args
}

/// An image a `kos:` entry builds with ko.
pub struct Ko {
    /// Where the entry is.
    pub span: (usize, usize),
    /// `base_image` and where it is written; `None` for goreleaser's default,
    /// `cgr.dev/chainguard/static` (which runs as nonroot).
    pub base_image: Option<(String, (usize, usize))>,
    /// `user`: the user the image runs as; without it, the base image's.
    pub user: Option<String>,
}

pub struct Goreleaser {
    pub builds: Vec<Build>,
    pub dockers: Vec<Docker>,
    pub kos: Vec<Ko>,
    pub notarizes: bool,
    pub signs: bool,
    /// The `before.hooks` command lines, each with where it is written.
    pub before_hooks: Vec<((usize, usize), String)>,
    /// Every build is `builder: prebuilt`: goreleaser packs what another file built.
    pub packs_prebuilt: bool,
    /// No `builds:`, `build:` or `includes:`: goreleaser would build the module's main package
    /// with every default, if this file is the whole config.
    pub builds_by_default: bool,
    /// No config file: goreleaser's defaults, read where a run found none (see `defaults_at`).
    pub no_config_file: bool,
}

/// The column of a block mapping's first key at `at` (`  - id: api` gives 4 for `id`); `None`
/// for a flow mapping or anything but spaces and list dashes before it.
fn key_column(text: &str, at: usize) -> Option<usize> {
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..at];
    let block_key = before.bytes().all(|b| b == b' ' || b == b'-') && !text[at..].starts_with(['{', '[', '\n']);
    block_key.then_some(before.len())
}

/// The insertion that adds `-trimpath` to the entry starting at `entry` with `flags`.
fn trimpath_edit(text: &str, entry: usize, flags: Option<&Spanned<Strings>>) -> Option<(usize, String)> {
    let Some(flags) = flags else {
        let column = key_column(text, entry)?;
        return Some((entry, format!("flags: [-trimpath]\n{}", " ".repeat(column))));
    };
    if !matches!(flags.value, Strings::List(_)) {
        return None;
    }
    let (start, _) = span_of(flags)?;
    let rest = text.get(start..)?;
    if let Some(items) = rest.strip_prefix('[') {
        let empty = items.trim_start().starts_with(']');
        return Some((start + 1, if empty { "-trimpath".into() } else { "-trimpath, ".into() }));
    }
    // A block sequence (its span starts at the first `- `): a new first item, indented alike.
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..start];
    if !rest.starts_with("- ") || !indent.bytes().all(|b| b == b' ') {
        return None;
    }
    Some((line_start, format!("{indent}- -trimpath\n")))
}

/// Where a YAML value starting at `start` ends (its last non-blank line, before `limit`): the
/// lines after its key's line that are indented deeper than the key, or are `- ` items at the
/// key's own indentation. YAML collections report only where they start.
pub(super) fn value_end(text: &str, start: usize, limit: usize) -> usize {
    let indent = |line: &str| line.len() - line.trim_start_matches(' ').len();
    // The key's column: after the spaces and `- ` that open a sequence item on its line.
    let key_column = |line: &str| line.len() - line.trim_start_matches([' ', '-']).len();
    let key_line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    // A block sequence's span starts at its first item (at its `- ` or at the item itself), on a
    // line after `key:`, whose items may sit at the key's own column (`ldflags:\n- -s`).
    let key_indent = if text[key_line_start..start].trim_start_matches([' ', '-']).is_empty() {
        let key_line = text[..key_line_start]
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .unwrap_or("");
        key_column(key_line)
    } else {
        key_column(&text[key_line_start..])
    };
    let mut end = text[start..].find('\n').map_or(text.len(), |n| start + n);
    let mut at = (end + 1).min(text.len());
    while at < limit.min(text.len()) {
        let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        let line = &text[at..line_end];
        let blank = line.trim().is_empty() || line.trim_start().starts_with('#');
        let inside = indent(line) > key_indent || (indent(line) == key_indent && line.trim_start().starts_with("- "));
        if !blank && !inside {
            break;
        }
        if !blank {
            end = line_end;
        }
        at = line_end + 1;
    }
    end.min(limit.max(start))
}

pub(super) use super::shell::literal_word as literal;

/// The `ldflags` of the entry at `entry` (which ends before `entry_end`) as one word, spanning
/// the key's value; written elsewhere (`ldflags: *common`, `<<: *defaults`), it is said at the
/// alias, once per entry that uses it.
fn ldflags_word(text: &str, ldflags: &Spanned<Strings>, entry: (usize, usize), entry_end: usize) -> Word {
    let joined = ldflags.value.items().join(" ");
    let outside = span_of(ldflags).is_none_or(|(s, _)| s < entry.0 || s >= entry_end);
    match alias_of(ldflags).filter(|_| outside) {
        Some(alias) => literal(&joined, alias),
        None => literal(&joined, span_of(ldflags).map_or(entry, |(s, _)| (s, value_end(text, s, entry_end)))),
    }
}

/// Where the block entry starting at `start` ends (before `limit`): its last line indented at
/// least as deep as its first key, trailing blank and comment lines left out. This is what a
/// finding about the entry as a whole (no -trimpath) points at.
fn entry_extent(text: &str, start: usize, limit: usize) -> usize {
    let entry_text = text.get(start..limit).unwrap_or("");
    let column = key_column(text, start).unwrap_or(0);
    let mut end = 0;
    let mut line_start = 0;
    for (n, line) in entry_text.split_inclusive('\n').enumerate() {
        let content = line.trim();
        if content.is_empty() || content.starts_with('#') {
            line_start += line.len();
            continue;
        }
        // A line indented less than the entry's keys (the next top-level key) ends it.
        if n > 0 && line.len() - line.trim_start_matches(' ').len() < column {
            break;
        }
        end = line_start + line.trim_end().len();
        line_start += line.len();
    }
    start + end
}

/// Whether `go build` flags, as goreleaser renders them, include `-trimpath`.
fn has_trimpath(flags: &[String]) -> bool {
    flags.iter().flat_map(|f| f.split_whitespace()).any(|w| w == "-trimpath")
}

/// The `-mod=` value among `go build` flags, as goreleaser renders them.
fn mod_flag(flags: &[String]) -> Option<String> {
    flags.iter().flat_map(|f| f.split_whitespace()).find_map(|w| w.strip_prefix("-mod=")).map(str::to_string)
}

/// `env:` entries (`NAME=value`, the top level's then a build's), as written.
fn env_entries<'s>(entries: impl IntoIterator<Item = &'s Scalar>) -> Vec<(String, String)> {
    entries.into_iter().filter_map(|s| s.text().split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))).collect()
}

/// A build's environment as goreleaser sets it for `target` (`None`: any of its targets): in
/// order, each value a template over the entries before it and the target (`LD_FLAGS=-s -w -X
/// main.v={{ .Version }}` read by `ldflags: ['{{ .Env.LD_FLAGS }}']`; `CGO_ENABLED={{ if eq
/// .Os "darwin" }}1{{ else }}0{{ end }}`).
fn rendered_env(entries: &[(String, String)], target: Option<&(String, String)>) -> Vec<(String, Value)> {
    rendered_env_given(entries, target, &[])
}

/// The same, over the environment goreleaser runs in (`given`: what its caller sets, which
/// `.Env.NAME` reads where the config's `env:` does not set NAME).
fn rendered_env_given(
    entries: &[(String, String)],
    target: Option<&(String, String)>,
    given: &[(String, Value)],
) -> Vec<(String, Value)> {
    let mut env: Vec<(String, Value)> = given.to_vec();
    for (name, value) in entries {
        let value = Value::rendered(value, &|f| template_field(&env, target, f));
        env.retain(|(n, _)| n != name);
        env.push((name.clone(), value));
    }
    env
}

/// A field of goreleaser's template data where the config says it: `.Env.NAME` that its `env:`
/// sets, `.Os` and `.Arch` of the target; `None` for other fields and for the environment
/// goreleaser runs in.
fn template_field(env: &[(String, Value)], target: Option<&(String, String)>, field: &str) -> Option<Value> {
    match (field, target) {
        (".Os", Some((os, _))) => Some(Value::known(os.clone())),
        (".Arch", Some((_, arch))) => Some(Value::known(arch.clone())),
        _ => {
            let name = field.strip_prefix(".Env.")?;
            env.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
        }
    }
}

/// A build's `flags:` items rendered over its environment (each item is one argument of `go
/// build`: `'{{ .Env.BUILD_FLAGS }}'` where `BUILD_FLAGS=-trimpath`).
fn rendered_flags(flags: &[String], env: &[(String, String)]) -> Vec<String> {
    let env = rendered_env(env, None);
    flags.iter().map(|f| Value::rendered(f, &|field| template_field(&env, None, field)).display()).collect()
}

/// Whether goreleaser skips a build entry: `skip: true`, or a template that renders `true`
/// over the config's environment (one that may render either way is a build that runs).
fn skipped(entry: &BuildEntry, cfg: &Config) -> bool {
    let Some(skip) = &entry.skip else { return false };
    let env = rendered_env(&env_entries(cfg.env.iter().chain(entry.env.as_ref()).flatten()), None);
    Value::rendered(&skip.text(), &|f| template_field(&env, None, f)).as_known() == Some("true")
}

pub fn parse(text: &str) -> Result<Goreleaser, String> {
    parse_placed(text, (0, 0))
}

/// The config goreleaser uses where it finds no config file ("could not find a config file,
/// using defaults"): every default, said at `at` (the command that runs it) in that command's
/// file.
pub fn defaults_at(at: (usize, usize)) -> Option<Goreleaser> {
    let defaults = parse_placed("{}", at).ok()?;
    Some(Goreleaser { no_config_file: true, ..defaults })
}

/// Reads a config; what it does not write (goreleaser's default build) is said at `file_span`.
fn parse_placed(text: &str, file_span: (usize, usize)) -> Result<Goreleaser, String> {
    let cfg: Config = super::ci::from_yaml(text)?;
    let entries: Vec<(_, Option<&BuildEntry>)> = match &cfg.builds {
        Some(list) if !list.value.is_empty() => list.value.iter().map(|b| (span_of(b), Some(&b.value))).collect(),
        _ if cfg.build.is_some() => cfg.build.iter().map(|b| (span_of(b), Some(&b.value))).collect(),
        // No builds here, but `includes:` brings a configuration from elsewhere: its builds are unknown.
        _ if cfg.includes.is_some() => Vec::new(),
        // No builds: goreleaser builds the module's main package with every default.
        _ => vec![(cfg.builds.as_ref().and_then(span_of), None)],
    };
    // YAML collections report only where they start: an entry's text runs to the next entry.
    let starts: Vec<usize> = entries.iter().filter_map(|(s, _)| s.map(|s| s.0)).collect();
    let monorepo_dir = cfg.monorepo.as_ref().and_then(|m| m.dir.as_deref());
    let mut builds = Vec::new();
    // The entry each build was read from (`None` for goreleaser's default build).
    let mut build_entries = Vec::new();
    for (i, (span, entry)) in entries.into_iter().enumerate() {
        let span = span.unwrap_or(file_span);
        let entry_end = starts.iter().copied().find(|&s| s > span.0).unwrap_or(text.len());
        if entry.is_some_and(|e| skipped(e, &cfg) || e.builder.as_deref().is_some_and(|b| b != "go")) {
            continue;
        }
        let list = |v: Option<Vec<String>>, d: &[&str]| v.unwrap_or_else(|| d.iter().map(|s| s.to_string()).collect());
        let listed = entry.and_then(|e| e.targets.as_ref());
        let (targets, target_count) = match listed {
            Some(t) => {
                let targets = listed_targets(&t.value);
                let count = targets.len() as u128;
                (targets.into_iter().take(super::budget::MAX_TARGETS).collect(), count)
            }
            None => {
                let goos = list(
                    entry.and_then(|e| e.goos.as_ref()).map(|g| g.value.iter().map(Scalar::text).collect()),
                    DEFAULT_GOOS,
                );
                let goarch = list(
                    entry.and_then(|e| e.goarch.as_ref()).map(|g| g.iter().map(Scalar::text).collect()),
                    DEFAULT_GOARCH,
                );
                // Counted first, enumerated up to the budget's cap: a hostile list product stays small.
                let count = goos.len() as u128 * goarch.len() as u128;
                let targets = goos
                    .iter()
                    .flat_map(|os| goarch.iter().map(move |arch| (os.clone(), arch.clone())))
                    // darwin/386 and darwin/arm are not Go targets any more (Go 1.15); goreleaser
                    // skips such pairs.
                    .filter(|(os, arch)| os != "darwin" || matches!(arch.as_str(), "amd64" | "arm64"))
                    .take(super::budget::MAX_TARGETS)
                    .collect();
                (targets, count)
            }
        };
        let ldflags = match entry.and_then(|e| e.ldflags.as_ref()) {
            Some(l) => ldflags_word(text, l, span, entry_end),
            None => literal(DEFAULT_LDFLAGS, span),
        };
        let env = env_entries(cfg.env.iter().chain(entry.and_then(|e| e.env.as_ref())).flatten());
        let written_flags = entry.and_then(|e| e.flags.as_ref()).map(|f| f.value.items()).unwrap_or_default();
        let flags = rendered_flags(&written_flags, &env);
        let span = if entry.is_some() { (span.0, entry_extent(text, span.0, entry_end)) } else { span };
        builds.push(Build {
            id: entry
                .and_then(|e| e.id.clone())
                .unwrap_or_else(|| if i == 0 { "default".into() } else { format!("#{i}") }),
            span,
            goos_span: match listed {
                Some(t) => span_of(t),
                None => entry.and_then(|e| e.goos.as_ref()).and_then(span_of),
            },
            trimpath_edit: entry.and_then(|e| trimpath_edit(text, span.0, e.flags.as_ref())),
            targets,
            target_count,
            ldflags,
            output: literal(entry.and_then(|e| e.binary.clone()).as_deref().unwrap_or("{{ .ProjectName }}"), span),
            main: literal(
                &main_package(
                    entry.and_then(|e| e.dir.as_deref()).or(monorepo_dir),
                    entry.and_then(|e| e.main.as_deref()),
                ),
                span,
            ),
            env,
            trimpath: has_trimpath(&flags),
            implicit_ldflags: entry.and_then(|e| e.ldflags.as_ref()).is_none(),
            mod_flag: mod_flag(&flags),
        });
        build_entries.push(entry);
    }
    let kos = cfg.kos.as_deref().unwrap_or_default();
    let ko_starts: Vec<usize> = kos.iter().filter_map(|k| span_of(k).map(|s| s.0)).collect();
    let pairs: Vec<(&Build, Option<&BuildEntry>)> = builds.iter().zip(build_entries.iter().copied()).collect();
    let mut ko_builds = Vec::new();
    for k in kos {
        let Some(span) = span_of(k) else { continue };
        let entry_end = ko_starts.iter().copied().find(|&s| s > span.0).unwrap_or(text.len());
        let named = k.value.build.as_deref().or(k.value.id.as_deref()).or(cfg.project_name.as_deref());
        // A build's id defaults to the project name, as a kos entry's does: where that name is
        // not written, a build without an id is the one such an entry names.
        let written =
            |b: &&(&Build, Option<&BuildEntry>)| named.is_some() && b.1.and_then(|e| e.id.as_deref()) == named;
        let unnamed = |b: &&(&Build, Option<&BuildEntry>)| {
            b.1.and_then(|e| e.id.as_ref()).is_none()
                && (cfg.project_name.is_none() || named == cfg.project_name.as_deref())
        };
        // goreleaser stops where no build has the id ("no builds with id").
        let Some(&(build, entry)) = pairs.iter().find(written).or_else(|| pairs.iter().find(unnamed)) else {
            continue;
        };
        ko_builds.push(ko_build(
            text,
            (&k.value, span, entry_end),
            (build, entry),
            cfg.env.as_deref().unwrap_or_default(),
        ));
    }
    builds.extend(ko_builds);
    let dockers = cfg
        .dockers
        .iter()
        .flatten()
        .map(|d| {
            let entry = span_of(d).unwrap_or(file_span);
            let args = build_args_of_flags(d.value.build_flag_templates.as_deref().unwrap_or_default(), entry);
            Docker {
                dockerfile: d.value.dockerfile.as_ref().map_or_else(|| "Dockerfile".to_string(), |f| f.value.text()),
                span: d.value.dockerfile.as_ref().and_then(span_of).unwrap_or(entry),
                ids: d.value.ids.iter().flatten().map(Scalar::text).collect(),
                goos: d.value.goos.as_ref().map_or_else(|| "linux".to_string(), Scalar::text),
                goarch: d.value.goarch.as_ref().map_or_else(|| "amd64".to_string(), Scalar::text),
                build_args: args.iter().map(|(name, value, _)| (name.clone(), value.clone())).collect(),
                build_arg_spans: args.into_iter().map(|(name, _, at)| (name, at)).collect(),
            }
        })
        .chain(cfg.dockers_v2.iter().flatten().flat_map(|d| {
            let dockerfile = d.value.dockerfile.as_ref().map_or_else(|| "Dockerfile".to_string(), |f| f.value.text());
            let span = d.value.dockerfile.as_ref().and_then(span_of).or_else(|| span_of(d)).unwrap_or(file_span);
            let ids: Vec<String> = d.value.ids.iter().flatten().map(Scalar::text).collect();
            let mut build_args: Vec<(String, String)> =
                d.value.build_args.iter().flatten().map(|(k, v)| (k.clone(), v.text())).collect();
            build_args.sort();
            let platforms = match &d.value.platforms {
                Some(p) => p.iter().map(Scalar::text).collect(),
                None => vec!["linux/amd64".to_string(), "linux/arm64".to_string()],
            };
            platforms.into_iter().map(move |p| {
                let (goos, goarch) = p.split_once('/').unwrap_or(("linux", p.as_str()));
                let goarch = goarch.split('/').next().unwrap_or(goarch);
                Docker {
                    dockerfile: dockerfile.clone(),
                    span,
                    ids: ids.clone(),
                    goos: goos.to_string(),
                    goarch: goarch.to_string(),
                    build_arg_spans: build_args.iter().map(|(name, _)| (name.clone(), span)).collect(),
                    build_args: build_args.clone(),
                }
            })
        }))
        .collect();
    let before_hooks = cfg
        .before
        .iter()
        .flat_map(|b| b.hooks.iter().flatten())
        .filter_map(|h| {
            let (start, _) = span_of(h)?;
            let line_end = text[start..].find('\n').map_or(text.len(), |n| start + n);
            let command = match &h.value {
                Hook::Line(c) | Hook::Entry { cmd: c } => c.text(),
            };
            Some(((start, line_end), command))
        })
        .collect();
    let entries = cfg.builds.as_ref().map_or(&[][..], |b| &b.value[..]);
    let packs_prebuilt =
        !entries.is_empty() && entries.iter().all(|e| e.value.builder.as_deref().is_some_and(|b| b != "go"));
    let kos = kos
        .iter()
        .map(|k| Ko {
            span: span_of(k).unwrap_or(file_span),
            base_image: k.value.base_image.as_ref().map(|b| (b.value.text(), span_of(b).unwrap_or(file_span))),
            user: k.value.user.as_ref().map(Scalar::text),
        })
        .collect();
    Ok(Goreleaser {
        builds,
        dockers,
        kos,
        notarizes: cfg.notarize.is_some(),
        signs: cfg.signs.is_some(),
        before_hooks,
        packs_prebuilt,
        builds_by_default: cfg.builds.as_ref().is_none_or(|b| b.value.is_empty())
            && cfg.build.is_none()
            && cfg.includes.is_none(),
        no_config_file: false,
    })
}

/// The `go build` a `kos:` entry (at `span`, ending before `entry_end`) has ko run for each
/// platform, with what it leaves out taken from the build it names (`build`, read from `entry`).
/// ko sets `CGO_ENABLED=0` before the build's environment; goreleaser asks it for no
/// `-trimpath` (the `ko` command does, goreleaser's pipe does not), so only the flags add it.
fn ko_build(
    text: &str,
    (ko, span, entry_end): (&KoEntry, (usize, usize), usize),
    (build, entry): (&Build, Option<&BuildEntry>),
    global_env: &[Scalar],
) -> Build {
    let mut env = vec![("CGO_ENABLED".to_string(), "0".to_string())];
    match &ko.env {
        Some(own) => env.extend(env_entries(global_env.iter().chain(own))),
        None => env.extend(build.env.iter().cloned()),
    }
    let written_flags =
        ko.flags.as_ref().or(entry.and_then(|e| e.flags.as_ref())).map(|f| f.value.items()).unwrap_or_default();
    let flags = rendered_flags(&written_flags, &env);
    let targets: Vec<(String, String)> = match &ko.platforms {
        Some(p) => p
            .value
            .iter()
            .map(Scalar::text)
            .filter_map(|p| match p.as_str() {
                // Every platform of the base image: linux/amd64 stands for them.
                "all" => Some(("linux".to_string(), "amd64".to_string())),
                _ => p
                    .split_once('/')
                    .map(|(os, arch)| (os.to_string(), arch.split('/').next().unwrap_or(arch).to_string())),
            })
            .take(super::budget::MAX_TARGETS)
            .collect(),
        None => vec![("linux".to_string(), "amd64".to_string())],
    };
    let target_count = targets.len() as u128;
    let main = match (&ko.main, &ko.working_dir) {
        (None, None) => build.main.clone(),
        (main, dir) => literal(
            &main_package(
                dir.as_deref().or(entry.and_then(|e| e.dir.as_deref())),
                main.as_deref().or(entry.and_then(|e| e.main.as_deref())),
            ),
            span,
        ),
    };
    let own = (span.0, entry_extent(text, span.0, entry_end));
    // Flags it takes from the build are the build's to fix: said there, once for both.
    let (span, trimpath_fix) = match &ko.flags {
        Some(_) => (own, trimpath_edit(text, own.0, ko.flags.as_ref())),
        None => (build.span, build.trimpath_edit.clone()),
    };
    Build {
        id: format!("kos {}", ko.id.as_deref().unwrap_or(&build.id)),
        span,
        goos_span: ko.platforms.as_ref().and_then(span_of),
        trimpath_edit: trimpath_fix,
        targets,
        target_count,
        ldflags: match &ko.ldflags {
            Some(l) => ldflags_word(text, l, own, entry_end),
            None => build.ldflags.clone(),
        },
        output: build.output.clone(),
        main,
        env,
        trimpath: has_trimpath(&flags),
        mod_flag: mod_flag(&flags),
        implicit_ldflags: ko.ldflags.is_none() && build.implicit_ldflags,
    }
}

/// The main package as a path from the config's folder: `main` (default `.`) inside `dir`.
fn main_package(dir: Option<&str>, main: Option<&str>) -> String {
    let main = main.unwrap_or(".");
    let dir = dir.map(|d| d.trim_start_matches("./").trim_end_matches('/')).filter(|d| !d.is_empty() && *d != ".");
    match dir {
        None => main.to_string(),
        Some(dir) => match main.trim_start_matches("./").trim_end_matches('/') {
            "" | "." => format!("./{dir}"),
            rest => format!("./{dir}/{rest}"),
        },
    }
}

impl Build {
    /// The `go build` goreleaser runs for one target (each target writes its own dist folder),
    /// in the environment its caller gives (`given`; none when the config is read alone).
    pub fn invocation(&self, target: &(String, String), given: &[(String, Value)]) -> BuildInvocation<'_> {
        let (os, arch) = target;
        let rendered = rendered_env_given(&self.env, Some(target), given);
        let field = |f: &str| template_field(&rendered, Some(target), f);
        let ldflags = Value::rendered(&self.ldflags_text(), &field);
        let mut env: HashMap<String, Setting> =
            rendered.into_iter().map(|(k, value)| (k, Setting { value, span: None })).collect();
        env.insert("GOOS".into(), Setting { value: Value::Known(os.clone()), span: None });
        env.insert("GOARCH".into(), Setting { value: Value::Known(arch.clone()), span: None });
        BuildInvocation {
            span: self.span,
            build_word: self.span,
            env,
            trimpath: self.trimpath,
            ldflags: Some((ldflags, &self.ldflags)),
            output: Some((Value::hole(Origin::Template("{{ .Dist }}/{{ .Target }}".into())), &self.output)),
            mod_flag: self.mod_flag.clone().map(Value::Known),
            packages: vec![(Value::Known(self.main_package()), &self.main)],
            implicit_ldflags: self.implicit_ldflags,
            ..BuildInvocation::default()
        }
    }

    fn ldflags_text(&self) -> String {
        super::shell::flatten(&self.ldflags.parts)
    }

    fn main_package(&self) -> String {
        super::shell::flatten(&self.main.parts)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_template_renders_in_place() {
        let template = "a: 1\n[[if .X]]\nb: \"[[ .X ]]\"\n[[else if .Y]]\nb: y\n[[else]]\nb: \"é[[ .Z ]]\"\n[[end]]\n[[- range .L ]]\nc: d\n[[ end -]]\n";
        let rendered = render_template(template);
        assert_eq!(rendered.len(), template.len(), "{rendered:?}");
        let lines: Vec<&str> = rendered.lines().map(str::trim_end).collect();
        assert_eq!(lines, ["a: 1", "", "", "", "", "", "b: \"é{{ .Z }}\"", "", "", "c: d", ""]);
        // goreleaser's own templates, and a config with none, are left as they are.
        let plain = "builds:\n  - ldflags: ['-X main.v={{ .Version }}']\n";
        assert_eq!(render_template(plain), plain);
    }

    use super::*;

    #[test]
    fn defaults_and_entries() {
        let g = parse("version: 2\nproject_name: api\n").unwrap();
        assert_eq!(g.builds.len(), 1);
        assert_eq!(g.builds[0].targets.len(), 8, "darwin/linux/windows × 386/amd64/arm64, minus darwin/386");
        assert_eq!(g.builds[0].ldflags_text(), DEFAULT_LDFLAGS);
        let t = "builds:\n  - id: api\n    main: ./cmd/api\n    flags: [-trimpath]\n    ldflags:\n      - -s -w\n      - -X main.version={{.Version}}\n    goos: [linux]\n    goarch: [amd64, arm64]\n    env: [CGO_ENABLED=0]\nnotarize:\n  macos: []\n";
        let g = parse(t).unwrap();
        let b = &g.builds[0];
        assert!(b.trimpath && g.notarizes && !g.signs);
        assert_eq!(b.targets, [("linux".to_string(), "amd64".to_string()), ("linux".to_string(), "arm64".to_string())]);
        let inv = b.invocation(&b.targets[0], &[]);
        assert_eq!(inv.env_value("CGO_ENABLED"), Some("0"));
        assert_eq!(
            inv.ldflags.as_ref().map(|(v, _)| v.clone()),
            Some(Value::templated("-s -w -X main.version={{.Version}}"))
        );
        let (s, _) = b.goos_span.unwrap();
        assert!(t[s..].starts_with("[linux]"));
        // The entry's span is the whole entry; the ldflags span is the list, not the rest of it.
        assert!(
            t[b.span.0..b.span.1].starts_with("id: api\n") && t[b.span.0..b.span.1].ends_with("env: [CGO_ENABLED=0]")
        );
        assert_eq!(&t[b.ldflags.start..b.ldflags.end], "- -s -w\n      - -X main.version={{.Version}}");
        let t = "builds:\n  - ldflags: -s -w\n    goos: [linux]\n";
        let b = &parse(t).unwrap().builds[0];
        assert_eq!(&t[b.ldflags.start..b.ldflags.end], "-s -w");
        // A sequence at its key's own column, after a comment: every item is in the span.
        let t = "builds:\n- id: a\n  ldflags:\n  # stamps\n  - -s\n  - -X main.date={{ .Date }}\n- id: b\n";
        let b = &parse(t).unwrap().builds[0];
        assert_eq!(&t[b.ldflags.start..b.ldflags.end], "-s\n  - -X main.date={{ .Date }}");
        assert!(parse("builds: [unclosed").is_err());
        // A config path that is not known may be any config.
        let run = Run::from_args(&["release", "--config=${{", "env.config_file", "}}"]);
        assert!(run.reads(".goreleaser-patch.yml") && run.releases);
        assert!(!Run::from_args(&["release", "-f", "other.yml"]).reads(".goreleaser.yml"));
        assert!(parse("builds: 3\n").is_err(), "builds must be a list");
    }

    #[test]
    fn targets_replace_goos_and_goarch() {
        let arm = parse("builds:\n  - goos: [darwin, linux]\n    goarch: [arm]\n").unwrap();
        assert_eq!(arm.builds[0].targets, [("linux".to_string(), "arm".to_string())], "darwin/arm is no Go target");
        let t = "builds:\n  - goos: [darwin]\n    targets:\n      - linux_amd64\n      - linux_arm_7\n  - targets: [go_first_class]\n  - targets: [darwin_arm64_v8.0]\n";
        let g = parse(t).unwrap();
        let pairs = |b: &Build| b.targets.iter().map(|(os, arch)| format!("{os}/{arch}")).collect::<Vec<_>>();
        assert_eq!(pairs(&g.builds[0]), ["linux/amd64", "linux/arm"]);
        assert!(t[g.builds[0].goos_span.unwrap().0..].starts_with("- linux_amd64"));
        assert_eq!(g.builds[1].targets.len(), 8);
        assert!(pairs(&g.builds[1]).contains(&"darwin/arm64".to_string()));
        assert_eq!(pairs(&g.builds[2]), ["darwin/arm64"]);
    }
}
