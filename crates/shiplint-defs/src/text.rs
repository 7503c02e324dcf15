//! Byte offsets to 1-based line and column, for exact spans in text sources.

use serde::Serialize;

/// A range of a text: 1-based line and column (in characters) of its start, and of its end
/// (exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// Line starts of a text, for turning byte offsets into positions.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = text.get(start..offset.min(text.len())).map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }

    pub fn span(&self, text: &str, start: usize, end: usize) -> Span {
        let (start_line, start_column) = self.position(text, start);
        let (end_line, end_column) = self.position(text, end);
        Span { start_line, start_column, end_line, end_column }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let t = "ab\ncé\nx";
        let idx = LineIndex::new(t);
        assert_eq!(idx.position(t, 0), (1, 1));
        assert_eq!(idx.position(t, 3), (2, 1));
        assert_eq!(idx.position(t, 6), (2, 3)); // after the two-byte é
        assert_eq!(idx.position(t, 7), (3, 1));
    }
}
