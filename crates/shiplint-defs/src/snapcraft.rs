//! snapcraft's `snapcraft.yaml`: each part's `override-build` script, read as the shell it is at
//! its exact place in the file, with the part's `build-environment`; and the Go release a part
//! builds with, from the `go` snap its `build-snaps` or `stage-snaps` names (or, on core20, the
//! go plugin's `go-channel`). A part is one job of a pipeline that releases: what its script
//! builds is installed into the snap the store publishes.
//!
//! The `go` plugin without an `override-build` runs `go mod download` and `go install -p N
//! ./...` (craft-parts' `go_plugin.py`), which names no flags of the project's: nothing of it
//! is judged here.

use super::ci::{Input, JobPlan, Pipeline, RunStep, Scalar, span_of};
use super::shell;
use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_saphyr::Spanned;

#[derive(Debug, Default, Deserialize)]
struct File {
    base: Option<String>,
    #[serde(default)]
    parts: IndexMap<String, Spanned<Part>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Part {
    plugin: Option<Spanned<String>>,
    /// The core20 go plugin's channel of the `go` snap (default `latest/stable`; empty: the
    /// distribution's golang package).
    go_channel: Option<String>,
    override_build: Option<Spanned<String>>,
    build_environment: Option<Vec<Environment>>,
    build_snaps: Option<Vec<Spanned<Snap>>>,
    stage_snaps: Option<Vec<Spanned<Snap>>>,
}

/// A `build-environment` entry: one `NAME: value` map (or an architecture-conditional form,
/// which is not read).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Environment {
    Variables(IndexMap<String, Scalar>),
    Other(IgnoredAny),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Snap {
    Name(String),
    Other(IgnoredAny),
}

/// Whether a file name is snapcraft's (`snapcraft.yaml`, `.snapcraft.yaml`).
pub fn is_snapcraft_file(name: &str) -> bool {
    matches!(name, "snapcraft.yaml" | ".snapcraft.yaml")
}

/// Reads a snapcraft file into a pipeline: one job per part. An error is a YAML error, in
/// plain words.
pub fn parse(text: &str) -> Result<Pipeline, String> {
    let file: File = super::ci::from_yaml(text)?;
    let mut out = Pipeline { on_release: true, release_only: true, ..Pipeline::default() };
    for (index, (name, part)) in file.parts.iter().enumerate() {
        let env = part
            .value
            .build_environment
            .iter()
            .flatten()
            .filter_map(|e| match e {
                Environment::Variables(vars) => Some(vars),
                Environment::Other(_) => None,
            })
            .flatten()
            .map(|(k, v)| (k.clone(), shell::ci_value(&v.text(), 0)))
            .collect();
        let snaps = part.value.build_snaps.iter().chain(&part.value.stage_snaps).flatten();
        let mut go_snap = snaps.filter_map(|snap| match &snap.value {
            Snap::Name(written) if go_track(written).is_some() => Some(Input::new(written.clone(), span_of(snap)?)),
            _ => None,
        });
        // On core20 the go plugin installs the go snap itself, from `go-channel`.
        let core20_plugin = || {
            let plugin =
                part.value.plugin.as_ref().filter(|p| p.value == "go" && file.base.as_deref() == Some("core20"))?;
            let channel = match part.value.go_channel.as_deref() {
                None => "latest/stable (the go plugin's default on core20)",
                Some("") => return None,
                Some(channel) => channel,
            };
            Some(Input::new(format!("go/{channel}"), span_of(plugin)?))
        };
        out.jobs.push(JobPlan {
            name: name.clone(),
            combinations: vec![(String::new(), Vec::new())],
            declared_combinations: 1,
            env,
            go_snap: go_snap.next().or_else(core20_plugin),
            ..JobPlan::default()
        });
        let Some(script) = &part.value.override_build else { continue };
        let Some(span) = span_of(script) else { continue };
        let (source, at) = super::actions::script_at(text, span, &script.value);
        let items = shell::parse(source, at);
        out.runs.push(RunStep { items, job: index, ..RunStep::default() });
    }
    Ok(out)
}

/// The track of a `go` snap reference (`go`, `go/1.25/stable`, `go/latest/edge`): the Go
/// release it follows (`1.25`, or `latest`, whatever Go is newest); `None` for other snaps.
pub fn go_track(snap: &str) -> Option<&str> {
    let mut parts = snap.split_whitespace().next()?.split('/');
    (parts.next()? == "go").then(|| parts.next().filter(|t| !t.is_empty()).unwrap_or("latest"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::Item;

    const SNAP: &str = "name: app\nbase: core24\nparts:\n  app:\n    plugin: go\n    build-snaps: [go/1.25/stable]\n    build-environment:\n      - CGO_ENABLED: \"0\"\n      - on amd64 to arm64:\n          - GOARCH: arm64\n    override-build: |\n      go build -o $CRAFT_PART_INSTALL/bin/app ./cmd/app\n      craftctl default\n  tools:\n    plugin: nil\n    stage-snaps:\n      - go/latest/stable\n";

    #[test]
    fn parts_scripts_and_go_snaps() {
        let p = parse(SNAP).unwrap();
        assert_eq!(p.jobs.iter().map(|j| j.name.as_str()).collect::<Vec<_>>(), ["app", "tools"]);
        assert_eq!(p.jobs[0].env.len(), 1, "the conditional entry is not read");
        assert_eq!(p.runs.len(), 1);
        let Some(Item::Command(c)) = p.runs[0].items.first() else { panic!("{:?}", p.runs[0].items) };
        assert_eq!(&SNAP[c.words[0].start..c.words[0].end], "go");
        let snaps: Vec<&str> = p.jobs.iter().filter_map(|j| Some(j.go_snap.as_ref()?.value.as_str())).collect();
        assert_eq!(snaps, ["go/1.25/stable", "go/latest/stable"]);
        let span = p.jobs[0].go_snap.as_ref().unwrap().span;
        assert_eq!(&SNAP[span.0..span.1], "go/1.25/stable");
        assert_eq!(go_track("go"), Some("latest"));
        assert_eq!(go_track("go/1.25/stable"), Some("1.25"));
        assert_eq!(go_track("golangci-lint"), None);
        // core20's go plugin installs the go snap itself.
        let core20 = "base: core20\nparts:\n  a:\n    plugin: go\n  b:\n    plugin: go\n    go-channel: 1.21/stable\n  c:\n    plugin: go\n    go-channel: ''\n";
        let p = parse(core20).unwrap();
        let snaps: Vec<Option<&str>> = p.jobs.iter().map(|j| j.go_snap.as_ref().map(|g| g.value.as_str())).collect();
        assert_eq!(snaps, [Some("go/latest/stable (the go plugin's default on core20)"), Some("go/1.21/stable"), None]);
        assert_eq!(&core20[p.jobs[0].go_snap.as_ref().unwrap().span.0..][..2], "go");
        assert!(parse(&core20.replace("core20", "core22")).unwrap().jobs.iter().all(|j| j.go_snap.is_none()));
    }

    #[test]
    fn odd_shapes_do_not_fail() {
        for t in ["", "name: x\n", "parts: {}\n", "parts:\n  a:\n    override-build: 3\n", "parts:\n  a: null\n"] {
            let _ = parse(t);
        }
        assert!(parse("parts: [unclosed").is_err());
    }
}
