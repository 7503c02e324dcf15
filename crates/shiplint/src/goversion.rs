//! `shiplint buildinfo`: the same stdout, stderr and exit status as the newest Go release's
//! `go version [-m] [-v] [-json] FILE|DIR...` (cmd/go/internal/version).

use crate::mapped::Mapped;
use rayon::prelude::*;
use shiplint_gobin::{BuildInfo, BuildInfoError};
use std::fs::{self, Metadata};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

#[derive(Debug, Default, Clone, Copy)]
struct Flags {
    m: bool,
    v: bool,
    json: bool,
}

const USAGE: &str = "usage: shiplint buildinfo [-m] [-v] [-json] [file ...]\n";

/// What one file contributes: its stdout bytes, stderr text, and whether it was a Go binary.
#[derive(Default)]
struct Report {
    out: Vec<u8>,
    err: String,
    is_go: bool,
}

/// Runs the command and returns its exit status.
pub fn run(args: &[String]) -> i32 {
    let (flags, files) = match parse_flags(args) {
        Ok(p) => p,
        Err(msg) => {
            eprint!("{msg}");
            return 2;
        }
    };
    if files.is_empty() {
        let which = [(flags.m, "-m"), (flags.v, "-v"), (flags.json, "-json")].into_iter().find(|(on, _)| *on);
        match which {
            Some((_, flag)) => {
                eprintln!("shiplint buildinfo: only accepts {flag} flag with arguments")
            }
            None => eprint!("shiplint buildinfo: no files named\n{USAGE}"),
        }
        return 2;
    }
    if flags.json && !flags.m {
        eprintln!("shiplint buildinfo: -json flag requires -m flag");
        return 2;
    }
    // Stat and walk in argument order, then read every file in parallel and print in that order.
    let mut jobs = Vec::new();
    for arg in files {
        match fs::metadata(arg) {
            Err(e) => jobs.push(Job::StatFailed(format!("stat {arg}: {}\n", go_errno(&e)))),
            Ok(meta) if meta.is_dir() => {
                jobs.extend(walk(arg).into_iter().map(|(path, meta)| Job::Scan { path, meta, named: false }))
            }
            Ok(meta) => jobs.push(Job::Scan { path: arg.clone(), meta, named: true }),
        }
    }
    let scan = |job: Job| match job {
        Job::StatFailed(err) => (Report { err, ..Default::default() }, true),
        // A file named on the command line always reports errors and, with -m, fails the run.
        Job::Scan { path, meta, named } => {
            let r = scan_file(&path, &meta, named || flags.v, flags);
            let failed = named && flags.m && !r.is_go;
            (r, failed)
        }
    };
    // A handful of files is read faster than a thread pool starts.
    let reports: Vec<(Report, bool)> =
        if jobs.len() < 32 { jobs.into_iter().map(scan).collect() } else { jobs.into_par_iter().map(scan).collect() };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut status = 0;
    for (r, failed) in &reports {
        emit(&mut out, r);
        if *failed {
            status = 1;
        }
    }
    let _ = out.flush();
    status
}

enum Job {
    StatFailed(String),
    Scan { path: String, meta: Metadata, named: bool },
}

/// Writes a report, flushing stdout before stderr so a terminal shows them in Go's order.
fn emit(out: &mut impl Write, r: &Report) {
    let _ = out.write_all(&r.out);
    if !r.err.is_empty() {
        let _ = out.flush();
        let _ = io::stderr().write_all(r.err.as_bytes());
    }
}

/// Go's `flag` package rules: flags first, `--` ends them, the first non-flag starts the files.
fn parse_flags(args: &[String]) -> Result<(Flags, &[String]), String> {
    let mut f = Flags::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            return Ok((f, &args[i + 1..]));
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        let name = a.trim_start_matches('-');
        let (name, value) = match name.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (name, None),
        };
        let on = match value {
            None => true,
            Some(v) => parse_go_bool(v)
                .ok_or_else(|| format!("invalid boolean value {:?} for -{name}: parse error\n{USAGE}", v))?,
        };
        match name {
            "m" => f.m = on,
            "v" => f.v = on,
            "json" => f.json = on,
            "h" | "help" => return Err(USAGE.to_string()),
            _ => return Err(format!("flag provided but not defined: -{name}\n{USAGE}")),
        }
        i += 1;
    }
    Ok((f, &args[i..]))
}

fn parse_go_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// `filepath.WalkDir` as `go version` uses it: lexical order, no following of directory symlinks,
/// regular files and symlinks only, unreadable directories skipped.
fn walk(root: &str) -> Vec<(String, Metadata)> {
    let mut found = Vec::new();
    let Ok(meta) = fs::symlink_metadata(root) else {
        return found;
    };
    walk_into(root.to_string(), meta, &mut found);
    found
}

fn walk_into(path: String, meta: Metadata, found: &mut Vec<(String, Metadata)>) {
    let ft = meta.file_type();
    if ft.is_file() || ft.is_symlink() {
        found.push((path, meta));
        return;
    }
    if !ft.is_dir() {
        return;
    }
    let Ok(rd) = fs::read_dir(&path) else { return };
    let mut names: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    names.sort_by(|a, b| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
    for name in names {
        let child = go_clean(&format!("{path}/{}", name.to_string_lossy()));
        if let Ok(m) = fs::symlink_metadata(&child) {
            walk_into(child, m, found);
        }
    }
}

/// `scanFile` from cmd/go/internal/version.
fn scan_file(file: &str, meta: &Metadata, must_print: bool, flags: Flags) -> Report {
    let mut r = Report::default();
    let mut meta = meta.clone();
    if meta.file_type().is_symlink() {
        match fs::metadata(file) {
            Ok(m) if m.is_file() => meta = m,
            _ => {
                if must_print {
                    r.err = format!("{file}: symlink\n");
                }
                return r;
            }
        }
    }
    let mapped = match Mapped::open(Path::new(file)) {
        Ok(m) => m,
        Err(_) => {
            // Go prints only the name when the file itself cannot be opened.
            if must_print {
                r.err = format!("{file}\n");
            }
            return r;
        }
    };
    let bi = match shiplint_gobin::read_build_info(mapped.bytes()) {
        Ok(bi) => bi,
        Err(e) => {
            if must_print && is_go_binary_candidate(file, &meta) {
                r.err = format!("{file}: {}\n", read_error(file, &e));
            }
            return r;
        }
    };
    r.is_go = true;
    if flags.m && flags.json {
        r.out = (bi.to_go_json() + "\n").into_bytes();
        return r;
    }
    r.out = format!("{file}: ").into_bytes();
    r.out.extend_from_slice(bi.go_version.as_bytes());
    r.out.push(b'\n');
    if flags.m {
        let text = BuildInfo { go_version: Default::default(), ..bi }.to_go_string();
        if let Some((_, body)) = text.split_last() {
            r.out.push(b'\t');
            for &b in body {
                r.out.push(b);
                if b == b'\n' {
                    r.out.push(b'\t');
                }
            }
            r.out.push(b'\n');
        }
    }
    r
}

/// `buildinfo.ReadFile`'s wrapping of its errors.
fn read_error(file: &str, e: &BuildInfoError) -> String {
    format!("could not read Go build info from {file}: {e}")
}

fn is_go_binary_candidate(file: &str, meta: &Metadata) -> bool {
    if meta.is_file() && meta.permissions().mode() & 0o111 != 0 {
        return true;
    }
    let name = file.to_lowercase();
    let ext = Path::new(&name).extension().and_then(|e| e.to_str()).unwrap_or("");
    matches!(ext, "so" | "exe" | "dll") || name.contains(".so.")
}

/// Go's text for an OS error ("no such file or directory"): the C library's message, lower-cased first letter.
fn go_errno(e: &io::Error) -> String {
    let Some(code) = e.raw_os_error() else {
        return e.to_string();
    };
    let msg = io::Error::from_raw_os_error(code).to_string();
    let msg = msg.split(" (os error").next().unwrap_or(&msg);
    let mut chars = msg.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// Go's `path/filepath.Clean` for Unix paths.
pub fn go_clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            _ => parts.push(p),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_matches_go() {
        for (i, o) in
            [("./a/", "a"), ("a//b/../c", "a/c"), ("/../x", "/x"), ("../../y", "../../y"), ("", "."), ("./", ".")]
        {
            assert_eq!(go_clean(i), o, "{i}");
        }
    }

    #[test]
    fn flags_follow_go_rules() {
        let a: Vec<String> = ["-m", "--v=true", "f", "-json"].iter().map(|s| s.to_string()).collect();
        let (f, files) = parse_flags(&a).unwrap();
        assert!(f.m && f.v && !f.json);
        assert_eq!(files, &a[2..]);
        assert!(parse_flags(&["-x".to_string()]).unwrap_err().starts_with("flag provided but not defined: -x"));
    }
}
