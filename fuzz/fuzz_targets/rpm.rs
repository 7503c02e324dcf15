//! The RPM header reader and the cpio reader on arbitrary bytes: no panic, no allocation from a
//! tag count, store size, name size or file size.
#![no_main]
use libfuzzer_sys::fuzz_target;
use shiplint_archive::{cpio::CpioReader, rpm};

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = rpm::parse(data) {
        assert!(parsed.payload.len() <= data.len());
    }
    let mut cpio = CpioReader::new(data);
    for _ in 0..256 {
        match cpio.next_entry() {
            Ok(Some(_)) => {
                let mut head = [0u8; 8];
                let _ = cpio.read_some(&mut head);
                let _ = cpio.read_data(1 << 16);
            }
            _ => break,
        }
    }
});
