//! Read-only memory maps of input files: only the pages a reader touches are read from disk.

use std::fs::File;
use std::io;
use std::path::Path;

/// A file's bytes, memory-mapped when it is a regular non-empty file.
pub struct Mapped {
    map: Option<memmap2::Mmap>,
}

impl Mapped {
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = File::open(path)?;
        let meta = file.metadata()?;
        if !meta.is_file() || meta.len() == 0 {
            return Ok(Mapped { map: None });
        }
        // SAFETY: the map is read-only and private to this process. A file truncated by another
        // process while mapped can still fault, the same trade-off ripgrep makes for speed.
        let map = unsafe { memmap2::MmapOptions::new().map(&file)? };
        Ok(Mapped { map: Some(map) })
    }

    pub fn bytes(&self) -> &[u8] {
        self.map.as_deref().unwrap_or(&[])
    }
}
