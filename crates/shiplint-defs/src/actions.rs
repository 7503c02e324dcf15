//! GitHub Actions workflows: `run:` steps read as shell at their exact place in the YAML (block
//! scalars included), `env:` at workflow, job and step level, `strategy.matrix` expanded into its
//! combinations (each on its own runner), `${{ matrix.* }}` and `${{ env.* }}` substituted, and
//! the `actions/setup-go` and `actions/upload-artifact` steps.

use super::ci::{ActionStep, Input, JobPlan, Pipeline, RunStep, Scalar, span_of};
use super::shell;
use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// `env:` is a mapping, or an expression that yields one (`${{ matrix.env }}`).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum EnvBlock {
    Map(IndexMap<String, Scalar>),
    Expression(String),
    Other(IgnoredAny),
}

impl EnvBlock {
    /// The matrix key whose object value an expression `env:` is (`${{ matrix.env }}` gives
    /// `env`): each combination's fields of it are the job's variables.
    fn matrix_key(&self) -> Option<String> {
        let EnvBlock::Expression(e) = self else { return None };
        let inner = e.trim().strip_prefix("${{")?.strip_suffix("}}")?.trim();
        let key = inner.strip_prefix("matrix.")?;
        key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-').then(|| key.to_string())
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum MatrixEntry {
    Values(Vec<Scalar>),
    Rows(Vec<IndexMap<String, MatrixCell>>),
    Other(IgnoredAny),
}

/// One value of a matrix row (an `include:` entry, an object of a list): a scalar, an object
/// read as `matrix.<key>.<field>` (`env: { CC: clang }`), or anything else (not read).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum MatrixCell {
    Scalar(Scalar),
    Object(IndexMap<String, Scalar>),
    Other(IgnoredAny),
}

/// A matrix row's values as `matrix.*` names them: `key` for a scalar, `key.field` for each
/// field of an object.
fn row_values(row: &IndexMap<String, MatrixCell>, prefix: &str) -> Vec<(String, String)> {
    row.iter()
        .flat_map(|(key, cell)| match cell {
            MatrixCell::Scalar(v) => vec![(format!("{prefix}{key}"), v.text())],
            MatrixCell::Object(fields) => {
                fields.iter().map(|(field, v)| (format!("{prefix}{key}.{field}"), v.text())).collect()
            }
            MatrixCell::Other(_) => Vec::new(),
        })
        .collect()
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Matrix {
    Map(IndexMap<String, MatrixEntry>),
    /// `${{ fromJSON(...) }}`: known only when the workflow runs.
    Other(IgnoredAny),
}

#[derive(Debug, Deserialize)]
struct Strategy {
    matrix: Option<Matrix>,
}

#[derive(Debug, Deserialize)]
struct Step {
    id: Option<String>,
    #[serde(rename = "if")]
    condition: Option<Scalar>,
    uses: Option<Spanned<String>>,
    run: Option<Spanned<String>>,
    env: Option<EnvBlock>,
    with: Option<BTreeMap<String, Spanned<Scalar>>>,
    #[serde(rename = "working-directory")]
    working_directory: Option<Scalar>,
    shell: Option<Scalar>,
}

/// `defaults: run: working-directory:` and `shell:` of a workflow or job.
#[derive(Debug, Default, Deserialize)]
struct Defaults {
    run: Option<RunDefaults>,
}

#[derive(Debug, Default, Deserialize)]
struct RunDefaults {
    #[serde(rename = "working-directory")]
    working_directory: Option<Scalar>,
    shell: Option<Scalar>,
}

impl Defaults {
    fn working_directory(defaults: &Option<Defaults>) -> Option<String> {
        defaults.as_ref()?.run.as_ref()?.working_directory.as_ref().map(Scalar::text)
    }

    fn shell(defaults: &Option<Defaults>) -> Option<String> {
        defaults.as_ref()?.run.as_ref()?.shell.as_ref().map(Scalar::text)
    }
}

/// Whether a `shell:` runs PowerShell (`pwsh`, `powershell`, or a command line starting with one).
fn is_powershell(shell: &str) -> bool {
    let program = shell.split_whitespace().next().unwrap_or("");
    matches!(program.to_ascii_lowercase().as_str(), "pwsh" | "powershell" | "pwsh.exe" | "powershell.exe")
}

/// `runs-on:` a label (maybe `${{ matrix.os }}`), a list of labels, or a group.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RunsOn {
    Label(String),
    Labels(Vec<String>),
    Other(IgnoredAny),
}

/// `container:` an image, or a map with its `image:`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Container {
    Image(String),
    Detailed { image: String },
    Other(IgnoredAny),
}

#[derive(Debug, Deserialize)]
struct Job {
    #[serde(rename = "runs-on")]
    runs_on: Option<RunsOn>,
    /// The image the job's steps run in.
    container: Option<Spanned<Container>>,
    env: Option<EnvBlock>,
    strategy: Option<Strategy>,
    #[serde(default)]
    steps: Vec<Step>,
    defaults: Option<Defaults>,
    /// A reusable workflow the job runs (`uses: ./.github/workflows/build.yml`), with its inputs.
    uses: Option<Spanned<String>>,
    with: Option<BTreeMap<String, Spanned<Scalar>>>,
    /// What later jobs read as `needs.<job>.outputs.<name>`.
    outputs: Option<BTreeMap<String, Scalar>>,
}

/// A local action's metadata (`action.yml`): its inputs, and how it runs.
#[derive(Debug, Deserialize)]
struct Action {
    inputs: Option<IndexMap<String, ActionInput>>,
    runs: Option<ActionRuns>,
}

#[derive(Debug, Deserialize)]
struct ActionInput {
    default: Option<Scalar>,
}

#[derive(Debug, Deserialize)]
struct ActionRuns {
    /// `composite`, `docker`, or a JavaScript runtime (`node20`).
    using: Option<String>,
    #[serde(default)]
    steps: Vec<Step>,
    /// For a Docker action: `Dockerfile` (built from the action's folder) or `docker://image`.
    image: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Workflow {
    /// The events that run it: a name, a list of names, or a map keyed by them.
    #[serde(rename = "on")]
    on: Option<Triggers>,
    env: Option<EnvBlock>,
    defaults: Option<Defaults>,
    #[serde(default)]
    jobs: IndexMap<String, Job>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Triggers {
    One(String),
    List(Vec<String>),
    Map(IndexMap<String, Trigger>),
}

/// One event's settings: for `push`, which refs run it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Trigger {
    Refs {
        branches: Option<Branches>,
        #[serde(rename = "branches-ignore")]
        branches_ignore: Option<IgnoredAny>,
        tags: Option<IgnoredAny>,
        #[serde(rename = "tags-ignore")]
        tags_ignore: Option<IgnoredAny>,
        /// Files whose change alone runs it (a check of those files, not a release).
        paths: Option<IgnoredAny>,
        /// For `workflow_call`: the inputs a caller passes, with their defaults.
        inputs: Option<IndexMap<String, ActionInput>>,
    },
    Other(IgnoredAny),
}

/// The branches a `push` filters on: one pattern or a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Branches {
    One(String),
    Many(Vec<String>),
    Other(IgnoredAny),
}

impl Branches {
    /// Whether a pattern names release branches (`release`, `release-*`, `releases/**`): a push
    /// there builds what a release ships.
    fn name_a_release(&self) -> bool {
        let release = |pattern: &String| {
            let head = pattern
                .trim_start_matches(['\'', '"'])
                .split(['/', '*'])
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            matches!(head.as_str(), "release" | "releases")
                || head.starts_with("release-")
                || head.starts_with("release_")
        };
        match self {
            Branches::One(b) => release(b),
            Branches::Many(bs) => bs.iter().any(release),
            Branches::Other(_) => false,
        }
    }
}

impl Triggers {
    /// Whether only pull requests run it (`pull_request`, `pull_request_target`, `merge_group`):
    /// nothing it builds is released.
    fn pull_requests_only(&self) -> bool {
        let is_pr = |e: &str| matches!(e, "pull_request" | "pull_request_target" | "merge_group");
        match self {
            Triggers::One(e) => is_pr(e),
            Triggers::List(l) => !l.is_empty() && l.iter().all(|e| is_pr(e)),
            Triggers::Map(m) => !m.is_empty() && m.keys().all(|e| is_pr(e)),
        }
    }

    /// Whether a release runs it: a `release` event, or a push of a tag (a `push` that filters
    /// tags, or no refs at all; one that filters only branches runs for no tag), or of a release
    /// branch (`branches: [release]`: what it builds there is what the release ships), unless
    /// only changes to some files run it (`paths:`: a check of those files).
    fn on_release(&self) -> bool {
        let names = |e: &str| matches!(e, "release" | "push");
        match self {
            Triggers::One(e) => names(e),
            Triggers::List(l) => l.iter().any(|e| names(e)),
            Triggers::Map(m) => m.iter().any(|(event, trigger)| match (event.as_str(), trigger) {
                ("release", _) => true,
                ("push", Trigger::Refs { branches, branches_ignore, tags, tags_ignore, paths, .. }) => {
                    tags.is_some()
                        || tags_ignore.is_some()
                        || (branches.is_none() && branches_ignore.is_none())
                        || paths.is_none() && branches.as_ref().is_some_and(Branches::name_a_release)
                }
                ("push", Trigger::Other(_)) => true,
                _ => false,
            }),
        }
    }

    /// Whether only releases run it: `release` events and pushes of tags alone (a `push` that
    /// filters tags and no branches), beside runs by hand (`workflow_dispatch`).
    fn release_only(&self) -> bool {
        let releases = |event: &str, trigger: Option<&Trigger>| match (event, trigger) {
            ("release", _) => true,
            ("push", Some(Trigger::Refs { branches, branches_ignore, tags, tags_ignore, .. })) => {
                (tags.is_some() || tags_ignore.is_some()) && branches.is_none() && branches_ignore.is_none()
            }
            _ => false,
        };
        let events: Vec<(&str, Option<&Trigger>)> = match self {
            Triggers::One(e) => vec![(e.as_str(), None)],
            Triggers::List(l) => l.iter().map(|e| (e.as_str(), None)).collect(),
            Triggers::Map(m) => m.iter().map(|(e, t)| (e.as_str(), Some(t))).collect(),
        };
        let by_hand = |event: &str| event == "workflow_dispatch";
        events.iter().any(|&(e, t)| releases(e, t)) && events.iter().all(|&(e, t)| releases(e, t) || by_hand(e))
    }

    /// Whether a release event or a push of tags runs it, among other events.
    fn on_tagged_release(&self) -> bool {
        match self {
            Triggers::One(e) => e == "release",
            Triggers::List(l) => l.iter().any(|e| e == "release"),
            Triggers::Map(m) => m.iter().any(|(event, trigger)| match (event.as_str(), trigger) {
                ("release", _) => true,
                ("push", Trigger::Refs { tags, tags_ignore, .. }) => tags.is_some() || tags_ignore.is_some(),
                _ => false,
            }),
        }
    }
}

/// The most matrix combinations expanded per job (GitHub's own limit is 256).
const MAX_COMBINATIONS: usize = 256;

/// Environment entries as words (their spans are not kept: `env:` values are short).
fn env_words(block: &Option<EnvBlock>) -> Vec<(String, shell::Word)> {
    match block {
        Some(EnvBlock::Map(m)) => m.iter().map(|(k, v)| (k.clone(), shell::ci_value(&v.text(), 0))).collect(),
        _ => Vec::new(),
    }
}

/// The combinations of a `strategy.matrix`, as GitHub expands it: the product of the list-valued
/// keys, minus `exclude` rows, then each `include` row added to every combination whose original
/// values it matches (overwriting only values other include rows added), or appended on its own.
/// Also how many the product of the lists declares (counted, not enumerated).
fn combinations(matrix: &Option<Matrix>) -> (Vec<super::ci::Combination>, u128) {
    let Some(Matrix::Map(m)) = matrix else { return (vec![(String::new(), Vec::new())], 1) };
    let original: Vec<&String> = m.keys().filter(|k| *k != "include" && *k != "exclude").collect();
    // Each value of a key: a scalar (`goos: [linux, darwin]`), or an object whose fields are read
    // as `matrix.<key>.<field>` (`jobs: [{ goos: darwin, goarch: arm64 }, ...]`).
    let values_of = |key: &str| -> Vec<Vec<(String, String)>> {
        match m.get(key) {
            Some(MatrixEntry::Values(values)) => values.iter().map(|v| vec![(key.to_string(), v.text())]).collect(),
            Some(MatrixEntry::Rows(rows)) => rows.iter().map(|row| row_values(row, &format!("{key}."))).collect(),
            _ => Vec::new(),
        }
    };
    let declared =
        original.iter().map(|k| values_of(k).len() as u128).filter(|n| *n > 0).fold(1u128, u128::saturating_mul);
    let mut combos: Vec<Vec<(String, String)>> = Vec::new();
    for key in &original {
        let values = values_of(key);
        if values.is_empty() {
            continue;
        }
        let base = if combos.is_empty() { vec![Vec::new()] } else { std::mem::take(&mut combos) };
        for c in &base {
            for v in values.iter().take(MAX_COMBINATIONS.saturating_sub(combos.len())) {
                let mut c = c.clone();
                c.extend(v.iter().cloned());
                combos.push(c);
            }
        }
    }
    let rows = |k: &str| match m.get(k) {
        Some(MatrixEntry::Rows(r)) => r.iter().map(|row| row_values(row, "")).collect(),
        _ => Vec::new(),
    };
    let has = |c: &[(String, String)], k: &str, v: &str| c.iter().any(|(ck, cv)| ck == k && cv == v);
    let excluded: Vec<Vec<(String, String)>> = rows("exclude");
    combos.retain(|c| !excluded.iter().any(|row| row.iter().all(|(k, v)| has(c, k, v))));
    for row in rows("include") {
        let mut added = false;
        for c in &mut combos {
            let fits = row.iter().filter(|(k, _)| original.contains(&k)).all(|(k, v)| has(c, k, v));
            if !fits || original.is_empty() {
                continue;
            }
            for (k, v) in row.iter().filter(|(k, _)| !original.contains(&k)) {
                match c.iter_mut().find(|(ck, _)| ck == k) {
                    Some(slot) => slot.1 = v.clone(),
                    None => c.push((k.clone(), v.clone())),
                }
            }
            added = true;
        }
        if !added && combos.len() < MAX_COMBINATIONS {
            combos.push(row);
        }
    }
    if combos.is_empty() {
        combos.push(Vec::new());
    }
    let declared = declared.max(combos.len() as u128);
    (super::ci::labelled(combos), declared)
}

/// A step's or job's `uses:` and its `with:` inputs.
fn action_step(
    uses: &Spanned<String>,
    with: Option<&BTreeMap<String, Spanned<Scalar>>>,
    job: usize,
    condition: Option<String>,
) -> ActionStep {
    let span = span_of(uses).unwrap_or((0, 0));
    let with = with
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), Input::new(v.value.text(), span_of(v).unwrap_or(span))))
        .collect();
    let uses_word = shell::literal_word(&uses.value, span);
    ActionStep { uses: uses.value.clone(), span, uses_word, with, job, condition }
}

/// A script given as a YAML scalar, and where it starts in the file: its text as written, or for
/// a quoted scalar (whose span includes its quotes and escapes) its value, just inside the quote.
pub(crate) fn script_at<'s>(text: &'s str, (start, end): (usize, usize), value: &'s str) -> (&'s str, usize) {
    let raw = &text[start..end.min(text.len())];
    match raw.starts_with('"') || raw.starts_with('\'') {
        true => (value, start + 1),
        false => (raw, start),
    }
}

/// How a job runs its `run:` steps when they say nothing: its folder and its shell.
#[derive(Clone, Copy, Default)]
struct StepDefaults<'d> {
    working_directory: Option<&'d str>,
    /// The default shell is PowerShell (`defaults: run: shell: pwsh`, or a Windows runner's).
    powershell: bool,
}

/// The `run:` steps (shell at their place in the file) and `uses:` steps of job `index`.
fn read_steps(text: &str, steps: &[Step], index: usize, defaults: StepDefaults<'_>, out: &mut Pipeline) {
    for step in steps {
        if let Some(run) = &step.run {
            let Some(span) = span_of(run) else { continue };
            let (script, base) = script_at(text, span, &run.value);
            let powershell = step.shell.as_ref().map_or(defaults.powershell, |s| is_powershell(&s.text()));
            // PowerShell is read as the shell it rewrites to, line for line.
            let items = match powershell {
                true => {
                    let rewritten = super::powershell::to_shell(script);
                    match shell::LineMap::new(&rewritten, script, base) {
                        Some(lines) => shell::parse_rewritten(&rewritten, &lines),
                        None => shell::parse(&rewritten, base),
                    }
                }
                false => shell::parse(script, base),
            };
            let condition = step.condition.as_ref().map(Scalar::text);
            let working_directory = step
                .working_directory
                .as_ref()
                .map(Scalar::text)
                .or_else(|| defaults.working_directory.map(String::from));
            out.runs.push(RunStep {
                items,
                env: env_words(&step.env),
                job: index,
                id: step.id.clone(),
                condition,
                working_directory,
            });
        }
        if let Some(uses) = &step.uses {
            out.actions.push(action_step(uses, step.with.as_ref(), index, step.condition.as_ref().map(Scalar::text)));
            if let Some(build) = go_build_instructions(text, step, index) {
                out.runs.push(build);
            }
        }
    }
}

/// Actions that run a shell script given as an input, read as a `run:` step of the job.
///
/// hashicorp/actions-go-build runs its `instructions:` in the step's environment with the target
/// and output it sets: `GOOS`/`GOARCH` from `os`/`arch`, `$BIN_PATH` (`dist/` and `bin_name`, by
/// default `product_name`, `.exe` on Windows) and `$TARGET_DIR` (`dist`); it then zips and
/// uploads what it wrote (see `Defs::keeping_on`).
///
/// uraimo/run-on-arch-action runs its `run:` in a Linux container of the `arch:` it names
/// (emulated), with the workspace mounted where it runs: Go builds there for that machine
/// (`aarch64` is GOARCH arm64, `armv7` arm with GOARM 7), and later steps keep what it wrote.
fn go_build_instructions(text: &str, step: &Step, job: usize) -> Option<RunStep> {
    let uses = step.uses.as_ref()?;
    let with = step.with.as_ref()?;
    let input = |name: &str| with.get(name).map(|v| v.value.text());
    let (script, settings) = if uses.value.starts_with(super::build_actions::HASHICORP_GO_BUILD) {
        let binary = input("bin_name").filter(|b| !b.is_empty()).or_else(|| input("product_name")).unwrap_or_default();
        // `.exe` on Windows: decided here when `os` is written out, by the runner's matrix otherwise.
        let suffix = match input("os") {
            Some(os) if !os.contains("${{") => if os == "windows" { ".exe" } else { "" }.to_string(),
            _ => "${{ inputs.os == 'windows' && '.exe' || '' }}".to_string(),
        };
        let settings = vec![
            ("GOOS", input("os")),
            ("GOARCH", input("arch")),
            ("TARGET_DIR", Some("dist".to_string())),
            ("BIN_PATH", Some(format!("dist/{binary}{suffix}"))),
        ];
        ("instructions", settings)
    } else if uses.value.starts_with(super::build_actions::RUN_ON_ARCH) {
        let (goarch, goarm) = match input("arch").as_deref().map(linux_machine_goarch) {
            Some(Some((goarch, goarm))) => (Some(goarch.to_string()), goarm.map(str::to_string)),
            _ => (None, None),
        };
        ("run", vec![("GOOS", Some("linux".to_string())), ("GOARCH", goarch), ("GOARM", goarm)])
    } else {
        return None;
    };
    let script = with.get(script)?;
    let value = script.value.text();
    let (script, base) = script_at(text, span_of(script)?, &value);
    let items = shell::parse(script, base);
    let mut env = env_words(&step.env);
    for (name, value) in settings {
        if let Some(value) = value {
            env.push((name.to_string(), shell::ci_value(&value, 0)));
        }
    }
    let condition = step.condition.as_ref().map(Scalar::text);
    Some(RunStep { items, env, job, id: step.id.clone(), condition, working_directory: None })
}

/// The GOARCH (and GOARM) Go builds for by default on a Linux machine (`uname -m`, Debian's
/// and run-on-arch-action's names); `None` for a machine written with a `${{ }}` or unknown.
fn linux_machine_goarch(machine: &str) -> Option<(&'static str, Option<&'static str>)> {
    Some(match machine {
        "aarch64" | "arm64" => ("arm64", None),
        "armv7" | "armv7l" | "armhf" => ("arm", Some("7")),
        "armv6" | "armv6l" => ("arm", Some("6")),
        "x86_64" | "amd64" => ("amd64", None),
        "i386" | "i686" | "x86" => ("386", None),
        "ppc64le" => ("ppc64le", None),
        "s390x" => ("s390x", None),
        "riscv64" => ("riscv64", None),
        _ => return None,
    })
}

/// Inputs with their defaults (an input without one is empty).
fn input_defaults(inputs: &IndexMap<String, ActionInput>) -> Vec<(String, shell::Word)> {
    let default = |i: &ActionInput| i.default.as_ref().map_or(String::new(), Scalar::text);
    inputs.iter().map(|(name, input)| (name.clone(), shell::ci_value(&default(input), 0))).collect()
}

/// Reads a local action's `action.yml`: a composite action's steps as one job (named
/// `action`), its inputs' defaults as `inputs.*`, and a Docker action's image.
pub fn parse_action(text: &str) -> Result<Pipeline, String> {
    // A file named action.yml that is YAML of another shape is some other tool's: not read.
    let action: Action = match super::ci::from_yaml(text) {
        Ok(action) => action,
        Err(e) => return super::ci::from_yaml::<IgnoredAny>(text).map(|_| Pipeline::default()).map_err(|_| e),
    };
    let mut out =
        Pipeline { inputs: action.inputs.as_ref().map(input_defaults).unwrap_or_default(), ..Pipeline::default() };
    // One job with one combination: the steps run in the caller's job.
    out.jobs.push(JobPlan {
        name: "action".into(),
        combinations: vec![(String::new(), Vec::new())],
        declared_combinations: 1,
        ..JobPlan::default()
    });
    if let Some(runs) = &action.runs {
        match runs.using.as_deref() {
            Some("composite") => read_steps(text, &runs.steps, 0, StepDefaults::default(), &mut out),
            Some("docker") => out.docker_image = runs.image.clone(),
            _ => {}
        }
    }
    Ok(out)
}

/// Reads a workflow file. An error is a YAML error, in plain words.
pub fn parse(text: &str) -> Result<Pipeline, String> {
    let wf: Workflow = super::ci::from_yaml(text)?;
    let mut out = Pipeline {
        env: env_words(&wf.env),
        pull_requests_only: wf.on.as_ref().is_some_and(Triggers::pull_requests_only),
        on_release: wf.on.as_ref().is_some_and(Triggers::on_release),
        release_only: wf.on.as_ref().is_some_and(Triggers::release_only),
        on_tagged_release: wf.on.as_ref().is_some_and(Triggers::on_tagged_release),
        ..Pipeline::default()
    };
    // A reusable workflow's inputs, as `${{ inputs.* }}` reads them when no caller passes one.
    if let Some(Triggers::Map(events)) = &wf.on {
        if let Some(Trigger::Refs { inputs: Some(inputs), .. }) = events.get("workflow_call") {
            out.inputs = input_defaults(inputs);
        }
    }
    for (index, (name, job)) in wf.jobs.iter().enumerate() {
        let (combinations, declared_combinations) = combinations(&job.strategy.as_ref().and_then(|s| s.matrix.clone()));
        let runner = match &job.runs_on {
            Some(RunsOn::Label(label)) => vec![shell::ci_value(label, 0)],
            Some(RunsOn::Labels(labels)) => labels.iter().map(|l| shell::ci_value(l, 0)).collect(),
            _ => Vec::new(),
        };
        out.jobs.push(JobPlan {
            runner,
            name: name.clone(),
            combinations,
            declared_combinations,
            env: env_words(&job.env),
            env_from_matrix: job.env.as_ref().and_then(EnvBlock::matrix_key),
            outputs: job.outputs.iter().flatten().map(|(k, v)| (k.clone(), shell::ci_value(&v.text(), 0))).collect(),
            image: job.container.as_ref().and_then(|c| match &c.value {
                Container::Image(image) | Container::Detailed { image } => Some(Input::new(image.clone(), span_of(c)?)),
                Container::Other(_) => None,
            }),
            ..JobPlan::default()
        });
        let working_directory =
            Defaults::working_directory(&job.defaults).or_else(|| Defaults::working_directory(&wf.defaults));
        // GitHub runs a Windows runner's steps in PowerShell unless told otherwise.
        let windows = match &job.runs_on {
            Some(RunsOn::Label(label)) => label.to_ascii_lowercase().starts_with("windows"),
            Some(RunsOn::Labels(labels)) => labels.iter().any(|l| l.to_ascii_lowercase().starts_with("windows")),
            _ => false,
        };
        let powershell = match Defaults::shell(&job.defaults).or_else(|| Defaults::shell(&wf.defaults)) {
            Some(shell) => is_powershell(&shell),
            None => windows,
        };
        let defaults = StepDefaults { working_directory: working_directory.as_deref(), powershell };
        read_steps(text, &job.steps, index, defaults, &mut out);
        // A job that runs a reusable workflow: an action step the linker follows.
        if let Some(uses) = &job.uses {
            out.actions.push(action_step(uses, job.with.as_ref(), index, None));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_and_other_files_named_action_yml() {
        let composite = "inputs:\n  goos:\n    default: linux\nruns:\n  using: composite\n  steps:\n    - run: go build .\n      shell: bash\n";
        let p = parse_action(composite).unwrap();
        assert_eq!((p.jobs.len(), p.runs.len(), p.inputs.len()), (1, 1, 1));
        let docker = parse_action("runs:\n  using: docker\n  image: Dockerfile\n").unwrap();
        assert_eq!(docker.docker_image.as_deref(), Some("Dockerfile"));
        // Another tool's action.yml: read as nothing; broken YAML is still an error.
        let other = parse_action("inputs: [a, b]\nruns: 3\n").unwrap();
        assert!(other.runs.is_empty() && other.docker_image.is_none());
        assert!(parse_action("runs: [unclosed").is_err());
    }
    use crate::ci::env_for;
    use crate::shell::{Item, Value};

    const WF: &str = "name: release
on: push
env:
  CGO_ENABLED: 0
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        goos: [linux, darwin]
        goarch: [amd64, arm64]
        exclude:
          - goos: darwin
            goarch: amd64
        include:
          - goos: windows
            goarch: amd64
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: stable
      - run: |
          go build -o dist/api ./cmd/api
        env:
          GOOS: ${{ matrix.goos }}
          GOARCH: ${{ matrix.goarch }}
      - uses: actions/upload-artifact@v4
        with:
          name: api
          path: dist/
";

    #[test]
    fn matrix_env_runs_and_actions() {
        let a = parse(WF).unwrap();
        let labels: Vec<&str> = a.jobs[0].combinations.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            labels,
            [
                "goos=linux, goarch=amd64",
                "goos=linux, goarch=arm64",
                "goos=darwin, goarch=arm64",
                "goos=windows, goarch=amd64"
            ]
        );
        assert_eq!(a.runs.len(), 1);
        let Item::Command(c) = &a.runs[0].items[0] else { panic!() };
        assert_eq!(&WF[c.words[3].start..c.words[3].end], "dist/api");
        let env = env_for(&a, 0, &a.jobs[0].combinations[2].1, &[], &a.runs[0].env);
        assert_eq!(env.get("GOOS"), Some(&Value::Known("darwin".into())));
        assert_eq!(env.get("CGO_ENABLED"), Some(&Value::Known("0".into())));
        assert_eq!(a.actions.len(), 2);
        assert_eq!(a.actions[0].with["go-version"].value, "stable");
        assert_eq!(&WF[a.actions[0].with["go-version"].span.0..a.actions[0].with["go-version"].span.1], "stable");
    }

    #[test]
    fn include_only_and_include_extending() {
        let only = "jobs:\n  a:\n    strategy:\n      matrix:\n        include:\n          - os: linux\n          - os: windows\n            ext: .exe\n    steps: []\n";
        let labels: Vec<String> = parse(only).unwrap().jobs[0].combinations.iter().map(|(l, _)| l.clone()).collect();
        assert_eq!(labels, ["os=linux", "os=windows, ext=.exe"]);
        let extend = "jobs:\n  a:\n    strategy:\n      matrix:\n        os: [linux, windows]\n        include:\n          - os: windows\n            ext: .exe\n          - os: darwin\n    steps: []\n";
        let labels: Vec<String> = parse(extend).unwrap().jobs[0].combinations.iter().map(|(l, _)| l.clone()).collect();
        assert_eq!(labels, ["os=linux", "os=windows, ext=.exe", "os=darwin"]);
    }

    #[test]
    fn odd_shapes_do_not_fail() {
        for t in [
            "jobs:\n  a:\n    uses: ./.github/workflows/x.yml\n",
            "jobs:\n  a:\n    steps:\n      - uses: x/y@v1\n        with:\n          globs: # null\n",
            "env: ${{ fromJSON(x) }}\njobs: {}\n",
            "on: push\n",
            "jobs:\n  a:\n    strategy:\n      matrix: ${{ fromJSON(needs.x.outputs.m) }}\n    steps:\n      - run: \"go build -o x .\"\n",
        ] {
            let a = parse(t).unwrap();
            for j in 0..a.jobs.len() {
                for (_, c) in &a.jobs[j].combinations {
                    let _ = env_for(&a, j, c, &[], &[]);
                }
            }
        }
        assert!(parse("jobs: [unclosed").is_err());
    }

    #[test]
    fn machines_are_the_goarch_go_builds_for_there() {
        assert_eq!(linux_machine_goarch("aarch64"), Some(("arm64", None)));
        assert_eq!(linux_machine_goarch("armv7"), Some(("arm", Some("7"))));
        assert_eq!(linux_machine_goarch("ppc64le"), Some(("ppc64le", None)));
        assert_eq!(linux_machine_goarch("${{ matrix.arch }}"), None);
    }
}
