//! Activity (SPEC §4): week-to-date goals, attainment, streaks.

use super::calendar::Day;
use super::{iso_date, num, Days, Light};
use crate::model::config::Config;
use chrono::{Duration, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GoalPeriod {
    Daily,
    Weekly,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalProgress {
    pub activity: String,
    pub period: GoalPeriod,
    #[serde(serialize_with = "num")]
    pub target: f64,
    #[serde(serialize_with = "num")]
    pub expected: f64,
    #[serde(serialize_with = "num")]
    pub done: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Streak {
    pub current: Option<usize>,
    pub longest: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityFigures {
    #[serde(serialize_with = "iso_date")]
    pub week_start: NaiveDate,
    pub elapsed_workdays: usize,
    pub attainment: Option<f64>,
    pub goals: Vec<GoalProgress>,
    pub streak: Streak,
}

impl ActivityFigures {
    pub fn light(&self) -> Light {
        match self.attainment {
            None => Light::Na,
            Some(a) if a >= 1.0 => Light::Green,
            Some(a) if a >= 0.8 => Light::Amber,
            Some(_) => Light::Red,
        }
    }
}

pub fn analyse(days: &Days, config: &Config) -> ActivityFigures {
    let week_start = days.week_start();
    let elapsed = days.elapsed_workdays(week_start).count();
    let per_week = config.workdays.per_week();
    let done_this_week = |activity: &str| -> f64 {
        super::total(days.days.range(week_start..=days.as_of).map(|(_, day)| day.count(activity) as f64))
    };
    let mut goals = Vec::new();
    for (activity, &target) in &config.goals.daily {
        goals.push(GoalProgress {
            activity: activity.clone(),
            period: GoalPeriod::Daily,
            target,
            expected: target * elapsed as f64,
            done: done_this_week(activity),
        });
    }
    for (activity, &target) in &config.goals.weekly {
        let expected = if per_week == 0 { 0.0 } else { target * elapsed as f64 / per_week as f64 };
        goals.push(GoalProgress {
            activity: activity.clone(),
            period: GoalPeriod::Weekly,
            target,
            expected,
            done: done_this_week(activity),
        });
    }
    let attainment = super::mean(goals.iter().filter(|g| g.expected > 0.0).map(|g| (g.done / g.expected).min(1.0)));
    ActivityFigures { week_start, elapsed_workdays: elapsed, attainment, goals, streak: streak(days, config) }
}

/// Whether a day met every daily goal.
pub fn meets_goals(days: &Days, config: &Config, date: NaiveDate) -> bool {
    day_meets_goals(config, days.get(date))
}

/// Whether a day, `None` for a day without notes, met every daily goal.
fn day_meets_goals(config: &Config, day: Option<&Day>) -> bool {
    config.goals.daily.iter().all(|(activity, &target)| day.map_or(0.0, |d| d.count(activity) as f64) >= target)
}

fn streak(days: &Days, config: &Config) -> Streak {
    if config.goals.daily.is_empty() {
        return Streak { current: None, longest: None };
    }
    let (mut run, mut longest) = (0, 0);
    let start = days.first.unwrap_or(days.as_of + Duration::days(1));
    // The days with notes are walked beside the workdays, both in date
    // order, rather than looked up one by one: every workday since the
    // first note is counted (26,000 of them in a 100-year journal), again
    // on each save of a watch session.
    let mut noted = days.days.range(start..).peekable();
    for date in days.elapsed_workdays(start) {
        while noted.next_if(|(d, _)| **d < date).is_some() {}
        let day = noted.peek().filter(|(d, _)| **d == date).map(|(_, day)| *day);
        if day_meets_goals(config, day) {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    Streak { current: Some(run), longest: Some(longest) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::test_support::*;

    const GOALS: &str = "goals:\n  daily: {calls: 10, emails: 5}\n  weekly: {meetings: 5}\n";

    fn figures(files: &[(String, String)], as_of: &str, yaml: &str) -> ActivityFigures {
        let c = config(yaml);
        let j = journal_of(&c, files, as_of);
        analyse(&Days::new(&j, &c), &c)
    }

    #[test]
    fn week_to_date_expected_and_done() {
        // Mon..Wed of the week of 2026-11-23, plus Saturday work before it.
        let files = [
            fm("2026-11-21", "activity: {calls: 50}"),
            fm("2026-11-23", "activity: {calls: 12, emails: 5, meetings: 2}"),
            fm("2026-11-24", "activity: {calls: 8, emails: 6}"),
            fm("2026-11-25", "activity: {calls: 10, emails: 5, meetings: 1}"),
        ];
        // As of Thursday without a note: Mon..Wed elapsed.
        let f = figures(&files, "2026-11-26", GOALS);
        assert_eq!(f.week_start, d("2026-11-23"));
        assert_eq!(f.elapsed_workdays, 3);
        let g: Vec<_> = f.goals.iter().map(|g| (g.activity.as_str(), g.expected, g.done)).collect();
        assert_eq!(g, vec![("calls", 30.0, 30.0), ("emails", 15.0, 16.0), ("meetings", 3.0, 3.0)]);
        assert_eq!(f.attainment, Some(1.0));
        assert_eq!(f.light(), Light::Green);
        // Mon and Wed met every daily goal; Tue missed calls.
        assert_eq!(f.streak, Streak { current: Some(1), longest: Some(1) });
    }

    #[test]
    fn attainment_is_capped_per_goal_and_skips_zero_expected() {
        let files = [fm("2026-11-23", "activity: {calls: 20, emails: 1}")];
        let f = figures(&files, "2026-11-23", GOALS);
        // calls min(1, 20/10) = 1, emails 1/5, meetings 0/1.
        assert!((f.attainment.unwrap() - (1.0 + 0.2 + 0.0) / 3.0).abs() < 1e-12);
        assert_eq!(f.light(), Light::Red);
        // As of Monday with no note yet this week: nothing expected.
        let files = [fm("2026-11-20", "activity: {calls: 20}")];
        let f = figures(&files, "2026-11-23", GOALS);
        assert_eq!(f.elapsed_workdays, 0);
        assert_eq!(f.attainment, None);
        assert_eq!(f.light(), Light::Na);
    }

    /// The streak walked beside the days with notes is the streak of
    /// every elapsed workday looked up one by one (SPEC §4), over years of
    /// notes with gaps, weekend work, days off and a goal of zero.
    #[test]
    fn the_walked_streak_is_the_streak_of_each_day_looked_up() {
        let mut files = Vec::new();
        let mut seed: u64 = 0x5eed;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            seed >> 33
        };
        let mut date = d("2023-01-02");
        while date < d("2026-11-20") {
            match next() % 10 {
                0 => {}
                1 => files.push(fm(&date.to_string(), "off: true")),
                r => files.push(fm(&date.to_string(), &format!("activity: {{calls: {}, emails: 5}}", 6 + r))),
            }
            date += Duration::days(1);
        }
        for goals in [GOALS, "goals:\n  daily: {calls: 0}\n", "goals:\n  daily: {calls: 12, emails: 5}\n"] {
            let c = config(goals);
            let days = Days::new(&journal_of(&c, &files, "2026-11-20"), &c);
            let (mut run, mut longest) = (0, 0);
            for date in days.elapsed_workdays(days.first.unwrap()) {
                run = if meets_goals(&days, &c, date) { run + 1 } else { 0 };
                longest = longest.max(run);
            }
            assert_eq!(streak(&days, &c), Streak { current: Some(run), longest: Some(longest) }, "{goals}");
            assert!(longest > 3, "the history has streaks to find ({goals})");
        }
    }

    #[test]
    fn streaks_skip_weekends_and_break_on_missing_days() {
        let ok = "activity: {calls: 10, emails: 5}";
        let files = [
            fm("2026-11-12", ok),
            fm("2026-11-13", ok),
            // Weekend: skipped, neither breaking nor extending.
            fm("2026-11-16", ok),
            fm("2026-11-17", ok),
            // 18th missing: breaks.
            fm("2026-11-19", ok),
            fm("2026-11-20", ok),
        ];
        let f = figures(&files, "2026-11-21", GOALS);
        assert_eq!(f.streak, Streak { current: Some(2), longest: Some(4) });
        // Without daily goals: null; with goals and no notes: 0.
        assert_eq!(figures(&files, "2026-11-21", "").streak, Streak { current: None, longest: None });
        assert_eq!(figures(&[], "2026-11-21", GOALS).streak, Streak { current: Some(0), longest: Some(0) });
    }

    /// Thanksgiving week (holiday Thu 2026-11-26): 89 calls in four days
    /// meet a daily goal of 20 (expected 4 × 20 = 80, not 100), and a
    /// weekly goal of 5 meetings expects 5 × 4 / 5 = 4 — the week expects less.
    #[test]
    fn a_holiday_inside_a_week_with_goals_expects_less() {
        let yaml = "goals:\n  daily: {calls: 20}\n  weekly: {meetings: 5}\nholidays: [2026-11-26]\n";
        let files = [
            fm("2026-11-23", "activity: {calls: 22, meetings: 1}"),
            fm("2026-11-24", "activity: {calls: 21, meetings: 1}"),
            fm("2026-11-25", "activity: {calls: 24, meetings: 1}"),
            fm("2026-11-27", "activity: {calls: 22, meetings: 1}"),
        ];
        let f = figures(&files, "2026-11-27", yaml);
        assert_eq!(f.elapsed_workdays, 4);
        let g: Vec<_> = f.goals.iter().map(|g| (g.activity.as_str(), g.expected, g.done)).collect();
        assert_eq!(g, vec![("calls", 80.0, 89.0), ("meetings", 4.0, 4.0)]);
        assert_eq!(f.attainment, Some(1.0));
        // Every workday met the goal, the holiday neither breaks nor extends.
        assert_eq!(f.streak, Streak { current: Some(4), longest: Some(4) });
        // Without the holiday: 100 calls expected, 89 done.
        let f = figures(&files, "2026-11-27", "goals:\n  daily: {calls: 20}\n  weekly: {meetings: 5}\n");
        assert_eq!((f.goals[0].expected, f.goals[1].expected), (100.0, 5.0));
        assert_eq!(f.streak, Streak { current: Some(1), longest: Some(3) });
    }

    /// A note `off: PTO` takes its day out of the workdays, and its activity
    /// still counts toward the week's `done`.
    #[test]
    fn an_off_note_with_activity_counts_its_activity() {
        let yaml = "goals:\n  daily: {calls: 10}\n  weekly: {meetings: 5}\n";
        let files = [
            fm("2026-11-23", "activity: {calls: 10}"),
            fm("2026-11-24", "off: PTO\nactivity: {calls: 2, meetings: 1}"),
            fm("2026-11-25", "activity: {calls: 10, meetings: 2}"),
        ];
        let f = figures(&files, "2026-11-25", yaml);
        assert_eq!(f.elapsed_workdays, 2);
        let g: Vec<_> = f.goals.iter().map(|g| (g.expected, g.done)).collect();
        assert_eq!(g, vec![(20.0, 22.0), (2.0, 3.0)]);
        // The PTO day is skipped: Monday and Wednesday make a run of 2.
        assert_eq!(f.streak, Streak { current: Some(2), longest: Some(2) });
    }

    /// A streak runs across a holiday range that spans a weekend.
    #[test]
    fn a_streak_runs_across_a_holiday_range_over_a_weekend() {
        let ok = "activity: {calls: 10, emails: 5}";
        let files = [
            fm("2026-12-22", ok),
            fm("2026-12-23", ok),
            // 24th (Thu) .. 29th (Tue): holidays, Sat 26th and Sun 27th included.
            fm("2026-12-28", "activity: {calls: 1}"),
            fm("2026-12-30", ok),
            fm("2026-12-31", ok),
        ];
        let yaml = format!("{GOALS}holidays: [\"2026-12-24..2026-12-29\"]\n");
        let f = figures(&files, "2026-12-31", &yaml);
        assert_eq!(f.streak, Streak { current: Some(4), longest: Some(4) });
        // Week of Mon 28th: 28th and 29th are holidays, so 2 elapsed.
        assert_eq!(f.elapsed_workdays, 2);
        assert_eq!(f.goals[2].expected, 2.0);
        // Without the holidays, the 24th, 25th, 28th and 29th break it.
        let f = figures(&files, "2026-12-31", GOALS);
        assert_eq!(f.streak, Streak { current: Some(2), longest: Some(2) });
    }

    #[test]
    fn weekly_goals_prorate_over_workdays() {
        let files = [fm("2026-11-23", "activity: {meetings: 1}"), fm("2026-11-24", "activity: {meetings: 1}")];
        let f = figures(&files, "2026-11-24", "goals: {weekly: {meetings: 8}}\nworkdays: [mon, tue, wed, thu]\n");
        assert_eq!(f.goals[0].expected, 4.0);
        assert_eq!(f.attainment, Some(0.5));
    }
}
