//! GitLab Code Quality report: a JSON array of issues with the fields GitLab reads
//! (`description`, `check_name`, `fingerprint`, `severity`, `location.path`,
//! `location.lines.begin`). Schema: docs/gitlab-codequality.schema.json.

use super::sources::Sources;
use crate::check::ScanResult;
use crate::finding::{Finding, Level};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

fn severity(l: Level) -> &'static str {
    match l {
        Level::Error => "critical",
        Level::Warning => "major",
        Level::Info => "info",
    }
}

/// What identifies a finding apart from its line number: the text it points at (whitespace
/// collapsed) for a text source, the proving fact for an artifact, and the message either way.
/// GitLab compares fingerprints between a merge request and its target branch, so one that
/// changed when lines above were added would show the same finding as fixed and new.
fn identity(f: &Finding, sources: &mut Sources) -> String {
    let pointed = f
        .location
        .span
        .and_then(|span| sources.excerpt(&f.location.path, span))
        .map(|e| e.text[e.range].split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let slice = f.location.slice.as_deref().unwrap_or("");
    let fact = f.location.fact.as_deref().unwrap_or("");
    [f.code, f.location.path.as_str(), slice, fact, &pointed, &f.message].join("\0")
}

pub fn gitlab(r: &ScanResult) -> Value {
    let mut sources = Sources::default();
    // Identical findings in one file (the same command twice) are told apart by their order.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let issues: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            let id = identity(f, &mut sources);
            let n = seen.entry(id.clone()).or_default();
            *n += 1;
            let fingerprint = hex(&Sha256::digest(format!("{id}\0{n}").as_bytes()));
            let mut description = format!("{}: {}", f.rule, f.message);
            if let Some(fact) = &f.location.fact {
                description.push_str(&format!(" ({fact})"));
            }
            let line = f.location.span.map_or(1, |s| s.start_line);
            json!({
                "type": "issue",
                "description": description,
                "check_name": f.code,
                "categories": ["Bug Risk"],
                "fingerprint": fingerprint,
                "severity": severity(f.level),
                "location": {"path": repository_path(&f.location.path), "lines": {"begin": line}},
            })
        })
        .collect();
    Value::Array(issues)
}

/// GitLab matches `location.path` against the repository's files: relative, without `./`; an
/// absolute path under the working directory (where CI checks out) is made relative to it.
fn repository_path(path: &str) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let relative = std::path::Path::new(path).strip_prefix(&cwd).map_or(path.to_string(), |p| p.display().to_string());
    let mut p = relative.as_str();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p.to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
