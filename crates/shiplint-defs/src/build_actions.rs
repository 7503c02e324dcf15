//! GitHub actions that run `go build` themselves and upload what it makes.
//!
//! wangyoucao577/go-release-action (`release.sh`, read at its commit of 2025-12-11): for one
//! `goos`/`goarch` it runs `eval <pre_command>`, then in `project_path`
//! `GOOS=<goos> GOARCH=<goarch> go build -o build-artifacts-<time>/<binary>[.exe] <build_flags>
//! -ldflags "<ldflags>"` (with `multi_binaries: true`, `go build <build_flags> -o <folder>
//! <project_path>`), and uploads the archive to the GitHub release (`upload: false` keeps it
//! on the runner). It adds no `-trimpath`. A `build_command` other than `go build` (`make`,
//! `packr2 build`) runs another tool, which is not read.

use super::ci::{ActionStep, input_value};
use super::eval::Env;
use super::gobuild::{BuildInvocation, Setting};
use super::shell;
use super::value::{Builder, Hole, Origin, Value};

/// Whether a step runs go-release-action, or a fork of it that keeps its inputs: one named
/// `go-release-action` or ending in `-release-action` (zeromicro/go-zero-release-action, whose
/// `release.sh` runs the same `go build`) that takes the `goos` and `goarch` it requires.
/// Another action of that name that packs a binary built before (int128/go-release-action's
/// `binary:`) builds nothing.
pub fn is_go_release_action(step: &ActionStep) -> bool {
    let mut parts = step.repository().split('/');
    let (owner, name, subfolder) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next());
    let takes_platform = step.with.contains_key("goos") && step.with.contains_key("goarch");
    subfolder.is_none()
        && (owner.eq_ignore_ascii_case("wangyoucao577") && name == "go-release-action"
            || name.ends_with("-release-action") && takes_platform)
}

/// The Go release a go-release-action step installs, as its `goversion` input writes it: a
/// version (`1.25`: the newest patch of it; `1.25.3`) or a tarball URL
/// (`https://go.dev/dl/go1.25.3.linux-amd64.tar.gz`), read as its file name. `None` when not
/// set: the action's `setup-go.sh` then installs the newest Go that go.dev/VERSION names.
pub fn go_release_action_version(goversion: &str) -> Option<&str> {
    let written = goversion.trim();
    (!written.is_empty()).then(|| written.rsplit('/').next().unwrap_or(written))
}

/// hashicorp/actions-go-build: runs its `instructions:` script to build, then zips and uploads
/// the result as a workflow artifact for the release pipeline.
pub const HASHICORP_GO_BUILD: &str = "hashicorp/actions-go-build@";

/// uraimo/run-on-arch-action: runs its `run:` script in an emulated Linux container of another
/// machine (`arch:`), with the workspace mounted.
pub const RUN_ON_ARCH: &str = "uraimo/run-on-arch-action@";

/// The `go build` a go-release-action step runs on a runner whose environment is `env`; `None`
/// when the step runs another build command or does not upload.
pub fn go_release_action<'a>(
    step: &'a ActionStep,
    mut env: Env,
    budget: &super::budget::Budget,
) -> Option<BuildInvocation<'a>> {
    let input = |name: &str, env: &Env| step.with.get(name).map(|i| input_value(i, env));
    let known = |name: &str, env: &Env| input(name, env).and_then(|v| v.as_known().map(str::to_string));
    let build_command = known("build_command", &env).unwrap_or_else(|| "go build".into());
    let upload = known("upload", &env).unwrap_or_else(|| "TRUE".into());
    if build_command.split_whitespace().collect::<Vec<_>>() != ["go", "build"] || upload.eq_ignore_ascii_case("false") {
        return None;
    }
    if let Some(pre) = step.with.get("pre_command") {
        let items = shell::parse(&pre.value, pre.span.0);
        shell::evaluate(&items, &mut env, budget);
    }
    let goos = input("goos", &env).unwrap_or_else(Value::empty);
    let binary = match input("binary_name", &env).filter(|b| !b.is_empty()) {
        Some(b) => b,
        None => Value::hole(Origin::Environment("GITHUB_REPOSITORY".into())),
    };
    let mut output = Builder::default();
    output.push_str("build-artifacts-");
    output.push_hole(Hole::new(Origin::Command("date +%s".into())));
    output.push_str("/");
    output.push(&binary);
    if goos.as_known() == Some("windows") {
        output.push_str(".exe");
    }
    let uses = &step.uses_word;
    let mut inv = BuildInvocation {
        span: step.span,
        build_word: step.span,
        env: env.exported().map(|(k, v)| (k.clone(), Setting { value: v.clone(), span: None })).collect(),
        output: Some((output.build(), uses)),
        cross_tool: Some("go-release-action"),
        ..BuildInvocation::default()
    };
    for name in ["goos", "goarch"] {
        if let (Some(i), Some(value)) = (step.with.get(name), input(name, &env)) {
            inv.env.insert(name.to_ascii_uppercase(), Setting { value, span: Some(i.span) });
        }
    }
    if let Some(goversion) = step.with.get("goversion").filter(|v| !v.value.trim().is_empty()) {
        inv.toolchain = Some((input_value(goversion, &env), &goversion.word));
    }
    inv.apply_goflags();
    if let Some(flags) = step.with.get("build_flags") {
        let fields = input_value(flags, &env).split_fields();
        inv.read_flags(&fields, &|_| &flags.word);
    }
    if let Some(ldflags) = step.with.get("ldflags") {
        let value = input_value(ldflags, &env);
        if !value.is_empty() {
            inv.ldflags = Some((value, &ldflags.word));
        }
    }
    let project = input("project_path", &env).unwrap_or_else(|| Value::known("."));
    let multi = known("multi_binaries", &env).is_some_and(|m| m.eq_ignore_ascii_case("true"));
    if multi {
        inv.packages.push((project, uses));
    } else {
        inv.packages.push((Value::known("."), uses));
        inv.dir = Some(project);
    }
    Some(inv)
}
