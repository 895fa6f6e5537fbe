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

    /// Whether the folder or file at `rel` is on the way to the daily
    /// notes, in their folder, or one of them: read whatever its name
    /// (`_Daily/`, a `[_]YYYY-MM-DD` format), since the vault's settings
    /// say the notes are there.
    pub fn admits(&self, rel: &str, is_dir: bool) -> bool {
        if !is_dir {
            return self.date_of(rel).is_some();
        }
        self.folder.starts_with(&format!("{rel}/"))
            || (!self.folder.is_empty() && rel.starts_with(self.folder.as_str()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::Config;
    use crate::model::note;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    struct Task {
        words: Vec<String>,
        done: bool,
        due: Option<u32>,
        done_on: Option<u32>,
        /// Obsidian-only spellings: Dataview fields instead of emoji,
        /// markers that feed no figure, a callout around it.
        dataview: bool,
        noise: u8,
        callout: bool,
    }

    fn task() -> impl Strategy<Value = Task> {
        (
            prop::collection::vec("[a-z]{1,8}", 1..5),
            any::<bool>(),
            prop::option::of(1..28u32),
            prop::option::of(1..28u32),
            any::<bool>(),
            0..6u8,
            any::<bool>(),
        )
            .prop_map(|(words, done, due, done_on, dataview, noise, callout)| Task {
                words,
                done,
                due,
                done_on,
                dataview,
                noise,
                callout,
            })
    }

    fn day(d: u32) -> String {
        format!("2026-11-{d:02}")
    }

    proptest! {
        /// The same content written as a plain note and as an Obsidian
        /// daily note is the same note: fields, task texts, ids, dates and
        /// the diagnostics' codes.
        #[test]
        fn a_plain_note_and_its_obsidian_twin_are_the_same_note(
            mood in prop::option::of(0..7i64),
            calls in prop::option::of(0..40u64),
            wins in prop::collection::vec("[A-Z][a-z]{1,8}( [a-z]{1,8}){0,3}", 0..3),
            tasks in prop::collection::vec(task(), 0..5),
        ) {
            let mut front = String::new();
            let mut body = String::new();
            let mut vault = String::from("# Today\n\n");
            if let Some(m) = mood {
                front.push_str(&format!("mood: {m}\n"));
                vault.push_str(&format!("A day [mood:: {m}]\n"));
            }
            if let Some(c) = calls {
                front.push_str(&format!("activity:\n  calls: {c}\n"));
                vault.push_str(&format!("- calls:: {c}\n"));
            }
            if !wins.is_empty() {
                front.push_str("wins:\n");
                for w in &wins {
                    front.push_str(&format!("  - {w}\n"));
                    vault.push_str(&format!("> wins:: {w}\n"));
                }
                vault.push('\n');
            }
            for t in &tasks {
                let text = t.words.join(" ");
                let mut plain = format!("- [{}] {text}", if t.done { "x" } else { " " });
                let mut obs = plain.clone();
                if t.callout {
                    obs = format!("> {obs}");
                }
                let noise = ["", " ⏫", " ➕ 2026-11-01", " 🔁 every day", " 🆔 abc1", " ⏳ 2026-11-03"][t.noise as usize];
                obs.push_str(noise);
                if let Some(d) = t.due {
                    plain.push_str(&format!(" 📅 {}", day(d)));
                    obs.push_str(&if t.dataview { format!(" [due:: {}]", day(d)) } else { format!(" 📅 {}", day(d)) });
                }
                if let Some(d) = t.done_on {
                    plain.push_str(&format!(" ✅ {}", day(d)));
                    obs.push_str(&if t.dataview { format!(" (completion:: {})", day(d)) } else { format!(" ✅ {}", day(d)) });
                }
                body.push_str(&plain);
                body.push('\n');
                vault.push_str(&obs);
                vault.push('\n');
            }
            let text = if front.is_empty() { body } else { format!("---\n{front}---\n{body}") };
            let plain_config = Config { activities: vec!["calls".into()], ..Config::default() };
            let layout = Layout {
                dialect: Dialect::Obsidian,
                folder: String::new(),
                format: Format::moment("YYYY-MM-DD").unwrap(),
                from: "test".into(),
            };
            let vault_config = Config { dialect: Dialect::Obsidian, vault: Some(layout), ..plain_config.clone() };
            let a = note::parse("2026-11-27.md", &text, &plain_config);
            let b = note::parse("2026-11-27.md", &vault, &vault_config);
            let codes = |p: &note::Parsed| {
                let mut c: Vec<Code> = p.diagnostics.iter().map(|d| d.code).collect();
                c.sort_by_key(|c| c.as_str());
                c
            };
            prop_assert_eq!(codes(&a), codes(&b), "{}\n---\n{}", text, vault);
            let (a, b) = (a.note.unwrap(), b.note.unwrap());
            prop_assert_eq!((a.mood, &a.activity, &a.wins), (b.mood, &b.activity, &b.wins));
            let facts = |n: &note::Note| -> Vec<_> {
                n.tasks.iter().map(|t| (t.text.clone(), t.slug.clone(), t.checked, t.due, t.done)).collect()
            };
            prop_assert_eq!(facts(&a), facts(&b), "{}\n---\n{}", text, vault);
        }
    }
}
