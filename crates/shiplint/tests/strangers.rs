//! Inputs from strangers (issues 16 and 17): nothing read or written outside the scanned paths,
//! no FIFO or device that blocks or streams without end, and no broken input passed over in
//! silence. Every hostile input is made here at run time. A read outside is proven by canaries:
//! files planted beside the scanned folder with their access time set far into the past, which
//! any read would move (the file system is mounted `relatime`, which updates an access time
//! older than the modification time; `canaries_notice_a_read` checks that this holds here).

mod common;

use common::TempDir;
use common::untrusted::{canary, run, untouched};
use serde_json::json;
use shiplint_fixtures::images::{self, Compression, ImageSpec};
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

/// The stderr lines that start with `shiplint: PREFIX`.
fn lines_for<'a>(stderr: &'a str, prefix: &str) -> Vec<&'a str> {
    stderr.lines().filter(|l| l.starts_with(&format!("shiplint: {prefix}"))).collect()
}

#[test]
fn canaries_notice_a_read() {
    let t = TempDir::new();
    let c = canary(&t.path().join("c"), "x");
    fs::read(&c).unwrap();
    assert_ne!(fs::metadata(&c).unwrap().atime(), 1_000_000_000, "access times do not move here: no proof");
}

/// An OCI layout whose config blob is a symlink to a file outside the layout.
fn layout_with_outside_config(dir: &Path, outside: &Path) -> String {
    let spec = ImageSpec {
        layers: vec![images::root_fs("")],
        compression: Compression::Gzip,
        run: json!({"Entrypoint": ["/api"]}),
        os: "linux",
        architecture: "amd64",
    };
    images::write_oci_layout(dir, &[spec]);
    let index: serde_json::Value = serde_json::from_slice(&fs::read(dir.join("index.json")).unwrap()).unwrap();
    let manifest = index["manifests"][0]["digest"].as_str().unwrap().replace("sha256:", "blobs/sha256/");
    let manifest: serde_json::Value = serde_json::from_slice(&fs::read(dir.join(&manifest)).unwrap()).unwrap();
    let config = manifest["config"]["digest"].as_str().unwrap().replace("sha256:", "blobs/sha256/");
    let text = fs::read_to_string(dir.join(&config)).unwrap().replace("/api", "/from-outside");
    canary(outside, &text);
    fs::remove_file(dir.join(&config)).unwrap();
    std::os::unix::fs::symlink(outside, dir.join(&config)).unwrap();
    config
}

#[test]
fn layout_blobs_linked_outside_are_not_followed() {
    let t = TempDir::new();
    let outside = t.path().join("outside/config.json");
    let config = layout_with_outside_config(&t.path().join("image"), &outside);
    let text = fs::read_to_string(&outside).unwrap();
    canary(&outside, &text);
    for command in ["check", "inspect"] {
        let (status, out, err) = run(t.path(), &[command, "image"]);
        assert_eq!(status, 2, "{command}: {out}{err}");
        let lines = lines_for(&err, "image: ");
        assert_eq!(lines.len(), 1, "{err}");
        assert!(lines[0].contains(&format!("blob {config}: resolves outside its folder")), "{err}");
        assert!(!out.contains("from-outside"), "{out}");
        assert_eq!(lines[0].matches("image").count(), 1, "the path is said once: {err}");
    }
    untouched(&outside, &text);
}

#[test]
fn a_blob_that_is_a_folder_or_fifo_is_not_missing() {
    let t = TempDir::new();
    let config = layout_with_outside_config(&t.path().join("image"), &t.path().join("outside/c.json"));
    let blob = t.path().join("image").join(&config);
    fs::remove_file(&blob).unwrap();
    mkfifo(&blob);
    let (status, _, err) = run(t.path(), &["check", "image"]);
    assert_eq!(status, 2);
    assert!(err.contains(&format!("blob {config}: a FIFO, not a regular file: not read")), "{err}");
    fs::remove_file(&blob).unwrap();
    fs::create_dir(&blob).unwrap();
    let (status, _, err) = run(t.path(), &["inspect", "image"]);
    assert_eq!(status, 2);
    assert!(err.contains(&format!("blob {config}: a folder, not a regular file: not read")), "{err}");
}

#[test]
fn an_index_too_large_says_its_size_and_name() {
    let t = TempDir::new();
    let dir = t.path().join("image");
    layout_with_outside_config(&dir, &t.path().join("outside/c.json"));
    let mut index = fs::read(dir.join("index.json")).unwrap();
    index.resize(5 << 20, b' ');
    fs::write(dir.join("index.json"), &index).unwrap();
    let (status, _, err) = run(t.path(), &["inspect", "image"]);
    assert_eq!(status, 2);
    assert!(err.contains("index.json: 5242880 bytes is more than shiplint reads (limit 4194304)"), "{err}");
}

const DOCKERFILE: &str = "FROM golang:1.23\nRUN go build -o /api .\n";

#[test]
fn fixes_never_write_outside_the_scanned_tree() {
    let t = TempDir::new();
    let repo = t.path().join("repo");
    let linked = canary(&t.path().join("outside/Dockerfile"), DOCKERFILE);
    let target = canary(&t.path().join("outside/target.Dockerfile"), DOCKERFILE);
    fs::create_dir_all(repo.join("hard")).unwrap();
    fs::create_dir_all(repo.join("soft")).unwrap();
    fs::create_dir_all(repo.join("vendor/dep")).unwrap();
    fs::create_dir_all(repo.join("own")).unwrap();
    fs::hard_link(&linked, repo.join("hard/Dockerfile")).unwrap();
    std::os::unix::fs::symlink(&target, repo.join("soft/Dockerfile")).unwrap();
    fs::write(repo.join("vendor/dep/Dockerfile"), DOCKERFILE).unwrap();
    fs::write(repo.join("own/Dockerfile"), DOCKERFILE).unwrap();
    let own_inode = fs::metadata(repo.join("own/Dockerfile")).unwrap().ino();
    let (_, _, err) = run(
        t.path(),
        &["check", "--fix", "repo", "repo/hard/Dockerfile", "repo/soft/Dockerfile", "repo/vendor/dep/Dockerfile"],
    );
    assert_eq!(lines_for(&err, "repo/hard/Dockerfile: not fixed: has 2 hard links").len(), 1, "{err}");
    assert_eq!(lines_for(&err, "repo/soft/Dockerfile: not fixed: resolves outside the scanned folders").len(), 1);
    assert_eq!(lines_for(&err, "repo/vendor/dep/Dockerfile: not fixed: in vendor/").len(), 1, "{err}");
    assert_eq!(fs::read_to_string(repo.join("vendor/dep/Dockerfile")).unwrap(), DOCKERFILE);
    // The repository's own file is fixed, as a new file renamed over the old one.
    let own = fs::read_to_string(repo.join("own/Dockerfile")).unwrap();
    assert!(own.contains("-trimpath"), "{own}\n{err}");
    assert_ne!(fs::metadata(repo.join("own/Dockerfile")).unwrap().ino(), own_inode);
    assert_eq!(fs::read_dir(repo.join("own")).unwrap().count(), 1, "no temporary file left");
    for (path, text) in [(&linked, DOCKERFILE), (&target, DOCKERFILE)] {
        assert_eq!(fs::read_to_string(path).unwrap(), text, "{} was written", path.display());
    }
}

#[test]
fn fifos_and_devices_neither_block_nor_stream() {
    let t = TempDir::new();
    let repo = t.path().join("repo");
    fs::create_dir_all(repo.join("sub")).unwrap();
    fs::create_dir_all(repo.join("ignored")).unwrap();
    mkfifo(&repo.join(".ignore"));
    mkfifo(&repo.join("pipe"));
    std::os::unix::fs::symlink("/dev/zero", repo.join("sub/.gitignore")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", repo.join("Dockerfile.zero")).unwrap();
    fs::create_dir(repo.join(".git")).unwrap();
    fs::write(repo.join(".gitignore"), "ignored/\n").unwrap();
    fs::write(repo.join("ignored/Dockerfile"), DOCKERFILE).unwrap();
    fs::write(repo.join("sub/Dockerfile"), DOCKERFILE).unwrap();
    let (status, out, err) = run(&repo, &["check", ".", "pipe", "Dockerfile.zero"]);
    assert_eq!(status, 1, "{out}{err}");
    assert!(out.contains("sub/Dockerfile:2:"), "the other files are still judged: {out}");
    assert!(!out.contains("ignored/Dockerfile"), ".gitignore is still honoured: {out}");
    for expected in [
        "shiplint: note: pipe: a FIFO, not a regular file: skipped",
        "shiplint: note: Dockerfile.zero: a device, not a regular file: skipped",
        "shiplint: note: .ignore: a FIFO, not a regular file: not read; its patterns are not used",
        "shiplint: note: sub/.gitignore: a device, not a regular file: not read; its patterns are not used",
    ] {
        assert_eq!(err.lines().filter(|l| *l == expected).count(), 1, "{expected}\n{err}");
    }
    // inspect and buildinfo on a FIFO: an error, not a wait.
    let (status, _, err) = run(&repo, &["inspect", "pipe"]);
    assert_eq!((status, err.trim()), (2, "shiplint: pipe: a FIFO, not a regular file: not read"));
}

/// A tar archive holding one file.
fn tar_with(name: &str, data: &[u8]) -> Vec<u8> {
    images::tar(&[(name, data, 0o755)])
}

/// A Mach-O universal header whose one slice lies past the end of the file.
fn fat_outside() -> Vec<u8> {
    let mut fat = Vec::new();
    for word in [0xcafe_babe_u32, 1, 0x0100_0007, 3, 0x0010_0000, 0x1000, 12] {
        fat.extend(word.to_be_bytes());
    }
    fat.resize(128, 0);
    fat
}

/// A tar whose one entry declares a pax `size` of 2^64-1.
fn pax_huge_size() -> Vec<u8> {
    let record = "29 size=18446744073709551615\n";
    assert_eq!(record.len(), 29);
    images::tar_entries(&[("pax", b'x', "", record.as_bytes()), ("api", b'0', "", b"")])
}

/// A zip whose one member declares 600 MiB, past what shiplint reads.
fn zip_member_too_large() -> Vec<u8> {
    let mut zip = images::zip(&[("api", 0o100755, &fat_outside())]);
    let central = zip.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
    zip[central + 24..central + 28].copy_from_slice(&(600u32 << 20).to_le_bytes());
    zip
}

#[test]
fn broken_archives_and_files_are_errors_naming_them() {
    let t = TempDir::new();
    let dir = t.path();
    let tar = tar_with("api", &fat_outside());
    let gz = images::compress(&tar, Compression::Gzip);
    let mut skippable = vec![0x50, 0x2a, 0x4d, 0x18, 100, 0, 0, 0];
    skippable.extend(b"short");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("cut-gzip.tar.gz", gz[..6].to_vec(), "truncated"),
        ("cut-header.tar", tar[..300].to_vec(), "truncated"),
        ("skippable.tar.zst", skippable, "malformed zstd skippable frame: truncated data"),
        ("pax.tar", pax_huge_size(), "malformed tar entry size"),
        ("fat.tar", tar.clone(), "not an ELF, Mach-O, PE or WebAssembly executable"),
        ("big.zip", zip_member_too_large(), "629145600 bytes is more than shiplint reads (limit 536870912)"),
        (
            "checksums.txt",
            format!("{}  api\n", "0".repeat(64)).repeat(60_000).into_bytes(),
            "too large for a checksum file",
        ),
    ];
    for (name, data, _) in &cases {
        fs::write(dir.join(name), data).unwrap();
    }
    fs::write(dir.join("Dockerfile"), DOCKERFILE).unwrap();
    let mut args = vec!["check", "Dockerfile"];
    args.extend(cases.iter().map(|(n, ..)| *n));
    let (status, out, err) = run(dir, &args);
    assert_eq!(status, 2, "{out}{err}");
    assert!(out.contains("Dockerfile:2:"), "the other inputs are still reported: {out}");
    for (name, _, words) in &cases {
        let lines = lines_for(&err, name);
        assert_eq!(lines.len(), 1, "{name}: {err}");
        assert!(lines[0].contains(words), "{name}: {err}");
        assert!(!lines[0].contains("checksum") || *name == "checksums.txt", "{name}: {err}");
    }
    let (status, _, err) = run(dir, &["inspect", "fat.tar", "big.zip"]);
    assert_eq!(status, 2);
    assert!(err.contains("shiplint: fat.tar!api: not an ELF, Mach-O, PE or WebAssembly executable"), "{err}");
    assert!(err.contains("shiplint: big.zip!api: 629145600 bytes is more than"), "{err}");
}

#[test]
fn diff_of_folders_with_fifos_and_devices_fails_aloud() {
    let t = TempDir::new();
    for side in ["a", "b"] {
        fs::create_dir(t.path().join(side)).unwrap();
        fs::write(t.path().join(side).join("VERSION"), side).unwrap();
    }
    mkfifo(&t.path().join("a/pipe"));
    mkfifo(&t.path().join("b/pipe"));
    let (status, out, err) = run(t.path(), &["diff", "a", "b"]);
    assert_eq!(status, 2, "{out}{err}");
    assert_eq!(lines_for(&err, "a/pipe: a FIFO, not a regular file: not read"), [err.trim()]);
    assert!(out.contains("a/VERSION vs b/VERSION"), "the other pairs are still compared: {out}");
    fs::remove_file(t.path().join("a/pipe")).unwrap();
    fs::remove_file(t.path().join("b/pipe")).unwrap();
    std::os::unix::fs::symlink("/dev/null", t.path().join("a/dev")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", t.path().join("b/dev")).unwrap();
    let (status, _, err) = run(t.path(), &["diff", "a", "b"]);
    assert_eq!(status, 2);
    assert!(err.contains("a/dev: a device, not a regular file: not read"), "{err}");
}

#[test]
fn yaml_errors_are_said_in_plain_words() {
    let t = TempDir::new();
    let workflows = t.path().join(".github/workflows");
    fs::create_dir_all(&workflows).unwrap();
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        bomb += &format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 9].join(", "));
    }
    fs::write(workflows.join("bomb.yml"), bomb + "jobs: {}\n").unwrap();
    fs::write(workflows.join("loop.yml"), "a: &a\n  b: *a\njobs: {}\n").unwrap();
    let (status, _, err) = run(t.path(), &["check", "."]);
    assert_eq!(status, 2);
    assert_eq!(lines_for(&err, ".github/workflows/bomb.yml: YAML not read: it has too many").len(), 1, "{err}");
    assert_eq!(lines_for(&err, ".github/workflows/loop.yml: YAML not read: an alias refers").len(), 1, "{err}");
    assert!(!err.contains("budget") && !err.contains("weak recursion"), "{err}");
}

#[test]
fn control_characters_in_names_are_escaped() {
    let t = TempDir::new();
    let evil = t.path().join("evil\n\x1b[2J");
    fs::create_dir(&evil).unwrap();
    fs::write(evil.join("Dockerfile"), DOCKERFILE).unwrap();
    mkfifo(&evil.join("pipe"));
    let (status, out, err) = run(t.path(), &["check", "."]);
    assert_eq!(status, 1);
    assert!(!out.contains('\x1b') && !err.contains('\x1b'), "{out}{err}");
    assert!(out.contains("--> evil\\n\\x1b[2J/Dockerfile:2:"), "{out}");
    assert!(err.contains("shiplint: note: evil\\n\\x1b[2J/pipe: a FIFO"), "{err}");
}

#[test]
fn files_a_build_definition_names_are_read_only_inside_the_repository() {
    let t = TempDir::new();
    let repo = t.path().join("repo");
    let outside = canary(&t.path().join("go.mod"), "module x\n\ngo 1.22\ntoolchain go1.22.1\n");
    let workflows = repo.join(".github/workflows");
    fs::create_dir_all(&workflows).unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("linked.mod")).unwrap();
    mkfifo(&repo.join("fifo.mod"));
    let step =
        |file: &str| format!("      - uses: actions/setup-go@v5\n        with:\n          go-version-file: {file}\n");
    let workflow = format!(
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n{}{}{}      - run: go build -o api .\n",
        step("../go.mod"),
        step("linked.mod"),
        step("fifo.mod")
    );
    fs::write(workflows.join("ci.yml"), workflow).unwrap();
    let (_, out, err) = run(t.path(), &["check", "repo"]);
    let notes = lines_for(&err, "note: repo/.github/workflows/ci.yml: ");
    assert_eq!(notes.len(), 3, "{out}{err}");
    assert_eq!(notes.iter().filter(|l| l.contains("resolves outside the repository")).count(), 2, "{err}");
    assert_eq!(notes.iter().filter(|l| l.contains("a FIFO, not a regular file")).count(), 1, "{err}");
    untouched(&outside, "module x\n\ngo 1.22\ntoolchain go1.22.1\n");
}
