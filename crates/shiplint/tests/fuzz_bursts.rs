//! CI-sized bursts of the build-definition fuzz targets, on stable Rust: every reader gets
//! thousands of mutants of real-shaped files (the seed scenarios' and examples' build files and
//! this suite's data) through the entry point its `cargo fuzz` target calls,
//! `shiplint::exercise::run`. Mutants are made from a fixed seed, so a failure names the
//! reader, the file and the mutant, and prints the text to reproduce it with.

mod common;

use common::Rng;
use shiplint::defs::source::{self, Kind};
use shiplint::exercise;
use std::path::{Path, PathBuf};

const MUTANTS_PER_FILE: usize = 1500;

/// Pieces of syntax where readers decide things: quotes, expansions, templates, YAML anchors
/// and flow, continuations, heredocs, nesting, and the words rules look for.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    "`",
    "\\",
    "\\\n",
    "\n",
    "\t",
    "  ",
    "$(",
    "${",
    "$((",
    "}",
    ")",
    "(",
    "{{ ",
    " }}",
    "{{ .Env.X }}",
    "${{ matrix.os }}",
    "&&",
    "||",
    ";",
    "|",
    "*",
    "&a ",
    "*a",
    "<<: *a",
    "- ",
    ": ",
    "[",
    "]",
    "{",
    "#",
    "<<EOF\n",
    "\nEOF\n",
    "if true; then ",
    "fi",
    "for x in a b; do ",
    "done",
    "case $x in a) ",
    ";; esac",
    "f() { ",
    "FROM ",
    " AS ",
    "ARG A=",
    "RUN ",
    "COPY --from=",
    "include ",
    "define V\n",
    "endef\n",
    "ifdef A\n",
    "endif\n",
    "$$",
    "$(MAKE) ",
    "$(shell ",
    "go build ",
    "go install ",
    "-ldflags ",
    "-X main.v=",
    "-s -w",
    "-trimpath",
    "GOOS=darwin ",
    "exec.Command(\"go\", ",
    "append(args, ",
    "func ",
    "package main\n",
    "\u{feff}",
    "é",
    "\r\n",
];

/// The build files of the examples and the test data, each with the reader its kind goes to.
fn seeds() -> Vec<(PathBuf, &'static str, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut stack = vec![root.join("../../examples"), root.join("tests/data")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let reader = match source::kind_of(&path, text.as_bytes()) {
                Some(Kind::Shell | Kind::PowerShell) => "shell",
                Some(Kind::Makefile | Kind::Taskfile) => "makefile",
                Some(Kind::Dockerfile) => "dockerfile",
                Some(
                    Kind::GithubWorkflow
                    | Kind::GithubAction
                    | Kind::GitlabCi
                    | Kind::CircleCi
                    | Kind::Drone
                    | Kind::Snapcraft,
                ) => "ci_yaml",
                Some(Kind::Goreleaser | Kind::Promu | Kind::KoConfig) => "goreleaser",
                Some(Kind::GoProgram) => "go_program",
                None if path.extension().is_some_and(|e| e == "mod") => "go_source",
                None => continue,
            };
            out.push((path, reader, text));
        }
    }
    out.sort();
    out
}

/// The nearest character boundary at or before `at`.
fn boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// One to four edits: a token inserted, a range deleted or doubled, a cut, two lines swapped.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut s = text.to_string();
    for _ in 0..1 + rng.below(4) {
        let at = boundary(&s, rng.below(s.len() + 1));
        let end = boundary(&s, at + rng.below(64));
        match rng.below(5) {
            0 => s.insert_str(at, TOKENS[rng.below(TOKENS.len())]),
            1 => s.replace_range(at..end, ""),
            2 => {
                let doubled = s[at..end].to_owned();
                s.insert_str(at, &doubled);
            }
            3 => s.truncate(at),
            _ => {
                let mut lines: Vec<&str> = s.split_inclusive('\n').collect();
                if lines.len() > 1 {
                    let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                    lines.swap(a, b);
                }
                s = lines.concat();
            }
        }
    }
    s
}

#[test]
fn every_build_definition_reader_survives_a_burst_of_mutants() {
    let seeds = seeds();
    for reader in exercise::READERS {
        assert!(seeds.iter().any(|(_, r, _)| r == reader), "no seed file for {reader}");
    }
    let mut rng = Rng(0x5eed_5eed_5eed_5eed);
    let mut failures = Vec::new();
    let mut runs = 0;
    for (path, reader, text) in &seeds {
        for i in 0..MUTANTS_PER_FILE {
            let mutant = mutate(text, &mut rng);
            // Some mutants are bytes a UTF-8 reader refuses: UTF-16 with its byte-order mark, or
            // a stray byte, which `check` decodes (YAML) or reads as `?`.
            let bytes = match i % 10 {
                5 => {
                    [&[0xff, 0xfe][..], &mutant.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<_>>()].concat()
                }
                7 => [mutant.as_bytes(), &[0xc3, b'(', 0xff]].concat(),
                _ => mutant.as_bytes().to_vec(),
            };
            // Every tenth mutant goes through every reader: files are often not what they seem.
            let readers: &[&str] = if i % 10 == 0 { exercise::READERS } else { std::slice::from_ref(reader) };
            for r in readers {
                runs += 1;
                if std::panic::catch_unwind(|| exercise::run(r, &bytes)).is_err() {
                    failures.push(format!("{r} on mutant {i} of {}:\n{bytes:?}", path.display()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {runs} runs panicked; the first:\n{}", failures.len(), failures[0]);
    eprintln!("{runs} runs over {} files, no panic", seeds.len());
}
