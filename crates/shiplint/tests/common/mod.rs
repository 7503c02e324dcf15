//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses its own subset

use shiplint_gobin::{Executable, Facts};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn shiplint() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shiplint"))
}

/// `go version ARGS` from the newest release, run offline.
pub fn go_version(args: &[&str], dir: &Path) -> Output {
    let tc = shiplint_fixtures::newest();
    tc.command(dir)
        .arg("version")
        .args(args)
        .output()
        .expect("go version")
}

pub fn buildinfo(args: &[&str], dir: &Path) -> Output {
    shiplint()
        .current_dir(dir)
        .arg("buildinfo")
        .args(args)
        .output()
        .expect("shiplint buildinfo")
}

/// Asserts identical stdout, stderr and exit status.
pub fn assert_same(args: &[&str], dir: &Path) {
    let want = go_version(args, dir);
    let got = buildinfo(args, dir);
    let show = |o: &Output| {
        format!(
            "status {:?}\n--- stdout\n{}--- stderr\n{}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    assert!(
        want.stdout == got.stdout
            && want.stderr == got.stderr
            && want.status.code() == got.status.code(),
        "shiplint buildinfo {args:?} differs from go version\n=== go version\n{}\n=== shiplint\n{}",
        show(&want),
        show(&got)
    );
}

pub fn facts(path: &Path) -> Vec<Facts> {
    let data = fs::read(path).unwrap();
    let exe = Executable::parse(&data).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    exe.slices.iter().map(shiplint_gobin::facts).collect()
}

pub fn exec(path: &Path) {
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// A temporary directory removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "shiplint-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("SHIPLINT_KEEP_TEMP").is_some() {
            eprintln!("kept {}", self.0.display());
            return;
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
