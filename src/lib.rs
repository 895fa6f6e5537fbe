//! saleslog: plain-text daily notes in, the reports a self-managed
//! salesperson needs out.
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
