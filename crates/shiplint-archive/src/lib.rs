//! Streaming, bounded readers for what Go programs ship in: tar archives (plain, gzip, zstd, xz),
//! zip archives, packages (Debian, RPM, Python wheels, npm tarballs, Homebrew bottles), and container images (OCI image layouts, `docker save` tarballs, OCI archives)
//! with their merged file system view. Nothing is written to disk and nothing is run; memory is
//! bounded by metadata and by the limits callers pass, never by a length field in the input.

pub mod ar;
pub mod compress;
pub mod cpio;
pub mod fs;
pub mod git_index;
pub mod image;
pub mod package;
pub mod rpm;
pub mod tar;
pub mod zip;

/// Why an archive or image could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The data ends before a structure it declares.
    Truncated,
    /// A structure is not what its format allows; the text names it.
    Malformed(&'static str),
    /// Something larger than the caller's limit: its size (declared, or as read), and the limit.
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// A path that is not a regular file (a FIFO, a device, a socket, a folder): never opened
    /// for its data, so that it can neither block nor stream without end. The text says what it is.
    NotAFile(&'static str),
    /// A path that resolves outside the folder it belongs to (a symlink out of an image layout).
    Outside(String),
    /// A decompressed stream grew past the bounds of a real archive (a decompression bomb).
    Bomb,
    /// More entries, layers or manifests than shiplint reads.
    TooMany(&'static str),
    Io(String),
    /// An error reading one blob of an image (a layer), named by its place and digest.
    InBlob {
        blob: String,
        error: Box<Error>,
    },
    /// Anything else, in words (a JSON error, an unsupported feature).
    Other(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Truncated => f.write_str("truncated"),
            Error::Malformed(what) => write!(f, "malformed {what}"),
            Error::TooLarge { size, limit } => write!(f, "{size} bytes is more than shiplint reads (limit {limit})"),
            Error::NotAFile(what) => write!(f, "{what}, not a regular file: not read"),
            Error::Outside(target) => write!(f, "resolves outside its folder (to {target}): not read"),
            Error::Bomb => f.write_str("decompressed data grows past any real archive (decompression bomb)"),
            Error::TooMany(what) => write!(f, "too many {what}"),
            Error::Io(e) => f.write_str(e),
            Error::InBlob { blob, error } => write!(f, "{blob}: {error}"),
            Error::Other(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for Error {}

/// What a non-regular file is, in words.
pub(crate) fn file_kind(t: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    match () {
        _ if t.is_dir() => "a folder",
        _ if t.is_fifo() => "a FIFO",
        _ if t.is_socket() => "a socket",
        _ if t.is_block_device() || t.is_char_device() => "a device",
        _ => "not a file",
    }
}

/// Opens `path` for reading only when it is a regular file (symlinks followed). The open does
/// not wait for a FIFO's writer, and the type is checked on the opened file itself, so that a
/// swap between a check and the open cannot slip a FIFO or `/dev/zero` in.
pub fn open_regular(path: &std::path::Path) -> Result<std::fs::File, Error> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| Error::Io(e.to_string()))?;
    let kind = file.metadata().map_err(|e| Error::Io(e.to_string()))?.file_type();
    if !kind.is_file() {
        return Err(Error::NotAFile(file_kind(kind)));
    }
    Ok(file)
}

/// A regular file's bytes, at most `limit` of them: a file that turns out longer than `limit`
/// while being read is an error whatever size its metadata reported.
pub fn read_regular(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let file = open_regular(path)?;
    let declared = file.metadata().map_err(|e| Error::Io(e.to_string()))?.len();
    if declared > limit {
        return Err(Error::TooLarge { size: declared, limit });
    }
    let mut bytes = Vec::with_capacity(declared as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(compress::io_error)?;
    if bytes.len() as u64 > limit {
        return Err(Error::TooLarge { size: declared.max(bytes.len() as u64), limit });
    }
    Ok(bytes)
}

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
