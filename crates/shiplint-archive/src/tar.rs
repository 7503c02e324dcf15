//! A streaming tar reader (ustar, GNU long names, pax `path`/`linkpath`/`size`) over any `Read`:
//! headers are parsed, data is read only when asked for and never beyond a caller's limit, and
//! every declared size is checked before it is trusted.

use crate::Error;
use std::io::Read;

/// What a tar entry is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink(String),
    /// A hard link to an earlier entry (its path, normalized).
    Hardlink(String),
    /// Devices, FIFOs and anything else: metadata only.
    Other,
}

/// One entry's header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The path as written, normalized: no leading `/` or `./`, no `.` parts; `..` parts kept
    /// for the caller to judge.
    pub path: String,
    pub kind: Kind,
    pub size: u64,
    pub mode: u32,
    pub uid: u64,
    pub mtime: u64,
}

/// Reads an entry's `remaining` bytes from `inner` into memory (counting them off), or fails
/// when they are more than `limit`. Memory grows with the bytes that really arrive, not with the
/// size a header declares. Shared by the tar and cpio readers.
pub(crate) fn read_entry_data(inner: &mut impl Read, remaining: &mut u64, limit: u64) -> Result<Vec<u8>, Error> {
    if *remaining > limit {
        return Err(Error::TooLarge { size: *remaining, limit });
    }
    let want = *remaining;
    let mut data = Vec::with_capacity(want.min(1 << 20) as usize);
    inner.take(want).read_to_end(&mut data).map_err(crate::compress::io_error)?;
    *remaining -= data.len() as u64;
    if (data.len() as u64) < want {
        return Err(Error::Truncated);
    }
    Ok(data)
}

/// The most bytes of pax extended header or GNU long name read (real ones are a few hundred).
const MAX_META: u64 = 1 << 20;

/// Normalizes an archive path: `./a//b/` → `a/b`; `/etc/x` → `etc/x`.
pub fn normalize(path: &str) -> String {
    path.split('/').filter(|p| !p.is_empty() && *p != ".").collect::<Vec<_>>().join("/")
}

/// A byte source a tar is read from, which may jump over data it does not need (a file seeks;
/// a decompressing stream has to read through).
pub trait Source: Read {
    fn skip_bytes(&mut self, n: u64) -> std::io::Result<()> {
        let copied = std::io::copy(&mut self.take(n), &mut std::io::sink())?;
        if copied < n { Err(std::io::ErrorKind::UnexpectedEof.into()) } else { Ok(()) }
    }
}

impl Source for &[u8] {
    fn skip_bytes(&mut self, n: u64) -> std::io::Result<()> {
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        if n > self.len() {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        *self = &self[n..];
        Ok(())
    }
}

impl Source for std::io::BufReader<std::fs::File> {
    fn skip_bytes(&mut self, n: u64) -> std::io::Result<()> {
        use std::io::Seek;
        let n = i64::try_from(n).map_err(|_| std::io::Error::from(std::io::ErrorKind::UnexpectedEof))?;
        let at = self.stream_position()?;
        let len = self.get_ref().metadata()?.len();
        if at.saturating_add(n as u64) > len {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        self.seek_relative(n)
    }
}

impl<S: Source + ?Sized> Source for &mut S {
    fn skip_bytes(&mut self, n: u64) -> std::io::Result<()> {
        (**self).skip_bytes(n)
    }
}

impl<R: Read> Source for std::io::Take<R> {}
impl<A: Read, B: Read> Source for std::io::Chain<A, B> {}

/// A tar stream, entry by entry.
pub struct TarReader<R: Source> {
    inner: R,
    /// Bytes of the current entry's data not yet read, and the padding after them.
    remaining: u64,
    padding: u64,
    /// Bytes consumed from `inner` so far.
    position: u64,
    done: bool,
}

fn octal(field: &[u8]) -> Result<u64, Error> {
    // GNU base-256 for large values: high bit set in the first byte.
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        let mut v: u64 = u64::from(field[0] & 0x7f);
        for &b in &field[1..] {
            v = v.checked_mul(256).and_then(|v| v.checked_add(u64::from(b))).ok_or(Error::Malformed("tar number"))?;
        }
        return Ok(v);
    }
    let text: Vec<u8> = field.iter().copied().take_while(|&b| b != 0).filter(|b| *b != b' ').collect();
    if text.is_empty() {
        return Ok(0);
    }
    let s = std::str::from_utf8(&text).map_err(|_| Error::Malformed("tar number"))?;
    u64::from_str_radix(s, 8).map_err(|_| Error::Malformed("tar number"))
}

fn text(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

impl<R: Source> TarReader<R> {
    pub fn new(inner: R) -> Self {
        TarReader { inner, remaining: 0, padding: 0, position: 0, done: false }
    }

    /// Bytes consumed from the underlying reader.
    pub fn position(&self) -> u64 {
        self.position
    }

    fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), Error> {
        self.inner.read_exact(buf).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => Error::Truncated,
            _ => Error::Io(e.to_string()),
        })?;
        self.position += buf.len() as u64;
        Ok(())
    }

    fn skip(&mut self, n: u64) -> Result<(), Error> {
        self.inner.skip_bytes(n).map_err(crate::compress::io_error)?;
        self.position += n;
        Ok(())
    }

    /// Skips whatever is left of the current entry's data.
    fn finish_entry(&mut self) -> Result<(), Error> {
        let n = self.remaining + self.padding;
        self.remaining = 0;
        self.padding = 0;
        self.skip(n)
    }

    /// Reads a metadata entry's data (pax header, GNU long name), bounded.
    fn read_meta(&mut self, size: u64) -> Result<Vec<u8>, Error> {
        if size > MAX_META {
            return Err(Error::Malformed("tar metadata entry too large"));
        }
        let mut data = vec![0u8; size as usize];
        self.read_exact(&mut data)?;
        self.skip(padding(size))?;
        Ok(data)
    }

    /// The next entry's header; `None` at the end of the archive.
    pub fn next_entry(&mut self) -> Result<Option<Entry>, Error> {
        if self.done {
            return Ok(None);
        }
        self.finish_entry()?;
        let mut long_name: Option<String> = None;
        let mut long_link: Option<String> = None;
        let mut pax_size: Option<u64> = None;
        loop {
            let mut header = [0u8; 512];
            let n = crate::read_up_to(&mut self.inner, &mut header)?;
            self.position += n as u64;
            // An archive cut at an entry boundary, without the two zero blocks, is accepted as tar
            // accepts it; a header cut short is not.
            if n == 0 && long_name.is_none() && pax_size.is_none() {
                self.done = true;
                return Ok(None);
            }
            if n < header.len() {
                return Err(Error::Truncated);
            }
            if header.iter().all(|&b| b == 0) {
                self.done = true;
                return Ok(None);
            }
            let stored: u64 = header[148..156].iter().map(|&b| u64::from(b)).sum();
            let sum: u64 =
                header.iter().enumerate().map(|(i, &b)| if (148..156).contains(&i) { 32 } else { u64::from(b) }).sum();
            if octal(&header[148..156])? != sum && stored != 0 {
                return Err(Error::Malformed("tar header checksum"));
            }
            let size = octal(&header[124..136])?;
            let typeflag = header[156];
            match typeflag {
                b'L' => {
                    long_name = Some(text(&self.read_meta(size)?));
                    continue;
                }
                b'K' => {
                    long_link = Some(text(&self.read_meta(size)?));
                    continue;
                }
                b'x' => {
                    for (key, value) in pax_records(&self.read_meta(size)?) {
                        match key.as_str() {
                            "path" => long_name = Some(value),
                            "linkpath" => long_link = Some(value),
                            "size" => pax_size = value.parse().ok(),
                            _ => {}
                        }
                    }
                    continue;
                }
                b'g' => {
                    self.read_meta(size)?;
                    continue;
                }
                _ => {}
            }
            let ustar = &header[257..263] == b"ustar\0" || &header[257..263] == b"ustar ";
            let name = long_name.take().unwrap_or_else(|| {
                let name = text(&header[0..100]);
                let prefix =
                    if ustar && &header[257..263] == b"ustar\0" { text(&header[345..500]) } else { String::new() };
                if prefix.is_empty() { name } else { format!("{prefix}/{name}") }
            });
            let link = long_link.take().unwrap_or_else(|| text(&header[157..257]));
            let size = pax_size.take().unwrap_or(size);
            let kind = match typeflag {
                b'0' | 0 | b'7' => Kind::File,
                b'5' => Kind::Dir,
                b'2' => Kind::Symlink(link),
                b'1' => Kind::Hardlink(normalize(&link)),
                _ => Kind::Other,
            };
            // Links, directories, devices and FIFOs carry no data whatever their size field says.
            let data = match kind {
                Kind::File => size,
                Kind::Other if !matches!(typeflag, b'3' | b'4' | b'6') => size,
                _ => 0,
            };
            // A size whose padding would overflow is no size a real file has (a pax `size=` of 2^64-1).
            data.checked_add(padding(data)).ok_or(Error::Malformed("tar entry size"))?;
            self.remaining = data;
            self.padding = padding(data);
            let kind = if name.ends_with('/') && kind == Kind::File { Kind::Dir } else { kind };
            return Ok(Some(Entry {
                path: normalize(&name),
                kind,
                size: data,
                mode: octal(&header[100..108])? as u32,
                uid: octal(&header[108..116])?,
                mtime: octal(&header[136..148])?,
            }));
        }
    }

    /// Reads the current entry's data into memory, or fails when it is larger than `limit`.
    /// Memory grows with the bytes that really arrive, not with the size the header declares.
    pub fn read_data(&mut self, limit: u64) -> Result<Vec<u8>, Error> {
        let before = self.remaining;
        let data = read_entry_data(&mut self.inner, &mut self.remaining, limit);
        self.position += before - self.remaining;
        data
    }

    /// Reads up to `buf.len()` bytes of the current entry's data (0 at its end).
    pub fn read_some(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        let n = (buf.len() as u64).min(self.remaining) as usize;
        self.read_exact(&mut buf[..n])?;
        self.remaining -= n as u64;
        Ok(n)
    }

    /// The entry data not yet read.
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    /// The reader the tar is read from.
    pub fn source(&self) -> &R {
        &self.inner
    }
}

fn padding(size: u64) -> u64 {
    (512 - size % 512) % 512
}

/// The records of a pax extended header: `LEN key=value\n` each.
fn pax_records(data: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let Some(space) = rest.iter().position(|&b| b == b' ') else { break };
        let Some(len) = std::str::from_utf8(&rest[..space]).ok().and_then(|s| s.parse::<usize>().ok()) else { break };
        if len <= space || len > rest.len() {
            break;
        }
        let record = &rest[space + 1..len];
        let record = record.strip_suffix(b"\n").unwrap_or(record);
        if let Some(eq) = record.iter().position(|&b| b == b'=') {
            out.push((
                String::from_utf8_lossy(&record[..eq]).into_owned(),
                String::from_utf8_lossy(&record[eq + 1..]).into_owned(),
            ));
        }
        rest = &rest[len..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use shiplint_fixtures::images::tar_entries as build;

    #[test]
    fn entries_links_and_data() {
        let tar = build(&[
            ("./usr/", b'5', "", b""),
            ("usr/bin/app", b'0', "", b"hello"),
            ("usr/bin/link", b'2', "app", b""),
            ("/usr/bin/hard", b'1', "./usr/bin/app", b""),
        ]);
        let mut r = TarReader::new(tar.as_slice());
        let e = r.next_entry().unwrap().unwrap();
        assert_eq!((e.path.as_str(), &e.kind), ("usr", &Kind::Dir));
        let e = r.next_entry().unwrap().unwrap();
        assert_eq!((e.path.as_str(), e.size, e.mode), ("usr/bin/app", 5, 0o755));
        assert_eq!(r.read_data(5).unwrap(), b"hello");
        let e = r.next_entry().unwrap().unwrap();
        assert_eq!(e.kind, Kind::Symlink("app".into()));
        let e = r.next_entry().unwrap().unwrap();
        assert_eq!((e.path.as_str(), e.kind), ("usr/bin/hard", Kind::Hardlink("usr/bin/app".into())));
        assert_eq!(r.next_entry().unwrap(), None);
    }

    #[test]
    fn hostile_headers_are_errors_not_panics() {
        let mut tar = build(&[("a", b'0', "", b"data")]);
        tar[124..135].copy_from_slice(b"77777777777"); // a huge declared size
        let sum: u32 =
            tar[..512].iter().enumerate().map(|(i, &b)| if (148..156).contains(&i) { 32 } else { u32::from(b) }).sum();
        tar[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        let mut r = TarReader::new(tar.as_slice());
        let e = r.next_entry().unwrap().unwrap();
        assert!(matches!(r.read_data(1 << 20), Err(Error::TooLarge { .. })));
        assert_eq!(e.size, 0o77777777777);
        assert!(r.next_entry().is_err(), "the data runs past the end");
        let mut bad = build(&[("a", b'0', "", b"x")]);
        bad[0] = b'b';
        assert!(TarReader::new(bad.as_slice()).next_entry().is_err(), "checksum");
        for cut in [0, 100, 511, 512, 600] {
            let tar = build(&[("a", b'0', "", b"data")]);
            let mut r = TarReader::new(&tar[..cut]);
            while let Ok(Some(_)) = r.next_entry() {}
        }
    }

    #[test]
    fn a_cut_header_and_an_overflowing_pax_size_are_errors() {
        let tar = build(&[("a", b'0', "", b"data")]);
        assert_eq!(TarReader::new(&tar[..300]).next_entry(), Err(Error::Truncated));
        assert_eq!(TarReader::new(&tar[..0]).next_entry(), Ok(None), "an empty archive ends cleanly");
        let huge = build(&[("pax", b'x', "", b"29 size=18446744073709551615\n"), ("a", b'0', "", b"")]);
        assert_eq!(TarReader::new(huge.as_slice()).next_entry(), Err(Error::Malformed("tar entry size")));
    }

    #[test]
    fn pax_and_gnu_long_names() {
        let long = "d/".repeat(80) + "file";
        let pax = format!("{} path={long}\n", long.len() + 7 + 3);
        let tar = build(&[
            ("pax", b'x', "", pax.as_bytes()),
            ("short", b'0', "", b""),
            ("././@LongLink", b'L', "", long.as_bytes()),
            ("x", b'0', "", b""),
        ]);
        let mut r = TarReader::new(tar.as_slice());
        assert_eq!(r.next_entry().unwrap().unwrap().path, long.trim_end_matches('/'));
        assert_eq!(r.next_entry().unwrap().unwrap().path, long);
    }
}
