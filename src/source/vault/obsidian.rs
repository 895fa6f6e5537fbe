//! An Obsidian vault (SPEC §11): which files are daily notes (the core
//! Daily notes plugin's `.obsidian/daily-notes.json`, or Periodic Notes'
//! daily settings), Dataview inline fields as front-matter keys, and the
//! Obsidian Tasks emoji format (and Dataview's task fields) read into the
//! same task items a plain note's `- [ ]` gives.

use super::fields::{self, Field};
use super::{format_error, read_settings, settings_error, Dialect, Layout, Page};
use crate::model::diagnostic::{Code, Diagnostic, Pos};
use crate::source::tasks::{looks_like_date, TaskItem};
use crate::source::yaml::{Key, Node};
use crate::text::{did_you_mean, parse_date, slug};
use std::path::Path;
use std::sync::Arc;

const CORE: &str = ".obsidian/daily-notes.json";
const PERIODIC: &str = ".obsidian/plugins/periodic-notes/data.json";

/// Where the vault's daily notes are and how they are named.
pub fn layout(root: &Path) -> Result<Layout, Vec<Diagnostic>> {
    if let Some(text) = read_settings(root, PERIODIC)? {
        let json = json(PERIODIC, &text)?;
        let daily = &json["daily"];
        if daily["enabled"] == serde_json::Value::Bool(true) {
            return from_settings(PERIODIC, &text, daily);
        }
    }
    match read_settings(root, CORE)? {
        Some(text) => {
            let json = json(CORE, &text)?;
            from_settings(CORE, &text, &json)
        }
        None => Ok(Layout {
            dialect: Dialect::Obsidian,
            folder: String::new(),
            format: super::dateformat::Format::moment("YYYY-MM-DD").map_err(|_| Vec::new())?,
            from: "Obsidian's default (no .obsidian/daily-notes.json)".into(),
        }),
    }
}

fn json(rel: &str, text: &str) -> Result<serde_json::Value, Vec<Diagnostic>> {
    serde_json::from_str(text).map_err(|e| {
        vec![settings_error(
            rel,
            Pos::new(e.line().max(1), e.column().max(1)),
            format!("{rel} is not valid JSON: {e}"),
            "fix it in Obsidian's settings (or delete it to use the vault root and YYYY-MM-DD)",
        )]
    })
}

fn from_settings(rel: &str, text: &str, settings: &serde_json::Value) -> Result<Layout, Vec<Diagnostic>> {
    let folder = settings["folder"].as_str().unwrap_or("").trim().trim_matches('/');
    let written = settings["format"].as_str().unwrap_or("").trim();
    let format_text = if written.is_empty() { "YYYY-MM-DD" } else { written };
    let format = super::dateformat::Format::moment(format_text).map_err(|e| {
        // Locate the format's text in the file: after its `"format"` key.
        let encoded = serde_json::to_string(written).unwrap_or_default();
        let key = text.find("\"format\"").unwrap_or(0);
        let at = text[key..].find(&encoded).map_or(key, |i| key + i + 1);
        vec![format_error(rel, text, at, format_text, e)]
    })?;
    Ok(Layout {
        dialect: Dialect::Obsidian,
        folder: if folder.is_empty() { String::new() } else { format!("{folder}/") },
        format,
        from: rel.to_string(),
    })
}

/// Read a daily note's body: its inline fields (merged into `entries`, the
/// front matter's) and its tasks.
pub fn page(rel: &str, body: &str, body_line: usize, entries: Vec<(Key, Node)>, activities: &[String]) -> Page {
    let mut diagnostics = Vec::new();
    let mut found: Vec<Field> = Vec::new();
    let mut tasks = Vec::new();
    let mut fence: Option<(u8, usize)> = None;
    let mut comment = false;
    for (i, line) in body.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line_no = body_line + i;
        let quoted = strip_quote(line);
        let rest = &line[quoted..];
        let trimmed = rest.trim_start();
        // Fenced code holds no fields and no tasks.
        let run = |c: u8| trimmed.bytes().take_while(|&b| b == c).count();
        if let Some((c, n)) = fence {
            if run(c) >= n && trimmed[run(c)..].trim().is_empty() {
                fence = None;
            }
            continue;
        }
        if let Some(c) = [b'`', b'~'].into_iter().find(|&c| run(c) >= 3) {
            fence = Some((c, run(c)));
            continue;
        }
        // `%% … %%` is an Obsidian comment.
        if comment {
            if trimmed.contains("%%") {
                comment = false;
            }
            continue;
        }
        if let Some(after) = trimmed.strip_prefix("%%") {
            comment = !after.contains("%%");
            continue;
        }
        let indent = rest.len() - trimmed.len();
        let start = quoted + indent;
        let (marker, after_marker) = list_marker(trimmed);
        if marker {
            if let Some(task) = task(rel, line, start + after_marker, line_no, &mut diagnostics) {
                tasks.push(task);
                continue;
            }
        }
        let content_at = start + after_marker;
        let content = &line[content_at..];
        // A callout's title line (`> [!note] Title`) holds no fields.
        if content.starts_with("[!") {
            continue;
        }
        let mut push = |key: std::ops::Range<usize>, value: std::ops::Range<usize>| {
            if let Some(name) = fields::key_name(&line[key.clone()]) {
                found.push(Field {
                    key: name,
                    key_pos: Pos::new(line_no, fields::column(line, key.start)),
                    value: line[value.clone()].to_string(),
                    value_pos: Pos::new(line_no, fields::column(line, value.start)),
                });
            }
        };
        let whole = (!content.starts_with('#'))
            .then(|| fields::whole_line(content))
            .flatten()
            .filter(|(k, _)| fields::code_spans(content).iter().all(|c| c.start >= k.end));
        match whole {
            Some((k, v)) => push(content_at + k.start..content_at + k.end, content_at + v.start..content_at + v.end),
            None => {
                for f in fields::inline(content) {
                    push(
                        content_at + f.key.start..content_at + f.key.end,
                        content_at + f.value.start..content_at + f.value.end,
                    );
                }
            }
        }
    }
    let entries = fields::merge(rel, entries, found, activities, &mut diagnostics);
    Page { entries, tasks, diagnostics }
}

/// The bytes of a blockquote or callout prefix (`> `, `>> `) of a line.
fn strip_quote(line: &str) -> usize {
    let mut at = 0;
    loop {
        let rest = &line[at..];
        let t = rest.trim_start_matches([' ', '\t']);
        match t.strip_prefix('>') {
            Some(after) => at += rest.len() - after.len(),
            None => return at,
        }
    }
}

/// Whether `text` starts with a list marker (`- `, `* `, `+ `, `1. `, `1) `),
/// and the bytes up to the item's content.
fn list_marker(text: &str) -> (bool, usize) {
    let b = text.as_bytes();
    let marker = match b.first() {
        Some(b'-' | b'*' | b'+') => 1,
        Some(c) if c.is_ascii_digit() => {
            let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if n <= 9 && matches!(b.get(n), Some(b'.' | b')')) {
                n + 1
            } else {
                return (false, 0);
            }
        }
        _ => return (false, 0),
    };
    match b.get(marker) {
        Some(b' ' | b'\t') => {
            let spaces = b[marker..].iter().take_while(|c| matches!(c, b' ' | b'\t')).count();
            (true, marker + spaces)
        }
        _ => (false, 0),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Due,
    Done,
    Dropped,
    /// ➕ created, ⏳ scheduled, 🛫 start: dates that feed no figure.
    OtherDate,
    Recur,
    Priority,
    /// 🆔 and 🏁: one word; ⛔: a comma-separated list of ids.
    Word,
    Words,
}

/// The Obsidian Tasks emoji, longest spelling first where one is a prefix.
const MARKERS: &[(&str, Kind)] = &[
    ("📅", Kind::Due),
    ("📆", Kind::Due),
    ("🗓", Kind::Due),
    ("✅", Kind::Done),
    ("❌", Kind::Dropped),
    ("➕", Kind::OtherDate),
    ("⏳", Kind::OtherDate),
    ("⌛", Kind::OtherDate),
    ("🛫", Kind::OtherDate),
    ("🔁", Kind::Recur),
    ("⏫", Kind::Priority),
    ("🔼", Kind::Priority),
    ("🔽", Kind::Priority),
    ("⏬", Kind::Priority),
    ("🔺", Kind::Priority),
    ("🆔", Kind::Word),
    ("🏁", Kind::Word),
    ("⛔", Kind::Words),
];

/// Dataview's task fields (`[due:: 2026-12-01]`), lower-cased.
const TASK_FIELDS: &[(&str, Kind)] = &[
    ("due", Kind::Due),
    ("completion", Kind::Done),
    ("cancelled", Kind::Dropped),
    ("created", Kind::OtherDate),
    ("scheduled", Kind::OtherDate),
    ("start", Kind::OtherDate),
    ("repeat", Kind::Recur),
    ("priority", Kind::Priority),
    ("id", Kind::Word),
    ("dependson", Kind::Words),
    ("oncompletion", Kind::Word),
];

/// A task item at `line` whose list marker ends at byte `at` (`[c] …`), or
/// `None` when the item is not a task.
fn task(rel: &str, line: &str, at: usize, line_no: usize, diagnostics: &mut Vec<Diagnostic>) -> Option<TaskItem> {
    let rest = &line[at..];
    let mut chars = rest.chars();
    let (Some('['), Some(status), Some(']')) = (chars.next(), chars.next(), chars.next()) else { return None };
    let after = 2 + status.len_utf8();
    if !rest[after..].is_empty() && !rest[after..].starts_with([' ', '\t']) {
        return None;
    }
    let pos = Pos::new(line_no, fields::column(line, at));
    let raw = &rest[after..];
    let (checked, cancelled) = match status {
        ' ' | '/' => (false, false),
        'x' | 'X' => (true, false),
        '-' => (false, true),
        other => {
            diagnostics.push(
                Diagnostic::warning(
                    rel,
                    pos,
                    Code::UnknownTaskStatus,
                    format!("task status `[{other}]` is not one saleslog reads; counted as open"),
                )
                .with_hint("use `[ ]` (open), `[/]` (in progress), `[x]` (done) or `[-]` (dropped)"),
            );
            (false, false)
        }
    };
    let mut task = read_task(raw);
    if task.text.is_empty() {
        return None;
    }
    // The text after `]` starts at column pos + 3.
    let raw_pos = |byte: usize| Pos::new(line_no, pos.column + 2 + raw[..byte].chars().count() + 1);
    for (byte, key) in std::mem::take(&mut task.unknown) {
        let names = TASK_FIELDS.iter().map(|(n, _)| *n);
        diagnostics.push(
            Diagnostic::warning(
                rel,
                raw_pos(byte),
                Code::UnknownKey,
                format!("unknown task field `{key}`; it is ignored"),
            )
            .with_hint(
                did_you_mean(&key, names).unwrap_or_else(|| {
                    "task fields saleslog reads: due, completion, cancelled (and Tasks' emoji)".into()
                }),
            ),
        );
    }
    for (byte, marker) in std::mem::take(&mut task.not_dates) {
        diagnostics.push(
            Diagnostic::error(rel, raw_pos(byte), Code::InvalidDate, format!("`{marker}` is not followed by a date"))
                .with_hint(format!("write `{marker} YYYY-MM-DD`")),
        );
    }
    Some(TaskItem {
        pos,
        slug: slug(&task.text),
        to: fields::first_link(&task.text).map(Arc::from),
        text: task.text.into(),
        checked,
        due: task.due,
        done: task.done,
        cancelled: cancelled || task.dropped.is_some(),
        dropped: task.dropped,
        // The text after `]` starts at column pos + 3.
        bad_dates: task
            .bad_dates
            .into_iter()
            .map(|(column, date)| (Pos::new(line_no, pos.column + 2 + column), date))
            .collect(),
    })
}

/// What a task's text says once its markers are read.
#[derive(Debug, Default, PartialEq)]
struct Read {
    text: String,
    due: Option<chrono::NaiveDate>,
    done: Option<chrono::NaiveDate>,
    dropped: Option<chrono::NaiveDate>,
    /// 1-based character columns in the raw text, as [`TaskItem::bad_dates`].
    bad_dates: Vec<(usize, String)>,
    /// Byte offsets of unknown `[key:: …]` fields, and their keys.
    unknown: Vec<(usize, String)>,
    /// Byte offsets of date markers with no date after them.
    not_dates: Vec<(usize, String)>,
}

/// Read the markers of a task's text (after its `]`): every marker and its
/// value is cut from the text, the first valid date of each kind counts.
fn read_task(raw: &str) -> Read {
    let mut read = Read::default();
    let mut cuts: Vec<std::ops::Range<usize>> = Vec::new();
    let code = fields::code_spans(raw);
    let mut dated: Vec<(usize, Kind, Option<std::ops::Range<usize>>)> = Vec::new();
    for f in fields::inline(raw) {
        cuts.push(f.span.clone());
        let key = fields::key_name(&raw[f.key.clone()]).unwrap_or_default();
        match TASK_FIELDS.iter().find(|(n, _)| *n == key) {
            Some((_, kind @ (Kind::Due | Kind::Done | Kind::Dropped | Kind::OtherDate))) => {
                dated.push((f.value.start, *kind, Some(f.value.clone())));
            }
            Some(_) => {}
            None => read.unknown.push((f.key.start, key)),
        }
    }
    // Bytes inside a field or code hold no marker (one mask: linear).
    let mut blocked = vec![false; raw.len()];
    for c in cuts.iter().chain(code.iter()) {
        blocked[c.clone()].fill(true);
    }
    let mut markers: Vec<(usize, usize, Kind, &str)> = Vec::new();
    for (i, _) in raw.char_indices() {
        if blocked[i] {
            continue;
        }
        if let Some((m, kind)) = MARKERS.iter().find(|(m, _)| raw[i..].starts_with(m)) {
            let mut end = i + m.len();
            if raw[end..].starts_with('\u{fe0f}') {
                end += '\u{fe0f}'.len_utf8();
            }
            markers.push((i, end, *kind, m));
        }
    }
    for (n, &(start, end, kind, marker)) in markers.iter().enumerate() {
        let value_at = end + (raw[end..].len() - raw[end..].trim_start().len());
        let next = markers.get(n + 1).map_or(raw.len(), |m| m.0);
        let cut_end = match kind {
            Kind::Due | Kind::Done | Kind::Dropped | Kind::OtherDate => {
                let candidate = raw.get(value_at..value_at + 10).unwrap_or("");
                let digit_after = raw.as_bytes().get(value_at + 10).is_some_and(u8::is_ascii_digit);
                if looks_like_date(candidate) && !digit_after {
                    dated.push((value_at, kind, Some(value_at..value_at + 10)));
                    value_at + 10
                } else {
                    if kind != Kind::OtherDate {
                        read.not_dates.push((start, marker.to_string()));
                    }
                    end
                }
            }
            Kind::Recur => next.max(end),
            Kind::Priority => end,
            Kind::Word | Kind::Words => {
                let mut e = value_at;
                loop {
                    e += raw[e..].find(char::is_whitespace).unwrap_or(raw.len() - e);
                    let rest = &raw[e..];
                    let t = rest.trim_start();
                    // `⛔ abc, def` continues after a comma.
                    if kind == Kind::Words && raw[..e].ends_with(',') && !t.is_empty() && e < next {
                        e += rest.len() - t.len();
                        continue;
                    }
                    break;
                }
                e.min(next).max(end)
            }
        };
        cuts.push(start..cut_end);
    }
    dated.sort_by_key(|d| d.0);
    for (_, kind, value) in dated {
        let Some(value) = value else { continue };
        let text = raw[value.clone()].trim();
        let slot = match kind {
            Kind::Due => &mut read.due,
            Kind::Done => &mut read.done,
            Kind::Dropped => &mut read.dropped,
            _ => continue,
        };
        match parse_date(text) {
            Some(d) => {
                slot.get_or_insert(d);
            }
            None => read.bad_dates.push((raw[..value.start].chars().count() + 1, text.to_string())),
        }
    }
    // A block id at the end (`^a1b2c3`) names the line for links only.
    let trimmed = raw.trim_end();
    if let Some(at) = trimmed.rfind(" ^") {
        let id = &trimmed[at + 2..];
        if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            cuts.push(at..trimmed.len());
        }
    }
    // A priority written Logseq's way (`[#A]`): a marker too, whatever the
    // dialect (SPEC §11: every marker is removed before the id is made).
    for p in ["[#A]", "[#B]", "[#C]"] {
        cuts.extend(raw.match_indices(p).map(|(at, _)| at..at + p.len()));
    }
    cuts.sort_by_key(|c| c.start);
    let mut text = String::with_capacity(raw.len());
    let mut from = 0;
    for cut in cuts {
        if cut.start > from {
            text.push_str(&raw[from..cut.start]);
        }
        from = from.max(cut.end);
    }
    text.push_str(&raw[from.min(raw.len())..]);
    read.text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    read
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::yaml::Value;

    fn d(s: &str) -> Option<chrono::NaiveDate> {
        parse_date(s)
    }

    #[test]
    fn every_tasks_emoji_is_read_or_kept_out_of_the_text() {
        let r = read_task(
            " Send the deck to [[Bob]] ⏫ 🔁 every week on Monday ➕ 2026-11-20 ⏳ 2026-11-28 🛫 2026-11-27 📅 2026-12-01 🆔 abc123 ⛔ def456, ghi789 🏁 delete ^blk-1",
        );
        assert_eq!(r.text, "Send the deck to [[Bob]]");
        assert_eq!(r.due, d("2026-12-01"));
        assert_eq!((r.done, r.dropped), (None, None));
        let r = read_task(" Prio [#A] call ⏫ [#C]");
        assert_eq!(r.text, "Prio call", "a priority written [#A] is a marker too");
        let r = read_task(" Call Ann 🔼 ✅ 2026-11-26 🔽 🔺 ⏬");
        assert_eq!((r.text.as_str(), r.done), ("Call Ann", d("2026-11-26")));
        let r = read_task(" Old idea ❌ 2026-11-25 🗓️ 2026-11-30");
        assert_eq!((r.dropped, r.due), (d("2026-11-25"), d("2026-11-30")));
        assert_eq!(r.text, "Old idea");
    }

    #[test]
    fn dataview_task_fields() {
        let r = read_task(
            " Pricing for [[Acme]] [due:: 2026-12-01] (completion:: 2026-11-30) [created:: 2026-11-20] [priority:: high] [foo:: x]",
        );
        assert_eq!(r.text, "Pricing for [[Acme]]");
        assert_eq!((r.due, r.done), (d("2026-12-01"), d("2026-11-30")));
        assert_eq!(r.unknown.len(), 1);
        assert_eq!(r.unknown[0].1, "foo");
        let r = read_task(" X [cancelled:: 2026-11-24]");
        assert_eq!(r.dropped, d("2026-11-24"));
    }

    #[test]
    fn bad_dates_are_located_and_markers_without_dates_reported() {
        let r = read_task(" A 📅 2026-02-30 [due:: 2026-13-01]");
        assert_eq!(r.bad_dates, vec![(6, "2026-02-30".to_string()), (24, "2026-13-01".to_string())]);
        assert_eq!(r.text, "A");
        let r = read_task(" B 📅 soon");
        assert_eq!(r.not_dates.len(), 1);
        assert_eq!(r.due, None);
    }

    #[test]
    fn fields_tasks_callouts_and_code() {
        let body = "# Day\n\ncalls:: 22\n- Mood:: 4\n> [!summary] Day\n> energy:: 3\nA good day [wins:: Acme signed] (help:: legal review)\n\n```\nemails:: 9\n- [ ] not a task\n```\n%%\nmeetings:: 3\n%%\n> - [ ] Send deck to [[Bob]] 📅 2026-12-01\n1. [x] Call Ann ✅ 2026-11-26\n- [-] Old idea\n- [?] Odd status\n- [ ] Task with [mood:: 1]\n`code:: 5`\n";
        let p = page("2026-11-27.md", body, 4, Vec::new(), &["calls".into()]);
        let keys: Vec<(&str, usize)> = p.entries.iter().map(|(k, _)| (k.name.as_str(), k.pos.line)).collect();
        assert_eq!(keys, [("activity", 6), ("mood", 7), ("energy", 9), ("wins", 10), ("help", 10)]);
        assert_eq!(p.entries[1].1.value, Value::Int(4));
        assert_eq!(p.entries[1].1.pos, Pos::new(7, 10));
        let tasks: Vec<(&str, usize, bool, bool)> =
            p.tasks.iter().map(|t| (&*t.text, t.pos.line, t.checked, t.cancelled)).collect();
        assert_eq!(
            tasks,
            [
                ("Send deck to [[Bob]]", 19, false, false),
                ("Call Ann", 20, true, false),
                ("Old idea", 21, false, true),
                ("Odd status", 22, false, false),
                ("Task with", 23, false, false),
            ]
        );
        assert_eq!(p.tasks[0].to.as_deref(), Some("Bob"));
        assert_eq!(p.tasks[0].pos, Pos::new(19, 5));
        let codes: Vec<(Code, usize)> = p.diagnostics.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(codes, [(Code::UnknownTaskStatus, 22), (Code::UnknownKey, 23)]);
    }

    #[test]
    fn settings_locate_a_bad_format() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".obsidian")).unwrap();
        let text = "{\n  \"folder\": \"Daily/\",\n  \"format\": \"YYYY-[W]ww\"\n}\n";
        std::fs::write(dir.path().join(CORE), text).unwrap();
        let e = layout(dir.path()).unwrap_err();
        assert_eq!((e[0].line, e[0].column), (3, 22), "at `ww`");
        std::fs::write(dir.path().join(CORE), "{\"folder\": \"Daily/\", \"format\": \"DD.MM.YYYY\"}").unwrap();
        let l = layout(dir.path()).unwrap();
        assert_eq!(l.date_of("Daily/27.11.2026.md"), d("2026-11-27"));
        assert_eq!(l.date_of("27.11.2026.md"), None);
        std::fs::write(dir.path().join(CORE), "{\"folder\": ").unwrap();
        assert_eq!(layout(dir.path()).unwrap_err()[0].line, 1);
        // Periodic Notes wins when its daily notes are enabled.
        std::fs::create_dir_all(dir.path().join(".obsidian/plugins/periodic-notes")).unwrap();
        std::fs::write(
            dir.path().join(PERIODIC),
            "{\"daily\": {\"enabled\": true, \"folder\": \"Journal\", \"format\": \"YYYY/MM/YYYY-MM-DD\"}}",
        )
        .unwrap();
        std::fs::write(dir.path().join(CORE), "{}").unwrap();
        assert_eq!(layout(dir.path()).unwrap().date_of("Journal/2026/11/2026-11-27.md"), d("2026-11-27"));
    }
}
