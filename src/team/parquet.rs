//! `saleslog team export --format parquet -o DIR`: the organisation's data
//! as Hive-partitioned Parquet tables (SPEC §10), one partition per member:
//!
//! ```text
//! DIR/deals/member=<slug>/part-0.parquet
//! DIR/commitments/member=<slug>/part-0.parquet
//! DIR/notes/member=<slug>/part-0.parquet
//! DIR/activity/member=<slug>/part-0.parquet
//! ```
//!
//! so DuckDB (`read_parquet('DIR/deals/*/*.parquet', hive_partitioning = true)`),
//! Polars or Spark read a whole team as one table. The rows are the
//! export's ([`crate::commands::export::Export`]): one model, many formats.
//! The `member` column comes from the folder name, as Hive partitioning
//! means; it is not repeated inside the files.
//!
//! Written with the `parquet` crate's column writer, without Arrow (the
//! tables are flat, so Arrow's arrays would only add build time), Snappy
//! compressed. The folder is saleslog's: it must be new, empty or made by a
//! previous export (its marker `.saleslog-export` lists the files written,
//! each with the hash and length of its bytes, in the HTML build's marker
//! format), and only those files are ever replaced or removed. As in
//! `site::output_dir`, a marker line is honoured only when it is a
//! partition path inside the folder (the marker may have been edited), a
//! file is written only into real folders (never through a symlink), and a
//! stale file is removed only when reached through real folders and still
//! holding the bytes recorded; otherwise it is kept and reported. A marker
//! from before hashes were recorded lists bare paths: those files are still
//! replaced, but a stale one is kept (nothing says it holds what saleslog
//! wrote), and no longer listed.
//!
//! On unix the files are written, renamed and removed through folder
//! descriptors ([`beneath`], as the HTML build's pages are): a folder
//! swapped for a symlink between a check and the write it guards cannot
//! send either outside the folder. Other systems keep the checks by path.

use super::load::Team;
use crate::commands::export::Export;
use crate::error::{Error, Result};
use crate::model::diagnostic::Tally;
#[cfg(unix)]
use crate::site::beneath;
use crate::site::output_dir::{
    holds_recorded, marker_line, parse_marker_line, read_marker, safe_relative, Fingerprint,
};
use chrono::NaiveDate;
use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The marker of an export folder: the files the last export wrote.
pub const MARKER: &str = ".saleslog-export";

/// The tables, in the order they are written.
pub const TABLES: [&str; 4] = ["deals", "commitments", "notes", "activity"];

/// One column's values; `None` is a null.
enum Values {
    Text(Vec<Option<String>>),
    Float(Vec<Option<f64>>),
    Int(Vec<Option<i64>>),
    Date(Vec<Option<NaiveDate>>),
    Bool(Vec<Option<bool>>),
}

struct Column {
    name: &'static str,
    /// Never null (REQUIRED in the schema).
    required: bool,
    values: Values,
}

/// A flat table, column by column.
#[derive(Default)]
pub struct Table {
    columns: Vec<Column>,
}

impl Table {
    fn col(&mut self, name: &'static str, required: bool, values: Values) -> &mut Self {
        self.columns.push(Column { name, required, values });
        self
    }

    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| match &c.values {
            Values::Text(v) => v.len(),
            Values::Float(v) => v.len(),
            Values::Int(v) => v.len(),
            Values::Date(v) => v.len(),
            Values::Bool(v) => v.len(),
        })
    }

    fn schema(&self, name: &str) -> String {
        let fields: String = self
            .columns
            .iter()
            .map(|c| {
                let rep = if c.required { "REQUIRED" } else { "OPTIONAL" };
                let ty = match c.values {
                    Values::Text(_) => "BYTE_ARRAY",
                    Values::Float(_) => "DOUBLE",
                    Values::Int(_) => "INT64",
                    Values::Date(_) => "INT32",
                    Values::Bool(_) => "BOOLEAN",
                };
                let logical = match c.values {
                    Values::Text(_) => " (UTF8)",
                    Values::Date(_) => " (DATE)",
                    _ => "",
                };
                format!("  {rep} {ty} {}{logical};\n", c.name)
            })
            .collect();
        format!("message {name} {{\n{fields}}}")
    }

    /// The table as the bytes of one Parquet file (one row group).
    pub fn to_parquet(&self, name: &str) -> std::result::Result<Vec<u8>, parquet::errors::ParquetError> {
        let schema = Arc::new(parse_message_type(&self.schema(name))?);
        let props = Arc::new(WriterProperties::builder().set_compression(Compression::SNAPPY).build());
        let mut out = Vec::new();
        let mut writer = SerializedFileWriter::new(&mut out, schema, props)?;
        let mut group = writer.next_row_group()?;
        for column in &self.columns {
            let Some(mut w) = group.next_column()? else { break };
            // Definition levels: 1 for a value, 0 for a null (optional
            // columns only); the values themselves without the nulls.
            fn split<T: Clone, U>(v: &[Option<T>], f: impl Fn(&T) -> U) -> (Vec<U>, Vec<i16>) {
                let levels = v.iter().map(|x| i16::from(x.is_some())).collect();
                (v.iter().flatten().map(f).collect(), levels)
            }
            let def = |levels: &[i16]| -> Option<Vec<i16>> { (!column.required).then(|| levels.to_vec()) };
            match &column.values {
                Values::Text(v) => {
                    let (vals, levels) = split(v, |s| ByteArray::from(s.as_str()));
                    w.typed::<ByteArrayType>().write_batch(&vals, def(&levels).as_deref(), None)?;
                }
                Values::Float(v) => {
                    let (vals, levels) = split(v, |x| *x);
                    w.typed::<DoubleType>().write_batch(&vals, def(&levels).as_deref(), None)?;
                }
                Values::Int(v) => {
                    let (vals, levels) = split(v, |x| *x);
                    w.typed::<Int64Type>().write_batch(&vals, def(&levels).as_deref(), None)?;
                }
                Values::Date(v) => {
                    let (vals, levels) = split(v, |d| days_since_epoch(*d));
                    w.typed::<Int32Type>().write_batch(&vals, def(&levels).as_deref(), None)?;
                }
                Values::Bool(v) => {
                    let (vals, levels) = split(v, |x| *x);
                    w.typed::<BoolType>().write_batch(&vals, def(&levels).as_deref(), None)?;
                }
            }
            w.close()?;
        }
        group.close()?;
        writer.close()?;
        Ok(out)
    }
}

fn days_since_epoch(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("the epoch")).num_days() as i32
}

fn some<T: Clone>(v: impl IntoIterator<Item = T>) -> Vec<Option<T>> {
    v.into_iter().map(Some).collect()
}

/// The four tables of one member's export.
pub fn tables(e: &Export) -> [(&'static str, Table); 4] {
    let mut deals = Table::default();
    let d = &e.deals;
    deals
        .col("id", true, Values::Text(some(d.iter().map(|x| x.id.clone()))))
        .col("name", true, Values::Text(some(d.iter().map(|x| x.name.clone()))))
        .col("stage", true, Values::Text(some(d.iter().map(|x| x.stage.clone()))))
        .col("status", true, Values::Text(some(d.iter().map(|x| x.status.to_string()))))
        .col("probability", true, Values::Float(some(d.iter().map(|x| x.probability))))
        .col("amount", false, Values::Float(d.iter().map(|x| x.amount).collect()))
        .col("weighted", false, Values::Float(d.iter().map(|x| x.weighted).collect()))
        .col("close", false, Values::Date(d.iter().map(|x| x.close).collect()))
        .col("next", false, Values::Text(d.iter().map(|x| x.next.clone()).collect()))
        .col("contact", false, Values::Text(d.iter().map(|x| x.contact.clone()).collect()))
        .col("source", false, Values::Text(d.iter().map(|x| x.source.clone()).collect()))
        .col("reason", false, Values::Text(d.iter().map(|x| x.reason.clone()).collect()))
        .col("first_mentioned", true, Values::Date(some(d.iter().map(|x| x.first_mentioned))))
        .col("last_touched", true, Values::Date(some(d.iter().map(|x| x.last_touched))))
        .col("closed_on", false, Values::Date(d.iter().map(|x| x.closed_on).collect()))
        .col("stale", true, Values::Bool(some(d.iter().map(|x| x.stale))))
        .col("slipped", true, Values::Bool(some(d.iter().map(|x| x.slipped))))
        .col("no_next_step", true, Values::Bool(some(d.iter().map(|x| x.no_next_step))))
        .col("close_pushed", true, Values::Int(some(d.iter().map(|x| x.close_pushed as i64))));

    let mut commitments = Table::default();
    let c = &e.commitments;
    commitments
        .col("id", true, Values::Text(some(c.iter().map(|x| x.id.to_string()))))
        .col("what", true, Values::Text(some(c.iter().map(|x| x.what.to_string()))))
        .col("to", false, Values::Text(c.iter().map(|x| x.to.as_deref().map(str::to_string)).collect()))
        .col("status", true, Values::Text(some(c.iter().map(|x| x.status.to_string()))))
        .col("made_on", true, Values::Date(some(c.iter().map(|x| x.made_on))))
        .col("made_in", true, Values::Text(some(c.iter().map(|x| x.made_in.clone()))))
        .col("due", false, Values::Date(c.iter().map(|x| x.due).collect()))
        .col("counting_due", false, Values::Date(c.iter().map(|x| x.counting_due).collect()))
        .col("done", false, Values::Date(c.iter().map(|x| x.done).collect()))
        .col("dropped", false, Values::Date(c.iter().map(|x| x.dropped).collect()))
        .col("days_overdue", false, Values::Int(c.iter().map(|x| x.days_overdue).collect()))
        .col("kept_on_time", false, Values::Bool(c.iter().map(|x| x.kept_on_time).collect()));

    let mut notes = Table::default();
    let n = &e.notes;
    notes
        .col("date", true, Values::Date(some(n.iter().map(|x| x.date))))
        .col("path", true, Values::Text(some(n.iter().map(|x| x.path.clone()))))
        .col("mood", false, Values::Float(n.iter().map(|x| x.mood).collect()))
        .col("energy", false, Values::Float(n.iter().map(|x| x.energy).collect()))
        .col("activity_total", true, Values::Int(some(n.iter().map(|x| x.activity.values().sum::<u64>() as i64))))
        .col("wins", true, Values::Int(some(n.iter().map(|x| x.wins.len() as i64))))
        .col("help", true, Values::Int(some(n.iter().map(|x| x.help.len() as i64))))
        .col("tags", false, Values::Text(n.iter().map(|x| (!x.tags.is_empty()).then(|| x.tags.join(","))).collect()));

    // One row per day and activity name (long form: members count
    // different activities, and a long table unions without nulls).
    let mut activity = Table::default();
    let rows: Vec<(&crate::commands::export::DayRow, &str, u64)> =
        e.activity.iter().flat_map(|day| day.activity.iter().map(move |(name, &n)| (day, name, n))).collect();
    activity
        .col("date", true, Values::Date(some(rows.iter().map(|r| r.0.date))))
        .col("weekday", true, Values::Text(some(rows.iter().map(|r| r.0.weekday.clone()))))
        .col("workday", true, Values::Bool(some(rows.iter().map(|r| r.0.workday))))
        .col("activity", true, Values::Text(some(rows.iter().map(|r| r.1.to_string()))))
        .col("count", true, Values::Int(some(rows.iter().map(|r| r.2 as i64))));

    [("deals", deals), ("commitments", commitments), ("notes", notes), ("activity", activity)]
}

/// What an export wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ExportReport {
    pub files: usize,
    pub rows: usize,
    pub removed: usize,
    /// Stale partition files left in place (relative paths): saleslog
    /// cannot vouch that they still hold what it wrote (edited, reached
    /// through a link, or listed by an older saleslog without a hash).
    /// They are no longer listed as saleslog's.
    pub kept: Vec<String>,
    /// Members left out (their journal did not load), by name.
    pub skipped: Vec<String>,
}

/// The files an export folder's marker lists (relative, `/`-separated),
/// with the hash and length of the bytes written when recorded.
type Listed = BTreeMap<String, Option<Fingerprint>>;

/// The tables never go into a member's journal: saleslog only reads the
/// journals (a folder of Parquet files there would be the rep's to find
/// in their notes, and their repository's to commit).
fn refuse_inside_a_journal(team: &Team, dir: &Path) -> Result<()> {
    let out = crate::site::output_dir::resolve(dir)?;
    for m in &team.members {
        let root = crate::site::output_dir::resolve(&m.root)?;
        if out.starts_with(&root) {
            return Err(Error::Usage(format!(
                "refusing to write the team's tables into {}: it is inside {}'s journal ({}), and saleslog never \
                 writes into a member's journal; choose a folder outside it with -o",
                dir.display(),
                m.name,
                m.root.display()
            )));
        }
    }
    Ok(())
}

/// Write every member's tables into `dir`.
///
/// Every table is encoded and every target checked before anything is
/// written, so a failure leaves the folder as it was. Then, as the HTML
/// build does (`site::output_dir`): the marker listing the old and the new
/// files, the files, the stale files removed, the marker with exactly the
/// new files.
pub fn export(team: &Team, as_of: NaiveDate, dir: &Path) -> Result<ExportReport> {
    refuse_inside_a_journal(team, dir)?;
    let previous = open_folder(dir)?;
    let mut report = ExportReport::default();
    let files = encode(team, as_of, &mut report)?;
    for (rel, _) in &files {
        guard_target(dir, rel, &previous)?;
    }
    let new: Listed = files.iter().map(|(rel, bytes)| (rel.clone(), Some(fingerprint(bytes)))).collect();
    let mut union = previous.clone();
    for (rel, f) in &new {
        union.entry(rel.clone()).or_insert(*f);
    }
    write_marker(dir, &union)?;
    let reach = Reach::of(dir)?;
    for (rel, bytes) in &files {
        match &reach {
            #[cfg(unix)]
            Reach::Beneath(tree) => put_beneath(tree, dir, rel, bytes, &previous)?,
            Reach::ByPath => write_partition(dir, rel, bytes, &previous)?,
        }
        report.files += 1;
    }
    remove_stale(&reach, dir, &previous, &new, &mut report)?;
    write_marker(dir, &new)?;
    Ok(report)
}

/// Put a partition file in place beneath the export folder: its folders
/// reached (or made) one at a time from the folder's descriptor, never
/// through a link; the bytes in a temporary file of its own folder, renamed
/// over the name, which must be free unless the marker lists it (Linux's
/// `RENAME_NOREPLACE`).
#[cfg(unix)]
fn put_beneath(tree: &beneath::Root, dir: &Path, rel: &str, bytes: &[u8], previous: &Listed) -> Result<()> {
    use std::io::Write as _;
    let (folder_rel, name) = beneath::split(rel);
    let folder = tree.folder(folder_rel, true).map_err(|e| {
        let at = dir.join(&e.at);
        if beneath::is_link_or_file(&e.error) {
            Error::Usage(format!(
                "{} is a link or a file; team export never writes through links (remove it, or choose another folder with -o)",
                at.display()
            ))
        } else {
            Error::io(&at, e.error)
        }
    })?;
    let temp = format!(".saleslog-{}-{name}.tmp", std::process::id());
    let path = dir.join(rel);
    let mut file = folder.create_new(&temp).map_err(|e| Error::io(dir.join(folder_rel).join(&temp), e))?;
    let written = file.write_all(bytes);
    drop(file);
    let put = written.and_then(|()| folder.rename(temp.as_ref(), &folder, name, previous.contains_key(rel)));
    if let Err(e) = put {
        let _ = folder.remove_file(&temp);
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            return Err(Error::Usage(format!(
                "{} exists and was not written by saleslog; it is left as it is (remove it, or choose another folder with -o)",
                path.display()
            )));
        }
        return Err(Error::io(&path, e));
    }
    Ok(())
}

/// Every member's four tables as Parquet bytes, by partition path; a
/// member whose journal did not load is named in `report.skipped`.
fn encode(team: &Team, as_of: NaiveDate, report: &mut ExportReport) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for member in &team.members {
        let Some(ws) = member.workspace() else {
            report.skipped.push(member.name.clone());
            continue;
        };
        let (journal, diagnostics) = ws.journal_and_diagnostics(as_of);
        let figures = ws.figures_of(&journal, Tally::of(&diagnostics));
        let e = Export::build(&journal, &ws.config, figures);
        for (name, table) in tables(&e) {
            let rel = format!("{name}/member={}/part-0.parquet", member.slug);
            if !is_partition(&rel) {
                return Err(Error::Usage(format!("internal error: unsafe partition path {rel:?}")));
            }
            let bytes = table.to_parquet(name).map_err(|err| {
                Error::Usage(format!("could not encode the {name} table of {} as Parquet: {err}", member.name))
            })?;
            report.rows += table.rows();
            files.push((rel, bytes));
        }
    }
    Ok(files)
}

/// Is a marker line the path of a partition file, as this export names
/// them (`<table>/member=<slug>/<file>.parquet`), staying inside the
/// folder? Any other line (`../x`, an absolute path, a hand-added file) is
/// ignored: the marker may have been edited, and only what the export
/// itself writes can be its own.
fn is_partition(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    safe_relative(rel)
        && matches!(parts[..], [table, member, file]
            if TABLES.contains(&table) && member.len() > "member=".len() && member.starts_with("member=")
                && file.ends_with(".parquet"))
}

/// The hash and length of a file's bytes, as the marker records them (the
/// HTML build's hash: one format for both markers).
fn fingerprint(bytes: &[u8]) -> Fingerprint {
    Fingerprint { hash: crate::render::page_hash(bytes), len: bytes.len() as u64 }
}

/// The export folder: created when missing; else it must be empty or a
/// previous export's. Returns the partition files its marker lists (the
/// last line for a path counts); lines that are not partition paths are
/// ignored.
fn open_folder(dir: &Path) -> Result<Listed> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            return Ok(Listed::new());
        }
        Err(e) => return Err(Error::io(dir, e)),
        Ok(m) if !m.is_dir() => {
            return Err(Error::Usage(format!(
                "{} is not a folder: team export writes a folder of Parquet tables; choose a new folder with -o",
                dir.display()
            )))
        }
        Ok(_) => {}
    }
    match read_marker(dir, &dir.join(MARKER), "the team's tables")? {
        Some((text, _)) => {
            Ok(text.lines().filter_map(parse_marker_line).filter(|(rel, _)| is_partition(rel)).collect())
        }
        None => {
            let empty = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.next().is_none();
            if empty {
                Ok(Listed::new())
            } else {
                Err(Error::Usage(format!(
                    "{} is not empty and was not made by `saleslog team export`; choose a new or empty folder with -o",
                    dir.display()
                )))
            }
        }
    }
}

const MARKER_HEADER: &str = "# saleslog team export: the files below were written by `saleslog team export`\n# and may be replaced or removed by it. Anything else here is left alone.\n# hash length path\n";

/// Write the marker (atomically: a crash leaves the old or the new one).
fn write_marker(dir: &Path, files: &Listed) -> Result<()> {
    let mut text = String::from(MARKER_HEADER);
    for (rel, f) in files {
        text.push_str(&marker_line(rel, *f));
    }
    crate::site::output_dir::atomic_write(&dir.join(MARKER), text.as_bytes())
}

/// A table's file may replace only a file this export wrote before, and
/// never through a link: checked for every file before anything is
/// written, and again as each is written.
fn guard_target(dir: &Path, rel: &str, previous: &Listed) -> Result<()> {
    let mut at = dir.to_path_buf();
    for part in rel.split('/') {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::Usage(format!(
                "{} is a link; team export never writes through links (remove the link, or choose another folder with -o)",
                at.display()
            )));
        }
    }
    if std::fs::symlink_metadata(&at).is_ok() && !previous.contains_key(rel) {
        return Err(Error::Usage(format!(
            "{} exists and was not written by saleslog; it is left as it is (remove it, or choose another folder with -o)",
            at.display()
        )));
    }
    Ok(())
}

/// Write one partition file: its folders made one at a time, each a real
/// folder (a link or a file there is refused, so the export never writes
/// into a folder elsewhere), then the target checked again and the bytes
/// put in place by a rename.
fn write_partition(dir: &Path, rel: &str, bytes: &[u8], previous: &Listed) -> Result<()> {
    let mut at = dir.to_path_buf();
    let (folders, _) = rel.rsplit_once('/').expect("a partition folder");
    for folder in folders.split('/') {
        at.push(folder);
        real_folder(&at)?;
    }
    guard_target(dir, rel, previous)?;
    crate::site::output_dir::atomic_write(&dir.join(rel), bytes)
}

/// `path` is a real folder, made when missing; a link or a file is refused.
fn real_folder(path: &Path) -> Result<()> {
    if let Err(e) = std::fs::create_dir(path) {
        if e.kind() != std::io::ErrorKind::AlreadyExists {
            return Err(Error::io(path, e));
        }
    }
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::Usage(format!(
            "{} is a link or a file, not a folder; team export never writes through links (remove it, or choose another folder with -o)",
            path.display()
        ))),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Remove the partitions of members no longer in the team: only files the
/// previous marker lists with a hash, reached through real folders, that
/// still hold those bytes. Any other stale file (edited, behind a link, or
/// listed by an older saleslog without a hash) is kept and reported; the
/// new marker no longer lists it.
fn remove_stale(reach: &Reach, dir: &Path, previous: &Listed, new: &Listed, report: &mut ExportReport) -> Result<()> {
    for (rel, recorded) in previous.iter().filter(|(rel, _)| !new.contains_key(*rel)) {
        let path = dir.join(rel);
        let removed = match (recorded, reach) {
            #[cfg(unix)]
            (Some(f), Reach::Beneath(tree)) => crate::site::output_dir::remove_recorded(tree, dir, rel, *f)?,
            (Some(f), Reach::ByPath) if holds_recorded(dir, rel, *f) => {
                std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                if let Some(parent) = path.parent() {
                    let _ = std::fs::remove_dir(parent); // only if now empty
                }
                true
            }
            _ => false,
        };
        if removed {
            report.removed += 1;
        } else if std::fs::symlink_metadata(&path).is_ok() {
            report.kept.push(rel.clone());
        } // else: gone already
    }
    Ok(())
}

/// How the export reaches its files. On unix every write and removal goes
/// through folder descriptors, as the HTML build's do: a folder swapped
/// for a link between a check and the write it guards cannot send either
/// outside the folder. Other systems check by path (which unix tests run
/// too, so the path-based code is not left untried).
enum Reach {
    #[cfg(unix)]
    Beneath(beneath::Root),
    #[cfg_attr(all(unix, not(test)), allow(dead_code))]
    ByPath,
}

impl Reach {
    fn of(dir: &Path) -> Result<Reach> {
        #[cfg(unix)]
        return Ok(Reach::Beneath(beneath::Root::open(dir).map_err(|e| Error::io(dir, e))?));
        #[cfg(not(unix))]
        Ok(Reach::ByPath)
    }
}

/// The default folder of a team's export.
pub fn default_dir(team: &Team) -> PathBuf {
    team.root.join("_export")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_round_trips_through_the_parquet_reader() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let mut t = Table::default();
        t.col("id", true, Values::Text(some(["a".to_string(), "b".to_string()])))
            .col("amount", false, Values::Float(vec![Some(1.5), None]))
            .col("day", false, Values::Date(vec![None, NaiveDate::from_ymd_opt(2026, 11, 27)]))
            .col("n", true, Values::Int(some([3, 4])))
            .col("ok", false, Values::Bool(vec![Some(true), None]));
        let bytes = t.to_parquet("t").unwrap();
        assert_eq!(&bytes[..4], b"PAR1");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.parquet"), &bytes).unwrap();
        let reader = SerializedFileReader::new(std::fs::File::open(dir.path().join("t.parquet")).unwrap()).unwrap();
        let meta = reader.metadata();
        assert_eq!(meta.file_metadata().num_rows(), 2);
        let names: Vec<&str> = meta.file_metadata().schema_descr().columns().iter().map(|c| c.name()).collect();
        assert_eq!(names, ["id", "amount", "day", "n", "ok"]);
        let rows: Vec<String> = reader.get_row_iter(None).unwrap().map(|r| r.unwrap().to_string()).collect();
        assert_eq!(rows[0], "{id: \"a\", amount: 1.5, day: null, n: 3, ok: true}");
        assert_eq!(rows[1], "{id: \"b\", amount: null, day: 2026-11-27, n: 4, ok: null}");
    }

    /// A marker line as the export writes it, for `bytes` at `rel`.
    fn line(rel: &str, bytes: &[u8]) -> String {
        marker_line(rel, Some(fingerprint(bytes)))
    }

    #[test]
    fn only_partition_paths_are_honoured() {
        for good in ["deals/member=ann/part-0.parquet", "activity/member=a-b/part-0.parquet"] {
            assert!(is_partition(good), "{good}");
        }
        let bad = [
            "../victim/a.txt",
            "/etc/hosts",
            "vl/c.txt",
            "deals/member=ann/../../../x.parquet",
            "deals/member=/part-0.parquet",
            "deals/ann/part-0.parquet",
            "other/member=ann/part-0.parquet",
            "deals/member=ann/part-0.txt",
            "deals/member=ann/sub/part-0.parquet",
            MARKER,
        ];
        for bad in bad {
            assert!(!is_partition(bad), "{bad}");
        }
    }

    /// Regression (security probe): a hand-edited marker listing files
    /// outside the folder (`..`, absolute, through a linked folder), even
    /// with their right hashes, made the export delete them.
    #[cfg(unix)]
    #[test]
    fn a_hand_edited_marker_deletes_nothing_outside() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, victim) = (tmp.path().join("out"), tmp.path().join("victim"));
        std::fs::create_dir_all(out.join("notes/member=gone")).unwrap();
        std::fs::create_dir_all(out.join("activity/member=gone")).unwrap();
        std::fs::create_dir(&victim).unwrap();
        for f in ["a.txt", "b.txt", "c.txt"] {
            std::fs::write(victim.join(f), f).unwrap();
        }
        std::os::unix::fs::symlink(&victim, out.join("vl")).unwrap();
        std::os::unix::fs::symlink(&victim, out.join("deals")).unwrap();
        std::fs::write(victim.join("part-0.parquet"), "MINE").unwrap();
        std::fs::create_dir(victim.join("member=gone")).unwrap();
        std::fs::write(victim.join("member=gone/part-0.parquet"), "MINE").unwrap();
        std::fs::write(out.join("notes/member=gone/part-0.parquet"), "ours").unwrap();
        std::fs::write(out.join("activity/member=gone/part-0.parquet"), "old").unwrap();
        let absolute = victim.join("b.txt").display().to_string();
        let marker = [
            "# a marker edited by hand\n".to_string(),
            line("../victim/a.txt", b"a.txt"),
            line(&absolute, b"b.txt"),
            line("vl/c.txt", b"c.txt"),
            line("deals/member=gone/part-0.parquet", b"MINE"),
            line("notes/member=gone/part-0.parquet", b"ours"),
            // An older saleslog's line: no hash.
            "activity/member=gone/part-0.parquet\n".to_string(),
        ];
        std::fs::write(out.join(MARKER), marker.concat()).unwrap();
        let previous = open_folder(&out).unwrap();
        let listed: Vec<&str> = previous.keys().map(String::as_str).collect();
        assert_eq!(
            listed,
            [
                "activity/member=gone/part-0.parquet",
                "deals/member=gone/part-0.parquet",
                "notes/member=gone/part-0.parquet"
            ]
        );
        let mut report = ExportReport::default();
        remove_stale(&Reach::of(&out).unwrap(), &out, &previous, &Listed::new(), &mut report).unwrap();
        assert_eq!(report.removed, 1, "only the file it wrote, reached through real folders");
        assert!(!out.join("notes/member=gone").exists(), "its emptied folder too");
        assert_eq!(report.kept, ["activity/member=gone/part-0.parquet", "deals/member=gone/part-0.parquet"]);
        for f in ["a.txt", "b.txt", "c.txt", "part-0.parquet", "member=gone/part-0.parquet"] {
            assert!(victim.join(f).is_file(), "{f} kept");
        }
        assert_eq!(std::fs::read_to_string(out.join("activity/member=gone/part-0.parquet")).unwrap(), "old");
    }

    /// A listed file that no longer holds what the export wrote (replaced
    /// by the user's own) is kept, not removed.
    #[test]
    fn a_stale_file_that_changed_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        std::fs::create_dir_all(out.join("deals/member=gone")).unwrap();
        std::fs::write(out.join("deals/member=gone/part-0.parquet"), "mine").unwrap();
        std::fs::write(out.join(MARKER), line("deals/member=gone/part-0.parquet", b"ours")).unwrap();
        let mut report = ExportReport::default();
        remove_stale(&Reach::of(out).unwrap(), out, &open_folder(out).unwrap(), &Listed::new(), &mut report).unwrap();
        assert_eq!((report.removed, report.kept.len()), (0, 1));
        // And by path, as where there are no folder descriptors.
        let mut report = ExportReport::default();
        remove_stale(&Reach::ByPath, out, &open_folder(out).unwrap(), &Listed::new(), &mut report).unwrap();
        assert_eq!((report.removed, report.kept.len()), (0, 1));
        assert_eq!(std::fs::read_to_string(out.join("deals/member=gone/part-0.parquet")).unwrap(), "mine");
    }

    /// A partition folder swapped for a link after the export reached it
    /// (a race) gets the file all the same; the folder the link leads to
    /// is never written.
    #[cfg(unix)]
    #[test]
    fn a_folder_swapped_for_a_link_mid_export_is_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, victim) = (tmp.path().join("out"), tmp.path().join("victim"));
        std::fs::create_dir_all(&out).unwrap();
        std::fs::create_dir_all(&victim).unwrap();
        let tree = beneath::Root::open(&out).unwrap();
        tree.folder("deals/member=a", true).unwrap();
        std::fs::rename(out.join("deals/member=a"), out.join("deals/moved")).unwrap();
        std::os::unix::fs::symlink(&victim, out.join("deals/member=a")).unwrap();
        put_beneath(&tree, &out, "deals/member=a/part-0.parquet", b"PAR1", &Listed::new()).unwrap();
        assert_eq!(std::fs::read(out.join("deals/moved/part-0.parquet")).unwrap(), b"PAR1");
        assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0, "nothing written through the link");
        // A file that appeared at an unlisted name is not replaced.
        std::fs::write(out.join("deals/moved/part-1.parquet"), "mine").unwrap();
        assert!(put_beneath(&tree, &out, "deals/member=a/part-1.parquet", b"PAR1", &Listed::new()).is_err());
        assert_eq!(std::fs::read_to_string(out.join("deals/moved/part-1.parquet")).unwrap(), "mine");
    }

    /// Regression (security probe): a partition folder (or a table's
    /// folder) replaced by a link to a user's folder is never written
    /// into, even when the marker lists the file.
    #[cfg(unix)]
    #[test]
    fn a_partition_is_never_written_through_a_linked_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, victim) = (tmp.path().join("out"), tmp.path().join("victim"));
        std::fs::create_dir_all(out.join("deals")).unwrap();
        std::fs::create_dir_all(victim.join("member=ann")).unwrap();
        std::fs::write(victim.join("part-0.parquet"), "MINE").unwrap();
        std::fs::write(victim.join("member=ann/part-0.parquet"), "MINE").unwrap();
        std::os::unix::fs::symlink(&victim, out.join("deals/member=ann")).unwrap();
        std::os::unix::fs::symlink(&victim, out.join("notes")).unwrap();
        let listed: Listed = ["deals/member=ann/part-0.parquet", "notes/member=ann/part-0.parquet"]
            .into_iter()
            .map(|rel| (rel.to_string(), Some(fingerprint(b"MINE"))))
            .collect();
        for rel in listed.keys() {
            let err = guard_target(&out, rel, &listed).unwrap_err().to_string();
            assert!(err.contains("is a link"), "{err}");
            let err = write_partition(&out, rel, b"PAR1", &listed).unwrap_err().to_string();
            assert!(err.contains("link"), "{err}");
        }
        assert_eq!(std::fs::read_to_string(victim.join("part-0.parquet")).unwrap(), "MINE");
        assert_eq!(std::fs::read_to_string(victim.join("member=ann/part-0.parquet")).unwrap(), "MINE");
        // A real folder is made and written into.
        write_partition(&out, "activity/member=ann/part-0.parquet", b"PAR1", &Listed::new()).unwrap();
        assert_eq!(std::fs::read(out.join("activity/member=ann/part-0.parquet")).unwrap(), b"PAR1");
    }

    #[test]
    fn dates_count_days_from_the_epoch() {
        assert_eq!(days_since_epoch(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
        assert_eq!(days_since_epoch(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()), 20_784);
    }
}
