//! GitHub task items in a note's body (`- [ ] Send the deck 📅 2026-12-01`)
//! are commitments too (SPEC §2).
//!
//! pulldown-cmark finds the items, so a `- [ ]` inside a code block or an
//! HTML block is not a task; the item's text is then read from the source
//! line itself, markers included, because a task's identity is the slug of
//! the text as the user wrote it.

use crate::model::diagnostic::Pos;
use crate::text::parse_date;
use chrono::NaiveDate;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::sync::Arc;

/// A task item as written in a body.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskItem {
    pub pos: Pos,
    /// The text without its date markers.
    pub text: Arc<str>,
    /// `slug(text)`: with the note's date, the commitment's id (made once
    /// here, not at every fold of the journal).
    pub slug: String,
    pub checked: bool,
    pub due: Option<NaiveDate>,
    pub done: Option<NaiveDate>,
    /// Dropped (a vault's `- [-]`, ❌, Logseq's CANCELED): on `dropped`'s
    /// date, else on the note's. Plain task items are never dropped.
    pub cancelled: bool,
    pub dropped: Option<NaiveDate>,
    /// The counterpart, a vault task's first `[[Page]]`.
    pub to: Option<Arc<str>>,
    /// Markers whose date is not a real date (` 📅 2026-02-30`): where the
    /// date is in the file, and the date as written.
    pub bad_dates: Vec<(Pos, String)>,
}

/// The task items of `body`, whose first line is line `first_line` of the file.
pub fn find(body: &str, first_line: usize) -> Vec<TaskItem> {
    // Most notes have none: skip the markdown parse.
    if !(body.contains("[ ]") || body.contains("[x]") || body.contains("[X]")) {
        return Vec::new();
    }
    let mut tasks = Vec::new();
    let events: Vec<_> = Parser::new_ext(body, Options::ENABLE_TASKLISTS).into_offset_iter().collect();
    let starts: Vec<usize> =
        std::iter::once(0).chain(memchr::memchr_iter(b'\n', body.as_bytes()).map(|i| i + 1)).collect();
    let line_of = |at: usize| starts.partition_point(|&s| s <= at) - 1;
    let line_end = |line: usize| starts.get(line + 1).map_or(body.len(), |next| next - 1);
    // Whether each open list is ordered: `1. [ ]` is not a task (SPEC §2
    // names the bullets `-`, `*` and `+`).
    let mut lists: Vec<bool> = Vec::new();
    for (k, (event, range)) in events.iter().enumerate() {
        let checked = match event {
            Event::Start(Tag::List(first)) => {
                lists.push(first.is_some());
                continue;
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                continue;
            }
            Event::TaskListMarker(checked) if lists.last() == Some(&false) => *checked,
            _ => continue,
        };
        let line = line_of(range.start);
        // The item's text is its paragraph, which may wrap onto the lines
        // below (indented, or lazily not): ` 📅 2026-11-18` at the start
        // of the second line is the item's due date, as a reader sees it.
        let inline = events[k + 1..].iter().take_while(|(e, _)| is_inline(e)).map(|(_, r)| r);
        let marker_column = body[starts[line]..range.start].chars().count() + 1;
        // The text after `]` starts 3 columns on; each line below where its
        // text does (after the indent, or a quote's `>`).
        let mut written = Written::default();
        written.push(&body[range.end..line_end(line)], Pos::new(first_line + line, marker_column + 3));
        let mut below = line;
        for r in inline.filter(|r| r.start >= starts.get(line + 1).copied().unwrap_or(usize::MAX)) {
            if line_of(r.start) == below || body[r.start..].starts_with(['\n', '\r']) {
                continue;
            }
            below = line_of(r.start);
            let column = body[starts[below]..r.start].chars().count() + 1;
            written.push(" ", Pos::new(first_line + below, column));
            written.push(&body[r.start..line_end(below)], Pos::new(first_line + below, column));
        }
        let mut task = parse_item(&written.text, checked, |column| written.pos_of(column));
        if task.text.is_empty() {
            continue; // `- [ ]` alone promises nothing
        }
        task.pos = Pos::new(first_line + line, marker_column);
        tasks.push(task);
    }
    tasks
}

/// Whether `event` is inside a paragraph's text (what an item's first
/// paragraph is made of), not a block that ends it.
fn is_inline(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::FootnoteReference(_) => true,
        Event::Start(tag) => {
            matches!(tag, Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. })
        }
        Event::End(tag) => {
            matches!(tag, TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image)
        }
        _ => false,
    }
}

/// An item's text, its lines joined by a space, and where each piece of it
/// is in the file (for the positions of its bad dates).
#[derive(Default)]
struct Written {
    text: String,
    /// (byte offset in `text`, where that byte is in the file).
    pieces: Vec<(usize, Pos)>,
}

impl Written {
    fn push(&mut self, piece: &str, at: Pos) {
        self.pieces.push((self.text.len(), at));
        self.text.push_str(piece.trim_end_matches('\r'));
    }

    /// Where the character at 1-based column `column` of `text` is.
    fn pos_of(&self, column: usize) -> Pos {
        let byte = self.text.char_indices().nth(column.saturating_sub(1)).map_or(self.text.len(), |(i, _)| i);
        let (start, piece) = self.pieces.iter().rev().find(|(start, _)| *start <= byte).copied().unwrap_or_default();
        Pos::new(piece.line, piece.column + self.text[start..byte].chars().count())
    }
}

const DUE_MARKERS: [&str; 2] = [" 📅 ", " due:"];
const DONE_MARKERS: [&str; 2] = [" ✅ ", " done:"];

/// Read the markers out of one item's text (after its `[ ]`).
///
/// Markers are read in the order they are written; the first valid date of
/// each kind counts. A marker-shaped date that is not a real one
/// (` 📅 2026-02-30`) is reported and removed from the text like a valid
/// one, so fixing it does not change the task's identity. Columns are
/// counted in the original text, so each points at its own date: `place`
/// says where in the file the 1-based column `c` of `raw` is.
fn parse_item(raw: &str, checked: bool, place: impl Fn(usize) -> Pos) -> TaskItem {
    // Markers need a space before them; the text after `]` starts with one.
    let mut markers: Vec<(usize, &str, bool)> = DUE_MARKERS
        .iter()
        .map(|m| (m, true))
        .chain(DONE_MARKERS.iter().map(|m| (m, false)))
        .flat_map(|(m, is_due)| raw.match_indices(*m).map(move |(at, m)| (at, m, is_due)))
        .collect();
    markers.sort_unstable();
    let (mut due, mut done) = (None, None);
    let mut bad_dates = Vec::new();
    let mut cuts: Vec<std::ops::Range<usize>> = Vec::new();
    for (at, marker, is_due) in markers {
        let date_start = at + marker.len();
        let candidate = raw.get(date_start..date_start + 10).unwrap_or("");
        // `due:2026-12-011` is not a marker: a date is followed by no digit.
        let digit_after = raw.as_bytes().get(date_start + 10).is_some_and(u8::is_ascii_digit);
        if !looks_like_date(candidate) || digit_after {
            continue;
        }
        match parse_date(candidate) {
            Some(d) => {
                let slot = if is_due { &mut due } else { &mut done };
                slot.get_or_insert(d);
            }
            None => bad_dates.push((place(raw[..date_start].chars().count() + 1), candidate.to_string())),
        }
        cuts.push(at..date_start + 10);
    }
    let mut text = String::with_capacity(raw.len());
    let mut from = 0;
    for cut in cuts {
        text.push_str(&raw[from..cut.start]);
        from = cut.end;
    }
    text.push_str(&raw[from..]);
    let text = text.trim().to_string();
    TaskItem {
        pos: Pos::START,
        slug: crate::text::slug(&text),
        text: text.into(),
        checked,
        due,
        done,
        cancelled: false,
        dropped: None,
        to: None,
        bad_dates,
    }
}

pub(crate) fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        parse_date(s)
    }

    /// An item's text read as if it stood alone on line 1.
    fn at_line_1(column: usize) -> Pos {
        Pos::new(1, column)
    }

    #[test]
    fn markers_are_read_and_removed() {
        let t = find("- [ ] Send the case study to Bob 📅 2026-12-01\n", 5);
        assert_eq!(t.len(), 1);
        assert_eq!(&*t[0].text, "Send the case study to Bob");
        assert_eq!(t[0].due, d("2026-12-01"));
        assert_eq!(t[0].pos, Pos::new(5, 3));
        let t = find("* [x] Call back Jane ✅ 2026-11-27\n+ [X] Book QBR due:2026-12-04 done:2026-12-03\n", 1);
        assert_eq!(t[0].done, d("2026-11-27"));
        assert!(t[0].checked);
        assert_eq!(&*t[1].text, "Book QBR");
        assert_eq!((t[1].due, t[1].done), (d("2026-12-04"), d("2026-12-03")));
        assert_eq!(t[1].pos.line, 2);
    }

    #[test]
    fn code_blocks_hold_no_tasks() {
        let body = "```\n- [ ] not a task\n```\n\n    - [ ] indented code\n\n- [ ] real\n";
        let t = find(body, 1);
        assert_eq!(t.len(), 1);
        assert_eq!(&*t[0].text, "real");
        assert_eq!(t[0].pos.line, 7);
    }

    #[test]
    fn numbered_items_are_not_tasks() {
        let t = find("1. [ ] numbered\n\n- [ ] bullet\n", 1);
        assert_eq!(t.len(), 1);
        assert_eq!(&*t[0].text, "bullet");
    }

    #[test]
    fn nested_items_and_crlf() {
        let t = find("- parent\r\n  - [ ] child due:2026-01-02\r\n", 10);
        assert_eq!(t.len(), 1);
        assert_eq!(&*t[0].text, "child");
        assert_eq!(t[0].pos, Pos::new(11, 5));
    }

    #[test]
    fn markers_count_in_the_order_they_are_written() {
        let t = parse_item(" A due:2026-12-01 📅 2026-12-05 done:2026-11-30 ✅ 2026-11-29", false, at_line_1);
        assert_eq!((t.due, t.done), (d("2026-12-01"), d("2026-11-30")));
        assert_eq!(&*t.text, "A");
        // Something marker-like that is not a date does not hide a later marker.
        let t = parse_item(" Call due: soon due:2026-12-01", false, at_line_1);
        assert_eq!((t.due, &*t.text), (d("2026-12-01"), "Call due: soon"));
        // A date runs to ten characters, no further.
        let t = parse_item(" Ref due:2026-12-011", false, at_line_1);
        assert_eq!((t.due, &*t.text), (None, "Ref due:2026-12-011"));
    }

    #[test]
    fn bad_marker_dates_are_located_in_the_written_text() {
        let t = parse_item(" A 📅 2026-02-30 due:2026-13-01", false, at_line_1);
        let columns: Vec<usize> = t.bad_dates.iter().map(|(at, _)| at.column).collect();
        assert_eq!(columns, [6, 21]);
        assert_eq!(&*t.text, "A");
        // In a note: where each is in the file, on a wrapped line too.
        let t = find("x\n  - [ ] A 📅 2026-02-30\n    and due:2026-13-01\n", 4);
        let at = |line, column, date: &str| (Pos::new(line, column), date.to_string());
        assert_eq!(t[0].bad_dates, vec![at(5, 13, "2026-02-30"), at(6, 13, "2026-13-01")]);
        assert_eq!(&*t[0].text, "A and");
    }

    /// An item's text is its paragraph: wrapped onto the lines below
    /// (indented, lazily, inside a quote), its markers there count; a
    /// nested list or the next item ends it.
    #[test]
    fn a_wrapped_item_is_one_text() {
        let body = "- [ ] Call Bob back about the\n  board meeting 📅 2026-11-18\n- [x] Send\nthe deck ✅ 2026-11-17\n  - [ ] child\n> - [ ] quoted\n> text due:2026-11-20\n";
        let t = find(body, 1);
        let read: Vec<(&str, Option<NaiveDate>, Option<NaiveDate>, usize)> =
            t.iter().map(|t| (&*t.text, t.due, t.done, t.pos.line)).collect();
        assert_eq!(
            read,
            [
                ("Call Bob back about the board meeting", d("2026-11-18"), None, 1),
                ("Send the deck", None, d("2026-11-17"), 3),
                ("child", None, None, 5),
                ("quoted text", d("2026-11-20"), None, 6),
            ]
        );
        assert_eq!(t[0].slug, "call-bob-back-about-the-board-meeting");
    }

    #[test]
    fn impossible_marker_dates_are_reported() {
        let t = find("- [ ] thing 📅 2026-02-30\n", 1);
        assert_eq!(t[0].due, None);
        assert_eq!(t[0].bad_dates.len(), 1);
        assert_eq!(&*t[0].text, "thing");
    }
}
