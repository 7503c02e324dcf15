use crate::defs::dockerfile::Dockerfile;
use crate::defs::images::Libc;
use crate::finding::Finding;
use crate::image::ImageFacts;
use crate::rules::Defs;
use crate::rules::DefsFindings;
use shiplint_archive::fs::ResolveError;

declare_rule! {
    /// ## What it does
    /// Finds Dockerfiles where a Go binary is built with cgo left on in one C library's world
    /// (a glibc `golang` image, or a musl one with gcc installed) and copied into a final image
    /// with another C library or none (alpine, distroless/static, scratch): the file the build
    /// writes, where it is known, must be one the final stage copies out. And goreleaser
    /// `dockers:` and `dockers_v2:` images (read from their Dockerfile) that take a linux/amd64 build leaving cgo
    /// to its default, which is on where goreleaser runs on amd64 with gcc. In an image, it
    /// finds the entrypoint or any Go executable whose ELF interpreter (dynamic loader) the
    /// image does not have, and names the missing path.
    ///
    /// ## Why is this bad?
    /// If the program links any cgo-using package, the binary is dynamically linked against the
    /// builder's C library, and the final image does not have its loader: the container dies at
    /// start with the misleading `exec /api: no such file or directory`. The missing file is the
    /// ELF interpreter, not the binary.
    ///
    /// ## What really happens
    /// Checked with Go 1.21, 1.23 and 1.27: with gcc present (every Debian-based `golang` image)
    /// `CGO_ENABLED=1` is the default, and a program that links `net` (and so `net/http`),
    /// `os/user` or any `import "C"` becomes dynamic (PT_INTERP `/lib64/ld-linux-x86-64.so.2`,
    /// DT_NEEDED `libc.so.6`) unless built with `-tags netgo,osusergo`. A program that links none
    /// of them stays static even with cgo on, so this rule says "may". `golang:*-alpine` has no
    /// gcc, and since Go 1.20 cgo then defaults to off. Cross builds default to off too, but
    /// only when GOOS/GOARCH differ from the Go toolchain's own: `GOOS=linux GOARCH=amd64 go
    /// build` on an amd64 builder, common in Dockerfiles, keeps cgo on (verified with Go 1.21
    /// and 1.27). Alpine has `/lib/ld-musl-x86_64.so.1`; a final image that installs `gcompat`
    /// or `libc6-compat` also has the glibc loader path, a shim that resolves glibc symbols
    /// against musl, and is not reported (whether every C library a cgo program needs is there
    /// is not checked); distroless/static and scratch have no loader at all. A build the external linker
    /// links statically (`-ldflags '-linkmode external -extldflags -static'`, how cgo programs
    /// such as SQLite users ship to alpine) needs no loader and is not reported; goreleaser's
    /// top-level `env:` (`CGO_ENABLED=0`) applies to every build under the builds' own.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.27 AS build
    /// COPY . .
    /// RUN go build -o /out/api ./cmd/api
    /// FROM alpine:3.23
    /// COPY --from=build /out/api /api
    /// ENTRYPOINT ["/api"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN CGO_ENABLED=0 go build -o /out/api ./cmd/api
    /// ```
    ///
    /// ## Fix
    /// `--fix` puts `CGO_ENABLED=0` in front of the `go build` command. A program that really
    /// uses cgo (`import "C"`) then fails to build and needs a final image with the builder's C
    /// library instead.
    ///
    /// ## References
    /// - <https://pkg.go.dev/cmd/cgo>
    /// - <https://pkg.go.dev/net#hdr-Name_Resolution>
    rule {
        code: "SL204",
        name: "libc-mismatch",
        level: Warning,
        summary: "a cgo-enabled build is copied into an image without the builder's C library",
        defs: check,
        image: check_image,
    }
}

/// What C library loaders an image has, for the message.
fn loaders(image: &ImageFacts) -> String {
    let found = image.loaders();
    if found.is_empty() { "no dynamic loader at all".into() } else { format!("only {}", found.join(", ")) }
}

pub fn check_image(image: &ImageFacts, out: &mut Vec<Finding>) {
    let entrypoint = image.command().first().and_then(|p| image.locate(p).ok());
    for (path, exe) in &image.executables {
        let is_entrypoint = entrypoint.as_deref() == Some(path.as_str());
        let Some(interpreter) = exe.interpreter.as_deref().filter(|_| exe.is_go || is_entrypoint) else { continue };
        let missing = match image.fs.resolve(interpreter) {
            Ok(_) => continue,
            Err(ResolveError::Missing(p) | ResolveError::Loop(p)) => p,
        };
        let what = if is_entrypoint { "the entrypoint" } else { "the Go executable" };
        let gone = if format!("/{missing}") == interpreter {
            "it is not there".to_string()
        } else {
            format!("/{missing} does not exist in the image")
        };
        let message = format!(
            "{what} /{path} needs the dynamic loader {interpreter}, and the image has {}: starting it fails with \
             \"no such file or directory\", which means the loader, not the binary ({gone})",
            loaders(image)
        );
        out.push(image.finding(
            &META,
            &format!("/{path} ELF interpreter"),
            message,
            "rebuild with CGO_ENABLED=0 (a static binary needs no loader), or ship it in an image with its C library",
        ));
    }
}

/// Whether a RUN before `before` in the stage chain installs one of `packages`.
fn installs_any(d: &Dockerfile, stage: usize, before: usize, packages: &[&str]) -> bool {
    d.chain(stage).iter().flat_map(|s| s.instructions.iter().filter(move |i| s.index != stage || i.start < before)).any(
        |i| {
            i.keyword == "RUN"
                && (i.args.contains("apk add")
                    || i.args.contains("apt-get install")
                    || i.args.contains("apt install")
                    || i.args.contains("dnf install")
                    || i.args.contains("yum install"))
                && i.args.split_whitespace().any(|w| packages.contains(&w))
        },
    )
}

const C_COMPILERS: &[&str] = &["gcc", "build-base", "build-essential", "clang", "musl-dev", "g++"];
/// Alpine packages that put a glibc loader (`/lib64/ld-linux-x86-64.so.2`) beside musl's.
const GLIBC_SHIMS: &[&str] = &["gcompat", "libc6-compat"];

/// Whether a musl final image installs a glibc loader shim, which starts a glibc-linked Go binary.
fn has_glibc_shim(d: &Dockerfile, stage: usize) -> bool {
    installs_any(d, stage, usize::MAX, GLIBC_SHIMS)
}

/// goreleaser `dockers:` images built from a Dockerfile whose final image has no glibc, holding a
/// linux/amd64 build that leaves cgo to its default (on, on an amd64 runner with gcc).
fn check_goreleaser_dockers(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    let Some(g) = defs.goreleaser else { return };
    let dir = std::path::Path::new(defs.path).parent().unwrap_or(std::path::Path::new(""));
    for docker in &g.dockers {
        let Some(text) = crate::reach::read_named(defs, dir, &dir.join(&docker.dockerfile)) else { continue };
        let d = crate::defs::dockerfile::parse(&text);
        let Some(last) = d.stages.last() else { continue };
        let Some((base, _)) = d.root_image(last.index) else { continue };
        if !matches!(base.libc, Libc::Musl | Libc::None) || base.libc == Libc::Musl && has_glibc_shim(&d, last.index) {
            continue;
        }
        let target = (docker.goos.clone(), docker.goarch.clone());
        for b in g.builds.iter().filter(|b| docker.ids.is_empty() || docker.ids.contains(&b.id)) {
            let invocation = b.invocation(&target, &[]);
            if !b.targets.contains(&target) || invocation.links_statically() {
                continue;
            }
            let cgo = match invocation.env_value("CGO_ENABLED") {
                Some("1") => "CGO_ENABLED=1",
                // Native builds default to cgo on when gcc is there: an amd64 runner for amd64.
                None if target == ("linux".to_string(), "amd64".to_string()) => {
                    "cgo left on (the default on an amd64 runner with gcc, such as GitHub's ubuntu runners)"
                }
                _ => continue,
            };
            let message = format!(
                "goreleaser builds {} for {}/{} with {cgo}, and dockers packs it into {} based on {} ({}): if the \
                 program links net, os/user or cgo, it needs the glibc loader and fails to start with \"no such file \
                 or directory\"",
                b.id,
                target.0,
                target.1,
                docker.dockerfile,
                last.base_written,
                base.libc.describe()
            );
            out.push(defs.finding(&META, docker.span, message, "add `env: [CGO_ENABLED=0]` to the build"));
        }
    }
}

pub fn check(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    check_goreleaser_dockers(defs, out);
    let Some(d) = defs.dockerfile else { return };
    let Some(last) = d.stages.last() else { return };
    let Some((final_base, _)) = d.root_image(last.index) else { return };
    if final_base.libc == Libc::Unknown {
        return;
    }
    // Stages whose output the final stage copies in.
    let copied_from: Vec<usize> = last
        .instructions
        .iter()
        .filter(|i| i.keyword == "COPY")
        .filter_map(|i| d.copy_from(i))
        .map(|s| s.index)
        .collect();
    out.extend(defs.judge_each_command(|b| {
        let inv = &b.invocation;
        let Some(stage) = b.stage else { return Vec::new() };
        if !copied_from.contains(&stage)
            || d.chain(last.index).iter().any(|s| s.index == stage)
            || inv.links_statically()
            || defs.rebuilt_later_in_stage(b)
            || !defs.copied_into_image(b)
        {
            return Vec::new();
        }
        let Some((builder, builder_root)) = d.root_image(stage) else { return Vec::new() };
        let cgo = match inv.env_value("CGO_ENABLED") {
            Some("0") => return Vec::new(),
            Some("1") => "CGO_ENABLED=1",
            Some(_) => return Vec::new(),
            None if inv.env_set("CGO_ENABLED") => return Vec::new(), // set from an unknown value
            // Cross builds default to cgo off; so does a builder without a C compiler.
            None if inv.env_set("GOOS") || inv.env_set("GOARCH") => return Vec::new(),
            None if builder.c_compiler || installs_any(d, stage, inv.span.0, C_COMPILERS) => {
                "cgo on by default (a C compiler is present)"
            }
            None => return Vec::new(),
        };
        if !matches!(builder.libc, Libc::Glibc | Libc::Musl) || builder.libc == final_base.libc {
            return Vec::new();
        }
        if builder.libc == Libc::Glibc && final_base.libc == Libc::Musl && has_glibc_shim(d, last.index) {
            return Vec::new();
        }
        let message = format!(
            "built with {cgo} on {} ({}) and copied into {} ({}): if the program links net, os/user or cgo, \
             it needs the {} loader and fails to start with \"no such file or directory\"",
            builder_root.base_written,
            builder.libc.describe(),
            last.base_written,
            final_base.libc.describe(),
            builder.libc.describe(),
        );
        let mut finding = defs.finding(
            &META,
            inv.span,
            message,
            "build with CGO_ENABLED=0, or use a final image with the builder's C library",
        );
        finding.related.push(defs.location(last.base_span.0, last.base_span.1));
        let description = "build with CGO_ENABLED=0 (a static binary)";
        finding.fix = defs.insertion(inv.span.0, "CGO_ENABLED=0 ", description, true);
        vec![finding]
    }));
}
