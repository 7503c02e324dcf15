use crate::finding::Finding;
use crate::rules::Binary;

declare_rule! {
    /// ## What it does
    /// Finds macOS Go executables with no code signature at all (no `LC_CODE_SIGNATURE`).
    ///
    /// ## Why is this bad?
    /// On Apple silicon the kernel refuses to run unsigned arm64 code. On Intel Macs an unsigned
    /// binary that carries the quarantine attribute (a browser download, a Homebrew cask) is
    /// blocked by Gatekeeper, and it can never be notarized.
    ///
    /// ## What really happens
    /// Verified from the bytes of binaries built by Go 1.21, 1.23 and 1.27: darwin/arm64 binaries
    /// come out of the Go linker ad-hoc signed ("linker-signed"); darwin/amd64 binaries carry no
    /// signature at all. `strip` or other tools that rewrite the file can also drop or break it.
    /// Gatekeeper assesses only quarantined files: `curl`, `wget`, npm, pip and `go install` do
    /// not set quarantine (Homebrew casks do), which is why an unsigned binary "works on my
    /// machine".
    ///
    /// ## Example
    /// ```sh
    /// GOOS=darwin GOARCH=amd64 go build -o dist/api-darwin-amd64 ./cmd/api
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// codesign --sign "Developer ID Application: Example Corp (TEAMID)" --options runtime --timestamp api
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: signing needs your Developer ID certificate, on macOS (`codesign`) or
    /// elsewhere (`rcodesign`, goreleaser's `notarize`).
    ///
    /// ## References
    /// - <https://developer.apple.com/documentation/security/notarizing-macos-software-before-distribution>
    rule {
        code: "SL101",
        name: "macos-unsigned",
        level: Warning,
        summary: "macOS executable without a code signature",
        binary: check,
    }
}

pub fn check(bin: &Binary<'_>, out: &mut Vec<Finding>) {
    if !matches!(super::signature(bin), Some(None)) {
        return;
    }
    let consequence = if bin.facts.arch == "arm64" {
        "macOS on Apple silicon refuses to run it"
    } else {
        "Gatekeeper blocks a quarantined copy (a browser download or Homebrew cask; not npm, pip or curl), \
         and it cannot be notarized"
    };
    let message = format!("no code signature: {consequence}");
    let help = "sign with a Developer ID Application certificate, the hardened runtime and a timestamp, then notarize";
    out.push(bin.finding(&META, "Mach-O LC_CODE_SIGNATURE", message, help));
}
