//! PowerShell build scripts (`build.ps1`), read as the shell scripts they are equivalent to.
//!
//! Windows-first Go projects build their releases from PowerShell: variables, `@(...)` arrays
//! grown with `+=`, `"-X main.version=$Version"` strings, `go build @flags` (splatting), and
//! `$env:GOOS = 'windows'`. Each statement is rewritten as the POSIX shell command that does the
//! same, on the same line (a statement over several lines becomes one line and blank ones), and
//! the result is read by the shell evaluator: line numbers stay those of the script, columns do
//! not (so findings point at the right line, and no fix is offered in the file). What the
//! rewrite cannot follow (conditions, method calls, pipelines into expressions) becomes a value
//! not known, and a condition not known runs both ways, as in the shell.

use crate::shell::is_name;

/// The most bytes of a script read (real ones have a few kilobytes).
const MAX_SCRIPT: usize = 1 << 20;
/// The deepest nesting of blocks followed.
const MAX_BLOCKS: usize = 64;

/// A statement's text and the line it starts on (0-based).
struct Statement {
    text: String,
    line: usize,
}

/// What a `{` opened, so that its `}` closes it the shell's way.
#[derive(Clone, Copy, PartialEq)]
enum Block {
    If,
    Loop,
    Function,
    Group,
}

/// The script as a shell script with the same lines.
pub fn to_shell(text: &str) -> String {
    let text = &text[..super::text::floor_char_boundary(text, MAX_SCRIPT)];
    let compacted = compact_ci_expressions(text);
    let text = compacted.as_str();
    let lines = text.split('\n').count();
    let mut out: Vec<String> = vec![String::new(); lines];
    let statements = statements(text);
    let mut blocks: Vec<Block> = Vec::new();
    let mut arrays: Vec<String> = Vec::new();
    for (k, st) in statements.iter().enumerate() {
        let next = statements.get(k + 1).map(|s| s.text.as_str()).unwrap_or("");
        let sh = translate(&st.text, next, &mut blocks, &mut arrays);
        if let Some(slot) = out.get_mut(st.line) {
            // After a word that opens a body (`then`, `do`, `else`, `{`) no `;` may follow.
            let opened = ["then", "do", "else", "{"].iter().any(|w| slot.ends_with(w));
            if !slot.is_empty() && !sh.is_empty() {
                slot.push_str(if opened { " " } else { "; " });
            }
            slot.push_str(&sh);
        }
    }
    // Blocks left open by a malformed script are closed, so that the shell reads the rest.
    if let Some(last) = out.last_mut() {
        for b in blocks.iter().rev() {
            last.push_str(closer(*b));
        }
    }
    out.join("\n")
}

/// A CI expression (`${{ github.ref_name }}`) is substituted before PowerShell reads the script:
/// written without blanks, it stays one word and passes through to the shell, which reads it.
fn compact_ci_expressions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("${{") {
        let Some(len) = rest[at..].find("}}") else { break };
        out.push_str(&rest[..at]);
        out.extend(rest[at..at + len].chars().filter(|c| !c.is_whitespace()));
        out.push_str("}}");
        rest = &rest[at + len + 2..];
    }
    out.push_str(rest);
    out
}

/// The length of the CI expression at the start of `s` (`${{github.sha}}`), if one starts there.
fn ci_expression_len(s: &str) -> Option<usize> {
    s.starts_with("${{").then(|| s.find("}}").map(|end| end + 2)).flatten()
}

/// Splits the script into statements: at line ends outside brackets and strings (a backtick
/// continues a line), at `;`, and around `{` and `}`, which are statements of their own.
/// Comments are left out.
fn statements(text: &str) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut line, mut start_line) = (0usize, 0usize);
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    let push = |cur: &mut String, start_line: usize, out: &mut Vec<Statement>| {
        let t = cur.trim();
        if !t.is_empty() {
            out.push(Statement { text: t.to_string(), line: start_line });
        }
        cur.clear();
    };
    while let Some(c) = chars.next() {
        if cur.trim().is_empty() {
            start_line = line;
        }
        match c {
            '\n' => {
                line += 1;
                if depth == 0 {
                    push(&mut cur, start_line, &mut out);
                } else {
                    cur.push(' ');
                }
            }
            '`' => match chars.next() {
                // A line continued.
                Some('\n') => {
                    line += 1;
                    cur.push(' ');
                }
                Some(e) => {
                    cur.push('`');
                    cur.push(e);
                }
                None => {}
            },
            '#' => {
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
            }
            '<' if chars.peek() == Some(&'#') => {
                // A block comment.
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if n == '\n' {
                        line += 1;
                    }
                    if prev == '#' && n == '>' {
                        break;
                    }
                    prev = n;
                }
            }
            '"' | '\'' => {
                cur.push(c);
                while let Some(n) = chars.next() {
                    if n == '\n' {
                        line += 1;
                    }
                    cur.push(n);
                    if c == '"' && n == '`' {
                        if let Some(e) = chars.next() {
                            cur.push(e);
                        }
                    } else if n == c {
                        // `''` inside single quotes is one quote.
                        if chars.peek() == Some(&c) {
                            cur.push(chars.next().unwrap_or(c));
                            continue;
                        }
                        break;
                    }
                }
            }
            '(' | '[' => {
                depth += 1;
                cur.push(c);
            }
            ')' | ']' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            ';' if depth == 0 => push(&mut cur, start_line, &mut out),
            // A CI expression (`${{github.sha}}`, see `compact_ci_expressions`) is one word.
            '$' if chars.peek() == Some(&'{') && chars.clone().nth(1) == Some('{') => {
                cur.push('$');
                while let Some(n) = chars.next() {
                    cur.push(n);
                    if n == '}' && chars.peek() == Some(&'}') {
                        cur.push('}');
                        chars.next();
                        break;
                    }
                }
            }
            '{' | '}' if depth == 0 => {
                if c == '{' {
                    cur.push('{');
                    push(&mut cur, start_line, &mut out);
                } else {
                    push(&mut cur, start_line, &mut out);
                    out.push(Statement { text: "}".into(), line });
                }
            }
            _ => cur.push(c),
        }
    }
    push(&mut cur, start_line, &mut out);
    out
}

fn closer(b: Block) -> &'static str {
    match b {
        Block::If => "; fi",
        Block::Loop => "; done",
        Block::Function | Block::Group => "; }",
    }
}

/// The shell for one statement (`next`: the statement after it, for `} else {`).
fn translate(st: &str, next: &str, blocks: &mut Vec<Block>, arrays: &mut Vec<String>) -> String {
    let lower = st.to_ascii_lowercase();
    let keyword = lower.split(|c: char| !c.is_ascii_alphanumeric() && c != '-').next().unwrap_or("");
    if st == "}" {
        let Some(b) = blocks.pop() else { return String::new() };
        let next_kw = next.to_ascii_lowercase();
        // `} else {` and `} elseif (...) {` go on with the same `if`.
        if b == Block::If && (next_kw.starts_with("else") || next_kw.starts_with("elseif")) {
            blocks.push(Block::If);
            return String::new();
        }
        // `} catch {` and `} finally {` open a group of their own.
        return closer(b).trim_start_matches("; ").to_string();
    }
    let opens = st.ends_with('{');
    if opens && blocks.len() >= MAX_BLOCKS {
        return String::new();
    }
    let unknown_test = "[ -n \"$(powershell-condition)\" ]";
    match keyword {
        "if" if opens => {
            blocks.push(Block::If);
            format!("if {unknown_test}; then")
        }
        "elseif" if opens => format!("elif {unknown_test}; then"),
        "else" if opens => "else".into(),
        "foreach" if opens => {
            blocks.push(Block::Loop);
            // `foreach ($x in $list) {`
            let inner = st.find('(').and_then(|a| st.rfind(')').map(|b| &st[a + 1..b.max(a + 1)])).unwrap_or("");
            let mut words = inner.split_whitespace();
            match (words.next(), words.next(), words.next()) {
                (Some(var), Some(kw), Some(list)) if kw.eq_ignore_ascii_case("in") && var.starts_with('$') => {
                    let list = match list.strip_prefix('$') {
                        Some(name) if is_name(name) => format!("\"${{{name}[@]}}\""),
                        _ => "\"$(powershell-list)\"".into(),
                    };
                    format!("for {} in {list}; do", &var[1..])
                }
                _ => "for _ in x; do".into(),
            }
        }
        // Other loops: their body is read once, as if a condition not known held.
        "for" | "while" | "do" | "until" if opens => {
            blocks.push(Block::If);
            format!("if {unknown_test}; then")
        }
        "function" | "filter" if opens => {
            blocks.push(Block::Function);
            let name: String = st[keyword.len()..]
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            match name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.is_empty() {
                true => format!("{name}() {{"),
                false => "powershell_function() {".into(),
            }
        }
        _ if opens => {
            // `try {`, `finally {`, `catch {`, a script block: read in order.
            blocks.push(Block::Group);
            "{".into()
        }
        "param" => param_block(st, arrays),
        _ => statement(st, arrays),
    }
}

/// `param([string] $Version = (git describe), [switch] $Release)`: the defaults, as
/// assignments a caller's value would replace.
fn param_block(st: &str, arrays: &[String]) -> String {
    let inner = st.find('(').map(|a| &st[a + 1..st.rfind(')').unwrap_or(st.len()).max(a + 1)]).unwrap_or("");
    let mut out = Vec::new();
    for part in split_top(inner, ',') {
        // Drop `[type]` and `[Parameter(...)]` attributes.
        let mut rest = part.trim();
        while rest.starts_with('[') {
            rest = rest[matching(rest, 0).map_or(rest.len(), |e| e + 1)..].trim_start();
        }
        let Some(rest) = rest.strip_prefix('$') else { continue };
        let (name, default) = rest.split_once('=').map_or((rest, None), |(n, d)| (n, Some(d)));
        let name = name.trim();
        if let (true, Some(default)) = (is_name(name), default) {
            out.push(format!("{name}=\"${{{name}:-{}}}\"", inside_quotes(&expression(default.trim(), arrays))));
        }
    }
    out.join("; ")
}

/// A plain statement: an assignment or a command.
fn statement(st: &str, arrays: &mut Vec<String>) -> String {
    if let Some(rest) = st.strip_prefix('$') {
        let name_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
        let (name, after) = rest.split_at(name_len);
        let after = after.trim_start();
        let (append, value) = match (after.strip_prefix("+="), after.strip_prefix('=')) {
            (Some(v), _) => (true, v),
            (None, Some(v)) if !v.starts_with('=') => (false, v),
            _ => return String::new(),
        };
        let value = value.trim();
        let (exported, name) = match name.split_once(':') {
            Some((scope, n)) if scope.eq_ignore_ascii_case("env") => (true, n),
            Some((_, n)) => (false, n),
            None => (false, name),
        };
        if !is_name(name) {
            return String::new();
        }
        if let Some(elements) = array_elements(value) {
            let elements: Vec<String> = elements.iter().map(|e| expression(e, arrays)).collect();
            let was_array = arrays.iter().any(|a| a == name);
            if !was_array {
                arrays.push(name.to_string());
            }
            return match (append, was_array) {
                (true, true) => format!("{name}+=({})", elements.join(" ")),
                (true, false) => format!("{name}=(\"${name}\" {})", elements.join(" ")),
                (false, _) => format!("{name}=({})", elements.join(" ")),
            };
        }
        let value = expression(value, arrays);
        let is_array = arrays.iter().any(|a| a == name);
        return match (append, is_array, exported) {
            (true, true, _) => format!("{name}+=({value})"),
            (true, false, _) => format!("{name}=\"${name}\"{value}"),
            (false, _, true) => format!("export {name}={value}"),
            (false, _, false) => {
                arrays.retain(|a| a != name);
                format!("{name}={value}")
            }
        };
    }
    command(st, arrays)
}

/// A command line: `& go build @flags -o "bin/$name.exe"`.
fn command(st: &str, arrays: &[String]) -> String {
    let st = st.strip_prefix('&').map_or(st, str::trim_start);
    let words = split_words(st);
    let Some(program) = words.first() else { return String::new() };
    // `Compress-Archive -Path dist/app.exe -DestinationPath dist/app.zip` packs what it names.
    if program.eq_ignore_ascii_case("compress-archive") {
        let named = |flag: &str| {
            let at = words.iter().position(|w| w.eq_ignore_ascii_case(flag))?;
            words.get(at + 1).map(|w| expression(w, arrays))
        };
        let (path, dest) = (named("-Path").or_else(|| named("-LiteralPath")), named("-DestinationPath"));
        return match (path, dest) {
            (Some(path), Some(dest)) => format!("zip {dest} {path}"),
            _ => String::new(),
        };
    }
    // Other cmdlets and expressions do nothing the shell can follow; `exit` ends the script.
    if program.contains('-') && !program.contains(['/', '\\', '.']) && !program.starts_with('-') {
        return String::new();
    }
    if program.starts_with(['$', '(', '[', '@']) && !program.starts_with("$env:") {
        return String::new();
    }
    let mut out = Vec::new();
    for w in &words {
        // `a && b`, `a || b` (PowerShell 7) and pipes join commands as in the shell.
        if matches!(*w, "&&" | "||" | "|") {
            out.push(w.to_string());
            continue;
        }
        if let Some(name) = w.strip_prefix('@').filter(|n| is_name(n)) {
            out.push(format!("\"${{{name}[@]}}\""));
            continue;
        }
        if let Some(name) = w.strip_prefix('$').filter(|n| is_name(n) && arrays.iter().any(|a| a == n)) {
            out.push(format!("\"${{{name}[@]}}\""));
            continue;
        }
        out.push(expression(w, arrays));
    }
    out.join(" ")
}

/// One value as a shell word: a string, a variable, `(command)`, a number or a bare word.
fn expression(e: &str, arrays: &[String]) -> String {
    let e = e.trim();
    if e.starts_with('"') && e.ends_with('"') && e.len() >= 2 {
        return format!("\"{}\"", interpolate(&e[1..e.len() - 1]));
    }
    if e.starts_with('\'') && e.ends_with('\'') && e.len() >= 2 {
        return format!("'{}'", e[1..e.len() - 1].replace("''", "'\\''"));
    }
    if let Some(name) = e.strip_prefix('$') {
        let (scope, n) = name.split_once(':').unwrap_or(("", name));
        if is_name(n) && (scope.is_empty() || scope.eq_ignore_ascii_case("env")) {
            return match arrays.iter().any(|a| a == n) {
                true => format!("\"${{{n}[*]}}\""),
                false => format!("\"${n}\""),
            };
        }
        return format!("\"$({})\"", unknown(e));
    }
    // `-ldflags="$env:LDFLAGS -s"`: PowerShell passes a bare word and the string after it as one
    // argument.
    if let Some((flag, _)) = e.split_once("=\"").or_else(|| e.split_once("='")) {
        let plain = flag.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        if plain && flag.starts_with('-') {
            return format!("{flag}={}", expression(&e[flag.len() + 1..], arrays));
        }
    }
    if e.starts_with('(') && e.ends_with(')') {
        let inner = &e[1..e.len() - 1];
        return match joined_array(inner) {
            Some(name) => format!("\"${{{name}[*]}}\""),
            None => format!("\"$({})\"", sub_command(inner)),
        };
    }
    // A bare path (`bin\\app.exe`) with Windows separators, which Go accepts as `/`; CI
    // expressions in it pass through.
    let mut bare = e.to_string();
    while let Some(at) = bare.find("${{") {
        let Some(len) = ci_expression_len(&bare[at..]) else { break };
        bare.replace_range(at..at + len, "");
    }
    if bare.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./:=,+*?\\".contains(&b)) {
        return e.replace('\\', "/");
    }
    format!("\"$({})\"", unknown(e))
}

/// What stands for an expression this reader does not evaluate: the .NET clock it reads, where it
/// reads one (`([datetime]::Now).ToString("o")` is `$([datetime]::Now)`), so the value still says
/// where it comes from; otherwise `powershell-expression`.
fn unknown(e: &str) -> String {
    let lower = e.to_ascii_lowercase();
    let clock = ["[datetime]::utcnow", "[datetime]::now", "[system.datetime]::utcnow", "[system.datetime]::now"]
        .iter()
        .find_map(|c| lower.find(c).map(|at| &e[at..at + c.len()]));
    clock.map_or_else(|| "powershell-expression".into(), str::to_string)
}

/// The command inside `(...)` or `$(...)`, as the shell can read it: a command the shell
/// knows stays (`git rev-parse HEAD`, `Get-Date -Format o`, which says the clock), anything
/// else is not known.
fn sub_command(inner: &str) -> String {
    let inner = inner.trim();
    let plain = !inner.is_empty()
        && inner.chars().all(|c| c.is_ascii_alphanumeric() || " -_./:=%+,".contains(c))
        && !inner.starts_with(['-', '$']);
    match plain {
        true => inner.to_string(),
        false => unknown(inner),
    }
}

/// `$flags -join ' '`: the array's elements joined with blanks, as `${flags[*]}` joins them.
fn joined_array(expr: &str) -> Option<&str> {
    let (name, rest) = expr.trim().strip_prefix('$')?.split_once(char::is_whitespace)?;
    let sep = rest.trim().strip_prefix("-join")?.trim();
    (is_name(name) && matches!(sep, "' '" | "\" \"")).then_some(name)
}

/// The inside of a double-quoted string, for a shell double-quoted string: `$name`,
/// `${name}`, `$env:NAME` and `$(...)` read; backtick escapes applied.
fn interpolate(s: &str) -> String {
    let mut out = String::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'`' if i + 1 < b.len() => {
                let e = s[i + 1..].chars().next().unwrap_or(' ');
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    '"' | '$' | '`' => {
                        out.push('\\');
                        out.push(e);
                    }
                    c => out.push(c),
                }
                i += 1 + e.len_utf8();
            }
            b'$' if ci_expression_len(&s[i..]).is_some() => {
                let len = ci_expression_len(&s[i..]).unwrap_or(1);
                out.push_str(&s[i..i + len]);
                i += len;
            }
            b'$' if s[i + 1..].starts_with('(') => {
                let end = matching(s, i + 1).unwrap_or(s.len() - 1);
                let inner = &s[i + 2..end];
                match joined_array(inner) {
                    Some(name) => out.push_str(&format!("${{{name}[*]}}")),
                    None => out.push_str(&format!("$({})", sub_command(inner))),
                }
                i = end + 1;
            }
            b'$' if s[i + 1..].starts_with('{') => {
                let end = s[i..].find('}').map_or(s.len(), |e| i + e);
                let name = &s[i + 2..end];
                match is_name(name) {
                    true => out.push_str(&format!("${{{name}}}")),
                    false => out.push_str(&format!("$({})", unknown(name))),
                }
                i = end + 1;
            }
            b'$' => {
                let rest = &s[i + 1..];
                let rest = rest.strip_prefix("env:").or_else(|| rest.strip_prefix("ENV:")).unwrap_or(rest);
                let skipped = s[i + 1..].len() - rest.len();
                let n = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
                if n == 0 {
                    out.push('$');
                    i += 1;
                } else {
                    out.push_str(&format!("${{{}}}", &rest[..n]));
                    i += 1 + skipped + n;
                }
            }
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b[i] as char);
                i += 1;
            }
            _ => {
                let c = s[i..].chars().next().unwrap_or(' ');
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

/// The text of a shell word without its double quotes, for use inside other double quotes.
fn inside_quotes(word: &str) -> String {
    match word.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
        Some(inner) => inner.to_string(),
        None if word.starts_with('\'') => word.trim_matches('\'').replace('"', "\\\"").replace('$', "\\$"),
        None => word.to_string(),
    }
}

/// The elements of `@(a, b)`, `@("a"\n"b")` or a bare `a, b` list; `None` for other values.
fn array_elements(value: &str) -> Option<Vec<&str>> {
    if let Some(inner) = value.strip_prefix("@(").and_then(|v| v.strip_suffix(')')) {
        return Some(split_top(inner, ',').into_iter().flat_map(|p| split_words(p.trim())).collect());
    }
    let parts = split_top(value, ',');
    (parts.len() > 1).then(|| parts.into_iter().map(str::trim).collect())
}

/// The index of the bracket that closes the one at `open`.
fn matching(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    for (i, c) in s.char_indices().skip_while(|(i, _)| *i < open) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `s` split at `sep` outside brackets and quotes, pieces that are only blanks left out.
fn split_top(s: &str, sep: char) -> Vec<&str> {
    split_outside(s, |c| c == sep)
}

/// A command's words: split at blanks outside quotes and brackets.
fn split_words(s: &str) -> Vec<&str> {
    split_outside(s, char::is_whitespace)
}

/// `s` split at the characters `is_sep` accepts outside brackets and quotes; pieces that are
/// only blanks are left out.
fn split_outside(s: &str, is_sep: impl Fn(char) -> bool) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None, 0);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            (None, c) if is_sep(c) && depth == 0 => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.retain(|p| !p.trim().is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_become_shell_on_their_lines() {
        let ps = "param(\n    [string] $Version = (git rev-parse HEAD)\n)\n$flags = @(\n  \"-trimpath\",\n  \"-buildmode=pie\"\n)\nif ($Release) {\n  $flags += \"-tags=release\"\n} else {\n  Write-Host 'dev'\n}\n$ld = \"-s -w -X main.version=$Version -X main.date=$(Get-Date -Format o)\"\n$env:GOOS = 'windows'\ngo build @flags -ldflags $ld -o bin\\app.exe .\n";
        let sh = to_shell(ps);
        assert_eq!(sh.lines().count(), ps.lines().count(), "{sh}");
        let lines: Vec<&str> = sh.lines().collect();
        assert_eq!(lines[0], "Version=\"${Version:-$(git rev-parse HEAD)}\"");
        assert_eq!(lines[3], "flags=(\"-trimpath\" \"-buildmode=pie\")");
        assert_eq!(lines[7], "if [ -n \"$(powershell-condition)\" ]; then");
        assert_eq!(lines[8], "flags+=(\"-tags=release\")");
        assert_eq!(lines[9], "else");
        assert_eq!(lines[11], "fi");
        assert_eq!(lines[12], "ld=\"-s -w -X main.version=${Version} -X main.date=$(Get-Date -Format o)\"");
        assert_eq!(lines[13], "export GOOS='windows'");
        assert_eq!(lines[14], "go build \"${flags[@]}\" -ldflags \"$ld\" -o bin/app.exe .");
    }

    #[test]
    fn hostile_scripts_stay_bounded() {
        for ps in ["{".repeat(100_000), "(".repeat(100_000), "\"".repeat(3), "`".repeat(7), "$".repeat(9), "@(".into()]
        {
            let sh = to_shell(&ps);
            assert!(sh.len() < ps.len() * 8 + 1024);
        }
    }

    #[test]
    fn ci_expressions_pass_through_as_one_word() {
        let ps = "7z.exe a app-${{ github.ref_name }}-win64.zip ap*.exe\n$v = \"${{ inputs.version }}\"\n";
        let sh = to_shell(ps);
        let lines: Vec<&str> = sh.lines().collect();
        assert_eq!(lines[0], "7z.exe a app-${{github.ref_name}}-win64.zip ap*.exe");
        assert_eq!(lines[1], "v=\"${{inputs.version}}\"");
    }

    #[test]
    fn the_dotnet_clock_is_named_and_flags_keep_their_strings() {
        let ps = "$d = ([datetime]::Now.ToUniversalTime().ToString(\"o\")) | Out-String\ngo build -ldflags=\"-X main.d=$d\" .\n";
        let sh = to_shell(ps);
        let lines: Vec<&str> = sh.lines().collect();
        assert_eq!(lines[0], "d=\"$([datetime]::Now)\"");
        assert_eq!(lines[1], "go build -ldflags=\"-X main.d=${d}\" .");
    }
}
