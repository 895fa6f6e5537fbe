//! The data page: every diagnostic with its file, line and message, linked
//! to the note's page; the workdays without a note; the stale deals (the
//! data box counts them: a deal nobody wrote about is data gone out of
//! date); the last note.

use super::format::{self, plural};
use super::{Site, Stat};
use crate::analyse::data::missing_workdays;
use crate::analyse::timeliness::{NoteWritten, Timeliness, WINDOW_DAYS};
use crate::model::diagnostic::Severity;
use chrono::Duration;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct DataView {
    pub stats: Vec<Stat>,
    pub diagnostics: Vec<DiagnosticRow>,
    pub missing: Vec<String>,
    /// `12 workdays without a note in the last 90 days.`
    pub missing_90: String,
    /// Open deals not mentioned for longer than `stale_after_days`.
    pub stale: Vec<super::pipeline::DealRow>,
    pub stale_intro: String,
    pub last_note: Option<super::NoteRef>,
    /// SPEC §8, when the history is read.
    pub timeliness: Option<TimelinessView>,
    /// Why it is not.
    pub history_note: Option<String>,
}

/// The timeliness section: the last 30 days, and the late edits.
#[derive(Debug, Serialize)]
pub struct TimelinessView {
    pub sentence: String,
    pub versioned_since: String,
    pub strip: Vec<StripDay>,
    pub late_edits: Vec<LateEditRow>,
    /// Late edits before the window (listed in `check` only while recent).
    pub earlier_edits: usize,
}

/// One day of the strip.
#[derive(Debug, Serialize)]
pub struct StripDay {
    pub date_iso: String,
    pub label: String,
    /// `on-day`, `next-day`, `backfilled`, `uncommitted`, `imported` or
    /// `none` (no note).
    pub class: &'static str,
    pub title: String,
    pub href: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct LateEditRow {
    pub commit: String,
    pub date: String,
    pub note: String,
    pub href: Option<String>,
    pub change: String,
}

#[derive(Debug, Serialize)]
pub struct DiagnosticRow {
    pub severity: &'static str,
    pub location: String,
    pub href: Option<String>,
    pub code: &'static str,
    /// The message and hint as HTML: escaped, backtick pairs as `<code>`.
    pub message: String,
    pub hint: String,
}

pub fn view(site: &Site<'_>) -> DataView {
    let f = &site.figures.data;
    let d = site.as_of;
    let diagnostics = site
        .diagnostics
        .iter()
        .map(|x| DiagnosticRow {
            severity: match x.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            location: format!("{}:{}:{}", x.file, x.line, x.column),
            href: site.links.has_note(&x.file).then(|| format!("{}#problems", site.links.note_page(&x.file))),
            code: x.code.as_str(),
            message: format::code_html(&x.message),
            hint: x.hint.as_deref().map_or(String::new(), format::code_html),
        })
        .collect();
    let missing: Vec<String> = missing_workdays(site.days).into_iter().rev().map(format::date_long).collect();
    // The same count over 90 days, for the longer view.
    let missing_90 =
        site.days.elapsed_workdays(d - Duration::days(89)).filter(|x| !site.days.days.contains_key(x)).count();
    let last = site.journal.notes.len().checked_sub(1);
    let stale: Vec<_> = site
        .journal
        .deals
        .iter()
        .filter(|deal| super::pipeline::flagged(site, deal).stale)
        .map(|deal| super::pipeline::deal_row(site, deal))
        .collect();
    let stale_days = site.config.pipeline.stale_after_days;
    let stats = vec![
        Stat::new("Errors", f.errors.to_string(), "values left out of the figures").class(if f.errors > 0 {
            "red"
        } else {
            "green"
        }),
        Stat::new("Warnings", f.warnings.to_string(), "worth a look").class(if f.warnings > 0 { "amber" } else { "" }),
        Stat::new("Missing workdays", f.missing_workdays.to_string(), "in the last 14 days").class(
            if f.missing_workdays > 2 {
                "red"
            } else if f.missing_workdays > 0 {
                "amber"
            } else {
                ""
            },
        ),
        Stat::new(
            "Last note",
            site.journal.last_date().map_or("none".into(), format::date_medium),
            f.days_since_last_note.map_or(String::new(), format::ago),
        ),
        Stat::new(
            "Stale deals",
            site.figures.pipeline.stale.to_string(),
            format!("not in a note for over {stale_days} days"),
        )
        .class(if site.figures.pipeline.stale > 0 { "amber" } else { "" }),
        Stat::new("Notes", site.figures.notes.to_string(), "counted as of the report date"),
    ];
    let timeliness = site.timeliness.as_deref().map(|t| timeliness_view(site, t));
    let mut stats = stats;
    if let Some(tf) = &f.timeliness {
        let class = match tf.light() {
            Some(crate::analyse::Light::Red) => "red",
            Some(crate::analyse::Light::Amber) => "amber",
            _ => "",
        };
        stats.push(
            Stat::new(
                "Written on time",
                tf.rate.map_or("–".into(), format::pct),
                format!("of {} committed notes, 30 days", tf.committed),
            )
            .class(class),
        );
        stats.push(
            Stat::new("Late edits", tf.late_edits.to_string(), "facts changed long after, 30 days")
                .class(if tf.late_edits > 0 { "amber" } else { "" }),
        );
    }
    DataView {
        stats,
        diagnostics,
        missing,
        missing_90: format!("{} without a note in the last 90 days.", plural(missing_90, "workday", "workdays")),
        stale,
        stale_intro: format!(
            "Open deals no note has mentioned for more than {stale_days} days: the pipeline's figures for them may be out of date. Mention each in today's note, or close it."
        ),
        last_note: last.map(|i| site.note_ref(i)),
        timeliness,
        history_note: site.history_note.clone(),
    }
}

fn timeliness_view(site: &Site<'_>, t: &Timeliness) -> TimelinessView {
    let d = site.as_of;
    let f = t.figures(d);
    let strip = (0..WINDOW_DAYS)
        .rev()
        .map(|back| {
            let day = d - Duration::days(back);
            let notes: Vec<&NoteWritten> = t.notes.iter().filter(|n| n.date == day).collect();
            // The day's worst note decides its colour.
            let lag = notes.iter().map(|n| n.lag()).max_by_key(|l| l.map_or(i64::MAX, |l| l));
            let (class, title) = match lag {
                None => ("none", "no note".to_string()),
                Some(_) if notes.iter().all(|n| t.is_imported(n)) => {
                    ("imported", "before versioning began".to_string())
                }
                Some(None) => ("uncommitted", "not committed".to_string()),
                Some(Some(0)) => ("on-day", "written on the day".to_string()),
                Some(Some(1)) => ("next-day", "written the next day".to_string()),
                Some(Some(n)) => ("backfilled", format!("backfilled {n} days later")),
            };
            StripDay {
                date_iso: format::iso(day),
                label: format::date_short(day),
                class,
                title: format!("{}: {title}", format::date_short(day)),
                href: site.first_note_href(day),
            }
        })
        .collect();
    let mut late_edits: Vec<LateEditRow> = t
        .late_edits_in_window(d)
        .map(|e| LateEditRow {
            commit: e.commit.clone(),
            date: format::date_medium(e.date),
            note: e.note.clone(),
            href: site.links.has_note(&e.note).then(|| site.links.note_page(&e.note).to_string()),
            change: e.description(),
        })
        .collect();
    late_edits.reverse();
    let from = d - Duration::days(WINDOW_DAYS - 1);
    TimelinessView {
        sentence: f.sentence(),
        versioned_since: t.versioned_since.map_or("not yet (no note is committed)".into(), format::date_medium),
        strip,
        late_edits,
        earlier_edits: t.late_edits.iter().filter(|e| e.date < from).count(),
    }
}
