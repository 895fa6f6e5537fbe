//! `saleslog report`: the JSON contract of SPEC §7 and the terminal view.

use crate::harness::*;

#[test]
fn sample_journal_figures() {
    let v = Journal::sample().report_json();
    assert_eq!(v["as_of"], "2026-11-27");
    assert_eq!(v["notes"], 67);
    assert_eq!(v["boxes"]["attitude"], "green");
    assert_eq!(v["pipeline"]["quota"], 300000);
    assert_eq!(v["pipeline"]["period_start"], "2026-10-01");
    assert_eq!(v["pipeline"]["won_in_period"], 140000);
    assert_eq!(v["data"]["errors"], 0);
}

#[test]
fn json_has_every_key_of_the_spec_in_order() {
    let run = Journal::new().run(&["report", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    // Keys in the order they appear in the output (serde_json's Value sorts them).
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort_by_key(|k| run.stdout.rfind(&format!("\"{k}\"")).unwrap());
        k
    };
    assert_eq!(
        keys(&v),
        ["as_of", "notes", "boxes", "activity", "attitude", "commitments", "pipeline", "data", "plan", "forecast"]
    );
    assert_eq!(keys(&v["activity"]), ["week_start", "elapsed_workdays", "attainment", "goals", "streak"]);
    assert_eq!(keys(&v["attitude"]), ["scale", "mood_7d", "mood_activity_r"]);
    assert_eq!(keys(&v["commitments"]), ["open", "overdue", "due_in_window", "kept_on_time", "on_time_rate"]);
    assert_eq!(
        keys(&v["pipeline"]),
        [
            "open_deals",
            "open_amount",
            "weighted",
            "quota",
            "period_start",
            "period_end",
            "won_in_period",
            "remaining",
            "coverage",
            "stale",
            "slipped",
            "no_next_step",
            "win_rate",
            "avg_cycle_days",
            "pushed"
        ]
    );
    // SPEC §9.
    assert_eq!(
        keys(&v["plan"]),
        [
            "gap",
            "weighted_in_period",
            "avg_won_amount",
            "wins_needed",
            "new_deals_needed",
            "deals_created",
            "workdays_left",
            "in_time",
            "activities"
        ]
    );
    assert_eq!(keys(&v["forecast"]), ["brier", "forecasts", "weighted_observed", "stages"]);
    assert_eq!(keys(&v["data"]), ["errors", "warnings", "missing_workdays", "days_since_last_note", "timeliness"]);
    // SPEC §8: not in a git work tree.
    assert!(v["data"]["timeliness"].is_null());
    // An empty journal: absent figures are null, the boxes say so.
    assert_eq!(v["notes"], 0);
    assert_eq!(v["boxes"]["activity"], "na");
    assert_eq!(v["boxes"]["attitude"], "na");
    assert!(v["pipeline"]["quota"].is_null());
    assert!(v["data"]["days_since_last_note"].is_null());
    assert_eq!(v["activity"]["streak"]["current"], serde_json::Value::Null);
}

#[test]
fn goals_are_listed_daily_first_then_weekly_in_name_order() {
    let j = Journal::with_config("goals:\n  weekly: {meetings: 8, demos: 2}\n  daily: {emails: 15, calls: 20}\n")
        .note("2026-11-23", "activity: {calls: 25, emails: 10, meetings: 3, demos: 1}");
    let v = j.report_json();
    let goals: Vec<(String, String)> = v["activity"]["goals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["activity"].as_str().unwrap().into(), g["period"].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        goals,
        [("calls", "daily"), ("emails", "daily"), ("demos", "weekly"), ("meetings", "weekly")]
            .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    // As of Friday without a note that day: Mon..Thu elapsed, but the journal
    // starts on Monday.
    assert_eq!(v["activity"]["elapsed_workdays"], 4);
    assert_eq!(v["activity"]["goals"][0]["expected"], 80);
    assert_eq!(v["activity"]["goals"][2]["expected"], 1.6);
}

#[test]
fn notes_after_the_report_date_change_nothing() {
    let base =
        Journal::new().note("2026-11-20", "mood: 4\ndeals:\n  - {name: Acme, stage: lead, amount: 100, next: x}");
    let before = base.report_json();
    let after = base.note("2026-11-30", "mood: 1\ndeals:\n  - {id: acme, stage: won}");
    let mut v = after.report_json();
    // Only the data box sees the later note (a warning).
    assert_eq!(v["data"]["warnings"], 1);
    v["data"]["warnings"] = before["data"]["warnings"].clone();
    v["boxes"]["data"] = before["boxes"]["data"].clone();
    assert_eq!(v, before);
}

#[test]
fn text_report_fits_80_columns_without_colour_when_piped() {
    let run = Journal::sample().run(&["report"]);
    assert_eq!(run.code, 0);
    assert!(!run.stdout.contains('\x1b'), "no colour codes when piped");
    for line in run.stdout.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line:?}");
    }
    for word in ["Activity", "Attitude", "Commitments", "Data", "Pipeline", "AMBER", "GREEN"] {
        assert!(run.stdout.contains(word), "{word} missing:\n{}", run.stdout);
    }
}

/// SPEC §9 in the terminal: the plan under the boxes, the chain first, then
/// what it means a day, with the warning when a new deal cannot close in time.
#[test]
fn text_report_prints_the_plan() {
    let j = Journal::new()
        .file("saleslog.yaml", "quota: {amount: 100000, period: quarter}\ngoals: {daily: {calls: 20}}\n")
        .note("2026-10-01", "activity: {calls: 50}\ndeals:\n  - {name: A, stage: lead, amount: 40000}\n  - {name: B, stage: lead, amount: 20000}")
        .note("2026-11-20", "activity: {calls: 30}\ndeals:\n  - {id: a, stage: won}\n  - {id: b, stage: lost}");
    let run = j.run_at("2026-11-27", &["report"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Gap 60000 = 1.5 wins of 40000 = 3 new deals at 50%; 80 calls / 2 deals
    // × 3 / 24 workdays = 5 a day; cycle 50 days, 34 left.
    let flat = run.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Plan: $60,000 gap beyond the weighted pipeline = 1.5 wins of $40,000 = 3.0 new deals at 50%"),
        "{}",
        run.stdout
    );
    assert!(flat.contains("2 more deals like your average: about 5 calls a day for the 24 workdays left; your goal is 20; your deals take 50 days; the quarter ends in 34"), "{}", run.stdout);
}
