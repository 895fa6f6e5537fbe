//! Reading the journal folder: which files are notes, and each note's text
//! split into its located YAML front matter and its body's task items.

pub mod discover;
pub mod frontmatter;
pub mod git;
pub mod tasks;
pub mod vault;
pub mod yaml;
