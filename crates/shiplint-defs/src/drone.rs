//! Drone CI files (`.drone.yml`): each pipeline (one YAML document of the stream) is a job whose
//! steps share one workspace. A step's `commands:` run as one shell script in the step's
//! `image:`, with its `environment:` (`from_secret:` values are holes); a plugin step (`image:
//! plugins/github-release` with `settings:`) is read as an action the job uses, its settings as
//! inputs, so that what a release plugin uploads is kept. The job's image is the first Go
//! toolchain image of a step not named for tests or checks: that is where its shipped builds run.

use super::ci::{ActionStep, Input, JobPlan, Pipeline, RunStep, Scalar, Shaped, span_of};
use super::shell::{self, Item};
use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// An `environment:` or `settings:` value: a scalar, a list (`files: [a, b]`), or anything else
/// (`from_secret: token`).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Setting {
    One(Scalar),
    Many(Vec<Scalar>),
    Other(IgnoredAny),
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct Step {
    name: Option<String>,
    image: Option<Spanned<Scalar>>,
    commands: Option<Vec<Spanned<Scalar>>>,
    environment: Option<IndexMap<String, Setting>>,
    settings: Option<IndexMap<String, Spanned<Setting>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Document {
    kind: Option<String>,
    name: Option<String>,
    steps: Vec<Shaped<Step>>,
}

/// An environment entry as a word: a secret is a hole named for it.
fn environment_words(env: &Option<IndexMap<String, Setting>>) -> Vec<(String, shell::Word)> {
    let entries = env.iter().flatten();
    entries
        .map(|(k, v)| {
            let text = match v {
                Setting::One(s) => s.text(),
                Setting::Many(l) => l.iter().map(Scalar::text).collect::<Vec<_>>().join(","),
                Setting::Other(_) => format!("${{{{ secrets.{k} }}}}"),
            };
            (k.clone(), shell::ci_value(&text, 0))
        })
        .collect()
}

/// Reads a Drone file. An error is a YAML error, in plain words.
pub fn parse(text: &str) -> Result<Pipeline, String> {
    let documents: Vec<Document> = super::ci::from_yaml_documents(text)?;
    let mut out = Pipeline {
        // Pipelines run on tag events unless their triggers say otherwise.
        on_release: true,
        ..Pipeline::default()
    };
    for (n, document) in documents.iter().enumerate() {
        // `kind: secret`, `kind: signature`: no steps.
        if document.kind.as_deref().is_some_and(|k| k != "pipeline") {
            continue;
        }
        let job = out.jobs.len();
        let mut image = None;
        for step in document.steps.iter().filter_map(|s| match s {
            Shaped::Map(step) => Some(step),
            _ => None,
        }) {
            let step_image = step.image.as_ref().and_then(|i| Some((i.value.text(), span_of(i)?)));
            // A step for tests or checks (`lint`, `test`) builds nothing that ships.
            let for_checks = step.name.as_deref().is_some_and(super::source::names_other_purpose);
            if let Some((name, span)) = step_image.as_ref().filter(|_| image.is_none() && !for_checks) {
                if super::images::classify(name).go_toolchain {
                    image = Some(Input::new(name.clone(), *span));
                }
            }
            if let Some(commands) = &step.commands {
                let mut items: Vec<Item> = Vec::new();
                for command in commands {
                    let Some(span) = span_of(command) else { continue };
                    let value = command.value.text();
                    let (script, base) = super::actions::script_at(text, span, &value);
                    items.extend(shell::parse(script, base));
                }
                out.runs.push(RunStep { items, env: environment_words(&step.environment), job, ..RunStep::default() });
            }
            if let (Some(settings), Some((uses, span))) = (&step.settings, step_image) {
                let with: BTreeMap<String, Input> = settings
                    .iter()
                    .filter_map(|(k, v)| {
                        let value = match &v.value {
                            Setting::One(s) => s.text(),
                            Setting::Many(l) => l.iter().map(Scalar::text).collect::<Vec<_>>().join("\n"),
                            Setting::Other(_) => return None,
                        };
                        Some((k.clone(), Input::new(value, span_of(v).unwrap_or(span))))
                    })
                    .collect();
                let uses_word = shell::literal_word(&uses, span);
                out.actions.push(ActionStep { uses, span, uses_word, with, job, condition: None });
            }
        }
        out.jobs.push(JobPlan {
            name: document.name.clone().unwrap_or_else(|| format!("pipeline {}", n + 1)),
            combinations: vec![(String::new(), Vec::new())],
            declared_combinations: 1,
            image,
            ..JobPlan::default()
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ci::env_for;
    use crate::shell::Value;

    const DRONE: &str = r#"kind: pipeline
type: docker
name: release
steps:
- name: build
  image: golang:1.16
  environment:
    CGO_ENABLED: 0
    TOKEN:
      from_secret: github_token
  commands:
  - make build-cross
  - "ls _dist"
- name: publish
  image: plugins/github-release
  settings:
    files: [_dist/*]
---
kind: secret
name: github_token
---
kind: pipeline
steps:
- name: test
  image: alpine
  commands: [go test ./...]
"#;

    #[test]
    fn pipelines_steps_and_plugins() {
        let p = parse(DRONE).unwrap();
        let names: Vec<&str> = p.jobs.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(names, ["release", "pipeline 3"]);
        let image = p.jobs[0].image.as_ref().unwrap();
        assert_eq!(&DRONE[image.span.0..image.span.1], "golang:1.16");
        assert!(p.jobs[1].image.is_none(), "alpine has no Go");
        assert_eq!(p.runs.iter().map(|r| r.job).collect::<Vec<_>>(), [0, 1]);
        let words: Vec<&str> = p.runs[0]
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Command(c) => Some(&DRONE[c.words[0].start..c.words[0].end]),
                _ => None,
            })
            .collect();
        assert_eq!(words, ["make", "ls"]);
        assert_eq!(p.actions[0].uses, "plugins/github-release");
        assert_eq!(p.actions[0].with["files"].value, "_dist/*");
        let env = env_for(&p, 0, &p.jobs[0].combinations[0].1, &[], &p.runs[0].env);
        assert_eq!(env.get("CGO_ENABLED"), Some(&Value::known("0")));
        assert!(env.get("TOKEN").is_some_and(|v| v.as_known().is_none()), "a secret is a hole");
    }

    #[test]
    fn odd_shapes_do_not_fail() {
        for t in [
            "",
            "kind: pipeline\n",
            "steps: [x, 1, {commands: [1, true]}, {settings: {a: {from_secret: b}}}]\n",
            "---\n---\n",
        ] {
            let p = parse(t).unwrap_or_else(|e| panic!("{t:?}: {e}"));
            for j in 0..p.jobs.len() {
                let _ = env_for(&p, j, &p.jobs[j].combinations[0].1, &[], &[]);
            }
        }
        assert!(parse("steps: [unclosed").is_err());
    }
}
