//! Which text files are build definitions, and what they say: every `go build` they run (with
//! its Dockerfile stage), read once per file for all rules.

use super::actions;
use super::budget::Budget;
use super::build_actions;
use super::ci::{self, Pipeline};
use super::dockerfile::{self, Dockerfile, Stage};
use super::gitlab;
use super::gobuild::BuildInvocation;
use super::goprog;
use super::goreleaser::{self, Goreleaser};
use super::gosrc::{Module, ModuleCache};
use super::images::BaseImage;
use super::ko;
use super::link::{self, Caller, Keeping};
use super::makefile::{self, Makefile};
use super::promu;
use super::shell::{self, Env, Item, Value};
use super::text::{LineIndex, Origins, Span};
use super::tree::Tree;
use super::value::Piece;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The kinds of build definition shiplint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Dockerfile,
    Shell,
    /// A PowerShell script (`build.ps1`), read as the shell script it rewrites to (see
    /// `powershell`); its `Defs` are those of a shell script.
    PowerShell,
    Makefile,
    GithubWorkflow,
    /// A local GitHub action's `action.yml` (composite steps, or a Docker action's image).
    GithubAction,
    GitlabCi,
    /// A CircleCI config (`.circleci/config.yml`).
    CircleCi,
    /// A Drone CI file (`.drone.yml`).
    Drone,
    /// A go-task file (`Taskfile.yml`), read as the Makefile it rewrites to (see `taskfile`);
    /// its `Defs` are those of a Makefile.
    Taskfile,
    Goreleaser,
    /// promu's `.promu.yml`.
    Promu,
    /// ko's `.ko.yaml`: the settings of the `ko build` commands that run where it is.
    KoConfig,
    /// snapcraft's `snapcraft.yaml`: each part's `override-build` script builds what the snap
    /// ships.
    Snapcraft,
    /// A Go program that runs `go build` through `exec.Command` (a release or cross-compile
    /// driver); other Go files are not build definitions.
    GoProgram,
}

impl Kind {
    /// What a file of this kind is, in words.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Dockerfile => "a Dockerfile",
            Kind::Shell => "a shell script",
            Kind::PowerShell => "a PowerShell script",
            Kind::Makefile => "a Makefile",
            Kind::GithubWorkflow => "a GitHub workflow",
            Kind::GithubAction => "a GitHub action",
            Kind::GitlabCi => "a GitLab CI file",
            Kind::CircleCi => "a CircleCI config",
            Kind::Drone => "a Drone CI file",
            Kind::Taskfile => "a task file",
            Kind::Goreleaser => "a goreleaser config",
            Kind::Promu => "a promu config",
            Kind::KoConfig => "a ko config",
            Kind::Snapcraft => "a snapcraft file",
            Kind::GoProgram => "Go source",
        }
    }

    /// A CI pipeline that runs on its own (not a local action, which runs in a job that uses it).
    pub fn is_pipeline(self) -> bool {
        matches!(self, Kind::GithubWorkflow | Kind::GitlabCi | Kind::CircleCi | Kind::Drone)
    }

    /// What CI runs: a pipeline, or a local action its jobs use.
    pub fn is_ci(self) -> bool {
        self.is_pipeline() || self == Kind::GithubAction
    }

    /// YAML admits UTF-16 with a byte-order mark (go-yaml, which goreleaser and promu use, reads
    /// it); docker, sh, make and the Go compiler read UTF-8 only.
    fn admits_utf16(self) -> bool {
        matches!(
            self,
            Kind::GithubWorkflow
                | Kind::GithubAction
                | Kind::GitlabCi
                | Kind::CircleCi
                | Kind::Drone
                | Kind::Taskfile
                | Kind::Goreleaser
                | Kind::Promu
                | Kind::KoConfig
                | Kind::Snapcraft
        )
    }
}

/// A build definition's bytes as text, with a note when they were not plain UTF-8. UTF-16 is
/// decoded where the file's own reader accepts it and refused elsewhere. Other bytes that are not
/// UTF-8 (a Latin-1 name in a comment) are read as `?`, one byte for one, so that every span still
/// points at the file's own bytes and the rest of the file is judged.
pub fn decode(bytes: Vec<u8>, kind: Kind) -> Result<(String, Option<String>), String> {
    let utf16 = match bytes.get(..2) {
        Some([0xff, 0xfe]) => Some(u16::from_le_bytes as fn([u8; 2]) -> u16),
        Some([0xfe, 0xff]) => Some(u16::from_be_bytes as fn([u8; 2]) -> u16),
        _ => None,
    };
    if let Some(unit) = utf16 {
        if !kind.admits_utf16() {
            return Err(format!("UTF-16 text, which {} cannot be: save it as UTF-8 (not read)", kind.noun()));
        }
        let units = bytes[2..].chunks_exact(2).map(|c| unit([c[0], c[1]]));
        let text = char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect();
        return Ok((text, Some("UTF-16 text, read as such (fixes are not applied to it)".to_string())));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, None)),
        Err(e) => {
            let mut bytes = e.into_bytes();
            let mut replaced = 0;
            let mut at = 0;
            while let Err(e) = std::str::from_utf8(&bytes[at..]) {
                let bad = at + e.valid_up_to();
                let len = e.error_len().unwrap_or(bytes.len() - bad);
                bytes[bad..bad + len].fill(b'?');
                replaced += len;
                at = bad + len;
            }
            let text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
            Ok((text, Some(format!("{replaced} bytes that are not UTF-8 read as `?` (fixes are not applied to it)"))))
        }
    }
}

/// Recognises a build definition by name, or a shell script by its `#!` line.
pub fn kind_of(path: &Path, head: &[u8]) -> Option<Kind> {
    let name = path.file_name()?.to_str()?;
    let in_workflows = path.parent().is_some_and(|p| p.ends_with(".github/workflows"));
    if in_workflows && (name.ends_with(".yml") || name.ends_with(".yaml")) {
        return Some(Kind::GithubWorkflow);
    }
    if super::snapcraft::is_snapcraft_file(name) {
        return Some(Kind::Snapcraft);
    }
    // A local action (`uses: ./.github/actions/setup`) is the folder's action.yml.
    if name == "action.yml" || name == "action.yaml" {
        return Some(Kind::GithubAction);
    }
    let lower = name.to_ascii_lowercase();
    let in_gitlab_ci = path.parent().is_some_and(|p| p.ends_with(".gitlab/ci"));
    if lower.ends_with(".gitlab-ci.yml")
        || lower.ends_with(".gitlab-ci.yaml")
        || (in_gitlab_ci && (lower.ends_with(".yml") || lower.ends_with(".yaml")))
    {
        return Some(Kind::GitlabCi);
    }
    // `config.yml`, and the `continue_config.yml` a setup workflow continues with.
    if path.parent().is_some_and(|p| p.ends_with(".circleci")) && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
    {
        return Some(Kind::CircleCi);
    }
    if lower == ".drone.yml" || lower == ".drone.yaml" {
        return Some(Kind::Drone);
    }
    if super::taskfile::is_taskfile(&lower, head) {
        return Some(Kind::Taskfile);
    }
    // `Dockerfile-arm`, `Dockerfile_build`: a suffix with no extension is a variant, as `docker
    // build -f` takes any name (`Dockerfile-notes.md` is not one).
    let variant =
        |stem: &str| lower.strip_prefix(stem).is_some_and(|rest| rest.starts_with(['-', '_']) && !rest.contains('.'));
    // `Dockerfile.5.md` is the manual page of the Dockerfile format, not a Dockerfile.
    let document = [".md", ".txt", ".rst", ".adoc", ".html"].iter().any(|e| lower.ends_with(e));
    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.") && !document
        || lower.ends_with(".dockerfile")
        || variant("dockerfile")
        || variant("containerfile")
    {
        return Some(Kind::Dockerfile);
    }
    // `.promu.yml`, and the variants projects pass with `--config` (`.promu-cgo.yml`).
    if (lower.starts_with(".promu.") || lower.starts_with(".promu-"))
        && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
    {
        return Some(Kind::Promu);
    }
    // `.ko.yaml`, and the files `KO_CONFIG_PATH` names (`release.ko.yaml`).
    if lower.ends_with(".ko.yaml") || lower.ends_with(".ko.yml") {
        return Some(Kind::KoConfig);
    }
    if lower.ends_with(".go") && !lower.ends_with("_test.go") {
        return Some(Kind::GoProgram);
    }
    if lower.ends_with(".sh") || lower.ends_with(".bash") {
        return Some(Kind::Shell);
    }
    if lower.ends_with(".ps1") {
        return Some(Kind::PowerShell);
    }
    // `.goreleaser.yaml` and the variants passed with `--config` (`.goreleaser-nightly.yml`,
    // `goreleaser-canary.yml`, `.goreleaser.beta.yml`, `.goreleaser_ui.yaml`), and templates a
    // project renders into one (`.goreleaser.yml.tmpl`: see `goreleaser::render_template`).
    // Configs kept together in a `.goreleaser/` folder (`.goreleaser/linux.yml`) count too.
    let untemplated = goreleaser::TEMPLATE_SUFFIXES.iter().find_map(|s| lower.strip_suffix(s)).unwrap_or(&lower);
    let stem = untemplated.strip_suffix(".yml").or_else(|| untemplated.strip_suffix(".yaml"));
    let in_goreleaser_dir =
        path.parent().and_then(|p| p.file_name()).is_some_and(|d| d == ".goreleaser" || d == "goreleaser");
    if stem
        .map(|s| s.trim_start_matches('.'))
        .and_then(|s| s.strip_prefix("goreleaser"))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['-', '.', '_']))
        || (stem.is_some() && in_goreleaser_dir)
    {
        return Some(Kind::Goreleaser);
    }
    // `Makefile.release`, `Makefile.cross-compiles`: a file `make -f` runs. Not autotools'
    // templates (`Makefile.in`, `Makefile.am`), which are not make's input yet.
    let makefile_variant = ["makefile", "gnumakefile"].iter().any(|stem| {
        lower.strip_prefix(stem).is_some_and(|rest| {
            let data = [".yml", ".yaml", ".json", ".toml"].iter().any(|e| rest.ends_with(e));
            rest.starts_with(['.', '-', '_']) && !document && !data && !matches!(rest, ".in" | ".am" | ".bak" | ".orig")
        })
    });
    if matches!(name, "Makefile" | "makefile" | "GNUmakefile")
        || makefile_variant
        || lower.ends_with(".mk")
        || lower.ends_with(".make")
        || lower.ends_with(".makefile")
    {
        return Some(Kind::Makefile);
    }
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let shebang = std::str::from_utf8(first_line).ok()?.strip_prefix("#!")?;
    let interpreter = shebang.split_whitespace().collect::<Vec<_>>();
    let prog = match interpreter.as_slice() {
        [env, prog, ..] if env.ends_with("/env") => prog.trim_start_matches("-S"),
        [prog, ..] => prog.rsplit('/').next().unwrap_or(prog),
        [] => return None,
    };
    matches!(prog, "sh" | "bash" | "dash" | "ash" | "ksh" | "zsh").then_some(Kind::Shell)
}

/// One `go build`, and where it runs: the Dockerfile stage, or the CI runner (matrix combination).
pub struct Build<'a> {
    pub invocation: BuildInvocation<'a>,
    pub stage: Option<usize>,
    /// Builds on different runners never share a file system (0 outside CI matrices).
    pub runner: usize,
    /// The Makefile target, CI job or Dockerfile stage name the build belongs to.
    pub context: Option<String>,
    /// Who ran the file for this evaluation (a Dockerfile `RUN make`, a CI step running a
    /// script); `None` for the file read on its own.
    pub via: Option<Arc<Caller>>,
    /// The goal a caller's `make` run was for, when this build's target is its prerequisite
    /// (`make local-cross` runs `bin/app.%` for each platform): what the build is for.
    pub goal: Option<String>,
}

/// Where a script runs: stage, runner, the name of the target, job or stage around it, and who
/// called the file.
struct Place {
    stage: Option<usize>,
    runner: usize,
    context: Option<String>,
    via: Option<Arc<Caller>>,
}

/// A parsed build definition, shared by the rules.
pub struct Defs<'a> {
    pub path: &'a str,
    /// The text read: the file's own, or for a Makefile, the file with the files it includes
    /// read in place (see `origins`).
    pub text: &'a str,
    /// The file's own text (its suppression comments are there).
    pub file_text: &'a str,
    /// Where the pieces of `text` come from, when it is more than the file's own text.
    pub origins: Option<&'a Origins>,
    pub kind: Kind,
    pub lines: LineIndex,
    pub dockerfile: Option<&'a Dockerfile>,
    pub workflow: Option<&'a Pipeline>,
    pub goreleaser: Option<&'a Goreleaser>,
    /// Where the Go modules of the scan are read from (none when checking text alone).
    pub modules: Option<&'a ModuleCache>,
    /// The path named on the command line that the file was found under.
    pub scan_root: Option<&'a Path>,
    /// The files of the repository the scan root holds (none when it is not a repository's top).
    pub tree: Option<&'a Tree>,
    pub builds: Vec<Build<'a>>,
    /// For a CI pipeline: what its steps wrote to `$GITHUB_ENV` and `$GITHUB_OUTPUT`.
    pub github_env: GithubEnv,
    /// Every shell assignment in the file (name, value word), for tracing where a value came from.
    pub assignments: Vec<(&'a str, &'a shell::Word)>,
    /// Every command run (one entry per command and target or job, its first evaluation).
    pub commands: Vec<Command>,
    /// Why evaluation stopped early, when a cap of the budget was hit (what was read is judged).
    pub notes: Vec<String>,
    /// Files the definition names that were not read (outside the repository, not regular, too large).
    pub refused: std::sync::Mutex<Vec<String>>,
    /// While a run of a command in vendored code is judged (a shared build system's `go build`
    /// a Makefile includes from `vendor/`), the project's own line that ran it: findings are
    /// said there, where the project chose what was built (see [`Defs::project_place`]).
    pub reported_at: std::sync::Mutex<Option<(String, Span)>>,
    /// The parsed file, for evaluating it again as others call it.
    parsed: &'a Parsed,
    /// Commands of this file that ran another build definition, and how many builds that made.
    pub linked: Vec<Linked>,
    /// Commands of this file that run another file's builds in a container (`docker run
    /// golang:1.21 make build`): the command's span, the image, and whether a build it runs
    /// ships. Filled once the whole scan is linked.
    pub container_runs: Vec<ContainerRun>,
    /// Where a build definition of the same scan notarizes macOS software (`path:line`): the
    /// release path of every darwin build is taken to pass through it.
    pub notarized_in: Option<String>,
    /// The newest Go minor release (1.N) known: releases older than N-1 get no security fixes.
    pub newest_go_minor: u32,
    /// For a goreleaser config: whether a run of goreleaser in the scanned tree that reads it
    /// releases (`None` when nothing in the tree runs it: it is taken to release).
    pub goreleaser_released: Option<bool>,
    /// A goreleaser config of the scan releases, or a CI workflow of the scan that a release
    /// runs builds Go and publishes it itself: the project's releases are made there, so a
    /// Makefile or script cross-compiling or stripping is no sign of a release by itself.
    pub releases_elsewhere: bool,
    /// For a Dockerfile: a goreleaser config of the scan that releases packs its builds into it
    /// (`dockers:`, `dockers_v2:`): its image ships a Go program it never builds itself.
    pub packed_by_goreleaser: bool,
    /// For a Dockerfile: the build arguments the goreleaser entries that pack it pass
    /// (`--build-arg=BUILD_DATE={{.Date}}`), each with where it is written.
    pub passed_build_args: Vec<PassedBuildArg>,
    /// A GitHub Docker action of the scan runs this Dockerfile's image (`runs.image`), which
    /// GitHub starts as root.
    pub github_action_image: bool,
    /// A release workflow of the scan pushes this Dockerfile's image (`path:line` of the step):
    /// it is released whatever its folder or name says (`test/sample/Dockerfile`).
    pub published_by: Option<String>,
    /// For a reusable workflow (`on: workflow_call`): the job of a releasing workflow that runs
    /// it (`path:line`): its artifacts are kept for that release.
    pub run_by_release: Option<String>,
    /// For a ko config: how the scan's ko builds that push their images use it.
    pub ko_published: Option<ko::Published>,
    /// Another build definition of the scan runs this one (`docker build -f`, `make`, `./x.sh`).
    pub run_by_another: bool,
    /// Another build definition runs this one from a place not named for tests, development or
    /// tooling (an image that only `make docker-dev` or an e2e workflow builds is not).
    pub run_for_release: bool,
    /// The Dockerfiles of the scan whose images do not ship (see `not_for_release`), known once
    /// the scan is linked: what a `RUN` of theirs runs does not ship through them.
    pub images_not_shipped: Arc<Vec<String>>,
    /// For a Dockerfile: an image build of the scan starts a container of the image where it
    /// builds it, and pushes nothing (see [`Defs::image_only_run_where_built`]).
    pub image_run_where_built: bool,
    /// For a Dockerfile: an image build of the scan does something else with the image (a CI
    /// action's build, a build that runs nothing of it).
    pub image_built_otherwise: bool,
    /// For a Dockerfile: the tags the scan's image builds give its image.
    pub built_as: Vec<String>,
    /// The tags of images the scan builds that run their program as non-root (a base image of
    /// the project's own, `FROM kumahq/static:no-push-amd64`).
    pub nonroot_images_built: Arc<Vec<String>>,
    /// The names of the programs the scan's Go builds write (`bin/fwatchdog-arm64` gives
    /// `fwatchdog`): an image that installs or starts one ships a Go program.
    pub programs_built_in_scan: Arc<Vec<String>>,
    /// The files of the build context that the published images of the scan copy in, by name,
    /// each with the Dockerfile (`COPY git-chglog /usr/local/bin/` after `make build`).
    pub copied_into_published_images: Arc<Vec<(String, String)>>,
    /// The variables the scan's Makefiles set to a value written out (`BASE_VERSION ?=
    /// master-2026-08-22`): a Dockerfile's build argument of that name is what its builds pass.
    pub variables_set_by_makefiles: Arc<Vec<String>>,
    /// For a Dockerfile: an image build of the scan tags it for development only and pushes
    /// nothing (`docker build -t waypoint:dev .`).
    pub image_tagged_for_development: bool,
    /// For a Dockerfile: the stages the scan's image builds ask for (`docker build --target`,
    /// build-push-action's `target:`; `None`: the last stage), in the order found.
    pub image_targets: Vec<Option<String>>,
    /// For a Dockerfile: an image build of the scan asks for a stage this reader could not
    /// resolve (`--target=$*`, `target: ${{ matrix.target }}`, a bake file's targets), which
    /// may be any.
    pub image_target_unresolved: bool,
    /// For a Dockerfile: the build arguments the scan's image builds pass (each distinct set,
    /// a few at most; `--build-arg BASE_IMAGE=alpine:3.20`, build-push-action's `build-args:`).
    pub image_build_args: Vec<Vec<(String, Value)>>,
    /// For a Dockerfile: the names of the build arguments that every image build of the scan
    /// for a release passes (`None`: no such build found), so that an ARG's default is known to
    /// hold where one of them leaves it (`ARG USERNAME=root` with `USER ${USERNAME}`).
    pub args_every_release_build_passes: Option<BTreeSet<String>>,
    /// For a Dockerfile nothing of the scan builds, or only builds where nothing pushes an
    /// image: the Dockerfile whose image the repository does publish (a release workflow's push,
    /// goreleaser's `dockers:`), when there is one.
    pub published_instead: Option<String>,
    /// For a Dockerfile: an image build of the scan runs it from a place that pushes it or from
    /// a file that pushes images (a `docker-push` target beside `docker-build`), or from a CI
    /// action.
    pub image_built_where_pushed: bool,
    /// What the file's opening comment says it is for (see [`header_purpose`]), read once, on
    /// first use: `not_for_release` asks for each build.
    declared_purpose: std::sync::OnceLock<Option<&'static str>>,
    /// What a README of a folder the file is in (below the scan's root) says the folder is for
    /// (see [`readme_purpose`]).
    pub folder_declared_purpose: Option<&'static str>,
    /// The builds of a Dockerfile that a later build of the same stage redoes (see
    /// `rebuilt_later_in_stage`), found once.
    rebuilt_in_stage: std::sync::OnceLock<std::collections::HashSet<(usize, usize)>>,
}

/// A command that runs another file's builds in a container (see `Defs::container_runs`).
#[derive(Debug, PartialEq)]
pub struct ContainerRun {
    pub span: (usize, usize),
    pub image: Value,
    pub ships: bool,
}

/// A command that ran another build definition of the repository (`RUN make build`).
pub struct Linked {
    pub span: (usize, usize),
    pub stage: Option<usize>,
    pub callee: String,
    /// Where each build of that run writes, as later commands name it (`None` when unknown).
    pub outputs: Vec<Option<String>>,
}

/// A command a script runs, as first evaluated.
pub struct Command {
    pub span: (usize, usize),
    pub argv: Vec<shell::Value>,
    /// The Makefile target, CI job or Dockerfile stage name around it.
    pub context: Option<String>,
    pub stage: Option<usize>,
    pub via: Option<Arc<Caller>>,
    /// The variables the command sees, kept for commands that may run another build file.
    pub env: Option<Vec<(String, Value)>>,
    /// Where the loops and function calls around it start, outermost first.
    pub loops: Vec<usize>,
    /// The folder it runs in, relative to its file's folder (a CI file's: the repository root),
    /// where known: after `cd`, a CI step's `working-directory`, a Dockerfile's WORKDIR.
    pub cwd: Option<Value>,
    /// For a Dockerfile's RUN: which of the image's folders hold the build context's.
    pub folders: Option<Arc<dockerfile::ContextFolders>>,
    /// For a Dockerfile's RUN: the image folder it runs in, where known.
    pub image_dir: Option<String>,
}

impl Command {
    /// The program the command runs, `./` trimmed (`./app --version` runs `app`).
    pub fn program(&self) -> Option<&str> {
        self.argv.first().and_then(Value::as_known).map(|p| p.trim_start_matches("./"))
    }

    /// The file name of the program run through a path, past `exec` (`exec "${root}/tool"`
    /// runs `tool`); `None` for a program named without a folder (found on `PATH`).
    fn program_in_folder(&self) -> Option<&str> {
        let program = self.argv.iter().find(|a| !matches!(a.as_known(), Some("exec" | "command")))?;
        let in_folder = program.pieces().iter().any(|p| matches!(p, Piece::Text(t) if t.contains('/')));
        in_folder.then(|| program.file_name()).flatten()
    }
}

/// What reading a file's scripts collects.
#[derive(Default)]
struct Collected<'a> {
    builds: Vec<Build<'a>>,
    assignments: Vec<(&'a str, &'a shell::Word)>,
    commands: Vec<Command>,
    command_spans: std::collections::HashSet<((usize, usize), Option<String>, usize)>,
    budget: Budget,
    /// For a script read with the files it sources: their ranges of the text read.
    sourced: &'a [(usize, usize)],
    /// Read as a caller runs it: only what its commands call runs, not every function.
    called: bool,
    /// For a CI pipeline: what its steps wrote to `$GITHUB_ENV` and `$GITHUB_OUTPUT`, by job and
    /// runner (see `Defs::ci_env`).
    github_env: GithubEnv,
}

/// What the steps of each job (by job and runner) wrote to `$GITHUB_ENV` and `$GITHUB_OUTPUT`.
pub type GithubEnv = std::collections::HashMap<(usize, usize), Vec<(String, Value)>>;

/// One recipe command of a Makefile (every line of the rule under `.ONESHELL:`).
pub struct Recipe {
    /// The rule's index in the Makefile.
    rule: usize,
    /// The rule's first target.
    target: Option<String>,
    items: Vec<Item>,
    /// The conditionals around the line: make decides them again with a caller's variables.
    conditions: Vec<makefile::Condition>,
    /// For a line of a `define` a recipe line calls: what the call binds, as written (see
    /// `Makefile::defined_lines`).
    bindings: Vec<(String, String)>,
}

/// The parsed forms a `Defs` borrows from.
pub enum Parsed {
    Dockerfile {
        file: Dockerfile,
        runs: Vec<(usize, Vec<Item>, Env, dockerfile::ContextFolders)>,
    },
    /// A shell script; `translated`: the shell a PowerShell script was rewritten to, which its
    /// items are parsed from.
    Shell {
        items: Vec<Item>,
        translated: Option<String>,
        /// The byte ranges of the text read that are files it sources (see
        /// `reach::script_with_sources`): their functions run when the script calls them.
        sourced: Vec<(usize, usize)>,
        /// The Go programs whose output `$(go run ...)` takes.
        printed: Vec<goprog::PrintingProgram>,
    },
    /// A Makefile; `translated`: the Makefile a task file was rewritten to (see `taskfile`),
    /// which it is parsed from.
    Makefile {
        file: Box<Makefile>,
        recipes: Vec<Recipe>,
        values: Vec<(String, shell::Word)>,
        translated: Option<String>,
    },
    Workflow(Pipeline),
    Goreleaser(Goreleaser),
    GoProgram(goprog::GoProgram),
    Promu(promu::Promu),
    KoConfig(ko::KoConfig),
}

/// The most RUN instructions or recipe lines of one file read (real ones have tens), to bound
/// the work a hostile file can cause.
const MAX_RUNS: usize = 1000;
/// Go's GOOS and GOARCH names (`go tool dist list`) and the other spellings release file names
/// use for them.
const PLATFORM_WORDS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "illumos",
    "ios",
    "js",
    "linux",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "macos",
    "386",
    "amd64",
    "arm",
    "arm64",
    "loong64",
    "mips",
    "mips64",
    "mips64le",
    "mipsle",
    "ppc64",
    "ppc64le",
    "riscv64",
    "s390x",
    "wasm",
    "x86_64",
    "aarch64",
];
/// The most distinct sets of build arguments kept per Dockerfile (`Defs::image_build_args`).
const MAX_IMAGE_BUILD_ARGS: usize = 16;

/// Reads a build definition; only YAML can be malformed enough to refuse.
pub fn parse(kind: Kind, text: &str) -> Result<Parsed, String> {
    Ok(match kind {
        Kind::GithubWorkflow => Parsed::Workflow(actions::parse(text)?),
        Kind::GithubAction => Parsed::Workflow(actions::parse_action(text)?),
        Kind::GitlabCi => Parsed::Workflow(gitlab::parse(text)?),
        Kind::CircleCi => Parsed::Workflow(super::circleci::parse(text)?),
        Kind::Drone => Parsed::Workflow(super::drone::parse(text)?),
        Kind::Snapcraft => Parsed::Workflow(super::snapcraft::parse(text)?),
        Kind::Goreleaser => Parsed::Goreleaser(goreleaser::parse(text)?),
        Kind::Promu => Parsed::Promu(promu::parse(text)?),
        Kind::KoConfig => Parsed::KoConfig(ko::KoConfig::parse(text)?),
        Kind::Shell => {
            Parsed::Shell { items: shell::parse(text, 0), translated: None, sourced: Vec::new(), printed: Vec::new() }
        }
        Kind::PowerShell => {
            let translated = super::powershell::to_shell(text);
            let items = shell::parse(&translated, 0);
            Parsed::Shell { items, translated: Some(translated), sourced: Vec::new(), printed: Vec::new() }
        }
        Kind::GoProgram if goprog::may_build(text) => Parsed::GoProgram(goprog::read(text)),
        Kind::GoProgram => Parsed::GoProgram(goprog::GoProgram::default()),
        Kind::Makefile => parse_makefile(makefile::parse(text), text),
        Kind::Taskfile => {
            let make = super::taskfile::to_makefile(text)?;
            match parse_makefile(makefile::parse(&make), &make) {
                Parsed::Makefile { file, recipes, values, .. } => {
                    Parsed::Makefile { file, recipes, values, translated: Some(make) }
                }
                other => other,
            }
        }
        Kind::Dockerfile => parse_dockerfile(text, &BTreeSet::new()),
    })
}

impl Parsed {
    /// Gives a Makefile or script what the Go programs it runs with `go run` print (see
    /// `goprog::printed`); other files take nothing from them.
    pub fn take_printed(&mut self, programs: Vec<goprog::PrintingProgram>) {
        match self {
            Parsed::Shell { printed, .. } => *printed = programs,
            Parsed::Makefile { file, .. } => file.printed = programs,
            _ => {}
        }
    }

    /// The Go programs whose output the file takes.
    pub fn printing_programs(&self) -> &[goprog::PrintingProgram] {
        match self {
            Parsed::Shell { printed, .. } => printed,
            Parsed::Makefile { file, .. } => &file.printed,
            _ => &[],
        }
    }
}

/// The make variable a recipe command runs as its whole command, with no flags of its own:
/// `$(go_build) $@ ./cmd/app` or `$(call BUILD,linux,amd64)`, where the variable holds
/// `go build` and writes its `-ldflags`. Such a build is written where the variable is defined:
/// findings about its flags belong there, once, not at each recipe that runs it.
fn macro_run_by(file: &makefile::Makefile, text: &str, command: (usize, usize)) -> Option<String> {
    let line = text.get(command.0..command.1)?;
    let mut line = &line[file.command_start(text, line)..];
    // Past the environment it sets for the command (`GOOS=windows $(BUILD_COMMAND)`).
    while let Some((word, rest)) = line.split_once([' ', '\t']) {
        let name = word.split_once('=').map(|(name, _)| name);
        if !name.is_some_and(shell::is_name) {
            break;
        }
        line = rest.trim_start();
    }
    // The first word, spaces inside `$(...)` included.
    let mut depth = 0usize;
    let end = line
        .char_indices()
        .find(|&(_, c)| {
            match c {
                '(' | '{' => depth += 1,
                ')' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            depth == 0 && c.is_whitespace()
        })
        .map_or(line.len(), |(i, _)| i);
    let (first, rest) = line.split_at(end);
    if rest.split_whitespace().any(|w| w.starts_with('-')) {
        return None;
    }
    let inner = first
        .strip_prefix("$(")
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| first.strip_prefix("${").and_then(|r| r.strip_suffix('}')))?;
    let name = match inner.strip_prefix("call ") {
        Some(call) => call.split(',').next()?.trim(),
        None => inner,
    };
    shell::names_make_variable(name).then(|| name.to_string())
}

/// Moves each build of a Makefile that a recipe runs through a command variable (see
/// `macro_run_by`) to that variable's definition, when it is defined once.
fn place_at_macros<'a>(
    builds: &mut [Build<'a>],
    file: &makefile::Makefile,
    text: &str,
    values: &'a [(String, shell::Word)],
) {
    for b in builds.iter_mut().filter(|b| !b.invocation.literal_command) {
        let Some(name) = macro_run_by(file, text, b.invocation.span) else { continue };
        // Defined once, or once for the target that runs it (`dist: BUILD = go build ...`).
        let named = || values.iter().zip(&file.vars).filter(|((n, _), _)| *n == name);
        let for_target = |v: &makefile::VarDef| b.context.as_ref().is_some_and(|t| v.targets.contains(t));
        let mut defs = named().filter(|(_, v)| v.targets.is_empty());
        let def = match (defs.next(), defs.next()) {
            (Some(((_, def), _)), None) => def,
            _ => {
                let mut own = named().filter(|(_, v)| for_target(v));
                let (Some(((_, def), _)), None) = (own.next(), own.next()) else { continue };
                def
            }
        };
        // A command template whose flags and output are written elsewhere (`GO_BUILD = $(GO)
        // build $(GO_BUILD_FLAGS)`) leaves them to its callers.
        let written = text.get(def.start..def.end).unwrap_or("");
        let writes = written.contains("-ldflags") || written.contains("-o ");
        if !((written.contains("build") || written.contains("install")) && writes) {
            continue;
        }
        let inv = &mut b.invocation;
        let macro_word = inv.build_word;
        inv.span = (def.start, def.end);
        inv.build_word = inv.span;
        // `-ldflags` the variable holds is written there too.
        if let Some((_, word)) = inv.ldflags.as_mut().filter(|(_, w)| (w.start, w.end) == macro_word) {
            *word = def;
        }
    }
}

/// One shell a recipe runs: its commands, the conditionals around it, and what the `define`
/// call it came from binds (see `Recipe`).
type RecipeShell = (Vec<Item>, Vec<makefile::Condition>, Vec<(String, String)>);

/// Reads a Makefile's recipes (the files it includes are read in place, see
/// `reach::makefile_with_includes`). Each recipe line runs in a shell of its own; under
/// `.ONESHELL:` a rule's lines run in one shell, so what one line exports the next sees.
fn parse_makefile(file: makefile::Makefile, text: &str) -> Parsed {
    let one_shell = file.rules.iter().any(|r| r.targets.iter().any(|t| t == ".ONESHELL"));
    // A rule inside a conditional the file decides against never runs.
    let recipes = file
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| file.rule_applies(text, r) != Some(false))
        .flat_map(|(i, r)| {
            // A recipe line under a conditional the file decides against is not run either.
            let file = &file;
            let lines = r.recipe.iter().filter(move |l| file.holds(text, &l.conditions) != Some(false)).flat_map(|l| {
                let (s, e) = l.span;
                // A line that runs a multi-line `define` runs each of its lines, read where
                // they are written, with what its call binds.
                let defined = file.defined_lines(text, &text[s..e]);
                let (lines, bindings) = match defined {
                    Some(d) => (d.lines, d.bindings),
                    None => (vec![(s, e)], Vec::new()),
                };
                let template = r.template.is_some();
                lines.into_iter().map(move |(s, e)| {
                    let s = s + file.command_start(text, &text[s..e]);
                    let items = match template {
                        true => shell::parse_make_template_recipe(&text[s..e], s),
                        false => shell::parse_make_recipe(&text[s..e], s),
                    };
                    (items, l.conditions.clone(), bindings.clone())
                })
            });
            // One shell for the whole recipe: the rule's own conditionals only.
            let shells: Vec<RecipeShell> = match one_shell {
                true => vec![(lines.flat_map(|(items, _, _)| items).collect(), r.conditions.clone(), Vec::new())],
                false => lines.collect(),
            };
            shells.into_iter().filter(|(items, _, _)| !items.is_empty()).map(move |(items, conditions, bindings)| {
                Recipe { rule: i, target: r.targets.first().cloned(), items, conditions, bindings }
            })
        })
        .take(MAX_RUNS)
        .collect();
    let values =
        file.vars.iter().map(|v| (v.name.clone(), shell::make_value(&text[v.value.0..v.value.1], v.value.0))).collect();
    Parsed::Makefile { file: Box::new(file), recipes, values, translated: None }
}

/// Reads a Dockerfile whose callers pass the build arguments `passed` (see
/// `dockerfile::parse_with_build_args`).
pub fn parse_dockerfile(text: &str, passed: &BTreeSet<String>) -> Parsed {
    let file = dockerfile::parse_with_build_args(text, passed);
    let runs = file
        .run_environments(MAX_RUNS, None)
        .into_iter()
        .map(|run| (run.stage, dockerfile::run_script(text, run.ins), run.env, run.folders))
        .collect();
    Parsed::Dockerfile { file, runs }
}

fn collect_assignments<'a>(items: &'a [Item], out: &mut Vec<(&'a str, &'a shell::Word)>) {
    for item in items {
        match item {
            // `name+=value` is an assignment to `name` too, and each element of `name=(a b)`.
            Item::Command(c) => {
                let bare = |n: &'a String| n.strip_suffix('+').unwrap_or(n);
                out.extend(c.assigns.iter().map(|(n, w)| (bare(n), w)));
                out.extend(c.arrays.iter().flat_map(|(n, ws)| ws.iter().map(move |w| (bare(n), w))));
                // `export NAME=value` (and `readonly`, `declare`, `local`): the whole argument
                // is where NAME is assigned.
                let declares = c
                    .words
                    .first()
                    .and_then(shell::Word::literal)
                    .is_some_and(|w| matches!(w, "export" | "readonly" | "declare" | "local" | "typeset"));
                if declares {
                    out.extend(c.words[1..].iter().filter_map(|w| match w.parts.first() {
                        Some(shell::Part::Lit(text)) => {
                            let (name, _) = text.split_once('=')?;
                            shell::is_name(name).then_some((name, w))
                        }
                        _ => None,
                    }));
                }
            }
            Item::For { body, .. } | Item::Function { body, .. } => collect_assignments(body, out),
            Item::Case { arms, .. } => arms.iter().for_each(|(_, body)| collect_assignments(body, out)),
            Item::If { branches, otherwise } => {
                for (condition, body) in branches {
                    collect_assignments(condition, out);
                    collect_assignments(body, out);
                }
                otherwise.iter().for_each(|body| collect_assignments(body, out));
            }
            Item::Unread(_) => {}
        }
    }
}

/// Whether a `GOFLAGS` value holds `-trimpath`.
fn sets_trimpath(goflags: &Value) -> bool {
    goflags.split_fields().iter().any(|f| matches!(f.as_known(), Some("-trimpath" | "--trimpath" | "-trimpath=true")))
}

/// Whether a target, job, workflow or script name says it makes what is released.
pub fn names_a_release(name: &str) -> bool {
    ["release", "dist", "package", "publish", "ship", "deploy", "cross", "nightly", "upload"]
        .iter()
        .any(|w| name.to_ascii_lowercase().contains(w))
}

/// Whether a name says release without counting `cross`, which names a cross-compile check as
/// often as a release.
pub fn names_a_release_not_cross(name: &str) -> bool {
    names_a_release(&name.to_ascii_lowercase().replace("cross", ""))
}

/// The most distinct runs of one command that runs another build file kept for linking.
const MAX_CALL_RUNS: usize = 16;

/// Evaluates a CI pipeline's `run:` steps: each once per matrix combination, on its own runner
/// (bounded), with what earlier steps of the job appended to `$GITHUB_ENV` and `$GITHUB_OUTPUT`.
/// A local action run by a caller starts from the caller's environment and `with:` inputs
/// (`seed`: plain variables, and `inputs.*`).
fn read_pipeline<'a>(wf: &'a ci::Pipeline, seed: &[(String, Value)], via: Option<Arc<Caller>>, c: &mut Collected<'a>) {
    let evaluations = wf.runs.iter().flat_map(|run| {
        wf.jobs[run.job].combinations.iter().enumerate().map(move |(runner, (_, combo))| (run, runner, combo))
    });
    let mut github_env = GithubEnv::default();
    // What jobs so far give later ones, as `needs.<job>.outputs.<name>` (from their first runner).
    let mut needs: Vec<(String, Value)> = Vec::new();
    for (run, runner, combo) in evaluations.take(MAX_RUNS * 4) {
        let exported: Vec<(String, Value)> =
            needs.iter().chain(github_env.entry((run.job, runner)).or_default().iter()).cloned().collect();
        let mut env = ci::env_for(wf, run.job, combo, &exported, &run.env);
        for (name, value) in seed {
            env.set(name, value.clone(), !name.contains('.'));
        }
        for (path, text) in &wf.files {
            env.set(&super::eval::file_variable(path), Value::known(text), true);
        }
        if !ci::step_runs(run.condition.as_deref(), &env) {
            continue;
        }
        if let Some(dir) = &run.working_directory {
            let dir = env.expand(&shell::ci_value(dir, 0));
            env.set(super::eval::CWD, dir, false);
        }
        let context = Some(wf.jobs[run.job].name.clone());
        let place = Place { stage: None, runner, context, via: via.clone() };
        let writes = read_script(&run.items, env, &place, c);
        // Outputs are read as `steps.<id>.outputs.<name>`, by steps with an `id:` only.
        let exports = writes.into_iter().filter_map(|(outputs, name, value)| match outputs {
            false => Some((name, value)),
            true => run.id.as_ref().map(|id| (format!("steps.{id}.outputs.{name}"), value)),
        });
        github_env.entry((run.job, runner)).or_default().extend(exports);
        let job = &wf.jobs[run.job];
        if runner == 0 && !job.outputs.is_empty() {
            let env = ci::env_for(wf, run.job, combo, &github_env[&(run.job, 0)], &[]);
            for (name, word) in &job.outputs {
                let name = format!("needs.{}.outputs.{name}", job.name);
                needs.retain(|(n, _)| *n != name);
                needs.push((name, env.expand(word)));
            }
        }
    }
    // Actions that build Go themselves, once per matrix combination they run in.
    for step in wf.actions.iter().filter(|a| build_actions::is_go_release_action(a)) {
        let job = &wf.jobs[step.job];
        for (runner, (_, combo)) in job.combinations.iter().enumerate() {
            let exported = github_env.get(&(step.job, runner)).map_or(&[][..], Vec::as_slice);
            let mut env = ci::env_for(wf, step.job, combo, exported, &[]);
            for (name, value) in seed {
                env.set(name, value.clone(), !name.contains('.'));
            }
            if !step.runs_in(Some(&env)) {
                continue;
            }
            let Some(invocation) = build_actions::go_release_action(step, env, &c.budget) else { continue };
            let (context, via) = (Some(job.name.clone()), via.clone());
            c.builds.push(Build { invocation, stage: None, runner, context, via, goal: None });
        }
    }
    // The file's own steps (a local action run by a caller is another pipeline). What earlier
    // jobs give (`needs.<job>.outputs.<name>`) is read by any job's inputs too.
    if via.is_none() {
        for (job, plan) in wf.jobs.iter().enumerate() {
            for runner in 0..plan.combinations.len() {
                let entry = github_env.entry((job, runner)).or_default();
                entry.splice(0..0, needs.iter().cloned());
            }
        }
        c.github_env = github_env;
    }
}

/// Reads one RUN of a Dockerfile's `stage`: a new shell, with the ENV and ARG values of its
/// stage so far (`env`).
fn read_dockerfile_run<'a>(
    file: &Dockerfile,
    stage: usize,
    items: &'a [Item],
    mut env: Env,
    folders: &dockerfile::ContextFolders,
    via: Option<Arc<Caller>>,
    into: &mut Collected<'a>,
) {
    let context = file.stages[stage].name.clone();
    // The golang images set GOPATH=/go (where `go install` writes).
    let golang = file.root_image(stage).is_some_and(|(b, _)| b.go_toolchain);
    if golang && env.get("GOPATH").is_none() {
        env.set("GOPATH", Value::known("/go"), true);
    }
    let first = into.commands.len();
    read_script(items, env, &Place { stage: Some(stage), runner: 0, context, via }, into);
    // Commands run in the image's folders: where a copy of the build context says which of its
    // folders that is, the files they run are found there (`cd /LocalAI/backend && make`);
    // elsewhere as if they had not changed folder.
    let shared = Arc::new(folders.clone());
    for cmd in &mut into.commands[first..] {
        cmd.image_dir = folders.image_dir(cmd.cwd.as_ref());
        cmd.cwd = folders.in_context(cmd.cwd.as_ref());
        cmd.folders = Some(shared.clone());
    }
}

/// Evaluates one shell script (with `env` as its starting environment), keeping its builds and
/// assignments.
/// Reads a script's builds and commands into `into`; returns the `NAME=value` lines it appends
/// to `$GITHUB_ENV` and `$GITHUB_OUTPUT` (see `github_file_writes`).
fn read_script<'a>(
    items: &'a [Item],
    mut env: Env,
    place: &Place,
    into: &mut Collected<'a>,
) -> Vec<(bool, String, Value)> {
    // A function the script never calls runs on its own only when the script is read alone
    // (something may call it), and is its own, not a sourced library's.
    let (sourced, called) = (into.sourced, into.called);
    let entry = |at: usize| !called && !sourced.iter().any(|&(start, end)| (start..end).contains(&at));
    let evaluated = shell::evaluate_with_entries(items, &mut env, &into.budget, &entry);
    into.builds.extend(evaluated.iter().flat_map(BuildInvocation::from_command).map(|invocation| Build {
        invocation,
        stage: place.stage,
        runner: place.runner,
        context: place.context.clone(),
        via: place.via.clone(),
        goal: None,
    }));
    let caller_id = place.via.as_ref().map_or(0, |c| Arc::as_ptr(c) as usize);
    for e in &evaluated {
        let span = (e.command.start, e.command.end);
        let first = into.command_spans.insert((span, place.context.clone(), caller_id));
        // A command that may run another build file is kept once per distinct way it runs (a
        // loop's `GOOS=$os make install` runs make for each platform), and so is one that packs
        // or uploads the files it names; others once.
        // goreleaser's environment reaches the builds it runs (`GOFLAGS=-trimpath`).
        let runs_goreleaser = e.argv.first().and_then(Value::file_name) == Some("goreleaser");
        let env: Option<Vec<(String, Value)>> = (link::may_call(&e.argv) || runs_goreleaser).then(|| {
            let mut env: Vec<_> = e.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            env.sort_by(|a, b| a.0.cmp(&b.0));
            env
        });
        let another_run = !first && (env.is_some() || link::names_kept_files(&e.argv)) && {
            // One pass over the runs kept for this command: how many, and whether this one is among them.
            let kept = into.commands.iter().filter(|c| c.span == span && c.context == place.context);
            let (count, seen) =
                kept.fold((0, false), |(n, seen), c| (n + 1, seen || (c.argv == e.argv && c.env == env)));
            count < MAX_CALL_RUNS && !seen
        };
        if first || another_run {
            into.commands.push(Command {
                span,
                argv: e.argv.clone(),
                context: place.context.clone(),
                stage: place.stage,
                via: place.via.clone(),
                env,
                loops: e.loops.clone(),
                cwd: e.cwd.clone(),
                folders: None,
                image_dir: None,
            });
        }
    }
    if place.via.is_none() {
        collect_assignments(items, &mut into.assignments);
    }
    github_file_writes(&evaluated)
}

/// The `NAME=value` lines commands append to GitHub's `$GITHUB_ENV` and `$GITHUB_OUTPUT` files:
/// `echo "NAME=value" >> "$GITHUB_ENV"`, or an `echo` piped into `tee -a "$GITHUB_ENV"`. Each is
/// (whether it went to the outputs file, name, value).
fn github_file_writes(evaluated: &[shell::Evaluated<'_>]) -> Vec<(bool, String, Value)> {
    let file_of = |w: &shell::Word| {
        let written = shell::flatten(&w.parts);
        match (written.contains("GITHUB_ENV"), written.contains("GITHUB_OUTPUT")) {
            (true, _) => Some(false),
            (_, true) => Some(true),
            _ => None,
        }
    };
    let program = |e: &shell::Evaluated<'_>| e.argv.first().and_then(Value::as_known).map(str::to_string);
    let identifier = |n: &&str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    let mut out = Vec::new();
    for (i, e) in evaluated.iter().enumerate() {
        let piped_into = evaluated.get(i + 1).and_then(|next| {
            let tee = next.command.after == "|" && program(next).as_deref() == Some("tee");
            tee.then(|| next.command.words.iter().find_map(file_of)).flatten()
        });
        let Some(outputs) = e.command.writes_to.iter().find_map(file_of).or(piped_into) else { continue };
        // `cat .github/env >> "$GITHUB_ENV"`: every NAME=value line of the files the reader
        // was given.
        if program(e).as_deref() == Some("cat") {
            let files = e.argv.iter().skip(1).filter_map(|a| e.env.get(&super::eval::file_variable(a.as_known()?)));
            let lines = files.filter_map(Value::as_known).flat_map(str::lines).map(str::trim);
            for (name, value) in lines.filter(|l| !l.starts_with('#')).filter_map(|l| l.split_once('=')) {
                if identifier(&name) {
                    out.push((outputs, name.to_string(), Value::known(value.trim_matches(['"', '\'']))));
                }
            }
            continue;
        }
        if program(e).as_deref() != Some("echo") {
            continue;
        }
        let mut line = super::value::Builder::default();
        let words = e.argv.iter().skip(1).filter(|a| !matches!(a.as_known(), Some("-n" | "-e" | "-E")));
        for (n, arg) in words.enumerate() {
            if n > 0 {
                line.push_str(" ");
            }
            line.push(arg);
        }
        let Some((name, value)) = line.build().split_once('=') else { continue };
        if let Some(name) = name.as_known().filter(identifier) {
            out.push((outputs, name.to_string(), value));
        }
    }
    out
}

/// The builds a release tool's entries make (goreleaser, promu): one per target, each in its own
/// dist folder (so never colliding), up to the budget's cap over all entries.
fn read_tool_builds<'a>(entries: &'a [goreleaser::Build], what: &str, into: &mut Collected<'a>) {
    read_tool_builds_given(entries, what, &[], None, into);
}

/// The builds of a goreleaser or promu config as a caller runs it: in the environment it
/// gives (`given`, which `{{ .Env.NAME }}` reads), one per target.
fn read_tool_builds_given<'a>(
    entries: &'a [goreleaser::Build],
    what: &str,
    given: &[(String, Value)],
    via: Option<Arc<link::Caller>>,
    into: &mut Collected<'a>,
) {
    let total = entries.iter().map(|b| b.target_count).sum();
    let allowed = into.budget.cap_targets(total, what);
    let targets = entries.iter().flat_map(|b| b.targets.iter().enumerate().map(move |t| (b, t)));
    for (b, (runner, target)) in targets.take(allowed) {
        let context = Some(b.id.clone());
        into.builds.push(Build {
            invocation: b.invocation(target, given),
            stage: None,
            runner,
            context,
            via: via.clone(),
            goal: None,
        });
    }
}

/// The builds a Go build program's commands make, each in the environment its caller gives
/// (`inherited`) plus what the program sets.
fn read_go_program<'a>(
    program: &'a goprog::GoProgram,
    inherited: &[(String, Value)],
    place: &Place,
    into: &mut Collected<'a>,
) {
    for c in &program.commands {
        let env = inherited.iter().chain(&c.env).cloned().collect();
        let evaluated = shell::Evaluated {
            command: &c.command,
            argv: c.argv.clone(),
            argv_words: (0..c.argv.len()).collect(),
            env,
            prefix: &[],
            iteration: Vec::new(),
            loops: Vec::new(),
            calls: c.chosen_at.clone(),
            assumed_empty: Vec::new(),
            cwd: None,
        };
        into.builds.extend(BuildInvocation::from_command(&evaluated).into_iter().map(|invocation| Build {
            invocation,
            stage: None,
            runner: 0,
            context: place.context.clone().or_else(|| Some(c.function.clone())),
            via: place.via.clone(),
            goal: None,
        }));
    }
}

/// Whether a build makes a program of this project (`module`): `go install pkg@version`
/// builds that version of a module from the module proxy, this project's own only when the
/// module is (a release made with `go install example.com/app@v1.2.3`), someone else's tool
/// otherwise. So does a build of other modules' import paths through a module file of its own
/// (a tool pinned as bingo does: `go build -modfile=.bingo/lint.mod github.com/x/lint/cmd/lint`),
/// or from a folder that is a module of its own (`cd tools/goreleaser; go install
/// github.com/goreleaser/goreleaser/v2`, `run_in`); without either, another module's program
/// built into an image still ships there.
fn builds_this_project(module: Option<&Module>, run_in: Option<&Module>, b: &Build<'_>) -> bool {
    let own = |package: &str| module.is_some_and(|m| m.holds(package));
    if let Some(package) = b.invocation.installed_version_of() {
        return package.as_known().is_some_and(own);
    }
    let packages: Vec<&str> = b.invocation.packages.iter().filter_map(|(p, _)| p.as_known()).collect();
    // An import path starts with a domain (`github.com/...`); `./cmd/app` and `.` are folders.
    let import_path =
        |p: &&str| p.split('/').next().is_some_and(|first| first.contains('.') && !first.starts_with('.'));
    let tool_module_file = b.invocation.other_flags.iter().any(|f| f.starts_with("-modfile="));
    let tools_module =
        run_in.zip(module).is_some_and(|(r, m)| r.root != m.root && !packages.iter().any(|p| r.holds(p)));
    let others_only = module.is_some()
        && (tool_module_file || tools_module)
        && !packages.is_empty()
        && packages.len() == b.invocation.packages.len()
        && packages.iter().all(|p| import_path(p) && !p.ends_with(".go") && !own(p));
    !others_only
}

/// What one word of a name (a file, folder, stage or target name split at `.`, `-`, `_`) says
/// it is for when that is not a release: tests, development or the project's own tooling.
pub fn non_release_purpose(token: &str) -> Option<&'static str> {
    match token {
        // `bats`: the Bash Automated Testing System (`Dockerfile.bats`).
        "testing" | "e2e" | "integration" | "acceptance" | "bats" | "smoke" | "dummy" => Some("tests"),
        "dev" | "devcontainer" | ".devcontainer" | "development" | "local" | "debug" => Some("development"),
        "lint" | "linter" | "validate" | "validation" | "vendor" | "docs" | "bench" | "fuzz" | "coverage"
        | "generate" | "codegen" | "check" | "checks" | "codeql" => Some("project tooling"),
        t if t.starts_with("docs") || t.starts_with("lint") => Some("project tooling"),
        // `checkfmt`, `checknodiffgenerated`; not `checksums`, which releases make, nor what
        // names a program (`readiness-checker`, `checkpoint`) or `checkout`.
        t if t.starts_with("check")
            && !["checkout", "checksum", "checker", "checkpoint"].iter().any(|w| t.starts_with(w)) =>
        {
            Some("project tooling")
        }
        // `test`, `tests`, a test suite's name (`e2etest`, `pjdfstest`) and a program that tests
        // (`dnstester`), not `latest` or `attest`.
        t if ["test", "tests", "tester"].iter().any(|end| t.ends_with(end))
            && !t.ends_with("latest")
            && !t.ends_with("attest") =>
        {
            Some("tests")
        }
        _ => None,
    }
}

/// What a folder's name says its files are for when that is not a release: the whole name
/// (`examples`, `_example`, `integrationtest`), every word of it (`integration-tests`, not
/// `local-path-provisioner` or `cli-dev`, which name products), or any word that says
/// example (`ext-auth-example-server`, `hello-finch`: a hello-world program shows how to use
/// the product).
fn folder_purpose(folder: &str) -> Option<&'static str> {
    let example = |word: &str| matches!(word, "example" | "examples" | "sample" | "samples" | "hello" | "helloworld");
    let purpose = |word: &str| match word {
        w if example(w) || w == "demo" || w == "demos" => Some("an example"),
        w => non_release_purpose(w),
    };
    let folder = folder.to_ascii_lowercase();
    let name = folder.trim_start_matches('_');
    let words = || name.split(['-', '_', '.']).filter(|w| !w.is_empty());
    purpose(name)
        .or_else(|| {
            let mut purposes = words().map(purpose);
            let first = purposes.next()??;
            purposes.all(|w| w.is_some()).then_some(first)
        })
        // Not `example.com`, the domain of an import path.
        .or_else(|| name.split(['-', '_']).any(example).then_some("an example"))
}

/// What a file's opening comment says it is for when that is not a release, in its author's
/// words: `# For testing purposes only`, `# Only used for local development`, `# NOT used to build
/// any of the published images`.
fn header_purpose(text: &str) -> Option<&'static str> {
    const MAX_HEADER_LINES: usize = 40;
    let mut header = String::new();
    for line in text.lines().take(MAX_HEADER_LINES).map(str::trim) {
        if line.is_empty() || line.starts_with("#!") {
            continue;
        }
        let Some(comment) = line.strip_prefix('#') else { break };
        header.push_str(&comment.to_ascii_lowercase());
        header.push(' ');
    }
    stated_purpose(&header)
}

/// What a folder's README says the folder's files are for when that is not a release, in its
/// first paragraph (`This directory contains all images used by tests.`).
pub fn readme_purpose(text: &str) -> Option<&'static str> {
    const MAX_PARAGRAPH: usize = 800;
    let mut paragraph = String::new();
    for line in text.lines().map(str::trim) {
        // Headings, badges, pictures and markup before the first sentence.
        let decoration = ["#", "[", "!", "<", "=", "-", "```"].iter().any(|d| line.starts_with(d));
        if line.is_empty() || decoration {
            if paragraph.is_empty() {
                continue;
            }
            break;
        }
        paragraph.push_str(&line.to_ascii_lowercase());
        paragraph.push(' ');
        if paragraph.len() > MAX_PARAGRAPH {
            break;
        }
    }
    stated_purpose(&paragraph)
}

/// What a README says one of its folder's entries (`name`, a sub-folder) is for when that is
/// tests or an example: a table row or list item that names it (`httpbun | A simple HTTP
/// service for e2e tests`, `- **greeter**: the gRPC example's server`). One that also speaks
/// of releases says nothing.
pub fn readme_entry_purpose(text: &str, name: &str) -> Option<&'static str> {
    let plain = |cell: &str| {
        let cell = cell.trim().trim_matches(['`', '*', '_']);
        // `[name](link)`: the link's text.
        let cell = cell.strip_prefix('[').and_then(|c| c.split_once(']')).map_or(cell, |(text, _)| text);
        cell.trim_matches(['`', '*', '_']).trim_end_matches('/').to_string()
    };
    text.lines().find_map(|line| {
        let line = line.trim().trim_start_matches(['|', '-', '*', '+']).trim_start();
        let (entry, said) =
            line.split_once('|').or_else(|| line.split_once(": ")).or_else(|| line.split_once(" - "))?;
        if !plain(entry).eq_ignore_ascii_case(name) {
            return None;
        }
        let said = said.to_ascii_lowercase();
        let words: Vec<&str> = said.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
        if words.iter().any(|w| matches!(*w, "release" | "releases" | "released" | "production" | "published")) {
            return None;
        }
        words.iter().find_map(|w| match *w {
            "example" | "examples" | "demo" | "sample" => Some("an example"),
            w => non_release_purpose(w).filter(|p| *p == "tests"),
        })
    })
}

/// What a text in its author's words (lowercase) says its files are for, when that is tests or
/// development.
fn stated_purpose(text: &str) -> Option<&'static str> {
    let words: Vec<&str> = text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let purpose = |w: &str| match w {
        "debug" | "debugging" => Some("development"),
        w => non_release_purpose(w).filter(|p| matches!(*p, "tests" | "development")),
    };
    let word = |i: usize| words.get(i).copied().unwrap_or("");
    // A text that also speaks of releases says what a part of the files is for.
    let speaks_of_release = words.iter().any(|w| matches!(*w, "release" | "releases" | "production"));
    for (i, w) in words.iter().enumerate() {
        match *w {
            // `testing only`, `for integration testing purposes only`, `purely for local
            // development`
            "only" | "purely" | "solely" | "exclusively" => {
                let before = match (i.checked_sub(1).map(word), i.checked_sub(2).map(word)) {
                    (Some("purposes" | "purpose" | "use" | "usage"), Some(w)) => w,
                    (Some(w), _) => w,
                    (None, _) => "",
                };
                if let Some(p) = purpose(before) {
                    return Some(p);
                }
                // `only for local development`, `only used for tests`
                let mut at = i + 1;
                if matches!(word(at), "used" | "meant" | "intended") {
                    at += 1;
                }
                if word(at) == "for" {
                    if let Some(p) = (at + 1..at + 3).find_map(|j| purpose(word(j))) {
                        return Some(p);
                    }
                }
            }
            // `Makefile for development purpose`, `for testing purposes`
            "purpose" | "purposes" if !speaks_of_release => {
                if let Some(p) = i.checked_sub(1).and_then(|j| purpose(word(j))) {
                    return Some(p);
                }
            }
            // `images used by tests`, `meant for local development`
            "used" | "meant" | "intended" if matches!(word(i + 1), "by" | "for" | "in") && !speaks_of_release => {
                let at = if word(i + 2) == "the" { i + 3 } else { i + 2 };
                if let Some(p) = purpose(word(at)) {
                    return Some(p);
                }
            }
            // `not used to build any of the published images`
            "not"
                if word(i + 1) == "used"
                    && (i + 2..i + 10).any(|j| matches!(word(j), "published" | "release" | "official")) =>
            {
                return Some("development");
            }
            _ => {}
        }
    }
    None
}

/// Records the `$(eval $(call TEMPLATE,darwin,arm64))` line that made the template rule whose
/// recipe ran `builds`: the outermost call they run in, where the platform may be chosen.
fn called_by_template(builds: &mut [Build<'_>], template_call: Option<(usize, usize)>) {
    if let Some(at) = template_call {
        builds.iter_mut().for_each(|b| b.invocation.calls.insert(0, at));
    }
}

/// The image path a build writes (`-o`), from the folder `dir` it runs in where its output is
/// relative; `None` where either is not known.
fn image_path(dir: Option<&str>, inv: &BuildInvocation<'_>) -> Option<String> {
    let output = inv.output.as_ref()?.0.as_known()?;
    match output.starts_with('/') {
        true => Some(dockerfile::join_folder("/", output)),
        false => Some(dockerfile::join_folder(dir?, output)),
    }
}

/// Whether every package a build names is known and lies in a folder of tests or examples
/// (`./tests/imgtype/imgtype.go`, `./examples/hello`): a helper or a demo, not the product.
fn builds_test_or_example_program(inv: &BuildInvocation<'_>) -> bool {
    let in_such_folder = |package: &str| {
        let mut folders = package.split('/').filter(|p| !p.ends_with(".go"));
        folders.any(|f| matches!(folder_purpose(f), Some("an example" | "tests")))
    };
    !inv.packages.is_empty() && inv.packages.iter().all(|(p, _)| p.as_known().is_some_and(in_such_folder))
}

/// What the words of a name (`test-e2e`, `publish-docs.yml`, `build-local`) say each is for
/// when that is not a release (`None` for the other words).
pub(crate) fn purposes(name: &str) -> Vec<Option<&'static str>> {
    name.to_ascii_lowercase().split(['.', '-', '_', '/', ' ']).map(non_release_purpose).collect()
}

/// A cache saved under the commit's own key (`actions/cache` with `key: ${{ github.sha }}-build`)
/// hands what a job built on to later jobs of the same run, as an artifact does; caches keyed
/// by the files they depend on (`hashFiles('go.sum')`) keep downloads.
fn hands_on_by_commit(a: &ci::ActionStep) -> bool {
    let cache = a.uses.starts_with("actions/cache@") || a.uses.starts_with("actions/cache/save@");
    cache && a.with.get("key").is_some_and(|k| k.value.contains("github.sha") || k.value.contains("github.run_id"))
}

/// Whether the file at `path` or its target or job `context` is named for tests, checks or docs
/// (and neither for a release: `test.yml`, job `e2e` of `ci.yml`).
pub fn place_for_other_purpose(path: &str, context: Option<&str>) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    let places = [Some(file), context];
    places.iter().flatten().any(|n| names_other_purpose(n)) && !places.iter().flatten().any(|n| names_a_release(n))
}

/// Whether a path is in code a project keeps a copy of (`vendor/`, `third_party/`,
/// `node_modules/`): another project's, which this one does not edit.
pub fn is_vendored(path: &str) -> bool {
    path.split(['/', '\\']).any(|part| matches!(part, "vendor" | "third_party" | "node_modules"))
}

/// Whether a name (`test-e2e`, `publish-docs.yml`, `cross-build-check`) says what it is for when
/// that is not a release.
pub fn names_other_purpose(name: &str) -> bool {
    purposes(name).iter().any(Option::is_some)
}

/// A goreleaser-action step with `install-only: true` puts goreleaser on PATH and runs nothing.
fn installs_only(step: &ci::ActionStep) -> bool {
    step.with.get("install-only").is_some_and(|v| v.value.trim() == "true")
}

/// The run of goreleaser a goreleaser-action step makes, as its `args` write it; `None` for
/// `install-only`. Arguments an expression chooses (`release` on tags, `--snapshot` otherwise)
/// may release.
fn goreleaser_step_run(step: &ci::ActionStep) -> Option<goreleaser::Run> {
    if installs_only(step) {
        return None;
    }
    let args = step.with.get("args").map_or("", |i| i.value.as_str());
    let mut run = goreleaser::Run::from_args(&args.split_whitespace().collect::<Vec<_>>());
    // An expression may hold the subcommand (`args: ${{ inputs.args }}`), but not undo a
    // `build` or `--snapshot` written around it (`build --snapshot --config .goreleaser.${{
    // matrix.os }}.yml`).
    let mut literal = String::new();
    let mut rest = args;
    while let Some((before, after)) = rest.split_once("${{") {
        literal.push_str(before);
        rest = after.split_once("}}").map_or("", |(_, after)| after);
    }
    literal.push_str(rest);
    run.releases |=
        args.contains("${{") && goreleaser::Run::from_args(&literal.split_whitespace().collect::<Vec<_>>()).releases;
    Some(run)
}

/// Whether an action that is none of the known ones says by its name that it releases or
/// uploads what its inputs name (`acme/go-release-action`, `acme/upload-assets`): not one that
/// builds (go-release-action's forks build for their `goos` and `goarch`), nor GitHub's own or
/// goreleaser's, which are read apart.
fn uploads_named_files(step: &ci::ActionStep) -> bool {
    let repository = step.repository().to_ascii_lowercase();
    let name = repository.split('/').nth(1).unwrap_or("");
    (name.contains("release") || name.contains("upload"))
        && !build_actions::is_go_release_action(step)
        && !repository.starts_with("actions/")
        && !repository.starts_with("goreleaser/")
}

/// Whether every file a release-upload step names (`file:`, `files:`, `artifacts:`) is a
/// data file by its extension (`bundle.yaml`, `checksums.txt`), which no Go build writes.
fn uploads_only_data_files(step: &ci::ActionStep) -> bool {
    let Some(written) = ["file", "files", "artifacts"].iter().find_map(|k| step.with.get(*k)) else { return false };
    let mut files = written.value.split(['\n', ',']).map(str::trim).filter(|f| !f.is_empty()).peekable();
    // By the extension alone: `app-${{ env.TAG }}-sbom.spdx` and `*.yaml` name data files too.
    uploads_named_files(step) && files.peek().is_some() && files.all(link::names_data_file)
}

/// A build argument another file passes to a Dockerfile's image build, and where it writes it.
#[derive(Clone, Debug)]
pub struct PassedBuildArg {
    pub name: String,
    pub value: Value,
    pub path: String,
    pub lines: Span,
}

/// A run of goreleaser, where a file makes it and the folder it runs in (relative to the file's
/// folder, a CI file's: the repository root), where known.
pub struct PlacedRun {
    pub run: goreleaser::Run,
    pub at: (usize, usize),
    pub dir: Option<Value>,
}

/// Whether a CI step publishes: a release action, an image push, goreleaser releasing, a script
/// step that uploads release assets through the API.
fn action_publishes(a: &ci::ActionStep) -> bool {
    const PUBLISHING_ACTIONS: &[&str] = &[
        "softprops/action-gh-release@",
        "ncipollo/release-action@",
        "svenstaro/upload-release-action@",
        "docker/build-push-action@",
    ];
    const DRONE_IMAGE_PLUGINS: &[&str] =
        &["plugins/docker", "plugins/ecr", "plugins/gcr", "plugins/acr", "plugins/kaniko", "plugins/docker-buildx"];
    // goreleaser publishes unless it only builds (`build`, `--snapshot`).
    if a.uses.starts_with("goreleaser/goreleaser-action@") {
        return goreleaser_step_releases(a);
    }
    if a.uses.starts_with("docker/build-push-action@") {
        return link::build_push_action_pushes(a);
    }
    // Drone's image plugins build the repository's Dockerfile from the workspace and push
    // the image, unless told to only try (`dry_run: true`).
    if DRONE_IMAGE_PLUGINS.iter().any(|p| a.uses.strip_prefix(p).is_some_and(|t| t.is_empty() || t.starts_with(':'))) {
        return a.with.get("dry_run").is_none_or(|d| d.value.trim() != "true");
    }
    PUBLISHING_ACTIONS.iter().any(|k| a.uses.starts_with(k))
        || a.uses.starts_with("actions/github-script@")
            && a.with.get("script").is_some_and(|s| s.value.contains("uploadReleaseAsset"))
}

/// Whether a goreleaser-action step releases (see `goreleaser_step_run`).
pub fn goreleaser_step_releases(step: &ci::ActionStep) -> bool {
    goreleaser_step_run(step).is_some_and(|run| run.releases)
}

/// Whether a goreleaser-action step builds the release itself: not `continue --merge` or
/// `publish`, which publish what earlier split runs built (with their own Go).
pub fn goreleaser_step_builds_release(step: &ci::ActionStep) -> bool {
    goreleaser_step_run(step).is_some_and(|run| run.releases && run.builds)
}

impl<'a> Defs<'a> {
    /// The runs of goreleaser this file makes: goreleaser-action steps and `goreleaser` commands.
    /// A snapshot or `goreleaser build` run ships too where its place says so: a release or
    /// nightly workflow, job, target or script (or one that runs this file) publishes what it
    /// built (in a workflow, when a later step of the job may publish it).
    pub fn goreleaser_runs(&self) -> Vec<goreleaser::Run> {
        self.goreleaser_runs_placed().into_iter().map(|r| r.run).collect()
    }

    /// The runs of goreleaser this file makes (see `goreleaser_runs`), each with its place.
    pub fn goreleaser_runs_placed(&self) -> Vec<PlacedRun> {
        let workflow_ships = names_a_release(self.path.rsplit('/').next().unwrap_or(self.path));
        let mut runs: Vec<PlacedRun> = self
            .workflow
            .iter()
            .flat_map(|wf| wf.actions.iter().map(move |a| (wf, a)))
            .filter(|(_, a)| a.uses.starts_with("goreleaser/goreleaser-action@"))
            .filter_map(|(wf, a)| {
                let mut run = goreleaser_step_run(a)?;
                // A snapshot in a release place ships what a later step may publish (an
                // upload of dist/); with nothing after it, it was a build check.
                let job = &wf.jobs[a.job].name;
                let released_later = || self.keeping_on(Some(job), None, a.span.1).may_publish();
                run.releases |= (workflow_ships || names_a_release(job)) && released_later();
                let env = ci::runner_env(wf, a.job, 0);
                run.trimpath_from_goflags = env.as_ref().and_then(|e| e.get("GOFLAGS")).is_some_and(sets_trimpath);
                // Said at the action through its arguments.
                let at = (a.uses_word.start, a.with.get("args").map_or(a.uses_word.end, |args| args.span.1));
                let dir = a.with.get("workdir").map(|w| Value::known(w.value.trim()));
                Some(PlacedRun { run, at, dir })
            })
            .collect();
        for c in &self.commands {
            let launch = super::gobuild::launched(&c.argv);
            let args = launch.as_ref().and_then(|l| link::goreleaser_args(&c.argv, l));
            let words: Option<Vec<&str>> = args.and_then(|a| a.iter().map(Value::as_known).collect());
            if let Some(args) = words {
                let mut run = goreleaser::Run::from_args(&args);
                let caller_ships = c.via.as_deref().is_some_and(|v| {
                    v.chain().any(|caller| {
                        caller.ships.is_some()
                            || names_a_release(caller.path.rsplit('/').next().unwrap_or(&caller.path))
                            || caller.context.as_deref().is_some_and(names_a_release)
                    })
                });
                run.releases |= self.place_ships(c.context.as_deref()).is_some() || caller_ships;
                let goflags = c.env.iter().flatten().find(|(name, _)| name == "GOFLAGS");
                run.trimpath_from_goflags = goflags.is_some_and(|(_, v)| sets_trimpath(v));
                runs.push(PlacedRun { run, at: c.span, dir: c.cwd.clone() });
            }
        }
        runs
    }

    /// The ko config, when the file is one.
    pub fn ko_config(&self) -> Option<&'a ko::KoConfig> {
        match self.parsed {
            Parsed::KoConfig(k) => Some(k),
            _ => None,
        }
    }

    /// The promu config, when the file is one.
    pub fn promu(&self) -> Option<&'a promu::Promu> {
        match self.parsed {
            Parsed::Promu(p) => Some(p),
            _ => None,
        }
    }

    pub fn new(path: &'a str, text: &'a str, kind: Kind, parsed: &'a Parsed) -> Self {
        // A PowerShell script is judged as the shell it rewrites to, line for line; a task file
        // as the Makefile.
        let (file_text, text) = match parsed {
            Parsed::Shell { translated: Some(shell), .. } => (text, shell.as_str()),
            Parsed::Makefile { translated: Some(make), .. } => (text, make.as_str()),
            _ => (text, text),
        };
        let mut c = Collected::default();
        // Lists cut by a reader's cap (said in a note; evaluation goes on with what was kept).
        let mut capped = Vec::new();
        let sources = match parsed {
            Parsed::Shell { items, sourced, printed, .. } => {
                let place = Place { stage: None, runner: 0, context: None, via: None };
                c.sourced = sourced;
                let mut env = Env::default();
                goprog::PrintingProgram::give_to(printed, &mut env);
                read_script(items, env, &place, &mut c);
                (None, None, None)
            }
            Parsed::Makefile { file, recipes, values, .. } => {
                // Each recipe line runs in its own shell, with the variables it uses; a template
                // rule's, once per `$(eval $(call ...))` of it, with that call's arguments.
                let calls = file.template_calls(text, None);
                for Recipe { rule, target, items, bindings, .. } in recipes {
                    let referenced = shell::referenced_variables(items);
                    let none = makefile::Bindings::new();
                    type Run<'a> = (Option<String>, &'a makefile::Bindings, Option<(usize, usize)>);
                    let runs: Vec<Run<'_>> = match &file.rules[*rule].template {
                        None => vec![(target.clone(), &none, None)],
                        Some(name) => calls
                            .iter()
                            .filter(|call| call.name == *name)
                            .map(|call| {
                                (file.template_target(text, *rule, &call.bindings), &call.bindings, Some(call.at))
                            })
                            .collect(),
                    };
                    for (target, locals, template_call) in runs {
                        let scope = makefile::Scope::for_target(target.as_deref()).with_locals(locals);
                        for bound in file.bound_runs(text, bindings, &scope) {
                            let locals: makefile::Bindings = locals.iter().cloned().chain(bound).collect();
                            let env = file.env_for(
                                text,
                                Some(*rule),
                                target.as_deref(),
                                None,
                                &[],
                                &locals,
                                None,
                                &referenced,
                            );
                            let place = Place { stage: None, runner: 0, context: target.clone(), via: None };
                            let before = c.builds.len();
                            read_script(items, env, &place, &mut c);
                            called_by_template(&mut c.builds[before..], template_call);
                        }
                    }
                }
                place_at_macros(&mut c.builds, file, text, values);
                c.assignments.extend(values.iter().map(|(n, w)| (n.as_str(), w)));
                (None, None, None)
            }
            Parsed::Workflow(wf) => {
                // A matrix larger than the reader keeps is judged on what was kept, and said.
                for job in wf.jobs.iter().filter(|j| j.declared_combinations > j.combinations.len() as u128) {
                    let (declared, kept) = (job.declared_combinations, job.combinations.len());
                    capped.push(format!("{declared} matrix combinations of job {}, capped at {kept}", job.name));
                }
                read_pipeline(wf, &[], None, &mut c);
                (None, Some(wf), None)
            }
            Parsed::GoProgram(program) => {
                let place = Place { stage: None, runner: 0, context: None, via: None };
                read_go_program(program, &[], &place, &mut c);
                if let Some(note) = &program.note {
                    c.budget.stop(|| note.clone());
                }
                (None, None, None)
            }
            Parsed::Goreleaser(g) => {
                read_tool_builds(&g.builds, "goreleaser build targets", &mut c);
                (None, None, Some(g))
            }
            Parsed::Promu(p) => {
                read_tool_builds(&p.builds, "promu build targets", &mut c);
                (None, None, None)
            }
            // Its settings apply to the `ko build` commands of other files (see `link`).
            Parsed::KoConfig(_) => (None, None, None),
            Parsed::Dockerfile { file, runs } => {
                for (stage, items, env, folders) in runs {
                    read_dockerfile_run(file, *stage, items, env.clone(), folders, None, &mut c);
                }
                (Some(file), None, None)
            }
        };
        let (dockerfile, workflow, goreleaser) = sources;
        let kind = match kind {
            Kind::PowerShell => Kind::Shell,
            Kind::Taskfile => Kind::Makefile,
            other => other,
        };
        Defs {
            path,
            text,
            file_text,
            origins: None,
            kind,
            lines: LineIndex::new(text),
            dockerfile,
            workflow,
            goreleaser,
            modules: None,
            scan_root: None,
            tree: None,
            builds: c.builds,
            github_env: c.github_env,
            assignments: c.assignments,
            commands: c.commands,
            notes: c
                .budget
                .note()
                .into_iter()
                .chain(capped.into_iter().map(|n| format!("evaluation stopped: {n}")))
                .collect(),
            refused: Default::default(),
            reported_at: Default::default(),
            parsed,
            linked: Vec::new(),
            container_runs: Vec::new(),
            notarized_in: None,
            newest_go_minor: crate::gosrc::NEWEST_GO_MINOR,
            goreleaser_released: None,
            packed_by_goreleaser: false,
            passed_build_args: Vec::new(),
            github_action_image: false,
            published_by: None,
            run_by_release: None,
            run_by_another: false,
            run_for_release: false,
            images_not_shipped: Arc::default(),
            image_targets: Vec::new(),
            image_target_unresolved: false,
            image_run_where_built: false,
            image_built_otherwise: false,
            built_as: Vec::new(),
            nonroot_images_built: Arc::default(),
            programs_built_in_scan: Arc::default(),
            copied_into_published_images: Arc::default(),
            variables_set_by_makefiles: Arc::default(),
            image_tagged_for_development: false,
            image_build_args: Vec::new(),
            args_every_release_build_passes: None,
            published_instead: None,
            image_built_where_pushed: false,
            ko_published: None,
            releases_elsewhere: false,
            declared_purpose: std::sync::OnceLock::new(),
            folder_declared_purpose: None,
            rebuilt_in_stage: std::sync::OnceLock::new(),
        }
    }

    /// Evaluates the file again as `call` runs it (a script with the caller's arguments and
    /// exported variables, make goals with the caller's variables), adding the builds and
    /// commands of that run; returns where each build it made writes (see [`Linked::outputs`]).
    pub fn evaluate_call(&mut self, call: &link::Call) -> Vec<Option<String>> {
        let mut c = Collected::default();
        let via = Some(call.caller.clone());
        // The system the callee runs on, when its caller says: an image build runs on Linux, a
        // CI job on its runner's system (`uname -s`, `go env GOOS` then answer for it).
        let runner_os = call.env.iter().find(|(name, _)| name == "RUNNER_OS").and_then(|(_, v)| v.as_known());
        let host = match call.caller.chain().any(|c| c.kind == Kind::Dockerfile) {
            true => Some("Linux"),
            false => runner_os,
        };
        let mut call_env = call.env.clone();
        call_env.extend(host.map(|h| (super::eval::HOST_SYSTEM.to_string(), Value::known(h))));
        match (self.parsed, &call.run) {
            (Parsed::Shell { items, sourced, printed, .. }, link::Run::Script { args }) => {
                c.sourced = sourced;
                c.called = true;
                let mut env = Env::default();
                goprog::PrintingProgram::give_to(printed, &mut env);
                for (name, value) in &call_env {
                    env.set(name, value.clone(), true);
                }
                env.positional = Some(args.clone());
                read_script(items, env, &Place { stage: None, runner: 0, context: None, via }, &mut c);
            }
            (Parsed::Makefile { file, recipes, values, .. }, link::Run::Make { goals, overrides }) => {
                let given = makefile::Given::new(overrides.clone(), call_env.clone());
                let goals = file.goals_matching(self.text, goals, host == Some("Linux"), Some(&given));
                for reached in file.rules_for_goals(self.text, &goals, Some(&given)) {
                    // A recipe line under a conditional the caller's variables decide against
                    // (`ifeq ($(shell uname -s),Darwin)` in a Linux image) does not run.
                    let runs = |conditions: &[makefile::Condition]| file.holds_given(self.text, conditions, &given);
                    for Recipe { target, items, bindings, .. } in
                        recipes.iter().filter(|r| r.rule == reached.rule && runs(&r.conditions) != Some(false))
                    {
                        let referenced = shell::referenced_variables(items);
                        // A pattern rule runs for the goal it matched, with its stem.
                        let (target, stem) = match &reached.made {
                            Some(m) => (Some(m.goal.clone()), m.stem.as_deref()),
                            None => (target.clone(), None),
                        };
                        let (rule, parents) = (Some(reached.rule), reached.parents.as_slice());
                        let scope =
                            makefile::Scope::given(target.as_deref(), Some(&given)).with_locals(&reached.locals);
                        for bound in file.bound_runs(self.text, bindings, &scope) {
                            let locals: makefile::Bindings = reached.locals.iter().cloned().chain(bound).collect();
                            let env = file.env_for(
                                self.text,
                                rule,
                                target.as_deref(),
                                stem,
                                parents,
                                &locals,
                                Some(&given),
                                &referenced,
                            );
                            let goal = Some(&goals[reached.goal]).filter(|g| target.as_ref() != Some(*g)).cloned();
                            let place = Place { stage: None, runner: 0, context: target.clone(), via: via.clone() };
                            let before = c.builds.len();
                            read_script(items, env, &place, &mut c);
                            for b in &mut c.builds[before..] {
                                b.goal.clone_from(&goal);
                            }
                            called_by_template(&mut c.builds[before..], reached.template_call);
                        }
                    }
                }
                place_at_macros(&mut c.builds, file, self.text, values);
            }
            (Parsed::Workflow(wf), link::Run::Action { inputs }) => {
                let seed: Vec<(String, Value)> = call_env.iter().chain(inputs).cloned().collect();
                read_pipeline(wf, &seed, via, &mut c);
            }
            // An image build passes no environment, only its build arguments (`--build-arg
            // NAME` alone takes the caller's variable), and builds the stages its target needs.
            (Parsed::Dockerfile { file, runs }, link::Run::Image { target, .. }) => {
                let given = call.build_args_given();
                let built =
                    target.as_deref().and_then(|t| file.stage_named(t)).map(|s| file.stages_built_for(&[s.index]));
                for ((stage, items, _, folders), run) in runs.iter().zip(file.run_environments(MAX_RUNS, Some(&given)))
                {
                    if built.as_ref().is_none_or(|b| b[*stage]) {
                        read_dockerfile_run(file, *stage, items, run.env, folders, via.clone(), &mut c);
                    }
                }
            }
            (Parsed::Goreleaser(g), link::Run::Goreleaser) => {
                read_tool_builds_given(&g.builds, "goreleaser build targets", &call_env, via, &mut c);
            }
            (Parsed::GoProgram(program), link::Run::Script { .. }) => {
                read_go_program(program, &call_env, &Place { stage: None, runner: 0, context: None, via }, &mut c);
            }
            _ => return Vec::new(),
        }
        self.retain_own_builds(&mut c.builds);
        let made = c.builds.iter().map(|b| self.output_as_named(&b.invocation)).collect();
        self.builds.extend(c.builds);
        self.commands.extend(c.commands);
        if let Some(note) = c.budget.note() {
            if !self.notes.contains(&note) {
                self.notes.push(note);
            }
        }
        made
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.lines.span(self.text, offset, offset).start_line
    }

    /// The file and span of a byte range of the text read: a line of an included file is in
    /// that file.
    pub fn place(&self, start: usize, end: usize) -> (&'a str, Span) {
        let included = self.origins.and_then(|o| o.span(&self.lines, self.text, start, end));
        included.unwrap_or_else(|| (self.path, self.span(start, end)))
    }

    /// The environment of CI job `job` on matrix combination `runner` of this file's pipeline,
    /// with what its steps wrote to `$GITHUB_ENV` and `$GITHUB_OUTPUT` (`echo
    /// "GO_VERSION=1.26.3" >> "$GITHUB_ENV"` then `go-version: ${{ env.GO_VERSION }}`).
    pub fn ci_env(&self, pipeline: &ci::Pipeline, job: usize, runner: usize) -> Option<Env> {
        let exported = self.github_env.get(&(job, runner)).map_or(&[][..], Vec::as_slice);
        ci::runner_env_exporting(pipeline, job, runner, exported)
    }

    /// The evaluated command whose words span `span` (a build's `invocation.span`).
    pub fn command_at(&self, span: (usize, usize)) -> Option<&Command> {
        self.commands.iter().find(|c| c.span == span)
    }

    /// `path:line` of a byte of the text read, for messages.
    pub fn at(&self, offset: usize) -> String {
        let (path, span) = self.place(offset, offset);
        format!("{path}:{}", span.start_line)
    }

    /// The file and byte offset in it of a byte of the text read, for fixes.
    pub fn file_offset(&self, offset: usize) -> (&'a str, usize) {
        self.origins.and_then(|o| o.file_offset(offset)).unwrap_or((self.path, offset))
    }

    /// The file's path relative to the scan's root (as given where it is not below it).
    fn path_below_root(&self) -> &str {
        let below_root = self.scan_root.and_then(|r| Path::new(self.path).strip_prefix(r).ok());
        below_root.and_then(Path::to_str).unwrap_or(self.path)
    }

    /// The file's folder, relative to the scan's root (`""` at the root).
    pub fn folder_below_root(&self) -> String {
        let folder = Path::new(self.path_below_root()).parent().and_then(Path::to_str).unwrap_or("");
        folder.trim_start_matches("./").trim_start_matches('.').to_string()
    }

    /// What the file's path says it is for when that is not a release: a test, an example or a
    /// development setup (`test/e2e/Dockerfile`, `Dockerfile.dev`, `.devcontainer/Dockerfile`).
    pub fn not_for_release(&self) -> Option<&'static str> {
        // What its author says it is for holds even where it is pushed (to a registry for
        // tests); but an example that is published is one its users run.
        let stated =
            self.declared_purpose.get_or_init(|| header_purpose(self.file_text)).or(self.folder_declared_purpose);
        if let Some(purpose) = stated.filter(|p| *p != "an example") {
            return Some(purpose);
        }
        if self.published_by.is_some() || self.packed_by_goreleaser {
            return None;
        }
        if self.published_instead.is_some() {
            return Some("an image the repository does not publish (it publishes others)");
        }
        let elsewhere = self.image_built_otherwise || self.github_action_image;
        if self.image_tagged_for_development && !elsewhere {
            return Some("an image only built with development tags");
        }
        let mut parts = self.path_below_root().split('/').rev();
        let name = parts.next().unwrap_or("");
        // `Dockerfile-release-debug` is the release's debug image.
        let by_name = match names_a_release_not_cross(name) {
            true => None,
            false => name.split(['.', '-', '_']).find_map(folder_purpose),
        };
        let starts_tests =
            self.dockerfile.is_some_and(|d| d.stages.len().checked_sub(1).is_some_and(|last| d.runs_tests(last)));
        by_name.or_else(|| parts.find_map(folder_purpose)).or(stated).or_else(|| starts_tests.then_some("tests"))
    }

    /// Whether the script or make file a build is written in is named for another purpose
    /// (`test.sh`, `lint.mk`) and not for a release: it builds for that, whoever runs it (a
    /// release script that runs the tests first); for a Makefile, the file the recipe is written
    /// in (`make/e2e-setup.mk`, which the Makefile includes). So is one in a folder for tests
    /// or examples (`test/integration/setup/build.sh`).
    fn file_for_other_purpose(&self, b: &Build<'_>) -> bool {
        let (written_in, _) = self.place(b.invocation.span.0, b.invocation.span.0);
        let file = written_in.rsplit('/').next().unwrap_or(written_in);
        (names_other_purpose(file) || self.not_for_release().is_some()) && !names_a_release(file)
    }

    /// Whether a build is for something other than a release: in a script or Makefile, one
    /// whose target, goal or file is named for development, tests or tooling (a build with no
    /// such name may be the release, whatever else says so); elsewhere (an image, a CI job, a
    /// release tool's config), one that does not ship.
    pub fn built_for_other_purpose(&self, b: &Build<'_>) -> bool {
        match self.kind {
            Kind::Shell | Kind::Makefile => {
                self.context_not_for_release(b.context.as_deref())
                    || self.context_not_for_release(b.goal.as_deref())
                    || self.file_for_other_purpose(b)
            }
            _ => self.ships(b).is_none(),
        }
    }

    /// Whether a Makefile target's or script function's name says it builds for something other
    /// than a release (`test-e2e`, `lint`, `docs-gen`).
    fn context_not_for_release(&self, context: Option<&str>) -> bool {
        matches!(self.kind, Kind::Makefile | Kind::Shell) && context.is_some_and(names_other_purpose)
    }

    /// Whether every image build of the scan of this Dockerfile starts a container of it where
    /// it builds it, and nothing publishes it: a build environment (an rpm builder, a
    /// cross-compiling image) whose outputs leave through a mounted folder, not an image that
    /// ships (`docker build -t app-rpm-builder -f packaging/rpm/Dockerfile .` then `docker run
    /// --rm -v "$PWD:/out" app-rpm-builder rpmbuild ...`).
    pub fn image_only_run_where_built(&self) -> bool {
        self.image_run_where_built
            && !self.image_built_otherwise
            && self.published_by.is_none()
            && !self.packed_by_goreleaser
            && !self.github_action_image
    }

    /// Records that an image build of the scan asks for stage `target` (`None`: the last) and
    /// passes the build arguments `args`. A stage the file does not have is another
    /// Dockerfile's, found here by mistake.
    /// `for_release`: the build is not one for tests or development.
    pub fn builds_image(&mut self, target: Option<String>, args: Vec<(String, Value)>, for_release: bool) {
        // BuildKit's stage names are letters, digits, `.`, `_` and `-`: anything else is a
        // target written with a variable or expression this reader could not resolve.
        let stage_name = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if target.as_deref().is_some_and(|t| !stage_name(t)) {
            self.image_target_unresolved = true;
            return;
        }
        let unknown = target.as_deref().is_some_and(|t| self.dockerfile.is_none_or(|d| d.stage_named(t).is_none()));
        if unknown {
            return;
        }
        if !self.image_targets.contains(&target) {
            self.image_targets.push(target);
        }
        if for_release {
            let names: BTreeSet<String> = args.iter().map(|(name, _)| name.clone()).collect();
            let every = self.args_every_release_build_passes.get_or_insert_with(|| names.clone());
            every.retain(|name| names.contains(name));
        }
        if !args.is_empty()
            && self.image_build_args.len() < MAX_IMAGE_BUILD_ARGS
            && !self.image_build_args.contains(&args)
        {
            self.image_build_args.push(args);
        }
    }

    /// Whether the image builds of the scan give the build argument `name` a value, so that its
    /// ARG default does not hold: every release build passes it, or, with no release build
    /// found, some build does.
    pub fn build_arg_given(&self, name: &str) -> bool {
        match &self.args_every_release_build_passes {
            Some(every) => every.contains(name),
            None => self.dockerfile.is_some_and(|d| d.arg_passed(name)),
        }
    }

    /// The base images (reference and kind) the stage `index` starts from in the scan's image
    /// builds that choose it with a build argument (`FROM ${BASE_IMAGE}`), with the stage whose
    /// `FROM` names it; empty when the file alone decides.
    pub fn bases_given(&self, index: usize) -> Vec<(String, BaseImage, &Stage)> {
        let Some(d) = self.dockerfile.filter(|d| d.root_image(index).is_none()) else { return Vec::new() };
        let mut bases: Vec<(String, BaseImage, &Stage)> = Vec::new();
        for given in &self.image_build_args {
            if let Some((reference, stage)) = d.root_reference_given(index, given) {
                // An empty argument (`--build-arg BASE=`) names no image (that build fails); an
                // image the same build made (a local registry's) is judged where it is made.
                let judged = !reference.is_empty() && !super::images::from_local_registry(&reference);
                if judged && !bases.iter().any(|(r, _, _)| *r == reference) {
                    let base = super::images::classify(&reference);
                    bases.push((reference, base, stage));
                }
            }
        }
        bases
    }

    /// The stages of a Dockerfile whose images the scan builds: those its image builds ask for
    /// (`--target`, a build-push-action `target:`) but those named for another purpose (`dev`,
    /// `test`) or that run nothing or only on the builder (see `Dockerfile::target_is_image`);
    /// the last stage when nothing of the scan builds the file.
    pub fn image_stages(&self) -> Vec<usize> {
        let Some(d) = self.dockerfile else { return Vec::new() };
        let last = d.stages.len().checked_sub(1);
        let mut stages: Vec<usize> =
            self.asked_stages(d).into_iter().filter(|&i| Some(i) == last || d.target_is_image(i)).collect();
        if self.image_targets.is_empty() {
            stages.extend(last);
        }
        stages.sort_unstable();
        stages.dedup();
        stages
    }

    /// Which stages go into an image the scan builds from the file, by index: those the targets
    /// are made from (not a `dev` target's); `None` (any stage) when no image build names a
    /// target.
    pub fn stages_in_built_images(&self) -> Option<Vec<bool>> {
        let d = self.dockerfile.filter(|_| self.image_targets.iter().any(Option::is_some))?;
        Some(d.stages_built_for(&self.image_stages()))
    }

    /// Whether the image of stage `index` is a build environment rather than an image that
    /// runs: a Go toolchain image that starts nothing (see
    /// `dockerfile::Dockerfile::is_build_environment`), or one whose builds only run it where
    /// they build it (see [`Defs::image_only_run_where_built`]).
    pub fn stage_is_build_environment(&self, index: usize) -> bool {
        self.dockerfile.is_some_and(|d| d.is_build_environment(index)) || self.image_only_run_where_built()
    }

    /// Whether the image of stage `index` (the last, or a build target, `docker build --target`)
    /// holds a Go program: a `go build` in the file, a program it starts copied from a stage on a
    /// Go toolchain image, or a file named like one of the module's main packages (`dive` for
    /// `github.com/wagoodman/dive`, `api` for `./cmd/api`) copied in or started, as when
    /// goreleaser or a Makefile builds the binary the Dockerfile copies.
    pub fn stage_ships_go_program(&self, index: usize) -> bool {
        let Some(d) = self.dockerfile else { return false };
        if self.not_for_release().is_some() {
            return false;
        }
        if self.packed_by_goreleaser || !self.builds.is_empty() || self.linked.iter().any(|l| !l.outputs.is_empty()) {
            return true;
        }
        // The program the image starts, copied from a stage on a Go toolchain image (`COPY
        // --from=builder /go/bin/app` and `ENTRYPOINT ["app"]`): that stage built it, whatever
        // drove the build (`python hyperbole.py build`).
        let from_go = |i: &&dockerfile::Instruction| {
            d.copy_from(i).is_some_and(|from| d.root_image(from.index).is_some_and(|(b, _)| b.go_toolchain))
        };
        if d.starts_a_file_copied(index, &from_go) {
            return true;
        }
        let Some(module) = self.module() else { return false };
        let mut programs: Vec<&str> =
            module.main_package_folders().filter_map(|dir| dir.file_name().and_then(|n| n.to_str())).collect();
        programs.extend(super::gobuild::program_name(&module.path));
        programs.extend(self.programs_built_in_scan.iter().map(String::as_str));
        // The name itself, or the name with the platform after a dash and no file extension
        // (`app-linux-${TARGETARCH}`, `vmagent-linux-amd64-prod`), as release builds name them;
        // not another program named after the project (`drone-agent`).
        let platform = |rest: &str| rest.split(['-', '_']).any(|w| w.starts_with('$') || PLATFORM_WORDS.contains(&w));
        let names_program = |n: &str| {
            programs.iter().any(|p| {
                n == *p
                    || n.strip_prefix(p)
                        .and_then(|rest| rest.strip_prefix('-'))
                        .is_some_and(|rest| !rest.contains('.') && platform(rest))
            })
        };
        d.file_names(index).iter().any(|n| names_program(n))
    }

    /// The names of the programs this file's builds write, without a platform after a dash or
    /// `.exe` (`bin/fwatchdog-arm64` and `fwatchdog.exe` give `fwatchdog`).
    pub fn program_names_built(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for b in &self.builds {
            let Some(output) = self.output_as_named(&b.invocation) else { continue };
            let file = output.rsplit(['/', '\\']).next().unwrap_or(&output);
            let file = file.strip_suffix(".exe").unwrap_or(file);
            let mut words: Vec<&str> = file.split('-').collect();
            while words.len() > 1 && words.last().is_some_and(|w| w.starts_with('$') || PLATFORM_WORDS.contains(w)) {
                words.pop();
            }
            let name = words.join("-");
            if !name.is_empty() && !name.contains(['$', '*', '.']) && !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// The file `go build` writes without `-o`: for one main package, the last element of its
    /// import path (the one before a `/vN` major-version suffix), or for `.go` files the first
    /// file's name, in the current folder (with `.exe` for Windows). `None` for `-o`, `go install`
    /// and compile checks.
    fn default_output(&self, inv: &BuildInvocation<'_>) -> Option<String> {
        if inv.output.is_some() || inv.install || inv.only_compiles() {
            return None;
        }
        // go build names a Windows program `name.exe`.
        let exe = if inv.target_os() == Some("windows") { ".exe" } else { "" };
        let package = match inv.packages.as_slice() {
            [] => ".",
            [(Value::Known(p), _), ..] if p.ends_with(".go") => {
                return p.rsplit('/').next().map(|f| format!("{}{exe}", f.trim_end_matches(".go")));
            }
            [(Value::Known(p), _)] => p.as_str(),
            _ => return None,
        };
        // `cd tools/stats && go build` names the program after the folder it builds in.
        let folder = inv
            .dir
            .as_ref()
            .and_then(Value::as_known)
            .map(|d| d.trim_end_matches('/'))
            .filter(|d| !d.is_empty() && *d != "." && !d.starts_with('/') && !d.contains(".."));
        let import_path = match (package.trim_end_matches('/'), folder) {
            ("." | "", Some(folder)) => format!("{}/{folder}", self.module().map_or("_".into(), |m| m.path.clone())),
            ("." | "", None) => self.module()?.path.clone(),
            (p, _) => p.to_string(),
        };
        super::gobuild::program_name(&import_path).map(|name| format!("{name}{exe}"))
    }

    /// Where the text of a command's word that `holds` is written: the word itself, or the
    /// definition of a variable it expands (three levels deep at most). A flag written once in
    /// `GOBUILD = go build -ldflags "-s -w"` is found there, once for every target that runs
    /// `$(GOBUILD)`; the word itself when no definition holds it. The project's own definitions
    /// are looked at before those of vendored code its Makefile includes.
    pub fn written_in<'w>(&'w self, word: &'w shell::Word, holds: &dyn Fn(&str) -> bool) -> &'w shell::Word {
        fn find<'w>(
            defs: &'w Defs<'_>,
            word: &'w shell::Word,
            holds: &dyn Fn(&str) -> bool,
            depth: usize,
            vendored_too: bool,
        ) -> Option<&'w shell::Word> {
            let own = vendored_too || !is_vendored(defs.place(word.start, word.end).0);
            if own && defs.text.get(word.start..word.end).is_some_and(holds) {
                return Some(word);
            }
            if depth == 3 {
                return None;
            }
            // A make function's arguments and the macro it calls count (`$(call build,$(pkg))`).
            let names = word.variables().into_iter().flat_map(makefile::names_referenced);
            names.into_iter().find_map(|v| {
                let defined = defs.assignments.iter().filter(|(n, _)| *n == v);
                defined.into_iter().find_map(|(_, w)| find(defs, w, holds, depth + 1, vendored_too))
            })
        }
        find(self, word, holds, 0, false).or_else(|| find(self, word, holds, 0, true)).unwrap_or(word)
    }

    /// Where the Go program or script whose output `word` takes writes what `find` locates in its text
    /// (its path and lines): `"${LDFLAGS}"` with `LDFLAGS=$(go run buildscripts/gen-ldflags.go)`,
    /// the word itself or a variable it expands taking the output (see `written_in`).
    pub fn printed_at(
        &self,
        word: &shell::Word,
        find: &dyn Fn(&str) -> Option<(usize, usize)>,
    ) -> Option<(String, Span)> {
        let programs = self.parsed.printing_programs();
        if programs.is_empty() {
            return None;
        }
        let taking = self.written_in(word, &|text| programs.iter().any(|p| p.is_run_in(text)));
        let text = self.text.get(taking.start..taking.end)?;
        programs.iter().filter(|p| p.is_run_in(text)).find_map(|p| {
            let (start, end) = find(&p.text)?;
            Some((p.path.clone(), LineIndex::new(&p.text).span(&p.text, start, end)))
        })
    }

    /// The Go module this file sits in, read on first use.
    pub fn module(&self) -> Option<Arc<Module>> {
        self.modules?.for_file(Path::new(self.path), self.scan_root)
    }

    /// A Makefile target that another build file runs (a Dockerfile's `RUN make dist/app`, a CI
    /// step's `make release`) is judged as those callers run it: the file's own reading of that
    /// target, with no caller's environment (both branches of `ifeq ($(shell uname -s),Darwin)`),
    /// is dropped once the scan is linked, unless a release target of the file runs it.
    ///
    /// A script another build file runs is judged as it is run (with the caller's arguments and
    /// exported variables: cri-tools' `hack/release.sh` gets `GOFLAGS=-trimpath` from its
    /// Makefile): its own reading of each command a caller's run reaches, with nothing set, is
    /// dropped too.
    pub fn judge_called_builds_as_called(&mut self) {
        let path = self.path;
        let from_elsewhere = |b: &Build<'_>| b.via.as_deref().is_some_and(|v| v.chain().any(|c| c.path != path));
        if matches!(self.kind, Kind::Shell | Kind::Dockerfile | Kind::GoProgram) {
            // Only the commands a caller's run reaches: one behind arguments no caller passes
            // keeps the file's own reading.
            let called: std::collections::HashSet<(usize, usize)> =
                self.builds.iter().filter(|b| from_elsewhere(b)).map(|b| b.invocation.span).collect();
            self.builds.retain(|b| b.via.is_some() || !called.contains(&b.invocation.span));
            return;
        }
        if self.kind != Kind::Makefile {
            return;
        }
        // Except a target a release target of the file runs that no caller runs
        // (`release-artifacts: server-binaries` beside test jobs running `make controller`).
        let mut called: std::collections::HashSet<String> =
            self.builds.iter().filter(|b| from_elsewhere(b)).filter_map(|b| b.context.clone()).collect();
        let released_here: Vec<String> = called
            .iter()
            .filter(|c| {
                self.release_goal_running(c, self.releases_elsewhere).is_some_and(|goal| !called.contains(goal))
            })
            .cloned()
            .collect();
        called.retain(|c| !released_here.contains(c));
        self.builds.retain(|b| b.via.is_some() || b.context.as_ref().is_none_or(|c| !called.contains(c)));
    }

    /// Drops the builds that make someone else's program (see [`builds_this_project`]), once
    /// the scan's modules are known.
    pub fn keep_own_builds(&mut self) {
        let mut builds = std::mem::take(&mut self.builds);
        self.retain_own_builds(&mut builds);
        self.builds = builds;
    }

    fn retain_own_builds(&self, builds: &mut Vec<Build<'a>>) {
        let module = self.module();
        // The module of the folder a build runs in (`cd tools/lint; go install ...`).
        let run_in = |b: &Build<'_>| {
            let Some(Value::Known(dir)) = &b.invocation.dir else { return None };
            let folder = Path::new(self.path).parent().unwrap_or(Path::new("")).join(dir);
            self.modules?.for_file(&folder.join("_"), self.scan_root)
        };
        // goreleaser's default build compiles the config's folder (`go build .`): where the
        // module has no main package there, it fails and ships nothing (a config that only
        // releases what other runs built: `monorepo:`, `continue --merge`).
        let default_build_fails = self.goreleaser.is_some_and(|g| g.builds_by_default)
            && module.as_deref().is_some_and(|m| m.package_in(&self.folder_in(m)).is_none_or(|p| p.name != "main"));
        if default_build_fails {
            builds.clear();
        }
        // A goreleaser config's folders are judged once its runs are known (see
        // `drop_builds_of_missing_folders`).
        let judged_now = self.kind != Kind::Goreleaser;
        builds.retain(|b| {
            (builds_this_project(module.as_deref(), run_in(b).as_deref(), b) || self.image_copies_installed_tool(b))
                && !(judged_now && self.names_missing_source(b))
        });
    }

    /// Whether a Dockerfile stage's `go install example.com/tool@v1` builds a program that a
    /// stage of a shipped image copies out by name (`COPY --from=builder /build/tool
    /// /usr/local/bin/`): someone else's tool, but built here into the image that ships.
    fn image_copies_installed_tool(&self, b: &Build<'_>) -> bool {
        let (Some(d), Some(stage)) = (self.dockerfile, b.stage) else { return false };
        let Some(package) = b.invocation.installed_version_of() else { return false };
        let Some(name) = package.as_known().and_then(super::gobuild::program_name) else { return false };
        d.copied_out(stage).is_some_and(|paths| paths.iter().any(|p| p.rsplit('/').next() == Some(name)))
    }

    /// This file's folder as a folder of `module` (`cmd/app` for `cmd/app/.goreleaser.yaml`);
    /// the module root where it is not inside it.
    pub fn folder_in(&self, module: &Module) -> PathBuf {
        let folder = Path::new(self.path).parent().and_then(|p| p.canonicalize().ok());
        let root = module.root.canonicalize().ok();
        match (folder, root) {
            (Some(folder), Some(root)) => folder.strip_prefix(&root).map(Path::to_path_buf).unwrap_or_default(),
            _ => PathBuf::new(),
        }
    }

    /// Drops a goreleaser config's builds of folders the repository does not have, where nothing
    /// of the tree runs the config: a release that runs it makes them first (a step generating
    /// `dir: _build`), and so may its `before:` hooks (`dir: ./caddy-build`).
    pub fn drop_builds_of_missing_folders(&mut self) {
        if self.goreleaser.is_some_and(|g| g.before_hooks.is_empty()) {
            let mut builds = std::mem::take(&mut self.builds);
            builds.retain(|b| !self.names_missing_source(b));
            self.builds = builds;
        }
    }

    /// Whether a build names a folder or file the repository does not have: where the build
    /// runs in the repository, it fails and ships nothing (a Dockerfile left behind when
    /// `netclient/` moved away). Code the build fetches or makes first (`git clone`, a source
    /// tarball) is another matter: it runs elsewhere.
    fn names_missing_source(&self, b: &Build<'_>) -> bool {
        let Some(tree) = self.tree else { return false };
        let local = |p: &&str| p.starts_with("./") || p.ends_with(".go");
        let packages = b.invocation.packages.iter().filter_map(|(p, _)| p.as_known());
        if !packages.filter(local).any(|p| !tree.holds_relative(p)) {
            return false;
        }
        let cwd = self.command_at(b.invocation.span).and_then(|c| c.cwd.clone());
        match self.kind {
            // The folder a RUN works in is known only where a copy of the build context put it.
            Kind::Dockerfile => cwd.as_ref().and_then(Value::as_known).is_some_and(|d| tree.holds_relative(d)),
            Kind::Goreleaser => true,
            _ => cwd
                .or_else(|| b.invocation.dir.clone())
                .is_none_or(|d| d.as_known().is_some_and(|d| tree.holds_relative(d))),
        }
    }

    /// The line and column span of the byte range `start..end` of this file.
    pub fn span(&self, start: usize, end: usize) -> Span {
        self.lines.span(self.text, start, end)
    }

    /// A build's `-ldflags` as evaluated, for the flags it holds on some path (see
    /// `Value::choices_text`: a command's words in a hole are no flags of the build).
    pub fn ldflags_written(&self, inv: &BuildInvocation<'_>) -> Option<String> {
        inv.ldflags.as_ref().map(|(value, _)| value.choices_text())
    }

    /// Whether every package a build names is an import path of another module than the one
    /// the file is in (`golang.org/x/tools/cmd/stringer`, `mvdan.cc/gofumpt@v0.7.0`).
    fn builds_only_other_modules(&self, inv: &BuildInvocation<'_>) -> bool {
        let other = |module: &Module, package: &Value| {
            package.as_known().is_some_and(|p| {
                let path = p.split('@').next().unwrap_or(p);
                // An import path's first element is a domain (`./cmd/app` is a folder).
                let domain = path.split('/').next().is_some_and(|first| first.contains('.') && !first.starts_with('.'));
                domain && path.contains('/') && !module.holds(path)
            })
        };
        !inv.packages.is_empty()
            && self.module().is_some_and(|module| inv.packages.iter().all(|(p, _)| other(&module, p)))
    }

    /// Why a build's output reaches users (built into an image or in CI, released, stripped,
    /// cross-compiled...); `None` for what looks like a local development build.
    pub fn ships(&self, b: &Build<'_>) -> Option<String> {
        self.ship_reason(b, true)
    }

    /// Why a build's output is released, from what says so beyond its being cross-compiled
    /// (which a development build for another machine is too).
    pub fn released(&self, b: &Build<'_>) -> Option<String> {
        self.ship_reason(b, false)
    }

    fn ship_reason(&self, b: &Build<'_>, cross_compiling_ships: bool) -> Option<String> {
        let inv = &b.invocation;
        // A compile check (`-o /dev/null`, `go build ./...`) writes nothing to ship.
        if inv.only_compiles() {
            return None;
        }
        // Built, used and deleted by the same target or job (`rm -rf removeme`): a test build.
        if self.removes_output(b) {
            return None;
        }
        // A race build is for tests; a debugging build a developer's, unless an image that runs
        // it copies it out (`-gcflags '-N -l'` in the build a pushed image ships).
        if inv.race_detector() || inv.optimizations_disabled() && !self.image_copies_by_name(b) {
            return None;
        }
        // A program of the tests or the examples (`go build ./tests/imgtype`), wherever built;
        // but goreleaser and promu release every build of their config, whatever its folder
        // (a release of `main: ./examples/base`).
        if !matches!(self.kind, Kind::Goreleaser | Kind::Promu) && builds_test_or_example_program(inv) {
            return None;
        }
        // Another module's program installed as a tool into a folder of tools (`GOBIN=$(LOCALBIN)
        // go install sigs.k8s.io/controller-tools/cmd/controller-gen`): the project releases its
        // own. Not one installed into a release folder (`GOBIN=$(CURDIR)/dist`).
        let tool_folder = inv.env.get("GOBIN").is_some_and(|gobin| {
            let folder = gobin.value.display().to_ascii_lowercase();
            let release = ["dist", "release", "releases", "artifacts", "out", "output"];
            !folder.split(['/', '\\']).any(|part| release.contains(&part))
        });
        // (In an image's own RUN, what its stages copy out decides.)
        let in_image = self.kind == Kind::Dockerfile;
        if tool_folder && !in_image && self.builds_only_other_modules(inv) && !self.image_copies_by_name(b) {
            return None;
        }
        // A program written into a folder of tools (`-o tools/bin/tocgen`, `.tools/`) is one the
        // project runs itself (a docs or release-notes generator), whoever's code it is; so is
        // one a make rule for a file there builds (`$(TOOLSBINDIR)/%: ; go build -o $@`).
        let in_tools_folder = |path: &str| {
            let path = path.to_ascii_lowercase();
            let folders = path.rsplit_once(['/', '\\']).map_or("", |(folder, _)| folder);
            folders.split(['/', '\\']).any(|part| matches!(part, "tools" | ".tools" | "_tools"))
        };
        let into_tools = inv.output.as_ref().is_some_and(|(output, _)| in_tools_folder(&output.display()))
            || self.kind == Kind::Makefile
                && inv.output.is_some()
                && inv.output_named().is_none()
                && b.context.as_deref().is_some_and(in_tools_folder);
        if into_tools && !in_image && !self.image_copies_by_name(b) {
            return None;
        }
        // A target that does not say what it is for, run by `$(MAKE) target` from one of the same
        // file that does (`local-cross: ; $(MAKE) bin/app.cross.linux.amd64`), builds for that.
        // So does one a caller's `make local-cross` runs as a prerequisite, and a script's
        // build outside its functions that a make target or script function runs
        // (`build_dev: ; ./scripts/build-quick.sh`).
        let script_run_by = |c: &Caller| {
            self.kind == Kind::Shell && b.context.is_none() && matches!(c.kind, Kind::Makefile | Kind::Shell)
        };
        let purpose_of = match b.via.as_deref() {
            _ if self.context_not_for_release(b.context.as_deref()) => b.context.as_deref(),
            Some(c) if c.path == self.path || script_run_by(c) => c.context.as_deref(),
            _ if self.context_not_for_release(b.goal.as_deref()) => b.goal.as_deref(),
            _ => b.context.as_deref(),
        };
        if self.context_not_for_release(purpose_of) {
            // A build for this machine (`build-local`, `local-release`) ships when a place that
            // ships runs it (a release image's `RUN make build-local`, a release target running
            // it in a build container); one for tests or tooling does not.
            let local = purpose_of
                .is_some_and(|c| purposes(c).iter().all(|p| p.is_none_or(|purpose| purpose == "development")));
            return if local || self.image_copies_by_name(b) { self.caller_ships(b) } else { None };
        }
        if matches!(self.kind, Kind::Shell | Kind::Makefile) && self.file_for_other_purpose(b) {
            return None;
        }
        if matches!(self.kind, Kind::Shell | Kind::Makefile) && self.runs_output_itself(b) {
            return None;
        }
        // Tools that publish what they build themselves: ko pushes its image to a registry
        // wherever it runs, unless told to keep it on this machine (`--local`,
        // `KO_DOCKER_REPO=ko.local`) or in a CI job for tests; go-release-action uploads to a
        // GitHub release, whatever the release is called (a `dev` release is downloaded too).
        if let Some(tool @ ("ko" | "go-release-action")) = inv.cross_tool {
            let in_ci = self.kind.is_ci();
            if in_ci && self.workflow.is_some_and(|w| w.pull_requests_only) {
                return None;
            }
            let (publishes, reason) = match tool {
                "ko" => (
                    ko::pushes(inv) && !(in_ci && self.ci_place_for_other_purpose(b)),
                    "ko pushes its image to a registry",
                ),
                _ => (true, "go-release-action uploads it to a GitHub release"),
            };
            return publishes.then(|| reason.into());
        }
        match self.kind {
            Kind::Dockerfile if self.not_for_release().is_some() => return None,
            // Built again to the same file later in the stage (a first build that warms the
            // cache, then the release build): the later one is what the image gets.
            Kind::Dockerfile if self.rebuilt_later_in_stage(b) => return None,
            // Other modules' programs (`go install gotest.tools/gotestsum@v1.12.0`) in an image
            // that is a build environment (a CI builder): tools of that environment.
            Kind::Dockerfile
                if self.builds_only_other_modules(inv)
                    && self.image_stages().into_iter().all(|s| self.stage_is_build_environment(s)) =>
            {
                return None;
            }
            Kind::Dockerfile => {
                let reason = match &self.published_by {
                    Some(at) => format!("it is built into an image that {at} publishes"),
                    None => "it is built into an image".into(),
                };
                return (self.stage_ships(b.stage) && self.copied_into_image(b)).then_some(reason);
            }
            // A CI job's files vanish with it: a binary ships only if the job keeps it (an
            // artifact, a release step, a later command that packs or publishes it), and not when
            // it is a tool the job runs itself or a compile check without -o.
            Kind::GithubWorkflow | Kind::GitlabCi | Kind::CircleCi | Kind::Drone
                if self.workflow.is_some_and(|w| w.pull_requests_only) =>
            {
                return None;
            }
            Kind::GithubWorkflow | Kind::GitlabCi | Kind::CircleCi | Kind::Drone => {
                if self.ci_place_for_other_purpose(b) {
                    return None;
                }
                let output = self.output_as_named(inv);
                let output = output.as_deref();
                let keeping = self.keeping_on(b.context.as_deref(), Some(b.runner), inv.span.1);
                // After `cd wix`, `-o ../build/app.exe` is `build/app.exe` of the workspace, where
                // the job's artifact paths are.
                let in_workspace = output.and_then(|o| self.output_in_workspace(inv, o));
                // `go install ./cmd/gen` then `gen ...`: a tool the job runs, wherever GOPATH is.
                let program = inv.output.as_ref().map(|(o, _)| o.display()).and_then(|o| {
                    let name = o.rsplit('/').next().unwrap_or("").to_string();
                    (!name.is_empty() && !name.contains('$')).then_some(name)
                });
                // Where the output is known, `keeps` tells a tool the job runs from what it packs.
                let known = matches!(inv.output, Some((Value::Known(_), _)));
                let tool = !known && program.is_some_and(|name| keeping.runs(&name));
                let writes = inv.output.is_some() || output.is_some();
                let kept = writes
                    && !tool
                    && (keeping.keeps(output)
                        || in_workspace.zip(output).is_some_and(|(w, o)| keeping.artifact_keeps(o, &w)));
                return kept.then(|| "it is built in CI and kept".into());
            }
            // A local action's steps run in the job that uses it: what they build ships when a
            // later step of the action keeps it, or the calling job does.
            Kind::GithubAction => {
                let output = self.output_as_named(inv);
                let writes = inv.output.is_some() || output.is_some();
                if writes && self.keeping(b.context.as_deref(), inv.span.1).keeps(output.as_deref()) {
                    return Some("it is built in CI and kept".into());
                }
                return self.caller_ships(b);
            }
            Kind::Goreleaser if self.goreleaser_released == Some(false) => return None,
            Kind::Goreleaser => return Some("goreleaser releases it".into()),
            Kind::Promu => return Some("promu builds and releases it".into()),
            // What a part builds is installed into the snap, unless the script runs it itself.
            Kind::Snapcraft if self.runs_output_itself(b) => return None,
            Kind::Snapcraft => return self.place_ships(b.context.as_deref()),
            Kind::KoConfig => return None,
            Kind::Shell | Kind::PowerShell | Kind::Makefile | Kind::Taskfile | Kind::GoProgram => {}
        }
        // A Go program builds for many purposes (measuring sizes, running tests): only its
        // name, its output folder or its caller says it ships.
        let program = self.kind == Kind::GoProgram;
        // A known target only: `GOOS=$(shell go env GOOS)` is the host.
        let cross_compiles = inv.env_value("GOOS").is_some() || inv.env_value("GOARCH").is_some();
        if let Some(into) = self.packs_output(b).filter(|_| !program) {
            return Some(format!("it is packed into {into}"));
        }
        // Not beside a release made elsewhere (goreleaser), of which an old target is a leftover.
        if let Some(reason) = (!self.releases_elsewhere).then(|| self.published_by_release_target(b)).flatten() {
            return Some(reason);
        }
        // `go install` into the GOPATH of whoever runs the file (`make install`, a `dist` target
        // that installs the tools): a local install, whatever the target's name or flags; it
        // ships when something packs it or a caller's place or job keeps it. Other modules'
        // programs installed there (`deps: ; go install github.com/x/goxz/cmd/goxz`, which a
        // release target runs first) are the tools of whoever runs the file.
        if inv.installs_into_home() {
            if self.builds_only_other_modules(inv) && !self.image_copies_by_name(b) {
                return None;
            }
            return self.caller_ships(b);
        }
        // Into /tmp and left there: it ships only where a caller's job keeps it.
        if self.writes_scratch_only(b) {
            return self.caller_ships(b);
        }
        // Run from a CI job (through any files between) while another caller's run of the same
        // command ships (a release job keeps it), this job says whether its own run ships: it
        // keeps the file. An integration-test job's `make tiup` builds with the release's
        // `-s -w` but without the release job's `-trimpath`, and ships nothing.
        let outermost = b.via.as_deref().and_then(|c| c.chain().last());
        let from_ci = outermost.is_some_and(|c| c.kind.is_ci());
        let same_run = |o: &Build<'_>| match (&o.via, &b.via) {
            (Some(x), Some(y)) => Arc::ptr_eq(x, y),
            _ => false,
        };
        let shipped_by_another_caller = || {
            self.builds.iter().any(|o| {
                o.invocation.span == inv.span && o.via.is_some() && !same_run(o) && self.caller_ships(o).is_some()
            })
        };
        if from_ci && shipped_by_another_caller() {
            return self.caller_ships(b);
        }
        // Run from a CI job that keeps nothing of it (a build check) while another command of
        // the file writes the same file for a job that ships it (`build` for the checks,
        // `build-static-ci` for the images): the release is that one.
        let output = inv.output.as_ref().and_then(|(o, _)| o.as_known());
        let released_by_another_command = || {
            self.builds.iter().any(|o| {
                o.invocation.span != inv.span
                    && o.invocation.output.as_ref().and_then(|(x, _)| x.as_known()) == output
                    && o.via.is_some()
                    && self.caller_ships(o).is_some()
            })
        };
        if from_ci && output.is_some() && self.caller_ships(b).is_none() && released_by_another_command() {
            return None;
        }
        if let Some(image) = self.image_copying_output(b).filter(|_| !program) {
            return Some(format!("the image {image} publishes copies it in"));
        }
        // Builds for several targets that each write the same file, used by nothing in between:
        // each overwrites the last, so they check that the code compiles for every target
        // (`buildall: GOOS=linux go build; GOOS=darwin go build; ...`), unless their place says
        // it is a release.
        let overwritten = || self.overwritten_across_targets(b) && self.place_ships(b.context.as_deref()).is_none();
        if cross_compiles && overwritten() {
            return self.caller_ships(b);
        }
        // Run by a CI job or workflow for tests (`test.yml` running `make ci-all-platforms`),
        // builds for other platforms are for those tests.
        let run_for_tests = outermost.is_some_and(|c| c.for_tests);
        if !program && cross_compiling_ships && !self.releases_elsewhere && cross_compiles && !run_for_tests {
            return Some("it is cross-compiled".into());
        }
        // Beside a release made elsewhere, or by this file's own builds for several platforms (a
        // `cross` target beside `build` and `install`), stripping is no sign of a release by
        // itself either; nor in a build a CI job for tests runs while a release job runs other
        // builds of the file (`make windows-amd64` in unit-tests.yml beside `make clients` in
        // the release workflow, all with the release's flags).
        let released_by_other_targets = || {
            self.builds.iter().any(|o| {
                let outermost = o.via.as_deref().and_then(|c| c.chain().last());
                o.invocation.span != inv.span
                    && outermost.is_some_and(|c| c.kind.is_ci() && !c.for_tests)
                    && self.caller_ships(o).is_some()
            })
        };
        let stripping_says = !(program || self.releases_elsewhere || run_for_tests && released_by_other_targets());
        if let Some(written) = self.ldflags_written(inv).filter(|_| stripping_says) {
            // Looked for only when stripped: it reads every build of the file.
            if super::gobuild::linker_strips(&written) == (true, true) && !self.cross_compiles_elsewhere(inv) {
                return Some("it is stripped for release (-s -w)".into());
            }
        }
        // A release folder's name says nothing beside a release made elsewhere (goreleaser's
        // own output folder is `dist/`), or by this file's builds for several platforms (`build`
        // writes `dist/app` for this machine beside `build-release`'s `dist/app-linux-arm64`).
        // Looked for last: it reads every build of the file.
        if let Some((Value::Known(o), _)) = inv.output.as_ref().filter(|_| !self.releases_elsewhere) {
            let dir =
                ["dist/", "release/", "releases/"].iter().find(|d| o.starts_with(*d) || o.contains(&format!("/{d}")));
            if let Some(dir) = dir.filter(|_| !self.cross_compiles_elsewhere(inv)) {
                return Some(format!("it is written to {dir}"));
            }
        }
        if let Some(reason) = self.place_ships(b.context.as_deref()) {
            return Some(reason);
        }
        if let Some(reason) = (!self.releases_elsewhere).then(|| self.packed_by_release_target(b)).flatten() {
            return Some(reason);
        }
        self.caller_ships(b)
    }

    /// Whether what a Dockerfile's build writes reaches an image that ships: it is built in a
    /// stage of such an image, or one of them copies it out (`COPY --from=builder /out/app`);
    /// where the file it writes is not known, it may.
    pub fn copied_into_image(&self, b: &Build<'_>) -> bool {
        let (Some(d), Some(stage)) = (self.dockerfile, b.stage) else { return true };
        let Some(copied) = d.copied_out(stage) else { return true };
        let command = self.command_at(b.invocation.span);
        if command.is_none_or(|c| self.relocated_in_stage(c)) {
            return true;
        }
        let dir = command.and_then(|c| c.image_dir.as_deref());
        let folder = b.invocation.writes_a_folder();
        image_path(dir, &b.invocation)
            .is_none_or(|path| copied.iter().any(|c| dockerfile::copy_takes(c, &path, folder)))
    }

    /// Whether a Dockerfile command's stage moves or copies files from it on (`mv ctop
    /// /go/bin/`): what it wrote may then be anywhere.
    pub fn relocated_in_stage(&self, cmd: &Command) -> bool {
        self.commands.iter().any(|c| c.stage == cmd.stage && c.span.0 >= cmd.span.0 && link::relocates_files(&c.argv))
    }

    /// Whether a CI build's workflow file or job is named for tests, checks or docs (and not
    /// for a release): it keeps test builds.
    fn ci_place_for_other_purpose(&self, b: &Build<'_>) -> bool {
        self.ci_job_for_other_purpose(b.context.as_deref())
    }

    /// Whether this workflow file or its job `job` is named for tests, checks or docs (and
    /// neither for a release): what the job builds, it builds for that.
    /// A job not named for another purpose that releases (see `ci_job_releases`) does so,
    /// whatever its workflow file is named (`test.yml`).
    pub fn ci_job_for_other_purpose(&self, job: Option<&str>) -> bool {
        place_for_other_purpose(self.path, job)
            && !(job.is_none_or(|j| !names_other_purpose(j)) && self.ci_job_releases(job))
    }

    /// Whether CI job `job` runs an action that attaches files to a release
    /// (`upload-release-assets`), or one that publishes (an image push) in a workflow that
    /// release events or tag pushes run and whose file names tests only in general (`test.yml`,
    /// the project's one pipeline; not `docker-build-e2e-node.yml`, which pushes an image for
    /// its end-to-end tests).
    fn ci_job_releases(&self, job: Option<&str>) -> bool {
        let Some(pipeline) = self.workflow else { return false };
        let Some(index) = pipeline.jobs.iter().position(|j| Some(j.name.as_str()) == job) else { return false };
        let file = self.path.rsplit('/').next().unwrap_or(self.path).to_ascii_lowercase();
        let stem = file.rsplit_once('.').map_or(file.as_str(), |(stem, _)| stem);
        let specific =
            stem.split(['.', '-', '_']).any(|w| non_release_purpose(w).is_some() && !matches!(w, "test" | "tests"));
        pipeline.actions.iter().filter(|a| a.job == index).any(|a| {
            let repository = a.repository().to_ascii_lowercase();
            let name = repository.split('/').nth(1).unwrap_or("");
            let attaches = uploads_named_files(a) && name.contains("release") && !uploads_only_data_files(a);
            attaches || pipeline.on_tagged_release && !specific && action_publishes(a)
        })
    }

    /// Whether CI job `job` builds for tests: named for them, in a pipeline that publishes
    /// nothing, runs on more than releases, and that no release runs as a reusable workflow.
    /// What such a job keeps is for its tests.
    pub fn ci_job_for_tests(&self, job: Option<&str>) -> bool {
        self.kind.is_ci()
            && self.ci_job_for_other_purpose(job)
            && !self.pipeline_publishes()
            && !self.workflow.is_some_and(|w| w.release_only)
            && self.run_by_release.is_none()
    }

    /// A CI command's relative output path from the workspace, where its step changed folder
    /// (`cd wix` then `-o ../build/app.exe`); `None` where it did not or the folder is not known.
    fn output_in_workspace(&self, inv: &BuildInvocation<'_>, output: &str) -> Option<String> {
        let cwd = self.command_at(inv.span)?.cwd.as_ref()?.as_known()?;
        if output.starts_with(['/', '$', '~']) || cwd.starts_with('/') {
            return None;
        }
        let joined = link::normalize(&Path::new(cwd).join(output))?;
        joined.to_str().map(str::to_string)
    }

    /// The file a build writes as later commands name it: its `-o` (see
    /// `BuildInvocation::output_named`), or go build's default output name.
    fn output_as_named(&self, inv: &BuildInvocation<'_>) -> Option<String> {
        inv.output_named().or_else(|| self.default_output(inv))
    }

    /// Why a build that another file ran ships: the caller's place ships what it runs (a
    /// release image, a release target) or its CI job keeps the output.
    pub fn caller_ships(&self, b: &Build<'_>) -> Option<String> {
        let inv = &b.invocation;
        let output = inv.output_named();
        // A job only releases run ships what it runs whose file it cannot name (`go install
        // ./...` in a script that packs the tarballs the job uploads); a named file, when kept.
        let unnamed = inv.install || self.output_as_named(inv).is_none();
        let chain = || b.via.as_deref().into_iter().flat_map(Caller::chain);
        // A run that a place for tests or checks started (`integration-macos: ;
        // ./hack/cross_build.sh darwin arm64`) builds for them, whatever the names of the places
        // between say; what a CI job keeps of it is still kept.
        let for_checks = |c: &Caller| {
            let purposes = c.context.as_deref().map(purposes).unwrap_or_default();
            purposes.iter().flatten().any(|p| *p != "development") && !c.context.as_deref().is_some_and(names_a_release)
        };
        let started_for_checks = !self.image_copies_by_name(b) && chain().any(for_checks);
        // An image that does not ship (a developer's, one nothing publishes) ships nothing its
        // RUN lines build, nor do the callers that built it.
        if chain().any(|c| c.kind == Kind::Dockerfile && self.images_not_shipped.contains(&c.path)) {
            return None;
        }
        // What a Dockerfile RUN runs reaches its image only where a shipped stage copies it out.
        let copied_out = |c: &Caller| {
            let Some(copies) =
                c.image_copies.as_deref().filter(|_| b.via.as_deref().is_some_and(|v| std::ptr::eq(v, c)))
            else {
                return true;
            };
            // What the run moves on after building (`make install` copying the program into
            // `$(DESTDIR)`) may be anywhere the image copies from.
            let same_run = |c: &Command| c.via.as_ref().zip(b.via.as_ref()).is_some_and(|(x, y)| Arc::ptr_eq(x, y));
            let built = self.output_as_named(inv);
            let moves_build = |c: &Command| {
                let names = |a: &Value| a.as_known().zip(built.as_deref()).is_some_and(|(a, f)| link::names_file(a, f));
                link::relocates_files(&c.argv) && c.argv.iter().skip(1).any(names)
            };
            if self.commands.iter().any(|c| same_run(c) && moves_build(c)) {
                return true;
            }
            // The output from the callee's folder: its `-o`, after the folder its script changed to.
            let Some(output) = inv.output.as_ref().and_then(|(o, _)| o.as_known()) else { return true };
            let output = match self.command_at(inv.span).map(|cmd| cmd.cwd.as_ref()) {
                Some(None) => output.to_string(),
                Some(Some(Value::Known(sub))) if !output.starts_with('/') => format!("{sub}/{output}"),
                Some(Some(Value::Known(_))) => output.to_string(),
                _ => return true,
            };
            copies.holds(&self.folder_below_root(), &output, inv.writes_a_folder()).unwrap_or(true)
        };
        chain().find_map(|c| {
            if !copied_out(c) {
                return None;
            }
            let ships = match self.releases_elsewhere {
                true => &c.ships_beside_release,
                false => &c.ships,
            };
            let reason = match (ships, &c.keeping) {
                (Some(reason), _) if !started_for_checks => reason.clone(),
                // Kept by a job or workflow for tests (`test.yml` uploading binaries for later
                // test jobs), as a build of its own would be, it is not released.
                (None, Some(k)) if inv.output.is_some() && k.keeps(output.as_deref()) && !c.for_tests => {
                    "it is built in CI and kept".into()
                }
                (None, Some(_)) if c.release_only && unnamed => "it is run by a release-only workflow".into(),
                _ => return None,
            };
            Some(format!("{reason} ({} runs it)", c.at()))
        })
    }

    /// Whether an image that runs this build (through any callers between) copies its output out
    /// by name (`COPY --from=build /src/app-bench /usr/local/bin/`): a program the image ships,
    /// whatever the target or job that built it is called.
    fn image_copies_by_name(&self, b: &Build<'_>) -> bool {
        let Some(output) = self.output_as_named(&b.invocation) else { return false };
        let name = output.rsplit('/').next().unwrap_or(&output);
        if name.is_empty() || name.contains(['$', '*']) {
            return false;
        }
        let copies = b.via.iter().flat_map(|c| c.chain()).filter_map(|c| c.image_copies.as_deref());
        copies
            .into_iter()
            .any(|c| c.copied.iter().any(|path| path.trim_end_matches('/').rsplit('/').next() == Some(name)))
    }

    /// The commands of the same target, job or script run after a build, in the same run.
    fn commands_after(&self, b: &Build<'_>) -> Vec<&Command> {
        let caller = |c: &Option<Arc<Caller>>| c.as_ref().map_or(0, |c| Arc::as_ptr(c) as usize);
        let end = b.invocation.span.1;
        self.commands
            .iter()
            .filter(|c| c.context == b.context && c.span.0 >= end && caller(&c.via) == caller(&b.via))
            .collect()
    }

    /// What the script or recipe packs what the build wrote into: an archive (`7z a
    /// app_win64.zip app.exe`), an installer or a package (`lipo`, `pkgbuild`, `wix`): it makes
    /// a release of it.
    fn packs_output(&self, b: &Build<'_>) -> Option<&'static str> {
        // What `go install` puts in the user's GOPATH no path this file knows names (`zip
        // app.zip ./*` packs the folder it runs in).
        if b.invocation.installs_into_home() {
            return None;
        }
        let output = self.output_as_named(&b.invocation)?;
        let output = output.trim_start_matches("./");
        self.commands_after(b).iter().find_map(|c| link::packs_into(&c.argv, output))
    }

    /// Why a release target of the same Makefile takes what another target built: it copies or
    /// packs it and uploads (`build-all` writes `_build/app-darwin-amd64`; `release: cp _build/*
    /// release; gh release create ...`).
    fn published_by_release_target(&self, b: &Build<'_>) -> Option<String> {
        if self.kind != Kind::Makefile || b.invocation.installs_into_home() {
            return None;
        }
        // The release targets that upload, found once (not once per command that copies).
        let own = || self.commands.iter().filter(|c| c.via.is_none());
        let mut uploading: Vec<&str> = own()
            .filter(|c| link::uploads(&c.argv))
            .filter_map(|c| c.context.as_deref())
            .filter(|t| Some(*t) != b.context.as_deref() && names_a_release_not_cross(t))
            .collect();
        uploading.dedup();
        if uploading.is_empty() {
            return None;
        }
        let output = self.output_as_named(&b.invocation)?;
        let output = output.trim_start_matches("./");
        own().find_map(|c| {
            let target = c.context.as_deref().filter(|t| uploading.contains(t))?;
            // Named from where the command runs (`cd release; gh release create v1 *`).
            let cwd = c.cwd.as_ref().map_or(Some(""), Value::as_known)?.trim_start_matches("./").trim_end_matches('/');
            let named = |a: &str| match cwd {
                "" | "." => link::names_file(a, output),
                dir => !a.starts_with('/') && link::names_file(&format!("{dir}/{a}"), output),
            };
            let takes = link::names_kept_files(&c.argv)
                && c.argv.iter().skip(1).filter_map(Value::as_known).any(|a| !a.starts_with('-') && named(a));
            takes.then(|| format!("the {target} target copies it and uploads it"))
        })
    }

    /// A packaging target of the same Makefile that packs what another target built into an
    /// archive or package in the Makefile's folder (`package-tar: ; tar czf dist/app.tar.gz
    /// ./build`), running no build of its own (`make $$target` there is followed instead): it
    /// makes the release file, whoever then uploads it (a release machine running `make
    /// build-all package-all`).
    fn packed_by_release_target(&self, b: &Build<'_>) -> Option<String> {
        if self.kind != Kind::Makefile || b.invocation.installs_into_home() {
            return None;
        }
        let output = self.output_as_named(&b.invocation)?;
        let pattern = b.invocation.output_pattern();
        let own = || self.commands.iter().filter(|c| c.via.is_none());
        let runs_make = |target: &str| {
            own().any(|c| c.context.as_deref() == Some(target) && matches!(c.program(), Some("make" | "gmake")))
        };
        own().filter(|c| c.cwd.is_none()).find_map(|c| {
            let target = c.context.as_deref()?;
            let packaging = Some(target) != b.context.as_deref() && names_a_release_not_cross(target);
            let packs = |file: &str| link::packs_into(&c.argv, file.trim_start_matches("./")).is_some();
            let packed = packaging && (packs(&output) || pattern.as_deref().is_some_and(packs)) && !runs_make(target);
            packed.then(|| format!("the {target} target packs it"))
        })
    }

    /// Whether the script or recipe runs what the build wrote (`go build ./cmd/app; ./app
    /// --version`) and nothing later packs, copies or uploads it: a tool it uses itself.
    fn runs_output_itself(&self, b: &Build<'_>) -> bool {
        let inv = &b.invocation;
        let Some(output) = self.output_as_named(inv) else { return false };
        let output = output.trim_start_matches("./");
        // Run as a command, or inside a substitution (`v=$(./app --version)`); what `go install`
        // writes, by its name from PATH too (`go install github.com/mitchellh/gox; gox ...`).
        let after = self.text.get(inv.span.1..).unwrap_or("");
        let name = output.rsplit('/').next();
        let from_path =
            |c: &&Command| inv.install && c.program().is_some_and(|p| !p.contains('/')) && c.program() == name;
        let later = self.commands_after(b);
        let runs = later.iter().any(|c| c.program() == Some(output) || c.program_in_folder() == name || from_path(c))
            || ["$(./", "`./"].iter().any(|open| after.contains(&format!("{open}{output} ")));
        let keeps = !inv.installs_into_home() && self.keeps_later(b, output);
        runs && !keeps
    }

    /// Whether a later build of the same Dockerfile stage writes the same file, from the same
    /// folder: the image gets that one.
    pub fn rebuilt_later_in_stage(&self, b: &Build<'_>) -> bool {
        let rebuilt = self.rebuilt_in_stage.get_or_init(|| {
            let cwd = |span: (usize, usize)| self.command_at(span).and_then(|c| c.cwd.clone());
            // The last build seen of each file, walking the builds from the end of the file.
            let mut builds: Vec<&Build<'_>> = self.builds.iter().filter(|b| b.stage.is_some()).collect();
            builds.sort_by_key(|b| std::cmp::Reverse(b.invocation.span));
            let mut last = std::collections::HashMap::new();
            let mut rebuilt = std::collections::HashSet::new();
            for b in builds {
                let Some(output) = self.output_as_named(&b.invocation) else { continue };
                let cwd = cwd(b.invocation.span).map(|v| v.display());
                // Another run of the same command (a second caller's) redoes nothing.
                let later = *last.entry((b.stage, output, cwd)).or_insert(b.invocation.span);
                if later != b.invocation.span {
                    rebuilt.insert(b.invocation.span);
                }
            }
            rebuilt
        });
        rebuilt.contains(&b.invocation.span)
    }

    /// Whether a later command of the build's run copies, moves, packs or uploads `output`.
    fn keeps_later(&self, b: &Build<'_>, output: &str) -> bool {
        self.commands_after(b).iter().any(|c| {
            link::names_kept_files(&c.argv)
                && c.argv.iter().skip(1).filter_map(Value::as_known).any(|a| link::names_file(a, output))
        })
    }

    /// Whether the build writes into the machine's scratch folder (`-o /tmp/lnd-$sys`) and
    /// nothing later in its run keeps the file: a build to check that it builds.
    fn writes_scratch_only(&self, b: &Build<'_>) -> bool {
        let Some((output, _)) = &b.invocation.output else { return false };
        let Some(named) = self.output_as_named(&b.invocation) else { return false };
        output.starts_with("/tmp/") && !self.keeps_later(b, &named)
    }

    /// Whether other commands of this file build for several platforms (gox, goxz, or builds
    /// for more than one GOOS): the file's release, beside which `inv` is a build for this machine.
    fn cross_compiles_elsewhere(&self, inv: &BuildInvocation<'_>) -> bool {
        let others = || self.builds.iter().map(|b| &b.invocation).filter(|o| o.span != inv.span);
        let mut systems: Vec<&str> = others().filter_map(BuildInvocation::target_os).collect();
        systems.sort_unstable();
        systems.dedup();
        let cross_tool = |o: &BuildInvocation<'_>| matches!(o.cross_tool, Some("gox" | "goxz"));
        inv.env_value("GOOS").is_none() && (others().any(cross_tool) || systems.len() > 1)
    }

    /// Why what runs at a place of this file ships, from the place alone: a release Dockerfile,
    /// a release-like Make target, job or script name.
    pub fn place_ships(&self, context: Option<&str>) -> Option<String> {
        self.place_ships_given(context, self.releases_elsewhere)
    }

    /// Why what runs at a place ships, where the project does or does not release elsewhere
    /// (linking asks both before that is known).
    pub fn place_ships_given(&self, context: Option<&str>, releases_elsewhere: bool) -> Option<String> {
        match self.kind {
            Kind::Dockerfile
                if self.not_for_release().is_none()
                    && self.stage_ships(
                        self.dockerfile.zip(context).and_then(|(d, c)| d.stage_named(c)).map(|s| s.index),
                    ) =>
            {
                return Some("it is built into an image".into());
            }
            // Whatever a snap part's script runs builds for the snap.
            Kind::Snapcraft => return Some("snapcraft installs it into the snap".into()),
            Kind::Dockerfile
            | Kind::GithubWorkflow
            | Kind::GithubAction
            | Kind::GitlabCi
            | Kind::CircleCi
            | Kind::Drone
            | Kind::Goreleaser
            | Kind::Promu
            | Kind::KoConfig => return None,
            Kind::Shell | Kind::PowerShell | Kind::Makefile | Kind::Taskfile | Kind::GoProgram => {}
        }
        // A Go program is named by its folder as often as by its file (`build-release-binaries/main.go`).
        let parts = if self.kind == Kind::GoProgram { 2 } else { 1 };
        let start = self.path.rmatch_indices('/').nth(parts - 1).map_or(0, |(i, _)| i + 1);
        let script = &self.path[start..];
        // Beside a release made elsewhere, or with a word for another purpose (`local-cross`,
        // `test-cross`), `cross` names the check, not the release.
        let names_a_release = |name: &str| match releases_elsewhere || names_other_purpose(name) {
            true => names_a_release_not_cross(name),
            false => names_a_release(name),
        };
        match context {
            Some(target) if names_a_release(target) => Some(format!("it is in the {target} target")),
            Some(target) if let Some(goal) = self.release_goal_running(target, releases_elsewhere) => {
                Some(format!("it is in the {target} target, which the {goal} target runs"))
            }
            _ if matches!(self.kind, Kind::Shell | Kind::GoProgram) && names_a_release(script) => {
                Some(format!("it is in {script}"))
            }
            _ => None,
        }
    }

    /// The target named for a release that runs `target` (`release: build-darwin` runs
    /// `build-darwin:`): it makes what that target releases, unless the project releases
    /// elsewhere (such a Makefile is a local alternative). A `cross` target says nothing of what
    /// its prerequisites build (the program that generates the docs).
    fn release_goal_running(&self, target: &str, releases_elsewhere: bool) -> Option<&str> {
        match self.parsed {
            Parsed::Makefile { file, .. } if !releases_elsewhere => {
                file.goal_reaching(self.text, target, &names_a_release_not_cross)
            }
            _ => None,
        }
    }

    /// Whether what a Dockerfile stage makes ends up in an image someone builds; any stage when
    /// the stage is not known. Where the scan builds the file (and knows every stage its builds
    /// ask for), the stages its builds ask for (the last for a build with no `--target`) and
    /// those they are made from; else those the file alone suggests (see
    /// `Dockerfile::stage_ships`).
    pub fn stage_ships(&self, stage: Option<usize>) -> bool {
        let (Some(d), Some(stage)) = (self.dockerfile, stage) else { return true };
        if self.image_targets.is_empty() || self.image_target_unresolved {
            return d.stage_ships(stage);
        }
        d.stages_built_for(&self.asked_stages(d)).get(stage).copied().unwrap_or(true)
    }

    /// The stages of `d` the scan's image builds ask for (the last for a build with no
    /// `--target`), but those named for another purpose (`dev`, `test`).
    fn asked_stages(&self, d: &Dockerfile) -> Vec<usize> {
        let last = d.stages.len().checked_sub(1);
        self.image_targets
            .iter()
            .filter_map(|t| match t {
                Some(name) if names_other_purpose(name) => None,
                Some(name) => d.stage_named(name).map(|s| s.index),
                None => last,
            })
            .collect()
    }

    /// What the CI job `job` does with files after the byte offset `after`.
    pub fn keeping(&self, job: Option<&str>, after: usize) -> Keeping {
        self.keeping_on(job, None, after)
    }

    /// What the CI job `job` does with files after the byte offset `after` on one runner (matrix
    /// combination), whose values may leave steps out (`if: matrix.os == 'ubuntu-latest'`).
    pub fn keeping_on(&self, job: Option<&str>, runner: Option<usize>, after: usize) -> Keeping {
        let Some(pipeline) = self.workflow else {
            return Keeping { action_keeps: true, releases: true, ..Keeping::default() };
        };
        let index = pipeline.jobs.iter().position(|j| Some(j.name.as_str()) == job);
        // An artifact is kept for a release only in a workflow that can make one: one a release or
        // tag push runs (or a workflow such a run calls), or that publishes somewhere (a branch's
        // CI artifacts are test builds).
        let artifacts_ship = pipeline.on_release || self.run_by_release.is_some() || self.pipeline_publishes();
        let env = index.zip(runner).and_then(|(job, runner)| ci::runner_env(pipeline, job, runner));
        let mut artifacts = index.map(|j| pipeline.jobs[j].artifacts.clone()).unwrap_or_default();
        let mut action_keeps = false;
        for a in pipeline.actions.iter().filter(|a| Some(a.job) == index && a.runs_in(env.as_ref())) {
            // actions-go-build zips and uploads what its instructions build, for a release. A
            // release upload of data files it names (`file: bundle.yaml`) keeps no program.
            if uploads_only_data_files(a) {
                continue;
            }
            if action_publishes(a) || a.uses.starts_with(build_actions::HASHICORP_GO_BUILD) {
                action_keeps = true;
            } else if a.span.0 > after && uploads_named_files(a) {
                // A later release or upload action keeps the files its inputs name (`binary:
                // app` of an action that packs and uploads it).
                artifacts.extend(a.with.values().map(|v| v.value.trim().to_string()).filter(|v| !v.contains("${{")));
            } else if artifacts_ship && (a.uses.starts_with("actions/upload-artifact@") || hands_on_by_commit(a)) {
                // It keeps the files its `path:` names (a test job uploads `test-results/`); a
                // path made of expressions may be anything.
                match a.with.get("path").filter(|p| !p.value.contains("${{")) {
                    Some(paths) => artifacts.extend(
                        paths
                            .value
                            .lines()
                            .map(str::trim)
                            .filter(|p| !p.is_empty() && !p.starts_with('!'))
                            .map(String::from),
                    ),
                    None => action_keeps = true,
                }
            }
        }
        // What the job hands on to later jobs, their commands keep (or run) as they would its own.
        let hands_on = index.is_some_and(|j| !pipeline.jobs[j].handed_on.is_empty());
        let own_later = |c: &&Command| c.via.is_none() && c.context.as_deref() == job && c.span.0 > after;
        let uploads = self.commands.iter().filter(own_later).any(|c| link::uploads(&c.argv));
        let later = self
            .commands
            .iter()
            .filter(|c| c.via.is_none())
            .filter(|c| c.context.as_deref() == job && c.span.0 > after || hands_on && c.context.as_deref() != job)
            // Holes written as their origin: `cp $(go env GOPATH)/bin/app dist/` still names `app`.
            .map(|c| c.argv.iter().map(Value::display).collect())
            .collect();
        let built = self
            .builds
            .iter()
            .filter(|b| b.context.as_deref() == job && b.via.is_none())
            .filter_map(|b| self.output_as_named(&b.invocation))
            .collect();
        Keeping { action_keeps, artifacts, later, releases: artifacts_ship, built, uploads }
    }

    /// Whether a step or command of this CI file publishes somewhere: a release, an image push,
    /// a release upload (`gh release`, `ghr`), goreleaser releasing.
    pub fn pipeline_publishes(&self) -> bool {
        self.workflow.is_some_and(|p| p.actions.iter().any(action_publishes))
            || self.commands.iter().any(|c| {
                let words: Vec<&str> = c.argv.iter().filter_map(Value::as_known).collect();
                match words.as_slice() {
                    ["gh", "release", ..] | ["ghr", ..] => true,
                    ["goreleaser", args @ ..] => goreleaser::Run::from_args(args).releases,
                    _ => false,
                }
            })
    }

    /// Whether a later command of the same job or target deletes what `b` wrote (`rm -rf out/`).
    /// A build packed or copied before its removal (`tar czf app.tgz app; rm app`) was kept.
    fn removes_output(&self, b: &Build<'_>) -> bool {
        let inv = &b.invocation;
        let Some((Value::Known(output), _)) = &inv.output else { return false };
        let output = output.trim_start_matches("./");
        let mut later: Vec<&Command> =
            self.commands.iter().filter(|c| c.context == b.context && c.span.0 > inv.span.1).collect();
        later.sort_by_key(|c| c.span.0);
        let names_output = |c: &Command| {
            c.argv
                .iter()
                .skip(1)
                .filter_map(Value::as_known)
                .any(|arg| !arg.starts_with('-') && link::names_file(arg, output))
        };
        let Some(removal) = later.iter().position(|c| c.program() == Some("rm") && names_output(c)) else {
            return false;
        };
        // Run or looked at before its removal, it was a test build; packed or copied, it was kept.
        let looks = |c: &Command| c.program().is_none_or(|p| p == output || link::LOOKING_COMMANDS.contains(&p));
        !later[..removal].iter().any(|c| !looks(c) && names_output(c))
    }

    /// For a build a Makefile goal reaches as a prerequisite of a target that builds an image
    /// (`docker: build` with `docker build .`), the Dockerfile of a published image of the scan
    /// that copies in a file of the build's name (see `copied_into_published_images`).
    fn image_copying_output(&self, b: &Build<'_>) -> Option<&str> {
        let inv = &b.invocation;
        // Images run Linux programs: a darwin or windows build of the same name is another file.
        if inv.target_os().is_some_and(|os| os != "linux") {
            return None;
        }
        let goal = b.goal.as_deref()?;
        let builds_image = |c: &Command| c.context.as_deref() == Some(goal) && link::builds_an_image(&c.argv);
        if !self.commands.iter().any(builds_image) {
            return None;
        }
        let output = self.output_as_named(inv)?;
        let name = output.rsplit('/').next().filter(|n| !n.is_empty() && !n.contains(['$', '*']))?;
        self.copied_into_published_images.iter().find(|(copied, _)| copied == name).map(|(_, path)| path.as_str())
    }

    /// Whether another command of the build's target, job or script, in the same run, writes the
    /// same file for another target with no command between the two using it.
    fn overwritten_across_targets(&self, b: &Build<'_>) -> bool {
        let inv = &b.invocation;
        let Some(path) = inv.written_file() else { return false };
        // Also as later commands name it (`dnscrypt-proxy.exe` for `go build` of its folder).
        let named = self.output_as_named(inv);
        let names =
            |argv: &[Value]| link::uses_file(argv, &path) || named.as_ref().is_some_and(|n| link::uses_file(argv, n));
        fn target<'i>(i: &'i BuildInvocation<'_>) -> (Option<&'i str>, Option<&'i str>) {
            (i.env_value("GOOS"), i.env_value("GOARCH"))
        }
        let same_run = |o: &Build<'_>| match (&o.via, &b.via) {
            (Some(x), Some(y)) => Arc::ptr_eq(x, y),
            (x, y) => x.is_none() && y.is_none(),
        };
        let used_between = |(from, to): (usize, usize)| {
            self.commands.iter().any(|c| c.context == b.context && c.span.0 > from && c.span.0 < to && names(&c.argv))
        };
        self.builds.iter().any(|o| {
            let other = &o.invocation;
            o.context == b.context
                && same_run(o)
                && other.span != inv.span
                && target(other) != target(inv)
                && other.written_file().as_deref() == Some(path.as_str())
                && !used_between(match other.span.0 > inv.span.1 {
                    true => (inv.span.1, other.span.0),
                    false => (other.span.1, inv.span.0),
                })
        })
    }

    /// Whether a path is kept as an artifact of the CI job `job` (GitLab `artifacts:paths`: the
    /// file, a folder above it, or a glob).
    pub fn kept_as_artifact(&self, job: Option<&str>, file: &str) -> bool {
        let Some(pipeline) = self.workflow else { return false };
        let Some(job) = pipeline.jobs.iter().find(|j| Some(j.name.as_str()) == job) else { return false };
        job.artifacts.iter().any(|kept| link::artifact_holds(kept, file))
    }

    /// Distinct build commands: one per command, whichever iteration of its loops; of the runs
    /// of one command (the file read alone, and as each caller runs it), the first that ships.
    pub fn distinct_builds(&self) -> Vec<&Build<'a>> {
        let mut chosen: Vec<&Build<'a>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for b in &self.builds {
            match index.get(&b.invocation.span) {
                None => {
                    index.insert(b.invocation.span, chosen.len());
                    chosen.push(b);
                }
                Some(&i) if b.via.is_some() && self.ships(chosen[i]).is_none() && self.ships(b).is_some() => {
                    chosen[i] = b;
                }
                Some(_) => {}
            }
        }
        chosen
    }

    /// A build's command: its place and the place of its `-ldflags` (a goreleaser `kos:` entry
    /// builds at its build's place with linker flags of its own).
    pub fn command_of(b: &Build<'_>) -> ((usize, usize), Option<(usize, usize)>) {
        (b.invocation.span, b.invocation.ldflags.as_ref().map(|(_, w)| (w.start, w.end)))
    }

    /// What `judge` finds of each command, once: its runs in order (each iteration, the file
    /// alone, then as each caller runs it) until one is found at fault. A run that leaves a
    /// value unknown (a caller's flags, one loop iteration) hides no other run's defect. A
    /// command in vendored code is judged once per line of the project that runs it, and its
    /// findings are said there.
    pub fn judge_each_command<T>(&self, mut judge: impl FnMut(&Build<'a>) -> Vec<T>) -> Vec<T> {
        let mut judged = std::collections::HashSet::new();
        let mut found = Vec::new();
        for b in &self.builds {
            let project_place = self.project_place(b);
            let command = (Self::command_of(b), project_place.clone());
            if judged.contains(&command) {
                continue;
            }
            *self.reported_at.lock().unwrap_or_else(|e| e.into_inner()) = project_place;
            let of_run = judge(b);
            *self.reported_at.lock().unwrap_or_else(|e| e.into_inner()) = None;
            if !of_run.is_empty() {
                judged.insert(command);
                found.extend(of_run);
            }
        }
        found
    }

    /// For a build whose command is in vendored code (`vendor/`, `third_party/`: a copy of
    /// another project's build system that a Makefile includes), the nearest line of the
    /// project's own files that ran it (`cross-build-darwin: ; $(MAKE) build GOOS=darwin`);
    /// `None` for a command of the project's own.
    pub fn project_place(&self, b: &Build<'_>) -> Option<(String, Span)> {
        let (path, _) = self.place(b.invocation.span.0, b.invocation.span.1);
        if !is_vendored(path) {
            return None;
        }
        let caller = b.via.as_deref()?.chain().find(|c| !is_vendored(&c.path))?;
        Some((caller.path.clone(), caller.lines))
    }

    /// Every evaluation of each command: its iterations and matrix runners, grouped by command
    /// and run (the file alone, or one caller's run of it).
    pub fn builds_by_command(&self) -> Vec<Vec<&Build<'a>>> {
        let mut index = std::collections::HashMap::new();
        let mut groups: Vec<Vec<&Build<'a>>> = Vec::new();
        for b in &self.builds {
            let run = b.via.as_ref().map_or(0, |c| Arc::as_ptr(c) as usize);
            let i = *index.entry((Self::command_of(b), run)).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[i].push(b);
        }
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opening_comment_says_what_a_file_is_for() {
        let said = |text: &str| header_purpose(text);
        assert_eq!(said("# For testing purposes only\n\nFROM golang:1.26\n"), Some("tests"));
        assert_eq!(said("# For integration testing only.\n#\n# Builds the client.\nFROM node\n"), Some("tests"));
        assert_eq!(said("#!/bin/sh\n# Only used for local development.\nset -e\n"), Some("development"));
        assert_eq!(
            said(
                "# Copyright\n\n# Note that this Dockerfile is currently NOT used to build any of the published\n# images.\nFROM alpine\n"
            ),
            Some("development")
        );
        assert_eq!(said("# Makefile for development purpose\n\n.PHONY: local\n"), Some("development"));
        assert_eq!(said("# Images used by the e2e tests.\nFROM alpine\n"), Some("tests"));
        assert_eq!(
            said("# NOTE: this Dockerfile is purely for local development!\nFROM alpine\n"),
            Some("development")
        );
        assert_eq!(said("# It is *not* used for the official 'acme/app' image.\nFROM alpine\n"), Some("development"));
        assert_eq!(said("# Targets: release-light.\n# Dev image used for development.\nFROM alpine AS dev\n"), None);
        // A header that also speaks of releases says what a part of the file is for.
        assert_eq!(said("# Release builds; the e2e target is for testing purposes\nall:\n"), None);
        // What the comment says of something else, or below the first instruction, is not the file's purpose.
        assert_eq!(said("# Builds the release image only; tests run in CI.\nFROM alpine\n"), None);
        assert_eq!(said("# Release image\nFROM alpine\n# for testing only\n"), None);
        assert_eq!(said("# This image only contains the binary, for testing run make test\nFROM alpine\n"), None);
    }

    #[test]
    fn a_folder_readme_says_what_its_files_are_for() {
        let said = readme_purpose;
        assert_eq!(said("# Container Images\n\nThis directory contains all images used by tests.\n"), Some("tests"));
        assert_eq!(said("[![ci](badge.svg)](ci)\n\nImages meant for local development.\n"), Some("development"));
        // What a later paragraph says, or a use that is not tests, is not the folder's purpose.
        assert_eq!(said("# Images\n\nThe images we publish.\n\nSome are used by tests too.\n"), None);
        assert_eq!(said("These images are used in production and by our release.\n"), None);
    }

    #[test]
    fn a_folder_readme_says_what_each_entry_is_for() {
        let readme = "Directory | Purpose\n--- | ---\ncfssl | Image to run cfssl commands\nhttpbun | A simple HTTP service for e2e tests\n\
                      [`greeter`](greeter/) | server for the grpc example\nnginx | NGINX base image, released with the controller\n\
                      - **runner**: runs the integration tests and ships in every release\n";
        let said = |name| readme_entry_purpose(readme, name);
        assert_eq!((said("httpbun"), said("greeter")), (Some("tests"), Some("an example")));
        // What it says of another entry, or of one that also ships, is not the entry's purpose.
        assert_eq!((said("cfssl"), said("nginx"), said("runner"), said("http")), (None, None, None, None));
    }

    #[test]
    fn kinds() {
        let k = |name: &str, head: &str| kind_of(Path::new(name), head.as_bytes());
        assert_eq!(k("Dockerfile", ""), Some(Kind::Dockerfile));
        assert_eq!(k("build.Dockerfile", ""), Some(Kind::Dockerfile));
        assert_eq!(k("Dockerfile.release", ""), Some(Kind::Dockerfile));
        assert_eq!(k("man/Dockerfile.5.md", ""), None);
        assert_eq!(k("release.sh", ""), Some(Kind::Shell));
        assert_eq!(k("release", "#!/usr/bin/env bash\nset -e"), Some(Kind::Shell));
        assert_eq!(k("tool", "#!/bin/sh -e\n"), Some(Kind::Shell));
        assert_eq!(k("script.py", "#!/usr/bin/env python3\n"), None);
        // Go source is a candidate; reading it decides whether it runs a build.
        assert_eq!(k("main.go", "package main"), Some(Kind::GoProgram));
        assert_eq!(k("main_test.go", "package main"), None);
        assert_eq!(k("Makefile", ""), Some(Kind::Makefile));
        assert_eq!(k(".goreleaser/linux.yml", ""), Some(Kind::Goreleaser));
        assert_eq!(k("config/linux.yml", ""), None);
        assert_eq!(k("build/common.mk", ""), Some(Kind::Makefile));
        assert_eq!(k("Makefile.release", ""), Some(Kind::Makefile));
        assert_eq!(k("Makefile.cross-compiles", ""), Some(Kind::Makefile));
        assert_eq!(k("release.makefile", ""), Some(Kind::Makefile));
        assert_eq!(k("Makefile.in", ""), None);
        assert_eq!(k("Makefile.md", ""), None);
        assert_eq!(k(".github/workflows/release.yml", ""), Some(Kind::GithubWorkflow));
        assert_eq!(k(".goreleaser.yaml", ""), Some(Kind::Goreleaser));
        assert_eq!(k(".goreleaser-nightly.yml", ""), Some(Kind::Goreleaser));
        assert_eq!(k("goreleaser-canary.yml", ""), Some(Kind::Goreleaser));
        assert_eq!(k(".goreleaser.yml.tmpl", ""), Some(Kind::Goreleaser));
        assert_eq!(k("goreleaser.yaml.gotmpl", ""), Some(Kind::Goreleaser));
        assert_eq!(k("release.yml.tmpl", ""), None);
        assert_eq!(k("goreleaserx.yml", ""), None);
        assert_eq!(k(".gitlab-ci.yml", ""), Some(Kind::GitlabCi));
        assert_eq!(k("ci/release.gitlab-ci.yml", ""), Some(Kind::GitlabCi));
        assert_eq!(k(".gitlab/ci/build.yml", ""), Some(Kind::GitlabCi));
        assert_eq!(k(".gitlab/issue_templates/bug.yml", ""), None);
        assert_eq!(k("snap/snapcraft.yaml", ""), Some(Kind::Snapcraft));
        assert_eq!(k(".snapcraft.yaml", ""), Some(Kind::Snapcraft));
        assert_eq!(k("snapcraft.yml", ""), None);
        assert_eq!(k("config/app.yml", ""), None);
    }
}
