//! Compiler-style output: each finding with its source lines and the span underlined (rendered
//! by annotate-snippets, rustc's renderer), or for an artifact the fact that proves it.

use super::sources::Sources;
use super::{counts, plural, printable};
use crate::check::ScanResult;
use crate::finding::{Finding, Level};
use annotate_snippets::{AnnotationKind, Group, Level as Kind, Origin, Renderer, Snippet};
use std::io::{self, Write};

pub(super) fn write(r: &ScanResult, color: bool, out: &mut impl Write) -> io::Result<()> {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut sources = Sources::default();
    for f in &r.findings {
        writeln!(out, "{}\n", renderer.render(&[group(f, &mut sources)]))?;
    }
    summary(r, out)
}

/// One finding as a diagnostic: title, where (source lines or the proving fact), notes, help.
fn group<'a>(f: &'a Finding, sources: &'a mut Sources) -> Group<'a> {
    let kind = match f.level {
        Level::Error => Kind::ERROR,
        Level::Warning => Kind::WARNING,
        Level::Info => Kind::INFO,
    };
    let title = kind.primary_title(format!("{}: {}", f.rule, printable(&f.message))).id(f.code);
    let path = printable(&f.location.path).into_owned();
    let excerpt = f.location.span.and_then(|span| sources.excerpt(&f.location.path, span).map(|e| (span, e)));
    let mut group = match excerpt {
        Some((_, e)) => title.element(
            Snippet::source(e.text)
                .line_start(e.first_line)
                .path(path)
                .annotation(AnnotationKind::Primary.span(e.range)),
        ),
        // A span whose file cannot be read back still says where; an artifact says what proves it.
        None => title.element(Origin::path(printable(&f.location.to_string()).into_owned())),
    };
    for n in &f.notes {
        group = group.element(Kind::NOTE.message(printable(n).into_owned()));
    }
    group.element(Kind::HELP.message(printable(&f.help).into_owned()))
}

fn summary(r: &ScanResult, out: &mut impl Write) -> io::Result<()> {
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
