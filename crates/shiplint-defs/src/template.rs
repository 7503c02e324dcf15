//! Go templates (goreleaser, promu, ko) rendered as far as what they read is known: fields
//! become their values, `if`/`else if`/`else` take the branch a decidable condition picks and
//! both branches (a value that is one of them) where it is not decidable, other actions holes.

use crate::budget::MAX_VALUE;
use crate::value::{Builder, Hole, Origin, Value};

/// How deep `if` blocks nest before the rest is one hole: hostile text cannot exhaust the stack.
const MAX_NESTING: usize = 32;

/// One piece of a template: text, or an action's words between `{{` and `}}`.
enum Piece<'t> {
    Text(&'t str),
    Action { written: &'t str, words: Vec<&'t str> },
}

fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let open = rest.find("{{").unwrap_or(rest.len());
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        if open == rest.len() {
            break;
        }
        let close = rest[open..].find("}}").map_or(rest.len(), |c| open + c + 2);
        let written = &rest[open..close];
        let action = written.trim_start_matches("{{").trim_end_matches("}}");
        let action = action.trim_matches(|c: char| c == '-' || c.is_whitespace());
        out.push(Piece::Action { written, words: words(action) });
        rest = &rest[close..];
    }
    out
}

/// An action's words, with `(` and `)` as words of their own and quoted strings kept whole.
fn words(action: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = action.trim_start();
    while let Some(c) = rest.chars().next() {
        let len = match c {
            '(' | ')' => 1,
            '"' => rest[1..].find('"').map_or(rest.len(), |e| e + 2),
            _ => rest.find(|c: char| c.is_whitespace() || c == '(' || c == ')').unwrap_or(rest.len()),
        };
        out.push(&rest[..len]);
        rest = rest[len..].trim_start();
    }
    out
}

/// See [`Value::rendered`].
pub fn render(text: &str, field: &dyn Fn(&str) -> Option<Value>) -> Value {
    let pieces = pieces(text);
    let mut at = 0;
    let mut renderer = Renderer { pieces: &pieces, field, too_large: false };
    let value = renderer.sequence(&mut at, 0);
    match renderer.too_large {
        true => Value::derived(format!("(a template over {MAX_VALUE} bytes)"), &[]),
        false => value,
    }
}

struct Renderer<'p, 't> {
    pieces: &'p [Piece<'t>],
    field: &'p dyn Fn(&str) -> Option<Value>,
    too_large: bool,
}

/// Where a sequence of pieces stopped: at the end of the text, or at an `else`/`end` of the
/// block it is in.
fn stops_sequence(words: &[&str]) -> bool {
    matches!(words.first(), Some(&"else" | &"end"))
}

impl Renderer<'_, '_> {
    /// The pieces from `at` up to the `else` or `end` that closes the block they are in (left
    /// at `at`), or the end of the text.
    fn sequence(&mut self, at: &mut usize, depth: usize) -> Value {
        let mut b = Builder::default();
        // Past the budget anywhere, the whole template is not kept: every level stops.
        while !self.too_large {
            let Some(piece) = self.pieces.get(*at) else { break };
            match piece {
                Piece::Text(t) => {
                    b.push_str(t);
                    *at += 1;
                }
                Piece::Action { words, .. } if stops_sequence(words) => break,
                Piece::Action { written, words } => match words.as_slice() {
                    ["if", condition @ ..] if depth < MAX_NESTING => {
                        *at += 1;
                        let chosen = self.branches(condition, at, depth + 1);
                        b.push(&chosen);
                    }
                    // Blocks whose text this reader does not produce (and `if` nested too deep):
                    // one hole, up to their `end`.
                    ["if" | "range" | "with" | "block" | "define", ..] => {
                        b.push_hole(Hole::new(Origin::Template(written.to_string())));
                        self.skip_block(at);
                    }
                    _ => {
                        match self.expression(words) {
                            Some(v) => b.push(&v),
                            None => b.push_hole(Hole::new(Origin::Template(written.to_string()))),
                        }
                        *at += 1;
                    }
                },
            }
            self.too_large |= b.is_too_large();
        }
        b.build()
    }

    /// An `if` block from its first branch (at `at`, the condition already read) through its
    /// `end`: the branch the condition picks, or either branch where it cannot be decided.
    fn branches(&mut self, condition: &[&str], at: &mut usize, depth: usize) -> Value {
        // A chain of `else if` nests as deep as `if` blocks do.
        if depth > MAX_NESTING {
            self.skip_rest_of_block(at);
            return Value::derived("(a template nested too deep)".into(), &[]);
        }
        let then = self.sequence(at, depth);
        let otherwise = match self.pieces.get(*at) {
            Some(Piece::Action { words, .. }) if words.first() == Some(&"else") => {
                *at += 1;
                match &words[1..] {
                    // `{{ else if c }}` continues the same block to its one `end`.
                    ["if", more @ ..] => return self.decide(condition, then, |r| r.branches(more, at, depth + 1)),
                    _ => {
                        let v = self.sequence(at, depth);
                        self.close(at);
                        v
                    }
                }
            }
            _ => {
                self.close(at);
                Value::empty()
            }
        };
        self.decide(condition, then, |_| otherwise)
    }

    fn decide(&mut self, condition: &[&str], then: Value, otherwise: impl FnOnce(&mut Self) -> Value) -> Value {
        let otherwise = otherwise(self);
        match self.condition(condition) {
            Some(true) => then,
            Some(false) => otherwise,
            None => Value::either(then, otherwise),
        }
    }

    /// Steps past the `end` at `at`, if it is one (a text that ends first has none).
    fn close(&self, at: &mut usize) {
        if let Some(Piece::Action { words, .. }) = self.pieces.get(*at) {
            if words.first() == Some(&"end") {
                *at += 1;
            }
        }
    }

    /// Steps past a block that opens at `at`, through its matching `end`.
    fn skip_block(&self, at: &mut usize) {
        self.skip_through_end(at, 0);
    }

    /// Steps past the rest of the block `at` is in, through its `end`.
    fn skip_rest_of_block(&self, at: &mut usize) {
        self.skip_through_end(at, 1);
    }

    fn skip_through_end(&self, at: &mut usize, mut open: usize) {
        while let Some(piece) = self.pieces.get(*at) {
            *at += 1;
            if let Piece::Action { words, .. } = piece {
                match words.first() {
                    Some(&("if" | "range" | "with" | "block" | "define")) => open += 1,
                    Some(&"end") => {
                        open = open.saturating_sub(1);
                        if open == 0 {
                            return;
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// What an action outputs, where known: a field (`.Env.NAME`, `index .Env "NAME"`), a
    /// quoted string, or `or` of such (its first non-empty argument).
    fn expression(&self, words: &[&str]) -> Option<Value> {
        let args = arguments(words)?;
        match args.as_slice() {
            [one] => self.operand(one),
            [Operand::Word("index"), ..] => self.operand(&Operand::Call(words.to_vec())),
            [Operand::Word("or"), rest @ ..] if !rest.is_empty() => {
                for arg in rest {
                    let v = self.operand(arg)?;
                    match v.as_known() {
                        Some("") => continue,
                        Some(_) => return Some(v),
                        // Empty or not: not known which argument `or` gives.
                        None => return None,
                    }
                }
                Some(Value::empty())
            }
            _ => None,
        }
    }

    fn operand(&self, op: &Operand<'_>) -> Option<Value> {
        match op {
            Operand::Word(w) if w.starts_with('"') => Some(Value::known(w.trim_matches('"'))),
            Operand::Word(w) if w.starts_with('.') => (self.field)(w),
            Operand::Word(_) => None,
            Operand::Call(words) => match words.as_slice() {
                ["index", map, key] if map.starts_with('.') && key.starts_with('"') => {
                    (self.field)(&format!("{map}.{}", key.trim_matches('"')))
                }
                _ => self.expression(words),
            },
        }
    }

    /// Whether a condition holds, where the fields it reads are known: a value (true when not
    /// empty), `eq`/`ne` of two values, `not`, `and`, `or`, with parentheses.
    fn condition(&self, words: &[&str]) -> Option<bool> {
        let args = arguments(words)?;
        self.truth(&args).or_else(|| non_empty(&self.expression(words)?))
    }

    fn truth(&self, args: &[Operand<'_>]) -> Option<bool> {
        let known = |op: &Operand<'_>| self.operand(op).and_then(|v| v.as_known().map(str::to_string));
        match args {
            [Operand::Call(inner)] => self.condition(inner),
            [one] => self.operand(one).and_then(|v| non_empty(&v)),
            [Operand::Word(op @ ("eq" | "ne")), a, b] => {
                let equal = known(a)? == known(b)?;
                Some(equal == (*op == "eq"))
            }
            [Operand::Word("not"), one] => self.truth(std::slice::from_ref(one)).map(|t| !t),
            [Operand::Word(op @ ("and" | "or")), rest @ ..] if !rest.is_empty() => {
                // Decided by the first argument that decides it, or by all when none does.
                let mut undecided = false;
                for arg in rest {
                    match self.truth(std::slice::from_ref(arg)) {
                        Some(t) if t == (*op == "or") => return Some(t),
                        Some(_) => {}
                        None => undecided = true,
                    }
                }
                (!undecided).then_some(*op == "and")
            }
            _ => None,
        }
    }
}

/// Whether a value is not empty, where that is known: text around its holes is enough.
fn non_empty(v: &Value) -> Option<bool> {
    match v.as_known() {
        Some(text) => Some(!text.is_empty()),
        None => v.has_text().then_some(true),
    }
}

/// A word of an action, or a parenthesized call.
enum Operand<'t> {
    Word(&'t str),
    Call(Vec<&'t str>),
}

/// An action's arguments, parentheses grouped (one level kept per group; deeper groups stay in
/// the group's words). `None` when they do not balance, or nest deeper than `MAX_NESTING` (each
/// level is read by a call of its own).
fn arguments<'t>(words: &[&'t str]) -> Option<Vec<Operand<'t>>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        match words[i] {
            "(" => {
                let mut open = 1usize;
                let start = i + 1;
                while open > 0 {
                    i += 1;
                    match *words.get(i)? {
                        "(" if open >= MAX_NESTING => return None,
                        "(" => open += 1,
                        ")" => open -= 1,
                        _ => {}
                    }
                }
                out.push(Operand::Call(words[start..i].to_vec()));
            }
            ")" => return None,
            w => out.push(Operand::Word(w)),
        }
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<Value> + 'a {
        move |f: &str| {
            let name = f.strip_prefix(".Env.")?;
            pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| Value::known(*v))
        }
    }

    #[test]
    fn a_decidable_condition_picks_its_branch() {
        let strip = r#"{{ if and (index .Env "STRIP") (eq .Env.STRIP "false") }}{{ else }}-s -w{{ end }}"#;
        assert_eq!(render(strip, &env(&[("STRIP", "false")])), Value::known(""));
        assert_eq!(render(strip, &env(&[("STRIP", "")])), Value::known("-s -w"));
        assert_eq!(render(strip, &env(&[("STRIP", "true")])), Value::known("-s -w"));
        let chain = r#"{{ if eq .Env.OS "linux" }}a{{ else if eq .Env.OS "darwin" }}b{{ else }}c{{ end }}"#;
        assert_eq!(render(chain, &env(&[("OS", "darwin")])), Value::known("b"));
        assert_eq!(render(chain, &env(&[("OS", "windows")])), Value::known("c"));
        assert_eq!(render(r#"x{{ if not .Env.A }}-y{{ end }}"#, &env(&[("A", "")])), Value::known("x-y"));
    }

    #[test]
    fn an_undecidable_condition_keeps_both_branches() {
        let strip = r#"{{ if and (index .Env "STRIP") (eq .Env.STRIP "false") }}{{ else }}-s -w{{ end }}"#;
        let v = render(strip, &env(&[]));
        assert_eq!(v.alternatives().map(<[Value]>::len), Some(2));
        assert!(v.choices_text().contains("-s -w"));
    }

    #[test]
    fn or_gives_its_first_non_empty_argument() {
        let linux_only = r#"{{ or (index .Env "LINUX_ONLY") "false" }}"#;
        assert_eq!(render(linux_only, &env(&[("LINUX_ONLY", "")])), Value::known("false"));
        assert_eq!(render(linux_only, &env(&[("LINUX_ONLY", "true")])), Value::known("true"));
        assert!(!render(linux_only, &env(&[])).is_known());
    }

    #[test]
    fn hostile_nesting_is_bounded() {
        let deep = "{{ if .Env.A }}".repeat(10_000) + &"{{ end }}".repeat(10_000);
        let _ = render(&deep, &env(&[]));
        let chain = "{{ if .Env.A }}".to_string() + &"{{ else if .Env.A }}".repeat(10_000) + "{{ end }}";
        let _ = render(&chain, &env(&[]));
        let parens = format!("{{{{ if {}.Env.A{} }}}}x{{{{ end }}}}", "(not ".repeat(100_000), ")".repeat(100_000));
        assert!(!render(&parens, &env(&[("A", "1")])).is_known());
        let unbalanced = "{{ if ((( }}{{ else }}{{ end }}{{ end }}{{ else }}";
        let _ = render(unbalanced, &env(&[]));
    }
}
