//! The attitude page: mood over time with its 7-day mean and energy beside
//! it, mood against activity with the correlation, and the lowest days
//! with their notes (the conversation a manager should have).

use super::chart::{self, day_number, Dot, Plot, Scale, Series, XyChart};
use super::format;
use super::{NoteRef, Site, Stat};
use crate::analyse::calendar::{Day, Days};
use crate::analyse::mean;
use chrono::{Duration, NaiveDate};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct AttitudeView {
    pub stats: Vec<Stat>,
    pub mood_chart: XyChart,
    pub scatter: XyChart,
    pub correlation: String,
    pub lowest: Vec<LowDay>,
    pub thresholds: String,
}

#[derive(Debug, Serialize)]
pub struct LowDay {
    pub date: String,
    pub mood: String,
    pub energy: String,
    pub activity: String,
    pub excerpt: String,
    pub notes: Vec<NoteRef>,
}

const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 280.0;

/// In words, what a correlation says.
pub fn correlation_words(r: Option<f64>, pairs: usize) -> String {
    let Some(r) = r else {
        return format!("Not enough days yet: the correlation needs 10 days with both a mood and activity in the last 90 days ({pairs} so far).");
    };
    let strength = match r.abs() {
        a if a < 0.1 => return format!("r = {r:.2}: no relation between mood and activity over the last 90 days."),
        a if a < 0.3 => "weak",
        a if a < 0.5 => "moderate",
        _ => "strong",
    };
    let direction = if r > 0.0 { "busier days tend to be better days" } else { "busier days tend to be harder days" };
    format!("r = {r:.2}: a {strength} relation over the last 90 days; {direction}.")
}

pub fn view(site: &Site<'_>) -> AttitudeView {
    let days = site.days;
    let d = site.as_of;
    let config = site.config;
    let scale = config.attitude.scale;
    let note_href = |date: NaiveDate| site.first_note_href(date);

    // Mood over the last year (or since the journal began).
    let first = site.journal.first_date().unwrap_or(d).max(d - Duration::days(364));
    let plot = Plot::new(WIDTH, HEIGHT);
    let x = plot.x((day_number(first), day_number(d)));
    let y = plot.y((1.0, scale));
    let moods: Vec<(NaiveDate, f64, Option<f64>)> =
        days.days.range(first..=d).filter_map(|(date, day)| day.mood.map(|m| (*date, m, day.energy))).collect();
    let mut mood_chart = XyChart {
        width: WIDTH,
        height: HEIGHT,
        title: "Mood over time".into(),
        desc: format!(
            "Daily mood (dots) from {} to {}, its 7-day mean (solid line) and the 7-day mean of energy (dashed line), on a scale of 1 to {}.",
            format::date_medium(first),
            format::date_medium(d),
            format::count(scale)
        ),
        y_label: "mood".into(),
        dated: true,
        ..XyChart::default()
    };
    if moods.is_empty() {
        mood_chart.empty = Some(format::code_html("No mood recorded yet. Add `mood: 4` to a note."));
    } else {
        mood_chart.bands = vec![
            plot.band(&y, config.attitude.green_at.min(scale), scale, "band-green", "green zone"),
            plot.band(&y, 1.0, config.attitude.red_below.max(1.0), "band-red", "red zone"),
        ];
        mood_chart.y_ticks = score_ticks(scale).into_iter().map(|v| plot.y_tick(y.at(v), format::count(v))).collect();
        mood_chart.x_ticks = chart::month_ticks(&plot, &x, first, d, 12);
        mood_chart.series = vec![
            rolling(days, first, d, "energy", "energy, 7-day mean", &|day| day.energy, &x, &y),
            rolling(days, first, d, "mood", "mood, 7-day mean", &|day| day.mood, &x, &y),
        ];
        mood_chart.dots = moods
            .iter()
            .map(|(date, m, e)| Dot {
                x: x.at(day_number(*date)),
                y: y.at(*m),
                r: 2.5,
                class: "mood".into(),
                title: format!(
                    "{}: mood {}{}",
                    format::date_long(*date),
                    format::score(*m),
                    e.map_or(String::new(), |e| format!(", energy {}", format::score(e)))
                ),
                href: note_href(*date),
            })
            .collect();
    }

    // Mood against the day's total activity, last 90 days.
    let pairs: Vec<(NaiveDate, f64, u64)> = days
        .days
        .range(d - Duration::days(89)..=d)
        .filter(|(_, day)| day.has_activity)
        .filter_map(|(date, day)| day.mood.map(|m| (*date, m, day.total_activity())))
        .collect();
    let r = site.figures.attitude.mood_activity_r;
    let splot = Plot::new(WIDTH, HEIGHT);
    let max_activity = pairs.iter().map(|p| p.2).max().unwrap_or(0) as f64;
    let x_ticks = chart::nice_ticks(max_activity, 6);
    let sx = splot.x((0.0, *x_ticks.last().unwrap_or(&1.0)));
    let sy = splot.y((1.0, scale));
    let mut scatter = XyChart {
        width: WIDTH,
        height: HEIGHT,
        title: "Mood against activity".into(),
        desc: format!(
            "Each dot is a day of the last 90 days: its total activity across, its mood up. {}",
            correlation_words(r, pairs.len())
        ),
        x_label: "total activity that day".into(),
        y_label: "mood".into(),
        ..XyChart::default()
    };
    if pairs.is_empty() {
        scatter.empty = Some(format::code_html("No day of the last 90 days has both a mood and activity."));
    } else {
        scatter.y_ticks = score_ticks(scale).into_iter().map(|v| splot.y_tick(sy.at(v), format::count(v))).collect();
        scatter.x_ticks = x_ticks.iter().map(|v| splot.x_tick(sx.at(*v), format::count(*v))).collect();
        scatter.dots = pairs
            .iter()
            .map(|(date, m, a)| Dot {
                x: sx.at(*a as f64),
                y: sy.at(*m),
                r: 3.5,
                class: "scatter".into(),
                title: format!("{}: mood {}, activity {a}", format::date_long(*date), format::score(*m)),
                href: note_href(*date),
            })
            .collect();
        if r.is_some() {
            // The least-squares line of mood on activity, across the data.
            let n = pairs.len() as f64;
            let mx = pairs.iter().map(|p| p.2 as f64).sum::<f64>() / n;
            let my = pairs.iter().map(|p| p.1).sum::<f64>() / n;
            let sxy: f64 = pairs.iter().map(|p| (p.2 as f64 - mx) * (p.1 - my)).sum();
            let sxx: f64 = pairs.iter().map(|p| (p.2 as f64 - mx).powi(2)).sum();
            if sxx > 0.0 {
                let slope = sxy / sxx;
                let (x0, x1) = (pairs.iter().map(|p| p.2).min().unwrap_or(0) as f64, max_activity);
                let at = |a: f64| (sx.at(a), sy.at((my + slope * (a - mx)).clamp(1.0, scale)));
                scatter.series = vec![Series::new("trend", "trend", [Some(at(x0)), Some(at(x1))])];
            }
        }
    }

    // The lowest days of the last 90, lowest first, latest first on ties.
    let mut low: Vec<(NaiveDate, f64)> =
        days.days.range(d - Duration::days(89)..=d).filter_map(|(date, day)| day.mood.map(|m| (*date, m))).collect();
    low.sort_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    let lowest = low
        .iter()
        .take(5)
        .map(|(date, mood)| {
            let day = days.get(*date).expect("a day with a mood exists");
            let notes: Vec<NoteRef> = day.notes.clone().map(|i| site.note_ref(i)).collect();
            let excerpt = day
                .notes
                .clone()
                .map(|i| plain_text(&site.journal.notes[i].body_text()))
                .find(|t| !t.is_empty())
                .map(|t| format::excerpt(&t, 220))
                .unwrap_or_default();
            LowDay {
                date: format::date_long(*date),
                mood: format::score(*mood),
                energy: day.energy.map_or("–".into(), format::score),
                activity: super::activity::activity_words(day),
                excerpt,
                notes,
            }
        })
        .collect();

    let f = &site.figures.attitude;
    let mood_30 = mean(days.days.range(d - Duration::days(29)..=d).filter_map(|(_, day)| day.mood));
    let energy_7 = mean(days.days.range(d - Duration::days(6)..=d).filter_map(|(_, day)| day.energy));
    let of = |v: Option<f64>| v.map_or("–".into(), |v| format!("{} / {}", format::score(v), format::count(scale)));
    let stats = vec![
        Stat::new("Mood, 7 days", of(f.mood_7d), "mean of the days with a mood")
            .class(site.figures.boxes.attitude.as_str()),
        Stat::new("Mood, 30 days", of(mood_30), "for comparison"),
        Stat::new("Energy, 7 days", of(energy_7), "mean of the days with an energy"),
        Stat::new(
            "Mood ↔ activity",
            f.mood_activity_r.map_or("–".into(), |r| format!("r = {r:.2}")),
            format!("{} paired days, last 90", pairs.len()),
        ),
    ];
    AttitudeView {
        stats,
        mood_chart,
        scatter,
        correlation: correlation_words(r, pairs.len()),
        lowest,
        thresholds: format!(
            "Green at {} and above, red below {} (7-day mean, scale 1–{}).",
            format::count(config.attitude.green_at),
            format::count(config.attitude.red_below),
            format::count(scale)
        ),
    }
}

/// The 7-day mean of a daily value, drawn through the days that have one;
/// the pen lifts only where a whole week has none.
#[allow(clippy::too_many_arguments)]
fn rolling(
    days: &Days,
    first: NaiveDate,
    last: NaiveDate,
    class: &str,
    label: &str,
    pick: &dyn Fn(&Day) -> Option<f64>,
    x: &Scale,
    y: &Scale,
) -> Series {
    let mut points = Vec::new();
    let mut previous: Option<NaiveDate> = None;
    for (date, _) in days.days.range(first..=last).filter(|(_, day)| pick(day).is_some()) {
        if previous.is_some_and(|p| (*date - p).num_days() > 7) {
            points.push(None);
        }
        previous = Some(*date);
        let m = mean(days.days.range(*date - Duration::days(6)..=*date).filter_map(|(_, day)| pick(day)));
        points.push(m.map(|m| (x.at(day_number(*date)), y.at(m))));
    }
    Series::new(class, label, points)
}

/// Whole-number ticks on a mood scale (at most about six of them).
fn score_ticks(scale: f64) -> Vec<f64> {
    let step = ((scale - 1.0) / 5.0).ceil().max(1.0);
    let mut v = 1.0;
    let mut out = Vec::new();
    while v <= scale + 1e-9 {
        out.push(v);
        v += step;
    }
    out
}

/// A note body as running text: headings, list markers and task boxes
/// removed, for excerpts.
pub fn plain_text(body: &str) -> String {
    body.lines()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("```"))
        .map(|l| l.trim_start_matches(['-', '*', '+', '>', ' ']).trim_start_matches("[ ] ").trim_start_matches("[x] "))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_in_words() {
        assert!(correlation_words(Some(0.42), 30).contains("moderate"));
        assert!(correlation_words(Some(-0.6), 30).contains("harder days"));
        assert!(correlation_words(Some(0.05), 30).contains("no relation"));
        assert!(correlation_words(None, 4).contains("4 so far"));
    }

    #[test]
    fn ticks_and_text() {
        assert_eq!(score_ticks(5.0), vec![1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(score_ticks(10.0), vec![1.0, 3.0, 5.0, 7.0, 9.0]);
        assert_eq!(plain_text("# Title\n- [ ] call Bob\nSome *text*"), "call Bob Some *text*");
    }
}
