//! go-task files (`Taskfile.yml`), read as the Makefile they are equivalent to, line for line.
//!
//! A task is a make target: its `deps:` are prerequisites, its `cmds:` recipe lines (a command
//! over several lines is one shell, as task runs it), a `task:` call is `task NAME VAR=value`
//! (which links back to this file), its `vars:` are target-specific variables and its `env:`
//! exported to each command's shell. Global `vars:` are make variables (`sh:` ones `$(shell
//! ...)`), global `env:` exported ones. Go templates become make references: `{{.NAME}}` is
//! `$(NAME)`, `{{OS}}`/`{{ARCH}}` the host's `go env`; any other template is a value not known.
//! A task name's `:` (`dist:linux`) is `/` in the target (`dist/linux`), as callers' goals are
//! rewritten. Every construct is written on the line where the task file writes it, so findings
//! point at the right line; columns are not the file's (no fix is offered in it).

use super::ci::{Scalar, Shaped, span_of};
use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_saphyr::Spanned;

/// The most bytes of a task file read (real ones have a few kilobytes).
const MAX_TASKFILE: usize = 1 << 20;

/// A variable: a value, `sh:` a command whose output it is, or anything else (`ref:`, a map).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Var {
    Value(Scalar),
    Dynamic { sh: String },
    Other(IgnoredAny),
}

/// A `deps:` entry or a `task:` call: the task's name and the variables it is given.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct Call {
    task: String,
    vars: IndexMap<String, Var>,
}

/// A `cmds:` entry: a command, `cmd: COMMAND`, or `task: NAME` with `vars:`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct Cmd {
    cmd: Option<Spanned<String>>,
    task: Option<String>,
    vars: IndexMap<String, Var>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct Task {
    cmds: Vec<Spanned<Shaped<Cmd>>>,
    deps: Vec<Shaped<Call>>,
    vars: IndexMap<String, Spanned<Var>>,
    env: IndexMap<String, Var>,
    dir: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Taskfile {
    vars: Option<IndexMap<String, Spanned<Var>>>,
    env: Option<IndexMap<String, Spanned<Var>>>,
    tasks: Option<IndexMap<String, Spanned<Shaped<Task>>>>,
}

/// The names task looks for when no `--taskfile` is given, in its order.
pub const DEFAULT_NAMES: &[&str] =
    &["Taskfile.yml", "taskfile.yml", "Taskfile.yaml", "taskfile.yaml", "Taskfile.dist.yml", "taskfile.dist.yml"];

/// Whether a file (its name in lower case, and its first bytes) is a task file: one of the
/// names task looks for, or YAML whose first key is task's `version: '3'` and whose other
/// top-level keys, as far as `head` shows, are task's (a file another includes: `DistTasks.yml`;
/// a Compose file's `services:` is not).
pub fn is_taskfile(lower_name: &str, head: &[u8]) -> bool {
    const KEYS: &[&str] = &[
        "version", "tasks", "vars", "env", "includes", "output", "silent", "dotenv", "run", "set", "shopt", "method",
        "interval",
    ];
    if DEFAULT_NAMES.iter().any(|n| n.eq_ignore_ascii_case(lower_name)) {
        return true;
    }
    if !(lower_name.ends_with(".yml") || lower_name.ends_with(".yaml")) {
        return false;
    }
    let head = String::from_utf8_lossy(head);
    // Whole lines only: the last may be cut.
    let whole = head.rsplit_once('\n').map_or("", |(whole, _)| whole);
    let mut keys = whole
        .lines()
        .filter(|l| !l.starts_with([' ', '\t', '#', '-']) && !l.trim().is_empty())
        .map(|l| l.split_once(':').map_or(l, |(key, _)| key).trim());
    let version = whole.lines().find(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let version = version.map(|l| l.replace(['\'', '"'], ""));
    matches!(version.as_deref().map(str::trim_end), Some("version: 3" | "version: 3.0"))
        && keys.all(|k| KEYS.contains(&k))
}

/// The target a task is: `dist:linux` is `dist/linux`.
pub fn target_of(task: &str) -> String {
    task.replace(':', "/")
}

/// Task's templates in `text` as make references, and the shell's `$` as make's `$$`.
fn translate(text: &str, task: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at].replace('$', "$$"));
        let Some(end) = rest[at..].find("}}") else {
            rest = &rest[at..];
            break;
        };
        let inner = rest[at + 2..at + end].trim().trim_start_matches('-').trim_end_matches('-').trim();
        let name = inner.strip_prefix('.').filter(|n| n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        out.push_str(&match (inner, name) {
            ("OS", _) => "$(shell go env GOOS)".to_string(),
            ("ARCH", _) => "$(shell go env GOARCH)".to_string(),
            ("exeExt", _) => String::new(),
            (_, Some("ROOT_DIR" | "TASKFILE_DIR" | "USER_WORKING_DIR")) => "$(CURDIR)".to_string(),
            (_, Some("TASK")) => task.to_string(),
            (_, Some(name)) if !name.is_empty() => format!("$({name})"),
            // A template with functions or conditions: a value not known.
            _ => format!("$(shell : task template {})", inner.replace(['(', ')', '$', '\n'], " ")),
        });
        rest = &rest[at + end + 2..];
    }
    out.push_str(&rest.replace('$', "$$"));
    out
}

/// The Makefile line for `NAME = value` (`prefix` a target's `NAME: `), or `None` for a value
/// it cannot be.
fn assignment(prefix: &str, name: &str, var: &Var, task: &str) -> Option<String> {
    if !super::shell::names_make_variable(name) {
        return None;
    }
    let value = match var {
        Var::Value(v) => translate(&v.text().replace('\n', " "), task),
        Var::Dynamic { sh } => format!("$(shell {})", translate(&sh.replace('\n', " "), task)),
        Var::Other(_) => return None,
    };
    Some(format!("{prefix}{name} = {value}"))
}

/// The translation, one entry per line of the task file.
struct Lines {
    lines: Vec<String>,
    /// Where each line starts in the task file.
    starts: Vec<usize>,
}

impl Lines {
    fn line_of(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s <= at).saturating_sub(1)
    }

    /// Writes `text` on line `line`, unless something is written there already (a flow-style
    /// map of two variables on one line keeps its first).
    fn put(&mut self, line: usize, text: String) -> bool {
        match self.lines.get_mut(line) {
            Some(l) if l.is_empty() => {
                *l = text;
                true
            }
            _ => false,
        }
    }

    /// The lines a scalar's value is written on: each line of `value` found in the file from
    /// where the scalar starts, or that start's line for one not found (an escaped quote).
    fn value_lines(&self, text: &str, span: (usize, usize), value: &str) -> Vec<(usize, String)> {
        let mut at = span.0.min(text.len());
        value
            .lines()
            // A comment would swallow the lines joined after it.
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|l| {
                let found = text.get(at..).and_then(|t| t.find(l.trim())).map(|f| at + f);
                if let Some(f) = found {
                    at = f + l.trim().len();
                }
                (self.line_of(found.unwrap_or(span.0)), l.trim().to_string())
            })
            .collect()
    }
}

/// Whether a shell line leaves its command open (the next line continues it without `;`).
fn open_ended(line: &str) -> bool {
    let l = line.trim_end();
    l.is_empty() || ["then", "do", "else", "{", "(", "|", "&&", "||", "in"].iter().any(|end| l.ends_with(end))
}

/// The task file as a Makefile with the same lines.
pub fn to_makefile(text: &str) -> Result<String, String> {
    let text = &text[..super::text::floor_char_boundary(text, MAX_TASKFILE)];
    let file: Taskfile = super::ci::from_yaml(text)?;
    let starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let mut out = Lines { lines: vec![String::new(); starts.len()], starts };
    for (name, var) in file.vars.iter().flatten() {
        let line = out.line_of(span_of(var).unwrap_or_default().0);
        if let Some(a) = assignment("", name, &var.value, "") {
            out.put(line, a);
        }
    }
    for (name, var) in file.env.iter().flatten() {
        let line = out.line_of(span_of(var).unwrap_or_default().0);
        if let Some(a) = assignment("export ", name, &var.value, "") {
            out.put(line, a);
        }
    }
    for (name, task) in file.tasks.iter().flatten() {
        let target = target_of(name);
        let Some(span) = span_of(task) else { continue };
        let body = match &task.value {
            Shaped::Map(t) => t.clone(),
            // `build: go build ./...`: the short form, one command.
            Shaped::Text(command) => Task {
                cmds: vec![Spanned {
                    value: Shaped::Text(command.clone()),
                    referenced: task.referenced,
                    defined: task.defined,
                }],
                ..Task::default()
            },
            Shaped::Other => continue,
        };
        for (var_name, var) in &body.vars {
            let line = out.line_of(span_of(var).unwrap_or(span).0);
            if let Some(a) = assignment(&format!("{target}: "), var_name, &var.value, name) {
                out.put(line, a);
            }
        }
        let deps: Vec<String> = body
            .deps
            .iter()
            .filter_map(|d| match d {
                Shaped::Text(t) => Some(target_of(t)),
                Shaped::Map(c) if !c.task.is_empty() => Some(target_of(&c.task)),
                _ => None,
            })
            .collect();
        // Each command's shell: the task's folder and exported `env:` first.
        let mut setup = String::new();
        if let Some(dir) = &body.dir {
            setup.push_str(&format!("cd {} && ", translate(dir, name)));
        }
        for (k, v) in &body.env {
            if let Some(a) = assignment("", k, v, name) {
                let (k, v) = a.split_once(" = ").unwrap_or_default();
                setup.push_str(&format!("export {k}=\"{v}\"; "));
            }
        }
        let mut recipe: Vec<(usize, String)> = Vec::new();
        for cmd in &body.cmds {
            let Some(cmd_span) = span_of(cmd) else { continue };
            let (command, command_span) = match &cmd.value {
                Shaped::Text(c) => (c.clone(), cmd_span),
                Shaped::Map(Cmd { cmd: Some(c), .. }) => (c.value.clone(), span_of(c).unwrap_or(cmd_span)),
                Shaped::Map(Cmd { task: Some(t), vars, .. }) => {
                    let given: Vec<String> = vars
                        .iter()
                        .filter_map(|(k, v)| assignment("", k, v, name))
                        .map(|a| a.replace(" = ", "="))
                        .collect();
                    let call = format!("task {} {}", target_of(t), given.join(" "));
                    recipe.push((out.line_of(cmd_span.0), call.trim_end().to_string()));
                    continue;
                }
                _ => continue,
            };
            let lines = out.value_lines(text, command_span, &command);
            let last = lines.len().saturating_sub(1);
            for (i, (line, shell)) in lines.into_iter().enumerate() {
                // One shell for the whole command: lines joined as make continues them.
                let shell = translate(&shell, name);
                let joined = match (i == last, open_ended(&shell)) {
                    // A line the command continues itself (`go build \`) is one for make too.
                    (true, _) => shell,
                    (false, _) if shell.ends_with('\\') => shell,
                    (false, true) => format!("{shell} \\"),
                    (false, false) => format!("{shell}; \\"),
                };
                recipe.push((line, if i == 0 { format!("{setup}{joined}") } else { joined }));
            }
        }
        // The rule on the line of its first command (`target: deps ; command`), or where the
        // task's body starts.
        match recipe.split_first() {
            Some(((line, first), rest)) => {
                out.put(*line, format!("{target}: {} ; {first}", deps.join(" ")));
                for (line, command) in rest {
                    let tab = if out.lines.get(line.saturating_sub(1)).is_some_and(|l| l.ends_with('\\')) {
                        ""
                    } else {
                        "\t"
                    };
                    out.put(*line, format!("{tab}{command}"));
                }
            }
            None => {
                out.put(out.line_of(span.0), format!("{target}: {}", deps.join(" ")));
            }
        }
    }
    Ok(out.lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TASKFILE: &str = r#"version: '3'

vars:
  VERSION:
    sh: git describe --tags
  LDFLAGS: -s -w -X main.version={{.VERSION}}

env:
  CGO_ENABLED: '0'

tasks:
  build:
    desc: Build
    deps: [generate]
    cmds:
      - go build -ldflags "{{.LDFLAGS}}" -o bin/app{{exeExt}} .
  dist:linux:
    env:
      GOOS: linux
    cmds:
      - |
        if [ -n "$CI" ]; then
          go build -o dist/app-{{OS}} .
        fi
      - task: build
        vars: {LDFLAGS: -w}
      - |
        go build \
          -o dist/x .
  generate: go generate ./...
"#;

    #[test]
    fn the_makefile_has_the_same_lines() {
        let make = to_makefile(TASKFILE).unwrap();
        let lines: Vec<&str> = make.lines().collect();
        assert_eq!(make.split('\n').count(), TASKFILE.split('\n').count());
        assert_eq!(lines[4], "VERSION = $(shell git describe --tags)");
        assert_eq!(lines[5], "LDFLAGS = -s -w -X main.version=$(VERSION)");
        assert_eq!(lines[8], "export CGO_ENABLED = 0");
        assert_eq!(lines[15], "build: generate ; go build -ldflags \"$(LDFLAGS)\" -o bin/app .");
        assert_eq!(lines[21], "dist/linux:  ; export GOOS=\"linux\"; if [ -n \"$$CI\" ]; then \\");
        assert_eq!(lines[22], "go build -o dist/app-$(shell go env GOOS) .; \\");
        assert_eq!(lines[23], "fi");
        assert_eq!(lines[24], "\ttask build LDFLAGS=-w");
        assert_eq!(lines[27], "\texport GOOS=\"linux\"; go build \\", "a command continued by its own backslash");
        assert_eq!(lines[28], "-o dist/x .");
        assert_eq!(lines[29], "generate:  ; go generate ./...");
    }

    #[test]
    fn task_files_are_told_from_other_yaml() {
        let included =
            "# Source: a template\nversion: \"3\"\n\n# Use it from your Taskfile.\nvars:\n  A: b\ntasks:\n  x: echo\n";
        assert!(is_taskfile("disttasks.yml", included.as_bytes()));
        assert!(is_taskfile("taskfile.yml", b""));
        assert!(!is_taskfile("docker-compose.yml", b"version: '3'\nservices:\n  app:\n    image: x\n"));
        assert!(!is_taskfile("release.yml", b"version: 2\nbuilds:\n  - main: .\n"));
        assert!(!is_taskfile("notes.txt", included.as_bytes()));
    }

    #[test]
    fn odd_shapes_do_not_fail() {
        for t in [
            "",
            "tasks:\n",
            "tasks:\n  a: [x]\n  b: 1\n  c: {cmds: [1, {task: c}, {cmd: x}, [y]], deps: [{x: y}, 1]}\n",
            "vars: {A: {ref: .B}, 'x y': 1}\ntasks:\n  a:\n    cmds: ['{{', '}}{{.A}}', '{{if .A}}x{{end}}']\n",
        ] {
            let make = to_makefile(t).unwrap_or_else(|e| panic!("{t:?}: {e}"));
            assert_eq!(make.split('\n').count(), t.split('\n').count(), "{t:?}");
        }
        assert!(to_makefile("tasks: [unclosed").is_err());
    }
}
