use crate::finding::Finding;
use crate::release::{ReleaseFacts, file_sha256};

declare_rule! {
    /// ## What it does
    /// Checks release checksum files (`checksums.txt`, `*_checksums.txt`, `SHA256SUMS`,
    /// `*.sha256`, in `sha256sum` format) against the files beside them: an entry whose file has
    /// another SHA-256, and an entry whose file is missing.
    ///
    /// ## Why is this bad?
    /// Users and install scripts verify downloads with `sha256sum -c`; a stale entry makes a good
    /// download look tampered with (and teaches users to skip the check), and a missing file
    /// means the release was published incomplete.
    ///
    /// ## What really happens
    /// Checksums are usually written once, after the builds; any later step that rebuilds,
    /// re-signs (codesign changes a Mach-O's bytes), re-compresses or renames a file leaves them
    /// stale. Names are resolved relative to the checksum file's folder, where users run
    /// `sha256sum -c` (which itself resolves them against the current directory).
    ///
    /// ## Example
    /// `checksums.txt` listing `api_darwin_arm64.tar.gz` with the digest it had before the binary
    /// inside was signed.
    ///
    /// ## Use instead
    /// Write checksums last, after signing and notarization (goreleaser's `checksum` step does).
    ///
    /// ## Fix
    /// No automatic fix: which side is right only the release process knows.
    ///
    /// ## References
    /// - <https://www.gnu.org/software/coreutils/manual/html_node/sha2-utilities.html>
    rule {
        code: "SL303",
        name: "release-checksum-mismatch",
        level: Error,
        summary: "a checksum file does not match the files it lists, or lists missing files",
        release: check,
    }
}

pub fn check(release: &ReleaseFacts, out: &mut Vec<Finding>) {
    for file in &release.checksums {
        let dir = file.path.parent().unwrap_or(std::path::Path::new(""));
        let shown = file.path.display().to_string();
        for (line, expected, name) in &file.entries {
            let fact = format!("line {line}");
            // Only names inside the folder are followed.
            if name.starts_with('/') || name.split(['/', '\\']).any(|p| p == "..") {
                continue;
            }
            let message = match file_sha256(dir, name) {
                Ok(actual) if actual == *expected => continue,
                Ok(actual) => format!("{name} has SHA-256 {actual}, but the checksum file says {expected}"),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    format!("lists {name}, which is not in {}", dir.display())
                }
                Err(e) => format!("{name} cannot be read to check it: {e}"),
            };
            out.push(release.finding(
                &META,
                &shown,
                &fact,
                message,
                "write the checksums after the last step that changes the files",
            ));
        }
    }
}
