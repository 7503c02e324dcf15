//! zstd frames laid out by hand as RFC 8878 describes them, for the frame kinds the `ruzstd`
//! encoder never writes: the single-segment frame the plain `zstd` command writes for a file
//! whose size it knows (no window descriptor; the window is the content size), skippable frames,
//! and streams of several frames.

use std::hash::Hasher;

/// zstd frame magic, little-endian 0xFD2FB528.
const MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
/// The largest block (RFC 8878 3.1.1.2.3: Block_Maximum_Size is at most 128 KiB).
const MAX_BLOCK: usize = 128 << 10;

/// One single-segment frame holding `data` in raw blocks, with a content checksum, as `zstd FILE`
/// lays it out: for 256..=65791 bytes the descriptor is 0x64 (2-byte content size, stored
/// minus 256).
pub fn single_segment_frame(data: &[u8]) -> Vec<u8> {
    let size = data.len() as u64;
    // Frame_Content_Size_flag and the field: 1, 2 (minus 256), 4 or 8 bytes.
    let (flag, field): (u8, Vec<u8>) = match size {
        0..=255 => (0, vec![size as u8]),
        256..=65791 => (1, ((size - 256) as u16).to_le_bytes().to_vec()),
        65792..=0xffff_ffff => (2, (size as u32).to_le_bytes().to_vec()),
        _ => (3, size.to_le_bytes().to_vec()),
    };
    let single_segment = 0x20;
    let checksum_flag = 0x04;
    let mut out = MAGIC.to_vec();
    out.push(flag << 6 | single_segment | checksum_flag);
    out.extend(field);
    let mut chunks: Vec<&[u8]> = data.chunks(MAX_BLOCK).collect();
    if chunks.is_empty() {
        chunks.push(&[]);
    }
    let last = chunks.len() - 1;
    for (i, chunk) in chunks.into_iter().enumerate() {
        // Block header: Last_Block bit, Block_Type 0 (raw), Block_Size, 3 bytes little-endian.
        let header = (chunk.len() as u32) << 3 | u32::from(i == last);
        out.extend(&header.to_le_bytes()[..3]);
        out.extend(chunk);
    }
    // Content_Checksum: the low 4 bytes of XXH64(content, seed 0).
    let mut hash = twox_hash::XxHash64::with_seed(0);
    hash.write(data);
    out.extend(&(hash.finish() as u32).to_le_bytes());
    out
}

/// A skippable frame (magic 0x184D2A50..=0x184D2A5F) carrying `payload`, which decoders ignore.
pub fn skippable_frame(payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0x53, 0x2a, 0x4d, 0x18];
    out.extend((payload.len() as u32).to_le_bytes());
    out.extend(payload);
    out
}

/// `data` as a stream of several frames: a single-segment frame for the first part, a
/// skippable frame, then a streaming frame from the `ruzstd` encoder for the rest.
pub fn multi_frame(data: &[u8]) -> Vec<u8> {
    let (first, rest) = data.split_at(data.len().min(60_000));
    let mut out = single_segment_frame(first);
    out.extend(skippable_frame(b"shiplint test: skippable frame between frames"));
    out.extend(ruzstd::encoding::compress_to_vec(rest, ruzstd::encoding::CompressionLevel::Fastest));
    out
}
