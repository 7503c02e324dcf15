use super::Binary;
use crate::finding::Finding;

declare_rule! {
    /// ## What it does
    /// Finds Go executables whose BuildInfo says they were built from a modified checkout
    /// (`vcs.modified=true`).
    ///
    /// ## Why is this bad?
    /// The binary may not correspond to the commit it names in `vcs.revision`: a changed tracked
    /// file makes it unbuildable from that commit, and even a stray untracked file leaves nobody
    /// able to tell. Release builds should come from a clean checkout.
    ///
    /// ## What really happens
    /// Checked with Go 1.21, 1.23 and 1.27: cmd/go stamps `vcs`, `vcs.revision`, `vcs.time` and
    /// `vcs.modified` when building in a Git (or other VCS) checkout. `vcs.modified=true` is set
    /// by any uncommitted change to a tracked file **and by an untracked file** (a stray build
    /// output or `.env` is enough); ignored files do not count. The check is `git status` of
    /// the whole repository, so in a monorepo a change anywhere marks every binary dirty. Since
    /// Go 1.24 the checkout also sets the main module's version: the tag, or a pseudo-version for
    /// an untagged commit, with `+dirty` when modified. `go run` and `go test` stamp VCS
    /// information only with `-buildvcs=true`.
    ///
    /// ## Example
    /// ```sh
    /// echo "debug=true" > local.env   # untracked
    /// go build -o dist/api ./cmd/api   # vcs.modified=true
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// git status --porcelain && test -z "$(git status --porcelain)"
    /// go build -o dist/api ./cmd/api
    /// ```
    ///
    /// ## Fix
    /// No automatic fix for a binary: build from a clean checkout (CI usually does), or add the
    /// stray files to `.gitignore`.
    ///
    /// ## References
    /// - <https://pkg.go.dev/cmd/go#hdr-Compile_packages_and_dependencies> (`-buildvcs`)
    rule {
        code: "SL006",
        name: "dirty-vcs-build",
        level: Warning,
        summary: "built from a checkout with uncommitted or untracked changes (vcs.modified=true)",
        binary: check,
    }
}

pub fn check(bin: &Binary<'_>, out: &mut Vec<Finding>) {
    let Some(bi) = &bin.facts.build_info else {
        return;
    };
    if bi.setting("vcs.modified").as_deref() != Some("true") {
        return;
    }
    let revision = bi.setting("vcs.revision").map(|r| r.chars().take(12).collect::<String>());
    let vcs = bi.setting("vcs").unwrap_or_default();
    let message = match revision {
        Some(r) => {
            format!(
                "built from a modified {vcs} checkout of {r} (vcs.modified=true): a changed or untracked file \
                 means nobody can tell whether the binary matches that commit"
            )
        }
        None => format!("built from a modified {vcs} checkout (vcs.modified=true)"),
    };
    let help = "build releases from a clean checkout; untracked files count as modifications";
    out.push(bin.finding(&META, "BuildInfo setting vcs.modified", message, help));
}
