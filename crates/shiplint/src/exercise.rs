//! Every reader of build definitions run on one text, with the invariants a caller relies on
//! checked: the fuzz targets (one per reader, `fuzz/fuzz_targets/`) and the test suite's
//! mutation bursts both call these, so a crash found by one is reproduced by the other.
//! A broken invariant panics, which is what a fuzzer looks for.

use crate::defs::source::{self, Defs, Kind};
use std::path::Path;

/// The readers, by the names of their fuzz targets.
pub const READERS: &[&str] = &["shell", "makefile", "dockerfile", "ci_yaml", "goreleaser", "go_program", "go_source"];

/// Runs one reader (named as in `READERS`) on arbitrary bytes, decoded as `check` decodes a
/// build definition (UTF-16 for YAML, other bytes that are not UTF-8 read as `?`).
pub fn run(reader: &str, data: &[u8]) {
    let kinds: &[Kind] = match reader {
        "shell" => &[Kind::Shell, Kind::PowerShell],
        "makefile" => &[Kind::Makefile, Kind::Taskfile],
        "dockerfile" => &[Kind::Dockerfile],
        "ci_yaml" => {
            &[Kind::GithubWorkflow, Kind::GithubAction, Kind::GitlabCi, Kind::CircleCi, Kind::Drone, Kind::Snapcraft]
        }
        "goreleaser" => &[Kind::Goreleaser, Kind::Promu, Kind::KoConfig],
        "go_program" => &[Kind::GoProgram],
        "go_source" => {
            if let Ok(text) = std::str::from_utf8(data) {
                go_source(text);
            }
            return;
        }
        _ => panic!("no reader named {reader}"),
    };
    for &kind in kinds {
        let Ok((text, _)) = source::decode(data.to_vec(), kind) else { continue };
        build_definition(kind, &text);
        // A config template, as `check` reads it: rendered in place.
        if kind == Kind::Goreleaser {
            let rendered = crate::defs::goreleaser::render_template(&text);
            assert_eq!(rendered.len(), text.len(), "a rendered template keeps the file's offsets");
            build_definition(kind, &rendered);
            go_template(&text);
        }
        // A bake file names the Dockerfiles and stages its targets build.
        if kind == Kind::Dockerfile {
            let bake = crate::defs::bake::read(&text);
            for target in bake.built(None).into_iter().chain(bake.built(Some(&[]))) {
                assert!(bake.targets.iter().any(|t| t.name == target.name), "{target:?}");
            }
        }
    }
}

/// Reads `text` as `kind`, runs every rule on it, and checks that every finding points inside
/// the text and every fix edits whole characters inside it. A Dockerfile is read with the build
/// arguments the text itself passes (`--build-arg`), as `check` reads it with its tree's.
fn build_definition(kind: Kind, text: &str) {
    // The files a script sources, as `check` splices them: commands inside the text.
    if kind == Kind::Shell {
        for (at, path) in crate::defs::shell::sourced_paths(text) {
            assert!(at < text.len() && !path.is_empty(), "source at {at}: {path:?}");
        }
    }
    let parsed = match kind {
        Kind::Dockerfile => {
            let mut passed = std::collections::BTreeSet::new();
            crate::defs::dockerfile::build_args_passed(text, &mut passed);
            source::parse_dockerfile(text, &passed)
        }
        _ => match source::parse(kind, text) {
            Ok(mut parsed) => {
                // The files a pipeline reads with `cat`, as `check` gives them (small ones):
                // here the text itself stands for each.
                if let source::Parsed::Workflow(pipeline) = &mut parsed {
                    let stand_in = text.len() <= crate::defs::ci::MAX_CAT_FILE;
                    let files = crate::defs::ci::cat_paths(text).into_iter().filter(|_| stand_in);
                    pipeline.files = files.map(|path| (path, text.to_string())).collect();
                }
                // The Go programs it runs with `go run`, as `check` gives them: each printing
                // the text's first line, with a hole; and the scripts it runs for their output.
                let printed = crate::defs::goprog::programs_run(text).into_iter().map(|written| {
                    use crate::defs::value::{Builder, Hole, Origin};
                    let mut output = Builder::default();
                    output.push_str(text.lines().next().unwrap_or_default());
                    output.push_hole(Hole::new(Origin::Environment("GOPATH".into())));
                    let output = output.build();
                    crate::defs::goprog::PrintingProgram {
                        path: format!("{written}.go"),
                        written,
                        script: false,
                        text: text.to_string(),
                        output,
                    }
                });
                // The scripts it runs for their output: each the text itself.
                let scripts = crate::defs::eval::scripts_run(text).into_iter().filter_map(|run| {
                    let args: Vec<&str> = run.split(' ').skip(1).collect();
                    let output = crate::defs::eval::script_printed(text, &args)?;
                    let path = run.split(' ').next().unwrap_or_default().to_string();
                    Some(crate::defs::goprog::PrintingProgram {
                        written: run.clone(),
                        script: true,
                        path,
                        text: text.to_string(),
                        output,
                    })
                });
                parsed.take_printed(printed.chain(scripts).collect());
                parsed
            }
            Err(_) => return,
        },
    };
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
            assert!(span.start_line <= span.end_line && span.end_line <= lines, "{kind:?}: {span:?} of {lines} lines");
        }
        for e in f.fix.iter().flat_map(|fix| &fix.edits) {
            let (start, end) = (e.start_byte, e.end_byte);
            assert!(start <= end && end <= text.len(), "{kind:?}: edit {start}..{end} of {} bytes", text.len());
            assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "{kind:?}: edit splits a character");
        }
    }
}

/// go.mod's readers, Go source's declaration scanner, and the Go build program reader on every
/// text (not only those that pass its cheap `may_build` test).
/// The text as one Go template, rendered with no field known and with every field known (the
/// same text): bounded whatever its nesting.
fn go_template(text: &str) {
    use crate::defs::value::Value;
    for known in [false, true] {
        let field = |_: &str| known.then(|| Value::known(text));
        let v = Value::rendered(text, &field);
        assert!(v.size() <= 2 * crate::defs::budget::MAX_VALUE + text.len(), "{}", v.size());
    }
}

fn go_source(text: &str) {
    let _ = crate::defs::gosrc::module_path(text);
    for keyword in ["go", "toolchain"] {
        if let Some(version) = crate::defs::gosrc::go_mod_directive(text, keyword) {
            let _ = crate::defs::gosrc::go_release(version);
        }
    }
    let _ = crate::defs::gosrc::requirements(text);
    let mut package = crate::defs::gosrc::Package::default();
    crate::defs::gosrc::scan_file(text, Path::new("fuzz.go"), &mut package);
    let _ = crate::defs::gosrc::package_name(text);
    let _ = crate::defs::goprog::printed(text);
    for c in crate::defs::goprog::read(text).commands {
        assert!(c.command.start <= c.command.end && c.command.end <= text.len(), "command {:?}", c.command);
    }
}
