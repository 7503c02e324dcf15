//! The Dockerfile reader (stages, ARGs, RUN through the shell reader), the bake file reader, and every rule that reads build definitions, on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| shiplint::exercise::run("dockerfile", data));
