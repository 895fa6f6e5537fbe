//! `saleslog init`: start a journal in a folder — a commented
//! `saleslog.yaml`, a `.gitignore` for the generated reports, and today's
//! note — without ever touching a file that is already there.
//!
//! Policy for existing files: **create what is missing, keep what exists**.
//! An existing git repository usually has a `.gitignore`, and a half-set-up
//! journal usually has its `saleslog.yaml`; refusing the whole command
//! would make `init` useless exactly where it is needed, and overwriting
//! would lose the user's work. Each kept file is named in the output, and a
//! kept `.gitignore` that does not ignore the output folder gets a hint.
//! Every file is written with a no-clobber rename, so nothing that exists —
//! even something created a moment before — is ever replaced.

use crate::commands::new::{self, write_new};
use crate::error::{Error, Result};
use crate::model::config::{self, Config};
use crate::source::vault::Dialect;
use chrono::NaiveDate;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The configuration `init` writes: every key of SPEC §3 at its default,
/// each with a one-line explanation. Parses to exactly `Config::default()`.
pub const CONFIG_TEMPLATE: &str = r#"# saleslog configuration. Every key is optional and these are the defaults:
# change what you need, delete what you do not. Reference: docs/reference.md.

name: ""                     # your name, shown in report titles
currency: USD                # currency of deal amounts, shown beside them
output: _site                # where `saleslog build` writes the reports
workdays: [mon, tue, wed, thu, fri]  # days that count for goals and missing notes
holidays: []                 # days off for everyone, not workdays: dates or ranges,
                             # e.g. [2026-11-26, 2026-12-24..2026-12-31]; a note
                             # of your own says `off: PTO` (or `off: true`)
activities: []               # known activity names, e.g. [calls, emails, meetings];
                             # when set, `check` warns about any other name
goals:                       # activity targets (the activity box)
  daily: {}                  # targets per workday, e.g. {calls: 20, emails: 15}
  weekly: {}                 # targets per week, e.g. {meetings: 8, proposals: 2}
attitude:                    # mood (the attitude box)
  scale: 5                   # mood and energy are numbers from 1 to this
  green_at: 3.5              # 7-day mean mood at or above this is green
  red_below: 2.5             # ... and below this is red
commitments:                 # promises (the commitments box)
  window_days: 30            # the on-time rate looks at what fell due in these days
quota: null                  # e.g. {amount: 300000, period: quarter}; period is
                             # month, quarter or year
pipeline:                    # deals (the pipeline box)
  coverage_target: 3.0       # pipeline closing this period / quota left, to be green
  stale_after_days: 14       # an open deal not mentioned for longer is stale
  win_rate_days: 365         # win rate and cycle time look back this many days
  stages:                    # in funnel order; a list here replaces the whole list
    - {name: lead,        probability: 0.10}
    - {name: qualified,   probability: 0.25}
    - {name: proposal,    probability: 0.50}
    - {name: negotiation, probability: 0.75}
    - {name: won,  probability: 1.0, closed: won}
    - {name: lost, probability: 0.0, closed: lost}
data:                        # timeliness, from this folder's git history (the data box)
  on_time_days: 1            # a note committed this many days after its date is on time
  late_edit_days: 7          # a commit changing a note's facts later is a late edit
  git: auto                  # auto: read git in a work tree; false: never read it
"#;

/// The `.gitignore` for a journal whose reports go to `output`.
pub fn gitignore(output: &str) -> String {
    format!("# saleslog: the generated reports (`saleslog build` recreates them)\n/{}/\n", output.trim_matches('/'))
}

/// Whether an existing `.gitignore` already ignores the output folder (a
/// line naming it, with or without slashes).
pub fn ignores(gitignore: &str, output: &str) -> bool {
    let output = output.trim_matches('/');
    gitignore
        .lines()
        .map(str::trim)
        .any(|l| l.trim_matches('/') == output || l.trim_matches('/') == format!("{output}/*"))
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    Created,
    /// It existed and was left untouched.
    Kept,
}

/// One line of `init`'s account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Path relative to the journal, `/`-separated.
    pub rel: String,
    pub outcome: FileOutcome,
    /// What the file is for.
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub root: PathBuf,
    pub steps: Vec<Step>,
    /// Today's note, relative to the journal.
    pub note: String,
    /// The folder is inside a git repository.
    pub in_git: bool,
    /// Advice about kept files (a `.gitignore` missing the output folder).
    pub hints: Vec<String>,
}

/// The templates `--templates` copies, as (file name under `templates/`,
/// contents): the note template, then the report templates and the
/// stylesheet the renderer is built with.
pub fn builtin_templates() -> Vec<(&'static str, &'static str)> {
    let mut all = vec![("note.md", new::NOTE_TEMPLATE)];
    all.extend(crate::render::TEMPLATES.iter().copied());
    all.push((crate::render::STYLESHEET_NAME, crate::render::STYLESHEET));
    all
}

/// Create a journal in `dir` (made if missing) with today's note for
/// `today`; with `templates`, also copy the built-in templates.
pub fn init(dir: &Path, today: NaiveDate, templates: bool) -> Result<Report> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    if !dir.is_dir() {
        return Err(Error::Usage(format!("{} is not a folder", dir.display())));
    }
    let mut steps = Vec::new();
    let mut hints = Vec::new();
    let mut file = |rel: &str, what: &str, bytes: &[u8]| -> Result<FileOutcome> {
        let outcome = if write_new(&dir.join(rel), bytes)? { FileOutcome::Created } else { FileOutcome::Kept };
        steps.push(Step { rel: rel.to_string(), outcome: outcome.clone(), what: what.to_string() });
        Ok(outcome)
    };

    // In an Obsidian vault or a Logseq graph, the configuration says so
    // (SPEC §11): the vault's own files are read as they are.
    let dialect = Dialect::detect(dir);
    let config_text = match dialect {
        Dialect::Saleslog => CONFIG_TEMPLATE.to_string(),
        d => CONFIG_TEMPLATE.replacen(
            "name: \"\"",
            &format!(
                "dialect: {:<20} # read this folder's own notes as they are (docs/vaults.md)\nname: \"\"",
                d.name()
            ),
            1,
        ),
    };
    file(config::FILE_NAME, "the configuration, every key with its default", config_text.as_bytes())?;
    // The configuration that counts is the one now on disk (it may be the
    // user's own); a broken one stops here, before anything else is written.
    let config = match std::fs::read_to_string(dir.join(config::FILE_NAME)) {
        Ok(text) => config::parse(&text).map_err(Error::Config)?,
        Err(e) => return Err(Error::io(dir.join(config::FILE_NAME), e)),
    };
    let output = output_in_journal(&config);
    if let Some(output) = &output {
        // A .gitignore of the user's is kept: say what it does, not what
        // saleslog's would have.
        let existing = std::fs::read_to_string(dir.join(".gitignore")).ok();
        let what = match &existing {
            Some(text) if !ignores(text, output) => {
                format!("yours, which does not ignore the reports folder {output}/")
            }
            _ => format!("ignores the reports folder {output}/"),
        };
        if file(".gitignore", &what, gitignore(output).as_bytes())? == FileOutcome::Kept
            && existing.is_some_and(|text| !ignores(&text, output))
        {
            hints.push(format!("add the line `/{output}/` to .gitignore so the generated reports stay out of git"));
        }
    }
    if templates {
        for (name, text) in builtin_templates() {
            file(&format!("templates/{name}"), "a built-in template, to customise", text.as_bytes())?;
        }
    }
    let note = match new::create(dir, today, None)? {
        new::Outcome::Created { rel, .. } => {
            steps.push(Step { rel: rel.clone(), outcome: FileOutcome::Created, what: "today's note".into() });
            rel
        }
        new::Outcome::Exists { rel } => {
            steps.push(Step { rel: rel.clone(), outcome: FileOutcome::Kept, what: "today's note".into() });
            rel
        }
    };
    Ok(Report { root: dir.to_path_buf(), steps, note, in_git: in_git_repository(dir), hints })
}

/// The output folder as a path inside the journal, if it is one (an
/// absolute or `..` output needs no `.gitignore` line here).
fn output_in_journal(config: &Config) -> Option<String> {
    let out = config.output.trim().trim_start_matches("./").trim_end_matches('/');
    let path = Path::new(out);
    let inside = !out.is_empty()
        && path.is_relative()
        && path.components().all(|c| matches!(c, std::path::Component::Normal(_)));
    inside.then(|| out.replace('\\', "/"))
}

fn in_git_repository(dir: &Path) -> bool {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors().any(|a| a.join(".git").exists())
}

/// The `team.yaml` that `init --team` writes (SPEC §10): the team's name,
/// one member line per journal folder given, and the team quota, each with
/// a one-line explanation. Without journals, the members are commented
/// examples. A member's name comes from its own `saleslog.yaml`.
pub fn team_template(journals: &[String]) -> String {
    let mut out = String::from(
        "# saleslog team: the reps a manager follows. Reference: docs/team.md.\n\
         # `saleslog team report`, `team build`, `team serve` read this file.\n\n\
         name: \"\"                       # the team's name in its pages; empty: this folder's name\n\
         members:                       # each a rep's journal folder, relative to this file, e.g.\n\
         \x20                              #   - {name: Alex Rivera, journal: alex}\n\
         \x20                              #   - {name: Sam Lee, journal: ../clones/sam}\n\
         \x20                              # without `name:`, the journal's saleslog.yaml name (else the folder's)\n",
    );
    if journals.is_empty() {
        out.push_str("  []                           # no journal here yet: add one line per rep\n");
    }
    for journal in journals {
        let quoted = journal.replace('\\', "\\\\").replace('"', "\\\"");
        out.push_str(&format!("  - {{journal: \"{quoted}\"}}\n"));
    }
    out.push_str(
        "quota: null                    # the team's own number, e.g. {amount: 1200000, period: quarter};\n\
         \x20                              # period is month, quarter or year; coverage is against it\n",
    );
    out
}

/// The subfolders of `dir` that hold a journal (a `saleslog.yaml`), in
/// name order, leaving out `.`/`_` folders (a `_site` is no rep).
fn journal_subfolders(dir: &Path) -> Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| !n.starts_with('.') && !n.starts_with('_'))
        .filter(|n| dir.join(n).join(config::FILE_NAME).is_file())
        .collect();
    names.sort();
    Ok(names)
}

/// `init --team`: write `dir/team.yaml` (the folder made if missing)
/// listing the journals found in it; an existing one is kept untouched.
/// Returns what happened and the journals listed.
pub fn init_team(dir: &Path) -> Result<(FileOutcome, Vec<String>)> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let journals = journal_subfolders(dir)?;
    let created = write_new(&dir.join("team.yaml"), team_template(&journals).as_bytes())?;
    Ok((if created { FileOutcome::Created } else { FileOutcome::Kept }, journals))
}

/// `saleslog init --team [DIR]`.
pub fn team_command(dir: &Path) -> Result<std::process::ExitCode> {
    let (outcome, journals) = init_team(dir)?;
    let shown = dir.display();
    let text = match outcome {
        FileOutcome::Kept => format!("{shown}/team.yaml exists and was kept as it is; nothing was changed.\n"),
        FileOutcome::Created if journals.is_empty() => format!(
            "Created {shown}/team.yaml with no members: no subfolder of {shown} holds a saleslog.yaml yet.\n\
             Next: clone each rep's journal into {shown} (or list its folder in team.yaml), then `saleslog team report {shown}`.\n"
        ),
        FileOutcome::Created => format!(
            "Created {shown}/team.yaml with {} member{}: {}.\nNext: `saleslog team report {shown}`.\n",
            journals.len(),
            if journals.len() == 1 { "" } else { "s" },
            journals.join(", ")
        ),
    };
    let mut out = anstream::stdout();
    out.write_all(text.as_bytes()).and_then(|_| out.flush()).map_err(|e| Error::io("<stdout>", e))?;
    Ok(std::process::ExitCode::SUCCESS)
}

/// The account `init` prints: what was created, what was kept, what to do
/// next.
pub fn summary(report: &Report, shown_root: &str) -> String {
    let mut out = String::new();
    let created = report.steps.iter().filter(|s| s.outcome == FileOutcome::Created).count();
    if created == 0 {
        out.push_str(&format!("A saleslog journal is already set up in {shown_root}; nothing was changed.\n"));
    } else {
        out.push_str(&format!("Set up a saleslog journal in {shown_root}:\n"));
    }
    // The templates are many files with one purpose: one line each for
    // those created and those kept.
    let mut lines: Vec<(&FileOutcome, String, String)> = Vec::new();
    for step in &report.steps {
        if step.rel.starts_with("templates/") {
            let n =
                report.steps.iter().filter(|s| s.rel.starts_with("templates/") && s.outcome == step.outcome).count();
            if !lines.iter().any(|(o, rel, _)| *o == &step.outcome && rel == "templates/") {
                let files = if n == 1 { "1 file".to_string() } else { format!("{n} files") };
                let what = match step.outcome {
                    FileOutcome::Created => format!("the built-in templates, to customise ({files})"),
                    FileOutcome::Kept => format!("templates already there ({files})"),
                };
                lines.push((&step.outcome, "templates/".into(), what));
            }
        } else {
            lines.push((&step.outcome, step.rel.clone(), step.what.clone()));
        }
    }
    let width = lines.iter().map(|(_, rel, _)| rel.chars().count()).max().unwrap_or(0);
    for (outcome, rel, what) in lines {
        let verb = match outcome {
            FileOutcome::Created => "created",
            FileOutcome::Kept => "kept   ",
        };
        out.push_str(&format!("  {verb} {rel:<width$}  {what}\n"));
    }
    for hint in &report.hints {
        out.push_str(&format!("  hint: {hint}\n"));
    }
    let journal = if shown_root == "." { String::new() } else { format!(" {}", quote_arg(shown_root)) };
    let note = if shown_root == "." { PathBuf::from(&report.note) } else { Path::new(shown_root).join(&report.note) };
    out.push_str("\nNext:\n");
    out.push_str(&format!("  1. Write today's note: $EDITOR {}\n", quote_arg(&note.display().to_string())));
    out.push_str(&format!("  2. See the reports, rebuilt on every save: saleslog serve{journal} --open\n"));
    if report.in_git {
        out.push_str("  3. Commit the journal: git add -A && git commit -m \"Start my saleslog\"\n");
    } else {
        let cd = if shown_root == "." { String::new() } else { format!("cd {} && ", quote_arg(shown_root)) };
        out.push_str(&format!(
            "  3. Version it with git: {cd}git init && git add -A && git commit -m \"Start my saleslog\"\n"
        ));
    }
    out.push_str(&format!("Every morning after that: saleslog new{journal} --edit\n"));
    out
}

/// An argument as a shell would need it (quoted when it has spaces or
/// shell characters).
fn quote_arg(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || "-_./~:@%+=,".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// `saleslog init`: set up the journal and print the account. Exit 0 even
/// when everything already existed (nothing to do is not a failure).
pub fn command(dir: &Path, today: NaiveDate, templates: bool) -> Result<std::process::ExitCode> {
    let report = init(dir, today, templates)?;
    let text = summary(&report, &dir.display().to_string());
    let mut out = anstream::stdout();
    out.write_all(text.as_bytes()).and_then(|_| out.flush()).map_err(|e| Error::io("<stdout>", e))?;
    Ok(std::process::ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commented_configuration_is_exactly_the_defaults() {
        assert_eq!(config::parse(CONFIG_TEMPLATE), Ok(Config::default()));
    }

    #[test]
    fn the_configuration_explains_every_key_of_the_spec() {
        for key in [
            "name:",
            "currency:",
            "output:",
            "workdays:",
            "holidays:",
            "activities:",
            "goals:",
            "daily:",
            "weekly:",
            "attitude:",
            "scale:",
            "green_at:",
            "red_below:",
            "commitments:",
            "window_days:",
            "quota:",
            "pipeline:",
            "coverage_target:",
            "stale_after_days:",
            "win_rate_days:",
            "stages:",
            "data:",
            "on_time_days:",
            "late_edit_days:",
            "git:",
        ] {
            let line =
                CONFIG_TEMPLATE.lines().find(|l| l.trim_start().starts_with(key)).unwrap_or_else(|| panic!("{key}"));
            assert!(line.contains(" # "), "{key} has no explanation: {line}");
        }
        for line in CONFIG_TEMPLATE.lines() {
            assert!(line.chars().count() <= 88, "too wide: {line}");
        }
    }

    #[test]
    fn gitignore_lines() {
        assert_eq!(
            gitignore("_site"),
            "# saleslog: the generated reports (`saleslog build` recreates them)\n/_site/\n"
        );
        assert!(ignores("target\n/_site/\n", "_site"));
        assert!(ignores("_site\n", "_site"));
        assert!(ignores("  _site/  \n", "_site"));
        assert!(!ignores("# _site\n_sites/\n", "_site"));
        let c = |o: &str| Config { output: o.into(), ..Config::default() };
        assert_eq!(output_in_journal(&c("_site")), Some("_site".into()));
        assert_eq!(output_in_journal(&c("./out/html/")), Some("out/html".into()));
        assert_eq!(output_in_journal(&c("/var/www")), None);
        assert_eq!(output_in_journal(&c("../site")), None);
    }

    #[test]
    fn templates_to_copy_are_the_note_and_report_templates() {
        let names: Vec<&str> = builtin_templates().iter().map(|(n, _)| *n).collect();
        for name in ["note.md", "index.html", "style.css"] {
            assert!(names.contains(&name), "{name} missing from {names:?}");
        }
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
    }

    #[test]
    fn shell_arguments_are_quoted_only_when_needed() {
        assert_eq!(quote_arg("my-journal/2026"), "my-journal/2026");
        assert_eq!(quote_arg("My Journal"), "'My Journal'");
        assert_eq!(quote_arg("it's"), "'it'\\''s'");
    }
}
