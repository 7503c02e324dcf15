use super::{Binary, Defs};
use crate::finding::{Finding, Location};
use crate::rules::DefsFindings;
use crate::symbol_store;

declare_rule! {
    /// ## What it does
    /// Finds Go executables whose symbol table and/or DWARF were removed (`-ldflags="-s -w"`,
    /// `strip`) when no unstripped copy with the same Go build ID has been kept. With
    /// `--symbols DIR` (a store filled by `shiplint symbols store`) it stays silent when the
    /// twin is there (found by Go build ID; where that is redacted, as Bazel does, by GNU build
    /// ID and the same machine code, since a GNU build ID derived from `redacted` is the same
    /// for every build). In build definitions it finds release builds linked with `-s` or `-w`
    /// (goreleaser's default `ldflags` included) when the file builds no unstripped copy of the
    /// same packages; flags a caller passes (`GO_LDFLAGS="-s -w" ./build.sh`, or a variable a
    /// Makefile exports to the sub-makes it runs) are reported once, where the caller writes
    /// them. Among the files of one scan, it finds different builds (another platform,
    /// Go release, version or Go build ID, or, where the Go build ID is redacted, other machine
    /// code) that carry the same GNU build ID or Mach-O UUID, which symbol servers cannot tell
    /// apart: a fixed `-B 0x...` does it, and so does Bazel's redacted Go build ID, from which
    /// the linker derives one ID for every build (bazelisk 1.28.0 and 1.28.1, linux amd64 and
    /// arm64, all carry GNU build ID `b78919af...`, and its macOS builds the matching UUID).
    ///
    /// ## Why is this bad?
    /// A stripped binary is fine to ship, but when it crashes in production the tools that turn
    /// addresses back into code need the symbols: delve and gdb, `perf report` (raw addresses),
    /// `addr2line` (`??:0`), core-dump analysis, `go tool nm` and `go tool objdump` ("no symbol
    /// section"), pprof's `-disasm` and `weblist`. Without a kept twin, those answers are gone.
    ///
    /// ## What really happens
    /// Checked with Go 1.21, 1.23 and 1.27 (the scenario that says pprof loses source lines is
    /// wrong): `-s -w` keeps `.gopclntab`, `.go.buildinfo` and the Go build ID note, so panic
    /// traces and `runtime/pprof` profiles (symbolized at collection time) keep function names,
    /// file:line and inlined frames. Forcing offline re-symbolization (`-symbolize=force`) is
    /// worse: it loses inline frames even with the unstripped binary.
    ///
    /// On ELF, `-s` alone also drops DWARF (Go 1.21 already did; since Go 1.22 `-s -w=false`
    /// keeps it, and macOS behaves the same). `-s -w` changes the Go build ID, so building twice
    /// (once stripped, once not) never gives a matching pair. Build once unstripped, keep that
    /// file, and derive the shipped copy with `strip` or `objcopy`: `go tool buildid` is
    /// identical on both. `-w` alone removes DWARF only: the symbol table stays (the finding
    /// says which was removed). In a build definition, an unstripped build of the same packages
    /// in the same Makefile target, CI job or script counts as the kept copy; a development
    /// target elsewhere in the file does not.
    ///
    /// gdb, perf and debuginfod find symbols by the GNU build ID (ELF) or LC_UUID (Mach-O).
    /// Since Go 1.24 the linker writes one by default, derived from the Go build ID (`-B none`
    /// removes it); Go 1.23 and older write none unless given `-B 0x<hex>` (`-B gobuildid` is
    /// rejected by Go 1.21). Because it is derived from the Go build ID, a separately built
    /// `-s -w` binary gets a different GNU build ID than the unstripped one: only a stripped
    /// copy of one build shares it with the file you keep.
    ///
    /// A wasm module (GOOS=js or wasip1) never has DWARF: Go's linker writes none for js, wasip1
    /// or plan9 (`dwarfEnabled` in cmd/link), so `-w` alone changes nothing there and is not
    /// reported. A wasm module's symbol table is the `name` section of function names, which
    /// `-s` omits (checked with Go 1.27); only that is judged there.
    ///
    /// ## Example
    /// ```sh
    /// go build -ldflags="-s -w" -o dist/api ./cmd/api
    /// ```
    ///
    /// ## Use instead
    /// ```sh
    /// go build -trimpath -o build/api ./cmd/api     # Go 1.24+: GNU build ID by default
    /// shiplint symbols store build/api --into symbols/
    /// strip -o dist/api build/api
    /// ```
    ///
    /// ## Fix
    /// No automatic fix: keep the unstripped build (`shiplint symbols store`) and strip a copy.
    ///
    /// ## References
    /// - <https://pkg.go.dev/cmd/link> (`-s`, `-w`, `-B`)
    /// - goreleaser's default `ldflags` (`-s -w -X main.version=...`):
    ///   <https://goreleaser.com/customization/builds/go/>
    /// - <https://sourceware.org/elfutils/Debuginfod.html>
    rule {
        code: "SL003",
        name: "stripped-without-symbols",
        level: Info,
        summary: "symbol table or DWARF removed and no unstripped twin kept",
        binary: check,
        defs: check_defs,
        release: check_shared_debug_ids,
    }
}

pub fn check(bin: &Binary<'_>, out: &mut Vec<Finding>) {
    let f = bin.facts;
    // Go writes no DWARF for wasm: only the `name` section (its symbol table) can be stripped.
    let dwarf = f.debug.dwarf || f.format == shiplint_gobin::Format::Wasm;
    if !f.is_go || (f.debug.symbol_table && dwarf) {
        return;
    }
    let gone = match (f.debug.symbol_table, dwarf) {
        (false, false) => "symbol table and DWARF removed",
        (true, false) => "DWARF removed",
        _ => "symbol table removed",
    };
    if let Some(dir) = &bin.options.symbols_dir {
        let by_go = f.go_build_id.as_deref().and_then(|id| symbol_store::find_twin(dir, id));
        let by_gnu =
            || f.gnu_build_id.as_deref().and_then(|id| symbol_store::find_twin_by_gnu_build_id(dir, id, bin.container));
        if by_go.or_else(by_gnu).is_some() {
            return;
        }
    }
    let id = lookup_id(f);
    let message = match &bin.options.symbols_dir {
        Some(dir) => format!("{gone}, and {} has no unstripped copy with {id}", dir.display()),
        None => format!("{gone}; no unstripped copy with {id} was given (--symbols DIR)"),
    };
    let help = "keep the unstripped build (`shiplint symbols store BIN --into DIR`) and ship a `strip`ped copy; \
                panic traces and runtime/pprof profiles are not affected by stripping";
    out.push(bin.finding(&META, "symbol table and DWARF", message, help));
}

/// The ID the unstripped copy is found by: the Go build ID, or, where the build blanked or
/// redacted it (Bazel links with `-buildid=redacted`), the GNU build ID or Mach-O UUID that
/// debuggers and symbol servers look symbols up by.
fn lookup_id(f: &shiplint_gobin::Facts) -> String {
    match f.go_build_id.as_deref() {
        Some(id) if symbol_store::identifies_a_build(id) => format!("Go build ID {id}"),
        go => {
            let why = if go == Some("redacted") { "redacted" } else { "absent" };
            match (&f.gnu_build_id, &f.macho_uuid) {
                (Some(gnu), _) => format!("GNU build ID {gnu} (the Go build ID is {why})"),
                (None, Some(uuid)) => format!("Mach-O UUID {uuid} (the Go build ID is {why})"),
                (None, None) => format!("the same build (its Go build ID is {why} and it has no GNU build ID)"),
            }
        }
    }
}

/// Different builds that carry one GNU build ID or Mach-O UUID (a fixed `-B 0x...` passed to
/// every build does it): debuginfod, a symbol server or a crash reporter keyed by that ID hands
/// out one build's symbols for the other. A file and its `strip`ped copy share the ID, rightly.
pub fn check_shared_debug_ids(release: &crate::release::ReleaseFacts, out: &mut Vec<Finding>) {
    let mut first_seen: std::collections::BTreeMap<&str, (&crate::release::Shipped, &crate::release::DebugId)> =
        std::collections::BTreeMap::new();
    for s in &release.shipped {
        for d in &s.debug_ids {
            let Some(&(other, od)) = first_seen.get(d.id.as_str()) else {
                first_seen.insert(&d.id, (s, d));
                continue;
            };
            if other.sha256 == s.sha256 || (od.platform == d.platform && od.build == d.build) {
                continue;
            }
            let message = format!(
                "{} is also the ID of {} ({}), a different build: a symbol server or debuginfod finds one build's \
                 symbols for the other",
                d.id, other.location, od.platform
            );
            let help = if d.go_build_id_hidden {
                "the linker derived this ID from a blanked or redacted Go build ID (Bazel's rules_go links with \
                 `-buildid=redacted`), which is the same for every build: give each build its own ID with \
                 `-B 0x<hex>` computed from what identifies it (commit and platform)"
            } else {
                "give each build its own ID: since Go 1.24 the linker derives it from the Go build ID by default \
                 (and `-B gobuildid` does on Go 1.23); do not pass one fixed `-B 0x...` to several builds"
            };
            out.push(release.finding(&META, &s.location, "build ID", message, help));
        }
    }
}

/// Whether `-ldflags` words strip: `-s` or `-w` (also `--s`, `-s=true`, `-w=1`).
fn strips(flags: &str) -> bool {
    stripped_by(flags).is_some()
}

/// What `-ldflags` words remove: `-s` the symbol table and (it implies `-w`) DWARF; `-w` alone
/// DWARF only.
fn stripped_by(flags: &str) -> Option<&'static str> {
    match crate::defs::gobuild::linker_strips(flags) {
        (true, true) => Some("-s -w remove the symbol table and DWARF"),
        (true, false) => Some("-s removes the symbol table and DWARF (it implies -w)"),
        (false, true) => Some("-w removes DWARF (the symbol table stays, so perf and addr2line still name functions)"),
        (false, false) => None,
    }
}

pub fn check_defs(defs: &Defs<'_>, out: &mut Vec<Finding>) {
    let stripped = |b: &crate::defs::source::Build<'_>| defs.ldflags_written(&b.invocation).is_some_and(|f| strips(&f));
    // Each run of each command (the file alone, and as each caller runs it): a caller may be
    // the one that gives the flags (`LDFLAGS='-s -w' ./build.sh`). One finding per place.
    let runs = defs.builds_by_command();
    for b in runs.iter().filter_map(|run| run.iter().find(|b| defs.ships(b).is_some())) {
        let inv = &b.invocation;
        let Some(written) = defs.ldflags_written(inv).filter(|_| !inv.only_compiles()) else { continue };
        let Some(what) = stripped_by(&written) else { continue };
        // js, wasip1 and plan9 binaries never carry DWARF: `-w` alone removes nothing there.
        let no_dwarf_anyway = matches!(inv.target_os(), Some("js" | "wasip1" | "plan9"));
        if no_dwarf_anyway && !crate::defs::gobuild::linker_strips(&written).0 {
            continue;
        }
        // An unstripped build of the same packages in the same target, job or script is the kept
        // copy (a development target elsewhere in the file keeps nothing of the release). A build
        // of another run of the file (another caller's, or the file read alone with its caller's
        // flags unset) is not.
        let same_packages = |o: &crate::defs::source::Build<'_>| {
            o.invocation.packages.iter().map(|p| &p.0).eq(inv.packages.iter().map(|p| &p.0))
        };
        let same_run = |o: &crate::defs::source::Build<'_>| match (&o.via, &b.via) {
            (None, None) => true,
            (Some(x), Some(y)) => std::sync::Arc::ptr_eq(x, y),
            _ => false,
        };
        let kept = defs.builds.iter().any(|o| {
            same_packages(o) && o.context == b.context && same_run(o) && !stripped(o) && defs.ships(o).is_some()
        });
        if kept {
            continue;
        }
        let what = match inv.implicit_ldflags {
            true => "goreleaser's default ldflags (-s -w) remove the symbol table and DWARF",
            false => what,
        };
        let message = format!(
            "{what}, and no unstripped copy is built: delve, gdb, perf and addr2line have less or nothing to \
             read when it crashes (panic traces and pprof profiles keep their names and lines)"
        );
        // Where `-s`/`-w` is written: at the build (a variable of the file it expands, `LDFLAGS
        // := -s -w`, is then a related place: what to change), or at the caller that passes it
        // (`GO_LDFLAGS="-s -w" ./scripts/build.sh`, or through a variable of its own: `make
        // BLDFLAGS="$GOFLAGS"`, `export LD_OPTS = -ldflags -s` before `$(MAKE) -C cli`) when
        // this file writes none.
        let mut related = None;
        let at = match &inv.ldflags {
            Some((_, w)) => {
                let strips = |text: &str| stripped_by(text).is_some();
                let here = defs.written_in(w, &strips);
                let holds_here = defs.text.get(here.start..here.end).is_some_and(strips);
                let caller = b.via.as_deref().filter(|_| !holds_here);
                // Written in another file (a ko config's `ldflags:`): said at its line there.
                let item_strips = |line: &str| {
                    let item = line.trim_start();
                    strips(item.strip_prefix("- ").unwrap_or(item).trim_matches(['"', '\'']))
                };
                let elsewhere = || inv.ldflags_lines.as_ref().filter(|_| !holds_here)?.find(&item_strips);
                match elsewhere().or_else(|| caller.and_then(|c| c.chain().find_map(|c| c.writes(&strips)))) {
                    Some((path, lines)) => Location::text(path, lines),
                    // A build in vendored code (a shared build system's `go build $(LDFLAGS)`)
                    // is said where the project writes the flags.
                    None if holds_here && crate::defs::source::is_vendored(defs.place(w.start, w.end).0) => {
                        defs.location(here.start, here.end)
                    }
                    None => {
                        if holds_here && !std::ptr::eq(here, *w) {
                            related = Some(defs.location(here.start, here.end));
                        }
                        defs.location(w.start, w.end)
                    }
                }
            }
            None => defs.location(inv.span.0, inv.span.1),
        };
        let help = "build once without -s -w, keep that file (`shiplint symbols store`), and ship a `strip`ped copy: \
                    it keeps the Go build ID";
        let mut finding = META.finding(at, message, help);
        finding.related.extend(related);
        out.push(finding);
    }
}
