//! A journal folder loaded in memory: its configuration and every note
//! file, parsed once and re-read only when it changes.
//!
//! This is where discovery and parsing meet, and what `watch` keeps alive
//! between saves: [`Workspace::refresh`] rescans the folder and re-parses
//! only files whose size or modification time changed, so a save costs one
//! note's parse plus the (cheap) fold and analyses.

use crate::analyse::timeliness::{LateEdit, Timeliness};
use crate::analyse::{self, Days, Figures};
use crate::error::{Error, Result};
use crate::model::config::GitMode;
use crate::model::config::{self, Config};
use crate::model::diagnostic::{Code, Diagnostic, Pos, Tally};
use crate::model::journal::{Checkpoint, Journal, CHECKPOINT_TAIL};
use crate::model::note::{self, Note};
pub use crate::source::discover::Stamp;
use crate::source::discover::{self, Contents, SourceFile};
use crate::source::git::{History, Unavailable};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// One note file as last read.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub stamp: Option<Stamp>,
    pub note: Option<Arc<Note>>,
    pub diagnostics: Vec<Diagnostic>,
    /// A watch session's: the front matter of the file on disk does not
    /// parse, and `note` is its last good version, kept in the figures
    /// until the file is fixed (a save mid-edit does not change them).
    pub held: bool,
}

/// Whether a note's problems include front matter that does not parse at all.
fn front_matter_broken(diagnostics: &[Diagnostic]) -> bool {
    diagnostics
        .iter()
        .any(|d| matches!(d.code, Code::YamlSyntax | Code::UnclosedFrontMatter | Code::FrontMatterNotMapping))
}

/// What a refresh changed, by journal-relative path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<String>,
    pub modified: Vec<String>,
    pub removed: Vec<String>,
    pub config: bool,
    /// New commits (or another `HEAD`).
    pub history: bool,
    /// The problems met while looking for notes (a dangling symlink, a
    /// FIFO named `.md`, a link loop) are not those of the last look: no
    /// note changed, but the Data page's list did.
    pub skipped: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.modified.is_empty()
            && self.removed.is_empty()
            && !self.config
            && !self.history
            && !self.skipped
    }
}

#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
    config_stamp: Option<Stamp>,
    /// Notes by journal-relative path.
    pub sources: BTreeMap<String, Source>,
    discovery: Vec<Diagnostic>,
    /// An editor's unsaved text by journal-relative path (the language
    /// server's open notes): each is one more note through the same parser,
    /// and stands in for the file of its path, which need not exist yet.
    buffers: BTreeMap<String, Buffer>,
    /// Derived from `sources`, computed on first use after each refresh:
    /// every consumer (figures, pages, exports) asks for them.
    sorted: OnceLock<Vec<Arc<Note>>>,
    model_diagnostics: OnceLock<Vec<Diagnostic>>,
    /// The journal's git history (SPEC §8), read once and then only for
    /// new commits.
    pub history: HistoryState,
    /// The history judged against the notes; reset when either changes.
    timeliness: OnceLock<Option<Arc<Timeliness>>>,
    /// The history's late edits: they depend on the history and the
    /// configuration, not on today's notes, so a save does not judge them
    /// again, and new commits are judged alone.
    late_edits: Arc<Vec<LateEdit>>,
    /// (history epoch, changes judged) of `late_edits`.
    late_edits_upto: (u64, usize),
    /// When a missing history was last looked for.
    history_retry: Option<std::time::Instant>,
    /// Keep a note's last good version while its front matter does not
    /// parse (watch and serve; a build reads each note as it is).
    pub keep_last_good: bool,
    /// How many bytes of bodies one read of the notes keeps in memory
    /// ([`crate::model::note::Body`]): all of them in a long-lived
    /// workspace, [`ONE_SHOT_BODIES`] for `build`
    /// ([`Workspace::load_for_build`]), none for `report` and `check`
    /// ([`Workspace::load_one_shot`]).
    body_budget: usize,
    /// A watch session's: the fold of all but the latest notes, so the
    /// fold after a save to a recent note resumes from it
    /// ([`Journal::build_resuming`]). `None` in a one-shot command, which
    /// folds once.
    checkpoint: Option<Arc<Mutex<Option<Checkpoint>>>>,
}

/// Whether the history is read, and why not.
#[derive(Debug, Clone)]
pub enum HistoryState {
    /// `data.git: false`.
    Off,
    Unavailable(Unavailable),
    Read(History),
}

impl Workspace {
    /// Load the journal at `root`. Fails only on a bad configuration or a
    /// journal folder that cannot be read; bad notes are diagnostics.
    pub fn load(root: &Path) -> Result<Workspace> {
        Workspace::load_with(root, usize::MAX)
    }

    /// [`Workspace::load`] for one run of `report` or `check`: each note's
    /// body is left in its file ([`crate::model::note::Body::InFile`]),
    /// read again only if its page is rendered. Not for a session that
    /// refreshes: a save that changes only the prose would leave the note
    /// as it was.
    pub fn load_one_shot(root: &Path) -> Result<Workspace> {
        Workspace::load_with(root, 0)
    }

    /// [`Workspace::load_one_shot`] for one `build`, which renders every
    /// note's page: the first [`ONE_SHOT_BODIES`] of bodies read stay in
    /// memory, so most notes are not opened twice.
    pub fn load_for_build(root: &Path) -> Result<Workspace> {
        Workspace::load_with(root, ONE_SHOT_BODIES)
    }

    fn load_with(root: &Path, body_budget: usize) -> Result<Workspace> {
        let meta = std::fs::metadata(root).map_err(|e| Error::io(root, e))?;
        if !meta.is_dir() {
            return Err(Error::Usage(format!("{} is not a folder", root.display())));
        }
        let (config, config_stamp) = read_config(root)?;
        let mut ws = Workspace {
            root: root.to_path_buf(),
            config,
            config_stamp,
            sources: BTreeMap::new(),
            discovery: Vec::new(),
            buffers: BTreeMap::new(),
            sorted: OnceLock::new(),
            model_diagnostics: OnceLock::new(),
            history: HistoryState::Off,
            timeliness: OnceLock::new(),
            late_edits: Arc::default(),
            late_edits_upto: (0, 0),
            history_retry: None,
            keep_last_good: false,
            checkpoint: None,
            body_budget,
        };
        // The history is read (git works in its own process) while the
        // notes are parsed: the two cost about the same on a long journal.
        let reader = (ws.config.data.git != GitMode::Off).then(|| {
            let root = root.to_path_buf();
            std::thread::spawn(move || History::read(&root))
        });
        ws.refresh_notes(true);
        let read = reader.map(|r| r.join().unwrap_or_else(|_| Err(Unavailable::Failed("the reader stopped".into()))));
        ws.set_history(read);
        Ok(ws)
    }

    /// This workspace, keeping a note's last good version while its front
    /// matter does not parse (a watch session's: see [`Source::held`]).
    /// Only saves after this point are held: the first read is as it is.
    pub fn keeping_last_good(mut self) -> Workspace {
        self.keep_last_good = true;
        self
    }

    /// This workspace, keeping the fold of its older notes between
    /// refreshes (a watch session's), so that a save to a recent note
    /// re-folds only the latest notes.
    pub fn resuming_folds(mut self) -> Workspace {
        self.checkpoint = Some(Arc::default());
        self
    }

    /// The output folder the configuration names (relative to the journal).
    pub fn default_output(&self) -> PathBuf {
        self.root.join(&self.config.output)
    }

    /// Rescan the folder; re-read the configuration and any note whose
    /// stamp changed. A changed configuration re-parses every note (stages
    /// and the mood scale are part of validation).
    pub fn refresh(&mut self) -> Result<Changes> {
        self.refresh_with(None)
    }

    /// [`Workspace::refresh`] from a [`Scan`] taken apart from the
    /// workspace, while it went on changing (a watch session builds saves
    /// while its rescan walks the folder): every difference the scan
    /// found is looked at again now, so a note read since the scan looked
    /// at it is not read again, and one that vanished or appeared since is
    /// taken as it is now. A scan of another configuration than the one
    /// read now (changed meanwhile, or since) is not used: the folder is
    /// looked at again.
    pub fn refresh_from(&mut self, scan: Scan) -> Result<Changes> {
        self.refresh_with(Some(scan))
    }

    fn refresh_with(&mut self, scan: Option<Scan>) -> Result<Changes> {
        let stamp = Stamp::of(&self.root.join(config::FILE_NAME));
        let scan = scan.filter(|scan| scan.config_stamp == self.config_stamp && stamp == self.config_stamp);
        let mut config_changed = false;
        if stamp != self.config_stamp {
            let (config, stamp) = read_config(&self.root)?;
            config_changed = config != self.config;
            self.config = config;
            self.config_stamp = stamp;
        }
        let mut changes = match scan {
            Some(scan) if !self.differs(&scan) => Changes::default(),
            Some(scan) => self.take_look(scan, false, true),
            None => self.refresh_notes(config_changed),
        };
        if config_changed {
            for (rel, buffer) in &mut self.buffers {
                buffer.source = parse_buffer(&self.root, rel, &buffer.text, &self.config);
            }
        }
        changes.config = config_changed;
        if config_changed {
            self.read_history();
        } else if self.update_history() {
            changes.history = true;
        }
        Ok(changes)
    }

    /// Read the history whole, as the configuration says.
    fn read_history(&mut self) {
        let read = (self.config.data.git != GitMode::Off).then(|| History::read(&self.root));
        self.set_history(read);
    }

    /// Take a history read whole (`None`: not to be read).
    fn set_history(&mut self, read: Option<std::result::Result<History, Unavailable>>) {
        self.history_retry = Some(std::time::Instant::now());
        self.history = match read {
            None => HistoryState::Off,
            Some(Ok(h)) => HistoryState::Read(h),
            Some(Err(e)) => HistoryState::Unavailable(e),
        };
        self.late_edits_upto = (0, 0);
        self.sync_late_edits();
    }

    /// Judge the changes of the history not judged yet.
    fn sync_late_edits(&mut self) {
        self.timeliness = OnceLock::new();
        let HistoryState::Read(h) = &self.history else {
            self.late_edits = Arc::default();
            self.late_edits_upto = (0, 0);
            return;
        };
        let (epoch, upto) = self.late_edits_upto;
        if epoch != h.epoch || upto > h.changes.len() {
            self.late_edits = Arc::new(crate::analyse::timeliness::late_edits(h, &self.config, 0));
        } else if upto < h.changes.len() {
            let more = crate::analyse::timeliness::late_edits(h, &self.config, upto);
            Arc::make_mut(&mut self.late_edits).extend(more);
        }
        self.late_edits_upto = (h.epoch, h.changes.len());
    }

    /// Read the commits made since the last read (a cheap look at `HEAD`
    /// when there are none). Whether anything changed.
    pub fn update_history(&mut self) -> bool {
        let changed = match &mut self.history {
            HistoryState::Off => false,
            HistoryState::Read(h) => match h.update() {
                Ok(changed) => changed,
                Err(e) => {
                    self.history = HistoryState::Unavailable(e);
                    true
                }
            },
            // A repository made (`git init`) while watching: looked for
            // now and then, not at every save.
            HistoryState::Unavailable(_) if self.history_retry.is_none_or(|t| t.elapsed().as_secs() >= 5) => {
                self.history_retry = Some(std::time::Instant::now());
                match History::read(&self.root) {
                    Ok(h) => {
                        self.history = HistoryState::Read(h);
                        true
                    }
                    Err(_) => false,
                }
            }
            HistoryState::Unavailable(_) => false,
        };
        if changed {
            self.sync_late_edits();
        }
        changed
    }

    /// SPEC §8's judgement of the notes against the history; `None`
    /// without a history.
    pub fn timeliness(&self) -> Option<Arc<Timeliness>> {
        self.timeliness
            .get_or_init(|| match &self.history {
                HistoryState::Read(h) => {
                    Some(Arc::new(Timeliness::new(self.sorted_notes(), h, &self.config, self.late_edits.clone())))
                }
                _ => None,
            })
            .clone()
    }

    /// Why git failed on a journal in a repository (a repository git
    /// refuses, "dubious ownership"; a broken one), for a notice on the
    /// terminal: not when git is not installed, nor when there is no
    /// repository (the Data page says those).
    pub fn history_problem(&self) -> Option<String> {
        match &self.history {
            HistoryState::Unavailable(Unavailable::Failed(m)) => Some(m.clone()),
            _ => None,
        }
    }

    /// Why the history is not read, for the Data page.
    pub fn history_note(&self) -> Option<String> {
        match &self.history {
            HistoryState::Off => Some("not read: `data.git` is false in saleslog.yaml".into()),
            HistoryState::Unavailable(e) => Some(format!("not read: {e}")),
            HistoryState::Read(_) => None,
        }
    }

    /// The figures of `analyse`, with SPEC §8's added.
    pub fn with_timeliness(&self, figures: Figures) -> Figures {
        let t = self.timeliness().map(|t| t.figures(figures.as_of));
        figures.with_timeliness(t)
    }

    /// Re-read only `paths` (absolute, as a watcher names them), when each
    /// is a note this workspace already has and still a plain file: the
    /// common save, without walking the folder. `None` when any is anything
    /// else (a new or vanished file, the configuration, a folder, a
    /// symlink): then [`Workspace::refresh`] must decide.
    pub fn refresh_known(&mut self, paths: &[PathBuf]) -> Option<Changes> {
        let root = std::path::absolute(&self.root).ok()?;
        let mut todo: Vec<SourceFile> = Vec::new();
        for path in paths {
            let rel = path
                .strip_prefix(&root)
                .ok()?
                .components()
                .map(|c| match c {
                    std::path::Component::Normal(part) => part.to_str(),
                    _ => None,
                })
                .collect::<Option<Vec<&str>>>()?
                .join("/");
            let source = self.sources.get(&rel)?;
            let meta = std::fs::symlink_metadata(&source.path).ok()?;
            if !meta.is_file() {
                return None;
            }
            if Some(Stamp::from(&meta)) != source.stamp && !todo.iter().any(|f| f.rel == rel) {
                todo.push(SourceFile { path: source.path.clone(), rel });
            }
        }
        let mut changes = Changes::default();
        if todo.is_empty() {
            return Some(changes);
        }
        let parsed = self.read_sources(todo);
        // A note saved with its date unchanged keeps its place among the
        // sorted notes (it is put there, not sorted again), and leaves the
        // history's judgement alone (that reads only paths and dates).
        let mut in_place = self.buffers.is_empty();
        let mut moved: Vec<Arc<Note>> = Vec::new();
        for (rel, source) in parsed {
            changes.modified.push(rel.clone());
            let source = self.held_over(self.sources.get(&rel), source);
            let new_note = source.note.clone();
            let old_note = self.sources.insert(rel, source).and_then(|old| old.note);
            match (old_note, new_note) {
                (Some(old), Some(new)) if old.date == new.date && old.path == new.path => moved.push(new),
                _ => in_place = false,
            }
        }
        let placed = in_place
            && self.sorted.get_mut().is_some_and(|sorted| {
                moved.into_iter().all(|note| {
                    match sorted.binary_search_by(|n| (n.date, &n.path).cmp(&(note.date, &note.path))) {
                        Ok(at) => {
                            sorted[at] = note;
                            true
                        }
                        Err(_) => false,
                    }
                })
            });
        if !placed {
            self.sorted = OnceLock::new();
            self.timeliness = OnceLock::new();
        }
        self.model_diagnostics = OnceLock::new();
        Some(changes)
    }

    fn refresh_notes(&mut self, reparse_all: bool) -> Changes {
        let scanner = self.scanner();
        let found = scanner.discover();
        // A file seen before is stat'ed to tell whether it changed; a new
        // one (every file of a first load) is only opened and read, its
        // stamp taken from the open handle.
        let stamps = if reparse_all || self.sources.is_empty() {
            vec![None; found.files.len()]
        } else {
            discover::stamps(&found.files)
        };
        self.take_look(Scan { found, stamps, config_stamp: scanner.config_stamp }, reparse_all, false)
    }

    /// What a rescan needs of this workspace, to run apart from it
    /// ([`Scanner::scan`]).
    pub fn scanner(&self) -> Scanner {
        Scanner {
            root: self.root.clone(),
            output: self.default_output(),
            vault: self.config.vault.clone(),
            config_stamp: self.config_stamp,
        }
    }

    /// Whether `scan` found anything other than these sources: after a
    /// rescan, nearly always not, and the look costs comparisons only
    /// (the 27,000 sources of a 100-year journal are not taken apart and
    /// collected again, which was 10–20 ms of the loop that builds saves).
    fn differs(&self, scan: &Scan) -> bool {
        scan.found.diagnostics != self.discovery
            || scan.found.files.len() != self.sources.len()
            || scan.found.files.iter().zip(&scan.stamps).zip(&self.sources).any(|((file, stamp), (rel, source))| {
                file.rel != *rel || source.stamp.is_none() || source.stamp != *stamp
            })
    }

    /// Take `look` as the folder's notes: keep the sources whose stamp is
    /// the one it found, read the others. `verify`: the look is older than
    /// the sources, so a difference is checked against the file now.
    fn take_look(&mut self, look: Scan, reparse_all: bool, verify: bool) -> Changes {
        let Scan { found, stamps, .. } = look;
        let skipped = found.diagnostics != self.discovery;
        self.discovery = found.diagnostics;
        // The files found and the sources known are both in `rel` order:
        // walked side by side, one comparison each, and the sources kept
        // are collected in order (no search of the map per note).
        let mut known = std::mem::take(&mut self.sources).into_iter().peekable();
        let mut sorted = Sorted { kept: Vec::with_capacity(found.files.len()), ..Sorted::default() };
        sorted.changes.skipped = skipped;
        for (file, stamp) in found.files.into_iter().zip(stamps) {
            while let Some((rel, old)) = known.next_if(|(rel, _)| *rel < file.rel) {
                sorted.not_found(rel, old, verify);
            }
            match known.next_if(|(rel, _)| *rel == file.rel) {
                // Kept when its stamp is the one found, or (the look being
                // older than the source) the file's now.
                Some((rel, old))
                    if !reparse_all
                        && old.stamp.is_some()
                        && (old.stamp == stamp || (verify && old.stamp == Stamp::of(&file.path))) =>
                {
                    sorted.kept.push((rel, old));
                }
                Some((rel, old)) => sorted.read_again(rel, old, file),
                None if verify && Stamp::of(&file.path).is_none() => {}
                None => {
                    sorted.changes.added.push(file.rel.clone());
                    sorted.todo.push(file);
                }
            }
        }
        for (rel, old) in known {
            sorted.not_found(rel, old, verify);
        }
        let Sorted { kept, todo, previous, changes } = sorted;
        let parsed: Vec<(String, Source)> = self
            .read_sources(todo)
            .into_iter()
            .map(|(rel, source)| {
                let source = self.held_over(previous.get(&rel), source);
                (rel, source)
            })
            .collect();
        // Two runs in `rel` order: the map is built from them in one pass.
        self.sources = kept.into_iter().chain(parsed).collect();
        if !changes.is_empty() || reparse_all {
            self.sorted = OnceLock::new();
            self.model_diagnostics = OnceLock::new();
            self.timeliness = OnceLock::new();
        }
        changes
    }

    /// `new`, or, when this workspace keeps last good versions and `new`'s
    /// front matter does not parse, `new`'s problems with `old`'s note.
    fn held_over(&self, old: Option<&Source>, mut new: Source) -> Source {
        if self.keep_last_good && front_matter_broken(&new.diagnostics) {
            if let Some(note) = old.and_then(|o| o.note.clone()) {
                new.note = Some(note);
                new.held = true;
            }
        }
        new
    }

    /// The notes shown in their last good version, because the file's
    /// front matter does not parse (journal-relative paths).
    pub fn held(&self) -> Vec<&str> {
        self.sources.iter().filter(|(_, s)| s.held).map(|(rel, _)| rel.as_str()).collect()
    }

    /// Read the note at `rel` from `text` (an editor's unsaved buffer)
    /// instead of its file, until [`Workspace::clear_buffer`].
    pub fn set_buffer(&mut self, rel: &str, text: String) {
        let source = parse_buffer(&self.root, rel, &text, &self.config);
        self.buffers.insert(rel.to_string(), Buffer { text, source });
        self.sorted = OnceLock::new();
        self.model_diagnostics = OnceLock::new();
    }

    /// Read the note at `rel` from its file again (the buffer was closed).
    pub fn clear_buffer(&mut self, rel: &str) {
        if self.buffers.remove(rel).is_some() {
            self.sorted = OnceLock::new();
            self.model_diagnostics = OnceLock::new();
        }
    }

    /// The note at `rel` as it counts: its buffer's, else its file's.
    pub fn source(&self, rel: &str) -> Option<&Source> {
        self.buffers.get(rel).map(|b| &b.source).or_else(|| self.sources.get(rel))
    }

    /// Every note file as it counts, by path: buffers stand in for files.
    fn current(&self) -> impl Iterator<Item = &Source> {
        let files = self.sources.iter().filter(|(rel, _)| !self.buffers.contains_key(*rel)).map(|(_, s)| s);
        files.chain(self.buffers.values().map(|b| &b.source))
    }

    /// Every note, in (date, path) order.
    pub fn notes(&self) -> Vec<Arc<Note>> {
        self.sorted_notes().to_vec()
    }

    pub fn sorted_notes(&self) -> &[Arc<Note>] {
        self.sorted.get_or_init(|| {
            let mut notes: Vec<Arc<Note>> = self.current().filter_map(|s| s.note.clone()).collect();
            notes.sort_by(|a, b| (a.date, &a.path).cmp(&(b.date, &b.path)));
            notes
        })
    }

    /// The notes dated in `[from, to]`, in (date, path) order: a slice of
    /// [`Workspace::sorted_notes`] found by binary search (a team page
    /// wants a fortnight of each member's notes, not all of them copied).
    pub fn notes_dated(&self, from: NaiveDate, to: NaiveDate) -> &[Arc<Note>] {
        let notes = self.sorted_notes();
        let start = notes.partition_point(|n| n.date < from);
        let end = notes.partition_point(|n| n.date <= to).max(start);
        &notes[start..end]
    }

    /// The journal as of `as_of`.
    pub fn journal(&self, as_of: NaiveDate) -> Journal {
        match &self.checkpoint {
            Some(checkpoint) => {
                let mut checkpoint = checkpoint.lock().unwrap_or_else(|e| e.into_inner());
                Journal::build_resuming(self.sorted_notes(), as_of, &mut checkpoint, CHECKPOINT_TAIL)
            }
            None => Journal::build(self.sorted_notes(), as_of),
        }
    }

    /// The journal as of `as_of` and every problem ([`Workspace::diagnostics`]),
    /// folding the notes once: when no note is dated after `as_of`, the
    /// journal's own problems are the whole journal's.
    pub fn journal_and_diagnostics(&self, as_of: NaiveDate) -> (Journal, Vec<Diagnostic>) {
        let (journal, diagnostics, _) = self.journal_and_diagnostics_reusing(as_of, None);
        (journal, diagnostics)
    }

    /// [`Workspace::journal_and_diagnostics`], from `last`, the journal of
    /// an earlier call and the sorted notes it was folded from, when the
    /// notes changed since only where the fold reads them the same
    /// ([`Journal::refolded`]); `last` is given back when it cannot be.
    #[allow(clippy::result_large_err)] // `Journal::refolded`'s
    pub fn journal_and_diagnostics_reusing(
        &self,
        as_of: NaiveDate,
        last: Option<(Journal, &[Arc<Note>])>,
    ) -> (Journal, Vec<Diagnostic>, Option<Journal>) {
        let (journal, unused) = match last.map(|(journal, before)| journal.refolded(before, self.sorted_notes(), as_of))
        {
            Some(Ok(journal)) => {
                debug_assert!(journal == Journal::build(self.sorted_notes(), as_of), "a refolded journal differs");
                self.keep_problems(&journal);
                (journal, None)
            }
            unused => (self.journal_keeping_problems(as_of), unused.and_then(Result::err)),
        };
        let diagnostics = self.diagnostics(as_of);
        (journal, diagnostics, unused)
    }

    /// [`Workspace::journal`], keeping its problems as the whole journal's
    /// when no note is dated after `as_of` (they are then the same fold).
    fn journal_keeping_problems(&self, as_of: NaiveDate) -> Journal {
        let journal = self.journal(as_of);
        self.keep_problems(&journal);
        journal
    }

    /// Keep `journal`'s problems as the whole journal's when no note is
    /// dated after its date (they are then the same fold).
    fn keep_problems(&self, journal: &Journal) {
        if self.sorted_notes().last().is_none_or(|n| n.date <= journal.as_of) {
            let _ = self.model_diagnostics.set(journal.diagnostics.clone());
        }
    }

    /// The counts of [`Workspace::diagnostics`], counted where they are
    /// kept instead of copied and sorted: the Data box needs only these,
    /// and a team's box history asks for them a dozen times per member.
    pub fn tally(&self, as_of: NaiveDate) -> Tally {
        let mut tally = Tally::of(&self.discovery);
        for source in self.current() {
            tally.add(Tally::of(&source.diagnostics));
            if source.note.as_ref().is_some_and(|n| n.date > as_of) {
                tally.warnings += 1; // future-note
            }
        }
        tally.add(Tally::of(
            self.model_diagnostics.get_or_init(|| Journal::build(self.sorted_notes(), NaiveDate::MAX).diagnostics),
        ));
        tally.warnings += self.timeliness().map_or(0, |t| t.late_edits_in_window(as_of).count());
        tally
    }

    /// Every problem in the journal, as `check` reports it for `as_of`:
    /// discovery, each note, the whole journal's model, and notes dated
    /// after `as_of`. Sorted by file and position.
    pub fn diagnostics(&self, as_of: NaiveDate) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self.discovery.clone();
        for source in self.current() {
            all.extend(source.diagnostics.iter().cloned());
            if let Some(note) = source.note.as_ref().filter(|n| n.date > as_of) {
                all.push(
                    Diagnostic::warning(
                        &note.path,
                        Pos::START,
                        Code::FutureNote,
                        format!("note dated {} is after the report date {as_of}; it is not counted", note.date),
                    )
                    .with_hint("check the date, or run with --today"),
                );
            }
        }
        // The model's problems do not depend on the report date: the whole
        // journal is folded once per refresh.
        all.extend(
            self.model_diagnostics
                .get_or_init(|| Journal::build(self.sorted_notes(), NaiveDate::MAX).diagnostics)
                .iter()
                .cloned(),
        );
        all.extend(self.late_edit_warnings(as_of));
        all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        all
    }

    /// SPEC §8: each late edit `late_edits` counts (authored in the 30 days
    /// ending at `as_of`) is a warning at its note, so `check` lists it and
    /// the Data box's warnings agree with `data.timeliness.late_edits`.
    fn late_edit_warnings(&self, as_of: NaiveDate) -> Vec<Diagnostic> {
        let Some(t) = self.timeliness() else { return Vec::new() };
        t.late_edits_in_window(as_of)
            .map(|e| {
                Diagnostic::warning(
                    &e.note,
                    Pos::START,
                    Code::LateEdit,
                    format!(
                        "late edit: commit {} on {} changed this note dated {} ({} days later): {}",
                        e.commit,
                        e.date,
                        e.note_date,
                        e.days_after(),
                        e.description()
                    ),
                )
                .with_hint(format!(
                    "facts of a note are settled {} days after its date; record a change in the day's note instead",
                    self.config.data.late_edit_days
                ))
            })
            .collect()
    }

    /// The figures of SPEC §4 as of `as_of`.
    pub fn figures(&self, as_of: NaiveDate) -> Figures {
        let journal = self.journal_keeping_problems(as_of);
        self.figures_of(&journal, self.tally(as_of))
    }

    /// The figures of `journal`, folded from this workspace's notes, with
    /// its days counted from all of them: a day off planned in a note
    /// dated after the journal's date leaves a workday less (§9's
    /// workdays left), which the journal alone cannot say.
    pub fn figures_of(&self, journal: &Journal, tally: Tally) -> Figures {
        let days = Days::of(self.sorted_notes(), journal.as_of, &self.config);
        self.with_timeliness(analyse::analyse_days(journal, &self.config, tally, &days))
    }

    /// [`Workspace::figures`] as of each of `dates` (ascending), folding the
    /// journal and counting its days once for all of them, and the journal
    /// as of the last date (`None` when `dates` is empty). A team member's
    /// twelve weeks of boxes are one pass over its notes, not twelve.
    pub fn figures_over(&self, dates: &[NaiveDate]) -> (Vec<Figures>, Option<Journal>) {
        let sorted = self.sorted_notes();
        let Some(&first) = dates.first() else { return (Vec::new(), None) };
        let mut days = Days::of(sorted, first, &self.config);
        let mut figures = Vec::with_capacity(dates.len());
        let last = Journal::each_as_of(sorted, dates, |journal| {
            days.advance(sorted, journal.as_of);
            let tally = self.tally(journal.as_of);
            figures.push(self.with_timeliness(analyse::analyse_days(journal, &self.config, tally, &days)));
        });
        if let Some(journal) = &last {
            self.keep_problems(journal);
        }
        (figures, last)
    }
}

/// An editor's unsaved text of a note, and the note read from it.
#[derive(Debug, Clone)]
struct Buffer {
    text: String,
    source: Source,
}

fn parse_buffer(root: &Path, rel: &str, text: &str, config: &Config) -> Source {
    let parsed = note::parse(rel, text, config);
    Source {
        path: root.join(rel),
        stamp: None,
        note: parsed.note.map(Arc::new),
        diagnostics: parsed.diagnostics,
        held: false,
    }
}

fn read_config(root: &Path) -> Result<(Config, Option<Stamp>)> {
    let path = root.join(config::FILE_NAME);
    let stamp = Stamp::of(&path);
    let refused = |message: String| {
        Error::Config(vec![Diagnostic::error(config::FILE_NAME, Pos::START, Code::Unreadable, message)
            .with_hint("make saleslog.yaml a plain file of a few KB inside the journal, as `saleslog init` writes it")])
    };
    match discover::read_journal_file(root, &path, config::MAX_FILE_BYTES) {
        Ok(Some(bytes)) => {
            let text = String::from_utf8(bytes).map_err(|_| {
                Error::Config(vec![Diagnostic::error(
                    config::FILE_NAME,
                    Pos::START,
                    Code::ConfigSyntax,
                    "saleslog.yaml is not valid UTF-8",
                )])
            })?;
            let mut config = config::parse(&text).map_err(Error::Config)?;
            // A vault's own settings say which files are its daily notes.
            config.vault = crate::source::vault::layout(root, config.dialect).map_err(Error::Config)?;
            Ok((config, stamp))
        }
        Ok(None) => Ok((Config::default(), None)),
        Err(why) => Err(refused(format!("saleslog.yaml is not read: {why}"))),
    }
}

/// How much prose `build` keeps in memory: about six years of
/// daily notes (a 10-year journal's bodies are 1.6 MB). Re-reading a
/// note's file for its page costs an open and a read (all of them, 4 % of
/// a cold 10-year build on tmpfs); holding a 100-year journal's 16 MB of
/// prose would cost its peak memory, and each MB kept costs about two of
/// peak (2 MB took a warm 100-year build from 125.7 to 127–130 MB, against
/// the 128 MB target). So the first bodies read, up to this many bytes,
/// are kept, and the rest are left in their files
/// ([`crate::model::note::Body::InFile`]): the pages are the same either
/// way.
const ONE_SHOT_BODIES: usize = 1024 * 1024;

/// What a look at the folder made of the sources, note by note in `rel`
/// order ([`Workspace::take_look`]).
#[derive(Default)]
struct Sorted {
    /// Sources kept as they are.
    kept: Vec<(String, Source)>,
    /// Files to read, and the sources they replace.
    todo: Vec<SourceFile>,
    previous: BTreeMap<String, Source>,
    changes: Changes,
}

impl Sorted {
    fn read_again(&mut self, rel: String, old: Source, file: SourceFile) {
        self.changes.modified.push(rel.clone());
        self.previous.insert(rel, old);
        self.todo.push(file);
    }

    /// A known note the look did not find: removed, unless the look is
    /// older than the sources (`verify`) and the file is there now (kept,
    /// or read again if it changed).
    fn not_found(&mut self, rel: String, old: Source, verify: bool) {
        match verify.then(|| Stamp::of(&old.path)).flatten() {
            Some(stamp) if Some(stamp) == old.stamp => self.kept.push((rel, old)),
            Some(_) => {
                let file = SourceFile { rel: rel.clone(), path: old.path.clone() };
                self.read_again(rel, old, file);
            }
            None => self.changes.removed.push(rel),
        }
    }
}

/// What a look at a journal folder needs, apart from its workspace: a watch
/// session's rescan walks and stats a 100-year journal (27,000 notes,
/// 130–200 ms) on a thread of its own, while saves go on being built, and
/// the workspace then takes what it found ([`Workspace::refresh_from`]).
#[derive(Debug, Clone)]
pub struct Scanner {
    root: PathBuf,
    output: PathBuf,
    vault: Option<crate::source::vault::Layout>,
    /// The configuration's stamp when the scanner was made: the look is of
    /// the notes under that configuration.
    config_stamp: Option<Stamp>,
}

/// Every note candidate of the folder, and the stamp each had when looked at.
#[derive(Debug)]
pub struct Scan {
    found: discover::Discovery,
    stamps: Vec<Option<Stamp>>,
    config_stamp: Option<Stamp>,
}

impl Scanner {
    /// Walk the folder and stat every note found.
    pub fn scan(&self) -> Scan {
        let found = self.discover();
        let stamps = discover::stamps(&found.files);
        Scan { found, stamps, config_stamp: self.config_stamp }
    }

    /// The note candidates (SPEC §1), and the problems of the walk.
    fn discover(&self) -> discover::Discovery {
        let mut found = discover::discover(&self.root, &self.output, self.vault.as_ref());
        if let Some(layout) = &self.vault {
            // In a vault only the daily notes are notes (SPEC §11): people
            // pages, templates and attachments are neither read nor warned about.
            found.files.retain(|f| layout.date_of(&f.rel).is_some());
            found.diagnostics.retain(|d| layout.may_hold(&d.file));
        }
        found
    }
}

/// The bodies one read of the notes may still keep in memory.
struct Bodies(std::sync::atomic::AtomicUsize);

impl Bodies {
    /// Whether a body of `len` bytes is kept (and taken from what is left).
    fn keep(&self, len: usize) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        self.0.fetch_update(Relaxed, Relaxed, |left| left.checked_sub(len)).is_ok()
    }
}

impl Workspace {
    /// Read and parse `todo` in parallel, keeping bodies up to this
    /// workspace's budget (each read starts with all of it).
    fn read_sources(&self, todo: Vec<SourceFile>) -> Vec<(String, Source)> {
        let (config, bodies) = (&self.config, Bodies(self.body_budget.into()));
        todo.into_par_iter().map(|file| read_source(file, config, &bodies)).collect()
    }
}

/// Read and parse one note file (see [`discover::read`] for a file that is
/// still being written).
fn read_source(file: SourceFile, config: &Config, bodies: &Bodies) -> (String, Source) {
    let (contents, stamp) = discover::read(&file);
    let (note, diagnostics) = match contents {
        Contents::Refused(d) => (None, vec![d]),
        Contents::Text(text, problem) => {
            let parsed = note::parse(&file.rel, &text, config);
            let mut diagnostics: Vec<Diagnostic> = problem.into_iter().collect();
            diagnostics.extend(parsed.diagnostics);
            let note = parsed.note.map(|mut note| {
                if !bodies.keep(note.body_len()) {
                    note.leave_body_in_file(&file.path);
                }
                Arc::new(note)
            });
            (note, diagnostics)
        }
    };
    (file.rel, Source { path: file.path, stamp, note, diagnostics, held: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-shot read keeps bodies until their budget is spent, never a
    /// body past it, and a long-lived workspace keeps them all.
    #[test]
    fn bodies_are_kept_up_to_their_budget() {
        let one_shot = Bodies(ONE_SHOT_BODIES.into());
        assert!(one_shot.keep(ONE_SHOT_BODIES - 10));
        assert!(!one_shot.keep(11), "past the budget");
        assert!(one_shot.keep(10), "what is left is still given");
        assert!(!one_shot.keep(1));
        assert!(one_shot.keep(0));
        let all = Bodies(usize::MAX.into());
        assert!(all.keep(ONE_SHOT_BODIES) && all.keep(ONE_SHOT_BODIES));
    }

    /// The Data box's counts are the ones `check` lists, at every date:
    /// per-note problems, the journal's own, a discovery warning, and
    /// notes dated after the date.
    #[test]
    fn the_tally_counts_what_diagnostics_lists() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| std::fs::write(dir.path().join(rel), text).unwrap();
        write("2026-11-20.md", "---\nmood: 9\nactivty: {calls: 2}\n---\n");
        write("2026-11-23.md", "---\ncommitments:\n  - {id: nope, done: true}\n---\n");
        write("2026-11-25.md", "---\nmood: [\n---\n");
        write("2026-11-27.md", "---\nmood: 4\n---\n");
        write("notes.md", "not a dated note\n");
        let ws = Workspace::load(dir.path()).unwrap();
        for day in ["2026-11-19", "2026-11-22", "2026-11-24", "2026-11-27", "2026-12-30"] {
            let d = crate::text::parse_date(day).unwrap();
            let listed = Tally::of(&ws.diagnostics(d));
            assert!(listed.errors + listed.warnings > 0);
            assert_eq!(ws.tally(d), listed, "as of {day}");
        }
    }

    /// A box history's one pass gives, at every date, the figures a
    /// report of that date gives (the sample journal: deals, commitments,
    /// tasks, days off, a first date inside the window), and the journal
    /// of the last date.
    #[test]
    fn figures_over_dates_are_the_figures_of_each_date() {
        let ws = Workspace::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-journal")).unwrap();
        let first = ws.sorted_notes().first().unwrap().date;
        let last = ws.sorted_notes().last().unwrap().date;
        let step = ((last - first).num_days() + 6) / 15 + 1;
        let dates: Vec<NaiveDate> =
            (0..16).rev().map(|k| last + chrono::Duration::days(3) - chrono::Duration::days(step * k)).collect();
        assert!(dates[0] < first && dates[15] > last, "the dates span the journal and beyond");
        let (over, journal) = ws.figures_over(&dates);
        assert_eq!(over.len(), dates.len());
        for (f, &d) in over.iter().zip(&dates) {
            assert_eq!(f, &ws.figures(d), "as of {d}");
        }
        let journal = journal.unwrap();
        assert_eq!(format!("{:?}", journal.deals), format!("{:?}", ws.journal(dates[15]).deals));
        assert_eq!(journal.notes.len(), ws.sorted_notes().len());
        assert_eq!(ws.figures_over(&[]).0, Vec::new());
    }

    /// `notes_dated` is the sorted notes filtered by date, for every range:
    /// empty, reversed, before and after the journal, on a date with two
    /// notes, and on days between notes.
    #[test]
    fn notes_dated_are_the_notes_of_those_dates() {
        let dir = tempfile::tempdir().unwrap();
        for (name, date) in
            [("a.md", "2026-11-02"), ("2026-11-02.md", ""), ("2026-11-05.md", ""), ("2026-11-09.md", "")]
        {
            let text =
                if date.is_empty() { "---\nmood: 3\n---\n".to_string() } else { format!("---\ndate: {date}\n---\n") };
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let ws = Workspace::load(dir.path()).unwrap();
        assert_eq!(ws.sorted_notes().len(), 4);
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        for from in 1..=10 {
            for to in 1..=10 {
                let want: Vec<&str> = ws
                    .sorted_notes()
                    .iter()
                    .filter(|n| n.date >= day(from) && n.date <= day(to))
                    .map(|n| n.path.as_str())
                    .collect();
                let got: Vec<&str> = ws.notes_dated(day(from), day(to)).iter().map(|n| n.path.as_str()).collect();
                assert_eq!(got, want, "{from}..={to}");
            }
        }
    }

    /// An editor's unsaved text stands in for its file (or a file not
    /// saved yet) in the notes, the fold and every diagnostic; closing it
    /// brings back what is on disk.
    #[test]
    fn a_buffer_stands_in_for_its_file_until_cleared() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("2026-11-26.md"), "---\nmood: 3\n---\n").unwrap();
        let mut ws = Workspace::load(dir.path()).unwrap();
        let d = crate::text::parse_date("2026-11-27").unwrap();
        ws.set_buffer("2026-11-26.md", "---\nmood: 9\n---\n".into());
        ws.set_buffer("2026-11-27.md", "---\ncommitments:\n  - {id: nope, done: true}\n---\n".into());
        let codes: Vec<(String, Code)> = ws.diagnostics(d).into_iter().map(|d| (d.file, d.code)).collect();
        assert_eq!(
            codes,
            vec![("2026-11-26.md".into(), Code::OutOfRange), ("2026-11-27.md".into(), Code::UnknownCommitment)]
        );
        assert_eq!(ws.notes().len(), 2);
        assert_eq!(ws.source("2026-11-26.md").unwrap().note.as_ref().unwrap().mood, None);
        ws.clear_buffer("2026-11-26.md");
        ws.clear_buffer("2026-11-27.md");
        assert!(ws.diagnostics(d).is_empty());
        assert_eq!(ws.journal(d).notes.len(), 1);
        assert_eq!(ws.source("2026-11-26.md").unwrap().note.as_ref().unwrap().mood, Some(3.0));
        // The disk is untouched.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_watched_note_whose_front_matter_breaks_keeps_its_last_good_version() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        let note = root.join("2026-11-27.md");
        std::fs::write(&note, "---\nmood: 4\nactivity: {calls: 21}\n---\n").unwrap();
        let day = crate::text::parse_date("2026-11-27").unwrap();
        for keep in [false, true] {
            let ws = Workspace::load(&root).unwrap();
            let mut ws = if keep { ws.keeping_last_good() } else { ws };
            std::fs::write(&note, "---\nmood: 4\nactivity: {calls: 21\n---\n").unwrap();
            // Both ways of re-reading: the named save and the rescan.
            for named in [true, false] {
                if named {
                    ws.refresh_known(std::slice::from_ref(&note)).unwrap();
                } else {
                    std::fs::write(&note, "---\nmood: 4\nactivity: {calls: 21\n---\n\n").unwrap();
                    ws.refresh().unwrap();
                }
                let calls = ws.notes()[0].activity.get("calls").copied();
                let broken = ws.diagnostics(day).iter().any(|d| d.code == Code::YamlSyntax);
                assert!(broken, "the problem is reported either way");
                if keep {
                    assert_eq!(calls, Some(21), "the last good version counts");
                    assert_eq!(ws.held(), vec!["2026-11-27.md"]);
                } else {
                    assert_eq!(calls, None, "a build reads the note as it is");
                    assert!(ws.held().is_empty());
                }
            }
            std::fs::write(&note, "---\nmood: 4\nactivity: {calls: 30}\n---\n").unwrap();
            ws.refresh().unwrap();
            assert_eq!(ws.notes()[0].activity.get("calls").copied(), Some(30));
            assert!(ws.held().is_empty(), "fixed: no longer held");
            std::fs::write(&note, "---\nmood: 4\nactivity: {calls: 21}\n---\n").unwrap();
        }
    }

    #[test]
    fn a_known_note_is_re_read_alone_and_anything_else_asks_for_a_rescan() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        std::fs::create_dir(root.join("2026")).unwrap();
        std::fs::write(root.join("2026/2026-11-26.md"), "---\nmood: 3\n---\n").unwrap();
        std::fs::write(root.join("2026-11-27.md"), "---\nmood: 4\n---\n").unwrap();
        let mut ws = Workspace::load(&root).unwrap();
        let mood = |ws: &Workspace, rel: &str| ws.sources[rel].note.as_ref().unwrap().mood;

        // Named but unchanged: nothing to do.
        let known = root.join("2026/2026-11-26.md");
        assert_eq!(ws.refresh_known(std::slice::from_ref(&known)), Some(Changes::default()));
        std::fs::write(&known, "---\nmood: 5\n---\n").unwrap();
        let changes = ws.refresh_known(&[known.clone(), known.clone()]).unwrap();
        assert_eq!(changes.modified, vec!["2026/2026-11-26.md".to_string()]);
        assert_eq!(mood(&ws, "2026/2026-11-26.md"), Some(5.0));
        assert_eq!(ws.notes().len(), 2);
        // Put in its place among the sorted notes, not sorted again.
        let sorted = ws.sorted_notes();
        assert!(Arc::ptr_eq(&sorted[0], ws.sources["2026/2026-11-26.md"].note.as_ref().unwrap()));
        assert_eq!(sorted[1].path, "2026-11-27.md");
        std::fs::write(&known, "---\ndate: 2026-11-28\nmood: 5\n---\n").unwrap();
        ws.refresh_known(std::slice::from_ref(&known)).unwrap();
        let paths: Vec<&str> = ws.sorted_notes().iter().map(|n| n.path.as_str()).collect();
        assert_eq!(paths, ["2026-11-27.md", "2026/2026-11-26.md"], "a new date sorts again");
        std::fs::write(&known, "---\nmood: 5\n---\n").unwrap();
        ws.refresh_known(std::slice::from_ref(&known)).unwrap();
        assert_eq!(ws.figures(crate::text::parse_date("2026-11-27").unwrap()).notes, 2);

        // A new file, the configuration, a folder, a file outside, a
        // vanished note: the caller must rescan.
        std::fs::write(root.join("2026-11-28.md"), "---\nmood: 1\n---\n").unwrap();
        assert_eq!(ws.refresh_known(&[root.join("2026-11-28.md")]), None);
        assert_eq!(ws.refresh_known(&[root.join(config::FILE_NAME)]), None);
        assert_eq!(ws.refresh_known(&[root.join("2026")]), None);
        assert_eq!(ws.refresh_known(&[root.join("../elsewhere.md")]), None);
        std::fs::remove_file(root.join("2026-11-27.md")).unwrap();
        assert_eq!(ws.refresh_known(&[root.join("2026-11-27.md")]), None);
        let changes = ws.refresh().unwrap();
        assert_eq!(changes.added, vec!["2026-11-28.md".to_string()]);
        assert_eq!(changes.removed, vec!["2026-11-27.md".to_string()]);
    }

    /// A rescan's look taken on a thread of its own, while saves went on
    /// being read: each difference it found is looked at again, so a note
    /// read since is not read twice, one gone or back since is taken as it
    /// is now, and what no event named is read.
    #[test]
    fn a_scan_taken_before_saves_reads_only_what_they_did_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        let write = |rel: &str, text: &str| std::fs::write(root.join(rel), text).unwrap();
        let remove = |rel: &str| std::fs::remove_file(root.join(rel)).unwrap();
        for day in 23..=27 {
            write(&format!("2026-11-{day}.md"), "---\nmood: 3\n---\n");
        }
        let mut ws = Workspace::load(&root).unwrap();
        let scanner = ws.scanner();
        // Before the look, and named by no event: a note changed, one
        // new, one removed, and one removed that is back later.
        write("2026-11-24.md", "---\nmood: 4.5\n---\n");
        write("2026-11-28.md", "---\nmood: 2\n---\n");
        remove("2026-11-25.md");
        remove("2026-11-26.md");
        let scan = scanner.scan();
        // After the look: a save read at once, a note back, the new one gone.
        write("2026-11-23.md", "---\nmood: 1.5\n---\n");
        assert_eq!(ws.refresh_known(&[root.join("2026-11-23.md")]).unwrap().modified, ["2026-11-23.md"]);
        write("2026-11-26.md", "---\nmood: 5\n---\n");
        remove("2026-11-28.md");

        let changes = ws.refresh_from(scan).unwrap();
        assert_eq!(changes.modified, ["2026-11-24.md", "2026-11-26.md"], "not the save read since");
        assert_eq!(changes.removed, ["2026-11-25.md"]);
        assert!(changes.added.is_empty(), "gone again: {:?}", changes.added);
        let moods: Vec<(&str, Option<f64>)> = ws.sorted_notes().iter().map(|n| (n.path.as_str(), n.mood)).collect();
        assert_eq!(
            moods,
            [
                ("2026-11-23.md", Some(1.5)),
                ("2026-11-24.md", Some(4.5)),
                ("2026-11-26.md", Some(5.0)),
                ("2026-11-27.md", Some(3.0))
            ]
        );
        // What a rescan here and now finds: nothing more.
        assert!(ws.refresh().unwrap().is_empty());
        assert!(ws.refresh_from(ws.scanner().scan()).unwrap().is_empty());
        // A configuration changed since the look is a refresh of its own.
        let scan = ws.scanner().scan();
        write(config::FILE_NAME, "name: Ann\n");
        assert!(ws.refresh_from(scan).unwrap().config);
        assert_eq!(ws.config.name, "Ann");
    }

    /// A note replaced by a file of the same length and modification time
    /// (`cp -p` of an older copy, a restore) is read again: its stamp holds
    /// its identity and status-change time too.
    #[cfg(unix)]
    #[test]
    fn a_note_replaced_with_the_same_length_and_time_is_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let note = dir.path().join("2026-11-27.md");
        let when = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let put = |text: &str, at: &Path| {
            std::fs::write(at, text).unwrap();
            std::fs::File::options().write(true).open(at).unwrap().set_modified(when).unwrap();
        };
        put("---\nmood: 2\n---\n", &note);
        let mut ws = Workspace::load(dir.path()).unwrap();
        assert_eq!(ws.notes()[0].mood, Some(2.0));
        // Written elsewhere and renamed over, as `cp -p` through a temporary
        // file or a restore does: the same length and time.
        let copy = dir.path().join("copy.tmp");
        put("---\nmood: 5\n---\n", &copy);
        std::fs::rename(&copy, &note).unwrap();
        let changes = ws.refresh().unwrap();
        assert_eq!(changes.modified, vec!["2026-11-27.md".to_string()]);
        assert_eq!(ws.notes()[0].mood, Some(5.0));
        // Rewritten in place with the time set back: the change time moved.
        put("---\nmood: 3\n---\n", &note);
        assert_eq!(ws.refresh_known(&[std::path::absolute(&note).unwrap()]).unwrap().modified.len(), 1);
        assert_eq!(ws.notes()[0].mood, Some(3.0));
    }
}
