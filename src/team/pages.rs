//! The team site (SPEC §10): the grid of members × five boxes, the box
//! history, the coaching queue, the team pipeline and a one-page view per
//! member for a one-to-one — and each member's own site, rendered by the
//! single-journal renderer under `members/<slug>/`.
//!
//! As for a journal, view models compute everything and templates only
//! format; the team pages share the journal's stylesheet (and add
//! `team.css`), work offline from `file://`, and escape every value.

use super::figures::{self, Ask, HistoryPoint, TeamReport};
use super::load::{Member, Team};
use super::text::weeks_in_colour;
use crate::analyse::pipeline::hygiene;
use crate::analyse::summary::summarize;
use crate::analyse::{Boxes, Light};
use crate::error::{Error, Result};
use crate::model::journal::{Journal, Status};
use crate::render::format::{self, money, plural};
use crate::render::{escape, lock, template_error, Links, Page, Renderer, STYLESHEET, STYLESHEET_NAME};
use crate::site::workspace::Workspace;
use chrono::{Duration, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tera::{Context, Tera};

const TEMPLATES: &[(&str, &str)] = &[
    ("team/base.html", include_str!("../../templates/team/base.html")),
    ("team/index.html", include_str!("../../templates/team/index.html")),
    ("team/coaching.html", include_str!("../../templates/team/coaching.html")),
    ("team/pipeline.html", include_str!("../../templates/team/pipeline.html")),
    ("team/one-to-one.html", include_str!("../../templates/team/one-to-one.html")),
];

const TEAM_CSS: &str = include_str!("../../templates/team/team.css");

const AREAS: [(&str, &str); 5] = [
    ("activity", "Activity"),
    ("attitude", "Attitude"),
    ("commitments", "Commitments"),
    ("data", "Data"),
    ("pipeline", "Pipeline"),
];

/// The team pages' templates, parsed once.
pub struct TeamRenderer {
    tera: Tera,
    /// A team session's last team pages, by path, each with a hash of what
    /// it was rendered from: after one member's save, the one-to-ones of
    /// the fifty others have the same views and skip tera (`None` for a
    /// one-shot build, which renders each page once).
    memo: Option<Mutex<HashMap<String, (u64, Page)>>>,
}

impl TeamRenderer {
    pub fn new() -> Result<TeamRenderer> {
        let mut tera = crate::render::engine();
        tera.add_raw_templates(TEMPLATES.to_vec()).map_err(|e| template_error("team templates", &e))?;
        Ok(TeamRenderer { tera, memo: None })
    }

    /// This renderer, remembering each page it renders so that the next
    /// render takes a page whose view is unchanged as it was (a team
    /// session's). The templates are built in, so the same template, frame
    /// and view make the same bytes.
    pub fn memoizing(mut self) -> TeamRenderer {
        self.memo = Some(Mutex::default());
        self
    }

    fn page<T: Serialize>(&self, template: &str, path: &str, frame: &Frame, view: &T) -> Result<Page> {
        let mut frame = frame.clone();
        frame.root = crate::render::root_of(path);
        frame.section = template.trim_start_matches("team/").trim_end_matches(".html").to_string();
        let key = self.memo.as_ref().and_then(|_| crate::render::fingerprint(&(template, &frame, view)));
        if let (Some(memo), Some(key)) = (&self.memo, key) {
            if let Some((_, page)) = lock(memo).get(path).filter(|(k, _)| *k == key) {
                return Ok(page.clone());
            }
        }
        let mut context = Context::new();
        context.insert("page", &frame);
        context.insert("view", view);
        let html = crate::render::bound::render(&self.tera, template, template, &context)?;
        let page = Page::new(path, html);
        if let (Some(memo), Some(key)) = (&self.memo, key) {
            lock(memo).insert(path.to_string(), (key, page.clone()));
        }
        Ok(page)
    }

    /// The team pages (not the members' own sites), from each member's
    /// journal as of the report date ([`member_journal`]).
    pub fn render(&self, team: &Team, report: &TeamReport, journals: &[Option<MemberJournal>]) -> Result<Vec<Page>> {
        let ctx = Ctx::new(team, report, journals);
        let frame = Frame {
            team: team.name.clone(),
            as_of: format::date_long(report.as_of),
            as_of_iso: format::iso(report.as_of),
            root: String::new(),
            section: String::new(),
        };
        // The grid, the costliest page (a save changes it every time), on
        // one thread while the others are made.
        let (grid, others) = rayon::join(
            || self.page("team/index.html", "index.html", &frame, &grid_view(&ctx)),
            || -> Result<Vec<Page>> {
                // The pipeline's deals to look at are each one-to-one's
                // too: made once, not once per member.
                let pipeline = pipeline_view(&ctx);
                let mut pages = vec![
                    self.page("team/coaching.html", "coaching.html", &frame, &coaching_view(&ctx))?,
                    self.page("team/pipeline.html", "pipeline.html", &frame, &pipeline)?,
                ];
                let one_to_ones: Vec<Page> = team
                    .members
                    .par_iter()
                    .enumerate()
                    .map(|(i, member)| {
                        let path = format!("one-to-one/{}.html", member.slug);
                        self.page("team/one-to-one.html", &path, &frame, &one_to_one_view(&ctx, i, &pipeline.attention))
                    })
                    .collect::<Result<_>>()?;
                pages.extend(one_to_ones);
                Ok(pages)
            },
        );
        let mut pages =
            vec![grid?, Page::new(STYLESHEET_NAME, STYLESHEET.as_bytes()), Page::new("team.css", TEAM_CSS.as_bytes())];
        pages.extend(others?);
        if let Some(memo) = &self.memo {
            // A member gone from team.yaml: its one-to-one is forgotten.
            let made: HashSet<&str> = pages.iter().map(|p| &*p.path).collect();
            lock(memo).retain(|path, _| made.contains(path.as_str()));
        }
        Ok(pages)
    }
}

/// Each member's own site under `members/<slug>/`, rendered by the
/// journal's renderer (its own templates and overrides), each page handed
/// to `each` (a build stages it) as soon as it is made: what `each` gave,
/// for every page of every member.
pub fn member_pages_each<T: Send>(
    team: &Team,
    as_of: NaiveDate,
    renderers: &[Option<Renderer>],
    each: &(dyn Fn(Page) -> Result<T> + Sync),
) -> Result<Vec<T>> {
    let sites: Vec<Vec<T>> = team
        .members
        .par_iter()
        .zip(renderers.par_iter())
        .map(|(member, renderer)| member_site_each(member, as_of, renderer.as_ref(), each))
        .collect::<Result<_>>()?;
    Ok(sites.into_iter().flatten().collect())
}

/// One member's site, its paths under `members/<slug>/`, each page handed
/// to `each` as it is made. A member whose site cannot be made (a broken
/// template override, a journal that did not load) gets a page saying so
/// instead, and what `each` gave for its other pages is dropped (a staged
/// page's temporary file goes with it): never half a site. Only a failure
/// of `each` itself (writing) is an error.
pub fn member_site_each<T: Send>(
    member: &Member,
    as_of: NaiveDate,
    renderer: Option<&Renderer>,
    each: &(dyn Fn(Page) -> Result<T> + Sync),
) -> Result<Vec<T>> {
    let prefix = member_prefix(member);
    let prefixed = |p: Page| {
        let path = format!("{prefix}{}", p.path);
        p.moved_to(path)
    };
    let write_failed = Mutex::new(None);
    let made = match (member.workspace(), renderer) {
        (Some(ws), Some(renderer)) => renderer
            .render_site_each(ws, as_of, &|page| {
                each(prefixed(page)).map_err(|e| {
                    let stop = Error::Usage(e.to_string());
                    *write_failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
                    stop
                })
            })
            .map(|(kept, _)| kept),
        (Some(_), None) => Err(Error::Usage("its templates could not be loaded".into())),
        (None, _) => Err(Error::Usage(member.error().unwrap_or("not loaded").to_string())),
    };
    if let Some(r) = renderer {
        r.free_garbage();
    }
    if let Some(e) = write_failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    match made {
        Ok(kept) => Ok(kept),
        // What `each` gave for the pages made before the failure (their
        // temporary files) is gone with the render.
        Err(e) => Ok(vec![each(prefixed(failure_page(member, &e)))?]),
    }
}

/// Where a member's own site goes in the team site.
pub fn member_prefix(member: &Member) -> String {
    format!("members/{}/", member.slug)
}

/// A renderer per member (its journal's templates), `None` for a member
/// whose journal or templates did not load.
pub fn member_renderers(team: &Team) -> Vec<Option<Renderer>> {
    team.members
        .par_iter()
        .map(|m| m.workspace().and_then(|ws| Renderer::for_journal(&ws.root).ok()).map(|r| r.in_team(&team.name)))
        .collect()
}

fn failure_page(member: &Member, e: &Error) -> Page {
    let mut name = Vec::new();
    let _ = escape(&member.name, &mut name);
    let mut why = Vec::new();
    let _ = escape(&e.to_string(), &mut why);
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{n}</title><link rel=\"stylesheet\" href=\"../../style.css\"></head><body><main id=\"main\"><p><a href=\"../../index.html\">← the team</a></p><h1>{n}</h1><p class=\"alert red\">This member's reports could not be made: {w}</p></main></body></html>",
        n = String::from_utf8_lossy(&name),
        w = String::from_utf8_lossy(&why)
    );
    Page::new("index.html", html.into_bytes())
}

/// What every team page's layout needs.
#[derive(Debug, Clone, Serialize)]
struct Frame {
    team: String,
    as_of: String,
    as_of_iso: String,
    root: String,
    section: String,
}

/// A member's journal as of the report date and the links of its own
/// site (for the team pages to point at its pages).
pub type MemberJournal = (Journal, Links);

/// [`MemberJournal`] of a member whose journal loaded, from its journal
/// as of the report date (folded once, for its row: [`figures::member_report`]).
/// The links of `previous` (the member's last one) are kept when they are
/// made of the same notes and deals: a save to a note changes neither.
pub fn member_journal(
    member: &Member,
    journal: Option<Journal>,
    previous: Option<MemberJournal>,
) -> Option<MemberJournal> {
    let (ws, journal) = (member.workspace()?, journal?);
    let links = match previous {
        Some((_, links)) if links.made_of(ws.sorted_notes(), &journal) => links,
        _ => Links::new(ws.sorted_notes(), &journal),
    };
    Some((journal, links))
}

/// What the team pages are rendered from as of `as_of`: the team's report,
/// and each member's journal with its links (each member folded once).
pub fn inputs(team: &Team, as_of: NaiveDate) -> (TeamReport, Vec<Option<MemberJournal>>) {
    let (rows, journals) = figures::member_reports(team, as_of);
    let report = figures::assemble(team, rows, &journals.iter().map(Option::as_ref).collect::<Vec<_>>(), as_of);
    let journals = team.members.iter().zip(journals).map(|(m, j)| member_journal(m, j, None)).collect();
    (report, journals)
}

/// Computed once for all team pages.
struct Ctx<'a> {
    team: &'a Team,
    report: &'a TeamReport,
    journals: &'a [Option<MemberJournal>],
    asks: Vec<Ask>,
    currency: String,
}

impl<'a> Ctx<'a> {
    fn new(team: &'a Team, report: &'a TeamReport, journals: &'a [Option<MemberJournal>]) -> Ctx<'a> {
        let currency = team
            .members
            .iter()
            .find_map(|m| m.workspace().map(|ws| ws.config.currency.clone()))
            .unwrap_or_else(|| "USD".into());
        Ctx { team, report, journals, asks: figures::asks(team, report.as_of), currency }
    }

    fn member_href(&self, i: usize, page: &str) -> String {
        format!("members/{}/{page}", self.team.members[i].slug)
    }

    fn ws(&self, i: usize) -> Option<&Workspace> {
        self.team.members[i].workspace()
    }
}

fn light_of(boxes: &Boxes, area: &str) -> Light {
    match area {
        "activity" => boxes.activity,
        "attitude" => boxes.attitude,
        "commitments" => boxes.commitments,
        "data" => boxes.data,
        _ => boxes.pipeline,
    }
}

#[derive(Debug, Serialize)]
struct Cell {
    area: &'static str,
    title: &'static str,
    light: &'static str,
    light_word: &'static str,
    mark: &'static str,
    figure: String,
    reason: String,
    href: String,
    /// "red for 4 weeks", when a box has kept its colour more than a week.
    since: String,
}

#[derive(Debug, Serialize)]
struct HistoryStrip {
    area: &'static str,
    title: &'static str,
    squares: Vec<Square>,
    label: String,
}

#[derive(Debug, Serialize)]
struct Square {
    x: u32,
    light: &'static str,
    title: String,
}

#[derive(Debug, Serialize)]
struct MemberRow {
    name: String,
    journal: String,
    href: String,
    one_to_one: String,
    error: Option<String>,
    cells: Vec<Cell>,
    history: Vec<HistoryStrip>,
}

fn light_word(light: Light) -> &'static str {
    match light {
        Light::Green => "on track",
        Light::Amber => "watch",
        Light::Red => "act",
        Light::Na => "n/a",
    }
}

/// 12 squares, oldest left, newest right.
fn strips(history: &[HistoryPoint]) -> Vec<HistoryStrip> {
    AREAS
        .iter()
        .map(|&(area, title)| {
            let squares: Vec<Square> = history
                .iter()
                .rev()
                .enumerate()
                .map(|(k, p)| {
                    let light = light_of(&p.boxes, area);
                    Square {
                        x: k as u32 * 14,
                        light: light.as_str(),
                        title: format!("{}: {}", p.as_of, light.as_str()),
                    }
                })
                .collect();
            let weeks = weeks_in_colour(history, area);
            let now = history.first().map_or(Light::Na, |p| light_of(&p.boxes, area));
            HistoryStrip {
                area,
                title,
                label: format!("{title}: {} for {}", now.as_str(), plural(weeks, "week", "weeks")),
                squares,
            }
        })
        .collect()
}

fn member_row(ctx: &Ctx, i: usize) -> MemberRow {
    let m = &ctx.report.members[i];
    let member = &ctx.team.members[i];
    let mut cells = Vec::new();
    if let (Some(figures), Some(ws)) = (&m.report, ctx.ws(i)) {
        for b in summarize(figures, &ws.config) {
            let weeks = weeks_in_colour(&m.history, b.area);
            let since = if weeks > 1 && b.light != Light::Na {
                format!("{} for {}", b.light.as_str(), plural(weeks, "week", "weeks"))
            } else {
                String::new()
            };
            let title = AREAS.iter().find(|(a, _)| *a == b.area).map_or("", |(_, t)| t);
            cells.push(Cell {
                area: b.area,
                title,
                light: b.light.as_str(),
                light_word: light_word(b.light),
                mark: b.mark,
                figure: b.figure,
                reason: b.reason,
                href: ctx.member_href(i, b.page),
                since,
            });
        }
    }
    MemberRow {
        name: m.name.clone(),
        journal: m.journal.clone(),
        href: ctx.member_href(i, "index.html"),
        one_to_one: format!("one-to-one/{}.html", member.slug),
        error: m.error.clone(),
        cells,
        history: strips(&m.history),
    }
}

#[derive(Debug, Serialize)]
struct Count {
    title: &'static str,
    green: usize,
    amber: usize,
    red: usize,
    na: usize,
}

#[derive(Debug, Serialize)]
struct GridView {
    members: Vec<MemberRow>,
    counts: Vec<Count>,
    summary: Vec<String>,
    failed: usize,
    asks: usize,
}

fn grid_view(ctx: &Ctx) -> GridView {
    let b = &ctx.report.boxes;
    let counts = [b.activity, b.attitude, b.commitments, b.data, b.pipeline]
        .iter()
        .zip(AREAS)
        .map(|(c, (_, title))| Count { title, green: c.green, amber: c.amber, red: c.red, na: c.na })
        .collect();
    GridView {
        members: (0..ctx.report.members.len()).map(|i| member_row(ctx, i)).collect(),
        counts,
        summary: totals_lines(ctx),
        failed: ctx.report.members.iter().filter(|m| m.error.is_some()).count(),
        asks: ctx.report.totals.asks,
    }
}

fn totals_lines(ctx: &Ctx) -> Vec<String> {
    let t = &ctx.report.totals;
    let c = ctx.currency.as_str();
    let mut lines = vec![format!("{} open, {} weighted", money(t.open_amount, c), money(t.weighted, c))];
    if let (Some(quota), Some(won), Some(remaining), Some(start), Some(end)) =
        (t.quota, t.won_in_period, t.remaining, t.period_start, t.period_end)
    {
        let coverage = t.coverage.map_or("no coverage to show".to_string(), |x| format!("coverage {x:.1}×"));
        lines.push(format!(
            "team quota {} for {} – {}: {} won, {} to go, {coverage}",
            money(quota, c),
            format::date_long(start),
            format::date_long(end),
            money(won, c),
            money(remaining, c)
        ));
    } else {
        lines.push("no team quota in team.yaml".to_string());
    }
    lines.push(format!(
        "{} stale, {} slipped, {} without a next step",
        plural(t.stale, "deal", "deals"),
        t.slipped,
        t.no_next_step
    ));
    lines
}

#[derive(Debug, Serialize)]
struct AskRow {
    date: String,
    member: String,
    member_href: String,
    text: String,
    note_href: String,
    age: String,
}

fn ask_rows(ctx: &Ctx, only: Option<usize>) -> Vec<AskRow> {
    ctx.asks
        .iter()
        .filter(|a| only.is_none_or(|i| a.member == i))
        .map(|a| {
            let links = ctx.journals[a.member].as_ref().map(|(_, l)| l);
            let note_page = links.filter(|l| l.has_note(&a.note)).map(|l| l.note_page(&a.note).to_string());
            let days = (ctx.report.as_of - a.date).num_days();
            AskRow {
                date: format::date_long(a.date),
                member: ctx.report.members[a.member].name.clone(),
                member_href: ctx.member_href(a.member, "index.html"),
                text: a.text.clone(),
                note_href: note_page.map_or_else(String::new, |p| ctx.member_href(a.member, &p)),
                age: match days {
                    0 => "today".into(),
                    1 => "yesterday".into(),
                    n => format!("{n} days ago"),
                },
            }
        })
        .collect()
}

#[derive(Debug, Serialize)]
struct CoachingView {
    asks: Vec<AskRow>,
    window: String,
}

fn coaching_view(ctx: &Ctx) -> CoachingView {
    let from = ctx.report.as_of - Duration::days(figures::ASK_DAYS - 1);
    CoachingView {
        asks: ask_rows(ctx, None),
        window: format!("{} – {}", format::date_long(from), format::date_long(ctx.report.as_of)),
    }
}

#[derive(Debug, Serialize)]
struct StageRow {
    stage: String,
    deals: usize,
    amount: String,
    weighted: String,
    bar: f64,
}

#[derive(Debug, Clone, Serialize)]
struct DealRow {
    /// Whose deal (the member's index): a one-to-one shows its member's.
    #[serde(skip)]
    of: usize,
    member: String,
    name: String,
    href: String,
    stage: String,
    amount: String,
    close: String,
    why: String,
}

#[derive(Debug, Serialize)]
struct PipelineView {
    summary: Vec<String>,
    stages: Vec<StageRow>,
    attention: Vec<DealRow>,
}

fn pipeline_view(ctx: &Ctx) -> PipelineView {
    // Stages by name, in the order the members' configurations list them.
    let mut stages: Vec<(String, usize, f64, f64)> = Vec::new();
    let mut attention = Vec::new();
    for (i, entry) in ctx.journals.iter().enumerate() {
        let (Some((journal, links)), Some(ws)) = (entry, ctx.ws(i)) else { continue };
        let config = &ws.config;
        for stage in config.pipeline.stages.iter().filter(|s| s.closed.is_none()) {
            if !stages.iter().any(|(n, ..)| *n == stage.name) {
                stages.push((stage.name.clone(), 0, 0.0, 0.0));
            }
        }
        for deal in journal.deals.iter().filter(|d| d.is_open(config)) {
            let stage = config.pipeline.stage(deal.stage);
            let amount = deal.amount.unwrap_or(0.0);
            if let Some(row) = stages.iter_mut().find(|(n, ..)| *n == stage.name) {
                row.1 += 1;
                row.2 += amount;
                row.3 += amount * stage.probability;
            }
            let h = hygiene(deal, journal, config);
            let pushes = deal.close_pushed();
            let mut why = Vec::new();
            if h.slipped {
                why.push("slipped".to_string());
            }
            if h.stale {
                why.push("stale".to_string());
            }
            if pushes >= 2 {
                why.push(format!("close pushed {pushes} times"));
            }
            if h.no_next_step {
                why.push("no next step".to_string());
            }
            if !why.is_empty() {
                attention.push(DealRow {
                    of: i,
                    member: ctx.report.members[i].name.clone(),
                    name: deal.name.clone(),
                    href: ctx.member_href(i, links.deal_page(&deal.id)),
                    stage: stage.name.clone(),
                    amount: deal.amount.map_or("–".into(), |a| money(a, &config.currency)),
                    close: deal.close.map_or("–".into(), format::date_long),
                    why: why.join(", "),
                });
            }
        }
    }
    let max = stages.iter().map(|s| s.2).fold(0.0, f64::max);
    PipelineView {
        summary: totals_lines(ctx),
        stages: stages
            .into_iter()
            .map(|(stage, deals, amount, weighted)| StageRow {
                stage,
                deals,
                amount: money(amount, &ctx.currency),
                weighted: money(weighted, &ctx.currency),
                bar: if max > 0.0 { (amount / max * 1000.0).round() / 10.0 } else { 0.0 },
            })
            .collect(),
        attention,
    }
}

#[derive(Debug, Serialize)]
struct CommitmentRow {
    what: Arc<str>,
    to: Arc<str>,
    due: String,
}

#[derive(Debug, Serialize)]
struct OneToOneView {
    member: MemberRow,
    asks: Vec<AskRow>,
    wins: Vec<String>,
    overdue: Vec<CommitmentRow>,
    deals: Vec<DealRow>,
}

/// Member `i`'s page for a one-to-one; `attention` is the team pipeline's
/// deals to look at, the member's among them.
fn one_to_one_view(ctx: &Ctx, i: usize, attention: &[DealRow]) -> OneToOneView {
    let d = ctx.report.as_of;
    let from = d - Duration::days(figures::ASK_DAYS - 1);
    let mut overdue = Vec::new();
    let mut wins = Vec::new();
    if let (Some((journal, _)), Some(ws)) = (&ctx.journals[i], ctx.ws(i)) {
        for c in journal.commitments.iter().filter(|c| c.status(d) == Status::Overdue) {
            overdue.push(CommitmentRow {
                what: c.what.clone(),
                to: c.to.clone().unwrap_or_default(),
                due: c.due.map_or("–".into(), format::date_long),
            });
        }
        for note in ws.notes_dated(from, d) {
            wins.extend(note.wins.iter().map(|w| format!("{}: {w}", format::date_long(note.date))));
        }
    }
    let deals = attention.iter().filter(|r| r.of == i).cloned().collect();
    OneToOneView { member: member_row(ctx, i), asks: ask_rows(ctx, Some(i)), wins, overdue, deals }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Team, NaiveDate) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-team");
        (Team::load(&root).unwrap(), NaiveDate::from_ymd_opt(2026, 11, 27).unwrap())
    }

    fn same_bytes(a: &Page, b: &Page) -> bool {
        std::ptr::eq(a.bytes().unwrap(), b.bytes().unwrap())
    }

    /// A team session renders the team pages after every save: a page
    /// whose template, frame and view are those of the last render is the
    /// last render's page (its very bytes), and every page, taken or made
    /// again, is the one a fresh renderer makes.
    #[test]
    fn a_memoizing_team_renderer_takes_unchanged_pages_as_they_were() {
        let (team, as_of) = sample();
        let (report, journals) = inputs(&team, as_of);
        let memo = TeamRenderer::new().unwrap().memoizing();
        let first = memo.render(&team, &report, &journals).unwrap();
        let again = memo.render(&team, &report, &journals).unwrap();
        let fresh = TeamRenderer::new().unwrap().render(&team, &report, &journals).unwrap();
        assert_eq!(again, fresh);
        for (a, b) in first.iter().zip(&again).filter(|(a, _)| a.path.ends_with(".html")) {
            assert!(same_bytes(a, b), "{} rendered again though nothing changed", a.path);
        }
        // Another report date changes every page's frame: each is made again.
        let later = as_of + Duration::days(1);
        let (report, journals) = inputs(&team, later);
        let moved = memo.render(&team, &report, &journals).unwrap();
        assert_eq!(moved, TeamRenderer::new().unwrap().render(&team, &report, &journals).unwrap());
        for (a, b) in again.iter().zip(&moved).filter(|(a, _)| a.path.ends_with(".html")) {
            assert!(!same_bytes(a, b), "{} taken from the render of another date", a.path);
        }
        // A one-shot renderer remembers nothing.
        assert!(TeamRenderer::new().unwrap().memo.is_none());
    }
}
