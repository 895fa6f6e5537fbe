//! Commitments (SPEC §4): open, overdue, and the on-time rate.

use super::Light;
use crate::model::config::Config;
use crate::model::journal::{Commitment, Journal, Status};
use chrono::{Duration, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitmentFigures {
    pub open: usize,
    pub overdue: usize,
    pub due_in_window: usize,
    pub kept_on_time: usize,
    pub on_time_rate: Option<f64>,
}

impl CommitmentFigures {
    pub fn light(&self) -> Light {
        let rate = self.on_time_rate;
        if self.overdue >= 3 || rate.is_some_and(|r| r < 0.75) {
            Light::Red
        } else if self.overdue == 0 && rate.is_none_or(|r| r >= 0.9) {
            Light::Green
        } else {
            Light::Amber
        }
    }
}

/// Whether a commitment is judged in the window ending at `d`: not dropped,
/// counting due date in the window, and either due before `d` or done by it
/// (one due today and not yet done is not judged yet).
pub fn judged_in_window(c: &Commitment, d: NaiveDate, window_days: i64) -> bool {
    let Some(due) = c.counting_due else { return false };
    let status = c.status(d);
    status != Status::Dropped
        && due > d - Duration::days(window_days)
        && due <= d
        && (due < d || status == Status::Done)
}

/// The on-time figures of the window ending at `d`.
pub fn on_time(journal: &Journal, d: NaiveDate, window_days: i64) -> (usize, usize, Option<f64>) {
    let judged: Vec<&Commitment> = journal.commitments.iter().filter(|c| judged_in_window(c, d, window_days)).collect();
    let kept = judged.iter().filter(|c| c.kept_on_time(d)).count();
    let rate = (!judged.is_empty()).then(|| kept as f64 / judged.len() as f64);
    (judged.len(), kept, rate)
}

pub fn analyse(journal: &Journal, config: &Config) -> CommitmentFigures {
    let d = journal.as_of;
    let count = |s: Status| journal.commitments.iter().filter(|c| c.status(d) == s).count();
    let (due_in_window, kept_on_time, on_time_rate) = on_time(journal, d, config.commitments.window_days);
    CommitmentFigures {
        open: count(Status::Open),
        overdue: count(Status::Overdue),
        due_in_window,
        kept_on_time,
        on_time_rate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::test_support::*;

    fn figures(files: &[(String, String)], as_of: &str) -> CommitmentFigures {
        let c = Config::default();
        analyse(&journal_of(&c, files, as_of), &c)
    }

    #[test]
    fn the_on_time_rate_judges_only_what_is_due() {
        let files = [
            fm(
                "2026-11-02",
                "commitments:\n  - {id: kept, what: A, due: 2026-11-05}\n  - {id: late, what: B, due: 2026-11-05}\n  - {id: today, what: C, due: 2026-11-10}\n  - {id: today-done, what: D, due: 2026-11-10}\n  - {id: dropped, what: E, due: 2026-11-04}\n  - {id: old, what: F, due: 2026-09-01, done: 2026-09-01}\n  - {id: open, what: G}",
            ),
            fm("2026-11-04", "commitments:\n  - {id: kept, done: true}\n  - {id: dropped, dropped: true}"),
            fm("2026-11-07", "commitments:\n  - {id: late, done: true}"),
            fm("2026-11-10", "commitments:\n  - {id: today-done, done: true}"),
        ];
        let f = figures(&files, "2026-11-10");
        // Judged: kept, late, today-done. Not: today (due today, not done),
        // dropped, old (outside the 30-day window), open (no due date).
        assert_eq!((f.due_in_window, f.kept_on_time), (3, 2));
        assert!((f.on_time_rate.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!((f.open, f.overdue), (2, 0));
        assert_eq!(f.light(), Light::Red);
    }

    #[test]
    fn a_late_reschedule_does_not_make_it_on_time() {
        let files = [
            fm(
                "2026-11-02",
                "commitments:\n  - {id: a, what: A, due: 2026-11-05}\n  - {id: b, what: B, due: 2026-11-05}",
            ),
            fm("2026-11-04", "commitments:\n  - {id: a, due: 2026-11-08}"),
            fm("2026-11-06", "commitments:\n  - {id: b, due: 2026-11-08}"),
            fm("2026-11-08", "commitments:\n  - {id: a, done: true}\n  - {id: b, done: true}"),
        ];
        let f = figures(&files, "2026-11-09");
        assert_eq!((f.due_in_window, f.kept_on_time), (2, 1));
    }

    /// SPEC §2: `done: false` clears a done mark.
    #[test]
    fn done_false_clears() {
        let files = [
            fm("2026-11-02", "commitments:\n  - {id: a, what: A, due: 2026-11-05, done: true}"),
            fm("2026-11-04", "commitments:\n  - {id: a, done: false}"),
        ];
        let f = figures(&files, "2026-11-10");
        assert_eq!((f.overdue, f.due_in_window, f.kept_on_time), (1, 1, 0));
    }

    /// SPEC §2/§4: done beats a later drop; a done commitment is judged.
    #[test]
    fn done_beats_a_later_drop() {
        let files = [
            fm("2026-11-02", "commitments:\n  - {id: b, what: B, due: 2026-11-06}"),
            fm("2026-11-04", "commitments:\n  - {id: b, done: true}"),
            fm("2026-11-07", "commitments:\n  - {id: b, dropped: true}"),
        ];
        let f = figures(&files, "2026-11-10");
        assert_eq!((f.due_in_window, f.kept_on_time, f.open, f.overdue), (1, 1, 0, 0));
    }

    /// SPEC §2: rescheduled after it was late, to a date after D: the new
    /// date is shown (not overdue), the old one still judges it.
    #[test]
    fn a_late_reschedule_past_d_is_open_and_judged_late() {
        let files = [
            fm("2026-11-02", "commitments:\n  - {id: a, what: A, due: 2026-11-05}"),
            fm("2026-11-08", "commitments:\n  - {id: a, due: 2026-11-20}"),
        ];
        let f = figures(&files, "2026-11-10");
        assert_eq!((f.open, f.overdue, f.due_in_window, f.kept_on_time), (1, 0, 1, 0));
        assert_eq!(f.on_time_rate, Some(0.0));
    }

    /// SPEC §2: renegotiated on the due date itself counts; a second
    /// reschedule after the first new date was missed does not.
    #[test]
    fn reschedule_boundaries() {
        let on_the_day = [
            fm("2026-11-02", "commitments:\n  - {id: a, what: A, due: 2026-11-05}"),
            fm("2026-11-05", "commitments:\n  - {id: a, due: 2026-11-08}"),
            fm("2026-11-07", "commitments:\n  - {id: a, done: true}"),
        ];
        assert_eq!(figures(&on_the_day, "2026-11-10").kept_on_time, 1);
        let twice = [
            fm("2026-11-02", "commitments:\n  - {id: a, what: A, due: 2026-11-05}"),
            fm("2026-11-04", "commitments:\n  - {id: a, due: 2026-11-08}"),
            fm("2026-11-09", "commitments:\n  - {id: a, due: 2026-11-20}"),
            fm("2026-11-10", "commitments:\n  - {id: a, done: true}"),
        ];
        let f = figures(&twice, "2026-11-12");
        assert_eq!((f.due_in_window, f.kept_on_time), (1, 0));
    }

    /// SPEC §4: the window is the last `window_days` days, D included.
    #[test]
    fn the_window_has_exact_edges() {
        let files = [fm(
            "2026-11-01",
            "commitments:\n  - {id: in, what: A, due: 2026-11-11}\n  - {id: out, what: B, due: 2026-11-10}",
        )];
        let f = figures(&files, "2026-12-10");
        assert_eq!((f.due_in_window, f.overdue), (1, 2));
    }

    #[test]
    fn lights() {
        let f = |overdue, rate| CommitmentFigures {
            open: 0,
            overdue,
            due_in_window: 0,
            kept_on_time: 0,
            on_time_rate: rate,
        };
        assert_eq!(f(0, None).light(), Light::Green);
        assert_eq!(f(0, Some(0.9)).light(), Light::Green);
        assert_eq!(f(1, Some(0.95)).light(), Light::Amber);
        assert_eq!(f(0, Some(0.8)).light(), Light::Amber);
        assert_eq!(f(3, None).light(), Light::Red);
        assert_eq!(f(0, Some(0.74)).light(), Light::Red);
    }
}
