//! saleslog: plain-text daily notes in, the reports a self-managed
//! salesperson needs out.
//!
//! The pipeline, one module per stage, each with its own type:
//!
//! ```text
//!  journal folder
//!    │ discover      files found (SourceFile), read with size/encoding limits
//!    │ frontmatter   note text split into YAML + body (line offsets kept)
//!    │ yaml, tasks   a located YAML tree; body task items
//!    │ note          one validated Note per file, problems as Diagnostics
//!    │ workspace     every note in memory, re-read only when it changes
//!    │ journal       notes folded in (date, path) order as of D: deals, commitments
//!    │ analyse       the figures of each area and the five boxes (Figures)
//!    │ render        view models → tera templates → Pages
//!    ▼ output_dir    pages written atomically, only when changed, in a guarded folder
//!
//!  at the edges: cli (commands, exit codes), output (terminal text), build,
//!  watch and serve (rebuild on save, local server), init / new / export.
//! ```
//!
//! Everything between `discover` and `output_dir` is pure: no I/O, no clock
//! (the report date is passed in), so it is tested without files. Problems
//! in notes are data ([`diagnostic::Diagnostic`]), never panics; operational
//! failures are an [`error::Error`] with the path attached.

pub mod analyse;
pub mod build;
pub mod cli;
pub mod completions;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod error;
pub mod export;
pub mod frontmatter;
pub mod init;
pub mod journal;
pub mod new;
pub mod note;
pub mod output;
pub mod output_dir;
pub mod render;
pub mod serve;
pub mod tasks;
pub mod text;
pub mod watch;
pub mod workspace;
pub mod yaml;
