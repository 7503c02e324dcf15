//! How far a build definition's words reach: a file it names (`go-version-file`, a goreleaser
//! `dockerfile`) is read only inside its repository, resolved with symlinks, only when it is a
//! regular file of bounded size; anything else is noted, not read. A repository from a stranger
//! must not make shiplint read the runner's files, block on a FIFO or stream `/dev/zero`.

use crate::defs::makefile::{self, Makefile, Scope};
use crate::defs::shell::Value;
use crate::rules::Defs;
use std::path::{Path, PathBuf};

/// The largest file a build definition names that is read (go.mod, `.go-version`, a Dockerfile).
const MAX_NAMED_FILE: u64 = 1 << 20;

/// Why `named` may not be read as part of `repository`, or its resolved path.
fn resolve_inside(repository: &Path, named: &Path) -> Result<std::path::PathBuf, String> {
    let real = named.canonicalize().map_err(|e| e.to_string())?;
    // A definition found walking `.` lies in the folder "", which is `.`.
    let repository = if repository.as_os_str().is_empty() { Path::new(".") } else { repository };
    let root = repository.canonicalize().map_err(|e| e.to_string())?;
    if !real.starts_with(&root) {
        return Err(format!("resolves outside the repository (to {})", real.display()));
    }
    Ok(real)
}

/// The text of `named`, a file `defs` names, when it is inside `repository` (the folder the
/// definition belongs to), regular, at most 1 MiB and UTF-8. A file that does not exist is
/// `None` in silence (the build would fail itself); any other refusal is also noted on `defs`.
pub fn read_named(defs: &Defs<'_>, repository: &Path, named: &Path) -> Option<String> {
    read_inside(repository, named)
        .map_err(|why| {
            let mut refused = defs.refused.lock().unwrap_or_else(|e| e.into_inner());
            refused.push(format!("{} not read: {why}", named.display()));
        })
        .ok()
        .flatten()
        .map(|(_, text)| text)
}

/// `named` resolved and read under the rules of [`read_named`]: `Ok(None)` when it does not exist.
fn read_inside(repository: &Path, named: &Path) -> Result<Option<(PathBuf, String)>, String> {
    if named.symlink_metadata().is_err() {
        return Ok(None);
    }
    let real = resolve_inside(repository, named)?;
    let bytes = crate::check::read_bounded(&real, MAX_NAMED_FILE, "a file a build definition names")?;
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    Ok(Some((real, text)))
}

/// The most files one Makefile's includes read, and how deep includes nest.
const MAX_INCLUDED_FILES: usize = 16;
const MAX_INCLUDE_DEPTH: usize = 4;

/// What the files a Makefile includes define (each with the offset of its include line, later
/// entries winning), and notes on includes that were not read. Names are make-expanded with the
/// file's own variables and taken from make's working folder, the Makefile's; files outside the
/// repository, beyond the caps, or already read (a cycle) are not read.
pub fn makefile_includes(
    path: &Path,
    file: &Makefile,
    text: &str,
    repository: &Path,
) -> (Vec<(usize, String, Value)>, Vec<String>) {
    // A Makefile named on the command line is its own tree: its folder is the repository.
    let repository = if repository.is_file() { repository.parent().unwrap_or(Path::new("")) } else { repository };
    let mut walk = IncludeWalk {
        dir: path.parent().unwrap_or(Path::new("")).to_path_buf(),
        repository,
        read: path.canonicalize().into_iter().collect(),
        notes: Vec::new(),
    };
    let included = walk.values(file, text, 0);
    (included, walk.notes)
}

struct IncludeWalk<'r> {
    dir: PathBuf,
    repository: &'r Path,
    read: Vec<PathBuf>,
    notes: Vec<String>,
}

impl IncludeWalk<'_> {
    fn values(&mut self, file: &Makefile, text: &str, depth: usize) -> Vec<(usize, String, Value)> {
        let mut out = Vec::new();
        for (at, args) in &file.includes {
            let names = file.expand(text, args, &Scope::default(), 0);
            let Some(names) = names.as_known() else { continue };
            for name in names.split_whitespace().filter(|n| !n.contains(['*', '?', '['])) {
                let named = self.dir.join(name);
                if depth >= MAX_INCLUDE_DEPTH || self.read.len() > MAX_INCLUDED_FILES {
                    self.notes.push(format!(
                        "{}: not read (more than {MAX_INCLUDED_FILES} included files or {MAX_INCLUDE_DEPTH} levels)",
                        named.display()
                    ));
                    return out;
                }
                let (real, included_text) = match read_inside(self.repository, &named) {
                    Ok(Some(found)) => found,
                    Ok(None) => continue,
                    Err(why) => {
                        self.notes.push(format!("{} not read: {why}", named.display()));
                        continue;
                    }
                };
                if self.read.contains(&real) {
                    continue;
                }
                self.read.push(real);
                let mut included = makefile::parse(&included_text);
                let nested = self.values(&included, &included_text, depth + 1);
                included.set_included(nested);
                out.extend(included.included().iter().map(|(_, n, v)| (*at, n.clone(), v.clone())));
                for n in included.defined_names() {
                    if let Some(v) = included.value(&included_text, n, &Scope::default(), 0) {
                        out.push((*at, n.to_string(), v));
                    }
                }
            }
        }
        out
    }
}
