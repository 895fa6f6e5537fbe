//! The commands that create or hand over files: `init`, `new`, `export`,
//! shell completions and man pages.

pub mod completions;
pub mod export;
pub mod init;
pub mod new;
