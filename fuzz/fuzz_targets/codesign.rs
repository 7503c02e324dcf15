//! The Mach-O code signature: SuperBlob, CodeDirectory, page hashes and the CMS blob.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The signature is read from a file whose head holds the pages it hashes: split the input.
    let split = data.first().map_or(0, |&b| usize::from(b) * 64).min(data.len());
    let len = u32::try_from(data.len() - split).unwrap_or(u32::MAX);
    let _ = shiplint_gobin::codesign::read(data, split as u32, len);
});
