declare_rule! {
    /// ## What it does
    /// Reports `# shiplint: ignore[rule] reason` comments that suppress nothing: the named rule
    /// does not fire on that line or the next, or no rule has that name.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding on that line, and a misspelt one never
    /// worked. Either way the comment claims something the file no longer needs.
    ///
    /// ## What really happens
    /// A suppression applies to findings that start on its own line or on the line below it, and
    /// only to the rules it names (by name or code). `--no-ignores` shows everything, suppressed
    /// or not, and does not report unused suppressions.
    ///
    /// ## Example
    /// ```dockerfile
    /// # shiplint: ignore[untrimmed-paths] internal image
    /// RUN go build -trimpath -o /out/api ./cmd/api
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN go build -trimpath -o /out/api ./cmd/api
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: delete the comment, or correct the rule name.
    ///
    /// ## References
    /// - `shiplint rules` lists the rule names and codes.
    rule {
        code: "SL900",
        name: "unused-suppression",
        level: Warning,
        summary: "a shiplint: ignore[...] comment that suppresses nothing",
    }
}
