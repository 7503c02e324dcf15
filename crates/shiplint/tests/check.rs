//! `shiplint check` end to end: every rule fires on a real build with its defect and stays silent
//! on the correct build; configuration, exit codes, discovery and every output format.

mod common;

use common::{TempDir, exec, shiplint};
use serde_json::Value;
use shiplint_fixtures::Variant;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn newest() -> String {
    shiplint_fixtures::newest().version
}

fn fixture_of(go: &str, os: &str, arch: &str, v: Variant) -> PathBuf {
    shiplint_fixtures::all()
        .iter()
        .find(|f| f.go_version == go && f.goos == os && f.goarch == arch && f.variant == v)
        .unwrap_or_else(|| panic!("no fixture go{go} {os}/{arch} {v}"))
        .path
        .clone()
}

fn fixture(os: &str, arch: &str, v: Variant) -> PathBuf {
    fixture_of(&newest(), os, arch, v)
}

/// `shiplint check --format json ARGS` in `dir`: exit status, (code, path) of each finding, document.
fn check_json(args: &[&str], dir: &Path) -> (i32, Vec<(String, String)>, Value) {
    let out = shiplint().current_dir(dir).args(["check", "--format", "json"]).args(args).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    let findings = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap().to_string(), f["location"]["path"].as_str().unwrap().to_string()))
        .collect();
    (out.status.code().unwrap(), findings, doc)
}

/// The codes `check` reports for one file.
fn codes(path: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<&str> = extra.to_vec();
    args.push(path.to_str().unwrap());
    check_json(&args, &std::env::temp_dir()).1.into_iter().map(|(c, _)| c).collect()
}

fn assert_fires(code: &str, bad: &Path, good: &Path, extra: &[&str]) {
    let b = codes(bad, extra);
    assert!(b.iter().any(|c| c == code), "{code} should fire on {}: got {b:?}", bad.display());
    let g = codes(good, extra);
    assert!(!g.iter().any(|c| c == code), "{code} must not fire on {}: got {g:?}", good.display());
}

/// Writes `files` (name, bytes) into a fresh folder, executable.
fn stage(files: &[(&str, Vec<u8>)]) -> TempDir {
    let t = TempDir::new();
    for (name, data) in files {
        let p = t.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, data).unwrap();
        exec(&p);
    }
    t
}

#[test]
fn missing_buildinfo() {
    let good = fixture("linux", "amd64", Variant::Default);
    assert_fires("SL001", &fixture("linux", "amd64", Variant::FileArgument), &good, &[]);
    assert_fires("SL001", &fixture("linux", "amd64", Variant::GopathMode), &good, &[]);
}

#[test]
fn untrimmed_paths() {
    let bad = fixture("linux", "amd64", Variant::Default);
    assert_fires("SL002", &bad, &fixture("linux", "amd64", Variant::Trimpath), &[]);
    assert_fires(
        "SL002",
        &fixture("windows", "amd64", Variant::Stripped),
        &fixture("windows", "amd64", Variant::Trimpath),
        &[],
    );
    // The project's own source comes first: the fixture was built in the cache's build folder.
    let (_, _, doc) = check_json(&["--select", "untrimmed-paths", bad.to_str().unwrap()], &std::env::temp_dir());
    let message = doc["findings"][0]["message"].as_str().unwrap();
    let build_dir = shiplint_fixtures::cache_dir().join("fixtures/.build-");
    assert!(message.contains(&format!("e.g. {}", build_dir.display())), "{message}");
}

#[test]
fn stripped_without_symbols_and_the_symbol_store() {
    let unstripped = fixture("linux", "amd64", Variant::Default);
    assert_fires("SL003", &fixture("linux", "amd64", Variant::Stripped), &unstripped, &[]);
    // Strip a copy with binutils: the Go build ID survives, so the stored original is its twin.
    let t = TempDir::new();
    let stripped = t.path().join("api");
    let out = Command::new("strip").arg("-o").arg(&stripped).arg(&unstripped).output().unwrap();
    assert!(out.status.success(), "strip: {}", String::from_utf8_lossy(&out.stderr));
    let id = |p: &Path| shiplint_gobin::buildid::go_build_id(&fs::read(p).unwrap()).unwrap();
    assert_eq!(id(&stripped), id(&unstripped), "strip keeps the Go build ID");
    let store = t.path().join("symbols");
    let symbols_arg = format!("--symbols={}", store.display());
    assert!(codes(&stripped, &[&symbols_arg]).contains(&"SL003".to_string()), "empty store: no twin");
    let stored = shiplint().arg("symbols").arg("store").arg(&unstripped).arg("--into").arg(&store).output().unwrap();
    assert!(stored.status.success(), "{}", String::from_utf8_lossy(&stored.stderr));
    assert!(!codes(&stripped, &[&symbols_arg]).contains(&"SL003".to_string()), "twin found in the store");
    // A stripped file is refused by the store.
    let refused = shiplint().arg("symbols").arg("store").arg(&stripped).arg("--into").arg(&store).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("already stripped"));
    // With -B gobuildid the GNU build ID names a gdb/debuginfod path too.
    let gnu = fixture("linux", "amd64", Variant::GnuBuildId);
    let stored = shiplint().arg("symbols").arg("store").arg(&gnu).arg("--into").arg(&store).output().unwrap();
    assert!(
        String::from_utf8_lossy(&stored.stdout).contains("/.build-id/"),
        "{}",
        String::from_utf8_lossy(&stored.stdout)
    );
}

#[test]
fn x_flag_not_applied() {
    let bad = fixture("linux", "amd64", Variant::XFlagMistakes);
    let (_, _, doc) = check_json(&["--select", "SL004", bad.to_str().unwrap()], &std::env::temp_dir());
    let messages: Vec<&str> =
        doc["findings"].as_array().unwrap().iter().map(|f| f["message"].as_str().unwrap()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("-X main.Version=v1.2.3") && m.contains("no string variable")), "const");
    assert!(messages.iter().any(|m| m.contains("-X version.Tag=v1.2.3")), "short import path");
    assert!(!messages.iter().any(|m| m.contains("main.Date") || m.contains("example.com/xflags")), "correct targets");
    assert_fires("SL004", &bad, &fixture("linux", "amd64", Variant::XFlag), &[]);
    // --expect-x checks a value the build should have set, here on a build that set nothing.
    let plain = fixture("linux", "amd64", Variant::Default);
    assert!(codes(&plain, &["--expect-x", "main.version=v9"]).contains(&"SL004".to_string()));
    assert!(!codes(&plain, &["--expect-x", "main.version=dev"]).contains(&"SL004".to_string()));
}

#[test]
fn libc_dynamic() {
    let static_build = fixture("linux", "amd64", Variant::Default);
    assert_fires("SL005", &fixture("linux", "amd64", Variant::CgoNet), &static_build, &[]);
    assert!(!codes(&fixture("linux", "amd64", Variant::StaticPie), &[]).contains(&"SL005".to_string()));
}

#[test]
fn dirty_vcs_build() {
    assert_fires(
        "SL006",
        &fixture("linux", "amd64", Variant::DirtyVcs),
        &fixture("linux", "amd64", Variant::Default),
        &[],
    );
}

#[test]
fn toolchain_unsupported() {
    let oldest = shiplint_fixtures::toolchains()[0].version.clone();
    let old = fixture_of(&oldest, "linux", "amd64", Variant::Trimpath);
    assert_fires("SL007", &old, &fixture("linux", "amd64", Variant::Trimpath), &[]);
    // The newest release is configuration: with Go 1.22 as the newest, 1.21 is still supported.
    let t = TempDir::new();
    fs::write(t.path().join("shiplint.toml"), "newest-go = \"1.22\"\n").unwrap();
    let (_, found, _) = check_json(&[old.to_str().unwrap()], t.path());
    assert!(!found.iter().any(|(c, _)| c == "SL007"), "{found:?}");
    // A patch release the configuration knows of and the release table does not: the supported
    // minor's binary is an older patch.
    let (minor, patch) = shiplint::go_releases::patch_of(&format!("go{oldest}")).unwrap();
    let next = format!("1.{minor}.{}", patch + 1);
    fs::write(t.path().join("shiplint.toml"), format!("newest-go = \"{next}\"\n")).unwrap();
    let (_, found, _) = check_json(&[old.to_str().unwrap()], t.path());
    assert!(found.iter().any(|(c, _)| c == "SL007"), "{found:?}");
    fs::write(t.path().join("shiplint.toml"), "newest-go = \"1.22.x\"\n").unwrap();
    let out = shiplint().current_dir(t.path()).args(["check"]).arg(&old).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("newest-go must look like"), "{out:?}");
}

#[test]
fn macos_signing_rules() {
    let arm = fs::read(fixture("darwin", "arm64", Variant::Trimpath)).unwrap();
    let intel = fixture("darwin", "amd64", Variant::Trimpath);
    let t = TempDir::new();
    let developer_id = common::resign(&arm, true, true, t.path());
    let no_runtime_no_stamp = common::resign(&arm, false, false, t.path());
    let mut broken = arm.clone();
    let at = broken.len() / 3;
    broken[at] ^= 0x01;
    // Data appended after the signature touches no hashed page (macos-signature-broken's page).
    let mut appended = arm.clone();
    appended.extend(vec![0x5a; 10_000]);
    let staged = stage(&[
        ("adhoc", arm.clone()),
        ("appended", appended),
        ("developer-id", developer_id),
        ("bare-developer-id", no_runtime_no_stamp),
        ("broken", broken),
        ("intel", fs::read(&intel).unwrap()),
    ]);
    let (_, found, _) = check_json(&["."], staged.path());
    let has = |code: &str, file: &str| found.iter().any(|(c, p)| c == code && p.ends_with(file));
    assert!(has("SL101", "intel") && !has("SL101", "adhoc"), "{found:?}");
    assert!(has("SL102", "adhoc") && !has("SL102", "developer-id") && !has("SL102", "intel"), "{found:?}");
    assert!(has("SL103", "bare-developer-id") && !has("SL103", "/developer-id"), "{found:?}");
    assert!(has("SL104", "bare-developer-id") && !has("SL104", "/developer-id"), "{found:?}");
    assert!(has("SL105", "broken") && !has("SL105", "adhoc") && !has("SL105", "appended"), "{found:?}");
}

/// Every correctly built fixture passes at the error level.
#[test]
fn correct_builds_have_no_error_level_findings() {
    let paths: Vec<String> = shiplint_fixtures::all()
        .iter()
        .filter(|f| f.variant != Variant::XFlagMistakes)
        .map(|f| f.path.display().to_string())
        .collect();
    let mut args = vec!["--fail-on", "error"];
    args.extend(paths.iter().map(String::as_str));
    let (status, found, doc) = check_json(&args, &std::env::temp_dir());
    assert_eq!(status, 0, "{found:?}");
    assert_eq!(doc["summary"]["findings"]["error"], 0);
    assert_eq!(doc["summary"]["go_executables"].as_u64().unwrap() as usize, paths.len());
}

#[test]
fn exit_codes_and_errors_keep_the_rest() {
    let bad = fs::read(fixture("linux", "amd64", Variant::DirtyVcs)).unwrap();
    let good = fs::read(fixture("linux", "amd64", Variant::Trimpath)).unwrap();
    let staged =
        stage(&[("dist/dirty", bad.clone()), ("dist/clean", good.clone()), ("dist/broken", bad[..200].to_vec())]);
    let (status, found, doc) = check_json(&["dist"], staged.path());
    assert_eq!(status, 2, "a malformed executable is an error");
    assert!(found.iter().any(|(c, p)| c == "SL006" && p == "dist/dirty"), "the rest is still reported: {found:?}");
    assert_eq!(doc["errors"][0]["path"], "dist/broken");
    fs::remove_file(staged.path().join("dist/broken")).unwrap();
    assert_eq!(check_json(&["dist"], staged.path()).0, 1);
    assert_eq!(check_json(&["--fail-on", "error", "dist"], staged.path()).0, 0);
    assert_eq!(check_json(&["dist/clean"], staged.path()).0, 0);
    let missing = shiplint().args(["check", "no-such-dir"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn discovery_respects_gitignore_but_scans_named_paths() {
    let bin = fs::read(fixture("linux", "amd64", Variant::DirtyVcs)).unwrap();
    let files = [("dist/api", bin.clone()), ("src/tool", bin), (".gitignore", b"dist/\n".to_vec())];
    let staged = stage(&files);
    let paths = |dir: &Path| -> Vec<String> {
        let (_, found, _) = check_json(&["--select", "SL006", "."], dir);
        found.into_iter().map(|(_, p)| p).collect()
    };
    // Outside a git work tree (a source tarball), .gitignore means nothing, as to git.
    assert_eq!(paths(staged.path()), ["dist/api", "src/tool"]);
    fs::create_dir(staged.path().join(".git")).unwrap();
    assert_eq!(paths(staged.path()), ["src/tool"], "dist/ is ignored when walking a work tree");
    let (_, found, _) = check_json(&["--select", "SL006", "dist"], staged.path());
    assert_eq!(found.len(), 1, "a named path is always scanned");
}

/// Runs git in `dir` (the machine that clones this repository has it).
fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git").current_dir(dir).args(args).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn gitignore_does_not_hide_what_git_tracks() {
    // A committed goreleaser config that a `/*.yaml` line matches is still the release; an
    // untracked file under an ignored folder that holds tracked ones stays ignored.
    let goreleaser = b"builds:\n  - main: ./cmd/app\n    ldflags: -s -w\n".to_vec();
    let dockerfile = b"FROM golang:1.23\nRUN go build -o /app .\n".to_vec();
    let staged = stage(&[
        (".gitignore", b"/*.yaml\nbuild/\n".to_vec()),
        (".goreleaser.yaml", goreleaser),
        ("build/Dockerfile", dockerfile.clone()),
        ("cmd/app/main.go", b"package main\n".to_vec()),
    ]);
    let d = staged.path();
    for version in ["2", "4"] {
        fs::remove_dir_all(d.join(".git")).ok();
        git(d, &["init", "-q"]);
        git(d, &["add", "-f", ".gitignore", ".goreleaser.yaml", "build/Dockerfile"]);
        git(d, &["update-index", "--index-version", version]);
        fs::write(d.join("build/Dockerfile.local"), &dockerfile).unwrap();
        fs::write(d.join("local.yaml"), b"builds: []\n").unwrap();
        let (_, _, doc) = check_json(&["."], d);
        assert_eq!(doc["summary"]["build_definitions"], 2, "index version {version}: {doc}");
        let (_, found, _) = check_json(&["--select", "SL002,SL003", "."], d);
        let mut paths: Vec<&str> = found.iter().map(|(_, p)| p.as_str()).collect();
        paths.dedup();
        assert_eq!(paths, [".goreleaser.yaml", "build/Dockerfile"], "index version {version}");
    }
}

#[test]
fn configuration_selects_ignores_and_changes_levels() {
    let bin = fs::read(fixture("linux", "amd64", Variant::DirtyVcs)).unwrap();
    let staged = stage(&[("dist/api", bin.clone()), ("debug/api", bin)]);
    let d = staged.path();
    let set = |toml: &str| fs::write(d.join("shiplint.toml"), toml).unwrap();
    let level_of = |doc: &Value, path: &str, code: &str| -> Option<String> {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code && f["location"]["path"] == path)
            .map(|f| f["level"].as_str().unwrap().to_string())
    };
    set(
        "ignore = [\"untrimmed-paths\"]\n[levels]\ndirty-vcs-build = \"error\"\n[[per-path]]\npaths = [\"debug/**\"]\nignore = [\"SL006\"]\n",
    );
    let (status, found, doc) = check_json(&["dist", "debug"], d);
    assert!(!found.iter().any(|(c, _)| c == "SL002"), "{found:?}");
    assert_eq!(level_of(&doc, "dist/api", "SL006").as_deref(), Some("error"));
    assert_eq!(level_of(&doc, "debug/api", "SL006"), None, "per-path ignore");
    let (_, _, walked) = check_json(&["."], d);
    assert_eq!(level_of(&walked, "debug/api", "SL006"), None, "per-path globs match walked paths too");
    assert_eq!(level_of(&walked, "dist/api", "SL006").as_deref(), Some("error"));
    assert_eq!(status, 1);
    let (_, found, _) = check_json(&["--select", "SL002", "dist"], d);
    assert!(found.iter().all(|(c, _)| c == "SL002") && !found.is_empty(), "--select overrides the file: {found:?}");
    set("ignore = [\"no-such-rule\"]\n");
    let out = shiplint().current_dir(d).args(["check", "dist"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule `no-such-rule`"));
    set("selct = []\n");
    assert_eq!(shiplint().current_dir(d).args(["check", "dist"]).output().unwrap().status.code(), Some(2));
}

#[test]
fn rules_and_explain() {
    let out = shiplint().arg("rules").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().count() >= 12 && text.contains("SL002  untrimmed-paths"));
    for name in ["SL004", "x-flag-not-applied", "X-FLAG-NOT-APPLIED"] {
        let page = shiplint().args(["explain", name]).output().unwrap();
        let page = String::from_utf8(page.stdout).unwrap();
        assert!(page.starts_with("# x-flag-not-applied (SL004)\n"), "{page}");
    }
    assert_eq!(shiplint().args(["explain", "nope"]).output().unwrap().status.code(), Some(2));
}

/// Every rule page has the same headings, and docs/rules/*.md are generated from them
/// (`SHIPLINT_UPDATE_DOCS=1 cargo test` rewrites them).
#[test]
fn rule_pages_are_complete_and_docs_are_generated_from_them() {
    let docs = shiplint_fixtures::repo_root().join("docs/rules");
    let update = std::env::var_os("SHIPLINT_UPDATE_DOCS").is_some();
    let mut index = String::from("# Rules\n\n| code | name | level | summary |\n|---|---|---|---|\n");
    for m in shiplint::rules::all() {
        let page = m.page();
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## What really happens",
            "## Example",
            "## Use instead",
            "## Fix",
            "## References",
        ] {
            assert!(page.contains(&format!("\n{heading}\n")), "{} lacks {heading}", m.name);
        }
        index
            .push_str(&format!("| {} | [{}]({}.md) | {} | {} |\n", m.code, m.name, m.name, m.default_level, m.summary));
        let path = docs.join(format!("{}.md", m.name));
        if update {
            fs::create_dir_all(&docs).unwrap();
            fs::write(&path, &page).unwrap();
        }
        assert_eq!(
            fs::read_to_string(&path).ok().as_deref(),
            Some(page.as_str()),
            "{} is stale: SHIPLINT_UPDATE_DOCS=1 cargo test",
            path.display()
        );
    }
    let index_path = docs.join("README.md");
    if update {
        fs::write(&index_path, &index).unwrap();
    }
    assert_eq!(fs::read_to_string(&index_path).ok().as_deref(), Some(index.as_str()));
}

/// The Go releases a text names: `golang:1.27`, `go1.27.3`, `go 1.27` (a go.mod line),
/// `go-version: 1.27` (setup-go), as minor numbers.
fn go_releases_named(text: &str) -> Vec<(String, u32)> {
    let mut found = Vec::new();
    for prefix in ["golang:1.", "go1.", "go 1.", "go-version: 1.", "go-version: '1.", "go-version: \"1."] {
        for (at, _) in text.match_indices(prefix) {
            let rest = &text[at + prefix.len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(minor) = digits.parse() {
                found.push((format!("{prefix}{digits}"), minor));
            }
        }
    }
    found
}

/// What a page shows and recommends builds with supported Go releases: an example naming a
/// release shiplint itself reports as unsupported (toolchain-unsupported) is a stale page. Only
/// toolchain-unsupported's own bad example is about an old release.
#[test]
fn rule_page_examples_name_only_supported_go_releases() {
    use shiplint::rules::toolchain_unsupported::is_supported;
    let newest = shiplint::config::NEWEST_GO_MINOR;
    assert_eq!(go_releases_named("FROM golang:1.23 AS b\ngo1.21.13 go 1.27 go-version: '1.26'").len(), 4);
    let mut stale = Vec::new();
    for m in shiplint::rules::all() {
        let page = m.page();
        for section in ["## Example", "## Use instead"] {
            if m.name == "toolchain-unsupported" && section == "## Example" {
                continue;
            }
            let start = page.find(&format!("\n{section}\n")).expect("every page has the section");
            let body = &page[start + section.len() + 2..];
            let body = &body[..body.find("\n## ").unwrap_or(body.len())];
            for (named, minor) in go_releases_named(body) {
                if !is_supported(minor, newest) {
                    stale.push(format!("{} ({section}): {named}", m.name));
                }
            }
        }
    }
    assert!(stale.is_empty(), "examples naming unsupported Go releases: {stale:#?}");
}

/// A staged release folder with one defect of each kind, for the output-format snapshots.
fn snapshot_folder() -> TempDir {
    let read = |os, arch, v| fs::read(fixture(os, arch, v)).unwrap();
    stage(&[
        ("dist/api-linux-amd64", read("linux", "amd64", Variant::Trimpath)),
        ("dist/api-linux-cgo", read("linux", "amd64", Variant::CgoNet)),
        ("dist/api-darwin-arm64", read("darwin", "arm64", Variant::Trimpath)),
        ("dist/api-darwin-amd64", read("darwin", "amd64", Variant::Trimpath)),
        ("dist/api-mistakes", read("linux", "amd64", Variant::XFlagMistakes)),
    ])
}

/// Output with machine-specific text replaced: the fixture cache and Go build IDs.
fn redact(text: &str) -> String {
    let cache = shiplint_fixtures::cache_dir().display().to_string();
    let mut out = text.replace(&cache, "[CACHE]");
    // Whether the cache lies in a home directory depends on the machine, not on shiplint.
    while let Some(start) = out.find(" (home director") {
        let end = out[start..].find(')').map_or(out.len(), |e| start + e + 1);
        out.replace_range(start..end, "");
    }
    for f in shiplint_fixtures::all() {
        if let Ok(id) = shiplint_gobin::buildid::go_build_id(&fs::read(&f.path).unwrap()) {
            if !id.is_empty() {
                out = out.replace(&id, "[GO-BUILD-ID]");
            }
        }
    }
    out
}

fn run_format(format: &str) -> (i32, String) {
    let staged = snapshot_folder();
    let out = shiplint().current_dir(staged.path()).args(["check", "--format", format, "dist"]).output().unwrap();
    (out.status.code().unwrap(), redact(&String::from_utf8(out.stdout).unwrap()))
}

#[test]
fn human_output() {
    let (status, text) = run_format("human");
    assert_eq!(status, 1);
    insta::assert_snapshot!(text);
}

#[test]
fn json_output() {
    let (_, text) = run_format("json");
    insta::assert_snapshot!(text);
}

#[test]
fn github_output() {
    let (_, text) = run_format("github");
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let (_, text) = run_format("sarif");
    insta::assert_snapshot!(text);
    // The official validator (Microsoft's SARIF Multitool, from npm; scripts/fetch-test-tools.sh).
    let tool = shiplint_fixtures::cache_dir().join("tools/sarif-multitool/Sarif.Multitool");
    assert!(tool.exists(), "{} missing: run scripts/fetch-test-tools.sh", tool.display());
    let t = TempDir::new();
    let file = t.path().join("out.sarif");
    fs::write(&file, &text).unwrap();
    let out = Command::new(&tool)
        .args(["validate"])
        .arg(&file)
        .arg("--output")
        .arg(t.path().join("validation.sarif"))
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{report}");
    let errors: Vec<&str> = report.lines().filter(|l| l.contains(": error ")).collect();
    assert!(errors.is_empty(), "SARIF validation errors:\n{}", errors.join("\n"));
    assert!(report.contains("Analysis completed successfully"), "{report}");
}
