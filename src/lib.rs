//! saleslog: plain-text daily notes in, the reports a self-managed
//! salesperson needs out.
//!
//! The pipeline, one folder per stage, each with its own type:
//!
//! ```text
//!  journal folder
//!    │ source/discover      files found (SourceFile), read with size/encoding limits
//!    │ source/frontmatter   note text split into YAML + body (line offsets kept)
//!    │ source/yaml, tasks   a located YAML tree; body task items
//!    │ model/note           one validated Note per file, problems as Diagnostics
//!    │ site/workspace       every note in memory, re-read only when it changes
//!    │ model/journal        notes folded in (date, path) order as of D: deals, commitments
//!    │ analyse/             the figures of each area and the five boxes (Figures)
//!    │ render/              view models → tera templates → Pages
//!    ▼ site/output_dir      pages written atomically, only when changed, in a guarded folder
//!
//!  at the edges: cli (commands, exit codes), output (terminal text),
//!  site/build, live/ (watch and serve: rebuild on save, local server),
//!  commands/ (init, new, export, completions), team/ (many journals through
//!  the same engine: the manager's view).
//! ```
//!
//! Everything between `discover` and `output_dir` is pure: no I/O, no clock
//! (the report date is passed in), so it is tested without files. Problems
//! in notes are data ([`model::diagnostic::Diagnostic`]), never panics;
//! operational failures are an [`error::Error`] with the path attached.

pub mod analyse;
pub mod cli;
pub mod commands;
pub mod error;
pub mod live;
pub mod lsp;
pub mod model;
pub mod output;
pub mod render;
pub mod site;
pub mod source;
pub mod team;
pub mod text;
