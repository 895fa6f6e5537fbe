//! The invariants the fuzz targets check, shared with the regression tests
//! (`tests/cli/fuzz_regressions.rs` includes this file), so an input the
//! fuzzer found keeps being checked by `cargo test` the same way.
//!
//! Only saleslog's library, chrono and serde_json are used here: the main
//! crate's tests can include this file without the fuzzing dependencies.

use chrono::NaiveDate;
use saleslog::analyse::{self, summary, Figures};
use saleslog::model::config::{self, Config};
use saleslog::model::diagnostic::{Diagnostic, Tally};
use saleslog::model::journal::Journal;
use saleslog::model::note::{self, Note};
use saleslog::output;
use saleslog::source::discover::{self, Contents};
use std::sync::Arc;

/// The file name a fuzzed note is read as (a date in it, so a note with no
/// usable `date:` still counts).
pub const NOTE_NAME: &str = "2026/2026-11-27-fuzz.md";

/// One note file: decode, parse, render the diagnostics as `check` does,
/// and read the same text as `saleslog.yaml`. Panics when an invariant
/// does not hold.
pub fn check_note(bytes: &[u8]) {
    let config = Config::default();
    let (text, mut diagnostics) = match discover::decode(NOTE_NAME, bytes.to_vec()) {
        Contents::Refused(d) => {
            check_located(&d, None);
            return;
        }
        Contents::Text(text, problem) => (text, problem.into_iter().collect::<Vec<_>>()),
    };
    let parsed = note::parse(NOTE_NAME, &text, &config);
    diagnostics.extend(parsed.diagnostics);
    for d in &diagnostics {
        check_located(d, Some(&text));
        check_points_at_the_date(d, &text);
    }
    let rendered = output::diagnostics_human(&diagnostics, |_| Some(text.clone()), false);
    assert_eq!(rendered.is_empty(), diagnostics.is_empty());
    if let Some(note) = &parsed.note {
        check_note_values(note, &config);
    }

    // The same text as a configuration: it is read or refused with located
    // problems, and a configuration that is read can be used for a report.
    match config::parse(&text) {
        Ok(config) => {
            let notes = [Arc::new(parsed.note.clone().unwrap_or_else(empty_note)), Arc::new(busy_note(&config))];
            let as_of = date("2026-11-27");
            let journal = Journal::build(&notes, as_of);
            let figures = analyse::analyse(&journal, &config, Tally::default());
            check_figures(&figures, &config);
        }
        Err(problems) => {
            assert!(!problems.is_empty());
            for d in &problems {
                check_located(d, Some(&text));
            }
        }
    }
}

/// Up to four notes, the input split at `\0`, with fixed dated names (two
/// share a date); the first byte picks the as-of date. The journal is built
/// and analysed as `report` does, and every figure must be finite or null.
pub fn check_journal(bytes: &[u8]) {
    const NAMES: [&str; 4] = ["2026-11-23.md", "2026-11-23-meeting.md", "2026/2026-11-25.md", "2026-12-01.md"];
    let Some((&first, rest)) = bytes.split_first() else { return };
    let as_of = date("2026-11-16") + chrono::Duration::days(i64::from(first % 21));
    let config = config::parse(JOURNAL_CONFIG).expect("the fuzz configuration is valid");
    let mut notes = Vec::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for (name, chunk) in NAMES.iter().zip(rest.split(|&b| b == 0)) {
        let Contents::Text(text, problem) = discover::decode(name, chunk.to_vec()) else { unreachable!() };
        diagnostics.extend(problem);
        let parsed = note::parse(name, &text, &config);
        diagnostics.extend(parsed.diagnostics);
        if let Some(note) = parsed.note {
            check_note_values(&note, &config);
            notes.push(Arc::new(note));
        }
    }
    // As `check` does: the whole journal's model, whatever the date.
    diagnostics.extend(Journal::build(&notes, NaiveDate::MAX).diagnostics);
    let journal = Journal::build(&notes, as_of);
    assert!(journal.notes.iter().all(|n| n.date <= as_of));
    let figures = analyse::analyse(&journal, &config, Tally::of(&diagnostics));
    check_figures(&figures, &config);

    // Order of discovery does not matter.
    let mut reversed = notes.clone();
    reversed.reverse();
    let again = analyse::analyse(&Journal::build(&reversed, as_of), &config, Tally::of(&diagnostics));
    assert_eq!(serde_json::to_string(&figures).unwrap(), serde_json::to_string(&again).unwrap());
}

/// The configuration of the `journal` target: goals, a quota and a short
/// window, so every figure has something to compute.
pub const JOURNAL_CONFIG: &str = "activities: [calls, emails, meetings]
goals:
  daily: {calls: 10, emails: 5}
  weekly: {meetings: 3}
quota: {amount: 100000, period: month}
commitments: {window_days: 7}
pipeline: {stale_after_days: 3, win_rate_days: 30}
";

fn date(s: &str) -> NaiveDate {
    saleslog::text::parse_date(s).expect("a real date")
}

fn empty_note() -> Note {
    note::parse("2026-11-20.md", "", &Config::default()).note.expect("dated by its name")
}

/// A note that gives every figure something to count under `config`.
fn busy_note(config: &Config) -> Note {
    let stage = &config.pipeline.stages[0].name;
    let text = format!(
        "---\nmood: 1\nactivity: {{calls: 3}}\ndeals:\n  - {{name: Acme, stage: '{}', amount: 10, close: 2026-11-30}}\ncommitments:\n  - {{what: Call, due: 2026-11-22}}\n---\n- [ ] Task due:2026-11-10\n",
        stage.replace('\'', "''")
    );
    note::parse("2026-11-21.md", &text, config).note.expect("dated by its name")
}

/// A diagnostic points inside its file: a line that exists (or the one
/// after the last) and a column within that line (or just after it).
pub fn check_located(d: &Diagnostic, text: Option<&str>) {
    assert!(d.line >= 1 && d.column >= 1, "{d}");
    assert!(!d.message.is_empty(), "{d}");
    let Some(text) = text else {
        assert_eq!((d.line, d.column), (1, 1), "{d}");
        return;
    };
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(d.line <= lines.len(), "{d}: the file has {} lines", lines.len());
    // A lone `\r` ends a line for YAML, not for saleslog: a position just
    // after one (at the end of the file) is still on its `\n` line.
    let line = lines[d.line - 1];
    let line = if d.line == 1 { line.strip_prefix('\u{feff}').unwrap_or(line) } else { line };
    assert!(d.column <= line.chars().count() + 1, "{d}: line {} is {line:?}", d.line);
}

/// A task marker's impossible date (`` `2026-02-30` is not a real date ``)
/// is located at the date itself.
pub fn check_points_at_the_date(d: &Diagnostic, text: &str) {
    let Some(bad) = d.message.strip_prefix('`').and_then(|m| m.strip_suffix("` is not a real date")) else {
        return;
    };
    if bad.contains(':') {
        return; // a front-matter value (`due: …`), located at the value
    }
    let line = text.split('\n').nth(d.line - 1).unwrap_or_default();
    let at: String = line.chars().skip(d.column - 1).take(bad.chars().count()).collect();
    assert_eq!(at, bad, "{d}: line {} is {line:?}", d.line);
}

/// What a parsed note may hold: values within their documented ranges.
pub fn check_note_values(note: &Note, config: &Config) {
    for v in [note.mood, note.energy].into_iter().flatten() {
        assert!(v.is_finite() && (1.0..=config.attitude.scale).contains(&v), "{v}");
    }
    for deal in &note.deals {
        assert!(!deal.id.is_empty());
        if let note::Field::Set(a) = deal.amount {
            assert!(a.is_finite() && a >= 0.0, "{a}");
        }
    }
    for c in &note.commitments {
        assert!(!c.id.is_empty() || c.explicit_id);
    }
}

/// Every figure is finite (or null), every count is plausible, the JSON
/// reads back, and the terminal report renders.
pub fn check_figures(f: &Figures, config: &Config) {
    let finite = |name: &str, v: f64| assert!(v.is_finite(), "{name} = {v}");
    let finite_opt = |name: &str, v: Option<f64>| {
        if let Some(v) = v {
            finite(name, v);
        }
    };
    let unit = |name: &str, v: Option<f64>| {
        if let Some(v) = v {
            assert!((0.0..=1.0).contains(&v), "{name} = {v}");
        }
    };
    let a = &f.activity;
    unit("attainment", a.attainment);
    for g in &a.goals {
        finite("goal target", g.target);
        finite("goal expected", g.expected);
        finite("goal done", g.done);
    }
    if let (Some(current), Some(longest)) = (a.streak.current, a.streak.longest) {
        assert!(current <= longest);
    }
    finite_opt("mood_7d", f.attitude.mood_7d);
    if let Some(r) = f.attitude.mood_activity_r {
        assert!((-1.0 - 1e-9..=1.0 + 1e-9).contains(&r), "r = {r}");
    }
    let c = &f.commitments;
    assert!(c.kept_on_time <= c.due_in_window);
    unit("on_time_rate", c.on_time_rate);
    let p = &f.pipeline;
    finite("open_amount", p.open_amount);
    finite("weighted", p.weighted);
    assert!(p.weighted <= p.open_amount * (1.0 + 1e-9) + 1e-9);
    for (name, v) in [
        ("quota", p.quota),
        ("won_in_period", p.won_in_period),
        ("remaining", p.remaining),
        ("coverage", p.coverage),
        ("avg_cycle_days", p.avg_cycle_days),
    ] {
        finite_opt(name, v);
        assert!(v.is_none_or(|v| v >= 0.0), "{name} = {v:?}");
    }
    unit("win_rate", p.win_rate);
    assert!(p.stale <= p.open_deals && p.slipped <= p.open_deals && p.no_next_step <= p.open_deals);
    assert!(f.data.days_since_last_note.is_none_or(|d| d >= 0));

    let json = serde_json::to_string(f).expect("figures serialize");
    let back: serde_json::Value = serde_json::from_str(&json).expect("the JSON reads back");
    assert_eq!(back["notes"], f.notes);
    let boxes = summary::summarize(f, config);
    assert_eq!(boxes.len(), 5);
    let text = output::report_text(f, &boxes, &config.name);
    assert!(text.contains("saleslog as of"));
}
