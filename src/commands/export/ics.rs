//! An iCalendar file (RFC 5545) of what is coming due: one all-day event
//! per open or overdue commitment on its due date, and one per open deal on
//! its expected close date.
//!
//! UIDs come from the commitment and deal ids (`commitment-<id>@saleslog`),
//! so importing a newer export updates the events instead of duplicating
//! them. Done, dropped and undated commitments and closed deals have no
//! event; a calendar that subscribes to the file (rather than importing it
//! once) drops them when they leave it.
//!
//! The format rules that matter to parsers are all here: CRLF line ends,
//! lines folded at 75 octets without splitting a UTF-8 character, TEXT
//! values with `\`, `;`, `,` and line breaks escaped, a DTSTAMP on every
//! event, and all-day events as `DTSTART;VALUE=DATE` with the exclusive
//! `DTEND` on the next day.

use super::{CommitmentRow, DealRow, Export, What};
use crate::analyse::summary::money;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

/// When the calendar was made: the DTSTAMP of every event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp(pub DateTime<Utc>);

impl Stamp {
    /// `SOURCE_DATE_EPOCH` when set (reproducible exports), else the clock.
    pub fn now() -> Stamp {
        let epoch = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok());
        Stamp(epoch.and_then(|s| DateTime::from_timestamp(s, 0)).unwrap_or_else(Utc::now))
    }
}

/// Escape a TEXT value (RFC 5545 §3.3.11).
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line, folded at 75 octets (RFC 5545 §3.1) and ended by CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
    out
}

/// A UID part from an id: anything but `A-Za-z0-9-_.` percent-encoded, so
/// different ids never share a UID and no UID needs escaping.
fn uid_part(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A title on one line.
fn one_line(s: &str) -> String {
    s.split(['\r', '\n']).map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

fn ics_date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

struct Event {
    uid: String,
    date: NaiveDate,
    summary: String,
    description: String,
    categories: Vec<&'static str>,
}

fn commitment_event(c: &CommitmentRow, due: NaiveDate) -> Event {
    let mut summary = String::new();
    if c.status == "overdue" {
        summary.push_str("Overdue: ");
    }
    summary.push_str(&c.what);
    if let Some(to) = &c.to {
        summary.push_str(&format!(" → {to}"));
    }
    let mut description = vec![format!("Commitment {}", c.id)];
    if let Some(to) = &c.to {
        description.push(format!("To: {to}"));
    }
    description.push(format!("Made on {} in {}", c.made_on, c.made_in));
    match c.days_overdue {
        Some(n) => description.push(format!("Overdue by {n} day{}", if n == 1 { "" } else { "s" })),
        None => description.push(format!("Due {due}")),
    }
    if let Some(note) = &c.note {
        description.push(format!("Note: {note}"));
    }
    description.push(format!(
        "When it is done, add to a note's commitments: - {{id: {}, done: true}}",
        crate::commands::new::yaml_scalar(&c.id)
    ));
    Event {
        uid: format!("commitment-{}@saleslog", uid_part(&c.id)),
        date: due,
        summary,
        description: description.join("\n"),
        categories: vec!["saleslog", "commitment", c.status],
    }
}

fn deal_event(d: &DealRow, close: NaiveDate, currency: &str) -> Event {
    let mut facts = Vec::new();
    if let Some(amount) = d.amount {
        facts.push(money(amount, currency));
    }
    facts.push(d.stage.clone());
    let mut description = vec![
        format!("Deal {}: {} ({}%)", d.id, d.stage, (d.probability * 100.0).round()),
        format!("Last touched {} ({} days ago)", d.last_touched, d.days_since_touched),
    ];
    if let Some(amount) = d.amount {
        description.insert(1, format!("Amount: {}", money(amount, currency)));
    }
    match &d.next {
        Some(next) => description.push(format!("Next step: {next}")),
        None => description.push("No next step".to_string()),
    }
    if let Some(contact) = &d.contact {
        description.push(format!("Contact: {contact}"));
    }
    let mut categories = vec!["saleslog", "deal"];
    if d.slipped {
        categories.push("slipped");
    }
    if d.stale {
        categories.push("stale");
    }
    Event {
        uid: format!("deal-{}@saleslog", uid_part(&d.id)),
        date: close,
        summary: format!("Expected close: {} ({})", d.name, facts.join(", ")),
        description: description.join("\n"),
        categories,
    }
}

/// The calendar: commitments, deals or (without `what`) both.
pub fn calendar(e: &Export, what: Option<What>, stamp: Stamp) -> String {
    let mut events = Vec::new();
    if matches!(what, None | Some(What::Commitments)) {
        for c in e.commitments.iter().filter(|c| matches!(c.status, "open" | "overdue")) {
            if let Some(due) = c.due {
                events.push(commitment_event(c, due));
            }
        }
    }
    if matches!(what, None | Some(What::Deals)) {
        for d in e.deals.iter().filter(|d| d.status == "open") {
            if let Some(close) = d.close {
                events.push(deal_event(d, close, &e.currency));
            }
        }
    }
    let name = if e.name.is_empty() { "saleslog".to_string() } else { format!("saleslog: {}", e.name) };
    let dtstamp = stamp.0.format("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        format!("PRODID:-//saleslog//saleslog {}//EN", env!("CARGO_PKG_VERSION")),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", text(&name)),
    ] {
        out.push_str(&fold(&line));
    }
    for ev in events {
        let categories: Vec<String> = ev.categories.iter().map(|c| text(c)).collect();
        // The day after; without it a date-only DTSTART is that one day
        // all the same (RFC 5545 3.6.1), which the last day of year 9999
        // needs (its next day has no four-digit year).
        let end = ev.date.checked_add_signed(Duration::days(1)).filter(|d| d.year() <= 9999);
        for line in [
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", ev.uid),
            format!("DTSTAMP:{dtstamp}"),
            format!("DTSTART;VALUE=DATE:{}", ics_date(ev.date)),
            end.map(|end| format!("DTEND;VALUE=DATE:{}", ics_date(end))).unwrap_or_default(),
            format!("SUMMARY:{}", text(&one_line(&ev.summary))),
            format!("DESCRIPTION:{}", text(&ev.description)),
            format!("CATEGORIES:{}", categories.join(",")),
            "TRANSP:TRANSPARENT".to_string(),
            "END:VEVENT".to_string(),
        ] {
            if !line.is_empty() {
                out.push_str(&fold(&line));
            }
        }
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::export::tests::story;

    fn stamp() -> Stamp {
        Stamp(DateTime::from_timestamp(1_795_000_000, 0).unwrap())
    }

    /// Undo folding and split into lines, checking CRLF and line length.
    fn unfold(ics: &str) -> Vec<String> {
        assert!(ics.ends_with("\r\n"));
        let mut lines: Vec<String> = Vec::new();
        for physical in ics.strip_suffix("\r\n").unwrap().split("\r\n") {
            assert!(physical.len() <= 75, "over 75 octets: {physical:?}");
            assert!(!physical.contains('\n') && !physical.contains('\r'));
            match physical.strip_prefix(' ') {
                Some(rest) => lines.last_mut().unwrap().push_str(rest),
                None => lines.push(physical.to_string()),
            }
        }
        lines
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(text("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
    }

    #[test]
    fn long_lines_fold_without_splitting_characters() {
        let line = format!("SUMMARY:{}", "é".repeat(100));
        let folded = fold(&line);
        let unfolded: String = folded.trim_end_matches("\r\n").split("\r\n ").collect();
        assert_eq!(unfolded, line);
        assert!(folded.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(fold("SHORT"), "SHORT\r\n");
    }

    #[test]
    fn one_event_per_open_commitment_and_open_deal() {
        let e = story();
        let ics = calendar(&e, None, stamp());
        let lines = unfold(&ics);
        let uids: Vec<&str> = lines.iter().filter_map(|l| l.strip_prefix("UID:")).collect();
        // acme-pricing (overdue), later (open), the Bob task (overdue); the
        // kept one is done. Acme Corp is open with a close date; Globex is lost.
        assert_eq!(
            uids,
            [
                "commitment-acme-pricing@saleslog",
                "commitment-later@saleslog",
                "commitment-2026-11-02-call-bob@saleslog",
                "deal-acme-corp@saleslog"
            ]
        );
        assert!(lines.contains(&"DTSTART;VALUE=DATE:20261120".to_string()));
        assert!(lines.contains(&"DTEND;VALUE=DATE:20261121".to_string()));
        assert!(lines.contains(&"SUMMARY:Overdue: Send pricing\\, v2 → Jane Doe (Acme)".to_string()));
        // A title is one line; the description keeps its line breaks.
        assert!(lines.contains(&"SUMMARY:Line one line two".to_string()));
        assert!(lines.iter().any(|l| l.starts_with("DESCRIPTION:Commitment acme-pricing\\nTo: Jane")));
        assert_eq!(lines.iter().filter(|l| l.starts_with("DTSTAMP:")).count(), 4);
        assert!(lines.contains(&"DTSTAMP:20261118T110640Z".to_string()), "{lines:?}");
        assert_eq!(lines.first().unwrap(), "BEGIN:VCALENDAR");
        assert_eq!(lines.last().unwrap(), "END:VCALENDAR");
        let only_deals = unfold(&calendar(&e, Some(What::Deals), stamp()));
        assert_eq!(only_deals.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 1);
    }

    /// An event on the last day of year 9999 has no next day to end on:
    /// its DTSTART alone makes it that one day.
    #[test]
    fn the_last_day_of_year_9999_ends_without_a_dtend() {
        use crate::analyse::test_support::{config, journal};
        let c = config("");
        let j = journal(
            &c,
            &[("2026-11-02.md", "---\ncommitments:\n  - {what: Far off, due: 9999-12-31}\n---\n")],
            "2026-11-27",
        );
        let figures = crate::analyse::analyse(&j, &c, crate::model::diagnostic::Tally::default());
        let lines = unfold(&calendar(&Export::build(&j, &c, figures), None, stamp()));
        assert!(lines.contains(&"DTSTART;VALUE=DATE:99991231".to_string()), "{lines:?}");
        assert!(!lines.iter().any(|l| l.starts_with("DTEND")), "{lines:?}");
    }

    #[test]
    fn uids_are_stable_and_distinct() {
        assert_eq!(uid_part("acme-pricing"), "acme-pricing");
        assert_eq!(uid_part("Acme Pricing/2"), "Acme%20Pricing%2F2");
        assert_ne!(uid_part("a b"), uid_part("a%20b"));
    }
}
