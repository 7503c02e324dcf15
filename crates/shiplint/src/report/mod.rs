//! Reporters: human (compiler-style, with the source line), JSON, SARIF 2.1.0, GitHub workflow
//! commands, GitLab Code Quality, and per-rule statistics.

mod github;
mod gitlab;
mod human;
mod sarif;
mod sources;

use crate::check::ScanResult;
use crate::finding::{Finding, Level};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub use gitlab::gitlab;
pub use sarif::sarif;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    /// GitLab Code Quality report (a JSON array of issues).
    Gitlab,
}

/// Count of findings per level.
fn counts(findings: &[Finding]) -> [(Level, usize); 3] {
    [Level::Error, Level::Warning, Level::Info].map(|l| (l, findings.iter().filter(|f| f.level == l).count()))
}

/// Writes the report in `format`; `color` paints human output with ANSI escapes.
pub fn write(format: Format, r: &ScanResult, color: bool, out: &mut impl Write) -> io::Result<()> {
    match format {
        Format::Human => human::write(r, color, out),
        Format::Json => pretty(&json_report(r), out),
        Format::Sarif => pretty(&sarif(r), out),
        Format::Github => github::write(r, out),
        Format::Gitlab => pretty(&gitlab(r), out),
    }
}

fn pretty(doc: &Value, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, doc)?;
    writeln!(out)
}

/// One rule's share of the findings, for `--statistics`.
#[derive(Debug, PartialEq, Eq, serde::Serialize)]
pub struct RuleCount {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
    /// How many of them `--fix` can repair (safe fixes only).
    pub fixable: usize,
}

/// Findings counted per rule, most frequent first (then by code).
pub fn statistics(findings: &[Finding]) -> Vec<RuleCount> {
    let mut by_rule: BTreeMap<&'static str, RuleCount> = BTreeMap::new();
    for f in findings {
        let entry = by_rule.entry(f.code).or_insert(RuleCount { code: f.code, name: f.rule, count: 0, fixable: 0 });
        entry.count += 1;
        entry.fixable += usize::from(f.fix.as_ref().is_some_and(|x| x.safe));
    }
    let mut counts: Vec<RuleCount> = by_rule.into_values().collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    counts
}

/// `--statistics` output: a table for people (`json`: the same as a JSON array).
pub fn write_statistics(findings: &[Finding], json: bool, out: &mut impl Write) -> io::Result<()> {
    let counts = statistics(findings);
    if json {
        return pretty(&serde_json::to_value(&counts).unwrap_or_default(), out);
    }
    for c in &counts {
        let fixable = if c.fixable > 0 { format!(" ({} fixable)", c.fixable) } else { String::new() };
        writeln!(out, "{:5}  {:6} {}{fixable}", c.count, c.code, c.name)?;
    }
    writeln!(out, "{:5}  total", findings.len())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\nb\x1b[2J\u{9b}c"), "a\\nb\\x1b[2J\\x9bc");
        assert_eq!(printable("plain é"), "plain é");
    }
}
