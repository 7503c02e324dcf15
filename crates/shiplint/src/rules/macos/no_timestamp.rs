use crate::finding::Finding;
use crate::rules::Binary;

declare_rule! {
    /// ## What it does
    /// Finds macOS Go executables signed with a certificate but without a secure timestamp (no
    /// RFC 3161 timestamp token in the CMS signature, `codesign --timestamp`).
    ///
    /// ## Why is this bad?
    /// Apple's notary service requires a secure timestamp, and without one the signature stops
    /// being valid when the signing certificate expires.
    ///
    /// ## What really happens
    /// The token is looked for in the CMS signer's unsigned attributes
    /// (`id-aa-timeStampToken`). The signer's own `signingTime` attribute is a claim, not a
    /// trusted timestamp, and does not count. The notarization requirement comes from Apple's
    /// documentation and cannot be tested offline.
    ///
    /// ## Example
    /// ```sh
    /// codesign --sign "Developer ID Application: Example Corp (TEAMID)" --options runtime --timestamp=none api
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// codesign --sign "Developer ID Application: Example Corp (TEAMID)" --options runtime --timestamp api
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: re-sign with `--timestamp` (it needs network access to Apple's TSA).
    ///
    /// ## References
    /// - <https://developer.apple.com/documentation/security/notarizing-macos-software-before-distribution>
    rule {
        code: "SL104",
        name: "macos-no-timestamp",
        level: Warning,
        summary: "Developer ID signature without a secure timestamp: notarization rejects it",
        binary: check,
    }
}

pub fn check(bin: &Binary<'_>, out: &mut Vec<Finding>) {
    let Some(Some(sig)) = super::signature(bin) else {
        return;
    };
    let Some(cms) = &sig.cms else { return };
    if !sig.has_cms_signer() || cms.timestamp_token {
        return;
    }
    let signer = cms.signer.as_deref().unwrap_or("a certificate");
    let message = format!("signed by \"{signer}\" without a secure timestamp: notarization rejects it");
    out.push(bin.finding(&META, "CMS signature", message, "re-sign with `codesign --timestamp`"));
}
