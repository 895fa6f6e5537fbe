//! What a page is rendered from, gathered cheaply, so that a watch session
//! skips a page whose inputs did not change without building its view.
//!
//! After one save, almost every note, week and deal page is unchanged; even
//! building their views (thousands of small strings) and fingerprinting
//! them cost more than the rest of the rebuild together. Each function here
//! lists, for one kind of page, everything its view reads: the notes it
//! shows (by identity: the `Arc`s are kept, so an address is never reused
//! while it is remembered) and a hash of what it shows of the rest of the
//! journal. If two builds give equal inputs for a page, its bytes are equal.
//!
//! Keep each function in step with its view. What guards that: the memo
//! test in `render/mod.rs` (edits far from the pages they change), the
//! property test of `tests/properties.rs` (random edits, memoized site equal
//! to a fresh render, byte for byte), and the watch tests (output equal to
//! a cold build). Deal and commitment fields are destructured, so a new
//! field does not compile until it is hashed here.
//!
//! What every page shares (the configuration, the report date, the problem
//! counts, the set of notes and deals that links resolve against) is the
//! site's [`Site::epoch`]; a changed configuration also empties the memo.

use super::Site;
use crate::analyse::calendar::week_start;
use crate::journal::{Commitment, Deal, StageChange};
use crate::note::Note;
use chrono::{Duration, NaiveDate};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The inputs of one page.
#[derive(Debug, Clone)]
pub struct Inputs {
    notes: Vec<Arc<Note>>,
    shared: u64,
}

impl PartialEq for Inputs {
    fn eq(&self, other: &Self) -> bool {
        self.shared == other.shared
            && self.notes.len() == other.notes.len()
            && self.notes.iter().zip(&other.notes).all(|(a, b)| Arc::ptr_eq(a, b))
    }
}

type H = foldhash::quality::FoldHasher<'static>;

/// The page of `site.all_notes[index]`: the note and its neighbours (the
/// previous/next links), the deals and commitments it mentions as the
/// journal now sees them, and its problems.
pub fn note(site: &Site<'_>, index: usize) -> Inputs {
    let note = &site.all_notes[index];
    let d = site.as_of;
    let mut h = super::hasher();
    (site.epoch, 1u8).hash(&mut h);
    for m in &note.deals {
        site.deal_index.get(m.id.as_str()).map(|&i| &site.journal.deals[i].name).hash(&mut h);
    }
    for item in &note.commitments {
        match site.commitment_index.get(item.id.as_str()).map(|&i| &site.journal.commitments[i]) {
            Some(c) => {
                (&site.journal.notes[c.note].path, c.status(d), super::commitments::was_late(c, d), &c.what, &c.to)
                    .hash(&mut h)
            }
            None => 0u8.hash(&mut h),
        }
    }
    for x in site.diagnostics_of(&note.path) {
        (x.severity, x.line, x.column, x.code, &x.message, &x.hint).hash(&mut h);
    }
    let mut notes = vec![note.clone()];
    notes.extend(index.checked_sub(1).map(|i| site.all_notes[i].clone()));
    notes.extend(site.all_notes.get(index + 1).cloned());
    Inputs { notes, shared: h.finish() }
}

/// The weekly review of the week starting `monday`: the week's notes (its
/// days, goals, wins and asks), the commitments and deals it touched (and
/// the notes that made those commitments), and its neighbours in the list
/// of weeks.
pub fn week(site: &Site<'_>, monday: NaiveDate) -> Inputs {
    let sunday = monday + Duration::days(6);
    let mut h = super::hasher();
    (site.epoch, 2u8, monday).hash(&mut h);
    let at = site.weeks.binary_search(&monday).ok();
    (at.and_then(|p| p.checked_sub(1)).map(|p| site.weeks[p]), at.and_then(|p| site.weeks.get(p + 1))).hash(&mut h);
    let from = site.all_notes.partition_point(|n| n.date < monday);
    let to = site.all_notes.partition_point(|n| n.date <= sunday);
    let mut notes: Vec<Arc<Note>> = site.all_notes[from..to].to_vec();
    for &i in site.week_commitments.get(&monday).into_iter().flatten() {
        let c = &site.journal.commitments[i];
        hash_commitment(c, &mut h);
        notes.push(site.journal.notes[c.note].clone());
    }
    for &i in site.week_deals.get(&monday).into_iter().flatten() {
        hash_deal(&site.journal.deals[i], &mut h);
    }
    debug_assert!(site.all_notes[from..to].iter().all(|n| week_start(n.date) == monday));
    Inputs { notes, shared: h.finish() }
}

/// The page of `site.journal.deals[index]`: the deal and every note that
/// mentions it.
pub fn deal(site: &Site<'_>, index: usize) -> Inputs {
    let deal = &site.journal.deals[index];
    let mut h = super::hasher();
    (site.epoch, 3u8).hash(&mut h);
    hash_deal(deal, &mut h);
    Inputs { notes: deal.mentions.iter().map(|&i| site.journal.notes[i].clone()).collect(), shared: h.finish() }
}

/// The notes index of ISO year `year`: its notes (labels, moods,
/// activity, tags) and their problem counts. Which weeks have a review,
/// and which years a page, follow from the set of notes (the epoch).
pub fn notes_index(site: &Site<'_>, year: i32) -> Inputs {
    let (from, to) = site.year_range(year);
    let mut h = super::hasher();
    (site.epoch, 4u8, year).hash(&mut h);
    for note in &site.all_notes[from..to] {
        site.diagnostics_of(&note.path).count().hash(&mut h);
    }
    Inputs { notes: site.all_notes[from..to].to_vec(), shared: h.finish() }
}

fn hash_deal(deal: &Deal, h: &mut H) {
    let Deal { id, name, stage, amount, close, next, contact, source, reason, history, mentions, close_history } = deal;
    (id, name, stage.0, amount.map(f64::to_bits), close, next, contact, source, reason).hash(h);
    for StageChange { date, stage } in history {
        (date, stage.0).hash(h);
    }
    (mentions, close_history).hash(h);
}

fn hash_commitment(c: &Commitment, h: &mut H) {
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
