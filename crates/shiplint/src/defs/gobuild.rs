//! The `BuildInvocation` model: every place that runs `go build`, whatever file describes it,
//! becomes one of these, so that rules never parse text.

use super::shell::{Evaluated, Value, Word, flatten};
use std::collections::HashMap;

/// A value taken from a build definition, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    pub value: Value,
    /// Byte span of the word that set it, when there is one.
    pub span: Option<(usize, usize)>,
}

/// One `go build` as it runs in one iteration of its loops.
#[derive(Clone, Debug)]
pub struct BuildInvocation<'a> {
    /// The whole command's byte span.
    pub span: (usize, usize),
    /// Span of the word `build`: fixes insert flags after it.
    pub build_word: (usize, usize),
    /// Environment the go command sees (CGO_ENABLED, GOOS, GOARCH, GOFLAGS, ...).
    pub env: HashMap<String, Setting>,
    pub trimpath: bool,
    /// `-ldflags` value and its word.
    pub ldflags: Option<(Value, &'a Word)>,
    /// `-o` value and its word.
    pub output: Option<(Value, &'a Word)>,
    pub mod_flag: Option<Value>,
    pub packages: Vec<(Value, &'a Word)>,
    /// Loop variables and their values in this iteration.
    pub iteration: Vec<(String, Value)>,
    /// Identifies the loop nest (empty outside loops).
    pub loops: Vec<usize>,
    /// The `-ldflags` are a tool's defaults, not written by the user (goreleaser without `ldflags`).
    pub implicit_ldflags: bool,
}

/// Flags of `go build` that take a value (the others are booleans).
const VALUE_FLAGS: &[&str] = &[
    "o",
    "ldflags",
    "gcflags",
    "asmflags",
    "gccgoflags",
    "tags",
    "mod",
    "modfile",
    "buildmode",
    "p",
    "pkgdir",
    "toolexec",
    "overlay",
    "pgo",
    "C",
    "installsuffix",
    "compiler",
    "coverpkg",
    "covermode",
    "exec",
];

impl<'a> BuildInvocation<'a> {
    /// `go build ./...` (several packages, no -o) and `go build -o /dev/null` only check that the
    /// code compiles: nothing ships.
    pub fn only_compiles(&self) -> bool {
        let discarded =
            matches!(&self.output, Some((Value::Known(o), _)) if o == "/dev/null" || o.eq_ignore_ascii_case("NUL"));
        discarded
            || self.output.is_none()
                && self.packages.iter().any(|(v, _)| matches!(v, Value::Known(p) if p.ends_with("...")))
    }

    /// Reads a `go build` (also behind `env`, `exec`, `time`, `nice`) from an evaluated command.
    pub fn from_command(e: &Evaluated<'a>) -> Option<Self> {
        let words = &e.command.words;
        let mut i = 0;
        let mut extra_env: Vec<(String, Setting)> = Vec::new();
        loop {
            match e.argv.get(i)? {
                Value::Known(w) if matches!(w.as_str(), "exec" | "time" | "nice" | "command") => i += 1,
                Value::Known(w) if w == "env" => {
                    i += 1;
                    while let Some(Value::Known(a)) = e.argv.get(i) {
                        match a.split_once('=') {
                            Some((k, v)) if !k.starts_with('-') => {
                                let span = (words[i].start, words[i].end);
                                extra_env.push((
                                    k.to_string(),
                                    Setting { value: Value::Known(v.to_string()), span: Some(span) },
                                ));
                                i += 1;
                            }
                            _ if a.starts_with('-') => i += 1,
                            _ => break,
                        }
                    }
                }
                _ => break,
            }
        }
        let is_go = matches!(e.argv.get(i)?, Value::Known(g) if g == "go" || g.ends_with("/go"));
        let is_build = matches!(e.argv.get(i + 1)?, Value::Known(b) if b == "build");
        if !is_go || !is_build {
            return None;
        }
        let mut env: HashMap<String, Setting> =
            e.env.iter().map(|(k, v)| (k.clone(), Setting { value: v.clone(), span: None })).collect();
        for (name, word) in e.prefix {
            env.insert(name.clone(), Setting { value: e.env[name].clone(), span: Some((word.start, word.end)) });
        }
        env.extend(extra_env);
        let mut inv = BuildInvocation {
            span: (e.command.start, e.command.end),
            build_word: (words[i + 1].start, words[i + 1].end),
            env,
            trimpath: false,
            ldflags: None,
            output: None,
            mod_flag: None,
            packages: Vec::new(),
            iteration: e.iteration.clone(),
            loops: e.loops.clone(),
            implicit_ldflags: false,
        };
        // GOFLAGS applies first; flags on the command line override it.
        if let Some(Value::Known(goflags)) = inv.env.get("GOFLAGS").map(|s| s.value.clone()) {
            for f in goflags.split_whitespace().map(|f| f.trim_start_matches('-')) {
                match f.split_once('=') {
                    Some((name, value)) => inv.flag(name, Some(Value::Known(value.to_string())), None),
                    None => inv.flag(f, None, None),
                }
            }
        }
        let mut j = i + 2;
        while j < words.len() {
            let word = &words[j];
            let text = match &e.argv[j] {
                Value::Known(t) => t.clone(),
                Value::Unknown => flatten(&word.parts),
            };
            if !text.starts_with('-') || text == "-" {
                inv.packages.extend((j..words.len()).map(|k| (e.argv[k].clone(), &words[k])));
                break;
            }
            let flag = text.trim_start_matches('-');
            match flag.split_once('=') {
                Some((name, value)) => {
                    let value = match &e.argv[j] {
                        Value::Known(_) => Value::Known(value.to_string()),
                        Value::Unknown => Value::Unknown,
                    };
                    inv.flag(name, Some(value), Some(word));
                }
                None if VALUE_FLAGS.contains(&flag) => {
                    j += 1;
                    let Some(next) = words.get(j) else { break };
                    inv.flag(flag, Some(e.argv[j].clone()), Some(next));
                }
                None => inv.flag(flag, None, Some(word)),
            }
            j += 1;
        }
        Some(inv)
    }

    fn flag(&mut self, name: &str, value: Option<Value>, word: Option<&'a Word>) {
        match (name, value, word) {
            ("trimpath", v, _) => self.trimpath = !matches!(v, Some(Value::Known(ref f)) if f == "false"),
            ("ldflags", Some(v), Some(w)) => self.ldflags = Some((v, w)),
            ("o", Some(v), Some(w)) => self.output = Some((v, w)),
            ("mod", Some(v), _) => self.mod_flag = Some(v),
            _ => {}
        }
    }

    /// An environment variable's value, if known.
    /// The known, non-empty value of `name` (the go command reads an empty one as unset).
    pub fn env_value(&self, name: &str) -> Option<&str> {
        match self.env.get(name).map(|s| &s.value) {
            Some(Value::Known(v)) if !v.is_empty() => Some(v),
            _ => None,
        }
    }

    /// Whether `name` is set to something, known or not (`GOOS= go build` is a host build).
    pub fn env_set(&self, name: &str) -> bool {
        self.env.get(name).is_some_and(|s| s.value != Value::Known(String::new()))
    }
}

/// Splits a flag string the way cmd/go's `quoted.Split` does: spaces separate fields, and a
/// field may be wrapped in single or double quotes.
pub fn split_quoted(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let (field, tail) = match rest.as_bytes()[0] {
            q @ (b'\'' | b'"') => match rest[1..].find(q as char) {
                Some(end) => (rest[1..=end].to_string(), &rest[end + 2..]),
                None => (rest[1..].to_string(), ""),
            },
            _ => {
                let end = rest.find([' ', '\t', '\n', '\r']).unwrap_or(rest.len());
                (rest[..end].to_string(), &rest[end..])
            }
        };
        out.push(field);
        rest = tail.trim_start();
    }
    out
}

/// The `-X` assignments in a linker flag list, later ones overriding earlier ones for a target.
pub fn x_assignments(ldflags: &str) -> Vec<(String, String)> {
    let fields = split_quoted(ldflags);
    let mut found: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < fields.len() {
        let f = fields[i].as_str();
        let arg = match f {
            "-X" | "--X" => {
                i += 1;
                fields.get(i).map(String::as_str)
            }
            _ => f.strip_prefix("-X=").or_else(|| f.strip_prefix("--X=")),
        };
        if let Some((target, value)) = arg.and_then(|a| a.split_once('=')) {
            found.retain(|(t, _)| t != target);
            found.push((target.to_string(), value.to_string()));
        }
        i += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_assignments_follow_the_linker() {
        let got =
            x_assignments("-s -w -X main.version=v1 -X=main.commit=abc '-X' \"main.date=2024 01\" -X main.version=v2");
        assert_eq!(
            got,
            [
                ("main.commit".into(), "abc".into()),
                ("main.date".into(), "2024 01".into()),
                ("main.version".into(), "v2".into())
            ]
        );
    }
    use crate::defs::shell::{Env, evaluate, parse};

    /// (output, trimpath, GOOS, ldflags) of each build.
    type Summary = (Option<Value>, bool, Option<String>, Option<String>);

    fn builds(src: &str) -> Vec<Summary> {
        let items = parse(src, 0);
        let ev = evaluate(&items, &mut Env::default());
        ev.iter()
            .filter_map(BuildInvocation::from_command)
            .map(|b| {
                let goos = b.env_value("GOOS").map(str::to_string);
                (b.output.map(|(v, _)| v), b.trimpath, goos, b.ldflags.map(|(v, _)| format!("{v:?}")))
            })
            .collect()
    }

    #[test]
    fn reads_flags_env_and_output() {
        let got = builds(
            "export GOFLAGS=-trimpath\nfor os in linux windows; do CGO_ENABLED=0 GOOS=$os go build -ldflags '-s -w' -o bin/app ./cmd/app; done\nenv GOOS=darwin go build -o=x .\ngo vet ./...\n",
        );
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[0],
            (Some(Value::Known("bin/app".into())), true, Some("linux".into()), Some("Known(\"-s -w\")".into()))
        );
        assert_eq!(got[1].2.as_deref(), Some("windows"));
        assert_eq!(got[2].0, Some(Value::Known("x".into())));
        assert_eq!(got[2].2.as_deref(), Some("darwin"));
    }
}
