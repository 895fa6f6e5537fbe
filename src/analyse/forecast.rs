//! Forecast calibration (SPEC §9): whether the configured stage
//! probabilities mean anything, judged by how the rep's own deals ended.
//!
//! Every deal closed in the win-rate window turned each open stage it went
//! through into a forecast (the stage's probability) with a known outcome:
//! the Brier score is their mean squared error, and each stage's observed
//! win rate is what its probability should have been.

use super::num;
use crate::model::config::{Config, Outcome, StageId};
use crate::model::journal::Journal;
use chrono::Duration;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastFigures {
    pub brier: Option<f64>,
    pub forecasts: usize,
    /// The open pipeline weighted by observed rates instead of configured ones.
    #[serde(serialize_with = "num")]
    pub weighted_observed: f64,
    /// Every open stage, in configured order.
    pub stages: Vec<StageCalibration>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageCalibration {
    pub stage: String,
    pub configured: f64,
    pub observed: Option<f64>,
    /// Deals closed in the window that entered this stage.
    pub deals: usize,
}

pub fn analyse(journal: &Journal, config: &Config) -> ForecastFigures {
    let d = journal.as_of;
    let window_start = d - Duration::days(config.pipeline.win_rate_days - 1);
    let stages = &config.pipeline.stages;
    // Per stage: (won, closed) among the closed deals that entered it.
    let mut tally = vec![(0usize, 0usize); stages.len()];
    let (mut squares, mut forecasts) = (0.0, 0usize);
    let mut entered = vec![false; stages.len()];
    for deal in &journal.deals {
        let Some((outcome, on)) = deal.closed(config) else { continue };
        if on < window_start || on > d {
            continue;
        }
        let o = if outcome == Outcome::Won { 1.0 } else { 0.0 };
        entered.iter_mut().for_each(|e| *e = false);
        // Every distinct open stage it was ever in, before a reopening too.
        for change in &deal.history {
            let StageId(i) = change.stage;
            if stages[i].closed.is_none() && !entered[i] {
                entered[i] = true;
                let p = stages[i].probability;
                squares += (p - o) * (p - o);
                forecasts += 1;
                tally[i].1 += 1;
                if outcome == Outcome::Won {
                    tally[i].0 += 1;
                }
            }
        }
    }
    let calibration: Vec<StageCalibration> = stages
        .iter()
        .zip(&tally)
        .filter(|(s, _)| s.closed.is_none())
        .map(|(s, &(won, closed))| StageCalibration {
            stage: s.name.clone(),
            configured: s.probability,
            observed: (closed > 0).then(|| won as f64 / closed as f64),
            deals: closed,
        })
        .collect();
    let observed = |id: StageId| {
        let (won, closed) = tally[id.0];
        if closed > 0 {
            won as f64 / closed as f64
        } else {
            stages[id.0].probability
        }
    };
    let weighted_observed = super::total(
        journal
            .deals
            .iter()
            .filter(|deal| deal.is_open(config))
            .map(|deal| deal.amount.unwrap_or(0.0) * observed(deal.stage)),
    );
    ForecastFigures {
        brier: (forecasts > 0).then(|| squares / forecasts as f64),
        forecasts,
        weighted_observed,
        stages: calibration,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::test_support::*;

    fn forecast(files: &[(String, String)], as_of: &str, yaml: &str) -> ForecastFigures {
        let c = config(yaml);
        analyse(&journal_of(&c, files, as_of), &c)
    }

    fn observed(f: &ForecastFigures) -> Vec<(&str, Option<f64>, usize)> {
        f.stages.iter().map(|s| (s.stage.as_str(), s.observed, s.deals)).collect()
    }

    #[test]
    fn brier_and_observed_rates_by_hand() {
        let files = [
            fm(
                "2026-10-01",
                "deals:\n  - {name: A, stage: lead, amount: 1000}\n  - {name: B, stage: lead}\n  - {name: C, stage: qualified}\n  - {name: Open, stage: lead, amount: 2000}\n  - {name: Open2, stage: negotiation, amount: 400}",
            ),
            // A: lead → proposal → won (the lead restated: one forecast).
            fm("2026-10-05", "deals:\n  - {id: a, stage: proposal}\n  - {id: b, stage: lost}"),
            fm("2026-10-06", "deals:\n  - {id: a, stage: won}\n  - {id: c, stage: lead}"),
            // C: qualified → lead → qualified → lost: two forecasts.
            fm("2026-10-07", "deals:\n  - {id: c, stage: qualified}"),
            fm("2026-10-08", "deals:\n  - {id: c, stage: lost}\n  - {name: First Won, stage: won, amount: 7}"),
        ];
        let f = forecast(&files, "2026-11-27", "");
        // A: (0.1−1)² + (0.5−1)²; B: 0.1²; C: 0.25² + 0.1².
        let sum = 0.81 + 0.25 + 0.01 + 0.0625 + 0.01;
        assert_eq!(f.forecasts, 5);
        assert!((f.brier.unwrap() - sum / 5.0).abs() < 1e-12);
        // lead: A won, B and C lost; qualified: C lost; proposal: A won;
        // negotiation: none (observed null, deals 0). Closed stages are not listed.
        assert_eq!(
            observed(&f),
            vec![
                ("lead", Some(1.0 / 3.0), 3),
                ("qualified", Some(0.0), 1),
                ("proposal", Some(1.0), 1),
                ("negotiation", None, 0)
            ]
        );
        // Open (lead, 2000) at the observed 1/3; Open2 (negotiation) at the
        // configured 0.75, having no observed rate.
        assert!((f.weighted_observed - (2000.0 / 3.0 + 300.0)).abs() < 1e-9);
    }

    /// An observed rate of 0 weights as 0, not as the configured rate.
    #[test]
    fn an_observed_zero_weights_zero() {
        let files = [
            fm("2026-10-01", "deals:\n  - {name: A, stage: lead}\n  - {name: Open, stage: lead, amount: 2000}"),
            fm("2026-10-05", "deals:\n  - {id: a, stage: lost}"),
        ];
        let f = forecast(&files, "2026-11-27", "");
        assert_eq!(f.weighted_observed, 0.0);
        assert_eq!(f.brier, Some(0.010000000000000002));
    }

    /// A deal first mentioned won gives no forecast; with no forecasts the
    /// Brier score is null and every stage is still listed.
    #[test]
    fn no_forecasts() {
        let files = [fm(
            "2026-10-01",
            "deals:\n  - {name: W, stage: won, amount: 5}\n  - {name: O, stage: proposal, amount: 10}",
        )];
        let f = forecast(&files, "2026-11-27", "");
        assert_eq!((f.brier, f.forecasts), (None, 0));
        assert_eq!(f.stages.len(), 4);
        assert!(f.stages.iter().all(|s| s.observed.is_none() && s.deals == 0));
        assert_eq!(f.weighted_observed, 5.0);
    }

    /// A deal won, reopened and then lost: its open stages before the
    /// reopening count too, once each; only deals closed in the window (as
    /// of D) count, and a reopened deal not closed again gives none.
    #[test]
    fn reopened_deals_and_the_window() {
        let files = [
            fm("2026-10-01", "deals:\n  - {name: A, stage: lead}\n  - {name: R, stage: qualified}"),
            fm("2026-10-02", "deals:\n  - {id: a, stage: won}\n  - {id: r, stage: won}"),
            fm("2026-10-03", "deals:\n  - {id: a, stage: proposal}\n  - {id: r, stage: negotiation}"),
            fm("2026-10-04", "deals:\n  - {id: a, stage: lead}"),
            fm("2026-10-05", "deals:\n  - {id: a, stage: lost}"),
        ];
        let f = forecast(&files, "2026-11-27", "");
        // A: lead and proposal, lost; R is open again: nothing.
        assert_eq!(f.forecasts, 2);
        assert!((f.brier.unwrap() - (0.01 + 0.25) / 2.0).abs() < 1e-12);
        assert_eq!(observed(&f)[..3], [("lead", Some(0.0), 1), ("qualified", None, 0), ("proposal", Some(0.0), 1)]);
        // As of 10-02 both are won, each from its one stage.
        let f = forecast(&files, "2026-10-02", "");
        assert_eq!(observed(&f)[..2], [("lead", Some(1.0), 1), ("qualified", Some(1.0), 1)]);
        // Out of a 30-day window by 2026-11-04.
        let f = forecast(&files, "2026-11-04", "pipeline: {win_rate_days: 30}\n");
        assert_eq!(f.forecasts, 0);
        let f = forecast(&files, "2026-11-03", "pipeline: {win_rate_days: 30}\n");
        assert_eq!(f.forecasts, 2);
    }
}
