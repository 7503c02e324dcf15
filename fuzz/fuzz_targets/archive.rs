//! The archive and image readers on arbitrary bytes: tar (through any compression, zstd streams
//! that open with skippable frames too), zip (members' heads and whole members), and image
//! tarballs with their layers streamed into the merged file system.
#![no_main]
use libfuzzer_sys::fuzz_target;
use shiplint_archive::{compress, fs::FsView, image::Image, tar::TarReader, zip};

fuzz_target!(|data: &[u8]| {
    if let Ok(mut decoder) = compress::decoder(data, data) {
        let mut tar = TarReader::new(&mut decoder);
        let mut fs = FsView::default();
        while let Ok(Some(entry)) = tar.next_entry() {
            let _ = fs.apply(0, &entry);
            let _ = tar.read_data(1 << 16);
        }
        for (path, _) in fs.iter().take(64) {
            let _ = fs.resolve(path);
        }
    }
    if let Ok(entries) = zip::entries(data) {
        for e in entries.iter().take(64) {
            let _ = zip::head(data, e, 8);
            let _ = zip::read(data, e, 1 << 20);
        }
    }
    if let Ok(image) = Image::from_tar_bytes(data) {
        for manifest in &image.manifests {
            if let Ok(merged) = image.merge(manifest, |_, _, data| Ok(data.read_rest(1 << 16).ok().map(|b| b.len()))) {
                for path in merged.files.keys() {
                    let _ = merged.fs.resolve(path);
                }
            }
        }
    }
});
