//! `shiplint diff` on arbitrary pairs of files: the input is split in two, each half read as an
//! executable (or not) and compared.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (a, b) = data.split_at(data.len() / 2);
    let report = shiplint::diff::diff_pair("a", a, "b", b);
    assert_eq!(report.identical, a == b);
});
