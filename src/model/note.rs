//! One note, read and validated (SPEC §2): raw text → [`Note`].
//!
//! Validation is lenient by design: each bad value is one diagnostic at its
//! line and is dropped, and everything else in the note still counts. What
//! depends on other notes (is this deal's first mention complete? does this
//! commitment id exist?) is judged later, by the journal model.

use crate::model::config::{Config, StageId, MAX_AMOUNT};
use crate::model::counts::Counts;
use crate::model::diagnostic::{Code, Diagnostic, Pos};
use crate::source::discover::{self, Contents, SourceFile};
use crate::source::frontmatter::{self, Fence};
use crate::source::tasks::{self, TaskItem};
use crate::source::vault::{self, Dialect};
use crate::source::yaml::{self, Key, Node, Value};
use crate::text::{date_in_file_name, did_you_mean, likely_typo, parse_date, slug};
use chrono::NaiveDate;
use std::borrow::Cow;
use std::sync::Arc;

/// The top-level keys a note may have.
pub const KNOWN_KEYS: &[&str] =
    &["date", "mood", "energy", "activity", "wins", "help", "tags", "deals", "commitments", "off"];
pub const DEAL_KEYS: &[&str] = &["id", "name", "stage", "amount", "close", "next", "contact", "source", "reason"];
pub const COMMITMENT_KEYS: &[&str] = &["id", "what", "to", "due", "done", "dropped", "note"];

/// A dated note: what the journal model is built from.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// Path relative to the journal, `/`-separated.
    pub path: String,
    pub date: NaiveDate,
    pub mood: Option<f64>,
    pub energy: Option<f64>,
    /// Activity name → count, for the entries the note gives.
    pub activity: Counts,
    pub wins: Vec<String>,
    pub help: Vec<String>,
    pub tags: Vec<String>,
    pub deals: Vec<DealMention>,
    pub commitments: Vec<CommitmentItem>,
    pub tasks: Vec<TaskItem>,
    /// `off: true` or `off: <reason>`: the note's date is a day off (SPEC §4).
    pub off: Option<DayOff>,
    /// Unknown top-level keys and their values as text, shown on the page.
    pub extra: Vec<(String, String)>,
    pub body: Body,
    /// File line of the body's first line.
    pub body_line: usize,
}

impl Note {
    /// Give back the spare capacity of every list. A note lives as long as
    /// the journal that holds it, and a list grown by pushes holds room
    /// for four items where most notes have one deal or one commitment: at
    /// 27,000 notes that spare room was a fifth of a build's peak memory.
    fn shrink_to_fit(&mut self) {
        self.wins.shrink_to_fit();
        self.help.shrink_to_fit();
        self.tags.shrink_to_fit();
        self.deals.shrink_to_fit();
        self.commitments.shrink_to_fit();
        self.tasks.shrink_to_fit();
        self.extra.shrink_to_fit();
    }

    /// The body's text: read from the file again when it was left there,
    /// by the reader that read it the first time ([`discover::read`]: the
    /// same decoding of bytes that are not UTF-8, the same limits). A file
    /// changed since it was parsed gives its new prose; one that can no
    /// longer be read, a line saying why (the page is still made).
    pub fn body_text(&self) -> Cow<'_, str> {
        match &self.body {
            Body::Text(text) => Cow::Borrowed(text),
            Body::InFile { path, .. } => {
                let file = SourceFile { rel: self.path.clone(), path: path.clone() };
                Cow::Owned(match discover::read(&file).0 {
                    Contents::Text(text, _) => frontmatter::split(&crate::text::lone_cr_as_lf(&text)).body.to_string(),
                    Contents::Refused(why) => {
                        format!(
                            "*(The text of this note could not be read again from {}: {}.)*\n",
                            self.path, why.message
                        )
                    }
                })
            }
        }
    }

    /// The bytes of the body held in memory.
    pub fn body_len(&self) -> usize {
        match &self.body {
            Body::Text(text) => text.len(),
            Body::InFile { .. } => 0,
        }
    }

    /// Drop the body, keeping where to read it again ([`Body::InFile`]):
    /// `path` is the note's file.
    pub fn leave_body_in_file(&mut self, path: &std::path::Path) {
        if let Body::Text(text) = &self.body {
            let heading = first_heading(text).map(str::to_string);
            self.body = Body::InFile { path: path.to_path_buf(), heading };
        }
    }
}

/// A note's markdown after its front matter: in memory, or left in its
/// file by a one-shot command ([`Note::leave_body_in_file`]). No figure
/// reads a body, and a build needs each one only while it renders that
/// note's page, so `build`, `report` and `check` do not hold a
/// 100-year journal's 16 MB of prose for the whole run (`build` keeps the
/// first 1 MB read, about six years of notes: see `site::workspace`). A session that
/// lives on (watch, serve, the language server) keeps every body: a save
/// that changes only the prose must change the note it compares.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Text(String),
    /// In the file at `path`, after its front matter; the first `# `
    /// heading, which names the note in lists, kept.
    InFile {
        path: std::path::PathBuf,
        heading: Option<String>,
    },
}

impl Body {
    /// The first `# ` heading of the body, if any.
    pub fn heading(&self) -> Option<&str> {
        match self {
            Body::Text(text) => first_heading(text),
            Body::InFile { heading, .. } => heading.as_deref(),
        }
    }
}

/// The first line of `text` that is a `# ` heading, without the `# `.
fn first_heading(text: &str) -> Option<&str> {
    text.lines().find_map(|l| l.strip_prefix("# "))
}

/// A note's `off:`: its date is not a workday, for the reason given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayOff {
    /// `off: PTO` gives `PTO`; `off: true` gives none.
    pub reason: Option<String>,
}

/// A field of an update: left as it was, cleared (`null`, or `""` for
/// text), or set.
#[derive(Debug, Clone, PartialEq)]
pub enum Field<T> {
    Keep,
    Clear,
    Set(T),
}

/// A deal's stage as given by one mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageField {
    Absent,
    /// Given but not a configured stage (already reported).
    Invalid,
    Set(StageId),
}

/// One item of a note's `deals:` list.
#[derive(Debug, Clone, PartialEq)]
pub struct DealMention {
    pub pos: Pos,
    /// `id` as written, else `slug(name)`.
    pub id: String,
    pub name: Option<String>,
    pub stage: StageField,
    pub amount: Field<f64>,
    pub close: Field<NaiveDate>,
    pub next: Field<String>,
    pub contact: Field<String>,
    pub source: Field<String>,
    pub reason: Field<String>,
}

/// `done:` or `dropped:` of a commitment item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    On(NaiveDate),
    Cleared,
}

/// One item of a note's `commitments:` list.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitmentItem {
    pub pos: Pos,
    /// `id` as written, else `<note date>-<slug(what)>`.
    pub id: Arc<str>,
    /// Whether the id was written (an update needs one).
    pub explicit_id: bool,
    pub what: Option<Arc<str>>,
    pub to: Option<Arc<str>>,
    pub due: Option<NaiveDate>,
    pub done: Option<Mark>,
    pub dropped: Option<Mark>,
    pub note: Option<Arc<str>>,
}

/// The outcome of reading one file: a note (unless it has no date) and the
/// problems found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub note: Option<Note>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Read a note file's text. `rel` is its journal-relative path.
pub fn parse(rel: &str, text: &str, config: &Config) -> Parsed {
    let text = &*crate::text::lone_cr_as_lf(text);
    let mut cx = Cx { rel, config, diagnostics: Vec::new() };
    let split = frontmatter::split(text);
    let mut root = None;
    match split.fence {
        Fence::Unclosed => cx.error(
            Pos::START,
            Code::UnclosedFrontMatter,
            "front matter opened with `---` is never closed",
            "add a line `---` after the last YAML line",
        ),
        Fence::Toml => cx.warn(
            Pos::START,
            Code::TomlFrontMatter,
            "`+++` (TOML) front matter is not read; the whole file is the body",
            "use YAML between `---` lines",
        ),
        Fence::Malformed => {
            let first = split.body.lines().next().unwrap_or_default().trim_end();
            cx.warn(
                Pos::START,
                Code::MalformedFence,
                format!("`{first}` is not a front-matter fence; the whole file is read as the body"),
                "front matter goes between two lines of exactly `---`",
            );
        }
        Fence::Closed | Fence::None => {}
    }
    if let Some(y) = split.yaml {
        match yaml::parse(y, split.yaml_line) {
            Ok(Some(node)) => match node.value {
                Value::Map(entries) => root = Some(entries),
                _ => cx.error(
                    node.pos,
                    Code::FrontMatterNotMapping,
                    format!("front matter must be `key: value` lines, not {}", node.kind()),
                    "write the front matter as a mapping, e.g. `mood: 4`",
                ),
            },
            Ok(None) => {}
            Err(e) => cx.error(e.pos, e.code, e.message, e.hint.unwrap_or(yaml_hint(e.code))),
        }
    }
    let mut entries = root.unwrap_or_default();
    // A vault page's own fields join its front matter, and its dialect
    // reads its tasks (SPEC §11); from here on it is a note like any other.
    let mut vault_tasks = None;
    if let Some(layout) = &config.vault {
        let front = std::mem::take(&mut entries);
        if let Some(page) = vault::page(layout.dialect, rel, split.body, split.body_line, front, &config.activities) {
            entries = page.entries;
            cx.diagnostics.extend(page.diagnostics);
            vault_tasks = Some(page.tasks);
        }
    }

    let file_name = rel.rsplit('/').next().unwrap_or(rel);
    let mut date = None;
    if let Some((_, node)) = entries.iter().find(|(k, _)| k.name == "date") {
        if !node.is_null() {
            date = node.as_str().and_then(parse_date);
            if date.is_none() {
                cx.error(
                    node.pos,
                    Code::InvalidDate,
                    format!("`date: {}` is not a real date", node.written()),
                    "write the date as YYYY-MM-DD; the file name's date is used instead",
                );
            }
        }
    }
    let named = config.vault.as_ref().and_then(|layout| layout.date_of(rel));
    let Some(date) = date.or(named).or_else(|| date_in_file_name(file_name)) else {
        // Not a note, so "otherwise ignored" (SPEC §1): a page of ideas
        // with front matter that is no strict YAML does not make the
        // journal's data red. What kept a date it gives from being read
        // is said besides: a wrong `date:`, or, when a `date:` line is
        // there, the front matter that could not be read.
        let meant_a_date =
            text.lines().any(|l| l.strip_prefix("date").is_some_and(|r| r.trim_start().starts_with(':')));
        cx.diagnostics.retain(|d| {
            d.code == Code::InvalidDate
                || (meant_a_date
                    && matches!(
                        d.code,
                        Code::YamlSyntax | Code::DuplicateKey | Code::UnsupportedYaml | Code::UnclosedFrontMatter
                    ))
        });
        let message = match impossible_date_in(file_name) {
            Some(bad) => format!("`{bad}` in the file name is not a real date, so this markdown file is not a note"),
            None => "this markdown file has no date, so it is not a note".to_string(),
        };
        cx.warn(
            Pos::START,
            Code::NoDate,
            message,
            "add `date: YYYY-MM-DD` to its front matter or a date to its file name",
        );
        return Parsed { note: None, diagnostics: cx.diagnostics };
    };

    let mut note = Note {
        path: rel.to_string(),
        date,
        mood: None,
        energy: None,
        activity: Counts::new(),
        wins: Vec::new(),
        help: Vec::new(),
        tags: Vec::new(),
        deals: Vec::new(),
        commitments: Vec::new(),
        tasks: Vec::new(),
        off: None,
        extra: Vec::new(),
        body: Body::Text(split.body.to_string()),
        body_line: split.body_line,
    };
    for (key, node) in &entries {
        if node.is_null() {
            continue;
        }
        match key.name.as_str() {
            "date" => {}
            "mood" => note.mood = cx.scale_value(node, "mood"),
            "energy" => note.energy = cx.scale_value(node, "energy"),
            "activity" => note.activity = cx.activity(node),
            "wins" => note.wins = cx.text_list(node, "wins"),
            // A blank ask asks nothing (it would count in a team's `asks`).
            "help" => note.help = cx.text_list(node, "help").into_iter().filter(|t| !t.trim().is_empty()).collect(),
            "tags" => note.tags = cx.text_list(node, "tags"),
            "off" => note.off = cx.day_off(node),
            "deals" => note.deals = cx.items(node, "deals", |cx, node, entries| cx.deal(node, entries)),
            "commitments" => {
                note.commitments =
                    cx.items(node, "commitments", |cx, node, entries| cx.commitment(node, entries, date));
            }
            _ => {
                note.extra.push((key.name.clone(), node.display()));
                // A key an edit or two from a known one is a misspelling whose
                // value would otherwise be lost without a word: an error.
                if let Some(known) = likely_typo(&key.name, KNOWN_KEYS.iter().copied()) {
                    cx.error(
                        key.pos,
                        Code::LikelyTypo,
                        format!(
                            "unknown key `{}` looks like a misspelling of `{known}`; its value is ignored",
                            key.name
                        ),
                        format!("did you mean `{known}`?"),
                    );
                    continue;
                }
                let mut d = Diagnostic::warning(rel, key.pos, Code::UnknownKey, format!("unknown key `{}`", key.name));
                d = d.with_hint(
                    did_you_mean(&key.name, KNOWN_KEYS.iter().copied())
                        .unwrap_or_else(|| "it is shown on the note's page but not counted".into()),
                );
                cx.diagnostics.push(d);
            }
        }
    }
    note.tasks = vault_tasks.unwrap_or_else(|| tasks::find(split.body, split.body_line));
    // Logseq has no done date to write: DONE is done on the note's date.
    let undated_done_is_usual = config.vault.as_ref().is_some_and(|l| l.dialect == Dialect::Logseq);
    for task in &note.tasks {
        for (pos, bad) in &task.bad_dates {
            cx.error(*pos, Code::InvalidDate, format!("`{bad}` is not a real date"), "write the date as YYYY-MM-DD");
        }
        if task.checked && task.done.is_none() && !undated_done_is_usual {
            cx.warn(
                task.pos,
                Code::TaskDoneWithoutDate,
                "ticked task item without a done date; counted as done on the note's date",
                "add ` ✅ YYYY-MM-DD` (or ` done:YYYY-MM-DD`) with the day it was done",
            );
        }
    }
    note.shrink_to_fit();
    Parsed { note: Some(note), diagnostics: cx.diagnostics }
}

/// The first `YYYY-MM-DD`-shaped text in a file name, when it is not a
/// real date (`2026-02-30-ideas.md`), to say why the file has no date.
fn impossible_date_in(name: &str) -> Option<&str> {
    let shaped =
        |s: &str| s.bytes().enumerate().all(|(i, c)| if i == 4 || i == 7 { c == b'-' } else { c.is_ascii_digit() });
    (0..name.len().saturating_sub(9)).find_map(|i| name.get(i..i + 10).filter(|s| shaped(s)))
}

fn yaml_hint(code: Code) -> &'static str {
    match code {
        Code::DuplicateKey => "give each key once; the front matter is ignored until then",
        Code::UnsupportedYaml => "keep the front matter to plain keys, values and lists",
        _ => "fix the YAML; until then this note's front matter is ignored (its task items still count)",
    }
}

struct Cx<'a> {
    rel: &'a str,
    config: &'a Config,
    diagnostics: Vec<Diagnostic>,
}

impl Cx<'_> {
    fn error(&mut self, pos: Pos, code: Code, message: impl Into<String>, hint: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(self.rel, pos, code, message).with_hint(hint));
    }

    fn warn(&mut self, pos: Pos, code: Code, message: impl Into<String>, hint: impl Into<String>) {
        self.diagnostics.push(Diagnostic::warning(self.rel, pos, code, message).with_hint(hint));
    }

    fn wrong_type(&mut self, node: &Node, what: &str, expected: &str) {
        self.error(
            node.pos,
            Code::WrongType,
            format!("`{what}` must be {expected}, not {} (`{}`)", node.kind(), node.written()),
            "this value is ignored until it is fixed",
        );
    }

    /// `mood` and `energy`: a number from 1 to the scale.
    fn scale_value(&mut self, node: &Node, what: &str) -> Option<f64> {
        let scale = self.config.attitude.scale;
        match node.as_f64() {
            Some(v) if (1.0..=scale).contains(&v) => Some(v),
            Some(_) => {
                self.error(
                    node.pos,
                    Code::OutOfRange,
                    format!("`{what}: {}` is outside the scale 1..{scale}", node.written()),
                    format!("use a number from 1 to {scale}"),
                );
                None
            }
            None => {
                self.wrong_type(node, what, &format!("a number from 1 to {scale}"));
                None
            }
        }
    }

    fn activity(&mut self, node: &Node) -> Counts {
        let mut out = Counts::new();
        let Value::Map(entries) = &node.value else {
            self.wrong_type(node, "activity", "a mapping of activity names to counts, e.g. `calls: 20`");
            return out;
        };
        let known = &self.config.activities;
        for (key, value) in entries {
            if !known.is_empty() && !known.contains(&key.name) {
                let hint = did_you_mean(&key.name, known.iter().map(String::as_str))
                    .unwrap_or_else(|| "add it to `activities` in saleslog.yaml if it is a new activity".into());
                self.warn(key.pos, Code::UnknownActivity, format!("unknown activity `{}`", key.name), hint);
            }
            if value.is_null() {
                continue;
            }
            let count = match value.value {
                Value::Int(i) if i >= 0 => Some(i as u64),
                _ => None,
            };
            let Some(count) = count else {
                // A whole number past i64 is read as a float: too large, not
                // "not whole".
                let why = match value.value {
                    Value::Float(f) if f >= 0.0 && f.fract() == 0.0 && f >= i64::MAX as f64 => "is too large a count",
                    _ => "is not a whole number >= 0",
                };
                self.error(
                    value.pos,
                    Code::InvalidCount,
                    format!("activity `{}: {}` {why}", key.name, value.written()),
                    "write how many, e.g. `calls: 12`",
                );
                continue;
            };
            out.insert(&key.name, count);
        }
        out.shrink_to_fit();
        out
    }

    /// `off:` — `true` or a reason is a day off, `false` a workday as usual
    /// (SPEC §4); anything else is the wrong type.
    fn day_off(&mut self, node: &Node) -> Option<DayOff> {
        match &node.value {
            Value::Bool(true) => Some(DayOff { reason: None }),
            Value::Bool(false) => None,
            Value::Str(s) => Some(DayOff { reason: Some(s.trim().to_string()).filter(|s| !s.is_empty()) }),
            _ => {
                self.error(
                    node.pos,
                    Code::WrongType,
                    format!("`off` must be true, false or a reason, not {} (`{}`)", node.kind(), node.written()),
                    "write `off: true`, or the reason, e.g. `off: PTO` (quote a number: `off: \"1\"`)",
                );
                None
            }
        }
    }

    fn text_list(&mut self, node: &Node, what: &str) -> Vec<String> {
        match &node.value {
            Value::Str(s) => vec![s.clone()],
            Value::Seq(items) if items.iter().all(|n| n.is_null() || n.as_str().is_some()) => {
                items.iter().filter_map(|n| n.as_str().map(str::to_string)).collect()
            }
            _ => {
                self.wrong_type(node, what, "a list of text or a single text (quote numbers)");
                Vec::new()
            }
        }
    }

    /// The mappings of a `deals:` or `commitments:` list, each turned into
    /// an item by `read` (which may reject it).
    fn items<T>(
        &mut self,
        node: &Node,
        what: &str,
        mut read: impl FnMut(&mut Self, &Node, &[(Key, Node)]) -> Option<T>,
    ) -> Vec<T> {
        let Value::Seq(items) = &node.value else {
            let example =
                if what == "deals" { "a list of items (`- name: …`)" } else { "a list of items (`- what: …`)" };
            self.wrong_type(node, what, example);
            return Vec::new();
        };
        let keys = if what == "deals" { DEAL_KEYS } else { COMMITMENT_KEYS };
        let mut out = Vec::new();
        for item in items {
            let Value::Map(entries) = &item.value else {
                if !item.is_null() {
                    self.wrong_type(item, &format!("an item of `{what}`"), "a mapping (`- id: …`)");
                }
                continue;
            };
            for (key, _) in entries {
                if !keys.contains(&key.name.as_str()) {
                    let hint = did_you_mean(&key.name, keys.iter().copied())
                        .unwrap_or_else(|| format!("known keys: {}", keys.join(", ")));
                    self.warn(
                        key.pos,
                        Code::UnknownKey,
                        format!("unknown key `{}` in an item of `{what}`", key.name),
                        hint,
                    );
                }
            }
            if let Some(t) = read(self, item, entries) {
                out.push(t);
            }
        }
        out
    }

    fn text_field(&mut self, node: Option<&Node>, what: &str) -> Field<String> {
        match node {
            None => Field::Keep,
            Some(n) if n.is_null() => Field::Clear,
            Some(n) => match n.text() {
                Some(s) if s.is_empty() => Field::Clear,
                Some(s) => Field::Set(s),
                None => {
                    self.wrong_type(n, what, "text");
                    Field::Keep
                }
            },
        }
    }

    fn date_value(&mut self, node: &Node, what: &str) -> Option<NaiveDate> {
        let date = node.as_str().and_then(parse_date);
        if date.is_none() {
            self.error(
                node.pos,
                Code::InvalidDate,
                format!("`{what}: {}` is not a real date", node.written()),
                "write the date as YYYY-MM-DD",
            );
        }
        date
    }

    fn deal(&mut self, item: &Node, entries: &[(Key, Node)]) -> Option<DealMention> {
        // A key with no value is absent (SPEC §1): `next:` keeps the next
        // step, `next: null` or `next: ""` clears it.
        let get = |k: &str| entries.iter().find(|(key, v)| key.name == k && !v.empty).map(|(_, v)| v);
        let name = match get("name") {
            Some(n) if !n.is_null() => match n.text() {
                Some(s) if !s.trim().is_empty() => Some(s),
                _ => {
                    self.wrong_type(n, "name", "the deal's name");
                    None
                }
            },
            _ => None,
        };
        let id = match get("id").filter(|n| !n.is_null()) {
            Some(n) => match n.text() {
                Some(s) if !s.is_empty() => Some(s),
                _ => {
                    self.wrong_type(n, "id", "text");
                    None
                }
            },
            None => name.as_deref().map(slug).filter(|s| !s.is_empty()),
        };
        let stage = match get("stage").filter(|n| !n.is_null()) {
            None => StageField::Absent,
            Some(n) => {
                let text = n.scalar_text().unwrap_or_default();
                match self.config.pipeline.find_stage(&text) {
                    Some(s) => StageField::Set(s),
                    None => {
                        let stages = &self.config.pipeline.stages;
                        let hint = did_you_mean(&text, stages.iter().map(|s| s.name.as_str())).unwrap_or_else(|| {
                            format!("stages: {}", stages.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", "))
                        });
                        self.error(n.pos, Code::UnknownStage, format!("unknown stage `{}`", n.written()), hint);
                        StageField::Invalid
                    }
                }
            }
        };
        let amount = match get("amount") {
            None => Field::Keep,
            Some(n) if n.is_null() => Field::Clear,
            Some(n) => match n.as_f64() {
                Some(v) if (0.0..=MAX_AMOUNT).contains(&v) => Field::Set(v),
                Some(v) if v > MAX_AMOUNT => {
                    self.error(
                        n.pos,
                        Code::InvalidAmount,
                        "`amount` is too large: amounts are at most 1000000000000000 (10^15)",
                        "write the amount as a plain number, e.g. `amount: 48000`",
                    );
                    Field::Keep
                }
                _ => {
                    self.error(
                        n.pos,
                        Code::InvalidAmount,
                        format!("`amount: {}` is not a number >= 0", n.written()),
                        "write the amount as a plain number, e.g. `amount: 48000`",
                    );
                    Field::Keep
                }
            },
        };
        let close = match get("close") {
            None => Field::Keep,
            Some(n) if n.is_null() => Field::Clear,
            Some(n) => self.date_value(n, "close").map_or(Field::Keep, Field::Set),
        };
        let next = self.text_field(get("next"), "next");
        let contact = self.text_field(get("contact"), "contact");
        let source = self.text_field(get("source"), "source");
        let reason = self.text_field(get("reason"), "reason");
        // Every value is checked first, also in an item that cannot say
        // which deal it is: each is a problem at its line (SPEC §2).
        let Some(id) = id else {
            match name.as_deref().filter(|n| !n.trim().is_empty()) {
                // SPEC §2's slug keeps only a-z and 0-9: `name: 日本` has
                // none to make the deal's id from.
                Some(name) => self.error(
                    item.pos,
                    Code::DealWithoutId,
                    format!("the deal's name `{name}` has no letter a-z or digit to make its id from"),
                    "add an `id:` to name the deal by, e.g. `id: nihon`",
                ),
                None => self.error(
                    item.pos,
                    Code::DealWithoutId,
                    "a deal needs an `id` or a `name` to say which deal it is",
                    "add `name: Company` (or `id:` of an existing deal)",
                ),
            }
            return None;
        };
        Some(DealMention { pos: item.pos, id, name, stage, amount, close, next, contact, source, reason })
    }

    fn mark(&mut self, node: Option<&Node>, what: &str, date: NaiveDate) -> Option<Mark> {
        let node = node.filter(|n| !n.is_null())?;
        match &node.value {
            Value::Bool(true) => Some(Mark::On(date)),
            Value::Bool(false) => Some(Mark::Cleared),
            Value::Str(s) if parse_date(s).is_some() => parse_date(s).map(Mark::On),
            _ => {
                let text = node.as_str().unwrap_or_default();
                // YAML 1.1 booleans are text in YAML 1.2 (SPEC §2): say so.
                let yaml_1_1 = ["yes", "no", "on", "off", "y", "n"].contains(&text.to_lowercase().as_str());
                let hint = if yaml_1_1 {
                    format!("`{text}` is text, not a boolean, in YAML 1.2: write `{what}: true` or `{what}: false`")
                } else {
                    format!("write `{what}: true` (on this note's date) or `{what}: YYYY-MM-DD`")
                };
                self.error(
                    node.pos,
                    if text.len() == 10 { Code::InvalidDate } else { Code::WrongType },
                    format!("`{what}: {}` must be true, false or a date", node.written()),
                    hint,
                );
                None
            }
        }
    }

    fn commitment(&mut self, item: &Node, entries: &[(Key, Node)], date: NaiveDate) -> Option<CommitmentItem> {
        let get = |k: &str| entries.iter().find(|(key, _)| key.name == k).map(|(_, v)| v);
        let text = |cx: &mut Self, k: &str| match cx.text_field(get(k), k) {
            Field::Set(s) => Some(s),
            _ => None,
        };
        let id = text(self, "id");
        let what = text(self, "what");
        let to = text(self, "to");
        let note = text(self, "note");
        let due = get("due").filter(|n| !n.is_null()).and_then(|n| self.date_value(n, "due"));
        let done = self.mark(get("done"), "done", date);
        let dropped = self.mark(get("dropped"), "dropped", date);
        let (id, explicit_id) = match (id, &what) {
            (Some(id), _) => (id, true),
            (None, Some(what)) => (format!("{date}-{}", slug(what)), false),
            (None, None) => {
                self.error(
                    item.pos,
                    Code::CommitmentWithoutWhat,
                    "a commitment needs `what` (a new promise) or `id` (an update to one)",
                    "add `what: …` to make a commitment, or the `id` of the one you are updating",
                );
                return None;
            }
        };
        // Shared with the journal's commitment, not copied into it.
        let (what, to, note) = (what.map(Arc::from), to.map(Arc::from), note.map(Arc::from));
        Some(CommitmentItem { pos: item.pos, id: id.into(), explicit_id, what, to, due, done, dropped, note })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::diagnostic::Severity;

    fn parse_default(rel: &str, text: &str) -> Parsed {
        parse(rel, text, &Config::default())
    }

    fn codes(p: &Parsed) -> Vec<(Code, usize)> {
        p.diagnostics.iter().map(|d| (d.code, d.line)).collect()
    }

    /// A body left in its file is read from it again, after the front
    /// matter, with its heading kept for the note's label; a file gone
    /// since gives a line saying so, not a panic nor an empty page.
    #[test]
    fn a_body_left_in_its_file_is_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2026-11-27.md");
        let text = "---\nmood: 4\n---\nIntro\n# Acme day\n\nProse.\n";
        std::fs::write(&path, text).unwrap();
        let mut note = parse_default("2026-11-27.md", text).note.unwrap();
        let kept = note.clone();
        note.leave_body_in_file(&path);
        assert!(matches!(note.body, Body::InFile { .. }));
        assert_eq!(note.body.heading(), Some("Acme day"));
        assert_eq!(note.body.heading(), kept.body.heading());
        assert_eq!(note.body_text(), kept.body_text());
        std::fs::remove_file(&path).unwrap();
        let gone = note.body_text();
        assert!(gone.contains("could not be read again") && gone.contains("2026-11-27.md"), "{gone}");
    }

    /// SPEC §1/§2: a key with no value is absent; `null` (or `""` for text)
    /// clears.
    #[test]
    fn a_deal_field_with_no_value_keeps_and_null_clears() {
        let text = "---\ndeals:\n  - id: acme\n    amount:\n    close:\n    next:\n  - id: beta\n    amount: null\n    close: ~\n    next: \"\"\n---\n";
        let p = parse_default("2026-11-27.md", text);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let n = p.note.unwrap();
        assert_eq!(
            (&n.deals[0].amount, &n.deals[0].close, &n.deals[0].next),
            (&Field::Keep, &Field::Keep, &Field::Keep)
        );
        assert_eq!(
            (&n.deals[1].amount, &n.deals[1].close, &n.deals[1].next),
            (&Field::Clear, &Field::Clear, &Field::Clear)
        );
    }

    /// A blank ask asks nothing, as a string or as an item of a list.
    #[test]
    fn blank_asks_are_left_out() {
        let help = |yaml: &str| parse_default("2026-11-27.md", &format!("---\n{yaml}\n---\n")).note.unwrap().help;
        assert_eq!(help("help: [ask1, '  ', '', ~, ask2]"), ["ask1", "ask2"]);
        assert!(help("help: '   '").is_empty());
        assert_eq!(help("help: Need an SE"), ["Need an SE"]);
    }

    #[test]
    fn a_full_note() {
        let text = "---\ndate: 2026-11-27\nmood: 4\nenergy: 3.5\nactivity:\n  calls: 22\n  emails:\nwins: Acme agreed\ntags: [a, b]\ndeals:\n  - name: Acme Corp\n    stage: proposal\n    amount: 48000\n    close: 2026-12-20\n    next: Pricing review\ncommitments:\n  - id: acme-pricing\n    what: Send revised pricing\n    due: 2026-11-30\n  - id: old\n    done: true\n---\n- [ ] Send it 📅 2026-12-01\n";
        let p = parse_default("notes/x.md", text);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let n = p.note.unwrap();
        assert_eq!(n.date, parse_date("2026-11-27").unwrap());
        assert_eq!((n.mood, n.energy), (Some(4.0), Some(3.5)));
        assert_eq!(n.activity.len(), 1);
        assert_eq!(n.wins, vec!["Acme agreed"]);
        assert_eq!(n.deals[0].id, "acme-corp");
        assert_eq!(n.deals[0].stage, StageField::Set(StageId(2)));
        assert_eq!(n.deals[0].amount, Field::Set(48000.0));
        assert_eq!(n.commitments[1].done, Some(Mark::On(n.date)));
        assert_eq!(n.tasks.len(), 1);
        assert_eq!(n.tasks[0].pos.line, 23);
    }

    #[test]
    fn date_falls_back_to_the_file_name() {
        let p = parse_default("2026/2026-11-27-acme.md", "---\ndate: 2026-02-30\n---\n");
        assert_eq!(codes(&p), vec![(Code::InvalidDate, 2)]);
        assert_eq!(p.note.unwrap().date, parse_date("2026-11-27").unwrap());
        let p = parse_default("ideas.md", "# no date\n");
        assert!(p.note.is_none());
        assert_eq!(p.diagnostics[0].severity, Severity::Warning);
    }

    #[test]
    fn bad_values_are_dropped_one_by_one() {
        let text = "---\nmood: high\nenergy: 9\nactivity:\n  calls: -1\n  emails: 2.5\n  meetings: 2\ndeals:\n  - name: Acme\n    stage: Proposal\n    amount: lots\n---\n";
        let p = parse_default("2026-11-27.md", text);
        assert_eq!(
            codes(&p),
            vec![
                (Code::WrongType, 2),
                (Code::OutOfRange, 3),
                (Code::InvalidCount, 5),
                (Code::InvalidCount, 6),
                (Code::UnknownStage, 10),
                (Code::InvalidAmount, 11),
            ]
        );
        assert_eq!(p.diagnostics[4].hint.as_deref(), Some("did you mean `proposal`?"));
        let n = p.note.unwrap();
        assert_eq!(n.mood, None);
        assert_eq!(n.activity.get("meetings"), Some(&2));
        assert_eq!(n.activity.len(), 1);
        assert_eq!(n.deals[0].stage, StageField::Invalid);
    }

    #[test]
    fn invalid_yaml_keeps_the_note_and_its_tasks() {
        let p = parse_default("2026-11-27.md", "---\nmood: [4\n---\n- [ ] still a task\n");
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].code, Code::YamlSyntax);
        let n = p.note.unwrap();
        assert_eq!(n.mood, None);
        assert_eq!(n.tasks.len(), 1);
        let p = parse_default("2026-11-27.md", "---\nmood: 4\n- [ ] task\n");
        assert_eq!(codes(&p), vec![(Code::UnclosedFrontMatter, 1)]);
        assert_eq!(p.note.unwrap().tasks.len(), 1);
    }

    #[test]
    fn yaml_1_1_booleans_are_not_booleans() {
        let p = parse_default(
            "2026-11-27.md",
            "---\ndeals:\n  - name: Acme\n    stage: no\ncommitments:\n  - id: x\n    what: y\n    done: yes\n---\n",
        );
        assert_eq!(codes(&p), vec![(Code::UnknownStage, 4), (Code::WrongType, 8)]);
        assert_eq!(
            p.diagnostics[1].hint.as_deref(),
            Some("`yes` is text, not a boolean, in YAML 1.2: write `done: true` or `done: false`")
        );
    }

    #[test]
    fn why_a_file_has_no_date() {
        let p = parse_default("2026-02-30-ideas.md", "---\nmood: 5\n---\n");
        assert!(p.note.is_none());
        assert_eq!(
            p.diagnostics[0].message,
            "`2026-02-30` in the file name is not a real date, so this markdown file is not a note"
        );
        let p = parse_default("ideas.md", "");
        assert_eq!(p.diagnostics[0].message, "this markdown file has no date, so it is not a note");
        // Not a note, so otherwise ignored: no YAML or key problem of its
        // own, only a wrong `date:` besides.
        for text in ["---\ntitle: Q3: plan\n---\n", "---\ntags: [x\n", "---\nmood: 3\nmood: 4\nactvity: 1\n---\n"] {
            assert_eq!(codes(&parse_default("ideas.md", text)), vec![(Code::NoDate, 1)], "{text}");
        }
        let p = parse_default("ideas.md", "---\ndate: 2026-02-30\nmood: 9\n---\n");
        assert_eq!(codes(&p), vec![(Code::InvalidDate, 2), (Code::NoDate, 1)]);
        // A `date:` the broken front matter kept from being read: why.
        let p = parse_default("meeting.md", "---\ndate: 2026-11-27\nmood: 3\nmood: 4\nactvity: 1\n---\n");
        assert_eq!(codes(&p), vec![(Code::DuplicateKey, 4), (Code::NoDate, 1)]);
    }

    /// A mood off the scale is quoted as written: `1e300`, not its 301
    /// digits; a whole float keeps its point.
    #[test]
    fn a_mood_off_the_scale_is_quoted_as_written() {
        for (written, shown) in [("1e300", "1e300"), ("9", "9"), ("9.0", "9.0"), ("0.5", "0.5")] {
            let p = parse_default("2026-11-27.md", &format!("---\nmood: {written}\n---\n"));
            assert_eq!(p.diagnostics[0].message, format!("`mood: {shown}` is outside the scale 1..5"));
        }
    }

    /// A note saved with old Mac line breaks (CR only), or with a stray CR:
    /// its lines are the editor's, so its front matter is found and each
    /// problem is on the line it shows on.
    #[test]
    fn a_lone_carriage_return_is_a_line_break() {
        let p = parse_default("2026-11-27.md", "---\rmood: 9\r---\rprose\r- [ ] call 📅 2026-13-01\r");
        assert_eq!(codes(&p), vec![(Code::OutOfRange, 2), (Code::InvalidDate, 5)]);
        assert_eq!(&*p.note.unwrap().tasks[0].text, "call");
    }

    /// A boolean is no text (YAML 1.2 reads `name: true` as true): a wrong
    /// type, as any other; a number written bare is text (`what: 5`).
    #[test]
    fn a_boolean_in_a_text_field_is_a_wrong_type() {
        let p = parse_default(
            "2026-11-27.md",
            "---\ndeals:\n  - {name: true, stage: lead}\ncommitments:\n  - {what: false}\n  - {what: 5, to: yes}\n---\n",
        );
        assert_eq!(
            codes(&p),
            vec![
                (Code::WrongType, 3),
                (Code::DealWithoutId, 3),
                (Code::WrongType, 5),
                (Code::CommitmentWithoutWhat, 5)
            ]
        );
        let note = p.note.unwrap();
        assert!(note.deals.is_empty());
        assert_eq!(note.commitments.len(), 1);
        assert_eq!((note.commitments[0].what.as_deref(), note.commitments[0].to.as_deref()), (Some("5"), Some("yes")));
        // An item that says no deal still has each bad value located.
        let p = parse_default("2026-11-27.md", "---\ndeals:\n  - {stage: bogus, close: 2026-13-45, amount: -5}\n---\n");
        let found: Vec<Code> = codes(&p).into_iter().map(|(c, _)| c).collect();
        assert_eq!(found, [Code::UnknownStage, Code::InvalidAmount, Code::InvalidDate, Code::DealWithoutId]);
    }

    /// A name with no letter a-z or digit (`日本`) gives no id: the
    /// message says so and asks for an `id:`, instead of "needs a name".
    #[test]
    fn a_name_without_a_slug_asks_for_an_id() {
        let p = parse_default(
            "2026-11-27.md",
            "---\ndeals:\n  - {name: 日本, stage: lead}\n  - {id: nihon, name: 日本}\n---\n",
        );
        assert_eq!(codes(&p), vec![(Code::DealWithoutId, 3)]);
        assert!(p.diagnostics[0].message.contains("`日本` has no letter a-z or digit"), "{}", p.diagnostics[0].message);
        assert_eq!(p.diagnostics[0].hint.as_deref(), Some("add an `id:` to name the deal by, e.g. `id: nihon`"));
        assert_eq!(p.note.unwrap().deals.len(), 1);
    }

    #[test]
    fn malformed_fences_are_warned_about() {
        let p = parse_default("2026-11-27.md", "++++\nmood: 3\n++++\n- [ ] task\n");
        assert_eq!(codes(&p), vec![(Code::MalformedFence, 1)]);
        assert_eq!(p.diagnostics[0].message, "`++++` is not a front-matter fence; the whole file is read as the body");
        assert_eq!(p.note.unwrap().tasks.len(), 1);
    }

    #[test]
    fn unknown_keys_are_kept_and_suggested() {
        let p = parse_default("2026-11-27.md", "---\nactivities:\n  calls: 3\nmood:\ntitle: Notes\n---\n");
        assert_eq!(codes(&p), vec![(Code::UnknownKey, 2), (Code::UnknownKey, 5)]);
        assert_eq!(p.diagnostics[0].severity, Severity::Warning);
        assert_eq!(p.diagnostics[0].hint.as_deref(), Some("did you mean `activity`?"));
        let n = p.note.unwrap();
        assert_eq!(n.extra[0], ("activities".to_string(), "calls: 3".to_string()));
        assert_eq!(n.mood, None);
    }

    /// SPEC §2: a key one edit from a known key, or two from one of six
    /// letters or more, is an error and its value is not counted.
    #[test]
    fn likely_typos_are_errors() {
        let text = "---\nactvity:\n  calls: 22\ncomitments:\n  - what: x\ntag: a\nmoood: 4\nnote: hi\n---\n";
        let p = parse_default("2026-11-27.md", text);
        assert_eq!(
            codes(&p),
            vec![
                (Code::LikelyTypo, 2),
                (Code::LikelyTypo, 4),
                (Code::LikelyTypo, 6),
                (Code::LikelyTypo, 7),
                (Code::UnknownKey, 8)
            ]
        );
        assert!(p.diagnostics[..4].iter().all(|d| d.severity == Severity::Error));
        assert_eq!(
            p.diagnostics[0].message,
            "unknown key `actvity` looks like a misspelling of `activity`; its value is ignored"
        );
        assert_eq!(p.diagnostics[1].hint.as_deref(), Some("did you mean `commitments`?"));
        let n = p.note.unwrap();
        assert!(n.activity.is_empty() && n.commitments.is_empty() && n.tags.is_empty() && n.mood.is_none());
        assert_eq!(n.extra.len(), 5);
    }

    #[test]
    fn off_is_a_day_off_with_its_reason() {
        let off = |v: &str| {
            let p = parse_default("2026-11-27.md", &format!("---\noff: {v}\n---\n"));
            let c = codes(&p);
            (p.note.unwrap().off, c)
        };
        assert_eq!(off("true"), (Some(DayOff { reason: None }), vec![]));
        assert_eq!(off("PTO"), (Some(DayOff { reason: Some("PTO".into()) }), vec![]));
        assert_eq!(off("false"), (None, vec![]));
        assert_eq!(off(""), (None, vec![]));
        assert_eq!(off("1"), (None, vec![(Code::WrongType, 2)]));
        assert_eq!(off("[a]"), (None, vec![(Code::WrongType, 2)]));
    }

    #[test]
    fn ticked_task_without_date_warns() {
        let p = parse_default("2026-11-27.md", "- [x] done thing\n");
        assert_eq!(codes(&p), vec![(Code::TaskDoneWithoutDate, 1)]);
    }

    #[test]
    fn commitment_identity() {
        let p = parse_default("2026-11-27.md", "---\ncommitments:\n  - what: Send the deck!\n  - to: Bob\n---\n");
        assert_eq!(codes(&p), vec![(Code::CommitmentWithoutWhat, 4)]);
        assert_eq!(&*p.note.unwrap().commitments[0].id, "2026-11-27-send-the-deck");
    }
}
