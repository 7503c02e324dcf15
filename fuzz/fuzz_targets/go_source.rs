//! go.mod's readers, Go declarations (-X targets) and the Go build program tokenizer on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| shiplint::exercise::run("go_source", data));
