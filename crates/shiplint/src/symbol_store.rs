//! A store of unstripped Go executables, filed by Go build ID (and by GNU build ID in the
//! `.build-id/xx/rest.debug` layout gdb, perf and debuginfod clients read), so that the twin of
//! a stripped release binary can be found later.

use crate::mapped::Mapped;
use shiplint_gobin::Executable;
use shiplint_gobin::container::Container;
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

/// Whether a Go build ID identifies one build: Bazel links every binary with
/// `-buildid=redacted`, and a blanked one (`-buildid=`) is empty.
pub fn identifies_a_build(go_build_id: &str) -> bool {
    !go_build_id.is_empty() && go_build_id != "redacted"
}

/// The stored unstripped file with this Go build ID, if any.
pub fn find_twin(store: &Path, go_build_id: &str) -> Option<PathBuf> {
    if !identifies_a_build(go_build_id) {
        return None;
    }
    let dir = go_id_dir(store, go_build_id)?;
    fs::read_dir(dir).ok()?.filter_map(|e| e.ok()).map(|e| e.path()).find(|p| p.is_file())
}

/// The stored unstripped file with this GNU build ID (where gdb and debuginfod look) whose code
/// is `stripped`'s. The code is compared because a GNU build ID the linker derived from a
/// redacted Go build ID is the same for every such build.
pub fn find_twin_by_gnu_build_id(store: &Path, gnu_build_id: &str, stripped: &Container<'_>) -> Option<PathBuf> {
    gnu_id_path(store, gnu_build_id).filter(|p| p.is_file() && same_code(stripped, p))
}

/// The machine code of a slice (`.text`, `__text`), which `strip` leaves as it was.
pub fn code<'a>(c: &Container<'a>) -> Option<&'a [u8]> {
    ["__text", ".text"].iter().find_map(|name| c.section(name)).and_then(|s| s.data(c.data))
}

/// Whether the executable at `path` has a slice with the same machine code as `c`.
fn same_code(c: &Container<'_>, path: &Path) -> bool {
    let Some(ours) = code(c) else { return false };
    let Ok(mapped) = Mapped::open(path) else { return false };
    let Ok(exe) = Executable::parse(mapped.bytes()) else { return false };
    exe.slices.iter().any(|s| s.arch == c.arch && code(s) == Some(ours))
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
    let go_id = shiplint_gobin::buildid::go_build_id(mapped.bytes()).unwrap_or_default();
    // A redacted Go build ID (Bazel) is the same for every build: such a file is filed by its
    // GNU build ID alone.
    if !identifies_a_build(&go_id) && facts.gnu_build_id.is_none() {
        return Err("no Go build ID (or a redacted one) and no GNU build ID to file it by".into());
    }
    let name = binary.file_name().ok_or("no file name")?;
    let mut written = Vec::new();
    let copy = |to: &Path| -> io::Result<()> {
        fs::create_dir_all(to.parent().expect("store paths have a parent"))?;
        fs::copy(binary, to).map(|_| ())
    };
    if identifies_a_build(&go_id) {
        let dir = go_id_dir(store_dir, &go_id).ok_or("Go build ID has unexpected characters")?;
        let target = dir.join(name);
        copy(&target).map_err(|e| format!("{}: {e}", target.display()))?;
        written.push(target);
    }
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
