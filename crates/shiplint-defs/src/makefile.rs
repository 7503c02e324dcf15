//! Makefiles: variables (`=`, `:=`, `::=`, `?=`, `+=`, `!=`, `export`, target-specific), rules
//! and their recipe lines, with exact spans, and the conditionals around them. Values are expanded
//! as make does, with holes where the file does not say (`$(shell git describe)`, a variable the
//! environment supplies): variable references, substitution references and the functions build
//! files use (`if`, `or`, `and`, `subst`, `patsubst`, `strip`, `filter`, `word`, `foreach`,
//! `call`...). A conditional make can decide from the file is decided; one that depends on the
//! environment (`ifdef SOURCE_DATE_EPOCH`) keeps both branches, and a variable set differently in
//! them becomes a hole. Recipes are read as shell in make's dialect (`$(VAR)` is make's, `$$` the
//! shell's). Rules written in a `define` are templates: each `$(eval $(call NAME,...))` makes
//! them rules with `$(1)`... bound to its arguments.

use super::budget::MAX_VALUE;
use super::shell::Env;
use super::value::{Builder, Hole, Origin, Piece, Provenance, Value};
use std::collections::{HashMap, HashSet};

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
    /// For a `$(eval NAME = value)` in a recipe, the rule whose recipe defines it: it holds for
    /// the recipe's later lines.
    pub rule: Option<usize>,
    /// The conditionals around the definition.
    pub conditions: Vec<Condition>,
}

impl VarDef {
    /// The value as make reads it: continuation lines joined, `\#` a literal `#`.
    fn written(&self, text: &str) -> String {
        text[self.value.0..self.value.1].replace("\\\n", " ").replace("\\#", "#")
    }
}

/// A rule: its targets and its recipe commands.
#[derive(Clone, Debug)]
pub struct RuleDef {
    pub targets: Vec<String>,
    /// Byte range of the prerequisites text (normal and order-only), unexpanded.
    pub prerequisites: (usize, usize),
    pub recipe: Vec<RecipeLine>,
    pub conditions: Vec<Condition>,
    /// For a rule written in a `define` body, the define's name: it is a rule only as a
    /// `$(eval $(call NAME,...))` line instantiates it, with `$(1)`... bound to the arguments.
    pub template: Option<String>,
}

/// One recipe command: its byte range (after `@`, `-`, `+`), and the conditionals around it,
/// the rule's own included (make reads `ifeq` inside a recipe while reading the file).
#[derive(Clone, Debug)]
pub struct RecipeLine {
    pub span: (usize, usize),
    pub conditions: Vec<Condition>,
}

/// One conditional directive a line sits under: `ifdef X` (or its `else`, `negated`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    /// `ifdef`, `ifndef`, `ifeq` or `ifneq`.
    pub directive: String,
    /// The text after the directive.
    pub args: String,
    /// In the `else` branch.
    pub negated: bool,
    /// Byte offset of the directive's line: make decides it there, while reading the file, from
    /// the definitions above it.
    pub at: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Makefile {
    pub vars: Vec<VarDef>,
    pub rules: Vec<RuleDef>,
    /// A bare `export` line: every variable is exported.
    pub export_all: bool,
    /// Names exported by `export NAME` lines without a value.
    pub exported: Vec<String>,
    /// `include`, `-include` and `sinclude` lines: where each is and the file names it gives,
    /// unexpanded.
    pub includes: Vec<(usize, String)>,
    /// Lines that `$(eval ...)` text into the file (`$(foreach b,$(BINS),$(eval $(call
    /// TEMPLATE,$(b))))`): their byte range and the conditionals around them.
    evals: Vec<((usize, usize), Vec<Condition>)>,
    /// The variables `define` wrote, by index.
    defines: Vec<usize>,
    /// Definitions of each variable name, in file order.
    by_name: HashMap<String, Vec<usize>>,
    decided: Memo<(usize, u64, usize), Decision>,
    /// The rules each `make GOAL...` run reaches, by goals and what the caller gave make: a file
    /// is asked again for every build it holds and every caller that runs it.
    runs: Memo<(Vec<String>, u64), Vec<Reached>>,
    /// The repository's Go programs whose output `$(shell go run ...)` takes (read from disk by
    /// the caller of `parse`).
    pub printed: Vec<super::goprog::PrintingProgram>,
}

/// Answers computed once per parsed file and then reused, keyed by everything they depend on
/// besides the file itself. Conditionals are decided by directive offset, what the caller gave
/// make and the nesting depth asked at (which bounds what may be followed, so the answer is a
/// function of the key). A clone starts empty.
#[derive(Debug)]
struct Memo<K, V>(std::sync::Mutex<HashMap<K, V>>);

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo(std::sync::Mutex::new(HashMap::new()))
    }
}

impl<K, V> Clone for Memo<K, V> {
    fn clone(&self) -> Self {
        Memo::default()
    }
}

impl<K: Eq + std::hash::Hash, V: Clone> Memo<K, V> {
    /// The answer for `key`, computed by `compute` the first time. The lock is not held while
    /// computing: a computation may ask for other answers.
    fn get_or(&self, key: K, compute: impl FnOnce() -> V) -> V {
        let lock = || self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = lock().get(&key) {
            return v.clone();
        }
        let v = compute();
        lock().insert(key, v.clone());
        v
    }
}

/// An open conditional: the branches already passed and the one being read.
struct OpenConditional {
    previous: Vec<Condition>,
    current: Option<Condition>,
}

fn active_conditions(open: &[OpenConditional]) -> Vec<Condition> {
    open.iter()
        .flat_map(|c| {
            let passed = c.previous.iter().map(|p| Condition { negated: true, ..p.clone() });
            passed.chain(c.current.clone())
        })
        .collect()
}

fn condition(line: &str, at: usize) -> Option<Condition> {
    let line = line.trim();
    let directive = ["ifdef", "ifndef", "ifeq", "ifneq"].into_iter().find(|d| {
        line.strip_prefix(d).is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '(', '"', '\'']))
    })?;
    Some(Condition {
        directive: directive.to_string(),
        args: line[directive.len()..].trim().to_string(),
        negated: false,
        at,
    })
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
            // `target: ; GOOS=linux go build`: what follows `;` is a recipe command.
            b';' if depth == 0 => return None,
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

/// The end of a logical line starting at `start` (its newline, or the text's end):
/// continuations (`\` at end of line) join.
pub fn logical_end(text: &str, start: usize) -> usize {
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
    let mut mf = read_lines(text, 0, text.len());
    // The rules written in `define` bodies, as templates `$(eval $(call ...))` instantiates.
    let mut templates = Vec::new();
    for var in mf.defines.iter().map(|&i| &mf.vars[i]) {
        let body = read_lines(text, var.value.0, var.value.1);
        for mut rule in body.rules {
            rule.template = Some(var.name.clone());
            rule.conditions.splice(0..0, var.conditions.iter().cloned());
            templates.push(rule);
        }
    }
    mf.rules.extend(templates);
    for (i, v) in mf.vars.iter().enumerate() {
        mf.by_name.entry(v.name.clone()).or_default().push(i);
    }
    mf
}

/// Reads the lines of `text[from..to]`: variables, rules with their recipes, conditionals,
/// includes and `$(eval ...)` lines.
fn read_lines(text: &str, from: usize, to: usize) -> Makefile {
    let mut mf = Makefile::default();
    let mut pos = from;
    let mut in_rule = false;
    // A `define` being read: its variable (value start where the body starts) and how many
    // `define`s are open inside it.
    let mut define: Option<(VarDef, usize)> = None;
    let mut open: Vec<OpenConditional> = Vec::new();
    while pos < to {
        let end = logical_end(text, pos).min(to);
        let raw = &text[pos..end];
        let next = (end + 1).min(text.len().max(end + 1));
        let start = pos;
        pos = next;
        if let Some((var, depth)) = define.as_mut() {
            match raw.split_whitespace().next() {
                Some("define") => *depth += 1,
                Some("endef") if *depth > 0 => *depth -= 1,
                // The body is the lines between, without the newline before `endef`.
                Some("endef") => {
                    var.value = (var.value.0, start.saturating_sub(1).max(var.value.0));
                    mf.defines.push(mf.vars.len());
                    mf.vars.extend(define.take().map(|(var, _)| var));
                }
                _ => {}
            }
            continue;
        }
        if raw.starts_with('\t') && in_rule {
            let body = raw.trim_start_matches('\t');
            let prefix = body.len() - body.trim_start_matches(['@', '-', '+', ' ']).len();
            let cmd_start = start + (raw.len() - body.len()) + prefix;
            if cmd_start < end {
                if let Some(rule) = mf.rules.last_mut() {
                    rule.recipe.push(RecipeLine { span: (cmd_start, end), conditions: active_conditions(&open) });
                }
                if let Some((name, op, value)) = recipe_eval(text, cmd_start, end) {
                    mf.vars.push(VarDef {
                        name,
                        op: op.into(),
                        value: skip_ws(text, value.0, value.1),
                        exported: false,
                        targets: Vec::new(),
                        rule: mf.rules.len().checked_sub(1),
                        conditions: active_conditions(&open),
                    });
                }
            }
            continue;
        }
        // A comment ends the line, values included (`GOEXPERIMENT ?= # empty` is empty).
        let content = &raw[..comment_start(raw)];
        let end = start + content.len();
        let trimmed = content.trim();
        if trimmed.is_empty() {
            continue;
        }
        let first = trimmed.split_whitespace().next().unwrap_or("");
        match first {
            // A conditional does not end a rule: the tab lines under it are still its recipe.
            "ifeq" | "ifneq" | "ifdef" | "ifndef" => {
                open.push(OpenConditional { previous: Vec::new(), current: condition(trimmed, start) });
                continue;
            }
            "else" => {
                if let Some(c) = open.last_mut() {
                    c.previous.extend(c.current.take());
                    c.current = condition(trimmed.trim_start_matches("else"), start);
                }
                continue;
            }
            "endif" => {
                open.pop();
                continue;
            }
            "include" | "-include" | "sinclude" => {
                // A continued line is one line: each backslash-newline is a space to make.
                mf.includes.push((start, trimmed[first.len()..].replace("\\\n", " ").trim().to_string()));
                continue;
            }
            "vpath" => continue,
            // `define NAME [=|:=|?=|+=]`: a variable whose value is the lines up to `endef`.
            "define" => {
                let mut words = trimmed.split_whitespace().skip(1);
                let name = words.next().unwrap_or_default().to_string();
                let op = words.next().filter(|op| ["=", ":=", "::=", "?=", "+="].contains(op)).unwrap_or("=");
                let var = VarDef {
                    name,
                    op: op.into(),
                    value: (next.min(text.len()), next.min(text.len())),
                    exported: false,
                    targets: Vec::new(),
                    rule: None,
                    conditions: active_conditions(&open),
                };
                define = Some((var, 0));
                continue;
            }
            "unexport" => continue,
            // `$(eval $(call TEMPLATE,...))`, maybe in a `$(foreach ...)`: text made into rules.
            _ if (first.starts_with("$(") || first.starts_with("${"))
                && (trimmed.contains("$(eval ") || trimmed.contains("${eval ")) =>
            {
                mf.evals.push(((start + (content.len() - content.trim_start().len()), end), active_conditions(&open)));
                continue;
            }
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
                let targets: Vec<String> = top_level_words(&body[..c]).into_iter().map(str::to_string).collect();
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
                        rule: None,
                        conditions: active_conditions(&open),
                    });
                    in_rule = false;
                } else {
                    in_rule = true;
                    // `target: prereqs ; command` puts a recipe command on the rule line.
                    let semi = rest.find(';').map(|s| rest_start + s + 1);
                    let prerequisites = (rest_start, semi.map_or(rest_start + rest.len(), |s| s - 1));
                    mf.rules.push(RuleDef {
                        targets,
                        prerequisites,
                        recipe: semi
                            .map(|s| {
                                vec![RecipeLine { span: skip_ws(text, s, end), conditions: active_conditions(&open) }]
                            })
                            .unwrap_or_default(),
                        conditions: active_conditions(&open),
                        template: None,
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
                    rule: None,
                    conditions: active_conditions(&open),
                });
                in_rule = false;
            }
            _ => in_rule = false,
        }
    }
    mf
}

/// `$(eval NAME = value)` opening the recipe line `text[start..end]`: the name, the assignment
/// operator and the value's byte range (skaffold computes `-ldflags` for each platform so).
fn recipe_eval(text: &str, start: usize, end: usize) -> Option<(String, &'static str, (usize, usize))> {
    let line = &text[start..end];
    let rest = line.strip_prefix("$(eval")?;
    let body_start = line.len() - rest.trim_start().len();
    if body_start == "$(eval".len() {
        return None;
    }
    let close = matching(line.as_bytes(), 1, b'(', b')');
    let body = line.get(body_start..close)?;
    let (at, op) = assignment_op(body)?;
    let name = body[..at].trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    let value_start = start + body_start + at + op.len();
    Some((name.to_string(), op, (value_start, start + close)))
}

/// Where a make comment starts on a line that is not a recipe line: the first `#` not escaped
/// with a backslash and not inside a variable reference or function call, where make takes it
/// literally; the line's end when there is none.
fn comment_start(line: &str) -> usize {
    let b = line.as_bytes();
    let mut depth = 0usize;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'(' | b'{' if i > 0 && b[i - 1] == b'$' => depth += 1,
            b'(' | b'{' if depth > 0 => depth += 1,
            b')' | b'}' if depth > 0 => depth -= 1,
            b'#' if depth == 0 && (i == 0 || b[i - 1] != b'\\') => return i,
            _ => {}
        }
    }
    line.len()
}

/// `(start, end)` with leading blanks skipped.
fn skip_ws(text: &str, start: usize, end: usize) -> (usize, usize) {
    let s = start.min(end);
    let trimmed = text[s..end].trim_start_matches([' ', '\t']);
    (end - trimmed.len(), end)
}

/// The most nested variable references followed, so a self-referencing variable ends and a
/// doubling chain (`A = $(B)$(B)`, `B = $(C)$(C)`, ...) stays small.
const MAX_DEPTH: usize = 16;

/// Where an expansion happens: the target whose recipe it is for (target-specific variables win)
/// and the bindings of `$(foreach)` and `$(call)`.
#[derive(Clone, Debug, Default)]
pub struct Scope<'s> {
    pub target: Option<&'s str>,
    /// The rule whose recipe is expanded: its `$(eval ...)` definitions hold.
    rule: Option<usize>,
    /// The targets whose prerequisite `target` is made as, outermost first: their
    /// target-specific variables hold too (`release: LDFLAGS += -s -w` reaches `release: bin/app`).
    parents: &'s [String],
    locals: Vec<(String, Value)>,
    given: Option<&'s Given>,
    /// Only definitions above this offset count: a conditional is decided while make reads the
    /// file, not when the recipes run.
    before: Option<usize>,
    /// Where `$(eval $(call TEMPLATE,...))` records the template and its arguments, when the
    /// file's eval lines are read for the rules they make.
    evals: Option<&'s EvalCalls>,
}

/// The `$(call NAME,ARGS...)` an `$(eval ...)` was given, each with its arguments expanded.
type EvalCalls = std::cell::RefCell<Vec<(String, Vec<Value>)>>;

/// What a template's call binds: `0` to the template's name, `1`... to its arguments.
pub type Bindings = Vec<(String, Value)>;

/// Variables a caller gives make: command-line assignments (`make build VERSION=1.2`), which win
/// over the file's own, and the environment, which the file's assignments override (`?=` keeps
/// it). Environment variables reach the recipes' shells.
#[derive(Clone, Debug, Default)]
pub struct Given {
    overrides: Vec<(String, Value)>,
    environment: Vec<(String, Value)>,
    /// Tells apart what different callers give, for the decision cache; hashed once.
    fingerprint: u64,
}

impl Given {
    pub fn new(overrides: Vec<(String, Value)>, environment: Vec<(String, Value)>) -> Given {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (name, value) in overrides.iter().chain(&environment) {
            (name, value.display()).hash(&mut h);
        }
        Given { overrides, environment, fingerprint: h.finish() }
    }
}

fn lookup<'v>(vars: &'v [(String, Value)], name: &str) -> Option<&'v Value> {
    vars.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
}

impl<'s> Scope<'s> {
    pub fn for_target(target: Option<&'s str>) -> Self {
        Scope { target, rule: None, parents: &[], locals: Vec::new(), given: None, before: None, evals: None }
    }

    pub fn given(target: Option<&'s str>, given: Option<&'s Given>) -> Self {
        Scope { target, rule: None, parents: &[], locals: Vec::new(), given, before: None, evals: None }
    }

    /// Whether a target-specific variable written for `target` (a name, or a pattern:
    /// `artifact-darwin%: GOOS = darwin`) holds here.
    fn makes(&self, target: &str) -> bool {
        let matches = |made: &str| made == target || (target.contains('%') && pattern_stem(target, made).is_some());
        self.target.is_some_and(matches) || self.parents.iter().any(|p| matches(p))
    }

    /// The scope with the variables a call or a rule template binds.
    pub fn with_locals(self, locals: &[(String, Value)]) -> Self {
        self.with(locals.iter().cloned())
    }

    fn with(&self, bindings: impl IntoIterator<Item = (String, Value)>) -> Self {
        let mut s = self.clone();
        s.locals.extend(bindings);
        s
    }
}

/// Whether a condition holds: `None` when it depends on what the file does not say.
type Decision = Option<bool>;

impl Makefile {
    /// A variable's value in `scope`, make-expanded; `None` when the file never sets it.
    pub fn value(&self, text: &str, name: &str, scope: &Scope<'_>, depth: usize) -> Option<Value> {
        if let Some(v) = lookup(&scope.locals, name).or_else(|| scope.given.and_then(|g| lookup(&g.overrides, name))) {
            return Some(v.clone());
        }
        let from_environment = scope.given.and_then(|g| lookup(&g.environment, name)).cloned();
        let Some(indices) = self.by_name.get(name) else { return from_environment };
        let defs = indices
            .iter()
            .map(|&i| &self.vars[i])
            .filter(|v| v.targets.is_empty() || v.targets.iter().any(|x| scope.makes(x)))
            .filter(|v| v.rule.is_none_or(|r| scope.rule == Some(r)))
            .filter(|v| scope.before.is_none_or(|at| v.value.0 < at));
        let mut value: Option<Value> = from_environment;
        // The branch of an undecided conditional a definition sits in, to merge the two branches.
        let mut undecided_from: Option<&[Condition]> = None;
        // What that branch's definition gave, for the `else` that follows it.
        let mut branch_value: Option<Value> = None;
        for d in defs {
            let decision = self.decide_all(text, &d.conditions, scope, depth);
            if decision == Some(false) {
                continue;
            }
            let raw = d.written(text);
            // `:=` and `!=` expand where make reads them: only definitions above count, so
            // `GOOS := $(if $(GOOS),$(GOOS),linux)` reads the environment's GOOS, not itself.
            let above;
            let scope = match d.op.as_str() {
                ":=" | "::=" | "!=" => {
                    above =
                        Scope { before: Some(scope.before.map_or(d.value.0, |b| b.min(d.value.0))), ..scope.clone() };
                    &above
                }
                _ => scope,
            };
            let expanded = match d.op.as_str() {
                "!=" => Value::hole(Origin::Command(self.expand(text, raw.trim_end(), scope, depth + 1).display())),
                _ => self.expand(text, raw.trim_end(), scope, depth + 1),
            };
            let next = match (d.op.as_str(), value.take()) {
                ("?=", Some(v)) => v,
                ("?=", None) => Value::unset_default(name, expanded.clone()),
                ("+=", Some(v)) => {
                    let mut b = Builder::default();
                    b.push(&v);
                    b.push_str(" ");
                    b.push(&expanded);
                    b.build()
                }
                // The `else` of an undecided conditional: one branch's value or the other's.
                (_, Some(_)) if decision.is_none() && undecided_from.is_some_and(|c| exclusive(c, &d.conditions)) => {
                    Value::either(branch_value.take().unwrap_or_else(Value::empty), expanded.clone())
                }
                // An undecided conditional's only branch may not run: the value before, or this.
                (_, Some(previous)) if decision.is_none() => Value::either(previous, expanded.clone()),
                _ => expanded.clone(),
            };
            undecided_from = decision.is_none().then_some(d.conditions.as_slice());
            branch_value = decision.is_none().then_some(expanded);
            value = Some(next);
        }
        value
    }

    /// Whether every condition holds.
    fn decide_all(&self, text: &str, conditions: &[Condition], scope: &Scope<'_>, depth: usize) -> Decision {
        let mut all = Some(true);
        for c in conditions {
            match self.decide(text, c, scope, depth) {
                Some(false) => return Some(false),
                None => all = None,
                Some(true) => {}
            }
        }
        all
    }

    fn decide(&self, text: &str, c: &Condition, scope: &Scope<'_>, depth: usize) -> Decision {
        if depth > MAX_DEPTH {
            return None;
        }
        let key = (c.at, scope.given.map_or(0, |g| g.fingerprint), depth);
        let holds = self.decided.get_or(key, || {
            // What make sees there: the caller's variables and the definitions above.
            let scope = Scope { before: Some(c.at), ..Scope::given(None, scope.given) };
            self.condition_holds(text, c, &scope, depth)
        });
        holds.map(|h| h != c.negated)
    }

    /// Whether the directive's test holds, before an `else` negates it.
    fn condition_holds(&self, text: &str, c: &Condition, scope: &Scope<'_>, depth: usize) -> Decision {
        match c.directive.as_str() {
            "ifdef" | "ifndef" => {
                let name = self.expand(text, &c.args, scope, depth + 1);
                let name = name.as_known()?.trim().to_string();
                let defined = match self.value(text, &name, scope, depth + 1) {
                    Some(v) => Some(!v.is_empty()),
                    // Set only by the environment (SOURCE_DATE_EPOCH, CI variables): undecided.
                    None if Provenance::of_environment(&name).is_some() => None,
                    None => Some(false),
                };
                defined.map(|d| d == (c.directive == "ifdef"))
            }
            _ => {
                let (a, b) = comparison_operands(&c.args)?;
                let a = self.expand(text, a, scope, depth + 1);
                let b = self.expand(text, b, scope, depth + 1);
                let equal = a.as_known()? == b.as_known()?;
                Some(equal == (c.directive == "ifeq"))
            }
        }
    }

    /// Expands make references in `s`: variables, substitution references and functions.
    pub fn expand(&self, text: &str, s: &str, scope: &Scope<'_>, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::hole(Origin::Unevaluated(format!("(variables nested deeper than {MAX_DEPTH})")));
        }
        // A reference written twice in one text is the same value (`A = $(B)$(B)`): expanded
        // once, so that a chain of doubling variables costs its length, not 2^length.
        const MAX_REMEMBERED: usize = 16;
        let mut remembered: Vec<(&str, Value)> = Vec::new();
        let mut out = Builder::default();
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let dollar = s[i..].find('$').map_or(s.len(), |n| i + n);
            out.push_str(&s[i..dollar]);
            i = dollar;
            if i >= b.len() {
                break;
            }
            match b.get(i + 1) {
                Some(b'$') => {
                    out.push_str("$");
                    i += 2;
                }
                Some(&open @ (b'(' | b'{')) => {
                    let close = if open == b'(' { b')' } else { b'}' };
                    let end = matching(b, i + 1, open, close);
                    let inner = &s[i + 2..end.min(s.len())];
                    match remembered.iter().find(|(r, _)| *r == inner) {
                        Some((_, value)) => out.push(value),
                        None => {
                            let value = self.reference(text, inner, scope, depth);
                            out.push(&value);
                            if remembered.len() < MAX_REMEMBERED {
                                remembered.push((inner, value));
                            }
                        }
                    }
                    i = end + 1;
                }
                Some(_) => {
                    let ch = s[i + 1..].chars().next().unwrap_or('$');
                    out.push(&self.variable(text, &ch.to_string(), scope, depth));
                    i += 1 + ch.len_utf8();
                }
                None => {
                    out.push_str("$");
                    i += 1;
                }
            }
            if out.is_too_large() {
                return Value::derived(format!("(a value over {MAX_VALUE} bytes)"), &[&out.build()]);
            }
        }
        out.build()
    }

    /// `$(NAME)`, `$(NAME:a=b)` or `$(function args)`.
    fn reference(&self, text: &str, inner: &str, scope: &Scope<'_>, depth: usize) -> Value {
        let function = inner.find([' ', '\t']).map(|n| (&inner[..n], inner[n..].trim_start()));
        if let Some((name, args)) = function {
            if let Some(v) = self.function(text, name, args, scope, depth) {
                return v;
            }
        }
        // `$(VAR:.go=.o)`: a substitution reference.
        if let Some((var, pattern)) = split_top_level(inner, ':').filter(|(_, p)| p.contains('=')) {
            let value = self.reference(text, var, scope, depth);
            let (from, to) = pattern.split_once('=').unwrap_or((pattern, ""));
            let (from, to) = if from.contains('%') {
                (from.to_string(), to.to_string())
            } else {
                (format!("%{from}"), format!("%{to}"))
            };
            return map_words(&value, |w| patsubst_word(&from, &to, w));
        }
        // A computed name: `$($(OS)_FLAGS)`.
        let name = self.expand(text, inner, scope, depth + 1);
        match name.as_known() {
            Some(n) => self.variable(text, n.trim(), scope, depth),
            None => Value::derived(format!("$({inner})"), &[&name]),
        }
    }

    fn variable(&self, text: &str, name: &str, scope: &Scope<'_>, depth: usize) -> Value {
        match self.value(text, name, scope, depth + 1) {
            Some(v) => v,
            None => match name {
                "MAKE" => Value::known("make"),
                // make's folder, and the makefiles it has read (the including one sets the
                // latter while includes are read: see `reach`), are the host's.
                "CURDIR" | "MAKEFILE_LIST" => Value::Partial(vec![Piece::Hole(of_host(name))]),
                // Undefined: empty, as in make, unless the environment always has it.
                _ if Provenance::of_environment(name).is_some() => Value::hole(Origin::Environment(name.into())),
                _ => Value::empty(),
            },
        }
    }

    /// A make function; `None` when `name` is not one (then it is a variable name with a space).
    fn function(&self, text: &str, name: &str, args: &str, scope: &Scope<'_>, depth: usize) -> Option<Value> {
        let raw = split_args(args);
        let arg = |i: usize| raw.get(i).map_or_else(Value::empty, |a| self.expand(text, a, scope, depth + 1));
        let stripped_arg =
            |i: usize| raw.get(i).map_or_else(Value::empty, |a| self.expand(text, a.trim(), scope, depth + 1));
        let written = || format!("$({name} {args})");
        let known = |v: &Value| v.as_known().map(str::to_string);
        Some(match name {
            "shell" => {
                let command = arg(0);
                let host = || {
                    let system = scope.given.and_then(|g| lookup(&g.environment, super::eval::HOST_SYSTEM))?;
                    let words: Vec<&str> = command.as_known()?.split_whitespace().collect();
                    super::eval::host_system_output(&words, system.as_known()?)
                };
                // `$(shell go run buildscripts/gen-ldflags.go)` or `$(shell ./scripts/ldflags.sh)`,
                // after any `NAME=value` it is given.
                let printed = || {
                    let fields = command.split_fields();
                    let start = fields.iter().position(|f| super::gobuild::assignment(f).is_none())?;
                    let output = |name: &str| self.printed.iter().find(|p| p.variable() == name).map(|p| &p.output);
                    super::eval::go_run_output(&fields[start..], output)
                        .or_else(|| super::eval::script_run_output(&fields[start..], output))
                };
                match command.as_known().and_then(super::eval::known_command_output).or_else(host) {
                    Some(output) => Value::known(output),
                    None => printed().unwrap_or_else(|| Value::hole(Origin::Command(command.display()))),
                }
            }
            "if" => {
                let cond = arg(0);
                match known(&cond) {
                    Some(c) if !c.trim().is_empty() => arg(1),
                    Some(_) => arg(2),
                    None => Value::either(arg(1), arg(2)),
                }
            }
            // make strips the whitespace around each argument of `or` and `and` before expanding
            // it (`$(or $(2), $(notdir $(1)))` is `mockgen`, not ` mockgen`).
            "or" => {
                for i in 0..raw.len() {
                    let v = stripped_arg(i);
                    match known(&v) {
                        Some(t) if t.trim().is_empty() => continue,
                        _ => return Some(v),
                    }
                }
                Value::empty()
            }
            "and" => {
                let mut last = Value::empty();
                for i in 0..raw.len() {
                    last = stripped_arg(i);
                    if known(&last).is_some_and(|t| t.trim().is_empty()) {
                        return Some(Value::empty());
                    }
                }
                last
            }
            // Its words with one space between, holes kept (`$(strip $(GO) build $(FLAGS))`).
            "strip" => {
                let mut b = super::value::Builder::default();
                for (i, word) in arg(0).split_fields().iter().enumerate() {
                    if i > 0 {
                        b.push_str(" ");
                    }
                    b.push(word);
                }
                b.build()
            }
            "subst" => match (known(&arg(0)), known(&arg(1))) {
                (Some(from), Some(to)) if !from.is_empty() => map_known(&arg(2), written(), |t| t.replace(&from, &to)),
                _ => Value::derived(written(), &[&arg(2)]),
            },
            "patsubst" => match (known(&arg(0)), known(&arg(1))) {
                (Some(from), Some(to)) => map_words(&arg(2), |w| patsubst_word(&from, &to, w)),
                _ => Value::derived(written(), &[&arg(2)]),
            },
            "filter" | "filter-out" => match known(&arg(0)) {
                Some(patterns) => {
                    let keep = name == "filter";
                    let patterns: Vec<String> = patterns.split_whitespace().map(str::to_string).collect();
                    let matches = |w: &str| patterns.iter().any(|p| patsubst_word(p, "", w).is_some());
                    map_known(&arg(1), written(), |t| {
                        t.split_whitespace().filter(|w| matches(w) == keep).collect::<Vec<_>>().join(" ")
                    })
                }
                None => Value::derived(written(), &[&arg(1)]),
            },
            "firstword" | "lastword" | "words" => map_known(&arg(0), written(), |t| {
                let words: Vec<&str> = t.split_whitespace().collect();
                match name {
                    "firstword" => words.first().copied().unwrap_or("").to_string(),
                    "lastword" => words.last().copied().unwrap_or("").to_string(),
                    _ => words.len().to_string(),
                }
            }),
            "word" => match known(&arg(0)).and_then(|n| n.trim().parse::<usize>().ok()) {
                Some(n) => map_known(&arg(1), written(), |t| {
                    t.split_whitespace().nth(n.saturating_sub(1)).unwrap_or("").to_string()
                }),
                None => Value::derived(written(), &[&arg(1)]),
            },
            // Each word with the text added; a word or text with holes keeps them
            // (`bin/$(shell ls cmd)`, `-$(GOOS)` given as a build argument).
            "addprefix" | "addsuffix" => {
                let (fix, none) = (arg(0), Value::empty());
                let (before, after) = if name == "addprefix" { (&fix, &none) } else { (&none, &fix) };
                let mut b = Builder::default();
                for (i, word) in arg(1).split_fields().iter().enumerate() {
                    b.push_str(if i > 0 { " " } else { "" });
                    b.push(before);
                    b.push(word);
                    b.push(after);
                }
                b.build()
            }
            "notdir" => map_words(&arg(0), |w| Some(w.rsplit('/').next().unwrap_or(w).to_string())),
            "dir" => map_words(&arg(0), |w| Some(w.rfind('/').map_or("./".into(), |i| w[..=i].to_string()))),
            "basename" => map_words(&arg(0), |w| {
                let dot = w.rfind('.').filter(|&d| !w[d..].contains('/'));
                Some(dot.map_or(w.to_string(), |d| w[..d].to_string()))
            }),
            "sort" => map_known(&arg(0), written(), |t| {
                let mut words: Vec<&str> = t.split_whitespace().collect();
                words.sort_unstable();
                words.dedup();
                words.join(" ")
            }),
            "findstring" => match (known(&arg(0)), known(&arg(1))) {
                (Some(find), Some(t)) => Value::known(if t.contains(&find) { find } else { String::new() }),
                _ => Value::derived(written(), &[&arg(1)]),
            },
            "foreach" => {
                let var = known(&arg(0))?.trim().to_string();
                let list = arg(1);
                let body = raw.get(2).copied().unwrap_or("");
                // Words of the list split on its literal text only: a list make computes at run
                // time (`$(shell go list ./cmd/...)`) is one item that stands for each.
                let mut out = Builder::default();
                for (i, item) in list.split_fields().into_iter().take(crate::budget::MAX_TARGETS).enumerate() {
                    if i > 0 {
                        out.push_str(" ");
                    }
                    out.push(&self.expand(text, body, &scope.with([(var.clone(), item)]), depth + 1));
                    if out.is_too_large() {
                        break;
                    }
                }
                out.build()
            }
            "call" => {
                let callee = known(&arg(0))?.trim().to_string();
                let bindings: Vec<(String, Value)> = std::iter::once(("0".to_string(), Value::known(callee.as_str())))
                    .chain((1..raw.len()).map(|i| (i.to_string(), arg(i))))
                    .collect();
                let called = scope.with(bindings);
                let body = self.by_name.get(&callee).and_then(|ds| ds.last()).map(|&i| &self.vars[i]);
                match body {
                    Some(d) => {
                        let raw = d.written(text);
                        self.expand(text, raw.trim_end(), &called, depth + 1)
                    }
                    None => Value::empty(),
                }
            }
            "value" => {
                let var = known(&arg(0))?.trim().to_string();
                let d = self.by_name.get(&var).and_then(|ds| ds.last()).map(|&i| &self.vars[i]);
                d.map_or_else(Value::empty, |d| Value::known(text[d.value.0..d.value.1].trim_end()))
            }
            // Where a variable comes from, as make reads the file there: a caller's command-line
            // override, a definition above, the caller's environment, one of make's defaults,
            // else `undefined` (a variable CI may set, such as `CI`, stays unknown).
            "origin" => {
                let name = known(&arg(0))?.trim().to_string();
                let given = |of: fn(&Given) -> &Vec<(String, Value)>| {
                    scope.given.is_some_and(|g| lookup(of(g), &name).is_some())
                };
                // `GOOS ?= linux` defines nothing when the environment gives GOOS.
                let from_environment = given(|g| &g.environment);
                let in_file = self.by_name.get(&name).is_some_and(|defs| {
                    defs.iter().any(|&i| {
                        let d = &self.vars[i];
                        d.targets.is_empty()
                            && scope.before.is_none_or(|at| d.value.0 < at)
                            && !(from_environment && d.op == "?=")
                    })
                });
                let origin = match () {
                    _ if lookup(&scope.locals, &name).is_some() => "automatic",
                    _ if given(|g| &g.overrides) => "command line",
                    _ if in_file => "file",
                    _ if from_environment => "environment",
                    _ if matches!(name.as_str(), "CC" | "CXX" | "CPP" | "AR" | "AS" | "RM" | "MAKE" | "SHELL") => {
                        "default"
                    }
                    _ if Provenance::of_environment(&name).is_some() => return Some(Value::derived(written(), &[])),
                    _ => "undefined",
                };
                Value::known(origin)
            }
            "eval" => {
                if let Some((sink, raw)) = scope.evals.zip(template_call(args)) {
                    let mut calls = sink.borrow_mut();
                    if calls.len() < crate::budget::MAX_TARGETS {
                        let mut values = raw.iter().map(|a| self.expand(text, a, scope, depth + 1));
                        let name = values.next().and_then(|n| n.as_known().map(|n| n.trim().to_string()));
                        calls.extend(name.map(|n| (n, values.collect())));
                    }
                }
                Value::empty()
            }
            "error" | "warning" | "info" => Value::empty(),
            // A relative name is below make's folder, which only the build host knows.
            "abspath" | "realpath" => match known(&arg(0)) {
                Some(names) => {
                    let mut b = super::value::Builder::default();
                    for (i, name) in names.split_whitespace().enumerate() {
                        if i > 0 {
                            b.push_str(" ");
                        }
                        if !name.starts_with('/') {
                            b.push_hole(of_host("CURDIR"));
                            b.push_str("/");
                        }
                        b.push_str(name.trim_start_matches("./"));
                    }
                    b.build()
                }
                // One name with holes after a known start (`tools/bin/tocgen$(EXE)`).
                None => {
                    let name = arg(0);
                    let pieces = name.pieces();
                    match pieces.first() {
                        Some(Piece::Text(t)) if t.starts_with('/') => name,
                        Some(Piece::Text(t)) if !t.contains(char::is_whitespace) => {
                            let mut b = super::value::Builder::default();
                            b.push_hole(of_host("CURDIR"));
                            b.push_str("/");
                            b.push(&name);
                            b.build()
                        }
                        _ => Value::Partial(vec![Piece::Hole(Hole {
                            origin: Origin::Unevaluated(written()),
                            provenance: Provenance::Host,
                        })]),
                    }
                }
            },
            "wildcard" | "flavor" | "file" | "join" | "wordlist" | "guile" | "let" | "intcmp" => {
                Value::derived(written(), &[])
            }
            _ => return None,
        })
    }

    /// Whether make exports a variable to the commands it runs.
    fn is_exported(&self, name: &str) -> bool {
        self.export_all || self.exported_by_name(name)
    }

    /// Whether an `export` line names the variable (`export LD_OPTS = ...`, `export LD_OPTS`).
    fn exported_by_name(&self, name: &str) -> bool {
        self.exported.iter().any(|e| e == name)
            || self.by_name.get(name).is_some_and(|ds| ds.iter().any(|&i| self.vars[i].exported))
    }

    /// The goals `make` runs for goals as a caller writes them: a goal with holes stands for
    /// the explicit targets it could be, and one that is all hole for none; no goals is the
    /// default goal. In a Linux image build (`in_linux_image`), a hole is the image's platform:
    /// targets named for another system (`build-darwin-arm64`, `build-windows-amd64`) are not
    /// what it makes.
    ///
    /// A target whose name is made of variables (`app-$(VERSION)-$(GOOS).tar.gz`) is expanded
    /// with what the caller gives (`$(MAKE) GOOS=linux app-$(VERSION)-linux.tar.gz`): it matches a
    /// goal it could be, or one with the same holes (the same `$(shell git describe)` on both
    /// sides), named then by its holes' text, as `rules_for_goals` indexes it.
    pub fn goals_matching(
        &self,
        text: &str,
        written: &[Value],
        in_linux_image: bool,
        given: Option<&Given>,
    ) -> Vec<String> {
        if written.is_empty() {
            return self.default_goal(text).into_iter().collect();
        }
        const OTHER_SYSTEMS: &[&str] =
            &["darwin", "mac", "macos", "osx", "windows", "win", "freebsd", "openbsd", "netbsd", "illumos", "solaris"];
        let for_other_system = |t: &str| {
            in_linux_image && t.to_ascii_lowercase().split(['-', '_', '.', '/']).any(|w| OTHER_SYSTEMS.contains(&w))
        };
        let targets = || {
            self.rules
                .iter()
                .filter(|r| r.template.is_none())
                .flat_map(|r| &r.targets)
                .filter(|t| !t.starts_with('.') && !t.contains(['%', '$']) && !for_other_system(t))
        };
        let scope = Scope::given(None, given);
        let made_of_variables = std::cell::OnceCell::new();
        let expanded_targets = || {
            made_of_variables.get_or_init(|| {
                let written = self.rules.iter().filter(|r| r.template.is_none()).flat_map(|r| &r.targets);
                let named = written.filter(|t| t.contains('$') && !t.contains('%') && !t.starts_with('.'));
                named.take(super::budget::MAX_TARGETS).map(|t| self.expand(text, t, &scope, 0)).collect::<Vec<_>>()
            })
        };
        let mut goals = Vec::new();
        for goal in written {
            match goal.as_known() {
                Some(known) => goals.push(known.to_string()),
                None if goal.pieces().iter().all(|p| matches!(p, Piece::Hole(_))) => {}
                None => {
                    goals.extend(targets().filter(|t| goal.could_be(t)).take(super::budget::MAX_TARGETS).cloned());
                    for target in expanded_targets().iter().filter(|t| !for_other_system(&t.display())) {
                        match target.as_known() {
                            Some(known) if goal.could_be(known) => goals.push(known.to_string()),
                            None if target == goal => goals.push(target.display()),
                            _ => {}
                        }
                    }
                }
            }
        }
        goals
    }

    /// What a bare `make` builds: the target `.DEFAULT_GOAL` names where the file sets it
    /// (`.DEFAULT_GOAL := all` before an include whose rules come first), else the first
    /// target of the file that is not special (`.PHONY`) or a pattern.
    pub fn default_goal(&self, text: &str) -> Option<String> {
        if self.by_name.contains_key(".DEFAULT_GOAL") {
            let named = self.expand(text, "$(.DEFAULT_GOAL)", &Scope::default(), 0);
            if let Some(goal) = named.as_known().and_then(|g| g.split_whitespace().next()) {
                return Some(goal.to_string());
            }
        }
        let written = self.rules.iter().filter(|r| r.template.is_none()).flat_map(|r| &r.targets);
        let first = written.into_iter().find(|t| !t.starts_with('.') && !t.contains('%'));
        first.cloned()
    }

    /// The templates the file's `$(eval $(call NAME,...))` lines instantiate, in file order, each
    /// with its bindings (`$(0)` the name, `$(1)`... the arguments) as make reads the line: with
    /// what the caller gives and the definitions above it. Only templates that hold rules.
    pub fn template_calls(&self, text: &str, given: Option<&Given>) -> Vec<TemplateCall> {
        let sink = std::cell::RefCell::new(Vec::new());
        let mut lines = Vec::new();
        for ((start, end), conditions) in &self.evals {
            let scope = Scope { evals: Some(&sink), before: Some(*start), ..Scope::given(None, given) };
            if self.decide_all(text, conditions, &scope, 0) != Some(false) {
                self.expand(text, &text[*start..*end], &scope, 0);
            }
            lines.resize(sink.borrow().len(), (*start, *end));
        }
        let holds_rules = |name: &str| self.rules.iter().any(|r| r.template.as_deref() == Some(name));
        let calls = sink.into_inner().into_iter().zip(lines).filter(|((name, _), _)| holds_rules(name));
        calls
            .map(|((name, args), at)| {
                let numbered = args.into_iter().enumerate().map(|(i, a)| ((i + 1).to_string(), a));
                let bindings =
                    std::iter::once(("0".to_string(), Value::known(name.as_str()))).chain(numbered).collect();
                TemplateCall { name, bindings, at }
            })
            .collect()
    }

    /// A template rule's first target as a call of its template names it (`$(OUT)/$(1)` for
    /// `$(call build,app)` is `out/app`).
    pub fn template_target(&self, text: &str, rule: usize, locals: &[(String, Value)]) -> Option<String> {
        let written = self.rules.get(rule)?.targets.first()?;
        let scope = Scope::for_target(None).with(locals.iter().cloned());
        self.expand(text, written, &scope, 0).as_known().map(|t| t.trim().to_string())
    }

    /// The rules `make GOAL...` runs, in order: each goal's prerequisites first, every rule once.
    /// A rule reached through a pattern (`bin/%:`, or a static pattern rule `$(APPS): %: bin/%`)
    /// comes with the goal it makes and the stem (`$@` and `$*` of its recipe). Prerequisites
    /// are expanded with the caller's variables (twice under `.SECONDEXPANSION:`); a rule the
    /// file decides against never runs. Bounded by the budget's target and depth caps.
    pub fn rules_for_goals(&self, text: &str, goals: &[String], given: Option<&Given>) -> Vec<Reached> {
        let key = (goals.to_vec(), given.map_or(0, |g| g.fingerprint));
        self.runs.get_or(key, || self.walk_goals(text, goals, given))
    }

    fn walk_goals(&self, text: &str, goals: &[String], given: Option<&Given>) -> Vec<Reached> {
        // Each rule's targets, expanded once (`$(BLDDIR)/%`; many rules write the same one), and
        // indexed: explicit targets by name, patterns in file order.
        // Template rules once per `$(eval $(call ...))` of them, with that call's bindings.
        let scope = Scope::given(None, given);
        let mut instances: Vec<Instance> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.template.is_none())
            .map(|(i, _)| (i, Vec::new(), None))
            .collect();
        for call in self.template_calls(text, given) {
            let rules = self.rules.iter().enumerate().filter(|(_, r)| r.template.as_ref() == Some(&call.name));
            let made = rules.map(|(i, _)| (i, call.bindings.clone(), Some(call.at)));
            instances.extend(made.take(crate::budget::MAX_TARGETS));
        }
        let mut index = RuleIndex::default();
        let mut expansions: HashMap<&str, Value> = HashMap::new();
        for (k, (i, bindings, _)) in instances.iter().enumerate() {
            let instance_scope = scope.with(bindings.iter().cloned());
            let expanded = self.rules[*i].targets.iter().map(|t| match (t.contains('$'), bindings.is_empty()) {
                (true, true) => expansions.entry(t).or_insert_with(|| self.expand(text, t, &scope, 0)).clone(),
                (true, false) => self.expand(text, t, &instance_scope, 0),
                (false, _) => Value::known(t.as_str()),
            });
            for target in expanded.flat_map(|t| t.split_fields()) {
                match target.as_known().map(file_name) {
                    Some(known) if known.contains('%') => index.patterns.push((k, known)),
                    Some(known) => index.explicit.entry(known).or_default().push(k),
                    // A pattern with holes (`bin/%-$(GOOS)` where GOOS is a build argument).
                    None if target.pieces().iter().any(|p| matches!(p, Piece::Text(t) if t.contains('%'))) => {
                        index.partial_patterns.push((k, target));
                    }
                    // Named by its holes' text, as `goals_matching` names a goal it is.
                    None => index.explicit.entry(target.display()).or_default().push(k),
                }
            }
        }
        let second_expansion = self.rules.iter().any(|r| r.targets.iter().any(|t| t == ".SECONDEXPANSION"));
        let mut walk =
            GoalWalk { index, instances, given, second_expansion, visited: HashSet::new(), order: Vec::new() };
        for (g, goal) in goals.iter().enumerate() {
            let reached_before = walk.order.len();
            self.visit_goal(text, &mut walk, &file_name(goal), &mut Vec::new());
            for r in &mut walk.order[reached_before..] {
                r.goal = g;
            }
        }
        walk.order
    }

    fn visit_goal(&self, text: &str, walk: &mut GoalWalk<'_>, goal: &str, parents: &mut Vec<String>) {
        if !walk.enter(goal, parents) {
            return;
        }
        let inherited = parents.clone();
        let scope = Scope { parents: &inherited, ..Scope::given(Some(goal), walk.given) };
        // Each instance's scope: a template's holds its call's bindings.
        let scope_of = |k: usize| scope.with(walk.instances[k].1.iter().cloned());
        let applies = |k: usize| {
            self.decide_all(text, &self.rules[walk.instances[k].0].conditions, &scope_of(k), 0) != Some(false)
        };
        // Explicit rules naming the goal (static pattern rules among them), and when none of
        // them has a recipe, the first pattern rule whose target pattern matches it, as make
        // picks (`bin/app: $(wildcard *.go)` only adds prerequisites to `bin/%:`).
        let mut matched: Vec<(usize, Option<Made>, String)> = Vec::new();
        for &k in walk.index.explicit.get(goal).into_iter().flatten().filter(|&&k| applies(k)) {
            let (start, end) = self.rules[walk.instances[k].0].prerequisites;
            let written = &text[start..end];
            match split_top_level(written, ':') {
                Some((pattern, prerequisites)) => {
                    let pattern = match pattern.contains('$') {
                        true => self.expand(text, pattern, &scope_of(k), 0).as_known().map(str::to_string),
                        false => Some(pattern.to_string()),
                    };
                    let Some(stem) = pattern.and_then(|p| pattern_stem(&file_name(p.trim()), goal)) else { continue };
                    let made = Made { goal: goal.to_string(), stem: Some(stem.clone()) };
                    matched.push((k, Some(made), prerequisites.replace('%', &stem)));
                }
                None => matched.push((k, None, written.to_string())),
            }
        }
        if matched.iter().all(|(k, ..)| self.rules[walk.instances[*k].0].recipe.is_empty()) {
            let found = walk
                .index
                .patterns
                .iter()
                .find_map(|(k, p)| pattern_stem(p, goal).filter(|_| applies(*k)).map(|s| (*k, s)));
            if let Some((k, stem)) = found {
                let (start, end) = self.rules[walk.instances[k].0].prerequisites;
                let prerequisites = text[start..end].replace('%', &stem);
                matched.push((k, Some(Made { goal: goal.to_string(), stem: Some(stem) }), prerequisites));
            } else {
                let partial =
                    walk.index.partial_patterns.iter().find(|(k, p)| as_glob(p).could_be(goal) && applies(*k));
                if let Some((k, pattern)) = partial.cloned() {
                    self.visit_unknown_stem(text, walk, k, pattern.display(), parents);
                }
            }
        }
        let matched: Vec<_> = matched.into_iter().map(|(k, made, p)| (walk.instances[k].clone(), made, p)).collect();
        for ((rule, locals, template_call), made, prerequisites) in matched {
            let scope = scope.with(locals.iter().cloned());
            let mut prerequisites = self.expand(text, &prerequisites, &scope, 0);
            // `$$(addprefix artifact-darwin-,$$(ARCHES))` and `$$@` are read again, for the goal.
            if let Some(once) = prerequisites.as_known().filter(|p| walk.second_expansion && p.contains('$')) {
                let stem = made.as_ref().and_then(|m| Some(("*".to_string(), Value::known(m.stem.as_ref()?))));
                let automatic = scope.with(std::iter::once(("@".to_string(), Value::known(goal))).chain(stem));
                prerequisites = self.expand(text, once, &automatic, 0);
            }
            self.visit_prerequisites(text, walk, goal, &prerequisites, parents);
            walk.reach(Reached { rule, made, goal: 0, parents: inherited.clone(), locals, template_call });
        }
    }

    fn visit_prerequisites(
        &self,
        text: &str,
        walk: &mut GoalWalk<'_>,
        goal: &str,
        prerequisites: &Value,
        parents: &mut Vec<String>,
    ) {
        parents.push(goal.to_string());
        for p in prerequisites.split_fields() {
            match p.as_known() {
                Some("|") => {}
                Some(known) => self.visit_goal(text, walk, &file_name(known), parents),
                None => self.visit_partly_known(text, walk, &p, parents),
            }
        }
        parents.pop();
    }

    /// A prerequisite with holes (`bin/$(shell ls cmd)-linux-amd64`): the explicit targets it
    /// could be, and the pattern rules that could make it, whose `$@` and `$*` are then
    /// unknown (its prerequisites naming the stem are left out). One that is all hole (`$(SRC)`
    /// of `$(shell find ...)`) names nothing.
    fn visit_partly_known(&self, text: &str, walk: &mut GoalWalk<'_>, written: &Value, parents: &mut Vec<String>) {
        let pieces = written.pieces();
        if pieces.iter().all(|p| matches!(p, Piece::Hole(_))) {
            return;
        }
        let mut explicit: Vec<String> = walk.index.explicit.keys().filter(|t| written.could_be(t)).cloned().collect();
        explicit.sort();
        explicit.truncate(crate::budget::MAX_TARGETS);
        for target in explicit {
            self.visit_goal(text, walk, &target, parents);
        }
        let (leading, trailing) = fixed_ends(written);
        let fits = |pattern: &Value| {
            let (prefix, suffix) = fixed_ends(&as_glob(pattern));
            (leading.starts_with(&prefix) || prefix.starts_with(&leading))
                && (trailing.ends_with(&suffix) || suffix.ends_with(&trailing))
        };
        // Each pattern rule that could make it does, for some value of its unknown part (make takes
        // the one with the shortest stem: `dist/app-%` for `dist/app-$(GOOS)`, or `%.tar.gz` if the
        // unknown part ends so), at most `MAX_FITTING` of them.
        const MAX_FITTING: usize = 16;
        let known = walk.index.patterns.iter().map(|(k, p)| (*k, Value::known(p.as_str())));
        let partial = walk.index.partial_patterns.iter().cloned();
        let fitting: Vec<(usize, Value)> = known.chain(partial).filter(|(_, p)| fits(p)).take(MAX_FITTING).collect();
        for (k, pattern) in fitting {
            self.visit_unknown_stem(text, walk, k, pattern.display(), parents);
        }
    }

    /// A pattern rule made for a goal whose stem is not known: its `$@` and `$*` are unknown and
    /// its prerequisites naming the stem are left out. `pattern` names it (with its `%`).
    fn visit_unknown_stem(
        &self,
        text: &str,
        walk: &mut GoalWalk<'_>,
        k: usize,
        pattern: String,
        parents: &mut Vec<String>,
    ) {
        if !walk.enter(&pattern, parents) {
            return;
        }
        let (rule, locals, template_call) = walk.instances[k].clone();
        let inherited = parents.clone();
        let scope =
            Scope { parents: &inherited, ..Scope::given(Some(&pattern), walk.given) }.with(locals.iter().cloned());
        if self.decide_all(text, &self.rules[rule].conditions, &scope, 0) == Some(false) {
            return;
        }
        let (start, end) = self.rules[rule].prerequisites;
        let without_stem: Vec<&str> = text[start..end].split_whitespace().filter(|p| !p.contains('%')).collect();
        let prerequisites = self.expand(text, &without_stem.join(" "), &scope, 0);
        self.visit_prerequisites(text, walk, &pattern, &prerequisites, parents);
        let made = Some(Made { goal: pattern, stem: None });
        walk.reach(Reached { rule, made, goal: 0, parents: inherited, locals, template_call });
    }

    /// The first explicit target that `wanted` accepts and whose `make` run reaches the rule
    /// written first with `target` (`release: build-darwin` runs `build-darwin:`, and
    /// `build.darwin: build/darwin/app` runs the pattern rule `build/darwin/%:`).
    /// At most `MAX_GOALS_EXAMINED` such targets are run (a file of thousands is hostile).
    pub fn goal_reaching(&self, text: &str, target: &str, wanted: &dyn Fn(&str) -> bool) -> Option<&str> {
        const MAX_GOALS_EXAMINED: usize = 16;
        let goals = self.rules.iter().filter(|r| r.template.is_none()).flat_map(|r| &r.targets).map(String::as_str);
        let goals = goals.filter(|t| !t.starts_with('.') && !t.contains(['%', '$']) && t != &target && wanted(t));
        goals.take(MAX_GOALS_EXAMINED).find(|goal| {
            let run = self.rules_for_goals(text, &[goal.to_string()], None);
            run.iter().any(|r| self.rules[r.rule].targets.first().is_some_and(|t| t == target))
                && !run.iter().any(|r| runs_file(text, &self.rules[r.rule], target))
        })
    }

    /// For a recipe line that is only a multi-line variable (`$(BUILD_BINARY)`, `$(call
    /// BUILD_BINARY,$(pkg))` of a `define`, or such a call for each word of a list: `$(foreach
    /// p,$(PKGS),$(call build,$(p)))`), the byte ranges of that variable's lines (a line continued
    /// with a backslash is one), and what the call binds, as written: the `foreach` variable to
    /// its list, then `0` to the name and `1`... to the arguments. make runs each line of the
    /// expansion as a recipe line of its own. A `foreach` whose body is shell text gives the
    /// body's range, run for each word. `None` for any other line. `line` is a slice of `text`.
    pub fn defined_lines(&self, text: &str, line: &str) -> Option<DefinedLines> {
        let mut bindings = Vec::new();
        let mut inner = reference_inner(line.trim())?;
        if let Some(args) = inner.strip_prefix("foreach ") {
            let [var, list, body] = split_args(args)[..] else { return None };
            bindings.push((var.trim().to_string(), list.to_string()));
            // A body of shell text (`$(foreach T,$(TARGETS),go build -o dist/$(T) $(T);\`
            // continued over lines): its commands run for each word, read where they are written.
            let Some(called) = reference_inner(body.trim()) else {
                // Where the body is in `text` (`line` is a slice of it; checked, not assumed).
                let start = (body.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
                let shell = text.get(start..start + body.len()).filter(|b| *b == body && !b.trim().is_empty())?;
                return Some(DefinedLines { lines: vec![(start, start + shell.len())], bindings });
            };
            inner = called;
        }
        let (name, args) = match inner.strip_prefix("call ") {
            Some(call) => {
                let mut args = split_args(call);
                let name = args.remove(0);
                (name.trim(), args)
            }
            None => (inner.trim(), Vec::new()),
        };
        if name.is_empty() || name.contains(['$', '(', ')', ',', ' ']) {
            return None;
        }
        let index = *self.by_name.get(name)?.last()?;
        let (start, end) = self.vars[index].value;
        // A `define` of several lines: not a variable whose one line is continued.
        if !self.defines.contains(&index) || !text.get(start..end)?.contains('\n') {
            return None;
        }
        bindings.push(("0".to_string(), name.to_string()));
        bindings.extend(args.into_iter().enumerate().map(|(i, a)| ((i + 1).to_string(), a.to_string())));
        let mut at = start;
        let mut lines = Vec::new();
        while at <= end {
            let line_end = logical_end(text, at).min(end);
            lines.push((at, line_end));
            at = line_end + 1;
        }
        Some(DefinedLines { lines, bindings })
    }

    /// The runs of a recipe line read from a `define` (see [`Makefile::defined_lines`]): each
    /// binding expanded in `scope` in order (a `foreach` list once for each of its words, at most
    /// `MAX_EACH`; a list make computes at run time is one word that stands for each).
    pub fn bound_runs(&self, text: &str, bindings: &[(String, String)], scope: &Scope<'_>) -> Vec<Bindings> {
        const MAX_EACH: usize = 16;
        let mut runs: Vec<Bindings> = vec![Vec::new()];
        for (i, (name, written)) in bindings.iter().enumerate() {
            let mut next = Vec::new();
            for bound in runs {
                let value = self.expand(text, written, &scope.with(bound.iter().cloned()), 0);
                // Only a `foreach` variable (the first binding, not a number) takes each word.
                let each = i == 0 && !name.bytes().all(|b| b.is_ascii_digit());
                let values = if each { value.split_fields() } else { vec![value] };
                for value in values.into_iter().take(MAX_EACH) {
                    let mut bound = bound.clone();
                    bound.push((name.clone(), value));
                    next.push(bound);
                }
            }
            runs = next;
        }
        runs
    }

    /// Where the command of a recipe line starts, past the `@`, `-` and `+` that make reads after
    /// expanding the line: `$(Q)go build` or `$Q go build` with `Q := @` (the quiet-mode idiom)
    /// runs `go build`.
    /// A variable that holds only such characters is skipped with them.
    pub fn command_start(&self, text: &str, line: &str) -> usize {
        // Real lines have one or two (`$(Q)$(E)`); a line of thousands is hostile.
        const MAX_PREFIX_VARIABLES: usize = 8;
        let mut at = 0;
        for _ in 0..MAX_PREFIX_VARIABLES {
            let rest = &line[at..];
            let skipped = rest.len() - rest.trim_start_matches(['@', '-', '+', ' ', '\t']).len();
            at += skipped;
            let rest = &line[at..];
            // `$(Q)`, `${Q}`, or `$Q` (make's one-letter reference).
            let (name, end) = match rest.get(..2) {
                Some("$(" | "${") => {
                    let close = if rest.as_bytes()[1] == b'(' { ')' } else { '}' };
                    let Some(end) = rest.find(close) else { return at };
                    (&rest[2..end], end)
                }
                Some(one) if one.starts_with('$') && one.as_bytes()[1].is_ascii_alphabetic() => (&rest[1..2], 1),
                _ => return at,
            };
            // An empty one stays in the command: a caller may give it words (`$(SYSTEM) go build`
            // run as `make app SYSTEM="GOOS=darwin"`), and empty it expands to nothing anyway.
            let prefix_only = |v: Value| {
                v.as_known().is_some_and(|k| {
                    !k.trim().is_empty() && k.chars().all(|c| matches!(c, '@' | '-' | '+' | ' ' | '\t'))
                })
            };
            let is_prefix = super::shell::names_make_variable(name)
                && self.value(text, name, &Scope::default(), 0).is_some_and(prefix_only);
            if !is_prefix {
                return at;
            }
            at += end + 1;
        }
        at
    }

    /// Whether conditionals hold as make reads them with no caller's variables: `None` when they
    /// depend on the environment.
    pub fn holds(&self, text: &str, conditions: &[Condition]) -> Decision {
        self.decide_all(text, conditions, &Scope::default(), 0)
    }

    /// Whether conditionals hold as make reads them with a caller's variables and environment.
    pub fn holds_given(&self, text: &str, conditions: &[Condition], given: &Given) -> Decision {
        self.decide_all(text, conditions, &Scope::given(None, Some(given)), 0)
    }

    /// Whether a rule's recipe runs at all: `None` when it depends on the environment.
    pub fn rule_applies(&self, text: &str, rule: &RuleDef) -> Decision {
        self.decide_all(text, &rule.conditions, &Scope::default(), 0)
    }

    /// The shell environment a recipe of `target` runs in, for the variables it uses: make
    /// expands `$(VAR)` before the shell runs, and exported variables reach `go` itself.
    /// Referenced variables the file never sets are left out (the recipe reads them as empty).
    #[allow(clippy::too_many_arguments)] // where the recipe runs, from whom, and what it reads
    pub fn env_for(
        &self,
        text: &str,
        rule: Option<usize>,
        target: Option<&str>,
        stem: Option<&str>,
        parents: &[String],
        locals: &[(String, Value)],
        given: Option<&Given>,
        referenced: &[&str],
    ) -> Env {
        let mut env = Env::default();
        env.make_recipe = true;
        for (name, value) in given.map_or(&[][..], |g| &g.environment) {
            env.set(name, value.clone(), true);
        }
        super::goprog::PrintingProgram::give_to(&self.printed, &mut env);
        let scope = Scope { rule, parents, locals: locals.to_vec(), ..Scope::given(target, given) };
        // `$@`: the target the recipe makes; `$*`: the stem a pattern matched. Values read them
        // too (`$(eval os = $(firstword $(subst -, ,$*)))`). A pattern rule read with no goal
        // makes a file no one named yet: both are unknown.
        let unknown = |name: &str| Value::hole(Origin::Unevaluated(format!("${name}")));
        let made = target.map(|t| match t.contains('%') && stem.is_none() {
            true => unknown("@"),
            false => self.expand(text, t, &scope, 0),
        });
        let matched = match stem {
            Some(s) => Some(Value::known(s)),
            None => target.filter(|t| t.contains('%')).map(|_| unknown("*")),
        };
        let automatic = [("@", made), ("*", matched)].into_iter().filter_map(|(n, v)| Some((n.to_string(), v?)));
        let scope = scope.with(automatic);
        let go_reads = |n: &str| n.starts_with("GO") || n.starts_with("CGO_") || matches!(n, "CC" | "CXX");
        // make exports what came from its environment or its command line, whatever the file does.
        let given_names: Vec<&str> =
            given.map_or(Vec::new(), |g| g.overrides.iter().chain(&g.environment).map(|(n, _)| n.as_str()).collect());
        let exported = |n: &str| self.is_exported(n) || given_names.contains(&n);
        let mut names: Vec<&str> = referenced.to_vec();
        // What the file exports by name reaches every program a recipe runs (a sub-make's
        // `go build $(LD_OPTS)`); of a bare `export`'s every variable, what go reads itself.
        names.extend(
            self.by_name.keys().map(String::as_str).filter(|n| self.exported_by_name(n) || go_reads(n) && exported(n)),
        );
        names.extend(given_names.iter().filter(|n| go_reads(n)));
        names.sort_unstable();
        names.dedup();
        for (name, value) in &scope.locals {
            env.set(name, value.clone(), false);
        }
        for name in names {
            // A function or substitution reference as written (`if $(TAGS),-tags $(TAGS)`).
            if !super::shell::names_make_variable(name) {
                env.set(name, self.expand(text, &format!("$({name})"), &scope, 0), false);
                continue;
            }
            let value = match self.value(text, name, &scope, 0) {
                Some(v) => shell_substitution(v),
                None if matches!(name, "MAKE" | "CURDIR" | "MAKEFILE_LIST") => self.variable(text, name, &scope, 0),
                None => continue,
            };
            env.set(name, value, exported(name));
        }
        env
    }
}

/// A make value as the recipe's shell reads it: make pastes the text into the recipe, so a
/// command substitution in it (`VERSION=\`egrep -o '[0-9.]+' version.go\``, `$$(date)`, also
/// inside a longer value: `-X main.date=$$(date +%F)`) runs there: each is what it prints, not
/// its words.
fn shell_substitution(value: Value) -> Value {
    if !value.pieces().iter().any(|p| matches!(p, Piece::Text(t) if t.contains("$(") || t.contains('`'))) {
        return value;
    }
    let mut b = Builder::default();
    for piece in value.pieces() {
        let Piece::Text(text) = piece else {
            b.push_piece(piece);
            continue;
        };
        let mut rest = text.as_str();
        loop {
            let dollar = rest.find("$(");
            let tick = rest.find('`');
            let (open, body, close) = match (dollar, tick) {
                (Some(d), t) if t.is_none_or(|t| d < t) => {
                    let end = matching(rest.as_bytes(), d + 1, b'(', b')');
                    (d, d + 2, end)
                }
                (_, Some(t)) => match rest[t + 1..].find('`') {
                    Some(c) => (t, t + 1, t + 1 + c),
                    None => break,
                },
                _ => break,
            };
            if close >= rest.len() {
                break;
            }
            b.push_str(&rest[..open]);
            b.push_hole(Hole::new(Origin::Command(rest[body..close].to_string())));
            rest = &rest[close + 1..];
        }
        b.push_str(rest);
    }
    b.build()
}

/// Whether a recipe of `rule` runs the file `file` as its program (`$< update` with `file` as
/// the first prerequisite, or `./file`): a goal that does uses what `file`'s rule builds as a
/// tool (`features-release: hack/gen/gen` then `$< update`), it does not release it.
fn runs_file(text: &str, rule: &RuleDef, file: &str) -> bool {
    let first_prerequisite =
        text.get(rule.prerequisites.0..rule.prerequisites.1).and_then(|p| p.split_whitespace().next());
    let file = file.trim_start_matches("./");
    rule.recipe.iter().any(|line| {
        let program = text.get(line.span.0..line.span.1).and_then(|c| c.split_whitespace().next());
        let program = match program {
            Some("$<") => first_prerequisite,
            p => p,
        };
        program.is_some_and(|p| p.trim_start_matches("./") == file)
    })
}

/// A Makefile's rules (instances: see `GoalWalk`) by expanded target: explicit names, and
/// patterns in file order.
#[derive(Default)]
struct RuleIndex {
    explicit: HashMap<String, Vec<usize>>,
    patterns: Vec<(usize, String)>,
    /// Patterns with holes, which goals match with an unknown stem.
    partial_patterns: Vec<(usize, Value)>,
}

/// A rule as the walk indexes it: the rule, and for a template's, its call's bindings and line.
type Instance = (usize, Bindings, Option<(usize, usize)>);

/// One walk of `rules_for_goals`: the file's rules by target, what the caller gives, and the
/// rules reached so far.
struct GoalWalk<'g> {
    index: RuleIndex,
    /// The rules the index names: each rule of the file, and each template rule once per call
    /// of its template, with the call's bindings and line.
    instances: Vec<Instance>,
    given: Option<&'g Given>,
    second_expansion: bool,
    visited: HashSet<String>,
    order: Vec<Reached>,
}

impl GoalWalk<'_> {
    /// Whether a goal is visited now: the first time, within the budget's depth and target caps.
    fn enter(&mut self, goal: &str, parents: &[String]) -> bool {
        parents.len() <= crate::budget::MAX_DEPTH
            && self.visited.len() < crate::budget::MAX_TARGETS
            && self.visited.insert(goal.to_string())
    }

    /// Records a rule reached, once.
    fn reach(&mut self, reached: Reached) {
        let same = |r: &Reached| r.rule == reached.rule && r.made == reached.made && r.locals == reached.locals;
        if !self.order.iter().any(same) {
            self.order.push(reached);
        }
    }
}

/// A rule a `make` run reaches: for a pattern rule, the goal it makes and the stem; the index
/// of the caller's goal it runs for; and the targets whose prerequisite it is made as,
/// outermost first (their target-specific variables hold in its recipe).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reached {
    pub rule: usize,
    pub made: Option<Made>,
    pub goal: usize,
    pub parents: Vec<String>,
    /// For a template rule, the bindings of the call that made it (`$(1)`...).
    pub locals: Bindings,
    /// For a template rule, the `$(eval $(call ...))` line that made it.
    pub template_call: Option<(usize, usize)>,
}

/// One `$(eval $(call NAME,...))` of a template that holds rules: the template, what the call
/// binds (`$(0)` the name, `$(1)`... the arguments), and the line the call is on.
#[derive(Clone, Debug)]
pub struct TemplateCall {
    pub name: String,
    pub bindings: Bindings,
    pub at: (usize, usize),
}

/// The goal a pattern rule is run for, and the stem its `%` matched (`$@` and `$*`); for a
/// prerequisite with holes, the rule's target pattern and no stem (both unknown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Made {
    pub goal: String,
    pub stem: Option<String>,
}

/// A target, prerequisite or goal as make names the file: without leading `./` (make strips it
/// from both, so `make out/app` runs `./out/app:` and `.//out/app` is `out/app`, not `/out/app`).
fn file_name(name: &str) -> String {
    let mut name = name;
    while let Some(rest) = name.strip_prefix("./") {
        name = rest.trim_start_matches('/');
    }
    name.to_string()
}

/// The name and arguments of `$(call NAME,ARGS...)` as an `$(eval ...)` is given it, unexpanded.
fn template_call(eval_args: &str) -> Option<Vec<&str>> {
    let call = reference_inner(eval_args.trim())?.strip_prefix("call")?;
    call.starts_with([' ', '\t']).then(|| split_args(call.trim_start()))
}

/// A target pattern as a glob: its `%` a hole, like the holes it has.
fn as_glob(pattern: &Value) -> Value {
    let mut b = Builder::default();
    for piece in pattern.pieces() {
        match piece {
            Piece::Text(t) => {
                for (i, part) in t.split('%').enumerate() {
                    if i > 0 {
                        b.push_hole(Hole::new(Origin::Unevaluated("%".into())));
                    }
                    b.push_str(part);
                }
            }
            hole => b.push_piece(hole),
        }
    }
    b.build()
}

/// The text a value starts and ends with before its first and after its last hole.
fn fixed_ends(value: &Value) -> (String, String) {
    let pieces = value.pieces();
    let text_at = |piece: Option<&Piece>| match piece {
        Some(Piece::Text(t)) => t.clone(),
        _ => String::new(),
    };
    match pieces.as_slice() {
        [Piece::Text(t)] => (t.clone(), t.clone()),
        _ => (text_at(pieces.first()), text_at(pieces.last())),
    }
}

/// The stem of `goal` under a target pattern (`bin/%` and `bin/app` give `app`), if it matches.
fn pattern_stem(pattern: &str, goal: &str) -> Option<String> {
    let (prefix, suffix) = pattern.split_once('%')?;
    let stem = goal.strip_prefix(prefix)?.strip_suffix(suffix)?;
    (!stem.is_empty()).then(|| stem.to_string())
}

/// Whether two definitions sit in different branches of one conditional.
fn exclusive(a: &[Condition], b: &[Condition]) -> bool {
    a.iter().any(|x| b.iter().any(|y| x.directive == y.directive && x.args == y.args && x.negated != y.negated))
}

/// The names of the variables a make reference's text reads (`GOFLAGS`; in a function,
/// every `$(NAME)` of its arguments and the macro a `$(call NAME,...)` expands), at most
/// `MAX_REFERENCED` of them.
pub fn names_referenced(reference: &str) -> Vec<&str> {
    names_within(reference, 0)
}

fn names_within(reference: &str, depth: usize) -> Vec<&str> {
    const MAX_REFERENCED: usize = 64;
    // References nest a few levels in real files; thousands are hostile.
    const MAX_NESTING: usize = 16;
    if crate::shell::names_make_variable(reference) {
        return vec![reference];
    }
    if depth >= MAX_NESTING {
        return Vec::new();
    }
    let mut names = Vec::new();
    if let Some(called) = reference.strip_prefix("call ") {
        names.push(called.split(',').next().unwrap_or("").trim());
    }
    let b = reference.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() && names.len() < MAX_REFERENCED {
        let (open, close) = match (b[i], b[i + 1]) {
            (b'$', b'(') => (b'(', b')'),
            (b'$', b'{') => (b'{', b'}'),
            _ => {
                i += 1;
                continue;
            }
        };
        let end = matching(b, i + 1, open, close);
        let inner = reference.get(i + 2..end).unwrap_or("");
        names.extend(names_within(inner, depth + 1).into_iter().take(MAX_REFERENCED - names.len()));
        i = end + 1;
    }
    names.retain(|n| !n.is_empty());
    names
}

/// A variable make has from the build host (`CURDIR`, `MAKEFILE_LIST`): a hole only it knows.
fn of_host(name: &str) -> Hole {
    Hole { origin: Origin::Environment(name.into()), provenance: Provenance::Host }
}

/// A recipe line's multi-line `define` and what its call binds (see `Makefile::defined_lines`).
#[derive(Debug, PartialEq)]
pub struct DefinedLines {
    pub lines: Vec<(usize, usize)>,
    pub bindings: Vec<(String, String)>,
}

/// The text inside a reference that is the whole of `line`: `$(...)` or `${...}`.
fn reference_inner(line: &str) -> Option<&str> {
    let b = line.as_bytes();
    let close = match b.get(..2)? {
        b"$(" => b')',
        b"${" => b'}',
        _ => return None,
    };
    (matching(b, 1, b[1], close) == b.len() - 1).then(|| &line[2..line.len() - 1])
}

/// The index of the bracket closing the one at `open_at`, or the end.
fn matching(b: &[u8], open_at: usize, open: u8, close: u8) -> usize {
    let mut depth = 0usize;
    for (j, &c) in b.iter().enumerate().skip(open_at) {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return j;
            }
        }
    }
    b.len()
}

/// Splits at the first `sep` outside parentheses and braces.
fn split_top_level(s: &str, sep: char) -> Option<(&str, &str)> {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth -= 1,
            c if c == sep && depth == 0 => return Some((&s[..i], &s[i + 1..])),
            _ => {}
        }
    }
    None
}

/// The words of `s` split at blanks outside references (`$(subst /,-,$(2))` is one word).
fn top_level_words(s: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let (mut depth, mut start) = (0i32, None);
    for (i, c) in s.char_indices() {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth -= 1,
            c if c.is_whitespace() && depth <= 0 => {
                words.extend(start.take().map(|from| &s[from..i]));
                continue;
            }
            _ => {}
        }
        start.get_or_insert(i);
    }
    words.extend(start.map(|from| &s[from..]));
    words
}

/// A function's arguments: split at top-level commas.
fn split_args(mut s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    while let Some((a, rest)) = split_top_level(s, ',') {
        out.push(a);
        s = rest;
    }
    out.push(s);
    out
}

/// `(a,b)`, `"a" "b"` or `'a' 'b'`: the two operands of `ifeq`/`ifneq`.
fn comparison_operands(args: &str) -> Option<(&str, &str)> {
    let args = args.trim();
    if let Some(inner) = args.strip_prefix('(').and_then(|a| a.strip_suffix(')')) {
        let (a, b) = split_top_level(inner, ',')?;
        return Some((a.trim(), b.trim()));
    }
    let quoted = |s: &str| -> Option<(usize, usize)> {
        let q = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let end = s[1..].find(q)? + 1;
        Some((1, end))
    };
    let (s1, e1) = quoted(args)?;
    let rest = args[e1 + 1..].trim_start();
    let offset = args.len() - rest.len();
    let (s2, e2) = quoted(rest)?;
    Some((&args[s1..e1], &args[offset + s2..offset + e2]))
}

/// `%.go` against `main.go` gives `Some("main")` substituted into `to`; words without `%` must match whole.
fn patsubst_word(from: &str, to: &str, word: &str) -> Option<String> {
    match from.split_once('%') {
        Some((pre, post)) => {
            let stem = word.strip_prefix(pre)?.strip_suffix(post)?;
            Some(to.replacen('%', stem, 1))
        }
        None => (word == from).then(|| to.to_string()),
    }
}

/// Applies `f` to each whitespace-separated word of a known value (words it does not map stay).
fn map_words(v: &Value, f: impl Fn(&str) -> Option<String>) -> Value {
    match v.as_known() {
        Some(t) => Value::known(
            t.split_whitespace().map(|w| f(w).unwrap_or_else(|| w.to_string())).collect::<Vec<_>>().join(" "),
        ),
        None => Value::derived(v.display(), &[v]),
    }
}

/// Applies `f` to a known value's text; a value with holes gives a hole derived from it.
fn map_known(v: &Value, written: String, f: impl FnOnce(&str) -> String) -> Value {
    match v.as_known() {
        Some(t) => Value::known(f(t)),
        None => Value::derived(written, &[v]),
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
        assert_eq!(&MK[build.recipe[0].span.0..build.recipe[0].span.1], "echo building");
        let env = mf.env_for(MK, None, Some("build"), None, &[], &[], None, &["CGO_ENABLED", "PLATFORMS", "LDFLAGS"]);
        assert_eq!(env.get("CGO_ENABLED"), Some(&Value::Known("0".into())));
        assert_eq!(env.get("PLATFORMS"), Some(&Value::Known("linux/amd64 linux/arm64".into())));
        let ldflags = env.get("LDFLAGS").unwrap();
        assert_eq!(ldflags.display(), "-s -w    -X main.version=$(git describe)", "VERSION comes from $(shell ...)");
        assert_eq!(ldflags.holes().next().unwrap().provenance, Provenance::Commit);
        assert_eq!(
            mf.env_for(MK, None, Some("release"), None, &[], &[], None, &["GOOS"]).get("GOOS"),
            Some(&Value::Known("darwin".into()))
        );
        assert_eq!(
            mf.env_for(MK, None, None, None, &[], &[], None, &["GOOS"]).get("GOOS"),
            Some(&Value::Known("linux".into()))
        );
        let release = &mf.rules[2];
        assert_eq!(&MK[release.recipe[0].span.0..release.recipe[0].span.1], "go build -o bin/$(GOOS)/app .");
    }

    fn value_of(mk: &str, name: &str) -> Option<Value> {
        parse(mk).value(mk, name, &Scope::default(), 0)
    }

    #[test]
    fn comments_end_values_but_not_references() {
        let mk = "GOEXPERIMENT ?=  # empty by default\nTAG := $(shell echo '#1') # the tag\nHASH := a\\#b\n";
        let v = |n: &str| value_of(mk, n).map(|v| v.display());
        assert_eq!(v("GOEXPERIMENT").as_deref(), Some(""));
        assert_eq!(v("TAG").as_deref(), Some("#1"));
        assert_eq!(v("HASH").as_deref(), Some("a#b"));
    }

    #[test]
    fn functions_build_files_use() {
        let mk = "GOCMD=go\nGOBUILD=$(GOCMD) build\nOS ?= linux\nEXT=$(if $(filter windows,$(OS)),.exe,)\n\
                  BIN=$(addprefix dist/,$(patsubst %,app-%$(EXT),$(OS)))\nFIRST=$(firstword $(subst /, ,linux/amd64))\n\
                  SRCS=a.go b.go\nOBJS=$(SRCS:.go=.o)\nup=$(1)-$(2)\nCALLED=$(call up,x,y)\n\
                  EACH=$(foreach p,a b,[$(p)])\nSTRIPPED=$(strip  a   b )\nDATE=$(shell date -u)\nV=$(or $(VERSION),dev)\n\
                  TOOL=bin/$(or $(NAME), $(notdir x/mockgen))\nBOTH=$(and a, b)\n";
        let v = |n: &str| value_of(mk, n).map(|v| v.display());
        assert_eq!(v("GOBUILD").as_deref(), Some("go build"));
        assert_eq!(v("EXT").as_deref(), Some(""));
        assert_eq!(v("BIN").as_deref(), Some("dist/app-linux"));
        assert_eq!(v("FIRST").as_deref(), Some("linux"));
        assert_eq!(v("OBJS").as_deref(), Some("a.o b.o"));
        assert_eq!(v("CALLED").as_deref(), Some("x-y"));
        assert_eq!(v("EACH").as_deref(), Some("[a] [b]"));
        assert_eq!(v("STRIPPED").as_deref(), Some("a b"));
        assert_eq!(v("V").as_deref(), Some("dev"), "an undefined variable is empty");
        assert_eq!(v("TOOL").as_deref(), Some("bin/mockgen"), "or's arguments are stripped");
        assert_eq!(v("BOTH").as_deref(), Some("b"));
        assert_eq!(names_referenced("call build,$(PKG),$(if $(OUT),-o $(OUT))"), ["build", "PKG", "OUT", "OUT"]);
        let nested = format!("{}X{}", "$(f ".repeat(5000), ")".repeat(5000));
        assert!(names_referenced(&nested).is_empty(), "nesting is bounded");
        let date = value_of(mk, "DATE").unwrap();
        assert_eq!(date.volatile_hole().map(|h| h.provenance), Some(Provenance::Clock));
    }

    #[test]
    fn conditionals_are_decided_when_the_file_says() {
        let mk = "OS := linux\nifeq ($(OS),windows)\nEXT := .exe\nelse\nEXT := -bin\nendif\n\
                  ifdef NOT_SET\nA := yes\nelse ifeq \"$(OS)\" \"linux\"\nA := linux\nelse\nA := other\nendif\n";
        assert_eq!(value_of(mk, "EXT"), Some(Value::known("-bin")));
        assert_eq!(value_of(mk, "A"), Some(Value::known("linux")));
    }

    #[test]
    fn environment_conditionals_keep_both_branches() {
        // The reproducible-builds convention: a clock stamp only when SOURCE_DATE_EPOCH is unset.
        let mk = "ifdef SOURCE_DATE_EPOCH\n    DATE := $(shell date -u -d @$(SOURCE_DATE_EPOCH))\nelse\n    DATE := $(shell date -u)\nendif\n";
        let date = value_of(mk, "DATE").unwrap();
        assert!(date.volatile_hole().is_none(), "{date:?}");
        let mk = "ifndef CI\nrelease:\n\tgo build .\nendif\nifdef NEVER\nother:\n\tgo build .\nendif\n";
        let mf = parse(mk);
        assert_eq!(mf.rule_applies(mk, &mf.rules[0]), Some(true), "CI is not a variable every environment has");
        assert_eq!(mf.rule_applies(mk, &mf.rules[1]), Some(false));
    }

    #[test]
    fn eval_calls_instantiate_the_rules_of_a_define() {
        let t = "OUT := dist\ndefine bin\n$(OUT)/$(1)-$(2): $(1).go\n\tGOOS=$(2) go build -o $$@ ./cmd/$(1)\nendef\n$(foreach os,linux darwin,$(eval $(call bin,app,$(os))))\nall: dist/app-darwin\n";
        let mf = parse(t);
        assert_eq!(mf.rules.iter().filter(|r| r.template.as_deref() == Some("bin")).count(), 1);
        assert_eq!(mf.default_goal(t).as_deref(), Some("all"), "a template's target is no goal of its own");
        let calls = mf.template_calls(t, None);
        let args: Vec<Vec<&str>> =
            calls.iter().map(|c| c.bindings.iter().filter_map(|(_, v)| v.as_known()).collect()).collect();
        assert_eq!(args, [["bin", "app", "linux"], ["bin", "app", "darwin"]]);
        assert!(calls.iter().all(|c| t[c.at.0..c.at.1].starts_with("$(foreach")), "{calls:?}");
        let run = mf.rules_for_goals(t, &["all".into()], None);
        let template = run.iter().find(|r| mf.rules[r.rule].template.is_some()).expect("the darwin instance runs");
        assert_eq!(template.locals[2].1.as_known(), Some("darwin"));
        assert_eq!(mf.template_target(t, template.rule, &template.locals).as_deref(), Some("dist/app-darwin"));
        assert_eq!(top_level_words("a/$(subst /,-,$(2)) b"), ["a/$(subst /,-,$(2))", "b"]);
    }

    #[test]
    fn defines_are_variables_of_several_lines() {
        let t = "define A\n@echo a\ngo build -o a .\nendef\ndefine B :=\ndefine C\nz\nendef\nendef\nx:\n\t$(call A)\n";
        let mf = parse(t);
        let value = |name: &str| mf.vars.iter().find(|v| v.name == name).map(|v| &t[v.value.0..v.value.1]);
        assert_eq!(value("A"), Some("@echo a\ngo build -o a ."));
        assert_eq!(value("B"), Some("define C\nz\nendef"), "a define inside a define is its text");
        assert_eq!(mf.vars.iter().find(|v| v.name == "B").map(|v| v.op.as_str()), Some(":="));
        let lines =
            |line: &str| mf.defined_lines(t, line).map(|d| d.lines.iter().map(|&(s, e)| &t[s..e]).collect::<Vec<_>>());
        assert_eq!(lines("$(call A)"), Some(vec!["@echo a", "go build -o a ."]));
        assert_eq!(lines("${A}"), Some(vec!["@echo a", "go build -o a ."]));
        assert_eq!(lines("$(A) x"), None);
        assert_eq!(lines("$(call A,x)"), Some(vec!["@echo a", "go build -o a ."]));
        assert_eq!(lines("$(foreach p,$(PKGS),$(call A,$(p)))"), Some(vec!["@echo a", "go build -o a ."]));
        assert_eq!(lines("$(foreach p,$(PKGS),$(call A,$(p))) x"), None);
        assert_eq!(mf.rules.len(), 1, "the define's lines are no rules");
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
            // A recipe's `$(eval` cut short, without a name, or defining a variable from itself.
            "a:\n\t$(eval\n",
            "a:\n\t$(eval A\n",
            "a:\n\t$(eval  = x)\n",
            "a:\n\t$(eval A = $(A)$(A))\n\techo $(A)\n",
            // Prerequisites expanded twice that expand to themselves; a pattern variable of itself.
            ".SECONDEXPANSION:\nA = $$(A) $$(A)\na: $$(A) a\n",
            "a%: A = $(A)\nab: ab ./ab .//ab\n",
        ] {
            let mf = parse(t);
            let goals: Vec<String> = mf.rules.iter().flat_map(|r| r.targets.clone()).collect();
            for reached in mf.rules_for_goals(t, &goals, None) {
                let target = mf.rules[reached.rule].targets.first().map(String::as_str);
                let _ = mf.env_for(
                    t,
                    Some(reached.rule),
                    target,
                    None,
                    &reached.parents,
                    &reached.locals,
                    None,
                    &["A", "A0"],
                );
            }
            for r in &mf.rules {
                let _ = mf.env_for(t, None, r.targets.first().map(String::as_str), None, &[], &[], None, &["A", "A0"]);
            }
            let _ = mf.env_for(t, None, None, None, &[], &[], None, &["A", "A0"]);
        }
    }
}
