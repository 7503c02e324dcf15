//! `shiplint check` on release folders and archives made from the fixture builder's real cross
//! builds: names that lie about the platform, one build shipped under several platform names,
//! Windows executables without `.exe`, binaries without the execute bit, stale checksums, and a
//! clean goreleaser-style release.

mod common;

use common::{TempDir, field, shiplint};
use shiplint_fixtures::Variant;
use shiplint_fixtures::images::{self, Compression};
use std::fs;
use std::path::Path;

fn binary(os: &str, arch: &str) -> Vec<u8> {
    common::newest_fixture(os, arch, Variant::Trimpath)
}

/// (code, location path, message) of each finding.
fn check(path: &Path) -> (i32, Vec<(String, String, String)>) {
    let (status, found, _) = common::check_json(path, &[".".as_ref()]);
    (status, found.iter().map(|f| (field(f, "/code"), field(f, "/location/path"), field(f, "/message"))).collect())
}

fn sha256(data: &[u8]) -> String {
    images::sha256(data).trim_start_matches("sha256:").to_string()
}

#[test]
fn a_broken_release_folder() {
    let t = TempDir::new();
    let dist = t.path().join("dist");
    fs::create_dir_all(&dist).unwrap();
    let amd64 = binary("linux", "amd64");
    let windows = binary("windows", "amd64");
    let darwin = binary("darwin", "arm64");
    // The cross-compile loop wrote every target to one path, then copied it under each name.
    fs::write(dist.join("api-v1.2.3-linux-amd64"), &amd64).unwrap();
    fs::write(dist.join("api-v1.2.3-linux-arm64"), &amd64).unwrap();
    fs::write(dist.join("api-v1.2.3-windows-amd64"), &windows).unwrap();
    // A darwin binary archived without its execute bit.
    let tgz = images::compress(&images::tar(&[("api", &darwin, 0o644)]), Compression::Gzip);
    fs::write(dist.join("api_Darwin_arm64.tar.gz"), &tgz).unwrap();
    let sums = format!(
        "{}  api-v1.2.3-linux-amd64\n{}  api-v1.2.3-windows-amd64\n{}  api_Linux_x86_64.tar.gz\n",
        sha256(&amd64),
        sha256(b"an older build"),
        sha256(b"never published"),
    );
    fs::write(dist.join("checksums.txt"), sums).unwrap();
    let (status, list) = check(t.path());
    assert_eq!(status, 1);
    let of = |code: &str| {
        list.iter().filter(|(c, ..)| c == code).map(|(_, p, m)| (p.as_str(), m.as_str())).collect::<Vec<_>>()
    };
    assert_eq!(
        of("SL301"),
        [("dist/api-v1.2.3-linux-arm64", "named for linux/arm64, but the executable is built for linux/amd64")]
    );
    let overwrite = of("SL008");
    assert_eq!(overwrite.len(), 1, "{list:#?}");
    assert!(
        overwrite[0].1.starts_with("identical bytes ship as dist/api-v1.2.3-linux-amd64, dist/api-v1.2.3-linux-arm64 (named for linux/amd64, linux/arm64): one linux/amd64 build"),
        "{}",
        overwrite[0].1
    );
    let not_exec = of("SL302");
    assert_eq!(not_exec.len(), 2, "{list:#?}");
    assert_eq!(not_exec[0].0, "dist/api-v1.2.3-windows-amd64");
    assert!(not_exec[0].1.contains("without .exe"));
    assert_eq!(not_exec[1].0, "dist/api_Darwin_arm64.tar.gz!api");
    assert!(not_exec[1].1.starts_with("stored with mode 0644, without an execute bit"), "{}", not_exec[1].1);
    let sums = of("SL303");
    assert_eq!(sums.len(), 2, "{list:#?}");
    assert!(sums.iter().any(|(_, m)| m.starts_with("api-v1.2.3-windows-amd64 has SHA-256 ")));
    assert!(sums.iter().any(|(_, m)| m.starts_with("lists api_Linux_x86_64.tar.gz, which is not in")));
    // The binary rules ran on the binary inside the archive, located there.
    assert!(list.iter().any(|(c, p, _)| c.starts_with("SL1") && p == "dist/api_Darwin_arm64.tar.gz!api"), "{list:#?}");
}

#[test]
fn a_clean_goreleaser_style_release() {
    let t = TempDir::new();
    let dist = t.path().join("dist");
    fs::create_dir_all(&dist).unwrap();
    let linux = images::compress(
        &images::tar(&[("api", &binary("linux", "arm64"), 0o755), ("README.md", b"docs\n", 0o644)]),
        Compression::Gzip,
    );
    let windows =
        images::zip(&[("api.exe", 0o100755, &binary("windows", "amd64")), ("README.md", 0o100644, b"docs\n")]);
    let raw_tar = images::tar(&[("api-linux-amd64/api", &binary("linux", "amd64"), 0o755)]);
    let xz = images::compress(&images::tar(&[("api", &binary("linux", "386"), 0o755)]), Compression::Xz);
    fs::write(dist.join("api_1.2.3_linux_i386.tar.xz"), &xz).unwrap();
    fs::write(dist.join("api_1.2.3_linux_arm64.tar.gz"), &linux).unwrap();
    fs::write(dist.join("api_1.2.3_windows_x86_64.zip"), &windows).unwrap();
    fs::write(dist.join("api_1.2.3_linux_x86_64.tar"), &raw_tar).unwrap();
    let sums = format!(
        "{}  api_1.2.3_linux_arm64.tar.gz\n{}  api_1.2.3_windows_x86_64.zip\n{} *api_1.2.3_linux_x86_64.tar\n",
        sha256(&linux),
        sha256(&windows),
        sha256(&raw_tar)
    );
    fs::write(dist.join("api_1.2.3_checksums.txt"), sums).unwrap();
    // Test data archives that are not releases (Go's own archive/zip testdata has broken ones).
    fs::write(t.path().join("corrupt.zip"), b"PK\x03\x04 not really a zip").unwrap();
    let (status, list) = check(t.path());
    assert_eq!((status, list), (0, vec![]));
    // Every archive was opened: an xz-compressed one renamed for another platform is caught.
    fs::rename(dist.join("api_1.2.3_linux_i386.tar.xz"), dist.join("api_1.2.3_linux_arm64.tar.xz")).unwrap();
    let (_, list) = check(t.path());
    assert_eq!(list.len(), 1, "{list:#?}");
    assert_eq!(list[0].2, "named for linux/arm64, but the executable is built for linux/386");
    let out = shiplint().args(["check", "--format", "json"]).arg(t.path().join("corrupt.zip")).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a named archive that cannot be read is an error");
}

#[test]
fn release_names_are_read_the_way_releases_write_them() {
    use shiplint::release::named_platform;
    for (name, want) in [
        ("api_Linux_x86_64.tar.gz", (Some("linux"), Some("amd64"))),
        ("api-v1.2.3-darwin-arm64", (Some("darwin"), Some("arm64"))),
        ("api-macOS-universal.zip", (Some("darwin"), Some("universal"))),
        ("api_windows_386.exe", (Some("windows"), Some("386"))),
        ("api-win64.exe", (Some("windows"), Some("amd64"))),
        ("api.linux.aarch64", (Some("linux"), Some("arm64"))),
        ("api_1.0_Linux_i386.tar.xz", (Some("linux"), Some("386"))),
        ("api_freebsd_armv7.tgz", (Some("freebsd"), Some("arm"))),
        ("api", (None, None)),
        ("amd64-notes.txt", (None, Some("amd64"))),
    ] {
        assert_eq!(named_platform(name), want, "{name}");
    }
}

/// What notarization can do for a bare darwin binary depends on its signature, not the archive:
/// ad hoc (the Go linker's) cannot be notarized; Developer ID can, but no ticket staples to it.
#[test]
fn darwin_binaries_in_release_archives() {
    let t = TempDir::new();
    let darwin = binary("darwin", "arm64");
    let signed = common::resign(&darwin, true, true, t.path());
    let zip = images::zip(&[("api", 0o100755, &signed)]);
    fs::write(t.path().join("api_darwin_arm64.zip"), zip).unwrap();
    let tgz = images::compress(&images::tar(&[("api", &darwin, 0o755)]), Compression::Gzip);
    fs::write(t.path().join("api_darwin_arm64.tar.gz"), tgz).unwrap();
    let (_, list) = check(t.path());
    let at = |path: &str| {
        list.iter().filter(|(_, p, _)| p == path).map(|(c, _, m)| (c.as_str(), m.as_str())).collect::<Vec<_>>()
    };
    let signed = at("api_darwin_arm64.zip!api");
    assert_eq!(signed.len(), 1, "{list:#?}");
    assert_eq!(signed[0].0, "SL106");
    assert!(
        signed[0].1.starts_with("a bare macOS binary in a .zip cannot carry a stapled notarization ticket"),
        "{}",
        signed[0].1
    );
    let adhoc = at("api_darwin_arm64.tar.gz!api");
    assert_eq!(adhoc.iter().map(|(c, _)| *c).collect::<Vec<_>>(), ["SL102"], "{list:#?}");
}

/// `inspect` on a release archive reports each executable inside.
#[test]
fn inspect_reads_the_executables_inside_an_archive() {
    let t = TempDir::new();
    let tgz = images::compress(
        &images::tar(&[("api", &binary("linux", "arm64"), 0o755), ("README.md", b"docs\n", 0o644)]),
        Compression::Gzip,
    );
    let path = t.path().join("api_linux_arm64.tar.gz");
    fs::write(&path, tgz).unwrap();
    let out = shiplint().args(["inspect", "--format", "json"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc.as_array().unwrap().len(), 1, "{doc}");
    assert!(doc[0]["path"].as_str().unwrap().ends_with("api_linux_arm64.tar.gz!api"));
    assert_eq!(doc[0]["slices"][0]["arch"], "arm64");
}

/// npm platform packages name the platform in npm's words (`win32-x64` is 64-bit Windows, not
/// 386): an npm tarball is judged by them like any release archive.
#[test]
fn npm_platform_package_names() {
    let t = TempDir::new();
    let windows = binary("windows", "amd64");
    let tar = images::tar(&[("package/bin/fastly.exe", &windows, 0o755), ("package/package.json", b"{}\n", 0o644)]);
    let tgz = images::compress(&tar, Compression::Gzip);
    fs::write(t.path().join("fastly-cli-win32-x64-10.19.0.tgz"), &tgz).unwrap();
    fs::write(t.path().join("fastly-cli-win32-arm64-10.19.0.tgz"), &tgz).unwrap();
    let (_, found) = check(t.path());
    let mismatches: Vec<_> = found.iter().filter(|(c, ..)| c == "SL301").collect();
    assert_eq!(mismatches.len(), 1, "{found:#?}");
    let (_, path, message) = mismatches[0];
    assert!(path.ends_with("fastly-cli-win32-arm64-10.19.0.tgz!package/bin/fastly.exe"), "{path}");
    assert_eq!(message, "named for windows/arm64, but the executable is built for windows/amd64");
}
