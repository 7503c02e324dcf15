//! What a base image reference says about the image: its C library, whether it carries a Go
//! toolchain or a C compiler, and whether it runs as a non-root user by default. Judged from the
//! reference alone (no registry is contacted); unknown images stay unknown.

/// The C library an image provides, which decides whether a dynamically linked binary can start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Libc {
    Glibc,
    Musl,
    /// No C library and no dynamic loader: scratch, distroless/static, chainguard/static.
    None,
    Unknown,
}

impl Libc {
    pub fn describe(self) -> &'static str {
        match self {
            Libc::Glibc => "glibc",
            Libc::Musl => "musl",
            Libc::None => "no C library at all",
            Libc::Unknown => "an unknown C library",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseImage {
    /// Repository without registry and tag, e.g. `golang`, `distroless/static-debian12`.
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    pub libc: Libc,
    pub go_toolchain: bool,
    pub c_compiler: bool,
    pub nonroot_by_default: bool,
    pub scratch: bool,
    /// A Windows image (Nano Server, Server Core, or a Go image built on one).
    pub windows: bool,
}

impl BaseImage {
    /// The Go release a Go toolchain image's tag names (`golang:1.24-alpine` gives `1.24`,
    /// `golang:1-bookworm` gives `1`); `None` for other images, untagged ones, and tags that
    /// name only a variant (`golang:alpine3.23`).
    pub fn go_release(&self) -> Option<&str> {
        let tag = self.tag.as_deref().filter(|_| self.go_toolchain)?;
        // goreleaser-cross tags are the Go release with a `v` (`v1.25.7`).
        let tag = match self.repository.ends_with("-cross") {
            true => tag.strip_prefix('v').unwrap_or(tag),
            false => tag,
        };
        tag.split('-').next().filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    }
}

/// The images that bundle a Go toolchain and C cross-compilers with goreleaser as their
/// entrypoint, tagged with their Go release (`ghcr.io/goreleaser/goreleaser-cross:v1.25.7`,
/// the older `troian/golang-cross` and `gythialy/golang-cross`).
const GORELEASER_CROSS_IMAGES: [&str; 3] =
    ["goreleaser/goreleaser-cross", "troian/golang-cross", "gythialy/golang-cross"];

/// Whether the image `reference` runs goreleaser when started (goreleaser's own images, and
/// the cross-compiling ones built on them): `docker run IMAGE release` is a goreleaser run.
pub fn runs_goreleaser(reference: &str) -> bool {
    let image = classify(reference);
    matches!(image.repository.as_str(), "goreleaser/goreleaser" | "goreleaser/goreleaser-pro")
        || GORELEASER_CROSS_IMAGES.contains(&image.repository.as_str())
}

/// Whether `reference` names an image of a registry on the build machine
/// (`localhost:5000/base:latest`): one an earlier step of the same build made and pushed there,
/// whose tag and user that step decides.
pub fn from_local_registry(reference: &str) -> bool {
    reference.starts_with("localhost:") || reference.starts_with("localhost/") || reference.starts_with("127.0.0.1:")
}

/// Whether `reference` is a placeholder a script replaces before the build (`FROM BASEIMAGE`,
/// rewritten by `sed`) rather than an image: Docker refuses capital letters in a repository's
/// name (only its registry host may have them), so no build pulls it as written.
pub fn is_placeholder(reference: &str) -> bool {
    let name = reference.split('@').next().unwrap_or(reference);
    let parts: Vec<&str> = name.split('/').collect();
    let mut repository = without_registry(&parts).iter().map(|p| p.split(':').next().unwrap_or(p));
    repository.any(|part| part.chars().any(|c| c.is_ascii_uppercase()))
}

/// The parts of an image name after its registry host (`ghcr.io/acme/app` gives `acme`, `app`):
/// a first part with a `.` or `:`, or `localhost`, is a host when more parts follow.
fn without_registry<'p, 'a>(parts: &'p [&'a str]) -> &'p [&'a str] {
    match parts {
        [host, rest @ ..] if !rest.is_empty() && (host.contains(['.', ':']) || *host == "localhost") => rest,
        _ => parts,
    }
}

/// Classifies `reference` (`golang:1.23`, `gcr.io/distroless/static-debian12:nonroot`, ...).
pub fn classify(reference: &str) -> BaseImage {
    let (rest, digest) = match reference.split_once('@') {
        Some((r, d)) => (r, Some(d.to_string())),
        None => (reference, None),
    };
    // A tag follows the last ':' after the last '/' (a registry port comes before a '/').
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(rest[last_slash + i + 1..].to_string())),
        None => (rest, None),
    };
    let all: Vec<&str> = name.split('/').collect();
    let mut parts = without_registry(&all).to_vec();
    if parts.first() == Some(&"library") {
        parts.remove(0);
    }
    let repository = parts.join("/").to_ascii_lowercase();
    let last = parts.last().copied().unwrap_or("").to_ascii_lowercase();
    let tag_l = tag.as_deref().unwrap_or("").to_ascii_lowercase();
    let chainguard = name.starts_with("cgr.dev/chainguard/");
    let scratch = repository == "scratch";
    let libc = if scratch || ((repository.contains("distroless") || chainguard) && last.starts_with("static")) {
        Libc::None
    } else if last == "alpine" || tag_l.contains("alpine") || last == "wolfi-base" {
        Libc::Musl
    } else if matches!(
        last.as_str(),
        "golang"
            | "debian"
            | "ubuntu"
            | "fedora"
            | "centos"
            | "rockylinux"
            | "almalinux"
            | "amazonlinux"
            | "oraclelinux"
            | "archlinux"
            | "buildpack-deps"
            | "base"
            | "base-debian11"
            | "base-debian12"
            | "cc"
            | "cc-debian11"
            | "cc-debian12"
            | "glibc-dynamic"
            | "ubi"
            | "ubi-minimal"
            | "ubi8"
            | "ubi9"
            | "ubi-micro"
    ) || last.starts_with("base-nossl")
        || (last == "busybox" && tag_l.contains("glibc"))
    {
        Libc::Glibc
    } else if last == "busybox" && tag_l.contains("musl") {
        Libc::Musl
    } else {
        Libc::Unknown
    };
    // The official image, and others named `go` whose tag is a Go release (Chainguard's,
    // CircleCI's `cimg/go:1.26`, `quay.io/vektorcloud/go:1.18`).
    let go_tagged = tag_l.starts_with("1.") && tag_l[2..].starts_with(|c: char| c.is_ascii_digit());
    let cross = GORELEASER_CROSS_IMAGES.contains(&repository.as_str());
    let go_toolchain = last == "golang" || (last == "go" && (chainguard || go_tagged)) || cross;
    BaseImage {
        c_compiler: go_toolchain && libc == Libc::Glibc || last == "buildpack-deps" || cross,
        go_toolchain,
        // `distroless/static:nonroot`, or a repository named for it (`eks-distro-minimal-base-nonroot`).
        nonroot_by_default: tag_l.contains("nonroot")
            || last.split(['-', '_', '.']).any(|w| w == "nonroot")
            || chainguard
            || nanoserver_runs_as_user(&last, &tag_l),
        scratch,
        windows: matches!(last.as_str(), "nanoserver" | "servercore" | "windowsservercore" | "server")
            && repository.contains("windows")
            || ["nanoserver", "servercore"].iter().any(|w| tag_l.contains(w)),
        repository,
        tag,
        digest,
        libc,
    }
}

/// Windows Nano Server runs programs as `ContainerUser` since Windows Server 1709 (images
/// that need administrator rights switch to `USER ContainerAdministrator` and back); only
/// the 2016 release (`sac2016`, build 14393) ran them as the administrator.
fn nanoserver_runs_as_user(last: &str, tag: &str) -> bool {
    (last == "nanoserver" || tag.contains("nanoserver"))
        && !["sac2016", "1607", "10.0.14393"].iter().any(|t| tag.contains(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        let g = classify("golang:1.23");
        assert!(g.go_toolchain && g.c_compiler && g.libc == Libc::Glibc && g.tag.as_deref() == Some("1.23"));
        let ga = classify("docker.io/library/golang:1.23-alpine3.20");
        assert!(ga.go_toolchain && !ga.c_compiler && ga.libc == Libc::Musl && ga.repository == "golang");
        let d = classify("gcr.io/distroless/static-debian12:nonroot");
        assert!(d.libc == Libc::None && d.nonroot_by_default && !d.go_toolchain);
        assert!(
            classify("public.ecr.aws/eks-distro-build-tooling/eks-distro-minimal-base-nonroot:2026").nonroot_by_default
        );
        assert!(!classify("example.com/nonrootless/base:1").nonroot_by_default);
        assert_eq!(classify("gcr.io/distroless/base-debian12").libc, Libc::Glibc);
        assert!(classify("mcr.microsoft.com/windows/nanoserver:ltsc2022").nonroot_by_default);
        assert!(classify("mcr.microsoft.com/windows/servercore:ltsc2022").windows);
        assert!(classify("golang:1.27-windowsservercore-ltsc2022").windows);
        assert!(!classify("alpine:3.20").windows);
        assert!(classify("golang:1.27-nanoserver-ltsc2022").nonroot_by_default);
        assert!(!classify("mcr.microsoft.com/windows/nanoserver:sac2016").nonroot_by_default);
        assert!(!classify("mcr.microsoft.com/windows/servercore:ltsc2022").nonroot_by_default);
        assert_eq!(classify("alpine:3.20").libc, Libc::Musl);
        assert!(classify("scratch").scratch && classify("scratch").libc == Libc::None);
        let r = classify("registry.example.com:5000/team/app@sha256:abc");
        assert_eq!((r.repository.as_str(), r.tag, r.digest.as_deref()), ("team/app", None, Some("sha256:abc")));
        assert_eq!(classify("mycorp/runtime:2").libc, Libc::Unknown);
        // An image named `go` is Go where its tag is a Go release.
        let other = classify("quay.io/vektorcloud/go:1.18");
        assert!(other.go_toolchain && other.go_release() == Some("1.18"));
        let variant = classify("docker.io/library/golang:alpine3.23");
        assert!(variant.go_toolchain && variant.go_release().is_none());
        assert!(classify("cimg/go:1.26.1").go_toolchain && !classify("acme/go:latest").go_toolchain);
        let cross = classify("ghcr.io/goreleaser/goreleaser-cross:v1.25.7");
        assert!(cross.go_toolchain && cross.c_compiler && cross.go_release() == Some("1.25.7"));
        assert!(runs_goreleaser("ghcr.io/goreleaser/goreleaser-cross:v1.25.7"));
        assert!(runs_goreleaser("goreleaser/goreleaser:v2.6.1") && !runs_goreleaser("golang:1.25"));
    }

    #[test]
    fn placeholders() {
        assert!(is_placeholder("BASEIMAGE") && is_placeholder("acme/BASE:1") && is_placeholder("Alpine:3.20"));
        // A tag and a registry host may have capitals.
        for image in ["alpine:3.20-RC1", "Registry.Example.com:5000/team/app:V1", "localhost/app", "golang@sha256:A1"] {
            assert!(!is_placeholder(image), "{image}");
        }
    }
}
