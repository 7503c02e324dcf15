use crate::finding::Finding;
use crate::rules::Defs;

declare_rule! {
    /// ## What it does
    /// Finds release configurations (`.goreleaser.yaml`) that build darwin binaries with no
    /// notarization step (`notarize:`). In a release folder or archive, it tells what
    /// notarization can and cannot do for a Developer ID-signed bare binary (binaries signed only
    /// ad hoc, or not at all, are macos-adhoc-only and macos-unsigned findings).
    ///
    /// ## Why is this bad?
    /// A macOS user who downloads the release with a browser, or installs it as a Homebrew
    /// cask, gets a quarantined file, and Gatekeeper refuses to open a binary that Apple has not
    /// notarized (since macOS 15: "Apple could not verify … is free of malware", approved only
    /// in System Settings). The Go linker's ad-hoc signature does not help.
    ///
    /// ## What really happens
    /// From Apple's documentation (not testable offline): notarization needs a Developer ID
    /// Application signature, the hardened runtime and a secure timestamp; ad-hoc or
    /// linker-signed binaries cannot be notarized. `stapler` cannot staple a ticket to a bare
    /// command-line binary (nor a .zip): a notarized bare binary relies on Gatekeeper's online
    /// check, and a signed .pkg or .dmg is the way to staple. Gatekeeper assesses only quarantined
    /// files. Homebrew quarantines cask downloads (goreleaser's Homebrew path since `brews` was
    /// deprecated for `homebrew_casks` in v2.10); formula (bottle) installs, `curl`, `wget`, npm,
    /// pip and `go install` do not set quarantine, so users who install that way are not
    /// affected. A bare binary may also be installed without notarization on purpose, which is
    /// why this is information rather than an error.
    ///
    /// ## Example
    /// ```yaml
    /// builds:
    ///   - goos: [linux, darwin]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// builds:
    ///   - goos: [linux, darwin]
    /// notarize:
    ///   macos:
    ///     - enabled: '{{ isEnvSet "MACOS_SIGN_P12" }}'
    ///       sign: { certificate: "{{.Env.MACOS_SIGN_P12}}", password: "{{.Env.MACOS_SIGN_PASSWORD}}" }
    ///       notarize: { issuer_id: "{{.Env.MACOS_NOTARY_ISSUER_ID}}", key_id: "{{.Env.MACOS_NOTARY_KEY_ID}}", key: "{{.Env.MACOS_NOTARY_KEY}}" }
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: notarization needs your Apple credentials.
    ///
    /// ## References
    /// - <https://goreleaser.com/customization/notarize/>
    /// - <https://developer.apple.com/documentation/security/notarizing-macos-software-before-distribution>
    rule {
        code: "SL106",
        name: "macos-not-notarized",
        level: Info,
        summary: "darwin binaries are released with no notarization step",
    }
}

pub fn check(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    let Some(g) = defs.goreleaser else { return };
    if g.notarizes {
        return;
    }
    for b in &g.builds {
        if !b.targets.iter().any(|(os, _)| os == "darwin") {
            continue;
        }
        let at = b.goos_span.unwrap_or(b.span);
        let how = if b.goos_span.is_some() { "lists darwin" } else { "builds darwin by default" };
        let message = format!(
            "build {} {how} and the release has no notarize step: a browser download is blocked by Gatekeeper",
            b.id
        );
        out.push(defs.finding(
            &META,
            at,
            message,
            "add a notarize: section (Developer ID certificate and App Store Connect key)",
        ));
    }
}

/// Developer ID-signed bare darwin binaries in a release: whatever the archive format, no
/// notarization ticket can be stapled to them.
pub fn check_release(release: &crate::release::ReleaseFacts, out: &mut Vec<Finding>) {
    for s in release.shipped.iter().filter(|s| s.certificate_signed && s.format == shiplint_gobin::Format::MachO) {
        let container = match s.archive.as_deref() {
            Some(a) if a.to_ascii_lowercase().ends_with(".zip") => "a .zip",
            Some(_) => "a tar archive",
            None => "a release folder",
        };
        let message = format!(
            "a bare macOS binary in {container} cannot carry a stapled notarization ticket: if Apple notarized it, \
             Gatekeeper confirms that online at first launch, and a Mac offline blocks it"
        );
        out.push(release.finding(
            &META,
            &s.location,
            "code signature",
            message,
            "to staple, ship it in a signed and notarized .pkg or .dmg (`xcrun stapler staple`)",
        ));
    }
}
