//! `team report --format text`: members × boxes, a table a manager reads in
//! a terminal, coloured like `report` (colour only on a terminal).

use super::figures::{HistoryPoint, TeamReport};
use crate::analyse::summary::{money, summarize};
use crate::analyse::{Boxes, Light};
use crate::output::light_style;
use std::fmt::Write as _;

const AREAS: [&str; 5] = ["activity", "attitude", "commitments", "data", "pipeline"];

fn light_of(boxes: &Boxes, area: &str) -> Light {
    match area {
        "activity" => boxes.activity,
        "attitude" => boxes.attitude,
        "commitments" => boxes.commitments,
        "data" => boxes.data,
        _ => boxes.pipeline,
    }
}

/// How many weeks in a row (newest first) the box has had its current
/// colour: "red for 4 weeks" is what a manager asks about.
pub fn weeks_in_colour(history: &[HistoryPoint], area: &str) -> usize {
    let Some(first) = history.first() else { return 0 };
    let now = light_of(&first.boxes, area);
    history.iter().take_while(|p| light_of(&p.boxes, area) == now).count()
}

/// A box's cell: its mark and figure, cut to fit, and the weeks a red box
/// has been red, never cut (the figure a manager asks about), then at
/// least one space before the next column.
fn cell(head: &str, streak: &str, width: usize) -> String {
    let room = width.saturating_sub(1 + streak.chars().count());
    let head = if head.chars().count() > room { pad(head, room) } else { head.to_string() };
    pad(&format!("{head}{streak}"), width)
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

/// The whole table, with a line of team counts and one of totals.
pub fn report_text(report: &TeamReport, team: &super::Team, currency: &str) -> String {
    let mut out = String::new();
    let n = report.members.len();
    let _ = writeln!(
        out,
        "{} — saleslog team as of {} ({n} member{})\n",
        report.team,
        report.as_of,
        if n == 1 { "" } else { "s" }
    );
    let _ = writeln!(out, "{}{}", pad("member", 20), AREAS.iter().map(|a| pad(a, 13)).collect::<String>().trim_end());
    for (m, member) in report.members.iter().zip(&team.members) {
        let mut line = cell(&m.name, "", 20);
        match (&m.report, member.workspace()) {
            (Some(figures), Some(ws)) => {
                let summaries = summarize(figures, &ws.config);
                for area in AREAS {
                    let Some(b) = summaries.iter().find(|b| b.area == area) else { continue };
                    let weeks = weeks_in_colour(&m.history, area);
                    let streak = if b.light == Light::Red && weeks > 1 { format!(" {weeks}w") } else { String::new() };
                    // "2.1× coverage" → "2.1×": the column says what it is.
                    let figure = b.figure.trim_end_matches(" coverage");
                    let cell = cell(&format!("{} {figure}", b.mark), &streak, 13);
                    let style = light_style(b.light);
                    let _ = write!(line, "{style}{cell}{style:#}");
                }
            }
            _ => {
                let style = light_style(Light::Red);
                let _ = write!(line, "{style}error{style:#}: {}", m.error.as_deref().unwrap_or("not loaded"));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let b = &report.boxes;
    let counts = |c: &super::figures::LightCount| format!("{}✓ {}! {}✗", c.green, c.amber, c.red);
    let _ = writeln!(
        out,
        "\n{}{}",
        pad("team", 20),
        [counts(&b.activity), counts(&b.attitude), counts(&b.commitments), counts(&b.data), counts(&b.pipeline)]
            .iter()
            .map(|c| cell(c, "", 13))
            .collect::<String>()
            .trim_end()
    );
    let t = &report.totals;
    let mut totals =
        format!("pipeline {} open, {} weighted", money(t.open_amount, currency), money(t.weighted, currency));
    if let (Some(quota), Some(remaining)) = (t.quota, t.remaining) {
        let _ = write!(totals, "; team quota {}, {} to go", money(quota, currency), money(remaining, currency));
        if let Some(c) = t.coverage {
            let _ = write!(totals, ", coverage {c:.1}×");
        }
    }
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let _ = writeln!(
        out,
        "{totals}\n{} stale, {} slipped, {} without a next step; {} in the last 14 days",
        plural(t.stale, "deal", "deals"),
        t.slipped,
        t.no_next_step,
        plural(t.asks, "coaching ask", "coaching asks")
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long figure is cut, never the weeks a red box has been red, and a
    /// space always parts it from the next column.
    #[test]
    fn a_cell_keeps_its_weeks_and_a_space() {
        assert_eq!(cell("✗ no notes", " 12w", 13), "✗ no no… 12w ");
        assert_eq!(cell("✗ 25 days ago", " 3w", 13), "✗ 25 day… 3w ");
        assert_eq!(cell("✓ 4.2 / 5", "", 13), "✓ 4.2 / 5    ");
        assert_eq!(cell("✓ 1234567890123", "", 13), "✓ 123456789… ");
        assert_eq!(cell("A very long member name", "", 20), "A very long member… ");
        for (head, streak) in [("✗ no notes", " 12w"), ("x", " 3w"), ("✓ abcdefghijklmnop", "")] {
            let c = cell(head, streak, 13);
            assert_eq!(c.chars().count(), 13);
            assert!(c.ends_with(' '), "{c:?}");
        }
    }
}
