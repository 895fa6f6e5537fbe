//! The data page: every diagnostic with its file, line and message, linked
//! to the note's page; the workdays without a note; the stale deals (the
//! data box counts them: a deal nobody wrote about is data gone out of
//! date); the last note.

use super::format::{self, plural};
use super::{Site, Stat};
use crate::analyse::data::missing_workdays;
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
        .map(|deal| super::pipeline::deal_row(site, deal))
        .filter(|row| row.flags.iter().any(|f| f.label == "stale"))
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
    }
}
