//! Hover, go to definition and document symbols: a deal or commitment of
//! the note under the cursor, looked up in the journal as of today.

use super::document::{self, block_of, context, front_matter, item_lines, item_value, line_text, Block, Place};
use crate::analyse::summary::money;
use crate::model::config::Config;
use crate::model::journal::{Journal, Origin};
use crate::model::note::Note;
use crate::text::slug;
use lsp_types::{DocumentSymbol, Hover, HoverContents, MarkupContent, MarkupKind, Position, Range, SymbolKind};

/// What the cursor is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Deal(String),
    Commitment(String),
}

/// The deal or commitment at `pos`: the item of `deals:` or
/// `commitments:` whose lines hold the cursor, or a task item.
pub fn target(text: &str, pos: Position, note: Option<&Note>) -> Option<Target> {
    let line = pos.line as usize + 1;
    // A task is where the parser found one, whatever its dialect writes
    // (`[/]`, `1. [ ]`, `> - [ ]`, a Logseq `TODO` block): the note's own
    // reading, not a second one of the line.
    if let Some(note) = note {
        if let Some(task) = note.tasks.iter().find(|t| t.pos.line == line) {
            return Some(Target::Commitment(format!("{}-{}", note.date, task.slug)));
        }
    }
    if let Place::Task { .. } = context(text, pos).place {
        return None;
    }
    let (first, _) = front_matter(text)?;
    let block = block_of(text, pos.line, first);
    let lines = item_lines(text, pos.line)?;
    let within = |l: usize| (lines.0 as usize + 1..=lines.1 as usize + 1).contains(&l);
    match block {
        Block::Deals => {
            let parsed = note.and_then(|n| n.deals.iter().find(|d| within(d.pos.line))).map(|d| d.id.clone());
            // While the YAML does not parse, what is written still says.
            let written =
                || item_value(text, lines, "id").or_else(|| item_value(text, lines, "name").map(|n| slug(&n)));
            parsed.or_else(written).map(Target::Deal)
        }
        Block::Commitments => {
            let parsed = note.and_then(|n| n.commitments.iter().find(|c| within(c.pos.line))).map(|c| c.id.to_string());
            parsed.or_else(|| item_value(text, lines, "id")).map(Target::Commitment)
        }
        _ => None,
    }
}

fn markdown(value: String) -> Hover {
    Hover { contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }), range: None }
}

/// The state of the deal or commitment at `pos` as of the journal's date.
pub fn hover(text: &str, pos: Position, note: Option<&Note>, journal: &Journal, config: &Config) -> Option<Hover> {
    let as_of = journal.as_of;
    match target(text, pos, note)? {
        Target::Deal(id) => {
            let Some(d) = journal.deal(&id) else {
                return Some(markdown(format!(
                    "deal `{id}`: not in the journal as of {as_of} (its first mention needs `name` and `stage`)"
                )));
            };
            let stage = config.pipeline.stage(d.stage);
            let since = d.history.last().map_or(d.first_mention(), |c| c.date);
            let mut lines = vec![
                format!("**{}** · deal `{}`, as of {as_of}", d.name, d.id),
                String::new(),
                format!("- stage: **{}** ({:.0} %) since {since}", stage.name, stage.probability * 100.0),
            ];
            let field = |name: &str, v: Option<String>| format!("- {name}: {}", v.unwrap_or_else(|| "—".into()));
            lines.push(field("amount", d.amount.map(|a| money(a, &config.currency))));
            lines.push(field("close", d.close.map(|c| c.to_string())));
            lines.push(field("next", d.next.clone()));
            if let Some(contact) = &d.contact {
                lines.push(format!("- contact: {contact}"));
            }
            lines.push(format!(
                "- first mentioned {}, last touched {} ({} notes)",
                d.first_mention(),
                d.last_touched(&journal.notes),
                d.mentions.len()
            ));
            Some(markdown(lines.join("\n")))
        }
        Target::Commitment(id) => {
            let Some(c) = journal.commitment(&id) else {
                return Some(markdown(format!("commitment `{id}`: not in the journal as of {as_of}")));
            };
            let mut lines = vec![
                format!("**{}** · commitment `{}`, as of {as_of}", c.what, c.id),
                String::new(),
                format!("- status: **{}**", c.status(as_of).as_str()),
                format!("- due: {}", c.due.map_or_else(|| "—".to_string(), |d| d.to_string())),
            ];
            if c.counting_due != c.due {
                if let Some(counting) = c.counting_due {
                    lines.push(format!("- counts as due {counting} (rescheduled when already late)"));
                }
            }
            if let Some(to) = &c.to {
                lines.push(format!("- to: {to}"));
            }
            if let Some(done) = c.done.filter(|d| *d <= as_of) {
                lines.push(format!("- done: {done}"));
            }
            if let Some(dropped) = c.dropped.filter(|d| *d <= as_of) {
                lines.push(format!("- dropped: {dropped}"));
            }
            lines.push(format!("- made on {} in `{}`", c.made_on, journal.notes[c.note].path));
            Some(markdown(lines.join("\n")))
        }
    }
}

/// The note that made the deal or commitment at `pos`: its journal path
/// and the 1-based line and column (in characters) of the making item.
pub fn definition(text: &str, pos: Position, note: Option<&Note>, journal: &Journal) -> Option<(String, usize, usize)> {
    match target(text, pos, note)? {
        Target::Deal(id) => {
            let deal = journal.deal(&id)?;
            let made = &journal.notes[*deal.mentions.first()?];
            let at = made.deals.iter().find(|m| m.id == id)?.pos;
            Some((made.path.clone(), at.line, at.column))
        }
        Target::Commitment(id) => {
            let c = journal.commitment(&id)?;
            let made = &journal.notes[c.note];
            let at = match c.origin {
                Origin::FrontMatter => made.commitments.iter().find(|i| *i.id == *id)?.pos,
                Origin::Task => made.tasks.iter().find(|t| format!("{}-{}", made.date, t.slug) == id)?.pos,
            };
            Some((made.path.clone(), at.line, at.column))
        }
    }
}

/// The range of the item that starts at 1-based `line`: its lines in the
/// front matter, or the line itself.
fn item_range(text: &str, line: usize) -> (Range, Range) {
    let l = line.saturating_sub(1) as u32;
    let (a, b) = item_lines(text, l).unwrap_or((l, l));
    let whole =
        |a: u32, b: u32| Range::new(Position::new(a, 0), Position::new(b, document::utf16_len(line_text(text, b))));
    (whole(a.min(l), b.max(l)), whole(l, l))
}

/// The note's deals and commitments (task items included), for an outline.
pub fn symbols(text: &str, note: &Note, journal: &Journal, config: &Config) -> Vec<DocumentSymbol> {
    #[allow(deprecated)] // `deprecated` is a field every DocumentSymbol must give
    let symbol = |name: String, detail: Option<String>, kind: SymbolKind, line: usize| {
        let (range, selection_range) = item_range(text, line);
        DocumentSymbol { name, detail, kind, tags: None, deprecated: None, range, selection_range, children: None }
    };
    let mut out = Vec::new();
    for m in &note.deals {
        let name =
            m.name.clone().or_else(|| journal.deal(&m.id).map(|d| d.name.clone())).unwrap_or_else(|| m.id.clone());
        let stage = journal.deal(&m.id).map(|d| config.pipeline.stage(d.stage).name.clone());
        let detail = Some(match stage {
            Some(s) => format!("deal `{}` · {s}", m.id),
            None => format!("deal `{}`", m.id),
        });
        out.push(symbol(name, detail, SymbolKind::OBJECT, m.pos.line));
    }
    for c in &note.commitments {
        let name =
            c.what.as_deref().or_else(|| journal.commitment(&c.id).map(|x| &*x.what)).unwrap_or(&c.id).to_string();
        out.push(symbol(name, Some(format!("commitment `{}`", c.id)), SymbolKind::EVENT, c.pos.line));
    }
    for t in &note.tasks {
        let id = format!("{}-{}", note.date, t.slug);
        out.push(symbol(t.text.to_string(), Some(format!("task `{id}`")), SymbolKind::EVENT, t.pos.line));
    }
    out
}
