//! The `ar` reader (Debian packages) and the package metadata readers (control files,
//! package.json, wheel and bottle names) on arbitrary bytes and text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use shiplint_archive::{ar, package};

fuzz_target!(|data: &[u8]| {
    if let Ok(members) = ar::members(data) {
        assert!(members.iter().map(|m| m.data.len()).sum::<usize>() <= data.len());
    }
    let _ = package::npm_manifest(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = package::control_fields(text);
        let _ = package::wheel_name_platforms(text);
        let _ = package::bottle_tag(text);
        if let Some(tag) = package::bottle_tag(text) {
            let _ = shiplint::platform_names::bottle_platform(tag);
        }
    }
});
