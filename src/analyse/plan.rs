//! The plan, or reverse funnel (SPEC §9): from the quota still to win and
//! the rep's own history (average won deal, win rate, activity per deal),
//! how many new deals and how much activity a day it takes to make the
//! number, and whether a deal started today can still close in time.
//!
//! Every figure is null when an input it needs is null or a divisor is 0;
//! nothing is rounded.

use super::pipeline::{period, PipelineFigures};
use super::{num_opt, Days};
use crate::model::config::{Config, Outcome};
use crate::model::journal::Journal;
use chrono::Duration;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanFigures {
    #[serde(serialize_with = "num_opt")]
    pub gap: Option<f64>,
    #[serde(serialize_with = "num_opt")]
    pub weighted_in_period: Option<f64>,
    #[serde(serialize_with = "num_opt")]
    pub avg_won_amount: Option<f64>,
    #[serde(serialize_with = "num_opt")]
    pub wins_needed: Option<f64>,
    #[serde(serialize_with = "num_opt")]
    pub new_deals_needed: Option<f64>,
    pub deals_created: usize,
    pub workdays_left: Option<usize>,
    pub in_time: Option<bool>,
    /// In name order.
    pub activities: Vec<PlanActivity>,
}

/// One activity of the plan: what a deal has taken, what a day needs now,
/// and the goal the rep set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanActivity {
    pub activity: String,
    #[serde(serialize_with = "num_opt")]
    pub per_deal: Option<f64>,
    #[serde(serialize_with = "num_opt")]
    pub needed_per_day: Option<f64>,
    #[serde(serialize_with = "num_opt")]
    pub goal: Option<f64>,
}

/// A quotient, null when either side is null or the divisor is 0 (or the
/// result overflows).
fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b != 0.0 => Some(a / b).filter(|x| x.is_finite()),
        _ => None,
    }
}

pub fn analyse(journal: &Journal, config: &Config, days: &Days, pipeline: &PipelineFigures) -> PlanFigures {
    let d = journal.as_of;
    let window_start = d - Duration::days(config.pipeline.win_rate_days - 1);
    let in_window = |date| date >= window_start && date <= d;

    let period = config.quota.as_ref().map(|q| period(d, q.period));
    let weighted_in_period = period.map(|(_, end)| {
        super::total(
            journal
                .deals
                .iter()
                .filter(|deal| deal.is_open(config) && deal.close.is_some_and(|c| c <= end))
                .map(|deal| deal.amount.unwrap_or(0.0) * config.pipeline.stage(deal.stage).probability),
        )
    });
    let gap = match (pipeline.remaining, weighted_in_period) {
        (Some(remaining), Some(weighted)) => Some((remaining - weighted).max(0.0)),
        _ => None,
    };

    let avg_won_amount = super::mean(
        journal
            .deals
            .iter()
            .filter(|deal| matches!(deal.closed(config), Some((Outcome::Won, on)) if in_window(on)))
            .filter_map(|deal| deal.amount),
    );
    let wins_needed = ratio(gap, avg_won_amount);
    let new_deals_needed = ratio(wins_needed, pipeline.win_rate);
    let deals_created = journal.deals.iter().filter(|deal| in_window(deal.first_mention())).count();
    let workdays_left = period.map(|(_, end)| days.workdays_after_as_of(end));

    // Activity totals over the notes dated in the window, exact in integers.
    let mut totals: BTreeMap<&str, u128> = BTreeMap::new();
    for (_, day) in days.days.range(window_start..=d) {
        for (name, &count) in &day.activity {
            *totals.entry(name).or_default() += u128::from(count);
        }
    }
    let per_week = config.workdays.per_week();
    let activities = totals
        .into_iter()
        .filter(|(_, total)| *total > 0)
        .map(|(name, total)| {
            let per_deal = ratio(Some(total as f64), Some(deals_created as f64));
            let needed = per_deal.zip(new_deals_needed).map(|(p, n)| p * n);
            let goal = config
                .goals
                .daily
                .get(name)
                .copied()
                .or_else(|| config.goals.weekly.get(name).and_then(|w| ratio(Some(*w), Some(per_week as f64))));
            PlanActivity {
                activity: name.to_string(),
                per_deal,
                needed_per_day: ratio(needed, workdays_left.map(|w| w as f64)),
                goal,
            }
        })
        .collect();

    let in_time =
        period.map(|(_, end)| pipeline.avg_cycle_days.is_none_or(|cycle| (end - d).num_days() as f64 >= cycle));

    PlanFigures {
        gap,
        weighted_in_period,
        avg_won_amount,
        wins_needed,
        new_deals_needed,
        deals_created,
        workdays_left,
        in_time,
        activities,
    }
}

/// The plan in words, for the terminal report and the dashboard (the
/// Pipeline page spells out each step): the chain from the gap to the new
/// deals it takes, and what that means a day.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanWords {
    /// `$41,000 to win beyond the weighted pipeline: 1.1 wins of $38,500 …`
    pub chain: String,
    /// `2 more deals like your average: about 9 calls a day for the 23
    /// workdays left; your goal is 20`, and the warning when a new deal
    /// cannot close in time. None without a quota.
    pub headline: Option<String>,
}

/// The activity a plan's day is told in: the one needing the most a day
/// among those with a goal (else among all).
pub fn lead_activity(plan: &PlanFigures) -> Option<&PlanActivity> {
    let needed = |a: &&PlanActivity| a.needed_per_day.is_some();
    let most = |a: &&PlanActivity, b: &&PlanActivity| {
        a.needed_per_day.unwrap_or(0.0).total_cmp(&b.needed_per_day.unwrap_or(0.0))
    };
    plan.activities
        .iter()
        .filter(needed)
        .filter(|a| a.goal.is_some())
        .max_by(most)
        .or_else(|| plan.activities.iter().filter(needed).max_by(most))
}

/// `the quarter`, `the month`, `the year`.
pub fn period_word(config: &Config) -> &'static str {
    match config.quota.as_ref().map(|q| q.period) {
        Some(crate::model::config::Period::Month) => "the month",
        Some(crate::model::config::Period::Year) => "the year",
        _ => "the quarter",
    }
}

/// A count in words: whole numbers bare, others to one decimal.
pub fn amount_word(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// "12 workdays left", "1 workday left".
fn workdays_left_word(left: usize) -> String {
    format!("{left} {} left", if left == 1 { "workday" } else { "workdays" })
}

/// An activity's daily need in words: whole from 1 up, else to a tenth
/// ("about 0.2 calls a day", where rounding said "about 0").
fn per_day_word(x: f64) -> String {
    match x {
        x if x >= 1.0 || x <= 0.0 => format!("{:.0}", x.round()),
        x if x < 0.05 => "under 0.1".to_string(),
        x => format!("{x:.1}"),
    }
}

pub fn in_words(f: &super::Figures, config: &Config) -> PlanWords {
    let p = &f.plan;
    let money = |x: f64| super::summary::money(x, &config.currency);
    let window = config.pipeline.win_rate_days;
    let chain = match (p.gap, p.avg_won_amount, p.wins_needed, p.new_deals_needed) {
        (None, ..) => format!(
            "no quota set (add `quota:` to saleslog.yaml); {} created and {} won on average in the last {window} days",
            if p.deals_created == 1 { "1 deal".to_string() } else { format!("{} deals", p.deals_created) },
            p.avg_won_amount.map_or("nothing".into(), money),
        ),
        (Some(0.0), ..) => "no gap: the weighted pipeline closing this period covers what is left to win".into(),
        (Some(gap), None, ..) => {
            format!("{} gap after the weighted pipeline; no deal with an amount won in {window} days", money(gap))
        }
        (Some(gap), Some(avg), Some(wins), new) => format!(
            "{} gap beyond the weighted pipeline = {:.1} wins of {}{}",
            money(gap),
            wins,
            money(avg),
            match (new, f.pipeline.win_rate) {
                (Some(new), Some(rate)) => format!(" = {new:.1} new deals at {:.0}% won", rate * 100.0),
                _ => String::new(),
            }
        ),
        (Some(gap), Some(_), None, _) => format!("{} gap after the weighted pipeline", money(gap)),
    };
    let headline = p.workdays_left.map(|left| {
        let mut out = match (p.gap, p.wins_needed) {
            (Some(0.0), _) => "No new deals needed this period".to_string(),
            (_, Some(wins)) => {
                let more = wins.ceil() as usize;
                let mut s = format!("{more} more {} like your average", if more == 1 { "deal" } else { "deals" });
                match lead_activity(p) {
                    Some(a) => {
                        let per_day = a.needed_per_day.unwrap_or(0.0);
                        s.push_str(&format!(
                            ": about {} {} a day for the {}",
                            per_day_word(per_day),
                            a.activity,
                            workdays_left_word(left)
                        ));
                        if let Some(goal) = a.goal {
                            s.push_str(&format!("; your goal is {}", amount_word(goal)));
                        }
                    }
                    None if left == 0 => s.push_str(&format!(", and no workday left in {}", period_word(config))),
                    None => s.push_str(&format!(" in the {}", workdays_left_word(left))),
                }
                s
            }
            _ => format!("No plan yet: no deal won in the last {window} days to measure one by"),
        };
        if p.in_time == Some(false) && p.gap != Some(0.0) {
            if let (Some(cycle), Some(end)) = (f.pipeline.avg_cycle_days, f.pipeline.period_end) {
                let days = (end - f.as_of).num_days();
                out.push_str(&format!(
                    "; your deals take {} days; {} ends in {days} {}",
                    cycle.round() as i64,
                    period_word(config),
                    if days == 1 { "day" } else { "days" }
                ));
            }
        }
        out
    });
    PlanWords { chain, headline }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::test_support::*;

    const SETTINGS: &str =
        "quota: {amount: 100000, period: quarter}\ngoals: {daily: {calls: 20}, weekly: {meetings: 5}}\n";

    fn plan(files: &[(String, String)], as_of: &str, yaml: &str) -> PlanFigures {
        let c = config(yaml);
        let j = journal_of(&c, files, as_of);
        let days = Days::new(&j, &c);
        analyse(&j, &c, &days, &super::super::pipeline::analyse(&j, &c))
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    /// A need under one a day is said to a tenth, not rounded to nothing.
    #[test]
    fn a_small_daily_need_is_not_said_as_zero() {
        assert_eq!(per_day_word(0.19), "0.2");
        assert_eq!(per_day_word(0.01), "under 0.1");
        assert_eq!(per_day_word(0.0), "0");
        assert_eq!(per_day_word(1.4), "1");
        assert_eq!(per_day_word(12.5), "13");
        assert_eq!(workdays_left_word(1), "1 workday left");
        assert_eq!(workdays_left_word(12), "12 workdays left");
    }

    /// A: open, proposal, 40000 closing in the quarter. B: won 10-15 after
    /// 14 days. C: lost. D: first mentioned won (30000, a cycle of 0 days).
    fn story() -> Vec<(String, String)> {
        vec![
            fm(
                "2026-10-01",
                "activity: {calls: 50, emails: 0}\ndeals:\n  - {name: A, stage: lead, amount: 40000, close: 2026-12-15}\n  - {name: B, stage: qualified, amount: 20000}",
            ),
            fm("2026-10-15", "activity: {calls: 30}\ndeals:\n  - {id: a, stage: proposal}\n  - {id: b, stage: won}"),
            fm(
                "2026-11-02",
                "activity: {calls: 20, meetings: 4}\ndeals:\n  - {name: C, stage: negotiation, amount: 10000, close: 2027-01-10}",
            ),
            fm("2026-11-10", "deals:\n  - {id: c, stage: lost}"),
            fm("2026-11-20", "deals:\n  - {name: D, stage: won, amount: 30000}"),
        ]
    }

    #[test]
    fn the_reverse_funnel_by_hand() {
        let p = plan(&story(), "2026-11-27", SETTINGS);
        // Open in the period: A, 40000 × 0.5.
        assert_eq!(p.weighted_in_period, Some(20000.0));
        // Won in Q4: B 20000 + D 30000; remaining 50000; gap 50000 − 20000.
        assert_eq!(p.gap, Some(30000.0));
        assert_eq!(p.avg_won_amount, Some(25000.0));
        assert!(close(p.wins_needed, 1.2));
        // Win rate 2/3 (B, D won; C lost).
        assert!(close(p.new_deals_needed, 1.8));
        // A, B, C and D (first mentioned won) were all created in the window.
        assert_eq!(p.deals_created, 4);
        // Mon 2026-11-30 .. Thu 2026-12-31, D excluded.
        assert_eq!(p.workdays_left, Some(24));
        // 34 days to the quarter's end against a mean cycle of 7.
        assert_eq!(p.in_time, Some(true));
        // emails total 0: not listed.
        let names: Vec<&str> = p.activities.iter().map(|a| a.activity.as_str()).collect();
        assert_eq!(names, ["calls", "meetings"]);
        let (calls, meetings) = (&p.activities[0], &p.activities[1]);
        assert_eq!(calls.per_deal, Some(25.0));
        assert!(close(calls.needed_per_day, 25.0 * 1.8 / 24.0));
        assert_eq!(calls.goal, Some(20.0));
        assert_eq!(meetings.per_deal, Some(1.0));
        assert!(close(meetings.needed_per_day, 1.8 / 24.0));
        // A weekly goal over 5 workdays a week.
        assert_eq!(meetings.goal, Some(1.0));
        // Whole numbers print as the SPEC's example does (`"goal": 20`).
        let json = serde_json::to_value(calls).unwrap();
        assert_eq!((json["goal"].to_string(), json["per_deal"].to_string()), ("20".into(), "25".into()));
    }

    #[test]
    fn without_a_quota_only_the_history_counts() {
        let p = plan(&story(), "2026-11-27", "goals: {daily: {calls: 20}}\n");
        assert_eq!((p.gap, p.weighted_in_period, p.wins_needed, p.new_deals_needed), (None, None, None, None));
        assert_eq!((p.workdays_left, p.in_time), (None, None));
        assert_eq!((p.avg_won_amount, p.deals_created), (Some(25000.0), 4));
        assert_eq!(p.activities[0].per_deal, Some(25.0));
        assert_eq!(p.activities[0].needed_per_day, None);
        assert_eq!(p.activities[0].goal, Some(20.0));
        assert_eq!(p.activities[1].goal, None);
    }

    /// Win rate 0 (only losses): no won deal in the window, so the average
    /// won amount and everything computed from it are null; `in_time` is
    /// true because there is no cycle time.
    #[test]
    fn win_rate_zero_and_no_won_deal() {
        let files = [
            fm("2026-11-02", "activity: {calls: 10}\ndeals:\n  - {name: A, stage: lead, amount: 1000}"),
            fm("2026-11-03", "deals:\n  - {id: a, stage: lost}"),
        ];
        let p = plan(&files, "2026-11-27", SETTINGS);
        assert_eq!(p.gap, Some(100000.0));
        assert_eq!((p.avg_won_amount, p.wins_needed, p.new_deals_needed), (None, None, None));
        assert_eq!(p.in_time, Some(true));
        assert_eq!(p.activities[0].per_deal, Some(10.0));
        assert_eq!(p.activities[0].needed_per_day, None);
    }

    /// Won deals without an amount are left out of the mean; with none left
    /// there is no average.
    #[test]
    fn won_deals_without_an_amount_are_left_out() {
        let files = [
            fm("2026-11-02", "deals:\n  - {name: A, stage: won}\n  - {name: B, stage: won, amount: 900}"),
            fm("2026-11-03", "deals:\n  - {name: C, stage: won}"),
        ];
        assert_eq!(plan(&files, "2026-11-27", SETTINGS).avg_won_amount, Some(900.0));
        assert_eq!(plan(&files[1..], "2026-11-27", SETTINGS).avg_won_amount, None);
    }

    /// The quota met: the gap is 0, so no win and no new deal is needed.
    #[test]
    fn a_met_quota_needs_nothing() {
        let files = [fm(
            "2026-11-02",
            "activity: {calls: 8}\ndeals:\n  - {name: A, stage: won, amount: 200000}\n  - {name: B, stage: lead}",
        )];
        let p = plan(&files, "2026-11-27", SETTINGS);
        assert_eq!((p.gap, p.wins_needed, p.new_deals_needed), (Some(0.0), Some(0.0), Some(0.0)));
        assert_eq!(p.activities[0].per_deal, Some(4.0));
        assert_eq!(p.activities[0].needed_per_day, Some(0.0));
    }

    /// On the last day of the period no workday is left: `needed_per_day`
    /// is null. The day before, one is.
    #[test]
    fn workdays_left_on_the_last_days_of_the_period() {
        let p = plan(&story(), "2026-12-31", SETTINGS);
        assert_eq!(p.workdays_left, Some(0));
        assert!(p.activities.iter().all(|a| a.needed_per_day.is_none()));
        // D itself (Wednesday, with or without a note) is excluded.
        assert_eq!(plan(&story(), "2026-12-30", SETTINGS).workdays_left, Some(1));
        // A Saturday period end counts no weekend day.
        let p = plan(&story(), "2026-10-29", "quota: {amount: 1, period: month}\n");
        assert_eq!(p.workdays_left, Some(1)); // Thu 10-29: only Fri 10-30 is left
    }

    /// `in_time`: the days to the period's end against the mean cycle.
    #[test]
    fn in_time_compares_days_left_with_the_cycle() {
        let files = [
            fm("2026-10-01", "deals:\n  - {name: A, stage: lead, amount: 100}"),
            fm("2026-11-10", "deals:\n  - {id: a, stage: won}"),
        ];
        // Cycle 40 days; as of 11-21, 40 days to Dec 31: in time.
        assert_eq!(plan(&files, "2026-11-21", SETTINGS).in_time, Some(true));
        assert_eq!(plan(&files, "2026-11-22", SETTINGS).in_time, Some(false));
    }

    /// Deals created in the window include those first mentioned won; with
    /// none created, `per_deal` is null but the activity is listed.
    #[test]
    fn deals_created_in_the_window() {
        let files = [
            fm("2025-01-02", "activity: {calls: 3}\ndeals:\n  - {name: Old, stage: lead}"),
            fm("2026-11-02", "activity: {calls: 5}"),
        ];
        let p = plan(&files, "2026-11-27", SETTINGS);
        assert_eq!(p.deals_created, 0);
        assert_eq!(p.activities.len(), 1);
        assert_eq!((p.activities[0].per_deal, p.activities[0].needed_per_day), (None, None));
        let p = plan(&[fm("2026-11-02", "deals:\n  - {name: W, stage: won, amount: 5}")], "2026-11-27", SETTINGS);
        assert_eq!(p.deals_created, 1);
        assert!(p.activities.is_empty());
    }

    /// A reopened deal is open again: its amount is weighted in the period
    /// and it no longer counts as won.
    #[test]
    fn a_reopened_deal_is_weighted_not_won() {
        let files = [
            fm("2026-11-02", "deals:\n  - {name: A, stage: lead, amount: 1000, close: 2026-11-30}\n  - {name: B, stage: won, amount: 10}"),
            fm("2026-11-05", "deals:\n  - {id: a, stage: won}"),
            fm("2026-11-10", "deals:\n  - {id: a, stage: negotiation}"),
        ];
        let p = plan(&files, "2026-11-12", "quota: {amount: 5000, period: month}\n");
        assert_eq!(p.weighted_in_period, Some(750.0));
        assert_eq!(p.gap, Some(5000.0 - 10.0 - 750.0));
        assert_eq!(p.avg_won_amount, Some(10.0));
        let p = plan(&files, "2026-11-07", "quota: {amount: 5000, period: month}\n");
        assert_eq!(p.avg_won_amount, Some(505.0));
    }
}
