//! Build files the way real projects write them: values shiplint cannot know (`$(shell git
//! describe)`, `$1`, `${FLAGS}`), commands and flags behind variables, functions, arrays,
//! conditionals, and the callers that run one build file from another. Each defect is found
//! through them, and each correct twin stays silent.

mod common;

use common::project;

/// (rule name, "path:line", message, notes) of every finding of `check .` in a project.
fn check(files: &[(&str, &str)]) -> Vec<(String, String, String, Vec<String>)> {
    let p = project(files);
    let (_, found, doc) = common::check_json(p.path(), &[std::ffi::OsStr::new(".")]);
    // A fixture shiplint cannot read would make a silent test that cannot fail.
    assert_eq!(doc["errors"], serde_json::json!([]), "{files:?}");
    found
        .iter()
        .map(|f| {
            let line = f["location"]["span"]["start_line"].as_u64().unwrap_or(0);
            let notes = f["notes"].as_array().map(|n| n.iter().filter_map(|x| x.as_str()).map(String::from).collect());
            (
                common::field(f, "/rule"),
                format!("{}:{line}", common::field(f, "/location/path")),
                common::field(f, "/message"),
                notes.unwrap_or_default(),
            )
        })
        .collect()
}

/// `check` on `files` inside a module whose main package is at the root (`GO_MOD`, `MAIN`).
fn check_in_module(files: &[(&str, &str)]) -> Vec<(String, String, String, Vec<String>)> {
    let mut all = vec![("go.mod", GO_MOD), ("main.go", MAIN)];
    all.extend_from_slice(files);
    check(&all)
}

fn rules(found: &[(String, String, String, Vec<String>)]) -> Vec<(&str, &str)> {
    found.iter().map(|(r, at, _, _)| (r.as_str(), at.as_str())).collect()
}

/// The places ("path:line") of the findings of `rule`, in report order.
fn places<'f>(found: &'f [(String, String, String, Vec<String>)], rule: &str) -> Vec<&'f str> {
    found.iter().filter(|f| f.0 == rule).map(|f| f.1.as_str()).collect()
}

/// A workflow that a version tag runs: one `release` job on `runner` that runs `run`, then uploads
/// `files` to the GitHub release.
fn release_workflow(runner: &str, run: &str, files: &str) -> String {
    format!(
        "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: {runner}\n    steps:\n      - run: {run}\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: {files}\n"
    )
}

/// A two-stage image: a build stage on `base` that runs `run` in the build context, and a
/// scratch image, as a non-root user, that starts the `built` file it copies.
fn scratch_image(base: &str, run: &str, built: &str) -> String {
    format!(
        "FROM {base} AS build\nCOPY . /src\nWORKDIR /src\nRUN {run}\n\nFROM scratch\nCOPY --from=build {built} /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n"
    )
}

const GO_MOD: &str = "module example.com/app\n\ngo 1.22\n";
const MAIN: &str = "package main\n\nvar buildDate string\n\nfunc main() { println(buildDate) }\n";
const VERSION_PKG: &str = "package version\n\nvar Tag string\n";

#[test]
fn an_x_target_is_judged_when_its_value_is_unknown() {
    let make = "TAG ?= $(shell git describe --tags)\nbuild:\n\tgo build -trimpath -ldflags \"-X version.Tag=$(TAG)\" -o bin/app .\n";
    let found = check_in_module(&[("version/version.go", VERSION_PKG), ("Makefile", make)]);
    assert_eq!(rules(&found), [("x-flag-unknown-target", "Makefile:3")], "{found:#?}");
    assert!(found[0].2.contains("version.Tag=$(git describe --tags)"), "{}", found[0].2);

    let good = make.replace("-X version.Tag", "-X example.com/app/version.Tag");
    let found = check_in_module(&[("version/version.go", VERSION_PKG), ("Makefile", &good)]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn an_unset_variable_is_empty_and_hides_nothing() {
    let make = "DATE := $(shell date -u)\nbinary:\n\tCGO_ENABLED=0 go build ${FLAGS} -ldflags \"-X main.Date=$(DATE)\" -o ./dist/app ./cmd/app\n";
    let found = check(&[("Makefile", make)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:3"), ("non-reproducible-build", "Makefile:3")]);
    assert!(found[0].3.iter().any(|n| n.contains("$FLAGS is empty")), "{:?}", found[0].3);
    assert!(found[1].2.contains("the clock, $DATE (= $(date -u))"), "{}", found[1].2);

    let good = "DATE := $(shell git log -1 --format=%cI)\nbinary:\n\tCGO_ENABLED=0 go build -trimpath ${FLAGS} -ldflags \"-X main.Date=$(DATE)\" -o ./dist/app ./cmd/app\n";
    assert!(check(&[("Makefile", good)]).is_empty());
}

#[test]
fn the_command_word_from_variables() {
    let make = "GOCMD=go\nGOBUILD=$(GOCMD) build\nrelease:\n\t$(GOBUILD) -ldflags \"-X main.buildDate=$(shell date -u +%FT%TZ)\" -o dist/app ./cmd/app\n";
    let found = check(&[("Makefile", make)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:4"), ("non-reproducible-build", "Makefile:4")]);

    let good = "GOCMD=go\nGOBUILD=$(GOCMD) build -trimpath\nrelease:\n\t$(GOBUILD) -ldflags \"-X main.buildDate=$(shell git log -1 --format=%cI)\" -o dist/app ./cmd/app\n";
    assert!(check(&[("Makefile", good)]).is_empty());
}

#[test]
fn flags_and_targets_in_variables_and_arrays() {
    let script = "#!/usr/bin/env bash\nGO_BUILD_CMD=\"go build -ldflags\"\nGO_BUILD_OPT=\"-X github.com/acme/app/pkg/version.Version=$(git rev-parse HEAD)\"\nPLATFORMS=(linux/amd64 freebsd/arm64 windows/amd64)\nfor p in \"${PLATFORMS[@]}\"; do GOOS=${p%/*} GOARCH=${p#*/} ${GO_BUILD_CMD} \"${GO_BUILD_OPT}\" -o dist/app.exe ./cmd/app; done\n";
    let found = check(&[("build.sh", script)]);
    let overwrite: Vec<_> = found.iter().filter(|f| f.0 == "cross-build-overwrite").collect();
    assert_eq!(overwrite.len(), 1, "{found:#?}");
    assert!(overwrite[0].2.contains("linux/amd64, freebsd/arm64, windows/amd64"), "{}", overwrite[0].2);
    assert!(found.iter().any(|f| f.0 == "untrimmed-paths"), "{found:#?}");

    let good = script
        .replace("go build -ldflags", "go build -trimpath -ldflags")
        .replace("-o dist/app.exe", "-o \"dist/app-${p%/*}-${p#*/}$([ \"${p%/*}\" = windows ] && echo .exe)\"");
    let found = check(&[("build.sh", &good)]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_function_called_once_per_target() {
    let script = "#!/bin/sh\nbuild() { GOOS=$1 GOARCH=$2 go build -trimpath -o dist/app ./cmd/app; }\nbuild linux amd64\nbuild freebsd arm64\n";
    let found = check(&[("release.sh", script)]);
    assert_eq!(rules(&found), [("cross-build-overwrite", "release.sh:2")], "{found:#?}");
    assert!(found[0].2.contains("linux/amd64, freebsd/arm64"), "{}", found[0].2);

    let good = script.replace("-o dist/app ", "-o dist/app-$1-$2 ");
    assert!(check(&[("release.sh", &good)]).is_empty());
    // The call that names darwin is where the macOS build is chosen: said there, once per call.
    let darwin = good.replace("build freebsd arm64\n", "build darwin arm64\nbuild darwin amd64\n");
    let found = check(&[("release.sh", &darwin)]);
    assert_eq!(
        rules(&found),
        [("macos-not-notarized", "release.sh:4"), ("macos-not-notarized", "release.sh:5")],
        "{found:#?}"
    );
}

#[test]
fn a_here_string_split_by_read_sets_the_build_environment() {
    // `<<<` is a here-string, not a here-document: the lines after it are read.
    let script = r#"#!/bin/bash
build() {
    local NAME="app-$1"
    IFS="," read -ra ENV_VARS <<< "$2"
    (
        export "${ENV_VARS[@]}"
        go build -trimpath -o "dist/$NAME/app" ./cmd/app
        zip -r "dist/$NAME.zip" "dist/$NAME"
    )
}
build linux-amd64 GOOS=linux,GOARCH=amd64
build macos-arm64 GOOS=darwin,GOARCH=arm64
"#;
    let found = check(&[("release.sh", script)]);
    assert_eq!(rules(&found), [("macos-not-notarized", "release.sh:12")], "{found:#?}");
    assert!(found[0].2.contains("darwin/arm64"), "{}", found[0].2);

    let good = script.replace("GOOS=darwin", "GOOS=freebsd");
    assert!(check(&[("release.sh", &good)]).is_empty());
}

/// A platform table read line by line (`echo "$platforms" | while read -r os arch`), each
/// line's build run through `env GOOS=... sh ./go-build.sh`: the launcher's settings reach the
/// script, and the darwin lines are its builds.
#[test]
fn a_table_read_line_by_line_drives_a_build_script() {
    let release = r#"#!/bin/sh
platforms="\
linux   amd64
darwin  arm64
"
build() {
	env GOOS="$1" GOARCH="$2" OUT="./dist/$1-$2/app" sh ./scripts/go-build.sh
	tar czf "dist/app-$1-$2.tar.gz" -C dist "$1-$2"
}
echo "$platforms" | while read -r os arch; do
	build "$os" "$arch"
done
"#;
    let go_build = "#!/bin/sh\nset -e -f -u\ngo=\"${GO:-go}\"\n\"$go\" build --trimpath -o \"$OUT\" .\n";
    let found = check_in_module(&[("scripts/build-release.sh", release), ("scripts/go-build.sh", go_build)]);
    assert_eq!(rules(&found), [("macos-not-notarized", "scripts/build-release.sh:7")], "{found:#?}");
    assert!(found[0].2.contains("darwin/arm64"), "{}", found[0].2);

    let no_darwin = release.replace("darwin  arm64", "freebsd arm64");
    let found = check_in_module(&[("scripts/build-release.sh", &no_darwin), ("scripts/go-build.sh", go_build)]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn go_install_builds_and_ships_like_go_build() {
    let dockerfile = "FROM golang:1.27 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go install -ldflags \"-X main.date=$(date)\" ./cmd/app\nFROM alpine:3.20\nCOPY --from=build /go/bin/app /usr/local/bin/app\nUSER 65532\nENTRYPOINT [\"app\"]\n";
    let found = check(&[("Dockerfile", dockerfile)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Dockerfile:4"), ("non-reproducible-build", "Dockerfile:4")]);

    // cgo left on: the binary `go install` wrote is the one copied into musl-based Alpine.
    let cgo = dockerfile.replace("CGO_ENABLED=0 go install", "go install -trimpath").replace("$(date)", "v1");
    let found = check(&[("Dockerfile", &cgo)]);
    assert_eq!(rules(&found), [("libc-mismatch", "Dockerfile:4")], "{found:#?}");

    let good = "FROM golang:1.27 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go install -trimpath ./cmd/app && go install golang.org/x/tools/cmd/stringer@v0.20.0\nFROM alpine:3.20\nCOPY --from=build /go/bin/app /usr/local/bin/app\nUSER 65532\nENTRYPOINT [\"app\"]\n";
    assert!(check(&[("Dockerfile", good)]).is_empty());
}

#[test]
fn an_optional_flag_before_trimpath_hides_nothing() {
    let script = "#!/bin/sh\nCGO_ENABLED=0 GOOS=linux go build ${tags:+-tags=$tags} -trimpath -o dist/app ./cmd/app\n";
    assert!(check(&[("build.sh", script)]).is_empty());
}

#[test]
fn the_reproducible_builds_convention_is_not_a_clock_stamp() {
    let make = "ifdef SOURCE_DATE_EPOCH\n    BUILD_DATE ?= $(shell date -u -d \"@$(SOURCE_DATE_EPOCH)\" +%FT%TZ)\nelse\n    BUILD_DATE ?= $(shell date -u +%FT%TZ)\nendif\nrelease:\n\tgo build -trimpath -ldflags \"-X main.date=$(BUILD_DATE)\" -o dist/app .\n";
    assert!(check(&[("Makefile", make)]).is_empty());
    // A decided conditional: the clock branch is the one make takes.
    let decided = make.replace("ifdef SOURCE_DATE_EPOCH", "ifeq ($(OS),Windows_NT)");
    assert_eq!(rules(&check(&[("Makefile", &decided)])), [("non-reproducible-build", "Makefile:7")]);
}

/// make decides a conditional while reading the file, from the definitions above it: a variable
/// set under `ifndef` of itself (the usual default idiom), and a test of a variable set later.
#[test]
fn conditionals_are_decided_where_make_reads_them() {
    let make = "ifndef HOST_ARCH\nHOST_HARDWARE := $(shell uname -m)\nifneq (, $(filter $(HOST_HARDWARE), aarch64 arm64))\n  HOST_ARCH := arm64\nelse\n  HOST_ARCH := amd64\nendif\nendif\nifeq ($(MODE),release)\nSTRIP := -s -w\nendif\nMODE := release\nifeq ($(HOST_ARCH),)\nTRIM :=\nelse\nTRIM := -trimpath\nendif\nrelease:\n\tGOARCH=$(HOST_ARCH) go build $(TRIM) -ldflags \"$(STRIP)\" -o dist/app .\n";
    // HOST_ARCH is set on both paths, so -trimpath is there; STRIP was tested before MODE was set.
    assert!(check(&[("Makefile", make)]).is_empty(), "{:#?}", check(&[("Makefile", make)]));
    let before = make
        .replace("MODE := release\n", "")
        .replace("ifeq ($(MODE),release)", "MODE := release\nifeq ($(MODE),release)");
    assert_eq!(rules(&check(&[("Makefile", &before)])), [("stripped-without-symbols", "Makefile:19")]);
}

/// build-push-action with `file: ${{ matrix.image.dockerfile }}` builds and pushes the Dockerfile
/// each combination names (`outputs: ...,push=true` pushes too): a `.dev` name does not make it
/// a development image, and a Dockerfile no combination names is not published beside them.
#[test]
fn a_matrix_of_dockerfiles_is_each_built_and_pushed() {
    let dockerfile = "FROM golang:1.27.1 AS build\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n";
    let workflow = |outputs: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  image:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        image:\n          - name: latest\n            dockerfile: Dockerfile\n          - name: dev\n            dockerfile: Dockerfile.dev\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          file: ${{{{ matrix.image.dockerfile }}}}\n          outputs: {outputs}\n"
        )
    };
    let files = |outputs: &str| {
        check_in_module(&[
            ("Dockerfile", dockerfile),
            ("Dockerfile.dev", dockerfile),
            ("deploy/Dockerfile", dockerfile),
            (".github/workflows/image.yml", &workflow(outputs)),
        ])
    };
    let found = files("type=image,name=ghcr.io/acme/app,push-by-digest=true,push=true");
    let mut untrimmed = places(&found, "untrimmed-paths");
    untrimmed.sort_unstable();
    assert_eq!(untrimmed, ["Dockerfile.dev:3", "Dockerfile:3"], "{found:#?}");
    // Built and kept in the builder's cache only: nothing is pushed, and `.dev` is for development.
    let found = files("type=cacheonly");
    assert!(!places(&found, "untrimmed-paths").contains(&"Dockerfile.dev:3"), "{found:#?}");
}

/// A release script that sources a library a command locates runs steps the scan cannot read:
/// its darwin builds may be notarized there.
#[test]
fn a_release_library_sourced_from_a_command_may_notarize() {
    let script = |library: &str| {
        format!(
            "#!/usr/bin/env bash\n{library}build_release() {{\n  GOOS=darwin GOARCH=arm64 go build -trimpath -o kn-darwin-arm64 .\n  gh release upload v1 kn-darwin-arm64\n}}\nbuild_release\n"
        )
    };
    let found = check_in_module(&[("hack/release.sh", &script(""))]);
    assert_eq!(rules(&found), [("macos-not-notarized", "hack/release.sh:3")], "{found:#?}");
    let sourced = script("source \"$(go run example.com/hack/cmd/script release.sh)\"\n");
    assert!(check_in_module(&[("hack/release.sh", &sourced)]).is_empty());
}

/// `$(origin VAR)` is `undefined` for a variable nothing sets: the release branch is the one
/// taken, not the debugger build of the other.
#[test]
fn origin_decides_a_conditional_on_whether_a_variable_is_set() {
    let make = |above: &str| {
        format!(
            "{above}ifeq ($(origin DEBUG), undefined)\n  OUT := release\nelse\n  OUT := debug\n  GCFLAGS := -gcflags=\"all=-N -l\"\nendif\nrelease:\n\tGOOS=darwin go build $(GCFLAGS) -o dist/$(OUT)/app .\n\tgh release upload v1 dist/$(OUT)/app\n"
        )
    };
    let found = check_in_module(&[("Makefile", &make(""))]);
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:8"], "{found:#?}");
    // Set in the file above the test: the debugger build, which ships nothing.
    let found = check_in_module(&[("Makefile", &make("DEBUG := 1\n"))]);
    assert!(found.is_empty(), "{found:#?}");
}

/// goreleaser runs `go build` in `dir:` and finds `main:` there.
#[test]
fn goreleaser_builds_main_inside_dir() {
    let config = "version: 2\nbuilds:\n  - id: app\n    dir: client\n    flags: [-trimpath]\n    goos: [linux]\n    ldflags:\n      - -X main.commit={{.Commit}}\n";
    let client = "package main\n\nvar version string\n\nfunc main() { println(version) }\n";
    let found = check(&[("go.mod", GO_MOD), ("client/main.go", client), (".goreleaser.yaml", config)]);
    assert_eq!(rules(&found), [("x-flag-unknown-target", ".goreleaser.yaml:8")], "{found:#?}");
    assert!(found[0].2.contains("main (the package in ./client) declares no commit"), "{}", found[0].2);
    let good = config.replace("main.commit", "main.version");
    assert!(check(&[("go.mod", GO_MOD), ("client/main.go", client), (".goreleaser.yaml", &good)]).is_empty());
}

#[test]
fn goreleaser_kos_images_build_with_their_own_or_their_builds_flags() {
    // The archives' build keeps symbols and trims paths; each ko image is built with what its
    // entry writes, else with its build's (goreleaser's ko pipe asks ko for no -trimpath).
    let config = |ko: &str| {
        format!(
            "version: 2\nproject_name: app\nbuilds:\n  - id: app\n    flags: [-trimpath]\n    env: [CGO_ENABLED=0]\n    goos: [linux]\n    ldflags:\n      - -X main.buildDate={{{{.CommitDate}}}}\nkos:\n  - repositories: [ghcr.io/acme/app]\n{ko}"
        )
    };
    let found = check_in_module(&[(
        ".goreleaser.yaml",
        &config("    ldflags:\n      - -s -w\n      - -X main.buildDate={{.Date}}\n    flags: [-v]\n"),
    )]);
    let mut got = rules(&found);
    got.sort_unstable();
    assert_eq!(
        got,
        [
            ("non-reproducible-build", ".goreleaser.yaml:14"),
            ("stripped-without-symbols", ".goreleaser.yaml:13"),
            ("untrimmed-paths", ".goreleaser.yaml:11"),
        ],
        "{found:#?}"
    );
    // Inheriting the build's flags and ldflags, the image is built as the archives are.
    let found = check_in_module(&[(".goreleaser.yaml", &config(""))]);
    assert!(found.is_empty(), "{found:#?}");
    // A kos entry naming no build of the config stops goreleaser: it builds nothing.
    let found = check_in_module(&[(".goreleaser.yaml", &config("    build: other\n    ldflags: [-s -w]\n"))]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_clock_stamp_passed_as_an_image_build_argument_is_said_where_it_is_passed() {
    let dockerfile = "FROM golang:1.27.1 AS build\nARG BUILD_DATE\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags \"-X main.buildDate=${BUILD_DATE}\" -o /app .\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n";
    let make = |value: &str| {
        format!(
            "image:\n\tdocker build --build-arg BUILD_DATE={value} -t ghcr.io/acme/app:1 .\n\tdocker push ghcr.io/acme/app:1\n"
        )
    };
    let found = check_in_module(&[("Dockerfile", dockerfile), ("Makefile", &make("$(shell date -u +%FT%TZ)"))]);
    assert_eq!(rules(&found), [("non-reproducible-build", "Makefile:2")], "{found:#?}");
    assert!(found[0].2.contains("(passed as BUILD_DATE)"), "{}", found[0].2);
    let found = check_in_module(&[("Dockerfile", dockerfile), ("Makefile", &make("$(shell git log -1 --format=%cI)"))]);
    assert!(found.is_empty(), "{found:#?}");
    // A local image (built, never pushed) is not what ships.
    let local = "docker:\n\tdocker build --build-arg BUILD_DATE=$(shell date -u +%FT%TZ) -t app:dev .\n";
    let found = check_in_module(&[("Dockerfile", dockerfile), ("Makefile", local)]);
    assert!(found.is_empty(), "{found:#?}");
    // A release workflow's build-push-action, the value from an earlier step's output.
    let workflow = |command: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - id: prep\n        run: echo \"created=$({command})\" >> $GITHUB_OUTPUT\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ghcr.io/acme/app:latest\n          build-args: |\n            VERSION=${{{{ github.ref_name }}}}\n            BUILD_DATE=${{{{ steps.prep.outputs.created }}}}\n"
        )
    };
    let found = check_in_module(&[
        ("Dockerfile", dockerfile),
        (".github/workflows/release.yml", &workflow("date -u +%Y-%m-%dT%H:%M:%SZ")),
    ]);
    assert_eq!(rules(&found), [("non-reproducible-build", ".github/workflows/release.yml:17")], "{found:#?}");
    let found = check_in_module(&[
        ("Dockerfile", dockerfile),
        (".github/workflows/release.yml", &workflow("git log -1 --format=%cI")),
    ]);
    assert!(found.is_empty(), "{found:#?}");
}

/// `go install ./cmd/x` then `x ...` in the same job: a tool the job runs, not what it uploads.
#[test]
fn a_tool_installed_and_run_by_its_job_does_not_ship() {
    let wf = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          go install -v ./cmd/internal/build\n          build -o dist/\n      - uses: actions/upload-artifact@v4\n        with:\n          path: dist\n";
    assert!(check(&[(".github/workflows/release.yml", wf)]).is_empty());
    let kept = wf.replace("          build -o dist/\n", "          cp $(go env GOPATH)/bin/build dist/\n");
    assert_eq!(
        rules(&check(&[(".github/workflows/release.yml", &kept)])),
        [("untrimmed-paths", ".github/workflows/release.yml:7")]
    );
}

/// A tilde range stays within its minor release, so `~1.25.8` is Go 1.25 (unsupported), and like
/// `1.25.x` takes the patch release the runner's tool cache holds (only `check-latest: true`
/// makes it the newest on every run); a caret range may install the newest Go.
/// A cache saved under the commit's key hands what a job built to the run's later jobs, as an
/// artifact does; one keyed by go.sum keeps downloads.
#[test]
fn a_cache_keyed_by_the_commit_keeps_the_build() {
    let wf = |key: &str| {
        format!(
            "on:\n  release:\n    types: [created]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n          go-version: '>=1.23'\n      - run: make binaries\n      - uses: actions/cache@v4\n        with:\n          path: bin\n          key: {key}\n"
        )
    };
    let make = "binaries:\n\tCGO_ENABLED=0 go build -trimpath -o bin/app .\n";
    let at = ".github/workflows/main-build.yml";
    let found = check_in_module(&[(at, &wf("${{ github.sha }}-build")), ("Makefile", make)]);
    assert_eq!(rules(&found), [("module-graph-drift", ".github/workflows/main-build.yml:10")], "{found:#?}");
    let found = check_in_module(&[(at, &wf("go-${{ hashFiles('go.sum') }}")), ("Makefile", make)]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn setup_go_ranges_name_the_release_they_can_install() {
    let wf = |v: &str| {
        format!(
            "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n          go-version: {v}\n      - run: CGO_ENABLED=0 go build -trimpath -o dist/app .\n      - uses: actions/upload-artifact@v4\n        with:\n          path: dist/app\n"
        )
    };
    let at = ".github/workflows/release.yml";
    for within_one_minor in ["~1.25.8", "1.25.x"] {
        let found = check(&[(at, &wf(within_one_minor))]);
        assert_eq!(rules(&found), [("toolchain-unsupported", ".github/workflows/release.yml:8")], "{found:#?}");
    }
    let found = check(&[(at, &wf("^1.25.3"))]);
    assert_eq!(rules(&found), [("module-graph-drift", ".github/workflows/release.yml:8")]);
    assert!(found[0].2.contains("whatever Go release is current"), "{}", found[0].2);
    assert!(check(&[(at, &wf("1.27.3"))]).is_empty());
    // A release workflow whose job runs make and uploads what it made ships that build.
    let make = "on: push\njobs:\n  build-linux:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n          go-version: '1.27'\n          check-latest: true\n      - run: make release-linux\n      - uses: actions/upload-artifact@v4\n        with:\n          path: build\n";
    assert_eq!(rules(&check(&[(at, make)])), [("module-graph-drift", ".github/workflows/release.yml:9")]);
    assert!(check(&[(".github/workflows/test.yml", make)]).is_empty(), "a test workflow's job ships nothing");
    // A release job that makes and uploads data files (`make crds.yaml`, `file: bundle.yaml`)
    // ships no Go program; one that uploads a file it may have built does.
    let data = |goal: &str, file: &str| {
        format!(
            "on:\n  release:\n    types: [created]\njobs:\n  assets:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n          go-version: '1.27'\n          check-latest: true\n      - run: make {goal}\n      - uses: svenstaro/upload-release-action@v2\n        with:\n          file: {file}\n"
        )
    };
    assert!(check(&[(at, &data("crds.yaml", "bundle.yaml"))]).is_empty());
    // An SBOM named by the release's tag is a data file too.
    assert!(check(&[(at, &data("crds.yaml", "app-${{ github.ref_name }}-sbom.spdx"))]).is_empty());
    for (goal, file) in [("crds.yaml", "dist/app"), ("dist", "bundle.yaml")] {
        let found = check(&[(at, &data(goal, file))]);
        assert_eq!(rules(&found), [("module-graph-drift", ".github/workflows/release.yml:11")], "{goal} {file}");
    }
}

/// A script a make target runs by its path from make's `$(CURDIR)` (or the shell's `$PWD`) is
/// linked to that target, and a target named for development (`build_dev`) builds for it: its
/// stripped build is no release. The same script from a target that says nothing of its
/// purpose is judged by what it does.
#[test]
fn a_script_a_development_target_runs_builds_for_development() {
    let script = "#!/bin/sh\nGOOS=linux go build -ldflags '-s -w' -o bin/app .\n";
    // make expands `$(CURDIR)` inside single quotes; the shell expands `$PWD` inside double ones.
    let makefile = |target: &str, path: &str| {
        let quote = path.chars().next().filter(|c| matches!(c, '\'' | '"')).map(String::from).unwrap_or_default();
        format!("{target}:\n\t{path}/scripts/build-quick.sh{quote}\n")
    };
    for path in ["'$(CURDIR)", "\"$$PWD"] {
        let make = makefile("build_dev", path);
        let found = check_in_module(&[("Makefile", &make), ("scripts/build-quick.sh", script)]);
        assert!(found.is_empty(), "{path}: {found:#?}");
    }
    let make = makefile("build", "$(CURDIR)");
    let found = check_in_module(&[("Makefile", &make), ("scripts/build-quick.sh", script)]);
    assert_eq!(
        rules(&found),
        [("untrimmed-paths", "scripts/build-quick.sh:2"), ("stripped-without-symbols", "scripts/build-quick.sh:2")],
        "{found:#?}"
    );
}

/// `$(strip)` of a command line with holes (a `$(shell ...)` among its flags) is still that
/// command: the release job's `make release` builds with it.
#[test]
fn make_strip_keeps_a_command_with_holes() {
    let make = "TAGS := $(shell ./scripts/tags.sh)\nGO_BUILD := $(strip go build  -ldflags \"-w\"   -tags $(TAGS))\nrelease: docs bin/app-v1\ndocs:\n\techo docs\nbin/app-%:\n\t$(GO_BUILD) -o $@ ./cmd/app\n";
    let workflow = release_workflow("ubuntu-latest", "make release", "bin/*");
    let files = |make: &str| {
        check_in_module(&[("Makefile", make), ("cmd/app/main.go", MAIN), (".github/workflows/release.yml", &workflow)])
    };
    let found = files(make);
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:7"], "{found:#?}");
    assert_eq!(places(&found, "stripped-without-symbols"), ["Makefile:7"], "{found:#?}");
    let fixed = make.replace("-ldflags \"-w\"", "-trimpath");
    assert!(files(&fixed).is_empty(), "{:#?}", files(&fixed));
}

/// A CI job named for tests only keeps test builds; one whose name also says it uploads
/// (`test-build-upload`) offers what it uploads for download, wherever its workflow file is.
#[test]
fn a_job_named_to_upload_ships_what_it_uploads() {
    let workflow = |job: &str| {
        format!(
            "on: [push]\njobs:\n  {job}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go test ./...\n      - run: GOOS=linux go build -trimpath -ldflags '-s -X main.buildDate=x' -o out/lin/app .\n      - uses: actions/upload-artifact@v4\n        with:\n          name: app-linux\n          path: out/lin\n"
        )
    };
    let found = check_in_module(&[(".github/workflows/development.yml", &workflow("test-build-upload"))]);
    assert_eq!(rules(&found), [("stripped-without-symbols", ".github/workflows/development.yml:7")], "{found:#?}");
    assert!(check_in_module(&[(".github/workflows/development.yml", &workflow("test-build"))]).is_empty());
}

/// A Dockerfile of several images: the image builds of the tree name the stages they make
/// (`docker build --target`, build-push-action's `target:`), and each image built is judged,
/// not only the last stage. A target named for development, one that starts nothing (a
/// builder stage CI builds to run tests in) or one built for the builder's platform is not an
/// image that ships; with no target named, the last stage is the image.
#[test]
fn each_image_a_build_targets_is_judged() {
    let dockerfile = "FROM golang:1.26.3 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -o /out/app .\n\nFROM alpine:3.22 AS alpine\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n\nFROM alpine:latest AS dev\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n\nFROM gcr.io/distroless/static-debian12:nonroot AS release\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n";
    let workflow = |target: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          target: {target}\n"
        )
    };
    // Nothing builds it: the last stage is the image (nonroot); every base is judged.
    let found = check_in_module(&[("Dockerfile", dockerfile)]);
    assert_eq!(rules(&found), [("unpinned-base-image", "Dockerfile:10")], "{found:#?}");
    // The alpine target is pushed: it runs as root; the dev stage is in no image built.
    let found = check_in_module(&[("Dockerfile", dockerfile), (".github/workflows/image.yml", &workflow("alpine"))]);
    assert_eq!(rules(&found), [("root-final-image", "Dockerfile:6")], "{found:#?}");
    assert!(found[0].2.starts_with("the alpine image (alpine:3.22) sets no USER"), "{}", found[0].2);
    // The build stage as a target: a Go toolchain image that runs nothing is a build environment.
    let found = check_in_module(&[("Dockerfile", dockerfile), (".github/workflows/image.yml", &workflow("build"))]);
    assert!(found.is_empty(), "{found:#?}");
    let started = dockerfile.replace("-o /out/app .\n", "-o /out/app .\nENTRYPOINT [\"/out/app\"]\n");
    let found = check_in_module(&[("Dockerfile", &started), (".github/workflows/image.yml", &workflow("build"))]);
    assert_eq!(rules(&found), [("toolchain-in-final-image", "Dockerfile:1"), ("root-final-image", "Dockerfile:1")]);
    let on_builder = started.replace("FROM golang", "FROM --platform=$BUILDPLATFORM golang");
    assert!(
        check_in_module(&[("Dockerfile", &on_builder), (".github/workflows/image.yml", &workflow("build"))]).is_empty()
    );
    // A Makefile that builds the dev target only: a local image.
    let make = ("Makefile", "image-dev:\n\tdocker build --target dev -t app:dev .\n");
    assert!(check_in_module(&[("Dockerfile", dockerfile), make]).is_empty());
    // A target this file does not have is another Dockerfile's: the file is judged as if unbuilt.
    let make = ("Makefile", "image:\n\tdocker build --target mashup -t app .\n");
    let found = check_in_module(&[("Dockerfile", dockerfile), make]);
    assert_eq!(rules(&found), [("unpinned-base-image", "Dockerfile:10")], "{found:#?}");
    // The twin: the pushed target sets a user.
    let with_user = dockerfile.replace(
        "COPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n\nFROM alpine:latest",
        "COPY --from=build /out/app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n\nFROM alpine:latest",
    );
    assert!(
        check_in_module(&[("Dockerfile", &with_user), (".github/workflows/image.yml", &workflow("alpine"))]).is_empty()
    );
}

/// A Dockerfile goreleaser packs its binaries into ships a Go program it never builds itself.
#[test]
fn images_goreleaser_packs_are_judged_as_shipped() {
    let config = "version: 2\nbuilds:\n  - id: signal\n    main: ./signal\n    binary: app-signal\n    flags: [-trimpath]\n    env: [CGO_ENABLED=0]\n    goos: [linux]\n    ldflags: [\"-X main.version={{.Version}}\"]\ndockers_v2:\n  - ids: [signal]\n    dockerfile: signal/Dockerfile\n    images: [example/signal]\n";
    let main = "package main\n\nvar version string\n\nfunc main() { println(version) }\n";
    let dockerfile = "FROM gcr.io/distroless/base-debian13:debug\nARG TARGETPLATFORM\nCOPY ${TARGETPLATFORM}/app-signal /usr/bin/app-signal\nENTRYPOINT [\"/usr/bin/app-signal\"]\n";
    let files = |config: &str, dockerfile: &str| {
        check(&[
            ("go.mod", GO_MOD),
            ("signal/main.go", main),
            (".goreleaser.yaml", config),
            ("signal/Dockerfile", dockerfile),
        ])
    };
    assert_eq!(rules(&files(config, dockerfile)), [("root-final-image", "signal/Dockerfile:1")]);
    let v1 = config.replace("dockers_v2:\n  - ids: [signal]\n", "dockers:\n  - ids: [signal]\n");
    assert_eq!(rules(&files(&v1, dockerfile)), [("root-final-image", "signal/Dockerfile:1")]);
    let nonroot = dockerfile.replace("ENTRYPOINT", "USER 65532:65532\nENTRYPOINT");
    assert!(files(config, &nonroot).is_empty());
    // Without the config nothing says the image holds a Go program of this module.
    let alone = check(&[("go.mod", GO_MOD), ("signal/main.go", main), ("signal/Dockerfile", dockerfile)]);
    assert!(alone.is_empty(), "{alone:#?}");
}

/// Alpine with gcompat (or libc6-compat) has the glibc loader path a cgo build asks for.
#[test]
fn a_glibc_loader_shim_in_the_final_image_starts_a_glibc_build() {
    let dockerfile = "FROM golang:1.27 AS build\nRUN go build -trimpath -o /out/app .\nFROM alpine:3.23\nCOPY --from=build /out/app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    assert_eq!(rules(&check(&[("Dockerfile", dockerfile)])), [("libc-mismatch", "Dockerfile:2")]);
    for shim in ["gcompat", "libc6-compat"] {
        let shimmed = dockerfile.replace("COPY --from", &format!("RUN apk add --no-cache {shim}\nCOPY --from"));
        assert!(check(&[("Dockerfile", &shimmed)]).is_empty(), "{shim}");
    }
}

/// Conditionals inside a recipe choose its lines as make reads the file.
#[test]
fn conditionals_inside_a_recipe_choose_its_lines() {
    let make = "release:\n\tmkdir -p dist\nifeq ($(OS),Windows_NT)\n\tgo build -o dist/app.exe .\nelse\n\tgo build -o dist/app .\nendif\n";
    assert_eq!(rules(&check(&[("Makefile", make)])), [("untrimmed-paths", "Makefile:6")]);
    // Set only by the caller's environment: either line may run.
    let either = make.replace("ifeq ($(OS),Windows_NT)", "ifdef SOURCE_DATE_EPOCH");
    assert_eq!(
        rules(&check(&[("Makefile", &either)])),
        [("untrimmed-paths", "Makefile:4"), ("untrimmed-paths", "Makefile:6")]
    );
}

/// A RUN that runs make builds in its stage: that stage's Go release and the final image count.
#[test]
fn builds_a_run_makes_count_for_the_stage_and_the_image() {
    let make = "all:\n\tCGO_ENABLED=0 go build -trimpath -o bin/app .\n";
    let single = "FROM golang:1.20\nWORKDIR /src\nCOPY . .\nRUN make all && cp bin/* /usr/bin/\nUSER 65532\nENTRYPOINT [\"app\"]\n";
    let found = check_in_module(&[("Makefile", make), ("Dockerfile", single)]);
    assert_eq!(
        rules(&found),
        [("toolchain-unsupported", "Dockerfile:1"), ("toolchain-in-final-image", "Dockerfile:1")]
    );
    let staged = "FROM golang:1.27 AS build\nWORKDIR /src\nCOPY . .\nRUN make all\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /src/bin/app /app\nENTRYPOINT [\"/app\"]\n";
    assert!(check_in_module(&[("Makefile", make), ("Dockerfile", staged)]).is_empty());
}

/// make expands a variable into the recipe before the shell reads it: `$(GO_ENV) go build` with
/// `GO_ENV = CGO_ENABLED=0` is an assignment in front of go build.
#[test]
fn assignments_a_make_variable_puts_before_the_command() {
    let make = "GO_ENV=CGO_ENABLED=0\nifeq ($(GOARCH),amd64)\n\tGO_ENV+= GOAMD64=v2\nendif\nrelease:\n\t$(GO_ENV) GOOS=linux go build -ldflags=-w -o ./bin/app ./cmd/app\n";
    let found = check(&[("Makefile", make)]);
    assert_eq!(
        rules(&found),
        [("untrimmed-paths", "Makefile:6"), ("stripped-without-symbols", "Makefile:6")],
        "{found:#?}"
    );
}

/// Variables an included file defines are there where the include line is, for recipes and
/// conditionals alike; include paths are taken from make's folder.
#[test]
fn variables_from_included_files() {
    let make = "include build/vars.mk\n-include missing.mk\nifneq ($(MODE),debug)\nSTRIP := -s -w\nendif\nrelease:\n\tCGO_ENABLED=0 go build -trimpath -ldflags \"$(STRIP) -X main.v=$(VERSION)\" -o dist/app .\n";
    let vars = "include build/more.mk\nMODE ?= release\n";
    let more = "VERSION = $(shell date +%s)\n";
    let found = check(&[("Makefile", make), ("build/vars.mk", vars), ("build/more.mk", more)]);
    assert_eq!(
        rules(&found),
        [("stripped-without-symbols", "Makefile:7"), ("non-reproducible-build", "Makefile:7")],
        "{found:#?}"
    );
    let debug = vars.replace("release", "debug");
    let found = check(&[("Makefile", make), ("build/vars.mk", &debug), ("build/more.mk", more)]);
    assert_eq!(rules(&found), [("non-reproducible-build", "Makefile:7")], "{found:#?}");
}

/// make reads an included file in place of its include line: its recipes run with the
/// includer's variables (a command word defined in a sibling file) and are reached from the
/// includer's goals. Findings, fixes and ignore comments are in the file the recipe is written in,
/// and a file included only for tests stays a test's.
#[test]
fn recipes_of_included_files_run_as_make_reads_them() {
    let make = "BIN := _bin\n-include make/00_vars.mk\n-include make/*_rules.mk\n";
    let vars = "GO ?= go\nGOBUILD := CGO_ENABLED=0 $(GO) build\nGOFLAGS ?= # empty unless set\nLDFLAGS := -X main.buildDate=2024\n";
    let server = "server: $(BIN)/server\n\n$(BIN)/server:\n\t$(GOBUILD) -o $@ $(GOFLAGS) -ldflags '$(LDFLAGS)' .\n";
    let release = "release-artifacts: server\n";
    let e2e = "$(BIN)/e2e-server:\n\t$(GOBUILD) -o $@ ./cmd/server\ne2e: $(BIN)/e2e-server\n";
    let files = |server: &str| {
        check_in_module(&[
            ("Makefile", make),
            ("make/00_vars.mk", vars),
            ("make/10_server_rules.mk", server),
            ("make/20_release_rules.mk", release),
            ("make/30_e2e_rules.mk", e2e),
        ])
    };
    let found = files(server);
    assert_eq!(rules(&found), [("untrimmed-paths", "make/10_server_rules.mk:4")], "{found:#?}");
    assert!(found[0].2.contains("which the release-artifacts target runs"), "{}", found[0].2);
    let ignored = server.replace("$(BIN)/server:\n", "$(BIN)/server:\n# shiplint: ignore[untrimmed-paths] reason\n");
    assert!(files(&ignored).is_empty());

    // The fix lands in the included file, after `build` as the recipe writes it.
    let written = server.replace("$(GOBUILD)", "CGO_ENABLED=0 go build");
    assert!(written.contains("go build -o"), "{written}");
    let p = project(&[
        ("go.mod", GO_MOD),
        ("main.go", MAIN),
        ("Makefile", make),
        ("make/00_vars.mk", vars),
        ("make/10_server_rules.mk", &written),
        ("make/20_release_rules.mk", release),
    ]);
    let fix = ["check", "--fix", "--select", "untrimmed-paths", "."];
    let out = common::shiplint().current_dir(p.path()).args(fix).output().unwrap();
    assert!(out.status.code().is_some(), "{out:?}");
    let fixed = std::fs::read_to_string(p.path().join("make/10_server_rules.mk")).unwrap();
    assert!(fixed.contains("CGO_ENABLED=0 go build -trimpath -o $@"), "{fixed}");
    assert_eq!(std::fs::read_to_string(p.path().join("Makefile")).unwrap(), make);
}

/// A workflow only pull requests run releases nothing, whatever it uploads.
#[test]
fn pull_request_workflows_ship_nothing() {
    let wf = |on: &str| {
        format!(
            "on: {on}\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n          go-version: 1.24.x\n      - run: go build -o dist/app .\n      - uses: actions/upload-artifact@v4\n        with:\n          path: dist/app\n"
        )
    };
    let at = ".github/workflows/release.yml";
    for on in ["pull_request", "[pull_request, merge_group]", "\n  pull_request:\n    branches: [main]"] {
        assert!(check(&[(at, &wf(on))]).is_empty(), "{on}");
    }
    let found = check(&[(at, &wf("\n  pull_request:\n  push:\n    tags: ['v*']"))]);
    assert_eq!(
        rules(&found),
        [
            ("toolchain-unsupported", ".github/workflows/release.yml:11"),
            ("untrimmed-paths", ".github/workflows/release.yml:12")
        ],
        "{found:#?}"
    );
}

/// make runs in the Makefile's folder: `.` there is that folder's package. A target whose
/// import path starts with a variable the caller sets (`${PKG}/pkg/version`) is not judged.
#[test]
fn x_targets_resolve_from_where_the_build_runs() {
    let tool = "package main\n\nvar version string\n\nfunc main() { println(version) }\n";
    let make = "release:\n\tgo build -trimpath -ldflags \"-X main.version=1.0\" -o dist/tool .\n";
    let files = [("go.mod", GO_MOD), ("main.go", MAIN), ("cmd/tool/main.go", tool), ("cmd/tool/Makefile", make)];
    assert!(check(&files).is_empty(), "{:#?}", check(&files));
    let wrong = make.replace("main.version", "main.commit");
    let found = check(&[files[0], files[1], files[2], ("cmd/tool/Makefile", &wrong)]);
    assert_eq!(rules(&found), [("x-flag-unknown-target", "cmd/tool/Makefile:2")], "{found:#?}");
    assert!(found[0].2.contains("main (the package in ./cmd/tool) declares no commit"), "{}", found[0].2);
    let script =
        "#!/bin/sh\ngo build -trimpath -ldflags \"-X ${PKG}/pkg/buildinfo.Version=${VERSION}\" -o dist/app .\n";
    let found = check_in_module(&[("hack/build.sh", script)]);
    assert!(!found.iter().any(|f| f.0 == "x-flag-unknown-target"), "{found:#?}");
}

/// Where goreleaser makes the releases, a Makefile that cross-compiles is no release by itself;
/// a release-named target still is.
#[test]
fn cross_builds_beside_a_goreleaser_release() {
    let make = "cross:\n\tGOOS=linux GOARCH=arm64 go build -o bin/app-linux-arm64 .\n";
    let config = "version: 2\nbuilds:\n  - flags: [-trimpath]\n    env: [CGO_ENABLED=0]\n    goos: [linux]\n    ldflags: [\"-X main.version={{.Version}}\"]\n";
    assert_eq!(rules(&check(&[("Makefile", make)])), [("untrimmed-paths", "Makefile:2")]);
    assert!(check(&[("Makefile", make), (".goreleaser.yaml", config)]).is_empty());
    let release = make.replace("cross:", "release:");
    assert_eq!(
        rules(&check(&[("Makefile", &release), (".goreleaser.yaml", config)])),
        [("untrimmed-paths", "Makefile:2")]
    );
    // Stripping says release no more than cross-compiling does there.
    let script = "#!/bin/sh\ngo build -ldflags \"-s -w\" -o bin/app .\n";
    assert_eq!(
        rules(&check(&[("scripts/build.sh", script)])),
        [("untrimmed-paths", "scripts/build.sh:2"), ("stripped-without-symbols", "scripts/build.sh:2")]
    );
    assert!(check(&[("scripts/build.sh", script), (".goreleaser.yaml", config)]).is_empty());
}

/// A windows binary without `.exe` matters where it ships; a CI job that keeps nothing built it
/// for a check.
#[test]
fn a_windows_name_without_exe_matters_where_it_ships() {
    let wf = |keep: &str| {
        format!(
            "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: GOOS=windows go build -trimpath -o dist/app ./cmd/app\n{keep}"
        )
    };
    assert!(check(&[(".github/workflows/ci.yml", &wf(""))]).is_empty());
    let kept = wf("      - uses: actions/upload-artifact@v4\n        with:\n          path: dist/app\n");
    assert_eq!(
        rules(&check(&[(".github/workflows/ci.yml", &kept)])),
        [("cross-build-overwrite", ".github/workflows/ci.yml:6")]
    );
}

#[test]
fn nothing_in_vendored_code() {
    let theirs = "FROM golang:latest\nRUN go build -o /app .\n";
    let found = check(&[
        ("vendor/example.org/lib/Dockerfile", theirs),
        ("third_party/tool/build.sh", "#!/bin/sh\nGOOS=linux go build -o dist/x .\n"),
    ]);
    assert!(found.is_empty(), "{found:#?}");
}

/// A shared build system a Makefile includes from `vendor/` (OpenShift's build-machinery-go): its
/// parts include each other by `$(dir $(lastword $(MAKEFILE_LIST)))`, over continued lines, and
/// build each package `$(shell go list)` finds with `$(foreach)` and `$(call)`.
fn with_vendored_build_system(makefile: &str) -> Vec<(String, String, String, Vec<String>)> {
    let shared = "vendor/example.org/build-machinery/make";
    let golang = "include $(addprefix $(dir $(lastword $(MAKEFILE_LIST))), \\\n\ttargets/golang/*.mk \\\n)\n";
    let build = "include $(addprefix $(dir $(lastword $(MAKEFILE_LIST))), \\\n\t../../lib/golang.mk \\\n)\n\n\
        define build-package\n\t$(if $(GO_BUILD_BINDIR),mkdir -p '$(GO_BUILD_BINDIR)',)\n\
        \t$(strip $(GO) build $(GO_BUILD_FLAGS) $(GO_LD_FLAGS) \\\n\t\t$(if $(GO_BUILD_BINDIR),-o '$(GO_BUILD_BINDIR)/$(notdir $(1))',) \\\n\t$(1))\n\nendef\n\n\
        build:\n\t$(foreach package,$(GO_BUILD_PACKAGES_EXPANDED),$(call build-package,$(package)))\n";
    let lib = "GO ?= go\nGO_BUILD_PACKAGES ?= ./cmd/...\nGO_BUILD_PACKAGES_EXPANDED ?= $(shell $(GO) list $(GO_BUILD_PACKAGES))\n\
        GO_BUILD_FLAGS ?= -trimpath\nGO_LD_EXTRAFLAGS ?=\nGO_LD_FLAGS ?= -ldflags \"$(GO_LD_EXTRAFLAGS)\"\n";
    check(&[
        ("go.mod", GO_MOD),
        ("cmd/app/main.go", MAIN),
        ("Makefile", makefile),
        (&format!("{shared}/golang.mk"), golang),
        (&format!("{shared}/targets/golang/build.mk"), build),
        (&format!("{shared}/lib/golang.mk"), lib),
    ])
}

#[test]
fn a_vendored_build_system_is_judged_at_the_project_lines_that_run_it() {
    let makefile = |flags: &str| {
        format!(
            "include $(addprefix ./vendor/example.org/build-machinery/make/, \\\n\tgolang.mk \\\n)\n\n\
             GO_LD_EXTRAFLAGS := -X main.version=$(shell git describe) \\\n\t-X main.buildDate=$(shell date -u +%FT%TZ)\n\n\
             cross-build-linux-amd64:\n\t+@GOOS=linux GOARCH=amd64 $(MAKE) build{flags} GO_BUILD_BINDIR:=_output/linux_amd64\n\n\
             cross-build-linux-arm64:\n\t+@GOOS=linux GOARCH=arm64 $(MAKE) build{flags} GO_BUILD_BINDIR:=_output/linux_arm64\n"
        )
    };
    // The project's flags replace the shared default -trimpath: each cross build the project
    // runs is said at its own line, and the clock stamp where the project writes it.
    let found = with_vendored_build_system(&makefile(" GO_BUILD_FLAGS:=\"-tags netgo\""));
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:9", "Makefile:12"], "{found:#?}");
    assert_eq!(places(&found, "non-reproducible-build"), ["Makefile:6"], "{found:#?}");
    assert!(found.iter().all(|f| !f.1.starts_with("vendor/")), "{found:#?}");
    // Stripping the project asks for is said where it writes it.
    let stripping = makefile(" GO_BUILD_FLAGS:=\"-tags netgo\"").replace("-X main.version", "-s -w -X main.version");
    let found = with_vendored_build_system(&stripping);
    assert_eq!(places(&found, "stripped-without-symbols"), ["Makefile:5"], "{found:#?}");
    // Kept, the shared default trims paths.
    let found = with_vendored_build_system(&makefile(""));
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");
}

#[test]
fn quotes_inside_make_variables_are_shell_syntax() {
    let make = "GO ?= go\nBUILD_FLAGS := -a -ldflags \"-s -w -X main.version=$(VERSION)\" -tags \"$(TAGS)\" -trimpath\nBIN := fzf-$(GOOS)_amd64\n\ntarget/$(BIN):\n\tGOARCH=amd64 $(GO) build $(BUILD_FLAGS) -o $@\n";
    let found = check(&[("Makefile", make)]);
    assert_eq!(rules(&found), [("stripped-without-symbols", "Makefile:6")], "{found:#?}");
    let untrimmed = make.replace(" -trimpath\n", "\n");
    let found = check(&[("Makefile", &untrimmed)]);
    assert!(found.iter().any(|f| f.0 == "untrimmed-paths" && f.2.contains("cross-compiled")), "{found:#?}");
}

#[test]
fn go_mod_rewrites_and_the_checks_after_them() {
    let wf = |steps: &str| format!("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n{steps}");
    let quiet = [
        "      - run: go get -v -t -d ./...\n",
        "      - run: go mod tidy -diff\n",
        "      - run: |\n          go mod tidy\n          test -z \"$(git status --porcelain)\" || exit 1\n",
        "      - run: go mod tidy && git diff --quiet go.mod go.sum\n",
        "      - run: go mod tidy\n      - run: git --no-pager diff --exit-code\n      - run: make release\n",
        // Nothing built after it ships: the job only tests.
        "      - run: go mod tidy\n      - run: go test ./...\n",
        // make and scripts named for tests, and containers it only runs, publish nothing.
        "      - run: go mod tidy\n      - run: docker ps -a\n      - run: make test lint\n      - run: ./scripts/test.sh\n",
        // An assignment alone is a command with no words.
        "      - run: go mod tidy\n      - run: |\n          LOG_LEVEL=info\n          make test\n",
    ];
    for steps in quiet {
        let found = check(&[(".github/workflows/ci.yml", &wf(steps))]);
        assert!(found.is_empty(), "{steps}: {found:#?}");
    }
    for (steps, then) in [
        ("      - run: go get -u ./...\n", "goreleaser release --clean"),
        ("      - run: go get example.org/lib@latest\n", "goreleaser release --clean"),
        ("      - run: go mod tidy\n", "goreleaser release --clean"),
        ("      - run: go mod tidy\n", "make test release"),
        ("      - run: go mod tidy\n", "docker push example/app:1"),
    ] {
        let steps = format!("{steps}      - run: {then}\n");
        let steps = steps.as_str();
        let found = check(&[(".github/workflows/ci.yml", &wf(steps))]);
        assert_eq!(rules(&found), [("module-graph-drift", ".github/workflows/ci.yml:6")], "{steps}");
    }
}

#[test]
fn a_ci_binary_ships_only_if_a_later_step_names_it() {
    let wf = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go build -o bin/app ./cmd/app\n      - run: cp testdata/server.crt /usr/local/share/ca-certificates/\n      - run: go install ./tools/gen\n";
    assert!(check(&[(".github/workflows/ci.yml", wf)]).is_empty());
    let packed = wf.replace("cp testdata/server.crt /usr/local/share/ca-certificates/", "tar czf app.tar.gz bin/");
    let found = check(&[(".github/workflows/ci.yml", &packed)]);
    assert_eq!(rules(&found), [("untrimmed-paths", ".github/workflows/ci.yml:6")], "{found:#?}");
}

#[test]
fn test_and_development_images_are_not_releases() {
    let dockerfile = "FROM golang:1.27 AS build\nRUN CGO_ENABLED=0 go build -o /app .\nFROM alpine:3.20\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n";
    for path in [
        "test/e2e/Dockerfile",
        "Dockerfile.dev",
        "Dockerfile.bats",
        ".devcontainer/Dockerfile",
        "examples/hello/Dockerfile",
        // Folders named by a leading underscore, in one word, or in words that all say so.
        "server/_example/store/Dockerfile",
        "watcher/integrationtest/Dockerfile",
        "integration-tests/Dockerfile",
        "docker/dummy/oidc/Dockerfile",
        ".github/workflows/smoke/Dockerfile",
        // A word that says example, anywhere in the name.
        "images/ext-auth-example-server/Dockerfile",
    ] {
        assert!(check(&[(path, dockerfile)]).is_empty(), "{path}");
    }
    // What a README says of the sub-folder the file is in, even where a workflow pushes it.
    let readme =
        "Directory | Purpose\n--- | ---\nechoserver | A simple HTTP service for e2e tests\napi | The API server\n";
    let push = "on:\n  push:\n    tags: ['v*']\njobs:\n  images:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          docker build -t ghcr.io/acme/echoserver:1 images/echoserver\n          docker push ghcr.io/acme/echoserver:1\n          docker build -t ghcr.io/acme/api:1 images/api\n          docker push ghcr.io/acme/api:1\n";
    let found = check(&[
        ("images/README.md", readme),
        (".github/workflows/images.yml", push),
        ("images/echoserver/Dockerfile", dockerfile),
        ("images/api/Dockerfile", dockerfile),
    ]);
    assert_eq!(
        rules(&found),
        [("untrimmed-paths", "images/api/Dockerfile:2"), ("root-final-image", "images/api/Dockerfile:3")],
        "{found:#?}"
    );
    let found = check(&[("Dockerfile", dockerfile)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Dockerfile:2"), ("root-final-image", "Dockerfile:3")]);
    // A folder whose name only starts with such a word names a product.
    for path in ["images/local-path-provisioner/Dockerfile", "modules/cli-dev/Dockerfile"] {
        assert_eq!(check(&[(path, dockerfile)]).len(), 2, "{path}");
    }
}

#[test]
fn a_build_deleted_by_its_own_target_does_not_ship() {
    let make = "ui-bundle:\n\tgo build -ldflags=\"-s -w\" -o removeme/app app.go\n\t(cd ui && APP=../removeme/app yarn test)\n\trm -rf removeme\n";
    assert!(check(&[("Makefile", make)]).is_empty());
    let kept = make.replace("\trm -rf removeme\n", "");
    assert!(!check(&[("Makefile", &kept)]).is_empty());
}

// Callers and callees: a CI step, a Dockerfile RUN or a recipe that runs `make`, a script or a
// sub-make hands it its goals, arguments and environment, and whether the result ships.

const RELEASE_WORKFLOW: &str = "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make build\n      - run: gh release upload v1 bin/app\n";

#[test]
fn a_workflow_step_that_runs_make_ships_the_recipe_it_reaches() {
    let make = "build:\n\tgo build -o bin/app ./cmd/app\n";
    assert!(check(&[("Makefile", make)]).is_empty(), "a `build` target alone is not a release");
    let found = check(&[("Makefile", make), (".github/workflows/release.yml", RELEASE_WORKFLOW)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:2")], "{found:#?}");
    assert!(found[0].2.contains("built in CI and kept (.github/workflows/release.yml:7 runs it)"), "{}", found[0].2);

    // The step's environment and make's command-line variables reach `go`.
    let with_env = RELEASE_WORKFLOW.replace("make build\n", "make build\n        env:\n          GOFLAGS: -trimpath\n");
    assert!(check(&[("Makefile", make), (".github/workflows/release.yml", &with_env)]).is_empty());
    let with_override = RELEASE_WORKFLOW.replace("make build", "make build GOFLAGS=-trimpath");
    assert!(check(&[("Makefile", make), (".github/workflows/release.yml", &with_override)]).is_empty());
}

#[test]
fn a_dockerfile_that_runs_make_builds_into_the_image() {
    let make = "build:\n\tCGO_ENABLED=0 go build -o bin/app .\nlint:\n\tgo vet ./...\n";
    let dockerfile = "FROM golang:1.27 AS build\nWORKDIR /src\nCOPY . .\nRUN make build\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /src/bin/app /app\nENTRYPOINT [\"/app\"]\n";
    let found = check(&[("Makefile", make), ("Dockerfile", dockerfile)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:2")], "{found:#?}");
    assert!(found[0].2.contains("built into an image (Dockerfile:4 runs it)"), "{}", found[0].2);

    let trimmed = dockerfile.replace("RUN make build", "ENV GOFLAGS=-trimpath\nRUN make build");
    assert!(check(&[("Makefile", make), ("Dockerfile", &trimmed)]).is_empty());
    let other_goal = dockerfile.replace("RUN make build", "RUN make lint");
    assert!(check(&[("Makefile", make), ("Dockerfile", &other_goal)]).is_empty());
}

/// Another module's program installed from a folder that is a module of its own (a tools
/// module) is a tool; from the project's own module, it may be what a release ships.
#[test]
fn a_program_installed_from_a_tools_module_is_a_tool() {
    let make = "release:\n\tcd tools/goreleaser; GOBIN=$(CURDIR)/dist go install github.com/goreleaser/goreleaser/v2\n";
    let tools_mod =
        "module example.com/app/tools/goreleaser\n\ngo 1.22\n\nrequire github.com/goreleaser/goreleaser/v2 v2.0.0\n";
    let found = check_in_module(&[("Makefile", make), ("tools/goreleaser/go.mod", tools_mod)]);
    assert!(found.is_empty(), "{found:#?}");
    let found = check_in_module(&[("Makefile", make), ("tools/goreleaser/README", "tools\n")]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:2")], "{found:#?}");
}

/// `make static-${TARGETOS}` runs the targets its known text matches, not the
/// default goal; a goal that is all hole (`"$(cat .goal)"`) runs nothing known.
#[test]
fn a_make_goal_with_holes_runs_the_targets_it_matches() {
    // An image builds for Linux: the Windows target its pattern also matches is not it.
    let make = "build:\n\tgo build -o bin/app .\nstatic-linux:\n\tCGO_ENABLED=0 go build -o bin/app .\nstatic-windows:\n\tCGO_ENABLED=0 go build -o bin/app.exe .\n";
    let dockerfile = "FROM golang:1.27 AS build\nARG TARGETOS TARGETARCH\nWORKDIR /src\nCOPY . .\nRUN make static-${TARGETOS}\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /src/bin/app /app\nENTRYPOINT [\"/app\"]\n";
    let found = check(&[("Makefile", make), ("Dockerfile", dockerfile)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:4")], "{found:#?}");
    assert!(found[0].2.contains("Dockerfile:5 runs it"), "{}", found[0].2);
    let unknown = dockerfile.replace("static-${TARGETOS}", "\"$(cat .goal)\"");
    assert!(check(&[("Makefile", make), ("Dockerfile", &unknown)]).is_empty());
}

#[test]
fn a_recipe_hands_scripts_their_arguments_and_sub_makes_their_goals() {
    let make = "release:\n\t./scripts/build.sh version\n\t$(MAKE) -C tools/cli build\n";
    let script = "#!/bin/sh\ngo build -trimpath -ldflags \"-X $1.Version=dev\" -o bin/app .\n";
    let sub = "build:\n\tgo build -o bin/cli .\n";
    let files = |make: &str, sub: &str| {
        check(&[
            ("go.mod", GO_MOD),
            ("main.go", MAIN),
            ("version/version.go", "package version\n\nvar Version string\n"),
            ("Makefile", make),
            ("scripts/build.sh", script),
            ("tools/cli/Makefile", sub),
        ])
    };
    let found = files(make, sub);
    assert_eq!(
        rules(&found),
        [("x-flag-unknown-target", "scripts/build.sh:2"), ("untrimmed-paths", "tools/cli/Makefile:2")],
        "{found:#?}"
    );
    assert!(found[0].2.contains("-X version.Version=dev does nothing"), "{}", found[0].2);
    assert!(found[1].2.contains("the release target (Makefile:3 runs it)"), "{}", found[1].2);

    let good = make.replace("build.sh version", "build.sh example.com/app/version");
    assert!(files(&good, &sub.replace("go build", "go build -trimpath")).is_empty());
}

#[test]
fn calls_that_loop_or_leave_the_scanned_tree_are_not_followed() {
    let make = "release:\n\t./x.sh\n\t$(MAKE) release\n\tsh ../outside/release.sh\n";
    let script = "make release\nsh ../outside/release.sh\nsh /etc/release.sh\n. ./x.sh\n";
    let outside = "go build -o dist/app .\n";
    let p = project(&[("app/Makefile", make), ("app/x.sh", script), ("outside/release.sh", outside)]);
    let out = common::shiplint().current_dir(p.path()).args(["check", "app"]).output().unwrap();
    // A call names a file to judge only among the scanned ones: nothing outside `app` is read.
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

// Go programs that run the build: `exec.Command("go", "build", ...)` read like a script's command.

const RELEASE_PROGRAM: &str = r#"package main

import (
	"os"
	"os/exec"
)

func build(goos, goarch string) {
	c := exec.Command("go", "build",
		"-o", "dist/app_"+goos+"_"+goarch,
		"-ldflags", "-s -w",
		"./cmd/app",
	)
	c.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	if err := c.Run(); err != nil {
		panic(err)
	}
}

func main() {
	build("linux", "amd64")
}
"#;

#[test]
fn a_go_release_program_is_a_build_definition() {
    let path = "helpers/build-release-binaries/main.go";
    let found = check(&[(path, RELEASE_PROGRAM)]);
    assert_eq!(
        rules(&found),
        [("untrimmed-paths", &*format!("{path}:9")), ("stripped-without-symbols", &*format!("{path}:11"))],
        "{found:#?}"
    );
    // `build("linux", "amd64")` is read as main calls it: the output is known, in dist/.
    assert!(found[0].2.contains("it is written to dist/"), "{}", found[0].2);

    let good = RELEASE_PROGRAM.replace("\"-ldflags\", \"-s -w\",", "\"-trimpath\",");
    assert!(check(&[(path, &good)]).is_empty());
    // Any other Go program that builds (to measure a size, to run a test) ships nothing, unless
    // it writes into a release folder.
    let measure = RELEASE_PROGRAM.replace("\"dist/app_\"", "\"out/app_\"");
    assert!(check(&[("tools/measure/main.go", &measure)]).is_empty());
    assert_eq!(check(&[("tools/measure/main.go", RELEASE_PROGRAM)]).len(), 2);
    // A suppression is a `//` comment in Go.
    let ignored = RELEASE_PROGRAM.replace(
        "\tc := exec",
        "\t// shiplint: ignore[untrimmed-paths] paths are fixed in the builder image\n\tc := exec",
    );
    assert_eq!(rules(&check(&[(path, &ignored)])), [("stripped-without-symbols", &*format!("{path}:12"))]);
}

#[test]
fn a_runner_function_is_read_as_each_caller_runs_it() {
    let program = r#"package main

import (
	"flag"
	"os"
	"os/exec"
	"time"
)

var debug = flag.Bool("debug", false, "print commands")

func runEnv(args, env []string) error {
	if *debug {
		args = append([]string{"echo"}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), env...)
	return cmd.Run()
}

func compile(goos, version string) {
	stamp := time.Now().Format(time.RFC3339)
	args := []string{
		"go", "build",
		"-trimpath",
		"--ldflags", "-X main.version=" + version + " -X main.date=" + stamp,
		"-o", "release/app-" + goos,
	}
	if goos == "windows" {
		args = append(args, "-buildmode", "exe")
	}
	args = append(args, "./cmd/app")
	runEnv(args, []string{"GOOS=" + goos})
}
"#;
    let found = check(&[("bin/cross-compile.go", program)]);
    assert_eq!(rules(&found), [("non-reproducible-build", "bin/cross-compile.go:26")], "{found:#?}");
    assert!(found[0].2.contains("time.Now().Format(time.RFC3339)"), "{}", found[0].2);
    let good = program.replace("time.Now().Format(time.RFC3339)", "os.Getenv(\"SOURCE_DATE\")");
    assert!(check(&[("bin/cross-compile.go", &good)]).is_empty());
}

#[test]
fn a_go_program_builds_each_row_of_its_platform_table() {
    let program = r#"package main

import (
	"os"
	"os/exec"
)

type platform struct {
	goos, goarch string
}

var platforms = []platform{
	{"linux", "amd64"},
	{"darwin", "arm64"},
	{"windows", "amd64"},
}

func compile(p platform) error {
	cmd := exec.Command("go", "build", "-trimpath", "-o", "release/app", "./cmd/app")
	cmd.Env = append(os.Environ(), "GOOS="+p.goos, "GOARCH="+p.goarch, "CGO_ENABLED=0")
	return cmd.Run()
}

func main() {
	for _, p := range platforms {
		if err := compile(p); err != nil {
			os.Exit(1)
		}
	}
}
"#;
    let found = check(&[("build/release.go", program)]);
    // darwin is said at the table that chooses it, the overwrite at the command.
    let at = "build/release.go:19";
    assert_eq!(
        rules(&found),
        [("macos-not-notarized", "build/release.go:12"), ("cross-build-overwrite", at), ("cross-build-overwrite", at)],
        "{found:#?}"
    );
    assert!(found[1].2.contains("linux/amd64, darwin/arm64, windows/amd64 overwrite each other"), "{}", found[1].2);
    // Rows named by field, one output per row, no darwin row, .exe where Windows needs it.
    let good = program
        .replace("{\"darwin\", \"arm64\"}", "{goarch: \"arm64\", goos: \"linux\"}")
        .replace("{\"windows\", \"amd64\"}", "{\"linux\", \"riscv64\"}")
        .replace("\"release/app\"", "\"release/app-\"+p.goos+\"-\"+p.goarch");
    assert!(check(&[("build/release.go", &good)]).is_empty(), "{:#?}", check(&[("build/release.go", &good)]));
}

#[test]
fn a_go_program_is_read_through_its_callers_callers() {
    // A selection built by a loop over the table, a compile function called per row, and a
    // runner it hands the command to: the darwin rows reach `exec.Command` two calls down.
    let program = r#"package main

import (
	"os"
	"os/exec"
	"strings"
)

var targets = []string{
	"linux/amd64",
	"darwin/arm64",
}

func execute(argv, env []string) error {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	return cmd.Run()
}

func compile(goos, goarch string) {
	out := "dist/tool-" + goos + "-" + goarch
	if goos == "windows" {
		out += ".exe"
	}
	argv := []string{"go", "build", "-trimpath", "-o", out, "./cmd/tool"}
	execute(argv, []string{"GOOS=" + goos, "GOARCH=" + goarch})
}

func main() {
	var chosen []string
	for _, t := range targets {
		if strings.HasPrefix(t, os.Getenv("SKIP")) {
			continue
		}
		chosen = append(chosen, t)
	}
	for _, t := range chosen {
		parts := strings.Split(t, "/")
		goos, goarch := parts[0], parts[1]
		compile(goos, goarch)
	}
}
"#;
    let found = check(&[("scripts/cross.go", program)]);
    // Said where darwin is chosen: the table the selection was built from.
    assert_eq!(rules(&found), [("macos-not-notarized", "scripts/cross.go:9")], "{found:#?}");
    assert!(found[0].2.contains("darwin/arm64 binaries"), "{}", found[0].2);
    // Without a darwin row: nothing, and no `.exe` on a build the condition rules out.
    let good = program.replace("\"darwin/arm64\"", "\"linux/arm64\"");
    assert!(check(&[("scripts/cross.go", &good)]).is_empty());
}

#[test]
fn make_runs_a_go_build_program() {
    let make = "release:\n\tgo run ./tools/builder -version $(VERSION)\n";
    let files = |make: &str| check(&[("Makefile", make), ("tools/builder/main.go", RELEASE_PROGRAM)]);
    let found = files(make);
    assert_eq!(rules(&found)[0], ("untrimmed-paths", "tools/builder/main.go:9"), "{found:#?}");
    assert!(found[0].2.contains("it is written to dist/"), "{}", found[0].2);
    // The caller's environment reaches the program's commands.
    let trimmed = "release:\n\tGOFLAGS=-trimpath go run ./tools/builder\n";
    assert!(!files(trimmed).iter().any(|(r, ..)| r == "untrimmed-paths"));
}

#[test]
fn promu_builds_are_judged_like_goreleaser_builds() {
    let promu = "go:\n    version: 1.26\nrepository:\n    path: example.com/exporter\nbuild:\n    binaries:\n        - name: exporter\n    flags: -a -tags netgo\n    ldflags: |\n        -X example.com/exporter/version.Version={{.Version}}\n        -X example.com/exporter/version.BuildUser={{user}}@{{host}}\n        -X example.com/exporter/version.BuildDate={{date \"20060102-15:04:05\"}}\ncrossbuild:\n    platforms:\n        - linux\n";
    for path in [".promu.yml", ".promu-cgo.yml"] {
        let found = check(&[(path, promu)]);
        // Flags are one setting for every binary: found once, at `flags:`.
        // Each stamp is its own finding, at its own -X.
        let expected = [
            ("untrimmed-paths", format!("{path}:8")),
            ("non-reproducible-build", format!("{path}:11")),
            ("non-reproducible-build", format!("{path}:12")),
        ];
        let expected: Vec<(&str, &str)> = expected.iter().map(|(r, at)| (*r, at.as_str())).collect();
        assert_eq!(rules(&found), expected, "{found:#?}");
        assert!(found[0].2.contains("promu builds and releases it"), "{}", found[0].2);
    }
    // Darwin among the crossbuild platforms: found where they are listed.
    let darwin = promu.replace("        - linux\n", "        - linux\n        - darwin/arm64\n");
    let found = check(&[(".promu.yml", &darwin)]);
    assert!(found.iter().any(|f| f.0 == "macos-not-notarized" && f.1 == ".promu.yml:15"), "{found:#?}");
    // No platform list: promu's defaults, darwin among them, chosen where `build:` starts.
    let defaults = promu.replace("crossbuild:\n    platforms:\n        - linux\n", "");
    let found = check(&[(".promu.yml", &defaults)]);
    assert_eq!(places(&found, "macos-not-notarized"), [".promu.yml:6"], "{found:#?}");
    let good = promu
        .replace("flags: -a -tags netgo", "flags: -a -tags netgo -trimpath")
        .replace("{{user}}@{{host}}", "release-bot")
        .replace("{{date \"20060102-15:04:05\"}}", "{{.Revision}}");
    assert!(check(&[(".promu.yml", &good)]).is_empty());
}

#[test]
fn darwin_builds_from_any_source_need_notarization_somewhere() {
    let make = "release:\n\tfor arch in amd64 arm64; do GOOS=darwin GOARCH=$$arch go build -trimpath -o dist/app-darwin-$$arch ./cmd/app; done\n\tGOOS=linux go build -trimpath -o dist/app-linux ./cmd/app\n";
    let found = check(&[("Makefile", make)]);
    assert_eq!(rules(&found), [("macos-not-notarized", "Makefile:2")], "{found:#?}");
    assert!(found[0].2.contains("darwin/amd64, darwin/arm64 binaries"), "{}", found[0].2);

    // Notarized by another file of the release path: a workflow step, or a goreleaser hook.
    let workflow = "on: push\njobs:\n  mac:\n    runs-on: macos-latest\n    steps:\n      - run: make release\n      - run: xcrun notarytool submit dist/app.zip --keychain-profile ci --wait\n";
    let found = check(&[("Makefile", make), (".github/workflows/release.yml", workflow)]);
    assert!(found.iter().all(|f| f.0 != "macos-not-notarized"), "{found:#?}");
    let goreleaser = "builds:\n  - goos: [darwin]\n    flags: [-trimpath]\n    ldflags: [\"-X main.v={{.Version}}\"]\n    hooks:\n      post:\n        - cmd: quill sign-and-notarize \"{{ .Path }}\"\n";
    let found = check(&[(".goreleaser.yaml", goreleaser)]);
    assert!(found.iter().all(|f| f.0 != "macos-not-notarized"), "{found:#?}");

    // Signing alone, or a notarization step left in a comment, is not notarization.
    let signing = "#!/bin/sh\n# TODO: xcrun notarytool submit\nGOOS=darwin GOARCH=arm64 go build -trimpath -o release/app ./cmd/app\ncodesign --sign \"$IDENTITY\" --options runtime release/app\n";
    let found = check(&[("scripts/release.sh", signing)]);
    assert_eq!(rules(&found), [("macos-not-notarized", "scripts/release.sh:3")], "{found:#?}");
}

#[test]
fn a_goreleaser_file_that_includes_its_builds_is_not_judged_by_defaults() {
    let goreleaser =
        "version: 2\nincludes:\n  - from_url:\n      url: example/shared/main/goreleaser.yaml\nproject_name: app\n";
    assert!(check(&[(".goreleaser.yml", goreleaser)]).is_empty());
    // Without includes, no builds means goreleaser's defaults (darwin included, -s -w, no -trimpath).
    let found = check(&[(".goreleaser.yml", "version: 2\nproject_name: app\n")]);
    assert!(found.iter().any(|f| f.0 == "macos-not-notarized"), "{found:#?}");
}

#[test]
fn from_lines_that_pick_a_stage_by_platform() {
    // `binary-$TARGETOS` names one of the stages above; an image named by an unset argument is
    // not known well enough to call unpinned.
    let dockerfile = "ARG BASE\nFROM golang:1.27 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -o /out/app ./cmd/app\nFROM scratch AS binary-unix\nCOPY --from=build /out/app /\nFROM binary-unix AS binary-linux\nFROM binary-unix AS binary-darwin\nFROM binary-$TARGETOS AS binary\nFROM ${BASE}-runtime AS run\nCOPY --from=binary /app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    let found = check(&[("Dockerfile", dockerfile)]);
    assert!(found.iter().all(|f| f.0 != "unpinned-base-image"), "{found:#?}");
    // A global argument whose default uses another: still a known image when it resolves.
    let known = "ARG VARIANT=alpine\nARG BASE=${VARIANT}\nFROM golang:1.27 AS build\nRUN CGO_ENABLED=0 go build -trimpath -o /out/app .\nFROM ${BASE}\nCOPY --from=build /out/app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    let found = check(&[("Dockerfile", known)]);
    assert_eq!(rules(&found), [("unpinned-base-image", "Dockerfile:5")], "{found:#?}");
}

/// A prerequisite make names at run time (`dist/app-$(shell go env GOOS)-...`) is made by the
/// pattern rule whose fixed ends its own text has (`dist/app-%`), not by one written first
/// that its unknown part would have to end (`dist/app-%.tar.gz`): make takes the shortest stem.
#[test]
fn a_goal_with_holes_is_made_by_the_pattern_its_text_fits() {
    let make = |first: &str| {
        format!(
            "local: dist/app-$(shell go env GOOS)-$(shell go env GOARCH)\n\n{first}\
             dist/app-%:\n\t@OUT_FILE=dist/app-$* ./hack/build.sh\n"
        )
    };
    let image = "FROM golang:1.24 AS build\nWORKDIR /src\nCOPY . .\nRUN make local\nFROM alpine:3.20\nCOPY --from=build /src/dist/* /usr/local/bin/app\nUSER 65532\nENTRYPOINT [\"app\"]\n";
    let packed = "dist/app-%.tar.gz:\n\t@make dist/app-$*\n\ttar -czf dist/app-$*.tar.gz dist/app-$*\n\n";
    for first in ["", packed] {
        let found = check(&[
            ("go.mod", GO_MOD),
            ("cmd/main.go", MAIN),
            ("Makefile", &make(first)),
            ("hack/build.sh", "#!/bin/sh\ngo build -trimpath -o \"$OUT_FILE\" ./cmd\n"),
            ("Dockerfile", image),
        ]);
        assert_eq!(places(&found, "toolchain-unsupported"), ["Dockerfile:1"], "{first}: {found:#?}");
    }
}

/// A program the project builds into a folder of tools (a docs or release-notes generator its
/// release target runs) is not the release, whoever's code it is; the same build into `dist/`
/// is.
#[test]
fn a_program_built_into_a_folder_of_tools_is_a_tool() {
    let make = |folder: &str| {
        format!(
            "TOOLSBINDIR = {folder}\n\n$(TOOLSBINDIR)/relnotesgen: tools/src/relnotesgen/*.go\n\tgo build -o $@ ./tools/src/relnotesgen\n\n\
             prepare-release: $(TOOLSBINDIR)/relnotesgen\n\t$(TOOLSBINDIR)/relnotesgen --input CHANGELOG.yml > docs/release-notes.md\n"
        )
    };
    let files = |folder: &str| {
        check(&[("go.mod", GO_MOD), ("tools/src/relnotesgen/main.go", MAIN), ("Makefile", &make(folder))])
    };
    let tool = files("tools/bin");
    assert!(places(&tool, "untrimmed-paths").is_empty(), "{tool:#?}");
    assert_eq!(places(&files("dist"), "untrimmed-paths"), ["Makefile:4"]);
    // Named absolutely (`$(abspath $@)`: make's folder, then the name), it is still there.
    let absolute = |folder: &str| {
        let make = format!(
            "DIR = {folder}\nall: $(DIR)/app\n$(DIR)/app:\n\tGOOS=linux GOARCH=arm64 go build -o $(abspath $@) ./cmd/app\n"
        );
        check(&[("go.mod", GO_MOD), ("cmd/app/main.go", MAIN), ("Makefile", &make)])
    };
    assert!(places(&absolute("tools/bin"), "untrimmed-paths").is_empty());
    assert_eq!(places(&absolute("out"), "untrimmed-paths"), ["Makefile:4"]);
}

/// A Dockerfile in a folder with no go.mod is built from the module's root (`docker build -f
/// docker/Dockerfile .`): its `RUN make build` runs the root Makefile, not the one beside it
/// (which builds the images).
#[test]
fn an_image_built_from_the_module_root_runs_the_root_makefile() {
    let image = "FROM golang:1.27 AS build\nWORKDIR /src\nADD . .\nRUN make build\nFROM alpine:3.20\nCOPY --from=build /src/_output/app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    let root_make = "build:\n\tCGO_ENABLED=0 go build -o _output/app ./cmd/app\n";
    let images_make = "build:\n\tdocker build -f Dockerfile ..\n";
    let found = check(&[
        ("go.mod", GO_MOD),
        ("cmd/app/main.go", MAIN),
        ("Makefile", root_make),
        ("docker/Makefile", images_make),
        ("docker/Dockerfile", image),
    ]);
    assert!(
        found.iter().any(|f| f.0 == "untrimmed-paths" && f.1 == "Makefile:2" && f.2.contains("built into an image")),
        "{found:#?}"
    );
}

#[test]
fn a_scratch_payload_that_starts_nothing_runs_as_no_one() {
    let payload = "FROM golang:1.27 AS build\nRUN CGO_ENABLED=0 go build -trimpath -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\n";
    assert!(check(&[("Dockerfile", payload)]).is_empty());
    let started = format!("{payload}ENTRYPOINT [\"/app\"]\n");
    assert_eq!(rules(&check(&[("Dockerfile", &started)])), [("root-final-image", "Dockerfile:3")]);
    // One that names its user is run, with a command its users give (a utilities image).
    let as_root = format!("{payload}USER 0:0\n");
    assert_eq!(rules(&check(&[("Dockerfile", &as_root)])), [("root-final-image", "Dockerfile:5")]);
}

#[test]
fn stages_only_tests_lint_or_docs_use_do_not_ship() {
    // docsgen feeds only the docs stages; lint is a target of its own; the release image is the last.
    let dockerfile = "FROM golang:1.27 AS base\nWORKDIR /src\nFROM base AS docsgen\nRUN CGO_ENABLED=0 go build -o /out/docsgen ./docs/gen.go\nFROM alpine:3.20 AS docs-build\nCOPY --from=docsgen /out/docsgen /usr/bin/\nRUN docsgen > /out/ref.md\nFROM scratch AS docs-update\nCOPY --from=docs-build /out /\nFROM base AS lint\nRUN go build -o /usr/bin/custom-lint ./tools/lint\nFROM base AS build\nRUN CGO_ENABLED=0 go build -trimpath -o /out/app ./cmd/app\nFROM alpine:3.20\nCOPY --from=build /out/app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    assert!(check(&[("Dockerfile", dockerfile)]).is_empty(), "{:#?}", check(&[("Dockerfile", dockerfile)]));
    // The same build in a stage the released image copies from ships.
    let shipped = dockerfile.replace(
        "COPY --from=build /out/app /app",
        "COPY --from=build /out/app /app\nCOPY --from=docsgen /out/docsgen /usr/bin/",
    );
    let found = check(&[("Dockerfile", &shipped)]);
    assert_eq!(
        rules(&found),
        [("untrimmed-paths", "Dockerfile:4"), ("missing-buildinfo", "Dockerfile:4")],
        "{found:#?}"
    );
    // Named like tooling: a lint image's Dockerfile, a Makefile target for tests.
    let lint = "FROM golang:1.27\nRUN go build -o /usr/bin/lint ./tools/lint\nENTRYPOINT [\"lint\"]\n";
    assert!(check(&[("hack/lint.Dockerfile", lint)]).is_empty());
    let make = "test-e2e-build:\n\tGOOS=linux go build -o out/e2e-helper ./test/helper\n";
    assert!(check(&[("Makefile", make)]).is_empty());
}

#[test]
fn the_same_build_run_twice_overwrites_nothing() {
    // A function called twice builds the same thing to the same path: no target is lost.
    let script = "#!/bin/sh\nbuild_app() {\n  GOOS=linux GOARCH=arm64 go build -trimpath -o dist/app-linux-arm64 ./cmd/app\n}\nfor flavour in lite full; do\n  build_app\ndone\n";
    let found = check(&[("release.sh", script)]);
    assert!(found.iter().all(|f| f.0 != "cross-build-overwrite"), "{found:#?}");
    // Differing in what is built (here -tags from the loop) is an overwrite.
    let tagged = script
        .replace("go build -trimpath", "go build -trimpath -tags $1")
        .replace("  build_app\n", "  build_app $flavour\n");
    let found = check(&[("release.sh", &tagged)]);
    assert!(found.iter().any(|f| f.0 == "cross-build-overwrite"), "{found:#?}");
    // A static variant of the same build, called on its own, is an alternative to it.
    let variant = "#!/bin/sh\nbinary() {\n  go build -trimpath -o dist/app .\n}\nbinary_static() {\n  CGO_ENABLED=0 binary\n}\nbinary\nbinary_static\n";
    let found = check(&[("do.sh", variant)]);
    assert!(found.iter().all(|f| f.0 != "cross-build-overwrite"), "{found:#?}");
}

#[test]
fn a_stripped_build_says_what_was_removed_and_another_target_keeps_no_copy() {
    let make =
        "release:\n\tgo build -trimpath -ldflags=\"-w\" -o dist/app ./cmd/app\ndev:\n\tgo build -o bin/app ./cmd/app\n";
    let found = check(&[("Makefile", make)]);
    assert_eq!(rules(&found), [("stripped-without-symbols", "Makefile:2")], "{found:#?}");
    assert!(found[0].2.starts_with("-w removes DWARF (the symbol table stays"), "{}", found[0].2);
    // An unstripped build of the same package in the same target is the kept copy.
    let kept = "release:\n\tgo build -trimpath -ldflags=\"-s -w\" -o dist/app ./cmd/app\n\tgo build -trimpath -o dist/debug/app ./cmd/app\n";
    assert!(check(&[("Makefile", kept)]).is_empty());
}

#[test]
fn a_stripped_build_names_the_variable_that_strips_as_a_related_place() {
    let related = |make: &str| {
        let p = project(&[("Makefile", make)]);
        let (_, found, _) = common::check_json(p.path(), &[std::ffi::OsStr::new(".")]);
        let places = |f: &serde_json::Value| {
            let related = f["related"].as_array().cloned().unwrap_or_default();
            let lines = related
                .iter()
                .map(|r| format!("{}:{}", common::field(r, "/path"), r["span"]["start_line"].as_u64().unwrap_or(0)));
            (f["location"]["span"]["start_line"].as_u64().unwrap_or(0), lines.collect::<Vec<_>>())
        };
        found.iter().filter(|f| common::field(f, "/rule") == "stripped-without-symbols").map(places).collect::<Vec<_>>()
    };
    // The finding stays at the build; the line to change is `LDFLAGS := -s -w`.
    let through_variable = "LDFLAGS := -s -w\nrelease:\n\tgo build -trimpath -ldflags \"$(LDFLAGS)\" -o dist/app .\n";
    assert_eq!(related(through_variable), [(3, vec!["Makefile:1".to_string()])]);
    // Written at the build itself, there is no other place to name.
    let at_build = "release:\n\tgo build -trimpath -ldflags \"-s -w\" -o dist/app .\n";
    assert_eq!(related(at_build), [(2, Vec::<String>::new())]);
}

#[test]
fn goreleaser_configs_passed_by_name_are_read() {
    let config = "builds:\n  - goos: [linux]\n    ldflags:\n      - -X main.v={{.Version}}\n";
    for name in [".goreleaser-nightly.yml", ".goreleaser_ui.yaml", "goreleaser.beta.yml"] {
        let found = check(&[(name, config)]);
        assert_eq!(rules(&found), [("untrimmed-paths", format!("{name}:2").as_str())], "{found:#?}");
    }
    // A name that merely starts with the word is some other file.
    assert!(check(&[(".goreleaserrc.yml", config)]).is_empty());
}

#[test]
fn a_base_image_argument_that_callers_pass_is_not_its_default() {
    // The default is a placeholder no build uses: every `docker build` passes the image.
    let dockerfile = "ARG base_image=placeholder\nFROM $base_image\nCOPY app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    let found = check(&[("Dockerfile", dockerfile)]);
    assert_eq!(rules(&found), [("unpinned-base-image", "Dockerfile:2")], "{found:#?}");
    let callers = [
        ("Makefile", "image:\n\tdocker build --build-arg base_image=alpine:3.20 -t app .\n"),
        ("build.sh", "#!/bin/sh\ndocker buildx build --build-arg=base_image=\"$BASE\" .\n"),
        (
            ".github/workflows/image.yml",
            "on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          build-args: |\n            VERSION=1\n            base_image=alpine:3.20\n",
        ),
    ];
    for caller in callers {
        assert!(check(&[("Dockerfile", dockerfile), caller]).is_empty(), "{}", caller.0);
    }
    // Another argument passed leaves this one's default in force.
    let other = ("Makefile", "image:\n\tdocker build --build-arg VERSION=1 -t app .\n");
    assert_eq!(rules(&check(&[("Dockerfile", dockerfile), other])), [("unpinned-base-image", "Dockerfile:2")]);
}

/// A final stage on a base a build argument chooses (`FROM ${BASE}`) is judged as the tree's
/// image builds choose it: a matrix of bases where one runs as root is a root image.
#[test]
fn a_final_base_the_callers_choose_is_judged_as_they_choose_it() {
    let dockerfile = "ARG BASE=gcr.io/distroless/static-debian12:nonroot\nFROM golang:1.26.3 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -o /out/app .\n\nFROM ${BASE}\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n";
    let workflow = |bases: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  image:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        base: [{bases}]\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          build-args: |\n            VERSION=${{{{ github.ref_name }}}}\n            BASE=${{{{ matrix.base }}}}\n"
        )
    };
    let found = check_in_module(&[
        ("Dockerfile", dockerfile),
        (".github/workflows/image.yml", &workflow("'gcr.io/distroless/static-debian12:nonroot', 'alpine:3.22'")),
    ]);
    assert_eq!(rules(&found), [("root-final-image", "Dockerfile:7")], "{found:#?}");
    assert!(found[0].2.contains("(${BASE}, given as alpine:3.22 by an image build of the scan)"), "{}", found[0].2);
    let make = ("Makefile", "image:\n\tdocker build --build-arg BASE=$(RUNTIME) -t app .\nRUNTIME ?= debian:12-slim\n");
    assert_eq!(rules(&check_in_module(&[("Dockerfile", dockerfile), make])), [("root-final-image", "Dockerfile:7")]);
    // The twins: every base passed runs as nonroot; the file's own default is not used.
    let nonroot = workflow("'gcr.io/distroless/static-debian12:nonroot', 'gcr.io/distroless/base-debian12:nonroot'");
    assert!(check_in_module(&[("Dockerfile", dockerfile), (".github/workflows/image.yml", &nonroot)]).is_empty());
    let make = ("Makefile", "image:\n\tdocker build --build-arg BASE=gcr.io/distroless/base:nonroot -t app .\n");
    assert!(check_in_module(&[("Dockerfile", dockerfile), make]).is_empty());
    // An image an earlier step built into the machine's own registry, and an empty argument,
    // name nothing this file can judge.
    for base in ["localhost:5000/base:latest", "\"\""] {
        let make = format!("image:\n\tdocker build --build-arg BASE={base} -t app .\n");
        assert!(check_in_module(&[("Dockerfile", dockerfile), ("Makefile", &make)]).is_empty(), "{base}");
    }
}

/// A CI value with a default (`${{ matrix.base || 'alpine' }}`) is its first operand that is
/// not empty, in each matrix combination; the base image it gives is judged.
#[test]
fn a_ci_default_gives_the_first_value_that_is_not_empty() {
    let dockerfile = "ARG BASE=placeholder\nFROM golang:1.26.3 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -o /out/app .\n\nFROM ${BASE}\nCOPY --from=build /out/app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    let workflow = |default: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  image:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        include:\n          - {{ arch: amd64 }}\n          - {{ arch: arm64, base: 'debian:12-slim' }}\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          build-args: |\n            BASE=${{{{ matrix.base || '{default}' }}}}\n"
        )
    };
    let found = check_in_module(&[("Dockerfile", dockerfile), (".github/workflows/image.yml", &workflow("alpine"))]);
    assert_eq!(rules(&found), [("unpinned-base-image", "Dockerfile:7")], "{found:#?}");
    assert!(found[0].2.starts_with("base image ${BASE} (given as alpine by an image build of the scan) has no tag"));
    // The twin: the default names a version, as the other entry does.
    let pinned = workflow("alpine:3.22");
    assert!(check_in_module(&[("Dockerfile", dockerfile), (".github/workflows/image.yml", &pinned)]).is_empty());
}

/// snapcraft: a part's `override-build` script builds what the snap ships, and the `go` snap
/// it builds with is the Go release of the snap (`latest` follows whatever Go is newest).
#[test]
fn a_snap_part_builds_what_the_snap_ships() {
    let snap = |go: &str, build: &str| {
        format!(
            "name: app\nbase: core24\nparts:\n  app:\n    plugin: go\n    source: .\n    build-snaps: [{go}]\n    build-environment:\n      - CGO_ENABLED: \"0\"\n    override-build: |\n      {build}\n      craftctl default\n"
        )
    };
    let found = check_in_module(&[(
        "snap/snapcraft.yaml",
        &snap("go/latest/stable", "go build -o $CRAFT_PART_INSTALL/bin/app ."),
    )]);
    assert_eq!(
        rules(&found),
        [("module-graph-drift", "snap/snapcraft.yaml:7"), ("untrimmed-paths", "snap/snapcraft.yaml:11")],
        "{found:#?}"
    );
    assert!(found[1].2.contains("snapcraft installs it into the snap"), "{}", found[1].2);
    let found = check_in_module(&[(
        "snap/snapcraft.yaml",
        &snap("go/1.24/stable", "go build -trimpath -o $CRAFT_PART_INSTALL/bin/app main.go"),
    )]);
    assert_eq!(
        rules(&found),
        [("toolchain-unsupported", "snap/snapcraft.yaml:7"), ("missing-buildinfo", "snap/snapcraft.yaml:11")],
        "{found:#?}"
    );
    // The twins: a pinned, supported Go; a trimmed module build; a tool the script runs itself.
    let good = snap("go/1.27/stable", "go build -trimpath -o $CRAFT_PART_INSTALL/bin/app .");
    assert!(check_in_module(&[("snap/snapcraft.yaml", &good)]).is_empty());
    let tool = snap("go/1.27/stable", "go build -o /tmp/gen ./tools/gen && /tmp/gen");
    assert!(check_in_module(&[("snap/snapcraft.yaml", &tool)]).is_empty());
    // A make target the part runs builds for the snap; alone it is a local build.
    let make = ("Makefile", "app:\n\tgo build -o bin/app .\n");
    assert!(check_in_module(&[make]).is_empty());
    let by_make = snap("go/1.27/stable", "make app && install -D bin/app $CRAFT_PART_INSTALL/bin/app");
    let found = check_in_module(&[("snap/snapcraft.yaml", &by_make), make]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:2")], "{found:#?}");
}

/// goreleaser releases every build of its config, whatever folder the main package is in: a
/// release of `main: ./examples/base` is the product. Elsewhere a build of an example is a demo.
#[test]
fn goreleaser_releases_a_main_package_in_an_examples_folder() {
    let goreleaser = "version: 2\nbuilds:\n  - main: ./examples/base\n    ldflags: [\"-X main.buildDate={{.CommitDate}}\"]\n    goos: [linux]\n    goarch: [amd64]\n";
    let example = ("examples/base/main.go", MAIN);
    let found = check_in_module(&[(".goreleaser.yaml", goreleaser), example]);
    assert_eq!(rules(&found), [("untrimmed-paths", ".goreleaser.yaml:3")], "{found:#?}");
    let trimmed = goreleaser.replace("goos:", "flags: [-trimpath]\n    goos:");
    assert!(check_in_module(&[(".goreleaser.yaml", &trimmed), example]).is_empty());
    let make = "dist:\n\tGOOS=linux go build -o dist/base ./examples/base\n\ttar czf dist/base.tgz dist/base\n";
    assert!(check_in_module(&[("Makefile", make), example]).is_empty());
}

/// A recipe line that runs a multi-line `define` runs each of its lines as a recipe line of its
/// own (GNU make), and a build there is found on the line it is written on.
#[test]
fn a_recipe_line_runs_each_line_of_a_define() {
    let make = |flags: &str| {
        format!(
            "define BUILD_BINARY\n@echo \"building $@\"\ngo build {flags}-o $@ ./$<\nendef\n\nbin/%: cmd/%\n\t$(call BUILD_BINARY)\n\nrelease: bin/app\n\ttar -czf app.tar.gz bin/app\n"
        )
    };
    let app = ("cmd/app/main.go", MAIN);
    let found = check_in_module(&[("Makefile", &make("")), app]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:3")], "{found:#?}");
    assert!(check_in_module(&[("Makefile", &make("-trimpath ")), app]).is_empty());
}

/// A script run by the path the script-folder idiom gives (`SCRIPTDIR="$(cd "$(dirname
/// "${BASH_SOURCE[0]}")" && pwd)"`, or `$(dirname "$0")/..` for the folder above) is linked to
/// its caller: what it builds ships as the caller's job keeps it.
#[test]
fn a_script_run_from_the_callers_own_folder_is_linked() {
    let cross = (
        "hack/binaries.sh",
        "#!/usr/bin/env bash\nfor os in linux darwin; do GOOS=$os GOARCH=arm64 go build -trimpath -o \"out/app-$os\" .; done\n",
    );
    let all = (
        "hack/all.sh",
        "#!/usr/bin/env bash\nSCRIPTDIR=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\"\n\"${SCRIPTDIR}/binaries.sh\"\n",
    );
    let above =
        ("scripts/all.sh", "#!/bin/sh\nROOT=\"$(cd \"$(dirname \"$0\")/..\" && pwd)\"\n\"$ROOT/hack/binaries.sh\"\n");
    let workflow = |run: &str, keep: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {run}\n{keep}"
        )
    };
    let release = "      - uses: softprops/action-gh-release@v2\n        with:\n          files: out/*\n";
    for (caller, run) in [(all, "hack/all.sh"), (above, "scripts/all.sh")] {
        let wf = workflow(run, release);
        let found = check_in_module(&[cross, caller, (".github/workflows/release.yml", &wf)]);
        assert_eq!(rules(&found), [("macos-not-notarized", "hack/binaries.sh:2")], "{run}: {found:#?}");
        assert!(found[0].2.contains(".github/workflows/release.yml:8 runs it"), "{}", found[0].2);
        // The twin: a job that keeps nothing of what it built releases nothing.
        let found = check_in_module(&[cross, caller, (".github/workflows/release.yml", &workflow(run, ""))]);
        assert!(found.is_empty(), "{run}: {found:#?}");
    }
}

/// A step that reads the `go` line of go.mod (`sed -n 's/^go //p' go.mod`) into a step output
/// gives setup-go that release, as `go-version-file: go.mod` would.
#[test]
fn a_go_version_read_from_go_mod_by_a_step() {
    let workflow = "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - id: v\n        run: echo \"go=$(sed -n 's/^go //p' go.mod)\" >> \"$GITHUB_OUTPUT\"\n      - uses: actions/setup-go@v6\n        with:\n          go-version: ${{ steps.v.outputs.go }}\n      - run: CGO_ENABLED=0 go build -trimpath -o dist/app .\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/app\n";
    let at = ".github/workflows/release.yml";
    let old = check(&[("go.mod", "module example.com/app\n\ngo 1.22.1\n"), ("main.go", MAIN), (at, workflow)]);
    assert_eq!(rules(&old), [("toolchain-unsupported", ".github/workflows/release.yml:12")], "{old:#?}");
    assert!(old[0].2.contains("setup-go 1.22.1"), "{}", old[0].2);
    let current = check(&[("go.mod", "module example.com/app\n\ngo 1.27.3\n"), ("main.go", MAIN), (at, workflow)]);
    assert!(current.is_empty(), "{current:#?}");
    // `cat go.mod | grep -E 'go [0-9].[0-9]+' | cut -d ' ' -f 2` reads the same line.
    let cat =
        workflow.replace("$(sed -n 's/^go //p' go.mod)", "$(cat go.mod | grep -E 'go [0-9].[0-9]+' | cut -d ' ' -f 2)");
    let old = check(&[("go.mod", "module example.com/app\n\ngo 1.22.1\n"), ("main.go", MAIN), (at, &cat)]);
    assert_eq!(rules(&old), [("toolchain-unsupported", ".github/workflows/release.yml:12")], "{old:#?}");
}

/// A compile check (`go build -o /dev/null`, `go build ./...`) writes nothing that ships, for
/// any rule: a stage that checks the darwin build compiles builds no macOS binary.
#[test]
fn a_compile_check_ships_nothing() {
    let dockerfile = |output: &str| {
        format!(
            "FROM golang:1.26.3 AS base\nWORKDIR /src\nCOPY . .\nFROM base AS xcompile\nRUN GOOS=darwin go build -trimpath -o {output} .\nFROM base AS build\nRUN CGO_ENABLED=0 go build -trimpath -o /out/app .\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n"
        )
    };
    assert!(check_in_module(&[("Dockerfile", &dockerfile("/dev/null"))]).is_empty());
    let found = check_in_module(&[("Dockerfile", &dockerfile("/out/app-darwin"))]);
    assert_eq!(rules(&found), [("macos-not-notarized", "Dockerfile:5")], "{found:#?}");
}

#[test]
fn stamps_on_one_written_line_are_found_each_and_per_alias() {
    // A YAML anchor: two builds, one `ldflags:` line; two -X stamps on it, each its own finding
    // there, and the build that takes the line through its alias is told of both at the alias.
    let goreleaser = "builds:\n  - id: linux\n    goos: [linux]\n    flags: [-trimpath]\n    ldflags: &ldflags\n      - -X main.date={{.Date}} -X main.host={{.Env.HOSTNAME}}\n  - id: windows\n    goos: [windows]\n    flags: [-trimpath]\n    ldflags: *ldflags\n";
    let found = check(&[(".goreleaser.yaml", goreleaser)]);
    assert_eq!(
        places(&found, "non-reproducible-build"),
        [".goreleaser.yaml:6", ".goreleaser.yaml:6", ".goreleaser.yaml:10"],
        "{found:#?}"
    );
    let stamps: Vec<_> = found.iter().filter(|f| f.0 == "non-reproducible-build").collect();
    assert!(stamps[0].2.starts_with("-X main.date takes a value from the clock, {{.Date}}"), "{}", stamps[0].2);
    assert!(stamps[1].2.starts_with("-X main.host takes a value from the build host"), "{}", stamps[1].2);
    assert!(stamps[2].2.contains("-X main.date") && stamps[2].2.contains("-X main.host"), "{}", stamps[2].2);
}

#[test]
fn pattern_rules_build_each_goal_a_release_loop_asks_for() {
    // `install` needs each app; a static pattern rule maps an app to `out/<app>`, and the pattern
    // rule `out/%` builds it (the explicit `out/a:` only adds prerequisites). The release script
    // runs make once per platform.
    let make = "APPS = a b\nEXT =\nifeq ($(GOOS),windows)\nEXT = .exe\nendif\nout/a: $(wildcard a/*.go)\nout/%:\n\tgo build -o $@ ./cmd/$*\n$(APPS): %: out/%\ninstall: $(APPS)\n\tfor f in $^; do cp out/$$f $(DESTDIR)/$$f$(EXT); done\n";
    let script = "#!/bin/sh\nfor p in linux/amd64 darwin/arm64 windows/amd64; do\n  GOOS=${p%/*} GOARCH=${p#*/} make DESTDIR=pkg install\n  tar czf dist/app-${p%/*}.tar.gz pkg\ndone\n";
    let found = check(&[("Makefile", make), ("release.sh", script)]);
    assert_eq!(
        rules(&found),
        [("untrimmed-paths", "Makefile:8"), ("macos-not-notarized", "release.sh:3")],
        "{found:#?}"
    );
    assert!(found[1].2.contains("darwin/arm64 binaries"), "{}", found[1].2);
    // No caller: the pattern rule alone ships nothing.
    assert!(check(&[("Makefile", make)]).is_empty());
}

#[test]
fn release_builds_on_a_go_release_without_security_fixes() {
    let wf = |job: &str, version: &str, run: &str| {
        format!(
            "on: push\njobs:\n  {job}:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-go@v5\n        with:\n          go-version: {version}\n      - {run}\n"
        )
    };
    // goreleaser's root command releases: `--clean` alone is a release.
    let release = "uses: goreleaser/goreleaser-action@v6\n        with:\n          args: --clean";
    let found = check(&[(".github/workflows/release.yml", &wf("release", "1.24.x", release))]);
    let at = ".github/workflows/release.yml:9";
    assert_eq!(rules(&found), [("toolchain-unsupported", at)], "{found:#?}");
    assert!(found[0].2.starts_with("release builds use Go 1.24 (setup-go 1.24.x)"), "{}", found[0].2);
    // Silent: a supported release, a job that ships nothing, goreleaser's other commands.
    for (job, version, run) in [
        ("release", "1.26.3", release),
        ("test", "1.24.x", "run: go test ./..."),
        ("check", "1.24.x", "uses: goreleaser/goreleaser-action@v6\n        with:\n          args: check"),
        // `install-only` puts goreleaser on PATH and runs nothing.
        ("build", "1.24.x", "uses: goreleaser/goreleaser-action@v6\n        with:\n          install-only: true"),
    ] {
        let found = check(&[(".github/workflows/release.yml", &wf(job, version, run))]);
        assert!(found.is_empty(), "{job} {version}: {found:#?}");
    }
    // go.mod asking for a supported release is what builds (GOTOOLCHAIN=auto downloads it).
    let found = check(&[
        (".github/workflows/release.yml", &wf("release", "1.24.x", release)),
        ("go.mod", "module example.com/app\n\ngo 1.26.2\n"),
    ]);
    assert!(found.iter().all(|f| f.0 != "toolchain-unsupported"), "{found:#?}");
    // An image built by a `Dockerfile-<variant>` on an old golang image.
    let dockerfile = "FROM golang:1.25 AS build\nRUN CGO_ENABLED=0 go build -trimpath -o /app .\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n";
    let found = check(&[("docker/Dockerfile-server", dockerfile)]);
    assert_eq!(rules(&found), [("toolchain-unsupported", "docker/Dockerfile-server:1")], "{found:#?}");
}

#[test]
fn goreleaser_before_hooks_that_tidy_rewrite_what_is_released() {
    let config = "version: 2\nbefore:\n  hooks:\n    - go mod tidy\n    - cmd: go generate ./...\nbuilds:\n  - goos: [linux]\n    flags: [-trimpath]\n    ldflags: [\"-X main.version={{.Version}}\"]\n    env: [CGO_ENABLED=0]\n";
    let found = check(&[(".goreleaser.yaml", config)]);
    assert_eq!(rules(&found), [("module-graph-drift", ".goreleaser.yaml:4")], "{found:#?}");
    assert!(found[0].2.starts_with("go mod tidy in goreleaser's before hooks"), "{}", found[0].2);
    let download = config.replace("- go mod tidy", "- cmd: go mod download");
    assert!(check(&[(".goreleaser.yaml", &download)]).is_empty());
    // A later hook that fails on a change stops the release before anything is built.
    let checked = config.replace(
        "- go mod tidy\n",
        "- go mod tidy\n    - /bin/sh -c 'git --no-pager diff --exit-code go.mod go.sum || exit 1'\n",
    );
    assert!(check(&[(".goreleaser.yaml", &checked)]).is_empty(), "{:#?}", check(&[(".goreleaser.yaml", &checked)]));
}

#[test]
fn goreleaser_configs_are_judged_as_the_tree_runs_them() {
    let config = "version: 2\nbuilds:\n  - goos: [linux]\n    env: [CGO_ENABLED=0]\n    ldflags: [\"-X main.version={{.Version}}\"]\n";
    let wf = |args: &str| {
        format!(
            "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: goreleaser/goreleaser-action@v6\n        with:\n          args: {args}\n"
        )
    };
    // Run only as a snapshot build: nothing it builds is released.
    let found = check(&[(".goreleaser.yml", config), (".github/workflows/ci.yml", &wf("build --snapshot --clean"))]);
    assert!(found.is_empty(), "{found:#?}");
    // The release runs another config (`.goreleaser.beta.yml` is one too); a Pro `continue`
    // publishes what that run built and reads no config.
    let files = [
        (".goreleaser.yml", config),
        (".goreleaser.beta.yml", config),
        (".github/workflows/ci.yml", &wf("build --snapshot --clean") as &str),
        (".github/workflows/release.yml", &wf("release --clean -f .goreleaser.beta.yml --split")),
        (".github/workflows/publish.yml", &wf("continue --merge")),
    ];
    let found = check(&files);
    assert_eq!(rules(&found), [("untrimmed-paths", ".goreleaser.beta.yml:3")], "{found:#?}");
    // A snapshot a nightly workflow builds is what it publishes, when a later step may.
    let nightly =
        wf("--snapshot -f .goreleaser-nightly.yml --clean") + "      - run: gh release upload nightly dist/*\n";
    let nightly = check(&[(".goreleaser-nightly.yml", config), (".github/workflows/nightly.yml", &nightly)]);
    assert_eq!(rules(&nightly), [("untrimmed-paths", ".goreleaser-nightly.yml:3")], "{nightly:#?}");
    // Nothing in the tree runs it: taken to release, as goreleaser is run by hand or elsewhere.
    assert_eq!(rules(&check(&[(".goreleaser.yml", config)])), [("untrimmed-paths", ".goreleaser.yml:3")]);
}

#[test]
fn a_release_script_step_that_uploads_assets_keeps_the_builds() {
    let wf = "on:\n  release:\n    types: [published]\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: CGO_ENABLED=0 GOOS=linux go build -trimpath -o app-linux .\n      - uses: actions/github-script@v7\n        with:\n          script: |\n            for (const f of await fs.readdir('.')) await github.rest.repos.uploadReleaseAsset({ name: f, data: await fs.readFile(f) });\n";
    let found = check(&[(".github/workflows/release.yml", wf)]);
    assert!(found.is_empty(), "trimmed and linux only: {found:#?}");
    let untrimmed = wf.replace(" -trimpath", "");
    let found = check(&[(".github/workflows/release.yml", &untrimmed)]);
    assert_eq!(rules(&found), [("untrimmed-paths", ".github/workflows/release.yml:8")], "{found:#?}");
    assert!(found[0].2.contains("built in CI and kept"), "{}", found[0].2);
}

#[test]
fn stamps_written_in_a_variable_are_found_where_written_once_for_every_use() {
    let make = "LDFLAGS := -X main.user=$(shell whoami)\nLDFLAGS += -X main.date=$(shell date -u)\nrelease:\n\tgo build -trimpath -ldflags \"$(LDFLAGS)\" -o dist/app .\nrelease-arm64:\n\tGOARCH=arm64 go build -trimpath -ldflags \"$(LDFLAGS)\" -o dist/app-arm64 .\n";
    let found = check(&[("Makefile", make)]);
    assert_eq!(
        rules(&found),
        [("non-reproducible-build", "Makefile:1"), ("non-reproducible-build", "Makefile:2")],
        "{found:#?}"
    );
    assert!(found[0].2.contains("-X main.user takes a value from the build host"), "{}", found[0].2);
    assert!(found[1].2.contains("-X main.date takes a value from the clock"), "{}", found[1].2);
    // make expands its variables inside the shell's single quotes too.
    let quoted = "DATE=$(shell date +'%FT%TZ')\nrelease:\n\tgo build -trimpath -ldflags '-X main.Date=$(DATE) -X main.Cost=$$5' -o dist/app .\n";
    let found = check(&[("Makefile", quoted)]);
    assert_eq!(rules(&found), [("non-reproducible-build", "Makefile:3")], "{found:#?}");
    // A stamp not written as an -X of its own is said at the word that uses it.
    let make = "LDFLAGS := $(shell date -u)\nrelease:\n\tgo build -trimpath -ldflags \"$(LDFLAGS)\" -o dist/app .\n";
    assert_eq!(rules(&check(&[("Makefile", make)])), [("non-reproducible-build", "Makefile:3")]);
}

#[test]
fn an_old_go_image_is_named_as_its_arguments_make_it() {
    let dockerfile = "ARG GO_VERSION=1.24\nFROM golang:${GO_VERSION}-alpine AS build\nRUN CGO_ENABLED=0 go build -trimpath -o /app .\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n";
    let found = check(&[("Dockerfile", dockerfile)]);
    assert_eq!(rules(&found), [("toolchain-unsupported", "Dockerfile:2")], "{found:#?}");
    assert!(found[0].2.starts_with("release builds use Go 1.24 (golang:1.24-alpine)"), "{}", found[0].2);
}

/// A release job as real workflows write it: a step appends `NAME=value` to `$GITHUB_ENV` (later
/// steps of the job have it), the matrix lists objects (`matrix.jobs.goos`), and `go build`
/// without `-o` writes the main package's name, which the job packs and uploads.
#[test]
fn github_env_matrix_objects_and_the_default_output_of_go_build() {
    let wf = |stamp: &str, darwin: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  build:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        jobs:\n          - {{ goos: {darwin}, goarch: arm64 }}\n          - {{ goos: linux, goarch: amd64 }}\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo \"BUILD_DATE={stamp}\" >> \"$GITHUB_ENV\"\n      - env:\n          GOOS: ${{{{ matrix.jobs.goos }}}}\n          GOARCH: ${{{{ matrix.jobs.goarch }}}}\n        run: |\n          go build -trimpath -ldflags \"-X main.buildDate=${{BUILD_DATE}}\"\n          gzip -c app > app-${{{{ matrix.jobs.goos }}}}.gz\n      - uses: actions/upload-artifact@v4\n        with:\n          name: app-${{{{ matrix.jobs.goos }}}}\n          path: app*.gz\n"
        )
    };
    let files = |wf: &str| check_in_module(&[(".github/workflows/release.yml", wf)]);
    let found = files(&wf("$(date -u +%FT%TZ)", "darwin"));
    assert_eq!(
        rules(&found),
        [
            ("macos-not-notarized", ".github/workflows/release.yml:19"),
            ("non-reproducible-build", ".github/workflows/release.yml:19")
        ],
        "{found:#?}"
    );
    assert!(found[0].2.starts_with("darwin/arm64 binaries are built here and shipped"), "{}", found[0].2);
    // The commit's time, and no darwin in the matrix: nothing to say.
    assert!(files(&wf("$(git log -1 --format=%cI)", "freebsd")).is_empty());
    // Neither packed nor uploaded, `app` is only compiled.
    let unkept = wf("$(date)", "darwin")
        .replace("      - uses: actions/upload-artifact@v4\n        with:\n          name: app-${{ matrix.jobs.goos }}\n          path: app*.gz\n", "")
        .replace("\n          gzip -c app > app-${{ matrix.jobs.goos }}.gz", "");
    assert!(files(&unkept).is_empty(), "{:#?}", files(&unkept));
}

/// A setup-go matrix of several unsupported releases is one finding where the versions are
/// written (the matrix line, not `${{ matrix.go }}`), naming them all.
#[test]
fn unsupported_releases_of_one_setup_go_step_are_one_finding() {
    // The matrix key may be the input's own name (`go-version: ${{ matrix.go-version }}`).
    for key in ["go", "go-version"] {
        let wf = "on:\n  release:\n    types: [published]\njobs:\n  release:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        KEY: ['1.22', '1.23', '1.27']\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n          go-version: ${{ matrix.KEY }}\n      - run: go build -trimpath -o dist/app .\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/app\n".replace("KEY", key);
        let found = check_in_module(&[(".github/workflows/release.yml", &wf)]);
        assert_eq!(rules(&found), [("toolchain-unsupported", ".github/workflows/release.yml:9")], "{key}: {found:#?}");
        assert!(
            found[0].2.starts_with(
                "release builds use Go 1.22 and Go 1.23 (setup-go 1.22; setup-go 1.23), which no longer receive"
            ),
            "{}",
            found[0].2
        );
    }
}

/// Release scripts split platform names with small text pipelines (`$(echo $p | cut -d/ -f1)`,
/// `awk -F-`, `tr` to lower case), in shell and in make's `$(shell ...)`: their output is known
/// when their input is, so the darwin build among the platforms is found.
#[test]
fn platform_names_split_by_text_pipelines() {
    let script = |split_os: &str, split_arch: &str| {
        format!(
            "#!/bin/sh\nfor p in linux-amd64 darwin-arm64; do\n  GO_OS=$({split_os})\n  GO_ARCH=$({split_arch})\n  GOOS=$GO_OS GOARCH=$GO_ARCH go build -trimpath -o release/app-$p .\ndone\n"
        )
    };
    for (os, arch) in [
        ("echo $p | cut -d- -f1", "echo $p | cut -d '-' -f 2"),
        ("echo $p | awk -F- '{print $1}'", "echo $p | awk -F '-' '{ print $2 }'"),
        ("echo \"$p\" | cut -d- -f1 | tr '[:lower:]' '[:upper:]' | tr A-Z a-z", "basename $p | cut -d- -f2-"),
    ] {
        let found = check_in_module(&[("dist.sh", &script(os, arch))]);
        assert_eq!(rules(&found), [("macos-not-notarized", "dist.sh:5")], "{os} / {arch}: {found:#?}");
        assert!(found[0].2.starts_with("darwin/arm64 binaries"), "{}", found[0].2);
    }
    // A pipeline on an unknown value, or through a tool not read, stays unknown: no darwin claimed.
    let unknown = script("echo $1 | cut -d- -f1", "uname -m | sed s/x86_64/amd64/");
    assert!(check_in_module(&[("dist.sh", &unknown)]).is_empty());
    // make: `OS=Darwin make` from a release job reaches `$(shell echo "$(OS)" | tr ...)`.
    let make = "OS ?= $(shell uname)\nGOOS ?= $(shell echo \"$(OS)\" | tr '[:upper:]' '[:lower:]')\nbuild:\n\tGOOS=$(GOOS) go build -trimpath -o _output/app-$(OS) .\n";
    let wf = release_workflow("macos-latest", "OS=Darwin make", "_output/*");
    let found = check_in_module(&[("Makefile", make), (".github/workflows/release.yml", &wf)]);
    assert_eq!(rules(&found), [("macos-not-notarized", ".github/workflows/release.yml:8")], "{found:#?}");
    // Alone, `uname` is the build host's: nothing is known to be darwin.
    assert!(check_in_module(&[("Makefile", make)]).is_empty());
}

/// A step with an `id:` that writes `NAME=value` to `$GITHUB_OUTPUT` gives later steps
/// `steps.<id>.outputs.NAME`; a job that runs a make target that builds, then uploads, ships
/// what it built (so the Go release it installs is judged).
#[test]
fn step_outputs_and_a_job_that_uploads_what_make_built() {
    let wf = "on:\n  push:\n    tags: ['v*']\njobs:\n  build:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        target: ['linux/amd64', 'darwin/arm64']\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.22'\n      - id: platform\n        run: |\n          echo \"goos=$(echo ${{ matrix.target }} | cut -d'/' -f1)\" >> $GITHUB_OUTPUT\n          echo \"goarch=$(echo ${{ matrix.target }} | cut -d'/' -f2)\" >> $GITHUB_OUTPUT\n      - env:\n          GOOS: ${{ steps.platform.outputs.goos }}\n          GOARCH: ${{ steps.platform.outputs.goarch }}\n        run: |\n          make app\n          tar -czf app_${GOOS}_${GOARCH}.tar.gz app\n      - uses: actions/upload-artifact@v4\n        with:\n          name: app_${{ steps.platform.outputs.goos }}_${{ steps.platform.outputs.goarch }}\n          path: '*.tar.gz'\n";
    let make = "app:\n\tgo build -trimpath -o app .\n";
    let files = |wf: &str| check_in_module(&[("Makefile", make), (".github/workflows/ci.yml", wf)]);
    let found = files(wf);
    assert_eq!(
        rules(&found),
        [
            ("toolchain-unsupported", ".github/workflows/ci.yml:13"),
            ("macos-not-notarized", ".github/workflows/ci.yml:22")
        ],
        "{found:#?}"
    );
    // Neither packed nor uploaded, nothing is kept: a CI check, with no release to judge.
    let unkept = wf
        .split("      - uses: actions/upload-artifact@v4")
        .next()
        .unwrap()
        .replace("          tar -czf app_${GOOS}_${GOARCH}.tar.gz app\n", "");
    assert!(files(&unkept).is_empty(), "{:#?}", files(&unkept));
}

/// Go builds for the runner it runs on: a macOS runner's plain `go build` makes darwin binaries.
/// A program the job runs and then packs ships too (it is no mere tool).
#[test]
fn a_macos_runner_builds_darwin_and_a_program_run_then_packed_ships() {
    let wf = |runner: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  mac:\n    strategy:\n      matrix:\n        os: [{runner}]\n    runs-on: ${{{{ matrix.os }}}}\n    steps:\n      - run: go build -trimpath -o app .\n      - run: ./app gen completion bash > completion.bash\n      - run: tar -czf app.tar.gz app completion.bash\n      - uses: actions/upload-artifact@v4\n        with:\n          path: app.tar.gz\n"
        )
    };
    let files = |wf: &str| check_in_module(&[(".github/workflows/release.yml", wf)]);
    let found = files(&wf("macos-14"));
    assert_eq!(rules(&found), [("macos-not-notarized", ".github/workflows/release.yml:11")], "{found:#?}");
    assert!(files(&wf("ubuntu-latest")).is_empty());
    // Run and not packed: a tool the job uses.
    let tool = wf("macos-14").replace("tar -czf app.tar.gz app completion.bash", "tar -czf app.tar.gz completion.bash");
    assert!(files(&tool).is_empty(), "{:#?}", files(&tool));
}

/// A branch's CI uploads test builds: artifacts and packing ship only in a workflow that can
/// make a release (a release event, a tag push, a step that publishes).
#[test]
fn artifacts_of_branch_ci_are_test_builds() {
    let wf = |on: &str| {
        format!(
            "on:\n{on}\njobs:\n  cross:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        env: ['GOOS=linux GOARCH=amd64', 'GOOS=darwin GOARCH=arm64']\n    steps:\n      - run: env ${{{{ matrix.env }}}} go build -o app ./\n      - run: tar -czf app.tgz app\n      - uses: actions/upload-artifact@v4\n        with:\n          name: app-${{{{ strategy.job-index }}}}\n          path: app.tgz\n"
        )
    };
    let files = |wf: &str| check_in_module(&[(".github/workflows/build.yml", wf)]);
    assert!(files(&wf("  push:\n    branches: [main]\n  pull_request:")).is_empty());
    assert!(files(&wf("  push:\n    branches-ignore: [gh-pages]")).is_empty());
    for on in ["  push:\n    tags: ['v*']", "  release:\n    types: [published]", "  push:"] {
        let found = files(&wf(on));
        assert!(found.iter().any(|f| f.0 == "macos-not-notarized"), "{on}: {found:#?}");
    }
    // A job named for its tests keeps test builds, whatever runs the workflow.
    let tests = wf("  push:\n    tags: ['v*']").replace("  cross:", "  integration-tests:");
    assert!(files(&tests).is_empty(), "{:#?}", files(&tests));
}

/// Where a release workflow builds and publishes the binaries itself, a Makefile's per-platform
/// targets that nothing runs are conveniences, not the release; alone, they are the release.
#[test]
fn makefile_targets_beside_a_release_workflow_that_builds_itself() {
    let make = "BUILD = CGO_ENABLED=0 go build -trimpath -ldflags '-s -w'\ndarwin-arm64:\n\tGOOS=darwin GOARCH=arm64 $(BUILD) -o bin/app-$@ .\nlinux-amd64:\n\tGOOS=linux GOARCH=amd64 $(BUILD) -o bin/app-$@ .\n";
    let wf = "on:\n  push:\n    tags: ['v*']\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: GOOS=linux go build -trimpath -o app .\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: app\n";
    let alone = check_in_module(&[("Makefile", make)]);
    assert_eq!(
        rules(&alone),
        [
            ("macos-not-notarized", "Makefile:3"),
            ("stripped-without-symbols", "Makefile:3"),
            ("stripped-without-symbols", "Makefile:5")
        ],
        "{alone:#?}"
    );
    let beside = check_in_module(&[("Makefile", make), (".github/workflows/release.yml", wf)]);
    assert!(beside.is_empty(), "{beside:#?}");
}

/// A release job that packs its build and then cleans up (`cd dist && tar ... app; rm
/// dist/app`) kept it; a build only run and removed was a test.
#[test]
fn a_build_packed_before_it_is_removed_was_kept() {
    let wf = |between: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  darwin:\n    runs-on: ubuntu-latest\n    steps:\n      - run: GOOS=darwin go build -trimpath -o dist/app .\n      - run: |\n          cd dist\n          {between}\n      - run: rm dist/app\n      - uses: actions/upload-artifact@v4\n        with:\n          path: dist\n"
        )
    };
    let files = |wf: &str| check_in_module(&[(".github/workflows/release.yml", wf)]);
    let found = files(&wf("tar -czf app-darwin.tar.gz app"));
    assert_eq!(rules(&found), [("macos-not-notarized", ".github/workflows/release.yml:8")], "{found:#?}");
    assert!(files(&wf("./app --version")).is_empty());
}

/// `go build ./cmd/x/x.go` loses the main module with or without `-o`; goreleaser configs kept
/// in a `.goreleaser/` folder and passed with `-f` are read.
#[test]
fn go_files_without_output_and_goreleaser_configs_in_a_folder() {
    let script = "#!/bin/sh\nCGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -trimpath ./cmd/app/main.go\ntar -czf app.tar.gz main\n";
    let found = check(&[("go.mod", GO_MOD), ("cmd/app/main.go", MAIN), ("build.assets.sh", script)]);
    assert_eq!(rules(&found), [("missing-buildinfo", "build.assets.sh:2")], "{found:#?}");
    let packages = script.replace("./cmd/app/main.go", "./cmd/app");
    assert!(check(&[("go.mod", GO_MOD), ("cmd/app/main.go", MAIN), ("build.assets.sh", &packages)]).is_empty());
    let config = "version: 2\nbuilds:\n  - main: ./cmd/app\n    goos: [linux]\n    flags: [-trimpath]\n    ldflags: ['-X main.buildDate={{.CommitDate}}']\n";
    let wf = "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: goreleaser/goreleaser-action@v6\n        with:\n          args: release -f .goreleaser/linux.yml --clean\n";
    let untrimmed = config.replace("    flags: [-trimpath]\n", "");
    let found = check(&[
        ("go.mod", GO_MOD),
        ("cmd/app/main.go", MAIN),
        (".goreleaser/linux.yml", &untrimmed),
        (".github/workflows/release.yml", wf),
    ]);
    assert_eq!(rules(&found), [("untrimmed-paths", ".goreleaser/linux.yml:3")], "{found:#?}");
    let trimmed = check(&[
        ("go.mod", GO_MOD),
        ("cmd/app/main.go", MAIN),
        (".goreleaser/linux.yml", config),
        (".github/workflows/release.yml", wf),
    ]);
    assert!(trimmed.is_empty(), "{trimmed:#?}");
    // goreleaser's first form: one build under `build:`.
    let legacy = "build:\n  main: cmd/app/main.go\n  goos: [linux]\n  flags: [-trimpath]\n  ldflags: ['-X main.buildDate={{.CommitDate}}']\n";
    let found = check(&[("go.mod", GO_MOD), ("cmd/app/main.go", MAIN), (".goreleaser.yml", legacy)]);
    assert_eq!(rules(&found), [("missing-buildinfo", ".goreleaser.yml:2")], "{found:#?}");
}

/// `docker run [options] IMAGE go build ...` builds in a container, with the environment its
/// `-e`/`--env` options give.
#[test]
fn a_go_build_run_in_a_container() {
    let make = "IMAGE = golang:1.27\nrelease-darwin:\n\tdocker run --rm -v `pwd`:/src -w /src --env GOOS=darwin -e GOARCH=arm64 -it $(IMAGE) go build -trimpath -o dist/app .\n";
    let found = check_in_module(&[("Makefile", make)]);
    assert_eq!(rules(&found), [("macos-not-notarized", "Makefile:3")], "{found:#?}");
    assert!(found[0].2.starts_with("darwin/arm64 binaries"), "{}", found[0].2);
    let linux = make.replace("GOOS=darwin", "GOOS=linux");
    assert!(check_in_module(&[("Makefile", &linux)]).is_empty());
    // docker found on PATH (`$(shell which docker)`), and go by its path in the image.
    let located = make
        .replace("IMAGE = ", "DOCKER := $(shell which docker)\nIMAGE = ")
        .replace("\tdocker run", "\t$(DOCKER) run")
        .replace(" go build", " /usr/local/go/bin/go build");
    let found = check_in_module(&[("Makefile", &located)]);
    assert_eq!(rules(&found), [("macos-not-notarized", "Makefile:4")], "{found:#?}");
}

/// gox and goxz cross-compile: one build per target, with gox's `-output` template (distinct
/// per target only when it names the platform) and goxz's default `-trimpath`.
#[test]
fn gox_and_goxz_builds_per_target() {
    let gox = |output: &str| {
        format!(
            "release:\n\tgox -os=\"linux darwin\" -arch=amd64 -ldflags \"-X main.buildDate=$(DATE)\" -output \"{output}\" ./cmd/app\n"
        )
    };
    let found = check_in_module(&[("cmd/app/main.go", MAIN), ("Makefile", &gox("dist/{{.OS}}_{{.Arch}}/app"))]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:2"), ("macos-not-notarized", "Makefile:2")], "{found:#?}");
    let found = check_in_module(&[("cmd/app/main.go", MAIN), ("Makefile", &gox("dist/app"))]);
    assert!(rules(&found).contains(&("cross-build-overwrite", "Makefile:2")), "{found:#?}");
    let trimmed = format!(
        "export GOFLAGS=-trimpath\n{}",
        gox("dist/{{.OS}}_{{.Arch}}/app").replace("-os=\"linux darwin\"", "-osarch=linux/amd64")
    );
    let found = check_in_module(&[("cmd/app/main.go", MAIN), ("Makefile", &trimmed)]);
    assert!(found.is_empty(), "{found:#?}");
    // goxz builds linux, darwin and windows by default, with -trimpath.
    let goxz = "cross:\n\tgoxz -n app -build-ldflags \"-X main.buildDate=$(DATE)\" -d dist ./cmd/app\n";
    let found = check_in_module(&[("cmd/app/main.go", MAIN), ("Makefile", goxz)]);
    assert_eq!(rules(&found), [("macos-not-notarized", "Makefile:2")], "{found:#?}");
    let linux = goxz.replace("goxz -n", "goxz -os=linux -n");
    assert!(check_in_module(&[("cmd/app/main.go", MAIN), ("Makefile", &linux)]).is_empty());
    // `godzil crossbuild` is goxz: it is the release, and the plain `build` beside it with the
    // same stripped flags is the developer's.
    let godzil = "LDFLAGS = \"-s -w\"\nbuild:\n\tgo build -ldflags=$(LDFLAGS)\ncrossbuild:\n\tgodzil crossbuild -os=linux,darwin -build-ldflags=$(LDFLAGS) -include='LICENSE' -z -d dist\n";
    let found = check_in_module(&[("Makefile", godzil)]);
    assert_eq!(
        rules(&found),
        [("macos-not-notarized", "Makefile:5"), ("stripped-without-symbols", "Makefile:5")],
        "{found:#?}"
    );
}

/// xgo cross-compiles with cgo in its image, one build per `-targets` entry, named
/// `<out>-<os>[-<platform>]-<arch>`, with the Go release its `-go` names and `-trimpath` only
/// when given.
#[test]
fn xgo_builds_per_target_with_its_go_release() {
    let make = "release:\n\txgo -go go-1.21.x --targets=linux/amd64,linux/arm-7,darwin/arm64, -dest dist -out app -ldflags \"-X main.buildDate=$(DATE)\" ./cmd/app\n";
    let found = check_in_module(&[("cmd/app/main.go", MAIN), ("Makefile", make)]);
    let mut found_rules = rules(&found);
    found_rules.sort();
    assert_eq!(
        found_rules,
        [
            ("macos-not-notarized", "Makefile:2"),
            ("toolchain-unsupported", "Makefile:2"),
            ("untrimmed-paths", "Makefile:2")
        ],
        "{found:#?}"
    );
    assert!(found.iter().any(|f| f.2.contains("xgo -go go-1.21.x")), "{found:#?}");
    let good = make.replace("-go go-1.21.x", "-trimpath -go go-1.27.x").replace(",darwin/arm64", "");
    let found = check_in_module(&[("cmd/app/main.go", MAIN), ("Makefile", &good)]);
    assert!(found.is_empty(), "{found:#?}");
}

/// A loop or function that packs its output before it builds again overwrites nothing; packed
/// only after the loop, the last target is all there is. Packing into an archive is a release,
/// even beside a CI workflow that releases.
#[test]
fn packing_each_output_before_the_next_build() {
    let script = |body: &str| format!("#!/bin/sh\nexport CGO_ENABLED=0\n{body}");
    let per_call = script(
        "pack() {\n  GOOS=$1 go build -trimpath -ldflags \"-s -w\" -o app .\n  7z a app_$1.zip app\n}\npack linux\npack freebsd\n",
    );
    let ci = "on:\n  release:\n    types: [published]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: GOOS=linux go build -trimpath -o dist/app .\n      - run: gh release upload v1 dist/app\n";
    let found = check_in_module(&[("scripts/build.sh", &per_call), (".github/workflows/release.yml", ci)]);
    assert_eq!(rules(&found), [("stripped-without-symbols", "scripts/build.sh:4")], "{found:#?}");
    let after_loop =
        script("for os in linux freebsd; do\n  GOOS=$os go build -trimpath -o app .\ndone\ntar czf app.tgz app\n");
    let found = check_in_module(&[("scripts/build.sh", &after_loop)]);
    assert_eq!(rules(&found), [("cross-build-overwrite", "scripts/build.sh:4")], "{found:#?}");
    // Any program handed the file uses it (a packager's option naming it); `chmod` only looks.
    let handed = script(
        "for arch in amd64 arm64; do
  GOARCH=$arch go build -trimpath -o app .
  mkpkg --out=app-$arch.deb --files=./app:/usr/bin/app
done
",
    );
    assert!(check_in_module(&[("scripts/build.sh", &handed)]).is_empty());
    for only_treated in ["chmod +x ./app", "sha256sum ./app > app-$arch.sha256"] {
        let looked_at = handed.replace("mkpkg --out=app-$arch.deb --files=./app:/usr/bin/app", only_treated);
        let found = check_in_module(&[("scripts/build.sh", &looked_at)]);
        assert_eq!(rules(&found), [("cross-build-overwrite", "scripts/build.sh:4")], "{found:#?}");
    }
}

/// A Dockerfile whose opening comment says it is for tests is judged as a test image.
#[test]
fn an_image_its_header_calls_a_test_image_ships_nothing() {
    let image = scratch_image(
        "golang:1.27.1@sha256:0000000000000000000000000000000000000000000000000000000000000000",
        "CGO_ENABLED=0 go build -o /app .",
        "/app",
    );
    let found = check_in_module(&[("Dockerfile.derper", &image)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Dockerfile.derper:4")], "{found:#?}");
    let declared = format!("# For testing purposes only\n\n{image}");
    assert!(check_in_module(&[("Dockerfile.derper", &declared)]).is_empty());
}

/// A universal binary, an installer or a package made of what a script built ships it.
#[test]
fn packing_into_an_installer_ships() {
    let script = "#!/bin/bash\nset -eu\nGOOS=windows go build -o out/app.exe .\nwix build -d BinPath=out/app.exe -o out/app.msi app.wxs\nGOOS=darwin GOARCH=arm64 go build -o app.arm64 .\nGOOS=darwin GOARCH=amd64 go build -o app.amd64 .\nlipo -create -output root/usr/local/bin/app app.amd64 app.arm64\npkgbuild --root root --identifier org.example.app app.pkg\nrm -f app.amd64 app.arm64\n";
    let found = check_in_module(&[("packaging/build.sh", script)]);
    let untrimmed = places(&found, "untrimmed-paths");
    assert_eq!(untrimmed, ["packaging/build.sh:3", "packaging/build.sh:5", "packaging/build.sh:6"], "{found:#?}");
    assert!(found.iter().all(|f| f.2.contains("packed into an installer or package")), "{found:#?}");
    // Looked at and removed, the darwin builds were test builds (the windows one is still a
    // cross-compile).
    let looked_at = script.replace("wix build", "ls").replace("lipo -create -output root/usr/local/bin/app", "file");
    let found = check_in_module(&[("packaging/build.sh", &looked_at)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "packaging/build.sh:3")], "{found:#?}");
    assert!(found[0].2.contains("cross-compiled"), "{}", found[0].2);
}

/// `cd tools/stats && go build && ./stats`: go build names the program after the folder it
/// builds in, and a target that runs what it built uses it as a tool, whatever it is called.
#[test]
fn a_program_built_in_a_folder_and_run_there_is_a_tool() {
    let make = "stats-release:\n\t(cd tools/stats && go build && ./stats v1)\n";
    assert!(check_in_module(&[("Makefile", make)]).is_empty());
    let packed = make.replace("./stats v1", "tar czf stats.tgz stats");
    let found = check_in_module(&[("Makefile", &packed)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:2")], "{found:#?}");
}

/// A script another build file runs is judged as it runs it: the Makefile's exported
/// `GOFLAGS=-trimpath` reaches its builds, and the script's own reading without it is dropped.
#[test]
fn a_called_script_is_judged_with_its_callers_environment() {
    let script = "#!/bin/bash\nfor os in linux freebsd; do\n  GOOS=$os CGO_ENABLED=0 go build -o out/app-$os .\n  tar czf app-$os.tgz -C out app-$os\ndone\n";
    let make = "export GOFLAGS := -trimpath\nrelease:\n\t./hack/release.sh\n";
    let found = check_in_module(&[("Makefile", make), ("hack/release.sh", script)]);
    assert!(found.is_empty(), "{found:#?}");
    let found = check_in_module(&[("hack/release.sh", script)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "hack/release.sh:3")], "{found:#?}");
}

/// goreleaser's `kos:` images are judged like any image it pushes: an untagged `base_image`
/// floats, and a base that runs as root with no `user:` runs the program as root.
#[test]
fn goreleaser_kos_images_are_judged_as_images() {
    let config = "builds:\n  - id: app\n    flags: [-trimpath]\n    ldflags: [\"-X main.buildDate={{.CommitDate}}\"]\n    goos: [linux]\nkos:\n  - build: app\n    base_image: alpine\n    repositories: [ghcr.io/acme/app]\n";
    let found = check_in_module(&[(".goreleaser.yaml", config)]);
    let mut found_rules = rules(&found);
    found_rules.sort();
    assert_eq!(
        found_rules,
        [("root-final-image", ".goreleaser.yaml:8"), ("unpinned-base-image", ".goreleaser.yaml:8")],
        "{found:#?}"
    );
    let good = config.replace("base_image: alpine", "base_image: alpine:3.22\n    user: \"65532:65532\"");
    assert!(check_in_module(&[(".goreleaser.yaml", &good)]).is_empty());
    let default_base = config.replace("    base_image: alpine\n", "");
    assert!(check_in_module(&[(".goreleaser.yaml", &default_base)]).is_empty());
}

/// A snapshot in a nightly workflow ships what a later step of its job may publish; with
/// nothing after it, it only checks that the release builds. A goreleaser file of another name
/// that nothing runs and that writes no builds is a part of a config (`cat a.yml b.yml >
/// c.yml`), not one.
#[test]
fn snapshots_ship_only_what_a_later_step_publishes() {
    let config = "builds:\n  - main: .\n    flags: [-trimpath]\n    ldflags: [-s -w]\n    goos: [linux]\n";
    let workflow = |after: &str| {
        format!(
            "on:\n  schedule:\n    - cron: '0 9 * * *'\njobs:\n  nightly:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: goreleaser/goreleaser-action@v6\n        with:\n          args: --config=.github/goreleaser-nightly.yml --snapshot --clean\n{after}"
        )
    };
    let files = |wf: &str| -> Vec<(String, String)> {
        vec![
            (".github/goreleaser-nightly.yml".into(), config.into()),
            (".github/workflows/nightly.yml".into(), wf.into()),
            (".github/goreleaser.brew.yml".into(), "brews:\n  - name: app\n".into()),
        ]
    };
    let run = |wf: &str| {
        let owned = files(wf);
        let borrowed: Vec<(&str, &str)> = owned.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        check_in_module(&borrowed)
    };
    let found = run(&workflow(""));
    assert!(found.is_empty(), "{found:#?}");
    let found =
        run(&workflow("      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/*\n"));
    assert_eq!(rules(&found), [("stripped-without-symbols", ".github/goreleaser-nightly.yml:4")], "{found:#?}");
}

/// `go mod tidy` in a job that only makes test builds changes nothing that ships; an upgrade
/// (`go get -u`) changes what every later build is.
#[test]
fn go_mod_tidy_before_test_builds() {
    let wf = |step: &str| {
        format!(
            "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {step}\n      - run: go build -o bin/app .\n      - run: go test ./...\n"
        )
    };
    let tidy = check_in_module(&[(".github/workflows/ci.yml", &wf("go mod tidy"))]);
    assert!(tidy.is_empty(), "{tidy:#?}");
    let upgrade = check_in_module(&[(".github/workflows/ci.yml", &wf("go get -u ./..."))]);
    assert_eq!(rules(&upgrade), [("module-graph-drift", ".github/workflows/ci.yml:6")], "{upgrade:#?}");
}

/// A Go toolchain tag without a Go release floats like `latest`; development images and, in a
/// Go project, images that neither build nor ship Go are not judged.
#[test]
fn unpinned_bases_of_go_images_only() {
    let image = "FROM golang:alpine AS build\nRUN CGO_ENABLED=0 go build -trimpath -o /out/app .\nFROM alpine:3.20\nCOPY --from=build /out/app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    // The Alpine release alone names no Go release either.
    for base in ["golang:alpine", "docker.io/library/golang:alpine3.23"] {
        let found = check_in_module(&[("Dockerfile", &image.replace("golang:alpine", base))]);
        assert_eq!(rules(&found), [("unpinned-base-image", "Dockerfile:1")], "{base}: {found:#?}");
    }
    let pinned = image.replace("golang:alpine", "golang:1.27-alpine");
    assert!(check_in_module(&[("Dockerfile", &pinned)]).is_empty());
    assert!(check_in_module(&[("Dockerfile-local", image)]).is_empty());
    let harness =
        "FROM fedora:latest\nRUN dnf install -y golang git\nCOPY test.sh /test.sh\nENTRYPOINT [\"/test.sh\"]\n";
    assert!(check_in_module(&[("assets/docker/fedora.Dockerfile", harness)]).is_empty());
    let ships = "FROM alpine:latest\nCOPY app /usr/bin/app\nUSER 65532\nENTRYPOINT [\"/usr/bin/app\"]\n";
    let found = check(&[("go.mod", GO_MOD), ("cmd/app/main.go", MAIN), ("Dockerfile", ships)]);
    assert_eq!(rules(&found), [("unpinned-base-image", "Dockerfile:1")], "{found:#?}");
    // A build target other than the last (`docker build --target light`) ships the program too.
    let targets = format!(
        "{}FROM debian:12 AS full\nCOPY helper /bin/helper\nUSER 65532\n",
        ships.replacen("FROM alpine:latest", "FROM alpine:latest AS light", 1)
    );
    let found = check(&[("go.mod", GO_MOD), ("cmd/app/main.go", MAIN), ("Dockerfile", &targets)]);
    assert_eq!(rules(&found), [("unpinned-base-image", "Dockerfile:1")], "{found:#?}");
}

/// A Makefile that many test jobs run is still evaluated as the release job runs it, and a
/// build into a folder no file states (`$(BIN_DIR)`) is kept by a copy that names its file.
#[test]
fn a_release_call_among_many_test_calls() {
    let make = "ROOT_DIR := $(shell dirname $(realpath Makefile))\nBIN_DIR := $(abspath $(ROOT_DIR)/bin)\nbin/app-$(GOOS)-$(GOARCH):\n\tCGO_ENABLED=0 go build -o $(BIN_DIR)/app-$(GOOS)-$(GOARCH) .\ncheck-%:\n\tgo vet ./...\n";
    let steps: String = (0..24).map(|i| format!("      - run: make check-{i}\n")).collect();
    let tests = format!("on: push\njobs:\n  e2e-test:\n    runs-on: ubuntu-latest\n    steps:\n{steps}");
    let release = "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          for p in linux-amd64 darwin-arm64; do\n            export GOOS=${p%-*} GOARCH=${p#*-}\n            make bin/app-$GOOS-$GOARCH\n            cp bin/app-$GOOS-$GOARCH dist/\n          done\n      - run: gh release upload v1 dist/*\n";
    let files = |release: &str| {
        check_in_module(&[
            ("Makefile", make),
            (".github/workflows/a-tests.yml", &tests),
            (".github/workflows/release.yml", release),
        ])
    };
    let found = files(release);
    // The Makefile names no platform: the release job's loop chose darwin.
    assert!(rules(&found).contains(&("macos-not-notarized", ".github/workflows/release.yml:11")), "{found:#?}");
    let uncopied = release.replace("            cp bin/app-$GOOS-$GOARCH dist/\n", "");
    let found = files(&uncopied);
    assert!(!rules(&found).iter().any(|(r, _)| *r == "macos-not-notarized"), "{found:#?}");
}

/// `go install tool` installs the module's tool dependencies (other modules' programs); an
/// image that copies the program of a `/v2` module ships it under the name before the suffix.
#[test]
fn tool_dependencies_and_major_version_programs() {
    let image = "FROM golang:1.27 AS build\nRUN go install tool\nRUN CGO_ENABLED=0 go build -trimpath -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    assert!(check_in_module(&[("Dockerfile", image)]).is_empty());
    let v2 = "module example.com/gum/v2\n\ngo 1.22\n";
    let copies =
        "FROM gcr.io/distroless/static\nCOPY gum /usr/local/bin/gum\nUSER 65532\nENTRYPOINT [\"/usr/local/bin/gum\"]\n";
    let found = check(&[("go.mod", v2), ("main.go", MAIN), ("Dockerfile", copies)]);
    assert_eq!(rules(&found), [("unpinned-base-image", "Dockerfile:1")], "{found:#?}");
    let other = copies.replace("gum", "helper");
    assert!(check(&[("go.mod", v2), ("main.go", MAIN), ("Dockerfile", &other)]).is_empty());
}

/// A clock read with its own environment (`LC_ALL=C date`) is the clock, and an `-X` whose
/// import path is written through a variable is found where it is written.
#[test]
fn stamps_written_through_variables() {
    let make = "PACKAGE := example.com/app\nLDFLAGS := -X '$(PACKAGE)/version.Tag=$(TAG)' \\\n\t-X '$(PACKAGE)/version.Built=$(shell LC_ALL=C date)'\nrelease:\n\tGOOS=linux go build -trimpath -ldflags=\"$(LDFLAGS)\" -o dist/app .\n";
    let version = ("version/version.go", "package version\n\nvar Tag, Built string\n");
    let found = check_in_module(&[("Makefile", make), version]);
    assert_eq!(rules(&found), [("non-reproducible-build", "Makefile:3")], "{found:#?}");
    let commit = make.replace("LC_ALL=C date", "git log -1 --format=%cI");
    assert!(check_in_module(&[("Makefile", &commit), version]).is_empty());
    // The whole package path in a variable.
    let prefix = make
        .replace("PACKAGE := example.com/app", "VPREFIX := example.com/app/version")
        .replace("$(PACKAGE)/version.", "$(VPREFIX).");
    let found = check_in_module(&[("Makefile", &prefix), version]);
    assert_eq!(rules(&found), [("non-reproducible-build", "Makefile:3")], "{found:#?}");
}

/// `docker run ... -- IMAGE go build`: `--` ends docker's options.
#[test]
fn docker_run_options_ended_by_double_dash() {
    let make =
        "release:\n\tdocker run --rm -e GOOS=darwin --user 1:1 -- golang:1.27 go build -trimpath -o dist/app .\n";
    let found = check_in_module(&[("Makefile", make)]);
    assert_eq!(rules(&found), [("macos-not-notarized", "Makefile:2")], "{found:#?}");
}

/// Beside a target that cross-compiles the release (goxz, gox, builds for several systems), a
/// stripped build for this machine (`make build`, `make install`) is a local build.
#[test]
fn stripped_host_builds_beside_a_cross_compiling_release() {
    let make = "LDFLAGS = \"-s -w -X main.buildDate=$(DATE)\"\nbuild:\n\tgo build -ldflags=$(LDFLAGS) -o app .\ncross:\n\tgoxz -os=linux,windows -build-ldflags=$(LDFLAGS) .\n";
    let found = check_in_module(&[("Makefile", make)]);
    assert_eq!(rules(&found), [("stripped-without-symbols", "Makefile:5")], "{found:#?}");
    let alone = make.split("cross:").next().unwrap();
    let found = check_in_module(&[("Makefile", alone)]);
    assert!(rules(&found).contains(&("stripped-without-symbols", "Makefile:3")), "{found:#?}");
}

/// A local composite action runs in the job that uses it, with the job's `with:` inputs; a
/// Docker action's image runs as root by GitHub's design.
#[test]
fn local_actions_run_in_the_job_that_uses_them() {
    let action = "name: build\ninputs:\n  goos:\n    default: linux\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: GOOS=${{ inputs.goos }} go build -trimpath -o dist/app .\n";
    let release = |goos: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/build\n        with:\n          goos: {goos}\n      - run: gh release upload v1 dist/app\n"
        )
    };
    let files = |wf: &str| {
        check_in_module(&[(".github/actions/build/action.yml", action), (".github/workflows/release.yml", wf)])
    };
    let found = files(&release("darwin"));
    assert_eq!(rules(&found), [("macos-not-notarized", ".github/workflows/release.yml:8")], "{found:#?}");
    assert!(files(&release("linux")).is_empty());
    // A reusable workflow, called with inputs, or read alone with its inputs' defaults.
    let build = "on:\n  workflow_call:\n    inputs:\n      goos:\n        type: string\n        default: linux\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: GOOS=${{ inputs.goos }} go build -trimpath -o dist/app .\n      - run: gh release upload v1 dist/app\n";
    let caller = |goos: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    uses: ./.github/workflows/build.yml\n    with:\n      goos: {goos}\n"
        )
    };
    let files =
        |wf: &str| check_in_module(&[(".github/workflows/build.yml", build), (".github/workflows/release.yml", wf)]);
    let found = files(&caller("darwin"));
    assert_eq!(rules(&found), [("macos-not-notarized", ".github/workflows/release.yml:6")], "{found:#?}");
    assert!(files(&caller("linux")).is_empty());
    let docker_action = "name: scan\nruns:\n  using: docker\n  image: Dockerfile\n";
    let image = "FROM golang:1.27 AS build\nRUN CGO_ENABLED=0 go build -trimpath -o /out/app .\nFROM alpine:3.20\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n";
    let found = check_in_module(&[("action.yml", docker_action), ("Dockerfile", image)]);
    assert!(found.is_empty(), "{found:#?}");
    let found = check_in_module(&[("Dockerfile", image)]);
    assert_eq!(rules(&found), [("root-final-image", "Dockerfile:3")], "{found:#?}");
}

/// A test script that a release script runs first still makes test builds.
#[test]
fn a_test_script_run_by_the_release_script() {
    let test = "#!/bin/sh\nfor dir in cmd/*/; do\n  GOOS=linux go build -o \"$dir/app\" \"./$dir\"\ndone\n";
    let dist = "#!/bin/sh\n./test.sh\nfor os in linux darwin; do\n  GOOS=$os go build -trimpath -o dist/app-$os ./cmd/app\ndone\n";
    let found = check_in_module(&[("cmd/app/main.go", MAIN), ("test.sh", test), ("dist.sh", dist)]);
    assert_eq!(rules(&found), [("macos-not-notarized", "dist.sh:4")], "{found:#?}");
}

/// A release script with subcommands (`shift`, then a function given "$@"), building each
/// target inside its own folder (`pushd`), after a build it only runs to read the version.
#[test]
fn a_release_script_with_subcommands_and_folders() {
    let script = "#!/bin/bash\nbuild_release() {\n  go build ./cmd/app\n  version=$(./app --version)\n  for sys in $2; do\n    os=${sys%-*}\n    mkdir \"app-$sys\"\n    pushd \"app-$sys\"\n    GOOS=$os go build -trimpath -ldflags=\"$3\" ../cmd/app\n    popd\n    tar czf \"app-$sys.tgz\" \"app-$sys\"\n  done\n}\nSUBCOMMAND=$1\nshift\ncase $SUBCOMMAND in\n  build-release) build_release \"$@\" ;;\nesac\n";
    let make = "release:\n\t./release.sh build-release v1 \"linux-amd64 darwin-arm64\" \"-s -w\"\n";
    let found = check_in_module(&[("cmd/app/main.go", MAIN), ("release.sh", script), ("Makefile", make)]);
    assert_eq!(
        rules(&found),
        [("stripped-without-symbols", "Makefile:2"), ("macos-not-notarized", "Makefile:2")],
        "{found:#?}"
    );
    let one_folder = script.replace("    pushd \"app-$sys\"\n", "").replace("    popd\n", "");
    let found = check_in_module(&[("cmd/app/main.go", MAIN), ("release.sh", &one_folder), ("Makefile", make)]);
    assert!(rules(&found).contains(&("cross-build-overwrite", "release.sh:8")), "{found:#?}");
}

/// A step's `if:` on matrix values leaves it out of the other combinations: only the release
/// leg of a test matrix uploads, so only its Go release and its artifact name count.
#[test]
fn steps_a_matrix_condition_leaves_out() {
    let wf = |condition: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  build:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        gover: ['1.22', '1.27']\n    env:\n      RELEASE_GO: '1.27'\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: ${{{{ matrix.gover }}}}\n      - run: CGO_ENABLED=0 go build -trimpath -o dist/app .\n      - uses: actions/upload-artifact@v4\n{condition}        with:\n          name: binaries\n          path: dist/\n"
        )
    };
    let found = check_in_module(&[(".github/workflows/release.yml", &wf(""))]);
    let found = rules(&found);
    assert!(found.contains(&("toolchain-unsupported", ".github/workflows/release.yml:9")), "{found:#?}");
    assert!(found.contains(&("cross-build-overwrite", ".github/workflows/release.yml:19")), "{found:#?}");
    let gated = check_in_module(&[(
        ".github/workflows/release.yml",
        &wf("        if: github.ref_type == 'tag' && matrix.gover == env.RELEASE_GO\n"),
    )]);
    assert!(gated.is_empty(), "{gated:#?}");
}

/// A sample image kept under `test/` is released all the same when a release workflow pushes it.
#[test]
fn a_test_folder_image_that_a_release_pushes() {
    let image = "FROM golang:1.27 AS build\nRUN CGO_ENABLED=0 go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    let wf = |push: &str| {
        format!(
            "on:\n  release:\n    types: [published]\njobs:\n  images:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          context: test/sample\n          push: {push}\n"
        )
    };
    let files = |push: &str| {
        check_in_module(&[("test/sample/Dockerfile", image), (".github/workflows/samples.yml", &wf(push))])
    };
    let found = files("true");
    assert_eq!(rules(&found), [("untrimmed-paths", "test/sample/Dockerfile:2")], "{found:#?}");
    assert!(found[0].2.contains(".github/workflows/samples.yml:8 publishes"), "{}", found[0].2);
    assert!(files("false").is_empty());
}

/// `uname -s` answers for the system a caller runs the file on: Linux in an image build, so a
/// Makefile's `ifeq ($(UNAME_S),Darwin)` branch is not taken there.
#[test]
fn the_host_system_of_an_image_build() {
    let make = "UNAME_S := $(shell uname -s)\nGOOS = linux\nifeq ($(UNAME_S),Darwin)\n  GOOS = darwin\nendif\nbuild:\n\tGOOS=$(GOOS) ./build.sh\n";
    let script = "#!/bin/sh\nexport GOOS=${GOOS:-linux}\ngo build -trimpath -o \"out/app_$GOOS\" .\n";
    let image = "FROM golang:1.27 AS build\nWORKDIR /src\nCOPY . .\nRUN make build\nFROM scratch\nCOPY --from=build /src/out/app_linux /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    let release = "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: macos-latest\n    steps:\n      - run: make build\n      - run: gh release upload v1 out/app_darwin\n";
    let found = check_in_module(&[("Makefile", make), ("build.sh", script), ("Dockerfile", image)]);
    assert!(found.is_empty(), "{found:#?}");
    let found =
        check_in_module(&[("Makefile", make), ("build.sh", script), (".github/workflows/release.yml", release)]);
    assert_eq!(rules(&found), [("macos-not-notarized", "Makefile:7")], "{found:#?}");
}

/// `ko build` is a `go build` per package with ko's defaults (`-trimpath`, `CGO_ENABLED=0`)
/// and the `.ko.yaml` build's ldflags, a template over the command's environment. It ships
/// when ko pushes the image, not when it keeps it on this machine (`KO_DOCKER_REPO=ko.local`).
#[test]
fn ko_builds_read_their_config_with_the_callers_environment() {
    let config = "defaultBaseImage: cgr.dev/chainguard/static@sha256:0000000000000000000000000000000000000000000000000000000000000000\nbuilds:\n  - id: app\n    main: ./cmd/app\n    ldflags:\n      - '{{ if index .Env \"LD_FLAGS\" }}{{ .Env.LD_FLAGS }}{{ end }}'\n";
    let make = |flags: &str, repo: &str| {
        format!(
            "KO ?= $(PWD)/.tools/ko\nLD_FLAGS := \"{flags}\"\npublish-app:\n\t@LD_FLAGS=$(LD_FLAGS) KO_DOCKER_REPO={repo} \\\n\t\t$(KO) build ./cmd/app --bare --platform=all\n"
        )
    };
    let files = |make: &str| check_in_module(&[("cmd/app/main.go", MAIN), (".ko.yaml", config), ("Makefile", make)]);
    let found = files(&make("-s -w -X main.buildDate=$(shell date +%s)", "ghcr.io/acme/app"));
    let found = rules(&found);
    assert!(found.contains(&("stripped-without-symbols", "Makefile:5")), "{found:#?}");
    assert!(found.contains(&("non-reproducible-build", "Makefile:5")), "{found:#?}");
    assert!(!found.iter().any(|(r, _)| *r == "untrimmed-paths"), "ko adds -trimpath: {found:#?}");
    // The same build kept in the local Docker daemon, and a pushed build with plain ldflags.
    assert!(files(&make("-s -w -X main.buildDate=$(shell date +%s)", "ko.local")).is_empty());
    assert!(files(&make("-X main.buildDate=$(shell git log -1 --format=%ct)", "ghcr.io/acme/app")).is_empty());
    // Flags on ko's command line keep what their values are made of.
    let cli =
        "publish:\n\tKO_DOCKER_REPO=ghcr.io/acme/app ko build --ldflags=\"-X main.buildDate=$$(date +%s)\" ./cmd/app\n";
    let found = check_in_module(&[("cmd/app/main.go", MAIN), ("Makefile", cli)]);
    assert_eq!(rules(&found), [("non-reproducible-build", "Makefile:2")], "{found:#?}");
    // Without the config ko passes no ldflags: the variable alone does nothing.
    let alone = check_in_module(&[("cmd/app/main.go", MAIN), ("Makefile", &make("-s -w", "ghcr.io/acme/app"))]);
    assert!(alone.is_empty(), "{alone:#?}");
}

/// wangyoucao577/go-release-action runs `go build` itself for its `goos`/`goarch` with its
/// `build_flags` and `ldflags` inputs, adds no `-trimpath`, and uploads to the release.
#[test]
fn go_release_action_builds_and_uploads() {
    let wf = |build_flags: &str, upload: &str| {
        format!(
            "on:\n  release:\n    types: [created]\njobs:\n  release:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        goos: [linux, windows]\n    steps:\n      - uses: actions/checkout@v4\n      - uses: wangyoucao577/go-release-action@v1\n        with:\n          github_token: ${{{{ secrets.GITHUB_TOKEN }}}}\n          goos: ${{{{ matrix.goos }}}}\n          goarch: amd64\n          goversion: 1.27.2\n          pre_command: export CGO_ENABLED=0\n          build_flags: {build_flags}\n          ldflags: -s -w -X main.buildDate=${{{{ github.sha }}}}\n          upload: {upload}\n"
        )
    };
    let found = check_in_module(&[(".github/workflows/release.yml", &wf("-tags netgo", "true"))]);
    assert_eq!(
        rules(&found),
        [
            ("untrimmed-paths", ".github/workflows/release.yml:12"),
            ("stripped-without-symbols", ".github/workflows/release.yml:20")
        ],
        "{found:#?}"
    );
    assert!(found[0].2.contains("go-release-action uploads it to a GitHub release"), "{}", found[0].2);
    // With -trimpath and an unstripped build, or with nothing uploaded: nothing to say.
    let trimmed = wf("-trimpath -tags netgo", "true").replace("-s -w ", "");
    assert!(check_in_module(&[(".github/workflows/release.yml", &trimmed)]).is_empty());
    assert!(check_in_module(&[(".github/workflows/release.yml", &wf("-tags netgo", "false"))]).is_empty());
}

/// `${target//\// }` replaces every `/` (the pattern's slash is escaped): the usual way a
/// script splits `os/arch` into an array.
#[test]
fn a_substitution_whose_pattern_is_an_escaped_slash() {
    let script = |ext: &str| {
        format!(
            "#!/usr/bin/env bash\nfor target in linux/amd64 windows/amd64; do\n  parts=(${{target//\\// }})\n  os=${{parts[0]}}\n  ext=''\n  {ext}\n  GOOS=$os GOARCH=${{parts[1]}} go build -trimpath -o \"./bin/app_${{os}}$ext\" .\ndone\n"
        )
    };
    let found = check_in_module(&[("build.sh", &script(""))]);
    assert_eq!(rules(&found), [("cross-build-overwrite", "build.sh:7")], "{found:#?}");
    assert!(found[0].2.contains("./bin/app_windows without .exe"), "{}", found[0].2);
    let fixed = script("[ \"$os\" = windows ] && ext=.exe");
    assert!(check_in_module(&[("build.sh", &fixed)]).is_empty());
}

/// A script that builds a helper through a toolchain path and then runs it (`exec
/// "${root}/tool"`) builds a tool, whatever its name says; without the run it ships.
#[test]
fn a_tool_built_through_a_toolchain_path_and_run() {
    let script = |tail: &str| {
        format!(
            "#!/usr/bin/env bash\nroot=\"${{BASH_SOURCE%/*}}/..\"\ntool_path=\"./crosstool\"\n\"$toolchain/bin/go\" build -o \"$tool_path\" ./cmd/crosstool\n{tail}\n"
        )
    };
    let files =
        |tail: &str| check_in_module(&[("cmd/crosstool/main.go", MAIN), ("tools/cross-wrapper.sh", &script(tail))]);
    assert!(files("exec \"${root}/crosstool\" \"$@\"").is_empty());
    let found = files("tar czf dist/crosstool.tgz crosstool");
    assert_eq!(rules(&found), [("untrimmed-paths", "tools/cross-wrapper.sh:4")], "{found:#?}");
}

/// A script whose caller gives it stripping flags (`LDFLAGS='-s -w' ./build.sh`) strips every
/// build of that run, said once where the flags are written: at the caller. The same script
/// read alone (its flags unset) keeps no unstripped copy of the caller's run.
#[test]
fn flags_from_the_caller_strip_every_build_of_its_run() {
    let make = "release:\n\tLDFLAGS='-s -w' ./build.sh\n";
    let script = "#!/bin/sh\nfor os in linux darwin; do\n  GOOS=$os go build -trimpath -ldflags \"$LDFLAGS\" -o \"bin/app_$os\" .\ndone\nGOOS=linux GOARCH=arm go build -trimpath -ldflags \"$LDFLAGS\" -o bin/app_arm .\n";
    let found = check_in_module(&[("Makefile", make), ("build.sh", script)]);
    let stripped: Vec<_> = rules(&found).into_iter().filter(|(r, _)| *r == "stripped-without-symbols").collect();
    assert_eq!(stripped, [("stripped-without-symbols", "Makefile:2")], "{found:#?}");
    let unstripped =
        check_in_module(&[("Makefile", &make.replace("-s -w", "-X main.buildDate=x")), ("build.sh", script)]);
    assert!(!unstripped.iter().any(|(r, ..)| r == "stripped-without-symbols"), "{unstripped:#?}");
}

/// Under `.ONESHELL:` a rule's recipe lines run in one shell: what one exports the `$(MAKE)`
/// of the next passes on.
#[test]
fn oneshell_recipes_share_their_exports() {
    let make = |oneshell: &str| {
        format!(
            "{oneshell}release:\n\texport LDFLAGS_EXT='-s -w'\n\t${{MAKE}} build-base GOOS=linux\n\nbuild-base:\n\tgo build -trimpath -ldflags=\"${{LDFLAGS_EXT}}\" -o bin/app_$(GOOS) .\n"
        )
    };
    let found = check_in_module(&[("Makefile", &make(".ONESHELL:\n"))]);
    assert_eq!(rules(&found), [("stripped-without-symbols", "Makefile:7")], "{found:#?}");
    assert!(check_in_module(&[("Makefile", &make(""))]).is_empty());
}

/// A Makefile that runs itself many times (`$(MAKE) build-base OUT=...` per variant) leaves the
/// runs its callers make their own count: a release workflow's `make build-all` still reaches
/// the build it uploads.
#[test]
fn a_makefiles_own_recursion_leaves_its_callers_runs() {
    let mut make: String = (0..20).map(|i| format!("dev{i}:\n\t$(MAKE) build-base OUT=dev{i}\n")).collect();
    make.push_str("build-all:\n\t$(MAKE) build-base OUT=app\n\nbuild-base:\n\tgo build -o bin/$(OUT) .\n");
    let wf = "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make build-all\n      - run: gh release upload v1 bin/app\n";
    let found = check_in_module(&[("Makefile", &make), (".github/workflows/release.yml", wf)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:45")], "{found:#?}");
    assert!(found[0].2.contains("release.yml:8 runs it"), "{}", found[0].2);
}

/// An `-X` path that no module of the build can hold (the `/v2` of the module path forgotten)
/// names a package that is never linked; a module go.mod requires may hold it.
#[test]
fn an_x_path_outside_every_module_of_the_build() {
    let go_mod = "module example.com/app/v2\n\ngo 1.22\n\nrequire github.com/other/lib v1.2.0\n";
    let version = "package version\n\nvar Commit string\n";
    let make = |target: &str| {
        format!("build:\n\tgo build -trimpath -ldflags \"-X {target}=$(shell git rev-parse HEAD)\" -o bin/app .\n")
    };
    let files = |target: &str| {
        check(&[
            ("go.mod", go_mod),
            ("main.go", MAIN),
            ("internal/version/version.go", version),
            ("Makefile", &make(target)),
        ])
    };
    let found = files("example.com/app/internal/version.Commit");
    assert_eq!(rules(&found), [("x-flag-unknown-target", "Makefile:2")], "{found:#?}");
    assert!(found[0].2.contains("did you mean example.com/app/v2/internal/version.Commit"), "{}", found[0].2);
    assert!(files("example.com/app/v2/internal/version.Commit").is_empty());
    assert!(files("github.com/other/lib/version.Commit").is_empty(), "a required module may declare it");
    // An image build may compile a module it clones.
    let image = "FROM golang:1.27 AS build\nRUN git clone https://example.com/other.git /src\nWORKDIR /src\nRUN CGO_ENABLED=0 go build -trimpath -ldflags \"-X example.com/other/version.Commit=x\" -o /app .\nFROM scratch\nCOPY --from=build /app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    let found = check(&[("go.mod", go_mod), ("main.go", MAIN), ("Dockerfile", image)]);
    assert!(found.is_empty(), "{found:#?}");
}

/// A windows library (`-buildmode=c-shared`) is a `.dll`, not an executable missing `.exe`.
#[test]
fn a_windows_library_keeps_its_dll_name() {
    let make = |mode: &str| format!("release:\n\tGOOS=windows go build -trimpath {mode} -o dist/app-amd64.dll .\n");
    assert!(check_in_module(&[("Makefile", &make("-buildmode=c-shared"))]).is_empty());
    let found = check_in_module(&[("Makefile", &make(""))]);
    assert_eq!(rules(&found), [("cross-build-overwrite", "Makefile:2")], "{found:#?}");
}

/// goreleaser runs `go build` in its own environment: a Makefile that exports
/// `GOFLAGS=-trimpath` before `goreleaser release` trims every build of the config.
#[test]
fn goreleaser_builds_read_goflags_from_the_run() {
    let config =
        "version: 2\nbuilds:\n  - main: .\n    goos: [linux]\n    ldflags: ['-X main.buildDate={{.CommitDate}}']\n";
    let make = |export: &str| format!("{export}release:\n\tgoreleaser release --clean\n");
    let files = |make: &str| check_in_module(&[(".goreleaser.yml", config), ("Makefile", make)]);
    assert!(files(&make("export GOFLAGS = -trimpath\n")).is_empty());
    let found = files(&make(""));
    assert_eq!(rules(&found), [("untrimmed-paths", ".goreleaser.yml:3")], "{found:#?}");
}

/// A target that a release target runs makes what is released: `release: build-darwin` ships
/// the darwin build, through a pattern rule too (`build.darwin: bin/darwin/app` runs
/// `bin/darwin/%:`). The same target that nothing releasing runs stays a local build.
#[test]
fn a_target_that_a_release_target_runs_ships() {
    let make = |release: &str| {
        format!(
            "{release}build-darwin:\n\tGOOS=darwin GOARCH=arm64 go build -trimpath -o out/app-darwin .\n\nbin/darwin/%:\n\tGOOS=darwin go build -trimpath -o $@ ./cmd/$*\n\nbuild.darwin: bin/darwin/app\n"
        )
    };
    let found =
        check_in_module(&[("Makefile", &make("release: build-darwin build.darwin\n\ttar -czf app.tgz out bin\n\n"))]);
    assert_eq!(
        rules(&found),
        [("macos-not-notarized", "Makefile:5"), ("macos-not-notarized", "Makefile:8")],
        "{found:#?}"
    );
    assert!(found[0].2.contains("which the release target runs"), "{}", found[0].2);
    // A `cross` target is a compile check as often as a release.
    for other in ["check: build-darwin build.darwin\n\tgo vet ./...\n\n", "cross: build-darwin build.darwin\n\n"] {
        let found = check_in_module(&[("Makefile", &make(other))]);
        assert!(found.is_empty(), "{found:#?}");
    }
}

/// cmd/go takes every argument that ends in `.go` as a file, holes and all: a pattern rule's
/// `./cmd/$*/*.go` builds a file list with no main module.
#[test]
fn a_file_list_with_holes_is_still_a_file_list() {
    let make = |files: &str| format!("release: bin/app\n\nbin/%:\n\tgo build -trimpath -o $@ {files}\n");
    let found = check_in_module(&[("Makefile", &make("./cmd/$*/*.go"))]);
    assert_eq!(rules(&found), [("missing-buildinfo", "Makefile:4")], "{found:#?}");
    assert!(check_in_module(&[("Makefile", &make("./cmd/$*"))]).is_empty());
}

/// A script that never names darwin builds it because its caller asked: the finding is at the
/// caller's line, once per line, and that file's ignore comments apply to it. A script that
/// chooses darwin itself is found at its own command.
#[test]
fn darwin_chosen_by_the_caller_is_found_at_the_caller() {
    let raw = "#!/bin/sh\ngo build -trimpath -o \"bin/app-$GOOS-$GOARCH\" .\n";
    let release = "#!/bin/sh\nGOOS=linux GOARCH=amd64 ./build-raw.sh\nGOOS=darwin GOARCH=amd64 ./build-raw.sh\nGOOS=darwin GOARCH=arm64 ./build-raw.sh\n";
    let found = check_in_module(&[("build-raw.sh", raw), ("release.sh", release)]);
    assert_eq!(
        rules(&found),
        [("macos-not-notarized", "release.sh:3"), ("macos-not-notarized", "release.sh:4")],
        "{found:#?}"
    );
    assert!(found[0].2.contains("darwin/amd64 binaries built by build-raw.sh are shipped"), "{}", found[0].2);
    let ignored = release.replace(
        "GOOS=darwin GOARCH=amd64",
        "# shiplint: ignore[macos-not-notarized] signed by hand\nGOOS=darwin GOARCH=amd64",
    );
    let found = check_in_module(&[("build-raw.sh", raw), ("release.sh", &ignored)]);
    assert_eq!(rules(&found), [("macos-not-notarized", "release.sh:5")], "{found:#?}");

    let own = "#!/bin/sh\nfor os in linux darwin; do\n  GOOS=$os go build -trimpath -o \"bin/app-$os\" .\ndone\n";
    let found = check_in_module(&[("build-raw.sh", own), ("release.sh", "#!/bin/sh\n./build-raw.sh\n")]);
    assert_eq!(rules(&found), [("macos-not-notarized", "build-raw.sh:3")], "{found:#?}");
    // goxz builds darwin by default: the Makefile chose it, whatever its caller names.
    let make = "cross:\n\tgoxz -d dist/v1 -build-ldflags=\"-X main.buildDate=x\" .\n";
    let wf = "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: macos-latest\n    steps:\n      - run: make cross\n      - run: gh release upload v1 dist/v1/*\n";
    let found = check_in_module(&[("Makefile", make), (".github/workflows/release.yml", wf)]);
    assert_eq!(rules(&found), [("macos-not-notarized", "Makefile:2")], "{found:#?}");
}

/// The images ko pushes are built on the config's base images: `defaultBaseImage`, or the
/// package's entry of `baseImageOverrides` (keyed by import path). An unpinned base, or one that
/// runs as root with no `--image-user`, is found at the config's line; a command that only
/// builds locally publishes nothing, and `img=$(ko build ...)` pushes like `ko build` does.
#[test]
fn ko_images_are_judged_by_the_base_images_of_their_config() {
    let config = "defaultBaseImage: gcr.io/distroless/static-debian12:nonroot\nbaseImageOverrides:\n  example.com/app/cmd/tool: golang:latest\n";
    let wf = |run: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  image:\n    runs-on: ubuntu-latest\n    env:\n      KO_DOCKER_REPO: ghcr.io/acme\n    steps:\n      - run: |\n          {run}\n          echo \"$img\"\n"
        )
    };
    let files = |run: &str| {
        check_in_module(&[
            ("cmd/app/main.go", MAIN),
            ("cmd/tool/main.go", MAIN),
            (".ko.yaml", config),
            (".github/workflows/image.yml", &wf(run)),
        ])
    };
    let found = files("img=$(ko build --bare ./cmd/tool)");
    assert_eq!(
        rules(&found),
        [("root-final-image", ".ko.yaml:3"), ("unpinned-base-image", ".ko.yaml:3")],
        "{found:#?}"
    );
    assert!(found[0].2.contains("image.yml:11 runs it) on golang:latest"), "{}", found[0].2);
    // The app's image is on the pinned nonroot default; the tool's with a user set; kept locally.
    assert!(files("img=$(ko build --bare ./cmd/app)").is_empty());
    let user = files("img=$(ko build --bare --image-user 65532 ./cmd/tool)");
    assert_eq!(rules(&user), [("unpinned-base-image", ".ko.yaml:3")], "{user:#?}");
    assert!(files("img=$(ko build --local ./cmd/tool)").is_empty());
}

#[test]
fn ko_resolve_builds_the_packages_its_files_reference() {
    // `ko resolve -f config/` builds each `ko://` import path of the YAML files it is given.
    let config = "defaultBaseImage: gcr.io/distroless/static-debian12:nonroot\nbaseImageOverrides:\n  example.com/app/cmd/tool: alpine:3.20\n";
    let manifest = |package: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: ko://example.com/app/{package}\n"
        )
    };
    let files = |package: &str, run: &str| {
        check_in_module(&[
            ("cmd/app/main.go", MAIN),
            ("cmd/tool/main.go", MAIN),
            (".ko.yaml", config),
            ("config/deploy.yaml", &manifest(package)),
            ("Makefile", &format!("release:\n\t{run}\n")),
        ])
    };
    for run in
        ["ko resolve -f config/ > release.yaml", "ko apply -Bf config/deploy.yaml", "ko resolve --filename=config"]
    {
        let found = files("cmd/tool", run);
        assert_eq!(rules(&found), [("root-final-image", ".ko.yaml:3")], "{run}: {found:#?}");
    }
    // The app's image is on the nonroot default.
    assert!(files("cmd/app", "ko resolve -f config/ > release.yaml").is_empty());
    // The config's ldflags are judged where the config writes them.
    let stamped = "defaultBaseImage: gcr.io/distroless/static-debian12:nonroot\nbuilds:\n  - id: app\n    main: ./cmd/app\n    ldflags:\n      - -X example.com/app/pkg/version.Version={{.Env.VERSION}}\n      - -X main.buildDate={{.Date}}\n";
    let found = check_in_module(&[
        ("cmd/app/main.go", MAIN),
        (".ko.yaml", stamped),
        ("config/deploy.yaml", &manifest("cmd/app")),
        ("Makefile", "release:\n\tko resolve -f config/ > release.yaml\n"),
    ]);
    assert_eq!(
        rules(&found),
        [("x-flag-unknown-target", ".ko.yaml:6"), ("non-reproducible-build", ".ko.yaml:7")],
        "{found:#?}"
    );
}

/// actions/upload-artifact keeps the files its `path:` names: a job that builds with make and
/// uploads its test results keeps no binary, and its Go release is not a release's.
#[test]
fn an_uploaded_artifact_keeps_only_its_paths() {
    let make = "all:\n\tgo build -o app .\n";
    let wf = |path: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.22.3'\n      - run: make all\n      - run: go test ./... > test-results/out.txt\n      - uses: actions/upload-artifact@v4\n        with:\n          path: {path}\n"
        )
    };
    let files = |path: &str| check_in_module(&[("Makefile", make), (".github/workflows/ci.yml", &wf(path))]);
    assert!(files("test-results/").is_empty(), "{:#?}", files("test-results/"));
    let found = files("|\n            app\n            test-results/");
    assert_eq!(
        rules(&found),
        [("toolchain-unsupported", ".github/workflows/ci.yml:10"), ("untrimmed-paths", "Makefile:2")],
        "{found:#?}"
    );
}

/// make expands its functions in a recipe before the shell reads it: an optional `-tags` is
/// `-tags ...` or nothing, neither of which is `-trimpath`; a `-trimpath` that only some
/// environments get may be there.
#[test]
fn make_functions_in_a_recipe_are_expanded() {
    let make = |flags: &str| format!("GO_TAGS ?=\nrelease:\n\tgo build {flags} -o dist/app .\n");
    let found = check_in_module(&[("Makefile", &make("$(if $(GO_TAGS),-tags $(GO_TAGS))"))]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:3")], "{found:#?}");
    let tagged = "$(shell git tag --points-at HEAD)";
    let found = check_in_module(&[("Makefile", &make(&format!("$(if {tagged},-tags release)")))]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:3")], "{found:#?}");
    assert!(check_in_module(&[("Makefile", &make("$(if $(GO_TAGS),-tags $(GO_TAGS)) -trimpath"))]).is_empty());
    assert!(check_in_module(&[("Makefile", &make(&format!("$(if {tagged},-trimpath)")))]).is_empty());
}

/// A release target that runs the release in a build container (`docker run golang sh -c
/// "make local-release"`) releases what that target builds, though its name says local.
#[test]
fn a_release_run_in_a_container_by_a_release_target_ships() {
    let local = "local-release:\n\tfor OS in darwin linux; do \\\n\t\tGOOS=$$OS go build -o release/$$OS/app .; \\\n\t\ttar -czf release/app-$$OS.tar.gz -C release/$$OS app; \\\n\tdone\n";
    let release = "release:\n\tdocker run --rm -v $(CURDIR):/src -w /src golang:1.26 sh -c \"apk add make && setpriv --reuid=1000 make local-release\"\n\n";
    let found = check_in_module(&[("Makefile", &format!("{release}{local}"))]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:6"), ("macos-not-notarized", "Makefile:6")], "{found:#?}");
    assert!(found[0].2.contains("in the release target (Makefile:2 runs it)"), "{}", found[0].2);
    // Run by nothing, a local release is a developer's.
    assert!(check_in_module(&[("Makefile", local)]).is_empty());
}

/// An image that copies in a program built elsewhere names it through its ARG defaults
/// (`COPY dist/$TARGETOS/$TARGETARCH/$BIN_NAME /bin/`): it ships the module's program, so its
/// base image is judged.
#[test]
fn a_program_an_image_copies_is_named_through_its_arg_defaults() {
    let dockerfile = |base: &str| {
        format!(
            "FROM {base}\nARG BIN_NAME=app\nARG TARGETOS TARGETARCH\nCOPY ./dist/$TARGETOS/$TARGETARCH/$BIN_NAME /bin/\nUSER 65532\nCMD /bin/$BIN_NAME\n"
        )
    };
    let found = check_in_module(&[("Dockerfile", &dockerfile("alpine:latest"))]);
    assert_eq!(rules(&found), [("unpinned-base-image", "Dockerfile:1")], "{found:#?}");
    assert!(check_in_module(&[("Dockerfile", &dockerfile("alpine:3.20"))]).is_empty());
    // A name that is not the module's program: an image of something else.
    let other = dockerfile("alpine:latest").replace("BIN_NAME=app", "BIN_NAME=docs");
    assert!(check_in_module(&[("Dockerfile", &other)]).is_empty());
    // The program's name with a platform or flavour after a dash is the program; a file with
    // an extension after it (`app-config.yaml`) is not.
    let flavour = dockerfile("alpine:latest").replace("BIN_NAME=app", "BIN_NAME=app-linux-prod");
    assert_eq!(rules(&check_in_module(&[("Dockerfile", &flavour)])), [("unpinned-base-image", "Dockerfile:1")]);
    let config = dockerfile("alpine:latest").replace("BIN_NAME=app", "BIN_NAME=app-config.yaml");
    assert!(check_in_module(&[("Dockerfile", &config)]).is_empty());
}

/// A base image whose platform comes from the build's caller (`--build-arg ARCH=$*`) is still
/// the tag it writes: `busybox-${OS}-${ARCH}:latest` floats on every platform.
#[test]
fn a_base_named_by_the_caller_is_judged_by_its_written_tag() {
    let make = "docker-%:\n\tdocker build -t example/app-linux-$* --build-arg ARCH=\"$*\" --build-arg OS=linux .\n";
    let dockerfile = |tag: &str| {
        format!(
            "ARG ARCH=amd64\nARG OS=linux\nFROM quay.io/example/busybox-${{OS}}-${{ARCH}}:{tag}\nCOPY .build/${{OS}}-${{ARCH}}/app /bin/app\nUSER nobody\nENTRYPOINT [\"/bin/app\"]\n"
        )
    };
    let found = check_in_module(&[("Makefile", make), ("Dockerfile", &dockerfile("latest"))]);
    assert_eq!(rules(&found), [("unpinned-base-image", "Dockerfile:3")], "{found:#?}");
    assert!(found[0].2.contains("busybox-$OS-$ARCH:latest"), "the caller chooses the platform: {}", found[0].2);
    assert!(check_in_module(&[("Makefile", make), ("Dockerfile", &dockerfile("1.36"))]).is_empty());
}

/// A loop over the files a pattern matches builds one program per file: each iteration
/// writes its own output. A loop over written names that all write one file overwrites.
#[test]
fn a_loop_over_matched_files_writes_one_output_each() {
    let script = |list: &str| {
        format!(
            "#!/bin/sh\nfor p in {list}; do\n  n=$(basename \"$p\")\n  GOOS=linux go build -trimpath -o \"dist/docker-${{n%%-*}}\" \"./$p\"\ndone\n"
        )
    };
    assert!(check(&[("release.sh", &script("plugins/*"))]).is_empty());
    let found = check(&[("release.sh", &script("plugins/a-1 plugins/a-2"))]);
    assert_eq!(rules(&found), [("cross-build-overwrite", "release.sh:4")], "{found:#?}");
}

/// A target for this machine (`build-local`) builds what ships when a release image runs it;
/// a test target that image runs builds only for its tests.
#[test]
fn a_local_build_a_release_image_runs_ships() {
    let make = "build-local:\n\tCGO_ENABLED=0 go build -o app .\n\ntest-build:\n\tgo build -o app-test .\n";
    let dockerfile = |target: &str| {
        format!(
            "FROM golang:1.26 AS builder\nWORKDIR /src\nCOPY . .\nRUN make {target}\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=builder /src/app /app\nENTRYPOINT [\"/app\"]\n"
        )
    };
    let found = check_in_module(&[("Makefile", make), ("Dockerfile", &dockerfile("build-local"))]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:2")], "{found:#?}");
    assert!(found[0].2.contains("built into an image (Dockerfile:4 runs it)"), "{}", found[0].2);
    assert!(check_in_module(&[("Makefile", make), ("Dockerfile", &dockerfile("test-build"))]).is_empty());
    assert!(check_in_module(&[("Makefile", make)]).is_empty(), "run by nothing, it is a developer's");
}

/// `go install pkg@version` builds that version of the package's module: the project's release
/// when the module is the project's own (`make official-build`, into a GOPATH of its own),
/// someone else's tool otherwise.
#[test]
fn installing_a_version_of_the_own_module_is_its_release() {
    let make = |package: &str| {
        format!(
            "VERSION ?= $(shell git describe)\nrelease:\n\tGOPATH=$(CURDIR)/.build CGO_ENABLED=0 go install -trimpath -ldflags \"-s -w\" {package}@v$(VERSION)\n"
        )
    };
    let found = check_in_module(&[("Makefile", &make("example.com/app"))]);
    assert_eq!(rules(&found), [("stripped-without-symbols", "Makefile:3")], "{found:#?}");
    assert!(check_in_module(&[("Makefile", &make("golang.org/x/tools/cmd/stringer"))]).is_empty());
}

/// `FROM php-base` names a build context that the bake file gives (`contexts = { php-base =
/// "docker-image://..." }`), not an untagged image.
#[test]
fn a_bake_context_is_not_an_untagged_image() {
    let dockerfile = "FROM php-base\nCOPY app /usr/local/bin/app\nUSER 1000\nENTRYPOINT [\"app\"]\n";
    let bake = "target \"default\" {\n  contexts = {\n    php-base = \"docker-image://php:8.4-zts\"\n  }\n}\n";
    assert!(check_in_module(&[("Dockerfile", dockerfile), ("docker-bake.hcl", bake)]).is_empty());
    let found = check_in_module(&[("Dockerfile", dockerfile)]);
    assert_eq!(rules(&found), [("unpinned-base-image", "Dockerfile:1")], "{found:#?}");
}

/// goreleaser's `targets:` replaces `goos` and `goarch`: a build listing only Linux targets
/// builds no darwin binary, and `go_first_class` does.
#[test]
fn goreleaser_targets_say_which_systems_are_built() {
    let config = |targets: &str| {
        format!(
            "version: 2\nbuilds:\n  - id: app\n    flags: [-trimpath]\n    ldflags: ['-X main.buildDate={{{{.CommitDate}}}}']\n    targets: [{targets}]\n"
        )
    };
    assert!(check_in_module(&[(".goreleaser.yaml", &config("linux_amd64, linux_arm64_v8.0"))]).is_empty());
    let found = check_in_module(&[(".goreleaser.yaml", &config("go_first_class"))]);
    assert_eq!(rules(&found), [("macos-not-notarized", ".goreleaser.yaml:3")], "{found:#?}");
    assert!(found[0].2.contains("lists darwin"), "{}", found[0].2);
}

/// goreleaser builds that share their ldflags through a YAML anchor (`ldflags: *common`, or
/// `<<: *defaults` merging a whole entry) are each a build: each gets its finding at the alias
/// that brings the flags in, not one for all at the anchor.
#[test]
fn goreleaser_builds_sharing_ldflags_through_an_alias_are_judged_each() {
    let aliased = "version: 2\nbuilds:\n  - id: linux\n    flags: [-trimpath]\n    goos: [linux]\n    ldflags: &flags\n      - -s -w\n      - -X main.buildDate={{.Date}}\n  - id: windows\n    flags: [-trimpath]\n    goos: [windows]\n    ldflags: *flags\n";
    let found = check_in_module(&[(".goreleaser.yaml", aliased)]);
    assert_eq!(places(&found, "stripped-without-symbols"), [".goreleaser.yaml:7", ".goreleaser.yaml:12"], "{found:#?}");
    assert_eq!(places(&found, "non-reproducible-build"), [".goreleaser.yaml:8", ".goreleaser.yaml:12"], "{found:#?}");
    let merged = "version: 2\nbuilds:\n  - <<: &defaults\n      flags: [-trimpath]\n      ldflags: [-s, -w]\n    id: linux\n    goos: [linux]\n  - <<: *defaults\n    id: windows\n    goos: [windows]\n";
    let found = check_in_module(&[(".goreleaser.yaml", merged)]);
    assert_eq!(places(&found, "stripped-without-symbols"), [".goreleaser.yaml:5", ".goreleaser.yaml:8"], "{found:#?}");
    // The twin: unstripped flags from the anchor, the commit's date; nothing to say for either build.
    let silent = aliased.replace("      - -s -w\n", "").replace(".Date", ".CommitDate");
    assert!(check_in_module(&[(".goreleaser.yaml", &silent)]).is_empty());
}

/// A CI job that checks its build with `goreleaser build --snapshot` publishes nothing: what an
/// earlier step of the job built is not kept by it. A release run keeps it.
#[test]
fn a_snapshot_run_of_goreleaser_keeps_nothing() {
    let make = "build:\n\tCGO_ENABLED=0 go build -o ./bin/app-linux .\n";
    let workflow = |args: &str| {
        format!(
            "on:\n  push:\n    tags: ['*']\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make build\n      - uses: goreleaser/goreleaser-action@v6\n        with:\n          args: {args}\n"
        )
    };
    let config = "version: 2\nbuilds:\n  - flags: [-trimpath]\n    ldflags: ['-X main.buildDate={{.CommitDate}}']\n    goos: [linux]\n";
    let files = |args: &str| {
        let workflow = workflow(args);
        check_in_module(&[("Makefile", make), (".github/workflows/ci.yml", &workflow), (".goreleaser.yaml", config)])
    };
    assert!(files("build --snapshot --clean --single-target").is_empty(), "{:#?}", files("build --snapshot"));
    // An expression in the config's name does not undo the `build --snapshot` around it.
    let per_runner = files("build --snapshot --clean --config .goreleaser.${{ matrix.os }}.yml");
    assert!(per_runner.is_empty(), "{per_runner:#?}");
    let found = files("release --clean");
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:2")], "{found:#?}");
    // The subcommand itself may come from an expression.
    let found = files("${{ inputs.goreleaser-args }}");
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:2")], "{found:#?}");
}

/// goreleaser writes its release to `dist/`: a Makefile's `go build -o dist/app` beside a
/// goreleaser config that builds is a local build, not the release. With every goreleaser build
/// `builder: prebuilt`, the Makefile's builds are what goreleaser ships.
#[test]
fn a_dist_folder_beside_goreleaser_is_a_local_build() {
    let make = "build:\n\tgo build -o dist/app .\n";
    let config = |builder: &str| {
        format!(
            "version: 2\nbuilds:\n  - flags: [-trimpath]\n    ldflags: ['-X main.buildDate={{{{.CommitDate}}}}']\n    goos: [linux]\n{builder}"
        )
    };
    assert!(check_in_module(&[("Makefile", make), (".goreleaser.yaml", &config(""))]).is_empty());
    let prebuilt = config("    builder: prebuilt\n    prebuilt:\n      path: dist/app\n");
    let found = check_in_module(&[("Makefile", make), (".goreleaser.yaml", &prebuilt)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:2")], "{found:#?}");
}

/// A release goal that runs the program its prerequisite builds (`$< update`, `./bin/gen`) uses
/// it as a tool: the tool is not released.
#[test]
fn a_tool_a_release_target_runs_is_not_released() {
    let make = |run: &str| {
        format!(
            "release-notes: hack/gen/gen\n\t{run} update --final\n\nhack/gen/gen: hack/gen/main.go\n\tgo build -o $@ ./hack/gen\n"
        )
    };
    for run in ["$<", "./hack/gen/gen", "hack/gen/gen"] {
        assert!(check_in_module(&[("Makefile", &make(run)), ("hack/gen/main.go", MAIN)]).is_empty(), "{run}");
    }
    let found = check_in_module(&[("Makefile", &make("tar -czf notes.tgz")), ("hack/gen/main.go", MAIN)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:5")], "{found:#?}");
}

/// `SOURCE_DATE_EPOCH ?= $(shell date +%s)` (or `${SOURCE_DATE_EPOCH:-$(date +%s)}`) is the
/// reproducible-builds convention: whoever builds reproducibly sets it; the clock is the
/// fallback. A date derived from it is not a clock stamp; one from the clock alone is.
#[test]
fn a_clock_default_for_source_date_epoch_is_the_convention() {
    let make = |epoch: &str| {
        format!(
            "{epoch}\nDATE := $(shell date -u -d \"@$(SOURCE_DATE_EPOCH)\" +%FT%TZ)\nrelease:\n\tgo build -trimpath -ldflags \"-X main.date=$(DATE)\" -o dist/app .\n"
        )
    };
    assert!(check(&[("Makefile", &make("SOURCE_DATE_EPOCH ?= $(shell date +%s)"))]).is_empty());
    let script = "#!/bin/sh\nepoch=${SOURCE_DATE_EPOCH:-$(date +%s)}\ngo build -trimpath -ldflags \"-X main.date=$(date -u -d @$epoch)\" -o dist/app .\n";
    let found = check(&[("release.sh", script)]);
    assert!(found.is_empty(), "{found:#?}");
    let found = check(&[("Makefile", &make("SOURCE_DATE_EPOCH := $(shell date +%s)"))]);
    assert_eq!(rules(&found), [("non-reproducible-build", "Makefile:4")], "{found:#?}");
}

/// A pattern rule run only by `$(MAKE)` from a local or test target (`local-cross`) builds for
/// that target's purpose; `cross` beside `local` names no release.
#[test]
fn a_target_a_local_target_runs_builds_for_it() {
    let make = |caller: &str| {
        format!(
            "TARGETS := bin/app.linux.amd64 bin/app.darwin.arm64\n{caller}:\n\t$(MAKE) $(TARGETS)\n\nbin/app.%:\n\tT=\"$*\"; GOOS=\"$${{T%%.*}}\" GOARCH=\"$${{T##*.}}\" go build -trimpath -o \"$@\" .\n"
        )
    };
    assert!(check_in_module(&[("Makefile", &make("local-cross"))]).is_empty());
    let found = check_in_module(&[("Makefile", &make("release-cross"))]);
    assert_eq!(rules(&found), [("macos-not-notarized", "Makefile:6")], "{found:#?}");
}

/// make reads `@`, `-` and `+` after expanding a recipe line: `$(Q)go build` with `Q := @` (the
/// quiet-mode idiom) runs go build.
#[test]
fn a_quiet_prefix_from_a_variable_is_not_the_command() {
    for q in ["Q := @", "Q ?= @", "E :=", "Q := @-"] {
        let make = format!("{q}\nrelease:\n\t$(Q)$(E)go build -o dist/app .\n");
        let found = check_in_module(&[("Makefile", &make)]);
        assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:3")], "{q}: {found:#?}");
    }
    // A variable that holds a command is not a prefix.
    let make = "RUN := env\nrelease:\n\t$(RUN) go build -o dist/app .\n";
    assert_eq!(rules(&check_in_module(&[("Makefile", make)])), [("untrimmed-paths", "Makefile:3")]);
}

/// A command variable that holds `go build` and writes its `-ldflags`, run by recipes that add
/// no flags of their own (`$(go_build) $@ ./cmd/$*`, `$(call BUILD,linux,amd64)`), is where the
/// build is written: one finding there. A template whose flags come from elsewhere
/// (`GO_BUILD = go build $(FLAGS)`) leaves the findings at each recipe.
#[test]
fn a_build_written_in_a_variable_is_reported_there() {
    let make = "go_build := go build -ldflags '-s -w' -o\nrelease: bin/app bin/tool\nbin/%: FORCE\n\t@$(go_build) $@ ./cmd/$*\nFORCE:\n";
    let found = check_in_module(&[("Makefile", make)]);
    assert_eq!(
        rules(&found),
        [("untrimmed-paths", "Makefile:1"), ("stripped-without-symbols", "Makefile:1")],
        "{found:#?}"
    );
    let call = "BUILD = GOOS=$(1) GOARCH=$(2) go build -ldflags=\"-s -w\" -trimpath -o bin/app-$(1)-$(2) .\nrelease:\n\t$(call BUILD,linux,amd64)\n\t$(call BUILD,linux,arm64)\n";
    assert_eq!(rules(&check_in_module(&[("Makefile", call)])), [("stripped-without-symbols", "Makefile:1")]);
    let template = "FLAGS := -ldflags '-s -w'\nGO_BUILD = go build $(FLAGS)\nrelease:\n\t$(GO_BUILD) -trimpath -o dist/a ./cmd/a\n\t$(GO_BUILD) -trimpath -o dist/b ./cmd/b\n";
    assert_eq!(
        rules(&check_in_module(&[("Makefile", template), ("cmd/a/main.go", MAIN), ("cmd/b/main.go", MAIN)])),
        [("stripped-without-symbols", "Makefile:4"), ("stripped-without-symbols", "Makefile:5")]
    );
}

/// A build script in a folder for tests (`test/integration/setup/build.sh`) builds test
/// programs, cross-compiled or not.
#[test]
fn a_script_in_a_test_folder_builds_for_tests() {
    let script = "#!/bin/sh\nGOOS=linux GOARCH=amd64 go build -o bin/agent ./cmd/agent\n";
    let agent = ("cmd/agent/main.go", MAIN);
    assert!(check_in_module(&[("test/integration/setup/build.sh", script), agent]).is_empty());
    let found = check_in_module(&[("scripts/build.sh", script), agent]);
    assert_eq!(rules(&found), [("untrimmed-paths", "scripts/build.sh:2")], "{found:#?}");
}

/// `GO := $(shell type -P go)` (or `which go`, `command -v go`) is the go command at a path
/// the file does not know.
#[test]
fn the_go_command_located_on_path_is_go() {
    for locate in ["type -P go", "which go", "command -v go"] {
        let make = format!("GO := $(shell {locate})\nrelease:\n\t$(GO) build -o dist/app .\n");
        let found = check_in_module(&[("Makefile", &make)]);
        assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:3")], "{locate}: {found:#?}");
    }
    let make = "GO := $(shell which gofmt)\nrelease:\n\t$(GO) build -o dist/app .\n";
    assert!(check_in_module(&[("Makefile", make)]).is_empty());
}

/// A build that names only other modules' import paths (a tool pinned in its own module file,
/// as bingo writes them) makes someone else's program; one of the project's own import path
/// is the project's.
#[test]
fn a_build_of_another_modules_package_is_a_tool() {
    let make = |package: &str| {
        format!("release:\n\tcd .bingo && go build -mod=mod -modfile=lint.mod -o=dist/tool \"{package}\"\n")
    };
    assert!(check_in_module(&[("Makefile", &make("github.com/other/lint/cmd/lint"))]).is_empty());
    let found = check_in_module(&[("Makefile", &make("example.com/app"))]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:2"), ("module-graph-drift", "Makefile:2")], "{found:#?}");
}

/// `go -C dir build` (Go 1.20) is a build in `dir`: `-C` comes before the subcommand.
#[test]
fn go_dash_c_builds_in_another_folder() {
    for c in ["-C hooks", "-C=hooks"] {
        let make = format!("release:\n\tCGO_ENABLED=0 go {c} build -o ../dist/hook .\n");
        let found = check_in_module(&[("Makefile", &make), ("hooks/go.mod", "module example.com/hooks\n\ngo 1.22\n")]);
        assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:2")], "{c}: {found:#?}");
    }
    let make = "release:\n\tgo -C hooks build -trimpath -o ../dist/hook .\n";
    assert!(check_in_module(&[("Makefile", make)]).is_empty());
}

/// A build for this machine into `dist/` beside the file's own builds for several platforms
/// (its release) is the developer's: the release folder's name says nothing then.
#[test]
fn a_host_build_beside_cross_builds_is_local() {
    let build = "build:\n\tgo build -o dist/app .\n";
    let release = "\nrelease:\n\tGOOS=linux go build -trimpath -o dist/app-linux .\n\tGOOS=windows go build -trimpath -o dist/app-windows.exe .\n";
    assert!(check_in_module(&[("Makefile", &format!("{build}{release}"))]).is_empty());
    let found = check_in_module(&[("Makefile", build)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:2")], "{found:#?}");
}

/// A target a Linux image runs (`RUN make dist/app`) is judged as it runs there: the recipe's
/// `ifeq ($(shell uname -s),Darwin)` branch for a Mac developer does not run, and the Makefile's
/// own reading of the target, with both branches, gives way to the image's.
#[test]
fn a_called_target_is_judged_as_its_caller_runs_it() {
    let make = "dist/app:\nifeq ($(shell uname -s),Darwin)\n\tgo build -o $@ .\nelse\n\tCGO_ENABLED=0 go build -o $@ .\nendif\n";
    let dockerfile = "FROM golang:1.26 AS build\nWORKDIR /src\nCOPY . .\nRUN make dist/app\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /src/dist/app /app\nENTRYPOINT [\"/app\"]\n";
    let found = check_in_module(&[("Makefile", make), ("Dockerfile", dockerfile)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:5")], "{found:#?}");
    // Read alone, either branch may run.
    let found = check_in_module(&[("Makefile", make)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:3"), ("untrimmed-paths", "Makefile:5")], "{found:#?}");
}

/// One caller that passes flags the file cannot know (`EXTRA="$FLAGS"` from a build argument)
/// does not hide another caller's run of the same command without -trimpath.
#[test]
fn an_unknown_flag_from_one_caller_hides_no_other_run() {
    let make = "build:\n\tCGO_ENABLED=0 go build $(EXTRA) -o app .\n";
    let image = |run: &str| {
        format!(
            "FROM golang:1.26 AS build\nARG FLAGS\nWORKDIR /src\nCOPY . .\nRUN {run}\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /src/app /app\nENTRYPOINT [\"/app\"]\n"
        )
    };
    let unknown = image("make build EXTRA=\"$FLAGS\"");
    assert!(check_in_module(&[("Makefile", make), ("Dockerfile", &unknown)]).is_empty());
    let plain = image("make build");
    let found = check_in_module(&[("Makefile", make), ("Dockerfile", &unknown), ("Dockerfile.release", &plain)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:2")], "{found:#?}");
}

/// An image build is a call like `make` or a script: the Dockerfile's ARGs hold the values its
/// caller passes (`--build-arg GO_BUILDFLAGS="$(GO_BUILDFLAGS)"`), and only the stages its
/// `--target` needs are built. With the flags a hole, the Dockerfile read alone judges nothing.
#[test]
fn an_image_build_passes_its_build_arguments() {
    let dockerfile = "FROM golang:1.26 AS base\nWORKDIR /src\nCOPY . .\n\nFROM base AS cli-build\nARG GO_BUILDFLAGS\nRUN CGO_ENABLED=0 go build ${GO_BUILDFLAGS} -o /out/cli ./cmd/cli\n\nFROM base AS tool-build\nARG GO_BUILDFLAGS\nRUN CGO_ENABLED=0 go build ${GO_BUILDFLAGS} -o /out/tool ./cmd/tool\n\nFROM scratch AS cli\nCOPY --from=cli-build /out/cli /cli\n\nFROM scratch AS tool\nCOPY --from=tool-build /out/tool /tool\n";
    let make = |flags: &str| {
        format!(
            "GO_BUILDFLAGS ?= {flags}\nBUILD := docker buildx build\nARGS := --file=Dockerfile --build-arg=GO_BUILDFLAGS=\"$(GO_BUILDFLAGS)\"\n\ncli:\n\t$(BUILD) $(ARGS) --target=cli --output=type=local,dest=_out .\n"
        )
    };
    let cli = ("cmd/cli/main.go", MAIN);
    let found = check_in_module(&[("Dockerfile", dockerfile), ("Makefile", &make("-tags netgo")), cli]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Dockerfile:7")], "{found:#?}");
    assert!(
        check_in_module(&[("Dockerfile", dockerfile), ("Makefile", &make("-trimpath -tags netgo")), cli]).is_empty()
    );
    assert!(check_in_module(&[("Dockerfile", dockerfile), cli]).is_empty());
}

/// A command runs another build file from the folder it runs in: after `cd`, in a step's
/// `working-directory`, or in an image's folder that holds a copy of the build context
/// (`COPY . /work` then `make -C /work/plugins/${PLUGIN}`, which runs each plugin's Makefile
/// the hole could name).
#[test]
fn a_build_file_is_found_from_the_folder_its_caller_runs_in() {
    let sub_make = "build:\n\tgo build -o app .\n";
    let workflow = |step: &str| {
        format!(
            "name: release\non: {{push: {{tags: ['v*']}}}}\njobs:\n  rel:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n{step}      - uses: softprops/action-gh-release@v2\n        with: {{files: sub/app}}\n"
        )
    };
    for step in ["      - run: cd sub && make build\n", "      - run: make build\n        working-directory: sub\n"] {
        let wf = workflow(step);
        let found = check_in_module(&[("sub/Makefile", sub_make), (".github/workflows/release.yml", &wf)]);
        assert_eq!(rules(&found), [("untrimmed-paths", "sub/Makefile:2")], "{step}: {found:#?}");
    }
    // From the repository root, `make build` names no Makefile.
    let wf = workflow("      - run: make build\n");
    assert!(check_in_module(&[("sub/Makefile", sub_make), (".github/workflows/release.yml", &wf)]).is_empty());

    let plugin = |flags: &str| format!("build:\n\tCGO_ENABLED=0 go build {flags}-o plugin .\n");
    let dockerfile = "FROM golang:1.26 AS build\nARG PLUGIN\nCOPY . /work\nRUN cd /work && make -C /work/plugins/${PLUGIN} build\nFROM gcr.io/distroless/static-debian12:nonroot\nARG PLUGIN\nCOPY --from=build /work/plugins/${PLUGIN}/plugin /plugin\nENTRYPOINT [\"/plugin\"]\n";
    let (bad, good) = (plugin(""), plugin("-trimpath "));
    let found =
        check_in_module(&[("plugins/a/Makefile", &bad), ("plugins/b/Makefile", &good), ("Dockerfile", dockerfile)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "plugins/a/Makefile:2")], "{found:#?}");
}

/// A program of the tests or examples (`go build ./tests/imgtype/imgtype.go`) is no release,
/// even built into an image beside the product; the repository's own `go` wrapper
/// (`../go.sh install ...`) is judged where it is called, not as a script of its own.
#[test]
fn test_programs_and_go_wrappers_are_not_releases() {
    let make = "all: bin/app bin/helper\nbin/app:\n\tCGO_ENABLED=0 go build -trimpath -o $@ ./cmd/app\nbin/helper:\n\tCGO_ENABLED=0 go build -o $@ ./tests/helper/helper.go\n";
    let image = "FROM golang:1.26 AS build\nCOPY . /src\nRUN make -C /src all\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /src/bin/app /app\nENTRYPOINT [\"/app\"]\n";
    let helper = ("tests/helper/helper.go", MAIN);
    assert!(check_in_module(&[("Makefile", make), ("Dockerfile", image), helper]).is_empty());
    let helper_in_cmd = make.replace("./tests/helper/helper.go", "./cmd/helper");
    let found = check_in_module(&[("Makefile", &helper_in_cmd), ("Dockerfile", image), ("cmd/helper/main.go", MAIN)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:5")], "{found:#?}");

    let wrapper = "#!/bin/sh\nGOFLAGS=\"$GOFLAGS -tags=extra\" go \"$@\"\n";
    let image = "FROM golang:1.26 AS build\nCOPY . /src\nWORKDIR /src/cmd/app\nRUN GOBIN=/out ../../go.sh install -ldflags \"-s -w\" .\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n";
    let found = check_in_module(&[("go.sh", wrapper), ("Dockerfile", image)]);
    assert!(found.iter().all(|(_, at, _, _)| !at.starts_with("go.sh")), "{found:#?}");
}

/// A PowerShell release script is read as the shell it is equivalent to: `param()` defaults,
/// `@(...)` arrays grown with `+=`, interpolated strings, `$env:` variables, splatting
/// (`go build @flags`), `Get-Date` as the clock and `Compress-Archive` as packing. Findings are
/// on the script's own lines; the clock stamp at the line that writes it.
#[test]
fn a_powershell_release_script_is_read_as_shell() {
    let script = |trimpath: &str, date: &str| {
        format!(
            "param(\n    [string] $Version = (git describe --tags)\n)\n$flags = @(\n    \"-buildmode=pie\"{trimpath}\n)\n$ld = \"-ldflags=-X main.version=$Version -X main.date={date}\"\n$flags += @($ld, \"-o=dist/app.exe\")\n$env:GOOS = \"windows\"\ngo build @flags\nCompress-Archive -Path dist/app.exe -DestinationPath dist/app.zip\n"
        )
    };
    let main = "package main\n\nvar version, date string\n\nfunc main() {}\n";
    let bad = script("", "$(Get-Date -Format o)");
    let found = check(&[("go.mod", GO_MOD), ("main.go", main), ("release.ps1", &bad)]);
    assert_eq!(
        rules(&found),
        [("non-reproducible-build", "release.ps1:7"), ("untrimmed-paths", "release.ps1:10")],
        "{found:#?}"
    );
    assert!(found[1].2.contains("packed into an archive"), "{}", found[1].2);
    let good = script(",\n    \"-trimpath\"", "$(git log -1 --format=%cI)");
    assert!(check(&[("go.mod", GO_MOD), ("main.go", main), ("release.ps1", &good)]).is_empty());
}

/// bash's `+=` appends to a string or an array (`flags+=(-trimpath)`).
#[test]
fn appending_assignments_add_to_what_is_there() {
    let script = |append: &str| {
        format!(
            "#!/bin/bash\nflags=(-buildmode=pie)\n{append}\nGOOS=linux go build \"${{flags[@]}}\" -o dist/app .\ntar czf app.tgz dist/app\n"
        )
    };
    let found = check_in_module(&[("release.sh", &script("flags+=(-tags=netgo)"))]);
    assert_eq!(rules(&found), [("untrimmed-paths", "release.sh:4")], "{found:#?}");
    assert!(check_in_module(&[("release.sh", &script("flags+=(-trimpath)"))]).is_empty());
    let scalar = "#!/bin/bash\nFLAGS=-tags=netgo\nFLAGS+=\" -trimpath\"\nGOOS=linux go build $FLAGS -o dist/app .\ntar czf app.tgz dist/app\n";
    assert!(check_in_module(&[("release.sh", scalar)]).is_empty());
}

/// A script's `source`d files are read in its place, as the shell runs them: a library that
/// sources another for its `run` wrapper (`run() { log "$*"; "$@"; }`) builds through it, and
/// the build is said where its words are written: at the wrapper's call.
#[test]
fn sourced_libraries_and_wrapper_functions_are_read_as_the_shell_runs_them() {
    let common = "#!/usr/bin/env bash\nrun() {\n  echo \"+ $*\" >&2\n  \"$@\" 2> >(while read -r l; do echo \"$l\" >&2; done)\n}\n";
    // `dev_build` is never called: a library's functions run when a script calls them.
    let lib = "#!/usr/bin/env bash\nsource ./scripts/common.sh\napp_build() {\n  run env CGO_ENABLED=0 go build -trimpath \"-ldflags=${GO_LDFLAGS}\" -o bin/app .\n}\ndev_build() {\n  go build -ldflags \"-s -w\" -o bin/dev . && tar czf dev.tgz bin/dev\n}\n";
    let build = "#!/usr/bin/env bash\nsource \"$(dirname \"$0\")/lib.sh\"\napp_build\n";
    let release = "#!/usr/bin/env bash\nfor os in darwin linux; do\n  GOOS=$os GO_LDFLAGS=\"-s -w\" ./scripts/build.sh\n  tar czf app-$os.tgz bin/app\ndone\n";
    let files =
        [("scripts/common.sh", common), ("scripts/lib.sh", lib), ("scripts/build.sh", build), ("release.sh", release)];
    let found = check_in_module(&files);
    assert_eq!(
        rules(&found),
        [("stripped-without-symbols", "release.sh:3"), ("macos-not-notarized", "release.sh:3")],
        "{found:#?}"
    );
    // The same release with no `-s -w` from the caller: nothing is stripped.
    let unstripped = release.replace(" GO_LDFLAGS=\"-s -w\"", "");
    let found = check_in_module(&[files[0], files[1], files[2], ("release.sh", &unstripped)]);
    assert_eq!(rules(&found), [("macos-not-notarized", "release.sh:3")], "{found:#?}");
    // A wrapper called in the same file: the build is at the call, not at `"$@"`.
    let inline =
        "#!/bin/sh\nrun() {\n  \"$@\"\n}\nrun go build -ldflags \"-s -w\" -o dist/app .\ntar czf app.tgz dist/app\n";
    let found = check_in_module(&[("dist.sh", inline)]);
    assert_eq!(
        rules(&found),
        [("untrimmed-paths", "dist.sh:5"), ("stripped-without-symbols", "dist.sh:5")],
        "{found:#?}"
    );
}

/// `FROM $BASE_IMAGE` whose value a caller passes names an image the caller chooses: not a
/// stage of the file its unknown value could match (a golang builder stage).
#[test]
fn a_base_image_from_a_caller_is_not_a_stage() {
    let dockerfile = "ARG BASE_IMAGE=gcr.io/distroless/static:nonroot\nFROM golang:1.27 AS builder\nRUN CGO_ENABLED=0 go build -trimpath -o /app .\nFROM $BASE_IMAGE\nCOPY --from=builder /app /app\nENTRYPOINT [\"/app\"]\n";
    let wf = "on:\n  release:\n    types: [published]\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"BASE=$(cat base.txt)\" >> \"$GITHUB_ENV\"\n      - run: docker build --build-arg BASE_IMAGE=${{ env.BASE }} -t app --push .\n";
    let found = check_in_module(&[("Dockerfile", dockerfile), (".github/workflows/release.yml", wf)]);
    assert!(found.iter().all(|f| f.0 != "toolchain-in-final-image"), "{found:#?}");
    // A base that names a stage by a pattern still picks the stages it could be.
    let by_pattern = "FROM golang:1.27 AS build-linux\nRUN CGO_ENABLED=0 go build -trimpath -o /app .\nARG TARGETOS=linux\nFROM build-${TARGETOS}\nENTRYPOINT [\"/app\"]\n";
    let found = check_in_module(&[("Dockerfile", by_pattern)]);
    assert!(found.iter().any(|f| f.0 == "toolchain-in-final-image"), "{found:#?}");
}

/// Where a repository publishes images from some Dockerfiles (a release workflow's push,
/// goreleaser's `dockers:`), a Dockerfile nothing builds is a developer's or a stale one: not
/// judged as published. Where nothing says which images are published, every one may be.
#[test]
fn dockerfiles_nothing_builds_beside_the_published_ones_are_not_releases() {
    let published = "FROM gcr.io/distroless/static:nonroot\nCOPY app /app\nENTRYPOINT [\"/app\"]\n";
    let dev = "FROM golang:1.27\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nENTRYPOINT [\"/app\"]\n";
    let config = "version: 2\nbuilds:\n  - goos: [linux]\n    flags: [-trimpath]\n    ldflags: [\"-X main.buildDate={{.CommitDate}}\"]\n    env: [CGO_ENABLED=0]\ndockers_v2:\n  - images: [example/app]\n    dockerfile: Dockerfile.release\n";
    let files = [(".goreleaser.yaml", config), ("Dockerfile.release", published), ("docker/Dockerfile", dev)];
    let found = check_in_module(&files);
    assert!(found.iter().all(|f| !f.1.starts_with("docker/Dockerfile")), "{found:#?}");
    // A workflow that builds it (even without pushing) makes it one of the repository's images.
    let wf = "on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          file: docker/Dockerfile\n          push: false\n";
    let found = check_in_module(&[files[0], files[1], files[2], (".github/workflows/dev.yml", wf)]);
    assert!(found.iter().any(|f| f.0 == "root-final-image" && f.1 == "docker/Dockerfile:1"), "{found:#?}");
    // With no published image known, the lone Dockerfile may be the one that ships.
    let found = check_in_module(&[("docker/Dockerfile", dev)]);
    assert!(found.iter().any(|f| f.0 == "root-final-image"), "{found:#?}");
}

/// A job of a release workflow named for tests (`integration-tests` before the release job)
/// ships nothing itself: the Go release it installs is not the release's.
#[test]
fn a_test_job_of_a_release_workflow_does_not_release() {
    let wf = |test_job: &str, goal: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  {test_job}:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: 1.24.x\n      - run: make {goal}\n  release:\n    needs: {test_job}\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: 1.27.x\n      - run: make dist\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/*\n"
        )
    };
    let make = "test_integration:\n\tgo test ./...\nassets:\n\t./scripts/assets.sh\ndist:\n\tgo build -trimpath -o dist/app .\n";
    let found =
        check_in_module(&[("Makefile", make), (".github/workflows/release.yml", &wf("integration-tests", "assets"))]);
    assert!(found.iter().all(|f| f.0 != "toolchain-unsupported"), "{found:#?}");
    // The same job named for nothing else is a part of the release.
    let found = check_in_module(&[("Makefile", make), (".github/workflows/release.yml", &wf("prepare", "assets"))]);
    assert!(
        found.iter().any(|f| f.0 == "toolchain-unsupported" && f.1 == ".github/workflows/release.yml:10"),
        "{found:#?}"
    );
    // Unless all it runs is named for tests: `make test_integration` publishes nothing.
    let found =
        check_in_module(&[("Makefile", make), (".github/workflows/release.yml", &wf("prepare", "test_integration"))]);
    assert!(found.iter().all(|f| f.0 != "toolchain-unsupported"), "{found:#?}");
}

/// A monorepo's nested module that go.mod replaces with one of its folders (`replace
/// example.com/app/syntax => ./syntax`) holds its own packages: `-X` into it is checked there.
#[test]
fn x_targets_in_a_nested_module_replaced_by_a_folder() {
    let go_mod = "module example.com/app\n\ngo 1.22\n\nrequire example.com/app/syntax v0.0.0\n\nreplace example.com/app/syntax => ./syntax\n";
    let nested = "module example.com/app/syntax\n\ngo 1.22\n";
    let stdlib = "package stdlib\n\nvar Version string\n";
    let make = |target: &str| {
        format!(
            "dist:\n\tgo build -trimpath -ldflags \"-X example.com/app/syntax/internal/stdlib.{target}=v1\" -o dist/app .\n"
        )
    };
    let files = |make: &str| {
        check(&[
            ("go.mod", go_mod),
            ("main.go", MAIN),
            ("syntax/go.mod", nested),
            ("syntax/internal/stdlib/stdlib.go", stdlib),
            ("Makefile", make),
        ])
    };
    assert!(files(&make("Version")).is_empty(), "{:#?}", files(&make("Version")));
    let found = files(&make("Verison"));
    assert_eq!(rules(&found), [("x-flag-unknown-target", "Makefile:2")], "{found:#?}");
    assert!(found[0].2.contains("example.com/app/syntax/internal/stdlib declares no Verison"), "{}", found[0].2);
}

/// Matrix runners that upload one artifact name lose builds only when the job builds: a test
/// job's logs under one name are not a cross-build overwrite.
#[test]
fn a_test_matrix_uploading_logs_under_one_name_loses_no_build() {
    let wf = |run: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  smoke:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        test: [basic, calico]\n    steps:\n      - run: {run}\n      - uses: actions/upload-artifact@v4\n        with:\n          name: smoke-logs\n          path: out/\n"
        )
    };
    let found = check_in_module(&[(".github/workflows/smoke.yml", &wf("./smoke.sh ${{ matrix.test }} > out/log"))]);
    assert!(found.iter().all(|f| f.0 != "cross-build-overwrite"), "{found:#?}");
    let found = check_in_module(&[(".github/workflows/smoke.yml", &wf("go build -trimpath -o out/app ."))]);
    assert!(
        found.iter().any(|f| f.0 == "cross-build-overwrite" && f.1 == ".github/workflows/smoke.yml:14"),
        "{found:#?}"
    );
}

/// make names files without a leading `./`: `make out/app` runs the rule written
/// `$(BUILD_DIR)/app:` with `BUILD_DIR ?= ./out`, so the image that runs it ships its build.
#[test]
fn a_goal_reaches_its_rule_written_with_a_leading_dot_slash() {
    let make = "BUILD_DIR ?= ./out\n$(BUILD_DIR)/app:\n\tgo build -o $@ .\n";
    let image = |goal: &str| {
        format!(
            "FROM golang:1.27 AS build\nCOPY . .\nRUN make {goal}\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /go/out/app /app\nENTRYPOINT [\"/app\"]\n"
        )
    };
    for goal in ["out/app", "./out/app", ".//out/app"] {
        let found = check_in_module(&[("Makefile", make), ("Dockerfile", &image(goal))]);
        let untrimmed: Vec<_> = found.iter().filter(|f| f.0 == "untrimmed-paths").collect();
        assert_eq!(untrimmed.len(), 1, "{goal}: {found:#?}");
        assert_eq!(untrimmed[0].1, "Makefile:3");
        assert!(untrimmed[0].2.contains("built into an image (Dockerfile:3 runs it)"), "{}", untrimmed[0].2);
    }
    // A goal no rule makes builds nothing.
    let found = check_in_module(&[("Makefile", make), ("Dockerfile", &image("out/other"))]);
    assert!(found.iter().all(|f| f.0 != "untrimmed-paths"), "{found:#?}");
}

/// `$(eval NAME = value)` in a recipe defines NAME for the recipe's later lines, and the
/// automatic variables (`$*`, `$@`) hold there: a pattern rule that computes each platform's
/// system and flags so builds them stripped, cross-compiled.
#[test]
fn a_recipe_eval_defines_variables_for_its_later_lines() {
    let make = |flags: &str| {
        format!(
            "GO_LDFLAGS = -X main.buildDate=v1 {flags}\ncross: out/app-linux-arm64 out/app-darwin-arm64\nout/app-%:\n\t$(eval os = $(firstword $(subst -, ,$*)))\n\t$(eval ldflags = $(GO_LDFLAGS))\n\tGOOS=$(os) go build -trimpath -ldflags \"$(ldflags)\" -o $@ .\n"
        )
    };
    let found = check_in_module(&[("Makefile", &make("-s -w"))]);
    let stripped = places(&found, "stripped-without-symbols");
    assert_eq!(stripped, ["Makefile:6"], "{found:#?}");
    // Run by a release, the system the eval computes from the stem is darwin for one goal.
    let wf = release_workflow("ubuntu-latest", "make cross", "out/*");
    let found = check_in_module(&[("Makefile", &make("")), (".github/workflows/release.yml", &wf)]);
    let macos = places(&found, "macos-not-notarized");
    assert_eq!(macos, ["Makefile:6"], "{found:#?}");
    let found = check_in_module(&[("Makefile", &make(""))]);
    assert!(found.iter().all(|f| f.0 != "stripped-without-symbols"), "{found:#?}");
    // Another rule's recipe does not see the eval.
    let other = format!("{}local:\n\tgo build -trimpath -ldflags \"$(ldflags)\" -o dist/app .\n", make(""))
        .replace("$(GO_LDFLAGS))", "-s -w)");
    let found = check_in_module(&[("Makefile", &other)]);
    let stripped = places(&found, "stripped-without-symbols");
    assert_eq!(stripped, ["Makefile:6"], "{found:#?}");
}

/// Many test jobs running `make app` use none of the runs that the release job's `make exe`
/// needs a round later, when `exe` runs `make $(COMPONENT)` for each program of its matrix.
#[test]
fn test_jobs_do_not_use_up_the_runs_of_a_release_chain() {
    let mut make = String::from("exe:\n\tGOOS=linux $(MAKE) $(COMPONENT)\n");
    let mut test_steps = String::new();
    for i in 0..24 {
        make.push_str(&format!("app{i}:\n\tgo build -o bin/app{i} .\n"));
        test_steps.push_str(&format!("      - run: make app{i}\n"));
    }
    let components: Vec<String> = (0..8).map(|i| format!("app{i}")).collect();
    let wf = format!(
        "on:\n  push:\n    tags: ['v*']\njobs:\n  tests:\n    runs-on: ubuntu-latest\n    steps:\n{test_steps}  images:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        component: [{}]\n        arch: [amd64, arm64]\n    steps:\n      - run: COMPONENT=${{{{ matrix.component }}}} GOARCH=${{{{ matrix.arch }}}} make exe\n      - run: docker build -t acme/${{{{ matrix.component }}}} . && docker push acme/${{{{ matrix.component }}}}\n",
        components.join(", ")
    );
    let found = check_in_module(&[("Makefile", &make), (".github/workflows/ci.yml", &wf)]);
    let mut untrimmed = places(&found, "untrimmed-paths");
    untrimmed.sort_unstable();
    let mut expected: Vec<String> = (0..8).map(|i| format!("Makefile:{}", 4 + 2 * i)).collect();
    expected.sort_unstable();
    assert_eq!(untrimmed, expected, "{found:#?}");
}

/// A pattern rule that takes the platform from its target (`GOOS=$(word 2,$(subst ., ,$@))`)
/// builds for what the goal that reached it is for: `make local-cross` checks that the code
/// compiles for each platform, `make release` ships the same builds. Read with no goal, its
/// `$@` names no platform yet.
#[test]
fn a_prerequisite_builds_for_the_goal_that_reached_it() {
    let make = "bin/app.%:\n\tGOOS=$(word 2,$(subst ., ,$@)) GOARCH=$(word 3,$(subst ., ,$@)) go build -o $@ .\nlocal-cross: bin/app.linux.arm64 bin/app.windows.amd64\nrelease: bin/app.linux.arm64 bin/app.windows.amd64\n";
    let wf = |goal: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make {goal}\n"
        )
    };
    let release = release_workflow("ubuntu-latest", "make release", "bin/*");
    let checks_only = make.replace("release: bin/app.linux.arm64 bin/app.windows.amd64\n", "");
    let found = check_in_module(&[("Makefile", &checks_only)]);
    assert!(found.is_empty(), "{found:#?}");
    let found = check_in_module(&[("Makefile", &checks_only), (".github/workflows/ci.yml", &wf("local-cross"))]);
    assert!(found.iter().all(|f| f.0 != "untrimmed-paths"), "{found:#?}");
    let found = check_in_module(&[("Makefile", make), (".github/workflows/ci.yml", &release)]);
    let untrimmed = places(&found, "untrimmed-paths");
    assert_eq!(untrimmed, ["Makefile:2"], "{found:#?}");
}

/// A build argument one caller passes (`--build-arg MAKE_TARGET=plugins`) keeps its default for
/// the callers that do not (`docker build .`): that build makes what the default says.
#[test]
fn a_build_argument_keeps_its_default_for_callers_that_do_not_pass_it() {
    let make = "controller:\n\tgo build -o $(CURDIR)/dist/controller .\nplugins:\n\tgo build -trimpath -o $(CURDIR)/dist/plugin .\nimage:\n\tdocker build -t acme/controller .\n";
    let image = "FROM golang:1.27 AS build\nWORKDIR /src\nCOPY . .\nARG MAKE_TARGET=controller\nRUN make ${MAKE_TARGET}\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /src/dist/controller /controller\nENTRYPOINT [\"/controller\"]\n";
    let script = "#!/bin/sh\ndocker build --build-arg MAKE_TARGET=plugins --target build -t plugins .\n";
    let found = check_in_module(&[("Makefile", make), ("Dockerfile", image), ("hack/plugins.sh", script)]);
    let untrimmed: Vec<_> = found.iter().filter(|f| f.0 == "untrimmed-paths").collect();
    assert_eq!(untrimmed.len(), 1, "{found:#?}");
    assert_eq!(untrimmed[0].1, "Makefile:2");
    assert!(untrimmed[0].2.contains("built into an image (Dockerfile:5 runs it)"), "{}", untrimmed[0].2);
    // With only the caller that passes it, the default is never built.
    let found = check_in_module(&[
        ("Makefile", &make.replace("-t acme/controller", "--build-arg MAKE_TARGET=plugins -t acme/p")),
        ("Dockerfile", image),
    ]);
    assert!(found.iter().all(|f| f.0 != "untrimmed-paths"), "{found:#?}");
}

/// A target's variables hold for its prerequisites (`release: LDFLAGS += -s -w` with `release:
/// bin/app`), pattern-specific ones for the targets they match (`dist-darwin%: GOOS = darwin`),
/// and under `.SECONDEXPANSION:` prerequisites are expanded again (`$$(addprefix ...)`).
#[test]
fn target_variables_reach_prerequisites_and_patterns() {
    let make = "LDFLAGS = -X main.buildDate=v1\nbin/app:\n\tgo build -trimpath -ldflags \"$(LDFLAGS)\" -o bin/app .\nrelease: LDFLAGS += -s -w\nrelease: bin/app\n";
    let wf = |goal: &str| release_workflow("ubuntu-latest", &format!("make {goal}"), "bin/*");
    let found = check_in_module(&[("Makefile", make), (".github/workflows/release.yml", &wf("release"))]);
    assert_eq!(places(&found, "stripped-without-symbols"), ["Makefile:3"], "{found:#?}");
    let found = check_in_module(&[("Makefile", make), (".github/workflows/release.yml", &wf("bin/app"))]);
    assert!(places(&found, "stripped-without-symbols").is_empty(), "{found:#?}");

    let make = ".SECONDEXPANSION:\nARCHES = amd64 arm64\ndist-darwin%: GOOS = darwin\ndist-linux%: GOOS = linux\ndist-%:\n\tGOOS=$(GOOS) GOARCH=$(lastword $(subst -, ,$*)) go build -trimpath -o dist/app-$* .\ndists: $$(addprefix dist-$$(OS)-,$$(ARCHES))\n";
    let found = check_in_module(&[("Makefile", make), (".github/workflows/release.yml", &wf("dists OS=darwin"))]);
    let macos = places(&found, "macos-not-notarized");
    assert_eq!(macos, ["Makefile:6"], "{found:#?}");
    let found = check_in_module(&[("Makefile", make), (".github/workflows/release.yml", &wf("dists OS=linux"))]);
    assert!(found.iter().all(|f| f.0 != "macos-not-notarized"), "{found:#?}");
}

/// A target that test jobs run (`make e2e`, which needs `bin/app-linux-arm64`) and that a
/// release target of the same file runs too (`release-artifacts`) is still judged as released:
/// no caller's run covers the release target's.
#[test]
fn a_target_test_jobs_call_is_still_released_by_its_release_target() {
    let make = |release: &str| {
        format!("bin/app-linux-arm64:\n\tGOOS=linux GOARCH=arm64 go build -o $@ .\n{release}e2e: bin/app-linux-arm64\n")
    };
    let wf = "on: push\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make e2e\n";
    let released = make("release-artifacts: bin/app-linux-arm64\n");
    let found = check_in_module(&[("Makefile", &released), (".github/workflows/e2e.yml", wf)]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:2")], "{found:#?}");
    let found = check_in_module(&[("Makefile", &make("")), (".github/workflows/e2e.yml", wf)]);
    assert!(found.is_empty(), "{found:#?}");
}

/// hashicorp/actions-go-build runs its `instructions:` script for `os`/`arch` and uploads what
/// it builds; flags a job before computes reach it through `needs.<job>.outputs.<name>`.
#[test]
fn actions_go_build_instructions_and_job_outputs() {
    let wf = |flags: &str| {
        format!(
            "on:\n  push:\n    branches: [main]\njobs:\n  flags:\n    runs-on: ubuntu-latest\n    outputs:\n      ldflags: ${{{{ steps.set.outputs.ldflags }}}}\n    steps:\n      - id: set\n        run: echo \"ldflags={flags} -X main.buildDate=v1\" >> $GITHUB_OUTPUT\n  build:\n    needs: flags\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        goos: [linux, darwin]\n    steps:\n      - uses: hashicorp/actions-go-build@v1\n        env:\n          LD_FLAGS: ${{{{ needs.flags.outputs.ldflags }}}}\n        with:\n          product_name: app\n          os: ${{{{ matrix.goos }}}}\n          arch: amd64\n          instructions: |-\n            go build -o \"$BIN_PATH\" -trimpath -ldflags=\"$LD_FLAGS\"\n"
        )
    };
    let found = check_in_module(&[(".github/workflows/build.yml", &wf("-s -w"))]);
    let mut rules_at = rules(&found);
    rules_at.sort_unstable();
    assert_eq!(
        rules_at,
        [
            ("macos-not-notarized", ".github/workflows/build.yml:27"),
            ("stripped-without-symbols", ".github/workflows/build.yml:27")
        ],
        "{found:#?}"
    );
    let found = check_in_module(&[(".github/workflows/build.yml", &wf("-buildid="))]);
    assert_eq!(rules(&found), [("macos-not-notarized", ".github/workflows/build.yml:27")], "{found:#?}");
}

/// `go build ./cmd/app/main.go` makes package main of the files listed only: `-X main.commit`
/// does nothing when `commit` is declared in another file of the folder.
#[test]
fn x_targets_of_a_file_list_build_are_its_files() {
    let main = "package main\n\nvar version string\n\nfunc main() { println(version) }\n";
    let other = "package main\n\nvar commit string\n";
    let make = |files: &str| {
        format!("dist:\n\tgo build -trimpath -ldflags \"-X main.version=v1 -X main.commit=abc\" -o dist/app {files}\n")
    };
    let files = |make: &str| {
        check(&[("go.mod", GO_MOD), ("cmd/app/main.go", main), ("cmd/app/commit.go", other), ("Makefile", make)])
    };
    let found = files(&make("./cmd/app/main.go"));
    let unknown: Vec<_> = found.iter().filter(|f| f.0 == "x-flag-unknown-target").collect();
    assert_eq!(unknown.len(), 1, "{found:#?}");
    assert!(unknown[0].2.contains("main (the files ./cmd/app/main.go) declares no commit"), "{}", unknown[0].2);
    let found = files(&make("cmd/app/main.go cmd/app/commit.go"));
    assert!(found.iter().all(|f| f.0 != "x-flag-unknown-target"), "{found:#?}");
    for whole in ["./cmd/app", "cmd/app/*.go"] {
        let found = files(&make(whole));
        assert!(found.iter().all(|f| f.0 != "x-flag-unknown-target"), "{whole}: {found:#?}");
    }
}

/// The program an image starts, copied from a stage on a Go toolchain image, is that stage's Go
/// program, whatever drove its build (a Python build script shiplint does not read): the
/// image's user is judged.
#[test]
fn a_program_copied_from_a_go_builder_stage_is_a_go_program() {
    let image = |builder: &str| {
        format!(
            "FROM {builder} AS builder\nWORKDIR /src\nCOPY . .\nRUN python3 build.py && mv build/app /usr/local/bin/app\nFROM alpine:3.20\nCOPY --from=builder /usr/local/bin/app /usr/local/bin/app\nENTRYPOINT [\"app\"]\n"
        )
    };
    let found = check(&[("Dockerfile", &image("golang:1.27-alpine"))]);
    assert!(found.iter().any(|f| f.0 == "root-final-image" && f.1 == "Dockerfile:5"), "{found:#?}");
    let found = check(&[("Dockerfile", &image("python:3.12-alpine"))]);
    assert!(found.iter().all(|f| f.0 != "root-final-image"), "{found:#?}");
    // A build environment that takes Go tools from such a stage and starts a shell is not.
    let environment = image("golang:1.27-alpine").replace("ENTRYPOINT [\"app\"]", "CMD [\"/bin/sh\"]");
    let found = check(&[("Dockerfile", &environment)]);
    assert!(found.iter().all(|f| f.0 != "root-final-image"), "{found:#?}");
}

#[test]
fn a_build_of_source_the_repository_lacks_ships_nothing() {
    // A Dockerfile left behind when `agent/` moved to another repository: its build fails.
    let stale = "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -ldflags=\"-s -w\" -o /agent agent/main.go\nFROM alpine:3.20\nCOPY --from=build /agent /agent\nENTRYPOINT [\"/agent\"]\n";
    let found = check_in_module(&[("docker/Dockerfile.agent", stale), ("agent/README.md", "moved\n")]);
    assert!(places(&found, "stripped-without-symbols").is_empty(), "{found:#?}");
    assert!(places(&found, "missing-buildinfo").is_empty(), "{found:#?}");
    // The same build where the file is there, wherever the context starts (`server/` copied).
    let found = check_in_module(&[("docker/Dockerfile.agent", stale), ("server/agent/main.go", MAIN)]);
    assert_eq!(places(&found, "stripped-without-symbols"), ["docker/Dockerfile.agent:4"], "{found:#?}");
    // A script building a command folder that is gone.
    let script = "#!/bin/sh\nGOOS=js GOARCH=wasm go build -o main.wasm ./cmd/app-wasm\n";
    assert!(check_in_module(&[("build-wasm.sh", script)]).is_empty());
    let found = check_in_module(&[("build-wasm.sh", script), ("cmd/app-wasm/main.go", MAIN)]);
    assert_eq!(places(&found, "untrimmed-paths"), ["build-wasm.sh:2"], "{found:#?}");
}

#[test]
fn source_a_build_fetches_first_is_not_the_repositorys() {
    // Cloned into a folder of the image, or unpacked from a tarball: what it builds is there.
    let cloned = "FROM golang:1.23 AS plugins\nRUN git clone https://example.com/plugins /plugins && cd /plugins && go build -o /bin/loopback ./plugins/main/loopback\nFROM alpine:3.20\nCOPY --from=plugins /bin/loopback /bin/loopback\nUSER 65532\nENTRYPOINT [\"/bin/loopback\"]\n";
    let found = check_in_module(&[("Dockerfile", cloned)]);
    assert_eq!(places(&found, "untrimmed-paths"), ["Dockerfile:2"], "{found:#?}");
    // goreleaser building a folder its before hooks make.
    let config = "version: 2\nbefore:\n  hooks:\n    - mkdir -p app-build\n    - cp main.go app-build/main.go\nbuilds:\n  - dir: ./app-build\n    flags: [-trimpath]\n    ldflags: [-s -w]\n    goos: [linux]\n";
    let found = check_in_module(&[(".goreleaser.yaml", config)]);
    assert_eq!(places(&found, "stripped-without-symbols"), [".goreleaser.yaml:9"], "{found:#?}");
}

#[test]
fn makefile_variants_are_makefiles() {
    // `make -f Makefile.release` runs `$(MAKE) app`, which is the Makefile's target.
    let make = "SYSTEM :=\nBINARY := app\napp:\n\t$(SYSTEM) go build -trimpath -o $(BINARY) .\n";
    let release = "release: build\nbuild:\n\t$(MAKE) app BINARY=build/darwin/app SYSTEM=\"GOOS=darwin GOARCH=arm64\"\n\t$(MAKE) app BINARY=build/linux/app SYSTEM=\"GOOS=linux GOARCH=arm64\"\n";
    let workflow = release_workflow("ubuntu-latest", "make -f Makefile.release release", "build/*/app");
    let files = [("Makefile", make), ("Makefile.release", release), (".github/workflows/release.yml", &workflow)];
    let found = check_in_module(&files);
    assert_eq!(places(&found, "macos-not-notarized"), ["Makefile.release:3"], "{found:#?}");
    let linux_only = release.replace("GOOS=darwin", "GOOS=linux");
    let files = [("Makefile", make), ("Makefile.release", &linux_only), (".github/workflows/release.yml", &workflow)];
    assert!(places(&check_in_module(&files), "macos-not-notarized").is_empty());
}

/// A Windows release job whose steps GitHub runs in PowerShell (the runner's default shell).
fn windows_release_job(build: &str) -> String {
    format!(
        "on:\n  release:\n    types: [created]\njobs:\n  build:\n    runs-on: windows-latest\n    steps:\n      - name: Build\n        run: |\n{build}\n      - name: Pack\n        run: 7z.exe a app-${{{{ github.event.release.tag_name }}}}-win64.zip ap*.exe\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: app-*.zip\n"
    )
}

#[test]
fn windows_steps_are_read_as_powershell() {
    // `$env:` variables, a .NET clock, `-ldflags="..."` joined to its string, and no `-o`: go
    // build writes app.exe, which the next step zips.
    let build = "          $env:PKG = \"example.com/app\"\n          $env:LDFLAGS = \"-X main.buildDate=$(Get-Date -Format o) -X main.built=$([datetime]::UtcNow.ToString('o'))\"\n          go build -ldflags=\"$env:LDFLAGS -s -w\" ./cmd/app";
    let main = "package main\n\nvar buildDate, built string\n\nfunc main() {}\n";
    let workflow = windows_release_job(build);
    let found = check_in_module(&[(".github/workflows/release.yml", &workflow), ("cmd/app/main.go", main)]);
    assert_eq!(places(&found, "untrimmed-paths"), [".github/workflows/release.yml:12"], "{found:#?}");
    assert_eq!(places(&found, "stripped-without-symbols"), [".github/workflows/release.yml:12"]);
    let clock = found.iter().filter(|f| f.0 == "non-reproducible-build").map(|f| f.2.as_str()).collect::<Vec<_>>();
    assert!(clock.iter().any(|m| m.contains("$(Get-Date -Format o)")), "{found:#?}");
    assert!(clock.iter().any(|m| m.contains("[datetime]::UtcNow")), "{found:#?}");

    let good = "          $env:LDFLAGS = \"-X main.built=${{ github.sha }}\"\n          go build -trimpath -ldflags=\"$env:LDFLAGS\" ./cmd/app";
    let workflow = windows_release_job(good);
    let found = check_in_module(&[(".github/workflows/release.yml", &workflow), ("cmd/app/main.go", main)]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_script_a_release_only_workflow_runs_builds_the_release() {
    // The script packs what it builds itself; the job uploads the tarballs by a pattern.
    let script =
        "#!/bin/sh\nset -e\ngo install ./...\ntar -czf \"app-$1-linux.tar.gz\" -C \"$(go env GOPATH)/bin\" .\n";
    let workflow = |on: &str| {
        format!(
            "on:\n{on}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./scripts/all.sh ${{{{ github.ref_name }}}}\n      - run: for f in *.tar.gz; do curl --data-binary @$f https://uploads.example.com/; done\n"
        )
    };
    let released = workflow("  release:\n    types: [created]\n  workflow_dispatch:");
    let found = check_in_module(&[("scripts/all.sh", script), (".github/workflows/release.yml", &released)]);
    assert_eq!(places(&found, "untrimmed-paths"), ["scripts/all.sh:3"], "{found:#?}");
    assert!(found[0].2.contains("release-only workflow"), "{}", found[0].2);
    // A file it names is shipped only when the job keeps it: `./app` is left behind.
    let named = "#!/bin/sh\nset -e\ngo build -o app .\n";
    let found = check_in_module(&[("scripts/all.sh", named), (".github/workflows/release.yml", &released)]);
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");
    // Pushes to branches run it too: a check that the script works, not the release.
    let checked = workflow("  push:\n    branches: [main]\n    tags: ['v*']");
    let found = check_in_module(&[("scripts/all.sh", script), (".github/workflows/ci.yml", &checked)]);
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");
}

#[test]
fn an_output_named_with_a_hole_is_kept_by_an_upload_of_its_folder() {
    let workflow = |path: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          VERSION=$(git describe --tags)\n          go build -o out/linux/app-$VERSION-linux-amd64 .\n      - uses: actions/upload-artifact@v4\n        with:\n          path: {path}\n"
        )
    };
    let found = check_in_module(&[(".github/workflows/build.yml", &workflow("out/linux"))]);
    assert_eq!(places(&found, "untrimmed-paths"), [".github/workflows/build.yml:10"], "{found:#?}");
    // An upload of another folder keeps nothing this build wrote.
    let found = check_in_module(&[(".github/workflows/build.yml", &workflow("out/docs"))]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn run_on_arch_builds_in_a_container_of_its_machine() {
    let step = |arch: &str, flags: &str| {
        format!(
            "      - uses: uraimo/run-on-arch-action@v2\n        with:\n          arch: {arch}\n          distro: ubuntu22.04\n          run: |\n            go build {flags} -o output/app .\n"
        )
    };
    let workflow = |steps: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n{steps}      - uses: actions/upload-artifact@v4\n        with:\n          path: output\n"
        )
    };
    let stripped = workflow(&step("aarch64", "-trimpath -ldflags \"-s -w\""));
    let found = check_in_module(&[(".github/workflows/release.yml", &stripped)]);
    assert_eq!(places(&found, "stripped-without-symbols"), [".github/workflows/release.yml:13"], "{found:#?}");
    let good = workflow(&step("aarch64", "-trimpath"));
    assert!(check_in_module(&[(".github/workflows/release.yml", &good)]).is_empty());
}

/// What a step writes to `$GITHUB_ENV` reaches the later steps' `${{ env.* }}`, setup-go's
/// `go-version` included, and so do the files of the repository a step reads with `cat`
/// (`cat .github/env >> "$GITHUB_ENV"`, `echo "GO_VERSION=$(cat .go-version)" >> "$GITHUB_ENV"`).
#[test]
fn versions_a_step_writes_to_github_env_reach_setup_go() {
    let workflow = |export: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {export}\n      - uses: actions/setup-go@v6\n        with:\n          go-version: ${{{{ env.GO_VERSION }}}}\n          check-latest: true\n      - run: go build -trimpath -o dist/app .\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/app\n"
        )
    };
    let at = [("module-graph-drift", ".github/workflows/release.yml:12")];
    for (export, files) in [
        (r#"echo "GO_VERSION=1.27" >> "$GITHUB_ENV""#, vec![]),
        (r#"cat ".github/env" >> "$GITHUB_ENV""#, vec![(".github/env", "# pinned\nGO_VERSION=1.27\nLINT=v2\n")]),
        (r#"echo "GO_VERSION=$(cat ./.go-version)" >> $GITHUB_ENV"#, vec![(".go-version", "1.27\n")]),
    ] {
        let wf = workflow(export);
        let mut all = vec![(".github/workflows/release.yml", wf.as_str())];
        all.extend(files.iter().copied());
        assert_eq!(rules(&check_in_module(&all)), at, "{export}");
        // An exact release is what check-latest installs anyway; a file that is not there
        // gives nothing to judge.
        let exact: Vec<(&str, String)> = files.iter().map(|(p, t)| (*p, t.replace("1.27", "1.27.2"))).collect();
        let wf = match exact.is_empty() {
            true => wf.replace("GO_VERSION=1.27", "GO_VERSION=1.27.2"),
            false => wf,
        };
        let mut all = vec![(".github/workflows/release.yml", wf.as_str())];
        all.extend(exact.iter().map(|(p, t)| (*p, t.as_str())));
        assert!(check_in_module(&all).is_empty(), "{export}");
        if !files.is_empty() {
            assert!(check_in_module(&[(".github/workflows/release.yml", &wf)]).is_empty(), "{export}");
        }
    }
}

/// A matrix `include:` row may hold objects (`env: { CC: clang }`), read as
/// `matrix.<key>.<field>`, and a job's `env: ${{ matrix.env }}` takes its fields as variables.
/// A build with no GOOS on a macOS runner builds darwin: the workflow that chose the runner is
/// where that is said, even when the Makefile mentions darwin for the host it runs on.
#[test]
fn matrix_rows_with_objects_and_a_macos_runner_build_darwin() {
    let make = "GOOS := $(shell go env GOOS)\nifeq ($(GOOS),darwin)\n\tFLAGS := -tags osx\nendif\nbuild:\n\tgo build -trimpath $(FLAGS) -o dist/$(OUTPUT) .\n";
    let workflow = |mac: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  build:\n    strategy:\n      matrix:\n        include:\n          - os: linux\n            image: ubuntu-latest\n            env: {{}}\n          - os: {mac}\n            image: {mac}-latest\n            env:\n              CGO_ENABLED: 0\n    runs-on: ${{{{ matrix.image }}}}\n    env: ${{{{ matrix.env }}}}\n    steps:\n      - run: make build\n        env:\n          OUTPUT: app-${{{{ matrix.os }}}}\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/app-*\n"
        )
    };
    let found = check_in_module(&[("Makefile", make), (".github/workflows/ci.yml", &workflow("macos"))]);
    assert_eq!(rules(&found), [("macos-not-notarized", ".github/workflows/ci.yml:19")], "{found:#?}");
    let found = check_in_module(&[("Makefile", make), (".github/workflows/ci.yml", &workflow("windows"))]);
    assert!(found.is_empty(), "{found:#?}");
}

/// A job that runs what it built (`./target/release/app version`) does not publish by running
/// it, nor does a `cross-build` job that only compiles; a job named for tests releases only
/// what it keeps.
#[test]
fn a_job_running_its_own_build_or_checking_cross_builds_ships_nothing() {
    let workflow = |job: &str, steps: &str| {
        format!(
            "on:\n  push:\n    branches: [main]\njobs:\n  {job}:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n          go-version: '^1.25.0'\n{steps}"
        )
    };
    let run_own = "      - run: go build -trimpath -o target/release/app-${{ matrix.os }} .\n      - run: ./target/release/app-${{ matrix.os }} version\n";
    let found = check_in_module(&[(".github/workflows/dev.yml", &workflow("publish", run_own))]);
    assert!(found.is_empty(), "{found:#?}");
    let released = format!("{run_own}      - run: ./scripts/upload.sh\n");
    let found = check_in_module(&[(".github/workflows/dev.yml", &workflow("publish", &released))]);
    assert_eq!(rules(&found), [("module-graph-drift", ".github/workflows/dev.yml:10")], "{found:#?}");

    let make = "cross:\n\tGOOS=freebsd go build -trimpath -o /dev/null .\nrelease:\n\tGOOS=freebsd go build -trimpath -o dist/app .\n";
    let found = check_in_module(&[
        ("Makefile", make),
        (".github/workflows/test.yml", &workflow("cross-build", "      - run: make cross\n")),
    ]);
    assert!(found.is_empty(), "{found:#?}");

    let tests = "      - run: make release\n      - run: docker build -t app:ci .\n";
    let found = check_in_module(&[("Makefile", make), (".github/workflows/ci.yml", &workflow("image-tests", tests))]);
    assert!(found.is_empty(), "{found:#?}");
    let kept =
        format!("{tests}      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/app\n");
    let found = check_in_module(&[("Makefile", make), (".github/workflows/ci.yml", &workflow("image-tests", &kept))]);
    assert!(places(&found, "module-graph-drift").contains(&".github/workflows/ci.yml:10"), "{found:#?}");
}

/// Where darwin is chosen: a Makefile that names darwin only in another target's build did not
/// choose it for a build whose GOOS its caller sets (the finding is at the caller's line); a
/// test job on a macOS runner running a build that ships for its own reasons (`-s -w`) adds
/// no darwin release.
#[test]
fn darwin_is_said_where_it_is_chosen_and_a_macos_test_job_releases_nothing() {
    let make = "bin/app-$(GOOS)-$(GOARCH):\n\tGOOS=$(GOOS) GOARCH=$(GOARCH) go build -trimpath -o bin/app-$(GOOS)-$(GOARCH) .\nmanager:\n\tGOOS=darwin go build -trimpath -o bin/manager ./cmd/manager\n";
    let run = "for p in linux-amd64 darwin-arm64; do GOOS=${p%-*} GOARCH=${p#*-} make bin/app-${p}; done";
    let workflow = release_workflow("ubuntu-latest", run, "bin/app-*");
    let manager = ("cmd/manager/main.go", MAIN);
    let found = check_in_module(&[("Makefile", make), (".github/workflows/release.yml", &workflow), manager]);
    assert_eq!(places(&found, "macos-not-notarized"), [".github/workflows/release.yml:8"], "{found:#?}");

    // Testing the host for darwin, or a comment about it, chooses nothing either.
    let make = "OS ?= $(shell go env GOOS)\nifeq ($(HOST_OS),darwin)\n\tSED := gsed\nendif\n# darwin needs printf\nbinary:\n\tGOOS=$(OS) go build -trimpath -o bin/app-$(OS) .\n";
    let run = "for os in linux darwin; do make binary OS=$os; done";
    let workflow = release_workflow("ubuntu-latest", run, "bin/app-*");
    let found = check_in_module(&[("Makefile", make), (".github/workflows/release.yml", &workflow)]);
    assert_eq!(places(&found, "macos-not-notarized"), [".github/workflows/release.yml:8"], "{found:#?}");

    let make = "build:\n\tgo build -trimpath -ldflags '-s -w' -o app .\n";
    let test = "on:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: macos-latest\n    steps:\n      - run: make build\n";
    let found = check_in_module(&[("Makefile", make), (".github/workflows/test.yml", test)]);
    assert_eq!(rules(&found), [("stripped-without-symbols", "Makefile:2")], "{found:#?}");
    let release = release_workflow("macos-latest", "make build", "app");
    let found = check_in_module(&[("Makefile", make), (".github/workflows/release.yml", &release)]);
    assert_eq!(places(&found, "macos-not-notarized"), [".github/workflows/release.yml:8"], "{found:#?}");
}

/// go-release-action and its forks (same inputs, `*-release-action`) install the Go their
/// `goversion` names: none is the newest Go (floating), `1.25` the newest patch of it, a
/// tarball URL or an exact release is pinned, and an unsupported one is reported as such.
#[test]
fn go_release_action_goversion_is_the_go_that_builds_the_release() {
    let workflow = |uses: &str, goversion: &str| {
        format!(
            "on:\n  release:\n    types: [created]\njobs:\n  release:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        goos: [linux]\n    steps:\n      - uses: {uses}\n        with:\n          github_token: ${{{{ secrets.GITHUB_TOKEN }}}}\n          goos: ${{{{ matrix.goos }}}}\n          goarch: amd64\n          build_flags: -trimpath\n{goversion}"
        )
    };
    let check_workflow =
        |uses: &str, goversion: &str| check_in_module(&[(".github/workflows/release.yml", &workflow(uses, goversion))]);
    let found = check_workflow("wangyoucao577/go-release-action@v1", "");
    assert_eq!(rules(&found), [("module-graph-drift", ".github/workflows/release.yml:11")], "{found:#?}");
    assert!(found[0].2.contains("without goversion"), "{}", found[0].2);
    let found = check_workflow("wangyoucao577/go-release-action@v1", "          goversion: '1.27'\n");
    assert_eq!(rules(&found), [("module-graph-drift", ".github/workflows/release.yml:17")], "{found:#?}");

    let pinned = "          goversion: https://dl.google.com/go/go1.27.2.linux-amd64.tar.gz\n";
    assert!(check_workflow("zeromicro/go-zero-release-action@master", pinned).is_empty());
    let old = "          goversion: https://dl.google.com/go/go1.24.12.linux-amd64.tar.gz\n";
    let found = check_workflow("zeromicro/go-zero-release-action@master", old);
    assert_eq!(rules(&found), [("toolchain-unsupported", ".github/workflows/release.yml:17")], "{found:#?}");
    // Another action named `*-release-action` without goos and goarch is not it.
    let other = workflow("acme/npm-release-action@v1", "").replace("          goos: ${{ matrix.goos }}\n", "");
    assert!(check_in_module(&[(".github/workflows/release.yml", &other)]).is_empty());
    // An action of the same name that packs and uploads a binary built before it (`binary:`),
    // or one of its sub-actions, builds nothing: the step before it is the release build, which
    // it keeps.
    let packing = "on:\n  push:\n    tags: [v*]\njobs:\n  draft:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: acme/go-release-action/create-draft-release@v2\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: go build -ldflags \"-X main.buildDate=$GITHUB_SHA\"\n      - uses: acme/go-release-action@v2\n        with:\n          binary: app\n";
    let found = check_in_module(&[(".github/workflows/release.yml", packing)]);
    assert_eq!(rules(&found), [("untrimmed-paths", ".github/workflows/release.yml:13")], "{found:#?}");
}

/// `-s -w` a release script passes to make through a variable of its own (`make
/// BLDFLAGS="$GOFLAGS"`) is said at that call, where the script chose it.
#[test]
fn strip_flags_passed_through_a_callers_variable_are_said_at_the_call() {
    let make = "BLDFLAGS=\nbuild:\n\tgo build -trimpath ${BLDFLAGS} -o dist/app .\n";
    let script = |flags: &str| {
        format!(
            "#!/bin/sh\nset -e\nGOFLAGS='-ldflags=\"{flags}\"'\nmake BLDFLAGS=\"$GOFLAGS\" build\ntar czf app.tgz dist/app\n"
        )
    };
    let found = check_in_module(&[("Makefile", make), ("dist.sh", &script("-s -w"))]);
    assert_eq!(places(&found, "stripped-without-symbols"), ["dist.sh:4"], "{found:#?}");
    let found = check_in_module(&[("Makefile", make), ("dist.sh", &script("-X main.v=1"))]);
    assert!(places(&found, "stripped-without-symbols").is_empty(), "{found:#?}");
}

/// A setup-go version that a matrix gives (`go-version: ${{ matrix.go }}`) is judged against
/// go.mod like a written one, at the matrix line, for the combinations that ship.
#[test]
fn a_matrix_go_version_older_than_go_mod_is_found() {
    let workflow = |versions: &str| {
        format!(
            "on:\n  release:\n    types: [published]\njobs:\n  release:\n    strategy:\n      matrix:\n        go: [{versions}]\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: ${{{{ matrix.go }}}}\n      - run: go build -trimpath -o dist/app .\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/app\n"
        )
    };
    let go_mod = "module example.com/app\n\ngo 1.27.1\n";
    let found = check(&[("go.mod", go_mod), ("main.go", MAIN), (".github/workflows/release.yml", &workflow("'1.26'"))]);
    assert_eq!(rules(&found), [("module-graph-drift", ".github/workflows/release.yml:8")], "{found:#?}");
    assert!(found[0].2.contains("go-version: 1.26 is older than `go 1.27.1`"), "{}", found[0].2);
    let found = check(&[("go.mod", go_mod), ("main.go", MAIN), (".github/workflows/release.yml", &workflow("'1.27'"))]);
    assert!(found.is_empty(), "{found:#?}");
}

/// hashicorp/actions-go-build installs the Go its `go_version` names, here what an earlier
/// job read from `.go-version` and gave as an output (`needs.<job>.outputs.<name>`).
#[test]
fn actions_go_build_go_version_from_an_earlier_jobs_output() {
    let workflow = "on:\n  push:\n    tags: ['v*']\njobs:\n  get-go-version:\n    runs-on: ubuntu-latest\n    outputs:\n      go-version: ${{ steps.get.outputs.go-version }}\n    steps:\n      - id: get\n        run: echo \"go-version=$(cat .go-version)\" >> $GITHUB_OUTPUT\n  build:\n    needs: [get-go-version]\n    runs-on: ubuntu-latest\n    steps:\n      - uses: hashicorp/actions-go-build@v1\n        with:\n          product_name: app\n          product_version: 1.0.0\n          go_version: ${{ needs.get-go-version.outputs.go-version }}\n          os: linux\n          arch: amd64\n          instructions: go build -o \"$BIN_PATH\" -trimpath .\n";
    let found = check_in_module(&[(".github/workflows/build.yml", workflow), (".go-version", "1.24\n")]);
    assert_eq!(rules(&found), [("toolchain-unsupported", ".github/workflows/build.yml:20")], "{found:#?}");
    assert!(found[0].2.contains("actions-go-build go_version 1.24"), "{}", found[0].2);
    assert!(check_in_module(&[(".github/workflows/build.yml", workflow), (".go-version", "1.27\n")]).is_empty());
}

/// A build image named `go` and tagged with a Go release (`quay.io/vektorcloud/go:1.18`) is
/// the Go that builds what the image ships, like `golang:`.
#[test]
fn a_go_image_of_another_publisher_is_the_go_that_builds() {
    let dockerfile = |base: &str| scratch_image(base, "go build -trimpath -o /app .", "/app");
    let found = check_in_module(&[("Dockerfile", &dockerfile("quay.io/vektorcloud/go:1.18"))]);
    assert_eq!(rules(&found), [("toolchain-unsupported", "Dockerfile:1")], "{found:#?}");
    assert!(check_in_module(&[("Dockerfile", &dockerfile("quay.io/vektorcloud/go:1.27.2"))]).is_empty());
}

/// `for arg in "$@"; do eval "$arg"; done` runs the script's functions its arguments name
/// (`RUN ./build.sh build`): eval of a plain function call is that call, so the image's Go
/// builds what ships.
#[test]
fn eval_of_a_function_name_calls_the_function() {
    let script = "#!/bin/sh\nbuild() {\n\tgo build -trimpath -o /out/app .\n}\nclean() {\n\trm -rf dist\n}\nfor arg in \"$@\"; do\n\teval \"$arg\"\ndone\n";
    let dockerfile = |goal: &str| scratch_image("golang:1.24", &format!("./build.sh {goal}"), "/out/app");
    let found = check_in_module(&[("build.sh", script), ("Dockerfile", &dockerfile("build"))]);
    assert_eq!(rules(&found), [("toolchain-unsupported", "Dockerfile:1")], "{found:#?}");
    assert!(check_in_module(&[("build.sh", script), ("Dockerfile", &dockerfile("clean"))]).is_empty());
}

/// `docker run ... golang:1.24 ./scripts/build.sh` (or `go build` itself behind it): the
/// image's Go builds what the script ships, said at the command that chose the image; a run
/// whose builds do not ship (`make test`) is not a release build.
#[test]
fn a_build_container_is_the_go_that_builds() {
    let build =
        "#!/bin/sh\ngo build -trimpath -o dist/app-linux-amd64 .\ntar czf dist/app.tar.gz dist/app-linux-amd64\n";
    let release =
        |image: &str, run: &str| format!("#!/bin/sh\ndocker run --rm -v \"$PWD\":/src -w /src {image} {run}\n");
    let in_container = |image: &str, run: &str| {
        check_in_module(&[
            ("scripts/build.sh", build),
            ("release.sh", &release(image, run)),
            ("Makefile", "test:\n\tgo test ./...\n"),
        ])
    };
    let found = in_container("golang:1.24", "./scripts/build.sh");
    assert_eq!(rules(&found), [("toolchain-unsupported", "release.sh:2")], "{found:#?}");
    assert!(found[0].2.contains("golang:1.24"), "{}", found[0].2);
    assert!(in_container("golang:1.27.1", "./scripts/build.sh").is_empty());
    assert!(in_container("golang:1.24", "make test").is_empty());
    // The build itself in the container: said at the image.
    let direct =
        in_container("golang:1.24", "go build -trimpath -o dist/app-linux-amd64 . && tar czf dist/app.tgz dist");
    assert_eq!(rules(&direct), [("toolchain-unsupported", "release.sh:2")], "{direct:#?}");
    // An image older than go.mod's `go` line: the golang image's GOTOOLCHAIN=local fails the build.
    let raised = check(&[
        ("go.mod", "module example.com/app\n\ngo 1.27.0\n"),
        ("main.go", MAIN),
        ("scripts/build.sh", build),
        ("release.sh", &release("golang:1.26", "./scripts/build.sh")),
    ]);
    assert_eq!(rules(&raised), [("module-graph-drift", "release.sh:2")], "{raised:#?}");
    assert!(raised[0].2.contains("GOTOOLCHAIN=local"), "{}", raised[0].2);
}

/// A recipe line reached both from the Makefile alone and from a script that runs `make build`
/// runs its script for each: what `release.sh` ships through it is found.
#[test]
fn a_recipe_reached_from_two_callers_runs_its_script_for_each() {
    let files = |caller: &str| {
        check_in_module(&[
            ("Makefile", "build:\n\t./scripts/build.sh\n"),
            ("scripts/build.sh", "#!/bin/sh\ngo build -o app .\n"),
            (caller, "#!/bin/sh\nmake build\n"),
        ])
    };
    let found = files("scripts/release.sh");
    assert_eq!(rules(&found), [("untrimmed-paths", "scripts/build.sh:2")], "{found:#?}");
    assert!(found[0].2.contains("scripts/release.sh:2 runs it"), "{}", found[0].2);
    assert!(files("scripts/dev.sh").is_empty());
}

/// A generic build line that `$(MAKE) build GOOS=darwin GOARCH=arm64` runs: darwin was chosen
/// at that call, and the finding is there, one per call that names it.
#[test]
fn a_darwin_build_is_said_where_darwin_was_chosen() {
    let make = |build: &str| {
        format!(
            "release:\n\t$(MAKE) build GOOS=linux GOARCH=amd64\n\t$(MAKE) build GOOS=darwin GOARCH=amd64\n\t$(MAKE) build GOOS=darwin GOARCH=arm64\n\tgh release create v1 dist/*\n\nbuild:\n\t{build}\n"
        )
    };
    let found = check_in_module(&[("Makefile", &make("go build -trimpath -o dist/app-$(GOOS)-$(GOARCH) ."))]);
    assert_eq!(places(&found, "macos-not-notarized"), ["Makefile:3", "Makefile:4"], "{found:#?}");
    // A build line that names darwin itself is where the finding stays.
    let own = "release:\n\t$(MAKE) build-darwin ARCH=amd64\n\t$(MAKE) build-darwin ARCH=arm64\n\tgh release create v1 dist/*\n\nbuild-darwin:\n\tGOOS=darwin GOARCH=$(ARCH) go build -trimpath -o dist/app-darwin-$(ARCH) .\n";
    assert_eq!(places(&check_in_module(&[("Makefile", own)]), "macos-not-notarized"), ["Makefile:7"]);
}

/// A release-named script that a target for tests runs (`integration-macos: ;
/// ./hack/cross_build.sh darwin arm64`, the script running `make build GOOS=$1 GOARCH=$2`)
/// builds for the tests: the script's name does not make what it builds ship.
#[test]
fn a_run_started_for_tests_does_not_ship_by_the_names_between() {
    let script = "#!/bin/sh\nmake build GOOS=$1 GOARCH=$2\n";
    let make = |target: &str| {
        format!(
            "{target}:\n\t./hack/cross_build.sh darwin arm64\n\t./out/app-darwin-arm64 --self-test\n\nbuild:\n\tgo build -trimpath -o out/app-$(GOOS)-$(GOARCH) .\n"
        )
    };
    let run = |target: &str| check_in_module(&[("hack/cross_build.sh", script), ("Makefile", &make(target))]);
    assert!(run("integration-macos").is_empty(), "{:#?}", run("integration-macos"));
    let found = run("release-macos");
    assert_eq!(rules(&found), [("macos-not-notarized", "Makefile:2")], "{found:#?}");
}

/// A reusable workflow (`on: workflow_call`) that a release workflow's job runs keeps what it
/// uploads as artifacts for that release; run only by CI's checks, its artifacts are test builds.
#[test]
fn a_reusable_workflow_a_release_runs_keeps_its_artifacts() {
    let build = "on:\n  workflow_call:\n    inputs:\n      version:\n        type: string\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: GOOS=linux go build -o bin/app_linux -ldflags \"-X main.buildDate=${{ inputs.version }}\" .\n      - uses: actions/upload-artifact@v4\n        with:\n          name: app\n          path: bin/app_*\n";
    let caller = |on: &str, job: &str| {
        format!("on:\n{on}\njobs:\n  {job}:\n    uses: ./.github/workflows/build.yml\n    with:\n      version: v1\n")
    };
    let dispatch = "  workflow_dispatch:\n    inputs:\n      version:\n        type: string";
    let run = |file: &str, on: &str, job: &str| {
        check_in_module(&[(".github/workflows/build.yml", build), (file, &caller(on, job))])
    };
    let found = run(".github/workflows/release.yml", dispatch, "build-and-sign");
    assert_eq!(rules(&found), [("untrimmed-paths", ".github/workflows/build.yml:10")], "{found:#?}");
    assert!(found[0].2.contains("built in CI and kept"), "{}", found[0].2);
    assert!(run(".github/workflows/ci.yml", "  push:\n  pull_request:", "test").is_empty());
}

/// The linker's boolean flags written with values (`-s=$(STRIP) -w=$(STRIP)`, lima's
/// KEEP_SYMBOLS switch): `-s=true -w=true` strips for release like `-s -w`; `=false` keeps all.
#[test]
fn linker_flags_with_values_strip_as_they_say() {
    let make =
        |strip: &str| format!("STRIP := {strip}\nbuild:\n\tgo build -ldflags=\"-s=$(STRIP) -w=$(STRIP)\" -o app .\n");
    let found = check_in_module(&[("Makefile", &make("true"))]);
    assert_eq!(
        rules(&found),
        [("untrimmed-paths", "Makefile:3"), ("stripped-without-symbols", "Makefile:3")],
        "{found:#?}"
    );
    assert!(found[0].2.contains("stripped for release"), "{}", found[0].2);
    assert!(check_in_module(&[("Makefile", &make("false"))]).is_empty());
}

#[test]
fn dropping_dwarf_that_a_wasm_module_never_has_removes_nothing() {
    // Go's linker writes no DWARF for js, wasip1 or plan9: `-w` alone changes nothing there,
    // while `-s` still drops the wasm `name` section of function names.
    let script = |flags: &str| {
        format!(
            "#!/bin/sh\nGOOS=js GOARCH=wasm go build -trimpath -ldflags \"{flags}\" -o dist/app-js.wasm .\ncp dist/app-js.wasm site/\ntar czf app-wasm.tgz dist/app-js.wasm\n"
        )
    };
    let found = check_in_module(&[("release-wasm.sh", &script("-w -X main.buildDate=2024"))]);
    assert!(places(&found, "stripped-without-symbols").is_empty(), "{found:#?}");
    let found = check_in_module(&[("release-wasm.sh", &script("-s -w -X main.buildDate=2024"))]);
    assert_eq!(places(&found, "stripped-without-symbols"), ["release-wasm.sh:2"], "{found:#?}");
    // The same `-w` on linux drops DWARF that is there.
    let linux = script("-w -X main.buildDate=2024").replace("GOOS=js GOARCH=wasm", "GOOS=linux GOARCH=amd64");
    let found = check_in_module(&[("release-wasm.sh", &linux)]);
    assert_eq!(places(&found, "stripped-without-symbols"), ["release-wasm.sh:2"], "{found:#?}");
}

#[test]
fn a_toolchain_image_that_starts_nothing_is_a_build_environment() {
    // Built to copy the binary out (`docker cp`): the image is not run, and not shipped.
    let environment = "FROM golang:1.27\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -o /out/app .\n";
    let make = (
        "Makefile",
        "release-docker:\n\tdocker build -t app-build .\n\tdocker create --name b app-build\n\tdocker cp b:/out/app dist/app\n",
    );
    let found = check_in_module(&[("Dockerfile", environment), make]);
    assert!(places(&found, "root-final-image").is_empty(), "{found:#?}");
    assert!(places(&found, "toolchain-in-final-image").is_empty(), "{found:#?}");
    // The same image starting the program ships the toolchain and runs it as root.
    let started = format!("{environment}ENTRYPOINT [\"/out/app\"]\n");
    let found = check_in_module(&[("Dockerfile", &started), make]);
    assert_eq!(places(&found, "toolchain-in-final-image"), ["Dockerfile:1"], "{found:#?}");
    assert_eq!(places(&found, "root-final-image"), ["Dockerfile:1"], "{found:#?}");
}

/// An image that unpacks a Go release itself and starts only a shell is a build environment
/// too: whoever runs it chooses what runs. Starting the program it builds, it runs that as root.
#[test]
fn an_image_that_installs_go_and_starts_a_shell_is_a_build_environment() {
    let image = |start: &str| {
        format!(
            "FROM ubuntu:24.04
ARG GO_VERSION=1.27.3
RUN apt-get update && apt-get install -y wget git make
RUN wget https://dl.google.com/go/go${{GO_VERSION}}.linux-amd64.tar.gz && tar -C /usr/local -xzf go${{GO_VERSION}}.linux-amd64.tar.gz
ENV GOROOT=/usr/local/go PATH=/usr/local/go/bin:$PATH
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /usr/local/bin/app .
{start}
"
        )
    };
    let found = check_in_module(&[("docker/build/Dockerfile", &image("ENTRYPOINT [\"/bin/bash\"]"))]);
    assert!(places(&found, "root-final-image").is_empty(), "{found:#?}");
    let found = check_in_module(&[("docker/build/Dockerfile", &image("ENTRYPOINT [\"/usr/local/bin/app\"]"))]);
    assert_eq!(places(&found, "root-final-image"), ["docker/build/Dockerfile:1"], "{found:#?}");
    let found = check_in_module(&[("docker/build/Dockerfile", &image("CMD [\"bash\", \"-c\", \"app serve\"]"))]);
    assert_eq!(places(&found, "root-final-image"), ["docker/build/Dockerfile:1"], "{found:#?}");
    // A CI builder: Go copied in, other modules' tools installed, `bash -c` running whatever a
    // job gives it. Neither the image nor its tools ship.
    let builder = "FROM debian:12-slim AS go
RUN curl -sL https://go.dev/dl/go1.27.3.linux-amd64.tar.gz | tar -C /usr/local -xz
ENV PATH=/usr/local/go/bin:/go/bin:$PATH GOPATH=/go
RUN go install gotest.tools/gotestsum@v1.12.0
FROM debian:12-slim
COPY --from=go /usr/local/go /usr/local/go
COPY --from=go /go/bin/gotestsum /usr/local/bin/gotestsum
ENTRYPOINT [\"/bin/bash\", \"-c\"]
";
    let found = check_in_module(&[("ops/ci-builder/Dockerfile", builder)]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn flags_a_parent_makefile_exports_reach_its_sub_makes_and_are_said_where_written() {
    let parent = |export: &str| {
        format!(
            "DATE := $(shell date -u +%FT%TZ)\n{export}LD_OPTS = -ldflags \"-s -X main.buildDate=$(DATE)\" -trimpath\n\ncli:\n\t$(MAKE) -C cmd/cli build\n\nrelease: cli\n\ttar czf dist/cli.tgz cmd/cli/cli\n"
        )
    };
    let files = |makefile: &str| {
        check(&[
            ("go.mod", GO_MOD),
            ("cmd/cli/main.go", MAIN),
            ("cmd/cli/Makefile", "build:\n\tgo build $(LD_OPTS) -o cli\n"),
            ("Makefile", makefile),
        ])
    };
    let found = files(&parent("export "));
    assert_eq!(places(&found, "stripped-without-symbols"), ["Makefile:2"], "{found:#?}");
    assert_eq!(places(&found, "non-reproducible-build"), ["Makefile:2"], "{found:#?}");
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");
    // Not exported: the sub-make's $(LD_OPTS) is empty, so its build has no -trimpath and
    // strips nothing.
    let found = files(&parent(""));
    assert_eq!(places(&found, "untrimmed-paths"), ["cmd/cli/Makefile:2"], "{found:#?}");
    assert!(places(&found, "stripped-without-symbols").is_empty(), "{found:#?}");
}

#[test]
fn go_install_into_the_users_gopath_is_a_local_install() {
    // A `dist` target that installs into whoever runs it's ~/go/bin ships nothing, whatever
    // its name and flags; `GOPATH ?= $(shell go env GOPATH)` is that same folder.
    let make = |setting: &str| format!("{setting}\ndist:\n\tgo install -ldflags \"-s -w\" ./cmd/app\n");
    let files = |makefile: &str| check(&[("go.mod", GO_MOD), ("cmd/app/main.go", MAIN), ("Makefile", makefile)]);
    assert!(files(&make("")).is_empty());
    assert!(files(&make("export GOPATH ?= $(shell go env GOPATH)")).is_empty());
    // Into a folder of the repository, it is the dist target's output.
    let found = files(&make("export GOBIN := $(CURDIR)/dist"));
    assert_eq!(
        rules(&found),
        [("untrimmed-paths", "Makefile:3"), ("stripped-without-symbols", "Makefile:3")],
        "{found:#?}"
    );
}

#[test]
fn a_goreleaser_release_from_a_generated_config_is_the_projects_release() {
    // The release workflow renders its config first: goreleaser releases, from a file no
    // scan can read. A cross-build target beside it is a local alternative.
    let workflow = "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"CONFIG=$(go run ./internal/release linux)\" >> $GITHUB_ENV\n      - uses: goreleaser/goreleaser-action@v6\n        with:\n          args: release --clean --config ${{ env.CONFIG }}\n";
    let script = "#!/bin/sh\nfor os in linux darwin windows; do\n  GOOS=$os GOARCH=amd64 go build -ldflags \"-s -w\" -o dist/app-$os-amd64 .\ndone\n";
    let make = ("Makefile", "crossbinary:\n\t./script/crossbinary.sh\n");
    let found = check_in_module(&[("script/crossbinary.sh", script), make]);
    assert_eq!(places(&found, "stripped-without-symbols"), ["script/crossbinary.sh:3"], "{found:#?}");
    let found =
        check_in_module(&[("script/crossbinary.sh", script), make, (".github/workflows/release.yml", workflow)]);
    assert!(places(&found, "stripped-without-symbols").is_empty(), "{found:#?}");
    assert!(places(&found, "macos-not-notarized").is_empty(), "{found:#?}");
}

#[test]
fn a_tool_go_install_puts_on_path_and_the_script_runs_is_a_tool() {
    // gox installed into GOPATH/bin, then run by its name: a tool the script uses itself; the
    // zip of the folder the script is in does not hold it.
    let script = |run: &str| {
        format!("#!/bin/bash\nif ! which gox > /dev/null; then\n  go install github.com/mitchellh/gox\nfi\n{run}\n")
    };
    let image = "FROM golang:1.27 AS build\nCOPY . /src\nWORKDIR /src\nRUN ./build.sh\nFROM alpine:3.20\nCOPY --from=build /src/pkg/linux_amd64/app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    let gox =
        "gox -os=linux -arch=amd64 -output \"pkg/{{.OS}}_{{.Arch}}/app\" .\ncd pkg/linux_amd64 && zip ../app.zip ./*";
    let found = check_in_module(&[("build.sh", &script(gox)), ("Dockerfile", image)]);
    assert!(!places(&found, "untrimmed-paths").contains(&"build.sh:3"), "{found:#?}");
    // Installed and never run, in an image build that copies the install folder out: shipped.
    let image =
        image.replace("COPY --from=build /src", "COPY --from=build /go/bin/ /usr/local/bin/\nCOPY --from=build /src");
    let found = check_in_module(&[("build.sh", &script("true")), ("Dockerfile", &image)]);
    assert_eq!(places(&found, "untrimmed-paths"), ["build.sh:3"], "{found:#?}");
    // The image copies out only the program the script builds: the tool stays behind.
    let found = check_in_module(&[
        ("build.sh", &script("true")),
        ("Dockerfile", &image.replace("COPY --from=build /go/bin/ /usr/local/bin/\n", "")),
    ]);
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");
}

#[test]
fn a_stamp_that_does_nothing_in_a_development_build_ships_nothing() {
    // `-X main.Version` where main declares buildDate only: a no-op. In a `dev` target it stamps
    // a developer's build; in a plain `build` target it is the version meant to ship.
    let make = |target: &str| {
        format!("{target}:\n\tgo build -trimpath -ldflags \"-X main.Version=$(shell git describe)\" -o bin/app .\n")
    };
    assert!(places(&check_in_module(&[("Makefile", &make("dev"))]), "x-flag-unknown-target").is_empty());
    let found = check_in_module(&[("Makefile", &make("build"))]);
    assert_eq!(places(&found, "x-flag-unknown-target"), ["Makefile:2"], "{found:#?}");
    // An end-to-end test image that nothing publishes.
    let image = "FROM golang:1.27 AS build\nCOPY . /src\nWORKDIR /src\nRUN go build -trimpath -ldflags \"-X main.Version=1\" -o /app .\nFROM alpine:3.20\nCOPY --from=build /app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    let found = check_in_module(&[("e2e/Dockerfile", image)]);
    assert!(places(&found, "x-flag-unknown-target").is_empty(), "{found:#?}");
    let found = check_in_module(&[("Dockerfile", image)]);
    assert_eq!(places(&found, "x-flag-unknown-target"), ["Dockerfile:4"], "{found:#?}");
}

#[test]
fn a_default_goreleaser_config_ci_only_snapshots_is_released_by_hand() {
    // CI only checks the config (`release --snapshot`): the maintainers release with it by hand.
    let config = "version: 2\nbuilds:\n  - flags: [-trimpath]\n    ldflags: -s -w -X main.Version={{ .Version }}\n    goos: [linux]\n";
    let checks = "on: [push, pull_request]\njobs:\n  goreleaser:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: goreleaser/goreleaser-action@v6\n        with:\n          args: release --snapshot --skip publish --clean\n";
    let found = check_in_module(&[(".goreleaser.yml", config), (".github/workflows/goreleaser.yml", checks)]);
    assert_eq!(places(&found, "stripped-without-symbols"), [".goreleaser.yml:4"], "{found:#?}");
    // Used only to compile for tests (`goreleaser build --snapshot`), it releases nothing.
    let e2e = checks.replace("release --snapshot --skip publish --clean", "build --snapshot --single-target --clean");
    let found = check_in_module(&[(".goreleaser.yml", config), (".github/workflows/e2e.yml", &e2e)]);
    assert!(places(&found, "stripped-without-symbols").is_empty(), "{found:#?}");
    // Beside a release made with another config, it is only the check's.
    let release = "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: goreleaser/goreleaser-action@v6\n        with:\n          args: release --clean --config .goreleaser.release.yml\n";
    let release_config =
        "version: 2\nbuilds:\n  - flags: [-trimpath]\n    ldflags: -X main.Version={{ .Version }}\n    goos: [linux]\n";
    let found = check_in_module(&[
        (".goreleaser.yml", config),
        (".github/workflows/goreleaser.yml", checks),
        (".goreleaser.release.yml", release_config),
        (".github/workflows/release.yml", release),
    ]);
    assert!(places(&found, "stripped-without-symbols").is_empty(), "{found:#?}");
}

#[test]
fn an_image_only_a_development_target_builds_ships_nothing_beside_published_ones() {
    // goreleaser publishes the image of `Dockerfile`; `make docker-dev` builds another one
    // locally, whose RUN builds through the Makefile.
    let goreleaser = "builds:\n  - flags: [-trimpath]\n    goos: [linux]\ndockers:\n  - dockerfile: Dockerfile\n";
    let release_image = "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\nENTRYPOINT [\"/app\"]\n";
    let dev_image = "FROM golang:1.27 AS build\nCOPY . /src\nWORKDIR /src\nRUN make server\nFROM alpine:3.20\nCOPY --from=build /src/dist/app /app\nENTRYPOINT [\"/app\"]\n";
    let make = |target: &str| {
        format!("{target}:\n\tdocker build -f Dockerfile-build -t app:1.0 .\n\nserver:\n\tgo build -o dist/app .\n")
    };
    let files = |target: &str| {
        check_in_module(&[
            (".goreleaser.yml", goreleaser),
            ("Dockerfile", release_image),
            ("Dockerfile-build", dev_image),
            ("Makefile", &make(target)),
        ])
    };
    let found = files("docker-dev");
    assert!(!found.iter().any(|f| f.1.starts_with("Dockerfile-build") || f.1.starts_with("Makefile")), "{found:#?}");
    // Built by a target that says nothing of its purpose, in a file that pushes no image, it is
    // built for a look; where the file also pushes it (`docker-push`), it may be published.
    let found = files("docker-image");
    assert!(!found.iter().any(|f| f.1.starts_with("Dockerfile-build") || f.1.starts_with("Makefile")), "{found:#?}");
    let found = files("docker-push:\n\tdocker push app:1.0\n\ndocker-image");
    assert_eq!(places(&found, "root-final-image"), ["Dockerfile-build:5"], "{found:#?}");
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:8"], "{found:#?}");
}

#[test]
fn a_build_into_tmp_that_nothing_keeps_is_a_check() {
    // A release-named target building each platform into /tmp to see that it builds.
    let make = |after: &str| {
        format!(
            "cross-release-install:\n\tfor sys in linux-amd64 darwin-arm64; do \\\n\t\tGOOS=$${{sys%%-*}} GOARCH=$${{sys##*-}} go build -ldflags=\"-s -w\" -o /tmp/app-$$sys .; \\\n\tdone{after}\n"
        )
    };
    let found = check_in_module(&[("Makefile", &make(""))]);
    assert!(places(&found, "stripped-without-symbols").is_empty(), "{found:#?}");
    // Packed from there, it is the release.
    let found = check_in_module(&[("Makefile", &make("\n\ttar czf dist/app.tgz /tmp/app-linux-amd64"))]);
    assert_eq!(places(&found, "stripped-without-symbols"), ["Makefile:3"], "{found:#?}");
}

#[test]
fn debug_images_and_test_suites_are_named_for_other_purposes() {
    // A delve image built from the Makefile's build is a developer's.
    let make = "app:\n\tgo build -o bin/app ./cmd/app\n";
    let image = |name: &str| {
        (
            name.to_string(),
            "FROM golang:1.27 AS build\nCOPY . /src\nWORKDIR /src\nRUN make app\nFROM alpine:3.20\nCOPY --from=build /src/bin/app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n".to_string(),
        )
    };
    let files = |(name, text): (String, String)| {
        check(&[("go.mod", GO_MOD), ("cmd/app/main.go", MAIN), ("Makefile", make), (name.as_str(), text.as_str())])
    };
    assert!(places(&files(image("Dockerfile.debug")), "untrimmed-paths").is_empty());
    // An image for acceptance tests, and one of a program that tests (`tools/dnstester`).
    assert!(places(&files(image("Dockerfile.acceptance")), "untrimmed-paths").is_empty());
    assert!(places(&files(image("tools/dnstester/Dockerfile")), "untrimmed-paths").is_empty());
    assert_eq!(places(&files(image("Dockerfile")), "untrimmed-paths"), ["Makefile:2"]);
    // The release's debug image is the release's.
    assert_eq!(places(&files(image("Dockerfile-release-debug")), "untrimmed-paths"), ["Makefile:2"]);
    // A target named for a test suite (`pjdfstest`) builds for it; `latest` names no test.
    let target = |name: &str| format!("{name}:\n\tgo build -ldflags \"-s -w\" -trimpath -o dist/app ./cmd/app\n");
    let suite = check(&[("go.mod", GO_MOD), ("cmd/app/main.go", MAIN), ("Makefile", &target("pjdfstest"))]);
    assert!(suite.is_empty(), "{suite:#?}");
    let latest = check(&[("go.mod", GO_MOD), ("cmd/app/main.go", MAIN), ("Makefile", &target("release-latest"))]);
    assert_eq!(places(&latest, "stripped-without-symbols"), ["Makefile:2"], "{latest:#?}");
}

#[test]
fn a_script_nothing_runs_beside_a_release_chain_is_a_local_alternative() {
    // The release: nightly-release.sh runs `make build` per platform. compile-linux.sh, which
    // nothing runs, cross-compiles the same program by hand.
    let make = "build:\n\tgo build -trimpath -ldflags \"-s -w -X main.buildDate=$(shell git log -1 --format=%cI)\" -o micro ./cmd/app\n";
    let release = "#!/bin/sh\nfor os in linux darwin; do GOOS=$os make build; tar czf micro-$os.tgz micro; done\ngh release upload nightly micro-*.tgz\n";
    let local = "#!/bin/sh\nGOOS=linux GOARCH=arm64 go build -ldflags \"-s -w -X main.Version=$1\" -o micro-linux-arm64 ./cmd/app\n";
    let files = |with_release: bool| {
        let mut files =
            vec![("go.mod", GO_MOD), ("cmd/app/main.go", MAIN), ("Makefile", make), ("tools/compile-linux.sh", local)];
        if with_release {
            files.push(("tools/nightly-release.sh", release));
        }
        check(&files)
    };
    let found = files(true);
    assert!(!found.iter().any(|f| f.1.starts_with("tools/compile-linux.sh")), "{found:#?}");
    assert_eq!(places(&found, "stripped-without-symbols"), ["Makefile:2"], "{found:#?}");
    // Alone, the cross-compiling script is the release: its stamp that does nothing is a defect.
    let found = files(false);
    assert_eq!(places(&found, "x-flag-unknown-target"), ["tools/compile-linux.sh:2"], "{found:#?}");
    assert!(places(&found, "stripped-without-symbols").contains(&"tools/compile-linux.sh:2"), "{found:#?}");
    // Beside the chain, a script that pushes what it builds itself is a release of its own.
    let pushing = format!("{local}docker buildx build --platform linux/arm64 --push -t example/micro .\n");
    let found = check(&[
        ("go.mod", GO_MOD),
        ("cmd/app/main.go", MAIN),
        ("Makefile", make),
        ("tools/compile-linux.sh", &pushing),
        ("tools/nightly-release.sh", release),
    ]);
    assert_eq!(places(&found, "x-flag-unknown-target"), ["tools/compile-linux.sh:2"], "{found:#?}");
}

#[test]
fn an_image_build_push_action_does_not_push_keeps_nothing() {
    // docker/build-push-action pushes only when told: its default builds the image and drops it.
    let workflow = |push: &str| {
        format!(
            "on:\n  push:\n    branches: [main]\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - run: CGO_ENABLED=0 go build -o app .\n      - uses: docker/build-push-action@v6\n        with:\n          context: .\n{push}"
        )
    };
    let found = check_in_module(&[(".github/workflows/image.yml", &workflow(""))]);
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");
    let found = check_in_module(&[(".github/workflows/image.yml", &workflow("          push: false\n"))]);
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");
    let found = check_in_module(&[(".github/workflows/image.yml", &workflow("          push: true\n"))]);
    assert_eq!(places(&found, "untrimmed-paths"), [".github/workflows/image.yml:8"], "{found:#?}");
}

/// A flags generator in the style release Makefiles run with `$(shell go run ...)`: it strips,
/// stamps the build host's GOROOT and names a package `build` that the module does not have.
const FLAGS_PROGRAM: &str = r#"//go:build ignore

package main

import (
	"fmt"
	"os"
)

func linkerFlags(version string) string {
	flags := "-s -w"
	flags += " -X example.com/app/build.Version=" + version
	flags += " -X example.com/app/internal/info.Root=" + os.Getenv("GOROOT")
	return flags
}

func main() {
	version := "dev"
	if len(os.Args) > 1 {
		version = os.Args[1]
	}
	fmt.Println(linkerFlags(version))
}
"#;

/// Its correct twin: stamps the version into a package the module has, and nothing else.
const FLAGS_PROGRAM_FIXED: &str = r#"package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Printf("-X example.com/app/internal/info.Version=%s", os.Args[1])
}
"#;

const INFO_PKG: &str = "package info\n\nvar Version string\nvar Root string\n";

#[test]
fn flags_a_go_program_prints_are_judged_where_the_program_writes_them() {
    let make = "LDFLAGS := $(shell go run tools/ldflags.go)\n\nrelease:\n\tgo build -trimpath -ldflags \"$(LDFLAGS)\" -o dist/app ./cmd/app\n";
    let script = "#!/bin/sh\nset -e\nLDFLAGS=$(go run ./tools/gen \"$1\")\ngo build -trimpath -ldflags \"$LDFLAGS\" -o dist/app ./cmd/app\n";
    let files = |program: &'static str| {
        check(&[
            ("go.mod", GO_MOD),
            ("cmd/app/main.go", MAIN),
            ("internal/info/info.go", INFO_PKG),
            ("tools/ldflags.go", program),
            // A package folder `go run` is given: its file with `func main`.
            ("tools/gen/doc.go", "// Package main prints the release's linker flags.\npackage main\n"),
            ("tools/gen/main.go", program),
            ("Makefile", make),
            ("scripts/release.sh", script),
        ])
    };
    let found = files(FLAGS_PROGRAM);
    // -s -w reach each build line; the host's GOROOT and the missing package are said once,
    // where the program writes them.
    assert_eq!(places(&found, "stripped-without-symbols"), ["Makefile:4", "scripts/release.sh:4"], "{found:#?}");
    let mut stamps = places(&found, "non-reproducible-build");
    stamps.sort_unstable();
    assert_eq!(stamps, ["tools/gen/main.go:13", "tools/ldflags.go:13"], "{found:#?}");
    let mut unknown = places(&found, "x-flag-unknown-target");
    unknown.sort_unstable();
    assert_eq!(unknown, ["tools/gen/main.go:12", "tools/ldflags.go:12"], "{found:#?}");
    let found = files(FLAGS_PROGRAM_FIXED);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_race_detector_or_debugger_build_does_not_ship() {
    let make = |flags: &str| format!("all:\n\tgo build {flags} -trimpath -ldflags \"-s -w\" -o app ./cmd/app\n");
    let found = check_in_module(&[("cmd/app/main.go", MAIN), ("Makefile", &make(""))]);
    assert_eq!(places(&found, "stripped-without-symbols"), ["Makefile:2"], "{found:#?}");
    let found = check_in_module(&[("cmd/app/main.go", MAIN), ("Makefile", &make("-race"))]);
    assert!(found.is_empty(), "{found:#?}");
    // Optimizations off, for a debugger: for all packages or for the main one alone.
    for gcflags in ["-gcflags='all=-N -l'", "-gcflags \"-N -l\""] {
        let found = check_in_module(&[("cmd/app/main.go", MAIN), ("Makefile", &make(gcflags))]);
        assert!(found.is_empty(), "{gcflags}: {found:#?}");
    }
    // Inlining off alone (`-l`) is still an optimized build.
    let found = check_in_module(&[("cmd/app/main.go", MAIN), ("Makefile", &make("-gcflags=-l"))]);
    assert_eq!(places(&found, "stripped-without-symbols"), ["Makefile:2"], "{found:#?}");
}

#[test]
fn a_goreleaser_config_template_is_read_as_the_config_it_renders_to() {
    // Rendered with `[[ ]]` by the project's own step before goreleaser runs it: goreleaser's
    // `{{ }}` templates stay for goreleaser.
    let template = |ldflags: &str| {
        format!(
            "project_name: app\nversion: 2\n[[if .GOARCH]]\ndist: \"./dist/[[ .GOOS ]]-[[ .GOARCH ]]\"\n[[else]]\ndist: \"./dist/[[ .GOOS ]]\"\n[[end]]\nbuilds:\n  - main: ./cmd/app\n    env:\n      - CGO_ENABLED=0\n    ldflags:\n      - {ldflags}\n    flags:\n      - -trimpath\n    goos:\n      - \"[[ .GOOS ]]\"\n    goarch:\n      [[if .GOARCH]]\n      - \"[[ .GOARCH ]]\"\n      [[else]]\n      - amd64\n      - arm64\n      [[end]]\n"
        )
    };
    let workflow = "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go run ./internal/render linux > /tmp/goreleaser.yml\n      - uses: goreleaser/goreleaser-action@v6\n        with:\n          args: release --config /tmp/goreleaser.yml\n";
    let files = |ldflags: &str| {
        check(&[
            ("go.mod", GO_MOD),
            ("cmd/app/main.go", MAIN),
            (".goreleaser.yml.tmpl", &template(ldflags)),
            (".github/workflows/release.yml", workflow),
        ])
    };
    let found = files("-s -w -X main.buildDate={{.Date}}");
    assert_eq!(
        rules(&found),
        [
            ("stripped-without-symbols", ".goreleaser.yml.tmpl:13"),
            ("non-reproducible-build", ".goreleaser.yml.tmpl:13")
        ],
        "{found:#?}"
    );
    let found = files("-X main.buildDate={{.CommitDate}}");
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_go_program_hands_its_platform_table_to_workers_through_a_channel() {
    // The table is a map passed by name to a function whose goroutines read jobs, of a type
    // declared inside it, from a channel another goroutine fills row by row.
    let program = |table: &str| {
        format!(
            r#"package main

import (
	"os"
	"os/exec"
	"sync"
)

func build(goos, goarch string) {{
	out := "dist/tool_" + goos + "_" + goarch
	if goos == "windows" {{
		out += ".exe"
	}}
	c := exec.Command("go", "build", "-trimpath", "-o", out, "./cmd/tool")
	c.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch)
	c.Run()
}}

func buildAll(targets map[string][]string) {{
	type job struct{{ goos, goarch string }}
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range 4 {{
		wg.Add(1)
		go func() {{
			defer wg.Done()
			for j := range jobs {{
				build(j.goos, j.goarch)
			}}
		}}()
	}}
	for goos, arches := range targets {{
		for _, goarch := range arches {{
			jobs <- job{{goos, goarch}}
		}}
	}}
	close(jobs)
	wg.Wait()
}}

var platforms = map[string][]string{{
{table}}}

func main() {{
	chosen := platforms
	if len(os.Args) > 1 {{
		chosen = map[string][]string{{}}
	}}
	buildAll(chosen)
}}
"#
        )
    };
    let with_darwin = program("\t\"linux\":  {\"amd64\", \"arm64\"},\n\t\"darwin\": {\"arm64\"},\n");
    let found = check(&[("release/main.go", &with_darwin)]);
    // Said at the table the darwin row is written in.
    assert_eq!(rules(&found), [("macos-not-notarized", "release/main.go:41")], "{found:#?}");
    assert!(found[0].2.contains("darwin/arm64 binaries"), "{}", found[0].2);
    let without = program("\t\"linux\":  {\"amd64\", \"arm64\"},\n\t\"windows\": {\"amd64\"},\n");
    let found = check(&[("release/main.go", &without)]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_release_of_many_platforms_and_images_is_followed_to_its_last_call() {
    // One release target runs the file's own targets 36 times: a build per platform, then an
    // image per program, each image pushed from its own Dockerfile (which the file alone, with
    // its default APP, does not name) on the base the call gives.
    let platforms = ["linux", "freebsd", "openbsd", "netbsd", "windows", "illumos"]
        .iter()
        .flat_map(|os| {
            ["amd64", "arm64", "386", "riscv64"].map(|arch| format!("\t$(MAKE) build GOOS={os} GOARCH={arch}\n"))
        })
        .collect::<String>();
    let apps: Vec<String> = (0..12).map(|k| format!("app{k}")).collect();
    let images: String = apps.iter().map(|a| format!("\t$(MAKE) image APP={a}\n")).collect();
    let make = format!(
        "APP ?= app0\n\nrelease:\n{platforms}{images}\nbuild:\n\tgo build -trimpath -o dist/app-$(GOOS)-$(GOARCH) ./cmd/app\n\nimage:\n\tdocker build --build-arg root_image=alpine:3.20 -f images/$(APP)/Dockerfile --push .\n"
    );
    // Its base is the build argument the image target gives.
    let dockerfile = |user: &str| {
        format!(
            "ARG root_image=non-existing\nFROM $root_image\nCOPY dist/app-linux-amd64 /app\n{user}ENTRYPOINT [\"/app\"]\n"
        )
    };
    let paths: Vec<String> = apps.iter().map(|a| format!("images/{a}/Dockerfile")).collect();
    let files = |user: &str| {
        let dockerfile = dockerfile(user);
        let mut files = vec![("go.mod".to_string(), GO_MOD.to_string()), ("cmd/app/main.go".into(), MAIN.into())];
        files.push(("Makefile".into(), make.clone()));
        files.extend(paths.iter().map(|p| (p.clone(), dockerfile.clone())));
        let borrowed: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        check(&borrowed)
    };
    let found = files("");
    let mut roots = places(&found, "root-final-image");
    roots.sort_unstable();
    let expected: Vec<String> = paths.iter().map(|p| format!("{p}:2")).collect();
    let mut expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(roots, expected, "{found:#?}");
    let found = files("USER 65532\n");
    assert!(places(&found, "root-final-image").is_empty(), "{found:#?}");
}

#[test]
fn a_release_target_that_copies_and_uploads_another_targets_builds_ships_them() {
    let make = |publish: &str| {
        format!(
            "VERSION := $(shell cat VERSION)\n\nall-platforms:\n\tGOOS=darwin GOARCH=arm64 go build -trimpath -o out/tool-$(VERSION)-darwin-arm64 ./cmd/app\n\tGOOS=linux GOARCH=amd64 go build -trimpath -o out/tool-$(VERSION)-linux-amd64 ./cmd/app\n\nlocal:\n\tgo build -trimpath -o tool ./cmd/app\n\npublish:\n\tmkdir -p upload\n\tcp out/* upload\n{publish}"
        )
    };
    let files = |publish: &str| check_in_module(&[("cmd/app/main.go", MAIN), ("Makefile", &make(publish))]);
    // Uploaded from the folder it was copied to: the darwin build ships; the local one, which
    // the upload's `*` would name only from the top folder, does not.
    let found = files("\tcd upload && gh release create v$(VERSION) *\n");
    assert_eq!(rules(&found), [("macos-not-notarized", "Makefile:4")], "{found:#?}");
    assert!(found[0].2.contains("the publish target copies it and uploads it"), "{}", found[0].2);
    // Copied but uploaded by nothing here: no release of it is known.
    let found = files("\tls upload\n");
    assert!(found.is_empty(), "{found:#?}");
}

/// Where the scan builds a Dockerfile (a workflow's build-push-action with no `target:`), only
/// the stages that build needs ship: a named stage nothing uses (`app-binary-built`, a leftover
/// next to a stage that fetches the released binary) is skipped by BuildKit, and its `go build`
/// and toolchain are not judged. Asked for with `target:`, it ships.
#[test]
fn a_stage_the_scans_image_builds_do_not_need_ships_nothing() {
    let dockerfile = "FROM golang:1.21 AS builder\nWORKDIR /app\nCOPY . .\nRUN go build -o ./dist/app .\n\nFROM scratch AS app-binary-built\nCOPY --from=builder /app/dist/app /\n\nFROM alpine:3.20 AS fetcher\nRUN wget -O /app https://example.com/releases/app && chmod +x /app\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=fetcher /app /app\nENTRYPOINT [\"/app\"]\n";
    let workflow = |target: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ghcr.io/acme/app:latest\n{target}"
        )
    };
    let found = check_in_module(&[("Dockerfile", dockerfile), (".github/workflows/image.yml", &workflow(""))]);
    assert!(found.is_empty(), "{found:#?}");
    let target = workflow("          target: app-binary-built\n");
    let found = check_in_module(&[("Dockerfile", dockerfile), (".github/workflows/image.yml", &target)]);
    let mut found_rules: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    found_rules.sort_unstable();
    assert_eq!(found_rules, ["module-graph-drift", "toolchain-unsupported", "untrimmed-paths"], "{found:#?}");
}

/// An action that reports the current time (`steps.now.outputs.time`) stamps the clock into
/// `-X`; an output of a `run:` step that reads the commit's time does not.
#[test]
fn a_time_an_action_reports_is_the_clock() {
    let workflow = |stamp_step: &str, stamp: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n{stamp_step}      - run: go build -trimpath -ldflags \"-X main.buildDate=${{{{ {stamp} }}}}\" -o dist/app .\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/app\n"
        )
    };
    let clock = workflow("      - uses: acme/get-current-time@v2\n        id: now\n", "steps.now.outputs.time");
    let found = check_in_module(&[(".github/workflows/release.yml", &clock)]);
    assert_eq!(rules(&found), [("non-reproducible-build", ".github/workflows/release.yml:11")], "{found:#?}");
    let commit = workflow(
        "      - id: now\n        run: echo \"time=$(git log -1 --format=%cI)\" >> \"$GITHUB_OUTPUT\"\n",
        "steps.now.outputs.time",
    );
    let found = check_in_module(&[(".github/workflows/release.yml", &commit)]);
    assert!(found.is_empty(), "{found:#?}");
}

/// `go build ./cmd/app/...` builds the one main package under `cmd/app`: `-X main.commit` is
/// judged against it (and not when the pattern matches several main packages).
#[test]
fn x_flags_of_a_pattern_naming_one_main_package_are_judged() {
    let build = |pattern: &str| {
        format!(
            "release:\n\tgo build -trimpath -ldflags \"-X main.commit=$(shell git rev-parse HEAD)\" -o dist/ {pattern}\n"
        )
    };
    let app = "package main\n\nvar version string\n\nfunc main() { println(version) }\n";
    let files = |pattern: &str| {
        check_in_module(&[("cmd/app/main.go", app), ("cmd/app-web/main.go", app), ("Makefile", &build(pattern))])
    };
    let found = files("./cmd/app/...");
    assert_eq!(rules(&found), [("x-flag-unknown-target", "Makefile:2")], "{found:#?}");
    assert!(found[0].2.contains("the package in ./cmd/app)"), "{}", found[0].2);
    assert!(files("./cmd/...").is_empty(), "two main packages: each would get the -X");
}

/// goreleaser's `dockers:` pass their `--build-arg`s to the Dockerfile: a base image chosen by
/// one (`FROM gcr.io/distroless/$BASE`) is judged as that build gives it.
#[test]
fn goreleaser_docker_build_args_choose_the_base_image() {
    let dockerfile =
        "ARG BASE=static-debian12:nonroot\nFROM gcr.io/distroless/$BASE\nCOPY app /\nENTRYPOINT [\"/app\"]\n";
    let config = |base: &str| {
        format!(
            "version: 2\nbuilds:\n  - binary: app\n    env: [CGO_ENABLED=0]\n    flags: [-trimpath]\n    ldflags: ['-X main.buildDate={{{{.CommitDate}}}}']\n    goos: [linux]\ndockers:\n  - image_templates: ['ghcr.io/acme/app:{{{{ .Version }}}}']\n    build_flag_templates:\n      - \"--build-arg=BASE={base}\"\n"
        )
    };
    let files = |base: &str| check_in_module(&[("Dockerfile", dockerfile), (".goreleaser.yaml", &config(base))]);
    let found = files("static-debian12");
    let mut found_rules: Vec<(&str, &str)> = rules(&found);
    found_rules.sort_unstable();
    assert_eq!(
        found_rules,
        [("root-final-image", "Dockerfile:2"), ("unpinned-base-image", "Dockerfile:2")],
        "{found:#?}"
    );
    let found =
        files("static-debian12:nonroot@sha256:0000000000000000000000000000000000000000000000000000000000000000");
    assert!(found.is_empty(), "{found:#?}");
}

/// A program that loads packages with golang.org/x/tools/go/packages runs `go list`: its image
/// needs the toolchain (mockery, linters). A dev tool under `tools/` that does so says nothing
/// of the program the image ships.
#[test]
fn a_program_that_runs_go_list_needs_the_toolchain_image() {
    let dockerfile = "FROM golang:1.27\nWORKDIR /src\nCOPY . .\nRUN go build -trimpath -o /usr/local/bin/app .\nUSER 65532\nENTRYPOINT [\"app\"]\n";
    let loader = "package load\n\nimport \"golang.org/x/tools/go/packages\"\n\nvar Load = packages.Load\n";
    let found = check_in_module(&[("Dockerfile", dockerfile), ("internal/load/load.go", loader)]);
    assert!(places(&found, "toolchain-in-final-image").is_empty(), "{found:#?}");
    let found = check_in_module(&[("Dockerfile", dockerfile), ("tools/gen/load.go", loader)]);
    assert_eq!(places(&found, "toolchain-in-final-image"), ["Dockerfile:1"], "{found:#?}");
}

/// A goreleaser config nothing in the tree runs, beside a workflow only tag pushes run that
/// builds and uploads the binaries itself, is a leftover: the workflow's builds are the release.
/// Beside a workflow every push runs (development builds), the config may be how maintainers
/// release by hand, and is judged.
#[test]
fn a_goreleaser_config_nothing_runs_beside_a_tag_release_workflow_is_a_leftover() {
    let config = "builds:\n  - goos: [linux, darwin]\n    flags: [-trimpath]\n    ldflags: ['-X main.buildDate={{.CommitDate}}']\n";
    let workflow = |on: &str| {
        format!(
            "on:\n{on}jobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: CGO_ENABLED=0 go build -trimpath -o dist/app .\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/app\n"
        )
    };
    let tags = workflow("  push:\n    tags: ['v*']\n");
    let found = check_in_module(&[(".goreleaser.yml", config), (".github/workflows/release.yml", &tags)]);
    assert!(found.is_empty(), "{found:#?}");
    let every_push = workflow("  push:\n");
    let found = check_in_module(&[(".goreleaser.yml", config), (".github/workflows/dev.yml", &every_push)]);
    assert_eq!(places(&found, "macos-not-notarized"), [".goreleaser.yml:2"], "{found:#?}");
}

/// A job that pushes an image its Dockerfile builds in a golang stage ships that stage's Go, not
/// the Go setup-go installs on the runner (there for `go mod vendor`); a binary the runner builds
/// and the image copies ships the runner's Go.
#[test]
fn setup_go_in_an_image_job_is_judged_only_when_the_runner_builds_what_ships() {
    let workflow = |run: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.21.13'\n      - run: {run}\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ghcr.io/acme/app:latest\n"
        )
    };
    let in_image = "FROM golang:1.27.3 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -o /app .\nFROM gcr.io/distroless/static-debian12:nonroot@sha256:0000000000000000000000000000000000000000000000000000000000000000\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n";
    let found =
        check_in_module(&[("Dockerfile", in_image), (".github/workflows/image.yml", &workflow("go mod vendor"))]);
    assert!(places(&found, "toolchain-unsupported").is_empty(), "{found:#?}");
    let copied = "FROM gcr.io/distroless/static-debian12:nonroot@sha256:0000000000000000000000000000000000000000000000000000000000000000\nCOPY app /app\nENTRYPOINT [\"/app\"]\n";
    let runner_build = workflow("CGO_ENABLED=0 go build -trimpath -o app .");
    let found = check_in_module(&[("Dockerfile", copied), (".github/workflows/image.yml", &runner_build)]);
    assert_eq!(places(&found, "toolchain-unsupported"), [".github/workflows/image.yml:11"], "{found:#?}");
}

#[test]
fn goreleaser_renders_its_own_env_into_ldflags_and_flags() {
    // `env:` sets LD_FLAGS and BUILD_FLAGS; each build reads them through `{{ .Env.NAME }}`.
    let config = |build_flags: &str| {
        format!(
            "env:\n  - LD_FLAGS=-s -w -X main.buildDate={{{{ .Env.STAMP }}}}\n  - STAMP={{{{ .CommitDate }}}}\n  - BUILD_FLAGS={build_flags}\nbuilds:\n  - id: app\n    goos: [linux]\n    ldflags:\n      - '{{{{ .Env.LD_FLAGS }}}}'\n    flags:\n      - '{{{{ .Env.BUILD_FLAGS }}}}'\n"
        )
    };
    let found = check_in_module(&[(".goreleaser.yaml", &config("-tags=netgo"))]);
    assert_eq!(
        rules(&found),
        [("untrimmed-paths", ".goreleaser.yaml:6"), ("stripped-without-symbols", ".goreleaser.yaml:9")],
        "{found:#?}"
    );
    // BUILD_FLAGS=-trimpath is the flag; STAMP is read before it is set, so the date is unknown
    // (goreleaser renders each entry over the ones before it), never the clock.
    let found = check_in_module(&[(".goreleaser.yaml", &config("-trimpath"))]);
    assert_eq!(rules(&found), [("stripped-without-symbols", ".goreleaser.yaml:9")], "{found:#?}");
}

#[test]
fn a_goreleaser_folder_a_release_generates_first_is_built() {
    // `dir: _build` is filled by a code generator in the release job, before goreleaser runs.
    let config = "env:\n  - LD_FLAGS=-s -w\nbuilds:\n  - id: collector\n    goos: [linux]\n    dir: _build\n    flags: [-trimpath]\n    ldflags:\n      - '{{ .Env.LD_FLAGS }}'\n";
    let workflow = release_workflow("ubuntu-latest", "./generate.sh && goreleaser release --clean", "dist/*");
    let with_release = [(".goreleaser.yaml", config), (".github/workflows/release.yml", workflow.as_str())];
    let found = check_in_module(&with_release);
    assert_eq!(places(&found, "stripped-without-symbols"), [".goreleaser.yaml:9"], "{found:#?}");
    // Nothing here runs it: a folder the repository lacks cannot be built.
    assert!(check_in_module(&[(".goreleaser.yaml", config)]).is_empty());
    // goreleaser Pro's `monorepo.dir` is each build's folder where it names none.
    let monorepo = "monorepo:\n  tag_prefix: cmd/tool/\n  dir: .checkout/cmd/tool\nbuilds:\n  - id: tool\n    goos: [linux]\n    flags: [-trimpath]\n    ldflags: ['-X example.com/other/internal.version={{ .Version }}']\n";
    assert!(check_in_module(&[("cmd/tool/.goreleaser.yaml", monorepo)]).is_empty());
    // Run by a release, its `-X` into another module's code is not judged against this go.mod.
    let workflow = release_workflow("ubuntu-latest", "goreleaser release -f cmd/tool/.goreleaser.yaml", "dist/*");
    let found = check_in_module(&[("cmd/tool/.goreleaser.yaml", monorepo), (".github/workflows/r.yml", &workflow)]);
    assert!(found.iter().all(|f| f.0 != "x-flag-unknown-target"), "{found:#?}");
}

#[test]
fn a_goreleaser_config_without_builds_builds_nothing_where_its_folder_has_no_main_package() {
    // Only `release:` settings: goreleaser's default build would compile the root, which has
    // no Go files; such a config publishes what other runs built (`continue --merge`).
    let config = "version: 2\nrelease:\n  draft: true\n";
    let files = [("go.mod", GO_MOD), ("cmd/app/main.go", MAIN), (".goreleaser.yaml", config)];
    assert!(check(&files).is_empty(), "{:#?}", check(&files));
    // With the main package at the root, it builds that with every default.
    let found = check_in_module(&[(".goreleaser.yaml", config)]);
    assert!(found.iter().any(|f| f.0 == "untrimmed-paths"), "{found:#?}");
}

#[test]
fn goreleaser_env_templates_are_rendered_per_target() {
    // cgo only for darwin: the linux build packed into an alpine image is static.
    let config = |os: &str| {
        format!(
            "builds:\n  - goos: [linux, darwin]\n    goarch: [amd64]\n    flags: [-trimpath]\n    ldflags: ['-X main.buildDate={{{{ .CommitDate }}}}']\n    env:\n      - CGO_ENABLED={{{{ if eq .Os \"{os}\" }}}}1{{{{ else }}}}0{{{{ end }}}}\nnotarize:\n  macos: [{{enabled: true}}]\ndockers:\n  - dockerfile: Dockerfile\n    image_templates: ['x/app:{{{{ .Version }}}}']\n"
        )
    };
    let image = "FROM alpine:3.20\nCOPY app /usr/bin/app\nUSER 65532\nENTRYPOINT [\"/usr/bin/app\"]\n";
    let found = check_in_module(&[(".goreleaser.yaml", &config("darwin")), ("Dockerfile", image)]);
    assert!(found.iter().all(|f| f.0 != "libc-mismatch"), "{found:#?}");
    let found = check_in_module(&[(".goreleaser.yaml", &config("linux")), ("Dockerfile", image)]);
    assert_eq!(places(&found, "libc-mismatch"), [".goreleaser.yaml:11"], "{found:#?}");
}

#[test]
fn a_test_jobs_run_of_a_target_a_release_job_ships_is_not_another_release() {
    // The release job passes -trimpath and keeps bin/; an integration-test matrix runs the same
    // target without it, uses the binary in containers (`docker exec`) and keeps only its logs.
    let make = "LDFLAGS := -s -w\nbuild:\n\tgo build $(BUILD_FLAGS) -ldflags '$(LDFLAGS)' -o bin/app .\n";
    let release = release_workflow("ubuntu-latest", "BUILD_FLAGS=-trimpath make build", "bin/*");
    let test = "on:\n  push:\n    branches: [main]\njobs:\n  integrate:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        case: [a, b]\n    steps:\n      - run: make build && docker compose up -d && docker exec ctl /src/bin/app ${{ matrix.case }}\n      - uses: actions/upload-artifact@v4\n        with:\n          name: logs\n          path: ./logs\n";
    let files =
        [("Makefile", make), (".github/workflows/release.yml", &release), (".github/workflows/integrate.yml", test)];
    let found = check_in_module(&files);
    assert_eq!(rules(&found), [("stripped-without-symbols", "Makefile:3")], "{found:#?}");
    // A job that uploads the binary itself under one name from every runner loses all but one.
    let kept = test.replace("path: ./logs", "path: bin/app");
    let files =
        [("Makefile", make), (".github/workflows/release.yml", &release), (".github/workflows/integrate.yml", &kept)];
    let found = check_in_module(&files);
    assert!(found.iter().any(|f| f.0 == "cross-build-overwrite"), "{found:#?}");
}

#[test]
fn a_simple_make_variable_reads_the_environment_it_overrides() {
    // `:=` expands where make reads it: `$(GOOS)` on its right is the caller's, not itself.
    let make = "GOOS := $(if $(GOOS),$(GOOS),linux)\nbuild:\n\tGOOS=$(GOOS) go build -trimpath -o bin/app .\n";
    let workflow = "on:\n  release:\n    types: [published]\njobs:\n  release:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        os: [linux, darwin]\n    steps:\n      - run: make build && tar czf app-${{ matrix.os }}.tar.gz bin/app\n        env:\n          GOOS: ${{ matrix.os }}\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: app-*.tar.gz\n";
    let found = check_in_module(&[("Makefile", make), (".github/workflows/release.yml", workflow)]);
    assert_eq!(rules(&found), [("macos-not-notarized", ".github/workflows/release.yml:11")], "{found:#?}");
    // A definition below is not read yet: `A := $(B)` before `B := darwin` is empty.
    let make = "OS := $(B)\nB := darwin\nbuild:\n\tGOOS=$(OS) go build -trimpath -o bin/app .\n";
    let found = check_in_module(&[("Makefile", make), (".github/workflows/release.yml", workflow)]);
    assert!(found.iter().all(|f| f.0 != "macos-not-notarized"), "{found:#?}");
}

#[test]
fn an_image_a_release_script_pushes_is_the_published_one() {
    // `--push` only when releasing (`$PUSH_OR_LOAD` is `--load` or `--push`), after arguments
    // shiplint cannot know: the root image is published, the old per-tool Dockerfiles are not.
    let script = "#!/bin/bash\nPUSH_OR_LOAD=--load\nif [ -n \"${PUSH_LATEST:-}\" ]; then\n  PUSH_OR_LOAD=--push\nfi\ndocker buildx build --build-arg \"COMMIT=$(git rev-parse HEAD)\" ${PUSH_OR_LOAD} -t acme/app .\n";
    let image = "FROM golang:1.27.4 AS build\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -o /app .\nFROM scratch\nCOPY --from=build /app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    let old = "FROM alpine:3.14\nCOPY app /usr/bin/app\nENTRYPOINT [\"/usr/bin/app\"]\n";
    let files = [("hack/release-docker.sh", script), ("Dockerfile", image), ("cmd/app/helm.Dockerfile", old)];
    assert!(check_in_module(&files).is_empty(), "{:#?}", check_in_module(&files));
    // Without the push, nothing says which image ships: each is judged.
    let load_only = script.replace("PUSH_OR_LOAD=--push", "PUSH_OR_LOAD=--load");
    let files =
        [("hack/release-docker.sh", load_only.as_str()), ("Dockerfile", image), ("cmd/app/helm.Dockerfile", old)];
    assert_eq!(places(&check_in_module(&files), "root-final-image"), ["cmd/app/helm.Dockerfile:1"]);
}

#[test]
fn a_build_the_same_stage_redoes_ships_only_in_its_last_form() {
    // The first build warms the cache; the second, with -trimpath, writes the same file.
    let image = "FROM golang:1.27.4 AS build\nCOPY . .\nRUN go build -o manager .\nRUN CGO_ENABLED=0 go build -trimpath -o manager .\nFROM scratch\nCOPY --from=build /go/manager /manager\nUSER 65532\nENTRYPOINT [\"/manager\"]\n";
    assert!(check_in_module(&[("Dockerfile", image)]).is_empty(), "{:#?}", check_in_module(&[("Dockerfile", image)]));
    // Written elsewhere, the first build is another program of the image.
    let other = image.replace("-o manager .\nRUN CGO", "-o helper .\nRUN CGO");
    assert_eq!(places(&check_in_module(&[("Dockerfile", &other)]), "untrimmed-paths"), ["Dockerfile:3"]);
}

#[test]
fn go_build_dash_c_builds_in_that_folder() {
    // `go build -C tools` (the flag right after the subcommand, as cmd/go reads it) builds
    // `./notes` of the tools folder, which the repository has.
    let make = "release-notes-tool:\n\tgo build -C tools -o $(CURDIR)/bin/notes ./notes\n";
    let files = [
        ("Makefile", make),
        ("tools/go.mod", "module example.com/app/tools\n\ngo 1.22\n"),
        ("tools/notes/main.go", MAIN),
    ];
    assert_eq!(places(&check_in_module(&files), "untrimmed-paths"), ["Makefile:2"]);
}

#[test]
fn an_image_only_pull_requests_build_is_not_a_release_beside_the_published_one() {
    let scan = "on:\n  pull_request:\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker build . -t scan-me\n";
    let goreleaser = "builds:\n  - goos: [linux]\n    env: [CGO_ENABLED=0]\n    flags: [-trimpath]\n    ldflags: ['-X main.buildDate={{ .CommitDate }}']\ndockers:\n  - dockerfile: Dockerfile.releaser\n    image_templates: ['acme/app:{{ .Version }}']\n";
    let releaser = "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\nENTRYPOINT [\"/app\"]\n";
    let dev = "FROM golang:1.25-alpine AS b\nCOPY . .\nRUN go build -o /app .\nFROM alpine:3.21\nCOPY --from=b /app /app\nENTRYPOINT [\"/app\"]\n";
    let files = [
        (".github/workflows/scan.yml", scan),
        (".goreleaser.yaml", goreleaser),
        ("Dockerfile.releaser", releaser),
        ("Dockerfile", dev),
    ];
    let found = check_in_module(&files);
    assert!(found.iter().all(|f| !f.1.starts_with("Dockerfile:")), "{found:#?}");
    // A build whose Dockerfile shiplint cannot name may be that one: it is judged then.
    let unknown = "DOCKERFILE_DIR := $(shell pwd)/images\nrelease-images:\n\tdocker build -f $(DOCKERFILE_DIR)/Dockerfile -t acme/other . && docker push acme/other\n";
    let mut with_unknown = files.to_vec();
    with_unknown.push(("Makefile", unknown));
    let found = check_in_module(&with_unknown);
    assert!(found.iter().any(|f| f.1.starts_with("Dockerfile:")), "{found:#?}");
}

#[test]
fn a_make_value_with_backquotes_is_a_command_the_recipe_runs() {
    // make pastes `VERSION` into the recipe, whose shell runs the backquoted egrep: the output
    // name is that version, not the words of the pattern.
    let make = "VERSION=`egrep -o '[0-9]+\\.[0-9a-z.\\-]+' version.go`\nrelease:\n\t@for platform in darwin linux; do \\\n\t\tGOOS=$$platform go build -trimpath -o bin/app-${VERSION}-$$platform .; \\\n\tdone\n";
    let found = check_in_module(&[("Makefile", make)]);
    assert!(found.iter().all(|f| f.0 != "cross-build-overwrite"), "{found:#?}");
    // A clock read so is a clock stamp.
    let make =
        "DATE=`date -u +%F`\nrelease:\n\tgo build -trimpath -ldflags \"-X main.buildDate=$(DATE)\" -o dist/app .\n";
    assert_eq!(places(&check_in_module(&[("Makefile", make)]), "non-reproducible-build"), ["Makefile:3"]);
}

#[test]
fn a_ci_compile_check_with_mod_mod_rewrites_nothing_that_ships() {
    let ci = |job: &str| {
        format!(
            "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go build -mod=mod -v ./...\n{job}"
        )
    };
    assert!(check_in_module(&[(".github/workflows/go.yml", &ci(""))]).is_empty());
    // The same job then uploads a release built from the rewritten go.mod.
    let ships = "      - run: go build -trimpath -o dist/app . && gh release upload v1 dist/app\n";
    let found = check_in_module(&[(".github/workflows/go.yml", &ci(ships))]);
    assert_eq!(places(&found, "module-graph-drift"), [".github/workflows/go.yml:6"], "{found:#?}");
    // Run by hand, it rewrites the developer's go.mod.
    let make = "check:\n\tgo build -mod=mod ./...\n";
    assert_eq!(places(&check_in_module(&[("Makefile", make)]), "module-graph-drift"), ["Makefile:2"]);
}

/// An image that the target building it then runs as a container, writing its results into a
/// mounted folder, and that nothing pushes, is a build environment (an rpm or deb builder):
/// its root user and base are no image that ships. Pushed, or built by a target that does not
/// run it, it is judged as an image.
#[test]
fn an_image_its_builder_only_runs_is_a_build_environment() {
    let dockerfile = "FROM golang:1.27.1 AS build\nCOPY . /src\nWORKDIR /src\nRUN CGO_ENABLED=0 go build -trimpath -o app .\nFROM rockylinux:9\nRUN dnf install -y rpm-build\nCOPY --from=build /src/app /root/rpmbuild/SOURCES/app\n";
    let make = |after: &str| format!("rpm:\n\tdocker build -t app-rpm-builder -f packaging/Dockerfile .\n\t{after}\n");
    let run = "docker run --rm -v ${PWD}:/out app-rpm-builder rpmbuild -bb app.spec";
    let wf = "on:\n  push:\n    tags: ['v*']\njobs:\n  rpm:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make rpm\n";
    let files = |after: &str| {
        check_in_module(&[
            ("packaging/Dockerfile", dockerfile),
            ("Makefile", &make(after)),
            (".github/workflows/rpm.yml", wf),
        ])
    };
    let found = files(run);
    assert!(found.iter().all(|f| f.0 != "root-final-image"), "{found:#?}");
    // Pushed after the run, or never run here: an image that ships.
    for after in [format!("{run}\n\tdocker push app-rpm-builder"), "ls".to_string()] {
        let found = files(&after);
        assert!(found.iter().any(|f| f.0 == "root-final-image"), "{after}: {found:#?}");
    }
}

/// A bare `make` builds the goal `.DEFAULT_GOAL` names, not the first rule (a tool's, from an
/// included file): the release job's `make` with `GOOS: darwin` builds the program for macOS.
#[test]
fn a_bare_make_builds_the_default_goal_the_file_names() {
    let makefile = |default: &str| {
        format!(
            "{default}LINT := bin/golangci-lint\n$(LINT):\n\tGOOS= go build -o $(LINT) github.com/golangci/golangci-lint/cmd/golangci-lint\n\nall:\n\tgo build -o bin/$(GOOS)_$(GOARCH)/app .\n"
        )
    };
    let wf = "on:\n  push:\n    tags: ['v*']\njobs:\n  mac:\n    runs-on: macos-latest\n    steps:\n      - run: make\n        env:\n          GOOS: darwin\n          GOARCH: arm64\n      - run: tar -czf app-darwin.tar.gz bin/darwin_*\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: app-darwin.tar.gz\n";
    let found =
        check_in_module(&[("Makefile", &makefile(".DEFAULT_GOAL := all\n")), (".github/workflows/release.yml", wf)]);
    assert!(rules(&found).contains(&("macos-not-notarized", ".github/workflows/release.yml:8")), "{found:#?}");
    let found = check_in_module(&[("Makefile", &makefile("")), (".github/workflows/release.yml", wf)]);
    assert!(found.iter().all(|f| f.0 != "macos-not-notarized"), "{found:#?}");
}

/// `go run MODULE@VERSION args` runs that program: gox run so cross-compiles its platforms for
/// the release target; another tool run so builds nothing to ship.
#[test]
fn a_cross_compiler_run_by_go_run_builds_its_platforms() {
    let make = |tool: &str| {
        format!(
            "releases:\n\tgo run {tool} -osarch 'linux/amd64 darwin/arm64' -output \"dist/{{{{.OS}}}}_{{{{.Arch}}}}\"\n"
        )
    };
    let found = check_in_module(&[("Makefile", &make("github.com/mitchellh/gox@v1.0.1"))]);
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:2"), ("macos-not-notarized", "Makefile:2")], "{found:#?}");
    assert!(check_in_module(&[("Makefile", &make("golang.org/x/vuln/cmd/govulncheck@v1.1.4"))]).is_empty());
}

/// A tool a composite action builds in one step's `working-directory` and runs by its path in
/// a later step is not kept, whatever the job publishes after it.
#[test]
fn a_tool_an_action_builds_and_runs_by_its_path_is_not_kept() {
    let action = |run: &str| {
        format!(
            "name: img\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      working-directory: ${{{{ github.workspace }}}}/.github/actions/img/scripts\n      run: go build -o helper .\n    - shell: bash\n      run: {run}\n    - shell: bash\n      run: docker buildx build --push -t ghcr.io/acme/app:latest .\n"
        )
    };
    let wf = "on:\n  push:\n    tags: ['v*']\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/img\n";
    let files = |run: &str| {
        check_in_module(&[
            (".github/actions/img/action.yml", &action(run)),
            (".github/actions/img/scripts/main.go", MAIN),
            (".github/workflows/release.yml", wf),
        ])
    };
    assert!(files(".github/actions/img/scripts/helper set-image-tags").is_empty());
    // Not run, it is what the job's push may take along.
    let found = files("echo tags");
    assert_eq!(rules(&found), [("untrimmed-paths", ".github/actions/img/action.yml:7")], "{found:#?}");
}

/// goreleaser's `{{ .Env.NAME }}` reads the environment of the command that runs it: a clock
/// stamp a release script exports is said where the script sets it; one derived from the
/// commit is no stamp.
#[test]
fn goreleaser_templates_read_the_environment_of_their_run() {
    let config = "builds:\n  - goos: [linux]\n    flags: [-trimpath]\n    ldflags:\n      - -X main.buildDate={{ .Env.BUILDDATE }}\n";
    let script = |value: &str| format!("#!/bin/sh\nexport BUILDDATE={value}\ngoreleaser release --clean\n");
    let found = check_in_module(&[(".goreleaser.yml", config), ("scripts/release.sh", &script("$(date)"))]);
    assert_eq!(rules(&found), [("non-reproducible-build", "scripts/release.sh:2")], "{found:#?}");
    assert!(found[0].2.contains("(read as .Env.BUILDDATE)"), "{}", found[0].2);
    let found =
        check_in_module(&[(".goreleaser.yml", config), ("scripts/release.sh", &script("$(git log -1 --format=%cI)"))]);
    assert!(found.is_empty(), "{found:#?}");
    // Read alone, the environment is unknown: nothing to say.
    assert!(check_in_module(&[(".goreleaser.yml", config)]).is_empty());
}

/// A goal list built from the tree (`$(shell ls cmd)`) and words added around it
/// (`$(addprefix bin/,...)`) is still a file a pattern rule makes: the caller's GOOS reaches
/// its recipe, whose `$@` and `$*` are then unknown.
#[test]
fn a_prerequisite_with_holes_runs_the_pattern_rule_that_makes_it() {
    let makefile = "GOOS ?= $(shell go env GOOS)\nCMDS ?= $(shell ls cmd)\nBINS = $(addsuffix -$(GOOS),$(addprefix bin/,$(CMDS)))\n\nall: build\n\nbuild: $(BINS)\n\nbin/%-$(GOOS): go.mod\n\tgo build -trimpath -o \"$@\" \"./cmd/$*\"\n";
    let found = |os: &str| {
        let wf = release_workflow("ubuntu-latest", &format!("GOOS={os} make all"), "bin/*");
        check_in_module(&[("Makefile", makefile), (".github/workflows/release.yml", &wf), ("cmd/app/main.go", MAIN)])
    };
    let darwin = found("darwin");
    assert_eq!(rules(&darwin), [("macos-not-notarized", ".github/workflows/release.yml:8")], "{darwin:#?}");
    assert!(found("linux").is_empty());
}

/// A GitHub job's `container:` (an image, or a map with `image:`) is the Go its steps build
/// with, here through a make target that packs its build into the artifacts a release job
/// publishes.
#[test]
fn a_github_job_container_is_the_go_that_builds() {
    let makefile = "CMDS ?= $(shell ls cmd)\n\nall: $(addprefix bin/,$(CMDS))\n\nbin/%: go.mod\n\tgo build -trimpath -o \"$@\" \"./cmd/$*\"\n\tmkdir -p dist && tar -czf \"dist/$*.tar.gz\" \"$@\"\n";
    let wf = |container: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  build:\n    runs-on: ubuntu-latest\n    container: {container}\n    steps:\n      - uses: actions/checkout@v4\n      - run: make all\n      - uses: actions/upload-artifact@v4\n        with:\n          name: dist\n          path: dist\n  release:\n    needs: [build]\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/download-artifact@v4\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/*\n"
        )
    };
    let found = |container: &str| {
        check_in_module(&[
            ("Makefile", makefile),
            (".github/workflows/main.yml", &wf(container)),
            ("cmd/app/main.go", MAIN),
        ])
    };
    let old = found("golang:1.23-alpine3.20");
    assert_eq!(rules(&old), [("toolchain-unsupported", ".github/workflows/main.yml:7")], "{old:#?}");
    let mapped = found("\n      image: golang:1.23\n      options: --user 1001");
    assert_eq!(rules(&mapped), [("toolchain-unsupported", ".github/workflows/main.yml:8")], "{mapped:#?}");
    assert!(found("golang:1.27-alpine").is_empty());
}

/// A `go get` a job runs before it checks the repository out installs a tool: there is no
/// go.mod of the project to rewrite yet. After the checkout it rewrites the project's.
#[test]
fn a_go_get_before_the_checkout_rewrites_nothing() {
    let wf = |steps: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n{steps}      - run: go build -trimpath -o dist/app .\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: dist/app\n"
        )
    };
    let get = "      - run: go get -u github.com/go-bindata/go-bindata/...\n";
    let checkout = "      - uses: actions/checkout@v4\n";
    let before = check_in_module(&[(".github/workflows/release.yml", &wf(&format!("{get}{checkout}")))]);
    assert!(before.is_empty(), "{before:#?}");
    let after = check_in_module(&[(".github/workflows/release.yml", &wf(&format!("{checkout}{get}")))]);
    assert_eq!(rules(&after), [("module-graph-drift", ".github/workflows/release.yml:9")], "{after:#?}");
}

/// An image whose command runs the tests (`go test`, `make test`, a runner under `test/`)
/// is built to test what the make target it runs builds: neither the image nor that build
/// ships.
#[test]
fn an_image_that_starts_a_test_run_ships_nothing() {
    let makefile = "bin/app:\n\tgo build -o bin/app .\n";
    let image = |start: &str| {
        format!("FROM golang:1.27.1\nCOPY . /src\nRUN cd /src && make bin/app\nUSER 65532\nCMD {start}\n")
    };
    let found = |start: &str| check_in_module(&[("Makefile", makefile), ("Dockerfile", &image(start))]);
    let shipped = found("[\"/src/bin/app\", \"serve\"]");
    let expected = [("toolchain-in-final-image", "Dockerfile:1"), ("untrimmed-paths", "Makefile:2")];
    assert_eq!(rules(&shipped), expected, "{shipped:#?}");
    for tests in ["[\"bash\", \"-c\", \"ruby /src/test/runner.rb\"]", "go test ./...", "[\"make\", \"test\"]"] {
        let found = found(tests);
        assert!(found.is_empty(), "{tests}: {found:#?}");
    }
}

/// A make target named for checks (`checkfmt`, `checknodiffgenerated`) builds to check,
/// even when a release target runs it first; `checksums` is part of a release.
#[test]
fn a_target_named_for_checks_builds_nothing_that_ships() {
    let makefile = |name: &str| {
        format!(
            "release: {name} dist/app\n\n{name}:\n\tgo build -o /tmp/gen ./tools/gen\n\tgo build -o bin/app .\n\ndist/app:\n\tgo build -trimpath -o dist/app .\n"
        )
    };
    let wf = release_workflow("ubuntu-latest", "make release", "dist/app");
    let found = |name: &str| check_in_module(&[("Makefile", &makefile(name)), (".github/workflows/release.yml", &wf)]);
    assert!(found("checknodiffgenerated").is_empty());
    let checksums = found("checksums");
    assert_eq!(rules(&checksums), [("untrimmed-paths", "Makefile:5")], "{checksums:#?}");
}

/// Rules written in a `define` are rules where `$(eval $(call NAME,...))` makes them, once per
/// call, with `$(1)`... bound to its arguments and `$$@` the target the call named; a template
/// nothing instantiates builds nothing.
#[test]
fn a_template_rule_is_a_rule_per_eval_call() {
    let makefile = |eval: &str| {
        format!(
            "PLATFORMS ?= linux/amd64 darwin/arm64\ndefine build-rule\ndist/$(1)-$(subst /,-,$(2)):\n\tGOOS=$(word 1,$(subst /, ,$(2))) GOARCH=$(word 2,$(subst /, ,$(2))) go build -trimpath -o $$@ ./cmd/$(1)\nendef\n{eval}release: $(foreach p,$(PLATFORMS),dist/app-$(subst /,-,$(p)))\n"
        )
    };
    let wf = release_workflow("ubuntu-latest", "make release", "dist/*");
    let found = |eval: &str| {
        check_in_module(&[
            ("Makefile", &makefile(eval)),
            (".github/workflows/release.yml", &wf),
            ("cmd/app/main.go", MAIN),
        ])
    };
    // One build per platform, each to its own file: darwin ships unnotarized, nothing overwrites.
    let made = found("$(foreach p,$(PLATFORMS),$(eval $(call build-rule,app,$(p))))\n");
    assert_eq!(rules(&made), [("macos-not-notarized", "Makefile:4")], "{made:#?}");
    assert!(found("").is_empty());
}

/// The words of a command whose output a flag takes (`$(shell git show -s ...)`) are not flags
/// of the build: no `-s` there strips anything.
#[test]
fn a_flag_inside_a_command_substitution_is_no_linker_flag() {
    let makefile = |flags: &str| {
        format!(
            "BUILD_DATE := $(shell TZ=UTC0 git show -s --format=%cd HEAD)\n\nrelease:\n\tgo build -trimpath -ldflags \"{flags}-X main.buildDate=$(BUILD_DATE)\" -o dist/app .\n"
        )
    };
    let wf = release_workflow("ubuntu-latest", "make release", "dist/app");
    let found =
        |flags: &str| check_in_module(&[("Makefile", &makefile(flags)), (".github/workflows/release.yml", &wf)]);
    assert!(found("").is_empty());
    let stripped = found("-s ");
    assert_eq!(rules(&stripped), [("stripped-without-symbols", "Makefile:4")], "{stripped:#?}");
}

/// `$$(...)` in a make value is a command the recipe's shell runs where make pastes the value,
/// also inside a longer value (`-X main.buildDate=$$(date +%F)` among other flags).
#[test]
fn a_shell_command_inside_a_make_value_runs_in_the_recipe() {
    let makefile = |date: &str| {
        format!(
            "DATE = $$({date})\nLDFLAGS = -X main.version=v1 -X main.buildDate=$(DATE)\n\nrelease:\n\tgo build -trimpath -ldflags=\"$(LDFLAGS)\" -o dist/app .\n"
        )
    };
    let wf = release_workflow("ubuntu-latest", "make release", "dist/app");
    let found = |date: &str| check_in_module(&[("Makefile", &makefile(date)), (".github/workflows/release.yml", &wf)]);
    let clock = found("date '+%Y-%m-%d_%H:%M:%S'");
    let expected = [("x-flag-unknown-target", "Makefile:2"), ("non-reproducible-build", "Makefile:2")];
    assert_eq!(rules(&clock), expected, "{clock:#?}");
    let commit = found("git log -1 --format=%cI");
    assert_eq!(rules(&commit), [("x-flag-unknown-target", "Makefile:2")], "{commit:#?}");
}

/// An image every build of which tags it for development (`waypoint:dev`) and pushes nothing is
/// a development image; a pushed one, or one tagged for a release, is judged as shipped.
#[test]
fn an_image_built_only_with_development_tags_ships_nothing() {
    let dockerfile = "FROM golang:1.27.1 AS build\nCOPY . /src\nWORKDIR /src\nRUN CGO_ENABLED=0 go build -trimpath -o /app .\n\nFROM alpine:3.22\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n";
    let found =
        |recipe: &str| check_in_module(&[("Dockerfile", dockerfile), ("Makefile", &format!("image:\n\t{recipe}\n"))]);
    assert!(found("docker build -t acme/app:dev .").is_empty());
    assert!(found("docker build -t app:local-test .").is_empty());
    for shipped in ["docker build -t acme/app:1.2.3 .", "docker build -t acme/app:dev . && docker push acme/app:dev"] {
        let found = found(shipped);
        assert_eq!(rules(&found), [("root-final-image", "Dockerfile:6")], "{shipped}: {found:#?}");
    }
}

/// A pattern rule whose target has holes (`bin/%-$(GOOS)-$(GOARCH)` when an image build gives
/// GOOS as a build argument) makes the goals that fit it, with an unknown stem: the image's Go
/// builds them.
#[test]
fn a_pattern_target_with_holes_makes_what_fits_it() {
    let makefile = "GOOS ?= $(shell go env GOOS)\nGOARCH ?= $(shell go env GOARCH)\nCMDS ?= $(shell ls cmd)\nBINS = $(addsuffix -$(GOOS)-$(GOARCH),$(addprefix bin/,$(CMDS)))\n\nall: $(BINS)\n\nbin/%-$(GOOS)-$(GOARCH): go.mod\n\tgo build -trimpath -o \"$@\" \"./cmd/$*\"\n";
    let image = |base: &str| {
        format!(
            "FROM {base} AS build\nARG TARGETOS TARGETARCH\nCOPY . /src\nWORKDIR /src\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH make all\n\nFROM scratch\nCOPY --from=build /src/bin/ /app/\nUSER 10000\nENTRYPOINT [\"/app/app\"]\n"
        )
    };
    let found = |base: &str| {
        check_in_module(&[("Makefile", makefile), ("Dockerfile", &image(base)), ("cmd/app/main.go", MAIN)])
    };
    let old = found("golang:1.23-alpine");
    assert_eq!(rules(&old), [("toolchain-unsupported", "Dockerfile:1")], "{old:#?}");
    assert!(found("golang:1.27-alpine").is_empty());
}

/// A function of the script that prints a value (`goos() { case "$1" in Darwin) echo darwin
/// ;; ... esac; }`) gives a command substitution that calls it its output.
#[test]
fn a_command_substitution_of_a_printing_function_is_what_it_prints() {
    let script = |systems: &str| {
        format!(
            "#!/bin/sh\ngoos() {{\n  case \"$1\" in\n    Darwin) echo darwin ;;\n    Linux) echo linux ;;\n    *) return 1 ;;\n  esac\n}}\nfor os in {systems}; do\n  GOOS=$(goos \"$os\") go build -trimpath -o \"release/app-$os\" .\n  tar czf \"release/app-$os.tgz\" \"release/app-$os\"\ndone\n"
        )
    };
    let found = check_in_module(&[("release.sh", &script("Darwin Linux"))]);
    assert_eq!(rules(&found), [("macos-not-notarized", "release.sh:10")], "{found:#?}");
    assert!(found[0].2.starts_with("darwin/"), "{}", found[0].2);
    assert!(check_in_module(&[("release.sh", &script("Linux"))]).is_empty());
}

/// `-s -w` written in a ko config's `ldflags:` is said at its line there, as goreleaser's are,
/// whatever command runs ko; a config without them says nothing.
#[test]
fn ko_config_stripping_is_said_where_the_config_writes_it() {
    let config = |ldflags: &str| {
        format!(
            "defaultBaseImage: gcr.io/distroless/static:nonroot\nbuilds:\n- env:\n  - CGO_ENABLED=0\n  ldflags:\n{ldflags}  - -X main.buildDate={{{{.Env.GIT_COMMIT}}}}\n"
        )
    };
    let make = "push:\n\tKO_DOCKER_REPO=ghcr.io/acme/app GIT_COMMIT=$(shell git rev-parse HEAD) ko build --bare .\n";
    let files = |c: &str| check_in_module(&[(".ko.yaml", c), ("Makefile", make)]);
    let found = files(&config("  - -s\n  - -w\n"));
    assert_eq!(places(&found, "stripped-without-symbols"), [".ko.yaml:6"], "{found:#?}");
    assert!(files(&config("")).is_empty());
}

/// A base image whose repository is named for running as non-root (`...-base-nonroot`) runs its
/// program as non-root, as a `:nonroot` tag does.
#[test]
fn a_base_named_nonroot_runs_as_non_root() {
    let image = |base: &str| {
        format!(
            "FROM golang:1.27 AS build\nCOPY . /src\nWORKDIR /src\nRUN go build -trimpath -o /app .\n\nFROM {base}\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n"
        )
    };
    let found = check_in_module(&[("Dockerfile", &image("registry.example/minimal-base-nonroot:2026-01-01"))]);
    assert!(places(&found, "root-final-image").is_empty(), "{found:#?}");
    let found = check_in_module(&[("Dockerfile", &image("registry.example/minimal-base:2026-01-01"))]);
    assert_eq!(places(&found, "root-final-image"), ["Dockerfile:6"], "{found:#?}");
}

/// A folder whose README says its files are for tests holds test images: they ship nothing,
/// whatever their names; the same files under a README that says otherwise are judged.
#[test]
fn a_folder_readme_that_says_tests_makes_its_images_test_images() {
    let dockerfile = "FROM golang:1.27 AS build\nCOPY . /src\nWORKDIR /src\nRUN CGO_ENABLED=0 go build -o /agent .\n\nFROM alpine:latest\nCOPY --from=build /agent /agent\nCMD [\"/agent\"]\n";
    let files =
        |readme: &str| check_in_module(&[("images/README.md", readme), ("images/agent/Dockerfile", dockerfile)]);
    let found = files("# Container images\n\nThis directory contains all images used by tests.\n");
    assert!(found.is_empty(), "{found:#?}");
    let found = files("# Container images\n\nThe images we publish to Docker Hub.\n");
    assert!(places(&found, "root-final-image").contains(&"images/agent/Dockerfile:6"), "{found:#?}");
    assert!(places(&found, "untrimmed-paths").contains(&"images/agent/Dockerfile:4"), "{found:#?}");
}

/// An image build that copies in only named Go files has no go.mod: the repository's `go`
/// line does not apply to the image's Go; one that copies the context does.
#[test]
fn an_image_build_without_the_module_is_not_held_to_go_mod() {
    let image = |copy: &str| {
        format!(
            "FROM golang:1.21 AS build\n{copy}\nRUN CGO_ENABLED=0 go build -trimpath -o /helper /main.go\n\nFROM scratch\nCOPY --from=build /helper /helper\nUSER 65532\nENTRYPOINT [\"/helper\"]\n"
        )
    };
    let found = check_in_module(&[("Dockerfile", &image("COPY main.go /main.go"))]);
    assert!(places(&found, "module-graph-drift").is_empty(), "{found:#?}");
    let found = check_in_module(&[("Dockerfile", &image("COPY . /\nWORKDIR /"))]);
    assert_eq!(places(&found, "module-graph-drift"), ["Dockerfile:1"], "{found:#?}");
}

/// goreleaser's `env:` entries are templates: one whose `if` cannot be decided from the
/// environment is either branch (`-s -w` unless a caller says otherwise), and a build whose
/// `skip:` template may render `false` is built.
#[test]
fn goreleaser_env_templates_keep_both_branches_and_skip_is_rendered() {
    let config = |strip_env: &str| {
        format!(
            "version: 2\nenv:\n{strip_env}  - DEBUG_INFO_FLAGS={{{{ if and (index .Env \"STRIP_DEBUG_INFO\") (eq .Env.STRIP_DEBUG_INFO \"false\") }}}}{{{{ else }}}}-s -w{{{{ end }}}}\n  - LINUX_ONLY={{{{ or (index .Env \"LINUX_ONLY\") \"false\" }}}}\nbuilds:\n  - id: darwin\n    env: [CGO_ENABLED=0]\n    goos: [darwin]\n    flags: [-trimpath]\n    ldflags:\n      - '{{{{ .Env.DEBUG_INFO_FLAGS }}}} -X main.buildDate={{{{ .CommitDate }}}}'\n    skip: '{{{{ if eq .Env.LINUX_ONLY \"true\" }}}}true{{{{ else }}}}false{{{{ end }}}}'\n"
        )
    };
    let found = check_in_module(&[(".goreleaser.yaml", &config(""))]);
    assert_eq!(
        rules(&found),
        [("macos-not-notarized", ".goreleaser.yaml:6"), ("stripped-without-symbols", ".goreleaser.yaml:11")],
        "{found:#?}"
    );
    // Debug info kept, and darwin skipped, by the config's own environment.
    let kept = config("  - STRIP_DEBUG_INFO=false\n");
    let found = check_in_module(&[(".goreleaser.yaml", &kept)]);
    assert!(places(&found, "stripped-without-symbols").is_empty(), "{found:#?}");
    let linux_only = config("  - LINUX_ONLY=true\n");
    let found = check_in_module(&[(".goreleaser.yaml", &linux_only)]);
    assert!(found.is_empty(), "{found:#?}");
}

/// A builder stage's files reach the image only as later stages copy them out: a program built
/// there that no shipped stage copies (a helper the build runs, a tool for tests) ships
/// nothing, whether a RUN builds it or a Makefile the RUN runs does.
#[test]
fn a_builder_stage_ships_only_what_the_image_copies_out() {
    let image = "FROM golang:1.27 AS builder\nWORKDIR /opt/app\nCOPY . .\nRUN go build -o /usr/local/bin/helper ./cmd/helper\nRUN make all\n\nFROM alpine:3.20\nCOPY --from=builder /opt/app/app /usr/local/bin/\nCOPY --from=builder /etc/ssl/certs /etc/ssl/certs\nUSER 65532\nENTRYPOINT [\"/usr/local/bin/app\"]\n";
    let make = "all: app tool\napp:\n\tCGO_ENABLED=0 go build -o app ./cmd/app\ntool:\n\tCGO_ENABLED=0 go build -o tool ./cmd/tool\n";
    let found = check_in_module(&[
        ("cmd/app/main.go", MAIN),
        ("cmd/tool/main.go", MAIN),
        ("cmd/helper/main.go", MAIN),
        ("Dockerfile", image),
        ("Makefile", make),
    ]);
    // Nor is the helper's C library judged against the image's: the image does not hold it.
    assert_eq!(rules(&found), [("untrimmed-paths", "Makefile:3")], "{found:#?}");
    // Copying the whole folder out ships all it holds.
    let whole = image.replace("/opt/app/app /usr/local/bin/", "/opt/app/ /usr/local/bin/");
    let found = check_in_module(&[
        ("cmd/app/main.go", MAIN),
        ("cmd/tool/main.go", MAIN),
        ("Dockerfile", &whole),
        ("Makefile", make),
    ]);
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:3", "Makefile:5"], "{found:#?}");
}

/// A base image the project builds itself (`docker build -t acme/static:local -f
/// static.Dockerfile`) runs as its Dockerfile says: an image on a non-root base of its own runs
/// as non-root; one on a base of its own that runs as root does not.
#[test]
fn a_base_image_the_project_builds_runs_as_its_dockerfile_says() {
    let make = "images:\n\tdocker build -t acme/static:local -f static.Dockerfile .\n\tdocker build -t ghcr.io/acme/app:$(VERSION) -f app.Dockerfile . && docker push ghcr.io/acme/app:$(VERSION)\n";
    let app = "FROM golang:1.27 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -o /out/app .\n\nFROM acme/static:local\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n";
    let files =
        |base: &str| check_in_module(&[("Makefile", make), ("app.Dockerfile", app), ("static.Dockerfile", base)]);
    let found = files("FROM gcr.io/distroless/static-debian12:nonroot\nCOPY LICENSE /licenses/\n");
    assert!(places(&found, "root-final-image").is_empty(), "{found:#?}");
    let found = files("FROM debian:12-slim\nCOPY LICENSE /licenses/\n");
    assert_eq!(places(&found, "root-final-image"), ["app.Dockerfile:6"], "{found:#?}");
}

/// A make variable set only in a conditional that cannot be decided (`ifeq ($(TARGETOS),windows)`
/// with TARGETOS a build argument) is either its value before or the one the branch sets: the
/// image that copies `dist/app` out gets the build of `dist/app$(SUFFIX)`.
#[test]
fn an_undecided_conditional_assignment_may_not_happen() {
    let make = "TARGETOS ?= $(shell go env GOOS)\nSUFFIX :=\nifeq ($(TARGETOS),windows)\n\tSUFFIX := .exe\nendif\nbuild:\n\tCGO_ENABLED=0 GOOS=$(TARGETOS) go build -o dist/app$(SUFFIX) .\n";
    let image = "FROM golang:1.27 AS build\nWORKDIR /src\nCOPY . .\nARG TARGETOS\nRUN make build\n\nFROM alpine:3.20\nCOPY --from=build /src/dist/app /bin/\nUSER 1000\nENTRYPOINT [\"/bin/app\"]\n";
    let found = check_in_module(&[("Makefile", make), ("Dockerfile", image)]);
    let untrimmed: Vec<_> = found.iter().filter(|f| f.0 == "untrimmed-paths").collect();
    assert_eq!(untrimmed.len(), 1, "{found:#?}");
    assert!(untrimmed[0].2.contains("built into an image (Dockerfile:5 runs it)"), "{found:#?}");
}

/// A build that writes a folder of programs (`-o /out/ ./cmd/...`) ships the ones the image
/// copies out of that folder; a quoted source is the path it quotes.
#[test]
fn a_folder_of_programs_ships_what_the_image_copies_from_it() {
    let image = |copy: &str| {
        format!(
            "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/ ./cmd/...\n\nFROM alpine:3.20\n{copy}\nUSER 1000\nENTRYPOINT [\"/usr/bin/app\"]\n"
        )
    };
    let files = |copy: &str| check_in_module(&[("cmd/app/main.go", MAIN), ("Dockerfile", &image(copy))]);
    let found = files("COPY --from=build \"/out/app\" /usr/bin/app");
    assert_eq!(places(&found, "untrimmed-paths"), ["Dockerfile:4"], "{found:#?}");
    let found = files("COPY --from=build /etc/ssl/certs /etc/ssl/certs");
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");
}

/// `go get tool/path` (the old way to install a tool) only adds a requirement: in a job whose
/// builds ship nothing, it changes nothing that ships; an upgrade (`go get -u`) changes every
/// later build, shipped or not.
#[test]
fn a_tool_go_get_in_a_job_that_ships_nothing_is_no_drift() {
    let wf = |get: &str| {
        format!(
            "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: {get}\n      - run: go build -o bin/app .\n      - run: ./bin/app --version\n"
        )
    };
    let found = check_in_module(&[(".github/workflows/ci.yml", &wf("go get honnef.co/go/tools/cmd/staticcheck"))]);
    assert!(places(&found, "module-graph-drift").is_empty(), "{found:#?}");
    let found = check_in_module(&[(".github/workflows/ci.yml", &wf("go get -u ./..."))]);
    assert_eq!(places(&found, "module-graph-drift"), [".github/workflows/ci.yml:7"], "{found:#?}");
}

/// A CircleCI job is read like any CI job: its `run:` steps in its primary image, its parameters
/// from the workflow's matrix, what it keeps (`persist_to_workspace`, then an upload); a job
/// that uploads nothing ships nothing.
#[test]
fn a_circleci_release_job_is_judged_like_any_ci_job() {
    let filters = "filters: {tags: {only: /^v.*/}}";
    let config = |upload: &str| {
        format!(
            "version: 2.1\njobs:\n  build:\n    docker:\n      - image: cimg/go:1.22\n    parameters:\n      os:\n        type: string\n        default: linux\n    steps:\n      - checkout\n      - run:\n          name: build\n          command: |\n            GOOS=<< parameters.os >> go build -o dist/app-<< parameters.os >> .\n      - persist_to_workspace:\n          root: .\n          paths: [dist]\n  publish:\n    docker:\n      - image: cimg/base:2024.01\n    steps:\n      - attach_workspace: {{at: .}}\n      - run: {upload}\nworkflows:\n  release:\n    jobs:\n      - build:\n          matrix:\n            parameters:\n              os: [linux, darwin]\n          {filters}\n      - publish:\n          requires: [build]\n          {filters}\n"
        )
    };
    let found = check_in_module(&[(".circleci/config.yml", &config("ghr -t \"$GITHUB_TOKEN\" \"$CIRCLE_TAG\" dist/"))]);
    assert_eq!(
        rules(&found),
        [
            ("toolchain-unsupported", ".circleci/config.yml:5"),
            ("untrimmed-paths", ".circleci/config.yml:15"),
            ("macos-not-notarized", ".circleci/config.yml:15"),
        ],
        "{found:#?}"
    );
    // Built and tested, never uploaded: a CI build, not a release.
    let found = check_in_module(&[(".circleci/config.yml", &config("./dist/app-linux --version"))]);
    assert!(found.is_empty(), "{found:#?}");
}

/// A release target that re-runs make for each platform, naming archive targets built from
/// variables (`pkg-$(TAG)-$(GOOS).tar.gz`, with TAG from `git describe`): the sub-make's goal and
/// the target expand to the same holes, so the archive's build is the one each platform runs.
#[test]
fn a_sub_make_goal_named_by_variables_reaches_its_target() {
    let make = "TAG=$(shell git describe --tags)\nbin/tool:\n\tgo build -trimpath -ldflags \"-X main.buildDate=$(shell date +%s)\" -o $@ .\n\npkg-$(TAG)-$(GOOS).tar.gz: bin/tool\n\ttar czf $@ bin/tool\n\nrelease:\n\t$(MAKE) GOOS=linux pkg-$(TAG)-linux.tar.gz\n\t$(MAKE) GOOS=darwin pkg-$(TAG)-darwin.tar.gz\n";
    let found = check_in_module(&[("Makefile", make)]);
    assert_eq!(
        rules(&found),
        [("non-reproducible-build", "Makefile:3"), ("macos-not-notarized", "Makefile:10")],
        "{found:#?}"
    );
    // A goal that names another version is not that target: the darwin archive is never made.
    let other = make.replace("$(MAKE) GOOS=darwin pkg-$(TAG)-darwin.tar.gz", "$(MAKE) GOOS=darwin pkg-v1-darwin.zip");
    let found = check_in_module(&[("Makefile", &other)]);
    assert_eq!(places(&found, "macos-not-notarized"), Vec::<&str>::new(), "{found:#?}");
}

/// `$Q ./scripts/build.sh` with `Q := @` (make's one-letter reference, the quiet-mode idiom): make
/// reads the `@` after expanding the line, so the script is what the recipe runs.
#[test]
fn a_one_letter_quiet_prefix_runs_the_command_after_it() {
    let make = "Q := @\nserver:\n\t$Q ./scripts/build.sh -o $@ ./cmd/server\n";
    let script = "#!/bin/sh\nexec go build -ldflags \"-X main.buildDate=$(date +%s)\" \"$@\"\n";
    let image = "FROM golang:1.27 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 make server\nFROM alpine:3.24\nCOPY --from=build /src/server /usr/local/bin/\nUSER 1000\nENTRYPOINT [\"server\"]\n";
    let found = check_in_module(&[
        ("cmd/server/main.go", MAIN),
        ("Makefile", make),
        ("scripts/build.sh", script),
        ("Dockerfile", image),
    ]);
    assert_eq!(
        rules(&found),
        [("untrimmed-paths", "scripts/build.sh:2"), ("non-reproducible-build", "scripts/build.sh:2")],
        "{found:#?}"
    );
    let trimmed = script.replace("go build", "go build -trimpath").replace("$(date +%s)", "v1");
    let found = check_in_module(&[
        ("cmd/server/main.go", MAIN),
        ("Makefile", make),
        ("scripts/build.sh", &trimmed),
        ("Dockerfile", image),
    ]);
    assert!(found.is_empty(), "{found:#?}");
}

/// A build script that takes its files from its caller (`exec go build "$@"`): missing build
/// information is said at each recipe line that names `.go` files, and a target named like a
/// benchmark (`app-bench`) ships when the release image copies its program out by name.
#[test]
fn files_a_caller_passes_are_found_where_the_caller_names_them() {
    let make = "app-server:\n\t./scripts/build.sh -o $@ cmd/server/main.go\napp-bench:\n\t./scripts/build.sh -o $@ cmd/bench/main.go\n";
    let script = "#!/bin/sh\nexec go build -trimpath \"$@\"\n";
    let image = |copied: &str| {
        format!(
            "FROM golang:1.27 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 make app-server app-bench\nFROM alpine:3.24\nCOPY --from=build {copied} /usr/local/bin/\nUSER 1000\nENTRYPOINT [\"app-server\"]\n"
        )
    };
    let files = |image: &str| {
        check_in_module(&[
            ("cmd/server/main.go", MAIN),
            ("cmd/bench/main.go", MAIN),
            ("Makefile", make),
            ("scripts/build.sh", script),
            ("Dockerfile", image),
        ])
    };
    let found = files(&image("/src/app-server /src/app-bench"));
    assert_eq!(places(&found, "missing-buildinfo"), ["Makefile:2", "Makefile:4"], "{found:#?}");
    // The bench program stays in the build stage: a benchmark build, not shipped.
    let found = files(&image("/src/app-server"));
    assert_eq!(places(&found, "missing-buildinfo"), ["Makefile:2"], "{found:#?}");
}

/// A Drone pipeline: steps share a workspace, a release plugin's `files:` keeps what a build
/// step wrote, and the build step's Go image is the toolchain (not the lint step's).
#[test]
fn a_drone_pipeline_releases_what_its_plugin_uploads() {
    let drone = |publish: &str| {
        format!(
            "kind: pipeline\ntype: docker\nname: main\nsteps:\n- name: lint\n  image: golang:1.27\n  commands:\n  - go vet ./...\n- name: build\n  image: golang:1.22\n  commands:\n  - GOOS=linux go build -o dist/app .\n{publish}"
        )
    };
    let upload = "- name: publish\n  image: plugins/github-release\n  settings:\n    files:\n    - dist/*\n";
    let found = check_in_module(&[(".drone.yml", &drone(upload))]);
    assert_eq!(
        rules(&found),
        [("toolchain-unsupported", ".drone.yml:10"), ("untrimmed-paths", ".drone.yml:12")],
        "{found:#?}"
    );
    let found = check_in_module(&[(
        ".drone.yml",
        &drone("- name: smoke\n  image: alpine\n  commands:\n  - ./dist/app --help\n"),
    )]);
    assert!(found.is_empty(), "{found:#?}");
    // The docker plugin pushes an image of the workspace: what the build step wrote goes in it,
    // built by the step's Go. A dry run pushes nothing.
    let image = "- name: publish\n  image: plugins/docker:20\n  settings:\n    repo: acme/app\n";
    let found = check_in_module(&[(".drone.yml", &drone(image))]);
    assert_eq!(places(&found, "toolchain-unsupported"), [".drone.yml:10"], "{found:#?}");
    let dry = format!("{image}    dry_run: true\n");
    let found = check_in_module(&[(".drone.yml", &drone(&dry))]);
    assert!(places(&found, "toolchain-unsupported").is_empty(), "{found:#?}");
}

/// A go-task file is read as the Makefile it amounts to: global and task variables (`sh:` ones
/// run), `{{.NAME}}` templates, a task's `env:`, a command over several lines in one shell, and
/// `task NAME` from a workflow that uploads what the task packs.
#[test]
fn a_task_file_builds_like_a_makefile() {
    let taskfile = "version: '3'\n\nvars:\n  DATE:\n    sh: date -u +%FT%TZ\n  LDFLAGS: -X main.buildDate={{.DATE}}\n\ntasks:\n  dist:linux:\n    env:\n      GOOS: linux\n    cmds:\n      - |\n        mkdir -p dist\n        go build -ldflags \"{{.LDFLAGS}}\" -o dist/app .\n      - tar czf dist/app.tgz dist/app\n  test:\n    cmds:\n      - go test ./...\n";
    let workflow = "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: task dist:linux\n      - run: gh release upload \"$GITHUB_REF_NAME\" dist/app.tgz\n";
    let found = check_in_module(&[("Taskfile.yml", taskfile), (".github/workflows/release.yml", workflow)]);
    assert_eq!(
        rules(&found),
        [("non-reproducible-build", "Taskfile.yml:6"), ("untrimmed-paths", "Taskfile.yml:15")],
        "{found:#?}"
    );
    let fixed =
        taskfile.replace("date -u +%FT%TZ", "git log -1 --format=%cI").replace("go build", "go build -trimpath");
    let found = check_in_module(&[("Taskfile.yml", &fixed), (".github/workflows/release.yml", workflow)]);
    assert!(found.is_empty(), "{found:#?}");
}

/// A task's build written in a variable of its own (`BUILD: go build -o ...`) and run behind the
/// environment it sets (`GOOS=windows {{.BUILD}}`) is found where the variable writes it; so is
/// a Makefile's `target: ; command` written on the rule's line.
#[test]
fn a_build_command_in_a_task_variable_is_found_where_it_is_written() {
    let taskfile = "version: '3'\ntasks:\n  windows:\n    cmds:\n      - GOOS=windows {{.BUILD}}\n      - zip dist/app.zip dist/app.exe\n    vars:\n      BUILD: go build -o dist/app.exe .\n";
    let found = check_in_module(&[("Taskfile.yml", taskfile)]);
    assert_eq!(places(&found, "untrimmed-paths"), ["Taskfile.yml:8"], "{found:#?}");
    let make = "release: ; GOOS=windows go build -o dist/app.exe . && zip dist/app.zip dist/app.exe\n";
    let found = check_in_module(&[("Makefile", make)]);
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:1"], "{found:#?}");
}

/// A release target whose prerequisites install other modules' programs as tools (`GOBIN=...
/// go install sigs.k8s.io/controller-tools/cmd/controller-gen`, reached through a target named
/// by a variable with holes): the tools are not the project's release; its own build is.
#[test]
fn tools_a_release_target_installs_are_not_its_release() {
    let make = "LOCALBIN ?= $(shell pwd)/bin\nCONTROLLER_GEN ?= $(LOCALBIN)/controller-gen\n\nmanager: controller-gen\n\tgo build -o bin/manager main.go\n\ncontroller-gen: $(CONTROLLER_GEN)\n$(CONTROLLER_GEN):\n\tGOBIN=$(LOCALBIN) go install sigs.k8s.io/controller-tools/cmd/controller-gen\n";
    let image = "FROM golang:1.27 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 make manager\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /src/bin/manager /manager\nENTRYPOINT [\"/manager\"]\n";
    let found = check_in_module(&[("Makefile", make), ("Dockerfile", image)]);
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:5"], "{found:#?}");
}

/// A base image tag that is a build argument (`FROM base:${BASE_VERSION}` with `ARG
/// BASE_VERSION=latest`) is the one the repository's build passes when its Makefile sets the
/// variable to a written-out release; with no such variable the default is what builds.
#[test]
fn a_base_tag_the_makefile_sets_is_not_judged_by_its_default() {
    let image = "ARG BASE_VERSION=latest\nFROM example.com/release/base:${BASE_VERSION}\nCOPY app /usr/local/bin/app\nUSER 1000\nENTRYPOINT [\"app\"]\n";
    let make = "BASE_VERSION ?= 2026-08-22\nbuild:\n\tCGO_ENABLED=0 go build -trimpath -o app .\n";
    let found = check_in_module(&[("Dockerfile", image), ("Makefile", make)]);
    assert!(places(&found, "unpinned-base-image").is_empty(), "{found:#?}");
    let found = check_in_module(&[
        ("Dockerfile", image),
        ("Makefile", "build:\n\tCGO_ENABLED=0 go build -trimpath -o app .\n"),
    ]);
    assert_eq!(places(&found, "unpinned-base-image"), ["Dockerfile:2"], "{found:#?}");
}

/// `FROM BASEIMAGE` is a placeholder a script replaces before the build (`sed s|BASEIMAGE|...|`):
/// Docker refuses capitals in a repository's name, so it is no image that could be unpinned.
#[test]
fn a_placeholder_base_image_is_not_an_image() {
    let dockerfile = |base: &str| {
        format!(
            "FROM {base} AS build\nRUN go build -trimpath -o /app .\nFROM {base}\nCOPY --from=build /app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n"
        )
    };
    let make = "image:\n\tsed -e 's|BASEIMAGE|$(BASEIMAGE)|g' Dockerfile > bin/Dockerfile\n\tdocker build -t acme/app:1 -f bin/Dockerfile .\n\tdocker push acme/app:1\n";
    assert!(check_in_module(&[("Dockerfile", &dockerfile("BASEIMAGE")), ("Makefile", make)]).is_empty());
    let found = check_in_module(&[("Dockerfile", &dockerfile("baseimage")), ("Makefile", make)]);
    assert_eq!(places(&found, "unpinned-base-image"), ["Dockerfile:1", "Dockerfile:3"], "{found:#?}");
}

/// A CI check runs `make build`, which cross-compiles to the file the release job's own target
/// writes and ships in an image: the check's build is not the release.
#[test]
fn a_checked_build_of_the_release_file_is_not_the_release() {
    let make = "build:\n\tGOOS=linux CGO_ENABLED=0 go build -o release/app .\n\nbuild-ci:\n\tCGO_ENABLED=0 go build -o release/app .\n";
    let check_job = "on:\n  push:\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make build\n";
    let publish = "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make build-ci\n      - run: docker build -t acme/app:1 . && docker push acme/app:1\n";
    let dockerfile = "FROM scratch\nADD release/app /bin/\nUSER 65532\nCMD [\"/bin/app\"]\n";
    let files = |publish: &str| {
        check_in_module(&[
            ("Makefile", make),
            (".github/workflows/build.yml", check_job),
            (".github/workflows/publish.yml", publish),
            ("Dockerfile", dockerfile),
        ])
    };
    let found = files(publish);
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:5"], "{found:#?}");
    // With no job that releases the file, the cross-compiled build may be how it is released.
    let found = files(&publish.replace("make build-ci", "echo no build"));
    assert!(places(&found, "untrimmed-paths").contains(&"Makefile:2"), "{found:#?}");
}

/// Go before 1.21 knows no toolchain switching: a release built with Go 1.17 is built with Go
/// 1.17, however new go.mod's `toolchain` line is; from 1.21 on, GOTOOLCHAIN=auto raises it.
#[test]
fn go_before_toolchain_switching_is_not_raised_by_go_mod() {
    let go_mod = "module example.com/app\n\ngo 1.26\n\ntoolchain go1.27.2\n";
    let wf = |version: &str| {
        release_workflow(
            "ubuntu-latest",
            &format!("CGO_ENABLED=0 go build -trimpath -o dist/app . # {version}"),
            "dist/app",
        )
        .replace(
            "    steps:\n",
            &format!(
                "    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: '{version}'\n"
            ),
        )
    };
    let found = check(&[("go.mod", go_mod), ("main.go", MAIN), (".github/workflows/release.yml", &wf("1.17"))]);
    assert_eq!(places(&found, "toolchain-unsupported"), [".github/workflows/release.yml:10"], "{found:#?}");
    assert!(found.iter().all(|f| !f.2.contains("raised")), "{found:#?}");
    let found = check(&[("go.mod", go_mod), ("main.go", MAIN), (".github/workflows/release.yml", &wf("1.24"))]);
    assert!(places(&found, "toolchain-unsupported").is_empty(), "{found:#?}");
}

/// Someone else's tool that an image build installs (`go install example.org/tool@v1`) ships
/// when a stage of the image copies it out by name, also after `find ... -exec mv`; one the
/// build only runs does not.
#[test]
fn a_tool_installed_into_the_shipped_image_is_judged() {
    let dockerfile = |moved: &str, copied: &str| {
        format!(
            "FROM golang:1.27.2 AS builder\nWORKDIR /build\nRUN go install golang.org/x/vuln/cmd/govulncheck@v1.3.0\nRUN {moved}\nRUN CGO_ENABLED=0 go build -trimpath -o /build/app .\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=builder {copied} /usr/local/bin/\nENTRYPOINT [\"/usr/local/bin/app\"]\n"
        )
    };
    let moved = "find $(go env GOPATH)/bin -type f -exec mv {} /build/ \\;";
    let found = check_in_module(&[("Dockerfile", &dockerfile(moved, "/build/app /build/govulncheck"))]);
    assert_eq!(places(&found, "untrimmed-paths"), ["Dockerfile:3"], "{found:#?}");
    let found = check_in_module(&[("Dockerfile", &dockerfile("govulncheck ./...", "/build/app"))]);
    assert!(found.is_empty(), "{found:#?}");
    // `go install tool@v1` builds the tool's module: this go.mod's `go` line plays no part.
    let newer = "module example.com/app\n\ngo 1.27.3\n";
    let tool_only = "FROM golang:1.27.2 AS builder\nRUN go install golang.org/x/vuln/cmd/govulncheck@v1.3.0\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=builder /go/bin/govulncheck /usr/local/bin/\nENTRYPOINT [\"/usr/local/bin/govulncheck\"]\n";
    let found = check(&[("go.mod", newer), ("main.go", MAIN), ("Dockerfile", tool_only)]);
    assert!(places(&found, "module-graph-drift").is_empty(), "{found:#?}");
    // Copied straight from GOPATH's bin, where `go install tool@v1.3.0` writes `tool`.
    assert_eq!(places(&found, "untrimmed-paths"), ["Dockerfile:2"], "{found:#?}");
    let found = check(&[("go.mod", newer), ("main.go", MAIN), ("Dockerfile", &dockerfile(moved, "/build/app"))]);
    assert_eq!(places(&found, "module-graph-drift"), ["Dockerfile:1"], "{found:#?}");
}

/// An image a Makefile only builds (`docker build -t app -f cmd/$*/Dockerfile .`, no push
/// anywhere in the file), beside one a release workflow pushes, is built for a look: it is
/// not the image that ships. With a `push` target in the same file it may be.
#[test]
fn an_image_only_built_beside_a_published_one_is_not_a_release() {
    let image = "FROM golang:1.27.2 AS build\nCOPY . /src\nWORKDIR /src\nRUN CGO_ENABLED=0 go build -trimpath -o /app ./cmd/app\nFROM alpine:3.20\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n";
    let published = image.replace("ENTRYPOINT", "USER 65532\nENTRYPOINT");
    let workflow = release_workflow(
        "ubuntu-latest",
        "docker build -t ghcr.io/acme/app:1 -f deploy/Dockerfile . && docker push ghcr.io/acme/app:1",
        "none",
    );
    let make = "%-image:\n\tdocker build -t acme/$* -f cmd/$*/Dockerfile .\n";
    let files = |make: &str| {
        check_in_module(&[
            ("cmd/app/main.go", MAIN),
            ("cmd/app/Dockerfile", image),
            ("deploy/Dockerfile", &published),
            (".github/workflows/release.yml", &workflow),
            ("Makefile", make),
        ])
    };
    let found = files(make);
    assert!(places(&found, "root-final-image").is_empty(), "{found:#?}");
    let pushing = format!("{make}%-push: %-image\n\tdocker push acme/$*\n");
    let found = files(&pushing);
    assert_eq!(places(&found, "root-final-image"), ["cmd/app/Dockerfile:5"], "{found:#?}");
}

/// A template of rules instantiated per platform (`$(eval $(call PLATFORM,darwin,arm64))`):
/// macOS is chosen on the call's line, where the finding points.
#[test]
fn darwin_chosen_by_a_template_call_is_found_at_the_call() {
    let make = "define PLATFORM\nbin/app-$(1)-$(2):\n\tGOOS=$(1) GOARCH=$(2) go build -trimpath -o $$@ .\nreleases: bin/app-$(1)-$(2)\n\tgh release upload v1 bin/app-$(1)-$(2)\nendef\n\n$(eval $(call PLATFORM,linux,amd64))\n$(eval $(call PLATFORM,darwin,amd64))\n$(eval $(call PLATFORM,darwin,arm64))\n";
    let found = check_in_module(&[("Makefile", make)]);
    assert_eq!(places(&found, "macos-not-notarized"), ["Makefile:9", "Makefile:10"], "{found:#?}");
}

/// A Dockerfile written with CRLF line ends: Docker ends its lines and continuations at `\r\n`,
/// so the build continued over them is read as one command.
#[test]
fn a_crlf_dockerfile_continues_its_lines() {
    let dockerfile = "FROM golang:1.27.2-alpine AS builder\r\nWORKDIR /src\r\nCOPY . .\r\nRUN apk add --no-cache git \\\r\n  && go install \\\r\n  && apk del git\r\nFROM alpine:3.20\r\nCOPY --from=builder /go/bin/app /app\r\nUSER 65532\r\nENTRYPOINT [\"/app\"]\r\n";
    let found = check_in_module(&[("Dockerfile", dockerfile)]);
    assert_eq!(places(&found, "untrimmed-paths"), ["Dockerfile:5"], "{found:#?}");
}

/// An image that installs a program the tree's Go builds write under another name than the
/// module's (`go build -o bin/watchdog-arm64`, then `COPY bin/watchdog-$TARGETARCH`) ships Go.
#[test]
fn an_image_of_a_program_the_tree_builds_ships_go() {
    let dockerfile =
        "FROM scratch\nARG TARGETARCH\nCOPY bin/watchdog-$TARGETARCH /watchdog\nENTRYPOINT [\"/watchdog\"]\n";
    let make = |output: &str| {
        format!(
            "dist:\n\tCGO_ENABLED=0 GOARCH=arm64 go build -trimpath -o {output} .\n\npublish: dist\n\tdocker buildx build --push -t ghcr.io/acme/watchdog:1 .\n"
        )
    };
    let found = check_in_module(&[("Dockerfile", dockerfile), ("Makefile", &make("bin/watchdog-arm64"))]);
    assert_eq!(places(&found, "root-final-image"), ["Dockerfile:1"], "{found:#?}");
    let found = check_in_module(&[("Dockerfile", dockerfile), ("Makefile", &make("bin/other-arm64"))]);
    assert!(places(&found, "root-final-image").is_empty(), "{found:#?}");
}

/// goreleaser run with no config file in the repository uses its defaults: darwin in the
/// default targets, `-s -w` and `-X main.date={{.Date}}` ldflags, no `-trimpath`. That config is
/// judged where the run is written; a config file, a snapshot run, or no main package at the
/// root (the default build fails) leaves nothing to judge.
#[test]
fn goreleaser_without_a_config_file_releases_its_defaults() {
    let wf = |args: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: goreleaser/goreleaser-action@v6\n        with:\n          version: '~> v2'\n          args: {args}\n"
        )
    };
    let found = check_in_module(&[(".github/workflows/release.yml", &wf("release --clean"))]);
    // At the step, from its `uses:` through its arguments.
    let at = ".github/workflows/release.yml:9";
    for rule in ["untrimmed-paths", "stripped-without-symbols", "non-reproducible-build", "macos-not-notarized"] {
        assert_eq!(places(&found, rule), [at], "{rule}: {found:#?}");
    }
    let macos = found.iter().find(|f| f.0 == "macos-not-notarized").unwrap();
    assert!(macos.2.starts_with("goreleaser runs with no config file"), "{}", macos.2);
    // A config file of the tree is what it reads; a snapshot releases nothing.
    let config = "version: 2\nbuilds:\n  - goos: [linux]\n    flags: [-trimpath]\n    ldflags: [\"-X main.buildDate={{.CommitDate}}\"]\n    env: [CGO_ENABLED=0]\n";
    let found =
        check_in_module(&[(".github/workflows/release.yml", &wf("release --clean")), (".goreleaser.yaml", config)]);
    assert!(found.is_empty(), "{found:#?}");
    let found = check_in_module(&[(".github/workflows/release.yml", &wf("release --snapshot --clean"))]);
    assert!(found.is_empty(), "{found:#?}");
    // The main package is in cmd/app: the default build of the root fails.
    let found = check(&[
        ("go.mod", GO_MOD),
        ("cmd/app/main.go", MAIN),
        (".github/workflows/release.yml", &wf("release --clean")),
    ]);
    assert!(found.is_empty(), "{found:#?}");
}

/// A recipe that builds for one target after another into the same file, with nothing using it
/// in between, keeps only the last: it checks that the code compiles everywhere, and ships
/// nothing. Packed between builds, each one ships.
#[test]
fn builds_that_overwrite_each_other_only_check_compilation() {
    let make = "buildall:\n\tCGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build\n\tCGO_ENABLED=0 GOOS=darwin GOARCH=amd64 go build\n\tCGO_ENABLED=0 GOOS=freebsd GOARCH=amd64 go build\n";
    let found = check_in_module(&[("Makefile", make)]);
    assert!(found.is_empty(), "{found:#?}");
    let packed = "buildall:\n\tCGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build\n\ttar czf app-linux.tgz app\n\tCGO_ENABLED=0 GOOS=darwin GOARCH=amd64 go build\n\ttar czf app-darwin.tgz app\n";
    let found = check_in_module(&[("Makefile", packed)]);
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:2", "Makefile:4"], "{found:#?}");
}

/// Beside a `Dockerfile.release` that a release script builds, the plain Dockerfile a Makefile
/// builds is a developer's image, not the one published.
#[test]
fn a_dockerfile_beside_one_named_for_the_release_is_not_published() {
    let image = "FROM golang:1.27.2 AS build\nCOPY . /src\nWORKDIR /src\nRUN CGO_ENABLED=0 go build -trimpath -o /app .\nFROM alpine:3.20\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n";
    let release_image = image.replace("ENTRYPOINT", "USER 65532\nENTRYPOINT");
    let make = "docker:\n\tdocker build -t app .\n\ndocker-release:\n\t./docker-release.sh\n";
    let script = "#!/bin/sh\nset -e\npodman build -f Dockerfile.release -t app:1 .\necho 'push with: podman push app:1 $host/app:1'\n";
    let files = |extra: &[(&str, &str)]| {
        let mut all = vec![("Dockerfile", image), ("Makefile", make)];
        all.extend_from_slice(extra);
        check_in_module(&all)
    };
    let found = files(&[("Dockerfile.release", &release_image), ("docker-release.sh", script)]);
    assert!(places(&found, "root-final-image").is_empty(), "{found:#?}");
    // Alone, the Dockerfile may be the one published.
    let found = files(&[]);
    assert_eq!(places(&found, "root-final-image"), ["Dockerfile:5"], "{found:#?}");
}

/// A test workflow that builds for every platform through make and uploads the binaries for
/// its later test jobs, in a pipeline that publishes nothing, releases nothing; with a release
/// step in the pipeline, what it keeps may be released.
#[test]
fn binaries_a_test_workflow_keeps_for_its_tests_are_not_released() {
    let make = "ci-all-platforms:\n\tGOOS=linux go build -o ./bin/linux/app .\n\tGOOS=darwin GOARCH=amd64 go build -o ./bin/macos/app .\n";
    let wf = |publish: &str| {
        format!(
            "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.27.2'\n      - run: make ci-all-platforms\n      - uses: actions/upload-artifact@v4\n        with:\n          name: binaries\n          path: ./bin/\n{publish}"
        )
    };
    let found = check_in_module(&[("Makefile", make), (".github/workflows/test.yml", &wf(""))]);
    assert!(found.is_empty(), "{found:#?}");
    let publish = "      - uses: softprops/action-gh-release@v2\n        with:\n          files: bin/**\n";
    let found = check_in_module(&[("Makefile", make), (".github/workflows/test.yml", &wf(publish))]);
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:2", "Makefile:3"], "{found:#?}");
}

/// A hello-world program beside the product (`contrib/hello-app`) shows how to use it.
#[test]
fn a_hello_world_image_is_an_example() {
    let image = "FROM golang:1.19\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /hello .\nFROM scratch\nCOPY --from=0 /hello /hello\nENTRYPOINT [\"/hello\"]\n";
    let found = check_in_module(&[("contrib/hello-app/Dockerfile", image), ("contrib/hello-app/main.go", MAIN)]);
    assert!(found.is_empty(), "{found:#?}");
    let found = check_in_module(&[("contrib/app/Dockerfile", image), ("contrib/app/main.go", MAIN)]);
    assert!(places(&found, "root-final-image") == ["contrib/app/Dockerfile:5"], "{found:#?}");
}

/// `find ... -exec xcrun notarytool submit {} \;` notarizes each file it lists.
#[test]
fn notarizing_each_file_find_lists_counts() {
    let make = |notarize: &str| {
        format!(
            "release:\n\tGOOS=darwin GOARCH=arm64 go build -trimpath -o dist/app-darwin-arm64 .\n\tzip -j dist/app.zip dist/app-darwin-arm64\n{notarize}\tgh release upload v1 dist/app.zip\n"
        )
    };
    let found = check_in_module(&[("Makefile", &make(""))]);
    assert_eq!(places(&found, "macos-not-notarized"), ["Makefile:2"], "{found:#?}");
    let notarize = "\tfind dist -name '*.zip' -exec xcrun notarytool submit --wait {} \\;\n";
    let found = check_in_module(&[("Makefile", &make(notarize))]);
    assert!(places(&found, "macos-not-notarized").is_empty(), "{found:#?}");
}

/// A target that sets `GOOS := darwin` for itself and runs the file's generic build through a
/// variable (`$(PACKAGING_VARS) $(MAKE) app`), from a file the Makefile includes: the finding
/// is at that target's command.
#[test]
fn darwin_chosen_by_an_included_target_is_found_there() {
    let make = "include tools/packaging.mk\nGO_ENV := GOOS=$(GOOS) GOARCH=$(GOARCH)\napp:\n\t$(GO_ENV) go build -trimpath -ldflags '-s -w' -o $(APP_BINARY) .\n";
    let packaging = "PACKAGING_VARS = GOOS=$(GOOS) GOARCH=$(GOARCH)\n\ndist/app-linux-amd64: GOOS := linux\ndist/app-linux-amd64: GOARCH := amd64\ndist/app-linux-amd64:\n\t$(PACKAGING_VARS) APP_BINARY=$@ \"$(MAKE)\" -f Makefile app\n\ndist/app-darwin-arm64: GOOS := darwin\ndist/app-darwin-arm64: GOARCH := arm64\ndist/app-darwin-arm64:\n\t$(PACKAGING_VARS) APP_BINARY=$@ \"$(MAKE)\" -f Makefile app\n";
    let found = check_in_module(&[("Makefile", make), ("tools/packaging.mk", packaging)]);
    assert_eq!(places(&found, "macos-not-notarized"), ["tools/packaging.mk:11"], "{found:#?}");
}

/// `$(foreach T,$(TARGETS),go build \` continued over lines: the shell text of its body runs for
/// each word, with every flag it writes.
#[test]
fn a_foreach_of_shell_text_over_lines_keeps_its_flags() {
    let make = "TARGETS ?= .\nBUILD_FLAGS = -ldflags \"-s -w\"\nrelease:\n\t$(foreach T,$(TARGETS),GOOS=linux go build \\\n\t\t$(BUILD_FLAGS) \\\n\t\t-trimpath -o dist/app-linux \\\n\t\t$(T);\\\n\t)\n";
    let found = check_in_module(&[("Makefile", make)]);
    assert_eq!(rules(&found), [("stripped-without-symbols", "Makefile:5")], "{found:#?}");
}

/// promu crossbuild builds in the golang-builder image of `go.version`.
#[test]
fn promu_builds_with_the_go_release_it_names() {
    let promu = |version: &str| {
        format!(
            "go:\n  version: {version}\nrepository:\n  path: example.com/app\nbuild:\n  flags: -a -tags netgo -trimpath\n  ldflags: -X main.buildDate={{{{date \"20060102\"}}}}\ncrossbuild:\n  platforms:\n    - linux/amd64\n"
        )
    };
    let found = check_in_module(&[(".promu.yml", &promu("1.19"))]);
    assert_eq!(places(&found, "toolchain-unsupported"), [".promu.yml:2"], "{found:#?}");
    assert!(found.iter().any(|f| f.2.contains("promu go.version 1.19")), "{found:#?}");
    let found = check_in_module(&[(".promu.yml", &promu("1.27"))]);
    assert!(places(&found, "toolchain-unsupported").is_empty(), "{found:#?}");
}

/// build-push-action pushes when its `outputs` say so (`push=${{ ... }}` true on a release's
/// events): the job that built the binary it packs ships with its Go.
#[test]
fn an_image_pushed_by_its_outputs_ships_what_the_job_built() {
    let wf = |push: &str| {
        format!(
            "on:\n  push:\n    tags: [v*]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.23'\n      - run: make static\n      - uses: docker/build-push-action@v6\n        with:\n          context: .\n          outputs: type=image,name=acme/app,push-by-digest=true,push={push}\n"
        )
    };
    let make = "static:\n\tCGO_ENABLED=0 GOOS=linux go build -trimpath -o app .\n";
    let image = "FROM alpine:3.20\nCOPY ./app /usr/local/bin/app\nUSER 65532\nENTRYPOINT [\"/usr/local/bin/app\"]\n";
    let files = |push: &str| {
        check_in_module(&[("Makefile", make), ("Dockerfile", image), (".github/workflows/docker.yml", &wf(push))])
    };
    let found = files("${{ github.event_name != 'pull_request' }}");
    assert_eq!(places(&found, "toolchain-unsupported"), [".github/workflows/docker.yml:11"], "{found:#?}");
    let found = files("false");
    assert!(places(&found, "toolchain-unsupported").is_empty(), "{found:#?}");
}

/// goreleaser's `dockers:` passes `--build-arg=BUILD_DATE={{.Date}}`, which the Dockerfile
/// stamps with `-X` (through an ENV that takes the ARG): the clock stamp is said at the
/// goreleaser line that passes it. `{{.CommitDate}}` is the commit's.
#[test]
fn a_clock_build_argument_goreleaser_passes_to_its_image_is_found_where_passed() {
    let config = |date: &str| {
        format!(
            "version: 2\nbuilds:\n  - goos: [linux]\n    flags: [-trimpath]\n    env: [CGO_ENABLED=0]\n    ldflags: [\"-X main.buildDate={{{{.CommitDate}}}}\"]\ndockers:\n  - image_templates: [\"acme/app:{{{{ .Version }}}}\"]\n    dockerfile: Dockerfile.ci\n    build_flag_templates:\n      - \"--build-arg=BUILD_DATE={date}\"\n      - \"--platform=linux/amd64\"\n"
        )
    };
    let image = "FROM golang:1.27.2 AS builder\nARG BUILD_DATE\nENV BUILD_DATE=$BUILD_DATE\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-X main.buildDate=${BUILD_DATE}\" -o /app .\nFROM scratch\nCOPY --from=builder /app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    let found = check_in_module(&[(".goreleaser.yaml", &config("{{.Date}}")), ("Dockerfile.ci", image)]);
    assert_eq!(rules(&found), [("non-reproducible-build", ".goreleaser.yaml:11")], "{found:#?}");
    assert!(found[0].2.contains("(passed as BUILD_DATE)"), "{}", found[0].2);
    let found = check_in_module(&[(".goreleaser.yaml", &config("{{.CommitDate}}")), ("Dockerfile.ci", image)]);
    assert!(found.is_empty(), "{found:#?}");
}

/// A Dockerfile's ENV reads the ARGs and ENVs set before it (`ENV LDFLAGS=$GO_LDFLAGS`).
#[test]
fn an_env_takes_the_values_of_the_args_before_it() {
    let image = |flags: &str| {
        format!(
            "FROM golang:1.27.2 AS builder\nARG GO_LDFLAGS=\"{flags}\"\nENV LDFLAGS=$GO_LDFLAGS\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -ldflags \"$LDFLAGS\" -o /app .\nFROM scratch\nCOPY --from=builder /app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n"
        )
    };
    let found = check_in_module(&[("Dockerfile", &image("-s -w"))]);
    assert_eq!(places(&found, "stripped-without-symbols"), ["Dockerfile:6"], "{found:#?}");
    let found = check_in_module(&[("Dockerfile", &image("-X main.buildDate=unknown"))]);
    assert!(found.is_empty(), "{found:#?}");
}

/// A Dockerfile stage on a plain OS image that downloads a Go release archive builds with that
/// Go (`ARG GO_VERSION=1.24.9`, then `curl https://go.dev/dl/go${GO_VERSION}...`).
#[test]
fn a_go_release_archive_an_image_downloads_is_its_toolchain() {
    let image = |version: &str| {
        format!(
            "FROM debian:bookworm AS builder\nARG GO_VERSION={version}\nRUN curl -fsSL https://go.dev/dl/go${{GO_VERSION}}.linux-amd64.tar.gz -o go.tar.gz && \\\n    tar -C /usr/local -xzf go.tar.gz\nENV PATH=\"/usr/local/go/bin:${{PATH}}\"\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -o /app .\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=builder /app /app\nENTRYPOINT [\"/app\"]\n"
        )
    };
    let found = check_in_module(&[("Dockerfile", &image("1.24.9"))]);
    assert_eq!(rules(&found), [("toolchain-unsupported", "Dockerfile:3")], "{found:#?}");
    assert!(found[0].2.contains("the go1.24.9 release archive"), "{}", found[0].2);
    assert!(check_in_module(&[("Dockerfile", &image("1.27.2"))]).is_empty());
}

/// An image that copies out what a `make` target built inside it ships that build, even a
/// debugging one (`-gcflags '-N -l'`), and even where the image copied in single files rather
/// than the whole context; its `FROM golang:${GO_VERSION}` is the Go the building Makefile
/// passes (`--build-arg GO_VERSION=1.14`).
#[test]
fn an_image_ships_the_make_build_it_copies_out_with_the_go_it_is_given() {
    let make = |gcflags: &str| {
        format!(
            "GO_VERSION = 1.14\nlbins: bin/app/app.linux\nbin/app/app.linux:\n\tCGO_ENABLED=0 GOOS=linux go build -trimpath {gcflags} -o $@ ./bin/app\nimages:\n\tdocker build --build-arg GO_VERSION=\"$(GO_VERSION)\" -t gcr.io/acme/app:1 -f Dockerfile .\npublish: images\n\tdocker push gcr.io/acme/app:1\n"
        )
    };
    let image = "ARG GO_VERSION\nFROM golang:${GO_VERSION} AS builder\nWORKDIR /workspace/app\nADD Makefile .\nADD go.mod ./go.mod\nADD bin ./bin\nRUN make lbins\nFROM scratch\nCOPY --from=builder /workspace/app/bin/app/app.linux /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    let files =
        |make: &str| check(&[("go.mod", GO_MOD), ("bin/app/main.go", MAIN), ("Makefile", make), ("Dockerfile", image)]);
    let found = files(&make("-gcflags '-N -l'"));
    assert_eq!(places(&found, "toolchain-unsupported"), ["Dockerfile:2"], "{found:#?}");
    assert!(found.iter().any(|f| f.0 == "toolchain-unsupported" && f.2.contains("golang:1.14")), "{found:#?}");
    let stripped = files(&make("-gcflags '-N -l' -ldflags '-s -w'"));
    assert_eq!(places(&stripped, "stripped-without-symbols"), ["Makefile:4"], "{stripped:#?}");
}

/// `make docker push` builds the program in a prerequisite target, then an image whose
/// Dockerfile copies it in from the build context (`COPY app /usr/local/bin/`) and pushes it:
/// the build ships in that image. A script that builds the same name while nothing publishes
/// the image keeps it local.
#[test]
fn a_build_a_published_image_copies_in_ships() {
    let make = |push: &str| {
        format!(
            "build:\n\tCGO_ENABLED=0 go build -o app .\n\ndocker: build\n\tdocker build -t quay.io/acme/app:edge .\n\n{push}"
        )
    };
    let image = "FROM alpine:3.20\nCOPY app /usr/local/bin/app\nUSER 65532\nENTRYPOINT [\"/usr/local/bin/app\"]\n";
    let workflow = "on:\n  push:\n    branches: [main]\njobs:\n  docker:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make docker push\n";
    let files = |push: &str| {
        check_in_module(&[
            ("Makefile", &make(push)),
            ("Dockerfile", image),
            (".github/workflows/publish.yml", workflow),
        ])
    };
    let found = files("push:\n\tdocker push quay.io/acme/app:edge\n");
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:2"], "{found:#?}");
    let found = files("");
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");
}

/// A release script that builds for one target after another, packing each before the next,
/// ships every one: the file it packs is the default output (named after the package's folder).
#[test]
fn builds_packed_between_under_their_default_name_all_ship() {
    let script = "#!/bin/sh\ncd app || exit 1\nenv GOOS=windows GOARCH=386 go build -ldflags=\"-s -w\"\nzip -9 app-win32.zip app.exe\nenv GOOS=windows GOARCH=amd64 go build -ldflags=\"-s -w\"\nzip -9 app-win64.zip app.exe\n";
    let found = check(&[("go.mod", GO_MOD), ("app/main.go", MAIN), ("release.sh", script)]);
    assert_eq!(places(&found, "untrimmed-paths"), ["release.sh:3", "release.sh:5"], "{found:#?}");
}

/// A reusable workflow that a release runs, which runs another in turn, builds for that
/// release: the Go its build job installs is the release's.
#[test]
fn reusable_workflows_a_release_runs_in_turn_build_for_it() {
    let calls = |name: &str, callee: &str| {
        format!("jobs:\n  {name}:\n    uses: ./.github/workflows/{callee}\n    with:\n      arch: arm64\n")
    };
    let build = "on:\n  workflow_call:\n    inputs:\n      arch:\n        type: string\nenv:\n  GO_VERSION: '1.25.11'\njobs:\n  build:\n    runs-on: macos-latest\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: ${{ env.GO_VERSION }}\n      - run: make\n      - run: ./installer/release-installer.sh ${{ inputs.arch }}\n";
    let middle = format!(
        "on:\n  workflow_call:\n  schedule:\n    - cron: '0 14 * * *'\n{}",
        calls("macos-pkg-build", "build-pkg.yaml")
    );
    let files = |top: &str| {
        check_in_module(&[
            (".github/workflows/top.yaml", top),
            (".github/workflows/build-and-test-pkg.yaml", &middle),
            (".github/workflows/build-pkg.yaml", build),
            ("Makefile", "all:\n\tgo build -trimpath -o _output/app .\n"),
        ])
    };
    let release =
        format!("name: Release\non:\n  workflow_dispatch:\n{}", calls("release-pkg", "build-and-test-pkg.yaml"));
    let found = files(&release.replace("top.yaml", "release.yaml"));
    assert_eq!(places(&found, "toolchain-unsupported"), [".github/workflows/build-pkg.yaml:14"], "{found:#?}");
    // Run by CI on every push, it builds a check.
    let ci = format!(
        "on:\n  push:\n    branches: [main]\n  pull_request:\n{}",
        calls("check-pkg", "build-and-test-pkg.yaml")
    );
    let found = files(&ci);
    assert!(places(&found, "toolchain-unsupported").is_empty(), "{found:#?}");
}

/// A job named for building and testing, in a workflow a release runs, that copies its package
/// to a bucket publishes it; one that only fetches a package from the bucket to test it does not.
#[test]
fn a_build_and_test_job_that_uploads_its_package_ships() {
    let deb = |last: &str| {
        format!(
            "on:\n  workflow_call:\n  schedule:\n    - cron: '0 14 * * *'\nenv:\n  GO_VERSION: '1.25.11'\njobs:\n  deb-build-and-test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: ${{{{ env.GO_VERSION }}}}\n      - run: ./package.sh\n      - run: {last}\n"
        )
    };
    let release = "on:\n  workflow_dispatch:\njobs:\n  build-and-test-deb:\n    uses: ./.github/workflows/deb.yaml\n";
    let package = "#!/bin/sh\nset -e\ngo build -trimpath -o _output/pkg/usr/bin/app .\ndpkg-deb --build _output/pkg _output/deb/app.deb\n";
    let files = |last: &str| {
        check_in_module(&[
            (".github/workflows/release.yaml", release),
            (".github/workflows/deb.yaml", &deb(last)),
            ("package.sh", package),
        ])
    };
    let found = files("aws s3 cp ./_output/deb s3://acme-packages/ --recursive");
    assert_eq!(places(&found, "toolchain-unsupported"), [".github/workflows/deb.yaml:13"], "{found:#?}");
    let found = files("aws s3 cp s3://acme-packages/app.deb ./app.deb");
    assert!(places(&found, "toolchain-unsupported").is_empty(), "{found:#?}");
}

/// An image whose build stage runs a make target and copies the result on (`cp bin/x
/// /go/bin/x`) ships that build when a later stage copies it out by name, even a debugging
/// build (`-N -l`) and even where other copied paths hold build arguments.
#[test]
fn an_image_ships_the_build_its_stage_copies_on_by_name() {
    let make = "GC_FLAGS ?= -gcflags=\"all=-N -l\"\ncsi-build:\n\tCGO_ENABLED=0 go build ${GC_FLAGS} -o bin/csi .\n\npush:\n\tdocker buildx build --push -f docker/Dockerfile.csi -t acme/csi:v1 .\n";
    let image = |copied: &str| {
        format!(
            "FROM golang:1.27.3 AS builder\nWORKDIR /src\nCOPY . .\nRUN make csi-build && \\\n    cp bin/csi /go/bin/csi\nFROM alpine:3.23\nARG TARGETARCH\nCOPY --from=builder /src/bin/helm-linux-${{TARGETARCH}} /usr/local/bin/helm\nCOPY --from=builder {copied} /usr/local/bin/csi\nUSER 65532\nENTRYPOINT [\"csi\"]\n"
        )
    };
    let files = |copied: &str| check_in_module(&[("Makefile", make), ("docker/Dockerfile.csi", &image(copied))]);
    let found = files("/go/bin/csi");
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:3"], "{found:#?}");
    // What it copies out is another program: the debugging build stays the developer's.
    let found = files("/go/bin/dlv");
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");
}

/// A script of the repository whose output a Makefile takes (`$(shell ./build/stamp.sh)`) prints
/// what its commands print: the clock from `date`, the commit from `git log`.
#[test]
fn what_a_script_prints_is_the_value_a_makefile_takes() {
    let make = "STAMP := $(shell ./build/stamp.sh)\nrelease:\n\tgo build -trimpath -ldflags \"-X main.buildDate=$(STAMP)\" -o dist/app .\n";
    let files = |stamp: &str| check_in_module(&[("Makefile", make), ("build/stamp.sh", stamp)]);
    let found = files("#!/usr/bin/env bash\n\ndate -u +\"%Y-%m-%dT%H:%M:%SZ\"\n");
    assert_eq!(places(&found, "non-reproducible-build"), ["Makefile:3"], "{found:#?}");
    let found = files("#!/usr/bin/env bash\n\ngit log -1 --format=%cI\n");
    assert!(places(&found, "non-reproducible-build").is_empty(), "{found:#?}");
}

/// A script that prints the whole `-ldflags` (`$(shell ./scripts/ldflags.sh LDFLAG)`): the
/// mode its caller passes picks what it prints, a subshell's `exit` on an error path does not
/// end it, and a clock stamp is said where the script writes that `-X`.
#[test]
fn a_script_that_prints_the_ldflags_is_judged_where_it_writes_them() {
    let make = "release:\n\tgo build -trimpath -ldflags \"$(shell ./scripts/ldflags.sh LDFLAG)\" -o dist/app .\n";
    let script = |date: &str| {
        format!(
            "#!/bin/bash\nMODE=$1\nif [ \"$MODE\" != \"LDFLAG\" ]; then\n  echo \"usage: $0 LDFLAG\"\n  exit 1\nfi\nBUILD_DATE=\"$({date})\"\n[[ -z ${{MAJOR}} ]] && (echo \"major version is empty\" >&2; exit 1)\nflags=(\n  -X main.buildDate=${{BUILD_DATE}}\n)\necho -n \"${{flags[@]}}\"\n"
        )
    };
    let files = |date: &str| check_in_module(&[("Makefile", make), ("scripts/ldflags.sh", &script(date))]);
    let found = files("date +%Y-%m-%dT%H:%M:%S%z");
    assert_eq!(places(&found, "non-reproducible-build"), ["scripts/ldflags.sh:10"], "{found:#?}");
    let found = files("git log -1 --format=%cI");
    assert!(places(&found, "non-reproducible-build").is_empty(), "{found:#?}");
}

/// A recipe's command substitution holds make's references, which make expands before the
/// shell runs it: `target=$$(echo $(subst release-,,$@)); make $$target` runs `make app`.
#[test]
fn a_recipe_substitution_expands_make_references_first() {
    let make = |name: &str| {
        format!(
            "app:\n\tgo build -o bin/app .\n\nrelease-app:\n\t@set -e;\\\n\ttarget=$$(echo $(subst release-,,{name}));\\\n\tmake $$target;\\\n\ttar czf dist/app.tgz bin/app\n"
        )
    };
    let workflow = release_workflow("ubuntu-latest", "make release-app", "dist/app.tgz");
    let files =
        |name: &str| check_in_module(&[("Makefile", &make(name)), (".github/workflows/release.yml", &workflow)]);
    let found = files("$@");
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:2"], "{found:#?}");
    // Made from another name, the target it runs is another: nothing builds the release.
    let found = files("release-docs");
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");
}

/// What a function prints is what its `echo` prints after the assignments and tests before
/// it, in a library with many small functions before it.
#[test]
fn a_library_function_that_prints_the_ldflags_stamps_what_it_computes() {
    let helpers: String = (0..40).map(|i| format!("function util::helper{i}() {{\n  echo {i}\n}}\n")).collect();
    let library = |date: &str| {
        format!(
            "{helpers}function util::version_ldflags() {{\n  COMMIT=$(git rev-parse HEAD)\n  if status=$(git status --porcelain 2>/dev/null) && [[ -z ${{status}} ]]; then\n    TREE=clean\n  else\n    TREE=dirty\n  fi\n  BUILDDATE=$({date})\n  LDFLAGS=\"-X main.buildDate=${{BUILDDATE}}\"\n  echo $LDFLAGS\n}}\n"
        )
    };
    let build = "#!/usr/bin/env bash\nsource \"$(dirname \"${BASH_SOURCE[0]}\")/util.sh\"\nLDFLAGS=\"$(util::version_ldflags) ${LDFLAGS:-}\"\ngo build -trimpath -ldflags \"${LDFLAGS}\" -o dist/app .\n";
    let files = |date: &str| check_in_module(&[("hack/build.sh", build), ("hack/util.sh", &library(date))]);
    let found = files("date -u +'%Y-%m-%dT%H:%M:%SZ'");
    assert_eq!(places(&found, "non-reproducible-build"), ["hack/util.sh:129"], "{found:#?}");
    let found = files("git log -1 --format=%cI");
    assert!(places(&found, "non-reproducible-build").is_empty(), "{found:#?}");
}

/// A make target that installs its build elsewhere (`make DESTDIR=/out install`) puts it where
/// the image copies from: that build ships; a tool the same run builds and installs nothing
/// of does not.
#[test]
fn a_build_installed_into_destdir_ships_with_the_image_copying_it() {
    let make = |installed: &str| {
        format!(
            "BINDIR ?= /usr/local/bin\n\napp:\n\tgo build -o app .\n\ngen:\n\tgo build -o bin/gen ./tools/gen\n\ninstall: gen app\n\tinstall -m 0755 {installed} $(DESTDIR)$(BINDIR)\n"
        )
    };
    let image = "FROM golang:1.27.3 AS builder\nWORKDIR /src\nARG TARGETARCH\nRUN --mount=type=bind,target=/src make GOARCH=${TARGETARCH} DESTDIR=/out/${TARGETARCH} install\nFROM gcr.io/distroless/static:nonroot\nARG TARGETARCH\nCOPY --from=builder /out/${TARGETARCH}/usr/local/bin/app /usr/local/bin/app\nENTRYPOINT [\"/usr/local/bin/app\"]\n";
    let publish = "on:\n  push:\n    tags: ['v*']\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: acme/app:latest\n";
    let files = |installed: &str| {
        check(&[
            ("go.mod", GO_MOD),
            ("main.go", MAIN),
            ("tools/gen/main.go", MAIN),
            ("Makefile", &make(installed)),
            ("Dockerfile", image),
            (".github/workflows/image.yml", publish),
        ])
    };
    let found = files("app");
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:4"], "{found:#?}");
    let found = files("README.md");
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");
}

/// A push to a release branch (`branches: [dev, release]`) builds what the release ships: the
/// artifacts it keeps are the release's, and so is the Go it installs. Pushes to other
/// branches, or that only changes to some files run (`paths:`), build for tests.
#[test]
fn a_push_to_a_release_branch_builds_the_release() {
    let workflow = |branches: &str| {
        format!(
            "on:\n  pull_request:\n  push:\n    branches: [{branches}]\njobs:\n  build-linux:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.23'\n      - run: make release\n      - uses: actions/upload-artifact@v4\n        with:\n          name: linux\n          path: build/app\n"
        )
    };
    let make = "release:\n\tgo build -trimpath -o build/app .\n";
    let files =
        |branches: &str| check_in_module(&[("Makefile", make), (".github/workflows/linux.yml", &workflow(branches))]);
    let found = files("dev, release");
    assert_eq!(places(&found, "toolchain-unsupported"), [".github/workflows/linux.yml:11"], "{found:#?}");
    let found = files("dev, main");
    assert!(places(&found, "toolchain-unsupported").is_empty(), "{found:#?}");
    // Run only when some files change, it checks them: not a release.
    let found = files("'release-**']\n    paths: ['**/start_meta_engine.sh'");
    assert!(places(&found, "toolchain-unsupported").is_empty(), "{found:#?}");
}

/// `date` given the commit's time on the path the script documents (`--date=@$SOURCE_DATE_EPOCH`
/// when it is set) follows the reproducible-builds convention, in a script whose output a
/// Makefile takes as much as anywhere.
#[test]
fn a_printed_date_of_source_date_epoch_is_not_the_clock() {
    let script = |date: &str| {
        format!(
            "#!/usr/bin/env bash\nfunction ldflags() {{\n  local buildDate=\n  [[ -z ${{SOURCE_DATE_EPOCH-}} ]] || buildDate=\"--date=@${{SOURCE_DATE_EPOCH}}\"\n  echo \"-X main.buildDate=$({date} -u +'%Y-%m-%dT%H:%M:%SZ')\"\n}}\nldflags\n"
        )
    };
    let make = "LDFLAGS := -s -w $(shell ./hack/version.sh)\nrelease:\n\tgo build -trimpath -ldflags '$(LDFLAGS)' -o bin/app .\n";
    let files = |date: &str| check_in_module(&[("Makefile", make), ("hack/version.sh", &script(date))]);
    let found = files("date ${buildDate}");
    assert!(places(&found, "non-reproducible-build").is_empty(), "{found:#?}");
    let found = files("date");
    assert_eq!(places(&found, "non-reproducible-build"), ["hack/version.sh:5"], "{found:#?}");
}

/// `-gcflags` a script prints as a choice between debugging flags and none (`all=-N -l` when
/// DBG=1) builds the release on its default path: not a debugging build.
#[test]
fn a_debugging_choice_in_printed_gcflags_is_not_a_debugging_build() {
    let script = |debug_only: bool| {
        match debug_only {
        true => "#!/usr/bin/env bash\necho \"all=-N -l\"\n".to_string(),
        false => "#!/usr/bin/env bash\nversion::gcflags() {\n  if [[ \"${DBG:-}\" == 1 ]]; then\n    echo \"all=-N -l\"\n  else\n    echo \"\"\n  fi\n}\nversion::gcflags\n".to_string(),
    }
    };
    let make = "GCFLAGS := $(shell hack/gcflags.sh)\nrelease:\n\tGOOS=linux go build -gcflags \"$(GCFLAGS)\" -o dist/app .\n\ttar czf dist/app.tgz -C dist app\n";
    let files = |debug_only: bool| check_in_module(&[("Makefile", make), ("hack/gcflags.sh", &script(debug_only))]);
    let found = files(false);
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:3"], "{found:#?}");
    let found = files(true);
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");
}

/// `GOOS ?= linux` defines nothing when the environment gives GOOS: `$(origin GOOS)` is then
/// `environment`, and a CI matrix's darwin reaches the build (`$(if $(filter file,$(origin
/// GOOS)),$(OS),$(GOOS))`).
#[test]
fn origin_of_a_conditional_default_the_environment_gives() {
    let make = "GOOS ?= linux\nOS := $(shell uname -s | tr A-Z a-z)\ncli:\n\tCGO_ENABLED=0 GOOS=$(if $(filter file,$(origin GOOS)),$(OS),$(GOOS)) go build -trimpath -o bin/cli .\n";
    let workflow = |goos: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  assets:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        goos: [{goos}]\n    steps:\n      - env:\n          GOOS: ${{{{ matrix.goos }}}}\n        run: make cli\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: bin/cli\n"
        )
    };
    let at = ".github/workflows/release.yml";
    let found = check_in_module(&[("Makefile", make), (at, &workflow("linux, darwin"))]);
    assert_eq!(rules(&found), [("macos-not-notarized", ".github/workflows/release.yml:13")], "{found:#?}");
    let found = check_in_module(&[("Makefile", make), (at, &workflow("linux"))]);
    assert!(found.is_empty(), "{found:#?}");
}

/// A darwin build a chain of callers reaches is said where darwin enters the chain (`package.sh
/// Mac darwin amd64`), not at the callers that pass it on; a library's messages and case arms
/// about the host (`echo "on macOS ..."`, `darwin) ...`) choose nothing.
#[test]
fn macos_is_said_where_a_caller_chooses_it() {
    let make = "all: server\nserver:\n\t./scripts/build.sh server\npackage:\n\tscripts/package.sh Linux linux amd64\n\tscripts/package.sh Mac darwin amd64\n";
    let package =
        "#!/bin/bash\nset -e\nGOOS=$2 GOARCH=$3 make all\nmkdir -p packages\nzip -r packages/app-$2-$3.zip server\n";
    let build = |library: &str| format!("#!/bin/bash\nset -e\n{library}CGO_ENABLED=0 go build -trimpath -o \"$1\" .\n");
    let host_checks =
        "case \"$(uname -s)\" in\n  darwin) echo host ;;\nesac\necho \"Detected that you are building on macOS\"\n";
    for library in ["", host_checks] {
        let found = check_in_module(&[
            ("Makefile", make),
            ("scripts/package.sh", package),
            ("scripts/build.sh", &build(library)),
        ]);
        assert_eq!(places(&found, "macos-not-notarized"), ["Makefile:6"], "{found:#?}");
    }
}

/// An `-X` written two variables away from the build (`LDFLAGS := -ldflags "$(LDFLAGSSTRING)"`,
/// `LDFLAGSSTRING += -X main.GitCommit=...`) is said at its own line, once for all builds that
/// take it.
#[test]
fn an_x_flag_two_variables_away_is_said_where_it_is_written() {
    let make = "GITCOMMIT ?= $(shell git rev-parse HEAD)\nLDFLAGSSTRING +=-X main.GitCommit=$(GITCOMMIT)\nLDFLAGSSTRING +=-X main.version=v1\nLDFLAGS := -ldflags \"$(LDFLAGSSTRING)\"\n\nrelease:\n\tCGO_ENABLED=0 go build -trimpath $(LDFLAGS) -o dist/app-linux .\n\tCGO_ENABLED=0 GOARCH=arm64 go build -trimpath $(LDFLAGS) -o dist/app-arm64 .\n\tgh release upload v1 dist/app-linux dist/app-arm64\n";
    let main = "package main\n\nvar version string\n\nfunc main() { println(version) }\n";
    let found = check(&[("go.mod", GO_MOD), ("main.go", main), ("Makefile", make)]);
    assert_eq!(rules(&found), [("x-flag-unknown-target", "Makefile:2")], "{found:#?}");
    let good = make.replace("main.GitCommit", "main.version");
    assert!(check(&[("go.mod", GO_MOD), ("main.go", main), ("Makefile", &good)]).is_empty());
}

/// An image a workflow named for tests pushes (`docker-build-e2e-node.yml`, a node image for
/// end-to-end tests) is a test image; the same push from a release workflow ships it.
#[test]
fn an_image_a_test_workflow_pushes_is_for_tests() {
    let workflow = "on:\n  push:\n    tags: ['v*']\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker/build-push-action@v6\n        with:\n          context: .\n          file: ./test/e2e/docker/Dockerfile\n          push: true\n          tags: acme/node:${{ github.ref_name }}\n";
    let image = "FROM golang:1.27 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -o /node .\nFROM debian:12-slim\nCOPY --from=build /node /usr/bin/node\nENTRYPOINT [\"/usr/bin/node\"]\n";
    let files = |name: &str| {
        check_in_module(&[
            (&format!(".github/workflows/{name}") as &str, workflow),
            ("test/e2e/docker/Dockerfile", image),
        ])
    };
    let found = files("docker-build-e2e-node.yml");
    assert!(places(&found, "root-final-image").is_empty(), "{found:#?}");
    let found = files("docker-publish.yml");
    assert_eq!(places(&found, "root-final-image"), ["test/e2e/docker/Dockerfile:5"], "{found:#?}");
}

/// goreleaser's cross-compiling image runs goreleaser with the Go release its tag names
/// (`goreleaser-cross:v1.25.7`): a release run in it builds with that Go; a snapshot run
/// releases nothing.
#[test]
fn a_goreleaser_cross_image_builds_with_the_go_its_tag_names() {
    let make = |tag: &str| {
        format!(
            "GORELEASER_IMAGE := ghcr.io/goreleaser/goreleaser-cross:{tag}\n\nrelease-local:\n\tdocker run --rm -v `pwd`:/src -w /src $(GORELEASER_IMAGE) release --snapshot --clean\n\nci-release:\n\tdocker run --rm -e GITHUB_TOKEN=$(GITHUB_TOKEN) -v `pwd`:/src -w /src $(GORELEASER_IMAGE) release --clean\n"
        )
    };
    let config = "version: 2\nbuilds:\n  - env: [CGO_ENABLED=0]\n    flags: [-trimpath]\n    goos: [linux]\n    ldflags:\n      - -X main.buildDate={{.CommitDate}}\n";
    let found = check_in_module(&[("Makefile", &make("v1.25.7")), (".goreleaser.yaml", config)]);
    assert_eq!(rules(&found), [("toolchain-unsupported", "Makefile:7")], "{found:#?}");
    assert!(found[0].2.contains("goreleaser-cross:v1.25.7"), "{}", found[0].2);
    let found = check_in_module(&[("Makefile", &make("v1.27.3")), (".goreleaser.yaml", config)]);
    assert!(found.is_empty(), "{found:#?}");
}

/// A target with the release's `-s -w` that only a CI job for tests runs (`make windows-amd64`
/// in unit-tests.yml) is no release when a release job runs other targets of the file (`make
/// clients`); alone, stripping still says it ships.
#[test]
fn a_stripped_target_only_tests_run_beside_the_released_ones() {
    let make = "LDFLAGS = -ldflags \"-s -w\"\nwindows-amd64:\n\tGOOS=windows GOARCH=amd64 go build -trimpath $(LDFLAGS) -o app.exe .\nclients:\n\tGOOS=linux GOARCH=arm64 go build -trimpath $(LDFLAGS) -o app_linux-arm64 .\n";
    let tests = "on:\n  push:\n    branches: [main]\njobs:\n  windows:\n    runs-on: windows-latest\n    steps:\n      - run: make windows-amd64\n";
    let release = release_workflow("ubuntu-latest", "make clients", "app_linux-arm64");
    let found = check_in_module(&[
        ("Makefile", make),
        (".github/workflows/unit-tests.yml", tests),
        (".github/workflows/release.yml", &release),
    ]);
    assert_eq!(places(&found, "stripped-without-symbols"), ["Makefile:5"], "{found:#?}");
    let found = check_in_module(&[("Makefile", make), (".github/workflows/unit-tests.yml", tests)]);
    assert_eq!(places(&found, "stripped-without-symbols"), ["Makefile:3", "Makefile:5"], "{found:#?}");
}

/// A CI step whose working directory is another checkout (`/home/runner/work/app-plugin`) runs
/// that repository's Makefile, not this one's; GitHub's workspace (`/home/runner/work/app/app`)
/// is this repository.
#[test]
fn a_step_in_another_checkout_runs_another_repositorys_files() {
    let make = "default:\n\tgo build -o bin/app .\n";
    let workflow = |dir: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - working-directory: {dir}\n        run: make default\n      - uses: softprops/action-gh-release@v2\n        with:\n          files: bin/app\n"
        )
    };
    let at = ".github/workflows/release.yml";
    let found = check_in_module(&[("Makefile", make), (at, &workflow("/home/runner/work/app-plugin"))]);
    assert!(found.is_empty(), "{found:#?}");
    let found = check_in_module(&[("Makefile", make), (at, &workflow("/home/runner/work/app/app"))]);
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:2"], "{found:#?}");
}

/// `docker buildx bake` builds the stages its bake file's targets name (a group of them by
/// default): each is an image, judged as one; a stage no target names is not.
#[test]
fn a_bake_file_builds_the_stages_its_targets_name() {
    let image = "FROM golang:1.27 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -o /out/ .\nFROM alpine:3.20 AS node-target\nCOPY --from=build /out/app /usr/bin/node\nENTRYPOINT [\"/usr/bin/node\"]\nFROM alpine:3.20 AS batcher-target\nCOPY --from=build /out/app /usr/bin/batcher\nUSER 65532\nENTRYPOINT [\"/usr/bin/batcher\"]\nFROM alpine:3.20 AS debug\nCOPY --from=build /out/app /usr/bin/app\n";
    let bake = "group \"default\" {\n  targets = [\"node\", \"batcher\"]\n}\ntarget \"base\" {\n  context = \".\"\n  dockerfile = \"ops/Dockerfile\"\n}\ntarget \"node\" {\n  inherits = [\"base\"]\n  target = \"node-target\"\n}\ntarget \"batcher\" {\n  inherits = [\"base\"]\n  target = \"batcher-target\"\n}\n";
    let workflow = "on:\n  push:\n    tags: ['v*']\njobs:\n  images:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker buildx bake --push -f docker-bake.hcl\n";
    let files = [("ops/Dockerfile", image), ("docker-bake.hcl", bake), (".github/workflows/images.yml", workflow)];
    let found = check_in_module(&files);
    assert_eq!(places(&found, "root-final-image"), ["ops/Dockerfile:5"], "{found:#?}");
    // Without the bake file, the last stage is the image.
    let found = check_in_module(&[files[0], files[2]]);
    assert_eq!(places(&found, "root-final-image"), ["ops/Dockerfile:12"], "{found:#?}");
}

/// A push of the tag an image build gives, in another target that runs it first (`release:
/// build-image` then `docker push $(IMAGE):$(GIT_HASH)`), publishes that image.
#[test]
fn a_push_by_the_built_tag_publishes_the_image() {
    let make = "IMAGE := acme/app\nGIT_HASH := $(shell git rev-parse --short HEAD)\nbuild-image:\n\tdocker buildx build -t $(IMAGE):$(GIT_HASH) --load .\nrelease-image: build-image\n\tdocker push $(IMAGE):$(GIT_HASH)\n";
    let image = scratch_image("golang:1.26.3", "go build -o /out/app .", "/out/app");
    let found = check_in_module(&[("Makefile", make), ("Dockerfile", &image)]);
    let untrimmed: Vec<&str> = found.iter().filter(|f| f.0 == "untrimmed-paths").map(|f| f.2.as_str()).collect();
    assert!(matches!(untrimmed.as_slice(), [m] if m.contains("Makefile:4 publishes")), "{found:#?}");

    // Pushed by another tag, it is not known to be the image built here.
    let other = make.replace("docker push $(IMAGE):$(GIT_HASH)", "docker push $(IMAGE):latest");
    let found = check_in_module(&[("Makefile", &other), ("Dockerfile", &image)]);
    assert!(!found.iter().any(|f| f.2.contains("publishes")), "{found:#?}");
}

/// Other modules' programs that a release target's prerequisite installs into GOPATH (`deps:
/// go install github.com/x/goxz/cmd/goxz`), even under the release's GOOS, are tools.
#[test]
fn tools_a_prerequisite_installs_do_not_ship() {
    let make = "deps:\n\tgo install github.com/acme/gen/cmd/gen\nbuild: deps\n\tgo build -trimpath -o build/app .\npackage: \n\tGOOS=linux GOARCH=arm64 make build\n\ttar czf app-arm64.tgz build/app\n";
    let found = check_in_module(&[("Makefile", make)]);
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");

    let own = make.replace("go install github.com/acme/gen/cmd/gen", "go install ./cmd/gen");
    let found = check_in_module(&[("Makefile", &own), ("cmd/gen/main.go", "package main\n\nfunc main() {}\n")]);
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:2"], "{found:#?}");
}

/// After `cd wix`, `-o ../build/helper.exe` writes the workspace's `build/`, which the job's
/// artifact keeps.
#[test]
fn an_output_after_cd_is_kept_by_its_workspace_path() {
    let wf = "on:\n  push:\n    tags: ['v*']\njobs:\n  windows:\n    runs-on: windows-latest\n    steps:\n      - run: |\n          mkdir build\n          cd wix\n          go build -o ../build/helper.exe ./helper\n      - uses: actions/upload-artifact@v4\n        with:\n          path: build/\n";
    let helper = "package main\n\nfunc main() {}\n";
    let found = check_in_module(&[(".github/workflows/release.yml", wf), ("wix/helper/main.go", helper)]);
    assert_eq!(places(&found, "untrimmed-paths"), [".github/workflows/release.yml:11"], "{found:#?}");

    let elsewhere = wf.replace("path: build/", "path: logs/");
    let found = check_in_module(&[(".github/workflows/release.yml", &elsewhere), ("wix/helper/main.go", helper)]);
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");
}

/// `go mod tidy` in a prerequisite of a target whose build a release job keeps rewrites the
/// module graph that release is built from; a `git diff --exit-code` after it checks it.
#[test]
fn tidy_in_a_prerequisite_of_a_release_build_drifts() {
    let make = "credits:\n\tgo mod tidy\n\ncross: credits\n\tGOOS=linux go build -trimpath -o dist/app-linux .\n";
    let wf = release_workflow("ubuntu-latest", "make cross", "dist/*");
    let found = check_in_module(&[("Makefile", make), (".github/workflows/release.yml", &wf)]);
    assert_eq!(places(&found, "module-graph-drift"), ["Makefile:2"], "{found:#?}");

    let checked = make.replace("go mod tidy\n", "go mod tidy\n\tgit diff --exit-code go.mod go.sum\n");
    let found = check_in_module(&[("Makefile", &checked), (".github/workflows/release.yml", &wf)]);
    assert!(places(&found, "module-graph-drift").is_empty(), "{found:#?}");
}

/// A CI job that tidies and opens a pull request with the change builds nothing from it.
#[test]
fn tidy_that_opens_a_pull_request_is_reviewed() {
    let wf = "on:\n  push:\n    branches: [main]\njobs:\n  tidy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: go mod tidy\n      - uses: peter-evans/create-pull-request@v7\n      - run: gh pr merge --auto tidy\n";
    let found = check_in_module(&[(".github/workflows/tidy.yml", wf)]);
    assert!(places(&found, "module-graph-drift").is_empty(), "{found:#?}");

    let pushed = wf.replace("      - uses: peter-evans/create-pull-request@v7\n", "      - run: make release\n");
    let found = check_in_module(&[(".github/workflows/tidy.yml", &pushed)]);
    assert_eq!(places(&found, "module-graph-drift"), [".github/workflows/tidy.yml:9"], "{found:#?}");
}

/// goxz packs each target into `<-d>/<-n>_<os>_<arch>.zip` (`.tar.gz` for linux): a release
/// that keeps `snapshot/*.zip` keeps its darwin builds.
#[test]
fn goxz_archives_are_what_a_release_keeps() {
    let make = "archives:\n\tgoxz -os=linux,darwin -arch=amd64 -d ./snapshot -n app .\n";
    let wf = "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make archives\n      - run: gh release upload ${{ github.ref_name }} snapshot/*.zip\n";
    let found = check_in_module(&[("Makefile", make), (".github/workflows/release.yml", wf)]);
    assert_eq!(places(&found, "macos-not-notarized"), ["Makefile:2"], "{found:#?}");

    let linux_only = wf.replace("snapshot/*.zip", "snapshot/*.tar.gz");
    let found = check_in_module(&[("Makefile", make), (".github/workflows/release.yml", &linux_only)]);
    assert!(places(&found, "macos-not-notarized").is_empty(), "{found:#?}");
}

/// A job whose build image is `goreleaser-cross:v1.22.4` but that installs Go with setup-go
/// builds with setup-go's Go; a snapshot run in that image releases nothing.
#[test]
fn setup_go_decides_the_go_of_a_job_in_a_build_image() {
    let wf = "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    container:\n      image: goreleaser/goreleaser-cross:v1.22.4\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.27.1'\n      - uses: goreleaser/goreleaser-action@v6\n        with:\n          args: release --clean\n";
    let goreleaser = "version: 2\nbuilds:\n  - flags: [-trimpath]\n    ldflags: ['-X main.buildDate={{.CommitDate}}']\n    goos: [linux]\n";
    let go_mod = "module example.com/app\n\ngo 1.27.0\n";
    let files = |wf: &str, make: &str| {
        check(&[
            ("go.mod", go_mod),
            ("main.go", MAIN),
            (".goreleaser.yaml", goreleaser),
            (".github/workflows/release.yml", wf),
            ("Makefile", make),
        ])
    };
    let snapshot = "cross:\n\tdocker run --rm -v $(PWD):/src -w /src goreleaser/goreleaser-cross:v1.22.4 release --snapshot --clean\n";
    let found = files(wf, snapshot);
    let said: Vec<&str> = found
        .iter()
        .filter(|f| f.0.starts_with("toolchain") || f.0 == "module-graph-drift")
        .map(|f| f.1.as_str())
        .collect();
    assert!(said.is_empty(), "{found:#?}");

    let released = snapshot.replace("release --snapshot --clean", "release --clean");
    let found = files(wf, &released);
    assert_eq!(places(&found, "module-graph-drift"), ["Makefile:2"], "{found:#?}");
}

/// A glob loop (`for i in app-*; do tar -c $i ...`) packs each build the pattern names, in a
/// job that attaches the archives to a release.
#[test]
fn a_glob_loop_packs_the_builds_it_names() {
    let make = "cc-%:\n\t$(eval GOOS := $(word 1,$(subst -, ,$*)))\n\t$(eval GOARCH := $(word 2,$(subst -, ,$*)))\n\tenv GOOS=$(GOOS) GOARCH=$(GOARCH) go build -trimpath -o app-$(GOOS)-$(GOARCH) .\nall-platforms: cc-darwin-arm64 cc-linux-amd64\n";
    let wf = "name: Test\non:\n  push:\n    branches: [main]\n  release:\n    types: [published]\njobs:\n  cross-compile:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make all-platforms\n      - run: |\n          mkdir -p artifacts\n          for i in app-*; do tar -c $i | gzip -n - > artifacts/$i.tar.gz; done\n      - uses: AButler/upload-release-assets@v4.0.0\n        if: github.event_name == 'release'\n        with:\n          files: 'artifacts/*'\n";
    let found = check_in_module(&[("Makefile", make), (".github/workflows/test.yml", wf)]);
    assert_eq!(places(&found, "macos-not-notarized"), ["Makefile:4"], "{found:#?}");

    // Run on branch pushes only, packing for nothing that is kept: a check.
    let branch_only = wf.replace("  release:\n    types: [published]\n", "");
    let no_upload = &branch_only[..branch_only.find("      - uses: AButler").unwrap_or(branch_only.len())];
    let found = check_in_module(&[("Makefile", make), (".github/workflows/test.yml", no_upload)]);
    assert!(places(&found, "macos-not-notarized").is_empty(), "{found:#?}");
}

/// `COPY Makefile /src/Makefile` puts the context's Makefile at `/src`: `make -C /src app` runs
/// it, and what it builds is in the image.
#[test]
fn files_copied_one_by_one_are_found_where_the_image_has_them() {
    let make = "app:\n\tgo build -o app .\n";
    let image = "FROM golang:1.26.3-alpine AS build\nCOPY Makefile /src/Makefile\nCOPY go.mod main.go /src/\nRUN make -C /src app\nFROM scratch\nCOPY --from=build /src/app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n";
    let found = check_in_module(&[("Makefile", make), ("Dockerfile", image)]);
    assert_eq!(places(&found, "untrimmed-paths"), ["Makefile:2"], "{found:#?}");

    let elsewhere = image.replace("COPY Makefile /src/Makefile", "COPY Makefile /etc/Makefile");
    let found = check_in_module(&[("Makefile", make), ("Dockerfile", &elsewhere)]);
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");
}

/// A packaging target that packs the build folder into an archive (`package-tar: $(TAR) czf
/// ... ./build`, with GNU tar as `tar` or `gtar`) releases what the platform targets build there.
#[test]
fn a_packaging_target_that_packs_the_build_folder_releases_it() {
    let make = "TAR ?= tar\nGNU := $(shell $(TAR) --version | grep -c GNU)\nifeq ($(GNU),0)\n  TAR := gtar\nendif\nV := $(shell git describe)\nbuild-darwin-arm64:\n\tGOOS=darwin GOARCH=arm64 go build -trimpath -o build/$(V)/darwin/arm64/app .\npackage-tar:\n\t$(TAR) -czf dist/app.tar.gz ./build ./README.md\n";
    let found = check_in_module(&[("Makefile", make)]);
    assert_eq!(places(&found, "macos-not-notarized"), ["Makefile:8"], "{found:#?}");

    let looks = make.replace("$(TAR) -czf dist/app.tar.gz ./build ./README.md", "ls -l ./build");
    let found = check_in_module(&[("Makefile", &looks)]);
    assert!(places(&found, "macos-not-notarized").is_empty(), "{found:#?}");
}

/// `goreleaser continue --merge` publishes what split runs built: the Go its job installs
/// builds nothing.
#[test]
fn a_job_that_merges_split_goreleaser_runs_builds_nothing() {
    let go_mod = "module example.com/app\n\ngo 1.27.0\n";
    let goreleaser = "version: 2\nbuilds:\n  - flags: [-trimpath]\n    ldflags: ['-X main.buildDate={{.CommitDate}}']\n    goos: [linux]\n";
    let wf = |args: &str| {
        format!(
            "on:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.24'\n      - uses: goreleaser/goreleaser-action@v6\n        with:\n          distribution: goreleaser-pro\n          args: {args}\n"
        )
    };
    let run = |args: &str| {
        let wf = wf(args);
        check(&[
            ("go.mod", go_mod),
            ("main.go", MAIN),
            (".goreleaser.yaml", goreleaser),
            (".github/workflows/release.yml", &wf),
        ])
    };
    let found = run("continue --merge");
    assert!(places(&found, "module-graph-drift").is_empty(), "{found:#?}");
    let found = run("release --clean");
    assert_eq!(places(&found, "module-graph-drift"), [".github/workflows/release.yml:11"], "{found:#?}");
}

/// A CI job that runs a script of the tests (`test/lib/make-ctn.sh`) and saves its image for
/// later test jobs ships nothing, whatever Go it installs.
#[test]
fn a_job_running_a_test_script_ships_nothing() {
    let script = "#!/bin/sh\ngo build -o app .\ndocker build -t app-test .\n";
    let wf = "on: [push, pull_request]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-go@v5\n        with:\n          go-version: stable\n      - run: |\n          test/lib/make-ctn.sh\n          docker save app-test > app.tar\n      - uses: actions/upload-artifact@v4\n        with:\n          path: app.tar\n";
    let found = check_in_module(&[("test/lib/make-ctn.sh", script), (".github/workflows/ci.yml", wf)]);
    assert!(places(&found, "module-graph-drift").is_empty(), "{found:#?}");

    let release = wf.replace("test/lib/make-ctn.sh", "scripts/make-image.sh");
    let found = check_in_module(&[("scripts/make-image.sh", script), (".github/workflows/ci.yml", &release)]);
    assert_eq!(places(&found, "module-graph-drift"), [".github/workflows/ci.yml:9"], "{found:#?}");
}

/// `case "$CRAFT_ARCH_BUILD_FOR"` (a variable the file never sets) with a `*) exit 1` arm is a
/// switch on what the caller gives, not an exit: the build after it runs.
#[test]
fn a_case_on_a_callers_variable_does_not_exit() {
    let script = "#!/bin/sh\ncase \"${TARGET_ARCH}\" in\n  amd64) GOARCH=amd64 ;;\n  *) echo unsupported; exit 1 ;;\nesac\ngo build -o dist/app .\n";
    let found = check_in_module(&[("build.sh", script)]);
    assert_eq!(places(&found, "untrimmed-paths"), ["build.sh:6"], "{found:#?}");

    let set = script.replace("#!/bin/sh\n", "#!/bin/sh\nTARGET_ARCH=riscv64\n");
    let found = check_in_module(&[("build.sh", &set)]);
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");
}

/// An image pushed by a job of `test.yml` that releases and tag pushes run is published, whatever
/// the workflow file is named; pushed from one that only branch pushes run, for tests.
#[test]
fn an_image_a_test_workflow_pushes_on_releases_is_published() {
    let image = scratch_image("golang:1.26.3", "go build -o /out/app .", "/out/app");
    let wf = "name: Test\non:\n  push:\n    branches: [main]\n  release:\n    types: [published]\njobs:\n  docker:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: acme/app:latest\n";
    let found = check_in_module(&[("Dockerfile", &image), (".github/workflows/test.yml", wf)]);
    assert!(found.iter().any(|f| f.0 == "untrimmed-paths" && f.2.contains("test.yml:12 publishes")), "{found:#?}");

    let branches = wf.replace("  release:\n    types: [published]\n", "");
    let found = check_in_module(&[("Dockerfile", &image), (".github/workflows/test.yml", &branches)]);
    assert!(!found.iter().any(|f| f.2.contains("publishes")), "{found:#?}");
}

/// A Go builder image the project pushes for its CI (`build-image/`, golang plus tools) says
/// nothing of which program images it publishes; a pushed program image does.
#[test]
fn a_pushed_builder_image_says_nothing_of_the_program_images() {
    let make = "build-image:\n\tdocker build -t acme/build-image:$(TAG) build-image/\npush-build-image: build-image\n\tdocker push acme/build-image:$(TAG)\n";
    let builder = "FROM golang:1.26.3\nRUN apt-get update && apt-get install -y protobuf-compiler\nCOPY build.sh /build.sh\nENTRYPOINT [\"/build.sh\"]\n";
    let program = "FROM alpine:3.20\nCOPY bin/app /app\nENTRYPOINT [\"/app\"]\n";
    let files = |builder: &str| {
        check_in_module(&[("Makefile", make), ("build-image/Dockerfile", builder), ("cmd/app/Dockerfile", program)])
    };
    let found = files(builder);
    assert_eq!(places(&found, "root-final-image"), ["cmd/app/Dockerfile:1"], "{found:#?}");

    let product = "FROM alpine:3.20\nCOPY bin/tool /tool\nUSER 65532\nENTRYPOINT [\"/tool\"]\n";
    let found = files(product);
    assert!(places(&found, "root-final-image").is_empty(), "{found:#?}");
}

/// A program a step builds after `cd` and then runs itself (`cd cmd/gf; go build main.go;
/// ./main install`) is a tool, though the job's artifact holds its folder.
#[test]
fn a_program_run_after_cd_is_a_tool_whatever_the_artifact_holds() {
    let wf = "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          cd tools/gen\n          go build -o ../../out/gen .\n          ../../out/gen docs\n      - uses: actions/upload-artifact@v4\n        with:\n          path: out/\n";
    let generator = "package main\n\nfunc main() {}\n";
    let found = check_in_module(&[(".github/workflows/release.yml", wf), ("tools/gen/main.go", generator)]);
    assert!(places(&found, "untrimmed-paths").is_empty(), "{found:#?}");

    let kept = wf.replace("          ../../out/gen docs\n", "");
    let found = check_in_module(&[(".github/workflows/release.yml", &kept), ("tools/gen/main.go", generator)]);
    assert_eq!(places(&found, "untrimmed-paths"), [".github/workflows/release.yml:10"], "{found:#?}");
}

/// A key stamped from random bytes (`$(shell head -c 100 /dev/urandom | base64)`) differs on
/// every build as a clock stamp does.
#[test]
fn a_random_stamp_is_not_reproducible() {
    let make = |key: &str| {
        format!(
            "KEY := {key}\nrelease:\n\tGOOS=linux go build -trimpath -ldflags \"-X main.buildDate=$(KEY)\" -o dist/app .\n\ttar czf app.tgz dist/app\n"
        )
    };
    let found = check_in_module(&[("Makefile", &make("$(shell head -c 100 /dev/urandom | base64 | head -c 32)"))]);
    assert_eq!(places(&found, "non-reproducible-build"), ["Makefile:3"], "{found:#?}");
    assert!(found[0].2.contains("a random source"), "{}", found[0].2);

    let found = check_in_module(&[("Makefile", &make("0123456789abcdef"))]);
    assert!(places(&found, "non-reproducible-build").is_empty(), "{found:#?}");
}
