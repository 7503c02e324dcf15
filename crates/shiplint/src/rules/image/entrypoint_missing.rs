use crate::finding::Finding;
use crate::image::ImageFacts;
use shiplint_archive::fs::ResolveError;

declare_rule! {
    /// ## What it does
    /// Finds images whose program (the first word of Entrypoint + Cmd) does not exist in the
    /// image: an absolute path that is missing, a relative one missing from WorkingDir, a bare
    /// name found on none of the PATH folders, or a symlink that leads nowhere or in a loop.
    ///
    /// ## Why is this bad?
    /// The container cannot start. The runtime reports `exec: "api": executable file not found in
    /// $PATH` or `no such file or directory`, often only in production, where the image is first
    /// run by something other than its author.
    ///
    /// ## What really happens
    /// Paths are resolved inside the image's merged file system (layers applied in order,
    /// whiteouts honoured), following symlinks as the kernel does, with `..` stopping at the
    /// image's root. A bare name is searched on the config's `PATH` (or Docker's default PATH
    /// when the image sets none), as `docker run` does. Common causes: `COPY --from=build /out/api
    /// /app/` with `ENTRYPOINT ["/api"]`, a binary named after the module rather than the folder,
    /// a later layer deleting it. A program that exists but is dynamically linked against a
    /// loader the image lacks fails with the same "no such file or directory" (libc-mismatch).
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY --from=build /out/api /usr/local/bin/
    /// ENTRYPOINT ["/api"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY --from=build /out/api /usr/local/bin/api
    /// ENTRYPOINT ["/usr/local/bin/api"]
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: only the author knows which path was meant.
    ///
    /// ## References
    /// - <https://github.com/opencontainers/image-spec/blob/main/config.md>
    rule {
        code: "SL205",
        name: "image-entrypoint-missing",
        level: Error,
        summary: "the program an image starts does not exist in it",
        image: check_image,
    }
}

pub fn check_image(image: &ImageFacts, out: &mut Vec<Finding>) {
    let Some(program) = image.command().first().copied() else { return };
    let message = match image.locate(program) {
        Ok(_) => return,
        Err(ResolveError::Missing(p)) if p.trim_start_matches('/') == program.trim_start_matches('/') => {
            format!("the image starts {program}, which does not exist in it")
        }
        Err(ResolveError::Missing(p)) => {
            format!("the image starts {program}, which does not exist in it (/{p} is missing)")
        }
        Err(ResolveError::Loop(p)) => format!("the image starts {program}, whose symlinks loop at /{p}"),
    };
    let fact =
        if image.run.entrypoint.as_ref().is_some_and(|e| !e.is_empty()) { "config Entrypoint" } else { "config Cmd" };
    out.push(image.finding(&META, fact, message, "point Entrypoint at the path the binary is copied to"));
}
