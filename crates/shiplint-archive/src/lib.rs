//! Streaming, bounded readers for what Go programs ship in: tar archives (plain, gzip, zstd, xz),
//! zip archives, and container images (OCI image layouts, `docker save` tarballs, OCI archives)
//! with their merged file system view. Nothing is written to disk and nothing is run; memory is
//! bounded by metadata and by the limits callers pass, never by a length field in the input.

pub mod compress;
pub mod fs;
pub mod image;
pub mod tar;
pub mod zip;

/// Why an archive or image could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The data ends before a structure it declares.
    Truncated,
    /// A structure is not what its format allows; the text names it.
    Malformed(&'static str),
    /// Something declared larger than the caller's limit (the declared size).
    TooLarge(u64),
    /// A decompressed stream grew past the bounds of a real archive (a decompression bomb).
    Bomb,
    /// More entries, layers or manifests than shiplint reads.
    TooMany(&'static str),
    Io(String),
    /// Anything else, in words (a JSON error, an unsupported feature).
    Other(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Truncated => f.write_str("truncated"),
            Error::Malformed(what) => write!(f, "malformed {what}"),
            Error::TooLarge(n) => write!(f, "declared size {n} is larger than shiplint reads"),
            Error::Bomb => f.write_str("decompressed data grows past any real archive (decompression bomb)"),
            Error::TooMany(what) => write!(f, "too many {what}"),
            Error::Io(e) => f.write_str(e),
            Error::Other(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for Error {}

/// Reads until `buf` is full or the source ends; the bytes read.
pub fn read_up_to(r: &mut impl std::io::Read, buf: &mut [u8]) -> Result<usize, Error> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]).map_err(compress::io_error)? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}
