//! Makefiles: variables (`=`, `:=`, `::=`, `?=`, `+=`, `export`, target-specific), rules and
//! their recipe lines, with exact spans. Recipes are read as shell in make's dialect (`$(VAR)` is
//! make's, `$$` the shell's); conditionals are read through (every branch counts), `include`d
//! files and make functions stay unknown.

use super::shell::{Env, Value};
use std::collections::HashMap;

/// A variable definition: `[export] NAME op value`, or target-specific `target: NAME op value`.
#[derive(Clone, Debug)]
pub struct VarDef {
    pub name: String,
    /// `=`, `:=`, `::=`, `?=`, `+=` or `!=`.
    pub op: String,
    /// Byte range of the value text (continuations included).
    pub value: (usize, usize),
    pub exported: bool,
    /// For a target-specific variable, the targets it applies to.
    pub targets: Vec<String>,
}

/// A rule: its targets and the byte ranges of its recipe commands (after `@`, `-`, `+`).
#[derive(Clone, Debug)]
pub struct RuleDef {
    pub targets: Vec<String>,
    pub recipe: Vec<(usize, usize)>,
}

#[derive(Clone, Debug, Default)]
pub struct Makefile {
    pub vars: Vec<VarDef>,
    pub rules: Vec<RuleDef>,
    /// A bare `export` line: every variable is exported.
    pub export_all: bool,
    /// Names exported by `export NAME` lines without a value.
    pub exported: Vec<String>,
    /// Definitions of each variable name, in file order.
    by_name: HashMap<String, Vec<usize>>,
}

/// The operator of an assignment in `line`, with its byte position, if the line is one.
fn assignment_op(line: &str) -> Option<(usize, &'static str)> {
    let b = line.as_bytes();
    let mut depth = 0;
    for i in 0..b.len() {
        match b[i] {
            b'(' | b'{' => depth += 1,
            b')' | b'}' => depth -= 1,
            b'=' if depth == 0 => {
                let op = match i.checked_sub(1).map(|j| b[j]) {
                    Some(b':') if i >= 2 && b[i - 2] == b':' => "::=",
                    Some(b':') => ":=",
                    Some(b'?') => "?=",
                    Some(b'+') => "+=",
                    Some(b'!') => "!=",
                    _ => "=",
                };
                return Some((i + 1 - op.len(), op));
            }
            b':' if depth == 0
                && b.get(i + 1) != Some(&b'=')
                && !(b.get(i + 1) == Some(&b':') && b.get(i + 2) == Some(&b'=')) =>
            {
                return None;
            }
            _ => {}
        }
    }
    None
}

/// The end of a logical line starting at `start`: continuations (`\` at end of line) join.
fn logical_end(text: &str, start: usize) -> usize {
    let mut end = start;
    loop {
        let line_end = text[end..].find('\n').map_or(text.len(), |n| end + n);
        let line = text[end..line_end].trim_end_matches('\r');
        let escaped = line.len() - line.trim_end_matches('\\').len();
        if escaped % 2 == 1 && line_end < text.len() {
            end = line_end + 1;
        } else {
            return line_end;
        }
    }
}

pub fn parse(text: &str) -> Makefile {
    let mut mf = Makefile::default();
    let mut pos = 0;
    let mut in_rule = false;
    let mut in_define = false;
    while pos < text.len() {
        let end = logical_end(text, pos);
        let raw = &text[pos..end];
        let next = (end + 1).min(text.len().max(end + 1));
        let start = pos;
        pos = next;
        if in_define {
            if raw.trim() == "endef" {
                in_define = false;
            }
            continue;
        }
        if raw.starts_with('\t') && in_rule {
            let body = raw.trim_start_matches('\t');
            let prefix = body.len() - body.trim_start_matches(['@', '-', '+', ' ']).len();
            let cmd_start = start + (raw.len() - body.len()) + prefix;
            if cmd_start < end {
                if let Some(rule) = mf.rules.last_mut() {
                    rule.recipe.push((cmd_start, end));
                }
            }
            continue;
        }
        // Strip a comment (make has no quoting for '#' outside recipes except a backslash).
        let content = match raw.find('#') {
            Some(h) if !raw[..h].ends_with('\\') => &raw[..h],
            _ => raw,
        };
        let trimmed = content.trim();
        if trimmed.is_empty() {
            continue;
        }
        let first = trimmed.split_whitespace().next().unwrap_or("");
        match first {
            "ifeq" | "ifneq" | "ifdef" | "ifndef" | "else" | "endif" | "include" | "-include" | "sinclude"
            | "vpath" => continue,
            "define" => {
                in_define = true;
                continue;
            }
            "unexport" => continue,
            _ => {}
        }
        let lead = content.len() - content.trim_start().len();
        let mut body = &content[lead..];
        let mut body_start = start + lead;
        let mut exported = false;
        for kw in ["override ", "export ", "private "] {
            if let Some(rest) = body.strip_prefix(kw) {
                exported |= kw == "export ";
                let skip = body.len() - rest.trim_start().len();
                body_start += skip;
                body = &body[skip..];
            }
        }
        if exported && assignment_op(body).is_none() && !body.contains(':') {
            mf.exported.extend(body.split_whitespace().map(str::to_string));
            continue;
        }
        if body.trim() == "export" {
            mf.export_all = true;
            continue;
        }
        // `targets: prerequisites` or `targets: NAME = value`.
        let colon = body.find(':').filter(|&c| !body[c..].starts_with(":=") && !body[c..].starts_with("::="));
        let assignment = assignment_op(body);
        match (colon, assignment) {
            (Some(c), _) if assignment.is_none_or(|(a, _)| c < a) => {
                let targets: Vec<String> = body[..c].split_whitespace().map(str::to_string).collect();
                let rest = body[c + 1..].trim_start_matches(':');
                let rest_start = body_start + (body.len() - rest.len());
                if let Some((a, op)) = assignment_op(rest) {
                    let name = rest[..a].trim().trim_start_matches("export ").trim().to_string();
                    let value_start = rest_start + a + op.len();
                    mf.vars.push(VarDef {
                        name,
                        op: op.into(),
                        value: skip_ws(text, value_start, end),
                        exported: false,
                        targets,
                    });
                    in_rule = false;
                } else {
                    in_rule = true;
                    // `target: prereqs ; command` puts a recipe command on the rule line.
                    let semi = rest.find(';').map(|s| rest_start + s + 1);
                    mf.rules.push(RuleDef {
                        targets,
                        recipe: semi.map(|s| vec![skip_ws(text, s, end)]).unwrap_or_default(),
                    });
                }
            }
            (_, Some((a, op))) => {
                let name = body[..a].trim().to_string();
                let value_start = body_start + a + op.len();
                mf.vars.push(VarDef {
                    name,
                    op: op.into(),
                    value: skip_ws(text, value_start, end),
                    exported,
                    targets: Vec::new(),
                });
                in_rule = false;
            }
            _ => in_rule = false,
        }
    }
    for (i, v) in mf.vars.iter().enumerate() {
        mf.by_name.entry(v.name.clone()).or_default().push(i);
    }
    mf
}

/// `(start, end)` with leading blanks skipped.
fn skip_ws(text: &str, start: usize, end: usize) -> (usize, usize) {
    let s = start.min(end);
    let trimmed = text[s..end].trim_start_matches([' ', '\t']);
    (end - trimmed.len(), end)
}

/// The most nested variable references followed, so a self-referencing variable ends and a
/// doubling chain (`A = $(B)$(B)`, `B = $(C)$(C)`, ...) stays small.
const MAX_DEPTH: usize = 8;
/// The longest expansion kept; longer ones are unknown rather than memory.
const MAX_EXPANSION: usize = 64 * 1024;

impl Makefile {
    /// The value text of a variable for `target` (target-specific definitions win), make-expanded.
    fn value(&self, text: &str, name: &str, target: Option<&str>, depth: usize) -> Option<Value> {
        let defs: Vec<&VarDef> = self
            .by_name
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| &self.vars[i])
            .filter(|v| v.targets.is_empty() || target.is_some_and(|t| v.targets.iter().any(|x| x == t)))
            .collect();
        let mut value: Option<String> = None;
        for d in defs {
            let raw = text[d.value.0..d.value.1].replace("\\\n", " ");
            let expanded = match d.op.as_str() {
                "!=" => return Some(Value::Unknown),
                _ => match self.expand(text, raw.trim_end(), target, depth + 1) {
                    Value::Known(v) => v,
                    Value::Unknown => return Some(Value::Unknown),
                },
            };
            value = Some(match (d.op.as_str(), value) {
                ("?=", Some(v)) => v,
                ("+=", Some(v)) => format!("{v} {expanded}"),
                _ => expanded,
            });
        }
        value.map(Value::Known)
    }

    /// Expands make references in `s` (`$(VAR)`, `${VAR}`, `$V`, `$$`); functions are unknown.
    pub fn expand(&self, text: &str, s: &str, target: Option<&str>, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Unknown;
        }
        let mut out = String::new();
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] != b'$' {
                let ch = s[i..].chars().next().unwrap_or(' ');
                out.push(ch);
                i += ch.len_utf8();
                continue;
            }
            match b.get(i + 1) {
                Some(b'$') => {
                    out.push('$');
                    i += 2;
                }
                Some(&open @ (b'(' | b'{')) => {
                    let close = if open == b'(' { b')' } else { b'}' };
                    let mut depth_p = 0;
                    let mut j = i + 1;
                    while j < b.len() {
                        if b[j] == open {
                            depth_p += 1;
                        } else if b[j] == close {
                            depth_p -= 1;
                            if depth_p == 0 {
                                break;
                            }
                        }
                        j += 1;
                    }
                    let name = &s[i + 2..j.min(s.len())];
                    if name.contains(char::is_whitespace) || name.contains(':') || name.contains(',') {
                        return Value::Unknown; // a function or substitution reference
                    }
                    match self.value(text, name, target, depth) {
                        Some(Value::Known(v)) => out.push_str(&v),
                        Some(Value::Unknown) => return Value::Unknown,
                        None => {} // undefined: empty, as in make (the environment is not known)
                    }
                    if out.len() > MAX_EXPANSION {
                        return Value::Unknown;
                    }
                    i = j + 1;
                }
                Some(_) => {
                    let ch = s[i + 1..].chars().next().unwrap_or('$');
                    match self.value(text, &ch.to_string(), target, depth) {
                        Some(Value::Known(v)) => out.push_str(&v),
                        Some(Value::Unknown) => return Value::Unknown,
                        None => {}
                    }
                    i += 1 + ch.len_utf8();
                }
                None => {
                    out.push('$');
                    i += 1;
                }
            }
        }
        Value::Known(out)
    }

    /// Whether make exports a variable to the commands it runs.
    fn is_exported(&self, name: &str) -> bool {
        self.export_all
            || self.exported.iter().any(|e| e == name)
            || self.by_name.get(name).is_some_and(|ds| ds.iter().any(|&i| self.vars[i].exported))
    }

    /// The shell environment a recipe of `target` runs in, for the variables it uses: make
    /// expands `$(VAR)` before the shell runs, and exported variables reach `go` itself.
    pub fn env_for(&self, text: &str, target: Option<&str>, referenced: &[&str]) -> Env {
        let mut env = Env::default();
        let go_reads = |n: &str| n.starts_with("GO") || n.starts_with("CGO_") || matches!(n, "CC" | "CXX");
        let mut names: Vec<&str> = referenced.to_vec();
        names.extend(self.by_name.keys().map(String::as_str).filter(|n| go_reads(n) && self.is_exported(n)));
        names.sort_unstable();
        names.dedup();
        for name in names {
            if let Some(value) = self.value(text, name, target, 0) {
                env.set(name, value, self.is_exported(name));
            }
        }
        env
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MK: &str = "VERSION := $(shell git describe)\nexport CGO_ENABLED = 0\nPLATFORMS ?= linux/amd64 linux/arm64\nLDFLAGS = -s -w \\\n  -X main.version=$(VERSION)\nGOOS=linux\n\n.PHONY: build\nbuild: ## compile\n\t@echo building\n\tgo build -ldflags \"$(LDFLAGS)\" -o bin/app ./cmd/app\n\nrelease: GOOS = darwin\nrelease:\n\t-go build -o bin/$(GOOS)/app .\n";

    #[test]
    fn variables_rules_and_recipes() {
        let mf = parse(MK);
        let names: Vec<&str> = mf.vars.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["VERSION", "CGO_ENABLED", "PLATFORMS", "LDFLAGS", "GOOS", "GOOS"]);
        assert_eq!(mf.rules.len(), 3);
        let build = &mf.rules[1];
        assert_eq!(build.targets, ["build"]);
        assert_eq!(build.recipe.len(), 2);
        assert_eq!(&MK[build.recipe[0].0..build.recipe[0].1], "echo building");
        let env = mf.env_for(MK, Some("build"), &["CGO_ENABLED", "PLATFORMS", "LDFLAGS"]);
        assert_eq!(env.get("CGO_ENABLED"), Some(&Value::Known("0".into())));
        assert_eq!(env.get("PLATFORMS"), Some(&Value::Known("linux/amd64 linux/arm64".into())));
        assert_eq!(env.get("LDFLAGS"), Some(&Value::Unknown), "VERSION comes from $(shell ...)");
        assert_eq!(mf.env_for(MK, Some("release"), &["GOOS"]).get("GOOS"), Some(&Value::Known("darwin".into())));
        assert_eq!(mf.env_for(MK, None, &["GOOS"]).get("GOOS"), Some(&Value::Known("linux".into())));
        let release = &mf.rules[2];
        assert_eq!(&MK[release.recipe[0].0..release.recipe[0].1], "go build -o bin/$(GOOS)/app .");
    }

    #[test]
    fn hostile_input_does_not_panic() {
        let doubling: String = (0..40).map(|i| format!("A{i} = $(A{})$(A{})x\n", i + 1, i + 1)).collect();
        for t in [
            doubling.as_str(),
            "A = $é$(A)\nx:\n\techo $(A)\n",
            "=\n:\n\t\n",
            "define X\n",
            "A := $(",
            "\t\tgo build\n",
            "a:;go build -o x",
            "x: A =",
        ] {
            let mf = parse(t);
            for r in &mf.rules {
                let _ = mf.env_for(t, r.targets.first().map(String::as_str), &["A", "A0"]);
            }
            let _ = mf.env_for(t, None, &["A", "A0"]);
        }
    }
}
