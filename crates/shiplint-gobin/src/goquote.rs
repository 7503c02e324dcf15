//! Go's `strconv.Quote`, `strconv.Unquote` and `strconv.QuotedPrefix`, as BuildInfo uses them for
//! build settings, so that rendering is byte-identical to `go version -m`.

/// Whether Go's `unicode.IsPrint` holds. Exact for ASCII and Latin-1; elsewhere an approximation
/// that treats controls, non-ASCII spaces, format characters and private use as unprintable.
fn is_print(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(c,
            '\u{ad}' | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}' | '\u{180e}'
            | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
            | '\u{e000}'..='\u{f8ff}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}' | '\u{fffe}' | '\u{ffff}'
            | '\u{f0000}'..='\u{10ffff}'))
}

/// `strconv.Quote`: a double-quoted Go string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ if is_print(c) => out.push(c),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            _ if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            _ if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            _ => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// `strconv.QuotedPrefix`: the length of the quoted literal at the start of `s`, if valid.
pub fn quoted_prefix(s: &str) -> Option<usize> {
    let quote = *s.as_bytes().first()?;
    match quote {
        b'`' => s[1..].find('`').map(|i| i + 2),
        b'"' => {
            let b = s.as_bytes();
            let mut i = 1;
            while i < b.len() {
                match b[i] {
                    b'"' => {
                        unquote_double(&s[..=i])?;
                        return Some(i + 1);
                    }
                    b'\n' => return None,
                    b'\\' => i += 2,
                    _ => i += 1,
                }
            }
            None
        }
        _ => None,
    }
}

/// `strconv.Unquote` for the two string forms build lines use.
pub fn unquote(s: &str) -> Option<String> {
    match s.as_bytes().first()? {
        b'`' => {
            let inner = s.strip_prefix('`')?.strip_suffix('`')?;
            (!inner.contains('`')).then(|| inner.replace('\r', ""))
        }
        b'"' => unquote_double(s),
        _ => None,
    }
}

fn unquote_double(s: &str) -> Option<String> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\n') {
        return None;
    }
    let mut out: Vec<u8> = Vec::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(c) = rest.chars().next() {
        if c == '"' {
            return None;
        }
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let esc = *rest.as_bytes().get(1)?;
        rest = &rest[2..];
        let simple = match esc {
            b'a' => Some(7),
            b'b' => Some(8),
            b'f' => Some(0xc),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(0xb),
            b'\\' => Some(b'\\'),
            b'"' => Some(b'"'),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
            continue;
        }
        let hex = |n: usize, rest: &mut &str| -> Option<u32> {
            let digits = rest.get(..n)?;
            let v = u32::from_str_radix(digits, 16).ok().filter(|_| digits.bytes().all(|d| d.is_ascii_hexdigit()))?;
            *rest = &rest[n..];
            Some(v)
        };
        match esc {
            b'x' => out.push(hex(2, &mut rest)? as u8),
            b'u' | b'U' => {
                let v = hex(if esc == b'u' { 4 } else { 8 }, &mut rest)?;
                let c = char::from_u32(v)?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            b'0'..=b'7' => {
                let digits = rest.get(..2)?;
                if !digits.bytes().all(|d| (b'0'..=b'7').contains(&d)) {
                    return None;
                }
                let v = u32::from(esc - b'0') * 64 + u32::from_str_radix(digits, 8).ok()?;
                out.push(u8::try_from(v).ok()?);
                rest = &rest[2..];
            }
            _ => return None,
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_matches_go() {
        assert_eq!(quote("-s -w"), r#""-s -w""#);
        assert_eq!(quote("a\"b\\c\td\u{1}\u{7f}é\u{a0}"), r#""a\"b\\c\td\x01\x7fé\u00a0""#);
    }

    #[test]
    fn unquote_round_trips() {
        for s in ["", "-X main.v=1 -s", "tab\there", "x\u{1}y", "é"] {
            assert_eq!(unquote(&quote(s)).as_deref(), Some(s));
        }
        assert_eq!(unquote("`a\rb`").as_deref(), Some("ab"));
        assert_eq!(unquote(r#""\101\x41\u0041""#).as_deref(), Some("AAA"));
        assert_eq!(unquote(r#""unterminated"#), None);
        assert_eq!(unquote(r#""bad\q""#), None);
    }

    #[test]
    fn quoted_prefix_stops_at_closing_quote() {
        assert_eq!(quoted_prefix(r#""a\"b"=v"#), Some(6));
        assert_eq!(quoted_prefix("`k`=v"), Some(3));
        assert_eq!(quoted_prefix(r#""open"#), None);
    }
}
