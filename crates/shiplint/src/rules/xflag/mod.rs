//! Rules about `-X importpath.name=value` in build definitions, checked against the Go source
//! of the module being built.

pub mod const_target;
pub mod non_string;
pub mod overwritten_at_init;
pub mod unknown_target;

use crate::defs::gobuild::{BuildInvocation, x_assignments};
use crate::defs::gosrc::{Decl, Module, Package};
use crate::defs::shell::{Value, Word};
use crate::defs::source::Kind;
use crate::finding::Location;
use crate::rules::{Defs, DefsFindings};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// One `-X` flag of a build definition.
pub struct XFlag<'a> {
    pub target: String,
    /// The value, holes written as their origin when shown.
    pub value: Value,
    /// Where the target is written (the `-ldflags` word when it comes from a variable), in
    /// this file or in the Go program whose output the flags are.
    pub at: Location,
    pub build: &'a BuildInvocation<'a>,
}

/// Every `-X` flag whose target is literal text, once per build command and target, from
/// whichever run of the command names it (the value may have holes: `-X version.Tag=$(git
/// describe)` still names a target; a caller's run may name targets the file alone leaves unknown).
/// Not of builds for development, tests or tooling, which stamp nothing that ships; a build
/// that stamps a version and says nothing of its purpose is taken for the release it stamps,
/// unless the project releases elsewhere (goreleaser, a release job or chain of files), beside
/// which it is a local alternative.
fn x_flags<'a>(defs: &'a Defs<'_>) -> Vec<XFlag<'a>> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    // A tool's default -X flags (goreleaser's main.version, ...) are no claim by the user.
    let claimed = |b: &&crate::defs::source::Build<'_>| !b.invocation.implicit_ldflags;
    let for_release = |b: &&crate::defs::source::Build<'_>| {
        defs.ships(b).is_some() || !defs.releases_elsewhere && !defs.built_for_other_purpose(b)
    };
    for b in defs.builds.iter().filter(claimed).filter(for_release) {
        let Some((ldflags, word)) = &b.invocation.ldflags else { continue };
        for (target, value) in x_assignments(ldflags) {
            if !seen.insert((Defs::command_of(b), target.clone())) {
                continue;
            }
            let needle = format!("{target}=");
            let printed = || defs.printed_at(word, &|text| text.find(&needle).map(|at| (at, at + target.len())));
            // In another file (a ko config's `ldflags:`), at the line that names the target.
            let elsewhere = || {
                let (path, span) = b.invocation.ldflags_lines.as_ref()?.find(&|line| line.contains(&needle))?;
                Some((path.to_string(), span))
            };
            let at = match written_at(defs, word, &target) {
                Some((start, end)) => defs.location(start, end),
                None => match elsewhere().or_else(printed) {
                    Some((path, span)) => Location::text(&path, span),
                    None => defs.location(word.start, word.end),
                },
            };
            out.push(XFlag { target, value, at, build: &b.invocation });
        }
    }
    out
}

/// Where `-X target=value` is written: in the `-ldflags` word, or in the definition of a
/// variable it expands, three levels deep at most (`LDFLAGS := -ldflags "$(LDFLAGSSTRING)"`
/// with `LDFLAGSSTRING += -X $(PKG).Version=...`), as the whole target token.
fn written_at(defs: &Defs<'_>, word: &Word, target: &str) -> Option<(usize, usize)> {
    const MAX_DEPTH: usize = 3;
    const MAX_WORDS: usize = 64;
    let name = target.rsplit('.').next()?;
    let needle = format!("{name}=");
    // The word, then the definitions of the variables it expands, level by level.
    let mut words = vec![word];
    let mut level = 0..1;
    for _ in 0..MAX_DEPTH {
        let next: Vec<&Word> = words[level.clone()]
            .iter()
            .flat_map(|w| w.variables())
            .flat_map(|v| defs.assignments.iter().filter(move |(n, _)| *n == v).map(|(_, w)| *w))
            .collect();
        let start = words.len();
        words.extend(next.into_iter().take(MAX_WORDS.saturating_sub(start)));
        level = start..words.len();
    }
    // The token as written is the target itself, or a variable-prefixed spelling of it.
    let mut expanded = None;
    for w in words {
        let Some(raw) = defs.text.get(w.start..w.end) else { continue };
        for (at, _) in raw.match_indices(&needle) {
            let start = raw[..at].rfind([' ', '\t', '"', '\'', '=']).map_or(0, |i| i + 1);
            let token = &raw[start..at + name.len()];
            let span = (w.start + start, w.start + at + name.len());
            if token == target {
                return Some(span);
            }
            if token.contains('$') && expanded.is_none() {
                expanded = Some(span);
            }
        }
    }
    expanded
}

/// Calls `f` with every `-X` flag of the file and what its target names in the file's module
/// (the module is read only when the file has `-X` flags at all).
pub fn each_target(defs: &Defs<'_>, mut f: impl FnMut(&XFlag<'_>, Target<'_>, &Module)) {
    let flags = x_flags(defs);
    if flags.is_empty() {
        return;
    }
    let Some(module) = defs.module() else { return };
    let cwd = build_folder(defs, &module);
    // An image build may compile a module it clones (`git clone .../kine && go build`): which
    // module a Dockerfile's build is, only its packages say.
    let own_module = defs.kind != Kind::Dockerfile;
    for x in &flags {
        let own_module = own_module && x.build.dir.is_none() && builds_module_packages(&module, &cwd, x.build);
        f(x, resolve(&module, &cwd, x.build, &x.target, own_module), &module);
    }
}

/// What a `-X` target names in the module.
pub enum Target<'m> {
    /// The name's declarations (several when build tags choose between files).
    /// Declared in the module, or in a dependency read from vendor/ or the module cache.
    Declared { import_path: String, package: Cow<'m, Package>, decls: Vec<Decl> },
    /// The package exists and declares no such name.
    NoSuchName { import_path: String },
    /// No package of the module has this import path.
    NoSuchPackage { import_path: String, candidates: Vec<String> },
    /// A dependency found in neither vendor/ nor the module cache, or a package shiplint cannot
    /// locate: not judged.
    Unchecked,
}

/// The module directory of a package argument (`./cmd/api`, `.`, or an import path in the
/// module), for a build run in `cwd` (a folder of the module).
fn package_dir(module: &Module, cwd: &Path, arg: &str) -> Option<PathBuf> {
    let rel = match arg {
        "." | "./" => cwd.to_path_buf(),
        a if a.starts_with("../") => return None,
        a if a.starts_with("./") => cwd.join(a.trim_start_matches("./").trim_end_matches('/')),
        a => PathBuf::from(module.package(a)?.0),
    };
    module.package_in(&rel).is_some().then_some(rel)
}

/// Whether the packages a build names are folders of the module it is read in: not a folder
/// the release generates or checks out first (goreleaser's `dir: _build`, filled by a code
/// generator), whose imports go.mod does not list.
fn builds_module_packages(module: &Module, cwd: &Path, build: &BuildInvocation<'_>) -> bool {
    let folder_of_module = |arg: &str| match arg.strip_suffix("/...") {
        Some(_) => true,
        None => arg.ends_with(".go") || !arg.starts_with('.') || package_dir(module, cwd, arg).is_some(),
    };
    match build.packages.as_slice() {
        [] => folder_of_module("."),
        packages => packages.iter().filter_map(|(p, _)| p.as_known()).all(folder_of_module),
    }
}

/// The one main package folder at or below `folder` (`./cmd/app` of `./cmd/app/...`, relative
/// to `cwd`); `None` when there are none or several (each would get the `-X`), or the folder is
/// not in the module.
fn single_main_under(module: &Module, cwd: &Path, folder: &str) -> Option<PathBuf> {
    let base = match folder {
        "." | "" => cwd.to_path_buf(),
        f if f.starts_with("./") => cwd.join(f.trim_start_matches("./")),
        _ => return None,
    };
    let mut mains = module.main_package_folders().filter(|dir| dir.starts_with(&base));
    match (mains.next(), mains.next()) {
        (Some(dir), None) => Some(dir.to_path_buf()),
        _ => None,
    }
}

/// The module folder a file's builds run in: a Makefile's own folder (make runs there) or a
/// goreleaser config's (its `main:` and `dir:` are relative to it); the module root for others
/// (scripts and CI steps run from the repository root, a Dockerfile in its WORKDIR).
fn build_folder(defs: &Defs<'_>, module: &Module) -> PathBuf {
    match defs.kind {
        Kind::Makefile | Kind::Goreleaser => defs.folder_in(module),
        _ => PathBuf::new(),
    }
}

/// Resolves `target` (`importpath.name`) for the packages `build` compiles in `cwd`; where
/// `own_module`, the build is known to be of `module` (not a module it fetched or changed
/// folder into), so a path no module of its build holds is reported.
fn resolve<'m>(
    module: &'m Module,
    cwd: &Path,
    build: &BuildInvocation<'_>,
    target: &str,
    own_module: bool,
) -> Target<'m> {
    let Some((import_path, name)) = target.rsplit_once('.') else { return Target::Unchecked };
    // `${PKG}/pkg/buildinfo` with PKG from the caller: the path is not known.
    if import_path.is_empty() || import_path.starts_with('/') || import_path.contains("//") {
        return Target::Unchecked;
    }
    let found = |import_path: String, package: Cow<'m, Package>| {
        let decls: Vec<Decl> = package.decls.iter().filter(|d| d.name == name).cloned().collect();
        if decls.is_empty() {
            Target::NoSuchName { import_path }
        } else {
            Target::Declared { import_path, package, decls }
        }
    };
    if import_path == "main" {
        // `main.x` names the main package being built, not any package called main.
        let args: Vec<&str> = match build.packages.as_slice() {
            [] => vec!["."],
            ps => ps.iter().filter_map(|(v, _)| v.as_known()).collect(),
        };
        // `go build ./cmd/app/main.go`: package main is the files listed, not their folder.
        let all_known = args.len() == build.packages.len();
        if all_known && !args.is_empty() && args.iter().all(|a| a.ends_with(".go")) {
            return files_package(module, cwd, &args).map_or(Target::Unchecked, |package| {
                found(format!("main (the files {})", args.join(" ")), Cow::Owned(package))
            });
        }
        let [arg] = args.as_slice() else { return Target::Unchecked };
        let dir = match arg.strip_suffix("/...") {
            // `./cmd/app/...`: the main package the pattern matches, when it matches one.
            Some(folder) => single_main_under(module, cwd, folder),
            None => package_dir(module, cwd, arg),
        };
        let Some(dir) = dir else { return Target::Unchecked };
        let Some(package) = module.package_in(&dir) else { return Target::Unchecked };
        if package.name != "main" {
            return Target::Unchecked;
        }
        return found(format!("main (the package in {})", display_dir(&dir)), Cow::Borrowed(package));
    }
    if let Some((_, package)) = module.package(import_path) {
        return found(import_path.to_string(), Cow::Borrowed(package));
    }
    // A nested module the go.mod replaces with one of its folders holds its own packages.
    if module.locally_replaced_dir(import_path).is_some() {
        return match module.dependency(import_path) {
            Some(package) => found(import_path.to_string(), Cow::Owned(package)),
            None => Target::Unchecked,
        };
    }
    let first = import_path.split('/').next().unwrap_or("");
    let inside_module = module.holds(import_path);
    // A path in no module the build uses (`.../app/internal/version` for module `.../app/v2`);
    // only a well-formed path is judged (not one a quoting this reader got wrong left `\` in).
    let well_formed = import_path.chars().all(|c| c.is_ascii_alphanumeric() || "-._~/+".contains(c));
    let outside =
        own_module && first.contains('.') && well_formed && module.outside_the_build(import_path) == Some(true);
    if inside_module || outside || !first.contains('.') && !is_standard_library(import_path) {
        let last = import_path.rsplit('/').next().unwrap_or(import_path);
        return Target::NoSuchPackage {
            import_path: import_path.to_string(),
            candidates: module.candidates(last, name),
        };
    }
    match module.dependency(import_path) {
        Some(package) => found(import_path.to_string(), Cow::Owned(package)),
        None => Target::Unchecked,
    }
}

/// The main package `go build` makes of the `.go` files `files` (one folder's, in `cwd`): their
/// folder's package, with only the declarations and `init()` assignments of those files.
fn files_package(module: &Module, cwd: &Path, files: &[&str]) -> Option<Package> {
    let mut folder = None;
    let mut names = Vec::new();
    for file in files {
        let path = Path::new(file);
        let parent = path.parent().and_then(Path::to_str).filter(|p| !p.is_empty()).unwrap_or(".");
        let arg = match parent.starts_with('.') || parent.starts_with('/') {
            true => parent.to_string(),
            false => format!("./{parent}"),
        };
        let dir = package_dir(module, cwd, &arg)?;
        if folder.get_or_insert_with(|| dir.clone()) != &dir {
            return None;
        }
        names.push(path.file_name()?);
    }
    let package = module.package_in(&folder?).filter(|p| p.name == "main")?;
    // A pattern the shell expands (`cmd/app/*.go`) lists the folder's files.
    if names.iter().any(|n| n.to_str().is_none_or(|n| n.contains(['*', '?', '[']))) {
        return Some(package.clone());
    }
    let listed = |file: &Path| file.file_name().is_some_and(|n| names.contains(&n));
    Some(Package {
        name: package.name.clone(),
        decls: package.decls.iter().filter(|d| listed(&d.file)).cloned().collect(),
        init_assigned: package.init_assigned.iter().filter(|(_, file, _)| listed(file)).cloned().collect(),
    })
}

fn display_dir(dir: &Path) -> String {
    if dir.as_os_str().is_empty() { ".".into() } else { format!("./{}", dir.display()) }
}

/// Standard-library packages people aim `-X` at (`runtime.buildVersion` and the like).
fn is_standard_library(import_path: &str) -> bool {
    matches!(
        import_path.split('/').next(),
        Some("runtime" | "internal" | "cmd" | "os" | "net" | "crypto" | "encoding" | "runtime/debug")
    )
}
