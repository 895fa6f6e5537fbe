//! End-to-end tests of the `saleslog` binary: one test binary, one module
//! per command or concern, sharing the harness in `harness.rs`.

mod harness;

mod browser;
mod browser_live;
mod build;
mod check;
mod completions;
mod export;
mod faults;
mod fuzz_regressions;
mod init;
mod lsp;
mod new;
mod oracle;
mod report;
mod serve;
mod watch;
