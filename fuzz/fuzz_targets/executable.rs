//! Format detection and every fact about every slice: ELF, Mach-O (thin and universal), PE, Plan 9,
//! WebAssembly.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = shiplint_gobin::buildid::go_build_id(data);
    if let Ok(exe) = shiplint_gobin::Executable::parse(data) {
        for slice in &exe.slices {
            let _ = shiplint_gobin::facts(slice);
        }
    }
});
