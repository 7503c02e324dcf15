//! Applying fixes: byte-range edits to text sources, checked by reading the result again, and
//! previewed as a unified diff.

use crate::defs::source::{self, Defs, Kind};
use crate::finding::{Edit, Finding};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The new text of one file, with the fixes that made it.
pub struct Fixed {
    pub path: String,
    pub before: String,
    pub after: String,
    pub applied: usize,
}

/// Applies `edits` (sorted, overlapping ones dropped) to `text`.
fn apply(text: &str, mut edits: Vec<&Edit>) -> (String, usize) {
    edits.sort_by_key(|e| (e.start_byte, e.end_byte));
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    let mut applied = 0;
    for e in edits {
        if e.start_byte < pos
            || e.end_byte > text.len()
            || !text.is_char_boundary(e.start_byte)
            || !text.is_char_boundary(e.end_byte)
        {
            continue; // overlaps an earlier edit, or points outside the file
        }
        out.push_str(&text[pos..e.start_byte]);
        out.push_str(&e.replacement);
        pos = e.end_byte;
        applied += 1;
    }
    out.push_str(&text[pos..]);
    (out, applied)
}

/// Number of `go build` commands a build definition describes: a fix must not change it.
fn build_count(kind: Kind, path: &str, text: &str) -> Option<usize> {
    let parsed = source::parse(kind, text).ok()?;
    Some(Defs::new(path, text, kind, &parsed).distinct_builds().len())
}

/// Computes the fixed text of every file with applicable fixes (`unsafe_too`: unsafe ones as well).
pub fn plan(findings: &[Finding], unsafe_too: bool) -> Result<Vec<Fixed>, String> {
    let mut by_path: BTreeMap<&str, Vec<&Edit>> = BTreeMap::new();
    for f in findings {
        if let Some(fix) = f.fix.as_ref().filter(|fix| fix.safe || unsafe_too) {
            for e in &fix.edits {
                by_path.entry(e.path.as_str()).or_default().push(e);
            }
        }
    }
    let mut out = Vec::new();
    for (path, edits) in by_path {
        let bytes = crate::check::read_bounded(Path::new(path), MAX_FIXED_FILE, "a file to fix")
            .map_err(|e| format!("{path}: {e}"))?;
        let before = String::from_utf8(bytes).map_err(|_| format!("{path}: not UTF-8 text: no fix applied"))?;
        let (after, applied) = apply(&before, edits);
        // A build definition must still describe the same builds; Go source edits are keyword swaps.
        if let Some(kind) = source::kind_of(std::path::Path::new(path), before.as_bytes()) {
            if build_count(kind, path, &before) != build_count(kind, path, &after) {
                return Err(format!("{path}: the fixed file would read differently; no fix applied"));
            }
        }
        out.push(Fixed { path: path.to_string(), before, after, applied });
    }
    Ok(out)
}

/// The largest file a fix rewrites (build definitions are read up to the same size).
const MAX_FIXED_FILE: u64 = 4 << 20;

/// A scanned path, resolved: a folder with its symlinks, a named file only up to its own name (a
/// named symlink does not bring the file it points to into the scanned tree).
fn resolved_root(root: &Path) -> Option<PathBuf> {
    if root.is_dir() {
        return root.canonicalize().ok();
    }
    let parent = root.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Some(parent.canonicalize().ok()?.join(root.file_name()?))
}

/// Where the fixed text of `path` may be written: the file itself, resolved, when it is in one
/// of the scanned `roots`, has no other hard link and is not a vendored dependency; otherwise
/// why it is left alone. A fix must change the repository's file and nothing else.
fn writable_target(path: &Path, roots: &[PathBuf]) -> Result<PathBuf, String> {
    if path.components().any(|c| c.as_os_str() == "vendor") {
        return Err("in vendor/, a copy of a dependency".into());
    }
    let real = path.canonicalize().map_err(|e| e.to_string())?;
    let inside = roots.iter().filter_map(|r| resolved_root(r)).any(|r| real.starts_with(r));
    if !inside {
        return Err(format!("resolves outside the scanned folders (to {})", real.display()));
    }
    let meta = std::fs::metadata(&real).map_err(|e| e.to_string())?;
    if meta.nlink() > 1 {
        return Err(format!("has {} hard links, and the others would change too", meta.nlink()));
    }
    Ok(real)
}

/// Writes a fixed file as a new file renamed over the old one, so that no other name of the
/// old inode changes; refuses what `writable_target` refuses.
pub fn write(f: &Fixed, roots: &[PathBuf]) -> Result<(), String> {
    let target = writable_target(Path::new(&f.path), roots).map_err(|why| format!("not fixed: {why}"))?;
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = target.with_file_name(format!(".{name}.shiplint-fix-{}", std::process::id()));
    let written = write_new(&temp, &target, f.after.as_bytes()).and_then(|()| std::fs::rename(&temp, &target));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        e.to_string()
    })
}

/// Creates `temp` (never an existing file) with `bytes` and the permissions of `like`.
fn write_new(temp: &Path, like: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(temp)?;
    file.write_all(bytes)?;
    file.set_permissions(std::fs::metadata(like)?.permissions())?;
    file.sync_all()
}

/// A unified diff of one fixed file.
pub fn diff(f: &Fixed) -> String {
    similar::TextDiff::from_lines(&f.before, &f.after)
        .unified_diff()
        .header(&format!("a/{}", f.path.trim_start_matches('/')), &format!("b/{}", f.path.trim_start_matches('/')))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(s: usize, e: usize, r: &str) -> Edit {
        Edit { path: "x".into(), start_byte: s, end_byte: e, replacement: r.into() }
    }

    #[test]
    fn edits_apply_in_order_and_overlaps_are_dropped() {
        let (out, n) = apply("go build -o x .", vec![&edit(8, 8, " -trimpath"), &edit(0, 0, "CGO_ENABLED=0 ")]);
        assert_eq!((out.as_str(), n), ("CGO_ENABLED=0 go build -trimpath -o x .", 2));
        // An edit starting inside an earlier one is dropped.
        let (out, n) = apply("go build -o x .", vec![&edit(8, 8, " -trimpath"), &edit(3, 9, "run ")]);
        assert_eq!((out.as_str(), n), ("go run -o x .", 1));
    }
}
