//! `shiplint.toml`: which rules run, at which level, and per-path exceptions.
//!
//! ```toml
//! select = ["SL001", "untrimmed-paths"]   # default: every rule
//! ignore = ["libc-dynamic"]
//! fail-on = "warning"                      # info | warning | error
//! newest-go = "1.27"                       # the newest Go release (for toolchain-unsupported);
//!                                          # "1.27.5" also names its newest patch release
//!
//! [levels]
//! untrimmed-paths = "error"
//!
//! [[per-path]]
//! paths = ["dist/debug/**"]
//! ignore = ["stripped-without-symbols"]
//! ```

use crate::finding::{Finding, Level};
use crate::rules::{self, RuleMeta};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use shiplint_defs::gosrc::NEWEST_GO_MINOR;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    select: Option<Vec<String>>,
    #[serde(default)]
    ignore: Vec<String>,
    fail_on: Option<String>,
    newest_go: Option<String>,
    #[serde(default)]
    levels: HashMap<String, String>,
    #[serde(default)]
    per_path: Vec<RawPerPath>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPerPath {
    paths: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    levels: HashMap<String, String>,
}

struct PerPath {
    globs: GlobSet,
    ignore: Vec<&'static str>,
    levels: HashMap<&'static str, Level>,
}

/// The effective configuration: file settings with command-line settings applied on top.
pub struct Config {
    /// Where it was read from, if from a file.
    pub source: Option<PathBuf>,
    selected: Vec<&'static str>,
    levels: HashMap<&'static str, Level>,
    per_path: Vec<PerPath>,
    pub fail_on: Level,
    pub newest_go_minor: u32,
    /// `newest-go = "1.27.5"`: the newest patch release of that minor, when newer than the
    /// table of Go releases shiplint ships with.
    pub newest_go_patch: Option<(u32, u32)>,
}

fn rule(name: &str, source: &str) -> Result<&'static RuleMeta, String> {
    rules::lookup(name).ok_or_else(|| format!("{source}: unknown rule `{name}` (see `shiplint rules`)"))
}

fn level(value: &str, source: &str) -> Result<Level, String> {
    Level::parse(value).ok_or_else(|| format!("{source}: unknown level `{value}` (info, warning or error)"))
}

fn levels(raw: &HashMap<String, String>, source: &str) -> Result<HashMap<&'static str, Level>, String> {
    raw.iter().map(|(r, l)| Ok((rule(r, source)?.name, level(l, source)?))).collect()
}

/// Command-line settings that override the file.
#[derive(Debug, Default)]
pub struct Overrides {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub fail_on: Option<Level>,
}

impl Config {
    /// Reads `path` if given, else the nearest `shiplint.toml` in `start` or its parents.
    pub fn load(path: Option<&Path>, start: &Path, cli: &Overrides) -> Result<Config, String> {
        let found = match path {
            Some(p) => Some(p.to_path_buf()),
            None => start.ancestors().map(|d| d.join("shiplint.toml")).find(|p| p.is_file()),
        };
        let (raw, source) = match &found {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
                let raw: RawConfig = toml::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?;
                (raw, p.display().to_string())
            }
            None => (RawConfig::default(), "command line".to_string()),
        };
        let names = |list: &[String], src: &str| -> Result<Vec<&'static str>, String> {
            list.iter().map(|n| rule(n, src).map(|m| m.name)).collect()
        };
        // The file's select and ignore first; an explicit --select replaces both, then --ignore.
        let mut selected = match &raw.select {
            Some(list) => names(list, &source)?,
            None => rules::all().map(|m| m.name).collect(),
        };
        let file_ignored = names(&raw.ignore, &source)?;
        selected.retain(|n| !file_ignored.contains(n));
        if !cli.select.is_empty() {
            selected = names(&cli.select, "--select")?;
        }
        let cli_ignored = names(&cli.ignore, "--ignore")?;
        selected.retain(|n| !cli_ignored.contains(n));
        let base = found.as_deref().and_then(Path::parent).unwrap_or(Path::new(""));
        let per_path = raw
            .per_path
            .iter()
            .map(|pp| {
                let mut b = GlobSetBuilder::new();
                for p in &pp.paths {
                    b.add(Glob::new(p).map_err(|e| format!("{source}: {e}"))?);
                    let anchored = base.join(p);
                    b.add(Glob::new(&anchored.to_string_lossy()).map_err(|e| format!("{source}: {e}"))?);
                }
                Ok(PerPath {
                    globs: b.build().map_err(|e| format!("{source}: {e}"))?,
                    ignore: names(&pp.ignore, &source)?,
                    levels: levels(&pp.levels, &source)?,
                })
            })
            .collect::<Result<_, String>>()?;
        let (newest_go_minor, newest_go_patch) = match &raw.newest_go {
            Some(v) => {
                let bad = || format!("{source}: newest-go must look like \"1.27\" or \"1.27.5\"");
                let rest = v.strip_prefix("go").unwrap_or(v).strip_prefix("1.").ok_or_else(bad)?;
                let mut numbers = rest.split('.');
                let minor: u32 = numbers.next().and_then(|m| m.parse().ok()).ok_or_else(bad)?;
                let patch = match numbers.next() {
                    Some(p) => Some((minor, p.parse().map_err(|_| bad())?)),
                    None => None,
                };
                if numbers.next().is_some() {
                    return Err(bad());
                }
                (minor, patch)
            }
            None => (NEWEST_GO_MINOR, None),
        };
        let fail_on = match (cli.fail_on, &raw.fail_on) {
            (Some(l), _) => l,
            (None, Some(l)) => level(l, &source)?,
            (None, None) => Level::Warning,
        };
        Ok(Config {
            source: found,
            selected,
            levels: levels(&raw.levels, &source)?,
            per_path,
            fail_on,
            newest_go_minor,
            newest_go_patch,
        })
    }

    /// A configuration that selects no rule, for reading facts only (`inspect`).
    pub fn facts_only() -> Config {
        Config {
            source: None,
            selected: Vec::new(),
            levels: HashMap::new(),
            per_path: Vec::new(),
            fail_on: Level::Error,
            newest_go_minor: 0,
            newest_go_patch: None,
        }
    }

    pub fn is_selected(&self, rule: &str) -> bool {
        self.selected.contains(&rule)
    }

    /// Applies per-path ignores and level changes; `None` drops the finding.
    pub fn apply(&self, mut f: Finding) -> Option<Finding> {
        if !self.is_selected(f.rule) {
            return None;
        }
        if let Some(l) = self.levels.get(f.rule) {
            f.level = *l;
        }
        for pp in self.per_path.iter().filter(|pp| pp.globs.is_match(&f.location.path)) {
            if pp.ignore.contains(&f.rule) {
                return None;
            }
            if let Some(l) = pp.levels.get(f.rule) {
                f.level = *l;
            }
        }
        Some(f)
    }
}
