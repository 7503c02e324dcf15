//! Release folders, archives and packages: the Go executables a release ships (loose in a folder
//! such as `dist/`, inside `.tar.gz`/`.tgz`/`.tar.xz`/`.tar.zst`/`.tar`/`.zip` archives, or in
//! `.deb`, `.rpm`, wheel, npm and Homebrew bottle packages, all read in place), the platform
//! their names and packages claim, and the checksum files beside them.

use crate::finding::{Finding, JudgeExecutable, Location, RuleMeta};
use crate::mapped::Mapped;
use crate::package::PackageFacts;
use sha2::{Digest, Sha256};
use shiplint_archive::package::{Metadata, Package};
use shiplint_archive::tar::Kind;
use shiplint_gobin::{Container, Executable, Facts, Format};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The largest archive member read (Go programs are tens of megabytes).
const MAX_MEMBER: u64 = 512 << 20;

/// A Go executable as a release ships it.
#[derive(Clone, Debug)]
pub struct Shipped {
    /// Where it is: `dist/api` or `dist/api_linux_amd64.tar.gz!api`.
    pub location: String,
    /// The name users see: the file name, or the member's path inside its archive.
    pub name: String,
    /// The archive's file name, when it is inside one.
    pub archive: Option<String>,
    /// (GOOS, GOARCH) of each slice (several for a universal binary).
    pub platforms: Vec<(String, String)>,
    pub format: Format,
    /// A shared library (c-shared, plugin, DLL), which is loaded, not run.
    pub shared_library: bool,
    pub sha256: String,
    /// Permission bits recorded by the archive (tar, or zip made on unix).
    pub mode: Option<u32>,
    /// A Mach-O signed with a certificate (Developer ID), not only ad hoc.
    pub certificate_signed: bool,
    /// The IDs debuggers and symbol servers find each slice's symbols by.
    pub debug_ids: Vec<DebugId>,
    /// The ELF program interpreter of each slice that has one (`/lib/ld-musl-x86_64.so.1`).
    pub interpreters: Vec<String>,
    /// The package it ships in (a `.deb`, `.rpm`, wheel, npm tarball or bottle).
    pub package: Option<Arc<PackageFacts>>,
}

/// A GNU build ID or Mach-O UUID, with what tells the build it belongs to from another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DebugId {
    /// `GNU build ID <hex>` or `Mach-O UUID <uuid>`.
    pub id: String,
    /// GOOS/GOARCH.
    pub platform: String,
    /// The Go release, main module version and Go build ID, or where that is blanked or
    /// redacted (Bazel) a digest of the machine code: two files that differ here are different
    /// builds, not a build and its stripped copy.
    pub build: String,
    /// The Go build ID is blanked or redacted, so a GNU build ID or UUID the linker derived from
    /// it is the same for every such build.
    pub go_build_id_hidden: bool,
}

impl DebugId {
    fn of(f: &Facts, slice: &Container<'_>, (goos, goarch): &(String, String)) -> Option<DebugId> {
        let id = match (&f.gnu_build_id, &f.macho_uuid) {
            (Some(gnu), _) => format!("GNU build ID {gnu}"),
            (None, Some(uuid)) => format!("Mach-O UUID {uuid}"),
            (None, None) => return None,
        };
        let main_version = f.build_info.as_ref().map(|b| b.main.version.to_str().into_owned()).unwrap_or_default();
        let go_build_id = f.go_build_id.as_deref().filter(|id| crate::symbol_store::identifies_a_build(id));
        let build_id = match go_build_id {
            Some(go_build_id) => go_build_id.to_string(),
            None => format!("code {:x}", Sha256::digest(crate::symbol_store::code(slice).unwrap_or_default())),
        };
        let build = format!("{} {main_version} {build_id}", f.go_version.as_deref().unwrap_or_default());
        Some(DebugId { id, platform: format!("{goos}/{goarch}"), build, go_build_id_hidden: go_build_id.is_none() })
    }
}

/// A checksum file (`checksums.txt`, `SHA256SUMS`, `*.sha256`) and what it lists.
#[derive(Clone, Debug)]
pub struct ChecksumFile {
    pub path: PathBuf,
    /// (line, expected SHA-256 in lowercase hex, file name) of each entry.
    pub entries: Vec<(usize, String, String)>,
}

/// Everything a scan found that a release is made of.
#[derive(Debug, Default)]
pub struct ReleaseFacts {
    pub shipped: Vec<Shipped>,
    pub checksums: Vec<ChecksumFile>,
}

impl ReleaseFacts {
    pub fn finding(&self, meta: &'static RuleMeta, location: &str, fact: &str, message: String, help: &str) -> Finding {
        meta.finding(Location::artifact(location, None, fact), message, help)
    }
}

/// Whether a file name is a checksum file shiplint reads.
pub fn is_checksum_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "sha256sums" || lower == "sha256sums.txt" || lower.ends_with("checksums.txt") || lower.ends_with(".sha256")
}

/// Reads a checksum file in `sha256sum` format (`HEX  name` or `HEX *name`); other lines are
/// skipped, and so is a file that holds no such line.
pub fn read_checksums(path: &Path, text: &str) -> ChecksumFile {
    let entries = text
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let (hex, rest) = line.trim().split_once(char::is_whitespace)?;
            let hex = hex.to_ascii_lowercase();
            let name = rest.trim_start().trim_start_matches('*').trim();
            let ok = hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) && !name.is_empty();
            ok.then(|| (i + 1, hex, name.to_string()))
        })
        .collect();
    ChecksumFile { path: path.to_path_buf(), entries }
}

/// The SHA-256 of the file `name` a checksum file in `dir` lists, streamed: only a regular file
/// that resolves inside `dir` is read (a listed FIFO would block, a link could lead anywhere).
pub fn file_sha256(dir: &Path, name: &str) -> std::io::Result<String> {
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let real = dir.join(name).canonicalize()?;
    if !real.starts_with(dir.canonicalize()?) {
        return Err(std::io::Error::other(format!("it resolves outside {}", dir.display())));
    }
    let file = shiplint_archive::open_regular(&real).map_err(std::io::Error::other)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::io::BufReader::new(file), &mut hasher)?;
    Ok(format!("{:x}", hasher.finalize()))
}

pub use crate::platform_names::named_platform;

/// The (GOOS, GOARCH) of each slice: GOOS from BuildInfo when recorded, else from the format (and
/// a wasm module's imports).
fn platforms(slices: &[Facts]) -> Vec<(String, String)> {
    slices
        .iter()
        .map(|f| {
            let goos = f.build_info.as_ref().and_then(|b| b.setting("GOOS").map(|s| s.into_owned()));
            let goos = goos.unwrap_or_else(|| {
                match f.format {
                    Format::Elf => "linux",
                    Format::MachO => "darwin",
                    Format::Pe => "windows",
                    Format::Plan9 => "plan9",
                    Format::Wasm => shiplint_gobin::wasm::goos_of_imports(&f.linkage.libraries).unwrap_or("js"),
                }
                .to_string()
            });
            (goos, f.arch.clone())
        })
        .collect()
}

/// A Go executable's release facts and binary findings; `None` when `bytes` are an executable
/// but not a Go one, an error when they are no executable the reader knows.
pub fn shipped(
    location: &str,
    name: &str,
    archive: Option<&str>,
    bytes: &[u8],
    mode: Option<u32>,
    judge: &JudgeExecutable<'_>,
) -> Result<Option<(Vec<Finding>, Shipped)>, String> {
    let exe = Executable::parse(bytes).map_err(|e| e.to_string())?;
    let (slices, findings) = judge(location, &exe);
    let (Some(findings), Some(first)) = (findings, slices.first()) else { return Ok(None) };
    let facts = Shipped {
        location: location.to_string(),
        name: name.to_string(),
        archive: archive.map(str::to_string),
        platforms: platforms(&slices),
        format: first.format,
        shared_library: first.artifact == shiplint_gobin::Artifact::SharedLibrary,
        sha256: format!("{:x}", Sha256::digest(bytes)),
        mode,
        certificate_signed: slices.iter().any(|f| f.code_signature.as_ref().is_some_and(|s| s.has_cms_signer())),
        debug_ids: (slices.iter().zip(&exe.slices).zip(&platforms(&slices)))
            .filter_map(|((f, slice), p)| DebugId::of(f, slice, p))
            .collect(),
        interpreters: slices.iter().filter_map(|f| f.linkage.interpreter.clone()).collect(),
        package: None,
    };
    Ok(Some((findings, facts)))
}

/// Whether a file name is a release archive or package shiplint opens.
pub fn is_archive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".tar", ".zip"].iter().any(|e| lower.ends_with(e))
        || shiplint_archive::package::is_package_name(&lower)
}

/// What an archive holds: binary findings and release facts of its Go executables, and the
/// members that look like executables but could not be read (member path, reason).
#[derive(Debug)]
pub struct ArchiveReport {
    pub findings: Vec<Finding>,
    pub shipped: Vec<Shipped>,
    pub unreadable: Vec<(String, String)>,
}

/// How much of a member is read to tell whether it is an executable.
const MEMBER_HEAD: usize = 8;

/// Calls `visit(member path, bytes, mode)` for every executable in a release archive or package
/// (tar in any compression, zip, `.deb`, `.rpm`, wheel, npm tarball, bottle), read in place:
/// nothing is extracted. An executable too large to read is visited with the reason instead of
/// its bytes, so that it is not passed over in silence. Returns what the package says of itself.
pub fn each_executable(
    path: &Path,
    mut visit: impl FnMut(&str, Result<&[u8], String>, Option<u32>),
) -> Result<Metadata, String> {
    let mapped = Mapped::open(path)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut package = Package::open(mapped.bytes(), &name).map_err(|e| e.to_string())?;
    while let Some(member) = package.next_member().map_err(|e| e.to_string())? {
        if member.kind != Kind::File || member.size < 64 {
            continue;
        }
        let head = package.head(MEMBER_HEAD).map_err(|e| format!("{}: {e}", member.path))?;
        if shiplint_gobin::looks_executable(&head) {
            let bytes = package.data(MAX_MEMBER).map_err(|e| e.to_string());
            visit(&member.path, bytes.as_deref().map_err(Clone::clone), member.mode);
        }
    }
    Ok(package.metadata)
}

/// Reads a release archive or package in place: the release facts of the Go executables in it,
/// each judged by the engine where it lies (`app.tar.gz!bin/app`).
pub fn read_archive(path: &Path, judge: &JudgeExecutable<'_>) -> Result<ArchiveReport, String> {
    let display = path.display().to_string();
    let archive = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut report = ArchiveReport { findings: Vec::new(), shipped: Vec::new(), unreadable: Vec::new() };
    let metadata = each_executable(path, |member, bytes, mode| {
        let location = format!("{display}!{member}");
        match bytes.and_then(|bytes| shipped(&location, member, Some(&archive), bytes, mode, judge)) {
            Ok(Some((findings, facts))) => {
                report.findings.extend(findings);
                report.shipped.push(facts);
            }
            Ok(None) => {}
            Err(e) => report.unreadable.push((location, e)),
        }
    })?;
    if !matches!(metadata.format, shiplint_archive::package::Format::Tar | shiplint_archive::package::Format::Zip) {
        let package = Arc::new(crate::package::facts(&display, &metadata));
        for s in &mut report.shipped {
            s.package = Some(package.clone());
        }
    }
    Ok(report)
}
