use crate::finding::Finding;
use crate::rules::Binary;

declare_rule! {
    /// ## What it does
    /// Finds macOS Go executables whose code signature no longer matches the file: a page hash in
    /// the CodeDirectory differs from the bytes, or the signature cannot be read.
    ///
    /// ## Why is this bad?
    /// macOS kills a process whose signed pages do not match (`Killed: 9` on Apple silicon, where
    /// every arm64 binary must be validly signed), and Gatekeeper rejects the file.
    ///
    /// ## What really happens
    /// Verified from the bytes of Go 1.27 darwin/arm64 binaries: the Go linker's ad-hoc signature
    /// hashes every 4 KiB page up to the signature. A tool that changes those bytes after
    /// linking (a patched byte, `upx`, a cross-built cctools `strip` or `objcopy`) invalidates
    /// the hashes of the pages it touches. Data appended after the signature touches no hashed
    /// page (verified: all page hashes still match); it breaks only strict layout validation.
    /// Apple's `strip` and `llvm-strip` write a fresh ad-hoc signature (llvm-strip 14 verified),
    /// which is valid but replaces any Developer ID signature. Re-signing after the change
    /// (even `codesign --sign -` for ad hoc) repairs it. A *valid* binary copied over an existing
    /// path with `cp` can also be killed on macOS 26, whose code signing monitor caches the
    /// signature per inode: that is not this defect (write to a new file, or re-sign).
    ///
    /// ## Example
    /// ```sh
    /// GOOS=darwin GOARCH=arm64 go build -o api ./cmd/api
    /// printf '\x00' | dd of=api bs=1 seek=4096 conv=notrunc   # patches a signed page
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// go build -ldflags="-s -w" -o api ./cmd/api   # strip at link time, or re-sign after strip
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: re-sign the final bytes.
    ///
    /// ## References
    /// - <https://developer.apple.com/documentation/technotes/tn3126-inside-code-signing-hashes>
    rule {
        code: "SL105",
        name: "macos-signature-broken",
        level: Error,
        summary: "code signature does not match the file: macOS kills the process",
        binary: check,
    }
}

pub fn check(bin: &Binary<'_>, out: &mut Vec<Finding>) {
    let Some(Some(sig)) = super::signature(bin) else {
        return;
    };
    let message = match (&sig.error, &sig.code_directory) {
        (Some(e), _) => format!("code signature cannot be read ({e})"),
        (None, None) => "code signature has no CodeDirectory".to_string(),
        (None, Some(cd)) => match (cd.pages_match, cd.first_bad_page) {
            (Some(false), Some(page)) => format!(
                "code signature does not match the file: page {page} (bytes {}..{}) changed after signing",
                u64::from(page) * u64::from(cd.page_size),
                (u64::from(page) + 1) * u64::from(cd.page_size)
            ),
            (Some(false), None) => "code signature does not match the file".to_string(),
            _ => return,
        },
    };
    out.push(bin.finding(
        &META,
        "code signature page hashes",
        message,
        "re-sign the final file (codesign --force --sign ...)",
    ));
}
