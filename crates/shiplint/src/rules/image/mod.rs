//! Rules about images: what a Dockerfile's final stage is based on and runs as, and what a built
//! image (OCI layout, `docker save`) holds.

pub mod entrypoint_missing;
pub mod layer_digest_mismatch;
pub mod libc_mismatch;
pub mod root_final_image;
pub mod toolchain_in_final_image;
pub mod unpinned_base_image;
