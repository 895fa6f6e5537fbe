//! End-to-end tests of the `saleslog` binary: one test binary, one module
//! per command or concern, sharing the harness in `harness.rs`.

mod harness;
#[path = "../support/skipped.rs"]
mod skipped;

mod browser;
mod browser_live;
mod browser_phone;
mod build;
mod check;
mod completions;
mod days_off;
mod export;
mod faults;
mod fuzz_regressions;
mod git;
mod guards;
mod init;
mod lsp;
mod new;
mod oracle;
mod report;
mod serve;
mod team;
mod vaults;
mod watch;
