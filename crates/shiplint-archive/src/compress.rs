//! Decompression by magic bytes (gzip, zstd, xz, or none), bounded: a stream that expands past
//! what real archives do is stopped as a decompression bomb.

use crate::Error;
use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
    Xz,
}

impl Compression {
    pub fn detect(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&ZSTD_MAGIC) || is_zstd_skippable(head) {
            Compression::Zstd
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            Compression::Xz
        } else {
            Compression::None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "uncompressed",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Xz => "xz",
        }
    }
}

/// Decompressed output allowed per compressed byte once past `FREE_BYTES` (real layers and
/// archives compress 2-20x; gzip's own maximum is about 1032x).
pub(crate) const MAX_RATIO: u64 = 256;
pub(crate) const FREE_BYTES: u64 = 256 << 20;
/// The largest zstd window accepted: zstd's own default decoder limit (`--long` beyond it).
const MAX_ZSTD_WINDOW: u64 = 128 << 20;
/// The largest xz dictionary accepted, in KiB (xz -9 uses 64 MiB).
const MAX_XZ_MEMORY_KB: u32 = 128 << 10;

/// The magic of a zstd frame.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
/// The most skippable frames (metadata, such as pzstd's) read past before the first real frame.
const MAX_SKIPPABLE_FRAMES: usize = 16;

/// Whether `head` starts a zstd skippable frame (magic 0x184D2A50 to 0x184D2A5F).
fn is_zstd_skippable(head: &[u8]) -> bool {
    head.len() >= 4 && head[0] & 0xf0 == 0x50 && head[1..4] == [0x2a, 0x4d, 0x18]
}

/// Reads past the skippable frames before a zstd frame; the frame's header bytes, read (for the
/// window check, to be given back to the decoder), or nothing at the end of the stream.
fn zstd_frame_head(source: &mut impl Read) -> Result<Vec<u8>, Error> {
    for _ in 0..MAX_SKIPPABLE_FRAMES {
        let mut head = vec![0u8; 18];
        let n = crate::read_up_to(source, &mut head[..8])?;
        if !is_zstd_skippable(&head[..n]) {
            let more = crate::read_up_to(source, &mut head[n..])?;
            head.truncate(n + more);
            return Ok(head);
        }
        let size = head.get(4..8).ok_or(Error::Malformed("zstd skippable frame: truncated header"))?;
        let size = u64::from(u32::from_le_bytes([size[0], size[1], size[2], size[3]]));
        let skipped = io::copy(&mut source.take(size), &mut io::sink()).map_err(io_error)?;
        if skipped < size {
            return Err(Error::Malformed("zstd skippable frame: truncated data"));
        }
    }
    Err(Error::TooMany("zstd skippable frames"))
}

/// Checks a frame header read by `zstd_frame_head` before any of the frame is decoded.
fn check_zstd_frame(head: &[u8]) -> Result<(), Error> {
    if !head.starts_with(&ZSTD_MAGIC) {
        return Err(Error::Malformed("zstd stream: data that is neither a zstd frame nor a skippable frame"));
    }
    match zstd_window(head) {
        None => Err(Error::Malformed("zstd frame header")),
        Some(w) if w > MAX_ZSTD_WINDOW => Err(Error::Other(format!(
            "zstd frame asks for a {w}-byte window, more than the 128 MiB zstd decodes by default"
        ))),
        Some(_) => Ok(()),
    }
}

/// A reader that gives back bytes read ahead (a frame header) before reading on from `inner`.
struct Prefixed<R> {
    pending: io::Cursor<Vec<u8>>,
    inner: R,
}

impl<R: Read> Prefixed<R> {
    /// Puts `head` back in front of whatever is still pending.
    fn unread(&mut self, mut head: Vec<u8>) {
        let at = usize::try_from(self.pending.position()).unwrap_or(usize::MAX);
        head.extend(self.pending.get_ref().get(at..).unwrap_or_default());
        self.pending = io::Cursor::new(head);
    }
}

impl<R: Read> Read for Prefixed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.pending.read(buf)? {
            0 => self.inner.read(buf),
            n => Ok(n),
        }
    }
}

type FrameReader<R> = ruzstd::decoding::StreamingDecoder<Prefixed<R>, ruzstd::decoding::FrameDecoder>;

/// The decompressed bytes of every frame of a zstd stream in turn. RFC 8878 section 3.1: a
/// stream is a sequence of frames (`zstd -T`, pzstd and concatenated files write several), with
/// skippable frames anywhere between them. Each frame's window is checked before it is decoded:
/// a streaming frame names it, a single-segment frame's window is its content size.
struct ZstdFrames<R: Read> {
    /// The frame being decoded; `None` once the stream has ended.
    frame: Option<FrameReader<R>>,
}

impl<R: Read> ZstdFrames<R> {
    fn new(source: R) -> Result<Self, Error> {
        let mut source = Prefixed { pending: io::Cursor::new(Vec::new()), inner: source };
        let head = zstd_frame_head(&mut source)?;
        check_zstd_frame(&head)?;
        source.unread(head);
        let frame = FrameReader::new(source).map_err(|e| Error::Other(format!("zstd: {e}")))?;
        Ok(ZstdFrames { frame: Some(frame) })
    }

    /// Starts the frame after the one that ended, if the stream holds another.
    fn next_frame(&mut self) -> Result<(), Error> {
        let Some(ended) = self.frame.take() else { return Ok(()) };
        let (mut source, decoder) = ended.into_parts();
        let head = zstd_frame_head(&mut source)?;
        if head.is_empty() {
            return Ok(());
        }
        check_zstd_frame(&head)?;
        source.unread(head);
        let frame = FrameReader::new_with_decoder(source, decoder).map_err(|e| Error::Other(format!("zstd: {e}")))?;
        self.frame = Some(frame);
        Ok(())
    }
}

impl<R: Read> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while let Some(frame) = &mut self.frame {
            match frame.read(buf)? {
                0 => self.next_frame().map_err(io::Error::other)?,
                n => return Ok(n),
            }
        }
        Ok(0)
    }
}

/// Counts bytes read through it.
struct Counted<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// A decompressing reader that fails once output outgrows input by more than `MAX_RATIO`.
pub struct Decoder<'a> {
    inner: Box<dyn Read + 'a>,
    compressed: Rc<Cell<u64>>,
    expanded: u64,
    pub compression: Compression,
}

impl Read for Decoder<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.expanded += n as u64;
        if self.compression != Compression::None
            && self.expanded > FREE_BYTES
            && self.expanded / self.compressed.get().max(1) > MAX_RATIO
        {
            return Err(io::Error::other(Error::Bomb));
        }
        Ok(n)
    }
}

/// The window a zstd frame header asks for, if it can be read from `head`.
fn zstd_window(head: &[u8]) -> Option<u64> {
    let descriptor = *head.get(4)?;
    let single_segment = descriptor & 0x20 != 0;
    if !single_segment {
        let wd = *head.get(5)?;
        let log = 10 + u64::from(wd >> 3);
        let base = 1u64 << log;
        return Some(base + (base / 8) * u64::from(wd & 7));
    }
    // Single segment: the window is the content size (1, 2, 4 or 8 bytes after the descriptor).
    let dict_bytes = [0usize, 1, 2, 4][usize::from(descriptor & 3)];
    let size_bytes = [1usize, 2, 4, 8][usize::from(descriptor >> 6)];
    let at = 5 + dict_bytes;
    let field = head.get(at..at + size_bytes)?;
    let mut v = 0u64;
    for (i, b) in field.iter().enumerate() {
        v |= u64::from(*b) << (8 * i);
    }
    Some(if size_bytes == 2 { v + 256 } else { v })
}

/// A reader of the decompressed bytes of `source`, whose first bytes are `head` (for detection).
pub fn decoder<'a, R: Read + 'a>(head: &[u8], source: R) -> Result<Decoder<'a>, Error> {
    let compression = Compression::detect(head);
    let compressed = Rc::new(Cell::new(0));
    let counted = Counted { inner: source, count: compressed.clone() };
    let inner: Box<dyn Read + 'a> = match compression {
        Compression::None => Box::new(counted),
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(counted)),
        Compression::Zstd => Box::new(ZstdFrames::new(counted)?),
        Compression::Xz => Box::new(lzma_rust2::XzReader::new_mem_limit(counted, true, MAX_XZ_MEMORY_KB)),
    };
    Ok(Decoder { inner, compressed, expanded: 0, compression })
}

impl crate::tar::Source for Decoder<'_> {}

/// An I/O error from a decoder as shiplint's error (a bomb stays a bomb).
pub fn io_error(e: io::Error) -> Error {
    if let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<Error>()) {
        return inner.clone();
    }
    match e.kind() {
        io::ErrorKind::UnexpectedEof => Error::Truncated,
        // The xz reader's words for a dictionary past the limit are its API's, not a user's.
        io::ErrorKind::OutOfMemory => Error::Other("xz: the stream needs a dictionary larger than 128 MiB".into()),
        _ => Error::Io(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn decoder_errors_are_said_in_plain_words() {
        let xz = io::Error::new(io::ErrorKind::OutOfMemory, "needed memory too big for mem_limit_kb");
        assert_eq!(io_error(xz).to_string(), "xz: the stream needs a dictionary larger than 128 MiB");
        assert_eq!(io_error(io::Error::other(Error::Bomb)), Error::Bomb);
    }

    #[test]
    fn zstd_skippable_frames_are_read_past_and_a_cut_one_is_an_error() {
        let frame = shiplint_fixtures::images::compress(b"hello", shiplint_fixtures::images::Compression::Zstd);
        let mut stream = vec![0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, b'p', b'z', b's'];
        stream.extend(&frame);
        let mut out = String::new();
        decoder(&stream, stream.as_slice()).unwrap().read_to_string(&mut out).unwrap();
        assert_eq!(out, "hello");
        for cut in [4, 7, 9] {
            assert!(decoder(&stream[..cut], &stream[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn gzip_and_raw_round_trip_and_bombs_stop() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"hello").unwrap();
        let gz = gz.finish().unwrap();
        let mut out = String::new();
        decoder(&gz, gz.as_slice()).unwrap().read_to_string(&mut out).unwrap();
        assert_eq!(out, "hello");
        let mut out = String::new();
        decoder(b"plain", &b"plain"[..]).unwrap().read_to_string(&mut out).unwrap();
        assert_eq!(out, "plain");
        // 1 GiB of zeros compresses to about 1 MiB: past the ratio, it stops.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..1024 {
            gz.write_all(&zeros).unwrap();
        }
        let gz = gz.finish().unwrap();
        let mut d = decoder(&gz, gz.as_slice()).unwrap();
        let err = io::copy(&mut d, &mut io::sink()).unwrap_err();
        assert_eq!(io_error(err), Error::Bomb);
    }

    fn decode(stream: &[u8]) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        decoder(stream, stream)?.read_to_end(&mut out).map_err(io_error)?;
        Ok(out)
    }

    /// Bytes that do not compress to nothing (a pattern with a period longer than a block).
    fn sample(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    #[test]
    fn zstd_single_segment_frames_are_read_as_rfc_8878_lays_them_out() {
        use shiplint_fixtures::zstd::single_segment_frame;
        // Descriptor 0x64 (what `zstd FILE` writes for 256..=65791 bytes): no window descriptor.
        let data = sample(3000);
        let frame = single_segment_frame(&data);
        assert_eq!(frame[4], 0x64);
        assert_eq!(zstd_window(&frame), Some(3000));
        assert_eq!(decode(&frame).unwrap(), data);
        // 1-byte and 4-byte content size fields, and an empty frame.
        for len in [0, 200, 200_000] {
            let data = sample(len);
            assert_eq!(decode(&single_segment_frame(&data)).unwrap(), data, "{len} bytes");
        }
        // A single-segment frame's window is its content size: 200 MiB is refused before decoding.
        let mut huge = ZSTD_MAGIC.to_vec();
        huge.push(0xe4);
        huge.extend((200u64 << 20).to_le_bytes());
        let err = decode(&huge).unwrap_err().to_string();
        assert!(err.contains("209715200-byte window"), "{err}");
    }

    #[test]
    fn every_frame_of_a_multi_frame_zstd_stream_is_read() {
        use shiplint_fixtures::zstd::{multi_frame, single_segment_frame, skippable_frame};
        let data = sample(150_000);
        assert_eq!(decode(&multi_frame(&data)).unwrap(), data);
        // Skippable frames first, between frames and last; a frame after a streaming frame.
        let (a, b) = data.split_at(70_000);
        let mut stream = skippable_frame(b"first");
        stream.extend(shiplint_fixtures::images::compress(a, shiplint_fixtures::images::Compression::Zstd));
        stream.extend(skippable_frame(b""));
        stream.extend(single_segment_frame(b""));
        stream.extend(single_segment_frame(b));
        stream.extend(skippable_frame(b"last"));
        assert_eq!(decode(&stream).unwrap(), data);
        // Whatever follows a frame must be a frame: trailing junk, a cut frame and a cut
        // skippable frame are errors, not a silently shorter file.
        let frame = single_segment_frame(a);
        for tail in [&b"junk"[..], &single_segment_frame(b)[..40], &skippable_frame(b"abc")[..9]] {
            let mut cut = frame.clone();
            cut.extend(tail);
            assert!(decode(&cut).is_err(), "tail {tail:?}");
        }
    }

    #[test]
    fn zstd_window_is_read_and_bounded() {
        // Frame header: magic, descriptor 0 (window descriptor follows), wd = (17-10)<<3 → 128 KiB.
        assert_eq!(zstd_window(&[0x28, 0xb5, 0x2f, 0xfd, 0x00, 7 << 3]), Some(128 << 10));
        let huge = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 30 << 3, 0, 0];
        assert!(decoder(&huge, &huge[..]).is_err());
    }
}
