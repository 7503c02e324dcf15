//! Running shiplint on what strangers made: bounded in time, never killed by a signal, measured;
//! and canaries that prove nothing outside the scanned tree was read or written.

use super::{TempDir, shiplint};
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// One shiplint run: exit status, output, wall time and peak resident memory.
pub struct Run {
    pub status: i32,
    pub out: String,
    pub err: String,
    pub seconds: f64,
    pub peak_rss_mib: f64,
}

/// Runs shiplint in `dir`, which must end within 20 s (a FIFO that blocks would not) and by
/// exiting, not by a signal (an allocation abort or a stack overflow would not). Output goes to
/// files, so no pipe can fill and stall it. `wait4` reports the child's peak memory, which starts
/// from this process's own peak (the child is spawned sharing its memory until `exec`): that
/// peak is reset to what this process holds now, so the figure is the child's, or this
/// process's present size when that is larger; either way an upper bound.
#[allow(clippy::zombie_processes)] // reaped by wait4, which std's Child cannot do
pub fn run_measured(dir: &Path, args: &[&str]) -> Run {
    let logs = TempDir::new();
    let (out_path, err_path) = (logs.path().join("out"), logs.path().join("err"));
    // Linux: writing 5 to clear_refs resets the peak resident size to the present one.
    let _ = fs::write("/proc/self/clear_refs", "5");
    let child = shiplint()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path).unwrap())
        .stderr(fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let finished = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let finished = finished.clone();
        std::thread::spawn(move || {
            while start.elapsed() < Duration::from_secs(20) {
                if finished.load(Ordering::SeqCst) {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            // SAFETY: `pid` is our child, not yet reaped (`finished` is unset).
            unsafe { libc::kill(pid, libc::SIGKILL) };
            true
        })
    };
    let mut wait_status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; `std::process::Child` is never waited on after this.
    let reaped = unsafe { libc::wait4(pid, &mut wait_status, 0, &mut usage) };
    finished.store(true, Ordering::SeqCst);
    let seconds = start.elapsed().as_secs_f64();
    assert_eq!(reaped, pid, "wait4 failed");
    assert!(!watchdog.join().unwrap(), "shiplint {args:?} blocked for 20 s");
    assert!(
        libc::WIFEXITED(wait_status),
        "shiplint {args:?} was killed by signal {} (an abort or a stack overflow)\n{}",
        libc::WTERMSIG(wait_status),
        fs::read_to_string(&err_path).unwrap_or_default()
    );
    let text = |p: &Path| String::from_utf8_lossy(&fs::read(p).unwrap()).into_owned();
    Run {
        status: libc::WEXITSTATUS(wait_status),
        out: text(&out_path),
        err: text(&err_path),
        seconds,
        // Linux reports ru_maxrss in KiB.
        peak_rss_mib: usage.ru_maxrss as f64 / 1024.0,
    }
}

/// Exit status, stdout and stderr of a shiplint run (see `run_measured`).
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let r = run_measured(dir, args);
    (r.status, r.out, r.err)
}

/// Plants a canary file with its access time in the year 2001.
pub fn canary(path: &Path, text: &str) -> PathBuf {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
    let past = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    fs::File::options().write(true).open(path).unwrap().set_times(fs::FileTimes::new().set_accessed(past)).unwrap();
    path.to_path_buf()
}

/// Asserts a canary was neither read nor written.
pub fn untouched(path: &Path, text: &str) {
    let meta = fs::metadata(path).unwrap();
    assert_eq!(meta.atime(), 1_000_000_000, "{} was read", path.display());
    assert_eq!(fs::read_to_string(path).unwrap(), text, "{} was written", path.display());
}
