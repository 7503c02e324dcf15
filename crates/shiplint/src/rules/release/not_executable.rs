use crate::finding::Finding;
use crate::release::{ReleaseFacts, Shipped};
use shiplint_gobin::Format;

declare_rule! {
    /// ## What it does
    /// Finds shipped executables users cannot start as delivered: a Windows (PE) executable whose
    /// name does not end in `.exe`, and a Linux or macOS executable stored without any execute
    /// permission bit in a tar or zip archive or in a package that installs files with the mode
    /// it records (`.deb`, `.rpm`, Homebrew bottle, Python wheel made on unix, npm tarball; npm
    /// is exempt for the files `package.json`'s `bin` names, which it makes executable itself).
    /// Shared libraries (`-buildmode=c-shared` or `plugin`, DLLs, dylibs) are loaded by
    /// programs, not run, and need neither.
    ///
    /// ## Why is this bad?
    /// Windows decides what is runnable by extension: `api` without `.exe` is not found by `cmd`
    /// or PowerShell and Explorer asks which app should open it. A unix binary extracted without
    /// its `x` bit fails with `permission denied` until the user runs `chmod +x`, and install
    /// scripts break.
    ///
    /// ## What really happens
    /// `go build -o api` with `GOOS=windows` writes exactly `api`: Go adds `.exe` only when it
    /// picks the name itself. tar keeps the mode the file had when archived (a binary copied
    /// through a tool that drops modes, or archived from a Windows checkout, has none). Whether
    /// a zip records unix modes depends on the tool: Go's `archive/zip` (goreleaser) records them
    /// on any OS, Info-ZIP on Windows does not; `unzip` and macOS's Archive Utility restore them.
    /// Packages install with the recorded mode: dpkg and rpm from `data.tar` and the cpio
    /// payload, brew from the bottle's tar. Checked with real clients: pip 23.2 installs a
    /// wheel's files with the zip's execute bits and adds none (not for `.data/scripts/`
    /// either); npm 11 keeps the tarball's modes except that it adds the execute bits to the
    /// files `bin` names. A Go program shipped in a wheel and started by a Python wrapper then
    /// fails with `PermissionError`.
    ///
    /// ## Example
    /// `api_windows_amd64.zip` holding `api`; `api_linux_amd64.tar.gz` holding `api` with mode
    /// 0644.
    ///
    /// ## Use instead
    /// ```sh
    /// GOOS=windows go build -o dist/api.exe ./cmd/api
    /// chmod 0755 dist/api && tar -czf api_linux_amd64.tar.gz -C dist api
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: archives are rebuilt, not edited.
    ///
    /// ## References
    /// - <https://pkg.go.dev/cmd/go#hdr-Compile_packages_and_dependencies> (`-o`)
    rule {
        code: "SL302",
        name: "release-not-executable",
        level: Error,
        summary: "a shipped executable users cannot start as delivered (no .exe, no execute bit)",
        release: check,
    }
}

/// Whether npm makes the file executable on install: it is one of the `bin` files of the
/// `package.json` beside it (paths relative to the package folder, the tarball's first part).
fn made_executable_by_npm(s: &Shipped) -> bool {
    let Some(package) = &s.package else { return false };
    let inside = s.name.split_once('/').map_or(s.name.as_str(), |(_, rest)| rest);
    package.npm_bin.iter().any(|b| b == inside)
}

pub fn check(release: &ReleaseFacts, out: &mut Vec<Finding>) {
    // A shared library is loaded by a program, not run: no `.exe`, no execute bit needed.
    for s in release.shipped.iter().filter(|s| !s.shared_library && !made_executable_by_npm(s)) {
        let file_name = s.name.rsplit('/').next().unwrap_or(&s.name);
        if s.format == Format::Pe && !file_name.to_ascii_lowercase().ends_with(".exe") {
            let message =
                format!("Windows executable named {file_name}, without .exe: Windows will not run it by that name");
            out.push(release.finding(&META, &s.location, "file name", message, "name Windows executables *.exe"));
        }
        let unix = matches!(s.format, Format::Elf | Format::MachO);
        if let Some(mode) = s.mode.filter(|m| unix && m & 0o111 == 0) {
            let message = format!(
                "stored with mode {:04o}, without an execute bit: once extracted, running it fails with \"permission denied\"",
                mode & 0o7777
            );
            out.push(release.finding(
                &META,
                &s.location,
                "archive mode",
                message,
                "chmod 0755 the binary before archiving it",
            ));
        }
    }
}
