//! Reporters: human (compiler-style), JSON, SARIF 2.1.0 and GitHub workflow commands.

use crate::check::ScanResult;
use crate::finding::{Finding, Level};
use crate::rules;
use serde_json::{Value, json};
use std::io::{self, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

/// Count of findings per level.
fn counts(findings: &[Finding]) -> [(Level, usize); 3] {
    [Level::Error, Level::Warning, Level::Info].map(|l| (l, findings.iter().filter(|f| f.level == l).count()))
}

pub fn write(format: Format, r: &ScanResult, color: bool, out: &mut impl Write) -> io::Result<()> {
    match format {
        Format::Human => human(r, color, out),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &json_report(r))?;
            writeln!(out)
        }
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif(r))?;
            writeln!(out)
        }
        Format::Github => github(r, out),
    }
}

/// `text` with its control characters escaped (`\n`, `\x1b`): file names and strings read from
/// inputs are printed on a terminal, where a newline forges a line and an escape rewrites it.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.into()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn human(r: &ScanResult, color: bool, out: &mut impl Write) -> io::Result<()> {
    let paint = |code: &str, text: &str| {
        if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    };
    for f in &r.findings {
        let (c, word) = match f.level {
            Level::Error => ("1;31", "error"),
            Level::Warning => ("1;33", "warning"),
            Level::Info => ("1;36", "info"),
        };
        writeln!(
            out,
            "{} {}",
            paint(c, &format!("{word}[{}]:", f.code)),
            paint("1", &format!("{}: {}", f.rule, printable(&f.message)))
        )?;
        writeln!(out, "  {} {}", paint("1;34", "-->"), printable(&f.location.to_string()))?;
        for n in &f.notes {
            writeln!(out, "   {} {}", paint("1;34", "= note:"), printable(n))?;
        }
        writeln!(out, "   {} {}", paint("1;34", "= help:"), printable(&f.help))?;
        writeln!(out)?;
    }
    let levels: Vec<String> = counts(&r.findings)
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(l, n)| match l {
            Level::Info => format!("{n} info"),
            _ => plural(*n, l.as_str(), &format!("{l}s")),
        })
        .collect();
    let summary = if r.findings.is_empty() {
        "No findings".to_string()
    } else {
        format!("Found {} ({})", plural(r.findings.len(), "finding", "findings"), levels.join(", "))
    };
    let mut scanned = vec![plural(r.go_executables, "Go executable", "Go executables")];
    if r.build_definitions > 0 {
        scanned.push(plural(r.build_definitions, "build definition", "build definitions"));
    }
    if r.images > 0 {
        scanned.push(plural(r.images, "image", "images"));
    }
    let last = scanned.pop().unwrap_or_default();
    let listed = if scanned.is_empty() { last } else { format!("{} and {last}", scanned.join(", ")) };
    writeln!(out, "{summary} in {listed} ({} scanned).", plural(r.files, "file", "files"))
}

/// The `--format json` document (documented in docs/check-json.md).
pub fn json_report(r: &ScanResult) -> Value {
    let by_level: serde_json::Map<String, Value> =
        counts(&r.findings).iter().map(|(l, n)| (l.as_str().to_string(), json!(n))).collect();
    json!({
        "version": 1,
        "summary": {
            "files": r.files,
            "go_executables": r.go_executables,
            "build_definitions": r.build_definitions,
            "images": r.images,
            "findings": by_level,
            "errors": r.errors.len(),
        },
        "findings": r.findings,
        "errors": r.errors,
        "notes": r.notes,
    })
}

fn sarif_level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

/// A path as a URI: absolute paths as `file://` URIs, relative ones as relative references;
/// `/` separators, reserved and non-ASCII bytes escaped.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut s = String::from(if path.starts_with('/') { "file://" } else { "" });
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// SARIF 2.1.0, one run, with every rule's metadata and page.
pub fn sarif(r: &ScanResult) -> Value {
    let metas: Vec<&rules::RuleMeta> = rules::all().collect();
    let rule_entries: Vec<Value> = metas
        .iter()
        .map(|m| {
            let page = m.page();
            json!({
                "id": m.code,
                "name": m.name,
                "shortDescription": {"text": m.summary},
                "fullDescription": {"text": m.summary},
                "help": {"text": page, "markdown": page},
                "defaultConfiguration": {"level": sarif_level(m.default_level)},
                "properties": {"tags": ["go", "build"]},
            })
        })
        .collect();
    let results: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            let index = metas.iter().position(|m| m.code == f.code).unwrap_or(0);
            let mut text = f.message.clone();
            for n in &f.notes {
                text.push_str(&format!("\n{n}"));
            }
            text.push_str(&format!("\nhelp: {}", f.help));
            let mut physical = json!({"artifactLocation": {"uri": uri(&f.location.path)}});
            if let Some(s) = f.location.span {
                physical["region"] = json!({
                    "startLine": s.start_line, "startColumn": s.start_column,
                    "endLine": s.end_line, "endColumn": s.end_column,
                });
            }
            let mut location = json!({"physicalLocation": physical});
            let logical: Vec<String> =
                [f.location.slice.clone(), f.location.fact.clone()].into_iter().flatten().collect();
            if !logical.is_empty() {
                location["logicalLocations"] = json!([{"name": logical.join(" "), "kind": "resource"}]);
            }
            json!({
                "ruleId": f.code,
                "ruleIndex": index,
                "level": sarif_level(f.level),
                "message": {"text": text},
                "locations": [location],
            })
        })
        .collect();
    let levelled = r.errors.iter().map(|e| ("error", e)).chain(r.notes.iter().map(|n| ("note", n)));
    let notifications: Vec<Value> = levelled
        .map(|(level, e)| {
            json!({
                "level": level,
                "message": {"text": format!("{}: {}", e.path, e.message)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&e.path)}}}],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "shiplint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rule_entries,
            }},
            "invocations": [{
                "executionSuccessful": r.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    })
}

/// Escapes per the workflow-command rules: data escapes `%`, CR, LF; properties also `:` and `,`.
fn gh_escape(s: &str, property: bool) -> String {
    let mut out = s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

fn github(r: &ScanResult, out: &mut impl Write) -> io::Result<()> {
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
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\nb\x1b[2J\u{9b}c"), "a\\nb\\x1b[2J\\x9bc");
        assert_eq!(printable("plain é"), "plain é");
    }

    #[test]
    fn escapes() {
        assert_eq!(uri("dist/my app/α"), "dist/my%20app/%CE%B1");
        assert_eq!(uri("/abs/x"), "file:///abs/x");
        assert_eq!(gh_escape("a:b,c%\nd", true), "a%3Ab%2Cc%25%0Ad");
        assert_eq!(gh_escape("a:b", false), "a:b");
    }
}
