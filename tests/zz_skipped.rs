//! The last lines of `cargo test`: which tests were skipped for a missing
//! tool, and how to enable them (see `tests/support/skipped.rs`). Named to
//! run last (cargo runs test targets in name order) and built without
//! libtest (`harness = false` in Cargo.toml), so nothing hides its output.

#[path = "support/skipped.rs"]
mod skipped;

fn main() {
    let skips = skipped::take();
    let lines = skipped::summary(&skips);
    if lines.is_empty() {
        return;
    }
    println!();
    for line in &lines {
        println!("{line}");
    }
    println!("(`bash .ci/run` installs everything the tests need; under CI a missing tool fails the run)");
}
