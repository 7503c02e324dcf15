//! Container images as a source: each platform's layers streamed once into the merged file
//! system, every executable read as it streams past and handed to the engine's judge (at
//! locations like `app.tar@sha256:0123456789ab /usr/local/bin/api`), and the facts the image
//! rules judge. Nothing is extracted and nothing is run.

use crate::finding::{Finding, JudgeExecutable, Location, RuleMeta};
use serde::Serialize;
use shiplint_archive::fs::{FsView, ResolveError};
use shiplint_archive::image::{Image, Manifest, RunConfig};
use shiplint_archive::tar::Kind;
use std::collections::BTreeMap;
use std::path::Path;

/// The largest executable read from an image (Go programs are tens of megabytes).
const MAX_EXECUTABLE: u64 = 512 << 20;

/// What an executable in the image is, as far as the image rules care.
#[derive(Clone, Debug, Serialize)]
pub struct ImageExecutable {
    pub size: u64,
    pub is_go: bool,
    pub go_version: Option<String>,
    /// ELF PT_INTERP: the dynamic loader the kernel must find to start it.
    pub interpreter: Option<String>,
    /// The Go main package (`cmd/go` for the go command itself).
    pub main_path: Option<String>,
}

/// One layer as streamed.
#[derive(Clone, Debug, Serialize)]
pub struct LayerSummary {
    pub digest: Option<String>,
    /// Stored bytes.
    pub size: u64,
    pub compression: &'static str,
    /// Bytes of the layer's tar stream.
    pub expanded: u64,
    pub entries: u64,
    /// Whether the bytes have the promised digest (`None`: nothing promised to check against).
    pub digest_ok: Option<bool>,
}

/// One platform's image, as it runs.
pub struct ImageFacts {
    /// `app.tar@sha256:0123456789ab`: the file and the manifest (or config) digest.
    pub display: String,
    /// `linux/amd64`.
    pub platform: String,
    pub run: RunConfig,
    pub fs: FsView,
    /// Executables of the final file system, by path (no leading `/`).
    pub executables: BTreeMap<String, ImageExecutable>,
    /// Layers whose bytes do not have the digest the manifest promises: (layer, promised, actual).
    pub digest_mismatches: Vec<(usize, String, String)>,
    pub layers: Vec<LayerSummary>,
}

impl ImageFacts {
    pub fn finding(&self, meta: &'static RuleMeta, fact: &str, message: String, help: &str) -> Finding {
        meta.finding(Location::artifact(&self.display, None, fact), message, help)
    }

    /// The program the image starts: Entrypoint followed by Cmd, as the runtime joins them.
    pub fn command(&self) -> Vec<&str> {
        let entrypoint = self.run.entrypoint.iter().flatten();
        entrypoint.chain(self.run.cmd.iter().flatten()).map(String::as_str).collect()
    }

    /// The path `program` runs from: found on the image's PATH when it has no `/`, relative to
    /// WorkingDir when relative. `Err` names what is missing.
    pub fn locate(&self, program: &str) -> Result<String, ResolveError> {
        if program.contains('/') {
            let path = match program.starts_with('/') {
                true => program.to_string(),
                false => format!("{}/{program}", self.run.working_dir.as_deref().unwrap_or("/")),
            };
            return self.fs.resolve(&path);
        }
        let env_path = self.run.env.iter().flatten().find_map(|e| e.strip_prefix("PATH="));
        let path = env_path.unwrap_or("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        let mut first_error = None;
        for dir in path.split(':').filter(|d| !d.is_empty()) {
            match self.fs.resolve(&format!("{dir}/{program}")) {
                Ok(found) => return Ok(found),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| ResolveError::Missing(program.to_string())))
    }

    /// The total size of the regular files in the image.
    pub fn file_bytes(&self) -> u64 {
        self.fs.iter().filter(|(_, n)| n.kind == Kind::File).map(|(_, n)| n.size).sum()
    }

    /// The dynamic loaders the image holds (`/lib/ld-musl-x86_64.so.1`, `/lib64/ld-linux-x86-64.so.2`).
    pub fn loaders(&self) -> Vec<String> {
        self.fs
            .iter()
            .filter(|(p, n)| {
                let name = p.rsplit('/').next().unwrap_or(p);
                n.kind != Kind::Dir
                    && (name.starts_with("ld-musl-") || name.starts_with("ld-linux"))
                    && name.contains(".so")
            })
            .map(|(p, _)| format!("/{p}"))
            .collect()
    }

    /// The Go toolchains in the image: the `go` command (BuildInfo path `cmd/go`) wherever it is.
    pub fn go_commands(&self) -> impl Iterator<Item = (&String, &ImageExecutable)> {
        self.executables.iter().filter(|(_, e)| e.main_path.as_deref() == Some("cmd/go"))
    }

    /// C compiler drivers in the usual bin folders (`gcc`, `cc`, `clang`, `gcc-12`,
    /// `x86_64-linux-gnu-gcc-12`...).
    pub fn c_compilers(&self) -> Vec<String> {
        let is_compiler = |name: &str| {
            let versioned = |prefix: &str| {
                name.strip_prefix(prefix)
                    .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
            };
            matches!(name, "gcc" | "cc" | "clang" | "c99")
                || versioned("gcc-")
                || versioned("clang-")
                || (name.contains("-linux-") && (name.ends_with("-gcc") || name.contains("-gcc-")))
        };
        self.fs
            .iter()
            .filter(|(p, n)| {
                let in_bin = p.starts_with("usr/bin/") || p.starts_with("usr/local/bin/") || p.starts_with("bin/");
                in_bin && n.kind != Kind::Dir && is_compiler(p.rsplit('/').next().unwrap_or(p))
            })
            .map(|(p, _)| format!("/{p}"))
            .collect()
    }
}

/// Opens `path` as a container image when it is one (an OCI layout folder, a plain or compressed
/// image tarball); the error does not repeat the path, which callers print.
pub fn open_image(path: &Path) -> Option<Result<Image<'static>, String>> {
    let mut head = [0u8; 512];
    let n = match path.is_dir() {
        true => 0,
        false => shiplint_archive::read_up_to(&mut shiplint_archive::open_regular(path).ok()?, &mut head).ok()?,
    };
    Some(shiplint_archive::image::open(path, &head[..n])?.map_err(|e| e.to_string()))
}

/// The short name of a digest: `sha256:0123456789ab`.
fn short(digest: &str) -> String {
    match digest.split_once(':') {
        Some((alg, hex)) => format!("{alg}:{}", &hex[..hex.len().min(12)]),
        None => digest.to_string(),
    }
}

/// Streams one platform's image: its facts, and the binary rules' findings for the Go
/// executables still present in the final file system.
pub fn scan_manifest(
    file: &str,
    image: &Image<'_>,
    manifest: &Manifest,
    judge: &JudgeExecutable<'_>,
) -> Result<(ImageFacts, Vec<Finding>), String> {
    let digest = manifest.digest.as_deref().or(manifest.config_digest.as_deref());
    let display = match digest {
        Some(d) => format!("{file}@{}", short(d)),
        None => file.to_string(),
    };
    // Every executable as it streams past, judged where it lies; what is still in the merged
    // file system when the layers are applied in order is what the image holds.
    let merged = image
        .merge(manifest, |_, entry, data| {
            if entry.kind != Kind::File || entry.size < 64 || entry.size > MAX_EXECUTABLE {
                return Ok(None);
            }
            let mut head = [0u8; 8];
            let n = data.read_head(&mut head)?;
            if !shiplint_gobin::looks_executable(&head[..n]) {
                return Ok(None);
            }
            let mut bytes = head[..n].to_vec();
            bytes.extend(data.read_rest(MAX_EXECUTABLE)?);
            // A file that only starts like an executable is not one the rules can judge.
            let Ok(exe) = shiplint_gobin::Executable::parse(&bytes) else { return Ok(None) };
            let (path, _) = shiplint_archive::fs::clean(&entry.path);
            let (slices, found) = judge(&format!("{display} /{path}"), &exe);
            let Some(facts) = slices.first() else { return Ok(None) };
            let executable = ImageExecutable {
                size: entry.size,
                is_go: facts.is_go,
                go_version: facts.go_version.clone(),
                interpreter: facts.linkage.interpreter.clone(),
                main_path: facts.build_info.as_ref().map(|b| b.path.to_str().into_owned()),
            };
            Ok(Some((executable, found.unwrap_or_default())))
        })
        .map_err(|e| format!("{display}: {e}"))?;
    let (fs, reports) = (merged.fs, merged.reports);
    let mut executables: BTreeMap<String, ImageExecutable> = BTreeMap::new();
    let mut binary_findings = Vec::new();
    for (path, (executable, found)) in merged.files {
        executables.insert(path, executable);
        binary_findings.extend(found);
    }
    let digest_mismatches = reports
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let actual = r.digest_mismatch.clone()?;
            Some((i, manifest.layers[i].digest.clone().unwrap_or_default(), actual))
        })
        .collect();
    let layers = manifest
        .layers
        .iter()
        .zip(&reports)
        .map(|(l, r)| LayerSummary {
            digest: l.digest.clone(),
            size: l.size,
            compression: r.compression.name(),
            expanded: r.expanded,
            entries: r.entries,
            digest_ok: l.digest.as_ref().map(|_| r.digest_mismatch.is_none()),
        })
        .collect();
    let facts = ImageFacts {
        display,
        platform: manifest.platform.label(),
        run: manifest.config.config.clone(),
        fs,
        executables,
        digest_mismatches,
        layers,
    };
    Ok((facts, binary_findings))
}

/// Human-readable bytes: `212.3 MB`.
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000_000 => format!("{:.1} GB", b as f64 / 1e9),
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{:.1} kB", b as f64 / 1e3),
        b => format!("{b} bytes"),
    }
}

/// What `shiplint inspect` shows of one platform's image (documented in docs/inspect-json.md).
#[derive(Serialize)]
pub struct ImageSummary {
    pub image: String,
    pub platform: String,
    /// The names it was saved under (`RepoTags`, `org.opencontainers.image.ref.name`).
    pub tags: Vec<String>,
    pub user: Option<String>,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub env: Vec<String>,
    pub working_dir: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub layers: Vec<LayerSummary>,
    pub files: usize,
    pub file_bytes: u64,
    pub executables: BTreeMap<String, ImageExecutable>,
    pub loaders: Vec<String>,
    pub go_toolchains: Vec<String>,
    pub c_compilers: Vec<String>,
    /// The file the image starts, resolved inside it.
    pub program: Option<String>,
    /// Why the program cannot be found, when it cannot.
    pub program_error: Option<String>,
}

/// The facts of every platform of an image, no rules run.
pub fn summarize(file: &str, image: &Image<'_>) -> Result<Vec<ImageSummary>, String> {
    let facts_only =
        |_: &str, exe: &shiplint_gobin::Executable<'_>| (exe.slices.iter().map(shiplint_gobin::facts).collect(), None);
    let mut out = Vec::new();
    for manifest in &image.manifests {
        let (facts, _) = scan_manifest(file, image, manifest, &facts_only)?;
        let (program, program_error) = match facts.command().first().map(|p| facts.locate(p)) {
            None => (None, Some("no Entrypoint or Cmd".to_string())),
            Some(Ok(p)) => (Some(format!("/{p}")), None),
            Some(Err(ResolveError::Missing(p))) => (None, Some(format!("/{p} does not exist"))),
            Some(Err(ResolveError::Loop(p))) => (None, Some(format!("symlinks loop at /{p}"))),
        };
        let run = &facts.run;
        out.push(ImageSummary {
            image: facts.display.clone(),
            platform: facts.platform.clone(),
            tags: manifest.tags.clone(),
            user: run.user.clone(),
            entrypoint: run.entrypoint.clone().unwrap_or_default(),
            cmd: run.cmd.clone().unwrap_or_default(),
            env: run.env.clone().unwrap_or_default(),
            working_dir: run.working_dir.clone(),
            labels: run.labels.clone().unwrap_or_default(),
            files: facts.fs.len(),
            file_bytes: facts.file_bytes(),
            loaders: facts.loaders(),
            go_toolchains: facts.go_commands().map(|(p, _)| format!("/{p}")).collect(),
            c_compilers: facts.c_compilers(),
            program,
            program_error,
            layers: facts.layers,
            executables: facts.executables,
        });
    }
    Ok(out)
}
