//! How far a build definition's words reach: a file it names (`go-version-file`, a goreleaser
//! `dockerfile`) is read only inside its repository, resolved with symlinks, only when it is a
//! regular file of bounded size; anything else is noted, not read. A repository from a stranger
//! must not make shiplint read the runner's files, block on a FIFO or stream `/dev/zero`.

use crate::rules::Defs;
use std::path::Path;

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
    if named.symlink_metadata().is_err() {
        return None;
    }
    let text = resolve_inside(repository, named)
        .and_then(|real| crate::check::read_bounded(&real, MAX_NAMED_FILE, "a file a build definition names"))
        .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string()));
    text.map_err(|why| {
        let mut refused = defs.refused.lock().unwrap_or_else(|e| e.into_inner());
        refused.push(format!("{} not read: {why}", named.display()));
    })
    .ok()
}
