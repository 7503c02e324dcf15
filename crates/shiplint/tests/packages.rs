//! Packages, read in place: real registry packages (an esbuild npm platform package, a PyPI
//! wheel, a Debian package, fetched by scripts/fetch-packages.sh) against `go version -m` on the
//! executable their own tools extract; and packages made here by the real tools (dpkg-deb,
//! rpmbuild, npm pack, tar, Python's zipfile as wheel builders use it) around real Go builds,
//! each package rule firing on a broken package and silent on its twin.

mod common;

use common::{TempDir, field, shiplint};
use serde_json::Value;
use shiplint_fixtures::Variant;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn binary(os: &str, arch: &str, v: Variant) -> Vec<u8> {
    common::newest_fixture(os, arch, v)
}

/// (code, location path, message) of each finding of `check` on `path`, and the exit status.
fn check(path: &Path) -> (i32, Vec<(String, String, String)>) {
    let (status, found, _) = common::check_json(path, &[".".as_ref()]);
    (status, found.iter().map(|f| (field(f, "/code"), field(f, "/location/path"), field(f, "/message"))).collect())
}

/// The findings of the package rules and release-not-executable, as (code, location).
fn package_findings(list: &[(String, String, String)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = list
        .iter()
        .filter(|(c, ..)| ["SL302", "SL304", "SL305"].contains(&c.as_str()))
        .map(|(c, p, _)| (c.clone(), p.clone()))
        .collect();
    out.sort();
    out
}

fn message<'a>(list: &'a [(String, String, String)], code: &str, path: &str) -> &'a str {
    list.iter().find(|(c, p, _)| c == code && p == path).map(|(.., m)| m.as_str()).unwrap_or_else(|| {
        panic!("no {code} at {path}: {list:#?}");
    })
}

/// `shiplint inspect --format json` on a package: one report per executable inside.
fn inspect(path: &Path) -> Vec<Value> {
    let out = shiplint().args(["inspect", "--format", "json"]).arg(path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<Value>(&out.stdout).unwrap().as_array().unwrap().clone()
}

/// Asserts that what shiplint read from the executable inside the package is what the newest
/// Go's `go version -m -json` reads from the copy the package's own tool extracted.
fn assert_same_as_go(report: &Value, extracted: &Path) {
    let out = common::go_version(&["-m", "-json", extracted.to_str().unwrap()], extracted.parent().unwrap());
    assert!(out.status.success(), "go version -m: {}", String::from_utf8_lossy(&out.stderr));
    let go: Value = serde_json::from_slice(&out.stdout).unwrap();
    let bi = &report["slices"][0]["build_info"];
    assert_eq!(bi["go_version"], go["GoVersion"], "{}", report["path"]);
    // go omits empty fields from its JSON (a GOPATH-mode build has no main module, an empty
    // `CGO_CFLAGS=` setting no value).
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    assert_eq!(text(&bi["path"]), text(&go["Path"]));
    assert_eq!(text(&bi["main"]["path"]), text(&go["Main"]["Path"]));
    let settings = |list: &Value, k: &str, v: &str| -> Vec<(String, String)> {
        let list = list.as_array().cloned().unwrap_or_default();
        list.iter().map(|s| (text(&s[k]), text(&s[v]))).collect()
    };
    assert_eq!(settings(&bi["settings"], "key", "value"), settings(&go["Settings"], "Key", "Value"));
    assert_eq!(bi["deps"].as_array().map(Vec::len).unwrap_or(0), go["Deps"].as_array().map(Vec::len).unwrap_or(0));
}

fn real_package(file: &str) -> PathBuf {
    let path = shiplint_fixtures::cache_dir().join("packages").join(file);
    assert!(path.exists(), "{} is missing: run scripts/fetch-packages.sh", path.display());
    path
}

/// Real packages from npm, PyPI and Debian: shiplint reads the Go executable inside each in
/// place, exactly as `go version -m` reads it once extracted, locates it inside the package, and
/// finds nothing wrong with the platform, C library or mode the package gives it.
#[test]
fn real_registry_packages_read_in_place_match_go_version_m() {
    let t = TempDir::new();
    let cases: [(&str, &str, &[&str]); 3] = [
        ("esbuild-linux-x64-0.25.0.tgz", "package/bin/esbuild", &["tar", "-xzf"]),
        ("shfmt_py-4.2.0-py2.py3-none-manylinux2014_x86_64.whl", "shfmt_py-4.2.0.data/scripts/shfmt", &["unzip", "-q"]),
        ("fzf_0.38.0-1+b1_amd64.deb", "usr/bin/fzf", &["dpkg-deb", "-x"]),
    ];
    for (file, member, extract) in cases {
        let package = real_package(file);
        let reports = inspect(&package);
        assert_eq!(reports.len(), 1, "{file}: {reports:#?}");
        assert_eq!(reports[0]["path"].as_str().unwrap(), format!("{}!{member}", package.display()));
        let dir = t.path().join("extracted").join(file);
        fs::create_dir_all(&dir).unwrap();
        let mut cmd = Command::new(extract[0]);
        match extract[0] {
            "tar" => cmd.args(&extract[1..]).arg(&package).arg("-C").arg(&dir),
            "unzip" => cmd.args(&extract[1..]).arg(&package).arg("-d").arg(&dir),
            _ => cmd.args(&extract[1..]).arg(&package).arg(&dir),
        };
        run(&mut cmd);
        let extracted = dir.join(member);
        assert_same_as_go(&reports[0], &extracted);
        // The real packages ship their executables with the execute bit, for their platform.
        assert_ne!(fs::metadata(&extracted).unwrap().permissions().mode() & 0o111, 0, "{file}");
        fs::create_dir_all(t.path().join("packages")).unwrap();
        fs::copy(&package, t.path().join("packages").join(file)).unwrap();
    }
    let (_, list) = check(&t.path().join("packages"));
    assert_eq!(package_findings(&list), [], "{list:#?}");
    // The binary rules ran on each, where it lies in its package (fzf: Debian builds in GOPATH mode).
    let fzf = message(&list, "SL001", "fzf_0.38.0-1+b1_amd64.deb!usr/bin/fzf");
    assert!(fzf.contains("GOPATH mode"), "{fzf}");
}

/// Writes a Debian package with the real dpkg-deb: `usr/bin/api` with `mode`, the control file
/// saying `arch`, data.tar compressed with `compression`.
fn dpkg_deb(dir: &Path, name: &str, arch: &str, exe: &[u8], mode: u32, compression: &str) -> PathBuf {
    let root = dir.join(format!("{name}.root"));
    fs::create_dir_all(root.join("DEBIAN")).unwrap();
    fs::create_dir_all(root.join("usr/bin")).unwrap();
    fs::write(root.join("usr/bin/api"), exe).unwrap();
    fs::set_permissions(root.join("usr/bin/api"), fs::Permissions::from_mode(mode)).unwrap();
    let control =
        format!("Package: api\nVersion: 1.0\nArchitecture: {arch}\nMaintainer: a <a@example.com>\nDescription: api\n");
    fs::write(root.join("DEBIAN/control"), control).unwrap();
    let deb = dir.join(name);
    run(Command::new("dpkg-deb")
        .arg(format!("-Z{compression}"))
        .args(["--root-owner-group", "-b"])
        .arg(&root)
        .arg(&deb));
    fs::remove_dir_all(&root).unwrap();
    deb
}

#[test]
fn debian_packages_made_by_dpkg_deb() {
    let t = TempDir::new();
    let amd64 = binary("linux", "amd64", Variant::Trimpath);
    // Wrong architecture, and no execute bit.
    dpkg_deb(t.path(), "api_1.0_arm64.deb", "arm64", &amd64, 0o644, "xz");
    // Right (the twin).
    let good = dpkg_deb(t.path(), "api_1.0_amd64.deb", "amd64", &amd64, 0o755, "zstd");
    // Marked for every architecture, holding one amd64 executable.
    dpkg_deb(t.path(), "api-tools_1.0_all.deb", "all", &amd64, 0o755, "gzip");
    let (status, list) = check(t.path());
    assert_eq!(status, 1);
    assert_eq!(
        package_findings(&list),
        [
            ("SL302".into(), "api_1.0_arm64.deb!usr/bin/api".into()),
            ("SL304".into(), "api-tools_1.0_all.deb!usr/bin/api".into()),
            ("SL304".into(), "api_1.0_arm64.deb!usr/bin/api".into()),
        ]
    );
    assert_eq!(
        message(&list, "SL304", "api_1.0_arm64.deb!usr/bin/api"),
        "the Debian package says control file Architecture: arm64, but the executable is built for linux/amd64: the package manager installs it where it cannot run"
    );
    assert!(
        message(&list, "SL304", "api-tools_1.0_all.deb!usr/bin/api").contains("Architecture: all (every platform)")
    );
    // inspect says which package an executable ships in, what it claims, and the recorded mode.
    let arm64 = &inspect(&t.path().join("api_1.0_arm64.deb"))[0];
    assert_eq!(arm64["package"]["format"], "deb");
    assert_eq!(arm64["package"]["claims"], "control file Architecture: arm64");
    assert_eq!((arm64["package"]["name"].as_str(), arm64["mode"].as_u64()), (Some("api"), Some(0o644)));
    // What dpkg installs is what shiplint read.
    let extracted = t.path().join("x");
    run(Command::new("dpkg-deb").arg("-x").arg(&good).arg(&extracted));
    assert_same_as_go(&inspect(&good)[0], &extracted.join("usr/bin/api"));
}

/// Writes an RPM with the real rpmbuild for `target`, holding `usr/bin/api` with `mode`, its
/// payload compressed as `payload` (an rpm `_binary_payload` value).
fn rpmbuild(dir: &Path, target: &str, exe: &[u8], mode: &str, payload: &str) -> PathBuf {
    let top = dir.join(format!("rpm-{target}"));
    fs::create_dir_all(top.join("SPECS")).unwrap();
    let source = top.join("api");
    fs::write(&source, exe).unwrap();
    let spec = format!(
        "Name: api\nVersion: 1.0\nRelease: 1\nSummary: api\nLicense: MIT\n%description\napi\n%install\n\
         mkdir -p %{{buildroot}}/usr/bin\ninstall -m {mode} {} %{{buildroot}}/usr/bin/api\n%files\n/usr/bin/api\n",
        source.display()
    );
    fs::write(top.join("SPECS/api.spec"), spec).unwrap();
    let rpmbuild = Command::new("rpmbuild")
        .args(["-bb", "--nocheck", "--target"])
        .arg(format!("{target}-linux"))
        .arg("--define")
        .arg(format!("_topdir {}", top.display()))
        .args(["--define", "debug_package %{nil}", "--define", "__brp_strip /bin/true"])
        .args(["--define", "__strip /bin/true"])
        .arg("--define")
        .arg(format!("_binary_payload {payload}"))
        .arg(top.join("SPECS/api.spec"))
        .output()
        .expect("rpmbuild (scripts/fetch-test-tools.sh installs Debian's rpm package)");
    assert!(rpmbuild.status.success(), "rpmbuild: {}", String::from_utf8_lossy(&rpmbuild.stderr));
    let built = top.join(format!("RPMS/{target}/api-1.0-1.{target}.rpm"));
    let out = dir.join(format!("api-1.0-1.{target}.rpm"));
    fs::rename(built, &out).unwrap();
    fs::remove_dir_all(top).unwrap();
    out
}

#[test]
fn rpm_packages_made_by_rpmbuild() {
    let t = TempDir::new();
    let amd64 = binary("linux", "amd64", Variant::Trimpath);
    // An aarch64 package holding an amd64 build without its execute bit, gzip payload.
    rpmbuild(t.path(), "aarch64", &amd64, "0644", "w9.gzdio");
    // Its twins: right architecture and mode, zstd and xz payloads.
    let good = rpmbuild(t.path(), "x86_64", &amd64, "0755", "w19.zstdio");
    let xz = t.path().join("xz");
    fs::create_dir_all(&xz).unwrap();
    rpmbuild(&xz, "x86_64", &amd64, "0755", "w6.xzdio");
    let (status, list) = check(t.path());
    assert_eq!(status, 1);
    assert_eq!(
        package_findings(&list),
        [
            ("SL302".into(), "api-1.0-1.aarch64.rpm!usr/bin/api".into()),
            ("SL304".into(), "api-1.0-1.aarch64.rpm!usr/bin/api".into())
        ]
    );
    assert!(message(&list, "SL304", "api-1.0-1.aarch64.rpm!usr/bin/api").contains("RPM arch tag: aarch64"));
    let xz_reports = inspect(&xz.join("api-1.0-1.x86_64.rpm"));
    assert_eq!(xz_reports[0]["slices"][0]["arch"], "amd64", "{xz_reports:#?}");
    // What rpm installs (rpm2cpio | cpio) is what shiplint read.
    let extracted = t.path().join("x");
    fs::create_dir_all(&extracted).unwrap();
    let payload = run(Command::new("sh").arg("-c").arg(format!(
        "rpm2cpio {} | (cd {} && cpio -idm --quiet) && echo ok",
        good.display(),
        extracted.display()
    )));
    assert_eq!(payload.trim(), "ok");
    assert_same_as_go(&inspect(&good)[0], &extracted.join("usr/bin/api"));
}

/// Writes a wheel the way build backends do (Python's zipfile, unix modes in the external
/// attributes): the executable at `member` with `mode`, a WHEEL file and a RECORD.
fn wheel(dir: &Path, file: &str, member: &str, exe: &[u8], mode: u32) -> PathBuf {
    let exe_path = dir.join(format!("{file}.exe-input"));
    fs::write(&exe_path, exe).unwrap();
    let out = dir.join(file);
    let script = r#"
import base64, hashlib, sys, zipfile
out, member, exe, mode = sys.argv[1], sys.argv[2], open(sys.argv[3], "rb").read(), int(sys.argv[4], 8)
name = out.rsplit("/", 1)[-1]
dist, version, tag = name.split("-")[0], name.split("-")[1], "-".join(name[:-4].split("-")[2:])
info = f"{dist}-{version}.dist-info"
files = [(member, exe, 0o100000 | mode),
         (f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n".encode(), 0o100644),
         (f"{info}/WHEEL", f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\nTag: {tag}\n".encode(), 0o100644)]
record = "".join(f"{n},sha256={base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()},{len(d)}\n" for n, d, _ in files)
files.append((f"{info}/RECORD", (record + f"{info}/RECORD,,\n").encode(), 0o100644))
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for n, d, m in files:
        zi = zipfile.ZipInfo(n)
        zi.create_system, zi.external_attr, zi.compress_type = 3, m << 16, zipfile.ZIP_DEFLATED
        z.writestr(zi, d)
"#;
    run(Command::new("python3").args(["-c", script]).arg(&out).arg(member).arg(&exe_path).arg(format!("{mode:o}")));
    fs::remove_file(exe_path).unwrap();
    out
}

#[test]
fn wheels_claim_platform_and_c_library_in_their_tags() {
    let t = TempDir::new();
    let musl = binary("linux", "amd64", Variant::CgoMusl);
    let glibc = binary("linux", "amd64", Variant::CgoNet);
    let static_amd64 = binary("linux", "amd64", Variant::Trimpath);
    let darwin = binary("darwin", "arm64", Variant::Trimpath);
    let d = t.path();
    wheel(d, "musla-1.0-py3-none-manylinux_2_17_x86_64.whl", "musla/bin/musla", &musl, 0o755);
    wheel(d, "glibca-1.0-py3-none-musllinux_1_2_x86_64.whl", "glibca/bin/glibca", &glibc, 0o755);
    wheel(d, "armwheel-1.0-py3-none-manylinux_2_17_aarch64.whl", "armwheel/bin/armwheel", &static_amd64, 0o755);
    wheel(d, "macwheel-1.0-py3-none-macosx_10_9_universal2.whl", "macwheel/bin/macwheel", &darwin, 0o755);
    wheel(d, "anywheel-1.0-py3-none-any.whl", "anywheel/bin/anywheel", &static_amd64, 0o755);
    wheel(d, "nox-1.0-py3-none-manylinux_2_17_x86_64.whl", "nox-1.0.data/scripts/nox", &static_amd64, 0o644);
    // The twins: each C library in its own tag, a static build under either, the x bit kept.
    let good = d.join("good");
    fs::create_dir_all(&good).unwrap();
    wheel(&good, "muslb-1.0-py3-none-musllinux_1_2_x86_64.whl", "muslb/bin/muslb", &musl, 0o755);
    wheel(&good, "glibcb-1.0-py3-none-manylinux_2_28_x86_64.whl", "glibcb/bin/glibcb", &glibc, 0o755);
    let ok =
        wheel(&good, "okx-1.0-py3-none-musllinux_1_2_x86_64.whl", "okx-1.0.data/scripts/okx", &static_amd64, 0o755);
    wheel(&good, "macb-1.0-py3-none-macosx_11_0_arm64.whl", "macb/bin/macb", &darwin, 0o755);
    let (status, list) = check(t.path());
    assert_eq!(status, 1);
    assert_eq!(
        package_findings(&list),
        [
            ("SL302".into(), "nox-1.0-py3-none-manylinux_2_17_x86_64.whl!nox-1.0.data/scripts/nox".into()),
            ("SL304".into(), "anywheel-1.0-py3-none-any.whl!anywheel/bin/anywheel".into()),
            ("SL304".into(), "armwheel-1.0-py3-none-manylinux_2_17_aarch64.whl!armwheel/bin/armwheel".into()),
            ("SL304".into(), "macwheel-1.0-py3-none-macosx_10_9_universal2.whl!macwheel/bin/macwheel".into()),
            ("SL305".into(), "glibca-1.0-py3-none-musllinux_1_2_x86_64.whl!glibca/bin/glibca".into()),
            ("SL305".into(), "musla-1.0-py3-none-manylinux_2_17_x86_64.whl!musla/bin/musla".into()),
        ]
    );
    assert_eq!(
        message(&list, "SL305", "musla-1.0-py3-none-manylinux_2_17_x86_64.whl!musla/bin/musla"),
        "wheel platform tag manylinux_2_17_x86_64 promises glibc, but the executable needs musl (program interpreter /lib/ld-musl-x86_64.so.1): where the package installs, it fails with \"no such file or directory\""
    );
    // pip installs a wheel's files with the zip's execute bits and adds none.
    for (whl, script, platform) in [
        (d.join("nox-1.0-py3-none-manylinux_2_17_x86_64.whl"), "nox", "manylinux_2_17_x86_64"),
        (ok, "okx", "musllinux_1_2_x86_64"),
    ] {
        let target = d.join(format!("installed-{script}"));
        run(Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--no-index", "--no-deps", "--disable-pip-version-check"])
            .args(["--root-user-action=ignore", "--no-compile", "--only-binary=:all:", "--platform", platform])
            .arg("--target")
            .arg(&target)
            .arg(&whl));
        // pip puts a wheel's .data/scripts into the target's bin folder.
        let installed = target.join("bin").join(script);
        let mode =
            fs::metadata(&installed).unwrap_or_else(|e| panic!("{}: {e}", installed.display())).permissions().mode();
        assert_eq!(mode & 0o111 != 0, script == "okx", "{script} installed with mode {mode:o}");
    }
}

/// Packs `package.json` and `bin/<name>` (with `mode`) with the real `npm pack`; the tarball's path.
fn npm_pack(dir: &Path, manifest: &str, name: &str, exe: &[u8], mode: u32) -> PathBuf {
    let src = dir.join(format!("src-{name}"));
    fs::create_dir_all(src.join("bin")).unwrap();
    fs::write(src.join("package.json"), manifest).unwrap();
    fs::write(src.join("bin").join(name), exe).unwrap();
    fs::set_permissions(src.join("bin").join(name), fs::Permissions::from_mode(mode)).unwrap();
    let file = run(Command::new("npm").args(["pack", "--silent", "--pack-destination"]).arg(dir).current_dir(&src));
    fs::remove_dir_all(&src).unwrap();
    dir.join(file.trim())
}

#[test]
fn npm_packages_claim_platform_in_package_json() {
    let t = TempDir::new();
    let d = t.path();
    let amd64 = binary("linux", "amd64", Variant::Trimpath);
    let glibc = binary("linux", "amd64", Variant::CgoNet);
    let manifest = |name: &str, extra: &str| format!(r#"{{"name":"{name}","version":"1.0.0"{extra}}}"#);
    // Claims darwin/arm64, holds linux/amd64.
    npm_pack(d, &manifest("tool-darwin-arm64", r#","os":["darwin"],"cpu":["arm64"]"#), "tool", &amd64, 0o755);
    // Claims musl, needs glibc.
    npm_pack(
        d,
        &manifest("tool-linux-x64-musl", r#","os":["linux"],"cpu":["x64"],"libc":["musl"]"#),
        "tool",
        &glibc,
        0o755,
    );
    // No execute bit, and not a `bin` file: npm installs it as it is.
    let plain = npm_pack(d, &manifest("tool-plain", r#","os":["linux"],"cpu":["x64"]"#), "tool", &amd64, 0o644);
    // The twins: no execute bit but a `bin` file (npm makes it executable), a negated os that allows it.
    let bin = npm_pack(
        d,
        &manifest("tool-bin", r#","os":["linux"],"cpu":["x64"],"bin":{"tool":"./bin/tool"}"#),
        "tool",
        &amd64,
        0o644,
    );
    npm_pack(
        d,
        &manifest("tool-not-windows", r#","os":["!win32"],"cpu":["x64"],"libc":["glibc"]"#),
        "tool",
        &glibc,
        0o755,
    );
    let (status, list) = check(d);
    assert_eq!(status, 1);
    assert_eq!(
        package_findings(&list),
        [
            ("SL302".into(), "tool-plain-1.0.0.tgz!package/bin/tool".into()),
            ("SL304".into(), "tool-darwin-arm64-1.0.0.tgz!package/bin/tool".into()),
            ("SL305".into(), "tool-linux-x64-musl-1.0.0.tgz!package/bin/tool".into()),
        ]
    );
    assert_eq!(
        message(&list, "SL304", "tool-darwin-arm64-1.0.0.tgz!package/bin/tool"),
        "the npm package says package.json os [\"darwin\"], cpu [\"arm64\"], but the executable is built for linux/amd64: the package manager installs it where it cannot run"
    );
    // What the real npm does with the modes: `bin` files become executable, others stay as packed.
    let project = d.join("project");
    fs::create_dir_all(&project).unwrap();
    fs::write(project.join("package.json"), r#"{"name":"project","version":"1.0.0"}"#).unwrap();
    run(Command::new("npm")
        .args(["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--silent"])
        .arg(&plain)
        .arg(&bin)
        .current_dir(&project));
    let mode =
        |pkg: &str| fs::metadata(project.join("node_modules").join(pkg).join("bin/tool")).unwrap().permissions().mode();
    assert_eq!(mode("tool-plain") & 0o111, 0);
    assert_ne!(mode("tool-bin") & 0o111, 0);
}

#[test]
fn homebrew_bottles_claim_platform_in_their_tag() {
    let t = TempDir::new();
    let darwin = binary("darwin", "arm64", Variant::Trimpath);
    let bottle = |file: &str, exe: &[u8], mode: u32| {
        let src = t.path().join(format!("src-{file}"));
        let bin = src.join("api/1.0/bin");
        fs::create_dir_all(&bin).unwrap();
        fs::write(bin.join("api"), exe).unwrap();
        fs::set_permissions(bin.join("api"), fs::Permissions::from_mode(mode)).unwrap();
        run(Command::new("tar").arg("-czf").arg(t.path().join(file)).arg("-C").arg(&src).arg("api"));
        fs::remove_dir_all(src).unwrap();
    };
    bottle("api--1.0.arm64_sonoma.bottle.tar.gz", &darwin, 0o755);
    bottle("api--1.0.sonoma.bottle.tar.gz", &darwin, 0o755);
    bottle("api--1.0.x86_64_linux.bottle.1.tar.gz", &darwin, 0o555);
    bottle("api--1.0.arm64_sequoia.bottle.tar.gz", &darwin, 0o644);
    let (_, list) = check(t.path());
    assert_eq!(
        package_findings(&list),
        [
            ("SL302".into(), "api--1.0.arm64_sequoia.bottle.tar.gz!api/1.0/bin/api".into()),
            ("SL304".into(), "api--1.0.sonoma.bottle.tar.gz!api/1.0/bin/api".into()),
            ("SL304".into(), "api--1.0.x86_64_linux.bottle.1.tar.gz!api/1.0/bin/api".into()),
        ]
    );
    assert!(message(&list, "SL304", "api--1.0.sonoma.bottle.tar.gz!api/1.0/bin/api").contains("bottle tag sonoma"));
}

/// Damaged and hostile packages: each is one error line naming it (exit 2) while the others are
/// still reported; nothing is written, nothing panics, nothing grows without bound.
#[test]
fn hostile_packages_are_bounded_errors() {
    use shiplint_fixtures::images::{self, Compression};
    let t = TempDir::new();
    let d = t.path();
    let amd64 = binary("linux", "amd64", Variant::Trimpath);
    let good = dpkg_deb(d, "good_1.0_amd64.deb", "amd64", &amd64, 0o755, "gzip");
    let deb = fs::read(&good).unwrap();
    fs::write(d.join("cut_1.0_amd64.deb"), &deb[..deb.len() / 2]).unwrap();
    // An RPM whose header claims 2^31 tags, and one whose store runs past the file.
    let mut rpm = vec![0xed, 0xab, 0xee, 0xdb];
    rpm.resize(96, 0);
    rpm.extend([0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 16]);
    fs::write(d.join("tags-1.0-1.x86_64.rpm"), &rpm).unwrap();
    rpm[104..112].copy_from_slice(&[0, 0, 0, 1, 0x0f, 0xff, 0xff, 0xff]);
    fs::write(d.join("store-1.0-1.x86_64.rpm"), &rpm).unwrap();
    // A Debian package whose data.tar is a gzip bomb (zeros far past any real ratio), and one
    // with `..` and symlink members around a real executable.
    let control = images::compress(
        &images::tar(&[("./control", b"Package: x\nArchitecture: amd64\n", 0o644)]),
        Compression::Gzip,
    );
    let mut bomb = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // One member declaring 300 MiB, all zeros: skipping it decompresses through the bomb.
    let mut header = images::tar_entries(&[("usr/share/big", b'0', "", b"")])[..512].to_vec();
    header[124..136].copy_from_slice(format!("{:011o}\0", 300u64 << 20).as_bytes());
    header[148..156].copy_from_slice(b"        ");
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    std::io::Write::write_all(&mut bomb, &header).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..300 {
        std::io::Write::write_all(&mut bomb, &zeros).unwrap();
    }
    let bomb = bomb.finish().unwrap();
    let tricky = images::compress(
        &images::tar_entries(&[
            ("../../etc/passwd", b'0', "", b"root:x:0:0\n"),
            ("usr/bin/link", b'2', "/etc/shadow", b""),
            ("usr/bin/api", b'0', "", &amd64),
        ]),
        Compression::Gzip,
    );
    for (name, data) in [("bomb_1.0_amd64.deb", &bomb), ("tricky_1.0_amd64.deb", &tricky)] {
        let mut ar = b"!<arch>\n".to_vec();
        for (member, bytes) in [("debian-binary", &b"2.0\n"[..]), ("control.tar.gz", &control), ("data.tar.gz", data)] {
            ar.extend(format!("{member:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n", 0, 0, 0, "100644", bytes.len()).bytes());
            ar.extend_from_slice(bytes);
            if bytes.len() % 2 == 1 {
                ar.push(b'\n');
            }
        }
        fs::write(d.join(name), ar).unwrap();
    }
    let before: Vec<_> = fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name()).collect();
    let (status, _, doc) = common::check_json(d, &[".".as_ref()]);
    assert_eq!(status, 2);
    let errors: Vec<(String, String)> =
        doc["errors"].as_array().unwrap().iter().map(|e| (field(e, "/path"), field(e, "/message"))).collect();
    let paths: Vec<&str> = errors.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        ["bomb_1.0_amd64.deb", "cut_1.0_amd64.deb", "store-1.0-1.x86_64.rpm", "tags-1.0-1.x86_64.rpm"],
        "{errors:#?}"
    );
    assert!(errors[0].1.contains("decompression bomb"), "{errors:#?}");
    assert_eq!(errors[3].1, "too many rpm header tags");
    // The readable packages are still checked, the executable among `..` and links included.
    assert_eq!(doc["summary"]["go_executables"], 2, "{doc}");
    let after: Vec<_> = fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(before, after, "nothing is written beside the packages");
}

/// `diff` on two versions of a wheel pairs the executables inside and says, in Go terms, why
/// they differ; a package compared with its own copy is identical.
#[test]
fn diff_explains_two_versions_of_a_wheel() {
    let t = TempDir::new();
    let d = t.path();
    let old = wheel(
        d,
        "tool-1.0-py3-none-manylinux_2_17_x86_64.whl",
        "tool/bin/tool",
        &binary("linux", "amd64", Variant::Default),
        0o755,
    );
    let new = wheel(
        d,
        "tool-1.1-py3-none-manylinux_2_17_x86_64.whl",
        "tool/bin/tool",
        &binary("linux", "amd64", Variant::XFlag),
        0o755,
    );
    let out = shiplint().arg("diff").arg(&old).arg(&new).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let pair = format!("{}!tool/bin/tool vs {}!tool/bin/tool: differ", old.display(), new.display());
    assert!(text.contains(&pair), "{text}");
    assert!(text.contains("-X values differ") && text.contains("-X main.version: A (not set)"), "{text}");
    assert!(text.contains(&format!("only in A: {}!tool-1.0.dist-info/WHEEL", old.display())), "{text}");
    let copy = d.join("copy.whl");
    fs::copy(&old, &copy).unwrap();
    let out = shiplint().arg("diff").arg(&old).arg(&copy).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

/// Extracts `member` of a real package into `dir` with the package format's own tool.
fn extract_member(package: &Path, member: &str, dir: &Path) -> PathBuf {
    fs::create_dir_all(dir).unwrap();
    let name = package.file_name().unwrap().to_str().unwrap();
    let mut cmd = if name.ends_with(".whl") {
        let mut c = Command::new("unzip");
        c.arg("-q").arg("-o").arg(package).arg(member).arg("-d").arg(dir);
        c
    } else {
        let mut c = Command::new("tar");
        c.arg("-xzf").arg(package).arg("-C").arg(dir).arg(member);
        c
    };
    run(&mut cmd);
    dir.join(member)
}

/// Real release binaries from the registries, one for each artifact case they taught us: Go
/// c-shared libraries in every object format (and `x86` naming 64-bit Intel), Bazel builds of
/// two versions that share one GNU build ID and record no inputs, a Go wasm module, npm's
/// `win32-x64`. Each is read in place as the real toolchain reads it once extracted.
#[test]
fn real_release_binaries_from_the_registries() {
    let t = TempDir::new();
    // tls-client's wheel: seven Go c-shared libraries, libraries in every report and every rule.
    let wheel = real_package("tls_client-1.0.1-py3-none-any.whl");
    let reports = inspect(&wheel);
    let formats: Vec<(String, String)> =
        reports.iter().map(|r| (field(r, "/slices/0/format"), field(r, "/slices/0/arch"))).collect();
    let expected = [
        ("pe", "386"),
        ("pe", "amd64"),
        ("elf", "amd64"),
        ("mach-o", "arm64"),
        ("elf", "arm64"),
        ("mach-o", "amd64"),
        ("elf", "amd64"),
    ];
    assert_eq!(formats, expected.map(|(f, a)| (f.to_string(), a.to_string())), "{reports:#?}");
    for r in &reports {
        assert_eq!(field(r, "/slices/0/artifact"), "shared-library", "{}", r["path"]);
        let member = field(r, "/path").rsplit_once('!').unwrap().1.to_string();
        assert_same_as_go(r, &extract_member(&wheel, &member, &t.path().join("tls")));
    }
    fs::create_dir_all(t.path().join("wheel")).unwrap();
    fs::copy(&wheel, t.path().join("wheel/tls_client-1.0.1-py3-none-any.whl")).unwrap();
    let (_, list) = check(&t.path().join("wheel"));
    // `-x86.so` and `-x86.dylib` are the 64-bit Intel builds: no name mismatch, and libraries
    // need no execute bit.
    let misnamed: Vec<_> = list.iter().filter(|(c, ..)| c == "SL301" || c == "SL305").collect();
    assert!(misnamed.is_empty(), "{misnamed:#?}");
    assert!(list.iter().any(|(c, p, _)| c == "SL002" && p.ends_with("tls-client-64.dll")), "{list:#?}");

    // bazelisk 1.28.0 and 1.28.1: Bazel redacts the Go build ID, so every binary of both
    // versions carries the GNU build ID derived from `redacted`.
    let (old, new) = (real_package("bazel-bazelisk-1.28.0.tgz"), real_package("bazel-bazelisk-1.28.1.tgz"));
    let dir = t.path().join("bazelisk");
    fs::create_dir_all(&dir).unwrap();
    for p in [&old, &new] {
        fs::copy(p, dir.join(p.file_name().unwrap())).unwrap();
    }
    let (_, list) = check(&dir);
    let shared: Vec<&(String, String, String)> =
        list.iter().filter(|(c, _, m)| c == "SL003" && m.starts_with("GNU build ID b78919af")).collect();
    // Both linux builds of 1.28.1 and the arm64 one of 1.28.0 repeat the first one's ID.
    assert_eq!(shared.len(), 3, "{list:#?}");
    assert!(shared.iter().all(|(.., m)| m.contains("bazel-bazelisk-1.28.0.tgz!package/bazelisk-linux_amd64")));
    let extracted = extract_member(&new, "package/bazelisk-linux_amd64", &t.path().join("bz"));
    let report = inspect(&new).into_iter().find(|r| field(r, "/path").ends_with("linux_amd64")).unwrap();
    assert_same_as_go(&report, &extracted);
    let out = common::go_tool(&["buildid", extracted.to_str().unwrap()], t.path());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "redacted");
    let out = shiplint().args(["diff", "--format", "json"]).arg(&old).arg(&new).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let binaries: Vec<&Value> =
        doc["pairs"].as_array().unwrap().iter().filter(|p| field(p, "/a").contains("package/bazelisk-")).collect();
    assert_eq!(binaries.len(), 6, "{doc:#?}");
    for pair in binaries {
        assert!(field(pair, "/causes/0/title").starts_with("the code changed"), "{pair:#?}");
        assert_eq!(field(pair, "/build_id/meaning"), "both redacted: it says nothing of the inputs");
    }

    // esbuild-wasm: a js/wasm module, its Go build ID as `go tool buildid` reads it.
    let wasm = real_package("esbuild-wasm-0.25.0.tgz");
    let report = inspect(&wasm).into_iter().next().unwrap();
    assert_eq!(
        (field(&report, "/slices/0/format"), field(&report, "/slices/0/go_version")),
        ("wasm".into(), "go1.23.5".into())
    );
    let extracted = extract_member(&wasm, "package/esbuild.wasm", &t.path().join("wasm"));
    let out = common::go_tool(&["buildid", extracted.to_str().unwrap()], t.path());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), field(&report, "/slices/0/go_build_id"));

    // @esbuild/win32-x64: npm's `win32` and `x64` name windows/amd64.
    let win = real_package("esbuild-win32-x64-0.25.0.tgz");
    let report = inspect(&win).into_iter().next().unwrap();
    assert_same_as_go(&report, &extract_member(&win, "package/esbuild.exe", &t.path().join("win")));
    fs::create_dir_all(t.path().join("win32")).unwrap();
    fs::copy(&win, t.path().join("win32/esbuild-win32-x64-0.25.0.tgz")).unwrap();
    let (_, list) = check(&t.path().join("win32"));
    assert_eq!(package_findings(&list), [], "{list:#?}");
    assert!(!list.iter().any(|(c, ..)| c == "SL301"), "{list:#?}");
    // esbuild ships stripped (-s -w): --expect-x says it cannot verify, and what the data shows.
    let expect = |value: &str| {
        let arg = format!("--expect-x=main.esbuildVersion={value}");
        let (_, found, _) = common::check_json(&t.path().join("win32"), &[arg.as_ref(), ".".as_ref()]);
        found.iter().find(|f| field(f, "/code") == "SL004").map(|f| field(f, "/message")).unwrap_or_default()
    };
    let present = expect("0.25.0");
    assert!(present.contains("cannot be verified: the symbol table is stripped"), "{present}");
    assert!(present.contains("the value's text is in the file's data"), "{present}");
    assert!(expect("9.9.97").contains("did nothing: the value is nowhere in the file's data"));
}
