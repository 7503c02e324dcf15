use super::Binary;
use crate::defs::gobuild::x_assignments_text;
use crate::finding::Finding;
use shiplint_gobin::symbols;

declare_rule! {
    /// ## What it does
    /// Checks that every `-X importpath.name=value` linker flag took effect, by reading the
    /// variable's string from the binary's data through its symbol table. The assignments come
    /// from the `-ldflags` BuildInfo recorded (only builds without `-trimpath` record it) and
    /// from `--expect-x importpath.name=value`.
    ///
    /// ## Why is this bad?
    /// `-X` fails the link only for a target that is not a `string` variable or a malformed
    /// argument; everything else passes in silence: a typo, a constant or a variable overwritten
    /// at start-up all leave the program printing `dev` while the release notes say `v1.2.3`.
    ///
    /// ## What really happens
    /// Checked with Go 1.21, 1.23 and 1.27. Silently ignored (exit 0, no warning): a `const`; a
    /// short or wrong import path (`version.Version` for `example.com/x/internal/version.Version`);
    /// `main.x` when `x` lives in another package; a name that does not exist; a package that is
    /// not linked; a variable removed as dead code. Written but then overwritten: a variable
    /// initialised by code that runs at start-up (`var V = defaultVersion()`, or another
    /// variable: `var B = A`) or assigned in `init()`. A variable whose type is not exactly
    /// `string`, or an argument without `=`, is a link error, not silent.
    ///
    /// The variable is found through the symbol table, which a binary linked with `-s`
    /// (goreleaser's default `-s -w`) lacks. There the data still shows one thing: `-X` writes
    /// the value's bytes into the file, so a value found nowhere outside BuildInfo's module text
    /// was not set, and is reported. A value that is there may sit in another variable or be
    /// overwritten at start-up: `--expect-x` says it could not verify it.
    ///
    /// The value is read from the variable itself: finding the value's text somewhere in the file
    /// proves nothing, because BuildInfo's recorded `-ldflags` contains it. An overwrite during
    /// package initialisation cannot be seen in the bytes: the file holds the linker's value
    /// (verified with Go 1.27: `var Commit = defaultCommit()` built with `-X main.Commit=abc123`
    /// holds "abc123" in its data and prints "none"). The build-definition rule
    /// x-flag-overwritten-at-init finds that case in the Go source.
    ///
    /// ## Example
    /// ```go
    /// package version
    /// const Version = "dev" // -X cannot set a constant
    /// ```
    /// ```sh
    /// go build -ldflags="-X example.com/app/internal/version.Version=v1.2.3" ./cmd/app
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// package version
    /// var Version = "dev"
    /// ```
    ///
    /// ## Fix
    /// No automatic fix for a binary. The build-definition rules (x-flag-const-target and others)
    /// fix the source.
    ///
    /// ## References
    /// - <https://pkg.go.dev/cmd/link> (`-X importpath.name=value`)
    rule {
        code: "SL004",
        name: "x-flag-not-applied",
        level: Error,
        summary: "a -X importpath.name=value assignment did not take effect",
        binary: check,
    }
}

/// The linker's symbol name for `importpath.name` (cmd/internal/objabi.PathToPrefix): in the
/// last path element, `.` and other special bytes become `%xx`.
pub fn symbol_name(target: &str) -> Option<String> {
    let dot = target.rfind('.')?;
    let (path, name) = (&target[..dot], &target[dot + 1..]);
    let slash = path.rfind('/').map_or(0, |i| i + 1);
    let mut sym = String::with_capacity(target.len() + 8);
    for (i, b) in path.bytes().enumerate() {
        if b <= b' ' || b == b'%' || b == b'"' || b >= 0x7f || (b == b'.' && i >= slash) {
            sym.push_str(&format!("%{b:02x}"));
        } else {
            sym.push(b as char);
        }
    }
    sym.push('.');
    sym.push_str(name);
    Some(sym)
}

pub fn check(bin: &Binary<'_>, out: &mut Vec<Finding>) {
    let f = bin.facts;
    let recorded =
        f.build_info.as_ref().and_then(|bi| bi.setting("-ldflags")).map(|l| x_assignments_text(&l)).unwrap_or_default();
    let mut wanted: Vec<(String, String, &str)> =
        recorded.into_iter().map(|(t, v)| (t, v, "BuildInfo -ldflags")).collect();
    for e in &bin.options.expect_x {
        if let Some((t, v)) = e.split_once('=') {
            wanted.retain(|(wt, _, _)| wt != t);
            wanted.push((t.to_string(), v.to_string(), "--expect-x"));
        }
    }
    if wanted.is_empty() {
        return;
    }
    if !f.debug.symbol_table {
        check_without_symbols(bin, &wanted, out);
        return;
    }
    for (target, value, source) in wanted {
        let Some(sym_name) = symbol_name(&target) else {
            continue;
        };
        let help;
        let message = match symbols::lookup(bin.container, &sym_name) {
            None => {
                help = "-X sets only a package-level `var` of type string: check the full import path, that it is a var \
                        (not a const) and that the package is linked";
                format!("-X {target}={value} ({source}) did nothing: no string variable {target} is linked")
            }
            Some(sym) => match symbols::read_go_string_var(bin.container, sym) {
                Some(actual) if actual == value => continue,
                Some(actual) => {
                    help = "pass the -X flag in the build that produced this file (BuildInfo records -ldflags only without -trimpath)";
                    format!("-X {target}={value} ({source}) did not take: {target} holds {actual:?}")
                }
                None => continue,
            },
        };
        out.push(bin.finding(&META, &format!("symbol {sym_name}"), message, help));
    }
}

/// A binary without a symbol table (`-s`, goreleaser's default) cannot show which variable holds
/// what. Its data can still show that a value is absent: `-X` writes the value's bytes into the
/// file, so a value found nowhere outside BuildInfo's module text (which records `-ldflags`
/// verbatim) was not set. A value found is not proof, so `--expect-x` says it could not verify.
fn check_without_symbols(bin: &Binary<'_>, wanted: &[(String, String, &str)], out: &mut Vec<Finding>) {
    let modinfo = shiplint_gobin::buildinfo::read_raw(bin.container).map(|r| r.modinfo).unwrap_or_default();
    for (target, value, source) in wanted {
        if value.is_empty() {
            continue;
        }
        let (message, help) = if occurs_outside(bin.container.data, value.as_bytes(), modinfo.as_bytes()) {
            if *source != "--expect-x" {
                continue;
            }
            (
                format!(
                    "-X {target}={value} ({source}) cannot be verified: the symbol table is stripped (-s); \
                     the value's text is in the file's data, but not which variable holds it"
                ),
                "check an unstripped build of the same source (strip a copy for shipping), or run the program",
            )
        } else {
            (
                format!(
                    "-X {target}={value} ({source}) did nothing: the value is nowhere in the file's data \
                     (the symbol table is stripped, so the variable itself cannot be read)"
                ),
                "-X sets only a package-level `var` of type string: check the full import path, that it is a var \
                 (not a const) and that the package is linked",
            )
        };
        out.push(bin.finding(&META, "data (no symbol table)", message, help));
    }
}

/// Whether `needle` occurs in `data` other than inside a copy of `modinfo` (BuildInfo's module
/// text, stored in the BuildInfo blob and again as `runtime.modinfo`).
fn occurs_outside(data: &[u8], needle: &[u8], modinfo: &[u8]) -> bool {
    let copies: Vec<usize> =
        if modinfo.is_empty() { Vec::new() } else { memchr::memmem::find_iter(data, modinfo).collect() };
    memchr::memmem::find_iter(data, needle)
        .any(|at| !copies.iter().any(|&start| at >= start && at + needle.len() <= start + modinfo.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbol_names_escape_the_last_element() {
        assert_eq!(symbol_name("main.version").as_deref(), Some("main.version"));
        assert_eq!(symbol_name("gopkg.in/yaml.v2.Version").as_deref(), Some("gopkg.in/yaml%2ev2.Version"));
        assert_eq!(
            symbol_name("example.com/x/internal/version.Version").as_deref(),
            Some("example.com/x/internal/version.Version")
        );
    }

    #[test]
    fn a_value_inside_buildinfo_only_does_not_count() {
        let modinfo = b"build\t-ldflags=\"-X main.v=v9.9.9\"\n";
        let mut data = b"head ".to_vec();
        data.extend(modinfo);
        data.extend(b" middle ");
        data.extend(modinfo);
        assert!(!occurs_outside(&data, b"v9.9.9", modinfo));
        data.extend(b" v9.9.9 tail");
        assert!(occurs_outside(&data, b"v9.9.9", modinfo));
    }
}
