//! Release archives and the packages Go programs ship in, read as one stream of members without
//! extracting anything: tar (any compression) and zip archives, Debian packages (`ar` holding
//! `control.tar` and `data.tar`, gzip/xz/zstd or none), RPM packages (headers, then a cpio
//! payload in gzip/xz/zstd), Python wheels (zip), npm tarballs and Homebrew bottles (tar.gz).
//! Each package's own words about the platform it is for are gathered on the way: the Debian
//! control file's `Architecture`, the RPM `ARCH` tag, the wheel tags (file name and `WHEEL`),
//! `package.json`'s `os`/`cpu`/`libc` and `bin`, the bottle tag in the file name.

use crate::compress::{self, Decoder};
use crate::cpio::CpioReader;
use crate::tar::{Kind, TarReader};
use crate::{Error, ar, rpm, zip};

/// What kind of archive or package a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// A plain tar archive (any compression).
    Tar,
    /// A plain zip archive.
    Zip,
    Deb,
    Rpm,
    Wheel,
    Npm,
    Bottle,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Tar => "tar archive",
            Format::Zip => "zip archive",
            Format::Deb => "Debian package",
            Format::Rpm => "RPM package",
            Format::Wheel => "Python wheel",
            Format::Npm => "npm package",
            Format::Bottle => "Homebrew bottle",
        }
    }
}

/// `package.json`'s platform fields (npm's `os`, `cpu`, `libc`, values as written, `!` kept)
/// and the files its `bin` names (paths inside the package folder, normalized).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NpmManifest {
    pub name: Option<String>,
    pub version: Option<String>,
    pub os: Vec<String>,
    pub cpu: Vec<String>,
    pub libc: Vec<String>,
    pub bin: Vec<String>,
}

/// What a package says of itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metadata {
    pub format: Format,
    pub name: Option<String>,
    pub version: Option<String>,
    /// The architecture field: the Debian control file's `Architecture`, the RPM `ARCH` tag,
    /// or the Homebrew bottle tag (`arm64_sonoma`, `x86_64_linux`, `all`).
    pub architecture: Option<String>,
    /// Where `architecture` is written, in words (`control file Architecture`).
    pub architecture_source: &'static str,
    /// A wheel's platform tags (`manylinux_2_17_x86_64`, `any`): from its file name, or from
    /// the `Tag:` lines of its `WHEEL` file when the name has none.
    pub wheel_platforms: Vec<String>,
    pub npm: Option<NpmManifest>,
}

impl Metadata {
    fn new(format: Format) -> Metadata {
        Metadata {
            format,
            name: None,
            version: None,
            architecture: None,
            architecture_source: "",
            wheel_platforms: Vec::new(),
            npm: None,
        }
    }
}

/// One member of an archive or package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// Normalized like tar paths (`usr/bin/app`, `package/bin/esbuild`).
    pub path: String,
    pub kind: Kind,
    pub size: u64,
    /// Permission bits, where the format keeps them (tar, cpio, ar; zip made on unix).
    pub mode: Option<u32>,
    pub uid: u64,
    pub mtime: u64,
}

/// A tar or cpio entry (both formats keep the permission bits).
impl From<crate::tar::Entry> for Member {
    fn from(e: crate::tar::Entry) -> Self {
        Member { path: e.path, kind: e.kind, size: e.size, mode: Some(e.mode), uid: e.uid, mtime: e.mtime }
    }
}

/// The largest metadata file read (a control file, `package.json`, `WHEEL`).
const MAX_METADATA: u64 = 1 << 20;

enum Stream<'a> {
    Tar(TarReader<Decoder<'a>>),
    Cpio(CpioReader<Decoder<'a>>),
    Zip { data: &'a [u8], entries: std::vec::IntoIter<zip::Entry>, current: Option<zip::Entry> },
}

/// An archive or package, member by member.
pub struct Package<'a> {
    pub metadata: Metadata,
    stream: Stream<'a>,
    /// Bytes of the current member already read: its head, or all of it (metadata files).
    taken: Vec<u8>,
    /// Whether `taken` holds the whole member.
    whole: bool,
}

/// Whether a file name is one of the packages read (by name; the bytes decide the rest).
pub fn is_package_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".deb", ".udeb", ".ddeb", ".rpm", ".whl"].iter().any(|e| lower.ends_with(e)) || bottle_tag(&lower).is_some()
}

/// The tag of a Homebrew bottle's file name (`hugo--0.139.0.arm64_sonoma.bottle.tar.gz`,
/// `x.y--1.0.x86_64_linux.bottle.1.tar.gz`).
pub fn bottle_tag(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".tar.gz")?;
    let (before, after) = stem.rsplit_once(".bottle")?;
    if !(after.is_empty() || after.strip_prefix('.').is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))) {
        return None;
    }
    let tag = before.rsplit_once('.')?.1;
    (!tag.is_empty()).then_some(tag)
}

/// A wheel file name's platform tags: `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`,
/// the platform part split at dots (compressed tag sets).
pub fn wheel_name_platforms(name: &str) -> Vec<String> {
    let Some(stem) = name.strip_suffix(".whl") else { return Vec::new() };
    let parts: Vec<&str> = stem.split('-').collect();
    if parts.len() < 5 {
        return Vec::new();
    }
    parts[parts.len() - 1].split('.').filter(|t| !t.is_empty()).map(str::to_string).collect()
}

/// The `Tag:` platforms of a `WHEEL` file (`Tag: py3-none-manylinux_2_17_x86_64`).
fn wheel_file_platforms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let Some(tag) = line.strip_prefix("Tag:") else { continue };
        if let Some(platform) = tag.trim().rsplit('-').next().filter(|p| !p.is_empty()) {
            if !out.iter().any(|o| o == platform) {
                out.push(platform.to_string());
            }
        }
    }
    out
}

/// The fields of a Debian control file (`Field: value`, continuation lines dropped).
pub fn control_fields(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| !l.starts_with([' ', '\t']))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// Reads `package.json`'s name, version, platform fields and `bin` files.
pub fn npm_manifest(bytes: &[u8]) -> Result<NpmManifest, Error> {
    let doc: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| Error::Other(format!("package.json: {e}")))?;
    let list = |key: &str| -> Vec<String> {
        match doc.get(key) {
            Some(serde_json::Value::String(s)) => vec![s.clone()],
            Some(serde_json::Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        }
    };
    let bin = match doc.get("bin") {
        Some(serde_json::Value::String(s)) => vec![crate::tar::normalize(s)],
        Some(serde_json::Value::Object(m)) => {
            m.values().filter_map(|v| v.as_str()).map(crate::tar::normalize).collect()
        }
        _ => Vec::new(),
    };
    let text = |key: &str| doc.get(key).and_then(|v| v.as_str()).map(str::to_string);
    Ok(NpmManifest {
        name: text("name"),
        version: text("version"),
        os: list("os"),
        cpu: list("cpu"),
        libc: list("libc"),
        bin,
    })
}

/// Reads a Debian package's control file out of `control.tar` (any compression).
fn deb_control(control_tar: &[u8]) -> Result<String, Error> {
    let mut decoder = compress::decoder(control_tar, control_tar)?;
    let mut tar = TarReader::new(&mut decoder);
    while let Some(entry) = tar.next_entry()? {
        if entry.path == "control" && entry.kind == Kind::File {
            let bytes = tar.read_data(MAX_METADATA)?;
            return Ok(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    Err(Error::Malformed("Debian package: control.tar has no control file"))
}

impl<'a> Package<'a> {
    /// Opens the archive or package `data`, named `file_name` (which tells a wheel from a zip,
    /// an npm tarball or bottle from a tar).
    pub fn open(data: &'a [u8], file_name: &str) -> Result<Package<'a>, Error> {
        let lower = file_name.to_ascii_lowercase();
        if data.starts_with(ar::MAGIC) {
            return Package::open_deb(data);
        }
        if rpm::is_rpm(data) {
            return Package::open_rpm(data);
        }
        if zip::is_zip(data) {
            let mut metadata = Metadata::new(if lower.ends_with(".whl") { Format::Wheel } else { Format::Zip });
            if metadata.format == Format::Wheel {
                metadata.wheel_platforms = wheel_name_platforms(&lower);
                let parts: Vec<&str> = file_name.split('-').collect();
                metadata.name = parts.first().map(|s| s.to_string());
                metadata.version = parts.get(1).map(|s| s.to_string());
            }
            let entries = zip::entries(data)?.into_iter();
            return Ok(Package::new(metadata, Stream::Zip { data, entries, current: None }));
        }
        let mut metadata = Metadata::new(Format::Tar);
        if let Some(tag) = bottle_tag(&lower) {
            metadata.format = Format::Bottle;
            metadata.architecture = Some(tag.to_string());
            metadata.architecture_source = "bottle tag";
            if let Some((name, version)) = file_name.split_once("--") {
                metadata.name = Some(name.to_string());
                metadata.version = version.strip_suffix(&format!(".{tag}.bottle.tar.gz")).map(str::to_string);
            }
        }
        let decoder = compress::decoder(data, data)?;
        Ok(Package::new(metadata, Stream::Tar(TarReader::new(decoder))))
    }

    fn new(metadata: Metadata, stream: Stream<'a>) -> Package<'a> {
        Package { metadata, stream, taken: Vec::new(), whole: false }
    }

    fn open_deb(data: &'a [u8]) -> Result<Package<'a>, Error> {
        let members = ar::members(data)?;
        if members.first().map(|m| m.name.as_str()) != Some("debian-binary") {
            return Err(Error::Malformed("Debian package: the first member is not debian-binary"));
        }
        let find = |prefix: &str| members.iter().find(|m| m.name.starts_with(prefix));
        let control = find("control.tar").ok_or(Error::Malformed("Debian package: no control.tar member"))?.data;
        let payload = find("data.tar").ok_or(Error::Malformed("Debian package: no data.tar member"))?;
        // dpkg also accepts bzip2 and lzma data (no longer written by dpkg-deb): said, not misread.
        if let Some((_, kind)) = [(".bz2", "bzip2"), (".lzma", "lzma")].iter().find(|(e, _)| payload.name.ends_with(e))
        {
            return Err(Error::Other(format!(
                "Debian package: {} is compressed with {kind}, which is not read (gzip, xz and zstd are)",
                payload.name
            )));
        }
        let payload = payload.data;
        let mut metadata = Metadata::new(Format::Deb);
        for (key, value) in control_fields(&deb_control(control)?) {
            match key.as_str() {
                "Package" => metadata.name = Some(value),
                "Version" => metadata.version = Some(value),
                "Architecture" => metadata.architecture = Some(value),
                _ => {}
            }
        }
        metadata.architecture_source = "control file Architecture";
        let decoder = compress::decoder(payload, payload)?;
        Ok(Package::new(metadata, Stream::Tar(TarReader::new(decoder))))
    }

    fn open_rpm(data: &'a [u8]) -> Result<Package<'a>, Error> {
        let parsed = rpm::parse(data)?;
        if let Some(format) = parsed.payload_format.as_deref().filter(|f| *f != "cpio") {
            return Err(Error::Other(format!("RPM payload format {format} is not read (only cpio)")));
        }
        let head = parsed.payload.get(..8).unwrap_or(parsed.payload);
        if compress::Compression::detect(head) == compress::Compression::None {
            let named = parsed.payload_compressor.as_deref().unwrap_or("gzip");
            if !head.starts_with(b"0707") {
                return Err(Error::Other(format!(
                    "RPM payload compressed with {named} is not read (gzip, xz and zstd are)"
                )));
            }
        }
        let mut metadata = Metadata::new(Format::Rpm);
        metadata.name = parsed.name;
        metadata.version = match (parsed.version, parsed.release) {
            (Some(v), Some(r)) => Some(format!("{v}-{r}")),
            (v, _) => v,
        };
        metadata.architecture = parsed.arch;
        metadata.architecture_source = "RPM arch tag";
        let decoder = compress::decoder(parsed.payload, parsed.payload)?;
        Ok(Package::new(metadata, Stream::Cpio(CpioReader::new(decoder))))
    }

    /// The next member; `None` at the end. Metadata files met on the way (`package.json`,
    /// `WHEEL`) are read into `metadata` and still returned.
    pub fn next_member(&mut self) -> Result<Option<Member>, Error> {
        self.taken.clear();
        self.whole = false;
        let member = match &mut self.stream {
            Stream::Tar(t) => t.next_entry()?.map(Member::from),
            Stream::Cpio(c) => c.next_entry()?.map(Member::from),
            Stream::Zip { entries, current, .. } => {
                *current = entries.next();
                current.as_ref().map(|e| {
                    let kind = match e.unix_mode.map(|m| m & 0o170000) {
                        _ if e.is_dir => Kind::Dir,
                        Some(0o120000) => Kind::Symlink(String::new()),
                        Some(0o100000) | Some(0) | None => Kind::File,
                        Some(_) => Kind::Other,
                    };
                    let mode = e.unix_mode.map(|m| m & 0o7777);
                    Member { path: e.path.clone(), kind, size: e.size, mode, uid: 0, mtime: u64::from(e.dos_time) }
                })
            }
        };
        let Some(member) = member else { return Ok(None) };
        if member.kind == Kind::File {
            self.read_metadata_file(&member)?;
        }
        Ok(Some(member))
    }

    fn read_metadata_file(&mut self, member: &Member) -> Result<(), Error> {
        let format = self.metadata.format;
        let npm = matches!(format, Format::Tar | Format::Npm) && member.path == "package/package.json";
        let wheel =
            format == Format::Wheel && member.path.split('/').count() == 2 && member.path.ends_with(".dist-info/WHEEL");
        if !npm && !wheel {
            return Ok(());
        }
        let bytes = self.data(MAX_METADATA)?;
        if npm {
            // A tarball whose package.json cannot be read is still read as an archive.
            if let Ok(manifest) = npm_manifest(&bytes) {
                self.metadata.format = Format::Npm;
                self.metadata.name = manifest.name.clone();
                self.metadata.version = manifest.version.clone();
                self.metadata.npm = Some(manifest);
            }
        } else if self.metadata.wheel_platforms.is_empty() {
            self.metadata.wheel_platforms = wheel_file_platforms(&String::from_utf8_lossy(&bytes));
        }
        Ok(())
    }

    /// The first `n` bytes of the current member (fewer when it is shorter).
    pub fn head(&mut self, n: usize) -> Result<Vec<u8>, Error> {
        if self.taken.len() < n && !self.whole {
            match &mut self.stream {
                Stream::Tar(t) => {
                    let mut buf = vec![0u8; n - self.taken.len()];
                    let got = read_some_fully(|b| t.read_some(b), &mut buf)?;
                    self.taken.extend_from_slice(&buf[..got]);
                }
                Stream::Cpio(c) => {
                    let mut buf = vec![0u8; n - self.taken.len()];
                    let got = read_some_fully(|b| c.read_some(b), &mut buf)?;
                    self.taken.extend_from_slice(&buf[..got]);
                }
                Stream::Zip { data, current, .. } => {
                    let entry = current.as_ref().ok_or(Error::Malformed("zip: no current entry"))?;
                    self.taken = zip::head(data, entry, n as u64)?;
                }
            }
        }
        Ok(self.taken[..self.taken.len().min(n)].to_vec())
    }

    /// The whole current member, when it is at most `limit` bytes.
    pub fn data(&mut self, limit: u64) -> Result<Vec<u8>, Error> {
        if self.whole {
            return Ok(self.taken.clone());
        }
        let rest = match &mut self.stream {
            Stream::Tar(t) => {
                let size = self.taken.len() as u64 + t.remaining();
                if size > limit {
                    return Err(Error::TooLarge { size, limit });
                }
                t.read_data(limit)?
            }
            Stream::Cpio(c) => {
                let size = self.taken.len() as u64 + c.remaining();
                if size > limit {
                    return Err(Error::TooLarge { size, limit });
                }
                c.read_data(limit)?
            }
            Stream::Zip { data, current, .. } => {
                let entry = current.as_ref().ok_or(Error::Malformed("zip: no current entry"))?;
                self.taken.clear();
                zip::read(data, entry, limit)?
            }
        };
        self.taken.extend_from_slice(&rest);
        self.whole = true;
        Ok(self.taken.clone())
    }

    /// The compression of a tar or cpio stream (`zip` for zip archives).
    pub fn compression(&self) -> &'static str {
        match &self.stream {
            Stream::Tar(t) => t.source().compression.name(),
            Stream::Cpio(c) => c.source().compression.name(),
            Stream::Zip { .. } => "zip",
        }
    }
}

/// Calls `read` until `buf` is full or it returns 0.
fn read_some_fully(mut read: impl FnMut(&mut [u8]) -> Result<usize, Error>, buf: &mut [u8]) -> Result<usize, Error> {
    let mut n = 0;
    while n < buf.len() {
        match read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_which_package() {
        assert_eq!(bottle_tag("hugo--0.139.0.arm64_sonoma.bottle.tar.gz"), Some("arm64_sonoma"));
        assert_eq!(bottle_tag("go-task--3.40.0.x86_64_linux.bottle.1.tar.gz"), Some("x86_64_linux"));
        assert_eq!(bottle_tag("jq--1.7.all.bottle.tar.gz"), Some("all"));
        assert_eq!(bottle_tag("api_linux_amd64.tar.gz"), None);
        assert_eq!(
            wheel_name_platforms("ruff-0.6.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"),
            ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
        );
        assert_eq!(wheel_name_platforms("tool-1.0-1-py3-none-win_amd64.whl"), ["win_amd64"]);
        assert!(wheel_name_platforms("broken.whl").is_empty());
        assert_eq!(
            wheel_file_platforms(
                "Wheel-Version: 1.0\nTag: py3-none-musllinux_1_2_aarch64\nTag: py2-none-musllinux_1_2_aarch64\n"
            ),
            ["musllinux_1_2_aarch64"]
        );
        assert!(is_package_name("app_1.0_amd64.deb") && is_package_name("app-1.0-1.x86_64.rpm"));
        assert!(!is_package_name("app.tar.gz"));
    }

    #[test]
    fn package_json_platform_fields() {
        let m = npm_manifest(br#"{"name":"@esbuild/linux-x64","os":["linux"],"cpu":"x64","libc":["glibc"],"bin":{"esbuild":"./bin/esbuild"}}"#).unwrap();
        assert_eq!(
            (m.os, m.cpu, m.libc, m.bin),
            (vec!["linux".into()], vec!["x64".into()], vec!["glibc".into()], vec!["bin/esbuild".into()])
        );
        assert!(npm_manifest(b"{").is_err());
    }

    #[test]
    fn deb_rpm_and_npm_members_stream_with_their_claims() {
        use shiplint_fixtures::images::{Compression, compress, tar};
        let control = compress(
            &tar(&[("./control", b"Package: app\nVersion: 1.0\nArchitecture: arm64\nDescription: x\n y\n", 0o644)]),
            Compression::Xz,
        );
        let payload = compress(&tar(&[("./usr/bin/app", b"\x7fELF-ish", 0o755)]), Compression::Zstd);
        let mut deb = ar::MAGIC.to_vec();
        for (name, data) in [("debian-binary", &b"2.0\n"[..]), ("control.tar.xz", &control), ("data.tar.zst", &payload)]
        {
            deb.extend(format!("{name:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n", 0, 0, 0, "100644", data.len()).bytes());
            deb.extend_from_slice(data);
            if data.len() % 2 == 1 {
                deb.push(b'\n');
            }
        }
        let mut old = deb.clone();
        let at = old.windows(12).position(|w| w == b"data.tar.zst").unwrap();
        old[at..at + 12].copy_from_slice(b"data.tar.bz2");
        let err = Package::open(&old, "old.deb").err().unwrap().to_string();
        assert_eq!(
            err,
            "Debian package: data.tar.bz2 is compressed with bzip2, which is not read (gzip, xz and zstd are)"
        );
        let mut p = Package::open(&deb, "app_1.0_arm64.deb").unwrap();
        assert_eq!((p.metadata.format, p.metadata.architecture.as_deref()), (Format::Deb, Some("arm64")));
        let m = p.next_member().unwrap().unwrap();
        assert_eq!((m.path.as_str(), m.mode), ("usr/bin/app", Some(0o755)));
        assert_eq!(p.head(4).unwrap(), b"\x7fELF");
        assert_eq!(p.data(100).unwrap(), b"\x7fELF-ish");
        assert_eq!(p.next_member().unwrap(), None);
        for cut in 0..deb.len() {
            if let Ok(mut p) = Package::open(&deb[..cut], "x.deb") {
                while let Ok(Some(_)) = p.next_member() {
                    let _ = p.data(1 << 20);
                }
            }
        }

        let cpio = crate::cpio::tests::newc(&[("./usr/bin/app", 0o100644, b"\x7fELF-ish")]);
        let rpm = rpm::tests::package(&[(rpm::TAG_ARCH, "x86_64")], &compress(&cpio, Compression::Gzip));
        let mut p = Package::open(&rpm, "app.rpm").unwrap();
        assert_eq!((p.metadata.format, p.metadata.architecture.as_deref()), (Format::Rpm, Some("x86_64")));
        let m = p.next_member().unwrap().unwrap();
        assert_eq!((m.path.as_str(), m.mode), ("usr/bin/app", Some(0o644)));
        assert_eq!(p.head(2).unwrap(), b"\x7fE");
        assert_eq!(p.data(100).unwrap(), b"\x7fELF-ish");
        let bz = rpm::tests::package(&[(rpm::TAG_PAYLOADCOMPRESSOR, "bzip2")], b"BZh91AY&SY");
        assert!(Package::open(&bz, "x.rpm").err().unwrap().to_string().contains("bzip2 is not read"));

        let npm = compress(
            &tar(&[
                ("package/package.json", br#"{"name":"x","os":["darwin"],"cpu":["arm64"]}"#, 0o644),
                ("package/bin/x", b"bin", 0o644),
            ]),
            Compression::Gzip,
        );
        let mut p = Package::open(&npm, "x-1.0.0.tgz").unwrap();
        assert_eq!(p.metadata.format, Format::Tar);
        assert_eq!(p.next_member().unwrap().unwrap().path, "package/package.json");
        assert_eq!(p.metadata.format, Format::Npm);
        assert_eq!(p.metadata.npm.as_ref().unwrap().cpu, ["arm64"]);
        assert!(p.data(10).unwrap().starts_with(b"{\"name\""));
    }
}
