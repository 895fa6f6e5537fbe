//! The edges that wait on the world: rebuilding on every save, and the local
//! server whose pages reload themselves.

pub mod serve;
pub mod watch;
