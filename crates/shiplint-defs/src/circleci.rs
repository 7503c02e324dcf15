//! CircleCI configs (`.circleci/config.yml`): each job's `run:` steps read as shell at their
//! place in the YAML, with the job's `environment:` (its own, its executor's and its primary
//! container's), its primary `docker:` image, reusable `commands:` inlined where a job invokes
//! them, `store_artifacts` as what the job keeps and `persist_to_workspace` as what it hands on
//! to later jobs.
//!
//! Parameters (`<< parameters.goos >>`) are CircleCI's own templating, substituted before the
//! shell runs. A job's parameters take the values its workflows give it (each invocation, each
//! `matrix:` combination, or the defaults): they become the job's combinations, read as
//! `${{ matrix.NAME }}`. Other `<< ... >>` (`pipeline.git.tag`) stay holes.

use super::ci::{Input, JobPlan, Pipeline, RunStep, Scalar, Shaped, scalars_are, span_of};
use super::shell::{self, Item};
use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// How deep reusable commands that invoke commands are followed.
const MAX_COMMAND_DEPTH: usize = 8;
/// The most combinations one job gets from its workflows (GitHub's own matrix limit).
const MAX_COMBINATIONS: usize = 256;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct DockerImage {
    image: Option<Spanned<Scalar>>,
    environment: Option<Environment>,
}

/// An `environment:` block: a map (a list of `NAME=value` is rare and not read).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Environment {
    Map(IndexMap<String, Scalar>),
    Other(IgnoredAny),
}

/// A job, or a named executor (which holds where a job runs: the same keys, without steps).
#[derive(Clone, Debug, Default, Deserialize)]
struct Job {
    docker: Option<Vec<Shaped<DockerImage>>>,
    macos: Option<IgnoredAny>,
    environment: Option<Environment>,
    working_directory: Option<String>,
    executor: Option<ExecutorRef>,
    parameters: Option<IndexMap<String, Parameter>>,
    steps: Option<Vec<Step>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum ExecutorRef {
    Name(String),
    Detailed { name: String },
    Other(IgnoredAny),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Parameter {
    Declared { default: Option<Scalar> },
    Other(IgnoredAny),
}

#[derive(Clone, Debug, Deserialize)]
struct Command {
    steps: Option<Vec<Step>>,
}

/// `run: {command: ..., environment: ..., working_directory: ...}`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct Run {
    command: Option<Spanned<String>>,
    environment: Option<Environment>,
    working_directory: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Paths {
    Many(Vec<String>),
    One(String),
    Other(IgnoredAny),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Kept {
    Artifacts { path: String },
    Workspace { root: Option<String>, paths: Option<Paths> },
    Other(IgnoredAny),
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct Conditional {
    steps: Vec<Step>,
}

/// A step: `run`, what it keeps, a `when`/`unless` block, or an invocation of a reusable
/// command or an orb's (`checkout` and other built-ins are invocations of nothing here).
#[derive(Clone, Debug)]
enum Step {
    /// `run: COMMAND` (its span is the command's), or `run:` with settings.
    Run(Spanned<Shaped<Run>>),
    Keep(Kept),
    Conditional(Shaped<Conditional>),
    Invoke(String),
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StepVisitor;
        impl<'de> Visitor<'de> for StepVisitor {
            type Value = Step;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a step")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Step, E> {
                Ok(Step::Invoke(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Step, A::Error> {
                let mut step = Step::Invoke(String::new());
                // One key names the step; a second is not CircleCI's, and is skipped.
                if let Some(key) = map.next_key::<String>()? {
                    step = match key.as_str() {
                        "run" => Step::Run(map.next_value()?),
                        "store_artifacts" | "persist_to_workspace" => Step::Keep(map.next_value()?),
                        "when" | "unless" => Step::Conditional(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            Step::Invoke(key)
                        }
                    };
                }
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(step)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Step, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Step::Invoke(String::new()))
            }
            scalars_are!(Step::Invoke(String::new()));
        }
        d.deserialize_any(StepVisitor)
    }
}

/// One use of a job in a workflow: the parameters it gives, and a `matrix:` of them.
#[derive(Clone, Debug, Default)]
struct Invocation {
    job: String,
    given: Vec<(String, String)>,
    matrix: Vec<(String, Vec<String>)>,
    /// Its `filters:` name tags: CircleCI runs a job for a tag push only then.
    on_tags: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum MatrixValues {
    Many(Vec<Scalar>),
    One(Scalar),
    Other(IgnoredAny),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Matrix {
    Parameters { parameters: IndexMap<String, MatrixValues> },
    Other(IgnoredAny),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum InvocationValue {
    Scalar(Scalar),
    TagFilters {
        #[serde(rename = "tags")]
        _tags: IgnoredAny,
    },
    Matrix(Matrix),
    Other(IgnoredAny),
}

impl<'de> Deserialize<'de> for Invocation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct InvocationVisitor;
        impl<'de> Visitor<'de> for InvocationVisitor {
            type Value = Invocation;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a workflow job")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Invocation, E> {
                Ok(Invocation { job: v.to_string(), ..Invocation::default() })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Invocation, A::Error> {
                let mut out = Invocation::default();
                if let Some(job) = map.next_key::<String>()? {
                    out.job = job;
                    let settings = map.next_value::<Option<IndexMap<String, InvocationValue>>>()?;
                    for (key, value) in settings.into_iter().flatten() {
                        match (key.as_str(), value) {
                            ("matrix", InvocationValue::Matrix(Matrix::Parameters { parameters })) => {
                                out.matrix = parameters
                                    .into_iter()
                                    .filter_map(|(k, v)| match v {
                                        MatrixValues::Many(l) => Some((k, l.iter().map(Scalar::text).collect())),
                                        MatrixValues::One(s) => Some((k, vec![s.text()])),
                                        MatrixValues::Other(_) => None,
                                    })
                                    .collect();
                            }
                            ("filters", InvocationValue::TagFilters { .. }) => out.on_tags = true,
                            ("name" | "requires" | "context" | "filters" | "type", _) => {}
                            (_, InvocationValue::Scalar(s)) => out.given.push((key, s.text())),
                            _ => {}
                        }
                    }
                }
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(out)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Invocation, E> {
                Ok(Invocation::default())
            }
        }
        d.deserialize_any(InvocationVisitor)
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Workflow {
    Jobs {
        jobs: Vec<Invocation>,
    },
    /// `version: 2` inside `workflows:`, and anything else.
    Other(IgnoredAny),
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Config {
    executors: IndexMap<String, Job>,
    commands: IndexMap<String, Command>,
    jobs: IndexMap<String, Job>,
    workflows: IndexMap<String, Workflow>,
}

/// `<< parameters.NAME >>` and `<< pipeline.* >>` rewritten, at the same length, as the CI
/// expressions the shell reader holds as holes: `${{ matrix.NAME }}` (a job's parameters are its
/// combinations) and `${{ pipeline.git.tag }}`. A heredoc (`<<EOF`) is not one: only those two
/// namespaces are. An expression with no room for the longer brackets loses its last characters
/// (it is a hole either way), so that every position stays where it was.
fn rewrite_parameters(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("<<") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let close = after.find(">>").filter(|&c| !after[..c].contains('\n'));
        let expr = close.map(|c| after[..c].trim());
        let Some(expr) = expr.filter(|e| {
            (e.starts_with("parameters.") || e.starts_with("pipeline."))
                && e.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        }) else {
            out.push_str("<<");
            rest = after;
            continue;
        };
        let width = 2 + close.unwrap_or(0) + 2;
        let renamed = match expr.strip_prefix("parameters.") {
            Some(name) => format!("matrix.{name}"),
            None => expr.to_string(),
        };
        let room = width - 5;
        let mut inner = if renamed.len() + 2 <= room { format!(" {renamed} ") } else { renamed };
        inner.truncate(room);
        out.push_str(&format!("${{{{{inner:<room$}}}}}"));
        rest = &after[close.unwrap_or(0) + 2..];
    }
    out.push_str(rest);
    out
}

fn environment_words(env: &Option<Environment>) -> Vec<(String, shell::Word)> {
    match env {
        Some(Environment::Map(m)) => {
            m.iter().map(|(k, v)| (k.clone(), shell::ci_value(&rewrite_parameters(&v.text()), 0))).collect()
        }
        _ => Vec::new(),
    }
}

/// The values of a job's parameters in each of its workflow invocations (the defaults, overridden
/// by what an invocation gives, times its matrix), each once; the defaults alone when no
/// workflow runs the job.
fn combinations(name: &str, job: &Job, workflows: &IndexMap<String, Workflow>) -> Vec<super::ci::Combination> {
    let defaults: Vec<(String, String)> = job
        .parameters
        .iter()
        .flatten()
        .filter_map(|(k, p)| match p {
            Parameter::Declared { default: Some(d) } => Some((k.clone(), d.text())),
            _ => None,
        })
        .collect();
    let invocations: Vec<&Invocation> = workflows
        .values()
        .filter_map(|w| match w {
            Workflow::Jobs { jobs } => Some(jobs.iter().filter(|i| i.job == name)),
            Workflow::Other(_) => None,
        })
        .flatten()
        .collect();
    let mut out: Vec<Vec<(String, String)>> = Vec::new();
    let set = |combo: &mut Vec<(String, String)>, k: &str, v: &str| match combo.iter_mut().find(|(n, _)| n == k) {
        Some(entry) => entry.1 = v.to_string(),
        None => combo.push((k.to_string(), v.to_string())),
    };
    for invocation in &invocations {
        let mut combos = vec![defaults.clone()];
        for (k, v) in &invocation.given {
            set(&mut combos[0], k, v);
        }
        for (k, values) in &invocation.matrix {
            combos = combos
                .iter()
                .flat_map(|c| {
                    values.iter().map(move |v| {
                        let mut c = c.clone();
                        set(&mut c, k, v);
                        c
                    })
                })
                .take(MAX_COMBINATIONS)
                .collect();
        }
        for c in combos {
            if !out.contains(&c) && out.len() < MAX_COMBINATIONS {
                out.push(c);
            }
        }
    }
    if out.is_empty() {
        out.push(defaults);
    }
    super::ci::labelled(out)
}

/// What a job's steps run and keep, reusable commands inlined.
struct Steps<'c> {
    text: &'c str,
    commands: &'c IndexMap<String, Command>,
    job: usize,
    working_directory: Option<String>,
    runs: Vec<RunStep>,
    /// `store_artifacts` paths.
    kept: Vec<String>,
    /// `persist_to_workspace` paths.
    handed_on: Vec<String>,
}

impl Steps<'_> {
    fn read(&mut self, steps: &[Step], depth: usize) {
        for step in steps {
            match step {
                Step::Run(run) => match &run.value {
                    Shaped::Text(command) => self.run(command, span_of(run), &None, None),
                    Shaped::Map(Run { command: Some(command), environment, working_directory }) => {
                        self.run(&command.value, span_of(command), environment, working_directory.clone());
                    }
                    _ => {}
                },
                Step::Keep(Kept::Artifacts { path }) => self.kept.push(path.clone()),
                Step::Keep(Kept::Workspace { root, paths }) => {
                    let root = root.as_deref().unwrap_or(".").trim_end_matches('/');
                    let paths = match paths {
                        Some(Paths::Many(p)) => p.clone(),
                        Some(Paths::One(p)) => vec![p.clone()],
                        _ => Vec::new(),
                    };
                    self.handed_on.extend(paths.iter().map(|p| match root {
                        "." | "" => p.clone(),
                        _ => format!("{root}/{p}"),
                    }));
                }
                Step::Keep(Kept::Other(_)) => {}
                Step::Conditional(Shaped::Map(Conditional { steps })) if depth < MAX_COMMAND_DEPTH => {
                    self.read(steps, depth + 1);
                }
                Step::Invoke(name) if depth < MAX_COMMAND_DEPTH => {
                    if let Some(steps) = self.commands.get(name).and_then(|c| c.steps.as_ref()) {
                        self.read(steps, depth + 1);
                    }
                }
                Step::Conditional(_) | Step::Invoke(_) => {}
            }
        }
    }

    fn run(
        &mut self,
        command: &str,
        span: Option<(usize, usize)>,
        environment: &Option<Environment>,
        dir: Option<String>,
    ) {
        let Some(span) = span else { return };
        let (script, base) = super::actions::script_at(self.text, span, command);
        let items: Vec<Item> = shell::parse(&rewrite_parameters(script), base);
        self.runs.push(RunStep {
            items,
            env: environment_words(environment),
            job: self.job,
            working_directory: dir.or_else(|| self.working_directory.clone()),
            ..RunStep::default()
        });
    }
}

/// Reads a CircleCI config. An error is a YAML error, in plain words.
pub fn parse(text: &str) -> Result<Pipeline, String> {
    let config: Config = super::ci::from_yaml(text)?;
    // CircleCI runs a job for a tag push only where a workflow's filters name tags: what
    // other jobs store as artifacts is a branch build's.
    let on_tags = |job: &str| {
        config.workflows.values().any(|w| match w {
            Workflow::Jobs { jobs } => jobs.iter().any(|i| i.job == job && i.on_tags),
            Workflow::Other(_) => false,
        })
    };
    let mut out = Pipeline {
        matrix_is_env: false,
        on_release: config.jobs.keys().any(|name| on_tags(name)),
        ..Pipeline::default()
    };
    for (name, job) in &config.jobs {
        let executor = match &job.executor {
            Some(ExecutorRef::Name(n) | ExecutorRef::Detailed { name: n }) => config.executors.get(n),
            _ => None,
        };
        let docker = job.docker.as_ref().or_else(|| executor.and_then(|e| e.docker.as_ref()));
        // The first image is the primary container, where steps run.
        let primary = docker.and_then(|d| d.first()).and_then(|i| match i {
            Shaped::Map(image) => Some(image),
            _ => None,
        });
        let image = primary.and_then(|p| p.image.as_ref()).and_then(|image| {
            let span = span_of(image)?;
            let name = image.value.text();
            let (value, _) = super::actions::script_at(text, span, &name);
            Some(Input::new(rewrite_parameters(value), span))
        });
        let mut env = executor.map(|e| environment_words(&e.environment)).unwrap_or_default();
        env.extend(primary.map(|p| environment_words(&p.environment)).unwrap_or_default());
        env.extend(environment_words(&job.environment));
        let index = out.jobs.len();
        let macos = job.macos.is_some() || executor.is_some_and(|e| e.macos.is_some());
        out.jobs.push(JobPlan {
            name: name.clone(),
            runner: macos.then(|| shell::ci_value("macos", 0)).into_iter().collect(),
            combinations: combinations(name, job, &config.workflows),
            declared_combinations: 1,
            env,
            image,
            ..JobPlan::default()
        });
        let combos = out.jobs[index].combinations.len() as u128;
        out.jobs[index].declared_combinations = combos;
        let mut steps = Steps {
            text,
            commands: &config.commands,
            job: index,
            working_directory: job
                .working_directory
                .clone()
                .or_else(|| executor.and_then(|e| e.working_directory.clone())),
            runs: Vec::new(),
            kept: Vec::new(),
            handed_on: Vec::new(),
        };
        steps.read(job.steps.as_deref().unwrap_or_default(), 0);
        // What a later job publishes is published from any run; stored artifacts are a
        // release's only in a run for a tag.
        out.jobs[index].handed_on = steps.handed_on;
        if on_tags(name) {
            out.jobs[index].artifacts = steps.kept;
        }
        out.runs.extend(steps.runs);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ci::env_for;
    use crate::shell::Value;

    const CONFIG: &str = r#"version: 2.1
executors:
  builder:
    docker:
      - image: circleci/golang:1.16
        environment:
          CGO_ENABLED: "0"
commands:
  package:
    steps:
      - run: tar czf app.tgz dist
jobs:
  build:
    executor: builder
    parameters:
      goos:
        type: string
        default: linux
    environment:
      OUT: dist/app
    steps:
      - checkout
      - run: GOOS=<< parameters.goos >> go build -o "$OUT" .
      - run:
          name: version
          command: |
            echo "<<pipeline.git.tag>>"
          environment:
            V: "1"
      - package
      - persist_to_workspace:
          root: .
          paths: [dist]
  mac:
    macos:
      xcode: "15.0"
    steps:
      - when:
          condition: true
          steps:
            - run: go build -o mac .
      - store_artifacts:
          path: mac
workflows:
  version: 2
  release:
    jobs:
      - build:
          matrix:
            parameters:
              goos: [linux, darwin]
          filters:
            tags:
              only: /^v.*/
      - build:
          name: windows
          goos: windows
      - mac
"#;

    #[test]
    fn jobs_steps_parameters_and_images() {
        let p = parse(CONFIG).unwrap();
        let names: Vec<&str> = p.jobs.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(names, ["build", "mac"]);
        let labels: Vec<&str> = p.jobs[0].combinations.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["goos=linux", "goos=darwin", "goos=windows"]);
        let image = p.jobs[0].image.as_ref().unwrap();
        assert_eq!(&CONFIG[image.span.0..image.span.1], "circleci/golang:1.16");
        assert_eq!(p.jobs[0].handed_on, ["dist"]);
        assert!(p.jobs[1].artifacts.is_empty(), "mac runs for branches only: its artifacts are a branch build's");
        assert!(p.on_release);
        assert_eq!(p.runs.iter().map(|r| r.job).collect::<Vec<_>>(), [0, 0, 0, 1]);
        let Item::Command(build) = &p.runs[0].items[0] else { panic!("{:?}", p.runs[0].items) };
        assert_eq!(&CONFIG[build.words[0].start..build.words[0].end], "go", "positions are the file's");
        let env = env_for(&p, 0, &p.jobs[0].combinations[1].1, &[], &p.runs[0].env);
        assert_eq!(env.get("CGO_ENABLED"), Some(&Value::known("0")));
        assert_eq!(env.get("OUT"), Some(&Value::known("dist/app")));
        assert_eq!(env.get("matrix.goos"), Some(&Value::known("darwin")));
        let mac = env_for(&p, 1, &p.jobs[1].combinations[0].1, &[], &[]);
        assert_eq!(mac.get("RUNNER_OS"), Some(&Value::known("macOS")));
    }

    #[test]
    fn parameters_keep_their_length() {
        for t in [
            "GOOS=<< parameters.goos >> go build",
            "echo <<pipeline.git.tag>>",
            "cat <<EOF >> out\nx\nEOF",
            "echo << parameters.a >>",
            "<<",
        ] {
            let r = rewrite_parameters(t);
            assert_eq!(r.len(), t.len(), "{t:?} -> {r:?}");
        }
        assert_eq!(rewrite_parameters("GOOS=<< parameters.goos >> x"), "GOOS=${{ matrix.goos    }} x");
        assert_eq!(rewrite_parameters("cat <<EOF >> out"), "cat <<EOF >> out", "a heredoc is not a parameter");
        assert_eq!(rewrite_parameters("<<pipeline.git.tag>>"), "${{pipeline.git.ta}}");
    }

    #[test]
    fn odd_shapes_do_not_fail() {
        for t in [
            "",
            "version: 2.1\n",
            "jobs:\n  a:\n    steps: [checkout, {run: {}}, {run: [1]}, 3, null, [x]]\n",
            "jobs:\n  a:\n    executor: {name: nope}\n    docker: [{image: 1}, x]\n    steps:\n      - a\n",
            "commands:\n  a: {steps: [a]}\njobs:\n  a:\n    steps: [a]\n",
            "workflows:\n  w:\n    jobs: [a, {a: {matrix: {parameters: {x: 1}}}}, {a: null}]\njobs:\n  a: {}\n",
        ] {
            let p = parse(t).unwrap_or_else(|e| panic!("{t:?}: {e}"));
            for j in 0..p.jobs.len() {
                for (_, c) in &p.jobs[j].combinations {
                    let _ = env_for(&p, j, c, &[], &[]);
                }
            }
        }
        assert!(parse("jobs: [unclosed").is_err());
    }
}
