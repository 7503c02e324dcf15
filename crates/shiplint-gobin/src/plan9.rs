//! Plan 9 a.out executables, which Go still targets (GOOS=plan9): enough of the header to find
//! BuildInfo the way Go's `debug/plan9obj` does, where section "addresses" are file offsets.

use crate::Error;
use crate::bytes::Endian;
use crate::container::{Container, Details, Format, Section};

const MAGIC64: u32 = 0x8000;
const MAGIC_386: u32 = (4 * 11) * 11 + 7;
const MAGIC_AMD64: u32 = (4 * 26) * 26 + 7 + MAGIC64;
const MAGIC_ARM: u32 = (4 * 20) * 20 + 7;

/// The magic numbers `debug/buildinfo` dispatches to the Plan 9 reader.
pub fn is_plan9(b: &[u8]) -> bool {
    matches!(Endian::Big.u32(b, 0), Some(MAGIC_386 | MAGIC_AMD64 | MAGIC_ARM))
}

pub(crate) fn parse(data: &[u8]) -> Result<Container<'_>, Error> {
    let be = Endian::Big;
    let field = |i: usize| be.u32(data, 4 * i).ok_or_else(|| Error::Malformed("Plan 9: truncated header".into()));
    let magic = field(0)?;
    let (arch, ptr_size, endian) = match magic {
        MAGIC_386 => ("386", 4, Endian::Little),
        MAGIC_AMD64 => ("amd64", 8, Endian::Little),
        MAGIC_ARM => ("arm", 4, Endian::Little),
        _ => return Err(Error::Unrecognized),
    };
    let mut header = 32u32;
    if magic & MAGIC64 != 0 {
        if data.len() < 40 {
            return Err(Error::Malformed("Plan 9: truncated header".into()));
        }
        header += 8;
    }
    // text, data, syms, spsz, pcsz follow the header back to back (offsets wrap as Go's uint32 do).
    let sizes =
        [("text", field(1)?), ("data", field(2)?), ("syms", field(4)?), ("spsz", field(6)?), ("pcsz", field(7)?)];
    let mut off = header;
    let sections = sizes
        .iter()
        .map(|&(name, size)| {
            let s = Section {
                name: name.into(),
                segment: String::new(),
                addr: off.into(),
                size: size.into(),
                virtual_size: size.into(),
                offset: off.into(),
                in_file: true,
                kind: 0,
                flags: 0,
                link: 0,
            };
            off = off.wrapping_add(size);
            s
        })
        .collect();
    Ok(Container {
        data,
        format: Format::Plan9,
        arch: arch.into(),
        endian,
        ptr_size,
        segments: Vec::new(),
        sections,
        image_base: 0,
        details: Details::Plan9,
    })
}
