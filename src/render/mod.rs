//! The HTML reports of SPEC §6: journal model and figures in, pages out.
//!
//! ```text
//!   Workspace ──► Site (journal as of D, figures, days, links: computed once)
//!                  │
//!                  ├─► one view model per page (typed, all the arithmetic)   ← rayon
//!                  │
//!                  └─► tera template (formatting only) ──► Page { path, bytes }
//! ```
//!
//! Pages are plain data ([`Page`]), so writing them ([`crate::site::output_dir`])
//! and serving them are someone else's business, and a watcher can render,
//! compare and write only what changed.
//!
//! Templates are built into the binary; a journal may override any of them
//! (and the stylesheet) with a file of the same name in its `templates/`
//! folder. Everything a template prints is escaped unless the view model
//! marks it as already-safe HTML (only note bodies, rendered by
//! [`markdown`], and the stylesheet are).

pub mod bound;
pub mod chart;
pub mod format;
pub mod markdown;

mod activity;
mod attitude;
mod commitments;
mod dashboard;
mod data;
mod dirty;
mod inputs;
mod notes;
mod pipeline;
mod plan;

use crate::analyse::{self, Days, Figures};
use crate::error::{Error, Result};
use crate::model::config::Config;
use crate::model::diagnostic::{Diagnostic, Tally};
use crate::model::journal::Journal;
use crate::model::note::Note;
use crate::site::workspace::Workspace;
use crate::text::slug;
use chrono::{Datelike, NaiveDate};
use foldhash::{HashMap, HashSet};
use rayon::prelude::*;
use serde::Serialize;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::{Arc, Mutex};
use tera::{Context, Tera};

/// One file of the site: its path relative to the output folder
/// (`/`-separated), its bytes (shared: a watch session hands out the same
/// bytes again for an unchanged page), and their hash and length, computed
/// once when the page is made, which the output folder records in its
/// marker.
///
/// A watch session remembers the pages it wrote by hash and length only
/// ([`Page::remembered`]): their bytes are on disk, and holding them all
/// was most of a 100-year session's memory. Writing such a page again
/// (the output folder emptied, or a file in it changed by someone else) is
/// refused with [`Error::Forgotten`], and the session renders afresh.
#[derive(Debug, Clone, Eq)]
pub struct Page {
    pub path: Arc<str>,
    bytes: Option<Arc<[u8]>>,
    pub hash: u64,
    pub len: u64,
}

impl Page {
    pub fn new(path: impl Into<Arc<str>>, bytes: impl Into<Arc<[u8]>>) -> Page {
        let bytes: Arc<[u8]> = bytes.into();
        Page { path: path.into(), hash: page_hash(&bytes), len: bytes.len() as u64, bytes: Some(bytes) }
    }

    /// Its bytes, unless it is a page a watch session remembers only by
    /// hash ([`Page::remembered`]).
    pub fn bytes(&self) -> Option<&[u8]> {
        self.bytes.as_deref()
    }

    /// The same page at another path (a team member's page, under its
    /// folder).
    pub fn moved_to(self, path: impl Into<Arc<str>>) -> Page {
        Page { path: path.into(), ..self }
    }

    /// The page as a watch session remembers it once written: its path,
    /// hash and length, without the bytes.
    pub(crate) fn remembered(&self) -> Page {
        Page { path: self.path.clone(), bytes: None, hash: self.hash, len: self.len }
    }
}

/// The same path and the same bytes, told by hash and length when either
/// page is only [`Page::remembered`].
impl PartialEq for Page {
    fn eq(&self, other: &Page) -> bool {
        self.path == other.path
            && self.hash == other.hash
            && self.len == other.len
            && match (&self.bytes, &other.bytes) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}

/// A 64-bit hash of a page's bytes, eight bytes at a time (the FxHash
/// step): stable across Rust versions (the output marker outlives the
/// binary), fast on megabytes of HTML, and plenty, with the length, to tell
/// a page from its previous version.
pub fn page_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("eight bytes"));
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h
}

/// The built-in templates, by name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("components.html", include_str!("../../templates/components.html")),
    ("charts.html", include_str!("../../templates/charts.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("activity.html", include_str!("../../templates/activity.html")),
    ("attitude.html", include_str!("../../templates/attitude.html")),
    ("commitments.html", include_str!("../../templates/commitments.html")),
    ("pipeline.html", include_str!("../../templates/pipeline.html")),
    ("deal.html", include_str!("../../templates/deal.html")),
    ("data.html", include_str!("../../templates/data.html")),
    ("notes.html", include_str!("../../templates/notes.html")),
    ("note.html", include_str!("../../templates/note.html")),
    ("week.html", include_str!("../../templates/week.html")),
];

/// The one stylesheet, written to the output as `style.css`.
pub const STYLESHEET: &str = include_str!("../../templates/style.css");
pub const STYLESHEET_NAME: &str = "style.css";

/// The largest template (or stylesheet) override read: the built-in ones
/// are a few KB each.
pub const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// A page as last rendered: a fingerprint of its view (and frame), the
/// inputs the view was built from when its kind can tell them (see
/// [`inputs`]), and the page, by hash only ([`Page::remembered`]: at 100
/// years the bytes of every page were 250 MB of a session's 420).
struct Memo {
    key: Option<u64>,
    inputs: Option<inputs::Inputs>,
    page: Page,
    /// The render that last used it: older ones are of pages the site no
    /// longer has (a note deleted or renamed), and are forgotten.
    seen: u64,
}

/// Templates parsed once, ready to render any number of sites.
pub struct Renderer {
    /// The compiled templates: the built-in set is compiled once per
    /// process and shared ([`Renderer::builtin_tera`]), so a team of fifty journals
    /// without overrides holds one copy (about 0.8 MB and 10 million
    /// instructions each), not fifty.
    tera: Arc<Tera>,
    /// `style.css`: the built-in one, or the journal's override.
    stylesheet: std::borrow::Cow<'static, str>,
    /// Every page rendered before, by path. A watch session keeps one
    /// Renderer, so after a save a note, week or deal page whose inputs
    /// are unchanged is skipped outright, and any other page whose view is
    /// unchanged skips tera (the costliest step).
    memo: Mutex<HashMap<String, Memo>>,
    /// Counts renders, for [`Memo::seen`].
    generation: std::sync::atomic::AtomicU64,
    /// The configuration the memos were made with: a new one empties them.
    config: Mutex<Option<Config>>,
    /// The links and note links of the last site (a watch session's).
    links: Mutex<Option<LinkCache>>,
    /// What the tracked pages of the last render read besides their own
    /// notes, to tell which pages the next one must look at ([`dirty`]).
    facts: Mutex<Option<dirty::Facts>>,
    /// What the last render no longer needs, to free once its pages are
    /// written ([`Renderer::free_garbage`]).
    garbage: Mutex<Vec<Box<dyn Send>>>,
    /// How many tracked pages the last render looked at (its inputs
    /// gathered, or rendered): what [`dirty`] saves, for the tests.
    looked_at: std::sync::atomic::AtomicUsize,
    /// Whether to fill and use `memo` and `bodies`: worth it only for a
    /// renderer that renders again (watch), not for a one-shot build, whose
    /// memory it would double.
    memoize: bool,
    /// Note bodies rendered to HTML before, by a fingerprint of their text
    /// and of what their links resolve against.
    bodies: BodyCache,
    /// The journal's files that replaced or added to the built-in ones.
    pub overrides: Vec<String>,
    /// The team whose site this journal's pages are part of (rendered under
    /// `members/<slug>/`): every page links back to it.
    team: Option<String>,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer").field("overrides", &self.overrides).finish_non_exhaustive()
    }
}

impl Renderer {
    /// The built-in templates only.
    pub fn builtin() -> Result<Renderer> {
        Renderer::with(Vec::new(), None)
    }

    /// The built-in templates, with the journal's `templates/*.html` and
    /// `templates/style.css` overriding (or adding to) them.
    pub fn for_journal(root: &Path) -> Result<Renderer> {
        let dir = root.join("templates");
        let mut extra = Vec::new();
        let mut stylesheet = None;
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Renderer::builtin(),
            Err(e) => return Err(Error::io(&dir, e)),
        };
        let mut names: Vec<(String, std::path::PathBuf)> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
            .filter_map(|e| e.file_name().to_str().map(|n| (n.to_string(), e.path())))
            .filter(|(n, _)| (n.ends_with(".html") || n == STYLESHEET_NAME) && !n.starts_with('.'))
            .collect();
        names.sort();
        for (name, path) in names {
            // The rules notes get: a regular file inside the journal, of a
            // bounded size (a pipe would hang the build, a link to
            // /etc/passwd would publish it).
            let refused = |message: String| Error::Template { name: format!("templates/{name}"), message };
            let bytes = match crate::source::discover::read_journal_file(root, &path, MAX_TEMPLATE_BYTES) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => continue, // gone since the folder was listed
                Err(why) => return Err(refused(format!("not read: {why}"))),
            };
            let text = String::from_utf8(bytes).map_err(|_| refused("not read: it is not valid UTF-8".into()))?;
            if name == STYLESHEET_NAME {
                stylesheet = Some(text);
            } else {
                extra.push((name, text));
            }
        }
        Renderer::with(extra, stylesheet)
    }

    fn with(extra: Vec<(String, String)>, stylesheet: Option<String>) -> Result<Renderer> {
        let tera = if extra.is_empty() { Renderer::builtin_tera()? } else { Arc::new(Renderer::compile(&extra)?) };
        let mut overrides: Vec<String> = extra.iter().map(|(n, _)| format!("templates/{n}")).collect();
        if stylesheet.is_some() {
            overrides.push(format!("templates/{STYLESHEET_NAME}"));
        }
        Ok(Renderer {
            tera,
            stylesheet: stylesheet.map_or(std::borrow::Cow::Borrowed(STYLESHEET), std::borrow::Cow::Owned),
            memo: Mutex::new(HashMap::default()),
            generation: std::sync::atomic::AtomicU64::new(0),
            memoize: false,
            config: Mutex::new(None),
            links: Mutex::new(None),
            facts: Mutex::new(None),
            garbage: Mutex::new(Vec::new()),
            looked_at: std::sync::atomic::AtomicUsize::new(0),
            bodies: BodyCache::default(),
            overrides,
            team: None,
        })
    }

    /// The built-in templates, compiled once per process: they never change,
    /// and every renderer of a journal without overrides shares them.
    fn builtin_tera() -> Result<Arc<Tera>> {
        static BUILTIN: std::sync::OnceLock<Arc<Tera>> = std::sync::OnceLock::new();
        if let Some(tera) = BUILTIN.get() {
            return Ok(tera.clone());
        }
        let tera = Arc::new(Renderer::compile(&[])?);
        Ok(BUILTIN.get_or_init(|| tera).clone())
    }

    /// The built-in templates with `extra` (a journal's `templates/*.html`)
    /// replacing or adding to them, compiled; an error names the file.
    fn compile(extra: &[(String, String)]) -> Result<Tera> {
        let mut tera = engine();
        let overridden: HashSet<&str> = extra.iter().map(|(n, _)| n.as_str()).collect();
        let mut all: Vec<(&str, &str)> =
            TEMPLATES.iter().filter(|(name, _)| !overridden.contains(name)).map(|(n, t)| (*n, *t)).collect();
        all.extend(extra.iter().map(|(n, t)| (n.as_str(), t.as_str())));
        tera.add_raw_templates(all).map_err(|e| {
            // Name the file: the journal's own when it overrides one.
            let name = match e.kind() {
                tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => r.filename().to_string(),
                _ => String::new(),
            };
            let name = if overridden.contains(name.as_str()) {
                format!("templates/{name}")
            } else if name.is_empty() {
                "(templates)".to_string()
            } else {
                name
            };
            template_error(&name, &e)
        })?;
        Ok(tera)
    }

    /// This renderer, remembering what it renders so that rendering again
    /// skips unchanged pages (for a watch session).
    pub fn memoizing(mut self) -> Renderer {
        self.memoize = true;
        self
    }

    /// This renderer, for a member's pages inside the site of team `name`
    /// (two folders below the team's root: `members/<slug>/`).
    pub fn in_team(mut self, name: &str) -> Renderer {
        self.team = Some(name.to_string());
        self
    }

    /// Every page of the site for `ws` as of `as_of`, sorted by path. Fails
    /// only on a template error (which names the template and line).
    pub fn render_site(&self, ws: &Workspace, as_of: NaiveDate) -> Result<Vec<Page>> {
        self.render_site_checked(ws, as_of).map(|(pages, _)| pages)
    }

    /// [`Renderer::render_site`], with the journal's problems it showed (so
    /// neither a build nor a watch session gathers them twice).
    pub fn render_site_checked(&self, ws: &Workspace, as_of: NaiveDate) -> Result<(Vec<Page>, Vec<Diagnostic>)> {
        let rendered = self.with_site(ws, as_of, |site| self.render(site));
        self.free_garbage();
        rendered
    }

    /// [`Renderer::render_site_checked`], handing each page to `each` as
    /// soon as it is rendered instead of keeping them all (a build writes
    /// each and lets it go); gives what `each` gave, one per page. Call
    /// [`Renderer::free_garbage`] once they are written.
    pub fn render_site_each<T: Send>(
        &self,
        ws: &Workspace,
        as_of: NaiveDate,
        each: &(dyn Fn(Page) -> Result<T> + Sync),
    ) -> Result<(Vec<T>, Vec<Diagnostic>)> {
        self.with_site(ws, as_of, |site| self.render_each(site, each))
    }

    /// The [`Site`] of `ws` as of `as_of`, given to `render`, and the
    /// journal's problems.
    fn with_site<R>(
        &self,
        ws: &Workspace,
        as_of: NaiveDate,
        render: impl FnOnce(&Site<'_>) -> Result<R>,
    ) -> Result<(R, Vec<Diagnostic>)> {
        self.free_garbage();
        let all_notes = ws.sorted_notes();
        // A watch session's last render ([`dirty`]): its journal, when no
        // one else holds it, is this one's after a save the fold reads the
        // same ([`Journal::refolded`]).
        let mut before = if self.memoize { self.last_render(ws) } else { None };
        let last = before.as_mut().and_then(|b| b.take_journal());
        let had_last = last.is_some();
        let last_days = before.as_mut().and_then(|b| b.take_days());
        let before_notes = before.as_ref().map_or(&[][..], |b| b.notes());
        let ((journal, diagnostics, unused), days) = rayon::join(
            || ws.journal_and_diagnostics_reusing(as_of, last.map(|j| (j, before_notes))),
            || match last_days.map(|days| days.recounted(before_notes, all_notes, as_of)) {
                Some(Ok(days)) => {
                    debug_assert!(days == Days::of(all_notes, as_of, &ws.config), "recounted days differ");
                    days
                }
                unused => {
                    if let Some(Err(old)) = unused {
                        self.free_later(Box::new(old));
                    }
                    Days::of(all_notes, as_of, &ws.config)
                }
            },
        );
        // The journal kept: so are the indexes over its notes, deals and
        // commitments.
        let kept = had_last && unused.is_none();
        if let Some(b) = before.as_mut() {
            b.put_journal(unused.map(Arc::new));
        }
        let indexes = before.as_mut().filter(|_| kept).and_then(|b| b.take_indexes());
        debug_assert!(indexes.as_ref().is_none_or(|i| *i == Indexes::of(&journal, all_notes)), "kept indexes differ");
        // The next render's `dirty` starts from it.
        *lock(&self.facts) = before;
        // Shared: a watch session keeps it for the next render.
        let journal = Arc::new(journal);
        let figures = ws.with_timeliness(analyse::analyse_days(&journal, &ws.config, Tally::of(&diagnostics), &days));
        let links = if self.memoize {
            Links::made(all_notes, &journal, &mut lock(&self.links))
        } else {
            Links::of(all_notes, &journal)
        };
        let mut site = Site::new(&ws.config, &journal, all_notes, &figures, &days, &diagnostics, links, indexes);
        site.timeliness = ws.timeliness();
        site.history_note = ws.history_note();
        if self.memoize {
            site.bodies = Some(&self.bodies);
            // Every save of a note adds a body; a long session forgets them
            // all once there are twice as many as notes (they are only a
            // cache: the next render makes the ones it needs again).
            let mut bodies = lock(&self.bodies.0);
            if bodies.len() > 2 * all_notes.len() + 64 {
                bodies.clear();
            }
            drop(bodies);
        }
        let rendered = render(&site)?;
        let indexes = site.into_indexes();
        // The journal (unless a watch session's facts keep it, with the
        // indexes and the days, for the next render), the days and the
        // figures took a watch session 10–18 ms to free at 100 years: they
        // are freed once the pages are in place.
        match lock(&self.facts).as_mut() {
            Some(facts) => {
                facts.keep(indexes, days);
                drop(journal);
                self.free_later(Box::new(figures));
            }
            None => self.free_later(Box::new((journal, days, figures, indexes))),
        }
        Ok((rendered, diagnostics))
    }

    /// A watch session's last render, taken, unless the configuration
    /// changed since (then every memo is forgotten too).
    fn last_render(&self, ws: &Workspace) -> Option<dirty::Facts> {
        let mut config = lock(&self.config);
        if config.as_ref() != Some(&ws.config) {
            lock(&self.memo).clear();
            *lock(&self.facts) = None;
            *config = Some(ws.config.clone());
        }
        drop(config);
        lock(&self.facts).take()
    }

    /// Forget every page this renderer remembers, so the next render makes
    /// each one afresh, bytes and all: a watch session's output folder
    /// wants a page written again that it holds by hash only
    /// ([`Error::Forgotten`]).
    pub fn forget_pages(&self) {
        lock(&self.memo).clear();
        *lock(&self.facts) = None;
    }

    /// Keep `value` for [`Renderer::free_garbage`].
    fn free_later(&self, value: Box<dyn Send>) {
        lock(&self.garbage).push(value);
    }

    /// Free what the last render left, on a thread of its own. Called once
    /// its pages are in place: freeing tens of megabytes meanwhile (its
    /// `madvise`s and page faults) made a 100-year save's seven renames
    /// take 6–7 ms instead of 1.3. A render frees what an earlier one left
    /// if nobody did.
    pub fn free_garbage(&self) {
        let garbage = std::mem::take(&mut *lock(&self.garbage));
        if !garbage.is_empty() {
            // With no thread to be had, the spawn drops it here, only later.
            let _ = std::thread::Builder::new().name("saleslog-free".into()).spawn(move || drop(garbage));
        }
    }

    /// Render every page of `site`, in parallel, sorted by path.
    pub fn render(&self, site: &Site<'_>) -> Result<Vec<Page>> {
        let mut pages = self.render_each(site, &Ok)?;
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(pages)
    }

    /// Render every page of `site`, in parallel, handing each to `each` as
    /// soon as it is made; gives what `each` gave, one per page (collected
    /// by each thread, not pushed into one list under a lock: 38,700
    /// pushes after a 100-year save were a tenth of its rebuild).
    pub fn render_each<T: Send>(&self, site: &Site<'_>, each: &(dyn Fn(Page) -> Result<T> + Sync)) -> Result<Vec<T>> {
        let mut jobs = vec![
            Job::Dashboard,
            Job::Activity,
            Job::Attitude,
            Job::Commitments,
            Job::Pipeline,
            Job::Data,
            Job::Stylesheet,
        ];
        jobs.extend(site.indexes.years.iter().copied().map(Job::NotesIndex));
        if site.indexes.years.is_empty() {
            jobs.push(Job::NotesIndex(site.indexes.index_year));
        }
        let few = jobs.len();
        jobs.extend((0..site.all_notes.len()).map(Job::Note));
        jobs.extend(site.indexes.weeks.iter().copied().map(Job::Week));
        jobs.extend((0..site.journal.deals.len()).map(Job::Deal));
        // The few aggregate pages cost the most each: one task apiece, so
        // the other thread can take them while the many small pages run.
        let (few, many) = jobs.split_at(few);
        // A watch session's last render, and the pages it leaves to look
        // at: the others are taken as that render made them ([`dirty`]).
        let before = if self.memoize { lock(&self.facts).take() } else { None };
        self.looked_at.store(0, std::sync::atomic::Ordering::Relaxed);
        let problems = self.memoize.then(|| dirty::problems(site));
        let since =
            before.as_ref().zip(problems.as_ref()).and_then(|(b, now)| Some((b, b.dirty(site, jobs.len(), now)?)));
        let kept: Vec<std::sync::OnceLock<Page>> =
            if self.memoize { (0..jobs.len()).map(|_| std::sync::OnceLock::new()).collect() } else { Vec::new() };
        let render = |(j, job): (usize, &Job)| {
            let page = match &since {
                Some((before, dirty)) if dirty.leaves(job) => {
                    let page = before.page(j).clone();
                    debug_assert_eq!(
                        self.render_job(site, job).ok().as_ref(),
                        Some(&page),
                        "{} taken as unchanged",
                        page.path
                    );
                    page
                }
                _ => {
                    if job.is_tracked() {
                        self.looked_at.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    self.render_job(site, job)?
                }
            };
            if let Some(slot) = kept.get(j) {
                let _ = slot.set(page.remembered());
            }
            each(page)
        };
        // Each job's outcome goes to its own slot of one list made to size:
        // rayon's `collect::<Result<Vec<_>>>` cannot know how many will
        // succeed, so it gathers pieces and copies them into one list at the
        // end, twice the list at the moment of a 100-year build's peak.
        let mut slots: Vec<Option<T>> = (0..jobs.len()).map(|_| None).collect();
        let failed = Mutex::new(None);
        let fill = |(slot, (j, job)): (&mut Option<T>, (usize, &Job))| {
            if lock(&failed).is_some() {
                return;
            }
            match render((j, job)) {
                Ok(made) => *slot = Some(made),
                Err(e) => {
                    lock(&failed).get_or_insert(e);
                }
            }
        };
        let (few_slots, many_slots) = slots.split_at_mut(few.len());
        rayon::join(
            || few_slots.par_iter_mut().zip(few.par_iter().enumerate()).with_max_len(1).for_each(fill),
            || {
                many_slots
                    .par_iter_mut()
                    .zip(many.par_iter().enumerate().map(|(j, job)| (j + few.len(), job)))
                    .for_each(fill)
            },
        );
        if let Some(e) = failed.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner()) {
            return Err(e);
        }
        // In place: an `Option` of a page takes the room of the page.
        let made: Vec<T> =
            slots.into_iter().map(|slot| slot.expect("no job failed, so each filled its slot")).collect();
        let generation = self.generation.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if since.is_none() {
            // A page the site no longer has is forgotten. After a render
            // that took pages as they were, the site has the same pages
            // (the same epoch), and the memos it did not look at are kept.
            lock(&self.memo).retain(|_, memo| memo.seen == generation);
        }
        if let Some(problems) = problems {
            let pages = kept.into_iter().map(|slot| slot.into_inner().expect("every job made its page")).collect();
            *lock(&self.facts) = Some(dirty::Facts::new(site, problems, pages));
            // The render before (its journal above all) is freed later.
            self.free_later(Box::new(before));
        }
        Ok(made)
    }

    fn render_job(&self, site: &Site<'_>, job: &Job) -> Result<Page> {
        match job {
            Job::Stylesheet => Ok(Page::new(STYLESHEET_NAME, self.stylesheet.as_bytes())),
            Job::Dashboard => self.page(site, "index.html", "index.html", "", &dashboard::view(site)),
            Job::Activity => self.page(site, "activity.html", "activity.html", "Activity", &activity::view(site)),
            Job::Attitude => self.page(site, "attitude.html", "attitude.html", "Attitude", &attitude::view(site)),
            Job::Commitments => self.tracked(site, "commitments.html", (), inputs::commitments, |path| {
                self.page(site, "commitments.html", path, "Commitments", &commitments::view(site))
            }),
            Job::Pipeline => self.page(site, "pipeline.html", "pipeline.html", "Pipeline", &pipeline::view(site)),
            Job::Data => self.page(site, "data.html", "data.html", "Data", &data::view(site)),
            Job::NotesIndex(year) => self.tracked(site, &site.notes_index(*year), *year, inputs::notes_index, |path| {
                let title = if path == "notes.html" { "Notes".to_string() } else { format!("Notes of {year}") };
                self.page(site, "notes.html", path, &title, &notes::index_view(site, *year))
            }),
            Job::Note(i) => {
                self.tracked(site, site.links.note_page(&site.all_notes[*i].path), *i, inputs::note, |path| {
                    let view = notes::note_view(site, *i, &root_of(path));
                    self.page(site, "note.html", path, &view.title.clone(), &view)
                })
            }
            Job::Week(monday) => self.tracked(site, &Links::week_page(*monday), *monday, inputs::week, |path| {
                let view = notes::week_view(site, *monday);
                self.page(site, "week.html", path, &view.title.clone(), &view)
            }),
            Job::Deal(i) => {
                let deal = &site.journal.deals[*i];
                self.tracked(site, site.links.deal_page(&deal.id), *i, inputs::deal, |path| {
                    self.page(site, "deal.html", path, &deal.name, &pipeline::deal_view(site, *i))
                })
            }
        }
    }

    /// The number of the render under way.
    fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A page a watch session skips, view and all, when its inputs are
    /// those it was last rendered from (most pages, after one save).
    fn tracked<T: Copy>(
        &self,
        site: &Site<'_>,
        path: &str,
        page: T,
        gather: inputs::Gather<T>,
        render: impl FnOnce(&str) -> Result<Page>,
    ) -> Result<Page> {
        if !self.memoize {
            return render(path);
        }
        let key = inputs::Inputs::key(site, page, gather);
        if let Some(memo) = lock(&self.memo).get_mut(path) {
            if memo.inputs.as_ref().is_some_and(|i| i.key == key) {
                memo.seen = self.generation();
                return Ok(memo.page.clone());
            }
        }
        let rendered = render(path)?;
        if let Some(memo) = lock(&self.memo).get_mut(path).filter(|m| m.page == rendered) {
            memo.inputs = Some(inputs::Inputs::of(site, page, gather));
        }
        Ok(rendered)
    }

    /// `template` rendered within [`bound`]'s limits, its errors naming the
    /// journal's file when it is an override.
    fn render_bounded(&self, template: &str, context: &Context) -> Result<Arc<[u8]>> {
        let own = format!("templates/{template}");
        let name = if self.overrides.contains(&own) { own.as_str() } else { template };
        bound::render(&self.tera, template, name, context)
    }

    fn page<T: Serialize>(&self, site: &Site<'_>, template: &str, path: &str, title: &str, view: &T) -> Result<Page> {
        let mut frame = Frame::new(site, path, title, template);
        frame.team = self.team.as_deref();
        let key = if self.memoize { fingerprint(&(template, &frame, view)) } else { None };
        if let Some(key) = key {
            if let Some(memo) = lock(&self.memo).get_mut(path) {
                if memo.key == Some(key) {
                    memo.seen = self.generation();
                    return Ok(memo.page.clone());
                }
            }
        }
        let mut context = Context::new();
        context.insert("page", &frame);
        context.insert("view", view);
        let html = self.render_bounded(template, &context)?;
        let page = Page::new(path, html);
        if key.is_some() {
            let memo = Memo { key, inputs: None, page: page.remembered(), seen: self.generation() };
            lock(&self.memo).insert(path.to_string(), memo);
        }
        Ok(page)
    }
}

/// The links of the last site: kept while the set of notes and deals is the
/// same, and each note's link (its label may change) made again only when
/// that note changed.
struct LinkCache {
    /// [`Links::deals_key`] of the journal they were made from.
    deals_key: u64,
    links: Arc<Links>,
    /// The notes the links were made for, kept alive (so `Arc::ptr_eq`
    /// with a note of the next build means the same note).
    notes: Vec<Arc<Note>>,
    refs: Arc<Vec<NoteRef>>,
}

/// A mutex's data, even if a thread panicked holding it (the memos are
/// only ever whole entries, never half-written).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A hash of everything a page is rendered from, or `None` if it cannot be
/// serialized (then the page is always rendered).
pub(crate) fn fingerprint<T: Serialize>(data: &T) -> Option<u64> {
    struct HashWriter(foldhash::quality::FoldHasher<'static>);
    impl std::io::Write for HashWriter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            std::hash::Hasher::write(&mut self.0, buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut w = HashWriter(hasher());
    serde_json::to_writer(&mut w, data).ok()?;
    Some(std::hash::Hasher::finish(&w.0))
}

/// A fast, good-quality, seeded-by-constant hasher: fingerprints must be
/// the same for the same data within a process (they are never stored).
fn hasher() -> foldhash::quality::FoldHasher<'static> {
    use std::hash::BuildHasher;
    const STATE: foldhash::quality::FixedState = foldhash::quality::FixedState::with_seed(0x5a1e_5106);
    STATE.build_hasher()
}

/// A template error with its template, line and the chain of causes.
pub(crate) fn template_error(name: &str, e: &tera::Error) -> Error {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(&format!("\n  caused by: {s}"));
        source = s.source();
    }
    Error::Template { name: name.to_string(), message }
}

/// A tera set up as every saleslog page needs it, before its templates
/// are added: values escaped by [`escape`], and `range` bounded by the
/// render's deadline ([`bound::range`]). The journal's templates and the
/// team's are added to one of these each.
pub(crate) fn engine() -> Tera {
    let mut tera = Tera::new();
    tera.set_escape_fn(escape);
    tera.register_function("range", bound::range);
    tera
}

/// HTML escaping for every value a template prints, which also drops the
/// control characters XML forbids (so every page stays well-formed).
pub(crate) fn escape(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // Every byte to replace is ASCII, or the first of U+FFFE/U+FFFF
    // (EF BF BE, EF BF BF): scanning bytes is safe. Most of what a page
    // prints needs nothing replaced, so the scan skips ordinary bytes by
    // table and writes each clean run in one call.
    let bytes = input.as_bytes();
    let mut start = 0;
    let mut i = 0;
    loop {
        // Eight bytes at a time while they are plain ASCII with nothing to
        // replace, then byte by byte up to the next eight.
        loop {
            while let Some(chunk) = bytes.get(i..i + 8) {
                if needs_a_look(u64::from_le_bytes(chunk.try_into().expect("eight bytes"))) {
                    break;
                }
                i += 8;
            }
            let end = (i + 8).min(bytes.len());
            while i < end && !NEEDS_A_LOOK[bytes[i] as usize] {
                i += 1;
            }
            if i < end || i == bytes.len() {
                break;
            }
        }
        if i == bytes.len() {
            break;
        }
        let (rep, len): (&[u8], usize) = match bytes[i] {
            b'&' => (b"&amp;", 1),
            b'<' => (b"&lt;", 1),
            b'>' => (b"&gt;", 1),
            b'"' => (b"&quot;", 1),
            b'\'' => (b"&#39;", 1),
            0xEF if bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) => (b"", 3),
            0xEF => {
                i += 1;
                continue;
            }
            // The control characters other than tab, newline and return.
            _ => (b"", 1),
        };
        out.write_all(&bytes[start..i])?;
        out.write_all(rep)?;
        i += len;
        start = i;
    }
    out.write_all(&bytes[start..])
}

/// Whether eight bytes (little-endian) may hold one [`escape`] stops at:
/// a control character, a non-ASCII byte (0xEF among them), or one of the
/// five specials. Never a false "no"; a "yes" only sends the eight bytes
/// through the table.
fn needs_a_look(v: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte below 0x20 (for bytes below 0x80: the others are caught by
    // their high bit), or equal to `c`, leaves its high bit set here.
    let below_space = v.wrapping_sub(ONES * 0x20) & !v;
    let zero_of = |c: u8| {
        let x = v ^ (ONES * c as u64);
        x.wrapping_sub(ONES) & !x
    };
    (below_space | v | zero_of(b'&') | zero_of(b'<') | zero_of(b'>') | zero_of(b'"') | zero_of(b'\'')) & HIGH != 0
}

/// The bytes [`escape`] stops at: the five HTML specials, the control
/// characters XML forbids, and 0xEF (which may start U+FFFE or U+FFFF).
static NEEDS_A_LOOK: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 32 {
        table[b] = !matches!(b as u8, b'\t' | b'\n' | b'\r');
        b += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table[0xEF] = true;
    table
};

impl Job {
    /// Whether its page goes through [`Renderer::tracked`] (its inputs
    /// gathered before its view is built); the others are always built.
    fn is_tracked(&self) -> bool {
        matches!(self, Job::Commitments | Job::NotesIndex(_) | Job::Note(_) | Job::Week(_) | Job::Deal(_))
    }
}

enum Job {
    Dashboard,
    Activity,
    Attitude,
    Commitments,
    Pipeline,
    Data,
    /// The notes of one ISO year.
    NotesIndex(i32),
    Stylesheet,
    Note(usize),
    Week(NaiveDate),
    Deal(usize),
}

/// What every page's layout needs: title, the way back to the site root
/// (pages work from `file://`, so every link is relative), which section
/// is current, and the as-of date.
#[derive(Debug, Serialize)]
struct Frame<'a> {
    title: String,
    root: String,
    section: &'static str,
    /// The template's name without `.html`, for per-page styles.
    kind: String,
    name: &'a str,
    as_of: String,
    as_of_iso: String,
    errors: usize,
    warnings: usize,
    /// The team's name, when the journal's pages are part of a team site.
    team: Option<&'a str>,
}

impl<'a> Frame<'a> {
    fn new(site: &'a Site<'_>, path: &str, title: &str, template: &str) -> Frame<'a> {
        let section = match template {
            "index.html" => "dashboard",
            "activity.html" => "activity",
            "attitude.html" => "attitude",
            "commitments.html" => "commitments",
            "pipeline.html" | "deal.html" => "pipeline",
            "data.html" => "data",
            _ => "notes",
        };
        Frame {
            title: title.to_string(),
            root: root_of(path),
            section,
            kind: template.trim_end_matches(".html").to_string(),
            name: &site.config.name,
            as_of: format::date_long(site.as_of),
            as_of_iso: format::iso(site.as_of),
            errors: site.tally.errors,
            warnings: site.tally.warnings,
            team: None,
        }
    }
}

/// `../` once per folder in `path`.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// Everything the pages share, computed once per build.
pub struct Site<'a> {
    pub config: &'a Config,
    /// The journal as of the report date.
    pub journal: &'a Arc<Journal>,
    /// Every dated note, later ones included (they get pages too), in
    /// (date, path) order.
    pub all_notes: &'a [Arc<Note>],
    pub figures: &'a Figures,
    pub days: &'a Days,
    pub diagnostics: &'a [Diagnostic],
    pub tally: Tally,
    pub as_of: NaiveDate,
    pub links: Arc<Links>,
    /// Deal id → index into `journal.deals`.
    pub deal_index: &'a HashMap<String, usize>,
    /// Commitment id → index into `journal.commitments`.
    pub commitment_index: &'a HashMap<Arc<str>, usize>,
    /// The weeks, years and per-week lists, kept from render to render.
    pub indexes: Indexes,
    /// A link to each of `all_notes`, made once.
    pub note_refs: Arc<Vec<NoteRef>>,
    /// File → indexes into `diagnostics`.
    pub diagnostics_by_file: HashMap<&'a str, Vec<usize>>,
    /// Rendered note bodies kept between builds (a watch session's).
    pub bodies: Option<&'a BodyCache>,
    /// SPEC §8: the notes judged against the git history, when read.
    pub timeliness: Option<Arc<crate::analyse::timeliness::Timeliness>>,
    /// Why there is no history (not a work tree, `git: false`, git failed).
    pub history_note: Option<String>,
    /// A hash of what every page depends on besides its own inputs (see
    /// [`inputs`]): the report date, the problem counts, the set of notes
    /// and of deals (which links point to), the first note's date and whether the report date has
    /// a note (elapsed workdays), the journal's name.
    pub epoch: u64,
}

/// Note bodies rendered before: fingerprint → HTML.
#[derive(Default)]
pub struct BodyCache(Mutex<HashMap<u64, Arc<str>>>);

impl Site<'_> {
    /// A note body as HTML, from the cache when the same text was rendered
    /// against the same set of notes before.
    pub fn markdown(&self, body: &str, root: &str, dir: &str, resolve: &dyn Fn(&str) -> Option<String>) -> String {
        let Some(cache) = self.bodies else { return markdown::to_html(body, root, resolve) };
        let key = {
            let mut h = hasher();
            (self.indexes.notes_key, root, dir, body).hash(&mut h);
            h.finish()
        };
        if let Some(html) = lock(&cache.0).get(&key) {
            return html.to_string();
        }
        let html = markdown::to_html(body, root, resolve);
        lock(&cache.0).insert(key, Arc::from(html.as_str()));
        html
    }
}

/// The links of a site and a link to each of its notes ([`Links::of`], or
/// kept from a previous build by [`Links::made`]).
pub type SiteLinks = (Arc<Links>, Arc<Vec<NoteRef>>);

/// The site's indexes over every note, commitment and deal: made again
/// only when the journal was folded again (a watch session keeps them
/// with its last render otherwise: the notes, deals and commitments they
/// index are then the same).
#[derive(Debug, PartialEq)]
pub struct Indexes {
    /// Mondays of the weeks that get a weekly review, oldest first.
    pub weeks: Vec<NaiveDate>,
    /// The ISO years of the notes, oldest first (each has an index page).
    pub years: Vec<i32>,
    /// The year whose index is `notes.html`: the report date's, or the
    /// latest before it.
    pub index_year: i32,
    /// Monday → the commitments made, done or due that week, so a weekly
    /// review looks at its own (indexes into `journal.commitments`).
    pub week_commitments: HashMap<NaiveDate, Vec<usize>>,
    /// Monday → the deals whose stage or close date changed that week.
    pub week_deals: HashMap<NaiveDate, Vec<usize>>,
    /// A fingerprint of the set of notes (paths and dates), which
    /// note-to-note links resolve against.
    pub notes_key: u64,
    /// A fingerprint of the deals' ids, in order.
    pub deals_key: u64,
}

impl Indexes {
    /// The indexes of `journal` and `all_notes`: two halves, each a pass
    /// over every note, commitment or deal, side by side.
    pub fn of(journal: &Journal, all_notes: &[Arc<Note>]) -> Indexes {
        let as_of = journal.as_of;
        let weeks_of = || {
            let mut weeks: Vec<NaiveDate> =
                journal.notes.iter().map(|n| analyse::calendar::week_start(n.date)).collect();
            if !journal.notes.is_empty() {
                weeks.push(analyse::calendar::week_start(as_of));
            }
            weeks.dedup();
            weeks.sort();
            weeks.dedup();
            let monday = analyse::calendar::week_start;
            let mut week_commitments: HashMap<NaiveDate, Vec<usize>> = HashMap::default();
            for (i, c) in journal.commitments.iter().enumerate() {
                let mut mondays = [Some(c.made_on), c.done, c.counting_due].map(|x| x.map(monday));
                mondays.sort();
                for (k, m) in mondays.iter().enumerate() {
                    if let Some(m) = *m {
                        if k == 0 || mondays[k - 1] != Some(m) {
                            week_commitments.entry(m).or_default().push(i);
                        }
                    }
                }
            }
            let mut week_deals: HashMap<NaiveDate, Vec<usize>> = HashMap::default();
            for (i, d) in journal.deals.iter().enumerate() {
                let mut mondays: Vec<NaiveDate> = d
                    .history
                    .iter()
                    .map(|h| h.date)
                    .chain(d.close_history.iter().map(|c| c.date))
                    .map(monday)
                    .collect();
                mondays.sort();
                mondays.dedup();
                for m in mondays {
                    week_deals.entry(m).or_default().push(i);
                }
            }
            (weeks, week_commitments, week_deals)
        };
        let the_rest = || {
            debug_assert!(journal.notes.iter().zip(all_notes).all(|(a, b)| a.path == b.path));
            let mut years: Vec<i32> = all_notes.iter().map(|n| n.date.iso_week().year()).collect();
            years.dedup();
            let this_year = as_of.iso_week().year();
            let index_year = years.iter().copied().rfind(|&y| y <= this_year).or(years.last().copied());
            let notes_key = {
                let mut h = hasher();
                for n in all_notes {
                    (&n.path, n.date).hash(&mut h);
                }
                h.finish()
            };
            let deals_key = {
                let mut h = hasher();
                for d in &journal.deals {
                    d.id.hash(&mut h);
                }
                h.finish()
            };
            (years, index_year.unwrap_or(this_year), notes_key, deals_key)
        };
        let ((weeks, week_commitments, week_deals), (years, index_year, notes_key, deals_key)) =
            rayon::join(weeks_of, the_rest);
        Indexes { weeks, years, index_year, week_commitments, week_deals, notes_key, deals_key }
    }
}

impl<'a> Site<'a> {
    /// The site; `indexes`, when given, are [`Indexes::of`] `journal` and
    /// `all_notes`, kept from the last render.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        config: &'a Config,
        journal: &'a Arc<Journal>,
        all_notes: &'a [Arc<Note>],
        figures: &'a Figures,
        days: &'a Days,
        diagnostics: &'a [Diagnostic],
        (links, note_refs): SiteLinks,
        indexes: Option<Indexes>,
    ) -> Site<'a> {
        let as_of = journal.as_of;
        let indexes = indexes.unwrap_or_else(|| Indexes::of(journal, all_notes));
        let mut diagnostics_by_file: HashMap<&str, Vec<usize>> = HashMap::default();
        for (i, d) in diagnostics.iter().enumerate() {
            diagnostics_by_file.entry(d.file.as_str()).or_default().push(i);
        }
        let tally = Tally::of(diagnostics);
        let epoch = {
            let mut h = hasher();
            (indexes.notes_key, indexes.deals_key, as_of, tally.errors, tally.warnings, &config.name).hash(&mut h);
            (days.first, days.days.contains_key(&as_of)).hash(&mut h);
            h.finish()
        };
        Site {
            config,
            journal,
            all_notes,
            figures,
            days,
            diagnostics,
            tally,
            as_of,
            links,
            deal_index: &journal.deal_index,
            commitment_index: &journal.commitment_index,
            note_refs,
            diagnostics_by_file,
            bodies: None,
            timeliness: None,
            history_note: None,
            indexes,
            epoch,
        }
    }

    /// Its indexes, for the next render to keep.
    pub fn into_indexes(self) -> Indexes {
        self.indexes
    }

    /// A link to `all_notes[index]` (the journal's notes are the first
    /// ones of the same order, so an index into `journal.notes` works too).
    pub fn note_ref(&self, index: usize) -> NoteRef {
        self.note_refs[index].clone()
    }

    /// The page of the first note of `date`, if the journal has one.
    pub fn first_note_href(&self, date: NaiveDate) -> Option<String> {
        let day = self.days.get(date)?;
        (!day.notes.is_empty()).then(|| self.note_refs[day.notes.start].href.to_string())
    }

    /// Diagnostics of one file.
    pub fn diagnostics_of<'s>(&'s self, rel: &str) -> impl Iterator<Item = &'s Diagnostic> + 's {
        self.diagnostics_by_file.get(rel).into_iter().flatten().map(|&i| &self.diagnostics[i])
    }

    /// The notes index page of ISO year `year`.
    pub fn notes_index(&self, year: i32) -> String {
        if year == self.indexes.index_year {
            "notes.html".to_string()
        } else {
            format!("notes-{year}.html")
        }
    }

    /// `all_notes[from..to]` are the notes of ISO year `year`.
    pub fn year_range(&self, year: i32) -> (usize, usize) {
        let from = self.all_notes.partition_point(|n| n.date.iso_week().year() < year);
        let to = self.all_notes.partition_point(|n| n.date.iso_week().year() <= year);
        (from, to)
    }

    /// Whether the week starting `monday` has a weekly review.
    pub fn has_week(&self, monday: NaiveDate) -> bool {
        self.indexes.weeks.binary_search(&monday).is_ok()
    }

    /// The weekly review's link, if the week has one.
    pub fn week_href(&self, monday: NaiveDate) -> Option<String> {
        self.has_week(monday).then(|| Links::week_page(monday))
    }
}

/// A link to a note, as most pages show one. Made once per note (see
/// [`Links::of`]) and cloned into every view that shows it: 110,000 times
/// in a 10-year journal's pages, so its text is shared, not copied (the
/// href with [`Links`]).
#[derive(Debug, Clone, Serialize, PartialEq, Hash)]
pub struct NoteRef {
    pub date: Arc<str>,
    pub date_iso: Arc<str>,
    pub label: Arc<str>,
    pub href: Arc<str>,
}

impl NoteRef {
    pub fn of(note: &Note, links: &Links) -> NoteRef {
        NoteRef {
            date: format::date_short(note.date).into(),
            date_iso: format::iso(note.date).into(),
            label: notes::note_label(note).into(),
            href: links.note_href(&note.path),
        }
    }
}

/// Where each note, deal and week lives in the output. Page names are
/// slugs (so a file named `<img src=x>.md` gets an ordinary page name),
/// made unique by a numeric suffix in a fixed order.
#[derive(Debug, Default)]
pub struct Links {
    notes: HashMap<String, Arc<str>>,
    deals: HashMap<String, String>,
    /// [`Links::inputs_key`] of what they were made from.
    inputs: u64,
}

impl Links {
    pub fn new(all_notes: &[Arc<Note>], journal: &Journal) -> Links {
        let mut taken = HashSet::default();
        let mut rels: Vec<&str> = all_notes.iter().map(|n| n.path.as_str()).collect();
        rels.sort_unstable();
        // The slugs side by side (they are most of the work: 27,000 at 100
        // years), then made unique in order.
        let slugged: Vec<String> = rels
            .par_iter()
            .map(|rel| {
                let stem = rel.strip_suffix(".md").unwrap_or(rel);
                let parts: Vec<String> = stem.split('/').map(|p| page_slug(p, "note")).collect();
                format!("notes/{}", parts.join("/"))
            })
            .collect();
        let notes = rels
            .into_iter()
            .zip(slugged)
            .map(|(rel, base)| (rel.to_string(), unique(&mut taken, &base).into()))
            .collect();
        let deals = journal
            .deals
            .iter()
            .map(|d| (d.id.clone(), unique(&mut taken, &format!("deals/{}", page_slug(&d.id, "deal")))))
            .collect();
        Links { notes, deals, inputs: Links::inputs_key(all_notes, journal) }
    }

    /// A hash of everything [`Links::new`] reads: the notes' paths and the
    /// deals' ids, each in order.
    fn inputs_key(all_notes: &[Arc<Note>], journal: &Journal) -> u64 {
        let mut h = hasher();
        for n in all_notes {
            n.path.hash(&mut h);
        }
        Links::deals_key(journal).hash(&mut h);
        h.finish()
    }

    /// Whether these are the links [`Links::new`] would make of
    /// `all_notes` and `journal` (a team session keeps a member's links
    /// across a save that adds no note and no deal).
    pub fn made_of(&self, all_notes: &[Arc<Note>], journal: &Journal) -> bool {
        self.inputs == Links::inputs_key(all_notes, journal)
    }

    /// The links of `all_notes` and `journal`'s deals, and a link to each
    /// note.
    pub fn of(all_notes: &[Arc<Note>], journal: &Journal) -> SiteLinks {
        let links = Links::new(all_notes, journal);
        let refs = all_notes.par_iter().map(|n| NoteRef::of(n, &links)).collect();
        (Arc::new(links), Arc::new(refs))
    }

    /// [`Links::of`], made from what the previous build left in `cache` when it can
    /// be: its links when the notes and deals are the same ones, and its
    /// note links for the notes that did not change. Leaves them in `cache`
    /// for the next build.
    fn made(all_notes: &[Arc<Note>], journal: &Journal, cache: &mut Option<LinkCache>) -> SiteLinks {
        let deals_key = Links::deals_key(journal);
        let (links, refs) = match cache.take() {
            // The same deals, and the same notes at the same places (a note
            // saved anew is another `Arc` with the same path): the same
            // links. Told by pointer first, so a save to a 100-year journal
            // does not read 27,000 paths again.
            Some(LinkCache { deals_key: k, links, notes, mut refs })
                if k == deals_key
                    && notes.len() == all_notes.len()
                    && notes.iter().zip(all_notes).all(|(a, b)| Arc::ptr_eq(a, b) || a.path == b.path) =>
            {
                let changed: Vec<usize> =
                    (0..notes.len()).filter(|&i| !Arc::ptr_eq(&notes[i], &all_notes[i])).collect();
                drop(notes);
                if !changed.is_empty() {
                    let refs = Arc::make_mut(&mut refs);
                    for i in changed {
                        refs[i] = NoteRef::of(&all_notes[i], &links);
                    }
                }
                (links, refs)
            }
            _ => Links::of(all_notes, journal),
        };
        *cache = Some(LinkCache { deals_key, links: links.clone(), notes: all_notes.to_vec(), refs: refs.clone() });
        (links, refs)
    }

    /// A hash of what [`Links::new`] reads of the deals: their ids, in
    /// order (the notes are compared one by one, see [`Links::made`]).
    pub fn deals_key(journal: &Journal) -> u64 {
        let mut h = hasher();
        for d in &journal.deals {
            d.id.hash(&mut h);
        }
        h.finish()
    }

    /// The page of a note, by its journal-relative path.
    pub fn note_page(&self, rel: &str) -> &str {
        self.notes.get(rel).map_or("notes.html", |page| page)
    }

    /// [`Links::note_page`], shared.
    fn note_href(&self, rel: &str) -> Arc<str> {
        self.notes.get(rel).cloned().unwrap_or_else(|| Arc::from("notes.html"))
    }

    pub fn has_note(&self, rel: &str) -> bool {
        self.notes.contains_key(rel)
    }

    pub fn deal_page(&self, id: &str) -> &str {
        self.deals.get(id).map_or("pipeline.html", String::as_str)
    }

    pub fn has_deal(&self, id: &str) -> bool {
        self.deals.contains_key(id)
    }

    /// The weekly review of the week starting on `monday`.
    pub fn week_page(monday: NaiveDate) -> String {
        let w = monday.iso_week();
        format!("weeks/{}-W{:02}.html", w.year(), w.week())
    }
}

/// The longest slug a page name (or a folder of pages) gets: a file
/// name holds 255 bytes, and a deal named at length or a note file named
/// with 250 letters would otherwise name a page no file system can create,
/// stopping the whole build. Cut slugs stay unique by [`unique`]'s suffix.
const MAX_PAGE_SLUG: usize = 100;

/// `slug(name)` as a page name: `fallback` when it has no letter or
/// digit, cut to [`MAX_PAGE_SLUG`] (slugs are ASCII, so bytes are
/// characters), never ending in a `-`.
fn page_slug(name: &str, fallback: &str) -> String {
    let mut s = slug(name);
    if s.len() > MAX_PAGE_SLUG {
        s.truncate(MAX_PAGE_SLUG);
        s.truncate(s.trim_end_matches('-').len());
    }
    if s.is_empty() {
        fallback.to_string()
    } else {
        s
    }
}

fn unique(taken: &mut HashSet<String>, base: &str) -> String {
    let mut candidate = format!("{base}.html");
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{base}-{n}.html");
        n += 1;
    }
    candidate
}

/// A labelled figure, as the stat rows of every page show them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Stat {
    pub label: String,
    pub value: String,
    pub note: String,
    pub class: String,
}

impl Stat {
    pub fn new(label: &str, value: impl Into<String>, note: impl Into<String>) -> Stat {
        Stat { label: label.into(), value: value.into(), note: note.into(), class: String::new() }
    }
    pub fn class(mut self, class: &str) -> Stat {
        self.class = class.into();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Write `text` to `rel` below `root`, its folders made.
    fn write_file(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A long-lived renderer (as in `watch`) must give exactly what a fresh
    /// one gives, whatever changed in between: the page memo and the body
    /// cache may only ever skip work, never change a byte.
    #[test]
    fn memoized_pages_equal_fresh_renders() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
        write("saleslog.yaml", "goals: {daily: {calls: 10}}\nquota: {amount: 1000}\n");
        write("2026-11-23.md", "---\nmood: 4\nactivity: {calls: 12}\ndeals:\n  - {name: Acme, stage: lead, amount: 500, next: call}\ncommitments:\n  - {id: a, what: Send deck, due: 2026-11-25}\n---\nSee [next](2026-11-24.md).\n");
        write("2026-11-24.md", "---\nmood: 3\nactivity: {calls: 8}\n---\n- [ ] Call Bob due:2026-11-26\n");
        // Far from the notes edited below (not a neighbour), but showing a
        // deal and a commitment they change.
        write("2026-11-16.md", "---\ndeals:\n  - {name: Beta, stage: lead}\ncommitments:\n  - {id: b, what: Call Beta, due: 2026-11-20}\n---\n");
        let mut ws = Workspace::load(dir.path()).unwrap();
        let kept = Renderer::builtin().unwrap().memoizing();
        let same = |ws: &Workspace, d: NaiveDate| {
            assert_eq!(kept.render_site(ws, d).unwrap(), Renderer::builtin().unwrap().render_site(ws, d).unwrap());
        };
        let d = |s: &str| crate::text::parse_date(s).unwrap();
        same(&ws, d("2026-11-24"));
        same(&ws, d("2026-11-27")); // another report date: statuses move
        write("2026-11-25.md", "---\ncommitments:\n  - {id: a, done: true}\ndeals:\n  - {id: acme, stage: won}\n---\n");
        ws.refresh().unwrap();
        same(&ws, d("2026-11-27")); // a later note changes earlier notes' pages
        std::fs::remove_file(dir.path().join("2026-11-24.md")).unwrap();
        ws.refresh().unwrap();
        same(&ws, d("2026-11-27")); // a link target vanished
        assert!(!lock(&kept.memo).contains_key("notes/2026-11-24.html"), "a deleted note's page is forgotten");
        assert!(lock(&kept.memo).contains_key("notes/2026-11-23.html"));
        // Edits of an existing note (same set of notes, so only what each
        // page shows of the journal can tell them apart).
        write(
            "2026-11-25.md",
            "---\ncommitments:\n  - {id: a, done: true}\ndeals:\n  - {id: beta, name: Beta Corporation}\n---\n",
        );
        ws.refresh().unwrap();
        same(&ws, d("2026-11-27")); // a later note renames a deal others mention
        write("2026-11-25.md", "---\ncommitments:\n  - {id: a, done: true}\n  - {id: b, done: true}\ndeals:\n  - {id: beta, name: Beta Corporation}\n---\n");
        ws.refresh().unwrap();
        same(&ws, d("2026-11-27")); // and changes a commitment's status
        write("2026-11-25.md", "---\nmood: 9\ncommitments:\n  - {id: a, done: true}\n---\n");
        ws.refresh().unwrap();
        same(&ws, d("2026-11-27")); // an error: every page's frame counts it
        write("2026-11-26.md", "---\ndate: 2026-11-20\n---\n");
        ws.refresh().unwrap();
        same(&ws, d("2026-11-27")); // a note moved in time: neighbours change
        same(&ws, d("2026-11-21")); // and back to an earlier report date
    }

    /// Links say whether they are made of the given notes and deals: an
    /// edit that adds no note and no deal keeps them (they are then the
    /// links [`Links::new`] makes), a new note, a new deal or deals met in
    /// another order do not.
    #[test]
    fn links_know_the_notes_and_deals_they_were_made_of() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
        write("2026-11-23.md", "---\ndeals:\n  - {name: Acme, stage: lead}\n---\n");
        write("2026-11-24.md", "---\ndeals:\n  - {name: Beta, stage: lead}\n---\n");
        let mut ws = Workspace::load(dir.path()).unwrap();
        let as_of = crate::text::parse_date("2026-11-27").unwrap();
        let links = Links::new(ws.sorted_notes(), &ws.journal(as_of));
        assert!(links.made_of(ws.sorted_notes(), &ws.journal(as_of)));
        let made_of_now = |ws: &Workspace| {
            let journal = ws.journal(as_of);
            let now = Links::new(ws.sorted_notes(), &journal);
            (links.made_of(ws.sorted_notes(), &journal), now)
        };
        // The same notes and deals, another mood and stage.
        write("2026-11-24.md", "---\nmood: 2\ndeals:\n  - {name: Beta, stage: won}\n---\n");
        ws.refresh().unwrap();
        let (kept, now) = made_of_now(&ws);
        assert!(kept, "an edit keeps them");
        assert_eq!((&now.notes, &now.deals), (&links.notes, &links.deals), "and they are the links made anew");
        // A new deal; the deals in another order; a new note.
        write("2026-11-24.md", "---\ndeals:\n  - {name: Beta, stage: won}\n  - {name: Gamma, stage: lead}\n---\n");
        ws.refresh().unwrap();
        assert!(!made_of_now(&ws).0, "a new deal");
        write("2026-11-23.md", "---\n---\n");
        write("2026-11-25.md", "---\ndeals:\n  - {name: Acme, stage: lead}\n---\n");
        ws.refresh().unwrap();
        assert!(!made_of_now(&ws).0, "a new note");
        // Acme met first, then Beta; then Beta first, then Acme.
        std::fs::remove_file(dir.path().join("2026-11-25.md")).unwrap();
        write("2026-11-22.md", "---\n---\n");
        write("2026-11-23.md", "---\ndeals:\n  - {name: Acme, stage: lead}\n---\n");
        write("2026-11-24.md", "---\ndeals:\n  - {name: Beta, stage: lead}\n---\n");
        ws.refresh().unwrap();
        let before = Links::new(ws.sorted_notes(), &ws.journal(as_of));
        write("2026-11-22.md", "---\ndeals:\n  - {name: Beta, stage: lead}\n---\n");
        ws.refresh().unwrap();
        let journal = ws.journal(as_of);
        assert_eq!(journal.deals.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["beta", "acme"]);
        assert!(!before.made_of(ws.sorted_notes(), &journal), "the deals met in another order");
    }

    /// After a save of one note, a watch session's render looks at the
    /// pages that show it, not at every note, week, deal and year page;
    /// after a change others show (a deal's new name), at all of them.
    #[test]
    fn a_save_looks_only_at_the_pages_it_can_change() {
        let dir = tempfile::tempdir().unwrap();
        let note = |day: u32, calls: u32, deal: &str| {
            format!("---\nmood: 4\nactivity: {{calls: {calls}}}\ndeals:\n  - {{id: acme, name: {deal}, stage: lead}}\n---\nDay {day}.\n")
        };
        let path = |day: u32| dir.path().join(format!("2026-10-{day:02}.md"));
        for day in 1..=28 {
            std::fs::write(path(day), note(day, day, "Acme")).unwrap();
        }
        let mut ws = Workspace::load(dir.path()).unwrap();
        let d = crate::text::parse_date("2026-10-28").unwrap();
        let kept = Renderer::builtin().unwrap().memoizing();
        let looked_at = || kept.looked_at.load(std::sync::atomic::Ordering::Relaxed);
        let pages = kept.render_site(&ws, d).unwrap();
        let tracked = looked_at();
        assert!(tracked > 28, "every note page, week, deal and year looked at first: {tracked}");
        let save = |ws: &mut Workspace, day: u32, text: String| {
            std::fs::write(path(day), text).unwrap();
            ws.refresh_known(&[std::path::absolute(path(day)).unwrap()]).expect("a known note");
        };
        save(&mut ws, 14, note(14, 99, "Acme"));
        let again = kept.render_site(&ws, d).unwrap();
        assert_eq!(again, Renderer::builtin().unwrap().render_site(&ws, d).unwrap());
        assert_ne!(again, pages);
        // The note and its two neighbours, its week, its year, its deal
        // (and the commitments page, always looked at).
        assert!(looked_at() <= 8, "looked at {} of {tracked}", looked_at());
        save(&mut ws, 28, note(28, 28, "Acme Corporation")); // the last mention names it
        assert_eq!(kept.render_site(&ws, d).unwrap(), Renderer::builtin().unwrap().render_site(&ws, d).unwrap());
        assert_eq!(looked_at(), tracked, "a renamed deal shows on every note that mentions it");
    }

    /// A site of the files `(path, text)` as of `as_of`, page by page.
    fn site_of(files: &[(&str, &str)], as_of: &str) -> BTreeMap<String, String> {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            std::fs::write(dir.path().join(rel), text).unwrap();
        }
        let ws = Workspace::load(dir.path()).unwrap();
        let pages = Renderer::builtin().unwrap().render_site(&ws, crate::text::parse_date(as_of).unwrap()).unwrap();
        pages
            .into_iter()
            .map(|p| {
                (
                    p.path.to_string(),
                    String::from_utf8(p.bytes().expect("a fresh render holds its bytes").to_vec()).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn the_notes_index_has_a_page_per_year() {
        let note = "---\nmood: 4\n---\n";
        let site = site_of(&[("2024-06-03.md", note), ("2026-11-23.md", note), ("2027-01-11.md", note)], "2026-11-27");
        // The report date's year is notes.html; the others have their own.
        let index = &site["notes.html"];
        assert!(index.contains("Notes of 2026") && index.contains("2026-11-23.html"), "{index}");
        assert!(!index.contains("notes/2024-06-03.html"), "another year's note on notes.html");
        assert!(index.contains(r#"href="notes-2024.html""#) && index.contains(r#"href="notes-2027.html""#));
        assert!(index.contains(r#"href="notes.html" aria-current="page">2026<"#), "{index}");
        let old = &site["notes-2024.html"];
        assert!(old.contains("notes/2024-06-03.html") && !old.contains("notes/2026-11-23.html"));
        assert!(old.contains(r#"href="notes-2024.html" aria-current="page">2024<"#));
        assert!(site["notes-2027.html"].contains("not counted yet"));
        // One year: one page, no list of years.
        let site = site_of(&[("2026-11-23.md", note)], "2026-11-27");
        assert!(!site.keys().any(|p| p.starts_with("notes-")));
        assert!(!site["notes.html"].contains(r#"aria-label="Years""#));
        // No notes at all: still an index.
        assert!(site_of(&[], "2026-11-27")["notes.html"].contains("No notes yet"));
    }

    #[test]
    fn the_people_ledger_leaves_out_only_old_settled_counterparts() {
        let site = site_of(
            &[
                (
                    "2024-01-08.md",
                    "---\ncommitments:\n  - {id: a, what: Old and done, to: Ada, due: 2024-01-10, done: 2024-01-09}\n  - {id: b, what: Old and open, to: Bob}\n---\n",
                ),
                ("2026-11-23.md", "---\ncommitments:\n  - {id: c, what: Recent, to: Cy, due: 2026-11-30}\n---\n"),
            ],
            "2026-11-27",
        );
        let page = &site["commitments.html"];
        let people = &page[page.find(r#"id="people""#).unwrap()..];
        assert!(people.contains(">Bob<") && people.contains(">Cy<"), "{people}");
        assert!(!people.contains(">Ada<"), "{people}");
        assert!(people.contains("1 more with only older, settled commitments"), "{people}");
        assert!(page.contains("to 3 people"), "the count is of everyone");
    }

    /// A long watch session does not keep every body it ever rendered.
    #[test]
    fn the_body_cache_stays_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2026-11-23.md");
        let kept = Renderer::builtin().unwrap().memoizing();
        let mut ws = Workspace::load(dir.path()).unwrap();
        let start = std::time::SystemTime::now();
        for save in 0..100u64 {
            std::fs::write(&path, format!("---\nmood: 4\n---\nSave number {save}.\n")).unwrap();
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(start + std::time::Duration::from_secs(save)).unwrap();
            ws.refresh().unwrap();
            let pages = kept.render_site(&ws, crate::text::parse_date("2026-11-27").unwrap()).unwrap();
            let page = pages.iter().find(|p| &*p.path == "notes/2026-11-23.html").unwrap();
            assert!(String::from_utf8_lossy(page.bytes().expect("a page made anew"))
                .contains(&format!("Save number {save}.")));
            assert!(lock(&kept.bodies.0).len() <= 2 + 64 + 1);
        }
    }

    #[test]
    fn escaping_covers_attributes_and_drops_controls() {
        let mut out = Vec::new();
        escape("<a href=\"x\" onerror='y'>&\u{1}\u{fffe}é\u{ffff}\t</a>", &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "&lt;a href=&quot;x&quot; onerror=&#39;y&#39;&gt;&amp;é\t&lt;/a&gt;"
        );
    }

    /// The table-driven scan replaces exactly what the rule says, char by
    /// char: the characters next to the replaced ones (U+FFFD and U+F000
    /// share their first byte with U+FFFE) come through untouched.
    #[test]
    fn escaping_matches_the_rule_char_by_char() {
        let rule = |s: &str| -> String {
            s.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    '\t' | '\n' | '\r' => c.to_string(),
                    c if (c as u32) < 32 || c == '\u{fffe}' || c == '\u{ffff}' => String::new(),
                    c => c.to_string(),
                })
                .collect()
        };
        let alphabet = [
            'a', '&', '<', '>', '"', '\'', '\t', '\n', '\u{0}', '\u{1f}', '\u{fffd}', '\u{fffe}', '\u{ffff}',
            '\u{f000}', 'é', ' ',
        ];
        for n in 0..4000u32 {
            // Every string of up to three letters, and longer ones mixed from them.
            let mut s = String::new();
            let mut k = n;
            loop {
                s.push(alphabet[(k % alphabet.len() as u32) as usize]);
                k /= alphabet.len() as u32;
                if k == 0 {
                    break;
                }
            }
            let s = s.repeat(1 + (n % 3) as usize);
            let mut out = Vec::new();
            escape(&s, &mut out).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), rule(&s), "{s:?}");
        }
    }

    /// The eight-at-a-time scan never passes over a byte the table stops
    /// at, wherever it sits in the eight, and a long run of plain text
    /// around one special is escaped as the rule says.
    #[test]
    fn the_eight_byte_scan_misses_nothing() {
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut chunk = [b'a'; 8];
                chunk[at] = b;
                let flagged = needs_a_look(u64::from_le_bytes(chunk));
                if NEEDS_A_LOOK[b as usize] || b >= 0x80 {
                    assert!(flagged, "byte {b:#x} at {at}");
                }
            }
        }
        assert!(!needs_a_look(u64::from_le_bytes(*b"plain 42")));
        for special in ['&', '<', '>', '"', '\'', '\u{1}', '\u{fffe}', 'é'] {
            for len in 1..40 {
                for at in 0..len {
                    let s: String = (0..len).map(|i| if i == at { special } else { 'a' }).collect();
                    let mut out = Vec::new();
                    escape(&s, &mut out).unwrap();
                    let want = match special {
                        '&' => s.replace('&', "&amp;"),
                        '<' => s.replace('<', "&lt;"),
                        '>' => s.replace('>', "&gt;"),
                        '"' => s.replace('"', "&quot;"),
                        '\'' => s.replace('\'', "&#39;"),
                        'é' => s.clone(),
                        c => s.replace(c, ""),
                    };
                    assert_eq!(String::from_utf8(out).unwrap(), want, "{s:?}");
                }
            }
        }
    }

    #[test]
    fn roots_climb_one_folder_per_slash() {
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("notes/2026/11/2026-11-27.html"), "../../../");
    }

    /// A name of any length gives a page name a file system can create,
    /// and two long names cut alike still get a page each.
    #[test]
    fn long_names_are_cut_to_a_page_name_that_fits() {
        let long = "D".repeat(300);
        assert_eq!(page_slug(&long, "deal"), "d".repeat(MAX_PAGE_SLUG));
        assert_eq!(page_slug(&format!("{} x", "a".repeat(99)), "deal"), "a".repeat(99), "no dash at the end");
        assert_eq!(page_slug("!!!", "deal"), "deal");
        let mut taken = HashSet::default();
        let first = unique(&mut taken, &format!("deals/{}", page_slug(&format!("{long}1"), "deal")));
        let second = unique(&mut taken, &format!("deals/{}", page_slug(&format!("{long}2"), "deal")));
        assert_ne!(first, second);
        assert!(second.len() - "deals/".len() < 255, "{second}");
    }

    #[test]
    fn page_names_are_slugs_made_unique() {
        let mut taken = HashSet::default();
        assert_eq!(unique(&mut taken, "notes/a"), "notes/a.html");
        assert_eq!(unique(&mut taken, "notes/a"), "notes/a-2.html");
        assert_eq!(unique(&mut taken, "notes/a"), "notes/a-3.html");
    }

    #[test]
    fn builtin_templates_parse() {
        Renderer::builtin().unwrap();
    }

    /// A team of journals without overrides holds the built-in templates
    /// once; a journal's own template is compiled for it alone, and the
    /// shared set stays as it was (the override shows only in its pages).
    #[test]
    fn renderers_share_the_builtin_templates_but_not_an_override() {
        let (plain, other) = (Renderer::builtin().unwrap(), Renderer::builtin().unwrap());
        assert!(Arc::ptr_eq(&plain.tera, &other.tera));
        let extra = vec![("note.html".to_string(), "OWN {{ view.date }}".to_string())];
        let own = Renderer::with(extra, Some("body {}".into())).unwrap();
        assert!(!Arc::ptr_eq(&plain.tera, &own.tera));
        assert_eq!(own.overrides, ["templates/note.html", "templates/style.css"]);
        assert_eq!(own.stylesheet, "body {}");
        assert_eq!(plain.stylesheet, STYLESHEET);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-journal");
        let ws = Workspace::load(&root).unwrap();
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let note_page = |r: &Renderer| {
            let pages = r.render_site(&ws, as_of).unwrap();
            let page = pages.into_iter().find(|p| p.path.starts_with("notes/") && p.path.ends_with(".html")).unwrap();
            String::from_utf8(page.bytes().unwrap().to_vec()).unwrap()
        };
        assert!(note_page(&own).starts_with("OWN "));
        assert!(note_page(&Renderer::builtin().unwrap()).starts_with("<!DOCTYPE html>"));
    }

    /// A one-shot build leaves each body in its file and reads it again for
    /// the note's page: every page is the one a build holding the bodies
    /// makes (the sample journal: headings, links, tasks, a day off).
    #[test]
    fn pages_are_the_same_with_bodies_left_in_their_files() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-journal");
        let d = crate::text::parse_date("2026-11-27").unwrap();
        let held = Workspace::load(&root).unwrap();
        let lean = Workspace::load_one_shot(&root).unwrap();
        assert!(lean.notes().iter().all(|n| matches!(n.body, crate::model::note::Body::InFile { .. })));
        let renderer = Renderer::builtin().unwrap();
        let (a, b) = (renderer.render_site(&held, d).unwrap(), renderer.render_site(&lean, d).unwrap());
        assert!(a.len() > 20);
        assert_eq!(a, b);
        // A build keeps a small journal's bodies (within its budget).
        let build = Workspace::load_for_build(&root).unwrap();
        assert!(build.notes().iter().all(|n| matches!(n.body, crate::model::note::Body::Text(_))));
        assert_eq!(renderer.render_site(&build, d).unwrap(), a);

        // A Logseq graph: the body read again is the page's own text, its
        // properties and blocks, as the vault dialect read it the first time.
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| write_file(dir.path(), rel, text);
        write("saleslog.yaml", "dialect: logseq\nactivities: [calls, emails]\n");
        write("logseq/config.edn", "{:meta/version 1\n :preferred-format :markdown}\n");
        write(
            "journals/2026_11_25.md",
            "mood:: 4\ncalls:: 22\n\n- # Acme renewal\n- Called [[Acme Corp]]\n- TODO Send deck to [[Bob]]\n  DEADLINE: <2026-12-01 Tue>\n",
        );
        write("journals/2026_11_26.md", "energy:: 2\nemails:: 7\n\n- quiet day\n");
        let d = crate::text::parse_date("2026-11-27").unwrap();
        let (held, lean) = (Workspace::load(dir.path()).unwrap(), Workspace::load_one_shot(dir.path()).unwrap());
        assert_eq!(lean.notes().len(), 2);
        assert_eq!(renderer.render_site(&held, d).unwrap(), renderer.render_site(&lean, d).unwrap());

        // A note that is not valid UTF-8 is read again as it was read the
        // first time: the bad bytes replaced, the rest of its text shown.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("2026-11-26.md"), b"---\nmood: 4\n---\n# Caf\xe9 day\n\nMet Ann.\n").unwrap();
        let (held, lean) = (Workspace::load(dir.path()).unwrap(), Workspace::load_one_shot(dir.path()).unwrap());
        let (a, b) = (renderer.render_site(&held, d).unwrap(), renderer.render_site(&lean, d).unwrap());
        let page = a.iter().find(|p| p.path.starts_with("notes/")).unwrap();
        assert!(String::from_utf8_lossy(page.bytes().expect("a page made anew")).contains("Met Ann."));
        assert_eq!(a, b);
    }
}
