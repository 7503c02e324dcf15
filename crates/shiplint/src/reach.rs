//! How far a build definition's words reach: a file it names (`go-version-file`, a goreleaser
//! `dockerfile`) is read only inside its repository, resolved with symlinks, only when it is a
//! regular file of bounded size; anything else is noted, not read. A repository from a stranger
//! must not make shiplint read the runner's files, block on a FIFO or stream `/dev/zero`.

use crate::defs::makefile::{self, Given, Scope};
use crate::defs::text::Origins;
use crate::defs::value::Value;
use crate::rules::Defs;
use std::path::{Path, PathBuf};

/// The largest file a build definition names that is read (go.mod, `.go-version`, a Dockerfile).
const MAX_NAMED_FILE: u64 = 1 << 20;

/// Why `named` may not be read as part of `repository`, or its resolved path.
fn resolve_inside(repository: &Path, named: &Path) -> Result<std::path::PathBuf, String> {
    let real = named.canonicalize().map_err(|e| e.to_string())?;
    let root = canonical_folder(repository).map_err(|e| e.to_string())?;
    if !real.starts_with(&root) {
        return Err(format!("resolves outside the repository (to {})", real.display()));
    }
    Ok(real)
}

/// A folder resolved: a definition found walking `.` lies in the folder "", which is `.`.
fn canonical_folder(folder: &Path) -> std::io::Result<PathBuf> {
    match folder.as_os_str().is_empty() {
        true => Path::new(".").canonicalize(),
        false => folder.canonicalize(),
    }
}

/// The repository a scan root stands for: the root, or for a file named on the command line
/// (a Makefile, a Dockerfile), its folder.
pub fn repository_of(scan_root: &Path) -> &Path {
    match scan_root.is_file() {
        true => scan_root.parent().unwrap_or(Path::new("")),
        false => scan_root,
    }
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

/// The files a CI pipeline's steps read with `cat` (see `ci::cat_paths`), from the repository
/// the pipeline belongs to (the folder holding its `.github/`, else the scan's repository):
/// each small text file there, as `cat` would give it. Larger files and missing ones are left
/// out (what they give stays unknown); a file that may not be read is also noted (`notes`).
pub fn pipeline_cat_files(path: &Path, text: &str, scan_root: &Path, notes: &mut Vec<String>) -> Vec<(String, String)> {
    let root = path.ancestors().find(|a| a.ends_with(".github")).and_then(Path::parent);
    let root = root.unwrap_or_else(|| repository_of(scan_root));
    let mut files = Vec::new();
    for p in crate::defs::ci::cat_paths(text) {
        match read_inside(root, &root.join(&p)) {
            // Of a go.mod, which may be long, only the directives steps read (`go`, `toolchain`).
            Ok(Some((_, text))) if p.ends_with("go.mod") => {
                let directives = text.lines().filter(|l| l.starts_with("go ") || l.starts_with("toolchain "));
                files.push((p, directives.collect::<Vec<_>>().join("\n")));
            }
            Ok(Some((_, text))) if text.len() <= crate::defs::ci::MAX_CAT_FILE => files.push((p, text)),
            Ok(_) => {}
            Err(why) => notes.push(format!("{p} not read: {why}")),
        }
    }
    files
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

/// The most files one Makefile's includes read (a project's `make/*.mk`, a shared build
/// system's `_shared/*/*.mk`), how deep includes nest, and the most text read in all.
const MAX_INCLUDED_FILES: usize = 64;
const MAX_INCLUDE_DEPTH: usize = 4;
const MAX_INCLUDED_TEXT: usize = 4 << 20;
/// The most include lines whose names are expanded (each reads what was read so far again),
/// and the most names looked at.
const MAX_EXPANDED_INCLUDES: usize = 64;
const MAX_INCLUDE_NAMES: usize = 1024;

/// A Makefile as make reads it: each file an `include` line names (as make expands the names,
/// wildcards too) read in place after that line, so its definitions and rules are the
/// includer's, in order. Names are taken from make's working folder, the Makefile's; files
/// outside the repository, beyond the caps, or already read (a cycle) are not read, and said
/// in the notes. `None` when nothing is included.
pub fn makefile_with_includes(path: &Path, display: &str, text: &str, repository: &Path) -> Option<WithIncludes> {
    with_included(Reader::Make, path, display, text, repository)
}

/// A shell script as the shell reads it: each file of the repository it `source`s (or `.`s)
/// read in place after that command's line, so the functions and variables it defines are the
/// script's (etcd's `build.sh` sources `build_lib.sh`, which sources `test_lib.sh` for the
/// `run` wrapper its builds go through). The file is looked for by the path's literal end
/// (`"${ROOT}/hack/lib/init.sh"`, `./scripts/lib.sh`, `$(dirname "$0")/common.sh`) from the
/// sourcing file's folder up to the repository root; the same caps as make's includes apply.
pub fn script_with_sources(path: &Path, display: &str, text: &str, repository: &Path) -> Option<WithIncludes> {
    with_included(Reader::Shell, path, display, text, repository)
}

fn with_included(reader: Reader, path: &Path, display: &str, text: &str, repository: &Path) -> Option<WithIncludes> {
    let repository = repository_of(repository);
    let mut walk = IncludeWalk {
        reader,
        dir: path.parent().unwrap_or(Path::new("")).to_path_buf(),
        shown_dir: Path::new(display).parent().unwrap_or(Path::new("")).to_path_buf(),
        repository,
        read: path.canonicalize().into_iter().collect(),
        read_text: String::new(),
        origins: Origins::default(),
        expanded: 0,
        examined: 0,
        notes: Vec::new(),
        makefile_list: path.file_name().map(|n| n.to_string_lossy().into_owned()).into_iter().collect(),
    };
    let (dir, shown_dir) = (walk.dir.clone(), walk.shown_dir.clone());
    walk.splice(display, text, (&dir, &shown_dir), 0);
    (walk.read.len() > 1 || !walk.notes.is_empty()).then_some(WithIncludes {
        text: walk.read_text,
        origins: walk.origins,
        notes: walk.notes,
    })
}

/// The text make reads for a Makefile with its includes (or the shell for a script with the
/// files it sources), where each piece comes from, and what was not read.
pub struct WithIncludes {
    pub text: String,
    pub origins: Origins,
    pub notes: Vec<String>,
}

/// How a file names the files read in its place: make's `include` lines, the shell's `source`
/// and `.` commands.
#[derive(Clone, Copy)]
enum Reader {
    Make,
    Shell,
}

struct IncludeWalk<'r> {
    reader: Reader,
    /// make's working folder (for a script, its folder), and as the scan shows it.
    dir: PathBuf,
    shown_dir: PathBuf,
    repository: &'r Path,
    read: Vec<PathBuf>,
    read_text: String,
    origins: Origins,
    /// Include lines whose names were expanded, and names looked at, so far.
    expanded: usize,
    examined: usize,
    notes: Vec<String>,
    /// make's `MAKEFILE_LIST`: the files opened so far, as named from make's working folder
    /// (a shared build system includes its own parts by `$(dir $(lastword $(MAKEFILE_LIST)))`).
    makefile_list: Vec<String>,
}

impl IncludeWalk<'_> {
    /// Appends `text` (the file `shown`, in the folder `folder` on disk and as shown) to what is
    /// read, each included file after the line that includes it.
    fn splice(&mut self, shown: &str, text: &str, folder: (&Path, &Path), depth: usize) {
        let points = match self.reader {
            Reader::Make => makefile::parse(text).includes,
            Reader::Shell => crate::defs::shell::sourced_paths(text),
        };
        let (mut at, mut line) = (0, 1);
        for (include, args) in &points {
            if *include < at {
                continue;
            }
            // An include line may name its files over several lines.
            let line_end = (makefile::logical_end(text, *include) + 1).min(text.len());
            self.append(shown, text, at..line_end, line);
            line += text[at..line_end].matches('\n').count();
            at = line_end;
            let files = match self.reader {
                Reader::Make => match self.included_by_make(args) {
                    Some(files) => files,
                    None => continue,
                },
                Reader::Shell => self.sourced(args, folder).into_iter().collect(),
            };
            for (named, shown_name) in files {
                if depth >= MAX_INCLUDE_DEPTH
                    || self.read.len() > MAX_INCLUDED_FILES
                    || self.read_text.len() > MAX_INCLUDED_TEXT
                {
                    self.notes.push(format!(
                        "{}: not read (more than {MAX_INCLUDED_FILES} included files, {} MiB or \
                         {MAX_INCLUDE_DEPTH} levels)",
                        named.display(),
                        MAX_INCLUDED_TEXT >> 20
                    ));
                    return self.append(shown, text, at..text.len(), line);
                }
                let (real, included) = match read_inside(self.repository, &named) {
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
                if let Ok(relative) = named.strip_prefix(&self.dir) {
                    self.makefile_list.push(relative.to_string_lossy().into_owned());
                }
                let parent = |p: &Path| p.parent().unwrap_or(Path::new("")).to_path_buf();
                let (dir, shown_dir) = (parent(&named), parent(&shown_name));
                self.splice(&shown_name.display().to_string(), &included, (&dir, &shown_dir), depth + 1);
            }
            if self.examined > MAX_INCLUDE_NAMES {
                self.notes.push(format!("{shown}: includes past the first {MAX_INCLUDE_NAMES} names not read"));
                return self.append(shown, text, at..text.len(), line);
            }
        }
        self.append(shown, text, at..text.len(), line);
    }

    /// The files an include line's names stand for, as make expands them with what it has read
    /// so far (expanded for at most `MAX_EXPANDED_INCLUDES` lines: a file of thousands is
    /// hostile); `None` when the names are not known. Counts the names looked at.
    fn included_by_make(&mut self, args: &str) -> Option<Vec<(PathBuf, PathBuf)>> {
        let names = match args.contains('$') {
            false => args.to_string(),
            true if self.expanded < MAX_EXPANDED_INCLUDES => {
                self.expanded += 1;
                let so_far = makefile::parse(&self.read_text);
                let opened = Value::known(self.makefile_list.join(" "));
                let given = Given::new(vec![("MAKEFILE_LIST".into(), opened)], Vec::new());
                so_far.expand(&self.read_text, args, &Scope::given(None, Some(&given)), 0).as_known()?.to_string()
            }
            true => return None,
        };
        let mut files = Vec::new();
        for name in names.split_whitespace() {
            self.examined += 1;
            if self.examined > MAX_INCLUDE_NAMES {
                break;
            }
            files.extend(self.matching(name));
        }
        Some(files)
    }

    /// The repository file a `source` path names by its literal end (`lib/init.sh` of
    /// `"${ROOT}/lib/init.sh"`): the first that exists from the sourcing file's `folder` up to
    /// the repository root (a script's folder, or the root it is run from).
    fn sourced(&mut self, path: &str, folder: (&Path, &Path)) -> Option<(PathBuf, PathBuf)> {
        self.examined += 1;
        find_upward(Path::new(path), folder, self.repository, Path::is_file)
    }

    /// Appends a piece of `shown`'s text that starts at a line start, ending it with a newline.
    fn append(&mut self, shown: &str, text: &str, range: std::ops::Range<usize>, line: usize) {
        if range.is_empty() {
            return;
        }
        self.origins.push(self.read_text.len(), shown, range.start, line);
        self.read_text.push_str(&text[range]);
        if !self.read_text.ends_with('\n') {
            self.read_text.push('\n');
        }
    }

    /// The files an include name stands for, on disk and as the scan shows them: the name, or
    /// the files its wildcards match (`make/_shared/*/00_mod.mk`), in order, at most
    /// `MAX_INCLUDED_FILES`.
    fn matching(&self, name: &str) -> Vec<(PathBuf, PathBuf)> {
        let mut found = vec![PathBuf::new()];
        for part in Path::new(name).components().map(|c| c.as_os_str().to_string_lossy().into_owned()) {
            if !part.contains(['*', '?']) {
                found.iter_mut().for_each(|f| f.push(&part));
                continue;
            }
            let mut next = Vec::new();
            for folder in &found {
                let Ok(entries) = std::fs::read_dir(self.dir.join(folder)) else { continue };
                let mut names: Vec<String> = entries
                    .take(MAX_LISTED_ENTRIES)
                    .filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .filter(|n| !n.starts_with('.') && wildcard_matches(&part, n))
                    .collect();
                names.sort();
                next.extend(names.into_iter().map(|n| folder.join(n)));
            }
            found = next;
            found.truncate(MAX_INCLUDED_FILES);
        }
        found.into_iter().map(|f| (self.dir.join(&f), lexically_normal(&self.shown_dir.join(&f)))).collect()
    }
}

/// `relative` looked for from the folder `dir` (shown as `shown_dir`) up to the repository
/// root: the first that is `wanted`, on disk and as the scan shows it.
fn find_upward(
    relative: &Path,
    (dir, shown_dir): (&Path, &Path),
    repository: &Path,
    wanted: impl Fn(&Path) -> bool,
) -> Option<(PathBuf, PathBuf)> {
    let root = canonical_folder(repository).ok()?;
    let (mut dir, mut shown_dir) = (dir.to_path_buf(), shown_dir.to_path_buf());
    loop {
        let candidate = dir.join(relative);
        if wanted(&candidate) {
            return Some((candidate, lexically_normal(&shown_dir.join(relative))));
        }
        let at_root = canonical_folder(&dir).map_or(true, |d| d == root || !d.starts_with(&root));
        if at_root || !dir.pop() {
            return None;
        }
        // Above the folder the scan shows, the shown path climbs with `..`.
        if !shown_dir.pop() {
            shown_dir.push("..");
        }
    }
}

/// The most Go programs whose output one build file takes that are read, and the most files of
/// a package folder looked at for its `func main`.
const MAX_PRINTING_PROGRAMS: usize = 8;
const MAX_PACKAGE_FILES: usize = 64;

/// The Go programs of the repository a Makefile or script runs with `go run` to take what they
/// print (`LDFLAGS := $(shell go run buildscripts/gen-ldflags.go)`, `LDFLAGS=$(go run
/// ./tools/ldflags)`; see `goprog::programs_run`), each with what it prints (see
/// `goprog::printed`), and the shell scripts it runs so (`$(shell ./scripts/ldflags.sh)`; see
/// `eval::scripts_run` and `eval::script_printed`). The program is a `.go` file or a package
/// folder (its file with `func main`), the script a file; each is looked for from the build
/// file's folder up to the repository root, and read under the rules of [`read_named`].
pub fn printing_programs(
    path: &Path,
    display: &str,
    text: &str,
    scan_root: &Path,
    notes: &mut Vec<String>,
) -> Vec<crate::defs::goprog::PrintingProgram> {
    let repository = repository_of(scan_root);
    let dir = path.parent().unwrap_or(Path::new(""));
    let shown_dir = Path::new(display).parent().unwrap_or(Path::new(""));
    let mut programs: Vec<crate::defs::goprog::PrintingProgram> = Vec::new();
    // A file's text, or a note saying why it was not read.
    let mut read = |file: &Path, written: &str| match read_inside(repository, file) {
        Ok(found) => found.map(|(_, text)| text),
        Err(why) => {
            notes.push(format!("{written} not read: {why}"));
            None
        }
    };
    for written in crate::defs::goprog::programs_run(text) {
        if programs.len() >= MAX_PRINTING_PROGRAMS {
            break;
        }
        let written = written.as_str();
        let Some((file, shown)) = program_file(Path::new(written), (dir, shown_dir), repository) else { continue };
        let Some(go_text) = read(&file, written) else { continue };
        if let Some(output) = crate::defs::goprog::printed(&go_text) {
            let path = shown.display().to_string();
            programs.push(crate::defs::goprog::PrintingProgram {
                written: written.to_string(),
                script: false,
                path,
                text: go_text,
                output,
            });
        }
    }
    for run in crate::defs::eval::scripts_run(text) {
        if programs.len() >= MAX_PRINTING_PROGRAMS {
            break;
        }
        let mut words = run.split(' ');
        let script = Path::new(words.next().unwrap_or_default());
        let args: Vec<&str> = words.collect();
        let Some((file, shown)) = find_upward(script, (dir, shown_dir), repository, Path::is_file) else { continue };
        let Some(script_text) = read(&file, &script.display().to_string()) else { continue };
        if let Some(output) = crate::defs::eval::script_printed(&script_text, &args) {
            let path = shown.display().to_string();
            programs.push(crate::defs::goprog::PrintingProgram {
                written: run,
                script: true,
                path,
                text: script_text,
                output,
            });
        }
    }
    programs
}

/// The Go file `go run PROGRAM` runs, on disk and as shown: PROGRAM itself when it names a
/// `.go` file, else the file of the package folder PROGRAM that declares `func main` (the
/// first by name among the first `MAX_PACKAGE_FILES` Go files of its first `MAX_LISTED_ENTRIES`
/// entries).
fn program_file(program: &Path, folder: (&Path, &Path), repository: &Path) -> Option<(PathBuf, PathBuf)> {
    if program.extension().is_some_and(|e| e == "go") {
        return find_upward(program, folder, repository, Path::is_file);
    }
    let (dir, shown) = find_upward(program, folder, repository, Path::is_dir)?;
    // A folder outside the repository is not even listed.
    resolve_inside(repository, &dir).ok()?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .take(MAX_LISTED_ENTRIES)
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.ends_with(".go") && !name.ends_with("_test.go") && p.is_file()
        })
        .take(MAX_PACKAGE_FILES)
        .collect();
    files.sort();
    let main = files
        .into_iter()
        .find(|f| read_inside(repository, f).ok().flatten().is_some_and(|(_, text)| text.contains("func main(")))?;
    let name = main.file_name()?.to_owned();
    Some((main, shown.join(name)))
}

/// The most entries of one folder an include wildcard looks at.
const MAX_LISTED_ENTRIES: usize = 4096;

/// Whether `name` matches a make wildcard of `*` and `?`.
fn wildcard_matches(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    // Greedy with one backtracking point, the last `*`: linear for these short names.
    let (mut i, mut j, mut star) = (0, 0, None);
    while j < n.len() {
        match p.get(i) {
            Some('*') => {
                star = Some((i, j));
                i += 1;
            }
            Some(c) if *c == '?' || *c == n[j] => {
                i += 1;
                j += 1;
            }
            _ => match star {
                Some((si, sj)) => {
                    star = Some((si, sj + 1));
                    (i, j) = (si + 1, sj + 1);
                }
                None => return false,
            },
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// A path without `.` components and with `dir/..` pairs resolved, as the scan shows files.
fn lexically_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if out.file_name().is_some() => drop(out.pop()),
            c => out.push(c),
        }
    }
    out
}
