//! Go source, read just enough to resolve `-X importpath.name=value`: the module path from
//! go.mod, and each package's top-level `const` and `var` declarations (their type, whether their
//! initialiser is a plain string, and where they are), plus assignments in `init()`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The newest Go minor release this reader knows of (Go 1.27); shiplint's `newest-go` overrides it.
pub const NEWEST_GO_MINOR: u32 = 27;

/// How a package-level name is declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeclKind {
    Const,
    Var {
        /// The declared type, if written (`var V string`, `var V MyStr`).
        type_name: Option<String>,
        /// The initialiser is absent or only string literals: `-X` works.
        plain: bool,
        /// The initialiser's text when it is not plain (a call, an identifier, ...).
        initialiser: Option<String>,
    },
}

#[derive(Clone, Debug)]
pub struct Decl {
    pub name: String,
    pub kind: DeclKind,
    pub file: PathBuf,
    /// Byte offset of the `const`/`var` keyword, and whether the spec sits in a `( ... )` block.
    pub keyword_at: usize,
    pub in_block: bool,
    pub line: usize,
}

/// One package: its name, declarations, and names assigned unconditionally in `init()`.
#[derive(Clone, Debug, Default)]
pub struct Package {
    pub name: String,
    pub decls: Vec<Decl>,
    pub init_assigned: Vec<(String, PathBuf, usize)>,
}

/// A module: its path (from go.mod) and packages by directory relative to the module root.
#[derive(Debug, Default)]
pub struct Module {
    pub root: PathBuf,
    pub path: String,
    pub packages: HashMap<PathBuf, Package>,
    /// go.mod's `require` lines: (module path, version).
    pub requires: Vec<(String, String)>,
    /// go.mod's `replace` lines with a folder inside this module (`=> ./syntax`): (module
    /// path, folder). A folder outside it (`../x`) is not read.
    pub local_replacements: Vec<(String, String)>,
    /// go.mod's `go` line lists every module the build uses (`go 1.17` or later) and no go.work
    /// beside it adds others.
    pub lists_every_module: bool,
}

/// Modules read during one scan, shared by every build definition in them.
#[derive(Default)]
pub struct ModuleCache {
    modules: Mutex<HashMap<PathBuf, Option<Arc<Module>>>>,
}

impl ModuleCache {
    /// The module a file belongs to (read on first use), if it is inside one whose go.mod lies
    /// within `scan_root` (the path named on the command line).
    pub fn for_file(&self, file: &Path, scan_root: Option<&Path>) -> Option<Arc<Module>> {
        let root = module_root_of(file, scan_root)?;
        let mut modules = self.modules.lock().unwrap_or_else(|e| e.into_inner());
        modules.entry(root.clone()).or_insert_with(|| Module::load(&root).map(Arc::new)).clone()
    }
}

/// The nearest go.mod at or above `dir`, not above `ceiling` (both canonical): a scan never
/// reads a go.mod outside the tree it was given.
pub fn find_module_root(dir: &Path, ceiling: &Path) -> Option<PathBuf> {
    dir.ancestors().take_while(|d| d.starts_with(ceiling)).find(|d| d.join("go.mod").is_file()).map(Path::to_path_buf)
}

/// The root of the module a file sits in, looked for no higher than `scan_root` (the folder
/// named on the command line, or the folder of a file named there; the file's own folder when
/// there is none).
pub fn module_root_of(file: &Path, scan_root: Option<&Path>) -> Option<PathBuf> {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let dir = dir.canonicalize().ok()?;
    let ceiling = match scan_root.map(|r| if r.as_os_str().is_empty() { Path::new(".") } else { r }) {
        Some(r) => r
            .canonicalize()
            .ok()
            .map(|c| if c.is_file() { c.parent().map(Path::to_path_buf).unwrap_or(c) } else { c })?,
        None => dir.clone(),
    };
    find_module_root(&dir, &ceiling)
}

/// `module example.com/app` from go.mod text.
pub fn module_path(go_mod: &str) -> Option<String> {
    go_mod.lines().find_map(|l| {
        let line = l.split("//").next().unwrap_or("");
        let rest = line.trim().strip_prefix("module")?;
        let path = rest.split_whitespace().next()?.trim_matches('"');
        (!path.is_empty() && rest.starts_with([' ', '\t', '"'])).then(|| path.to_string())
    })
}

/// The value of a one-word go.mod directive such as `go 1.22.5` or `toolchain go1.23.4`.
pub fn go_mod_directive<'t>(go_mod: &'t str, keyword: &str) -> Option<&'t str> {
    go_mod.lines().find_map(|l| {
        let mut words = l.split("//").next().unwrap_or("").split_whitespace();
        (words.next()? == keyword).then(|| words.next()).flatten()
    })
}

/// The words of each `keyword` directive of a go.mod, after the keyword: single lines
/// (`require a v1`) and the lines of blocks (`require (` ... `)`), comments cut.
fn directives<'t>(go_mod: &'t str, keyword: &str) -> Vec<Vec<&'t str>> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in go_mod.lines() {
        let words: Vec<&str> = line.split("//").next().unwrap_or("").split_whitespace().collect();
        match words.as_slice() {
            [k, "("] if *k == keyword => in_block = true,
            [")"] => in_block = false,
            [k, rest @ ..] if *k == keyword => out.push(rest.to_vec()),
            rest if in_block => out.push(rest.to_vec()),
            _ => {}
        }
    }
    out
}

/// The `require` lines of a go.mod (single and in blocks): (module path, version).
pub fn requirements(go_mod: &str) -> Vec<(String, String)> {
    directives(go_mod, "require")
        .into_iter()
        .filter_map(|words| match words.as_slice() {
            [path, version, ..] => Some((path.to_string(), version.to_string())),
            _ => None,
        })
        .collect()
}

/// go.mod's `replace` directives whose target is a folder inside the module (`./syntax`):
/// (module path, folder). Other targets (a version, `../x`) are left out.
pub fn local_replacements(go_mod: &str) -> Vec<(String, String)> {
    directives(go_mod, "replace")
        .into_iter()
        .filter_map(|words| {
            let (module, target) = match words.as_slice() {
                [module, "=>", target] | [module, _, "=>", target] => (*module, *target),
                _ => return None,
            };
            let inside = target.starts_with("./") && !target.split('/').any(|p| p == "..");
            inside.then(|| (module.to_string(), target.trim_start_matches("./").to_string()))
        })
        .collect()
}

/// Of `(module path, value)` pairs, the one whose module path is the longest prefix of
/// `import_path` (the module that holds it).
fn holding_module<'p>(pairs: &'p [(String, String)], import_path: &str) -> Option<&'p (String, String)> {
    pairs.iter().filter(|(m, _)| path_in_module(import_path, m).is_some()).max_by_key(|(m, _)| m.len())
}

/// A Go 1 release as (minor, patch) from `1.22`, `1.22.5`, `go1.23.4` or `1.22rc1` (a pre-release
/// counts as its `.0`); patch is `None` when only `1.N` is written. Not Go 1: `None`.
pub fn go_release(version: &str) -> Option<(u32, Option<u32>)> {
    let rest = version.trim().strip_prefix("go").unwrap_or(version.trim()).strip_prefix("1.")?;
    let number = |s: &str| -> Option<u32> {
        let digits: &str = &s[..s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len())];
        digits.parse().ok()
    };
    let mut parts = rest.splitn(2, '.');
    let minor_part = parts.next()?;
    let minor = number(minor_part)?;
    let prerelease = minor_part.len() > minor.to_string().len();
    let patch = match parts.next() {
        Some(p) => Some(number(p)?),
        None if prerelease => Some(0),
        None => None,
    };
    Some((minor, patch))
}

/// The newest Go release a module's go.mod asks for (its `go` or `toolchain` line), as
/// `(minor, patch, as written)`; `None` without go.mod or a readable `go` line.
pub fn required_go(module_root: &Path) -> Option<(u32, u32, String)> {
    let go_mod = read_go_text(&module_root.join("go.mod"))?;
    let go = go_mod_directive(&go_mod, "go").map(|v| (v, format!("go {v}")));
    let toolchain = go_mod_directive(&go_mod, "toolchain").map(|v| (v, format!("toolchain {v}")));
    [go, toolchain]
        .into_iter()
        .flatten()
        .filter_map(|(v, written)| go_release(v).map(|(minor, patch)| (minor, patch.unwrap_or(0), written)))
        .max_by_key(|(minor, patch, _)| (*minor, *patch))
}

/// Files larger than this are not hand-written Go declarations worth reading.
const MAX_GO_FILE: u64 = 2 << 20;
/// The most Go files read for one module.
const MAX_GO_FILES: usize = 20_000;

/// A go.mod or Go file's text: a regular file of at most `MAX_GO_FILE` bytes, read with that
/// hard limit (a FIFO or `/dev/zero` named go.mod is not read), in UTF-8.
fn read_go_text(path: &Path) -> Option<String> {
    String::from_utf8(shiplint_archive::read_regular(path, MAX_GO_FILE).ok()?).ok()
}

impl Module {
    /// Reads the module at `root` (vendor/, testdata/, hidden folders and _test.go skipped).
    pub fn load(root: &Path) -> Option<Module> {
        let go_mod = read_go_text(&root.join("go.mod"))?;
        let go_minor = go_mod_directive(&go_mod, "go").and_then(go_release).map(|(minor, _)| minor);
        let mut module = Module {
            root: root.to_path_buf(),
            path: module_path(&go_mod)?,
            packages: HashMap::new(),
            requires: requirements(&go_mod),
            local_replacements: local_replacements(&go_mod),
            lists_every_module: go_minor.is_some_and(|m| m >= 17) && !root.join("go.work").exists(),
        };
        // No ignore files: the go command reads none, and they are a stranger's to make FIFOs of.
        let walker = ignore::WalkBuilder::new(root)
            .standard_filters(false)
            .hidden(true)
            .filter_entry(|e| !matches!(e.file_name().to_str(), Some("vendor" | "testdata" | "node_modules")))
            .build();
        let mut count = 0;
        for entry in walker.flatten() {
            let p = entry.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !name.ends_with(".go") || name.ends_with("_test.go") || !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            // A nested module is not part of this one.
            let dir = p.parent().unwrap_or(root);
            if dir != root && find_module_root(dir, root).as_deref() != Some(root) {
                continue;
            }
            count += 1;
            if count > MAX_GO_FILES {
                continue;
            }
            let Some(text) = read_go_text(p) else { continue };
            let rel = dir.strip_prefix(root).unwrap_or(Path::new("")).to_path_buf();
            let pkg = module.packages.entry(rel).or_default();
            scan_file(&text, p, pkg);
        }
        Some(module)
    }

    /// A dependency's package, read from vendor/ or else the module cache (`GOMODCACHE`,
    /// `GOPATH/pkg/mod`, `~/go/pkg/mod`) at the version go.mod requires; `None` when neither has
    /// it (then nothing can be said about it).
    pub fn dependency(&self, import_path: &str) -> Option<Package> {
        if import_path.split('/').any(|p| p.is_empty() || p == "." || p == "..") {
            return None;
        }
        let vendored = self.root.join("vendor").join(import_path);
        let dir = match self.locally_replaced_dir(import_path) {
            Some(local) => local,
            None if vendored.is_dir() => vendored,
            None => self.module_cache_dir(import_path)?,
        };
        let mut package = Package::default();
        let mut read = 0;
        for entry in std::fs::read_dir(&dir).ok()?.flatten().take(MAX_GO_FILES) {
            let p = entry.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !name.ends_with(".go") || name.ends_with("_test.go") {
                continue;
            }
            if let Some(text) = read_go_text(&p) {
                scan_file(&text, &p, &mut package);
                read += 1;
            }
        }
        (read > 0).then_some(package)
    }

    /// The folder of `import_path` in a module go.mod replaces with a folder of this one (a
    /// nested module of a monorepo, `replace example.com/app/syntax => ./syntax`).
    pub fn locally_replaced_dir(&self, import_path: &str) -> Option<PathBuf> {
        let (module, folder) = holding_module(&self.local_replacements, import_path)?;
        let rest = import_path[module.len()..].trim_start_matches('/');
        let dir = self.root.join(folder).join(rest);
        dir.is_dir().then_some(dir)
    }

    /// The module cache folder of `import_path`: the required module whose path is its longest
    /// prefix, at the required version (paths escaped as the cache writes them).
    fn module_cache_dir(&self, import_path: &str) -> Option<PathBuf> {
        let (module, version) = self.required_module_of(import_path)?;
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let cache = match (std::env::var_os("GOMODCACHE"), std::env::var_os("GOPATH")) {
            (Some(c), _) if !c.is_empty() => PathBuf::from(c),
            (_, Some(g)) if !g.is_empty() => std::env::split_paths(&g).next()?.join("pkg/mod"),
            _ => home?.join("go/pkg/mod"),
        };
        let escape = |s: &str| {
            s.chars()
                .map(|c| if c.is_ascii_uppercase() { format!("!{}", c.to_ascii_lowercase()) } else { c.to_string() })
                .collect::<String>()
        };
        let rest = import_path[module.len()..].trim_start_matches('/');
        let dir = cache.join(format!("{}@{}", escape(module), escape(version))).join(rest);
        dir.is_dir().then_some(dir)
    }

    /// Whether no module of the build can hold `import_path`: go.mod (at `go 1.17` or later,
    /// which lists every module the build uses) requires none whose path is a prefix of it, and
    /// no go.work adds other modules. `None` where that cannot be known.
    pub fn outside_the_build(&self, import_path: &str) -> Option<bool> {
        self.lists_every_module.then(|| self.required_module_of(import_path).is_none())
    }

    /// The required module whose path is the longest prefix of `import_path`, with its version.
    fn required_module_of(&self, import_path: &str) -> Option<&(String, String)> {
        holding_module(&self.requires, import_path)
    }

    /// Whether `import_path` is this module's root or a path below it.
    pub fn holds(&self, import_path: &str) -> bool {
        path_in_module(import_path, &self.path).is_some()
    }

    /// The package an import path names, if it is inside this module.
    pub fn package(&self, import_path: &str) -> Option<(&Path, &Package)> {
        let rel = path_in_module(import_path, &self.path)?;
        self.packages.get_key_value(Path::new(rel)).map(|(k, v)| (k.as_path(), v))
    }

    /// Import paths of packages in this module that declare `name` and whose last element is `last`.
    pub fn candidates(&self, last: &str, name: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .packages
            .iter()
            .filter(|(dir, pkg)| {
                dir.file_name().and_then(|n| n.to_str()) == Some(last) && pkg.decls.iter().any(|d| d.name == name)
            })
            .map(|(dir, _)| format!("{}/{}", self.path, dir.display()))
            .collect();
        out.sort();
        out
    }
}

/// Where `import_path` lies inside the module `module` (`""` at its root, `cmd/app` for
/// `module/cmd/app`); `None` when the module does not hold it (`module2/x` is not in `module`).
fn path_in_module<'p>(import_path: &'p str, module: &str) -> Option<&'p str> {
    match import_path.strip_prefix(module)? {
        "" => Some(""),
        rest => rest.strip_prefix('/'),
    }
}

/// A Go token: identifiers, literals and punctuation, with byte offsets. Comments are dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok<'a> {
    Ident(&'a str),
    Str,
    Other(&'a str),
    Newline,
}

fn tokens(text: &str) -> Vec<(Tok<'_>, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        match c {
            b'\n' => {
                out.push((Tok::Newline, i));
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
                if text[i..end].contains('\n') {
                    out.push((Tok::Newline, i));
                }
                i = end;
            }
            b'"' | b'\'' => {
                i += 1;
                while i < b.len() && b[i] != c && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                out.push((if c == b'"' { Tok::Str } else { Tok::Other("'") }, start));
            }
            b'`' => {
                i = text[i + 1..].find('`').map_or(b.len(), |n| i + 1 + n + 1);
                out.push((Tok::Str, start));
            }
            _ if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80) {
                    i += 1;
                }
                out.push((Tok::Ident(&text[start..i]), start));
            }
            _ if c.is_ascii_digit() => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                    i += 1;
                }
                out.push((Tok::Other("0"), start));
            }
            _ => {
                // Two-character operators that matter: `:=`, `==`, `!=`, `<=`, `>=`.
                let two = text.get(i..i + 2).unwrap_or("");
                let len =
                    if [":=", "==", "!=", "<=", ">=", "+=", "-=", "|=", "&&", "||"].contains(&two) { 2 } else { 1 };
                let len = if text.is_char_boundary(i + len) { len } else { 1 };
                out.push((Tok::Other(&text[i..(i + len).min(text.len())]), start));
                i += len;
            }
        }
    }
    out
}

/// Where a file's lines start, to number them without rescanning the file for each (a generated
/// file declares thousands of constants).
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        Lines(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i).collect())
    }

    /// The 1-based line of byte `at`.
    fn of(&self, at: usize) -> usize {
        self.0.partition_point(|&newline| newline < at) + 1
    }
}

/// Reads one file's package clause, top-level const/var specs and init() assignments.
pub fn scan_file(text: &str, path: &Path, pkg: &mut Package) {
    // `//go:build ignore` files are never built.
    if text.lines().take_while(|l| !l.starts_with("package")).any(|l| l.trim() == "//go:build ignore") {
        return;
    }
    let toks = tokens(text);
    let lines = Lines::new(text);
    let mut depth = 0i32;
    let mut i = 0;
    while i < toks.len() {
        let (tok, at) = &toks[i];
        match tok {
            Tok::Other("{" | "(" | "[") => depth += 1,
            Tok::Other("}" | ")" | "]") => depth -= 1,
            Tok::Ident("package") if depth == 0 => {
                if let Some((Tok::Ident(name), _)) = toks.get(i + 1) {
                    pkg.name = name.to_string();
                }
            }
            Tok::Ident(kw @ ("const" | "var")) if depth == 0 => {
                let is_const = *kw == "const";
                let in_block = matches!(toks.get(i + 1), Some((Tok::Other("("), _)));
                i = read_specs(text, &lines, &toks, i + 1, is_const, in_block, *at, path, pkg);
                continue;
            }
            Tok::Ident("func") if depth == 0 => {
                if let (Some((Tok::Ident("init"), _)), Some((Tok::Other("("), _))) = (toks.get(i + 1), toks.get(i + 2))
                {
                    i = read_init(&lines, &toks, i + 3, path, pkg);
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// Reads `const`/`var` specs starting at token `i` (after the keyword); returns the next index.
#[allow(clippy::too_many_arguments)]
fn read_specs(
    text: &str,
    lines: &Lines,
    toks: &[(Tok<'_>, usize)],
    mut i: usize,
    is_const: bool,
    in_block: bool,
    keyword_at: usize,
    path: &Path,
    pkg: &mut Package,
) -> usize {
    if in_block {
        i += 1;
    }
    loop {
        while matches!(toks.get(i), Some((Tok::Newline | Tok::Other(";"), _))) {
            i += 1;
        }
        match toks.get(i) {
            None => return i,
            Some((Tok::Other(")"), _)) if in_block => return i + 1,
            _ => {}
        }
        // Names: ident {, ident}
        let mut names = Vec::new();
        while let Some((Tok::Ident(n), at)) = toks.get(i) {
            names.push((n.to_string(), *at));
            i += 1;
            if matches!(toks.get(i), Some((Tok::Other(","), _))) {
                i += 1;
            } else {
                break;
            }
        }
        // Optional type: tokens up to `=` or the end of the spec.
        let type_start = i;
        let mut depth = 0;
        while let Some((t, _)) = toks.get(i) {
            match t {
                Tok::Other("=") if depth == 0 => break,
                Tok::Newline | Tok::Other(";") if depth == 0 => break,
                Tok::Other(")") if depth == 0 && in_block => break,
                Tok::Other("(" | "[" | "{") => depth += 1,
                Tok::Other(")" | "]" | "}") => depth -= 1,
                _ => {}
            }
            i += 1;
        }
        // Up to the next token, less a comment after the type (no type contains `//` or `/*`).
        let type_text = match (toks.get(type_start), toks.get(i)) {
            (Some((_, s)), Some((_, e))) if i > type_start => Some(&text[*s..*e]),
            (Some((_, s)), None) if i > type_start => Some(&text[*s..]),
            _ => None,
        };
        let type_text = type_text.map(|t| {
            let comment = [t.find("//"), t.find("/*")].into_iter().flatten().min().unwrap_or(t.len());
            t[..comment].trim().to_string()
        });
        // Initialiser: after `=` to the end of the spec.
        let mut plain = true;
        let mut init_text = None;
        if matches!(toks.get(i), Some((Tok::Other("="), _))) {
            i += 1;
            let init_start = toks.get(i).map(|(_, a)| *a);
            let mut depth = 0;
            let mut only_strings = true;
            let mut expect_operand = true;
            while let Some((t, _)) = toks.get(i) {
                match t {
                    Tok::Newline | Tok::Other(";") if depth == 0 && !expect_operand => break,
                    Tok::Other(")") if depth == 0 && in_block => break,
                    Tok::Other("(" | "[" | "{") => {
                        depth += 1;
                        only_strings = false;
                    }
                    // A closed call or composite literal is a whole operand (`[]string{"a",\n}`).
                    Tok::Other(")" | "]" | "}") => {
                        depth -= 1;
                        expect_operand = false;
                    }
                    Tok::Str => expect_operand = false,
                    Tok::Other("+") | Tok::Other(",") => expect_operand = true,
                    Tok::Newline => {}
                    _ => {
                        only_strings = false;
                        expect_operand = false;
                    }
                }
                i += 1;
            }
            plain = only_strings;
            if let (Some(s), Some((_, e))) = (init_start, toks.get(i).or(toks.last())) {
                init_text = Some(text[s..(*e).max(s)].trim().to_string());
            }
        }
        for (name, at) in names {
            let kind = if is_const {
                DeclKind::Const
            } else {
                DeclKind::Var {
                    type_name: type_text.clone(),
                    plain,
                    initialiser: (!plain).then(|| init_text.clone().unwrap_or_default()),
                }
            };
            pkg.decls.push(Decl { name, kind, file: path.to_path_buf(), keyword_at, in_block, line: lines.of(at) });
        }
        if !in_block {
            return i;
        }
    }
}

/// Reads an `init()` body from token `i` (just after `init(`); records `Name = ...` statements
/// at the body's top level (an assignment inside an `if` is a guarded default, not an overwrite;
/// one whose value reads the name, `V = strings.TrimSpace(V)`, keeps what `-X` set, and so
/// does one after `if V != "" { return }`).
fn read_init(lines: &Lines, toks: &[(Tok<'_>, usize)], mut i: usize, path: &Path, pkg: &mut Package) -> usize {
    while i < toks.len() && !matches!(toks[i].0, Tok::Other("{")) {
        i += 1;
    }
    let mut depth = 0;
    let mut at_statement_start = true;
    // A top-level `if` being read: the names its condition reads, and whether its body returns.
    // After `if Version != "" { return }`, what init assigns to Version only fills it in.
    let mut condition: Option<Vec<&str>> = None;
    let mut body_returns = false;
    let mut guarded: Vec<&str> = Vec::new();
    while let Some((t, at)) = toks.get(i) {
        match t {
            Tok::Other("{") => {
                depth += 1;
                at_statement_start = true;
            }
            Tok::Other("}") => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
                if depth == 1 {
                    if let Some(names) = condition.take().filter(|_| body_returns) {
                        guarded.extend(names);
                    }
                    body_returns = false;
                }
                at_statement_start = true;
            }
            Tok::Newline | Tok::Other(";") => at_statement_start = true,
            Tok::Ident("if") if depth == 1 && at_statement_start => {
                condition = Some(Vec::new());
                at_statement_start = false;
            }
            Tok::Ident("return") if depth > 1 && condition.is_some() => body_returns = true,
            Tok::Ident(name) if depth == 1 && !at_statement_start => {
                if let Some(names) = condition.as_mut() {
                    names.push(name);
                }
            }
            Tok::Ident(name) if depth == 1 && at_statement_start => {
                if matches!(toks.get(i + 1), Some((Tok::Other("="), _))) && !guarded.contains(name) {
                    let value = toks[i + 2..].iter().take_while(|(t, _)| !matches!(t, Tok::Newline | Tok::Other(";")));
                    if !value.into_iter().any(|(t, _)| matches!(t, Tok::Ident(n) if n == name)) {
                        pkg.init_assigned.push((name.to_string(), path.to_path_buf(), lines.of(*at)));
                    }
                }
                at_statement_start = false;
            }
            _ => at_statement_start = false,
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_paths_inside_a_module() {
        assert_eq!(path_in_module("a.com/m", "a.com/m"), Some(""));
        assert_eq!(path_in_module("a.com/m/cmd/app", "a.com/m"), Some("cmd/app"));
        assert_eq!(path_in_module("a.com/m2/x", "a.com/m"), None);
        assert_eq!(path_in_module("a.com", "a.com/m"), None);
    }

    #[test]
    fn replacements_by_folders_inside_the_module() {
        let go_mod = "module a\n\nreplace a/syntax => ./syntax\nreplace (\n\ta/b v1.0.0 => ./third/b // fork\n\ta/c => ../c\n\ta/d => example.com/d v1.2.0\n\ta/e => ./x/../../e\n)\n";
        let pair = |m: &str, f: &str| (m.to_string(), f.to_string());
        assert_eq!(local_replacements(go_mod), [pair("a/syntax", "syntax"), pair("a/b", "third/b")]);
    }

    #[test]
    fn require_lines() {
        let go_mod = "module a\n\nrequire example.com/one v1.0.0\nrequire (\n\texample.com/two v0.2.0 // indirect\n\n)\nreplace x => y\n";
        assert_eq!(
            requirements(go_mod),
            [
                ("example.com/one".to_string(), "v1.0.0".to_string()),
                ("example.com/two".to_string(), "v0.2.0".to_string())
            ]
        );
    }

    #[test]
    fn go_mod_versions() {
        let go_mod = "module example.com/app // app\n\ngo 1.22.5\ntoolchain go1.23.4 // pinned\n";
        assert_eq!(go_mod_directive(go_mod, "go"), Some("1.22.5"));
        assert_eq!(go_mod_directive(go_mod, "toolchain"), Some("go1.23.4"));
        assert_eq!(go_mod_directive("module m\n// go 1.30\n", "go"), None);
        assert_eq!(go_release("1.22"), Some((22, None)));
        assert_eq!(go_release("1.22.5"), Some((22, Some(5))));
        assert_eq!(go_release("go1.23.4"), Some((23, Some(4))));
        assert_eq!(go_release("1.22rc1"), Some((22, Some(0))));
        assert_eq!(go_release("alpine"), None);
        assert_eq!(go_release("2.0"), None);
        assert_eq!(go_release("1.x"), None);
    }

    const SRC: &str = r#"// Package version holds build metadata.
package version

import "runtime/debug"

const Version = "dev"

var (
	Commit    = "none"
	Date, Tag string
	Built     = defaultBuilt()
	Count     int
	Note      string // set by the linker
	Name      = "a" +
		"b"
	Images = []string{
		"a",
	}
	Last string
)

type MyStr string

var Label MyStr = "x"

func defaultBuilt() string { return "unknown" }

func init() {
	if Last != "" {
		return
	}
	Last = "dev"
	Tag = computeTag()
	Date = strings.TrimSpace(Date)
	if Commit == "none" {
		if info, ok := debug.ReadBuildInfo(); ok {
			Commit = info.Main.Version
		}
	}
}
"#;

    #[test]
    fn declarations_and_init() {
        let mut pkg = Package::default();
        scan_file(SRC, Path::new("v.go"), &mut pkg);
        assert_eq!(pkg.name, "version");
        let kind = |n: &str| pkg.decls.iter().find(|d| d.name == n).map(|d| d.kind.clone());
        assert_eq!(kind("Version"), Some(DeclKind::Const));
        assert_eq!(kind("Commit"), Some(DeclKind::Var { type_name: None, plain: true, initialiser: None }));
        assert_eq!(
            kind("Date"),
            Some(DeclKind::Var { type_name: Some("string".into()), plain: true, initialiser: None })
        );
        assert_eq!(
            kind("Built"),
            Some(DeclKind::Var { type_name: None, plain: false, initialiser: Some("defaultBuilt()".into()) })
        );
        assert_eq!(
            kind("Count"),
            Some(DeclKind::Var { type_name: Some("int".into()), plain: true, initialiser: None })
        );
        assert_eq!(kind("Name"), Some(DeclKind::Var { type_name: None, plain: true, initialiser: None }));
        // A comment after the type is not part of it.
        assert_eq!(
            kind("Note"),
            Some(DeclKind::Var { type_name: Some("string".into()), plain: true, initialiser: None })
        );
        assert!(matches!(kind("Label"), Some(DeclKind::Var { type_name: Some(t), .. }) if t == "MyStr"));
        // A composite literal ending in a comma ends its spec: the next one is read.
        assert_eq!(
            kind("Last"),
            Some(DeclKind::Var { type_name: Some("string".into()), plain: true, initialiser: None })
        );
        let assigned: Vec<&str> = pkg.init_assigned.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(assigned, ["Tag"], "the guarded Commit assignment is not an overwrite");
        assert!(pkg.decls.iter().find(|d| d.name == "Version").is_some_and(|d| !d.in_block && d.line == 6));
    }

    #[test]
    fn go_mod_and_hostile_input() {
        assert_eq!(module_path("// x\nmodule example.com/app // c\n\ngo 1.23\n").as_deref(), Some("example.com/app"));
        assert_eq!(module_path("module \"example.com/q\"\n").as_deref(), Some("example.com/q"));
        assert_eq!(module_path("modules x\n"), None);
        for t in ["var (", "const", "func init() {", "var x = `", "var x = \"", "package", "var a, = 1", "é var é = é"]
        {
            let mut pkg = Package::default();
            scan_file(t, Path::new("x.go"), &mut pkg);
        }
    }
}
