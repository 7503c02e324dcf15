//! GitHub workflow-command annotations (`::warning file=...::message`).

use crate::check::ScanResult;
use crate::finding::Level;
use std::io::{self, Write};

/// Escapes per the workflow-command rules: data escapes `%`, CR, LF; properties also `:` and `,`.
fn gh_escape(s: &str, property: bool) -> String {
    let mut out = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

pub(super) fn write(r: &ScanResult, out: &mut impl Write) -> io::Result<()> {
    for f in &r.findings {
        let kind = match f.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "notice",
        };
        let mut props = format!("file={}", gh_escape(&f.location.path, true));
        if let Some(s) = f.location.span {
            props.push_str(&format!(
                ",line={},col={},endLine={},endColumn={}",
                s.start_line, s.start_column, s.end_line, s.end_column
            ));
        }
        props.push_str(&format!(",title={}", gh_escape(&format!("{} {}", f.code, f.rule), true)));
        let mut msg = f.message.clone();
        if let Some(fact) = &f.location.fact {
            msg.push_str(&format!(" [{fact}]"));
        }
        msg.push_str(&format!("\nhelp: {}", f.help));
        writeln!(out, "::{kind} {props}::{}", gh_escape(&msg, false))?;
    }
    for e in &r.errors {
        writeln!(out, "::error file={},title=shiplint::{}", gh_escape(&e.path, true), gh_escape(&e.message, false))?;
    }
    for n in &r.notes {
        writeln!(out, "::notice file={},title=shiplint::{}", gh_escape(&n.path, true), gh_escape(&n.message, false))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(gh_escape("a:b,c%\nd", true), "a%3Ab%2Cc%25%0Ad");
        assert_eq!(gh_escape("a:b", false), "a:b");
    }
}
