//! A pure, zero-copy reader of Go executables: ELF, Mach-O (thin and universal) and PE, and Go's
//! WebAssembly modules.
//!
//! No policy, no printing, no I/O: callers hand in the file's bytes (usually memory-mapped) and get
//! back facts. Nothing here panics on hostile input or allocates in proportion to an unchecked
//! length field; every read is bounds-checked against the bytes given.
//!
//! - [`Executable::parse`] identifies the container and its slices.
//! - [`read_build_info`] is Go's `debug/buildinfo.Read`, failure for failure.
//! - [`facts`] gathers everything known about one slice: Go version, BuildInfo, build IDs,
//!   pclntab and its file table, symbol table and DWARF presence, linkage, code signature.

pub mod buildid;
pub mod buildinfo;
mod bytes;
pub mod codesign;
pub mod container;
pub mod elf;
mod facts;
mod goquote;
pub mod macho;
pub mod pclntab;
pub mod pe;
pub mod plan9;
pub mod symbols;
pub mod wasm;

pub use buildinfo::{BuildInfo, BuildInfoError, BuildSetting, GoString, Module};
pub use bytes::Endian;
pub use container::{Container, Format, Section, Segment};
pub use facts::{Artifact, DebugInfo, Facts, GoVersionSource, Linkage, LinkageKind, facts};
pub use goquote::{quote as go_quote, unquote as go_unquote};

use std::fmt;

/// Why a file could not be read as an executable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// Not ELF, Mach-O, PE, Plan 9 or WebAssembly.
    Unrecognized,
    /// The right magic number, but headers that break the format's rules.
    Malformed(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unrecognized => f.write_str("not an ELF, Mach-O, PE or WebAssembly executable"),
            Error::Malformed(m) => write!(f, "malformed executable: {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// An executable file: one container, or the slices of a universal Mach-O.
#[derive(Clone, Debug)]
pub struct Executable<'a> {
    pub slices: Vec<Container<'a>>,
    /// The fat header's entries when the file is a universal binary.
    pub fat_arches: Option<Vec<macho::FatArch>>,
}

impl<'a> Executable<'a> {
    pub fn parse(data: &'a [u8]) -> Result<Self, Error> {
        if macho::is_fat(data) {
            let arches = macho::fat_arches(data)?;
            let slices = arches.iter().map(|a| macho::parse(macho::fat_slice(data, a))).collect::<Result<_, _>>()?;
            return Ok(Executable { slices, fat_arches: Some(arches) });
        }
        Ok(Executable { slices: vec![parse_thin(data)?], fat_arches: None })
    }
}

/// Parses a single-architecture container.
pub fn parse_thin(data: &[u8]) -> Result<Container<'_>, Error> {
    match data.get(..4) {
        Some(b"\x7fELF") => elf::parse(data),
        Some([b'M', b'Z', ..]) => pe::parse(data),
        _ if macho::is_thin(data) => macho::parse(data),
        _ if plan9::is_plan9(data) => plan9::parse(data),
        _ if wasm::is_wasm(data) => wasm::parse(data),
        _ => Err(Error::Unrecognized),
    }
}

/// Go's `debug/buildinfo.Read` on a whole file: the same format sniffing (the first of a universal
/// binary's slices), the same search, the same errors.
pub fn read_build_info(data: &[u8]) -> Result<BuildInfo, BuildInfoError> {
    let Some(ident) = data.get(..16) else {
        return Err(BuildInfoError::UnrecognizedFormat);
    };
    let go_reads = ident.starts_with(b"\x7fELF")
        || ident.starts_with(b"MZ")
        || ident.starts_with(b"\xfe\xed\xfa")
        || ident[1..].starts_with(b"\xfa\xed\xfe")
        || ident.starts_with(b"\xca\xfe\xba\xbe")
        || plan9::is_plan9(ident);
    if !go_reads {
        return Err(BuildInfoError::UnrecognizedFormat);
    }
    let exe = Executable::parse(data).map_err(|_| BuildInfoError::UnrecognizedFormat)?;
    // Go's macho.NewFatFile reads only 32-bit fat headers and wants one Mach-O type in all slices.
    if let Some(arches) = &exe.fat_arches {
        let file_types = exe.slices.iter().map(|c| match &c.details {
            container::Details::MachO(m) => m.file_type,
            _ => 0,
        });
        if macho::is_fat64(data) || file_types.collect::<std::collections::HashSet<_>>().len() > 1 || arches.is_empty()
        {
            return Err(BuildInfoError::UnrecognizedFormat);
        }
    }
    let first = exe.slices.first().ok_or(BuildInfoError::UnrecognizedFormat)?;
    buildinfo::read(first)
}

/// Whether the first bytes are an executable format the reader knows.
pub fn looks_executable(head: &[u8]) -> bool {
    let fat = crate::macho::is_fat(head)
        // Java class files share the fat magic; their "architecture count" is a class-file version.
        && head.get(4..8).and_then(|n| <[u8; 4]>::try_from(n).ok()).is_some_and(|n| u32::from_be_bytes(n) < 64);
    head.starts_with(b"\x7fELF")
        || head.starts_with(b"MZ")
        || crate::macho::is_thin(head)
        || crate::plan9::is_plan9(head)
        || crate::wasm::is_wasm(head)
        || fat
}
