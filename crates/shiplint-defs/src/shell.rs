//! A reader of POSIX shell (and the bash that build scripts use): words with their exact byte
//! spans, quoting, parameter expansion, assignments and arrays, `export`, env prefixes, `for`
//! loops, functions, `case`, and the control structures around them. Evaluation lives in `eval`.
//! Nesting is bounded (`budget::MAX_DEPTH`), never the native stack's limit.

use super::budget::{MAX_DEPTH, MAX_WORDS};
pub use super::eval::{Env, Evaluated, evaluate, evaluate_with_entries};
pub use super::value::Value;

/// A piece of a shell word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Unquoted text (backslash escapes already applied).
    Lit(String),
    /// `'...'`
    Single(String),
    /// `"..."` with its own expansions.
    Double(Vec<Part>),
    /// `$NAME`, `${NAME}`, `${NAME%pattern}` and friends.
    Param { name: String, op: Option<(String, Vec<Part>)> },
    /// `$(...)` or `` `...` ``, kept as source text.
    Command(String),
    /// `${{ expr }}`: a CI expression, substituted before the shell runs (GitHub Actions).
    CiExpr(String),
    /// `$(NAME)` (or a make function, `$(if ...)`, as written inside the parentheses) in a
    /// Makefile recipe: make substitutes its text before the shell reads the line, so quotes
    /// inside the value are shell syntax.
    MakeVar(String),
    /// `$((...))`
    Arith(String),
}

/// A word and where it is: byte offsets into the outer file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub parts: Vec<Part>,
    pub start: usize,
    pub end: usize,
}

/// A word of plain text written at `start..end` of a file (a YAML value read as one word).
pub fn literal_word(text: &str, (start, end): (usize, usize)) -> Word {
    Word { parts: vec![Part::Lit(text.to_string())], start, end }
}

impl Word {
    /// The word's text when it has no expansions and no quotes: keywords and names.
    pub fn literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [Part::Lit(s)] => Some(s),
            _ => None,
        }
    }

    /// Every command substitution in the word, e.g. `date +%s` for `$(date +%s)`.
    pub fn command_substitutions(&self) -> Vec<&str> {
        fn walk<'a>(parts: &'a [Part], out: &mut Vec<&'a str>) {
            for p in parts {
                match p {
                    Part::Command(c) => out.push(c),
                    Part::Double(inner) => walk(inner, out),
                    Part::Param { op: Some((_, arg)), .. } => walk(arg, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.parts, &mut out);
        out
    }

    /// Names of the variables the word expands.
    pub fn variables(&self) -> Vec<&str> {
        fn walk<'a>(parts: &'a [Part], out: &mut Vec<&'a str>) {
            for p in parts {
                match p {
                    Part::MakeVar(name) => out.push(name),
                    Part::Param { name, op } => {
                        // `${a[@]}` reads the array `a`.
                        out.push(name.split_once('[').map_or(name.as_str(), |(array, _)| array));
                        if let Some((_, arg)) = op {
                            walk(arg, out);
                        }
                    }
                    Part::Double(inner) => walk(inner, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.parts, &mut out);
        out
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Word(Word),
    /// `;`, `&&`, `||`, `|`, `&`, `(`, `)`, or a newline (`"\n"`).
    Op(&'static str),
    /// A redirection operator (`output`: `>`, `>>`, `&>`, not `<`; `here_string`: `<<<`, whose
    /// word is the command's input text); the next word is its target.
    Redirect {
        output: bool,
        here_string: bool,
    },
}

/// Splits shell source into tokens. `base` is the offset of `src` in the outer file.
struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    i: usize,
    base: usize,
    /// Here-document delimiters waiting for the end of the line: (delimiter, strip tabs).
    pending_heredocs: Vec<(String, bool)>,
    dialect: Dialect,
    /// Expansions open inside expansions (`${a:-${b:-...}}`), bounded by `MAX_DEPTH`.
    depth: usize,
    /// Where each line of `src` was written, when `src` is a rewrite of another text.
    written: Option<&'a LineMap>,
}

/// The lines of a text rewritten line for line (a PowerShell step as the shell it becomes): where
/// each rewritten line starts, and where its original line starts in the file and how long it is.
/// Positions in the rewrite map to the same line of the original, at most at its end.
pub struct LineMap {
    rewritten: Vec<usize>,
    original: Vec<(usize, usize)>,
}

impl LineMap {
    /// The map between `rewritten` and `original` (which starts at `base` in its file); `None`
    /// when their line counts differ.
    pub fn new(rewritten: &str, original: &str, base: usize) -> Option<LineMap> {
        let starts =
            |t: &str| -> Vec<usize> { std::iter::once(0).chain(t.match_indices('\n').map(|(i, _)| i + 1)).collect() };
        let (new, old) = (starts(rewritten), starts(original));
        if new.len() != old.len() {
            return None;
        }
        let ends = old.iter().skip(1).map(|e| e - 1).chain(std::iter::once(original.len()));
        let original = old.iter().zip(ends).map(|(&start, end)| (base + start, end - start)).collect();
        Some(LineMap { rewritten: new, original })
    }

    fn position(&self, at: usize) -> usize {
        let line = self.rewritten.partition_point(|&start| start <= at).saturating_sub(1);
        let (start, len) = self.original[line];
        start + (at - self.rewritten[line]).min(len)
    }
}

/// Where the shell text comes from, which changes how a few characters read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dialect {
    Sh,
    /// Dockerfile RUN: comment and blank lines after a line continuation are not shell input.
    DockerRun,
    /// A Makefile recipe or variable: `$(VAR)` and `${VAR}` are make's, `$$` is the shell's `$`.
    Make,
    /// A recipe written in a `define` that `$(eval $(call ...))` makes a rule of: the call
    /// already made `$$` one `$`, so `$$@` is make's `$@` and `$$$$` the shell's `$`.
    MakeTemplate,
}

impl Dialect {
    fn is_make(self) -> bool {
        matches!(self, Dialect::Make | Dialect::MakeTemplate)
    }
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str, base: usize, dialect: Dialect) -> Self {
        Lexer { src, b: src.as_bytes(), i: 0, base, pending_heredocs: Vec::new(), dialect, depth: 0, written: None }
    }

    /// After a continuation in a Dockerfile, skips the comment and blank lines Docker removes.
    fn skip_docker_comment_lines(&mut self) {
        while self.dialect == Dialect::DockerRun {
            let rest = &self.src[self.i..];
            let line_end = rest.find('\n').map_or(rest.len(), |n| n + 1);
            let line = rest[..line_end].trim_start();
            if line_end == 0 || !(line.is_empty() || line.starts_with('#')) {
                break;
            }
            self.i += line_end;
        }
    }

    fn peek(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).copied()
    }

    /// At a backslash: the length of a line continuation there (`\` and the line's end, `\n`
    /// or a CRLF file's `\r\n`, which Docker and make end lines with too); `None` for none.
    fn continuation(&self) -> Option<usize> {
        match (self.peek(1), self.peek(2)) {
            (Some(b'\n'), _) => Some(2),
            (Some(b'\r'), Some(b'\n')) => Some(3),
            _ => None,
        }
    }

    /// Every token, or the first `MAX_WORDS` and `true` when there are more.
    fn tokens(mut self) -> (Vec<Token>, bool) {
        let mut out = Vec::new();
        while let Some(t) = self.next_token() {
            if out.len() == MAX_WORDS {
                return (out, true);
            }
            out.push(t);
        }
        (out, false)
    }

    fn skip_heredoc_bodies(&mut self) {
        for (delim, strip) in std::mem::take(&mut self.pending_heredocs) {
            while self.i < self.b.len() {
                let end = self.src[self.i..].find('\n').map_or(self.b.len(), |n| self.i + n);
                let line = &self.src[self.i..end];
                self.i = (end + 1).min(self.b.len());
                let line = if strip { line.trim_start_matches('\t') } else { line };
                if line == delim {
                    break;
                }
            }
        }
    }

    fn next_token(&mut self) -> Option<Token> {
        loop {
            match self.peek(0)? {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\\' if self.continuation().is_some() => {
                    self.i += self.continuation().unwrap_or(2);
                    self.skip_docker_comment_lines();
                }
                b'#' => {
                    while self.peek(0).is_some_and(|c| c != b'\n') {
                        self.i += 1;
                    }
                }
                b'\n' => {
                    self.i += 1;
                    self.skip_heredoc_bodies();
                    return Some(Token::Op("\n"));
                }
                _ => break,
            }
        }
        let c = self.peek(0)?;
        let two = (c, self.peek(1).unwrap_or(0));
        let op = match two {
            (b'&', b'&') => Some(("&&", 2)),
            (b'|', b'|') => Some(("||", 2)),
            (b';', b';') => Some((";;", 2)),
            (b';', _) => Some((";", 1)),
            (b'|', _) => Some(("|", 1)),
            (b'&', b'>') => None,
            (b'&', _) => Some(("&", 1)),
            (b'(', _) => Some(("(", 1)),
            (b')', _) => Some((")", 1)),
            _ => None,
        };
        if let Some((op, n)) = op {
            self.i += n;
            return Some(Token::Op(op));
        }
        // Redirections: [n]>, >>, <, <<, <<-, >&, &>, <>, with an optional fd number before.
        let digits = self.b[self.i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let after = self.peek(digits).unwrap_or(0);
        if (c == b'&' && self.peek(1) == Some(b'>')) || after == b'>' || after == b'<' {
            self.i += digits;
            if c == b'&' {
                self.i += 1;
            }
            let first = self.peek(0);
            let output = c == b'&' || first == Some(b'>');
            self.i += 1;
            let here_string = first == Some(b'<') && self.peek(0) == Some(b'<') && self.peek(1) == Some(b'<');
            let heredoc = !here_string && first == Some(b'<') && self.peek(0) == Some(b'<');
            while matches!(self.peek(0), Some(b'>' | b'<' | b'&' | b'|' | b'-')) {
                self.i += 1;
            }
            if heredoc {
                let strip = self.src[..self.i].ends_with('-');
                while matches!(self.peek(0), Some(b' ' | b'\t')) {
                    self.i += 1;
                }
                if let Some(w) = self.word() {
                    let delim = flatten(&w.parts);
                    self.pending_heredocs.push((delim, strip));
                }
                // The delimiter is consumed here; the body is skipped at the end of the line.
                return self.next_token();
            }
            return Some(Token::Redirect { output, here_string });
        }
        self.word().map(Token::Word)
    }

    /// Reads one word starting at `self.i`.
    fn word(&mut self) -> Option<Word> {
        let start = self.i;
        let mut parts = self.parts_until(|c| {
            matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>')
        });
        // Most words are one part: no room kept for more (a script's words are all held at once).
        parts.shrink_to_fit();
        let at = |i: usize| self.written.map_or(self.base + i, |w| w.position(i));
        (self.i > start).then(|| Word { parts, start: at(start), end: at(self.i) })
    }

    /// The argument of `${v/pattern/with}` (or `${v//pattern/with}`): the pattern ends at its
    /// first unescaped `/` (`${t//\// }` replaces every `/`), so its own slashes are kept
    /// escaped as `\/` for the evaluator to split on.
    fn substitution_arg(&mut self) -> Vec<Part> {
        let mut arg = Vec::new();
        if self.peek(0) == Some(b'/') {
            self.i += 1;
            arg.push(Part::Lit("/".into()));
        }
        let pattern = self.parts_until(|c| c == b'/' || c == b'}');
        arg.extend(pattern.into_iter().map(|p| match p {
            Part::Lit(s) => Part::Lit(s.replace('\\', "\\\\").replace('/', "\\/")),
            other => other,
        }));
        if self.peek(0) == Some(b'/') {
            self.i += 1;
            arg.push(Part::Lit("/".into()));
            arg.extend(self.parts_until(|c| c == b'}'));
        }
        arg
    }

    fn parts_until(&mut self, stop: impl Fn(u8) -> bool) -> Vec<Part> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let flush = |lit: &mut String, parts: &mut Vec<Part>| {
            if !lit.is_empty() {
                parts.push(Part::Lit(std::mem::take(lit)));
            }
        };
        while let Some(c) = self.peek(0) {
            if stop(c) {
                break;
            }
            match c {
                b'\\' => match (self.continuation(), self.src[self.i + 1..].chars().next()) {
                    (Some(len), _) => self.i += len,
                    (None, Some(ch)) => {
                        lit.push(ch);
                        self.i += 1 + ch.len_utf8();
                    }
                    (None, None) => {
                        lit.push('\\');
                        self.i += 1;
                    }
                },
                b'\'' => {
                    flush(&mut lit, &mut parts);
                    let end = self.src[self.i + 1..].find('\'').map_or(self.b.len(), |n| self.i + 1 + n);
                    let text = &self.src[self.i + 1..end];
                    parts.push(match self.dialect.is_make() && text.contains('$') {
                        true => Part::Double(make_expansions(text)),
                        false => Part::Single(text.to_string()),
                    });
                    self.i = (end + 1).min(self.b.len());
                }
                b'"' => {
                    flush(&mut lit, &mut parts);
                    self.i += 1;
                    let inner = self.double_quoted();
                    parts.push(Part::Double(inner));
                }
                b'$' | b'`' => {
                    flush(&mut lit, &mut parts);
                    parts.push(self.dollar());
                }
                _ => {
                    let ch = self.src[self.i..].chars().next().unwrap();
                    lit.push(ch);
                    self.i += ch.len_utf8();
                }
            }
        }
        flush(&mut lit, &mut parts);
        parts
    }

    fn double_quoted(&mut self) -> Vec<Part> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        while let Some(c) = self.peek(0) {
            match c {
                b'"' => {
                    self.i += 1;
                    break;
                }
                b'\\' if matches!(self.peek(1), Some(b'"' | b'\\' | b'$' | b'`')) => {
                    lit.push(self.peek(1).unwrap() as char);
                    self.i += 2;
                }
                b'\\' if self.continuation().is_some() => self.i += self.continuation().unwrap_or(2),
                b'$' | b'`' => {
                    if !lit.is_empty() {
                        parts.push(Part::Lit(std::mem::take(&mut lit)));
                    }
                    parts.push(self.dollar());
                }
                _ => {
                    let ch = self.src[self.i..].chars().next().unwrap();
                    lit.push(ch);
                    self.i += ch.len_utf8();
                }
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Lit(lit));
        }
        parts
    }

    /// The text up to the parenthesis that closes one already consumed, quote-aware.
    fn balanced(&mut self, open: u8, close: u8) -> String {
        let start = self.i;
        let mut depth = 1;
        while let Some(c) = self.peek(0) {
            match c {
                b'\'' => {
                    self.i += self.src[self.i + 1..].find('\'').map_or(self.b.len() - self.i, |n| n + 2);
                    continue;
                }
                b'\\' => self.i += 1,
                _ if c == open => depth += 1,
                _ if c == close => {
                    depth -= 1;
                    if depth == 0 {
                        let text = self.src[start..self.i].to_string();
                        self.i += 1;
                        return text;
                    }
                }
                _ => {}
            }
            self.i += 1;
        }
        self.src[start..self.b.len().min(self.src.len())].to_string()
    }

    /// An expansion starting at `$` or a backquote.
    fn dollar(&mut self) -> Part {
        // Past the nesting cap the rest reads as text: no recursion a hostile file can deepen.
        if self.depth >= MAX_DEPTH {
            self.i += 1;
            return Part::Lit("$".into());
        }
        self.depth += 1;
        let part = self.expansion();
        self.depth -= 1;
        part
    }

    fn expansion(&mut self) -> Part {
        if self.peek(0) == Some(b'`') {
            self.i += 1;
            let end = self.src[self.i..].find('`').map_or(self.b.len(), |n| self.i + n);
            let text = self.src[self.i..end].to_string();
            self.i = (end + 1).min(self.b.len());
            return Part::Command(text);
        }
        self.i += 1; // $
        // `${{ expr }}`: a CI expression, substituted before the shell runs (GitHub Actions).
        if self.peek(0) == Some(b'{') && self.peek(1) == Some(b'{') {
            let end = self.src[self.i..].find("}}").map_or(self.b.len(), |n| self.i + n);
            let expr = self.src[self.i + 2..end].trim().to_string();
            self.i = (end + 2).min(self.b.len());
            return Part::CiExpr(expr);
        }
        if self.dialect.is_make() {
            if self.dialect == Dialect::MakeTemplate && self.peek(0) == Some(b'$') {
                // `$$` was one `$` of make's when the recipe was made; `$$$$` is `$$`.
                self.i += 1;
                if self.peek(0) == Some(b'$') && self.peek(1) == Some(b'$') {
                    self.i += 1;
                }
            }
            match self.peek(0) {
                // `$$` is one `$` for the shell: read what follows as the shell's expansion.
                Some(b'$') => {
                    let dialect = self.dialect;
                    self.dialect = Dialect::Sh;
                    let part = self.dollar();
                    self.dialect = dialect;
                    return part;
                }
                Some(open @ (b'(' | b'{')) => {
                    self.i += 1;
                    let text = self.balanced(open, if open == b'(' { b')' } else { b'}' });
                    return make_reference(&text);
                }
                Some(c) if !c.is_ascii_whitespace() => {
                    let ch = self.src[self.i..].chars().next().unwrap_or(c as char);
                    self.i += ch.len_utf8();
                    return Part::MakeVar(ch.to_string());
                }
                _ => return Part::Lit("$".into()),
            }
        }
        match self.peek(0) {
            Some(b'(') if self.peek(1) == Some(b'(') => {
                self.i += 2;
                let text = self.balanced(b'(', b')');
                if self.peek(0) == Some(b')') {
                    self.i += 1;
                }
                Part::Arith(text)
            }
            Some(b'(') => {
                self.i += 1;
                Part::Command(self.balanced(b'(', b')'))
            }
            Some(b'{') => {
                self.i += 1;
                // `${#name}` is a length (never known here); `${@}`, `${1}` are one-character names.
                if self.peek(0) == Some(b'#') && self.peek(1).is_some_and(|c| c.is_ascii_alphabetic() || c == b'_') {
                    self.i += 1;
                    let arg = self.parts_until(|c| c == b'}');
                    self.i = (self.i + 1).min(self.b.len());
                    return Part::Param { name: flatten(&arg), op: Some(("len".into(), Vec::new())) };
                }
                let name_len = match self.peek(0) {
                    Some(c) if b"@*#?$!-".contains(&c) || c.is_ascii_digit() => 1,
                    _ => {
                        let n =
                            self.b[self.i..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
                        // `${a[@]}`, `${a[0]}`: the subscript is part of the name.
                        match (self.peek(n), self.src[self.i + n..].find(']')) {
                            (Some(b'['), Some(close))
                                if n > 0 && !self.src[self.i + n..self.i + n + close].contains('}') =>
                            {
                                n + close + 1
                            }
                            _ => n,
                        }
                    }
                };
                let name = self.src[self.i..self.i + name_len].to_string();
                self.i += name_len;
                let op_len = match (self.peek(0), self.peek(1)) {
                    (Some(b'%'), Some(b'%')) | (Some(b'#'), Some(b'#')) => 2,
                    (Some(b':'), Some(b'-' | b'=' | b'+' | b'?')) => 2,
                    (Some(b'%' | b'#' | b'-' | b'=' | b'+' | b'?' | b':' | b'/'), _) => 1,
                    _ => 0,
                };
                let op = self.src[self.i..self.i + op_len].to_string();
                self.i += op_len;
                let arg = match op.as_str() {
                    "/" => self.substitution_arg(),
                    _ => self.parts_until(|c| c == b'}'),
                };
                if self.peek(0) == Some(b'}') {
                    self.i += 1;
                }
                Part::Param { name, op: (!op.is_empty()).then_some((op, arg)) }
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                let n = self.b[self.i..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
                let name = self.src[self.i..self.i + n].to_string();
                self.i += n;
                Part::Param { name, op: None }
            }
            Some(c) if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => {
                self.i += 1;
                Part::Param { name: (c as char).to_string(), op: None }
            }
            _ => Part::Lit("$".into()),
        }
    }
}

/// Single-quoted text of a make recipe, as the shell gets it: make expands its references first
/// (`'-X main.Date=$(DATE)'`), and the shell takes the result literally, `$$` as one `$`.
fn make_expansions(text: &str) -> Vec<Part> {
    let mut lexer = Lexer::new(text, 0, Dialect::Make);
    let mut parts = Vec::new();
    let mut lit = String::new();
    while let Some(c) = lexer.peek(0) {
        if c == b'$' && lexer.peek(1) != Some(b'$') {
            if !lit.is_empty() {
                parts.push(Part::Single(std::mem::take(&mut lit)));
            }
            parts.push(lexer.dollar());
            continue;
        }
        let ch = text[lexer.i..].chars().next().unwrap_or('$');
        lit.push(ch);
        lexer.i += if c == b'$' { 2 } else { ch.len_utf8() };
    }
    if !lit.is_empty() {
        parts.push(Part::Single(lit));
    }
    parts
}

/// A make reference `$(...)`: a variable, a substitution reference or a function, which the
/// Makefile expands (see `Makefile::env_for`); `$(shell cmd)` is kept as the command it runs.
fn make_reference(text: &str) -> Part {
    match text.strip_prefix("shell ") {
        Some(cmd) => Part::Command(cmd.trim().to_string()),
        None => Part::MakeVar(text.to_string()),
    }
}

/// Whether the text of a make reference names a variable (`GOFLAGS`, `@`), not a function call
/// or a substitution reference (`$(if $(TAGS),-tags $(TAGS))`, `$(SRCS:.go=)`).
pub fn names_make_variable(reference: &str) -> bool {
    let automatic = matches!(reference, "@" | "*" | "<" | "^" | "?" | "%" | "+");
    automatic || !reference.is_empty() && reference.bytes().all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(&c))
}

/// Text of parts with quotes removed and expansions written back as `${NAME}`/`$(...)`.
pub fn flatten(parts: &[Part]) -> String {
    let mut s = String::new();
    for p in parts {
        match p {
            Part::Lit(t) | Part::Single(t) => s.push_str(t),
            Part::Double(inner) => s.push_str(&flatten(inner)),
            Part::Param { name, op: None } => s.push_str(&format!("${{{name}}}")),
            Part::MakeVar(name) => s.push_str(&format!("$({name})")),
            Part::Param { name, op: Some((op, arg)) } => s.push_str(&format!("${{{name}{op}{}}}", flatten(arg))),
            Part::Command(c) => s.push_str(&format!("$({c})")),
            Part::CiExpr(e) => s.push_str(&format!("${{{{ {e} }}}}")),
            Part::Arith(a) => s.push_str(&format!("$(({a}))")),
        }
    }
    s
}

/// A command with its leading assignments (`GOOS=linux go build ...`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimpleCommand {
    pub assigns: Vec<(String, Word)>,
    /// Array assignments, `NAME=(words...)`, in prefix position or after `declare`/`local`.
    pub arrays: Vec<(String, Vec<Word>)>,
    /// The operator joining it to the command before (`&&`, `||`, `|`, `;`, newline), or `""`
    /// at the start of a list. The first command of a `( ... )` group takes the operator before
    /// the group.
    pub after: &'static str,
    /// It runs in a `( ... )` subshell group: its `exit` leaves that group only.
    pub in_subshell: bool,
    pub words: Vec<Word>,
    /// The targets its output is redirected to (`> file`, `>> "$GITHUB_ENV"`).
    pub writes_to: Vec<Word>,
    /// The text a here-string gives as its input (`<<< "$1"`).
    pub here_string: Option<Word>,
    pub start: usize,
    pub end: usize,
    /// The commands read inside it, at their place: its command substitutions
    /// (`img=$(ko build ./cmd/app)`), which run in a subshell before it, and the script it hands
    /// to a shell (`sh -c 'make release'`, also after `docker run IMAGE` or `sudo`).
    pub nested: Vec<Item>,
}

/// The structure a script is read into: commands, and `for` loops around them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Command(SimpleCommand),
    /// `for var in words; do body; done` (`words` is `None` for `for var; do`). With
    /// `per_line`, a `while read` loop fed a known text (`echo "$table" | while read -r os
    /// arch; do`, `done <<< "$table"`): `words` is that text, run once per line, and the body
    /// starts with the `read` of the line held in `var`.
    For {
        var: String,
        words: Option<Vec<Word>>,
        body: Vec<Item>,
        start: usize,
        per_line: bool,
    },
    /// `name() { body; }` or `function name { body; }`: evaluated at each call.
    Function {
        name: String,
        body: Vec<Item>,
        start: usize,
    },
    /// `case word in pattern|pattern) body ;; ... esac`.
    Case {
        word: Word,
        arms: Vec<(Vec<Word>, Vec<Item>)>,
    },
    /// `if`, its `elif`s (each a condition and a body) and its `else`.
    If {
        branches: Vec<(Vec<Item>, Vec<Item>)>,
        otherwise: Option<Vec<Item>>,
    },
    /// Where the parser stopped, and why; the rest of the text is not read.
    Unread(Unread),
}

/// Why a script was not read to its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unread {
    /// Constructs nested deeper than `MAX_DEPTH`.
    NestedTooDeep,
    /// More than `MAX_WORDS` words and operators.
    TooManyWords,
}

/// Reads shell source (`src` sits at byte `base` of its file).
pub fn parse(src: &str, base: usize) -> Vec<Item> {
    parse_dialect(src, base, Dialect::Sh)
}

/// Reads the shell form of a Dockerfile RUN, where comment lines inside continuations vanish.
pub fn parse_docker_run(src: &str, base: usize) -> Vec<Item> {
    parse_dialect(src, base, Dialect::DockerRun)
}

/// Reads one Makefile recipe line: make's `$(VAR)` references, the shell's `$$`.
pub fn parse_make_recipe(src: &str, base: usize) -> Vec<Item> {
    parse_dialect(src, base, Dialect::Make)
}

/// Reads one recipe line of a rule written in a `define` body (see `Dialect::MakeTemplate`).
pub fn parse_make_template_recipe(src: &str, base: usize) -> Vec<Item> {
    parse_dialect(src, base, Dialect::MakeTemplate)
}

/// Parses a rewrite of a script (see [`LineMap`]): words are placed on the lines they were
/// written on. The commands inside its substitutions are not read as commands.
pub fn parse_rewritten(src: &str, written: &LineMap) -> Vec<Item> {
    let mut lexer = Lexer::new(src, 0, Dialect::Sh);
    lexer.written = Some(written);
    read_items(lexer)
}

/// The items of the text `lexer` reads, the last saying when it had too many words.
fn read_items(lexer: Lexer<'_>) -> Vec<Item> {
    let (tokens, cut) = lexer.tokens();
    let mut items = Parser::new(tokens).items(&[]);
    if cut {
        items.push(Item::Unread(Unread::TooManyWords));
    }
    items
}

fn parse_dialect(src: &str, base: usize, dialect: Dialect) -> Vec<Item> {
    parse_nested(src, base, dialect, 0)
}

/// How many command substitutions and `sh -c` scripts inside one another are read as commands.
const MAX_NESTED_DEPTH: usize = 4;

fn parse_nested(src: &str, base: usize, dialect: Dialect, depth: usize) -> Vec<Item> {
    let mut items = read_items(Lexer::new(src, base, dialect));
    if depth < MAX_NESTED_DEPTH {
        read_nested(&mut items, src, base, dialect, depth);
    }
    items
}

/// Reads, as commands at their place in `src`, the text of each command's substitutions and the
/// script it hands to a shell with `-c`.
fn read_nested(items: &mut [Item], src: &str, base: usize, dialect: Dialect, depth: usize) {
    for item in items {
        match item {
            Item::Command(c) => {
                let words = c
                    .words
                    .iter()
                    .chain(c.assigns.iter().map(|(_, w)| w))
                    .chain(c.arrays.iter().flat_map(|(_, ws)| ws));
                let written =
                    |w: &Word| src.get(w.start.saturating_sub(base)..w.end.saturating_sub(base)).unwrap_or("");
                let mut found = Vec::new();
                for w in words {
                    // Where each text is written (a make function's text is as written too).
                    for text in w.command_substitutions() {
                        if let Some(at) = written(w).find(text).filter(|_| !text.is_empty()) {
                            found.extend(parse_nested(text, w.start + at, dialect, depth + 1));
                        }
                    }
                }
                if let Some(script) = shell_script_argument(&c.words) {
                    let text = written(script);
                    // The script's text between its quotes (one quoted word), or as written.
                    let b = text.as_bytes();
                    let quoted = b.len() >= 2
                        && matches!(script.parts.as_slice(), [Part::Single(_) | Part::Double(_)])
                        && matches!(b[0], b'\'' | b'"')
                        && b[b.len() - 1] == b[0];
                    let (inner, at) = if quoted { (&text[1..text.len() - 1], 1) } else { (text, 0) };
                    found.extend(parse_nested(inner, script.start + at, dialect, depth + 1));
                }
                c.nested = found;
            }
            Item::For { body, .. } | Item::Function { body, .. } => read_nested(body, src, base, dialect, depth),
            Item::Case { arms, .. } => {
                arms.iter_mut().for_each(|(_, body)| read_nested(body, src, base, dialect, depth));
            }
            Item::If { branches, otherwise } => {
                for (condition, body) in branches {
                    read_nested(condition, src, base, dialect, depth);
                    read_nested(body, src, base, dialect, depth);
                }
                otherwise.iter_mut().for_each(|body| read_nested(body, src, base, dialect, depth));
            }
            Item::Unread(_) => {}
        }
    }
}

/// The shells build files run scripts with.
pub const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "ksh", "zsh"];

/// The script word of a shell run with `-c` anywhere in a command's words: `sh -c SCRIPT`,
/// `bash -ec SCRIPT`, `/bin/sh -c SCRIPT`, and so after `docker run IMAGE`, `sudo` or `env`.
fn shell_script_argument(words: &[Word]) -> Option<&Word> {
    let is_shell = |w: &Word| {
        w.literal()
            .is_some_and(|l| SHELLS.contains(&l.strip_prefix('/').map_or(l, |p| p.rsplit('/').next().unwrap_or(p))))
    };
    let shell = words.iter().position(is_shell)?;
    // Its options up to the first operand; `-c` among them makes that operand the script.
    let mut takes_script = false;
    let mut rest = words[shell + 1..].iter();
    while let Some(w) = rest.next() {
        match w.literal() {
            // `-o pipefail` names an option with its own word.
            Some("-o" | "+o") => drop(rest.next()),
            Some(option) if option.starts_with('-') || option.starts_with('+') => {
                takes_script |= option.starts_with('-') && !option.starts_with("--") && option.contains('c');
            }
            _ => return takes_script.then_some(w),
        }
    }
    None
}

/// A Makefile variable's value as one word (spaces kept), for tracing where values come from.
pub fn make_value(src: &str, base: usize) -> Word {
    value_word(src, base, Dialect::Make)
}

/// A CI value (an `env:` entry, an action input) as one word: `${{ expr }}` and `$VAR` expand.
pub fn ci_value(src: &str, base: usize) -> Word {
    value_word(src, base, Dialect::Sh)
}

fn value_word(src: &str, base: usize, dialect: Dialect) -> Word {
    let mut lexer = Lexer::new(src, base, dialect);
    // Read like one shell word without word splitting: expansions are seen, spaces are kept.
    let parts = lexer.parts_until(|_| false);
    Word { parts, start: base, end: base + src.len() }
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
    /// Constructs open around the current token, bounded by `MAX_DEPTH`.
    depth: usize,
    /// `case` arms open: `;;` ends the innermost.
    case_arms: usize,
    /// The operator before the next command of the current list (`&&`, `||`, `;`...).
    last_op: &'static str,
    /// `( ... )` subshell groups open around the current token.
    subshells: usize,
    /// The text a command prints into a `{ ...; }` group it pipes to (`echo "$table" | { while
    /// read ...; done; }`), for the group's first `while read` loop to take as its input.
    group_input: Option<Word>,
}

const KEYWORDS: &[&str] =
    &["if", "then", "elif", "else", "fi", "while", "until", "do", "done", "case", "esac", "for", "{", "}", "!", "in"];

impl Parser {
    fn keyword(&self) -> Option<&str> {
        match self.toks.get(self.i) {
            Some(Token::Word(w)) => w.literal().filter(|l| KEYWORDS.contains(l)),
            _ => None,
        }
    }

    fn new(toks: Vec<Token>) -> Self {
        Parser { toks, i: 0, depth: 0, case_arms: 0, last_op: "", subshells: 0, group_input: None }
    }

    fn items(&mut self, terminators: &[&str]) -> Vec<Item> {
        self.depth += 1;
        let items = if self.depth > MAX_DEPTH {
            // Too deeply nested to be a real build script: the rest is not read.
            self.i = self.toks.len();
            vec![Item::Unread(Unread::NestedTooDeep)]
        } else {
            self.items_at_depth(terminators)
        };
        self.depth -= 1;
        items
    }

    fn items_at_depth(&mut self, terminators: &[&str]) -> Vec<Item> {
        let mut items = Vec::new();
        self.last_op = "";
        while self.i < self.toks.len() {
            if self.case_arms > 0 && self.toks[self.i] == Token::Op(";;") {
                return items;
            }
            match self.toks[self.i] {
                // A subshell group runs after the operator before it (`[ -n "$x" ] || (echo
                // missing; exit 1)`).
                Token::Op("(") => {
                    self.subshells += 1;
                    self.i += 1;
                    continue;
                }
                Token::Op(")") if self.subshells > 0 => {
                    self.subshells -= 1;
                    self.i += 1;
                    continue;
                }
                Token::Op(op) => {
                    self.last_op = op;
                    self.i += 1;
                    continue;
                }
                Token::Redirect { .. } => {
                    self.i += 2; // a redirection with no command: skip its target
                    continue;
                }
                Token::Word(_) => {}
            }
            match self.keyword() {
                Some(k) if terminators.contains(&k) => return items,
                // `for ((i = 0; i < n; i++))`: a loop of a count not followed, read once (as
                // `while` is), with its counter unset.
                Some("for") if self.toks.get(self.i + 1..self.i + 3) == Some(&[Token::Op("("), Token::Op("(")]) => {
                    self.i += 3;
                    while self.i < self.toks.len()
                        && self.toks.get(self.i..self.i + 2) != Some(&[Token::Op(")"), Token::Op(")")])
                    {
                        self.i += 1;
                    }
                    self.i += 2;
                    while matches!(self.toks.get(self.i), Some(Token::Op(";" | "\n"))) {
                        self.i += 1;
                    }
                    if self.keyword() == Some("do") {
                        self.i += 1;
                    }
                    items.extend(self.items(&["done"]));
                    self.i += 1;
                }
                Some("for") => items.push(self.for_loop()),
                Some("while" | "until") => {
                    let piped = self.last_op == "|";
                    let start = match &self.toks[self.i] {
                        Token::Word(w) => w.start,
                        _ => 0,
                    };
                    self.i += 1;
                    let condition = self.items(&["do"]);
                    self.i += 1;
                    let body = self.items(&["done"]);
                    self.i += 1;
                    // `done <<< "$table"`: the loop's input.
                    let fed = match self.toks.get(self.i..self.i + 2) {
                        Some([Token::Redirect { here_string: true, .. }, Token::Word(w)]) => {
                            self.i += 2;
                            Some(w.clone())
                        }
                        _ => None,
                    };
                    let producer = match (piped && fed.is_none(), items.last()) {
                        (true, Some(Item::Command(c))) => printed_text(c),
                        _ => None,
                    };
                    let from_pipe = producer.is_some();
                    // The first loop of a group a printing command pipes into reads its text.
                    let from_group = !from_pipe && fed.is_none() && items.is_empty() && self.group_input.is_some();
                    let producer = if from_group { self.group_input.clone() } else { producer };
                    match read_loop(fed.or(producer), condition, body, start) {
                        Ok(item) => {
                            // The printing command is the loop's input now.
                            if from_pipe {
                                items.pop();
                            }
                            if from_group {
                                self.group_input = None;
                            }
                            items.push(item);
                        }
                        Err((condition, body)) => {
                            items.extend(condition);
                            items.extend(body);
                        }
                    }
                }
                Some("if") => items.push(self.if_chain()),
                Some("{") => {
                    let op = self.last_op;
                    self.i += 1;
                    let printed = match (op, items.last()) {
                        ("|", Some(Item::Command(c))) => printed_text(c),
                        _ => None,
                    };
                    let piped_text = printed.is_some();
                    let outer = std::mem::replace(&mut self.group_input, printed);
                    let body = self.items(&["}"]);
                    // Taken by the group's loop: the printing command is that loop's input now.
                    if piped_text && self.group_input.is_none() {
                        items.pop();
                    }
                    self.group_input = outer;
                    self.i += 1;
                    conditional_group(&mut items, op, body);
                }
                Some("case") => items.extend(self.case()),
                Some(_) => self.i += 1,
                None => {
                    if let Some(f) = self.function() {
                        items.push(f);
                    } else if let Some(cmd) = self.command() {
                        items.push(Item::Command(cmd));
                    }
                }
            }
        }
        items
    }

    /// `if list; then items; [elif list; then items;]... [else items;] fi`.
    fn if_chain(&mut self) -> Item {
        self.i += 1;
        let mut branches = Vec::new();
        let mut otherwise = None;
        loop {
            let condition = self.items(&["then"]);
            if self.keyword() == Some("then") {
                self.i += 1;
            }
            branches.push((condition, self.items(&["elif", "else", "fi"])));
            match self.keyword() {
                Some("elif") => self.i += 1,
                Some("else") => {
                    self.i += 1;
                    otherwise = Some(self.items(&["fi"]));
                    self.i += 1;
                    break;
                }
                _ => {
                    self.i += 1;
                    break;
                }
            }
        }
        self.last_op = "";
        Item::If { branches, otherwise }
    }

    /// `name() { ...; }`, `function name { ...; }`, `function name() { ...; }`.
    fn function(&mut self) -> Option<Item> {
        let Some(Token::Word(first)) = self.toks.get(self.i) else { return None };
        let keyword_form = first.literal() == Some("function");
        let name_at = if keyword_form { self.i + 1 } else { self.i };
        let Some(Token::Word(name)) = self.toks.get(name_at) else { return None };
        let name = name.literal()?.to_string();
        let start = first.start;
        let mut j = name_at + 1;
        if self.toks.get(j) == Some(&Token::Op("(")) && self.toks.get(j + 1) == Some(&Token::Op(")")) {
            j += 2;
        } else if !keyword_form {
            return None;
        }
        while self.toks.get(j) == Some(&Token::Op("\n")) {
            j += 1;
        }
        match self.toks.get(j) {
            Some(Token::Word(brace)) if brace.literal() == Some("{") => {}
            _ => return None,
        }
        self.i = j + 1;
        let body = self.items(&["}"]);
        self.i += 1;
        Some(Item::Function { name, body, start })
    }

    /// `case word in pattern|pattern) items ;; ... esac`.
    fn case(&mut self) -> Option<Item> {
        self.i += 1;
        let Some(Token::Word(word)) = self.toks.get(self.i).cloned() else { return None };
        self.i += 1;
        while matches!(self.toks.get(self.i), Some(Token::Op("\n"))) {
            self.i += 1;
        }
        if self.keyword() == Some("in") {
            self.i += 1;
        }
        let mut arms = Vec::new();
        self.case_arms += 1;
        loop {
            while matches!(self.toks.get(self.i), Some(Token::Op("\n" | ";" | ";;"))) {
                self.i += 1;
            }
            if self.i >= self.toks.len() {
                break;
            }
            if self.keyword() == Some("esac") {
                self.i += 1;
                break;
            }
            let mut patterns = Vec::new();
            while let Some(t) = self.toks.get(self.i) {
                self.i += 1;
                match t {
                    Token::Op(")") => break,
                    Token::Word(w) => patterns.push(w.clone()),
                    _ => {}
                }
            }
            let body = self.items(&["esac"]);
            arms.push((patterns, body));
        }
        self.case_arms -= 1;
        Some(Item::Case { word, arms })
    }

    fn for_loop(&mut self) -> Item {
        let start = match &self.toks[self.i] {
            Token::Word(w) => w.start,
            _ => 0,
        };
        self.i += 1;
        let var = match self.toks.get(self.i) {
            Some(Token::Word(w)) => flatten(&w.parts),
            _ => String::new(),
        };
        self.i += 1;
        while self.toks.get(self.i) == Some(&Token::Op("\n")) {
            self.i += 1;
        }
        let mut words = None;
        if self.keyword() == Some("in") {
            self.i += 1;
            let mut list = Vec::new();
            while let Some(Token::Word(w)) = self.toks.get(self.i) {
                list.push(w.clone());
                self.i += 1;
            }
            words = Some(list);
        }
        while matches!(self.toks.get(self.i), Some(Token::Op(";" | "\n"))) {
            self.i += 1;
        }
        if self.keyword() == Some("do") {
            self.i += 1;
        }
        let body = self.items(&["done"]);
        self.i += 1;
        Item::For { var, words, body, start, per_line: false }
    }

    fn command(&mut self) -> Option<SimpleCommand> {
        let mut assigns = Vec::new();
        let mut arrays = Vec::new();
        let mut words: Vec<Word> = Vec::new();
        let mut writes_to: Vec<Word> = Vec::new();
        let mut here_string = None;
        let mut span: Option<(usize, usize)> = None;
        let mut widen = |w: &Word| span = Some(span.map_or((w.start, w.end), |(s, e)| (s.min(w.start), e.max(w.end))));
        while let Some(t) = self.toks.get(self.i) {
            match t {
                Token::Op(_) => break,
                Token::Redirect { output, here_string: text } => {
                    // Its target is skipped below; where output goes is kept (`>> "$GITHUB_ENV"`),
                    // and a here-string's text (`read -ra parts <<< "$1"`).
                    self.i += 1;
                    match (*output, *text, self.toks.get(self.i)) {
                        (true, _, Some(Token::Word(target))) => writes_to.push(target.clone()),
                        (_, true, Some(Token::Word(w))) => here_string = Some(w.clone()),
                        _ => {}
                    }
                }
                Token::Word(w) => {
                    let assignment = split_assignment(w);
                    if let Some((name, value)) = &assignment {
                        if value.parts.is_empty() && self.toks.get(self.i + 1) == Some(&Token::Op("(")) {
                            widen(w);
                            self.i += 2;
                            let mut elements = Vec::new();
                            while let Some(t) = self.toks.get(self.i) {
                                self.i += 1;
                                match t {
                                    Token::Op(")") => break,
                                    Token::Word(e) => {
                                        widen(e);
                                        elements.push(e.clone());
                                    }
                                    _ => {}
                                }
                            }
                            arrays.push((name.clone(), elements));
                            continue;
                        }
                    }
                    widen(w);
                    match assignment {
                        Some(a) if words.is_empty() => assigns.push(a),
                        _ => words.push(w.clone()),
                    }
                }
            }
            self.i += 1;
        }
        let (start, end) = span?;
        let after = std::mem::take(&mut self.last_op);
        let in_subshell = self.subshells > 0;
        Some(SimpleCommand {
            assigns,
            arrays,
            words,
            writes_to,
            here_string,
            start,
            end,
            after,
            in_subshell,
            nested: Vec::new(),
        })
    }
}

/// The word a command prints as lines: `echo "$table"`, `printf '%s\n' "$table"`.
fn printed_text(c: &SimpleCommand) -> Option<Word> {
    match c.words.as_slice() {
        [echo, text] if echo.literal() == Some("echo") => Some(text.clone()),
        [printf, format, text] if printf.literal() == Some("printf") && flatten(&format.parts) == "%s\\n" => {
            Some(text.clone())
        }
        _ => None,
    }
}

/// The name a per-line loop keeps its line in (not a shell name: no script can set it).
pub const READ_LINE: &str = "read line";

/// `while read names; do body; done` fed the text `text`: one iteration per line, whose
/// `read` splits the line; anything else (another condition, an unknown input) is given back
/// to be read once, as before.
fn read_loop(
    text: Option<Word>,
    condition: Vec<Item>,
    body: Vec<Item>,
    start: usize,
) -> Result<Item, (Vec<Item>, Vec<Item>)> {
    let Some(text) = text else { return Err((condition, body)) };
    let mut condition = condition;
    match condition.as_mut_slice() {
        [Item::Command(read)]
            if read.words.first().and_then(Word::literal) == Some("read") && read.here_string.is_none() =>
        {
            let line = Part::Double(vec![Part::Param { name: READ_LINE.into(), op: None }]);
            read.here_string = Some(Word { parts: vec![line], start: read.start, end: read.start });
        }
        _ => return Err((condition, body)),
    }
    let mut items = condition;
    items.extend(body);
    Ok(Item::For { var: READ_LINE.into(), words: Some(vec![text]), body: items, start, per_line: true })
}

/// A `{ ...; }` group: after `&&` or `||`, it runs only as the commands chained before it
/// decide (`[ -z "$1" ] && { usage; exit 1; }` is an `if`, whose `exit` may not run); else its
/// commands are the list's own.
fn conditional_group(items: &mut Vec<Item>, op: &str, body: Vec<Item>) {
    let mut start = items.len();
    if matches!(op, "&&" | "||") {
        while let Some(Item::Command(c)) = start.checked_sub(1).and_then(|i| items.get(i)) {
            start -= 1;
            if !matches!(c.after, "&&" | "||") {
                break;
            }
        }
    }
    if start == items.len() {
        items.extend(body);
        return;
    }
    let condition: Vec<Item> = items.drain(start..).collect();
    items.push(match op {
        "&&" => Item::If { branches: vec![(condition, body)], otherwise: None },
        _ => Item::If { branches: vec![(condition, Vec::new())], otherwise: Some(body) },
    });
}

/// Whether `s` is a shell variable's name: letters, digits and `_`, not starting with a digit.
pub fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') && !s.as_bytes()[0].is_ascii_digit()
}

/// `NAME=value` as a word: the name and the value word (its span starts after `=`).
pub fn split_assignment(w: &Word) -> Option<(String, Word)> {
    let Some(Part::Lit(first)) = w.parts.first() else { return None };
    let eq = first.find('=')?;
    // `name+=value` appends (bash): the name keeps its `+` (see `Env::assign`).
    let name = &first[..eq];
    if !is_name(name.strip_suffix('+').unwrap_or(name)) {
        return None;
    }
    let mut parts = w.parts.clone();
    let rest = first[eq + 1..].to_string();
    if rest.is_empty() {
        parts.remove(0);
    } else {
        parts[0] = Part::Lit(rest);
    }
    Some((name.to_string(), Word { parts, start: w.start + eq + 1, end: w.end }))
}

/// The `source FILE` and `. FILE` commands of a script that name a file by a literal end: each
/// command's offset and that relative path (`lib/init.sh` of `"${ROOT}/lib/init.sh"`,
/// `scripts/lib.sh` of `./scripts/lib.sh`, `common.sh` of `$(dirname "$0")/common.sh`).
/// Absolute paths, `~`, process substitutions and names that are all expansion are left out.
pub fn sourced_paths(src: &str) -> Vec<(usize, String)> {
    fn walk(items: &[Item], src: &str, out: &mut Vec<(usize, String)>) {
        for item in items {
            match item {
                Item::Command(c) => {
                    if let [program, path, ..] = c.words.as_slice() {
                        let literal_end = src.get(path.start..path.end).and_then(literal_end);
                        // `source <(kubectl completion bash)` reads a process's output.
                        let redirected = src.get(program.end..path.start).is_none_or(|between| between.contains('<'));
                        if matches!(program.literal(), Some("source" | ".")) && !redirected {
                            out.extend(literal_end.map(|p| (c.start, p)));
                        }
                    }
                }
                Item::For { body, .. } | Item::Function { body, .. } => walk(body, src, out),
                Item::Case { arms, .. } => arms.iter().for_each(|(_, body)| walk(body, src, out)),
                Item::If { branches, otherwise } => {
                    for (condition, body) in branches {
                        walk(condition, src, out);
                        walk(body, src, out);
                    }
                    otherwise.iter().for_each(|body| walk(body, src, out));
                }
                Item::Unread(_) => {}
            }
        }
    }
    /// The literal path after the word's last expansion, without quotes.
    fn literal_end(word: &str) -> Option<String> {
        let unquoted: String = word.chars().filter(|c| !matches!(c, '"' | '\'')).collect();
        if unquoted.starts_with("<(") || unquoted.starts_with('/') || unquoted.starts_with('~') {
            return None;
        }
        // Where the last expansion ends: after its `}` or `)`, or after a `$NAME`.
        let closed = unquoted.rfind(['}', ')']).map(|i| i + 1);
        let named = unquoted.rfind('$').map(|dollar| {
            let name = &unquoted[dollar + 1..];
            dollar + 1 + name.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(name.len())
        });
        let tail = match closed.max(named) {
            None => unquoted.as_str(),
            // An expansion then nothing, or text glued to it (`${DIR}lib.sh`): no file named.
            Some(end) => unquoted[end..].strip_prefix('/')?,
        };
        let tail = tail.trim_start_matches("./");
        let plausible = !tail.is_empty() && !tail.ends_with('/') && !tail.contains(['$', '`', '*', '?']);
        plausible.then(|| tail.to_string())
    }
    let mut out = Vec::new();
    walk(&parse(src, 0), src, &mut out);
    out
}

/// Every variable a script's words expand (loop lists and assignments included).
pub fn referenced_variables(items: &[Item]) -> Vec<&str> {
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::Command(c) => {
                out.extend(c.words.iter().flat_map(Word::variables));
                out.extend(c.assigns.iter().flat_map(|(_, w)| w.variables()));
                // A recipe's command substitutions hold make references too (`$$(echo $(VAR))`).
                out.extend(referenced_variables(&c.nested));
            }
            Item::For { words, body, .. } => {
                out.extend(words.iter().flatten().flat_map(Word::variables));
                out.extend(referenced_variables(body));
            }
            Item::Function { body, .. } => out.extend(referenced_variables(body)),
            Item::Case { word, arms } => {
                out.extend(word.variables());
                out.extend(arms.iter().flat_map(|(_, body)| referenced_variables(body)));
            }
            Item::If { branches, otherwise } => {
                for (condition, body) in branches {
                    out.extend(referenced_variables(condition));
                    out.extend(referenced_variables(body));
                }
                out.extend(otherwise.iter().flat_map(|body| referenced_variables(body)));
            }
            Item::Unread(_) => {}
        }
    }
    out
}

/// Shell pattern matching with `*`, `?` and literal characters, in time linear in the text for
/// each star (no backtracking blow-up on hostile patterns).
pub fn glob_match(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, si));
                pi += 1;
            }
            Some(&c) if c == b'?' || c == s[si] => {
                pi += 1;
                si += 1;
            }
            _ => match star {
                Some((sp, ss)) => {
                    pi = sp + 1;
                    si = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sourced_paths_by_their_literal_end() {
        let src = "#!/bin/sh\nsource ./scripts/lib.sh\n. \"${ROOT}/hack/lib/init.sh\"\nsource \"$(dirname \"$0\")/common.sh\"\n\
                   f() {\n  . $DIR/env.sh\n}\nsource /etc/os-release\nsource ~/.bashrc\nsource <(kubectl completion bash)\n\
                   . \"$HOME\"\nsource ${DIR}lib.sh\necho source x.sh\n";
        let found: Vec<String> = sourced_paths(src).into_iter().map(|(_, p)| p).collect();
        assert_eq!(found, ["scripts/lib.sh", "hack/lib/init.sh", "common.sh", "env.sh"]);
    }
    use crate::budget::Budget;
    use crate::eval::remove_affix;

    /// Each evaluated command's argv and loop iteration.
    type Run = Vec<(Vec<Value>, Vec<(String, Value)>)>;

    fn run(src: &str) -> Run {
        let items = parse(src, 0);
        let mut env = Env::default();
        evaluate(&items, &mut env, &Budget::default()).into_iter().map(|e| (e.argv, e.iteration)).collect()
    }

    fn known(s: &str) -> Value {
        Value::Known(s.into())
    }

    #[test]
    fn words_quotes_and_spans() {
        let src = "go build -ldflags=\"-s -w\" -o 'bin/a b' ./cmd/x # note\n";
        let items = parse(src, 10);
        let Item::Command(c) = &items[0] else { panic!() };
        assert_eq!(c.words.len(), 6);
        assert_eq!(flatten(&c.words[2].parts), "-ldflags=-s -w");
        assert_eq!((c.words[4].start, c.words[4].end), (10 + 29, 10 + 38));
        assert_eq!(&src[29..38], "'bin/a b'");
    }

    #[test]
    fn loops_expansions_and_prefixes() {
        let got = run(
            "for target in linux/amd64 darwin/arm64; do\n  GOOS=${target%/*} GOARCH=${target#*/} go build -o bin/api-${target%/*} ./cmd/api\ndone\n",
        );
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0[3], known("bin/api-linux"));
        assert_eq!(got[1].0[3], known("bin/api-darwin"));
        assert_eq!(got[1].1, vec![("target".to_string(), known("darwin/arm64"))]);
        let items = parse("t=linux/arm64; GOOS=${t%/*} GOARCH=${t#*/} N=${#t} go build", 0);
        let ev = evaluate(&items, &mut Env::default(), &Budget::default());
        assert_eq!(ev[1].env.get("GOARCH"), Some(&known("arm64")));
        assert_eq!(ev[1].env.get("GOOS"), Some(&known("linux")));
        assert_eq!(ev[1].env.get("N"), Some(&known("11")));
    }

    #[test]
    fn continuation_heredoc_and_control_flow() {
        let src = "export CGO_ENABLED=0\nif [ -n \"$X\" ]; then\n  cat <<EOF > f\nfor not a loop\nEOF\n  go build \\\n   -o out .\nfi\n";
        let items = parse(src, 0);
        let mut env = Env::default();
        let ev = evaluate(&items, &mut env, &Budget::default());
        let go = ev.iter().find(|e| e.argv.first() == Some(&known("go"))).unwrap();
        assert_eq!(go.argv, vec![known("go"), known("build"), known("-o"), known("out"), known(".")]);
        assert_eq!(go.env.get("CGO_ENABLED"), Some(&known("0")));
        assert!(go.iteration.is_empty());
        // A CRLF file's continuations, between words, inside one and inside double quotes.
        let crlf = "apk add g++ \\\r\n  && go install \\\r\n  -ldfl\\\r\nags \"-s \\\r\n-w\" && apk del g++\r\n";
        let items = parse(crlf, 0);
        let ev = evaluate(&items, &mut Env::default(), &Budget::default());
        let go = ev.iter().find(|e| e.argv.first() == Some(&known("go"))).unwrap();
        assert_eq!(go.argv, vec![known("go"), known("install"), known("-ldflags"), known("-s -w")]);
    }

    #[test]
    fn a_group_after_and_or_runs_as_the_chain_decides() {
        // A usage check on what the caller passes does not end the script's reading.
        let src = "[ -z \"$VERSION\" ] && { echo usage; exit 1; }\ncd dist || { echo no; exit 1; }\ngo build -o app .\ntrue && { exit 0; }\ngo build -o never .\n";
        let got = run(src);
        let programs: Vec<String> =
            got.iter().map(|(argv, ..)| argv.first().map(Value::display).unwrap_or_default()).collect();
        // (`cd` may fail: its group is read too, without ending the list.)
        assert_eq!(programs, ["[", "echo", "exit", "cd", "echo", "exit", "go", "true", "exit"], "{got:?}");
    }

    #[test]
    fn an_arithmetic_for_loop_runs_its_body_once() {
        // Not a loop over the arguments: its count is not followed, and its header is no command.
        let src = "set -- a b c\nfor (( i=0; i < ${#arr[@]}; i++ ))\ndo\n  go build -o \"out/$i\" .\ndone\nfor ((;;)); do echo x; done\n";
        let got = run(src);
        let programs: Vec<String> = got.iter().map(|(argv, ..)| argv[0].display()).collect();
        assert_eq!(programs, ["set", "go", "echo"], "{got:?}");
        assert!(got[1].1.is_empty(), "no iteration: {:?}", got[1].1);
        assert_eq!(got[1].0[3].display(), "out/");
    }

    #[test]
    fn unknowns_become_holes() {
        let got = run("V=$(git describe)\ngo build -ldflags \"-X main.v=$V -X main.d=$(date +%s)\" .\n");
        // The substitutions run first, each as a command of its own.
        let programs: Vec<String> =
            got.iter().map(|(argv, ..)| argv.first().map(Value::display).unwrap_or_default()).collect();
        assert_eq!(programs, ["git", "", "date", "go"], "the assignment is a command with no words");
        assert_eq!(got[3].0[3].display(), "-X main.v=$(git describe) -X main.d=$(date +%s)");
        assert!(got[3].0[3].volatile_hole().is_some());
        let items = parse("go build -ldflags \"-X main.d=$(date +%s)\" .", 0);
        let Item::Command(c) = &items[0] else { panic!() };
        assert_eq!(c.words[3].command_substitutions(), ["date +%s"]);
    }

    #[test]
    fn a_script_handed_to_a_shell_is_read_as_commands() {
        let programs = |src: &str| -> Vec<String> {
            run(src).iter().filter_map(|(argv, ..)| argv.first().map(Value::display)).collect()
        };
        let src = "docker run --rm -v \"$PWD\":/src golang:1.25 sh -c \"cd /src && make local-release\"";
        assert_eq!(programs(src), ["cd", "make", "docker"]);
        assert_eq!(programs("sudo /bin/bash -o pipefail -ec 'go build -o app .'"), ["go", "sudo"]);
        // Its place in the file is the script's own.
        let items = parse("sh -c 'go build .'", 0);
        let Item::Command(c) = &items[0] else { panic!() };
        let Item::Command(inner) = &c.nested[0] else { panic!() };
        assert_eq!((inner.start, inner.end), (7, 17));
        // A script file with arguments, and `-c` of another program, are not scripts.
        assert_eq!(programs("bash ./build.sh -c 'go build .'"), ["bash"]);
        assert_eq!(programs("git -c core.x=1 log"), ["git"]);
    }

    #[test]
    fn ci_expressions() {
        let items = parse("GOOS=${{ matrix.goos }} go build -o \"bin/${{matrix.goos}}\"", 0);
        let mut env = Env::default();
        env.set("matrix.goos", known("linux"), false);
        let ev = evaluate(&items, &mut env, &Budget::default());
        assert_eq!(ev[0].argv[3], known("bin/linux"));
        assert_eq!(ev[0].env.get("GOOS"), Some(&known("linux")));
    }

    #[test]
    fn affixes() {
        assert_eq!(remove_affix("linux/amd64", "/*", false, false), "linux");
        assert_eq!(remove_affix("linux/amd64", "*/", true, false), "amd64");
        assert_eq!(remove_affix("a/b/c", "*/", true, true), "c");
        assert_eq!(remove_affix("a/b/c", "/*", false, true), "a");
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for src in [
            "\"unterminated",
            "${",
            "$(",
            "'",
            "for",
            "for x in",
            "done done",
            "<<",
            "a\\",
            "é\\é$é${é",
            "case x in",
            "sh -c $'é'",
            "sh -c 'é",
            "bash -c \"é\"é",
            "sh -c",
            "sh -o",
        ] {
            let items = parse(src, 0);
            let _ = evaluate(&items, &mut Env::default(), &Budget::default());
        }
    }

    #[test]
    fn a_rewritten_script_keeps_its_lines() {
        // Line 2 grew in the rewrite: its words still sit on line 2, within it.
        let original = "$a = 1\ngo build @f .\n";
        let rewritten = "a=1\ngo build \"${f[@]}\" .\n";
        let lines = LineMap::new(rewritten, original, 100).unwrap();
        let items = parse_rewritten(rewritten, &lines);
        let Item::Command(build) = &items[1] else { panic!("{items:?}") };
        assert_eq!((build.words[0].start, build.words[0].end), (107, 109));
        assert_eq!(build.words[3].end, 100 + original.len() - 1);
        assert!(LineMap::new("a\nb", "a", 0).is_none());
    }
}
