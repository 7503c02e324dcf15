//! A zip reader over the archive's bytes: the central directory (with zip64 sizes and offsets),
//! and each entry's data, stored or deflated, read only when asked for and never beyond a limit.

use crate::Error;
use crate::compress::io_error;
use std::io::Read;

/// One entry of the central directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The name as written (zip uses `/`), normalized like tar paths.
    pub path: String,
    pub is_dir: bool,
    /// Unix permission bits when the archive was made on unix (`None` otherwise).
    pub unix_mode: Option<u32>,
    pub method: u16,
    pub compressed_size: u64,
    pub size: u64,
    /// The MS-DOS modification date and time as stored (date << 16 | time).
    pub dos_time: u32,
    local_header: u64,
}

fn u16_at(d: &[u8], at: usize) -> Result<u16, Error> {
    d.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]])).ok_or(Error::Truncated)
}

fn u32_at(d: &[u8], at: usize) -> Result<u32, Error> {
    d.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok_or(Error::Truncated)
}

fn u64_at(d: &[u8], at: usize) -> Result<u64, Error> {
    Ok(u64::from(u32_at(d, at)?) | (u64::from(u32_at(d, at + 4)?) << 32))
}

/// The most entries read from one central directory.
const MAX_ENTRIES: usize = 1 << 20;

/// Whether `data` looks like a zip archive (a local file header or an empty archive's end record).
pub fn is_zip(data: &[u8]) -> bool {
    data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06")
}

/// The entries of the zip archive `data`.
pub fn entries(data: &[u8]) -> Result<Vec<Entry>, Error> {
    // The end of central directory record is within the last 64 KiB + 22 bytes (comment).
    let search_from = data.len().saturating_sub(22 + 0xffff);
    let eocd = (search_from..=data.len().saturating_sub(22))
        .rev()
        .find(|&i| data[i..].starts_with(b"PK\x05\x06"))
        .ok_or(Error::Malformed("zip: no end of central directory"))?;
    let mut count = u64::from(u16_at(data, eocd + 10)?);
    let mut cd_offset = u64::from(u32_at(data, eocd + 16)?);
    // Zip64: the locator sits just before the end record.
    if eocd >= 20 && data[eocd - 20..].starts_with(b"PK\x06\x07") {
        let record = usize::try_from(u64_at(data, eocd - 20 + 8)?).map_err(|_| Error::Truncated)?;
        if data.get(record..).is_some_and(|d| d.starts_with(b"PK\x06\x06")) {
            count = u64_at(data, record + 32)?;
            cd_offset = u64_at(data, record + 48)?;
        }
    }
    if count > MAX_ENTRIES as u64 {
        return Err(Error::TooMany("zip entries"));
    }
    let mut at = usize::try_from(cd_offset).map_err(|_| Error::Truncated)?;
    let mut out = Vec::with_capacity((count as usize).min(1024));
    for _ in 0..count {
        if !data.get(at..).is_some_and(|d| d.starts_with(b"PK\x01\x02")) {
            return Err(Error::Malformed("zip central directory"));
        }
        let made_by = u16_at(data, at + 4)?;
        let method = u16_at(data, at + 10)?;
        let dos_time = (u32::from(u16_at(data, at + 14)?) << 16) | u32::from(u16_at(data, at + 12)?);
        let mut compressed_size = u64::from(u32_at(data, at + 20)?);
        let mut size = u64::from(u32_at(data, at + 24)?);
        let name_len = usize::from(u16_at(data, at + 28)?);
        let extra_len = usize::from(u16_at(data, at + 30)?);
        let comment_len = usize::from(u16_at(data, at + 32)?);
        let external = u32_at(data, at + 38)?;
        let mut local_header = u64::from(u32_at(data, at + 42)?);
        let name = data.get(at + 46..at + 46 + name_len).ok_or(Error::Truncated)?;
        let extra = data.get(at + 46 + name_len..at + 46 + name_len + extra_len).ok_or(Error::Truncated)?;
        // The zip64 extra field holds, in order, each of the 32-bit fields that overflowed.
        let mut e = 0;
        while e + 4 <= extra.len() {
            let id = u16_at(extra, e)?;
            let len = usize::from(u16_at(extra, e + 2)?);
            if id == 1 {
                let mut p = e + 4;
                for field in [&mut size, &mut compressed_size, &mut local_header] {
                    if *field == 0xffff_ffff && p + 8 <= e + 4 + len {
                        *field = u64_at(extra, p)?;
                        p += 8;
                    }
                }
            }
            e += 4 + len;
        }
        let name = String::from_utf8_lossy(name).into_owned();
        out.push(Entry {
            is_dir: name.ends_with('/'),
            path: crate::tar::normalize(&name),
            unix_mode: (made_by >> 8 == 3).then_some(external >> 16),
            method,
            dos_time,
            compressed_size,
            size,
            local_header,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(out)
}

/// The stored (possibly compressed) bytes of `entry`.
fn stored<'a>(data: &'a [u8], entry: &Entry) -> Result<&'a [u8], Error> {
    let at = usize::try_from(entry.local_header).map_err(|_| Error::Truncated)?;
    if !data.get(at..).is_some_and(|d| d.starts_with(b"PK\x03\x04")) {
        return Err(Error::Malformed("zip local header"));
    }
    let start = at + 30 + usize::from(u16_at(data, at + 26)?) + usize::from(u16_at(data, at + 28)?);
    let len = usize::try_from(entry.compressed_size).map_err(|_| Error::Truncated)?;
    data.get(start..start.checked_add(len).ok_or(Error::Truncated)?).ok_or(Error::Truncated)
}

/// The first `n` bytes of `entry`, decompressed (fewer when it is shorter), whatever its size:
/// enough to tell what a member too large to read is.
pub fn head(data: &[u8], entry: &Entry, n: u64) -> Result<Vec<u8>, Error> {
    let raw = stored(data, entry)?;
    let mut out = Vec::with_capacity(n.min(1 << 20) as usize);
    match entry.method {
        0 => out.extend_from_slice(&raw[..raw.len().min(usize::try_from(n).unwrap_or(usize::MAX))]),
        8 => {
            flate2::read::DeflateDecoder::new(raw).take(n).read_to_end(&mut out).map_err(io_error)?;
        }
        _ => return Err(Error::Other(format!("zip compression method {} is not read", entry.method))),
    }
    Ok(out)
}

/// The bytes of `entry`, decompressed, if its size is at most `limit`.
pub fn read(data: &[u8], entry: &Entry, limit: u64) -> Result<Vec<u8>, Error> {
    if entry.size > limit {
        return Err(Error::TooLarge { size: entry.size, limit });
    }
    // The sizes are known before inflating: a bomb is refused by the same bound as a stream.
    if entry.size > crate::compress::FREE_BYTES
        && entry.size / entry.compressed_size.max(1) > crate::compress::MAX_RATIO
    {
        return Err(Error::Bomb);
    }
    // Read one byte past the declared size: a stream longer than declared is an error.
    let out = head(data, entry, entry.size + 1)?;
    if out.len() as u64 != entry.size {
        return Err(Error::Malformed("zip entry size"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shiplint_fixtures::images::zip as build;

    #[test]
    fn entries_and_data() {
        let z = build(&[("api-darwin-arm64/", 0o40755, b""), ("api-darwin-arm64/api", 0o100755, b"\xcf\xfa\xed\xfe")]);
        let e = entries(&z).unwrap();
        assert_eq!(e.len(), 2);
        assert!(e[0].is_dir);
        assert_eq!((e[1].path.as_str(), e[1].unix_mode), ("api-darwin-arm64/api", Some(0o100755)));
        assert_eq!(read(&z, &e[1], 100).unwrap(), b"\xcf\xfa\xed\xfe");
        assert_eq!(read(&z, &e[1], 2), Err(Error::TooLarge { size: 4, limit: 2 }));
        // 300 MiB declared from 1000 stored bytes: refused before anything is inflated.
        let bomb = Entry { size: 300 << 20, compressed_size: 1000, method: 8, ..e[1].clone() };
        assert_eq!(read(&z, &bomb, 512 << 20), Err(Error::Bomb));
        for cut in 0..z.len() {
            if let Ok(list) = entries(&z[..cut]) {
                for entry in &list {
                    let _ = read(&z[..cut], entry, 100);
                }
            }
        }
    }
}
