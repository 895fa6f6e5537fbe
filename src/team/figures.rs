//! The team's figures (SPEC §10): each member's own report, unchanged,
//! their boxes over the last twelve weeks, and the team's counts and totals.
//!
//! A member is computed exactly as its own `report` would be, by the same
//! [`Workspace::figures`](crate::site::workspace::Workspace::figures): the team adds, it never recomputes.

use super::load::{Member, Team};
use crate::analyse::pipeline::{period, won_and_closing, QuotaProgress};
use crate::analyse::{iso_date, iso_date_opt, num, num_opt, total, Boxes, Figures, Light};
use crate::model::journal::Journal;
use chrono::{Duration, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;

/// How many weeks of box history each member gets (`history`, newest first).
pub const HISTORY_WEEKS: i64 = 12;

/// Asks of the last this-many days are the coaching queue (and `asks`).
pub const ASK_DAYS: i64 = 14;

/// `saleslog team report --format json`: field names and order are the
/// contract of SPEC §10.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamReport {
    #[serde(serialize_with = "iso_date")]
    pub as_of: NaiveDate,
    pub team: String,
    pub members: Vec<MemberReport>,
    pub boxes: BoxCounts,
    pub totals: Totals,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberReport {
    pub name: String,
    pub journal: String,
    pub error: Option<String>,
    pub boxes: Option<Boxes>,
    pub report: Option<Figures>,
    pub history: Vec<HistoryPoint>,
}

/// A member's five boxes as of one earlier date.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HistoryPoint {
    #[serde(serialize_with = "iso_date")]
    pub as_of: NaiveDate,
    pub boxes: Boxes,
}

/// How many members have each colour, per area.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct BoxCounts {
    pub activity: LightCount,
    pub attitude: LightCount,
    pub commitments: LightCount,
    pub data: LightCount,
    pub pipeline: LightCount,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct LightCount {
    pub green: usize,
    pub amber: usize,
    pub red: usize,
    pub na: usize,
}

impl LightCount {
    fn add(&mut self, light: Light) {
        match light {
            Light::Green => self.green += 1,
            Light::Amber => self.amber += 1,
            Light::Red => self.red += 1,
            Light::Na => self.na += 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    #[serde(serialize_with = "num")]
    pub open_amount: f64,
    #[serde(serialize_with = "num")]
    pub weighted: f64,
    #[serde(serialize_with = "num_opt")]
    pub won_in_period: Option<f64>,
    #[serde(serialize_with = "num_opt")]
    pub quota: Option<f64>,
    #[serde(serialize_with = "iso_date_opt")]
    pub period_start: Option<NaiveDate>,
    #[serde(serialize_with = "iso_date_opt")]
    pub period_end: Option<NaiveDate>,
    #[serde(serialize_with = "num_opt")]
    pub remaining: Option<f64>,
    pub coverage: Option<f64>,
    pub stale: usize,
    pub slipped: usize,
    pub no_next_step: usize,
    pub asks: usize,
}

/// One coaching ask (`help:`) of a member's note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    /// The member's index in the team.
    pub member: usize,
    pub date: NaiveDate,
    /// The note's path, relative to the member's journal.
    pub note: String,
    pub text: String,
}

/// Every figure of the team as of `as_of`.
pub fn report(team: &Team, as_of: NaiveDate) -> TeamReport {
    let (members, journals) = member_reports(team, as_of);
    assemble(team, members, &journals.iter().map(Option::as_ref).collect::<Vec<_>>(), as_of)
}

/// Every member's row, and its journal as of `as_of` (the totals and the
/// team pages read them): each member folded once.
pub fn member_reports(team: &Team, as_of: NaiveDate) -> (Vec<MemberReport>, Vec<Option<Journal>>) {
    team.members.par_iter().map(|m| member_report(m, as_of)).unzip()
}

/// The team's report from its members' rows and journals as of `as_of`
/// (one per member, in order): a watch session recomputes only the rows
/// and journals of the members that changed.
pub fn assemble(
    team: &Team,
    members: Vec<MemberReport>,
    journals: &[Option<&Journal>],
    as_of: NaiveDate,
) -> TeamReport {
    let mut boxes = BoxCounts::default();
    for b in members.iter().filter_map(|m| m.boxes) {
        boxes.activity.add(b.activity);
        boxes.attitude.add(b.attitude);
        boxes.commitments.add(b.commitments);
        boxes.data.add(b.data);
        boxes.pipeline.add(b.pipeline);
    }
    let totals = totals(team, &members, journals, as_of);
    TeamReport { as_of, team: team.name.clone(), members, boxes, totals }
}

/// One member's row: its own report as of `as_of`, and its boxes as of
/// each of the last [`HISTORY_WEEKS`] weeks; and its journal as of `as_of`.
/// The weeks are one pass over the member's notes
/// ([`Workspace::figures_over`](crate::site::workspace::Workspace::figures_over)), each week equal to the member's own
/// `report --today` of that date.
pub fn member_report(member: &Member, as_of: NaiveDate) -> (MemberReport, Option<Journal>) {
    let Some(ws) = member.workspace() else {
        let row = MemberReport {
            name: member.name.clone(),
            journal: member.journal.clone(),
            error: member.error().map(str::to_string),
            boxes: None,
            report: None,
            history: Vec::new(),
        };
        return (row, None);
    };
    let dates: Vec<NaiveDate> = (0..HISTORY_WEEKS).rev().map(|k| as_of - Duration::days(7 * k)).collect();
    let (mut figures, journal) = ws.figures_over(&dates);
    let report = figures.pop().expect("one figures per date, as of included");
    let mut history = vec![HistoryPoint { as_of, boxes: report.boxes }];
    history.extend(figures.iter().rev().map(|f| HistoryPoint { as_of: f.as_of, boxes: f.boxes }));
    let row = MemberReport {
        name: member.name.clone(),
        journal: member.journal.clone(),
        error: None,
        boxes: Some(report.boxes),
        report: Some(report),
        history,
    };
    (row, journal)
}

/// Every member's asks of the notes dated in [D − 13, D], oldest first
/// (then by member and note), for the coaching queue.
pub fn asks(team: &Team, as_of: NaiveDate) -> Vec<Ask> {
    let from = as_of - Duration::days(ASK_DAYS - 1);
    let mut asks: Vec<Ask> = Vec::new();
    for (i, m) in team.members.iter().enumerate() {
        let Some(ws) = m.workspace() else { continue };
        for note in ws.notes_dated(from, as_of) {
            asks.extend(note.help.iter().map(|text| Ask {
                member: i,
                date: note.date,
                note: note.path.clone(),
                text: text.clone(),
            }));
        }
    }
    asks.sort_by(|a, b| (a.date, a.member, &a.note).cmp(&(b.date, b.member, &b.note)));
    asks
}

fn totals(team: &Team, members: &[MemberReport], journals: &[Option<&Journal>], as_of: NaiveDate) -> Totals {
    let reports = || members.iter().filter_map(|m| m.report.as_ref());
    let mut t = Totals {
        open_amount: total(reports().map(|r| r.pipeline.open_amount)),
        weighted: total(reports().map(|r| r.pipeline.weighted)),
        won_in_period: None,
        quota: None,
        period_start: None,
        period_end: None,
        remaining: None,
        coverage: None,
        stale: reports().map(|r| r.pipeline.stale).sum(),
        slipped: reports().map(|r| r.pipeline.slipped).sum(),
        no_next_step: reports().map(|r| r.pipeline.no_next_step).sum(),
        asks: asks(team, as_of).len(),
    };
    if let Some(q) = &team.quota {
        let bounds = period(as_of, q.period);
        let (mut won, mut closing) = (Vec::new(), Vec::new());
        for (ws, journal) in team.members.iter().zip(journals).filter_map(|(m, j)| Some((m.workspace()?, (*j)?))) {
            won_and_closing(journal, &ws.config, bounds, &mut won, &mut closing);
        }
        let p = QuotaProgress::of(q, bounds, &won, &closing);
        t.quota = Some(p.quota);
        t.period_start = Some(p.period_start);
        t.period_end = Some(p.period_end);
        t.won_in_period = Some(p.won);
        t.remaining = Some(p.remaining);
        t.coverage = p.coverage;
    }
    t
}
