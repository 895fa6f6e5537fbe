//! YAML front matter as a tree whose every node knows its line and column.
//!
//! saleslog reads YAML at the event level (serde-saphyr's own parser,
//! `granit_parser`) instead of deserializing into typed structs, for two
//! reasons the spec imposes:
//! - one value of the wrong type (`mood: high`) must be reported at its line
//!   and ignored while the rest of the note still counts; a derived
//!   `Deserialize` rejects the whole document at the first bad field;
//! - scalars must follow the YAML 1.2 core schema exactly (`yes`, `no`, `on`
//!   and `off` are strings), which is easiest to guarantee by resolving plain
//!   scalars here, in one small function.
//!
//! The tree is built without recursion, with limits on nesting depth and on
//! alias expansion, so hostile input (a billion-laughs bomb, 100,000 nested
//! `[`) is an error, not a crash. No type of the YAML crate leaves this module.

use crate::model::diagnostic::{Code, Pos};
use serde_saphyr::granit_parser::{Event, Marker, Parser, ScalarStyle, StructureStyle, Tag};
use std::collections::HashMap;

/// Nesting deeper than this is not a plausible note.
const MAX_DEPTH: usize = 64;
/// Nodes a document may hold once aliases are expanded.
const MAX_NODES: usize = 100_000;
/// Text that aliases may copy, in bytes: a few aliased long strings would
/// otherwise blow up memory while staying under [`MAX_NODES`].
const MAX_ALIAS_BYTES: usize = 1 << 20;

/// A YAML node and where it starts in the note file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    /// Written with no value at all (`amount:`): null, but SPEC §1 reads
    /// such a key as absent, where `amount: null` clears.
    pub empty: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A string; `quoted` is false for plain and block scalars.
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// A mapping key: its text as written and its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub pos: Pos,
}

impl Node {
    /// The kind of value, for "expected a number, found a list" messages.
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "a whole number",
            Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A field's text: a string, or a number written bare (`what: 5`).
    /// A boolean is none: YAML 1.2 reads `name: true` as true, not a name,
    /// and SPEC §2 makes a wrong type an error (quote it to mean the word).
    pub fn text(&self) -> Option<String> {
        match &self.value {
            Value::Bool(_) => None,
            _ => self.scalar_text(),
        }
    }

    /// A scalar's text, whatever its type (`tags: [2026]` is a tag "2026").
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The value as a message quotes it, close to how it was written: a
    /// list in brackets (`close: [2026-12-05]` is no date, and says so),
    /// text that YAML would read as something else in quotes (`"30"`), a
    /// whole float with its point (`30.0`), a huge one in exponent form,
    /// nothing as `null`.
    pub fn written(&self) -> String {
        match &self.value {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) if f.is_finite() && f.abs() >= 1e15 => format!("{f:e}"),
            Value::Float(f) if f.is_finite() && f.fract() == 0.0 => format!("{f:.1}"),
            Value::Float(f) => f.to_string(),
            Value::Str(s) if s.is_empty() || !matches!(scalar(s), Value::Str(_)) => format!("{s:?}"),
            Value::Str(s) => s.clone(),
            Value::Seq(items) => format!("[{}]", items.iter().map(Node::written).collect::<Vec<_>>().join(", ")),
            Value::Map(entries) => format!(
                "{{{}}}",
                entries.iter().map(|(k, v)| format!("{}: {}", k.name, v.written())).collect::<Vec<_>>().join(", ")
            ),
        }
    }

    /// A short rendering of the value for display on a note's page.
    pub fn display(&self) -> String {
        match &self.value {
            Value::Null => String::new(),
            Value::Seq(items) => items.iter().map(Node::display).collect::<Vec<_>>().join(", "),
            Value::Map(entries) => {
                entries.iter().map(|(k, v)| format!("{}: {}", k.name, v.display())).collect::<Vec<_>>().join(", ")
            }
            _ => self.scalar_text().unwrap_or_default(),
        }
    }
}

/// Why a front matter could not be read as YAML at all.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub pos: Pos,
    pub code: Code,
    pub message: String,
    /// How to fix it, when the code's usual hint does not fit.
    pub hint: Option<&'static str>,
}

/// Parse one YAML document whose first line is line `first_line` of the
/// note file. An empty document is `Ok(None)`.
pub fn parse(text: &str, first_line: usize) -> Result<Option<Node>, YamlError> {
    Builder::new(first_line, text).run(text)
}

enum Frame {
    Seq { items: Vec<Node>, pos: Pos, anchor: usize },
    Map { entries: Vec<(Key, Node)>, key: Option<Key>, pos: Pos, anchor: usize },
}

struct Builder {
    line_offset: usize,
    /// Character index at which each line of the text starts. Lines are
    /// counted at `\n` only, as in the rest of saleslog and in editors: the
    /// YAML parser's own line numbers also break at a lone `\r`.
    line_starts: Vec<usize>,
    stack: Vec<Frame>,
    /// For each open collection, where its `[` or `{` is if it has one:
    /// an unclosed bracket shows up as an error lines later.
    brackets: Vec<Option<(Pos, char)>>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    alias_bytes: usize,
    root: Option<Node>,
    documents: usize,
}

impl Builder {
    fn new(first_line: usize, text: &str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.chars().enumerate().filter(|(_, c)| *c == '\n').map(|(i, _)| i + 1))
            .collect();
        Builder {
            line_offset: first_line.saturating_sub(1),
            line_starts,
            stack: Vec::new(),
            brackets: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            alias_bytes: 0,
            root: None,
            documents: 0,
        }
    }

    fn pos(&self, m: &Marker) -> Pos {
        let index = m.index();
        let line = self.line_starts.partition_point(|&start| start <= index);
        Pos::new(line + self.line_offset, index - self.line_starts[line - 1] + 1)
    }

    fn error(&self, pos: Pos, code: Code, message: impl Into<String>) -> YamlError {
        YamlError { pos, code, message: message.into(), hint: None }
    }

    fn run(mut self, text: &str) -> Result<Option<Node>, YamlError> {
        for event in Parser::new_from_str(text) {
            let (event, span) = match event {
                Ok(e) => e,
                Err(e) => {
                    let info = e.info();
                    if info.contains("recursion limit") {
                        // The parser's own guard against deep nesting.
                        return Err(self.error(
                            self.pos(e.marker()),
                            Code::UnsupportedYaml,
                            format!("values nested more than {MAX_DEPTH} deep"),
                        ));
                    }
                    if info.contains("tab") {
                        if let Some(pos) = first_tab_indent(text) {
                            let pos = Pos::new(pos.line + self.line_offset, pos.column);
                            return Err(self.error(
                                pos,
                                Code::YamlSyntax,
                                "a tab indents this line; YAML indentation must be spaces",
                            ));
                        }
                    }
                    let pos = self.pos(e.marker());
                    let mut message = info.to_string();
                    if let Some((open, bracket)) = self.brackets.iter().rev().flatten().next() {
                        if open.line < pos.line {
                            message.push_str(&format!(
                                " (inside the `{bracket}` opened on line {}, column {}: is it closed?)",
                                open.line, open.column
                            ));
                        }
                    }
                    return Err(self.error(pos, Code::YamlSyntax, message));
                }
            };
            let pos = self.pos(span.tag_start.as_ref().unwrap_or(&span.start));
            match event {
                Event::DocumentStart(..) => {
                    self.documents += 1;
                    if self.documents > 1 {
                        return Err(self.error(
                            pos,
                            Code::UnsupportedYaml,
                            "a second YAML document in the front matter",
                        ));
                    }
                }
                Event::Scalar(text, style, anchor, tag) => {
                    let value = resolve_scalar(&text, style, tag.as_deref())
                        .map_err(|m| self.error(pos, Code::UnsupportedYaml, m))?;
                    // The parser gives a key with no value an empty span (and the text `~`).
                    let empty = span.start.index() == span.end.index() && matches!(value, Value::Null);
                    self.complete(Node { value, pos, empty }, anchor)?;
                }
                Event::SequenceStart(style, anchor, tag) => {
                    self.check_collection_tag(tag.as_deref(), "seq", pos)?;
                    let bracket = (style == StructureStyle::Flow).then_some((pos, '['));
                    self.open(Frame::Seq { items: Vec::new(), pos, anchor }, pos, bracket)?;
                }
                Event::MappingStart(style, anchor, tag) => {
                    self.check_collection_tag(tag.as_deref(), "map", pos)?;
                    let bracket = (style == StructureStyle::Flow).then_some((pos, '{'));
                    self.open(Frame::Map { entries: Vec::new(), key: None, pos, anchor }, pos, bracket)?;
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    self.brackets.pop();
                    let (node, anchor) = match self.stack.pop() {
                        Some(Frame::Seq { items, pos, anchor }) => {
                            (Node { value: Value::Seq(items), pos, empty: false }, anchor)
                        }
                        Some(Frame::Map { entries, pos, anchor, .. }) => {
                            (Node { value: Value::Map(entries), pos, empty: false }, anchor)
                        }
                        None => return Err(self.error(pos, Code::YamlSyntax, "unbalanced collection")),
                    };
                    self.complete(node, anchor)?;
                }
                Event::Alias(id) => {
                    let Some(target) = self.anchors.get(&id) else {
                        return Err(self.error(pos, Code::YamlSyntax, "alias to an unknown anchor"));
                    };
                    let (nodes, bytes) = size(target);
                    self.nodes += nodes;
                    self.alias_bytes += bytes;
                    if self.nodes > MAX_NODES || self.alias_bytes > MAX_ALIAS_BYTES {
                        return Err(self.error(
                            pos,
                            Code::UnsupportedYaml,
                            format!("aliases expand to more than {MAX_NODES} values or 1 MB of text (an alias bomb?)"),
                        ));
                    }
                    let mut node = target.clone();
                    node.pos = pos;
                    self.complete(node, 0)?;
                }
                Event::UnresolvedAlias(name) => {
                    return Err(self.error(pos, Code::YamlSyntax, format!("alias `*{name}` has no anchor")));
                }
                _ => {}
            }
        }
        Ok(self.root)
    }

    fn check_collection_tag(&self, tag: Option<&Tag>, expected: &str, pos: Pos) -> Result<(), YamlError> {
        match tag {
            None => Ok(()),
            Some(t) if t.is_yaml_core_schema_tag(expected) => Ok(()),
            Some(t) => Err(self.error(pos, Code::UnsupportedYaml, unsupported_tag(t))),
        }
    }

    fn open(&mut self, frame: Frame, pos: Pos, bracket: Option<(Pos, char)>) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(pos, Code::UnsupportedYaml, format!("values nested more than {MAX_DEPTH} deep")));
        }
        self.stack.push(frame);
        self.brackets.push(bracket);
        Ok(())
    }

    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), YamlError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            // Said in a note's terms: a deal in flow style is a handful of
            // values, so the limit is reached at about 14,000 deals.
            let mut e = self.error(
                node.pos,
                Code::UnsupportedYaml,
                format!(
                    "more than {MAX_NODES} values: a front matter holds at most {MAX_NODES} YAML values \
                     (about 14000 deals of a few fields each), so that memory stays bounded whatever a file holds"
                ),
            );
            e.hint = Some("split the deals or lists over several notes (one note per day is usual)");
            return Err(e);
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    let pos = node.pos;
                    let name = match node.value {
                        // Most keys: the text is moved into the key, not copied.
                        Value::Str(text) => text,
                        Value::Null => String::new(),
                        _ => node.scalar_text().ok_or_else(|| YamlError {
                            pos,
                            code: Code::UnsupportedYaml,
                            message: format!("a mapping key must be plain text, not {}", node.kind()),
                            hint: None,
                        })?,
                    };
                    if let Some((first, _)) = entries.iter().find(|(k, _)| k.name == name) {
                        return Err(YamlError {
                            pos,
                            code: Code::DuplicateKey,
                            message: format!("duplicate key `{name}` (first given on line {})", first.pos.line),
                            hint: None,
                        });
                    }
                    *key = Some(Key { name, pos });
                }
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
    }
}

/// Where a tab first appears in a line's leading whitespace (1-based line
/// within `text`), since the parser reports tabs at the scalar they follow.
fn first_tab_indent(text: &str) -> Option<Pos> {
    text.lines().enumerate().find_map(|(i, line)| {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        line[..indent].find('\t').map(|col| Pos::new(i + 1, col + 1))
    })
}

/// How many nodes a value holds, and how many bytes of text.
fn size(node: &Node) -> (usize, usize) {
    let (mut nodes, mut bytes) = (0, 0);
    let mut todo = vec![node];
    while let Some(node) = todo.pop() {
        nodes += 1;
        match &node.value {
            Value::Str(s) => bytes += s.len(),
            Value::Seq(items) => todo.extend(items),
            Value::Map(entries) => {
                bytes += entries.iter().map(|(k, _)| k.name.len()).sum::<usize>();
                todo.extend(entries.iter().map(|(_, v)| v));
            }
            _ => {}
        }
    }
    (nodes, bytes)
}

fn unsupported_tag(tag: &Tag) -> String {
    format!("unsupported YAML tag `{}{}`", tag.original_handle(), tag.suffix())
}

/// YAML 1.2 core schema resolution of one scalar.
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    if let Some(tag) = tag {
        let Some(core) = tag.core_suffix() else {
            // `!` alone is the non-specific tag: a string.
            if tag.original_handle() == "!" && tag.suffix().is_empty() {
                return Ok(Value::Str(text.to_string()));
            }
            return Err(unsupported_tag(tag));
        };
        let resolved = resolve_plain(text);
        return match (core, &resolved) {
            ("str", _) => Ok(Value::Str(text.to_string())),
            ("null", Value::Null) | ("bool", Value::Bool(_)) | ("int", Value::Int(_)) | ("float", Value::Float(_)) => {
                Ok(resolved)
            }
            ("float", Value::Int(i)) => Ok(Value::Float(*i as f64)),
            _ => Err(format!("`{text}` is not a valid !!{core}")),
        };
    }
    Ok(match style {
        ScalarStyle::Plain => resolve_plain(text),
        _ => Value::Str(text.to_string()),
    })
}

/// A plain scalar's value by the core schema (a vault's `calls:: 22` is
/// the number 22, as `calls: 22` would be).
pub fn scalar(text: &str) -> Value {
    resolve_plain(text)
}

fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if is_decimal_int(text) {
        return match text.parse::<i64>() {
            Ok(i) => Value::Int(i),
            // Too large for i64: keep its magnitude as a float.
            Err(_) => Value::Float(text.parse::<f64>().unwrap_or(f64::INFINITY)),
        };
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            if let Ok(i) = i64::from_str_radix(oct, 8) {
                return Value::Int(i);
            }
        }
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            if let Ok(i) = i64::from_str_radix(hex, 16) {
                return Value::Int(i);
            }
        }
    }
    if is_core_float(text) {
        if let Ok(f) = text.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(text.to_string())
}

fn is_decimal_int(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac {
        None => !int.is_empty() && all_digits(int),
        Some(f) => all_digits(int) && all_digits(f) && !(int.is_empty() && f.is_empty()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        parse(text, 2).unwrap().unwrap()
    }

    fn get<'a>(node: &'a Node, key: &str) -> &'a Node {
        match &node.value {
            Value::Map(entries) => &entries.iter().find(|(k, _)| k.name == key).unwrap().1,
            _ => panic!("not a map"),
        }
    }

    #[test]
    fn yaml_1_1_words_stay_strings() {
        let n = root("a: yes\nb: no\nc: on\nd: off\ne: true\nf: False\n");
        assert_eq!(get(&n, "a").value, Value::Str("yes".into()));
        assert_eq!(get(&n, "b").value, Value::Str("no".into()));
        assert_eq!(get(&n, "c").value, Value::Str("on".into()));
        assert_eq!(get(&n, "d").value, Value::Str("off".into()));
        assert_eq!(get(&n, "e").value, Value::Bool(true));
        assert_eq!(get(&n, "f").value, Value::Bool(false));
    }

    #[test]
    fn numbers_follow_the_core_schema() {
        let n = root("a: 12\nb: 3.5\nc: 1e400\nd: '12'\ne: 0x1F\nf: 1_000\ng: .5\nh: 2026-11-27\ni:\nj: ~\n");
        assert_eq!(get(&n, "a").value, Value::Int(12));
        assert_eq!(get(&n, "b").value, Value::Float(3.5));
        assert_eq!(get(&n, "c").value, Value::Float(f64::INFINITY));
        assert_eq!(get(&n, "d").value, Value::Str("12".into()));
        assert_eq!(get(&n, "e").value, Value::Int(31));
        assert_eq!(get(&n, "f").value, Value::Str("1_000".into()));
        assert_eq!(get(&n, "g").value, Value::Float(0.5));
        assert_eq!(get(&n, "h").value, Value::Str("2026-11-27".into()));
        assert!(get(&n, "i").is_null());
        assert!(get(&n, "j").is_null());
    }

    #[test]
    fn positions_are_lines_of_the_note_file() {
        let n = root("mood: 4\nactivity:\n  calls: 3\n");
        assert_eq!(get(&n, "mood").pos, Pos::new(2, 7));
        assert_eq!(get(get(&n, "activity"), "calls").pos, Pos::new(4, 10));
    }

    #[test]
    fn a_lone_carriage_return_does_not_start_a_line() {
        // Found by fuzzing: YAML breaks lines at a lone `\r` too, so the
        // parser's line numbers pointed past the end of the file.
        let n = root("a: 1\r\nb: 2\rc: x\n");
        assert_eq!(get(&n, "c").pos, Pos::new(3, 9));
        assert_eq!(root(&format!("{}.<<", "\r".repeat(43))).pos, Pos::new(2, 44));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = parse("mood: 4\nmood: 5\n", 2).unwrap_err();
        assert_eq!(e.code, Code::DuplicateKey);
        assert_eq!(e.pos.line, 3);
    }

    #[test]
    fn keys_are_text_whatever_scalar_wrote_them() {
        let n = root("2026: a\n~: b\n'q': c\n");
        let Value::Map(entries) = &n.value else { panic!("{n:?}") };
        let names: Vec<_> = entries.iter().map(|(k, v)| (k.name.as_str(), k.pos, v.as_str())).collect();
        assert_eq!(
            names,
            [("2026", Pos::new(2, 1), Some("a")), ("", Pos::new(3, 1), Some("b")), ("q", Pos::new(4, 1), Some("c"))]
        );
        let e = parse("[a]: 1\n", 1).unwrap_err();
        assert_eq!(
            (e.code, e.pos, e.message.as_str()),
            (Code::UnsupportedYaml, Pos::new(1, 1), "a mapping key must be plain text, not a list")
        );
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse("mood: 4\n\tcalls: 3\n", 2).unwrap_err();
        assert_eq!(e.code, Code::YamlSyntax);
        assert_eq!(e.pos.line, 3);
    }

    #[test]
    fn an_unclosed_bracket_is_named_where_the_error_shows() {
        let e = parse("mood: [4\nactivity: {calls: 3}\n", 2).unwrap_err();
        assert_eq!(e.pos, Pos::new(3, 9));
        assert!(e.message.ends_with(" (inside the `[` opened on line 2, column 7: is it closed?)"), "{}", e.message);
        // An error on the bracket's own line needs no such note.
        let e = parse("tags: [a, b: c: d]\n", 2).unwrap_err();
        assert!(!e.message.contains("opened on line"), "{}", e.message);
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 { "a".to_string() } else { format!("a{}", i - 1) };
            text.push_str(&format!("a{i}: &a{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(parse(&text, 2).is_err());
    }

    #[test]
    fn aliases_of_long_text_are_refused() {
        // Few nodes, but 10,000 copies of 64 KB would need 640 MB.
        let text = format!("a: &a {}\nb: [{}]\n", "x".repeat(65_536), vec!["*a"; 10_000].join(", "));
        let e = parse(&text, 2).unwrap_err();
        assert_eq!(e.code, Code::UnsupportedYaml);
        assert_eq!(e.pos.line, 3);
        // A few ordinary aliases are fine.
        let n = root("a: &a [x, y]\nb: *a\n");
        assert_eq!(get(&n, "b").value, get(&n, "a").value);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("a: {}", "[".repeat(100_000));
        let e = parse(&text, 2).unwrap_err();
        assert_eq!(e.code, Code::UnsupportedYaml);
        assert_eq!(e.message, "values nested more than 64 deep");
        let text = format!("a: {}1{}", "[".repeat(65), "]".repeat(65));
        assert_eq!(parse(&text, 2).unwrap_err().pos, Pos::new(2, 67));
    }

    #[test]
    fn unknown_tags_are_refused() {
        let e = parse("a: !!python/object foo\n", 2).unwrap_err();
        assert_eq!(e.code, Code::UnsupportedYaml);
        assert_eq!(
            root("a: !!str 12\n").value,
            Value::Map(vec![(
                Key { name: "a".into(), pos: Pos::new(2, 1) },
                Node { value: Value::Str("12".into()), pos: Pos::new(2, 4), empty: false }
            )])
        );
    }

    #[test]
    fn empty_document_is_none() {
        assert_eq!(parse("", 2).unwrap(), None);
        assert_eq!(parse("# only a comment\n", 2).unwrap(), None);
    }

    #[test]
    fn core_floats() {
        for ok in ["1.5", "-1.5", "+2", "1e5", "1.e5", ".5e-3", "10."] {
            assert!(is_core_float(ok), "{ok}");
        }
        for bad in [".", "e5", "1e", "1.2.3", "abc", "", "1_0"] {
            assert!(!is_core_float(bad), "{bad}");
        }
    }
}
