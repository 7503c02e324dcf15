//! Every fact about one executable slice, gathered from the readers in this crate.

use crate::buildinfo::{self, BlobFormat, BuildInfo};
use crate::codesign::{self, CodeSignature};
use crate::container::{Container, Details, Format};
use crate::pclntab::{self, Pclntab};
use crate::{Endian, buildid, symbols};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GoVersionSource {
    BuildInfo,
    /// The `runtime.buildVersion` variable, read through the symbol table (Go < 1.13).
    RuntimeBuildVersion,
    /// A wasm module's `producers` section.
    WasmProducers,
}

/// Symbol table and DWARF: what `-ldflags="-s -w"` removes.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DebugInfo {
    pub symbol_table: bool,
    pub defined_symbols: usize,
    pub dwarf: bool,
    /// `.zdebug_*` sections or SHF_COMPRESSED (Go compresses DWARF with zlib by default).
    pub dwarf_compressed: bool,
    pub dwarf_sections: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkageKind {
    /// No program interpreter: runs without any dynamic loader.
    Static,
    /// Position-independent, self-relocating, still without an interpreter.
    StaticPie,
    /// Needs a dynamic loader and shared libraries (every Mach-O and PE is dynamic in this sense).
    Dynamic,
    /// A WebAssembly module: runs inside a host (a browser, Node.js, a WASI runtime) that
    /// provides the modules it imports.
    WasmHost,
}

#[derive(Clone, Debug, Serialize)]
pub struct Linkage {
    pub kind: LinkageKind,
    /// ELF PT_INTERP.
    pub interpreter: Option<String>,
    /// ELF DT_NEEDED, Mach-O LC_LOAD_DYLIB, PE imported DLLs, or the modules a wasm module imports from.
    pub libraries: Vec<String>,
}

/// What kind of file a container is: a program, or a library a program loads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Artifact {
    Executable,
    /// A shared library (Go's `-buildmode=c-shared`, `plugin` or `shared`; an ELF shared
    /// object, a Mach-O dylib or bundle, a PE DLL): loaded by a program, never run itself.
    SharedLibrary,
}

impl Artifact {
    /// What a BuildInfo `-buildmode` setting says.
    fn from_build_mode(mode: &str) -> Artifact {
        match mode {
            "c-shared" | "plugin" | "shared" => Artifact::SharedLibrary,
            _ => Artifact::Executable,
        }
    }

    /// What the container's header says. An ELF shared object and a position-independent
    /// executable are both `ET_DYN`: a PIE has a program interpreter or `DF_1_PIE`.
    fn from_header(c: &Container<'_>) -> Artifact {
        let shared = match &c.details {
            Details::Elf(d) => d.file_type == 3 && d.interpreter.is_none() && !d.pie_flag,
            // MH_DYLIB, MH_BUNDLE.
            Details::MachO(m) => matches!(m.file_type, 6 | 8),
            // IMAGE_FILE_DLL.
            Details::Pe(p) => p.characteristics & 0x2000 != 0,
            Details::Plan9 | Details::Wasm(_) => false,
        };
        if shared { Artifact::SharedLibrary } else { Artifact::Executable }
    }
}

/// All facts about one executable (one slice of a universal binary).
#[derive(Clone, Debug, Serialize)]
pub struct Facts {
    pub format: Format,
    pub arch: String,
    pub endian: Endian,
    pub pointer_size: u8,
    /// True when any Go marker is present: BuildInfo, a pclntab, a build ID the Go linker wrote
    /// (not the GNU note every linker writes) or `runtime.buildVersion`.
    pub is_go: bool,
    /// A program or a shared library: from BuildInfo's build settings when recorded (Go 1.18+
    /// records `-buildmode` whenever it is not the default), else from the header.
    pub artifact: Artifact,
    pub go_version: Option<String>,
    pub go_version_source: Option<GoVersionSource>,
    pub build_info: Option<BuildInfo>,
    pub build_info_format: Option<BlobFormat>,
    /// Why BuildInfo could not be read, in Go's words.
    pub build_info_error: Option<String>,
    pub go_build_id: Option<String>,
    pub gnu_build_id: Option<String>,
    pub macho_uuid: Option<String>,
    pub pclntab: Option<Pclntab>,
    pub debug: DebugInfo,
    pub linkage: Linkage,
    pub code_signature: Option<CodeSignature>,
}

fn is_dwarf_name(name: &str) -> bool {
    [".debug_", ".zdebug_", "__debug_", "__zdebug_"].iter().any(|p| name.starts_with(p))
}

/// Gathers the facts of one container.
pub fn facts(c: &Container<'_>) -> Facts {
    // A wasm module keeps BuildInfo's text and the pclntab in data segments, not in a section;
    // linear memory is laid out only for one its producers section says Go made.
    let wasm = match &c.details {
        Details::Wasm(d) => Some((d, d.go_version.as_ref().and_then(|_| crate::wasm::memory_image(c)))),
        _ => None,
    };
    let raw = match &wasm {
        Some((d, Some((base, memory)))) => buildinfo::read_wasm(d.go_version.as_deref(), memory, *base),
        Some((d, None)) => buildinfo::read_wasm(d.go_version.as_deref(), &[], 0),
        None => buildinfo::read_raw(c),
    };
    let (build_info, build_info_format, build_info_error) = match &raw {
        Ok(r) => match buildinfo::parse(r.modinfo.as_bytes()) {
            Ok(mut bi) => {
                bi.go_version = r.go_version.clone();
                (Some(bi), Some(r.blob_format), None)
            }
            Err(e) => (None, Some(r.blob_format), Some(e.to_string())),
        },
        Err(e) => (None, None, Some(e.to_string())),
    };
    let (go_version, go_version_source) = match &raw {
        Ok(r) if wasm.is_some() => (Some(r.go_version.to_str().into_owned()), Some(GoVersionSource::WasmProducers)),
        Ok(r) => (Some(r.go_version.to_str().into_owned()), Some(GoVersionSource::BuildInfo)),
        Err(_) => match symbols::runtime_build_version(c) {
            Some(v) => (Some(v), Some(GoVersionSource::RuntimeBuildVersion)),
            None => (None, None),
        },
    };
    let go_build_id = buildid::go_build_id(c.data).ok().filter(|id| !id.is_empty());
    let gnu_build_id = (c.format == Format::Elf).then(|| buildid::gnu_build_id(c)).flatten();
    let pclntab = match &wasm {
        Some((_, memory)) => {
            memory.as_ref().and_then(|(base, m)| pclntab::find_in_memory(m, *base, c.endian, c.ptr_size))
        }
        None => pclntab::find(c),
    };

    let dwarf_sections: Vec<String> =
        c.sections.iter().filter(|s| is_dwarf_name(&s.name)).map(|s| s.name.clone()).collect();
    let dwarf_compressed = c
        .sections
        .iter()
        .any(|s| is_dwarf_name(&s.name) && (s.name.contains("zdebug") || s.flags & crate::elf::SHF_COMPRESSED != 0));
    let defined_symbols = match &wasm {
        Some((d, _)) => d.named_functions,
        None => symbols::defined_count(c),
    };
    let debug = DebugInfo {
        symbol_table: defined_symbols > 0,
        defined_symbols,
        dwarf: !dwarf_sections.is_empty(),
        dwarf_compressed,
        dwarf_sections,
    };

    let artifact = match build_info.as_ref().and_then(|b| b.setting("-buildmode")) {
        Some(mode) => Artifact::from_build_mode(&mode),
        // Build settings are recorded since Go 1.18: before, BuildInfo cannot say.
        None if build_info.as_ref().is_some_and(|b| !b.settings.is_empty()) => Artifact::Executable,
        None => Artifact::from_header(c),
    };
    let (linkage, macho_uuid) = match &c.details {
        Details::Elf(d) => {
            let kind = match (&d.interpreter, d.file_type) {
                (Some(_), _) => LinkageKind::Dynamic,
                // A shared object is loaded by its host's loader, with the libraries it names.
                (None, _) if artifact == Artifact::SharedLibrary => LinkageKind::Dynamic,
                (None, 3) => LinkageKind::StaticPie,
                (None, _) => LinkageKind::Static,
            };
            (Linkage { kind, interpreter: d.interpreter.clone(), libraries: d.needed.clone() }, None)
        }
        Details::MachO(m) => {
            (Linkage { kind: LinkageKind::Dynamic, interpreter: None, libraries: m.dylibs.clone() }, m.uuid.clone())
        }
        Details::Pe(p) => {
            (Linkage { kind: LinkageKind::Dynamic, interpreter: None, libraries: p.imports.clone() }, None)
        }
        Details::Plan9 => (Linkage { kind: LinkageKind::Static, interpreter: None, libraries: Vec::new() }, None),
        Details::Wasm(d) => {
            (Linkage { kind: LinkageKind::WasmHost, interpreter: None, libraries: d.import_modules.clone() }, None)
        }
    };
    let code_signature = match &c.details {
        Details::MachO(m) => m.code_signature.map(|(off, size)| codesign::read(c.data, off, size)),
        _ => None,
    };
    let is_go = raw.is_ok() || go_version.is_some() || pclntab.is_some() || buildid::written_by_go_linker(c.data);
    Facts {
        format: c.format,
        arch: c.arch.clone(),
        endian: c.endian,
        pointer_size: c.ptr_size,
        is_go,
        artifact,
        go_version,
        go_version_source,
        build_info,
        build_info_format,
        build_info_error,
        go_build_id,
        gnu_build_id,
        macho_uuid,
        pclntab,
        debug,
        linkage,
        code_signature,
    }
}
