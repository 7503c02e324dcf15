//! Build definitions and trees from strangers (issue 16): every hostile case is generated here
//! at test time, never stored. Each must end with exit 0, 1 or 2 (never a signal), say where
//! evaluation stopped or what was refused, read nothing outside the scanned tree, and stay under
//! 200 MiB peak memory. Times and memory are printed, never asserted:
//! `cargo test -p shiplint --test hostile_definitions -- --nocapture`. This binary holds this one
//! test, so that the memory measured is shiplint's (see `run_measured`).

mod common;

use common::TempDir;
use common::untrusted::{canary, run_measured, untouched};
use std::fs;

/// One hostile tree: its files, the command run on it, and what stderr must say.
struct Hostile {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: &'static [&'static str],
    says: &'static [&'static str],
}

fn hostile(name: &'static str, files: Vec<(&'static str, Vec<u8>)>, says: &'static [&'static str]) -> Hostile {
    Hostile { name, files, args: &["check", "."], says }
}

/// Every hostile build definition and tree of issue 16, generated here: each ends with exit 0, 1
/// or 2, says where it stopped or what it refused, reads nothing outside (a canary beside each
/// tree is named from every kind of reference), and stays under 200 MB. Times and memory are
/// printed (`cargo test --test strangers hostile -- --nocapture`), never asserted.
#[test]
fn hostile_build_definitions_and_trees_are_bounded() {
    const CANARY: &str = "module canary\n\ngo 1.22\n";
    let many = |prefix: &str, n: usize| (0..n).map(|i| format!("{prefix}{i}")).collect::<Vec<_>>().join(", ");
    let b = |s: String| s.into_bytes();
    let release = |steps: &str| {
        format!(
            "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n{steps}      - run: gh release upload v1 dist/app\n"
        )
    };
    // A YAML alias bomb: ten levels of ten references, 10^10 values when expanded.
    let bomb = (1..10).fold("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n".to_string(), |acc, i| {
        acc + &format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 10].join(", "))
    });
    let matrix = ["a", "b", "c", "d"].map(|k| format!("        {k}: [{}]\n", many(k, 1000))).concat();
    // Built one at a time, so that this process stays small while each runs.
    let cases: Vec<Box<dyn Fn() -> Hostile>> = vec![
        Box::new(move || {
            hostile(
                "goreleaser goos and goarch lists multiplying to 10^10",
                vec![(
                    ".goreleaser.yaml",
                    b(format!(
                        "builds:\n  - goos: [{}]\n    goarch: [{}]\n    goarm: [5, 6, 7]\n",
                        many("os", 100_000),
                        many("arch", 100_000)
                    )),
                )],
                &["10000000000 goreleaser build targets, capped at 1024"],
            )
        }),
        Box::new(move || Hostile {
            name: "the same, with --fix",
            files: vec![(
                ".goreleaser.yaml",
                b(format!("builds:\n  - goos: [{}]\n    goarch: [{}]\n", many("os", 3000), many("arch", 3000))),
            )],
            args: &["check", "--fix", "."],
            says: &["9000000 goreleaser build targets, capped at 1024"],
        }),
        Box::new(move || {
            hostile(
                "a 10^12-combination GitHub matrix",
                vec![(
                    ".github/workflows/release.yml",
                    b(format!(
                        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n{matrix}    steps:\n      - run: go build -o bin/app ./cmd/app\n      - run: gh release upload v1 bin/app\n"
                    )),
                )],
                &["1000000000000 matrix combinations of job build, capped at 256"],
            )
        }),
        Box::new(move || {
            hostile(
                "a shell variable doubled 200 times",
                vec![(
                    "build.sh",
                    b("#!/bin/sh\nA=x\n".to_string()
                        + &"A=\"$A$A\"\n".repeat(200)
                        + "GOOS=linux go build -ldflags \"$A\" -o dist/app .\n"),
                )],
                &[],
            )
        }),
        Box::new(move || {
            hostile(
                "100 000 nested subshells, braces and ifs",
                vec![
                    (
                        "a.sh",
                        b("#!/bin/sh\n".to_string() + &"( ".repeat(100_000) + "go build ." + &" )".repeat(100_000)),
                    ),
                    (
                        "b.sh",
                        b("#!/bin/sh\n".to_string() + &"{ ".repeat(100_000) + "go build .\n" + &"}\n".repeat(100_000)),
                    ),
                    ("c.sh", b("#!/bin/sh\n".to_string() + &"if true; then\n".repeat(100_000) + "go build .\n")),
                ],
                // Subshell parentheses are read flat (no nesting to bound); braces and ifs nest.
                &["b.sh: evaluation stopped", "c.sh: evaluation stopped"],
            )
        }),
        Box::new(move || {
            hostile(
                "a script of two million words",
                vec![("build.sh", b("#!/bin/sh\n".to_string() + &"a ".repeat(2_000_000)))],
                &["build.sh: evaluation stopped: more than 200000 shell words"],
            )
        }),
        Box::new(move || {
            hostile(
                "a shell function that calls itself twice",
                vec![("build.sh", b("#!/bin/sh\nf() { f; f; go build -o dist/app .; }\nf\n".to_string()))],
                &["build.sh: evaluation cut: f calls itself"],
            )
        }),
        Box::new(move || {
            hostile(
                "make variables: self-recursive, mutually recursive, doubling 60 times",
                vec![(
                    "Makefile",
                    b((0..60).map(|i| format!("A{i} = $(A{})$(A{})\n", i + 1, i + 1)).collect::<String>()
                        + "S = $(S)x\nP = $(Q)\nQ = $(P)\nrelease:\n\tgo build -ldflags \"-X main.v=$(A0)$(S)$(P)\" -o dist/app .\n"),
                )],
                &[],
            )
        }),
        Box::new(move || {
            hostile(
                "300 make variables each set under conditionals about itself and the one before",
                vec![(
                    "Makefile",
                    b("A0 := x\n".to_string()
                        + &(1..300)
                            .map(|i| {
                                let p = i - 1;
                                format!(
                                    "ifndef A{i}\nifeq ($(A{p}),x)\nA{i} := x\nelse ifeq ($(A{p}),y)\nA{i} := y\nelse\nA{i} := $(A{p})$(A{p})\nendif\nendif\n"
                                )
                            })
                            .collect::<String>()
                        + "release:\n\tgo build -ldflags \"-X main.v=$(A299)\" -o dist/app .\n"),
                )],
                &[],
            )
        }),
        Box::new(move || {
            hostile(
                "a script running make on 5 000 rules whose targets and prerequisites double 60 times",
                vec![
                    (
                        "Makefile",
                        b((0..60).map(|i| format!("A{i} = $(A{})$(A{})\n", i + 1, i + 1)).collect::<String>()
                            + "release: $(A0) t0\n"
                            + &(0..5000)
                                .map(|i| format!("t{i} $(A0)/%: t{} $(A0)\n\tgo build -o dist/$@ .\n", i + 1))
                                .collect::<String>()),
                    ),
                    ("build.sh", b("#!/bin/sh\nmake release\n".into())),
                ],
                &[],
            )
        }),
        Box::new(move || {
            hostile(
                "goreleaser env entries that each read the one before twice, 64 deep",
                vec![(
                    ".goreleaser.yaml",
                    b("env:\n  - E0=-s -w\n".to_string()
                        + &(1..64)
                            .map(|i| format!("  - E{i}={{{{ .Env.E{} }}}}{{{{ .Env.E{} }}}}\n", i - 1, i - 1))
                            .collect::<String>()
                        + "builds:\n  - goos: [linux, darwin, windows]\n    ldflags: ['{{ .Env.E63 }}']\n"),
                )],
                &[],
            )
        }),
        Box::new(move || {
            hostile(
                "YAML alias bombs in goreleaser, GitHub and GitLab files",
                vec![
                    (".goreleaser.yaml", b(bomb.clone() + "builds:\n  - goos: *a9\n")),
                    (
                        ".github/workflows/b.yml",
                        b(bomb.clone()
                            + "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        os: *a9\n    steps:\n      - run: go build .\n"),
                    ),
                    (".gitlab-ci.yml", b(bomb.clone() + "build:\n  script: *a9\n")),
                ],
                &[
                    ".goreleaser.yaml: YAML not read: it has too many values",
                    ".github/workflows/b.yml: YAML not read",
                    ".gitlab-ci.yml: YAML not read",
                ],
            )
        }),
        Box::new(move || {
            hostile(
            "include, extends, reusable-workflow, composite-action, source and make cycles",
            vec![
                (".gitlab-ci.yml", b("include:\n  - local: ci/a.yml\n  - local: ../canary/go.mod\nbuild:\n  extends: .b\n  script: go build -o dist/app .\n.b:\n  extends: build\nc:\n  extends: [c, build]\n".into())),
                ("ci/a.yml", b("include:\n  - local: .gitlab-ci.yml\n  - local: ci/a.yml\n".into())),
                (".github/workflows/a.yml", b("on: push\njobs:\n  x:\n    uses: ./.github/workflows/b.yml\n".into())),
                (".github/workflows/b.yml", b("on: workflow_call\njobs:\n  y:\n    uses: ./.github/workflows/a.yml\n  z:\n    uses: ./.github/workflows/b.yml\n  w:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/s\n".into())),
                (".github/actions/s/action.yml", b("runs:\n  using: composite\n  steps:\n    - uses: ./.github/actions/s\n    - run: make release\n      shell: bash\n".into())),
                ("Makefile", b("include Makefile\ninclude a.mk\n-include ../canary/go.mod\nrelease:\n\t$(MAKE) release\n\t./build.sh\n".into())),
                ("a.mk", b("include Makefile\n-include a.mk\n".into())),
                ("build.sh", b("#!/bin/sh\n. ./lib.sh\n. ../canary/go.mod\nsource ./build.sh\nbash build.sh\nmake release\nGOOS=linux go build -o dist/app .\n".into())),
                ("lib.sh", b("#!/bin/sh\n. ./build.sh\n".into())),
            ],
            &[],
        )
        }),
        Box::new(move || {
            // Thousands of include lines to expand, thousands of names, a wildcard over a big
            // folder, and included files that include each other's wildcards.
            let lines: String = (0..5000).map(|i| format!("include $(D)/f{i}.mk\n")).collect();
            let mut files = vec![
                ("Makefile", b(format!("D := mk\n{lines}include mk/*.mk\nrelease:\n\tgo build -o dist/app .\n"))),
                (
                    "names/Makefile",
                    b(format!(
                        "-include {}\nrelease:\n\tgo build -o dist/app .\n",
                        many("x", 20000).replace(", ", " ")
                    )),
                ),
            ];
            let mut names: Vec<&'static str> = Vec::new();
            for i in 0..300 {
                names.push(Box::leak(format!("mk/f{i}.mk").into_boxed_str()));
            }
            files.extend(names.into_iter().map(|n| (n, b("include mk/*.mk\nX += $(X) $(X)\n".into()))));
            hostile(
                "a Makefile including thousands of names and files",
                files,
                &["not read (more than 64 included files", "includes past the first 1024 names"],
            )
        }),
        Box::new(move || {
            hostile(
            "goreleaser templates and includes reaching outside the repository",
            vec![(
                ".goreleaser.yaml",
                b("includes:\n  - from_file:\n      path: /etc/passwd\n  - from_file:\n      path: ../canary/go.mod\nbuilds:\n  - ldflags: ['{{ .Env.A }}{{ .Env.A }}{{ range $i := .Env.B }}{{ $i }}{{ end }}']\n    hooks:\n      post: ['{{ readFile \"../canary/go.mod\" }}']\n".into()),
            )],
            &[],
        )
        }),
        Box::new(move || {
            // `ko resolve`/`ko apply -f` naming a device, a file and a folder outside the tree.
            hostile(
                "ko resolve -f naming /dev/zero and paths outside",
                vec![
                    (".ko.yaml", b("defaultBaseImage: alpine:3.20\n".into())),
                    ("Makefile", b("release:\n\tko resolve -f /dev/zero\n\tko resolve -f ../canary/go.mod\n\tko apply -Bf ../canary/ -f ./../canary\n".into())),
                ],
                &[],
            )
        }),
        Box::new(move || {
            // Go programs whose output a Makefile and a script take, named as devices, outside
            // the repository, and as a folder of thousands of files with no `func main`.
            let mut files = vec![
                ("Makefile", b("A := $(shell go run /dev/zero)\nB := $(shell go run ../canary)\nC := $(shell go run ../canary/go.mod)\nrelease:\n\tgo build -ldflags \"$(A) $(B) $(C)\" -o dist/app .\n".into())),
                ("release.sh", b(format!("#!/bin/sh\n{}go build -ldflags \"$(go run ./big)\" -o dist/app .\n", "X=$(go run ./big/x.go)\n".repeat(5000)))),
            ];
            for i in 0..3000 {
                files.push((
                    Box::leak(format!("big/f{i}.go").into_boxed_str()),
                    b(format!("package big\nvar V{i} = 1\n")),
                ));
            }
            hostile("go run naming devices, paths outside and a folder of 3 000 files", files, &[])
        }),
        Box::new(move || {
            hostile(
                "go-version-file and cat naming /dev/zero, a path outside and the canary",
                vec![(
                    ".github/workflows/release.yml",
                    b(release(
                        "      - run: cat /dev/zero ../canary/go.mod >> \"$GITHUB_ENV\"; echo \"V=$(cat ../canary/go.mod)\" >> \"$GITHUB_ENV\"\n      - uses: actions/setup-go@v5\n        with:\n          go-version-file: /dev/zero\n      - uses: actions/setup-go@v5\n        with:\n          go-version-file: ../canary/go.mod\n      - run: go build -o dist/app .\n",
                    )),
                )],
                &["/dev/zero not read: resolves outside the repository", "../canary/go.mod not read: resolves outside"],
            )
        }),
        Box::new(move || {
            hostile(
                "a 50 MB Makefile",
                vec![("Makefile", b(format!("A := {}\nrelease:\n\tgo build -o dist/app .\n", "x".repeat(50 << 20))))],
                &["Makefile: 52428839 bytes is too large for a build definition (limit 4194304): not read"],
            )
        }),
        Box::new(move || {
            hostile(
                "a line of almost 4 MiB in every kind of build definition",
                {
                    let almost_4_mib = "x".repeat((4 << 20) - 200);
                    vec![
                        (
                            "Makefile",
                            b(format!(
                                "A := {almost_4_mib}\nrelease:\n\tgo build -ldflags \"-X main.v=$(A)\" -o dist/app .\n"
                            )),
                        ),
                        (
                            "build.sh",
                            b(format!(
                                "#!/bin/sh\nA=\"{almost_4_mib}\"\nGOOS=linux go build -ldflags \"-X main.v=$A\" -o dist/app .\n"
                            )),
                        ),
                        (
                            "Dockerfile",
                            b(format!("FROM golang:1.23\nRUN echo {almost_4_mib}\nRUN go build -o /app .\n")),
                        ),
                        (
                            ".github/workflows/r.yml",
                            b(release(&format!(
                                "      - run: echo {almost_4_mib}\n      - run: go build -o dist/app .\n"
                            ))),
                        ),
                        ("go.mod", b(format!("module x\n\ngo 1.23\n// {almost_4_mib}\n"))),
                        ("main.go", b(format!("package main\n\nvar v = \"{almost_4_mib}\"\n\nfunc main() {{}}\n"))),
                    ]
                },
                &[],
            )
        }),
        Box::new(move || {
            hostile(
                "UTF-16 and bytes that are not UTF-8",
                vec![
                    (
                        "Dockerfile",
                        [
                            &[0xff, 0xfe][..],
                            &"FROM golang:latest\n".encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<_>>(),
                        ]
                        .concat(),
                    ),
                    (
                        ".goreleaser.yaml",
                        [
                            &[0xfe, 0xff][..],
                            &"builds:\n  - goos: [linux]\n"
                                .encode_utf16()
                                .flat_map(u16::to_be_bytes)
                                .collect::<Vec<_>>(),
                        ]
                        .concat(),
                    ),
                    ("Makefile", b"release:\n\tgo build -ldflags \"-X main.by=J\xfcrgen\" -o dist/app .\n".to_vec()),
                ],
                &[
                    "Dockerfile: UTF-16 text, which a Dockerfile cannot be: save it as UTF-8 (not read)",
                    ".goreleaser.yaml: UTF-16 text, read as such",
                    "Makefile: 1 bytes that are not UTF-8 read as `?`",
                ],
            )
        }),
        Box::new(move || {
            hostile(
                "ignore files with 20 000 patterns of 13 wildcards each, over many files",
                {
                    let patterns: String = (0..20_000).map(|i| format!("**/*a*a*a*a*a*a*a*a*a*a*a*a*b{i}\n")).collect();
                    // In a work tree: outside one, .gitignore is not read.
                    let mut files = vec![
                        (".git/HEAD", b("ref: refs/heads/main\n".into())),
                        (".gitignore", b(patterns.clone())),
                        ("sub/.ignore", b(patterns)),
                    ];
                    let names: &'static [&'static str] = Box::leak(
                        (0..300)
                            .map(|i| &*Box::leak(format!("sub/{}{i}.sh", "a".repeat(40)).into_boxed_str()))
                            .collect::<Vec<_>>()
                            .into_boxed_slice(),
                    );
                    files.extend(names.iter().map(|n| (*n, b("#!/bin/sh\necho hi\n".into()))));
                    files
                },
                &[
                    ".gitignore: only the first 3125 patterns are used: the ignore files of this tree ask for more than 50000",
                ],
            )
        }),
        Box::new(move || {
            hostile(
                "an image build whose make -C with a hole names 500 Makefiles, each building the image again",
                {
                    let image = "FROM golang:1.26 AS build\nARG P\nCOPY . /w\nRUN make -C /w/p/${P} build\n";
                    let mut files = vec![("Dockerfile", b(image.into()))];
                    let names: &'static [&'static str] = Box::leak(
                        (0..500)
                            .map(|i| &*Box::leak(format!("p/{i}/Makefile").into_boxed_str()))
                            .collect::<Vec<_>>()
                            .into_boxed_slice(),
                    );
                    let make =
                        "build:\n\tdocker build --build-arg P=x -f ../../Dockerfile ../..\n\tgo build -o app .\n";
                    files.extend(names.iter().map(|n| (*n, b(make.into()))));
                    files
                },
                &[],
            )
        }),
    ];
    let mut report = Vec::new();
    for build in cases {
        let case = build();
        let t = TempDir::new();
        let canary_path = canary(&t.path().join("canary/go.mod"), CANARY);
        let repo = t.path().join("repo");
        for (path, bytes) in case.files {
            let p = repo.join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, bytes).unwrap();
        }
        let r = run_measured(&repo, case.args);
        assert!(matches!(r.status, 0..=2), "{}: exit {}\n{}", case.name, r.status, r.err);
        for said in case.says {
            assert!(r.err.contains(said), "{}: stderr lacks {said:?}\n{}", case.name, r.err);
        }
        assert!(r.peak_rss_mib < 200.0, "{}: {:.0} MiB peak", case.name, r.peak_rss_mib);
        untouched(&canary_path, CANARY);
        report.push((case.name, r.seconds, r.peak_rss_mib));
    }
    report.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (name, seconds, mib) in &report {
        eprintln!("{seconds:7.2} s {mib:6.0} MiB  {name}");
    }
}
