//! `shiplint diff A B`: why two builds of the same program are not byte-identical, in Go terms.
//!
//! Each difference the two executables' facts show (Go release, BuildInfo settings and
//! dependencies, VCS stamps, `-ldflags` and each `-X`, source paths in the pclntab, strings such
//! as timestamps, linkage, stripping) becomes a cause with evidence from both sides and its fix;
//! causes are ranked by how much of the difference they explain. The Go build ID's four parts
//! say whether the inputs differed or the same inputs gave different output. Folders are paired
//! by relative path and release archives by member path, each pair diffed; an archive's own
//! metadata (modification times, owners, modes, order, compression, the gzip header) are causes
//! of their own. Images are paired by platform: config, creation time, and the merged file
//! systems file by file, the differing executables compared in depth.

use crate::defs::gobuild::x_assignments_text;
use crate::mapped::Mapped;
use crate::report::printable;
use serde::Serialize;
use sha2::{Digest, Sha256};
use shiplint_archive::image::{Image, Manifest};
use shiplint_archive::package::Format;
use shiplint_gobin::{Executable, Facts};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One reason the two builds differ.
#[derive(Clone, Debug, Serialize)]
pub struct Cause {
    /// What differs, in a sentence: "built by different Go releases".
    pub title: String,
    /// (what, A's side, B's side).
    pub evidence: Vec<(String, String, String)>,
    pub fix: String,
    /// How much of the difference it explains (higher first): a different Go release or commit
    /// changes everything; a `-X` value changes a string.
    pub weight: u32,
    /// The bytes differ only where this cause reaches (a string, a stamp, the build ID), so a
    /// pair with this cause alone is "identical except" it.
    pub confined: bool,
}

/// One pair of files and how they differ.
#[derive(Debug, Serialize)]
pub struct PairReport {
    pub a: String,
    pub b: String,
    pub identical: bool,
    /// "identical", "identical except …", or "differ: N causes".
    pub summary: String,
    pub causes: Vec<Cause>,
    /// The Go build IDs, and which of their parts differ.
    pub build_id: Option<BuildIdDiff>,
    /// Sections whose bytes differ: (name, size in A, size in B).
    pub sections: Vec<(String, u64, u64)>,
}

impl PairReport {
    fn new(a: &str, b: &str, identical: bool) -> PairReport {
        PairReport {
            a: a.to_string(),
            b: b.to_string(),
            identical,
            summary: String::new(),
            causes: Vec::new(),
            build_id: None,
            sections: Vec::new(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct BuildIdDiff {
    pub a: String,
    pub b: String,
    /// Names of the parts that differ: `binary action ID`, `main package action ID`,
    /// `main package content ID`, `binary content ID`.
    pub differing: Vec<&'static str>,
    /// What the differing parts mean.
    pub meaning: String,
}

/// The whole comparison: one report per paired file, files only one side has, and the pairs of
/// two folders that could not be compared (a FIFO, a device, a damaged archive), with the reason.
#[derive(Debug, Serialize)]
pub struct DiffReport {
    pub pairs: Vec<PairReport>,
    pub only_in_a: Vec<String>,
    pub only_in_b: Vec<String>,
    pub errors: Vec<String>,
}

impl DiffReport {
    pub fn identical(&self) -> bool {
        self.only_in_a.is_empty() && self.only_in_b.is_empty() && self.pairs.iter().all(|p| p.identical)
    }
}

fn cause(title: impl Into<String>, fix: &str, weight: u32, confined: bool) -> Cause {
    Cause { title: title.into(), evidence: Vec::new(), fix: fix.to_string(), weight, confined }
}

/// Orders causes by how much they explain; with none, `fallback` is the explanation left.
fn ranked(mut causes: Vec<Cause>, fallback: impl FnOnce() -> Cause) -> Vec<Cause> {
    if causes.is_empty() {
        causes.push(fallback());
    }
    causes.sort_by_key(|c| std::cmp::Reverse(c.weight));
    causes
}

impl Cause {
    /// Adds a line of evidence: what, A's side, B's side.
    fn with(mut self, what: impl Into<String>, a: impl Into<String>, b: impl Into<String>) -> Cause {
        self.evidence.push((what.into(), a.into(), b.into()));
        self
    }
}

fn show(v: Option<&str>) -> String {
    v.map_or_else(|| "(not set)".to_string(), str::to_string)
}

/// Build settings and what a difference in each means.
fn setting_cause(key: &str) -> (String, &'static str, u32) {
    match key {
        "-trimpath" => (
            "-trimpath in one build only: the other embeds the build machine's paths".into(),
            "build both with -trimpath",
            85,
        ),
        "CGO_ENABLED" => (
            "cgo on in one build, off in the other (a C compiler was present, or CGO_ENABLED was set)".into(),
            "set CGO_ENABLED explicitly in every build",
            80,
        ),
        "GOOS" | "GOARCH" => ("built for different platforms".into(), "compare builds of one GOOS/GOARCH", 100),
        k if k.starts_with("GOAMD64")
            || k.starts_with("GOARM")
            || k.starts_with("GO386")
            || k.starts_with("GOMIPS")
            || k.starts_with("GOPPC64")
            || k.starts_with("GORISCV64")
            || k.starts_with("GOWASM") =>
        {
            (format!("different {k} (instruction set level)"), "set the same GOAMD64/GOARM-style level everywhere", 80)
        }
        "GOEXPERIMENT" => ("different GOEXPERIMENT".into(), "build with the same GOEXPERIMENT", 80),
        "-tags" => ("different build tags (-tags)".into(), "build with the same -tags", 70),
        "-buildmode" => ("different -buildmode".into(), "build with the same -buildmode", 80),
        "-race" | "-msan" | "-asan" | "-cover" => (format!("{key} in one build only"), "build both the same way", 80),
        "-gcflags" | "-asmflags" | "-pgo" => (format!("different {key}"), "build with the same flags", 70),
        "DefaultGODEBUG" => (
            "different DefaultGODEBUG (the go line of go.mod or //go:debug directives differ)".into(),
            "build from the same go.mod",
            50,
        ),
        k if k.starts_with("CGO_") => (
            format!("different {k}: the C toolchain was invoked differently"),
            "set the same CGO_* flags in every build",
            60,
        ),
        k => (format!("different build setting {k}"), "build both the same way", 40),
    }
}

/// The parts of a Go executable's build ID, as cmd/go lays them out:
/// actionID(binary)/actionID(main.a)/contentID(main.a)/contentID(binary).
fn build_id_diff(a: &str, b: &str) -> BuildIdDiff {
    const NAMES: [&str; 4] =
        ["binary action ID", "main package action ID", "main package content ID", "binary content ID"];
    let pa: Vec<&str> = a.split('/').collect();
    let pb: Vec<&str> = b.split('/').collect();
    let differing: Vec<&'static str> = if pa.len() == 4 && pb.len() == 4 {
        (0..4).filter(|&i| pa[i] != pb[i]).map(|i| NAMES[i]).collect()
    } else if a != b {
        vec!["build ID"]
    } else {
        Vec::new()
    };
    let meaning = match (pa.len() == 4 && pb.len() == 4, differing.as_slice()) {
        // Bazel links every binary with -buildid=redacted: equal, and about nothing.
        (_, []) if !crate::symbol_store::identifies_a_build(a) => {
            format!("both {}: it says nothing of the inputs", if a.is_empty() { "blank" } else { "redacted" })
        }
        (_, []) => "equal: the same inputs gave the same content".to_string(),
        (true, d) if d.contains(&"binary action ID") || d.contains(&"main package action ID") => {
            "the action IDs differ: the builds had different inputs (source, flags, toolchain, dependencies or paths); \
             the build ID is a symptom of that, and blanking it with -ldflags=-buildid= fixes nothing"
                .to_string()
        }
        (true, _) => "the action IDs are equal but the content IDs differ: the same inputs gave different output \
                     (a step Go does not hash, such as the C toolchain of a cgo build)"
            .to_string(),
        (false, _) => "the build IDs differ (one was changed or blanked with -ldflags=-buildid=)".to_string(),
    };
    BuildIdDiff { a: a.to_string(), b: b.to_string(), differing, meaning }
}

/// Printable runs of at least 8 bytes, for finding the strings that differ.
fn strings(data: &[u8]) -> HashSet<&[u8]> {
    let mut out = HashSet::new();
    let mut start = None;
    for (i, &b) in data.iter().enumerate() {
        let printable = (0x20..0x7f).contains(&b);
        match (printable, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s >= 8 {
                    out.insert(&data[s..i]);
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Whether a printable run reads as a value someone wrote (a host name, a version, a path)
/// rather than machine code or packed data that happens to be printable: letters, digits and the
/// punctuation of names only, and its letters make words. Each run of letters is read as words
/// (`buildHost`, `HTTPServer`, `alice`); a capital with one lowercase letter (`Mw`, `Hs`) is
/// what noise looks like, and lone letters (`v1.2.3`) may be no more than the words.
fn looks_like_text(s: &str) -> bool {
    if !s.bytes().all(|b| b.is_ascii_alphanumeric() || b" ._:/@+=,-".contains(&b)) {
        return false;
    }
    let (mut word_letters, mut words, mut lone) = (0, 0, 0);
    for run in s.as_bytes().split(|b| !b.is_ascii_alphabetic()) {
        let mut at = 0;
        while at < run.len() {
            let upper = run[at..].iter().take_while(|b| b.is_ascii_uppercase()).count();
            let lower = run[at + upper..].iter().take_while(|b| b.is_ascii_lowercase()).count();
            at += upper + lower;
            // The last capital before lowercase letters starts that word (`HTTP` + `Server`).
            let (acronym, capital) = if lower > 0 && upper > 0 { (upper - 1, 1) } else { (upper, 0) };
            for (len, is_word) in [(acronym, acronym >= 2), (capital + lower, lower >= 2)] {
                match len {
                    0 => {}
                    _ if is_word => (word_letters, words) = (word_letters + len, words + 1),
                    1 => lone += 1,
                    _ => return false,
                }
            }
        }
    }
    word_letters >= 3 && lone <= words
}

/// Whether a build records what went into it (a main module, dependencies or build settings):
/// Bazel and `go tool link` builds record at most the Go version.
fn records_inputs(f: &Facts) -> bool {
    f.build_info.as_ref().is_some_and(|b| !b.records_only_go_version())
}

/// The version numbers (`1.28.1`, `v1.28.1`, `go1.27.3`: three or more dotted numbers) in a
/// printable run, each as the word it is part of.
fn versions_in(s: &[u8]) -> Vec<String> {
    let is_version = |word: &[u8]| {
        word.split(|b| !b.is_ascii_digit() && *b != b'.').any(|run| {
            let parts: Vec<&[u8]> = run.split(|b| *b == b'.').collect();
            parts.len() >= 3 && parts.iter().all(|p| !p.is_empty())
        })
    };
    s.split(|b| !(b.is_ascii_alphanumeric() || b"._+-".contains(b)))
        .filter(|word| is_version(word))
        .map(|word| String::from_utf8_lossy(word).into_owned())
        .collect()
}

/// What kind of value a string that differs looks like.
fn string_kind(s: &str) -> Option<&'static str> {
    let digits: Vec<bool> = s.bytes().map(|b| b.is_ascii_digit()).collect();
    let date = s.as_bytes().windows(10).enumerate().any(|(i, w)| {
        w[4] == b'-' && w[7] == b'-' && digits[i..i + 4].iter().all(|d| *d) && digits[i + 5] && digits[i + 6]
    });
    let clock = s
        .as_bytes()
        .windows(8)
        .enumerate()
        .any(|(i, w)| w[2] == b':' && w[5] == b':' && digits[i] && digits[i + 1] && digits[i + 3] && digits[i + 4]);
    if date || clock {
        Some("a timestamp")
    } else if s.contains("/home/") || s.contains("/Users/") || s.contains("C:\\Users\\") {
        Some("a home directory")
    } else if s.starts_with('/') {
        Some("a path")
    } else {
        None
    }
}

/// The folders that differ between two sets of source paths: each path only one side has is
/// paired with the other side's path sharing the longest tail of components, and the differing
/// heads (`/home/alice/api` vs `/build/api`) are counted, most common first.
fn path_roots(a: &[String], b: &[String]) -> Vec<(String, String)> {
    const MAX_PATHS: usize = 5000;
    let (aset, bset): (HashSet<&String>, HashSet<&String>) = (a.iter().collect(), b.iter().collect());
    let only_b: Vec<Vec<&str>> =
        b.iter().filter(|p| !aset.contains(p)).take(MAX_PATHS).map(|p| p.split('/').collect()).collect();
    let mut by_name: BTreeMap<&str, Vec<&Vec<&str>>> = BTreeMap::new();
    for p in &only_b {
        by_name.entry(p.last().copied().unwrap_or("")).or_default().push(p);
    }
    let mut heads: BTreeMap<(String, String), usize> = BTreeMap::new();
    for pa in a.iter().filter(|p| !bset.contains(p)).take(MAX_PATHS) {
        let ca: Vec<&str> = pa.split('/').collect();
        let common = |cb: &Vec<&str>| ca.iter().rev().zip(cb.iter().rev()).take_while(|(x, y)| x == y).count();
        let candidates = by_name.get(ca.last().copied().unwrap_or("")).into_iter().flatten();
        let Some((cb, n)) = candidates.map(|cb| (cb, common(cb))).max_by_key(|(_, n)| *n) else { continue };
        if n < 2 {
            continue;
        }
        let head = |c: &[&str]| match c[..c.len() - n].join("/") {
            h if h.is_empty() => "(none: trimmed)".to_string(),
            h => h,
        };
        *heads.entry((head(&ca), head(cb))).or_default() += 1;
    }
    let mut out: Vec<((String, String), usize)> = heads.into_iter().collect();
    out.sort_by_key(|x| std::cmp::Reverse(x.1));
    out.into_iter().map(|(p, _)| p).take(3).collect()
}

/// Compares two Go executables' facts and bytes.
fn diff_facts(fa: &Facts, fb: &Facts, a: &[u8], b: &[u8], sections: &[(String, u64, u64)]) -> Vec<Cause> {
    let mut causes = Vec::new();
    if (fa.format, &fa.arch) != (fb.format, &fb.arch) {
        causes.push(cause("built for different platforms", "compare builds of one GOOS/GOARCH", 100, false).with(
            "format",
            format!("{} {}", fa.format.name(), fa.arch),
            format!("{} {}", fb.format.name(), fb.arch),
        ));
    }
    if !causes.is_empty() {
        // Everything else differs because the platform does.
        return causes;
    }
    let release_differs = fa.go_version != fb.go_version;
    if release_differs {
        causes.push(cause(
            "built by different Go releases",
            "pin one release: a go.mod toolchain line with GOTOOLCHAIN=local, the same image tag or setup-go version",
            90,
            false,
        ).with("Go", show(fa.go_version.as_deref()), show(fb.go_version.as_deref())));
    }
    let (bia, bib) = (fa.build_info.as_ref(), fb.build_info.as_ref());
    let setting = |bi: Option<&shiplint_gobin::buildinfo::BuildInfo>, k: &str| {
        bi.and_then(|b| b.setting(k)).map(|v| v.into_owned())
    };
    // Every setting either side has, in the order Go writes them.
    let mut keys: Vec<String> = Vec::new();
    for bi in [bia, bib].into_iter().flatten() {
        for s in &bi.settings {
            let k = s.key.to_str().into_owned();
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    for key in &keys {
        let (va, vb) = (setting(bia, key), setting(bib, key));
        if va == vb {
            continue;
        }
        match key.as_str() {
            "-ldflags" => causes.extend(ldflags_causes(va.as_deref().unwrap_or(""), vb.as_deref().unwrap_or(""))),
            "vcs.revision" => {
                causes.push(cause("built from different commits", "compare builds of one commit", 95, false).with(
                    "vcs.revision",
                    show(va.as_deref()),
                    show(vb.as_deref()),
                ));
            }
            "vcs.modified" => {
                causes.push(
                    cause(
                        "one build is from a modified working tree (vcs.modified=true): uncommitted changes, or an \
                     untracked file, went into it",
                        "build releases from a clean checkout (git status --porcelain prints nothing)",
                        55,
                        false,
                    )
                    .with("vcs.modified", show(va.as_deref()), show(vb.as_deref())),
                );
            }
            "vcs.time" | "vcs" | "vcs.tag" => {
                causes.push(cause(format!("different {key} stamps"), "build from the same commit", 20, true).with(
                    key.clone(),
                    show(va.as_deref()),
                    show(vb.as_deref()),
                ));
            }
            // A release's defaults: part of the release difference.
            "DefaultGODEBUG" if release_differs => {
                if let Some(c) = causes.iter_mut().find(|c| c.title == "built by different Go releases") {
                    c.evidence.push((key.clone(), show(va.as_deref()), show(vb.as_deref())));
                }
            }
            _ => {
                let (title, fix, weight) = setting_cause(key);
                match causes.iter_mut().find(|c| c.title == title) {
                    Some(c) => c.evidence.push((key.clone(), show(va.as_deref()), show(vb.as_deref()))),
                    None => {
                        causes.push(cause(title, fix, weight, false).with(
                            key.clone(),
                            show(va.as_deref()),
                            show(vb.as_deref()),
                        ));
                    }
                }
            }
        }
    }
    if let (Some(x), Some(y)) = (bia, bib) {
        let versions = |bi: &shiplint_gobin::buildinfo::BuildInfo| -> BTreeMap<String, String> {
            bi.deps
                .iter()
                .map(|m| {
                    let v = match &m.replace {
                        Some(r) => format!("{} => {} {}", m.version.to_str(), r.path.to_str(), r.version.to_str()),
                        None => m.version.to_str().into_owned(),
                    };
                    (m.path.to_str().into_owned(), v)
                })
                .collect()
        };
        let (da, db) = (versions(x), versions(y));
        let mut c = cause(
            "dependency versions differ",
            "commit go.mod and go.sum, and build with -mod=readonly (the default) from them",
            60,
            false,
        );
        for path in da.keys().chain(db.keys()).collect::<BTreeSet<_>>() {
            let (va, vb) = (da.get(path), db.get(path));
            if va != vb {
                c.evidence.push((path.clone(), show(va.map(String::as_str)), show(vb.map(String::as_str))));
            }
        }
        if !c.evidence.is_empty() {
            causes.push(c);
        }
        if x.main.version != y.main.version {
            causes.push(cause("different main module versions", "build from the same tag", 30, true).with(
                "version",
                x.main.version.to_str().into_owned(),
                y.main.version.to_str().into_owned(),
            ));
        }
    }
    // Source paths recorded in the pclntab (another Go release compiles other runtime files).
    if let (Some(pa), Some(pb)) = (&fa.pclntab, &fb.pclntab) {
        if pa.files != pb.files && !release_differs {
            let roots = path_roots(&pa.files, &pb.files);
            let trimmed = setting(bia, "-trimpath").is_some() && setting(bib, "-trimpath").is_some();
            // With paths trimmed, another file set follows from a setting already named (GOAMD64,
            // tags, cgo...): only an unexplained one is a cause of its own.
            let explained = trimmed && causes.iter().any(|c| c.weight >= 60);
            let title = if trimmed {
                "different source files were compiled".to_string()
            } else {
                "the builds ran in different folders without -trimpath: the build directory, GOROOT or module cache \
                 paths are embedded"
                    .to_string()
            };
            let mut c = cause(title, "build with -trimpath", if trimmed { 60 } else { 85 }, false);
            for (ra, rb) in roots {
                c.evidence.push(("source path".into(), ra, rb));
            }
            // Merged into an existing -trimpath cause when there is one: it is the same story.
            match causes.iter_mut().find(|c| c.title.starts_with("-trimpath in one build only")) {
                Some(t) => t.evidence.extend(c.evidence),
                None if !explained => causes.push(c),
                None => {}
            }
        }
    }
    if fa.linkage.interpreter != fb.linkage.interpreter || fa.linkage.libraries != fb.linkage.libraries {
        let mut c = cause(
            "linked differently (dynamic loader or libraries)",
            "build with the same cgo setting and C toolchain",
            70,
            false,
        );
        c.evidence.push((
            "interpreter".into(),
            show(fa.linkage.interpreter.as_deref()),
            show(fb.linkage.interpreter.as_deref()),
        ));
        c.evidence.push(("libraries".into(), fa.linkage.libraries.join(" "), fb.linkage.libraries.join(" ")));
        causes.push(c);
    }
    let stripped = |f: &Facts| match (f.debug.symbol_table, f.debug.dwarf) {
        (true, true) => "symbol table and DWARF",
        (true, false) => "symbol table, no DWARF",
        (false, true) => "DWARF, no symbol table",
        (false, false) => "neither (stripped)",
    };
    if stripped(fa) != stripped(fb) && !causes.iter().any(|c| c.evidence.iter().any(|e| e.0 == "-s/-w")) {
        causes.push(cause("one build is stripped (-s -w or strip)", "strip both the same way", 75, false).with(
            "debug info",
            stripped(fa),
            stripped(fb),
        ));
    }
    // Strings that differ: timestamps, paths, user names put in by -X or at build time.
    let (sa, sb) = (strings(a), strings(b));
    let differing = |x: &HashSet<&[u8]>, y: &HashSet<&[u8]>| -> Vec<String> {
        let mut v: Vec<String> = x
            .difference(y)
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .filter(|s| string_kind(s).is_some())
            .collect();
        v.sort();
        v.truncate(5);
        v
    };
    let (only_a, only_b) = (differing(&sa, &sb), differing(&sb, &sa));
    let timestamps = only_a.iter().chain(&only_b).filter(|s| string_kind(s) == Some("a timestamp")).count();
    let named_x = causes.iter().any(|c| c.title.starts_with("-X values differ"));
    if timestamps > 0 && !named_x && causes.iter().all(|c| c.weight < 85) {
        causes.push(cause(
            "embedded timestamps differ: a value taken from the clock at build time (an -X from $(date), or similar)",
            "derive it from the commit (git log -1 --format=%cI) or SOURCE_DATE_EPOCH",
            45,
            true,
        ).with("strings", only_a.join(" | "), only_b.join(" | ")));
    }
    // Nothing recorded differs: strings that do (a host or user name from -X under -trimpath,
    // say) are the best evidence left. The build IDs are strings too, and not the cause.
    let ids: Vec<&str> = [&fa.go_build_id, &fb.go_build_id].into_iter().flatten().map(String::as_str).collect();
    let other = |x: &HashSet<&[u8]>, y: &HashSet<&[u8]>| -> Vec<String> {
        let mut v: Vec<String> = x
            .difference(y)
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .filter(|s| s.len() <= 120 && !ids.iter().any(|id| s.contains(id)) && looks_like_text(s))
            .collect();
        v.sort();
        v.truncate(5);
        v
    };
    let (strings_a, strings_b) = (other(&sa, &sb), other(&sb, &sa));
    let code = sections.iter().find(|(name, ..)| name == ".text" || name == "__text");
    if let Some((name, size_a, size_b)) =
        code.filter(|_| causes.is_empty() && !records_inputs(fa) && !records_inputs(fb))
    {
        // Builds that bypass cmd/go (Bazel, go tool link) record no inputs: the code is the evidence.
        let words = |x: &HashSet<&[u8]>| -> BTreeSet<String> { x.iter().flat_map(|s| versions_in(s)).collect() };
        let (wa, wb) = (words(&sa), words(&sb));
        let versions =
            |x: &BTreeSet<String>, y: &BTreeSet<String>| -> Vec<String> { x.difference(y).take(5).cloned().collect() };
        let mut c = cause(
            "the code changed: the machine code differs, and neither build records its inputs (its BuildInfo holds at most the Go version) to say why",
            "compare the sources and dependencies the two builds compiled (build with cmd/go to have them recorded)",
            50,
            false,
        )
        .with("code", format!("{name} {size_a} bytes"), format!("{name} {size_b} bytes"));
        let (va, vb) = (versions(&wa, &wb), versions(&wb, &wa));
        if !(va.is_empty() && vb.is_empty()) {
            c.evidence.push(("version strings".into(), va.join(" | "), vb.join(" | ")));
        }
        causes.push(c);
    }
    if causes.is_empty() && !(strings_a.is_empty() && strings_b.is_empty()) {
        causes.push(
            cause(
                "embedded strings differ: a value that changes between builds (a host or user name, an -X value)",
                "set such values from the commit, or leave them out of release builds",
                20,
                true,
            )
            .with("strings", strings_a.join(" | "), strings_b.join(" | ")),
        );
    }
    ranked(causes, || {
        let names: Vec<&str> = sections.iter().map(|(n, _, _)| n.as_str()).collect();
        cause(
            "no recorded input differs: the bytes differ in places Go does not record",
            "compare the build environments (C toolchain for cgo, post-processing such as strip, upx or codesign)",
            1,
            false,
        )
        .with("sections", names.join(" "), String::new())
    })
}

/// The causes in two `-ldflags` values: each `-X` that differs, and the other flags.
fn ldflags_causes(a: &str, b: &str) -> Vec<Cause> {
    let mut out = Vec::new();
    let (xa, xb) = (x_assignments_text(a), x_assignments_text(b));
    let lookup = |xs: &[(String, String)], k: &str| xs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let mut names: Vec<&String> = xa.iter().chain(&xb).map(|(n, _)| n).collect();
    names.sort();
    names.dedup();
    let mut x = cause("-X values differ", "set -X values from the commit, not from the clock or the host", 40, true);
    for n in names {
        let (va, vb) = (lookup(&xa, n), lookup(&xb, n));
        if va != vb {
            if va.iter().chain(&vb).any(|v| string_kind(v) == Some("a timestamp")) {
                x.title = "-X values differ, one from the clock at build time".into();
                x.fix = "derive it from the commit (git log -1 --format=%cI) or SOURCE_DATE_EPOCH".into();
            }
            x.evidence.push((format!("-X {n}"), show(va.as_deref()), show(vb.as_deref())));
        }
    }
    if !x.evidence.is_empty() {
        out.push(x);
    }
    let other = |s: &str| -> Vec<String> {
        crate::defs::gobuild::split_quoted(s)
            .into_iter()
            .scan(false, |skip, f| {
                let keep = !*skip && f != "-X";
                *skip = f == "-X";
                Some(keep.then_some(f))
            })
            .flatten()
            .collect()
    };
    let (oa, ob) = (other(a), other(b));
    if oa != ob {
        let strips = |o: &[String]| o.iter().any(|f| f == "-s" || f == "-w");
        let mut c = if strips(&oa) != strips(&ob) {
            cause("one build is stripped (-s -w)", "strip both the same way", 75, false)
        } else {
            cause("different linker flags", "build with the same -ldflags", 70, false)
        };
        c.evidence.push(("-s/-w".into(), oa.join(" "), ob.join(" ")));
        out.push(c);
    }
    out
}

fn sha(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Sections whose bytes differ, by name.
fn section_diffs(ea: &Executable<'_>, eb: &Executable<'_>) -> Vec<(String, u64, u64)> {
    let (Some(ca), Some(cb)) = (ea.slices.first(), eb.slices.first()) else { return Vec::new() };
    fn bytes<'a>(c: &shiplint_gobin::Container<'a>, s: &shiplint_gobin::Section) -> Option<&'a [u8]> {
        if !s.in_file {
            return None;
        }
        let start = usize::try_from(s.offset).ok()?;
        c.data.get(start..start.checked_add(usize::try_from(s.size).ok()?)?)
    }
    let mut out = Vec::new();
    // ELF's section 0 has no name and no bytes: it is no place the builds can differ.
    for sa in ca.sections.iter().filter(|s| !s.name.is_empty()) {
        let sb = cb.sections.iter().find(|s| s.name == sa.name && s.segment == sa.segment);
        let same = match sb {
            Some(sb) => sa.size == sb.size && bytes(ca, sa).map(sha) == bytes(cb, sb).map(sha),
            None => false,
        };
        if !same {
            out.push((sa.name.clone(), sa.size, sb.map_or(0, |s| s.size)));
        }
    }
    for sb in cb
        .sections
        .iter()
        .filter(|sb| !sb.name.is_empty() && !ca.sections.iter().any(|s| s.name == sb.name && s.segment == sb.segment))
    {
        out.push((sb.name.clone(), 0, sb.size));
    }
    out
}

/// Compares two files' bytes.
pub fn diff_pair(a_name: &str, a: &[u8], b_name: &str, b: &[u8]) -> PairReport {
    let mut report = PairReport::new(a_name, b_name, a == b);
    if report.identical {
        report.summary = "identical".into();
        return report;
    }
    match (Executable::parse(a), Executable::parse(b)) {
        (Ok(ea), Ok(eb)) if !ea.slices.is_empty() && !eb.slices.is_empty() => {
            let (fa, fb) = (shiplint_gobin::facts(&ea.slices[0]), shiplint_gobin::facts(&eb.slices[0]));
            // Sections of two platforms are not the same sections: the platform is the story.
            if (fa.format, &fa.arch) == (fb.format, &fb.arch) {
                report.sections = section_diffs(&ea, &eb);
            }
            if let (Some(ia), Some(ib)) = (&fa.go_build_id, &fb.go_build_id) {
                report.build_id = Some(build_id_diff(ia, ib));
            }
            report.causes = diff_facts(&fa, &fb, a, b, &report.sections);
        }
        _ => {
            report.causes.push(cause(
                format!(
                    "the contents differ ({} vs {} bytes); neither side is an executable shiplint reads",
                    a.len(),
                    b.len()
                ),
                "compare the steps that produce this file",
                1,
                false,
            ));
        }
    }
    report.summary = summary(&report.causes, false);
    report
}

/// The largest archive member read for comparison.
const MAX_MEMBER: u64 = 512 << 20;

/// One file of a release archive, with the metadata that can differ between equal files.
struct Member {
    path: String,
    mode: u32,
    uid: u64,
    mtime: u64,
    sha256: [u8; 32],
    /// Kept for executables, which are compared in depth.
    bytes: Option<Vec<u8>>,
}

/// A release archive's members in order, its compression, and the gzip header's stamp (the
/// modification time and file name `gzip` records unless run with -n).
struct Listing {
    compression: &'static str,
    gzip_stamp: Option<(u32, String)>,
    members: Vec<Member>,
}

fn gzip_stamp(data: &[u8]) -> Option<(u32, String)> {
    if !data.starts_with(&[0x1f, 0x8b]) || data.len() < 10 {
        return None;
    }
    let flags = data[3];
    let mtime = u32::from_le_bytes([data[4], data[5], data[6], data[7]]);
    let mut at = 10;
    if flags & 0x04 != 0 {
        at += 2 + usize::from(u16::from_le_bytes([*data.get(10)?, *data.get(11)?]));
    }
    let name = if flags & 0x08 != 0 {
        let rest = data.get(at..)?;
        let end = rest.iter().position(|&b| b == 0)?;
        String::from_utf8_lossy(&rest[..end]).into_owned()
    } else {
        String::new()
    };
    Some((mtime, name))
}

fn member(path: String, mode: u32, uid: u64, mtime: u64, bytes: Vec<u8>) -> Member {
    let keep = shiplint_gobin::looks_executable(&bytes);
    Member { path, mode, uid, mtime, sha256: sha(&bytes), bytes: keep.then_some(bytes) }
}

/// Reads a release archive's or package's members (nothing is extracted); `name` is its file
/// name, which tells a wheel, an npm tarball or a bottle from a plain archive.
fn listing(data: &[u8], name: &str) -> Result<Listing, String> {
    let file_name = Path::new(name).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut package = shiplint_archive::package::Package::open(data, &file_name).map_err(|e| e.to_string())?;
    let mut members = Vec::new();
    while let Some(e) = package.next_member().map_err(|e| e.to_string())? {
        if e.kind != shiplint_archive::tar::Kind::File {
            continue;
        }
        let bytes = package.data(MAX_MEMBER).map_err(|err| format!("{}: {err}", e.path))?;
        members.push(member(e.path, e.mode.unwrap_or(0), e.uid, e.mtime, bytes));
    }
    let compression = package.compression();
    // A package's payload is inside it: the file's own gzip header is a plain archive's only.
    let plain = matches!(package.metadata.format, Format::Tar | Format::Npm | Format::Bottle);
    Ok(Listing { compression, gzip_stamp: if plain { gzip_stamp(data) } else { None }, members })
}

/// Two release archives: the files inside paired by path and compared in depth, and the
/// archive's own metadata (times, owners, modes, order, compression) as causes of their own.
fn diff_archives(a_name: &str, a: &[u8], b_name: &str, b: &[u8], report: &mut DiffReport) -> Result<(), String> {
    let (la, lb) = (
        listing(a, a_name).map_err(|e| format!("{a_name}: {e}"))?,
        listing(b, b_name).map_err(|e| format!("{b_name}: {e}"))?,
    );
    let mut archive = PairReport::new(a_name, b_name, a == b);
    let mut differing = Vec::new();
    for ma in &la.members {
        let Some(mb) = lb.members.iter().find(|m| m.path == ma.path) else {
            report.only_in_a.push(format!("{a_name}!{}", ma.path));
            continue;
        };
        if ma.sha256 != mb.sha256 {
            differing.push(ma.path.clone());
        }
        if let (Some(ba), Some(bb)) = (&ma.bytes, &mb.bytes) {
            report.pairs.push(diff_pair(&format!("{a_name}!{}", ma.path), ba, &format!("{b_name}!{}", mb.path), bb));
        }
    }
    for mb in lb.members.iter().filter(|m| !la.members.iter().any(|x| x.path == m.path)) {
        report.only_in_b.push(format!("{b_name}!{}", mb.path));
    }
    if !archive.identical {
        let paired: Vec<(&Member, &Member)> =
            la.members.iter().filter_map(|x| lb.members.iter().find(|y| y.path == x.path).map(|y| (x, y))).collect();
        let first = |what: &str, f: fn(&Member) -> String| -> Option<(String, String, String)> {
            paired.iter().find(|(x, y)| f(x) != f(y)).map(|(x, y)| (format!("{what} of {}", x.path), f(x), f(y)))
        };
        if !differing.is_empty() {
            archive.causes.push(cause("files inside differ", "see each file's own comparison", 90, false).with(
                "files",
                differing.join(", "),
                String::new(),
            ));
        }
        // (what, how to read it, what a difference means, the fix)
        type Metadata = (&'static str, fn(&Member) -> String, &'static str, &'static str);
        let metadata: [Metadata; 3] = [
            (
                "mtime",
                |m: &Member| m.mtime.to_string(),
                "the archive records each file's modification time, and they differ",
                "set them from the commit: tar --mtime=@$SOURCE_DATE_EPOCH (goreleaser: mod_timestamp)",
            ),
            (
                "owner",
                |m: &Member| m.uid.to_string(),
                "the archive records each file's owner, and they differ",
                "tar --owner=0 --group=0 --numeric-owner",
            ),
            (
                "mode",
                |m: &Member| format!("{:o}", m.mode),
                "file modes differ",
                "chmod the files the same way before archiving",
            ),
        ];
        for (what, f, title, fix) in metadata {
            if let Some(ev) = first(what, f) {
                let mut c = cause(title, fix, 40, true);
                c.evidence.push(ev);
                archive.causes.push(c);
            }
        }
        let order = |l: &Listing| l.members.iter().map(|m| m.path.clone()).collect::<Vec<_>>();
        if order(&la) != order(&lb) && paired.len() == la.members.len() && la.members.len() == lb.members.len() {
            archive.causes.push(
                cause("the files are stored in another order", "tar --sort=name (GNU tar 1.28+)", 30, true).with(
                    "order",
                    order(&la).join(" "),
                    order(&lb).join(" "),
                ),
            );
        }
        if la.compression != lb.compression {
            archive.causes.push(
                cause("compressed with different formats", "compress both the same way", 60, false).with(
                    "compression",
                    la.compression,
                    lb.compression,
                ),
            );
        } else if la.gzip_stamp != lb.gzip_stamp {
            let stamp =
                |s: &Option<(u32, String)>| s.as_ref().map_or(String::new(), |(t, n)| format!("mtime {t} name {n:?}"));
            let mut c = cause(
                "the gzip headers differ: gzip records the time (and name) of its input unless run with -n",
                "gzip -n (or tar ... | gzip -n); goreleaser's archives already do",
                35,
                true,
            );
            c.evidence.push(("gzip header".into(), stamp(&la.gzip_stamp), stamp(&lb.gzip_stamp)));
            archive.causes.push(c);
        }
        archive.causes = ranked(std::mem::take(&mut archive.causes), || {
            cause(
                "the same files, compressed to other bytes (another compressor version or level)",
                "compress with the same tool and level",
                10,
                true,
            )
        });
    }
    archive.summary = summary(&archive.causes, archive.identical);
    report.pairs.insert(0, archive);
    Ok(())
}

/// "identical", "identical except: …" (one cause, confined), or "differ: N causes".
fn summary(causes: &[Cause], identical: bool) -> String {
    match causes {
        _ if identical => "identical".into(),
        [only] if only.confined => format!("identical except: {}", only.title),
        [_] => "differ: 1 cause".to_string(),
        causes => format!("differ: {} causes", causes.len()),
    }
}

/// A regular file of an image's merged file system, as the comparison needs it.
struct ImageFile {
    sha256: [u8; 32],
    mode: u32,
    uid: u64,
    mtime: u64,
    executable: bool,
}

/// An image's regular files by path, and the bytes of those asked for.
type ImageContents = (BTreeMap<String, ImageFile>, BTreeMap<String, Vec<u8>>);

/// Streams one platform's image: every regular file of the merged file system with its content
/// hash and metadata, and the bytes of the executables named in `keep`.
fn image_files(image: &Image<'_>, manifest: &Manifest, keep: &BTreeSet<String>) -> Result<ImageContents, String> {
    let merged = image
        .merge(manifest, |_, entry, data| {
            if entry.kind != shiplint_archive::tar::Kind::File {
                return Ok(None);
            }
            let (path, _) = shiplint_archive::fs::clean(&entry.path);
            let mut hasher = Sha256::new();
            let mut head = Vec::new();
            let mut body = keep.contains(&path).then(Vec::new);
            let mut buf = [0u8; 1 << 16];
            loop {
                let n = data.read_some(&mut buf)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                if head.len() < 8 {
                    head.extend_from_slice(&buf[..n.min(8)]);
                }
                if let Some(b) = body.as_mut().filter(|b| (b.len() as u64) < MAX_MEMBER) {
                    b.extend_from_slice(&buf[..n]);
                }
            }
            let file = ImageFile {
                sha256: hasher.finalize().into(),
                mode: entry.mode,
                uid: entry.uid,
                mtime: entry.mtime,
                executable: shiplint_gobin::looks_executable(&head),
            };
            Ok(Some((file, body)))
        })
        .map_err(|e| e.to_string())?;
    let mut files = BTreeMap::new();
    let mut kept = BTreeMap::new();
    for (path, (file, body)) in merged.files {
        if let Some(body) = body {
            kept.insert(path.clone(), body);
        }
        files.insert(path, file);
    }
    Ok((files, kept))
}

/// Two images: platforms paired, configs compared, the merged file systems compared file by
/// file, and the executables that differ compared in depth.
fn diff_images(
    a_name: &str,
    ia: &Image<'_>,
    b_name: &str,
    ib: &Image<'_>,
    report: &mut DiffReport,
) -> Result<(), String> {
    for ma in &ia.manifests {
        let platform = ma.platform.label();
        let Some(mb) = ib.manifests.iter().find(|m| m.platform.label() == platform) else {
            report.only_in_a.push(format!("{a_name} [{platform}]"));
            continue;
        };
        let (na, nb) = (format!("{a_name} [{platform}]"), format!("{b_name} [{platform}]"));
        let same_layers = ma.layers.iter().map(|l| &l.digest).eq(mb.layers.iter().map(|l| &l.digest));
        let same_config = ma.config_digest.is_some() && ma.config_digest == mb.config_digest;
        let mut pair = PairReport::new(&na, &nb, same_layers && same_config);
        let executables = if pair.identical { Vec::new() } else { image_causes(ia, ma, ib, mb, &na, &nb, &mut pair)? };
        pair.summary = summary(&pair.causes, pair.identical);
        report.pairs.push(pair);
        report.pairs.extend(executables);
    }
    for mb in &ib.manifests {
        if !ia.manifests.iter().any(|m| m.platform.label() == mb.platform.label()) {
            report.only_in_b.push(format!("{b_name} [{}]", mb.platform.label()));
        }
    }
    Ok(())
}

/// The causes two platform images differ by, into `pair`; the comparisons of the executables
/// that differ are returned.
fn image_causes(
    ia: &Image<'_>,
    ma: &Manifest,
    ib: &Image<'_>,
    mb: &Manifest,
    na: &str,
    nb: &str,
    pair: &mut PairReport,
) -> Result<Vec<PairReport>, String> {
    let (ca, cb) = (&ma.config, &mb.config);
    if ca.created != cb.created {
        pair.causes.push(
            cause(
                "the images' creation times differ",
                "build with SOURCE_DATE_EPOCH set (BuildKit records it as the creation time)",
                30,
                true,
            )
            .with("created", show(ca.created.as_deref()), show(cb.created.as_deref())),
        );
    }
    let run = |c: &shiplint_archive::image::Config| -> Vec<(String, String)> {
        let r = &c.config;
        let list = |v: &Option<Vec<String>>| v.as_ref().map_or_else(|| "(not set)".to_string(), |v| v.join(" "));
        let mut v = vec![
            ("User".to_string(), show(r.user.as_deref())),
            ("Entrypoint".into(), list(&r.entrypoint)),
            ("Cmd".into(), list(&r.cmd)),
            ("Env".into(), list(&r.env)),
            ("WorkingDir".into(), show(r.working_dir.as_deref())),
        ];
        v.extend(r.labels.iter().flatten().map(|(k, val)| (format!("label {k}"), val.clone())));
        v
    };
    let (ra, rb) = (run(ca), run(cb));
    let mut config = cause(
        "the image configs differ",
        "set the same config (ENV, USER, ENTRYPOINT, LABEL) in both builds",
        50,
        false,
    );
    for (k, va) in &ra {
        let vb = rb.iter().find(|(kb, _)| kb == k).map(|(_, v)| v.clone());
        if vb.as_ref() != Some(va) {
            config.evidence.push((k.clone(), va.clone(), show(vb.as_deref())));
        }
    }
    for (k, vb) in rb.iter().filter(|(k, _)| !ra.iter().any(|(ka, _)| ka == k)) {
        config.evidence.push((k.clone(), "(not set)".into(), vb.clone()));
    }
    if !config.evidence.is_empty() {
        config.confined = config.evidence.iter().all(|(k, ..)| k.starts_with("label "));
        pair.causes.push(config);
    }
    let none = BTreeSet::new();
    let ((fa, _), (fb, _)) = (image_files(ia, ma, &none)?, image_files(ib, mb, &none)?);
    let differing: Vec<&String> =
        fa.iter().filter(|(p, f)| fb.get(*p).is_some_and(|g| g.sha256 != f.sha256)).map(|(p, _)| p).collect();
    let only: Vec<String> = fa
        .keys()
        .filter(|p| !fb.contains_key(*p))
        .map(|p| format!("A /{p}"))
        .chain(fb.keys().filter(|p| !fa.contains_key(*p)).map(|p| format!("B /{p}")))
        .collect();
    if !differing.is_empty() {
        let mut c = cause("files differ", "see each executable's own comparison", 90, false);
        let list: Vec<String> = differing.iter().take(10).map(|p| format!("/{p}")).collect();
        c.evidence.push(("files".into(), list.join(", "), String::new()));
        pair.causes.push(c);
    }
    if !only.is_empty() {
        pair.causes.push(
            cause("files only one image has", "build both from the same Dockerfile and context", 80, false).with(
                "files",
                only.iter().take(10).cloned().collect::<Vec<_>>().join(", "),
                String::new(),
            ),
        );
    }
    let equal: Vec<(&String, &ImageFile, &ImageFile)> =
        fa.iter().filter_map(|(p, f)| fb.get(p).filter(|g| g.sha256 == f.sha256).map(|g| (p, f, g))).collect();
    if let Some((p, f, g)) = equal.iter().find(|(_, f, g)| f.mtime != g.mtime) {
        pair.causes.push(cause(
            "file modification times in the layers differ",
            "build with SOURCE_DATE_EPOCH and BuildKit's rewrite-timestamp=true, so layer files get the commit's time",
            40,
            true,
        ).with(format!("mtime of /{p}"), f.mtime.to_string(), g.mtime.to_string()));
    }
    if let Some((p, f, g)) = equal.iter().find(|(_, f, g)| f.uid != g.uid || f.mode != g.mode) {
        pair.causes.push(
            cause("file owners or modes in the layers differ", "COPY --chown/--chmod the same way", 35, true).with(
                format!("owner, mode of /{p}"),
                format!("{} {:o}", f.uid, f.mode),
                format!("{} {:o}", g.uid, g.mode),
            ),
        );
    }
    pair.causes = ranked(std::mem::take(&mut pair.causes), || {
        cause(
            "the same files, stored in other layer bytes (order, compression, or layer boundaries)",
            "build with the same builder version and compression",
            10,
            true,
        )
    });
    // The executables that differ, compared in depth.
    let keep: BTreeSet<String> =
        differing.iter().filter(|p| fa[**p].executable).take(16).map(|p| (*p).clone()).collect();
    let mut executables = Vec::new();
    if !keep.is_empty() {
        let ((_, ba), (_, bb)) = (image_files(ia, ma, &keep)?, image_files(ib, mb, &keep)?);
        for p in &keep {
            if let (Some(x), Some(y)) = (ba.get(p), bb.get(p)) {
                executables.push(diff_pair(&format!("{na} /{p}"), x, &format!("{nb} /{p}"), y));
            }
        }
    }
    Ok(executables)
}

/// Whether two release files claim the same platform (both OS and architecture) and are the same
/// kind of file (both archives of one format, or both not archives).
fn same_platform(a: &Path, b: &Path) -> bool {
    let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let (na, nb) = (name(a), name(b));
    let claims = |n: &str| match crate::release::named_platform(n) {
        (Some(os), Some(arch)) => Some((os, arch)),
        _ => None,
    };
    let kind = |n: &str| {
        [".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".tar", ".zip", ".exe", ".deb", ".rpm", ".whl"]
            .into_iter()
            .find(|e| n.ends_with(e))
    };
    claims(&na).is_some() && claims(&na) == claims(&nb) && kind(&na) == kind(&nb) && a.parent() == b.parent()
}

/// Every file under `dir` that is not a folder, by path relative to it: FIFOs, devices and
/// links to them too, so that comparing them fails aloud instead of passing as identical.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(_) => out.extend(p.strip_prefix(dir).ok().map(Path::to_path_buf)),
                Err(_) => {}
            }
        }
    }
    out.sort();
    out
}

fn read(path: &Path) -> Result<Mapped, String> {
    Mapped::open(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Compares two files: release archives member by member, anything else as a whole.
fn diff_files(a: &Path, b: &Path, report: &mut DiffReport) -> Result<(), String> {
    let archive = |p: &Path| p.file_name().is_some_and(|n| crate::release::is_archive_name(&n.to_string_lossy()));
    let (ma, mb) = (read(a)?, read(b)?);
    let (na, nb) = (a.display().to_string(), b.display().to_string());
    if archive(a) && archive(b) {
        return diff_archives(&na, ma.bytes(), &nb, mb.bytes(), report);
    }
    report.pairs.push(diff_pair(&na, ma.bytes(), &nb, mb.bytes()));
    Ok(())
}

/// Compares two files of two folders; one that cannot be read is an error of its own, and the
/// other pairs are still compared.
fn diff_folder_pair(a: &Path, b: &Path, report: &mut DiffReport) {
    if let Err(e) = diff_files(a, b, report) {
        report.errors.push(e);
    }
}

/// Compares two images platform by platform, two files, or two folders file by file (paired by
/// relative path).
pub fn diff(a: &Path, b: &Path) -> Result<DiffReport, String> {
    let mut report = DiffReport { pairs: Vec::new(), only_in_a: Vec::new(), only_in_b: Vec::new(), errors: Vec::new() };
    if let (Some(ia), Some(ib)) = (crate::image::open_image(a), crate::image::open_image(b)) {
        let (ia, ib) =
            (ia.map_err(|e| format!("{}: {e}", a.display()))?, ib.map_err(|e| format!("{}: {e}", b.display()))?);
        diff_images(&a.display().to_string(), &ia, &b.display().to_string(), &ib, &mut report)?;
        return Ok(report);
    }
    match (a.is_dir(), b.is_dir()) {
        (false, false) => diff_files(a, b, &mut report)?,
        (true, true) => {
            let (fa, fb) = (files_under(a), files_under(b));
            let mut unpaired_b: Vec<&PathBuf> = fb.iter().filter(|r| !fa.contains(r)).collect();
            for rel in &fa {
                if fb.contains(rel) {
                    diff_folder_pair(&a.join(rel), &b.join(rel), &mut report);
                    continue;
                }
                // Names that differ only by version (`api_1.0.0_linux_amd64.tar.gz`, `api_1.0.1_...`)
                // are paired by the platform they claim.
                match unpaired_b.iter().position(|r| same_platform(rel, r)) {
                    Some(i) => {
                        let other = unpaired_b.remove(i);
                        diff_folder_pair(&a.join(rel), &b.join(other), &mut report);
                    }
                    None => report.only_in_a.push(a.join(rel).display().to_string()),
                }
            }
            report.only_in_b = unpaired_b.iter().map(|r| b.join(r).display().to_string()).collect();
        }
        _ => return Err("compare a file with a file, or a folder with a folder".into()),
    }
    Ok(report)
}

/// The human-readable report.
pub fn render(r: &DiffReport) -> String {
    let mut s = String::new();
    for p in &r.pairs {
        let _ = writeln!(s, "{} vs {}: {}", printable(&p.a), printable(&p.b), p.summary);
        for (i, c) in p.causes.iter().enumerate() {
            let _ = writeln!(s, "  {}. {}", i + 1, c.title);
            for (what, va, vb) in &c.evidence {
                let _ = writeln!(s, "       {what}: A {}", printable(va));
                if !vb.is_empty() {
                    let _ = writeln!(s, "       {:w$}  B {}", "", printable(vb), w = what.len());
                }
            }
            let _ = writeln!(s, "     fix: {}", c.fix);
        }
        if let Some(id) = &p.build_id {
            if !id.differing.is_empty() {
                let _ = writeln!(s, "  build ID: {} differ: {}", id.differing.join(", "), id.meaning);
            }
        }
        if !p.sections.is_empty() {
            let list: Vec<String> = p
                .sections
                .iter()
                .take(12)
                .map(|(n, x, y)| if x == y { n.clone() } else { format!("{n} ({x} → {y} bytes)") })
                .collect();
            let _ = writeln!(s, "  sections that differ: {}", list.join(", "));
        }
    }
    for f in &r.only_in_a {
        let _ = writeln!(s, "only in A: {}", printable(f));
    }
    for f in &r.only_in_b {
        let _ = writeln!(s, "only in B: {}", printable(f));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_id_parts() {
        let same_inputs = build_id_diff("A/M/m/c1", "A/M/m/c2");
        assert_eq!(same_inputs.differing, ["binary content ID"]);
        assert!(same_inputs.meaning.starts_with("the action IDs are equal but the content IDs differ"));
        assert!(build_id_diff("A1/M/m/c1", "A2/M/m/c2").meaning.starts_with("the action IDs differ"));
        assert!(build_id_diff("", "A/M/m/c").meaning.contains("blanked"));
        assert!(build_id_diff("A/M/m/c", "A/M/m/c").differing.is_empty());
        assert_eq!(build_id_diff("redacted", "redacted").meaning, "both redacted: it says nothing of the inputs");
    }

    #[test]
    fn text_and_versions_are_told_from_binary_noise() {
        assert!(looks_like_text("buildhost-alpha") && looks_like_text("/usr/local/go/src"));
        assert!(!looks_like_text("H9D$0w+H") && !looks_like_text("12345678") && !looks_like_text("AVAUATUS^_"));
        // Words as values are written, and printable noise from bazelisk's code and tables.
        for text in ["alice", "buildHost", "HTTPServer", "v1.2.3-dirty", "ci-runner-42", "ip-10-0-0-12.ec2.internal"] {
            assert!(looks_like_text(text), "{text}");
        }
        for noise in
            ["nW=5TMw@", "+DdZ-qox", "0a-u8UKK8D", "1HsCMby@", ",jatEf_nFOr", "/cFVrQrM", "07w77777", "/WQ6/p6+,"]
        {
            assert!(!looks_like_text(noise), "{noise}");
        }
        assert_eq!(versions_in(b"bazelisk 1.28.1%v1.28.0\x01go1.27.3"), ["1.28.1", "v1.28.0", "go1.27.3"]);
        assert!(versions_in(b"1.28 no version 12..3.4 .").is_empty());
    }

    #[test]
    fn kinds_of_strings_and_path_roots() {
        assert_eq!(string_kind("built 2024-01-02T10:00:00Z"), Some("a timestamp"));
        assert_eq!(string_kind("at 10:05:33 by ci"), Some("a timestamp"));
        assert_eq!(string_kind("/home/alice/src/x.go"), Some("a home directory"));
        assert_eq!(string_kind("version v1.2.3-rc1"), None);
        let a = ["/home/alice/api/main.go".to_string(), "/home/alice/api/lib/x.go".into(), "fmt/print.go".into()];
        let b = ["/build/api/main.go".to_string(), "/build/api/lib/x.go".into(), "fmt/print.go".into()];
        assert_eq!(path_roots(&a, &b), [("/home/alice".to_string(), "/build".to_string())]);
    }
}
