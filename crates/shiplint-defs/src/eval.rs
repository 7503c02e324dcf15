//! Runs a shell script in the mind: assignments, exports, arrays, loops one iteration at a time,
//! functions once per call with their arguments, `case` arms chosen when the word is known, and
//! field splitting of unquoted expansions, as sh does it. Nothing is executed: what the file does
//! not state becomes a hole (see `value`), and an unset variable is empty, as in sh (each such
//! assumption is recorded with the command that depends on it).

use super::budget::{Budget, MAX_DEPTH, MAX_PIECES, MAX_VALUE, MAX_WORDS};
use super::shell::{Item, Part, SimpleCommand, Unread, Word, flatten, glob_match, is_name, split_assignment};
use super::value::{Builder, Fields, Hole, Origin, Piece, Provenance, Quotes, Value};
use std::collections::{BTreeSet, HashMap};

#[derive(Clone, Debug)]
pub struct Var {
    pub value: Value,
    pub exported: bool,
    /// The elements of an array (`a=(x y)`); `value` is then its first element, as `$a` reads.
    pub elements: Option<Vec<Value>>,
}

/// Shell variables, which are exported to commands, and the positional parameters.
#[derive(Clone, Debug, Default)]
pub struct Env {
    pub vars: HashMap<String, Var>,
    /// `$1`, `$2`...: `None` at the top of a script, where the caller's arguments are unknown.
    pub positional: Option<Vec<Value>>,
    /// Variables read while unset (and so taken as empty) since the last `take_assumed_empty`.
    assumed_empty: AssumedEmpty,
    /// The script's small functions without loops, by name: what one prints is the output of a
    /// command substitution that calls it (`GOOS=$(goos "$os")`).
    printers: std::sync::Arc<HashMap<String, std::sync::Arc<Vec<Item>>>>,
    /// A Makefile recipe's shell: the text of a command substitution (`$$(echo $(subst
    /// release-,,$@))`) holds make's references, which make expands before the shell runs.
    pub make_recipe: bool,
}

/// Names read while unset. Behind a lock, not a `RefCell`, so parsed files holding an `Env` can
/// be shared between the threads that evaluate them.
#[derive(Debug, Default)]
struct AssumedEmpty(std::sync::Mutex<BTreeSet<String>>);

impl AssumedEmpty {
    fn names(&self) -> std::sync::MutexGuard<'_, BTreeSet<String>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Clone for AssumedEmpty {
    fn clone(&self) -> Self {
        AssumedEmpty(std::sync::Mutex::new(self.names().clone()))
    }
}

impl Env {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.vars.get(name).map(|v| &v.value)
    }

    /// The value of a CI expression (`${{ matrix.os }}`): a context value the environment
    /// holds, or a chain of them and quoted strings joined by `||`, which GitHub evaluates to
    /// its first non-empty operand (`matrix.base || 'alpine'`). A `matrix.` name the
    /// combination does not set is empty; another name nothing sets is a hole, which may be
    /// empty, so the value is then one of it or what follows.
    pub fn ci_expression(&self, expr: &str) -> Value {
        let hole = || Value::hole(Origin::CiExpression(expr.to_string()));
        if let Some(v) = self.get(expr) {
            return v.clone();
        }
        let operands: Vec<&str> = expr.split("||").map(str::trim).collect();
        if operands.len() < 2 || operands.len() > MAX_CI_OPERANDS {
            return hole();
        }
        let has_matrix = self.vars.keys().any(|k| k.starts_with("matrix."));
        let mut value: Option<Value> = None;
        // From the last operand, which is the value when every other is empty, back: each is
        // itself when not empty, else what follows.
        for operand in operands.iter().rev() {
            let own = match operand.strip_prefix('\'').and_then(|o| o.strip_suffix('\'')) {
                Some(text) if !text.contains('\'') => Value::known(text),
                Some(_) => return hole(),
                None if !operand.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) => return hole(),
                None => match self.get(operand) {
                    Some(v) => v.clone(),
                    None if has_matrix && operand.starts_with("matrix.") => Value::empty(),
                    None => Value::hole(Origin::CiExpression((*operand).to_string())),
                },
            };
            value = Some(match (own, value.take()) {
                (own, None) => own,
                (Value::Known(text), Some(rest)) if text.is_empty() => rest,
                (own @ Value::Known(_), Some(_)) => own,
                (partial, Some(rest)) => Value::either(partial, rest),
            });
        }
        value.unwrap_or_else(hole)
    }

    /// The exported variables: what a command this shell runs sees.
    pub fn exported(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.vars.iter().filter(|(_, v)| v.exported).map(|(k, v)| (k, &v.value))
    }

    pub fn set(&mut self, name: &str, value: Value, exported: bool) {
        let exported = exported || self.vars.get(name).is_some_and(|v| v.exported);
        let value = bounded(value);
        self.vars.insert(name.to_string(), Var { value, exported, elements: None });
    }

    /// `name=value`, or for `name+=value` (the name ending in `+`) the value appended: to a
    /// string's text, or as one more element of an array.
    pub fn assign(&mut self, name: &str, value: Value, exported: bool) {
        let Some(base) = name.strip_suffix('+') else { return self.set(name, value, exported) };
        match self.vars.get(base).and_then(|v| v.elements.clone()) {
            Some(mut elements) => {
                elements.push(value);
                self.set_array(base, elements);
            }
            None => {
                let mut b = Builder::default();
                b.push(self.get(base).unwrap_or(&Value::empty()));
                b.push(&value);
                self.set(base, b.build(), exported);
            }
        }
    }

    /// `name=(elements)`, or `name+=(elements)`: appended to the array (a string set before
    /// is its first element).
    fn assign_array(&mut self, name: &str, mut elements: Vec<Value>) {
        let Some(base) = name.strip_suffix('+') else { return self.set_array(name, elements) };
        let mut before = match self.vars.get(base) {
            Some(v) => v.elements.clone().unwrap_or_else(|| vec![v.value.clone()]),
            None => Vec::new(),
        };
        before.append(&mut elements);
        self.set_array(base, before);
    }

    fn set_array(&mut self, name: &str, elements: Vec<Value>) {
        let exported = self.vars.get(name).is_some_and(|v| v.exported);
        let value = elements.first().cloned().unwrap_or_else(Value::empty);
        self.vars.insert(name.to_string(), Var { value, exported, elements: Some(elements) });
    }

    /// The environment after one of two paths ran: a variable the paths leave differently (set
    /// on one only, or to other values) becomes a hole standing for either.
    pub fn merge(&self, other: &Env) -> Env {
        let mut out = self.clone();
        let names: BTreeSet<&String> = self.vars.keys().chain(other.vars.keys()).collect();
        for name in names {
            let (a, b) = (self.vars.get(name), other.vars.get(name));
            let value = |v: Option<&Var>| v.map_or_else(Value::empty, |v| v.value.clone());
            let exported = a.is_some_and(|v| v.exported) || b.is_some_and(|v| v.exported);
            let var = match (a, b) {
                (Some(a), Some(b)) if a.value == b.value && a.elements == b.elements => Var { exported, ..a.clone() },
                _ => Var { value: bounded(Value::either(value(a), value(b))), exported, elements: None },
            };
            out.vars.insert(name.clone(), var);
        }
        if self.positional != other.positional {
            out.positional = None;
        }
        out
    }

    /// The unset variables read as empty since the last call.
    pub fn take_assumed_empty(&self) -> Vec<String> {
        std::mem::take(&mut *self.assumed_empty.names()).into_iter().collect()
    }

    /// Expands a word without field splitting (assignments, CI values, here-strings).
    pub fn expand(&self, w: &Word) -> Value {
        let mut b = Builder::default();
        for seg in self.segments(&w.parts, false) {
            match seg {
                Segment::Fixed(v) | Segment::Split(v, _) => b.push(&v),
                Segment::Elements(vs) => b.push(&join(&vs)),
            }
        }
        bounded(b.build())
    }

    /// Expands a word into the fields a command sees: unquoted expansions split on whitespace
    /// (in their literal text only), `"$@"` and `"${a[@]}"` give one field per element, and an
    /// unquoted expansion that is empty gives no field at all.
    pub fn fields(&self, w: &Word) -> Vec<Value> {
        let mut fields = Fields::default();
        for seg in self.segments(&w.parts, false) {
            match seg {
                Segment::Fixed(v) => fields.push_fixed(&v),
                Segment::Split(v, quotes) => fields.push_split(&v, quotes),
                Segment::Elements(vs) => {
                    for (i, v) in vs.iter().enumerate() {
                        if i > 0 {
                            fields.end_field();
                        }
                        fields.push_fixed(v);
                    }
                }
            }
            if fields.len() > MAX_PIECES {
                break;
            }
        }
        fields.finish().into_iter().map(bounded).collect()
    }

    /// The parts of a word as values, marked by whether sh splits them.
    fn segments(&self, parts: &[Part], quoted: bool) -> Vec<Segment> {
        let mut out = Vec::new();
        for p in parts {
            match p {
                Part::Lit(t) | Part::Single(t) => out.push(Segment::Fixed(Value::known(t.as_str()))),
                Part::Double(inner) => {
                    let inner = self.segments(inner, true);
                    // `""` is still a field.
                    if inner.is_empty() {
                        out.push(Segment::Fixed(Value::empty()));
                    }
                    out.extend(inner);
                }
                Part::Param { name, op } => {
                    if op.is_none() && quoted && is_all_elements(name) {
                        out.push(Segment::Elements(self.elements(name)));
                        continue;
                    }
                    let v = self.param(name, op.as_ref());
                    out.push(if quoted { Segment::Fixed(v) } else { Segment::Split(v, Quotes::Literal) });
                }
                Part::MakeVar(name) => {
                    // A function make did not expand for this environment: its text is not known.
                    let v = match super::shell::names_make_variable(name) {
                        true => self.param(name, None),
                        false => self
                            .get(name)
                            .cloned()
                            .unwrap_or_else(|| Value::hole(Origin::Unevaluated(format!("$({name})")))),
                    };
                    out.push(if quoted { Segment::Fixed(v) } else { Segment::Split(v, Quotes::Anywhere) });
                }
                Part::CiExpr(expr) => {
                    // Substituted into the text before the shell reads it: spaces in it split.
                    let v = self.ci_expression(expr);
                    out.push(if quoted { Segment::Fixed(v) } else { Segment::Split(v, Quotes::Literal) });
                }
                Part::Command(c) => {
                    let v = self.substitution_output(c).unwrap_or_else(|| self.command_output_hole(c));
                    out.push(if quoted { Segment::Fixed(v) } else { Segment::Split(v, Quotes::Literal) });
                }
                Part::Arith(a) => out.push(Segment::Fixed(Value::hole(Origin::Unevaluated(format!("$(({a}))"))))),
            }
        }
        out
    }

    /// The output of a command substitution this reader does not run. `date` formatting a time
    /// it is given (`date -u -d "@$epoch"` with `epoch=${SOURCE_DATE_EPOCH:-...}`) prints what
    /// that time is derived from, not the clock.
    fn command_output_hole(&self, text: &str) -> Value {
        let mut hole = Hole::new(Origin::Command(text.to_string()));
        if hole.provenance == Provenance::Clock && !text.contains("$(") && !text.contains('`') {
            if let [Item::Command(c)] = super::shell::parse(text, 0).as_slice() {
                let fields: Vec<Value> = c.words.iter().flat_map(|w| self.fields(w)).collect();
                // Or on a path the file documents (`--date=@$SOURCE_DATE_EPOCH` when it is set).
                fn commit_time(h: &Hole) -> bool {
                    match &h.origin {
                        Origin::OneOf(values) => values.iter().flat_map(Value::holes).any(commit_time),
                        _ => h.provenance == Provenance::Commit,
                    }
                }
                let given_commit_time = fields.iter().skip(1).flat_map(Value::holes).any(commit_time);
                if fields.first().and_then(Value::as_known) == Some("date") && given_commit_time {
                    hole.provenance = Provenance::Commit;
                }
            }
        }
        Value::Partial(vec![Piece::Hole(hole)])
    }

    /// Remembers a function of the script that may print a value (see `printers`): one of at
    /// most `MAX_PRINTER_ITEMS` commands, `case` arms and `if` branches, with no loop or function
    /// inside; at most `MAX_PRINTERS` of them.
    fn remember_printer(&mut self, name: &str, body: &[Item]) {
        const MAX_PRINTERS: usize = 128;
        const MAX_PRINTER_ITEMS: usize = 32;
        fn size(items: &[Item]) -> Option<usize> {
            items.iter().try_fold(0usize, |n, item| {
                let inner = match item {
                    Item::Command(c) => size(&c.nested)?,
                    Item::Case { arms, .. } => arms.iter().try_fold(0, |m, (_, body)| Some(m + size(body)?))?,
                    Item::If { branches, otherwise } => {
                        let conditions = branches.iter().try_fold(0, |m, (c, b)| Some(m + size(c)? + size(b)?))?;
                        conditions + size(otherwise.as_deref().unwrap_or(&[]))?
                    }
                    Item::For { .. } | Item::Function { .. } | Item::Unread(_) => return None,
                };
                Some(n + 1 + inner)
            })
        }
        if self.printers.len() < MAX_PRINTERS && size(body).is_some_and(|n| n <= MAX_PRINTER_ITEMS) {
            std::sync::Arc::make_mut(&mut self.printers).insert(name.to_string(), std::sync::Arc::new(body.to_vec()));
        }
    }

    /// What a function prints when called with `args` (see `printed_by_commands`); functions
    /// it calls are not followed.
    fn printed_by(&self, body: &[Item], args: &[Value]) -> Option<Value> {
        let mut env = self.clone();
        env.printers = std::sync::Arc::default();
        env.positional = Some(args.to_vec());
        printed_by_commands(body, &mut env)
    }

    /// The output of a command substitution whose text is known, for the idioms release scripts
    /// split platform names with: `echo WORD`, `basename PATH [SUFFIX]` or `dirname PATH`, piped
    /// through `cut -d SEP -f N`, `awk -F SEP '{print $N}'` or a case-changing `tr`
    /// (`$(echo $p | cut -d/ -f1)`). `None` for anything else, which stays a hole.
    fn substitution_output(&self, text: &str) -> Option<Value> {
        // Nested substitutions are left alone: each level would be parsed again here. In a
        // recipe, `$(...)` is make's reference and `$$(...)` the shell's substitution.
        let nested = if self.make_recipe { "$$(" } else { "$(" };
        if text.contains(nested) || text.contains('`') {
            return None;
        }
        let items = match self.make_recipe {
            true => super::shell::parse_make_recipe(text, 0),
            false => super::shell::parse(text, 0),
        };
        let mut commands = items.iter().map(|item| match item {
            Item::Command(c) if c.writes_to.is_empty() => Some(c),
            _ => None,
        });
        let fields = |c: &SimpleCommand| -> Vec<Value> { c.words.iter().flat_map(|w| self.fields(w)).collect() };
        let known = |fields: &[Value]| -> Option<Vec<String>> {
            fields.iter().map(|f| f.as_known().map(str::to_string)).collect()
        };
        let argv = |c: &SimpleCommand| known(&fields(c));
        let first = commands.next()??;
        let first_fields = fields(first);
        // One of the script's functions, called alone: what its `echo` prints.
        let printer = first_fields.first().and_then(Value::as_known).and_then(|name| self.printers.get(name));
        if let Some(body) = printer {
            return commands.next().is_none().then(|| self.printed_by(body, &first_fields[1..])).flatten();
        }
        // A Go program or script of the repository whose output was read (`$(go run
        // ./gen-ldflags.go)`, `$(./scripts/ldflags.sh LDFLAG)`).
        let lookup = |name: &str| self.get(name);
        if let Some(output) = go_run_output(&first_fields, lookup).or_else(|| script_run_output(&first_fields, lookup))
        {
            return commands.next().is_none().then_some(output);
        }
        let args = known(&first_fields)?;
        let mut output = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["echo", words @ ..] if words.first().is_none_or(|w| !w.starts_with('-')) => words.join(" "),
            ["basename", path] => path.trim_end_matches('/').rsplit('/').next()?.to_string(),
            ["basename", path, suffix] => {
                let base = path.trim_end_matches('/').rsplit('/').next()?;
                base.strip_suffix(suffix).filter(|b| !b.is_empty()).unwrap_or(base).to_string()
            }
            ["dirname", path] => match path.trim_end_matches('/').rsplit_once('/') {
                Some(("", _)) => "/".to_string(),
                Some((dir, _)) => dir.to_string(),
                None => ".".to_string(),
            },
            // A file of the repository its reader was given (`$(cat .go-version)`): its text
            // without the final newline, as command substitution drops it.
            // (A go.mod is given with its `go` and `toolchain` lines only: not for cat.)
            ["cat", path]
                if !path.ends_with("go.mod")
                    && let Some(file) = self.get(&file_variable(path)) =>
            {
                file.as_known()?.trim_end_matches('\n').to_string()
            }
            // The `go` or `toolchain` line of a go.mod it was given, as grep, sed or awk read it
            // (`grep '^go ' go.mod`, `sed -n 's/^go //p' go.mod`, `awk '/^go /{print $2}' go.mod`),
            // also from `cat go.mod |`.
            [tool @ ("grep" | "sed" | "awk"), .., path] if path.ends_with("go.mod") => {
                let file = self.get(&file_variable(path))?.as_known()?.to_string();
                go_mod_directive_output(tool, &args[1..args.len() - 1], &file)?
            }
            ["cat", path] if path.ends_with("go.mod") => {
                let file = self.get(&file_variable(path))?.as_known()?.to_string();
                let reader = commands.next()??;
                let reader = argv(reader).filter(|_| reader.after == "|")?;
                match reader.split_first() {
                    Some((tool, rest)) if matches!(tool.as_str(), "grep" | "sed" | "awk") => {
                        go_mod_directive_output(tool, rest, &file)?
                    }
                    _ => return None,
                }
            }
            words => host_system_output(words, self.get(HOST_SYSTEM).and_then(Value::as_known)?)?,
        };
        for c in commands {
            let c = c?;
            if c.after != "|" {
                return None;
            }
            output = text_filter(&argv(c)?, &output)?;
        }
        Some(Value::known(output))
    }

    /// `"$@"`, `"${a[@]}"`: every element.
    fn elements(&self, name: &str) -> Vec<Value> {
        let array = name.strip_suffix("[@]").or_else(|| name.strip_suffix("[*]"));
        match array {
            Some(a) => match self.vars.get(a) {
                Some(Var { elements: Some(es), .. }) => es.clone(),
                Some(v) => vec![v.value.clone()],
                None => Vec::new(),
            },
            None => match &self.positional {
                Some(args) => args.clone(),
                None => vec![Value::hole(Origin::Positional(name.to_string()))],
            },
        }
    }

    /// A parameter's value when set; `None` when unset.
    fn lookup(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.vars.get(name) {
            return Some(v.value.clone());
        }
        if let Some((array, index)) = name.strip_suffix(']').and_then(|n| n.split_once('[')) {
            let var = self.vars.get(array)?;
            return match (index, &var.elements) {
                ("@" | "*", Some(es)) => Some(join(es)),
                ("@" | "*", None) => Some(var.value.clone()),
                (i, Some(es)) => match i.parse::<usize>() {
                    Ok(i) => es.get(i).cloned(),
                    Err(_) => Some(Value::derived(format!("${{{name}}}"), &es.iter().collect::<Vec<_>>())),
                },
                ("0", None) => Some(var.value.clone()),
                _ => None,
            };
        }
        if name == "#" || name == "@" || name == "*" || name.bytes().all(|c| c.is_ascii_digit()) {
            let Some(args) = &self.positional else {
                return Some(Value::hole(Origin::Positional(name.to_string())));
            };
            return match name {
                "#" => Some(Value::known(args.len().to_string())),
                "@" | "*" => Some(join(args)),
                "0" => Some(Value::hole(Origin::Positional("0".into()))),
                n => n.parse::<usize>().ok().and_then(|i| args.get(i.checked_sub(1)?).cloned()),
            };
        }
        if matches!(name, "?" | "$" | "!" | "-") {
            return Some(Value::hole(Origin::Unevaluated(format!("${name}"))));
        }
        Provenance::of_environment(name).map(|_| Value::hole(Origin::Environment(name.to_string())))
    }

    /// `$name` and `${name<op><arg>}`.
    fn param(&self, name: &str, op: Option<&(String, Vec<Part>)>) -> Value {
        let value = self.lookup(name);
        let written = || match op {
            Some((op, arg)) => format!("${{{name}{op}{}}}", flatten(arg)),
            None => format!("${{{name}}}"),
        };
        let unset_is_empty = || {
            self.assumed_empty.names().insert(name.to_string());
            Value::empty()
        };
        let Some((op, arg)) = op else { return value.unwrap_or_else(unset_is_empty) };
        if value.is_none() && !op.ends_with('?') {
            self.assumed_empty.names().insert(name.to_string());
        }
        let arg_value = || self.expand(&Word { parts: arg.clone(), start: 0, end: 0 });
        let null = |v: &Option<Value>, colon: bool| match v {
            None => true,
            Some(v) => colon && v.is_empty(),
        };
        match op.as_str() {
            ":-" | "-" | ":=" | "=" => {
                if null(&value, op.starts_with(':')) {
                    Value::unset_default(name, arg_value())
                } else {
                    value.unwrap_or_else(Value::empty)
                }
            }
            ":+" | "+" => match &value {
                _ if null(&value, op == ":+") => Value::empty(),
                Some(Value::Known(_)) => arg_value(),
                Some(_) => Value::either(arg_value(), Value::empty()),
                None => Value::empty(),
            },
            ":?" | "?" => match value {
                Some(v) if !null(&Some(v.clone()), op == ":?") => v,
                // The script stops unless the caller sets it: the caller's value.
                _ => Value::Partial(vec![Piece::Hole(Hole {
                    origin: Origin::Environment(name.to_string()),
                    provenance: Provenance::Caller,
                })]),
            },
            "%" | "%%" | "#" | "##" => {
                let (v, pattern) = (value.unwrap_or_else(unset_is_empty), arg_value());
                match (v.as_known(), pattern.as_known()) {
                    (Some(v), Some(p)) => Value::known(remove_affix(v, p, op.starts_with('#'), op.len() == 2)),
                    _ => Value::derived(written(), &[&v, &pattern]),
                }
            }
            "/" => {
                let v = value.unwrap_or_else(unset_is_empty);
                let spec = arg_value();
                match (v.as_known(), spec.as_known()) {
                    (Some(v), Some(spec)) => {
                        let (all, spec) = match spec.strip_prefix('/') {
                            Some(rest) => (true, rest),
                            None => (false, spec),
                        };
                        let (from, to) = split_substitution(spec);
                        let from = from.as_str();
                        if from.is_empty() || from.contains(['*', '?', '[']) {
                            Value::derived(written(), &[])
                        } else if all {
                            Value::known(v.replace(from, to))
                        } else {
                            Value::known(v.replacen(from, to, 1))
                        }
                    }
                    _ => Value::derived(written(), &[&v, &spec]),
                }
            }
            // `${#a[@]}`: how many elements.
            "len" if let Some(array) = name.strip_suffix("[@]").or_else(|| name.strip_suffix("[*]")) => {
                let count = self.vars.get(array).map_or(0, |v| v.elements.as_ref().map_or(1, Vec::len));
                Value::known(count.to_string())
            }
            "len" => match value.as_ref().and_then(Value::as_known) {
                Some(v) => Value::known(v.chars().count().to_string()),
                None if value.is_none() => Value::known("0"),
                None => Value::derived(written(), &[value.as_ref().unwrap_or(&Value::empty())]),
            },
            ":" => {
                // `${v:offset:length}`
                let v = value.unwrap_or_else(unset_is_empty);
                let spec = arg_value();
                match (v.as_known(), spec.as_known().map(substring_spec)) {
                    (Some(v), Some(Some((offset, len)))) => {
                        Value::known(v.chars().skip(offset).take(len.unwrap_or(usize::MAX)).collect::<String>())
                    }
                    _ => Value::derived(written(), &[&v]),
                }
            }
            _ => Value::derived(written(), &value.iter().collect::<Vec<_>>()),
        }
    }
}

/// A word's parts as values, and whether sh splits them.
enum Segment {
    /// Literal or quoted: never split.
    Fixed(Value),
    /// An unquoted expansion: split on whitespace in its text (make's text: quotes group too).
    Split(Value, Quotes),
    /// `"$@"` or `"${a[@]}"`: one field per element.
    Elements(Vec<Value>),
}

/// `@`, `*`, `a[@]`, `a[*]`: names that expand to every element.
fn is_all_elements(name: &str) -> bool {
    name == "@" || name.ends_with("[@]")
}

fn join(values: &[Value]) -> Value {
    join_with(values, " ")
}

fn join_with(values: &[Value], separator: &str) -> Value {
    let mut b = Builder::default();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            b.push_str(separator);
        }
        b.push(v);
    }
    b.build()
}

/// The output of a command line whose words are all written out (make's `$(shell echo "$(OS)" |
/// tr A-Z a-z)` once make has expanded it): see `Env::substitution_output`. A word that reads a
/// shell variable is not known here (the shell make starts has the environment's).
pub fn known_command_output(text: &str) -> Option<String> {
    fn literal(parts: &[Part]) -> bool {
        parts.iter().all(|p| match p {
            Part::Lit(_) | Part::Single(_) => true,
            Part::Double(inner) => literal(inner),
            _ => false,
        })
    }
    let items = super::shell::parse(text, 0);
    let all_literal = items.iter().all(|i| match i {
        Item::Command(c) => c.assigns.is_empty() && c.words.iter().all(|w| literal(&w.parts)),
        _ => false,
    });
    if !all_literal {
        return None;
    }
    Env::default().substitution_output(text)?.as_known().map(str::to_string)
}

/// One line of text through `cut -d SEP -f N[-M]`, `awk [-F SEP] '{print $N}'` or `tr` between
/// upper and lower case; `None` for any other command or option.
fn text_filter(argv: &[String], line: &str) -> Option<String> {
    // `-d /` or `-d/`: an option's value, attached or the next word.
    let option = |flag: &str| -> Option<&str> {
        argv.iter().enumerate().skip(1).find_map(|(i, a)| match a.strip_prefix(flag) {
            Some("") => argv.get(i + 1).map(String::as_str),
            Some(v) => Some(v),
            None => None,
        })
    };
    let field_range = |spec: &str| -> Option<(usize, Option<usize>)> {
        let (from, to) = match spec.split_once('-') {
            Some((from, "")) => (from, None),
            Some((from, to)) => (from, Some(to.parse().ok()?)),
            None => (spec, Some(spec.parse().ok()?)),
        };
        Some((from.parse().ok().filter(|n| *n > 0)?, to))
    };
    match argv.first()?.as_str() {
        "cut" => {
            let sep = option("-d").filter(|d| d.chars().count() == 1)?;
            let (from, to) = field_range(option("-f")?)?;
            let fields: Vec<&str> = line.split(sep).collect();
            if fields.len() == 1 {
                return Some(line.to_string()); // cut prints a line without the delimiter whole
            }
            let to = to.unwrap_or(fields.len()).min(fields.len());
            Some(fields.get(from - 1..to).map(|f| f.join(sep)).unwrap_or_default())
        }
        "awk" => {
            let program = argv.last()?.replace(' ', "");
            let n: usize = program.strip_prefix("{print$")?.strip_suffix('}')?.parse().ok()?;
            let fields: Vec<&str> = match option("-F") {
                Some(sep) if sep.chars().count() == 1 && sep != " " => line.split(sep).collect(),
                Some(_) => return None,
                None => line.split_whitespace().collect(),
            };
            Some(if n == 0 { line.to_string() } else { fields.get(n - 1).copied().unwrap_or("").to_string() })
        }
        "tr" => match (argv.get(1)?.as_str(), argv.get(2)?.as_str(), argv.len()) {
            ("[:upper:]" | "A-Z", "[:lower:]" | "a-z", 3) => Some(line.to_ascii_lowercase()),
            ("[:lower:]" | "a-z", "[:upper:]" | "A-Z", 3) => Some(line.to_ascii_uppercase()),
            _ => None,
        },
        _ => None,
    }
}

/// What `grep`, `sed -n` or `awk` print reading the `go` or `toolchain` line of a go.mod:
/// the line for grep (`-m1`, `-E`, `-w` allowed), the version for a sed substitution that keeps
/// the rest (`s/^go //p`, `s/^go \(.*\)/\1/p`) or an awk program printing `$2` of it; `None` for
/// any other program.
fn go_mod_directive_output(tool: &str, args: &[String], go_mod: &str) -> Option<String> {
    let program = args.iter().find(|a| !a.starts_with('-'))?;
    let options_known = args.iter().filter(|a| a.starts_with('-')).all(|a| match tool {
        "grep" => matches!(a.as_str(), "-m1" | "-m" | "-E" | "-w" | "-e"),
        "sed" => a == "-n",
        _ => false,
    });
    // Anchored (`^go `), or unanchored with the space that only the directive's line has after
    // the word (`go [0-9]`: `toolchain go1.25.0` has none).
    let directive = ["go", "toolchain"].into_iter().find(|d| {
        let tail = program.strip_prefix('/').unwrap_or(program);
        let tail = tail.strip_prefix("s/").unwrap_or(tail);
        match tail.strip_prefix('^') {
            Some(t) => t.strip_prefix(d).is_some_and(|t| t.starts_with([' ', '\\', '['])),
            None => tail.strip_prefix(d).is_some_and(|t| t.starts_with(' ')),
        }
    })?;
    if !options_known {
        return None;
    }
    let line = go_mod.lines().map(str::trim).find(|l| l.split_whitespace().next() == Some(directive))?;
    let version = line.split_whitespace().nth(1)?;
    let program = program.replace(' ', "");
    match tool {
        "grep" => Some(line.to_string()),
        "sed" if program.ends_with("//p") || program.ends_with("/\\1/p") => Some(version.to_string()),
        "awk" if program.contains("{print$2") => Some(version.to_string()),
        _ => None,
    }
}

/// `2:7` or `2`: offset and length of a substring expansion (non-negative only).
fn substring_spec(spec: &str) -> Option<(usize, Option<usize>)> {
    let (offset, len) = match spec.split_once(':') {
        Some((o, l)) => (o, Some(l)),
        None => (spec, None),
    };
    let offset = offset.trim().parse().ok()?;
    let len = match len {
        Some(l) => Some(l.trim().parse().ok()?),
        None => None,
    };
    Some((offset, len))
}

/// `read [-r] [-a array] [name...]`: the first line of a here-string's text (`IFS=, read -ra
/// parts <<< "$1"`) split on IFS as the command sets it, one field per name (the last takes
/// the rest) or one element per field; read from anything else, each name is a hole.
fn read_line(cmd: &SimpleCommand, argv: &[Value], env: &mut Env) {
    let mut array = None;
    let mut i = 1;
    while let Some(arg) = argv.get(i).and_then(Value::as_known).filter(|a| a.len() > 1 && a.starts_with('-')) {
        i += 1;
        // Options that take a value: it is the rest of the word or the next word.
        if let Some(at) = arg.find(|c| "adinNptu".contains(c)) {
            let value = match &arg[at + 1..] {
                "" => {
                    i += 1;
                    argv.get(i - 1).and_then(Value::as_known)
                }
                rest => Some(rest),
            };
            if arg[at..].starts_with('a') {
                array = value.map(str::to_string);
            }
        }
    }
    let names: Vec<&str> =
        argv[i.min(argv.len())..].iter().filter_map(Value::as_known).filter(|n| is_name(n)).collect();
    let ifs = match cmd.assigns.iter().find(|(n, _)| n == "IFS") {
        Some((_, w)) => Some(env.expand(w)),
        None => env.get("IFS").cloned(),
    };
    let ifs = ifs.as_ref().map_or(Some(" \t\n"), Value::as_known);
    let line = cmd.here_string.as_ref().map(|w| env.expand(w)).map(|v| v.split_once('\n').map_or(v, |(l, _)| l));
    let fields = match (line, ifs) {
        (Some(line), Some(ifs)) => Some(split_on_ifs(&line, ifs)),
        _ => None,
    };
    let unread = |name: &str| Value::hole(Origin::Unevaluated(format!("(read {name})")));
    if let Some(array) = array.filter(|a| is_name(a)) {
        let elements = fields.unwrap_or_else(|| vec![unread(&array)]);
        env.set_array(&array, elements.into_iter().map(bounded).collect());
        return;
    }
    let names = if names.is_empty() { vec!["REPLY"] } else { names };
    let Some(mut fields) = fields else {
        for name in names {
            env.set(name, unread(name), false);
        }
        return;
    };
    // The last name takes what is left, joined by IFS's first character.
    let rest = fields.split_off(names.len().saturating_sub(1).min(fields.len()));
    let joiner = ifs.and_then(|s| s.chars().next()).unwrap_or(' ').to_string();
    fields.push(join_with(&rest, &joiner));
    for (name, v) in names.iter().zip(fields.into_iter().chain(std::iter::repeat(Value::empty()))) {
        env.set(name, bounded(v), false);
    }
}

/// `line` split as `read` splits it: on IFS's characters in the literal text (a hole stays
/// inside its field); whitespace in IFS splits on runs of it, and a last empty field is dropped.
fn split_on_ifs(line: &Value, ifs: &str) -> Vec<Value> {
    if ifs.is_empty() {
        return vec![line.clone()];
    }
    let mut fields = if ifs.chars().any(char::is_whitespace) { line.split_fields() } else { vec![line.clone()] };
    for sep in ifs.chars().filter(|c| !c.is_whitespace()) {
        fields = fields.iter().flat_map(|f| split_all(f, sep)).take(MAX_READ_FIELDS).collect();
    }
    if fields.len() > 1 && fields.last().is_some_and(Value::is_empty) {
        fields.pop();
    }
    fields
}

/// The lines of a text a `while read` loop reads, at most `MAX_READ_FIELDS`, blank ones left
/// out; a hole stays inside its line.
fn lines_of(text: &Value) -> Vec<Value> {
    let mut lines = split_all(text, '\n');
    lines.retain(|l| l.as_known().is_none_or(|t| !t.trim().is_empty()));
    lines
}

/// `value` cut at each `sep` in its literal text: at most `MAX_READ_FIELDS` pieces, the last
/// holding the rest.
fn split_all(value: &Value, sep: char) -> Vec<Value> {
    let mut pieces = Vec::new();
    let mut rest = value.clone();
    while pieces.len() + 1 < MAX_READ_FIELDS {
        let Some((left, right)) = rest.split_once(sep) else { break };
        pieces.push(left);
        rest = right;
    }
    pieces.push(rest);
    pieces
}

/// The most fields `read` splits a line into (a here-string from a stranger may hold many).
const MAX_READ_FIELDS: usize = 256;

/// A value within the budget's size: a larger one becomes a hole derived from it.
fn bounded(v: Value) -> Value {
    let pieces = match &v {
        Value::Known(_) => 1,
        Value::Partial(p) => p.len(),
    };
    if v.size() > MAX_VALUE || pieces > MAX_PIECES {
        return Value::derived(format!("(a value over {MAX_VALUE} bytes)"), &[&v]);
    }
    v
}

/// `${v%pat}` (shortest suffix), `${v%%pat}`, `${v#pat}` (shortest prefix), `${v##pat}`.
/// `pattern/with` of `${v/pattern/with}` as the lexer keeps it (the pattern's own slashes and
/// backslashes escaped): the pattern unescaped, and the replacement.
fn split_substitution(spec: &str) -> (String, &str) {
    let mut pattern = String::new();
    let mut chars = spec.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => pattern.extend(chars.next().map(|(_, escaped)| escaped)),
            '/' => return (pattern, &spec[at + 1..]),
            c => pattern.push(c),
        }
    }
    (pattern, "")
}

pub fn remove_affix(value: &str, pattern: &str, prefix: bool, longest: bool) -> String {
    let cuts: Vec<usize> = value.char_indices().map(|(i, _)| i).chain([value.len()]).collect();
    let candidates: Box<dyn Iterator<Item = &usize>> = match (prefix, longest) {
        (true, false) => Box::new(cuts.iter()),
        (true, true) => Box::new(cuts.iter().rev()),
        (false, false) => Box::new(cuts.iter().rev()),
        (false, true) => Box::new(cuts.iter()),
    };
    for &cut in candidates {
        let (piece, rest) = if prefix { (&value[..cut], &value[cut..]) } else { (&value[cut..], &value[..cut]) };
        if glob_match(pattern.as_bytes(), piece.as_bytes()) {
            return rest.to_string();
        }
    }
    value.to_string()
}

/// A command as it runs in one iteration of its loops (or one call of its function).
#[derive(Clone, Debug)]
pub struct Evaluated<'a> {
    pub command: &'a SimpleCommand,
    /// The fields the command runs with, after expansion and field splitting.
    pub argv: Vec<Value>,
    /// For each field, the index of the word it came from.
    pub argv_words: Vec<usize>,
    /// Variables the command sees: exported shell variables plus its own prefix assignments.
    pub env: HashMap<String, Value>,
    /// Where the env values were assigned: the prefix assignment words.
    pub prefix: &'a [(String, Word)],
    /// The loop variables (and call arguments, as `$1`...) of this iteration, outermost first.
    pub iteration: Vec<(String, Value)>,
    /// Identifies the loop nest the command sits in (start offsets of its loops and functions).
    pub loops: Vec<usize>,
    /// The function calls it runs in (`build darwin arm64`), outermost first, as source spans.
    pub calls: Vec<(usize, usize)>,
    /// Variables the command read while unset, taken as empty.
    pub assumed_empty: Vec<String>,
    /// The folder the command runs in, relative to where the script started, after its `cd`,
    /// `pushd` and `popd` (`None` where it never changed folder).
    pub cwd: Option<Value>,
}

/// The variable that says which system the script runs on when its caller knows (`Linux` in a
/// container image or on a Linux CI runner, `macOS` on a macOS runner): not a name a script can
/// write.
pub const HOST_SYSTEM: &str = " host system";

/// The variable holding the text of a repository file that `cat` reads (set from what the
/// reader of the file found on disk; a name no script can write).
pub fn file_variable(path: &str) -> String {
    format!(" file {}", without_dot_slash(path))
}

/// The variable holding what a Go program of the repository prints (see `goprog::printed`),
/// by its path as a build file writes it after `go run` (set from what the reader of the file
/// found on disk; a name no script can write).
pub fn printed_variable(program: &str) -> String {
    format!(" go run {}", without_dot_slash(program).trim_end_matches('/'))
}

/// What `go run PROGRAM args` prints, where the reader of the file read PROGRAM
/// (`fields`: the command's words; see `printed_variable`).
pub fn go_run_output<'v>(fields: &[Value], lookup: impl Fn(&str) -> Option<&'v Value>) -> Option<Value> {
    if fields.first()?.as_known()? != "go" || fields.get(1)?.as_known()? != "run" {
        return None;
    }
    let at = 2 + super::gobuild::go_run_program(fields[2..].iter().map(Value::as_known))?;
    lookup(&printed_variable(fields[at].as_known()?)).cloned()
}

/// The variable under which a build file's reader holds what a shell script of the repository
/// prints when run with literal arguments (`scripts/ldflags.sh LDFLAG`, as written after `./`).
pub fn script_output_variable(run: &str) -> String {
    format!(" run {}", without_dot_slash(run.trim()))
}

/// What `[bash|sh] SCRIPT ARGS` prints, where the reader of the file read SCRIPT run so
/// (`fields`: the command's words, all known; see `script_output_variable`).
pub fn script_run_output<'v>(fields: &[Value], lookup: impl Fn(&str) -> Option<&'v Value>) -> Option<Value> {
    let words: Vec<&str> = fields.iter().map(Value::as_known).collect::<Option<_>>()?;
    let words = match words.as_slice() {
        ["bash" | "sh", rest @ ..] => rest,
        all => all,
    };
    words.first().filter(|w| w.ends_with(".sh"))?;
    lookup(&script_output_variable(&words.join(" "))).cloned()
}

/// The most scripts `scripts_run` gives.
const MAX_SCRIPTS_RUN: usize = 16;

/// The shell scripts of the repository whose output a build file's text takes (`$(shell
/// ./scripts/ldflags.sh LDFLAG)`, `$(bash hack/version.sh)`, `` `./build/stamp.sh` ``): each as
/// written, without `./`, with the literal arguments that follow it. Not one named through a
/// variable, nor one given arguments that are not literal text.
pub fn scripts_run(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let starts = text.match_indices("$(").chain(text.match_indices('`')).map(|(at, open)| at + open.len());
    for start in starts.take(64 * MAX_SCRIPTS_RUN) {
        if out.len() >= MAX_SCRIPTS_RUN {
            break;
        }
        let rest = &text[start..];
        let inside = rest.split(['\n', ')', '`']).next().unwrap_or_default();
        let mut words = inside.split_whitespace().peekable();
        if words.peek() == Some(&"shell") {
            words.next();
        }
        let mut words = words.skip_while(|w| super::gobuild::assignment(&Value::known(*w)).is_some()).peekable();
        if words.peek().is_some_and(|w| matches!(*w, "bash" | "sh")) {
            words.next();
        }
        let Some(script) = words.next().filter(|w| w.ends_with(".sh") && !w.contains(['$', '"', '\''])) else {
            continue;
        };
        let literal = |w: &&str| w.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+".contains(&b));
        let args: Vec<&str> = words.collect();
        if !args.iter().all(literal) {
            continue;
        }
        let run = std::iter::once(without_dot_slash(script)).chain(args).collect::<Vec<_>>().join(" ");
        if !script.starts_with('/') && !out.contains(&run) {
            out.push(run);
        }
    }
    out
}

/// The most commands of a script whose output is kept as what it prints: more and it is not a
/// script that prints a value (`$(shell ./scripts/ldflags.sh)`) but one that does a job.
const MAX_PRINTING_COMMANDS: usize = 16;

/// What a shell script prints when run with `args` (see `printed_by_commands`).
pub fn script_printed(text: &str, args: &[&str]) -> Option<Value> {
    let items = super::shell::parse(text, 0);
    let mut env = Env { positional: Some(args.iter().map(|a| Value::known(*a)).collect()), ..Env::default() };
    printed_by_commands(&items, &mut env)
}

/// What commands print when run in `env`: the words of each `echo` (`-n` and `-e` too), and
/// for any other command that is not a builtin and whose output is not redirected, a hole of
/// that command (`date -u +%FT%TZ` prints the clock). Conditionals `env` decides (the caller's
/// arguments) pick their branch; a message printed before an exit with an error (`echo
/// "usage: $0 MODE"; exit 1`) is not output, nor is what runs inside command substitutions.
/// `None` when nothing is printed, or more than `MAX_PRINTING_COMMANDS` times.
fn printed_by_commands(items: &[Item], env: &mut Env) -> Option<Value> {
    const SILENT: &[&str] = &[
        "set", "export", "cd", "pushd", "popd", "test", "[", "[[", "true", "false", ":", "local", "declare",
        "readonly", "return", "shift", "eval", "source", ".", "unset", "mkdir", "rm", "cp", "mv", "trap", "umask",
        "shopt", "exit",
    ];
    let mut shape = Shape::default();
    shape.read(items, false, &[]);
    let evaluated: Vec<Evaluated<'_>> = evaluate(items, env, &Budget::default())
        .into_iter()
        .filter(|c| !shape.substituted.contains(&c.command.start))
        .collect();
    let fails = |c: &Evaluated<'_>| {
        let words: Vec<Option<&str>> = c.argv.iter().map(Value::as_known).collect();
        words.first() == Some(&Some("exit")) && words.get(1).is_some_and(|status| *status != Some("0"))
    };
    // Each output with the index of the command that printed it and the branches it is in.
    let mut printed: Vec<(usize, Value, &[Branch])> = Vec::new();
    for (i, c) in evaluated.iter().enumerate() {
        // The messages printed right before it are the error path's.
        if fails(c) {
            let mut before = i;
            while printed.last().is_some_and(|(at, ..)| *at + 1 == before) {
                before -= 1;
                printed.pop();
            }
            continue;
        }
        let Some(program) = c.argv.first() else { continue };
        let program = program.as_known()?;
        // A call of the script's own function prints what its body prints.
        if !c.command.writes_to.is_empty() || SILENT.contains(&program) || shape.functions.contains(program) {
            continue;
        }
        let output = match program {
            "echo" => {
                let mut words = &c.argv[1..];
                while words.first().and_then(Value::as_known).is_some_and(|w| matches!(w, "-n" | "-e" | "-ne" | "-en"))
                {
                    words = &words[1..];
                }
                let mut b = Builder::default();
                for (i, word) in words.iter().enumerate() {
                    b.push_str(if i > 0 { " " } else { "" });
                    b.push(word);
                }
                b.build()
            }
            _ => Value::hole(Origin::Command(c.argv.iter().map(Value::display).collect::<Vec<_>>().join(" "))),
        };
        let branches = shape.branches.get(&c.command.start).map_or(&[][..], Vec::as_slice);
        // Another branch of a conditional the environment did not decide printed before: one of
        // the two is printed, not both (`if [[ $DBG == 1 ]]; then echo "all=-N -l"; else echo ""`).
        let other_branch = |earlier: &[Branch]| {
            earlier.iter().any(|(construct, arm)| branches.iter().any(|(c, a)| c == construct && a != arm))
        };
        match printed.iter_mut().rev().find(|(_, _, earlier)| other_branch(earlier)) {
            Some((_, value, _)) => *value = Value::either(std::mem::replace(value, Value::empty()), output),
            None => printed.push((i, output, branches)),
        }
        if printed.len() > MAX_PRINTING_COMMANDS {
            return None;
        }
    }
    let mut b = Builder::default();
    for (i, (_, v, _)) in printed.iter().enumerate() {
        b.push_str(if i > 0 { "\n" } else { "" });
        b.push(v);
    }
    (!printed.is_empty()).then(|| b.build())
}

/// One branch of an `if` or `case`: the construct's number and the branch's.
type Branch = (usize, usize);

/// What `printed_by_commands` needs to know of a script's structure: the commands that run
/// inside command substitutions (their output is taken, not printed), the functions it
/// defines, and the branch of each `if` or `case` each command sits in (by start offset).
#[derive(Default)]
struct Shape {
    substituted: BTreeSet<usize>,
    functions: BTreeSet<String>,
    /// For each command, the branches around it, outermost first.
    branches: HashMap<usize, Vec<Branch>>,
    constructs: usize,
}

impl Shape {
    fn read(&mut self, items: &[Item], inside: bool, around: &[Branch]) {
        for item in items {
            match item {
                Item::Command(c) => {
                    if inside {
                        self.substituted.insert(c.start);
                    }
                    if !around.is_empty() {
                        self.branches.insert(c.start, around.to_vec());
                    }
                    self.read(&c.nested, true, around);
                }
                Item::Function { name, body, .. } => {
                    self.functions.insert(name.clone());
                    self.read(body, inside, around);
                }
                Item::For { body, .. } => self.read(body, inside, around),
                Item::Case { arms, .. } => {
                    let construct = self.next_construct();
                    for (arm, (_, body)) in arms.iter().enumerate() {
                        self.read(body, inside, &[around, &[(construct, arm)]].concat());
                    }
                }
                Item::If { branches, otherwise } => {
                    let construct = self.next_construct();
                    for (arm, (condition, body)) in branches.iter().enumerate() {
                        self.read(condition, inside, around);
                        self.read(body, inside, &[around, &[(construct, arm)]].concat());
                    }
                    let otherwise = otherwise.as_deref().unwrap_or(&[]);
                    self.read(otherwise, inside, &[around, &[(construct, branches.len())]].concat());
                }
                Item::Unread(_) => {}
            }
        }
    }

    fn next_construct(&mut self) -> usize {
        self.constructs += 1;
        self.constructs
    }
}

/// A relative path without its leading `./` (any number of them).
pub fn without_dot_slash(path: &str) -> &str {
    let mut path = path;
    while let Some(p) = path.strip_prefix("./") {
        path = p;
    }
    path
}

/// What a command that reports the build host's system prints (`uname -s`, `go env GOOS`),
/// on `host` (GitHub's RUNNER_OS names: `Linux`, `macOS`, `Windows`).
pub fn host_system_output(argv: &[&str], host: &str) -> Option<String> {
    let (uname, goos) = match host {
        "Linux" => ("Linux", "linux"),
        "macOS" => ("Darwin", "darwin"),
        _ => return None,
    };
    match argv {
        ["uname"] | ["uname", "-s"] => Some(uname.to_string()),
        ["go", "env", "GOOS" | "GOHOSTOS"] => Some(goos.to_string()),
        _ => None,
    }
}

/// The variable that holds the folder a script runs in (where its caller started it, then
/// after its `cd`): not a name a script can write.
pub const CWD: &str = " cwd";
/// The folders `pushd` saved, innermost last.
const DIR_STACK: &str = " dirs";

impl<'a> Evaluated<'a> {
    /// The word a field came from.
    pub fn word_of(&self, field: usize) -> &'a Word {
        &self.command.words[self.argv_words[field]]
    }
}

/// The folder after `cd to` from `from` (relative to where the script started; empty there):
/// an absolute folder as it is, a relative one joined to it with `..` applied. A folder not
/// known (`cd` alone, `cd -`, a hole) stays a hole.
fn changed_folder(from: Option<&Value>, to: Option<&Value>) -> Value {
    let unknown = || Value::hole(Origin::Unevaluated("(the folder cd changed to)".into()));
    // An absolute folder with holes (`cd /tmp/jsonnet-${VERSION}`) is still that folder.
    if let Some(to) = to.filter(|t| t.as_known().is_none() && t.starts_with("/")) {
        return to.clone();
    }
    let (Some(to), from) = (to.and_then(Value::as_known), from.cloned().unwrap_or_else(Value::empty)) else {
        return unknown();
    };
    if to == "-" || to.starts_with('~') {
        return unknown();
    }
    let mut parts: Vec<String> = match (to.starts_with('/'), from.as_known()) {
        (true, _) => vec![String::new()],
        (false, Some(base)) => base.split('/').filter(|p| !p.is_empty()).map(str::to_string).collect(),
        // Relative to a folder not known: known relative part after a hole.
        (false, None) => {
            let mut b = Builder::default();
            b.push(&from);
            b.push_str("/");
            b.push_str(to);
            return b.build();
        }
    };
    for part in to.split('/').filter(|p| !p.is_empty() && *p != ".") {
        match part {
            ".." if parts.last().is_some_and(|p| !p.is_empty() && p != "..") => drop(parts.pop()),
            p => parts.push(p.to_string()),
        }
    }
    Value::known(parts.join("/"))
}

/// Evaluates a script with `env` as its starting environment, collecting every command run.
pub fn evaluate<'a>(items: &'a [Item], env: &mut Env, budget: &Budget) -> Vec<Evaluated<'a>> {
    evaluate_with_entries(items, env, budget, &|_| true)
}

/// `evaluate`, where a function nobody calls is evaluated on its own only when `entry` says its
/// definition (by offset) is one a caller may run: not a sourced library's.
pub fn evaluate_with_entries<'a>(
    items: &'a [Item],
    env: &mut Env,
    budget: &Budget,
    entry: &dyn Fn(usize) -> bool,
) -> Vec<Evaluated<'a>> {
    let mut state =
        Walk { budget, functions: HashMap::new(), called: BTreeSet::new(), walks: HashMap::new(), out: Vec::new() };
    let mut frame = Frame::default();
    let _ = state.walk(items, env, &mut frame, 0);
    // A function nobody calls in the file is still evaluated once, with the caller's arguments.
    let uncalled: Vec<(String, (&'a [Item], usize))> = state
        .functions
        .iter()
        .filter(|(n, (_, start))| !state.called.contains(*n) && entry(*start))
        .map(|(n, f)| (n.clone(), *f))
        .collect();
    for (name, (body, start)) in uncalled {
        let mut env = env.clone();
        env.positional = None;
        frame.loops.push(start);
        state.called.insert(name);
        let _ = state.walk(body, &mut env, &mut frame, 1);
        frame.loops.pop();
    }
    state.out
}

#[derive(Default)]
struct Frame {
    iteration: Vec<(String, Value)>,
    loops: Vec<usize>,
    calls: Vec<(usize, usize)>,
    /// The functions being called, innermost last: each name and whether it runs its arguments
    /// as a command (a wrapper).
    functions: Vec<(String, bool)>,
}

struct Walk<'a, 'b> {
    budget: &'b Budget,
    /// Functions defined so far: body and start offset.
    functions: HashMap<String, (&'a [Item], usize)>,
    called: BTreeSet<String>,
    /// How many times each function's body was walked from inside functions.
    walks: HashMap<String, usize>,
    out: Vec<Evaluated<'a>>,
}

/// The most times one function's body is walked from inside functions in one file: a helper
/// that every function calls (a `run` wrapper, a logger) is evaluated at each call up to this
/// many, then its calls are commands it runs no further (a script that sources a library of
/// fifty functions would otherwise spend its whole budget in it).
const MAX_WALKS_PER_FUNCTION: usize = 16;
/// The most `||` operands of a CI expression evaluated (`Env::ci_expression`).
const MAX_CI_OPERANDS: usize = 8;

/// How a list of items ended: normally, or by `continue`, `break`, `return` or `exit` on a path
/// that was sure to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    Next,
    Continue,
    Break,
    Return,
}

/// What a list left: how it ended, and the exit status of its last command when known.
type Outcome = (Flow, Option<bool>);

impl<'a> Walk<'a, '_> {
    fn walk(&mut self, items: &'a [Item], env: &mut Env, frame: &mut Frame, depth: usize) -> Outcome {
        if !self.budget.within_depth(depth, "constructs and calls") {
            return (Flow::Return, None);
        }
        let mut status = Some(true);
        for (at, item) in items.iter().enumerate() {
            if self.budget.exhausted() {
                return (Flow::Return, None);
            }
            let (flow, next_status) = match item {
                Item::Command(cmd) => {
                    // `a && b` runs b only when a succeeded, `a || b` only when it failed.
                    let runs = match cmd.after {
                        "&&" => status,
                        "||" => status.map(|s| !s),
                        _ => Some(true),
                    };
                    match runs {
                        Some(true) => self.command(cmd, env, frame, depth),
                        Some(false) => (Flow::Next, status),
                        // Maybe runs: a command that cannot change variables runs in place.
                        None if !self.may_set_variables(cmd) => (Flow::Next, self.command(cmd, env, frame, depth).1),
                        // The rest of an `&&` chain runs only where this one ran (`ls && cd
                        // /tmp/x && make` makes in /tmp/x): it sees what this one set.
                        None if matches!(items.get(at + 1), Some(Item::Command(next)) if next.after == "&&") => {
                            self.command(cmd, env, frame, depth)
                        }
                        None => {
                            let mut ran = env.clone();
                            let (_, s) = self.command(cmd, &mut ran, frame, depth);
                            *env = ran.merge(env);
                            (Flow::Next, s)
                        }
                    }
                }
                Item::Unread(why) => {
                    self.budget.stop(|| match why {
                        Unread::NestedTooDeep => {
                            format!(
                                "evaluation stopped: constructs nested deeper than {MAX_DEPTH}; the rest was not read"
                            )
                        }
                        Unread::TooManyWords => {
                            format!("evaluation stopped: more than {MAX_WORDS} shell words; the rest was not read")
                        }
                    });
                    (Flow::Return, None)
                }
                Item::Function { name, body, start } => {
                    self.functions.insert(name.clone(), (body, *start));
                    env.remember_printer(name, body);
                    (Flow::Next, Some(true))
                }
                Item::If { branches, otherwise } => self.if_chain(branches, otherwise.as_deref(), env, frame, depth),
                Item::Case { word, arms } => {
                    // A case on a variable the file never sets (`case "$CRAFT_ARCH_BUILD_FOR"`,
                    // whose `*) exit 1` arm says the caller must) is on what the caller gives,
                    // not on the empty text it would be unset.
                    let params = |parts: &[Part]| -> Vec<String> {
                        let mut names = Vec::new();
                        for p in parts {
                            match p {
                                Part::Param { name, op: None } => names.push(name.clone()),
                                Part::Double(inner) => names.extend(inner.iter().filter_map(|p| match p {
                                    Part::Param { name, op: None } => Some(name.clone()),
                                    _ => None,
                                })),
                                _ => {}
                            }
                        }
                        names
                    };
                    let names = params(&word.parts);
                    let unset = !names.is_empty() && names.iter().all(|n| is_name(n) && env.get(n).is_none());
                    let subject = match unset {
                        true => Value::hole(Origin::Unevaluated(super::shell::flatten(&word.parts))),
                        false => env.expand(word),
                    };
                    let matches = |patterns: &[Word]| -> Option<bool> {
                        let s = subject.as_known()?;
                        let mut any_unknown = false;
                        for p in patterns {
                            match env.expand(p).as_known() {
                                Some(p) if glob_match(p.as_bytes(), s.as_bytes()) => return Some(true),
                                Some(_) => {}
                                None => any_unknown = true,
                            }
                        }
                        (!any_unknown).then_some(false)
                    };
                    let mut candidates: Vec<&'a [Item]> = Vec::new();
                    let mut decided = None;
                    for (patterns, body) in arms {
                        match matches(patterns) {
                            Some(true) if candidates.is_empty() => {
                                decided = Some(body.as_slice());
                                break;
                            }
                            Some(true) => {
                                candidates.push(body);
                                break;
                            }
                            Some(false) => {}
                            None => candidates.push(body),
                        }
                    }
                    match decided {
                        Some(body) => self.walk(body, env, frame, depth + 1),
                        // No arm can match: nothing runs.
                        None if candidates.is_empty() => (Flow::Next, Some(true)),
                        None => self.alternatives(&candidates, true, env, frame, depth),
                    }
                }
                Item::For { var, words, body, start, per_line } => {
                    let values: Vec<Value> = match words {
                        None => env.elements("@"),
                        // A `while read` loop's input: its lines (blank ones left out).
                        Some(ws) if *per_line => ws.iter().flat_map(|w| lines_of(&env.expand(w))).collect(),
                        // `for p in plugins/*`: each file the pattern matches, which no file says;
                        // written as the pattern, which names those files (`tar -c $p`).
                        Some(ws) => ws
                            .iter()
                            .flat_map(|w| {
                                match w.parts.iter().any(|p| matches!(p, Part::Lit(t) if t.contains(['*', '?', '[']))) {
                                    true => vec![Value::hole(Origin::Unevaluated(super::shell::flatten(&w.parts)))],
                                    false => env.fields(w),
                                }
                            })
                            .collect(),
                    };
                    frame.loops.push(*start);
                    let mut flow = Flow::Next;
                    for v in values {
                        if self.budget.exhausted() {
                            break;
                        }
                        env.set(var, v.clone(), false);
                        frame.iteration.push((var.clone(), v));
                        let (f, _) = self.walk(body, env, frame, depth + 1);
                        frame.iteration.pop();
                        match f {
                            Flow::Break => break,
                            Flow::Return => {
                                flow = Flow::Return;
                                break;
                            }
                            Flow::Next | Flow::Continue => {}
                        }
                    }
                    frame.loops.pop();
                    (flow, Some(true))
                }
            };
            status = next_status;
            if flow != Flow::Next {
                return (flow, status);
            }
        }
        (Flow::Next, status)
    }

    /// Whether running `cmd` may change shell variables: assignments, the builtins that set or
    /// unset them, and calls of the script's own functions.
    fn may_set_variables(&self, cmd: &SimpleCommand) -> bool {
        let program = cmd.words.first().and_then(Word::literal);
        cmd.words.is_empty()
            || !cmd.arrays.is_empty()
            || program.is_none_or(|p| {
                matches!(
                    p,
                    "export"
                        | "readonly"
                        | "declare"
                        | "local"
                        | "typeset"
                        | "unset"
                        | "set"
                        | "shift"
                        | "cd"
                        | "pushd"
                        | "popd"
                        | "read"
                        | "source"
                        | "."
                        | "eval"
                ) || self.functions.contains_key(p)
            })
    }

    /// Runs each of `bodies` (and, with `also_none`, the path where none of them runs) on its own
    /// copy of the environment, and merges the copies: a variable the paths set differently
    /// becomes a hole. Control flow inside a path that may not run does not end the enclosing list.
    fn alternatives(
        &mut self,
        bodies: &[&'a [Item]],
        also_none: bool,
        env: &mut Env,
        frame: &mut Frame,
        depth: usize,
    ) -> Outcome {
        let mut merged: Option<Env> = None;
        let mut statuses = Vec::new();
        let take = |e: Env, merged: &mut Option<Env>| {
            *merged = Some(match merged.take() {
                Some(m) => m.merge(&e),
                None => e,
            });
        };
        for body in bodies {
            let mut e = env.clone();
            statuses.push(self.walk(body, &mut e, frame, depth + 1).1);
            take(e, &mut merged);
        }
        if also_none {
            take(env.clone(), &mut merged);
        }
        if let Some(m) = merged {
            *env = m;
        }
        let status = if statuses.windows(2).all(|w| w[0] == w[1]) { statuses.first().copied().flatten() } else { None };
        (Flow::Next, status)
    }

    /// `if`/`elif`/`else`: the branch a known condition picks, else every branch that may run,
    /// merged.
    fn if_chain(
        &mut self,
        branches: &'a [(Vec<Item>, Vec<Item>)],
        otherwise: Option<&'a [Item]>,
        env: &mut Env,
        frame: &mut Frame,
        depth: usize,
    ) -> Outcome {
        let mut candidates: Vec<&'a [Item]> = Vec::new();
        for (condition, body) in branches {
            let (_, truth) = self.walk(condition, env, frame, depth + 1);
            match truth {
                Some(true) if candidates.is_empty() => return self.walk(body, env, frame, depth + 1),
                Some(true) => {
                    candidates.push(body);
                    return self.alternatives(&candidates, false, env, frame, depth);
                }
                Some(false) => {}
                None => candidates.push(body),
            }
        }
        if candidates.is_empty() {
            return match otherwise {
                Some(body) => self.walk(body, env, frame, depth + 1),
                None => (Flow::Next, Some(true)),
            };
        }
        candidates.extend(otherwise);
        self.alternatives(&candidates, otherwise.is_none(), env, frame, depth)
    }

    /// The words of eval's known text when it is a plain call of a function of the script
    /// (`build`, `build linux amd64`): no quoting, expansion or operator to read.
    fn evaluated_call(&self, args: &[Value]) -> Option<Vec<Value>> {
        let text = args.iter().map(Value::as_known).collect::<Option<Vec<&str>>>()?.join(" ");
        let plain = |w: &str| w.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:".contains(c));
        let words: Vec<&str> = text.split_whitespace().collect();
        words.first().filter(|f| self.functions.contains_key(**f))?;
        words.iter().all(|w| plain(w)).then(|| words.iter().map(|w| Value::known(*w)).collect())
    }

    fn command(&mut self, cmd: &'a SimpleCommand, env: &mut Env, frame: &mut Frame, depth: usize) -> Outcome {
        if !self.budget.spend_command() {
            return (Flow::Return, None);
        }
        // Its substitutions and its `sh -c` script run in a subshell: what they set is not kept.
        if !cmd.nested.is_empty() {
            let _ = self.walk(&cmd.nested, &mut env.clone(), frame, depth + 1);
        }
        env.take_assumed_empty();
        let mut argv = Vec::new();
        let mut argv_words = Vec::new();
        for (i, w) in cmd.words.iter().enumerate() {
            for f in env.fields(w) {
                argv.push(f);
                argv_words.push(i);
            }
        }
        let mut builtin = argv.first().and_then(Value::as_known).unwrap_or("").to_string();
        // `eval "$arg"` whose text is a call of one of the script's functions (`for arg in "$@";
        // do eval "$arg"; done` run as `./build.sh build install`) makes that call; other text
        // given to eval is not read.
        if builtin == "eval" {
            if let Some(call) = self.evaluated_call(&argv[1..]) {
                argv_words = vec![1; call.len()];
                builtin = call.first().and_then(Value::as_known).unwrap_or("").to_string();
                argv = call;
            }
        }
        let declares = matches!(builtin.as_str(), "export" | "readonly" | "declare" | "local" | "typeset");
        if cmd.words.is_empty() || declares {
            let exported =
                builtin == "export" || (builtin == "declare" && argv.iter().any(|a| a.as_known() == Some("-x")));
            for (name, word) in &cmd.assigns {
                let v = env.expand(word);
                env.assign(name, v, exported);
            }
            for (name, words) in &cmd.arrays {
                let elements = words.iter().flat_map(|w| env.fields(w)).collect();
                env.assign_array(name, elements);
            }
            for w in cmd.words.iter().skip(1) {
                if let Some((name, word)) = split_assignment(w) {
                    let v = env.expand(&word);
                    env.assign(&name, v, exported);
                    continue;
                }
                // An expansion's fields assign too (`export "${ENV_VARS[@]}"` holding `GOOS=darwin`).
                for field in env.fields(w) {
                    match field.split_once('=') {
                        Some((name, v)) => {
                            if let Some(name) = name.as_known().filter(|n| is_name(n)) {
                                env.assign(name, v, exported);
                            }
                        }
                        None if exported => {
                            if let Some(name) = field.as_known().filter(|n| is_name(n)) {
                                let v = env.get(name).cloned().unwrap_or_else(Value::empty);
                                env.set(name, v, true);
                            }
                        }
                        None => {}
                    }
                }
            }
        }
        let flow = match builtin.as_str() {
            "continue" => Flow::Continue,
            "break" => Flow::Break,
            // A subshell's `exit` leaves the group, not the script.
            "exit" if cmd.in_subshell => Flow::Next,
            "return" | "exit" => Flow::Return,
            _ => Flow::Next,
        };
        match builtin.as_str() {
            "unset" => {
                for w in cmd.words.iter().skip(1).filter_map(Word::literal) {
                    env.vars.remove(w);
                }
            }
            "read" => read_line(cmd, &argv, env),
            "set" if argv.get(1).and_then(Value::as_known) == Some("--") => {
                env.positional = Some(argv[2..].to_vec());
            }
            "cd" | "pushd" => {
                let to = argv.get(1).filter(|_| argv.len() == 2).cloned();
                if builtin == "pushd" {
                    let mut saved = env.vars.get(DIR_STACK).and_then(|v| v.elements.clone()).unwrap_or_default();
                    saved.push(env.get(CWD).cloned().unwrap_or_else(Value::empty));
                    env.set_array(DIR_STACK, saved);
                }
                let cwd = changed_folder(env.get(CWD), to.as_ref());
                env.set(CWD, cwd, false);
            }
            "popd" => {
                let mut saved = env.vars.get(DIR_STACK).and_then(|v| v.elements.clone()).unwrap_or_default();
                let back = saved.pop().unwrap_or_else(|| Value::hole(Origin::Unevaluated("(popd)".into())));
                env.set_array(DIR_STACK, saved);
                env.set(CWD, back, false);
            }
            // `shift [n]`: the positional parameters lose their first n (a subcommand's name).
            "shift" => {
                let n = argv.get(1).map_or(Some(1), |n| n.as_known().and_then(|n| n.parse::<usize>().ok()));
                match (n, env.positional.as_mut()) {
                    (Some(n), Some(args)) => drop(args.drain(..n.min(args.len()))),
                    _ => env.positional = None,
                }
            }
            _ => {}
        }
        let mut cmd_env: HashMap<String, Value> = env.exported().map(|(k, v)| (k.clone(), v.clone())).collect();
        for (name, word) in &cmd.assigns {
            cmd_env.insert(name.clone(), env.expand(word));
        }
        // `"$@"` in a wrapper's body runs what its call names: it was evaluated at the call.
        if frame.functions.last().is_some_and(|(_, w)| *w) && cmd.words.first().is_some_and(is_all_arguments) {
            return (flow, None);
        }
        let function = self.functions.get(builtin.as_str()).copied();
        let wrapper = function.is_some_and(|(body, _)| runs_its_arguments(body)) && argv.len() > 1;
        let assumed_empty = env.take_assumed_empty();
        // A test of a variable the file never sets is the caller's choice: not decided.
        let status = if assumed_empty.is_empty() { test_status(&argv) } else { None };
        // A wrapper's call (`run go build ...`) is the command it names, at the call, where its
        // words are written.
        let skip = usize::from(wrapper);
        self.out.push(Evaluated {
            command: cmd,
            argv: argv[skip..].to_vec(),
            argv_words: argv_words[skip..].to_vec(),
            env: cmd_env,
            prefix: &cmd.assigns,
            iteration: frame.iteration.clone(),
            loops: frame.loops.clone(),
            calls: frame.calls.clone(),
            assumed_empty,
            cwd: env.get(CWD).cloned(),
        });
        // Calls from the script's own lines (`build linux amd64`, once per platform) are all
        // followed; calls from inside functions (helpers, recursion) up to the cap.
        let function = function.filter(|_| {
            if frame.functions.is_empty() {
                return true;
            }
            let walks = self.walks.entry(builtin.clone()).or_default();
            *walks += 1;
            if *walks > MAX_WALKS_PER_FUNCTION && frame.functions.iter().any(|(name, _)| *name == builtin) {
                self.budget
                    .cut(|| format!("evaluation cut: {builtin} calls itself, followed {MAX_WALKS_PER_FUNCTION} times"));
            }
            *walks <= MAX_WALKS_PER_FUNCTION
        });
        if let Some((body, start)) = function {
            // One evaluation per call: its own `$1`..., the caller's variables (and the prefix
            // assignments of the call, exported for its duration).
            self.called.insert(builtin.clone());
            let saved = env.positional.replace(argv[1..].to_vec());
            let mut call_env = env.clone();
            for (name, word) in &cmd.assigns {
                let v = env.expand(word);
                call_env.set(name, v, true);
            }
            let args: Vec<(String, Value)> =
                argv[1..].iter().enumerate().map(|(i, v)| (format!("${}", i + 1), v.clone())).collect();
            frame.loops.push(start);
            frame.calls.push((cmd.start, cmd.end));
            frame.functions.push((builtin.clone(), wrapper));
            frame.iteration.extend(args.iter().cloned());
            let (_, status) = self.walk(body, &mut call_env, frame, depth + 1);
            frame.iteration.truncate(frame.iteration.len() - args.len());
            frame.functions.pop();
            frame.calls.pop();
            frame.loops.pop();
            // Assignments in a function are global in sh.
            call_env.positional = saved.clone();
            *env = call_env;
            env.positional = saved;
            return (Flow::Next, status);
        }
        (flow, status)
    }
}

/// Whether a word is `"$@"` (or `$@`, `"${@}"`, `$*`): all the positional parameters.
fn is_all_arguments(w: &Word) -> bool {
    let all = |p: &Part| matches!(p, Part::Param { name, op: None } if name == "@" || name == "*");
    match w.parts.as_slice() {
        [p] if all(p) => true,
        [Part::Double(inner)] => matches!(inner.as_slice(), [p] if all(p)),
        _ => false,
    }
}

/// Whether a function body runs its arguments as a command (`run() { log "$*"; "$@"; }`): a
/// wrapper, whose call `run go build ...` is that command.
fn runs_its_arguments(body: &[Item]) -> bool {
    body.iter().any(|item| match item {
        Item::Command(c) => c.words.first().is_some_and(is_all_arguments),
        Item::If { branches, otherwise } => {
            branches.iter().any(|(_, b)| runs_its_arguments(b)) || otherwise.as_deref().is_some_and(runs_its_arguments)
        }
        Item::For { body, .. } => runs_its_arguments(body),
        Item::Case { arms, .. } => arms.iter().any(|(_, b)| runs_its_arguments(b)),
        Item::Function { .. } | Item::Unread(_) => false,
    })
}

/// The exit status of `true`, `false`, `:`, `test`, `[ ... ]` and `[[ ... ]]` when every word
/// is known; `None` for any other command (its status is not known without running it).
fn test_status(argv: &[Value]) -> Option<bool> {
    let words: Vec<&str> = argv.iter().map(Value::as_known).collect::<Option<_>>()?;
    let (expression, double) = match words.as_slice() {
        ["true" | ":", ..] => return Some(true),
        ["false", ..] => return Some(false),
        ["[", rest @ .., "]"] => (rest, false),
        ["[[", rest @ .., "]]"] => (rest, true),
        ["test", rest @ ..] => (rest, false),
        _ => return None,
    };
    test_expression(expression, double)
}

/// A test expression of one or two operands; `[[ ]]` matches `==` as a pattern.
fn test_expression(e: &[&str], double: bool) -> Option<bool> {
    let numbers = |a: &str, b: &str| Some((a.trim().parse::<i64>().ok()?, b.trim().parse::<i64>().ok()?));
    Some(match e {
        ["!", rest @ ..] => !test_expression(rest, double)?,
        [] => false,
        [a] => !a.is_empty(),
        ["-n", a] => !a.is_empty(),
        ["-z", a] => a.is_empty(),
        [a, "=" | "==", b] => {
            if double {
                glob_match(b.as_bytes(), a.as_bytes())
            } else {
                a == b
            }
        }
        [a, "!=", b] => {
            if double {
                !glob_match(b.as_bytes(), a.as_bytes())
            } else {
                a != b
            }
        }
        [a, "=~", re] if double => regex_alternatives(re)?.iter().any(|alt| alt.matches(a)),
        [a, op, b] if op.starts_with('-') => {
            let (a, b) = numbers(a, b)?;
            match *op {
                "-eq" => a == b,
                "-ne" => a != b,
                "-lt" => a < b,
                "-le" => a <= b,
                "-gt" => a > b,
                "-ge" => a >= b,
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// One alternative of a simple regular expression: literal text, maybe anchored.
struct Alternative<'r> {
    text: &'r str,
    start: bool,
    end: bool,
}

impl Alternative<'_> {
    fn matches(&self, s: &str) -> bool {
        match (self.start, self.end) {
            (true, true) => s == self.text,
            (true, false) => s.starts_with(self.text),
            (false, true) => s.ends_with(self.text),
            (false, false) => s.contains(self.text),
        }
    }
}

/// `x86_64|arm64`, `^linux$`: alternatives of literal text; `None` for anything richer.
fn regex_alternatives(re: &str) -> Option<Vec<Alternative<'_>>> {
    re.split('|')
        .map(|alt| {
            let start = alt.starts_with('^');
            let end = alt.ends_with('$') && alt.len() > usize::from(start);
            let text = &alt[usize::from(start)..alt.len() - usize::from(end)];
            text.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-').then_some(Alternative {
                text,
                start,
                end,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::parse;

    #[test]
    fn what_a_script_prints() {
        let clock = |v: &Value| v.holes().any(|h| h.provenance == Provenance::Clock);
        let printed = script_printed("#!/usr/bin/env bash\n\ndate -u +\"%Y-%m-%dT%H:%M:%SZ\"\n", &[]).unwrap();
        assert!(clock(&printed), "{printed:?}");
        // The mode its caller passes picks the branch; a usage message before a failing exit is
        // not its output; what substitutions run is taken, not printed.
        let modes = "MODE=$1\nif [ \"$MODE\" != \"LDFLAG\" ] && [ \"$MODE\" != \"ECHO\" ]; then\n  echo \"Usage: $0 <LDFLAG|ECHO>\"\n  exit 1\nfi\nBUILD_DATE=$(date '+%F-%T')\nif [ \"$MODE\" = \"LDFLAG\" ]; then\n  echo -X p.BuildDate=${BUILD_DATE}\nfi\nif [ \"$MODE\" = \"ECHO\" ]; then\n  echo BUILD_DATE=${BUILD_DATE}\nfi\n";
        let printed = script_printed(modes, &["LDFLAG"]).unwrap();
        assert!(printed.display().starts_with("-X p.BuildDate=$(date"), "{printed:?}");
        let flags = "BUILD_DATE=\"$(date +%FT%T)\"\nflags=(\n  -X p.Date=${BUILD_DATE}\n  -X p.Commit=$(git rev-parse HEAD)\n)\n[[ -z ${MAJOR} ]] && (echo \"major version is empty\" >&2 ; exit 1)\necho -n \"${flags[@]}\"\n";
        let printed = script_printed(flags, &[]).unwrap();
        assert!(printed.display().starts_with("-X p.Date=$(date +%FT%T) -X p.Commit="), "{printed:?}");
        // Two branches the environment leaves open print one value or the other; a call of the
        // script's own function prints what its body prints.
        let choice = "version::gcflags() {\n  if [[ \"${DBG:-}\" == 1 ]]; then\n    echo \"all=-N -l\"\n  else\n    echo \"\"\n  fi\n}\nversion::gcflags\n";
        let printed = script_printed(choice, &[]).unwrap();
        assert_eq!(printed.alternatives().map(<[_]>::len), Some(2), "{printed:?}");
        // A script that only does a job prints nothing to take.
        assert_eq!(script_printed("set -e\nmkdir -p out\ngo build -o out/app . > build.log\n", &[]), None);
        assert_eq!(
            scripts_run(
                "A := $(shell ./build/stamp.sh)\nB=$(bash hack/v.sh LDFLAG)\nC=`./x.sh $1`\nD=$(shell go run x.go)\n"
            ),
            ["build/stamp.sh", "hack/v.sh LDFLAG"]
        );
    }

    /// Each evaluated command's argv (holes written as their origin).
    fn run(src: &str) -> Vec<Vec<String>> {
        let items = parse(src, 0);
        let budget = Budget::default();
        evaluate(&items, &mut Env::default(), &budget)
            .into_iter()
            .map(|e| e.argv.iter().map(Value::display).collect())
            .collect()
    }

    #[test]
    fn the_go_line_of_a_go_mod() {
        let go_mod = "go 1.25.0\ntoolchain go1.26.3";
        let out = |tool: &str, args: &[&str]| {
            let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            go_mod_directive_output(tool, &args, go_mod)
        };
        assert_eq!(out("grep", &["-m1", "^go "]).as_deref(), Some("go 1.25.0"));
        assert_eq!(out("grep", &["-E", "^go\\s"]).as_deref(), Some("go 1.25.0"));
        assert_eq!(out("sed", &["-n", "s/^go //p"]).as_deref(), Some("1.25.0"));
        assert_eq!(out("sed", &["-n", "s/^go \\(.*\\)/\\1/p"]).as_deref(), Some("1.25.0"));
        assert_eq!(out("awk", &["/^go [0-9]/ {print $2; exit}"]).as_deref(), Some("1.25.0"));
        assert_eq!(out("awk", &["/^toolchain / {print $2}"]).as_deref(), Some("go1.26.3"));
        // Unanchored, the space after `go` finds only the go line.
        assert_eq!(out("grep", &["-E", "go [0-9].[0-9]+"]).as_deref(), Some("go 1.25.0"));
        // Other programs and options are not guessed at.
        assert_eq!(out("grep", &["-v", "^go "]), None);
        assert_eq!(out("grep", &["golang.org/x/net"]), None);
        assert_eq!(out("sed", &["s/^go //"]), None);
        assert_eq!(out("awk", &["/^go / {print $1}"]), None);
        // Through a shell: the file the reader was given.
        let mut env = Env::default();
        env.set(&file_variable("go.mod"), Value::known(go_mod), false);
        let items = parse("V=$(grep '^go ' go.mod | cut -d' ' -f2)\necho \"$V\"\n", 0);
        let ev = evaluate(&items, &mut env, &Budget::default());
        assert_eq!(ev.last().map(|e| e.argv[1].clone()), Some(Value::known("1.25.0")));
    }

    #[test]
    fn read_splits_a_here_string_on_ifs() {
        // The lines after a here-string are read (it is no here-document).
        let src = "IFS=, read -ra ENV <<< \"GOOS=darwin,GOARCH=arm64,\"\nexport \"${ENV[@]}\"\nread -r OS ARCH REST <<< 'linux amd64 v2 extra'\nread LINE\necho \"$GOOS\" \"$GOARCH\" \"${#ENV[@]}\" \"$OS\" \"$ARCH\" \"$REST\" \"$LINE\"\n";
        let out = run(src);
        let echo = out.last().expect("echo runs");
        assert_eq!(echo[..6], ["echo", "darwin", "arm64", "2", "linux", "amd64"], "{out:?}");
        assert_eq!(echo[6], "v2 extra");
        // Read from elsewhere (a file, a pipe, the terminal), the value is not known.
        assert_eq!(echo[7], "(read LINE)");
        // A hole stays inside its field; IFS set for the command only.
        let out = run("IFS=/ read -r OS ARCH <<< \"$1\"\necho \"$OS\" \"$ARCH\" \"${IFS-unset}\"\n");
        assert_eq!(out.last().map(|e| e[1..].to_vec()), Some(vec!["$1".to_string(), String::new(), "unset".into()]));
    }

    #[test]
    fn a_while_read_loop_runs_once_per_line_of_its_input() {
        let table = "platforms=\"\ndarwin amd64\nlinux  arm64\n\"\n";
        let body = "do GOOS=$os GOARCH=$arch go build -o \"out/$os-$arch\" .; done";
        let builds = |src: &str| -> Vec<String> {
            run(src).into_iter().filter(|a| a.first().map(String::as_str) == Some("go")).map(|a| a[3].clone()).collect()
        };
        for feed in [
            format!("{table}echo \"$platforms\" | while read -r os arch; {body}\n"),
            format!("{table}printf '%s\\n' \"$platforms\" | while read -r os arch; {body}\n"),
            format!("{table}while read -r os arch; {body} <<< \"$platforms\"\n"),
            // Into a group whose first command is the loop.
            format!("{table}echo \"$platforms\" | {{\n  while read -r os arch; {body}\n}}\n"),
        ] {
            assert_eq!(builds(&feed), ["out/darwin-amd64", "out/linux-arm64"], "{feed}");
        }
        // Read from a file or a command, the loop runs once with names not known.
        let from_file = format!("while read -r os arch; {body} < platforms.txt\n");
        assert_eq!(builds(&from_file), ["out/(read os)-(read arch)"]);
    }

    #[test]
    fn ci_expressions_with_defaults() {
        let mut env = Env::default();
        env.set("matrix.os", Value::known("linux"), false);
        let known = |s: &str| Value::known(s);
        assert_eq!(env.ci_expression("matrix.os"), known("linux"));
        // A matrix name the combination does not set is empty: the default is the value.
        assert_eq!(env.ci_expression("matrix.base || 'alpine'"), known("alpine"));
        assert_eq!(env.ci_expression("matrix.os || 'alpine'"), known("linux"));
        assert_eq!(env.ci_expression("'' || matrix.base || 'a' || 'b'"), known("a"));
        // A name nothing sets may be empty: either it or the default.
        let either = env.ci_expression("inputs.tag || 'latest'");
        assert!(either.could_be("latest") && !either.is_known(), "{either:?}");
        assert_eq!(
            env.ci_expression("matrix.base || inputs.tag"),
            Value::hole(Origin::CiExpression("inputs.tag".into()))
        );
        // Anything else stays one hole.
        for expr in ["matrix.os == 'linux' && 'x' || 'y'", "fromJSON(inputs.x) || 'a'", "'it''s' || 'a'"] {
            assert_eq!(env.ci_expression(expr), Value::hole(Origin::CiExpression(expr.into())), "{expr}");
        }
    }

    #[test]
    fn field_splitting_of_unquoted_expansions() {
        let got = run(
            "GO_BUILD_CMD=\"go build -ldflags\"\nOPT=\"-s -w -X a/b.V=$(git rev-parse HEAD)\"\n${GO_BUILD_CMD} \"${OPT}\" -o out .\n",
        );
        let go = got.last().unwrap();
        assert_eq!(go, &["go", "build", "-ldflags", "-s -w -X a/b.V=$(git rev-parse HEAD)", "-o", "out", "."]);
    }

    #[test]
    fn arrays_and_their_elements() {
        let got = run(
            "PLATFORMS=(linux/amd64 darwin/arm64)\nfor p in \"${PLATFORMS[@]}\"; do GOOS=${p%/*} go build -o \"bin/${p#*/}\" .; done\necho ${#PLATFORMS[@]} ${PLATFORMS[1]}\n",
        );
        assert_eq!(got[1], ["go", "build", "-o", "bin/amd64", "."]);
        assert_eq!(got[2], ["go", "build", "-o", "bin/arm64", "."]);
        assert_eq!(got[3][2], "darwin/arm64");
    }

    #[test]
    fn functions_are_evaluated_per_call() {
        let items = parse(
            "build() { GOOS=$1 GOARCH=$2 go build -o dist/app ./cmd/app; }\nbuild linux amd64\nbuild darwin arm64\n",
            0,
        );
        let budget = Budget::default();
        let ev = evaluate(&items, &mut Env::default(), &budget);
        let builds: Vec<_> = ev.iter().filter(|e| e.argv[0].as_known() == Some("go")).collect();
        assert_eq!(builds.len(), 2);
        assert_eq!(builds[0].env["GOOS"], Value::known("linux"));
        assert_eq!(builds[1].env["GOARCH"], Value::known("arm64"));
        assert_eq!(builds[0].loops, builds[1].loops);
    }

    #[test]
    fn an_uncalled_function_runs_once_with_the_callers_arguments() {
        let got = run("release() {\n  go build -o \"dist/$1\" .\n}\n");
        assert_eq!(got, [vec!["go", "build", "-o", "dist/$1", "."]]);
    }

    #[test]
    fn unset_is_empty_and_said() {
        let items = parse("go build ${FLAGS} ${tags:+-tags=$tags} -trimpath -o out .", 0);
        let budget = Budget::default();
        let ev = evaluate(&items, &mut Env::default(), &budget);
        let argv: Vec<String> = ev[0].argv.iter().map(Value::display).collect();
        assert_eq!(argv, ["go", "build", "-trimpath", "-o", "out", "."]);
        assert_eq!(ev[0].assumed_empty, ["FLAGS", "tags"]);
    }

    #[test]
    fn case_arms_are_chosen_when_known() {
        let got = run("os=linux\ncase $os in\n  darwin) echo mac ;;\n  linux|freebsd) echo unix ;;\nesac\n");
        assert_eq!(got[1], ["echo", "unix"]);
        let got = run("case $1 in\n  a) echo a ;;\n  *) echo b ;;\nesac\n");
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn set_and_positional_parameters() {
        let got = run("set -- linux arm64\necho \"$@\" $# ${2}\n");
        assert_eq!(got[1], ["echo", "linux", "arm64", "2", "arm64"]);
        let got = run("set -- build linux arm64\nshift\necho \"$@\" $#\nshift 5\necho $#\n");
        assert_eq!(got[2], ["echo", "linux", "arm64", "2"]);
        assert_eq!(got[4], ["echo", "0"]);
    }

    #[test]
    fn conditions_pick_their_branch_when_known() {
        let got = run(
            "for os in linux windows; do\n  ext=\"\"\n  if [ \"$os\" == \"windows\" ]; then ext=.exe; fi\n  [[ $os =~ ^lin ]] && continue\n  go build -o \"bin/app-$os$ext\" .\ndone\n",
        );
        let builds: Vec<&Vec<String>> = got.iter().filter(|a| a.first().is_some_and(|p| p == "go")).collect();
        assert_eq!(builds, [&vec!["go", "build", "-o", "bin/app-windows.exe", "."]]);
    }

    #[test]
    fn unknown_conditions_merge_their_branches() {
        let got = run(
            "if [ -n \"$1\" ]; then V=$1; else V=dev; fi\nif [ -n \"$SOURCE_DATE_EPOCH\" ]; then D=$(date -d @$SOURCE_DATE_EPOCH); else D=$(date); fi\necho \"$V\" \"$D\"\n",
        );
        let last = got.last().unwrap();
        assert_eq!(last[1], "$1 or dev");
        let items = parse(
            "if [ -n \"$SOURCE_DATE_EPOCH\" ]; then D=$(date -d @$SOURCE_DATE_EPOCH); else D=$(date); fi\necho \"$D\"\n",
            0,
        );
        let budget = Budget::default();
        let ev = evaluate(&items, &mut Env::default(), &budget);
        assert!(ev.last().unwrap().argv[1].volatile_hole().is_none());
    }

    #[test]
    fn doubling_stays_bounded() {
        let src = "A=x\n".to_string() + &"A=\"$A$A\"\n".repeat(100) + "go build -ldflags \"$A\" .\n";
        let items = parse(&src, 0);
        let budget = Budget::default();
        let ev = evaluate(&items, &mut Env::default(), &budget);
        let last = ev.last().unwrap();
        assert!(last.argv[3].size() <= MAX_VALUE);
    }

    #[test]
    fn self_recursive_functions_stop() {
        // A function's body is walked from inside functions at most MAX_WALKS_PER_FUNCTION
        // times in a file (and once for the script's own call), and the cut is noted.
        let items = parse("f() { f; go build .; }\nf\n", 0);
        let budget = Budget::default();
        let ev = evaluate(&items, &mut Env::default(), &budget);
        let builds = ev.iter().filter(|e| e.argv.first().and_then(Value::as_known) == Some("go")).count();
        assert_eq!(builds, MAX_WALKS_PER_FUNCTION + 1);
        assert!(budget.note().is_some_and(|n| n.contains("f calls itself")), "{:?}", budget.note());
        // Calls from the script's own lines are all followed: one build per platform.
        let platforms: String = (0..40).map(|i| format!("build os{i}\n")).collect();
        let items = parse(&format!("build() {{ GOOS=$1 go build -o dist/app-$1 .; }}\n{platforms}"), 0);
        let budget = Budget::default();
        assert_eq!(
            evaluate(&items, &mut Env::default(), &budget)
                .iter()
                .filter(|e| e.argv[0].as_known() == Some("go"))
                .count(),
            40
        );
        // Two functions calling each other stop too, before the depth limit.
        let items = parse("f() { g; go build .; }\ng() { f; }\nf\n", 0);
        let budget = Budget::default();
        let ev = evaluate(&items, &mut Env::default(), &budget);
        assert!(ev.len() < 4 * MAX_WALKS_PER_FUNCTION, "{}", ev.len());
    }
}
