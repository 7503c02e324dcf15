//! Rules about what a release ships: the executables in release folders and archives, the
//! platforms their names claim, and the checksum files beside them.

pub mod checksum_mismatch;
pub mod name_mismatch;
pub mod not_executable;
pub mod package_libc_mismatch;
pub mod package_platform_mismatch;

use crate::release::{Shipped, named_platform};

/// The platform a shipped executable's names claim: its own name first, then its archive's
/// (unless the archive is a package whose metadata claims a platform: package-platform-mismatch
/// judges those words, which are what package managers go by).
pub(crate) fn claimed(s: &Shipped) -> (Option<&'static str>, Option<&'static str>) {
    let own = named_platform(&s.name);
    let package_claims = s.package.as_ref().is_some_and(|p| p.claim.says_anything());
    let archive = s.archive.as_deref().filter(|_| !package_claims).map(named_platform).unwrap_or((None, None));
    (own.0.or(archive.0), own.1.or(archive.1))
}
