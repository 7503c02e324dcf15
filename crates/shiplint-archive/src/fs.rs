//! The file system an image's layers add up to: entries applied layer by layer, whiteouts
//! (`.wh.name`) and opaque directories (`.wh..wh..opq`) honoured as the OCI image spec says, and
//! paths resolved through symlinks without ever leaving the image.

use crate::Error;
use crate::tar::{Entry, Kind};
use std::collections::BTreeMap;

/// A file system entry of the merged view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub kind: Kind,
    pub size: u64,
    pub mode: u32,
    pub uid: u64,
    /// The layer that last wrote it.
    pub layer: usize,
}

/// The most entries a merged view holds (a full Debian image has about 20 000).
const MAX_NODES: usize = 2_000_000;
/// Symlinks followed while resolving one path (Linux's own limit is 40).
const MAX_SYMLINKS: usize = 40;

#[derive(Default, Debug)]
pub struct FsView {
    nodes: BTreeMap<String, Node>,
}

/// What applying one layer entry did.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    /// The entry was added (or replaced an older one) at this path.
    Added(String),
    /// A whiteout removed these paths of lower layers.
    Removed(Vec<String>),
}

/// `path` with `..` resolved lexically, never above the root; `None` when it tried to climb out.
pub fn clean(path: &str) -> (String, bool) {
    let mut parts: Vec<&str> = Vec::new();
    let mut escaped = false;
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => escaped |= parts.pop().is_none(),
            p => parts.push(p),
        }
    }
    (parts.join("/"), escaped)
}

fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

impl FsView {
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn get(&self, path: &str) -> Option<&Node> {
        self.nodes.get(path)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Node)> {
        self.nodes.iter()
    }

    /// The entries at and under `dir`.
    pub fn under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = (&'a String, &'a Node)> + 'a {
        let prefix = format!("{dir}/");
        self.nodes.range(dir.to_string()..).take_while(move |(p, _)| p.as_str() == dir || p.starts_with(&prefix))
    }

    fn remove_lower(&mut self, dir: &str, keep_self: bool, layer: usize) -> Vec<String> {
        let gone: Vec<String> = self
            .under(dir)
            .filter(|(p, n)| n.layer < layer && !(keep_self && p.as_str() == dir))
            .map(|(p, _)| p.clone())
            .collect();
        for p in &gone {
            self.nodes.remove(p);
        }
        gone
    }

    /// Applies one entry of layer `layer` (layers in order, lowest first).
    pub fn apply(&mut self, layer: usize, entry: &Entry) -> Result<Applied, Error> {
        let (path, _) = clean(&entry.path);
        let name = path.rsplit('/').next().unwrap_or("");
        if name == ".wh..wh..opq" {
            return Ok(Applied::Removed(self.remove_lower(parent(&path), true, layer)));
        }
        if let Some(hidden) = name.strip_prefix(".wh.") {
            let dir = parent(&path);
            let target = if dir.is_empty() { hidden.to_string() } else { format!("{dir}/{hidden}") };
            return Ok(Applied::Removed(self.remove_lower(&target, false, layer)));
        }
        if path.is_empty() {
            return Ok(Applied::Added(path)); // the root itself
        }
        // A file replacing a directory hides what was under it.
        if entry.kind != Kind::Dir && self.nodes.get(&path).is_some_and(|n| n.kind == Kind::Dir) {
            self.remove_lower(&path, false, layer + 1);
        }
        if self.nodes.len() >= MAX_NODES && !self.nodes.contains_key(&path) {
            return Err(Error::TooMany("files in one image"));
        }
        let kind = match &entry.kind {
            Kind::Hardlink(target) => Kind::Hardlink(clean(target).0),
            k => k.clone(),
        };
        let size = match &kind {
            // A hard link is the file it names.
            Kind::Hardlink(target) => self.nodes.get(target).map_or(0, |n| n.size),
            _ => entry.size,
        };
        self.nodes.insert(path.clone(), Node { kind, size, mode: entry.mode, uid: entry.uid, layer });
        Ok(Applied::Added(path))
    }

    /// Resolves `path` (absolute, or relative to the root) through symlinks and hard links to an
    /// existing entry. A symlink pointing above the root stays at the root, as in a container.
    pub fn resolve(&self, path: &str) -> Result<String, ResolveError> {
        let mut pending: Vec<String> =
            clean(path).0.split('/').filter(|p| !p.is_empty()).rev().map(String::from).collect();
        let mut resolved: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            if part == ".." {
                resolved.pop();
                continue;
            }
            resolved.push(part);
            let here = resolved.join("/");
            let Some(node) = self.nodes.get(&here) else {
                // Tars need not list the directories above their files.
                if !pending.is_empty() && self.under(&here).next().is_some() {
                    continue;
                }
                return Err(ResolveError::Missing(here));
            };
            let target = match &node.kind {
                Kind::Symlink(t) => t.clone(),
                Kind::Hardlink(t) if pending.is_empty() => {
                    return if self.nodes.contains_key(t) {
                        Ok(t.clone())
                    } else {
                        Err(ResolveError::Missing(t.clone()))
                    };
                }
                _ => continue,
            };
            hops += 1;
            if hops > MAX_SYMLINKS {
                return Err(ResolveError::Loop(here));
            }
            resolved.pop();
            if target.starts_with('/') {
                resolved.clear();
            }
            pending.extend(target.split('/').filter(|p| !p.is_empty() && *p != ".").rev().map(String::from));
        }
        Ok(resolved.join("/"))
    }
}

/// Why a path does not lead to a file in the image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResolveError {
    /// This path (after following links) does not exist.
    Missing(String),
    /// Too many symlinks: a loop, at this path.
    Loop(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, kind: Kind) -> Entry {
        Entry { path: path.into(), kind, size: 1, mode: 0o755, uid: 0, mtime: 0 }
    }

    #[test]
    fn whiteouts_opaque_dirs_and_links() {
        let mut fs = FsView::default();
        for e in [
            entry("usr", Kind::Dir),
            entry("usr/local/go/bin/go", Kind::File),
            entry("usr/local/go/pkg/x", Kind::File),
            entry("etc/keep", Kind::File),
            entry("lib/ld-musl-x86_64.so.1", Kind::File),
            entry("bin/sh", Kind::Symlink("/bin/busybox".into())),
            entry("bin/busybox", Kind::File),
        ] {
            fs.apply(0, &e).unwrap();
        }
        assert_eq!(
            fs.apply(1, &entry("usr/local/.wh.go", Kind::File)).unwrap(),
            Applied::Removed(vec!["usr/local/go/bin/go".into(), "usr/local/go/pkg/x".into()])
        );
        fs.apply(1, &entry("etc/.wh..wh..opq", Kind::File)).unwrap();
        fs.apply(1, &entry("etc/new", Kind::File)).unwrap();
        assert!(fs.get("etc/keep").is_none() && fs.get("etc/new").is_some());
        assert_eq!(fs.resolve("/bin/sh"), Ok("bin/busybox".into()));
        fs.apply(1, &entry("a", Kind::Symlink("b".into()))).unwrap();
        fs.apply(1, &entry("b", Kind::Symlink("a".into()))).unwrap();
        assert!(matches!(fs.resolve("a"), Err(ResolveError::Loop(_))));
        fs.apply(1, &entry("up", Kind::Symlink("../../../../lib/ld-musl-x86_64.so.1".into()))).unwrap();
        assert_eq!(fs.resolve("up"), Ok("lib/ld-musl-x86_64.so.1".into()), "clamped at the root");
        assert_eq!(fs.resolve("/lib64/ld-linux-x86-64.so.2"), Err(ResolveError::Missing("lib64".into())));
        fs.apply(1, &entry("h", Kind::Hardlink("missing".into()))).unwrap();
        assert_eq!(fs.resolve("h"), Err(ResolveError::Missing("missing".into())));
    }
}
