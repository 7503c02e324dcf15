//! The rule catalogue. One rule per file; each file's doc comment is the rule's page, shown by
//! `shiplint explain RULE` and generated into docs/rules/RULE.md.

use crate::finding::{Finding, Level, Location};
use shiplint_gobin::{Container, Facts};

/// Declares a rule's `META`: its doc comment is the rule's page, kept as `META.doc` too.
macro_rules! declare_rule {
    ($(#[doc = $doc:expr])* rule { code: $code:literal, name: $rule:literal, level: $level:ident, summary: $summary:literal $(,)? }) => {
        $(#[doc = $doc])*
        pub static META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            code: $code,
            name: $rule,
            default_level: $crate::finding::Level::$level,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
        };
    };
}

mod dirty_vcs_build;
mod libc_dynamic;
mod macos;
mod missing_buildinfo;
mod stripped_without_symbols;
mod toolchain_unsupported;
mod untrimmed_paths;
mod x_flag_not_applied;

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
    /// The page with the leading space rustdoc keeps on every line removed.
    pub fn page(&self) -> String {
        let body: Vec<&str> = self.doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect();
        format!("# {} ({})\n\n{}\n", self.name, self.code, body.join("\n").trim())
    }
}

/// Options that change what binary rules know.
#[derive(Clone, Debug, Default)]
pub struct BinaryOptions {
    /// `-X pkg.name=value` assignments the user expects to have taken effect.
    pub expect_x: Vec<String>,
    /// Where `shiplint symbols store` filed unstripped twins.
    pub symbols_dir: Option<std::path::PathBuf>,
    /// The newest Go minor release known (1.N); releases older than N-1 are unsupported.
    pub newest_go_minor: u32,
}

/// One executable slice under examination.
pub struct Binary<'a> {
    pub path: &'a str,
    /// The architecture, when the file is a universal binary with several slices.
    pub slice: Option<&'a str>,
    pub container: &'a Container<'a>,
    pub facts: &'a Facts,
    pub options: &'a BinaryOptions,
}

impl Binary<'_> {
    pub fn location(&self, fact: impl Into<String>) -> Location {
        Location::artifact(self.path, self.slice, fact)
    }

    /// A finding of rule `meta` at `fact`, at the rule's default level.
    pub fn finding(&self, meta: &'static RuleMeta, fact: &str, message: String, help: &str) -> Finding {
        Finding {
            code: meta.code,
            rule: meta.name,
            level: meta.default_level,
            message,
            location: self.location(fact),
            help: help.to_string(),
            notes: Vec::new(),
            related: Vec::new(),
            fix: None,
        }
    }
}

/// A rule that proves defects from a Go executable's bytes.
pub struct BinaryRule {
    pub meta: &'static RuleMeta,
    pub check: fn(&Binary<'_>, &mut Vec<Finding>),
}

/// Every binary rule, in code order.
pub static BINARY_RULES: &[BinaryRule] = &[
    BinaryRule { meta: &missing_buildinfo::META, check: missing_buildinfo::check },
    BinaryRule { meta: &untrimmed_paths::META, check: untrimmed_paths::check },
    BinaryRule { meta: &stripped_without_symbols::META, check: stripped_without_symbols::check },
    BinaryRule { meta: &x_flag_not_applied::META, check: x_flag_not_applied::check },
    BinaryRule { meta: &libc_dynamic::META, check: libc_dynamic::check },
    BinaryRule { meta: &dirty_vcs_build::META, check: dirty_vcs_build::check },
    BinaryRule { meta: &toolchain_unsupported::META, check: toolchain_unsupported::check },
    BinaryRule { meta: &macos::unsigned::META, check: macos::unsigned::check },
    BinaryRule { meta: &macos::adhoc_only::META, check: macos::adhoc_only::check },
    BinaryRule { meta: &macos::no_hardened_runtime::META, check: macos::no_hardened_runtime::check },
    BinaryRule { meta: &macos::no_timestamp::META, check: macos::no_timestamp::check },
    BinaryRule { meta: &macos::signature_broken::META, check: macos::signature_broken::check },
];

/// Every rule's metadata.
pub fn all() -> impl Iterator<Item = &'static RuleMeta> {
    BINARY_RULES.iter().map(|r| r.meta)
}

/// Finds a rule by code (`SL002`) or name (`untrimmed-paths`), case-insensitively.
pub fn lookup(code_or_name: &str) -> Option<&'static RuleMeta> {
    all().find(|m| m.code.eq_ignore_ascii_case(code_or_name) || m.name.eq_ignore_ascii_case(code_or_name))
}
