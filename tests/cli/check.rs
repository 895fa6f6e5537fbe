//! `saleslog check`: located diagnostics, human and JSON, exit codes.

use crate::harness::*;

#[test]
fn sample_journal_is_clean() {
    let run = Journal::sample().run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("0 errors, 0 warnings"), "{}", run.stdout);
}

#[test]
fn errors_exit_1_with_file_line_column_and_a_caret() {
    let j = Journal::new().note("2026-11-26", "mood: 9\nactivity:\n  calls: 3");
    let run = j.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("2026-11-26.md:2:7"), "{}", run.stdout);
    assert!(run.stdout.contains("mood: 9"), "{}", run.stdout);
    assert!(run.stdout.contains('^'), "{}", run.stdout);
    assert!(run.stdout.contains("[out-of-range]"), "{}", run.stdout);
    assert!(run.stdout.contains("1 error, 0 warnings"), "{}", run.stdout);
}

#[test]
fn warnings_alone_exit_0() {
    let j = Journal::new().note("2026-11-26", "activities: {calls: 3}");
    let run = j.run(&["check"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("did you mean `activity`?"), "{}", run.stdout);
}

#[test]
fn json_output_is_a_stable_array() {
    let j = Journal::new()
        .note("2026-11-25", "deals:\n  - name: Acme\n    stage: proposl")
        .note("2026-11-26", "commitments:\n  - id: nope\n    done: true");
    let run = j.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let first = &v[0];
    assert_eq!(first["file"], "2026-11-25.md");
    assert_eq!(first["line"], 4);
    assert_eq!(first["column"], 12);
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "unknown-stage");
    assert_eq!(first["hint"], "did you mean `proposal`?");
    assert_eq!(
        located(&run),
        vec![
            ("2026-11-25.md".into(), 4, 12, "unknown-stage".into()),
            ("2026-11-26.md".into(), 3, 5, "unknown-commitment".into()),
        ]
    );
}

#[test]
fn notes_after_today_are_warned_about() {
    let j = Journal::new().note("2026-11-26", "mood: 3").note("2026-12-01", "mood: 3");
    let run = j.run(&["check", "--format", "json"]);
    assert_eq!(located(&run), vec![("2026-12-01.md".into(), 1, 1, "future-note".into())]);
}

#[test]
fn a_bad_configuration_exits_2_naming_the_key_and_line() {
    let j = Journal::with_config("name: Alex\ngoals:\n  daly: {calls: 20}\n").note("2026-11-26", "mood: 3");
    let run = j.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("saleslog.yaml:3:3"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown key `daly`"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `daily`?"), "{}", run.stderr);
    // The offending line is quoted, as for a note.
    assert!(run.stderr.contains("3 |   daly: {calls: 20}"), "{}", run.stderr);
    let run = j.run(&["report", "--format", "json"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    // `check --format json`: the problems as JSON, as a note's are.
    let run = j.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 2);
    assert_eq!(located(&run), vec![("saleslog.yaml".into(), 3, 3, "config-unknown-key".into())]);
    assert!(run.stderr.contains("unknown key `daly`"), "{}", run.stderr);
}

#[test]
fn a_configuration_that_is_no_file_is_located_without_an_empty_excerpt() {
    let j = Journal::new().note("2026-11-26", "mood: 3");
    std::fs::create_dir(j.path().join("saleslog.yaml")).unwrap();
    let run = j.run(&["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--> saleslog.yaml:1:1"), "{}", run.stderr);
    assert!(!run.stderr.contains("|\n  |"), "an excerpt with no line in it:\n{}", run.stderr);
}

#[test]
fn a_missing_journal_is_an_io_error() {
    let run = saleslog().args(["check", "/nonexistent/journal"]).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
}

#[test]
fn a_bad_today_is_a_usage_error() {
    let run = saleslog().args(["--today", "2026-02-30", "report"]).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
}
