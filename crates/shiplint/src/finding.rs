//! What a rule reports: a finding with its level, location, message, help and optional fix.

use serde::Serialize;
use std::fmt;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "info" => Some(Level::Info),
            "warning" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Where a finding is. Text sources have a span; artifacts have the fact that proves it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// The file as it was found (relative to the scanned path when walked).
    pub path: String,
    /// For artifacts: the architecture slice of a universal binary, e.g. `arm64`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slice: Option<String>,
    /// For artifacts: the fact, e.g. "BuildInfo setting -trimpath" or "pclntab file table".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fact: Option<String>,
    /// For text sources: 1-based line and column of the start, and the end (exclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

pub use shiplint_defs::text::Span;

impl Location {
    pub fn text(path: &str, span: Span) -> Self {
        Location { path: path.to_string(), slice: None, fact: None, span: Some(span) }
    }

    pub fn artifact(path: &str, slice: Option<&str>, fact: impl Into<String>) -> Self {
        Location { path: path.to_string(), slice: slice.map(str::to_string), fact: Some(fact.into()), span: None }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(s) = &self.span {
            write!(f, ":{}:{}", s.start_line, s.start_column)?;
        }
        if let Some(slice) = &self.slice {
            write!(f, " [{slice}]")?;
        }
        if let Some(fact) = &self.fact {
            write!(f, " ({fact})")?;
        }
        Ok(())
    }
}

/// One reported defect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable short code, e.g. `SL002`.
    pub code: &'static str,
    /// Self-explaining kebab-case name, e.g. `untrimmed-paths`.
    pub rule: &'static str,
    pub level: Level,
    pub message: String,
    pub location: Location,
    /// What to do about it.
    pub help: String,
    /// Evidence lines: paths found, values read, and so on.
    pub notes: Vec<String>,
    pub related: Vec<Location>,
    /// An edit that repairs a text source; binaries have none.
    pub fix: Option<Fix>,
}

/// A repair of a text source: byte-range replacements in one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub description: String,
    /// Safe fixes keep the build's meaning; unsafe ones change something else too (and say what).
    pub safe: bool,
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix that inserts `text` at byte `at` of `path`.
    pub fn insertion(path: &str, at: usize, text: &str, description: &str, safe: bool) -> Fix {
        Fix {
            description: description.to_string(),
            safe,
            edits: vec![Edit { path: path.to_string(), start_byte: at, end_byte: at, replacement: text.to_string() }],
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub path: String,
    pub start_byte: usize,
    pub end_byte: usize,
    pub replacement: String,
}

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub default_level: Level,
    pub summary: &'static str,
    /// The rule's page, in Markdown (its doc comment).
    pub doc: &'static str,
}

impl RuleMeta {
    /// A finding of this rule at its default level, with no notes or fix yet.
    pub fn finding(&'static self, location: Location, message: String, help: &str) -> Finding {
        Finding {
            code: self.code,
            rule: self.name,
            level: self.default_level,
            message,
            location,
            help: help.to_string(),
            notes: Vec::new(),
            related: Vec::new(),
            fix: None,
        }
    }

    /// The page with the leading space rustdoc keeps on every line removed.
    pub fn page(&self) -> String {
        let body: Vec<&str> = self.doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect();
        format!("# {} ({})\n\n{}\n", self.name, self.code, body.join("\n").trim())
    }
}

/// What the engine makes of an executable wherever a source found it (a file, an archive member,
/// a file in an image): the facts of each slice and, for a Go one, the binary rules' findings at
/// the location it is given. Sources call it and never run rules themselves.
pub type JudgeExecutable<'a> =
    dyn Fn(&str, &shiplint_gobin::Executable<'_>) -> (Vec<shiplint_gobin::Facts>, Option<Vec<Finding>>) + 'a;
