//! A store of unstripped Go executables, filed by Go build ID (and by GNU build ID in the
//! `.build-id/xx/rest.debug` layout gdb, perf and debuginfod clients read), so that the twin of
//! a stripped release binary can be found later.

use crate::mapped::Mapped;
use shiplint_gobin::Executable;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The folder a Go build ID files under: `go-buildid/<part>/<part>/...`. `None` for an ID with
/// characters a Go build ID never has (so a hostile ID cannot name a path outside the store).
fn go_id_dir(store: &Path, go_build_id: &str) -> Option<PathBuf> {
    let parts: Vec<&str> = go_build_id.split('/').collect();
    let safe = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    parts.iter().all(safe).then(|| parts.iter().fold(store.join("go-buildid"), |d, p| d.join(p)))
}

/// The gdb/debuginfod path of a GNU build ID: `.build-id/ab/cdef....debug`.
fn gnu_id_path(store: &Path, gnu_build_id: &str) -> Option<PathBuf> {
    if gnu_build_id.len() < 3 || !gnu_build_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(store.join(".build-id").join(&gnu_build_id[..2]).join(format!("{}.debug", &gnu_build_id[2..])))
}

/// The stored unstripped file with this Go build ID, if any.
pub fn find_twin(store: &Path, go_build_id: &str) -> Option<PathBuf> {
    let dir = go_id_dir(store, go_build_id)?;
    fs::read_dir(dir).ok()?.filter_map(|e| e.ok()).map(|e| e.path()).find(|p| p.is_file())
}

/// Files one binary into the store. Refuses stripped binaries and binaries without a Go build ID.
pub fn store(binary: &Path, store_dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mapped = Mapped::open(binary).map_err(|e| e.to_string())?;
    let exe = Executable::parse(mapped.bytes()).map_err(|e| e.to_string())?;
    let c = exe.slices.first().ok_or("no executable slice")?;
    let facts = shiplint_gobin::facts(c);
    if !facts.debug.symbol_table && !facts.debug.dwarf {
        return Err("already stripped: store the unstripped build".into());
    }
    let go_id = shiplint_gobin::buildid::go_build_id(mapped.bytes()).map_err(|e| e.to_string())?;
    if go_id.is_empty() {
        return Err("no Go build ID".into());
    }
    let dir = go_id_dir(store_dir, &go_id).ok_or("Go build ID has unexpected characters")?;
    let name = binary.file_name().ok_or("no file name")?;
    let mut written = Vec::new();
    let copy = |to: &Path| -> io::Result<()> {
        fs::create_dir_all(to.parent().expect("store paths have a parent"))?;
        fs::copy(binary, to).map(|_| ())
    };
    let target = dir.join(name);
    copy(&target).map_err(|e| format!("{}: {e}", target.display()))?;
    written.push(target);
    if let Some(path) = facts.gnu_build_id.as_deref().and_then(|g| gnu_id_path(store_dir, g)) {
        copy(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_map_to_safe_paths() {
        let s = Path::new("/s");
        assert_eq!(go_id_dir(s, "a-b/c_d"), Some(PathBuf::from("/s/go-buildid/a-b/c_d")));
        assert_eq!(go_id_dir(s, "../x"), None);
        assert_eq!(go_id_dir(s, "a//b"), None);
        assert_eq!(gnu_id_path(s, "abcdef"), Some(PathBuf::from("/s/.build-id/ab/cdef.debug")));
        assert_eq!(gnu_id_path(s, "ab/../"), None);
    }
}
