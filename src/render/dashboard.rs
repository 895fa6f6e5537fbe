//! The dashboard (`index.html`): the five boxes a manager checks, each with
//! its key figure, the reason for its colour and a few supporting figures;
//! then what to do about them (the overdue commitments, the stale and
//! slipped deals: the first few of each), and the coaching asks and wins of
//! the last 14 days.

use super::chart::{self, Strip};
use super::format::{self, money_short, pct, plural};
use super::{NoteRef, Site};
use crate::analyse::activity::GoalPeriod;
use crate::analyse::calendar::week_start;
use crate::analyse::summary::{self, BoxSummary};
use chrono::Duration;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct DashboardView {
    pub boxes: Vec<BoxView>,
    pub asks: Vec<Remark>,
    pub wins: Vec<Remark>,
    /// What to do: overdue commitments, then stale or slipped deals.
    pub todo: Vec<TodoList>,
    /// `Mon 16 Nov – Fri 27 Nov`: the window of asks and wins.
    pub window: String,
    pub notes: usize,
    /// `67 notes`, `1 note`.
    pub notes_text: String,
    pub first_note: Option<String>,
    pub this_week: String,
    pub this_week_href: Option<String>,
    /// Shown above the boxes when notes have errors.
    pub alert: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct BoxView {
    pub area: &'static str,
    pub title: &'static str,
    pub light: &'static str,
    /// The colour in words, for screen readers and print in grey.
    pub light_words: &'static str,
    pub mark: &'static str,
    /// The key figure, split so its number stands out: `4.0` and `/ 5`.
    pub figure: String,
    pub unit: String,
    /// What the figure measures, in a few words.
    pub caption: String,
    pub reason: String,
    pub href: &'static str,
    /// The last 14 days at a glance, for the boxes that are about days.
    pub strip: Option<Strip>,
    pub details: Vec<Detail>,
    /// The pipeline box's plan in one line (SPEC §9); None elsewhere and
    /// without a quota.
    pub plan: Option<String>,
}

/// A supporting figure inside a box, optionally with a progress bar.
#[derive(Debug, Serialize)]
pub struct Detail {
    pub label: String,
    pub value: String,
    /// Bar width in percent (0..=100), when the figure is progress.
    pub bar: Option<f64>,
    pub class: String,
}

impl Detail {
    fn new(label: impl Into<String>, value: impl Into<String>) -> Detail {
        Detail { label: label.into(), value: value.into(), bar: None, class: String::new() }
    }
    /// Colour the value (a count that should be zero).
    fn tone(mut self, class: &str) -> Detail {
        self.class = class.into();
        self
    }
    fn bar(mut self, frac: f64, class: &str) -> Detail {
        self.bar = Some(super::chart::r1((frac * 100.0).clamp(0.0, 100.0)));
        self.class = class.into();
        self
    }
}

/// The dashboard lists this many items of each kind, then "and N more".
const TODO_SHOWN: usize = 5;

/// One list of things to act on, shortened to its first few.
#[derive(Debug, Serialize)]
pub struct TodoList {
    pub id: &'static str,
    pub title: &'static str,
    pub items: Vec<TodoItem>,
    /// `and 3 more`, linking to the page that lists them all.
    pub more: Option<String>,
    pub href: &'static str,
    pub empty: &'static str,
}

#[derive(Debug, Serialize)]
pub struct TodoItem {
    pub text: String,
    pub href: String,
    /// Who it is for, how late or why it is listed.
    pub detail: String,
    pub flags: Vec<super::pipeline::Flag>,
}

fn shortened(
    id: &'static str,
    title: &'static str,
    href: &'static str,
    empty: &'static str,
    mut items: Vec<TodoItem>,
) -> TodoList {
    let more = (items.len() > TODO_SHOWN).then(|| format!("and {} more", items.len() - TODO_SHOWN));
    items.truncate(TODO_SHOWN);
    TodoList { id, title, items, more, href, empty }
}

/// The overdue commitments (longest overdue first) and the stale or
/// slipped open deals (largest first): what the red and amber boxes ask for.
fn todo(site: &Site<'_>) -> Vec<TodoList> {
    use crate::model::journal::Status;
    let d = site.as_of;
    let mut overdue: Vec<_> = site.journal.commitments.iter().filter(|c| c.status(d) == Status::Overdue).collect();
    overdue.sort_by_key(|c| (c.due, c.made_on));
    let overdue = overdue
        .into_iter()
        .map(|c| {
            let row = super::commitments::row(site, c);
            let to = if row.to.is_empty() { String::new() } else { format!("to {} · ", row.to) };
            TodoItem {
                text: row.what.to_string(),
                href: row.made.href.to_string(),
                detail: format!("{to}due {}, {}", row.due, row.when),
                flags: Vec::new(),
            }
        })
        .collect();
    let mut deals: Vec<_> = site
        .journal
        .deals
        .iter()
        .filter(|deal| {
            let h = super::pipeline::flagged(site, deal);
            h.stale || h.slipped
        })
        .map(|deal| (deal.amount.unwrap_or(0.0), super::pipeline::deal_row(site, deal)))
        .collect();
    deals.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    let deals = deals
        .into_iter()
        .map(|(_, row)| TodoItem {
            detail: format!("{} · close {} · last in a note {}", row.amount, row.close, row.touched),
            flags: row.flags.into_iter().filter(|f| f.label == "stale" || f.label == "slipped").collect(),
            text: row.name,
            href: row.href,
        })
        .collect();
    vec![
        shortened("todo-overdue", "Overdue commitments", "commitments.html#overdue", "Nothing overdue.", overdue),
        shortened("todo-deals", "Stale or slipped deals", "pipeline.html#stale", "No stale or slipped deal.", deals),
    ]
}

/// A coaching ask or a win, with the note it came from.
#[derive(Debug, Serialize)]
pub struct Remark {
    pub text: String,
    pub note: NoteRef,
}

fn light_words(light: &str) -> &'static str {
    match light {
        "green" => "on track",
        "amber" => "watch",
        "red" => "off track",
        _ => "no data",
    }
}

/// `4.0 / 5` → (`4.0`, `/ 5`); `2.1× coverage` → (`2.1×`, `coverage`);
/// figures that are not a number first stay whole.
fn split_figure(figure: &str) -> (String, String) {
    let starts_with_number = figure.chars().next().is_some_and(|c| c.is_ascii_digit() || "$€£-".contains(c));
    match figure.split_once(' ') {
        Some((number, unit)) if starts_with_number => (number.to_string(), unit.to_string()),
        _ => (figure.to_string(), String::new()),
    }
}

pub fn view(site: &Site<'_>) -> DashboardView {
    let f = site.figures;
    let config = site.config;
    let boxes = summary::summarize(f, config)
        .into_iter()
        .map(|b: BoxSummary| {
            let details = details(site, b.area);
            let (figure, unit) = split_figure(&b.figure);
            BoxView {
                area: b.area,
                title: b.title,
                light: b.light.as_str(),
                light_words: light_words(b.light.as_str()),
                mark: b.mark,
                figure,
                unit,
                caption: caption(site, b.area),
                reason: b.reason,
                href: b.page,
                strip: strip(site, b.area),
                details,
                plan: if b.area == "pipeline" { crate::analyse::plan::in_words(f, config).headline } else { None },
            }
        })
        .collect();
    let from = site.as_of - Duration::days(13);
    let mut asks = Vec::new();
    let mut wins = Vec::new();
    for (i, note) in site.journal.notes.iter().enumerate().filter(|(_, n)| n.date >= from) {
        let r = site.note_ref(i);
        asks.extend(note.help.iter().map(|t| Remark { text: t.clone(), note: r.clone() }));
        wins.extend(note.wins.iter().map(|t| Remark { text: t.clone(), note: r.clone() }));
    }
    // Newest day first; a day's items in the order written (a stable sort).
    asks.sort_by(|a, b| b.note.date_iso.cmp(&a.note.date_iso));
    wins.sort_by(|a, b| b.note.date_iso.cmp(&a.note.date_iso));
    let monday = week_start(site.as_of);
    let alert = (site.tally.errors > 0).then(|| {
        format!(
            "{} in the notes: the figures leave out what could not be read.",
            plural(site.tally.errors, "error", "errors")
        )
    });
    DashboardView {
        boxes,
        asks,
        wins,
        todo: todo(site),
        window: format!("{} – {}", format::date_short(from), format::date_short(site.as_of)),
        notes: f.notes,
        notes_text: plural(f.notes, "note", "notes"),
        first_note: site.journal.first_date().map(format::date_medium),
        this_week: format!("{} · {}", format::week_title(monday), format::week_span(monday)),
        this_week_href: site.week_href(monday),
        alert,
    }
}

/// What each box's key figure is.
fn caption(site: &Site<'_>, area: &str) -> String {
    let f = site.figures;
    match area {
        "activity" if f.activity.attainment.is_some() => "of goal pace this week".into(),
        "activity" => "activity against goals".into(),
        "attitude" => {
            format!("mean mood of the last 7 days, {}", format::short_span(site.as_of - Duration::days(6), site.as_of))
        }
        "commitments" if f.commitments.on_time_rate.is_some() => {
            format!("kept on time, last {} days", site.config.commitments.window_days)
        }
        "commitments" => "nothing due in the window yet".into(),
        "data" => "last note written".into(),
        _ => match (f.pipeline.coverage, &f.pipeline.period_start, &site.config.quota) {
            (Some(coverage), Some(start), Some(q)) => {
                // Coverage divides what closes in the period, not all that is open.
                let remaining = f.pipeline.remaining.unwrap_or(0.0);
                format!(
                    "{} closing by {} ÷ {} left to win in {}",
                    money_short(coverage * remaining, &site.config.currency),
                    f.pipeline.period_end.map_or(String::new(), format::day_month),
                    money_short(remaining, &site.config.currency),
                    super::pipeline::period_name(*start, q.period)
                )
            }
            (None, Some(_), Some(_)) => "of the quota: nothing left to cover".into(),
            _ => "open pipeline".into(),
        },
    }
}

/// The last 14 days of the journal as a strip: mood for attitude, notes
/// written for data.
fn strip(site: &Site<'_>, area: &str) -> Option<Strip> {
    let d = site.as_of;
    let days: Vec<_> = (0..14).rev().map(|i| d - Duration::days(i)).collect();
    let config = site.config;
    match area {
        "attitude" => {
            let a = &config.attitude;
            let bars: Vec<(f64, String, String)> = days
                .iter()
                .map(|date| match site.days.get(*date).and_then(|x| x.mood) {
                    Some(m) => {
                        let class = crate::analyse::attitude::mood_light(m, config).as_str();
                        let frac = if a.scale > 1.0 { (m - 1.0) / (a.scale - 1.0) * 0.85 + 0.15 } else { 1.0 };
                        (frac, class.to_string(), format!("{}: mood {}", format::date_short(*date), format::score(m)))
                    }
                    None => (0.0, "none".to_string(), format!("{}: no mood", format::date_short(*date))),
                })
                .collect();
            (bars.iter().any(|b| b.1 != "none")).then(|| chart::strip("Mood, last 14 days", &bars))
        }
        "data" => {
            let first = site.journal.first_date()?;
            let bars: Vec<(f64, String, String)> = days
                .iter()
                .map(|date| {
                    let when = format::date_short(*date);
                    let workday = site.days.is_workday(*date);
                    if site.days.get(*date).is_some() {
                        (1.0, "noted".to_string(), format!("{when}: note written"))
                    } else if workday && *date >= first && *date < d {
                        (1.0, "missing".to_string(), format!("{when}: no note on a workday"))
                    } else {
                        (0.0, "none".to_string(), format!("{when}: no note"))
                    }
                })
                .collect();
            Some(chart::strip("Notes, last 14 days", &bars))
        }
        _ => None,
    }
}

fn class_of(frac: f64) -> &'static str {
    if frac >= 1.0 {
        "green"
    } else if frac >= 0.8 {
        "amber"
    } else {
        "red"
    }
}

fn details(site: &Site<'_>, area: &str) -> Vec<Detail> {
    let f = site.figures;
    let config = site.config;
    let currency = &config.currency;
    match area {
        "activity" => {
            let mut out: Vec<Detail> = f
                .activity
                .goals
                .iter()
                .map(|g| {
                    let frac = if g.expected > 0.0 { g.done / g.expected } else { 1.0 };
                    let label = match g.period {
                        GoalPeriod::Daily => g.activity.replace('_', " "),
                        GoalPeriod::Weekly => format!("{} (weekly)", g.activity.replace('_', " ")),
                    };
                    Detail::new(label, format!("{} / {}", format::count(g.done), format::count(g.expected.ceil())))
                        .bar(frac, class_of(frac))
                })
                .collect();
            if let (Some(current), Some(longest)) = (f.activity.streak.current, f.activity.streak.longest) {
                out.push(Detail::new("goal streak", format!("{} · best {longest}", plural(current, "day", "days"))));
            }
            out
        }
        "attitude" => {
            let scale = format::count(f.attitude.scale);
            let mut out = Vec::new();
            let last = site.days.days.range(..=site.as_of).rev().find_map(|(d, day)| day.mood.map(|m| (*d, m)));
            if let Some((date, mood)) = last {
                out.push(Detail::new("latest mood", format!("{} · {}", format::score(mood), format::day_month(date))));
            }
            let energy = crate::analyse::mean(
                site.days.days.range(site.as_of - Duration::days(6)..=site.as_of).filter_map(|(_, d)| d.energy),
            );
            if let Some(e) = energy {
                out.push(Detail::new("energy, 7 days", format!("{} / {scale}", format::score(e))));
            }
            out.push(Detail::new(
                "mood ↔ activity",
                f.attitude.mood_activity_r.map_or("too few days".into(), |r| format!("r = {r:.2}")),
            ));
            out
        }
        "commitments" => {
            let c = &f.commitments;
            let mut out = vec![
                Detail::new("overdue", c.overdue.to_string()).tone("red"),
                Detail::new("open", c.open.to_string()),
                Detail::new(
                    "due in 7 days",
                    site.journal
                        .commitments
                        .iter()
                        .filter(|x| {
                            x.status(site.as_of) == crate::model::journal::Status::Open
                                && x.due.is_some_and(|due| due <= site.as_of + Duration::days(7))
                        })
                        .count()
                        .to_string(),
                ),
            ];
            if let Some(rate) = c.on_time_rate {
                out.push(
                    Detail::new(
                        format!("on time, {} d", config.commitments.window_days),
                        format!("{} of {}", c.kept_on_time, c.due_in_window),
                    )
                    .bar(rate, super::commitments::rate_class(rate)),
                );
            }
            out.retain(|d| d.label != "overdue" || c.overdue > 0);
            out
        }
        "data" => {
            let d = &f.data;
            vec![
                Detail::new("errors", d.errors.to_string()),
                Detail::new("warnings", d.warnings.to_string()),
                Detail::new("missing workdays", d.missing_workdays.to_string()),
                Detail::new("stale deals", f.pipeline.stale.to_string()),
            ]
        }
        _ => {
            let p = &f.pipeline;
            let mut out = vec![
                Detail::new(
                    format!("open, {}, any date", plural(p.open_deals, "deal", "deals")),
                    money_short(p.open_amount, currency),
                ),
                Detail::new("weighted", money_short(p.weighted, currency)),
            ];
            if let (Some(q), Some(won)) = (p.quota, p.won_in_period) {
                let frac = if q > 0.0 { won / q } else { 1.0 };
                out.push(
                    Detail::new("won", format!("{} / {}", money_short(won, currency), money_short(q, currency)))
                        .bar(frac, "green"),
                );
            }
            out.push(Detail::new("win rate", p.win_rate.map_or("–".into(), pct)));
            out
        }
    }
}
