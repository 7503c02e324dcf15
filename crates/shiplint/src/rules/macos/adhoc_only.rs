use crate::finding::Finding;
use crate::rules::Binary;

declare_rule! {
    /// ## What it does
    /// Finds macOS Go executables whose only signature is ad hoc (no certificate), such as the
    /// signature the Go linker writes on darwin/arm64.
    ///
    /// ## Why is this bad?
    /// An ad-hoc signature names no developer: Gatekeeper blocks a quarantined copy (a browser
    /// download, a Homebrew cask) — since macOS 15 with "Apple could not verify … is free of
    /// malware", and without the Control-click bypass: users must allow it in System Settings ›
    /// Privacy & Security — and Apple's notary service rejects it. Copies installed with npm,
    /// pip, `curl` or `go install` are not quarantined and run.
    ///
    /// ## What really happens
    /// Verified from the bytes: Go's linker signs darwin/arm64 output with one CodeDirectory
    /// (version 0x20400, flags 0x20002 = adhoc | linker-signed, identifier `a.out`, SHA-256,
    /// 4 KiB pages) and no requirements, entitlements or CMS signature. From Apple's
    /// documentation (not testable offline): notarization requires a Developer ID Application
    /// signature, the hardened runtime and a secure timestamp. `stapler` cannot staple a ticket to
    /// a bare command-line binary (nor to a .zip): a notarized bare binary relies on Gatekeeper's
    /// online check, and shipping it inside a signed .pkg or .dmg is the way to staple.
    /// Files fetched with `curl`, `wget` or `go install` are not quarantined and never assessed.
    /// Reports from 2026 (not reproducible here) say macOS 26 kills some binaries whose only
    /// signature is the linker's (flags 0x20002) even without quarantine, and that re-signing
    /// ad hoc with `codesign -f -s -` (flags 0x2) cures it.
    ///
    /// ## Example
    /// ```sh
    /// GOOS=darwin GOARCH=arm64 go build -o dist/api ./cmd/api   # linker-signed, ad hoc
    /// tar czf api-darwin-arm64.tar.gz -C dist api
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// codesign --force --sign "Developer ID Application: Example Corp (TEAMID)" --options runtime --timestamp dist/api
    /// ditto -c -k --keepParent dist/api api.zip
    /// xcrun notarytool submit api.zip --team-id TEAMID --wait
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: re-sign with your Developer ID certificate and notarize.
    ///
    /// ## References
    /// - <https://developer.apple.com/documentation/security/notarizing-macos-software-before-distribution>
    /// - <https://developer.apple.com/documentation/technotes/tn3126-inside-code-signing-hashes>
    rule {
        code: "SL102",
        name: "macos-adhoc-only",
        level: Warning,
        summary: "macOS executable signed only ad hoc: Gatekeeper blocks quarantined copies, cannot be notarized",
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
    if sig.has_cms_signer() || !(cd.adhoc || cd.linker_signed) {
        return;
    }
    let how = if cd.linker_signed { "ad hoc by the Go linker (linker-signed)" } else { "ad hoc" };
    let message = format!(
        "signed only {how}, with no Developer ID certificate: cannot be notarized, and Gatekeeper blocks a \
         quarantined copy (a browser download or Homebrew cask; not npm, pip or curl)"
    );
    let help =
        "sign with `codesign --sign \"Developer ID Application: ...\" --options runtime --timestamp` and notarize";
    out.push(bin.finding(&META, "CodeDirectory flags", message, help));
}
