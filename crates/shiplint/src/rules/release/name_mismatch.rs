use super::claimed;
use crate::finding::Finding;
use crate::release::ReleaseFacts;

declare_rule! {
    /// ## What it does
    /// Finds release files whose name claims one platform while the executable inside is built
    /// for another: `api-linux-arm64` holding an amd64 binary, `api_Darwin_x86_64.tar.gz` holding
    /// a linux one, a `macOS-universal` download with a single architecture. Names are read the
    /// way releases and packages write them (Go's and goreleaser's names, npm's `os`/`cpu` values
    /// such as `win32-x64` and `ia32`, Python platform tags such as `manylinux_2_17_aarch64` and
    /// `win_amd64`, Rust target triples, `macOS`/`osx`/`win64`; any separators and versions),
    /// from the file and, inside an archive, from the archive's name too (not from the name of a
    /// package whose metadata claims a platform: package-platform-mismatch judges those words,
    /// which are what package managers install by); the binary's platform is its BuildInfo
    /// `GOOS` and its machine type. A bare `x86` names the family (`tls-client-x86.dylib` is a
    /// 64-bit Intel build: macOS has had no 32-bit Go port since Go 1.15) and is taken as 32-bit
    /// only beside a Windows name, in Microsoft's vocabulary where 64-bit is `x64`.
    ///
    /// ## Why is this bad?
    /// Users pick downloads by name. A wrong binary fails with `exec format error` (or `cannot
    /// execute binary file`) on Linux, "bad CPU type in executable" on macOS, "This app can't
    /// run on your PC" on Windows, and install scripts that pick by `uname` install the wrong one.
    ///
    /// ## What really happens
    /// Release scripts compute names and build commands separately; a loop that overwrites its
    /// output (see cross-build-overwrite), a copy-paste in a matrix, or a `GOARCH` exported in the
    /// wrong step leaves names and contents out of step. Go never checks the output name.
    ///
    /// ## Example
    /// `dist/api-linux-arm64` whose `go version -m` says `GOARCH=amd64`.
    ///
    /// ## Use instead
    /// Name outputs from the same variables that build them:
    /// ```sh
    /// GOOS=$os GOARCH=$arch go build -o "dist/api-$os-$arch" ./cmd/api
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: rebuild, or rename the file after what it is.
    ///
    /// ## References
    /// - <https://go.dev/doc/install/source#environment> (GOOS and GOARCH values)
    rule {
        code: "SL301",
        name: "release-name-mismatch",
        level: Error,
        summary: "a release file's name claims a platform its executable is not built for",
        release: check,
    }
}

pub fn check(release: &ReleaseFacts, out: &mut Vec<Finding>) {
    for s in &release.shipped {
        let (os, arch) = claimed(s);
        let real: Vec<String> = s.platforms.iter().map(|(o, a)| format!("{o}/{a}")).collect();
        let os_wrong = os.is_some_and(|o| !s.platforms.iter().any(|(ro, _)| ro == o));
        let arch_wrong = match arch {
            Some("universal") => s.platforms.len() < 2,
            Some(a) => !s.platforms.iter().any(|(_, ra)| crate::platform_names::arch_matches(a, ra)),
            None => false,
        };
        if !os_wrong && !arch_wrong {
            continue;
        }
        let named = match (os, arch) {
            (Some(o), Some(a)) => format!("{o}/{a}"),
            (Some(o), None) => o.to_string(),
            (None, Some(a)) => a.to_string(),
            (None, None) => continue,
        };
        let message = format!("named for {named}, but the executable is built for {}", real.join(" and "));
        out.push(release.finding(
            &META,
            &s.location,
            "GOOS/GOARCH",
            message,
            "rebuild it for the platform its name says, or rename it",
        ));
    }
}
