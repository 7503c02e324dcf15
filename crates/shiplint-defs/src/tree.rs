//! The paths of a scanned repository, to tell whether a folder or file a build names exists in
//! it wherever the build runs from (`go build netclient/main.go` in a Dockerfile whose context
//! is the repository, or one of its folders).

use std::collections::HashMap;
use std::path::Path;

/// Every file and folder under a scanned root that holds the whole repository.
#[derive(Default)]
pub struct Tree {
    /// Each path's last component, and the paths (relative to the root, `/`-separated) ending in it.
    by_name: HashMap<String, Vec<String>>,
}

impl Tree {
    /// The tree of `files` found walking `root`; `None` unless `root` is the top of a repository
    /// or module (a `.git`, `go.mod` or `go.work` in it): below it, a build may name a folder
    /// of the repository that was not walked.
    pub fn of(root: &Path, files: &[impl AsRef<Path>]) -> Option<Tree> {
        if !["go.mod", "go.work", ".git"].iter().any(|top| root.join(top).exists()) {
            return None;
        }
        Some(Tree::from_relative(files.iter().filter_map(|f| f.as_ref().strip_prefix(root).ok())))
    }

    /// The tree of files named relative to its root.
    fn from_relative<'p>(files: impl Iterator<Item = &'p Path>) -> Tree {
        let mut paths = std::collections::HashSet::new();
        for relative in files {
            // The file and each folder above it, up to the root.
            let mut at = Some(relative);
            while let Some(path) = at.filter(|p| !p.as_os_str().is_empty()) {
                if !paths.insert(path.to_string_lossy().replace('\\', "/")) {
                    break;
                }
                at = path.parent();
            }
        }
        let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
        for path in paths {
            let name = path.rsplit('/').next().unwrap_or(&path).to_string();
            by_name.entry(name).or_default().push(path);
        }
        Tree { by_name }
    }

    /// Whether the relative path a build names (`./cmd/app`, `netclient/main.go`, `./cmd/...`)
    /// exists below some folder of the tree: a build may run in any of them (after `cd`, in a
    /// Dockerfile that copied a folder to its WORKDIR). Paths it cannot judge (absolute ones,
    /// ones that climb out with `../`, which may leave the scanned folder, patterns of the shell)
    /// are taken to exist.
    pub fn holds_relative(&self, path: &str) -> bool {
        let mut rest = path.trim_end_matches('/');
        // `./cmd/...` names the packages under `cmd`.
        rest = rest.strip_suffix("/...").unwrap_or(rest);
        while let Some(r) = rest.strip_prefix("./") {
            rest = r.trim_start_matches('/');
        }
        if rest.starts_with("../") {
            return true;
        }
        if rest.is_empty() || matches!(rest, "." | ".." | "...") || rest.starts_with('/') {
            return true;
        }
        if rest.contains(['*', '?', '[', '\\', '$']) || rest.split('/').any(|c| c == ".." || c == "." || c.is_empty()) {
            return true;
        }
        let name = rest.rsplit('/').next().unwrap_or(rest);
        self.by_name.get(name).is_some_and(|paths| {
            paths.iter().any(|p| p == rest || p.strip_suffix(rest).is_some_and(|above| above.ends_with('/')))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> Tree {
        Tree::from_relative(files.iter().map(Path::new))
    }

    #[test]
    fn a_path_exists_below_any_folder() {
        let t = tree(&["server/cmd/app/main.go", "go.mod", "main.go"]);
        for held in ["./cmd/app", "cmd/app/main.go", "server/cmd/app", "../cmd/app", "./cmd/...", ".", "main.go", "./"]
        {
            assert!(t.holds_relative(held), "{held}");
        }
        for missing in ["netclient/main.go", "./cmd/other", "md/app", "./app/cmd", "cmd/app/other.go"] {
            assert!(!t.holds_relative(missing), "{missing}");
        }
    }

    #[test]
    fn paths_it_cannot_judge_are_taken_to_exist() {
        let t = tree(&["go.mod"]);
        for unjudged in ["/app/cmd/x", "../gone/cmd", "cmd/*.go", "cmd/$APP", "a/../b", "a//b"] {
            assert!(t.holds_relative(unjudged), "{unjudged}");
        }
    }

    #[test]
    fn only_the_top_of_a_repository_is_a_tree() {
        let root = std::env::temp_dir().join(format!("shiplint-tree-top-{}", std::process::id()));
        std::fs::create_dir_all(root.join("docker")).unwrap();
        std::fs::write(root.join("go.mod"), "module x\n").unwrap();
        let files = [root.join("docker/Dockerfile")];
        assert!(Tree::of(&root.join("docker"), &files).is_none());
        assert!(Tree::of(&root, &files).is_some_and(|t| t.holds_relative("docker")));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
