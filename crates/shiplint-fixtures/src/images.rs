//! Container images and release archives written by the tests themselves: tar layers from real
//! fixture binaries and small root file systems holding the real loader file names, stored as
//! OCI image layouts, `docker save` tarballs (legacy and OCI forms), `.tar.gz` and `.zip`.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::Path;

/// A file system entry of a layer.
#[derive(Clone, Debug)]
pub enum Node {
    File {
        data: Vec<u8>,
        mode: u32,
    },
    Dir,
    Symlink(String),
    /// A whiteout hiding this path of the layers below.
    Whiteout,
}

/// A layer: paths (without a leading `/`) and what is there.
pub type Layer = Vec<(String, Node)>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
    /// zstd as several frames: single-segment (as the `zstd` command writes), skippable, streaming.
    ZstdFrames,
    Xz,
}

fn header(path: &str, typeflag: u8, size: usize, mode: u32, link: &str, stamp: Stamp) -> [u8; 512] {
    let mut h = [0u8; 512];
    // Long paths go in the ustar prefix field (at most 155 bytes before a '/', 100 after).
    let (prefix, name) = if path.len() <= 100 {
        ("", path)
    } else {
        let split = path
            .char_indices()
            .find(|&(i, c)| c == '/' && i <= 155 && path.len() - i - 1 <= 100)
            .map(|(i, _)| i)
            .expect("path too long for ustar");
        (&path[..split], &path[split + 1..])
    };
    h[..name.len()].copy_from_slice(name.as_bytes());
    h[100..107].copy_from_slice(format!("{mode:07o}").as_bytes());
    h[108..115].copy_from_slice(format!("{:07o}", stamp.uid).as_bytes());
    h[116..123].copy_from_slice(format!("{:07o}", stamp.uid).as_bytes());
    h[124..135].copy_from_slice(format!("{size:011o}").as_bytes());
    h[136..147].copy_from_slice(format!("{:011o}", stamp.mtime).as_bytes());
    h[156] = typeflag;
    h[157..157 + link.len()].copy_from_slice(link.as_bytes());
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[345..345 + prefix.len()].copy_from_slice(prefix.as_bytes());
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    h
}

/// The owner and modification time a tar records for each entry.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stamp {
    pub mtime: u64,
    pub uid: u32,
}

/// Appends one tar entry.
fn append(out: &mut Vec<u8>, path: &str, typeflag: u8, data: &[u8], mode: u32, link: &str) {
    append_stamped(out, path, typeflag, data, mode, link, Stamp::default());
}

fn append_stamped(out: &mut Vec<u8>, path: &str, typeflag: u8, data: &[u8], mode: u32, link: &str, stamp: Stamp) {
    out.extend_from_slice(&header(path, typeflag, data.len(), mode, link, stamp));
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
}

/// An uncompressed tar of raw entries (path, typeflag, link target, data), mode 0755.
pub fn tar_entries(entries: &[(&str, u8, &str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (path, typeflag, link, data) in entries {
        append(&mut out, path, *typeflag, data, 0o755, link);
    }
    out.resize(out.len() + 1024, 0);
    out
}

/// An uncompressed tar of `files` (path, data, mode), owned by root with modification time 0.
pub fn tar(files: &[(&str, &[u8], u32)]) -> Vec<u8> {
    tar_stamped(files, Stamp::default())
}

/// An uncompressed tar of `files` (path, data, mode), every entry with `stamp`.
pub fn tar_stamped(files: &[(&str, &[u8], u32)], stamp: Stamp) -> Vec<u8> {
    let mut out = Vec::new();
    for (path, data, mode) in files {
        append_stamped(&mut out, path, b'0', data, *mode, "", stamp);
    }
    out.resize(out.len() + 1024, 0);
    out
}

/// A layer's tar bytes.
pub fn layer_tar(layer: &Layer) -> Vec<u8> {
    let mut out = Vec::new();
    for (path, node) in layer {
        match node {
            Node::File { data, mode } => append(&mut out, path, b'0', data, *mode, ""),
            Node::Dir => append(&mut out, &format!("{path}/"), b'5', &[], 0o755, ""),
            Node::Symlink(target) => append(&mut out, path, b'2', &[], 0o777, target),
            Node::Whiteout => {
                let (dir, name) = path.rsplit_once('/').map_or(("", path.as_str()), |(d, n)| (d, n));
                let wh = if dir.is_empty() { format!(".wh.{name}") } else { format!("{dir}/.wh.{name}") };
                append(&mut out, &wh, b'0', &[], 0o644, "");
            }
        }
    }
    out.resize(out.len() + 1024, 0);
    out
}

pub fn compress(data: &[u8], how: Compression) -> Vec<u8> {
    match how {
        Compression::None => data.to_vec(),
        Compression::Gzip => {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(data).unwrap();
            gz.finish().unwrap()
        }
        Compression::Zstd => ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest),
        Compression::ZstdFrames => crate::zstd::multi_frame(data),
        Compression::Xz => {
            let mut xz = lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::with_preset(1)).unwrap();
            xz.write_all(data).unwrap();
            xz.finish().unwrap()
        }
    }
}

pub fn sha256(data: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(data))
}

/// What an image is: its layers, how they are compressed, and the config's `config` object.
pub struct ImageSpec {
    pub layers: Vec<Layer>,
    pub compression: Compression,
    /// `{"User": ..., "Entrypoint": [...], "Env": [...]}`.
    pub run: Value,
    pub os: &'static str,
    pub architecture: &'static str,
}

/// A base root file system with the named loader files: `musl` (Alpine), `glibc` (Debian), or
/// none (`scratch`, distroless/static).
pub fn root_fs(libc: &str) -> Layer {
    let file = |data: &[u8]| Node::File { data: data.to_vec(), mode: 0o755 };
    let mut layer: Layer = vec![
        ("etc".into(), Node::Dir),
        (
            "etc/passwd".into(),
            file(b"root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n"),
        ),
    ];
    match libc {
        "musl" => {
            layer.push(("lib".into(), Node::Dir));
            layer.push(("lib/ld-musl-x86_64.so.1".into(), file(b"\x7fELF musl loader stand-in")));
            layer.push(("lib/libc.musl-x86_64.so.1".into(), Node::Symlink("ld-musl-x86_64.so.1".into())));
            layer.push(("bin".into(), Node::Dir));
            layer.push(("bin/busybox".into(), file(b"#!busybox stand-in")));
            layer.push(("bin/sh".into(), Node::Symlink("/bin/busybox".into())));
        }
        "glibc" => {
            layer.push(("lib".into(), Node::Symlink("usr/lib".into())));
            layer.push(("lib64".into(), Node::Symlink("usr/lib64".into())));
            layer
                .push(("usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2".into(), file(b"\x7fELF glibc loader stand-in")));
            layer.push(("usr/lib/x86_64-linux-gnu/libc.so.6".into(), file(b"\x7fELF glibc stand-in")));
            layer.push((
                "usr/lib64/ld-linux-x86-64.so.2".into(),
                Node::Symlink("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2".into()),
            ));
            layer.push(("bin".into(), Node::Symlink("usr/bin".into())));
            layer.push(("usr/bin/sh".into(), file(b"#!dash stand-in")));
        }
        _ => {}
    }
    layer
}

fn config_json(spec: &ImageSpec, diff_ids: &[String]) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "architecture": spec.architecture,
        "os": spec.os,
        "config": spec.run,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [],
    }))
    .unwrap()
}

/// The blobs of an image: (digest, bytes) of the layers, the config and the manifest.
struct Blobs {
    layers: Vec<(String, Vec<u8>)>,
    config: (String, Vec<u8>),
    manifest: (String, Vec<u8>),
}

fn blobs(spec: &ImageSpec) -> Blobs {
    let tars: Vec<Vec<u8>> = spec.layers.iter().map(layer_tar).collect();
    let diff_ids: Vec<String> = tars.iter().map(|t| sha256(t)).collect();
    let layers: Vec<(String, Vec<u8>)> = tars
        .iter()
        .map(|t| {
            let c = compress(t, spec.compression);
            (sha256(&c), c)
        })
        .collect();
    let config = config_json(spec, &diff_ids);
    let config = (sha256(&config), config);
    let media = match spec.compression {
        Compression::None => "application/vnd.oci.image.layer.v1.tar",
        Compression::Gzip => "application/vnd.oci.image.layer.v1.tar+gzip",
        Compression::Zstd | Compression::ZstdFrames => "application/vnd.oci.image.layer.v1.tar+zstd",
        Compression::Xz => "application/vnd.oci.image.layer.v1.tar+xz",
    };
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config.0, "size": config.1.len()},
        "layers": layers.iter().map(|(d, b)| json!({"mediaType": media, "digest": d, "size": b.len()})).collect::<Vec<_>>(),
    }))
    .unwrap();
    Blobs { layers, config, manifest: (sha256(&manifest), manifest) }
}

fn index_json(manifests: &[(&ImageSpec, &(String, Vec<u8>))], tag: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": manifests.iter().map(|(spec, (d, b))| json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": d,
            "size": b.len(),
            "platform": {"os": spec.os, "architecture": spec.architecture},
            "annotations": {"org.opencontainers.image.ref.name": tag},
        })).collect::<Vec<_>>(),
    }))
    .unwrap()
}

/// Writes an OCI image layout folder holding one image per spec (several: a multi-platform index).
pub fn write_oci_layout(dir: &Path, specs: &[ImageSpec]) {
    let blob_dir = dir.join("blobs/sha256");
    fs::create_dir_all(&blob_dir).unwrap();
    let write = |(digest, bytes): &(String, Vec<u8>)| {
        fs::write(blob_dir.join(digest.trim_start_matches("sha256:")), bytes).unwrap();
    };
    let all: Vec<Blobs> = specs.iter().map(blobs).collect();
    for b in &all {
        b.layers.iter().for_each(write);
        write(&b.config);
        write(&b.manifest);
    }
    fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let pairs: Vec<_> = specs.iter().zip(all.iter().map(|b| &b.manifest)).collect();
    fs::write(dir.join("index.json"), index_json(&pairs, "latest")).unwrap();
}

/// A `docker save` tarball in the legacy form (`manifest.json`, `<id>/layer.tar`, `<id>.json`),
/// layers uncompressed as docker writes them.
pub fn docker_save_legacy(spec: &ImageSpec, tag: &str) -> Vec<u8> {
    let tars: Vec<Vec<u8>> = spec.layers.iter().map(layer_tar).collect();
    let diff_ids: Vec<String> = tars.iter().map(|t| sha256(t)).collect();
    let config = config_json(spec, &diff_ids);
    let config_name = format!("{}.json", sha256(&config).trim_start_matches("sha256:"));
    let mut out = Vec::new();
    let mut layer_names = Vec::new();
    for (t, id) in tars.iter().zip(&diff_ids) {
        let name = format!("{}/layer.tar", id.trim_start_matches("sha256:"));
        append(&mut out, &name, b'0', t, 0o644, "");
        layer_names.push(name);
    }
    append(&mut out, &config_name, b'0', &config, 0o644, "");
    let manifest =
        serde_json::to_vec(&json!([{"Config": config_name, "RepoTags": [tag], "Layers": layer_names}])).unwrap();
    append(&mut out, "manifest.json", b'0', &manifest, 0o644, "");
    out.resize(out.len() + 1024, 0);
    out
}

/// A `docker save` tarball in the OCI form docker 25+ writes (`oci-layout`, `index.json`,
/// `blobs/sha256/…`, plus a `manifest.json` naming the blobs).
pub fn docker_save_oci(spec: &ImageSpec, tag: &str) -> Vec<u8> {
    let b = blobs(spec);
    let mut out = Vec::new();
    for (d, bytes) in b.layers.iter().chain([&b.config, &b.manifest]) {
        append(&mut out, &format!("blobs/sha256/{}", d.trim_start_matches("sha256:")), b'0', bytes, 0o644, "");
    }
    append(&mut out, "oci-layout", b'0', br#"{"imageLayoutVersion":"1.0.0"}"#, 0o644, "");
    append(&mut out, "index.json", b'0', &index_json(&[(spec, &b.manifest)], tag), 0o644, "");
    let legacy = json!([{
        "Config": format!("blobs/sha256/{}", b.config.0.trim_start_matches("sha256:")),
        "RepoTags": [tag],
        "Layers": b.layers.iter().map(|(d, _)| format!("blobs/sha256/{}", d.trim_start_matches("sha256:"))).collect::<Vec<_>>(),
    }]);
    append(&mut out, "manifest.json", b'0', &serde_json::to_vec(&legacy).unwrap(), 0o644, "");
    out.resize(out.len() + 1024, 0);
    out
}

/// A stored (uncompressed) zip of `files` (name, unix mode, data), made on unix.
pub fn zip(files: &[(&str, u32, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, mode, data) in files {
        let offset = out.len() as u32;
        let crc = crc32(data);
        out.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02\x14\x03\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&(data.len() as u32).to_le_bytes());
        central.extend_from_slice(&(data.len() as u32).to_le_bytes());
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0u8; 8]);
        central.extend_from_slice(&(mode << 16).to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00");
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
