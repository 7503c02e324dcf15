//! Symbol tables (ELF `.symtab`, Mach-O `LC_SYMTAB`, PE COFF symbols): whether one is there, and
//! looking a symbol up by name. Go's `-ldflags=-s` removes them.

use crate::bytes;
use crate::container::{Container, Details};

/// A symbol's address and size (size is 0 where the format does not record it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub addr: u64,
    pub size: u64,
}

/// Calls `f(name, symbol)` for every defined symbol until it returns `Some`.
pub fn find_map<'a, T>(c: &Container<'a>, mut f: impl FnMut(&'a [u8], Symbol) -> Option<T>) -> Option<T> {
    let data = c.data;
    let e = c.endian;
    match &c.details {
        Details::Elf(_) => {
            let symtab = c.sections.iter().find(|s| s.kind == 2)?;
            let strtab = c.sections.get(symtab.link as usize)?.data(data)?;
            let table = symtab.data(data)?;
            let ent = if c.ptr_size == 8 { 24 } else { 16 };
            for sym in table.chunks_exact(ent) {
                let name_off = e.u32(sym, 0)? as usize;
                let (value, size, shndx) = if c.ptr_size == 8 {
                    (e.u64(sym, 8)?, e.u64(sym, 16)?, e.u16(sym, 6)?)
                } else {
                    (u64::from(e.u32(sym, 4)?), u64::from(e.u32(sym, 8)?), e.u16(sym, 14)?)
                };
                if shndx == 0 {
                    continue;
                }
                if let Some(r) = bytes::cstr(strtab, name_off).and_then(|n| f(n, Symbol { addr: value, size })) {
                    return Some(r);
                }
            }
            None
        }
        Details::MachO(m) => {
            let (symoff, nsyms, stroff, strsize) = m.symtab?;
            let ent = if c.ptr_size == 8 { 16 } else { 12 };
            let table = bytes::slice(data, symoff.into(), u64::from(nsyms) * ent)?;
            let strtab = bytes::slice(data, stroff.into(), strsize.into())?;
            for sym in table.chunks_exact(ent as usize) {
                let n_type = sym[4];
                if n_type & 0xe0 != 0 || n_type & 0x0e != 0x0e {
                    continue; // stabs, or not defined in a section
                }
                let value = if c.ptr_size == 8 { e.u64(sym, 8)? } else { u64::from(e.u32(sym, 8)?) };
                let name = bytes::cstr(strtab, e.u32(sym, 0)? as usize)?;
                let name = name.strip_prefix(b"_").unwrap_or(name);
                if let Some(r) = f(name, Symbol { addr: value, size: 0 }) {
                    return Some(r);
                }
            }
            None
        }
        // A wasm module names functions only (see `wasm`), and no Go reader asks for them.
        Details::Plan9 | Details::Wasm(_) => None,
        Details::Pe(p) => {
            let (ptr, n) = p.coff_symbols;
            if ptr == 0 {
                return None;
            }
            let table = bytes::slice(data, ptr.into(), u64::from(n) * 18)?;
            let strtab = bytes::slice_clamped(data, u64::from(ptr) + u64::from(n) * 18, u64::MAX);
            let mut i = 0usize;
            while i < n as usize {
                let sym = &table[i * 18..i * 18 + 18];
                let aux = usize::from(sym[17]);
                let section = e.u16(sym, 12)? as i16;
                if section > 0 {
                    let name = if sym[..4] == [0, 0, 0, 0] {
                        bytes::cstr(strtab, e.u32(sym, 4)? as usize)?
                    } else {
                        bytes::fixed_name(&sym[..8])
                    };
                    let sect = c.sections.get(section as usize - 1)?;
                    let addr = sect.addr.wrapping_add(u64::from(e.u32(sym, 8)?));
                    if let Some(r) = f(name, Symbol { addr, size: 0 }) {
                        return Some(r);
                    }
                }
                i += 1 + aux;
            }
            None
        }
    }
}

/// Looks a symbol up by its exact name (Mach-O's leading underscore removed).
pub fn lookup(c: &Container<'_>, name: &str) -> Option<Symbol> {
    find_map(c, |n, s| (n == name.as_bytes()).then_some(s))
}

/// Number of defined symbols; 0 when the table is absent or was stripped.
pub fn defined_count(c: &Container<'_>) -> usize {
    let mut n = 0usize;
    find_map::<()>(c, |_, _| {
        n += 1;
        None
    });
    n
}

/// Reads a Go `string` variable (pointer + length words) at the symbol's address.
pub fn read_go_string_var(c: &Container<'_>, sym: Symbol) -> Option<String> {
    let hdr = c.read_at_addr(sym.addr, 2 * u64::from(c.ptr_size))?;
    let ptr = c.endian.word(hdr, 0, c.ptr_size)?;
    let len = c.endian.word(hdr, c.ptr_size as usize, c.ptr_size)?;
    if len == 0 {
        return Some(String::new());
    }
    let data = c.read_at_addr(ptr, len)?;
    (data.len() as u64 == len).then(|| String::from_utf8_lossy(data).into_owned())
}

/// The Go version from `runtime.buildVersion`, for binaries older than BuildInfo (Go < 1.13).
pub fn runtime_build_version(c: &Container<'_>) -> Option<String> {
    let sym = lookup(c, "runtime.buildVersion")?;
    read_go_string_var(c, sym).filter(|v| v.starts_with("go") || v.starts_with("devel"))
}
