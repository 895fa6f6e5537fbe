//! `saleslog export`: the journal for other tools — JSON for programs, CSV
//! for spreadsheets, iCalendar for calendars.
//!
//! All three formats are printed from one export model ([`Export`]): rows
//! of notes, deals, commitments and days with their computed statuses as of
//! the report date, built here from the journal model and the analyses, so
//! a status in the CSV is the status in the JSON is the status `report`
//! counts. The schema is documented in docs/export.md; keys may be added,
//! never renamed.

pub mod csv;
pub mod ics;

use crate::analyse::calendar::Days;
use crate::analyse::pipeline::hygiene;
use crate::analyse::{num_opt, Figures};
use crate::error::{Error, Result};
use crate::model::config::{Config, Outcome};
use crate::model::counts::Counts;
use crate::model::journal::{Journal, Origin};
use crate::site::workspace::Workspace;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// The version of the export schema, bumped only on an incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Ics,
}

/// Which table (CSV) or section (JSON, ICS) to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Notes,
    Deals,
    Commitments,
    Activity,
}

impl What {
    pub fn as_str(self) -> &'static str {
        match self {
            What::Notes => "notes",
            What::Deals => "deals",
            What::Commitments => "commitments",
            What::Activity => "activity",
        }
    }
}

/// The whole journal as of a date, ready to print. Field names and order
/// are the JSON schema (docs/export.md).
#[derive(Debug, Clone, Serialize)]
pub struct Export {
    pub saleslog_export: u32,
    pub as_of: NaiveDate,
    pub name: String,
    pub currency: String,
    pub stages: Vec<StageRow>,
    /// Every activity name used in a note or named in the configuration,
    /// in name order: the activity columns of the CSV tables.
    pub activity_names: Vec<String>,
    pub notes: Vec<NoteRow>,
    pub deals: Vec<DealRow>,
    pub commitments: Vec<CommitmentRow>,
    pub activity: Vec<DayRow>,
    /// The figures of `report --format json`.
    pub figures: Figures,
    /// SPEC §8: every late edit authored by the export's date, oldest
    /// first; `null` without a git history.
    pub late_edits: Option<Vec<crate::analyse::timeliness::LateEdit>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageRow {
    pub name: String,
    pub probability: f64,
    /// `won`, `lost`, or null for an open stage.
    pub closed: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteRow {
    pub date: NaiveDate,
    pub path: String,
    pub mood: Option<f64>,
    pub energy: Option<f64>,
    pub activity: Counts,
    pub wins: Vec<String>,
    pub help: Vec<String>,
    pub tags: Vec<String>,
    /// Ids of the deals this note mentions.
    pub deals: Vec<String>,
    /// Ids of the commitments this note made.
    pub commitments_made: Vec<Arc<str>>,
    /// Ids of the commitments this note updated.
    pub commitments_updated: Vec<Arc<str>>,
    /// Unknown top-level keys, with their values as text.
    pub extra: BTreeMap<String, String>,
    /// The markdown after the front matter.
    pub body: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DealRow {
    pub id: String,
    pub name: String,
    pub stage: String,
    /// `open`, `won` or `lost`.
    pub status: &'static str,
    pub probability: f64,
    #[serde(serialize_with = "num_opt")]
    pub amount: Option<f64>,
    /// amount × stage probability; null without an amount.
    #[serde(serialize_with = "num_opt")]
    pub weighted: Option<f64>,
    pub close: Option<NaiveDate>,
    pub next: Option<String>,
    pub contact: Option<String>,
    pub source: Option<String>,
    pub reason: Option<String>,
    pub first_mentioned: NaiveDate,
    pub last_touched: NaiveDate,
    pub days_since_touched: i64,
    /// The date it was won or lost; null while open.
    pub closed_on: Option<NaiveDate>,
    /// Hygiene of an open deal (always false for a closed one).
    pub stale: bool,
    pub slipped: bool,
    pub no_next_step: bool,
    /// How many times its expected close date moved later.
    pub close_pushed: usize,
    /// Every change of its expected close date (SPEC §9): when, to what
    /// (null: cleared), in which note, and whether it was a push.
    pub close_history: Vec<CloseChangeRow>,
    pub history: Vec<StageChangeRow>,
    /// Paths of the notes that mention it, in date order.
    pub mentions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CloseChangeRow {
    pub date: NaiveDate,
    pub close: Option<NaiveDate>,
    /// Path of the note that made the change.
    pub note: String,
    pub push: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageChangeRow {
    pub date: NaiveDate,
    pub stage: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommitmentRow {
    pub id: Arc<str>,
    pub what: Arc<str>,
    pub to: Option<Arc<str>>,
    /// `open`, `overdue`, `done` or `dropped`.
    pub status: &'static str,
    pub made_on: NaiveDate,
    /// Path of the note that made it.
    pub made_in: String,
    /// `front-matter` or `task`.
    pub origin: &'static str,
    /// The due date shown and used for `overdue`.
    pub due: Option<NaiveDate>,
    /// The due date on-time judgement uses (a late reschedule does not move it).
    pub counting_due: Option<NaiveDate>,
    pub original_due: Option<NaiveDate>,
    pub done: Option<NaiveDate>,
    pub dropped: Option<NaiveDate>,
    /// Days past due for an overdue one; null otherwise.
    pub days_overdue: Option<i64>,
    /// For a done one, whether it was done by its counting due date; null otherwise.
    pub kept_on_time: Option<bool>,
    /// Its `note:`.
    pub note: Option<Arc<str>>,
    /// Paths of the notes that updated it.
    pub updated_in: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DayRow {
    pub date: NaiveDate,
    /// `mon` … `sun`.
    pub weekday: String,
    pub workday: bool,
    pub notes: usize,
    pub mood: Option<f64>,
    pub energy: Option<f64>,
    pub activity: Counts,
    pub total: u64,
}

impl Export {
    /// Build the export model of `journal` (as of its date).
    pub fn build(journal: &Journal, config: &Config, figures: Figures) -> Export {
        let d = journal.as_of;
        let paths: Vec<&str> = journal.notes.iter().map(|n| n.path.as_str()).collect();
        let stage_name = |id| config.pipeline.stage(id).name.clone();

        let mut note_deals: Vec<Vec<String>> = vec![Vec::new(); paths.len()];
        let deals = journal
            .deals
            .iter()
            .map(|deal| {
                for &i in &deal.mentions {
                    note_deals[i].push(deal.id.clone());
                }
                let stage = config.pipeline.stage(deal.stage);
                let closed = deal.closed(config);
                let h = if closed.is_none() { hygiene(deal, journal, config) } else { Default::default() };
                let last_touched = deal.last_touched(&journal.notes);
                DealRow {
                    id: deal.id.clone(),
                    name: deal.name.clone(),
                    stage: stage.name.clone(),
                    status: match closed {
                        None => "open",
                        Some((Outcome::Won, _)) => "won",
                        Some((Outcome::Lost, _)) => "lost",
                    },
                    probability: stage.probability,
                    amount: deal.amount,
                    weighted: deal.amount.map(|a| a * stage.probability),
                    close: deal.close,
                    next: deal.next.clone().filter(|n| !n.trim().is_empty()),
                    contact: deal.contact.clone(),
                    source: deal.source.clone(),
                    reason: deal.reason.clone(),
                    first_mentioned: deal.first_mention(),
                    last_touched,
                    days_since_touched: (d - last_touched).num_days(),
                    closed_on: closed.map(|(_, on)| on),
                    stale: h.stale,
                    slipped: h.slipped,
                    no_next_step: h.no_next_step,
                    close_pushed: deal.close_pushed(),
                    close_history: deal
                        .close_history
                        .iter()
                        .enumerate()
                        .map(|(i, c)| CloseChangeRow {
                            date: c.date,
                            close: c.close,
                            note: paths[c.note].to_string(),
                            push: c.is_push(i.checked_sub(1).map(|p| &deal.close_history[p])),
                        })
                        .collect(),
                    history: deal
                        .history
                        .iter()
                        .map(|c| StageChangeRow { date: c.date, stage: stage_name(c.stage) })
                        .collect(),
                    mentions: deal.mentions.iter().map(|&i| paths[i].to_string()).collect(),
                }
            })
            .collect();

        let mut made: Vec<Vec<Arc<str>>> = vec![Vec::new(); paths.len()];
        let mut updated: Vec<Vec<Arc<str>>> = vec![Vec::new(); paths.len()];
        let commitments = journal
            .commitments
            .iter()
            .map(|c| {
                made[c.note].push(c.id.clone());
                let mut updated_in: Vec<String> = Vec::new();
                for &i in &c.updates {
                    if !updated[i].contains(&c.id) {
                        updated[i].push(c.id.clone());
                    }
                    if !updated_in.iter().any(|p| p == paths[i]) {
                        updated_in.push(paths[i].to_string());
                    }
                }
                let status = c.status(d);
                CommitmentRow {
                    id: c.id.clone(),
                    what: c.what.clone(),
                    to: c.to.clone(),
                    status: status.as_str(),
                    made_on: c.made_on,
                    made_in: paths[c.note].to_string(),
                    origin: match c.origin {
                        Origin::FrontMatter => "front-matter",
                        Origin::Task => "task",
                    },
                    due: c.due,
                    counting_due: c.counting_due,
                    original_due: c.original_due,
                    done: c.done.filter(|x| *x <= d),
                    dropped: c.dropped.filter(|x| *x <= d),
                    days_overdue: match (status, c.due) {
                        (crate::model::journal::Status::Overdue, Some(due)) => Some((d - due).num_days()),
                        _ => None,
                    },
                    // Judged only against a due date: done with none, it
                    // was neither kept on time nor late.
                    kept_on_time: c.done.filter(|x| *x <= d && c.counting_due.is_some()).map(|_| c.kept_on_time(d)),
                    note: c.remark.clone(),
                    updated_in,
                }
            })
            .collect();

        let notes = journal
            .notes
            .iter()
            .enumerate()
            .map(|(i, n)| NoteRow {
                date: n.date,
                path: n.path.clone(),
                mood: n.mood,
                energy: n.energy,
                activity: n.activity.clone(),
                wins: n.wins.clone(),
                help: n.help.clone(),
                tags: n.tags.clone(),
                deals: std::mem::take(&mut note_deals[i]),
                commitments_made: std::mem::take(&mut made[i]),
                commitments_updated: std::mem::take(&mut updated[i]),
                extra: n.extra.iter().cloned().collect(),
                body: n.body_text().into_owned(),
            })
            .collect();

        let days = Days::new(journal, config);
        let activity = days
            .days
            .iter()
            .map(|(date, day)| DayRow {
                date: *date,
                weekday: date.weekday().to_string().to_lowercase(),
                workday: days.is_workday(*date),
                notes: day.notes.len(),
                mood: day.mood,
                energy: day.energy,
                activity: day.activity.clone(),
                total: day.total_activity(),
            })
            .collect();

        let mut names: BTreeSet<String> =
            journal.notes.iter().flat_map(|n| n.activity.keys().map(str::to_string)).collect();
        names.extend(config.activities.iter().cloned());
        names.extend(config.goals.daily.keys().cloned());
        names.extend(config.goals.weekly.keys().cloned());

        Export {
            late_edits: None,
            saleslog_export: SCHEMA_VERSION,
            as_of: d,
            name: config.name.clone(),
            currency: config.currency.clone(),
            stages: config
                .pipeline
                .stages
                .iter()
                .map(|s| StageRow {
                    name: s.name.clone(),
                    probability: s.probability,
                    closed: s.closed.map(|o| match o {
                        Outcome::Won => "won",
                        Outcome::Lost => "lost",
                    }),
                })
                .collect(),
            activity_names: names.into_iter().collect(),
            notes,
            deals,
            commitments,
            activity,
            figures,
        }
    }
}

/// The JSON export: the whole model, or with `what` only that section
/// (beside the schema version, the date and the configuration's name).
pub fn json(export: &Export, what: Option<What>) -> String {
    // A section is a struct too, so keys keep the schema's order.
    #[derive(Serialize)]
    struct Section<'a> {
        saleslog_export: u32,
        as_of: NaiveDate,
        name: &'a str,
        currency: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        notes: Option<&'a [NoteRow]>,
        #[serde(skip_serializing_if = "Option::is_none")]
        deals: Option<&'a [DealRow]>,
        #[serde(skip_serializing_if = "Option::is_none")]
        commitments: Option<&'a [CommitmentRow]>,
        #[serde(skip_serializing_if = "Option::is_none")]
        activity: Option<&'a [DayRow]>,
    }
    let text = match what {
        None => serde_json::to_string_pretty(export),
        Some(what) => serde_json::to_string_pretty(&Section {
            saleslog_export: export.saleslog_export,
            as_of: export.as_of,
            name: &export.name,
            currency: &export.currency,
            notes: (what == What::Notes).then_some(export.notes.as_slice()),
            deals: (what == What::Deals).then_some(export.deals.as_slice()),
            commitments: (what == What::Commitments).then_some(export.commitments.as_slice()),
            activity: (what == What::Activity).then_some(export.activity.as_slice()),
        }),
    };
    let mut out = text.expect("the export serializes");
    out.push('\n');
    out
}

/// The export of the journal at `root` as of `as_of`, as text.
pub fn render(
    ws: &Workspace,
    as_of: NaiveDate,
    format: Format,
    what: Option<What>,
    stamp: ics::Stamp,
) -> Result<String> {
    let (journal, diagnostics) = ws.journal_and_diagnostics(as_of);
    let figures = ws.figures_of(&journal, crate::model::diagnostic::Tally::of(&diagnostics));
    let mut export = Export::build(&journal, &ws.config, figures);
    export.late_edits = ws.timeliness().map(|t| t.late_edits.iter().filter(|e| e.date <= as_of).cloned().collect());
    match format {
        Format::Json => Ok(json(&export, what)),
        Format::Csv => match what {
            Some(what) => Ok(csv::table(&export, what)),
            None => Err(Error::Usage(
                "a CSV file holds one table: add --what notes, deals, commitments or activity".into(),
            )),
        },
        Format::Ics => match what {
            None | Some(What::Commitments) | Some(What::Deals) => Ok(ics::calendar(&export, what, stamp)),
            Some(other) => Err(Error::Usage(format!(
                "an ICS calendar holds commitments and deals, not {}: use --what commitments or --what deals, or leave --what out",
                other.as_str()
            ))),
        },
    }
}

/// `saleslog export`: write the export to `output`, or to stdout. `force`
/// allows replacing a file that is not an earlier export.
pub fn command(
    root: &Path,
    as_of: NaiveDate,
    format: Format,
    what: Option<What>,
    output: Option<&Path>,
    force: bool,
) -> Result<std::process::ExitCode> {
    let ws = Workspace::load(root)?;
    if let Some(path) = output {
        check_target(root, path, force)?;
    }
    let text = render(&ws, as_of, format, what, ics::Stamp::now())?;
    match output {
        // A reader never sees half an export.
        Some(path) => crate::site::output_dir::atomic_write(path, text.as_bytes())?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes()).and_then(|_| out.flush()).map_err(|e| Error::io("<stdout>", e))?;
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// May the export be written to `path`? Never over a note, the
/// configuration or a template of the journal at `root` (not even with
/// `--force`: saleslog never modifies a user's journal), and over any
/// other existing file only when it is an earlier export, or with `force`.
fn check_target(root: &Path, path: &Path, force: bool) -> Result<()> {
    use crate::site::output_dir::resolve;
    let refuse = |why: String| Error::Usage(format!("refusing to write the export to {}: {why}", path.display()));
    let target = resolve(path)?;
    let journal = resolve(root)?;
    if let Ok(rel) = target.strip_prefix(&journal) {
        let what = if rel == Path::new(crate::model::config::FILE_NAME) {
            Some("it is the journal's configuration")
        } else if rel.starts_with("templates") {
            Some("it is in the journal's templates folder")
        } else if rel.extension().is_some_and(|e| e == "md") {
            Some("it is a note of the journal (a markdown file in it)")
        } else if rel.as_os_str().is_empty() {
            Some("it is the journal folder")
        } else {
            None
        };
        if let Some(what) = what {
            return Err(refuse(format!("{what}; write it outside the journal, or into a file of its own")));
        }
    }
    match std::fs::metadata(&target) {
        Ok(m) if m.is_dir() => Err(refuse("it is a folder; name a file".into())),
        Ok(m) if !m.is_file() => Err(refuse("it is not a regular file".into())),
        Ok(_) if !force && !is_an_export(&target) => Err(refuse(
            "the file exists and was not written by saleslog export; add --force to replace it, or choose another name"
                .into(),
        )),
        _ => Ok(()),
    }
}

/// Does the file start like one of saleslog's exports (JSON, a CSV table,
/// an ICS calendar)? Such a file is replaced without `--force`, so a
/// scheduled export keeps working.
fn is_an_export(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head));
    if read.is_err() {
        return false;
    }
    let head = String::from_utf8_lossy(&head);
    let first = head.lines().next().unwrap_or_default();
    head.starts_with("{\n  \"saleslog_export\":")
        || (first == "BEGIN:VCALENDAR" && head.contains("\nPRODID:-//saleslog//"))
        || ["date,path,mood,energy,", "id,name,stage,status,", "id,what,to,status,", "date,weekday,workday,notes,"]
            .iter()
            .any(|h| first.starts_with(h))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::analyse::test_support::{config, d, journal};
    use crate::model::diagnostic::Tally;

    pub(crate) const STORY: &[(&str, &str)] = &[
        (
            "2026/11/2026-11-02.md",
            "---\nmood: 4\nactivity: {calls: 20, emails: 3}\nwins: [\"Acme, finally\"]\ndeals:\n  - {name: Acme Corp, stage: proposal, amount: 48000, close: 2026-11-30, next: \"Call \\\"Jane\\\", then send\"}\n  - {name: Globex, stage: lead}\ncommitments:\n  - {id: acme-pricing, what: \"Send pricing, v2\", to: Jane Doe (Acme), due: 2026-11-20}\n  - {id: kept, what: Kept one, due: 2026-11-05}\n  - {id: later, what: \"Line one\\nline two\", due: 2026-12-01}\n---\nBody text.\n- [ ] Call Bob 📅 2026-11-25\n",
        ),
        (
            "2026/11/2026-11-04.md",
            "---\nmood: 2\nactivity: {calls: 5}\ncommitments:\n  - {id: kept, done: true}\ndeals:\n  - {id: globex, stage: lost, reason: price}\nvibe: good\n---\n",
        ),
        ("2026/11/2026-11-04-meeting.md", "---\nmood: 3\nactivity: {calls: 1}\n---\n"),
    ];

    pub(crate) fn story() -> Export {
        let c = config("goals:\n  daily: {calls: 20}\n");
        let j = journal(&c, STORY, "2026-11-27");
        let figures = crate::analyse::analyse(&j, &c, Tally::default());
        Export::build(&j, &c, figures)
    }

    /// Done without a due date: never judged, so neither kept on time nor
    /// late (as SPEC §4's on-time rate does not count it).
    #[test]
    fn a_commitment_done_without_a_due_date_is_not_judged() {
        let c = config("");
        let j = journal(
            &c,
            &[("2026-11-02.md", "---\ncommitments:\n  - {what: Call Bob, done: true}\n---\n")],
            "2026-11-27",
        );
        let figures = crate::analyse::analyse(&j, &c, Tally::default());
        let e = Export::build(&j, &c, figures);
        assert_eq!((e.commitments[0].status, e.commitments[0].kept_on_time), ("done", None));
    }

    #[test]
    fn rows_carry_computed_statuses() {
        let e = story();
        let status: Vec<(&str, &str)> = e.commitments.iter().map(|c| (&*c.id, c.status)).collect();
        assert_eq!(
            status,
            [("acme-pricing", "overdue"), ("kept", "done"), ("later", "open"), ("2026-11-02-call-bob", "overdue")]
        );
        assert_eq!(e.commitments[0].days_overdue, Some(7));
        assert_eq!(e.commitments[1].kept_on_time, Some(true));
        assert_eq!(e.commitments[1].updated_in, ["2026/11/2026-11-04.md"]);
        assert_eq!(e.commitments[3].origin, "task");
        assert_eq!(e.deals[0].status, "open");
        assert_eq!(e.deals[0].weighted, Some(24000.0));
        assert!(e.deals[0].stale && !e.deals[0].slipped && !e.deals[0].no_next_step);
        assert_eq!(e.deals[1].status, "lost");
        assert_eq!(e.deals[1].closed_on, Some(d("2026-11-04")));
        assert!(!e.deals[1].stale, "hygiene is for open deals");
        assert_eq!(e.notes[2].commitments_updated, [Arc::from("kept")]);
        let made: Vec<&str> = e.notes[0].commitments_made.iter().map(|id| &**id).collect();
        assert_eq!(made, ["acme-pricing", "kept", "later", "2026-11-02-call-bob"]);
        assert_eq!(e.notes[2].extra.get("vibe").map(String::as_str), Some("good"));
        assert_eq!(e.activity.len(), 2);
        assert_eq!(e.activity[1].notes, 2);
        assert_eq!(e.activity[1].mood, Some(2.5));
        assert_eq!(e.activity[1].total, 6);
        assert_eq!(e.activity[1].weekday, "wed");
        assert_eq!(e.activity_names, ["calls", "emails"]);
    }

    #[test]
    fn json_is_the_model_in_schema_order() {
        let e = story();
        let text = json(&e, None);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["saleslog_export"], 1);
        assert_eq!(v["as_of"], "2026-11-27");
        assert_eq!(v["deals"][0]["amount"], 48000);
        assert_eq!(v["commitments"][0]["due"], "2026-11-20");
        assert_eq!(v["figures"]["commitments"]["overdue"], 2);
        assert!(text.find("\"notes\"").unwrap() < text.find("\"deals\"").unwrap());
        let only: serde_json::Value = serde_json::from_str(&json(&e, Some(What::Deals))).unwrap();
        let keys: Vec<&String> = only.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["as_of", "currency", "deals", "name", "saleslog_export"]);
    }
}
