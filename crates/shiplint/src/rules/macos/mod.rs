//! Rules about macOS code signing, from the Mach-O code signature's bytes.

pub mod adhoc_only;
pub mod no_hardened_runtime;
pub mod no_timestamp;
pub mod not_notarized;
pub mod signature_broken;
pub mod unsigned;

use super::Binary;
use shiplint_gobin::codesign::CodeSignature;

/// The code signature of a Mach-O slice that ships as a Go executable.
fn signature<'a>(bin: &'a Binary<'_>) -> Option<Option<&'a CodeSignature>> {
    let f = bin.facts;
    (f.format == shiplint_gobin::Format::MachO && f.is_go).then_some(f.code_signature.as_ref())
}
