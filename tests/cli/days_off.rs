//! Issue 17, items 2 and 3: days off (`holidays:` and a note's `off:`) are
//! not workdays in any figure, and an empty or wrong folder is neither
//! green nor silent.

use crate::harness::*;

const GOALS: &str = "goals:\n  daily: {calls: 20}\n  weekly: {meetings: 5}\n";

/// The Thanksgiving week of the issue: 89 calls in four days against a
/// daily goal of 20 is on pace once the holiday is configured (80 expected,
/// not 100), the weekly goal expects 4 meetings of 5, and the Data box
/// counts no missing workday.
#[test]
fn a_holiday_is_not_expected_or_missing() {
    let notes = |j: Journal| {
        j.note("2026-11-23", "activity: {calls: 22, meetings: 1}")
            .note("2026-11-24", "activity: {calls: 21, meetings: 1}")
            .note("2026-11-25", "activity: {calls: 24, meetings: 1}")
            .note("2026-11-27", "activity: {calls: 22, meetings: 1}")
    };
    let with = notes(Journal::with_config(&format!("{GOALS}holidays: [2026-11-26]\n"))).report_json();
    assert_eq!(with["activity"]["elapsed_workdays"], 4);
    assert_eq!(with["activity"]["goals"][0]["expected"], 80);
    assert_eq!(with["activity"]["goals"][0]["done"], 89);
    assert_eq!(with["activity"]["goals"][1]["expected"], 4);
    assert_eq!(with["activity"]["attainment"], 1.0);
    assert_eq!(with["boxes"]["activity"], "green");
    assert_eq!(with["data"]["missing_workdays"], 0);
    assert_eq!(with["boxes"]["data"], "green");
    assert_eq!(with["activity"]["streak"]["current"], 4);
    // The same week without it: behind on calls, a missing workday.
    let without = notes(Journal::with_config(GOALS)).report_json();
    assert_eq!(without["activity"]["goals"][0]["expected"], 100);
    assert_eq!(without["data"]["missing_workdays"], 1);
    assert_eq!(without["boxes"]["activity"], "amber");
}

/// A note `off: sick` with activity: the day is not expected, its calls count.
#[test]
fn an_off_note_is_a_day_off_and_its_activity_counts() {
    let j = Journal::with_config(GOALS)
        .note("2026-11-23", "activity: {calls: 20}")
        .note("2026-11-24", "off: sick\nactivity: {calls: 5}")
        .note("2026-11-25", "activity: {calls: 20}")
        .note("2026-11-26", "off: true")
        .note("2026-11-27", "activity: {calls: 20}");
    let v = j.report_json();
    assert_eq!(v["activity"]["elapsed_workdays"], 3);
    assert_eq!(v["activity"]["goals"][0]["expected"], 60);
    assert_eq!(v["activity"]["goals"][0]["done"], 65);
    assert_eq!(v["activity"]["streak"]["current"], 3);
    assert_eq!(v["data"]["warnings"], 0);
    assert_eq!(j.run(&["check"]).code, 0);
}

/// `new --date D --off PTO` writes a day-off note that passes `check` and
/// takes the day out of the workdays; it never overwrites.
#[test]
fn new_off_writes_a_day_off_note() {
    let j = Journal::with_config(GOALS).note("2026-11-23", "activity: {calls: 20}");
    let run = j.run(&["new", "--date", "2026-11-24", "--off", "PTO"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = j.read("2026-11-24.md");
    assert!(text.starts_with("---\ndate: 2026-11-24\noff: PTO "), "{text}");
    assert!(run.stderr.contains("a day off (off: PTO)"), "{}", run.stderr);
    let check = j.run(&["check", "--format", "json"]);
    assert_eq!((check.code, check.stdout.trim()), (0, "[]"), "{}", check.stdout);
    let v = j.report_json_at("2026-11-25");
    // Monday only: Tuesday is off, Wednesday (the report date) has no note.
    assert_eq!(v["activity"]["elapsed_workdays"], 1);
    assert_eq!(v["data"]["missing_workdays"], 0);
    let again = j.run(&["new", "--date", "2026-11-24", "--off", "sick"]);
    assert_eq!(again.code, 0);
    assert_eq!(j.read("2026-11-24.md"), text);
    assert!(again.stderr.contains("add `off: sick` to its front matter"), "{}", again.stderr);
}

/// A day off planned ahead (`new --date … --off PTO`, a note dated after
/// D) is a workday less in §9's workdays left (§4 lists workdays left
/// among the figures a day off changes), in the report, the export and
/// the pages alike; it changes no figure of the days up to D.
#[test]
fn a_day_off_planned_ahead_leaves_a_workday_less() {
    let config = format!("{GOALS}quota: {{amount: 100000, period: quarter}}\n");
    let j = Journal::with_config(&config).note("2026-11-23", "activity: {calls: 20}");
    let before = j.report_json_at("2026-11-25");
    let left = before["plan"]["workdays_left"].as_u64().unwrap();
    assert_eq!(left, 26, "26 Nov – 31 Dec 2026, weekdays");
    let run = j.run(&["new", "--date", "2026-12-01", "--off", "PTO"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = j.report_json_at("2026-11-25");
    assert_eq!(after["plan"]["workdays_left"], left - 1);
    for area in ["activity", "attitude", "commitments", "pipeline"] {
        assert_eq!(after[area], before[area], "{area}");
    }
    // (The note after D is warned about, as any is: `data.warnings` is 1.)
    assert_eq!(after["data"]["missing_workdays"], before["data"]["missing_workdays"]);
    let export = j.run_at("2026-11-25", &["export", "--format", "json"]);
    let export: serde_json::Value = serde_json::from_str(&export.stdout).unwrap();
    assert_eq!(export["figures"]["plan"]["workdays_left"], left - 1, "{export:#}");
    // A day off on a weekend, or a note dated after D that is no day off,
    // changes nothing.
    j.write("2026-12-05.md", b"---\noff: true\n---\n");
    j.write("2026-12-02.md", b"---\nmood: 4\n---\n");
    assert_eq!(j.report_json_at("2026-11-25")["plan"]["workdays_left"], left - 1);
}

/// SPEC §4 Data: no note dated on or before D is red, not "clean"; and
/// `check`, `report` and `build` say on stderr that the folder holds no
/// notes, exiting 0, without changing the warnings counted.
#[test]
fn an_empty_folder_is_red_and_said() {
    let j = Journal::new().file("README.md", "# not a journal\n");
    let v = j.report_json();
    assert_eq!(v["boxes"]["data"], "red");
    assert_eq!((v["data"]["errors"].as_u64(), v["data"]["warnings"].as_u64()), (Some(0), Some(0)));
    let notice = format!("no notes found in {} — is this the journal?", j.path().display());
    for args in
        [&["check"][..], &["check", "--format", "json"], &["report"], &["report", "--format", "json"], &["build"]]
    {
        let run = j.run(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(&notice), "{args:?}: {}", run.stderr);
    }
    let text = j.run(&["report"]).stdout;
    assert!(text.contains("is this the journal?"), "{text}");
    // Notes only after D: red too, but the folder is a journal (no notice).
    let later = Journal::new().note("2026-11-30", "mood: 4");
    assert_eq!(later.report_json()["boxes"]["data"], "red");
    assert!(!later.run(&["check"]).stderr.contains("no notes found"));
    // One note on D: green, and no notice.
    let one = Journal::new().note(TODAY, "mood: 4");
    assert_eq!(one.report_json()["boxes"]["data"], "green");
    assert!(!one.run(&["report"]).stderr.contains("no notes found"));
}

/// The pages that show days off, snapshotted: the heatmap (a day off in its
/// own colour, with its reason, in the legend only when there is one), the
/// weekly reviews (the day marked, the week's days off counted, less
/// expected) and the page of an `off:` note.
#[test]
fn days_off_pages_snapshot() {
    let j = Journal::fixture("days-off");
    let run = j.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for rel in ["activity.html", "weeks/2026-W47.html", "weeks/2026-W48.html", "notes/2026-11-20.html"] {
        let name = format!("days_off_page_{}", rel.trim_end_matches(".html").replace('/', "_"));
        insta::assert_snapshot!(name, j.read(&format!("_site/{rel}")));
    }
    let activity = j.read("_site/activity.html");
    assert!(activity.contains(r#"class="day off""#), "a holiday without a note");
    assert!(activity.contains("Thu 26 Nov 2026: day off (holiday)"), "its reason");
    assert!(activity.contains(r#"class="day l1 offday""#), "a day off with activity keeps its shade");
    assert!(activity.contains("calls 3 · day off (PTO)"));
    assert!(activity.contains("day off (holiday, PTO)</li>"), "the legend");
    let week = j.read("_site/weeks/2026-W48.html");
    assert!(week.contains("4 workdays elapsed (1 day off)"), "{week}");
    assert!(week.contains(r#"<span class="chip off" title="a day off: not a workday">holiday</span>"#));
    let note = j.read("_site/notes/2026-11-20.html");
    assert!(note.contains("day off: PTO"));
}
