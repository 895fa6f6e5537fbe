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
//! previous export (its marker `.saleslog-export` lists the files written),
//! and only those files are ever replaced or removed.

use super::load::Team;
use crate::commands::export::Export;
use crate::error::{Error, Result};
use crate::model::diagnostic::Tally;
use chrono::NaiveDate;
use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
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
        .col("id", true, Values::Text(some(c.iter().map(|x| x.id.clone()))))
        .col("what", true, Values::Text(some(c.iter().map(|x| x.what.clone()))))
        .col("to", false, Values::Text(c.iter().map(|x| x.to.clone()).collect()))
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
    /// Members left out (their journal did not load), by name.
    pub skipped: Vec<String>,
}

/// Write every member's tables into `dir`.
pub fn export(team: &Team, as_of: NaiveDate, dir: &Path) -> Result<ExportReport> {
    let previous = open_folder(dir)?;
    let mut report = ExportReport::default();
    let mut written: Vec<String> = Vec::new();
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
            let bytes = table.to_parquet(name).map_err(|err| {
                Error::Usage(format!("could not encode the {name} table of {} as Parquet: {err}", member.name))
            })?;
            let path = dir.join(&rel);
            guard_target(dir, &path, &rel, &previous)?;
            let parent = path.parent().expect("a partition folder");
            std::fs::create_dir_all(parent).map_err(|err| Error::io(parent, err))?;
            crate::site::output_dir::atomic_write(&path, &bytes)?;
            report.files += 1;
            report.rows += table.rows();
            written.push(rel);
        }
    }
    // Partitions of members no longer in the team: only files this export
    // wrote before, never anything else.
    for rel in previous.iter().filter(|p| !written.contains(p)) {
        let path = dir.join(rel);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            report.removed += 1;
            if let Some(parent) = path.parent() {
                let _ = std::fs::remove_dir(parent); // only if now empty
            }
        }
    }
    let mut marker = String::from("# saleslog team export: the files below were written by saleslog\n");
    for rel in &written {
        marker.push_str(rel);
        marker.push('\n');
    }
    crate::site::output_dir::atomic_write(&dir.join(MARKER), marker.as_bytes())?;
    Ok(report)
}

/// The export folder: created when missing; else it must be empty or a
/// previous export's (its marker lists the files that export wrote).
fn open_folder(dir: &Path) -> Result<Vec<String>> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            return Ok(Vec::new());
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
    match std::fs::read_to_string(dir.join(MARKER)) {
        Ok(text) => Ok(text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).map(str::to_string).collect()),
        Err(_) => {
            let empty = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.next().is_none();
            if empty {
                Ok(Vec::new())
            } else {
                Err(Error::Usage(format!(
                    "{} is not empty and was not made by `saleslog team export`; choose a new or empty folder with -o",
                    dir.display()
                )))
            }
        }
    }
}

/// A table's file may replace only a file this export wrote before, and
/// never through a link.
fn guard_target(dir: &Path, path: &Path, rel: &str, previous: &[String]) -> Result<()> {
    let mut at = dir.to_path_buf();
    for part in Path::new(rel).components() {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::Usage(format!("{} is a link; team export never writes through links", at.display())));
        }
    }
    if path.exists() && !previous.iter().any(|p| p == rel) {
        return Err(Error::Usage(format!(
            "{} exists and was not written by saleslog; it is left as it is (remove it, or choose another folder)",
            path.display()
        )));
    }
    Ok(())
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

    #[test]
    fn dates_count_days_from_the_epoch() {
        assert_eq!(days_since_epoch(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
        assert_eq!(days_since_epoch(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()), 20_784);
    }
}
