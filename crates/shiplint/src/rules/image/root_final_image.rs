use crate::defs::dockerfile;
use crate::finding::Finding;
use crate::image::ImageFacts;
use crate::rules::Defs;
use crate::rules::DefsFindings;

declare_rule! {
    /// ## What it does
    /// Finds Dockerfiles that build a Go program whose final image runs as root: no `USER` in
    /// the final stage (or the stages it is built on) and a base image that does not set a
    /// non-root user, or a last `USER` that is root. A Go program is a `go build` of the file or
    /// of a script it runs, a file named like one of the module's programs (or that name with a
    /// platform after a dash, `app-linux-amd64`), or the program the image starts copied from a
    /// stage on a Go toolchain image (whatever drove that build).
    /// Where the tree's image builds name the stages they build (`docker build --target`,
    /// `target:` of docker/build-push-action or hashicorp/actions-docker-build), each of those
    /// images is judged instead of the last stage: a target named for development or tests, one
    /// that starts nothing (a builder stage CI builds to run tests in) or one built for the
    /// builder's platform (`FROM --platform=$BUILDPLATFORM`) is not an image that runs. A base
    /// a build argument chooses (`FROM ${BASE_IMAGE}`) is judged as the scan's image builds
    /// pass it (`--build-arg`, build-push-action's `build-args:` in each matrix combination):
    /// one base that runs as root is enough. A `USER ${USERNAME}` runs as its ARG default
    /// (`ARG USERNAME=root`) unless every release build passes the argument (a test build's
    /// `--build-arg USERNAME=$(id -un)` does not count). Beside images the repository publishes (a release
    /// workflow's push, goreleaser's `dockers:`, a ko command that pushes), a Dockerfile that
    /// only places for tests, development or tooling build (`make docker-dev`, a compose file),
    /// only files that push no image build (`docker build` in a Makefile with no `docker
    /// push`), or nothing builds, is not judged. In an
    /// image that holds a Go executable, it reads the config's `User` (empty, `root`, `0`,
    /// `0:…`). For a ko config whose images
    /// a ko command of the scan pushes, it finds the base images (`defaultBaseImage`, a pushed
    /// package's `baseImageOverrides` entry) that run as root when no command sets a user: ko
    /// keeps the base image's user unless `ko build --image-user` gives one (checked in ko's
    /// `pkg/build/gobuild.go` and `pkg/commands/options/build.go`). The same holds for the
    /// images of goreleaser's `kos:` entries in a config that releases: a `base_image` that
    /// runs as root and no `user:` (goreleaser's default base, `cgr.dev/chainguard/static`,
    /// runs as nonroot). Windows images: Nano Server runs programs as `ContainerUser` since
    /// Windows Server 1709 (Microsoft's container docs; official images that need administrator
    /// rights switch to `USER ContainerAdministrator` and back), so only its 2016 release
    /// (`sac2016`) and Server Core, which run as `ContainerAdministrator`, need a `USER`.
    ///
    /// ## Why is this bad?
    /// A compromised process runs as root inside the container: it can write anywhere in the
    /// image, and any container escape starts with root's privileges. A Go server needs none of
    /// that.
    ///
    /// ## What really happens
    /// Docker runs as uid 0 unless the image or the Dockerfile says otherwise (`docker run
    /// --user` and Kubernetes `runAsUser` override either way). `scratch` has no user database,
    /// but numeric ids work everywhere: `USER 65532:65532` is distroless's `nonroot`; distroless
    /// images without the `:nonroot` tag run as root, and Chainguard images typically, not
    /// always, run as non-root. A base repository named for it (`eks-distro-minimal-base-nonroot`,
    /// the non-root twin of `eks-distro-minimal-base`) is read as non-root, as the tag is. Binding a port below 1024 as non-root works in Docker 20.10+
    /// and Podman (they set `net.ipv4.ip_unprivileged_port_start=0`), not by default on
    /// Kubernetes or with host networking. A `scratch` image with no `ENTRYPOINT`, `CMD` or
    /// `USER` (in its stage or the stages it is built on) starts nothing: it is a payload for
    /// `docker build --output` or for other images to copy from, and is not judged (one that
    /// names a user, `USER 0:0`, is run with the command its users give); nor is a
    /// Go toolchain image that starts nothing, a build environment the binaries are copied out
    /// of (see toolchain-in-final-image). The image
    /// of a GitHub Docker action (an `action.yml` with `runs.using: docker` and `runs.image`
    /// naming the Dockerfile) is not judged either: GitHub's documentation says Docker actions
    /// must run as the default user, root, to write the workspace it mounts. Nor is an image
    /// that installs or copies a tool that switches users (`su-exec`, `gosu`, `s6-setuidgid`,
    /// `setpriv`, `chpst`, `runuser`, `sudo -u`) and gives a non-zero user id by default (`ENV
    /// PUID=1000`, or `ENV PUID=${USER_UID}` with `ARG USER_UID=1000`): it starts as root on
    /// purpose, and its entrypoint drops to that user before the program starts. With no id or
    /// `PUID=0` it stays root.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM scratch
    /// COPY --from=build /out/api /api
    /// ENTRYPOINT ["/api"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM scratch
    /// COPY --from=build /out/api /api
    /// USER 65532:65532
    /// ENTRYPOINT ["/api"]
    /// ```
    ///
    /// ## Fix
    /// `--fix` adds `USER 65532:65532` before the final stage's ENTRYPOINT or CMD (or at its
    /// end). Marked unsafe: a program that writes to root-owned paths, or binds a port below
    /// 1024 where the runtime does not allow it to non-root users, then needs changes.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#user>
    rule {
        code: "SL202",
        name: "root-final-image",
        level: Warning,
        summary: "the shipped image runs its program as root",
        defs: check,
        image: check_image,
    }
}

/// Tools an entrypoint runs to start the program as another user.
const PRIVILEGE_DROPPERS: &[&str] = &["su-exec", "gosu", "s6-setuidgid", "setpriv", "chpst", "runuser", "sudo"];

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name == "0" || name.eq_ignore_ascii_case("ContainerAdministrator")
}

pub fn check(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    // A ko config whose images are pushed: ko keeps the base image's user unless the command
    // sets one (`--image-user`).
    if let (Some(config), Some(published)) = (defs.ko_config(), &defs.ko_published) {
        if published.image_user {
            return;
        }
        for (reference, span) in config.bases(published) {
            if crate::defs::images::classify(reference).nonroot_by_default {
                continue;
            }
            let message = format!(
                "ko builds the images it pushes ({} runs it) on {reference}, which runs as root, and sets no user",
                published.at
            );
            let help =
                "use a nonroot base (`gcr.io/distroless/static-debian12:nonroot`) or `ko build --image-user 65532`";
            out.push(defs.finding(&META, *span, message, help));
        }
        return;
    }
    // goreleaser's `kos:` images, pushed when it releases: the base image's user unless `user:`.
    if let Some(g) = defs.goreleaser.filter(|_| defs.goreleaser_released != Some(false)) {
        for k in g.kos.iter().filter(|k| k.user.is_none()) {
            let Some((reference, span)) = &k.base_image else { continue };
            if crate::defs::images::classify(reference).nonroot_by_default {
                continue;
            }
            let message = format!(
                "goreleaser builds this kos: image with ko on {reference}, which runs as root, and sets no user"
            );
            let help = "add `user: \"65532:65532\"` to the kos: entry, or use a nonroot base";
            out.push(defs.finding(&META, *span, message, help));
        }
        return;
    }
    let Some(d) = defs.dockerfile else { return };
    // GitHub starts a Docker action's container as root, and documents that it must: the
    // action cannot write the workspace otherwise.
    if defs.github_action_image {
        return;
    }
    // Each image the scan builds from the file: the stages its builds ask for (`--target`).
    for index in defs.image_stages() {
        if let Some(stage) = d.stages.get(index) {
            check_stage(defs, d, stage, out);
        }
    }
}

/// Judges the image of one stage (the last, or one an image build asks for with `--target`).
fn check_stage(defs: &Defs<'_>, d: &dockerfile::Dockerfile, stage: &dockerfile::Stage, out: &mut Vec<Finding>) {
    if !defs.stage_ships_go_program(stage.index) {
        return;
    }
    // A scratch image that starts nothing is a payload (`docker build --output`, a stage other
    // images copy from): it never runs as any user. A toolchain image that starts nothing, or
    // one its builds only run where they build it, is a build environment, which the binaries
    // are copied out of.
    if defs.stage_is_build_environment(stage.index) {
        return;
    }
    // A base a build argument chooses (`FROM ${BASE_IMAGE}`) is judged as each image build of
    // the scan passes it: one that runs as root is enough.
    // A base image the scan builds itself (`docker build -t acme/base:local -f base.Dockerfile`)
    // runs as that Dockerfile says.
    let built_nonroot = |reference: &str| defs.nonroot_images_built.iter().any(|t| t == reference);
    let given = defs.bases_given(stage.index);
    let root_base = match d.root_image(stage.index) {
        Some((_, root)) if root.reference().is_some_and(|r| built_nonroot(&r)) => return,
        Some((base, _)) => Some((None, base)),
        None => given.into_iter().find(|(r, base, _)| !base.nonroot_by_default && !built_nonroot(r)).map(
            |(r, base, from)| {
                // Where the argument is read when that is not this stage's own FROM.
                let on = match from.index == stage.index {
                    true => format!("given as {r}"),
                    false => format!("built on {} given as {r}", from.base_written),
                };
                (Some(on), base)
            },
        ),
    };
    // One that names a user (`USER 0:0`) is run, with the command its users give.
    let payload = !d.starts_a_program(stage.index) && d.user(stage.index).is_none();
    if root_base.as_ref().is_some_and(|(_, base)| base.scratch) && payload {
        return;
    }
    // An image that installs a privilege-dropping tool and gives a user id by default starts as
    // root on purpose: its entrypoint switches to that user before the program runs
    // (`su-exec "$PUID:$PGID" app` with `ENV PUID=1000`). With no id, or `PUID=0`, it stays root.
    let instructions = || d.chain(stage.index).into_iter().flat_map(|s| &s.instructions);
    let switcher = instructions().any(|i| {
        let args = i.args.to_ascii_lowercase();
        (i.keyword == "RUN" || i.keyword == "COPY") && PRIVILEGE_DROPPERS.iter().any(|t| args.contains(t))
    });
    // ARG and ENV defaults in order, so that `ENV PUID=${USER_UID}` reads `ARG USER_UID=1000`.
    let mut defaults: Vec<(&str, &str)> = Vec::new();
    let mut user_id_given = false;
    for i in instructions() {
        for (name, value) in i.defaults() {
            let referenced = value.strip_prefix("${").and_then(|v| v.strip_suffix('}')).or(value.strip_prefix('$'));
            let value = match referenced {
                Some(other) => defaults.iter().rev().find(|(n, _)| *n == other).map_or(value, |(_, v)| *v),
                None => value,
            };
            let is_id = name.ends_with("UID") || name.ends_with("USER_ID");
            user_id_given |= i.keyword == "ENV" && is_id && value.parse::<u32>().is_ok_and(|id| id != 0);
            defaults.push((name, value));
        }
    }
    if switcher && user_id_given {
        return;
    }
    let image = d.image_called(stage);
    // Where the program starts: a USER must come before it.
    let anchor = stage.instructions.iter().find(|i| i.keyword == "ENTRYPOINT" || i.keyword == "CMD");
    let stage_end = stage.instructions.last().map_or(stage.from.end, |i| i.end);
    // `USER ${USER_UID}:${USER_GID}` runs as the ARG defaults, unless the image builds pass them.
    let user = d.user(stage.index).map(|(user, ins)| {
        let defaults: Vec<(&str, &str)> =
            defaults.iter().copied().filter(|(name, _)| !defs.build_arg_given(name)).collect();
        (crate::defs::dockerfile::substitute_defaults(user, &defaults), user, ins)
    });
    let (message, span) = match user {
        Some((user, written, ins)) if is_root(&user) => {
            let how = match user == written {
                true => String::new(),
                false => format!(" (USER {written}, with the defaults its ARG and ENV give)"),
            };
            (format!("{image} runs as {user}{how}"), (ins.start, ins.end))
        }
        Some(_) => return,
        None => {
            let base = match root_base {
                Some((_, base)) if base.nonroot_by_default => return,
                None => return,
                Some((None, _)) => stage.base_written.clone(),
                Some((Some(on), _)) => format!("{}, {on} by an image build of the scan", stage.base_written),
            };
            // The stage from its base image to where its program starts: no USER in it.
            let span = (stage.base_span.0, anchor.map_or(stage_end, |i| i.end));
            (format!("{image} ({base}) sets no USER: its program runs as root"), span)
        }
    };
    let mut finding = defs.finding(&META, span, message, "add USER 65532:65532 (a numeric id works even on scratch)");
    let (at, text) = match anchor {
        Some(i) => (i.start, "USER 65532:65532\n".to_string()),
        None => (stage_end, "\nUSER 65532:65532".to_string()),
    };
    let description = "run as USER 65532:65532 (unsafe: the program loses root's file and port privileges)";
    finding.fix = defs.insertion(at, &text, description, false);
    out.push(finding);
}

/// Whether a Dockerfile's final image runs its program as non-root: a non-root last USER, or
/// none and a base that does (see `check_stage`).
pub fn runs_as_nonroot(d: &dockerfile::Dockerfile) -> bool {
    let Some(last) = d.stages.last() else { return false };
    match d.user(last.index) {
        Some((user, _)) => !user.is_empty() && !user.contains('$') && !is_root(user),
        None => d.root_image(last.index).is_some_and(|(base, _)| base.nonroot_by_default),
    }
}

pub fn check_image(image: &ImageFacts, out: &mut Vec<Finding>) {
    if !image.executables.values().any(|e| e.is_go) {
        return;
    }
    let user = image.run.user.as_deref().unwrap_or("").trim();
    let name = user.split(':').next().unwrap_or("");
    if !(name.is_empty() || name == "root" || name == "0") {
        return;
    }
    let message = match user {
        "" => "the image runs as root: its config sets no User, and the default is uid 0".to_string(),
        u => format!("the image runs as root: its config User is {u}"),
    };
    out.push(image.finding(
        &META,
        "config User",
        message,
        "set USER 65532:65532 (distroless's nonroot) in the final stage",
    ));
}
