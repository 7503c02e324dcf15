//! The pclntab: the runtime's own table of functions, lines and source files. `-s -w` never removes
//! it, so its file table is where build-host paths leak from (panic traces, `runtime.Caller`).

use crate::bytes::{self, Endian};
use crate::container::{Container, Format};
use serde::Serialize;

/// The layouts `debug/gosym` knows, named by the first Go release that wrote them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PclntabVersion {
    #[serde(rename = "1.2")]
    Go12,
    #[serde(rename = "1.16")]
    Go116,
    #[serde(rename = "1.18")]
    Go118,
    #[serde(rename = "1.20")]
    Go120,
}

impl PclntabVersion {
    fn from_magic(m: u32) -> Option<Self> {
        match m {
            0xffff_fffb => Some(Self::Go12),
            0xffff_fffa => Some(Self::Go116),
            0xffff_fff0 => Some(Self::Go118),
            0xffff_fff1 => Some(Self::Go120),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Go12 => "1.2",
            Self::Go116 => "1.16",
            Self::Go118 => "1.18",
            Self::Go120 => "1.20",
        }
    }
}

/// A located, decoded pclntab.
#[derive(Clone, Debug, Serialize)]
pub struct Pclntab {
    pub version: PclntabVersion,
    /// Where it was found: a section name, `runtime.pclntab`, `scan` (found by its header), or
    /// `linear memory` (a wasm module's data segments).
    pub found_by: String,
    /// Where the table starts in the file (in a wasm module: its linear-memory address).
    pub file_offset: u64,
    pub function_count: u64,
    /// Source file names in table order, each once.
    pub files: Vec<String>,
}

/// Locates the pclntab by section, then by symbol, then by scanning for a valid header.
pub fn find(c: &Container<'_>) -> Option<Pclntab> {
    let by_section = [".gopclntab", ".data.rel.ro.gopclntab", "__gopclntab"];
    for name in by_section {
        if let Some(s) = c.section(name) {
            let off = s.offset;
            if let Some(t) = s.data(c.data).and_then(|d| decode(d, c.endian, c.ptr_size)) {
                return Some(Pclntab { found_by: name.into(), file_offset: off, ..t });
            }
        }
    }
    if let (Some(start), Some(end)) =
        (crate::symbols::lookup(c, "runtime.pclntab"), crate::symbols::lookup(c, "runtime.epclntab"))
    {
        if let Some(off) = c.addr_to_offset(start.addr) {
            let len = end.addr.saturating_sub(start.addr);
            if let Some(t) = bytes::slice(c.data, off, len).and_then(|d| decode(d, c.endian, c.ptr_size)) {
                return Some(Pclntab { found_by: "runtime.pclntab".into(), file_offset: off, ..t });
            }
        }
    }
    scan(c)
}

/// Finds the table by its header in read-only data, as PE binaries linked with `-s` need.
fn scan(c: &Container<'_>) -> Option<Pclntab> {
    let candidates = c.sections.iter().filter(|s| s.in_file && !(c.format == Format::Elf && s.kind == 8));
    candidates.filter_map(|s| Some((s.offset, s.data(c.data)?))).find_map(|(offset, data)| {
        let (at, t) = scan_bytes(data, c.endian, c.ptr_size)?;
        Some(Pclntab { found_by: "scan".into(), file_offset: offset + at as u64, ..t })
    })
}

/// The table in a wasm module's linear memory (see [`crate::wasm::memory_image`]), whose data
/// segments split it at every run of zeros. Its `file_offset` is its linear-memory address.
pub fn find_in_memory(memory: &[u8], base: u64, e: Endian, ptr_size: u8) -> Option<Pclntab> {
    let (at, t) = scan_bytes(memory, e, ptr_size)?;
    Some(Pclntab { found_by: "linear memory".into(), file_offset: base + at as u64, ..t })
}

/// The first aligned, valid table header in `data`, and where it starts.
fn scan_bytes(data: &[u8], e: Endian, ptr_size: u8) -> Option<(usize, Pclntab)> {
    let align = usize::from(ptr_size.max(4));
    for magic in [0xffff_fff1u32, 0xffff_fff0, 0xffff_fffa, 0xffff_fffb] {
        let pat = match e {
            Endian::Little => magic.to_le_bytes(),
            Endian::Big => magic.to_be_bytes(),
        };
        for i in memchr::memmem::find_iter(data, &pat) {
            if i % align != 0 {
                continue;
            }
            if let Some(t) = decode(&data[i..], e, ptr_size) {
                return Some((i, t));
            }
        }
    }
    None
}

/// Decodes the header and file table of the pclntab at the start of `d`.
pub fn decode(d: &[u8], e: Endian, ptr_size: u8) -> Option<Pclntab> {
    let version = PclntabVersion::from_magic(e.u32(d, 0)?)?;
    let (pad, quantum, psize) = (d.get(4..6)?, *d.get(6)?, *d.get(7)?);
    if pad != [0, 0] || !matches!(quantum, 1 | 2 | 4) || psize != ptr_size {
        return None;
    }
    let p = usize::from(psize);
    let word = |i: usize| e.word(d, 8 + i * p, psize);
    let mut files = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut add = |name: &[u8]| {
        if !name.is_empty() && seen.insert(name.to_vec()) {
            files.push(String::from_utf8_lossy(name).into_owned());
        }
    };
    let function_count = word(0)?;
    match version {
        PclntabVersion::Go12 => {
            let functab_size = usize::try_from(function_count).ok()?.checked_mul(2)?.checked_add(1)?.checked_mul(p)?;
            let file_off = e.u32(d, (8 + p).checked_add(functab_size)?)? as usize;
            let nfiles = e.u32(d, file_off)? as usize;
            if nfiles.checked_mul(4)? > d.len() {
                return None;
            }
            for i in 1..nfiles {
                let off = e.u32(d, file_off + 4 * i)? as usize;
                add(bytes::cstr(d, off)?);
            }
        }
        _ => {
            let (filetab, pctab) = if version == PclntabVersion::Go116 { (4, 5) } else { (5, 6) };
            let start = usize::try_from(word(filetab)?).ok()?;
            let end = usize::try_from(word(pctab)?).ok()?;
            if start > end || end > d.len() {
                return None;
            }
            for name in d[start..end].split(|&b| b == 0) {
                add(name);
            }
        }
    }
    Some(Pclntab { version, found_by: String::new(), file_offset: 0, function_count, files })
}
