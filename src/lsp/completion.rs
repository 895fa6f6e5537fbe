//! Completion: what may be written where the cursor is, from the journal
//! as of today (SPEC §12).

use super::document::{self, context, item_lines, lines_of, position_of_byte, Block, Place};
use crate::analyse::summary::money;
use crate::model::config::{Config, Outcome};
use crate::model::journal::{Journal, Status};
use crate::model::note::{COMMITMENT_KEYS, DEAL_KEYS, KNOWN_KEYS};
use chrono::{Datelike, Duration, NaiveDate};
use lsp_types::{CompletionItem, CompletionItemKind, CompletionTextEdit, Position, Range, TextEdit};
use std::collections::{BTreeMap, BTreeSet};

/// The keys of a mapping already written on `lines` (so they are not offered again).
fn written_keys(text: &str, lines: impl Iterator<Item = u32>, top_level: bool) -> BTreeSet<String> {
    let all = lines_of(text);
    lines
        .filter_map(|l| {
            let s = *all.get(l as usize)?;
            if top_level && (s.starts_with([' ', '-', '#']) || s.is_empty()) {
                return None;
            }
            let s = s.trim_start().trim_start_matches("- ");
            s.split_once(':').map(|(k, _)| k.trim().to_string())
        })
        .collect()
}

struct Items {
    range: Range,
    out: Vec<CompletionItem>,
}

impl Items {
    fn push(&mut self, kind: CompletionItemKind, label: String, insert: String, detail: Option<String>, sort: String) {
        self.out.push(CompletionItem {
            filter_text: Some(label.clone()),
            label,
            kind: Some(kind),
            detail,
            sort_text: Some(sort),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit { range: self.range, new_text: insert })),
            ..Default::default()
        });
    }
}

/// Useful dates from `today`: today, tomorrow, the next workdays, a week on.
fn dates(today: NaiveDate, config: &Config) -> Vec<(NaiveDate, String)> {
    let mut out = vec![(today, "today".to_string()), (today + Duration::days(1), "tomorrow".to_string())];
    let mut d = today + Duration::days(1);
    while out.len() < 6 {
        d += Duration::days(1);
        if config.workdays.contains(d.weekday()) {
            out.push((d, format!("{}", d.weekday())));
        }
    }
    out.push((today + Duration::days(7), "in a week".to_string()));
    out.sort();
    out.dedup_by_key(|(d, _)| *d);
    out
}

/// The completion items at `pos` of a note's `text`.
pub fn complete(
    text: &str,
    pos: Position,
    journal: &Journal,
    config: &Config,
    today: NaiveDate,
) -> Vec<CompletionItem> {
    let cx = context(text, pos);
    let range = Range::new(position_of_byte(&cx.line, pos.line, cx.word_start), pos);
    let mut items = Items { range, out: Vec::new() };
    let key = CompletionItemKind::PROPERTY;
    match &cx.place {
        Place::TopKey => {
            let (first, close) = document::front_matter(text).unwrap_or((1, 1));
            let written = written_keys(text, (first..close).filter(|&l| l != pos.line), true);
            for (i, k) in KNOWN_KEYS.iter().enumerate().filter(|(_, k)| !written.contains(**k)) {
                let block = matches!(*k, "activity" | "deals" | "commitments");
                let insert = if block { format!("{k}:") } else { format!("{k}: ") };
                items.push(key, (*k).to_string(), insert, None, format!("{i:02}"));
            }
        }
        Place::ItemKey(block @ (Block::Deals | Block::Commitments)) => {
            let keys = if *block == Block::Deals { DEAL_KEYS } else { COMMITMENT_KEYS };
            let lines = item_lines(text, pos.line);
            let mut written =
                lines.map(|(a, b)| written_keys(text, (a..=b).filter(|&l| l != pos.line), false)).unwrap_or_default();
            // A flow mapping's keys on the cursor's own line (`- {id: x, `).
            written.extend(
                cx.line
                    .split([',', '{', '}'])
                    .filter_map(|entry| entry.split_once(':'))
                    .map(|(k, _)| k.trim().trim_start_matches("- ").trim().to_string()),
            );
            for (i, k) in keys.iter().enumerate().filter(|(_, k)| !written.contains(**k)) {
                items.push(key, (*k).to_string(), format!("{k}: "), None, format!("{i:02}"));
            }
        }
        Place::ItemKey(_) => {
            // Activity names: the configured ones first, then those the
            // journal uses, most used first.
            let mut used: BTreeMap<&str, usize> = BTreeMap::new();
            for note in &journal.notes {
                for name in note.activity.keys() {
                    *used.entry(name).or_default() += 1;
                }
            }
            let mut names: Vec<(usize, &str, usize)> = config.activities.iter().map(|a| (0, a.as_str(), 0)).collect();
            let mut by_use: Vec<(&str, usize)> = used.iter().map(|(n, c)| (*n, *c)).collect();
            by_use.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            names.extend(
                by_use.into_iter().filter(|(n, _)| !config.activities.iter().any(|a| a == n)).map(|(n, c)| (1, n, c)),
            );
            for (i, (group, name, count)) in names.into_iter().enumerate() {
                let detail = if group == 0 { "configured activity".to_string() } else { format!("in {count} notes") };
                items.push(
                    CompletionItemKind::FIELD,
                    name.to_string(),
                    format!("{name}: "),
                    Some(detail),
                    format!("{i:04}"),
                );
            }
        }
        Place::Value { block: Block::Deals, key: k } if k == "stage" => {
            for (i, s) in config.pipeline.stages.iter().enumerate() {
                let detail = match s.closed {
                    Some(Outcome::Won) => "closed: won".to_string(),
                    Some(Outcome::Lost) => "closed: lost".to_string(),
                    None => format!("probability {:.0} %", s.probability * 100.0),
                };
                items.push(
                    CompletionItemKind::ENUM_MEMBER,
                    s.name.clone(),
                    s.name.clone(),
                    Some(detail),
                    format!("{i:02}"),
                );
            }
        }
        Place::Value { block: Block::Deals, key: k } if k == "id" || k == "name" => {
            let mut deals: Vec<_> = journal.deals.iter().collect();
            deals.sort_by_key(|d| (!d.is_open(config), std::cmp::Reverse(d.last_touched(&journal.notes))));
            for (i, d) in deals.into_iter().enumerate() {
                let stage = &config.pipeline.stage(d.stage).name;
                let detail = match d.amount {
                    Some(a) => format!("{stage} · {}", money(a, &config.currency)),
                    None => stage.clone(),
                };
                let label = if k == "id" { d.id.clone() } else { d.name.clone() };
                items.push(CompletionItemKind::VALUE, label.clone(), label, Some(detail), format!("{i:06}"));
            }
        }
        Place::Value { block: Block::Commitments, key: k } if k == "id" => {
            let mut commitments: Vec<_> = journal.commitments.iter().map(|c| (c.status(today), c)).collect();
            // Open (and overdue) first, soonest due first.
            commitments.sort_by_key(|(s, c)| {
                (!matches!(s, Status::Open | Status::Overdue), c.due.is_none(), c.due, c.made_on)
            });
            for (i, (status, c)) in commitments.into_iter().enumerate() {
                let mut detail = c.what.to_string();
                if let Some(to) = &c.to {
                    detail.push_str(&format!(" — to {to}"));
                }
                if let Some(due) = c.due {
                    detail.push_str(&format!(", due {due}"));
                }
                detail.push_str(&format!(" ({})", status.as_str()));
                items.push(
                    CompletionItemKind::VALUE,
                    c.id.to_string(),
                    c.id.to_string(),
                    Some(detail),
                    format!("{i:06}"),
                );
            }
        }
        Place::Value { block: Block::Commitments, key: k } if k == "to" => {
            let mut people: BTreeMap<&str, usize> = BTreeMap::new();
            for c in &journal.commitments {
                if let Some(to) = &c.to {
                    *people.entry(to).or_default() += 1;
                }
            }
            let mut people: Vec<_> = people.into_iter().collect();
            people.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            for (i, (to, n)) in people.into_iter().enumerate() {
                let detail = format!("{n} commitment{}", if n == 1 { "" } else { "s" });
                items.push(CompletionItemKind::VALUE, to.to_string(), to.to_string(), Some(detail), format!("{i:06}"));
            }
        }
        Place::Value { key: k, .. } if ["due", "close", "date", "done", "dropped"].contains(&k.as_str()) => {
            for (i, (d, what)) in dates(today, config).into_iter().enumerate() {
                items.push(CompletionItemKind::VALUE, d.to_string(), d.to_string(), Some(what), format!("{i:02}"));
            }
            if k == "done" || k == "dropped" {
                items.push(
                    CompletionItemKind::VALUE,
                    "true".into(),
                    "true".into(),
                    Some("on this note's date".into()),
                    "00".into(),
                );
            }
        }
        Place::Task { checked } => {
            for (i, (d, what)) in dates(today, config).into_iter().enumerate() {
                let label = format!("📅 {d}");
                items.push(
                    CompletionItemKind::EVENT,
                    label.clone(),
                    label,
                    Some(format!("due {what}")),
                    format!("1{i:02}"),
                );
            }
            if *checked {
                let label = format!("✅ {today}");
                items.push(CompletionItemKind::EVENT, label.clone(), label, Some("done today".into()), "000".into());
            }
        }
        _ => {}
    }
    items.out
}
