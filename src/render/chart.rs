//! SVG chart geometry, computed in Rust and printed by the templates
//! (`templates/charts.html`): no charting crate, no JavaScript, nothing
//! fetched. Every chart has a title and a description for screen readers,
//! every mark a `<title>` tooltip, and colours come from CSS classes so
//! dark mode and print restyle them.
//!
//! Coordinates are rounded to a tenth of a pixel: the SVG stays small and
//! the output byte-identical from build to build.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

/// Round to one decimal: enough for a screen, stable in snapshots.
pub fn r1(x: f64) -> f64 {
    let v = (x * 10.0).round() / 10.0;
    if v == 0.0 {
        0.0 // no `-0`
    } else {
        v
    }
}

/// A linear map from a data range onto a pixel range.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    d0: f64,
    d1: f64,
    p0: f64,
    p1: f64,
}

impl Scale {
    pub fn new(domain: (f64, f64), pixels: (f64, f64)) -> Scale {
        let (d0, d1) = if (domain.1 - domain.0).abs() < f64::EPSILON { (domain.0, domain.0 + 1.0) } else { domain };
        Scale { d0, d1, p0: pixels.0, p1: pixels.1 }
    }
    pub fn at(&self, v: f64) -> f64 {
        r1(self.p0 + (v - self.d0) / (self.d1 - self.d0) * (self.p1 - self.p0))
    }
}

/// A text label at a point.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub text: String,
}

/// A grid line with its label.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Tick {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub label: Label,
}

/// A rectangle, used for bands, bars and cells.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub class: String,
    pub title: String,
}

/// A point mark with a tooltip and, optionally, a link (to the note).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub r: f64,
    pub class: String,
    pub title: String,
    pub href: Option<String>,
}

/// A line through points; gaps (`None`) lift the pen.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Series {
    pub class: String,
    pub label: String,
    /// SVG path data.
    pub d: String,
}

impl Series {
    pub fn new(class: &str, label: &str, points: impl IntoIterator<Item = Option<(f64, f64)>>) -> Series {
        let mut d = String::new();
        let mut pen_down = false;
        for p in points {
            match p {
                Some((x, y)) => {
                    if !d.is_empty() {
                        d.push(' ');
                    }
                    d.push(if pen_down { 'L' } else { 'M' });
                    d.push_str(&format!("{} {}", r1(x), r1(y)));
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        Series { class: class.into(), label: label.into(), d }
    }
}

/// An x/y chart: grid, bands, lines and dots in one plot area.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct XyChart {
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub desc: String,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub bands: Vec<Rect>,
    pub series: Vec<Series>,
    pub dots: Vec<Dot>,
    pub x_label: String,
    pub y_label: String,
    /// Shown instead of the plot when there is nothing to draw (HTML:
    /// made with [`super::format::code_html`]).
    pub empty: Option<String>,
    /// The x axis is dates: on a narrow screen the chart scrolls and opens
    /// at its right end, the latest days.
    pub dated: bool,
}

/// The plot area of an [`XyChart`] of the given size: margins for labels.
pub struct Plot {
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Plot {
    pub fn new(width: f64, height: f64) -> Plot {
        // Room on the left for a y label such as `100%` at the larger text
        // a phone gets (style.css), so it is not cut off.
        Plot { left: 54.0, right: width - 10.0, top: 10.0, bottom: height - 24.0 }
    }
    pub fn x(&self, domain: (f64, f64)) -> Scale {
        Scale::new(domain, (self.left, self.right))
    }
    pub fn y(&self, domain: (f64, f64)) -> Scale {
        Scale::new(domain, (self.bottom, self.top))
    }
    pub fn y_tick(&self, y: f64, text: String) -> Tick {
        Tick { x1: self.left, y1: y, x2: self.right, y2: y, label: Label { x: self.left - 6.0, y: r1(y + 4.0), text } }
    }
    pub fn x_tick(&self, x: f64, text: String) -> Tick {
        Tick { x1: x, y1: self.top, x2: x, y2: self.bottom, label: Label { x, y: self.bottom + 16.0, text } }
    }
    /// A horizontal band between two data values.
    pub fn band(&self, y: &Scale, from: f64, to: f64, class: &str, title: &str) -> Rect {
        let (a, b) = (y.at(from), y.at(to));
        Rect {
            x: self.left,
            y: a.min(b),
            w: r1(self.right - self.left),
            h: r1((a - b).abs()),
            class: class.into(),
            title: title.into(),
        }
    }
}

/// Month ticks along a date axis: the first of each month in range, thinned
/// so labels never crowd (at most about `max` of them).
pub fn month_ticks(plot: &Plot, x: &Scale, first: NaiveDate, last: NaiveDate, max: usize) -> Vec<Tick> {
    let mut months = Vec::new();
    let mut m = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).expect("a first of month");
    if m < first {
        m = m.checked_add_months(chrono::Months::new(1)).expect("dates far from the end of time");
    }
    while m <= last {
        months.push(m);
        m = m.checked_add_months(chrono::Months::new(1)).expect("dates far from the end of time");
    }
    let step = months.len().div_ceil(max.max(1)).max(1);
    months
        .iter()
        .enumerate()
        .filter(|(i, _)| i % step == 0)
        .map(|(_, m)| {
            let label = if m.month() == 1 || months.len() <= 2 { m.format("%b %Y") } else { m.format("%b") };
            plot.x_tick(x.at(day_number(*m)), label.to_string())
        })
        .collect()
}

/// Days since the common era, as a number for scales.
pub fn day_number(d: NaiveDate) -> f64 {
    f64::from(d.num_days_from_ce())
}

/// Round numbers for an axis from 0 to at least `max`: about `n` steps of
/// 1, 2 or 5 times a power of ten.
pub fn nice_ticks(max: f64, n: usize) -> Vec<f64> {
    if max <= 0.0 {
        return vec![0.0, 1.0];
    }
    let raw = max / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let mut ticks = vec![0.0];
    while *ticks.last().expect("not empty") < max - 1e-9 {
        ticks.push(ticks.last().expect("not empty") + step);
    }
    ticks
}

/// One day of a calendar heatmap.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HeatCell {
    pub x: f64,
    pub y: f64,
    /// `l0` (nothing) to `l4` (goals met), `missing` (a workday without a
    /// note) or `empty`.
    pub class: String,
    pub title: String,
    pub href: Option<String>,
}

/// A year of days as a contribution calendar: one column per ISO week, one
/// row per weekday.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Heatmap {
    pub width: f64,
    pub height: f64,
    pub size: f64,
    pub title: String,
    pub desc: String,
    pub cells: Vec<HeatCell>,
    pub months: Vec<Label>,
    pub weekdays: Vec<Label>,
}

const CELL: f64 = 12.0;
const GAP: f64 = 3.0;
const HEAT_LEFT: f64 = 30.0;
const HEAT_TOP: f64 = 18.0;

/// Lay out the days from the Monday of `first`'s week to `last`; `day`
/// gives each day's level, tooltip and link.
pub fn heatmap(
    first: NaiveDate,
    last: NaiveDate,
    title: &str,
    desc: &str,
    mut day: impl FnMut(NaiveDate) -> (String, String, Option<String>),
) -> Heatmap {
    let start = crate::analyse::calendar::week_start(first);
    let weeks = ((last - start).num_days() / 7 + 1) as f64;
    let pitch = CELL + GAP;
    let mut cells = Vec::new();
    let mut months = Vec::new();
    for (i, date) in start.iter_days().take_while(|d| *d <= last).enumerate() {
        let col = (i / 7) as f64;
        let row = f64::from(date.weekday().num_days_from_monday());
        let x = r1(HEAT_LEFT + col * pitch);
        if date.day() == 1 || i == 0 {
            let text = if date.month() == 1 || i == 0 { date.format("%b %Y") } else { date.format("%b") };
            // A label at the first week would collide with the next month's
            // when that starts within two weeks.
            let next_month = NaiveDate::from_ymd_opt(date.year(), date.month(), 1)
                .and_then(|m| m.checked_add_months(chrono::Months::new(1)))
                .unwrap_or(NaiveDate::MAX);
            let crowded = i == 0 && date.day() > 1 && next_month <= last && (next_month - date).num_days() < 14;
            if !crowded {
                months.push(Label { x, y: 12.0, text: text.to_string() });
            }
        }
        if date < first {
            continue;
        }
        let (class, title, href) = day(date);
        cells.push(HeatCell { x, y: r1(HEAT_TOP + row * pitch), class, title, href });
    }
    let weekdays = [(0.0, "Mon"), (2.0, "Wed"), (4.0, "Fri")]
        .iter()
        .map(|(row, text)| Label { x: 0.0, y: r1(HEAT_TOP + row * pitch + CELL - 2.0), text: (*text).into() })
        .collect();
    Heatmap {
        width: r1(HEAT_LEFT + weeks * pitch),
        height: r1(HEAT_TOP + 7.0 * pitch),
        size: CELL,
        title: title.into(),
        desc: desc.into(),
        cells,
        months,
        weekdays,
    }
}

/// A small strip of day bars for the dashboard's boxes: the last days at
/// a glance, each with its tooltip.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Strip {
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub bars: Vec<Rect>,
}

/// One bar per entry: `(height as a fraction 0..=1, class, tooltip)`; a
/// height of 0 draws a short stub so the day still shows.
pub fn strip(title: &str, days: &[(f64, String, String)]) -> Strip {
    let (width, height) = (180.0, 28.0);
    let n = days.len().max(1) as f64;
    let pitch = width / n;
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, (frac, class, title))| {
            let h = (frac.clamp(0.0, 1.0) * height).max(3.0);
            Rect {
                x: r1(i as f64 * pitch + 1.0),
                y: r1(height - h),
                w: r1(pitch - 2.0),
                h: r1(h),
                class: class.clone(),
                title: title.clone(),
            }
        })
        .collect();
    Strip { width, height, title: title.into(), bars }
}

/// One stage of the funnel.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FunnelBar {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub class: String,
    pub title: String,
    pub label: Label,
    pub detail: Label,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Funnel {
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub desc: String,
    pub bars: Vec<FunnelBar>,
}

/// One funnel row: a name, its size (drawn) and its words.
pub struct FunnelRow {
    pub name: String,
    pub value: f64,
    pub detail: String,
    pub class: String,
}

/// Centred bars, one per stage, widths proportional to `value` (with a
/// minimum so an empty stage still shows).
pub fn funnel(rows: &[FunnelRow], title: &str, desc: &str) -> Funnel {
    let width = 640.0;
    let label_w = 120.0;
    let detail_w = 170.0;
    let bar_area = width - label_w - detail_w;
    let (h, gap) = (30.0, 6.0);
    let max = rows.iter().map(|r| r.value).fold(0.0, f64::max);
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let frac = if max > 0.0 { row.value / max } else { 0.0 };
            let w = (bar_area * frac).max(6.0);
            let x = label_w + (bar_area - w) / 2.0;
            let y = i as f64 * (h + gap);
            FunnelBar {
                x: r1(x),
                y: r1(y),
                w: r1(w),
                h,
                class: row.class.clone(),
                title: format!("{}: {}", row.name, row.detail),
                label: Label { x: label_w - 10.0, y: r1(y + h / 2.0 + 5.0), text: row.name.clone() },
                detail: Label { x: width - detail_w + 10.0, y: r1(y + h / 2.0 + 5.0), text: row.detail.clone() },
            }
        })
        .collect::<Vec<_>>();
    Funnel {
        width,
        height: r1((rows.len().max(1) as f64) * (h + gap) - gap),
        title: title.into(),
        desc: desc.into(),
        bars,
    }
}

/// A half-circle gauge: the value's arc over a track, and a target mark.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Gauge {
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub desc: String,
    pub track: String,
    pub value_arc: String,
    pub class: String,
    pub target: Tick,
    pub value_text: Label,
    pub caption: Label,
    pub min_label: Label,
    pub max_label: Label,
}

/// A point on the gauge's half circle: `frac` 0 is the left end, 1 the right.
fn arc_point(cx: f64, cy: f64, r: f64, frac: f64) -> (f64, f64) {
    let angle = std::f64::consts::PI * (1.0 - frac.clamp(0.0, 1.0));
    (r1(cx + r * angle.cos()), r1(cy - r * angle.sin()))
}

fn arc(cx: f64, cy: f64, r: f64, from: f64, to: f64) -> String {
    let (x0, y0) = arc_point(cx, cy, r, from);
    let (x1, y1) = arc_point(cx, cy, r, to);
    format!("M {x0} {y0} A {r} {r} 0 0 1 {x1} {y1}")
}

/// `value` against `target` on a scale from 0 to `max`.
#[allow(clippy::too_many_arguments)]
pub fn gauge(value: f64, target: f64, max: f64, class: &str, value_text: &str, caption: &str, title: &str) -> Gauge {
    let (width, height) = (240.0, 150.0);
    let (cx, cy, r) = (120.0, 120.0, 92.0);
    let frac = |v: f64| if max > 0.0 { (v / max).clamp(0.0, 1.0) } else { 0.0 };
    let (tx0, ty0) = arc_point(cx, cy, r - 16.0, frac(target));
    let (tx1, ty1) = arc_point(cx, cy, r + 16.0, frac(target));
    let (lx, ly) = arc_point(cx, cy, r + 26.0, frac(target));
    Gauge {
        width,
        height,
        title: title.into(),
        desc: format!("{value_text}: {caption}"),
        track: arc(cx, cy, r, 0.0, 1.0),
        value_arc: if frac(value) > 0.0 { arc(cx, cy, r, 0.0, frac(value)) } else { String::new() },
        class: class.into(),
        target: Tick {
            x1: tx0,
            y1: ty0,
            x2: tx1,
            y2: ty1,
            label: Label {
                x: lx,
                y: r1(ly.min(cy - 4.0)),
                text: format!("target {}×", crate::render::format::count(target)),
            },
        },
        value_text: Label { x: cx, y: cy - 14.0, text: value_text.into() },
        caption: Label { x: cx, y: cy + 8.0, text: caption.into() },
        min_label: Label { x: cx - r, y: cy + 18.0, text: "0".into() },
        max_label: Label { x: cx + r, y: cy + 18.0, text: format!("{}×", crate::render::format::count(max)) },
    }
}

/// A deal's life on a time axis: one segment per stage it was in.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Timeline {
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub desc: String,
    pub segments: Vec<Rect>,
    pub labels: Vec<Label>,
    pub dates: Vec<Label>,
    pub marks: Vec<Dot>,
}

/// A stretch of time in one state: `(from, to, class, label)`.
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub class: String,
    pub label: String,
}

/// Segments from each span's start to its end, and marks (note dates, with
/// links) along them.
pub fn timeline(spans: &[Span], marks: &[(NaiveDate, String, Option<String>)], title: &str, desc: &str) -> Timeline {
    let width = 1000.0;
    let (left, right) = (8.0, width - 8.0);
    let first = spans.first().map_or(NaiveDate::MIN, |s| s.from);
    let last = spans.last().map_or(first, |s| s.to).max(first + Duration::days(1));
    let x = Scale::new((day_number(first), day_number(last)), (left, right));
    let bar_y = 26.0;
    let mut segments = Vec::new();
    let mut labels = Vec::new();
    let mut dates = Vec::new();
    let mut last_label_end = f64::MIN;
    let mut last_date_end = f64::MIN;
    for s in spans {
        let (x0, x1) = (x.at(day_number(s.from)), x.at(day_number(s.to)));
        segments.push(Rect {
            x: x0,
            y: bar_y,
            w: r1((x1 - x0).max(3.0)),
            h: 14.0,
            class: s.class.clone(),
            title: format!("{}: {} – {}", s.label, s.from, s.to),
        });
        // Labels that would overlap the previous one are left to the tooltip
        // and the table below the chart.
        let label_w = s.label.chars().count() as f64 * 7.0;
        let label_x = r1(x0.min(right - label_w));
        if label_x >= last_label_end {
            labels.push(Label { x: label_x, y: bar_y - 8.0, text: s.label.clone() });
            last_label_end = label_x + label_w + 8.0;
        }
        let date_x = r1(x0.min(right - 44.0));
        if date_x >= last_date_end {
            dates.push(Label { x: date_x, y: bar_y + 30.0, text: crate::render::format::day_month(s.from) });
            last_date_end = date_x + 50.0;
        }
    }
    let marks = marks
        .iter()
        .map(|(date, title, href)| Dot {
            x: x.at(day_number(*date)),
            y: bar_y + 7.0,
            r: 3.0,
            class: "mark".into(),
            title: title.clone(),
            href: href.clone(),
        })
        .collect();
    Timeline { width, height: 64.0, title: title.into(), desc: desc.into(), segments, labels, dates, marks }
}

/// One stage on a calibration chart: its configured probability, the win
/// rate its closed deals showed, and how many deals that rate rests on.
pub struct CalibrationPoint {
    pub stage: String,
    pub configured: f64,
    pub observed: f64,
    pub deals: usize,
    pub class: String,
}

/// A calibration chart: configured probability across, observed win rate
/// up, the diagonal where the two agree, one dot per stage sized by its
/// number of deals and labelled with it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Calibration {
    pub chart: XyChart,
    /// The number of deals beside each dot.
    pub labels: Vec<Label>,
}

pub fn calibration(points: &[CalibrationPoint], title: &str, desc: &str, empty: &str) -> Calibration {
    let (width, height) = (320.0, 280.0);
    let plot = Plot { left: 40.0, right: width - 14.0, top: 12.0, bottom: height - 30.0 };
    let (x, y) = (plot.x((0.0, 1.0)), plot.y((0.0, 1.0)));
    let ticks = [0.0, 0.25, 0.5, 0.75, 1.0];
    let pct = |v: f64| format!("{:.0}%", v * 100.0);
    let most = points.iter().map(|p| p.deals).max().unwrap_or(1).max(1) as f64;
    let mut dots = Vec::new();
    let mut labels = Vec::new();
    for p in points {
        // Area proportional to the number of deals, from 3.5 to 9 pixels.
        let r = r1(3.5 + 5.5 * (p.deals as f64 / most).sqrt());
        let (cx, cy) = (x.at(p.configured), y.at(p.observed));
        dots.push(Dot {
            x: cx,
            y: cy,
            r,
            class: p.class.clone(),
            title: format!(
                "{}: configured {}, observed {} of {} closed {}",
                p.stage,
                pct(p.configured),
                pct(p.observed),
                p.deals,
                if p.deals == 1 { "deal" } else { "deals" }
            ),
            href: None,
        });
        // Beside the dot, inside the plot.
        let lx = if cx + r + 30.0 > plot.right { cx - r - 4.0 } else { cx + r + 3.0 };
        labels.push(Label { x: r1(lx), y: r1(cy + 4.0), text: format!("{} · {}", p.stage, p.deals) });
    }
    Calibration {
        chart: XyChart {
            width,
            height,
            title: title.into(),
            desc: desc.into(),
            x_ticks: ticks.iter().map(|&t| plot.x_tick(x.at(t), pct(t))).collect(),
            y_ticks: ticks.iter().map(|&t| plot.y_tick(y.at(t), pct(t))).collect(),
            bands: Vec::new(),
            series: vec![Series::new(
                "diagonal",
                "observed = configured",
                [Some((x.at(0.0), y.at(0.0))), Some((x.at(1.0), y.at(1.0)))],
            )],
            dots,
            x_label: "configured probability".into(),
            y_label: "observed win rate".into(),
            dated: false,
            empty: points.is_empty().then(|| empty.to_string()),
        },
        labels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::text::parse_date(s).unwrap()
    }

    #[test]
    fn scales_map_and_round() {
        let s = Scale::new((0.0, 10.0), (100.0, 0.0));
        assert_eq!(s.at(0.0), 100.0);
        assert_eq!(s.at(2.5), 75.0);
        assert_eq!(s.at(1.0 / 3.0), 96.7);
        // A degenerate domain does not divide by zero.
        assert_eq!(Scale::new((5.0, 5.0), (0.0, 10.0)).at(5.0), 0.0);
    }

    #[test]
    fn series_lift_the_pen_at_gaps() {
        let s = Series::new("a", "A", [Some((0.0, 1.0)), Some((1.0, 2.0)), None, Some((3.0, 4.04))]);
        assert_eq!(s.d, "M0 1 L1 2 M3 4");
    }

    #[test]
    fn nice_ticks_cover_the_maximum() {
        assert_eq!(nice_ticks(95.0, 4), vec![0.0, 50.0, 100.0]);
        assert_eq!(nice_ticks(7.0, 4), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(nice_ticks(0.0, 4), vec![0.0, 1.0]);
    }

    #[test]
    fn heatmap_puts_days_in_week_columns() {
        // Wed 2026-11-25 to Mon 2026-11-30: two columns.
        let h = heatmap(d("2026-11-25"), d("2026-11-30"), "t", "d", |_| ("l1".into(), String::new(), None));
        assert_eq!(h.cells.len(), 6);
        assert_eq!((h.cells[0].x, h.cells[0].y), (30.0, 48.0)); // Wednesday row 2
        assert_eq!((h.cells[5].x, h.cells[5].y), (45.0, 18.0)); // next Monday
        assert_eq!(h.width, 60.0);
        assert_eq!(h.months.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(), ["Nov 2026"]);
    }

    #[test]
    fn gauge_arcs_stop_at_the_value() {
        let g = gauge(1.5, 3.0, 4.5, "amber", "1.5×", "coverage", "Coverage");
        assert!(g.value_arc.starts_with("M 28 120 A 92 92 0 0 1"));
        assert_eq!(g.track, "M 28 120 A 92 92 0 0 1 212 120");
        let empty = gauge(0.0, 3.0, 4.5, "red", "0×", "", "");
        assert_eq!(empty.value_arc, "");
    }
}
