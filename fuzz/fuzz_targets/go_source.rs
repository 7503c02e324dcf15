//! go.mod's readers, the Go parser (tree-sitter-go) under the -X declaration reader and the Go build program reader, on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| shiplint::exercise::run("go_source", data));
