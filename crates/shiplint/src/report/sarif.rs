//! SARIF 2.1.0, one run, with every rule's metadata and page.

use crate::check::ScanResult;
use crate::finding::Level;
use crate::rules;
use serde_json::{Value, json};

fn sarif_level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

/// A path as a URI: absolute paths as `file://` URIs, relative ones as relative references;
/// `/` separators, reserved and non-ASCII bytes escaped.
pub(super) fn uri(path: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(uri("dist/my app/α"), "dist/my%20app/%CE%B1");
        assert_eq!(uri("/abs/x"), "file:///abs/x");
    }
}
