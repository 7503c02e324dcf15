//! The rule catalogue. One rule per file; each file's doc comment is the rule's page, shown by
//! `shiplint explain RULE` and generated into docs/rules/RULE.md.

pub use crate::defs::source::Defs;
use crate::finding::{Finding, Level, Location};
use crate::image::ImageFacts;
use crate::release::ReleaseFacts;
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

mod cross_build_overwrite;
mod dirty_vcs_build;
mod image;
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

/// A rule and the evidence it can work from: a Go executable's bytes, build definitions, or both.
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub binary: Option<fn(&Binary<'_>, &mut Vec<Finding>)>,
    pub defs: Option<fn(&Defs<'_>, &mut Vec<Finding>)>,
    pub image: Option<fn(&ImageFacts, &mut Vec<Finding>)>,
    pub release: Option<fn(&ReleaseFacts, &mut Vec<Finding>)>,
}

/// Every rule, in code order.
pub static RULES: &[Rule] = &[
    Rule {
        meta: &missing_buildinfo::META,
        binary: Some(missing_buildinfo::check),
        defs: Some(missing_buildinfo::check_defs),
        image: None,
        release: None,
    },
    Rule {
        meta: &untrimmed_paths::META,
        binary: Some(untrimmed_paths::check),
        defs: Some(untrimmed_paths::check_defs),
        image: None,
        release: None,
    },
    Rule {
        meta: &stripped_without_symbols::META,
        binary: Some(stripped_without_symbols::check),
        defs: Some(stripped_without_symbols::check_defs),
        image: None,
        release: Some(stripped_without_symbols::check_shared_debug_ids),
    },
    Rule {
        meta: &x_flag_not_applied::META,
        binary: Some(x_flag_not_applied::check),
        defs: None,
        image: None,
        release: None,
    },
    Rule { meta: &libc_dynamic::META, binary: Some(libc_dynamic::check), defs: None, image: None, release: None },
    Rule { meta: &dirty_vcs_build::META, binary: Some(dirty_vcs_build::check), defs: None, image: None, release: None },
    Rule {
        meta: &toolchain_unsupported::META,
        binary: Some(toolchain_unsupported::check),
        defs: Some(toolchain_unsupported::check_defs),
        image: None,
        release: None,
    },
    Rule {
        meta: &cross_build_overwrite::META,
        binary: None,
        defs: Some(cross_build_overwrite::check),
        image: None,
        release: Some(cross_build_overwrite::check_release),
    },
    Rule {
        meta: &non_reproducible_build::META,
        binary: Some(non_reproducible_build::check_binary),
        defs: Some(non_reproducible_build::check),
        image: None,
        release: None,
    },
    Rule {
        meta: &module_graph_drift::META,
        binary: Some(module_graph_drift::check_binary),
        defs: Some(module_graph_drift::check),
        image: None,
        release: None,
    },
    Rule {
        meta: &xflag::const_target::META,
        binary: None,
        defs: Some(xflag::const_target::check),
        image: None,
        release: None,
    },
    Rule {
        meta: &xflag::unknown_target::META,
        binary: None,
        defs: Some(xflag::unknown_target::check),
        image: None,
        release: None,
    },
    Rule {
        meta: &xflag::non_string::META,
        binary: None,
        defs: Some(xflag::non_string::check),
        image: None,
        release: None,
    },
    Rule {
        meta: &xflag::overwritten_at_init::META,
        binary: None,
        defs: Some(xflag::overwritten_at_init::check),
        image: None,
        release: None,
    },
    Rule { meta: &macos::unsigned::META, binary: Some(macos::unsigned::check), defs: None, image: None, release: None },
    Rule {
        meta: &macos::adhoc_only::META,
        binary: Some(macos::adhoc_only::check),
        defs: None,
        image: None,
        release: None,
    },
    Rule {
        meta: &macos::no_hardened_runtime::META,
        binary: Some(macos::no_hardened_runtime::check),
        defs: None,
        image: None,
        release: None,
    },
    Rule {
        meta: &macos::no_timestamp::META,
        binary: Some(macos::no_timestamp::check),
        defs: None,
        image: None,
        release: None,
    },
    Rule {
        meta: &macos::signature_broken::META,
        binary: Some(macos::signature_broken::check),
        defs: None,
        image: None,
        release: None,
    },
    Rule {
        meta: &macos::not_notarized::META,
        binary: None,
        defs: Some(macos::not_notarized::check),
        image: None,
        release: Some(macos::not_notarized::check_release),
    },
    Rule {
        meta: &image::toolchain_in_final_image::META,
        binary: None,
        defs: Some(image::toolchain_in_final_image::check),
        image: Some(image::toolchain_in_final_image::check_image),
        release: None,
    },
    Rule {
        meta: &image::root_final_image::META,
        binary: None,
        defs: Some(image::root_final_image::check),
        image: Some(image::root_final_image::check_image),
        release: None,
    },
    Rule {
        meta: &image::unpinned_base_image::META,
        binary: None,
        defs: Some(image::unpinned_base_image::check),
        image: None,
        release: None,
    },
    Rule {
        meta: &image::libc_mismatch::META,
        binary: None,
        defs: Some(image::libc_mismatch::check),
        image: Some(image::libc_mismatch::check_image),
        release: None,
    },
    Rule {
        meta: &image::entrypoint_missing::META,
        binary: None,
        defs: None,
        image: Some(image::entrypoint_missing::check_image),
        release: None,
    },
    Rule {
        meta: &image::layer_digest_mismatch::META,
        binary: None,
        defs: None,
        image: Some(image::layer_digest_mismatch::check_image),
        release: None,
    },
    // Reported by the engine itself, which knows which suppressions were used.
    Rule {
        meta: &release::name_mismatch::META,
        binary: None,
        defs: None,
        image: None,
        release: Some(release::name_mismatch::check),
    },
    Rule {
        meta: &release::not_executable::META,
        binary: None,
        defs: None,
        image: None,
        release: Some(release::not_executable::check),
    },
    Rule {
        meta: &release::checksum_mismatch::META,
        binary: None,
        defs: None,
        image: None,
        release: Some(release::checksum_mismatch::check),
    },
    Rule {
        meta: &release::package_platform_mismatch::META,
        binary: None,
        defs: None,
        image: None,
        release: Some(release::package_platform_mismatch::check),
    },
    Rule {
        meta: &release::package_libc_mismatch::META,
        binary: None,
        defs: None,
        image: None,
        release: Some(release::package_libc_mismatch::check),
    },
    Rule { meta: &unused_suppression::META, binary: None, defs: None, image: None, release: None },
];

/// Every rule's metadata.
pub fn all() -> impl Iterator<Item = &'static RuleMeta> {
    RULES.iter().map(|r| r.meta)
}

/// Finds a rule by code (`SL002`) or name (`untrimmed-paths`), case-insensitively.
pub fn lookup(code_or_name: &str) -> Option<&'static RuleMeta> {
    all().find(|m| m.code.eq_ignore_ascii_case(code_or_name) || m.name.eq_ignore_ascii_case(code_or_name))
}
