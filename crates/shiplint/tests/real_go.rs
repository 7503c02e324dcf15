//! The reader and `shiplint buildinfo` against the real thing: fixtures built at test time by real
//! Go releases (scripts/go-versions.txt), old real binaries from npm packages, and the real
//! toolchain's answers (`go version`, `go tool buildid`, `go tool nm`, debug/gosym, readelf).

mod common;

use common::{TempDir, assert_same, exec, facts};
use shiplint_fixtures::{Fixture, Variant};
use shiplint_gobin::{Executable, LinkageKind};
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(go: &str, os: &str, arch: &str, v: Variant) -> &'static Fixture {
    shiplint_fixtures::all()
        .iter()
        .find(|f| f.go_version == go && f.goos == os && f.goarch == arch && f.variant == v)
        .unwrap_or_else(|| panic!("no fixture go{go} {os}/{arch} {v}"))
}

fn newest_version() -> String {
    shiplint_fixtures::newest().version
}

fn all_inputs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = shiplint_fixtures::all().iter().map(|f| f.path.clone()).collect();
    v.extend(shiplint_fixtures::old_binaries().into_iter().map(|b| b.path));
    v
}

#[test]
fn buildinfo_is_byte_identical_to_go_version_on_every_fixture() {
    let cwd = std::env::temp_dir();
    for path in all_inputs() {
        let p = path.to_str().unwrap();
        for flags in [&[][..], &["-m"], &["-m", "-json"], &["-v"]] {
            let mut args = flags.to_vec();
            args.push(p);
            assert_same(&args, &cwd);
        }
    }
}

/// A folder mixing Go binaries, non-Go files, symlinks and damaged executables.
fn mixed_folder() -> TempDir {
    let t = TempDir::new();
    let d = t.path();
    let f = fixture(&newest_version(), "linux", "amd64", Variant::Default);
    fs::create_dir_all(d.join("bin/sub")).unwrap();
    fs::copy(&f.path, d.join("bin/app")).unwrap();
    fs::copy(&fixture(&newest_version(), "windows", "amd64", Variant::Stripped).path, d.join("bin/sub/app.exe"))
        .unwrap();
    fs::copy(&fixture(&newest_version(), "darwin", "arm64", Variant::Default).path, d.join("bin/z-darwin")).unwrap();
    fs::write(d.join("bin/script.sh"), "#!/bin/sh\necho hi\n").unwrap();
    exec(&d.join("bin/script.sh"));
    fs::write(d.join("bin/readme.txt"), "not a binary").unwrap();
    fs::write(d.join("bin/libfake.so.1"), b"\x7fELF garbage that is not an ELF file").unwrap();
    fs::write(d.join("bin/empty"), b"").unwrap();
    exec(&d.join("bin/empty"));
    let bytes = fs::read(&f.path).unwrap();
    for (name, len) in [("cut-header", 40usize), ("cut-half", bytes.len() / 2), ("cut-end", bytes.len() - 100)] {
        fs::write(d.join("bin").join(name), &bytes[..len]).unwrap();
        exec(&d.join("bin").join(name));
    }
    fs::copy("/bin/sh", d.join("bin/c-program")).unwrap();
    symlink("app", d.join("bin/link-to-app")).unwrap();
    symlink("missing", d.join("bin/dangling")).unwrap();
    symlink("sub", d.join("bin/link-to-dir")).unwrap();
    t
}

#[test]
fn buildinfo_is_byte_identical_to_go_version_on_folders_and_errors() {
    let t = mixed_folder();
    let d = t.path();
    for flags in [&[][..], &["-v"], &["-m"], &["-m", "-v"], &["-m", "-json"]] {
        for target in ["bin", "./bin/", "bin/sub", "bin/link-to-dir"] {
            let mut args = flags.to_vec();
            args.push(target);
            assert_same(&args, d);
        }
        for name in fs::read_dir(d.join("bin")).unwrap().map(|e| e.unwrap().file_name()) {
            let file = format!("bin/{}", name.to_str().unwrap());
            let mut args = flags.to_vec();
            args.push(&file);
            assert_same(&args, d);
        }
        let mut args = flags.to_vec();
        args.extend(["bin/app", "no/such/file", "bin/readme.txt", "bin/sub"]);
        assert_same(&args, d);
    }
}

#[test]
fn go_build_id_matches_go_tool_buildid() {
    let tc = shiplint_fixtures::newest();
    for path in all_inputs() {
        let out = tc.command(&std::env::temp_dir()).args(["tool", "buildid"]).arg(&path).output().unwrap();
        assert!(out.status.success(), "go tool buildid {}", path.display());
        let want = String::from_utf8(out.stdout).unwrap().trim_end().to_string();
        let got = shiplint_gobin::buildid::go_build_id(&fs::read(&path).unwrap()).unwrap();
        assert_eq!(got, want, "{}", path.display());
    }
}

/// `go tool buildid` prints a C program's GNU build-id note, but that note does not make the
/// program Go: `check` says nothing about it, beside a Go binary it does judge.
#[test]
fn a_c_program_with_a_gnu_build_id_is_not_a_go_executable() {
    let t = mixed_folder();
    let c_program = t.path().join("bin/c-program");
    let data = fs::read(&c_program).unwrap();
    assert!(!shiplint_gobin::buildid::go_build_id(&data).unwrap().is_empty(), "/bin/sh has a GNU build-id note");
    assert!(!facts(&c_program)[0].is_go);
    let app = t.path().join("bin/app");
    let out = common::shiplint().args(["check", "--format", "json"]).arg(&c_program).arg(&app).output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> =
        doc["findings"].as_array().unwrap().iter().filter_map(|f| f["location"]["path"].as_str()).collect();
    assert!(paths.iter().any(|p| p.ends_with("bin/app")), "{paths:?}");
    assert!(!paths.iter().any(|p| p.ends_with("c-program")), "{paths:?}");
}
#[test]
fn pclntab_file_table_matches_debug_gosym() {
    let oracle = shiplint_fixtures::oracle();
    for path in all_inputs() {
        let out = Command::new(&oracle).arg(&path).output().unwrap();
        let f = &facts(&path)[0];
        if out.status.code() == Some(3) {
            // The standard library cannot find it (stripped PE); the reader must still.
            assert!(f.pclntab.is_some(), "{}: pclntab not found", path.display());
            continue;
        }
        assert!(out.status.success(), "oracle on {}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
        let want: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
        let mut got = f.pclntab.as_ref().unwrap_or_else(|| panic!("{}: no pclntab", path.display())).files.clone();
        got.sort();
        assert_eq!(got, want, "{}", path.display());
    }
}

/// Asserts the version and layout each Go release writes, on fixtures and old binaries alike.
#[test]
fn go_version_blob_format_and_pclntab_layout_follow_the_release() {
    use shiplint_gobin::buildinfo::BlobFormat;
    use shiplint_gobin::pclntab::PclntabVersion;
    let layout = |go: &str| -> PclntabVersion {
        let minor: u32 = go.trim_start_matches("go").split('.').nth(1).unwrap().parse().unwrap();
        match minor {
            ..=15 => PclntabVersion::Go12,
            16 | 17 => PclntabVersion::Go116,
            18 | 19 => PclntabVersion::Go118,
            _ => PclntabVersion::Go120,
        }
    };
    for old in shiplint_fixtures::old_binaries() {
        let f = &facts(&old.path)[0];
        assert!(f.is_go);
        assert_eq!(f.go_version.as_deref(), Some(old.go_version.as_str()), "{}", old.spec);
        assert_eq!(f.build_info_format, Some(BlobFormat::Pointer), "{}", old.spec);
        assert_eq!(f.pclntab.as_ref().unwrap().version, layout(&old.go_version), "{}", old.spec);
    }
    for fx in shiplint_fixtures::all() {
        let f = &facts(&fx.path)[0];
        let go = format!("go{}", fx.go_version);
        assert_eq!(f.go_version.as_deref(), Some(go.as_str()));
        assert_eq!(f.build_info_format, Some(BlobFormat::Inline));
        assert_eq!(f.pclntab.as_ref().unwrap().version, layout(&go), "{}", fx.name());
        assert_eq!(f.arch, fx.goarch, "{}", fx.name());
        let bi = f.build_info.as_ref().unwrap();
        assert_eq!(bi.setting("GOOS").as_deref(), Some(fx.goos), "{}", fx.name());
    }
}

/// `go tool nm` lists defined symbols exactly when the reader finds a symbol table (a stripped
/// Mach-O keeps only the undefined imports, type `U`).
#[test]
fn symbol_table_and_dwarf_presence_match_go_tool_nm() {
    let tc = shiplint_fixtures::newest();
    for fx in shiplint_fixtures::all().iter().filter(|f| matches!(f.variant, Variant::Default | Variant::Stripped)) {
        let f = &facts(&fx.path)[0];
        let nm = tc.command(&std::env::temp_dir()).args(["tool", "nm"]).arg(&fx.path).output().unwrap();
        let nm_has_symbols = nm.status.success()
            && String::from_utf8_lossy(&nm.stdout).lines().any(|l| l.split_whitespace().rev().nth(1) != Some("U"));
        assert_eq!(f.debug.symbol_table, nm_has_symbols, "{} (nm: {})", fx.name(), String::from_utf8_lossy(&nm.stderr));
        let stripped = fx.variant == Variant::Stripped;
        assert_eq!(f.debug.dwarf, !stripped, "{}", fx.name());
        if !stripped {
            assert!(f.debug.dwarf_compressed, "{}: Go compresses DWARF by default", fx.name());
        }
        assert!(f.pclntab.is_some(), "{}: -s -w keeps the pclntab", fx.name());
    }
}

fn readelf(args: &[&str], path: &Path) -> String {
    let out = Command::new("readelf").args(args).arg(path).output().expect("readelf (binutils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn elf_linkage_and_gnu_build_id_match_readelf() {
    for fx in shiplint_fixtures::all().iter().filter(|f| f.goos == "linux") {
        let f = &facts(&fx.path)[0];
        let phdrs = readelf(&["-lW"], &fx.path);
        let interp = phdrs
            .lines()
            .find_map(|l| l.trim().strip_prefix("[Requesting program interpreter: "))
            .map(|s| s.trim_end_matches(']').to_string());
        assert_eq!(f.linkage.interpreter, interp, "{}", fx.name());
        let dynamic = readelf(&["-dW"], &fx.path);
        let needed: Vec<String> = dynamic
            .lines()
            .filter(|l| l.contains("(NEEDED)"))
            .filter_map(|l| l.split('[').nth(1).map(|s| s.trim_end_matches(']').to_string()))
            .collect();
        assert_eq!(f.linkage.libraries, needed, "{}", fx.name());
        let notes = readelf(&["-nW"], &fx.path);
        let gnu = notes.lines().find_map(|l| l.split("Build ID: ").nth(1)).map(|s| s.trim().to_string());
        assert_eq!(f.gnu_build_id, gnu, "{}", fx.name());
    }
    let v = newest_version();
    let cgo = &facts(&fixture(&v, "linux", "amd64", Variant::CgoNet).path)[0];
    assert_eq!(cgo.linkage.kind, LinkageKind::Dynamic);
    assert_eq!(cgo.linkage.interpreter.as_deref(), Some("/lib64/ld-linux-x86-64.so.2"));
    assert!(cgo.linkage.libraries.iter().any(|l| l == "libc.so.6"));
    assert_eq!(facts(&fixture(&v, "linux", "amd64", Variant::Default).path)[0].linkage.kind, LinkageKind::Static);
    let static_pie = &facts(&fixture(&v, "linux", "amd64", Variant::StaticPie).path)[0];
    assert_eq!((static_pie.linkage.kind, static_pie.linkage.interpreter.as_deref()), (LinkageKind::StaticPie, None));
    let pie = &facts(&fixture(&v, "linux", "amd64", Variant::Pie).path)[0];
    assert_eq!(pie.linkage.kind, LinkageKind::Dynamic, "Go's internally linked PIE asks for the dynamic loader");
    for (arch, endian) in [
        ("s390x", shiplint_gobin::Endian::Big),
        ("mips", shiplint_gobin::Endian::Big),
        ("arm64", shiplint_gobin::Endian::Little),
    ] {
        let f = &facts(&fixture(&v, "linux", arch, Variant::Default).path)[0];
        assert_eq!((f.arch.as_str(), f.endian), (arch, endian));
    }
    assert!(facts(&fixture(&v, "linux", "amd64", Variant::GnuBuildId).path)[0].gnu_build_id.is_some());
}

/// Without BuildInfo (destroyed here; absent before Go 1.13) the version comes from the
/// `runtime.buildVersion` variable through the symbol table.
#[test]
fn go_version_falls_back_to_runtime_build_version() {
    let v = newest_version();
    for arch in ["amd64", "386", "s390x"] {
        let mut data = fs::read(&fixture(&v, "linux", arch, Variant::Default).path).unwrap();
        let at = memchr::memmem::find(&data, b"\xff Go buildinf:").unwrap();
        data[at] = 0;
        let exe = Executable::parse(&data).unwrap();
        let f = shiplint_gobin::facts(&exe.slices[0]);
        assert_eq!(f.build_info_error.as_deref(), Some("not a Go executable"));
        assert_eq!(f.go_version_source, Some(shiplint_gobin::GoVersionSource::RuntimeBuildVersion), "{arch}");
        assert_eq!(f.go_version, Some(format!("go{v}")), "{arch}");
        assert!(f.is_go);
    }
}

#[test]
fn buildinfo_records_how_the_binary_was_built() {
    let v = newest_version();
    let bi = |variant| facts(&fixture(&v, "linux", "amd64", variant).path)[0].build_info.clone().unwrap();
    assert_eq!(bi(Variant::Trimpath).setting("-trimpath").as_deref(), Some("true"));
    assert_eq!(bi(Variant::Stripped).setting("-ldflags").as_deref(), Some("-s -w"));
    assert_eq!(bi(Variant::XFlag).setting("-ldflags").as_deref(), Some("-X main.version=v1.2.3"));
    assert_eq!(bi(Variant::DirtyVcs).setting("vcs.modified").as_deref(), Some("true"));
    assert_eq!(bi(Variant::DirtyVcs).setting("vcs").as_deref(), Some("git"));
    let gopath = bi(Variant::GopathMode);
    assert!(!gopath.has_main_module(), "GOPATH mode has no main module");
    let file_arg = bi(Variant::FileArgument);
    assert_eq!(file_arg.path, "command-line-arguments");
    assert!(!file_arg.has_main_module());
    assert!(bi(Variant::TestBinary).path.to_str().ends_with(".test"));
    assert!(bi(Variant::Default).has_main_module());
    // Without -trimpath the pclntab leaks the build host's absolute paths; with it, none.
    let files = |variant| facts(&fixture(&v, "linux", "amd64", variant).path)[0].pclntab.clone().unwrap().files;
    assert!(files(Variant::Default).iter().any(|f| f.starts_with('/')));
    assert!(!files(Variant::Trimpath).iter().any(|f| f.starts_with('/')));
}

#[test]
fn x_flag_value_is_readable_from_the_symbol_table() {
    for fx in shiplint_fixtures::all().iter().filter(|f| matches!(f.variant, Variant::XFlag | Variant::Default)) {
        let data = fs::read(&fx.path).unwrap();
        let exe = Executable::parse(&data).unwrap();
        let c = &exe.slices[0];
        let sym = shiplint_gobin::symbols::lookup(c, "main.version").unwrap_or_else(|| panic!("{}", fx.name()));
        let want = if fx.variant == Variant::XFlag { "v1.2.3" } else { "dev" };
        assert_eq!(shiplint_gobin::symbols::read_go_string_var(c, sym).as_deref(), Some(want), "{}", fx.name());
    }
}

#[test]
fn macho_code_signature_as_the_go_linker_writes_it() {
    for fx in shiplint_fixtures::all().iter().filter(|f| f.goos == "darwin") {
        let f = &facts(&fx.path)[0];
        if fx.goarch == "amd64" {
            assert!(f.code_signature.is_none(), "{}: darwin/amd64 is not signed by the Go linker", fx.name());
            continue;
        }
        let cs = f.code_signature.as_ref().unwrap_or_else(|| panic!("{}: unsigned", fx.name()));
        let cd = cs.code_directory.as_ref().unwrap();
        assert!(cd.adhoc && cd.linker_signed && !cd.hardened_runtime, "{}", fx.name());
        assert_eq!((cd.version, cd.flags, cd.identifier.as_str()), (0x20400, 0x20002, "a.out"));
        assert_eq!((cd.hash_name.as_str(), cd.page_size), ("sha256", 4096));
        assert_eq!(cd.pages_match, Some(true), "{}", fx.name());
        assert!(cs.cms.is_none() && cd.team_id.is_none());
    }
    // Any change after linking breaks the page hashes.
    let fx = fixture(&newest_version(), "darwin", "arm64", Variant::Default);
    let mut data = fs::read(&fx.path).unwrap();
    let at = data.len() / 3;
    data[at] ^= 0xff;
    let exe = Executable::parse(&data).unwrap();
    let f = shiplint_gobin::facts(&exe.slices[0]);
    let cd = f.code_signature.unwrap().code_directory.unwrap();
    assert_eq!(cd.pages_match, Some(false));
    assert_eq!(cd.first_bad_page, Some((at / 4096) as u32));
}

#[test]
fn windows_imports_and_darwin_dylibs() {
    let v = newest_version();
    for arch in ["amd64", "arm64"] {
        let f = &facts(&fixture(&v, "windows", arch, Variant::Default).path)[0];
        assert!(
            f.linkage.libraries.iter().any(|l| l.eq_ignore_ascii_case("kernel32.dll")),
            "{arch}: {:?}",
            f.linkage.libraries
        );
    }
    let f = &facts(&fixture(&v, "darwin", "arm64", Variant::Default).path)[0];
    assert!(f.linkage.libraries.iter().any(|l| l == "/usr/lib/libSystem.B.dylib"));
    assert!(f.macho_uuid.is_some());
}

/// A universal binary made of two real slices: every slice is read; `go version` reads the first.
#[test]
fn universal_macho_reads_every_slice() {
    let v = newest_version();
    let a = fs::read(&fixture(&v, "darwin", "amd64", Variant::Default).path).unwrap();
    let b = fs::read(&fixture(&v, "darwin", "arm64", Variant::Default).path).unwrap();
    let align = 1usize << 14;
    let off_a = align;
    let off_b = (off_a + a.len()).div_ceil(align) * align;
    let mut fat = vec![0u8; off_b + b.len()];
    fat[..4].copy_from_slice(&0xcafe_babeu32.to_be_bytes());
    fat[4..8].copy_from_slice(&2u32.to_be_bytes());
    for (i, (cpu, off, len)) in
        [(0x0100_0007u32, off_a, a.len()), (0x0100_000c, off_b, b.len())].into_iter().enumerate()
    {
        let e = 8 + i * 20;
        let sub = if cpu == 0x0100_0007 { 3u32 } else { 0 };
        for (j, val) in [cpu, sub, off as u32, len as u32, 14].into_iter().enumerate() {
            fat[e + j * 4..e + j * 4 + 4].copy_from_slice(&val.to_be_bytes());
        }
    }
    fat[off_a..off_a + a.len()].copy_from_slice(&a);
    fat[off_b..off_b + b.len()].copy_from_slice(&b);
    let t = TempDir::new();
    let path = t.path().join("universal");
    fs::write(&path, &fat).unwrap();
    exec(&path);
    let f = facts(&path);
    assert_eq!(f.iter().map(|s| s.arch.as_str()).collect::<Vec<_>>(), ["amd64", "arm64"]);
    assert!(f[1].code_signature.as_ref().unwrap().code_directory.as_ref().unwrap().pages_match == Some(true));
    assert_same(&["-m", path.to_str().unwrap()], t.path());
    assert_same(&["-m", "-json", path.to_str().unwrap()], t.path());
}

/// A real linker-signed darwin/arm64 binary re-signed the way `codesign --sign "Developer ID
/// Application: ..." --options runtime --timestamp` lays it out (see `common::resign`).
#[test]
fn developer_id_signature_signer_timestamp_and_runtime_flag() {
    let fx = fixture(&newest_version(), "darwin", "arm64", Variant::Default);
    let t = TempDir::new();
    let signed = common::resign(&fs::read(&fx.path).unwrap(), true, true, t.path());
    let exe = Executable::parse(&signed).unwrap();
    let f = shiplint_gobin::facts(&exe.slices[0]);
    let cs = f.code_signature.unwrap();
    let cd = cs.code_directory.as_ref().unwrap();
    assert!(cd.hardened_runtime && !cd.adhoc && !cd.linker_signed);
    assert_eq!(cd.pages_match, Some(true), "the code pages did not change");
    assert!(!cs.requirements, "an empty requirement set");
    let cms = cs.cms.as_ref().unwrap();
    assert_eq!(cms.error, None);
    assert_eq!(cms.signer.as_deref(), Some("Developer ID Application: Example Corp (EXAMPLE123)"));
    assert_eq!(cms.signer_team_id.as_deref(), Some("EXAMPLE123"));
    assert!(cms.timestamp_token);
    assert!(cms.signing_time.is_some(), "openssl adds a signingTime attribute");
    assert!(cs.has_cms_signer());

    let unstamped = common::resign(&fs::read(&fx.path).unwrap(), false, false, t.path());
    let f = shiplint_gobin::facts(&Executable::parse(&unstamped).unwrap().slices[0]);
    let cs = f.code_signature.unwrap();
    assert!(!cs.code_directory.as_ref().unwrap().hardened_runtime);
    assert!(cs.has_cms_signer() && !cs.cms.unwrap().timestamp_token);
}

/// `inspect` reports every file, names the bad ones on stderr, exits 2, and keeps the documented
/// JSON field names (docs/inspect-json.md).
#[test]
fn inspect_reports_good_and_bad_files_and_keeps_its_json_schema() {
    let t = TempDir::new();
    let bad = t.path().join("notes.txt");
    fs::write(&bad, "not a binary").unwrap();
    let good = &fixture(&newest_version(), "linux", "amd64", Variant::CgoNet).path;
    let out = common::shiplint()
        .args(["inspect", "--format", "json"])
        .arg(good)
        .arg(&bad)
        .arg(t.path().join("missing"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 2, "one line per bad file: {stderr}");
    assert!(stderr.contains("notes.txt: not an ELF, Mach-O, PE or WebAssembly executable"), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = doc.as_array().unwrap();
    assert_eq!(files.len(), 3);
    assert!(files[1]["error"].is_string() && files[2]["error"].is_string());
    let facts = &files[0]["slices"][0];
    let keys = [
        "format",
        "arch",
        "endian",
        "pointer_size",
        "is_go",
        "artifact",
        "go_version",
        "go_version_source",
        "build_info",
        "build_info_format",
        "build_info_error",
        "go_build_id",
        "gnu_build_id",
        "macho_uuid",
        "pclntab",
        "debug",
        "linkage",
        "code_signature",
    ];
    let mut got: Vec<&str> = facts.as_object().unwrap().keys().map(String::as_str).collect();
    let mut want = keys.to_vec();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(facts["artifact"], "executable");
    assert_eq!(facts["linkage"]["kind"], "dynamic");
    assert_eq!(facts["linkage"]["interpreter"], "/lib64/ld-linux-x86-64.so.2");
    assert_eq!(facts["build_info"]["settings"][0]["key"], "-buildmode");

    let human = common::shiplint().arg("inspect").arg(good).output().unwrap();
    assert!(human.status.success());
    let text = String::from_utf8(human.stdout).unwrap();
    for want in ["format             ELF amd64", "linkage            dynamic", "library            libc.so.6"] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

/// The Go minor number of a provisioned toolchain ("1.27.3" gives 27).
fn minor(tc: &shiplint_fixtures::Toolchain) -> u32 {
    tc.version.split('.').nth(1).and_then(|m| m.parse().ok()).unwrap()
}

/// Builds the package in `dir` with `tc` and the given `-ldflags`; the binary, or go's stderr.
fn build_with(tc: &shiplint_fixtures::Toolchain, dir: &Path, ldflags: &str) -> Result<PathBuf, String> {
    let out = dir.join(format!("bin-{}-{}", tc.version, ldflags.replace([' ', '=', '/'], "_")));
    let run = tc.command(dir).arg("build").arg(format!("-ldflags={ldflags}")).arg("-o").arg(&out).arg(".").output();
    let run = run.map_err(|e| e.to_string())?;
    if run.status.success() { Ok(out) } else { Err(String::from_utf8_lossy(&run.stderr).into_owned()) }
}

/// Claims the rule pages make about the linker (stripped-without-symbols, x-flag-not-applied,
/// x-flag-overwritten-at-init), checked against every provisioned Go release.
#[test]
fn linker_claims_of_the_rule_pages_hold_for_every_release() {
    let dir = common::project(&[
        ("go.mod", "module example.com/claims\n\ngo 1.21\n"),
        (
            "main.go",
            "package main\n\nimport \"fmt\"\n\nvar A = \"a\"\nvar B = A\nvar C string\n\nfunc main() { fmt.Println(B, C) }\n",
        ),
    ]);
    for tc in shiplint_fixtures::toolchains() {
        let m = minor(&tc);
        // -X on a var initialised from another var is overwritten at init, silently.
        let bin = build_with(&tc, dir.path(), "-X main.B=SET -X main.C=SET").unwrap();
        let out = Command::new(&bin).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "a SET\n", "go{}", tc.version);
        // An -X the linker ignores (no such variable) still changes the binary, -trimpath or
        // not: the link flags are hashed into the Go build ID (non-reproducible-build's page).
        let ids: Vec<String> = ["one", "two"]
            .iter()
            .map(|v| {
                let out = dir.path().join(format!("inert-{v}-{}", tc.version));
                let ldflags = format!("-ldflags=-X main.Missing={v}");
                let run =
                    tc.command(dir.path()).args(["build", "-trimpath", &ldflags, "-o"]).arg(&out).arg(".").output();
                assert!(run.unwrap().status.success(), "go{}", tc.version);
                facts(&out)[0].go_build_id.clone().unwrap()
            })
            .collect();
        assert_ne!(ids[0], ids[1], "go{}", tc.version);
        // A malformed -X argument is a link error, not silent.
        assert!(build_with(&tc, dir.path(), "-X main.C").unwrap_err().contains("-X flag requires argument"));
        // On ELF, -s alone drops DWARF in every release; -w=false keeps it since Go 1.22.
        let s = &facts(&build_with(&tc, dir.path(), "-s").unwrap())[0];
        assert!(!s.debug.dwarf && !s.debug.symbol_table, "go{}", tc.version);
        let kept = &facts(&build_with(&tc, dir.path(), "-s -w=false").unwrap())[0];
        assert_eq!(kept.debug.dwarf, m >= 22, "go{} -s -w=false", tc.version);
        // A GNU build ID note by default since Go 1.24, derived from the Go build ID, so a
        // separately linked -s -w build gets another one.
        let plain = &facts(&build_with(&tc, dir.path(), "").unwrap())[0];
        assert_eq!(plain.gnu_build_id.is_some(), m >= 24, "go{}", tc.version);
        if m >= 24 {
            let stripped = &facts(&build_with(&tc, dir.path(), "-s -w").unwrap())[0];
            assert_ne!(plain.gnu_build_id, stripped.gnu_build_id);
            // Bazel links with -buildid=redacted: the stripped-without-symbols message names the
            // GNU build ID, which is what a symbol server finds the unstripped copy by.
            let redacted = build_with(&tc, dir.path(), "-s -w -buildid=redacted").unwrap();
            let gnu = facts(&redacted)[0].gnu_build_id.clone().unwrap();
            let (_, found, _) = common::check_json(dir.path(), &[redacted.as_os_str()]);
            let sl003 = found.iter().find(|f| common::field(f, "/code") == "SL003").unwrap();
            let message = common::field(sl003, "/message");
            assert!(message.contains(&format!("GNU build ID {gnu} (the Go build ID is redacted)")), "{message}");
        }
        // `-B gobuildid` is rejected by Go 1.21's linker.
        match build_with(&tc, dir.path(), "-B gobuildid") {
            Err(e) => assert!(m < 23 && e.contains("-B argument must start with 0x"), "go{}: {e}", tc.version),
            Ok(bin) => assert!(m >= 23 && facts(&bin)[0].gnu_build_id.is_some(), "go{}", tc.version),
        }
    }
}

/// module-graph-drift's page: `go mod download` with no arguments writes go.sum (the `/go.mod`
/// hashes), though not the zip hashes the build then needs. Served by a file:// module proxy.
#[test]
fn go_mod_download_writes_go_sum() {
    let t = TempDir::new();
    let mod_file = "module example.org/lib\n\ngo 1.21\n";
    let at = t.path().join("proxy/example.org/lib/@v");
    fs::create_dir_all(&at).unwrap();
    fs::write(at.join("list"), "v1.0.0\n").unwrap();
    fs::write(at.join("v1.0.0.info"), r#"{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}"#).unwrap();
    fs::write(at.join("v1.0.0.mod"), mod_file).unwrap();
    let lib = "package lib\n\nfunc X() string { return \"x\" }\n";
    let zip = shiplint_fixtures::images::zip(&[
        ("example.org/lib@v1.0.0/go.mod", 0o644, mod_file.as_bytes()),
        ("example.org/lib@v1.0.0/lib.go", 0o644, lib.as_bytes()),
    ]);
    fs::write(at.join("v1.0.0.zip"), zip).unwrap();
    let proxy = format!("file://{}", t.path().join("proxy").display());
    for tc in shiplint_fixtures::toolchains() {
        let work = t.path().join(&tc.version);
        fs::create_dir_all(&work).unwrap();
        fs::write(work.join("go.mod"), "module example.com/d\n\ngo 1.21\n\nrequire example.org/lib v1.0.0\n").unwrap();
        fs::write(
            work.join("main.go"),
            "package main\n\nimport \"example.org/lib\"\n\nfunc main() { println(lib.X()) }\n",
        )
        .unwrap();
        let gopath = t.path().join(format!("gopath-{}", tc.version));
        let go = |args: &[&str]| {
            tc.command(&work)
                .args(args)
                .env("GOFLAGS", "-modcacherw")
                .env("GOPROXY", &proxy)
                .env("GOPATH", &gopath)
                .output()
                .unwrap()
        };
        let download = go(&["mod", "download"]);
        assert!(download.status.success(), "{}", String::from_utf8_lossy(&download.stderr));
        let sum = fs::read_to_string(work.join("go.sum")).unwrap_or_default();
        assert!(sum.starts_with("example.org/lib v1.0.0/go.mod h1:"), "go{}: {sum:?}", tc.version);
        assert_eq!(sum.lines().count(), 1, "go{}: no zip hash: {sum}", tc.version);
        let build = go(&["build", "-o", "/dev/null", "."]);
        assert!(String::from_utf8_lossy(&build.stderr).contains("missing go.sum entry"), "go{}", tc.version);
    }
}

/// On a binary linked with `-s` the variable cannot be read: a value found nowhere outside
/// BuildInfo is still reported (-X did nothing), and `--expect-x` says when it cannot verify.
#[test]
fn x_flags_on_stripped_binaries_are_judged_from_the_data() {
    let dir = common::project(&[
        ("go.mod", "module example.com/stripped\n\ngo 1.21\n"),
        (
            "main.go",
            "package main\n\nimport \"fmt\"\n\nconst K = \"k\"\n\nvar C string\n\nfunc main() { fmt.Println(K, C) }\n",
        ),
    ]);
    let tc = shiplint_fixtures::newest();
    let bin = build_with(&tc, dir.path(), "-s -w -X main.C=value-of-c -X main.K=value-of-k").unwrap();
    let sl004 = |expect: &[&str]| -> Vec<String> {
        let mut args = vec![bin.as_os_str()];
        args.extend(expect.iter().map(std::ffi::OsStr::new));
        let (_, found, _) = common::check_json(dir.path(), &args);
        common::fields_of(&found, "SL004", "/message")
    };
    // Recorded in BuildInfo: the const's value is only there, the var's is in the data too.
    let found = sl004(&[]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("-X main.K=value-of-k (BuildInfo -ldflags) did nothing: the value is nowhere"),
        "{found:?}"
    );
    let found = sl004(&["--expect-x", "main.C=value-of-c", "--expect-x", "main.C2=never-set"]);
    assert!(found.iter().any(|m| m.starts_with("-X main.C=value-of-c (--expect-x) cannot be verified")), "{found:?}");
    assert!(found.iter().any(|m| m.starts_with("-X main.C2=never-set (--expect-x) did nothing")), "{found:?}");
}

/// Facts of `data` with its BuildInfo blob destroyed: what the header alone says.
fn facts_without_buildinfo(data: &[u8]) -> shiplint_gobin::Facts {
    let mut data = data.to_vec();
    let at = memchr::memmem::find(&data, b"\xff Go buildinf:").unwrap();
    data[at] = 0;
    let exe = Executable::parse(&data).unwrap();
    shiplint_gobin::facts(&exe.slices[0])
}

/// A `-buildmode=c-shared` library and a plugin are shared libraries, not static-pie
/// executables: by BuildInfo's `-buildmode`, and by the header alone (ET_DYN, no interpreter,
/// no DF_1_PIE) where BuildInfo is gone. Shipped with mode 0644 they are not
/// release-not-executable findings; an executable is.
#[test]
fn c_shared_libraries_and_plugins_are_shared_libraries() {
    use shiplint_gobin::Artifact;
    let dir = common::project(&[
        ("go.mod", "module example.com/lib\n\ngo 1.21\n"),
        (
            "main.go",
            "package main\n\nimport \"C\"\n\n//export Add\nfunc Add(a, b C.int) C.int { return a + b }\n\nfunc main() {}\n",
        ),
    ]);
    let tc = shiplint_fixtures::newest();
    let mut libraries = Vec::new();
    for mode in ["c-shared", "plugin"] {
        let out = dir.path().join(format!("lib{mode}.so"));
        let run = tc
            .command(dir.path())
            .env("CGO_ENABLED", "1")
            .args(["build", "-buildmode", mode, "-o"])
            .arg(&out)
            .arg(".")
            .output()
            .unwrap();
        assert!(run.status.success(), "{mode}: {}", String::from_utf8_lossy(&run.stderr));
        let data = fs::read(&out).unwrap();
        let f = &facts(&out)[0];
        assert_eq!(f.build_info.as_ref().unwrap().setting("-buildmode").as_deref(), Some(mode));
        assert_eq!(
            (f.artifact, f.linkage.kind, f.linkage.interpreter.as_deref()),
            (Artifact::SharedLibrary, LinkageKind::Dynamic, None),
            "{mode}"
        );
        assert_eq!(facts_without_buildinfo(&data).artifact, Artifact::SharedLibrary, "{mode}");
        let text = String::from_utf8(common::shiplint().arg("inspect").arg(&out).output().unwrap().stdout).unwrap();
        assert!(text.contains(&format!("  go shared library  yes (-buildmode={mode})\n")), "{text}");
        assert!(text.contains("  linkage            dynamic\n"), "{text}");
        libraries.push((format!("lib{mode}.so"), data));
    }
    // Position-independent executables stay executables, with or without BuildInfo.
    let v = newest_version();
    for variant in [Variant::StaticPie, Variant::Pie] {
        let data = fs::read(&fixture(&v, "linux", "amd64", variant).path).unwrap();
        assert_eq!(facts_without_buildinfo(&data).artifact, Artifact::Executable, "{variant}");
    }
    let exe = fs::read(&fixture(&v, "linux", "amd64", Variant::StaticPie).path).unwrap();
    let mut files: Vec<(&str, u32, &[u8])> = libraries.iter().map(|(n, d)| (n.as_str(), 0o644, d.as_slice())).collect();
    files.push(("api", 0o644, &exe));
    let t = TempDir::new();
    let zip = t.path().join("api_linux_amd64.zip");
    fs::write(&zip, shiplint_fixtures::images::zip(&files)).unwrap();
    let (_, found, _) = common::check_json(t.path(), &[zip.as_os_str()]);
    let not_executable = common::fields_of(&found, "SL302", "/location/path");
    assert_eq!(not_executable, [format!("{}!api", zip.display())], "{found:#?}");
}

/// non-reproducible-build in a binary: an `-X` time later than `vcs.time` is a build-time
/// clock stamp; the commit's own time (in any zone) and an earlier author date are not.
#[test]
fn clock_stamped_x_values_are_told_from_the_commit_time() {
    let repo = common::project(&[
        ("go.mod", "module example.com/stamped\n\ngo 1.21\n"),
        ("main.go", "package main\n\nimport \"fmt\"\n\nvar date string\n\nfunc main() { fmt.Println(date) }\n"),
    ]);
    // The fixtures' git helper commits at 2024-01-02T03:04:05Z.
    shiplint_fixtures::git(repo.path(), &["init", "-q"]).unwrap();
    shiplint_fixtures::git(repo.path(), &["add", "."]).unwrap();
    shiplint_fixtures::git(repo.path(), &["commit", "-qm", "x"]).unwrap();
    let out = TempDir::new();
    let tc = shiplint_fixtures::newest();
    let sl009 = |name: &str, date: &str| -> Vec<String> {
        let bin = out.path().join(name);
        let mut build = tc.command(repo.path());
        build.arg("build").arg(format!("-ldflags=-X 'main.date={date}'")).arg("-o").arg(&bin).arg(".");
        let run = build.output().unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let f = &facts(&bin)[0];
        assert_eq!(f.build_info.as_ref().unwrap().setting("vcs.time").as_deref(), Some("2024-01-02T03:04:05Z"));
        let (_, found, _) = common::check_json(out.path(), &[bin.as_os_str()]);
        common::fields_of(&found, "SL009", "/message")
    };
    assert_eq!(sl009("commit-time", "2024-01-02T05:04:05+02:00"), Vec::<String>::new());
    assert_eq!(sl009("author-time", "2023-12-30T10:00:00Z"), Vec::<String>::new());
    assert_eq!(
        sl009("build-time", "2024-01-02T03:13:05Z"),
        ["-X main.date=2024-01-02T03:13:05Z is 9 minutes after the commit it was built from (vcs.time \
          2024-01-02T03:04:05Z): a build-time clock stamp, so every build of this commit differs"]
    );
    assert_eq!(sl009("date-command", "Fri Jan  5 03:04:05 UTC 2024").len(), 1);
}

/// module-graph-drift in a binary: built by a toolchain laid out the way GOTOOLCHAIN=auto lays
/// out the one it downloads (module golang.org/toolchain@v0.0.1-go1.X.Y.GOOS-GOARCH in the
/// module cache, its own GOROOT), the GOROOT paths say so; the installed toolchain's do not.
#[test]
fn a_toolchain_gotoolchain_auto_downloaded_shows_in_goroot_paths() {
    let tc = shiplint_fixtures::newest();
    let t = TempDir::new();
    let module = format!("golang.org/toolchain@v0.0.1-go{}.linux-amd64", tc.version);
    let goroot = t.path().join("gopath/pkg/mod").join(&module);
    fs::create_dir_all(goroot.parent().unwrap()).unwrap();
    // The same toolchain at the path cmd/go would have unpacked it to: hard links where the
    // temporary folder shares the cache's file system, a copy where it does not.
    let copy = |flags: &str| Command::new("cp").arg(flags).arg(&tc.goroot).arg(&goroot).status().unwrap().success();
    if !copy("-al") {
        let _ = fs::remove_dir_all(&goroot);
        assert!(copy("-a"), "copying {} failed", tc.goroot.display());
    }
    let downloaded = shiplint_fixtures::Toolchain { version: tc.version.clone(), goroot };
    let dir = common::project(&[
        ("go.mod", "module example.com/auto\n\ngo 1.21\n"),
        ("main.go", "package main\n\nfunc main() { println(\"auto\") }\n"),
    ]);
    let mut messages = Vec::new();
    for (name, toolchain) in [("auto", &downloaded), ("local", &tc)] {
        let bin = t.path().join(name);
        let run = toolchain.command(dir.path()).args(["build", "-o"]).arg(&bin).arg(".").output().unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let (_, found, _) = common::check_json(dir.path(), &[bin.as_os_str()]);
        messages.push(common::fields_of(&found, "SL010", "/message"));
    }
    assert_eq!(messages[0].len(), 1, "{messages:?}");
    assert!(messages[0][0].contains(&format!("({module} in its GOROOT paths)")), "{messages:?}");
    assert!(messages[1].is_empty(), "{messages:?}");
}

/// stripped-without-symbols across the files of a scan: two builds (amd64 and arm64) given the
/// same fixed `-B 0x...` share a GNU build ID, which a symbol server cannot tell apart; a build
/// and its `strip`ped copy share theirs rightly.
#[test]
fn one_gnu_build_id_on_different_builds_is_found() {
    let dir = common::project(&[
        ("go.mod", "module example.com/ids\n\ngo 1.21\n"),
        ("main.go", "package main\n\nfunc main() { println(\"ids\") }\n"),
    ]);
    let tc = shiplint_fixtures::newest();
    let rel = TempDir::new();
    for arch in ["amd64", "arm64"] {
        let out = rel.path().join(format!("app-linux-{arch}"));
        let mut build = tc.command(dir.path());
        build.env("GOOS", "linux").env("GOARCH", arch).args([
            "build",
            "-ldflags=-B 0x00112233445566778899aabbccddeeff00112233",
            "-o",
        ]);
        let run = build.arg(&out).arg(".").output().unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    }
    let kept = rel.path().join("kept/app");
    fs::create_dir_all(kept.parent().unwrap()).unwrap();
    let run = tc.command(dir.path()).args(["build", "-o"]).arg(&kept).arg(".").output().unwrap();
    assert!(run.status.success());
    let shipped = rel.path().join("shipped-app");
    assert!(Command::new("strip").arg("-o").arg(&shipped).arg(&kept).status().unwrap().success());
    assert_eq!(facts(&kept)[0].gnu_build_id, facts(&shipped)[0].gnu_build_id);
    let (_, found, _) = common::check_json(rel.path(), &[rel.path().as_os_str()]);
    let shared: Vec<(String, String)> = found
        .iter()
        .filter(|f| common::field(f, "/code") == "SL003" && common::field(f, "/location/fact") == "build ID")
        .map(|f| (common::field(f, "/location/path"), common::field(f, "/message")))
        .collect();
    assert_eq!(shared.len(), 1, "{shared:#?}");
    let (path, message) = &shared[0];
    assert!(path.ends_with("app-linux-arm64") || path.ends_with("app-linux-amd64"), "{path}");
    assert!(
        message.starts_with("GNU build ID 00112233445566778899aabbccddeeff00112233 is also the ID of "),
        "{message}"
    );
}

/// Bazel-style builds (`-buildid=redacted`) share one Go build ID: the symbol store files and
/// finds them by their GNU build ID, so one build's kept copy never vouches for another's.
#[test]
fn redacted_go_build_ids_are_stored_and_found_by_gnu_build_id() {
    let dir = common::project(&[
        ("go.mod", "module example.com/redacted\n\ngo 1.21\n"),
        ("main.go", "package main\n\nvar v string\n\nfunc main() { println(v) }\n"),
    ]);
    let tc = shiplint_fixtures::newest();
    let t = TempDir::new();
    let build = |name: &str, ldflags: &str| {
        let out = t.path().join(name);
        let mut run = tc.command(dir.path());
        run.arg("build").arg(format!("-ldflags={ldflags}")).arg("-o").arg(&out).arg(".");
        assert!(run.output().unwrap().status.success());
        out
    };
    let kept = build("kept", "-buildid=redacted -X main.v=one");
    let other = build("other", "-s -w -buildid=redacted -X main.v=two");
    // The linker derives the GNU build ID from the Go build ID: every redacted build gets one.
    assert_eq!(facts(&kept)[0].gnu_build_id, facts(&other)[0].gnu_build_id);
    let shipped = t.path().join("shipped");
    assert!(Command::new("strip").arg("-o").arg(&shipped).arg(&kept).status().unwrap().success());
    let store = t.path().join("symbols");
    let stored = common::shiplint().args(["symbols", "store"]).arg(&kept).arg("--into").arg(&store).output().unwrap();
    assert!(stored.status.success(), "{}", String::from_utf8_lossy(&stored.stderr));
    assert!(!store.join("go-buildid").exists(), "a redacted Go build ID is not filed");
    let sl003 = |bin: &Path| {
        let (_, found, _) = common::check_json(t.path(), &[bin.as_os_str(), "--symbols".as_ref(), store.as_os_str()]);
        found.iter().any(|f| common::field(f, "/code") == "SL003")
    };
    assert!(!sl003(&shipped), "the strip'ped copy's twin is found by GNU build ID");
    assert!(sl003(&other), "another redacted build has no twin");
}

/// libc-dynamic's advice follows what the binary links: a program that needs cgo only for the
/// C library is told CGO_ENABLED=0 works; one linking another C library (libstdc++ here) is
/// told it needs a base image with that library, since CGO_ENABLED=0 will not build it.
#[test]
fn libc_dynamic_help_names_the_c_libraries_a_program_links() {
    let dir = common::project(&[
        ("go.mod", "module example.com/cxx\n\ngo 1.21\n"),
        ("lib.cpp", "#include <string>\nextern \"C\" int cxx_len(const char *s) { return std::string(s).size(); }\n"),
        (
            "main.go",
            "package main\n\n// int cxx_len(const char *s);\nimport \"C\"\n\nfunc main() { println(C.cxx_len(C.CString(\"x\"))) }\n",
        ),
    ]);
    let tc = shiplint_fixtures::newest();
    let bin = dir.path().join("cxx");
    let run = tc.command(dir.path()).env("CGO_ENABLED", "1").args(["build", "-o"]).arg(&bin).arg(".").output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(facts(&bin)[0].linkage.libraries.iter().any(|l| l.starts_with("libstdc++")));
    let help = |path: &Path| {
        let (_, found, _) = common::check_json(dir.path(), &[path.as_os_str()]);
        found.iter().find(|f| common::field(f, "/code") == "SL005").map(|f| common::field(f, "/help")).unwrap()
    };
    let cxx = help(&bin);
    assert!(cxx.starts_with("it links libstdc++.so.6") && cxx.contains("CGO_ENABLED=0 will not build it"), "{cxx}");
    let net = help(&fixture(&newest_version(), "linux", "amd64", Variant::CgoNet).path);
    assert!(net.starts_with("build with CGO_ENABLED=0 (or -tags netgo,osusergo)"), "{net}");
}

/// Go's wasm modules (GOOS=js and wasip1): `go version -m` cannot read them, but the Go release
/// (the `producers` section), the build ID (`go tool buildid`), BuildInfo's module text (the
/// same as the linux/amd64 build's but for the platform) and the pclntab's file table are read
/// from them, and the binary rules judge them.
#[test]
fn go_wasm_modules_are_read_and_checked() {
    use shiplint_gobin::{Format, GoVersionSource};
    let tcs = shiplint_fixtures::toolchains();
    let newest = newest_version();
    for tc in &tcs {
        let variants: &[Variant] = if tc.version == newest {
            &[Variant::Default, Variant::Trimpath, Variant::Stripped, Variant::XFlag]
        } else {
            &[Variant::Default]
        };
        for (goos, host) in [("js", "gojs"), ("wasip1", "wasi_snapshot_preview1")] {
            for &variant in variants {
                let module = shiplint_fixtures::build(tc, goos, "wasm", variant).unwrap();
                let name = module.name();
                let path = module.path.to_str().unwrap();
                let f = &facts(&module.path)[0];
                assert_eq!((f.format, f.arch.as_str(), f.is_go), (Format::Wasm, "wasm", true), "{name}");
                let go = format!("go{}", tc.version);
                assert_eq!(f.go_version.as_deref(), Some(go.as_str()), "{name}");
                assert_eq!(f.go_version_source, Some(GoVersionSource::WasmProducers), "{name}");
                let id = tc.command(&std::env::temp_dir()).args(["tool", "buildid", path]).output().unwrap();
                assert_eq!(f.go_build_id.as_deref(), Some(String::from_utf8_lossy(&id.stdout).trim_end()), "{name}");
                assert_eq!((f.linkage.kind, f.linkage.libraries.clone()), (LinkageKind::WasmHost, vec![host.into()]));
                assert_eq!((f.debug.symbol_table, f.debug.dwarf), (variant != Variant::Stripped, false), "{name}");

                // BuildInfo: what the linux/amd64 build of the same program and flags records.
                let native = fixture(&tc.version, "linux", "amd64", variant);
                let bi = f.build_info.as_ref().unwrap_or_else(|| panic!("{name}: no BuildInfo"));
                let native_bi = shiplint_gobin::read_build_info(&fs::read(&native.path).unwrap()).unwrap();
                let platform_free = |text: Vec<u8>| -> Vec<String> {
                    String::from_utf8(text)
                        .unwrap()
                        .lines()
                        .filter(|l| {
                            !["GOOS=", "GOARCH=", "GOAMD64="].iter().any(|k| l.starts_with(&format!("build\t{k}")))
                        })
                        .map(str::to_string)
                        .collect()
                };
                assert_eq!(platform_free(bi.to_go_string()), platform_free(native_bi.to_go_string()), "{name}");
                assert_eq!(bi.setting("GOOS").as_deref(), Some(goos), "{name}");
                let files = &f.pclntab.as_ref().unwrap_or_else(|| panic!("{name}: no pclntab")).files;
                let main =
                    files.iter().find(|p| p.ends_with("/main.go")).unwrap_or_else(|| panic!("{name}: {files:?}"));
                assert_eq!(main.starts_with('/'), variant != Variant::Trimpath, "{name}: {main}");

                // go version -m refuses the format, and so does buildinfo, byte for byte.
                assert_same(&["-m", path], &std::env::temp_dir());
                let (_, found, _) = common::check_json(&std::env::temp_dir(), &[module.path.as_os_str()]);
                let codes: Vec<String> = found.iter().map(|f| common::field(f, "/code")).collect();
                let has = |code: &str| codes.iter().any(|c| c == code);
                assert_eq!(has("SL002"), variant != Variant::Trimpath, "{name}: untrimmed-paths {codes:?}");
                assert_eq!(has("SL003"), variant == Variant::Stripped, "{name}: stripped-without-symbols {codes:?}");
                // Go supports its two newest minor releases.
                let unsupported = minor(tc) + 1 < minor(tcs.last().unwrap());
                assert_eq!(has("SL007"), unsupported, "{name}: toolchain-unsupported {codes:?}");
            }
        }
    }
}

/// The table of Go releases toolchain-unsupported ships with (data/go-releases.tsv) against the
/// real toolchains: every provisioned release is in it, dated no earlier than its VERSION file's
/// tag time and at most ten days later; a binary of an older patch release of a supported minor
/// names the newest patch, one of the newest does not.
#[test]
fn go_release_table_agrees_with_real_toolchains() {
    let mut tcs = shiplint_fixtures::toolchains();
    tcs.push(shiplint_fixtures::previous_patch());
    for tc in &tcs {
        let version_file = fs::read_to_string(tc.goroot.join("VERSION")).unwrap();
        let tagged = version_file.lines().find_map(|l| l.strip_prefix("time ")).unwrap();
        let tagged = &tagged[..10];
        let (minor, patch) = shiplint::go_releases::patch_of(&format!("go{}", tc.version)).unwrap();
        let release = shiplint::go_releases::all().iter().find(|r| (r.minor, r.patch) == (minor, patch));
        let release = release.unwrap_or_else(|| panic!("go{} is not in data/go-releases.tsv", tc.version));
        // Days on a calendar of 31-day months: exact enough for a ten-day window.
        let days = |d: &str| {
            let (y, m, day) =
                (d[..4].parse::<i64>().unwrap(), d[5..7].parse::<i64>().unwrap(), d[8..].parse::<i64>().unwrap());
            y * 372 + m * 31 + day
        };
        let after = days(release.date) - days(tagged);
        assert!((0..=10).contains(&after), "go{}: released {} but tagged {tagged}", tc.version, release.date);
    }
    let dir = common::project(&[
        ("go.mod", "module example.com/patch\n\ngo 1.21\n"),
        ("main.go", "package main\n\nfunc main() {}\n"),
    ]);
    let newest = shiplint_fixtures::newest();
    for tc in [shiplint_fixtures::previous_patch(), newest] {
        let (minor, patch) = shiplint::go_releases::patch_of(&format!("go{}", tc.version)).unwrap();
        let latest = shiplint::go_releases::all().iter().filter(|r| r.minor == minor).max_by_key(|r| r.patch).unwrap();
        let bin = build_with(&tc, dir.path(), "").unwrap();
        let (_, found, _) = common::check_json(dir.path(), &[bin.as_os_str()]);
        let messages = common::fields_of(&found, "SL007", "/message");
        if latest.patch > patch {
            let named = format!("(the newest {}, {})", latest.name(), latest.date);
            assert!(messages.iter().any(|m| m.contains(&named)), "go{}: {messages:?}", tc.version);
        } else {
            assert!(messages.is_empty(), "go{}: {messages:?}", tc.version);
        }
    }
}
