//! Terminal output of `check` and `report`: located diagnostics with a
//! source excerpt and a caret (like rustc or hledger), and the five boxes
//! at 80 columns. Colour only on a terminal and never with NO_COLOR
//! (anstream strips it otherwise).

use crate::analyse::summary::BoxSummary;
use crate::analyse::{Figures, Light};
use crate::model::diagnostic::{Diagnostic, Severity, Tally};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use anstyle::{AnsiColor, Style};
use std::fmt::Write as _;

/// Render diagnostics for a person. `source` gives a file's text, to quote
/// the offending line.
pub fn diagnostics_human(diagnostics: &[Diagnostic], source: impl Fn(&str) -> Option<String>, styled: bool) -> String {
    let renderer = if styled { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = format!("{} [{}]", d.message, d.code);
        let text = source(&d.file);
        let line = text.as_deref().and_then(|t| t.lines().nth(d.line.saturating_sub(1)));
        let mut groups: Vec<Group<'_>> = Vec::new();
        match line {
            Some(line) => {
                let start = line.char_indices().nth(d.column.saturating_sub(1)).map_or(line.len(), |(i, _)| i);
                let end = line[start..].char_indices().nth(1).map_or(line.len(), |(i, _)| start + i).max(start);
                let end = if end == start && !line.is_empty() { line.len() } else { end };
                groups.push(
                    level.clone().primary_title(title.clone()).element(
                        // annotate-snippets adds the line and column itself.
                        Snippet::source(line)
                            .line_start(d.line)
                            .path(d.file.as_str())
                            .annotation(AnnotationKind::Primary.span(start..end)),
                    ),
                );
            }
            // No line to quote (the file is gone, or the problem is the
            // whole file): the location alone, not an empty excerpt.
            None => groups.push(
                level
                    .clone()
                    .primary_title(title.clone())
                    .element(Origin::path(d.file.as_str()).line(d.line.max(1)).char_column(d.column.max(1))),
            ),
        }
        if let Some(hint) = &d.hint {
            groups.push(Group::with_title(Level::HELP.secondary_title(hint.clone())));
        }
        let _ = writeln!(out, "{}\n", renderer.render(&groups));
    }
    out
}

/// The closing line of `check`.
pub fn tally_line(tally: Tally, notes: usize) -> String {
    format!(
        "{} note{} checked: {} error{}, {} warning{}",
        notes,
        if notes == 1 { "" } else { "s" },
        tally.errors,
        if tally.errors == 1 { "" } else { "s" },
        tally.warnings,
        if tally.warnings == 1 { "" } else { "s" }
    )
}

pub fn light_style(light: Light) -> Style {
    let color = match light {
        Light::Green => AnsiColor::Green,
        Light::Amber => AnsiColor::Yellow,
        Light::Red => AnsiColor::Red,
        Light::Na => AnsiColor::BrightBlack,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

/// The text report: a title line, then one line per box and its reason,
/// fitting 80 columns.
pub fn report_text(f: &Figures, boxes: &[BoxSummary], name: &str) -> String {
    let mut out = String::new();
    let who = if name.is_empty() { String::new() } else { format!("{name} — ") };
    let notes = if f.notes == 1 { "1 note".to_string() } else { format!("{} notes", f.notes) };
    let _ = writeln!(out, "{who}saleslog as of {} ({notes})\n", f.as_of);
    for b in boxes {
        let style = light_style(b.light);
        let label = format!("{} {:<5}", b.mark, b.light.as_str().to_uppercase());
        let _ = writeln!(out, "{style}{label}{style:#} {:<12} {}", b.title, truncate(&b.figure, 58));
        // The reason is why the box has its colour: wrapped, never cut.
        for line in wrap(&b.reason, 59) {
            let _ = writeln!(out, "{:21}{line}", "");
        }
    }
    if let Some(t) = &f.data.timeliness {
        let _ = writeln!(out, "\nTimeliness (git): {}", t.sentence());
    }
    out
}

/// The plan (SPEC §9) under the boxes: the chain from the gap to the new
/// deals it takes, then what that means a day; each wrapped like the
/// reasons to fit 80 columns.
pub fn plan_text(plan: &crate::analyse::plan::PlanWords) -> String {
    let mut out = String::from("\n");
    for (label, line) in [("Plan:", Some(&plan.chain)), ("", plan.headline.as_ref())] {
        let Some(line) = line else { continue };
        for (i, part) in wrap(line, 74).iter().enumerate() {
            let _ = writeln!(out, "{:<6}{part}", if i == 0 { label } else { "" });
        }
    }
    out
}

/// Lines of at most `width` characters, broken after a `;` when a whole
/// clause fits, else between words (a longer word is cut).
fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let fits = |line: &str, add: &str| line.is_empty() || line.chars().count() + 1 + add.chars().count() <= width;
    for clause in s.split_inclusive(';').map(str::trim).filter(|c| !c.is_empty()) {
        if !fits(&line, clause) && clause.chars().count() <= width {
            lines.push(std::mem::take(&mut line));
        }
        for word in clause.split_whitespace() {
            if !fits(&line, word) {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&truncate(word, width));
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::diagnostic::{Code, Pos};

    #[test]
    fn reasons_wrap_after_clauses_then_words() {
        assert_eq!(
            wrap("target 3× of $160,000 to go; 2 deals without a next step", 30),
            ["target 3× of $160,000 to go;", "2 deals without a next step"]
        );
        assert_eq!(wrap("one two three four", 9), ["one two", "three", "four"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("abcdefghijkl", 5), ["abcd…"]);
    }

    #[test]
    fn human_diagnostics_quote_the_line_with_a_caret() {
        let d = Diagnostic::error(
            "2026/11/2026-11-27.md",
            Pos::new(3, 7),
            Code::OutOfRange,
            "`mood: 9` is outside the scale 1..5",
        )
        .with_hint("use a number from 1 to 5");
        let out = diagnostics_human(&[d], |_| Some("---\ndate: 2026-11-27\nmood: 9\n---\n".into()), false);
        assert!(out.contains("error: `mood: 9` is outside the scale 1..5 [out-of-range]"), "{out}");
        assert!(out.contains("--> 2026/11/2026-11-27.md:3:7\n"), "{out}");
        assert!(out.contains("mood: 9"), "{out}");
        assert!(out.contains('^'), "{out}");
        assert!(out.contains("help: use a number from 1 to 5"), "{out}");
    }
}
