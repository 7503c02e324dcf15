//! The text around a finding's span, read back from its file for reporters that show or hash it.

use crate::finding::Span;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

/// Build definitions are read up to this size; a larger file has no findings with spans.
const MAX_SOURCE: u64 = 4 << 20;

/// Each file read once (or found unreadable once), by the path findings give.
#[derive(Default)]
pub(super) struct Sources {
    texts: HashMap<String, Option<String>>,
}

/// The lines a span covers, where they start, and the span as a byte range inside them.
pub(super) struct Excerpt<'a> {
    pub text: &'a str,
    pub first_line: usize,
    pub range: Range<usize>,
}

impl Sources {
    fn text(&mut self, path: &str) -> Option<&str> {
        self.texts
            .entry(path.to_string())
            .or_insert_with(|| {
                let bytes = crate::check::read_bounded(Path::new(path), MAX_SOURCE, "a source").ok()?;
                String::from_utf8(bytes).ok()
            })
            .as_deref()
    }

    /// The lines of `path` that `span` covers; `None` when the file cannot be read back (it
    /// changed since the scan, or the span is out of it).
    pub fn excerpt(&mut self, path: &str, span: Span) -> Option<Excerpt<'_>> {
        let text = self.text(path)?;
        let starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        let from = *starts.get(span.start_line.checked_sub(1)?)?;
        let to = starts.get(span.end_line.max(span.start_line)).copied().unwrap_or(text.len());
        let lines = &text[from..to];
        let start = char_offset(lines, 0, span.start_column)?;
        let end_line_start = starts.get(span.end_line.checked_sub(1)?).map_or(0, |s| s.saturating_sub(from));
        let end = char_offset(lines, end_line_start, span.end_column).unwrap_or(lines.len()).max(start);
        // The line break is not part of what is underlined.
        let end = end.min(lines.trim_end_matches(['\n', '\r']).len()).max(start);
        Some(Excerpt { text: lines, first_line: span.start_line, range: start..end })
    }
}

/// Byte offset of 1-based character `column` of the line starting at byte `line_start`.
fn char_offset(text: &str, line_start: usize, column: usize) -> Option<usize> {
    let line = text.get(line_start..)?;
    let skip = column.checked_sub(1)?;
    let within = line.char_indices().nth(skip).map_or(line.len(), |(i, _)| i);
    Some(line_start + within)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cover_the_span_lines() {
        let mut s = Sources::default();
        s.texts.insert("f".into(), Some("FROM x\nRUN é go build \\\n  -o y\nUSER 0\n".into()));
        let span = Span { start_line: 2, start_column: 7, end_line: 3, end_column: 7 };
        let e = s.excerpt("f", span).unwrap();
        assert_eq!((e.text, e.first_line), ("RUN é go build \\\n  -o y\n", 2));
        assert_eq!(&e.text[e.range.clone()], "go build \\\n  -o y");
        assert!(s.excerpt("f", Span { start_line: 9, start_column: 1, end_line: 9, end_column: 2 }).is_none());
    }
}
