//! The Mach-O code signature: SuperBlob, CodeDirectory, page hashes and the CMS blob. The input is
//! both the signature and the "file" whose pages the CodeDirectory hashes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    let _ = shiplint_gobin::codesign::read(data, 0, len);
});
