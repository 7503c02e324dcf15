//! The one vocabulary of platform spellings in release and package file names, mapped to Go's
//! GOOS and GOARCH: Go's own, goreleaser's (`Linux_x86_64`, `amd64_v1`, `armv7`), npm's `os` and
//! `cpu` values (`win32`, `x64`, `ia32`), Python platform tags (`manylinux_2_17_aarch64`,
//! `macosx_11_0_arm64`, `win_amd64`), Rust target triples (`aarch64-apple-darwin`,
//! `x86_64-pc-windows-msvc`) and the usual hand-written ones (`macOS`, `win64`).

/// Operating system spellings (one token of the name) and the GOOS they mean.
const OS_NAMES: &[(&str, &str)] = &[
    ("linux", "linux"),
    ("manylinux", "linux"),
    ("manylinux1", "linux"),
    ("manylinux2010", "linux"),
    ("manylinux2014", "linux"),
    ("musllinux", "linux"),
    ("darwin", "darwin"),
    ("macos", "darwin"),
    ("macosx", "darwin"),
    ("osx", "darwin"),
    ("mac", "darwin"),
    ("apple", "darwin"),
    ("windows", "windows"),
    ("win", "windows"),
    ("win32", "windows"),
    ("win64", "windows"),
    ("freebsd", "freebsd"),
    ("openbsd", "openbsd"),
    ("netbsd", "netbsd"),
    ("dragonfly", "dragonfly"),
    ("sunos", "solaris"),
    ("solaris", "solaris"),
    ("illumos", "illumos"),
    ("kfreebsd", "freebsd"),
    ("aix", "aix"),
    ("android", "android"),
];

/// Architecture spellings (one token of the name) and the GOARCH they mean. npm's `ppc64` is
/// Node's `process.arch` on little-endian Linux too, so it is matched leniently (`arch_matches`).
const ARCH_NAMES: &[(&str, &str)] = &[
    ("amd64", "amd64"),
    ("x64", "amd64"),
    ("arm64", "arm64"),
    ("aarch64", "arm64"),
    ("386", "386"),
    ("i386", "386"),
    ("i686", "386"),
    ("i586", "386"),
    ("i486", "386"),
    // The x86 family: `-x86.dylib` and `-x86.so` beside `-arm64` ones name 64-bit Intel builds
    // (macOS has had no 32-bit Go port since Go 1.15). Only Microsoft's vocabulary, where 64-bit
    // is `x64`, makes it 32-bit: see `named_platform`.
    ("x86", "x86"),
    ("ia32", "386"),
    ("arm", "arm"),
    ("armv5", "arm"),
    ("armv6", "arm"),
    ("armv6l", "arm"),
    ("armv7", "arm"),
    ("armv7l", "arm"),
    ("armhf", "arm"),
    ("armel", "arm"),
    ("armv7hl", "arm"),
    ("armv6hl", "arm"),
    ("riscv64", "riscv64"),
    ("riscv64gc", "riscv64"),
    ("ppc64le", "ppc64le"),
    ("ppc64el", "ppc64le"),
    ("powerpc64le", "ppc64le"),
    ("ppc64", "ppc64"),
    ("powerpc64", "ppc64"),
    ("s390x", "s390x"),
    ("loong64", "loong64"),
    ("loongarch64", "loong64"),
    ("mips", "mips"),
    ("mipsle", "mipsle"),
    ("mipsel", "mipsle"),
    ("mips64", "mips64"),
    ("mips64le", "mips64le"),
    ("mips64el", "mips64le"),
    ("wasm", "wasm"),
    ("universal", "universal"),
    ("universal2", "universal"),
    ("all", "universal"),
];

/// Architecture spellings that span separators, matched in the whole name before it is split.
const COMPOUND_ARCH_NAMES: &[(&str, &str)] = &[("x86_64", "amd64"), ("x86-64", "amd64")];

/// Operating system spellings that also imply an architecture, used only when the name gives
/// none: a Python `win32` wheel is 32-bit, but npm's `win32-x64` is 64-bit Windows.
const OS_IMPLIED_ARCH: &[(&str, &str)] = &[("win32", "386"), ("win64", "amd64")];

fn lookup(table: &[(&str, &'static str)], token: &str) -> Option<&'static str> {
    table.iter().find(|(spelling, _)| *spelling == token).map(|&(_, meant)| meant)
}

/// The operating system and architecture a file name claims, as GOOS and GOARCH (`universal`
/// for a macOS universal binary), each `None` when the name says nothing of it.
pub fn named_platform(name: &str) -> (Option<&'static str>, Option<&'static str>) {
    let lower = name.to_ascii_lowercase();
    let compound = COMPOUND_ARCH_NAMES.iter().find(|(spelling, _)| lower.contains(spelling)).map(|&(_, a)| a);
    let tokens: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).filter(|t| !t.is_empty()).collect();
    let os = tokens.iter().find_map(|t| lookup(OS_NAMES, t));
    let arch = compound
        .or_else(|| tokens.iter().find_map(|t| lookup(ARCH_NAMES, t)))
        .or_else(|| tokens.iter().find_map(|t| lookup(OS_IMPLIED_ARCH, t)));
    let arch = match (os, arch) {
        (Some("windows"), Some("x86")) => Some("386"),
        _ => arch,
    };
    (os, arch)
}

/// macOS release names as Homebrew writes them in bottle tags (`arm64_sonoma`, `sequoia`).
const MACOS_RELEASES: &[&str] = &[
    "tahoe",
    "sequoia",
    "sonoma",
    "ventura",
    "monterey",
    "big_sur",
    "catalina",
    "mojave",
    "high_sierra",
    "sierra",
    "el_capitan",
    "yosemite",
];

/// The platform a Homebrew bottle tag names: `arm64_sonoma` is darwin/arm64, a bare release
/// name (`sonoma`) is Intel, `x86_64_linux` and `arm64_linux` are Linux; `None` for `all`
/// (no platform) and tags not known.
pub fn bottle_platform(tag: &str) -> Option<(&'static str, &'static str)> {
    let tag = tag.to_ascii_lowercase();
    if let Some(arch) = tag.strip_suffix("_linux") {
        let (_, arch) = named_platform(arch);
        return Some(("linux", arch?));
    }
    let (arch, release) = match tag.strip_prefix("arm64_") {
        Some(release) => ("arm64", release),
        None => ("amd64", tag.as_str()),
    };
    MACOS_RELEASES.contains(&release).then_some(("darwin", arch))
}

/// The operating system a package-manager value names (npm's `os` values: `win32`, `sunos`).
pub fn os_word(word: &str) -> Option<&'static str> {
    lookup(OS_NAMES, &word.to_ascii_lowercase())
}

/// The architecture a package-manager value names (npm's `cpu`, Debian's `Architecture`, RPM's
/// arch tag: `x64`, `ppc64el`, `armv7hl`, `x86_64`).
pub fn arch_word(word: &str) -> Option<&'static str> {
    let lower = word.to_ascii_lowercase();
    lookup(COMPOUND_ARCH_NAMES, &lower).or_else(|| lookup(ARCH_NAMES, &lower))
}

/// Whether a binary built for GOARCH `real` is what a name claiming `claimed` promises.
pub fn arch_matches(claimed: &str, real: &str) -> bool {
    claimed == real
        || (claimed == "ppc64" && real == "ppc64le")
        || (claimed == "x86" && matches!(real, "386" | "amd64"))
}

#[cfg(test)]
mod tests {
    use super::{arch_matches, arch_word, bottle_platform, named_platform, os_word};

    #[test]
    fn x86_names_the_family_except_in_microsofts_vocabulary() {
        assert!(arch_matches("x86", "amd64") && arch_matches("x86", "386"));
        assert!(!arch_matches("x86", "arm64") && !arch_matches("386", "amd64"));
    }

    #[test]
    fn package_manager_words() {
        assert_eq!(bottle_platform("arm64_sonoma"), Some(("darwin", "arm64")));
        assert_eq!(bottle_platform("sequoia"), Some(("darwin", "amd64")));
        assert_eq!(bottle_platform("x86_64_linux"), Some(("linux", "amd64")));
        assert_eq!(bottle_platform("arm64_linux"), Some(("linux", "arm64")));
        assert_eq!(bottle_platform("all"), None);
        assert_eq!(
            (os_word("win32"), os_word("sunos"), os_word("Linux")),
            (Some("windows"), Some("solaris"), Some("linux"))
        );
        assert_eq!((arch_word("x64"), arch_word("x86_64"), arch_word("noarch")), (Some("amd64"), Some("amd64"), None));
    }

    #[test]
    fn every_spelling_release_and_package_names_use() {
        let cases: &[(&str, Option<&str>, Option<&str>)] = &[
            // npm platform packages: os-cpu.
            ("fastly-cli-win32-x64-10.19.0.tgz", Some("windows"), Some("amd64")),
            ("esbuild-win32-ia32-0.25.0.tgz", Some("windows"), Some("386")),
            ("esbuild-win32-arm64", Some("windows"), Some("arm64")),
            ("@esbuild/darwin-x64", Some("darwin"), Some("amd64")),
            ("esbuild-linux-ppc64-0.25.0.tgz", Some("linux"), Some("ppc64")),
            ("esbuild-linux-s390x", Some("linux"), Some("s390x")),
            ("esbuild-linux-riscv64", Some("linux"), Some("riscv64")),
            ("esbuild-linux-loong64", Some("linux"), Some("loong64")),
            ("esbuild-linux-mips64el", Some("linux"), Some("mips64le")),
            ("pkg-linux-mipsel", Some("linux"), Some("mipsle")),
            ("pkg-linux-arm-1.0.0.tgz", Some("linux"), Some("arm")),
            ("pkg-freebsd-x64", Some("freebsd"), Some("amd64")),
            ("pkg-sunos-x64", Some("solaris"), Some("amd64")),
            // Python wheel platform tags.
            ("tool-1.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", Some("linux"), Some("amd64")),
            ("tool-1.0-py3-none-manylinux_2_17_aarch64.whl", Some("linux"), Some("arm64")),
            ("tool-1.0-py3-none-musllinux_1_2_x86_64.whl", Some("linux"), Some("amd64")),
            ("tool-1.0-py3-none-macosx_11_0_arm64.whl", Some("darwin"), Some("arm64")),
            ("tool-1.0-py3-none-macosx_10_9_universal2.whl", Some("darwin"), Some("universal")),
            ("tool-1.0-py3-none-win_amd64.whl", Some("windows"), Some("amd64")),
            ("tool-1.0-py3-none-win_arm64.whl", Some("windows"), Some("arm64")),
            ("tool-1.0-py3-none-win32.whl", Some("windows"), Some("386")),
            ("tool-1.0-py3-none-linux_armv7l.whl", Some("linux"), Some("arm")),
            ("tool-1.0-py3-none-manylinux_2_17_ppc64le.whl", Some("linux"), Some("ppc64le")),
            ("tool-1.0-py3-none-manylinux_2_17_i686.whl", Some("linux"), Some("386")),
            // Rust-style target triples.
            ("tool-x86_64-unknown-linux-gnu.tar.gz", Some("linux"), Some("amd64")),
            ("tool-aarch64-unknown-linux-musl.tar.gz", Some("linux"), Some("arm64")),
            ("tool-aarch64-apple-darwin.tar.gz", Some("darwin"), Some("arm64")),
            ("tool-x86_64-pc-windows-msvc.zip", Some("windows"), Some("amd64")),
            ("tool-i686-pc-windows-gnu.zip", Some("windows"), Some("386")),
            ("tool-armv7-unknown-linux-gnueabihf.tar.gz", Some("linux"), Some("arm")),
            ("tool-riscv64gc-unknown-linux-gnu.tar.gz", Some("linux"), Some("riscv64")),
            ("tool-powerpc64le-unknown-linux-gnu.tar.gz", Some("linux"), Some("ppc64le")),
            ("tool-loongarch64-unknown-linux-gnu.tar.gz", Some("linux"), Some("loong64")),
            ("tool-x86_64-unknown-freebsd.tar.gz", Some("freebsd"), Some("amd64")),
            // goreleaser and hand-written names.
            ("api_Linux_x86_64.tar.gz", Some("linux"), Some("amd64")),
            ("api_Darwin_arm64.tar.gz", Some("darwin"), Some("arm64")),
            ("api_Windows_i386.zip", Some("windows"), Some("386")),
            ("api_1.2.3_linux_amd64_v1", Some("linux"), Some("amd64")),
            ("api_1.2.3_linux_arm64_v8.0", Some("linux"), Some("arm64")),
            ("api_linux_armv6", Some("linux"), Some("arm")),
            ("api-v1.2.3-macOS-universal.zip", Some("darwin"), Some("universal")),
            ("api-win64.exe", Some("windows"), Some("amd64")),
            ("api-osx-x64", Some("darwin"), Some("amd64")),
            ("api-linux-386", Some("linux"), Some("386")),
            ("tls-client-x86.dylib", None, Some("x86")),
            ("api-linux-x86.tar.gz", Some("linux"), Some("x86")),
            ("api-windows-x86.zip", Some("windows"), Some("386")),
            ("api-win-x86.exe", Some("windows"), Some("386")),
            // Package architectures (Debian, RPM).
            ("app_1.0_ppc64el.deb", None, Some("ppc64le")),
            ("app-1.0-1.armv7hl.rpm", None, Some("arm")),
            ("app-1.0-1.i586.rpm", None, Some("386")),
            // Names that claim nothing.
            ("api", None, None),
            ("api-v1.2.3.tar.gz", None, None),
            ("alarm-clock", None, None),
        ];
        for (name, os, arch) in cases {
            assert_eq!(named_platform(name), (*os, *arch), "{name}");
        }
    }
}
