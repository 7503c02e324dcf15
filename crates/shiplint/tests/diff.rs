//! `shiplint diff` on pairs of real builds that differ in exactly one factor each, and on pairs
//! that must come out identical (truth.md §9: with -trimpath, folder, user, HOME and caches do
//! not matter).

mod common;

use common::{TempDir, shiplint};
use serde_json::Value;
use shiplint_fixtures::Toolchain;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds fixture program `program` copied into `dir` with `tc`; `env` and `args` are added to
/// `go build`. Returns the output path.
fn build(tc: &Toolchain, program: &str, dir: &Path, env: &[(&str, &str)], args: &[&str]) -> PathBuf {
    if !dir.join("go.mod").exists() {
        shiplint_fixtures::copy_dir(&shiplint_fixtures::program(program), dir).unwrap();
    }
    let out = dir.join("out.bin");
    let mut cmd = tc.command(dir);
    cmd.env("CGO_ENABLED", "0").envs(env.iter().copied()).args(["build", "-o"]).arg(&out).args(args).arg(".");
    let result = cmd.output().unwrap();
    assert!(result.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&result.stderr));
    // Each build is kept under its own name, beside the source folder.
    static BUILDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = BUILDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let kept = dir.parent().unwrap().join(format!("build-{n}.bin"));
    fs::rename(&out, &kept).unwrap();
    kept
}

/// `shiplint diff --format json A B`: the exit status and the first pair's report.
fn diff(a: &Path, b: &Path) -> (i32, Value) {
    let out = shiplint().args(["diff", "--format", "json"]).arg(a).arg(b).output().unwrap();
    let doc: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), doc["pairs"][0].clone())
}

fn titles(pair: &Value) -> Vec<String> {
    pair["causes"].as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap().to_string()).collect()
}

fn newest() -> Toolchain {
    shiplint_fixtures::newest()
}

#[test]
fn build_directory_without_trimpath() {
    let t = TempDir::new();
    let a = build(&newest(), "hello", &t.path().join("alice/src/api"), &[], &[]);
    let b = build(&newest(), "hello", &t.path().join("ci/build/api"), &[], &[]);
    let (status, pair) = diff(&a, &b);
    assert_eq!(status, 1);
    let titles = titles(&pair);
    assert!(titles[0].starts_with("the builds ran in different folders without -trimpath"), "{titles:?}");
    let evidence = &pair["causes"][0]["evidence"][0];
    // The folders that differ, above the module folder both share (`api`).
    assert!(evidence[1].as_str().unwrap().ends_with("/alice/src"), "{evidence}");
    assert!(evidence[2].as_str().unwrap().ends_with("/ci/build"), "{evidence}");
    assert!(pair["build_id"]["meaning"].as_str().unwrap().starts_with("the action IDs differ"));
}

#[test]
fn an_x_value_from_the_clock() {
    let t = TempDir::new();
    let flags = |when: &str| format!("-ldflags=-X main.version={when}");
    let dir = t.path().join("src");
    let a = build(&newest(), "hello", &dir, &[], &["-trimpath", &flags("2024-01-02T10:00:00Z")]);
    let b = build(&newest(), "hello", &dir, &[], &["-trimpath", &flags("2024-01-02T10:05:00Z")]);
    let (status, pair) = diff(&a, &b);
    assert_eq!(status, 1);
    // With -trimpath BuildInfo omits -ldflags: the strings show it.
    assert_eq!(pair["causes"].as_array().unwrap().len(), 1, "{pair}");
    assert!(
        pair["summary"].as_str().unwrap().starts_with("identical except: embedded timestamps differ"),
        "{}",
        pair["summary"]
    );
    let ev = &pair["causes"][0]["evidence"][0];
    assert!(ev[1].as_str().unwrap().contains("10:00:00") && ev[2].as_str().unwrap().contains("10:05:00"), "{ev}");
    // Without -trimpath the -X values themselves are recorded and named.
    let dir = t.path().join("src2");
    let a = build(&newest(), "hello", &dir, &[], &[&flags("2024-01-02T10:00:00Z")]);
    let b = build(&newest(), "hello", &dir, &[], &[&flags("2024-01-02T10:05:00Z")]);
    let (_, pair) = diff(&a, &b);
    assert_eq!(titles(&pair), ["-X values differ, one from the clock at build time"], "{pair}");
    assert_eq!(pair["causes"][0]["evidence"][0][0], "-X main.version");
    // A host name under -trimpath: no kind of value shiplint recognises, still named.
    let dir = t.path().join("src3");
    let a = build(&newest(), "hello", &dir, &[], &["-trimpath", "-ldflags=-X main.version=buildhost-alpha"]);
    let b = build(&newest(), "hello", &dir, &[], &["-trimpath", "-ldflags=-X main.version=buildhost-bravo"]);
    let (_, pair) = diff(&a, &b);
    assert!(pair["summary"].as_str().unwrap().starts_with("identical except: embedded strings differ"), "{pair}");
    let ev = &pair["causes"][0]["evidence"][0];
    assert!(
        ev[1].as_str().unwrap().contains("buildhost-alpha") && ev[2].as_str().unwrap().contains("buildhost-bravo"),
        "{ev}"
    );
}

#[test]
fn a_dirty_tree() {
    let t = TempDir::new();
    let dir = t.path().join("repo");
    shiplint_fixtures::copy_dir(&shiplint_fixtures::program("hello"), &dir).unwrap();
    for args in [&["init", "-q"][..], &["add", "."], &["commit", "-q", "-m", "c"]] {
        shiplint_fixtures::git(&dir, args).unwrap();
    }
    let clean = build(&newest(), "hello", &dir, &[], &["-trimpath", "-buildvcs=true"]);
    fs::write(dir.join("notes.txt"), "an untracked file\n").unwrap();
    let dirty = build(&newest(), "hello", &dir, &[], &["-trimpath", "-buildvcs=true"]);
    let (_, pair) = diff(&clean, &dirty);
    let titles = titles(&pair);
    assert!(titles[0].starts_with("one build is from a modified working tree (vcs.modified=true)"), "{titles:?}");
    assert_eq!(pair["causes"][0]["evidence"][0], serde_json::json!(["vcs.modified", "false", "true"]));
}

#[test]
fn goamd64_cgo_and_stripping() {
    let t = TempDir::new();
    let dir = t.path().join("src");
    let v1 = build(&newest(), "hello", &dir, &[("GOAMD64", "v1")], &["-trimpath"]);
    let v3 = build(&newest(), "hello", &dir, &[("GOAMD64", "v3")], &["-trimpath"]);
    let (_, pair) = diff(&v1, &v3);
    assert_eq!(titles(&pair), ["different GOAMD64 (instruction set level)"], "{pair}");
    let stripped = build(&newest(), "hello", &dir, &[], &["-trimpath", "-ldflags=-s -w"]);
    let (_, pair) = diff(&v1, &stripped);
    assert_eq!(titles(&pair), ["one build is stripped (-s -w or strip)"], "{pair}");
    let net = t.path().join("net");
    let cgo = build(&newest(), "netlookup", &net, &[("CGO_ENABLED", "1")], &["-trimpath"]);
    let pure = build(&newest(), "netlookup", &net, &[("CGO_ENABLED", "0")], &["-trimpath"]);
    let (_, pair) = diff(&cgo, &pure);
    let titles = titles(&pair);
    assert!(titles[0].starts_with("cgo on in one build, off in the other"), "{titles:?}");
    assert!(titles.iter().any(|t| t.starts_with("linked differently")), "{titles:?}");
}

#[test]
fn two_go_patch_releases_and_two_minor_releases() {
    let tcs = shiplint_fixtures::toolchains();
    let newest = newest();
    for older in [shiplint_fixtures::previous_patch(), tcs[tcs.len() - 2].clone()] {
        let t = TempDir::new();
        let a = build(&older, "hello", &t.path().join("a"), &[], &["-trimpath"]);
        let b = build(&newest, "hello", &t.path().join("b"), &[], &["-trimpath"]);
        let (_, pair) = diff(&a, &b);
        assert_eq!(titles(&pair), ["built by different Go releases"], "{pair}");
        let go = &pair["causes"][0]["evidence"][0];
        assert_eq!(
            (go[1].as_str().unwrap(), go[2].as_str().unwrap()),
            (&*format!("go{}", older.version), &*format!("go{}", newest.version))
        );
    }
}

/// truth.md §9: with -trimpath, the folder, HOME, the build cache and the module cache do not
/// change a single byte.
#[test]
fn trimmed_builds_in_other_folders_and_caches_are_identical() {
    let t = TempDir::new();
    let a = build(&newest(), "hello", &t.path().join("alice/projects/api"), &[], &["-trimpath"]);
    let cache = t.path().join("other-cache");
    let home = t.path().join("bob");
    fs::create_dir_all(&home).unwrap();
    let env = [("GOCACHE", cache.to_str().unwrap()), ("HOME", home.to_str().unwrap())];
    let b = build(&newest(), "hello", &t.path().join("ci/work/src"), &env, &["-trimpath"]);
    let (status, pair) = diff(&a, &b);
    assert_eq!((status, pair["summary"].as_str().unwrap()), (0, "identical"));
    // Folders are paired by relative path.
    for (side, bin) in [("A", &a), ("B", &b)] {
        fs::create_dir_all(t.path().join(side).join("dist")).unwrap();
        fs::copy(bin, t.path().join(side).join("dist/api")).unwrap();
    }
    fs::write(t.path().join("B/dist/extra.txt"), "x").unwrap();
    let out = shiplint().arg("diff").arg(t.path().join("A")).arg(t.path().join("B")).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains("dist/api: identical\n") && text.contains("only in B: "), "{text}");
    let status = Command::new(env!("CARGO_BIN_EXE_shiplint"))
        .args(["diff", "/nonexistent-a", "/nonexistent-b"])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}

/// Release archives: the files inside are paired and compared; the archive's own metadata is a
/// cause of its own.
#[test]
fn release_archives() {
    use shiplint_fixtures::images::{self, Stamp};
    use std::io::Write;
    let fixture = |v| common::newest_fixture("linux", "amd64", v);
    let (trimmed, untrimmed) =
        (fixture(shiplint_fixtures::Variant::Trimpath), fixture(shiplint_fixtures::Variant::Default));
    let gzip = |data: &[u8], mtime: u32| {
        let mut gz = flate2::GzBuilder::new().mtime(mtime).write(Vec::new(), flate2::Compression::default());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    };
    let t = TempDir::new();
    let write = |name: &str, bytes: Vec<u8>| {
        let p = t.path().join(name);
        fs::write(&p, bytes).unwrap();
        p
    };
    let files = |bin: &[u8]| -> Vec<u8> {
        images::tar_stamped(
            &[("api", bin, 0o755), ("README.md", b"docs\n", 0o644)],
            Stamp { mtime: 1_700_000_000, uid: 0 },
        )
    };
    let base = write("a.tar.gz", gzip(&files(&trimmed), 0));
    // The same files, archived an hour later by another user.
    let later = images::tar_stamped(
        &[("api", &trimmed, 0o755), ("README.md", b"docs\n", 0o644)],
        Stamp { mtime: 1_700_003_600, uid: 1000 },
    );
    let (_, pair) = diff(&base, &write("b.tar.gz", gzip(&later, 0)));
    let causes: Vec<&str> = pair["causes"].as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap()).collect();
    assert_eq!(
        causes,
        [
            "the archive records each file's modification time, and they differ",
            "the archive records each file's owner, and they differ"
        ]
    );
    // Only the gzip header's time differs.
    let (_, pair) = diff(&base, &write("c.tar.gz", gzip(&files(&trimmed), 1_700_000_000)));
    assert_eq!(
        pair["summary"],
        "identical except: the gzip headers differ: gzip records the time (and name) of its input unless run with -n"
    );
    // Another order.
    let swapped = images::tar_stamped(
        &[("README.md", b"docs\n", 0o644), ("api", &trimmed, 0o755)],
        Stamp { mtime: 1_700_000_000, uid: 0 },
    );
    let (_, pair) = diff(&base, &write("d.tar.gz", gzip(&swapped, 0)));
    assert_eq!(pair["summary"], "identical except: the files are stored in another order");
    // Another binary inside: the archive says so, and the binaries' own comparison follows.
    let out = shiplint()
        .args(["diff", "--format", "json"])
        .arg(&base)
        .arg(write("e.tar.gz", gzip(&files(&untrimmed), 0)))
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["pairs"][0]["causes"][0]["title"], "files inside differ");
    assert!(doc["pairs"][1]["a"].as_str().unwrap().ends_with("a.tar.gz!api"));
    assert!(
        doc["pairs"][1]["causes"][0]["title"].as_str().unwrap().starts_with("-trimpath in one build only"),
        "{doc}"
    );
}

/// Images are paired by platform; the merged file systems are compared file by file and the
/// executables that differ in depth.
#[test]
fn images() {
    use shiplint_fixtures::images::{self, Compression, ImageSpec, Node};
    let bin = |v| common::newest_fixture("linux", "amd64", v);
    let spec = |app: Vec<u8>, env: &str, compression: Compression| ImageSpec {
        layers: vec![images::root_fs("none"), vec![("app/api".into(), Node::File { data: app, mode: 0o755 })]],
        compression,
        run: serde_json::json!({"User": "65532", "Entrypoint": ["/app/api"], "Env": [env]}),
        os: "linux",
        architecture: "amd64",
    };
    let t = TempDir::new();
    let write = |name: &str, bytes: Vec<u8>| {
        let p = t.path().join(name);
        fs::write(&p, bytes).unwrap();
        p
    };
    let trimmed = bin(shiplint_fixtures::Variant::Trimpath);
    let a = write("a.tar", images::docker_save_oci(&spec(trimmed.clone(), "MODE=prod", Compression::Gzip), "a:1"));
    // The same files, saved by the legacy docker (uncompressed layers): other bytes, same image.
    let legacy =
        write("legacy.tar", images::docker_save_legacy(&spec(trimmed.clone(), "MODE=prod", Compression::None), "a:1"));
    let (status, pair) = diff(&a, &legacy);
    assert_eq!(status, 1);
    assert_eq!(
        pair["summary"],
        "identical except: the same files, stored in other layer bytes (order, compression, or layer boundaries)"
    );
    assert_eq!(pair["a"], format!("{} [linux/amd64]", a.display()));
    // Another binary and another ENV.
    let other = write(
        "b.tar",
        images::docker_save_oci(&spec(bin(shiplint_fixtures::Variant::Default), "MODE=dev", Compression::Zstd), "b:1"),
    );
    let out = shiplint().args(["diff", "--format", "json"]).arg(&a).arg(&other).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let image = &doc["pairs"][0];
    let titles: Vec<&str> = image["causes"].as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["files differ", "the image configs differ"], "{doc}");
    assert_eq!(image["causes"][1]["evidence"][0][0], "Env");
    let binary = &doc["pairs"][1];
    assert!(binary["a"].as_str().unwrap().ends_with("a.tar [linux/amd64] /app/api"), "{binary}");
    assert!(binary["causes"][0]["title"].as_str().unwrap().starts_with("-trimpath in one build only"), "{binary}");
}

/// A dependency at two versions, served by a module proxy in a local folder (GOPROXY=file://,
/// offline).
#[test]
fn a_dependency_version() {
    let t = TempDir::new();
    let proxy = t.path().join("proxy/example.com/lib/@v");
    fs::create_dir_all(&proxy).unwrap();
    for (version, greeting) in [("v1.0.0", "hello"), ("v1.1.0", "hi")] {
        let source = format!("package lib\n\nfunc Greeting() string {{ return \"{greeting}\" }}\n");
        let module = format!("example.com/lib@{version}");
        let zip = shiplint_fixtures::images::zip(&[
            (&format!("{module}/go.mod"), 0o100644, b"module example.com/lib\n\ngo 1.21\n"),
            (&format!("{module}/lib.go"), 0o100644, source.as_bytes()),
        ]);
        fs::write(proxy.join(format!("{version}.zip")), zip).unwrap();
        fs::write(proxy.join(format!("{version}.mod")), "module example.com/lib\n\ngo 1.21\n").unwrap();
        fs::write(
            proxy.join(format!("{version}.info")),
            format!("{{\"Version\":\"{version}\",\"Time\":\"2024-01-02T03:04:05Z\"}}"),
        )
        .unwrap();
    }
    fs::write(proxy.join("list"), "v1.0.0\nv1.1.0\n").unwrap();
    let goproxy = format!("file://{}", t.path().join("proxy").display());
    let main = "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/lib\"\n)\n\nfunc main() { fmt.Println(lib.Greeting()) }\n";
    let mut built = Vec::new();
    for version in ["v1.0.0", "v1.1.0"] {
        let dir = t.path().join(version);
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("go.mod"),
            format!("module example.com/app\n\ngo 1.21\n\nrequire example.com/lib {version}\n"),
        )
        .unwrap();
        fs::write(dir.join("main.go"), main).unwrap();
        let out = dir.join("app");
        let result = newest()
            .command(&dir)
            .env("GOPROXY", &goproxy)
            .env("GOMODCACHE", t.path().join("modcache"))
            // A writable module cache, so that the temporary folder can be removed.
            .env("GOFLAGS", "-mod=mod -modcacherw")
            .env("CGO_ENABLED", "0")
            .args(["build", "-trimpath", "-o"])
            .arg(&out)
            .arg(".")
            .output()
            .unwrap();
        assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
        built.push(out);
    }
    let (_, pair) = diff(&built[0], &built[1]);
    assert_eq!(titles(&pair), ["dependency versions differ"], "{pair}");
    assert_eq!(pair["causes"][0]["evidence"][0], serde_json::json!(["example.com/lib", "v1.0.0", "v1.1.0"]));
}

/// Release folders: files whose names differ only by version are paired by the platform they claim.
#[test]
fn release_folders_paired_by_platform() {
    let t = TempDir::new();
    let (a, b) = (t.path().join("v1.0.0/dist"), t.path().join("v1.0.1/dist"));
    fs::create_dir_all(&a).unwrap();
    fs::create_dir_all(&b).unwrap();
    fs::write(
        a.join("api_1.0.0_linux_amd64"),
        common::newest_fixture("linux", "amd64", shiplint_fixtures::Variant::Trimpath),
    )
    .unwrap();
    fs::write(
        b.join("api_1.0.1_linux_amd64"),
        common::newest_fixture("linux", "amd64", shiplint_fixtures::Variant::Default),
    )
    .unwrap();
    fs::write(b.join("api_1.0.1_darwin_arm64"), b"new in this release").unwrap();
    let out = shiplint()
        .args(["diff", "--format", "json"])
        .arg(t.path().join("v1.0.0"))
        .arg(t.path().join("v1.0.1"))
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["pairs"].as_array().unwrap().len(), 1, "{doc}");
    assert!(doc["pairs"][0]["b"].as_str().unwrap().ends_with("api_1.0.1_linux_amd64"));
    assert!(doc["pairs"][0]["causes"][0]["title"].as_str().unwrap().starts_with("-trimpath in one build only"));
    assert!(doc["only_in_b"][0].as_str().unwrap().ends_with("api_1.0.1_darwin_arm64"));
}

/// A copy of `path` with its BuildInfo blob destroyed, as builds that bypass cmd/go (Bazel's
/// `go tool link`) have none.
fn without_buildinfo(path: &Path) -> PathBuf {
    let mut data = fs::read(path).unwrap();
    let at = data.windows(14).position(|w| w == b"\xff Go buildinf:").unwrap();
    data[at] = 0;
    let out = path.with_extension("no-buildinfo");
    fs::write(&out, data).unwrap();
    out
}

/// Two builds that record no inputs: the code and the version strings are the evidence, not
/// printable binary noise. Two platforms: the platform is the cause, with no section list.
#[test]
fn builds_without_recorded_inputs_and_two_platforms() {
    let t = TempDir::new();
    let program = |dir: &str, body: &str| {
        let d = t.path().join(dir);
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("go.mod"), "module example.com/tool\n\ngo 1.21\n").unwrap();
        fs::write(d.join("main.go"), format!("package main\n\nimport \"fmt\"\n\nfunc main() {{\n{body}\n}}\n"))
            .unwrap();
        d
    };
    let old = program("old", "\tfmt.Println(\"tool version 1.28.0\")");
    let new = program("new", "\tfor i := 0; i < 3; i++ {\n\t\tfmt.Println(\"tool version 1.28.1\", i)\n\t}");
    let a = without_buildinfo(&build(&newest(), "", &old, &[], &["-trimpath"]));
    let b = without_buildinfo(&build(&newest(), "", &new, &[], &["-trimpath"]));
    let (status, pair) = diff(&a, &b);
    assert_eq!(status, 1);
    assert_eq!(
        titles(&pair)[0],
        "the code changed: the machine code differs, and neither build records its inputs (its BuildInfo holds at most the Go version) to say why",
        "{pair}"
    );
    let evidence = pair["causes"][0]["evidence"].as_array().unwrap();
    assert_eq!(evidence[0][0], "code");
    assert!(evidence.iter().any(|e| e[0] == "version strings" && e[2].as_str().unwrap().contains("1.28.1")), "{pair}");
    // Two platforms: one cause, and no list of sections that cannot be compared.
    let arm = build(&newest(), "", &old, &[("GOARCH", "arm64")], &["-trimpath"]);
    let amd = build(&newest(), "", &old, &[], &["-trimpath"]);
    let (_, pair) = diff(&amd, &arm);
    assert_eq!(titles(&pair), ["built for different platforms"], "{pair}");
    assert!(pair["sections"].as_array().is_none_or(|s| s.is_empty()), "{pair}");
}
