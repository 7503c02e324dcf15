use crate::defs::images;
use crate::defs::shell::Value;
use crate::finding::Finding;
use crate::rules::Defs;
use crate::rules::DefsFindings;

declare_rule! {
    /// ## What it does
    /// Finds `FROM` lines whose image has no tag, or the `latest` tag (and no digest).
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
    /// FROM golang AS build
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
    let Some(d) = defs.dockerfile else { return };
    for s in &d.stages {
        let Value::Known(reference) = &s.base else { continue };
        if s.parent.is_some() || reference.is_empty() {
            continue;
        }
        let img = images::classify(reference);
        if img.scratch || img.digest.is_some() {
            continue;
        }
        let problem = match img.tag.as_deref() {
            None => "has no tag, so it means :latest",
            Some("latest") => "uses :latest",
            Some(_) => continue,
        };
        let message = format!("base image {reference} {problem}: every build may get a different image");
        out.push(defs.finding(&META, s.base_span, message, "pin a version tag, or better a digest (@sha256:...)"));
    }
}
