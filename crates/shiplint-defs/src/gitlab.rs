//! GitLab CI files (`.gitlab-ci.yml`): every job's `before_script` + `script` read as one shell at
//! its exact place in the YAML (and `after_script` as another), `variables:` at pipeline and job
//! level, `default:`, `extends:` templates (hidden `.jobs`, merged as GitLab merges them), anchors
//! and merge keys, `parallel: matrix` expanded into its jobs, and each job's `image:`.

use super::ci::{Input, JobPlan, Pipeline, RunStep, Scalar, scalars_are, span_of};
use super::shell::{self, Item};
use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A script entry: one line, or a list of lines (lists nest, as `!reference` results do).
#[derive(Clone, Debug)]
enum Script {
    Line(String),
    Lines(Vec<Spanned<Script>>),
    /// Anything else (`!reference` left unresolved, a number...): nothing runs that we can read.
    Other,
}

impl<'de> Deserialize<'de> for Script {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ScriptVisitor;
        impl<'de> Visitor<'de> for ScriptVisitor {
            type Value = Script;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a script line or a list of lines")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Script, E> {
                Ok(Script::Line(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Script, A::Error> {
                let mut lines = Vec::new();
                while let Some(line) = seq.next_element::<Spanned<Script>>()? {
                    lines.push(line);
                }
                Ok(Script::Lines(lines))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Script, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Script::Other)
            }
            scalars_are!(Script::Other);
        }
        d.deserialize_any(ScriptVisitor)
    }
}

/// A variable: a value, or `{value: ..., description: ...}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Variable {
    Value(Scalar),
    Detailed { value: Scalar },
    Other(IgnoredAny),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Image {
    Name(String),
    Detailed { name: String },
    Other(IgnoredAny),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum MatrixValue {
    One(Scalar),
    Many(Vec<Scalar>),
    Other(IgnoredAny),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Parallel {
    Matrix { matrix: Vec<IndexMap<String, MatrixValue>> },
    Other(IgnoredAny),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Artifacts {
    Paths { paths: Vec<String> },
    Other(IgnoredAny),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Extends {
    One(String),
    Many(Vec<String>),
    Other(IgnoredAny),
}

/// A job, or the `default:` section (which holds a subset of a job's keys).
#[derive(Clone, Debug, Default, Deserialize)]
struct Job {
    script: Option<Spanned<Script>>,
    before_script: Option<Spanned<Script>>,
    after_script: Option<Spanned<Script>>,
    variables: Option<IndexMap<String, Variable>>,
    image: Option<Spanned<Image>>,
    parallel: Option<Parallel>,
    artifacts: Option<Artifacts>,
    extends: Option<Extends>,
}

impl Job {
    /// Takes what this job does not set from `parent`, as `extends:` does: keys are replaced
    /// whole, except `variables`, which are merged entry by entry (the job's own win).
    fn inherit(&mut self, parent: &Job) {
        fn take<T: Clone>(own: &mut Option<T>, parent: &Option<T>) {
            if own.is_none() {
                own.clone_from(parent);
            }
        }
        take(&mut self.script, &parent.script);
        take(&mut self.before_script, &parent.before_script);
        take(&mut self.after_script, &parent.after_script);
        take(&mut self.image, &parent.image);
        take(&mut self.parallel, &parent.parallel);
        take(&mut self.artifacts, &parent.artifacts);
        if let Some(inherited) = &parent.variables {
            let own = self.variables.get_or_insert_with(IndexMap::new);
            for (k, v) in inherited {
                if !own.contains_key(k) {
                    own.insert(k.clone(), v.clone());
                }
            }
        }
    }
}

/// A top-level entry: a job (any mapping) or something else (`stages:` and other lists).
enum Entry {
    Job(Box<Job>),
    Other,
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = Entry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a job")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Entry, A::Error> {
                Ok(Entry::Job(Box::new(Job::deserialize(de::value::MapAccessDeserializer::new(map))?)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Entry, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Entry::Other)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Entry, E> {
                Ok(Entry::Other)
            }
            scalars_are!(Entry::Other);
        }
        d.deserialize_any(EntryVisitor)
    }
}

/// The file: its jobs (and templates), and the pipeline-wide keys.
#[derive(Default)]
struct File {
    jobs: IndexMap<String, Job>,
    variables: Option<IndexMap<String, Variable>>,
    /// `default:`, with the older top-level `image:`/`before_script:`/`after_script:` folded in.
    defaults: Job,
}

impl<'de> Deserialize<'de> for File {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FileVisitor;
        impl<'de> Visitor<'de> for FileVisitor {
            type Value = File;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping of jobs")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<File, A::Error> {
                let mut file = File::default();
                let mut legacy = Job::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "variables" => file.variables = map.next_value()?,
                        "default" => file.defaults = map.next_value()?,
                        "image" => legacy.image = map.next_value()?,
                        "before_script" => legacy.before_script = map.next_value()?,
                        "after_script" => legacy.after_script = map.next_value()?,
                        "include" | "stages" | "workflow" | "services" | "cache" => {
                            map.next_value::<IgnoredAny>()?;
                        }
                        _ => {
                            if let Entry::Job(job) = map.next_value()? {
                                file.jobs.insert(key, *job);
                            }
                        }
                    }
                }
                file.defaults.inherit(&legacy);
                file.defaults.variables = None;
                Ok(file)
            }
            fn visit_unit<E: de::Error>(self) -> Result<File, E> {
                Ok(File::default())
            }
        }
        d.deserialize_any(FileVisitor)
    }
}

/// How deep `extends:` chains are followed (GitLab's own limit is 11 levels).
const MAX_EXTENDS_DEPTH: usize = 11;

/// The most jobs one `parallel: matrix` yields (GitLab's own limit is 200).
const MAX_MATRIX_JOBS: usize = 200;

/// The job `name` with its `extends:` templates merged in, nearest first.
fn resolved(name: &str, jobs: &IndexMap<String, Job>, depth: usize) -> Job {
    let Some(job) = jobs.get(name) else { return Job::default() };
    let mut job = job.clone();
    if depth >= MAX_EXTENDS_DEPTH {
        return job;
    }
    let parents = match &job.extends {
        Some(Extends::One(p)) => vec![p.clone()],
        Some(Extends::Many(ps)) => ps.clone(),
        _ => Vec::new(),
    };
    // With several templates, the last one wins where they disagree.
    for parent in parents.iter().rev() {
        job.inherit(&resolved(parent, jobs, depth + 1));
    }
    job
}

fn variable_words(vars: &Option<IndexMap<String, Variable>>) -> Vec<(String, shell::Word)> {
    vars.iter()
        .flatten()
        .filter_map(|(k, v)| match v {
            Variable::Value(s) | Variable::Detailed { value: s } => Some((k.clone(), shell::ci_value(&s.text(), 0))),
            Variable::Other(_) => None,
        })
        .collect()
}

/// The jobs of a `parallel: matrix`: each entry's product of values, entries one after another;
/// and how many they declare (counted, not enumerated).
fn combinations(parallel: &Option<Parallel>) -> (Vec<super::ci::Combination>, u128) {
    let Some(Parallel::Matrix { matrix }) = parallel else { return (vec![(String::new(), Vec::new())], 1) };
    let mut out: Vec<Vec<(String, String)>> = Vec::new();
    let mut declared = 0u128;
    for entry in matrix {
        let sizes = entry.values().map(|v| match v {
            MatrixValue::Many(list) => list.len() as u128,
            _ => 1,
        });
        declared = declared.saturating_add(sizes.fold(1u128, u128::saturating_mul));
        let mut combos: Vec<Vec<(String, String)>> = vec![Vec::new()];
        for (key, value) in entry {
            let values: Vec<String> = match value {
                MatrixValue::One(s) => vec![s.text()],
                MatrixValue::Many(list) => list.iter().map(Scalar::text).collect(),
                MatrixValue::Other(_) => continue,
            };
            combos = combos
                .iter()
                .flat_map(|c| {
                    values.iter().map(move |v| {
                        let mut c = c.clone();
                        c.push((key.clone(), v.clone()));
                        c
                    })
                })
                .take(MAX_MATRIX_JOBS)
                .collect();
        }
        out.extend(combos.into_iter().take(MAX_MATRIX_JOBS.saturating_sub(out.len())));
    }
    if out.is_empty() {
        out.push(Vec::new());
    }
    let declared = declared.max(out.len() as u128);
    // GitLab names the jobs `build: [linux, amd64]`; the labels say which variable is which.
    (super::ci::labelled(out), declared)
}

/// The shell of a script entry, each line parsed at its place in `text`.
fn script_items(text: &str, script: &Spanned<Script>, into: &mut Vec<Item>) {
    match &script.value {
        Script::Line(line) => {
            let Some((start, end)) = span_of(script) else { return };
            let raw = text.get(start..end.min(text.len())).unwrap_or_default();
            // A quoted scalar's span includes its quotes and escapes: read the value instead.
            if raw.starts_with('"') || raw.starts_with('\'') {
                into.extend(shell::parse(line, start + 1));
            } else {
                into.extend(shell::parse(raw, start));
            }
        }
        Script::Lines(lines) => lines.iter().for_each(|l| script_items(text, l, into)),
        Script::Other => {}
    }
}

/// Reads a GitLab CI file. An error is a YAML error, in plain words.
pub fn parse(text: &str) -> Result<Pipeline, String> {
    let file: File = super::ci::from_yaml(text)?;
    let mut out = Pipeline {
        env: variable_words(&file.variables),
        matrix_is_env: true,
        pull_requests_only: false,
        // GitLab runs a pipeline for tags unless its rules say otherwise.
        on_release: true,
        ..Pipeline::default()
    };
    // Hidden jobs (`.name`) are templates: they never run themselves.
    for name in file.jobs.keys().filter(|n| !n.starts_with('.')) {
        let mut job = resolved(name, &file.jobs, 0);
        job.inherit(&file.defaults);
        let index = out.jobs.len();
        let (combinations, declared_combinations) = combinations(&job.parallel);
        let image = job.image.as_ref().and_then(|i| {
            let name = match &i.value {
                Image::Name(n) | Image::Detailed { name: n } => n.clone(),
                Image::Other(_) => return None,
            };
            Some(Input::new(name, span_of(i)?))
        });
        out.jobs.push(JobPlan {
            runner: Vec::new(),
            name: name.clone(),
            combinations,
            declared_combinations,
            env: variable_words(&job.variables),
            image,
            artifacts: match &job.artifacts {
                Some(Artifacts::Paths { paths }) => paths.clone(),
                _ => Vec::new(),
            },
            ..JobPlan::default()
        });
        // before_script and script run in one shell; after_script in a new one.
        let mut items = Vec::new();
        for part in [&job.before_script, &job.script].into_iter().flatten() {
            script_items(text, part, &mut items);
        }
        out.runs.push(RunStep { items, job: index, ..RunStep::default() });
        if let Some(after) = &job.after_script {
            let mut items = Vec::new();
            script_items(text, after, &mut items);
            out.runs.push(RunStep { items, job: index, ..RunStep::default() });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ci::env_for;
    use crate::shell::Value;

    const CI: &str = r#"variables:
  CGO_ENABLED: "0"
  VERSION:
    value: "1.2.3"
    description: release
default:
  image: golang:1.22
  before_script:
    - go version
stages: [build]
.cross: &cross
  stage: build
  parallel:
    matrix:
      - GOOS: [linux, darwin]
        GOARCH: [amd64, arm64]
      - GOOS: windows
        GOARCH: amd64
build:
  extends: .cross
  variables:
    OUT: bin/api
  script:
    - go build -o "$OUT" ./cmd/api
    - |
      echo done
  artifacts:
    paths: [bin/]
test:
  <<: *cross
  image:
    name: golang:1.23-alpine
  script: go test ./...
  after_script:
    - rm -rf bin
"#;

    #[test]
    fn jobs_templates_matrix_and_variables() {
        let p = parse(CI).unwrap();
        let names: Vec<&str> = p.jobs.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(names, ["build", "test"]);
        let labels: Vec<&str> = p.jobs[0].combinations.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            labels,
            [
                "GOOS=linux, GOARCH=amd64",
                "GOOS=linux, GOARCH=arm64",
                "GOOS=darwin, GOARCH=amd64",
                "GOOS=darwin, GOARCH=arm64",
                "GOOS=windows, GOARCH=amd64"
            ]
        );
        assert_eq!(p.jobs[1].combinations.len(), 5, "merge key brings the matrix");
        let image = p.jobs[0].image.as_ref().unwrap();
        assert_eq!(image.value, "golang:1.22");
        assert_eq!(&CI[image.span.0..image.span.1], "golang:1.22");
        assert_eq!(p.jobs[1].image.as_ref().unwrap().value, "golang:1.23-alpine");
        assert_eq!(p.jobs[0].artifacts, ["bin/"]);
        // build: default before_script + script in one shell; test: script, then after_script.
        assert_eq!(p.runs.iter().map(|r| r.job).collect::<Vec<_>>(), [0, 1, 1]);
        let words: Vec<&str> = p.runs[0]
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Command(c) => Some(&CI[c.words[0].start..c.words[0].end]),
                _ => None,
            })
            .collect();
        assert_eq!(words, ["go", "go", "echo"]);
        let env = env_for(&p, 0, &p.jobs[0].combinations[4].1, &[], &[]);
        assert_eq!(env.get("GOOS"), Some(&Value::Known("windows".into())));
        assert_eq!(env.get("OUT"), Some(&Value::Known("bin/api".into())));
        assert_eq!(env.get("VERSION"), Some(&Value::Known("1.2.3".into())));
        assert_eq!(env.get("CGO_ENABLED"), Some(&Value::Known("0".into())));
    }

    #[test]
    fn odd_shapes_do_not_fail() {
        for t in [
            "",
            "stages: [a]\n",
            "include:\n  - local: x.yml\n",
            "a:\n  script: !reference [.setup, script]\n",
            "a:\n  script:\n    - !reference [.setup, script]\n    - go build -o x .\n",
            "a:\n  extends: [.b, .c]\n.b:\n  extends: a\n.c:\n  script: [1, true, {x: y}]\n",
            "a:\n  parallel: 3\n  variables: {X: {expand: false}}\n  image: {entrypoint: [\"\"]}\n",
        ] {
            let p = parse(t).unwrap_or_else(|e| panic!("{t:?}: {e}"));
            for j in 0..p.jobs.len() {
                for (_, c) in &p.jobs[j].combinations {
                    let _ = env_for(&p, j, c, &[], &[]);
                }
            }
        }
        assert!(parse("a: [unclosed").is_err());
    }
}
