//! `saleslog new`: the note for a day, pre-filled so that the rep's system,
//! not their manager, reminds them of every promise and every deal that
//! needs a look.
//!
//! The note is rendered from a tera template (`templates/note.md`, built in,
//! overridable by the journal's own `templates/note.md`). Everything the
//! template shows is prepared here as plain text — summaries, and YAML
//! update lines the rep completes by uncommenting one line — so a template
//! only lays it out (STYLE: templates only format). Every carried-forward
//! item is a YAML comment, so the note as written changes no figure and
//! passes `check`; uncommenting `# - {id: acme-pricing, done: true}` is the
//! whole act of keeping a promise.
//!
//! `new` never overwrites: the file is created with a no-clobber rename, so
//! even a note written between the check and the write is left alone.

use crate::analyse::pipeline::hygiene;
use crate::analyse::summary::money;
use crate::error::{Error, Result};
use crate::model::config::Config;
use crate::model::journal::{Journal, Origin, Status};
use crate::site::workspace::Workspace;
use crate::text::parse_date;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The built-in note template.
pub const NOTE_TEMPLATE: &str = include_str!("../../templates/note.md");
/// Where a journal overrides it, relative to the journal.
pub const NOTE_TEMPLATE_PATH: &str = "templates/note.md";

/// What the note template is given. Field names are the template's
/// variables (documented in docs/workflow.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteView {
    /// The note's date, `YYYY-MM-DD`.
    pub date: String,
    /// "Friday 27 November 2026".
    pub title: String,
    /// The top of the mood scale, as written in the configuration.
    pub scale: String,
    /// Activity names of the goals and `activities`, in name order, as
    /// YAML keys (quoted when they need to be).
    pub activities: Vec<String>,
    /// Overdue commitments, most overdue first.
    pub overdue: Vec<CarriedCommitment>,
    /// Open commitments, soonest due first; those without a due date last.
    pub open: Vec<CarriedCommitment>,
    /// Open deals that are stale, slipped or without a next step.
    pub deals: Vec<CarriedDeal>,
    /// The previous note day's `help:` asks, as YAML scalars.
    pub asks: Vec<String>,
    /// The date of those asks, or empty.
    pub asks_date: String,
    /// `off:`'s value as YAML (`PTO`, `true`) for a day off, or empty.
    pub off: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CarriedCommitment {
    pub id: String,
    pub what: String,
    pub to: String,
    /// `YYYY-MM-DD`, or empty.
    pub due: String,
    /// Days past its due date (0 when not overdue).
    pub days_overdue: i64,
    /// One line for a person: id, what, to whom, when.
    pub summary: String,
    /// The YAML list item that marks it done: `- {id: acme-pricing, done: true}`.
    pub update: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CarriedDeal {
    pub id: String,
    pub name: String,
    pub stage: String,
    pub stale: bool,
    pub slipped: bool,
    pub no_next_step: bool,
    /// One line for a person: the deal, its figures and why it is listed.
    pub summary: String,
    /// A YAML list item restating stage, close and next step, to edit.
    pub update: String,
}

/// Gather what the note for `date` carries forward from the journal as of
/// that date.
pub fn view(journal: &Journal, config: &Config, date: NaiveDate) -> NoteView {
    let mut activities: Vec<String> = config
        .goals
        .daily
        .keys()
        .chain(config.goals.weekly.keys())
        .chain(config.activities.iter())
        .filter(|name| !name.is_empty())
        .cloned()
        .collect();
    activities.sort();
    activities.dedup();
    let activities = activities.iter().map(|name| yaml_scalar(name)).collect();

    let mut overdue = Vec::new();
    let mut open = Vec::new();
    for c in &journal.commitments {
        let status = c.status(date);
        if !matches!(status, Status::Open | Status::Overdue) {
            continue;
        }
        let days_overdue = match (status, c.due) {
            (Status::Overdue, Some(due)) => (date - due).num_days(),
            _ => 0,
        };
        let mut summary = format!("{}: {}", c.id, c.what);
        if let Some(to) = &c.to {
            summary.push_str(&format!(" → {to}"));
        }
        match c.due {
            Some(due) if days_overdue > 0 => {
                summary.push_str(&format!(" · due {due}, {} overdue", days(days_overdue)));
            }
            Some(due) if due == date => summary.push_str(" · due today"),
            Some(due) => summary.push_str(&format!(" · due {due}, in {}", days((due - date).num_days()))),
            None => summary.push_str(" · no due date"),
        }
        if c.origin == Origin::Task {
            summary.push_str(&format!(" · task in {}", journal.notes[c.note].path));
        }
        let carried = CarriedCommitment {
            id: c.id.to_string(),
            what: c.what.to_string(),
            to: c.to.as_deref().unwrap_or_default().to_string(),
            due: c.due.map(|d| d.to_string()).unwrap_or_default(),
            days_overdue,
            summary: one_line(&summary),
            update: format!("- {{id: {}, done: true}}", yaml_scalar(&c.id)),
        };
        if status == Status::Overdue {
            overdue.push((c.due, carried));
        } else {
            open.push((c.due, carried));
        }
    }
    // Most overdue first; open ones soonest first, undated last. The sort is
    // stable, so ties keep the order the commitments were made in.
    overdue.sort_by_key(|(due, _)| *due);
    open.sort_by_key(|(due, _)| (due.is_none(), *due));

    let mut deals = Vec::new();
    for deal in journal.deals.iter().filter(|d| d.is_open(config)) {
        let h = hygiene(deal, journal, config);
        if !(h.stale || h.slipped || h.no_next_step) {
            continue;
        }
        let stage = &config.pipeline.stage(deal.stage).name;
        let mut why = Vec::new();
        if h.stale {
            let touched = deal.last_touched(&journal.notes);
            why.push(format!("untouched for {}", days((date - touched).num_days())));
        }
        if let (true, Some(close)) = (h.slipped, deal.close) {
            why.push(format!("close date {close} passed"));
        }
        if h.no_next_step {
            why.push("no next step".to_string());
        }
        let mut summary = format!("{}: {stage}", deal.name);
        if let Some(amount) = deal.amount {
            summary.push_str(&format!(", {}", money(amount, &config.currency)));
        }
        summary.push_str(&format!(" · {}", why.join(", ")));
        let mut update = format!("- {{id: {}, stage: {}", yaml_scalar(&deal.id), yaml_scalar(stage));
        if let Some(close) = deal.close {
            update.push_str(&format!(", close: {close}"));
        }
        update.push_str(&format!(", next: {}}}", yaml_scalar(&one_line(deal.next.as_deref().unwrap_or("")))));
        deals.push(CarriedDeal {
            id: deal.id.clone(),
            name: deal.name.clone(),
            stage: stage.clone(),
            stale: h.stale,
            slipped: h.slipped,
            no_next_step: h.no_next_step,
            summary: one_line(&summary),
            update,
        });
    }

    // The previous note day's asks (several notes may share that day).
    let previous = journal.notes.iter().rev().map(|n| n.date).find(|d| *d < date);
    let mut asks: Vec<String> = Vec::new();
    if let Some(previous) = previous {
        for note in journal.notes.iter().filter(|n| n.date == previous) {
            for ask in &note.help {
                let ask = yaml_scalar(&one_line(ask));
                if !asks.contains(&ask) {
                    asks.push(ask);
                }
            }
        }
    }

    NoteView {
        date: date.to_string(),
        title: date.format("%A %-d %B %Y").to_string(),
        scale: number(config.attitude.scale),
        activities,
        overdue: overdue.into_iter().map(|(_, c)| c).collect(),
        open: open.into_iter().map(|(_, c)| c).collect(),
        deals,
        asks_date: if asks.is_empty() { String::new() } else { previous.map(|d| d.to_string()).unwrap_or_default() },
        asks,
        off: String::new(),
    }
}

/// "1 day", "3 days".
fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

/// A number as a person writes it: `5`, `7.5`.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Text on one line: a line break inside a YAML comment would end it.
fn one_line(s: &str) -> String {
    s.split(['\r', '\n']).map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// `s` as a YAML scalar that reads back as the same text in a flow mapping:
/// plain when it is simple words such as an id or a name, double-quoted
/// otherwise.
pub fn yaml_scalar(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    // Letters, digits, spaces and a few marks that mean nothing to YAML in
    // a flow mapping (no `:`, `#`, `,`, brackets or quotes at the start).
    let simple = s.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '(' | ')' | '/' | '&' | '\''))
        && s.starts_with(|c: char| c.is_alphanumeric())
        && !s.ends_with(' ')
        // Not a YAML 1.2 core-schema number, boolean or null.
        && s.parse::<f64>().is_err()
        && !lower.starts_with("0x")
        && !lower.starts_with("0o")
        && !matches!(lower.as_str(), "true" | "false" | "null");
    if simple {
        s.to_string()
    } else {
        // A JSON string is a valid YAML double-quoted scalar.
        serde_json::to_string(s).expect("a string serializes")
    }
}

/// Render the note from a template's source.
pub fn render(template: &str, template_name: &str, view: &NoteView) -> Result<String> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    // Within the pages' bounds (a deadline, an output cap, a `range` that
    // stops): a template that loops ends `new` with an error, not a hang.
    tera.register_function("range", crate::render::bound::range);
    let error = |e: tera::Error| Error::Template { name: template_name.to_string(), message: e.to_string() };
    tera.add_raw_template(template_name, template).map_err(error)?;
    let context = tera::Context::from_serialize(view).map_err(error)?;
    let text = crate::render::bound::render(&tera, template_name, template_name, &context)?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// The journal's note template if it has one, else the built-in one:
/// (source, name for messages).
pub fn template(root: &Path) -> Result<(String, String)> {
    let path = root.join(NOTE_TEMPLATE_PATH);
    // With the rules of any journal file: a regular file inside the
    // journal (a pipe would hang `new`), of a template's size.
    match crate::source::discover::read_journal_file(root, &path, crate::render::MAX_TEMPLATE_BYTES) {
        Ok(Some(bytes)) => Ok((String::from_utf8_lossy(&bytes).into_owned(), path.display().to_string())),
        Ok(None) => Ok((NOTE_TEMPLATE.to_string(), "built-in note.md".to_string())),
        Err(why) => Err(Error::Template { name: NOTE_TEMPLATE_PATH.to_string(), message: format!("not read: {why}") }),
    }
}

/// Where the note for `date` goes, relative to the journal, following the
/// layout of the latest daily note (a note named exactly `YYYY-MM-DD.md`):
/// flat, `YYYY/MM/`, `YYYY/`, `YYYY-MM/` or any fixed folder. A journal
/// without one gets `YYYY/MM/YYYY-MM-DD.md`.
pub fn note_path<'a>(existing: impl IntoIterator<Item = &'a str>, date: NaiveDate) -> String {
    let latest = existing
        .into_iter()
        .filter_map(|rel| {
            let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
            let day = name.strip_suffix(".md").and_then(parse_date)?;
            Some((day, rel, dir))
        })
        .max();
    let file = format!("{date}.md");
    let Some((day, _, dir)) = latest else {
        return format!("{:04}/{:02}/{file}", date.year(), date.month());
    };
    let year = format!("{:04}", day.year());
    let month = format!("{:02}", day.month());
    let year_month = format!("{year}-{month}");
    let folders: Vec<String> = dir
        .split('/')
        .filter(|c| !c.is_empty())
        .map(|c| {
            if c == year {
                format!("{:04}", date.year())
            } else if c == month {
                format!("{:02}", date.month())
            } else if c == year_month {
                format!("{:04}-{:02}", date.year(), date.month())
            } else {
                c.to_string()
            }
        })
        .collect();
    if folders.is_empty() {
        file
    } else {
        format!("{}/{file}", folders.join("/"))
    }
}

/// What `new` did.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The note was written at this path (relative to the journal).
    Created { rel: String, view: Box<NoteView> },
    /// A daily note for the date is already there; nothing was written.
    Exists { rel: String },
}

impl Outcome {
    pub fn rel(&self) -> &str {
        match self {
            Outcome::Created { rel, .. } | Outcome::Exists { rel } => rel,
        }
    }
}

/// Create the note for `date` in the journal at `root`, unless a daily note
/// for that date exists (at the layout's path or anywhere in the journal).
pub fn create(root: &Path, date: NaiveDate, off: Option<&str>) -> Result<Outcome> {
    let ws = Workspace::load(root)?;
    let file = format!("{date}.md");
    let rel = match &ws.config.vault {
        // A vault's daily note is where its own settings put it.
        Some(layout) => layout.path_of(date),
        None => {
            if let Some(rel) = ws.sources.keys().find(|rel| rel.rsplit('/').next() == Some(file.as_str())) {
                return Ok(Outcome::Exists { rel: rel.clone() });
            }
            note_path(ws.sources.keys().map(String::as_str), date)
        }
    };
    let path = root.join(&rel);
    if path.exists() {
        return Ok(Outcome::Exists { rel });
    }
    refuse_linked_folder(root, &rel, date)?;
    let mut view = view(&ws.journal(date), &ws.config, date);
    view.off = off.map(off_value).unwrap_or_default();
    let (source, name) = template(root)?;
    let text = render(&source, &name, &view)?;
    match write_new(&path, text.as_bytes())? {
        true => Ok(Outcome::Created { rel, view: Box::new(view) }),
        false => Ok(Outcome::Exists { rel }),
    }
}

/// Discovery reads no folder through a link (SPEC §1's walk, which could
/// loop or leave the journal): a note made in one would never count, and
/// would be written wherever the link leads. Refused, saying why.
fn refuse_linked_folder(root: &Path, rel: &str, date: NaiveDate) -> Result<()> {
    let mut folder = root.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        folder.push(part);
        if std::fs::symlink_metadata(&folder).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::Usage(format!(
                "refusing to write the note for {date} into {}: it is a link to a folder, and saleslog does not \
                 read notes through links, so the note would not count; move that folder into the journal \
                 instead of linking it",
                folder.display()
            )));
        }
    }
    Ok(())
}

/// `--off REASON` as the YAML value of `off:`: `true` stays the boolean (a
/// day off without a reason), `false` too (a workday); any other reason is
/// text, quoted when YAML would read it as something else (`--off 1` is
/// `"1"`, not a number).
fn off_value(reason: &str) -> String {
    let reason = one_line(reason);
    match reason.as_str() {
        "" | "true" => "true".to_string(),
        // `off: false` is a workday (SPEC §2), not a day off whose reason
        // is "false".
        "false" => "false".to_string(),
        _ => yaml_scalar(&reason),
    }
}

/// Write a file that must not exist yet, atomically: a temporary file in
/// the same folder, renamed into place without clobbering. `false` when the
/// file appeared meanwhile (it is left untouched).
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<bool> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp =
        tempfile::Builder::new().prefix(".saleslog-").suffix(".tmp").tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).and_then(|_| tmp.flush()).map_err(|e| Error::io(tmp.path(), e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // tempfile creates 0600; a note is an ordinary file.
        let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644));
    }
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(Error::io(path, e.error)),
    }
}

/// The editor to open notes with: `$VISUAL`, else `$EDITOR` (non-empty).
pub fn editor(var: impl Fn(&str) -> Option<String>) -> Option<String> {
    ["VISUAL", "EDITOR"].iter().find_map(|k| var(k).filter(|v| !v.trim().is_empty()))
}

/// Open `path` in `editor` and wait for it. On Unix the editor is run by
/// the shell, as git does, so `EDITOR="code --wait"` works.
pub fn open_in_editor(editor: &str, path: &Path) -> Result<()> {
    #[cfg(unix)]
    let mut cmd = {
        let mut c = std::process::Command::new("sh");
        c.arg("-c").arg(format!("{editor} \"$@\"")).arg(editor).arg(path);
        c
    };
    #[cfg(not(unix))]
    let mut cmd = {
        let mut words = editor.split_whitespace();
        let mut c = std::process::Command::new(words.next().unwrap_or(editor));
        c.args(words).arg(path);
        c
    };
    let status = cmd.status().map_err(|e| Error::Usage(format!("could not start the editor `{editor}`: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::Usage(format!("the editor `{editor}` exited with {status}; the note is at {}", path.display())))
    }
}

/// `saleslog new`: create the note and say where it is. The note's path is
/// printed on stdout (so `$EDITOR "$(saleslog new)"` works), what happened
/// on stderr. An existing note is not an error (exit 0): running `new`
/// twice in a day is harmless, and `new --edit` then opens today's note.
pub fn command(root: &Path, date: NaiveDate, edit: bool, off: Option<&str>) -> Result<std::process::ExitCode> {
    let outcome = create(root, date, off)?;
    let path: PathBuf = root.join(outcome.rel());
    let mut err = anstream::stderr();
    match &outcome {
        Outcome::Created { view, .. } => {
            let mut carried = Vec::new();
            if !view.overdue.is_empty() {
                carried.push(format!("{} overdue", view.overdue.len()));
            }
            if !view.open.is_empty() {
                carried.push(format!("{} open", view.open.len()));
            }
            let total = view.overdue.len() + view.open.len();
            let commitments = match total {
                0 => "no open commitments".to_string(),
                1 => format!("{} commitment", carried.join(" and ")),
                _ => format!("{} commitments", carried.join(" and ")),
            };
            let deals = match view.deals.len() {
                0 => "no deal needs a look".to_string(),
                1 => "1 deal to look at".to_string(),
                n => format!("{n} deals to look at"),
            };
            if !view.off.is_empty() {
                let _ = writeln!(err, "saleslog: created the note for {date}, a day off (off: {})", view.off);
            } else {
                let _ = writeln!(err, "saleslog: created the note for {date}: {commitments}, {deals}");
            }
        }
        Outcome::Exists { .. } => {
            let _ = writeln!(err, "saleslog: the note for {date} already exists; it was left as it is");
            if let Some(off) = off {
                let _ =
                    writeln!(err, "saleslog: to make it a day off, add `off: {}` to its front matter", off_value(off));
            }
        }
    }
    let mut out = anstream::stdout();
    writeln!(out, "{}", path.display()).map_err(|e| Error::io("<stdout>", e))?;
    if edit {
        let Some(editor) = editor(|k| std::env::var(k).ok()) else {
            return Err(Error::Usage(format!(
                "--edit needs an editor: set $VISUAL or $EDITOR (e.g. `export EDITOR=nano`); the note is at {}",
                path.display()
            )));
        };
        open_in_editor(&editor, &path)?;
    }
    Ok(std::process::ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::test_support::{config, d, journal};
    use crate::model::note;

    const STORY: &[(&str, &str)] = &[
        (
            "2026/11/2026-11-02.md",
            "---\ndeals:\n  - {name: Acme Corp, stage: proposal, amount: 48000, close: 2026-11-20, next: Pricing}\n  - {name: \"Initech, Inc.\", stage: lead}\n  - {name: Globex, stage: qualified, next: Demo}\ncommitments:\n  - {id: acme-pricing, what: Send revised pricing, to: Jane Doe (Acme), due: 2026-11-20}\n  - {what: \"Quote: \\\"the #1 plan\\\"\", due: 2026-12-01}\n  - {id: kept, what: Kept one, due: 2026-11-05, done: 2026-11-04}\n---\n- [ ] Call Bob 📅 2026-11-25\n",
        ),
        (
            "2026/11/2026-11-26.md",
            "---\nhelp: [\"Need an SE on the Initech demo\", \"Budget: yes or no?\"]\ndeals:\n  - {id: globex, next: Demo on Friday}\n---\n",
        ),
    ];

    fn story_view(as_of: &str) -> (NoteView, Config) {
        let c =
            config("goals:\n  daily: {calls: 20}\n  weekly: {meetings: 8}\nactivities: [calls, emails, meetings, \"demos: booked\"]\n");
        (view(&journal(&c, STORY, as_of), &c, d(as_of)), c)
    }

    #[test]
    fn carries_forward_commitments_overdue_first() {
        let (v, _) = story_view("2026-11-27");
        assert_eq!(v.activities, ["calls", "\"demos: booked\"", "emails", "meetings"]);
        let ids = |cs: &[CarriedCommitment]| cs.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&v.overdue), ["acme-pricing", "2026-11-02-call-bob"]);
        assert_eq!(v.overdue[0].days_overdue, 7);
        assert_eq!(
            v.overdue[0].summary,
            "acme-pricing: Send revised pricing → Jane Doe (Acme) · due 2026-11-20, 7 days overdue"
        );
        assert_eq!(v.overdue[0].update, "- {id: acme-pricing, done: true}");
        assert!(v.overdue[1].summary.ends_with("task in 2026/11/2026-11-02.md"), "{}", v.overdue[1].summary);
        assert_eq!(ids(&v.open), ["2026-11-02-quote-the-1-plan"]);
        assert!(v.open[0].summary.ends_with("due 2026-12-01, in 4 days"), "{}", v.open[0].summary);
    }

    #[test]
    fn lists_deals_that_need_a_look_and_the_last_asks() {
        let (v, _) = story_view("2026-11-27");
        // Acme: stale and slipped; Initech: stale, no next step. Globex was
        // touched yesterday and has a next step.
        let ids: Vec<&str> = v.deals.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["acme-corp", "initech-inc"]);
        assert_eq!(
            v.deals[0].summary,
            "Acme Corp: proposal, $48,000 · untouched for 25 days, close date 2026-11-20 passed"
        );
        assert_eq!(v.deals[0].update, "- {id: acme-corp, stage: proposal, close: 2026-11-20, next: Pricing}");
        assert_eq!(v.deals[1].update, "- {id: initech-inc, stage: lead, next: \"\"}");
        assert_eq!(v.asks, ["Need an SE on the Initech demo", "\"Budget: yes or no?\""]);
        assert_eq!(v.asks_date, "2026-11-26");
    }

    #[test]
    fn the_note_as_written_is_valid_and_changes_nothing() {
        let (v, c) = story_view("2026-11-27");
        let text = render(NOTE_TEMPLATE, "note.md", &v).unwrap();
        let parsed = note::parse("2026/11/2026-11-27.md", &text, &c);
        assert_eq!(parsed.diagnostics, vec![], "{text}");
        let n = parsed.note.unwrap();
        assert_eq!(n.date, d("2026-11-27"));
        assert!(n.deals.is_empty() && n.commitments.is_empty() && n.help.is_empty() && n.tasks.is_empty(), "{text}");
        assert_eq!(n.activity.values().sum::<u64>(), 0);
        assert_eq!(n.activity.keys().collect::<Vec<_>>(), ["calls", "demos: booked", "emails", "meetings"]);
        assert!(text.starts_with("---\ndate: 2026-11-27\n"), "{text}");
        assert!(text.contains("\n# Friday 27 November 2026\n"), "{text}");
    }

    #[test]
    fn a_day_off_note_says_off_and_is_valid() {
        let (mut v, c) = story_view("2026-11-27");
        for (reason, expected, value) in
            [("PTO", Some("PTO"), "PTO"), ("true", None, "true"), ("1", Some("1"), "\"1\"")]
        {
            v.off = off_value(reason);
            assert_eq!(v.off, value);
            let text = render(NOTE_TEMPLATE, "note.md", &v).unwrap();
            assert!(text.starts_with(&format!("---\ndate: 2026-11-27\noff: {value} ")), "{text}");
            let parsed = note::parse("2026/11/2026-11-27.md", &text, &c);
            assert_eq!(parsed.diagnostics, vec![], "{text}");
            let off = parsed.note.unwrap().off.expect("a day off");
            assert_eq!(off.reason.as_deref(), expected);
        }
        // `--off false` is a workday: `off: false`, no day off.
        v.off = off_value("false");
        let text = render(NOTE_TEMPLATE, "note.md", &v).unwrap();
        assert!(text.starts_with("---\ndate: 2026-11-27\noff: false "), "{text}");
        let parsed = note::parse("2026/11/2026-11-27.md", &text, &c);
        assert_eq!((parsed.diagnostics, parsed.note.unwrap().off), (vec![], None), "{text}");
        v.off = String::new();
        let text = render(NOTE_TEMPLATE, "note.md", &v).unwrap();
        assert!(!text.contains("off:"), "{text}");
    }

    #[test]
    fn uncommenting_one_line_applies_it() {
        let (v, c) = story_view("2026-11-27");
        let text = render(NOTE_TEMPLATE, "note.md", &v).unwrap();
        let mut edited = text.clone();
        let ask = format!("- {}", v.asks[1]);
        for line in [&v.overdue[0].update, &v.overdue[1].update, &v.deals[1].update, &ask] {
            let before = edited.clone();
            edited = edited.replacen(&format!("# {line}"), line, 1);
            assert_ne!(before, edited, "{line} not found in\n{text}");
        }
        // The deal line is then given a next step.
        edited = edited.replace("next: \"\"}", "next: Call Bill}");
        let mut files: Vec<(&str, &str)> = STORY.to_vec();
        files.push(("2026/11/2026-11-27.md", &edited));
        let j = journal(&c, &files, "2026-11-27");
        assert_eq!(j.diagnostics, vec![]);
        assert_eq!(j.commitment("acme-pricing").unwrap().status(d("2026-11-27")), Status::Done);
        assert_eq!(j.commitment("2026-11-02-call-bob").unwrap().status(d("2026-11-27")), Status::Done);
        assert_eq!(j.deal("initech-inc").unwrap().next.as_deref(), Some("Call Bill"));
        assert_eq!(j.notes.last().unwrap().help, ["Budget: yes or no?"]);
        let after = view(&j, &c, d("2026-11-28"));
        assert_eq!(after.deals.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["acme-corp"]);
    }

    #[test]
    fn an_empty_journal_gets_a_plain_note() {
        let c = Config::default();
        let v = view(&journal(&c, &[], "2026-11-27"), &c, d("2026-11-27"));
        assert!(v.overdue.is_empty() && v.open.is_empty() && v.deals.is_empty() && v.asks.is_empty());
        assert_eq!(v.scale, "5");
        let text = render(NOTE_TEMPLATE, "note.md", &v).unwrap();
        let parsed = note::parse("2026-11-27.md", &text, &c);
        assert_eq!(parsed.diagnostics, vec![], "{text}");
        assert!(parsed.note.unwrap().activity.is_empty());
    }

    #[test]
    fn template_errors_name_the_template() {
        let (v, _) = story_view("2026-11-27");
        let e = render("{{ nope(", "templates/note.md", &v).unwrap_err();
        assert!(matches!(&e, Error::Template { name, .. } if name == "templates/note.md"), "{e}");
    }

    #[test]
    fn yaml_scalars_read_back_as_the_same_text() {
        let c = Config::default();
        for s in [
            "acme-pricing",
            "2026-11-02-call-bob",
            "true",
            "Null",
            "a: b",
            "#1",
            "say \"hi\"",
            "x, y",
            "- a",
            "12",
            "ünï",
            "a\\b",
            "{x}",
            "2026-11-02-call-bob",
            "1e5",
            "0x1F",
            "1.5",
            "1_000",
            "a.b",
        ] {
            let text = format!("---\nhelp: [{}]\n---\n", yaml_scalar(s));
            let parsed = note::parse("2026-11-27.md", &text, &c);
            assert_eq!(parsed.diagnostics, vec![], "{s}: {text}");
            assert_eq!(parsed.note.unwrap().help, [s], "{text}");
        }
        assert_eq!(yaml_scalar("acme-pricing"), "acme-pricing");
        assert_eq!(yaml_scalar("true"), "\"true\"");
        assert_eq!(yaml_scalar("2026-11-02-call-bob"), "2026-11-02-call-bob");
        assert_eq!(yaml_scalar("1e5"), "\"1e5\"");
    }

    #[test]
    fn note_paths_follow_the_latest_daily_note() {
        let date = d("2027-01-04");
        assert_eq!(note_path([], date), "2027/01/2027-01-04.md");
        assert_eq!(note_path(["2026-11-27.md", "README.md"], date), "2027-01-04.md");
        assert_eq!(
            note_path(["2026/11/2026-11-27.md", "2026/11/2026-11-28-acme-call.md"], date),
            "2027/01/2027-01-04.md"
        );
        assert_eq!(note_path(["daily/2026/2026-11-27.md"], date), "daily/2027/2027-01-04.md");
        assert_eq!(note_path(["notes/2026-11/2026-11-27.md"], date), "notes/2027-01/2027-01-04.md");
        // The latest daily note decides when the layout changed.
        assert_eq!(note_path(["2026/09/2026-09-01.md", "2026-11-02.md"], date), "2027-01-04.md");
        // Meeting notes alone do not make a layout.
        assert_eq!(note_path(["2026-11-28-acme-call.md"], date), "2027/01/2027-01-04.md");
    }

    #[test]
    fn amounts_and_editors() {
        assert_eq!(number(5.0), "5");
        assert_eq!(number(7.5), "7.5");
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        assert_eq!(editor(env(&[("EDITOR", "vi"), ("VISUAL", "code -w")])), Some("code -w".into()));
        assert_eq!(editor(env(&[("EDITOR", "vi"), ("VISUAL", " ")])), Some("vi".into()));
        assert_eq!(editor(env(&[])), None);
    }
}
