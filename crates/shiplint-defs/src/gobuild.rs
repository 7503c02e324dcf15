//! The `BuildInvocation` model: every place that runs `go build`, whatever file describes it,
//! becomes one of these, so that rules never parse text.

use super::shell::{Evaluated, Word};
use super::value::{Builder, Origin, Piece, Value};
use std::collections::HashMap;

/// A value taken from a build definition, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    pub value: Value,
    /// Byte span of the word that set it, when there is one.
    pub span: Option<(usize, usize)>,
}

/// One `go build` as it runs in one iteration of its loops.
#[derive(Clone, Debug, Default)]
pub struct BuildInvocation<'a> {
    /// The whole command's byte span.
    pub span: (usize, usize),
    /// Span of the word `build`: fixes insert flags after it.
    pub build_word: (usize, usize),
    /// `build` (or `install`) is written as such, not expanded from a variable: a flag can be
    /// inserted right after it.
    pub literal_command: bool,
    /// Environment the go command sees (CGO_ENABLED, GOOS, GOARCH, GOFLAGS, ...).
    pub env: HashMap<String, Setting>,
    /// `go install` (its output is `$GOBIN` or `$GOPATH/bin`), not `go build`.
    pub install: bool,
    pub trimpath: bool,
    /// `-ldflags` value and its word.
    pub ldflags: Option<(Value, &'a Word)>,
    /// `-o` value and its word.
    pub output: Option<(Value, &'a Word)>,
    pub mod_flag: Option<Value>,
    pub packages: Vec<(Value, &'a Word)>,
    /// `ko resolve`/`ko apply -f FILE`: the files or folders whose `ko://` references name the
    /// packages it builds (read when the scan is linked, see `link::resolve_ko_references`).
    pub ko_references_in: Vec<(Value, &'a Word)>,
    /// Where the `-ldflags` are written when another file holds them (a ko config's `ldflags:`).
    pub ldflags_lines: Option<std::sync::Arc<super::ko::WrittenLines>>,
    /// Fields in flag position whose text is unknown (`${FLAGS}` set by the caller).
    pub unknown_flags: Vec<Value>,
    /// The other flags, as `-name=value` (`-tags=netgo`): what else tells two builds apart.
    pub other_flags: Vec<String>,
    /// Loop variables and their values in this iteration.
    pub iteration: Vec<(String, Value)>,
    /// Identifies the loop nest (empty outside loops).
    pub loops: Vec<usize>,
    /// The `-ldflags` are a tool's defaults, not written by the user (goreleaser without `ldflags`).
    pub implicit_ldflags: bool,
    /// Variables the command read while unset, taken as empty.
    pub assumed_empty: Vec<String>,
    /// The tool that runs this `go build` for one of its targets (the cross-compilers `gox` and
    /// `goxz`) or images (`ko`), which takes its own flags: none when the command is the go
    /// command itself.
    pub cross_tool: Option<&'static str>,
    /// The folder the command runs in, relative to where its script started (after `cd` or
    /// `pushd`); `None` where the script never changed folder.
    pub dir: Option<Value>,
    /// The shell function calls the build runs in (`build darwin arm64`), outermost first.
    pub calls: Vec<(usize, usize)>,
    /// The Go release a cross-compiler's build image carries (xgo's `-go go-1.21.x`), or a
    /// release action installs (go-release-action's `goversion`), where the file chooses it.
    pub toolchain: Option<(Value, &'a Word)>,
    /// The image a `docker run` (or `podman run`) in front of the command runs the build in,
    /// and its span: a `golang:` image's Go builds it.
    pub container: Option<(Value, (usize, usize))>,
}

/// Where the program `go run` runs is among the words after `run` (`go run -tags x ./gen.go
/// v1`): past the build flags and the values of those that take one; `None` when a word before
/// it is not known text.
pub fn go_run_program<'w>(after_run: impl IntoIterator<Item = Option<&'w str>>) -> Option<usize> {
    let mut words = after_run.into_iter().enumerate();
    loop {
        let (at, word) = words.next()?;
        match word?.strip_prefix('-').map(|f| f.trim_start_matches('-')) {
            Some(flag) if VALUE_FLAGS.contains(&flag) => {
                words.next();
            }
            Some(_) => {}
            None => return Some(at),
        }
    }
}

/// Flags of `go build` that take a value (the others are booleans).
pub const VALUE_FLAGS: &[&str] = &[
    "o",
    "ldflags",
    "gcflags",
    "asmflags",
    "gccgoflags",
    "tags",
    "mod",
    "modfile",
    "buildmode",
    "p",
    "pkgdir",
    "toolexec",
    "overlay",
    "pgo",
    "C",
    "installsuffix",
    "compiler",
    "coverpkg",
    "covermode",
    "exec",
];

/// The cross-compiler a `go run MODULE@VERSION args` runs (`go run
/// github.com/mitchellh/gox@v1.0.1 -osarch ...`), and where its arguments start.
fn cross_compiler_run(argv: &[Value], sub: usize) -> Option<(&'static str, usize)> {
    if argv.get(sub)?.as_known()? != "run" {
        return None;
    }
    let at = sub + 1 + argv[sub + 1..].iter().position(|w| !w.starts_with("-"))?;
    let (module, _) = argv[at].as_known()?.split_once('@')?;
    let tool = match module.trim_end_matches('/').rsplit('/').next()? {
        "gox" => "gox",
        "goxz" => "goxz",
        "xgo" => "xgo",
        _ => return None,
    };
    Some((tool, at + 1))
}

impl<'a> BuildInvocation<'a> {
    /// For `go install pkg@version`: the package, which the go command builds at that version
    /// of its module (from the module proxy), not from the files here.
    pub fn installed_version_of(&self) -> Option<Value> {
        let package = self.packages.iter().find_map(|(p, _)| p.split_once('@'));
        package.filter(|_| self.install).map(|(package, _)| package)
    }

    /// Whether it is a `go install` into the bin folder of whoever runs it: the file sets no
    /// GOBIN or GOPATH, or only to the one the machine has (`GOPATH ?= $(shell go env
    /// GOPATH)`), so the program lands in `~/go/bin` on this machine.
    pub fn installs_into_home(&self) -> bool {
        let machines = |h: &super::value::Hole| match &h.origin {
            Origin::Environment(name) => matches!(name.as_str(), "GOPATH" | "GOBIN"),
            Origin::Command(command) => command.contains("go env"),
            _ => false,
        };
        let chosen = |name: &str| {
            self.env.get(name).is_some_and(|s| {
                let pieces = s.value.pieces();
                !pieces.is_empty() && !pieces.iter().all(|p| matches!(p, Piece::Hole(h) if machines(h)))
            })
        };
        self.install && !chosen("GOBIN") && !chosen("GOPATH")
    }

    /// The GOOS the build targets where known: its GOOS, or the system of the CI runner it runs
    /// on (GitHub's RUNNER_OS), which Go builds for by default.
    pub fn target_os(&self) -> Option<&str> {
        self.env_value("GOOS").or_else(|| match self.env_value("RUNNER_OS")? {
            "macOS" => Some("darwin"),
            "Windows" => Some("windows"),
            "Linux" => Some("linux"),
            _ => None,
        })
    }

    /// The `-o` output as later commands name it: its path when known, the known part below a
    /// folder no file states (`$(BIN_DIR)/app-linux` gives `app-linux`), or, in a known folder, a
    /// pattern with `*` for what is not known (`output/lin/app-$VERSION` gives
    /// `output/lin/app-*`, which an upload of `output/lin` names).
    pub fn output_named(&self) -> Option<String> {
        let holey = match &self.output.as_ref()?.0 {
            Value::Known(o) => return Some(o.clone()),
            holey => holey.pieces(),
        };
        if let Some(Piece::Text(tail)) = holey.last() {
            if let Some(below) = tail.strip_prefix('/') {
                return (!below.is_empty() && !below.ends_with('/')).then(|| below.to_string());
            }
        }
        self.output_pattern()
    }

    /// Its `-o` as a pattern, each hole a `*` (`build/*/darwin/amd64/app`), when it starts in
    /// a known folder.
    pub fn output_pattern(&self) -> Option<String> {
        let holey = self.output.as_ref()?.0.pieces();
        let Some(Piece::Text(head)) = holey.first() else { return None };
        let folder = &head[..head.rfind('/')?];
        let pattern: String = holey
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.as_str(),
                Piece::Hole(_) => "*",
            })
            .collect();
        (!folder.is_empty() && !folder.contains('*')).then_some(pattern)
    }

    /// Whether its output is a folder of programs: `-o dir/` or several packages
    /// (`./cmd/...`, `./cmd/a ./cmd/b`), each written there under its own name.
    pub fn writes_a_folder(&self) -> bool {
        let pattern = self.packages.iter().any(|(p, _)| p.as_known().is_none_or(|p| p.contains("...")));
        let to_folder = matches!(&self.output, Some((o, _)) if o.as_known().is_some_and(|o| o.ends_with('/')));
        to_folder || pattern || self.packages.len() > 1
    }

    /// The file the build writes, as a path from where the command runs (or its `dir`); `None`
    /// when it depends on something unknown. Without `-o` (or with `-o dir/`) it is named after
    /// the package's last path element, `<package>` for `.`; windows builds add `.exe`.
    pub fn written_file(&self) -> Option<String> {
        let exe = if self.env_value("GOOS") == Some("windows") { ".exe" } else { "" };
        let default_name = || {
            let pkg = match self.packages.as_slice() {
                [] => ".".to_string(),
                [(Value::Known(p), _)] => p.clone(),
                _ => return None,
            };
            let name = pkg.trim_end_matches('/').rsplit('/').next().unwrap_or(&pkg);
            Some(if name == "." || name.is_empty() { "<package>".to_string() } else { name.to_string() })
        };
        let path = match &self.output {
            None => format!("{}{exe}", default_name()?),
            Some((Value::Known(o), _)) if o.ends_with('/') => format!("{o}{}{exe}", default_name()?),
            Some((Value::Known(o), _)) => o.clone(),
            Some((Value::Partial(_), _)) => return None,
        };
        // A relative path is in the folder the command runs in (`pushd "app-$os"` per target).
        match &self.dir {
            Some(Value::Known(dir)) if !path.starts_with('/') && !dir.is_empty() => Some(format!("{dir}/{path}")),
            Some(Value::Partial(_)) if !path.starts_with('/') => None,
            _ => Some(path),
        }
    }

    /// `go build ./...` (several packages, no -o) and `go build -o /dev/null` only check that the
    /// code compiles: nothing ships.
    pub fn only_compiles(&self) -> bool {
        let discarded =
            matches!(&self.output, Some((Value::Known(o), _)) if o == "/dev/null" || o.eq_ignore_ascii_case("NUL"));
        // `go install ./...` writes every program it names.
        discarded
            || !self.install
                && self.output.is_none()
                && self.packages.iter().any(|(v, _)| matches!(v, Value::Known(p) if p.ends_with("...")))
    }

    /// Whether it builds with the race detector (`-race`): a program for tests, several times
    /// slower and larger, never what a release ships.
    pub fn race_detector(&self) -> bool {
        self.other_flags.iter().any(|f| matches!(f.as_str(), "-race=" | "-race=true" | "-race=1" | "-race=t"))
    }

    /// Whether it compiles without optimizations (`-gcflags=all=-N -l`, `-gcflags "-N -l"`): a
    /// build to step through in a debugger, never what a release ships.
    pub fn optimizations_disabled(&self) -> bool {
        self.other_flags.iter().filter_map(|f| f.strip_prefix("-gcflags=")).any(debugging)
    }

    /// Reads the `go build`s or `go install` an evaluated command runs: behind `env`, `exec`,
    /// `time`, `nice`, `command`, `sudo` or `docker run`, run as `go`, a path to it, buildx's
    /// `xx-go` or `garble`, with its command word and flags taken from variables (`$(GOBUILD)`,
    /// `${GO_BUILD_CMD}`) after field splitting; and the cross-compilers `gox` and `goxz`, one
    /// build per target. `go install pkg@version` is read too (see `installed_version_of`).
    pub fn from_command(e: &Evaluated<'a>) -> Vec<Self> {
        Self::read_command(e).unwrap_or_default()
    }

    fn read_command(e: &Evaluated<'a>) -> Option<Vec<Self>> {
        let argv = &e.argv;
        let span_of = |field: usize| {
            let w = e.word_of(field);
            (w.start, w.end)
        };
        let Launch { program: i, env: launcher_env, image } = launched(argv)?;
        let extra_env: Vec<(String, Setting)> = launcher_env
            .into_iter()
            .map(|(field, name, value)| (name, Setting { value, span: Some(span_of(field)) }))
            .collect();
        // A tool under a folder no file states is still that tool (`$(TOOLS_DIR)/ko`).
        let program = argv.get(i)?;
        let name = program.file_name()?;
        // `./tool/go`, `bin/go`: the repository's own wrapper, which may add flags of its own.
        let wrapper = program.as_known().is_some_and(|p| p.contains('/') && !p.starts_with('/') && !p.starts_with('$'));
        // Most commands are not a build: said before their environment is copied.
        let crossbuild = || argv.get(i + 1).and_then(Value::as_known) == Some("crossbuild");
        let builds = matches!(name, "go" | "xx-go" | "garble" | "gox" | "goxz" | "xgo" | "ko");
        if !(builds || name == "godzil" && crossbuild()) {
            return None;
        }
        let mut sub = i + 1;
        let mut env: HashMap<String, Setting> =
            e.env.iter().map(|(k, v)| (k.clone(), Setting { value: v.clone(), span: None })).collect();
        for (name, word) in e.prefix {
            env.insert(name.clone(), Setting { value: e.env[name].clone(), span: Some((word.start, word.end)) });
        }
        env.extend(extra_env);
        let mut inv = BuildInvocation {
            span: (e.command.start, e.command.end),
            build_word: span_of(i),
            env,
            iteration: e.iteration.clone(),
            loops: e.loops.clone(),
            calls: e.calls.clone(),
            assumed_empty: e.assumed_empty.clone(),
            dir: e.cwd.clone(),
            container: image.map(|field| (argv[field].clone(), span_of(field))),
            ..BuildInvocation::default()
        };
        match name {
            // `go -C dir build` (Go 1.20) builds in `dir`: `-C` comes before the subcommand.
            "go" | "xx-go" => {
                while let Some(flag) = argv.get(sub).and_then(Value::as_known) {
                    match flag {
                        "-C" | "--C" => {
                            inv.dir = argv.get(sub + 1).cloned();
                            sub += 2;
                        }
                        _ if flag.starts_with("-C=") || flag.starts_with("--C=") => {
                            inv.dir = Some(Value::known(flag.split_once('=').map_or("", |(_, d)| d)));
                            sub += 1;
                        }
                        _ => break,
                    }
                }
                // `go run github.com/mitchellh/gox@v1.0.1 -osarch ...` runs that cross-compiler.
                if let Some((tool, args)) = cross_compiler_run(argv, sub) {
                    inv.cross_tool = Some(tool);
                    return Some(inv.cross_compiled(e, args));
                }
            }
            // `garble [flags] build ...` runs go build with the same flags.
            "garble" => {
                while argv.get(sub).is_some_and(|a| a.starts_with("-")) {
                    sub += 1;
                }
            }
            tool @ ("gox" | "goxz" | "xgo") => {
                inv.cross_tool = Some(match tool {
                    "gox" => "gox",
                    "goxz" => "goxz",
                    _ => "xgo",
                });
                return Some(inv.cross_compiled(e, i + 1));
            }
            // `godzil crossbuild` (github.com/Songmu/godzil) runs goxz with its arguments.
            "godzil" if argv.get(i + 1).and_then(Value::as_known) == Some("crossbuild") => {
                inv.cross_tool = Some("goxz");
                return Some(inv.cross_compiled(e, i + 2));
            }
            "ko" => {
                inv.cross_tool = Some("ko");
                return Some(super::ko::builds(inv, e, i + 1));
            }
            _ => return None,
        }
        inv.install = match argv.get(sub)?.as_known()? {
            "build" => false,
            "install" => true,
            _ => return None,
        };
        inv.build_word = span_of(sub);
        inv.literal_command = e.word_of(sub).literal().is_some_and(|w| w == "build" || w == "install");
        if wrapper {
            inv.unknown_flags.push(Value::hole(Origin::Unevaluated(format!("(the flags {} adds)", program.display()))));
        }
        // `go build -C dir`: the first flag after the subcommand may change folder too (cmd/go's
        // `handleChdirFlag` looks right after the command's name).
        let mut flags_from = sub + 1;
        match argv.get(flags_from).and_then(Value::as_known) {
            Some("-C" | "--C") if argv.len() > flags_from + 1 => {
                inv.dir = argv.get(flags_from + 1).cloned();
                flags_from += 2;
            }
            Some(flag) if flag.starts_with("-C=") || flag.starts_with("--C=") => {
                inv.dir = Some(Value::known(flag.split_once('=').map_or("", |(_, d)| d)));
                flags_from += 1;
            }
            _ => {}
        }
        inv.apply_goflags();
        inv.read_flags(&argv[flags_from..], &|k| e.word_of(flags_from + k));
        // `tool` (Go 1.24) names the module's tool dependencies: other modules' programs.
        if inv.packages.iter().any(|(p, _)| p.as_known() == Some("tool")) {
            return None;
        }
        // `go install pkg@version` is kept too: whether it is this project's is a question of
        // its module (see `installed_version_of`).
        if inv.install && inv.output.is_none() {
            let installed = inv.install_path();
            inv.output = installed.map(|path| (path, e.word_of(sub)));
        }
        Some(vec![inv])
    }

    /// The builds of `gox`, `goxz` or `xgo` (`self.cross_tool`) from its flags at
    /// `argv[from..]`: one `go build` per target, as each runs it. gox (github.com/mitchellh/gox)
    /// passes `-ldflags`, `-tags`, `-gcflags` and `-mod` on, sets `CGO_ENABLED=0` unless `-cgo`,
    /// adds no `-trimpath`, and writes its `-output` template (`{{.Dir}}_{{.OS}}_{{.Arch}}`,
    /// `.exe` added for windows). goxz (github.com/Songmu/goxz) passes `-build-ldflags` and
    /// `-build-tags`, adds `-trimpath` unless `-trimpath=false`, builds linux, darwin and
    /// windows on amd64 and arm64 by default, and packs each target into its own archive
    /// (`godzil crossbuild` runs goxz with its arguments). xgo
    /// (src.techknowlogick.com/xgo) builds in its `techknowlogick/xgo:<-go>` image with cgo on,
    /// passes `-ldflags` and `-tags`, adds `-trimpath` only when given, and writes
    /// `<-dest>/<-out>-<os>-<arch>` (`-windows-4.0-` and `-darwin-10.12-` for its default
    /// platform versions, `-linux-arm-7` for GOARM=7; `.exe` for windows).
    fn cross_compiled(mut self, e: &Evaluated<'a>, from: usize) -> Vec<Self> {
        let tool = self.cross_tool.unwrap_or("gox");
        let gox = tool == "gox";
        let argv = &e.argv;
        let (mut oses, mut arches, mut pairs) = (None, None, Vec::new());
        let (mut output, mut name, mut dest, mut cgo) = (None, None, None, false);
        // goxz's archive: `-pv` puts the version in its name, `-z` makes every one a zip.
        let (mut package_version, mut zip_always) = (None, false);
        self.trimpath = tool == "goxz";
        self.apply_goflags();
        let mut j = from;
        while j < argv.len() {
            let field = &argv[j];
            if !field.starts_with("-") {
                self.packages.extend((j..argv.len()).map(|k| (argv[k].clone(), e.word_of(k))));
                break;
            }
            let Some((flag, inline)) = flag_parts(field) else {
                self.unknown_flags.push(field.clone());
                j += 1;
                continue;
            };
            let boolean = match tool {
                "gox" => {
                    matches!(flag.as_str(), "verbose" | "cgo" | "rebuild" | "race" | "osarch-list" | "build-toolchain")
                }
                "goxz" => matches!(flag.as_str(), "z" | "static" | "work" | "trimpath"),
                _ => matches!(flag.as_str(), "v" | "x" | "race" | "trimpath" | "obfuscate" | "ssh"),
            };
            let (value, word) = if boolean || inline.is_some() {
                (inline, e.word_of(j))
            } else {
                j += 1;
                let Some(next) = argv.get(j) else { break };
                (Some(next.clone()), e.word_of(j))
            };
            let listed = |v: &Option<Value>| v.as_ref().map(|v| v.split_fields());
            match (flag.as_str(), tool) {
                ("os", "gox" | "goxz") => oses = listed(&value),
                ("arch", "gox" | "goxz") => arches = listed(&value),
                ("osarch", "gox") | ("targets", "xgo") => pairs.extend(listed(&value).unwrap_or_default()),
                ("ldflags", "gox" | "xgo") | ("build-ldflags", "goxz") => self.ldflags = value.map(|v| (v, word)),
                ("output", "gox") => output = value.map(|v| (v, word)),
                ("n", "goxz") | ("out", "xgo") => name = value,
                ("pv", "goxz") => package_version = value,
                ("z", "goxz") => zip_always = value.as_ref().and_then(Value::as_known) != Some("false"),
                ("d", "goxz") | ("dest", "xgo") => dest = value,
                ("cgo", "gox") => cgo = value.as_ref().and_then(Value::as_known) != Some("false"),
                ("trimpath", "goxz" | "xgo") => {
                    self.trimpath = value.as_ref().and_then(Value::as_known) != Some("false")
                }
                ("mod", "gox") => self.mod_flag = value,
                ("go", "xgo") => self.toolchain = value.map(|v| (v, word)),
                (flag, _) => {
                    self.other_flags.push(format!("-{flag}={}", value.map_or_else(String::new, |v| v.display())))
                }
            }
            j += 1;
        }
        // A comma separates goxz's lists too (`-arch=amd64,arm64`).
        let names = |list: Option<Vec<Value>>, default: &[&str]| -> Option<Vec<String>> {
            match list {
                None => Some(default.iter().map(|s| s.to_string()).collect()),
                Some(fields) => fields
                    .iter()
                    .map(|f| {
                        f.as_known()
                            .map(|k| k.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect::<Vec<_>>())
                    })
                    .collect::<Option<Vec<_>>>()
                    .map(|lists| lists.concat()),
            }
        };
        let targets = if gox {
            let (Some(oses), Some(arches), Some(pairs)) =
                (names(oses, &[]), names(arches, &[]), names(Some(pairs), &[]))
            else {
                return vec![self.one_unknown_target()];
            };
            gox_targets(&oses, &arches, &pairs)
        } else if tool == "xgo" {
            let Some(pairs) = names((!pairs.is_empty()).then_some(pairs), &["*/*"]) else {
                return vec![self.one_unknown_target()];
            };
            xgo_targets(&pairs)
        } else {
            let (Some(oses), Some(arches)) =
                (names(oses, &["linux", "darwin", "windows"]), names(arches, &["amd64", "arm64"]))
            else {
                return vec![self.one_unknown_target()];
            };
            oses.iter().flat_map(|os| arches.iter().map(move |arch| (os.clone(), arch.clone()))).collect()
        };
        // gox turns cgo on with `-cgo`; without it, off unless the environment says otherwise.
        // xgo is for cgo: its image builds with CGO_ENABLED=1.
        if tool == "xgo" || gox && (cgo || self.env_value("CGO_ENABLED").is_none()) {
            let value = Value::known(if cgo || tool == "xgo" { "1" } else { "0" });
            self.env.insert("CGO_ENABLED".into(), Setting { value, span: None });
        }
        let package_dir = match self.packages.first().map(|(p, _)| p) {
            Some(Value::Known(p)) if p != "." => {
                Value::known(p.trim_end_matches('/').rsplit('/').next().unwrap_or(p).to_string())
            }
            _ => Value::hole(Origin::Unevaluated("{{.Dir}} (the main package's folder name)".into())),
        };
        let word = output.as_ref().map_or_else(|| e.word_of(from.saturating_sub(1)), |(_, w)| *w);
        targets
            .into_iter()
            .take(super::budget::MAX_TARGETS)
            .map(|(os, arch)| {
                let mut build = self.clone();
                let mut b = Builder::default();
                // xgo's targets name a platform version and an ARM level: `windows-4.0`, `arm-7`.
                let (os, platform) =
                    os.split_once('-').map_or((os.clone(), None), |(o, p)| (o.to_string(), Some(p.to_string())));
                let (arch, arm) =
                    arch.split_once('-').map_or((arch.clone(), None), |(a, v)| (a.to_string(), Some(v.to_string())));
                if gox {
                    let template =
                        output.as_ref().map_or_else(|| Value::known("{{.Dir}}_{{.OS}}_{{.Arch}}"), |(v, _)| v.clone());
                    b.push(&fill_template(
                        &template,
                        &[
                            ("{{.OS}}", &Value::known(os.as_str())),
                            ("{{.Arch}}", &Value::known(arch.as_str())),
                            ("{{.Dir}}", &package_dir),
                        ],
                    ));
                } else if tool == "xgo" {
                    if let Some(dest) = &dest {
                        b.push(dest);
                        b.push_str("/");
                    }
                    // Without -out, the main module's path names the file.
                    b.push(name.as_ref().unwrap_or(&Value::hole(Origin::Unevaluated("(the module path)".into()))));
                    let platform = platform.or_else(|| match os.as_str() {
                        "windows" => Some("4.0".into()),
                        "darwin" => Some("10.12".into()),
                        _ => None,
                    });
                    let arch_written = arm.as_ref().map_or(arch.clone(), |v| format!("{arch}-{v}"));
                    match platform {
                        Some(p) => b.push_str(&format!("-{os}-{p}-{arch_written}")),
                        None => b.push_str(&format!("-{os}-{arch_written}")),
                    }
                } else {
                    // goxz builds in a work folder it deletes and packs each target into its own
                    // archive in `-d` (goxz/ by default): `<-n>[_<-pv>]_<os>_<arch>`, a zip for
                    // windows and darwin (all with `-z`), a .tar.gz otherwise.
                    b.push(dest.as_ref().unwrap_or(&Value::known("goxz")));
                    b.push_str("/");
                    b.push(name.as_ref().unwrap_or(&package_dir));
                    if let Some(version) = &package_version {
                        b.push_str("_");
                        b.push(version);
                    }
                    let zip = zip_always || matches!(os.as_str(), "windows" | "darwin");
                    b.push_str(&format!("_{os}_{arch}.{}", if zip { "zip" } else { "tar.gz" }));
                }
                if os == "windows" && tool != "goxz" {
                    b.push_str(".exe");
                }
                let written = b.build();
                build.output = Some((written, word));
                let goarm = arm.filter(|_| arch == "arm");
                for (key, value) in [("GOOS", Some(os)), ("GOARCH", Some(arch)), ("GOARM", goarm)] {
                    if let Some(value) = value {
                        build.env.insert(key.into(), Setting { value: Value::known(value), span: None });
                    }
                }
                build
            })
            .collect()
    }

    /// A cross-compiler's build whose targets are not known: its GOOS and GOARCH are holes.
    fn one_unknown_target(mut self) -> Self {
        for key in ["GOOS", "GOARCH"] {
            let hole = Value::hole(Origin::Unevaluated(format!("({} targets)", self.cross_tool.unwrap_or("the"))));
            self.env.insert(key.into(), Setting { value: hole, span: None });
        }
        self
    }

    /// GOFLAGS applies first; flags on the command line override it.
    pub(super) fn apply_goflags(&mut self) {
        if let Some(goflags) = self.env.get("GOFLAGS").map(|s| s.value.clone()) {
            for f in goflags.split_fields() {
                match flag_parts(&f) {
                    Some((name, value)) => self.flag(&name, value, None),
                    None => self.unknown_flags.push(f),
                }
            }
        }
    }

    /// Where `go install` writes: `$GOBIN`, else the first `$GOPATH` entry's `bin` (a
    /// `GOOS_GOARCH` folder under it for a cross build), named after the package's last element.
    fn install_path(&self) -> Option<Value> {
        let package = match self.packages.as_slice() {
            [] => Value::known("."),
            [(p, _)] => p.clone(),
            _ => return None,
        };
        // `go install example.org/tool@v1.3.0` writes `tool`.
        let path = package.as_known()?;
        let name = Value::known(program_name(path.split_once('@').map_or(path, |(p, _)| p))?);
        let mut b = Builder::default();
        match self.env.get("GOBIN").map(|s| &s.value).filter(|v| !v.is_empty()) {
            Some(gobin) => b.push(gobin),
            None => {
                match self.env.get("GOPATH").map(|s| &s.value).filter(|v| !v.is_empty()) {
                    Some(Value::Known(gopath)) => b.push_str(gopath.split(':').next().unwrap_or(gopath)),
                    Some(holey) => b.push(holey),
                    None => b.push(&Value::hole(Origin::Environment("GOPATH".into()))),
                }
                b.push_str("/bin");
                if let (Some(os), Some(arch)) = (self.env_value("GOOS"), self.env_value("GOARCH")) {
                    b.push_str(&format!("/{os}_{arch}"));
                }
            }
        }
        b.push_str("/");
        b.push(&name);
        Some(b.build())
    }

    /// Reads `go build`'s flags from `fields`, the one at `k` written in the word `word_of(k)`;
    /// the first field that is no flag starts the packages.
    pub(super) fn read_flags(&mut self, fields: &[Value], word_of: &dyn Fn(usize) -> &'a Word) {
        let mut j = 0;
        while j < fields.len() {
            let field = &fields[j];
            // A field that is all hole (`${FLAGS}` from the caller) may be flags: read on past it,
            // unless it is the last field (then it is the package).
            let all_hole = field.pieces().iter().all(|p| matches!(p, Piece::Hole(_)));
            if all_hole && j + 1 < fields.len() {
                self.unknown_flags.push(field.clone());
                j += 1;
                continue;
            }
            if !field.starts_with("-") || field.as_known() == Some("-") {
                self.packages.extend((j..fields.len()).map(|k| (fields[k].clone(), word_of(k))));
                break;
            }
            match flag_parts(field) {
                Some((name, None)) if VALUE_FLAGS.contains(&name.as_str()) => {
                    j += 1;
                    let Some(next) = fields.get(j) else { break };
                    self.flag(&name, Some(next.clone()), Some(word_of(j)));
                }
                Some((name, value)) => self.flag(&name, value, Some(word_of(j))),
                None => self.unknown_flags.push(field.clone()),
            }
            j += 1;
        }
    }

    fn flag(&mut self, name: &str, value: Option<Value>, word: Option<&'a Word>) {
        match (name, value, word) {
            ("trimpath", v, _) => self.trimpath = !matches!(v, Some(Value::Known(ref f)) if f == "false"),
            ("ldflags", Some(v), Some(w)) => self.ldflags = Some((v, w)),
            ("o", Some(v), Some(w)) => self.output = Some((v, w)),
            ("mod", Some(v), _) => self.mod_flag = Some(v),
            ("gcflags", Some(v), _) => self.other_flags.push(format!("-gcflags={}", release_gcflags(&v))),
            (name, v, _) => self.other_flags.push(format!("-{name}={}", v.map_or_else(String::new, |v| v.display()))),
        }
    }

    /// The known, non-empty value of `name` (the go command reads an empty one as unset).
    pub fn env_value(&self, name: &str) -> Option<&str> {
        match self.env.get(name).map(|s| &s.value) {
            Some(Value::Known(v)) if !v.is_empty() => Some(v),
            _ => None,
        }
    }

    /// Whether `name` is set to something, known or not (`GOOS= go build` is a host build).
    pub fn env_set(&self, name: &str) -> bool {
        self.env.get(name).is_some_and(|s| s.value != Value::Known(String::new()))
    }

    /// Whether the external linker is asked for a static executable (`-extldflags -static`):
    /// with cgo on, it then needs no C library loader at run time.
    pub fn links_statically(&self) -> bool {
        let Some((ldflags, _)) = &self.ldflags else { return false };
        let fields = ldflags.split_quoted();
        fields.iter().enumerate().any(|(i, field)| {
            let value = match field.as_known() {
                Some("-extldflags" | "--extldflags") => fields.get(i + 1).cloned(),
                _ => field.strip_prefix("-extldflags=").or_else(|| field.strip_prefix("--extldflags=")),
            };
            value.is_some_and(|v| v.display().split_whitespace().any(|w| w == "-static" || w == "-static-pie"))
        })
    }
}

/// `-name`, `--name` or `-name=value`, when the name is known.
/// The name `go build` and `go install` give the executable of the main package at
/// `import_path`: its last element, or the one before a major version suffix (cmd/go's
/// isVersionElement: `v2`, `v10`; not `v0`, `v1` or `v1x`).
pub fn program_name(import_path: &str) -> Option<&str> {
    let major_suffix = |e: &str| {
        e.len() >= 2
            && e.starts_with('v')
            && e[1..].bytes().all(|b| b.is_ascii_digit())
            && !e[1..].starts_with('0')
            && e != "v1"
    };
    let mut elements = import_path.trim_end_matches('/').rsplit('/');
    let last = elements.next()?;
    let name = if major_suffix(last) { elements.next()? } else { last };
    // `./...` names packages, not one program.
    (!name.is_empty() && name != "." && name != ".." && !name.contains(['$', '*']) && !name.contains("..."))
        .then_some(name)
}

/// What xgo's image builds for (techknowlogick/xgo, docker/base/build.sh).
const XGO_TARGETS: &[(&str, &str)] = &[
    ("linux", "amd64"),
    ("linux", "386"),
    ("linux", "arm-5"),
    ("linux", "arm-6"),
    ("linux", "arm-7"),
    ("linux", "arm64"),
    ("linux", "mips64"),
    ("linux", "mips64le"),
    ("linux", "mips"),
    ("linux", "mipsle"),
    ("linux", "ppc64le"),
    ("linux", "riscv64"),
    ("linux", "s390x"),
    ("windows", "amd64"),
    ("windows", "386"),
    ("darwin", "amd64"),
    ("darwin", "arm64"),
    ("freebsd", "amd64"),
];

/// The platforms gox builds by default (those its table marks `Default` for current Go
/// releases).
const GOX_DEFAULT_TARGETS: &[(&str, &str)] = &[
    ("darwin", "amd64"),
    ("darwin", "arm64"),
    ("freebsd", "386"),
    ("freebsd", "amd64"),
    ("freebsd", "arm"),
    ("linux", "386"),
    ("linux", "amd64"),
    ("linux", "arm"),
    ("linux", "arm64"),
    ("netbsd", "386"),
    ("netbsd", "amd64"),
    ("netbsd", "arm"),
    ("openbsd", "386"),
    ("openbsd", "amd64"),
    ("windows", "386"),
    ("windows", "amd64"),
];

/// gox's targets from its `-os`, `-arch` and `-osarch` lists, as its `PlatformFlag.Platforms`
/// chooses them: the named pairs, every named os with every named arch (with only `-os`, each
/// os's default platforms), or the defaults filtered by `-arch`; `!name` leaves one out.
fn gox_targets(oses: &[String], arches: &[String], pairs: &[String]) -> Vec<(String, String)> {
    let (excluded_os, os): (Vec<&str>, Vec<&str>) = partition_excluded(oses);
    let (excluded_arch, arch): (Vec<&str>, Vec<&str>) = partition_excluded(arches);
    let (excluded_pairs, pairs): (Vec<&str>, Vec<&str>) = partition_excluded(pairs);
    let mut targets: Vec<(String, String)> =
        pairs.iter().filter_map(|p| p.split_once('/')).map(|(o, a)| (o.to_string(), a.to_string())).collect();
    let defaults = GOX_DEFAULT_TARGETS.iter().map(|&(o, a)| (o.to_string(), a.to_string()));
    match (os.is_empty(), arch.is_empty()) {
        (false, false) => targets.extend(os.iter().flat_map(|o| arch.iter().map(|a| (o.to_string(), a.to_string())))),
        (false, true) => targets.extend(defaults.filter(|(o, _)| os.contains(&o.as_str()))),
        _ if targets.is_empty() => {
            targets.extend(defaults.filter(|(_, a)| arch.is_empty() || arch.contains(&a.as_str())))
        }
        _ => {}
    }
    targets.retain(|(o, a)| {
        !excluded_os.contains(&o.as_str())
            && !excluded_arch.contains(&a.as_str())
            && !excluded_pairs.contains(&format!("{o}/{a}").as_str())
    });
    let mut seen = std::collections::HashSet::new();
    targets.retain(|t| seen.insert(t.clone()));
    targets
}

/// The targets of xgo's comma-separated `-targets` (`linux/amd64,windows-10.0/*`): `*` for
/// an OS or an architecture stands for every one its image builds for that part. `arm` is
/// ARM level 5, as xgo builds it.
fn xgo_targets(pairs: &[String]) -> Vec<(String, String)> {
    let mut targets = Vec::new();
    for pair in pairs {
        let Some((os, arch)) = pair.split_once('/') else { continue };
        for &(known_os, known_arch) in XGO_TARGETS {
            let os_matches = os == "*" || os == known_os || os.split_once('-').is_some_and(|(o, _)| o == known_os);
            let arch = if arch == "arm" { "arm-5" } else { arch };
            if os_matches && (arch == "*" || arch == known_arch) {
                let os = if os == "*" { known_os } else { os };
                targets.push((os.to_string(), known_arch.to_string()));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    targets.retain(|t| seen.insert(t.clone()));
    targets
}

/// A list's names and the names it excludes with `!`.
fn partition_excluded(list: &[String]) -> (Vec<&str>, Vec<&str>) {
    let (excluded, named): (Vec<&str>, Vec<&str>) = list.iter().map(String::as_str).partition(|n| n.starts_with('!'));
    (excluded.iter().map(|n| &n[1..]).collect(), named)
}

/// `template` with each `{{.Field}}` of `fields` replaced by its value, in the known text.
fn fill_template(template: &Value, fields: &[(&str, &Value)]) -> Value {
    let mut b = Builder::default();
    for piece in template.pieces() {
        match piece {
            Piece::Text(mut text) => {
                while let Some((at, (field, value))) =
                    fields.iter().filter_map(|f| text.find(f.0).map(|at| (at, f))).min_by_key(|(at, _)| *at)
                {
                    b.push_str(&text[..at]);
                    b.push(value);
                    text = text[at + field.len()..].to_string();
                }
                b.push_str(&text);
            }
            Piece::Hole(h) => b.push_hole(h),
        }
    }
    b.build()
}

fn flag_parts(field: &Value) -> Option<(String, Option<Value>)> {
    let flag = field.strip_prefix("-")?;
    let flag = flag.strip_prefix("-").unwrap_or(flag);
    match flag.split_once('=') {
        Some((Value::Known(name), value)) => Some((name, Some(value))),
        Some(_) => None,
        None => Some((flag.as_known()?.to_string(), None)),
    }
}

/// Splits a flag string the way cmd/go's `quoted.Split` does: spaces separate fields, and a
/// field may be wrapped in single or double quotes.
pub fn split_quoted(s: &str) -> Vec<String> {
    Value::known(s).split_quoted().iter().map(Value::display).collect()
}

/// The `-X` assignments in a linker flag list whose target is literal text, later ones
/// overriding earlier ones for a target. The value may have holes (`-X main.v=$(git describe)`).
pub fn x_assignments(ldflags: &Value) -> Vec<(String, Value)> {
    let fields = ldflags.split_quoted();
    let mut found: Vec<(String, Value)> = Vec::new();
    let mut i = 0;
    while i < fields.len() {
        let f = &fields[i];
        let arg = match f.as_known() {
            Some("-X" | "--X") => {
                i += 1;
                fields.get(i).cloned()
            }
            _ => f.strip_prefix("-X=").or_else(|| f.strip_prefix("--X=")),
        };
        if let Some((Value::Known(target), value)) = arg.and_then(|a| a.split_once('=')) {
            found.retain(|(t, _)| *t != target);
            found.push((target, value));
        }
        i += 1;
    }
    found
}

/// `x_assignments` of flags that are all text (as a binary records them).
pub fn x_assignments_text(ldflags: &str) -> Vec<(String, String)> {
    x_assignments(&Value::known(ldflags)).into_iter().map(|(t, v)| (t, v.display())).collect()
}

/// Whether `-gcflags` text turns optimizations off (`-N`, also per package: `all=-N -l`, as
/// `pattern=flags` applies the flags to the packages the pattern matches).
fn debugging(gcflags: &str) -> bool {
    let flags = gcflags.split_once('=').filter(|(pattern, _)| !pattern.starts_with('-')).map_or(gcflags, |(_, f)| f);
    flags.split_whitespace().any(|w| w.trim_matches(['\'', '"']) == "-N")
}

/// `-gcflags` as the release builds it: a choice the file leaves open between debugging flags
/// and others (`all=-N -l` when DBG=1, else none) is read as the build without them, its
/// documented default.
fn release_gcflags(gcflags: &Value) -> String {
    let alternatives = gcflags.alternatives().unwrap_or_default();
    alternatives.iter().map(Value::display).find(|a| !debugging(a)).unwrap_or_else(|| gcflags.display())
}

/// A field `NAME=value` as an assignment (`CGO_ENABLED=0`, not `--tags=x` or `1=a`).
pub fn assignment(field: &Value) -> Option<(String, Value)> {
    let (name, value) = field.split_once('=')?;
    let name = name.as_known()?;
    let identifier = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    identifier.then(|| (name.to_string(), value))
}

/// Whether `-ldflags` words set the linker's `-s` (no symbol table) and `-w` (no DWARF), as
/// its boolean flags are written: `-s`, `--s`, `-s=true`, `-s=1`, `-s=t` (`-s=false` does not).
pub fn linker_strips(flags: &str) -> (bool, bool) {
    let set = |name: &str| {
        flags.split_whitespace().any(|f| {
            let f = f.trim_matches(['"', '\'']).trim_start_matches('-');
            f.strip_prefix(name).is_some_and(|v| matches!(v, "" | "=true" | "=1" | "=t"))
        })
    };
    (set("s"), set("w"))
}

/// A variable a launcher sets for the program it runs: its field, name and value.
pub type LauncherSetting = (usize, String, Value);

/// The program a command runs behind its launchers (see [`launched`]).
#[derive(Debug)]
pub struct Launch {
    /// The field the program starts at.
    pub program: usize,
    /// What the launchers set for it, each `NAME=value` with its field.
    pub env: Vec<LauncherSetting>,
    /// The field of the image a `docker run`/`podman run` runs it in.
    pub image: Option<usize>,
}

/// Where the program a command runs starts among its fields, past the launchers that run the
/// rest of the line, and the environment they give it (each `NAME=value` with its field):
/// `env [options] NAME=value...`, `exec`, `time`, `nice`, `nohup`, `command`, `sudo` and
/// `setpriv` with their options, `gosu USER`/`su-exec USER`, and `docker run [options] IMAGE`
/// with its `-e NAME=value`. A `NAME=value` field is an assignment make expanded into the
/// recipe (`GO_ENV = CGO_ENABLED=0` then `$(GO_ENV) go build`): the shell sees it as one.
pub fn launched(argv: &[Value]) -> Option<Launch> {
    let mut i = 0;
    let mut env = Vec::new();
    let mut image = None;
    loop {
        if let Some((name, value)) = argv.get(i).and_then(assignment) {
            env.push((i, name, value));
            i += 1;
            continue;
        }
        let program = argv.get(i)?;
        match program.file_name().unwrap_or_default() {
            "exec" | "time" | "nice" | "nohup" | "command" => i += 1,
            "sudo" | "setpriv" => {
                i += 1;
                while argv.get(i).is_some_and(|a| a.starts_with("-")) {
                    i += 1;
                }
            }
            "gosu" | "su-exec" => i += 2,
            // `docker run [options] IMAGE go build ...`: the build runs in the container, with
            // the environment `-e`/`--env NAME=value` gives it.
            "docker" | "podman" if argv.get(i + 1).and_then(Value::as_known) == Some("run") => {
                i += 2;
                loop {
                    let word = argv.get(i)?;
                    let Some(option) = word.as_known().filter(|w| w.starts_with('-')) else {
                        image = Some(i);
                        i += 1;
                        break;
                    };
                    // `--` ends the options: the image follows.
                    if option == "--" {
                        image = Some(i + 1);
                        i += 2;
                        break;
                    }
                    let (flag, inline) = match option.split_once('=') {
                        Some((flag, value)) => (flag, Some(value)),
                        None => (option, None),
                    };
                    // Flags without a value: `--rm`, `-it` and the like.
                    let boolean = matches!(
                        flag,
                        "--rm" | "--init" | "--privileged" | "--interactive" | "--tty" | "--detach" | "--read-only"
                    ) || (!flag.starts_with("--")
                        && flag.len() > 1
                        && flag[1..].bytes().all(|b| b"itdq".contains(&b)));
                    if matches!(flag, "-e" | "--env") {
                        let value = match inline {
                            Some(_) => word.split_once('=').map(|(_, v)| v),
                            None => argv.get(i + 1).cloned(),
                        };
                        if let Some((name, value)) = value.as_ref().and_then(assignment) {
                            env.push((i, name, value));
                        }
                    }
                    i += if boolean || inline.is_some() { 1 } else { 2 };
                }
            }
            "env" => {
                i += 1;
                while let Some(a) = argv.get(i) {
                    match assignment(a) {
                        Some((name, value)) => {
                            env.push((i, name, value));
                            i += 1;
                        }
                        None if a.starts_with("-") => i += 1,
                        None => break,
                    }
                }
            }
            _ => return Some(Launch { program: i, env, image }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linker_strip_flags_as_the_linker_reads_them() {
        assert_eq!(linker_strips("-s -w -X main.v=1"), (true, true));
        assert_eq!(linker_strips("'-s=true' --w=1"), (true, true));
        assert_eq!(linker_strips("-s=false -w=t"), (false, true));
        assert_eq!(linker_strips("-X main.s=1 -extldflags -static"), (false, false));
    }

    #[test]
    fn x_assignments_follow_the_linker() {
        let got = x_assignments(&Value::known(
            "-s -w -X main.version=v1 -X=main.commit=abc '-X' \"main.date=2024 01\" -X main.version=v2",
        ));
        assert_eq!(
            got,
            [
                ("main.commit".to_string(), Value::known("abc")),
                ("main.date".to_string(), Value::known("2024 01")),
                ("main.version".to_string(), Value::known("v2"))
            ]
        );
    }
    use crate::shell::{Env, evaluate, parse};

    /// (output, trimpath, GOOS, ldflags) of each build.
    type Summary = (Option<Value>, bool, Option<String>, Option<String>);

    fn builds(src: &str) -> Vec<Summary> {
        let items = parse(src, 0);
        let ev = evaluate(&items, &mut Env::default(), &crate::budget::Budget::default());
        ev.iter()
            .flat_map(BuildInvocation::from_command)
            .map(|b| {
                let goos = b.env_value("GOOS").map(str::to_string);
                (b.output.map(|(v, _)| v), b.trimpath, goos, b.ldflags.map(|(v, _)| format!("{v:?}")))
            })
            .collect()
    }

    #[test]
    fn reads_flags_env_and_output() {
        let got = builds(
            "export GOFLAGS=-trimpath\nfor os in linux windows; do CGO_ENABLED=0 GOOS=$os go build -ldflags '-s -w' -o bin/app ./cmd/app; done\nenv GOOS=darwin go build -o=x .\ngo vet ./...\n",
        );
        assert_eq!(got.len(), 3);
        assert_eq!(
            got[0],
            (Some(Value::Known("bin/app".into())), true, Some("linux".into()), Some("Known(\"-s -w\")".into()))
        );
        assert_eq!(got[1].2.as_deref(), Some("windows"));
        assert_eq!(got[2].0, Some(Value::Known("x".into())));
        assert_eq!(got[2].2.as_deref(), Some("darwin"));
    }

    #[test]
    fn dash_c_changes_folder_before_or_right_after_the_subcommand() {
        for src in [
            "go -C tools build -o bin/notes ./notes\n",
            "go build -C tools -o bin/notes ./notes\n",
            "go build -C=tools ./notes\n",
        ] {
            let items = parse(src, 0);
            let ev = evaluate(&items, &mut Env::default(), &crate::budget::Budget::default());
            let inv = ev.iter().flat_map(BuildInvocation::from_command).next().expect(src);
            assert_eq!(inv.dir, Some(Value::known("tools")), "{src}");
            let packages: Vec<String> = inv.packages.iter().map(|(p, _)| p.display()).collect();
            assert_eq!(packages, ["./notes"], "{src}");
        }
    }
}
