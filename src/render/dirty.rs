//! Which note, week, deal and year pages a save can have changed, found
//! from what changed since a watch session's previous render, so that the
//! others are taken as they were without even gathering their inputs.
//!
//! [`super::inputs`] makes a save cost one hash per page instead of one
//! render; at 100 years that is still 38,700 gathers (each note page's
//! deals, commitments and problems looked up by id and path, each page's
//! memo by path), two thirds of the rebuild. Yet a save to today's note
//! changes one note: the pages that show it (its own, its neighbours', its
//! week's, its year's, its deals') are the only ones whose inputs can
//! differ, as long as nothing else they show changed. Deals and
//! commitments are folded from the notes that mention them, so only those
//! of the changed notes can have changed; each render keeps its journal,
//! its notes (by identity), each file's problems and its pages ([`Facts`]),
//! and the next compares:
//!
//! - the same site (the [`super::Site::epoch`]: report date, problem
//!   counts, the set of notes and of deals), the same history, the changed
//!   notes' commitments (and their task items') as they were, their deals' names as they were, and
//!   problems changed only in the changed notes' files: then the pages to
//!   look at are those of the changed notes and their neighbours, their
//!   weeks and years, the deals they mention (before and after), and the
//!   weeks that list a changed deal (before and after) — [`Dirty`] — and
//!   the commitments page only when the journal had to be folded again;
//! - anything else: every page is gathered, as before.
//!
//! In debug builds every page taken as clean is also gathered, and must be
//! the page the memo gives, so the test suite (the property test of
//! random saves above all) checks this reasoning against `inputs`.

use super::{inputs, Job, NoteRef, Page, Site};
use crate::analyse::calendar::{week_start, Days};
use crate::model::journal::{task_id, Commitment, Journal};
use crate::model::note::Note;
use chrono::{Datelike, NaiveDate};
use foldhash::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A render, as the next one needs to know it.
pub struct Facts {
    epoch: u64,
    /// The site's notes, kept alive so that the same address next time is
    /// the same note (as in [`inputs`]).
    notes: Vec<Arc<Note>>,
    /// Its journal; `None` once the next render took it as its own
    /// ([`Journal::refolded`]: then the two are the same).
    journal: Option<Arc<Journal>>,
    /// File → a hash of its problems.
    problems: Problems,
    timeliness: Option<Arc<crate::analyse::timeliness::Timeliness>>,
    /// Every page, in the order of the render's jobs.
    pages: Vec<Page>,
    /// The site's indexes (its week → deals list among them), and its
    /// days: for the next render, which keeps the indexes when it keeps
    /// the journal and recounts the days where notes changed. Set once the
    /// render is done ([`Facts::keep`]), since the site owns them until then.
    indexes: Option<super::Indexes>,
    days: Option<Days>,
}

/// File → a hash of its problems.
pub type Problems = HashMap<String, u64>;

/// Each file's problems, hashed.
pub fn problems(site: &Site<'_>) -> Problems {
    site.diagnostics_by_file
        .keys()
        .map(|file| {
            let mut h = super::hasher();
            for x in site.diagnostics_of(file) {
                (x.severity, x.line, x.column, x.code, &x.message, &x.hint).hash(&mut h);
            }
            (file.to_string(), h.finish())
        })
        .collect()
}

impl Facts {
    /// The facts of the render of `site` that made `pages` (in job order).
    pub fn new(site: &Site<'_>, problems: Problems, pages: Vec<Page>) -> Facts {
        Facts {
            epoch: site.epoch,
            notes: site.all_notes.to_vec(),
            journal: Some(site.journal.clone()),
            problems,
            timeliness: site.timeliness.clone(),
            pages,
            indexes: None,
            days: None,
        }
    }

    /// The sorted notes this render was made from.
    pub fn notes(&self) -> &[Arc<Note>] {
        &self.notes
    }

    /// Its journal, for the next render to make its own, when nothing else
    /// holds it.
    pub fn take_journal(&mut self) -> Option<Journal> {
        match Arc::try_unwrap(self.journal.take()?) {
            Ok(journal) => Some(journal),
            Err(shared) => {
                self.journal = Some(shared);
                None
            }
        }
    }

    /// Give back the journal [`Facts::take_journal`] took (`None`: the next
    /// render's journal is it).
    pub fn put_journal(&mut self, journal: Option<Arc<Journal>>) {
        if journal.is_some() {
            self.journal = journal;
        }
    }

    /// Keep the render's indexes and days with its facts.
    pub fn keep(&mut self, indexes: super::Indexes, days: Days) {
        self.indexes = Some(indexes);
        self.days = Some(days);
    }

    /// The indexes of this render's site, taken (the next render's are
    /// then the same: [`Facts::dirty`] counts on it).
    pub fn take_indexes(&mut self) -> Option<super::Indexes> {
        self.indexes.take()
    }

    /// The days of this render, taken.
    pub fn take_days(&mut self) -> Option<Days> {
        self.days.take()
    }

    /// The page of job `job` in this render.
    pub fn page(&self, job: usize) -> &Page {
        &self.pages[job]
    }

    /// The pages of `site` (with `jobs` jobs and problems `now`) that may
    /// differ from this render's; `None` when any may.
    pub fn dirty(&self, site: &Site<'_>, jobs: usize, now: &Problems) -> Option<Dirty> {
        let same_history = match (&self.timeliness, &site.timeliness) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        let after = &**site.journal;
        let before = self.journal.as_deref().unwrap_or(after);
        if self.epoch != site.epoch
            || !same_history
            || self.pages.len() != jobs
            || self.notes.len() != site.all_notes.len()
            || before.deals.len() != after.deals.len()
            || before.commitments.len() != after.commitments.len()
        {
            return None;
        }
        let changed: Vec<usize> =
            (0..site.all_notes.len()).filter(|&i| !Arc::ptr_eq(&self.notes[i], &site.all_notes[i])).collect();
        let files: HashSet<&str> = changed.iter().map(|&i| site.all_notes[i].path.as_str()).collect();
        let differs =
            |a: &Problems, b: &Problems| a.iter().any(|(f, h)| b.get(f) != Some(h) && !files.contains(f.as_str()));
        if differs(&self.problems, now) || differs(now, &self.problems) {
            return None;
        }
        let mut dirty = Dirty::default();
        let mut deals: HashSet<usize> = HashSet::default();
        let d = site.as_of;
        for &i in &changed {
            dirty.notes.extend([i.checked_sub(1), Some(i), Some(i + 1)].into_iter().flatten());
            for note in [&self.notes[i], &site.all_notes[i]] {
                dirty.weeks.insert(week_start(note.date));
                dirty.years.insert(note.date.iso_week().year());
                deals.extend(note.deals.iter().filter_map(|m| after.deal_index.get(m.id.as_str()).copied()));
                let tasks = note.tasks.iter().map(|task| task_id(note, task).into());
                for id in note.commitments.iter().map(|item| item.id.clone()).chain(tasks) {
                    let was = before.commitment_index.get(&*id).map(|&k| &before.commitments[k]);
                    let is = after.commitment_index.get(&*id).map(|&k| &after.commitments[k]);
                    let seen = |c: Option<&Commitment>, j: &Journal, notes: &[Arc<Note>]| {
                        c.map(|c| shown(c, j, notes, site, d))
                    };
                    if seen(was, before, &self.notes) != seen(is, after, site.all_notes) {
                        return None;
                    }
                }
            }
        }
        let mut changed_deals: HashSet<usize> = HashSet::default();
        for &k in &deals {
            let (was, is) = (&before.deals[k], &after.deals[k]);
            if was.name != is.name {
                return None; // shown on every page that mentions it
            }
            let hash = |deal| {
                let mut h = super::hasher();
                inputs::hash_deal(deal, &mut h);
                h.finish()
            };
            if hash(was) != hash(is) {
                changed_deals.insert(k);
            }
        }
        // This render's list of the weeks' deals, unless the next one took
        // it with the indexes (then the lists are the same).
        let before_week_deals = self.indexes.as_ref().map_or(&site.indexes.week_deals, |i| &i.week_deals);
        for week_deals in [before_week_deals, &site.indexes.week_deals] {
            for (monday, listed) in week_deals {
                if listed.iter().any(|k| changed_deals.contains(k)) {
                    dirty.weeks.insert(*monday);
                }
            }
        }
        dirty.deals = deals;
        // The commitments page shows every commitment, the link to the
        // note that made each, and figures folded from the commitments
        // alone: the same when the journal is the last one (refolded) and
        // no changed note's link changed.
        let same_journal = self.journal.is_none();
        dirty.commitments =
            !(same_journal && changed.iter().all(|&i| NoteRef::of(&self.notes[i], &site.links) == site.note_refs[i]));
        Some(dirty)
    }
}

/// A hash of all a page can show of a commitment as of `d`, `notes`
/// being the notes of `journal`'s render (the site's links are the same
/// for both renders: the epoch says so).
fn shown(c: &Commitment, journal: &Journal, notes: &[Arc<Note>], site: &Site<'_>, d: NaiveDate) -> u64 {
    let mut h = super::hasher();
    inputs::hash_commitment(c, &mut h);
    let made = NoteRef::of(&notes[c.note], &site.links);
    made.hash(&mut h);
    (&journal.notes[c.note].path, c.status(d), super::commitments::was_late(c, d)).hash(&mut h);
    h.finish()
}

/// The tracked pages a render must look at; every other one is as the
/// previous render made it.
#[derive(Debug, Default)]
pub struct Dirty {
    /// Indexes into the site's notes.
    notes: HashSet<usize>,
    weeks: HashSet<NaiveDate>,
    years: HashSet<i32>,
    /// Indexes into the journal's deals.
    deals: HashSet<usize>,
    /// Whether the commitments page may have changed.
    commitments: bool,
}

impl Dirty {
    /// Whether `job` makes a page this render need not look at.
    pub fn leaves(&self, job: &Job) -> bool {
        match *job {
            Job::Note(i) => !self.notes.contains(&i),
            Job::Week(monday) => !self.weeks.contains(&monday),
            Job::Deal(i) => !self.deals.contains(&i),
            Job::NotesIndex(year) => !self.years.contains(&year),
            Job::Commitments => !self.commitments,
            Job::Dashboard | Job::Activity | Job::Attitude | Job::Pipeline | Job::Data | Job::Stylesheet => false,
        }
    }
}
