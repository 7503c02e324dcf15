//! The `-X` time reader (non-reproducible-build) on arbitrary text: no panic, no overflow, and
//! a time it reads is one the epoch arithmetic can hold.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(t) = shiplint::timestamp::parse(text) {
            // Years 0000-9999 with any offset of at most 99:99.
            assert!((-62_200_000_000..=253_500_000_000).contains(&t), "{text:?} -> {t}");
        }
    }
});
