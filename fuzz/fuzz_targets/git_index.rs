//! The git index reader on arbitrary bytes: bounded by the input, sorted output.
#![no_main]
use libfuzzer_sys::fuzz_target;
use shiplint_archive::git_index;

fuzz_target!(|data: &[u8]| {
    if let Ok(paths) = git_index::tracked_paths(data) {
        assert!(paths.len() <= data.len() / 60);
        assert!(paths.iter().all(|p| !p.is_empty()));
    }
});
