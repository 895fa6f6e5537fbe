//! Timeliness and accuracy (SPEC §8): were the notes written when they say,
//! and were their facts changed long afterwards?
//!
//! The history itself is read at the edge ([`crate::source::git`]); here it
//! is judged, purely: each note's lag from its written date, and each
//! commit's change to a note compared on the *parsed* notes (facts, not
//! text) against its first parent, in words a manager reads.

use super::Light;
use crate::model::config::{Config, DataSettings};
use crate::model::note::{self, CommitmentItem, DayOff, DealMention, Field, Mark, Note, StageField};
use crate::source::discover::is_note_path;
use crate::source::git::{ChangeKind, History};
use crate::source::tasks::TaskItem;
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The days the figures look back over, D included.
pub const WINDOW_DAYS: i64 = 30;

/// `data.timeliness` in the JSON report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelinessFigures {
    pub committed: usize,
    pub on_time: usize,
    pub backfilled: usize,
    pub max_lag_days: Option<i64>,
    pub rate: Option<f64>,
    pub late_edits: usize,
}

impl TimelinessFigures {
    /// One line for a person: `3 of 4 notes written on time (the longest 3
    /// days late); 2 late edits`.
    pub fn sentence(&self) -> String {
        let mut out = match self.committed {
            0 => "no note of the last 30 days is committed yet".to_string(),
            n => format!("{} of {n} {} written on time", self.on_time, if n == 1 { "note" } else { "notes" }),
        };
        if let Some(lag) = self.max_lag_days.filter(|_| self.backfilled > 0) {
            out.push_str(&format!(" (the longest {} after)", plural(lag as usize, "day", "days")));
        }
        out.push_str(&format!("; {} in 30 days", plural(self.late_edits, "late edit", "late edits")));
        out
    }

    /// The §8 rule; `None` when it has no effect on the Data box.
    pub fn light(&self) -> Option<Light> {
        match self.rate {
            None if self.late_edits == 0 => None,
            Some(r) if r < 0.5 => Some(Light::Red),
            Some(r) if r < 0.9 => Some(Light::Amber),
            _ if self.late_edits > 0 => Some(Light::Amber),
            _ => Some(Light::Green),
        }
    }
}

/// When one note was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteWritten {
    pub path: String,
    pub date: NaiveDate,
    /// `None`: not committed yet.
    pub written: Option<NaiveDate>,
}

impl NoteWritten {
    /// written − date in days, 0 for a note written ahead of its date.
    pub fn lag(&self) -> Option<i64> {
        self.written.map(|w| (w - self.date).num_days().max(0))
    }
}

/// A commit that changed an old note's facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LateEdit {
    /// The commit's short hash, as git abbreviates it.
    pub commit: String,
    #[serde(skip)]
    pub commit_id: String,
    /// The commit's author date (the author's own calendar day).
    #[serde(serialize_with = "super::iso_date")]
    pub date: NaiveDate,
    /// The note's path at the commit (where it went, when it moved).
    pub note: String,
    /// The note's date before the commit.
    #[serde(serialize_with = "super::iso_date")]
    pub note_date: NaiveDate,
    /// What changed, one phrase per fact.
    pub changes: Vec<String>,
}

impl LateEdit {
    pub fn description(&self) -> String {
        self.changes.join("; ")
    }
    /// Days between the note's date and the commit.
    pub fn days_after(&self) -> i64 {
        (self.date - self.note_date).num_days()
    }
}

/// Everything §8 knows about a journal's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeliness {
    pub settings: DataSettings,
    /// The earliest written date of any note.
    pub versioned_since: Option<NaiveDate>,
    /// Every note, in (date, path) order.
    pub notes: Vec<NoteWritten>,
    /// Every late edit, in commit order.
    pub late_edits: Arc<Vec<LateEdit>>,
    /// Path → index into `notes`.
    by_path: std::collections::HashMap<String, usize>,
}

impl Timeliness {
    /// Judge the journal's notes against its history, whose late edits
    /// ([`late_edits`]) are already found.
    pub fn new(notes: &[Arc<Note>], history: &History, config: &Config, late_edits: Arc<Vec<LateEdit>>) -> Timeliness {
        let notes: Vec<NoteWritten> = notes
            .iter()
            .map(|n| NoteWritten {
                path: n.path.clone(),
                date: n.date,
                written: history.written(&n.path).map(|a| a.date),
            })
            .collect();
        let versioned_since = notes.iter().filter_map(|n| n.written).min();
        let by_path = notes.iter().enumerate().map(|(i, n)| (n.path.clone(), i)).collect();
        Timeliness { settings: config.data, versioned_since, notes, late_edits, by_path }
    }

    /// When the note at `path` was written.
    pub fn of_note(&self, path: &str) -> Option<&NoteWritten> {
        self.by_path.get(path).map(|&i| &self.notes[i])
    }

    /// The late edits of the note at `path` authored on or before `as_of`.
    pub fn edits_of<'s>(&'s self, path: &'s str, as_of: NaiveDate) -> impl Iterator<Item = &'s LateEdit> + 's {
        self.late_edits.iter().filter(move |e| e.note == path && e.date <= as_of)
    }

    /// Is this note judged at all (on or after the versioned-since date,
    /// committed)? A note dated before is imported, not late.
    pub fn is_imported(&self, n: &NoteWritten) -> bool {
        self.versioned_since.is_some_and(|s| n.date < s)
    }

    /// The notes the figures as of `as_of` judge: dated in the window, on
    /// or after the versioned-since date, written.
    pub fn judged(&self, as_of: NaiveDate) -> impl Iterator<Item = &NoteWritten> {
        let from = as_of - Duration::days(WINDOW_DAYS - 1);
        let since = self.versioned_since;
        self.notes.iter().filter(move |n| {
            n.date >= from && n.date <= as_of && n.written.is_some() && since.is_some_and(|s| n.date >= s)
        })
    }

    /// Late edits authored in the window ending at `as_of`.
    pub fn late_edits_in_window(&self, as_of: NaiveDate) -> impl Iterator<Item = &LateEdit> {
        let from = as_of - Duration::days(WINDOW_DAYS - 1);
        self.late_edits.iter().filter(move |e| e.date >= from && e.date <= as_of)
    }

    pub fn is_on_time(&self, n: &NoteWritten) -> bool {
        n.lag().is_some_and(|lag| lag <= self.settings.on_time_days)
    }

    pub fn figures(&self, as_of: NaiveDate) -> TimelinessFigures {
        let (mut committed, mut on_time, mut max_lag) = (0, 0, None::<i64>);
        for n in self.judged(as_of) {
            committed += 1;
            if self.is_on_time(n) {
                on_time += 1;
            }
            max_lag = max_lag.max(n.lag());
        }
        TimelinessFigures {
            committed,
            on_time,
            backfilled: committed - on_time,
            max_lag_days: max_lag,
            rate: (committed > 0).then(|| on_time as f64 / committed as f64),
            late_edits: self.late_edits_in_window(as_of).count(),
        }
    }
}

/// The output folder relative to the journal, when it is inside it.
fn output_inside(config: &Config) -> Option<String> {
    let out = config.output.trim_start_matches("./");
    (!std::path::Path::new(out).is_absolute() && !out.starts_with("..")).then(|| out.to_string())
}

/// Every (commit, note) pair of the history that is a late edit, among its
/// changes from index `from` on (what a watch session has not judged yet).
pub fn late_edits(history: &History, config: &Config, from: usize) -> Vec<LateEdit> {
    let output = output_inside(config);
    let is_note = |rel: &str| match &config.vault {
        Some(layout) => layout.date_of(rel).is_some(),
        None => is_note_path(rel, output.as_deref()),
    };
    let mut edits = Vec::new();
    for change in history.changes.iter().skip(from) {
        if !is_note(&change.old_path) {
            continue;
        }
        let Some(old) = change.old_text.as_deref().and_then(|t| note::parse(&change.old_path, t, config).note) else {
            continue;
        };
        let commit = &history.commits[change.commit];
        if commit.authored.date - old.date <= Duration::days(config.data.late_edit_days) {
            continue;
        }
        let new_path = change.new_path.as_deref().filter(|p| is_note(p));
        let new = match (new_path, change.new_text.as_deref()) {
            (Some(path), Some(text)) if change.kind != ChangeKind::Deleted => note::parse(path, text, config).note,
            _ => None,
        };
        let changes = describe(&old, new.as_ref(), config);
        if changes.is_empty() {
            continue;
        }
        edits.push(LateEdit {
            commit: commit.short.clone(),
            commit_id: commit.id.clone(),
            date: commit.authored.date,
            note: new_path.unwrap_or(&change.old_path).to_string(),
            note_date: old.date,
            changes,
        });
    }
    edits
}

/// What changed in a note's facts, in words; empty when only its prose,
/// comments, key order or formatting (or its wins, help and tags, which
/// §8 does not list) changed. `new` is `None` when the note was deleted.
pub fn describe(old: &Note, new: Option<&Note>, config: &Config) -> Vec<String> {
    let Some(new) = new else {
        let commitments = old.commitments.len() + old.tasks.len();
        let mut counts = Vec::new();
        if commitments > 0 {
            counts.push(plural(commitments, "commitment", "commitments"));
        }
        if !old.deals.is_empty() {
            counts.push(plural(old.deals.len(), "deal", "deals"));
        }
        return vec![if counts.is_empty() {
            "note deleted".to_string()
        } else {
            format!("note deleted ({})", counts.join(", "))
        }];
    };
    let mut out = Vec::new();
    let mut field = |what: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{what} {a} → {b}"));
        }
    };
    field("date", old.date.to_string(), new.date.to_string());
    field("mood", opt_num(old.mood), opt_num(new.mood));
    field("energy", opt_num(old.energy), opt_num(new.energy));
    field("off", off(old), off(new));
    let names: std::collections::BTreeSet<&str> = old.activity.keys().chain(new.activity.keys()).collect();
    for name in names {
        let show = |n: &Note| n.activity.get(name).map_or("none".to_string(), |v| v.to_string());
        field(name, show(old), show(new));
    }
    let stage = |s: &StageField| match s {
        StageField::Absent => "none".to_string(),
        StageField::Invalid => "invalid".to_string(),
        StageField::Set(id) => config.pipeline.stage(*id).name.clone(),
    };
    items(
        &mut out,
        "deal",
        &old.deals,
        &new.deals,
        |d| d.id.clone(),
        |d: &DealMention| {
            vec![
                ("name", d.name.clone().unwrap_or_else(|| "none".into())),
                ("stage", stage(&d.stage)),
                ("amount", show_field(&d.amount, |a| amount(*a))),
                ("close", show_field(&d.close, NaiveDate::to_string)),
                ("next", show_field(&d.next, |s| quoted(s))),
                ("contact", show_field(&d.contact, |s| quoted(s))),
                ("source", show_field(&d.source, |s| quoted(s))),
                ("reason", show_field(&d.reason, |s| quoted(s))),
            ]
        },
    );
    items(
        &mut out,
        "commitment",
        &old.commitments,
        &new.commitments,
        |c| c.id.to_string(),
        |c: &CommitmentItem| {
            vec![
                ("what", c.what.as_deref().map_or("none".into(), quoted)),
                ("to", c.to.as_deref().map_or("none".into(), quoted)),
                ("due", opt_date(c.due)),
                ("done", mark(c.done)),
                ("dropped", mark(c.dropped)),
                ("note", c.note.as_deref().map_or("none".into(), quoted)),
            ]
        },
    );
    items(
        &mut out,
        "task",
        &old.tasks,
        &new.tasks,
        |t| t.slug.clone(),
        |t: &TaskItem| {
            vec![
                // SPEC §8: a task's text, tick or dates. The id is the text's
                // slug, so this is a change the slug does not see (`Call
                // Bob` → `call BOB!`).
                ("text", quoted(&t.text)),
                ("ticked", if t.checked { "yes".into() } else { "no".into() }),
                ("due", opt_date(t.due)),
                ("done", opt_date(t.done)),
                // A vault's dropped task (`- [-]`, ❌ with its date).
                ("dropped", if t.cancelled { t.dropped.map_or("yes".into(), |d| d.to_string()) } else { "no".into() }),
            ]
        },
    );
    out
}

/// Compare two lists of items matched by identity (the k-th item of an id
/// with the k-th): added, removed, and each field that changed.
fn items<'a, T>(
    out: &mut Vec<String>,
    what: &str,
    old: &'a [T],
    new: &'a [T],
    id: impl Fn(&T) -> String,
    fields: impl Fn(&T) -> Vec<(&'static str, String)>,
) {
    let keyed = |list: &'a [T]| -> Vec<((String, usize), &'a T)> {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        list.iter()
            .map(|item| {
                let id = id(item);
                let k = seen.entry(id.clone()).or_default();
                *k += 1;
                ((id, *k), item)
            })
            .collect()
    };
    let (old, new) = (keyed(old), keyed(new));
    fn find<'a, T>(list: &[((String, usize), &'a T)], key: &(String, usize)) -> Option<&'a T> {
        list.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
    for (key, item) in &old {
        match find(&new, key) {
            None => out.push(format!("{what} {} removed", key.0)),
            Some(now) => {
                let changed: Vec<String> = fields(item)
                    .into_iter()
                    .zip(fields(now))
                    .filter(|((_, a), (_, b))| a != b)
                    .map(|((name, a), (_, b))| format!("{name} {a} → {b}"))
                    .collect();
                if !changed.is_empty() {
                    out.push(format!("{what} {}: {}", key.0, changed.join(", ")));
                }
            }
        }
    }
    for (key, _) in &new {
        if find(&old, key).is_none() {
            out.push(format!("{what} {} added", key.0));
        }
    }
}

/// A note's day off: `none`, `yes` (`off: true`) or its reason quoted;
/// a reason written in place of `true` is a changed fact too.
fn off(n: &Note) -> String {
    match &n.off {
        None => "none".into(),
        Some(DayOff { reason: None }) => "yes".into(),
        Some(DayOff { reason: Some(why) }) => quoted(why),
    }
}

fn show_field<T>(f: &Field<T>, show: impl Fn(&T) -> String) -> String {
    match f {
        Field::Keep => "none".into(),
        Field::Clear => "cleared".into(),
        Field::Set(v) => show(v),
    }
}

fn quoted(s: &str) -> String {
    format!("“{s}”")
}

fn opt_num(v: Option<f64>) -> String {
    v.map_or("none".into(), |v| if v.fract() == 0.0 { format!("{v:.0}") } else { v.to_string() })
}

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map_or("none".into(), |d| d.to_string())
}

fn mark(m: Option<Mark>) -> String {
    match m {
        None => "none".into(),
        Some(Mark::Cleared) => "false".into(),
        Some(Mark::On(d)) => d.to_string(),
    }
}

/// `40,000`, `1,250.5`: an amount as a manager reads it.
pub fn amount(a: f64) -> String {
    let whole = a.trunc().abs() as u64;
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    let frac = a.abs().fract();
    if frac > 0.0 {
        let f = format!("{frac}");
        out.push_str(f.trim_start_matches('0'));
    }
    if a < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(rel: &str, text: &str) -> Note {
        note::parse(rel, text, &Config::default()).note.unwrap()
    }

    #[test]
    fn facts_not_text() {
        let c = Config::default();
        let old = parse(
            "2026-10-05.md",
            "---\nmood: 3\nactivity: {calls: 10}\ndeals:\n  - {id: globex, name: Globex, stage: proposal, amount: 40000}\ncommitments:\n  - {id: acme-pricing, what: Send pricing, due: 2026-10-10}\n---\nProse.\n- [ ] Call Bob 📅 2026-10-12\n",
        );
        let prose = parse(
            "2026-10-05.md",
            "---\n# a comment\nactivity:   {calls: 10}\nmood: 3\ndeals:\n  - {name: Globex, id: globex, amount: 40000, stage: proposal}\ncommitments:\n  - {id: acme-pricing, what: Send pricing, due: 2026-10-10}\n---\nOther prose entirely, wins rewritten.\n\n* [ ] Call Bob 📅 2026-10-12\n",
        );
        assert!(describe(&old, Some(&prose), &c).is_empty());
        let edited = parse(
            "2026-10-05.md",
            "---\nmood: 3\nactivity: {calls: 12, emails: 3}\ndeals:\n  - {id: globex, name: Globex, stage: proposal, amount: 55000}\ncommitments:\n  - {id: acme-pricing, what: Send pricing, due: 2026-10-20}\n---\n- [x] Call Bob 📅 2026-10-12 ✅ 2026-10-12\n",
        );
        assert_eq!(
            describe(&old, Some(&edited), &c),
            vec![
                "calls 10 → 12",
                "emails none → 3",
                "deal globex: amount 40,000 → 55,000",
                "commitment acme-pricing: due 2026-10-10 → 2026-10-20",
                "task call-bob: ticked no → yes, done none → 2026-10-12",
            ]
        );
        // The task's text changed, though not its slug (its id).
        let reworded = parse(
            "2026-10-05.md",
            "---\nmood: 3\nactivity: {calls: 10}\ndeals:\n  - {id: globex, name: Globex, stage: proposal, amount: 40000}\ncommitments:\n  - {id: acme-pricing, what: Send pricing, due: 2026-10-10}\n---\nProse.\n- [ ] call BOB! due:2026-10-12\n",
        );
        assert_eq!(describe(&old, Some(&reworded), &c), vec!["task call-bob: text “Call Bob” → “call BOB!”"]);
        // Dropped, as a vault's `- [-] … ❌ 2026-10-12` reads.
        let mut dropped = old.clone();
        dropped.tasks[0].cancelled = true;
        dropped.tasks[0].dropped = crate::text::parse_date("2026-10-12");
        assert_eq!(describe(&old, Some(&dropped), &c), vec!["task call-bob: dropped no → 2026-10-12"]);
        assert_eq!(describe(&old, None, &c), vec!["note deleted (2 commitments, 1 deal)"]);
        assert_eq!(describe(&parse("2026-10-05.md", "mood: 3"), None, &c), vec!["note deleted"]);
        // A day off set afterwards, and its reason changed.
        let working = parse("2026-10-05.md", "---\nmood: 3\n---\n");
        let off = parse("2026-10-05.md", "---\nmood: 3\noff: true\n---\n");
        assert_eq!(describe(&working, Some(&off), &c), vec!["off none → yes"]);
        let pto = parse("2026-10-05.md", "---\nmood: 3\noff: PTO\n---\n");
        assert_eq!(describe(&off, Some(&pto), &c), vec!["off yes → “PTO”"]);
        assert!(describe(&pto, Some(&parse("2026-10-05.md", "---\noff: PTO\nmood: 3\n---\n")), &c).is_empty());
    }

    #[test]
    fn items_added_removed_and_dates() {
        let c = Config::default();
        let old = parse("2026-10-05.md", "---\ncommitments:\n  - {what: Call Jane}\n---\n");
        let new = parse("2026-10-06.md", "---\ncommitments:\n  - {what: Call Jane}\n---\n");
        // A date from the file name is a fact; the implicit id follows it.
        assert_eq!(
            describe(&old, Some(&new), &c),
            vec![
                "date 2026-10-05 → 2026-10-06",
                "commitment 2026-10-05-call-jane removed",
                "commitment 2026-10-06-call-jane added"
            ]
        );
    }

    #[test]
    fn the_box_rule() {
        let f = |rate: Option<f64>, late_edits| TimelinessFigures {
            committed: 0,
            on_time: 0,
            backfilled: 0,
            max_lag_days: None,
            rate,
            late_edits,
        };
        assert_eq!(f(None, 0).light(), None);
        assert_eq!(f(None, 1).light(), Some(Light::Amber));
        assert_eq!(f(Some(0.49), 0).light(), Some(Light::Red));
        assert_eq!(f(Some(0.5), 0).light(), Some(Light::Amber));
        assert_eq!(f(Some(0.9), 0).light(), Some(Light::Green));
        assert_eq!(f(Some(1.0), 2).light(), Some(Light::Amber));
        assert_eq!(f(Some(0.2), 2).light(), Some(Light::Red));
    }

    #[test]
    fn amounts_read_like_money() {
        assert_eq!(amount(40000.0), "40,000");
        assert_eq!(amount(1250.5), "1,250.5");
        assert_eq!(amount(0.0), "0");
        assert_eq!(amount(999.0), "999");
    }
}
