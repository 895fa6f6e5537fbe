//! The journal held in memory and the site written from it: the workspace
//! that re-reads only changed notes, one build, and the guarded output folder.

#[cfg(unix)]
pub mod beneath;
pub mod build;
pub mod output_dir;
pub mod workspace;
