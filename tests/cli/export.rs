//! `saleslog export`: every format read back by an independent reader —
//! serde_json for JSON, Python's `csv` module and a strict RFC 4180 reader
//! for CSV, Python's `icalendar` for ICS.
//!
//! The Python readers are required when `CI` is set (`.ci/run` installs
//! `icalendar`); elsewhere a test without them says so and skips that part.

use crate::harness::*;
use std::io::Write;
use std::process::{Command, Stdio};

/// Text that breaks naive CSV and ICS writers.
fn journal() -> Journal {
    Journal::with_config("name: \"Alex, the rep\"\n")
        .file(
            "2026/11/2026-11-02.md",
            "---\nmood: 4\nactivity: {calls: 20, emails: 3}\nwins: [\"Acme, finally\", \"said \\\"yes\\\"\"]\ndeals:\n  - {name: \"Acme, Corp\", stage: proposal, amount: 48000, close: 2026-12-15, next: \"Call \\\"Jane\\\"; then send\"}\n  - {name: Globex, stage: lead, close: 2026-11-20}\n  - {name: Hooli, stage: qualified}\n  - {name: Lost Co, stage: lead}\ncommitments:\n  - {id: acme-pricing, what: \"Send pricing, \\\"v2\\\"\\nand the terms\", to: \"Jane; Acme\", due: 2026-11-20}\n  - {id: kept, what: Kept one, due: 2026-11-05}\n  - {id: later, what: \"A backslash \\\\ and a very long description that goes well past seventy-five octets, with é and 日本\", due: 2026-12-01}\n  - {id: someday, what: No due date}\n  - {id: dropped-one, what: Released, due: 2026-11-10}\n---\nBody with, commas.\n- [ ] Call Bob 📅 2026-11-25\n",
        )
        .file(
            "2026/11/2026-11-04.md",
            "---\nmood: 2\nactivity: {calls: 5}\ncommitments:\n  - {id: kept, done: true}\n  - {id: dropped-one, dropped: true}\ndeals:\n  - {id: lost-co, stage: lost}\n---\n",
        )
        .file("2026/11/2026-11-04-meeting.md", "---\nmood: 3\nactivity: {calls: 1}\n---\n")
}

fn export(j: &Journal, args: &[&str]) -> String {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    let run = j.run(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

/// Run a Python script on `input`; `None` (skip) when Python or `module`
/// is missing, unless `CI` is set: then a missing reader fails the test.
fn python(module: &str, script: &str, input: &str) -> Option<String> {
    let probe = Command::new("python3").args(["-c", &format!("import {module}")]).output();
    if !probe.as_ref().is_ok_and(|o| o.status.success()) {
        if Command::new("python3").arg("--version").output().is_err() {
            skip("python3 is not installed", "apt-get install python3");
        } else {
            skip(&format!("python3 with `{module}` is not installed"), &format!("python3 -m pip install {module}"));
        }
        return None;
    }
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "python failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).unwrap())
}

/// A strict RFC 4180 reader: CRLF record ends, quotes only around fields.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
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
                assert_eq!(chars.next(), Some('\n'));
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => {
                assert!(c != '\n' && c != '"', "bare {c:?}");
                cell.push(c);
            }
        }
    }
    assert!(!quoted && cell.is_empty() && row.is_empty(), "unterminated last record");
    rows
}

#[test]
fn json_is_the_whole_model_with_statuses() {
    let j = journal();
    let v: serde_json::Value = serde_json::from_str(&export(&j, &["--format", "json"])).unwrap();
    assert_eq!(v["saleslog_export"], 1);
    assert_eq!(v["as_of"], TODAY);
    assert_eq!(v["name"], "Alex, the rep");
    assert_eq!(v["notes"].as_array().unwrap().len(), 3);
    assert_eq!(v["deals"].as_array().unwrap().len(), 4);
    assert_eq!(v["commitments"].as_array().unwrap().len(), 6);
    assert_eq!(v["activity"].as_array().unwrap().len(), 2);
    let status =
        |id: &str| v["commitments"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()["status"].clone();
    assert_eq!(status("acme-pricing"), "overdue");
    assert_eq!(status("kept"), "done");
    assert_eq!(status("dropped-one"), "dropped");
    assert_eq!(status("later"), "open");
    assert_eq!(v["commitments"][0]["what"], "Send pricing, \"v2\"\nand the terms");
    assert_eq!(v["deals"][0]["next"], "Call \"Jane\"; then send");
    assert_eq!(v["deals"][1]["slipped"], true);
    assert_eq!(v["deals"][3]["status"], "lost");
    // The figures are the report's.
    assert_eq!(v["figures"], j.report_json());
    // --what keeps one section.
    let deals: serde_json::Value = serde_json::from_str(&export(&j, &["--format", "json", "--what", "deals"])).unwrap();
    assert!(deals.get("notes").is_none() && deals.get("figures").is_none());
    assert_eq!(deals["deals"], v["deals"]);
}

#[test]
fn csv_tables_have_a_row_per_item_and_survive_commas_quotes_and_newlines() {
    let j = journal();
    for (what, rows) in [("notes", 3), ("deals", 4), ("commitments", 6), ("activity", 2)] {
        let text = export(&j, &["--format", "csv", "--what", what]);
        let table = parse_csv(&text);
        assert_eq!(table.len(), rows + 1, "{what}: header + {rows} rows:\n{text}");
        assert!(table.iter().all(|r| r.len() == table[0].len()), "{what}: ragged");
        if let Some(py) = python(
            "csv",
            "import csv, io, json, sys\nprint(json.dumps(list(csv.reader(io.StringIO(sys.stdin.buffer.read().decode('utf-8'), newline='')))))",
            &text,
        ) {
            let by_python: Vec<Vec<String>> = serde_json::from_str(&py).unwrap();
            assert_eq!(by_python, table, "{what}: Python's csv module reads the same table");
        }
    }
    let commitments = parse_csv(&export(&j, &["--format", "csv", "--what", "commitments"]));
    let col = |name: &str| commitments[0].iter().position(|h| h == name).unwrap();
    assert_eq!(commitments[1][col("what")], "Send pricing, \"v2\"\nand the terms");
    assert_eq!(commitments[1][col("to")], "Jane; Acme");
    assert_eq!(commitments[1][col("status")], "overdue");
    assert_eq!(commitments[1][col("days_overdue")], "7");
    let deals = parse_csv(&export(&j, &["--format", "csv", "--what", "deals"]));
    assert_eq!(deals[1][1], "Acme, Corp");
    assert_eq!(deals[1][deals[0].iter().position(|h| h == "amount").unwrap()], "48000");
    let notes = parse_csv(&export(&j, &["--format", "csv", "--what", "notes"]));
    let wins = notes[0].iter().position(|h| h == "wins").unwrap();
    assert_eq!(notes[1][wins], "Acme, finally\nsaid \"yes\"");
    let activity = parse_csv(&export(&j, &["--format", "csv", "--what", "activity"]));
    assert_eq!(activity[0], ["date", "weekday", "workday", "notes", "mood", "energy", "calls", "emails", "total"]);
    assert_eq!(activity[2], ["2026-11-04", "wed", "true", "2", "2.5", "", "6", "", "6"]);
}

#[test]
fn ics_has_one_event_per_open_commitment_and_open_deal_close() {
    let j = journal();
    let ics = export(&j, &["--format", "ics"]);
    assert!(ics.contains("\r\n") && !ics.replace("\r\n", "").contains('\n'), "CRLF only");
    assert!(ics.split("\r\n").all(|l| l.len() <= 75), "folded at 75 octets");
    // Open or overdue with a due date: acme-pricing, later, the Bob task (not
    // kept, dropped-one, or someday without a date). Open deals with a close
    // date: Acme, Globex (slipped).
    let script = r#"
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.read())
print(json.dumps([
    {"uid": str(e.get("uid")), "start": e.decoded("dtstart").isoformat(),
     "end": e.decoded("dtend").isoformat(), "summary": str(e.get("summary")),
     "description": str(e.get("description")), "stamp": bool(e.get("dtstamp"))}
    for e in cal.walk("VEVENT")]))
"#;
    let Some(out) = python("icalendar", script, &ics) else { return };
    let events: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let uids: Vec<&str> = events.iter().map(|e| e["uid"].as_str().unwrap()).collect();
    assert_eq!(
        uids,
        [
            "commitment-acme-pricing@saleslog",
            "commitment-later@saleslog",
            "commitment-2026-11-02-call-bob@saleslog",
            "deal-acme-corp@saleslog",
            "deal-globex@saleslog"
        ]
    );
    let report = j.report_json();
    let open = report["commitments"]["open"].as_u64().unwrap() + report["commitments"]["overdue"].as_u64().unwrap();
    assert_eq!(
        events.iter().filter(|e| e["uid"].as_str().unwrap().starts_with("commitment-")).count() as u64,
        open - 1,
        "all but the undated one"
    );
    let pricing = &events[0];
    assert_eq!((pricing["start"].as_str(), pricing["end"].as_str()), (Some("2026-11-20"), Some("2026-11-21")));
    assert_eq!(pricing["summary"], "Overdue: Send pricing, \"v2\" and the terms → Jane; Acme");
    assert!(pricing["description"].as_str().unwrap().contains("To: Jane; Acme\nMade on 2026-11-02"));
    assert!(events[1]["summary"].as_str().unwrap().ends_with("with é and 日本"), "unfolded intact");
    assert!(events.iter().all(|e| e["stamp"] == true));
    assert_eq!(events[3]["summary"], "Expected close: Acme, Corp ($48,000, proposal)");

    // Stable UIDs: a later export has the same ones for what is still open.
    let later = export(&j, &["--format", "ics", "--what", "commitments"]);
    let Some(out) = python("icalendar", script, &later) else { return };
    let events: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(events.iter().map(|e| e["uid"].as_str().unwrap()).collect::<Vec<_>>(), uids[..3]);
}

#[test]
fn output_file_and_usage_errors() {
    let j = journal();
    let out = j.join("out/deals.csv");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let run = j.run(&["export", "--format", "csv", "--what", "deals", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(parse_csv(&std::fs::read_to_string(&out).unwrap()).len(), 5);

    let run = j.run(&["export", "--format", "csv"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("add --what"), "{}", run.stderr);
    let run = j.run(&["export", "--format", "ics", "--what", "notes"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--what commitments"), "{}", run.stderr);
    let run = j.run(&["export", "--format", "xml"]);
    assert_eq!(run.code, 2);
}

/// SPEC §9: the JSON export carries each deal's close-date history, with
/// the note that made each change and whether it was a push.
#[test]
fn json_carries_the_push_history() {
    let j = Journal::new()
        .note("2026-11-02", "deals:\n  - {name: A, stage: lead, close: 2026-12-01}")
        .note("2026-11-03", "deals:\n  - {id: a, close: 2026-12-10}")
        .note("2026-11-04", "deals:\n  - {id: a, close: null}")
        .note("2026-11-05", "deals:\n  - {id: a, close: 2026-12-20}");
    let run = j.run_at("2026-11-10", &["export", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let deal = &v["deals"][0];
    assert_eq!(deal["close_pushed"], 1);
    let h: Vec<(String, serde_json::Value, bool)> = deal["close_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["note"].as_str().unwrap().to_string(), c["close"].clone(), c["push"].as_bool().unwrap()))
        .collect();
    assert_eq!(h.len(), 4);
    assert_eq!((h[1].1.as_str(), h[1].2), (Some("2026-12-10"), true));
    assert_eq!((h[2].1.is_null(), h[2].2), (true, false));
    assert_eq!((h[3].1.as_str(), h[3].2), (Some("2026-12-20"), false)); // a first date again after the clear
    assert!(h[3].0.ends_with("2026-11-05.md"), "{:?}", h[3]);
}
