//! The activity page: a year as a calendar heatmap of daily activity
//! against the daily goals, week-by-week totals against every goal,
//! streaks, and totals per activity.

use super::chart::{self, Heatmap};
use super::format::{self, plural};
use super::{Site, Stat};
use crate::analyse::activity::meets_goals;
use crate::analyse::calendar::{week_start, Day, Days};
use crate::model::config::Config;
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Debug, Serialize)]
pub struct ActivityView {
    pub stats: Vec<Stat>,
    pub heatmap: Heatmap,
    pub legend: Vec<LegendItem>,
    pub has_daily_goals: bool,
    pub goal_columns: Vec<String>,
    pub weeks: Vec<WeekRow>,
    pub totals_columns: Vec<String>,
    pub totals: Vec<TotalRow>,
    pub goals_text: String,
}

#[derive(Debug, Serialize)]
pub struct LegendItem {
    pub class: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Serialize)]
pub struct WeekRow {
    pub title: String,
    pub span: String,
    pub href: Option<String>,
    pub cells: Vec<GoalCell>,
    pub total: String,
    pub days_met: String,
    pub current: bool,
}

/// One goal in one week: done against expected.
#[derive(Debug, Clone, Serialize)]
pub struct GoalCell {
    pub done: String,
    pub expected: String,
    pub class: &'static str,
    pub title: String,
}

#[derive(Debug, Serialize)]
pub struct TotalRow {
    pub activity: String,
    pub values: Vec<String>,
    pub goal: String,
}

/// A goal's progress over some days.
#[derive(Debug, Clone)]
pub struct WeekGoal {
    pub activity: String,
    pub weekly: bool,
    pub target: f64,
    pub done: f64,
    pub expected: f64,
}

impl WeekGoal {
    pub fn class(&self) -> &'static str {
        if self.expected <= 0.0 {
            "none"
        } else if self.done >= self.expected {
            "met"
        } else if self.done >= 0.8 * self.expected {
            "close"
        } else {
            "behind"
        }
    }
    pub fn cell(&self) -> GoalCell {
        let expected = format::count(self.expected.ceil());
        GoalCell {
            done: format::count(self.done),
            expected: expected.clone(),
            class: self.class(),
            title: format!(
                "{}: {} done, {} expected ({} {})",
                self.activity,
                format::count(self.done),
                expected,
                format::count(self.target),
                if self.weekly { "a week" } else { "a workday" }
            ),
        }
    }
}

/// The goals of the ISO week starting `monday`, counted as SPEC §4 counts
/// the current week: expected over the week's elapsed workdays (up to the
/// report date), done over every day of the week up to it.
pub fn week_goals(days: &Days, config: &Config, monday: NaiveDate) -> (Vec<WeekGoal>, usize) {
    let sunday = monday + Duration::days(6);
    let end = sunday.min(days.as_of);
    let elapsed = days.elapsed_workdays(monday).take_while(|d| *d <= sunday).count();
    let per_week = config.workdays.per_week();
    let done = |activity: &str| -> f64 {
        if end < monday {
            return 0.0;
        }
        crate::analyse::total(days.days.range(monday..=end).map(|(_, day)| day.count(activity) as f64))
    };
    let mut goals = Vec::new();
    for (activity, &target) in &config.goals.daily {
        goals.push(WeekGoal {
            activity: activity.clone(),
            weekly: false,
            target,
            done: done(activity),
            expected: target * elapsed as f64,
        });
    }
    for (activity, &target) in &config.goals.weekly {
        let expected = if per_week == 0 { 0.0 } else { target * elapsed as f64 / per_week as f64 };
        goals.push(WeekGoal { activity: activity.clone(), weekly: true, target, done: done(activity), expected });
    }
    (goals, elapsed)
}

/// How a day compares with the daily goals: 0 (no activity) to 4 (every
/// goal met). Without daily goals, its total against the busiest day.
pub fn day_level(day: &Day, config: &Config, busiest: u64, met: bool) -> u8 {
    if config.goals.daily.is_empty() {
        let total = day.total_activity();
        if total == 0 || busiest == 0 {
            return 0;
        }
        return ((total as f64 / busiest as f64 * 4.0).ceil() as u8).clamp(1, 4);
    }
    if met {
        return 4;
    }
    let frac = config
        .goals
        .daily
        .iter()
        .map(|(a, &t)| if t > 0.0 { (day.count(a) as f64 / t).min(1.0) } else { 1.0 })
        .sum::<f64>()
        / config.goals.daily.len() as f64;
    match frac {
        f if f >= 0.75 => 3,
        f if f >= 0.5 => 2,
        f if f > 0.0 => 1,
        _ => 0,
    }
}

/// `calls 21, emails 16`.
pub fn activity_words(day: &Day) -> String {
    if day.activity.is_empty() {
        return "no activity recorded".into();
    }
    day.activity.iter().map(|(a, n)| format!("{} {n}", a.replace('_', " "))).collect::<Vec<_>>().join(", ")
}

pub fn view(site: &Site<'_>) -> ActivityView {
    let config = site.config;
    let days = site.days;
    let d = site.as_of;
    // A year of whole weeks, Monday first, like a contribution calendar.
    let first = week_start(d - Duration::days(364));
    let journal_start = site.journal.first_date();
    let busiest = days.days.range(first..=d).map(|(_, day)| day.total_activity()).max().unwrap_or(0);
    let has_daily_goals = !config.goals.daily.is_empty();
    let mut met_days = 0usize;
    let mut elapsed_in_year = 0usize;
    let mut any_off = false;
    let workday = |date: NaiveDate| days.is_workday(date);
    let elapsed: BTreeSet<NaiveDate> = days.elapsed_workdays(first).collect();
    let heatmap = chart::heatmap(
        first,
        d,
        "Daily activity, last 12 months",
        if has_daily_goals {
            "One square per day; darker squares came closer to the daily goals, the darkest met them all."
        } else {
            "One square per day; darker squares had more activity."
        },
        |date| {
            let href = site.first_note_href(date);
            let when = format::date_long(date);
            let off = days.calendar.day_off(date).filter(|_| journal_start.is_some_and(|s| date >= s));
            any_off |= off.is_some();
            match days.get(date) {
                // A day off is not expected; activity logged on it still shows.
                Some(day) if off.is_some() => {
                    let level = day_level(day, config, busiest, false);
                    let why = off.unwrap_or_default();
                    (format!("l{level} offday"), format!("{when}: {} · day off ({why})", activity_words(day)), href)
                }
                None if off.is_some() => ("off".into(), format!("{when}: day off ({})", off.unwrap_or_default()), None),
                Some(day) => {
                    let met = has_daily_goals && meets_goals(days, config, date);
                    if elapsed.contains(&date) {
                        elapsed_in_year += 1;
                        met_days += usize::from(met);
                    }
                    let level = day_level(day, config, busiest, met);
                    let verdict = if !has_daily_goals {
                        String::new()
                    } else if met {
                        " · daily goals met".into()
                    } else if workday(date) {
                        " · below the daily goals".into()
                    } else {
                        String::new()
                    };
                    (format!("l{level}"), format!("{when}: {}{verdict}", activity_words(day)), href)
                }
                None if elapsed.contains(&date) => {
                    elapsed_in_year += 1;
                    ("missing".into(), format!("{when}: no note on a workday"), None)
                }
                None if journal_start.is_some_and(|s| date >= s) => ("l0".into(), format!("{when}: no note"), None),
                None => ("empty".into(), format!("{when}: before the journal"), None),
            }
        },
    );

    let f = &site.figures.activity;
    let mut stats = vec![Stat::new(
        "This week",
        f.attainment.map_or("–".into(), format::pct),
        format!("of expected activity, {} elapsed", plural(f.elapsed_workdays, "workday", "workdays")),
    )
    .class(site.figures.boxes.activity.as_str())];
    if let (Some(current), Some(longest)) = (f.streak.current, f.streak.longest) {
        stats.push(Stat::new(
            "Current streak",
            plural(current, "day", "days"),
            "workdays in a row meeting every daily goal",
        ));
        stats.push(Stat::new("Longest streak", plural(longest, "day", "days"), "since the journal began"));
        stats.push(Stat::new(
            "Goal days, 12 months",
            format!("{met_days} of {elapsed_in_year}"),
            "workdays meeting every daily goal",
        ));
    }

    let goal_columns: Vec<String> = config
        .goals
        .daily
        .keys()
        .map(|a| format!("{} / day", a.replace('_', " ")))
        .chain(config.goals.weekly.keys().map(|a| format!("{} / week", a.replace('_', " "))))
        .collect();
    let this_monday = week_start(d);
    let first_monday = journal_start.map_or(this_monday, week_start).max(week_start(first));
    let mut weeks = Vec::new();
    let mut monday = this_monday;
    while monday >= first_monday {
        let (goals, elapsed) = week_goals(days, config, monday);
        let sunday = monday + Duration::days(6);
        let in_week = || days.days.range(monday..=sunday.min(d));
        let total: u64 = in_week().map(|(_, day)| day.total_activity()).sum();
        let met = days
            .elapsed_workdays(monday)
            .take_while(|x| *x <= sunday)
            .filter(|x| meets_goals(days, config, *x))
            .count();
        weeks.push(WeekRow {
            title: format::week_title(monday),
            span: format::week_span(monday),
            href: site.week_href(monday),
            cells: goals.iter().map(WeekGoal::cell).collect(),
            total: total.to_string(),
            days_met: if has_daily_goals { format!("{met} of {elapsed}") } else { "–".into() },
            current: monday == this_monday,
        });
        monday -= Duration::days(7);
    }

    // Totals per activity over the last 7, 30 and 90 days.
    let spans = [7i64, 30, 90];
    let mut names: BTreeSet<&str> = config.activities.iter().map(String::as_str).collect();
    for (_, day) in days.days.range(d - Duration::days(89)..=d) {
        names.extend(day.activity.keys());
    }
    names.extend(config.goals.daily.keys().map(String::as_str));
    names.extend(config.goals.weekly.keys().map(String::as_str));
    let totals = names
        .iter()
        .map(|name| {
            let values = spans
                .iter()
                .map(|n| {
                    days.days
                        .range(d - Duration::days(n - 1)..=d)
                        .map(|(_, day)| day.count(name))
                        .sum::<u64>()
                        .to_string()
                })
                .collect();
            let goal = match (config.goals.daily.get(*name), config.goals.weekly.get(*name)) {
                (Some(t), _) => format!("{} a workday", format::count(*t)),
                (None, Some(t)) => format!("{} a week", format::count(*t)),
                _ => String::new(),
            };
            TotalRow { activity: name.replace('_', " "), values, goal }
        })
        .collect();

    let goals_text = if config.goals.daily.is_empty() && config.goals.weekly.is_empty() {
        "No goals are configured: add `goals:` to saleslog.yaml to see activity against them.".to_string()
    } else {
        let daily: Vec<String> = config.goals.daily.iter().map(|(a, t)| format!("{} {a}", format::count(*t))).collect();
        let weekly: Vec<String> =
            config.goals.weekly.iter().map(|(a, t)| format!("{} {a}", format::count(*t))).collect();
        let mut parts = Vec::new();
        if !daily.is_empty() {
            parts.push(format!("{} a workday", daily.join(", ")));
        }
        if !weekly.is_empty() {
            parts.push(format!("{} a week", weekly.join(", ")));
        }
        format!("Goals: {}.", parts.join("; ").replace('_', " "))
    };

    let legend = if has_daily_goals {
        vec![
            LegendItem { class: "l0", label: "no activity" },
            LegendItem { class: "l1", label: "under half" },
            LegendItem { class: "l2", label: "half" },
            LegendItem { class: "l3", label: "three quarters" },
            LegendItem { class: "l4", label: "every daily goal met" },
            LegendItem { class: "missing", label: "workday without a note" },
        ]
    } else {
        vec![
            LegendItem { class: "l0", label: "none" },
            LegendItem { class: "l1", label: "less" },
            LegendItem { class: "l4", label: "more" },
            LegendItem { class: "missing", label: "workday without a note" },
        ]
    };

    let mut legend = legend;
    if any_off {
        legend.push(LegendItem { class: "off", label: "day off (holiday, PTO)" });
    }

    ActivityView {
        stats,
        heatmap,
        legend,
        has_daily_goals,
        goal_columns,
        weeks,
        totals_columns: spans.iter().map(|n| format!("last {n} days")).collect(),
        totals,
        goals_text: format::code_html(&goals_text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::test_support::*;

    #[test]
    fn past_weeks_count_every_elapsed_workday() {
        let c = config("goals:\n  daily: {calls: 10}\n  weekly: {meetings: 5}\n");
        let files = [
            fm("2026-11-16", "activity: {calls: 10, meetings: 2}"),
            fm("2026-11-20", "activity: {calls: 12, meetings: 3}"),
            fm("2026-11-24", "activity: {calls: 4}"),
        ];
        let j = journal_of(&c, &files, "2026-11-25");
        let days = Days::new(&j, &c);
        let (goals, elapsed) = week_goals(&days, &c, d("2026-11-16"));
        assert_eq!(elapsed, 5);
        assert_eq!((goals[0].done, goals[0].expected), (22.0, 50.0));
        assert_eq!((goals[1].done, goals[1].expected), (5.0, 5.0));
        assert_eq!(goals[1].class(), "met");
        // The current week: Monday and Tuesday elapsed (no note yet today).
        let (goals, elapsed) = week_goals(&days, &c, d("2026-11-23"));
        assert_eq!(elapsed, 2);
        assert_eq!((goals[0].done, goals[0].expected), (4.0, 20.0));
        assert_eq!(goals[0].class(), "behind");
    }

    #[test]
    fn levels_follow_the_daily_goals() {
        let c = config("goals:\n  daily: {calls: 10, emails: 10}\n");
        let mut day = Day::default();
        day.activity.insert("calls", 10);
        assert_eq!(day_level(&day, &c, 0, false), 2);
        assert_eq!(day_level(&day, &c, 0, true), 4);
        day.activity.insert("emails", 8);
        assert_eq!(day_level(&day, &c, 0, false), 3);
        let none = config("");
        assert_eq!(day_level(&day, &none, 36, false), 2);
        assert_eq!(day_level(&Day::default(), &none, 36, false), 0);
    }
}
