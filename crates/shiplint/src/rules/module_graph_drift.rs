use std::path::Path;

use super::{Binary, Defs};
use crate::defs::images::{self, BaseImage};
use crate::defs::shell::Value;
use crate::defs::source::Build;
use crate::defs::source::{names_a_release_not_cross, names_other_purpose};
use crate::defs::{build_actions, ci, goreleaser, gosrc};
use crate::finding::Finding;
use crate::rules::DefsFindings;

declare_rule! {
    /// ## What it does
    /// Finds `go build` commands allowed to change the module graph while building
    /// (`-mod=mod` on the command line or in `GOFLAGS`; not a compile check of a CI job that
    /// ships nothing, whose go.mod vanishes with it), CI jobs that run `go get -u`, `go get`
    /// of a module or `module@version` (not `go get ./...`, which adds nothing to a complete
    /// go.mod), `go mod tidy` (not `-diff`, which only reports) or `go mod edit` with no check
    /// after it (`git diff --exit-code` or `--quiet`, also `git --no-pager diff` and
    /// `git diff-index`, `git status --porcelain`, `go mod tidy -diff`, `go mod verify`; a later
    /// `git commit` or a pull request opened with the change, such as
    /// peter-evans/create-pull-request, puts it in a commit) and then
    /// build or publish something (a job that only tests or lints ships nothing built from the
    /// rewritten files: `make test`, `./scripts/test.sh`, `docker ps` publish nothing; after
    /// `go mod tidy` or a tool's `go get tool/path` without `-u` or `@version`, which only add
    /// requirements, only a build that ships counts; a step
    /// before the job's `actions/checkout` has no go.mod of the project to rewrite), a Makefile
    /// target or script that does so unchecked before a build that ships in the same run (a
    /// release job's `make crossbuild`, whose prerequisite `credits` runs `go mod tidy`), CI that
    /// installs a floating Go release (`actions/setup-go` with `go-version: stable`,
    /// `oldstable`, `1.x`, a range across minor releases such as `^1.25` or `>=1.24`, in a
    /// matrix too, or `check-latest: true` for a version that is not exact, as written, in the
    /// `go-version-file`, or in what an earlier step wrote to `$GITHUB_ENV` (`cat .github/env >>
    /// "$GITHUB_ENV"`, `echo "GO_VERSION=$(cat .go-version)" >> "$GITHUB_ENV"`, the `go` line of
    /// go.mod as `grep`, `sed -n` or `awk` print it, with the repository's file read), in a job
    /// that ships something: a release build, a
    /// goreleaser release that builds (not `continue --merge` or `publish`, which publish what
    /// split runs built), an image push, or in a release workflow or job an upload of what make
    /// or a script built (not one of the tests' scripts, `test/lib/make-image.sh`); a version
    /// within one minor release (`1.26`, `1.26.x`, `~1.25.8`) takes the patch release the
    /// runner's tool cache holds, as setup-go documents, and counts only with `check-latest:
    /// true`; a GitLab CI
    /// job `image: golang:latest`, `golang:alpine`, `golang:1` (a GitHub job's `container:`
    /// too, or a `docker run golang:latest
    /// ./build.sh` whose script builds), a snapcraft part's `go` snap on
    /// the `latest` track, `go/latest/stable`, a go-release-action step (or a fork keeping its
    /// inputs) with no `goversion`, whose `setup-go.sh` then downloads the release go.dev/VERSION
    /// names, or a `goversion: 1.25`, the newest patch of it), and a `golang:<version>` build
    /// image (Dockerfile, CI job, or the image a `docker run` builds in, when what it builds
    /// ships: not a goreleaser `--snapshot` run; not a job's container where a setup-go step
    /// installs the Go its builds use) or setup-go
    /// `go-version` (in a job that ships; each
    /// matrix value of the combinations that ship) older than
    /// the `go` or `toolchain` line of the go.mod above it (Go 1.21 and later; an image tag such as `1.23` is taken to
    /// hold any 1.23 patch release). In a binary built without `-trimpath`, it finds GOROOT
    /// paths inside the module cache (`golang.org/toolchain@v0.0.1-go1.X.Y.GOOS-GOARCH`): the
    /// Go release was one `GOTOOLCHAIN=auto` downloaded at build time, not the installed one.
    /// goreleaser `before` hooks that rewrite go.mod or go.sum are found too, unless a later hook
    /// fails on a change (`git --no-pager diff --exit-code go.mod go.sum`).
    ///
    /// ## Why is this bad?
    /// With `-mod=mod`, a missing requirement is resolved to whatever is "latest" at that moment
    /// and written into go.mod and go.sum, silently. CI then builds with dependency versions nobody
    /// reviewed, and two builds of one commit can differ.
    ///
    /// ## What really happens
    /// Since Go 1.16 `-mod=readonly` is the default: a missing requirement or go.sum entry makes
    /// `go build` fail loudly instead of writing anything, so adding `-mod=readonly` (as the seed
    /// scenario suggests) changes nothing. What mutates the module graph is `-mod=mod` (flag,
    /// `GOFLAGS`, or `go env -w GOFLAGS=...`), `go get`, `go mod tidy`, `go mod edit`, `go mod
    /// vendor` and `go work ...`. `go mod download` without arguments, the usual cache-warming
    /// step, does write go.sum: the `/go.mod` hashes of the modules it loads (verified with Go
    /// 1.21 and 1.27: it created go.sum; the next `go build` still fails for the missing zip
    /// hash). It adds no requirement and resolves nothing to "latest", so it is not reported.
    /// When a `vendor/` folder exists (go 1.14 or later in go.mod), `-mod=vendor` is the default.
    ///
    /// The quieter drift is the toolchain: with `GOTOOLCHAIN=auto` (the default in Go's own
    /// go.env) a go.mod `go` or `toolchain` line newer than the installed Go makes the build
    /// download and use another Go release, saying only "go: downloading go1.X" on stderr; the
    /// binary's GOROOT paths then lie under `golang.org/toolchain@v0.0.1-go1.X...`. With
    /// `GOTOOLCHAIN=local` it fails ("go: go.mod requires go >= 1.27.3 (running go 1.23.9;
    /// GOTOOLCHAIN=local)"). The official golang images set `GOTOOLCHAIN=local`, and
    /// actions/setup-go exports it since v6 (where `go-version-file: go.mod` also prefers the
    /// `toolchain` line): there an image or setup-go release older than go.mod fails loudly.
    /// Drift is silent with a tarball, distribution or pip install of Go, setup-go v5 and older,
    /// custom images, or an exported `GOTOOLCHAIN=auto`. An image build that copies in only
    /// named Go files (`COPY main.go /main.go`, then `go build /main.go`) has no go.mod: the
    /// repository's `go` line does not reach it, and it is not judged against it.
    ///
    /// A floating `go-version` is the same drift one level up: the release that builds the binary
    /// changes when Go ships, without a commit saying so.
    ///
    /// ## Example
    /// ```sh
    /// GOFLAGS=-mod=mod go build -o bin/api ./cmd/api
    /// ```
    /// ```yaml
    /// - uses: actions/setup-go@v7
    ///   with:
    ///     go-version: stable
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// go build -o bin/api ./cmd/api          # readonly by default: fails if go.mod is incomplete
    /// go mod tidy && git diff --exit-code go.mod go.sum   # a deliberate, reviewed update
    /// ```
    /// ```yaml
    /// - uses: actions/setup-go@v7
    ///   with:
    ///     go-version-file: go.mod
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: removing `-mod=mod` may make the build fail until go.mod is tidied,
    /// which is the point.
    ///
    /// ## References
    /// - <https://go.dev/ref/mod#build-commands>
    /// - <https://go.dev/doc/toolchain>
    rule {
        code: "SL010",
        name: "module-graph-drift",
        level: Warning,
        summary: "a build allowed to rewrite go.mod and go.sum, or built by a Go release other than the one installed",
        binary: check_binary,
        defs: check,
    }
}

/// The module cache path of a toolchain `GOTOOLCHAIN=auto` downloads, as it appears in the
/// GOROOT source paths of an untrimmed binary.
const DOWNLOADED_TOOLCHAIN: &str = "golang.org/toolchain@v0.0.1-";

/// A binary whose GOROOT lay in the module cache was built by a Go release that the go.mod's
/// `go` or `toolchain` line made cmd/go download and switch to.
pub fn check_binary(bin: &Binary<'_>, out: &mut Vec<Finding>) {
    let Some(pclntab) = &bin.facts.pclntab else { return };
    let Some(file) = pclntab.files.iter().find(|f| f.contains(DOWNLOADED_TOOLCHAIN)) else { return };
    let at = file.find(DOWNLOADED_TOOLCHAIN).unwrap_or_default();
    let module = file[at..].split('/').take(2).collect::<Vec<_>>().join("/");
    let message = format!(
        "built by a Go release that GOTOOLCHAIN=auto downloaded at build time ({module} in its GOROOT paths): \
         go.mod's go or toolchain line, not the installed Go, chose the release"
    );
    let help = "install the Go release go.mod asks for in the build environment, or set GOTOOLCHAIN=local so a mismatch fails loudly";
    out.push(bin.finding(&META, "pclntab file names", message, help));
}

/// goreleaser `before` hooks that rewrite go.mod and go.sum with no later hook that fails on
/// a change: they run after goreleaser checked that the tree is clean, so the release builds
/// whatever they changed.
fn check_release_hooks(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    let Some(g) = defs.goreleaser else { return };
    for (i, (span, command)) in g.before_hooks.iter().enumerate() {
        let argv: Vec<&str> = command.split_whitespace().collect();
        let Some(what) = mutation(&argv) else { continue };
        // A later hook that fails on a changed go.mod or go.sum stops the release.
        if g.before_hooks[i + 1..].iter().any(|(_, later)| checks_diff_line(later)) {
            continue;
        }
        let message = format!(
            "{what} in goreleaser's before hooks may rewrite go.mod and go.sum after goreleaser checked the tree is \
             clean: the release then builds a module graph no commit has (and stamps vcs.modified=true)"
        );
        out.push(defs.finding(&META, *span, message, "drop it from the hooks; tidy and commit before tagging"));
    }
}

pub fn check(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    check_setup_go(defs, out);
    check_release_hooks(defs, out);
    check_ci_mutations(defs, out);
    check_run_mutations(defs, out);
    check_image_toolchain(defs, out);
    check_job_images(defs, out);
    check_container_images(defs, out);
    check_release_action_go(defs, out);
    out.extend(defs.judge_each_command(|b| {
        let inv = &b.invocation;
        if inv.mod_flag != Some(Value::Known("mod".into())) {
            return Vec::new();
        }
        // A compile check in a CI job that ships nothing rewrites a go.mod that vanishes with it.
        if inv.only_compiles() && b.via.is_none() {
            if let Some(wf) = defs.workflow {
                let job = wf.jobs.iter().position(|j| Some(j.name.as_str()) == b.context.as_deref());
                if job.is_some_and(|job| !job_ships(defs, wf, job, None)) {
                    return Vec::new();
                }
            }
        }
        let span = inv.env.get("GOFLAGS").and_then(|s| s.span).unwrap_or(inv.span);
        let message = "go build with -mod=mod: missing requirements are resolved to the latest versions and written \
                       to go.mod and go.sum without review"
            .to_string();
        vec![defs.finding(
            &META,
            span,
            message,
            "drop -mod=mod (readonly is the default since Go 1.16) and update go.mod deliberately",
        )]
    }));
}

/// Makefile targets and scripts that change go.mod/go.sum and then, in the same run from a CI
/// job, make a build the job keeps or publishes, with no check in between (`crossbuild:
/// credits`, where `credits` runs `go mod tidy`, run by a release job): the release is built
/// from a module graph no commit has.
fn check_run_mutations(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    use crate::defs::source::Kind;
    use std::sync::Arc;
    if !matches!(defs.kind, Kind::Makefile | Kind::Shell | Kind::Taskfile) {
        return;
    }
    // One run: a CI job's evaluation of the file (through any files between), whose job keeps
    // or publishes the build; a file read alone may be run in many ways, the tidy alone too.
    let same_run = |x: &Option<Arc<crate::defs::link::Caller>>, y: &Arc<crate::defs::link::Caller>| {
        x.as_ref().is_some_and(|x| Arc::ptr_eq(x, y))
    };
    let mut said = Vec::new();
    for (i, cmd) in defs.commands.iter().enumerate() {
        let Some(via) = cmd.via.as_ref().filter(|v| v.chain().last().is_some_and(|c| c.kind.is_ci())) else {
            continue;
        };
        let Some(argv) = known_argv(&cmd.argv) else { continue };
        let Some(what) = mutation(&argv) else { continue };
        let mut later = defs.commands[i + 1..].iter().filter(|c| same_run(&c.via, via));
        if said.contains(&cmd.span) || later.any(|c| checks_diff(&c.argv)) {
            continue;
        }
        let ships = defs
            .builds
            .iter()
            .find(|b| same_run(&b.via, via) && !b.invocation.only_compiles() && defs.caller_ships(b).is_some());
        let Some(build) = ships else { continue };
        said.push(cmd.span);
        let (file, at) = defs.place(build.invocation.span.0, build.invocation.span.0);
        let target = cmd.context.as_deref().map_or(String::new(), |t| format!(" (in {t})"));
        let message = format!(
            "{what}{target} may rewrite go.mod and go.sum before the release build at {file}:{} in the same run, \
             and nothing checks that they did not change",
            at.start_line
        );
        let help = "tidy and commit before releasing, or follow it with `git diff --exit-code go.mod go.sum`";
        out.push(defs.finding(&META, cmd.span, message, help));
    }
}

/// A `go-version` that names no fixed minor release: the Go that builds moves to new minor
/// releases on its own. A version within one minor release (`1.26`, `1.26.x`, `~1.26.3`) is
/// resolved by setup-go to the patch release the runner's tool cache holds, like any
/// non-exact version: only `check-latest: true` makes it the newest on every run.
/// (An expression such as `${{ matrix.go }}` is judged by nobody here: its values are elsewhere.)
fn floating(version: &str) -> bool {
    let v = version.trim();
    if v.contains("${{") {
        return false;
    }
    let ranged = v.starts_with('~') || v.split('.').any(|part| part == "x" || part == "*");
    matches!(v, "stable" | "oldstable" | "latest" | "*")
        || v.starts_with(['^', '>', '<', '='])
        || ranged && minor_line(v).is_none()
}

/// The minor release a version within one names (`1.26` for `1.26.x`, `~1.26.3` or `1.26`),
/// or the exact release; `None` for anything wider.
fn minor_line(version: &str) -> Option<String> {
    let v = version.trim();
    let bare = v.trim_start_matches('~').trim_end_matches(".x").trim_end_matches(".*");
    let (minor, patch) = gosrc::go_release(bare)?;
    Some(match patch {
        Some(p) if !v.starts_with('~') => format!("1.{minor}.{p}"),
        _ => format!("1.{minor}"),
    })
}

/// The Go versions a setup-go step asks for: `go-version` (each matrix value when it is an
/// expression), or the version in its `go-version-file` (go.mod's toolchain or go line, or a
/// `.go-version`/`.tool-versions` file), read from the repository the workflow is in. Empty when
/// unknown.
fn requested_versions(defs: &Defs<'_>, wf: &ci::Pipeline, step: &ci::ActionStep, runners: &[usize]) -> Vec<String> {
    if let Some(v) = step.with.get("go-version") {
        let mut out: Vec<String> = runners
            .iter()
            .filter_map(|&runner| match ci::input_value(v, &defs.ci_env(wf, step.job, runner)?) {
                Value::Known(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                _ => None,
            })
            .collect();
        out.dedup();
        return out;
    }
    let Some(file) = step.with.get("go-version-file") else { return Vec::new() };
    // The repository root is the folder holding .github/.
    let workflow = Path::new(defs.path);
    let Some(root) = workflow.ancestors().find(|a| a.ends_with(".github")).and_then(Path::parent) else {
        return Vec::new();
    };
    let Some(text) = crate::reach::read_named(defs, root, &root.join(&file.value)) else { return Vec::new() };
    let version = if file.value.ends_with("go.mod") {
        gosrc::go_mod_directive(&text, "toolchain")
            .map(|t| t.trim_start_matches("go").to_string())
            .or_else(|| gosrc::go_mod_directive(&text, "go").map(str::to_string))
    } else {
        // `.go-version` holds the version; `.tool-versions` a `golang 1.22.3` line.
        text.lines().map(str::trim).find_map(|l| match l.split_whitespace().collect::<Vec<_>>().as_slice() {
            [v] => Some(v.to_string()),
            ["golang" | "go", v, ..] => Some(v.to_string()),
            _ => None,
        })
    };
    version.into_iter().collect()
}

/// An exact release (`1.22.7`, `go1.22.7`): nothing newer can satisfy it.
fn exact(version: &str) -> bool {
    !floating(version) && gosrc::go_release(version).is_some_and(|(_, patch)| patch.is_some())
}

/// Whether a CI job produces something that ships: a `go build` that ships, a goreleaser release
/// (action or command; not `--snapshot`, not `check`), an image pushed with
/// docker/build-push-action, or, in a release workflow or job, anything kept or published (the
/// make target or script it runs builds what it uploads). Test and lint jobs following the
/// newest patch on purpose do not.
/// Whether CI job `job` ships what it builds; with `runner`, on that matrix combination (whose
/// values may leave the job's release steps out).
fn job_ships(defs: &Defs<'_>, wf: &ci::Pipeline, job: usize, runner: Option<usize>) -> bool {
    let name = Some(wf.jobs[job].name.as_str());
    if wf.pull_requests_only {
        return false;
    }
    // What the job does with files, asked only where a question needs it.
    let keeping = || defs.keeping_on(name, runner, 0);
    // A job for tests or checks (`docker-image-tests` in ci.yml) builds for them, unless it
    // keeps or uploads files for a release (a `test` job uploading the binaries a later job
    // releases, a reusable `build-and-test-deb` workflow that copies its package to S3): in a
    // pipeline that publishes nothing and runs on more than releases, what it keeps is for its
    // tests.
    if defs.ci_job_for_other_purpose(name) {
        let kept = keeping();
        if !kept.action_keeps && kept.artifacts.is_empty() && !kept.uploads || defs.ci_job_for_tests(name) {
            return false;
        }
    }
    let env = runner.and_then(|r| ci::runner_env(wf, job, r));
    let releases = |args: &[&str]| {
        let run = goreleaser::Run::from_args(args);
        run.releases && run.builds
    };
    // An image build-push-action pushes is built by its Dockerfile's Go, not the runner's; what
    // the runner built into it (`make build`, then a Dockerfile that copies it) is found below.
    let action_ships = |a: &ci::ActionStep| {
        a.uses.starts_with("goreleaser/goreleaser-action@") && crate::defs::source::goreleaser_step_builds_release(a)
    };
    // A make target or script the job runs builds, and the job uploads or releases files after.
    let runs_a_build_it_keeps = |l: &crate::defs::source::Linked| {
        // A script of the tests (`test/lib/make-ctn.sh`) builds for them, whatever the job keeps.
        let (folders, file) = l.callee.rsplit_once('/').unwrap_or(("", &l.callee));
        if folders.split('/').chain([file]).any(names_other_purpose) {
            return false;
        }
        let keeping = defs.keeping(name, l.span.1);
        defs.commands.iter().any(|c| c.span == l.span && c.context.as_deref() == name)
            && l.outputs.iter().any(|o| keeping.keeps(o.as_deref()))
    };
    defs.builds
        .iter()
        .any(|b| b.context.as_deref() == name && runner.is_none_or(|r| b.runner == r) && defs.ships(b).is_some())
        || wf.actions.iter().any(|a| a.job == job && a.runs_in(env.as_ref()) && action_ships(a))
        || defs.linked.iter().any(runs_a_build_it_keeps)
        || defs.commands.iter().filter(|c| c.context.as_deref() == name).any(|c| match known_argv(&c.argv) {
            Some(argv) => argv.first() == Some(&"goreleaser") && releases(&argv[1..]),
            None => false,
        })
        || {
            let file = defs.path.rsplit('/').next().unwrap_or(defs.path);
            // `publish-docs.yml` names a purpose other than a release; a `cross-build` job is as
            // often a compile check as a release.
            let names = |n: &str| names_a_release_not_cross(n) && !names_other_purpose(n);
            // A job named for tests (`integration-tests` in release.yml) releases nothing itself,
            // unless it uploads files itself (`deb-build-and-test` copying its package to S3).
            let job_name = &wf.jobs[job].name;
            let for_other_purpose = names_other_purpose(job_name) && !keeping().uploads;
            // A job of a reusable workflow a release runs (`uses: ./.github/workflows/build-deb.yaml`)
            // publishes for that release what it uploads, or what a step named for a release
            // does (`./tools/release-installer.sh`); not the job that computes a matrix.
            let releasing_step = || {
                defs.commands.iter().filter(|c| c.context.as_deref() == name && c.via.is_none()).any(|c| {
                    let program = c.program().unwrap_or_default();
                    names_a_release_not_cross(program.rsplit('/').next().unwrap_or(program))
                })
            };
            let for_release_run = defs.run_by_release.is_some() && (keeping().uploads || releasing_step());
            let release_place = (names(file) || names(job_name) || for_release_run) && !for_other_purpose;
            // A goreleaser step is judged by what it runs, above.
            let goreleaser =
                wf.actions.iter().any(|a| a.job == job && a.uses.starts_with("goreleaser/goreleaser-action@"));
            release_place && !goreleaser && keeping().may_publish()
        }
}

/// Where an action input's value is written: the input itself, or for `${{ matrix.KEY }}` the
/// job's `KEY:` matrix line above it, which holds the versions. (An `env.KEY` shared by the
/// workflow's steps is said at each step that installs it.)
fn written_at(defs: &Defs<'_>, input: &crate::defs::ci::Input) -> (usize, usize) {
    let value = input.value.trim();
    let key = value.strip_prefix("${{").and_then(|v| v.strip_suffix("}}")).map(str::trim);
    let Some(key) = key.and_then(|k| k.strip_prefix("matrix.")).filter(|k| !k.contains('.')) else {
        return input.span;
    };
    // From the line above the input's own (`go-version: ${{ matrix.go-version }}` names the key too).
    let own_line = defs.text.get(..input.span.0).unwrap_or_default().rfind('\n').unwrap_or(0);
    let before = defs.text.get(..own_line).unwrap_or_default();
    let mut end = before.len();
    for line in before.split('\n').rev() {
        let start = end.saturating_sub(line.len());
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(rest) = trimmed.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            let value_start = start + indent + key.len() + 1 + (rest.len() - rest.trim_start().len());
            return (value_start, start + line.trim_end().len());
        }
        end = start.saturating_sub(1);
    }
    input.span
}

/// `actions/setup-go` steps that install a floating Go release in a job that ships.
fn check_setup_go(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    let Some(wf) = defs.workflow else { return };
    for step in wf.actions.iter().filter(|a| a.uses.starts_with("actions/setup-go@")) {
        let runners: Vec<usize> = (0..wf.jobs[step.job].combinations.len()).collect();
        let versions = requested_versions(defs, wf, step, &runners);
        let ships = job_ships(defs, wf, step.job, None);
        let problem = match (step.with.get("go-version"), step.with.get("check-latest")) {
            _ if !ships => None,
            (Some(v), _) if versions.iter().any(|r| floating(r)) => {
                let r = versions.iter().find(|r| floating(r)).unwrap_or(&v.value);
                Some((written_at(defs, v), format!("go-version: {r} installs whatever Go release is current")))
            }
            // check-latest moves only a version that is not exact (`1.22`, `~1.22`).
            (_, Some(c)) if c.value == "true" && !versions.is_empty() && !versions.iter().all(|r| exact(r)) => {
                let asked = versions.iter().find(|r| !exact(r)).map_or(String::new(), |r| format!(" of {r}"));
                Some((c.span, format!("check-latest: true installs the newest patch release{asked} on every run")))
            }
            _ => None,
        };
        // A job that ships nothing (tests, lint) only downloads another Go for itself. Each
        // version asked (a matrix's values too, said at the matrix line), once per place.
        if let Some(v) = step.with.get("go-version").filter(|_| ships) {
            let outcome = "the job downloads that release (GOTOOLCHAIN=auto) or fails (GOTOOLCHAIN=local)";
            let before = out.len();
            // Only the matrix combinations whose builds ship (a release leg of a test matrix).
            let shipping: Vec<usize> =
                runners.iter().copied().filter(|&r| job_ships(defs, wf, step.job, Some(r))).collect();
            for asked in requested_versions(defs, wf, step, &shipping).iter().filter(|r| !floating(r)) {
                if let Some(line) = minor_line(asked) {
                    let installed = format!("go-version: {asked}");
                    check_installed_go(defs, &installed, &line, written_at(defs, v), outcome, out);
                }
                if out.len() > before {
                    break;
                }
            }
        }
        if let Some((span, message)) = problem {
            let help = "pin the release: go-version-file: go.mod (with a toolchain line), or an exact go-version";
            out.push(defs.finding(
                &META,
                span,
                format!("{message}: this job's release builds of the same commit use different toolchains"),
                help,
            ));
        }
    }
}

/// go-release-action steps (and forks) whose build ships with a floating Go: no `goversion`
/// (the newest Go that go.dev/VERSION names) or a minor release (`1.25`: its newest patch).
fn check_release_action_go(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    let Some(wf) = defs.workflow else { return };
    for step in wf.actions.iter().filter(|a| build_actions::is_go_release_action(a)) {
        let ships = defs.builds.iter().any(|b| b.invocation.span == step.span && defs.ships(b).is_some());
        if !ships {
            continue;
        }
        let goversion = step.with.get("goversion").filter(|v| !v.value.trim().is_empty());
        let (span, message) = match goversion {
            None => (
                (step.uses_word.start, step.uses_word.end),
                "go-release-action without goversion installs the newest Go release (go.dev/VERSION)".to_string(),
            ),
            Some(v) if v.value.contains("${{") => continue,
            Some(v) => match build_actions::go_release_action_version(&v.value).and_then(gosrc::go_release) {
                Some((minor, None)) => {
                    (v.span, format!("goversion: {} installs the newest patch release of Go 1.{minor}", v.value.trim()))
                }
                _ => continue,
            },
        };
        out.push(defs.finding(
            &META,
            span,
            format!("{message} on every run: this job's release builds of the same commit use different toolchains"),
            "pin the release: an exact goversion (1.26.3), or goversion: go.mod with a go line naming a patch release",
        ));
    }
}

/// The words of a command when all are known.
fn known_argv(argv: &[Value]) -> Option<Vec<&str>> {
    argv.iter().map(Value::as_known).collect()
}

/// What a command does to go.mod/go.sum, if it changes them.
fn mutation(argv: &[&str]) -> Option<&'static str> {
    match argv {
        // `go get ./...` (no -u, no module@version) only adds requirements a complete go.mod
        // already has: the old "download dependencies" idiom changes nothing there.
        ["go", "get", rest @ ..]
            if rest
                .iter()
                .any(|a| a.starts_with("-u") || (!a.starts_with('-') && (a.contains('@') || !a.starts_with('.')))) =>
        {
            Some("go get")
        }
        // `go mod tidy -diff` only reports what it would change.
        ["go", "mod", "tidy", rest @ ..] if !rest.iter().any(|a| *a == "-diff" || *a == "--diff") => {
            Some("go mod tidy")
        }
        ["go", "mod", "edit", rest @ ..] if !rest.iter().any(|a| *a == "-json" || *a == "-print") => {
            Some("go mod edit")
        }
        _ => None,
    }
}

/// Whether a command fails (or shows) when go.mod or go.sum changed: `git diff --exit-code` or
/// `--quiet`, `git status --porcelain` (also inside a test's `$(...)`), `go mod tidy -diff`,
/// `go mod verify`.
fn checks_diff(argv: &[Value]) -> bool {
    let text: Vec<String> = argv.iter().map(Value::display).collect();
    checks_diff_line(&text.join(" "))
}

/// `checks_diff` of a command line as written (a goreleaser hook).
fn checks_diff_line(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let has = |w: &str| words.contains(&w);
    let git = git_subcommand(&words);
    (matches!(git, Some("diff" | "diff-index" | "diff-files")) && (has("--exit-code") || has("--quiet")))
        || (git == Some("status") && (has("--porcelain") || words.iter().any(|w| w.starts_with("--porcelain="))))
        || line.contains("go mod tidy -diff")
        || line.contains("go mod verify")
}

/// The subcommand of the first `git` in `words`, past git's own options (`--no-pager`,
/// `-C dir`, `-c key=value`).
fn git_subcommand<'w>(words: &[&'w str]) -> Option<&'w str> {
    let start = words.iter().position(|w| w.trim_start_matches(['(', '$', '"', '\'']) == "git")?;
    let mut rest = words[start + 1..].iter();
    while let Some(&w) = rest.next() {
        match w {
            "-C" | "-c" | "--git-dir" | "--work-tree" => {
                rest.next();
            }
            w if w.starts_with('-') => {}
            w => return Some(w),
        }
    }
    None
}

/// CI jobs that change go.mod/go.sum and never check that nothing changed; a line shared by
/// several jobs (a template) is reported once, naming them.
fn check_ci_mutations(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    let mut unchecked: Vec<((usize, usize), &'static str, Vec<&str>)> = Vec::new();
    if defs.workflow.is_none() {
        return;
    }
    for (i, cmd) in defs.commands.iter().enumerate() {
        let Some(argv) = known_argv(&cmd.argv) else { continue };
        let Some(what) = mutation(&argv) else { continue };
        // A job for tests or checks (`acceptance-test`) ships nothing it builds: what a tool
        // install (`go get tool@v1`) rewrote there does not matter; an upgrade of the whole
        // graph (`go get -u`) is still said.
        let upgrades_all = argv.iter().any(|a| a.starts_with("-u"));
        let for_checks = defs.ci_job_for_other_purpose(cmd.context.as_deref()) && !upgrades_all;
        if runs_before_checkout(defs, cmd) || for_checks {
            continue;
        }
        let checked = defs.commands[i + 1..].iter().filter(|c| c.context == cmd.context).any(|c| checks_diff(&c.argv))
            || commits_changes(defs, cmd);
        // A job that only tests or lints afterwards builds nothing from the rewritten files.
        // An upgrade (`go get -u`, `go get mod@v`, `go mod edit`) changes what any later build
        // is; `go mod tidy` changes a complete go.mod not at all, and `go get tool/path` (the
        // old way to install a tool) only adds a requirement: after them only a build that
        // ships counts.
        let upgrades = what == "go mod edit" || argv.iter().any(|a| a.starts_with("-u") || a.contains('@'));
        let builds_after = defs.builds.iter().any(|b| {
            b.context == cmd.context
                && b.invocation.span.0 >= cmd.span.1
                && !b.invocation.only_compiles()
                && (upgrades || defs.ships(b).is_some())
        });
        if checked || !(builds_after || defs.keeping(cmd.context.as_deref(), cmd.span.1).may_publish()) {
            continue;
        }
        let job = cmd.context.as_deref().unwrap_or("?");
        match unchecked.iter_mut().find(|(span, _, _)| *span == cmd.span) {
            Some((_, _, jobs)) => jobs.push(job),
            None => unchecked.push((cmd.span, what, vec![job])),
        }
    }
    for (span, what, jobs) in unchecked {
        let jobs = match jobs.as_slice() {
            [one] => format!("CI job {one}"),
            many => format!("CI jobs {}", many.join(", ")),
        };
        let message =
            format!("{what} in {jobs} may rewrite go.mod and go.sum, and nothing checks that they did not change");
        out.push(defs.finding(
            &META,
            span,
            message,
            "follow it with `git diff --exit-code go.mod go.sum`, or drop it from CI",
        ));
    }
}

/// Whether the job commits what a command changed (`git commit`, or an action that opens a pull
/// request with it, such as peter-evans/create-pull-request): the new go.mod is then a commit's,
/// reviewed or not, not a graph only one build saw.
fn commits_changes(defs: &Defs<'_>, cmd: &crate::defs::source::Command) -> bool {
    let later = defs.commands.iter().filter(|c| c.context == cmd.context && c.span.0 > cmd.span.1);
    let commits = later.filter_map(|c| known_argv(&c.argv)).any(|argv| git_subcommand(&argv) == Some("commit"));
    let Some(wf) = defs.workflow else { return commits };
    let job = wf.jobs.iter().position(|j| Some(j.name.as_str()) == cmd.context.as_deref());
    commits
        || wf
            .actions
            .iter()
            .any(|a| Some(a.job) == job && a.span.0 > cmd.span.1 && a.repository().ends_with("/create-pull-request"))
}

/// Whether a GitHub Actions step runs before its job checks the repository out (`go get -u
/// tool/...` to install a tool, then `actions/checkout`): there is no go.mod of the project yet
/// to rewrite.
fn runs_before_checkout(defs: &Defs<'_>, cmd: &crate::defs::source::Command) -> bool {
    let Some(wf) = defs.workflow else { return false };
    let Some(job) = wf.jobs.iter().position(|j| Some(j.name.as_str()) == cmd.context.as_deref()) else { return false };
    let mut checkouts = wf.actions.iter().filter(|a| a.job == job && a.uses.starts_with("actions/checkout@"));
    cmd.via.is_none() && checkouts.next().is_some_and(|first| first.span.0 > cmd.span.1)
}

/// What happens when go.mod asks for a newer Go than an image holds, by the build's GOTOOLCHAIN
/// (`None`: not set). `None` back for a deliberate `path` or `go1.N` choice, not judged.
fn switch_outcome(image: &BaseImage, gotoolchain: Option<&Value>) -> Option<&'static str> {
    // The official golang images set GOTOOLCHAIN=local (docker-library/golang#472); other
    // images keep Go's go.env default, auto, unless they change it.
    Some(match gotoolchain {
        None if image.repository != "golang" => {
            "the build downloads that release (GOTOOLCHAIN=auto) or fails (GOTOOLCHAIN=local)"
        }
        None => "the golang image sets GOTOOLCHAIN=local, so the build fails",
        Some(Value::Known(v)) if v == "auto" || v == "local+auto" => {
            "with GOTOOLCHAIN=auto the build downloads that release and builds with it, not the image's Go"
        }
        Some(Value::Known(v)) if v == "local" => "with GOTOOLCHAIN=local the build fails",
        _ => return None,
    })
}

/// Dockerfile stages that build with a `golang:<version>` image older than go.mod asks for.
fn check_image_toolchain(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    let Some(d) = defs.dockerfile else { return };
    let mut judged = std::collections::HashSet::new();
    // A stage no image build needs is skipped by BuildKit: its toolchain never runs.
    // `go install example.org/tool@v1` builds that module, not this one: go.mod plays no part.
    let builds_this_module = |b: &&Build<'_>| b.invocation.installed_version_of().is_none();
    for b in defs.builds.iter().filter(|b| defs.stage_ships(b.stage)).filter(builds_this_module) {
        let Some(stage) = b.stage.filter(|s| d.may_hold_module(*s)) else { continue };
        let Some((image, root)) = d.root_image(stage) else { continue };
        let Some(version) = image.go_release() else { continue };
        let Some(outcome) = switch_outcome(&image, b.invocation.env.get("GOTOOLCHAIN").map(|s| &s.value)) else {
            continue;
        };
        if !judged.insert(root.index) {
            continue;
        }
        let installed = format!("{} (Go {version})", root.base_written);
        check_installed_go(defs, &installed, version, root.base_span, outcome, out);
    }
}

/// CI jobs (GitLab `image:`) whose builds may ship that run `go` in a `golang:<version>` image
/// older than go.mod asks for, and snapcraft parts that build with the `go` snap's `latest` track.
fn check_job_images(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    let Some(pipeline) = defs.workflow else { return };
    for snap in pipeline.jobs.iter().filter_map(|j| j.go_snap.as_ref()) {
        if crate::defs::snapcraft::go_track(&snap.value) == Some("latest") {
            let message = format!(
                "{}: the go snap's latest track installs whatever Go release is current, so snaps built from the \
                 same commit use different toolchains",
                snap.value
            );
            let help = "build with a Go release track (go/1.27/stable) matching go.mod's go or toolchain line";
            out.push(defs.finding(&META, snap.span, message, help));
        }
    }
    for (index, job) in pipeline.jobs.iter().enumerate() {
        let Some(written) = &job.image else { continue };
        let runs_go = defs.commands.iter().any(|c| {
            c.context.as_deref() == Some(job.name.as_str())
                && matches!(c.argv.first(), Some(Value::Known(p)) if p == "go")
        });
        // A job for tests or checks, or one whose builds nothing keeps, ships nothing it builds.
        let name = Some(job.name.as_str());
        let ships = || {
            defs.builds.iter().any(|b| b.context.as_deref() == name && defs.ships(b).is_some())
                || defs.keeping(name, 0).may_publish()
        };
        if !runs_go || defs.ci_job_for_other_purpose(name) || !ships() || installs_go(pipeline, index) {
            continue;
        }
        // The image may name matrix or pipeline variables (`golang:${GO_VERSION}`): each job of
        // the matrix is judged, each image once.
        let mut judged = std::collections::HashSet::new();
        for (_, combo) in &job.combinations {
            let env = ci::env_for(pipeline, index, combo, &[], &[]);
            let Value::Known(reference) = ci::input_value(written, &env) else { continue };
            if judged.insert(reference.clone()) {
                judge_build_image(defs, &reference, written.span, env.get("GOTOOLCHAIN"), out);
            }
        }
    }
}

/// Whether a CI job installs a Go release of its own (`actions/setup-go` in a job that runs in a
/// `goreleaser-cross` container): its builds use that one, not the image's.
fn installs_go(pipeline: &ci::Pipeline, job: usize) -> bool {
    pipeline.actions.iter().any(|a| a.job == job && a.uses.starts_with("actions/setup-go@"))
}

/// Builds a command runs in a container (`docker run --rm -v "$PWD":/src golang:1.21 make
/// build`, or `go build` itself behind it): judged like a CI job's image, at the command.
fn check_container_images(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    let mut judged = std::collections::HashSet::new();
    // A container whose builds ship nothing (a snapshot run) only builds for a look.
    for c in build_containers(defs).into_iter().filter(|c| c.ships) {
        if let Some(reference) = c.image.as_known().filter(|r| judged.insert((c.span, r.to_string()))) {
            judge_build_image(defs, reference, c.span, c.gotoolchain, out);
        }
    }
}

/// A container the file's commands build in: a `docker run IMAGE` in front of a `go build`, or
/// of a script or make run whose builds it runs (see `Defs::container_runs`).
pub struct BuildContainer<'d> {
    /// The command's span (the image's, in front of a `go build`).
    pub span: (usize, usize),
    pub image: &'d Value,
    /// Whether a build in it ships.
    pub ships: bool,
    /// The GOTOOLCHAIN the build sees, where the command sets it.
    pub gotoolchain: Option<&'d Value>,
}

/// The containers the file's commands build in.
pub fn build_containers<'d>(defs: &'d Defs<'_>) -> Vec<BuildContainer<'d>> {
    let direct = defs.builds.iter().filter_map(|b| {
        let (image, span) = b.invocation.container.as_ref()?;
        let gotoolchain = b.invocation.env.get("GOTOOLCHAIN").map(|s| &s.value);
        Some(BuildContainer { span: *span, image, ships: defs.ships(b).is_some(), gotoolchain })
    });
    let runs = defs.container_runs.iter().map(|r| BuildContainer {
        span: r.span,
        image: &r.image,
        ships: r.ships,
        gotoolchain: None,
    });
    direct.chain(runs).collect()
}

/// An image a build runs in, written at `span`: a Go image whose tag names no release builds
/// with whatever Go is current; one older than go.mod asks for switches or fails.
fn judge_build_image(
    defs: &Defs<'_>,
    reference: &str,
    span: (usize, usize),
    gotoolchain: Option<&Value>,
    out: &mut Vec<Finding>,
) {
    let image = images::classify(reference);
    if !image.go_toolchain || image.digest.is_some() {
        return;
    }
    let Some(tag) = image.go_release().filter(|r| gosrc::go_release(r).is_some()) else {
        let message = format!(
            "image: {reference} installs whatever Go release is current: builds of the same commit use different \
             toolchains"
        );
        let help = "pin the release in the tag (golang:1.23.4), matching go.mod's go or toolchain line";
        out.push(defs.finding(&META, span, message, help));
        return;
    };
    let Some(outcome) = switch_outcome(&image, gotoolchain) else { return };
    let installed = format!("{reference} (Go {tag})");
    check_installed_go(defs, &installed, tag, span, outcome, out);
}

/// The go.mod above a build definition and the Go release it asks for (its `go` or
/// `toolchain` line, as `(minor, patch, written)`).
pub fn go_mod_requirement(defs: &Defs<'_>) -> Option<(std::path::PathBuf, (u32, u32, String))> {
    let root = gosrc::module_root_of(Path::new(defs.path), defs.scan_root)?;
    let required = gosrc::required_go(&root)?;
    Some((root, required))
}

/// A Go release installed for builds that ship: where it is chosen, what is written there,
/// and its minor version (`1.24.x` and `golang:1.24-alpine` give 24).
pub struct ShippingGo {
    pub span: (usize, usize),
    pub written: String,
    pub minor: u32,
}

/// The Go releases installed for builds that ship: setup-go in a job that ships (each matrix
/// value, or its `go-version-file`), the `golang:` image of a Dockerfile stage whose build ships,
/// and the `golang:` image of a CI job that ships. Floating versions (`stable`, `1.x`) are the
/// newest and not listed; a minor range (`1.24.x`) is its minor.
pub fn shipping_go_releases(defs: &Defs<'_>) -> Vec<ShippingGo> {
    // A tilde range (`~1.25.8`) stays within its minor release; `^1.25` and `>=` may go newer.
    let minor_of =
        |v: &str| gosrc::go_release(v.trim_start_matches('~').trim_end_matches(".x")).map(|(minor, _)| minor);
    let mut out = Vec::new();
    if let Some(wf) = defs.workflow {
        for step in wf.actions.iter().filter(|a| a.uses.starts_with("actions/setup-go@")) {
            let Some(at) = step.with.get("go-version").or_else(|| step.with.get("go-version-file")) else { continue };
            // Only the matrix combinations whose builds ship (a release leg of a test matrix).
            let runners: Vec<usize> =
                (0..wf.jobs[step.job].combinations.len()).filter(|&r| job_ships(defs, wf, step.job, Some(r))).collect();
            if runners.is_empty() {
                continue;
            }
            for v in requested_versions(defs, wf, step, &runners) {
                if let Some(minor) = minor_of(&v) {
                    out.push(ShippingGo { span: written_at(defs, at), written: format!("setup-go {v}"), minor });
                }
            }
        }
        // hashicorp/actions-go-build installs the Go its `go_version` names and builds with it.
        for step in wf.actions.iter().filter(|a| a.uses.starts_with(build_actions::HASHICORP_GO_BUILD)) {
            let Some(input) = step.with.get("go_version") else { continue };
            for runner in (0..wf.jobs[step.job].combinations.len()).filter(|&r| job_ships(defs, wf, step.job, Some(r)))
            {
                let Some(env) = defs.ci_env(wf, step.job, runner) else { continue };
                let Value::Known(version) = ci::input_value(input, &env) else { continue };
                if let Some(minor) = minor_of(&version) {
                    let written = format!("actions-go-build go_version {version}");
                    out.push(ShippingGo { span: written_at(defs, input), written, minor });
                }
            }
        }
        // The `go` snap a snapcraft part builds with (`go/1.25/stable`): the snap ships.
        for snap in wf.jobs.iter().filter_map(|j| j.go_snap.as_ref()) {
            if let Some(minor) = crate::defs::snapcraft::go_track(&snap.value).and_then(minor_of) {
                out.push(ShippingGo { span: snap.span, written: format!("snap {}", snap.value), minor });
            }
        }
        for (index, job) in wf.jobs.iter().enumerate() {
            let Some(written) = &job.image else { continue };
            if !job_ships(defs, wf, index, None) || installs_go(wf, index) {
                continue;
            }
            for runner in 0..job.combinations.len() {
                let Some(env) = defs.ci_env(wf, index, runner) else { continue };
                let Value::Known(reference) = ci::input_value(written, &env) else { continue };
                let image = images::classify(&reference);
                if let Some(minor) = image.go_release().and_then(minor_of) {
                    out.push(ShippingGo { span: written.span, written: reference.clone(), minor });
                }
            }
        }
    }
    // A cross-compiler's build image with its Go release (xgo's `-go go-1.21.x`), or the Go a
    // release action installs (go-release-action's `goversion`, maybe a tarball URL).
    for b in defs.builds.iter().filter(|b| b.invocation.toolchain.is_some() && defs.ships(b).is_some()) {
        let Some((Value::Known(written), word)) = &b.invocation.toolchain else { continue };
        let (release, how) = match b.invocation.cross_tool {
            Some(tool @ "go-release-action") => {
                (build_actions::go_release_action_version(written), format!("{tool} goversion"))
            }
            tool => (Some(written.trim_start_matches("go-")), format!("{} -go", tool.unwrap_or("the build image"))),
        };
        if let Some(minor) = release.and_then(minor_of) {
            out.push(ShippingGo { span: (word.start, word.end), written: format!("{how} {written}"), minor });
        }
    }
    // promu crossbuild builds every release binary in the golang-builder image of `go.version`.
    if let Some((version, span)) = defs.promu().and_then(|p| p.go_version.as_ref()) {
        if let Some(minor) = minor_of(version) {
            out.push(ShippingGo { span: *span, written: format!("promu go.version {version}"), minor });
        }
    }
    for c in build_containers(defs).into_iter().filter(|c| c.ships) {
        let Some(reference) = c.image.as_known() else { continue };
        if let Some(minor) = images::classify(reference).go_release().and_then(minor_of) {
            out.push(ShippingGo { span: c.span, written: reference.to_string(), minor });
        }
    }
    if let Some(d) = defs.dockerfile {
        // Stages that build what ships: here, or by a make target or script a RUN runs there.
        let shipping_stages = defs.builds.iter().filter(|b| defs.ships(b).is_some()).map(|b| b.stage).chain(
            defs.linked.iter().filter(|l| !l.outputs.is_empty() && defs.not_for_release().is_none()).map(|l| l.stage),
        );
        for stage in shipping_stages {
            // A Go release downloaded and unpacked in the stage or one it starts from (`curl
            // https://go.dev/dl/go1.24.9.linux-amd64.tar.gz`) is the Go that builds there.
            let chain: Vec<usize> = stage.map(|s| d.chain(s).iter().map(|st| st.index).collect()).unwrap_or_default();
            let downloaded =
                defs.commands.iter().filter(|c| c.stage.is_some_and(|s| chain.contains(&s))).find_map(|c| {
                    c.argv.iter().find_map(|w| go_tarball_release(&w.display()).map(|release| (c, release)))
                });
            if let Some((c, release)) = downloaded {
                if let Some(minor) = minor_of(&release) {
                    out.push(ShippingGo { span: c.span, written: format!("the go{release} release archive"), minor });
                }
                continue;
            }
            let Some(stage) = stage else { continue };
            if let Some((image, root)) = d.root_image(stage) {
                if let Some(minor) = image.go_release().and_then(minor_of) {
                    // The image as built (`${GO_IMAGE}:${GO_VERSION}-alpine` says nothing).
                    let written = root.base.as_known().unwrap_or(&root.base_written).to_string();
                    out.push(ShippingGo { span: root.base_span, written, minor });
                }
                continue;
            }
            // `FROM golang:${GO_VERSION}` with the version the image builds pass
            // (`--build-arg GO_VERSION=1.14`).
            for given in &defs.image_build_args {
                let Some((reference, root)) = d.root_reference_given(stage, given) else { continue };
                if let Some(minor) = images::classify(&reference).go_release().and_then(minor_of) {
                    out.push(ShippingGo { span: root.base_span, written: reference, minor });
                }
            }
        }
    }
    out.sort_by_key(|g| (g.span, g.minor));
    out.dedup_by(|a, b| a.span == b.span && a.minor == b.minor);
    out
}

/// The Go release a URL of Go's release archives names (`https://go.dev/dl/go1.24.9.linux-amd64.tar.gz`,
/// also from golang.org/dl, dl.google.com/go and mirrors): `1.24.9`.
fn go_tarball_release(word: &str) -> Option<String> {
    if !word.contains("://") {
        return None;
    }
    let file = word.rsplit('/').next()?;
    let rest = file.strip_prefix("go")?;
    let release = rest.split_once(".linux-").or_else(|| rest.split_once(".darwin-"))?.0;
    let archive = file.ends_with(".tar.gz") || file.ends_with(".zip");
    (archive && gosrc::go_release(release).is_some()).then(|| release.to_string())
}

/// Reports an installed Go release (an image tag or a setup-go version, at `span`) older than
/// the `go` or `toolchain` line of the go.mod above the build definition. Go before 1.21 knows
/// no toolchain switching and is not judged.
fn check_installed_go(
    defs: &Defs<'_>,
    installed: &str,
    version: &str,
    span: (usize, usize),
    outcome: &str,
    out: &mut Vec<Finding>,
) {
    let Some((minor, patch)) = gosrc::go_release(version).filter(|(minor, _)| *minor >= 21) else { return };
    let Some((root, (need_minor, need_patch, written))) = go_mod_requirement(defs) else { return };
    let older = need_minor > minor || patch.is_some_and(|p| need_minor == minor && need_patch > p);
    if !older {
        return;
    }
    // Shown relative to the working directory when it is inside it, as paths on the command line are.
    let cwd = std::env::current_dir().ok().and_then(|c| c.canonicalize().ok());
    let go_mod = root.join("go.mod");
    let shown = cwd.and_then(|c| go_mod.strip_prefix(c).ok().map(Path::to_path_buf)).unwrap_or_else(|| go_mod.clone());
    out.push(defs.finding(
        &META,
        span,
        format!("{installed} is older than `{written}` in {}: {outcome}", shown.display()),
        "install the release go.mod names (image tag, or go-version-file: go.mod), or lower the go.mod line",
    ));
}
