//! `check --add-ignores`: a `# shiplint: ignore[rule] reason` comment above every current finding
//! in a build definition, so that a large repository can adopt shiplint now and fix later.
//!
//! The comment goes on its own line above the finding's first line, indented like it, where the
//! suppression reader (`check::suppressions`) looks. A suppression comment already on that line
//! gets the new rules added to its list, so a second run changes nothing. Lines after a
//! backslash continuation are left alone: a comment line there would end the command.

use crate::defs::source;
use crate::finding::Finding;
use crate::fix::Fixed;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The reason written when the user gives none.
pub const DEFAULT_REASON: &str = "added by shiplint --add-ignores";

/// A finding whose line could not take a comment, and why.
#[derive(Debug, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub line: usize,
    pub why: &'static str,
}

/// The new text of every build definition with findings, and the findings left without a comment.
pub fn plan(findings: &[Finding], reason: &str) -> Result<(Vec<Fixed>, Vec<Skipped>), String> {
    // file -> first line of a finding -> rule names
    let mut by_file: BTreeMap<&str, BTreeMap<usize, BTreeSet<&str>>> = BTreeMap::new();
    for f in findings {
        // An unused suppression is fixed by deleting it, not by suppressing it.
        if f.rule == crate::rules::unused_suppression::META.name {
            continue;
        }
        if let Some(span) = f.location.span {
            by_file.entry(&f.location.path).or_default().entry(span.start_line).or_default().insert(f.rule);
        }
    }
    let (mut files, mut skipped) = (Vec::new(), Vec::new());
    for (path, lines) in by_file {
        let bytes = crate::check::read_bounded(Path::new(path), MAX_FILE, "a file to annotate")
            .map_err(|e| format!("{path}: {e}"))?;
        // go.mod and Go source other than build programs are not where suppressions are read.
        let kind = source::kind_of(Path::new(path), &bytes);
        let go_program = kind == Some(source::Kind::GoProgram);
        if kind.is_none() || go_program && !crate::defs::goprog::may_build(&String::from_utf8_lossy(&bytes)) {
            skipped.extend(lines.keys().map(|&line| Skipped {
                path: path.into(),
                line,
                why: "not a build definition",
            }));
            continue;
        }
        let before = String::from_utf8(bytes).map_err(|_| format!("{path}: not UTF-8 text: no comment added"))?;
        let comment = if go_program { "//" } else { "#" };
        let (after, applied, not_placed) = annotate(&before, &lines, reason, comment);
        skipped.extend(not_placed.into_iter().map(|(line, why)| Skipped { path: path.into(), line, why }));
        if applied > 0 {
            files.push(Fixed { path: path.to_string(), before, after, applied });
        }
    }
    Ok((files, skipped))
}

/// The largest file annotated (build definitions are read up to the same size).
const MAX_FILE: u64 = 4 << 20;

/// `text` with suppression comments for `lines` (1-based line -> rules); how many lines were
/// annotated, and the lines that could not be.
fn annotate(
    text: &str,
    lines: &BTreeMap<usize, BTreeSet<&str>>,
    reason: &str,
    comment: &str,
) -> (String, usize, Vec<(usize, &'static str)>) {
    let mut out: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let (mut applied, mut skipped) = (0, Vec::new());
    // From the bottom up, so that inserted lines do not move the ones still to annotate.
    for (&line, rules) in lines.iter().rev() {
        let Some(target) = out.get(line - 1).cloned() else {
            skipped.push((line, "past the end of the file"));
            continue;
        };
        let above = line.checked_sub(2).and_then(|i| out.get(i));
        if let Some(merged) = above.and_then(|a| merge_into_comment(a, rules, comment)) {
            out[line - 2] = merged;
            applied += 1;
            continue;
        }
        if above.is_some_and(|a| a.trim_end().ends_with('\\')) {
            skipped.push((line, "continues the line above: a comment line would end the command"));
            continue;
        }
        let indent: String = target.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
        // A tab-indented line in a Makefile is a recipe line: make would echo a tab-indented
        // comment; one at column 0 is make's own and is skipped.
        let indent = if indent.starts_with('\t') { String::new() } else { indent };
        let list: Vec<&str> = rules.iter().copied().collect();
        out.insert(line - 1, format!("{indent}{comment} shiplint: ignore[{}] {reason}\n", list.join(", ")));
        applied += 1;
    }
    (out.concat(), applied, skipped)
}

/// `line` with `rules` added to its suppression list, when it is a suppression comment line
/// (`None` otherwise, or when it names them all already: nothing to merge is a no-op).
fn merge_into_comment(line: &str, rules: &BTreeSet<&str>, comment: &str) -> Option<String> {
    let mark = format!("{comment} shiplint: ignore[");
    if !line.trim_start().starts_with(&mark) {
        return None;
    }
    let start = line.find(&mark)? + mark.len();
    let end = start + line[start..].find(']')?;
    let named: Vec<&str> = line[start..end].split(',').map(str::trim).collect();
    let new: Vec<&str> = rules.iter().copied().filter(|r| !named.contains(r)).collect();
    let list = named.iter().chain(&new).copied().collect::<Vec<_>>().join(", ");
    Some(format!("{}{list}{}", &line[..start], &line[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(entries: &[(usize, &[&'static str])]) -> BTreeMap<usize, BTreeSet<&'static str>> {
        entries.iter().map(|(l, r)| (*l, r.iter().copied().collect())).collect()
    }

    #[test]
    fn comments_go_above_with_the_line_indentation() {
        let text = "build:\n\tgo build -o x .\nrun: |\n  go build .\n";
        let (out, n, skipped) = annotate(text, &lines(&[(2, &["b", "a"]), (4, &["a"])]), "later", "#");
        assert_eq!(
            out,
            "build:\n# shiplint: ignore[a, b] later\n\tgo build -o x .\nrun: |\n  # shiplint: ignore[a] later\n  go build .\n"
        );
        assert_eq!((n, skipped), (2, vec![]));
    }

    #[test]
    fn an_existing_suppression_is_extended() {
        let text = "# shiplint: ignore[a] old reason\nFROM x\n";
        let (out, n, _) = annotate(text, &lines(&[(2, &["b"])]), "new", "#");
        assert_eq!(out, "# shiplint: ignore[a, b] old reason\nFROM x\n");
        assert_eq!(n, 1);
    }

    #[test]
    fn continuation_lines_are_left_alone() {
        let text = "RUN apk add git && \\\n    go build .\n";
        let (out, n, skipped) = annotate(text, &lines(&[(2, &["a"])]), "r", "#");
        assert_eq!((out.as_str(), n), (text, 0));
        assert_eq!(skipped.len(), 1);
    }
}
