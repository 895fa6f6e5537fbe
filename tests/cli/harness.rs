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
        let j = Journal::new();
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name), j.path());
        j
    }

    /// A copy of `sample-journal/`.
    pub fn sample() -> Self {
        let j = Journal::new();
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-journal"), j.path());
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

/// The binary with an environment that cannot change its behaviour.
pub fn saleslog() -> Command {
    let mut cmd = Command::cargo_bin("saleslog").expect("binary built");
    cmd.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default()).env("NO_COLOR", "1").env("TZ", "UTC");
    cmd
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

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
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
