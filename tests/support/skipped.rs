//! Tests skipped for a missing tool, told at the end of `cargo test`.
//!
//! libtest hides what a passing test prints, so a test that skips (no
//! Chromium, no Python module) would pass in silence and a newcomer's
//! `cargo test` would look complete. Instead a skipping test leaves a
//! marker file, and the last test target of the run (`tests/zz_skipped.rs`,
//! `harness = false`, so its output is never captured) prints one line per
//! missing tool: what was skipped and the command that enables it.
//!
//! A run is told apart by the process that started the test binaries:
//! `cargo test` is the parent of every one of them, so markers live in
//! `target/tmp/skipped/<cargo's pid>/`. The summary reads and removes its
//! own run's markers, and removes those of runs that are over (a run of
//! `cargo test --test cli` alone, or one stopped by a failure), so a skip
//! is never reported by a later run that did not skip it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// One skipped test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// `browser::the_dashboard_in_a_real_browser`.
    pub test: String,
    /// What this machine lacks: `chromium is not installed`.
    pub missing: String,
    /// How to get it: `apt-get install chromium`.
    pub enable: String,
}

/// Where the markers live: `target/tmp/skipped/`.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("skipped")
}

/// This run: the pid of the `cargo test` that started this binary.
pub fn run_id() -> String {
    std::os::unix::process::parent_id().to_string()
}

/// Leave the marker of a skipped test for the end-of-run summary.
pub fn record(skip: &Skip) {
    record_in(&root(), &run_id(), skip);
}

pub fn record_in(root: &Path, run: &str, skip: &Skip) {
    let dir = root.join(run);
    let _ = std::fs::create_dir_all(&dir);
    let file: String = skip.test.chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '-' }).collect();
    let _ = std::fs::write(dir.join(file), format!("{}\n{}\n{}\n", skip.test, skip.missing, skip.enable));
}

/// This run's skips (sorted by test), removing their markers and those of
/// runs that are over.
pub fn take() -> Vec<Skip> {
    take_from(&root(), &run_id())
}

pub fn take_from(root: &Path, run: &str) -> Vec<Skip> {
    let mine = root.join(run);
    let mut skips = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&mine) {
        for entry in entries.flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let mut lines = text.lines().map(str::to_string);
            if let (Some(test), Some(missing), Some(enable)) = (lines.next(), lines.next(), lines.next()) {
                skips.push(Skip { test, missing, enable });
            }
        }
    }
    let _ = std::fs::remove_dir_all(&mine);
    if let Ok(entries) = std::fs::read_dir(root) {
        for entry in entries.flatten() {
            if run_is_over(&entry.file_name().to_string_lossy(), &entry.path()) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    skips.sort_by(|a, b| a.test.cmp(&b.test));
    skips
}

/// A run is over when its process is gone (where /proc tells), else after
/// a day.
fn run_is_over(pid: &str, dir: &Path) -> bool {
    if Path::new("/proc/self").exists() {
        return !Path::new("/proc").join(pid).exists();
    }
    let age = std::fs::metadata(dir).and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
    age.is_some_and(|a| a > std::time::Duration::from_secs(24 * 3600))
}

/// The summary's lines: one per missing tool, naming the tests it skipped
/// and the command that enables them; nothing when nothing was skipped.
pub fn summary(skips: &[Skip]) -> Vec<String> {
    let mut causes: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for s in skips {
        match causes.iter_mut().find(|(m, e, _)| *m == s.missing && *e == s.enable) {
            Some((_, _, tests)) => tests.push(&s.test),
            None => causes.push((&s.missing, &s.enable, vec![&s.test])),
        }
    }
    causes
        .iter()
        .map(|(missing, enable, tests)| {
            let (n, them) = if tests.len() == 1 {
                ("1 test".to_string(), "it")
            } else {
                (format!("{} tests", tests.len()), "them")
            };
            format!("SKIPPED {n} ({}): {missing} — to run {them}: {enable}", tests.join(", "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip(test: &str, missing: &str, enable: &str) -> Skip {
        Skip { test: test.into(), missing: missing.into(), enable: enable.into() }
    }

    #[test]
    fn skips_are_told_once_per_missing_tool_and_only_by_their_own_run() {
        let root = tempfile::tempdir().unwrap();
        let chromium = ("chromium is not installed", "apt-get install chromium");
        record_in(root.path(), "1", &skip("browser_live::live_reload", chromium.0, chromium.1));
        record_in(root.path(), "1", &skip("browser::the_dashboard", chromium.0, chromium.1));
        record_in(
            root.path(),
            "1",
            &skip("export::ics", "python3 with `icalendar` is not installed", "pip install icalendar"),
        );
        // A run that is over (no process 999999999) and one still going (this process).
        record_in(root.path(), "999999999", &skip("old::run", "x", "y"));
        let alive = std::process::id().to_string();
        record_in(root.path(), &alive, &skip("other::run", "x", "y"));

        let skips = take_from(root.path(), "1");
        assert_eq!(
            summary(&skips),
            [
                "SKIPPED 2 tests (browser::the_dashboard, browser_live::live_reload): chromium is not installed — to run them: apt-get install chromium",
                "SKIPPED 1 test (export::ics): python3 with `icalendar` is not installed — to run it: pip install icalendar",
            ]
        );
        assert!(!root.path().join("1").exists(), "a run's markers are read once");
        assert!(!root.path().join("999999999").exists(), "a finished run's markers are removed");
        assert!(root.path().join(&alive).exists(), "a run still going keeps its markers");
        assert_eq!(take_from(root.path(), "1"), Vec::<Skip>::new());
        assert_eq!(summary(&[]), Vec::<String>::new());
    }
}
