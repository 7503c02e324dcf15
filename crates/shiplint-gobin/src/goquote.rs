//! Go's `strconv.Quote`, `strconv.Unquote` and `strconv.QuotedPrefix` over bytes (Go strings may
//! hold any bytes), as BuildInfo uses them for build settings, so that rendering is byte-identical
//! to `go version -m`.

/// One decoded unit of a Go string: a valid rune, or a single byte that is not valid UTF-8
/// (Go's `utf8.DecodeRune` returns `RuneError` with width 1 for each such byte).
pub(crate) enum Unit {
    Char(char),
    Invalid(u8),
}

/// Iterates a byte string the way Go's `for range` over a string does.
pub(crate) fn units(s: &[u8]) -> impl Iterator<Item = Unit> + '_ {
    s.utf8_chunks().flat_map(|chunk| {
        chunk.valid().chars().map(Unit::Char).chain(chunk.invalid().iter().map(|&b| Unit::Invalid(b)))
    })
}

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

/// `strconv.Quote`: a double-quoted Go string literal (always valid UTF-8).
pub fn quote(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for u in units(s) {
        let c = match u {
            Unit::Invalid(b) => {
                out.push_str(&format!("\\x{b:02x}"));
                continue;
            }
            Unit::Char(c) => c,
        };
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
pub fn quoted_prefix(s: &[u8]) -> Option<usize> {
    unquote_prefix(s).map(|(_, n)| n)
}

/// `strconv.Unquote`: the literal must be all of `s`.
pub fn unquote(s: &[u8]) -> Option<Vec<u8>> {
    unquote_prefix(s).filter(|&(_, n)| n == s.len()).map(|(v, _)| v)
}

/// Go's `unquote(in, unescape=true)` for the `"` and `` ` `` forms: the value and its length.
fn unquote_prefix(s: &[u8]) -> Option<(Vec<u8>, usize)> {
    let quote = *s.first()?;
    if s.len() < 2 {
        return None;
    }
    let end = memchr::memchr(quote, &s[1..])? + 2;
    match quote {
        b'`' => Some((s[1..end - 1].iter().copied().filter(|&b| b != b'\r').collect(), end)),
        b'"' => {
            let inner = &s[1..end - 1];
            if !inner.contains(&b'\\') && !inner.contains(&b'\n') && std::str::from_utf8(inner).is_ok() {
                return Some((inner.to_vec(), end));
            }
            let mut out = Vec::with_capacity(inner.len());
            let mut i = 1;
            loop {
                match *s.get(i)? {
                    b'"' => return Some((out, i + 1)),
                    b'\n' => return None,
                    b'\\' => i = unescape(s, i + 1, &mut out)?,
                    b if b < 0x80 => {
                        out.push(b);
                        i += 1;
                    }
                    _ => {
                        // A multi-byte rune; an invalid byte decodes to U+FFFD, as in Go.
                        let (c, w) = match units(&s[i..]).next()? {
                            Unit::Char(c) => (c, c.len_utf8()),
                            Unit::Invalid(_) => ('\u{fffd}', 1),
                        };
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        i += w;
                    }
                }
            }
        }
        _ => None,
    }
}

/// Decodes the escape after a backslash at `s[i..]` into `out`; returns the index after it.
fn unescape(s: &[u8], i: usize, out: &mut Vec<u8>) -> Option<usize> {
    let esc = *s.get(i)?;
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
        return Some(i + 1);
    }
    let digits = |n: usize, radix: u32| -> Option<u32> {
        let d = s.get(i + 1..i + 1 + n)?;
        d.iter().try_fold(0u32, |acc, &c| Some(acc * radix + (c as char).to_digit(radix)?))
    };
    match esc {
        b'x' => {
            out.push(digits(2, 16)? as u8);
            Some(i + 3)
        }
        b'u' | b'U' => {
            let n = if esc == b'u' { 4 } else { 8 };
            let c = char::from_u32(digits(n, 16)?)?;
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            Some(i + 1 + n)
        }
        b'0'..=b'7' => {
            let d = s.get(i..i + 3)?;
            let v = d.iter().try_fold(0u32, |acc, &c| Some(acc * 8 + (c as char).to_digit(8)?))?;
            out.push(u8::try_from(v).ok()?);
            Some(i + 3)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_matches_go() {
        assert_eq!(quote(b"-s -w"), r#""-s -w""#);
        assert_eq!(quote("a\"b\\c\td\u{1}\u{7f}é\u{a0}".as_bytes()), r#""a\"b\\c\td\x01\x7fé\u00a0""#);
        assert_eq!(quote(b"bad\xe2\x82z\xff"), r#""bad\xe2\x82z\xff""#);
    }

    #[test]
    fn unquote_round_trips() {
        for s in ["", "-X main.v=1 -s", "tab\there", "x\u{1}y", "é"] {
            assert_eq!(unquote(quote(s.as_bytes()).as_bytes()).as_deref(), Some(s.as_bytes()));
        }
        assert_eq!(unquote(b"`a\rb`").as_deref(), Some(&b"ab"[..]));
        assert_eq!(unquote(br#""\101\x41\u0041\xff""#).as_deref(), Some(&b"AAA\xff"[..]));
        assert_eq!(unquote(b"\"raw\xff\"").as_deref(), Some("raw\u{fffd}".as_bytes()));
        assert_eq!(unquote(br#""unterminated"#), None);
        assert_eq!(unquote(br#""bad\q""#), None);
        assert_eq!(unquote(br#""\400""#), None);
    }

    #[test]
    fn quoted_prefix_stops_at_closing_quote() {
        assert_eq!(quoted_prefix(br#""a\"b"=v"#), Some(6));
        assert_eq!(quoted_prefix(b"`k`=v"), Some(3));
        assert_eq!(quoted_prefix(br#""open"#), None);
    }
}
