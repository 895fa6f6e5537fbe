//! How numbers and dates read on a page. Templates only print strings, so
//! every page says "Fri 27 Nov", "$48,000" and "83%" the same way.

use chrono::{Datelike, NaiveDate};

pub use crate::analyse::summary::money;

/// A money amount in a few characters, for tight spaces: `$140k`,
/// `$1.2M`, `$950`.
pub fn money_short(amount: f64, currency: &str) -> String {
    let a = amount.abs();
    let compact = if a >= 999_500.0 {
        format!("{}M", trim_zero(a / 1_000_000.0))
    } else if a >= 9_999.5 {
        format!("{:.0}k", a / 1000.0)
    } else if a >= 1000.0 {
        format!("{}k", trim_zero(a / 1000.0))
    } else {
        format!("{a:.0}")
    };
    let sign = if amount < 0.0 { "-" } else { "" };
    // The currency's placement, taken from the full form of zero.
    format!("{sign}{}", money(0.0, currency).replacen('0', &compact, 1))
}

/// One decimal, without a trailing `.0`.
fn trim_zero(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// Dates are formatted by hand, pushed into a string made to size: a build
// formats some 180,000 of them, and going through `format!`'s machinery
// instead was 2.8 % of a cold build's instructions.
fn weekday(d: NaiveDate) -> &'static str {
    WEEKDAYS[d.weekday().num_days_from_monday() as usize]
}

fn month(d: NaiveDate) -> &'static str {
    MONTHS[d.month0() as usize]
}

/// `n` in decimal, at least `width` digits (zero-padded).
pub(crate) fn push_number(out: &mut String, n: impl Into<u64>, width: usize) {
    let mut digits = [0u8; 20];
    let (mut n, mut len) = (n.into(), 0);
    while n > 0 || len < width.max(1) {
        digits[len] = b'0' + (n % 10) as u8;
        n /= 10;
        len += 1;
    }
    out.extend(digits[..len].iter().rev().map(|&b| b as char));
}

/// A year as `{:04}` prints it: four characters at least, a sign included.
fn push_year(out: &mut String, year: i32) {
    if year < 0 {
        out.push('-');
    }
    push_number(out, year.unsigned_abs(), if year < 0 { 3 } else { 4 });
}

/// `27 Nov`.
fn push_day_month(out: &mut String, d: NaiveDate) {
    push_number(out, d.day(), 1);
    out.push(' ');
    out.push_str(month(d));
}

/// `Fri 27 Nov 2026`.
pub fn date_long(d: NaiveDate) -> String {
    let mut out = date_short(d);
    out.push(' ');
    push_year(&mut out, d.year());
    out
}

/// `Fri 27 Nov` (the year is implied by the page).
pub fn date_short(d: NaiveDate) -> String {
    // Room for the year `date_long` adds.
    let mut out = String::with_capacity(16);
    out.push_str(weekday(d));
    out.push(' ');
    push_day_month(&mut out, d);
    out
}

/// `27 Nov 2026`.
pub fn date_medium(d: NaiveDate) -> String {
    let mut out = day_month(d);
    out.push(' ');
    push_year(&mut out, d.year());
    out
}

/// `27 Nov`.
pub fn day_month(d: NaiveDate) -> String {
    // Room for the year `date_medium` adds.
    let mut out = String::with_capacity(12);
    push_day_month(&mut out, d);
    out
}

/// `2026-11-27`, for tables that sort by eye.
pub fn iso(d: NaiveDate) -> String {
    let mut out = String::with_capacity(10);
    push_year(&mut out, d.year());
    out.push('-');
    push_number(&mut out, d.month(), 2);
    out.push('-');
    push_number(&mut out, d.day(), 2);
    out
}

/// `83%`.
pub fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// A count or a goal: whole numbers without decimals, others with one.
pub fn count(x: f64) -> String {
    if (x - x.round()).abs() >= 1e-9 {
        return format!("{x:.1}");
    }
    // A whole number, pushed by hand like the dates (the cast saturates,
    // as it did under `format!`).
    let n = x.round() as i64;
    let mut out = String::with_capacity(4);
    if n < 0 {
        out.push('-');
    }
    push_number(&mut out, n.unsigned_abs(), 1);
    out
}

/// A mood or energy on its scale: `3.5`.
pub fn score(x: f64) -> String {
    format!("{x:.1}")
}

/// `1 deal`, `3 deals`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A message as HTML: escaped first, then each pair of backticks made a
/// `<code>` span (`` unknown key `actvity` ``), so the names a message
/// quotes read as code on a page as they do in a terminal. A lone
/// backtick stays as it is.
pub fn code_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    let parts: Vec<&str> = escaped.split('`').collect();
    let pairs = (parts.len() - 1) / 2;
    let mut out = String::with_capacity(escaped.len() + pairs * 13);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            let opening = i % 2 == 1;
            match (opening, i <= 2 * pairs) {
                (true, true) => out.push_str("<code>"),
                (false, true) => out.push_str("</code>"),
                _ => out.push('`'),
            }
        }
        out.push_str(part);
    }
    out
}

/// How long ago, in words: `today`, `yesterday`, `12 days ago`.
pub fn ago(days: i64) -> String {
    match days {
        0 => "today".into(),
        1 => "yesterday".into(),
        n if n < 0 => format!("in {} days", -n),
        n => format!("{n} days ago"),
    }
}

/// `Week 48, 2026`.
pub fn week_title(monday: NaiveDate) -> String {
    let w = monday.iso_week();
    let mut out = String::with_capacity(14);
    out.push_str("Week ");
    push_number(&mut out, w.week(), 1);
    out.push_str(", ");
    push_year(&mut out, w.year());
    out
}

/// `21–27 Nov`, `28 Nov – 4 Dec`: a few days, without the year.
pub fn short_span(from: NaiveDate, to: NaiveDate) -> String {
    if from.month() == to.month() {
        format!("{}–{}", from.day(), day_month(to))
    } else {
        format!("{} – {}", day_month(from), day_month(to))
    }
}

/// `23–29 Nov 2026` or `30 Nov – 6 Dec 2026`.
pub fn week_span(monday: NaiveDate) -> String {
    let sunday = monday + chrono::Duration::days(6);
    if monday.month() == sunday.month() {
        format!("{}–{}", monday.day(), date_medium(sunday))
    } else if monday.year() == sunday.year() {
        format!("{} – {}", day_month(monday), date_medium(sunday))
    } else {
        format!("{} – {}", date_medium(monday), date_medium(sunday))
    }
}

/// The first `max` characters of a text on one line, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
        cut = cut.trim_end().to_string();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::text::parse_date(s).unwrap()
    }

    #[test]
    fn dates_and_weeks() {
        assert_eq!(date_long(d("2026-11-27")), "Fri 27 Nov 2026");
        assert_eq!(date_short(d("2026-11-02")), "Mon 2 Nov");
        assert_eq!(date_medium(d("2026-01-05")), "5 Jan 2026");
        assert_eq!(iso(d("2026-01-05")), "2026-01-05");
        assert_eq!(iso(d("0099-12-31")), "0099-12-31");
        assert_eq!(iso(NaiveDate::from_ymd_opt(-5, 1, 2).unwrap()), format!("{:04}-01-02", -5));
        assert_eq!(date_long(d("2026-01-01")), "Thu 1 Jan 2026");
        assert_eq!(day_month(d("2026-12-31")), "31 Dec");
        assert_eq!(week_title(d("2026-11-23")), "Week 48, 2026");
        assert_eq!(week_span(d("2026-11-23")), "23–29 Nov 2026");
        assert_eq!(week_span(d("2026-11-30")), "30 Nov – 6 Dec 2026");
        assert_eq!(week_span(d("2026-12-28")), "28 Dec 2026 – 3 Jan 2027");
        assert_eq!(short_span(d("2026-11-21"), d("2026-11-27")), "21–27 Nov");
        assert_eq!(short_span(d("2026-11-28"), d("2026-12-04")), "28 Nov – 4 Dec");
    }

    #[test]
    fn numbers() {
        assert_eq!(count(20.0), "20");
        assert_eq!(count(6.4), "6.4");
        assert_eq!(count(0.0), "0");
        assert_eq!(count(-3.0), "-3");
        assert_eq!(count(-0.0000000001), "0");
        assert_eq!(count(1e12), "1000000000000");
        assert_eq!(count(1e30), i64::MAX.to_string());
        assert_eq!(pct(0.833), "83%");
        assert_eq!(plural(1, "deal", "deals"), "1 deal");
        assert_eq!(ago(12), "12 days ago");
        assert_eq!(money_short(140000.0, "USD"), "$140k");
        assert_eq!(money_short(1_250_000.0, "USD"), "$1.2M");
        assert_eq!(money_short(4500.0, "EUR"), "€4.5k");
        assert_eq!(money_short(950.0, "SEK"), "950 SEK");
    }

    #[test]
    fn backticks_become_code_after_escaping() {
        assert_eq!(code_html("unknown key `actvity`"), "unknown key <code>actvity</code>");
        assert_eq!(code_html("`<b>` & `x`"), "<code>&lt;b&gt;</code> &amp; <code>x</code>");
        assert_eq!(code_html("a ` lone one"), "a ` lone one");
        assert_eq!(code_html("`a` and ` b"), "<code>a</code> and ` b");
        assert_eq!(code_html("no code"), "no code");
    }

    #[test]
    fn excerpts_cut_on_characters() {
        assert_eq!(excerpt("a  b\nc", 10), "a b c");
        assert_eq!(excerpt("ééééé ééééé", 6), "ééééé…");
    }
}
