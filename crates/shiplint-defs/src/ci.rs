//! The model CI pipelines are read into (GitHub Actions workflows, GitLab CI files): jobs with
//! their matrix combinations and environment, the shell they run, and the actions they use.

use super::shell::{self, Env, Item, Value};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// Reads a YAML file into `T`. An error is said in plain words: the first line of the parser's
/// message, or, for its limits and recursive aliases, what they mean (its own words there are
/// its API's: "budget breached: Nodes", "recursive references require weak recursion types").
pub fn from_yaml<'de, T: Deserialize<'de>>(text: &'de str) -> Result<T, String> {
    serde_saphyr::from_str(text).map_err(|e| yaml_error(&e))
}

/// Reads every document of a YAML stream (`---` between them) into `T`, with spans into the
/// whole text; errors as `from_yaml` says them.
pub fn from_yaml_documents<'de, T: Deserialize<'de>>(text: &'de str) -> Result<Vec<T>, String> {
    serde_saphyr::from_multiple(text).map_err(|e| yaml_error(&e))
}

fn yaml_error(e: &serde_saphyr::Error) -> String {
    use serde_saphyr::Error;
    use serde_saphyr::budget::BudgetBreach;
    let mut inner = e.without_snippet();
    while let Error::AliasError { error, .. } = inner {
        inner = error.without_snippet();
    }
    let limit = match inner {
        Error::RecursiveReferencesRequireWeakTypes { .. } => {
            return "YAML not read: an alias refers to a node that contains it (a recursive anchor)".into();
        }
        Error::Budget { breach, .. } => match breach {
            BudgetBreach::Nodes { .. } | BudgetBreach::Events { .. } => "has too many values",
            BudgetBreach::Aliases { .. } | BudgetBreach::AliasAnchorRatio { .. } => "has too many aliases",
            BudgetBreach::Depth { .. } => "is nested too deep",
            BudgetBreach::InputBytes { .. } | BudgetBreach::ScalarBytes { .. } => "is too large",
            _ => "goes past one of the YAML reader's limits",
        },
        _ => return e.to_string().lines().next().unwrap_or("invalid YAML").to_string(),
    };
    format!("YAML not read: it {limit} (an alias bomb, or generated)")
}

/// Visitor methods that read any number, boolean or null as `$other` (a value shiplint does not
/// need, which must not fail the read).
macro_rules! scalars_are {
    ($other:expr) => {
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($other)
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($other)
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($other)
        }
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($other)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok($other)
        }
    };
}
pub(crate) use scalars_are;

/// A value that is text, a mapping read as `T`, or anything else. Unlike an untagged enum, it
/// reads the mapping in place, which keeps the spans (`Spanned`) inside it.
#[derive(Clone, Debug)]
pub enum Shaped<T> {
    Text(String),
    Map(T),
    Other,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Shaped<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ShapedVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ShapedVisitor<T> {
            type Value = Shaped<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("text or a mapping")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Shaped<T>, E> {
                Ok(Shaped::Text(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Shaped<T>, A::Error> {
                Ok(Shaped::Map(T::deserialize(de::value::MapAccessDeserializer::new(map))?))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shaped<T>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Shaped::Other)
            }
            scalars_are!(Shaped::Other);
        }
        d.deserialize_any(ShapedVisitor(std::marker::PhantomData))
    }
}

/// A YAML scalar as GitHub reads it: every one becomes a string (null an empty one).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null(()),
}

impl Scalar {
    pub fn text(&self) -> String {
        match self {
            Scalar::Str(s) => s.clone(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Null(()) => String::new(),
        }
    }
}

/// A list, or one string: goreleaser (`ldflags`, `flags`) and ko's viper (`.ko.yaml`) accept
/// both.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Strings {
    List(Vec<Scalar>),
    One(Scalar),
}

impl Strings {
    pub fn items(&self) -> Vec<String> {
        match self {
            Strings::List(l) => l.iter().map(Scalar::text).collect(),
            Strings::One(s) => vec![s.text()],
        }
    }
}

/// Where a YAML value is written: for a value reached through an alias (`*anchor`, `<<:`), the
/// anchored text, which is what its spans point into.
pub fn span_of<T>(s: &Spanned<T>) -> Option<(usize, usize)> {
    location_span(&s.defined)
}

/// Where the alias (`*anchor`, or the `<<: *anchor` that merges it) that reaches a value is
/// written; `None` for a value written in place.
pub fn alias_of<T>(s: &Spanned<T>) -> Option<(usize, usize)> {
    (s.referenced != s.defined).then(|| location_span(&s.referenced)).flatten().filter(|(start, end)| end > start)
}

fn location_span(at: &serde_saphyr::Location) -> Option<(usize, usize)> {
    let sp = at.span();
    let start = usize::try_from(sp.byte_offset()?).ok()?;
    Some((start, start + usize::try_from(sp.byte_len()?).ok()?))
}

/// An action input (`with:` entry) and where its value is.
#[derive(Clone, Debug)]
pub struct Input {
    pub value: String,
    pub span: (usize, usize),
    /// The value read as a CI value (its `${{ }}` expressions, at their place in the file).
    pub word: shell::Word,
}

impl Input {
    pub fn new(value: String, span: (usize, usize)) -> Input {
        let word = shell::ci_value(&value, span.0);
        Input { value, span, word }
    }
}

/// A step that runs an action, with its inputs.
#[derive(Clone, Debug)]
pub struct ActionStep {
    pub uses: String,
    pub span: (usize, usize),
    /// `uses:` as a word at its place, for what the action builds.
    pub uses_word: shell::Word,
    pub with: BTreeMap<String, Input>,
    /// The index of the step's job in `Workflow::jobs`.
    pub job: usize,
    /// The step's `if:`, which may leave it out of some matrix combinations.
    pub condition: Option<String>,
}

/// A `run:` step: its shell, parsed at its place in the file.
#[derive(Default)]
pub struct RunStep {
    pub items: Vec<Item>,
    pub env: Vec<(String, shell::Word)>,
    pub job: usize,
    /// The step's `id:`, by which later steps read what it writes to `$GITHUB_OUTPUT`.
    pub id: Option<String>,
    /// The step's `if:`, which may leave it out of some matrix combinations.
    pub condition: Option<String>,
    /// The folder its shell starts in (`working-directory:`), relative to the repository root.
    pub working_directory: Option<String>,
}

/// A job's runners: one environment per matrix combination.
/// One matrix combination: its label (`goos=linux, goarch=arm64`) and its values.
pub type Combination = (String, Vec<(String, String)>);

/// Matrix combinations with their labels (`goos=linux, goarch=arm64`), which say which value is
/// which variable.
pub fn labelled(combinations: Vec<Vec<(String, String)>>) -> Vec<Combination> {
    let label = |c: &[(String, String)]| c.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ");
    combinations.into_iter().map(|c| (label(&c), c)).collect()
}

#[derive(Default)]
pub struct JobPlan {
    pub name: String,
    /// The runner labels (`runs-on:`), which may name matrix values.
    pub runner: Vec<shell::Word>,
    /// Each combination's `matrix.*` values, with a label such as `goos=linux, goarch=arm64`.
    pub combinations: Vec<Combination>,
    /// How many combinations the matrix declares; more than `combinations` holds when the
    /// reader's cap cut it (counted, never enumerated).
    pub declared_combinations: u128,
    pub env: Vec<(String, shell::Word)>,
    /// The matrix key whose object value is the job's `env:` (`env: ${{ matrix.env }}`).
    pub env_from_matrix: Option<String>,
    /// The container image the job runs in (GitLab `image:`, GitHub `container:`), where it is
    /// written.
    pub image: Option<Input>,
    /// The `go` snap a snapcraft part builds with (`go/1.25/stable`), where it is written.
    pub go_snap: Option<Input>,
    /// Paths the job keeps as artifacts (GitLab `artifacts:paths`), which later jobs receive
    /// together in one folder.
    pub artifacts: Vec<String>,
    /// Paths the job hands on to later jobs and nowhere else (CircleCI `persist_to_workspace`):
    /// kept only where another job's commands publish them.
    pub handed_on: Vec<String>,
    /// The job's `outputs:`, which later jobs read as `needs.<job>.outputs.<name>`.
    pub outputs: Vec<(String, shell::Word)>,
}

#[derive(Default)]
pub struct Pipeline {
    /// Files of the repository its steps read with `cat` (`cat .github/env >> "$GITHUB_ENV"`,
    /// `echo "GO_VERSION=$(cat .go-version)" >> "$GITHUB_ENV"`): each path as written (no
    /// leading `./`) and the file's text, given by whoever read the pipeline from disk.
    pub files: Vec<(String, String)>,
    /// The pipeline-wide environment (GitHub `env:`, GitLab `variables:`).
    pub env: Vec<(String, shell::Word)>,
    /// A local action's inputs with their defaults, read as `${{ inputs.* }}` (a caller's
    /// `with:` replaces them).
    pub inputs: Vec<(String, shell::Word)>,
    /// A Docker action's image (`Dockerfile`, or `docker://...`).
    pub docker_image: Option<String>,
    /// GitLab's `parallel: matrix` values are variables of the job; GitHub's are `matrix.*` only.
    pub matrix_is_env: bool,
    /// A GitHub workflow only pull requests run: it releases nothing.
    pub pull_requests_only: bool,
    /// A release or a tag push runs it: what it uploads as artifacts may be the release.
    pub on_release: bool,
    /// Only releases and tag pushes run it (and runs by hand): what its steps run builds the release.
    pub release_only: bool,
    /// A release event or a push of tags runs it (beside other events, maybe).
    pub on_tagged_release: bool,
    pub jobs: Vec<JobPlan>,
    pub runs: Vec<RunStep>,
    pub actions: Vec<ActionStep>,
}

/// The environment of one matrix combination of a job, for a step with `step_env`, after earlier
/// steps `exported` variables (GitHub's `$GITHUB_ENV`; a step's own `env:` still wins), step
/// outputs (`steps.<id>.outputs.<name>`) and earlier jobs' outputs (`needs.<job>.outputs.<name>`),
/// which set no variable.
pub fn env_for(
    pipeline: &Pipeline,
    job: usize,
    combo: &[(String, String)],
    exported: &[(String, Value)],
    step_env: &[(String, shell::Word)],
) -> Env {
    let mut env = Env::default();
    for (k, v) in combo {
        env.set(&format!("matrix.{k}"), Value::Known(v.clone()), false);
    }
    for (k, w) in &pipeline.inputs {
        let v = env.expand(w);
        env.set(&format!("inputs.{k}"), v, false);
    }
    // The runner's system, as GitHub sets RUNNER_OS: Go builds for it unless GOOS says otherwise.
    let labels: Vec<Value> = pipeline.jobs[job].runner.iter().map(|w| env.expand(w)).collect();
    let runner_os = labels.iter().filter_map(Value::as_known).find_map(|l| {
        let l = l.to_ascii_lowercase();
        match () {
            _ if l.starts_with("macos") => Some("macOS"),
            _ if l.starts_with("windows") => Some("Windows"),
            _ if l.starts_with("ubuntu") => Some("Linux"),
            _ => None,
        }
    });
    if let Some(os) = runner_os {
        env.set("RUNNER_OS", Value::known(os), true);
    }
    let set = |env: &mut Env, k: &str, v: Value| {
        env.set(&format!("env.{k}"), v.clone(), false);
        env.set(k, v, true);
    };
    for (k, w) in pipeline.env.iter().chain(&pipeline.jobs[job].env) {
        let v = env.expand(w);
        set(&mut env, k, v);
    }
    if let Some(key) = &pipeline.jobs[job].env_from_matrix {
        let fields = combo.iter().filter_map(|(k, v)| Some((k.strip_prefix(key.as_str())?.strip_prefix('.')?, v)));
        for (name, v) in fields {
            set(&mut env, name, Value::Known(v.clone()));
        }
    }
    for (k, v) in exported {
        match k.starts_with("steps.") || k.starts_with("needs.") {
            true => env.set(k, v.clone(), false),
            false => set(&mut env, k, v.clone()),
        }
    }
    for (k, w) in step_env {
        let v = env.expand(w);
        set(&mut env, k, v);
    }
    if pipeline.matrix_is_env {
        for (k, v) in combo {
            env.set(k, Value::Known(v.clone()), true);
        }
    }
    env
}

impl ActionStep {
    /// The action's repository and folder, as `uses:` names it, without its `@ref`
    /// (`acme/go-release-action/create-draft-release`).
    pub fn repository(&self) -> &str {
        self.uses.split('@').next().unwrap_or("")
    }

    /// Whether the step runs on a runner with environment `env` (`None`: any runner).
    pub fn runs_in(&self, env: Option<&Env>) -> bool {
        env.is_none_or(|env| step_runs(self.condition.as_deref(), env))
    }
}

/// The environment of job `job`'s runner `runner` (one matrix combination), before any step.
pub fn runner_env(pipeline: &Pipeline, job: usize, runner: usize) -> Option<Env> {
    runner_env_exporting(pipeline, job, runner, &[])
}

/// The environment of job `job`'s runner `runner` with what its steps `exported` (see
/// `env_for`).
pub fn runner_env_exporting(
    pipeline: &Pipeline,
    job: usize,
    runner: usize,
    exported: &[(String, Value)],
) -> Option<Env> {
    let (_, combo) = pipeline.jobs.get(job)?.combinations.get(runner)?;
    Some(env_for(pipeline, job, combo, exported, &[]))
}

/// Whether a step with the `if:` `condition` runs in the environment `env` (of one matrix
/// combination): false only when the condition is decided there. Decided are comparisons
/// (`==`, `!=`) of literals and `matrix.*`, `env.*`, `inputs.*` and `runner.os` values the
/// environment knows, joined by `&&` and `||`, with or without `${{ }}`; anything else may run.
pub fn step_runs(condition: Option<&str>, env: &Env) -> bool {
    let Some(condition) = condition else { return true };
    let text = condition.trim();
    let text = text.strip_prefix("${{").and_then(|t| t.strip_suffix("}}")).unwrap_or(text).trim();
    condition_value(text, env) != Some(false)
}

fn condition_value(text: &str, env: &Env) -> Option<bool> {
    condition_at_depth(text, env, 0)
}

/// How deep parentheses in a condition are read.
const MAX_CONDITION_DEPTH: usize = 8;

/// `||` binds looser than `&&`: a disjunction of conjunctions of comparisons or parenthesized
/// conditions. Unknown parts absorb nothing: `unknown && false` is false, `unknown || true`
/// true. A function call (`contains(...)`) is unknown.
fn condition_at_depth(text: &str, env: &Env, depth: usize) -> Option<bool> {
    let text = text.trim();
    if depth > MAX_CONDITION_DEPTH {
        return None;
    }
    let any = |parts: Vec<Option<bool>>, absorbing: bool| {
        if parts.contains(&Some(absorbing)) {
            Some(absorbing)
        } else if parts.iter().all(Option::is_some) {
            Some(!absorbing)
        } else {
            None
        }
    };
    for (op, absorbing) in [("||", true), ("&&", false)] {
        let parts = split_outside_parentheses(text, op)?;
        if parts.len() > 1 {
            return any(parts.iter().map(|p| condition_at_depth(p, env, depth + 1)).collect(), absorbing);
        }
    }
    match text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) if split_outside_parentheses(inner, "").is_some() => condition_at_depth(inner, env, depth + 1),
        _ if text.contains(['(', ')']) => None,
        _ => comparison(text, env),
    }
}

/// The parts of `text` between the occurrences of `op` outside parentheses (with an empty
/// `op`, the whole text); `None` where the parentheses do not balance.
fn split_outside_parentheses<'t>(text: &'t str, op: &str) -> Option<Vec<&'t str>> {
    let mut parts = Vec::new();
    let (mut depth, mut start, mut at) = (0usize, 0, 0);
    let bytes = text.as_bytes();
    while at < bytes.len() {
        match bytes[at] {
            b'(' => depth += 1,
            b')' => depth = depth.checked_sub(1)?,
            _ if depth == 0 && !op.is_empty() && text[at..].starts_with(op) => {
                parts.push(&text[start..at]);
                at += op.len();
                start = at;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    (depth == 0).then(|| {
        parts.push(&text[start..]);
        parts
    })
}

/// `a == b` or `a != b` when both sides are known (GitHub compares strings case-insensitively).
fn comparison(text: &str, env: &Env) -> Option<bool> {
    let (op, equal) = if text.contains("==") { ("==", true) } else { ("!=", false) };
    let (a, b) = text.split_once(op)?;
    let operand = |s: &str| -> Option<String> {
        let s = s.trim();
        if let Some(quoted) = s.strip_prefix('\'').and_then(|q| q.strip_suffix('\'')) {
            return Some(quoted.to_string());
        }
        if s.starts_with("matrix.") || s.starts_with("env.") || s.starts_with("inputs.") {
            return env.get(s).and_then(Value::as_known).map(str::to_string);
        }
        // Known when the runner's labels say its system (see `env_for`).
        if s == "runner.os" {
            return env.get("RUNNER_OS").and_then(Value::as_known).map(str::to_string);
        }
        (s.parse::<f64>().is_ok() || s == "true" || s == "false").then(|| s.to_string())
    };
    let (a, b) = (operand(a)?, operand(b)?);
    Some(a.eq_ignore_ascii_case(&b) == equal)
}

/// Substitutes `${{ matrix.* }}`/`${{ env.* }}` in an action input for one combination.
pub fn input_value(input: &Input, env: &Env) -> Value {
    env.expand(&input.word)
}

/// The largest file a pipeline's `cat` is given (see `cat_paths`).
pub const MAX_CAT_FILE: usize = 4096;

/// The relative paths a pipeline's text reads with `cat` (`cat .github/env`, `$(cat
/// .go-version)`, `cat "versions.env"`): the word after each `cat` that is a literal path inside
/// the repository (no variables, globs, options, absolute or parent paths), without a leading
/// `./`, each once, at most `MAX_CAT_FILES`. Whoever reads them gives only files of at most
/// `MAX_CAT_FILE` bytes: an env file or a version file is a few lines.
pub fn cat_paths(text: &str) -> Vec<String> {
    const MAX_CAT_FILES: usize = 8;
    let mut out: Vec<String> = Vec::new();
    // A go.mod that grep, sed or awk read for its `go` line (`grep '^go ' go.mod`).
    for word in text.split([' ', '\t', '\n', ')', '"', '\'', '|', ';']) {
        let path = super::eval::without_dot_slash(word);
        let literal = path.ends_with("go.mod") && (path == "go.mod" || path.ends_with("/go.mod"));
        let inside = !path.starts_with(['/', '-', '~', '$']) && !path.split('/').any(|part| part == "..");
        if literal && inside && !out.iter().any(|p| p == path) && out.len() < MAX_CAT_FILES {
            out.push(path.to_string());
        }
    }
    let mut rest = text;
    while let Some(at) = rest.find("cat ") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + 4..];
        if before.is_some_and(|c| !matches!(c, ' ' | '\t' | '\n' | '(' | '|' | ';' | '&' | '`' | '"' | '\'')) {
            continue;
        }
        let word = rest.trim_start_matches([' ', '\t']);
        let end = word.find([' ', '\t', '\n', ')', '|', ';', '&', '`', '>', '<']).unwrap_or(word.len());
        let path = super::eval::without_dot_slash(word[..end].trim_matches(['"', '\'']));
        let literal = !path.is_empty()
            && !path.starts_with(['/', '-', '~'])
            && !path.contains(['$', '*', '?', '[', '{', '"', '\''])
            && !path.split('/').any(|part| part == "..");
        if literal && !out.iter().any(|p| p == path) {
            out.push(path.to_string());
            if out.len() == MAX_CAT_FILES {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cat_paths_are_literal_paths_inside_the_repository() {
        let text = "run: |\n  cat .github/env >> \"$GITHUB_ENV\"\n  echo \"V=$(cat ./.go-version)\" >> $GITHUB_ENV\n  \
                    cat \"$F\" /etc/passwd ../x -n ~/.ssh/id *.env\n  concat a.txt\n  cat .github/env | tee\n";
        assert_eq!(cat_paths(text), [".github/env", ".go-version"]);
        let text = "run: echo \"v=$(grep '^go ' ./go.mod)\" && awk '/^go /{print $2}' tools/go.mod ../x/go.mod\n";
        assert_eq!(cat_paths(text), ["go.mod", "tools/go.mod"]);
    }

    #[test]
    fn step_conditions() {
        let mut env = Env::default();
        env.set("matrix.os", Value::known("ubuntu-latest"), false);
        env.set("env.RELEASE", Value::known("1.27"), false);
        env.set("matrix.go", Value::known("1.22"), false);
        let runs = |c: &str| step_runs(Some(c), &env);
        assert!(runs("matrix.os == 'ubuntu-latest'"));
        assert!(!runs("${{ matrix.os == 'macos-latest' }}"));
        assert!(!runs("github.ref_type == 'tag' && matrix.go == env.RELEASE"));
        assert!(runs("github.ref_type == 'tag' || matrix.go == env.RELEASE"), "one side unknown");
        assert!(runs("matrix.go != env.RELEASE"));
        assert!(!runs("matrix.go == '1.27' || matrix.os == 'windows-latest'"));
        assert!(!runs("(matrix.go == '1.27')"));
        // Parenthesized: an unknown disjunction and a false comparison.
        assert!(!runs(
            "(github.ref == 'refs/heads/develop' || github.event_name == 'pull_request') && matrix.go == '1.21'"
        ));
        assert!(runs(
            "(github.ref == 'refs/heads/develop' || github.event_name == 'pull_request') && matrix.go == '1.22'"
        ));
        assert!(runs("(matrix.go == '1.27' || (matrix.os == 'ubuntu-latest'))"));
        assert!(runs("contains(github.ref, 'tags') && matrix.go == '1.22'"), "a function call is unknown");
        assert!(runs("(matrix.go == '1.27'"), "unbalanced: unknown");
        assert!(runs("success()") && step_runs(None, &env));
        assert!(runs("runner.os != 'Windows'"), "the runner's system is not known");
        env.set("RUNNER_OS", Value::known("macOS"), true);
        assert!(!step_runs(Some("runner.os == 'Windows'"), &env) && step_runs(Some("runner.os != 'windows'"), &env));
    }
}
