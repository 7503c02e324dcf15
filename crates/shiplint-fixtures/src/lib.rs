//! Test fixtures built by real Go toolchains: small std-only programs compiled for many targets
//! and build variants, cached by a hash of their inputs. Also locates the provisioned toolchains
//! (scripts/provision-go.sh) and the old real binaries (scripts/fetch-old-binaries.sh).

pub mod images;
pub mod zstd;

use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Bump when the way fixtures are built changes, so cached outputs are rebuilt.
const BUILDER_VERSION: &str = "2";

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

pub fn cache_dir() -> PathBuf {
    match std::env::var_os("SHIPLINT_CACHE") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/shiplint"),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toolchain {
    /// "1.27.3"
    pub version: String,
    pub goroot: PathBuf,
}

impl Toolchain {
    pub fn go(&self) -> PathBuf {
        self.goroot.join("bin/go")
    }

    /// A `go` command that runs offline and never switches toolchains.
    pub fn command(&self, work: &Path) -> Command {
        let mut c = Command::new(self.go());
        let cache = cache_dir();
        c.current_dir(work)
            .env("GOROOT", &self.goroot)
            .env("GOTOOLCHAIN", "local")
            .env("GOPROXY", "off")
            .env("GOSUMDB", "off")
            .env("GOFLAGS", "-mod=mod")
            .env("GOCACHE", cache.join(format!("gocache/{}", self.version)))
            .env("GOPATH", cache.join("gopath"))
            .env("GOENV", "off")
            .env("GOTELEMETRY", "off")
            .env_remove("GOOS")
            .env_remove("GOARCH")
            .env_remove("CGO_ENABLED")
            .env_remove("GO111MODULE");
        c
    }
}

/// The provisioned toolchains, oldest first, as listed in scripts/go-versions.txt.
pub fn toolchains() -> Vec<Toolchain> {
    listed("scripts/go-versions.txt")
}

/// An earlier patch release of the newest one (scripts/go-versions-diff.txt), for comparing
/// builds by two patch releases.
pub fn previous_patch() -> Toolchain {
    listed("scripts/go-versions-diff.txt").pop().expect("a version in scripts/go-versions-diff.txt")
}

fn listed(file: &str) -> Vec<Toolchain> {
    let list = fs::read_to_string(repo_root().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|v| {
            let goroot = cache_dir().join("go").join(v);
            assert!(
                goroot.join("bin/go").exists(),
                "Go {v} is not provisioned at {}: run scripts/provision-go.sh (or scripts/test.sh)",
                goroot.display()
            );
            Toolchain { version: v.to_string(), goroot }
        })
        .collect()
}

/// The newest provisioned release: the one `shiplint buildinfo` must match byte for byte.
pub fn newest() -> Toolchain {
    toolchains().pop().expect("at least one Go version")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Variant {
    Default,
    Trimpath,
    /// `-ldflags="-s -w"`
    Stripped,
    /// `-ldflags="-X main.version=v1.2.3"`
    XFlag,
    /// `-ldflags=-B gobuildid`
    GnuBuildId,
    /// `-buildmode=pie`
    Pie,
    /// CGO_ENABLED=1 and a program that links `net`: a dynamically linked executable.
    CgoNet,
    /// The same, linked by `musl-gcc`: dynamically linked against musl (`/lib/ld-musl-x86_64.so.1`).
    CgoMusl,
    /// GO111MODULE=off, built inside GOPATH.
    GopathMode,
    /// `go build main.go`
    FileArgument,
    /// `go test -c`
    TestBinary,
    /// A git checkout with an uncommitted change: `vcs.modified=true`.
    DirtyVcs,
    /// A dependency replaced by a local directory: `dep` and `=>` lines.
    ReplacedDependency,
    /// `-buildmode=pie` linked externally with `-static-pie`: position-independent, no interpreter.
    StaticPie,
    /// The xflags program with -X flags aimed at a const, a short import path, a var overwritten
    /// at init, and two correct targets.
    XFlagMistakes,
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Variant::Default => "default",
            Variant::Trimpath => "trimpath",
            Variant::Stripped => "stripped",
            Variant::XFlag => "xflag",
            Variant::GnuBuildId => "gnu-buildid",
            Variant::Pie => "pie",
            Variant::CgoNet => "cgo-net",
            Variant::CgoMusl => "cgo-musl",
            Variant::GopathMode => "gopath",
            Variant::FileArgument => "file-arg",
            Variant::TestBinary => "test-binary",
            Variant::DirtyVcs => "dirty-vcs",
            Variant::ReplacedDependency => "replaced-dep",
            Variant::StaticPie => "static-pie",
            Variant::XFlagMistakes => "xflag-mistakes",
        };
        f.write_str(s)
    }
}

/// The -ldflags of the xflags fixture: main.Version is a const, version.Tag a short path,
/// main.Commit is overwritten at init; main.Date and the full path to Tag work.
pub const XFLAG_MISTAKES_LDFLAGS: &str = "-ldflags=-X main.Version=v1.2.3 -X main.Commit=abc123 -X main.Date=2024-01-02 \
     -X version.Tag=v1.2.3 -X example.com/xflags/internal/version.Tag=v1.2.3";

#[derive(Clone, Debug)]
pub struct Fixture {
    pub go_version: String,
    pub goos: &'static str,
    pub goarch: &'static str,
    pub variant: Variant,
    pub path: PathBuf,
}

impl Fixture {
    pub fn name(&self) -> String {
        format!("go{}-{}-{}-{}", self.go_version, self.goos, self.goarch, self.variant)
    }
}

/// Every target the newest release builds; s390x and mips are the big-endian ones.
pub const ALL_TARGETS: [(&str, &str); 9] = [
    ("linux", "amd64"),
    ("linux", "arm64"),
    ("linux", "386"),
    ("linux", "s390x"),
    ("linux", "mips"),
    ("darwin", "amd64"),
    ("darwin", "arm64"),
    ("windows", "amd64"),
    ("windows", "arm64"),
];

/// What to build: every target in the basic variants with the newest Go, a representative subset
/// with older releases, and the special variants on linux/amd64.
pub fn plan() -> Vec<(Toolchain, &'static str, &'static str, Variant)> {
    let tcs = toolchains();
    let newest = tcs.last().cloned().expect("a toolchain");
    let mut plan = Vec::new();
    for tc in &tcs {
        let is_newest = *tc == newest;
        let targets: &[(&str, &str)] = if is_newest {
            &ALL_TARGETS
        } else {
            &[("linux", "amd64"), ("linux", "386"), ("darwin", "arm64"), ("windows", "amd64")]
        };
        for &(os, arch) in targets {
            for v in [Variant::Default, Variant::Trimpath, Variant::Stripped] {
                plan.push((tc.clone(), os, arch, v));
            }
        }
        for v in [
            Variant::XFlag,
            Variant::CgoNet,
            Variant::GopathMode,
            Variant::FileArgument,
            Variant::TestBinary,
            Variant::DirtyVcs,
            Variant::ReplacedDependency,
        ] {
            plan.push((tc.clone(), "linux", "amd64", v));
        }
        if is_newest {
            plan.push((tc.clone(), "linux", "amd64", Variant::GnuBuildId));
            plan.push((tc.clone(), "linux", "amd64", Variant::Pie));
            plan.push((tc.clone(), "linux", "amd64", Variant::StaticPie));
            plan.push((tc.clone(), "linux", "amd64", Variant::XFlagMistakes));
            plan.push((tc.clone(), "linux", "amd64", Variant::CgoMusl));
            plan.push((tc.clone(), "linux", "arm64", Variant::Pie));
            plan.push((tc.clone(), "windows", "amd64", Variant::Pie));
            plan.push((tc.clone(), "darwin", "arm64", Variant::XFlag));
            plan.push((tc.clone(), "windows", "amd64", Variant::XFlag));
        }
    }
    plan
}

/// Builds (or finds in the cache) every fixture in [`plan`]; built once per process.
pub fn all() -> &'static [Fixture] {
    static ALL: OnceLock<Vec<Fixture>> = OnceLock::new();
    ALL.get_or_init(|| {
        plan()
            .into_par_iter()
            .map(|(tc, os, arch, v)| build(&tc, os, arch, v).unwrap_or_else(|e| panic!("building fixture: {e}")))
            .collect()
    })
}

fn program_dir(variant: Variant) -> PathBuf {
    program(match variant {
        Variant::CgoNet | Variant::CgoMusl => "netlookup",
        Variant::ReplacedDependency => "withdep",
        Variant::XFlagMistakes => "xflags",
        _ => "hello",
    })
}

/// The source folder of one of the fixture programs (`hello`, `netlookup`, `withdep`, `xflags`).
pub fn program(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("programs").join(name)
}

/// Runs git in `work` with a fixed identity and dates, ignoring the machine's configuration.
pub fn git(work: &Path, args: &[&str]) -> Result<(), String> {
    let mut g = Command::new("git");
    g.current_dir(work)
        .args(["-c", "user.name=fixture", "-c", "user.email=fixture@example.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", "2024-01-02T03:04:05Z")
        .env("GIT_COMMITTER_DATE", "2024-01-02T03:04:05Z");
    run(&mut g)
}

fn hash_inputs(tc: &Toolchain, os: &str, arch: &str, v: Variant) -> String {
    let mut h = Sha256::new();
    h.update(format!("{BUILDER_VERSION}\0{}\0{os}\0{arch}\0{v}\0", tc.version));
    let dir = program_dir(v);
    for f in files_under(&dir) {
        h.update(f.strip_prefix(&dir).unwrap().as_os_str().as_encoded_bytes());
        h.update(fs::read(&f).expect("program file"));
    }
    h.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// Every file below `dir`, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).expect("program dir").filter_map(|e| e.ok()) {
        let p = e.path();
        if p.is_dir() { out.extend(files_under(&p)) } else { out.push(p) }
    }
    out.sort();
    out
}

/// Copies the files below `from` into `to`.
pub fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    for f in files_under(from) {
        let dest = to.join(f.strip_prefix(from).unwrap());
        fs::create_dir_all(dest.parent().unwrap())?;
        fs::copy(&f, dest)?;
    }
    Ok(())
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed:\n{}", String::from_utf8_lossy(&out.stderr)))
    }
}

/// Builds one fixture into the cache, or returns the cached one.
pub fn build(tc: &Toolchain, goos: &'static str, goarch: &'static str, variant: Variant) -> Result<Fixture, String> {
    let key = hash_inputs(tc, goos, goarch, variant);
    let fixture = |path| Fixture { go_version: tc.version.clone(), goos, goarch, variant, path };
    let name = format!("go{}-{goos}-{goarch}-{variant}{}", tc.version, if goos == "windows" { ".exe" } else { "" });
    let dir = cache_dir().join("fixtures").join(&key);
    let out = dir.join(&name);
    if out.exists() {
        return Ok(fixture(out));
    }
    // Build in a folder named by the key alone, so that a rebuild embeds the same paths and gets
    // the same bytes. Creating it is the lock: another process building the same key waits.
    let tmp = cache_dir().join("fixtures").join(format!(".build-{key}"));
    fs::create_dir_all(cache_dir().join("fixtures")).map_err(|e| e.to_string())?;
    if fs::create_dir(&tmp).is_err() {
        for _ in 0..6000 {
            if out.exists() {
                return Ok(fixture(out));
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        // The other builder died: take over its folder.
        let _ = fs::remove_dir_all(&tmp);
        fs::create_dir(&tmp).map_err(|e| e.to_string())?;
    }
    let placed = build_in(tc, goos, goarch, variant, &tmp, &name).and_then(|built| {
        fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        fs::rename(&built, &out).map_err(|e| format!("placing {}: {e}", out.display()))
    });
    let _ = fs::remove_dir_all(&tmp);
    placed.map(|()| fixture(out))
}

/// Runs the build for one fixture inside `tmp`; returns the built file.
fn build_in(
    tc: &Toolchain,
    goos: &str,
    goarch: &str,
    variant: Variant,
    tmp: &Path,
    name: &str,
) -> Result<PathBuf, String> {
    // GOPATH mode needs the package under $GOPATH/src; module builds use the folder as is.
    let gopath = tmp.join("gopath");
    let work = if variant == Variant::GopathMode { gopath.join("src/hello") } else { tmp.join("src") };
    copy_dir(&program_dir(variant), &work).map_err(|e| e.to_string())?;
    if variant == Variant::GopathMode {
        let _ = fs::remove_file(work.join("go.mod"));
    }
    let built = tmp.join(name);
    let mut cmd = tc.command(&work);
    cmd.env("GOOS", goos).env("GOARCH", goarch);
    match variant {
        Variant::CgoNet | Variant::StaticPie => cmd.env("CGO_ENABLED", "1"),
        Variant::CgoMusl => cmd.env("CGO_ENABLED", "1").env("CC", "musl-gcc"),
        _ => cmd.env("CGO_ENABLED", "0"),
    };
    match variant {
        Variant::TestBinary => cmd.args(["test", "-c", "-o"]).arg(&built),
        Variant::FileArgument => cmd.args(["build", "-o"]).arg(&built).arg("main.go"),
        _ => cmd.args(["build", "-o"]).arg(&built),
    };
    match variant {
        Variant::Trimpath => {
            cmd.arg("-trimpath");
        }
        Variant::Stripped => {
            cmd.arg("-ldflags=-s -w");
        }
        Variant::XFlag => {
            cmd.arg("-ldflags=-X main.version=v1.2.3");
        }
        Variant::XFlagMistakes => {
            cmd.arg(XFLAG_MISTAKES_LDFLAGS);
        }
        Variant::GnuBuildId => {
            cmd.arg("-ldflags=-B gobuildid");
        }
        Variant::Pie => {
            cmd.arg("-buildmode=pie");
        }
        Variant::StaticPie => {
            cmd.args(["-buildmode=pie", "-ldflags=-linkmode=external -extldflags=-static-pie"]);
        }
        Variant::GopathMode => {
            cmd.env("GO111MODULE", "off").env("GOPATH", &gopath).env("GOFLAGS", "");
        }
        Variant::DirtyVcs => {
            let git = |args: &[&str]| git(&work, args);
            git(&["init", "-q"])?;
            git(&["add", "."])?;
            git(&["commit", "-q", "-m", "fixture"])?;
            fs::write(work.join("main.go"), fs::read_to_string(work.join("main.go")).unwrap() + "\n// modified\n")
                .map_err(|e| e.to_string())?;
            cmd.arg("-buildvcs=true");
        }
        _ => {}
    }
    if variant != Variant::TestBinary && variant != Variant::FileArgument {
        cmd.arg(".");
    }
    run(&mut cmd)?;
    Ok(built)
}

/// One pre-1.18 real binary fetched by scripts/fetch-old-binaries.sh.
#[derive(Clone, Debug)]
pub struct OldBinary {
    pub spec: String,
    pub go_version: String,
    pub path: PathBuf,
}

pub fn old_binaries() -> Vec<OldBinary> {
    let list = fs::read_to_string(repo_root().join("scripts/old-go-binaries.txt")).expect("old-go-binaries.txt");
    list.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let path = cache_dir().join("old-binaries").join(f[0]);
            assert!(path.exists(), "{} missing: run scripts/fetch-old-binaries.sh", path.display());
            OldBinary { spec: f[0].into(), go_version: f[2].into(), path }
        })
        .collect()
}

/// The pclntab oracle (programs/oracle) built for the host with the newest Go, cached.
pub fn oracle() -> PathBuf {
    static ORACLE: OnceLock<PathBuf> = OnceLock::new();
    ORACLE
        .get_or_init(|| {
            let tc = newest();
            let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs/oracle");
            let mut h = Sha256::new();
            h.update(format!("{BUILDER_VERSION}\0{}\0", tc.version));
            h.update(fs::read(src.join("main.go")).expect("oracle source"));
            let key: String = h.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect();
            let out = cache_dir().join("fixtures").join(format!("oracle-{key}"));
            if !out.exists() {
                let tmp = out.with_extension(format!("tmp{}", std::process::id()));
                run(tc.command(&src).env("CGO_ENABLED", "0").args(["build", "-o"]).arg(&tmp).arg("."))
                    .unwrap_or_else(|e| panic!("building the oracle: {e}"));
                fs::rename(&tmp, &out).expect("placing the oracle");
            }
            out
        })
        .clone()
}
