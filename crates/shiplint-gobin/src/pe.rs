//! PE/COFF headers, lowered into [`Container`], accepting what Go's `debug/pe` accepts.

use crate::Error;
use crate::bytes::{self, Endian};
use crate::container::{Container, Details, Format, Section, Segment};

const LE: Endian = Endian::Little;

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct PeDetails {
    pub machine: u16,
    /// 2 = Windows GUI, 3 = Windows console.
    pub subsystem: u16,
    pub characteristics: u16,
    pub dll_characteristics: u16,
    /// COFF symbol table: (file offset, number of symbols); Go's `-s` removes it.
    pub coff_symbols: (u32, u32),
    /// DLLs named by the import directory, in order.
    pub imports: Vec<String>,
    pub timestamp: u32,
}

fn bad(what: &str) -> Error {
    Error::Malformed(format!("PE: {what}"))
}

fn goarch(machine: u16) -> String {
    match machine {
        0x14c => "386".into(),
        0x8664 => "amd64".into(),
        0x1c0 | 0x1c4 => "arm".into(),
        0xaa64 => "arm64".into(),
        _ => format!("pe-machine-{machine:#x}"),
    }
}

pub(crate) fn parse(data: &[u8]) -> Result<Container<'_>, Error> {
    let dos = data.get(..96).ok_or(Error::Unrecognized)?;
    if &dos[..2] != b"MZ" {
        return Err(Error::Unrecognized);
    }
    let pe_off = u64::from(LE.u32(dos, 0x3c).unwrap_or(0));
    if bytes::slice(data, pe_off, 4) != Some(b"PE\0\0") {
        return Err(bad("invalid PE file signature"));
    }
    let fh = bytes::slice(data, pe_off + 4, 20).ok_or_else(|| bad("truncated file header"))?;
    let r16 = |b: &[u8], o| LE.u16(b, o).unwrap_or(0);
    let r32 = |b: &[u8], o| LE.u32(b, o).unwrap_or(0);
    let machine = r16(fh, 0);
    // amd64, arm64, armnt, i386, riscv32/64/128, unknown: the machines Go's debug/pe accepts.
    if !matches!(machine, 0x8664 | 0xaa64 | 0x1c4 | 0x14c | 0x5032 | 0x5064 | 0x5128 | 0) {
        return Err(bad("unrecognized PE machine"));
    }
    let nsections = usize::from(r16(fh, 2));
    let timestamp = r32(fh, 4);
    let (symptr, nsyms) = (r32(fh, 8), r32(fh, 12));
    let opt_size = u64::from(r16(fh, 16));
    let characteristics = r16(fh, 18);

    // The COFF string table follows the symbols; Go refuses files whose table is cut off.
    let strtab: &[u8] = if symptr == 0 {
        &[]
    } else {
        let start = u64::from(symptr) + u64::from(nsyms) * 18;
        let len = bytes::slice(data, start, 4)
            .and_then(|b| LE.u32(b, 0))
            .ok_or_else(|| bad("fail to read string table length"))?;
        if len <= 4 {
            &[]
        } else {
            bytes::slice(data, start, u64::from(len)).ok_or_else(|| bad("fail to read string table"))?
        }
    };
    if symptr != 0 && nsyms > 0 {
        let table =
            bytes::slice(data, symptr.into(), u64::from(nsyms) * 18).ok_or_else(|| bad("fail to read symbol table"))?;
        // Go resolves every non-auxiliary symbol's name and fails on one it cannot.
        let mut aux = 0u8;
        for sym in table.chunks_exact(18) {
            if aux > 0 {
                aux -= 1;
                continue;
            }
            // A zero offset means "no name", not a string table entry.
            if sym[..4] == [0, 0, 0, 0] && r32(sym, 4) != 0 {
                string_table_entry(strtab, r32(sym, 4))?;
            }
            aux = sym[17];
        }
    }

    let opt = bytes::slice(data, pe_off + 24, opt_size).ok_or_else(|| bad("truncated optional header"))?;
    let magic = r16(opt, 0);
    let (ptr_size, image_base, dd_off) = match magic {
        _ if opt_size == 0 => (if machine == 0x8664 || machine == 0xaa64 { 8 } else { 4 }, 0, 0),
        0x10b => (4u8, u64::from(r32(opt, 28)), 96usize),
        0x20b => (8u8, LE.u64(opt, 24).unwrap_or(0), 112usize),
        _ => return Err(bad("unrecognized PE optional header magic")),
    };
    if dd_off > 0 {
        let dirs = r32(opt, dd_off - 4);
        if opt.len() < dd_off || (opt.len() - dd_off) as u64 != u64::from(dirs) * 8 {
            return Err(bad("size of data directories is inconsistent with their number"));
        }
    }
    let subsystem = r16(opt, 68);
    let dll_characteristics = r16(opt, 70);
    let import_dir = (dd_off > 0).then(|| (r32(opt, dd_off + 8), r32(opt, dd_off + 12)));

    let table = bytes::slice(data, pe_off + 24 + opt_size, (nsections as u64) * 40)
        .ok_or_else(|| bad("section table outside the file"))?;
    let mut sections = Vec::with_capacity(nsections);
    let mut segments = Vec::with_capacity(nsections);
    for s in table.chunks_exact(40) {
        let raw_name = bytes::fixed_name(&s[..8]);
        let name = match raw_name.strip_prefix(b"/") {
            Some(digits) => {
                let off: u32 = std::str::from_utf8(digits)
                    .ok()
                    .and_then(|d| d.parse().ok())
                    .ok_or_else(|| bad("invalid section name offset"))?;
                string_table_entry(strtab, off)?
            }
            None => raw_name,
        };
        let name = String::from_utf8_lossy(name).into_owned();
        let (vsize, va, raw_size, raw_ptr) = (r32(s, 8), r32(s, 12), r32(s, 16), r32(s, 20));
        let nrelocs = r16(s, 32);
        // Go reads a section with no file data (PointerToRawData 0) as zeros.
        if nrelocs > 0 && bytes::slice(data, r32(s, 24).into(), u64::from(nrelocs) * 10).is_none() {
            return Err(bad("fail to read relocations"));
        }
        let chars = r32(s, 36);
        segments.push(Segment {
            name: name.clone(),
            kind: 0,
            vaddr: image_base.wrapping_add(u64::from(va)),
            memsz: vsize.into(),
            offset: raw_ptr.into(),
            filesz: raw_size.into(),
            align: 0,
            writable: chars & 0x8000_0000 != 0,
            executable: chars & 0x2000_0000 != 0,
            loadable: true,
        });
        sections.push(Section {
            name,
            segment: String::new(),
            addr: image_base.wrapping_add(u64::from(va)),
            size: raw_size.into(),
            virtual_size: vsize.into(),
            offset: raw_ptr.into(),
            in_file: raw_ptr != 0 && raw_size > 0,
            kind: chars,
            flags: 0,
            link: 0,
        });
    }
    let mut c = Container {
        data,
        format: Format::Pe,
        arch: goarch(machine),
        endian: LE,
        ptr_size,
        segments,
        sections,
        image_base,
        details: Details::Pe(PeDetails::default()),
    };
    let imports = import_dir.map(|(rva, size)| imported_dlls(&c, rva, size)).unwrap_or_default();
    c.details = Details::Pe(PeDetails {
        machine,
        subsystem,
        characteristics,
        dll_characteristics,
        coff_symbols: (symptr, nsyms),
        imports,
        timestamp,
    });
    Ok(c)
}

/// A name in the COFF string table: `strtab` includes its 4-byte length, as offsets count it.
fn string_table_entry(strtab: &[u8], off: u32) -> Result<&[u8], Error> {
    if off < 4 || off as usize > strtab.len().max(4) {
        return Err(bad("offset outside the string table"));
    }
    let rest = strtab.get(off as usize..).unwrap_or_default();
    Ok(bytes::fixed_name(rest))
}

/// DLL names from the import directory (20-byte descriptors ending with an all-zero one).
fn imported_dlls(c: &Container<'_>, rva: u32, size: u32) -> Vec<String> {
    if rva == 0 {
        return Vec::new();
    }
    let rva_bytes = |rva: u32, len: u64| c.read_at_addr(c.image_base.wrapping_add(u64::from(rva)), len);
    let Some(dir) = rva_bytes(rva, u64::from(size.max(20))) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for d in dir.chunks_exact(20) {
        if d.iter().all(|&b| b == 0) {
            break;
        }
        let name_rva = LE.u32(d, 12).unwrap_or(0);
        if let Some(name) = rva_bytes(name_rva, 256).and_then(|b| bytes::cstr(b, 0)) {
            names.push(String::from_utf8_lossy(name).into_owned());
        }
    }
    names
}
