//! The pclntab header and file-table decoder, in every byte order and pointer size.
#![no_main]
use libfuzzer_sys::fuzz_target;
use shiplint_gobin::Endian;

fuzz_target!(|data: &[u8]| {
    for endian in [Endian::Little, Endian::Big] {
        for ptr_size in [4, 8] {
            let _ = shiplint_gobin::pclntab::decode(data, endian, ptr_size);
        }
    }
});
