//! What saleslog knows, as types: the configuration, one validated note,
//! the journal folded as of a date, and the problems found on the way.

pub mod config;
pub mod counts;
pub mod diagnostic;
pub mod journal;
pub mod note;
