//! `shiplint check`: find Go executables under the given paths, run the rules, collect findings.

use crate::config::Config;
use crate::defs::gosrc::ModuleCache;
use crate::defs::source::{self, Defs};
use crate::defs::tree::Tree;
use crate::finding::Finding;
use crate::mapped::Mapped;
use crate::release::{ChecksumFile, ReleaseFacts, Shipped};
use crate::rules::{Binary, BinaryOptions, RULES};
use rayon::prelude::*;
use serde::Serialize;
use shiplint_gobin::{Executable, Facts};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A file that could not be read, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScanError {
    pub path: String,
    pub message: String,
}

/// What a scan found.
#[derive(Debug, Default, Serialize)]
pub struct ScanResult {
    pub findings: Vec<Finding>,
    pub errors: Vec<ScanError>,
    /// Files read only in part: evaluation stopped at a cap of its budget (what was read is
    /// judged; not an error), and what the walk skipped and why (FIFOs, devices, ignore files
    /// that could not be read).
    pub notes: Vec<ScanError>,
    /// Files looked at.
    pub files: usize,
    /// Go executables among them (slices of universal binaries counted once per file).
    pub go_executables: usize,
    /// Build definitions among them (Dockerfiles, shell scripts).
    pub build_definitions: usize,
    /// Container images among them (OCI layout folders, `docker save` and OCI tarballs).
    pub images: usize,
}

/// How far a scan has got, for a progress display on another thread.
#[derive(Debug, Default)]
pub struct Progress {
    pub total: AtomicUsize,
    pub done: AtomicUsize,
}

/// Every regular file under `paths` (see `walk`), with an OCI image layout folder as one input;
/// the notes say what was skipped.
pub fn discover(paths: &[PathBuf]) -> crate::walk::Walked {
    let mut walked = crate::walk::walk(paths);
    let files = &mut walked.files;
    // An OCI image layout folder is one input: its blobs are read through its index.
    let layouts: Vec<PathBuf> = files
        .iter()
        .filter(|f| f.file_name().is_some_and(|n| n == "oci-layout"))
        .filter_map(|f| f.parent().map(Path::to_path_buf))
        .filter(|d| shiplint_archive::image::is_layout_dir(d))
        .collect();
    files.retain(|f| !layouts.iter().any(|d| f.starts_with(d)));
    files.extend(layouts);
    files.sort();
    files.dedup();
    walked
}

/// What one file was, and what was found in it.
enum Scanned {
    /// Neither a Go executable nor a build definition.
    Other,
    GoExecutable(Vec<Finding>, Box<Shipped>),
    /// A build definition, read and parsed: judged once every definition of the scan is linked.
    BuildDefinition(Box<LoadedDefinition>),
    /// An image, with the number of Go executables in it.
    Image(Vec<Finding>, usize),
    /// A release archive: the Go executables in it, and the members that could not be read.
    Archive(crate::release::ArchiveReport),
    Checksums(ChecksumFile),
}

/// A build definition's text and parsed form, and the path named on the command line it was
/// found under.
struct LoadedDefinition {
    display: String,
    /// The text read: the file's own, or a Makefile with the files it includes (`included`).
    text: String,
    /// For a Makefile that includes files: its own text, and where each piece of `text` is from.
    included: Option<(String, crate::defs::text::Origins)>,
    kind: source::Kind,
    parsed: source::Parsed,
    scan_root: PathBuf,
    /// Said about the file before any evaluation (how its text was decoded).
    notes: Vec<String>,
    /// What a README of a folder it is in says the folder is for (see `folder_readme_purpose`).
    folder_purpose: Option<&'static str>,
}

/// One file's outcome, or the reason it could not be read.
type FileOutcome = Result<Scanned, String>;

/// Build definitions larger than this are not build definitions.
const MAX_TEXT_SOURCE: u64 = 4 << 20;

/// The largest checksum file read (a release of thousands of files lists a few hundred KiB).
const MAX_CHECKSUM_FILE: u64 = 4 << 20;

/// Opens a file for reading only when it is a regular file (a FIFO would block, a device stream).
pub(crate) fn open_regular(path: &Path) -> Result<std::fs::File, String> {
    shiplint_archive::open_regular(path).map_err(|e| e.to_string())
}

/// A regular file's bytes, read up to `limit` whatever its metadata says; `what` names the
/// file's role in the error.
pub(crate) fn read_bounded(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>, String> {
    shiplint_archive::read_regular(path, limit).map_err(|e| match e {
        shiplint_archive::Error::TooLarge { size, limit } => {
            format!("{size} bytes is too large for {what} (limit {limit}): not read")
        }
        e => e.to_string(),
    })
}

/// Reads one file as whatever it is: a Go executable, an image, a release archive, a checksum
/// file or a build definition. `named` files were given on the command line: an archive that
/// cannot be read is an error there, while one met walking a tree (test data) is skipped unless
/// its name claims a platform.
fn check_file(path: &Path, named: bool, scan_root: &Path, options: &BinaryOptions, config: &Config) -> FileOutcome {
    let display = path.display().to_string();
    let mut head = [0u8; 512];
    let n = match path.is_dir() {
        true => 0,
        false => shiplint_archive::read_up_to(&mut open_regular(path)?, &mut head).map_err(|e| e.to_string())?,
    };
    if shiplint_gobin::looks_executable(&head[..n]) {
        return check_binary(path, options, config).map(|f| {
            f.map_or(Scanned::Other, |(findings, shipped)| Scanned::GoExecutable(findings, Box::new(shipped)))
        });
    }
    if let Some(image) = shiplint_archive::image::open(path, &head[..n]) {
        let image = image.map_err(|e| e.to_string())?;
        let (findings, go_executables) = judge_image(&display, &image, options, config)?;
        return Ok(Scanned::Image(findings, go_executables));
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if crate::release::is_archive_name(&name) {
        // A package (`.deb`, `.rpm`, wheel, bottle) that cannot be read is an error wherever it is.
        let claims_platform =
            crate::release::named_platform(&name) != (None, None) || shiplint_archive::package::is_package_name(&name);
        let judge = binary_judge(options, config);
        return match crate::release::read_archive(path, &judge) {
            Ok(r) => Ok(Scanned::Archive(r)),
            Err(e) if named || claims_platform => Err(e),
            Err(_) => Ok(Scanned::Other),
        };
    }
    if crate::release::is_checksum_file(&name) {
        // A checksum file too large to read is said so: its digests would otherwise go unchecked.
        let bytes = read_bounded(path, MAX_CHECKSUM_FILE, "a checksum file")?;
        let sums = crate::release::read_checksums(path, &String::from_utf8_lossy(&bytes));
        return Ok(if sums.entries.is_empty() { Scanned::Other } else { Scanned::Checksums(sums) });
    }
    let Some(kind) = source::kind_of(path, &head[..n]) else { return Ok(Scanned::Other) };
    let bytes = read_bounded(path, MAX_TEXT_SOURCE, "a build definition")?;
    let (mut text, decoding_note) = source::decode(bytes, kind)?;
    // A goreleaser config template is read as the config it renders to, in place.
    let template = |name: String| crate::defs::goreleaser::TEMPLATE_SUFFIXES.iter().any(|s| name.ends_with(s));
    if kind == source::Kind::Goreleaser && template(name.to_ascii_lowercase()) {
        text = crate::defs::goreleaser::render_template(&text);
    }
    let mut notes: Vec<String> = decoding_note.into_iter().collect();
    // make reads the files a Makefile includes in place of their include lines.
    let mut included = None;
    let with_included = match kind {
        source::Kind::Makefile => crate::reach::makefile_with_includes(path, &display, &text, scan_root),
        // and the shell the files a script sources.
        source::Kind::Shell => crate::reach::script_with_sources(path, &display, &text, scan_root),
        _ => None,
    };
    if let Some(read) = with_included {
        notes.extend(read.notes);
        included = Some((std::mem::replace(&mut text, read.text), read.origins));
    }
    let mut parsed = source::parse(kind, &text)?;
    if let source::Parsed::Workflow(pipeline) = &mut parsed {
        pipeline.files = crate::reach::pipeline_cat_files(path, &text, scan_root, &mut notes);
    }
    if matches!(kind, source::Kind::Makefile | source::Kind::Shell)
        && (text.contains("go run ") || text.contains(".sh"))
    {
        parsed.take_printed(crate::reach::printing_programs(path, &display, &text, scan_root, &mut notes));
    }
    if let (source::Parsed::Shell { sourced, .. }, Some((_, origins))) = (&mut parsed, &included) {
        *sourced = origins.ranges_not_of(&display, text.len());
    }
    // Go source is a build definition only when it runs a build.
    if matches!(&parsed, source::Parsed::GoProgram(p) if p.commands.is_empty()) {
        return Ok(Scanned::Other);
    }
    let folder_purpose = folder_readme_purpose(path, scan_root);
    let scan_root = scan_root.to_path_buf();
    Ok(Scanned::BuildDefinition(Box::new(LoadedDefinition {
        display,
        text,
        included,
        kind,
        parsed,
        scan_root,
        notes,
        folder_purpose,
    })))
}

/// What the README of a folder a file is in says the folder is for (`images/README.md`: "This
/// directory contains all images used by tests.", below the scan's root), or what it says of
/// the sub-folder the file is in (a row `httpbun | service for e2e tests`); the nearest folder
/// that says anything.
fn folder_readme_purpose(path: &Path, scan_root: &Path) -> Option<&'static str> {
    const MAX_README: u64 = 64 << 10;
    let readme = |dir: &Path| {
        ["README.md", "README"].iter().find_map(|name| shiplint_archive::read_regular(&dir.join(name), MAX_README).ok())
    };
    let mut entry = None;
    for dir in path.ancestors().skip(1).take_while(|dir| dir.starts_with(scan_root)) {
        if let Some(bytes) = readme(dir) {
            let text = String::from_utf8_lossy(&bytes);
            let of_folder = (dir != scan_root).then(|| source::readme_purpose(&text)).flatten();
            let of_entry = entry.and_then(|name: &str| source::readme_entry_purpose(&text, name));
            if let Some(purpose) = of_folder.or(of_entry) {
                return Some(purpose);
            }
        }
        entry = dir.file_name().and_then(|n| n.to_str());
    }
    None
}

/// Gives each command that runs another file's builds in a container (`docker run golang:1.21
/// make build`) its image and whether a build it runs ships: the image's Go builds them, and the
/// caller's line is where that is chosen.
fn mark_container_runs(defs: &mut [Defs<'_>]) {
    let mut runs: Vec<(usize, source::ContainerRun)> = Vec::new();
    for d in defs.iter() {
        for b in &d.builds {
            // Asked once per build, and only of builds a container ran.
            let mut build_ships = None;
            for c in b.via.iter().flat_map(|v| v.chain()) {
                let Some(image) = &c.container else { continue };
                // A goreleaser image run that only rehearses (`release --snapshot`) releases none
                // of what it builds, however other runs release the config.
                let rehearsal = defs[c.file].command_at(c.span).is_some_and(|cmd| {
                    let launch = crate::defs::gobuild::launched(&cmd.argv);
                    let args = launch.as_ref().and_then(|l| crate::defs::link::goreleaser_args(&cmd.argv, l));
                    let words: Option<Vec<&str>> = args.and_then(|a| a.iter().map(|w| w.as_known()).collect());
                    words.is_some_and(|w| !crate::defs::goreleaser::Run::from_args(&w).releases)
                });
                let ships = !rehearsal && *build_ships.get_or_insert_with(|| d.ships(b).is_some());
                let same = |(file, r): &&mut (usize, source::ContainerRun)| {
                    *file == c.file && r.span == c.span && r.image == *image
                };
                match runs.iter_mut().find(same) {
                    Some((_, run)) => run.ships |= ships,
                    None => runs.push((c.file, source::ContainerRun { span: c.span, image: image.clone(), ships })),
                }
            }
        }
    }
    for (file, run) in runs {
        defs[file].container_runs.push(run);
    }
}

/// Gives each file the tags of the images its tree builds that run as non-root: a base image
/// the project builds itself is judged by its Dockerfile.
fn mark_nonroot_images_built(defs: &mut [Defs<'_>]) {
    let mut built: HashMap<Option<&Path>, Vec<String>> = HashMap::new();
    for d in defs.iter().filter(|d| !d.built_as.is_empty()) {
        if d.dockerfile.is_some_and(crate::rules::runs_as_nonroot) {
            built.entry(d.scan_root).or_default().extend(d.built_as.iter().cloned());
        }
    }
    let built: HashMap<_, Arc<Vec<String>>> = built.into_iter().map(|(root, tags)| (root, Arc::new(tags))).collect();
    for d in defs.iter_mut() {
        if let Some(tags) = built.get(&d.scan_root) {
            d.nonroot_images_built = tags.clone();
        }
    }
}

/// What the files of each tree say, gathered per scan root: at most `max` items, one of each
/// kind `same` tells apart, shared by every file of the tree.
fn gather_per_tree<'p, T>(
    items: impl IntoIterator<Item = (Option<&'p Path>, T)>,
    max: usize,
    same: impl Fn(&T, &T) -> bool,
) -> HashMap<Option<&'p Path>, Arc<Vec<T>>> {
    let mut gathered: HashMap<Option<&Path>, Vec<T>> = HashMap::new();
    for (root, item) in items {
        let kept = gathered.entry(root).or_default();
        if kept.len() < max && !kept.iter().any(|k| same(k, &item)) {
            kept.push(item);
        }
    }
    gathered.into_iter().map(|(root, items)| (root, Arc::new(items))).collect()
}

/// Gives each Dockerfile the names of the programs the Go builds of its tree write, so that an
/// image that installs one (`COPY bin/fwatchdog-$TARGETARCH ./fwatchdog`) is known to ship Go.
fn mark_programs_built(defs: &mut [Defs<'_>]) {
    const MAX_PROGRAMS: usize = 256;
    let names = defs
        .iter()
        .filter(|d| d.kind != source::Kind::Dockerfile)
        .flat_map(|d| d.program_names_built().into_iter().map(move |name| (d.scan_root, name)));
    let built = gather_per_tree(names, MAX_PROGRAMS, |a, b| a == b);
    for d in defs.iter_mut().filter(|d| d.kind == source::Kind::Dockerfile) {
        if let Some(names) = built.get(&d.scan_root) {
            d.programs_built_in_scan = names.clone();
        }
    }
}

/// Gives every other file of a scan the names of the build context's files that its published
/// images copy in (`COPY git-chglog /usr/local/bin/` in an image `make docker push` publishes),
/// each with its Dockerfile: a build that writes such a file ships in that image.
fn mark_files_copied_into_published_images(defs: &mut [Defs<'_>]) {
    const MAX_FILES: usize = 256;
    let published = |d: &&Defs<'_>| {
        d.kind == source::Kind::Dockerfile
            && (d.published_by.is_some() || d.run_for_release && d.image_built_where_pushed)
            && d.not_for_release().is_none()
    };
    let names = defs.iter().filter(published).filter_map(|d| Some((d, d.dockerfile?))).flat_map(|(d, file)| {
        file.context_files_copied().into_iter().map(move |name| (d.scan_root, (name, d.path.to_string())))
    });
    let copied = gather_per_tree(names, MAX_FILES, |a, b| a.0 == b.0);
    for d in defs.iter_mut().filter(|d| d.kind != source::Kind::Dockerfile) {
        if let Some(names) = copied.get(&d.scan_root) {
            d.copied_into_published_images = names.clone();
        }
    }
}

/// Gives each Dockerfile the names of the variables the Makefiles of its scan set to a value
/// written out, with no reference in it (`BASE_VERSION ?= master-2026-08-22`; not `latest`):
/// the build tools that pass build arguments take them from there.
fn mark_variables_set_by_makefiles(defs: &mut [Defs<'_>]) {
    let mut set: HashMap<Option<&Path>, Vec<String>> = HashMap::new();
    for d in defs.iter().filter(|d| d.kind == source::Kind::Makefile) {
        for (name, word) in &d.assignments {
            let value = d.text.get(word.start..word.end).unwrap_or("").trim();
            let written_out = !value.is_empty() && !value.contains('$') && value != "latest";
            if written_out {
                set.entry(d.scan_root).or_default().push(name.to_string());
            }
        }
    }
    let set: HashMap<_, Arc<Vec<String>>> = set.into_iter().map(|(root, names)| (root, Arc::new(names))).collect();
    for d in defs.iter_mut().filter(|d| d.kind == source::Kind::Dockerfile) {
        if let Some(names) = set.get(&d.scan_root) {
            d.variables_set_by_makefiles = names.clone();
        }
    }
}

/// What the rules find in one build definition; a finding may be placed in another file of the
/// scan (the caller's line that chose what was built).
fn judge_definition(defs: &Defs<'_>, config: &Config) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in RULES.iter().filter(|r| config.is_selected(r.meta.name)) {
        if let Some(check) = rule.defs {
            check(defs, &mut findings);
        }
    }
    findings
}

/// A file's findings, wherever they were found, with its suppressions and the configuration
/// applied; and its notes.
fn file_findings(
    defs: Defs<'_>,
    mut findings: Vec<Finding>,
    options: &BinaryOptions,
    config: &Config,
) -> (Vec<Finding>, Vec<String>) {
    // Builds that share one written value (a YAML anchor, a Makefile variable) find the same
    // thing at the same place: said once.
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| seen.insert((f.rule, f.location.span, f.message.clone())));
    if !options.no_ignores {
        let mut sups = suppressions(defs.file_text);
        findings = apply_suppressions(findings, &mut sups);
        findings.extend(unused_suppressions(&defs, &sups, config));
    }
    let findings = findings.into_iter().filter_map(|f| config.apply(f)).collect();
    let mut notes = defs.notes;
    notes.extend(defs.refused.into_inner().unwrap_or_else(|e| e.into_inner()));
    (findings, notes)
}

/// Reads the build definitions of a scan together: each on its own, then linked (a file another
/// runs is evaluated again as it is run), then judged; in parallel where they are independent.
fn judge_definitions(
    loaded: &[LoadedDefinition],
    modules: &ModuleCache,
    trees: &HashMap<PathBuf, Option<Tree>>,
    options: &BinaryOptions,
    config: &Config,
) -> Vec<(Vec<Finding>, Vec<String>)> {
    let mut defs: Vec<Defs<'_>> = loaded
        .par_iter()
        .map(|l| {
            let mut defs = Defs::new(&l.display, &l.text, l.kind, &l.parsed);
            if let Some((file_text, origins)) = &l.included {
                defs.file_text = file_text;
                defs.origins = Some(origins);
            }
            defs.modules = Some(modules);
            defs.scan_root = Some(&l.scan_root);
            defs.tree = trees.get(&l.scan_root).and_then(Option::as_ref);
            defs.keep_own_builds();
            defs.notes.extend(l.notes.iter().cloned());
            defs.folder_declared_purpose = l.folder_purpose;
            defs.newest_go_minor = options.newest_go_minor;
            defs
        })
        .collect();
    crate::defs::link::link(&mut defs);
    for d in &mut defs {
        d.judge_called_builds_as_called();
    }
    // Facts of the whole tree (each path named on the command line is its own tree).
    let notarized: Vec<(Option<&Path>, String)> = defs
        .iter()
        .filter_map(|d| {
            let (start, _) = crate::rules::notarization_at(d)?;
            Some((d.scan_root, d.at(start)))
        })
        .collect();
    let goreleaser_runs: Vec<(Option<&Path>, crate::defs::goreleaser::Run)> =
        defs.iter().flat_map(|d| d.goreleaser_runs().into_iter().map(move |r| (d.scan_root, r))).collect();
    // CI workflows a release runs that build Go and keep it themselves, and whether only
    // releases run them (tag pushes, release events: there the release is certainly made).
    let kept_by_ci: Vec<(Option<&Path>, bool)> = defs
        .iter()
        .filter(|d| {
            (d.workflow.is_some_and(|w| w.on_release) || d.run_by_release.is_some())
                && d.builds.iter().any(|b| b.via.is_none() && d.ships(b).is_some())
        })
        .map(|d| (d.scan_root, d.workflow.is_some_and(|w| w.release_only)))
        .collect();
    let release_only_ci: Vec<Option<&Path>> =
        kept_by_ci.iter().filter(|(_, release_only)| *release_only).map(|(root, _)| *root).collect();
    // Those, and ko builds that push their images: the project's release is made there.
    let ci_releases: Vec<Option<&Path>> = kept_by_ci
        .iter()
        .map(|(root, _)| *root)
        .chain(
            defs.iter()
                .filter(|d| d.builds.iter().any(|b| b.invocation.cross_tool == Some("ko") && d.ships(b).is_some()))
                .map(|d| d.scan_root),
        )
        .collect();
    for d in &mut defs {
        d.notarized_in = notarized.iter().find(|(root, _)| *root == d.scan_root).map(|(_, at)| at.clone());
        if d.kind == source::Kind::Goreleaser {
            let name = Path::new(d.path).file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let runs: Vec<_> = goreleaser_runs
                .iter()
                .filter(|(root, r)| *root == d.scan_root && r.reads(name))
                .map(|(_, r)| r)
                .collect();
            // A file of another name that nothing runs and that writes no builds is a part of
            // a config (`cat .goreleaser.yml .goreleaser.brew.yml > combined.yml`), not one.
            let default_name = crate::defs::goreleaser::is_default_name(name);
            if runs.is_empty() && !default_name && d.goreleaser.is_some_and(|g| g.builds_by_default) {
                d.goreleaser_released = Some(false);
            }
            if runs.is_empty() {
                d.drop_builds_of_missing_folders();
            }
            // Nothing of the tree runs goreleaser at all, and a workflow only releases run builds
            // and keeps the binaries itself: the config is a leftover, not how the project
            // releases (beside a workflow every push runs, maintainers may run it by hand).
            let any_run = goreleaser_runs.iter().any(|(root, _)| *root == d.scan_root);
            if !any_run && release_only_ci.contains(&d.scan_root) {
                d.goreleaser_released = Some(false);
            }
            if !runs.is_empty() {
                // Only rehearsed in CI (`release --snapshot`), a default config is still what
                // its maintainers release with by hand, unless the project releases some other way.
                let releases_otherwise = ci_releases.contains(&d.scan_root)
                    || goreleaser_runs.iter().any(|(root, r)| *root == d.scan_root && r.releases && !r.reads(name));
                let released = runs.iter().any(|r| r.releases);
                let rehearsed = runs.iter().any(|r| r.rehearses_release);
                if released || !default_name || !rehearsed || releases_otherwise {
                    d.goreleaser_released = Some(released);
                }
                // Every run of it passes `GOFLAGS=-trimpath` (a Makefile's `export GOFLAGS`): so
                // do the builds it runs.
                if runs.iter().all(|r| r.trimpath_from_goflags) {
                    for b in &mut d.builds {
                        b.invocation.trimpath = true;
                    }
                }
            }
        }
    }
    // The goreleaser configs that release, and the Dockerfiles they pack their binaries into.
    let released: Vec<_> = defs
        .iter()
        .filter(|d| d.goreleaser_released != Some(false))
        .filter_map(|d| Some((d.scan_root, Path::new(d.path), d.goreleaser?)))
        .collect();
    let packed: Vec<(Option<&Path>, PathBuf, &crate::defs::goreleaser::Docker)> = released
        .iter()
        .flat_map(|&(root, path, g)| {
            let dir = path.parent().unwrap_or(Path::new(""));
            g.dockers.iter().map(move |k| (root, normalized(&dir.join(&k.dockerfile)), k))
        })
        .collect();
    // Each build argument a packing entry passes, with where its config writes it.
    let packed_args: Vec<Vec<source::PassedBuildArg>> = packed
        .iter()
        .map(|(root, _, docker)| {
            let config = defs.iter().find(|d| {
                d.scan_root == *root && d.goreleaser.is_some_and(|g| g.dockers.iter().any(|k| std::ptr::eq(k, *docker)))
            });
            docker
                .build_args
                .iter()
                .zip(&docker.build_arg_spans)
                .filter_map(|((name, value), (_, at))| {
                    let (path, lines) = config?.place(at.0, at.1);
                    let value = crate::defs::value::Value::rendered(value, &|_| None);
                    Some(source::PassedBuildArg { name: name.clone(), value, path: path.to_string(), lines })
                })
                .collect()
        })
        .collect();
    // A goreleaser release whose config is no file of the scan (rendered from a template first,
    // named by a variable that holds a generated path): the project releases with goreleaser.
    let unread_config_releases: Vec<Option<&Path>> = goreleaser_runs
        .iter()
        .filter(|(root, r)| {
            r.releases
                && r.builds
                && !defs.iter().any(|d| {
                    let name = Path::new(d.path).file_name().and_then(|n| n.to_str()).unwrap_or_default();
                    d.scan_root == *root && d.kind == source::Kind::Goreleaser && r.reads(name)
                })
        })
        .map(|(root, _)| *root)
        .collect();
    // A config whose builds are all prebuilt (`builder: prebuilt`) releases what another file built.
    for d in &mut defs {
        d.releases_elsewhere = released.iter().any(|(root, _, g)| *root == d.scan_root && !g.packs_prebuilt)
            || ci_releases.contains(&d.scan_root)
            || unread_config_releases.contains(&d.scan_root);
        if d.kind == source::Kind::Dockerfile {
            let path = normalized(Path::new(d.path));
            // `docker buildx bake` builds targets its file names, which shiplint does not read.
            d.image_target_unresolved |= beside_bake_file(d);
            // goreleaser builds the last stage, with the build arguments its entry passes.
            let root = d.scan_root;
            for ((_, _, docker), args) in
                packed.iter().zip(&packed_args).filter(|((r, p, _), _)| *r == root && *p == path)
            {
                d.packed_by_goreleaser = true;
                d.passed_build_args.extend(args.iter().cloned());
                let args = docker
                    .build_args
                    .iter()
                    .map(|(k, v)| (k.clone(), crate::defs::value::Value::rendered(v, &|_| None)))
                    .collect();
                d.builds_image(None, args, true);
            }
        }
    }
    mark_images_published_instead(&mut defs);
    // The Dockerfiles whose images do not ship, per tree, shared by every file of the tree.
    let mut images_not_shipped: HashMap<Option<&Path>, Vec<String>> = HashMap::new();
    for d in defs.iter().filter(|d| d.kind == source::Kind::Dockerfile && d.not_for_release().is_some()) {
        images_not_shipped.entry(d.scan_root).or_default().push(d.path.to_string());
    }
    let images_not_shipped: HashMap<_, Arc<Vec<String>>> =
        images_not_shipped.into_iter().map(|(root, paths)| (root, Arc::new(paths))).collect();
    for d in &mut defs {
        if let Some(paths) = images_not_shipped.get(&d.scan_root) {
            d.images_not_shipped = paths.clone();
        }
    }
    // A release made by a chain of build files (a release script running `make build`, a
    // release job running a script): a script nothing runs beside it is a local alternative,
    // not another release.
    let chain_releases: Vec<Option<&Path>> = defs
        .iter()
        .filter(|d| d.builds.iter().any(|b| b.via.is_some() && d.caller_ships(b).is_some()))
        .map(|d| d.scan_root)
        .collect();
    // One that uploads or pushes what it makes itself is a release of its own.
    let publishes_itself = |d: &Defs<'_>| {
        let publishes =
            |c: &source::Command| crate::defs::link::uploads(&c.argv) || crate::defs::link::pushes_image(&c.argv);
        d.commands.iter().any(|c| c.via.is_none() && publishes(c))
    };
    for d in defs.iter_mut().filter(|d| d.kind == source::Kind::Shell && !d.run_by_another) {
        d.releases_elsewhere |= chain_releases.contains(&d.scan_root) && !publishes_itself(d);
    }
    mark_container_runs(&mut defs);
    mark_nonroot_images_built(&mut defs);
    mark_programs_built(&mut defs);
    mark_files_copied_into_published_images(&mut defs);
    mark_variables_set_by_makefiles(&mut defs);
    // A file another Makefile of the scan includes is judged as part of it, as make reads it
    // (alone, it lacks the includer's variables and goals).
    let included: std::collections::HashSet<(Option<&Path>, &str)> = defs
        .iter()
        .flat_map(|d| d.origins.into_iter().flat_map(|o| o.files().skip(1)).map(move |f| (d.scan_root, f)))
        .collect();
    let found: Vec<Vec<Finding>> = defs
        .par_iter()
        .map(|d| match included.contains(&(d.scan_root, d.path)) {
            true => Vec::new(),
            false => judge_definition(d, config),
        })
        .collect();
    // A finding placed in another file of the scan is that file's (its suppressions apply).
    let index: HashMap<&str, usize> = defs.iter().enumerate().map(|(i, d)| (d.path, i)).collect();
    let mut per_file: Vec<Vec<Finding>> = defs.iter().map(|_| Vec::new()).collect();
    // One placed in a file that is no build definition (the Go program whose output a
    // Makefile and a script both take) is said once, by the first file that finds it.
    let mut elsewhere = std::collections::HashSet::new();
    for (i, findings) in found.into_iter().enumerate() {
        for f in findings {
            match index.get(f.location.path.as_str()) {
                Some(&file) => per_file[file].push(f),
                None if elsewhere.insert((f.rule, f.location.path.clone(), f.location.span, f.message.clone())) => {
                    per_file[i].push(f)
                }
                None => {}
            }
        }
    }
    defs.into_par_iter().zip(per_file).map(|(d, found)| file_findings(d, found, options, config)).collect()
}

/// Where a repository publishes images from some Dockerfiles (a release workflow's push,
/// goreleaser's `dockers:`; not a Go builder image for its CI) or with ko, a Dockerfile that
/// nothing of it builds for a release
/// (no `docker build -f` outside places for tests, development or tooling such as `make
/// docker-dev`, no build-push-action, no goreleaser, no bake file beside it) and whose name does
/// not say it is the release's (`Dockerfile.prod`, `release.Dockerfile`) is not one of its
/// published images:
/// a developer's or a stale one (netbird's `Dockerfile.multistage` beside the `Dockerfile`
/// goreleaser packs). Where nothing says which images are published, every one may be.
fn mark_images_published_instead(defs: &mut [Defs<'_>]) {
    // Where an image build names its Dockerfile through something not known (`-f
    // $(DOCKERFILEPATH)/Dockerfile`, build-push-action's `file: ${{ inputs.dockerfile }}`), any
    // Dockerfile of the tree may be one that is built and published.
    let unknown_builds: Vec<Option<&Path>> =
        defs.iter().filter(|d| crate::defs::link::names_unknown_dockerfile(d)).map(|d| d.scan_root).collect();
    // `Dockerfile.prod`, `release.Dockerfile`: its name says it is the one that ships.
    let named_for_release = |d: &Defs<'_>| {
        let name = Path::new(d.path).file_name().and_then(|n| n.to_str()).unwrap_or_default().to_ascii_lowercase();
        crate::defs::source::names_a_release(&name)
            || name.split(['.', '-', '_']).any(|t| matches!(t, "prod" | "production"))
    };
    // Images a ko config's pushed builds make count as published images too, and so does one
    // named for the release that a release file builds (pushed by hand: `docker-release.sh`
    // builds `Dockerfile.release` and prints the push commands).
    let published: Vec<(Option<&Path>, String)> = defs
        .iter()
        .filter(|d| {
            let dockerfile = d.kind == source::Kind::Dockerfile
                && (d.published_by.is_some() || d.packed_by_goreleaser || (d.run_for_release && named_for_release(d)));
            // A builder image the project pushes for its CI (a Go toolchain image plus tools)
            // says nothing about which of its program images are published; a Go image a
            // release tool packs is a product (xk6, which builds k6 with Go at run time).
            let builder = !d.packed_by_goreleaser
                && d.dockerfile.is_some_and(|df| {
                    let last = df.stages.len().checked_sub(1);
                    last.and_then(|l| df.root_image(l)).is_some_and(|(image, _)| image.go_toolchain)
                });
            dockerfile && !builder || d.ko_published.is_some()
        })
        .map(|d| (d.scan_root, d.path.to_string()))
        .collect();
    for d in defs.iter_mut().filter(|d| d.kind == source::Kind::Dockerfile) {
        // Built for a release by a file that pushes no image at all (`docker build -t app .` in
        // a Makefile with no `docker push`) is built for a look, not published.
        let built = d.published_by.is_some()
            || d.packed_by_goreleaser
            || (d.run_for_release && d.image_built_where_pushed)
            || d.github_action_image;
        if built || named_for_release(d) || beside_bake_file(d) || unknown_builds.contains(&d.scan_root) {
            continue;
        }
        d.published_instead = published.iter().find(|(root, _)| *root == d.scan_root).map(|(_, p)| p.clone());
    }
}

/// Whether a `docker buildx bake` file lies in the Dockerfile's folder or at the repository
/// root: bake builds the Dockerfiles its targets name, which shiplint does not read.
fn beside_bake_file(d: &Defs<'_>) -> bool {
    crate::rules::bake_files(d).is_some_and(|(_, files)| files.iter().any(|f| f.is_file()))
}

/// A relative path without `.` components (`./a/../b` stays: goreleaser paths do not climb).
fn normalized(path: &Path) -> PathBuf {
    path.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect()
}

/// A `# shiplint: ignore[rule, ...] reason` comment: its line (1-based), where it is, the rules
/// it names, and which of them suppressed something.
struct Suppression {
    line: usize,
    start: usize,
    end: usize,
    rules: Vec<(String, bool)>,
}

/// Every suppression comment of a text, in order.
fn suppressions(text: &str) -> Vec<Suppression> {
    const MARK: &str = "shiplint: ignore[";
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        // In a `#` comment, or a `//` one in a Go build program.
        let comment = line.find(MARK).and_then(|at| line[..at].rfind('#').or_else(|| line[..at].rfind("//")));
        if let Some(hash) = comment {
            if let Some(at) = line[hash..].find(MARK) {
                let list_start = hash + at + MARK.len();
                if let Some(len) = line[list_start..].find(']') {
                    let rules =
                        line[list_start..list_start + len].split(',').map(|r| (r.trim().to_string(), false)).collect();
                    out.push(Suppression {
                        line: i + 1,
                        start: offset + hash,
                        end: offset + list_start + len + 1,
                        rules,
                    });
                }
            }
        }
        offset += line.len();
    }
    out
}

/// Drops the findings a suppression on their first line, or the line above, names; marks it used.
fn apply_suppressions(findings: Vec<Finding>, sups: &mut [Suppression]) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| {
            let Some(span) = f.location.span else { return true };
            let mut hit = false;
            for s in sups.iter_mut().filter(|s| s.line == span.start_line || s.line + 1 == span.start_line) {
                for (rule, used) in &mut s.rules {
                    if rule.eq_ignore_ascii_case(f.rule) || rule.eq_ignore_ascii_case(f.code) {
                        *used = true;
                        hit = true;
                    }
                }
            }
            !hit
        })
        .collect()
}

/// Findings for the suppressions that suppressed nothing (rules not selected are not judged).
fn unused_suppressions(defs: &Defs<'_>, sups: &[Suppression], config: &Config) -> Vec<Finding> {
    let meta = &crate::rules::unused_suppression::META;
    let lines = crate::defs::text::LineIndex::new(defs.file_text);
    let mut out = Vec::new();
    for s in sups {
        for (rule, _) in s.rules.iter().filter(|(_, used)| !used) {
            let message = match crate::rules::lookup(rule) {
                None => format!("shiplint: ignore[{rule}] names no rule (see `shiplint rules`)"),
                Some(m) if !config.is_selected(m.name) => continue,
                Some(m) => format!(
                    "shiplint: ignore[{rule}] suppresses nothing: {} does not fire on this line or the next",
                    m.name
                ),
            };
            // At its place in the file's own text (a Makefile is read with its includes).
            let span = lines.span(defs.file_text, s.start, s.end);
            let help = "delete the comment or correct the rule name";
            out.push(meta.finding(crate::finding::Location::text(defs.path, span), message, help));
        }
    }
    out
}

/// Runs every selected binary rule on one executable file, with its release facts; `None` when it
/// is not a Go executable.
fn check_binary(
    path: &Path,
    options: &BinaryOptions,
    config: &Config,
) -> Result<Option<(Vec<Finding>, Shipped)>, String> {
    let mapped = Mapped::open(path)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let display = path.display().to_string();
    let judge = binary_judge(options, config);
    crate::release::shipped(&display, &name, None, mapped.bytes(), None, &judge)
}

/// The judge the engine hands to the sources: the binary rules on each executable they find.
fn binary_judge<'a>(
    options: &'a BinaryOptions,
    config: &'a Config,
) -> impl Fn(&str, &Executable<'_>) -> (Vec<Facts>, Option<Vec<Finding>>) + 'a {
    move |location, exe| check_executable(location, exe, options, config)
}

/// Every slice's facts, and the findings of every selected binary rule on the Go slices, shown
/// as `display` (`None` when no slice is Go).
pub(crate) fn check_executable(
    display: &str,
    exe: &Executable<'_>,
    options: &BinaryOptions,
    config: &Config,
) -> (Vec<Facts>, Option<Vec<Finding>>) {
    let universal = exe.fat_arches.is_some();
    let all: Vec<Facts> = exe.slices.iter().map(shiplint_gobin::facts).collect();
    let mut findings = Vec::new();
    for (c, facts) in exe.slices.iter().zip(&all).filter(|(_, f)| f.is_go) {
        let bin =
            Binary { path: display, slice: universal.then_some(facts.arch.as_str()), container: c, facts, options };
        for rule in RULES.iter().filter(|r| config.is_selected(r.meta.name)) {
            if let Some(check) = rule.binary {
                check(&bin, &mut findings);
            }
        }
    }
    let any_go = all.iter().any(|f| f.is_go);
    (all, any_go.then(|| findings.into_iter().filter_map(|f| config.apply(f)).collect()))
}

/// Every platform of an image: the binary rules on the executables inside as the image source
/// streams them, then the image rules on its facts.
fn judge_image(
    file: &str,
    image: &shiplint_archive::image::Image<'_>,
    options: &BinaryOptions,
    config: &Config,
) -> Result<(Vec<Finding>, usize), String> {
    let judge = binary_judge(options, config);
    let mut findings = Vec::new();
    let mut go_executables = 0;
    for manifest in &image.manifests {
        let (facts, binary) = crate::image::scan_manifest(file, image, manifest, &judge)?;
        go_executables += facts.executables.values().filter(|e| e.is_go).count();
        findings.extend(binary);
        let mut own = Vec::new();
        for rule in RULES.iter().filter(|r| config.is_selected(r.meta.name)) {
            if let Some(check) = rule.image {
                check(&facts, &mut own);
            }
        }
        findings.extend(own.into_iter().filter_map(|f| config.apply(f)));
    }
    Ok((findings, go_executables))
}

/// A goreleaser release run where no config file is (`goreleaser release` in a repository with
/// no `.goreleaser.yml`) uses goreleaser's defaults ("could not find a config file, using
/// defaults"): darwin builds, `-s -w` and `-X main.date={{.Date}}` ldflags, no `-trimpath`.
/// That config is read as the file goreleaser looked for (`.goreleaser.yml` in the folder it
/// runs in), evaluated as its run calls it, and its findings are said at the run's line. One per
/// repository, at its first releasing run; none where the tree has any goreleaser config.
fn add_default_goreleaser_configs(definitions: &mut Vec<LoadedDefinition>, files: &[PathBuf]) {
    // The config files of the walk, found once: a repository that has one never uses defaults.
    let configs: Vec<&PathBuf> =
        files.iter().filter(|f| source::kind_of(f, b"") == Some(source::Kind::Goreleaser)).collect();
    let mut added: Vec<LoadedDefinition> = Vec::new();
    for l in definitions.iter().filter(|l| l.text.contains("goreleaser")) {
        let file = Path::new(&l.display);
        // make runs a recipe in its Makefile's folder; CI and scripts run in the repository's
        // (the nearest folder with a go.mod, within the scan).
        let own_folder = file.parent().unwrap_or(Path::new(""));
        let repository = match l.kind {
            source::Kind::Makefile | source::Kind::Taskfile => own_folder,
            _ => own_folder
                .ancestors()
                .take_while(|a| a.starts_with(&l.scan_root))
                .find(|a| a.join("go.mod").is_file())
                .unwrap_or(&l.scan_root),
        };
        // Checked before the file is read for its runs, which most trees never need.
        if configs.iter().any(|f| f.starts_with(repository)) {
            continue;
        }
        let defs = Defs::new(&l.display, &l.text, l.kind, &l.parsed);
        let Some(placed) = defs.goreleaser_runs_placed().into_iter().find(|p| p.run.releases && p.run.config.is_none())
        else {
            continue;
        };
        let folder = match placed.dir.as_ref().map(|d| d.as_known()) {
            None => repository.to_path_buf(),
            Some(Some(dir)) if !dir.starts_with('/') => repository.join(dir),
            // A folder no file states.
            Some(_) => continue,
        };
        let looked_for = folder.join(".goreleaser.yml");
        // The default build compiles the folder's package (`main: .`): without a main package
        // there it fails, and nothing is released.
        if !holds_main_package(&folder) || added.iter().any(|a| a.display == looked_for.display().to_string()) {
            continue;
        }
        let Some(config) = crate::defs::goreleaser::defaults_at(placed.at) else { continue };
        let mut origins = crate::defs::text::Origins::default();
        origins.push(0, &l.display, 0, 1);
        added.push(LoadedDefinition {
            display: looked_for.display().to_string(),
            text: l.text.clone(),
            included: Some((String::new(), origins)),
            kind: source::Kind::Goreleaser,
            parsed: source::Parsed::Goreleaser(config),
            scan_root: l.scan_root.clone(),
            notes: Vec::new(),
            folder_purpose: l.folder_purpose,
        });
    }
    definitions.extend(added);
}

/// Whether a folder holds a Go file of package main (not a test), by its package clause.
fn holds_main_package(folder: &Path) -> bool {
    // The scan's root as given (`check .` walks from "").
    let folder = if folder.as_os_str().is_empty() { Path::new(".") } else { folder };
    let Ok(entries) = std::fs::read_dir(folder) else { return false };
    entries.flatten().map(|e| e.path()).any(|p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if !name.ends_with(".go") || name.ends_with("_test.go") || !p.is_file() {
            return false;
        }
        let mut head = [0u8; 4096];
        let read = open_regular(&p).ok().and_then(|mut f| shiplint_archive::read_up_to(&mut f, &mut head).ok());
        let text = String::from_utf8_lossy(&head[..read.unwrap_or(0)]);
        crate::defs::gosrc::package_name(&text).as_deref() == Some("main")
    })
}

/// Scans `paths` in parallel; results come back in a stable order.
pub fn scan(paths: &[PathBuf], options: &BinaryOptions, config: &Config, progress: &Progress) -> ScanResult {
    let crate::walk::Walked { files, notes, mut errors } = discover(paths);
    let modules = ModuleCache::default();
    progress.total.store(files.len(), Ordering::Relaxed);
    let named: Vec<&PathBuf> = paths.iter().filter(|p| p.is_file()).collect();
    let per_file: Vec<(PathBuf, FileOutcome)> = files
        .par_iter()
        .map(|p| {
            // The path the user named that the file was found under: only folders below it say
            // what the file is for (`shiplint check examples/x` judges x as a release).
            let root = paths.iter().filter(|r| p.starts_with(r)).max_by_key(|r| r.as_os_str().len());
            let root = root.map_or(Path::new(""), PathBuf::as_path);
            let outcome = check_file(p, named.contains(&p), root, options, config);
            progress.done.fetch_add(1, Ordering::Relaxed);
            (p.clone(), outcome)
        })
        .collect();
    let mut result = ScanResult { files: files.len(), notes, ..Default::default() };
    let mut release = ReleaseFacts::default();
    let mut definitions = Vec::new();
    for (path, r) in per_file {
        match r {
            Ok(Scanned::GoExecutable(f, shipped)) => {
                result.go_executables += 1;
                result.findings.extend(f);
                release.shipped.push(*shipped);
            }
            Ok(Scanned::Archive(r)) => {
                result.go_executables += r.shipped.len();
                result.findings.extend(r.findings);
                release.shipped.extend(r.shipped);
                errors.extend(r.unreadable.into_iter().map(|(path, message)| ScanError { path, message }));
            }
            Ok(Scanned::Checksums(sums)) => release.checksums.push(sums),
            Ok(Scanned::BuildDefinition(loaded)) => definitions.push(*loaded),
            Ok(Scanned::Image(f, go)) => {
                result.images += 1;
                result.go_executables += go;
                result.findings.extend(f);
            }
            Ok(Scanned::Other) => {}
            Err(message) => errors.push(ScanError { path: path.display().to_string(), message }),
        }
    }
    result.build_definitions = definitions.len();
    // ARGs a `docker build` of the tree passes: a Dockerfile's defaults for them are not what is built.
    let mut passed = std::collections::BTreeSet::new();
    for d in &definitions {
        crate::defs::dockerfile::build_args_passed(&d.text, &mut passed);
    }
    if !passed.is_empty() {
        for d in definitions.iter_mut().filter(|d| d.kind == source::Kind::Dockerfile) {
            d.parsed = source::parse_dockerfile(&d.text, &passed);
        }
    }
    add_default_goreleaser_configs(&mut definitions, &files);
    // The files of each tree walked, for builds that name folders the repository lacks.
    let mut trees = HashMap::new();
    for d in &definitions {
        trees.entry(d.scan_root.clone()).or_insert_with(|| Tree::of(&d.scan_root, &files));
    }
    for (loaded, (findings, notes)) in
        definitions.iter().zip(judge_definitions(&definitions, &modules, &trees, options, config))
    {
        result.findings.extend(findings);
        let path = &loaded.display;
        result.notes.extend(notes.into_iter().map(|message| ScanError { path: path.clone(), message }));
    }
    // Release rules judge the files together: names, duplicates, checksums.
    let mut release_findings = Vec::new();
    for rule in RULES.iter().filter(|r| config.is_selected(r.meta.name)) {
        if let Some(check) = rule.release {
            check(&release, &mut release_findings);
        }
    }
    result.findings.extend(release_findings.into_iter().filter_map(|f| config.apply(f)));
    result.findings.sort_by(|a, b| (&a.location, a.code).cmp(&(&b.location, b.code)));
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    result.errors = errors;
    result
}
