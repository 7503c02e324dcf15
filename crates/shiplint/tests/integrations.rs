//! shiplint in other tools, each exercised by the real client: the GitHub Action (its shell steps
//! run with the local binary; actionlint on it and on the workflows), the GitLab job's script, the
//! plain-shell check, pre-commit `try-repo`, the wheel in a fresh venv (opt-in: a dist build), and
//! the README's install and CI blocks against the files they name.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DOCKERFILE: &str = "FROM golang:1.26\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n";
const MAKEFILE: &str = "release:\n\tgo build -trimpath -ldflags \"-X main.version=$(shell date)\" -o dist/app .\n";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn read(path: &str) -> String {
    fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn yaml(path: &str) -> Value {
    serde_saphyr::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn tools() -> PathBuf {
    shiplint_fixtures::cache_dir().join("tools")
}

/// A PATH with the shiplint under test first.
fn path_with_shiplint() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_shiplint")).parent().unwrap().display().to_string();
    format!("{bin}:{}", std::env::var("PATH").unwrap_or_default())
}

fn show(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", show(&out));
}

fn actionlint(dir: &Path) -> Output {
    Command::new(tools().join("py/bin/actionlint"))
        .arg("-no-color")
        .current_dir(dir)
        .env("PYTHONPATH", tools().join("py"))
        .output()
        .expect("actionlint (scripts/fetch-test-tools.sh)")
}

/// A repository holding the action, the example workflow using it as `./` (so that actionlint
/// checks its inputs against action.yml) and the release workflow.
fn actions_repo(example: &str) -> TempDir {
    let t = project(&[
        ("action.yml", &read("action.yml")),
        (".github/workflows/shiplint.yml", example),
        (".github/workflows/release.yml", &read(".github/workflows/release.yml")),
    ]);
    git(t.path(), &["init", "-q"]);
    t
}

fn example_workflow_local() -> String {
    let text = read("docs/ci/github-workflow.yml");
    let published = format!("uses: shiplint/shiplint@v{VERSION}");
    assert!(text.contains(&published), "the example pins the action at this release");
    text.replace(&published, "uses: ./")
}

#[test]
fn actionlint_accepts_the_action_and_the_workflows() {
    let t = actions_repo(&example_workflow_local());
    let out = actionlint(t.path());
    assert!(out.status.success(), "{}", show(&out));
    // It does check the action's inputs: a misspelt one is reported.
    let t = actions_repo(&example_workflow_local().replace("fail-on:", "fail_on:"));
    let out = actionlint(t.path());
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("input \"fail_on\" is not defined"), "{}", show(&out));
}

#[test]
fn shiplint_passes_its_own_workflows_and_action() {
    let out = shiplint().current_dir(root()).args(["check", ".github", "action.yml", "docs/ci"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
}

/// Runs the action's steps as a runner would for `inputs` in `workspace`: each `run` step's
/// `${{ }}` values put in its env, `if:` judged, GITHUB_OUTPUT and GITHUB_PATH honoured. The
/// `uses:` steps (the SARIF upload) are only listed. With `install: false` the shiplint under
/// test is on PATH; otherwise only what the install step puts there. Returns each step's name
/// and output.
fn run_action(workspace: &Path, inputs: &[(&str, &str)], env: &[(&str, &Path)]) -> Vec<(String, Output)> {
    let action = yaml("action.yml");
    assert_eq!(action["inputs"]["version"]["default"], VERSION, "the action installs the release it belongs to");
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    for (name, spec) in action["inputs"].as_object().unwrap() {
        values.insert(format!("inputs.{name}"), spec["default"].as_str().unwrap_or("").to_string());
    }
    for (k, v) in inputs {
        assert!(values.contains_key(&format!("inputs.{k}")), "no input {k}");
        values.insert(format!("inputs.{k}"), v.to_string());
    }
    let runner = TempDir::new();
    values.insert("runner.temp".into(), runner.path().display().to_string());
    let expand = |text: &str, values: &BTreeMap<String, String>| -> String {
        let mut out = text.to_string();
        while let Some(start) = out.find("${{") {
            let end = start + out[start..].find("}}").unwrap() + 2;
            let key = out[start + 3..end - 2].trim();
            let value = values.get(key).unwrap_or_else(|| panic!("the test runner does not know {key}"));
            out.replace_range(start..end, value);
        }
        out
    };
    let mut path =
        if values["inputs.install"] == "false" { path_with_shiplint() } else { std::env::var("PATH").unwrap() };
    let mut results = Vec::new();
    for step in action["runs"]["steps"].as_array().unwrap() {
        let name = step["name"].as_str().unwrap().to_string();
        if let Some(condition) = step["if"].as_str() {
            // Only `inputs.NAME == 'VALUE'`, alone or as the last of `&&` terms, is judged here.
            let last = condition.rsplit("&&").next().unwrap().trim();
            if let Some((key, want)) = last.split_once("==") {
                let (key, want) = (key.trim(), want.trim().trim_matches('\''));
                if key.starts_with("inputs.") && values[key] != want {
                    continue;
                }
            }
        }
        let Some(script) = step["run"].as_str() else {
            assert!(step["uses"].as_str().unwrap().starts_with("github/codeql-action/upload-sarif@"));
            continue;
        };
        assert!(!script.contains("${{"), "{name}: inputs reach scripts through env only");
        let output_file = runner.path().join("github_output");
        let path_file = runner.path().join("github_path");
        let _ = fs::remove_file(&output_file);
        fs::write(&path_file, "").unwrap();
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .current_dir(workspace)
            .env("PATH", &path)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_PATH", &path_file)
            .envs(env.iter().copied());
        if let Some(env) = step["env"].as_object() {
            for (k, v) in env {
                cmd.env(k, expand(v.as_str().unwrap(), &values));
            }
        }
        let out = cmd.output().unwrap();
        let id = step["id"].as_str().unwrap_or("");
        for line in fs::read_to_string(&output_file).unwrap_or_default().lines() {
            let (k, v) = line.split_once('=').unwrap();
            values.insert(format!("steps.{id}.outputs.{k}"), v.to_string());
        }
        for dir in fs::read_to_string(&path_file).unwrap().lines() {
            path = format!("{dir}:{path}");
        }
        let failed = !out.status.success();
        results.push((name, out));
        if failed {
            break;
        }
    }
    results
}

#[test]
fn action_steps_run_with_a_local_binary() {
    let t = project(&[("Dockerfile", DOCKERFILE), ("Makefile", MAKEFILE), ("README.md", "x\n")]);
    let steps = run_action(t.path(), &[("install", "false"), ("paths", "Dockerfile Makefile")], &[]);
    let names: Vec<&str> = steps.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Check", "Fail on findings"]);
    let check = &steps[0].1;
    assert!(check.status.success(), "{}", show(check));
    let annotations = String::from_utf8_lossy(&check.stdout);
    assert!(annotations.contains("::warning file=Dockerfile,line=4,"), "{annotations}");
    assert!(annotations.contains("::warning file=Makefile,line=2,"), "{annotations}");
    let sarif: Value = serde_json::from_slice(&fs::read(t.path().join("shiplint.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 4);
    assert_eq!(steps[1].1.status.code(), Some(1), "{}", show(&steps[1].1));

    // fail-on error: warnings alone pass; args reach check.
    let steps = run_action(
        t.path(),
        &[
            ("install", "false"),
            ("fail-on", "error"),
            ("args", "--select untrimmed-paths"),
            ("sarif-file", "out.sarif"),
        ],
        &[],
    );
    assert!(steps.iter().all(|(_, o)| o.status.success()), "{steps:?}");
    let sarif: Value = serde_json::from_slice(&fs::read(t.path().join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 1);

    // A setting shiplint cannot read fails the job whatever fail-on says.
    let steps =
        run_action(t.path(), &[("install", "false"), ("fail-on", "never"), ("args", "--config missing.toml")], &[]);
    assert_eq!(steps.last().unwrap().1.status.code(), Some(2), "{steps:?}");
}

/// The commands of a CI script after its install line, which must install this release.
fn after_install(lines: &[String]) -> String {
    let install = &lines[0];
    assert!(install.contains("pip install") && install.contains("shiplint=="), "{install}");
    lines[1..].join("\n")
}

#[test]
fn gitlab_job_writes_a_code_quality_report() {
    let job = &yaml("docs/ci/gitlab-ci.yml")["shiplint"];
    assert_eq!(job["variables"]["SHIPLINT_VERSION"], VERSION);
    let report = job["artifacts"]["reports"]["codequality"].as_str().unwrap();
    let lines: Vec<String> =
        job["script"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).collect();
    let t = project(&[("Dockerfile", DOCKERFILE), ("Makefile", MAKEFILE)]);
    // GitLab runs the script's lines in one shell that stops at the first failing line.
    let out = Command::new("sh")
        .args(["-e", "-c", &after_install(&lines)])
        .current_dir(t.path())
        .env("PATH", path_with_shiplint())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let issues: Vec<Value> = serde_json::from_slice(&fs::read(t.path().join(report)).unwrap()).unwrap();
    assert_eq!(issues.len(), 4);
    assert!(String::from_utf8_lossy(&out.stdout).contains("total"), "{}", show(&out));
}

#[test]
fn plain_shell_check_fails_on_warnings() {
    let script: Vec<String> = read("docs/ci/check.sh")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    assert_eq!(script[0], "set -eu");
    assert!(script[1].contains(&format!("shiplint=={VERSION}")), "{}", script[1]);
    let run = |files: &[(&str, &str)]| {
        let t = project(files);
        Command::new("sh")
            .args(["-c", &format!("set -eu\n{}", after_install(&script[1..]))])
            .current_dir(t.path())
            .env("PATH", path_with_shiplint())
            .output()
            .unwrap()
    };
    assert_eq!(run(&[("Dockerfile", DOCKERFILE)]).status.code(), Some(1));
    let fine = run(&[("Makefile", "build:\n\tCGO_ENABLED=0 go build -trimpath -o bin/app .\n")]);
    assert_eq!(fine.status.code(), Some(0), "{}", show(&fine));
}

/// pre-commit (from PyPI, scripts/fetch-test-tools.sh) installs the hook from this repository
/// with pip, which builds the wheel with maturin (offline, from the wheelhouse; the dist profile
/// made cheap, in a target folder kept between runs) and runs it on a repository's files.
#[test]
fn pre_commit_try_repo_reports_findings() {
    let repo =
        project(&[("Dockerfile", DOCKERFILE), ("Makefile", MAKEFILE), ("main.go", "package main\n\nfunc main() {}\n")]);
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-qm", "broken"]);
    let home = TempDir::new();
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/pre-commit-build");
    let try_repo = |extra: &[&str]| {
        Command::new(tools().join("py/bin/pre-commit"))
            .args(["try-repo", &root().display().to_string(), "shiplint", "--color", "never"])
            .args(extra)
            .current_dir(repo.path())
            .env("PYTHONPATH", tools().join("py"))
            .env("PRE_COMMIT_HOME", home.path())
            .env("PIP_NO_INDEX", "1")
            .env("PIP_FIND_LINKS", tools().join("wheelhouse"))
            .env("CARGO_TARGET_DIR", &target)
            // A test needs the hook's behaviour, not the release build's speed.
            .env("CARGO_PROFILE_DIST_LTO", "false")
            .env("CARGO_PROFILE_DIST_CODEGEN_UNITS", "16")
            .env("CARGO_PROFILE_DIST_OPT_LEVEL", "1")
            .output()
            .unwrap()
    };
    let out = try_repo(&["--all-files"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(text.contains("shiplint") && text.contains("Failed"), "{text}");
    for expected in [
        "warning[SL002]: untrimmed-paths",
        "--> Dockerfile:4:5",
        "warning[SL009]: non-reproducible-build",
        "--> Makefile:2:",
    ] {
        assert!(text.contains(expected), "{expected}:\n{text}");
    }
    // Only build definitions are passed: the Go file alone is skipped.
    let out = try_repo(&["--files", "main.go"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("(no files to check)Skipped"), "{}", show(&out));
}

/// The wheel, as released: `maturin build` (profile dist, LTO), installed with pip into a fresh
/// venv, then run. A dist build takes minutes on two cores, too long for every test run: set
/// SHIPLINT_TEST_WHEEL=1 to run it (README, "The two commands", says how long it takes).
#[test]
fn wheel_installs_in_a_fresh_venv_and_runs() {
    if std::env::var_os("SHIPLINT_TEST_WHEEL").is_none() {
        eprintln!("skipped: set SHIPLINT_TEST_WHEEL=1 to build and install the wheel");
        return;
    }
    let t = TempDir::new();
    let venv = |name: &str| {
        let dir = t.path().join(name);
        let out = Command::new("python3").args(["-m", "venv"]).arg(&dir).output().unwrap();
        assert!(out.status.success(), "{}", show(&out));
        dir.join("bin")
    };
    let build = venv("build");
    let pip = |bin: &Path, args: &[&str]| {
        let out = Command::new(bin.join("python"))
            .args(["-m", "pip", "install", "--quiet", "--no-index", "--find-links"])
            .arg(tools().join("wheelhouse"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", show(&out));
    };
    pip(&build, &["maturin==1.16.0"]);
    let started = std::time::Instant::now();
    let out = Command::new(build.join("maturin"))
        .args(["build", "--out"])
        .arg(t.path().join("wheels"))
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", show(&out));
    eprintln!("wheel built in {:.0?}", started.elapsed());
    let wheel = fs::read_dir(t.path().join("wheels")).unwrap().next().unwrap().unwrap().path();
    assert!(
        wheel.file_name().unwrap().to_string_lossy().starts_with(&format!("shiplint-{VERSION}-py3-none-")),
        "{wheel:?}"
    );
    let fresh = venv("fresh");
    pip(&fresh, &[&wheel.display().to_string()]);
    let version = Command::new(fresh.join("shiplint")).arg("--version").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&version.stdout).trim(), format!("shiplint {VERSION}"));
    let p = project(&[("Dockerfile", DOCKERFILE)]);
    let check = Command::new(fresh.join("shiplint")).arg("check").current_dir(p.path()).output().unwrap();
    assert_eq!(check.status.code(), Some(1), "{}", show(&check));
    assert!(String::from_utf8_lossy(&check.stdout).contains("untrimmed-paths"));

    // The action's install step takes the same wheel (pip offline, from the folder it is in),
    // and the check steps run the shiplint it installed, not the one under test.
    let wheels = t.path().join("wheels");
    let offline: [(&str, &Path); 2] = [("PIP_NO_INDEX", Path::new("1")), ("PIP_FIND_LINKS", &wheels)];
    let steps = run_action(p.path(), &[("paths", "Dockerfile")], &offline);
    let names: Vec<&str> = steps.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Install shiplint", "Check", "Fail on findings"], "{steps:?}");
    assert!(steps[0].1.status.success(), "{}", show(&steps[0].1));
    assert!(
        String::from_utf8_lossy(&steps[1].1.stdout).contains(&format!("shiplint {VERSION}\n::warning file=Dockerfile")),
        "{}",
        show(&steps[1].1)
    );
    assert_eq!(steps[2].1.status.code(), Some(1));
}

/// The fenced blocks of a README section, with their info strings.
fn blocks(readme: &str, heading: &str) -> Vec<(String, String)> {
    let start = readme.find(&format!("\n## {heading}\n")).unwrap_or_else(|| panic!("no section {heading}"));
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let mut out = Vec::new();
    let mut rest = section;
    while let Some(open) = rest.find("```") {
        let info_end = open + rest[open..].find('\n').unwrap();
        let info = rest[open + 3..info_end].to_string();
        let close = info_end + rest[info_end..].find("\n```").unwrap();
        out.push((info, rest[info_end + 1..close + 1].to_string()));
        rest = &rest[close + 4..];
    }
    out
}

#[test]
fn readme_install_and_ci_blocks_match_the_real_files() {
    let readme = read("README.md");
    // Use in CI: each block is one of docs/ci's files, which the tests above run.
    let ci = blocks(&readme, "Use in CI");
    let files: Vec<&str> = ci.iter().map(|(info, _)| info.split_whitespace().nth(1).unwrap_or("")).collect();
    assert_eq!(
        files,
        ["docs/ci/github-workflow.yml", "docs/ci/gitlab-ci.yml", "docs/ci/pre-commit-config.yaml", "docs/ci/check.sh"]
    );
    for ((_, text), file) in ci.iter().zip(&files) {
        assert_eq!(text, &read(file), "README's block for {file} differs from the file");
    }
    // The pre-commit config names a hook that exists.
    let hooks = yaml(".pre-commit-hooks.yaml");
    let config = yaml("docs/ci/pre-commit-config.yaml");
    let hook = &config["repos"][0]["hooks"][0]["id"];
    assert!(hooks.as_array().unwrap().iter().any(|h| &h["id"] == hook), "{hook}");
    assert_eq!(config["repos"][0]["rev"], format!("v{VERSION}"));

    // Install: the package names and the cargo path are the real ones.
    let install = blocks(&readme, "Install");
    let text: String = install.iter().map(|(_, t)| t.as_str()).collect();
    let pyproject: toml::Table = read("pyproject.toml").parse().unwrap();
    let package = pyproject["project"]["name"].as_str().unwrap();
    for line in [
        format!("pipx install {package}"),
        format!("pip install {package}"),
        format!("uvx {package} check"),
        "cargo install --locked --path crates/shiplint".to_string(),
        "shiplint completions bash".to_string(),
        "shiplint man".to_string(),
    ] {
        assert!(text.contains(&line), "Install does not say `{line}`");
    }
    // Every flag the two sections give `shiplint check` exists.
    let help = shiplint().args(["check", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    let all: String = ci.iter().chain(&install).map(|(_, t)| t.as_str()).collect();
    let mut checked = 0;
    for command in all.lines().filter_map(|l| l.split_once("shiplint check").map(|(_, rest)| rest)) {
        for flag in command.split(|c: char| c.is_whitespace() || c == '"').filter(|w| w.starts_with("--")) {
            let flag = flag.split('=').next().unwrap();
            assert!(
                help.contains(&format!("{flag} "))
                    || help.contains(&format!("{flag}="))
                    || help.contains(&format!("{flag}\n")),
                "README gives `shiplint check` {flag}, which it does not have"
            );
            checked += 1;
        }
    }
    assert!(checked >= 4, "{checked}");
}
