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

/// Where the parts of a text read from several files come from: make reads an included file in
/// place of its `include` line, so a Makefile is read as one text made of pieces of files, each
/// starting at a line start.
#[derive(Clone, Debug, Default)]
pub struct Origins {
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug)]
struct Piece {
    /// Where the piece starts in the text read.
    start: usize,
    path: String,
    /// Where it starts in its file, and that place's 1-based line.
    file_start: usize,
    file_line: usize,
}

impl Origins {
    /// Records that the text read from byte `start` on is `path`'s from byte `file_start` (on
    /// line `file_line`) on, up to the next piece.
    pub fn push(&mut self, start: usize, path: &str, file_start: usize, file_line: usize) {
        self.pieces.push(Piece { start, path: path.to_string(), file_start, file_line });
    }

    fn piece(&self, offset: usize) -> Option<(&Piece, usize)> {
        let i = self.pieces.partition_point(|p| p.start <= offset).checked_sub(1)?;
        let end = self.pieces.get(i + 1).map_or(usize::MAX, |next| next.start);
        Some((&self.pieces[i], end))
    }

    /// The file a byte of the text read comes from, and its offset there.
    pub fn file_offset(&self, offset: usize) -> Option<(&str, usize)> {
        let (piece, _) = self.piece(offset)?;
        Some((&piece.path, piece.file_start + (offset - piece.start)))
    }

    /// The file a range of the text read comes from (the file of its start), and the range's
    /// span there (its end is cut at the end of that file's piece).
    pub fn span(&self, lines: &LineIndex, text: &str, start: usize, end: usize) -> Option<(&str, Span)> {
        let (piece, piece_end) = self.piece(start)?;
        let read = lines.span(text, start, end.min(piece_end.saturating_sub(1)).max(start));
        let first = lines.position(text, piece.start).0;
        let shift = |line: usize| line - first + piece.file_line;
        let span = Span { start_line: shift(read.start_line), end_line: shift(read.end_line), ..read };
        Some((&piece.path, span))
    }

    /// The byte ranges of the text read (of `len` bytes) that come from files other than `own`.
    pub fn ranges_not_of(&self, own: &str, len: usize) -> Vec<(usize, usize)> {
        let ends = self.pieces.iter().skip(1).map(|p| p.start).chain(std::iter::once(len));
        self.pieces.iter().zip(ends).filter(|(p, _)| p.path != own).map(|(p, end)| (p.start, end)).collect()
    }

    /// The files the text was read from, its own first.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        let mut seen = Vec::new();
        self.pieces.iter().map(|p| p.path.as_str()).filter(move |p| {
            let new = !seen.contains(p);
            seen.push(*p);
            new
        })
    }
}

/// The largest char boundary of `s` at or below `at` (where to cut a text read up to a limit).
pub fn floor_char_boundary(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
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

    #[test]
    fn pieces_of_files() {
        // `Makefile` includes `a.mk` (two lines) after its second line.
        let read = "X := 1\ninclude a.mk\nA := 2\nB := 3\nbuild:\n\tgo build\n";
        let mut origins = Origins::default();
        origins.push(0, "Makefile", 0, 1);
        origins.push(20, "a.mk", 0, 1);
        origins.push(34, "Makefile", 20, 3);
        let lines = LineIndex::new(read);
        let at = |start, end| origins.span(&lines, read, start, end).map(|(p, s)| (p, s.start_line, s.start_column));
        assert_eq!(at(7, 14), Some(("Makefile", 2, 1)));
        assert_eq!(at(27, 33), Some(("a.mk", 2, 1)));
        assert_eq!(at(42, 50), Some(("Makefile", 4, 2)));
        assert_eq!(origins.file_offset(42), Some(("Makefile", 28)));
        assert_eq!(origins.files().collect::<Vec<_>>(), ["Makefile", "a.mk"]);
    }
}
