//! promu (`.promu.yml`), the build tool of Prometheus and most of its exporters: `promu build`
//! runs `go build -o PREFIX/NAME -ldflags LDFLAGS FLAGS -tags TAGS REPO/PATH` for each binary, and
//! `promu crossbuild` does so for every platform of `crossbuild.platforms` (regular expressions
//! matched against promu's own platform list) inside the golang-builder image of `go.version`.
//! `ldflags` is a Go template with promu's functions: `{{user}}@{{host}}` is the build host and
//! `{{date "..."}}` the clock (or `SOURCE_DATE_EPOCH` when the environment sets it).
//!
//! Each binary is read into the same build entry a goreleaser build is, so the build rules judge
//! both alike.

use super::ci::{Scalar, span_of};
use super::goreleaser::{Build, literal, value_end};
use serde_saphyr::Spanned;

/// promu's platforms (`cmd/crossbuild.go`, `defaultPlatforms`), what `crossbuild.platforms`
/// entries select from.
const PLATFORMS: &[&str] = &[
    "aix/ppc64",
    "darwin/amd64",
    "darwin/arm64",
    "dragonfly/amd64",
    "freebsd/386",
    "freebsd/amd64",
    "freebsd/arm64",
    "freebsd/armv6",
    "freebsd/armv7",
    "illumos/amd64",
    "linux/386",
    "linux/amd64",
    "linux/arm64",
    "linux/armv5",
    "linux/armv6",
    "linux/armv7",
    "linux/mips",
    "linux/mips64",
    "linux/mips64le",
    "linux/mipsle",
    "linux/ppc64",
    "linux/ppc64le",
    "linux/riscv64",
    "linux/s390x",
    "netbsd/386",
    "netbsd/amd64",
    "netbsd/arm64",
    "netbsd/armv6",
    "netbsd/armv7",
    "openbsd/386",
    "openbsd/amd64",
    "openbsd/arm64",
    "openbsd/armv7",
    "windows/386",
    "windows/amd64",
    "windows/arm64",
];

#[derive(Debug, serde::Deserialize)]
struct Config {
    build: Option<Spanned<BuildSection>>,
    crossbuild: Option<Crossbuild>,
    go: Option<GoSection>,
}

#[derive(Debug, serde::Deserialize)]
struct BuildSection {
    binaries: Option<Vec<Spanned<Binary>>>,
    flags: Option<Spanned<Scalar>>,
    ldflags: Option<Spanned<Scalar>>,
}

#[derive(Debug, serde::Deserialize)]
struct Binary {
    name: Option<String>,
    path: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
struct Crossbuild {
    platforms: Option<Spanned<Vec<Scalar>>>,
}

#[derive(Debug, serde::Deserialize)]
struct GoSection {
    cgo: Option<bool>,
    version: Option<Spanned<Scalar>>,
}

/// What promu builds: one entry per binary, each for every platform crossbuild selects.
pub struct Promu {
    pub builds: Vec<Build>,
    /// Where `crossbuild.platforms` lists the platforms, when it does.
    pub platforms_span: Option<(usize, usize)>,
    /// The first line of the `build:` section: where promu's default platforms are chosen
    /// when no `crossbuild.platforms` lists them.
    pub build_start: (usize, usize),
    /// `go.version` and where it is written: the Go release of the golang-builder image
    /// (`quay.io/prometheus/golang-builder:1.23-base`) that `promu crossbuild` builds in.
    pub go_version: Option<(String, (usize, usize))>,
}

/// Whether a promu platform pattern (a Go regular expression, unanchored) matches `platform`:
/// literals, `.`, `*` after a character or `.`, `^` and `$`; anything else is read literally.
fn matches(pattern: &str, platform: &str) -> bool {
    fn here(p: &[u8], t: &[u8]) -> bool {
        match p {
            [] => true,
            [b'$'] => t.is_empty(),
            [c, b'*', rest @ ..] => {
                let mut t = t;
                loop {
                    if here(rest, t) {
                        return true;
                    }
                    match t.split_first() {
                        Some((h, tail)) if *c == b'.' || h == c => t = tail,
                        _ => return false,
                    }
                }
            }
            [c, rest @ ..] => match t.split_first() {
                Some((h, tail)) if *c == b'.' || h == c => here(rest, tail),
                _ => false,
            },
        }
    }
    let (p, t) = (pattern.as_bytes(), platform.as_bytes());
    match p.strip_prefix(b"^") {
        Some(anchored) => here(anchored, t),
        None => (0..=t.len()).any(|i| here(p, &t[i..])),
    }
}

/// The platforms a crossbuild list selects, as (GOOS, GOARCH) with promu's `armv7` read as arm.
fn targets(patterns: &[String]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for platform in PLATFORMS.iter().filter(|p| patterns.iter().any(|pat| matches(pat, p))) {
        let (os, arch) = platform.split_once('/').unwrap_or((platform, ""));
        let arch = if arch.starts_with("armv") { "arm" } else { arch };
        let target = (os.to_string(), arch.to_string());
        if !out.contains(&target) {
            out.push(target);
        }
    }
    out
}

/// Reads `.promu.yml`.
pub fn parse(text: &str) -> Result<Promu, String> {
    let cfg: Config = super::ci::from_yaml(text)?;
    let platforms = cfg.crossbuild.as_ref().and_then(|c| c.platforms.as_ref());
    let patterns: Vec<String> = match platforms {
        Some(list) => list.value.iter().map(Scalar::text).collect(),
        // promu crossbuild without a list builds every platform it knows.
        None => PLATFORMS.iter().map(|p| p.to_string()).collect(),
    };
    let targets = targets(&patterns);
    let build = cfg.build.as_ref();
    let section = build.map(|b| &b.value);
    let build_span = build.and_then(span_of).unwrap_or((0, 0));
    let build_span = (build_span.0, value_end(text, build_span.0, text.len()));
    // Without `ldflags`, promu stamps only `-X main.Version`.
    let (ldflags_text, ldflags_span) = match section.and_then(|s| s.ldflags.as_ref()) {
        Some(l) => {
            let at = span_of(l).map_or(build_span, |(s, _)| (s, value_end(text, s, build_span.1)));
            (l.value.text().split_whitespace().collect::<Vec<_>>().join(" "), at)
        }
        None => ("-X main.Version={{.Version}}".to_string(), build_span),
    };
    let flags = section.and_then(|s| s.flags.as_ref()).map(|f| f.value.text()).unwrap_or_default();
    let flag_words: Vec<&str> = flags.split_whitespace().collect();
    let cgo = cfg.go.as_ref().and_then(|g| g.cgo).unwrap_or(false);
    // (where the entry is, name, package path) of each binary.
    let binaries = match section.and_then(|s| s.binaries.as_ref()) {
        Some(list) if !list.is_empty() => list
            .iter()
            .map(|b| {
                let name = b.value.name.clone().unwrap_or_default();
                (span_of(b), name, b.value.path.clone().unwrap_or_else(|| ".".into()))
            })
            .collect::<Vec<_>>(),
        // The default: the repository's own name, from its root.
        _ => vec![(None, String::new(), ".".into())],
    };
    // Every binary is built with the section's one set of flags: a finding about them points at
    // the `build:` key (or its `flags:`), once for all binaries.
    let key_line = |start: usize| (start, text[start..].find('\n').map_or(text.len(), |n| start + n));
    let flags_at = section.and_then(|s| s.flags.as_ref()).and_then(span_of).map(|(s, _)| s);
    let settings_span = key_line(flags_at.unwrap_or(build_span.0));
    let builds = binaries
        .into_iter()
        .enumerate()
        .map(|(i, (span, name, path))| {
            let span = match span {
                Some((s, _)) => (s, value_end(text, s, build_span.1)),
                None => build_span,
            };
            Build {
                id: if name.is_empty() { format!("#{i}") } else { name.clone() },
                span: settings_span,
                goos_span: None,
                trimpath_edit: None,
                targets: targets.clone(),
                target_count: targets.len() as u128,
                ldflags: literal(&ldflags_text, ldflags_span),
                output: literal(&name, span),
                main: literal(&path, span),
                // promu runs the builds in golang-builder images, which set CGO_ENABLED by `go.cgo`.
                env: vec![("CGO_ENABLED".into(), if cgo { "1" } else { "0" }.into())],
                trimpath: flag_words.contains(&"-trimpath"),
                mod_flag: flag_words.iter().find_map(|f| f.strip_prefix("-mod=")).map(str::to_string),
                implicit_ldflags: false,
            }
        })
        .collect();
    let platforms_span = platforms.and_then(span_of).map(|(s, _)| (s, value_end(text, s, text.len())));
    let go_version = cfg.go.as_ref().and_then(|g| g.version.as_ref()).and_then(|v| Some((v.value.text(), span_of(v)?)));
    Ok(Promu { builds, platforms_span, build_start: key_line(build_span.0), go_version })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_are_regular_expressions() {
        let t = |p: &[&str]| targets(&p.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(t(&["openbsd/amd64"]), [("openbsd".to_string(), "amd64".to_string())]);
        // armv5, armv6 and armv7 are one GOARCH.
        assert_eq!(t(&["linux"]).len(), 12);
        assert_eq!(t(&["linux/arm"]).iter().filter(|(_, a)| a == "arm").count(), 1);
        assert_eq!(t(&["^darwin/.*$"]).len(), 2);
        assert_eq!(t(&["windows/.*64"]), [("windows".into(), "amd64".into()), ("windows".into(), "arm64".into())]);
        assert!(t(&["plan9"]).is_empty());
    }

    #[test]
    fn binaries_ldflags_and_flags() {
        let text = "go:\n  version: 1.26\n  cgo: true\nrepository:\n  path: example.com/x\nbuild:\n  binaries:\n    - name: x\n    - name: y\n      path: ./cmd/y\n  flags: -a -tags netgo -trimpath\n  ldflags: |\n    -X v.Version={{.Version}}\n    -X v.BuildUser={{user}}@{{host}}\ncrossbuild:\n  platforms:\n    - linux/amd64\n";
        let p = parse(text).unwrap();
        assert_eq!(p.builds.len(), 2);
        let b = &p.builds[1];
        assert_eq!(super::super::shell::flatten(&b.main.parts), "./cmd/y");
        assert_eq!(
            super::super::shell::flatten(&b.ldflags.parts),
            "-X v.Version={{.Version}} -X v.BuildUser={{user}}@{{host}}"
        );
        assert!(text[b.ldflags.start..b.ldflags.end].starts_with("-X v.Version={{.Version}}\n    -X"));
        assert!(b.trimpath);
        assert_eq!(b.env, [("CGO_ENABLED".to_string(), "1".to_string())]);
        assert_eq!(b.targets, [("linux".to_string(), "amd64".to_string())]);
        assert_eq!(parse("").unwrap().builds[0].targets.len(), 32);
    }
}
