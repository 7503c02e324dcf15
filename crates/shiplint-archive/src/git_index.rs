//! The paths a git index (`.git/index`) tracks: what `git ls-files` lists. Versions 2, 3 and
//! 4 (prefix-compressed paths), SHA-1 and SHA-256 object names, and sparse-index folder
//! entries (a path ending in `/` stands for everything under it). Stat data, object names,
//! stages and extensions are skipped; nothing else is read.
//!
//! Format: git's Documentation/gitformat-index.txt. A 12-byte header (`DIRC`, version, entry
//! count, all big-endian), then the entries in path order: 40 bytes of stat data, the object
//! name, 16 bits of flags (bit 14: extended flags follow, in version 3 and later; the low 12
//! bits: the path's length, 0xFFF when longer), the path, and in versions 2 and 3 1 to 8 NUL
//! bytes that end the entry on a multiple of 8 bytes from its start. In version 4 a path is
//! a varint count of bytes to drop from the end of the previous path, then the rest of the
//! path up to a NUL, and there is no padding.

use crate::Error;

const STAT_DATA: usize = 40;
const SHA1_LEN: usize = 20;
const SHA256_LEN: usize = 32;
const EXTENDED: u16 = 0x4000;
/// The longest path read (Linux's PATH_MAX).
const MAX_PATH: usize = 4096;

/// The tracked paths, sorted as git sorts them (bytewise), each as written in the index
/// (relative to the work tree, `/`-separated). Sparse folder entries end in `/`.
pub fn tracked_paths(data: &[u8]) -> Result<Vec<Vec<u8>>, Error> {
    // The object name's length is not in the index; SHA-1 repositories are nearly all of them.
    entries(data, SHA1_LEN).or_else(|sha1| entries(data, SHA256_LEN).map_err(|_| sha1))
}

fn entries(data: &[u8], hash_len: usize) -> Result<Vec<Vec<u8>>, Error> {
    let header = data.get(..12).ok_or(Error::Truncated)?;
    if &header[..4] != b"DIRC" {
        return Err(Error::Malformed("git index: no DIRC signature"));
    }
    let version = be32(&header[4..8]);
    if !(2..=4).contains(&version) {
        return Err(Error::Malformed("git index: unknown version"));
    }
    let count = be32(&header[8..12]) as usize;
    // Every entry takes at least its fixed part and one byte of path: a count beyond what the
    // data can hold is a lie, not an allocation to make.
    let fixed = STAT_DATA + hash_len + 2;
    if count > data.len() / (fixed + 1) {
        return Err(Error::Malformed("git index: more entries than the file holds"));
    }
    let mut paths: Vec<Vec<u8>> = Vec::with_capacity(count);
    // Version 4 shares prefixes between paths: a few bytes per entry can make each path one
    // longer than the last, quadratic in the file's size. Real paths take less room than their
    // entries do; twice the file's size is room to spare.
    let mut path_budget = data.len().saturating_mul(2);
    let mut at = 12;
    for _ in 0..count {
        let start = at;
        let flags_at = start + STAT_DATA + hash_len;
        let flags = data.get(flags_at..flags_at + 2).ok_or(Error::Truncated)?;
        let flags = u16::from_be_bytes([flags[0], flags[1]]);
        at = flags_at + 2;
        if flags & EXTENDED != 0 {
            if version < 3 {
                return Err(Error::Malformed("git index: extended flags in version 2"));
            }
            at += 2;
        }
        let path = if version == 4 {
            let (drop, used) = varint(data.get(at..).ok_or(Error::Truncated)?)?;
            at += used;
            let previous = paths.last().map_or(&[][..], Vec::as_slice);
            let kept = previous.len().checked_sub(drop).ok_or(Error::Malformed("git index: bad path prefix"))?;
            let rest = nul_terminated(data, at)?;
            at += rest.len() + 1;
            [&previous[..kept], rest].concat()
        } else {
            let path = nul_terminated(data, at)?;
            // Padded with NULs to a multiple of 8 bytes from the entry's start.
            let end = start + (at + path.len() - start + 8) / 8 * 8;
            if end > data.len() || data[at + path.len()..end].iter().any(|&b| b != 0) {
                return Err(Error::Malformed("git index: bad entry padding"));
            }
            let path = path.to_vec();
            at = end;
            path
        };
        // The name length in the flags, when it fits in 12 bits, is the path's.
        let declared = usize::from(flags & 0x0FFF);
        if path.is_empty() || declared < 0x0FFF && declared != path.len() {
            return Err(Error::Malformed("git index: path length does not match its flags"));
        }
        if path.len() > MAX_PATH {
            return Err(Error::Malformed("git index: a path longer than 4096 bytes"));
        }
        path_budget = path_budget.checked_sub(path.len()).ok_or(Error::TooMany("git index path bytes"))?;
        paths.push(path);
    }
    // Merge conflicts list a path once per stage.
    paths.dedup();
    Ok(paths)
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// The bytes from `at` up to (not including) the next NUL.
fn nul_terminated(data: &[u8], at: usize) -> Result<&[u8], Error> {
    let rest = data.get(at..).ok_or(Error::Truncated)?;
    let len = rest.iter().position(|&b| b == 0).ok_or(Error::Truncated)?;
    Ok(&rest[..len])
}

/// git's offset varint (varint.c): seven bits a byte, high bit set on all but the last, and
/// each continuation adds one so that every value has one encoding. The value and its length.
fn varint(data: &[u8]) -> Result<(usize, usize), Error> {
    let mut value: usize = 0;
    for (i, &byte) in data.iter().enumerate() {
        if i > 0 {
            value = value
                .checked_add(1)
                .and_then(|v| v.checked_mul(128))
                .ok_or(Error::Malformed("git index: path prefix count overflows"))?;
        }
        value |= usize::from(byte & 0x7F);
        if byte & 0x80 == 0 {
            return Ok((value, i + 1));
        }
    }
    Err(Error::Truncated)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index entry as git writes it (zeroed stat data and object name).
    fn entry(version: u32, hash_len: usize, path: &[u8], prefix_drop: Option<u8>, prefix_kept: usize) -> Vec<u8> {
        let mut e = vec![0u8; STAT_DATA + hash_len];
        let full_len = path.len() + prefix_kept;
        e.extend_from_slice(&(full_len.min(0xFFF) as u16).to_be_bytes());
        if version == 4 {
            e.push(prefix_drop.unwrap_or(0));
            e.extend_from_slice(path);
            e.push(0);
        } else {
            e.extend_from_slice(path);
            let len = e.len() + 1;
            e.resize(len.div_ceil(8) * 8, 0);
        }
        e
    }

    fn index(version: u32, entries: &[Vec<u8>]) -> Vec<u8> {
        let mut data = b"DIRC".to_vec();
        data.extend_from_slice(&version.to_be_bytes());
        data.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        entries.iter().for_each(|e| data.extend_from_slice(e));
        data.extend_from_slice(&[0u8; 20]); // the checksum
        data
    }

    #[test]
    fn reads_version_2_paths() {
        let data = index(2, &[entry(2, 20, b".goreleaser.yaml", None, 0), entry(2, 20, b"cmd/app/main.go", None, 0)]);
        assert_eq!(tracked_paths(&data).unwrap(), vec![b".goreleaser.yaml".to_vec(), b"cmd/app/main.go".to_vec()]);
    }

    #[test]
    fn reads_version_4_prefix_compressed_paths() {
        // "cmd/app/main.go" then "cmd/app/version.go": drop "main.go" (7 bytes), add "version.go".
        let data = index(4, &[entry(4, 20, b"cmd/app/main.go", Some(0), 0), entry(4, 20, b"version.go", Some(7), 8)]);
        assert_eq!(tracked_paths(&data).unwrap(), vec![b"cmd/app/main.go".to_vec(), b"cmd/app/version.go".to_vec()]);
    }

    #[test]
    fn reads_sha256_repositories() {
        let data = index(2, &[entry(2, 32, b"Makefile", None, 0), entry(2, 32, b"go.mod", None, 0)]);
        assert_eq!(tracked_paths(&data).unwrap(), vec![b"Makefile".to_vec(), b"go.mod".to_vec()]);
    }

    #[test]
    fn rejects_what_is_no_index() {
        assert!(tracked_paths(b"DIRC").is_err());
        assert!(tracked_paths(b"PACK\0\0\0\x02\0\0\0\x01").is_err());
        // A count no file of this size can hold allocates nothing.
        let mut lying = index(2, &[]);
        lying[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(tracked_paths(&lying).is_err());
        // A version 4 prefix longer than the previous path.
        let data = index(4, &[entry(4, 20, b"a", Some(0), 0), entry(4, 20, b"b", Some(9), 0)]);
        assert!(tracked_paths(&data).is_err());
    }

    #[test]
    fn shared_prefixes_cannot_make_memory_quadratic() {
        // Each entry keeps the whole previous path and adds a byte: 1000 entries, 500 000 bytes of paths.
        let entries: Vec<Vec<u8>> = (0..1000).map(|i| entry(4, 20, b"a", Some(0), i)).collect();
        assert_eq!(tracked_paths(&index(4, &entries)), Err(Error::TooMany("git index path bytes")));
        let few: Vec<Vec<u8>> = (0..100).map(|i| entry(4, 20, b"a", Some(0), i)).collect();
        assert_eq!(tracked_paths(&index(4, &few)).unwrap().len(), 100);
    }

    #[test]
    fn varint_matches_git() {
        // From git's varint.c: 127 is one byte, 128 is 0x80 0x00.
        assert_eq!(varint(&[0x7F]).unwrap(), (127, 1));
        assert_eq!(varint(&[0x80, 0x00]).unwrap(), (128, 2));
        assert!(varint(&[0xFF; 40]).is_err());
    }
}
