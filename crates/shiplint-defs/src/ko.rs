//! ko (github.com/ko-build/ko) builds Go programs straight into images and pushes them.
//! `ko build IMPORTPATH...` (alias `ko publish`) runs one `go build` per package, as ko's
//! `pkg/build/gobuild.go` writes it:
//! - `-trimpath` always (the command line sets `Trimpath`; no flag turns it off);
//! - `CGO_ENABLED=0`, `GOOS` and `GOARCH` of the image's platform, then the caller's
//!   environment, then the build's `env:` (the last value of a name wins);
//! - the flags, ldflags and env of the `.ko.yaml` build whose `dir`/`main` is the package, or
//!   the config's `defaultFlags`/`defaultLdflags`/`defaultEnv`; `--ldflags` on the command
//!   line replaces the config's ldflags;
//! - each of them a Go template over the environment (`.Env`), git (`.Git`) and the build
//!   time (`.Date`, `.Timestamp`: `SOURCE_DATE_EPOCH` when set, else the clock).
//!
//! The config is `.ko.yaml` in the folder ko runs in, or the file or folder `KO_CONFIG_PATH`
//! names.

use super::ci::Strings;
use super::gobuild::{BuildInvocation, Setting};
use super::shell::Evaluated;
use super::value::{Builder, Origin, Value};

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Config {
    default_base_image: Option<serde_saphyr::Spanned<String>>,
    base_image_overrides: Option<indexmap::IndexMap<String, serde_saphyr::Spanned<String>>>,
    builds: Option<Vec<BuildEntry>>,
    default_flags: Option<Strings>,
    default_ldflags: Option<serde_saphyr::Spanned<Strings>>,
    default_env: Option<Strings>,
}

#[derive(Debug, serde::Deserialize)]
struct BuildEntry {
    dir: Option<String>,
    main: Option<String>,
    env: Option<Strings>,
    flags: Option<Strings>,
    ldflags: Option<serde_saphyr::Spanned<Strings>>,
}

/// What one build of a ko config (or its defaults) adds to `go build`: templates, not yet
/// rendered.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub flags: Vec<String>,
    pub ldflags: Vec<String>,
    pub env: Vec<String>,
    /// Where the config writes `ldflags` (its byte range), for findings about them.
    pub ldflags_at: Option<(usize, usize)>,
}

/// A `.ko.yaml`: each build's package (its `main` inside its `dir`, relative to where ko runs)
/// and settings, and the defaults for the others.
#[derive(Debug, Default)]
pub struct KoConfig {
    pub builds: Vec<(String, Settings)>,
    pub defaults: Settings,
    /// `defaultBaseImage`, where written (ko's own default, `cgr.dev/chainguard/static`, is not).
    pub default_base: Option<Written>,
    /// `baseImageOverrides`: each import path's base image, where written.
    pub base_overrides: Vec<(String, Written)>,
}

/// How the scan's ko builds that push their image use a config: where one is run, and what the
/// command changes of the image ko makes.
#[derive(Clone, Debug, Default)]
pub struct Published {
    /// `path:line` of a ko command that pushes.
    pub at: String,
    /// Every such command sets the image's user (`--image-user`).
    pub image_user: bool,
    /// Every such command replaces `defaultBaseImage` (`KO_DEFAULTBASEIMAGE` in its environment).
    pub default_base_replaced: bool,
    /// The packages they push, as import paths where the module is known (`./cmd/app` as
    /// written otherwise).
    pub packages: Vec<String>,
}

/// `./cmd/app/`, `cmd/app` and `ko://./cmd/app` alike: the path without `./`, `ko://` and
/// trailing slashes (`.` for the folder itself).
fn package_path(p: &str) -> String {
    let p = p.trim_start_matches("ko://");
    let parts: Vec<&str> = p.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
    if parts.is_empty() { ".".into() } else { parts.join("/") }
}

impl KoConfig {
    pub fn parse(text: &str) -> Result<KoConfig, String> {
        let cfg: Config = super::ci::from_yaml(text)?;
        let items = |s: &Option<Strings>| s.as_ref().map(Strings::items).unwrap_or_default();
        let ldflags =
            |s: &Option<serde_saphyr::Spanned<Strings>>| s.as_ref().map(|l| l.value.items()).unwrap_or_default();
        let ldflags_at = |s: &Option<serde_saphyr::Spanned<Strings>>| {
            let (start, _) = super::ci::span_of(s.as_ref()?)?;
            Some((start, super::goreleaser::value_end(text, start, text.len())))
        };
        let builds = cfg.builds.as_deref().unwrap_or_default();
        Ok(KoConfig {
            builds: builds
                .iter()
                .map(|b| {
                    let dir = b.dir.as_deref().unwrap_or(".");
                    let main = b.main.as_deref().unwrap_or(".");
                    let package = package_path(&format!("{dir}/{main}"));
                    let settings = Settings {
                        flags: items(&b.flags),
                        ldflags: ldflags(&b.ldflags),
                        env: items(&b.env),
                        ldflags_at: ldflags_at(&b.ldflags),
                    };
                    (package, settings)
                })
                .collect(),
            defaults: Settings {
                flags: items(&cfg.default_flags),
                ldflags: ldflags(&cfg.default_ldflags),
                env: items(&cfg.default_env),
                ldflags_at: ldflags_at(&cfg.default_ldflags),
            },
            default_base: cfg.default_base_image.as_ref().and_then(spanned),
            base_overrides: cfg
                .base_image_overrides
                .iter()
                .flatten()
                .filter_map(|(package, image)| Some((package.clone(), spanned(image)?)))
                .collect(),
        })
    }

    /// The base images the pushed images are built on, where written: each package's override
    /// (`baseImageOverrides` is keyed by import path), else `defaultBaseImage` unless the
    /// commands replace it.
    pub fn bases(&self, published: &Published) -> Vec<&Written> {
        let mut out: Vec<&Written> = Vec::new();
        for package in &published.packages {
            let own = self.base_overrides.iter().find(|(key, _)| *key == *package).map(|(_, base)| base);
            let base = own.or(self.default_base.as_ref().filter(|_| !published.default_base_replaced));
            if let Some(base) = base.filter(|b| !out.iter().any(|o| o.1 == b.1)) {
                out.push(base);
            }
        }
        out
    }

    /// The settings ko uses for `package` as a command names it: the build whose package it
    /// is (relative, or a full import path ending in it), else the defaults. A build's empty
    /// list takes the default too, as ko does.
    pub fn settings_for(&self, package: &str) -> Settings {
        let wanted = package_path(package);
        let relative = package.trim_start_matches("ko://").starts_with('.');
        let found = self.builds.iter().find(|(p, _)| match relative {
            true => *p == wanted,
            false => p != "." && wanted.ends_with(&format!("/{p}")),
        });
        let Some((_, s)) = found else { return self.defaults.clone() };
        let or_default = |own: &Vec<String>, default: &Vec<String>| match own.is_empty() {
            true => default.clone(),
            false => own.clone(),
        };
        Settings {
            flags: or_default(&s.flags, &self.defaults.flags),
            ldflags: or_default(&s.ldflags, &self.defaults.ldflags),
            env: or_default(&s.env, &self.defaults.env),
            ldflags_at: match s.ldflags.is_empty() {
                true => self.defaults.ldflags_at,
                false => s.ldflags_at,
            },
        }
    }
}

/// The lines of another file where a build's flags are written (a ko config's `ldflags:`), for
/// findings that point at one of them.
#[derive(Debug, PartialEq)]
pub struct WrittenLines {
    pub path: String,
    pub lines: Vec<(String, crate::text::Span)>,
}

impl WrittenLines {
    fn of(path: &str, text: &str, (start, end): (usize, usize)) -> WrittenLines {
        let index = crate::text::LineIndex::new(text);
        let mut lines = Vec::new();
        let mut at = start;
        for line in text.get(start..end).unwrap_or("").split_inclusive('\n') {
            let content = line.trim_end();
            lines.push((content.to_string(), index.span(text, at, at + content.len())));
            at += line.len();
        }
        WrittenLines { path: path.to_string(), lines }
    }

    /// The first line that holds what `holds` finds, with where it is.
    pub fn find(&self, holds: &dyn Fn(&str) -> bool) -> Option<(&str, crate::text::Span)> {
        self.lines.iter().find(|(line, _)| holds(line)).map(|(_, span)| (self.path.as_str(), *span))
    }
}

/// A YAML string and the byte range where its value is written.
pub type Written = (String, (usize, usize));

fn spanned(s: &serde_saphyr::Spanned<String>) -> Option<Written> {
    Some((s.value.clone(), super::ci::span_of(s)?))
}

/// Options of `ko build` that take a value (the others are booleans).
const VALUE_OPTIONS: &[&str] = &[
    "-t",
    "--tags",
    "--platform",
    "--ldflags",
    "--image-label",
    "--image-annotation",
    "--image-user",
    "--sbom",
    "--sbom-dir",
    "-j",
    "--jobs",
    "--oci-layout-path",
    "--tarball",
    "--image-refs",
    "--user-agent",
];

/// Registries that are the local machine: a build pushed there is not published.
fn is_local_repository(repo: &str) -> bool {
    let host = repo.split('/').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or(host);
    matches!(host, "ko.local" | "kind.local" | "localhost" | "127.0.0.1")
}

/// Whether a ko build pushes its image to a registry: not `--local`/`-L`, `--push=false` or a
/// local `KO_DOCKER_REPO` (`ko.local`, `kind.local`, `localhost:5000`).
pub fn pushes(inv: &BuildInvocation<'_>) -> bool {
    let local_flag = inv.other_flags.iter().any(|f| {
        matches!(f.as_str(), "--local" | "-L" | "--push=false")
            || f.strip_prefix("--local=").is_some_and(|v| v != "false")
    });
    let local_repo = inv.env_value("KO_DOCKER_REPO").is_some_and(is_local_repository);
    !local_flag && !local_repo
}

/// The builds of `ko build`/`ko publish` from its arguments at `argv[from..]`: one `go build`
/// per package, with ko's defaults. `ko resolve`, `ko apply` and `ko create` build the packages
/// that `ko://` references in the YAML files they are given (`-f FILE|DIR`) name: one
/// invocation for them all, whose packages are read when the scan is linked.
pub fn builds<'a>(mut inv: BuildInvocation<'a>, e: &Evaluated<'a>, from: usize) -> Vec<BuildInvocation<'a>> {
    let argv = &e.argv;
    let resolves = match argv.get(from).and_then(Value::as_known) {
        Some("build" | "publish") => false,
        Some("resolve" | "apply" | "create") => true,
        _ => return Vec::new(),
    };
    inv.build_word = (e.word_of(from).start, e.word_of(from).end);
    inv.trimpath = true;
    let mut platform = None;
    let mut cli_ldflags: Vec<Value> = Vec::new();
    let mut ldflags_word = None;
    let mut packages = Vec::new();
    let mut j = from + 1;
    while j < argv.len() {
        let field = &argv[j];
        // `--option=value` (the value may have holes), `--option`, or a package (`./$(DIR)`).
        let (option, inline) = match field.split_once('=') {
            Some((Value::Known(o), v)) if o.starts_with('-') => (o, Some(v)),
            _ => match field.as_known() {
                Some(t) if t.starts_with('-') => (t.to_string(), None),
                _ => {
                    if !field.starts_with("-") {
                        packages.push(j);
                    }
                    j += 1;
                    continue;
                }
            },
        };
        let option = option.as_str();
        // `-f`, `--filename`, and short flags run together ending in it (`-Bf config/`).
        let filename = option == "--filename" || (!option.starts_with("--") && option.ends_with('f'));
        let value = match inline {
            Some(v) => Some(v),
            None if VALUE_OPTIONS.contains(&option) || (resolves && filename) => {
                j += 1;
                argv.get(j).cloned()
            }
            None => None,
        };
        if resolves && filename {
            if let Some(v) = value {
                inv.ko_references_in.push((v, e.word_of(j)));
            }
            j += 1;
            continue;
        }
        match (option, value) {
            ("--platform", Some(v)) => platform = Some(v),
            ("--ldflags", Some(v)) => {
                cli_ldflags.push(v);
                ldflags_word = Some(e.word_of(j));
            }
            (o @ "--image-user", Some(v)) => inv.other_flags.push(format!("{o}={}", v.display())),
            (o, Some(v)) if !VALUE_OPTIONS.contains(&o) => inv.other_flags.push(format!("{o}={}", v.display())),
            (o, None) => inv.other_flags.push(o.to_string()),
            _ => {}
        }
        j += 1;
    }
    // ko's defaults come first; the caller's environment overrides them.
    let (os, arch) = match platform.as_ref().and_then(Value::as_known) {
        Some(p) if p != "all" => {
            let first = p.split(',').next().unwrap_or(p);
            let mut parts = first.split('/');
            (parts.next().unwrap_or("linux").to_string(), parts.next().map(str::to_string))
        }
        _ => ("linux".to_string(), None),
    };
    let defaults = [("CGO_ENABLED", Some("0".to_string())), ("GOOS", Some(os)), ("GOARCH", arch)];
    for (name, value) in defaults {
        if let Some(value) = value {
            inv.env.entry(name.into()).or_insert(Setting { value: Value::Known(value), span: None });
        }
    }
    // Joined as values, so that a hole (`--ldflags="-X main.date=$(date)"`) keeps what it is.
    if let Some(word) = ldflags_word {
        let mut joined = Builder::default();
        for (i, v) in cli_ldflags.iter().enumerate() {
            if i > 0 {
                joined.push_str(" ");
            }
            joined.push(v);
        }
        inv.ldflags = Some((joined.build(), word));
    }
    let image = Value::hole(Origin::Unevaluated("(the image ko builds)".into()));
    inv.output = Some((image, e.word_of(from)));
    if resolves {
        return match inv.ko_references_in.is_empty() {
            true => Vec::new(),
            false => vec![inv],
        };
    }
    packages
        .into_iter()
        .map(|k| {
            let mut one = inv.clone();
            one.packages = vec![(argv[k].clone(), e.word_of(k))];
            one
        })
        .collect()
}

/// A field of ko's template data, from the build's environment: `.Env.NAME` where the build's
/// environment is known to set it (`LDFLAGS` is always there, empty by default), `.Date` and
/// `.Timestamp` (`SOURCE_DATE_EPOCH` where set, else the clock); `None` for the others
/// (`.Git.*`, a variable the CI runner may set).
fn template_field(env: &std::collections::HashMap<String, Setting>, field: &str) -> Option<Value> {
    if let Some(name) = field.strip_prefix(".Env.") {
        return env.get(name).map(|s| s.value.clone()).or_else(|| (name == "LDFLAGS").then(Value::empty));
    }
    match field {
        ".Date" | ".Timestamp" if env.contains_key("SOURCE_DATE_EPOCH") => {
            Some(Value::hole(Origin::Environment("SOURCE_DATE_EPOCH".into())))
        }
        _ => None,
    }
}

/// Applies a ko config's settings to a ko build (its package's build entry, or the defaults):
/// its env after the caller's, its flags, and its ldflags unless `--ldflags` gave them; each
/// rendered over the build's environment.
/// Gives a ko build the settings of its package in `config`, the file at `path` with `text`.
pub fn configure(inv: &mut BuildInvocation<'_>, config: &KoConfig, (path, text): (&str, &str)) {
    let Some((package, word)) = inv.packages.first().map(|(p, w)| (p.display(), *w)) else { return };
    let settings = config.settings_for(&package);
    for entry in &settings.env {
        let value = Value::rendered(entry, &|f| template_field(&inv.env, f));
        if let Some((name, value)) = value.split_once('=') {
            if let Some(name) = name.as_known() {
                inv.env.insert(name.to_string(), Setting { value, span: None });
            }
        }
    }
    // Each item is one argument of `go build` (`[-tags, netgo]`).
    let flags: Vec<Value> =
        settings.flags.iter().map(|f| Value::rendered(f, &|f| template_field(&inv.env, f))).collect();
    inv.read_flags(&flags, &|_| word);
    if inv.ldflags.is_none() && !settings.ldflags.is_empty() {
        let joined = settings.ldflags.join(" ");
        let value = Value::rendered(&joined, &|f| template_field(&inv.env, f));
        if value != Value::empty() {
            inv.ldflags = Some((value, word));
            inv.ldflags_lines = settings.ldflags_at.map(|at| std::sync::Arc::new(WrittenLines::of(path, text, at)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_match_their_package() {
        let text = "defaultBaseImage: cgr.dev/chainguard/static\ndefaultLdflags: [-s]\nbuilds:\n  - id: app\n    main: ./cmd/app\n    ldflags:\n      - '{{ if index .Env \"LD_FLAGS\" }}{{ .Env.LD_FLAGS }}{{ end }}'\n  - id: other\n    dir: tools\n    main: ./other\n    flags: [-tags, netgo]\n";
        let c = KoConfig::parse(text).unwrap();
        assert_eq!(c.builds.len(), 2);
        assert_eq!(c.settings_for("./cmd/app").ldflags.len(), 1);
        assert_eq!(c.settings_for("ko://github.com/acme/x/cmd/app/").ldflags.len(), 1);
        assert_eq!(c.settings_for("./tools/other").flags, ["-tags", "netgo"]);
        assert_eq!(c.settings_for("./tools/other").ldflags, ["-s"], "an empty list takes the default");
        assert_eq!(c.settings_for("./cmd/unknown").ldflags, ["-s"]);
        assert!(KoConfig::parse("builds: 3\n").is_err());
    }

    #[test]
    fn local_repositories() {
        assert!(is_local_repository("ko.local"));
        assert!(is_local_repository("localhost:5000/app"));
        assert!(!is_local_repository("ghcr.io/acme/app"));
    }
}
