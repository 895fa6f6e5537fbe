//! The `saleslog team …` commands: each loads the team once and hands it
//! to the figures, pages or tables; exit codes follow SPEC §10 (1 when a
//! member could not be read, as when notes have errors).

use super::figures::{self, TeamReport};
use super::load::{MemberState, Team};
use super::pages::{self, member_pages_each, member_renderers, TeamRenderer};
use crate::error::Result;
use crate::model::diagnostic::{Diagnostic, Tally};
use crate::site::build::BuildReport;
use crate::site::output_dir::{OutputDir, Staged};
use chrono::NaiveDate;
use std::path::Path;
use std::time::Instant;

/// The currency totals are shown in: the first member's (a team sells in
/// one currency; members' amounts are summed as they are).
pub fn currency(team: &Team) -> String {
    team.members.iter().find_map(|m| m.workspace().map(|ws| ws.config.currency.clone())).unwrap_or_else(|| "USD".into())
}

/// Whether any member failed to load (exit 1).
pub fn any_failed(report: &TeamReport) -> bool {
    report.members.iter().any(|m| m.error.is_some())
}

/// `team report`: the JSON of SPEC §10, or the table.
pub fn report_output(team: &Team, as_of: NaiveDate, json: bool) -> (String, bool) {
    let report = figures::report(team, as_of);
    let text = if json {
        format!("{}\n", serde_json::to_string_pretty(&report).expect("the team report serializes"))
    } else {
        super::text::report_text(&report, team, &currency(team))
    };
    (text, any_failed(&report))
}

/// `team check`: every member's problems, each file prefixed with the
/// member's journal folder, and a member that could not be read as an
/// error of its own (`team.yaml`'s entry, or the member's configuration).
pub fn check(team: &Team, as_of: NaiveDate) -> (Vec<Diagnostic>, Vec<(String, usize)>) {
    let mut all = Vec::new();
    let mut counts = Vec::new();
    for m in &team.members {
        let prefix = |d: &Diagnostic| {
            let mut d = d.clone();
            d.file = format!("{}/{}", m.journal.trim_end_matches('/'), d.file);
            d
        };
        match &m.state {
            MemberState::Loaded(ws) => {
                let notes = ws.sources.values().filter(|s| s.note.is_some()).count();
                all.extend(ws.diagnostics(as_of).iter().map(prefix));
                counts.push((m.name.clone(), notes));
            }
            MemberState::Failed { error, problems } if problems.is_empty() => {
                let at = m.entry.unwrap_or(crate::model::diagnostic::Pos::START);
                all.push(
                    Diagnostic::error(
                        super::load::FILE_NAME,
                        at,
                        crate::model::diagnostic::Code::ConfigInvalid,
                        error.clone(),
                    )
                    .with_hint("fix the member's `journal:` folder in team.yaml, or clone the rep's journal there"),
                );
                counts.push((m.name.clone(), 0));
            }
            MemberState::Failed { problems, .. } => {
                all.extend(problems.iter().map(prefix));
                counts.push((m.name.clone(), 0));
            }
        }
    }
    (all, counts)
}

/// `team build`: the team pages and every member's own site in one
/// guarded output folder, each page staged as soon as it is rendered (a
/// team build holds no page longer than its member's site takes).
pub fn build(team: &Team, as_of: NaiveDate, out: &Path) -> Result<(BuildReport, TeamReport)> {
    let start = Instant::now();
    let mut output = open_output(team, out)?;
    let renderer = TeamRenderer::new()?;
    let renderers = member_renderers(team);
    let (report, journals) = pages::inputs(team, as_of);
    output.begin()?;
    let mut staged: Vec<Staged> =
        renderer.render(team, &report, &journals)?.iter().map(|p| output.stage(p)).collect::<Result<_>>()?;
    drop(journals);
    staged.extend(member_pages_each(team, as_of, &renderers, &|page| output.stage(&page))?);
    let pages = staged.len();
    let written = output.commit(staged)?;
    let tally = Tally::of(
        team.members
            .iter()
            .filter_map(|m| m.workspace())
            .flat_map(|ws| ws.diagnostics(as_of))
            .collect::<Vec<_>>()
            .iter(),
    );
    let report_out = BuildReport {
        output: output.path().to_path_buf(),
        pages,
        written: written.written,
        unchanged: written.unchanged,
        removed: written.removed,
        errors: tally.errors,
        warnings: tally.warnings,
        problems: Vec::new(),
        elapsed: start.elapsed(),
    };
    Ok((report_out, report))
}

/// The team's output folder, checked against the team folder and every
/// member's journal (never inside one, never holding one).
pub fn open_output(team: &Team, out: &Path) -> Result<OutputDir> {
    for ws in team.members.iter().filter_map(|m| m.workspace()) {
        OutputDir::open(out, &ws.root)?;
    }
    OutputDir::open(out, &team.root)
}
