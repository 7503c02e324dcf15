//! Container images without a daemon: OCI image layout folders, `docker save` tarballs (legacy
//! `manifest.json` and OCI `index.json` forms) and OCI archives; multi-platform indexes yield one
//! manifest per platform. Layers are streamed in order, their digests checked as they go by.

use crate::Error;
use crate::compress::{self, Compression, io_error};
use crate::tar::{Entry, TarReader};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest JSON document read (index, manifest, config).
const MAX_JSON: u64 = 4 << 20;
/// The most platform manifests read from one image, and layers from one manifest.
const MAX_MANIFESTS: usize = 64;
const MAX_LAYERS: usize = 512;
/// How deep indexes may nest.
const MAX_INDEX_DEPTH: usize = 4;

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct Platform {
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub variant: Option<String>,
}

impl Platform {
    /// `linux/arm64/v8`-style.
    pub fn label(&self) -> String {
        match &self.variant {
            Some(v) if !v.is_empty() => format!("{}/{}/{v}", self.os, self.architecture),
            _ => format!("{}/{}", self.os, self.architecture),
        }
    }
}

/// What the image runs and how (the config's `config` object).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RunConfig {
    #[serde(rename = "User", default)]
    pub user: Option<String>,
    #[serde(rename = "Entrypoint", default)]
    pub entrypoint: Option<Vec<String>>,
    #[serde(rename = "Cmd", default)]
    pub cmd: Option<Vec<String>>,
    #[serde(rename = "Env", default)]
    pub env: Option<Vec<String>>,
    #[serde(rename = "WorkingDir", default)]
    pub working_dir: Option<String>,
    #[serde(rename = "Labels", default)]
    pub labels: Option<BTreeMap<String, String>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
struct RootFs {
    #[serde(default)]
    diff_ids: Vec<String>,
}

/// An image config.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Config {
    #[serde(default)]
    pub config: RunConfig,
    /// When the image was built (RFC 3339), as the builder recorded it.
    #[serde(default)]
    pub created: Option<String>,
    #[serde(flatten)]
    pub platform: Platform,
    #[serde(default)]
    rootfs: RootFs,
}

/// Where a blob's bytes are.
#[derive(Clone, Debug)]
enum Blob {
    /// A byte range of the image tarball.
    Range(u64, u64),
    /// A file of an image layout folder.
    File(PathBuf),
}

#[derive(Clone, Debug)]
pub struct Layer {
    /// The digest the manifest promises for the blob's bytes (`sha256:…`), if any.
    pub digest: Option<String>,
    /// The digest is the config's diff_id (of the uncompressed tar): a legacy `layer.tar`.
    pub digest_is_diff_id: bool,
    pub media_type: String,
    /// The blob's size in bytes.
    pub size: u64,
    blob: Blob,
}

/// One platform's image: its config and layers.
#[derive(Clone, Debug)]
pub struct Manifest {
    /// The manifest's own digest, when an index names it.
    pub digest: Option<String>,
    pub platform: Platform,
    pub config: Config,
    pub config_digest: Option<String>,
    pub layers: Vec<Layer>,
    pub tags: Vec<String>,
}

/// Where an image tarball's bytes are: in memory, in a file read by seeking (so that a large
/// image costs no resident memory beyond what is being streamed), or in a compressed file
/// (`docker save | gzip`), decompressed from its start again for each blob read.
enum Tarball<'a> {
    Bytes(&'a [u8]),
    File(PathBuf),
    Compressed(PathBuf),
}

/// A compressed file's decompressed bytes, streamed.
fn decompressed(path: &Path) -> Result<compress::Decoder<'static>, Error> {
    let mut file = std::io::BufReader::new(crate::open_regular(path)?);
    let head = std::io::BufRead::fill_buf(&mut file).map_err(io_error)?.get(..6).unwrap_or_default().to_vec();
    compress::decoder(&head, file)
}

enum Store<'a> {
    Tar { tarball: Tarball<'a>, entries: HashMap<String, (u64, u64)> },
    Dir(PathBuf),
}

pub struct Image<'a> {
    store: Store<'a>,
    pub manifests: Vec<Manifest>,
    /// `OCI image layout`, `docker save` or `OCI archive`.
    pub format: &'static str,
}

/// What streaming one layer found about the layer itself.
#[derive(Clone, Debug)]
pub struct LayerReport {
    pub compression: Compression,
    /// Bytes of the layer's tar stream (decompressed).
    pub expanded: u64,
    pub entries: u64,
    /// The blob's actual digest when it differs from the promised one.
    pub digest_mismatch: Option<String>,
}

/// The data of the entry being visited.
pub trait EntryData {
    /// Reads up to `buf.len()` bytes (0 at the end of the entry).
    fn read_some(&mut self, buf: &mut [u8]) -> Result<usize, Error>;
    /// Reads until `buf` is full or the entry ends; the bytes read.
    fn read_head(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        let mut n = 0;
        while n < buf.len() {
            match self.read_some(&mut buf[n..])? {
                0 => break,
                k => n += k,
            }
        }
        Ok(n)
    }
    /// Reads the rest of the entry, if no more than `limit` bytes remain.
    fn read_rest(&mut self, limit: u64) -> Result<Vec<u8>, Error>;
}

impl<R: crate::tar::Source> EntryData for TarReader<R> {
    fn read_some(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        TarReader::read_some(self, buf)
    }
    fn read_rest(&mut self, limit: u64) -> Result<Vec<u8>, Error> {
        self.read_data(limit)
    }
}

/// Digests name blobs: `algorithm:encoded` with no path characters (a hostile digest such as
/// `sha256:../../etc/passwd` must not become a path).
fn blob_path(digest: &str) -> Result<String, Error> {
    let (alg, hex) = digest.split_once(':').ok_or(Error::Malformed("digest"))?;
    let ok_alg =
        !alg.is_empty() && alg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+._-".contains(&b));
    let ok_hex = !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_alphanumeric() || b"=_-".contains(&b));
    if !ok_alg || !ok_hex {
        return Err(Error::Malformed("digest"));
    }
    Ok(format!("blobs/{alg}/{hex}"))
}

/// Opens `path` as an image when it is one: an OCI layout folder, or a plain or compressed image
/// tarball. `head` is the file's first bytes (512 or all of a shorter file), which rule most
/// files out without another read.
pub fn open(path: &Path, head: &[u8]) -> Option<Result<Image<'static>, Error>> {
    if path.is_dir() {
        return is_layout_dir(path).then(|| Image::from_dir(path));
    }
    if head.get(257..262) == Some(b"ustar") {
        let file = std::io::BufReader::new(crate::open_regular(path).ok()?);
        return is_image_tar(file).then(|| Image::from_tar_file(path));
    }
    // `docker save` writes the image's own entries first (a layer folder, `blobs/`): looking at
    // a few keeps release archives from being decompressed twice.
    if compress::Compression::detect(head) != compress::Compression::None {
        let image = decompressed(path).is_ok_and(|d| is_image_tar_within(d, 4));
        return image.then(|| Image::from_compressed_tar_file(path));
    }
    None
}

/// Whether a tarball holds an image: `manifest.json`, `index.json` or `oci-layout` at its top, or
/// blobs named as images name them (`blobs/sha256/…`, `<id>/layer.tar`), so that a truncated
/// image is still recognised and reported as one.
pub fn is_image_tar(source: impl crate::tar::Source) -> bool {
    is_image_tar_within(source, 64)
}

/// Whether the first `entries` entries of a tarball say it holds an image.
fn is_image_tar_within(source: impl crate::tar::Source, entries: usize) -> bool {
    let mut r = TarReader::new(source);
    for _ in 0..entries {
        match r.next_entry() {
            Ok(Some(e)) => {
                let p = e.path.as_str();
                if matches!(p, "manifest.json" | "oci-layout" | "index.json")
                    || p.starts_with("blobs/sha256/")
                    || p.ends_with("/layer.tar")
                {
                    return true;
                }
            }
            _ => return false,
        }
    }
    false
}

/// The entries of an uncompressed tarball: path → byte range of the data.
fn index_tar<S: crate::tar::Source>(source: S) -> Result<HashMap<String, (u64, u64)>, Error> {
    let mut entries = HashMap::new();
    let mut r = TarReader::new(source);
    while let Some(e) = r.next_entry()? {
        let start = r.position();
        let end = start.checked_add(r.remaining()).ok_or(Error::Truncated)?;
        if entries.len() >= 1 << 16 {
            return Err(Error::TooMany("entries in an image tarball"));
        }
        entries.insert(e.path, (start, end));
    }
    Ok(entries)
}

/// The file `name` of the layout folder `dir`, resolved: a symlink that leads out of the folder
/// is not followed (a crafted layout must not make shiplint read the host's files), and a folder,
/// FIFO or device is not a blob, which is said in those words rather than "missing".
fn layout_file(dir: &Path, name: &str) -> Result<PathBuf, Error> {
    let path = dir.join(name);
    let meta = match std::fs::metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Other(format!("missing blob {name}")));
        }
        Err(e) => return Err(Error::Io(format!("{name}: {e}"))),
        Ok(m) => m,
    };
    let io = |e: std::io::Error| Error::Io(format!("{name}: {e}"));
    let (real, root) = (path.canonicalize().map_err(io)?, dir.canonicalize().map_err(io)?);
    if !real.starts_with(&root) {
        return Err(Error::Other(format!("blob {name}: {}", Error::Outside(real.display().to_string()))));
    }
    if !meta.is_file() {
        return Err(Error::Other(format!("blob {name}: {}", Error::NotAFile(crate::file_kind(meta.file_type())))));
    }
    Ok(real)
}

/// Whether a folder is an OCI image layout.
pub fn is_layout_dir(dir: &Path) -> bool {
    dir.join("oci-layout").is_file() && dir.join("index.json").is_file()
}

#[derive(Deserialize)]
struct Descriptor {
    #[serde(rename = "mediaType", default)]
    media_type: String,
    digest: String,
    #[serde(default)]
    size: u64,
    #[serde(default)]
    platform: Option<Platform>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct IndexOrManifest {
    #[serde(rename = "mediaType", default)]
    media_type: String,
    #[serde(default)]
    manifests: Vec<Descriptor>,
    #[serde(default)]
    config: Option<Descriptor>,
    #[serde(default)]
    layers: Vec<Descriptor>,
}

#[derive(Deserialize)]
struct LegacyEntry {
    #[serde(rename = "Config")]
    config: String,
    #[serde(rename = "RepoTags", default)]
    repo_tags: Option<Vec<String>>,
    #[serde(rename = "Layers", default)]
    layers: Vec<String>,
}

impl<'a> Image<'a> {
    /// Opens an image tarball (`docker save`, OCI archive) held in memory.
    pub fn from_tar_bytes(data: &'a [u8]) -> Result<Image<'a>, Error> {
        let entries = index_tar(data)?;
        Image::with_store(Store::Tar { tarball: Tarball::Bytes(data), entries }, "docker save")
    }

    /// Opens an image tarball file, reading only its headers and the blobs asked for.
    pub fn from_tar_file(path: &Path) -> Result<Image<'static>, Error> {
        let file = crate::open_regular(path)?;
        let entries = index_tar(std::io::BufReader::new(file))?;
        Image::with_store(Store::Tar { tarball: Tarball::File(path.to_path_buf()), entries }, "docker save")
    }

    /// Opens a compressed image tarball (`docker save | gzip`): its index is read in one pass,
    /// and each blob by decompressing again up to it.
    pub fn from_compressed_tar_file(path: &Path) -> Result<Image<'static>, Error> {
        let entries = index_tar(decompressed(path)?)?;
        Image::with_store(Store::Tar { tarball: Tarball::Compressed(path.to_path_buf()), entries }, "docker save")
    }

    fn with_store(store: Store<'a>, format: &'static str) -> Result<Image<'a>, Error> {
        let mut image = Image { store, manifests: Vec::new(), format };
        image.read_manifests()?;
        Ok(image)
    }

    /// Opens an OCI image layout folder.
    pub fn from_dir(dir: &Path) -> Result<Image<'static>, Error> {
        let mut image =
            Image { store: Store::Dir(dir.to_path_buf()), manifests: Vec::new(), format: "OCI image layout" };
        image.read_manifests()?;
        Ok(image)
    }

    fn has(&self, name: &str) -> bool {
        match &self.store {
            Store::Tar { entries, .. } => entries.contains_key(name),
            Store::Dir(d) => d.join(name).is_file(),
        }
    }

    fn locate(&self, name: &str) -> Result<Blob, Error> {
        if name.split('/').any(|p| p == ".." || p.is_empty()) {
            return Err(Error::Malformed("blob path"));
        }
        match &self.store {
            Store::Tar { entries, .. } => {
                let &(s, e) = entries.get(name).ok_or_else(|| Error::Other(format!("missing blob {name}")))?;
                Ok(Blob::Range(s, e))
            }
            Store::Dir(d) => layout_file(d, name).map(Blob::File),
        }
    }

    /// A blob's size: its byte range, or its file's length.
    fn size(&self, blob: &Blob) -> u64 {
        match blob {
            Blob::Range(s, e) => e - s,
            Blob::File(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
        }
    }

    fn open(&self, blob: &Blob) -> Result<Box<dyn Read + '_>, Error> {
        let io = |e: std::io::Error| Error::Io(e.to_string());
        Ok(match (blob, &self.store) {
            (Blob::Range(s, e), Store::Tar { tarball: Tarball::Bytes(data), .. }) => {
                Box::new(&data[*s as usize..*e as usize])
            }
            (Blob::Range(s, e), Store::Tar { tarball: Tarball::Compressed(path), .. }) => {
                use crate::tar::Source;
                let mut stream = decompressed(path)?;
                stream.skip_bytes(*s).map_err(io_error)?;
                Box::new(stream.take(e - s))
            }
            (Blob::Range(s, e), Store::Tar { tarball: Tarball::File(path), .. }) => {
                use std::io::{Seek, SeekFrom};
                let mut file = crate::open_regular(path)?;
                file.seek(SeekFrom::Start(*s)).map_err(io)?;
                Box::new(std::io::BufReader::with_capacity(1 << 16, file).take(e - s))
            }
            (Blob::File(p), _) => {
                let file = crate::open_regular(p)?;
                Box::new(std::io::BufReader::with_capacity(1 << 16, file))
            }
            _ => return Err(Error::Malformed("blob location")),
        })
    }

    fn json<T: for<'de> Deserialize<'de>>(&self, name: &str) -> Result<T, Error> {
        let blob = self.locate(name)?;
        let mut bytes = Vec::new();
        self.open(&blob)?.take(MAX_JSON + 1).read_to_end(&mut bytes).map_err(io_error)?;
        if bytes.len() as u64 > MAX_JSON {
            let size = self.size(&blob).max(bytes.len() as u64);
            return Err(Error::Other(format!("{name}: {}", Error::TooLarge { size, limit: MAX_JSON })));
        }
        serde_json::from_slice(&bytes).map_err(|e| Error::Other(format!("{name}: {e}")))
    }

    fn read_manifests(&mut self) -> Result<(), Error> {
        if self.has("index.json") {
            if matches!(self.store, Store::Tar { .. }) {
                self.format = if self.has("manifest.json") { "docker save" } else { "OCI archive" };
            }
            let index: IndexOrManifest = self.json("index.json")?;
            let mut out = Vec::new();
            self.walk_index(index, None, 0, &mut out)?;
            self.manifests = out;
        } else if self.has("manifest.json") {
            let legacy: Vec<LegacyEntry> = self.json("manifest.json")?;
            for entry in legacy.into_iter().take(MAX_MANIFESTS) {
                let config: Config = self.json(&entry.config)?;
                // Named `blobs/sha256/<hex>` (docker 25+) or `<hex>.json` (older docker).
                let config_digest = match entry.config.strip_prefix("blobs/") {
                    Some(d) => Some(d.replacen('/', ":", 1)),
                    None => entry.config.strip_suffix(".json").map(|hex| format!("sha256:{hex}")),
                };
                let mut layers = Vec::new();
                for (i, path) in entry.layers.iter().take(MAX_LAYERS).enumerate() {
                    let blob = self.locate(path)?;
                    let size = self.size(&blob);
                    // Named by digest (docker 25+), or a layer.tar checked against its diff_id.
                    let (digest, digest_is_diff_id) = match path.strip_prefix("blobs/") {
                        Some(d) => (Some(d.replacen('/', ":", 1)), false),
                        None => (config.rootfs.diff_ids.get(i).cloned(), true),
                    };
                    layers.push(Layer { digest, digest_is_diff_id, media_type: String::new(), size, blob });
                }
                let platform = config.platform.clone();
                self.manifests.push(Manifest {
                    digest: None,
                    platform,
                    config,
                    config_digest,
                    layers,
                    tags: entry.repo_tags.unwrap_or_default(),
                });
            }
        } else {
            return Err(Error::Malformed("image: no index.json or manifest.json"));
        }
        if self.manifests.is_empty() {
            return Err(Error::Malformed("image: no manifests"));
        }
        Ok(())
    }

    fn walk_index(
        &self,
        index: IndexOrManifest,
        tag: Option<String>,
        depth: usize,
        out: &mut Vec<Manifest>,
    ) -> Result<(), Error> {
        if depth > MAX_INDEX_DEPTH {
            return Err(Error::TooMany("nested indexes"));
        }
        for d in index.manifests {
            if out.len() >= MAX_MANIFESTS {
                return Err(Error::TooMany("manifests"));
            }
            // buildx attestations are manifests for platform unknown/unknown: not images to run.
            if d.platform.as_ref().is_some_and(|p| p.os == "unknown") {
                continue;
            }
            let tag = d.annotations.get("org.opencontainers.image.ref.name").cloned().or_else(|| tag.clone());
            let doc: IndexOrManifest = self.json(&blob_path(&d.digest)?)?;
            let is_index = doc.media_type.contains("index")
                || doc.media_type.contains("manifest.list")
                || d.media_type.contains("index")
                || d.media_type.contains("manifest.list")
                || (doc.config.is_none() && !doc.manifests.is_empty());
            if is_index {
                self.walk_index(doc, tag, depth + 1, out)?;
                continue;
            }
            let Some(config_desc) = doc.config else { return Err(Error::Malformed("manifest without config")) };
            let config: Config = self.json(&blob_path(&config_desc.digest)?)?;
            let mut layers = Vec::new();
            for l in doc.layers.into_iter().take(MAX_LAYERS) {
                let blob = self.locate(&blob_path(&l.digest)?)?;
                layers.push(Layer {
                    digest: Some(l.digest),
                    digest_is_diff_id: false,
                    media_type: l.media_type,
                    size: l.size,
                    blob,
                });
            }
            let platform = d.platform.filter(|p| !p.os.is_empty()).unwrap_or_else(|| config.platform.clone());
            out.push(Manifest {
                digest: Some(d.digest),
                platform,
                config,
                config_digest: Some(config_desc.digest),
                layers,
                tags: tag.into_iter().collect(),
            });
        }
        Ok(())
    }

    /// The merged file system of `manifest`'s layers, and what `read` makes of each entry that is
    /// still there, by path. Each layer is streamed once, in the order the tarball stores them
    /// (so a compressed `docker save` is decompressed in one pass, whatever the order of its
    /// blobs), and `read(layer, entry, data)` sees every entry as it streams past; the layers are
    /// then applied in their own order, whiteouts and replacements included. Each layer's digest
    /// is checked against the manifest; its report comes back in layer order.
    pub fn merge<T>(
        &self,
        manifest: &Manifest,
        mut read: impl FnMut(usize, &Entry, &mut dyn EntryData) -> Result<Option<T>, Error>,
    ) -> Result<Merged<T>, Error> {
        let mut entries: Vec<Vec<(Entry, Option<T>)>> = manifest.layers.iter().map(|_| Vec::new()).collect();
        let mut recorded = 0usize;
        let reports = self.walk_stored(manifest, |layer, entry, data| {
            recorded += 1;
            if recorded > MAX_MERGED_ENTRIES {
                return Err(Error::TooMany("entries in an image's layers"));
            }
            let value = read(layer, entry, data)?;
            entries[layer].push((entry.clone(), value));
            Ok(())
        })?;
        let mut fs = crate::fs::FsView::default();
        let mut files = BTreeMap::new();
        for (layer, list) in entries.into_iter().enumerate() {
            for (entry, value) in list {
                match fs.apply(layer, &entry)? {
                    crate::fs::Applied::Removed(paths) => {
                        for path in paths {
                            files.remove(&path);
                        }
                    }
                    crate::fs::Applied::Added(path) => {
                        files.remove(&path);
                        if let Some(value) = value {
                            files.insert(path, value);
                        }
                    }
                }
            }
        }
        Ok(Merged { fs, files, reports })
    }

    /// Streams the layers of `manifest` in the order their bytes are stored, calling
    /// `visit(layer, entry, data)` for every entry; the reports come back in layer order.
    fn walk_stored(
        &self,
        manifest: &Manifest,
        mut visit: impl FnMut(usize, &Entry, &mut dyn EntryData) -> Result<(), Error>,
    ) -> Result<Vec<LayerReport>, Error> {
        let mut order: Vec<usize> = (0..manifest.layers.len()).collect();
        order.sort_by_key(|&i| match manifest.layers[i].blob {
            Blob::Range(start, _) => start,
            Blob::File(_) => 0,
        });
        let mut reports: Vec<Option<LayerReport>> = manifest.layers.iter().map(|_| None).collect();
        // A compressed tarball is decompressed once: the stream and its position carry over from
        // one layer to the next one stored after it.
        let mut carried: Option<(compress::Decoder<'static>, u64)> = None;
        for index in order {
            let layer = &manifest.layers[index];
            // An error names the layer that failed, not only the image it belongs to.
            let in_layer = |error: Error| Error::InBlob {
                blob: format!("layer {index} ({})", layer.digest.as_deref().unwrap_or("no digest")),
                error: Box::new(error),
            };
            let mut stream = match (&layer.blob, &self.store) {
                (&Blob::Range(start, _), Store::Tar { tarball: Tarball::Compressed(path), .. }) => {
                    use crate::tar::Source;
                    let (mut stream, at) = match carried.take() {
                        Some((stream, at)) if at <= start => (stream, at),
                        _ => (decompressed(path).map_err(in_layer)?, 0),
                    };
                    stream.skip_bytes(start - at).map_err(|e| in_layer(io_error(e)))?;
                    Some(stream)
                }
                _ => None,
            };
            let (compression, entries, expanded, actual) = {
                let inner: Box<dyn Read + '_> = match (&mut stream, &layer.blob) {
                    (Some(stream), &Blob::Range(start, end)) => Box::new(stream.take(end - start)),
                    _ => self.open(&layer.blob).map_err(in_layer)?,
                };
                let mut hashed = Hashing { inner, hasher: Sha256::new() };
                let (compression, entries, expanded) = walk_layer(index, &mut hashed, &mut visit).map_err(in_layer)?;
                std::io::copy(&mut hashed, &mut std::io::sink()).map_err(|e| in_layer(io_error(e)))?;
                (compression, entries, expanded, format!("sha256:{:x}", hashed.hasher.finalize()))
            };
            if let (Some(stream), &Blob::Range(_, end)) = (stream, &layer.blob) {
                carried = Some((stream, end));
            }
            // A diff_id is the digest of the uncompressed tar: the blob's own only when uncompressed.
            let checkable = layer.digest.as_deref().is_some_and(|d| d.starts_with("sha256:"))
                && (!layer.digest_is_diff_id || compression == Compression::None);
            let digest_mismatch = match &layer.digest {
                Some(expected) if checkable && *expected != actual => Some(actual),
                _ => None,
            };
            reports[index] = Some(LayerReport { compression, expanded, entries, digest_mismatch });
        }
        Ok(reports.into_iter().flatten().collect())
    }
}

/// The most layer entries recorded while merging an image (each is kept until the layers are
/// applied in order; a full Debian image has about 20 000).
const MAX_MERGED_ENTRIES: usize = 4_000_000;

/// An image platform's layers merged: its file system, what the reader made of each file still
/// in it (by path), and each layer's report, in layer order.
pub struct Merged<T> {
    pub fs: crate::fs::FsView,
    pub files: BTreeMap<String, T>,
    pub reports: Vec<LayerReport>,
}

/// Streams one layer's entries to `visit`, to the end of its decompressed bytes (whatever follows
/// the tar's end still counts towards the digest): its compression, entry count and tar size.
fn walk_layer(
    index: usize,
    blob: &mut impl Read,
    visit: &mut impl FnMut(usize, &Entry, &mut dyn EntryData) -> Result<(), Error>,
) -> Result<(Compression, u64, u64), Error> {
    let mut head = [0u8; 6];
    let n = crate::read_up_to(blob, &mut head)?;
    let mut decoder = compress::decoder(&head[..n], (&head[..n]).chain(blob))?;
    let (entries, expanded) = {
        let mut tar = TarReader::new(&mut decoder);
        let mut entries = 0;
        while let Some(entry) = tar.next_entry()? {
            entries += 1;
            visit(index, &entry, &mut tar)?;
        }
        (entries, tar.position())
    };
    std::io::copy(&mut decoder, &mut std::io::sink()).map_err(io_error)?;
    Ok((decoder.compression, entries, expanded))
}

struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}
