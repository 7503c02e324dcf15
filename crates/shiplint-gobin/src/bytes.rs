//! Bounds-checked, zero-copy reads over untrusted bytes with explicit byte order.

/// Byte order of a binary's headers and data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Endian {
    Little,
    Big,
}

impl Endian {
    pub fn u16(self, b: &[u8], off: usize) -> Option<u16> {
        let a: [u8; 2] = b.get(off..off.checked_add(2)?)?.try_into().ok()?;
        Some(match self {
            Endian::Little => u16::from_le_bytes(a),
            Endian::Big => u16::from_be_bytes(a),
        })
    }
    pub fn u32(self, b: &[u8], off: usize) -> Option<u32> {
        let a: [u8; 4] = b.get(off..off.checked_add(4)?)?.try_into().ok()?;
        Some(match self {
            Endian::Little => u32::from_le_bytes(a),
            Endian::Big => u32::from_be_bytes(a),
        })
    }
    pub fn u64(self, b: &[u8], off: usize) -> Option<u64> {
        let a: [u8; 8] = b.get(off..off.checked_add(8)?)?.try_into().ok()?;
        Some(match self {
            Endian::Little => u64::from_le_bytes(a),
            Endian::Big => u64::from_be_bytes(a),
        })
    }
    /// Reads a target word: 4 or 8 bytes depending on `ptr_size`.
    pub fn word(self, b: &[u8], off: usize, ptr_size: u8) -> Option<u64> {
        match ptr_size {
            4 => self.u32(b, off).map(u64::from),
            8 => self.u64(b, off),
            _ => None,
        }
    }
}

/// `data[off..off+len]`, or `None` when any part lies outside `data`.
pub fn slice(data: &[u8], off: u64, len: u64) -> Option<&[u8]> {
    let start = usize::try_from(off).ok()?;
    let end = start.checked_add(usize::try_from(len).ok()?)?;
    data.get(start..end)
}

/// `data[off..min(off+len, data.len())]`: what a reader gets before end of file.
pub fn slice_clamped(data: &[u8], off: u64, len: u64) -> &[u8] {
    let Ok(start) = usize::try_from(off) else {
        return &[];
    };
    if start >= data.len() {
        return &[];
    }
    let end = usize::try_from(len).ok().and_then(|l| start.checked_add(l)).map_or(data.len(), |e| e.min(data.len()));
    &data[start..end]
}

/// The NUL-terminated string starting at `off` (without the NUL); `None` if unterminated.
pub fn cstr(data: &[u8], off: usize) -> Option<&[u8]> {
    let rest = data.get(off..)?;
    let n = memchr::memchr(0, rest)?;
    Some(&rest[..n])
}

/// A fixed-width, NUL-padded name field (Mach-O segment and section names).
pub fn fixed_name(field: &[u8]) -> &[u8] {
    let n = memchr::memchr(0, field).unwrap_or(field.len());
    &field[..n]
}
