//! A Logseq graph (SPEC §11): its journal pages (`journals/yyyy_MM_dd.md`,
//! or the graph's `:journal/file-name-format`), page properties as front
//! matter, and task blocks (TODO … DONE, CANCELED, `DEADLINE:`) read into
//! the same task items a plain note's `- [ ]` gives.

use super::fields::{self, Field};
use super::{format_error, read_settings, Dialect, Layout, Page};
use crate::model::diagnostic::{Code, Diagnostic, Pos};
use crate::source::tasks::TaskItem;
use crate::source::yaml::{Key, Node};
use crate::text::{parse_date, slug};
use std::path::Path;
use std::sync::Arc;

const CONFIG: &str = "logseq/config.edn";

/// The graph's journal folder and file-name format.
pub fn layout(root: &Path) -> Result<Layout, Vec<Diagnostic>> {
    let settings = read_settings(root, CONFIG)?;
    let from = if settings.is_some() { CONFIG.to_string() } else { format!("Logseq's default (no {CONFIG})") };
    let text = settings.unwrap_or_default();
    let (format_at, format) = edn_string(&text, ":journal/file-name-format").unwrap_or((0, "yyyy_MM_dd".into()));
    let folder = edn_string(&text, ":journals-directory").map_or("journals".to_string(), |(_, f)| f);
    let compiled = super::dateformat::Format::java(&format)
        .map_err(|e| vec![format_error(CONFIG, &text, format_at, &format, e)])?;
    let folder = folder.trim_matches('/');
    Ok(Layout {
        dialect: Dialect::Logseq,
        folder: if folder.is_empty() { String::new() } else { format!("{folder}/") },
        format: compiled,
        from,
    })
}

/// The string after `key` in an EDN map, outside `;` comments: the byte
/// offset of its first character and its text.
fn edn_string(text: &str, key: &str) -> Option<(usize, String)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let code = line.find(';').map_or(line, |c| &line[..c]);
        if let Some(at) = code.find(key) {
            let after = &code[at + key.len()..];
            let start = after.find('"')?;
            if !after[..start].trim().is_empty() {
                return None;
            }
            let body = &after[start + 1..];
            let end = body.find('"')?;
            return Some((offset + at + key.len() + start + 1, body[..end].to_string()));
        }
        offset += line.len();
    }
    None
}

/// Logseq's task markers: open, done and dropped.
const OPEN: &[&str] = &["TODO", "LATER", "NOW", "DOING", "WAITING", "WAIT", "IN-PROGRESS", "STARTED"];
const DONE: &[&str] = &["DONE"];
const DROPPED: &[&str] = &["CANCELED", "CANCELLED"];

/// Read a journal page's body: page properties merged into `entries`
/// (its YAML front matter, if any), and its task blocks.
pub fn page(rel: &str, body: &str, body_line: usize, entries: Vec<(Key, Node)>, activities: &[String]) -> Page {
    let mut diagnostics = Vec::new();
    let lines: Vec<&str> = body.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let (props, first_block) = properties(&lines, body_line);
    let entries = fields::merge(rel, entries, props, activities, &mut diagnostics);
    let mut tasks: Vec<TaskItem> = Vec::new();
    // The task whose block is open, and its indentation, for the
    // `DEADLINE:` lines under it.
    let mut open: Option<(usize, usize)> = None;
    let mut fence = false;
    // The indentation of the last block, and of the block whose drawer
    // (`:LOGBOOK:` … `:END:`) is open.
    let mut block_indent = 0;
    let mut drawer: Option<usize> = None;
    for (i, line) in lines.iter().enumerate().skip(first_block) {
        let line_no = body_line + i;
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let (is_block, content_at) = match trimmed.strip_prefix("- ") {
            Some(_) => (true, indent + 2),
            None if trimmed == "-" => (true, line.len()),
            None => (false, indent),
        };
        let content = &line[content_at..];
        // A drawer is its block's own record (clock entries), whatever its
        // lines look like, a `- TODO` among them too: it ends at `:END:`,
        // or, left open, at the next line of the block's level or above.
        if let Some(holder) = drawer {
            if indent > holder || trimmed.trim_end().is_empty() {
                if trimmed.trim_end() == ":END:" {
                    drawer = None;
                }
                continue;
            }
            drawer = None;
        }
        if !is_block && !fence && trimmed.trim_end() == ":LOGBOOK:" {
            drawer = Some(block_indent);
            continue;
        }
        if content.trim_start().starts_with("```") {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        if is_block {
            open = None;
            block_indent = indent;
            if let Some(task) = task(line, content_at, line_no) {
                open = Some((tasks.len(), indent));
                tasks.push(task);
            } else if let Some(d) = misspelled_marker(rel, line, content_at, line_no) {
                diagnostics.push(d);
            }
            continue;
        }
        let Some((t, block_indent)) = open else { continue };
        if indent <= block_indent && !trimmed.is_empty() {
            open = None;
            continue;
        }
        let t = &mut tasks[t];
        if let Some(rest) = trimmed.strip_prefix("DEADLINE:") {
            let at = line.len() - rest.len();
            if let Some(date) = timestamp(rel, line, at, line_no, &mut diagnostics) {
                t.due.get_or_insert(date);
            }
        }
        // `SCHEDULED:` is not a due date; block properties (`id::`,
        // `collapsed::`) are Logseq's own.
    }
    Page { entries, tasks, diagnostics }
}

/// The page properties: the `key:: value` lines at the top of the page, or
/// a first block made only of them. Returns the fields and the index of the
/// first line after them.
fn properties(lines: &[&str], body_line: usize) -> (Vec<Field>, usize) {
    let mut i = lines.iter().take_while(|l| l.trim().is_empty()).count();
    let start = i;
    let as_field = |line: &str, at: usize, line_no: usize| -> Option<Vec<Field>> {
        let content = &line[at..];
        let (k, v) = fields::whole_line(content)?;
        let key = fields::key_name(&content[k.clone()])?;
        let value = &content[v.clone()];
        let key_pos = Pos::new(line_no, fields::column(line, at + k.start));
        // Logseq's own list properties: `tags:: a, [[b c]]`.
        if key == "tags" || key == "alias" {
            let mut out = Vec::new();
            let mut from = 0;
            for part in value.split(',') {
                let lead = part.len() - part.trim_start().len();
                let name = part.trim().trim_start_matches('#').trim_start_matches("[[").trim_end_matches("]]");
                out.push(Field {
                    key: key.clone(),
                    key_pos,
                    value: name.trim().to_string(),
                    value_pos: Pos::new(line_no, fields::column(line, at + v.start + from + lead)),
                });
                from += part.len() + 1;
            }
            return Some(out);
        }
        Some(vec![Field {
            key,
            key_pos,
            value: value.to_string(),
            value_pos: Pos::new(line_no, fields::column(line, at + v.start)),
        }])
    };
    let mut found = Vec::new();
    // Properties at the top of the file, before any block.
    while i < lines.len() && !lines[i].trim_start().starts_with("- ") {
        match as_field(lines[i], lines[i].len() - lines[i].trim_start().len(), body_line + i) {
            Some(f) => found.extend(f),
            None => break,
        }
        i += 1;
    }
    if i > start {
        return (found.into_iter().filter(|f| !is_logseq_own(&f.key)).collect(), i);
    }
    // Else a first block of properties only.
    let Some(first) = lines.get(start).filter(|l| l.trim_start().starts_with("- ")) else { return (found, start) };
    let at = first.len() - first.trim_start().len() + 2;
    let Some(f) = as_field(first, at, body_line + start) else { return (found, start) };
    found.extend(f);
    i = start + 1;
    while i < lines.len() && !lines[i].trim().is_empty() && !lines[i].trim_start().starts_with("- ") {
        match as_field(lines[i], lines[i].len() - lines[i].trim_start().len(), body_line + i) {
            Some(f) => found.extend(f),
            None => return (Vec::new(), start), // not a block of properties only
        }
        i += 1;
    }
    (found.into_iter().filter(|f| !is_logseq_own(&f.key)).collect(), i)
}

/// Properties Logseq writes itself (not the rep), never saleslog's keys.
fn is_logseq_own(key: &str) -> bool {
    matches!(key, "id" | "collapsed" | "filters")
}

/// A task block (`TODO Send the deck`) whose content starts at byte `at`.
fn task(line: &str, at: usize, line_no: usize) -> Option<TaskItem> {
    let content = &line[at..];
    let word = content.split_whitespace().next()?;
    let (checked, cancelled) = if OPEN.contains(&word) {
        (false, false)
    } else if DONE.contains(&word) {
        (true, false)
    } else if DROPPED.contains(&word) {
        (false, true)
    } else {
        return None;
    };
    let rest = &content[word.len()..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let mut text = rest.to_string();
    // A priority (`[#A]`) anywhere in the text is not part of it.
    for p in ["[#A]", "[#B]", "[#C]"] {
        text = text.replace(p, " ");
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return None;
    }
    Some(TaskItem {
        pos: Pos::new(line_no, fields::column(line, at)),
        slug: slug(&text),
        to: fields::first_link(&text).map(Arc::from),
        text: text.into(),
        checked,
        due: None,
        done: None,
        cancelled,
        dropped: None,
        bad_dates: Vec::new(),
    })
}

/// A block starting with a capitalised word an edit from a task marker
/// (`TOOD Send the deck`): Logseq reads it as text, so it would be no
/// commitment without a word.
fn misspelled_marker(rel: &str, line: &str, at: usize, line_no: usize) -> Option<Diagnostic> {
    let word = line[at..].split_whitespace().next()?;
    if word.len() < 3 || !word.bytes().all(|b| b.is_ascii_uppercase() || b == b'-') {
        return None;
    }
    let known = OPEN.iter().chain(DONE).chain(DROPPED).copied();
    // One edit, a swap of two letters counting as one (`TOOD`, `DOEN`).
    let (distance, marker) = known.map(|k| (strsim::osa_distance(word, k), k)).min_by_key(|(d, _)| *d)?;
    if distance != 1 {
        return None;
    }
    Some(
        Diagnostic::warning(
            rel,
            Pos::new(line_no, fields::column(line, at)),
            Code::UnknownTaskStatus,
            format!("`{word}` is not a task marker, so this block is read as text, not a commitment"),
        )
        .with_hint(format!("did you mean `{marker}`?")),
    )
}

/// The date of a timestamp `<2026-12-01 Tue>` (a repeater `.+1d` or a
/// time after it is ignored) starting after byte `at` of `line`.
fn timestamp(
    rel: &str,
    line: &str,
    at: usize,
    line_no: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<chrono::NaiveDate> {
    let rest = &line[at..];
    let open = at + rest.find('<')? + 1;
    let candidate = line.get(open..open + 10).unwrap_or("");
    let date = parse_date(candidate);
    if date.is_none() {
        diagnostics.push(
            Diagnostic::error(
                rel,
                Pos::new(line_no, fields::column(line, open)),
                Code::InvalidDate,
                format!("`{}` is not a date", line[open..].split('>').next().unwrap_or("")),
            )
            .with_hint("write `DEADLINE: <YYYY-MM-DD Day>`, as Logseq's date picker does"),
        );
    }
    date
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::yaml::Value;

    fn d(s: &str) -> Option<chrono::NaiveDate> {
        parse_date(s)
    }

    /// A drawer is its block's own record: a line in it that looks like
    /// a task is none, and a drawer left open ends at the next block of
    /// its block's level.
    #[test]
    fn a_drawer_holds_no_tasks() {
        let body = "- DONE Call Ann\n  :LOGBOOK:\n  - TODO clocked, not a task\n  DEADLINE: <2026-12-01 Tue>\n  :END:\n  DEADLINE: <2026-12-02 Wed>\n- Notes\n  :LOGBOOK:\n  - TODO still in the drawer\n- TODO After an open drawer\n";
        let p = page("journals/2026_11_27.md", body, 1, Vec::new(), &[]);
        let tasks: Vec<(&str, Option<chrono::NaiveDate>)> = p.tasks.iter().map(|t| (&*t.text, t.due)).collect();
        assert_eq!(tasks, [("Call Ann", d("2026-12-02")), ("After an open drawer", None)]);
    }

    #[test]
    fn page_properties_tasks_and_deadlines() {
        let body = "calls:: 22\nmood:: 4\ntags:: prospecting, [[Acme Corp]]\n\n- Called [[Acme]]\n  id:: 6571a2b3\n- TODO Send deck to [[Bob]]\n  DEADLINE: <2026-12-01 Tue>\n  SCHEDULED: <2026-11-28 Sat .+1w>\n- DONE [#A] Call Ann\n  :LOGBOOK:\n  CLOCK: [2026-11-27 Fri 10:00]\n  :END:\n\t- CANCELED Old idea\n\t- LATER Nested one\n\t  DEADLINE: <2026-12-05 Sat ++1w>\n- ```\n  TODO in code\n  ```\n- TODOS are not a marker\n- NOW Bad deadline\n  DEADLINE: <2026-02-30 Mon>\n";
        let p = page("journals/2026_11_27.md", body, 1, Vec::new(), &["calls".into()]);
        let keys: Vec<&str> = p.entries.iter().map(|(k, _)| k.name.as_str()).collect();
        assert_eq!(keys, ["activity", "mood", "tags"]);
        let Value::Seq(tags) = &p.entries[2].1.value else { panic!() };
        assert_eq!(tags[1].value, Value::Str("Acme Corp".into()));
        let tasks: Vec<(&str, bool, bool, Option<chrono::NaiveDate>)> =
            p.tasks.iter().map(|t| (&*t.text, t.checked, t.cancelled, t.due)).collect();
        assert_eq!(
            tasks,
            [
                ("Send deck to [[Bob]]", false, false, d("2026-12-01")),
                ("Call Ann", true, false, None),
                ("Old idea", false, true, None),
                ("Nested one", false, false, d("2026-12-05")),
                ("Bad deadline", false, false, None),
            ]
        );
        assert_eq!(p.tasks[0].to.as_deref(), Some("Bob"));
        assert_eq!(p.tasks[0].pos, Pos::new(7, 3));
        assert_eq!(p.tasks[2].pos, Pos::new(14, 4));
        assert_eq!(p.diagnostics.len(), 2);
        let typo = &p.diagnostics[0];
        assert_eq!((typo.code, typo.line, typo.column), (Code::UnknownTaskStatus, 20, 3));
        assert_eq!(typo.hint.as_deref(), Some("did you mean `TODO`?"));
        assert_eq!(
            (p.diagnostics[1].code, p.diagnostics[1].line, p.diagnostics[1].column),
            (Code::InvalidDate, 22, 14)
        );
        let p = page("j.md", "- NOTE this is prose\n- OK fine\n- DOEN it\n", 1, Vec::new(), &[]);
        assert_eq!(p.diagnostics.iter().map(|d| d.line).collect::<Vec<_>>(), [3]);
    }

    #[test]
    fn a_first_block_of_properties_is_the_page_properties() {
        let p = page("j.md", "- energy:: 3\n  wins:: Acme signed\n- later:: not a page property\n", 1, Vec::new(), &[]);
        let keys: Vec<&str> = p.entries.iter().map(|(k, _)| k.name.as_str()).collect();
        assert_eq!(keys, ["energy", "wins"]);
        let p = page("j.md", "- energy:: 3\n  and some text\n", 1, Vec::new(), &[]);
        assert!(p.entries.is_empty());
    }

    #[test]
    fn config_edn_names_the_format_and_locates_a_bad_one() {
        let dir = tempfile::tempdir().unwrap();
        let l = layout(dir.path()).unwrap();
        assert_eq!(l.date_of("journals/2026_11_27.md"), d("2026-11-27"));
        assert_eq!(l.date_of("pages/2026_11_27.md"), None);
        std::fs::create_dir_all(dir.path().join("logseq")).unwrap();
        let edn =
            "{:meta/version 1\n ;; :journal/file-name-format \"x\"\n :journal/file-name-format \"yyyy-MM-dd\"\n}\n";
        std::fs::write(dir.path().join(CONFIG), edn).unwrap();
        assert_eq!(layout(dir.path()).unwrap().date_of("journals/2026-11-27.md"), d("2026-11-27"));
        std::fs::write(dir.path().join(CONFIG), "{:journal/file-name-format \"yyyy_MM_dd_HH\"}").unwrap();
        let e = layout(dir.path()).unwrap_err();
        assert_eq!((e[0].line, e[0].column), (1, 40));
    }
}
