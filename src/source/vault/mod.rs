//! Reading an Obsidian vault or a Logseq graph as it is (SPEC §11).
//!
//! A dialect is a front end of this stage only: it says which files are
//! notes and what date each names ([`Layout`]), and turns a vault page into
//! the same located front-matter tree and task items a plain note gives
//! (`obsidian`, `logseq`), so validation, the journal fold, the figures and
//! the pages are the one pipeline every journal goes through. Nothing here
//! writes: the vault's settings are only read.

pub mod dateformat;
pub mod fields;
pub mod logseq;
pub mod obsidian;

use crate::model::diagnostic::{Code, Diagnostic, Pos};
use crate::source::tasks::TaskItem;
use crate::source::yaml::{Key, Node};
use chrono::NaiveDate;
use dateformat::Format;
use std::path::Path;

/// `dialect:` in `saleslog.yaml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    #[default]
    Saleslog,
    Obsidian,
    Logseq,
}

impl Dialect {
    pub const NAMES: [&'static str; 3] = ["saleslog", "obsidian", "logseq"];

    pub fn from_name(name: &str) -> Option<Dialect> {
        match name {
            "saleslog" => Some(Dialect::Saleslog),
            "obsidian" => Some(Dialect::Obsidian),
            "logseq" => Some(Dialect::Logseq),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Saleslog => "saleslog",
            Dialect::Obsidian => "obsidian",
            Dialect::Logseq => "logseq",
        }
    }

    /// The dialect a folder's own settings folder says it is (`init`).
    pub fn detect(dir: &Path) -> Dialect {
        if dir.join(".obsidian").is_dir() {
            Dialect::Obsidian
        } else if dir.join("logseq").is_dir() {
            Dialect::Logseq
        } else {
            Dialect::Saleslog
        }
    }
}

/// Which files of a vault are daily notes, and the date each names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub dialect: Dialect,
    /// The daily-notes folder, journal-relative with a trailing `/`, or "".
    pub folder: String,
    pub format: Format,
    /// Where the layout was read from, for messages.
    pub from: String,
}

impl Layout {
    /// The date a journal-relative path names, when it is a daily note.
    pub fn date_of(&self, rel: &str) -> Option<NaiveDate> {
        let name = rel.strip_prefix(self.folder.as_str())?.strip_suffix(".md")?;
        self.format.parse(name)
    }

    /// Whether a problem found at `rel` (an unreadable folder, a symlink)
    /// may hide daily notes, so is worth saying.
    pub fn may_hold(&self, rel: &str) -> bool {
        rel.starts_with(self.folder.as_str()) || self.folder.starts_with(&format!("{rel}/"))
    }

    /// The journal-relative path of `date`'s note.
    pub fn path_of(&self, date: NaiveDate) -> String {
        format!("{}{}.md", self.folder, self.format.format(date))
    }
}

/// A vault page read by its dialect: the same located front-matter
/// entries and task items a plain note gives, and the problems found.
#[derive(Debug, Default)]
pub struct Page {
    pub entries: Vec<(Key, Node)>,
    pub tasks: Vec<TaskItem>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Read a daily note's body in its dialect. `entries` are its YAML front
/// matter's (read as for any note); the page's own fields join them.
pub fn page(
    dialect: Dialect,
    rel: &str,
    body: &str,
    body_line: usize,
    entries: Vec<(Key, Node)>,
    activities: &[String],
) -> Option<Page> {
    match dialect {
        Dialect::Saleslog => None,
        Dialect::Obsidian => Some(obsidian::page(rel, body, body_line, entries, activities)),
        Dialect::Logseq => Some(logseq::page(rel, body, body_line, entries, activities)),
    }
}

/// The layout of a vault in `root`, read from its own settings. Problems
/// are located in the settings file (it decides which files are notes, so
/// a run without it would silently count none: they stop the run like a
/// bad `saleslog.yaml`).
pub fn layout(root: &Path, dialect: Dialect) -> Result<Option<Layout>, Vec<Diagnostic>> {
    match dialect {
        Dialect::Saleslog => Ok(None),
        Dialect::Obsidian => obsidian::layout(root).map(Some),
        Dialect::Logseq => logseq::layout(root).map(Some),
    }
}

/// Read a vault settings file (small, inside the vault); `Ok(None)` when absent.
pub(crate) fn read_settings(root: &Path, rel: &str) -> Result<Option<String>, Vec<Diagnostic>> {
    match crate::source::discover::read_journal_file(root, &root.join(rel), 1024 * 1024) {
        Ok(None) => Ok(None),
        Ok(Some(bytes)) => String::from_utf8(bytes).map(Some).map_err(|_| {
            vec![settings_error(rel, Pos::START, format!("{rel} is not valid UTF-8"), "save it as UTF-8")]
        }),
        Err(why) => {
            Err(vec![settings_error(rel, Pos::START, format!("{rel} is not read: {why}"), "make it a plain file")])
        }
    }
}

pub(crate) fn settings_error(rel: &str, pos: Pos, message: String, hint: &str) -> Diagnostic {
    Diagnostic::error(rel, pos, Code::ConfigInvalid, message).with_hint(hint)
}

/// The line and column (1-based) of byte `at` of `text`.
pub(crate) fn pos_of(text: &str, at: usize) -> Pos {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Pos::new(line, column)
}

/// A format string's compile error, located in the settings file: `at`
/// is the byte offset of the format's first character in `text`.
pub(crate) fn format_error(rel: &str, text: &str, at: usize, format: &str, e: dateformat::FormatError) -> Diagnostic {
    let offset: usize = format.chars().take(e.column - 1).map(char::len_utf8).sum();
    settings_error(
        rel,
        pos_of(text, at + offset),
        e.message,
        "change the daily-note format, or keep notes named YYYY-MM-DD",
    )
}
