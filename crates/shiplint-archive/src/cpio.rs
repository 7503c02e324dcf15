//! A streaming reader of the cpio "new ASCII" format (`070701`, and `070702` with checksums), the
//! payload of RPM packages: 110-byte hex headers, the name, then the data, each padded to four
//! bytes. Entries come out as tar entries so that one walker serves both.

use crate::Error;
use crate::tar::{Entry, Kind, Source, normalize};

/// The longest name read (PATH_MAX is 4096).
const MAX_NAME: u64 = 4096;
/// The longest symlink target read.
const MAX_LINK: u64 = 4096;

/// A cpio stream, entry by entry.
pub struct CpioReader<R: Source> {
    inner: R,
    remaining: u64,
    padding: u64,
    done: bool,
}

fn hex(field: &[u8]) -> Result<u64, Error> {
    let text = std::str::from_utf8(field).map_err(|_| Error::Malformed("cpio header"))?;
    u64::from_str_radix(text, 16).map_err(|_| Error::Malformed("cpio header"))
}

fn pad4(n: u64) -> u64 {
    (4 - n % 4) % 4
}

impl<R: Source> CpioReader<R> {
    pub fn new(inner: R) -> Self {
        CpioReader { inner, remaining: 0, padding: 0, done: false }
    }

    fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), Error> {
        self.inner.read_exact(buf).map_err(crate::compress::io_error)
    }

    fn skip(&mut self, n: u64) -> Result<(), Error> {
        self.inner.skip_bytes(n).map_err(crate::compress::io_error)
    }

    /// The next entry's header; `None` after the `TRAILER!!!` entry.
    pub fn next_entry(&mut self) -> Result<Option<Entry>, Error> {
        if self.done {
            return Ok(None);
        }
        let n = self.remaining + self.padding;
        (self.remaining, self.padding) = (0, 0);
        self.skip(n)?;
        let mut header = [0u8; 110];
        self.read_exact(&mut header)?;
        match &header[..6] {
            b"070701" | b"070702" => {}
            b"07070X" => {
                return Err(Error::Other(
                    "rpm's stripped cpio payload (packages with files over 4 GiB) is not read".into(),
                ));
            }
            _ => return Err(Error::Malformed("cpio header magic")),
        }
        let field = |i: usize| hex(&header[6 + 8 * i..14 + 8 * i]);
        let mode = u32::try_from(field(1)?).map_err(|_| Error::Malformed("cpio mode"))?;
        let uid = field(2)?;
        let mtime = field(5)?;
        let size = field(6)?;
        let name_size = field(11)?;
        if name_size == 0 || name_size > MAX_NAME {
            return Err(Error::Malformed("cpio name size"));
        }
        let mut name = vec![0u8; name_size as usize];
        self.read_exact(&mut name)?;
        self.skip(pad4(110 + name_size))?;
        let name = String::from_utf8_lossy(name.split(|&b| b == 0).next().unwrap_or_default()).into_owned();
        if name == "TRAILER!!!" {
            self.done = true;
            return Ok(None);
        }
        self.remaining = size;
        self.padding = pad4(size);
        let kind = match mode & 0o170000 {
            0o100000 => Kind::File,
            0o040000 => Kind::Dir,
            0o120000 => {
                if size > MAX_LINK {
                    return Err(Error::Malformed("cpio symlink target too long"));
                }
                let target = self.read_data(MAX_LINK)?;
                Kind::Symlink(String::from_utf8_lossy(&target).into_owned())
            }
            _ => Kind::Other,
        };
        let size = if kind == Kind::File { size } else { 0 };
        Ok(Some(Entry { path: normalize(&name), kind, size, mode: mode & 0o7777, uid, mtime }))
    }

    /// Reads the current entry's data into memory, or fails when it is larger than `limit`;
    /// memory grows with the bytes that arrive, not with the declared size.
    pub fn read_data(&mut self, limit: u64) -> Result<Vec<u8>, Error> {
        crate::tar::read_entry_data(&mut self.inner, &mut self.remaining, limit)
    }

    /// The entry data not yet read.
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    /// The reader the archive is read from.
    pub fn source(&self) -> &R {
        &self.inner
    }

    /// Reads up to `buf.len()` bytes of the current entry's data (0 at its end).
    pub fn read_some(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        let n = (buf.len() as u64).min(self.remaining) as usize;
        self.read_exact(&mut buf[..n])?;
        self.remaining -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A newc archive of (path, mode with type bits, data).
    pub(crate) fn newc(entries: &[(&str, u32, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let trailer = [("TRAILER!!!", 0, &b""[..])];
        for (i, (name, mode, data)) in entries.iter().chain(&trailer).enumerate() {
            let fields = [i as u32 + 1, *mode, 0, 0, 1, 0, data.len() as u32, 0, 0, 0, 0, name.len() as u32 + 1, 0];
            out.extend_from_slice(b"070701");
            for f in fields {
                out.extend(format!("{f:08x}").bytes());
            }
            out.extend(name.bytes());
            out.push(0);
            out.resize(out.len() + pad4(110 + name.len() as u64 + 1) as usize, 0);
            out.extend_from_slice(data);
            out.resize(out.len() + pad4(data.len() as u64) as usize, 0);
        }
        out
    }

    #[test]
    fn entries_modes_links_and_hostile_input() {
        let archive = newc(&[
            ("./usr", 0o040755, b""),
            ("./usr/bin/app", 0o100755, b"hello"),
            ("./usr/bin/alias", 0o120777, b"app"),
        ]);
        let mut r = CpioReader::new(archive.as_slice());
        assert_eq!(r.next_entry().unwrap().unwrap().kind, Kind::Dir);
        let e = r.next_entry().unwrap().unwrap();
        assert_eq!((e.path.as_str(), e.mode, e.size), ("usr/bin/app", 0o755, 5));
        let mut head = [0u8; 2];
        assert_eq!(r.read_some(&mut head).unwrap(), 2);
        assert_eq!(r.read_data(10).unwrap(), b"llo");
        assert_eq!(r.next_entry().unwrap().unwrap().kind, Kind::Symlink("app".into()));
        assert_eq!(r.next_entry().unwrap(), None);
        for cut in 0..archive.len() {
            let mut r = CpioReader::new(&archive[..cut]);
            while let Ok(Some(_)) = r.next_entry() {
                let _ = r.read_data(1 << 20);
            }
        }
        // A declared size of 4 GiB is refused by the limit, not allocated.
        let mut huge = newc(&[("big", 0o100644, b"")]);
        huge[54..62].copy_from_slice(b"ffffffff");
        let mut r = CpioReader::new(huge.as_slice());
        r.next_entry().unwrap();
        assert!(matches!(r.read_data(1 << 20), Err(Error::TooLarge { .. })));
        let mut name = newc(&[("n", 0o100644, b"")]);
        name[94..102].copy_from_slice(b"7fffffff");
        assert!(CpioReader::new(name.as_slice()).next_entry().is_err());
    }
}
