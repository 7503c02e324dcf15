//! Read-only memory maps of input files: only the pages a reader touches are read from disk.

use std::path::Path;

/// A file's bytes, memory-mapped when it is a regular non-empty file.
pub struct Mapped {
    map: Option<memmap2::Mmap>,
}

impl Mapped {
    /// Maps a regular file; anything else (a FIFO, a device) is refused unread.
    pub fn open(path: &Path) -> Result<Self, String> {
        let file = crate::check::open_regular(path)?;
        let meta = file.metadata().map_err(|e| e.to_string())?;
        if meta.len() == 0 {
            return Ok(Mapped { map: None });
        }
        // SAFETY: the map is read-only and private to this process. A file truncated by another
        // process while mapped can still fault, the same trade-off ripgrep makes for speed.
        let map = unsafe { memmap2::MmapOptions::new().map(&file).map_err(|e| e.to_string())? };
        Ok(Mapped { map: Some(map) })
    }

    pub fn bytes(&self) -> &[u8] {
        self.map.as_deref().unwrap_or(&[])
    }
}
