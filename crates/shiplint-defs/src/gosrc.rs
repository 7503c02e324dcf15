//! Go source, read just enough to resolve `-X importpath.name=value`: the module path from
//! go.mod, and each package's top-level `const` and `var` declarations (their type, whether their
//! initialiser is a plain string, and where they are), plus assignments in `init()`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use tree_sitter::Node;

use super::goast;

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
    /// Each package folder's Go files, parsed the first time the package is asked for: a
    /// `-X` target names one or two packages of a module that may have thousands.
    packages: HashMap<PathBuf, PackageFiles>,
    /// go.mod's `require` lines: (module path, version).
    pub requires: Vec<(String, String)>,
    /// go.mod's `replace` lines with a folder inside this module (`=> ./syntax`): (module
    /// path, folder). A folder outside it (`../x`) is not read.
    pub local_replacements: Vec<(String, String)>,
    /// go.mod's `go` line lists every module the build uses (`go 1.17` or later) and no go.work
    /// beside it adds others.
    pub lists_every_module: bool,
    /// What `imports` answered, by import path: every Dockerfile of a module asks the same.
    imported: Mutex<HashMap<String, bool>>,
}

/// A package folder's Go files and, once read, the package they make.
#[derive(Debug, Default)]
struct PackageFiles {
    files: Vec<PathBuf>,
    read: OnceLock<Package>,
    name: OnceLock<String>,
}

impl PackageFiles {
    fn package(&self) -> &Package {
        self.read.get_or_init(|| {
            let mut package = Package::default();
            for file in &self.files {
                if let Some(text) = read_go_text(file) {
                    scan_file(&text, file, &mut package);
                }
            }
            package
        })
    }

    /// The package's name, from the first file that is built (read up to its package clause).
    fn name(&self) -> &str {
        self.name.get_or_init(|| match self.read.get() {
            Some(package) => package.name.clone(),
            None => self.files.iter().find_map(|f| package_name(&read_go_text(f)?)).unwrap_or_default(),
        })
    }
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
/// The most Go files `Module::imports` reads.
const MAX_IMPORT_SCAN_FILES: usize = 4000;

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
            imported: Mutex::default(),
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
            let rel = dir.strip_prefix(root).unwrap_or(Path::new("")).to_path_buf();
            module.packages.entry(rel).or_default().files.push(p.to_path_buf());
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

    /// The package an import path names, if it is inside this module, with its folder.
    pub fn package(&self, import_path: &str) -> Option<(&Path, &Package)> {
        let rel = path_in_module(import_path, &self.path)?;
        self.packages.get_key_value(Path::new(rel)).map(|(k, v)| (k.as_path(), v.package()))
    }

    /// The package in a folder of this module (relative to its root), if it has Go files.
    pub fn package_in(&self, folder: &Path) -> Option<&Package> {
        self.packages.get(folder).map(PackageFiles::package)
    }

    /// Whether the module's own code (not that under a `tools/`, `hack/` or `scripts/` folder,
    /// not files never built) imports `import_path`, read up to each file's first function.
    /// Bounded: at most `MAX_IMPORT_SCAN_FILES` files are read, once per import path.
    pub fn imports(&self, import_path: &str) -> bool {
        let asked = self.imported.lock().unwrap_or_else(|e| e.into_inner()).get(import_path).copied();
        if let Some(answer) = asked {
            return answer;
        }
        let answer = self.scan_imports(import_path);
        self.imported.lock().unwrap_or_else(|e| e.into_inner()).insert(import_path.to_string(), answer);
        answer
    }

    fn scan_imports(&self, import_path: &str) -> bool {
        let quoted = format!("\"{import_path}\"");
        let tooling =
            |dir: &Path| dir.components().any(|c| matches!(c.as_os_str().to_str(), Some("tools" | "hack" | "scripts")));
        self.packages
            .iter()
            .filter(|(dir, _)| !tooling(dir))
            .flat_map(|(_, files)| &files.files)
            .take(MAX_IMPORT_SCAN_FILES)
            .any(|file| {
                read_go_text(file).is_some_and(|text| {
                    // The imports come before any function.
                    let head = text.split("\nfunc ").next().unwrap_or(&text);
                    !never_built(&text) && head.contains(&quoted)
                })
            })
    }

    /// The folders of this module's `main` packages (relative to its root).
    pub fn main_package_folders(&self) -> impl Iterator<Item = &Path> {
        self.packages.iter().filter(|(_, files)| files.name() == "main").map(|(dir, _)| dir.as_path())
    }

    /// Import paths of packages in this module that declare `name` and whose last element is `last`.
    pub fn candidates(&self, last: &str, name: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .packages
            .iter()
            .filter(|(dir, files)| {
                dir.file_name().and_then(|n| n.to_str()) == Some(last)
                    && files.package().decls.iter().any(|d| d.name == name)
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

/// Whether a Go file says `//go:build ignore` before its package clause: it is never built.
fn never_built(text: &str) -> bool {
    text.lines().take_while(|l| !l.starts_with("package")).any(|l| l.trim() == "//go:build ignore")
}

/// The name a Go file's package clause gives, parsing only the text up to it; `None` for a file
/// that is never built.
pub fn package_name(text: &str) -> Option<String> {
    if never_built(text) {
        return None;
    }
    let clause_line = text.split_inclusive('\n').position(|l| l.starts_with("package"))?;
    let head_len: usize = text.split_inclusive('\n').take(clause_line + 1).map(str::len).sum();
    let head = &text[..head_len];
    let tree = goast::parse(head)?;
    let clause = goast::named_children(tree.root_node()).into_iter().find(|n| n.kind() == "package_clause")?;
    let name = *goast::named_children(clause).first()?;
    Some(goast::text_of(name, head).to_string())
}

/// Reads one file's package clause, top-level const/var specs and init() assignments.
pub fn scan_file(text: &str, path: &Path, pkg: &mut Package) {
    if never_built(text) {
        return;
    }
    let Some(tree) = goast::parse(text) else { return };
    // Declarations the parser could not place (after a syntax error) sit in an ERROR node.
    let top = goast::named_children(tree.root_node())
        .into_iter()
        .flat_map(|n| if n.is_error() { goast::named_children(n) } else { vec![n] });
    let top: Vec<Node> = top.collect();
    // The file's functions by name: an `init()` assignment through one may keep what `-X` set.
    let functions: HashMap<&str, Node> = top
        .iter()
        .filter(|n| n.kind() == "function_declaration")
        .filter_map(|n| Some((goast::text_of(n.child_by_field_name("name")?, text), n.child_by_field_name("body")?)))
        .collect();
    for node in top {
        match node.kind() {
            "package_clause" => {
                if let Some(name) = goast::named_children(node).first() {
                    pkg.name = goast::text_of(*name, text).to_string();
                }
            }
            "const_declaration" | "var_declaration" => read_specs(text, node, path, pkg),
            "function_declaration" => {
                let named_init = node.child_by_field_name("name").is_some_and(|n| goast::text_of(n, text) == "init");
                if let Some(body) = node.child_by_field_name("body").filter(|_| named_init) {
                    read_init(text, body, path, &functions, pkg);
                }
            }
            _ => {}
        }
    }
}

/// Reads the specs of a `const` or `var` declaration.
fn read_specs(text: &str, declaration: Node, path: &Path, pkg: &mut Package) {
    let is_const = declaration.kind() == "const_declaration";
    let specs: Vec<Node> = goast::named_children(declaration)
        .into_iter()
        .flat_map(|n| if n.kind() == "var_spec_list" { goast::named_children(n) } else { vec![n] })
        .filter(|n| matches!(n.kind(), "const_spec" | "var_spec"))
        .collect();
    // `var ( ... )`: what follows the keyword opens a block.
    let after_keyword = declaration.child(0).map_or(0, |keyword| keyword.end_byte());
    let in_block = text.get(after_keyword..declaration.end_byte()).is_some_and(|t| t.trim_start().starts_with('('));
    for spec in specs {
        let type_name = spec.child_by_field_name("type").map(|t| goast::text_of(t, text).to_string());
        let value = spec.child_by_field_name("value");
        let plain = value.is_none_or(|v| goast::named_children(v).into_iter().all(|e| only_strings(e)));
        let initialiser =
            (!plain).then(|| value.map(|v| goast::text_of(v, text).trim().to_string()).unwrap_or_default());
        for name in goast::field_children(spec, "name").into_iter().filter(|n| n.kind() == "identifier") {
            let kind = if is_const {
                DeclKind::Const
            } else {
                DeclKind::Var { type_name: type_name.clone(), plain, initialiser: initialiser.clone() }
            };
            pkg.decls.push(Decl {
                name: goast::text_of(name, text).to_string(),
                kind,
                file: path.to_path_buf(),
                keyword_at: declaration.start_byte(),
                in_block,
                line: goast::line_of(name),
            });
        }
    }
}

/// Whether an initialiser is string literals joined by `+`: what `-X` can replace.
fn only_strings(expression: Node) -> bool {
    let is_plus =
        |n: Node| n.kind() == "binary_expression" && n.child_by_field_name("operator").is_some_and(|o| o.kind() == "+");
    // Walked, not recursed: a generated file may chain thousands of literals.
    goast::descendants(expression, is_plus)
        .into_iter()
        .filter(|n| n.is_named() && n.kind() != "comment")
        .all(|n| is_plus(n) || matches!(n.kind(), "interpreted_string_literal" | "raw_string_literal"))
}

/// Records the `Name = ...` statements at an `init()` body's top level: an assignment inside an
/// `if` is a guarded default, not an overwrite; one whose value reads the name, `V =
/// strings.TrimSpace(V)`, or calls a function of the file that reads it (`V = version()`, which
/// returns `V` when it is set), keeps what `-X` set, and so does one after `if V != "" { return }`.
fn read_init(text: &str, body: Node, path: &Path, functions: &HashMap<&str, Node>, pkg: &mut Package) {
    let statements = goast::named_children(body)
        .into_iter()
        .flat_map(|n| if n.kind() == "statement_list" { goast::named_children(n) } else { vec![n] });
    let mut guarded: Vec<&str> = Vec::new();
    let reads = |node: Node, name: &str| {
        goast::descendants(node, |_| true)
            .into_iter()
            .any(|n| n.kind() == "identifier" && goast::text_of(n, text) == name)
    };
    for statement in statements {
        match statement.kind() {
            "if_statement" => {
                let returns = statement.child_by_field_name("consequence").is_some_and(|c| {
                    goast::descendants(c, |n| n.kind() != "func_literal").iter().any(|n| n.kind() == "return_statement")
                });
                if let Some(condition) = statement.child_by_field_name("condition").filter(|_| returns) {
                    guarded.extend(
                        goast::descendants(condition, |_| true)
                            .into_iter()
                            .filter(|n| n.kind() == "identifier")
                            .map(|n| goast::text_of(n, text)),
                    );
                }
            }
            "assignment_statement" => {
                let is_set = statement.child_by_field_name("operator").is_some_and(|o| o.kind() == "=");
                let (Some(left), Some(right)) =
                    (statement.child_by_field_name("left"), statement.child_by_field_name("right"))
                else {
                    continue;
                };
                let &[target] = goast::named_children(left).as_slice() else { continue };
                let name = goast::text_of(target, text);
                // A call of a function of this file that reads the name.
                let calls_reading = goast::descendants(right, |_| true).into_iter().any(|n| {
                    n.kind() == "call_expression"
                        && n.child_by_field_name("function")
                            .filter(|f| f.kind() == "identifier")
                            .and_then(|f| functions.get(goast::text_of(f, text)))
                            .is_some_and(|body| reads(*body, name))
                });
                if is_set
                    && target.kind() == "identifier"
                    && !guarded.contains(&name)
                    && !reads(right, name)
                    && !calls_reading
                {
                    pkg.init_assigned.push((name.to_string(), path.to_path_buf(), goast::line_of(target)));
                }
            }
            _ => {}
        }
    }
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

func resolved() string {
	if Ver != "" {
		return Ver
	}
	return "dev"
}

func init() {
	if Last != "" {
		return
	}
	Last = "dev"
	Tag = computeTag()
	Ver = resolved()
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
        assert_eq!(
            assigned,
            ["Tag"],
            "the guarded Commit assignment is not an overwrite, nor Ver's through a reader of Ver"
        );
        assert!(pkg.decls.iter().find(|d| d.name == "Version").is_some_and(|d| !d.in_block && d.line == 6));
    }

    #[test]
    fn go_mod_and_hostile_input() {
        assert_eq!(module_path("// x\nmodule example.com/app // c\n\ngo 1.23\n").as_deref(), Some("example.com/app"));
        assert_eq!(module_path("module \"example.com/q\"\n").as_deref(), Some("example.com/q"));
        assert_eq!(module_path("modules x\n"), None);
        // A chain of 200,000 literals (a stack's worth of recursion, were it recursive).
        let chain = format!("package p\nvar x = {}\"a\"\n", "\"a\" + ".repeat(200_000));
        let mut pkg = Package::default();
        scan_file(&chain, Path::new("x.go"), &mut pkg);
        assert!(matches!(pkg.decls[0].kind, DeclKind::Var { plain: true, .. }));
        for t in ["var (", "const", "func init() {", "var x = `", "var x = \"", "package", "var a, = 1", "é var é = é"]
        {
            let mut pkg = Package::default();
            scan_file(t, Path::new("x.go"), &mut pkg);
        }
    }
}
