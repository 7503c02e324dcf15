//! Rules about images: what a Dockerfile's final stage is based on and runs as, and what a built
//! image (OCI layout, `docker save`) holds.

pub mod entrypoint_missing;
pub mod layer_digest_mismatch;
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
