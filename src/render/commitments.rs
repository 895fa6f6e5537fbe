//! The commitments page: what is overdue, due in the next 7 days and open;
//! what was kept, late or dropped; the on-time rate week by week; and a
//! promise record per person the commitments were made to.

use super::chart::{self, day_number, Dot, Plot, Series, XyChart};
use super::format::{self, plural};
use super::{NoteRef, Site, Stat};
use crate::analyse::commitments::on_time;
use crate::model::journal::{Commitment, Origin, Status};
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// How far back the kept, late and dropped lists go.
const HISTORY_DAYS: i64 = 90;

/// The per-person ledger lists people promised something in this many
/// days, or still waiting: years of a journal would make it thousands of
/// rows nobody reads (the export has them all).
const LEDGER_DAYS: i64 = 365;

#[derive(Debug, Serialize)]
pub struct CommitmentsView {
    pub stats: Vec<Stat>,
    pub sections: Vec<Section>,
    pub rate_chart: XyChart,
    /// People promised something in the last `ledger_days`, or waiting.
    pub people: Vec<PersonRow>,
    /// People left out: only older commitments, all settled.
    pub people_older: usize,
    pub ledger_days: i64,
    pub window_days: i64,
}

#[derive(Debug, Serialize)]
pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    pub intro: String,
    pub rows: Vec<CommitmentRow>,
    pub empty: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommitmentRow {
    /// Shared with the journal's commitment.
    pub what: Arc<str>,
    pub to: Arc<str>,
    pub due: String,
    /// The due date it was made with, when it was rescheduled.
    pub original_due: Option<String>,
    /// How the reschedule counts: moved in time (the new date counts), or
    /// moved after the date that counted had passed (that one still does).
    pub reschedule: Option<String>,
    pub when: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub made: NoteRef,
    pub from_task: bool,
}

#[derive(Debug, Serialize)]
pub struct PersonRow {
    pub name: String,
    pub made: usize,
    pub kept: usize,
    pub late: usize,
    pub open: usize,
    pub overdue: usize,
    pub dropped: usize,
    /// Kept on time of those that came due (the box's definition, over
    /// every date): `50%`, and `1 of 2`.
    pub rate: String,
    pub rate_of: String,
    pub rate_class: &'static str,
}

/// One counterpart's commitments, counted under the name as the
/// commitments write it: a 100-year journal has some 20,000 counterparts,
/// and only those of the ledger's year get a row (and text) of their own.
#[derive(Debug, Clone, Copy)]
struct Tally {
    made: usize,
    kept: usize,
    late: usize,
    open: usize,
    overdue: usize,
    dropped: usize,
    judged: usize,
    kept_on_time: usize,
    /// The last time a commitment to them was made, done or dropped.
    last: NaiveDate,
}

impl Tally {
    fn new(last: NaiveDate) -> Tally {
        Tally { made: 0, kept: 0, late: 0, open: 0, overdue: 0, dropped: 0, judged: 0, kept_on_time: 0, last }
    }

    fn row(&self, name: &str) -> PersonRow {
        let (rate, rate_of, rate_class) = if self.judged > 0 {
            let rate = self.kept_on_time as f64 / self.judged as f64;
            (format::pct(rate), format!("{} of {}", self.kept_on_time, self.judged), rate_class(rate))
        } else {
            ("–".into(), "none due yet".into(), "na")
        };
        PersonRow {
            name: name.to_string(),
            made: self.made,
            kept: self.kept,
            late: self.late,
            open: self.open,
            overdue: self.overdue,
            dropped: self.dropped,
            rate,
            rate_of,
            rate_class,
        }
    }
}

/// Judged for the on-time rate as of `d`, whatever the window: not
/// dropped, with a due date that counts, and either done or past it (one
/// due today and not done is not judged yet). The box's rule
/// ([`crate::analyse::commitments::judged_in_window`]) without the window.
pub fn came_due(c: &Commitment, d: NaiveDate) -> bool {
    let status = c.status(d);
    c.counting_due.is_some_and(|due| due <= d && (due < d || status == Status::Done)) && status != Status::Dropped
}

/// Done after the due date that counts.
pub fn was_late(c: &Commitment, d: NaiveDate) -> bool {
    matches!((c.done, c.counting_due), (Some(done), Some(due)) if done <= d && done > due)
}

/// A commitment as a table row, as of `d`.
pub fn row(site: &Site<'_>, c: &Commitment) -> CommitmentRow {
    let d = site.as_of;
    let status = c.status(d);
    let (label, class, when) = match status {
        Status::Overdue => {
            let late = c.due.map_or(0, |due| (d - due).num_days());
            ("overdue", "red", format!("{} late", plural(late as usize, "day", "days")))
        }
        Status::Open => (
            "open",
            "open",
            c.due.map_or("no due date".into(), |due| match (due - d).num_days() {
                0 => "due today".into(),
                1 => "due tomorrow".into(),
                n => format!("due in {n} days"),
            }),
        ),
        Status::Done if was_late(c, d) => {
            let done = c.done.expect("late means done");
            let by = c.counting_due.map_or(0, |due| (done - due).num_days());
            ("late", "amber", format!("done {}, {} late", format::date_short(done), plural(by as usize, "day", "days")))
        }
        Status::Done => ("kept", "green", format!("done {}", format::date_short(c.done.expect("done has a date")))),
        Status::Dropped => {
            ("dropped", "na", format!("released {}", format::date_short(c.dropped.expect("dropped has a date"))))
        }
    };
    CommitmentRow {
        what: c.what.clone(),
        to: c.to.clone().unwrap_or_default(),
        due: c.due.map_or("–".into(), format::date_short),
        original_due: c.rescheduled().then(|| c.original_due.map_or("none".into(), format::date_short)),
        reschedule: c.rescheduled().then(|| match c.counting_due {
            Some(counting) if c.due != Some(counting) => {
                format!("moved after {} had passed: judged against {0}", format::date_short(counting))
            }
            _ => "moved in time: the new date counts".to_string(),
        }),
        when,
        status: label,
        status_class: class,
        made: site.note_ref(c.note),
        from_task: c.origin == Origin::Task,
    }
}

pub fn view(site: &Site<'_>) -> CommitmentsView {
    let d = site.as_of;
    let journal = site.journal;
    let window = site.config.commitments.window_days;
    let soon = d + Duration::days(7);
    let since = d - Duration::days(HISTORY_DAYS - 1);
    let all = &journal.commitments;
    let by_due = |a: &&Commitment, b: &&Commitment| {
        (a.due.is_none(), a.due, a.made_on).cmp(&(b.due.is_none(), b.due, b.made_on))
    };
    let pick = |keep: &dyn Fn(&Commitment) -> bool| -> Vec<&Commitment> { all.iter().filter(|c| keep(c)).collect() };

    let mut overdue = pick(&|c| c.status(d) == Status::Overdue);
    overdue.sort_by(by_due);
    let mut due_soon = pick(&|c| c.status(d) == Status::Open && c.due.is_some_and(|due| due <= soon));
    due_soon.sort_by(by_due);
    let mut open = pick(&|c| c.status(d) == Status::Open && c.due.is_none_or(|due| due > soon));
    open.sort_by(by_due);
    let done_recently = |c: &Commitment| c.status(d) == Status::Done && c.done.is_some_and(|x| x >= since);
    let mut kept = pick(&|c| done_recently(c) && !was_late(c, d));
    kept.sort_by_key(|c| std::cmp::Reverse(c.done));
    let mut late = pick(&|c| done_recently(c) && was_late(c, d));
    late.sort_by_key(|c| std::cmp::Reverse(c.done));
    let mut dropped = pick(&|c| c.status(d) == Status::Dropped && c.dropped.is_some_and(|x| x >= since));
    dropped.sort_by_key(|c| std::cmp::Reverse(c.dropped));

    let rows = |list: &[&Commitment]| list.iter().map(|c| row(site, c)).collect::<Vec<_>>();
    let sections = vec![
        Section {
            id: "overdue",
            title: "Overdue",
            intro: "Past their due date and not done: renegotiate or deliver.".into(),
            rows: rows(&overdue),
            empty: "Nothing overdue.",
        },
        Section {
            id: "due-soon",
            title: "Due in the next 7 days",
            intro: format!("Due by {}.", format::date_short(soon)),
            rows: rows(&due_soon),
            empty: "Nothing due in the next 7 days.",
        },
        Section {
            id: "later",
            title: "Due later",
            intro: format!("Open, due after {} or with no due date.", format::date_short(soon)),
            rows: rows(&open),
            empty: "Nothing else open.",
        },
        Section {
            id: "kept",
            title: "Kept",
            intro: format!("Done on or before the date that counts, last {HISTORY_DAYS} days."),
            rows: rows(&kept),
            empty: "Nothing done in this period.",
        },
        Section {
            id: "late",
            title: "Late",
            intro: format!("Done after the date that counts, last {HISTORY_DAYS} days."),
            rows: rows(&late),
            empty: "Nothing done late in this period.",
        },
        Section {
            id: "dropped",
            title: "Dropped",
            intro: format!("Released by the person they were made to, last {HISTORY_DAYS} days."),
            rows: rows(&dropped),
            empty: "Nothing dropped in this period.",
        },
    ];

    // The ledger per person.
    let mut people: BTreeMap<&str, Tally> = BTreeMap::new();
    for c in all {
        let name = c.to.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or("(nobody named)");
        let p = people.entry(name).or_insert_with(|| Tally::new(c.made_on));
        p.made += 1;
        p.last = [Some(p.last), Some(c.made_on), c.done.filter(|x| *x <= d), c.dropped.filter(|x| *x <= d)]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(p.last);
        let status = c.status(d);
        match status {
            Status::Done if was_late(c, d) => p.late += 1,
            Status::Done => p.kept += 1,
            Status::Open => p.open += 1,
            Status::Overdue => p.overdue += 1,
            Status::Dropped => p.dropped += 1,
        }
        if came_due(c, d) {
            p.judged += 1;
            p.kept_on_time += usize::from(c.kept_on_time(d));
        }
    }
    let ledger_since = d - Duration::days(LEDGER_DAYS - 1);
    let people_count = people.len();
    let mut people: Vec<PersonRow> = people
        .iter()
        .filter(|(_, p)| p.open + p.overdue > 0 || p.last >= ledger_since)
        .map(|(name, p)| p.row(name))
        .collect();
    people.sort_by(|a, b| b.made.cmp(&a.made).then_with(|| a.name.cmp(&b.name)));

    let f = &site.figures.commitments;
    let stats = vec![
        Stat::new(
            "On time",
            f.on_time_rate.map_or("–".into(), format::pct),
            format!("{} of {} due in the last {window} days", f.kept_on_time, f.due_in_window),
        )
        .class(site.figures.boxes.commitments.as_str()),
        Stat::new("Overdue", f.overdue.to_string(), "past due, not done").class(if f.overdue > 0 { "red" } else { "" }),
        Stat::new("Due in 7 days", due_soon.len().to_string(), format!("by {}", format::date_short(soon))),
        Stat::new(
            "Open",
            f.open.to_string(),
            format!("not yet due: {} within 7 days, {} later", due_soon.len(), open.len()),
        ),
        Stat::new("Made", all.len().to_string(), format!("since the journal began, to {people_count} people")),
    ];

    CommitmentsView {
        stats,
        sections,
        rate_chart: rate_chart(site),
        people_older: people_count - people.len(),
        people,
        ledger_days: LEDGER_DAYS,
        window_days: window,
    }
}

/// The colour of an on-time rate, by the commitments box's thresholds (SPEC §4).
pub(super) fn rate_class(rate: f64) -> &'static str {
    if rate >= 0.9 {
        "green"
    } else if rate >= 0.75 {
        "amber"
    } else {
        "red"
    }
}

/// The on-time rate at the end of each week of the last year.
fn rate_chart(site: &Site<'_>) -> XyChart {
    let d = site.as_of;
    let window = site.config.commitments.window_days;
    let first = site.journal.first_date().unwrap_or(d).max(d - Duration::days(364));
    let (width, height) = (1000.0, 240.0);
    let plot = Plot::new(width, height);
    let x = plot.x((day_number(first), day_number(d)));
    let y = plot.y((0.0, 1.0));
    // Sundays from the first week on, and the report date itself.
    let mut ends: Vec<NaiveDate> = Vec::new();
    let mut end = crate::analyse::calendar::week_start(first) + Duration::days(6);
    while end < d {
        ends.push(end);
        end += Duration::days(7);
    }
    ends.push(d);
    let points: Vec<(NaiveDate, usize, usize, Option<f64>)> = ends
        .iter()
        .map(|e| {
            let (due, kept, rate) = on_time(site.journal, *e, window);
            (*e, due, kept, rate)
        })
        .collect();
    let mut chart = XyChart {
        width,
        height,
        title: "On-time rate over time".into(),
        desc: format!(
            "At the end of each week, the share of commitments due in the {window} days before it that were kept on time."
        ),
        y_label: "kept on time".into(),
        dated: true,
        ..XyChart::default()
    };
    if points.iter().all(|p| p.3.is_none()) {
        chart.empty = Some(format::code_html("No commitment with a due date has come due yet."));
        return chart;
    }
    chart.bands =
        vec![plot.band(&y, 0.9, 1.0, "band-green", "90% and above"), plot.band(&y, 0.0, 0.75, "band-red", "below 75%")];
    chart.y_ticks = [0.0, 0.25, 0.5, 0.75, 1.0].iter().map(|v| plot.y_tick(y.at(*v), format::pct(*v))).collect();
    chart.x_ticks = chart::month_ticks(&plot, &x, first, d, 12);
    chart.series =
        vec![Series::new("rate", "on-time rate", points.iter().map(|p| p.3.map(|r| (x.at(day_number(p.0)), y.at(r)))))];
    chart.dots = points
        .iter()
        .filter_map(|(date, due, kept, rate)| {
            rate.map(|r| Dot {
                x: x.at(day_number(*date)),
                y: y.at(r),
                r: 3.0,
                class: format!("rate {}", rate_class(r)),
                title: format!("{}: {} ({kept} of {due} kept on time)", format::date_long(*date), format::pct(r)),
                href: None,
            })
        })
        .collect();
    chart
}
