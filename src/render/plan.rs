//! The Pipeline page's SPEC §9 sections: deals whose close date was pushed
//! twice or more, the plan as a chain of steps (gap → wins → new deals →
//! activity per deal → activity per day) with where each number comes
//! from, and the forecast calibration chart with the Brier score.

use super::chart::{self, Calibration, CalibrationPoint};
use super::format::{self, money, plural};
use super::pipeline::{deal_row, period_name, DealList};
use super::{Site, Stat};
use crate::analyse::plan;
use crate::model::config::Outcome;
use crate::model::journal::Deal;
use chrono::Duration;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct PlanPage {
    pub pushed: DealList,
    pub plan: PlanSection,
    pub calibration: CalibrationSection,
}

#[derive(Debug, Serialize)]
pub struct PlanSection {
    /// The plan in one sentence; None without a quota.
    pub headline: Option<String>,
    /// Shown instead of the steps without a quota.
    pub empty: Option<String>,
    pub steps: Vec<PlanStep>,
    pub activities: Vec<PlanRow>,
    /// Why the activity rows are what they are.
    pub activities_note: String,
    /// "Your deals take 41 days; the quarter ends in 23 …" when `in_time` is false.
    pub warning: Option<String>,
}

/// One link of the chain: its figure and where it comes from.
#[derive(Debug, Serialize)]
pub struct PlanStep {
    pub label: &'static str,
    pub value: String,
    pub source: String,
}

#[derive(Debug, Serialize)]
pub struct PlanRow {
    pub activity: String,
    pub total: String,
    pub per_deal: String,
    pub per_day: String,
    pub goal: String,
    /// `green` when the goal covers what a day needs, `red` when not.
    pub class: &'static str,
}

#[derive(Debug, Serialize)]
pub struct CalibrationSection {
    pub chart: Calibration,
    pub stats: Vec<Stat>,
    /// What the Brier score says, in a sentence.
    pub brier_note: String,
    pub rows: Vec<CalibrationRow>,
}

#[derive(Debug, Serialize)]
pub struct CalibrationRow {
    pub stage: String,
    pub configured: String,
    pub observed: String,
    pub deals: usize,
    /// `amber` when observed is far (15 points or more) from configured.
    pub class: &'static str,
}

pub fn view(site: &Site<'_>) -> PlanPage {
    PlanPage { pushed: pushed(site), plan: plan_section(site), calibration: calibration(site) }
}

fn pushed(site: &Site<'_>) -> DealList {
    let config = site.config;
    let mut deals: Vec<&Deal> =
        site.journal.deals.iter().filter(|deal| deal.is_open(config) && deal.close_pushed() >= 2).collect();
    deals.sort_by(|a, b| b.close_pushed().cmp(&a.close_pushed()).then_with(|| a.name.cmp(&b.name)));
    let rows = deals
        .iter()
        .map(|deal| {
            let mut row = deal_row(site, deal);
            row.flags.insert(
                0,
                super::pipeline::Flag {
                    label: if deal.close_pushed() >= 3 { "pushed 3× or more" } else { "pushed 2×" },
                    class: if deal.close_pushed() >= 3 { "red" } else { "amber" },
                },
            );
            row
        })
        .collect();
    DealList {
        id: "pushed",
        title: "Pushed twice or more",
        intro: "Open deals whose expected close date moved later at least twice. A close date pushed three times is fiction: \
                ask what would really make it close, or take it out of the forecast."
            .into(),
        rows,
        empty: "No open deal was pushed twice.",
    }
}

fn plan_section(site: &Site<'_>) -> PlanSection {
    let config = site.config;
    let currency = &config.currency;
    let f = site.figures;
    let (p, pl) = (&f.plan, &f.pipeline);
    let window = config.pipeline.win_rate_days;
    let d = site.as_of;
    let since = d - Duration::days(window - 1);
    let words = plan::in_words(f, config);
    let num = |x: Option<f64>| x.map_or("–".to_string(), |x| format!("{x:.1}"));

    // Activity totals over the window, as the plan counts them.
    let mut totals: std::collections::BTreeMap<&str, u128> = Default::default();
    for (_, day) in site.days.days.range(since..=d) {
        for (name, &n) in &day.activity {
            *totals.entry(name).or_default() += u128::from(n);
        }
    }
    let activities: Vec<PlanRow> = p
        .activities
        .iter()
        .map(|a| PlanRow {
            activity: a.activity.clone(),
            total: totals.get(a.activity.as_str()).map_or("0".into(), |t| t.to_string()),
            per_deal: a.per_deal.map_or("–".into(), format::count),
            per_day: a.needed_per_day.map_or("–".into(), |x| format!("{x:.1}")),
            goal: a.goal.map_or("–".into(), format::count),
            class: match (a.needed_per_day, a.goal) {
                (Some(need), Some(goal)) if goal >= need => "green",
                (Some(_), Some(_)) => "red",
                _ => "",
            },
        })
        .collect();
    let activities_note = format!(
        "Each activity logged in the last {window} days, divided by the {} first mentioned in that time, is what a new deal takes; \
         times the new deals needed and over the workdays left, it is what each day needs now.",
        plural(p.deals_created, "deal", "deals"),
    );

    let (Some(q), Some(start), Some(end)) = (&config.quota, pl.period_start, pl.period_end) else {
        return PlanSection {
            headline: None,
            empty: Some(format!(
                "No quota is configured, so there is no number to plan for: add `quota: {{amount: 300000, period: quarter}}` \
                 to saleslog.yaml. From your history: {}.",
                words.chain.trim_start_matches("no quota set (add `quota:` to saleslog.yaml); ")
            )),
            steps: Vec::new(),
            activities,
            activities_note,
            warning: None,
        };
    };
    let period = period_name(start, q.period);
    let won: Vec<&Deal> = site
        .journal
        .deals
        .iter()
        .filter(|deal| matches!(deal.closed(config), Some((Outcome::Won, on)) if on >= since && on <= d))
        .collect();
    let with_amount = won.iter().filter(|deal| deal.amount.is_some()).count();
    let steps = vec![
        PlanStep {
            label: "Gap",
            value: p.gap.map_or("–".into(), |g| money(g, currency)),
            source: format!(
                "{} still to win in {period}, less {} weighted pipeline closing by {} (amount × stage probability, slipped deals included)",
                pl.remaining.map_or("–".into(), |r| money(r, currency)),
                p.weighted_in_period.map_or("–".into(), |w| money(w, currency)),
                format::date_medium(end),
            ),
        },
        PlanStep {
            label: "Wins needed",
            value: num(p.wins_needed),
            source: match p.avg_won_amount {
                Some(avg) => format!(
                    "the gap ÷ {}, your average won deal ({} with an amount won in the last {window} days)",
                    money(avg, currency),
                    plural(with_amount, "deal", "deals")
                ),
                None => format!("no deal with an amount was won in the last {window} days: nothing to size a win by"),
            },
        },
        PlanStep {
            label: "New deals needed",
            value: num(p.new_deals_needed),
            source: match pl.win_rate {
                Some(rate) if rate > 0.0 => {
                    format!("wins needed ÷ your {} win rate over the last {window} days", format::pct(rate))
                }
                Some(_) => format!("no deal was won in the last {window} days: a win rate of 0 gives no plan"),
                None => format!("no deal closed in the last {window} days: no win rate yet"),
            },
        },
        PlanStep {
            label: "Activity per deal",
            value: plan::lead_activity(p)
                .or(p.activities.first())
                .and_then(|a| a.per_deal.map(|x| format!("{} {}", format::count(x), a.activity)))
                .unwrap_or_else(|| "–".into()),
            source: format!(
                "activity of the last {window} days ÷ {} created in that time (every activity below)",
                plural(p.deals_created, "deal", "deals")
            ),
        },
        PlanStep {
            label: "Activity per day",
            value: plan::lead_activity(p)
                .and_then(|a| a.needed_per_day.map(|x| format!("{x:.1} {}", a.activity)))
                .unwrap_or_else(|| "–".into()),
            source: match p.workdays_left {
                Some(0) => format!("no workday is left in {period}"),
                Some(left) => format!(
                    "per deal × new deals needed ÷ the {} left until {}",
                    plural(left, "workday", "workdays"),
                    format::date_medium(end)
                ),
                None => String::new(),
            },
        },
    ];
    let warning = (p.in_time == Some(false) && p.gap != Some(0.0)).then(|| {
        format!(
            "Your deals take {} days; {} ends in {}. A deal started today is unlikely to close in {period}: \
             the gap has to come from deals already in the pipeline.",
            pl.avg_cycle_days.map_or(0, |c| c.round() as i64),
            plan::period_word(config),
            plural((end - d).num_days() as usize, "day", "days"),
        )
    });
    PlanSection { headline: words.headline, empty: None, steps, activities, activities_note, warning }
}

fn calibration(site: &Site<'_>) -> CalibrationSection {
    let config = site.config;
    let currency = &config.currency;
    let fc = &site.figures.forecast;
    let window = config.pipeline.win_rate_days;
    let points: Vec<CalibrationPoint> = fc
        .stages
        .iter()
        .filter_map(|s| {
            let i = config.pipeline.find_stage(&s.stage).map_or(0, |id| id.0);
            s.observed.map(|o| CalibrationPoint {
                stage: s.stage.clone(),
                configured: s.configured,
                observed: o,
                deals: s.deals,
                class: format!("stage-{}", i.min(5)),
            })
        })
        .collect();
    let desc = fc
        .stages
        .iter()
        .map(|s| match s.observed {
            Some(o) => format!(
                "{}: configured {}, observed {} of {}",
                s.stage,
                format::pct(s.configured),
                format::pct(o),
                plural(s.deals, "deal", "deals")
            ),
            None => format!("{}: configured {}, no closed deal entered it", s.stage, format::pct(s.configured)),
        })
        .collect::<Vec<_>>()
        .join("; ");
    let chart = chart::calibration(
        &points,
        "Stage probability: configured against observed",
        &format!("For each open stage, the configured probability against the share of deals closed in the last {window} days that were won after entering it: {desc}."),
        &format!("No deal that went through an open stage closed in the last {window} days: nothing to calibrate yet."),
    );
    let brier_note = match fc.brier {
        None => "No forecasts to score yet: a deal counts once it is won or lost.".to_string(),
        Some(b) => format!(
            "The Brier score is the mean squared gap between each stage's probability and how the deal ended (1 won, 0 lost), over {} \
             (each open stage a closed deal went through): 0 is perfect, 0.25 is what saying 50% every time scores, lower is better. \
             Yours is {}.",
            plural(fc.forecasts, "forecast", "forecasts"),
            if b <= 0.1 {
                "good: your stage probabilities predict outcomes well"
            } else if b < 0.25 {
                "better than a coin toss, but the probabilities could follow what the chart shows"
            } else {
                "no better than saying 50% every time: set the probabilities nearer to the observed rates"
            }
        ),
    };
    let stats = vec![
        Stat::new(
            "Brier score",
            fc.brier.map_or("–".into(), |b| format!("{b:.3}")),
            plural(fc.forecasts, "forecast", "forecasts"),
        ),
        Stat::new(
            "Weighted, configured",
            money(site.figures.pipeline.weighted, currency),
            "amount × configured probability",
        ),
        Stat::new(
            "Weighted, observed",
            money(fc.weighted_observed, currency),
            "amount × observed win rate of the stage (configured where none)",
        ),
    ];
    let rows = fc
        .stages
        .iter()
        .map(|s| CalibrationRow {
            stage: s.stage.clone(),
            configured: format::pct(s.configured),
            observed: s.observed.map_or("–".into(), format::pct),
            deals: s.deals,
            class: if s.observed.is_some_and(|o| (o - s.configured).abs() >= 0.15) { "amber" } else { "" },
        })
        .collect();
    CalibrationSection { chart, stats, brier_note, rows }
}
