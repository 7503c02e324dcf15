use super::Defs;
use crate::defs::ci::{self, Pipeline};
use crate::defs::gobuild::BuildInvocation;
use crate::defs::shell::Value;
use crate::finding::Finding;
use crate::rules::DefsFindings;

declare_rule! {
    /// ## What it does
    /// Finds cross-compiling loops whose iterations write the same output file, windows builds
    /// of executables whose output lacks `.exe` (a `-buildmode=c-shared` `.dll` is not one),
    /// GitHub matrices whose runners upload artifacts under one name, and GitLab matrix jobs
    /// that keep the same path as an artifact. Each iteration of a loop is
    /// evaluated (GOOS, GOARCH and the `-o` path, through `${target%/*}`-style expansions), so the
    /// finding names the targets that collide; an iteration that uses its output before the next
    /// one builds it (packs, copies or uploads it, or hands it to a packager) loses nothing. In a
    /// release folder or archives, it finds the
    /// same bytes shipped under names that claim different platforms.
    ///
    /// ## Why is this bad?
    /// Only the last target survives: the release folder holds one binary, built for whatever the
    /// loop did last (darwin/arm64, say), under a name that says nothing of it. Users on the other
    /// platforms download something that cannot run.
    ///
    /// ## What really happens
    /// Checked with Go 1.27: every iteration overwrites `bin/api`. `-o dir/` does not help across
    /// architectures of one OS: it writes `dir/api` for linux/amd64 and linux/arm64 alike (only
    /// windows gets `api.exe`). `go build` without `-o` writes a file named after the last
    /// element of the package's import path (`/vN` dropped) into the current directory, with the
    /// same collision. An explicit `-o` for windows gets no `.exe` added (a file that writes
    /// `.exe` elsewhere, renaming or installing the output, is taken to name it; only a windows
    /// build that ships is reported). A windows build inside a Windows image is not: the image
    /// starts it by its path (`ENTRYPOINT ["/app"]`), and Windows' `CreateProcess` appends
    /// `.exe` only to a name without a path (its documentation of `lpCommandLine`). Cross builds (GOOS or
    /// GOARCH other than the host's) default to `CGO_ENABLED=0`. In a CI matrix each combination
    /// runs on its own machine, so the same `-o` is fine there; what collides is the artifact
    /// name of a job that builds (a test job keeping its logs loses no build):
    /// `actions/upload-artifact` (v4 and later) refuses a second upload under an existing name,
    /// and with `overwrite: true` the last upload replaces the others. GitLab keeps each matrix
    /// job's `artifacts:paths` apart, but extracts them all into one folder for the jobs of later
    /// stages: the same path from several matrix jobs is one file there.
    ///
    /// ## Example
    /// ```sh
    /// for target in linux/amd64 linux/arm64 darwin/arm64; do
    ///   GOOS=${target%/*} GOARCH=${target#*/} go build -o bin/api ./cmd/api
    /// done
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// for target in linux/amd64 linux/arm64 darwin/arm64 windows/amd64; do
    ///   GOOS=${target%/*} GOARCH=${target#*/}
    ///   out="bin/api-${GOOS}-${GOARCH}"
    ///   [ "$GOOS" = windows ] && out="$out.exe"
    ///   GOOS=$GOOS GOARCH=$GOARCH go build -o "$out" ./cmd/api
    /// done
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: how to name the outputs (and where GOOS and GOARCH are available as shell
    /// variables) is the script's own business.
    ///
    /// ## References
    /// - <https://pkg.go.dev/cmd/go#hdr-Compile_packages_and_dependencies> (`-o`)
    rule {
        code: "SL008",
        name: "cross-build-overwrite",
        level: Error,
        summary: "a cross-compiling loop writes every target to the same output path",
        defs: check,
        release: check_release,
    }
}

/// The target an iteration builds, as `GOOS/GOARCH` or the loop values.
fn target(inv: &BuildInvocation<'_>) -> String {
    match (inv.env_value("GOOS"), inv.env_value("GOARCH")) {
        (Some(os), Some(arch)) => format!("{os}/{arch}"),
        (Some(os), None) => os.to_string(),
        (None, Some(arch)) => arch.to_string(),
        (None, None) => inv.iteration.iter().map(|(_, v)| v.display()).collect::<Vec<_>>().join(","),
    }
}

/// What a build makes, as evaluated: its environment, flags and packages.
fn fingerprint(inv: &BuildInvocation<'_>) -> String {
    let mut env: Vec<String> = inv.env.iter().map(|(k, v)| format!("{k}={}", v.value.display())).collect();
    env.sort_unstable();
    let ldflags = inv.ldflags.as_ref().map(|(v, _)| v.display()).unwrap_or_default();
    let packages: Vec<String> = inv.packages.iter().map(|(v, _)| v.display()).collect();
    let flags: Vec<String> = inv.unknown_flags.iter().map(Value::display).collect();
    format!("{env:?} {ldflags} {packages:?} {flags:?} {:?} {} {}", inv.other_flags, inv.trimpath, inv.install)
}

/// Targets grouped by the path they write, among iterations that share a file system.
fn collisions(iterations: &[&BuildInvocation<'_>]) -> Vec<(String, Vec<String>)> {
    let mut seen: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for it in iterations {
        let Some(path) = it.written_file() else { continue };
        // The same build run twice (a function called twice, a loop whose variable the build
        // does not use) only writes the same file again; another build for the same target
        // outside any loop (a static variant, `CGO_ENABLED=0 build`) is an alternative to it.
        let key = fingerprint(it);
        let alternative = |targets: &Vec<String>| it.iteration.is_empty() && targets.contains(&target(it));
        match seen.iter_mut().find(|(p, ..)| *p == path) {
            Some((_, targets, keys)) if keys.contains(&key) || alternative(targets) => {}
            Some((_, targets, keys)) => {
                targets.push(target(it));
                keys.push(key);
            }
            None => seen.push((path, vec![target(it)], vec![key])),
        }
    }
    seen.into_iter().filter(|(_, targets, _)| targets.len() > 1).map(|(p, targets, _)| (p, targets)).collect()
}

/// Whether every run of a build in a loop or function uses its output before the next run
/// builds it again: a later command of the same loop body or function packs, copies, uploads
/// or otherwise uses it (`go build -o app .; tar czf app-$os.tgz app`, `mkpkg --files=./app:...`).
fn used_each_time(defs: &Defs<'_>, b: &crate::defs::source::Build<'_>) -> bool {
    let inv = &b.invocation;
    let (Some(innermost), Some(path)) = (inv.loops.last(), inv.written_file()) else { return false };
    defs.commands.iter().any(|c| {
        c.context == b.context
            && c.span.0 > inv.span.1
            && c.loops.last() == Some(innermost)
            && crate::defs::link::uses_file(&c.argv, &path)
    })
}

pub fn check(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    for all in defs.builds_by_command() {
        let inv = &all[0].invocation;
        // `-o /dev/null` (a compile check) keeps nothing to overwrite.
        if inv.only_compiles() {
            continue;
        }
        let at = inv.output.as_ref().map_or(inv.span, |(_, w)| (w.start, w.end));
        // Matrix runners have their own file systems: only iterations on one runner collide.
        let mut runners: Vec<usize> = all.iter().map(|b| b.runner).collect();
        runners.sort_unstable();
        runners.dedup();
        let mut reported = Vec::new();
        for &runner in &runners {
            let on_runner: Vec<&BuildInvocation<'_>> =
                all.iter().filter(|b| b.runner == runner && !used_each_time(defs, b)).map(|b| &b.invocation).collect();
            for (path, targets) in collisions(&on_runner) {
                let message = format!(
                    "{} iterations write {path}: {} overwrite each other and only the last survives",
                    targets.len(),
                    targets.join(", ")
                );
                if !reported.contains(&message) {
                    out.push(defs.finding(
                        &META,
                        at,
                        message.clone(),
                        "put ${GOOS} and ${GOARCH} (and .exe for windows) in the -o path",
                    ));
                    reported.push(message);
                }
            }
        }
        // GitLab hands the artifacts of every job of a matrix to later jobs in one folder: outputs
        // kept as artifacts meet there, whichever runner built them.
        let kept: Vec<&BuildInvocation<'_>> = all
            .iter()
            .filter(|b| b.invocation.written_file().is_some_and(|o| defs.kept_as_artifact(b.context.as_deref(), &o)))
            .map(|b| &b.invocation)
            .collect();
        if runners.len() > 1 {
            for (path, targets) in collisions(&kept) {
                let message = format!(
                    "{} matrix jobs keep {path} as an artifact ({}): later jobs receive them in one folder, where \
                     only the last survives",
                    targets.len(),
                    targets.join(", ")
                );
                out.push(defs.finding(
                    &META,
                    at,
                    message,
                    "put ${GOOS} and ${GOARCH} (and .exe for windows) in the -o path",
                ));
            }
        }
        // Only a binary that ships is run by that name on someone's Windows; a library
        // (`-buildmode=c-shared` writes a .dll) is not run at all.
        let executable = |b: &&&crate::defs::source::Build<'_>| {
            !b.invocation
                .other_flags
                .iter()
                .any(|f| f.strip_prefix("-buildmode=").is_some_and(|m| !matches!(m, "exe" | "pie" | "default")))
        };
        // A Windows image starts its program by path, which needs no extension.
        // (As written: `nanoserver:${WINDOWS_VERSION}` is Nano Server whatever release.)
        let windows_image = defs.dockerfile.is_some_and(|d| {
            let root = d.stages.len().checked_sub(1).and_then(|last| d.chain(last).last().copied());
            root.is_some_and(|r| crate::defs::images::classify(&r.base_written).windows)
        });
        let shipped =
            all.iter().filter(|b| !(windows_image && b.stage.is_some()) && defs.ships(b).is_some()).filter(executable);
        let windows = shipped.map(|b| &b.invocation).find_map(|it| match (it.env_value("GOOS"), &it.output) {
            // goxz's output is the archive it packs the program into, with its `.exe`.
            (Some("windows"), Some((Value::Known(o), _)))
                if !o.ends_with(".exe") && !o.ends_with('/') && it.cross_tool != Some("goxz") =>
            {
                Some(o)
            }
            _ => None,
        });
        // A file that writes `.exe` somewhere (`mv out/app out/app.exe`, `install ... $$APP$(EXT)`
        // with `EXT=.exe`) gives the name after the build.
        if let Some(o) = windows.filter(|_| !defs.text.contains(".exe")) {
            let message = format!("windows build writes {o} without .exe: Windows will not run it by that name");
            out.push(defs.finding(&META, at, message, "add .exe to the output name for GOOS=windows"));
        }
    }
    if let Some(wf) = defs.workflow {
        check_artifact_names(defs, wf, out);
    }
}

/// `actions/upload-artifact` in a matrix job that builds: every combination must upload under
/// its own name. A job that builds nothing (a test job keeping its logs) loses no build.
fn check_artifact_names(defs: &Defs<'_>, wf: &Pipeline, out: &mut Vec<Finding>) {
    for step in wf.actions.iter().filter(|a| a.uses.starts_with("actions/upload-artifact@")) {
        let combos = &wf.jobs[step.job].combinations;
        if combos.len() < 2 {
            continue;
        }
        let job = Some(wf.jobs[step.job].name.as_str());
        let in_job = |span: (usize, usize)| defs.commands.iter().any(|c| c.span == span && c.context.as_deref() == job);
        let built = defs.builds.iter().filter(|b| b.context.as_deref() == job && !b.invocation.only_compiles());
        let linked = defs.linked.iter().filter(|l| !l.outputs.is_empty() && in_job(l.span));
        // What the job's builds write (`None` where a build's output is not known).
        let outputs: Vec<Option<String>> =
            built.map(|b| b.invocation.written_file()).chain(linked.flat_map(|l| l.outputs.iter().cloned())).collect();
        if outputs.is_empty() {
            continue;
        }
        // An upload of what no build writes (`path: ./logs` of a test job) keeps no build.
        if let Some(uploaded) = step.with.get("path").map(|p| &p.value).filter(|p| !p.contains("${{")) {
            let kept_paths: Vec<&str> = uploaded.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            let holds = |o: &Option<String>| match o {
                Some(o) => kept_paths.iter().any(|k| crate::defs::link::artifact_holds(k, o)),
                None => true,
            };
            if !outputs.iter().any(holds) {
                continue;
            }
        }
        let mut names: Vec<(String, Vec<&str>)> = Vec::new();
        for (label, combo) in combos {
            let env = ci::env_for(wf, step.job, combo, &[], &[]);
            if !step.runs_in(Some(&env)) {
                continue;
            }
            let name = match step.with.get("name") {
                Some(input) => match ci::input_value(input, &env) {
                    Value::Known(n) => n,
                    Value::Partial(_) => return,
                },
                None => "artifact".to_string(), // the action's default name
            };
            match names.iter_mut().find(|(n, _)| *n == name) {
                Some((_, labels)) => labels.push(label),
                None => names.push((name, vec![label])),
            }
        }
        for (name, labels) in names.iter().filter(|(_, l)| l.len() > 1) {
            let at = step.with.get("name").map_or(step.span, |i| i.span);
            let message = format!(
                "{} matrix runners upload the artifact \"{name}\" ({}): upload-artifact@v4 fails on the second upload, \
                 and older versions mixed the files",
                labels.len(),
                labels.join("; ")
            );
            out.push(defs.finding(
                &META,
                at,
                message,
                "name the artifact after the matrix values, e.g. api-${{ matrix.goos }}-${{ matrix.goarch }}",
            ));
        }
    }
}

/// Release folders and archives: the same bytes shipped under names that claim different
/// platforms are one build that overwrote the others.
pub fn check_release(release: &crate::release::ReleaseFacts, out: &mut Vec<Finding>) {
    let mut by_digest: Vec<(&str, Vec<&crate::release::Shipped>)> = Vec::new();
    for s in &release.shipped {
        match by_digest.iter_mut().find(|(d, _)| *d == s.sha256) {
            Some((_, group)) => group.push(s),
            None => by_digest.push((&s.sha256, vec![s])),
        }
    }
    for (_, group) in by_digest.iter().filter(|(_, g)| g.len() > 1) {
        let mut claims: Vec<String> = Vec::new();
        for s in group {
            let (os, arch) = crate::rules::release::claimed(s);
            let claim = format!("{}/{}", os.unwrap_or("?"), arch.unwrap_or("?"));
            if (os.is_some() || arch.is_some()) && !claims.contains(&claim) {
                claims.push(claim);
            }
        }
        if claims.len() < 2 {
            continue;
        }
        let built: Vec<String> = group[0].platforms.iter().map(|(o, a)| format!("{o}/{a}")).collect();
        let names: Vec<&str> = group.iter().map(|s| s.location.as_str()).collect();
        let message = format!(
            "identical bytes ship as {} (named for {}): one {} build overwrote the others",
            names.join(", "),
            claims.join(", "),
            built.join("+")
        );
        out.push(release.finding(
            &META,
            &group[0].location,
            "SHA-256",
            message,
            "give each target its own -o path and rebuild",
        ));
    }
}
