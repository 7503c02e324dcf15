use crate::finding::Finding;
use crate::rules::Binary;

declare_rule! {
    /// ## What it does
    /// Finds macOS Go executables signed with a certificate but without the hardened runtime
    /// (CodeDirectory flag 0x10000, `codesign --options runtime`).
    ///
    /// ## Why is this bad?
    /// Apple's notary service rejects executables without the hardened runtime, so the binary
    /// cannot be notarized and a downloaded copy is blocked by Gatekeeper.
    ///
    /// ## What really happens
    /// The flag is read from the CodeDirectory in the file. The notarization requirement comes
    /// from Apple's documentation and cannot be tested offline. A pure Go program needs no
    /// entitlements to run under the hardened runtime; a cgo program that loads libraries
    /// signed by another team (Homebrew dylibs, `plugin` files) is stopped by library
    /// validation unless it has `com.apple.security.cs.disable-library-validation`.
    ///
    /// ## Example
    /// ```sh
    /// codesign --sign "Developer ID Application: Example Corp (TEAMID)" --timestamp api
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// codesign --sign "Developer ID Application: Example Corp (TEAMID)" --options runtime --timestamp api
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: re-sign with `--options runtime`.
    ///
    /// ## References
    /// - <https://developer.apple.com/documentation/security/hardened-runtime>
    rule {
        code: "SL103",
        name: "macos-no-hardened-runtime",
        level: Warning,
        summary: "Developer ID signature without the hardened runtime: notarization rejects it",
        binary: check,
    }
}

pub fn check(bin: &Binary<'_>, out: &mut Vec<Finding>) {
    let Some(Some(sig)) = super::signature(bin) else {
        return;
    };
    let Some(cd) = &sig.code_directory else {
        return;
    };
    if !sig.has_cms_signer() || cd.hardened_runtime {
        return;
    }
    let signer = sig.cms.as_ref().and_then(|c| c.signer.as_deref()).unwrap_or("a certificate");
    let message =
        format!("signed by \"{signer}\" without the hardened runtime (flags {:#x}): notarization rejects it", cd.flags);
    out.push(bin.finding(&META, "CodeDirectory flags", message, "re-sign with `codesign --options runtime`"));
}
