//! Dockerfiles: instructions with exact spans (continuations, comments, heredocs, the escape
//! directive), stages with their base images, ARG and ENV scoping, RUN scripts read as shell,
//! `COPY --from` edges, USER, ENTRYPOINT and CMD.

use super::images::{self, BaseImage};
use super::shell::{self, Env, Item, Part, SimpleCommand, Value, Word};
use super::value::{Origin, Piece};
use std::collections::BTreeSet;

/// One instruction: keyword, where it is, and its arguments' text.
#[derive(Clone, Debug)]
pub struct Instruction {
    /// Upper-cased keyword (`RUN`, `FROM`, ...).
    pub keyword: String,
    pub start: usize,
    pub end: usize,
    /// Where the arguments start (after the keyword and its spaces).
    pub args_start: usize,
    /// Arguments with continuations joined and comment lines dropped.
    pub args: String,
    /// A here-document body (`RUN <<EOF`): (start, end) of the body text.
    pub heredoc: Option<(usize, usize)>,
}

impl Instruction {
    /// The `NAME=value` defaults an `ARG` or `ENV` instruction declares, quotes dropped, in
    /// order; nothing for other instructions (nor for `ARG NAME` without a default).
    pub fn defaults(&self) -> impl Iterator<Item = (&str, &str)> {
        let declares = matches!(self.keyword.as_str(), "ARG" | "ENV");
        let pairs = self.args.split_whitespace().filter(move |_| declares).filter_map(|kv| kv.split_once('='));
        pairs.map(|(name, value)| (name, value.trim_matches(['"', '\''])))
    }
}

/// A `FROM` and everything up to the next one.
#[derive(Clone, Debug)]
pub struct Stage {
    pub index: usize,
    pub name: Option<String>,
    /// The base as written, and as resolved through ARGs.
    pub base_written: String,
    pub base: Value,
    /// Span of the base image word.
    pub base_span: (usize, usize),
    pub from: Instruction,
    /// Index of the stage this one is built on (`FROM builder`), if any.
    pub parent: Option<usize>,
    pub instructions: Vec<Instruction>,
}

impl Stage {
    /// The base image reference as far as it decides what image it is: the whole reference when
    /// known, or one whose holes are all in its repository name, before a written tag or digest
    /// (`busybox-${OS}-${ARCH}:latest` is a `:latest` busybox whatever the platform), with each
    /// hole written as `x`.
    pub fn reference(&self) -> Option<String> {
        reference_of(&self.base)
    }
}

/// See [`Stage::reference`].
fn reference_of(base: &Value) -> Option<String> {
    let pieces = match base {
        Value::Known(b) => return Some(b.clone()),
        Value::Partial(pieces) => pieces,
    };
    let Some(Piece::Text(last)) = pieces.last() else { return None };
    // A tag or digest written after the last hole.
    last.rfind(['@', ':']).filter(|&at| !last[at..].contains('/'))?;
    let name: String = pieces[..pieces.len() - 1]
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.as_str(),
            Piece::Hole(_) => "x",
        })
        .collect();
    Some(format!("{name}{last}"))
}

#[derive(Clone, Debug)]
pub struct Dockerfile {
    pub stages: Vec<Stage>,
    /// ARGs before the first FROM: name and default (none for one the tree's callers pass).
    pub global_args: Vec<(String, Option<String>)>,
    /// The same with every default as written: a caller's build that does not pass the ARG
    /// gets its default.
    global_defaults: Vec<(String, Option<String>)>,
    /// Per stage, whether it ends up in an image someone builds (computed once, at parse).
    shipped: Vec<bool>,
    /// ARGs the tree's `docker build` callers pass: their defaults are not what builds use.
    passed_by_callers: BTreeSet<String>,
}

/// Splits the file into instructions.
pub fn instructions(text: &str) -> Vec<Instruction> {
    let mut escape = '\\';
    let mut out = Vec::new();
    let mut lines = Vec::new(); // (start, end) of each line without its newline
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let content = content.strip_suffix('\r').unwrap_or(content);
        lines.push((pos, pos + content.len()));
        pos += line.len();
    }
    let mut directives_allowed = true;
    let mut i = 0;
    while i < lines.len() {
        let (ls, le) = lines[i];
        let line = &text[ls..le];
        // Docker skips a UTF-8 byte-order mark at the start of the file.
        let line = if ls == 0 { line.strip_prefix('\u{feff}').unwrap_or(line) } else { line };
        let trimmed = line.trim_start();
        i += 1;
        if let Some(comment) = trimmed.strip_prefix('#') {
            if directives_allowed {
                let d = comment.trim();
                if let Some(e) = d.strip_prefix("escape=").or_else(|| d.strip_prefix("escape =")) {
                    escape = e.trim().chars().next().unwrap_or('\\');
                }
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        directives_allowed = false;
        let start = le - trimmed.len();
        let kw_len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let keyword = trimmed[..kw_len].to_ascii_uppercase();
        let mut args = String::new();
        let after_kw = &trimmed[kw_len..];
        let args_start = start + kw_len + (after_kw.len() - after_kw.trim_start().len());
        let mut end = le;
        let mut piece = &text[args_start.min(le)..le];
        loop {
            let t = piece.trim_end();
            if let Some(body) = t.strip_suffix(escape) {
                args.push_str(body);
                args.push(' ');
                // Continuation: skip comment and empty lines, as Docker does.
                let mut next = None;
                while i < lines.len() {
                    let (ns, ne) = lines[i];
                    i += 1;
                    let nl = text[ns..ne].trim_start();
                    if nl.starts_with('#') || nl.is_empty() {
                        continue;
                    }
                    next = Some((ns, ne));
                    break;
                }
                match next {
                    Some((ns, ne)) => {
                        piece = &text[ns..ne];
                        end = ne;
                    }
                    None => break,
                }
            } else {
                args.push_str(piece);
                break;
            }
        }
        // A here-document: RUN <<EOF / <<-EOF / <<"EOF", its body on the following lines.
        let mut heredoc = None;
        if let Some(at) = args.find("<<") {
            let spec = args[at + 2..].trim_start_matches('-');
            let delim: String = spec
                .trim_matches(|c| c == '"' || c == '\'')
                .split(|c: char| c.is_whitespace())
                .next()
                .unwrap_or("")
                .trim_matches(|c| c == '"' || c == '\'')
                .to_string();
            if !delim.is_empty() && delim.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                let body_start = lines.get(i).map_or(text.len(), |l| l.0);
                let mut body_end = body_start;
                while i < lines.len() {
                    let (ns, ne) = lines[i];
                    i += 1;
                    if text[ns..ne].trim_start_matches('\t') == delim {
                        end = ne;
                        break;
                    }
                    body_end = ne;
                    end = ne;
                }
                heredoc = Some((body_start, body_end.max(body_start)));
            }
        }
        out.push(Instruction { keyword, start, end, args_start, args, heredoc });
    }
    out
}

/// `--name=value` options at the start of an instruction's arguments, and the rest.
fn options(args: &str) -> (Vec<(&str, &str)>, &str) {
    let mut opts = Vec::new();
    let mut rest = args.trim_start();
    while let Some(o) = rest.strip_prefix("--") {
        let end = o.find(char::is_whitespace).unwrap_or(o.len());
        let (name, value) = o[..end].split_once('=').unwrap_or((&o[..end], ""));
        opts.push((name, value));
        rest = o[end..].trim_start();
    }
    (opts, rest)
}

/// Where the `--flag` options at the start of an instruction's arguments (`text[start..end]`)
/// end in the file's text, read as Docker reads them: over continuations (a backslash or
/// backtick before the line's end) and the comment lines between them.
fn options_end(text: &str, start: usize, end: usize) -> usize {
    let args = &text[start.min(end)..end];
    let mut at = 0;
    let mut line_start = true;
    while at < args.len() {
        let rest = &args[at..];
        let c = rest.chars().next().unwrap_or(' ');
        if c == '\n' {
            at += 1;
            line_start = true;
        } else if c.is_whitespace() {
            at += c.len_utf8();
        } else if line_start && c == '#' {
            at += rest.find('\n').unwrap_or(rest.len());
        } else if matches!(c, '\\' | '`') && rest[1..].trim_start_matches([' ', '\t', '\r']).starts_with('\n') {
            at += 1;
        } else if rest.starts_with("--") {
            at += rest.find(char::is_whitespace).unwrap_or(rest.len());
            line_start = false;
        } else {
            break;
        }
        if !c.is_whitespace() && c != '#' {
            line_start = false;
        }
    }
    start.min(end) + at
}

/// A `COPY`/`ADD`'s options and sources (its words but the last, the destination).
fn copy_sources(args: &str) -> (Vec<(&str, &str)>, Vec<&str>) {
    let (opts, rest) = options(args);
    let mut words: Vec<&str> = rest.split_whitespace().collect();
    words.pop();
    (opts, words)
}

/// Substitutes `$NAME` / `${NAME}` / `${NAME:-x}` from ARG values; `None` when one is unknown.
fn substitute(s: &str, args: &[(String, Option<String>)]) -> Value {
    expand_word(s, &from_env(args, &[]))
}

/// The environment of `FROM` lines: the global ARGs `args` (a build argument in `given`
/// overriding its default) and the platform arguments.
fn from_env(args: &[(String, Option<String>)], given: &[(String, Value)]) -> Env {
    let mut env = Env::default();
    // BuildKit declares the platform arguments for FROM lines itself.
    for k in PLATFORM_ARGS {
        env.set(k, Value::hole(Origin::BuildArg(k.to_string())), true);
    }
    // A global ARG's default may use the ones before it (`ARG FLAVOR=${TARGETARCH}`).
    for (k, default) in args {
        let value = match (given.iter().find(|(name, _)| name == k), default) {
            (Some((_, v)), _) => v.clone(),
            (None, Some(d)) => expand_word(d, &env),
            (None, None) => Value::hole(Origin::BuildArg(k.clone())),
        };
        env.set(k, value, true);
    }
    env
}

/// `word` with `$NAME` and `${NAME}` replaced by the latest of `defaults` (ARG and ENV defaults
/// in the order declared) of each name; longer names first, so `$BIN` stays in `$BIN_NAME`.
pub fn substitute_defaults(word: &str, defaults: &[(impl AsRef<str>, impl AsRef<str>)]) -> String {
    let mut known: Vec<(&str, &str)> = Vec::new();
    for (name, value) in defaults.iter().rev() {
        if !known.iter().any(|k| k.0 == name.as_ref()) {
            known.push((name.as_ref(), value.as_ref()));
        }
    }
    known.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    let mut word = word.to_string();
    for (name, value) in known {
        word = word.replace(&format!("${{{name}}}"), value).replace(&format!("${name}"), value);
    }
    word
}

/// One word of Dockerfile text with its variables expanded.
fn expand_word(s: &str, env: &Env) -> Value {
    match shell::parse(s, 0).first() {
        Some(Item::Command(c)) if c.words.len() == 1 && c.assigns.is_empty() => env.expand(&c.words[0]),
        _ if s.contains('$') => Value::hole(Origin::Unevaluated(s.to_string())),
        _ => Value::known(s),
    }
}

/// The arguments BuildKit sets for every build, usable in `FROM` without a global `ARG`.
const PLATFORM_ARGS: [&str; 8] = [
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

pub fn parse(text: &str) -> Dockerfile {
    parse_with_build_args(text, &BTreeSet::new())
}

/// Reads a Dockerfile whose callers pass the build arguments `passed` (`--build-arg NAME=...`):
/// those ARGs' defaults are holes, as a `FROM $base_image` whose default is a placeholder
/// (`ARG base_image=non-existing`) is never built with it.
pub fn parse_with_build_args(text: &str, passed: &BTreeSet<String>) -> Dockerfile {
    let mut global_args = Vec::new();
    let mut global_defaults = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    for ins in instructions(text) {
        match ins.keyword.as_str() {
            "ARG" if stages.is_empty() => {
                global_args.extend(arg_decls(&ins.args, passed));
                global_defaults.extend(arg_decls(&ins.args, &BTreeSet::new()));
            }
            "FROM" => {
                let (opts, rest) = options(&ins.args);
                let _ = opts;
                let mut words = rest.split_whitespace();
                let base_written = words.next().unwrap_or("").to_string();
                let name = match (words.next(), words.next()) {
                    (Some(kw), Some(n)) if kw.eq_ignore_ascii_case("as") => Some(n.to_ascii_lowercase()),
                    _ => None,
                };
                let base = substitute(&base_written, &global_args);
                // `FROM binary-$TARGETOS` picks one of the stages its pattern could name.
                let base_lower = match &base {
                    Value::Known(b) => Value::Known(b.to_ascii_lowercase()),
                    partial => partial.clone(),
                };
                // A base that is all holes (`FROM $BASE_IMAGE`, its value the caller's) names an
                // image the caller chooses, not any stage it could match.
                let some_text = base_lower.pieces().iter().any(|p| matches!(p, Piece::Text(t) if !t.is_empty()));
                let names_stage = |n: &str| some_text && base_lower.could_be(n);
                let parent = stages.iter().rposition(|s| s.name.as_deref().is_some_and(names_stage));
                let base_start = ins.args_start + ins.args.find(&base_written).unwrap_or(0);
                stages.push(Stage {
                    index: stages.len(),
                    name,
                    base,
                    base_span: (base_start, base_start + base_written.len()),
                    base_written,
                    from: ins,
                    parent,
                    instructions: Vec::new(),
                });
            }
            _ => {
                if let Some(s) = stages.last_mut() {
                    s.instructions.push(ins);
                }
            }
        }
    }
    let mut file =
        Dockerfile { stages, global_args, global_defaults, shipped: Vec::new(), passed_by_callers: passed.clone() };
    file.shipped = file.shipped_stages();
    file
}

/// What one RUN instruction starts with (see [`Dockerfile::run_environments`]).
pub struct RunEnvironment<'a> {
    pub stage: usize,
    pub ins: &'a Instruction,
    pub env: Env,
    pub folders: ContextFolders,
}

/// The folders of an image that hold folders of the build context: `COPY . /src` puts the
/// context in `/src`, `COPY cmd/ cmd/` (in WORKDIR `/app`) its `cmd` folder in `/app/cmd`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContextFolders {
    /// The stage's WORKDIR (empty: none written, `/`).
    workdir: String,
    /// Whether a WORKDIR with holes (`WORKDIR $SRC`) left it not known.
    workdir_unknown: bool,
    copies: Vec<(String, String)>,
}

impl ContextFolders {
    /// Records a `COPY`/`ADD` of `args` (sources and destination, without options). Only a
    /// single source without patterns is recorded: a folder (`.`, `cmd/`, `make`) is copied
    /// to the destination, a file to it or, when it ends in `/`, into it (`COPY Makefile
    /// /src/` is `/src/Makefile`); files copied into a folder say nothing about the rest of it.
    fn copied(&mut self, args: &str) {
        let words: Vec<&str> = args.split_whitespace().collect();
        let [source, dest] = words.as_slice() else { return };
        if source.contains(['$', '*', '?', '[']) || dest.contains('$') || source.contains("://") {
            return;
        }
        let folder = *source == "." || source.ends_with('/');
        let source = join_folder("", source.trim_start_matches("./"));
        let dest = match (folder, dest.ends_with('/')) {
            (false, true) => format!("{dest}{}", source.rsplit('/').next().unwrap_or(&source)),
            _ => dest.to_string(),
        };
        let Some(dest) = self.in_image(&dest) else { return };
        self.copies.push((dest, source));
    }

    /// The image's folder that `dir` names from the WORKDIR; `None` below a WORKDIR not known.
    fn in_image(&self, dir: &str) -> Option<String> {
        match (dir.starts_with('/'), self.workdir_unknown) {
            (true, _) => Some(join_folder("/", dir)),
            (false, true) => None,
            (false, false) => Some(join_folder(if self.workdir.is_empty() { "/" } else { &self.workdir }, dir)),
        }
    }

    /// The image folder a command runs in: `cwd` where its script changed to (`None`: the
    /// WORKDIR), where known.
    pub fn image_dir(&self, cwd: Option<&Value>) -> Option<String> {
        // With no WORKDIR written, the base image's own decides (`/go` in the golang images).
        if self.workdir.is_empty() && !cwd.is_some_and(|c| c.starts_with("/")) {
            return None;
        }
        match cwd {
            None => self.in_image("."),
            Some(dir) => self.in_image(dir.as_known()?),
        }
    }

    /// `WORKDIR dir` (its value expanded): relative to the one before, unknown where it has holes.
    fn changed_workdir(&mut self, dir: &Value) {
        match dir.as_known().and_then(|d| self.in_image(d)) {
            Some(folder) => (self.workdir, self.workdir_unknown) = (folder, false),
            None => self.workdir_unknown = true,
        }
    }

    /// The build context's folder (relative, `""` for its root) that a command of the stage
    /// runs in, where a copy says: `cwd` is where its script changed to (`None`: the WORKDIR),
    /// absolute or relative to the WORKDIR. The longest copied folder that holds it counts, the
    /// latest copy first.
    pub fn in_context(&self, cwd: Option<&Value>) -> Option<Value> {
        let folder = match cwd {
            None => Value::known(self.in_image(".")?),
            Some(Value::Known(dir)) => Value::known(self.in_image(dir)?),
            Some(dir) if dir.starts_with("/") => dir.clone(),
            Some(dir) => {
                let mut b = super::value::Builder::default();
                b.push_str(&self.in_image(".")?);
                b.push_str("/");
                b.push(dir);
                b.build()
            }
        };
        let (dest, source) = self
            .copies
            .iter()
            .filter(|(dest, _)| {
                dest == "/" || folder.as_known() == Some(dest.as_str()) || folder.starts_with(&format!("{dest}/"))
            })
            .max_by_key(|(dest, _)| dest.len())?;
        let rest = folder.strip_prefix(dest)?;
        let mut b = super::value::Builder::default();
        b.push_str(source);
        if !source.is_empty() && !rest.is_empty() && !rest.starts_with("/") {
            b.push_str("/");
        }
        b.push(&rest);
        let joined = b.build();
        Some(joined.strip_prefix("/").unwrap_or(joined))
    }
}

/// `dir` joined to `base` (`..` and `.` applied, no trailing `/`); absolute when `base` is.
/// `dir` below `base` (absolute when either is), with `.` and `..` resolved: `a/../b` below
/// `/src` is `/src/b`, an absolute `dir` is itself.
pub fn join_folder(base: &str, dir: &str) -> String {
    let mut parts: Vec<&str> = if dir.starts_with('/') { Vec::new() } else { base.split('/').collect() };
    parts.retain(|p| !p.is_empty());
    for part in dir.split('/').filter(|p| !p.is_empty() && *p != ".") {
        match part {
            ".." => drop(parts.pop()),
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if base.starts_with('/') || dir.starts_with('/') { format!("/{joined}") } else { joined }
}

/// `ARG a=1 b` declarations.
/// `ARG a=1 b`: names and defaults; an ARG the callers pass has none that counts.
fn arg_decls(args: &str, passed: &BTreeSet<String>) -> Vec<(String, Option<String>)> {
    args.split_whitespace()
        .map(|a| match a.split_once('=') {
            Some((k, _)) if passed.contains(k) => (k.to_string(), None),
            Some((k, v)) => (k.to_string(), Some(v.trim_matches('"').to_string())),
            None => (a.to_string(), None),
        })
        .collect()
}

/// The program an `ENTRYPOINT` or `CMD` starts, as written: its first word, exec or shell form.
fn started_program(args: &str) -> Option<&str> {
    args.split([' ', '"', '[', ']', ',']).find(|w| !w.is_empty())
}

/// The build arguments a build definition passes to `docker build`: `--build-arg NAME=...`
/// (also `--build-arg=NAME`, and goreleaser's `--build-arg={{...}}` flag templates), and
/// docker/build-push-action's `build-args:` lines (`NAME=value`).
pub fn build_args_passed(text: &str, into: &mut BTreeSet<String>) {
    let name_at = |rest: &str| -> Option<String> {
        let rest = rest.trim_start_matches([' ', '\t', '=', '"', '\'']);
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        (!name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit())).then_some(name)
    };
    for (at, flag) in text.match_indices("--build-arg") {
        into.extend(name_at(&text[at + flag.len()..]));
    }
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(key_at) = line.find("build-args:") else { continue };
        let indent = line.len() - line.trim_start().len();
        let inline = line[key_at + "build-args:".len()..].trim();
        let block =
            lines[i + 1..].iter().take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > indent);
        for entry in std::iter::once(&inline).chain(block) {
            let entry = entry.trim().trim_start_matches("- ");
            if let Some((name, _)) = entry.split_once('=') {
                into.extend(name_at(name).filter(|n| n == name.trim()));
            }
        }
    }
}

/// `ENV a=1 b="x y"` or the legacy `ENV a 1`, its `$NAME`s replaced from `env`, what the ARGs
/// and ENVs before it set (every assignment of one ENV reads the same: Docker's rule).
fn env_decls(args: &str, env: &Env) -> Vec<(String, Value)> {
    let items = shell::parse(args, 0);
    let Some(Item::Command(c)) = items.first() else { return Vec::new() };
    if !c.assigns.is_empty() && c.words.is_empty() {
        return c.assigns.iter().map(|(k, w)| (k.clone(), env.expand(w))).collect();
    }
    match args.trim().split_once(char::is_whitespace) {
        Some((k, v)) => vec![(k.to_string(), Value::Known(v.trim().to_string()))],
        None => Vec::new(),
    }
}

/// The shell items of a RUN: a here-document body, the shell form, or the exec form as one command.
pub fn run_script(text: &str, ins: &Instruction) -> Vec<Item> {
    if let Some((s, e)) = ins.heredoc {
        return shell::parse(&text[s..e], s);
    }
    let (_, rest) = options(&ins.args);
    let rest_offset = options_end(text, ins.args_start, ins.end);
    if rest.trim_start().starts_with('[') {
        return exec_form(text, rest_offset, ins.end).map(|c| vec![Item::Command(c)]).unwrap_or_default();
    }
    // Parse the original text so word spans point into the file; continuations are shell's too.
    shell::parse_docker_run(&text[rest_offset.min(ins.end)..ins.end], rest_offset.min(ins.end))
}

/// `["go", "build", ...]`: JSON strings as words with their spans.
fn exec_form(text: &str, start: usize, end: usize) -> Option<SimpleCommand> {
    let s = &text[start..end];
    let mut words = Vec::new();
    let mut i = s.find('[')? + 1;
    let b = s.as_bytes();
    while i < b.len() {
        match b[i] {
            b'"' => {
                let word_start = i;
                let mut value = String::new();
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' && i + 1 < b.len() {
                        i += 1;
                        let ch = s[i..].chars().next()?;
                        value.push(match ch {
                            'n' => '\n',
                            't' => '\t',
                            c => c,
                        });
                        i += ch.len_utf8();
                        continue;
                    }
                    let ch = s[i..].chars().next()?;
                    value.push(ch);
                    i += ch.len_utf8();
                }
                i += 1;
                words.push(Word {
                    parts: vec![Part::Lit(value)],
                    start: start + word_start,
                    end: start + i.min(b.len()),
                });
            }
            b']' => break,
            _ => i += 1,
        }
    }
    let first = words.first()?;
    Some(SimpleCommand {
        assigns: Vec::new(),
        arrays: Vec::new(),
        start: first.start,
        end: words.last()?.end,
        words,
        writes_to: Vec::new(),
        here_string: None,
        after: "",
        in_subshell: false,
        nested: Vec::new(),
    })
}

impl Dockerfile {
    /// The external image a stage ultimately starts from (through `FROM <stage>` links), if known.
    pub fn root_image(&self, stage: usize) -> Option<(BaseImage, &Stage)> {
        let root = *self.chain(stage).last()?;
        let reference = root.reference().filter(|_| root.parent.is_none())?;
        Some((images::classify(&reference), root))
    }

    /// The reference of the external image a stage starts from in a build given the build
    /// arguments `given` (`--build-arg BASE_IMAGE=alpine:3.20` for `FROM ${BASE_IMAGE}`),
    /// following a base that then names an earlier stage, and the stage whose `FROM` names it;
    /// `None` when it stays unknown.
    pub fn root_reference_given(&self, stage: usize, given: &[(String, Value)]) -> Option<(String, &Stage)> {
        let env = from_env(&self.global_defaults, given);
        let mut current = self.stages.get(stage)?;
        // Each step goes to an earlier stage, so this ends.
        loop {
            if let Some(parent) = current.parent {
                current = self.stages.get(parent)?;
                continue;
            }
            let base = expand_word(&current.base_written, &env);
            let named = base.as_known().and_then(|b| self.stage_named(b)).filter(|s| s.index < current.index);
            match named {
                Some(s) => current = s,
                None => return Some((reference_of(&base)?, current)),
            }
        }
    }

    /// Whether the image of a stage starts a program: an `ENTRYPOINT` or `CMD` in the stage or
    /// the stages it is built on.
    pub fn starts_a_program(&self, stage: usize) -> bool {
        self.chain(stage).iter().flat_map(|s| &s.instructions).any(|i| i.keyword == "ENTRYPOINT" || i.keyword == "CMD")
    }

    /// What starts the image of a stage: its last ENTRYPOINT, else its last CMD, in the stage
    /// or else the nearest stage it is built on.
    fn start_instruction(&self, stage: usize) -> Option<&Instruction> {
        let chain = self.chain(stage);
        let last =
            |keyword: &str| chain.iter().find_map(|s| s.instructions.iter().rev().find(|i| i.keyword == keyword));
        last("ENTRYPOINT").or_else(|| last("CMD"))
    }

    /// Whether the image of a stage starts a test run: its ENTRYPOINT, else its CMD (through its
    /// stage chain), runs `go test` or `make test`, or a file under a `test`, `tests` or `e2e`
    /// folder (`CMD ruby /src/test/runner.rb`). Such an image is built to test, not to ship.
    pub fn runs_tests(&self, stage: usize) -> bool {
        let Some(start) = self.start_instruction(stage) else { return false };
        let words: Vec<&str> =
            start.args.split([' ', '"', '\'', '[', ']', ',', ';', '&', '|']).filter(|w| !w.is_empty()).collect();
        let runs_test_goal = words.windows(2).any(|w| matches!(w, ["go" | "make", "test"]));
        let under_tests = |w: &str| w.contains('/') && w.split('/').any(|c| matches!(c, "test" | "tests" | "e2e"));
        runs_test_goal || words.iter().any(|w| under_tests(w))
    }

    /// Whether the image of a stage is a build environment: it holds a Go toolchain (a `golang`
    /// base, or a Go release it unpacks and points `GOROOT` at) and starts no program of its own,
    /// or only a shell (`ENTRYPOINT ["/bin/bash"]`). What it builds is copied out of it (`docker
    /// cp`, `--output`), or it is the toolchain a project's CI builds in; the image is not what
    /// ships.
    pub fn is_build_environment(&self, stage: usize) -> bool {
        let toolchain = self.root_image(stage).is_some_and(|(base, _)| base.go_toolchain) || self.installs_go(stage);
        toolchain && (!self.starts_a_program(stage) || self.starts_only_a_shell(stage))
    }

    /// Whether the stage chain installs Go itself: an `ENV GOROOT=...`, a RUN that fetches a
    /// Go release archive (`wget https://dl.google.com/go/go${V}.linux-amd64.tar.gz`), or a COPY
    /// of another stage's or image's `/usr/local/go`.
    fn installs_go(&self, stage: usize) -> bool {
        const ARCHIVES: [&str; 3] = ["dl.google.com/go/", "go.dev/dl/", "golang.org/dl/"];
        self.chain(stage).iter().flat_map(|s| &s.instructions).any(|i| match i.keyword.as_str() {
            "ENV" => i.args.split_whitespace().any(|w| w == "GOROOT" || w.starts_with("GOROOT=")),
            "RUN" => ARCHIVES.iter().any(|a| i.args.contains(a)),
            "COPY" => i.args.split_whitespace().any(|w| w.trim_end_matches('/') == "/usr/local/go"),
            _ => false,
        })
    }

    /// Whether what starts the image is a shell given no command (`ENTRYPOINT ["/bin/bash"]`,
    /// `CMD ["sh", "-l"]`, or `ENTRYPOINT ["/bin/bash", "-c"]`, which runs the command `docker
    /// run` gives): whoever runs it chooses what runs.
    fn starts_only_a_shell(&self, stage: usize) -> bool {
        let Some(start) = self.start_instruction(stage) else { return false };
        let words: Vec<&str> =
            start.args.split([' ', '\t', '"', '\'', '[', ']', ',']).filter(|w| !w.is_empty()).collect();
        let Some((program, options)) = words.split_first() else { return false };
        let shell = matches!(program.rsplit('/').next(), Some("sh" | "bash" | "ash" | "dash" | "zsh"));
        let command_given = start.keyword == "ENTRYPOINT" && options.last() == Some(&"-c");
        shell && options.iter().all(|w| w.starts_with('-')) && (!options.contains(&"-c") || command_given)
    }

    /// The stage chain from `index` back to its root (itself first).
    pub fn chain(&self, index: usize) -> Vec<&Stage> {
        let mut out = Vec::new();
        let mut cur = Some(index);
        while let Some(i) = cur {
            if out.iter().any(|s: &&Stage| s.index == i) {
                break;
            }
            let s = &self.stages[i];
            out.push(s);
            cur = s.parent;
        }
        out
    }

    /// The environment each RUN sees (the first `limit` of them): ENV and ARG values of its stage
    /// chain so far (ARG values are in the environment of RUN, as Docker passes them). For a
    /// caller's build (`given`), an ARG it passes (`--build-arg NAME=value`) holds that value
    /// and every other its default; for the file alone (`None`), an ARG some caller passes has
    /// no known value. One pass. Each RUN's shell starts in the stage's WORKDIR (`/` by
    /// default), and `folders` says which folders of the build context the image's folders hold
    /// (see [`ContextFolders`]).
    pub fn run_environments(&self, limit: usize, given: Option<&[(String, Value)]>) -> Vec<RunEnvironment<'_>> {
        let (passed, globals) = match given {
            Some(_) => (&BTreeSet::new(), &self.global_defaults),
            None => (&self.passed_by_callers, &self.global_args),
        };
        let mut finals: Vec<(Env, ContextFolders)> = Vec::with_capacity(self.stages.len());
        let mut out = Vec::new();
        for s in &self.stages {
            let (mut env, mut folders) = s.parent.and_then(|p| finals.get(p)).cloned().unwrap_or_default();
            for ins in &s.instructions {
                match ins.keyword.as_str() {
                    "WORKDIR" => folders.changed_workdir(&expand_word(ins.args.trim(), &env)),
                    "COPY" | "ADD" => {
                        let (opts, rest) = options(&ins.args);
                        if !opts.iter().any(|(name, _)| *name == "from") {
                            folders.copied(rest);
                        }
                    }
                    "ENV" => {
                        for (k, v) in env_decls(&ins.args, &env) {
                            env.set(&k, v, true);
                        }
                    }
                    "ARG" => {
                        for (k, default) in arg_decls(&ins.args, passed) {
                            let global = globals.iter().find(|(g, _)| *g == k).and_then(|(_, d)| d.clone());
                            let v = match given.unwrap_or_default().iter().find(|(name, _)| *name == k) {
                                Some((_, value)) => value.clone(),
                                None => default
                                    .or(global)
                                    .map_or_else(|| Value::hole(Origin::BuildArg(k.clone())), Value::Known),
                            };
                            env.set(&k, v, true);
                        }
                    }
                    "RUN" if out.len() < limit => {
                        let mut folders = folders.clone();
                        // `RUN --mount=type=bind,target=/src`: the context (or a folder of it) there.
                        for (_, mount) in options(&ins.args).0.iter().filter(|(name, _)| *name == "mount") {
                            let field = |key: &str| mount.split(',').find_map(|kv| kv.strip_prefix(key));
                            let bind = field("type=") == Some("bind") && field("from=").is_none();
                            if let Some(target) = field("target=").or(field("dst=")).filter(|_| bind) {
                                let source = field("source=").or(field("src=")).unwrap_or(".");
                                folders.copied(&format!("{source}/ {target}"));
                            }
                        }
                        out.push(RunEnvironment { stage: s.index, ins, env: env.clone(), folders });
                    }
                    _ => {}
                }
            }
            finals.push((env, folders));
        }
        out
    }

    /// Whether an image build of the scan passes the build argument `name` (`--build-arg`).
    pub fn arg_passed(&self, name: &str) -> bool {
        self.passed_by_callers.contains(name)
    }

    /// The user the stage runs as: the last USER in its chain, with its span.
    pub fn user(&self, stage: usize) -> Option<(&str, &Instruction)> {
        self.chain(stage)
            .into_iter()
            .find_map(|s| s.instructions.iter().rev().find(|i| i.keyword == "USER").map(|i| (i.args.trim(), i)))
    }

    /// The file names a stage installs or starts: the last path element of each `COPY`/`ADD`
    /// source and destination and of the program `ENTRYPOINT`/`CMD` runs, with the stage's ARG
    /// and ENV defaults substituted.
    pub fn file_names(&self, stage: usize) -> Vec<String> {
        // ARG and ENV defaults name files too (`COPY dist/$TARGETOS/$BIN_NAME /bin/`).
        let mut defaults: Vec<(&str, &str)> = Vec::new();
        let mut names = Vec::new();
        for ins in &self.stages[stage].instructions {
            let words: Vec<&str> = match ins.keyword.as_str() {
                "ARG" | "ENV" => {
                    defaults.extend(ins.defaults());
                    continue;
                }
                "COPY" | "ADD" => options(&ins.args).1.split_whitespace().collect(),
                "ENTRYPOINT" | "CMD" => started_program(&ins.args).into_iter().collect(),
                _ => continue,
            };
            // A folder (`/kuma/`) is no file's name.
            for word in words.into_iter().filter(|w| !w.ends_with('/')) {
                let word = substitute_defaults(word, &defaults);
                names.push(word.rsplit('/').next().unwrap_or(&word).to_string());
            }
        }
        names
    }

    /// The names of the build context's files the stages that make images copy in (`COPY
    /// git-chglog /usr/local/bin/`, not `COPY --from=build`): programs built before the image.
    pub fn context_files_copied(&self) -> Vec<String> {
        let mut names = Vec::new();
        for stage in self.stages.iter().filter(|s| self.stage_ships(s.index)) {
            for ins in stage.instructions.iter().filter(|i| matches!(i.keyword.as_str(), "COPY" | "ADD")) {
                let (opts, rest) = options(&ins.args);
                if opts.iter().any(|(name, _)| *name == "from") {
                    continue;
                }
                let words: Vec<&str> = rest.split_whitespace().collect();
                let sources = words.split_last().map_or(&[][..], |(_, sources)| sources);
                for source in sources.iter().filter(|w| !w.ends_with('/') && !w.contains(['$', '*'])) {
                    names.push(source.rsplit('/').next().unwrap_or(source).to_string());
                }
            }
        }
        names
    }

    /// Whether the program the image of `stage` starts (its ENTRYPOINT, else its CMD, through
    /// its stage chain) is a file a `COPY` that `copies` accepts brings in.
    pub fn starts_a_file_copied(&self, stage: usize, copies: &dyn Fn(&&Instruction) -> bool) -> bool {
        let Some(start) = self.start_instruction(stage) else { return false };
        let chain = self.chain(stage);
        let program = started_program(&start.args).unwrap_or("");
        let program = program.rsplit('/').next().unwrap_or(program);
        let copy = chain.iter().flat_map(|s| &s.instructions).filter(|i| i.keyword == "COPY");
        !program.is_empty()
            && copy.filter(copies).any(|i| {
                let (_, paths) = options(&i.args);
                paths.split_whitespace().any(|p| p.trim_end_matches('/').rsplit('/').next() == Some(program))
            })
    }

    /// Whether a stage's files may hold a Go module from the build context: false only when
    /// everything its chain copies in is named Go source files (`COPY main.go /main.go`), so a
    /// build there sees no go.mod, whatever the repository's.
    pub fn may_hold_module(&self, stage: usize) -> bool {
        let mut copies = self
            .chain(stage)
            .into_iter()
            .flat_map(|s| &s.instructions)
            .filter(|i| matches!(i.keyword.as_str(), "COPY" | "ADD"));
        let go_files_only = |i: &&Instruction| {
            let (opts, sources) = copy_sources(&i.args);
            opts.iter().all(|(n, _)| *n != "from")
                && !sources.is_empty()
                && sources.iter().all(|w| w.ends_with(".go") && !w.contains(['*', '?', '[', '$']))
        };
        let first = copies.next();
        !(first.is_some_and(|c| go_files_only(&c)) && copies.all(|c| go_files_only(&c)))
    }

    /// The stage a `COPY --from=X` names: a stage name or index.
    pub fn copy_from<'a>(&'a self, ins: &Instruction) -> Option<&'a Stage> {
        let (opts, _) = options(&ins.args);
        let from = opts.iter().find(|(n, _)| *n == "from")?.1;
        self.stage_named(from)
    }

    /// Whether a stage other than the last makes an image to run, as `docker build --target`
    /// builds it: it starts a program (ENTRYPOINT or CMD, its own or a stage's it is built on)
    /// and is built for the target platform, not for the builder's (`FROM
    /// --platform=$BUILDPLATFORM golang`, a cross-compiling or test stage; `scratch` holds
    /// nothing of any platform).
    pub fn target_is_image(&self, stage: usize) -> bool {
        let chain = self.chain(stage);
        let on_builder = |s: &&Stage| {
            let args = s.from.args.replace(['{', '}'], "");
            args.contains("--platform=$BUILDPLATFORM") && s.base_written != "scratch"
        };
        self.starts_a_program(stage) && !chain.iter().any(on_builder)
    }

    /// How messages call the image of a stage: "the final image" for the last, "the NAME
    /// image" for one an image build asks for with `--target`.
    pub fn image_called(&self, stage: &Stage) -> String {
        match (stage.index + 1 == self.stages.len(), &stage.name) {
            (false, Some(name)) => format!("the {name} image"),
            _ => "the final image".to_string(),
        }
    }

    /// The stage a `--from=` or a build's context names: a stage name or index.
    pub fn stage_named(&self, name: &str) -> Option<&Stage> {
        let name = name.to_ascii_lowercase();
        self.stages.iter().find(|s| s.name.as_deref() == Some(name.as_str()) || s.index.to_string() == name)
    }

    /// The stages a stage is made from: the stage it starts from, those it copies from
    /// (`COPY --from`) and those it mounts (`RUN --mount=from=`).
    fn uses(&self, stage: usize) -> Vec<usize> {
        let s = &self.stages[stage];
        let mut used: Vec<usize> = s.parent.into_iter().collect();
        for ins in &s.instructions {
            let (opts, _) = options(&ins.args);
            for (name, value) in opts {
                let from = match name {
                    "from" => Some(value),
                    "mount" => value.split(',').find_map(|kv| kv.strip_prefix("from=")),
                    _ => None,
                };
                used.extend(from.and_then(|f| self.stage_named(f)).map(|u| u.index));
            }
        }
        used
    }

    /// Whether what a stage makes ends up in an image someone builds (a stage only tests, lint
    /// or docs use does not).
    pub fn stage_ships(&self, stage: usize) -> bool {
        self.shipped.get(stage).copied().unwrap_or(true)
    }

    /// The image paths that stages which end up in an image copy out of `stage`
    /// (`COPY --from=builder /src/app /bin/`), when that is all of it that ships; `None` when all
    /// of it may (a target, a stage another starts `FROM` or mounts, a copy of a path with
    /// holes).
    pub fn copied_out(&self, stage: usize) -> Option<Vec<String>> {
        let name = self.stages.get(stage)?.name.as_deref();
        let names_stage = |from: &str| {
            from.eq_ignore_ascii_case(&stage.to_string()) || name.is_some_and(|n| from.eq_ignore_ascii_case(n))
        };
        let mut paths = Vec::new();
        let mut used = false;
        for s in self.stages.iter().filter(|s| s.index != stage && self.stage_ships(s.index)) {
            if s.parent == Some(stage) {
                return None;
            }
            for ins in &s.instructions {
                let (opts, sources) = copy_sources(&ins.args);
                for (option, value) in &opts {
                    match *option {
                        "from" if names_stage(value) && matches!(ins.keyword.as_str(), "COPY" | "ADD") => {
                            if sources.is_empty() || sources.iter().any(|w| w.starts_with('[')) {
                                return None;
                            }
                            used = true;
                            // A variable's part of a path may be any text (`/out/helm-${TARGETARCH}`).
                            let path = |w: &str| join_folder("/", &variables_as_globs(w.trim_matches(['"', '\''])));
                            paths.extend(sources.iter().map(|w| path(w)));
                        }
                        "mount" if value.split(',').any(|kv| kv.strip_prefix("from=").is_some_and(names_stage)) => {
                            return None;
                        }
                        _ => {}
                    }
                }
            }
        }
        // A target, or a stage used only by stages that do not ship: all of it, as far as this
        // says (whether it ships at all is `stage_ships`).
        used.then_some(paths)
    }

    /// Which stages end up in an image someone builds: those the targets are made from. The
    /// targets are the stages nothing else uses whose names do not say they are for tests,
    /// linting, docs or code generation (`docker build --target`), or else the last stage.
    fn shipped_stages(&self) -> Vec<bool> {
        let n = self.stages.len();
        let uses: Vec<Vec<usize>> = (0..n).map(|i| self.uses(i)).collect();
        let mut used = vec![false; n];
        uses.iter().flatten().for_each(|&u| used[u] = true);
        let mut targets: Vec<usize> = (0..n)
            .filter(|&i| !used[i] && self.stages[i].name.as_deref().is_none_or(|name| !tooling_name(name)))
            .filter(|&i| i + 1 == n || self.stages[i].name.is_some())
            .collect();
        if targets.is_empty() && n > 0 {
            targets.push(n - 1);
        }
        self.made_from(&uses, targets)
    }

    /// Which stages `docker build --target <stage>` builds for each of `targets`: those stages
    /// and those they are made from.
    pub fn stages_built_for(&self, targets: &[usize]) -> Vec<bool> {
        let uses: Vec<Vec<usize>> = (0..self.stages.len()).map(|i| self.uses(i)).collect();
        self.made_from(&uses, targets.to_vec())
    }

    /// The stages `targets` are made from, themselves included (`uses`: each stage's [`Self::uses`]).
    fn made_from(&self, uses: &[Vec<usize>], mut targets: Vec<usize>) -> Vec<bool> {
        let mut made = vec![false; self.stages.len()];
        while let Some(i) = targets.pop() {
            if !std::mem::replace(&mut made[i], true) {
                targets.extend(&uses[i]);
            }
        }
        made
    }
}

/// A path with each variable reference (`$ARCH`, `${VERSION}`) as a `*` glob.
fn variables_as_globs(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        out.push('*');
        let after = &rest[at + 1..];
        rest = match after.strip_prefix('{') {
            Some(inner) => inner.find('}').map_or("", |end| &inner[end + 1..]),
            None => after.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_'),
        };
    }
    out.push_str(rest);
    out
}

/// Whether a copy out of a stage of `source` (`/opt/app`, `/go/bin/*`) takes what a build wrote
/// at `path` there: the file, or for a build that writes a folder of programs (`-o /out/`,
/// `./cmd/...`) one of them.
pub fn copy_takes(source: &str, path: &str, folder: bool) -> bool {
    let inside = |outer: &str, inner: &str| {
        inner.strip_prefix(outer.trim_end_matches('/')).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    copy_holds(source, path) || folder && inside(path, source)
}

/// Whether a folder or file of an image copied out of a stage (`/opt/app`, `/go/bin/*`) holds
/// the file at `path` there.
fn copy_holds(source: &str, path: &str) -> bool {
    if source.contains(['?', '[']) {
        return true;
    }
    if source.contains('*') {
        // Each `*` any text: a glob of the copied names (`/lib/*/libdl.so.2`).
        let mut pattern = super::value::Builder::default();
        for (i, text) in source.split('*').enumerate() {
            if i > 0 {
                pattern.push_hole(super::value::Hole::new(Origin::Unevaluated("*".into())));
            }
            pattern.push_str(text);
        }
        return pattern.build().could_be(path);
    }
    let source = source.trim_end_matches('/');
    source.is_empty() || path == source || path.strip_prefix(source).is_some_and(|rest| rest.starts_with('/'))
}

/// Whether a stage's name says it serves the project's own work rather than an image to ship
/// (`lint`, `docs-validate`, `docsgen`, `test-unit`, `vendor-update`).
fn tooling_name(name: &str) -> bool {
    name.split(['-', '_', '.']).any(|t| super::source::non_release_purpose(t).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "# syntax=docker/dockerfile:1\nARG GO=1.23\nFROM golang:${GO} AS build\nWORKDIR /src\nCOPY . .\nENV CGO_ENABLED=1\nRUN go build \\\n  # a comment inside\n  -o /out/api ./cmd/api\nFROM alpine:3.20\nCOPY --from=build /out/api /api\nUSER 65532\nENTRYPOINT [\"/api\"]\n";

    #[test]
    fn stages_args_env_and_spans() {
        let d = parse(SEED);
        assert_eq!(d.stages.len(), 2);
        assert_eq!(d.stages[0].base, Value::Known("golang:1.23".into()));
        assert_eq!(&SEED[d.stages[0].base_span.0..d.stages[0].base_span.1], "golang:${GO}");
        assert_eq!(d.stages[0].name.as_deref(), Some("build"));
        let run = d.stages[0].instructions.iter().find(|i| i.keyword == "RUN").unwrap();
        let items = run_script(SEED, run);
        let Item::Command(c) = &items[0] else { panic!() };
        assert_eq!(c.words.len(), 5);
        assert_eq!(&SEED[c.words[3].start..c.words[3].end], "/out/api");
        let env = &d.run_environments(usize::MAX, None)[0].env;
        assert_eq!(env.get("CGO_ENABLED"), Some(&Value::Known("1".into())));
        let copy = d.stages[1].instructions.iter().find(|i| i.keyword == "COPY").unwrap();
        assert_eq!(d.copy_from(copy).map(|s| s.index), Some(0));
        assert_eq!(d.user(1).map(|(u, _)| u), Some("65532"));
    }

    #[test]
    fn heredoc_and_exec_form() {
        let t = "FROM golang:1.23\nRUN <<EOF\nset -e\ngo build -o /a .\nEOF\nRUN [\"go\", \"build\", \"-o\", \"/b\", \".\"]\n";
        let d = parse(t);
        let runs: Vec<&Instruction> = d.stages[0].instructions.iter().filter(|i| i.keyword == "RUN").collect();
        assert_eq!(runs.len(), 2);
        let first = run_script(t, runs[0]);
        assert_eq!(first.len(), 2);
        let second = run_script(t, runs[1]);
        let Item::Command(c) = &second[0] else { panic!() };
        assert_eq!(&t[c.words[3].start..c.words[3].end], "\"/b\"");
    }

    #[test]
    fn run_options_over_continued_lines_end_where_the_command_starts() {
        // Each continuation is one character shorter in the joined arguments than in the file:
        // the command is found in the file's text, not by the joined length.
        let mounts = "  --mount=type=bind,source=a,target=a \\\n".repeat(8);
        let t = format!(
            "FROM golang:1.26\nRUN --mount=type=cache,target=/root/.cache \\\n{mounts}  # build it\n  CGO_ENABLED=0 \\\n  go build -o /out/app ./cmd/app\n"
        );
        let d = parse(&t);
        let run = d.stages[0].instructions.iter().find(|i| i.keyword == "RUN").unwrap();
        let items = run_script(&t, run);
        let Item::Command(c) = &items[0] else { panic!("{items:?}") };
        let words: Vec<&str> = c.words.iter().map(|w| &t[w.start..w.end]).collect();
        assert_eq!(words[..2], ["go", "build"]);
        assert_eq!(c.assigns[0].0, "CGO_ENABLED");
    }

    #[test]
    fn context_folders_follow_workdir_and_copies() {
        let d = parse(
            "FROM golang AS b\nWORKDIR /src\nCOPY . .\nCOPY tools/ /opt/tools/\nRUN make\nARG DIR\nWORKDIR $DIR\nRUN make\n",
        );
        let runs = d.run_environments(usize::MAX, None);
        let f = &runs[0].folders;
        assert_eq!(f.in_context(None), Some(Value::known("")));
        assert_eq!(f.in_context(Some(&Value::known("cmd/app"))), Some(Value::known("cmd/app")));
        assert_eq!(f.in_context(Some(&Value::known("/opt/tools/gen"))), Some(Value::known("tools/gen")));
        assert_eq!(f.in_context(Some(&Value::known("/etc"))), None);
        // Below a WORKDIR with holes, a relative folder is nowhere known.
        assert_eq!(runs[1].folders.in_context(None), None);
        assert_eq!(runs[1].folders.in_context(Some(&Value::known("/src/x"))), Some(Value::known("x")));
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for t in [
            "FROM",
            "RUN \\",
            "RUN <<",
            "FROM a AS",
            "\u{0}\u{1}RUN [\"",
            "# escape=`\nRUN a`\n",
            "COPY --from= x y",
            "ENV",
            "RUN [\"\\",
        ] {
            let d = parse(t);
            for s in &d.stages {
                for i in &s.instructions {
                    let _ = run_script(t, i);
                }
                let _ = d.run_environments(usize::MAX, None);
                let _ = d.user(s.index);
            }
        }
    }

    #[test]
    fn what_images_copy_out_of_a_stage() {
        let d = parse(
            "FROM golang:1.27 AS build\nRUN go build -o /out/app .\nFROM alpine:3.20 AS base\nFROM base\nCOPY --from=build \"/out/app\" /usr/bin/\nCOPY --from=build /lib/*/libdl.so.2 /lib/\n",
        );
        assert_eq!(d.copied_out(0), Some(vec!["/out/app".to_string(), "/lib/*/libdl.so.2".to_string()]));
        // A stage another starts FROM ships all it holds.
        assert_eq!(d.copied_out(1), None);
        assert!(copy_takes("/out/app", "/out/app", false));
        assert!(copy_takes("/out", "/out/app", false));
        assert!(copy_takes("/lib/*/libdl.so.2", "/lib/x86_64-linux-gnu/libdl.so.2", false));
        // A variable in a copied path may be anything there.
        let d = parse(
            "FROM golang:1.27 AS build\nRUN go build -o /out/app .\nFROM alpine:3.20\nARG TARGETARCH\nCOPY --from=build /out/helm-${TARGETARCH} /out/$NAME /usr/bin/\n",
        );
        assert_eq!(d.copied_out(0), Some(vec!["/out/helm-*".to_string(), "/out/*".to_string()]));
        assert!(copy_takes("/out/*", "/out/app", false));
        assert!(!copy_takes("/out/app", "/out/tool", false));
        assert!(!copy_takes("/out/ap", "/out/app", false));
        // A build that writes a folder of programs: what is copied from inside it.
        assert!(copy_takes("/out/app", "/out", true));
        assert!(!copy_takes("/etc/ssl/certs", "/out", true));
    }

    #[test]
    fn a_stage_holds_a_module_unless_it_copies_only_go_files() {
        let d = parse("FROM golang:1.22\nCOPY main.go /main.go\nRUN go build -o /app /main.go\n");
        assert!(!d.may_hold_module(0));
        let d = parse("FROM golang:1.22\nCOPY main.go go.mod /src/\nRUN go build ./...\n");
        assert!(d.may_hold_module(0));
        let d = parse("FROM golang:1.22\nRUN git clone https://example.com/x && go build ./x\n");
        assert!(d.may_hold_module(0));
    }
}
