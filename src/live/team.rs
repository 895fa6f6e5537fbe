//! `saleslog team serve`: the team site, rebuilt on every save in any
//! member's journal, served by the same local server as `serve`.
//!
//! A save in one member's journal re-reads that journal only: the notes
//! its events name when the member knows them (the usual save), else its
//! folder (its [`crate::site::workspace::Workspace`] refresh), with the
//! rescan that events are never trusted without once the team's folders
//! have been quiet for half a second, as for one journal
//! ([`super::watch`]). It recomputes that member's row and journal, then
//! the team pages (from that row and the cached rows and journals of the
//! others), while another thread re-renders that member's own pages (its
//! memoizing renderer skips what did not change); the output folder is
//! written for that part alone ([`OutputDir::commit_within`]): the other
//! members' pages are neither rendered, held nor looked at. A
//! change to `team.yaml` reloads the team.

use super::serve;
use super::watch::{folder_identity, real_path, Batch, RescanOwed, Watch, DEFAULT_DEBOUNCE};
use crate::error::{Error, Result};
use crate::model::diagnostic::Tally;
use crate::model::journal::Journal;
use crate::render::Renderer;
use crate::site::output_dir::{OutputDir, Staged};
use crate::team::command::open_output;
use crate::team::figures::{self, MemberReport};
use crate::team::pages::{member_journal, member_prefix, member_site_each, MemberJournal, TeamRenderer};
use crate::team::{Member, Team};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A team kept in memory between rebuilds: per member, its row, its
/// journal as of the date, its renderer and its problems' tally.
pub struct TeamSession {
    dir: PathBuf,
    today: Option<NaiveDate>,
    team: Team,
    output: OutputDir,
    renderer: TeamRenderer,
    rows: Vec<MemberReport>,
    journals: Vec<Option<MemberJournal>>,
    renderers: Vec<Option<Renderer>>,
    tallies: Vec<Tally>,
    date: NaiveDate,
    /// The members whose saves were read by name (their notes alone, not
    /// their folders) since they were last rescanned: the rescan that
    /// events are never trusted without is owed for them, and comes once
    /// the team's folders are quiet ([`TeamSession::rescan_owed`]).
    named: BTreeSet<usize>,
    /// What failed writes left unwritten: the next write writes it too.
    unwritten: Unwritten,
}

/// What one rebuild did.
pub struct TeamOutcome {
    pub line: String,
    pub problems: Vec<String>,
    pub failed: bool,
}

impl TeamSession {
    pub fn open(dir: &Path, output: Option<PathBuf>, today: Option<NaiveDate>) -> Result<TeamSession> {
        let team = Team::load(dir)?;
        let out = output.unwrap_or_else(|| team.root.join("_site"));
        let output = open_output(&team, &out)?;
        std::fs::create_dir_all(output.path()).map_err(|e| Error::io(output.path(), e))?;
        let date = today.unwrap_or_else(|| chrono::Local::now().date_naive());
        let mut session = TeamSession {
            dir: dir.to_path_buf(),
            today,
            team,
            output,
            renderer: TeamRenderer::new()?.memoizing(),
            rows: Vec::new(),
            journals: Vec::new(),
            renderers: Vec::new(),
            tallies: Vec::new(),
            date,
            named: Default::default(),
            unwritten: Unwritten::Nothing,
        };
        session.compute_all();
        Ok(session)
    }

    pub fn output(&self) -> &Path {
        self.output.path()
    }

    pub fn team(&self) -> &Team {
        &self.team
    }

    fn today(&self) -> NaiveDate {
        self.today.unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    fn renderer_for(&self, i: usize) -> Option<Renderer> {
        let m = &self.team.members[i];
        m.workspace()
            .and_then(|ws| Renderer::for_journal(&ws.root).ok())
            .map(|r| r.memoizing().in_team(&self.team.name))
    }

    fn compute_all(&mut self) {
        let n = self.team.members.len();
        self.renderers = (0..n).map(|i| self.renderer_for(i)).collect();
        let computed: Vec<Computed> = self.team.members.par_iter().map(|m| Computed::of(m, self.date, None)).collect();
        (self.rows, self.journals, self.tallies) = (Vec::new(), Vec::new(), Vec::new());
        for c in computed {
            self.rows.push(c.row);
            self.journals.push(c.journal);
            self.tallies.push(c.tally);
        }
    }

    /// Recompute the figures of `recompute` (members read again), render
    /// the team pages and the sites of `members` (all of them when
    /// `None`) and write them: the whole site, or only that part of it.
    fn write(
        &mut self,
        members: Option<&[usize]>,
        recompute: &[usize],
    ) -> Result<crate::site::output_dir::WriteReport> {
        let part = self.unwritten.and(members);
        let written = match self.write_once(part.as_deref(), recompute) {
            // The output folder wants written again a page a member's
            // renderer remembers by hash only: every page is made afresh
            // (the figures recomputed already).
            Err(Error::Forgotten { .. }) => {
                self.renderers.iter().flatten().for_each(Renderer::forget_pages);
                self.write_once(part.as_deref(), &[])
            }
            done => done,
        };
        match &written {
            Ok(_) => self.unwritten = Unwritten::Nothing,
            Err(_) => self.unwritten.add(part),
        }
        written
    }

    fn write_once(
        &mut self,
        members: Option<&[usize]>,
        recompute: &[usize],
    ) -> Result<crate::site::output_dir::WriteReport> {
        let all: Vec<usize> = (0..self.team.members.len()).collect();
        if let Err(e) = self.output.begin() {
            // Nothing rendered: the members read again still get their
            // figures, for whatever writes next.
            let TeamSession { team, rows, journals, tallies, date, .. } = self;
            recompute_into(team, *date, recompute, rows, journals, tallies);
            return Err(e);
        }
        // A folder emptied, or written by another build, since this session
        // last wrote it: the whole site, not only the members who changed,
        // and no page taken as remembered.
        let trusted = self.output.trusted();
        if !trusted {
            self.renderers.iter().flatten().for_each(Renderer::forget_pages);
        }
        let members = members.filter(|_| trusted);
        let sites = members.unwrap_or(&all);
        let TeamSession { team, output, renderer, rows, journals, renderers, tallies, date, .. } = self;
        let (team, output, renderers, date) = (&*team, &*output, &*renderers, *date);
        // The changed members' figures, then the team pages, and at the
        // same time the members' sites: a member's site is rendered from
        // its journal by its own renderer, not from its row, so neither
        // waits on the other (a save's figures and grid on one core, its
        // member's pages on the other).
        let (team_pages, per_member) = rayon::join(
            || {
                recompute_into(team, date, recompute, rows, journals, tallies);
                let folded: Vec<Option<&Journal>> =
                    journals.iter().map(|j| j.as_ref().map(|(journal, _)| journal)).collect();
                let report = figures::assemble(team, rows.clone(), &folded, date);
                renderer.render(team, &report, journals)
            },
            || {
                sites
                    .par_iter()
                    .map(|&i| {
                        let m = &team.members[i];
                        member_site_each(m, date, renderers[i].as_ref(), &|page| output.stage(&page))
                    })
                    .collect::<Result<Vec<Vec<Staged>>>>()
            },
        );
        let mut staged: Vec<Staged> = team_pages?.iter().map(|p| output.stage(p)).collect::<Result<_>>()?;
        staged.extend(per_member?.into_iter().flatten());
        match members {
            None => self.output.commit(staged),
            Some(members) => {
                let prefixes: Vec<String> = members.iter().map(|&i| member_prefix(&self.team.members[i])).collect();
                let within =
                    |p: &str| !p.starts_with("members/") || prefixes.iter().any(|pre| p.starts_with(pre.as_str()));
                self.output.commit_within(staged, &within)
            }
        }
    }

    pub fn rebuild(&mut self, changed: Changed) -> TeamOutcome {
        let start = Instant::now();
        let date = self.today();
        let date_moved = date != self.date;
        self.date = date;
        let what: String;
        // The members whose part of the site is written (`None`: all of
        // it); their figures are recomputed by the write.
        let mut part: Option<Vec<usize>> = None;
        match changed {
            Changed::Team => match Team::load(&self.dir) {
                Ok(team) => {
                    self.team = team;
                    self.named.clear();
                    self.compute_all();
                    what = "team.yaml".into();
                }
                Err(e) => {
                    return TeamOutcome {
                        line: format!("{e}; keeping the last good pages"),
                        problems: vec![e.to_string()],
                        failed: true,
                    }
                }
            },
            Changed::Saved(saved) if !date_moved => {
                for (i, paths) in &saved {
                    self.refresh_member(*i, Some(paths));
                }
                let members: Vec<usize> = saved.into_iter().map(|(i, _)| i).collect();
                what = self.names(&members);
                part = Some(members);
            }
            Changed::Refreshed(members) if !date_moved => {
                what = format!("{} (found by the rescan)", self.names(&members));
                part = Some(members);
            }
            Changed::Saved(_) | Changed::Refreshed(_) | Changed::All => {
                self.named.clear();
                for m in &mut self.team.members {
                    let fresh = m.workspace_mut().is_some_and(|ws| ws.refresh().is_ok_and(|c| !c.config));
                    if !fresh {
                        m.reload();
                    }
                }
                self.compute_all();
                what = "rebuilt".into();
            }
        }
        let written = self.write(part.as_deref(), part.as_deref().unwrap_or_default());
        let failed_members: Vec<String> =
            self.rows.iter().filter_map(|m| m.error.as_ref().map(|e| format!("member {}: {e}", m.name))).collect();
        match written {
            Ok(w) => {
                let tally = self.tallies.iter().fold(Tally::default(), |mut all, &t| {
                    all.add(t);
                    all
                });
                TeamOutcome {
                    line: format!(
                        "{what}: {} written, {} unchanged, {} removed in {} ms; {} error{}, {} warning{}",
                        w.written,
                        w.unchanged,
                        w.removed,
                        start.elapsed().as_millis(),
                        tally.errors,
                        if tally.errors == 1 { "" } else { "s" },
                        tally.warnings,
                        if tally.warnings == 1 { "" } else { "s" },
                    ),
                    problems: failed_members,
                    failed: false,
                }
            }
            Err(e @ Error::Template { .. }) => TeamOutcome {
                line: format!("{e}; keeping the last good pages"),
                problems: vec![e.to_string()],
                failed: true,
            },
            Err(e) => TeamOutcome {
                line: format!("writing the team site failed: {e}"),
                problems: vec![e.to_string()],
                failed: true,
            },
        }
    }

    /// Member `i`'s journal read again: only the notes at `paths` when
    /// they are notes it knows
    /// ([`Workspace::refresh_known`](crate::site::workspace::Workspace::refresh_known):
    /// the usual save, without walking its folder, a rescan then owed for
    /// it), else its whole folder; loaded afresh when its configuration
    /// changed, broke or healed.
    ///
    /// Its renderer is made again too when it was loaded afresh (a template
    /// change reloads the team: [`TeamSession::classify`]); a kept renderer
    /// remembers the pages it made, so a save re-renders only the pages
    /// whose view changed. Its figures are the write's to recompute
    /// ([`Computed`]).
    ///
    /// Says whether its journal changed.
    fn refresh_member(&mut self, i: usize, paths: Option<&[PathBuf]>) -> bool {
        let m = &mut self.team.members[i];
        let mut by_name = false;
        let refreshed = match m.workspace_mut() {
            Some(ws) => match paths.and_then(|p| ws.refresh_known(p)) {
                Some(changes) => {
                    by_name = true;
                    Ok(changes)
                }
                None => ws.refresh(),
            },
            None => Err(Error::Usage("not loaded".into())),
        };
        let (changed, reloaded) = match refreshed {
            Ok(changes) if !changes.config => (!changes.is_empty(), false),
            // A new configuration (stages, templates' inputs) or one that
            // broke or healed: load the member afresh.
            Ok(_) | Err(_) => {
                m.reload();
                (true, true)
            }
        };
        if by_name && !reloaded {
            self.named.insert(i);
        } else {
            self.named.remove(&i);
        }
        if reloaded || self.renderers[i].is_none() {
            self.renderers[i] = self.renderer_for(i);
        }
        changed
    }

    /// The members' names, for the log.
    fn names(&self, members: &[usize]) -> String {
        members.iter().map(|&i| self.team.members[i].name.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// The rescan owed for the members whose saves were read by name:
    /// each one's folder walked and its notes stat'ed, and a rebuild of
    /// those where it found what the events did not say (`None` when it
    /// found nothing, as is usual: nothing is rendered or written).
    pub fn rescan_owed(&mut self) -> Option<TeamOutcome> {
        let mut changed = Vec::new();
        for i in std::mem::take(&mut self.named) {
            if self.refresh_member(i, None) {
                changed.push(i);
            }
        }
        (!changed.is_empty() || self.today() != self.date).then(|| self.rebuild(Changed::Refreshed(changed)))
    }

    /// Whether a rescan is owed for any member.
    pub fn owes_rescan(&self) -> bool {
        !self.named.is_empty()
    }

    /// What a batch of changed paths concerns. Paths are matched against
    /// where the folders really are ([`real_path`]), as they are watched.
    pub fn classify(&self, batch: &Batch) -> Changed {
        if batch.rescan {
            return Changed::All;
        }
        let team_file = real_path(&self.team.root).join(crate::team::load::FILE_NAME);
        if batch.paths.contains(&team_file) {
            return Changed::Team;
        }
        let roots = self.member_roots();
        // A member's template override is read when its renderer is made:
        // a change to one makes every renderer again.
        if batch.paths.iter().any(|p| roots.iter().any(|r| p.starts_with(r.join("templates")))) {
            return Changed::All;
        }
        // The innermost member holding the path (a journal may sit inside
        // another's folder).
        let member_of = |p: &PathBuf| {
            roots.iter().enumerate().filter(|(_, r)| p.starts_with(r)).max_by_key(|(_, r)| r.components().count())
        };
        // Each path as under the member's journal as the team names it (the
        // watch reports where the folders really are), by member.
        let mut saved: std::collections::BTreeMap<usize, Vec<PathBuf>> = Default::default();
        for p in &batch.paths {
            if let Some((i, real)) = member_of(p) {
                let path = p.strip_prefix(real).map_or_else(|_| p.clone(), |rel| self.team.members[i].root.join(rel));
                saved.entry(i).or_default().push(path);
            }
        }
        if saved.is_empty() {
            Changed::All
        } else {
            Changed::Saved(saved.into_iter().collect())
        }
    }

    /// Each member's journal folder, where it really is.
    fn member_roots(&self) -> Vec<PathBuf> {
        self.team.members.iter().map(|m| real_path(&m.root)).collect()
    }

    /// The folders to watch, where they really are: the team folder (with
    /// the members inside it, each read by its own rules), and each member
    /// journal outside it (`../clones/sam`, or a link to a clone).
    pub fn watched(&self) -> Vec<(PathBuf, Vec<PathBuf>)> {
        let root = real_path(&self.team.root);
        let roots = self.member_roots();
        let inside: Vec<PathBuf> = roots.iter().filter(|r| r.starts_with(&root)).cloned().collect();
        let mut watched = vec![(root.clone(), inside)];
        for r in &roots {
            if !watched.iter().any(|(d, _)| r.starts_with(d)) && r.is_dir() {
                let inside = roots.iter().filter(|o| o.starts_with(r) && *o != r).cloned().collect();
                watched.push((r.clone(), inside));
            }
        }
        watched
    }
}

/// What failed writes of a team session left unwritten (the output folder
/// replaced by a file, a full disk): a save is never lost, its part is
/// written with the next write's.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Unwritten {
    Nothing,
    /// These members' parts of the site (and the team pages).
    Members(BTreeSet<usize>),
    /// The whole site.
    All,
}

impl Unwritten {
    /// The part to write now: `part` (`None`: the whole site) and what is
    /// left unwritten.
    fn and(&self, part: Option<&[usize]>) -> Option<Vec<usize>> {
        match (self, part) {
            (Unwritten::All, _) | (_, None) => None,
            (Unwritten::Nothing, Some(p)) => Some(p.to_vec()),
            (Unwritten::Members(left), Some(p)) => {
                Some(left.iter().chain(p).copied().collect::<BTreeSet<_>>().into_iter().collect())
            }
        }
    }

    /// `part` could not be written.
    fn add(&mut self, part: Option<Vec<usize>>) {
        *self = match (std::mem::replace(self, Unwritten::Nothing), part) {
            (Unwritten::All, _) | (_, None) => Unwritten::All,
            (Unwritten::Nothing, Some(p)) => Unwritten::Members(p.into_iter().collect()),
            (Unwritten::Members(mut left), Some(p)) => {
                left.extend(p);
                Unwritten::Members(left)
            }
        };
    }
}

/// A member's row, journal as of the date and problems' tally: what the
/// team pages are rendered from, computed again for a member read again.
struct Computed {
    row: MemberReport,
    journal: Option<MemberJournal>,
    tally: Tally,
}

impl Computed {
    /// `previous`: the member's last journal, whose links are kept if
    /// they still hold.
    fn of(member: &Member, date: NaiveDate, previous: Option<MemberJournal>) -> Computed {
        let (row, journal) = figures::member_report(member, date);
        Computed { row, journal: member_journal(member, journal, previous), tally: tally_of(member, date) }
    }
}

/// The figures of the members `which` computed again, in place.
fn recompute_into(
    team: &Team,
    date: NaiveDate,
    which: &[usize],
    rows: &mut [MemberReport],
    journals: &mut [Option<MemberJournal>],
    tallies: &mut [Tally],
) {
    let previous: Vec<(usize, Option<MemberJournal>)> = which.iter().map(|&i| (i, journals[i].take())).collect();
    let fresh: Vec<(usize, Computed)> =
        previous.into_par_iter().map(|(i, last)| (i, Computed::of(&team.members[i], date, last))).collect();
    for (i, c) in fresh {
        (rows[i], journals[i], tallies[i]) = (c.row, c.journal, c.tally);
    }
}

fn tally_of(member: &Member, date: NaiveDate) -> Tally {
    member.workspace().map(|ws| ws.tally(date)).unwrap_or_default()
}

/// Which part of the team a change concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    Team,
    /// Files saved in these members' journals (the paths as under each
    /// member's journal folder as `team.yaml` names it): the notes alone
    /// are re-read when the member knows them.
    Saved(Vec<(usize, Vec<PathBuf>)>),
    /// These members' journals, read again already (by
    /// [`TeamSession::rescan_owed`]): their figures and pages to make.
    Refreshed(Vec<usize>),
    All,
}

/// `saleslog team serve`.
pub fn serve(dir: &Path, output: Option<PathBuf>, today: Option<NaiveDate>, o: serve::Options) -> Result<ExitCode> {
    let mut session = TeamSession::open(dir, output, today)?;
    let live = serve::Live::new();
    let running = serve::start_for(session.output(), &o, live.clone())?;
    let url = running.url();
    let _ = writeln!(anstream::stderr(), "serving the team {} at {url} (Ctrl-C to stop)", session.team().name);
    let stop = AtomicBool::new(false);
    let log = |outcome: &TeamOutcome| {
        live.publish(outcome.problems.clone(), outcome.failed);
        let time = chrono::Local::now().format("%H:%M:%S");
        let _ = writeln!(anstream::stderr(), "{time} {}", outcome.line);
    };
    let output = session.output().to_path_buf();
    let mut watches = Watches::new(&output, o.poll);
    watches.set(session.watched()).map_err(Error::Usage)?;
    let first = session.rebuild(Changed::All);
    log(&first);
    if o.open {
        super::open_browser(&url);
    }
    // The rescan owed after saves read by name, once the folders are quiet
    // (as for one journal: [`RescanOwed`]).
    let mut owed: Option<RescanOwed> = None;
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut merged) = watches.batches.recv_timeout(RescanOwed::wait(owed)) else {
            if RescanOwed::is_due(owed) {
                owed = None;
                if let Some(outcome) = session.rescan_owed() {
                    log(&outcome);
                }
            }
            continue;
        };
        // Other journals' batches that came in meanwhile (a `git pull` in
        // every clone) join this rebuild.
        while let Ok(more) = watches.batches.try_recv() {
            merged.absorb(more);
        }
        merged.rescan |= merged.stopped;
        for e in &merged.errors {
            let _ = writeln!(anstream::stderr(), "{e}");
        }
        if merged.wants_rebuild() {
            let changed = session.classify(&merged);
            let reloaded = matches!(changed, Changed::Team | Changed::All);
            let outcome = session.rebuild(changed);
            log(&outcome);
            owed = session.owes_rescan().then(|| RescanOwed::after_save(owed, Instant::now()));
            // A member added to (or gone from) team.yaml: its journal is
            // watched from now on (or no longer), and read once more now
            // that it is: a save between the reload and the watch's start
            // would be missed otherwise.
            if reloaded {
                match watches.set(session.watched()) {
                    Ok(0) => {}
                    Ok(_) => log(&session.rebuild(Changed::All)),
                    Err(e) => {
                        let _ = writeln!(anstream::stderr(), "{e}");
                    }
                }
            }
        }
    }
    drop(running);
    Ok(ExitCode::SUCCESS)
}

/// A watched folder and the member journals inside it.
type Watched = (PathBuf, Vec<PathBuf>);

/// Every watch's batches on one channel, each watch waited on by a thread
/// of its own: a save in any member's journal is taken as soon as its
/// debounce ends, whichever the member (polling fifty watches in turn
/// would leave a save waiting for its watch's turn). A watch that stopped
/// is started again by its thread; the set of watches follows `team.yaml`
/// ([`Watches::set`]).
struct Watches {
    batches: Receiver<Batch>,
    tx: Sender<Batch>,
    /// Each folder watched, and the flag that stops its thread.
    running: Vec<(Watched, Arc<AtomicBool>)>,
    output: PathBuf,
    poll: bool,
}

impl Watches {
    fn new(output: &Path, poll: bool) -> Watches {
        let (tx, batches) = channel();
        Watches { batches, tx, running: Vec::new(), output: output.to_path_buf(), poll }
    }

    /// Watch exactly `wanted`: the new ones are started first (so no save
    /// falls between an old watch and its successor), then the ones no
    /// longer wanted are stopped (their threads end within a second).
    /// Says how many watches it started.
    fn set(&mut self, wanted: Vec<Watched>) -> std::result::Result<usize, String> {
        let mut started = 0;
        for w in &wanted {
            if !self.running.iter().any(|(r, _)| r == w) {
                let watch = Watch::start_within(&w.0, &w.1, &self.output, DEFAULT_DEBOUNCE, self.poll)?;
                let stop = Arc::new(AtomicBool::new(false));
                self.spawn(watch, w.clone(), stop.clone());
                self.running.push((w.clone(), stop));
                started += 1;
            }
        }
        self.running.retain(|(r, stop)| {
            let keep = wanted.contains(r);
            if !keep {
                stop.store(true, Ordering::Relaxed);
            }
            keep
        });
        Ok(started)
    }

    fn spawn(&self, watch: Watch, (dir, journals): Watched, stop: Arc<AtomicBool>) {
        let (tx, output, poll) = (self.tx.clone(), self.output.clone(), self.poll);
        std::thread::spawn(move || {
            let mut watch = Some(watch);
            let mut identity = folder_identity(&dir);
            while !stop.load(Ordering::Relaxed) {
                let Some(w) = &watch else {
                    std::thread::sleep(Duration::from_secs(1));
                    watch = Watch::start_within(&dir, &journals, &output, DEFAULT_DEBOUNCE, poll).ok();
                    if watch.is_some() {
                        identity = folder_identity(&dir);
                        // Whatever changed while nothing watched it (a
                        // journal removed and cloned again) is read again.
                        if stop.load(Ordering::Relaxed) || tx.send(Batch { rescan: true, ..Batch::default() }).is_err()
                        {
                            return;
                        }
                    }
                    continue;
                };
                if let Some(batch) = w.next(Duration::from_secs(1)) {
                    if batch.stopped {
                        watch = None;
                    }
                    if stop.load(Ordering::Relaxed) || tx.send(batch).is_err() {
                        return;
                    }
                }
                // The folder removed or replaced (`rm -rf` and a new clone,
                // `mv j j-old && mv new j`): a native watch follows the old
                // folder wherever it went, so the path is watched anew.
                if watch.is_some() && folder_identity(&dir) != identity {
                    watch = None;
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file() && e.file_name() != ".saleslog-output")
            .map(|e| (e.path().strip_prefix(dir).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()))
            .collect()
    }

    /// Write `text` to `rel` below `root`, its folders made.
    fn write_at(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A save of the files `rels` (relative to the team folder) in member
    /// `i`'s journal, as [`TeamSession::classify`] tells it.
    fn saved(team: &Path, i: usize, rels: &[&str]) -> Changed {
        Changed::Saved(vec![(i, rels.iter().map(|r| team.join(r)).collect())])
    }

    /// The session's site `out` is exactly what a fresh `team build` of
    /// `team` as of `today` makes (in `tmp/fresh`, which it returns).
    fn assert_a_fresh_build(tmp: &Path, team: &Path, today: NaiveDate, out: &Path) -> PathBuf {
        let fresh = tmp.join("fresh");
        let reloaded = crate::team::Team::load(team).unwrap();
        crate::team::command::build(&reloaded, today, &fresh).unwrap();
        assert_eq!(files(out), files(&fresh), "the session's site is a fresh build's");
        fresh
    }

    /// A session of [`team_of_two`] as of Friday 27 November 2026, its
    /// site built in `tmp/site`: the team folder, the output, the date.
    fn serving_two(tmp: &Path) -> (PathBuf, PathBuf, NaiveDate, TeamSession) {
        let team = team_of_two(tmp);
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let out = tmp.join("site");
        let mut session = TeamSession::open(&team, Some(out.clone()), Some(today)).unwrap();
        assert!(!session.rebuild(Changed::All).failed);
        (team, out, today, session)
    }

    /// The team East of Ann and Bob, each with a note of Monday 23
    /// November 2026, in `tmp/team`.
    fn team_of_two(tmp: &Path) -> PathBuf {
        let team = tmp.join("team");
        write_at(
            &team,
            "team.yaml",
            "name: East\nmembers:\n  - {name: Ann, journal: ann}\n  - {name: Bob, journal: bob}\n",
        );
        for who in ["ann", "bob"] {
            write_at(&team, &format!("{who}/2026-11-23.md"), "---\nmood: 3\nactivity: {calls: 4}\n---\nMonday.\n");
        }
        team
    }

    /// A save in one member's journal writes that member's part of the site
    /// alone (the other member's pages are not touched), and the site is
    /// then exactly what a fresh `team build` makes.
    #[test]
    fn a_members_save_writes_its_part_and_the_site_equals_a_fresh_build() {
        let tmp = tempfile::tempdir().unwrap();
        let team = team_of_two(tmp.path());
        let write = |rel: &str, text: &str| write_at(&team, rel, text);
        for who in ["ann", "bob"] {
            write(&format!("{who}/saleslog.yaml"), "name: Rep\n");
        }
        let today = NaiveDate::from_ymd_opt(2026, 11, 27);
        let out = tmp.path().join("site");
        let mut session = TeamSession::open(&team, Some(out.clone()), today).unwrap();
        assert!(!session.rebuild(Changed::All).failed);
        let bob_page = out.join("members/bob/index.html");
        let bob_before = std::fs::metadata(&bob_page).unwrap().modified().unwrap();
        let grid_before = std::fs::read_to_string(out.join("index.html")).unwrap();

        // A changed note and a new one (a new page) in Ann's journal.
        write("ann/2026-11-23.md", "---\nmood: 5\nactivity: {calls: 9}\n---\nMonday, better.\n");
        write("ann/2026-11-24.md", "---\nmood: 4\n---\nTuesday.\n");
        let outcome = session.rebuild(saved(&team, 0, &["ann/2026-11-23.md", "ann/2026-11-24.md"]));
        assert!(!outcome.failed, "{}", outcome.line);
        assert_ne!(std::fs::read_to_string(out.join("index.html")).unwrap(), grid_before, "the grid is new");
        assert!(out.join("members/ann/notes/2026-11-24.html").is_file(), "the new note's page");
        assert_eq!(std::fs::metadata(&bob_page).unwrap().modified().unwrap(), bob_before, "Bob's pages untouched");

        // A template override of Ann's is read again: the classifier sees
        // it, and her pages use it.
        let builtin = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/note.html")).unwrap();
        write("ann/templates/note.html", &builtin.replacen("<article", "<!-- ann's own -->\n<article", 1));
        let path = std::path::absolute(team.join("ann/templates/note.html")).unwrap();
        let changed = session.classify(&Batch { paths: vec![path], ..Batch::default() });
        assert_eq!(changed, Changed::All);
        assert!(!session.rebuild(changed).failed);
        let page = std::fs::read_to_string(out.join("members/ann/notes/2026-11-24.html")).unwrap();
        assert!(page.contains("ann's own"), "the override is used");

        let fresh = assert_a_fresh_build(tmp.path(), &team, today.unwrap(), &out);
        let reloaded = crate::team::Team::load(&team).unwrap();
        // And the marker lists every page: a build into the session's
        // folder finds nothing to write and nothing foreign.
        let (report, _) = crate::team::command::build(&reloaded, today.unwrap(), &out).unwrap();
        assert_eq!((report.written, report.removed), (0, 0));
        assert_eq!(report.unchanged, files(&fresh).len());
    }

    /// The usual save names a note the member knows: that note alone is
    /// read again (the folder is not walked) and its pages are written at
    /// once; the rescan owed for the member then finds what the events did
    /// not name, and a rescan that finds nothing writes nothing.
    #[test]
    fn a_named_save_is_read_alone_and_the_owed_rescan_finds_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let (team, out, today, mut session) = serving_two(tmp.path());
        let write = |rel: &str, text: &str| write_at(&team, rel, text);
        assert!(!session.owes_rescan());
        let page = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap_or_default();

        // Ann saves Monday's note, and a new note of Tuesday appears that
        // no event names.
        write("ann/2026-11-23.md", "---\nmood: 3\nactivity: {calls: 47}\n---\nMonday.\n");
        write("ann/2026-11-24.md", "---\nmood: 4\nactivity: {calls: 3}\n---\nTuesday.\n");
        let named = std::path::absolute(team.join("ann/2026-11-23.md")).unwrap();
        let changed = session.classify(&Batch { paths: vec![named.clone()], ..Batch::default() });
        assert_eq!(changed, Changed::Saved(vec![(0, vec![team.join("ann/2026-11-23.md")])]));
        let outcome = session.rebuild(changed);
        assert!(!outcome.failed, "{}", outcome.line);
        assert!(page("members/ann/notes/2026-11-23.html").contains("47"), "the named note's page, at once");
        assert!(!out.join("members/ann/notes/2026-11-24.html").exists(), "the folder was not walked");
        assert!(session.owes_rescan());

        let found = session.rescan_owed().expect("the rescan finds the new note");
        assert!(!found.failed, "{}", found.line);
        assert!(page("members/ann/notes/2026-11-24.html").contains("Tuesday"));
        assert!(!session.owes_rescan());

        // A save read by name, and nothing else changed: the rescan owed
        // for it writes nothing.
        write("ann/2026-11-24.md", "---\nmood: 5\nactivity: {calls: 3}\n---\nTuesday.\n");
        let named = std::path::absolute(team.join("ann/2026-11-24.md")).unwrap();
        let changed = session.classify(&Batch { paths: vec![named], ..Batch::default() });
        assert!(!session.rebuild(changed).failed);
        assert!(session.owes_rescan());
        assert!(session.rescan_owed().is_none());
        assert!(!session.owes_rescan());

        // A path the member does not know yet (a new note) is read with a
        // rescan of its folder: nothing is owed after it.
        write("bob/2026-11-25.md", "---\nmood: 2\n---\nWednesday.\n");
        let new = std::path::absolute(team.join("bob/2026-11-25.md")).unwrap();
        let changed = session.classify(&Batch { paths: vec![new], ..Batch::default() });
        assert!(!session.rebuild(changed).failed);
        assert!(page("members/bob/notes/2026-11-25.html").contains("Wednesday"));
        assert!(!session.owes_rescan());

        assert_a_fresh_build(tmp.path(), &team, today, &out);
    }

    /// The session holds the pages it wrote by hash only: after the output
    /// folder is emptied, one member's save writes the whole site again,
    /// every member's pages made afresh.
    #[test]
    fn a_save_after_the_folder_was_emptied_writes_the_whole_site() {
        let tmp = tempfile::tempdir().unwrap();
        let team = team_of_two(tmp.path());
        let write = |rel: &str, text: &str| write_at(&team, rel, text);
        for who in ["ann", "bob"] {
            write(&format!("{who}/2026-11-24.md"), "---\nmood: 4\n---\nTuesday.\n");
        }
        let today = NaiveDate::from_ymd_opt(2026, 11, 27);
        let out = tmp.path().join("site");
        let mut session = TeamSession::open(&team, Some(out.clone()), today).unwrap();
        assert!(!session.rebuild(Changed::All).failed);
        write("ann/2026-11-24.md", "---\nmood: 5\n---\nTuesday, better.\n");
        assert!(!session.rebuild(saved(&team, 0, &["ann/2026-11-24.md"])).failed);

        std::fs::remove_dir_all(&out).unwrap();
        write("bob/2026-11-24.md", "---\nmood: 2\n---\nTuesday, worse.\n");
        let outcome = session.rebuild(saved(&team, 1, &["bob/2026-11-24.md"]));
        assert!(!outcome.failed, "{}", outcome.line);
        assert_a_fresh_build(tmp.path(), &team, today.unwrap(), &out);
    }

    /// What failed writes leave is added to every later write's part
    /// until one succeeds; a failed write of the whole site makes every
    /// later write whole.
    #[test]
    fn what_failed_writes_leave_joins_the_next_part() {
        let mut left = Unwritten::Nothing;
        assert_eq!(left.and(Some(&[2])), Some(vec![2]));
        assert_eq!(left.and(None), None);
        left.add(Some(vec![3, 1]));
        assert_eq!(left.and(Some(&[2, 3])), Some(vec![1, 2, 3]));
        left.add(Some(vec![0]));
        assert_eq!(left, Unwritten::Members([0, 1, 3].into()));
        left.add(None);
        assert_eq!(left.and(Some(&[2])), None, "the whole site");
        left.add(Some(vec![2]));
        assert_eq!(left, Unwritten::All);
    }

    /// A save whose pages could not be written (the output folder gone,
    /// a file in its place) is not lost: the next write, after another
    /// member's save, writes that member's part too, and the site is then
    /// a fresh build's.
    #[test]
    fn a_save_that_could_not_be_written_is_written_with_the_next() {
        let tmp = tempfile::tempdir().unwrap();
        let (team, out, today, mut session) = serving_two(tmp.path());
        let write = |rel: &str, text: &str| write_at(&team, rel, text);

        let away = tmp.path().join("site-away");
        std::fs::rename(&out, &away).unwrap();
        std::fs::write(&out, "not a folder").unwrap();
        write("ann/2026-11-23.md", "---\nmood: 5\nactivity: {calls: 9}\n---\nMonday, better.\n");
        let outcome = session.rebuild(saved(&team, 0, &["ann/2026-11-23.md"]));
        assert!(outcome.failed, "{}", outcome.line);
        std::fs::remove_file(&out).unwrap();
        std::fs::rename(&away, &out).unwrap();

        write("bob/2026-11-24.md", "---\nmood: 2\n---\nTuesday.\n");
        let outcome = session.rebuild(saved(&team, 1, &["bob/2026-11-24.md"]));
        assert!(!outcome.failed, "{}", outcome.line);
        assert_a_fresh_build(tmp.path(), &team, today, &out);
    }
}
