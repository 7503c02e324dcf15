//! Who runs whom: a Dockerfile `RUN make build`, a CI step running `./scripts/release.sh`, a
//! recipe running `$(MAKE) -C cli release`. A command that runs another build definition of the
//! scanned repository is a call; the callee is evaluated again as that call runs it (the caller's
//! exported variables, arguments, make goals and command-line variables), and the builds of that
//! run remember their caller, so rules judge them where they really run: a Makefile's `go build`
//! that a release Dockerfile runs is built into an image.
//!
//! Bounded like evaluation itself: chains of at most `MAX_CHAIN` calls, at most
//! `MAX_CALLS_PER_FILE` runs of one file (four times: from itself and from others, each from
//! chains that ship and from the rest), and only files of the scan are ever read.

use super::dockerfile::ContextFolders;
use super::source::{Defs, Kind};
use super::text::Span;
use super::value::{Origin, Piece, Value};
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The longest chain of calls followed (workflow -> make -> script -> script).
pub const MAX_CHAIN: usize = 4;
/// The most calls one file is evaluated under, counted apart for the calls it makes of itself
/// (a Makefile's recipes running `$(MAKE) other-target`, read alone) and for those other files
/// start (a workflow running `make release`), so that a file's own recursion cannot use up the
/// runs its callers need; and apart for chains from a place that ships or releases, so that
/// the many test jobs running `make app` cannot use up the runs of the release job's `make exe`
/// that runs `make app` a round later. Chains that ship get twice as many: a release target
/// that runs `$(MAKE) build` for each of twenty platforms, then `$(MAKE) publish APP=...` for
/// each of a dozen images (VictoriaMetrics), is over thirty runs of its own file.
pub const MAX_CALLS_PER_FILE: usize = 32;

/// The command that ran a build definition, and who ran that one.
#[derive(Debug)]
pub struct Caller {
    /// The calling file, as an index into the linked files.
    pub file: usize,
    pub path: String,
    /// Where the command or step is, in lines and columns.
    pub lines: Span,
    pub kind: Kind,
    pub span: (usize, usize),
    /// Whether the caller's file names macOS anywhere (see [`names_macos`]).
    pub names_macos: bool,
    /// For a CI step: its job's matrix names macOS (`- goos: darwin`, `os: [macos-14]`), so the
    /// job chose to build for it.
    pub matrix_names_macos: bool,
    /// The command as written (its first `MAX_CALLER_TEXT` bytes): what it passes on
    /// (`GO_LDFLAGS="-s -w" ./scripts/build.sh`).
    pub written: String,
    /// The command's words as first evaluated, holes written as their origin (its first
    /// `MAX_CALLER_TEXT` bytes): what it passes through a variable (`BLDFLAGS="$GOFLAGS"`).
    pub evaluated: String,
    pub stage: Option<usize>,
    /// The caller's own target, job or stage.
    pub context: Option<String>,
    /// Why what this caller runs ships, from its own place (a release image, a release target
    /// or script), when it does.
    pub ships: Option<String>,
    /// The same where the project releases elsewhere (known once the scan is linked), which a
    /// `cross` name does not say.
    pub ships_beside_release: Option<String>,
    /// For a CI step: what the rest of its job does with files.
    pub keeping: Option<Keeping>,
    /// A CI job or workflow for tests or checks (`test.yml`, a `lint` job) in a pipeline that
    /// publishes nothing and runs on more than releases: what it keeps is kept for its tests.
    pub for_tests: bool,
    /// A CI step of a workflow that only releases run (see `Pipeline::release_only`).
    pub release_only: bool,
    /// The image a `docker run IMAGE ./build.sh` runs the callee in.
    pub container: Option<Value>,
    /// For an image build: its target, job or step pushes the image it builds (`--push`, a
    /// `docker push` after it, a release's build-push-action with `push: true`).
    pub pushes: bool,
    /// For an image build: its file pushes some image somewhere (a `push` target beside the
    /// `build` one), so the image it builds may be pushed later.
    pub file_pushes: bool,
    /// For an image build: its target or script starts a container of the image it builds
    /// (`docker run --rm -v "$PWD:/out" app-builder`).
    pub runs_built_image: bool,
    /// For an image build: every tag it gives names development or tests (`waypoint:dev`,
    /// `app:local`).
    pub tags_for_development: bool,
    /// For an image build: the tags it gives, where known (`-t kumahq/static:no-push-amd64`).
    pub image_tags: Vec<String>,
    /// The variables its environment passes that its file assigns (`export LD_OPTS = -ldflags
    /// "-s ..."` before `$(MAKE) -C cmd/cli build`): where flags that reach the callee so are
    /// written.
    pub exports: Vec<Export>,
    /// For a Dockerfile RUN in a stage that images only copy some files out of: where it runs
    /// and what is copied out (see [`ImageCopies`]).
    pub image_copies: Option<Arc<ImageCopies>>,
    pub up: Option<Arc<Caller>>,
}

/// Where a Dockerfile RUN runs and which of its stage's files reach an image: the image paths
/// later stages copy out of it (`COPY --from=builder /opt/app/app /usr/bin/`).
#[derive(Debug)]
pub struct ImageCopies {
    /// The image folder the RUN runs in.
    pub dir: String,
    /// The build context's folder it is (relative, `""` for the root), where known (not where
    /// only single files were copied there: `ADD Makefile .`).
    pub context_dir: Option<String>,
    /// The Dockerfile's folder in the scan: the build context is that or the scan's root.
    pub dockerfile_dir: String,
    pub copied: Vec<String>,
    /// The stage moves or copies files on after the RUN (`cp bin/app /go/bin/app`): what the
    /// RUN wrote may be anywhere, so only names tell what is copied out.
    pub relocated: bool,
}

impl ImageCopies {
    /// Whether a file a callee in `callee_dir` (a folder of the build context) writes as
    /// `output` (relative to that folder, or absolute; a `folder` of programs) is copied into
    /// an image; `None` where the folder is not one below the RUN's, or the stage moves files on.
    pub fn holds(&self, callee_dir: &str, output: &str, folder: bool) -> Option<bool> {
        if self.relocated {
            return None;
        }
        let path = match output.starts_with('/') {
            true => super::dockerfile::join_folder("/", output),
            false => {
                // The callee's folder below the RUN's, with the context at the scan's root or
                // at the Dockerfile's folder: where the two say different things, not known.
                let in_context = self.context_dir.as_deref()?;
                let mut places = ["", self.dockerfile_dir.as_str()].into_iter().filter_map(|root| {
                    let context_dir = super::dockerfile::join_folder(root, in_context);
                    let below = callee_dir.strip_prefix(context_dir.as_str())?;
                    (below.is_empty() || below.starts_with('/') || context_dir.is_empty()).then(|| {
                        let below = super::dockerfile::join_folder(below.trim_start_matches('/'), output);
                        super::dockerfile::join_folder(&self.dir, &below)
                    })
                });
                let first = places.next()?;
                if places.any(|other| other != first) {
                    return None;
                }
                first
            }
        };
        Some(self.copied.iter().any(|c| super::dockerfile::copy_takes(c, &path, folder)))
    }
}

/// What of a Dockerfile RUN's stage reaches images, where that is some files only and where it
/// runs is known (see [`ImageCopies`]).
fn image_copies(d: &Defs<'_>, cmd: &super::source::Command) -> Option<Arc<ImageCopies>> {
    let copied = d.dockerfile?.copied_out(cmd.stage?)?;
    let dir = cmd.image_dir.clone()?;
    let context_dir = cmd
        .cwd
        .as_ref()
        .and_then(Value::as_known)
        .map(|c| c.trim_start_matches("./").trim_end_matches('/').to_string());
    let dockerfile_dir = d.folder_below_root();
    let relocated = d.relocated_in_stage(cmd);
    Some(Arc::new(ImageCopies { dir, context_dir, dockerfile_dir, copied, relocated }))
}

/// A variable a caller passes to what it runs, and where the caller's file assigns it.
#[derive(Debug)]
pub struct Export {
    /// The variable's name.
    pub name: String,
    /// The file that assigns it: the caller's, or a file that one includes.
    pub path: String,
    /// Its first assignment, which defines it (later ones append or override in branches).
    pub lines: Span,
    /// Its value as passed, holes written as their origin (at most `MAX_CALLER_TEXT` bytes).
    pub value: String,
}

/// The most tags kept of one image build, and of one Dockerfile's builds.
const MAX_TAGS: usize = 16;

/// The most exports one caller keeps.
const MAX_EXPORTS: usize = 32;

/// The variables of `env` that the file `d` assigns, where it first does.
fn exports_of(d: &Defs<'_>, env: &[(String, Value)]) -> Vec<Export> {
    env.iter()
        .filter_map(|(name, value)| {
            let (_, word) = d.assignments.iter().filter(|(n, _)| n == name).min_by_key(|(_, w)| w.start)?;
            let (path, lines) = d.place(word.start, word.end);
            let value = value.display();
            let value = written_prefix(&value, (0, value.len()));
            Some(Export { name: name.clone(), path: path.to_string(), lines, value })
        })
        .take(MAX_EXPORTS)
        .collect()
}

impl Caller {
    /// The command or step at `span` of file `file` (`d`), in the target or job `context`, as
    /// the caller of another file: what its place ships and, in CI, what its job keeps after it.
    fn new(
        d: &Defs<'_>,
        file: usize,
        span: (usize, usize),
        stage: Option<usize>,
        context: Option<String>,
        up: Option<Arc<Caller>>,
    ) -> Caller {
        let (path, lines) = d.place(span.0, span.1);
        Caller {
            file,
            path: path.to_string(),
            lines,
            kind: d.kind,
            span,
            names_macos: names_macos(d.text),
            matrix_names_macos: d.kind.is_ci() && job_matrix_names_macos(d.text, span.0),
            written: written_prefix(d.text, span),
            evaluated: evaluated_prefix(d, span),
            stage,
            ships: d.place_ships_given(context.as_deref(), false),
            ships_beside_release: d.place_ships_given(context.as_deref(), true),
            keeping: d.kind.is_ci().then(|| d.keeping(context.as_deref(), span.1)),
            for_tests: d.ci_job_for_tests(context.as_deref()),
            release_only: d.workflow.is_some_and(|w| w.release_only),
            container: None,
            pushes: false,
            file_pushes: false,
            runs_built_image: false,
            tags_for_development: false,
            image_tags: Vec::new(),
            exports: Vec::new(),
            image_copies: None,
            context,
            up,
        }
    }

    /// This caller, then its caller, and so on.
    pub fn chain(&self) -> impl Iterator<Item = &Caller> {
        std::iter::successors(Some(self), |c| c.up.as_deref())
    }

    /// Where this caller writes what `holds` looks for: in its command (`GO_LDFLAGS="-s -w"
    /// ./build.sh`, as written or as first evaluated), else in a variable it exports.
    pub fn writes(&self, holds: &dyn Fn(&str) -> bool) -> Option<(&str, Span)> {
        if holds(&self.written) || holds(&self.evaluated) {
            return Some((&self.path, self.lines));
        }
        self.exported(holds)
    }

    /// Where this caller's command gives the variable `name` a value (`--build-arg NAME=...`, a
    /// `NAME=...` line of an action's `build-args:`), as written: that `NAME=value`, to the end
    /// of its line or word.
    pub fn passes(&self, name: &str) -> Option<(&str, Span)> {
        let needle = format!("{name}=");
        let at = self.written.match_indices(&needle).map(|(at, _)| at).find(|&at| {
            // The whole name: not the end of a longer one (`MY_BUILD_DATE=`).
            self.written[..at].chars().next_back().is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'))
        })?;
        let line_start = self.written[..at].rfind('\n').map(|n| n + 1);
        let line = self.lines.start_line + self.written[..at].matches('\n').count();
        let column = match line_start {
            Some(start) => at - start + 1,
            None => self.lines.start_column + at,
        };
        let len = self.written[at..].find(['\n', ' ', '\t', '"', '\'']).unwrap_or(self.written.len() - at);
        let span = Span { start_line: line, start_column: column, end_line: line, end_column: column + len };
        Some((&self.path, span))
    }

    /// Where this caller's file assigns a variable it passes whose value has what `holds` looks
    /// for.
    pub fn exported(&self, holds: &dyn Fn(&str) -> bool) -> Option<(&str, Span)> {
        self.exports.iter().find(|e| holds(&e.value)).map(|e| (e.path.as_str(), e.lines))
    }

    /// Where this caller's file assigns the variable `name` it passes on, if it does.
    pub fn export_of(&self, name: &str) -> Option<(&str, Span)> {
        self.exports.iter().find(|e| e.name == name).map(|e| (e.path.as_str(), e.lines))
    }

    /// `path:line`.
    pub fn at(&self) -> String {
        format!("{}:{}", self.path, self.lines.start_line)
    }
}

/// The most of a caller's command kept as written.
const MAX_CALLER_TEXT: usize = 4096;

/// The text at `span`, at most `MAX_CALLER_TEXT` bytes of it (cut at a character boundary).
fn written_prefix(text: &str, (start, end): (usize, usize)) -> String {
    let mut end = end.min(start.saturating_add(MAX_CALLER_TEXT)).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(start..end).unwrap_or_default().to_string()
}

/// The words of the command at `span` as first evaluated, at most `MAX_CALLER_TEXT` bytes.
fn evaluated_prefix(d: &Defs<'_>, span: (usize, usize)) -> String {
    let Some(command) = d.command_at(span) else { return String::new() };
    let mut words = String::new();
    for word in &command.argv {
        let word = word.display();
        if words.len() + word.len() + 1 > MAX_CALLER_TEXT {
            break;
        }
        words.push_str(&word);
        words.push(' ');
    }
    words
}

/// Whether a build file names macOS (`darwin`, a `macos-latest` runner): a file that does not
/// cannot be the one that chose to build for it.
pub fn names_macos(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("darwin") || lower.contains("macos")
}

/// Whether `text` names `word` as a word (`GOOS=darwin`, `darwin/arm64`, `- darwin`), not as
/// part of a name (`get_darwin_ip`).
pub fn names_word(text: &str, word: &str) -> bool {
    let in_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, m)| {
        !text[..at].chars().next_back().is_some_and(in_name)
            && !text[at + m.len()..].chars().next().is_some_and(in_name)
    })
}

/// For a CI step starting at `step`: whether a line of its job's `matrix:` names macOS (darwin
/// as a word, or a `macos-` runner) outside a comment. The job is the text above the step back
/// to the line indented less than its `steps:` key.
fn job_matrix_names_macos(text: &str, step: usize) -> bool {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut steps_indent = None;
    let mut lines = Vec::new();
    let Some(above) = text.get(..step) else { return false };
    let mut end = above.rfind('\n').map_or(0, |n| n + 1);
    while end > 0 {
        let start = text[..end - 1].rfind('\n').map_or(0, |n| n + 1);
        let line = &text[start..end - 1];
        end = start;
        let code = line.trim();
        if code.is_empty() || code.starts_with('#') {
            continue;
        }
        match steps_indent {
            None if code == "steps:" => steps_indent = Some(indent(line)),
            Some(at) if indent(line) < at => break,
            Some(_) => lines.push((start, start + line.len())),
            None => {}
        }
    }
    lines.reverse();
    let Some(matrix) = lines.iter().position(|&(start, end)| text[start..end].trim_start().starts_with("matrix:"))
    else {
        return false;
    };
    let matrix_indent = indent(&text[lines[matrix].0..lines[matrix].1]);
    lines[matrix..]
        .iter()
        .take_while(|&&(start, end)| start == lines[matrix].0 || indent(&text[start..end]) > matrix_indent)
        .any(|&(start, end)| {
            let line = text[start..end].to_ascii_lowercase();
            let code = line.split(" #").next().unwrap_or_default();
            names_word(code, "darwin") || code.contains("macos-")
        })
}

/// What a CI job does with files after one of its commands: whether an upload or release step of
/// the job keeps them, the paths it keeps as artifacts, its later commands (holes written as
/// their origin), and
/// whether the pipeline can make a release at all (packing a file keeps it only there).
#[derive(Clone, Debug, Default)]
pub struct Keeping {
    pub action_keeps: bool,
    pub artifacts: Vec<String>,
    pub later: Vec<Vec<String>>,
    pub releases: bool,
    /// Where the job's Go builds write (as named): a later command running one of them runs
    /// what the job built, not a script that may publish.
    pub built: Vec<String>,
    /// A later command of the job itself uploads files (`aws s3 cp`, `gh release upload`).
    pub uploads: bool,
}

/// Commands that publish what the job built, wherever it is (an image build takes its context, a
/// release tool its own configuration).
const PUBLISHING_COMMANDS: &[&str] = &["docker", "podman", "buildah", "goreleaser", "nfpm", "fpm", "ko"];
/// Commands that upload the files they name somewhere that outlives the job.
const UPLOADING_COMMANDS: &[&str] = &["gh", "ghr", "aws", "gsutil", "az", "rsync", "scp", "curl", "jf"];
/// Commands that pack the files they name into an archive.
const ARCHIVING_COMMANDS: &[&str] =
    &["tar", "gtar", "bsdtar", "zip", "7z", "gzip", "xz", "zstd", "bzip2", "Compress-Archive"];
/// Commands that pack the files they name into an installer, a package or a universal binary
/// (`lipo -create -output app app.amd64 app.arm64`, `wix build -d BinPath=app.exe`).
const PACKAGING_COMMANDS: &[&str] = &[
    "iscc",
    "makensis",
    "wix",
    "candle",
    "wixl",
    "lipo",
    "pkgbuild",
    "productbuild",
    "hdiutil",
    "create-dmg",
    "appimagetool",
    "mkpkg",
    "fpm",
    "dpkg-deb",
    "makeself",
];
/// Commands that only look at, move into or remove the files they name: they neither keep
/// nor use what a build wrote.
pub const LOOKING_COMMANDS: &[&str] =
    &["cd", "ls", "file", "stat", "du", "chmod", "chown", "touch", "test", "[", "echo", "printf", "rm"];
/// Commands that copy or move the files they name (PowerShell's too).
const COPYING_COMMANDS: &[&str] = &["cp", "mv", "install", "copy", "Copy-Item", "Move-Item"];
/// Commands that treat the files they name in place for a release (compress, strip, sign, sum).
const TREATING_COMMANDS: &[&str] = &["upx", "strip", "codesign", "cosign", "sha256sum", "shasum"];

/// Whether `program` packs, moves or signs the files it names (for a release, where there is one).
fn packs(program: &str) -> bool {
    [ARCHIVING_COMMANDS, PACKAGING_COMMANDS, COPYING_COMMANDS, TREATING_COMMANDS]
        .iter()
        .any(|list| list.contains(&program))
}

/// The file name of the program a command runs (`/usr/bin/tar` runs `tar`, Windows' `7z.exe`
/// runs `7z`); empty when unknown.
fn program_of(argv: &[Value]) -> &str {
    command_name(argv.first().and_then(Value::as_known).unwrap_or(""))
}

/// Whether a command moves or copies files to another place (`mv ctop /go/bin/`, `cp -r`,
/// `install -m 755`, also for each file `find` lists: `find bin -exec mv {} /build/ \;`): what
/// a build wrote may then be anywhere.
pub fn relocates_files(argv: &[Value]) -> bool {
    let relocating = |program: &str| {
        matches!(command_name(program), "mv" | "cp" | "install" | "rsync" | "ln" | "tar" | "cpio" | "ditto")
    };
    relocating(program_of(run_for_each(argv).unwrap_or(argv)))
}

/// The command that `find ... -exec CMD {} \;` (or `-execdir`, or `+`) and `xargs [options] CMD`
/// run for each file they list, as its words.
pub fn run_for_each(argv: &[Value]) -> Option<&[Value]> {
    match program_of(argv) {
        "find" => {
            let at = argv.iter().position(|w| matches!(w.as_known(), Some("-exec" | "-execdir")))? + 1;
            let end = argv[at..].iter().position(|w| matches!(w.as_known(), Some(";" | "\\;" | "+")));
            Some(&argv[at..end.map_or(argv.len(), |e| at + e)])
        }
        "xargs" => {
            let mut at = 1;
            while let Some(option) = argv.get(at).and_then(Value::as_known).filter(|w| w.starts_with('-')) {
                let takes_value = matches!(option, "-I" | "-n" | "-P" | "-L" | "-d" | "-a" | "-s" | "-E");
                at += if takes_value { 2 } else { 1 };
            }
            argv.get(at..).filter(|rest| !rest.is_empty())
        }
        _ => None,
    }
}

/// A program's name as the lists above have it: its file name, without Windows' `.exe`.
fn command_name(program: &str) -> &str {
    let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
    name.strip_suffix(".exe").unwrap_or(name)
}

/// Whether a command runs one of `programs` on the file `file`.
fn runs_on_file(argv: &[Value], programs: &[&[&str]], file: &str) -> bool {
    let listed = |program: &str| programs.iter().any(|list| list.contains(&command_name(program)));
    // A program the file chooses among ones that all would (`TAR ?= tar`, `gtar` where `tar`
    // is not GNU's).
    let alternatives = argv.first().and_then(Value::alternatives).unwrap_or_default();
    let chosen = !alternatives.is_empty() && alternatives.iter().all(|a| a.as_known().is_some_and(listed));
    (listed(program_of(argv)) || chosen)
        && argv.iter().skip(1).filter_map(Value::as_known).any(|a| !a.starts_with('-') && names_file(a, file))
}

/// Whether a command uses the file `file` rather than only looking at it or treating it in
/// place: packs, copies or uploads it, or hands it to any other program (a packager's
/// `--files=./app:/usr/bin/app`, `wix build -d BinPath=out/app.exe`). After it, the file may be
/// built again without loss (`go build -o app; tar czf app-$os.tgz app`); after `chmod +x app`,
/// `strip app` or `sha256sum app`, not.
pub fn uses_file(argv: &[Value], file: &str) -> bool {
    let program = program_of(argv);
    !program.is_empty()
        && !LOOKING_COMMANDS.contains(&program)
        && !TREATING_COMMANDS.contains(&program)
        && argv.iter().skip(1).filter_map(Value::as_known).any(|a| names_file(a, file))
}

/// What a command packs the file `file` into: an archive (`7z a app_win64.zip app.exe`), or
/// an installer or package (`pkgbuild`, `wix`, `lipo`); `None` when it does not.
pub fn packs_into(argv: &[Value], file: &str) -> Option<&'static str> {
    if runs_on_file(argv, &[ARCHIVING_COMMANDS], file) {
        return Some("an archive");
    }
    runs_on_file(argv, &[PACKAGING_COMMANDS], file).then_some("an installer or package")
}

/// Whether a command uploads files (`gh release upload`, `aws s3 cp`, `scp`, `curl -T`; not `gh
/// release view`, not `curl` fetching an installer), as far as its words are known.
pub fn uploads(argv: &[Value]) -> bool {
    // Holes written as their origin: the bucket may be a secret (`s3://${{ secrets.BUCKET }}`).
    let words: Vec<String> = argv.iter().map(Value::display).collect();
    uploads_words(&words.iter().map(String::as_str).collect::<Vec<_>>())
}

fn uploads_words(words: &[&str]) -> bool {
    match command_name(words.first().copied().unwrap_or("")) {
        "gh" => words.get(1) == Some(&"release") && matches!(words.get(2), Some(&"upload" | &"create")),
        "curl" => words.iter().any(|a| *a == "-T" || a.starts_with("--upload-file")),
        // `aws s3 cp s3://bucket/app.msi ./app.msi` and `gsutil cp gs://...` download: what
        // goes to a local path is not uploaded.
        "aws" | "gsutil" => {
            let operands: Vec<&str> = words.iter().skip(1).copied().filter(|w| !w.starts_with('-')).collect();
            let local = |w: &str| !w.contains("://") && !w.trim_start_matches(['"', '\'']).starts_with('$');
            let copies = operands.iter().position(|w| matches!(*w, "cp" | "mv" | "sync" | "rsync"));
            !copies.is_some_and(|at| operands.len() > at + 2 && operands.last().copied().is_some_and(local))
        }
        program => UPLOADING_COMMANDS.contains(&program),
    }
}

/// Container tool verbs that run, inspect or manage containers and images: none of them puts
/// a file of the job into an image or a registry.
const CONTAINER_USES: &[&str] = &[
    "exec", "ps", "run", "start", "stop", "restart", "rm", "rmi", "kill", "logs", "inspect", "pull", "login", "logout",
    "compose", "network", "volume", "system", "info", "version", "images", "wait", "top", "stats", "events", "port",
    "context",
];

/// Whether a CI step builds an image with an action that names its Dockerfile in an input
/// (docker/build-push-action, HashiCorp's actions-docker-build).
fn action_builds_image(a: &super::ci::ActionStep) -> bool {
    ["docker/build-push-action@", "hashicorp/actions-docker-build@"].iter().any(|p| a.uses.starts_with(p))
}

/// Whether a docker/build-push-action step pushes its image: `push: true` (or an expression,
/// true on a release's events: `${{ github.event_name != 'pull_request' }}`), or `outputs` that
/// export to a registry (`type=registry`, `type=image,name=...,push=true` or such an
/// expression). By default it builds the image and keeps nothing.
pub fn build_push_action_pushes(a: &super::ci::ActionStep) -> bool {
    let says_push = |v: &str| match v.trim() {
        v if v.contains("${{") => !v.contains("== 'pull_request'"),
        v => v == "true",
    };
    if let Some(push) = a.with.get("push") {
        return says_push(&push.value);
    }
    a.with.get("outputs").is_some_and(|o| {
        o.value
            .split([',', '\n'])
            .map(str::trim)
            .any(|s| s == "type=registry" || s.strip_prefix("push=").is_some_and(says_push))
    })
}

/// The inputs of an image-building action that name its Dockerfile and its folder.
fn action_file_keys(a: &super::ci::ActionStep) -> (&'static str, &'static str) {
    if a.uses.starts_with("hashicorp/") { ("dockerfile", "workdir") } else { ("file", "context") }
}

/// Whether a file builds an image from a Dockerfile it names through something this reader
/// does not know: a command (see `builds_unknown_dockerfile`) or an image-building action
/// whose Dockerfile input is an expression other than the matrix's (`file: ${{
/// inputs.dockerfile }}`; `${{ matrix.x }}` is read per combination). That image may be any
/// Dockerfile of the tree, where the file pushes images.
pub fn names_unknown_dockerfile(d: &Defs<'_>) -> bool {
    // In a file that pushes no image, such a build is for a look, not to publish.
    let by_command = d.commands.iter().any(|c| builds_unknown_dockerfile(&c.argv)) && pushes_images(d);
    let by_action = d.workflow.is_some_and(|w| {
        w.actions.iter().filter(|a| action_builds_image(a)).any(|a| {
            a.with.get(action_file_keys(a).0).is_some_and(|f| f.value.contains("${{") && !f.value.contains("matrix."))
        })
    });
    by_command || by_action
}

/// Whether a command builds an image from a Dockerfile it names through something this reader
/// does not know (`docker build -f ${DOCKERFILEPATH}/Dockerfile .` with the folder from the
/// caller): that image may be any Dockerfile of the tree.
pub fn builds_unknown_dockerfile(argv: &[Value]) -> bool {
    let file_flag = |w: &&Value| w.as_known().is_some_and(|w| matches!(w, "-f" | "--file"));
    let named_unknown = argv.windows(2).any(|pair| file_flag(&&pair[0]) && !pair[1].is_known())
        || argv.iter().any(|w| w.strip_prefix("--file=").is_some_and(|f| !f.is_known()));
    builds_an_image(argv) && named_unknown
}

/// Whether a command is a container tool's image build (`docker build`, `docker buildx build`,
/// `podman image build`).
pub fn builds_an_image(argv: &[Value]) -> bool {
    let words: Vec<&str> = argv.iter().take(3).map_while(Value::as_known).collect();
    let builds =
        matches!(words.get(1..3), Some(["buildx", "build"] | ["image", "build"])) || words.get(1) == Some(&"build");
    builds && matches!(program_of(argv), "docker" | "podman" | "nerdctl" | "buildah")
}

/// The names a container tool's image build tags its image with (`-t NAME`, `--tag=NAME`), as
/// far as they are known.
fn image_tags(argv: &[Value]) -> Vec<&str> {
    let mut tags = Vec::new();
    let mut words = argv.iter().filter_map(Value::as_known);
    while let Some(w) = words.next() {
        let tag = match w {
            "-t" | "--tag" => words.next(),
            _ => w
                .strip_prefix("--tag=")
                .or_else(|| w.strip_prefix("-t").filter(|t| !t.is_empty() && !w.starts_with("--"))),
        };
        tags.extend(tag);
    }
    tags
}

/// Whether any command of `d` pushes an image by a tag an image build `argv` gives, written
/// the same way even where its value is not known (`docker build -t $(IMAGE):$(GIT_HASH)` in
/// one target, `docker push $(IMAGE):$(GIT_HASH)` in another that runs it first).
fn pushes_tag_of(d: &Defs<'_>, argv: &[Value]) -> bool {
    let given: Vec<&Value> = argv
        .windows(2)
        .filter(|w| matches!(w[0].as_known(), Some("-t" | "--tag")))
        .map(|w| &w[1])
        .filter(|tag| !tag.is_empty())
        .collect();
    !given.is_empty()
        && d.commands.iter().any(|o| {
            let words: Vec<Option<&str>> = o.argv.iter().take(2).map(Value::as_known).collect();
            matches!(words.as_slice(), [Some("docker" | "podman" | "nerdctl" | "buildah"), Some("push")])
                && o.argv.get(2).is_some_and(|pushed| given.contains(&pushed))
        })
}

/// Whether an image tag names development or tests (`waypoint:dev`, `app:local-test`): a word of
/// the tag after the name's `:` (no tag is `latest`).
fn tag_names_development(reference: &str) -> bool {
    let name = reference.rsplit('/').next().unwrap_or(reference);
    let Some((_, tag)) = name.split_once(':') else { return false };
    tag.to_ascii_lowercase().split(['-', '_', '.']).any(|w| super::source::non_release_purpose(w).is_some())
}

/// Whether a command starts a container of an image tagged one of `tags` (`docker run --rm -v
/// "$PWD:/out" app-builder make`): a name with no tag is `:latest`.
fn runs_container_of(argv: &[Value], tags: &[&str]) -> bool {
    let words: Vec<&str> = argv.iter().take(3).map_while(Value::as_known).collect();
    let runs = words.get(1) == Some(&"run") || words.get(1..3) == Some(&["container", "run"]);
    let latest = |name: &str| {
        if name.rsplit('/').next().is_some_and(|n| n.contains(':')) {
            name.to_string()
        } else {
            format!("{name}:latest")
        }
    };
    let tagged: Vec<String> = tags.iter().map(|t| latest(t)).collect();
    runs && matches!(program_of(argv), "docker" | "podman" | "nerdctl")
        && argv.iter().skip(2).filter_map(Value::as_known).any(|w| tagged.contains(&latest(w)))
}

/// Whether a file name is a data file's by its extension (`bundle.yaml`, `checksums.txt`):
/// none that a Go build writes.
pub fn names_data_file(name: &str) -> bool {
    const DATA: &[&str] = &[
        "yaml", "yml", "json", "txt", "md", "sha256", "sha512", "asc", "sig", "pem", "crt", "html", "csv", "xml",
        "toml", "spdx", "cdx", "log", "sarif", "lcov",
    ];
    let file = name.rsplit('/').next().unwrap_or(name);
    file.rsplit_once('.').is_some_and(|(stem, ext)| !stem.is_empty() && DATA.contains(&ext))
}

/// Whether any command of a file pushes an image (see `pushes_image`).
fn pushes_images(d: &Defs<'_>) -> bool {
    d.commands.iter().any(|c| pushes_image(&c.argv))
}

/// Whether a command pushes an image to a registry (`docker push`, `docker buildx build
/// --push`, `buildah push`), or exports it to an archive that leaves the machine (`docker save
/// app > app.tar`, released as a file), as far as its words are known.
pub fn pushes_image(argv: &[Value]) -> bool {
    let pushes = matches!(program_of(argv), "docker" | "podman" | "nerdctl" | "buildah")
        && matches!(argv.get(1).and_then(Value::as_known), Some("push" | "save"));
    // Anywhere in the command, also after words it does not know, or as one choice of a
    // variable (`$PUSH_OR_LOAD`: `--load`, or `--push` for a release).
    let pushed_by_build = argv.iter().any(|w| {
        w.is_or_may_be("--push") || w.as_known().is_some_and(|w| w.contains("type=registry") || w.contains("push=true"))
    });
    pushes || builds_an_image(argv) && pushed_by_build
}

/// Whether a command packs, copies or uploads the files it names: a loop's runs of it name
/// one file each, so each distinct run is kept (`cp bin/app-$os dist/`).
pub fn names_kept_files(argv: &[Value]) -> bool {
    let program = program_of(argv);
    packs(program) || UPLOADING_COMMANDS.contains(&program)
}

impl Keeping {
    /// Whether the job keeps what a build wrote to `output`: not a tool a later command runs
    /// itself; kept as an artifact, by an upload or release step, or by a later command that
    /// packs, copies or publishes it. Where the output is not known (`go install` into
    /// `$GOPATH/bin`, a pattern rule's `$@`), only an upload or release step keeps it: one of a
    /// release, or artifacts a release workflow keeps that are not data files (a folder may
    /// hold it, packed or not; `output.log` does not).
    pub fn keeps(&self, output: Option<&str>) -> bool {
        let Some(output) = output.map(|o| o.trim_start_matches("./")) else {
            return self.action_keeps || self.releases && self.artifacts.iter().any(|a| !names_data_file(a));
        };
        let program = |argv: &Vec<String>| argv.first().map_or("", |p| p.trim_start_matches("./")).to_string();
        let names_output = |argv: &Vec<String>| {
            let program = command_name(&program(argv)).to_string();
            let keeping = UPLOADING_COMMANDS.contains(&program.as_str()) || self.releases && packs(&program);
            keeping && argv.iter().skip(1).any(|arg| names_file(arg, output))
        };
        // A program the job runs is a tool, unless the job also packs or copies it somewhere
        // other than a folder of programs (`cp tool /usr/local/bin/` installs a tool).
        let packs = |argv: &Vec<String>| {
            let installs = matches!(program(argv).as_str(), "cp" | "mv" | "install")
                && argv.last().is_some_and(|to| to.starts_with('/') || to.starts_with('$') || to.starts_with('~'));
            names_output(argv) && !installs
        };
        // Run by a path that ends in the output's own (`go build -o helper .` in a step's
        // `working-directory`, then `.github/actions/x/scripts/helper`).
        let runs_output = |argv: &Vec<String>| {
            let run = program(argv);
            run == output || run.strip_suffix(output).is_some_and(|folder| folder.ends_with('/'))
        };
        if self.later.iter().any(runs_output) && !self.later.iter().any(packs) {
            return false;
        }
        // goreleaser publishes only when it releases (not `build`, not `--snapshot`); a container
        // tool, when it builds, pushes or saves an image (not `docker exec`, `docker ps`).
        let publishes = |argv: &Vec<String>| match program(argv).as_str() {
            "goreleaser" => {
                crate::goreleaser::Run::from_args(&argv[1..].iter().map(String::as_str).collect::<Vec<_>>()).releases
            }
            "docker" | "podman" | "nerdctl" => !argv.get(1).is_some_and(|verb| CONTAINER_USES.contains(&verb.as_str())),
            p => PUBLISHING_COMMANDS.contains(&p),
        };
        let later_keeps = self.later.iter().any(|argv| publishes(argv) || names_output(argv));
        self.action_keeps || later_keeps || self.artifacts.iter().any(|kept| artifact_holds(kept, output))
    }

    /// Whether an artifact of the job keeps `in_workspace`, the workspace path of a file a step
    /// wrote from another folder as `output` (`cd wix` then `-o ../build/app.exe`), which no
    /// later command runs as a tool.
    pub fn artifact_keeps(&self, output: &str, in_workspace: &str) -> bool {
        let runs = |argv: &Vec<String>| argv.first().is_some_and(|p| p.trim_start_matches("./") == output);
        !self.later.iter().any(runs) && self.artifacts.iter().any(|kept| artifact_holds(kept, in_workspace))
    }

    /// Whether a command runs a program the job built (`./target/release/app version`): one of
    /// the builds' outputs, or a file in a folder a build wrote to (whose name differs per
    /// matrix run: `-o target/release/${{ matrix.artifact }}`).
    fn runs_own_build(&self, argv: &[String]) -> bool {
        fn folder(path: &str) -> Option<&str> {
            path.rsplit_once('/').map(|(dir, _)| dir)
        }
        let Some(program) = argv.first().map(|p| p.trim_start_matches("./")) else { return false };
        let program_folder = folder(program).filter(|dir| !dir.is_empty());
        self.built
            .iter()
            .map(|o| o.trim_start_matches("./"))
            .any(|output| program == output || program_folder.is_some() && program_folder == folder(output))
    }

    /// Whether a later command runs the program `name` (a tool installed into a folder on
    /// `PATH`, such as `go install ./cmd/gen` then `gen`).
    pub fn runs(&self, name: &str) -> bool {
        self.later.iter().any(|argv| argv.first().is_some_and(|p| p.rsplit('/').next() == Some(name)))
    }

    /// Whether anything the job does later may publish: an upload, release or image step, a kept
    /// artifact, a publishing tool, or make or a script (whose builds may ship) but for one
    /// named for another purpose (`make test lint`, `./scripts/test.sh`).
    pub fn may_publish(&self) -> bool {
        let runs_more = |argv: &Vec<String>| {
            let program = argv.first().map_or("", String::as_str);
            let program = program.rsplit('/').next().unwrap_or(program);
            let goals: Vec<&str> =
                argv.iter().skip(1).map(String::as_str).filter(|a| !a.starts_with('-') && !a.contains('=')).collect();
            let for_other_purpose = match program {
                // `make test lint`, or `make crds.yaml`: a data file is what it makes.
                "make" | "gmake" | "mage" | "task" | "just" => {
                    !goals.is_empty()
                        && goals.iter().all(|g| super::source::names_other_purpose(g) || names_data_file(g))
                }
                p if p.ends_with(".sh") => super::source::names_other_purpose(p),
                _ => false,
            };
            // `docker ps`, `docker run`, `docker compose down`: containers, not images made.
            let container_only = matches!(program, "docker" | "podman")
                && !matches!(
                    argv.get(1).map(String::as_str),
                    Some("push" | "build" | "buildx" | "image" | "manifest" | "tag" | "save" | "commit")
                );
            if for_other_purpose || container_only || self.runs_own_build(argv) {
                return false;
            }
            let words: Vec<&str> = argv.iter().map(String::as_str).collect();
            PUBLISHING_COMMANDS.contains(&program)
                || uploads_words(&words)
                || ["make", "gmake", "mage", "task", "just", "bash", "sh"].contains(&program)
                || program.ends_with(".sh")
                || argv
                    .first()
                    .is_some_and(|p| p.starts_with("./") || p.contains("/scripts/") || p.starts_with("scripts/"))
        };
        self.action_keeps || !self.artifacts.is_empty() || self.later.iter().any(runs_more)
    }
}

/// Whether a kept artifact path (GitLab `artifacts:paths`: a file, a folder or a glob) holds `file`.
pub fn artifact_holds(kept: &str, file: &str) -> bool {
    let kept = kept.trim_start_matches("./").trim_end_matches('/');
    let file = file.trim_start_matches("./");
    file == kept
        || file.strip_prefix(kept).is_some_and(|rest| rest.starts_with('/'))
        // Built after a `cd` into a folder the upload names (`cd src; go build -o dist/app`,
        // uploaded as `src/dist/app`).
        || kept.strip_suffix(file).is_some_and(|folder| folder.ends_with('/'))
        || super::shell::glob_match(kept.as_bytes(), file.as_bytes())
}

/// Whether a command argument names `file`: the file itself, a folder above it, or a glob
/// matching it (`dist/*`, `bin/`).
pub fn names_file(arg: &str, file: &str) -> bool {
    // `.\app.exe` on Windows is `./app.exe`.
    let arg = arg.trim_start_matches("./").trim_start_matches(".\\");
    let file = file.trim_start_matches(".\\");
    let folder = arg.trim_end_matches(['/', '*']);
    // The file's path inside the argument (`dist/app`, `--file=dist/app#label`, fpm's
    // `dist/app=/usr/bin/app`), not a longer
    // name that starts with it (`app.tar.gz` does not name `app`).
    let bounded = arg.match_indices(file).any(|(at, _)| {
        let before = arg[..at].chars().next_back();
        let after = arg[at + file.len()..].chars().next();
        before.is_none_or(|c| "/\\=:'\"".contains(c)) && after.is_none_or(|c| "#'\",:=".contains(c))
    });
    // After a `cd` into its folder, a file is named by the rest of its path (`cd dist && tar czf
    // app.tgz app` names `dist/app`).
    let trailing = !arg.is_empty() && file.strip_suffix(arg).is_some_and(|rest| rest.ends_with('/'));
    // A pattern relative to where the command runs (`zip app.zip ./*`) cannot name a file by
    // its absolute path (`/go/bin/gox`), nor the other way round.
    let globbed =
        arg.starts_with('/') == file.starts_with('/') && super::shell::glob_match(arg.as_bytes(), file.as_bytes());
    bounded
        || trailing
        || globbed
        || (!folder.is_empty() && file.strip_prefix(folder).is_some_and(|rest| rest.starts_with('/')))
}

/// How a callee runs.
#[derive(Clone, Debug, PartialEq)]
pub enum Run {
    /// A script with its arguments (`$1`...).
    Script { args: Vec<Value> },
    /// A Makefile with its goals (none: the default goal) and command-line variables.
    Make { goals: Vec<Value>, overrides: Vec<(String, Value)> },
    /// A local action or reusable workflow a CI job uses, with its `with:` inputs (as
    /// `inputs.<name>`).
    Action { inputs: Vec<(String, Value)> },
    /// A Dockerfile an image build runs (`docker build`), with the `--build-arg` values its
    /// ARGs get (`None`: `--build-arg NAME` alone, taken from the caller's environment) and the
    /// `--target` stage it builds (none: the last stage).
    Image { build_args: Vec<(String, Option<Value>)>, target: Option<String> },
    /// A goreleaser config a `goreleaser` command builds from, in the command's environment
    /// (which its `{{ .Env.NAME }}` templates read).
    Goreleaser,
}

/// One run of a build definition by a command of another (or the same) file.
pub struct Call {
    pub callee: usize,
    pub run: Run,
    /// The variables the callee's environment holds: what the caller exported.
    pub env: Vec<(String, Value)>,
    pub caller: Arc<Caller>,
}

impl Call {
    /// For an image build: each `--build-arg` with its value, one given as a name alone
    /// (`--build-arg VERSION`) taking the caller's variable, or a hole when it has none.
    pub fn build_args_given(&self) -> Vec<(String, Value)> {
        let Run::Image { build_args, .. } = &self.run else { return Vec::new() };
        let from_caller = |name: &String| self.env.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        build_args
            .iter()
            .map(|(name, value)| {
                let value = value.clone().or_else(|| from_caller(name));
                (name.clone(), value.unwrap_or_else(|| Value::hole(Origin::BuildArg(name.clone()))))
            })
            .collect()
    }
}

/// What a command asks to run, before the file is found.
#[derive(Debug, PartialEq)]
enum Request {
    Make {
        dir: Option<Value>,
        file: Option<String>,
        goals: Vec<Value>,
        overrides: Vec<(String, Value)>,
        /// The files looked for when none is named (make's, or task's).
        defaults: &'static [&'static str],
    },
    Script {
        path: String,
        args: Vec<Value>,
    },
    /// `go run build.go args` or `go run ./helpers/release args`: a Go build program.
    GoRun {
        path: String,
        args: Vec<Value>,
    },
    /// `goreleaser release --config FILE` (none: the default names) that builds.
    Goreleaser {
        config: Option<String>,
    },
    /// `docker buildx bake -f FILE TARGET...`: the images of the bake file's targets (`None`:
    /// targets named with holes, which may be any).
    Bake {
        file: Option<String>,
        targets: Option<Vec<String>>,
    },
    /// `docker build -f FILE --build-arg NAME=value --target STAGE CONTEXT`.
    Image {
        file: Option<String>,
        context: String,
        build_args: Vec<(String, Option<Value>)>,
        target: Option<String>,
    },
}

/// Whether a command may run another build file (cheap; decides which commands keep their
/// environment for linking).
pub fn may_call(argv: &[Value]) -> bool {
    request(argv).is_some()
}

fn request(argv: &[Value]) -> Option<Request> {
    request_launched(argv, &super::gobuild::launched(argv)?)
}

/// What a command asks to run behind its launchers (`env`, `sudo`, `docker run IMAGE` and the
/// like: see `gobuild::launched`), whose settings the request carries.
/// The arguments of the goreleaser a command runs, past its launchers: the words after
/// `goreleaser`, or after one of goreleaser's own images, which start it (`docker run ...
/// ghcr.io/goreleaser/goreleaser-cross:v1.25 release --clean`).
pub fn goreleaser_args<'v>(argv: &'v [Value], launch: &super::gobuild::Launch) -> Option<&'v [Value]> {
    let program = argv.get(launch.program)?;
    if program.file_name() == Some("goreleaser") {
        return argv.get(launch.program + 1..);
    }
    let image = launch.image.and_then(|at| argv.get(at)?.as_known());
    image.is_some_and(super::images::runs_goreleaser).then(|| &argv[launch.program..])
}

fn request_launched(argv: &[Value], launch: &super::gobuild::Launch) -> Option<Request> {
    let i = launch.program;
    let env_overrides = launch.env.iter().map(|(_, name, value)| (name.clone(), value.clone())).collect();
    let program = known_path(&argv[i])?;
    let program = program.as_str();
    let name = program.rsplit('/').next().unwrap_or(program);
    let rest = &argv[i + 1..];
    if matches!(name, "make" | "gmake") {
        return make_request(rest, env_overrides);
    }
    if matches!(name, "task" | "go-task") {
        return task_request(rest, env_overrides);
    }
    if let Some(args) = goreleaser_args(argv, launch) {
        let words: Option<Vec<&str>> = args.iter().map(Value::as_known).collect();
        let run = crate::goreleaser::Run::from_args(&words?);
        return run.builds.then_some(Request::Goreleaser { config: run.config });
    }
    let subcommand: Vec<&str> = rest.iter().take(2).map_while(Value::as_known).collect();
    let image_options = match (name, subcommand.as_slice()) {
        ("docker" | "podman" | "nerdctl", ["build", ..] | ["image", "build"] | ["buildx", "build"]) => {
            Some(&rest[if subcommand[0] == "build" { 1 } else { 2 }..])
        }
        ("buildah", ["bud" | "build", ..]) => Some(&rest[1..]),
        _ => None,
    };
    if let Some(options) = image_options {
        return image_request(options);
    }
    match (name, subcommand.as_slice()) {
        ("docker", ["buildx", "bake"]) => return bake_request(&rest[2..]),
        ("docker", ["bake", ..]) => return bake_request(&rest[1..]),
        _ => {}
    }
    if name == "go" && rest.first()?.as_known()? == "run" {
        let at = 1 + super::gobuild::go_run_program(rest[1..].iter().map(Value::as_known))?;
        let path = rest[at].as_known()?.to_string();
        return Some(Request::GoRun { path, args: rest[at + 1..].to_vec() });
    }
    // `pwsh -NoProfile -File build.ps1 -Version 1` (or the script as the first word ending in
    // `.ps1`); `-Command` runs a string.
    if matches!(name, "pwsh" | "pwsh.exe" | "powershell" | "powershell.exe") {
        let words: Vec<&str> = rest.iter().map_while(Value::as_known).collect();
        let file = words.iter().position(|w| w.eq_ignore_ascii_case("-File") || w.eq_ignore_ascii_case("-f"));
        let at = file.map(|f| f + 1).or_else(|| words.iter().position(|w| w.to_ascii_lowercase().ends_with(".ps1")))?;
        let script = words.get(at)?;
        return Some(Request::Script { path: script.to_string(), args: rest[at + 1..].to_vec() });
    }
    if super::shell::SHELLS.contains(&name) || matches!(name, "source" | ".") {
        // `bash -c '...'` runs a string, not a file; other options come before the script.
        let mut args = rest.iter();
        let script = loop {
            let a = known_path(args.next()?)?;
            match a.as_str() {
                "-c" => return None,
                "-o" | "-O" => {
                    args.next();
                }
                a if a.starts_with('-') || a.starts_with('+') => {}
                _ => break a,
            }
        };
        return Some(Request::Script { path: script.to_string(), args: args.cloned().collect() });
    }
    // The repository's own `go` (`../../go.sh install -ldflags ...`) is judged where it is
    // called, as the build it runs (see `gobuild`), not as a script of its own.
    let go_wrapper = matches!(name.split('.').next(), Some("go")) && name != "go";
    if go_wrapper && matches!(rest.first().and_then(Value::as_known), Some("build" | "install")) {
        return None;
    }
    let path_like = program.contains('/') || program.ends_with(".sh") || program.ends_with(".bash");
    path_like.then(|| Request::Script { path: program.to_string(), args: rest.to_vec() })
}

/// `make` options, `NAME=value` variables and goals. A goal with holes
/// (`static-${TARGETOS}-${TARGETARCH}`) is kept as it is: it runs the callee's targets it could
/// be (see `Makefile::goals_matching`).
fn make_request(args: &[Value], mut overrides: Vec<(String, Value)>) -> Option<Request> {
    // Options whose value is the next word (or attached: `-Cdir`).
    const WITH_VALUE: &[&str] = &["-C", "-f", "-I", "-o", "-W", "-l"];
    let (mut dir, mut file, mut goals) = (None, None, Vec::new());
    let mut words = args.iter().peekable();
    while let Some(w) = words.next() {
        if let Some(a) = super::gobuild::assignment(w) {
            overrides.push(a);
            continue;
        }
        // make takes any of its assignments on the command line (`GO_BUILD_FLAGS:=-tags x`);
        // `+=` adds to the file's value, which is not known here: neither a goal nor an override.
        if let Some((name, value)) = make_command_line_assignment(w) {
            if let Some(name) = name.strip_suffix(['?', ':']).map(|n| n.trim_end_matches(':')) {
                overrides.push((name.to_string(), value));
            }
            continue;
        }
        if let Some(d) = w.strip_prefix("--directory=") {
            dir = Some(d);
            continue;
        }
        let Some(word) = w.as_known() else {
            if !w.starts_with("-") {
                goals.push(w.clone());
            }
            continue;
        };
        let long = |prefix: &str| word.strip_prefix(prefix).map(str::to_string);
        if let Some(f) = long("--file=").or_else(|| long("--makefile=")) {
            file = Some(f);
        } else if let Some(flag) = WITH_VALUE.iter().find(|f| word.starts_with(**f)) {
            // The folder may have holes (`-C backend/${BACKEND}`); the file is found by name.
            let value = match &word[flag.len()..] {
                "" => words.next().cloned(),
                attached => Some(Value::known(attached)),
            };
            match *flag {
                "-C" => dir = value,
                "-f" => file = value.as_ref().and_then(Value::as_known).map(str::to_string),
                _ => {}
            }
        } else if word == "-j" || word == "--jobs" {
            // An optional job count.
            if words.peek().and_then(|n| n.as_known()).is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())) {
                words.next();
            }
        } else if !word.starts_with('-') && !word.is_empty() {
            goals.push(w.clone());
        }
    }
    Some(Request::Make { dir, file, goals, overrides, defaults: MAKEFILE_NAMES })
}

/// A make command-line assignment with an operator other than `=` (`NAME:=v`, `NAME::=v`,
/// `NAME?=v`, `NAME+=v`): the name with its operator's leading characters, and the value.
fn make_command_line_assignment(word: &Value) -> Option<(String, Value)> {
    let (name, value) = word.split_once('=')?;
    let name = name.as_known()?;
    let bare = name.trim_end_matches([':', '?', '+']);
    let operator = &name[bare.len()..];
    let identifier = bare.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && bare.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    (identifier && matches!(operator, ":" | "::" | ":::" | "?" | "+")).then(|| (name.to_string(), value))
}

/// The files make looks for when none is named, in its order.
const MAKEFILE_NAMES: &[&str] = &["GNUmakefile", "makefile", "Makefile"];

/// `task` options, `NAME=value` variables and tasks, as a make request of the Makefile the task
/// file is read as (see `taskfile`): a task `dist:linux` is the target `dist/linux`; what
/// follows `--` is `{{.CLI_ARGS}}`.
fn task_request(args: &[Value], mut overrides: Vec<(String, Value)>) -> Option<Request> {
    const WITH_VALUE: &[&str] = &["-t", "--taskfile", "-d", "--dir", "-o", "--output", "-C", "--concurrency"];
    let (mut dir, mut file, mut goals) = (None, None, Vec::new());
    let mut words = args.iter();
    while let Some(w) = words.next() {
        if w.as_known() == Some("--") {
            break;
        }
        if let Some(a) = super::gobuild::assignment(w) {
            overrides.push(a);
            continue;
        }
        let Some(word) = w.as_known() else {
            if !w.starts_with("-") {
                goals.push(w.clone());
            }
            continue;
        };
        let (flag, attached) = match word.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(Value::known(v))),
            _ => (word, None),
        };
        if WITH_VALUE.contains(&flag) {
            let value = attached.or_else(|| words.next().cloned());
            match flag {
                "-t" | "--taskfile" => file = value.as_ref().and_then(Value::as_known).map(str::to_string),
                "-d" | "--dir" => dir = value,
                _ => {}
            }
        } else if !word.starts_with('-') && !word.is_empty() {
            goals.push(Value::known(super::taskfile::target_of(word)));
        }
    }
    // No task named: task runs `default`.
    if goals.is_empty() {
        goals.push(Value::known("default"));
    }
    Some(Request::Make { dir, file, goals, overrides, defaults: super::taskfile::DEFAULT_NAMES })
}

/// `docker build` options: the Dockerfile, the context, the build arguments and the target
/// stage; `None` for a context that is not a folder of the scan (`-`, a URL, one not known).
fn image_request(args: &[Value]) -> Option<Request> {
    // Options whose value is the next word (unless attached with `=`); the others are flags.
    const WITH_VALUE: &[&str] = &[
        "-f",
        "--file",
        "--build-arg",
        "--target",
        "-t",
        "--tag",
        "--platform",
        "-o",
        "--output",
        "--cache-from",
        "--cache-to",
        "--label",
        "--secret",
        "--ssh",
        "--progress",
        "--iidfile",
        "--metadata-file",
        "--network",
        "--builder",
        "--build-context",
        "--add-host",
        "--attest",
        "--annotation",
        "--shm-size",
        "--ulimit",
        "--allow",
        "--call",
        "--cgroup-parent",
        "--isolation",
        "--memory",
        "--memory-swap",
        "--cpu-shares",
        "--cpuset-cpus",
        "--arch",
        "--os",
        "--layers",
        "--format",
        "--jobs",
        "--manifest",
        "--authfile",
        "--creds",
        "--sign-by",
    ];
    let (mut file, mut context, mut build_args, mut target) = (None, None, Vec::new(), None);
    let mut words = args.iter();
    while let Some(w) = words.next() {
        if !w.starts_with("-") || w.as_known() == Some("-") {
            // A context with holes is not a folder that can be found.
            context = w.as_known().map(str::to_string);
            continue;
        }
        // `--flag=value` (the value may have holes), `-fFILE`, or `--flag value`.
        let (flag, attached) = match w.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value)),
            _ => match w.strip_prefix("-f").filter(|rest| !rest.is_empty() && !w.starts_with("--")) {
                Some(rest) => (Value::known("-f"), Some(rest)),
                None => (w.clone(), None),
            },
        };
        let Some(flag) = flag.as_known().filter(|f| WITH_VALUE.contains(f)) else { continue };
        let Some(value) = attached.or_else(|| words.next().cloned()) else { break };
        match flag {
            "-f" | "--file" => file = value.as_known().map(str::to_string),
            // An unresolved stage (`--target=$*`) is kept as written: it may be any stage.
            "--target" => target = Some(value.as_known().map_or_else(|| value.display(), str::to_string)),
            "--build-arg" => match value.split_once('=') {
                Some((name, v)) => build_args.extend(name.as_known().map(|n| (n.to_string(), Some(v)))),
                None => build_args.extend(value.as_known().map(|n| (n.to_string(), None))),
            },
            _ => {}
        }
    }
    let context = context.filter(|c| c != "-" && !c.contains("://") && !c.starts_with("git@"))?;
    Some(Request::Image { file, context, build_args, target })
}

/// The bake file and targets of `docker buildx bake` (its words after `bake`).
fn bake_request(args: &[Value]) -> Option<Request> {
    // Options whose value is the next word (unless attached with `=`); the others are flags.
    const WITH_VALUE: &[&str] = &[
        "-f",
        "--file",
        "--set",
        "--progress",
        "--builder",
        "--metadata-file",
        "--allow",
        "--call",
        "--provenance",
        "--sbom",
    ];
    let (mut file, mut targets) = (None, Some(Vec::new()));
    let mut words = args.iter();
    while let Some(w) = words.next() {
        let Some(word) = w.as_known() else {
            // A word with holes: a target this reader cannot know, or an option in a variable.
            targets = None;
            continue;
        };
        if !word.starts_with('-') {
            if let Some(t) = targets.as_mut() {
                t.push(word.to_string());
            }
            continue;
        }
        let (flag, attached) = match word.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_string())),
            None => (word, None),
        };
        if !WITH_VALUE.contains(&flag) {
            continue;
        }
        let value = attached.or_else(|| words.next().and_then(Value::as_known).map(str::to_string));
        if matches!(flag, "-f" | "--file") {
            file = file.or(value);
        }
    }
    Some(Request::Bake { file, targets })
}

/// The names `docker buildx bake` reads when no `-f` is given.
const BAKE_FILES: [&str; 2] = ["docker-bake.hcl", "docker-bake.override.hcl"];
/// The largest bake file read.
const MAX_BAKE_FILE: u64 = 1 << 20;

/// `path` without `.` and with `..` applied; `None` when `..` climbs above its start.
pub(crate) fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            c => out.push(c),
        }
    }
    Some(out)
}

/// The folders a command of `caller` runs relative to, most likely first: the caller's own
/// folder (a Makefile's recipes, a Dockerfile's context), the repository root for CI files
/// (`.github/workflows/x.yml`, `.gitlab/ci/x.yml`), then the scanned root.
fn base_folders(caller: &Path, kind: Kind, scan_root: &Path) -> Vec<PathBuf> {
    let dir = caller.parent().unwrap_or(Path::new(""));
    let mut bases = Vec::new();
    let ci_root = match kind {
        Kind::GithubWorkflow | Kind::GitlabCi if dir.ends_with(".github/workflows") || dir.ends_with(".gitlab/ci") => {
            dir.parent().and_then(Path::parent)
        }
        Kind::CircleCi if dir.ends_with(".circleci") => dir.parent(),
        _ => None,
    };
    bases.extend(ci_root.map(Path::to_path_buf));
    // An image whose Dockerfile sits in a folder with no go.mod is built from the module's root
    // (`docker build -f docker/Dockerfile .`): its `RUN make build` runs the root's Makefile,
    // not one beside the Dockerfile.
    let module_root_context = kind == Kind::Dockerfile
        && dir != scan_root
        && !dir.join("go.mod").is_file()
        && scan_root.join("go.mod").is_file();
    match module_root_context {
        true => bases.extend([scan_root.to_path_buf(), dir.to_path_buf()]),
        false => bases.extend([dir.to_path_buf(), scan_root.to_path_buf()]),
    }
    bases
}

/// The first of `candidates` (paths, `..` applied) that is a build definition of the scan.
fn find_file(index: &HashMap<PathBuf, usize>, candidates: impl Iterator<Item = PathBuf>) -> Option<usize> {
    candidates.filter_map(|p| normalize(&p)).find_map(|p| index.get(&p).copied())
}

/// The most files one command with holes in the path it names runs (`make -C
/// backend/${BACKEND}`: each backend's Makefile).
const MAX_MATCHED_FILES: usize = 64;

/// The build definitions named by the first of `candidates` that names any: a known path (`..`
/// applied) names at most one; one with holes (`backend/go/${BACKEND}/Makefile`) every file of
/// the scan it could be, in path order.
fn find_files(index: &HashMap<PathBuf, usize>, candidates: impl Iterator<Item = Value>) -> Vec<usize> {
    for candidate in candidates {
        if let Some(path) = candidate.as_known() {
            if let Some(i) = find_file(index, std::iter::once(PathBuf::from(path))) {
                return vec![i];
            }
            continue;
        }
        let mut matched: Vec<(&PathBuf, usize)> = index
            .iter()
            .filter(|(p, _)| p.to_str().is_some_and(|p| candidate.could_be(p)))
            .map(|(p, &i)| (p, i))
            .collect();
        if !matched.is_empty() {
            matched.sort();
            return matched.into_iter().take(MAX_MATCHED_FILES).map(|(_, i)| i).collect();
        }
    }
    Vec::new()
}

/// Whether a folder starts with known text (`plugins/${NAME}`), so that the files its holes
/// could name are few; `${DIR}` alone could be any.
fn anchored(folder: &Value) -> bool {
    match folder.pieces().first() {
        Some(super::value::Piece::Text(t)) => !t.is_empty() && t != "/",
        _ => false,
    }
}

/// A word naming a file the command runs, as a known path: as written, or, for one that starts
/// in the folder the command runs in, named by the variable that holds it (make's
/// `$(CURDIR)`, the shell's `$PWD`; in CI, the checkout: `$GITHUB_WORKSPACE`,
/// `$CI_PROJECT_DIR`), the rest of it (`$(CURDIR)/scripts/build.sh` gives `./scripts/build.sh`).
/// So is one that starts in the script's own folder, as the idiom finds it (`SCRIPTDIR="$(cd
/// "$(dirname "${BASH_SOURCE[0]}")" && pwd)"`, `$(dirname "$0")`), or a folder above it
/// (`$(cd "$(dirname "$0")/.." && pwd)`), which the caller's folder, tried first, is.
fn known_path(word: &Value) -> Option<String> {
    let pieces = match word {
        Value::Known(path) => return Some(path.clone()),
        Value::Partial(pieces) => pieces,
    };
    let [Piece::Hole(hole), Piece::Text(rest)] = pieces.as_slice() else { return None };
    let rest = rest.strip_prefix('/').filter(|rest| !rest.is_empty())?;
    match &hole.origin {
        Origin::Environment(name)
            if matches!(name.as_str(), "CURDIR" | "PWD" | "GITHUB_WORKSPACE" | "CI_PROJECT_DIR") =>
        {
            Some(format!("./{rest}"))
        }
        Origin::Command(cmd) if cmd.contains("dirname") && (cmd.contains("BASH_SOURCE") || cmd.contains("$0")) => {
            let ups = cmd.matches("/..").count();
            Some(format!("./{}{rest}", "../".repeat(ups)))
        }
        _ => None,
    }
}

/// `parts` joined with `/`, empty ones left out (`./` too): a path that may have holes.
fn join_path(parts: &[&Value]) -> Value {
    let mut b = super::value::Builder::default();
    for part in parts.iter().filter(|p| !p.is_empty() && p.as_known() != Some(".")) {
        if !b.is_empty() {
            b.push_str("/");
        }
        b.push(&part.strip_prefix("./").unwrap_or_else(|| (*part).clone()));
    }
    b.build()
}

/// The files a request runs and how, among the scan's build definitions (`index`: normalized
/// path -> file), for a command that runs in `cwd` (relative to its file's folder or, in CI,
/// the repository root; `None` where not known).
fn resolve(
    request: Request,
    caller: &Path,
    kind: Kind,
    scan_root: &Path,
    cwd: Option<&Value>,
    folders: Option<&ContextFolders>,
    index: &HashMap<PathBuf, usize>,
) -> Vec<(usize, Run)> {
    // A CI step's absolute working directory other than GitHub's workspace (which is
    // `/home/runner/work/<repo>/<repo>`) is another repository's checkout (`working-directory:
    // /home/runner/work/app-plugin`): what it runs there is not this repository's.
    let workspace = |dir: &str| {
        let mut parts = dir.trim_end_matches('/').rsplit('/');
        parts.next().is_some_and(|repo| parts.next() == Some(repo))
    };
    if kind.is_ci() && cwd.and_then(Value::as_known).is_some_and(|c| c.starts_with('/') && !workspace(c)) {
        return Vec::new();
    }
    // A folder outside the scan (`cd /tmp/build`) or with nothing known before its holes (`cd
    // $GITHUB_WORKSPACE`) says nothing: found as before.
    let cwd = cwd.filter(|c| anchored(c) && !c.starts_with("/") && c.as_known() != Some("."));
    let roots: Vec<Value> =
        base_folders(caller, kind, scan_root).into_iter().filter_map(|b| b.to_str().map(Value::known)).collect();
    let bases: Vec<Value> = match cwd {
        Some(cwd) => roots.iter().map(|b| join_path(&[b, cwd])).collect(),
        None => roots.clone(),
    };
    // A path from where the command runs; an absolute one only where an image's copy of the
    // build context says what it holds (`make -C /src/backend` after `COPY . /src`).
    // Where the folder holds no such file, the command is found as if it had not changed
    // folder (an image's `COPY .git/ .` over the copy of the context says nothing of its files).
    let find = |path: &Value| match path.starts_with("/") {
        false => {
            let found = find_files(index, bases.iter().map(|b| join_path(&[b, path])));
            match found.is_empty() && cwd.is_some() {
                true => find_files(index, roots.iter().map(|b| join_path(&[b, path]))),
                false => found,
            }
        }
        true => match folders.and_then(|f| f.in_context(Some(path))) {
            Some(in_context) => find_files(index, roots.iter().map(|b| join_path(&[b, &in_context]))),
            None => Vec::new(),
        },
    };
    let each = |callees: Vec<usize>, run: Run| callees.into_iter().map(|c| (c, run.clone())).collect();
    match request {
        Request::Script { path, args } => each(find(&Value::known(path)), Run::Script { args }),
        // goreleaser reads the first of its default names that exists where it runs.
        Request::Goreleaser { config } => {
            let names = match config {
                Some(c) => vec![c],
                None => [".goreleaser.yml", ".goreleaser.yaml", "goreleaser.yml", "goreleaser.yaml"]
                    .map(String::from)
                    .to_vec(),
            };
            let found = names.iter().map(|n| find(&Value::known(n))).find(|f| !f.is_empty()).unwrap_or_default();
            each(found, Run::Goreleaser)
        }
        Request::GoRun { path, args } => {
            if Path::new(&path).is_absolute() || path.contains('@') {
                return Vec::new();
            }
            // A file, or a package folder: its build program file (`main.go` first).
            let mut candidates = Vec::new();
            for base in bases.iter().filter_map(Value::as_known) {
                let Some(p) = normalize(&Path::new(base).join(&path)) else { continue };
                if path.ends_with(".go") {
                    candidates.push(p);
                    continue;
                }
                candidates.push(p.join("main.go"));
                let mut in_folder: Vec<&PathBuf> = index.keys().filter(|k| k.parent() == Some(p.as_path())).collect();
                in_folder.sort();
                candidates.extend(in_folder.into_iter().cloned());
            }
            each(find_file(index, candidates.into_iter()).into_iter().collect(), Run::Script { args })
        }
        Request::Bake { file, targets } => {
            let names: Vec<String> = match file {
                Some(f) => vec![f],
                None => BAKE_FILES.map(String::from).to_vec(),
            };
            let read = |name: &String| {
                bases.iter().find_map(|base| {
                    let path = join_path(&[base, &Value::known(name)]);
                    let bytes = shiplint_archive::read_regular(Path::new(path.as_known()?), MAX_BAKE_FILE).ok()?;
                    Some((name.clone(), String::from_utf8_lossy(&bytes).into_owned()))
                })
            };
            let Some((name, text)) = names.iter().find_map(read) else { return Vec::new() };
            // A target's context is relative to the bake file's folder, its Dockerfile to the context.
            let folder = Value::known(Path::new(&name).parent().and_then(Path::to_str).unwrap_or(""));
            let mut runs = Vec::new();
            for t in super::bake::read(&text).built(targets.as_deref()) {
                let context = Value::known(t.context.as_deref().unwrap_or("."));
                let dockerfile = Value::known(t.dockerfile.as_deref().unwrap_or("Dockerfile"));
                let path = join_path(&[&folder, &context, &dockerfile]);
                runs.extend(each(find(&path), Run::Image { build_args: Vec::new(), target: t.stage }));
            }
            runs
        }
        Request::Image { file, context, build_args, target } => {
            // `-f` is found from where the command runs; the default is the context's Dockerfile.
            let path = file.unwrap_or_else(|| format!("{context}/Dockerfile"));
            each(find(&Value::known(path)), Run::Image { build_args, target })
        }
        Request::Make { dir, file, goals, overrides, defaults } => {
            // Recipes run `$(MAKE)` in the Makefile's own folder; others from where they are.
            let dir = dir.unwrap_or_else(Value::empty);
            if !dir.is_empty() && !anchored(&dir) {
                return Vec::new();
            }
            let names = match &file {
                Some(f) => vec![f.as_str()],
                None => defaults.to_vec(),
            };
            let callees = names.iter().map(|n| find(&join_path(&[&dir, &Value::known(*n)]))).find(|c| !c.is_empty());
            each(callees.unwrap_or_default(), Run::Make { goals, overrides })
        }
    }
}

/// Links the build definitions of one scan: every file another file runs is evaluated again as
/// it is run, round by round down call chains (bounded); each caller up the chain records the
/// builds its command led to.
pub fn link(defs: &mut [Defs<'_>]) {
    let index: HashMap<PathBuf, usize> =
        defs.iter().enumerate().filter_map(|(i, d)| Some((normalize(Path::new(d.path))?, i))).collect();
    // The Dockerfiles Docker actions run (`runs.image: Dockerfile`, beside action.yml).
    let images: Vec<usize> = defs
        .iter()
        .filter_map(|d| {
            let image = d.workflow?.docker_image.as_deref().filter(|i| !i.starts_with("docker://"))?;
            find_file(&index, std::iter::once(Path::new(d.path).parent()?.join(image)))
        })
        .collect();
    for i in images {
        defs[i].github_action_image = true;
    }
    // The image builds the steps make with build arguments are runs of their Dockerfiles with
    // those arguments (the others are the file read alone).
    let mut image_calls = Vec::new();
    for ActionImageBuild { file, caller, at, published, target, build_args } in action_built_dockerfiles(defs, &index) {
        // A workflow or job for tests pushes an image for tests (`docker-build-e2e-node.yml`).
        let for_other_purpose = defs[caller.file].ci_job_for_other_purpose(caller.context.as_deref());
        let d = &mut defs[file];
        d.run_by_another = true;
        d.run_for_release = true;
        d.image_built_otherwise = true;
        d.image_built_where_pushed = true;
        if published && !for_other_purpose {
            d.published_by.get_or_insert(at);
        }
        if build_args.is_empty() {
            d.builds_image(target.clone(), Vec::new(), true);
        }
        for args in build_args {
            let build_args = args.into_iter().map(|(name, value)| (name, Some(value))).collect();
            let run = Run::Image { build_args, target: target.clone() };
            image_calls.push(Call { callee: file, run, env: Vec::new(), caller: caller.clone() });
        }
    }
    let mut examined = vec![0usize; defs.len()];
    let mut runs = vec![[[0usize; 2]; 2]; defs.len()];
    let mut seen = HashSet::new();
    for round in 0..MAX_CHAIN {
        let mut calls = match round {
            // The callers are made again once the workflows a release runs are marked: what
            // their jobs keep depends on it (`Caller::for_tests`).
            0 => {
                mark_workflows_run_by_release(defs, &local_actions(defs, &index));
                local_actions(defs, &index).into_iter().chain(std::mem::take(&mut image_calls)).collect()
            }
            _ => Vec::new(),
        };
        for (i, d) in defs.iter().enumerate() {
            for cmd in &d.commands[examined[i]..] {
                let Some(env) = &cmd.env else { continue };
                let depth = cmd.via.as_ref().map_or(0, |v| v.chain().count());
                let Some(launch) = super::gobuild::launched(&cmd.argv).filter(|_| depth < MAX_CHAIN) else { continue };
                let Some(request) = request_launched(&cmd.argv, &launch) else { continue };
                let root = d.scan_root.unwrap_or(Path::new(""));
                let folders = cmd.folders.as_deref();
                let callees = resolve(request, Path::new(d.path), d.kind, root, cmd.cwd.as_ref(), folders, &index);
                // What a launcher sets for the callee is its environment too (`env GOOS=darwin sh
                // ./build.sh`, `sudo GOOS=linux ./build.sh`).
                let mut env = env.clone();
                for (_, name, value) in launch.env {
                    env.retain(|(n, _)| *n != name);
                    env.push((name, value));
                }
                let container = launch.image.map(|field| cmd.argv[field].clone());
                let mut caller = None;
                for (callee, run) in callees {
                    // One evaluation per distinct run of a callee from one command (its arguments
                    // and environment: a loop runs `GOOS=$os make` once per platform) as each of
                    // its own callers runs it (`release.sh` runs `make build`, which runs
                    // `./build.sh`: the same recipe line, reached from the file alone and from
                    // release.sh, runs build.sh for each).
                    let run_of_caller = cmd.via.as_ref().map_or(0, |c| Arc::as_ptr(c) as usize);
                    let key = (callee, i, cmd.span, cmd.context.clone(), run_of_caller, format!("{run:?}{env:?}"));
                    if !seen.insert(key) {
                        continue;
                    }
                    let caller = caller
                        .get_or_insert_with(|| {
                            let mut c = Caller::new(d, i, cmd.span, cmd.stage, cmd.context.clone(), cmd.via.clone());
                            c.container = container.clone();
                            let image = matches!(run, Run::Image { .. });
                            let same_place = || d.commands.iter().filter(|o| o.context == cmd.context);
                            c.pushes =
                                image && (same_place().any(|o| pushes_image(&o.argv)) || pushes_tag_of(d, &cmd.argv));
                            c.file_pushes = image && pushes_images(d);
                            let tags = image_tags(&cmd.argv);
                            c.runs_built_image =
                                image && !tags.is_empty() && same_place().any(|o| runs_container_of(&o.argv, &tags));
                            c.tags_for_development =
                                image && !tags.is_empty() && tags.iter().all(|t| tag_names_development(t));
                            if image {
                                c.image_tags = tags.iter().take(MAX_TAGS).map(|t| t.to_string()).collect();
                            }
                            c.exports = exports_of(d, &env);
                            c.image_copies = image_copies(d, cmd);
                            Arc::new(c)
                        })
                        .clone();
                    calls.push(Call { callee, run, env: env.clone(), caller });
                }
            }
            examined[i] = d.commands.len();
        }
        if calls.is_empty() {
            break;
        }
        // A file many others run (a Makefile that every workflow calls) is evaluated for at most
        // MAX_CALLS_PER_FILE of them: the runs from places that ship go first, then those of
        // workflows that release from jobs not named for tests, so that test jobs cannot use up
        // the runs that decide what ships.
        let priority = |call: &Call| -> u8 {
            let c = &call.caller;
            let for_tests = c.chain().any(|c| c.context.as_deref().is_some_and(super::source::names_other_purpose));
            let releases = c.chain().any(|c| c.keeping.as_ref().is_some_and(|k| k.releases));
            match (c.chain().any(|c| c.ships.is_some()), releases && !for_tests) {
                (true, _) => 0,
                (false, true) => 1,
                (false, false) => 2,
            }
        };
        let mut calls: Vec<(u8, Call)> = calls.into_iter().map(|call| (priority(&call), call)).collect();
        calls.sort_by_key(|(priority, _)| *priority);
        for (priority, call) in calls {
            let from_elsewhere = call.caller.chain().last().is_some_and(|root| root.file != call.callee);
            defs[call.callee].run_by_another |= from_elsewhere;
            // A place for tests or checks, or a workflow only pull requests run (a scan of the
            // image a change would build), releases nothing it runs.
            let for_other_purpose = call.caller.chain().any(|c| {
                defs[c.file].ci_job_for_other_purpose(c.context.as_deref())
                    || defs[c.file].workflow.is_some_and(|w| w.pull_requests_only)
            });
            defs[call.callee].run_for_release |= from_elsewhere && !for_other_purpose;
            if let Run::Image { target, .. } = &call.run {
                let run_here = call.caller.runs_built_image && !call.caller.pushes;
                let for_development = call.caller.tags_for_development && !call.caller.pushes;
                let for_release = !for_other_purpose && !run_here && !for_development;
                defs[call.callee].image_built_where_pushed |= call.caller.pushes || call.caller.file_pushes;
                defs[call.callee].builds_image(target.clone(), call.build_args_given(), for_release);
                defs[call.callee].image_run_where_built |= run_here;
                defs[call.callee].image_tagged_for_development |= for_development;
                defs[call.callee].image_built_otherwise |= !run_here && !for_development;
                let built_as = &mut defs[call.callee].built_as;
                for tag in &call.caller.image_tags {
                    if built_as.len() < MAX_TAGS && !built_as.contains(tag) {
                        built_as.push(tag.clone());
                    }
                }
                // A script or target that pushes the image it builds publishes it, unless a file
                // on the way says it is for development (`# Makefile for development purpose`).
                let declared_other = call.caller.chain().any(|c| defs[c.file].not_for_release().is_some());
                if call.caller.pushes && !for_other_purpose && !declared_other {
                    defs[call.callee].published_by.get_or_insert_with(|| call.caller.at());
                }
            }
            let ships = priority < 2;
            let count = &mut runs[call.callee][usize::from(from_elsewhere)][usize::from(ships)];
            if *count >= MAX_CALLS_PER_FILE * (1 + usize::from(ships)) {
                continue;
            }
            *count += 1;
            let outputs = defs[call.callee].evaluate_call(&call);
            if outputs.is_empty() {
                continue;
            }
            let callee = defs[call.callee].path.to_string();
            for c in call.caller.chain() {
                let (span, stage, callee, outputs) = (c.span, c.stage, callee.clone(), outputs.clone());
                defs[c.file].linked.push(super::source::Linked { span, stage, callee, outputs });
            }
        }
    }
    resolve_ko_references(defs);
    configure_ko_builds(defs, &index);
}

/// The most YAML files a `ko resolve -f DIR` is read for, and the most packages taken from them.
const MAX_KO_FILES: usize = 256;
const MAX_KO_PACKAGES: usize = 64;
/// The most of one YAML file read for `ko://` references.
const MAX_KO_FILE: u64 = 1 << 20;

/// Turns each `ko resolve`/`ko apply -f ...` into one build per package its files reference
/// (`image: ko://example.com/app/cmd/server`), found from the folder the command runs in, the
/// caller's and the scan's root. A folder is read one level deep (ko's `-R` recurses; the
/// references of the files at its top are taken either way). Bounded in files, bytes and
/// packages; a reference that is not a plain import path is skipped.
fn resolve_ko_references(defs: &mut [Defs<'_>]) {
    for d in defs.iter_mut() {
        if !d.builds.iter().any(|b| !b.invocation.ko_references_in.is_empty()) {
            continue;
        }
        let bases = base_folders(Path::new(d.path), d.kind, d.scan_root.unwrap_or(Path::new("")));
        let builds = std::mem::take(&mut d.builds);
        for b in builds {
            if b.invocation.ko_references_in.is_empty() {
                d.builds.push(b);
                continue;
            }
            let folder = b.invocation.dir.as_ref().and_then(Value::as_known).unwrap_or("").to_string();
            let mut packages: Vec<(String, &super::shell::Word)> = Vec::new();
            for (named, word) in &b.invocation.ko_references_in {
                let Some(named) = named.as_known().filter(|n| stays_below(n) && stays_below(&folder)) else {
                    continue;
                };
                let candidates = bases.iter().map(|base| base.join(&folder).join(named));
                let Some(found) = candidates.into_iter().find(|p| p.exists()) else { continue };
                for reference in ko_references(&found) {
                    if packages.len() < MAX_KO_PACKAGES && !packages.iter().any(|(p, _)| *p == reference) {
                        packages.push((reference, word));
                    }
                }
            }
            for (package, word) in packages {
                let mut invocation = b.invocation.clone();
                invocation.packages = vec![(Value::known(format!("ko://{package}")), word)];
                d.builds.push(super::source::Build {
                    invocation,
                    stage: b.stage,
                    runner: b.runner,
                    context: b.context.clone(),
                    via: b.via.clone(),
                    goal: b.goal.clone(),
                });
            }
        }
    }
}

/// Whether a relative path stays below the folder it is joined to: no root, no `..`.
fn stays_below(path: &str) -> bool {
    Path::new(path).components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// The import paths `ko://` references name in a YAML file, or in the YAML files at the top of
/// a folder.
fn ko_references(path: &Path) -> Vec<String> {
    // Symbolic links are not followed: they may lead out of the scanned tree.
    let Ok(meta) = std::fs::symlink_metadata(path) else { return Vec::new() };
    let files: Vec<PathBuf> = match meta.is_dir() {
        true => {
            let Ok(entries) = std::fs::read_dir(path) else { return Vec::new() };
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .take(MAX_KO_FILES * 4)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            files.sort();
            files.truncate(MAX_KO_FILES);
            files
        }
        false if meta.is_file() => vec![path.to_path_buf()],
        false => return Vec::new(),
    };
    let mut out = Vec::new();
    for file in files {
        let Ok(bytes) = shiplint_archive::read_regular(&file, MAX_KO_FILE) else { continue };
        let text = String::from_utf8_lossy(&bytes);
        for (at, _) in text.match_indices("ko://") {
            let rest = &text[at + "ko://".len()..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || "._~/-".contains(c))).unwrap_or(rest.len());
            let reference = rest[..end].trim_end_matches('/');
            if !reference.is_empty() && !out.iter().any(|r| r == reference) {
                out.push(reference.to_string());
            }
        }
    }
    out
}

/// Gives each `ko build` the settings of the ko config it reads: the file `KO_CONFIG_PATH`
/// names (or `.ko.yaml` in the folder it names), else `.ko.yaml` in the folder ko runs in.
fn configure_ko_builds(defs: &mut [Defs<'_>], index: &HashMap<PathBuf, usize>) {
    let configs: Vec<_> = defs.iter().map(|d| d.ko_config().map(|c| (c, d.path, d.text))).collect();
    if configs.iter().all(Option::is_none) {
        return;
    }
    let runs_ko = |b: &super::source::Build<'_>| b.invocation.cross_tool == Some("ko");
    let mut published: Vec<(usize, super::ko::Published)> = Vec::new();
    for d in defs.iter_mut().filter(|d| d.builds.iter().any(runs_ko)) {
        let bases = base_folders(Path::new(d.path), d.kind, d.scan_root.unwrap_or(Path::new("")));
        let module = d.module();
        let places: Vec<String> = d.builds.iter().map(|b| d.at(b.invocation.span.0)).collect();
        for (b, at) in d.builds.iter_mut().zip(places).filter(|(b, _)| runs_ko(b)) {
            let inv = &mut b.invocation;
            let folder = inv.dir.as_ref().and_then(Value::as_known).unwrap_or("");
            let named = inv.env_value("KO_CONFIG_PATH").map(PathBuf::from);
            let candidates: Vec<PathBuf> = bases
                .iter()
                .flat_map(|base| match &named {
                    Some(path) => [base.join(path), base.join(path).join(".ko.yaml")],
                    None => [base.join(folder).join(".ko.yaml"), base.join(folder).join(".ko.yml")],
                })
                .collect();
            let Some((i, (config, path, text))) =
                find_file(index, candidates.into_iter()).and_then(|i| Some((i, configs[i]?)))
            else {
                continue;
            };
            super::ko::configure(inv, config, (path, text));
            if super::ko::pushes(inv) {
                let image_user = inv.other_flags.iter().any(|f| f.starts_with("--image-user="));
                let default_base_replaced = inv.env.contains_key("KO_DEFAULTBASEIMAGE");
                let packages = inv.packages.iter().filter_map(|(p, _)| p.as_known()).map(|p| {
                    let p = p.trim_start_matches("ko://").trim_end_matches('/');
                    match (p.strip_prefix('.'), &module) {
                        (Some(rest), Some(m)) if rest.is_empty() || rest.starts_with('/') => {
                            format!("{}{rest}", m.path)
                        }
                        _ => p.to_string(),
                    }
                });
                match published.iter_mut().find(|(c, _)| *c == i) {
                    Some((_, p)) => {
                        p.image_user &= image_user;
                        p.default_base_replaced &= default_base_replaced;
                        p.packages.extend(packages);
                    }
                    None => {
                        let packages = packages.collect();
                        published.push((i, super::ko::Published { at, image_user, default_base_replaced, packages }));
                    }
                }
            }
        }
    }
    for (i, p) in published {
        defs[i].ko_published = Some(p);
    }
}

/// An image an action step builds from a Dockerfile of the scan.
struct ActionImageBuild {
    /// The Dockerfile's index in the scan.
    file: usize,
    /// The step, as the caller of the Dockerfile's image build.
    caller: Arc<Caller>,
    /// `path:line` of the step.
    at: String,
    /// A release pushes it.
    published: bool,
    target: Option<String>,
    /// The build arguments, once per matrix combination (see `action_build_args`).
    build_args: Vec<Vec<(String, Value)>>,
}

/// The Dockerfiles CI builds with docker/build-push-action (`file:`, by default `Dockerfile` in
/// its `context:`), each with the step's place and whether a workflow that releases pushes the
/// image (`push: true`, or an expression such as `${{ github.event_name != 'pull_request' }}`,
/// true on the release's events): those images are published wherever they sit (a sample
/// image under `test/`). Also the stage a step builds (`target:`), where written. HashiCorp's
/// actions-docker-build (`dockerfile:` in `workdir:`) builds release images for its release
/// pipeline to publish: it always publishes. With the build arguments it passes.
fn action_built_dockerfiles(defs: &[Defs<'_>], index: &HashMap<PathBuf, usize>) -> Vec<ActionImageBuild> {
    let mut out = Vec::new();
    for (i, d) in defs.iter().enumerate() {
        let Some(wf) = d.workflow else { continue };
        let releases = wf.on_release && !wf.pull_requests_only;
        let root = d.scan_root.unwrap_or(Path::new(""));
        for a in wf.actions.iter().filter(|a| action_builds_image(a)) {
            let hashicorp = a.uses.starts_with("hashicorp/");
            let input = |k: &str| a.with.get(k).map(|i| i.value.trim());
            let pushes = hashicorp || build_push_action_pushes(a);
            let (file_key, context_key) = action_file_keys(a);
            let context = input(context_key).filter(|c| !c.contains("${{") && !c.contains("://")).unwrap_or(".");
            let target = input("target").filter(|t| !t.is_empty()).map(str::to_string);
            let bases = base_folders(Path::new(d.path), d.kind, root);
            let build_args = action_build_args(d, wf, a);
            let job = wf.jobs.get(a.job).map(|j| j.name.clone());
            // The step as written from its `uses:` through its inputs (`build-args:` among them).
            let step = a.with.values().fold(a.span, |(start, end), i| (start.min(i.span.0), end.max(i.span.1)));
            let mut caller = Caller::new(d, i, step, None, job, None);
            caller.pushes = releases && pushes;
            let caller = Arc::new(caller);
            let image_build = |file: usize, published: bool| ActionImageBuild {
                file,
                caller: caller.clone(),
                at: d.at(a.span.0),
                published,
                target: target.clone(),
                build_args: build_args.clone(),
            };
            // `file: ${{ matrix.image.dockerfile }}`: the Dockerfile each matrix combination
            // names, where every combination names one.
            let per_runner: Vec<PathBuf> = match (a.with.get(file_key), wf.jobs.get(a.job)) {
                (Some(file), Some(job)) if file.value.contains("${{") => (0..job.combinations.len().max(1))
                    .map(|runner| {
                        let env = d.ci_env(wf, a.job, runner)?;
                        super::ci::input_value(file, &env).as_known().map(PathBuf::from)
                    })
                    .collect::<Option<Vec<PathBuf>>>()
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            if !per_runner.is_empty() {
                let mut files: Vec<usize> =
                    per_runner.iter().filter_map(|f| find_file(index, bases.iter().map(|b| b.join(f)))).collect();
                files.sort_unstable();
                files.dedup();
                out.extend(files.into_iter().map(|file| image_build(file, releases && pushes)));
                continue;
            }
            let file = match input(file_key) {
                // `./images/${{ matrix.id }}/Dockerfile`: each Dockerfile it could be is built,
                // though which of them the release pushes is not known.
                Some(f) if f.contains("${{") => {
                    let pattern = Value::templated(&f.replace("${{", "{{"));
                    let candidates = bases.iter().map(|b| join_path(&[&Value::known(b.to_string_lossy()), &pattern]));
                    let found = find_files(index, candidates).into_iter();
                    out.extend(found.map(|file| image_build(file, false)));
                    continue;
                }
                Some(f) => PathBuf::from(f),
                None => Path::new(context).join("Dockerfile"),
            };
            if let Some(j) = find_file(index, bases.iter().map(|b| b.join(&file))) {
                out.push(image_build(j, releases && pushes));
            }
        }
    }
    out
}

/// The build arguments an image-building action step passes (`build-args:`, one `NAME=value`
/// a line), once per matrix combination of its job.
fn action_build_args(d: &Defs<'_>, wf: &super::ci::Pipeline, a: &super::ci::ActionStep) -> Vec<Vec<(String, Value)>> {
    let (Some(input), Some(job)) = (a.with.get("build-args"), wf.jobs.get(a.job)) else { return Vec::new() };
    let combinations = job.combinations.iter().map(|(_, c)| c.as_slice()).enumerate();
    let combinations: Vec<(usize, &[(String, String)])> = match job.combinations.is_empty() {
        true => vec![(0, &[])],
        false => combinations.collect(),
    };
    let mut out: Vec<Vec<(String, Value)>> = Vec::new();
    for (runner, combo) in combinations {
        // With what earlier steps wrote to `$GITHUB_OUTPUT` (`created=$(date ...)`).
        let env = d.ci_env(wf, a.job, runner).unwrap_or_else(|| super::ci::env_for(wf, a.job, combo, &[], &[]));
        let mut args = Vec::new();
        let mut rest = Some(super::ci::input_value(input, &env));
        while let Some(text) = rest.take() {
            let (line, after) = match text.split_once('\n') {
                Some((line, after)) => (line, Some(after)),
                None => (text, None),
            };
            rest = after;
            let Some((name, value)) = line.split_once('=') else { continue };
            if let Some(name) = name.as_known().map(str::trim).filter(|n| !n.is_empty()) {
                args.push((name.to_string(), value));
            }
        }
        if !args.is_empty() && !out.contains(&args) {
            out.push(args);
        }
    }
    out
}

/// Marks the reusable workflows a release runs: those a release workflow's job runs (one only
/// releases run, or one named for a release), and those such a workflow runs in turn
/// (`release.yml` runs `build-and-test-pkg.yml`, which runs `build-pkg.yml`). They keep their
/// artifacts for that release.
fn mark_workflows_run_by_release(defs: &mut [Defs<'_>], actions: &[Call]) {
    let runs_workflow = |call: &&Call| defs[call.callee].kind == Kind::GithubWorkflow;
    let workflow_calls: Vec<&Call> = actions.iter().filter(runs_workflow).collect();
    // A workflow a release runs passes that on whatever its file is called (`build-and-test-pkg`
    // builds the release's package too), from a job not named for another purpose. One whose
    // file is named for tooling or development (`release-pipeline-validation.yml`) releases
    // nothing, whatever else its name says.
    let releases = |c: &Caller, run_by_release: bool| {
        let file = c.path.rsplit('/').next().unwrap_or(&c.path);
        let tooling = super::source::purposes(file).iter().flatten().any(|p| *p != "tests");
        // `cross` names a cross-compile check as often as a release (`crosscompile.yml`).
        let names = super::source::names_a_release_not_cross;
        let named = names(file) || c.context.as_deref().is_some_and(names);
        let passed_on = run_by_release && !c.context.as_deref().is_some_and(super::source::names_other_purpose);
        c.kind == Kind::GithubWorkflow
            && !tooling
            && ((c.release_only || named) && !super::source::place_for_other_purpose(&c.path, c.context.as_deref())
                || passed_on)
    };
    // Each pass marks one more level of the call graph; a chain is at most as long as there are
    // workflows.
    for _ in 0..workflow_calls.len() {
        let mut marked = false;
        for call in &workflow_calls {
            let c = &call.caller;
            if releases(c, defs[c.file].run_by_release.is_some()) && defs[call.callee].run_by_release.is_none() {
                defs[call.callee].run_by_release = Some(c.at());
                marked = true;
            }
        }
        if !marked {
            break;
        }
    }
}

/// The local actions and reusable workflows CI jobs use (`uses: ./.github/actions/build`,
/// `uses: ./.github/workflows/build.yml`), found from the repository root, each run with the
/// job's environment (its first matrix combination) and its `with:` inputs.
fn local_actions(defs: &[Defs<'_>], index: &HashMap<PathBuf, usize>) -> Vec<Call> {
    let mut calls = Vec::new();
    for (i, d) in defs.iter().enumerate() {
        let Some(wf) = d.workflow else { continue };
        let root = d.scan_root.unwrap_or(Path::new(""));
        for a in &wf.actions {
            let Some(local) = a.uses.strip_prefix("./") else { continue };
            let local = local.trim_end_matches('/');
            let files: Vec<PathBuf> = match local.ends_with(".yml") || local.ends_with(".yaml") {
                true => vec![PathBuf::from(local)],
                false => ["action.yml", "action.yaml"].iter().map(|f| Path::new(local).join(f)).collect(),
            };
            let bases = base_folders(Path::new(d.path), d.kind, root);
            let callee = find_file(index, bases.iter().flat_map(|b| files.iter().map(move |f| b.join(f))));
            let (Some(callee), Some(job)) = (callee, wf.jobs.get(a.job)) else { continue };
            let combo = job.combinations.first().map_or(&[][..], |(_, c)| c.as_slice());
            let env = super::ci::env_for(wf, a.job, combo, &[], &[]);
            let inputs = a.with.iter().map(|(k, input)| (format!("inputs.{k}"), super::ci::input_value(input, &env)));
            let exported = wf.env.iter().chain(&job.env).filter_map(|(k, _)| Some((k.clone(), env.get(k)?.clone())));
            let caller = Caller::new(d, i, a.span, None, Some(job.name.clone()), None);
            let run = Run::Action { inputs: inputs.collect() };
            calls.push(Call { callee, run, env: exported.collect(), caller: Arc::new(caller) });
        }
    }
    calls
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<Value> {
        words.iter().map(|w| Value::known(*w)).collect()
    }

    #[test]
    fn requests() {
        let make = |words: &[&str]| request(&argv(words));
        assert_eq!(
            make(&["make", "-C", "cli", "-j4", "release", "VERSION=1.2"]),
            Some(Request::Make {
                dir: Some(Value::known("cli")),
                file: None,
                goals: vec!["release".into()],
                overrides: vec![("VERSION".into(), Value::known("1.2"))],
                defaults: MAKEFILE_NAMES,
            })
        );
        assert_eq!(
            make(&["make", "-f", "build/release.mk", "-j", "8", "--no-print-directory"]),
            Some(Request::Make {
                dir: None,
                file: Some("build/release.mk".into()),
                goals: vec![],
                overrides: vec![],
                defaults: MAKEFILE_NAMES
            })
        );
        assert_eq!(
            make(&["task", "--taskfile=ci/Taskfile.yml", "dist:linux", "VERSION=1.2", "--", "-v"]),
            Some(Request::Make {
                dir: None,
                file: Some("ci/Taskfile.yml".into()),
                goals: vec!["dist/linux".into()],
                overrides: vec![("VERSION".into(), Value::known("1.2"))],
                defaults: crate::taskfile::DEFAULT_NAMES,
            })
        );
        let script = |path: &str, args: &[&str]| Some(Request::Script { path: path.into(), args: argv(args) });
        assert_eq!(make(&["./scripts/build.sh", "linux", "amd64"]), script("./scripts/build.sh", &["linux", "amd64"]));
        assert_eq!(make(&["bash", "-ex", "hack/release.sh", "v1"]), script("hack/release.sh", &["v1"]));
        assert_eq!(make(&["source", "env.sh"]), script("env.sh", &[]));
        assert_eq!(make(&["bash", "-c", "go build ./..."]), None);
        assert_eq!(make(&["go", "build", "./..."]), None);
        assert!(make(&["env", "CGO_ENABLED=0", "make"]).is_some());
        let go_run = |path: &str, args: &[&str]| Some(Request::GoRun { path: path.into(), args: argv(args) });
        assert_eq!(make(&["go", "run", "build.go", "-goos", "linux"]), go_run("build.go", &["-goos", "linux"]));
        assert_eq!(
            make(&["go", "run", "-tags", "release", "--mod=vendor", "./helpers/release", "v1"]),
            go_run("./helpers/release", &["v1"])
        );
        assert_eq!(make(&["go", "run"]), None);
        let image = |file: Option<&str>, context: &str, args: &[(&str, Option<&str>)], target: Option<&str>| {
            Some(Request::Image {
                file: file.map(String::from),
                context: context.into(),
                build_args: args.iter().map(|(n, v)| (n.to_string(), v.map(Value::known))).collect(),
                target: target.map(String::from),
            })
        };
        assert_eq!(
            make(&[
                "docker",
                "buildx",
                "build",
                "--push",
                "-fbuild/Dockerfile",
                "--build-arg",
                "A=1",
                "--build-arg=B",
                "--target=cli",
                "-t",
                "x:1",
                "."
            ]),
            image(Some("build/Dockerfile"), ".", &[("A", Some("1")), ("B", None)], Some("cli"))
        );
        assert_eq!(
            make(&["podman", "build", "--file", "Containerfile", "ctx"]),
            image(Some("Containerfile"), "ctx", &[], None)
        );
        assert_eq!(make(&["docker", "build", "-t", "x", "-"]), None, "a Dockerfile from stdin");
        assert_eq!(make(&["docker", "build", "https://github.com/a/b.git"]), None);
        assert_eq!(make(&["docker", "push", "x"]), None);
    }

    #[test]
    fn keeping() {
        let k = Keeping {
            action_keeps: false,
            artifacts: vec!["dist/".into()],
            later: vec![
                vec!["./bin/gen".into(), "x".into()],
                vec!["tar".into(), "czf".into(), "a.tgz".into(), "out/".into()],
            ],
            releases: true,
            built: Vec::new(),
            uploads: false,
        };
        assert!(k.keeps(Some("dist/app")));
        assert!(k.keeps(Some("./out/app")));
        assert!(!k.keeps(Some("bin/gen")), "a tool the job runs itself");
        assert!(!k.keeps(Some("bin/other")));
        // An unknown output may be in the folder a release workflow keeps, not in a log it keeps.
        assert!(k.keeps(None));
        assert!(!Keeping { artifacts: vec!["output.log".into()], ..k.clone() }.keeps(None));
        // Packed in a workflow that makes no release: a test build.
        let branch_ci = Keeping { releases: false, ..k.clone() };
        assert!(!branch_ci.keeps(Some("./out/app")));
        assert!(branch_ci.keeps(Some("dist/app")), "kept as an artifact path");
        // Uploaded from the folder the build ran in; named with Windows separators.
        assert!(artifact_holds("src/dist/app", "dist/app") && !artifact_holds("src/dist/app", "ist/app"));
        assert!(names_file(".\\app.exe", "app.exe") && names_file(".\\arm64\\app.exe", ".\\arm64\\app.exe"));
        assert!(!names_file(".\\myapp.exe", "app.exe"));
        // A packager's source=destination mapping (fpm) and option value (mkpkg) name it.
        assert!(names_file("dist/app=/usr/bin/app", "dist/app") && names_file("--files=./app:/usr/bin/app", "app"));
        assert!(!names_file("dist/app2=/usr/bin/app", "dist/app"));
    }

    #[test]
    fn resolution_stays_inside_the_scan() {
        let index: HashMap<PathBuf, usize> =
            [("repo/Makefile", 0), ("repo/scripts/build.sh", 1), ("repo/cli/Makefile", 2)]
                .into_iter()
                .map(|(p, i)| (PathBuf::from(p), i))
                .collect();
        let root = Path::new("repo");
        let wf = Path::new("repo/.github/workflows/release.yml");
        let run = |words: &[&str], from: &Path, kind| {
            resolve(request(&argv(words)).unwrap(), from, kind, root, None, None, &index).first().map(|(i, _)| *i)
        };
        assert_eq!(run(&["make", "release"], wf, Kind::GithubWorkflow), Some(0));
        assert_eq!(run(&["make", "-C", "cli"], wf, Kind::GithubWorkflow), Some(2));
        assert_eq!(run(&["./scripts/build.sh"], Path::new("repo/Makefile"), Kind::Makefile), Some(1));
        assert_eq!(run(&["../scripts/build.sh"], Path::new("repo/cli/Makefile"), Kind::Makefile), Some(1));
        assert_eq!(run(&["../../etc/passwd.sh"], Path::new("repo/Makefile"), Kind::Makefile), None);
        assert_eq!(run(&["/etc/build.sh"], Path::new("repo/Makefile"), Kind::Makefile), None);
    }
}
