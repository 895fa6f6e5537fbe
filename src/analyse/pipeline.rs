//! Pipeline (SPEC §4): open and weighted value, quota coverage, hygiene
//! (stale, slipped, no next step), win rate and cycle time.

use super::{iso_date_opt, num, num_opt, Light};
use crate::model::config::{Config, Outcome, Period, Quota};
use crate::model::journal::{Deal, Journal};
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipelineFigures {
    pub open_deals: usize,
    #[serde(serialize_with = "num")]
    pub open_amount: f64,
    #[serde(serialize_with = "num")]
    pub weighted: f64,
    #[serde(serialize_with = "num_opt")]
    pub quota: Option<f64>,
    #[serde(serialize_with = "iso_date_opt")]
    pub period_start: Option<NaiveDate>,
    #[serde(serialize_with = "iso_date_opt")]
    pub period_end: Option<NaiveDate>,
    #[serde(serialize_with = "num_opt")]
    pub won_in_period: Option<f64>,
    #[serde(serialize_with = "num_opt")]
    pub remaining: Option<f64>,
    pub coverage: Option<f64>,
    pub stale: usize,
    pub slipped: usize,
    pub no_next_step: usize,
    pub win_rate: Option<f64>,
    pub avg_cycle_days: Option<f64>,
    /// Open deals whose close date was pushed twice or more (SPEC §9).
    pub pushed: usize,
}

impl PipelineFigures {
    pub fn light(&self, config: &Config) -> Light {
        let target = config.pipeline.coverage_target;
        match self.remaining {
            None => {
                if self.stale == 0 && self.no_next_step == 0 {
                    Light::Green
                } else {
                    Light::Amber
                }
            }
            Some(remaining) => {
                let covered = remaining == 0.0 || self.coverage.is_some_and(|c| c >= target);
                if covered && self.no_next_step == 0 {
                    Light::Green
                } else if self.coverage.is_some_and(|c| c < target * 2.0 / 3.0) {
                    Light::Red
                } else {
                    Light::Amber
                }
            }
        }
    }
}

/// The calendar month, quarter or year containing `d`.
pub fn period(d: NaiveDate, period: Period) -> (NaiveDate, NaiveDate) {
    let (start_month, months) = match period {
        Period::Month => (d.month(), 1),
        Period::Quarter => ((d.month() - 1) / 3 * 3 + 1, 3),
        Period::Year => (1, 12),
    };
    let start = NaiveDate::from_ymd_opt(d.year(), start_month, 1).expect("first of a month");
    let next = start.checked_add_months(chrono::Months::new(months)).expect("dates far from the end of time");
    (start, next - Duration::days(1))
}

/// A quota's figures for the period holding the report date (SPEC §4):
/// what was won in it, what is left, and how far the open deals expected
/// to close in it cover that. A journal's pipeline and a team's totals
/// (SPEC §10, the team's quota over every member's deals) both come here.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuotaProgress {
    pub quota: f64,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub won: f64,
    pub remaining: f64,
    pub coverage: Option<f64>,
}

impl QuotaProgress {
    /// For the period `start..=end`, from the amounts of the deals won in
    /// it and of the open deals expected to close by its end
    /// ([`won_and_closing`]), added in the order given.
    pub fn of(quota: &Quota, (start, end): (NaiveDate, NaiveDate), won: &[f64], closing: &[f64]) -> QuotaProgress {
        let won_total = super::total(won.iter().copied());
        let remaining = (quota.amount - won_total).max(0.0);
        QuotaProgress {
            quota: quota.amount,
            period_start: start,
            period_end: end,
            won: won_total,
            remaining,
            // A quota so small that the ratio overflows has no coverage to show.
            coverage: (remaining > 0.0)
                .then(|| super::total(closing.iter().copied()) / remaining)
                .filter(|c| c.is_finite()),
        }
    }
}

/// The amounts (a missing one counts 0), in journal order, of the deals
/// won in `start..=` the report date, and of the open deals expected to
/// close by `end`: appended to `won` and `closing`, so a team adds its
/// members' deals in member order.
pub fn won_and_closing(
    journal: &Journal,
    config: &Config,
    (start, end): (NaiveDate, NaiveDate),
    won: &mut Vec<f64>,
    closing: &mut Vec<f64>,
) {
    let d = journal.as_of;
    let amount = |deal: &Deal| deal.amount.unwrap_or(0.0);
    won.extend(
        journal
            .deals
            .iter()
            .filter(|deal| matches!(deal.closed(config), Some((Outcome::Won, on)) if on >= start && on <= d))
            .map(amount),
    );
    closing.extend(
        journal.deals.iter().filter(|deal| deal.is_open(config) && deal.close.is_some_and(|c| c <= end)).map(amount),
    );
}

/// Which lists an open deal is on, as of `d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hygiene {
    pub stale: bool,
    pub slipped: bool,
    pub no_next_step: bool,
}

pub fn hygiene(deal: &Deal, journal: &Journal, config: &Config) -> Hygiene {
    let d = journal.as_of;
    Hygiene {
        stale: deal.last_touched(&journal.notes) < d - Duration::days(config.pipeline.stale_after_days),
        slipped: deal.close.is_some_and(|c| c < d),
        no_next_step: deal.next.as_deref().is_none_or(str::is_empty),
    }
}

pub fn analyse(journal: &Journal, config: &Config) -> PipelineFigures {
    let d = journal.as_of;
    let open: Vec<&Deal> = journal.deals.iter().filter(|deal| deal.is_open(config)).collect();
    let amount = |deal: &Deal| deal.amount.unwrap_or(0.0);
    let open_amount = super::total(open.iter().map(|deal| amount(deal)));
    let weighted = super::total(open.iter().map(|deal| amount(deal) * config.pipeline.stage(deal.stage).probability));
    let hygiene: Vec<Hygiene> = open.iter().map(|deal| hygiene(deal, journal, config)).collect();

    let progress = config.quota.as_ref().map(|q| {
        let bounds = period(d, q.period);
        let (mut won, mut closing) = (Vec::new(), Vec::new());
        won_and_closing(journal, config, bounds, &mut won, &mut closing);
        QuotaProgress::of(q, bounds, &won, &closing)
    });
    let window_start = d - Duration::days(config.pipeline.win_rate_days - 1);
    let closed_in_window: Vec<(Outcome, NaiveDate, &Deal)> = journal
        .deals
        .iter()
        .filter_map(|deal| deal.closed(config).map(|(o, on)| (o, on, deal)))
        .filter(|(_, on, _)| *on >= window_start && *on <= d)
        .collect();
    let won: Vec<_> = closed_in_window.iter().filter(|(o, _, _)| *o == Outcome::Won).collect();
    let win_rate = (!closed_in_window.is_empty()).then(|| won.len() as f64 / closed_in_window.len() as f64);
    let avg_cycle_days = super::mean(won.iter().map(|(_, on, deal)| (*on - deal.first_mention()).num_days() as f64));

    PipelineFigures {
        open_deals: open.len(),
        open_amount,
        weighted,
        quota: progress.map(|p| p.quota),
        period_start: progress.map(|p| p.period_start),
        period_end: progress.map(|p| p.period_end),
        won_in_period: progress.map(|p| p.won),
        remaining: progress.map(|p| p.remaining),
        coverage: progress.and_then(|p| p.coverage),
        stale: hygiene.iter().filter(|h| h.stale).count(),
        slipped: hygiene.iter().filter(|h| h.slipped).count(),
        no_next_step: hygiene.iter().filter(|h| h.no_next_step).count(),
        win_rate,
        avg_cycle_days,
        pushed: open.iter().filter(|deal| deal.close_pushed() >= 2).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::test_support::*;

    const QUOTA: &str = "quota: {amount: 100000, period: quarter}\n";

    fn figures(files: &[(String, String)], as_of: &str, yaml: &str) -> (PipelineFigures, Config) {
        let c = config(yaml);
        (analyse(&journal_of(&c, files, as_of), &c), c)
    }

    fn story() -> Vec<(String, String)> {
        vec![
            fm(
                "2026-09-01",
                "deals:\n  - {name: Old Won, stage: lead, amount: 10000}\n  - {name: Lost One, stage: qualified, amount: 5000}",
            ),
            fm(
                "2026-10-01",
                "deals:\n  - {name: Acme, stage: proposal, amount: 40000, close: 2026-12-15, next: Call}\n  - {name: Beta, stage: lead, amount: 20000, close: 2026-10-20}\n  - {name: Gamma, stage: negotiation, amount: 30000, close: 2027-01-15, next: Sign}\n  - {id: old-won, stage: won}",
            ),
            fm("2026-10-11", "deals:\n  - {name: Delta, stage: qualified, close: 2026-11-30, next: Demo}\n  - {id: lost-one, stage: lost}"),
            fm("2026-11-05", "deals:\n  - {name: Won Big, stage: negotiation, amount: 25000}"),
            fm("2026-11-20", "deals:\n  - {id: won-big, stage: won}\n  - {id: acme, next: Pricing}"),
        ]
    }

    #[test]
    fn open_weighted_and_quota() {
        let (f, c) = figures(&story(), "2026-11-27", QUOTA);
        assert_eq!(f.open_deals, 4); // Acme, Beta, Gamma, Delta
        assert_eq!(f.open_amount, 90000.0);
        assert!((f.weighted - (40000.0 * 0.5 + 20000.0 * 0.1 + 30000.0 * 0.75)).abs() < 1e-9);
        assert_eq!((f.period_start, f.period_end), (Some(d("2026-10-01")), Some(d("2026-12-31"))));
        // Old Won was won on 2026-10-01, Won Big on 2026-11-20.
        assert_eq!(f.won_in_period, Some(35000.0));
        assert_eq!(f.remaining, Some(65000.0));
        // Closing by period end: Acme 40000, Beta 20000 (slipped), Delta 0.
        assert!((f.coverage.unwrap() - 60000.0 / 65000.0).abs() < 1e-12);
        // Stale: Beta, Gamma, Delta (untouched since before 11-13); Beta
        // slipped and has no next step.
        assert_eq!((f.stale, f.slipped, f.no_next_step), (3, 1, 1));
        // Closed in the last 365 days: Old Won, Lost One, Won Big.
        assert!((f.win_rate.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        // Cycles: Old Won 2026-09-01 → 10-01 = 30; Won Big 11-05 → 11-20 = 15.
        assert_eq!(f.avg_cycle_days, Some(22.5));
        assert_eq!(f.light(&c), Light::Red);
    }

    #[test]
    fn without_a_quota() {
        let (f, c) = figures(&story(), "2026-11-27", "");
        assert_eq!((f.quota, f.period_start, f.won_in_period, f.remaining, f.coverage), (None, None, None, None, None));
        assert_eq!(f.light(&c), Light::Amber);
        let (f, c) = figures(&story()[..1], "2026-09-02", "");
        assert_eq!(f.light(&c), Light::Amber); // no next steps
        assert_eq!(f.win_rate, None);
        assert_eq!(f.avg_cycle_days, None);
    }

    #[test]
    fn quota_met_is_green_without_coverage() {
        let (f, c) = figures(&story(), "2026-11-27", "quota: {amount: 30000, period: quarter}\n");
        assert_eq!(f.remaining, Some(0.0));
        assert_eq!(f.coverage, None);
        assert_eq!(f.light(&c), Light::Amber); // Beta has no next step
    }

    /// SPEC §2: a won deal moved back to an open stage is open again, not
    /// won; before the move it was won.
    #[test]
    fn a_reopened_deal_is_no_longer_won() {
        let q = "quota: {amount: 5000, period: month}\n";
        let files = [
            fm("2026-11-02", "deals:\n  - {name: Acme, stage: lead, amount: 1000, next: x, close: 2026-11-30}"),
            fm("2026-11-05", "deals:\n  - {id: acme, stage: won}"),
            fm("2026-11-10", "deals:\n  - {id: acme, stage: negotiation}"),
        ];
        let (f, _) = figures(&files, "2026-11-12", q);
        assert_eq!((f.won_in_period, f.win_rate, f.avg_cycle_days, f.open_deals), (Some(0.0), None, None, 1));
        assert_eq!(f.coverage, Some(0.2));
        let (f, _) = figures(&files, "2026-11-07", q);
        assert_eq!((f.won_in_period, f.win_rate, f.avg_cycle_days), (Some(1000.0), Some(1.0), Some(3.0)));
    }

    /// SPEC §2/§4: restating `won` does not move the won date; a deal first
    /// mentioned as won has a cycle of 0 days; a close date of D itself has
    /// not slipped.
    #[test]
    fn won_dates_cycles_and_slipping_edges() {
        let files = [
            fm("2026-11-02", "deals:\n  - {name: A, stage: lead}\n  - {name: B, stage: won}"),
            fm("2026-11-06", "deals:\n  - {id: a, stage: won}"),
            fm("2026-11-09", "deals:\n  - {id: a, stage: won, amount: 5}"),
            (
                "2026-11-09-pipeline.md".to_string(),
                "---\ndeals:\n  - {name: C, stage: lead, next: x, close: 2026-11-10}\n  - {name: D, stage: lead, next: x, close: 2026-11-09}\n---\n".to_string(),
            ),
        ];
        let (f, _) = figures(&files, "2026-11-10", "");
        assert_eq!((f.avg_cycle_days, f.win_rate), (Some(2.0), Some(1.0)));
        assert_eq!(f.slipped, 1);
    }

    /// Nothing closing in the period: coverage is 0, not `-0.0` (the sum of
    /// no floats), in the JSON report too.
    #[test]
    fn empty_sums_are_zero_not_minus_zero() {
        let files = [
            fm("2026-11-02", "deals:\n  - {name: Acme, stage: lead, amount: 1000, next: x, close: 2026-11-30}"),
            fm("2026-11-05", "deals:\n  - {id: acme, stage: won}"),
        ];
        let (f, _) = figures(&files, "2026-11-07", "quota: {amount: 5000, period: month}\n");
        assert_eq!(f.coverage.map(f64::to_bits), Some(0.0f64.to_bits()));
        assert_eq!((f.open_amount.to_bits(), f.weighted.to_bits()), (0.0f64.to_bits(), 0.0f64.to_bits()));
        let json = serde_json::to_string(&f).unwrap();
        assert!(json.contains(r#""coverage":0.0"#) && !json.contains(":-0"), "{json}");
    }

    #[test]
    fn a_tiny_quota_has_no_infinite_coverage() {
        let files = [fm("2026-09-01", "deals:\n  - {name: A, stage: lead, amount: 10, close: 2026-09-20}")];
        let (f, _) = figures(&files, "2026-09-02", "quota: {amount: 5e-324, period: quarter}\n");
        assert_eq!(f.remaining, Some(5e-324));
        assert_eq!(f.coverage, None);
    }

    #[test]
    fn the_win_rate_window_and_staleness_have_exact_edges() {
        let files = [
            // Lost exactly 365 days before D (outside [D-364, D]) …
            fm("2025-11-01", "deals:\n  - {name: Old, stage: lead}"),
            fm("2025-11-27", "deals:\n  - {id: old, stage: lost}"),
            // … won 364 days before D (inside), after a 10-day cycle.
            fm("2025-11-18", "deals:\n  - {name: Edge, stage: lead}"),
            fm("2025-11-28", "deals:\n  - {id: edge, stage: won}"),
            // Touched exactly D-14: not stale; D-15: stale.
            fm("2026-11-13", "deals:\n  - {name: Fresh, stage: lead, next: x}"),
            fm("2026-11-12", "deals:\n  - {name: Stale, stage: lead, next: x}"),
        ];
        let (f, _) = figures(&files, "2026-11-27", "");
        assert_eq!(f.win_rate, Some(1.0));
        assert_eq!(f.avg_cycle_days, Some(10.0));
        assert_eq!(f.stale, 1);
    }

    #[test]
    fn periods() {
        assert_eq!(period(d("2026-02-14"), Period::Month), (d("2026-02-01"), d("2026-02-28")));
        assert_eq!(period(d("2026-12-31"), Period::Quarter), (d("2026-10-01"), d("2026-12-31")));
        assert_eq!(period(d("2026-05-01"), Period::Quarter), (d("2026-04-01"), d("2026-06-30")));
        assert_eq!(period(d("2026-05-01"), Period::Year), (d("2026-01-01"), d("2026-12-31")));
    }

    /// SPEC §9: `pushed` counts open deals pushed twice or more.
    #[test]
    fn pushed_counts_open_deals_pushed_twice() {
        let files = [
            fm("2026-11-02", "deals:\n  - {name: A, stage: lead, close: 2026-12-01}\n  - {name: B, stage: lead, close: 2026-12-01}\n  - {name: C, stage: lead, close: 2026-12-01}"),
            fm("2026-11-03", "deals:\n  - {id: a, close: 2026-12-02}\n  - {id: b, close: 2026-12-02}\n  - {id: c, close: 2026-12-02}"),
            fm("2026-11-04", "deals:\n  - {id: a, close: 2026-12-03}\n  - {id: c, close: 2026-12-03, stage: won}"),
        ];
        let (f, _) = figures(&files, "2026-11-10", "");
        assert_eq!(f.pushed, 1); // A; B was pushed once, C is won
        let (f, _) = figures(&files, "2026-11-03", "");
        assert_eq!(f.pushed, 0);
    }
}
