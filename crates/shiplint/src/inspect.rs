//! `shiplint inspect`: every fact the reader knows about each named executable, and for a
//! container image, the facts of each platform's image.

use crate::image::{ImageSummary, size};
use crate::mapped::Mapped;
use crate::report::printable;
use rayon::prelude::*;
use serde::Serialize;
use shiplint_archive::package::Format;
use shiplint_gobin::{Executable, Facts};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

/// The JSON document `inspect --format json` prints (schema documented in docs/inspect-json.md).
#[derive(Serialize)]
pub struct FileReport {
    pub path: String,
    /// Set when the file could not be read; `slices` is then empty.
    pub error: Option<String>,
    /// True for a universal (fat) Mach-O.
    pub universal: bool,
    pub slices: Vec<Facts>,
    /// For a container image: one entry per platform.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<ImageSummary>,
    /// For an executable inside a package: the package and what it claims.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<PackageSummary>,
    /// For an executable inside an archive or package that records modes: its permission bits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<u32>,
}

/// What a package says of itself (docs/inspect-json.md, "Package").
#[derive(Clone, Serialize)]
pub struct PackageSummary {
    pub format: shiplint_archive::package::Format,
    pub name: Option<String>,
    pub version: Option<String>,
    /// The platform it claims, as it writes it (`control file Architecture: arm64`); empty when
    /// it claims none.
    pub claims: String,
}

impl FileReport {
    fn new(path: String) -> FileReport {
        FileReport {
            path,
            error: None,
            universal: false,
            slices: Vec::new(),
            images: Vec::new(),
            package: None,
            mode: None,
        }
    }

    /// The report of an executable's bytes shown as `path`.
    fn of_executable(path: String, bytes: &[u8]) -> FileReport {
        let mut report = FileReport::new(path);
        match Executable::parse(bytes) {
            Ok(exe) => {
                report.universal = exe.fat_arches.is_some();
                report.slices = exe.slices.iter().map(shiplint_gobin::facts).collect();
            }
            Err(e) => report.error = Some(e.to_string()),
        }
        report
    }
}

pub fn inspect_file(path: &str) -> FileReport {
    if let Some(opened) = crate::image::open_image(Path::new(path)) {
        let mut report = FileReport::new(path.to_string());
        match opened.and_then(|img| crate::image::summarize(path, &img)) {
            Ok(images) => report.images = images,
            Err(e) => report.error = Some(e),
        }
        return report;
    }
    match Mapped::open(Path::new(path)) {
        Ok(mapped) => FileReport::of_executable(path.to_string(), mapped.bytes()),
        Err(e) => FileReport { error: Some(e.to_string()), ..FileReport::new(path.to_string()) },
    }
}

/// The executables inside a release archive, one report each (`dist/api.tar.gz!api`).
fn inspect_archive(path: &str) -> Vec<FileReport> {
    let mut reports = Vec::new();
    let read = crate::release::each_executable(Path::new(path), |member, bytes, mode| {
        let location = format!("{path}!{member}");
        let report = match bytes {
            Ok(bytes) => FileReport::of_executable(location, bytes),
            Err(e) => FileReport { error: Some(e), ..FileReport::new(location) },
        };
        reports.push(FileReport { mode, ..report });
    });
    match read {
        Ok(metadata) if !matches!(metadata.format, Format::Tar | Format::Zip) => {
            let claim = crate::package::claim(&metadata);
            let summary = PackageSummary {
                format: metadata.format,
                name: metadata.name,
                version: metadata.version,
                claims: claim.said,
            };
            for r in &mut reports {
                r.package = Some(summary.clone());
            }
        }
        Ok(_) => {}
        Err(e) => reports.push(FileReport { error: Some(e), ..FileReport::new(path.to_string()) }),
    }
    reports
}

/// Runs `inspect` and returns the exit status: 2 when any file could not be read, else 0.
pub fn run(files: &[String], json: bool) -> i32 {
    let reports: Vec<FileReport> = files
        .par_iter()
        .flat_map_iter(|f| {
            let name = Path::new(f).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let archive = crate::release::is_archive_name(&name) && crate::image::open_image(Path::new(f)).is_none();
            if archive { inspect_archive(f) } else { vec![inspect_file(f)] }
        })
        .collect();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut status = 0;
    if json {
        let _ = serde_json::to_writer_pretty(&mut out, &reports);
        let _ = out.write_all(b"\n");
    }
    for r in &reports {
        if let Some(e) = &r.error {
            status = 2;
            let _ = out.flush();
            eprintln!("shiplint: {}: {}", printable(&r.path), printable(e));
        } else if !json {
            let _ = out.write_all(render(r).as_bytes());
        }
    }
    let _ = out.flush();
    status
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The human-readable form of an image: one block per platform.
fn render_images(images: &[ImageSummary]) -> String {
    let mut s = String::new();
    for im in images {
        let _ = writeln!(s, "{} [{}]", printable(&im.image), printable(&im.platform));
        let mut line = |k: &str, v: &str| {
            let _ = writeln!(s, "  {k:<18} {}", printable(v));
        };
        for t in &im.tags {
            line("tag", t);
        }
        line("user", im.user.as_deref().filter(|u| !u.is_empty()).unwrap_or("(root: not set)"));
        line("entrypoint", &format!("{:?}", im.entrypoint));
        line("cmd", &format!("{:?}", im.cmd));
        match (&im.program, &im.program_error) {
            (Some(p), _) => line("program", p),
            (None, Some(e)) => line("program", &format!("MISSING: {e}")),
            _ => {}
        }
        if let Some(w) = &im.working_dir {
            line("working dir", w);
        }
        for e in &im.env {
            line("env", e);
        }
        for (k, v) in &im.labels {
            line("label", &format!("{k}={v}"));
        }
        for (i, l) in im.layers.iter().enumerate() {
            let digest = match l.digest_ok {
                Some(false) => " DIGEST MISMATCH",
                _ => "",
            };
            line(
                "layer",
                &format!(
                    "{i}: {} {} stored, {} in {} entries{digest} {}",
                    l.compression,
                    size(l.size),
                    size(l.expanded),
                    l.entries,
                    l.digest.as_deref().unwrap_or("")
                ),
            );
        }
        line("files", &format!("{} ({})", im.files, size(im.file_bytes)));
        let loaders = if im.loaders.is_empty() { "none".to_string() } else { im.loaders.join(", ") };
        line("dynamic loaders", &loaders);
        for t in &im.go_toolchains {
            line("go toolchain", t);
        }
        for c in &im.c_compilers {
            line("c compiler", c);
        }
        for (p, e) in &im.executables {
            let what = match (&e.go_version, &e.interpreter) {
                (Some(v), Some(i)) => format!("{v}, needs {i}"),
                (Some(v), None) => format!("{v}, static"),
                (None, Some(i)) => format!("not Go, needs {i}"),
                (None, None) => "not Go, static".to_string(),
            };
            line("executable", &format!("/{p} ({}; {what})", size(e.size)));
        }
    }
    s
}

/// The human-readable form: one block per slice, one fact per line.
pub fn render(r: &FileReport) -> String {
    let mut s = render_images(&r.images);
    for (i, f) in r.slices.iter().enumerate() {
        let title = if r.universal { format!("{} [slice {i}: {}]", r.path, f.arch) } else { r.path.clone() };
        let _ = writeln!(s, "{}", printable(&title));
        let mut line = |k: &str, v: &str| {
            let _ = writeln!(s, "  {k:<18} {}", printable(v));
        };
        if let Some(p) = &r.package {
            let named = [p.name.as_deref(), p.version.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
            let claims = if p.claims.is_empty() { "claims no platform".to_string() } else { p.claims.clone() };
            line("package", &format!("{} {named} ({claims})", p.format.name()));
        }
        if let Some(mode) = r.mode {
            line("mode", &format!("{:04o}", mode & 0o7777));
        }
        line(
            "format",
            &format!(
                "{} {} {}-endian {}-bit",
                f.format.name(),
                f.arch,
                if f.endian == shiplint_gobin::Endian::Little { "little" } else { "big" },
                u32::from(f.pointer_size) * 8
            ),
        );
        match f.artifact {
            shiplint_gobin::Artifact::Executable => line("go executable", yes_no(f.is_go)),
            shiplint_gobin::Artifact::SharedLibrary => {
                let mode =
                    f.build_info.as_ref().and_then(|b| b.setting("-buildmode").map(|m| format!(" (-buildmode={m})")));
                line("go shared library", &format!("{}{}", yes_no(f.is_go), mode.unwrap_or_default()));
            }
        }
        if let Some(v) = &f.go_version {
            line("go version", v);
        }
        if let Some(bi) = &f.build_info {
            if !bi.path.is_empty() {
                line("package", &bi.path.to_str());
            }
            if bi.has_main_module() {
                line("main module", &format!("{} {}", bi.main.path, bi.main.version));
            } else {
                line("main module", "none (not built in module mode from a module)");
            }
            line("dependencies", &bi.deps.len().to_string());
            for st in &bi.settings {
                line("build setting", &format!("{}={}", st.key, st.value));
            }
        } else if let Some(e) = &f.build_info_error {
            line("buildinfo", e);
        }
        line("go build id", f.go_build_id.as_deref().unwrap_or("none"));
        if let Some(g) = &f.gnu_build_id {
            line("gnu build id", g);
        }
        if let Some(u) = &f.macho_uuid {
            line("uuid", u);
        }
        match &f.pclntab {
            Some(p) => {
                line(
                    "pclntab",
                    &format!(
                        "Go {} layout ({}), {} functions, {} files",
                        p.version.as_str(),
                        p.found_by,
                        p.function_count,
                        p.files.len()
                    ),
                );
            }
            None => line("pclntab", "not found"),
        }
        line(
            "symbol table",
            &if f.debug.symbol_table { format!("yes ({} symbols)", f.debug.defined_symbols) } else { "no".into() },
        );
        line(
            "dwarf",
            &if f.debug.dwarf {
                format!("yes{}", if f.debug.dwarf_compressed { " (compressed)" } else { "" })
            } else {
                "no".into()
            },
        );
        let kind = match f.linkage.kind {
            shiplint_gobin::LinkageKind::Static => "static",
            shiplint_gobin::LinkageKind::StaticPie => "static-pie",
            shiplint_gobin::LinkageKind::Dynamic => "dynamic",
            shiplint_gobin::LinkageKind::WasmHost => "wasm host",
        };
        line("linkage", kind);
        if let Some(i) = &f.linkage.interpreter {
            line("interpreter", i);
        }
        for l in &f.linkage.libraries {
            line("library", l);
        }
        if let Some(cs) = &f.code_signature {
            match &cs.code_directory {
                Some(cd) => {
                    let mut kinds = Vec::new();
                    if cd.adhoc {
                        kinds.push("adhoc")
                    }
                    if cd.linker_signed {
                        kinds.push("linker-signed")
                    }
                    if cd.hardened_runtime {
                        kinds.push("hardened-runtime")
                    }
                    line(
                        "code signature",
                        &format!(
                            "{} flags={:#x} ({}) id={} {}",
                            cd.hash_name,
                            cd.flags,
                            kinds.join(","),
                            cd.identifier,
                            match cd.pages_match {
                                Some(true) => "pages match",
                                Some(false) => "PAGES DO NOT MATCH",
                                None => "pages not checked",
                            }
                        ),
                    );
                    if let Some(t) = &cd.team_id {
                        line("team id", t)
                    }
                }
                None => line("code signature", cs.error.as_deref().unwrap_or("no code directory")),
            }
            if let Some(cms) = &cs.cms {
                line("signer", cms.signer.as_deref().or(cms.error.as_deref()).unwrap_or("none"));
                line("timestamp", yes_no(cms.timestamp_token));
            }
        } else if f.format == shiplint_gobin::Format::MachO {
            line("code signature", "none");
        }
        if let Some(p) = &f.pclntab {
            for file in &p.files {
                line("source file", file);
            }
        }
    }
    s
}
