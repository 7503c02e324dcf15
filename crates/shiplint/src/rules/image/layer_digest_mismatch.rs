use crate::finding::Finding;
use crate::image::ImageFacts;

declare_rule! {
    /// ## What it does
    /// Finds image layers whose bytes do not have the digest the manifest (or, for a legacy
    /// `docker save` layer.tar, the config's `diff_ids`) promises. Every layer's SHA-256 is
    /// computed while it is streamed for the other rules, at no extra read.
    ///
    /// ## Why is this bad?
    /// A digest is the image's identity: registries, signatures (cosign) and SBOM attestations
    /// all name layers by it. Bytes that do not match were corrupted or altered after the image
    /// was built, and what was verified is not what would run. A registry refuses such a push;
    /// a tarball loaded with `docker load` fails the same check.
    ///
    /// ## What really happens
    /// An OCI descriptor's digest covers the stored blob (compressed, for `tar+gzip` and
    /// `tar+zstd` layers); a `diff_id` covers the uncompressed tar, which is the stored file itself
    /// for docker's legacy `layer.tar`. Both are checked where they apply.
    ///
    /// ## Example
    /// A layer blob edited after `docker save` (a file patched in place), or truncated by a
    /// failed copy.
    ///
    /// ## Use instead
    /// Rebuild or re-pull the image; never edit a saved image by hand.
    ///
    /// ## Fix
    /// No automatic fix.
    ///
    /// ## References
    /// - <https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests>
    rule {
        code: "SL206",
        name: "image-layer-digest-mismatch",
        level: Error,
        summary: "an image layer's bytes do not match the digest its manifest promises",
        image: check_image,
    }
}

pub fn check_image(image: &ImageFacts, out: &mut Vec<Finding>) {
    for (layer, promised, actual) in &image.digest_mismatches {
        out.push(image.finding(
            &META,
            &format!("layer {layer}"),
            format!("layer {layer} should have digest {promised}, but its bytes have {actual}"),
            "rebuild or re-pull the image: its bytes are not the ones the manifest names",
        ));
    }
}
