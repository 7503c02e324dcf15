//! Go programs that run the build: a `build-release-binaries/main.go` or `cross-compile.go` that
//! calls `exec.Command("go", "build", args...)`. Each such call is read into the same command
//! form a shell script gives (argv and environment, each argument located at the Go expression
//! it came from), so every build rule judges it.
//!
//! The evaluation is partial and textual, per function: string literals, `+`, named constants
//! and variables (the last assignment before the use, `+=` and `append` included, conditional
//! ones too), `[]string{...}`, `args...`, `args[1:]...`, `fmt.Sprintf`, `strings.Join`,
//! `filepath.Join`, `os.Getenv` and `cmd.Env = append(os.Environ(), ...)`. Anything else is a
//! hole that keeps its Go text and what it reads (the clock, the host, a flag the caller sets).

use super::shell::{Part, SimpleCommand, Word};
use super::value::{Builder, Hole, Origin, Provenance, Value};

/// The most tokens read from one file; a larger one is judged as far as that.
const MAX_TOKENS: usize = 400_000;
/// The deepest expression or variable chain followed.
const MAX_DEPTH: usize = 32;
/// The most expression evaluations for one file.
const MAX_STEPS: usize = 200_000;
/// The most `exec.Command` builds kept from one file.
const MAX_COMMANDS: usize = 256;

/// One command a Go program runs, as a shell would have run it.
#[derive(Clone, Debug)]
pub struct GoCommand {
    pub command: SimpleCommand,
    pub argv: Vec<Value>,
    /// `cmd.Env` entries and `os.Setenv` calls of the program, in order.
    pub env: Vec<(String, Value)>,
    /// The function the call sits in.
    pub function: String,
}

/// The commands of a Go program that may build, and why reading stopped early, if it did.
#[derive(Debug, Default)]
pub struct GoProgram {
    pub commands: Vec<GoCommand>,
    pub note: Option<String>,
}

/// Whether a Go file may be a build program: a `main` package that runs commands and names
/// `build` or `install`. Cheap, on the text, before tokenizing.
pub fn may_build(text: &str) -> bool {
    text.contains("package main")
        && text.contains("\"os/exec\"")
        && (text.contains("\"build\"") || text.contains("\"install\""))
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Str(String),
    Ident(String),
    Punct(&'static str),
    Other,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
    line: usize,
}

const PUNCTS: &[&str] = &[
    "...", "<<=", ">>=", "&^=", ":=", "+=", "-=", "*=", "/=", "==", "!=", "<=", ">=", "&&", "||", "<-", "++", "--",
    "<<", ">>", "&^", "(", ")", "[", "]", "{", "}", ",", ";", ".", ":", "=", "+", "-", "*", "/", "%", "&", "|", "^",
    "<", ">", "!", "~",
];

/// Go tokens (comments dropped), up to `MAX_TOKENS`; `true` when the file was cut.
fn tokenize(text: &str) -> (Vec<Token>, bool) {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < b.len() {
        if out.len() >= MAX_TOKENS {
            return (out, true);
        }
        let c = b[i];
        let start = i;
        match c {
            b'\n' => {
                line += 1;
                i += 1;
                continue;
            }
            _ if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(b.len(), |n| i + n);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
                line += text[i..end].matches('\n').count();
                i = end;
                continue;
            }
            b'"' => {
                let (value, end) = interpreted_string(text, i);
                out.push(Token { tok: Tok::Str(value), start, end, line });
                i = end;
                continue;
            }
            b'`' => {
                let end = text[i + 1..].find('`').map_or(b.len(), |n| i + 1 + n + 1);
                let value = text[i + 1..end.saturating_sub(1).max(i + 1)].replace('\r', "");
                out.push(Token { tok: Tok::Str(value), start, end, line });
                line += text[i..end].matches('\n').count();
                i = end;
                continue;
            }
            b'\'' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'\'' && b[j] != b'\n' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                i = (j + 1).min(b.len());
                out.push(Token { tok: Tok::Other, start, end: i, line });
                continue;
            }
            _ if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                let mut j = i;
                while j < b.len() && (b[j] == b'_' || b[j].is_ascii_alphanumeric() || b[j] >= 0x80) {
                    j += 1;
                }
                // Stay on a char boundary: non-ASCII identifier bytes are taken whole.
                while !text.is_char_boundary(j) {
                    j += 1;
                }
                out.push(Token { tok: Tok::Ident(text[i..j].to_string()), start, end: j, line });
                i = j;
                continue;
            }
            _ if c.is_ascii_digit() => {
                let mut j = i;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'.' || b[j] == b'_') {
                    j += 1;
                }
                out.push(Token { tok: Tok::Other, start, end: j, line });
                i = j;
                continue;
            }
            _ => {}
        }
        match PUNCTS.iter().find(|p| text[i..].starts_with(**p)) {
            Some(p) => {
                out.push(Token { tok: Tok::Punct(p), start, end: i + p.len(), line });
                i += p.len();
            }
            None => {
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                out.push(Token { tok: Tok::Other, start, end: i + len, line });
                i += len;
            }
        }
    }
    (out, false)
}

/// Matching brackets: an opening bracket closed by a bracket of another kind, or never closed,
/// has no partner.
fn partners(toks: &[Token]) -> Vec<Option<usize>> {
    let mut partner = vec![None; toks.len()];
    let mut open: Vec<(usize, &str)> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match t.tok {
            Tok::Punct(p @ ("(" | "[" | "{")) => open.push((i, p)),
            Tok::Punct(p @ (")" | "]" | "}")) => {
                let want = match p {
                    ")" => "(",
                    "]" => "[",
                    _ => "{",
                };
                // Unwind to the matching kind: brackets left open inside it stay unmatched.
                while let Some((o, kind)) = open.pop() {
                    if kind == want {
                        partner[o] = Some(i);
                        partner[i] = Some(o);
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    partner
}

/// Go's keywords: never a name that is assigned (`var x T = e` is not an assignment to `var`).
const GO_KEYWORDS: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

/// A `"..."` literal starting at `at`: its value and the offset after it.
fn interpreted_string(text: &str, at: usize) -> (String, usize) {
    let mut value = String::new();
    let mut chars = text[at + 1..].char_indices();
    while let Some((k, c)) = chars.next() {
        match c {
            '"' => return (value, at + 1 + k + 1),
            '\n' => return (value, at + 1 + k),
            '\\' => match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, 'r')) => value.push('\r'),
                Some((_, e @ ('"' | '\\' | '\''))) => value.push(e),
                Some((_, e)) => {
                    value.push('\\');
                    value.push(e);
                }
                None => break,
            },
            c => value.push(c),
        }
    }
    (value, text.len())
}

/// What a Go expression evaluates to.
#[derive(Clone, Debug)]
enum GoValue {
    Text(Value),
    /// A `[]string`: each element with the span of the expression it came from.
    List(Vec<(Value, (usize, usize))>),
}

/// Parameter names and the values a call site gives them.
type Bindings = Vec<(String, GoValue)>;

/// An assignment to a name: `name := e`, `name = e`, `name += e`, `var name T = e`.
struct Assignment {
    name: String,
    add: bool,
    /// Token range of the expression.
    expr: (usize, usize),
    /// Token index of the name (for "before this use").
    at: usize,
    /// Where the block the assignment sits in closes: a use after it only maybe sees it.
    block_end: usize,
}

/// A function body: token range and name.
struct Function {
    name: String,
    body: (usize, usize),
}

struct Reader<'t> {
    text: &'t str,
    toks: Vec<Token>,
    /// For each bracket token, the index of the bracket matching it (one pass, so that finding
    /// a partner never rescans the file).
    partner: Vec<Option<usize>>,
    /// Assignments at package level.
    globals: Vec<Assignment>,
    functions: Vec<Function>,
    /// Assignments inside each function, by function index.
    locals: Vec<Vec<Assignment>>,
    /// Function parameters, by function index, and whether the last is variadic (`args ...string`).
    params: Vec<Vec<String>>,
    variadic: Vec<bool>,
    steps: std::cell::Cell<usize>,
    stopped: std::cell::RefCell<Option<String>>,
    /// The parameters of one function bound to a call site's arguments, while its commands are
    /// read as that call runs them.
    bound: std::cell::RefCell<Option<(usize, Bindings)>>,
}

/// The most call sites of one function read, each as its own run of the function's commands.
const MAX_CALL_SITES: usize = 16;

/// Reads the commands a Go build program runs.
pub fn read(text: &str) -> GoProgram {
    let (toks, cut) = tokenize(text);
    let partner = partners(&toks);
    let mut r = Reader {
        text,
        toks,
        partner,
        globals: Vec::new(),
        functions: Vec::new(),
        locals: Vec::new(),
        params: Vec::new(),
        variadic: Vec::new(),
        steps: Default::default(),
        stopped: Default::default(),
        bound: Default::default(),
    };
    if cut {
        r.stop(format!("evaluation stopped: more than {MAX_TOKENS} Go tokens"));
    }
    r.index();
    let setenv = r.setenv_calls();
    let mut commands = Vec::new();
    for f in 0..r.functions.len() {
        let (start, end) = r.functions[f].body;
        let mut i = start;
        while i < end && commands.len() < MAX_COMMANDS && r.stopped.borrow().is_none() {
            if let Some(call) = r.exec_call(i) {
                match r.command_at(f, i, call, &setenv) {
                    Some(c) => commands.push(c),
                    // `runEnv(args, env)`: the command comes from the parameters; read it as
                    // each caller runs it.
                    None => commands.extend(r.call_sites(f).into_iter().filter_map(|(site, bound)| {
                        *r.bound.borrow_mut() = Some((f, bound));
                        let c = r.command_at(f, i, call, &setenv).map(|mut c| {
                            c.command.start = c.command.start.min(site.0);
                            c.command.end = c.command.end.max(site.1);
                            c
                        });
                        *r.bound.borrow_mut() = None;
                        c
                    })),
                }
                i = call.1;
            }
            i += 1;
        }
    }
    let note = r.stopped.into_inner();
    GoProgram { commands, note }
}

impl<'t> Reader<'t> {
    fn stop(&self, why: String) {
        self.stopped.borrow_mut().get_or_insert(why);
    }

    fn ident(&self, i: usize) -> Option<&str> {
        match self.toks.get(i).map(|t| &t.tok) {
            Some(Tok::Ident(s)) => Some(s),
            _ => None,
        }
    }

    fn punct(&self, i: usize) -> Option<&'static str> {
        match self.toks.get(i).map(|t| &t.tok) {
            Some(Tok::Punct(p)) => Some(p),
            _ => None,
        }
    }

    /// The index of the bracket closing the one at `open` (or the last token).
    fn closing(&self, open: usize) -> usize {
        self.partner.get(open).copied().flatten().filter(|&c| c > open).unwrap_or(self.toks.len().saturating_sub(1))
    }

    /// The index of the bracket opening the one closing at `close` (or the first token).
    fn opening(&self, close: usize) -> usize {
        self.partner.get(close).copied().flatten().filter(|&o| o < close).unwrap_or(0)
    }

    /// Finds functions, their parameters and every assignment, inside and outside them.
    fn index(&mut self) {
        let mut i = 0;
        while i < self.toks.len() {
            if self.ident(i) == Some("func") && self.toks.get(i + 1).is_some() {
                let (name, params, variadic, body) = self.signature(i);
                if let Some(body) = body {
                    let locals = self.assignments(body.0 + 1, body.1);
                    self.functions.push(Function { name, body });
                    self.locals.push(locals);
                    self.params.push(params);
                    self.variadic.push(variadic);
                    i = body.1 + 1;
                    continue;
                }
            }
            i += 1;
        }
        // Package level: the assignments outside function bodies.
        let outside = |a: &Assignment| {
            let k = self.functions.partition_point(|fun| fun.body.0 <= a.at);
            k == 0 || self.functions[k - 1].body.1 < a.at
        };
        let globals = self.assignments(0, self.toks.len()).into_iter().filter(outside).collect();
        self.globals = globals;
    }

    /// A `func` at `at`: its name, parameter names, whether the last is variadic, and body token
    /// range (`{` to `}`).
    fn signature(&self, at: usize) -> (String, Vec<String>, bool, Option<(usize, usize)>) {
        let mut i = at + 1;
        // A method's receiver.
        if self.punct(i) == Some("(") {
            i = self.closing(i) + 1;
        }
        let name = self.ident(i).unwrap_or_default().to_string();
        if !name.is_empty() {
            i += 1;
        }
        let mut params = Vec::new();
        let mut variadic = false;
        if self.punct(i) == Some("(") {
            let close = self.closing(i);
            variadic = (i..close).any(|j| self.punct(j) == Some("..."));
            // A name right after `(` or `,` that is not a qualified type (`pkg.Type`).
            for j in i + 1..close {
                if matches!(self.punct(j - 1), Some("(" | ",")) && self.punct(j + 1) != Some(".") {
                    params.extend(self.ident(j).map(str::to_string));
                }
            }
            i = close + 1;
        }
        // The body is the first `{` outside brackets that does not open a type (`interface{}`).
        let mut depth = 0usize;
        while i < self.toks.len() {
            match self.punct(i) {
                Some("(" | "[") => depth += 1,
                Some(")" | "]") => depth = depth.saturating_sub(1),
                Some("{") if depth == 0 && !matches!(self.ident(i - 1), Some("interface" | "struct")) => {
                    return (name, params, variadic, Some((i, self.closing(i))));
                }
                Some("{") => i = self.closing(i),
                Some(";" | "}") if depth == 0 => break,
                _ if depth == 0 && self.ident(i) == Some("func") => break,
                _ => {}
            }
            i += 1;
        }
        (name, params, variadic, None)
    }

    /// Every single-name assignment in the token range.
    /// Linear: block ends come from a stack kept while scanning, and the scan resumes after each
    /// assignment's expression (assignments inside a function literal on the right are skipped).
    fn assignments(&self, from: usize, to: usize) -> Vec<Assignment> {
        let mut out = Vec::new();
        let mut blocks: Vec<usize> = Vec::new();
        let mut next = from;
        for i in from..to {
            match self.punct(i) {
                Some("{") => blocks.push(self.closing(i)),
                Some("}") => {
                    blocks.pop();
                }
                _ => {}
            }
            if i < next {
                continue;
            }
            let Some(name) = self.ident(i).filter(|n| !GO_KEYWORDS.contains(n)) else { continue };
            let before = i.checked_sub(1).and_then(|b| self.punct(b));
            // `a.b = x` sets a field, `a, b := f()` two names: neither is one string or list.
            if matches!(before, Some("." | ",")) || self.punct(i + 1) == Some(",") {
                continue;
            }
            let op_at = match self.punct(i + 1) {
                Some(":=" | "=" | "+=") => i + 1,
                // `var name T = e`, `const name T = e`.
                _ if self.ident(i + 1).is_some() && self.punct(i + 2) == Some("=") => i + 2,
                _ if self.punct(i + 1) == Some("[")
                    && self.punct(i + 2) == Some("]")
                    && self.ident(i + 3).is_some()
                    && self.punct(i + 4) == Some("=") =>
                {
                    i + 4
                }
                _ => continue,
            };
            let end = self.expression_end(op_at + 1, to);
            if end > op_at + 1 {
                out.push(Assignment {
                    name: name.to_string(),
                    add: self.punct(op_at) == Some("+="),
                    expr: (op_at + 1, end),
                    at: i,
                    block_end: blocks.last().copied().unwrap_or(to),
                });
                next = end;
            }
        }
        out
    }

    /// Where the expression starting at token `from` ends: a `;`, a closing bracket of an outer
    /// construct, or a new line after a token that cannot continue an expression.
    fn expression_end(&self, from: usize, to: usize) -> usize {
        let mut depth = 0usize;
        let mut j = from;
        while j < to {
            match self.punct(j) {
                Some("(" | "[" | "{") => depth += 1,
                Some(")" | "]" | "}") if depth == 0 => return j,
                Some(")" | "]" | "}") => depth -= 1,
                Some(";") if depth == 0 => return j,
                _ => {}
            }
            if depth == 0 && j > from && self.toks[j].line > self.toks[j - 1].line {
                let continues = matches!(self.punct(j - 1), Some("+" | "," | "(" | "[" | "{" | "." | "||" | "&&"));
                if !continues {
                    return j;
                }
            }
            j += 1;
        }
        to
    }

    /// `exec.Command(` or `exec.CommandContext(` at token `i`: the `(` and its `)`.
    fn exec_call(&self, i: usize) -> Option<(usize, usize)> {
        (self.ident(i)? == "exec"
            && self.punct(i + 1)? == "."
            && matches!(self.ident(i + 2)?, "Command" | "CommandContext"))
        .then_some(())?;
        (self.punct(i + 3)? == "(").then(|| (i + 3, self.closing(i + 3)))
    }

    /// The comma-separated expressions between `open` and `close`: token ranges.
    fn arguments(&self, open: usize, close: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut depth = 0usize;
        let mut start = open + 1;
        for j in open + 1..close {
            match self.punct(j) {
                Some("(" | "[" | "{") => depth += 1,
                Some(")" | "]" | "}") => depth = depth.saturating_sub(1),
                Some(",") if depth == 0 => {
                    out.push((start, j));
                    start = j + 1;
                }
                _ => {}
            }
        }
        if start < close {
            out.push((start, close));
        }
        out
    }

    fn span(&self, (from, to): (usize, usize)) -> (usize, usize) {
        match (self.toks.get(from), to.checked_sub(1).and_then(|t| self.toks.get(t))) {
            (Some(a), Some(b)) if to > from => (a.start, b.end),
            _ => (0, 0),
        }
    }

    fn written(&self, range: (usize, usize)) -> String {
        let (s, e) = self.span(range);
        self.text[s..e].split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The command an `exec.Command` call at token `at` of function `f` runs.
    fn command_at(
        &self,
        f: usize,
        at: usize,
        (open, close): (usize, usize),
        setenv: &[(String, Value)],
    ) -> Option<GoCommand> {
        let mut args = self.arguments(open, close);
        if self.ident(at + 2) == Some("CommandContext") && !args.is_empty() {
            args.remove(0);
        }
        let argv = self.spread(f, args, 0);
        if argv.first()?.0.as_known() != Some("go") {
            return None;
        }
        // The command covers the call and the arguments it was given, which may be written
        // before it (`args := []string{"build", ...}`).
        let start = argv.iter().map(|(_, (s, _))| *s).fold(self.toks[at].start, usize::min);
        let end = argv.iter().map(|(_, (_, e))| *e).fold(self.toks[close].end, usize::max);
        let words = argv
            .iter()
            .map(|(v, (s, e))| Word { parts: vec![Part::Double(vec![Part::Lit(v.display())])], start: *s, end: *e })
            .collect();
        let command = SimpleCommand {
            assigns: Vec::new(),
            arrays: Vec::new(),
            after: "",
            words,
            writes_to: Vec::new(),
            here_string: None,
            start,
            end,
            nested: Vec::new(),
        };
        let mut env = setenv.to_vec();
        env.extend(self.command_environment(f, close));
        let function = self.functions[f].name.clone();
        Some(GoCommand { command, argv: argv.into_iter().map(|(v, _)| v).collect(), env, function })
    }

    /// A call argument, with `x...` spread into a list.
    fn argument(&self, f: usize, (from, to): (usize, usize), depth: usize) -> GoValue {
        if to > from && self.punct(to - 1) == Some("...") {
            return match self.expression(f, (from, to - 1), depth) {
                GoValue::Text(v) => GoValue::List(vec![(v, self.span((from, to - 1)))]),
                list => list,
            };
        }
        self.expression(f, (from, to), depth)
    }

    /// Where function `f` is called in the file (byte span of the call), with its parameters
    /// bound to the arguments as evaluated there; `name(args...)` gives the variadic parameter
    /// the list.
    fn call_sites(&self, f: usize) -> Vec<((usize, usize), Bindings)> {
        let name = self.functions[f].name.as_str();
        let params = &self.params[f];
        if name.is_empty() || params.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for i in 1..self.toks.len() {
            if out.len() >= MAX_CALL_SITES {
                break;
            }
            let plain_call = self.ident(i) == Some(name)
                && self.punct(i + 1) == Some("(")
                && !matches!(self.ident(i - 1), Some("func"))
                && self.punct(i - 1) != Some(".");
            let Some(g) = plain_call.then(|| self.function_of(i)).flatten().filter(|&g| g != f) else { continue };
            let close = self.closing(i + 1);
            let args = self.arguments(i + 1, close);
            let mut bound = Vec::new();
            for (k, p) in params.iter().enumerate() {
                let value = if k + 1 == params.len() && self.variadic[f] {
                    GoValue::List(self.spread(g, args.iter().skip(k).copied(), 0))
                } else {
                    let Some(&range) = args.get(k) else { continue };
                    self.argument(g, range, 0)
                };
                bound.push((p.clone(), value));
            }
            out.push(((self.toks[i].start, self.toks[close].end), bound));
        }
        out
    }

    /// `os.Setenv(name, value)` calls anywhere in the program: every later command sees them.
    fn setenv_calls(&self) -> Vec<(String, Value)> {
        let mut env = Vec::new();
        for i in 0..self.toks.len() {
            if self.ident(i) == Some("os") && self.punct(i + 1) == Some(".") && self.ident(i + 2) == Some("Setenv") {
                let Some(f) = self.function_of(i) else { continue };
                if let [name, value] = self.arguments(i + 3, self.closing(i + 3)).as_slice() {
                    if let Some(name) = self.text_value(f, *name, 0).as_known() {
                        env.push((name.to_string(), self.text_value(f, *value, 0)));
                    }
                }
            }
        }
        env
    }

    /// What a command's `X.Env = ...` says, between its call and the function's next command.
    fn command_environment(&self, f: usize, after: usize) -> Vec<(String, Value)> {
        let mut env = Vec::new();
        let (_, body_end) = self.functions[f].body;
        let next_command = (after..body_end).find(|&i| self.exec_call(i).is_some()).unwrap_or(body_end);
        for i in after..next_command {
            if self.punct(i) == Some(".") && self.ident(i + 1) == Some("Env") && self.punct(i + 2) == Some("=") {
                let end = self.expression_end(i + 3, body_end);
                if let GoValue::List(items) = self.expression(f, (i + 3, end), 0) {
                    for (item, _) in items {
                        if let Some((k, v)) = item.split_once('=') {
                            if let Some(k) = k.as_known() {
                                env.push((k.to_string(), v));
                            }
                        }
                    }
                }
            }
        }
        env
    }

    fn function_of(&self, token: usize) -> Option<usize> {
        self.functions.iter().position(|fun| fun.body.0 <= token && token <= fun.body.1)
    }

    fn text_value(&self, f: usize, range: (usize, usize), depth: usize) -> Value {
        match self.expression(f, range, depth) {
            GoValue::Text(v) => v,
            GoValue::List(_) => self.hole(range),
        }
    }

    /// A hole for an expression not evaluated, keeping its text and what it reads.
    fn hole(&self, range: (usize, usize)) -> Value {
        let written = self.written(range);
        Value::Partial(vec![super::value::Piece::Hole(Hole {
            provenance: provenance_of(&written),
            origin: Origin::Unevaluated(written),
        })])
    }

    fn spend(&self, depth: usize) -> bool {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps > MAX_STEPS {
            self.stop(format!("evaluation stopped: more than {MAX_STEPS} Go expressions"));
        }
        if depth > MAX_DEPTH {
            self.stop(format!("evaluation stopped: Go expressions nested deeper than {MAX_DEPTH}"));
        }
        self.stopped.borrow().is_none()
    }

    /// Evaluates the expression in the token range, inside function `f`.
    fn expression(&self, f: usize, (from, to): (usize, usize), depth: usize) -> GoValue {
        if from >= to || !self.spend(depth) {
            return GoValue::Text(self.hole((from, to)));
        }
        // `a + b + c` at the top level: concatenation.
        let mut terms = Vec::new();
        let (mut level, mut start) = (0usize, from);
        for j in from..to {
            match self.punct(j) {
                Some("(" | "[" | "{") => level += 1,
                Some(")" | "]" | "}") => level = level.saturating_sub(1),
                Some("+") if level == 0 && j > start => {
                    terms.push((start, j));
                    start = j + 1;
                }
                Some("-" | "*" | "/" | "%" | "==" | "!=" | "&&" | "||" | "<" | ">") if level == 0 && j > start => {
                    return GoValue::Text(self.hole((from, to)));
                }
                _ => {}
            }
        }
        terms.push((start, to));
        if terms.len() > 1 {
            let mut b = Builder::default();
            for t in terms {
                b.push(&self.text_value(f, t, depth + 1));
            }
            return GoValue::Text(b.build());
        }
        self.operand(f, (from, to), depth)
    }

    fn operand(&self, f: usize, (from, to): (usize, usize), depth: usize) -> GoValue {
        let whole = (from, to);
        match (&self.toks[from].tok, to - from) {
            (Tok::Str(s), 1) => return GoValue::Text(Value::known(s.clone())),
            (Tok::Ident(name), 1) => return self.variable(f, name, from, depth),
            (Tok::Punct("("), _) if self.closing(from) == to - 1 => {
                return self.expression(f, (from + 1, to - 1), depth + 1);
            }
            _ => {}
        }
        // `[]string{...}`
        if self.punct(from) == Some("[") && self.punct(from + 1) == Some("]") && self.punct(to - 1) == Some("}") {
            let open = (from + 2..to).find(|&j| self.punct(j) == Some("{"));
            if let Some(open) = open.filter(|&o| self.closing(o) == to - 1) {
                return GoValue::List(self.spread(f, self.arguments(open, to - 1), depth + 1));
            }
        }
        // `name[i]` and `name[i:]` on a list.
        if let (Some(name), Some("[")) = (self.ident(from), self.punct(from + 1)) {
            if self.closing(from + 1) == to - 1 {
                if let GoValue::List(items) = self.variable(f, name, from, depth) {
                    let index: Vec<&str> = (from + 2..to - 1)
                        .map(|j| match &self.toks[j].tok {
                            Tok::Punct(p) => *p,
                            _ => self.text[self.toks[j].start..self.toks[j].end].trim(),
                        })
                        .collect();
                    let at = |s: &str| s.parse::<usize>().ok();
                    return match index.as_slice() {
                        [n] if at(n).is_some() => match items.get(at(n).unwrap_or(0)) {
                            Some((v, _)) => GoValue::Text(v.clone()),
                            None => GoValue::Text(self.hole(whole)),
                        },
                        [n, ":"] if at(n).is_some() => {
                            GoValue::List(items.into_iter().skip(at(n).unwrap_or(0)).collect())
                        }
                        _ => GoValue::Text(self.hole(whole)),
                    };
                }
            }
        }
        // A call: `pkg.Func(args)` or `Func(args)`.
        if self.punct(to - 1) == Some(")") {
            let open = self.opening(to - 1);
            if open > from {
                let callee: String = (from..open).map(|j| &self.text[self.toks[j].start..self.toks[j].end]).collect();
                let args = self.arguments(open, to - 1);
                if let Some(v) = self.call(f, &callee, &args, whole, depth) {
                    return v;
                }
            }
        }
        GoValue::Text(self.hole(whole))
    }

    /// The values of argument or element expressions in function `f`, lists spread in place, each
    /// with the span it came from: what a call's `args...` or a `[]string{...}` holds.
    fn spread(
        &self,
        f: usize,
        ranges: impl IntoIterator<Item = (usize, usize)>,
        depth: usize,
    ) -> Vec<(Value, (usize, usize))> {
        let mut out = Vec::new();
        for range in ranges {
            match self.argument(f, range, depth) {
                GoValue::Text(v) => out.push((v, self.span(range))),
                GoValue::List(items) => out.extend(items),
            }
        }
        out
    }

    fn call(
        &self,
        f: usize,
        callee: &str,
        args: &[(usize, usize)],
        whole: (usize, usize),
        depth: usize,
    ) -> Option<GoValue> {
        let text = |i: usize| args.get(i).map(|&a| self.text_value(f, a, depth + 1));
        Some(match callee {
            "append" => {
                let (first, rest) = args.split_first()?;
                let GoValue::List(mut items) = self.expression(f, *first, depth + 1) else { return None };
                items.extend(self.spread(f, rest.iter().copied(), depth + 1));
                GoValue::List(items)
            }
            // The inherited environment: what the program adds is what it says.
            "os.Environ" => GoValue::List(Vec::new()),
            "os.Getenv" => {
                let name = text(0)?;
                GoValue::Text(Value::hole(Origin::Environment(name.as_known()?.to_string())))
            }
            "fmt.Sprintf" => GoValue::Text(self.sprintf(f, args, depth)?),
            "strings.Join" => {
                let GoValue::List(items) = self.expression(f, *args.first()?, depth + 1) else { return None };
                let sep = text(1)?;
                let mut b = Builder::default();
                for (k, (v, _)) in items.iter().enumerate() {
                    if k > 0 {
                        b.push(&sep);
                    }
                    b.push(v);
                }
                GoValue::Text(b.build())
            }
            "filepath.Join" | "path.Join" => {
                let mut b = Builder::default();
                for k in 0..args.len() {
                    if k > 0 {
                        b.push_str("/");
                    }
                    b.push(&text(k)?);
                }
                GoValue::Text(b.build())
            }
            _ => GoValue::Text(self.hole(whole)),
        })
    }

    /// `fmt.Sprintf` with `%s`, `%v`, `%d` and `%q` verbs filled in; other verbs leave a hole.
    fn sprintf(&self, f: usize, args: &[(usize, usize)], depth: usize) -> Option<Value> {
        let format = self.text_value(f, *args.first()?, depth + 1);
        let format = format.as_known()?;
        let mut b = Builder::default();
        let mut next = 1;
        let mut chars = format.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                b.push_str(c.encode_utf8(&mut [0; 4]));
                continue;
            }
            match chars.next() {
                Some('%') => b.push_str("%"),
                Some(verb @ ('s' | 'v' | 'd' | 'q')) => {
                    let v = self.text_value(f, *args.get(next)?, depth + 1);
                    next += 1;
                    if verb == 'q' {
                        b.push_str("\"");
                    }
                    b.push(&v);
                    if verb == 'q' {
                        b.push_str("\"");
                    }
                }
                _ => return None,
            }
        }
        Some(b.build())
    }

    /// A name's value at token `use_at` in function `f`: the last assignment before it in the
    /// function (with the `+=` and `append` before that), a parameter, or a package-level one.
    fn variable(&self, f: usize, name: &str, use_at: usize, depth: usize) -> GoValue {
        if !self.spend(depth) {
            return GoValue::Text(self.hole((use_at, use_at + 1)));
        }
        // Only an assignment complete before the use: `x = append(x, ...)` reads the x before it.
        // One inside a block that ends before the use (an `if`) may not have run: an append
        // there is taken (a flag a branch adds), a replacement is not (`args = append([]string{
        // "echo"}, args...)` under `if *debug`).
        let seen = |a: &&Assignment| {
            a.name == name && a.expr.1 <= use_at && (a.block_end >= use_at || a.add || self.appends_to_itself(a))
        };
        let local = self.locals.get(f).and_then(|l| l.iter().rev().find(seen));
        if let Some(a) = local {
            return self.assigned(f, a, depth);
        }
        if let Some((_, values)) = self.bound.borrow().as_ref().filter(|(g, _)| *g == f) {
            if let Some((_, v)) = values.iter().find(|(p, _)| p == name) {
                return v.clone();
            }
        }
        if self.params.get(f).is_some_and(|p| p.iter().any(|p| p == name)) {
            return GoValue::Text(Value::Partial(vec![super::value::Piece::Hole(Hole {
                origin: Origin::Unevaluated(name.to_string()),
                provenance: Provenance::Caller,
            })]));
        }
        if let Some(a) = self.globals.iter().find(|a| a.name == name) {
            // A package-level initialiser sees only package-level names.
            return self.assigned(self.global_scope(), a, depth);
        }
        GoValue::Text(self.hole((use_at, use_at + 1)))
    }

    /// `x = append(x, ...)`.
    fn appends_to_itself(&self, a: &Assignment) -> bool {
        self.ident(a.expr.0) == Some("append")
            && self.punct(a.expr.0 + 1) == Some("(")
            && self.ident(a.expr.0 + 2) == Some(a.name.as_str())
    }

    /// Package-level expressions are evaluated with no function's locals: the function index
    /// one past the last (its locals and parameters are empty).
    fn global_scope(&self) -> usize {
        self.functions.len()
    }

    fn assigned(&self, f: usize, a: &Assignment, depth: usize) -> GoValue {
        let value = self.expression(f, a.expr, depth + 1);
        if !a.add {
            return value;
        }
        let before = self.variable(f, &a.name, a.at, depth + 1);
        match (before, value) {
            (GoValue::Text(x), GoValue::Text(y)) => {
                let mut b = Builder::default();
                b.push(&x);
                b.push(&y);
                GoValue::Text(b.build())
            }
            _ => GoValue::Text(self.hole(a.expr)),
        }
    }
}

/// What a Go expression left unevaluated reads, from the functions it calls.
fn provenance_of(written: &str) -> Provenance {
    if written.contains("time.Now") {
        Provenance::Clock
    } else if ["os.Hostname", "user.Current", "os.Getwd", "runtime.GOROOT"].iter().any(|c| written.contains(c)) {
        Provenance::Host
    } else if written.contains("git") {
        Provenance::Commit
    } else if written.starts_with('*') {
        // A flag's value: chosen by whoever runs the program.
        Provenance::Caller
    } else {
        Provenance::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argvs(text: &str) -> Vec<Vec<String>> {
        read(text).commands.iter().map(|c| c.argv.iter().map(Value::display).collect()).collect()
    }

    #[test]
    fn literal_calls_lists_appends_and_spreads() {
        let text = r#"package main
import "os/exec"
const ldflags = "-s -w"
func build(goos, goarch string) {
	c := exec.Command("go", "build",
		"-o", "dist/app_"+goos,
		"-ldflags", ldflags,
		"./cmd/app",
	)
	c.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos)
	c.Run()
}
func cross(version string) {
	args := []string{
		"go", "build",
		"--ldflags", "-s -X example.com/app/v.Version=" + version,
		"-trimpath",
	}
	if *mode != "" {
		args = append(args, "-buildmode", *mode)
	}
	args = append(args, "..")
	exec.Command(args[0], args[1:]...).Run()
}
func release() {
	x := fmt.Sprintf("-X main.date=%s", time.Now().Format(time.RFC3339))
	args := []string{"build", "-ldflags", x, "-o", filepath.Join("dist", "app")}
	exec.CommandContext(ctx, "go", args...)
	exec.Command("git", "describe")
}
"#;
        assert_eq!(
            argvs(text),
            [
                vec!["go", "build", "-o", "dist/app_goos", "-ldflags", "-s -w", "./cmd/app"],
                vec![
                    "go",
                    "build",
                    "--ldflags",
                    "-s -X example.com/app/v.Version=version",
                    "-trimpath",
                    "-buildmode",
                    "*mode",
                    ".."
                ],
                vec!["go", "build", "-ldflags", "-X main.date=time.Now().Format(time.RFC3339)", "-o", "dist/app"],
            ]
        );
        let program = read(text);
        let env: Vec<String> = program.commands[0].env.iter().map(|(k, v)| format!("{k}={}", v.display())).collect();
        assert_eq!(env, ["CGO_ENABLED=0", "GOOS=goos"]);
        let date = &program.commands[2].argv[3];
        assert_eq!(date.holes().map(|h| h.provenance).collect::<Vec<_>>(), [Provenance::Clock]);
    }

    #[test]
    fn spans_point_at_the_go_expressions() {
        let text = "package main\nfunc f() {\n\texec.Command(\"go\", \"build\", \"-ldflags\", \"-s -w\", \".\")\n}\n";
        let c = &read(text).commands[0];
        let w = &c.command.words[3];
        assert_eq!(&text[w.start..w.end], "\"-s -w\"");
        assert_eq!(
            &text[c.command.start..c.command.end],
            "exec.Command(\"go\", \"build\", \"-ldflags\", \"-s -w\", \".\")"
        );
    }

    #[test]
    fn hostile_text_is_bounded() {
        // Deep nesting, a self-referencing variable, unterminated literals.
        let deep = format!(
            "package main\nfunc f() {{ x := {}\"a\"{}\nexec.Command(\"go\", \"build\", x) }}",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        assert!(read(&deep).commands.len() <= 1);
        let selfref = "package main\nfunc f() { x := \"a\"\n x += x\n x += x\n exec.Command(\"go\", \"build\", x) }";
        assert_eq!(argvs(selfref), [vec!["go", "build", "aaaa"]]);
        // Many assignments in one function, and one line of chained ones: linear, not quadratic.
        let many = format!(
            "package main\nfunc f() {{\n{}exec.Command(\"go\", \"build\", x)\n}}",
            "x := \"a\"\n".repeat(100_000)
        );
        assert_eq!(argvs(&many), [vec!["go", "build", "a"]]);
        let chained = format!("package main\nfunc f() {{ {}\"a\" }}", "a = ".repeat(100_000));
        let _ = read(&chained);
        let cut = "package main\nfunc f() { exec.Command(\"go\", \"build\", `unterminated";
        let _ = read(cut);
        let _ = read("func");
        let _ = read("\"");
        let _ = read("func (");
    }
}
