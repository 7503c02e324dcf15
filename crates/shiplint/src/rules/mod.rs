//! The rule catalogue. One rule per file; each file's doc comment is the rule's page, shown by
//! `shiplint explain RULE` and generated into docs/rules/RULE.md.

pub use crate::defs::source::Defs;
pub use crate::finding::RuleMeta;
use crate::finding::{Finding, Fix, Location};
use crate::image::ImageFacts;
use crate::release::ReleaseFacts;
use shiplint_gobin::{Container, Facts};

/// Declares a rule in its own file: its `META` (the doc comment is the rule's page, kept as
/// `META.doc` too) and its `RULE`, which names the evidence it reads (`binary`, `defs`, `image`,
/// `release`: the function that checks each). build.rs finds every `declare_rule!` under
/// src/rules and generates the registry, `RULES`, from them in code order.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:expr])*
        rule {
            code: $code:literal,
            name: $rule:literal,
            level: $level:ident,
            summary: $summary:literal
            $(, binary: $binary:path)?
            $(, defs: $defs:path)?
            $(, image: $image:path)?
            $(, release: $release:path)?
            $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub static META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            code: $code,
            name: $rule,
            default_level: $crate::finding::Level::$level,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
        };

        /// The rule, with the checks it runs on each kind of evidence.
        pub static RULE: $crate::rules::Rule = $crate::rules::Rule {
            meta: &META,
            binary: declare_rule!(@check $($binary)?),
            defs: declare_rule!(@check $($defs)?),
            image: declare_rule!(@check $($image)?),
            release: declare_rule!(@check $($release)?),
        };
    };
    (@check) => { None };
    (@check $check:path) => { Some($check) };
}

mod cross_build_overwrite;
mod dirty_vcs_build;
mod image;
pub(crate) use image::root_final_image::runs_as_nonroot;
pub(crate) use image::unpinned_base_image::bake_files;
pub(crate) mod libc_dynamic;
mod macos;
pub(crate) use macos::not_notarized::notarization_at;
mod missing_buildinfo;
mod module_graph_drift;
mod non_reproducible_build;
pub(crate) mod release;
mod stripped_without_symbols;
pub mod toolchain_unsupported;
mod untrimmed_paths;
pub mod unused_suppression;
mod x_flag_not_applied;
mod xflag;

/// Options that change what binary rules know.
#[derive(Clone, Debug, Default)]
pub struct BinaryOptions {
    /// `-X pkg.name=value` assignments the user expects to have taken effect.
    pub expect_x: Vec<String>,
    /// Where `shiplint symbols store` filed unstripped twins.
    pub symbols_dir: Option<std::path::PathBuf>,
    /// The newest Go minor release known (1.N); releases older than N-1 are unsupported.
    pub newest_go_minor: u32,
    /// A newest patch release the configuration names (`newest-go = "1.27.5"`).
    pub newest_go_patch: Option<(u32, u32)>,
    /// Report suppressed findings too (`--no-ignores`), and no unused suppressions.
    pub no_ignores: bool,
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
        meta.finding(self.location(fact), message, help)
    }
}

/// Findings in a build definition at byte ranges of its text, as `Binary::finding` places them
/// at facts of an executable.
pub trait DefsFindings {
    fn location(&self, start: usize, end: usize) -> Location;

    /// A finding of rule `meta` at the byte range `start..end`, at the rule's default level.
    fn finding(&self, meta: &'static RuleMeta, range: (usize, usize), message: String, help: &str) -> Finding;

    /// A fix that inserts `text` at byte `at` of the text read (in the file that byte is from);
    /// none where the text read is a rewrite of the file (a PowerShell script read as shell).
    fn insertion(&self, at: usize, text: &str, description: &str, safe: bool) -> Option<Fix>;
}

impl DefsFindings for Defs<'_> {
    fn location(&self, start: usize, end: usize) -> Location {
        let (path, span) = self.place(start, end);
        if crate::defs::source::is_vendored(path) {
            if let Some((project_path, project_span)) = &*self.reported_at.lock().unwrap_or_else(|e| e.into_inner()) {
                return Location::text(project_path, *project_span);
            }
        }
        Location::text(path, span)
    }

    fn finding(&self, meta: &'static RuleMeta, (start, end): (usize, usize), message: String, help: &str) -> Finding {
        meta.finding(self.location(start, end), message, help)
    }

    fn insertion(&self, at: usize, text: &str, description: &str, safe: bool) -> Option<Fix> {
        if self.origins.is_none() && !std::ptr::eq(self.text, self.file_text) {
            return None;
        }
        let (path, at) = self.file_offset(at);
        Some(Fix::insertion(path, at, text, description, safe))
    }
}

/// A rule and the evidence it can work from: a Go executable's bytes, build definitions, or both.
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub binary: Option<fn(&Binary<'_>, &mut Vec<Finding>)>,
    pub defs: Option<fn(&Defs<'_>, &mut Vec<Finding>)>,
    pub image: Option<fn(&ImageFacts, &mut Vec<Finding>)>,
    pub release: Option<fn(&ReleaseFacts, &mut Vec<Finding>)>,
}

// `pub static RULES: &[&Rule]`: every rule, in code order, generated by build.rs.
include!(concat!(env!("OUT_DIR"), "/rule_registry.rs"));

/// Every rule's metadata.
pub fn all() -> impl Iterator<Item = &'static RuleMeta> {
    RULES.iter().map(|r| r.meta)
}

/// Finds a rule by code (`SL002`) or name (`untrimmed-paths`), case-insensitively.
pub fn lookup(code_or_name: &str) -> Option<&'static RuleMeta> {
    all().find(|m| m.code.eq_ignore_ascii_case(code_or_name) || m.name.eq_ignore_ascii_case(code_or_name))
}
