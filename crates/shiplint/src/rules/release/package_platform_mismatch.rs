use crate::finding::Finding;
use crate::package::PackageFacts;
use crate::platform_names::arch_matches;
use crate::release::{ReleaseFacts, Shipped};
use std::sync::Arc;

declare_rule! {
    /// ## What it does
    /// Compares the platform a package says it installs on with the executables inside it: a
    /// Debian package's `Architecture` (control file), an RPM's arch tag, a Python wheel's
    /// platform tag (`manylinux_2_17_x86_64`, `musllinux_1_2_aarch64`, `macosx_11_0_arm64`,
    /// `macosx_10_9_universal2`, `win_amd64`), an npm package's `os` and `cpu` in
    /// `package.json` (`win32`, `x64`, `!win32`), a Homebrew bottle's tag (`arm64_sonoma`,
    /// `sonoma` for Intel, `x86_64_linux`). It also finds a package marked for every platform
    /// (`Architecture: all`, `noarch`, the wheel tag `any`, the bottle tag `all`) that ships
    /// executables built for one platform only.
    ///
    /// ## Why is this bad?
    /// Package managers choose and install packages by these words, never by the bytes inside:
    /// apt installs an `arm64` package on an arm64 machine, pip the wheel whose tag the
    /// interpreter supports, npm the optional dependency whose `os`/`cpu` match, brew the bottle
    /// for the running macOS. A package whose executables are built for something else installs
    /// cleanly and fails the first time it runs (`exec format error`, "bad CPU type in
    /// executable"); one marked for every platform installs everywhere and runs on one.
    ///
    /// ## What really happens
    /// The package metadata and the build are written by different steps (nfpm or goreleaser's
    /// `nfpms`, a `setup.py` that copies a prebuilt binary, a `package.json` per platform kept
    /// by hand); Go records GOOS/GOARCH in BuildInfo and the machine type in the header, and
    /// nothing compares them with the package. dpkg and rpm check only the package's own
    /// architecture against the machine's; pip only the wheel's tags; npm only `os`/`cpu`.
    /// A wheel with several executables for several platforms and the tag `any` is how some
    /// projects ship one wheel for all (the program picks one at run time): it is not reported.
    ///
    /// ## Example
    /// `tool-1.0-py3-none-manylinux_2_17_aarch64.whl` holding `tool/bin/tool` built with
    /// `GOARCH=amd64`; `app_1.0_all.deb` holding one linux/amd64 executable.
    ///
    /// ## Use instead
    /// Build each package from the same GOOS/GOARCH as its metadata (goreleaser's `nfpms` do);
    /// mark a package holding a native executable with its architecture:
    /// ```sh
    /// GOOS=linux GOARCH=arm64 go build -o pkg/usr/bin/app ./cmd/app   # Architecture: arm64
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: rebuild the executable, or correct the package's metadata.
    ///
    /// ## References
    /// - <https://www.debian.org/doc/debian-policy/ch-controlfields.html#architecture>
    /// - <https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/>
    /// - <https://docs.npmjs.com/cli/configuring-npm/package-json#os>
    rule {
        code: "SL304",
        name: "package-platform-mismatch",
        level: Error,
        summary: "a package claims a platform (Architecture, wheel tag, npm os/cpu, bottle tag) its executables are not built for",
        release: check,
    }
}

fn platforms(s: &Shipped) -> Vec<String> {
    s.platforms.iter().map(|(o, a)| format!("{o}/{a}")).collect()
}

/// What is wrong with `s` against its package's claim, if anything.
fn mismatch(package: &PackageFacts, s: &Shipped) -> Option<String> {
    let claim = &package.claim;
    let os_wrong = s.platforms.iter().any(|(os, _)| !claim.os.allows(os, |a, b| a == b));
    let arch_wrong = s.platforms.iter().any(|(_, arch)| !claim.arch.allows(arch, arch_matches));
    let universal_wrong = claim.universal && s.platforms.len() < 2;
    (os_wrong || arch_wrong || universal_wrong).then(|| {
        let what = if universal_wrong { "a universal (several-architecture) executable" } else { "it" };
        format!(
            "the {} says {}, but the executable is built for {}: the package manager installs it where {what} cannot run",
            package.format.name(),
            claim.said,
            platforms(s).join(" and ")
        )
    })
}

pub fn check(release: &ReleaseFacts, out: &mut Vec<Finding>) {
    let mut seen: Vec<&Arc<PackageFacts>> = Vec::new();
    for s in &release.shipped {
        let Some(package) = &s.package else { continue };
        if package.claim.independent {
            if !seen.iter().any(|p| Arc::ptr_eq(p, package)) {
                seen.push(package);
            }
            continue;
        }
        if let Some(message) = mismatch(package, s) {
            out.push(release.finding(
                &META,
                &s.location,
                "package platform",
                message,
                "build the executable for the platform the package claims, or correct the package's metadata",
            ));
        }
    }
    // A package marked for every platform, whose executables are all built for one.
    for package in seen {
        let inside: Vec<&Shipped> =
            release.shipped.iter().filter(|s| s.package.as_ref().is_some_and(|p| Arc::ptr_eq(p, package))).collect();
        let mut distinct: Vec<Vec<String>> = inside.iter().map(|s| platforms(s)).collect();
        distinct.sort();
        distinct.dedup();
        let ([one], Some(first)) = (distinct.as_slice(), inside.first()) else { continue };
        let message = format!(
            "the {} says {} (every platform), but its executables are built for {} only: it installs everywhere and runs there alone",
            package.format.name(),
            package.claim.said,
            one.join(" and ")
        );
        out.push(release.finding(
            &META,
            &first.location,
            "package platform",
            message,
            "mark the package with the architecture its executables are built for",
        ));
    }
}
