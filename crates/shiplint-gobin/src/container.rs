//! One model of an executable's layout, whatever its container format.
//!
//! The format parsers (`elf`, `macho`, `pe`) lower their headers into [`Container`]; the Go-specific
//! readers (BuildInfo, build ID, pclntab, symbols) work on this model only.

use crate::bytes::{self, Endian};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Elf,
    MachO,
    Pe,
    Plan9,
    Wasm,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Elf => "ELF",
            Format::MachO => "Mach-O",
            Format::Pe => "PE",
            Format::Plan9 => "Plan 9 a.out",
            Format::Wasm => "WebAssembly",
        }
    }
}

/// A loadable range of the file: ELF program header, Mach-O segment, PE section, wasm data segment.
#[derive(Clone, Debug, Serialize)]
pub struct Segment {
    pub name: String,
    /// ELF `p_type`, Mach-O load command, 0 for PE.
    pub kind: u32,
    pub vaddr: u64,
    pub memsz: u64,
    pub offset: u64,
    pub filesz: u64,
    pub align: u64,
    pub writable: bool,
    pub executable: bool,
    /// Mapped into memory from the file: ELF PT_LOAD, every Mach-O segment but `__PAGEZERO`, PE sections.
    pub loadable: bool,
}

/// A named section. `size` is the size Go's debug packages report (`SizeOfRawData` for PE).
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    pub name: String,
    /// Mach-O segment name; empty elsewhere.
    pub segment: String,
    pub addr: u64,
    pub size: u64,
    /// PE `VirtualSize`; equal to `size` elsewhere.
    pub virtual_size: u64,
    pub offset: u64,
    /// False for sections with no bytes in the file (ELF `SHT_NOBITS`, Mach-O zerofill).
    pub in_file: bool,
    /// ELF `sh_type`, Mach-O section flags, PE characteristics.
    pub kind: u32,
    /// ELF `sh_flags`; 0 elsewhere.
    pub flags: u64,
    /// ELF `sh_link` (the string table of a symbol table); 0 elsewhere.
    pub link: u32,
}

impl Section {
    /// The section's bytes, or `None` when they are not (all) in the file.
    pub fn data<'a>(&self, file: &'a [u8]) -> Option<&'a [u8]> {
        if !self.in_file {
            return None;
        }
        bytes::slice(file, self.offset, self.size)
    }
}

/// A parsed executable of one architecture (one slice of a universal Mach-O).
#[derive(Clone, Debug)]
pub struct Container<'a> {
    /// The bytes all offsets are relative to (a universal binary's slice, not the whole file).
    pub data: &'a [u8],
    pub format: Format,
    /// Architecture in GOARCH spelling (`amd64`, `arm64`, `386`, ...), or the raw machine number.
    pub arch: String,
    pub endian: Endian,
    pub ptr_size: u8,
    pub segments: Vec<Segment>,
    pub sections: Vec<Section>,
    /// PE `ImageBase`; 0 elsewhere.
    pub image_base: u64,
    pub details: Details,
}

/// Facts only one container format has.
#[derive(Clone, Debug)]
pub enum Details {
    Elf(crate::elf::ElfDetails),
    MachO(crate::macho::MachODetails),
    Pe(crate::pe::PeDetails),
    Plan9,
    Wasm(crate::wasm::WasmDetails),
}

impl<'a> Container<'a> {
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// Translates a virtual address to a file offset through the loadable segments.
    pub fn addr_to_offset(&self, addr: u64) -> Option<u64> {
        self.segments.iter().find_map(|s| {
            (s.loadable && addr >= s.vaddr && addr - s.vaddr < s.filesz).then(|| s.offset + (addr - s.vaddr))
        })
    }

    /// Up to `len` bytes at virtual address `addr`, stopping at the end of its segment or the file.
    pub fn read_at_addr(&self, addr: u64, len: u64) -> Option<&'a [u8]> {
        let seg = self.segments.iter().find(|s| s.loadable && addr >= s.vaddr && addr - s.vaddr < s.filesz)?;
        let within = addr - seg.vaddr;
        let n = len.min(seg.filesz - within);
        Some(bytes::slice_clamped(self.data, seg.offset + within, n))
    }
}
