//! What a package says about the platform it installs on, in Go's terms: the Debian control
//! file's `Architecture`, the RPM arch tag, a wheel's platform tags, `package.json`'s
//! `os`/`cpu`/`libc`, a Homebrew bottle's tag. Package managers install by these words, not by
//! what the executables inside are built for.

use crate::platform_names::{arch_word, bottle_platform, named_platform, os_word};
use shiplint_archive::package::{Format, Metadata};

/// The values a claim allows (`only`; empty: any) and excludes (`not`: npm's `!win32`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Allowed {
    pub only: Vec<&'static str>,
    pub not: Vec<&'static str>,
}

impl Allowed {
    pub fn allows(&self, value: &str, matches: impl Fn(&str, &str) -> bool) -> bool {
        (self.only.is_empty() || self.only.iter().any(|o| matches(o, value)))
            && !self.not.iter().any(|n| matches(n, value))
    }

    fn add(&mut self, value: Option<&'static str>, negated: bool) {
        let Some(v) = value else { return };
        let list = if negated { &mut self.not } else { &mut self.only };
        if !list.contains(&v) {
            list.push(v);
        }
    }
}

/// The platform a package claims.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Claim {
    /// The claim as the package writes it (`control file Architecture: arm64`).
    pub said: String,
    pub os: Allowed,
    pub arch: Allowed,
    /// A macOS universal wheel (`universal2`): every executable must hold several slices.
    pub universal: bool,
    /// Marked for every platform (`Architecture: all`, `noarch`, the wheel tag `any`, the
    /// bottle tag `all`).
    pub independent: bool,
    /// The C library the package is for (`glibc` for `manylinux`, `musl` for `musllinux`, npm's
    /// `libc`), with the words that say so.
    pub libc: Option<(&'static str, String)>,
}

impl Claim {
    /// Whether the claim names any platform at all.
    pub fn says_anything(&self) -> bool {
        self.independent || self.universal || self.os != Allowed::default() || self.arch != Allowed::default()
    }
}

/// A package the executables of a scan were found in.
#[derive(Clone, Debug)]
pub struct PackageFacts {
    /// The package file, as shown (`dist/app_1.0_amd64.deb`).
    pub location: String,
    pub format: Format,
    pub claim: Claim,
    /// npm's `bin` files (paths inside the package folder): npm makes them executable on install.
    pub npm_bin: Vec<String>,
}

fn libc_of_wheel_tag(tag: &str) -> Option<&'static str> {
    if tag.starts_with("manylinux") {
        Some("glibc")
    } else if tag.starts_with("musllinux") {
        Some("musl")
    } else {
        None
    }
}

/// What a package's metadata claims.
pub fn claim(meta: &Metadata) -> Claim {
    let mut c = Claim::default();
    match meta.format {
        Format::Deb | Format::Rpm => {
            let Some(arch) = meta.architecture.as_deref() else { return c };
            c.said = format!("{}: {arch}", meta.architecture_source);
            if matches!(arch, "all" | "noarch") {
                c.independent = true;
                return c;
            }
            // Debian's `kfreebsd-amd64`, `hurd-i386`, `musl-linux-arm64`; RPM packages are linux.
            let (os, named_arch) = named_platform(arch);
            c.os.add(Some(os.unwrap_or("linux")), false);
            c.arch.add(arch_word(arch).or(named_arch), false);
        }
        Format::Bottle => {
            let Some(tag) = meta.architecture.as_deref() else { return c };
            c.said = format!("bottle tag {tag}");
            if tag == "all" {
                c.independent = true;
            } else if let Some((os, arch)) = bottle_platform(tag) {
                c.os.add(Some(os), false);
                c.arch.add(Some(arch), false);
            }
        }
        Format::Wheel => {
            if meta.wheel_platforms.is_empty() {
                return c;
            }
            c.said = format!("wheel platform tag {}", meta.wheel_platforms.join("."));
            for tag in &meta.wheel_platforms {
                if tag == "any" {
                    c.independent = true;
                    continue;
                }
                let (os, arch) = named_platform(tag);
                c.os.add(os, false);
                match arch {
                    Some("universal") => {
                        c.universal = true;
                        c.arch.add(Some("amd64"), false);
                        c.arch.add(Some("arm64"), false);
                    }
                    a => c.arch.add(a, false),
                }
                if let Some(libc) = libc_of_wheel_tag(tag) {
                    c.libc = Some((libc, format!("wheel platform tag {tag}")));
                }
            }
            // A tag set naming platforms as well as `any` is not independent of them.
            c.independent &= c.os.only.is_empty() && c.arch.only.is_empty();
        }
        Format::Npm => {
            let Some(npm) = &meta.npm else { return c };
            for os in &npm.os {
                let negated = os.starts_with('!');
                c.os.add(os_word(os.trim_start_matches('!')), negated);
            }
            for cpu in &npm.cpu {
                let negated = cpu.starts_with('!');
                c.arch.add(arch_word(cpu.trim_start_matches('!')), negated);
            }
            let quote = |v: &[String]| v.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ");
            c.said = match (npm.os.is_empty(), npm.cpu.is_empty()) {
                (true, true) => String::new(),
                (false, true) => format!("package.json os [{}]", quote(&npm.os)),
                (true, false) => format!("package.json cpu [{}]", quote(&npm.cpu)),
                (false, false) => format!("package.json os [{}], cpu [{}]", quote(&npm.os), quote(&npm.cpu)),
            };
            if let [libc] = npm.libc.as_slice() {
                let family = match libc.as_str() {
                    "glibc" => Some("glibc"),
                    "musl" => Some("musl"),
                    _ => None,
                };
                c.libc = family.map(|f| (f, format!("package.json libc [\"{libc}\"]")));
            }
        }
        Format::Tar | Format::Zip => {}
    }
    c
}

/// The facts of a package read from `metadata`, found at `location`.
pub fn facts(location: &str, metadata: &Metadata) -> PackageFacts {
    PackageFacts {
        location: location.to_string(),
        format: metadata.format,
        claim: claim(metadata),
        npm_bin: metadata.npm.as_ref().map(|n| n.bin.clone()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shiplint_archive::package::NpmManifest;

    fn meta(format: Format) -> Metadata {
        Metadata {
            format,
            name: None,
            version: None,
            architecture: None,
            architecture_source: "arch",
            wheel_platforms: Vec::new(),
            npm: None,
        }
    }

    #[test]
    fn claims_in_go_terms() {
        let mut deb = meta(Format::Deb);
        deb.architecture = Some("ppc64el".into());
        let c = claim(&deb);
        assert_eq!((c.os.only.as_slice(), c.arch.only.as_slice()), (&["linux"][..], &["ppc64le"][..]));
        deb.architecture = Some("all".into());
        assert!(claim(&deb).independent);
        let mut rpm = meta(Format::Rpm);
        rpm.architecture = Some("x86_64".into());
        assert_eq!(claim(&rpm).arch.only, ["amd64"]);
        let mut wheel = meta(Format::Wheel);
        wheel.wheel_platforms = vec!["musllinux_1_2_aarch64".into()];
        let c = claim(&wheel);
        assert_eq!((c.arch.only.as_slice(), c.libc.map(|l| l.0)), (&["arm64"][..], Some("musl")));
        wheel.wheel_platforms = vec!["macosx_10_9_universal2".into()];
        assert!(claim(&wheel).universal);
        wheel.wheel_platforms = vec!["any".into()];
        assert!(claim(&wheel).independent);
        let mut npm = meta(Format::Npm);
        npm.npm = Some(NpmManifest {
            os: vec!["!win32".into()],
            cpu: vec!["x64".into(), "arm64".into()],
            libc: vec!["musl".into()],
            ..Default::default()
        });
        let c = claim(&npm);
        assert_eq!((c.os.not.as_slice(), c.arch.only.as_slice()), (&["windows"][..], &["amd64", "arm64"][..]));
        assert!(c.os.allows("linux", |a, b| a == b) && !c.os.allows("windows", |a, b| a == b));
        assert_eq!(c.said, "package.json os [\"!win32\"], cpu [\"x64\", \"arm64\"]");
        let mut bottle = meta(Format::Bottle);
        bottle.architecture = Some("arm64_sequoia".into());
        assert_eq!(claim(&bottle).os.only, ["darwin"]);
    }
}
