//! A small harness: write a journal into a temporary folder, run the binary
//! on it with a fixed `--today` and a clean environment, look at the result.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The report date every test uses unless it says otherwise.
pub const TODAY: &str = "2026-11-27";

/// A journal in a temporary folder.
pub struct Journal {
    dir: tempfile::TempDir,
}

impl Journal {
    pub fn new() -> Self {
        Journal { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// A journal with `saleslog.yaml` set to `config`.
    pub fn with_config(config: &str) -> Self {
        Journal::new().file("saleslog.yaml", config)
    }

    /// A copy of a fixture folder under `tests/fixtures/`.
    pub fn fixture(name: &str) -> Self {
        Journal::copy_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name))
    }

    /// A copy of `sample-journal/` (what a journal is: never the reports a
    /// user's `serve sample-journal` left in it; see [`copy_journal`]).
    pub fn sample() -> Self {
        Journal::copy_of(&sample_journal())
    }

    /// A copy of the journal at `from`, without what saleslog wrote in it.
    pub fn copy_of(from: &Path) -> Self {
        let j = Journal::new();
        copy_journal(from, j.path());
        j
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Write a file (creating folders), returning the journal for chaining.
    pub fn file(self, rel: &str, contents: &str) -> Self {
        self.write(rel, contents.as_bytes());
        self
    }

    pub fn write(&self, rel: &str, contents: &[u8]) {
        let path = self.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    /// A note with only front matter, named after its date.
    pub fn note(self, date: &str, yaml: &str) -> Self {
        self.file(&format!("{date}.md"), &format!("---\n{yaml}\n---\n"))
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.join(rel)).unwrap()
    }

    /// `saleslog --today TODAY <args> <journal>`.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_at(TODAY, args)
    }

    pub fn run_at(&self, today: &str, args: &[&str]) -> Run {
        let mut all = vec!["--today", today];
        all.extend_from_slice(args);
        let journal = self.path().to_str().unwrap().to_string();
        let mut cmd = saleslog();
        cmd.args(&all).arg(&journal);
        Run::from(cmd.output().expect("run saleslog"))
    }

    /// The JSON report as of `today`.
    pub fn report_json_at(&self, today: &str) -> serde_json::Value {
        let run = self.run_at(today, &["report", "--format", "json"]);
        assert_eq!(run.code, 0, "report failed: {}", run.stderr);
        serde_json::from_str(&run.stdout).expect("report is JSON")
    }

    pub fn report_json(&self) -> serde_json::Value {
        self.report_json_at(TODAY)
    }
}

/// Skip the calling test: this machine lacks `missing` ("chromium is not
/// installed"), which `enable` installs ("apt-get install chromium"). The
/// test then returns early and passes, and the end of `cargo test` says
/// so (see `tests/support/skipped.rs`: libtest would hide a line printed
/// here). Under CI (`CI` set) a missing tool fails the test instead:
/// `.ci/run` installs everything the tests need.
pub fn skip(missing: &str, enable: &str) {
    assert!(std::env::var_os("CI").is_none(), "{missing}; CI must provide it: {enable}");
    let test = std::thread::current().name().unwrap_or("a test").to_string();
    eprintln!("SKIPPED: {test}: {missing} — to run it: {enable}");
    crate::skipped::record(&crate::skipped::Skip { test, missing: missing.into(), enable: enable.into() });
}

/// The binary with an environment that cannot change its behaviour.
pub fn saleslog() -> Command {
    Command::from_std(saleslog_process())
}

/// The outcome of one run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<std::process::Output> for Run {
    fn from(o: std::process::Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// `sample-journal/` in the source tree. Read it only through
/// [`copy_journal`] (or [`Journal::sample`]): the README's run command
/// builds into `sample-journal/_site/`, and no test may depend on that.
pub fn sample_journal() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-journal")
}

/// Copy a journal: its notes, configuration, templates and anything else
/// the user keeps there — but not what a run of saleslog left in it: an
/// output folder (one holding saleslog's marker file, whatever its name or
/// place, or the default `_site/` even when an interrupted first build left
/// no marker) and saleslog's temporary files (`.saleslog-*`). A test then
/// sees the same journal whatever the user ran in the tree before it.
pub fn copy_journal(from: &Path, to: &Path) {
    copy_filtered(from, to, |entry| !left_by_saleslog(entry, from));
}

/// Was this entry of the journal at `root` written by saleslog?
fn left_by_saleslog(entry: &walkdir::DirEntry, root: &Path) -> bool {
    let name = entry.file_name().to_string_lossy();
    if entry.file_type().is_dir() {
        entry.path().join(".saleslog-output").exists() || entry.path() == root.join("_site")
    } else {
        name.starts_with(".saleslog-")
    }
}

/// Copy a folder as it is (a test's own temporary trees).
pub fn copy_dir(from: &Path, to: &Path) {
    copy_filtered(from, to, |_| true);
}

fn copy_filtered(from: &Path, to: &Path, keep: impl Fn(&walkdir::DirEntry) -> bool) {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_entry(|e| e.depth() == 0 || keep(e)) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `check --format json` as (file, line, column, code) tuples.
pub fn located(run: &Run) -> Vec<(String, u64, u64, String)> {
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("check JSON");
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The path of the binary under test.
/// The binary as a plain process (for a test that must spawn, time or
/// pipe it itself) with the same clean environment as [`saleslog`].
pub fn saleslog_process() -> std::process::Command {
    // Nothing of the caller's environment but `PATH`; no colour; UTC.
    let mut cmd = std::process::Command::new(saleslog_path());
    cmd.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default()).env("NO_COLOR", "1").env("TZ", "UTC");
    cmd
}

pub fn saleslog_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_saleslog"))
}

/// A long-running `saleslog` (watch, serve) with its stderr collected line
/// by line on a thread. Killed when dropped, so a failing test leaves no
/// process behind.
pub struct Spawned {
    child: std::process::Child,
    lines: std::sync::Arc<(std::sync::Mutex<Vec<String>>, std::sync::Condvar)>,
}

impl Spawned {
    /// `saleslog <args>` with the harness's clean environment.
    pub fn start(args: &[&str]) -> Spawned {
        use std::io::BufRead;
        let mut child = saleslog_process()
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn saleslog");
        let stderr = child.stderr.take().unwrap();
        let lines = std::sync::Arc::new((std::sync::Mutex::new(Vec::new()), std::sync::Condvar::new()));
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                sink.0.lock().unwrap().push(line);
                sink.1.notify_all();
            }
        });
        Spawned { child, lines }
    }

    /// Every stderr line so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.0.lock().unwrap().clone()
    }

    /// How many lines there are so far: a mark for [`Spawned::wait_for_line_after`].
    pub fn mark(&self) -> usize {
        self.lines.0.lock().unwrap().len()
    }

    /// Lines from `mark` on that satisfy `pred`.
    pub fn lines_after(&self, mark: usize, pred: impl Fn(&str) -> bool) -> Vec<String> {
        self.lines.0.lock().unwrap()[mark..].iter().filter(|l| pred(l)).cloned().collect()
    }

    /// The first line (from the start) satisfying `pred`, waiting up to
    /// `timeout`; panics with everything seen if none comes.
    pub fn wait_for_line(&self, pred: impl Fn(&str) -> bool, timeout: std::time::Duration) -> String {
        self.wait_for_line_after(0, pred, timeout)
    }

    /// The first line from `mark` on satisfying `pred`, waiting up to `timeout`.
    pub fn wait_for_line_after(
        &self,
        mark: usize,
        pred: impl Fn(&str) -> bool,
        timeout: std::time::Duration,
    ) -> String {
        let deadline = std::time::Instant::now() + timeout;
        let (lock, cond) = &*self.lines;
        let mut lines = lock.lock().unwrap();
        loop {
            if let Some(line) = lines.iter().skip(mark).find(|l| pred(l)) {
                return line.clone();
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                let seen = lines.join("\n");
                drop(lines);
                panic!("no such line within {timeout:?}; stderr so far:\n{seen}");
            }
            lines = cond.wait_timeout(lines, left.min(std::time::Duration::from_millis(200))).unwrap().0;
        }
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Is this stderr line of `watch`/`serve` the log line of a finished rebuild
/// (`HH:MM:SS what: N written, M unchanged, K removed in T ms; …`)?
pub fn is_rebuild_line(line: &str) -> bool {
    line.contains(" written, ") && line.contains(" unchanged, ") && line.contains(" removed in ")
}

/// Poll `cond` every few milliseconds until it holds or `timeout` passes.
pub fn eventually(timeout: std::time::Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if cond() {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Every file below `dir` (relative path → bytes), for comparing two output
/// folders.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            let bytes = std::fs::read(e.path()).unwrap();
            let bytes = if rel == ".saleslog-output" { marker_listing(&bytes) } else { bytes };
            (rel, bytes)
        })
        .collect()
}

/// What an output marker lists, one `hash length path` line per file in
/// path order: a watch session appends a changed page's line to the marker
/// (the last line for a path counts), a cold build writes it whole.
fn marker_listing(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let mut files = std::collections::BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let path = line.splitn(3, ' ').nth(2).unwrap_or(line);
        files.insert(path.to_string(), line.to_string());
    }
    files.into_values().map(|line| line + "\n").collect::<String>().into_bytes()
}

/// The first of `names` found on `PATH`.
pub fn find_in_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name))).find(|p| p.is_file())
}

/// Debian's Chromium (or another Chrome) on `PATH`.
pub fn find_chromium() -> Option<PathBuf> {
    find_in_path(&["chromium", "chromium-browser", "google-chrome"])
}

/// How the browser tests start Chromium: headless, as root, and without the
/// background connections this machine's closed network refuses.
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
];
