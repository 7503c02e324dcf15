//! RPM packages read in place (rpm's `docs/manual/format.md`, LSB 5.0 "Package File Format"):
//! the 96-byte lead, the signature header (padded to 8 bytes), the main header, then the
//! compressed cpio payload. Header tags read: NAME 1000, VERSION 1001, RELEASE 1002, OS 1021,
//! ARCH 1022, PAYLOADFORMAT 1124, PAYLOADCOMPRESSOR 1125. Every offset and count is checked
//! against the bytes present; nothing is allocated from a count.

use crate::Error;

/// The lead's magic.
pub const LEAD_MAGIC: [u8; 4] = [0xed, 0xab, 0xee, 0xdb];
const HEADER_MAGIC: [u8; 4] = [0x8e, 0xad, 0xe8, 0x01];
const LEAD_SIZE: usize = 96;
/// rpm's own bounds on a header (`hdrchkTags`, `hdrchkData` in lib/header_internal.h).
const MAX_TAGS: usize = 0xffff;
const MAX_DATA: usize = 256 << 20;

pub const TAG_NAME: u32 = 1000;
pub const TAG_VERSION: u32 = 1001;
pub const TAG_RELEASE: u32 = 1002;
pub const TAG_OS: u32 = 1021;
pub const TAG_ARCH: u32 = 1022;
pub const TAG_PAYLOADFORMAT: u32 = 1124;
pub const TAG_PAYLOADCOMPRESSOR: u32 = 1125;
/// The STRING type of a header entry (I18NSTRING, 9, is read the same way: its first string).
const TYPE_STRING: u32 = 6;
const TYPE_I18NSTRING: u32 = 9;

/// A header: its index entries (tag, type, offset, count) and its data store.
struct Header<'a> {
    index: &'a [u8],
    store: &'a [u8],
}

fn be32(d: &[u8], at: usize) -> Result<u32, Error> {
    d.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]])).ok_or(Error::Truncated)
}

impl<'a> Header<'a> {
    /// Reads a header at the start of `data`; the header and the bytes after it.
    fn parse(data: &'a [u8]) -> Result<(Header<'a>, &'a [u8]), Error> {
        if !data.get(..4).ok_or(Error::Truncated)?.starts_with(&HEADER_MAGIC) {
            return Err(Error::Malformed("rpm header magic"));
        }
        let count = be32(data, 8)? as usize;
        let size = be32(data, 12)? as usize;
        if count > MAX_TAGS {
            return Err(Error::TooMany("rpm header tags"));
        }
        if size > MAX_DATA {
            return Err(Error::TooLarge { size: size as u64, limit: MAX_DATA as u64 });
        }
        let index_end = 16 + count * 16;
        let index = data.get(16..index_end).ok_or(Error::Truncated)?;
        let store = data.get(index_end..index_end + size).ok_or(Error::Truncated)?;
        Ok((Header { index, store }, &data[index_end + size..]))
    }

    /// The first string of tag `tag`, when it is a string in the store.
    fn string(&self, tag: u32) -> Option<String> {
        let entry = self.index.chunks_exact(16).find(|e| be32(e, 0).ok() == Some(tag))?;
        let (kind, offset) = (be32(entry, 4).ok()?, be32(entry, 8).ok()? as usize);
        if kind != TYPE_STRING && kind != TYPE_I18NSTRING {
            return None;
        }
        let rest = self.store.get(offset..)?;
        let end = rest.iter().position(|&b| b == 0)?;
        Some(String::from_utf8_lossy(&rest[..end]).into_owned())
    }
}

/// What an RPM package says of itself, and its payload (still compressed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rpm<'a> {
    pub name: Option<String>,
    pub version: Option<String>,
    pub release: Option<String>,
    /// RPMTAG_OS (`linux`).
    pub os: Option<String>,
    /// RPMTAG_ARCH (`x86_64`, `aarch64`, `noarch`...).
    pub arch: Option<String>,
    /// RPMTAG_PAYLOADFORMAT (`cpio`), absent in old packages (cpio).
    pub payload_format: Option<String>,
    /// RPMTAG_PAYLOADCOMPRESSOR (`gzip`, `xz`, `zstd`, `bzip2`, `lzma`), absent means gzip.
    pub payload_compressor: Option<String>,
    pub payload: &'a [u8],
}

/// Whether `data` starts like an RPM package.
pub fn is_rpm(data: &[u8]) -> bool {
    data.starts_with(&LEAD_MAGIC)
}

/// Reads an RPM package's lead and headers.
pub fn parse(data: &[u8]) -> Result<Rpm<'_>, Error> {
    if !is_rpm(data) {
        return Err(Error::Malformed("rpm lead magic"));
    }
    let after_lead = data.get(LEAD_SIZE..).ok_or(Error::Truncated)?;
    let (_signature, rest) = Header::parse(after_lead)?;
    // The signature header is padded to a multiple of 8 bytes.
    let used = after_lead.len() - rest.len();
    let rest = rest.get((8 - used % 8) % 8..).ok_or(Error::Truncated)?;
    let (header, payload) = Header::parse(rest)?;
    Ok(Rpm {
        name: header.string(TAG_NAME),
        version: header.string(TAG_VERSION),
        release: header.string(TAG_RELEASE),
        os: header.string(TAG_OS),
        arch: header.string(TAG_ARCH),
        payload_format: header.string(TAG_PAYLOADFORMAT),
        payload_compressor: header.string(TAG_PAYLOADCOMPRESSOR),
        payload,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A header of string tags.
    pub(crate) fn header(tags: &[(u32, &str)]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut store = Vec::new();
        for (tag, value) in tags {
            for v in [*tag, TYPE_STRING, store.len() as u32, 1] {
                index.extend(v.to_be_bytes());
            }
            store.extend(value.bytes());
            store.push(0);
        }
        let mut out = HEADER_MAGIC.to_vec();
        out.extend([0u8; 4]);
        out.extend((tags.len() as u32).to_be_bytes());
        out.extend((store.len() as u32).to_be_bytes());
        out.extend(index);
        out.extend(store);
        out
    }

    /// An RPM package: lead, a signature header, the main header with `tags`, `payload`.
    pub(crate) fn package(tags: &[(u32, &str)], payload: &[u8]) -> Vec<u8> {
        let mut out = LEAD_MAGIC.to_vec();
        out.resize(LEAD_SIZE, 0);
        out.extend(header(&[(1000, "sig")]));
        out.resize(out.len() + (8 - (out.len() - LEAD_SIZE) % 8) % 8, 0);
        out.extend(header(tags));
        out.extend_from_slice(payload);
        out
    }

    #[test]
    fn tags_payload_and_hostile_headers() {
        let rpm = package(&[(TAG_NAME, "app"), (TAG_ARCH, "aarch64"), (TAG_PAYLOADCOMPRESSOR, "zstd")], b"PAYLOAD");
        let p = parse(&rpm).unwrap();
        assert_eq!(p.name.as_deref(), Some("app"));
        assert_eq!(p.arch.as_deref(), Some("aarch64"));
        assert_eq!(p.payload_compressor.as_deref(), Some("zstd"));
        assert_eq!(p.version, None);
        assert_eq!(p.payload, b"PAYLOAD");
        for cut in 0..rpm.len() {
            let _ = parse(&rpm[..cut]);
        }
        // An absurd tag count or store size is refused before anything is read or allocated.
        let mut many = rpm.clone();
        many[LEAD_SIZE + 8..LEAD_SIZE + 12].copy_from_slice(&0x7fff_ffffu32.to_be_bytes());
        assert_eq!(parse(&many), Err(Error::TooMany("rpm header tags")));
        let mut big = rpm.clone();
        big[LEAD_SIZE + 12..LEAD_SIZE + 16].copy_from_slice(&0xffff_fff0u32.to_be_bytes());
        assert!(matches!(parse(&big), Err(Error::TooLarge { .. })));
        // An offset past the store is no string.
        let mut off = package(&[(TAG_ARCH, "x86_64")], b"");
        let at = off.len() - 7 - 16 + 8;
        off[at..at + 4].copy_from_slice(&0xffff_ff00u32.to_be_bytes());
        assert_eq!(parse(&off).unwrap().arch, None);
    }
}
