use super::Binary;
use crate::finding::Finding;

declare_rule! {
    /// ## What it does
    /// Reports Linux Go executables that need a dynamic loader at run time, and names it (glibc's
    /// `ld-linux`, musl's `ld-musl`) with the shared libraries they need, so that the images and
    /// hosts they are shipped to can be checked against it.
    ///
    /// ## Why is this bad?
    /// A dynamically linked binary copied into an image without that loader fails to start with
    /// the misleading `exec /api: no such file or directory`: the missing file is the ELF
    /// interpreter, not the binary. Alpine has `/lib/ld-musl-x86_64.so.1` and no glibc;
    /// distroless/static and scratch have no loader at all.
    ///
    /// ## What really happens
    /// Checked with Go 1.21, 1.23 and 1.27 on linux/amd64 with gcc present: `CGO_ENABLED=1` is the
    /// default, but a program that links no cgo-using package is still static (BuildInfo records
    /// `CGO_ENABLED=1` anyway). It becomes dynamic (PT_INTERP `/lib64/ld-linux-x86-64.so.2`,
    /// DT_NEEDED `libc.so.6`) when it links `net` (and so `net/http`) or `os/user` — unless
    /// built with `-tags netgo,osusergo` — or any `import "C"`, its own or a third-party
    /// package's (those tags do not change that). `-race` and `-ldflags=-linkmode=external`
    /// make even a pure Go program dynamic, and `-buildmode=pie` asks for the loader unless
    /// linked with `-static-pie`. The program headers are the authority, not the BuildInfo
    /// setting. Since Go 1.20, with `CC` unset and no C compiler on PATH, cgo defaults to off.
    /// GOOS/GOARCH equal to the host's are no cross build and keep cgo on.
    ///
    /// The fix changes behaviour: `CGO_ENABLED=0` or `netgo` use Go's own DNS resolver
    /// (no NSS modules, LDAP or mDNS), `osusergo` reads only `/etc/passwd` and `/etc/group`.
    /// `-extldflags=-static` with cgo's `net` links, but glibc warns that `getaddrinfo` needs
    /// its shared libraries at run time anyway. A program that links a C library (libseccomp,
    /// libcrypto, libstdc++) needs that library, and a matching base image, at run time.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.27 AS build
    /// RUN go build -o /out/api ./cmd/api        # links net/http: dynamic against glibc
    /// FROM alpine:3.23
    /// COPY --from=build /out/api /api
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// CGO_ENABLED=0 go build -o /out/api ./cmd/api
    /// ```
    ///
    /// ## Fix
    /// No automatic fix for a binary. A program that needs cgo only for `net` or `os/user`:
    /// build with `CGO_ENABLED=0` (or `-tags netgo,osusergo`). One that links a C library:
    /// ship it on a base image with the same C library and that library.
    ///
    /// ## References
    /// - <https://pkg.go.dev/cmd/cgo>
    /// - <https://pkg.go.dev/net#hdr-Name_Resolution>
    rule {
        code: "SL005",
        name: "libc-dynamic",
        level: Info,
        summary: "dynamically linked executable: needs a specific C library loader at run time",
        binary: check,
    }
}

/// Whether a shared library is part of the C library itself (glibc splits it in several; musl
/// is one file), as opposed to a C library the program links (libseccomp, libcrypto, libstdc++).
fn is_libc_part(name: &str) -> bool {
    let stem = name.split(".so").next().unwrap_or(name);
    matches!(stem, "libc" | "libpthread" | "libdl" | "libm" | "librt" | "libresolv" | "libutil" | "libnsl")
        || stem.starts_with("ld-linux")
        || stem.starts_with("ld-musl")
        || stem.starts_with("libc.musl")
}

/// Which C library a program interpreter belongs to.
pub fn libc_family(interpreter: &str) -> &'static str {
    let name = interpreter.rsplit('/').next().unwrap_or(interpreter);
    if name.starts_with("ld-musl") {
        "musl"
    } else if name.starts_with("ld-linux") || name.starts_with("ld64.so") || name == "ld.so.1" {
        "glibc"
    } else if interpreter.contains("/system/bin/linker") {
        "bionic (Android)"
    } else {
        "an unrecognised C library"
    }
}

pub fn check(bin: &Binary<'_>, out: &mut Vec<Finding>) {
    let f = bin.facts;
    let Some(interp) = &f.linkage.interpreter else {
        return;
    };
    if !f.is_go {
        return;
    }
    let libs =
        if f.linkage.libraries.is_empty() { "no shared libraries".to_string() } else { f.linkage.libraries.join(", ") };
    let message = format!(
        "dynamically linked against {}: needs the loader {interp} and {libs} at run time; without them exec fails with \"no such file or directory\"",
        libc_family(interp)
    );
    let c_libraries: Vec<&str> = f.linkage.libraries.iter().map(String::as_str).filter(|l| !is_libc_part(l)).collect();
    let help = if c_libraries.is_empty() {
        "build with CGO_ENABLED=0 (or -tags netgo,osusergo) for a static binary, or ship it on a base with the same C library".to_string()
    } else {
        format!(
            "it links {}, so CGO_ENABLED=0 will not build it: ship it on a base image with the same C library and those libraries",
            c_libraries.join(", ")
        )
    };
    out.push(bin.finding(&META, "ELF PT_INTERP", message, &help));
}

#[cfg(test)]
mod tests {
    #[test]
    fn c_library_parts_are_told_from_libraries_a_program_links() {
        for part in
            ["libc.so.6", "libpthread.so.0", "libdl.so.2", "libm.so.6", "ld-linux-x86-64.so.2", "libc.musl-x86_64.so.1"]
        {
            assert!(super::is_libc_part(part), "{part}");
        }
        for linked in ["libseccomp.so.2", "libcrypto.so.3", "libstdc++.so.6", "libgcc_s.so.1"] {
            assert!(!super::is_libc_part(linked), "{linked}");
        }
    }
}
