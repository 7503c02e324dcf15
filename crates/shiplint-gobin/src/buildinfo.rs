//! The BuildInfo blob the Go linker leaves in every executable since Go 1.13, read exactly as Go's
//! `debug/buildinfo` reads it (same search, same failures), parsed as `runtime/debug.ParseBuildInfo`
//! parses it, and rendered as `go version -m` and `go version -m -json` print it.

use crate::bytes::{self, Endian};
use crate::container::{Container, Format};
use crate::goquote;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

const MAGIC: &[u8] = b"\xff Go buildinf:";
const ALIGN: u64 = 16;
const HEADER_SIZE: u64 = 32;
const SEARCH_CHUNK: u64 = 1 << 20;

/// Why BuildInfo could not be read; `Display` is Go's wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildInfoError {
    /// Not a format Go reads, or its headers break the format's rules.
    UnrecognizedFormat,
    /// A valid executable without Go build information.
    NotGoExecutable,
    /// Plan 9 and XCOFF readers' own wording for an address outside every section.
    NotMapped,
    /// The module text is malformed (`line` counts from 1).
    Parse { line: usize, message: String },
}

impl fmt::Display for BuildInfoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnrecognizedFormat => f.write_str("unrecognized file format"),
            Self::NotGoExecutable => f.write_str("not a Go executable"),
            Self::NotMapped => f.write_str("address not mapped"),
            Self::Parse { line, message } => {
                write!(f, "could not parse Go build info: line {line}: {message}")
            }
        }
    }
}

impl std::error::Error for BuildInfoError {}

/// Which header layout the linker wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlobFormat {
    /// Go 1.13–1.17: the header holds pointers to two Go strings.
    Pointer,
    /// Go 1.18+: two varint-prefixed strings follow the header.
    Inline,
    /// A wasm module: no header; the module text is found by its sentinels in linear memory and
    /// the Go version is the `producers` section's.
    WasmData,
}

/// A Go string: any bytes, usually UTF-8. Kept exact so output can be byte-identical to Go's;
/// shown and serialized with invalid bytes replaced by U+FFFD.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GoString(Vec<u8>);

impl GoString {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    pub fn to_str(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&[u8]> for GoString {
    fn from(b: &[u8]) -> Self {
        GoString(b.to_vec())
    }
}

impl From<&str> for GoString {
    fn from(s: &str) -> Self {
        GoString(s.as_bytes().to_vec())
    }
}

impl PartialEq<str> for GoString {
    fn eq(&self, other: &str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl PartialEq<&str> for GoString {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl fmt::Display for GoString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_str())
    }
}

impl fmt::Debug for GoString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_str(), f)
    }
}

impl Serialize for GoString {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_str())
    }
}

/// The raw blob: Go version and module text with the sentinel framing removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawBuildInfo {
    pub go_version: GoString,
    pub modinfo: GoString,
    pub blob_format: BlobFormat,
    /// Virtual address of the blob header.
    pub address: u64,
}

/// `runtime/debug.Module`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Module {
    pub path: GoString,
    pub version: GoString,
    pub sum: GoString,
    pub replace: Option<Box<Module>>,
}

/// `runtime/debug.BuildSetting`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BuildSetting {
    pub key: GoString,
    pub value: GoString,
}

/// `runtime/debug.BuildInfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BuildInfo {
    pub go_version: GoString,
    /// The main package's import path (`command-line-arguments` for `go build file.go`).
    pub path: GoString,
    pub main: Module,
    pub deps: Vec<Module>,
    pub settings: Vec<BuildSetting>,
}

impl BuildInfo {
    /// The value of a build setting (`-trimpath`, `-ldflags`, `CGO_ENABLED`, `vcs.modified`, ...).
    pub fn setting(&self, key: &str) -> Option<Cow<'_, str>> {
        self.settings.iter().find(|s| s.key == key).map(|s| s.value.to_str())
    }

    /// True when built in module mode with a main module (`mod` line present).
    pub fn has_main_module(&self) -> bool {
        self.main != Module::default()
    }

    /// True when it records nothing of what went into the build (no package path, module,
    /// dependency or setting): the compiler and linker were run without `go build` (Bazel,
    /// `go tool link`), and only the Go version is there.
    pub fn records_only_go_version(&self) -> bool {
        self.path.is_empty() && !self.has_main_module() && self.deps.is_empty() && self.settings.is_empty()
    }
}

/// Where the blob may be, per format: Go's `exe.DataStart`.
fn data_start(c: &Container<'_>) -> (u64, u64) {
    match c.format {
        Format::Elf => c.section(".go.buildinfo").map_or((0, 0), |s| (s.addr, s.size)),
        Format::MachO => c.section("__go_buildinfo").map_or((0, 0), |s| (s.addr, s.size)),
        Format::Plan9 => c.section("data").map_or((0, 0), |s| (s.offset, s.size)),
        // Go's debug/buildinfo does not read wasm modules: see `read_wasm`.
        Format::Wasm => (0, 0),
        Format::Pe => {
            const WANT: u32 = 0x40 | 0x4000_0000 | 0x8000_0000; // initialized data, read, write
            c.sections
                .iter()
                .find(|s| s.addr != c.image_base && s.size != 0 && s.kind & !0x0060_0000 == WANT)
                .map_or((0, 0), |s| (s.addr, s.virtual_size))
        }
    }
}

/// The bytes from `addr` to the end of the range that maps it: Go's `exe.DataReader`, with its
/// wrapping arithmetic kept so malformed files fail the same way. `Err` means "not mapped".
fn data_reader<'a>(c: &Container<'a>, addr: u64) -> Result<&'a [u8], BuildInfoError> {
    let window = |off: u64, size: u64, rel: u64, remaining: u64| -> &'a [u8] {
        if rel > i64::MAX as u64 || remaining > i64::MAX as u64 || rel >= size {
            return &[];
        }
        let end = rel.saturating_add(remaining).min(size);
        bytes::slice_clamped(c.data, off.saturating_add(rel), end - rel)
    };
    match c.format {
        Format::Elf | Format::MachO | Format::Wasm => {
            for s in &c.segments {
                if c.format == Format::MachO && s.name == "__PAGEZERO" {
                    continue;
                }
                let last = s.vaddr.wrapping_add(s.filesz).wrapping_sub(1);
                if s.vaddr <= addr && addr <= last {
                    let remaining = s.vaddr.wrapping_add(s.filesz).wrapping_sub(addr);
                    return Ok(window(s.offset, s.filesz, addr - s.vaddr, remaining));
                }
            }
        }
        Format::Plan9 => {
            for s in &c.sections {
                let (off, size) = (s.offset as u32, s.size as u32);
                if u64::from(off) <= addr && addr <= u64::from(off.wrapping_add(size).wrapping_sub(1)) {
                    let remaining = u64::from(off.wrapping_add(size)).wrapping_sub(addr);
                    return Ok(window(s.offset, s.size, addr - u64::from(off), remaining));
                }
            }
            return Err(BuildInfoError::NotMapped);
        }
        Format::Pe => {
            let rva = addr.wrapping_sub(c.image_base);
            for s in &c.sections {
                let va = s.addr.wrapping_sub(c.image_base) as u32;
                let size = s.size as u32;
                let last = u64::from(va.wrapping_add(size).wrapping_sub(1));
                if u64::from(va) <= rva && rva <= last {
                    let remaining = u64::from(va.wrapping_add(size)).wrapping_sub(rva);
                    if s.offset == 0 {
                        // Go reads a section without file data as zeros.
                        static ZEROS: [u8; 1 << 20] = [0; 1 << 20];
                        let n = remaining.min(s.size.saturating_sub(rva - u64::from(va))).min(ZEROS.len() as u64);
                        return Ok(&ZEROS[..n as usize]);
                    }
                    return Ok(window(s.offset, s.size, rva - u64::from(va), remaining));
                }
            }
        }
    }
    Err(BuildInfoError::UnrecognizedFormat)
}

/// Exactly `size` bytes at `addr`, or `NotGoExecutable` if fewer are there (Go's `readData` + EOF).
fn read_data<'a>(c: &Container<'a>, addr: u64, size: u64) -> Result<&'a [u8], BuildInfoError> {
    let b = data_reader(c, addr)?;
    b.get(..usize::try_from(size).map_err(|_| BuildInfoError::NotGoExecutable)?).ok_or(BuildInfoError::NotGoExecutable)
}

fn search_magic(c: &Container<'_>, start: u64, size: u64) -> Result<u64, BuildInfoError> {
    let end = start.checked_add(size).ok_or(BuildInfoError::UnrecognizedFormat)?;
    let mut start = match start.checked_add(ALIGN - 1) {
        Some(s) => s & !(ALIGN - 1),
        None => return Err(BuildInfoError::NotGoExecutable),
    };
    if start >= end {
        return Err(BuildInfoError::NotGoExecutable);
    }
    while start < end {
        let remaining = end - start;
        let chunk = SEARCH_CHUNK.min(remaining);
        let avail = data_reader(c, start)?;
        let mut data = &avail[..avail.len().min(chunk as usize)];
        if data.is_empty() {
            return Err(BuildInfoError::NotGoExecutable);
        }
        let mut base = 0usize;
        while let Some(i) = memchr::memmem::find(data, MAGIC) {
            let at = base + i;
            if remaining - (at as u64) < HEADER_SIZE {
                return Err(BuildInfoError::NotGoExecutable);
            }
            if at as u64 % ALIGN != 0 {
                let next = (i + ALIGN as usize - 1) & !(ALIGN as usize - 1);
                if next > data.len() {
                    return Err(BuildInfoError::NotGoExecutable);
                }
                data = &data[next..];
                base += next;
                continue;
            }
            return Ok(start + at as u64);
        }
        start += chunk;
    }
    Err(BuildInfoError::NotGoExecutable)
}

fn decode_string<'a>(c: &Container<'a>, addr: u64) -> Result<(&'a [u8], u64), BuildInfoError> {
    let b = read_data(c, addr, 10)?;
    let (len, n) = uvarint(b).ok_or(BuildInfoError::NotGoExecutable)?;
    let addr = addr + n as u64;
    if len > i64::MAX as u64 {
        return Err(BuildInfoError::NotGoExecutable);
    }
    Ok((read_data(c, addr, len)?, addr + len))
}

/// Go's `binary.Uvarint`: `None` on overflow or a buffer that ends mid-number.
fn uvarint(b: &[u8]) -> Option<(u64, usize)> {
    let mut x = 0u64;
    let mut s = 0u32;
    for (i, &byte) in b.iter().enumerate().take(10) {
        if byte < 0x80 {
            if i == 9 && byte > 1 {
                return None;
            }
            return Some((x | u64::from(byte) << s, i + 1));
        }
        x |= u64::from(byte & 0x7f) << s;
        s += 7;
    }
    None
}

/// A pre-1.18 Go string header (pointer, length) at `addr`; empty on any failure, as in Go.
fn read_go_string<'a>(c: &Container<'a>, ptr_size: u8, e: Endian, addr: u64) -> &'a [u8] {
    let Ok(hdr) = read_data(c, addr, 2 * u64::from(ptr_size)) else {
        return &[];
    };
    let (Some(ptr), Some(len)) = (e.word(hdr, 0, ptr_size), e.word(hdr, ptr_size as usize, ptr_size)) else {
        return &[];
    };
    read_data(c, ptr, len).unwrap_or_default()
}

/// Finds and decodes the BuildInfo blob, failing exactly where Go's `debug/buildinfo` fails.
pub fn read_raw(c: &Container<'_>) -> Result<RawBuildInfo, BuildInfoError> {
    let (start, size) = data_start(c);
    if size == 0 {
        return Err(BuildInfoError::NotGoExecutable);
    }
    let addr = search_magic(c, start, size)?;
    let header = read_data(c, addr, HEADER_SIZE)?;
    let flags = header[15];
    let (go_version, modinfo, blob_format) = if flags & 2 == 2 {
        let (vers, next) = decode_string(c, addr + HEADER_SIZE)?;
        let (m, _) = decode_string(c, next)?;
        (vers, m, BlobFormat::Inline)
    } else {
        let ptr_size = header[14];
        if ptr_size != 4 && ptr_size != 8 {
            return Err(BuildInfoError::NotGoExecutable);
        }
        let e = if flags & 1 == 1 { Endian::Big } else { Endian::Little };
        let word = |o: usize| e.word(header, o, ptr_size).unwrap_or(0);
        let vers = read_go_string(c, ptr_size, e, word(16));
        let m = read_go_string(c, ptr_size, e, word(16 + ptr_size as usize));
        (vers, m, BlobFormat::Pointer)
    };
    if go_version.is_empty() {
        return Err(BuildInfoError::NotGoExecutable);
    }
    // Strip the 16-byte sentinels cmd/go wraps the module text in.
    let framed = modinfo.len() >= 33 && modinfo[modinfo.len() - 17] == b'\n';
    let modinfo = if framed { &modinfo[16..modinfo.len() - 16] } else { &[] };
    Ok(RawBuildInfo { go_version: go_version.into(), modinfo: modinfo.into(), blob_format, address: addr })
}

/// The 16-byte sentinels cmd/go frames the module text with (cmd/go/internal/modload).
const INFO_START: &[u8] = b"\x30\x77\xaf\x0c\x92\x74\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6";
const INFO_END: &[u8] = b"\xf9\x32\x43\x31\x86\x18\x20\x72\x00\x82\x42\x10\x41\x16\xd8\xf2";

/// What a wasm module records of BuildInfo: the Go version from its `producers` section, and
/// the framed module text (`runtime.modinfo`) found in its linear memory starting at `base`;
/// an empty module text when there is none (GOPATH builds, Go before 1.12).
pub fn read_wasm(go_version: Option<&str>, memory: &[u8], base: u64) -> Result<RawBuildInfo, BuildInfoError> {
    let go_version = go_version.filter(|v| !v.is_empty()).ok_or(BuildInfoError::NotGoExecutable)?;
    let framed = memchr::memmem::find(memory, INFO_START).and_then(|start| {
        let text = &memory[start + INFO_START.len()..];
        let end = memchr::memmem::find(text, INFO_END)?;
        Some((start, &text[..end]))
    });
    let (address, modinfo) = framed.map_or((0, &[][..]), |(start, text)| (base + start as u64, text));
    Ok(RawBuildInfo {
        go_version: go_version.into(),
        modinfo: modinfo.into(),
        blob_format: BlobFormat::WasmData,
        address,
    })
}

/// Reads and parses BuildInfo: Go's `buildinfo.Read`.
pub fn read(c: &Container<'_>) -> Result<BuildInfo, BuildInfoError> {
    let raw = read_raw(c)?;
    let mut bi = parse(raw.modinfo.as_bytes())?;
    bi.go_version = raw.go_version;
    Ok(bi)
}

fn quote_key(k: &[u8]) -> bool {
    k.is_empty() || k.iter().any(|b| b"= \t\r\n\"`".contains(b))
}

fn quote_value(v: &[u8]) -> bool {
    v.iter().any(|b| b" \t\r\n\"`".contains(b))
}

/// `runtime/debug.ParseBuildInfo`, over the bytes of the module text.
pub fn parse(data: &[u8]) -> Result<BuildInfo, BuildInfoError> {
    let mut bi = BuildInfo::default();
    let mut line_num = 1;
    let err = |line: usize, message: String| BuildInfoError::Parse { line, message };
    // `last` names the module a `=>` line may replace: None, the main module, or deps[i].
    enum Last {
        None,
        Main,
        Dep(usize),
    }
    let mut last = Last::None;
    let module = |fields: &[u8], line: usize| -> Result<Module, BuildInfoError> {
        let elem: Vec<&[u8]> = fields.split(|&b| b == b'\t').collect();
        if elem.len() != 2 && elem.len() != 3 {
            return Err(err(line, format!("expected 2 or 3 columns; got {}", elem.len())));
        }
        Ok(Module {
            path: elem[0].into(),
            version: elem[1].into(),
            sum: elem.get(2).copied().unwrap_or_default().into(),
            replace: None,
        })
    };
    let mut rest = data;
    while !rest.is_empty() {
        let Some(nl) = memchr::memchr(b'\n', rest) else {
            break;
        };
        let line = &rest[..nl];
        rest = &rest[nl + 1..];
        if let Some(p) = line.strip_prefix(b"path\t") {
            bi.path = p.into();
        } else if let Some(m) = line.strip_prefix(b"mod\t") {
            bi.main = module(m, line_num)?;
            last = Last::Main;
        } else if let Some(d) = line.strip_prefix(b"dep\t") {
            bi.deps.push(module(d, line_num)?);
            last = Last::Dep(bi.deps.len() - 1);
        } else if let Some(r) = line.strip_prefix(b"=>\t") {
            let elem: Vec<&[u8]> = r.split(|&b| b == b'\t').collect();
            if elem.len() != 3 {
                return Err(err(line_num, format!("expected 3 columns for replacement; got {}", elem.len())));
            }
            let target = match last {
                Last::None => {
                    return Err(err(line_num, "replacement with no module on previous line".into()));
                }
                Last::Main => &mut bi.main,
                Last::Dep(i) => &mut bi.deps[i],
            };
            target.replace = Some(Box::new(Module {
                path: elem[0].into(),
                version: elem[1].into(),
                sum: elem[2].into(),
                replace: None,
            }));
            last = Last::None;
        } else if let Some(kv) = line.strip_prefix(b"build\t") {
            bi.settings.push(parse_setting(kv).map_err(|m| err(line_num, m))?);
        }
        line_num += 1;
    }
    Ok(bi)
}

fn parse_setting(kv: &[u8]) -> Result<BuildSetting, String> {
    let (key, raw_value): (GoString, &[u8]) = match kv.first() {
        None => return Err("build line missing '='".into()),
        Some(b'=') => return Err("build line with missing key".into()),
        Some(b'`' | b'"') => {
            let n = goquote::quoted_prefix(kv).ok_or("invalid quoted key in build line")?;
            match kv.get(n) {
                None => return Err("build line missing '=' after quoted key".into()),
                Some(b'=') => {}
                Some(&c) => {
                    return Err(format!("unexpected character after quoted key: {}", go_quote_rune(c)));
                }
            }
            (GoString(goquote::unquote(&kv[..n]).unwrap_or_default()), &kv[n + 1..])
        }
        Some(_) => {
            let eq = memchr::memchr(b'=', kv).ok_or("build line missing '=' after key")?;
            let k = &kv[..eq];
            if quote_key(k) {
                return Err(format!("unquoted key {} must be quoted", goquote::quote(k)));
            }
            (k.into(), &kv[eq + 1..])
        }
    };
    let value = match raw_value.first() {
        None => GoString::default(),
        Some(b'`' | b'"') => GoString(goquote::unquote(raw_value).ok_or("invalid quoted value in build line")?),
        Some(_) => {
            if quote_value(raw_value) {
                return Err(format!("unquoted value {} must be quoted", goquote::quote(raw_value)));
            }
            raw_value.into()
        }
    };
    Ok(BuildSetting { key, value })
}

/// Go's `%q` of a byte: the single-quoted rune literal of `rune(b)`.
fn go_quote_rune(b: u8) -> String {
    let c = char::from(b);
    let q = goquote::quote(c.to_string().as_bytes());
    let inner = &q[1..q.len() - 1];
    match inner {
        "\\\"" => "'\"'".into(),
        "'" => "'\\''".into(),
        _ => format!("'{inner}'"),
    }
}

impl BuildInfo {
    /// `runtime/debug.BuildInfo.String`, byte for byte.
    pub fn to_go_string(&self) -> Vec<u8> {
        fn module(out: &mut Vec<u8>, word: &[u8], m: &Module) {
            for (i, part) in [word, m.path.as_bytes(), m.version.as_bytes()].into_iter().enumerate() {
                if i > 0 {
                    out.push(b'\t');
                }
                out.extend_from_slice(part);
            }
            match &m.replace {
                None => {
                    out.push(b'\t');
                    out.extend_from_slice(m.sum.as_bytes());
                }
                Some(r) => {
                    out.push(b'\n');
                    module(out, b"=>", r);
                }
            }
            out.push(b'\n');
        }
        let mut out = Vec::new();
        for (word, value) in [(&b"go\t"[..], &self.go_version), (b"path\t", &self.path)] {
            if !value.is_empty() {
                out.extend_from_slice(word);
                out.extend_from_slice(value.as_bytes());
                out.push(b'\n');
            }
        }
        if self.has_main_module() {
            module(&mut out, b"mod", &self.main);
        }
        for d in &self.deps {
            module(&mut out, b"dep", d);
        }
        for s in &self.settings {
            out.extend_from_slice(b"build\t");
            for (i, (text, quoted)) in
                [(&s.key, quote_key(s.key.as_bytes())), (&s.value, quote_value(s.value.as_bytes()))]
                    .into_iter()
                    .enumerate()
            {
                if i > 0 {
                    out.push(b'=');
                }
                if quoted {
                    out.extend_from_slice(goquote::quote(text.as_bytes()).as_bytes());
                } else {
                    out.extend_from_slice(text.as_bytes());
                }
            }
            out.push(b'\n');
        }
        out
    }

    /// `json.MarshalIndent(bi, "", "\t")` of `runtime/debug.BuildInfo`, as `go version -m -json` prints.
    pub fn to_go_json(&self) -> String {
        let mut w = GoJson::default();
        w.open('{');
        w.field_str("GoVersion", &self.go_version);
        w.field_str("Path", &self.path);
        w.key("Main");
        w.module(&self.main);
        if !self.deps.is_empty() {
            w.key("Deps");
            w.open('[');
            for d in &self.deps {
                w.item();
                w.module(d);
            }
            w.close(']');
        }
        if !self.settings.is_empty() {
            w.key("Settings");
            w.open('[');
            for s in &self.settings {
                w.item();
                w.open('{');
                w.field_str("Key", &s.key);
                w.field_str("Value", &s.value);
                w.close('}');
            }
            w.close(']');
        }
        w.close('}');
        w.out
    }
}

/// A tiny writer reproducing encoding/json's indented output and string escaping.
#[derive(Default)]
struct GoJson {
    out: String,
    depth: usize,
    /// Whether the current object/array already has a member (needs a comma before the next).
    has_member: Vec<bool>,
}

impl GoJson {
    fn newline(&mut self) {
        self.out.push('\n');
        for _ in 0..self.depth {
            self.out.push('\t');
        }
    }
    fn open(&mut self, c: char) {
        self.out.push(c);
        self.depth += 1;
        self.has_member.push(false);
    }
    fn close(&mut self, c: char) {
        self.depth -= 1;
        if self.has_member.pop() == Some(true) {
            self.newline();
        }
        self.out.push(c);
    }
    fn item(&mut self) {
        if let Some(has) = self.has_member.last_mut() {
            if *has {
                self.out.push(',');
            }
            *has = true;
        }
        self.newline();
    }
    fn key(&mut self, k: &str) {
        self.item();
        self.string(k.as_bytes());
        self.out.push_str(": ");
    }
    fn field_str(&mut self, k: &str, v: &GoString) {
        if !v.is_empty() {
            self.key(k);
            self.string(v.as_bytes());
        }
    }
    fn module(&mut self, m: &Module) {
        self.open('{');
        self.field_str("Path", &m.path);
        self.field_str("Version", &m.version);
        self.field_str("Sum", &m.sum);
        if let Some(r) = &m.replace {
            self.key("Replace");
            self.module(r);
        }
        self.close('}');
    }
    fn string(&mut self, s: &[u8]) {
        use goquote::Unit;
        self.out.push('"');
        for u in goquote::units(s) {
            match u {
                // encoding/json replaces each invalid byte with an escaped U+FFFD.
                Unit::Invalid(_) => self.out.push_str("\\ufffd"),
                Unit::Char('"') => self.out.push_str("\\\""),
                Unit::Char('\\') => self.out.push_str("\\\\"),
                Unit::Char('\n') => self.out.push_str("\\n"),
                Unit::Char('\r') => self.out.push_str("\\r"),
                Unit::Char('\t') => self.out.push_str("\\t"),
                Unit::Char('\u{8}') => self.out.push_str("\\b"),
                Unit::Char('\u{c}') => self.out.push_str("\\f"),
                Unit::Char(c @ ('<' | '>' | '&' | '\u{2028}' | '\u{2029}')) => {
                    self.out.push_str(&format!("\\u{:04x}", c as u32))
                }
                Unit::Char(c) if (c as u32) < 0x20 => self.out.push_str(&format!("\\u{:04x}", c as u32)),
                Unit::Char(c) => self.out.push(c),
            }
        }
        self.out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "path\texample.com/app\nmod\texample.com/app\t(devel)\t\ndep\texample.org/lib\tv1.0.0\n=>\t../lib\t(devel)\t\nbuild\t-ldflags=\"-s -w\"\nbuild\tCGO_ENABLED=1\n";

    #[test]
    fn parse_and_render_like_go() {
        let bi = parse(TEXT.as_bytes()).unwrap();
        assert_eq!(bi.path, "example.com/app");
        assert_eq!(bi.deps[0].replace.as_ref().unwrap().path, "../lib");
        assert_eq!(bi.setting("-ldflags").as_deref(), Some("-s -w"));
        // Go's BuildInfo.String ends a replaced module with an empty line; `go version -m` shows it.
        assert_eq!(bi.to_go_string(), TEXT.replace("(devel)\t\nbuild", "(devel)\t\n\nbuild").as_bytes());
    }

    #[test]
    fn parse_errors_use_go_wording() {
        let e = parse(b"path\tx\n=>\ta\tb\tc\n").unwrap_err();
        assert_eq!(e.to_string(), "could not parse Go build info: line 2: replacement with no module on previous line");
        let e = parse(b"build\tk v=1\n").unwrap_err();
        assert_eq!(e.to_string(), "could not parse Go build info: line 1: unquoted key \"k v\" must be quoted");
        let e = parse(b"dep\ta\n").unwrap_err();
        assert_eq!(e.to_string(), "could not parse Go build info: line 1: expected 2 or 3 columns; got 1");
    }

    #[test]
    fn uvarint_matches_go() {
        assert_eq!(uvarint(&[0x05]), Some((5, 1)));
        assert_eq!(uvarint(&[0x80, 0x01]), Some((128, 2)));
        assert_eq!(uvarint(&[0x80]), None);
        assert_eq!(uvarint(&[0xff; 10]), None);
    }
}
