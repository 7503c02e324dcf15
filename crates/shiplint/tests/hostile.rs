//! Hostile input is normal input: Go's own malformed test files, and real fixtures truncated and
//! bit-flipped. The reader must never panic, and `shiplint buildinfo` must fail exactly where
//! `go version` fails, with the same words.

mod common;

use common::{Rng, TempDir, assert_same, exec};
use shiplint_fixtures::Variant;
use shiplint_gobin::Executable;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Every call the library offers on untrusted bytes.
fn read_everything(data: &[u8]) {
    let _ = shiplint_gobin::read_build_info(data);
    let _ = shiplint_gobin::buildid::go_build_id(data);
    if let Ok(exe) = Executable::parse(data) {
        for c in &exe.slices {
            let f = shiplint_gobin::facts(c);
            let _ = serde_json::to_string(&f).unwrap();
            let _ = shiplint_gobin::symbols::lookup(c, "main.version")
                .map(|s| shiplint_gobin::symbols::read_go_string_var(c, s));
        }
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let digits: Vec<u8> = text.bytes().filter_map(val).collect();
    digits
        .chunks(4)
        .flat_map(|c| {
            let n = c.iter().fold(0u32, |acc, &d| acc << 6 | u32::from(d)) << (6 * (4 - c.len()));
            let bytes = n.to_be_bytes();
            bytes[1..c.len()].to_vec()
        })
        .collect()
}

/// The test inputs of Go's debug packages: real and deliberately malformed objects, decoded
/// from the base64, gzip and fuzz-corpus forms they are stored in.
fn go_debug_testdata() -> Vec<(String, Vec<u8>)> {
    let root = shiplint_fixtures::newest().goroot.join("src/debug");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
            if e.is_dir() {
                stack.push(e);
                continue;
            }
            if !e.to_str().unwrap().contains("/testdata/") {
                continue;
            }
            let ext = e.extension().and_then(|x| x.to_str()).unwrap_or("");
            if matches!(ext, "c" | "h" | "s" | "go" | "md" | "mod" | "cc") {
                continue;
            }
            let raw = fs::read(&e).unwrap();
            let data = if ext == "base64" {
                decode_base64(std::str::from_utf8(&raw).unwrap())
            } else if ext == "gz" {
                let mut d = Vec::new();
                flate2::read::GzDecoder::new(&raw[..]).take(64 << 20).read_to_end(&mut d).unwrap();
                d
            } else if let Some(corpus) = raw.strip_prefix(b"go test fuzz v1\n") {
                let text = std::str::from_utf8(corpus).unwrap();
                let lit = text.trim().strip_prefix("[]byte(").and_then(|t| t.strip_suffix(')'));
                match lit.and_then(|l| shiplint_gobin::go_unquote(l.as_bytes())) {
                    Some(b) => b,
                    None => continue,
                }
            } else {
                raw
            };
            let name = e.strip_prefix(&root).unwrap().to_str().unwrap().replace('/', "_");
            out.push((name, data));
        }
    }
    out.sort();
    assert!(out.len() > 50, "expected Go's debug testdata, found {}", out.len());
    out
}

fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) {
    for (name, data) in files {
        let p = dir.join(name);
        fs::write(&p, data).unwrap();
        exec(&p);
    }
}

#[test]
fn go_debug_testdata_never_panics_and_fails_like_go_version() {
    let files = go_debug_testdata();
    for (_, data) in &files {
        read_everything(data);
    }
    let t = TempDir::new();
    fs::create_dir(t.path().join("in")).unwrap();
    write_all(&t.path().join("in"), &files);
    assert_same(&["-m", "-v", "in"], t.path());
    assert_same(&["-v", "in"], t.path());
}

/// Truncations at every header-sized boundary and across the file, and bit flips concentrated
/// where parsers decide things: the headers, the header tables and the BuildInfo blob.
fn mutants(base: &[u8], seed: u64, flips: usize) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut cuts: Vec<usize> = (0..=128).step_by(8).collect();
    cuts.extend((1..16).map(|i| base.len() * i / 16));
    let blob = memchr::memmem::find(base, b"\xff Go buildinf:").unwrap_or(base.len() / 2);
    cuts.extend([blob, blob + 16, blob + 31, blob + 32, blob + 40]);
    for cut in cuts.into_iter().filter(|&c| c < base.len()) {
        out.push((format!("cut-{cut}"), base[..cut].to_vec()));
    }
    let mut rng = Rng(seed);
    let hot = [0..512.min(base.len()), blob..(blob + 64).min(base.len()), base.len().saturating_sub(4096)..base.len()];
    for i in 0..flips {
        let mut m = base.to_vec();
        for _ in 0..1 + rng.below(3) {
            let at = if i % 3 == 2 {
                rng.below(m.len())
            } else {
                let r = &hot[rng.below(hot.len())];
                r.start + rng.below(r.len().max(1))
            };
            m[at] ^= 1 << rng.below(8);
        }
        out.push((format!("flip-{i}"), m));
    }
    out
}

fn bases() -> Vec<(String, PathBuf)> {
    let newest = shiplint_fixtures::newest().version;
    let oldest = shiplint_fixtures::toolchains()[0].version.clone();
    let pick = |go: &str, os: &str, arch: &str| {
        let f = shiplint_fixtures::all()
            .iter()
            .find(|f| f.go_version == go && f.goos == os && f.goarch == arch && f.variant == Variant::Stripped)
            .unwrap();
        (f.name(), f.path.clone())
    };
    let old = shiplint_fixtures::old_binaries().into_iter().find(|b| b.spec.contains("windows")).unwrap();
    let wasm = shiplint_fixtures::build(&shiplint_fixtures::newest(), "js", "wasm", Variant::Default).unwrap();
    vec![
        (wasm.name(), wasm.path),
        pick(&newest, "linux", "amd64"),
        pick(&newest, "darwin", "arm64"),
        pick(&newest, "windows", "amd64"),
        pick(&oldest, "linux", "386"),
        (old.spec.clone(), old.path),
    ]
}

#[test]
fn truncated_and_bit_flipped_binaries_fail_like_go_version() {
    let t = TempDir::new();
    let dir = t.path().join("in");
    fs::create_dir(&dir).unwrap();
    for (i, (name, path)) in bases().into_iter().enumerate() {
        let base = fs::read(&path).unwrap();
        let ms: Vec<(String, Vec<u8>)> =
            mutants(&base, 0x9e37_79b9 + i as u64, 150).into_iter().map(|(n, d)| (format!("{name}-{n}"), d)).collect();
        for (_, d) in &ms {
            read_everything(d);
        }
        write_all(&dir, &ms);
    }
    assert_same(&["-m", "-v", "in"], t.path());
}

/// Many more mutants, in memory only: nothing may panic.
#[test]
fn thousands_of_mutants_never_panic() {
    for (i, (_, path)) in bases().into_iter().enumerate() {
        let base = fs::read(&path).unwrap();
        for (_, m) in mutants(&base, 0x5eed + i as u64, 400) {
            read_everything(&m);
        }
    }
}
