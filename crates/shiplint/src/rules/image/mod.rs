//! Rules about the images a Dockerfile builds: what the final stage is based on and runs as.

pub mod libc_mismatch;
pub mod root_final_image;
pub mod toolchain_in_final_image;
pub mod unpinned_base_image;

use crate::defs::dockerfile::{Dockerfile, Stage};
use crate::defs::images::{self, BaseImage};
use crate::defs::shell::Value;

/// The external image a stage ultimately starts from (through `FROM <stage>` links), if known.
pub(crate) fn root_image(d: &Dockerfile, stage: usize) -> Option<(BaseImage, &Stage)> {
    let root = *d.chain(stage).last()?;
    match &root.base {
        Value::Known(b) if root.parent.is_none() => Some((images::classify(b), root)),
        _ => None,
    }
}
