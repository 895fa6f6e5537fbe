//! `saleslog team serve`: the team site, rebuilt on every save in any
//! member's journal, served by the same local server as `serve`.
//!
//! A save in one member's journal re-reads that journal only (its
//! [`crate::site::workspace::Workspace`] refresh), recomputes that
//! member's row and re-renders that member's own pages (its memoizing
//! renderer skips what did not change); the team pages are rendered again
//! from the cached rows of the others; the output folder writes only the
//! pages whose bytes changed. A change to `team.yaml` reloads the team.

use super::serve;
use super::watch::{Batch, Watch, DEFAULT_DEBOUNCE};
use crate::error::{Error, Result};
use crate::model::diagnostic::Tally;
use crate::render::{Page, Renderer};
use crate::site::output_dir::OutputDir;
use crate::team::command::open_output;
use crate::team::figures::{self, MemberReport};
use crate::team::pages::{member_journal, member_site, MemberJournal, TeamRenderer};
use crate::team::Team;
use chrono::NaiveDate;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A team kept in memory between rebuilds: per member, its row, its
/// journal as of the date, its renderer and its pages.
pub struct TeamSession {
    dir: PathBuf,
    today: Option<NaiveDate>,
    team: Team,
    output: OutputDir,
    renderer: TeamRenderer,
    rows: Vec<MemberReport>,
    journals: Vec<Option<MemberJournal>>,
    renderers: Vec<Option<Renderer>>,
    pages: Vec<Vec<Page>>,
    date: NaiveDate,
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
            renderer: TeamRenderer::new()?,
            rows: Vec::new(),
            journals: Vec::new(),
            renderers: Vec::new(),
            pages: Vec::new(),
            date,
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
        self.rows = Vec::with_capacity(n);
        self.journals = Vec::with_capacity(n);
        self.pages = vec![Vec::new(); n];
        for i in 0..n {
            self.rows.push(figures::member_report(&self.team.members[i], self.date));
            self.journals.push(member_journal(&self.team.members[i], self.date));
        }
        for i in 0..n {
            self.render_member(i);
        }
    }

    fn render_member(&mut self, i: usize) {
        self.pages[i] = member_site(&self.team.members[i], self.date, self.renderers[i].as_ref());
    }

    /// Re-read the members named (or everyone, or the whole team when
    /// `team.yaml` changed) and write the site.
    pub fn rebuild(&mut self, changed: Changed) -> TeamOutcome {
        let start = Instant::now();
        let date = self.today();
        let date_moved = date != self.date;
        self.date = date;
        let what: String;
        match changed {
            Changed::Team => match Team::load(&self.dir) {
                Ok(team) => {
                    self.team = team;
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
            Changed::Members(members) if !date_moved => {
                for &i in &members {
                    let m = &mut self.team.members[i];
                    let refreshed = match m.workspace_mut() {
                        Some(ws) => ws.refresh().map(|c| c.config),
                        None => Ok(true),
                    };
                    match refreshed {
                        Ok(false) => {}
                        // A new configuration (stages, templates' inputs) or
                        // one that broke or healed: load the member afresh.
                        Ok(true) | Err(_) => m.reload(),
                    }
                    self.renderers[i] = self.renderer_for(i);
                    self.rows[i] = figures::member_report(&self.team.members[i], date);
                    self.journals[i] = member_journal(&self.team.members[i], date);
                    self.render_member(i);
                }
                what = members.iter().map(|&i| self.team.members[i].name.as_str()).collect::<Vec<_>>().join(", ");
            }
            Changed::Members(_) | Changed::All => {
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
        let report = figures::assemble(&self.team, self.rows.clone(), date);
        let team_pages = match self.renderer.render(&self.team, &report, &self.journals) {
            Ok(p) => p,
            Err(e) => {
                return TeamOutcome {
                    line: format!("{e}; keeping the last good pages"),
                    problems: vec![e.to_string()],
                    failed: true,
                }
            }
        };
        let mut pages: Vec<Page> = team_pages;
        for member in &self.pages {
            pages.extend(member.iter().cloned());
        }
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        let failed_members: Vec<String> =
            report.members.iter().filter_map(|m| m.error.as_ref().map(|e| format!("member {}: {e}", m.name))).collect();
        match self.output.write(&pages) {
            Ok(w) => {
                let tally = Tally::of(
                    self.team
                        .members
                        .iter()
                        .filter_map(|m| m.workspace())
                        .flat_map(|ws| ws.diagnostics(date))
                        .collect::<Vec<_>>()
                        .iter(),
                );
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
            Err(e) => TeamOutcome {
                line: format!("writing the team site failed: {e}"),
                problems: vec![e.to_string()],
                failed: true,
            },
        }
    }

    /// What a batch of changed paths concerns.
    pub fn classify(&self, batch: &Batch) -> Changed {
        if batch.rescan {
            return Changed::All;
        }
        let team_file = std::path::absolute(self.team.root.join(crate::team::load::FILE_NAME)).unwrap_or_default();
        if batch.paths.contains(&team_file) {
            return Changed::Team;
        }
        let mut members: Vec<usize> = batch.paths.iter().filter_map(|p| self.team.member_of(p)).collect();
        members.sort_unstable();
        members.dedup();
        if members.is_empty() {
            Changed::All
        } else {
            Changed::Members(members)
        }
    }

    /// The folders to watch: the team folder, and each member journal
    /// outside it.
    pub fn watched(&self) -> Vec<PathBuf> {
        let root = std::path::absolute(&self.team.root).unwrap_or_else(|_| self.team.root.clone());
        let mut dirs = vec![root.clone()];
        for m in &self.team.members {
            let r = std::path::absolute(&m.root).unwrap_or_else(|_| m.root.clone());
            if !r.starts_with(&root) && r.is_dir() && !dirs.contains(&r) {
                dirs.push(r);
            }
        }
        dirs
    }
}

/// Which part of the team a change concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    Team,
    Members(Vec<usize>),
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
    let watches: Vec<Watch> = session
        .watched()
        .iter()
        .map(|d| Watch::start(d, &output, DEFAULT_DEBOUNCE, o.poll))
        .collect::<std::result::Result<_, _>>()
        .map_err(Error::Usage)?;
    let first = session.rebuild(Changed::All);
    log(&first);
    if o.open {
        super::open_browser(&url);
    }
    let slice = Duration::from_millis(200 / watches.len().max(1) as u64).max(Duration::from_millis(5));
    while !stop.load(Ordering::Relaxed) {
        let mut merged = Batch::default();
        for w in &watches {
            if let Some(b) = w.next(slice) {
                merged.paths.extend(b.paths);
                merged.rescan |= b.rescan || b.stopped;
                merged.errors.extend(b.errors);
            }
        }
        for e in &merged.errors {
            let _ = writeln!(anstream::stderr(), "{e}");
        }
        if merged.wants_rebuild() {
            let changed = session.classify(&merged);
            let outcome = session.rebuild(changed);
            log(&outcome);
        }
    }
    drop(running);
    Ok(ExitCode::SUCCESS)
}
