//! Mach-O headers and universal (fat) files, lowered into [`Container`], accepting what Go's
//! `debug/macho` accepts.

use crate::Error;
use crate::bytes::{self, Endian};
use crate::container::{Container, Details, Format, Section, Segment};

const LC_SEGMENT: u32 = 0x1;
const LC_SYMTAB: u32 = 0x2;
const LC_DYSYMTAB: u32 = 0xb;
const LC_RPATH: u32 = 0x8000_001c;
const LC_LOAD_DYLIB: u32 = 0xc;
const LC_SEGMENT_64: u32 = 0x19;
const LC_UUID: u32 = 0x1b;
const LC_CODE_SIGNATURE: u32 = 0x1d;
const LC_LOAD_WEAK_DYLIB: u32 = 0x8000_0018;
const LC_REEXPORT_DYLIB: u32 = 0x8000_001f;
const LC_LAZY_LOAD_DYLIB: u32 = 0x20;
const LC_LOAD_UPWARD_DYLIB: u32 = 0x8000_0023;
const LC_BUILD_VERSION: u32 = 0x32;
const LC_VERSION_MIN_MACOSX: u32 = 0x24;

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct MachODetails {
    pub cpu_type: u32,
    pub cpu_subtype: u32,
    /// `filetype`: 2 = MH_EXECUTE.
    pub file_type: u32,
    pub uuid: Option<String>,
    /// LC_LOAD_DYLIB and friends, in order.
    pub dylibs: Vec<String>,
    /// LC_CODE_SIGNATURE: (file offset, size) of the signature SuperBlob.
    pub code_signature: Option<(u32, u32)>,
    /// LC_SYMTAB: (symoff, nsyms, stroff, strsize).
    pub symtab: Option<(u32, u32, u32, u32)>,
    /// Minimum OS from LC_BUILD_VERSION / LC_VERSION_MIN_MACOSX, e.g. "11.0".
    pub min_os: Option<String>,
    /// LC_BUILD_VERSION platform: 1 = macOS, 2 = iOS, ...
    pub platform: Option<u32>,
}

/// True when `b` starts with a thin Mach-O magic number in either byte order.
pub fn is_thin(b: &[u8]) -> bool {
    matches!(b.get(..4), Some([0xfe, 0xed, 0xfa, 0xce | 0xcf]) | Some([0xce | 0xcf, 0xfa, 0xed, 0xfe]))
}

/// True for the 64-bit universal header (`FAT_MAGIC_64`), which Go's debug/macho does not read.
pub fn is_fat64(b: &[u8]) -> bool {
    b.get(..4) == Some(&[0xca, 0xfe, 0xba, 0xbf])
}

/// True when `b` starts with a universal (fat) header magic.
pub fn is_fat(b: &[u8]) -> bool {
    matches!(b.get(..4), Some([0xca, 0xfe, 0xba, 0xbe | 0xbf]))
}

fn goarch(cpu: u32) -> String {
    match cpu {
        7 => "386".into(),
        0x0100_0007 => "amd64".into(),
        12 => "arm".into(),
        0x0100_000c => "arm64".into(),
        0x0200_000c => "arm64_32".into(),
        18 => "ppc".into(),
        0x0100_0012 => "ppc64".into(),
        _ => format!("macho-cpu-{cpu:#x}"),
    }
}

fn bad(what: impl Into<String>) -> Error {
    Error::Malformed(format!("Mach-O: {}", what.into()))
}

/// One slice of a universal binary, as its header describes it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FatArch {
    pub cpu_type: u32,
    pub cpu_subtype: u32,
    pub offset: u64,
    pub size: u64,
}

/// The slices of a universal binary, validated like Go's `macho.NewFatFile`.
pub fn fat_arches(data: &[u8]) -> Result<Vec<FatArch>, Error> {
    let e = Endian::Big;
    let fat64 = data.get(3) == Some(&0xbf);
    let n = e.u32(data, 4).ok_or_else(|| bad("truncated fat header"))?;
    if n < 1 {
        return Err(bad("file contains no images"));
    }
    let ent = if fat64 { 32 } else { 20 };
    let table = bytes::slice(data, 8, u64::from(n) * ent).ok_or_else(|| bad("fat arch table outside the file"))?;
    let mut arches: Vec<FatArch> = Vec::with_capacity(n as usize);
    for rec in table.chunks_exact(ent as usize) {
        let cpu_type = e.u32(rec, 0).unwrap_or(0);
        let cpu_subtype = e.u32(rec, 4).unwrap_or(0);
        let (offset, size) = if fat64 {
            (e.u64(rec, 8).unwrap_or(0), e.u64(rec, 16).unwrap_or(0))
        } else {
            (u64::from(e.u32(rec, 8).unwrap_or(0)), u64::from(e.u32(rec, 12).unwrap_or(0)))
        };
        if arches.iter().any(|a| a.cpu_type == cpu_type && a.cpu_subtype == cpu_subtype) {
            return Err(bad("duplicate architecture"));
        }
        arches.push(FatArch { cpu_type, cpu_subtype, offset, size });
    }
    Ok(arches)
}

/// The bytes of one slice of a universal binary.
pub fn fat_slice<'a>(data: &'a [u8], arch: &FatArch) -> &'a [u8] {
    bytes::slice_clamped(data, arch.offset, arch.size)
}

pub(crate) fn parse(data: &[u8]) -> Result<Container<'_>, Error> {
    let magic_be = Endian::Big.u32(data, 0).ok_or(Error::Unrecognized)?;
    let magic_le = Endian::Little.u32(data, 0).ok_or(Error::Unrecognized)?;
    let (e, is64) = match (magic_be, magic_le) {
        (0xfeed_face, _) => (Endian::Big, false),
        (0xfeed_facf, _) => (Endian::Big, true),
        (_, 0xfeed_face) => (Endian::Little, false),
        (_, 0xfeed_facf) => (Endian::Little, true),
        _ => return Err(Error::Unrecognized),
    };
    let hdr_len: usize = if is64 { 32 } else { 28 };
    let h = data.get(..28).ok_or_else(|| bad("truncated header"))?;
    let cpu_type = e.u32(h, 4).unwrap_or(0);
    let cpu_subtype = e.u32(h, 8).unwrap_or(0);
    let file_type = e.u32(h, 12).unwrap_or(0);
    let ncmds = e.u32(h, 16).unwrap_or(0);
    let sizeofcmds = e.u32(h, 20).unwrap_or(0);
    let mut cmds = bytes::slice(data, hdr_len as u64, u64::from(sizeofcmds))
        .ok_or_else(|| bad("load commands outside the file"))?;

    let mut details = MachODetails { cpu_type, cpu_subtype, file_type, ..Default::default() };
    let mut segments = Vec::new();
    let mut sections = Vec::new();
    let mut nsyms_seen: Option<u32> = None;
    for _ in 0..ncmds {
        let cmd = e.u32(cmds, 0).ok_or_else(|| bad("command block too small"))?;
        let size = e.u32(cmds, 4).ok_or_else(|| bad("command block too small"))? as usize;
        if size < 8 || size > cmds.len() {
            return Err(bad("invalid command block size"));
        }
        let (c, rest) = cmds.split_at(size);
        cmds = rest;
        match cmd {
            LC_SEGMENT | LC_SEGMENT_64 => {
                let is64 = cmd == LC_SEGMENT_64;
                let (hl, sl) = if is64 { (72, 80) } else { (56, 68) };
                if c.len() < hl {
                    return Err(bad("segment command too small"));
                }
                if offset_field_negative(c, e, is64) {
                    return Err(bad("invalid section offset or file size"));
                }
                let name = String::from_utf8_lossy(bytes::fixed_name(&c[8..24])).into_owned();
                let w = |o: usize, o32: usize| {
                    if is64 { e.u64(c, o).unwrap_or(0) } else { u64::from(e.u32(c, o32).unwrap_or(0)) }
                };
                let (vaddr, memsz, offset, filesz) = (w(24, 24), w(32, 28), w(40, 32), w(48, 36));
                let initprot = e.u32(c, if is64 { 60 } else { 44 }).unwrap_or(0);
                let nsects = e.u32(c, if is64 { 64 } else { 48 }).unwrap_or(0) as usize;
                let table = c
                    .get(hl..)
                    .and_then(|t| t.get(..nsects.checked_mul(sl)?))
                    .ok_or_else(|| bad("too many sections for segment command size"))?;
                for s in table.chunks_exact(sl) {
                    let sw = |o: usize, o32: usize| {
                        if is64 { e.u64(s, o).unwrap_or(0) } else { u64::from(e.u32(s, o32).unwrap_or(0)) }
                    };
                    let (addr, size) = (sw(32, 32), sw(40, 36));
                    let off = e.u32(s, if is64 { 48 } else { 40 }).unwrap_or(0);
                    let flags = e.u32(s, if is64 { 64 } else { 56 }).unwrap_or(0);
                    let reloff = e.u32(s, if is64 { 56 } else { 48 }).unwrap_or(0);
                    let nreloc = e.u32(s, if is64 { 60 } else { 52 }).unwrap_or(0);
                    if nreloc > 0 && bytes::slice(data, reloff.into(), u64::from(nreloc) * 8).is_none() {
                        return Err(bad("relocations outside the file"));
                    }
                    let zerofill = matches!(flags & 0xff, 0x1 | 0xc | 0x12);
                    sections.push(Section {
                        name: String::from_utf8_lossy(bytes::fixed_name(&s[..16])).into_owned(),
                        segment: String::from_utf8_lossy(bytes::fixed_name(&s[16..32])).into_owned(),
                        addr,
                        size,
                        virtual_size: size,
                        offset: u64::from(off),
                        in_file: !zerofill,
                        kind: flags,
                        flags: 0,
                        link: 0,
                    });
                }
                segments.push(Segment {
                    loadable: name != "__PAGEZERO",
                    name,
                    kind: cmd,
                    vaddr,
                    memsz,
                    offset,
                    filesz,
                    align: 0,
                    writable: initprot & 2 != 0,
                    executable: initprot & 4 != 0,
                });
            }
            LC_SYMTAB => {
                let f = |o| e.u32(c, o).ok_or_else(|| bad("symtab command too small"));
                let (symoff, nsyms, stroff, strsize) = (f(8)?, f(12)?, f(16)?, f(20)?);
                let nlist = if is64 { 16 } else { 12 };
                let strtab = bytes::slice(data, stroff.into(), strsize.into());
                let table = bytes::slice(data, symoff.into(), u64::from(nsyms) * nlist);
                let (Some(_), Some(table)) = (strtab, table) else {
                    return Err(bad("symbol table outside the file"));
                };
                if table.chunks_exact(nlist as usize).any(|n| e.u32(n, 0).unwrap_or(0) >= strsize) {
                    return Err(bad("invalid name in symbol table"));
                }
                nsyms_seen = Some(nsyms);
                details.symtab = Some((symoff, nsyms, stroff, strsize));
            }
            LC_DYSYMTAB => {
                let f = |o| e.u32(c, o).ok_or_else(|| bad("dysymtab command too small"));
                let (iundef, nundef, indirect_off, nindirect) = (f(24)?, f(28)?, f(56)?, f(60)?);
                f(76)?;
                let nsyms =
                    nsyms_seen.ok_or_else(|| bad("dynamic symbol table seen before any ordinary symbol table"))?;
                if iundef > nsyms || iundef.wrapping_add(nundef) > nsyms {
                    return Err(bad("undefined symbols in dynamic symbol table command exceed the symbol table"));
                }
                if bytes::slice(data, indirect_off.into(), u64::from(nindirect) * 4).is_none() {
                    return Err(bad("indirect symbol table outside the file"));
                }
            }
            LC_RPATH => {
                let path = e.u32(c, 8).ok_or_else(|| bad("rpath command too small"))?;
                if path as usize >= c.len() {
                    return Err(bad("invalid path in rpath command"));
                }
            }
            LC_LOAD_DYLIB | LC_LOAD_WEAK_DYLIB | LC_REEXPORT_DYLIB | LC_LAZY_LOAD_DYLIB | LC_LOAD_UPWARD_DYLIB => {
                // Go's debug/macho validates only LC_LOAD_DYLIB; the others are kept when readable.
                let name = e
                    .u32(c, 8)
                    .filter(|_| c.len() >= 24)
                    .and_then(|off| c.get(off as usize..).filter(|n| !n.is_empty()));
                match name {
                    Some(n) => details.dylibs.push(String::from_utf8_lossy(bytes::fixed_name(n)).into_owned()),
                    None if cmd == LC_LOAD_DYLIB => {
                        return Err(bad("invalid name in dynamic library command"));
                    }
                    None => {}
                }
            }
            LC_UUID => {
                if let Some(u) = c.get(8..24) {
                    details.uuid = Some(format_uuid(u));
                }
            }
            LC_CODE_SIGNATURE => {
                if let (Some(off), Some(size)) = (e.u32(c, 8), e.u32(c, 12)) {
                    details.code_signature = Some((off, size));
                }
            }
            LC_BUILD_VERSION => {
                details.platform = e.u32(c, 8);
                details.min_os = e.u32(c, 12).map(format_version);
            }
            LC_VERSION_MIN_MACOSX => {
                details.platform.get_or_insert(1);
                details.min_os = e.u32(c, 8).map(format_version);
            }
            _ => {}
        }
    }
    Ok(Container {
        data,
        format: Format::MachO,
        arch: goarch(cpu_type),
        endian: e,
        ptr_size: if is64 { 8 } else { 4 },
        segments,
        sections,
        image_base: 0,
        details: Details::MachO(details),
    })
}

/// A segment's file offset or size that Go rejects because it is negative as an int64.
fn offset_field_negative(c: &[u8], e: Endian, is64: bool) -> bool {
    is64 && [40, 48].iter().any(|&o| e.u64(c, o).is_some_and(|v| v > i64::MAX as u64))
}

fn format_uuid(u: &[u8]) -> String {
    let hex: String = u.iter().map(|b| format!("{b:02X}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// Mach-O packs versions as xxxx.yy.zz in nibbles.
fn format_version(v: u32) -> String {
    let (major, minor, patch) = (v >> 16, (v >> 8) & 0xff, v & 0xff);
    if patch == 0 { format!("{major}.{minor}") } else { format!("{major}.{minor}.{patch}") }
}
