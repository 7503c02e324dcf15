//! The shell, Dockerfile, Makefile, GitHub/GitLab CI, goreleaser, promu, Go source and Go build program readers, the
//! evaluation of loops and expansions, and every rule that reads build definitions, on arbitrary
//! text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use shiplint::defs::source::{self, Defs, Kind};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut package = shiplint::defs::gosrc::Package::default();
    shiplint::defs::gosrc::scan_file(text, std::path::Path::new("fuzz.go"), &mut package);
    // Every Go text, not only those that pass the cheap `may_build` test.
    for c in shiplint::defs::goprog::read(text).commands {
        assert!(c.command.start <= c.command.end && c.command.end <= text.len());
    }
    let kinds = [Kind::Shell, Kind::Dockerfile, Kind::Makefile, Kind::GithubWorkflow, Kind::GitlabCi, Kind::Goreleaser, Kind::Promu, Kind::GoProgram];
    for kind in kinds {
        let Ok(parsed) = source::parse(kind, text) else { continue };
        let defs = Defs::new("fuzz", text, kind, &parsed);
        let mut findings = Vec::new();
        for rule in shiplint::rules::RULES {
            if let Some(check) = rule.defs {
                check(&defs, &mut findings);
            }
        }
        for f in &findings {
            if let Some(fix) = &f.fix {
                for e in &fix.edits {
                    assert!(e.start_byte <= e.end_byte && e.end_byte <= text.len());
                }
            }
        }
    }
});
