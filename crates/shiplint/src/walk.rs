//! Finding the files to scan. Only regular files are scanned: a FIFO would block the scan and a
//! device would stream without end, so they are skipped with a note, named or met walking.
//! `.gitignore` and `.ignore` files are read by shiplint itself, bounded like every other input
//! (regular files of at most 1 MiB, patterns within one budget per walked tree), and only inside the scanned folders:
//! a repository from a stranger must not make the walk block, read without end or look at the
//! host's files. Symlinks are not followed while walking, so link loops cannot trap it.
//!
//! `.gitignore` is git's, and means what it means to git: it applies inside a git work tree
//! only (a source tarball has none, and all its files are the project's), and never to a file
//! the index tracks (a committed `.goreleaser.yaml` that a `/*.yaml` line matches is still the
//! project's release). The index is read bounded, like any input.

use crate::check::ScanError;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// The largest ignore file read.
const MAX_IGNORE_FILE: u64 = 1 << 20;
/// The pattern work one walked tree's ignore files may ask for: each pattern costs one, and one
/// more per wildcard (`*`, `?`, `[`), as wildcards are what makes a compiled pattern large: 10 000
/// patterns of 15 wildcards took 200 MiB, and 6 250 in one folder are more than the pattern
/// compiler takes. Real trees use a few hundred.
const MAX_IGNORE_COST: usize = 50_000;
/// A folder's ignore files; `.ignore` after `.gitignore`, as its patterns take precedence.
const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];
/// The largest git index read (the Linux kernel's, 90 000 files, is about 10 MiB; Chromium's about 40 MiB).
const MAX_GIT_INDEX: u64 = 64 << 20;
/// The largest `.git` file read (a worktree's or submodule's `gitdir:` line).
const MAX_GIT_FILE: u64 = 4 << 10;

/// The files to scan, and the notes about what was skipped.
#[derive(Default)]
pub struct Walked {
    pub files: Vec<PathBuf>,
    pub notes: Vec<ScanError>,
    pub errors: Vec<ScanError>,
}

/// A lock that a panicked holder cannot make unusable (the data is a cache and a list).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A path as users write it: walking `.` yields `./x`, reported as `x`.
fn shown(path: &Path) -> &Path {
    path.strip_prefix(".").ok().filter(|p| !p.as_os_str().is_empty()).unwrap_or(path)
}

fn note(path: &Path, message: impl Into<String>) -> ScanError {
    ScanError { path: shown(path).display().to_string(), message: message.into() }
}

/// What a file that is not a regular file or folder is, when it is worth a note (symlinks are
/// skipped without one, as the walk never follows them).
fn special_kind(t: std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    match () {
        _ if t.is_fifo() => Some("a FIFO"),
        _ if t.is_socket() => Some("a socket"),
        _ if t.is_block_device() || t.is_char_device() => Some("a device"),
        _ => None,
    }
}

fn skipped(kind: &str) -> String {
    format!("{kind}, not a regular file: skipped")
}

/// The git work tree a walked folder is in.
struct WorkTree {
    /// Its git folder (`.git`, or where a `.git` file's `gitdir:` points).
    git_dir: PathBuf,
    /// The walked folder's path in the work tree, `/`-separated with a trailing `/`; empty at its top.
    prefix: Vec<u8>,
    /// The paths the index tracks, sorted; empty without an index (a fresh `git init`).
    tracked: Vec<Vec<u8>>,
}

impl WorkTree {
    /// The work tree holding `root`: the nearest folder at or above it with a `.git`.
    fn of(root: &Path, notes: &mut Vec<ScanError>) -> Option<WorkTree> {
        use std::os::unix::ffi::OsStrExt;
        let absolute = root.canonicalize().ok()?;
        let top = absolute.ancestors().find(|d| d.join(".git").symlink_metadata().is_ok())?;
        let dot_git = top.join(".git");
        let git_dir = if dot_git.is_dir() {
            dot_git
        } else {
            let text = shiplint_archive::read_regular(&dot_git, MAX_GIT_FILE).ok()?;
            let text = String::from_utf8_lossy(&text);
            top.join(text.trim().strip_prefix("gitdir:")?.trim())
        };
        let mut prefix = absolute.strip_prefix(top).ok()?.as_os_str().as_bytes().to_vec();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        let index = git_dir.join("index");
        let tracked = if index.symlink_metadata().is_err() {
            Vec::new()
        } else {
            let read = shiplint_archive::read_regular(&index, MAX_GIT_INDEX)
                .and_then(|bytes| shiplint_archive::git_index::tracked_paths(&bytes));
            read.unwrap_or_else(|e| {
                let message = format!("{e}; .gitignore applies to every file, tracked or not");
                notes.push(note(&index, message));
                Vec::new()
            })
        };
        Some(WorkTree { git_dir, prefix, tracked })
    }

    /// Whether the index tracks `path` (relative to the walked folder), or for a folder,
    /// anything under it. A sparse index's folder entry (`dir/`) tracks what is under it.
    fn tracks(&self, path: &Path, is_dir: bool) -> bool {
        use std::os::unix::ffi::OsStrExt;
        let mut key = self.prefix.clone();
        key.extend_from_slice(path.as_os_str().as_bytes());
        if is_dir {
            key.push(b'/');
            let at = self.tracked.partition_point(|p| p.as_slice() < key.as_slice());
            return self.tracked.get(at).is_some_and(|p| p.starts_with(&key));
        }
        let folders = key.iter().enumerate().filter(|(_, b)| **b == b'/').map(|(i, _)| &key[..=i]);
        std::iter::once(key.as_slice())
            .chain(folders)
            .any(|k| self.tracked.binary_search_by(|p| p.as_slice().cmp(k)).is_ok())
    }
}

/// The ignore rules of the folders under one walked root, read once per folder.
struct IgnoreRules {
    root: PathBuf,
    work_tree: Option<WorkTree>,
    by_dir: Mutex<HashMap<PathBuf, Arc<Gitignore>>>,
    notes: Mutex<Vec<ScanError>>,
    /// What is left of `MAX_IGNORE_COST`.
    cost_left: AtomicUsize,
}

impl IgnoreRules {
    /// The rules `dir`'s own ignore files give (`.gitignore` in a work tree only; at the work
    /// tree's top, its `info/exclude` too).
    fn read(&self, dir: &Path) -> Gitignore {
        let mut builder = GitignoreBuilder::new(dir);
        let mut files = Vec::new();
        if let Some(tree) = &self.work_tree {
            if dir == self.root && tree.prefix.is_empty() {
                files.push(tree.git_dir.join("info/exclude"));
            }
            files.push(dir.join(".gitignore"));
        }
        files.push(dir.join(".ignore"));
        for file in files.iter().filter(|f| f.symlink_metadata().is_ok()) {
            match shiplint_archive::read_regular(file, MAX_IGNORE_FILE) {
                Ok(bytes) => self.add_patterns(&mut builder, file, &String::from_utf8_lossy(&bytes)),
                Err(e) => lock(&self.notes).push(note(file, format!("{e}; its patterns are not used"))),
            }
        }
        builder.build().unwrap_or_else(|e| {
            lock(&self.notes).push(note(dir, format!("ignore patterns not used: {e}")));
            Gitignore::empty()
        })
    }

    fn add_patterns(&self, builder: &mut GitignoreBuilder, file: &Path, text: &str) {
        let patterns = text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
        for (i, line) in patterns.enumerate() {
            let cost = 1 + line.bytes().filter(|b| matches!(b, b'*' | b'?' | b'[')).count();
            if self.cost_left.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(cost)).is_err()
            {
                let why =
                    format!("the ignore files of this tree ask for more than {MAX_IGNORE_COST} patterns and wildcards");
                lock(&self.notes).push(note(file, format!("only the first {i} patterns are used: {why}")));
                break;
            }
            // A pattern that is not a valid glob is skipped, as git skips it.
            let _ = builder.add_line(Some(file.to_path_buf()), line);
        }
    }

    fn for_dir(&self, dir: &Path) -> Arc<Gitignore> {
        if let Some(rules) = lock(&self.by_dir).get(dir) {
            return rules.clone();
        }
        let rules = Arc::new(self.read(dir));
        lock(&self.by_dir).insert(dir.to_path_buf(), rules.clone());
        rules
    }

    /// Whether `path` is ignored: the deepest folder whose rules decide, decides; git's
    /// patterns do not ignore what git tracks.
    fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        for dir in path.ancestors().skip(1).take_while(|d| d.starts_with(&self.root)) {
            let rules = self.for_dir(dir);
            let m = rules.matched_path_or_any_parents(path, is_dir);
            if !m.is_none() {
                let from_git = m.inner().and_then(|g| g.from()).is_some_and(|f| !f.ends_with(".ignore"));
                let tracked = || {
                    let relative = path.strip_prefix(&self.root).unwrap_or(path);
                    self.work_tree.as_ref().is_some_and(|t| t.tracks(relative, is_dir))
                };
                return m.is_ignore() && !(from_git && tracked());
            }
        }
        false
    }
}

/// Folders a walk skips: Go's test inputs (the go command ignores them too) and other people's
/// code the project vendors, which it neither builds nor ships as its own (Dockerfiles,
/// goreleaser files and scripts in there are theirs). Named on the command line, they are read.
const SKIPPED_FOLDERS: &[&str] = &[".git", "testdata", "vendor", "third_party", "node_modules"];

/// Walks one folder: regular files, with ignore files honoured and `SKIPPED_FOLDERS` left out.
fn walk_dir(root: &Path, out: &mut Walked) {
    let work_tree = WorkTree::of(root, &mut out.notes);
    let rules = Arc::new(IgnoreRules {
        root: root.to_path_buf(),
        work_tree,
        by_dir: Mutex::default(),
        notes: Mutex::default(),
        cost_left: AtomicUsize::new(MAX_IGNORE_COST),
    });
    let filter = rules.clone();
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .filter_entry(move |e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            e.depth() == 0
                || (!SKIPPED_FOLDERS.iter().any(|s| e.file_name() == *s) && !filter.ignored(e.path(), is_dir))
        })
        .build();
    for entry in walker {
        match entry {
            Ok(e) => match e.file_type() {
                Some(t) if t.is_file() => out.files.push(shown(e.path()).to_path_buf()),
                // An ignore file that is not a regular file has its note from the ignore rules.
                Some(_) if IGNORE_FILES.iter().any(|n| e.file_name() == *n) => {}
                Some(t) => out.notes.extend(special_kind(t).map(|k| note(e.path(), skipped(k)))),
                None => {}
            },
            Err(e) => out.errors.push(note(root, e.to_string())),
        }
    }
    out.notes.append(&mut lock(&rules.notes));
}

/// Every regular file under `paths`: named files always, folders walked.
pub fn walk(paths: &[PathBuf]) -> Walked {
    let mut out = Walked::default();
    for p in paths {
        match std::fs::metadata(p) {
            Err(e) => out.errors.push(note(p, e.to_string())),
            Ok(m) if m.is_file() || shiplint_archive::image::is_layout_dir(p) => out.files.push(p.clone()),
            Ok(m) if m.is_dir() => walk_dir(p, &mut out),
            Ok(m) => out.notes.extend(special_kind(m.file_type()).map(|k| note(p, skipped(k)))),
        }
    }
    // A FIFO named and also met walking is one note.
    out.notes.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    out.notes.dedup();
    out
}
