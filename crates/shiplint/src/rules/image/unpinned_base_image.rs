use crate::defs::dockerfile;
use crate::defs::images::{self, BaseImage};
use crate::finding::Finding;
use crate::rules::Defs;
use crate::rules::DefsFindings;

declare_rule! {
    /// ## What it does
    /// Finds `FROM` lines whose image has no tag, or the `latest` tag (and no digest), and Go
    /// toolchain images whose tag names no Go release (`golang:alpine`, `golang:alpine3.23`,
    /// `golang:1-bookworm`);
    /// a base a build argument chooses (`FROM ${BASE_IMAGE}`) is judged as the scan's image
    /// builds pass it (`--build-arg`, build-push-action's `build-args:`), and a tag that is a
    /// build argument the repository's Makefiles set to a written-out value (`ARG
    /// BASE_VERSION=latest` with `BASE_VERSION ?= 1.2.3` in the Makefile, which the project's
    /// build tool passes) is not judged by its default.
    /// Dockerfiles that are not released (development, test and example images, by their name
    /// or folder) and, in a Go project, images that neither build nor ship a Go program (a docs
    /// site, a test harness) are left alone. A ko config (`.ko.yaml`) is judged the same way when
    /// a ko command of the scan pushes its images: its `defaultBaseImage`, and the
    /// `baseImageOverrides` entry of each package pushed (ko's own default base, used when the
    /// config names none, is not: no line of the project chose it). So is the `base_image` of
    /// each goreleaser `kos:` entry of a config that releases (goreleaser builds and pushes those
    /// images with ko; its default, `cgr.dev/chainguard/static`, is not judged). A `FROM` naming a build
    /// context that a `docker-bake.hcl` beside the Dockerfile (or at the repository root) gives
    /// (`contexts = { php-base = "docker-image://php:8.4-zts" }`) is that context, not an image.
    /// Nor is a placeholder a script replaces before the build (`FROM BASEIMAGE`, rewritten with
    /// `sed`): Docker refuses capital letters in a repository's name, so it is never pulled.
    ///
    /// ## Why is this bad?
    /// The image changes under the build: a rebuild of the same commit gets another Go release,
    /// another C library or another base, and a build that worked yesterday breaks or, worse,
    /// ships something different without anyone deciding it.
    ///
    /// ## What really happens
    /// An untagged reference means `:latest`, which a registry moves whenever it likes. With the
    /// Go toolchain image that changes the Go release itself (the official images set
    /// `GOTOOLCHAIN=local`, so a go.mod asking for a newer Go fails the build rather than
    /// downloading one). A version tag (`golang:1.27.3`) is the minimum; a digest
    /// (`@sha256:...`) pins the exact bytes, and should pin a release that is still supported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:alpine AS build
    /// FROM alpine:latest
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.27.3 AS build
    /// FROM alpine:3.23@sha256:...
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: the version to pin is a decision.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#from>
    rule {
        code: "SL203",
        name: "unpinned-base-image",
        level: Warning,
        summary: "a base image without a version tag or digest (or :latest)",
        defs: check,
    }
}

pub fn check(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    // A ko config whose images are pushed: each base image written there.
    if let (Some(config), Some(published)) = (defs.ko_config(), &defs.ko_published) {
        for (reference, span) in config.bases(published) {
            if let Some(problem) = unpinned(&images::classify(reference)) {
                let message = format!(
                    "base image {reference} {problem}: every image ko pushes ({} runs it) may get a different base",
                    published.at
                );
                out.push(defs.finding(&META, *span, message, "pin a version tag, or better a digest (@sha256:...)"));
            }
        }
        return;
    }
    // goreleaser's `kos:` images, pushed when it releases.
    if let Some(g) = defs.goreleaser.filter(|_| defs.goreleaser_released != Some(false)) {
        for (reference, span) in g.kos.iter().filter_map(|k| k.base_image.as_ref()) {
            if let Some(problem) = unpinned(&images::classify(reference)) {
                let message = format!(
                    "base image {reference} {problem}: every image goreleaser builds with ko (kos:) may get a \
                     different base"
                );
                out.push(defs.finding(&META, *span, message, "pin a version tag, or better a digest (@sha256:...)"));
            }
        }
        return;
    }
    let Some(d) = defs.dockerfile else { return };
    let built = defs.stages_in_built_images();
    let in_built_image =
        |s: &dockerfile::Stage| built.as_ref().is_none_or(|b| b.get(s.index).copied().unwrap_or(false));
    // A base a build argument chooses (`FROM ${BASE_IMAGE}`) is judged as each image build of
    // the scan passes it.
    let bases: Vec<(&dockerfile::Stage, String, BaseImage)> = d
        .stages
        .iter()
        .filter(|s| s.parent.is_none() && in_built_image(s))
        .flat_map(|s| match s.reference().filter(|r| !r.is_empty()) {
            // An image of a registry on the build machine is one an earlier step of the same
            // build made, not one pulled from elsewhere (`bases_given` leaves those out too).
            // Nor is a placeholder a script replaces before the build (`FROM BASEIMAGE`).
            Some(r) if images::from_local_registry(&r) || images::is_placeholder(&r) => Vec::new(),
            Some(r) => vec![(s, s.base.display(), images::classify(&r))],
            None => defs
                .bases_given(s.index)
                .into_iter()
                .filter(|(_, _, from)| from.index == s.index)
                .map(|(r, base, _)| {
                    (s, format!("{} (given as {r} by an image build of the scan)", s.base_written), base)
                })
                .collect(),
        })
        .collect();
    // A development or test image, or one that neither builds nor ships Go in a Go project
    // (a docs site, a test harness that installs Go from its package manager), ships no Go
    // program.
    let concerns_go = d.stages.iter().any(|s| defs.stage_ships_go_program(s.index))
        || bases.iter().any(|(_, _, img)| img.go_toolchain)
        || defs.module().is_none();
    if defs.not_for_release().is_some() || !concerns_go {
        return;
    }
    let contexts = bake_contexts(defs);
    // A tag that is a build argument the repository's Makefiles set (`FROM base:${BASE_VERSION}`
    // with `ARG BASE_VERSION=latest`, and `BASE_VERSION ?= 1.2.3` in the Makefile) is the one
    // its builds pass, whatever the default says.
    let tag_set_elsewhere = |s: &dockerfile::Stage| {
        let tag = s.base_written.rsplit_once(':').map_or("", |(_, tag)| tag);
        let name = tag.strip_prefix("${").and_then(|t| t.strip_suffix('}')).or_else(|| tag.strip_prefix('$'));
        name.is_some_and(|n| defs.variables_set_by_makefiles.iter().any(|v| v == n))
    };
    let judged = |s: &dockerfile::Stage| !contexts.contains(&s.base_written) && !tag_set_elsewhere(s);
    for (s, reference, img) in bases.into_iter().filter(|(s, _, _)| judged(s)) {
        let Some(problem) = unpinned(&img) else { continue };
        let message = format!("base image {reference} {problem}: every build may get a different image");
        out.push(defs.finding(&META, s.base_span, message, "pin a version tag, or better a digest (@sha256:...)"));
    }
}

/// What leaves a base image unpinned, if anything: no tag, `:latest`, or a Go toolchain image
/// whose tag names no Go release. A digest pins it; scratch is no image at all.
fn unpinned(img: &BaseImage) -> Option<&'static str> {
    if img.scratch || img.digest.is_some() {
        return None;
    }
    match img.tag.as_deref() {
        None => Some("has no tag, so it means :latest"),
        Some("latest") => Some("uses :latest"),
        // `golang:alpine`, `golang:1-bookworm`: a variant of whatever Go release is newest.
        Some(_) if img.go_toolchain && !img.go_release().is_some_and(|r| r.contains('.')) => {
            Some("names no Go release (1.N), so it means the newest")
        }
        Some(_) => None,
    }
}

/// The `docker buildx bake` files that may build a Dockerfile: in its folder, and at the root
/// of its repository when that is another folder (a Dockerfile found walking `.` lies in the
/// folder "", which is the root), with that root. Named, not checked to exist.
pub fn bake_files<'a>(defs: &Defs<'a>) -> Option<(&'a std::path::Path, Vec<std::path::PathBuf>)> {
    let root = defs.scan_root.map(crate::reach::repository_of)?;
    let dir = std::path::Path::new(defs.path).parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(root);
    let mut folders = vec![dir];
    if root != dir {
        folders.push(root);
    }
    let names = ["docker-bake.hcl", "docker-bake.json", "docker-bake.override.hcl"];
    Some((root, folders.iter().flat_map(|f| names.iter().map(|n| f.join(n))).collect()))
}

/// The named build contexts the bake files next to a Dockerfile, or at the root of its
/// repository, define: the keys of their `contexts` blocks (HCL `name = "..."` or JSON
/// `"name": "..."`).
fn bake_contexts(defs: &Defs<'_>) -> Vec<String> {
    let Some((root, files)) = bake_files(defs) else { return Vec::new() };
    let mut names = Vec::new();
    for file in files {
        let Some(text) = crate::reach::read_named(defs, root, &file) else { continue };
        let mut depth = None;
        for line in text.lines().map(str::trim) {
            match depth {
                None if line.trim_start_matches('"').starts_with("contexts") && line.ends_with('{') => {
                    depth = Some(1);
                }
                None => {}
                Some(d) => {
                    let d = (d + line.matches('{').count()).saturating_sub(line.matches('}').count());
                    if let Some((key, _)) = line.split_once(['=', ':']).filter(|_| d == 1) {
                        names.push(key.trim().trim_matches('"').to_string());
                    }
                    depth = (d > 0).then_some(d);
                }
            }
        }
    }
    names
}
