//! Build identifiers: the Go build ID exactly as `go tool buildid` finds it
//! (cmd/internal/buildid), the GNU build-id note, and the Mach-O LC_UUID.

use crate::bytes::{self, Endian};

const PREFIX: &[u8] = b"\xff Go build ID: \"";
const END: &[u8] = b"\"\n \xff";
/// How much of the file `go tool buildid` looks at before giving up on the text-segment marker.
const READ_SIZE: usize = 32 * 1024;
const NOTE_GO_BUILD_ID: u32 = 4;
const NOTE_GNU_BUILD_ID: u32 = 3;

/// Why a build ID marker could not be decoded; `go tool buildid` says "malformed object file".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MalformedBuildId;

impl std::fmt::Display for MalformedBuildId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("malformed object file")
    }
}

/// The Go build ID of a whole file, as `go tool buildid FILE` prints it (empty when there is none).
pub fn go_build_id(file: &[u8]) -> Result<String, MalformedBuildId> {
    build_id_and_writer(file).map(|(id, _)| id)
}

/// Whether the file holds a build ID the Go linker wrote (the ELF "Go" note or the text marker).
/// For an ELF file without one, `go tool buildid` prints the GNU build-id note, which any
/// linker writes: a C program's ID does not make it a Go executable.
pub fn written_by_go_linker(file: &[u8]) -> bool {
    matches!(build_id_and_writer(file), Ok((id, true)) if !id.is_empty())
}

/// The build ID `go tool buildid` prints, and whether the Go linker wrote it.
fn build_id_and_writer(file: &[u8]) -> Result<(String, bool), MalformedBuildId> {
    let head = &file[..file.len().min(READ_SIZE)];
    if head.starts_with(b"\x7fELF") {
        return Ok(elf_notes(file)
            .and_then(|notes| {
                let go = notes.iter().find(|n| n.kind == NOTE_GO_BUILD_ID && n.name == b"Go\0\0");
                let gnu = notes.iter().rev().find(|n| n.kind == NOTE_GNU_BUILD_ID && n.name == b"GNU\0");
                let (note, by_go) = go.map(|n| (n, true)).or(gnu.map(|n| (n, false)))?;
                Some((String::from_utf8_lossy(note.desc).into_owned(), by_go))
            })
            .unwrap_or_default());
    }
    if crate::macho::is_thin(head) {
        if let Ok(id) = raw_marker(head) {
            if !id.is_empty() {
                return Ok((id, true));
            }
        }
        let text = crate::macho::parse(file)
            .ok()
            .and_then(|c| {
                c.section("__text").map(|s| bytes::slice_clamped(file, s.offset, s.size.min(READ_SIZE as u64)))
            })
            .ok_or(MalformedBuildId)?;
        return raw_marker(text).map(|id| (id, true));
    }
    raw_marker(head).map(|id| (id, true))
}

/// The `\xff Go build ID: "..."\n \xff` marker the linker puts at the start of the text.
pub fn raw_marker(data: &[u8]) -> Result<String, MalformedBuildId> {
    let Some(i) = memchr::memmem::find(data, PREFIX) else {
        return Ok(String::new());
    };
    let body = &data[i + PREFIX.len()..];
    let j = memchr::memmem::find(body, END).ok_or(MalformedBuildId)?;
    let quoted = &data[i + PREFIX.len() - 1..i + PREFIX.len() + j + 1];
    let id = crate::goquote::unquote(quoted).ok_or(MalformedBuildId)?;
    Ok(String::from_utf8_lossy(&id).into_owned())
}

/// One ELF note.
pub struct Note<'a> {
    pub name: &'a [u8],
    pub kind: u32,
    pub desc: &'a [u8],
}

/// The notes of every PT_NOTE segment, walked the way cmd/internal/buildid walks them.
/// `None` when the ELF header or program headers cannot be read.
pub fn elf_notes(file: &[u8]) -> Option<Vec<Note<'_>>> {
    let class64 = match file.get(4)? {
        1 => false,
        2 => true,
        _ => return None,
    };
    let e = match file.get(5)? {
        1 => Endian::Little,
        2 => Endian::Big,
        _ => return None,
    };
    let (phoff, phentsize, phnum) = if class64 {
        (e.u64(file, 32)?, e.u16(file, 54)?, e.u16(file, 56)?)
    } else {
        (u64::from(e.u32(file, 28)?), e.u16(file, 42)?, e.u16(file, 44)?)
    };
    let mut notes = Vec::new();
    for i in 0..u64::from(phnum) {
        let ph = bytes::slice(file, phoff.checked_add(i * u64::from(phentsize))?, if class64 { 56 } else { 32 })?;
        if e.u32(ph, 0)? != crate::elf::PT_NOTE {
            continue;
        }
        let (off, filesz, align) = if class64 {
            (e.u64(ph, 8)?, e.u64(ph, 32)?, e.u64(ph, 48)?)
        } else {
            (u64::from(e.u32(ph, 4)?), u64::from(e.u32(ph, 16)?), u64::from(e.u32(ph, 28)?))
        };
        if filesz < 16 {
            continue;
        }
        notes.extend(parse_notes(bytes::slice_clamped(file, off, filesz), e, align));
    }
    Some(notes)
}

/// Splits a run of ELF notes (name and descriptor padded to 4 bytes, then to `align`).
fn parse_notes(mut note: &[u8], e: Endian, align: u64) -> Vec<Note<'_>> {
    let mut notes = Vec::new();
    while note.len() >= 16 {
        let (Some(name_size), Some(desc_size), Some(kind)) = (e.u32(note, 0), e.u32(note, 4), e.u32(note, 8)) else {
            break;
        };
        let (name_size, desc_size) = (name_size as usize, desc_size as usize);
        let name_pad = name_size.saturating_add(3) & !3;
        let desc_pad = desc_size.saturating_add(3) & !3;
        let desc_start = 12usize.saturating_add(name_pad);
        if let (Some(name), Some(desc)) = (
            note.get(12..12usize.saturating_add(name_size)),
            note.get(desc_start..desc_start.saturating_add(desc_size)),
        ) {
            notes.push(Note { name, kind, desc });
        }
        let mut size = desc_start.saturating_add(desc_pad);
        if align > 1 && align.is_power_of_two() && align <= 4096 {
            let a = align as usize;
            size = size.saturating_add((a - size % a) % a);
        }
        if size >= note.len() {
            break;
        }
        note = &note[size..];
    }
    notes
}

/// The GNU build-id note (`-ldflags=-B gobuildid`, or an external linker's `--build-id`), in hex.
/// Go's linker puts it in a SHT_NOTE section outside any PT_NOTE segment, so sections come first.
pub fn gnu_build_id(c: &crate::Container<'_>) -> Option<String> {
    const SHT_NOTE: u32 = 7;
    let from_sections = c.sections.iter().filter(|s| s.kind == SHT_NOTE).filter_map(|s| s.data(c.data));
    let mut notes: Vec<Note<'_>> = from_sections.flat_map(|d| parse_notes(d, c.endian, 4)).collect();
    notes.extend(elf_notes(c.data).unwrap_or_default());
    let n = notes.iter().find(|n| n.kind == NOTE_GNU_BUILD_ID && n.name == b"GNU\0")?;
    Some(n.desc.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_marker_decodes_and_rejects() {
        let data = b"junk\xff Go build ID: \"a/b/c/d\"\n \xffmore";
        assert_eq!(raw_marker(data).unwrap(), "a/b/c/d");
        assert_eq!(raw_marker(b"none").unwrap(), "");
        assert_eq!(raw_marker(b"\xff Go build ID: \"open"), Err(MalformedBuildId));
    }
}
