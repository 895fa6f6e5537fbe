//! What a page is rendered from, gathered cheaply, so that a watch session
//! skips a page whose inputs did not change without building its view.
//!
//! After one save, almost every note, week and deal page is unchanged; even
//! building their views (thousands of small strings) and fingerprinting
//! them cost more than the rest of the rebuild together. Each function here
//! visits, for one kind of page, everything its view reads: the notes it
//! shows (by identity) and what it shows of the rest of the journal. If two
//! builds give equal inputs for a page, its bytes are equal.
//!
//! Checking costs no allocation: a page's inputs are one hash, of what it
//! shows and of the addresses of the notes it shows. Only a page rendered
//! anew keeps its notes alive with it ([`Inputs::of`]), so while its memo
//! lives no other note can have one of those addresses: a note found at a
//! remembered address is the very note remembered (notes never change
//! behind their `Arc`).
//!
//! Keep each function in step with its view. What guards that: the memo
//! test in `render/mod.rs` (edits far from the pages they change), the
//! property test of `tests/properties.rs` (random saves, a kept renderer
//! equal to a fresh one, byte for byte), and the watch tests (output equal
//! to a cold build). Deal and commitment fields are destructured, so a new
//! field does not compile until it is hashed here.
//!
//! What every page shares (the report date, the problem counts, the set of
//! notes and deals that links resolve against) is the site's
//! [`Site::epoch`]; a changed configuration empties the memo.

use super::Site;
use crate::analyse::calendar::week_start;
use crate::model::journal::{Commitment, Deal, StageChange};
use crate::model::note::Note;
use chrono::{Duration, NaiveDate};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The inputs a page was rendered from: their hash, and the notes among
/// them, kept alive (never read: see the module doc).
#[derive(Debug, Clone)]
pub struct Inputs {
    pub key: u64,
    _keep: Vec<Arc<Note>>,
}

/// One kind of page's inputs, visited for the page `T` of a site.
pub type Gather<T> = fn(&Site<'_>, T, &mut Visit<'_>);

impl Inputs {
    /// The hash of a page's inputs, keeping nothing.
    pub fn key<T>(site: &Site<'_>, page: T, gather: Gather<T>) -> u64 {
        let mut v = Visit { h: super::hasher(), keep: None };
        gather(site, page, &mut v);
        v.h.finish()
    }

    /// A page's inputs, to remember with it.
    pub fn of<T>(site: &Site<'_>, page: T, gather: Gather<T>) -> Inputs {
        let mut keep = Vec::new();
        let mut v = Visit { h: super::hasher(), keep: Some(&mut keep) };
        gather(site, page, &mut v);
        Inputs { key: v.h.finish(), _keep: keep }
    }
}

/// What a page's inputs are gathered into.
pub struct Visit<'k> {
    h: H,
    keep: Option<&'k mut Vec<Arc<Note>>>,
}

impl Visit<'_> {
    fn note(&mut self, note: &Arc<Note>) {
        (Arc::as_ptr(note) as usize).hash(&mut self.h);
        if let Some(keep) = &mut self.keep {
            keep.push(note.clone());
        }
    }
}

type H = foldhash::quality::FoldHasher<'static>;

/// The page of `site.all_notes[index]`: the note and its neighbours (the
/// previous/next links), the deals and commitments it mentions as the
/// journal now sees them, and its problems.
pub fn note(site: &Site<'_>, index: usize, v: &mut Visit<'_>) {
    let note = &site.all_notes[index];
    let d = site.as_of;
    let h = &mut v.h;
    (site.epoch, 1u8).hash(h);
    for m in &note.deals {
        site.deal_index.get(m.id.as_str()).map(|&i| &site.journal.deals[i].name).hash(h);
    }
    for item in &note.commitments {
        match site.commitment_index.get(&*item.id).map(|&i| &site.journal.commitments[i]) {
            Some(c) => {
                (&site.journal.notes[c.note].path, c.status(d), super::commitments::was_late(c, d), &c.what, &c.to)
                    .hash(h)
            }
            None => 0u8.hash(h),
        }
    }
    for x in site.diagnostics_of(&note.path) {
        (x.severity, x.line, x.column, x.code, &x.message, &x.hint).hash(h);
    }
    if let Some(t) = &site.timeliness {
        t.of_note(&note.path).map(|w| w.written).hash(h);
        for e in t.edits_of(&note.path, d) {
            (&e.commit, e.date, &e.changes).hash(h);
        }
    }
    v.note(note);
    match index.checked_sub(1) {
        Some(i) => v.note(&site.all_notes[i]),
        None => 0u8.hash(&mut v.h),
    }
    match site.all_notes.get(index + 1) {
        Some(next) => v.note(next),
        None => 0u8.hash(&mut v.h),
    }
}

/// The weekly review of the week starting `monday`: the week's notes (its
/// days, goals, wins and asks), the commitments and deals it touched (and
/// the notes that made those commitments), and its neighbours in the list
/// of weeks.
pub fn week(site: &Site<'_>, monday: NaiveDate, v: &mut Visit<'_>) {
    let sunday = monday + Duration::days(6);
    let at = site.indexes.weeks.binary_search(&monday).ok();
    let neighbours = (
        at.and_then(|p| p.checked_sub(1)).map(|p| site.indexes.weeks[p]),
        at.and_then(|p| site.indexes.weeks.get(p + 1)),
    );
    let from = site.all_notes.partition_point(|n| n.date < monday);
    let to = site.all_notes.partition_point(|n| n.date <= sunday);
    debug_assert!(site.all_notes[from..to].iter().all(|n| week_start(n.date) == monday));
    (site.epoch, 2u8, monday, neighbours, to - from).hash(&mut v.h);
    for note in &site.all_notes[from..to] {
        v.note(note);
    }
    for &i in site.indexes.week_commitments.get(&monday).into_iter().flatten() {
        let c = &site.journal.commitments[i];
        hash_commitment(c, &mut v.h);
        let made = &site.note_refs[c.note];
        made.hash(&mut v.h);
    }
    0xffu8.hash(&mut v.h);
    for &i in site.indexes.week_deals.get(&monday).into_iter().flatten() {
        hash_deal(&site.journal.deals[i], &mut v.h);
    }
}

/// The page of `site.journal.deals[index]`: the deal and every note that
/// mentions it.
pub fn deal(site: &Site<'_>, index: usize, v: &mut Visit<'_>) {
    let deal = &site.journal.deals[index];
    (site.epoch, 3u8).hash(&mut v.h);
    hash_deal(deal, &mut v.h);
    for &i in &deal.mentions {
        v.note(&site.journal.notes[i]);
    }
}

/// The notes index of ISO year `year`: its notes (labels, moods,
/// activity, tags, commitments), the names of the deals they mention as
/// the journal now has them, and their problem counts. Which weeks have a
/// review, and which years a page, follow from the set of notes (the epoch).
pub fn notes_index(site: &Site<'_>, year: i32, v: &mut Visit<'_>) {
    let (from, to) = site.year_range(year);
    (site.epoch, 4u8, year, to - from).hash(&mut v.h);
    for note in &site.all_notes[from..to] {
        v.note(note);
        site.diagnostics_of(&note.path).count().hash(&mut v.h);
        for m in &note.deals {
            site.deal_index.get(m.id.as_str()).map(|&i| &site.journal.deals[i].name).hash(&mut v.h);
        }
    }
}

/// The commitments page: every commitment as the journal now has it, the
/// link to the note that made each (its date, label and page: not the
/// note itself, so a save to today's note leaves the page alone unless it
/// changes a commitment), and the box's figures (the
/// rest of what it shows, such as the weekly on-time rates, follows from
/// the commitments, the report date and the configuration). The page that
/// cost most after a save at 100 years (30,000 commitments, a rate per
/// week): gathering them is a tenth of building its view.
pub fn commitments(site: &Site<'_>, _: (), v: &mut Visit<'_>) {
    let f = &site.figures.commitments;
    let b = site.figures.boxes.commitments.as_str();
    (site.epoch, 5u8, f.on_time_rate.map(f64::to_bits), f.kept_on_time, f.due_in_window, f.overdue, f.open, b)
        .hash(&mut v.h);
    site.journal.commitments.len().hash(&mut v.h);
    for c in &site.journal.commitments {
        hash_commitment(c, &mut v.h);
        let made = &site.note_refs[c.note];
        made.hash(&mut v.h);
    }
}

pub(super) fn hash_deal(deal: &Deal, h: &mut H) {
    let Deal { id, name, stage, amount, close, next, contact, source, reason, history, mentions, close_history } = deal;
    (id, name, stage.0, amount.map(f64::to_bits), close, next, contact, source, reason).hash(h);
    history.len().hash(h);
    for StageChange { date, stage } in history {
        (date, stage.0).hash(h);
    }
    (mentions, close_history).hash(h);
}

pub(super) fn hash_commitment(c: &Commitment, h: &mut H) {
    let Commitment {
        id,
        what,
        to,
        made_on,
        note,
        origin,
        due,
        counting_due,
        original_due,
        done,
        dropped,
        remark,
        updates,
    } = c;
    (id, what, to, made_on, note, *origin as u8).hash(h);
    (due, counting_due, original_due, done, dropped, remark, updates).hash(h);
}
