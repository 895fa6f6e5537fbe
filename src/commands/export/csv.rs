//! CSV tables (RFC 4180) for spreadsheets: one table per `--what`, a header
//! row, one row per note, deal, commitment or day.
//!
//! Written by hand rather than with the `csv` crate: writing RFC 4180 is a
//! dozen lines (quote a field holding `,`, `"`, CR or LF; double its
//! quotes; end records with CRLF) and saleslog never reads CSV, so the
//! crate's reader, serde bridge and their build time would buy nothing.
//! Lists inside one cell (wins, tags, ids) are joined with a line break,
//! which spreadsheets show as lines within the cell. Values are written as
//! they are: saleslog does not guard against spreadsheet formula injection
//! (a cell starting with `=`), because every value is the user's own text.

use super::{Export, What};
use crate::model::counts::Counts;

/// One field, quoted when RFC 4180 requires it.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn record(out: &mut String, fields: &[String]) {
    let line: Vec<String> = fields.iter().map(|f| field(f)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// A number as a spreadsheet reads it: `48000`, `0.5`.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn num_opt(v: Option<f64>) -> String {
    v.map(num).unwrap_or_default()
}

fn lines(items: &[impl AsRef<str>]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    items.join("\n")
}

fn counts(activity: &Counts, names: &[String]) -> Vec<String> {
    names.iter().map(|n| activity.get(n).map(u64::to_string).unwrap_or_default()).collect()
}

/// The table for `what`.
pub fn table(e: &Export, what: What) -> String {
    let mut out = String::new();
    let names = &e.activity_names;
    match what {
        What::Notes => {
            let mut header: Vec<String> = ["date", "path", "mood", "energy"].map(String::from).to_vec();
            header.extend(names.iter().cloned());
            header.extend(
                ["activity_total", "wins", "help", "tags", "deals", "commitments_made", "commitments_updated"]
                    .map(String::from),
            );
            record(&mut out, &header);
            for n in &e.notes {
                let mut row = vec![n.date.to_string(), n.path.clone(), num_opt(n.mood), num_opt(n.energy)];
                row.extend(counts(&n.activity, names));
                row.push(n.activity.values().sum::<u64>().to_string());
                row.extend([
                    lines(&n.wins),
                    lines(&n.help),
                    lines(&n.tags),
                    lines(&n.deals),
                    lines(&n.commitments_made),
                    lines(&n.commitments_updated),
                ]);
                record(&mut out, &row);
            }
        }
        What::Deals => {
            let header = [
                "id",
                "name",
                "stage",
                "status",
                "probability",
                "amount",
                "weighted",
                "close",
                "next",
                "contact",
                "source",
                "reason",
                "first_mentioned",
                "last_touched",
                "days_since_touched",
                "closed_on",
                "stale",
                "slipped",
                "no_next_step",
                "close_pushed",
                "mentions",
            ];
            record(&mut out, &header.map(String::from));
            for d in &e.deals {
                record(
                    &mut out,
                    &[
                        d.id.clone(),
                        d.name.clone(),
                        d.stage.clone(),
                        d.status.to_string(),
                        num(d.probability),
                        num_opt(d.amount),
                        num_opt(d.weighted),
                        opt(&d.close),
                        opt(&d.next),
                        opt(&d.contact),
                        opt(&d.source),
                        opt(&d.reason),
                        d.first_mentioned.to_string(),
                        d.last_touched.to_string(),
                        d.days_since_touched.to_string(),
                        opt(&d.closed_on),
                        d.stale.to_string(),
                        d.slipped.to_string(),
                        d.no_next_step.to_string(),
                        d.close_pushed.to_string(),
                        d.mentions.len().to_string(),
                    ],
                );
            }
        }
        What::Commitments => {
            let header = [
                "id",
                "what",
                "to",
                "status",
                "made_on",
                "made_in",
                "origin",
                "due",
                "counting_due",
                "original_due",
                "done",
                "dropped",
                "days_overdue",
                "kept_on_time",
                "note",
                "updates",
            ];
            record(&mut out, &header.map(String::from));
            for c in &e.commitments {
                record(
                    &mut out,
                    &[
                        c.id.to_string(),
                        c.what.to_string(),
                        opt(&c.to),
                        c.status.to_string(),
                        c.made_on.to_string(),
                        c.made_in.clone(),
                        c.origin.to_string(),
                        opt(&c.due),
                        opt(&c.counting_due),
                        opt(&c.original_due),
                        opt(&c.done),
                        opt(&c.dropped),
                        opt(&c.days_overdue),
                        opt(&c.kept_on_time),
                        opt(&c.note),
                        c.updated_in.len().to_string(),
                    ],
                );
            }
        }
        What::Activity => {
            let mut header: Vec<String> =
                ["date", "weekday", "workday", "notes", "mood", "energy"].map(String::from).to_vec();
            header.extend(names.iter().cloned());
            header.push("total".into());
            record(&mut out, &header);
            for day in &e.activity {
                let mut row = vec![
                    day.date.to_string(),
                    day.weekday.clone(),
                    day.workday.to_string(),
                    day.notes.to_string(),
                    num_opt(day.mood),
                    num_opt(day.energy),
                ];
                row.extend(counts(&day.activity, names));
                row.push(day.total.to_string());
                record(&mut out, &row);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::export::tests::story;

    /// A strict RFC 4180 reader, to read back what [`table`] writes.
    fn parse(text: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut cell = String::new();
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => cell.push(c),
                (false, '"') if cell.is_empty() => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut cell)),
                (false, '\r') => {
                    assert_eq!(chars.next(), Some('\n'), "records end with CRLF");
                    row.push(std::mem::take(&mut cell));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => {
                    assert!(c != '\n' && c != '"', "bare {c:?} outside quotes");
                    cell.push(c);
                }
            }
        }
        assert!(!quoted && cell.is_empty() && row.is_empty(), "the last record is terminated");
        rows
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("plain text"), "plain text");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field(""), "");
    }

    #[test]
    fn every_table_reads_back_with_one_row_per_item() {
        let e = story();
        for (what, rows) in [
            (What::Notes, e.notes.len()),
            (What::Deals, e.deals.len()),
            (What::Commitments, e.commitments.len()),
            (What::Activity, e.activity.len()),
        ] {
            let t = parse(&table(&e, what));
            assert_eq!(t.len(), rows + 1, "{what:?}");
            assert!(t.iter().all(|r| r.len() == t[0].len()), "{what:?}: ragged rows");
        }
        let deals = parse(&table(&e, What::Deals));
        assert_eq!(deals[1][8], "Call \"Jane\", then send");
        assert_eq!(deals[1][5], "48000");
        let commitments = parse(&table(&e, What::Commitments));
        assert_eq!(commitments[1][1], "Send pricing, v2");
        assert_eq!(commitments[3][1], "Line one\nline two");
        let notes = parse(&table(&e, What::Notes));
        assert_eq!(notes[0][4..6], ["calls".to_string(), "emails".to_string()]);
        assert_eq!(notes[1][7], "Acme, finally");
        assert_eq!(notes[1][10], "acme-corp\nglobex");
    }
}
