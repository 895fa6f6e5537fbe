//! The journal model: notes folded, in (date, path) order, into deals and
//! commitments with their histories (SPEC §2).
//!
//! A journal is always built for an as-of date: only notes dated on or
//! before it exist, so every figure computed from it is the figure as of
//! that date. Building is cheap (no I/O, no parsing), which lets `serve`
//! rebuild it from the cached notes after every save.

use crate::model::config::{Config, Outcome, StageId};
use crate::model::diagnostic::{Code, Diagnostic};
use crate::model::note::{CommitmentItem, DealMention, Field, Mark, Note, StageField};
use crate::text::{closest, slug};
use chrono::NaiveDate;
use foldhash::HashMap;
use std::sync::Arc;

/// The journal as of a date: its notes, deals and commitments.
#[derive(Debug, Clone, PartialEq)]
pub struct Journal {
    pub as_of: NaiveDate,
    /// Notes dated <= `as_of`, in (date, path) order.
    pub notes: Vec<Arc<Note>>,
    /// Deals in order of first mention.
    pub deals: Vec<Deal>,
    /// Commitments in the order they were made.
    pub commitments: Vec<Commitment>,
    /// Problems that only show across notes (unknown commitment ids,
    /// incomplete first mentions of deals).
    pub diagnostics: Vec<Diagnostic>,
    /// Deal id → index into `deals` (the fold needs it; so do the pages).
    pub deal_index: HashMap<String, usize>,
    /// Commitment id → index into `commitments`.
    pub commitment_index: HashMap<Arc<str>, usize>,
}

/// A change of stage: the deal entered `stage` in the note dated `date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageChange {
    pub date: NaiveDate,
    pub stage: StageId,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deal {
    pub id: String,
    pub name: String,
    pub stage: StageId,
    pub amount: Option<f64>,
    pub close: Option<NaiveDate>,
    pub next: Option<String>,
    pub contact: Option<String>,
    pub source: Option<String>,
    pub reason: Option<String>,
    /// Every change of stage, the first mention included.
    pub history: Vec<StageChange>,
    /// Indexes into [`Journal::notes`] of the notes that mention it, in order.
    pub mentions: Vec<usize>,
    /// Every change of its expected close date (SPEC §9), the first one
    /// included: a cleared date is a change to `None`.
    pub close_history: Vec<CloseChange>,
}

/// A change of a deal's expected close date, and the note that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CloseChange {
    /// The date of the note that made the change.
    pub date: NaiveDate,
    /// The close date it set; `None` when it was cleared.
    pub close: Option<NaiveDate>,
    /// Index into [`Journal::notes`] of that note.
    pub note: usize,
}

impl CloseChange {
    /// Whether this change pushed the close date later than the one in
    /// force before it (`previous`): setting a first date, clearing it or
    /// pulling it in is no push, and after a clear the next date is a
    /// first one (SPEC §9).
    pub fn is_push(&self, previous: Option<&CloseChange>) -> bool {
        matches!((previous.and_then(|p| p.close), self.close), (Some(a), Some(b)) if b > a)
    }
}

impl Deal {
    pub fn first_mention(&self) -> NaiveDate {
        self.history[0].date
    }
    /// The date of the latest note that mentions it.
    pub fn last_touched(&self, notes: &[Arc<Note>]) -> NaiveDate {
        self.mentions.last().map_or(self.first_mention(), |&i| notes[i].date)
    }
    /// How the deal ended and when, if it is closed.
    pub fn closed(&self, config: &Config) -> Option<(Outcome, NaiveDate)> {
        let outcome = config.pipeline.stage(self.stage).closed?;
        Some((outcome, self.history.last().map_or(self.first_mention(), |c| c.date)))
    }
    pub fn is_open(&self, config: &Config) -> bool {
        config.pipeline.stage(self.stage).closed.is_none()
    }
    /// Its pushes (SPEC §9): how many mentions moved its expected close
    /// date later than the one in force before. Counted whatever the stage
    /// was at the time, so a reopened deal keeps them.
    pub fn close_pushed(&self) -> usize {
        self.close_history.windows(2).filter(|w| w[1].is_push(Some(&w[0]))).count()
    }
}

/// Where a commitment was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    FrontMatter,
    Task,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Commitment {
    pub id: Arc<str>,
    pub what: Arc<str>,
    pub to: Option<Arc<str>>,
    pub made_on: NaiveDate,
    /// Index into [`Journal::notes`] of the note that made it.
    pub note: usize,
    pub origin: Origin,
    /// The due date shown and used for `overdue`.
    pub due: Option<NaiveDate>,
    /// The due date that counts for on-time judgement: a reschedule made
    /// after the commitment was already late does not move it.
    pub counting_due: Option<NaiveDate>,
    /// The due date it was made with.
    pub original_due: Option<NaiveDate>,
    pub done: Option<NaiveDate>,
    pub dropped: Option<NaiveDate>,
    pub remark: Option<Arc<str>>,
    /// Indexes of the notes that updated it.
    pub updates: Vec<usize>,
}

/// A commitment's status as of a date (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Overdue,
    Open,
    Done,
    Dropped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::Open => "open",
            Status::Done => "done",
            Status::Dropped => "dropped",
        }
    }
}

impl Commitment {
    pub fn status(&self, d: NaiveDate) -> Status {
        if self.done.is_some_and(|x| x <= d) {
            Status::Done
        } else if self.dropped.is_some_and(|x| x <= d) {
            Status::Dropped
        } else if self.due.is_some_and(|x| x < d) {
            Status::Overdue
        } else {
            Status::Open
        }
    }

    /// Done on or before the due date that counts.
    pub fn kept_on_time(&self, d: NaiveDate) -> bool {
        match (self.done, self.counting_due) {
            (Some(done), Some(due)) => done <= d && done <= due,
            _ => false,
        }
    }

    /// Whether it was ever given a different due date.
    pub fn rescheduled(&self) -> bool {
        self.due != self.original_due
    }

    fn reschedule(&mut self, new_due: NaiveDate, on: NaiveDate) {
        if self.due == Some(new_due) {
            return;
        }
        // Renegotiated in time (or given its first due date): the new date
        // counts. Already late: the old one keeps counting.
        if self.counting_due.is_none_or(|counting| on <= counting) {
            self.counting_due = Some(new_due);
        }
        self.due = Some(new_due);
        if self.original_due.is_none() {
            self.original_due = Some(new_due);
        }
    }
}

/// How many of the latest notes a [`Checkpoint`] leaves out: a save to
/// one of them (the usual save is to today's note) re-folds only these.
pub const CHECKPOINT_TAIL: usize = 32;

/// The id of the commitment a task item of `note`'s body makes (or
/// updates): its note's date and its slug.
pub fn task_id(note: &Note, task: &crate::source::tasks::TaskItem) -> String {
    format!("{}-{}", note.date, task.slug)
}

/// The fold of a journal's first notes, kept so a later fold of the same
/// first notes resumes from here instead of starting over (`serve` and
/// `watch` after a save to a recent note). The fold is a pure function of
/// the notes in order, so resuming equals folding afresh whenever the
/// notes it holds are the very same (the same `Arc`s, in the same places)
/// as the first ones of the new fold, for the same as-of date.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    journal: Journal,
}

impl Checkpoint {
    /// How many notes this checkpoint has folded.
    pub fn len(&self) -> usize {
        self.journal.notes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.journal.notes.is_empty()
    }

    /// Whether a fold of `notes` (filtered and sorted) as of `as_of` may
    /// resume from here.
    fn fits(&self, notes: &[Arc<Note>], as_of: NaiveDate) -> bool {
        self.journal.as_of == as_of
            && self.len() <= notes.len()
            && self.journal.notes.iter().zip(notes).all(|(a, b)| Arc::ptr_eq(a, b))
    }
}

impl Journal {
    fn empty(as_of: NaiveDate) -> Journal {
        Journal {
            as_of,
            notes: Vec::new(),
            deals: Vec::new(),
            commitments: Vec::new(),
            diagnostics: Vec::new(),
            deal_index: HashMap::default(),
            commitment_index: HashMap::default(),
        }
    }

    /// Fold `notes` (all of the journal's, in any order) as of `as_of`.
    pub fn build(notes: &[Arc<Note>], as_of: NaiveDate) -> Journal {
        Journal::fold(notes, as_of, None, None).0
    }

    /// [`Journal::build`], resuming from `checkpoint` when it fits (else
    /// folding from the first note), and leaving in it the checkpoint to
    /// resume the next fold from: all but the last [`CHECKPOINT_TAIL`]
    /// notes (the same one, not copied, when it still is). `tail` is
    /// [`CHECKPOINT_TAIL`] but in tests.
    pub fn build_resuming(
        notes: &[Arc<Note>],
        as_of: NaiveDate,
        checkpoint: &mut Option<Checkpoint>,
        tail: usize,
    ) -> Journal {
        let (journal, next) = Journal::fold(notes, as_of, checkpoint.as_ref(), Some(tail));
        if let Some(next) = next {
            *checkpoint = Some(next);
        }
        journal
    }

    /// This journal as the fold of `now` as of `as_of` makes it, when `now`
    /// differs from `before` (the sorted notes it was folded from) only in
    /// notes the fold reads the same: their new versions are put in, and
    /// nothing is folded again. `Err(self)` when any other note changed.
    ///
    /// A save that changes a day's activity, mood or prose (most saves)
    /// changes no deal, commitment or problem; at 100 years folding again
    /// (copying the checkpoint's 6,400 deals and 30,000 commitments) was
    /// the longest step of such a save.
    // Both sides are the journal (moved in, moved back): boxing one would
    // only add an allocation.
    #[allow(clippy::result_large_err)]
    pub fn refolded(mut self, before: &[Arc<Note>], now: &[Arc<Note>], as_of: NaiveDate) -> Result<Journal, Journal> {
        if self.as_of != as_of || before.len() != now.len() || self.notes.len() > now.len() {
            return Err(self);
        }
        debug_assert!(self.notes.iter().zip(before).all(|(a, b)| Arc::ptr_eq(a, b)));
        let changed: Vec<usize> = (0..now.len()).filter(|&i| !Arc::ptr_eq(&before[i], &now[i])).collect();
        if !changed.iter().all(|&i| Journal::folds_the_same(&before[i], &now[i])) {
            return Err(self);
        }
        for i in changed {
            if let Some(note) = self.notes.get_mut(i) {
                *note = now[i].clone();
            }
        }
        Ok(self)
    }

    /// Whether the fold reads `a` and `b` the same: it reads a note's
    /// date, path, deals, commitments and tasks, nothing else (keep this in
    /// step with [`Folder::fold`]; `refolded`'s test and the debug check in
    /// `Workspace::journal_and_diagnostics_reusing` guard it).
    fn folds_the_same(a: &Note, b: &Note) -> bool {
        a.date == b.date
            && a.path == b.path
            && a.deals == b.deals
            && a.commitments == b.commitments
            && a.tasks == b.tasks
    }

    /// The fold, from `checkpoint` when it fits; with a `tail`, the new
    /// checkpoint that leaves out that many notes, or `None` when
    /// `checkpoint` is still the one.
    fn fold(
        notes: &[Arc<Note>],
        as_of: NaiveDate,
        checkpoint: Option<&Checkpoint>,
        tail: Option<usize>,
    ) -> (Journal, Option<Checkpoint>) {
        let take_checkpoint = tail.is_some();
        let mut notes: Vec<Arc<Note>> = notes.iter().filter(|n| n.date <= as_of).cloned().collect();
        if !notes.is_sorted_by(|a, b| (a.date, &a.path) <= (b.date, &b.path)) {
            notes.sort_by(|a, b| (a.date, &a.path).cmp(&(b.date, &b.path)));
        }
        let keep = notes.len().saturating_sub(tail.unwrap_or(0));
        let resumed = checkpoint.filter(|c| c.len() <= keep && c.fits(&notes, as_of));
        // The notes are put in at the end: until then the journal holds
        // none (a copy of the checkpoint's 27,000 would only be dropped).
        let mut journal = resumed.map_or_else(|| Journal::empty(as_of), |c| c.journal.without_notes());
        let mut next = None;
        let still = resumed.is_some_and(|c| c.len() == keep);
        for (i, note) in notes.iter().enumerate().skip(resumed.map_or(0, Checkpoint::len)) {
            if take_checkpoint && i == keep && !still {
                let mut checkpoint = journal.clone();
                checkpoint.notes = notes[..keep].to_vec();
                next = Some(Checkpoint { journal: checkpoint });
            }
            Folder { journal: &mut journal }.fold(i, note);
        }
        if take_checkpoint && !still && next.is_none() {
            // No note to fold past the checkpoint: it holds them all.
            let mut checkpoint = journal.clone();
            checkpoint.notes = notes.clone();
            next = Some(Checkpoint { journal: checkpoint });
        }
        journal.notes = notes;
        journal.shrink_to_fit();
        (journal, next)
    }

    /// A copy of everything but the notes.
    fn without_notes(&self) -> Journal {
        let Journal { as_of, notes: _, deals, commitments, diagnostics, deal_index, commitment_index } = self;
        Journal {
            as_of: *as_of,
            notes: Vec::new(),
            deals: deals.clone(),
            commitments: commitments.clone(),
            diagnostics: diagnostics.clone(),
            deal_index: deal_index.clone(),
            commitment_index: commitment_index.clone(),
        }
    }

    /// Give back the room the fold grew its lists by: a one-shot build
    /// holds the journal to the end, and a doubled list of 30,000
    /// commitments is megabytes of nothing.
    fn shrink_to_fit(&mut self) {
        self.deals.shrink_to_fit();
        self.commitments.shrink_to_fit();
        for deal in &mut self.deals {
            deal.history.shrink_to_fit();
            deal.mentions.shrink_to_fit();
            deal.close_history.shrink_to_fit();
        }
        for commitment in &mut self.commitments {
            commitment.updates.shrink_to_fit();
        }
    }

    /// The journal as of each of `dates` (ascending), folding `sorted` (every
    /// note, in (date, path) order, as a workspace keeps them) once: `each`
    /// sees the journal as of each date in turn, equal to
    /// [`Journal::build`] of that date, and the journal as of the last date
    /// is returned (`None` for no date). A box history of twelve weeks is
    /// one fold, not twelve.
    pub fn each_as_of(sorted: &[Arc<Note>], dates: &[NaiveDate], mut each: impl FnMut(&Journal)) -> Option<Journal> {
        debug_assert!(sorted.is_sorted_by(|a, b| (a.date, &a.path) <= (b.date, &b.path)));
        debug_assert!(dates.is_sorted());
        let mut journal = Journal::empty(*dates.first()?);
        for &as_of in dates {
            journal.as_of = as_of;
            let from = journal.notes.len();
            let upto = from + sorted[from..].partition_point(|n| n.date <= as_of);
            for (i, note) in sorted.iter().enumerate().take(upto).skip(from) {
                Folder { journal: &mut journal }.fold(i, note);
            }
            journal.notes.extend_from_slice(&sorted[from..upto]);
            each(&journal);
        }
        Some(journal)
    }

    pub fn deal(&self, id: &str) -> Option<&Deal> {
        self.deal_index.get(id).map(|&i| &self.deals[i])
    }

    pub fn commitment(&self, id: &str) -> Option<&Commitment> {
        self.commitment_index.get(id).map(|&i| &self.commitments[i])
    }

    pub fn first_date(&self) -> Option<NaiveDate> {
        self.notes.first().map(|n| n.date)
    }

    pub fn last_date(&self) -> Option<NaiveDate> {
        self.notes.last().map(|n| n.date)
    }
}

/// Folds notes into a journal, one at a time, in (date, path) order.
struct Folder<'a> {
    journal: &'a mut Journal,
}

/// An existing deal an unknown id probably means.
enum Similar {
    /// The id is a name whose slug is a deal's id (`id: Acme Corp`).
    Slug(String),
    /// The id is a typo of a deal's id (`id: acme-crop`).
    Close(String),
}

impl Folder<'_> {
    /// The existing deal `id` most likely means: the slug of a name typed as
    /// an id first, else the closest id (the ids of a few edits away).
    fn similar_deal(&self, id: &str) -> Option<Similar> {
        let slugged = slug(id);
        if slugged != id && self.journal.deal_index.contains_key(&slugged) {
            return Some(Similar::Slug(slugged));
        }
        let ids = || self.journal.deals.iter().map(|d| d.id.as_str());
        closest(id, ids()).or_else(|| closest(&slugged, ids())).map(|known| Similar::Close(known.to_string()))
    }

    fn fold(&mut self, index: usize, note: &Note) {
        for mention in &note.deals {
            self.deal(index, note, mention);
        }
        for item in &note.commitments {
            self.commitment(index, note, item);
        }
        for task in &note.tasks {
            let id = task_id(note, task);
            let done = task.checked.then(|| task.done.unwrap_or(note.date));
            let dropped = task.cancelled.then(|| task.dropped.unwrap_or(note.date));
            match self.journal.commitment_index.get(id.as_str()) {
                Some(&c) => {
                    let c = &mut self.journal.commitments[c];
                    if let Some(due) = task.due {
                        c.reschedule(due, note.date);
                    }
                    if done.is_some() {
                        c.done = done;
                    }
                    if dropped.is_some() {
                        c.dropped = dropped;
                    }
                    c.updates.push(index);
                }
                None => {
                    let id: Arc<str> = id.into();
                    self.journal.commitment_index.insert(id.clone(), self.journal.commitments.len());
                    self.journal.commitments.push(Commitment {
                        id,
                        what: task.text.clone(),
                        to: task.to.clone(),
                        made_on: note.date,
                        note: index,
                        origin: Origin::Task,
                        due: task.due,
                        counting_due: task.due,
                        original_due: task.due,
                        done,
                        dropped,
                        remark: None,
                        updates: Vec::new(),
                    });
                }
            }
        }
    }

    fn deal(&mut self, index: usize, note: &Note, m: &DealMention) {
        let date = note.date;
        let Some(&i) = self.journal.deal_index.get(&m.id) else {
            // A first mention: it must name the deal and give a valid stage.
            let stage = match m.stage {
                StageField::Set(s) => Some(s),
                StageField::Invalid => return, // already reported
                StageField::Absent => None,
            };
            let (Some(name), Some(stage)) = (m.name.clone(), stage) else {
                let missing = match (&m.name, stage) {
                    (None, None) => "`name` and `stage`",
                    (None, _) => "`name`",
                    _ => "`stage`",
                };
                let hint = match self.similar_deal(&m.id) {
                    Some(Similar::Slug(known)) => format!(
                        "`{}` looks like a name: did you mean `id: {known}` (the deal {})? Otherwise add the missing fields; until then the deal does not exist",
                        m.id,
                        self.journal.deal(&known).map_or("", |d| d.name.as_str())
                    ),
                    Some(Similar::Close(known)) => format!(
                        "did you mean `{known}` (the deal {})? Otherwise add the missing fields; until then the deal does not exist",
                        self.journal.deal(&known).map_or("", |d| d.name.as_str())
                    ),
                    None if m.name.is_none() && slug(&m.id) != m.id && !slug(&m.id).is_empty() => format!(
                        "`{}` looks like a name: write `name: {}` to start the deal (its id is then `{}`), with its `stage`",
                        m.id,
                        m.id,
                        slug(&m.id)
                    ),
                    None => "add the missing fields; until then the deal does not exist".to_string(),
                };
                self.journal.diagnostics.push(
                    Diagnostic::error(
                        &note.path,
                        m.pos,
                        Code::DealFirstMention,
                        format!("first mention of deal `{}` must give {missing}", m.id),
                    )
                    .with_hint(hint),
                );
                return;
            };
            let mut deal = Deal {
                id: m.id.clone(),
                name,
                stage,
                amount: None,
                close: None,
                next: None,
                contact: None,
                source: None,
                reason: None,
                history: vec![StageChange { date, stage }],
                mentions: vec![index],
                close_history: Vec::new(),
            };
            apply_fields(&mut deal, m, date, index);
            self.journal.deal_index.insert(m.id.clone(), self.journal.deals.len());
            self.journal.deals.push(deal);
            return;
        };
        let deal = &mut self.journal.deals[i];
        if let Some(name) = &m.name {
            deal.name = name.clone();
        }
        if let StageField::Set(stage) = m.stage {
            if stage != deal.stage {
                deal.stage = stage;
                deal.history.push(StageChange { date, stage });
            }
        }
        apply_fields(deal, m, date, index);
        if deal.mentions.last() != Some(&index) {
            deal.mentions.push(index);
        }
    }

    fn commitment(&mut self, index: usize, note: &Note, item: &CommitmentItem) {
        let date = note.date;
        let mark = |m: Mark| match m {
            Mark::On(d) => Some(d),
            Mark::Cleared => None,
        };
        if let Some(&c) = self.journal.commitment_index.get(&item.id) {
            let c = &mut self.journal.commitments[c];
            if let Some(what) = &item.what {
                c.what = what.clone();
            }
            if let Some(to) = &item.to {
                c.to = Some(to.clone());
            }
            if let Some(due) = item.due {
                c.reschedule(due, date);
            }
            if let Some(done) = item.done {
                c.done = mark(done);
            }
            if let Some(dropped) = item.dropped {
                c.dropped = mark(dropped);
            }
            if let Some(remark) = &item.note {
                c.remark = Some(remark.clone());
            }
            c.updates.push(index);
            return;
        }
        let Some(what) = item.what.clone() else {
            self.journal.diagnostics.push(
                Diagnostic::error(
                    &note.path,
                    item.pos,
                    Code::UnknownCommitment,
                    format!("update to unknown commitment `{}`", item.id),
                )
                .with_hint(match closest(&item.id, self.journal.commitments.iter().map(|c| &*c.id)) {
                    Some(known) => format!(
                        "did you mean `{known}` ({})? Otherwise add `what:` to make a new commitment",
                        self.journal.commitment(known).map_or("", |c| &*c.what)
                    ),
                    None => "check the id against the note that made the commitment, or add `what:` to make a new one"
                        .to_string(),
                }),
            );
            return;
        };
        self.journal.commitment_index.insert(item.id.clone(), self.journal.commitments.len());
        self.journal.commitments.push(Commitment {
            id: item.id.clone(),
            what,
            to: item.to.clone(),
            made_on: date,
            note: index,
            origin: Origin::FrontMatter,
            due: item.due,
            counting_due: item.due,
            original_due: item.due,
            done: item.done.and_then(mark),
            dropped: item.dropped.and_then(mark),
            remark: item.note.clone(),
            updates: Vec::new(),
        });
    }
}

fn apply_fields(deal: &mut Deal, m: &DealMention, date: NaiveDate, note: usize) {
    fn apply<T: Clone>(slot: &mut Option<T>, field: &Field<T>) {
        match field {
            Field::Keep => {}
            Field::Clear => *slot = None,
            Field::Set(v) => *slot = Some(v.clone()),
        }
    }
    apply(&mut deal.amount, &m.amount);
    let before = deal.close;
    apply(&mut deal.close, &m.close);
    if deal.close != before || (deal.close_history.is_empty() && deal.close.is_some()) {
        deal.close_history.push(CloseChange { date, close: deal.close, note });
    }
    apply(&mut deal.next, &m.next);
    apply(&mut deal.contact, &m.contact);
    apply(&mut deal.source, &m.source);
    apply(&mut deal.reason, &m.reason);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::note;
    use crate::text::parse_date;

    pub(crate) fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    /// A save the fold reads the same keeps the journal (with the new
    /// note in it); a changed deal, commitment, task or date folds again.
    #[test]
    fn a_journal_is_refolded_only_when_the_fold_reads_the_notes_the_same() {
        let first = "---\ndeals:\n  - {name: Acme, stage: lead}\ncommitments:\n  - {id: a, what: Call, due: 2026-11-25}\n---\n- [ ] Send deck\n";
        let before = notes(&[("2026-11-23.md", first), ("2026-11-24.md", "---\nactivity: {calls: 3}\n---\n")]);
        let journal = Journal::build(&before, d("2026-11-24"));
        let saved = |second: &str| {
            let mut now = before.clone();
            now[1] = notes(&[("2026-11-24.md", second)]).remove(0);
            now
        };
        // Another day's activity and prose: the same journal, the new note.
        let now = saved("---\nactivity: {calls: 9}\nmood: 4\n---\nA good day.\n");
        let refolded = journal.clone().refolded(&before, &now, d("2026-11-24")).expect("the fold reads it the same");
        assert_eq!(refolded, Journal::build(&now, d("2026-11-24")));
        assert!(Arc::ptr_eq(&refolded.notes[1], &now[1]));
        for (what, second) in [
            ("a deal", "---\nactivity: {calls: 3}\ndeals:\n  - {id: acme, stage: won}\n---\n"),
            ("a commitment", "---\nactivity: {calls: 3}\ncommitments:\n  - {id: a, done: true}\n---\n"),
            ("a task", "---\nactivity: {calls: 3}\n---\n- [ ] Call Bob\n"),
        ] {
            let now = saved(second);
            assert!(journal.clone().refolded(&before, &now, d("2026-11-24")).is_err(), "{what}");
        }
        assert!(journal.clone().refolded(&before, &before, d("2026-11-25")).is_err(), "another report date");
    }

    /// Notes from (file name, text) pairs with the default configuration.
    pub(crate) fn notes(files: &[(&str, &str)]) -> Vec<Arc<Note>> {
        let config = Config::default();
        files.iter().filter_map(|(rel, text)| note::parse(rel, text, &config).note.map(Arc::new)).collect()
    }

    fn journal(files: &[(&str, &str)], as_of: &str) -> Journal {
        Journal::build(&notes(files), d(as_of))
    }

    #[test]
    fn deals_update_and_keep_their_stage_history() {
        let j = journal(
            &[
                (
                    "2026-11-02.md",
                    "---\ndeals:\n  - name: Acme Corp\n    stage: lead\n    amount: 1000\n    next: call\n---\n",
                ),
                ("2026-11-05.md", "---\ndeals:\n  - id: acme-corp\n    stage: lead\n    amount: 2000\n---\n"),
                ("2026-11-09.md", "---\ndeals:\n  - name: ACME corp\n    stage: won\n    next: ''\n---\n"),
                ("2026-11-20.md", "---\ndeals:\n  - id: acme-corp\n    stage: negotiation\n    amount: null\n---\n"),
            ],
            "2026-11-30",
        );
        let deal = &j.deals[0];
        assert_eq!(deal.name, "ACME corp");
        assert_eq!(deal.amount, None);
        assert_eq!(deal.next, None);
        assert_eq!(
            deal.history.iter().map(|c| (c.date, c.stage.0)).collect::<Vec<_>>(),
            vec![(d("2026-11-02"), 0), (d("2026-11-09"), 4), (d("2026-11-20"), 3)]
        );
        assert!(deal.is_open(&Config::default()));
        assert_eq!(deal.last_touched(&j.notes), d("2026-11-20"));
        // As of the 10th it is won, on the 9th.
        let j = journal(
            &[
                ("2026-11-02.md", "---\ndeals:\n  - name: Acme Corp\n    stage: lead\n---\n"),
                ("2026-11-09.md", "---\ndeals:\n  - id: acme-corp\n    stage: won\n---\n"),
                ("2026-11-20.md", "---\ndeals:\n  - id: acme-corp\n    stage: negotiation\n---\n"),
            ],
            "2026-11-10",
        );
        assert_eq!(j.deals[0].closed(&Config::default()), Some((Outcome::Won, d("2026-11-09"))));
    }

    #[test]
    fn an_incomplete_first_mention_creates_nothing() {
        let j = journal(
            &[
                ("2026-11-02.md", "---\ndeals:\n  - name: Acme\n---\n"),
                ("2026-11-03.md", "---\ndeals:\n  - name: Acme\n    stage: Lead\n---\n"),
                ("2026-11-04.md", "---\ndeals:\n  - name: Acme\n    stage: qualified\n---\n"),
            ],
            "2026-11-30",
        );
        assert_eq!(j.diagnostics.len(), 1);
        assert_eq!(j.diagnostics[0].code, Code::DealFirstMention);
        assert_eq!(j.deals[0].first_mention(), d("2026-11-04"));
    }

    /// Issue 17 item 7: an unknown id is most often a typo or a name typed
    /// as an id; the hint names the deal or commitment it probably means.
    #[test]
    fn unknown_ids_suggest_the_closest_known_one() {
        let made = "---\ndeals:\n  - {name: Acme Corp, stage: lead}\n  - {name: Globex, stage: lead}\ncommitments:\n  - {id: acme-pricing, what: Send revised pricing}\n---\n";
        let j = journal(
            &[
                ("2026-11-02.md", made),
                ("2026-11-03.md", "---\ndeals:\n  - {id: acme-crop, stage: qualified}\n---\n"),
                ("2026-11-04.md", "---\ndeals:\n  - {id: Acme Corp, stage: qualified}\n---\n"),
                ("2026-11-05.md", "---\ncommitments:\n  - {id: acme-pricng, done: true}\n---\n"),
                (
                    "2026-11-06.md",
                    "---\ndeals:\n  - {id: Initech Inc, stage: lead}\n  - {id: zeta, stage: lead}\n---\n",
                ),
                ("2026-11-07.md", "---\ncommitments:\n  - {id: something-else, done: true}\n---\n"),
            ],
            "2026-11-30",
        );
        let hints: Vec<&str> = j.diagnostics.iter().map(|d| d.hint.as_deref().unwrap()).collect();
        assert_eq!(
            hints,
            [
                "did you mean `acme-corp` (the deal Acme Corp)? Otherwise add the missing fields; until then the deal does not exist",
                "`Acme Corp` looks like a name: did you mean `id: acme-corp` (the deal Acme Corp)? Otherwise add the missing fields; until then the deal does not exist",
                "did you mean `acme-pricing` (Send revised pricing)? Otherwise add `what:` to make a new commitment",
                "`Initech Inc` looks like a name: write `name: Initech Inc` to start the deal (its id is then `initech-inc`), with its `stage`",
                "add the missing fields; until then the deal does not exist",
                "check the id against the note that made the commitment, or add `what:` to make a new one",
            ]
        );
        assert_eq!(j.diagnostics[0].message, "first mention of deal `acme-crop` must give `name`");
    }

    #[test]
    fn an_unknown_stage_on_update_keeps_the_stage_but_applies_the_rest() {
        let files = [
            ("2026-11-02.md", "---\ndeals:\n  - name: Acme\n    stage: lead\n---\n"),
            ("2026-11-03.md", "---\ndeals:\n  - name: Acme\n    stage: wonn\n    amount: 5\n---\n"),
        ];
        let j = journal(&files, "2026-11-30");
        assert_eq!(j.deals[0].stage, StageId(0));
        assert_eq!(j.deals[0].amount, Some(5.0));
        assert_eq!(j.deals[0].mentions.len(), 2);
    }

    #[test]
    fn commitments_update_reschedule_and_drop() {
        let files = [
            ("2026-11-02.md", "---\ncommitments:\n  - id: a\n    what: A\n    due: 2026-11-10\n  - id: b\n    what: B\n    due: 2026-11-05\n  - {id: c, what: C, due: 2026-11-06}\n---\n"),
            // a: renegotiated in time; b: rescheduled when already late.
            ("2026-11-08.md", "---\ncommitments:\n  - {id: a, due: 2026-11-20}\n  - {id: b, due: 2026-11-12}\n  - {id: c, dropped: true}\n  - {id: zzz, done: true}\n---\n"),
        ];
        let j = journal(&files, "2026-11-15");
        let a = j.commitment("a").unwrap();
        assert_eq!((a.due, a.counting_due), (Some(d("2026-11-20")), Some(d("2026-11-20"))));
        assert_eq!(a.status(d("2026-11-15")), Status::Open);
        let b = j.commitment("b").unwrap();
        assert_eq!((b.due, b.counting_due), (Some(d("2026-11-12")), Some(d("2026-11-05"))));
        assert_eq!(b.status(d("2026-11-15")), Status::Overdue);
        assert_eq!(j.commitment("c").unwrap().status(d("2026-11-15")), Status::Dropped);
        assert_eq!(j.diagnostics.len(), 1);
        assert_eq!(j.diagnostics[0].code, Code::UnknownCommitment);
    }

    #[test]
    fn task_items_are_commitments() {
        let files =
            [("2026-11-02.md", "- [ ] Send deck 📅 2026-11-04\n- [x] Call Jane ✅ 2026-11-03\n- [x] No date\n")];
        let j = journal(&files, "2026-11-05");
        assert_eq!(j.commitments.len(), 3);
        assert_eq!(&*j.commitments[0].id, "2026-11-02-send-deck");
        assert_eq!(j.commitments[0].status(d("2026-11-05")), Status::Overdue);
        assert_eq!(j.commitments[1].done, Some(d("2026-11-03")));
        assert_eq!(j.commitments[2].done, Some(d("2026-11-02")));
    }

    #[test]
    fn notes_after_the_as_of_date_do_not_exist() {
        let files = [
            ("2026-11-02.md", "---\ncommitments:\n  - {id: a, what: A, due: 2026-11-04}\n---\n"),
            ("2026-11-09.md", "---\ncommitments:\n  - {id: a, done: 2026-11-03}\n---\n"),
        ];
        assert_eq!(journal(&files, "2026-11-05").commitments[0].status(d("2026-11-05")), Status::Overdue);
        let j = journal(&files, "2026-11-09");
        assert_eq!(j.commitments[0].status(d("2026-11-09")), Status::Done);
        assert!(j.commitments[0].kept_on_time(d("2026-11-09")));
    }

    /// SPEC §9 pushes: only a move to a later date than the one in force
    /// counts; a first date, a clear, a pull-in, or a date after a clear does
    /// not; an invalid `close` changes nothing; a closed and reopened deal
    /// keeps counting, whatever its stage at the time.
    #[test]
    fn close_date_pushes() {
        let files = [
            ("2026-11-02.md", "---\ndeals:\n  - {name: A, stage: lead, close: 2026-12-01}\n---\n"),
            ("2026-11-03.md", "---\ndeals:\n  - {id: a, close: 2026-12-10}\n---\n"), // push 1
            ("2026-11-04.md", "---\ndeals:\n  - {id: a, close: 2026-12-05}\n---\n"), // earlier
            ("2026-11-05.md", "---\ndeals:\n  - {id: a, close: null}\n---\n"),       // cleared
            ("2026-11-06.md", "---\ndeals:\n  - {id: a, close: 2026-12-20}\n---\n"), // first again
            ("2026-11-07.md", "---\ndeals:\n  - {id: a, close: soon}\n---\n"),       // invalid
            ("2026-11-08.md", "---\ndeals:\n  - {id: a, close: 2026-12-20}\n---\n"), // restated
            ("2026-11-09.md", "---\ndeals:\n  - {id: a, stage: won, close: 2026-12-25}\n---\n"), // push 2
            ("2026-11-10.md", "---\ndeals:\n  - {id: a, stage: lead, close: 2026-12-30}\n---\n"), // push 3
        ];
        let j = journal(&files, "2026-11-30");
        let a = &j.deals[0];
        assert_eq!(a.close_pushed(), 3);
        assert_eq!(
            a.close_history
                .iter()
                .map(|c| (c.date.to_string(), c.close.map(|d| d.to_string()), c.note))
                .collect::<Vec<_>>(),
            [
                ("2026-11-02", Some("2026-12-01"), 0),
                ("2026-11-03", Some("2026-12-10"), 1),
                ("2026-11-04", Some("2026-12-05"), 2),
                ("2026-11-05", None, 3),
                ("2026-11-06", Some("2026-12-20"), 4),
                ("2026-11-09", Some("2026-12-25"), 7),
                ("2026-11-10", Some("2026-12-30"), 8),
            ]
            .map(|(a, b, n)| (a.to_string(), b.map(str::to_string), n))
        );
        // Only mentions up to the as-of date count.
        assert_eq!(journal(&files, "2026-11-08").deals[0].close_pushed(), 1);
        assert_eq!(journal(&files, "2026-11-09").deals[0].close_pushed(), 2);
    }
}
