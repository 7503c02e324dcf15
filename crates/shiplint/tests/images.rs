//! `shiplint check` on container images the tests build themselves (OCI layouts and `docker save`
//! tarballs, written with Rust from real fixture binaries and small root file systems holding the
//! real loader file names): the seed's broken Alpine image and its distroless fix, a single-stage
//! golang image, a scratch image, a glibc image with a cgo binary, and hostile images.

mod common;

use common::{TempDir, field, shiplint};
use serde_json::{Value, json};
use shiplint_fixtures::Variant;
use shiplint_fixtures::images::{self, Compression, ImageSpec, Layer, Node};
use std::fs;
use std::path::Path;

use common::newest_fixture as binary;

fn file(data: Vec<u8>) -> Node {
    Node::File { data, mode: 0o755 }
}

fn spec(layers: Vec<Layer>, run: Value, compression: Compression) -> ImageSpec {
    ImageSpec { layers, compression, run, os: "linux", architecture: "amd64" }
}

/// A finding as (code, location path, fact, message).
type Found = (String, String, String, String);

/// The findings of `check --format json PATH`, with the exit status and the whole document.
fn check(path: &Path) -> (i32, Vec<Found>, Value) {
    let (status, found, doc) = common::check_json(Path::new("."), &[path.as_os_str()]);
    let list = found
        .iter()
        .map(|f| (field(f, "/code"), field(f, "/location/path"), field(f, "/location/fact"), field(f, "/message")))
        .collect();
    (status, list, doc)
}

fn codes(list: &[Found]) -> Vec<&str> {
    list.iter().map(|(c, ..)| c.as_str()).collect()
}

/// The seed's scenario 5 as built: a glibc-linked cgo binary in Alpine, running as root.
fn alpine_broken() -> ImageSpec {
    let app: Layer = vec![("api".into(), file(binary("linux", "amd64", Variant::CgoNet)))];
    spec(vec![images::root_fs("musl"), app], json!({"Entrypoint": ["/api"]}), Compression::Gzip)
}

#[test]
fn seed_alpine_image_names_the_missing_loader() {
    let t = TempDir::new();
    let tar = t.path().join("api.tar");
    fs::write(&tar, images::docker_save_legacy(&alpine_broken(), "api:latest")).unwrap();
    let (status, list, doc) = check(&tar);
    assert_eq!(status, 1);
    let libc: Vec<_> = list.iter().filter(|(c, ..)| c == "SL204").collect();
    assert_eq!(libc.len(), 1, "{list:#?}");
    let (_, path, fact, message) = libc[0];
    assert!(path.starts_with(&format!("{}@sha256:", tar.display())), "{path}");
    assert_eq!(fact, "/api ELF interpreter");
    assert!(
        message.contains("the entrypoint /api needs the dynamic loader /lib64/ld-linux-x86-64.so.2")
            && message.contains("only /lib/ld-musl-x86_64.so.1")
            && message.contains("\"no such file or directory\""),
        "{message}"
    );
    assert!(codes(&list).contains(&"SL202"), "root: {list:#?}");
    // The binary rules ran on the binary inside, located in the image.
    let inside: Vec<_> = list.iter().filter(|(_, p, ..)| p.ends_with(" /api")).collect();
    assert!(inside.iter().any(|(c, ..)| c == "SL002"), "untrimmed paths of the cgo build: {list:#?}");
    assert_eq!(doc["summary"]["images"], 1);
    assert_eq!(doc["summary"]["go_executables"], 1);
    // The same image as `docker save | gzip` writes it.
    let gz = t.path().join("api.tar.gz");
    fs::write(&gz, images::compress(&fs::read(&tar).unwrap(), Compression::Gzip)).unwrap();
    let (_, again, doc) = check(&gz);
    assert_eq!(doc["summary"]["images"], 1, "{doc}");
    assert_eq!(codes(&again), codes(&list));
}

#[test]
fn distroless_scratch_and_glibc_images_are_clean() {
    let static_app = || -> Layer { vec![("app/api".into(), file(binary("linux", "amd64", Variant::Trimpath)))] };
    let nonroot = json!({"User": "65532:65532", "Entrypoint": ["/app/api"]});
    let t = TempDir::new();
    // The seed's fix: a static binary in distroless/static (no loader needed), as an OCI layout.
    images::write_oci_layout(
        &t.path().join("distroless"),
        &[spec(vec![images::root_fs("none"), static_app()], nonroot.clone(), Compression::Gzip)],
    );
    // scratch: nothing but the binary, zstd layers, docker 25+ OCI-form save.
    let scratch = spec(vec![static_app()], nonroot.clone(), Compression::Zstd);
    fs::write(t.path().join("scratch.tar"), images::docker_save_oci(&scratch, "scratch:1")).unwrap();
    // A cgo binary in a glibc image (Debian layout: /lib64 → usr/lib64 → /lib/x86_64-linux-gnu).
    let cgo: Layer = vec![("usr/local/bin/api".into(), file(binary("linux", "amd64", Variant::CgoNet)))];
    let glibc =
        spec(vec![images::root_fs("glibc"), cgo], json!({"User": "nonroot", "Cmd": ["api"]}), Compression::None);
    fs::write(t.path().join("glibc.tar"), images::docker_save_legacy(&glibc, "glibc:1")).unwrap();
    // zstd as the `zstd` command writes it (single-segment frames) and as several frames.
    images::write_oci_layout(
        &t.path().join("zstd-frames"),
        &[spec(vec![images::root_fs("none"), static_app()], nonroot.clone(), Compression::ZstdFrames)],
    );
    for name in ["distroless", "scratch.tar", "zstd-frames"] {
        let (status, list, _) = check(&t.path().join(name));
        assert_eq!((status, list), (0, vec![]), "{name}");
    }
    // The cgo build embeds build paths (untrimmed-paths, a binary rule); no image rule fires.
    let (_, list, _) = check(&t.path().join("glibc.tar"));
    assert!(list.iter().all(|(c, p, ..)| p.ends_with(" /usr/local/bin/api") && c.starts_with("SL0")), "{list:#?}");
    // The folder scan finds both images and the layout as one input, not its blobs.
    let out = shiplint().args(["check", "--format", "json"]).arg(t.path()).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["images"], 4, "{doc}");
    let (_, _, doc) = check(&t.path().join("zstd-frames"));
    assert_eq!(doc["summary"]["go_executables"], 1, "{doc}");
}

#[test]
fn single_stage_golang_image_ships_the_toolchain() {
    let goroot = shiplint_fixtures::newest().goroot;
    let go = fs::read(goroot.join("bin/go")).unwrap();
    let gofmt = fs::read(goroot.join("bin/gofmt")).unwrap();
    let toolchain: Layer = vec![
        ("usr/local/go/bin/go".into(), file(go.clone())),
        ("usr/local/go/bin/gofmt".into(), file(gofmt.clone())),
        ("usr/local/go/VERSION".into(), file(b"go1.27.3\n".to_vec())),
        ("usr/bin/gcc".into(), Node::Symlink("gcc-12".into())),
        ("usr/bin/gcc-12".into(), file(b"\x7fELF stand-in".to_vec())),
    ];
    let app: Layer = vec![("go/bin/api".into(), file(binary("linux", "amd64", Variant::Trimpath)))];
    let image = spec(
        vec![images::root_fs("glibc"), toolchain, app],
        json!({"Entrypoint": ["/go/bin/api"], "User": "65532"}),
        Compression::Gzip,
    );
    let t = TempDir::new();
    let tar = t.path().join("golang.tar");
    fs::write(&tar, images::docker_save_oci(&image, "app:1")).unwrap();
    let (_, list, _) = check(&tar);
    let mut toolchain: Vec<_> = list.iter().filter(|(c, ..)| c == "SL201").collect();
    assert_eq!(toolchain.len(), 2, "{list:#?}");
    toolchain.sort_by_key(|(_, _, fact, _)| fact.contains("gcc"));
    let goroot_bytes = go.len() + gofmt.len() + 9;
    let shown = format!("{:.1} MB", goroot_bytes as f64 / 1e6);
    assert_eq!(toolchain[0].2, "/usr/local/go/bin/go");
    assert!(
        toolchain[0].3.starts_with("the image ships the Go toolchain (go1.")
            && toolchain[0].3.contains(&format!("at /usr/local/go: {shown} of its")),
        "{}",
        toolchain[0].3
    );
    assert_eq!(toolchain[1].3, "the image ships a C compiler: /usr/bin/gcc and 1 more");
}

#[test]
fn layers_whiteouts_platforms_and_digests() {
    let app = || -> Layer { vec![("api".into(), file(binary("linux", "amd64", Variant::Trimpath)))] };
    let run = json!({"User": "65532", "Entrypoint": ["/api"]});
    let t = TempDir::new();
    // A later layer deletes the binary: the entrypoint is gone, and so are its binary findings.
    let deleted = spec(vec![app(), vec![("api".into(), Node::Whiteout)]], run.clone(), Compression::None);
    images::write_oci_layout(&t.path().join("deleted"), &[deleted]);
    let (status, list, _) = check(&t.path().join("deleted"));
    assert_eq!(status, 1);
    assert_eq!(codes(&list), ["SL205"], "{list:#?}");
    assert_eq!(list[0].3, "the image starts /api, which does not exist in it");
    // A multi-platform index is audited per platform, each at its own digest.
    let mut arm = spec(
        vec![vec![("api".into(), file(binary("linux", "arm64", Variant::Default)))]],
        run.clone(),
        Compression::Gzip,
    );
    arm.architecture = "arm64";
    let amd = spec(vec![app()], run.clone(), Compression::Gzip);
    images::write_oci_layout(&t.path().join("multi"), &[amd, arm]);
    let (_, list, doc) = check(&t.path().join("multi"));
    assert_eq!(doc["summary"]["go_executables"], 2);
    assert!(
        list.iter().all(|(c, p, ..)| c == "SL002" && p.ends_with(" /api")),
        "only the arm64 default build: {list:#?}"
    );
    assert_eq!(list.len(), 1);
    // A blob changed after the manifest was written: the layer's digest no longer matches.
    let tampered = spec(vec![app()], run, Compression::None);
    let dir = t.path().join("tampered");
    images::write_oci_layout(&dir, &[tampered]);
    let blobs: Vec<_> = fs::read_dir(dir.join("blobs/sha256")).unwrap().map(|e| e.unwrap().path()).collect();
    let layer = blobs.iter().max_by_key(|p| fs::metadata(p).unwrap().len()).unwrap();
    let mut bytes = fs::read(layer).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0xff;
    fs::write(layer, bytes).unwrap();
    let (_, list, _) = check(&dir);
    let mismatch: Vec<_> = list.iter().filter(|(c, ..)| c == "SL206").collect();
    assert_eq!(mismatch.len(), 1, "{list:#?}");
    assert!(mismatch[0].3.starts_with("layer 0 should have digest sha256:"), "{}", mismatch[0].3);
}

#[test]
fn hostile_images_give_one_error_and_the_scan_goes_on() {
    let t = TempDir::new();
    let good = t.path().join("good.tar");
    let run = json!({"User": "65532", "Entrypoint": ["/api"]});
    let image = spec(
        vec![vec![("api".into(), file(binary("linux", "amd64", Variant::Trimpath)))]],
        run.clone(),
        Compression::Gzip,
    );
    let bytes = images::docker_save_oci(&image, "x:1");
    fs::write(&good, &bytes).unwrap();
    // A tarball cut short, and a layout whose layer blob is cut short.
    fs::write(t.path().join("truncated.tar"), &bytes[..bytes.len() * 2 / 3]).unwrap();
    let layout = t.path().join("cut-layer");
    images::write_oci_layout(&layout, &[image]);
    let blobs: Vec<_> = fs::read_dir(layout.join("blobs/sha256")).unwrap().map(|e| e.unwrap().path()).collect();
    let layer = blobs.iter().max_by_key(|p| fs::metadata(p).unwrap().len()).unwrap();
    let cut = fs::read(layer).unwrap();
    fs::write(layer, &cut[..cut.len() / 2]).unwrap();
    // Path traversal, absolute and symlink-loop entries inside a layer.
    let hostile: Layer = vec![
        ("../../../etc/passwd".into(), file(b"x".to_vec())),
        ("/abs/file".into(), file(b"y".to_vec())),
        ("loop1".into(), Node::Symlink("loop2".into())),
        ("loop2".into(), Node::Symlink("/loop1".into())),
        ("escape".into(), Node::Symlink("../../../../api".into())),
    ];
    let traversal = spec(vec![hostile], json!({"Entrypoint": ["/loop1"]}), Compression::None);
    fs::write(t.path().join("traversal.tar"), images::docker_save_legacy(&traversal, "t:1")).unwrap();
    let out = shiplint().args(["check", "--format", "json"]).arg(t.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<&str> = doc["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(errors.len(), 2, "{doc}");
    assert!(errors[0].ends_with("cut-layer") && errors[1].ends_with("truncated.tar"), "{errors:?}");
    let messages: Vec<&str> =
        doc["findings"].as_array().unwrap().iter().map(|f| f["message"].as_str().unwrap()).collect();
    assert!(messages.iter().any(|m| m.contains("symlinks loop")), "{messages:#?}");
    assert_eq!(doc["summary"]["images"], 2);
    let texts: Vec<&str> = doc["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert!(texts.iter().all(|m| m.contains("truncated") || m.contains("unexpected end")), "{texts:?}");
    // The cut layer is named by its digest, after the image it belongs to.
    let digest = format!("sha256:{}", layer.file_name().unwrap().to_str().unwrap());
    assert!(texts[0].contains(&format!("layer 0 ({digest}): ")), "{texts:?}");
}

/// `inspect` on an image shows the facts the rules judge, per platform.
#[test]
fn inspect_shows_an_images_facts() {
    let t = TempDir::new();
    let tar = t.path().join("api.tar");
    fs::write(&tar, images::docker_save_oci(&alpine_broken(), "api:latest")).unwrap();
    let out = shiplint().args(["inspect", "--format", "json"]).arg(&tar).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let im = &doc[0]["images"][0];
    assert_eq!(im["platform"], "linux/amd64");
    assert_eq!(im["program"], "/api");
    assert_eq!(im["loaders"], json!(["/lib/ld-musl-x86_64.so.1"]));
    assert_eq!(im["executables"]["api"]["interpreter"], "/lib64/ld-linux-x86-64.so.2");
    assert_eq!(im["executables"]["api"]["is_go"], true);
    let layers = im["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    assert!(layers.iter().all(|l| l["compression"] == "gzip" && l["digest_ok"] == true), "{layers:?}");
    let out = shiplint().arg("inspect").arg(&tar).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  program            /api\n"), "{text}");
    assert!(text.contains("  user               (root: not set)\n"), "{text}");
}
