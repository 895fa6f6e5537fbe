//! `key:: value` fields, the one syntax Dataview (Obsidian) and Logseq
//! share, turned into the located front-matter entries a plain note's YAML
//! gives, so the note's validation reads them with the same rules and
//! messages (`mood:: high` is `wrong-type` at the value, `mod:: 4` is
//! `likely-typo` at the key).

use crate::model::diagnostic::{Code, Diagnostic, Pos};
use crate::source::yaml::{self, Key, Node, Value};

/// One field as written in a page, already located.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The key as saleslog reads it: lower-cased, spaces to `-`.
    pub key: String,
    pub key_pos: Pos,
    pub value: String,
    pub value_pos: Pos,
}

/// A field's key as written (`**Calls Made**`) as saleslog reads it
/// (`calls-made`); `None` when it cannot be a key (empty, or with
/// characters Dataview does not allow in one).
pub fn key_name(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let raw = raw.trim_start_matches(['*', '_']).trim_end_matches(['*', '_']).trim();
    if raw.is_empty() || raw.chars().any(|c| matches!(c, '[' | ']' | '(' | ')' | '`' | ':' | '#' | '|' | '>' | '"')) {
        return None;
    }
    let mut out = String::with_capacity(raw.len());
    for word in raw.split_whitespace() {
        if !out.is_empty() {
            out.push('-');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    Some(out)
}

/// A whole-line field in `line` (a list marker or a callout's `>` already
/// stripped): the byte ranges of the key as written and of the value
/// (trimmed; empty when there is none).
pub fn whole_line(line: &str) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let at = line.find("::")?;
    key_name(&line[..at])?;
    let key_start = line.len() - line.trim_start().len();
    let key = key_start..line[..at].trim_end().len();
    let rest = &line[at + 2..];
    let lead = rest.len() - rest.trim_start().len();
    let start = at + 2 + lead;
    let end = at + 2 + rest.trim_end().len();
    Some((key, start..end.max(start)))
}

/// An inline field of a line: `[key:: value]` or `(key:: value)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inline {
    /// The whole `[…]`, brackets included.
    pub span: std::ops::Range<usize>,
    pub key: std::ops::Range<usize>,
    pub value: std::ops::Range<usize>,
}

/// The byte ranges of `line`'s inline code spans (`` `a:: b` `` is code).
pub fn code_spans(line: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'`' {
            i += 1;
            continue;
        }
        let run = b[i..].iter().take_while(|&&c| c == b'`').count();
        let fence = &line[i..i + run];
        match line[i + run..].find(fence) {
            Some(end) => {
                spans.push(i..i + run + end + run);
                i += run + end + run;
            }
            None => break,
        }
    }
    spans
}

/// The inline fields of `line`, outside its code spans, in order. One
/// pass with a stack per bracket kind, so a hostile line of many brackets
/// costs linear time: a `::` belongs to the innermost open bracket, and a
/// field is a bracket closed with a `::` inside (not a `[[link]]`), not
/// itself inside another field.
pub fn inline(line: &str) -> Vec<Inline> {
    if !line.contains("::") {
        return Vec::new();
    }
    let code = code_spans(line);
    let b = line.as_bytes();
    // Open brackets: (position, is a link bracket, first `::` inside).
    let mut square: Vec<(usize, bool, Option<usize>)> = Vec::new();
    let mut round: Vec<(usize, bool, Option<usize>)> = Vec::new();
    let mut found: Vec<Inline> = Vec::new();
    let mut spans = code.iter().peekable();
    let mut i = 0;
    while i < b.len() {
        if let Some(span) = spans.peek() {
            if span.contains(&i) {
                i = span.end;
                spans.next();
                continue;
            }
        }
        match b[i] {
            b'[' => {
                let link = b.get(i + 1) == Some(&b'[') || (i > 0 && b[i - 1] == b'[');
                square.push((i, link, None));
            }
            b'(' => round.push((i, false, None)),
            b':' if b.get(i + 1) == Some(&b':') => {
                let top = match (square.last_mut(), round.last_mut()) {
                    (Some(s), Some(r)) => Some(if s.0 > r.0 { s } else { r }),
                    (s, r) => s.or(r),
                };
                if let Some(open) = top {
                    open.2.get_or_insert(i);
                }
                i += 2;
                continue;
            }
            c @ (b']' | b')') => {
                let stack = if c == b']' { &mut square } else { &mut round };
                if let Some((open, link, Some(at))) = stack.pop() {
                    let inner = &line[open + 1..i];
                    let at = at - open - 1;
                    if !link && key_name(&inner[..at]).is_some() {
                        let key_start = open + 1 + (inner.len() - inner.trim_start().len());
                        let key_end = open + 1 + inner[..at].trim_end().len();
                        let rest = &inner[at + 2..];
                        let v_start = open + 1 + at + 2 + (rest.len() - rest.trim_start().len());
                        let v_end = (open + 1 + at + 2 + rest.trim_end().len()).max(v_start);
                        // A field closes after the fields inside it: it replaces them.
                        while found.last().is_some_and(|f| f.span.start > open) {
                            found.pop();
                        }
                        found.push(Inline { span: open..i + 1, key: key_start..key_end, value: v_start..v_end });
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// The 1-based column of byte `at` of `line`, in characters.
pub fn column(line: &str, at: usize) -> usize {
    line[..at].chars().count() + 1
}

/// A field's value as a front-matter node: numbers are numbers, `true`
/// is a boolean, anything else text (dates stay text, as in YAML).
fn value_node(field: &Field) -> Node {
    Node { value: yaml::scalar(&field.value), pos: field.value_pos, empty: false }
}

/// Merge a page's fields into its front-matter entries: a key given more
/// than once is a list (Dataview's reading), `activity.X` or a name in
/// `activities` is the activity count X, an empty value is absent; a key
/// the front matter already gives is an error at the field (the front
/// matter's value is kept).
pub fn merge(
    rel: &str,
    mut entries: Vec<(Key, Node)>,
    fields: Vec<Field>,
    activities: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(Key, Node)> {
    let mut from_front_matter: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (k, _) in &entries {
        from_front_matter.entry(k.name.clone()).or_insert(k.pos.line);
    }
    let mut index: std::collections::HashMap<(bool, String), usize> = std::collections::HashMap::new();
    let duplicate = |diagnostics: &mut Vec<Diagnostic>, field: &Field, name: &str, line: usize| {
        diagnostics.push(
            Diagnostic::error(
                rel,
                field.key_pos,
                Code::DuplicateKey,
                format!("`{name}` is given in the front matter (line {line}) and again here; this one is ignored"),
            )
            .with_hint("give each field once, in the front matter or as a `key:: value` field"),
        );
    };
    let mut added: Vec<(Key, Vec<Node>)> = Vec::new();
    let mut activity: Vec<(Key, Vec<Node>)> = Vec::new();
    for field in fields {
        if field.value.is_empty() {
            continue; // an empty value is absent (SPEC §1)
        }
        let activity_name = field
            .key
            .strip_prefix("activity.")
            .map(str::to_string)
            .filter(|a| !a.is_empty())
            .or_else(|| activities.iter().any(|a| a.to_lowercase() == field.key).then(|| field.key.clone()));
        let is_activity = activity_name.is_some();
        let (list, name) = match activity_name {
            Some(a) => {
                // The configured spelling, so `Calls::` counts as `calls`.
                let a = activities.iter().find(|x| x.to_lowercase() == a).cloned().unwrap_or(a);
                if let Some((_, node)) = entries.iter().find(|(k, _)| k.name == "activity") {
                    if let Value::Map(known) = &node.value {
                        if let Some((k, _)) = known.iter().find(|(k, _)| k.name == a) {
                            duplicate(diagnostics, &field, &format!("activity.{a}"), k.pos.line);
                            continue;
                        }
                    }
                }
                (&mut activity, a)
            }
            None => {
                if let Some(line) = from_front_matter.get(&field.key) {
                    duplicate(diagnostics, &field, &field.key, *line);
                    continue;
                }
                (&mut added, field.key.clone())
            }
        };
        let node = value_node(&field);
        match index.get(&(is_activity, name.clone())) {
            Some(&at) => list[at].1.push(node),
            None => {
                index.insert((is_activity, name.clone()), list.len());
                list.push((Key { name, pos: field.key_pos }, vec![node]));
            }
        }
    }
    let one = |(key, mut nodes): (Key, Vec<Node>)| {
        let node = if nodes.len() == 1 {
            nodes.pop().unwrap_or(Node { value: Value::Null, pos: key.pos, empty: true })
        } else {
            Node { pos: nodes[0].pos, value: Value::Seq(nodes), empty: false }
        };
        (key, node)
    };
    if !activity.is_empty() {
        let counts: Vec<(Key, Node)> = activity.into_iter().map(one).collect();
        match entries.iter_mut().find(|(k, _)| k.name == "activity") {
            Some((_, node)) => match &mut node.value {
                Value::Map(known) => known.extend(counts),
                // `activity:` of the wrong type is reported by the note; the
                // fields still count.
                _ => *node = Node { pos: node.pos, value: Value::Map(counts), empty: false },
            },
            None => {
                let pos = counts[0].0.pos;
                entries.push((
                    Key { name: "activity".into(), pos },
                    Node { value: Value::Map(counts), pos, empty: false },
                ));
            }
        }
    }
    entries.extend(added.into_iter().map(one));
    entries
}

/// The target of the first `[[Page]]` (`[[Page|shown]]`, `[[Page#Part]]`)
/// of a task's text: its counterpart.
pub fn first_link(text: &str) -> Option<String> {
    let start = text.find("[[")? + 2;
    let end = start + text[start..].find("]]")?;
    let inner = &text[start..end];
    let target = inner.split(['|', '#']).next().unwrap_or(inner).trim();
    (!target.is_empty()).then(|| target.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_lower_cased_with_dashes() {
        assert_eq!(key_name("Calls"), Some("calls".into()));
        assert_eq!(key_name(" **Calls Made** "), Some("calls-made".into()));
        assert_eq!(key_name("activity.demos"), Some("activity.demos".into()));
        assert_eq!(key_name("see [[x]]"), None);
        assert_eq!(key_name("  "), None);
    }

    #[test]
    fn a_whole_line_field() {
        let line = "Calls made:: 22 ";
        let (k, v) = whole_line(line).unwrap();
        assert_eq!((&line[k], &line[v]), ("Calls made", "22"));
        let (_, v) = whole_line("mood::").unwrap();
        assert!(v.is_empty());
        assert!(whole_line("no field here").is_none());
        assert!(whole_line("see [[a]]:: b").is_none());
    }

    #[test]
    fn inline_fields_in_both_brackets_never_in_code() {
        let line = "Good day [mood:: 4] and (energy:: 3), `[calls:: 9]`, [[Acme]] [wins:: Met [[Acme]]]";
        let found = inline(line);
        let got: Vec<(&str, &str)> = found.iter().map(|f| (&line[f.key.clone()], &line[f.value.clone()])).collect();
        assert_eq!(got, vec![("mood", "4"), ("energy", "3"), ("wins", "Met [[Acme]]")]);
        assert_eq!(&line[found[0].span.clone()], "[mood:: 4]");
        assert!(inline("[link](https://x.y/a::b)").is_empty());
        assert!(inline("[[Page::x]]").is_empty());
        let nested = "[a:: (b:: 1)] (c:: 2";
        let got: Vec<&str> = inline(nested).iter().map(|f| &nested[f.key.clone()]).collect();
        assert_eq!(got, ["a"]);
    }

    /// A hostile line of brackets (one pass, not one scan per bracket).
    #[test]
    fn many_brackets() {
        let line = format!("{}(x:: 1)", "([".repeat(200_000));
        let found = inline(&line);
        assert_eq!(found.len(), 1);
        assert_eq!(&line[found[0].value.clone()], "1");
    }

    fn field(key: &str, value: &str, line: usize) -> Field {
        Field { key: key.into(), key_pos: Pos::new(line, 1), value: value.into(), value_pos: Pos::new(line, 8) }
    }

    #[test]
    fn merging_makes_lists_activities_and_reports_duplicates() {
        let front = yaml::parse("mood: 4\n", 2).unwrap().unwrap();
        let Value::Map(entries) = front.value else { panic!() };
        let mut d = Vec::new();
        let fields = vec![
            field("calls", "22", 5),
            field("activity.demos", "1", 6),
            field("wins", "A", 7),
            field("wins", "B", 8),
            field("mood", "3", 9),
            field("help", "", 10),
        ];
        let merged = merge("n.md", entries, fields, &["calls".into()], &mut d);
        let names: Vec<&str> = merged.iter().map(|(k, _)| k.name.as_str()).collect();
        assert_eq!(names, ["mood", "activity", "wins"]);
        assert_eq!(merged[0].1.value, Value::Int(4));
        let Value::Map(act) = &merged[1].1.value else { panic!() };
        assert_eq!(
            act.iter().map(|(k, v)| (k.name.as_str(), v.value.clone())).collect::<Vec<_>>(),
            [("calls", Value::Int(22)), ("demos", Value::Int(1))]
        );
        let Value::Seq(wins) = &merged[2].1.value else { panic!() };
        assert_eq!(wins.len(), 2);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].code, d[0].line), (Code::DuplicateKey, 9));
    }

    #[test]
    fn the_first_link_is_the_counterpart() {
        assert_eq!(first_link("Send deck to [[Bob Smith|Bob]] and [[Ann]]"), Some("Bob Smith".into()));
        assert_eq!(first_link("Call [[Acme#Buyers]]"), Some("Acme".into()));
        assert_eq!(first_link("no link"), None);
    }
}
