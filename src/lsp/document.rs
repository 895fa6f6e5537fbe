//! An open editor buffer: its text, positions in UTF-16 code units, and
//! where in a note the cursor is.
//!
//! The note itself is read by the one parser (`model::note`, through the
//! workspace's buffers); this module only answers what the parser cannot
//! know about text being typed: which key or value the cursor is on, even
//! while the YAML around it is still incomplete. That is read from the
//! lines and their indentation, the way a user sees the front matter.

use lsp_types::{Position, Range};

/// An open document's text.
#[derive(Debug, Clone)]
pub struct Document {
    pub text: String,
    pub version: i32,
}

/// The byte range of line `line` (0-based) without its line break; the
/// end of the text for a line past the last.
fn line_span(text: &str, line: u32) -> (usize, usize) {
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return (text.len(), text.len()),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = if text[start..end].ends_with('\r') { end - 1 } else { end };
    (start, end)
}

/// Every line of `text`, without its line break: walked once by what
/// looks up and down from a line (a line per request would read the text
/// again for each, and a line far past the end would be walked to).
pub fn lines_of(text: &str) -> Vec<&str> {
    text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect()
}

/// Line `line` (0-based) of `text`, without its line break.
pub fn line_text(text: &str, line: u32) -> &str {
    let (start, end) = line_span(text, line);
    &text[start..end]
}

/// The byte offset of an LSP position (UTF-16 columns), clamped to the line.
pub fn offset(text: &str, pos: Position) -> usize {
    let (start, end) = line_span(text, pos.line);
    let mut units = 0;
    for (i, c) in text[start..end].char_indices() {
        if units >= pos.character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    end
}

/// The UTF-16 length of `s`: an LSP column.
pub fn utf16_len(s: &str) -> u32 {
    s.chars().map(|c| c.len_utf16() as u32).sum()
}

/// The LSP position of a diagnostic's 1-based line and 1-based column in
/// characters (how every stage of saleslog counts).
pub fn position(text: &str, line: usize, column: usize) -> Position {
    let line0 = line.saturating_sub(1) as u32;
    let l = line_text(text, line0);
    let prefix: String = l.chars().take(column.saturating_sub(1)).collect();
    Position::new(line0, utf16_len(&prefix))
}

/// The LSP position of byte `at` of line `line` (0-based).
pub fn position_of_byte(line_str: &str, line: u32, at: usize) -> Position {
    Position::new(line, utf16_len(&line_str[..at.min(line_str.len())]))
}

impl Document {
    /// Apply one change: the whole text (`range` None) or a range of it.
    pub fn apply(&mut self, range: Option<Range>, new_text: &str) {
        match range {
            None => self.text = new_text.to_string(),
            Some(r) => {
                let start = offset(&self.text, r.start);
                let end = offset(&self.text, r.end).max(start);
                self.text.replace_range(start..end, new_text);
            }
        }
        self.lines_as_the_editor_counts();
    }

    /// A lone CR is a line break to LSP, as to the note's parser
    /// ([`crate::text::lone_cr_as_lf`]): the server's lines are the editor's.
    pub fn lines_as_the_editor_counts(&mut self) {
        if let std::borrow::Cow::Owned(text) = crate::text::lone_cr_as_lf(&self.text) {
            self.text = text;
        }
    }
}

/// The block of the front matter a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    Deals,
    Commitments,
    Activity,
    Other,
}

/// Where the cursor is, for completion and hover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Typing a top-level key.
    TopKey,
    /// Typing a key of an item of `deals:` or `commitments:`, or an
    /// activity name under `activity:`.
    ItemKey(Block),
    /// After `key:`, in `block` (top level: `Block::Other`).
    Value {
        block: Block,
        key: String,
    },
    /// On a task item of the body (`- [ ] …`), ticked or not.
    Task {
        checked: bool,
    },
    Elsewhere,
}

/// The cursor's place and the word typed so far before it (its start as
/// a byte offset in the line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub place: Place,
    pub word_start: usize,
    pub line: String,
}

/// The front matter's lines: (first YAML line, closing fence line), both
/// 0-based; an unclosed one runs to the end (the user is still typing).
pub fn front_matter(text: &str) -> Option<(u32, u32)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let mut n = 1;
    for line in lines {
        if line.trim_end() == "---" {
            return Some((1, n));
        }
        n += 1;
    }
    Some((1, n))
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Is this line only a comment or blank?
fn is_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// The top-level key of the block `line` (0-based, in the front matter)
/// belongs to.
pub fn block_of(text: &str, line: u32, first: u32) -> Block {
    let lines = lines_of(text);
    let line = (line as usize).min(lines.len().saturating_sub(1));
    for s in lines.iter().take(line + 1).skip(first as usize).rev() {
        if is_blank(s) || indent(s) > 0 || s.starts_with('-') {
            continue;
        }
        return block_named(s.split(':').next().unwrap_or(""));
    }
    Block::Other
}

fn block_named(key: &str) -> Block {
    match key.trim() {
        "deals" => Block::Deals,
        "commitments" => Block::Commitments,
        "activity" => Block::Activity,
        _ => Block::Other,
    }
}

/// Where the entry being typed starts, when `before` (a line up to the
/// cursor) ends inside a flow mapping: just after its `{` or its last `,`
/// at that depth. Quotes count only where a scalar starts (so `Don't` is
/// an apostrophe), and a `#` outside any bracket is a comment.
pub fn flow_entry_start(before: &str) -> Option<usize> {
    // For each open bracket: whether it is a `{`, and its last separator.
    let mut open: Vec<(bool, usize)> = Vec::new();
    let mut quote: Option<char> = None;
    let mut last = ' ';
    for (i, c) in before.char_indices() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if !open.is_empty() && matches!(last, '{' | '[' | ',' | ':' | ' ') => quote = Some(c),
            (None, '{' | '[') => open.push((c == '{', i)),
            (None, '}' | ']') => {
                open.pop();
            }
            (None, ',') => {
                if let Some((_, sep)) = open.last_mut() {
                    *sep = i;
                }
            }
            (None, '#') if open.is_empty() && matches!(last, ' ' | '\t') => return None,
            _ => {}
        }
        if !c.is_whitespace() || quote.is_none() {
            last = c;
        }
    }
    let (is_map, sep) = *open.last()?;
    (is_map && quote.is_none()).then_some(sep + 1)
}

/// A `- [ ]` / `- [x]` task line (any bullet, any indent): whether it is
/// ticked.
pub fn task_line(line: &str) -> Option<bool> {
    let t = line.trim_start();
    let rest = t.strip_prefix(['-', '*', '+'])?.strip_prefix(' ')?.trim_start();
    match rest.get(..3)? {
        "[ ]" => Some(false),
        "[x]" | "[X]" => Some(true),
        _ => None,
    }
}

/// Where `pos` is in `text`.
pub fn context(text: &str, pos: Position) -> Context {
    let line = line_text(text, pos.line).to_string();
    let at = offset(text, pos) - line_span(text, pos.line).0;
    let before = &line[..at];
    let word_start = before.rfind([' ', '\t', '[', '{', ',']).map_or(0, |i| i + 1);
    let elsewhere = |word_start| Context { place: Place::Elsewhere, word_start, line: line.clone() };
    let Some((first, close)) = front_matter(text) else {
        return match task_line(&line) {
            Some(checked) => Context { place: Place::Task { checked }, word_start, line: line.clone() },
            None => elsewhere(word_start),
        };
    };
    if pos.line > close || (pos.line == close && close_is_fence(text, close)) {
        return match task_line(&line) {
            Some(checked) if pos.line > close => {
                Context { place: Place::Task { checked }, word_start, line: line.clone() }
            }
            _ => elsewhere(word_start),
        };
    }
    if pos.line < first {
        return elsewhere(word_start);
    }
    // Inside a flow mapping (`  - {id: acme-corp, stage: `, `activity:
    // {calls: 3, em`, as `new` writes its updates): the entry typed is
    // what follows the mapping's `{` or its last `,`.
    if let Some(start) = flow_entry_start(before) {
        let entry = before[start..].trim_start();
        let block = if indent(before) == 0 && !before.starts_with('-') {
            block_named(before.split(':').next().unwrap_or(""))
        } else {
            block_of(text, pos.line, first)
        };
        return match entry.split_once(':') {
            Some((key, value)) => Context {
                place: Place::Value { block, key: key.trim().to_string() },
                word_start: before.len() - value.trim_start().trim_start_matches(['"', '\'']).len(),
                line: line.clone(),
            },
            None if block == Block::Other => elsewhere(word_start),
            None => {
                Context { place: Place::ItemKey(block), word_start: before.len() - entry.len(), line: line.clone() }
            }
        };
    }
    let key_part = before.trim_start().trim_start_matches("- ").trim_start();
    let key_start = before.len() - key_part.len();
    if let Some((key, value)) = key_part.split_once(':') {
        if key.contains(['#', '"', '\'']) {
            return elsewhere(word_start);
        }
        let block = if indent(before) == 0 && !before.starts_with('-') {
            Block::Other
        } else {
            block_of(text, pos.line, first)
        };
        // The value typed so far starts after `: ` (and an opening quote).
        let value_start = before.len() - value.trim_start().trim_start_matches(['"', '\'']).len();
        return Context {
            place: Place::Value { block, key: key.trim().to_string() },
            word_start: value_start,
            line: line.clone(),
        };
    }
    if indent(before) == 0 && !before.starts_with('-') {
        return Context { place: Place::TopKey, word_start: key_start, line: line.clone() };
    }
    match block_of(text, pos.line, first) {
        b @ (Block::Deals | Block::Commitments | Block::Activity) => {
            Context { place: Place::ItemKey(b), word_start: key_start, line: line.clone() }
        }
        Block::Other => elsewhere(word_start),
    }
}

fn close_is_fence(text: &str, close: u32) -> bool {
    line_text(text, close).trim_end() == "---"
}

/// The lines (0-based, inclusive) of the list item of `deals:` or
/// `commitments:` that `line` is on: from its `- ` line to the line
/// before the next item or the end of the block.
pub fn item_lines(text: &str, line: u32) -> Option<(u32, u32)> {
    let (first, close) = front_matter(text)?;
    if line < first || line >= close {
        return None;
    }
    let lines = lines_of(text);
    let mut start = None;
    for l in (first..=line).rev() {
        let s = lines[l as usize];
        if is_blank(s) {
            continue;
        }
        if s.trim_start().starts_with("- ") || s.trim_start() == "-" {
            start = Some(l);
            break;
        }
        if indent(s) == 0 {
            return None;
        }
    }
    let start = start?;
    let dash = indent(lines[start as usize]);
    let mut end = start;
    for l in start + 1..close {
        let s = lines[l as usize];
        if is_blank(s) {
            continue;
        }
        if indent(s) <= dash {
            break;
        }
        end = l;
    }
    Some((start, end))
}

/// The value of `key:` in the item on lines `lines`, as written.
pub fn item_value(text: &str, lines: (u32, u32), key: &str) -> Option<String> {
    let all = lines_of(text);
    let (from, to) = (lines.0 as usize, (lines.1 as usize).saturating_add(1));
    all.iter().take(to).skip(from).find_map(|s| {
        let s = s.trim_start().trim_start_matches("- ");
        let (k, v) = s.split_once(':')?;
        let v = v.split(" #").next().unwrap_or("").trim().trim_matches(['"', '\'']);
        (k.trim() == key && !v.is_empty()).then(|| v.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_utf16_code_units() {
        let text = "ab\n- [ ] 📅 x\r\nlast";
        assert_eq!(line_text(text, 1), "- [ ] 📅 x");
        // `x` is the 9th character but the 10th UTF-16 unit (📅 is two).
        assert_eq!(position(text, 2, 9), Position::new(1, 9));
        assert_eq!(&text[offset(text, Position::new(1, 9))..], "x\r\nlast");
        assert_eq!(offset(text, Position::new(1, 99)), text.find('\r').unwrap());
        assert_eq!(offset(text, Position::new(9, 0)), text.len());
    }

    #[test]
    fn incremental_edits_apply_in_utf16() {
        let mut d = Document { text: "- 📅 2026\nb".into(), version: 1 };
        d.apply(Some(Range::new(Position::new(0, 5), Position::new(0, 9))), "2027");
        assert_eq!(d.text, "- 📅 2027\nb");
        d.apply(None, "new");
        assert_eq!(d.text, "new");
    }

    #[test]
    fn the_cursor_knows_its_key_and_block() {
        let text = "---\nmo\ndeals:\n  - name: Acme\n    stage: pro\n    am\ncommitments:\n  - id: \nactivity:\n  ca\n---\n- [ ] call 📅 \n";
        let at = |line, ch| context(text, Position::new(line, ch)).place;
        assert_eq!(at(1, 2), Place::TopKey);
        assert_eq!(at(4, 14), Place::Value { block: Block::Deals, key: "stage".into() });
        assert_eq!(context(text, Position::new(4, 14)).word_start, 11);
        assert_eq!(at(5, 6), Place::ItemKey(Block::Deals));
        assert_eq!(at(7, 8), Place::Value { block: Block::Commitments, key: "id".into() });
        assert_eq!(at(9, 4), Place::ItemKey(Block::Activity));
        assert_eq!(at(11, 14), Place::Task { checked: false });
        assert_eq!(item_lines(text, 5), Some((3, 5)));
        assert_eq!(item_value(text, (3, 5), "name").as_deref(), Some("Acme"));
    }

    /// A line far past the end (an editor's, or a client's bug) is the
    /// last line: each line is looked at once, not walked to.
    #[test]
    fn a_line_past_the_end_is_the_last_line() {
        let text = "---\ndeals:\n  - name: Acme\n    stage: lead\n---\n";
        assert_eq!(block_of(text, u32::MAX, 1), Block::Deals);
        assert_eq!(item_lines(text, u32::MAX), None, "outside the front matter");
        assert_eq!(item_value(text, (2, u32::MAX), "name").as_deref(), Some("Acme"));
        assert_eq!(item_value(text, (2, u32::MAX), "amount"), None);
        assert_eq!(context(text, Position::new(u32::MAX, 0)).place, Place::Elsewhere);
    }

    /// In a flow mapping (as `new` writes updates): the entry after the
    /// `{` or the last `,` is the key or value being typed.
    #[test]
    fn the_cursor_knows_its_place_in_a_flow_mapping() {
        let text = "---\ndeals:\n  - {id: acme-corp, stage: ne}\n  - {na\ncommitments:\n  - {what: \"Don't, ever\", to: J}\nactivity: {calls: 3, em}\n---\n";
        let at = |line, ch| context(text, Position::new(line, ch));
        let stage = at(2, 29);
        assert_eq!(stage.place, Place::Value { block: Block::Deals, key: "stage".into() });
        assert_eq!(stage.word_start, 27);
        assert_eq!(at(2, 9).place, Place::Value { block: Block::Deals, key: "id".into() });
        assert_eq!(at(3, 7).place, Place::ItemKey(Block::Deals));
        assert_eq!(at(3, 7).word_start, 5);
        // A quoted comma is no separator.
        assert_eq!(at(5, 31).place, Place::Value { block: Block::Commitments, key: "to".into() });
        assert_eq!(at(6, 23).place, Place::ItemKey(Block::Activity));
        assert_eq!(flow_entry_start("  - {what: it's, to: "), Some(16));
        assert_eq!(flow_entry_start("mood: 3 # {x"), None);
        assert_eq!(flow_entry_start("tags: [a, b"), None, "a sequence, not a mapping");
    }
}
