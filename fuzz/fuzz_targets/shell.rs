//! The shell and PowerShell readers and the evaluator, and every rule that reads build definitions, on arbitrary text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| shiplint::exercise::run("shell", data));
