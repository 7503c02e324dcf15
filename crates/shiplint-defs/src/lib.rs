//! Build definitions: the files that describe how Go executables are built (shell scripts,
//! Makefiles, Dockerfiles, CI workflows, goreleaser and promu configs, Go build programs), read
//! into one model of the `go build` invocations they run, linked across files.
//!
//! Values keep their holes (`value::Value`): what no file states (`$(git describe)`, `$1`,
//! `${{ github.ref_name }}`) stays a hole that says where it came from, and the text around it
//! is still judged. This crate reads and models; it has no rules and prints nothing.

pub mod actions;
pub mod bake;
pub mod budget;
pub mod build_actions;
pub mod ci;
pub mod circleci;
pub mod dockerfile;
pub mod drone;
pub mod eval;
pub mod gitlab;
pub mod goast;
pub mod gobuild;
pub mod goprog;
pub mod goreleaser;
pub mod gosrc;
pub mod images;
pub mod ko;
pub mod link;
pub mod makefile;
pub mod powershell;
pub mod promu;
pub mod shell;
pub mod snapcraft;
pub mod source;
pub mod taskfile;
pub mod template;
pub mod text;
pub mod tree;
pub mod value;
