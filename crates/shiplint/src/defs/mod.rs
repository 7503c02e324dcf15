//! Build definitions: the files that describe how Go executables are built (shell scripts,
//! Dockerfiles), read into one model of `go build` invocations that rules check.

pub mod actions;
pub mod budget;
pub mod ci;
pub mod dockerfile;
pub mod eval;
pub mod exercise;
pub mod gitlab;
pub mod gobuild;
pub mod goprog;
pub mod goreleaser;
pub mod gosrc;
pub mod images;
pub mod link;
pub mod makefile;
pub mod promu;
pub mod shell;
pub mod source;
pub mod text;
pub mod value;
