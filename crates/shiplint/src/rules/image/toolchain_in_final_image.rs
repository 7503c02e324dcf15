use crate::finding::Finding;
use crate::image::{ImageFacts, size};
use crate::rules::Defs;
use crate::rules::DefsFindings;

declare_rule! {
    /// ## What it does
    /// Finds Dockerfiles that build a Go program and ship it in an image based on a Go toolchain
    /// image (`golang:*`), directly or through a stage built on one: the final image, or each
    /// image the tree's builds ask for with `--target` (see root-final-image for which targets
    /// count as images). In an image, it finds the Go toolchain (the `go` command, recognised by
    /// its BuildInfo path `cmd/go`, wherever it is installed) and C compilers, and says how many
    /// bytes they cost.
    ///
    /// ## Why is this bad?
    /// The image carries the whole toolchain, a C compiler, git and the source tree: hundreds of
    /// megabytes that production never uses, and the vulnerability reports that come with them.
    ///
    /// ## What really happens
    /// A Go toolchain tree alone is about 220–250 MB (217 MB for go1.21.13, 253 MB for
    /// go1.27.3); a Debian-based `golang` image adds gcc, g++ and git on top. `gcr.io/distroless/static` is about 2 MB (CA certificates, tzdata, a
    /// passwd with `nonroot`; no libc, no shell); `distroless/base` adds glibc for cgo binaries;
    /// `scratch` has no CA certificates or tzdata (TLS and time zones fail unless embedded).
    ///
    /// A toolchain image with no `ENTRYPOINT` or `CMD` (in its stage or the stages it is built
    /// on) starts no program: it is a build environment, from which the binaries are copied
    /// (`docker cp`, `docker build --output`) or in which CI builds, and is not judged.
    ///
    /// A program that loads Go packages with `golang.org/x/tools/go/packages` (code generators
    /// and linters such as mockery or golangci-lint) runs `go list` at run time: it needs the
    /// toolchain in its image, and a module whose code imports that package is not judged.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.27
    /// COPY . .
    /// RUN go build -o /api ./cmd/api
    /// ENTRYPOINT ["/api"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM golang:1.27 AS build
    /// COPY . .
    /// RUN CGO_ENABLED=0 go build -trimpath -o /out/api ./cmd/api
    /// FROM gcr.io/distroless/static-debian13:nonroot
    /// COPY --from=build /out/api /api
    /// ENTRYPOINT ["/api"]
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: splitting a build into stages changes what the image contains.
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/multi-stage/>
    /// - <https://github.com/GoogleContainerTools/distroless>
    rule {
        code: "SL201",
        name: "toolchain-in-final-image",
        level: Warning,
        summary: "the shipped image is based on a Go toolchain image",
        defs: check,
        image: check_image,
    }
}

pub fn check(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    let Some(d) = defs.dockerfile else { return };
    // Each image the scan builds from the file (the last stage, or those `--target` asks for)
    // that holds a Go program built here, by a make target or script a RUN runs, or packed by
    // goreleaser; not a development or test image.
    // Asked once, and only of an image that would be reported.
    let mut runs_go_list = None;
    for stage in defs.image_stages().into_iter().filter_map(|i| d.stages.get(i)) {
        if !defs.stage_ships_go_program(stage.index) || defs.stage_is_build_environment(stage.index) {
            continue;
        }
        let Some((base, root)) = d.root_image(stage.index) else { continue };
        if !base.go_toolchain {
            continue;
        }
        let needs_go = *runs_go_list
            .get_or_insert_with(|| defs.module().is_some_and(|m| m.imports("golang.org/x/tools/go/packages")));
        if needs_go {
            continue;
        }
        let via =
            if root.index == stage.index { String::new() } else { format!(" (through stage {})", stage.base_written) };
        let image = d.image_called(stage);
        let message = format!(
            "{image} is based on {}{via}: the Go toolchain, compilers and sources ship with the program",
            root.base_written
        );
        let help = "build in a golang stage, then COPY --from it into a small final stage (distroless/static, scratch)";
        out.push(defs.finding(&META, stage.base_span, message, help));
    }
}

pub fn check_image(image: &ImageFacts, out: &mut Vec<Finding>) {
    let total = image.file_bytes();
    for (path, exe) in image.go_commands() {
        // GOROOT is the folder above bin/go.
        let goroot = path.strip_suffix("/bin/go").unwrap_or(path);
        let bytes: u64 = image.fs.under(goroot).map(|(_, n)| n.size).sum();
        let release = exe.go_version.as_deref().unwrap_or("an unknown release");
        let message = format!(
            "the image ships the Go toolchain ({release}) at /{goroot}: {} of its {} of files",
            size(bytes),
            size(total)
        );
        out.push(image.finding(
            &META,
            &format!("/{path}"),
            message,
            "build in a golang stage and COPY --from it only the binary into a small final image",
        ));
    }
    let compilers = image.c_compilers();
    if let Some(first) = compilers.first() {
        let more = match compilers.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        let message = format!("the image ships a C compiler: {first}{more}");
        out.push(image.finding(&META, first, message, "leave compilers in the build stage"));
    }
}
