//! `shiplint check` on build definitions: every rule fires on the defect, at the exact line and
//! column, stays silent on realistic correct setups, and its fix removes the finding and nothing
//! else.

mod common;

use common::{TempDir, project, shiplint};
use serde_json::Value;
use std::fs;
use std::path::Path;

/// (code, "path:line:col") of each finding of `check --format json ARGS` run in `dir`, and the status.
fn findings(dir: &Path, args: &[&str]) -> (i32, Vec<(String, String)>, Value) {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    let (status, found, doc) = common::check_json(dir, &args);
    let list = found
        .iter()
        .map(|f| {
            let l = &f["location"];
            let at = match l.get("span") {
                Some(s) => format!("{}:{}:{}", l["path"].as_str().unwrap(), s["start_line"], s["start_column"]),
                None => l["path"].as_str().unwrap().to_string(),
            };
            (f["code"].as_str().unwrap().to_string(), at)
        })
        .collect();
    (status, list, doc)
}

fn codes_at(dir: &Path) -> Vec<(String, String)> {
    findings(dir, &["."]).1
}

const SEED_DOCKERFILE: &str = "FROM golang:1.27 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/api ./cmd/api
FROM alpine:3.20
COPY --from=build /out/api /api
ENTRYPOINT [\"/api\"]
";

const SEED_LOOP: &str = "#!/bin/sh
for target in linux/amd64 linux/arm64 darwin/arm64; do
  GOOS=${target%/*} GOARCH=${target#*/} go build -trimpath -o bin/api ./cmd/api
done
";

#[test]
fn seed_dockerfile_defects_with_exact_spans() {
    let p = project(&[("Dockerfile", SEED_DOCKERFILE)]);
    let got = codes_at(p.path());
    assert_eq!(
        got,
        [
            ("SL002".to_string(), "Dockerfile:4:5".to_string()),
            ("SL204".to_string(), "Dockerfile:4:5".to_string()),
            ("SL202".to_string(), "Dockerfile:5:6".to_string()),
        ]
    );
}

#[test]
fn cross_build_overwrite_names_the_colliding_targets() {
    let p = project(&[("scripts/release.sh", SEED_LOOP)]);
    let (status, got, doc) = findings(p.path(), &["."]);
    assert_eq!(status, 1);
    // A release script that builds darwin/arm64 and notarizes nothing (SL106), besides the overwrite.
    let codes = [("SL106", "scripts/release.sh:3:3"), ("SL008", "scripts/release.sh:3:63")];
    assert_eq!(got, codes.map(|(c, at)| (c.to_string(), at.to_string())));
    let message = doc["findings"][1]["message"].as_str().unwrap();
    assert!(message.contains("linux/amd64, linux/arm64, darwin/arm64"), "{message}");
    // -o dir/ still collides: every non-windows target writes dir/api. Per-target names do not.
    let dir_out = SEED_LOOP.replace("-o bin/api", "-o bin/");
    let p = project(&[("release.sh", &dir_out)]);
    let (_, _, doc) = findings(p.path(), &["."]);
    let overwrite = doc["findings"].as_array().unwrap().iter().find(|f| f["code"] == "SL008").unwrap();
    assert!(
        overwrite["message"]
            .as_str()
            .unwrap()
            .contains("3 iterations write bin/api: linux/amd64, linux/arm64, darwin/arm64")
    );
    let good = SEED_LOOP.replace("-o bin/api", "-o \"bin/api-${target%/*}-${target#*/}\"");
    let codes: Vec<String> = codes_at(project(&[("release.sh", &good)]).path()).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, ["SL106"], "only the notarization a release script of darwin builds lacks");
}

#[test]
fn windows_output_without_exe() {
    let script = "for os in linux windows; do GOOS=$os GOARCH=amd64 go build -trimpath -o dist/api-$os-amd64 .; done\n";
    let p = project(&[("build.sh", script)]);
    let (_, got, doc) = findings(p.path(), &["."]);
    assert_eq!(got.len(), 1);
    assert!(doc["findings"][0]["message"].as_str().unwrap().contains("dist/api-windows-amd64 without .exe"));
    let good = script.replace("dist/api-$os-amd64", "dist/api-$os-amd64$([ $os = windows ] && echo .exe)");
    let (_, got, _) = findings(project(&[("build.sh", &good)]).path(), &["."]);
    assert!(got.is_empty(), "an unknown output is not judged: {got:?}");
    // A Windows image starts its program by path: CreateProcess adds no .exe to a path.
    let in_module = |name: &str, dockerfile: &str| {
        let files = [
            (name, dockerfile),
            ("go.mod", "module example.com/api\n\ngo 1.27\n"),
            ("main.go", "package main\n\nfunc main() {}\n"),
        ];
        findings(project(&files).path(), &["."]).1
    };
    let image = "FROM golang:1.27.3 AS build\nENV GOOS=windows GOARCH=amd64 CGO_ENABLED=0\nWORKDIR /src\nCOPY . .\nRUN go build -trimpath -o build/api .\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCOPY --from=build /src/build/api /api\nENTRYPOINT [\"/api\"]\n";
    let got = in_module("Dockerfile.windows", image);
    assert!(got.iter().all(|(code, _)| code != "SL008"), "{got:?}");
    // A Linux image that carries the windows binary as a file for downloads ships that name.
    let carried = "FROM golang:1.27.3 AS build\nWORKDIR /src\nCOPY . .\nRUN GOOS=windows GOARCH=amd64 go build -trimpath -o build/api-windows .\nFROM alpine:3.20\nCOPY --from=build /src/build/api-windows /srv/downloads/api-windows\nUSER 65532\nENTRYPOINT [\"httpd\", \"-f\", \"-h\", \"/srv\"]\n";
    let got = in_module("Dockerfile", carried);
    assert!(got.iter().any(|(code, _)| code == "SL008"), "{got:?}");
}

#[test]
fn non_reproducible_build_traces_variables() {
    let script = "#!/usr/bin/env bash\nBUILD_TIME=$(date -u +%FT%TZ)\ngo build -trimpath -ldflags \"-X main.built=${BUILD_TIME}\" -o bin/api .\n";
    let (_, got, doc) = findings(project(&[("release", script)]).path(), &["."]);
    assert_eq!(got, [("SL009".to_string(), "release:3:30".to_string())]);
    assert!(doc["findings"][0]["message"].as_str().unwrap().contains("$BUILD_TIME (= $(date -u +%FT%TZ))"));
    let good = script.replace("$(date -u +%FT%TZ)", "$(git log -1 --format=%cI)");
    assert!(codes_at(project(&[("release", &good)]).path()).is_empty());
    let epoch = script.replace("$(date -u +%FT%TZ)", "$(date -u -d @${SOURCE_DATE_EPOCH} +%FT%TZ)");
    assert!(codes_at(project(&[("release", &epoch)]).path()).is_empty());
}

#[test]
fn toolchain_unpinned_and_root_images() {
    let single = "FROM golang\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -o /api .\nUSER nobody\nCMD [\"/api\"]\n";
    let got = codes_at(project(&[("Dockerfile", single)]).path());
    assert_eq!(
        got,
        [("SL201".to_string(), "Dockerfile:1:6".to_string()), ("SL203".to_string(), "Dockerfile:1:6".to_string())]
    );
    let root = "FROM golang:1.27.4 AS b\nRUN CGO_ENABLED=0 go build -trimpath -o /api .\nFROM scratch\nCOPY --from=b /api /api\nUSER root\nENTRYPOINT [\"/api\"]\n";
    assert_eq!(
        codes_at(project(&[("Dockerfile", root)]).path()),
        [("SL202".to_string(), "Dockerfile:5:1".to_string())]
    );
    // Root on purpose: the entrypoint drops to the default PUID with su-exec. Without the tool,
    // or with PUID=0, the program runs as root.
    let alpine = |tools: &str, puid: &str| {
        format!(
            "FROM golang:1.27.4 AS b\nRUN CGO_ENABLED=0 go build -trimpath -o /api .\nFROM alpine:3.20\nRUN apk add --no-cache ca-certificates{tools}\nENV PUID={puid} PGID={puid}\nCOPY --from=b /api /api\nENTRYPOINT [\"/entrypoint.sh\", \"/api\"]\n"
        )
    };
    assert!(codes_at(project(&[("Dockerfile", &alpine(" su-exec", "1000"))]).path()).is_empty());
    for (tools, puid) in [("", "1000"), (" su-exec", "0")] {
        assert_eq!(
            codes_at(project(&[("Dockerfile", &alpine(tools, puid))]).path()),
            [("SL202".to_string(), "Dockerfile:3:6".to_string())]
        );
    }
    // sudo drops privileges too (`exec sudo -u "#$PUID" -- "$@"`), and the id may come from an
    // ARG default through the ENV; an ARG default of 0 keeps root.
    let by_arg = |uid: &str| {
        format!(
            "FROM golang:1.27.4 AS b\nRUN CGO_ENABLED=0 go build -trimpath -o /api .\nFROM ubuntu:24.04\nARG USER_UID={uid}\nRUN apt-get install -y sudo tzdata\nENV PUID=${{USER_UID}}\nCOPY --from=b /api /api\nENTRYPOINT [\"/entrypoint.sh\", \"/api\"]\n"
        )
    };
    assert!(codes_at(project(&[("Dockerfile", &by_arg("1000"))]).path()).is_empty());
    assert_eq!(
        codes_at(project(&[("Dockerfile", &by_arg("0"))]).path()),
        [("SL202".to_string(), "Dockerfile:3:6".to_string())]
    );
    // `USER ${USER_UID}` is the ARG default, unless the image builds of the scan pass the argument.
    let user_arg = |uid: &str| {
        format!(
            "FROM golang:1.27.4 AS b\nRUN CGO_ENABLED=0 go build -trimpath -o /api .\nFROM scratch\nARG USER_UID={uid}\nUSER ${{USER_UID}}:${{USER_UID}}\nCOPY --from=b /api /api\nENTRYPOINT [\"/api\"]\n"
        )
    };
    assert_eq!(
        codes_at(project(&[("Dockerfile", &user_arg("0"))]).path()),
        [("SL202".to_string(), "Dockerfile:5:1".to_string())]
    );
    assert!(codes_at(project(&[("Dockerfile", &user_arg("10001"))]).path()).is_empty());
    let passed = [("Dockerfile", user_arg("0")), ("build.sh", "docker build --build-arg USER_UID=10001 .\n".into())];
    let passed: Vec<(&str, &str)> = passed.iter().map(|(p, t)| (*p, t.as_str())).collect();
    assert!(codes_at(project(&passed).path()).is_empty());
    // Only the test build passes it: the pushed image runs as the default, root.
    let make = "publish:\n\tdocker build -t acme/api:1 .\n\tdocker push acme/api:1\nintegration:\n\tdocker build --build-arg USER_UID=$(shell id -u) -t api:test .\n";
    let partly = [("Dockerfile", user_arg("0")), ("Makefile", make.into())];
    let partly: Vec<(&str, &str)> = partly.iter().map(|(p, t)| (*p, t.as_str())).collect();
    assert_eq!(codes_at(project(&partly).path()), [("SL202".to_string(), "Dockerfile:5:1".to_string())]);
    // Windows: Nano Server runs programs as ContainerUser, Server Core as ContainerAdministrator.
    let windows = |base: &str| {
        format!(
            "FROM golang:1.27.4 AS b\nRUN go build -trimpath -o /api.exe .\nFROM {base}\nCOPY --from=b /api.exe /api.exe\nENTRYPOINT [\"/api.exe\"]\n"
        )
    };
    assert!(
        codes_at(project(&[("Dockerfile", &windows("mcr.microsoft.com/windows/nanoserver:ltsc2022"))]).path())
            .is_empty()
    );
    assert_eq!(
        codes_at(project(&[("Dockerfile", &windows("mcr.microsoft.com/windows/servercore:ltsc2022"))]).path()),
        [("SL202".to_string(), "Dockerfile:3:6".to_string())]
    );
    // The span runs from the final stage's base image to where its program starts.
    let (_, _, doc) = findings(project(&[("Dockerfile", &alpine("", "1000"))]).path(), &["."]);
    let span = &doc["findings"][0]["location"]["span"];
    assert_eq!((span["start_line"].as_u64(), span["end_line"].as_u64()), (Some(3), Some(7)), "{span}");
}

/// Correct setups shaped like real projects' files: nothing may fire.
#[test]
fn realistic_correct_setups_are_clean() {
    let cross = "# syntax=docker/dockerfile:1
ARG GO_VERSION=1.27.4
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \\
    GOOS=$TARGETOS GOARCH=$TARGETARCH \\
    go build -trimpath -o /out/api ./cmd/api

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/api /api
ENTRYPOINT [\"/api\"]
";
    let cgo_glibc = "FROM golang:1.27.4 AS build
COPY . .
RUN go build -trimpath -o /out/api ./cmd/api
FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /out/api /api
ENTRYPOINT [\"/api\"]
";
    let alpine_both = "FROM golang:1.27.4-alpine3.20 AS build
COPY . .
RUN go build -trimpath -o /out/api ./cmd/api
FROM alpine:3.20
RUN adduser -D app
COPY --from=build /out/api /api
USER app
ENTRYPOINT [\"/api\"]
";
    let release = "#!/usr/bin/env bash
set -euo pipefail
VERSION=$(git describe --tags --always)
for target in linux/amd64 linux/arm64 darwin/arm64 windows/amd64; do
  os=${target%/*}; arch=${target#*/}
  out=\"dist/api-${VERSION}-${os}-${arch}\"
  if [ \"$os\" = windows ]; then out=\"$out.exe\"; fi
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -ldflags \"-X main.version=${VERSION}\" -o \"$out\" ./cmd/api
done
ditto -c -k dist/api-${VERSION}-darwin-arm64 dist/api-darwin.zip
xcrun notarytool submit dist/api-darwin.zip --keychain-profile release --wait
go build ./...   # compile check, ships nothing
go vet ./...
";
    let p = project(&[
        ("Dockerfile", cross),
        ("deploy/cgo.Dockerfile", cgo_glibc),
        ("deploy/Dockerfile.alpine", alpine_both),
        ("scripts/release.sh", release),
        ("docs/notes.md", "go build -o x\n"),
    ]);
    let (status, got, doc) = findings(p.path(), &["."]);
    assert_eq!(got, Vec::<(String, String)>::new());
    assert_eq!(status, 0);
    assert_eq!(doc["summary"]["build_definitions"], 4);
}

#[test]
fn inline_suppression_applies_to_its_line_only() {
    let text = SEED_DOCKERFILE.replace(
        "RUN go build",
        "# shiplint: ignore[untrimmed-paths] paths are fine in this internal image\nRUN go build",
    );
    let got = codes_at(project(&[("Dockerfile", &text)]).path());
    assert!(!got.iter().any(|(c, _)| c == "SL002"), "{got:?}");
    assert!(got.iter().any(|(c, _)| c == "SL204"), "other rules on the same line still fire: {got:?}");
    let by_code = SEED_DOCKERFILE.replace("alpine:3.20", "alpine:3.20 # shiplint: ignore[SL202]");
    assert!(!codes_at(project(&[("Dockerfile", &by_code)]).path()).iter().any(|(c, _)| c == "SL202"));
}

#[test]
fn fixes_remove_their_findings_and_nothing_else() {
    let p = project(&[("Dockerfile", SEED_DOCKERFILE), ("release.sh", &SEED_LOOP.replace(" -trimpath", ""))]);
    let out = shiplint().current_dir(p.path()).args(["check", "--diff", "."]).output().unwrap();
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(diff.contains("+RUN CGO_ENABLED=0 go build -trimpath -o /out/api ./cmd/api"), "{diff}");
    assert!(!diff.contains("USER"), "the USER fix is unsafe and not shown without --unsafe-fixes");
    assert_eq!(fs::read_to_string(p.path().join("Dockerfile")).unwrap(), SEED_DOCKERFILE, "--diff writes nothing");
    let fixed = shiplint()
        .current_dir(p.path())
        .args(["check", "--fix", "--unsafe-fixes", "--format", "json", "."])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&fixed.stdout).unwrap();
    let left: Vec<&str> = doc["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(left, ["SL106", "SL008"], "only the unfixable notarization and overwrite remain");
    let dockerfile = fs::read_to_string(p.path().join("Dockerfile")).unwrap();
    let expected = SEED_DOCKERFILE
        .replace("RUN go build", "RUN CGO_ENABLED=0 go build -trimpath")
        .replace("ENTRYPOINT", "USER 65532:65532\nENTRYPOINT");
    assert_eq!(dockerfile, expected);
    let script = fs::read_to_string(p.path().join("release.sh")).unwrap();
    assert_eq!(script, SEED_LOOP, "the loop got -trimpath back, once");
}

#[test]
fn malformed_definitions_give_one_error_and_the_scan_goes_on() {
    let p = project(&[("Dockerfile", SEED_DOCKERFILE)]);
    fs::write(p.path().join("broken/Dockerfile").parent().unwrap().join("x"), "").ok();
    fs::create_dir_all(p.path().join("broken")).unwrap();
    fs::write(p.path().join("broken/Dockerfile"), b"\xff\xfe\x00garbage\x00\x01").unwrap();
    fs::write(p.path().join("broken/odd.sh"), "for x in \"unterminated; do go build -o $(\n").unwrap();
    let (status, got, doc) = findings(p.path(), &["."]);
    assert_eq!(status, 2);
    assert_eq!(doc["errors"].as_array().unwrap().len(), 1, "{doc}");
    assert!(doc["errors"][0]["message"].as_str().unwrap().contains("UTF-16 text"), "{doc}");
    assert!(got.iter().any(|(c, _)| c == "SL204"), "the good Dockerfile is still reported");
}

/// examples/seed-scenarios: each broken project shows its defect, each fixed twin is clean.
#[test]
fn seed_scenario_examples() {
    let root = shiplint_fixtures::repo_root().join("examples/seed-scenarios");
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let mut seen = 0;
    for entry in fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
        let name = entry.file_name().unwrap().to_str().unwrap().to_string();
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| {name} |")))
            .unwrap_or_else(|| panic!("{name} not in README"));
        let expected = row.split('|').nth(2).unwrap().trim();
        let out = shiplint().args(["check", "--format", "json"]).arg(entry.join("broken")).output().unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let rules: Vec<&str> =
            doc["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
        assert_eq!(rules, [expected], "{name}/broken");
        let (status, found, _) = findings(&entry.join("fixed"), &["."]);
        assert_eq!((status, found), (0, Vec::new()), "{name}/fixed");
        seen += 1;
    }
    assert!(seen >= 5);
}

const MAKEFILE: &str = "BINARY  := api
VERSION := $(shell git describe --tags --always)
BUILD_TIME := $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.built=$(BUILD_TIME)
PLATFORMS := linux/amd64 linux/arm64 darwin/arm64

.PHONY: build release
build:
\tgo build -ldflags \"$(LDFLAGS)\" -o bin/$(BINARY) ./cmd/api

release:
\t@for p in $(PLATFORMS); do \\
\t\tGOOS=$${p%/*} GOARCH=$${p#*/} go build -ldflags \"$(LDFLAGS)\" -o dist/$(BINARY) ./cmd/api; \\
\tdone
";

#[test]
fn makefile_recipes_variables_and_loops() {
    let p = project(&[("Makefile", MAKEFILE)]);
    let (_, got, doc) = findings(p.path(), &["."]);
    assert_eq!(
        got,
        [
            // the clock stamp is found where LDFLAGS writes it; `build` beside the
            // cross-compiling `release` is a local build
            ("SL009".to_string(), "Makefile:4:45".to_string()),
            ("SL002".to_string(), "Makefile:13:3".to_string()),
            ("SL106".to_string(), "Makefile:13:3".to_string()),
            ("SL003".to_string(), "Makefile:13:51".to_string()),
            ("SL008".to_string(), "Makefile:13:67".to_string()),
        ]
    );
    let messages: Vec<&str> =
        doc["findings"].as_array().unwrap().iter().map(|f| f["message"].as_str().unwrap()).collect();
    assert!(messages[0].contains("$BUILD_TIME (= $(date -u"), "{}", messages[0]);
    assert!(
        messages[4].contains("3 iterations write dist/api: linux/amd64, linux/arm64, darwin/arm64"),
        "{}",
        messages[4]
    );
    // The fix puts -trimpath into the recipe line, and only there.
    let out = shiplint().current_dir(p.path()).args(["check", "--fix", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let fixed = fs::read_to_string(p.path().join("Makefile")).unwrap();
    assert_eq!(fixed, MAKEFILE.replace("} go build -ldflags", "} go build -trimpath -ldflags"));
}

#[test]
fn realistic_makefile_is_clean() {
    let good = "# Release builds: one file per target, reproducible.
export CGO_ENABLED := 0
GOFLAGS ?= -trimpath
export GOFLAGS
VERSION ?= $(shell git describe --tags --always --dirty)
COMMIT_TIME := $(shell git log -1 --format=%cI)
LDFLAGS := -X main.version=$(VERSION) -X main.built=$(COMMIT_TIME)
PLATFORMS := linux/amd64 linux/arm64 darwin/arm64 windows/amd64

ifeq ($(OS),Windows_NT)
EXT := .exe
endif

.PHONY: all test release $(PLATFORMS)
all: test release
test:
\tgo test ./...
\tgo build ./...
release: $(PLATFORMS)
$(PLATFORMS):
\tGOOS=$(word 1,$(subst /, ,$@)) GOARCH=$(word 2,$(subst /, ,$@)) \\
\t  go build -ldflags '$(LDFLAGS)' -o dist/api-$(subst /,-,$@)$(if $(findstring windows,$@),.exe) ./cmd/api
";
    let p = project(&[("Makefile", good)]);
    let (status, got, _) = findings(p.path(), &["."]);
    assert_eq!(got, Vec::<(String, String)>::new());
    assert_eq!(status, 0);
}

#[test]
fn module_graph_drift() {
    let bad = "#!/bin/sh\nexport GOFLAGS=-mod=mod\ngo build -trimpath -o bin/api ./cmd/api\ngo build -trimpath -mod=mod -o bin/b ./cmd/b\n";
    let got = codes_at(project(&[("ci.sh", bad)]).path());
    assert_eq!(got, [("SL010".to_string(), "ci.sh:3:1".to_string()), ("SL010".to_string(), "ci.sh:4:1".to_string())]);
    let good = "#!/bin/sh\ngo build -trimpath -o bin/api ./cmd/api\ngo build -trimpath -mod=vendor -o bin/b ./cmd/b\nGOFLAGS=-mod=readonly go build -trimpath -o bin/c ./cmd/c\n";
    assert!(codes_at(project(&[("ci.sh", good)]).path()).is_empty());
}

#[test]
fn installed_go_older_than_go_mod() {
    let go_mod = "module example.com/api\n\ngo 1.27.0\n\ntoolchain go1.27.4 // newest patch\n";
    let dockerfile = |from: &str, env: &str| {
        format!(
            "FROM {from} AS build\n{env}WORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -trimpath -o /api ./cmd/api\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /api /api\nENTRYPOINT [\"/api\"]\n"
        )
    };
    let messages = |files: &[(&str, &str)]| -> Vec<(String, String)> {
        let p = project(&[files, &[("cmd/api/main.go", "package main\n")]].concat());
        let (_, _, doc) = findings(p.path(), &["."]);
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "SL010")
            .map(|f| {
                (
                    format!("{}:{}", f["location"]["span"]["start_line"], f["location"]["span"]["start_column"]),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    // An older minor in the official image, which sets GOTOOLCHAIN=local: the build fails.
    let got = messages(&[("go.mod", go_mod), ("Dockerfile", &dockerfile("golang:1.26-alpine", ""))]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "1:6");
    assert!(
        got[0].1.starts_with(
            "golang:1.26-alpine (Go 1.26) is older than `toolchain go1.27.4` in go.mod: the golang image sets \
             GOTOOLCHAIN=local, so the build fails"
        ),
        "{}",
        got[0].1
    );
    // With GOTOOLCHAIN=auto set, it switches to go1.27.4.
    let got =
        messages(&[("go.mod", go_mod), ("Dockerfile", &dockerfile("golang:1.26-alpine", "ENV GOTOOLCHAIN=auto\n"))]);
    assert!(
        got[0]
            .1
            .ends_with("with GOTOOLCHAIN=auto the build downloads that release and builds with it, not the image's Go"),
        "{got:?}"
    );
    // An exact older patch with GOTOOLCHAIN=local: the build fails.
    let got = messages(&[("go.mod", go_mod), ("Dockerfile", &dockerfile("golang:1.27.2", "ENV GOTOOLCHAIN=local\n"))]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].1.ends_with("with GOTOOLCHAIN=local the build fails"), "{}", got[0].1);
    // setup-go installing an older release than go.mod names, in a job that releases what it
    // builds; a job that only checks the build downloads the newer Go for itself alone.
    let workflow = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-go@v5\n        with:\n          go-version: '1.26.7'\n      - run: go build -trimpath -o dist/api ./cmd/api\n      - run: gh release upload v1 dist/api\n";
    let got = messages(&[("go.mod", go_mod), (".github/workflows/ci.yml", workflow)]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "8:23");
    assert!(got[0].1.starts_with("go-version: 1.26.7 is older than `toolchain go1.27.4` in go.mod"), "{}", got[0].1);
    let check_only = workflow.replace("-o dist/api ./cmd/api\n      - run: gh release upload v1 dist/api\n", "./...\n");
    assert!(messages(&[("go.mod", go_mod), (".github/workflows/ci.yml", &check_only)]).is_empty());
    // Silent: a 1.27 image may hold 1.27.4 or later; newer images; a deliberate GOTOOLCHAIN; no go.mod.
    for (from, env) in
        [("golang:1.27-alpine", ""), ("golang:1.28.1", ""), ("golang:1.26", "ENV GOTOOLCHAIN=go1.27.4\n")]
    {
        assert!(messages(&[("go.mod", go_mod), ("Dockerfile", &dockerfile(from, env))]).is_empty(), "{from}");
    }
    assert!(messages(&[("Dockerfile", &dockerfile("golang:1.26", ""))]).is_empty());
    assert!(
        messages(&[("go.mod", go_mod), (".github/workflows/ci.yml", &workflow.replace("'1.26.7'", "'1.27.4'"))])
            .is_empty()
    );
}

const WORKFLOW: &str = include_str!("data/release-workflow.yml");

#[test]
fn github_workflow_matrix_env_and_actions() {
    let p = project(&[(".github/workflows/release.yml", WORKFLOW)]);
    let (_, got, doc) = findings(p.path(), &["."]);
    let at = |line_col: &str| format!(".github/workflows/release.yml:{line_col}");
    assert_eq!(
        got,
        [
            ("SL010".to_string(), at("18:23")),
            ("SL002".to_string(), at("21:11")),
            ("SL010".to_string(), at("21:11")),
            ("SL106".to_string(), at("21:11")),
            ("SL003".to_string(), at("21:29")),
            ("SL009".to_string(), at("21:36")),
            ("SL008".to_string(), at("22:16")),
            ("SL008".to_string(), at("29:17")),
        ]
    );
    let messages: Vec<&str> =
        doc["findings"].as_array().unwrap().iter().map(|f| f["message"].as_str().unwrap()).collect();
    assert!(
        messages[3].starts_with("darwin/amd64, darwin/arm64 binaries are built here and shipped"),
        "{}",
        messages[3]
    );
    assert!(messages[6].contains("windows build writes dist/api without .exe"), "{}", messages[6]);
    assert!(messages[7].contains("6 matrix runners upload the artifact \"api\""), "{}", messages[7]);
    assert!(!messages.iter().any(|m| m.contains("iterations write")), "matrix runners do not share a disk");
    // --fix edits the block scalar in place.
    shiplint().current_dir(p.path()).args(["check", "--fix", "."]).output().unwrap();
    let fixed = fs::read_to_string(p.path().join(".github/workflows/release.yml")).unwrap();
    assert_eq!(fixed, WORKFLOW.replace("          go build -ldflags", "          go build -trimpath -ldflags"));
}

#[test]
fn realistic_workflow_is_clean() {
    let good = "name: release
on:
  push:
    tags: ['v*']
permissions:
  contents: write
jobs:
  build:
    runs-on: ${{ matrix.os }}
    strategy:
      fail-fast: false
      matrix:
        include:
          - { os: ubuntu-latest, goos: linux, goarch: amd64 }
          - { os: ubuntu-latest, goos: linux, goarch: arm64 }
          - { os: macos-latest, goos: darwin, goarch: arm64 }
          - { os: windows-latest, goos: windows, goarch: amd64, ext: .exe }
    env:
      CGO_ENABLED: '0'
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version-file: go.mod
      - name: Build
        shell: bash
        run: |
          go build -trimpath -ldflags \"-X main.version=${GITHUB_REF_NAME}\" \\
            -o \"dist/api-${{ matrix.goos }}-${{ matrix.goarch }}${{ matrix.ext }}\" ./cmd/api
        env:
          GOOS: ${{ matrix.goos }}
          GOARCH: ${{ matrix.goarch }}
      - name: Notarize
        if: matrix.goos == 'darwin'
        run: |
          ditto -c -k dist/ api-darwin.zip
          xcrun notarytool submit api-darwin.zip --apple-id \"$APPLE_ID\" --team-id \"$TEAM_ID\" --password \"$APP_PASSWORD\" --wait
      - uses: actions/upload-artifact@v4
        with:
          name: api-${{ matrix.goos }}-${{ matrix.goarch }}
          path: dist/
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: '1.27.4'
      - run: go test ./... && go build ./...
      - name: a tool the job builds and runs itself ships nothing
        run: |
          go build -o bin/gen ./cmd/gen
          ./bin/gen --out docs/
          go build .
          ./api --version
";
    let p = project(&[(".github/workflows/release.yaml", good)]);
    let (status, got, _) = findings(p.path(), &["."]);
    assert_eq!(got, Vec::<(String, String)>::new());
    assert_eq!(status, 0);
    let broken = project(&[(".github/workflows/broken.yml", "jobs: [unclosed\n")]);
    let (status, _, doc) = findings(broken.path(), &["."]);
    assert_eq!(status, 2);
    assert!(doc["errors"][0]["path"].as_str().unwrap().ends_with("broken.yml"));
}

/// A module whose build script aims -X at every kind of wrong target, and at three right ones
/// (and at a required module whose source is not at hand).
fn x_flag_project(ldflags: &str) -> TempDir {
    project(&[
        ("go.mod", "module example.com/app\n\ngo 1.27\n\nrequire github.com/x/y v1.0.0\n"),
        (
            "internal/version/version.go",
            "package version\n\nconst Version = \"dev\"\n\ntype Tag string\n\nvar Label Tag = \"x\"\n\nvar Good string\n",
        ),
        (
            "cmd/api/main.go",
            "package main\n\nimport \"fmt\"\n\nvar (\n\tcommit = readCommit()\n\tdate   string\n\tbranch = \"main\"\n\tversion = \"dev\"\n)\n\nfunc readCommit() string { return \"none\" }\n\nfunc init() {\n\tbranch = \"overwritten\"\n\tif version == \"dev\" {\n\t\tversion = \"devel\"\n\t}\n}\n\nfunc main() { fmt.Println(commit, date, branch, version) }\n",
        ),
        ("build.sh", &format!("#!/bin/sh\ngo build -trimpath -ldflags \"{ldflags}\" -o bin/api ./cmd/api\n")),
    ])
}

#[test]
fn x_flag_targets_are_checked_against_the_source() {
    let flags = "-X version.Version=v1 -X example.com/app/internal/version.Version=v1 -X example.com/app/internal/version.Label=v1 -X main.commit=abc -X main.date=today -X main.branch=b -X main.nope=1 -X github.com/x/y.V=1 -X main.version=v1 -X example.com/app/internal/version.Good=ok";
    let p = x_flag_project(flags);
    let (_, got, doc) = findings(p.path(), &["--select", "SL011,SL012,SL013,SL014", "."]);
    let col = |t: &str| format!("build.sh:2:{}", 30 + flags.find(t).unwrap());
    assert_eq!(
        got,
        [
            ("SL012".to_string(), col("version.Version=v1")),
            ("SL011".to_string(), col("example.com/app/internal/version.Version")),
            ("SL013".to_string(), col("example.com/app/internal/version.Label")),
            ("SL014".to_string(), col("main.commit")),
            ("SL014".to_string(), col("main.branch")),
            ("SL012".to_string(), col("main.nope")),
        ]
    );
    let messages: Vec<&str> =
        doc["findings"].as_array().unwrap().iter().map(|f| f["message"].as_str().unwrap()).collect();
    assert!(messages[0].contains("did you mean example.com/app/internal/version.Version?"), "{}", messages[0]);
    assert!(
        messages[1].contains("is a constant") && messages[1].contains("internal/version/version.go:3"),
        "{}",
        messages[1]
    );
    assert!(messages[2].contains("has type Tag"), "{}", messages[2]);
    assert_eq!(doc["findings"][3]["level"], "warning", "a call may be inlined: a warning");
    assert!(messages[4].contains("init() assigns branch unconditionally (cmd/api/main.go:15)"), "{}", messages[4]);
    // The guarded default for main.version, the dependency target and the correct ones are silent.
    assert!(!messages.iter().any(|m| m.contains("main.version")
        || m.contains("github.com/x/y")
        || m.contains(".Good")
        || m.contains("main.date")));
}

#[test]
fn x_flag_const_fix_turns_const_into_var() {
    let p = x_flag_project("-X example.com/app/internal/version.Version=v1");
    let out = shiplint().current_dir(p.path()).args(["check", "--fix", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "the const fix is unsafe: not applied by --fix alone");
    let out = shiplint()
        .current_dir(p.path())
        .args(["check", "--fix", "--unsafe-fixes", "--format", "json", "."])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 0, "{doc}");
    let src = fs::read_to_string(p.path().join("internal/version/version.go")).unwrap();
    assert!(src.contains("\nvar Version = \"dev\"\n") && !src.contains("const"), "{src}");
}

/// untrimmed-paths judges builds that ship; a local development build is left alone.
#[test]
fn local_builds_are_not_release_builds() {
    let p = project(&[
        ("Makefile", "build:\n\tgo build -o bin/app ./cmd/app\nrelease:\n\tgo build -o bin/app ./cmd/app\n"),
        (
            "scripts/dev.sh",
            "#!/bin/sh\ngo build -o myapp . && ./myapp\nGOOS= GOARCH= go build -o tools/gen ./cmd/gen\n",
        ),
        ("scripts/package.sh", "#!/bin/sh\ngo build -o myapp .\n"),
        // Compile checks for other platforms: the output is thrown away.
        ("scripts/cross-check.sh", "#!/bin/sh\nfor os in linux freebsd; do GOOS=$os go build -o /dev/null .; done\n"),
    ]);
    let got = codes_at(p.path());
    assert_eq!(
        got,
        [
            ("SL002".to_string(), "Makefile:4:2".to_string()),
            ("SL002".to_string(), "scripts/package.sh:2:1".to_string())
        ]
    );
}

/// Huge generated definitions are read with bounded work (a regression to quadratic time shows
/// up as a test that does not finish).
#[test]
fn huge_definitions_are_read_with_bounded_work() {
    let dockerfile: String = std::iter::once("FROM golang:1.27 AS b\n".to_string())
        .chain((0..20_000).map(|i| format!("ENV A{i}=x\nRUN go build -trimpath -o /o{i} .\n")))
        .collect();
    let makefile: String = (0..20_000)
        .map(|i| if i == 0 { "V0 := a\n".to_string() } else { format!("V{i} := $(V{}) x\n", i - 1) })
        .chain((0..20_000).map(|i| format!("t{i}:\n\tgo build -trimpath -o bin/x{i} -ldflags \"$(V{i})\" .\n")))
        .collect();
    let p = project(&[("Dockerfile", &dockerfile), ("Makefile", &makefile)]);
    let (status, _, doc) = findings(p.path(), &["--select", "SL008,SL009,SL010", "."]);
    assert_eq!(status, 0, "{}", doc["errors"]);
    assert_eq!(doc["summary"]["build_definitions"], 2);
}

#[test]
fn goreleaser_defaults_and_a_correct_config() {
    // No builds: goreleaser's defaults (no -trimpath, -X main.date={{.Date}}, darwin included).
    let p = project(&[
        ("go.mod", "module example.com/app\n\ngo 1.27\n"),
        ("main.go", "package main\n\nfunc main() {}\n"),
        (".goreleaser.yaml", "version: 2\nproject_name: app\n"),
    ]);
    let got = codes_at(p.path());
    let at = ".goreleaser.yaml:1:1".to_string();
    let expected = ["SL002", "SL003", "SL009", "SL106"].map(|code| (code.to_string(), at.clone()));
    assert_eq!(got, expected);
    // Written ldflags are checked against the source; the defaults' -X main.version is not.
    // goreleaser's `time` template function reads the clock too.
    let dated = "version: 2\nbuilds:\n  - main: .\n    flags: [-trimpath]\n    ldflags:\n      - -X main.date={{time \"2006-01-02\"}}\n    goos: [linux]\n";
    let p = project(&[
        ("go.mod", "module example.com/app\n\ngo 1.27\n"),
        ("main.go", "package main\n\nvar date string\n\nfunc main() {}\n"),
        (".goreleaser.yaml", dated),
    ]);
    assert_eq!(codes_at(p.path()), [("SL009".to_string(), ".goreleaser.yaml:6:9".to_string())]);
    let explicit = "version: 2\nbuilds:\n  - main: .\n    flags: [-trimpath]\n    ldflags:\n      - -s -w -X main.version={{.Version}}\n    goos: [linux]\n";
    let p = project(&[
        ("go.mod", "module example.com/app\n\ngo 1.27\n"),
        ("main.go", "package main\n\nconst version = \"dev\"\n\nfunc main() {}\n"),
        (".goreleaser.yaml", explicit),
    ]);
    assert_eq!(
        codes_at(p.path()),
        [
            ("SL003".to_string(), ".goreleaser.yaml:6:7".to_string()),
            ("SL011".to_string(), ".goreleaser.yaml:6:18".to_string())
        ]
    );
    let good = "version: 2
builds:
  - id: api
    main: ./cmd/api
    env: [CGO_ENABLED=0]
    flags: [-trimpath]
    ldflags:
      - -X main.version={{.Version}} -X main.date={{.CommitDate}}
    mod_timestamp: '{{ .CommitTimestamp }}'
    goos: [linux, darwin, windows]
    goarch: [amd64, arm64]
notarize:
  macos:
    - enabled: '{{ isEnvSet \"MACOS_SIGN_P12\" }}'
";
    let p = project(&[
        ("go.mod", "module example.com/app\n\ngo 1.27\n"),
        ("cmd/api/main.go", "package main\n\nvar (\n\tversion = \"dev\"\n\tdate    string\n)\n\nfunc main() {}\n"),
        (".goreleaser.yaml", good),
    ]);
    let (status, got, _) = findings(p.path(), &["."]);
    assert_eq!(got, Vec::<(String, String)>::new());
    assert_eq!(status, 0);
}

#[test]
fn goreleaser_trimpath_fix_adds_a_flags_key() {
    let config = "version: 2\nbuilds:\n  - id: api # the server\n    main: ./cmd/api\n    ldflags: [-s -w]\n    goos: [linux]\n  -\n    id: cli\n    main: ./cmd/api\n    ldflags: [-s -w]\n    goos: [linux]\n  - {id: flow, main: ./cmd/api, ldflags: [-s -w], goos: [linux]}\n  - id: listed\n    main: ./cmd/api\n    flags: [-v]\n    goos: [linux]\n  - id: block\n    main: ./cmd/api\n    flags:\n      - -v\n      - -tags=netgo\n    goos: [linux]\n";
    let p = project(&[
        ("go.mod", "module example.com/app\n\ngo 1.27\n"),
        ("cmd/api/main.go", "package main\n\nfunc main() {}\n"),
        (".goreleaser.yaml", config),
    ]);
    let sl002 = |p: &Path| codes_at(p).into_iter().filter(|(c, _)| c == "SL002").count();
    assert_eq!(sl002(p.path()), 5);
    shiplint().current_dir(p.path()).args(["check", "--fix", "."]).output().unwrap();
    let fixed = fs::read_to_string(p.path().join(".goreleaser.yaml")).unwrap();
    let expected = config
        .replace("  - id: api", "  - flags: [-trimpath]\n    id: api")
        .replace("  -\n    id: cli", "  -\n    flags: [-trimpath]\n    id: cli")
        .replace("flags: [-v]", "flags: [-trimpath, -v]")
        .replace("    flags:\n      - -v", "    flags:\n      - -trimpath\n      - -v");
    assert_eq!(fixed, expected);
    // The flow-style entry is left for the user to edit.
    assert_eq!(sl002(p.path()), 1);
}

#[test]
fn unused_suppressions_are_reported_and_no_ignores_shows_everything() {
    let text = SEED_DOCKERFILE
        .replace("RUN go build", "# shiplint: ignore[untrimmed-paths, SL203, no-such-rule] ok here\nRUN go build")
        .replace("FROM alpine:3.20", "FROM alpine:3.20 # shiplint: ignore[root-final-image]");
    let p = project(&[("Dockerfile", &text)]);
    let (_, got, doc) = findings(p.path(), &["."]);
    assert_eq!(
        got,
        [
            ("SL900".to_string(), "Dockerfile:4:1".to_string()),
            ("SL900".to_string(), "Dockerfile:4:1".to_string()),
            ("SL204".to_string(), "Dockerfile:5:5".to_string()),
        ]
    );
    let messages: Vec<&str> =
        doc["findings"].as_array().unwrap().iter().map(|f| f["message"].as_str().unwrap()).collect();
    assert!(messages[0].contains("ignore[SL203] suppresses nothing"), "{}", messages[0]);
    assert!(messages[1].contains("ignore[no-such-rule] names no rule"), "{}", messages[1]);
    let (_, all, _) = findings(p.path(), &["--no-ignores", "."]);
    let codes: Vec<&str> = all.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["SL002", "SL204", "SL202"]);
}

#[test]
fn ci_jobs_that_rewrite_go_mod() {
    let wf = "on: push
jobs:
  tidy:
    runs-on: ubuntu-latest
    steps:
      - run: go mod tidy
      - run: git diff --exit-code go.mod go.sum
  drift:
    runs-on: ubuntu-latest
    steps:
      - run: |
          go get -u ./...
          go mod download -x
          go mod edit -go=1.28
      - run: docker build -t example/app .
  test:
    runs-on: ubuntu-latest
    steps:
      - run: go mod tidy
      - run: go test ./...
";
    // The test job ships nothing built from what go mod tidy rewrote.
    let (_, got, doc) = findings(project(&[(".github/workflows/ci.yml", wf)]).path(), &["."]);
    assert_eq!(
        got,
        [
            ("SL010".to_string(), ".github/workflows/ci.yml:12:11".to_string()),
            ("SL010".to_string(), ".github/workflows/ci.yml:14:11".to_string())
        ]
    );
    assert!(doc["findings"][0]["message"].as_str().unwrap().contains("go get in CI job drift"));
}

const GITLAB_CI: &str = include_str!("data/release.gitlab-ci.yml");
/// The program the GitLab pipeline builds, with the variables its `-X` flags set.
const API_MAIN: &str = "package main\n\nvar version, built string\n\nfunc main() {}\n";

#[test]
fn gitlab_ci_jobs_templates_matrix_and_images() {
    let go_mod = "module example.com/api\n\ngo 1.27.0\n";
    let p = project(&[(".gitlab-ci.yml", GITLAB_CI), ("go.mod", go_mod), ("cmd/api/main.go", API_MAIN)]);
    let (_, got, doc) = findings(p.path(), &["."]);
    let at = |line_col: &str| format!(".gitlab-ci.yml:{line_col}");
    let messages: Vec<(String, &str)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&got)
        .map(|(f, (code, at))| (format!("{code} {at}"), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            // The test job's default image golang:latest floats, but nothing it builds ships.
            ("SL010".to_string(), at("13:7")), // go mod tidy in the template: once for its line
            ("SL010".to_string(), at("25:10")), // golang:1.26 older than go 1.27.0
            ("SL002".to_string(), at("31:7")),
            ("SL106".to_string(), at("31:7")),  // darwin builds kept, nothing notarizes
            ("SL003".to_string(), at("31:25")), // stripped; the other job's build is no copy
            ("SL009".to_string(), at("31:35")),
            ("SL008".to_string(), at("31:72")), // matrix jobs keep one bin/api artifact
            ("SL008".to_string(), at("41:40")), // windows without .exe
        ],
        "{messages:#?}"
    );
    let text = |i: usize| messages[i].1;
    assert!(text(0).contains("go mod tidy in CI job build may rewrite"), "{}", text(0)); // the test job ships nothing
    assert!(text(1).starts_with("golang:1.26 (Go 1.26) is older than `go 1.27.0` in go.mod"), "{}", text(1));
    assert!(text(5).contains("date"), "{}", text(5));
    assert!(text(6).starts_with("4 matrix jobs keep bin/api as an artifact (linux/amd64, linux/arm64,"), "{}", text(6));
    assert!(text(7).contains("windows build writes dist/api-windows without .exe"), "{}", text(7));
}

#[test]
fn realistic_gitlab_ci_is_clean() {
    let good = r#"include:
  - template: Security/SAST.gitlab-ci.yml
variables:
  CGO_ENABLED: "0"
  GOFLAGS: -mod=readonly
default:
  image: golang:1.27.4
stages: [test, build, release]

.go-cache:
  before_script:
    - go mod download -x
  cache:
    key: ${CI_COMMIT_REF_SLUG}
    paths: [.go/pkg/mod/]

tidy:
  extends: .go-cache
  stage: test
  script:
    - go mod tidy
    - git diff --exit-code go.mod go.sum

test:
  extends: .go-cache
  stage: test
  image: golang:${GO_VERSION}
  parallel:
    matrix:
      - GO_VERSION: ["1.27.4", "1.28.1"]
  script:
    - go vet ./...
    - go test -race ./...

build:
  extends: .go-cache
  stage: build
  parallel:
    matrix:
      - GOOS: [linux, darwin]
        GOARCH: [amd64, arm64]
      - GOOS: windows
        GOARCH: amd64
        EXT: .exe
  script:
    - go build -trimpath -ldflags "-X main.version=${CI_COMMIT_TAG}" -o "dist/api-${GOOS}-${GOARCH}${EXT}" ./cmd/api
  artifacts:
    paths: [dist/]

notarize:
  stage: release
  tags: [macos]
  script:
    - rcodesign notary-submit --api-key-file "$NOTARY_KEY" --wait dist/api-darwin-arm64.zip

release:
  stage: release
  image: registry.gitlab.com/gitlab-org/release-cli:latest
  script:
    - echo "release $CI_COMMIT_TAG"
"#;
    let p = project(&[(".gitlab-ci.yml", good), ("go.mod", "module example.com/api\n\ngo 1.27.0\n")]);
    let (status, got, _) = findings(p.path(), &["."]);
    assert_eq!(got, Vec::<(String, String)>::new());
    assert_eq!(status, 0);
    let broken = project(&[(".gitlab-ci.yml", "build:\n  script: [unclosed\n")]);
    let (status, _, doc) = findings(broken.path(), &["."]);
    assert_eq!(status, 2);
    assert!(doc["errors"][0]["path"].as_str().unwrap().ends_with(".gitlab-ci.yml"));
}

#[test]
fn stripped_release_builds_without_a_kept_copy() {
    // Fires: a stripped release build, `-s` alone (it implies -w), flags in a variable.
    let bad = "#!/bin/sh\nVERSION=$(git describe)\ngo build -trimpath -ldflags \"-s -w -X main.version=$VERSION\" -o dist/api ./cmd/api\nGOOS=linux go build -trimpath -ldflags=-s -o dist/worker ./cmd/worker\n";
    let got = codes_at(project(&[("release.sh", bad)]).path());
    let at = |l: &str| ("SL003".to_string(), format!("release.sh:{l}"));
    assert_eq!(got, [at("3:29"), at("4:31")]);
    let make = "LDFLAGS := -s -w\nrelease:\n\tgo build -trimpath -ldflags \"$(LDFLAGS)\" -o dist/api ./cmd/api\n";
    assert_eq!(codes_at(project(&[("Makefile", make)]).path()), [("SL003".to_string(), "Makefile:3:30".to_string())]);
    // Silent: symbols kept (an unstripped build of the same package), -w=false alone, no -s/-w,
    // a local development build, a compile check.
    let good = "#!/bin/sh\ngo build -trimpath -o build/api ./cmd/api\ngo build -trimpath -ldflags='-s -w' -o dist/api ./cmd/api\nGOOS=linux go build -trimpath -ldflags=-w=false -o dist/x ./cmd/x\ngo build -trimpath -ldflags '-X main.v=1' -o dist/y ./cmd/y\n";
    assert!(codes_at(project(&[("release.sh", good)]).path()).is_empty());
    let local = "#!/bin/sh\ngo build -o bin/api ./cmd/api\ngo build -ldflags=-s ./...\n";
    assert!(codes_at(project(&[("dev.sh", local)]).path()).is_empty());
}

#[test]
fn builds_that_bypass_module_buildinfo() {
    let bad = "#!/bin/sh\nGO111MODULE=off go build -trimpath -o dist/a ./cmd/a\ngo tool compile -p main -o b.a main.go\ngo tool link -o dist/b b.a\ngo build -trimpath -o dist/c main.go util.go\ngo build -trimpath -o dist/d cmd/d/*\ngo build -trimpath -o dist/e ./cmd/e/*.go\n";
    let got = codes_at(project(&[("release.sh", bad)]).path());
    let at = |l: &str| ("SL001".to_string(), format!("release.sh:{l}"));
    assert_eq!(got, [at("2:13"), at("4:1"), at("5:1"), at("6:1"), at("7:1")]);
    // Silent: module-mode package builds, and `go run`/`go build file.go` for local use.
    let good = "#!/bin/sh\ngo build -trimpath -o dist/a ./cmd/a\nGO111MODULE=on go build -trimpath -o dist/b .\ngo build -o gen gen.go\ngo tool nm dist/a\n";
    assert!(codes_at(project(&[("build.sh", good)]).path()).is_empty());
    // A GOPATH-mode install of a tool the target then runs ships nothing.
    let tool = "GO := GO111MODULE=on go\nGO_NOMOD := GO111MODULE=off go\nfmt-deps:\n\t$(GO_NOMOD) install golang.org/x/tools/cmd/goimports\nfmt: fmt-deps\n\tgoimports -w .\n";
    assert!(codes_at(project(&[("Makefile", tool)]).path()).is_empty());
}

/// goreleaser `dockers:` images: the Dockerfile they name is read, and a linux/amd64 build that
/// leaves cgo on by default is a libc mismatch with an Alpine, scratch or distroless/static image.
#[test]
fn goreleaser_dockers_and_their_dockerfile() {
    let config = |env: &str, dockers: &str| {
        format!(
            "version: 2\nbuilds:\n  - id: api\n    main: ./cmd/api\n{env}    flags: [-trimpath]\n    ldflags: [\"-X main.version={{{{.Version}}}}\"]\n    goos: [linux, darwin]\n    goarch: [amd64, arm64]\nnotarize:\n  macos: []\n{dockers}"
        )
    };
    let dockers = "dockers:\n  - ids: [api]\n    dockerfile: build/Dockerfile.release\n    image_templates: [\"ghcr.io/acme/api:{{ .Tag }}\"]\n";
    let alpine = "FROM alpine:3.20\nCOPY api /usr/bin/api\nENTRYPOINT [\"/usr/bin/api\"]\n";
    let p = project(&[(".goreleaser.yaml", &config("", dockers)), ("build/Dockerfile.release", alpine)]);
    let (_, got, doc) = findings(p.path(), &["--select", "libc-mismatch", "."]);
    assert_eq!(got, [("SL204".to_string(), ".goreleaser.yaml:13:17".to_string())]);
    let message = doc["findings"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("goreleaser builds api for linux/amd64 with cgo left on"), "{message}");
    assert!(message.contains("build/Dockerfile.release based on alpine:3.20 (musl)"), "{message}");
    // Silent: CGO_ENABLED=0 (in the build, or in the top-level env every build gets), a static
    // link by the external linker, an arm64-only image (cross builds default to cgo off).
    let static_link = config("", dockers)
        .replace("ldflags: [\"-X main.version", "ldflags: [\"-linkmode=external -extldflags=-static -X main.version");
    let silent = [
        config("    env: [CGO_ENABLED=0]\n", dockers),
        format!("env:\n  - CGO_ENABLED=0\n{}", config("", dockers)),
        format!("env:\n  - CGO_ENABLED=1\n{}", config("    env: [CGO_ENABLED=0]\n", dockers)),
        static_link,
        config("", &dockers.replace("ids: [api]", "ids: [api]\n    goarch: arm64")),
    ];
    for cfg in &silent {
        let p = project(&[(".goreleaser.yaml", cfg), ("build/Dockerfile.release", alpine)]);
        assert!(findings(p.path(), &["--select", "libc-mismatch", "."]).1.is_empty(), "{cfg}");
    }
    let glibc = "FROM gcr.io/distroless/base-debian12:nonroot\nCOPY api /api\nENTRYPOINT [\"/api\"]\n";
    let p = project(&[(".goreleaser.yaml", &config("", dockers)), ("build/Dockerfile.release", glibc)]);
    assert!(findings(p.path(), &["--select", "libc-mismatch", "."]).1.is_empty());
}

/// `check-latest` moves only a version that is not exact; a matrix's go-version values and the
/// file `go-version-file` names are read; only jobs that ship something are judged.
#[test]
fn setup_go_versions_as_requested() {
    let wf = |with: &str, matrix: &str| {
        format!(
            "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n{matrix}    steps:\n      - uses: actions/setup-go@v5\n        with:\n{with}      - run: CGO_ENABLED=0 go build -trimpath -o dist/api ./cmd/api\n      - run: tar -czf api.tar.gz dist/api\n"
        )
    };
    let messages = |files: &[(&str, &str)]| -> Vec<String> {
        let p = project(files);
        let (_, _, doc) = findings(p.path(), &["."]);
        doc["findings"].as_array().unwrap().iter().map(|f| f["message"].as_str().unwrap().to_string()).collect()
    };
    let go_mod = |line: &str| format!("module example.com/app\n\n{line}\n");
    // Exact versions: check-latest changes nothing.
    for (with, files) in [
        ("          go-version: '1.26.7'\n          check-latest: true\n", vec![]),
        (
            "          go-version-file: go.mod\n          check-latest: true\n",
            vec![("go.mod", go_mod("go 1.26.0\n\ntoolchain go1.26.7"))],
        ),
        (
            "          go-version-file: .go-version\n          check-latest: true\n",
            vec![(".go-version", "1.26.7\n".to_string())],
        ),
    ] {
        let text = wf(with, "");
        let mut all: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        all.push((".github/workflows/ci.yml", &text));
        assert_eq!(messages(&all), Vec::<String>::new(), "{with}");
    }
    // A minor line: the newest patch every run.
    let text = wf("          go-version-file: .go-version\n          check-latest: true\n", "");
    let got = messages(&[(".go-version", "1.26\n"), (".github/workflows/ci.yml", &text)]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("check-latest: true installs the newest patch release of 1.26 on every run"),
        "{}",
        got[0]
    );
    // A matrix value that floats to new minor releases; one within a minor release takes the
    // runner's cached patch release.
    let matrix = |values: &str| {
        wf(
            "          go-version: ${{ matrix.go }}\n",
            &format!("    strategy:\n      matrix:\n        go: [{values}]\n"),
        )
    };
    let text = matrix("'1.27.4', oldstable");
    let got = messages(&[(".github/workflows/ci.yml", &text)]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("go-version: oldstable installs whatever Go release is current"), "{}", got[0]);
    assert_eq!(messages(&[(".github/workflows/ci.yml", &matrix("'1.27.4', 1.28.x"))]), Vec::<String>::new());
    // A test job follows the newest patch release on purpose: nothing ships from it.
    let test_only = text.replace("CGO_ENABLED=0 go build -trimpath -o dist/api ./cmd/api", "go test ./...");
    assert_eq!(messages(&[(".github/workflows/ci.yml", &test_only)]), Vec::<String>::new());
    // goreleaser releases ship; its snapshots do not.
    let goreleaser = |args: &str| {
        wf("          go-version: stable\n", "").replace(
            "      - run: CGO_ENABLED=0 go build -trimpath -o dist/api ./cmd/api\n",
            &format!("      - uses: goreleaser/goreleaser-action@v6\n        with:\n          args: {args}\n"),
        )
    };
    assert_eq!(messages(&[(".github/workflows/ci.yml", &goreleaser("release --clean"))]).len(), 1);
    assert!(messages(&[(".github/workflows/ci.yml", &goreleaser("build --snapshot --clean"))]).is_empty());
}

/// A CI job's files vanish with it: a binary ships only if the job keeps it.
#[test]
fn ci_builds_ship_only_what_the_job_keeps() {
    let job = |after: &str| {
        format!(
            "on: push\njobs:\n  cross:\n    runs-on: ubuntu-latest\n    steps:\n      - run: GOOS=linux go build -o out/api-linux ./cmd/api\n{after}"
        )
    };
    let sl002 = |text: &str| -> usize {
        let p = project(&[(".github/workflows/ci.yml", text)]);
        codes_at(p.path()).iter().filter(|(c, _)| c == "SL002").count()
    };
    // A cross-compile check: nothing keeps the file.
    assert_eq!(sl002(&job("      - run: ls -l out\n")), 0);
    // Uploaded, packed, or published: it ships.
    assert_eq!(
        sl002(&job(
            "      - uses: actions/upload-artifact@v4\n        with:\n          name: api\n          path: out/\n"
        )),
        1
    );
    assert_eq!(sl002(&job("      - run: tar -czf api.tgz -C out api-linux\n")), 1);
    assert_eq!(sl002(&job("      - run: gh release upload v1 out/api-linux\n")), 1);
}

/// `-X` into a dependency is checked against its source in vendor/ or the module cache (at the
/// version go.mod requires); a dependency found in neither is not judged.
#[test]
fn x_flags_into_dependencies() {
    let common = "package version\n\nvar Version string\n\nconst Revision = \"\"\n";
    let go_mod = "module example.com/app\n\ngo 1.27\n\nrequire (\n\tgithub.com/Acme/common v0.5.1 // indirect\n\tgolang.org/x/mod v0.20.0\n)\n";
    let script = |flags: &str| format!("#!/bin/sh\ngo build -trimpath -ldflags \"{flags}\" -o dist/api .\n");
    let flags = "-X github.com/Acme/common/version.Version=v1 -X github.com/Acme/common/version.Revision=abc \
                 -X github.com/Acme/common/version.Branch=main -X golang.org/x/mod/semver.Tag=v2";
    let expected = |file: &str| {
        vec![("SL011".to_string(), format!("{file}:2:78")), ("SL012".to_string(), format!("{file}:2:125"))]
    };
    // Vendored.
    let p = project(&[
        ("go.mod", go_mod),
        ("main.go", "package main\n\nfunc main() {}\n"),
        ("vendor/github.com/Acme/common/version/version.go", common),
        ("release.sh", &script(flags)),
    ]);
    let (_, got, doc) = findings(p.path(), &["--select", "SL011,SL012", "release.sh"]);
    assert_eq!(got, expected("release.sh"), "{doc}");
    assert!(doc["findings"][0]["fix"].is_null(), "a dependency's source is not edited");
    assert!(doc["findings"][0]["help"].as_str().unwrap().starts_with("the dependency declares it const"));
    // From the module cache, its path escaped as the go command writes it.
    let cache = TempDir::new();
    let dir = cache.path().join("github.com/!acme/common@v0.5.1/version");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("version.go"), common).unwrap();
    let p =
        project(&[("go.mod", go_mod), ("main.go", "package main\n\nfunc main() {}\n"), ("release.sh", &script(flags))]);
    let out = shiplint()
        .current_dir(p.path())
        .env("GOMODCACHE", cache.path())
        .args(["check", "--format", "json", "--select", "SL011,SL012", "release.sh"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = doc["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["SL011", "SL012"], "{doc}");
    // Neither vendored nor cached: not judged.
    let out = shiplint()
        .current_dir(p.path())
        .env("GOMODCACHE", p.path().join("no-cache"))
        .args(["check", "--format", "json", "--select", "SL011,SL012", "release.sh"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["findings"], serde_json::json!([]));
}
