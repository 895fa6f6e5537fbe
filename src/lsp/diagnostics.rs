//! `check`'s diagnostics as LSP diagnostics, and their did-you-mean fixes
//! as code actions.
//!
//! saleslog's diagnostics have a start (line, column in characters) and no
//! end; a range starts where `check` says (the same line and column, so an
//! editor and `check` agree), and ends after the word there (a key, a
//! value), or, for a did-you-mean whose misspelt word follows on the same
//! line (an unknown id in an item starting at `- {`), after that word. The
//! suggestion and the misspelt word's own range travel in the LSP
//! diagnostic's `data`, so the code action, which replaces just that word,
//! needs nothing but what the client sends back.

use super::document::{line_text, position, position_of_byte};
use crate::model::diagnostic::{Diagnostic, Severity};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, NumberOrString, Position, Range, TextEdit, Uri, WorkspaceEdit,
};
use serde_json::json;

/// The first text between backticks in `s` after `after`.
fn backticked<'a>(s: &'a str, after: &str) -> Option<&'a str> {
    let rest = &s[s.find(after)? + after.len()..];
    let start = rest.find('`')? + 1;
    let len = rest[start..].find('`')?;
    Some(&rest[start..start + len])
}

/// (misspelt, suggested) when a diagnostic says "did you mean `x`?": the
/// misspelt word is the first one its message quotes.
pub fn suggestion(d: &Diagnostic) -> Option<(String, String)> {
    let said = |s| backticked(s, "did you mean");
    let good = d.hint.as_deref().and_then(said).or_else(|| backticked(&d.message, "did you mean"))?;
    let bad = backticked(&d.message, "")?;
    // `stage: Proposal` quoted whole: the value is what is misspelt.
    let bad = bad.rsplit_once(": ").map_or(bad, |(_, v)| v);
    (bad != good && !bad.is_empty()).then(|| (bad.to_string(), good.to_string()))
}

/// The range of the word at `start` on its line: up to a space or YAML
/// punctuation; the rest of the line when there is no word there.
fn word_range(text: &str, start: Position) -> Range {
    let line = line_text(text, start.line);
    let at = super::document::offset(text, start) - super::document::offset(text, Position::new(start.line, 0));
    let rest = &line[at..];
    let mut len = rest.find(|c: char| c.is_whitespace() || ":,[]{}#".contains(c)).unwrap_or(rest.len());
    if len == 0 {
        len = rest.trim_end().len();
    }
    Range::new(start, position_of_byte(line, start.line, at + len))
}

/// Where `bad` is written, from the diagnostic's position on (the item's
/// next few lines included: an id may follow its item's first key).
fn find_word(text: &str, start: Position, bad: &str) -> Option<Range> {
    for l in start.line..start.line + 8 {
        let line = line_text(text, l);
        let from = if l == start.line {
            super::document::offset(text, start) - super::document::offset(text, Position::new(l, 0))
        } else {
            0
        };
        let from = from.min(line.len());
        let found =
            line[from..].find(bad).map(|i| i + from).or_else(|| if l == start.line { line.find(bad) } else { None });
        if let Some(at) = found {
            return Some(Range::new(position_of_byte(line, l, at), position_of_byte(line, l, at + bad.len())));
        }
    }
    None
}

/// saleslog's diagnostics of one document, in LSP terms.
pub fn to_lsp<'a>(text: &str, diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Vec<lsp_types::Diagnostic> {
    diagnostics
        .into_iter()
        .map(|d| {
            let start = position(text, d.line, d.column);
            let fix = suggestion(d);
            let word = fix.as_ref().and_then(|(bad, _)| find_word(text, start, bad));
            let range = match word {
                Some(w) if w.start.line == start.line && w.start >= start => Range::new(start, w.end),
                _ => word_range(text, start),
            };
            let message = match &d.hint {
                Some(hint) => format!("{}\nhint: {hint}", d.message),
                None => d.message.clone(),
            };
            lsp_types::Diagnostic {
                range,
                severity: Some(match d.severity {
                    Severity::Error => lsp_types::DiagnosticSeverity::ERROR,
                    Severity::Warning => lsp_types::DiagnosticSeverity::WARNING,
                }),
                code: Some(NumberOrString::String(d.code.as_str().to_string())),
                source: Some("saleslog".into()),
                message,
                data: fix.zip(word).map(|((bad, good), at)| json!({"replace": bad, "with": good, "at": at})),
                ..Default::default()
            }
        })
        .collect()
}

/// A quick fix for each diagnostic that carries a suggestion.
pub fn code_actions(uri: &Uri, diagnostics: &[lsp_types::Diagnostic]) -> Vec<CodeActionOrCommand> {
    diagnostics
        .iter()
        .filter_map(|d| {
            let data = d.data.as_ref()?;
            let (bad, good) = (data.get("replace")?.as_str()?, data.get("with")?.as_str()?);
            let at: Range = serde_json::from_value(data.get("at")?.clone()).ok()?;
            let edit = TextEdit { range: at, new_text: good.to_string() };
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("replace `{bad}` with `{good}`"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(WorkspaceEdit { changes: Some([(uri.clone(), vec![edit])].into()), ..Default::default() }),
                is_preferred: Some(true),
                ..Default::default()
            }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::diagnostic::{Code, Pos};

    /// A did-you-mean on an item starts where `check` puts it (the item)
    /// and reaches the misspelt id; its quick fix replaces the id alone.
    #[test]
    fn a_fix_on_an_item_starts_where_check_does_and_replaces_the_word() {
        let d =
            Diagnostic::error("x.md", Pos::new(3, 5), Code::UnknownCommitment, "no commitment `send-dek` to update")
                .with_hint("did you mean `send-deck`?");
        let text = "---\ncommitments:\n  - {id: send-dek, done: true}\n---\n";
        let lsp = to_lsp(text, [&d]);
        assert_eq!(lsp[0].range, Range::new(Position::new(2, 4), Position::new(2, 17)));
        let uri: Uri = "file:///j/x.md".parse().unwrap();
        let CodeActionOrCommand::CodeAction(action) = &code_actions(&uri, &lsp)[0] else { panic!() };
        let edits = &action.edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri];
        assert_eq!(edits[0].range, Range::new(Position::new(2, 9), Position::new(2, 17)));
        assert_eq!(edits[0].new_text, "send-deck");
    }

    #[test]
    fn a_did_you_mean_marks_the_misspelt_word() {
        let d = Diagnostic::warning("x.md", Pos::new(2, 1), Code::UnknownKey, "unknown key `activty`")
            .with_hint("did you mean `activity`?");
        assert_eq!(suggestion(&d), Some(("activty".into(), "activity".into())));
        let text = "---\nactivty:\n---\n";
        let lsp = to_lsp(text, [&d]);
        assert_eq!(lsp[0].range, Range::new(Position::new(1, 0), Position::new(1, 7)));
        assert_eq!(lsp[0].message, "unknown key `activty`\nhint: did you mean `activity`?");
        let stage = Diagnostic::error("x.md", Pos::new(1, 12), Code::UnknownStage, "unknown stage `Proposal`")
            .with_hint("did you mean `proposal`?");
        let lsp = to_lsp("    stage: Proposal # x", [&stage]);
        assert_eq!(lsp[0].range, Range::new(Position::new(0, 11), Position::new(0, 19)));
        let plain = Diagnostic::error("x.md", Pos::new(1, 7), Code::OutOfRange, "`mood: 9` is outside the scale 1..5");
        assert_eq!(suggestion(&plain), None);
        assert_eq!(to_lsp("mood: 9 # high", [&plain])[0].range, Range::new(Position::new(0, 6), Position::new(0, 7)));
    }
}
