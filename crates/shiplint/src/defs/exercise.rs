//! Every reader of build definitions run on one text, with the invariants a caller relies on
//! checked: the fuzz targets (one per reader, `fuzz/fuzz_targets/`) and the test suite's
//! mutation bursts both call these, so a crash found by one is reproduced by the other.
//! A broken invariant panics, which is what a fuzzer looks for.

use super::source::{self, Defs, Kind};
use std::path::Path;

/// The readers, by the names of their fuzz targets.
pub const READERS: &[&str] = &["shell", "makefile", "dockerfile", "ci_yaml", "goreleaser", "go_program", "go_source"];

/// Runs one reader (named as in `READERS`) on arbitrary bytes; text that is not UTF-8 is never
/// read as a build definition.
pub fn run(reader: &str, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match reader {
        "shell" => build_definition(&[Kind::Shell], text),
        "makefile" => build_definition(&[Kind::Makefile], text),
        "dockerfile" => build_definition(&[Kind::Dockerfile], text),
        "ci_yaml" => build_definition(&[Kind::GithubWorkflow, Kind::GitlabCi], text),
        "goreleaser" => build_definition(&[Kind::Goreleaser, Kind::Promu], text),
        "go_program" => build_definition(&[Kind::GoProgram], text),
        "go_source" => go_source(text),
        _ => panic!("no reader named {reader}"),
    }
}

/// Reads `text` as each of `kinds`, runs every rule on it, and checks that every finding points
/// inside the text and every fix edits whole characters inside it.
pub fn build_definition(kinds: &[Kind], text: &str) {
    for &kind in kinds {
        let Ok(parsed) = source::parse(kind, text) else { continue };
        let defs = Defs::new("fuzz", text, kind, &parsed);
        let mut findings = Vec::new();
        for rule in crate::rules::RULES {
            if let Some(check) = rule.defs {
                check(&defs, &mut findings);
            }
        }
        let lines = text.split_inclusive('\n').count() + 1;
        for f in &findings {
            if let Some(span) = &f.location.span {
                assert!(
                    span.start_line <= span.end_line && span.end_line <= lines,
                    "{kind:?}: {span:?} of {lines} lines"
                );
            }
            for e in f.fix.iter().flat_map(|fix| &fix.edits) {
                let (start, end) = (e.start_byte, e.end_byte);
                assert!(start <= end && end <= text.len(), "{kind:?}: edit {start}..{end} of {} bytes", text.len());
                assert!(
                    text.is_char_boundary(start) && text.is_char_boundary(end),
                    "{kind:?}: edit splits a character"
                );
            }
        }
    }
}

/// go.mod's readers, Go source's declaration scanner, and the Go build program reader on every
/// text (not only those that pass its cheap `may_build` test).
fn go_source(text: &str) {
    let _ = super::gosrc::module_path(text);
    for keyword in ["go", "toolchain"] {
        if let Some(version) = super::gosrc::go_mod_directive(text, keyword) {
            let _ = super::gosrc::go_release(version);
        }
    }
    let _ = super::gosrc::requirements(text);
    let mut package = super::gosrc::Package::default();
    super::gosrc::scan_file(text, Path::new("fuzz.go"), &mut package);
    for c in super::goprog::read(text).commands {
        assert!(c.command.start <= c.command.end && c.command.end <= text.len(), "command {:?}", c.command);
    }
}
