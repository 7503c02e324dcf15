//! shiplint: finds, explains and fixes defects in how Go executables are built and shipped.
//!
//! The binary (`src/main.rs`) is a thin shell over the commands here.

pub mod add_ignores;
pub mod check;
pub mod config;
pub use shiplint_defs as defs;
pub mod diff;
pub mod exercise;
pub mod finding;
pub mod fix;
pub mod go_releases;
pub mod goversion;
pub mod image;
pub mod inspect;
pub mod mapped;
pub mod package;
pub mod platform_names;
pub mod reach;
pub mod release;
pub mod report;
pub mod rules;
pub mod symbol_store;
pub mod timestamp;
pub mod walk;
