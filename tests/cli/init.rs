//! `saleslog init`: a working journal in an empty folder, and nothing
//! overwritten in a folder that already has files.

use crate::harness::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Every file below `root` with its bytes.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn in_an_empty_folder_it_creates_a_working_journal() {
    let j = Journal::new();
    let run = j.run(&["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files: Vec<String> = snapshot(j.path()).into_keys().collect();
    assert_eq!(files, [".gitignore", "2026/11/2026-11-27.md", "saleslog.yaml"]);
    assert_eq!(j.read(".gitignore").lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>(), ["/_site/"]);
    assert!(j.read("saleslog.yaml").contains("stale_after_days: 14"));
    for step in
        ["created saleslog.yaml", "created .gitignore", "created 2026/11/2026-11-27.md", "Next:", "saleslog serve"]
    {
        assert!(run.stdout.contains(step), "{step} missing:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("git init"), "not a git repository yet:\n{}", run.stdout);
    // The journal works: check is clean and the report runs.
    let check = j.run(&["check", "--format", "json"]);
    assert_eq!((check.code, located(&check)), (0, vec![]));
    assert_eq!(j.report_json()["notes"], 1);
}

#[test]
fn a_missing_folder_is_created() {
    let j = Journal::new();
    let dir = j.join("my journal");
    let mut cmd = saleslog();
    cmd.args(["--today", TODAY, "init"]).arg(&dir);
    let run = Run::from(cmd.output().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.join("saleslog.yaml").is_file());
    assert!(run.stdout.contains("'"), "a path with a space is quoted in the next steps:\n{}", run.stdout);
}

#[test]
fn in_a_folder_with_files_nothing_is_overwritten() {
    let j = Journal::new()
        .file("saleslog.yaml", "name: Alex\ngoals:\n  daily: {calls: 20}\n")
        .file(".gitignore", "target/\n")
        .file("2026/11/2026-11-27.md", "---\nmood: 4\n---\nAlready written today.\n")
        .file("notes.txt", "unrelated\n");
    j.write(".git/HEAD", b"ref: refs/heads/main\n");
    let before = snapshot(j.path());
    let run = j.run(&["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(snapshot(j.path()), before, "every file byte-identical, none added");
    assert!(run.stdout.contains("nothing was changed"), "{}", run.stdout);
    for kept in ["kept    saleslog.yaml", "kept    .gitignore", "kept    2026/11/2026-11-27.md"] {
        assert!(run.stdout.contains(kept), "{kept} missing:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("add the line `/_site/` to .gitignore"), "{}", run.stdout);
    assert!(run.stdout.contains("git add -A"), "inside a git repository:\n{}", run.stdout);
    assert!(!run.stdout.contains("git init"), "{}", run.stdout);
}

#[test]
fn only_what_is_missing_is_created() {
    let j = Journal::new()
        .file("saleslog.yaml", "goals:\n  daily: {calls: 20}\noutput: public\n")
        .file(".gitignore", "/public/\n");
    let before = snapshot(j.path());
    let run = j.run(&["init", "--templates"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = snapshot(j.path());
    for (rel, bytes) in &before {
        assert_eq!(after.get(rel), Some(bytes), "{rel} changed");
    }
    assert!(!run.stdout.contains("hint:"), "the .gitignore already ignores public/:\n{}", run.stdout);
    // Today's note follows the journal's own configuration (its goals).
    assert!(j.read("2026/11/2026-11-27.md").contains("  calls: 0\n"));
    // The templates are there to customise, and `new` uses them.
    assert_eq!(j.read("templates/note.md"), include_str!("../../templates/note.md"));
    for (name, text) in saleslog::render::TEMPLATES {
        assert_eq!(&j.read(&format!("templates/{name}")), text, "{name}");
    }
    assert_eq!(j.read("templates/style.css"), saleslog::render::STYLESHEET);
    j.write("templates/note.md", b"---\ndate: {{ date }}\n---\nCustom.\n");
    assert_eq!(j.run(&["new", "--date", "2026-11-30"]).code, 0);
    assert_eq!(j.read("2026/11/2026-11-30.md"), "---\ndate: 2026-11-30\n---\nCustom.\n");
}

#[test]
fn a_broken_configuration_stops_before_anything_is_written() {
    let j = Journal::new().file("saleslog.yaml", "qouta: 1\n");
    let run = j.run(&["init"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("did you mean `quota`?"), "{}", run.stderr);
    assert_eq!(snapshot(j.path()).into_keys().collect::<Vec<_>>(), ["saleslog.yaml"]);
}

#[test]
fn running_it_twice_is_harmless() {
    let j = Journal::new();
    assert_eq!(j.run(&["init"]).code, 0);
    let first = snapshot(j.path());
    let again = j.run(&["init"]);
    assert_eq!(again.code, 0);
    assert_eq!(snapshot(j.path()), first);
    assert!(again.stdout.contains("already set up"), "{}", again.stdout);
}

#[test]
fn init_team_writes_a_team_yaml_listing_the_journals_and_never_overwrites() {
    // Two reps' journals, a folder that is no journal, and an output folder.
    let j = Journal::new()
        .file("sam/saleslog.yaml", "name: Sam Lee\n")
        .file("alex/saleslog.yaml", "name: Alex Rivera\n")
        .file("alex/2026/11/2026-11-26.md", "---\nmood: 4\nhelp: pricing for Acme\n---\n")
        .file("slides/deck.md", "not a journal\n")
        .file("_site/saleslog.yaml", "name: not a rep\n");
    let run = j.run(&["init", "--team"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("2 members: alex, sam"), "{}", run.stdout);
    let yaml = j.read("team.yaml");
    assert!(yaml.lines().any(|l| l.trim_start().starts_with('#')), "commented:\n{yaml}");
    assert!(yaml.contains("  - {journal: \"alex\"}\n  - {journal: \"sam\"}\n"), "{yaml}");
    assert!(!yaml.contains("_site") && !yaml.contains("slides"), "{yaml}");
    // The file is a working team: the names come from the journals.
    let report = j.run(&["team", "report", "--format", "json"]);
    assert_eq!(report.code, 0, "{}{}", report.stdout, report.stderr);
    let json: serde_json::Value = serde_json::from_str(&report.stdout).unwrap();
    let names: Vec<&str> = json["members"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Alex Rivera", "Sam Lee"]);
    assert_eq!(json["totals"]["asks"], 1);
    assert!(json["totals"]["quota"].is_null());
    // Never overwrites: a manager's own team.yaml is kept byte for byte.
    j.write("team.yaml", b"name: West\nmembers:\n  - {journal: sam}\n");
    let again = j.run(&["init", "--team"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stdout.contains("kept"), "{}", again.stdout);
    assert_eq!(j.read("team.yaml"), "name: West\nmembers:\n  - {journal: sam}\n");
    assert!(!j.join("saleslog.yaml").exists(), "--team sets up no journal of its own");
}

#[test]
fn init_team_in_an_empty_folder_writes_a_team_with_no_members_yet() {
    let j = Journal::new();
    let dir = j.join("west");
    let mut cmd = saleslog();
    cmd.args(["--today", TODAY, "init", "--team"]).arg(&dir);
    let run = Run::from(cmd.output().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("no members"), "{}", run.stdout);
    let mut check = saleslog();
    check.args(["--today", TODAY, "team", "check"]).arg(&dir);
    let check = Run::from(check.output().unwrap());
    assert_eq!(check.code, 0, "the commented template parses:\n{}{}", check.stdout, check.stderr);
}
