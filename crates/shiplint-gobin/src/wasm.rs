//! WebAssembly modules, which Go builds for `GOOS=js` and `GOOS=wasip1` (`GOARCH=wasm`).
//!
//! Go's `debug/buildinfo` does not read them (`go version -m` says "unrecognized file format"),
//! but they carry the same evidence in other places (cmd/link/internal/wasm): the Go build ID in
//! a `go:buildid` custom section at the front, the Go release in the `producers` section, the
//! module text of BuildInfo and the pclntab in the data segments that initialise linear memory,
//! and function names in the `name` section that `-s` omits. Go writes no DWARF for wasm.

use crate::Error;
use crate::bytes::{self, Endian};
use crate::container::{Container, Details, Format, Section, Segment};

const MAGIC: &[u8] = b"\0asm\x01\0\0\0";
const CUSTOM: u8 = 0;
const IMPORT: u8 = 2;
const DATA: u8 = 11;
/// `i32.const`, the only offset expression Go (and any linker of 32-bit memories) writes.
const I32_CONST: u8 = 0x41;
const END: u8 = 0x0b;

/// What only a wasm module has.
#[derive(Clone, Debug, Default)]
pub struct WasmDetails {
    /// The version a `producers` section gives the "Go" language (the linker's `buildcfg.Version`).
    pub go_version: Option<String>,
    /// The modules the imports come from, in first-use order: `gojs` for GOOS=js,
    /// `wasi_snapshot_preview1` for GOOS=wasip1.
    pub import_modules: Vec<String>,
    /// Function names in the `name` section (absent after `-ldflags=-s`).
    pub named_functions: usize,
}

/// The GOOS a Go module's imports say it was built for: GOOS=js imports from `gojs`, GOOS=wasip1
/// from `wasi_snapshot_preview1`.
pub fn goos_of_imports(import_modules: &[String]) -> Option<&'static str> {
    let imports = |m: &str| import_modules.iter().any(|i| i == m);
    if imports("gojs") {
        Some("js")
    } else if imports("wasi_snapshot_preview1") {
        Some("wasip1")
    } else {
        None
    }
}

pub fn is_wasm(b: &[u8]) -> bool {
    b.starts_with(MAGIC)
}

/// A LEB128 reader over one section's bytes; every read fails cleanly at the end.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn u32(&mut self) -> Option<u32> {
        let mut value = 0u32;
        for shift in (0..35).step_by(7) {
            let b = *self.data.get(self.pos)?;
            self.pos += 1;
            value |= u32::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    /// A signed LEB128 of at most 32 bits (an `i32.const` operand).
    fn i32(&mut self) -> Option<i32> {
        let mut value = 0i64;
        for shift in (0..35).step_by(7) {
            let b = *self.data.get(self.pos)?;
            self.pos += 1;
            value |= i64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                if b & 0x40 != 0 {
                    value -= 1i64 << (shift + 7);
                }
                return i32::try_from(value).ok();
            }
        }
        None
    }

    fn byte(&mut self) -> Option<u8> {
        let b = *self.data.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn bytes(&mut self, n: u32) -> Option<&'a [u8]> {
        let b = self.data.get(self.pos..self.pos.checked_add(n as usize)?)?;
        self.pos += n as usize;
        Some(b)
    }

    fn name(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()?;
        self.bytes(n)
    }
}

/// The spec's name for a section id; ids of later proposals (13 is exception handling's `tag`)
/// are named by number rather than refused.
fn section_name(id: u8) -> String {
    let name = match id {
        1 => "type",
        2 => "import",
        3 => "function",
        4 => "table",
        5 => "memory",
        6 => "global",
        7 => "export",
        8 => "start",
        9 => "element",
        10 => "code",
        11 => "data",
        12 => "datacount",
        _ => return format!("section {id}"),
    };
    name.to_string()
}

pub(crate) fn parse(data: &[u8]) -> Result<Container<'_>, Error> {
    if !is_wasm(data) {
        return Err(Error::Unrecognized);
    }
    let bad = |what: &str| Error::Malformed(format!("wasm: {what}"));
    let mut module = Reader { data, pos: MAGIC.len() };
    let mut sections = Vec::new();
    let mut segments = Vec::new();
    let mut details = WasmDetails::default();
    while module.pos < data.len() {
        let id = module.byte().ok_or_else(|| bad("truncated section header"))?;
        let size = module.u32().ok_or_else(|| bad("truncated section header"))?;
        let start = module.pos;
        let payload = module.bytes(size).ok_or_else(|| bad("section runs past the end of the file"))?;
        let mut body = Reader { data: payload, pos: 0 };
        let name = if id == CUSTOM {
            let name = body.name().ok_or_else(|| bad("custom section without a name"))?;
            String::from_utf8_lossy(name).into_owned()
        } else {
            section_name(id)
        };
        match (id, name.as_str()) {
            (CUSTOM, "producers") => details.go_version = go_producer(&mut body),
            (CUSTOM, "name") => details.named_functions = function_name_count(&mut body),
            (IMPORT, _) => details.import_modules = import_modules(&mut body),
            (DATA, _) => segments = data_segments(&mut body, start),
            _ => {}
        }
        sections.push(Section {
            name,
            segment: String::new(),
            addr: 0,
            size: u64::from(size),
            virtual_size: u64::from(size),
            offset: start as u64,
            in_file: true,
            kind: u32::from(id),
            flags: 0,
            link: 0,
        });
    }
    Ok(Container {
        data,
        format: Format::Wasm,
        arch: "wasm".into(),
        endian: Endian::Little,
        // GOARCH=wasm has 64-bit pointers and ints in a 32-bit linear memory.
        ptr_size: 8,
        segments,
        sections,
        image_base: 0,
        details: Details::Wasm(details),
    })
}

/// The version of the "Go" entry of the `language` field.
fn go_producer(r: &mut Reader<'_>) -> Option<String> {
    for _ in 0..r.u32()? {
        let field = r.name()?;
        for _ in 0..r.u32()? {
            let (name, version) = (r.name()?, r.name()?);
            if field == b"language" && name == b"Go" {
                return Some(String::from_utf8_lossy(version).into_owned());
            }
        }
    }
    None
}

/// The number of entries of the function-names subsection (id 1).
fn function_name_count(r: &mut Reader<'_>) -> usize {
    while let (Some(id), Some(size)) = (r.byte(), r.u32()) {
        if id == 1 {
            return r.u32().map_or(0, |n| n as usize);
        }
        if r.bytes(size).is_none() {
            break;
        }
    }
    0
}

fn import_modules(r: &mut Reader<'_>) -> Vec<String> {
    let mut modules: Vec<String> = Vec::new();
    let Some(count) = r.u32() else { return modules };
    for _ in 0..count {
        let (Some(module), Some(_field), Some(kind)) = (r.name(), r.name(), r.byte()) else { break };
        let described = match kind {
            0 => r.u32().is_some(),                        // function: type index
            1 => r.byte().is_some() && limits(r),          // table: element type, limits
            2 => limits(r),                                // memory
            3 => r.byte().is_some() && r.byte().is_some(), // global: type, mutability
            _ => false,
        };
        let module = String::from_utf8_lossy(module);
        if !modules.iter().any(|m| *m == module) {
            modules.push(module.into_owned());
        }
        if !described {
            break;
        }
    }
    modules
}

fn limits(r: &mut Reader<'_>) -> bool {
    match r.byte() {
        Some(0) => r.u32().is_some(),
        Some(1) => r.u32().is_some() && r.u32().is_some(),
        _ => false,
    }
}

/// Active data segments as loadable segments: linear-memory address, and where their bytes are
/// in the file (`section_start` is the data section's payload offset). Passive segments and
/// offset expressions other than `i32.const` place nothing readable and are skipped.
fn data_segments(r: &mut Reader<'_>, section_start: usize) -> Vec<Segment> {
    let mut out = Vec::new();
    let Some(count) = r.u32() else { return out };
    for _ in 0..count {
        let Some(flags) = r.u32() else { break };
        let address = match flags {
            0 | 2 => {
                if flags == 2 && r.u32().is_none() {
                    break;
                }
                match (r.byte(), r.i32(), r.byte()) {
                    (Some(I32_CONST), Some(a), Some(END)) => Some(u64::from(a as u32)),
                    _ => break,
                }
            }
            1 => None,
            _ => break,
        };
        let Some(len) = r.u32() else { break };
        let offset = (section_start + r.pos) as u64;
        if r.bytes(len).is_none() {
            break;
        }
        if let Some(vaddr) = address {
            out.push(Segment {
                name: "data".into(),
                kind: 0,
                vaddr,
                memsz: u64::from(len),
                offset,
                filesz: u64::from(len),
                align: 1,
                writable: true,
                executable: false,
                loadable: true,
            });
        }
    }
    out
}

/// Linear memory as the data segments initialise it: its bytes from the lowest segment (rounded
/// down to 16, so alignment in the image is alignment in memory) to the end of the highest, gaps
/// zero, and the address it starts at. Go splits its data at every run of zeros, so tables such
/// as the pclntab are only contiguous here. `None` when the span is over twice the file's size:
/// real modules are never that sparse, and the span comes from untrusted offsets.
pub fn memory_image(c: &Container<'_>) -> Option<(u64, Vec<u8>)> {
    let base = c.segments.iter().map(|s| s.vaddr).min()? & !15;
    let end = c.segments.iter().map(|s| s.vaddr + s.filesz).max()?;
    let span = usize::try_from(end - base).ok()?;
    if span > c.data.len().saturating_mul(2) {
        return None;
    }
    let mut memory = vec![0u8; span];
    for s in &c.segments {
        let at = (s.vaddr - base) as usize;
        let bytes = bytes::slice(c.data, s.offset, s.filesz)?;
        memory[at..at + bytes.len()].copy_from_slice(bytes);
    }
    Some((base, memory))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leb(mut v: u32, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            out.push(if v == 0 { b } else { b | 0x80 });
            if v == 0 {
                break;
            }
        }
    }

    fn section(id: u8, body: &[u8], out: &mut Vec<u8>) {
        out.push(id);
        leb(body.len() as u32, out);
        out.extend_from_slice(body);
    }

    #[test]
    fn reads_segments_producers_and_imports() {
        let mut m = MAGIC.to_vec();
        let mut imports = vec![1];
        for s in ["gojs", "runtime.wasmExit"] {
            leb(s.len() as u32, &mut imports);
            imports.extend_from_slice(s.as_bytes());
        }
        imports.extend_from_slice(&[0, 0]);
        section(IMPORT, &imports, &mut m);
        // Two active segments at 4096 and 4104, with a gap of zeros between them.
        let data = [2, 0, I32_CONST, 0x80, 0x20, END, 3, b'a', b'b', b'c', 0, I32_CONST, 0x88, 0x20, END, 1, b'z'];
        section(DATA, &data, &mut m);
        let mut producers = vec![9];
        producers.extend_from_slice(b"producers");
        producers.extend_from_slice(b"\x01\x08language\x01\x02Go\x08go1.27.3");
        section(CUSTOM, &producers, &mut m);

        let c = parse(&m).unwrap();
        let Details::Wasm(d) = &c.details else { panic!() };
        assert_eq!(d.go_version.as_deref(), Some("go1.27.3"));
        assert_eq!(goos_of_imports(&d.import_modules), Some("js"));
        assert_eq!(c.segments.iter().map(|s| (s.vaddr, s.filesz)).collect::<Vec<_>>(), [(4096, 3), (4104, 1)]);
        assert_eq!(memory_image(&c).unwrap(), (4096, b"abc\0\0\0\0\0z".to_vec()));
        assert_eq!(c.sections.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["import", "data", "producers"]);
    }

    #[test]
    fn a_module_not_made_by_go_is_no_go_executable() {
        let mut m = MAGIC.to_vec();
        // A pclntab-like header in the data of a module another compiler made.
        let mut data = vec![1, 0, I32_CONST, 0x80, 0x20, END, 16];
        data.extend_from_slice(&[0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8, 0, 0, 0, 0, 0, 0, 0, 0]);
        section(DATA, &data, &mut m);
        let c = parse(&m).unwrap();
        let f = crate::facts(&c);
        assert!(!f.is_go && f.pclntab.is_none() && f.go_version.is_none());
    }

    #[test]
    fn hostile_modules_fail_cleanly() {
        assert!(matches!(parse(b"\0asm\x01\0\0\0\x0b\xff\xff\xff\xff\x0f"), Err(Error::Malformed(_))));
        assert!(matches!(parse(b"\0asm\x01\0\0\0\x0e\x05ab"), Err(Error::Malformed(_))));
        // Data segments at 0 and near 4 GiB in a tiny file: no memory image.
        let mut m = MAGIC.to_vec();
        section(DATA, &[2, 0, I32_CONST, 0, END, 1, b'a', 0, I32_CONST, 0x7f, END, 1, b'x'], &mut m);
        let c = parse(&m).unwrap();
        assert_eq!(c.segments[1].vaddr, u64::from(u32::MAX));
        assert!(memory_image(&c).is_none());
    }
}
