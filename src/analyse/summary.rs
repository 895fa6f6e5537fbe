//! The five boxes in words: each box's key figure and the reason for its
//! colour, shared by the terminal report and the dashboard so both say the
//! same thing.

use super::{Figures, Light};
use crate::model::config::Config;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoxSummary {
    /// `activity`, `attitude`, `commitments`, `data` or `pipeline`.
    pub area: &'static str,
    pub title: &'static str,
    pub light: Light,
    pub mark: &'static str,
    /// The key figure, e.g. `93%` or `3.6 / 5`.
    pub figure: String,
    /// One line: why this colour.
    pub reason: String,
    /// The page that explains it.
    pub page: &'static str,
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// A money amount with thousands separators and no decimals.
pub fn money(amount: f64, currency: &str) -> String {
    let whole = amount.round() as i64;
    let digits = whole.abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    let sign = if whole < 0 { "-" } else { "" };
    match currency {
        "USD" => format!("{sign}${out}"),
        "EUR" => format!("{sign}€{out}"),
        "GBP" => format!("{sign}£{out}"),
        other => format!("{sign}{out} {other}"),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn summarize(f: &Figures, config: &Config) -> Vec<BoxSummary> {
    let mut boxes = Vec::with_capacity(5);

    let a = &f.activity;
    let behind: Vec<String> = a
        .goals
        .iter()
        .filter(|g| g.expected > 0.0 && g.done < g.expected)
        .map(|g| format!("{} {}/{}", g.activity, g.done, g.expected.ceil()))
        .collect();
    boxes.push(BoxSummary {
        area: "activity",
        title: "Activity",
        light: f.boxes.activity,
        mark: f.boxes.activity.mark(),
        figure: a.attainment.map_or("–".into(), pct),
        reason: match f.boxes.activity {
            Light::Na if config.goals.daily.is_empty() && config.goals.weekly.is_empty() => {
                "no goals configured in saleslog.yaml".into()
            }
            Light::Na => "nothing expected yet this week".into(),
            Light::Green => {
                format!("every goal on pace this week ({} elapsed)", plural(a.elapsed_workdays, "workday", "workdays"))
            }
            _ => format!("behind on {}", behind.join(", ")),
        },
        page: "activity.html",
    });

    let t = &f.attitude;
    boxes.push(BoxSummary {
        area: "attitude",
        title: "Attitude",
        light: f.boxes.attitude,
        mark: f.boxes.attitude.mark(),
        figure: t.mood_7d.map_or("–".into(), |m| format!("{m:.1} / {}", t.scale)),
        reason: match f.boxes.attitude {
            Light::Na => "no mood recorded in the last 7 days".into(),
            Light::Green => format!("7-day mood at or above {}", config.attitude.green_at),
            Light::Red => format!("7-day mood below {}: time to talk", config.attitude.red_below),
            Light::Amber => format!("7-day mood below {}", config.attitude.green_at),
        },
        page: "attitude.html",
    });

    let c = &f.commitments;
    boxes.push(BoxSummary {
        area: "commitments",
        title: "Commitments",
        light: f.boxes.commitments,
        mark: f.boxes.commitments.mark(),
        figure: c.on_time_rate.map_or_else(|| plural(c.overdue, "overdue", "overdue"), pct),
        reason: {
            let rate = c.on_time_rate.map_or("none due in the window".to_string(), |_| {
                format!("{} of {} kept on time", c.kept_on_time, c.due_in_window)
            });
            format!("{}, {}; {rate}", plural(c.overdue, "overdue", "overdue"), plural(c.open, "open", "open"))
        },
        page: "commitments.html",
    });

    let d = &f.data;
    boxes.push(BoxSummary {
        area: "data",
        title: "Data",
        light: f.boxes.data,
        mark: f.boxes.data.mark(),
        figure: d.days_since_last_note.map_or("no notes".into(), |n| match n {
            0 => "today".into(),
            1 => "1 day ago".into(),
            n => format!("{n} days ago"),
        }),
        reason: {
            let mut parts = Vec::new();
            if d.errors > 0 {
                parts.push(plural(d.errors, "error", "errors"));
            }
            if d.warnings > 0 {
                parts.push(plural(d.warnings, "warning", "warnings"));
            }
            if d.missing_workdays > 0 {
                parts.push(format!("{} in 2 weeks", plural(d.missing_workdays, "missing workday", "missing workdays")));
            }
            if f.pipeline.stale > 0 {
                parts.push(plural(f.pipeline.stale, "stale deal", "stale deals"));
            }
            if let Some(t) = d.timeliness.as_ref().filter(|t| t.light().is_some_and(|l| l != super::Light::Green)) {
                parts.push(t.sentence());
            }
            if parts.is_empty() {
                "clean, complete and current".into()
            } else {
                parts.join(", ")
            }
        },
        page: "data.html",
    });

    let p = &f.pipeline;
    boxes.push(BoxSummary {
        area: "pipeline",
        title: "Pipeline",
        light: f.boxes.pipeline,
        mark: f.boxes.pipeline.mark(),
        figure: match (p.coverage, p.remaining) {
            (Some(cov), _) => format!("{cov:.1}× coverage"),
            (None, Some(_)) => "quota met".into(),
            (None, None) => money(p.open_amount, &config.currency),
        },
        reason: {
            let mut parts = Vec::new();
            if let (Some(_), Some(rem)) = (p.coverage, p.remaining) {
                parts.push(format!(
                    "target {}× of {} to go",
                    config.pipeline.coverage_target,
                    money(rem, &config.currency)
                ));
            }
            if p.no_next_step > 0 {
                parts.push(format!("{} without a next step", plural(p.no_next_step, "deal", "deals")));
            }
            if p.stale > 0 {
                parts.push(format!("{} stale", plural(p.stale, "deal", "deals")));
            }
            if parts.is_empty() {
                format!("{} open, every one with a next step", plural(p.open_deals, "deal", "deals"))
            } else {
                parts.join("; ")
            }
        },
        page: "pipeline.html",
    });
    boxes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_formats() {
        assert_eq!(money(1234567.4, "USD"), "$1,234,567");
        assert_eq!(money(999.0, "EUR"), "€999");
        assert_eq!(money(0.0, "SEK"), "0 SEK");
        assert_eq!(money(1000.0, "GBP"), "£1,000");
    }
}
