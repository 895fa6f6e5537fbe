//! The manager's side (SPEC §10): a team is many journals through the one
//! engine.
//!
//! ```text
//!  team folder ─ load ──► Team { members: [Workspace …] }   (team.yaml or subfolders)
//!                  │
//!                  ├─ figures ──► TeamReport (each member's own report + history + totals)
//!                  ├─ pages   ──► the team pages + each member's own site under members/<slug>/
//!                  └─ parquet ──► Hive-partitioned tables for the organisation
//! ```
//!
//! Nothing here re-implements a figure or a page of a journal: a member is
//! loaded by [`crate::site::workspace::Workspace`], computed by its
//! `figures`, rendered by the single-journal [`crate::render::Renderer`].

pub mod command;
pub mod figures;
pub mod load;
pub mod pages;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod text;

pub use figures::{report, TeamReport};
pub use load::{Member, MemberState, Team};
