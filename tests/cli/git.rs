//! SPEC §8 on real repositories: timeliness and late edits read from git.
//!
//! Every repository is made here, in a temporary folder, with the author,
//! committer and their dates set in the environment of each `git` call
//! (`HOME` a temporary folder, `GIT_CONFIG_NOSYSTEM=1`): no machine
//! configuration and no network is needed. Figures are computed by hand in
//! the comments.

use crate::harness::{saleslog, tree, Run};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A git repository in a temporary folder.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let r = Repo { dir: tempfile::tempdir().unwrap() };
        std::fs::create_dir_all(r.home()).unwrap();
        std::fs::create_dir_all(r.path()).unwrap();
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn join(&self, rel: &str) -> PathBuf {
        self.path().join(rel)
    }

    fn cmd(&self, dir: &Path, date: &str) -> Command {
        let mut cmd = Command::new("git");
        cmd.current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Rep")
            .env("GIT_AUTHOR_EMAIL", "rep@example.com")
            .env("GIT_COMMITTER_NAME", "Rep")
            .env("GIT_COMMITTER_EMAIL", "rep@example.com")
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date);
        cmd
    }

    /// Run git in `dir`; panics with its stderr on failure.
    fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let out = self.cmd(dir, "2026-01-01T12:00:00+0000").args(args).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.path(), args)
    }

    fn write(&self, rel: &str, text: &str) -> &Repo {
        let p = self.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    fn note(&self, rel: &str, yaml: &str) -> &Repo {
        self.write(rel, &format!("---\n{yaml}\n---\n"))
    }

    /// Stage everything and commit, authored (and committed) at `date`.
    fn commit(&self, date: &str, message: &str) -> &Repo {
        self.git(&["add", "-A"]);
        let out = self.cmd(&self.path(), date).args(["commit", "-q", "--allow-empty", "-m", message]).output().unwrap();
        assert!(out.status.success(), "commit: {}", String::from_utf8_lossy(&out.stderr));
        self
    }

    /// Commit authored at `author` but committed at `committer`.
    fn commit_as(&self, author: &str, committer: &str, message: &str) {
        self.git(&["add", "-A"]);
        let out = self
            .cmd(&self.path(), author)
            .env("GIT_COMMITTER_DATE", committer)
            .args(["commit", "-q", "-m", message])
            .output()
            .unwrap();
        assert!(out.status.success());
    }
}

fn run_in(journal: &Path, today: &str, args: &[&str]) -> Run {
    let mut cmd = saleslog();
    cmd.args(["--today", today]).args(args).arg(journal);
    Run::from(cmd.output().unwrap())
}

fn report(journal: &Path, today: &str) -> Value {
    let run = run_in(journal, today, &["report", "--format", "json"]);
    assert!(run.code == 0, "report: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn timeliness(journal: &Path, today: &str) -> Value {
    report(journal, today)["data"]["timeliness"].clone()
}

fn figures(committed: u64, on_time: u64, max_lag: Option<i64>, rate: Option<f64>, late_edits: u64) -> Value {
    json!({"committed": committed, "on_time": on_time, "backfilled": committed - on_time,
           "max_lag_days": max_lag, "rate": rate, "late_edits": late_edits})
}

/// `check --format json`'s late edits as (file, message).
fn late_edits(journal: &Path, today: &str) -> Vec<(String, String)> {
    let run = run_in(journal, today, &["check", "--format", "json"]);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "late-edit")
        .map(|d| (d["file"].as_str().unwrap().to_string(), d["message"].as_str().unwrap().to_string()))
        .collect()
}

/// The journal of most tests, committed over November 2026.
fn november(r: &Repo) {
    // Imported with the first commit: dated before "versioned since"
    // (2026-11-02), so never judged though it is in the window.
    r.note("2026-10-30.md", "mood: 3");
    r.note(
        "2026-11-02.md",
        "mood: 3\ndeals:\n  - {id: globex, name: Globex, stage: proposal, amount: 40000}\ncommitments:\n  - {id: acme-pricing, what: Send pricing, due: 2026-11-10}",
    );
    r.commit("2026-11-02T18:00:00+0000", "Mon"); // lag 0
    r.note("2026-11-03.md", "mood: 4");
    r.commit("2026-11-06T09:00:00+0000", "Tue, on Friday"); // lag 3: backfilled
    r.write("2026-11-04.md", "---\nmood: 4\n---\nA call with Acme.\n");
    // 23:30 in California is the 5th there (the 6th in UTC): lag 1, on time.
    r.commit("2026-11-05T23:30:00-0800", "Wed, late on Thursday");
    // Written the day before its date (`new --date`): lag 0.
    r.note("2026-11-06.md", "mood: 4\nactivity: {calls: 5}");
    r.commit("2026-11-05T08:00:00+0000", "Fri, ahead");
    r.note("2026-11-09.md", "mood: 3\ncommitments:\n  - {id: initech-demo, what: Book the demo, due: 2026-11-12}");
    r.commit("2026-11-09T17:00:00+0000", "Mon");
    // Facts changed 4 days after: not late (late_edit_days 7).
    r.note("2026-11-06.md", "mood: 4\nactivity: {calls: 7}");
    r.commit("2026-11-10T08:00:00+0000", "fix calls");
    // Facts changed 13 days after: a late edit.
    r.note(
        "2026-11-02.md",
        "mood: 3\ndeals:\n  - {id: globex, name: Globex, stage: proposal, amount: 55000}\ncommitments:\n  - {id: acme-pricing, what: Send pricing, due: 2026-11-20}",
    );
    r.commit("2026-11-15T10:00:00+0000", "move the due date");
    // Prose only, 16 days after: not a late edit.
    r.write("2026-11-04.md", "---\n# reworded\nmood:   4\n---\nA long call with Acme's CFO.\n");
    r.commit("2026-11-20T10:00:00+0000", "prose");
    // Moved into a folder: keeps its first date; not a deletion.
    std::fs::create_dir_all(r.join("2026/11")).unwrap();
    std::fs::rename(r.join("2026-11-03.md"), r.join("2026/11/2026-11-03.md")).unwrap();
    r.commit("2026-11-21T10:00:00+0000", "folders");
    // Not notes: a README and a draft, edited and deleted long after.
    r.write("README.md", "# 2026-01-01\n").write("_drafts/2026-10-01.md", "---\nmood: 1\n---\n");
    r.commit("2026-11-22T10:00:00+0000", "readme");
    std::fs::remove_file(r.join("_drafts/2026-10-01.md")).unwrap();
    // An old note deleted, 16 days after its date: a late edit.
    std::fs::remove_file(r.join("2026-11-09.md")).unwrap();
    r.commit("2026-11-25T10:00:00+0000", "tidy");
    // Staged only, and untracked: not committed, not judged.
    r.note("2026-11-25.md", "mood: 4");
    r.git(&["add", "2026-11-25.md"]);
    r.note("2026-11-26.md", "mood: 4");
}

#[test]
fn figures_equal_the_hand_computed_ones() {
    let r = Repo::new();
    november(&r);
    // Judged (dated 10-29..11-27, on or after 11-02, committed): 11-02 lag
    // 0, 11-03 lag 3, 11-04 lag 1, 11-06 lag 0 → 3 of 4 on time. Late
    // edits: 11-15 (2026-11-02.md) and 11-25 (2026-11-09.md deleted).
    assert_eq!(timeliness(&r.path(), "2026-11-27"), figures(4, 3, Some(3), Some(0.75), 2));
    // As of 11-05: notes 11-02, 11-03 and 11-04 are dated ≤ D, all
    // committed by now (the history is read whole); no late edit yet.
    assert_eq!(timeliness(&r.path(), "2026-11-05"), figures(3, 2, Some(3), Some(2.0 / 3.0), 0));
    // A month on, the deletion (11-25) is still in [D-29, D]; the 11-15
    // edit is not; no note is dated in the window.
    assert_eq!(timeliness(&r.path(), "2026-12-24"), figures(0, 0, None, None, 1));
    assert_eq!(timeliness(&r.path(), "2026-12-25"), figures(0, 0, None, None, 0));
}

#[test]
fn late_edits_are_check_warnings_at_the_note_in_words() {
    let r = Repo::new();
    november(&r);
    let edits = late_edits(&r.path(), "2026-11-27");
    assert_eq!(edits.len(), 2, "{edits:?}");
    assert_eq!(edits[0].0, "2026-11-02.md");
    assert!(edits[0].1.contains("deal globex: amount 40,000 → 55,000"), "{}", edits[0].1);
    assert!(edits[0].1.contains("commitment acme-pricing: due 2026-11-10 → 2026-11-20"), "{}", edits[0].1);
    assert!(edits[0].1.contains("on 2026-11-15"), "{}", edits[0].1);
    assert_eq!(edits[1].0, "2026-11-09.md");
    assert!(edits[1].1.contains("note deleted (1 commitment)"), "{}", edits[1].1);
    // They are warnings of the Data box.
    let v = report(&r.path(), "2026-11-27");
    let plain = {
        let j = tempfile::tempdir().unwrap();
        for rel in
            ["2026-10-30.md", "2026-11-02.md", "2026-11-04.md", "2026-11-06.md", "2026-11-25.md", "2026-11-26.md"]
        {
            std::fs::copy(r.join(rel), j.path().join(rel)).unwrap();
        }
        std::fs::create_dir_all(j.path().join("2026/11")).unwrap();
        std::fs::copy(r.join("2026/11/2026-11-03.md"), j.path().join("2026/11/2026-11-03.md")).unwrap();
        report(j.path(), "2026-11-27")
    };
    assert_eq!(plain["data"]["timeliness"], Value::Null);
    assert_eq!(v["data"]["warnings"].as_u64().unwrap(), plain["data"]["warnings"].as_u64().unwrap() + 2);
    // The text report says it in one line.
    let text = run_in(&r.path(), "2026-11-27", &["report"]).stdout;
    assert!(text.contains("3 of 4 notes written on time"), "{text}");
}

#[test]
fn late_edit_days_and_git_false_are_configured() {
    let r = Repo::new();
    november(&r);
    r.write("saleslog.yaml", "data: {late_edit_days: 3, on_time_days: 0}\n");
    // 11-04 (lag 1) is now late; the calls fix 4 days after 11-06 is a
    // late edit too.
    assert_eq!(timeliness(&r.path(), "2026-11-27"), figures(4, 2, Some(3), Some(0.5), 3));
    let edits = late_edits(&r.path(), "2026-11-27");
    assert!(edits.iter().any(|(f, m)| f == "2026-11-06.md" && m.contains("calls 5 → 7")), "{edits:?}");
    r.write("saleslog.yaml", "data: {git: false}\n");
    assert_eq!(timeliness(&r.path(), "2026-11-27"), Value::Null);
    assert!(late_edits(&r.path(), "2026-11-27").is_empty());
    r.write("saleslog.yaml", "data: {git: maybe}\n");
    let run = run_in(&r.path(), "2026-11-27", &["report"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("saleslog.yaml:1") && run.stderr.contains("auto, true or false"), "{}", run.stderr);
}

#[test]
fn the_author_date_counts_not_the_committer_date() {
    let r = Repo::new();
    r.note("2026-11-02.md", "mood: 3");
    // Rebased or amended a week later: still written on the day.
    r.commit_as("2026-11-02T18:00:00+0000", "2026-11-09T18:00:00+0000", "Mon");
    r.note("2026-11-03.md", "mood: 3");
    r.commit_as("2026-11-08T18:00:00+0000", "2026-11-03T18:00:00+0000", "Tue");
    assert_eq!(timeliness(&r.path(), "2026-11-10"), figures(2, 1, Some(5), Some(0.5), 0));
}

/// SPEC §8: written is the earliest commit whose tree holds a file at the
/// path, so a note deleted and added again was written when it first was
/// (also when the file put back there came by a rename).
#[test]
fn a_note_deleted_and_added_again_keeps_its_first_date() {
    let r = Repo::new();
    r.note("2026-11-02.md", "mood: 3").commit("2026-11-02T18:00:00+0000", "Mon");
    r.note("2026-11-09.md", "mood: 3").commit("2026-11-09T18:00:00+0000", "add");
    r.git(&["rm", "-q", "2026-11-09.md"]);
    r.commit("2026-11-10T18:00:00+0000", "del");
    r.note("2026-11-09.md", "mood: 4").commit("2026-11-12T18:00:00+0000", "again");
    assert_eq!(timeliness(&r.path(), "2026-11-27"), figures(2, 2, Some(0), Some(1.0), 0));
    // Put back by a rename of a note written later: still its first date.
    r.git(&["rm", "-q", "2026-11-09.md"]);
    r.commit("2026-11-13T18:00:00+0000", "del again");
    r.write("draft.md", "---\ndate: 2026-11-09\nmood: 4\n---\nA longer body, so the rename is found.\n")
        .commit("2026-11-20T18:00:00+0000", "draft");
    r.git(&["mv", "draft.md", "2026-11-09.md"]);
    r.commit("2026-11-21T18:00:00+0000", "rename");
    assert_eq!(timeliness(&r.path(), "2026-11-27"), figures(2, 2, Some(0), Some(1.0), 0));
}

#[test]
fn merges_are_followed_through_every_parent() {
    let r = Repo::new();
    r.note("2026-11-02.md", "mood: 3");
    r.commit("2026-11-02T18:00:00+0000", "Mon");
    r.git(&["checkout", "-q", "-b", "laptop"]);
    r.note("2026-11-03.md", "mood: 3");
    r.commit("2026-11-03T18:00:00+0000", "Tue on the laptop");
    // Moved on the laptop branch: still written on the 2nd.
    std::fs::create_dir_all(r.join("2026")).unwrap();
    std::fs::rename(r.join("2026-11-02.md"), r.join("2026/2026-11-02.md")).unwrap();
    r.commit("2026-11-04T08:00:00+0000", "folders");
    r.git(&["checkout", "-q", "main"]);
    r.note("2026-11-04.md", "mood: 4");
    r.commit("2026-11-04T18:00:00+0000", "Wed");
    let out = r
        .cmd(&r.path(), "2026-11-06T18:00:00+0000")
        .args(["merge", "-q", "--no-ff", "--no-edit", "laptop"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Without following the second parent, 11-03 would be written on the
    // merge's day (lag 3) and the moved note too.
    assert_eq!(timeliness(&r.path(), "2026-11-06"), figures(3, 3, Some(0), Some(1.0), 0));
    // A late edit on a side branch is counted for its commit and for the
    // merge, whose first parent did not have it (§8 compares every commit
    // with its first parent).
    r.git(&["checkout", "-q", "-b", "fix"]);
    r.note("2026/2026-11-02.md", "mood: 5");
    r.commit("2026-11-12T08:00:00+0000", "mood was better");
    r.git(&["checkout", "-q", "main"]);
    let out = r
        .cmd(&r.path(), "2026-11-13T08:00:00+0000")
        .args(["merge", "-q", "--no-ff", "--no-edit", "fix"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let edits = late_edits(&r.path(), "2026-11-13");
    assert_eq!(edits.len(), 2, "{edits:?}");
    assert!(edits.iter().all(|(f, m)| f == "2026/2026-11-02.md" && m.contains("mood 3 → 5")), "{edits:?}");
}

#[test]
fn a_journal_in_a_subfolder_counts_only_its_notes() {
    let r = Repo::new();
    r.note("journal/2026-11-02.md", "mood: 3\ncommitments:\n  - {what: Call Jane, due: 2026-11-05}");
    r.note("journal/2026-11-03.md", "mood: 3");
    r.note("elsewhere/2026-11-01.md", "mood: 3");
    r.commit("2026-11-03T18:00:00+0000", "start");
    r.note("elsewhere/2026-11-01.md", "mood: 1");
    // Moved out of the journal, long after: a deletion.
    std::fs::create_dir_all(r.join("archive")).unwrap();
    std::fs::rename(r.join("journal/2026-11-02.md"), r.join("archive/2026-11-02.md")).unwrap();
    r.commit("2026-11-20T18:00:00+0000", "archive");
    let journal = r.join("journal");
    // Only 2026-11-03 is left: lag 0.
    assert_eq!(timeliness(&journal, "2026-11-20"), figures(1, 1, Some(0), Some(1.0), 1));
    let edits = late_edits(&journal, "2026-11-20");
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].0, "2026-11-02.md");
    assert!(edits[0].1.contains("note deleted (1 commitment)"), "{}", edits[0].1);
    // `diff.relative` (here, or in a user's ~/.gitconfig) makes git print
    // paths from the journal's folder: the figures are the same.
    r.git(&["config", "diff.relative", "true"]);
    assert_eq!(timeliness(&journal, "2026-11-20"), figures(1, 1, Some(0), Some(1.0), 1));
    assert_eq!(late_edits(&journal, "2026-11-20").len(), 1);
}

/// A partial clone lacks old versions: reading its history must not fetch
/// them from the remote (§8: offline, nothing under `.git` changes), even
/// where rename detection would want them.
#[test]
fn a_partial_clone_is_read_without_fetching() {
    let r = Repo::new();
    let body = "A long enough body for git to see the note moved when it is also edited.\nMore text, and more.\n";
    r.write("2026-10-01.md", &format!("---\nmood: 3\n---\n{body}"));
    r.commit("2026-10-01T10:00:00+0000", "Thu");
    // Moved and edited in one commit: an inexact rename, which git finds
    // by reading both versions.
    std::fs::create_dir_all(r.join("2026")).unwrap();
    std::fs::remove_file(r.join("2026-10-01.md")).unwrap();
    r.write("2026/2026-10-01.md", &format!("---\nmood: 4\n---\n{body}"));
    r.commit("2026-10-20T10:00:00+0000", "moved, and a late edit");
    r.git(&["config", "uploadpack.allowfilter", "true"]);
    let clone = r.dir.path().join("clone");
    let source = format!("file://{}", r.path().display());
    r.git(&["clone", "-q", "--filter=blob:none", &source, clone.to_str().unwrap()]);
    let before = tree(&clone.join(".git"));
    let run = run_in(&clone, "2026-11-27", &["report", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(tree(&clone.join(".git")), before, "nothing fetched into the clone");
}

#[test]
fn no_work_tree_bare_and_inside_git_give_null() {
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("2026-11-02.md"), "---\nmood: 3\n---\n").unwrap();
    assert_eq!(timeliness(plain.path(), "2026-11-02"), Value::Null);

    let r = Repo::new();
    r.note("2026-11-02.md", "mood: 3");
    r.commit("2026-11-02T18:00:00+0000", "Mon");
    let bare = r.dir.path().join("bare.git");
    r.git(&["clone", "-q", "--bare", r.path().to_str().unwrap(), bare.to_str().unwrap()]);
    assert_eq!(timeliness(&bare, "2026-11-02"), Value::Null);
    assert_eq!(timeliness(&r.join(".git"), "2026-11-02"), Value::Null);
}

#[test]
fn an_empty_repository_has_nothing_committed() {
    let r = Repo::new();
    r.note("2026-11-02.md", "mood: 3");
    assert_eq!(timeliness(&r.path(), "2026-11-02"), figures(0, 0, None, None, 0));
    r.git(&["add", "-A"]);
    assert_eq!(timeliness(&r.path(), "2026-11-02"), figures(0, 0, None, None, 0));
}

#[test]
fn shallow_clones_and_detached_heads() {
    let r = Repo::new();
    r.note("2026-11-02.md", "mood: 3");
    r.commit("2026-11-02T18:00:00+0000", "Mon");
    r.note("2026-11-03.md", "mood: 3");
    r.commit("2026-11-05T18:00:00+0000", "Tue");
    r.note("2026-11-06.md", "mood: 3");
    r.commit("2026-11-06T18:00:00+0000", "Fri");
    assert_eq!(timeliness(&r.path(), "2026-11-06"), figures(3, 2, Some(2), Some(2.0 / 3.0), 0));

    // A clone of depth 1 knows only the last commit: every note was
    // "written" on the 6th, so versioning starts then and the older notes
    // are imported, not late.
    let shallow = r.dir.path().join("shallow");
    let url = format!("file://{}", r.path().display());
    r.git(&["clone", "-q", "--depth", "1", &url, shallow.to_str().unwrap()]);
    assert_eq!(timeliness(&shallow, "2026-11-06"), figures(1, 1, Some(0), Some(1.0), 0));

    // Detached at the second commit: the third note is not in HEAD.
    r.git(&["checkout", "-q", "--detach", "HEAD~1"]);
    r.note("2026-11-06.md", "mood: 3");
    assert_eq!(timeliness(&r.path(), "2026-11-06"), figures(2, 1, Some(2), Some(0.5), 0));
}

#[test]
fn submodules_are_neither_notes_nor_in_the_way() {
    // The journal is a submodule of a bigger repository: its own history
    // counts.
    let journal = Repo::new();
    journal.note("2026-11-02.md", "mood: 3");
    journal.commit("2026-11-02T18:00:00+0000", "Mon");
    journal.note("2026-11-03.md", "mood: 3");
    journal.commit("2026-11-05T18:00:00+0000", "Tue, late");
    let sup = Repo::new();
    sup.write("README.md", "team\n");
    sup.commit("2026-11-01T18:00:00+0000", "start");
    let url = journal.path().to_str().unwrap().to_string();
    sup.git(&["-c", "protocol.file.allow=always", "submodule", "add", "-q", &url, "alex"]);
    sup.commit("2026-11-04T18:00:00+0000", "add alex");
    assert_eq!(timeliness(&sup.join("alex"), "2026-11-05"), figures(2, 1, Some(2), Some(0.5), 0));

    // A journal holding a submodule (a shared folder of templates or notes
    // from elsewhere): the gitlink is no file, its notes are not this
    // repository's, so they are not committed here.
    let r = Repo::new();
    r.note("2026-11-03.md", "mood: 3");
    r.commit("2026-11-03T18:00:00+0000", "Tue");
    r.git(&["-c", "protocol.file.allow=always", "submodule", "add", "-q", &url, "shared"]);
    r.commit("2026-11-04T18:00:00+0000", "shared");
    assert_eq!(timeliness(&r.path(), "2026-11-04"), figures(1, 1, Some(0), Some(1.0), 0));
}

/// Every file under `.git` with its bytes and modification time.
fn snapshot(git_dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut all = Vec::new();
    for entry in walkdir::WalkDir::new(git_dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let meta = entry.metadata().unwrap();
            all.push((entry.path().to_path_buf(), std::fs::read(entry.path()).unwrap(), meta.modified().unwrap()));
        }
    }
    all
}

#[test]
fn nothing_under_git_changes_while_saleslog_reads_it() {
    let r = Repo::new();
    november(&r);
    // A stale index stat (touched files) is what `git status` would
    // refresh and write.
    std::fs::write(r.join("2026-11-04.md"), std::fs::read(r.join("2026-11-04.md")).unwrap()).unwrap();
    let before = snapshot(&r.join(".git"));
    for args in [&["report", "--format", "json"][..], &["check"], &["export", "--format", "json"]] {
        run_in(&r.path(), "2026-11-27", args);
    }
    let out = r.dir.path().join("site");
    run_in(&r.path(), "2026-11-27", &["build", "-o", out.to_str().unwrap()]);
    assert!(snapshot(&r.join(".git")) == before, "a file under .git changed");
}

#[test]
fn ten_thousand_commits_are_read_in_one_pass() {
    // One note per commit for 3,400 days, each note then edited, plus
    // other files, through fast-import (seconds, not minutes).
    let r = Repo::new();
    let mut stream = String::new();
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let epoch = |d: chrono::NaiveDate, hour: i64| d.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp() + hour * 3600;
    let mut mark = 0;
    let mut commit = |stream: &mut String, when: i64, path: &str, text: &str, parent: bool| {
        mark += 1;
        stream.push_str(&format!(
            "commit refs/heads/main\nmark :{mark}\nauthor Rep <rep@example.com> {when} +0000\ncommitter Rep <rep@example.com> {when} +0000\ndata 1\nx\n"
        ));
        if parent && mark > 1 {
            stream.push_str(&format!("from :{}\n", mark - 1));
        }
        stream.push_str(&format!("M 100644 inline {path}\ndata {}\n{text}\n", text.len()));
    };
    for i in 0..3400 {
        let day = start + chrono::Duration::days(i);
        let path = format!("{}/{day}.md", day.format("%Y"));
        // Every 10th note is committed two days late (at midnight).
        let lag = if i % 10 == 0 { 48 } else { 18 };
        commit(&mut stream, epoch(day, lag), &path, &format!("---\nmood: 3\nactivity: {{calls: {i}}}\n---\n"), true);
        // Prose added two days on: never a late edit.
        commit(
            &mut stream,
            epoch(day, 50),
            &path,
            &format!("---\nmood: 3\nactivity: {{calls: {i}}}\n---\nProse.\n"),
            true,
        );
        commit(&mut stream, epoch(day, 51), "other/log.txt", &format!("{i}"), true);
        if i % 100 == 0 {
            // A late edit of an old note's facts, made 22 days after it.
            let old = start + chrono::Duration::days(i.max(20) - 20);
            let path = format!("{}/{old}.md", old.format("%Y"));
            commit(&mut stream, epoch(day, 52), &path, "---\nmood: 5\n---\nProse.\n", true);
        }
    }
    let mut child = r
        .cmd(&r.path(), "2026-01-01T00:00:00+0000")
        .args(["fast-import", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(stream.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    r.git(&["checkout", "-q", "-f", "main"]);
    let commits: usize = r.git(&["rev-list", "--count", "HEAD"]).trim().parse().unwrap();
    assert_eq!(commits, 10_234);
    let last = start + chrono::Duration::days(3399);
    // The last 30 days: days 3370..3399; lag 2 on days divisible by 10
    // (3370, 3380, 3390) → 27 of 30 on time. The last late edit was made
    // on day 3302: not in [D-29, D].
    assert_eq!(timeliness(&r.path(), &last.to_string()), figures(30, 27, Some(2), Some(0.9), 0));
    // As of day 3305: window days 3276..3305, lag 2 on 3280, 3290, 3300;
    // the edit made on day 3302 (of note 3280) is in the window.
    let d = start + chrono::Duration::days(3305);
    assert_eq!(timeliness(&r.path(), &d.to_string()), figures(30, 27, Some(2), Some(0.9), 1));
}

#[test]
fn the_data_page_note_pages_and_export_show_it() {
    let r = Repo::new();
    november(&r);
    let out = r.dir.path().join("site");
    let run = run_in(&r.path(), "2026-11-27", &["build", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let data = std::fs::read_to_string(out.join("data.html")).unwrap();
    assert!(
        data.contains("3 of 4 notes written on time (the longest 3 days after); 2 late edits in 30 days"),
        "{data}"
    );
    assert!(data.contains("Versioned since 2 Nov 2026"));
    assert!(data.contains("deal globex: amount 40,000 → 55,000; commitment acme-pricing: due 2026-11-10 → 2026-11-20"));
    assert!(data.contains("note deleted (1 commitment)"));
    let strip = &data[data.find("<ol class=\"strip\"").unwrap()..];
    let strip = &strip[..strip.find("</ol>").unwrap()];
    let class_of = |iso: &str| {
        let data = strip;
        let at = data.find(&format!("<time datetime=\"{iso}\"")).unwrap_or_else(|| panic!("{iso} in the strip"));
        let li = data[..at].rfind("<li class=\"").unwrap();
        data[li + 11..].split('"').next().unwrap().to_string()
    };
    assert_eq!(class_of("2026-10-29"), "none");
    assert_eq!(class_of("2026-10-30"), "imported");
    assert_eq!(class_of("2026-11-02"), "on-day");
    assert_eq!(class_of("2026-11-03"), "backfilled");
    assert_eq!(class_of("2026-11-04"), "next-day");
    assert_eq!(class_of("2026-11-06"), "on-day");
    assert_eq!(class_of("2026-11-25"), "uncommitted");
    assert_eq!(class_of("2026-11-27"), "none");

    let page = |needle: &str| {
        walkdir::WalkDir::new(out.join("notes"))
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_name().to_string_lossy() == needle)
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .next()
            .unwrap_or_else(|| panic!("a page {needle}"))
    };
    assert!(page("2026-11-03.html").contains("written 6 Nov 2026, 3 days after its date"));
    let edited = page("2026-11-02.html");
    assert!(edited.contains("written 2 Nov 2026") && edited.contains("Edited later: 15 Nov 2026"), "{edited}");
    assert!(page("2026-11-26.html").contains("not committed yet"));

    let export = run_in(&r.path(), "2026-11-27", &["export", "--format", "json"]);
    let v: Value = serde_json::from_str(&export.stdout).unwrap();
    let edits = v["late_edits"].as_array().unwrap();
    assert_eq!(edits.len(), 2);
    assert_eq!(edits[1]["note"], "2026-11-09.md");
    assert_eq!(edits[1]["date"], "2026-11-25");
    assert_eq!(edits[1]["changes"], json!(["note deleted (1 commitment)"]));
    // Before the deletion, the export has only the first.
    let export = run_in(&r.path(), "2026-11-20", &["export", "--format", "json"]);
    let v: Value = serde_json::from_str(&export.stdout).unwrap();
    assert_eq!(v["late_edits"].as_array().unwrap().len(), 1);
}

/// The strip's class for `iso` on a data page.
fn strip_class(data: &str, iso: &str) -> String {
    let strip = &data[data.find("<ol class=\"strip\"").expect("a strip")..];
    let at = strip.find(&format!("<time datetime=\"{iso}\"")).expect("the day in the strip");
    let li = strip[..at].rfind("<li class=\"").unwrap();
    strip[li + 11..].split('"').next().unwrap().to_string()
}

#[test]
fn a_commit_while_watching_updates_the_data_page() {
    use crate::harness::{is_rebuild_line, Spawned};
    use std::time::Duration;
    // At the repository's root (its .git inside the watched folder), and
    // as a subfolder of the repository (its .git outside).
    for sub in ["", "journal/"] {
        let r = Repo::new();
        r.note(&format!("{sub}2026-11-26.md"), "mood: 3");
        r.commit("2026-11-26T18:00:00+0000", "Thu");
        r.note(&format!("{sub}2026-11-27.md"), "mood: 4");
        let journal = r.join(sub.trim_end_matches('/'));
        let out = r.dir.path().join("site");
        let w =
            Spawned::start(&["--today", "2026-11-27", "watch", journal.to_str().unwrap(), "-o", out.to_str().unwrap()]);
        w.wait_for_line(is_rebuild_line, Duration::from_secs(30));
        let data = || std::fs::read_to_string(out.join("data.html")).unwrap();
        assert_eq!(strip_class(&data(), "2026-11-27"), "uncommitted");
        let mark = w.mark();
        // Only git's files change: the note is on disk already.
        r.commit("2026-11-27T18:00:00+0000", "Fri");
        let line = w.wait_for_line_after(mark, is_rebuild_line, Duration::from_secs(30));
        assert!(line.contains("new commits"), "{line}");
        assert_eq!(strip_class(&data(), "2026-11-27"), "on-day", "{sub}");
        // A late edit committed while watching: the Data box says so.
        let mark = w.mark();
        r.note(&format!("{sub}2026-11-26.md"), "mood: 3");
        r.write(&format!("{sub}2026-11-16.md"), "---\nmood: 2\n---\n");
        r.commit("2026-11-27T19:00:00+0000", "an old note");
        w.wait_for_line_after(mark, |l| is_rebuild_line(l) && l.contains("new commits"), Duration::from_secs(30));
        let mark = w.mark();
        std::fs::write(journal.join("2026-11-16.md"), "---\nmood: 4\n---\n").unwrap();
        r.commit("2026-12-01T09:00:00+0000", "mood was better");
        w.wait_for_line_after(mark, |l| is_rebuild_line(l) && l.contains("new commits"), Duration::from_secs(30));
        // Authored after the report date: not in the window.
        assert!(!data().contains("mood 2 → 4"));
        let mark = w.mark();
        std::fs::write(journal.join("2026-11-16.md"), "---\nmood: 5\n---\n").unwrap();
        r.commit("2026-11-27T20:00:00+0000", "mood was even better");
        w.wait_for_line_after(mark, |l| is_rebuild_line(l) && l.contains("new commits"), Duration::from_secs(30));
        let page = data();
        assert!(page.contains("mood 4 → 5"), "{page}");
        // The same figures as a cold run: 2026-11-16 is dated before the
        // versioned-since date (11-26), so imported, not judged; its edit
        // authored on the 27th is the one late edit of the window.
        assert_eq!(timeliness(&journal, "2026-11-27"), figures(2, 2, Some(0), Some(1.0), 1), "{sub}");
    }
}

/// A repository git refuses to read ("dubious ownership": owned by another
/// user) leaves SPEC §8's figures out; the terminal says why, with git's
/// own way out, instead of a silent null.
#[cfg(unix)]
#[test]
fn a_repository_git_refuses_is_said_on_the_terminal() {
    let r = Repo::new();
    r.note("2026-11-02.md", "mood: 3");
    r.commit("2026-11-02T18:00:00+0000", "Mon");
    // Only root can give the repository to someone else.
    if std::os::unix::fs::chown(r.path(), Some(65534), None).is_err() {
        crate::harness::skip("permission to chown (run as root)", "run the tests as root");
        return;
    }
    let run = run_in(&r.path(), "2026-11-27", &["report", "--format", "json"]);
    std::os::unix::fs::chown(r.path(), Some(0), None).unwrap();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["data"]["timeliness"], Value::Null);
    assert!(run.stderr.contains("git could not read the journal's history"), "{}", run.stderr);
    assert!(run.stderr.contains("dubious ownership") && run.stderr.contains("safe.directory"), "{}", run.stderr);
}
