//! The everyday command line: human output with source lines, colour, --output-file,
//! --statistics, --add-ignores, completions and the manual page (checked by the shells and by
//! man themselves), and the JSON and GitLab reports validated against their schemas.

mod common;

use common::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DOCKERFILE: &str = "FROM golang:1.26\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n";
const MAKEFILE: &str = "release:\n\tgo build -trimpath -ldflags \"-X main.version=$(shell date)\" -o dist/app .\n";

/// A project with four findings: three in the Dockerfile, one in the Makefile.
fn broken() -> TempDir {
    project(&[("Dockerfile", DOCKERFILE), ("Makefile", MAKEFILE)])
}

fn run(dir: &Path, args: &[&str]) -> Output {
    shiplint().current_dir(dir).args(args).env_remove("NO_COLOR").output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn tools() -> PathBuf {
    shiplint_fixtures::cache_dir().join("tools")
}

#[test]
fn human_output_underlines_the_span_in_the_source_line() {
    let t = broken();
    let (_, findings, _) = check_json(t.path(), &[]);
    let trimpath = findings.iter().find(|f| field(f, "/rule") == "untrimmed-paths").unwrap();
    let span = &trimpath["location"]["span"];
    let (line, col, end) = (
        span["start_line"].as_u64().unwrap(),
        span["start_column"].as_u64().unwrap(),
        span["end_column"].as_u64().unwrap(),
    );
    let text = stdout(&run(t.path(), &["check", "--select", "untrimmed-paths"]));
    let lines: Vec<&str> = text.lines().collect();
    let source = format!("{line} | RUN go build -o /app .");
    let at = lines.iter().position(|l| l.trim_start() == source).unwrap_or_else(|| panic!("no source line:\n{text}"));
    // The marker line puts one caret under each character of the span.
    let gutter = lines[at].find('|').unwrap() + 2;
    let carets = lines[at + 1];
    let first = carets.find('^').unwrap();
    assert_eq!(first - gutter, col as usize - 1, "{text}");
    assert_eq!(carets.matches('^').count(), (end - col) as usize, "{text}");
    assert!(text.contains(" --> Dockerfile:4:5"), "{text}");
    assert!(text.contains("= help: add -trimpath"), "{text}");
}

#[test]
fn source_lines_cannot_drive_the_terminal() {
    let t = project(&[("Dockerfile", "FROM golang:1.26\nRUN echo \"\x1b[2J\x07\" && go build -o /app .\n")]);
    let out = run(t.path(), &["check", "--color", "never"]);
    let text = stdout(&out);
    assert!(text.contains("2 | RUN echo \"\u{241b}[2J\u{2407}\" && go build"), "{text}");
    assert!(!out.stdout.iter().any(|b| *b == 0x1b || *b == 0x07));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let t = broken();
    let has_escape = |o: &Output| o.stdout.contains(&0x1b);
    assert!(has_escape(&run(t.path(), &["check", "--color", "always"])));
    assert!(!has_escape(&run(t.path(), &["check", "--color", "never"])));
    // Not a terminal: auto means none.
    assert!(!has_escape(&run(t.path(), &["check"])));
    // An explicit --color always wins over NO_COLOR.
    let forced =
        shiplint().current_dir(t.path()).args(["check", "--color", "always"]).env("NO_COLOR", "1").output().unwrap();
    assert!(has_escape(&forced));
    // On a terminal (script(1) gives the command a pseudo-terminal), auto colours unless NO_COLOR is set.
    let on_tty = |no_color: Option<&str>| {
        let mut c = Command::new("script");
        c.current_dir(t.path())
            .args(["-qec"])
            .arg(format!("{} check", env!("CARGO_BIN_EXE_shiplint")))
            .arg("/dev/null");
        c.env_remove("NO_COLOR");
        if let Some(v) = no_color {
            c.env("NO_COLOR", v);
        }
        c.output().unwrap()
    };
    let plain_tty = on_tty(None);
    assert!(String::from_utf8_lossy(&plain_tty.stdout).contains("untrimmed-paths"), "{plain_tty:?}");
    assert!(has_escape(&plain_tty));
    assert!(!has_escape(&on_tty(Some("1"))));
    // An empty NO_COLOR does not count (https://no-color.org).
    assert!(has_escape(&on_tty(Some(""))));
}

#[test]
fn output_file_holds_what_stdout_would() {
    let t = broken();
    let direct = run(t.path(), &["check", "--format", "json"]);
    let to_file = run(t.path(), &["check", "--format", "json", "--output-file", "report.json"]);
    assert_eq!(to_file.status.code(), direct.status.code());
    assert_eq!(to_file.status.code(), Some(1));
    assert!(to_file.stdout.is_empty());
    assert_eq!(fs::read(t.path().join("report.json")).unwrap(), direct.stdout);
    // The report file is not scanned as a source, and a human report in a file has no colour.
    let human = run(t.path(), &["check", "-o", "report.txt", "--color", "auto"]);
    assert!(!fs::read(t.path().join("report.txt")).unwrap().contains(&0x1b), "{human:?}");
    // A file that cannot be written is an error naming it, exit 2.
    let bad = run(t.path(), &["check", "--output-file", "no/such/dir/report.json"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no/such/dir/report.json"), "{bad:?}");
}

#[test]
fn statistics_count_findings_per_rule() {
    let t = broken();
    let (_, findings, _) = check_json(t.path(), &[]);
    let out = run(t.path(), &["check", "--statistics", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let stats: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let total: u64 = stats.iter().map(|s| s["count"].as_u64().unwrap()).sum();
    assert_eq!(total as usize, findings.len());
    for s in &stats {
        let n = findings.iter().filter(|f| f["code"] == s["code"]).count();
        assert_eq!(s["count"].as_u64().unwrap() as usize, n, "{s}");
    }
    let table = stdout(&run(t.path(), &["check", "--statistics"]));
    assert!(
        table.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["1", "SL009", "non-reproducible-build"]),
        "{table}"
    );
    assert_eq!(
        table.lines().last().unwrap().split_whitespace().collect::<Vec<_>>(),
        [findings.len().to_string().as_str(), "total"]
    );
    let sarif = run(t.path(), &["check", "--statistics", "--format", "sarif"]);
    assert_eq!(sarif.status.code(), Some(2));
}

#[test]
fn completions_pass_each_shells_syntax_check() {
    for (shell, check) in
        [("bash", vec!["bash", "-n"]), ("zsh", vec!["zsh", "-n"]), ("fish", vec!["fish", "--no-execute"])]
    {
        let out = run(Path::new("."), &["completions", shell]);
        assert!(out.status.success());
        let t = TempDir::new();
        let file = t.path().join(format!("shiplint.{shell}"));
        fs::write(&file, &out.stdout).unwrap();
        let checked =
            Command::new(check[0]).args(&check[1..]).arg(&file).output().unwrap_or_else(|e| panic!("{shell}: {e}"));
        assert!(checked.status.success() && checked.stderr.is_empty(), "{shell}: {checked:?}");
        assert!(stdout(&out).contains("add-ignores"), "{shell}");
    }
    // No PowerShell on this machine to run it: at least the completer is registered for shiplint.
    let ps = stdout(&run(Path::new("."), &["completions", "powershell"]));
    assert!(ps.contains("Register-ArgumentCompleter -Native -CommandName 'shiplint'"), "{ps}");
}

#[test]
fn bash_completion_completes_check_flags() {
    let script = stdout(&run(Path::new("."), &["completions", "bash"]));
    let t = TempDir::new();
    fs::write(t.path().join("c.bash"), script).unwrap();
    // What bash does on `shiplint check --for<TAB>`.
    let probe = "source ./c.bash; COMP_WORDS=(shiplint check --for); COMP_CWORD=2; \
                 _shiplint shiplint --for check; printf '%s\\n' \"${COMPREPLY[@]}\"";
    let out = Command::new("bash").current_dir(t.path()).args(["-c", probe]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "--format", "{out:?}");
}

#[test]
fn manual_page_renders_without_warnings() {
    let page = run(Path::new("."), &["man"]);
    assert!(page.status.success());
    let t = TempDir::new();
    fs::write(t.path().join("shiplint.1"), &page.stdout).unwrap();
    let out = Command::new("man")
        .args(["--warnings", "-E", "UTF-8", "-l", "shiplint.1"])
        .current_dir(t.path())
        .env("MANWIDTH", "100")
        .env("MAN_KEEP_FORMATTING", "0")
        .env_remove("MANPAGER")
        .env("PAGER", "cat")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    for expected in ["shiplint", "check", "completions", "explain"] {
        assert!(text.contains(expected), "{text}");
    }
}

#[test]
fn add_ignores_suppresses_every_finding_once() {
    let t = project(&[
        ("Dockerfile", DOCKERFILE),
        ("Makefile", MAKEFILE),
        // A finding on a continuation line cannot take a comment line above it.
        (
            "build.sh",
            "#!/bin/sh\nset -e\ncd src && \\\n  go build -ldflags \"-X main.version=$(date)\" -o ../dist/app .\n",
        ),
    ]);
    let (_, before, _) = check_json(t.path(), &[]);
    assert!(before.len() >= 5, "{before:#?}");
    // `$(shell date)` would differ between two runs a second apart: make sees a fixed `date`.
    let fixed_date = TempDir::new();
    let date = fixed_date.path().join("date");
    fs::write(&date, "#!/bin/sh\necho 2026-01-01\n").unwrap();
    fs::set_permissions(&date, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", fixed_date.path().display(), std::env::var("PATH").unwrap_or_default());
    let make_n =
        || Command::new("make").args(["-n", "build"]).env("PATH", &path).current_dir(t.path()).output().unwrap();
    let make_before = make_n();

    let first = run(t.path(), &["check", "--add-ignores=adopted in 2026"]);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.contains("build.sh:4: no ignore comment: continues the line above"), "{stderr}");
    let dockerfile = fs::read_to_string(t.path().join("Dockerfile")).unwrap();
    assert!(
        dockerfile.starts_with("# shiplint: ignore[root-final-image, toolchain-in-final-image] adopted in 2026\nFROM"),
        "{dockerfile}"
    );
    assert!(dockerfile.contains("# shiplint: ignore[untrimmed-paths] adopted in 2026\nRUN go build"), "{dockerfile}");

    // Only build.sh's findings remain, and all of them are there.
    let (_, after, _) = check_json(t.path(), &[]);
    assert!(!after.is_empty() && after.iter().all(|f| field(f, "/location/path") == "build.sh"), "{after:#?}");
    assert_eq!(after.len(), before.iter().filter(|f| field(f, "/location/path") == "build.sh").count());
    let (_, shown, _) = check_json(t.path(), &[std::ffi::OsStr::new("--no-ignores")]);
    assert_eq!(shown.len(), before.len());

    // Idempotent: a second run writes nothing.
    let files = |t: &TempDir| ["Dockerfile", "Makefile", "build.sh"].map(|f| fs::read(t.path().join(f)).unwrap());
    let snapshot = files(&t);
    let second = run(t.path(), &["check", "--add-ignores"]);
    assert!(String::from_utf8_lossy(&second.stderr).contains("added 0 ignore comment(s)"), "{second:?}");
    assert_eq!(files(&t), snapshot);

    // make still runs the same recipe: the comment is make's own, not the shell's.
    let make_after = make_n();
    assert!(make_after.status.success());
    assert_eq!(make_after.stdout, make_before.stdout);
}

#[test]
fn add_ignores_with_diff_previews_and_writes_nothing() {
    let t = broken();
    let out = run(t.path(), &["check", "--add-ignores", "--diff"]);
    assert_eq!(out.status.code(), Some(1));
    let diff = stdout(&out);
    assert!(diff.contains("+# shiplint: ignore[non-reproducible-build] added by shiplint --add-ignores\n"), "{diff}");
    assert_eq!(fs::read_to_string(t.path().join("Dockerfile")).unwrap(), DOCKERFILE);
}

/// Validates `doc` against `schema` with Python's jsonschema (scripts/fetch-test-tools.sh); the
/// validation errors, none when valid.
fn schema_errors(schema: &Path, doc: &Value) -> Vec<String> {
    let t = TempDir::new();
    let file = t.path().join("doc.json");
    fs::write(&file, serde_json::to_vec(doc).unwrap()).unwrap();
    let program = "import json, sys, jsonschema\n\
                   schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))\n\
                   jsonschema.Draft202012Validator.check_schema(schema)\n\
                   for e in jsonschema.Draft202012Validator(schema).iter_errors(doc): print(e.json_path, e.message)\n";
    let out = Command::new("python3")
        .args(["-c", program])
        .arg(schema)
        .arg(&file)
        .env("PYTHONPATH", tools().join("py"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect()
}

fn docs(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs").join(name)
}

/// Build definitions with fixes, a Go executable, an unreadable one and a note.
fn everything() -> TempDir {
    let t = broken();
    let exe = newest_fixture("linux", "amd64", shiplint_fixtures::Variant::Default);
    fs::create_dir_all(t.path().join("dist")).unwrap();
    fs::write(t.path().join("dist/api"), exe).unwrap();
    fs::write(t.path().join("dist/broken"), b"\x7fELF\x02\x01\x01garbage").unwrap();
    t
}

#[test]
fn json_output_matches_its_schema() {
    let t = everything();
    let (status, findings, doc) = check_json(t.path(), &[]);
    assert_eq!(status, 2);
    assert!(
        findings.iter().any(|f| f["location"]["fact"].is_string()) && findings.iter().any(|f| f["fix"].is_object())
    );
    assert!(!doc["errors"].as_array().unwrap().is_empty());
    let schema = docs("check-json.schema.json");
    assert_eq!(schema_errors(&schema, &doc), Vec::<String>::new());
    // The schema does reject what is wrong.
    let mut wrong = doc.clone();
    wrong["findings"][0]["level"] = "fatal".into();
    wrong["findings"][1]["location"]["span"] =
        serde_json::json!({"start_line": 0, "start_column": 1, "end_line": 1, "end_column": 1});
    assert_eq!(schema_errors(&schema, &wrong).len(), 2);
}

fn gitlab(dir: &Path) -> Vec<Value> {
    let out = run(dir, &["check", "--format", "gitlab"]);
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn gitlab_report_matches_its_schema_and_fingerprints_survive_line_moves() {
    let t = everything();
    let issues = gitlab(t.path());
    let (_, findings, _) = check_json(t.path(), &[]);
    assert_eq!(issues.len(), findings.len());
    let schema = docs("gitlab-codequality.schema.json");
    assert_eq!(schema_errors(&schema, &Value::Array(issues.clone())), Vec::<String>::new());
    let mut wrong = issues.clone();
    wrong[0]["severity"] = "warning".into();
    wrong[1]["location"].as_object_mut().unwrap().remove("lines");
    assert_eq!(schema_errors(&schema, &Value::Array(wrong)).len(), 2);

    let prints = |issues: &[Value]| -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = issues
            .iter()
            .map(|i| (field(i, "/fingerprint"), i["location"]["lines"]["begin"].as_u64().unwrap()))
            .collect();
        v.sort();
        v
    };
    let before = prints(&issues);
    let unique: std::collections::BTreeSet<&String> = before.iter().map(|(f, _)| f).collect();
    assert_eq!(unique.len(), before.len(), "fingerprints must be unique");
    // Lines added above every finding: the same fingerprints, on lines three further down.
    fs::write(t.path().join("Dockerfile"), format!("# a\n# b\n# c\n{DOCKERFILE}")).unwrap();
    fs::write(t.path().join("Makefile"), format!("# a\n# b\n# c\n{MAKEFILE}")).unwrap();
    let after = prints(&gitlab(t.path()));
    assert_eq!(after.len(), before.len());
    for ((fa, la), (fb, lb)) in after.iter().zip(&before) {
        assert_eq!(fa, fb);
        let moved = if *lb == 1
            && issues.iter().any(|i| field(i, "/fingerprint") == *fb && field(i, "/location/path").starts_with("dist/"))
        {
            0
        } else {
            3
        };
        assert_eq!(*la, lb + moved);
    }
    // A different command is a different finding.
    fs::write(t.path().join("Dockerfile"), DOCKERFILE.replace("-o /app", "-o /srv")).unwrap();
    let changed = prints(&gitlab(t.path()));
    assert_ne!(changed, before);
}
