use crate::finding::Finding;
use crate::release::ReleaseFacts;
use crate::rules::libc_dynamic::libc_family;

declare_rule! {
    /// ## What it does
    /// Finds Linux packages that promise one C library and ship an executable that needs the
    /// other: a `manylinux` wheel (glibc) whose Go executable's program interpreter is musl's
    /// (`/lib/ld-musl-x86_64.so.1`), a `musllinux` wheel (Alpine) whose executable needs glibc's
    /// `ld-linux`, an npm package whose `package.json` says `"libc": ["glibc"]` or `["musl"]`
    /// and holds the other. Statically linked executables (the Go default without cgo) run on
    /// both and are never reported.
    ///
    /// ## Why is this bad?
    /// pip on Alpine installs `musllinux` wheels and on glibc systems `manylinux` ones; npm
    /// skips packages whose `libc` does not match. The executable they install fails with
    /// "no such file or directory" (the missing file is its interpreter, not itself), on exactly
    /// the systems the tag was meant to serve.
    ///
    /// ## What really happens
    /// A Go program linked with cgo (the default when a C compiler is present and it imports
    /// `net`, `os/user` or `import "C"`) gets the build machine's C library loader as its
    /// program interpreter: glibc's on Debian or Ubuntu, musl's on Alpine (`CC=musl-gcc`
    /// builds too). The wheel tag is chosen separately, often by a build backend that sees no C
    /// code and copies a prebuilt binary. Checked with real cgo builds against glibc and musl
    /// (go1.27) and the ELF program headers.
    ///
    /// ## Example
    /// `tool-1.0-py3-none-musllinux_1_2_x86_64.whl` holding a binary built with cgo on Debian:
    /// interpreter `/lib64/ld-linux-x86-64.so.2`.
    ///
    /// ## Use instead
    /// Build the binary for the tag, or without cgo, which runs everywhere:
    /// ```sh
    /// CGO_ENABLED=0 go build -trimpath -o tool/bin/tool ./cmd/tool
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: rebuild with `CGO_ENABLED=0`, or against the C library the tag names.
    ///
    /// ## References
    /// - <https://peps.python.org/pep-0600/> (manylinux), <https://peps.python.org/pep-0656/> (musllinux)
    /// - <https://docs.npmjs.com/cli/configuring-npm/package-json#libc>
    rule {
        code: "SL305",
        name: "package-libc-mismatch",
        level: Error,
        summary: "a package tagged for glibc (manylinux) or musl (musllinux, npm libc) ships an executable that needs the other",
        release: check,
    }
}

pub fn check(release: &ReleaseFacts, out: &mut Vec<Finding>) {
    for s in &release.shipped {
        let Some((promised, said)) = s.package.as_ref().and_then(|p| p.claim.libc.as_ref()) else { continue };
        let Some(interp) =
            s.interpreters.iter().find(|i| matches!(libc_family(i), "glibc" | "musl") && libc_family(i) != *promised)
        else {
            continue;
        };
        let message = format!(
            "{said} promises {promised}, but the executable needs {} (program interpreter {interp}): where the package installs, it fails with \"no such file or directory\"",
            libc_family(interp)
        );
        out.push(release.finding(
            &META,
            &s.location,
            "program interpreter",
            message,
            "build it with CGO_ENABLED=0 (static), or against the C library the package names",
        ));
    }
}
