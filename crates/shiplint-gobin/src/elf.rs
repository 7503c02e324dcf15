//! ELF headers, lowered into [`Container`], with the same acceptance rules as Go's `debug/elf.NewFile`
//! (so that `go version` parity holds on malformed files).

use crate::Error;
use crate::bytes::{self, Endian};
use crate::container::{Container, Details, Format, Section, Segment};

pub const PT_LOAD: u32 = 1;
pub const PT_DYNAMIC: u32 = 2;
pub const PT_INTERP: u32 = 3;
pub const PT_NOTE: u32 = 4;
const SHT_STRTAB: u32 = 3;
const SHT_NOBITS: u32 = 8;
pub const SHF_COMPRESSED: u64 = 0x800;
const DT_NEEDED: u64 = 1;
const DT_STRTAB: u64 = 5;
const DT_STRSZ: u64 = 10;
const DT_FLAGS_1: u64 = 0x6fff_fffb;
const DF_1_PIE: u64 = 0x0800_0000;

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ElfDetails {
    /// `e_type`: 2 = EXEC, 3 = DYN (PIE or shared object).
    pub file_type: u16,
    pub os_abi: u8,
    pub machine: u16,
    /// PT_INTERP: the program interpreter (dynamic loader) the kernel must find.
    pub interpreter: Option<String>,
    /// DT_NEEDED entries, in order.
    pub needed: Vec<String>,
    /// DT_FLAGS_1 has DF_1_PIE.
    pub pie_flag: bool,
    pub has_dynamic: bool,
}

fn goarch(machine: u16, class64: bool, endian: Endian) -> String {
    let name = match (machine, class64, endian) {
        (3, false, _) => "386",
        (62, true, _) => "amd64",
        (62, false, _) => "amd64p32",
        (40, false, _) => "arm",
        (183, true, _) => "arm64",
        (21, true, Endian::Big) => "ppc64",
        (21, true, Endian::Little) => "ppc64le",
        (22, true, _) => "s390x",
        (8, false, Endian::Big) => "mips",
        (8, false, Endian::Little) => "mipsle",
        (8, true, Endian::Big) => "mips64",
        (8, true, Endian::Little) => "mips64le",
        (243, true, _) => "riscv64",
        (258, true, _) => "loong64",
        _ => return format!("elf-machine-{machine}"),
    };
    name.to_string()
}

pub(crate) fn parse(data: &[u8]) -> Result<Container<'_>, Error> {
    let bad = |what: &'static str| Error::Malformed(format!("ELF: {what}"));
    let ident = data.get(..16).ok_or(Error::Unrecognized)?;
    if &ident[..4] != b"\x7fELF" {
        return Err(Error::Unrecognized);
    }
    let class64 = match ident[4] {
        1 => false,
        2 => true,
        _ => return Err(bad("unknown ELF class")),
    };
    let e = match ident[5] {
        1 => Endian::Little,
        2 => Endian::Big,
        _ => return Err(bad("unknown ELF data encoding")),
    };
    if ident[6] != 1 {
        return Err(bad("unknown ELF version"));
    }
    let hdr_len = if class64 { 64 } else { 52 };
    let h = data.get(..hdr_len).ok_or_else(|| bad("truncated header"))?;
    let r16 = |o| e.u16(h, o).unwrap_or(0);
    let r32 = |o| e.u32(h, o).unwrap_or(0);
    let file_type = r16(16);
    let machine = r16(18);
    // Go compares only the low byte: its Version type is a byte.
    if r32(20) as u8 != 1 {
        return Err(bad("mismatched ELF version"));
    }
    let (phoff, shoff, phentsize, mut phnum, shentsize, mut shnum, mut shstrndx) = if class64 {
        (
            e.u64(h, 32).unwrap_or(0),
            e.u64(h, 40).unwrap_or(0),
            usize::from(r16(54)),
            usize::from(r16(56)),
            usize::from(r16(58)),
            usize::from(r16(60)),
            usize::from(r16(62)),
        )
    } else {
        (
            u64::from(r32(28)),
            u64::from(r32(32)),
            usize::from(r16(42)),
            usize::from(r16(44)),
            usize::from(r16(46)),
            usize::from(r16(48)),
            usize::from(r16(50)),
        )
    };
    if shoff > i64::MAX as u64 || phoff > i64::MAX as u64 {
        return Err(bad("invalid header offset"));
    }
    if shoff == 0 && shnum != 0 {
        return Err(bad("invalid ELF shnum for shoff=0"));
    }
    if shnum > 0 && shstrndx >= shnum {
        return Err(bad("invalid ELF shstrndx"));
    }
    let (want_ph, want_sh) = if class64 { (56, 64) } else { (32, 40) };
    if phnum > 0 && phentsize < want_ph {
        return Err(bad("invalid ELF phentsize"));
    }
    // Extended numbering: the real counts live in section header 0.
    if shoff > 0 && (shnum == 0 || phnum == 0xffff) {
        let sh0 = bytes::slice(data, shoff, want_sh as u64).ok_or_else(|| bad("truncated section header"))?;
        let (typ, link, info, size) = if class64 {
            (e.u32(sh0, 4), e.u32(sh0, 40), e.u32(sh0, 44), e.u64(sh0, 32))
        } else {
            (e.u32(sh0, 4), e.u32(sh0, 24), e.u32(sh0, 28), e.u32(sh0, 20).map(u64::from))
        };
        let (typ, link, info, size) = (typ.unwrap_or(0), link.unwrap_or(0), info.unwrap_or(0), size.unwrap_or(0));
        if typ != 0 {
            return Err(bad("invalid type of the initial section"));
        }
        if shnum == 0 {
            if size < 0xff00 {
                return Err(bad("invalid ELF shnum contained in sh_size"));
            }
            shnum = usize::try_from(size).map_err(|_| bad("too many sections"))?;
        }
        if phnum == 0xffff {
            if info < 0xffff {
                return Err(bad("invalid ELF phnum contained in sh_info"));
            }
            phnum = info as usize;
        }
        if shstrndx == 0xffff {
            shstrndx = link as usize;
            if shstrndx < 0xff00 || shstrndx >= shnum {
                return Err(bad("invalid ELF shstrndx contained in sh_link"));
            }
        }
    }

    let phdata = bytes::slice(data, phoff, (phnum as u64).saturating_mul(phentsize as u64))
        .ok_or_else(|| bad("program headers outside the file"))?;
    let mut segments = Vec::with_capacity(phnum);
    for i in 0..phnum {
        let p = &phdata[i * phentsize..];
        let seg = if class64 {
            let (typ, fl) = (e.u32(p, 0).unwrap_or(0), e.u32(p, 4).unwrap_or(0));
            let w = |o| e.u64(p, o).unwrap_or(0);
            (typ, fl, w(8), w(16), w(32), w(40), w(48))
        } else {
            let w = |o| u64::from(e.u32(p, o).unwrap_or(0));
            (w(0) as u32, w(24) as u32, w(4), w(8), w(16), w(20), w(28))
        };
        let (kind, pflags, offset, vaddr, filesz, memsz, align) = seg;
        if offset > i64::MAX as u64 || filesz > i64::MAX as u64 {
            return Err(bad("invalid program header"));
        }
        segments.push(Segment {
            name: String::new(),
            kind,
            vaddr,
            memsz,
            offset,
            filesz,
            align,
            writable: pflags & 2 != 0,
            executable: pflags & 1 != 0,
            loadable: kind == PT_LOAD,
        });
    }

    if shnum > 0 && shentsize < want_sh {
        return Err(bad("invalid ELF shentsize"));
    }
    let shdata = bytes::slice(data, shoff, (shnum as u64).saturating_mul(shentsize as u64))
        .ok_or_else(|| bad("section headers outside the file"))?;
    struct Raw {
        name: u32,
        sec: Section,
    }
    let mut raw = Vec::with_capacity(shnum);
    for i in 0..shnum {
        let s = &shdata[i * shentsize..];
        let (name, kind, flags, addr, offset, size, link) = if class64 {
            let w = |o| e.u64(s, o).unwrap_or(0);
            (e.u32(s, 0).unwrap_or(0), e.u32(s, 4).unwrap_or(0), w(8), w(16), w(24), w(32), e.u32(s, 40).unwrap_or(0))
        } else {
            let w = |o| u64::from(e.u32(s, o).unwrap_or(0));
            (w(0) as u32, w(4) as u32, w(8), w(12), w(16), w(20), w(24) as u32)
        };
        if offset > i64::MAX as u64 || size > i64::MAX as u64 {
            return Err(bad("invalid section header"));
        }
        // A compressed section's size is the uncompressed size from its Chdr, as Go reports it.
        let size = if flags & SHF_COMPRESSED == 0 {
            size
        } else {
            let chdr = bytes::slice(data, offset, if class64 { 24 } else { 12 })
                .filter(|_| size >= if class64 { 24 } else { 12 })
                .ok_or_else(|| bad("unreadable compression header"))?;
            if class64 { e.u64(chdr, 8).unwrap_or(0) } else { u64::from(e.u32(chdr, 4).unwrap_or(0)) }
        };
        raw.push(Raw {
            name,
            sec: Section {
                name: String::new(),
                segment: String::new(),
                addr,
                size,
                virtual_size: size,
                offset,
                in_file: kind != SHT_NOBITS,
                kind,
                flags,
                link,
            },
        });
    }
    let mut sections = Vec::with_capacity(shnum);
    if shstrndx == 0 {
        sections.extend(raw.into_iter().map(|r| r.sec));
    } else if shnum > 0 {
        let strtab = &raw[shstrndx].sec;
        if strtab.kind != SHT_STRTAB {
            return Err(bad("invalid ELF section name string table type"));
        }
        let names =
            bytes::slice(data, strtab.offset, strtab.size).ok_or_else(|| bad("section name table outside the file"))?;
        for r in raw {
            let name = bytes::cstr(names, r.name as usize).ok_or_else(|| bad("bad section name index"))?;
            sections.push(Section { name: String::from_utf8_lossy(name).into_owned(), ..r.sec });
        }
    }

    let mut c = Container {
        data,
        format: Format::Elf,
        arch: goarch(machine, class64, e),
        endian: e,
        ptr_size: if class64 { 8 } else { 4 },
        segments,
        sections,
        image_base: 0,
        details: Details::Elf(ElfDetails { file_type, os_abi: ident[7], machine, ..Default::default() }),
    };
    let details = dynamic_details(&c, class64);
    if let Details::Elf(d) = &mut c.details {
        d.interpreter = details.0;
        d.needed = details.1;
        d.pie_flag = details.2;
        d.has_dynamic = details.3;
    }
    Ok(c)
}

/// PT_INTERP, DT_NEEDED and DF_1_PIE, read through the program headers as the loader does.
fn dynamic_details(c: &Container<'_>, class64: bool) -> (Option<String>, Vec<String>, bool, bool) {
    let interp = c.segments.iter().find(|s| s.kind == PT_INTERP).and_then(|s| {
        let b = bytes::slice_clamped(c.data, s.offset, s.filesz);
        let b = bytes::fixed_name(b);
        (!b.is_empty()).then(|| String::from_utf8_lossy(b).into_owned())
    });
    let Some(dynseg) = c.segments.iter().find(|s| s.kind == PT_DYNAMIC) else {
        return (interp, Vec::new(), false, false);
    };
    let dynamic = bytes::slice_clamped(c.data, dynseg.offset, dynseg.filesz);
    let ent = if class64 { 16 } else { 8 };
    let mut needed_offsets = Vec::new();
    let (mut strtab, mut strsz, mut pie) = (None, None, false);
    for chunk in dynamic.chunks_exact(ent) {
        let tag = c.endian.word(chunk, 0, c.ptr_size).unwrap_or(0);
        let val = c.endian.word(chunk, ent / 2, c.ptr_size).unwrap_or(0);
        match tag {
            0 => break,
            DT_NEEDED => needed_offsets.push(val),
            DT_STRTAB => strtab = Some(val),
            DT_STRSZ => strsz = Some(val),
            DT_FLAGS_1 => pie = val & DF_1_PIE != 0,
            _ => {}
        }
    }
    let strings = strtab
        .and_then(|a| c.addr_to_offset(a))
        .map(|off| bytes::slice_clamped(c.data, off, strsz.unwrap_or(u64::MAX)))
        .unwrap_or(&[]);
    let needed = needed_offsets
        .iter()
        .filter_map(|&o| bytes::cstr(strings, usize::try_from(o).ok()?))
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect();
    (interp, needed, pie, true)
}
