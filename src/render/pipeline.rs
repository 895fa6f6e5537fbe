//! The pipeline page (funnel, open and weighted value, coverage gauge,
//! hygiene lists, win rate and cycle time) and one page per deal (its stage
//! history as a timeline, close-date pushes, every note that mentions it).

use super::chart::{self, Funnel, FunnelRow, Gauge, Span, Timeline};
use super::format::{self, money, plural};
use super::{NoteRef, Site, Stat};
use crate::analyse::pipeline::{hygiene, Hygiene};
use crate::model::config::{Outcome, Period};
use crate::model::journal::Deal;
use crate::model::note::{DealMention, Field, StageField};
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct PipelineView {
    pub stats: Vec<Stat>,
    pub funnel: Funnel,
    pub funnel_note: String,
    pub gauge: Option<Gauge>,
    pub coverage_note: String,
    pub lists: Vec<DealList>,
    pub open: Vec<DealRow>,
    pub closed: Vec<DealRow>,
    pub win_window: i64,
    /// SPEC §9: pushed deals, the plan, forecast calibration.
    pub plan: super::plan::PlanPage,
}

#[derive(Debug, Serialize)]
pub struct DealList {
    pub id: &'static str,
    pub title: &'static str,
    /// HTML: escaped, backtick pairs as `<code>`.
    pub intro: String,
    pub rows: Vec<DealRow>,
    pub empty: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    pub label: &'static str,
    pub class: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct DealRow {
    pub name: String,
    pub href: String,
    pub stage: String,
    pub stage_class: &'static str,
    pub amount: String,
    pub weighted: String,
    pub close: String,
    pub close_class: &'static str,
    pub next: String,
    pub touched: String,
    pub flags: Vec<Flag>,
    /// For closed deals: when, how long it took, why.
    pub closed_on: String,
    pub cycle: String,
    pub reason: String,
}

fn stage_class(outcome: Option<Outcome>) -> &'static str {
    match outcome {
        Some(Outcome::Won) => "won",
        Some(Outcome::Lost) => "lost",
        None => "open",
    }
}

/// The lists a deal's row is flagged on (stale, slipped, no next step):
/// those of [`hygiene`] for an open deal, none for a closed one. The pages
/// that list only flagged deals (the dashboard's to-do, the Data page)
/// ask this before making a row: at 100 years there are 6,400 deals.
pub fn flagged(site: &Site<'_>, deal: &Deal) -> Hygiene {
    if deal.is_open(site.config) {
        hygiene(deal, site.journal, site.config)
    } else {
        Hygiene::default()
    }
}

pub fn deal_row(site: &Site<'_>, deal: &Deal) -> DealRow {
    let config = site.config;
    let d = site.as_of;
    let stage = config.pipeline.stage(deal.stage);
    let currency = &config.currency;
    let h = flagged(site, deal);
    let mut flags = Vec::new();
    if h.stale {
        flags.push(Flag { label: "stale", class: "amber" });
    }
    if h.slipped {
        flags.push(Flag { label: "slipped", class: "red" });
    }
    if h.no_next_step {
        flags.push(Flag { label: "no next step", class: "amber" });
    }
    let touched = deal.last_touched(&site.journal.notes);
    let closed = deal.closed(config);
    DealRow {
        name: deal.name.clone(),
        href: site.links.deal_page(&deal.id).to_string(),
        stage: stage.name.clone(),
        stage_class: stage_class(stage.closed),
        amount: deal.amount.map_or("–".into(), |a| money(a, currency)),
        weighted: money(deal.amount.unwrap_or(0.0) * stage.probability, currency),
        close: deal.close.map_or("–".into(), format::date_medium),
        close_class: if h.slipped { "red" } else { "" },
        next: deal.next.clone().unwrap_or_default(),
        touched: format::ago((d - touched).num_days()),
        flags,
        closed_on: closed.map_or(String::new(), |(_, on)| format::date_medium(on)),
        cycle: closed
            .map_or(String::new(), |(_, on)| plural((on - deal.first_mention()).num_days() as usize, "day", "days")),
        reason: deal.reason.clone().unwrap_or_default(),
    }
}

/// `Q4 2026`, `November 2026`, `2026`.
pub fn period_name(start: NaiveDate, p: Period) -> String {
    match p {
        Period::Month => start.format("%B %Y").to_string(),
        Period::Quarter => format!("Q{} {}", (start.month() - 1) / 3 + 1, start.year()),
        Period::Year => start.year().to_string(),
    }
}

pub fn view(site: &Site<'_>) -> PipelineView {
    let config = site.config;
    let currency = &config.currency;
    let d = site.as_of;
    let f = &site.figures.pipeline;
    let deals = &site.journal.deals;
    let open: Vec<&Deal> = deals.iter().filter(|deal| deal.is_open(config)).collect();

    // Funnel: one row per open stage, in the configured order.
    let amounts_known = open.iter().any(|deal| deal.amount.unwrap_or(0.0) > 0.0);
    let rows: Vec<FunnelRow> = config
        .pipeline
        .stages
        .iter()
        .enumerate()
        .filter(|(_, s)| s.closed.is_none())
        .map(|(i, s)| {
            let in_stage: Vec<&&Deal> = open.iter().filter(|deal| deal.stage.0 == i).collect();
            let amount = crate::analyse::total(in_stage.iter().map(|deal| deal.amount.unwrap_or(0.0)));
            FunnelRow {
                name: s.name.clone(),
                value: if amounts_known { amount } else { in_stage.len() as f64 },
                detail: format!("{} · {}", plural(in_stage.len(), "deal", "deals"), money(amount, currency)),
                class: format!("stage-{}", i.min(5)),
            }
        })
        .collect();
    let funnel = chart::funnel(
        &rows,
        "Open pipeline by stage",
        &format!(
            "Open deals by stage, bar width by {}: {}.",
            if amounts_known { "amount" } else { "number of deals" },
            rows.iter().map(|r| format!("{} {}", r.name, r.detail)).collect::<Vec<_>>().join("; ")
        ),
    );

    let win_window = config.pipeline.win_rate_days;
    let since = d - Duration::days(win_window - 1);
    let mut closed: Vec<(&Deal, Outcome, NaiveDate)> = deals
        .iter()
        .filter_map(|deal| deal.closed(config).map(|(o, on)| (deal, o, on)))
        .filter(|(_, _, on)| *on >= since && *on <= d)
        .collect();
    closed.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.name.cmp(&b.0.name)));
    let won_count = closed.iter().filter(|c| c.1 == Outcome::Won).count();
    let funnel_note = format!("In the last {win_window} days: {} won, {} lost.", won_count, closed.len() - won_count);

    // Coverage.
    let target = config.pipeline.coverage_target;
    let (gauge, coverage_note) = match (&config.quota, f.remaining, f.coverage, f.period_start) {
        (None, ..) => (
            None,
            "No quota is configured: add `quota: {amount: 300000, period: quarter}` to saleslog.yaml to see coverage."
                .to_string(),
        ),
        (Some(q), Some(remaining), _, Some(start)) if remaining <= 0.0 => {
            (None, format!("Quota met for {}: nothing left to cover.", period_name(start, q.period)))
        }
        (Some(q), Some(remaining), Some(coverage), Some(start)) => {
            let class = if coverage >= target {
                "green"
            } else if coverage >= target * 2.0 / 3.0 {
                "amber"
            } else {
                "red"
            };
            let max = (target * 1.5).max(coverage.min(target * 3.0)).ceil();
            let g = chart::gauge(
                coverage,
                target,
                max,
                class,
                &format!("{coverage:.1}×"),
                &format!("of {} to go", money(remaining, currency)),
                "Coverage against target",
            );
            let closing: f64 = coverage * remaining;
            (
                Some(g),
                format!(
                    "{} of open deals close by {} (slipped ones included) against {} still to win in {}: {coverage:.1}× coverage, target {}×.",
                    money(closing, currency),
                    f.period_end.map_or(String::new(), format::date_medium),
                    money(remaining, currency),
                    period_name(start, q.period),
                    format::count(target)
                ),
            )
        }
        _ => (None, String::new()),
    };

    let mut stats = vec![
        Stat::new("Open", money(f.open_amount, currency), plural(f.open_deals, "deal", "deals")),
        Stat::new("Weighted", money(f.weighted, currency), "amount × stage probability"),
    ];
    if let (Some(q), Some(won), Some(start)) = (&config.quota, f.won_in_period, f.period_start) {
        stats.push(Stat::new(
            "Won",
            money(won, currency),
            format!("of {} quota, {}", money(q.amount, currency), period_name(start, q.period)),
        ));
    }
    stats.push(Stat::new(
        "Win rate",
        f.win_rate.map_or("–".into(), format::pct),
        format!("{won_count} of {} closed, last {win_window} days", closed.len()),
    ));
    stats.push(Stat::new(
        "Cycle time",
        f.avg_cycle_days.map_or("–".into(), |c| format!("{c:.0} days")),
        "first mention to won, on average",
    ));
    stats[0].class = site.figures.boxes.pipeline.as_str().to_string();

    let mut open_sorted = open.clone();
    open_sorted.sort_by(|a, b| {
        b.stage
            .cmp(&a.stage)
            .then(b.amount.unwrap_or(0.0).total_cmp(&a.amount.unwrap_or(0.0)))
            .then(a.name.cmp(&b.name))
    });
    let open_rows: Vec<DealRow> = open_sorted.iter().map(|deal| deal_row(site, deal)).collect();
    let list = |keep: &dyn Fn(&DealRow) -> bool| open_rows.iter().filter(|r| keep(r)).cloned().collect::<Vec<_>>();
    let has = |r: &DealRow, label: &str| r.flags.iter().any(|f| f.label == label);
    let lists = vec![
        DealList {
            id: "stale",
            title: "Stale",
            intro: format!("Not mentioned in a note for more than {} days.", config.pipeline.stale_after_days),
            rows: list(&|r| has(r, "stale")),
            empty: "No stale deals.",
        },
        DealList {
            id: "slipped",
            title: "Slipped",
            intro: "Expected close date has passed: update it or close the deal.".into(),
            rows: list(&|r| has(r, "slipped")),
            empty: "No slipped deals.",
        },
        DealList {
            id: "no-next-step",
            title: "No next step",
            intro: "Open deals without a `next:`.".into(),
            rows: list(&|r| has(r, "no next step")),
            empty: "Every open deal has a next step.",
        },
    ];
    let lists = lists.into_iter().map(|l| DealList { intro: format::code_html(&l.intro), ..l }).collect();
    PipelineView {
        stats,
        funnel,
        funnel_note,
        gauge,
        coverage_note: format::code_html(&coverage_note),
        lists,
        open: open_rows,
        closed: closed.iter().map(|(deal, _, _)| deal_row(site, deal)).collect(),
        win_window,
        plan: super::plan::view(site),
    }
}

#[derive(Debug, Serialize)]
pub struct DealView {
    pub row: DealRow,
    pub status: &'static str,
    pub facts: Vec<Stat>,
    pub timeline: Timeline,
    pub history: Vec<StageRow>,
    pub close_history: Vec<CloseRow>,
    pub close_pushed: usize,
    pub mentions: Vec<MentionRow>,
}

#[derive(Debug, Serialize)]
pub struct StageRow {
    pub date: String,
    pub stage: String,
    pub stage_class: &'static str,
    pub days: String,
    pub note: Option<NoteRef>,
}

#[derive(Debug, Serialize)]
pub struct CloseRow {
    pub set_on: String,
    pub close: String,
    pub change: String,
    pub class: &'static str,
    /// The note that set it.
    pub note: NoteRef,
}

#[derive(Debug, Serialize)]
pub struct MentionRow {
    pub note: NoteRef,
    pub said: Vec<String>,
}

/// What one mention of a deal said, in words.
pub fn mention_words(m: &DealMention, site: &Site<'_>) -> Vec<String> {
    let currency = &site.config.currency;
    let mut out = Vec::new();
    if let StageField::Set(s) = m.stage {
        out.push(format!("stage: {}", site.config.pipeline.stage(s).name));
    }
    let text = |label: &str, f: &Field<String>, out: &mut Vec<String>| match f {
        Field::Set(v) => out.push(format!("{label}: {v}")),
        Field::Clear => out.push(format!("{label} cleared")),
        Field::Keep => {}
    };
    match &m.amount {
        Field::Set(a) => out.push(format!("amount: {}", money(*a, currency))),
        Field::Clear => out.push("amount cleared".into()),
        Field::Keep => {}
    }
    match &m.close {
        Field::Set(c) => out.push(format!("close: {}", format::date_medium(*c))),
        Field::Clear => out.push("close date cleared".into()),
        Field::Keep => {}
    }
    text("next", &m.next, &mut out);
    text("contact", &m.contact, &mut out);
    text("source", &m.source, &mut out);
    text("reason", &m.reason, &mut out);
    out
}

pub fn deal_view(site: &Site<'_>, index: usize) -> DealView {
    let deal = &site.journal.deals[index];
    let config = site.config;
    let currency = &config.currency;
    let d = site.as_of;
    let stage = config.pipeline.stage(deal.stage);
    let closed = deal.closed(config);
    let end = closed.map_or(d, |(_, on)| on);
    let mention_on = |date: NaiveDate| deal.mentions.iter().copied().find(|&i| site.journal.notes[i].date == date);

    let spans: Vec<Span> = deal
        .history
        .iter()
        .enumerate()
        .map(|(i, change)| {
            let to = deal.history.get(i + 1).map_or(end, |next| next.date);
            let s = config.pipeline.stage(change.stage);
            let class = match s.closed {
                Some(o) => stage_class(Some(o)).to_string(),
                None => format!("stage-{}", change.stage.0.min(5)),
            };
            Span { from: change.date, to, class, label: s.name.clone() }
        })
        .collect();
    let marks: Vec<(NaiveDate, String, Option<String>)> = deal
        .mentions
        .iter()
        .map(|&i| {
            let n = &site.journal.notes[i];
            (
                n.date,
                format!("{}: mentioned in a note", format::date_long(n.date)),
                Some(site.note_refs[i].href.to_string()),
            )
        })
        .collect();
    let timeline = chart::timeline(
        &spans,
        &marks,
        &format!("{}: stage history", deal.name),
        &format!(
            "{} from {} to {}: {}.",
            deal.name,
            format::date_medium(deal.first_mention()),
            format::date_medium(end),
            spans
                .iter()
                .map(|s| format!("{} from {}", s.label, format::date_medium(s.from)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    let history = spans
        .iter()
        .map(|s| StageRow {
            date: format::date_medium(s.from),
            stage: s.label.clone(),
            stage_class: if s.class.starts_with("stage-") {
                "open"
            } else if s.class == "won" {
                "won"
            } else {
                "lost"
            },
            days: if s.class == "won" || s.class == "lost" {
                "closed".into()
            } else {
                plural((s.to - s.from).num_days() as usize, "day", "days")
            },
            note: mention_on(s.from).map(|i| site.note_ref(i)),
        })
        .collect();
    let close_history = deal
        .close_history
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let previous = i.checked_sub(1).map(|p| &deal.close_history[p]);
            let (change, class) = match (previous.and_then(|p| p.close), c.close) {
                (Some(a), Some(b)) if c.is_push(previous) => {
                    (format!("pushed {} later", plural((b - a).num_days() as usize, "day", "days")), "amber")
                }
                (Some(a), Some(b)) if b < a => {
                    (format!("pulled in {}", plural((a - b).num_days() as usize, "day", "days")), "green")
                }
                (_, None) => ("cleared".to_string(), ""),
                (None, Some(_)) if i == 0 => ("first set".to_string(), ""),
                _ => ("set".to_string(), ""),
            };
            CloseRow {
                set_on: format::date_medium(c.date),
                close: c.close.map_or("–".into(), format::date_medium),
                change,
                class,
                note: site.note_ref(c.note),
            }
        })
        .collect();
    let mentions = deal
        .mentions
        .iter()
        .map(|&i| {
            let note = &site.journal.notes[i];
            let said = note.deals.iter().filter(|m| m.id == deal.id).flat_map(|m| mention_words(m, site)).collect();
            MentionRow { note: site.note_ref(i), said }
        })
        .collect();

    let touched = deal.last_touched(&site.journal.notes);
    let mut facts = vec![
        Stat::new("Amount", deal.amount.map_or("–".into(), |a| money(a, currency)), ""),
        Stat::new(
            "Weighted",
            money(deal.amount.unwrap_or(0.0) * stage.probability, currency),
            format!("{} at {}", stage.name, format::pct(stage.probability)),
        ),
        Stat::new(
            "Expected close",
            deal.close.map_or("–".into(), format::date_medium),
            match deal.close_pushed() {
                0 => "never pushed".to_string(),
                n => format!("pushed {}", plural(n, "time", "times")),
            },
        ),
        Stat::new(
            "First mentioned",
            format::date_medium(deal.first_mention()),
            format::ago((d - deal.first_mention()).num_days()),
        ),
        Stat::new("Last touched", format::date_medium(touched), format::ago((d - touched).num_days())),
    ];
    if let Some((outcome, on)) = closed {
        facts.push(Stat::new(
            match outcome {
                Outcome::Won => "Won",
                Outcome::Lost => "Lost",
            },
            format::date_medium(on),
            format!("after {}", plural((on - deal.first_mention()).num_days() as usize, "day", "days")),
        ));
    }
    DealView {
        row: deal_row(site, deal),
        status: stage_class(stage.closed),
        facts,
        timeline,
        history,
        close_history,
        close_pushed: deal.close_pushed(),
        mentions,
    }
}
