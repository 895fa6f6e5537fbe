//! The command line (SPEC §5). clap stays in this module: each command is
//! turned into a call of the library, and every outcome into an exit code
//! in one place ([`run`]).

use crate::analyse::summary;
use crate::commands::export;
use crate::error::{Error, Result};
use crate::live::{serve, watch};
use crate::model::diagnostic::Tally;
use crate::output;
use crate::site::workspace::Workspace;
use crate::source::discover;
use crate::text::parse_date;
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "saleslog",
    version,
    about = "Plain-text daily notes in, the reports a self-managed salesperson needs out.",
    after_help = "Examples:\n  saleslog report sample-journal\n  saleslog check --format json\n  saleslog --today 2026-11-27 serve sample-journal --open"
)]
pub struct Cli {
    /// The report date (YYYY-MM-DD); default: today's local date.
    #[arg(long, global = true, value_parser = parse_today, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    #[command(subcommand)]
    pub command: Command,
}

/// A hidden `--today` for a command that makes no report: it takes the
/// global option's place there (clap propagates a global option only to
/// commands without one of the same name), so `--help` and completions do
/// not offer it, and using it says why.
fn no_today(command: &'static str) -> clap::Arg {
    clap::Arg::new("today").long("today").hide(true).value_parser(move |_: &str| {
        Err::<NaiveDate, String>(format!("`saleslog {command}` makes no report, so it takes no report date"))
    })
}

fn parse_today(s: &str) -> std::result::Result<NaiveDate, String> {
    parse_date(s).ok_or_else(|| {
        // `2026-02-30` has the form and is no day: say which.
        let shaped = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        if shaped {
            format!("`{s}` is not a real date (that day does not exist)")
        } else {
            format!("`{s}` is not a date of the form YYYY-MM-DD")
        }
    })
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    Ics,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportWhat {
    Notes,
    Deals,
    Commitments,
    Activity,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a journal: saleslog.yaml, .gitignore and today's note.
    ///
    /// The configuration lists every setting with its default, commented;
    /// the .gitignore keeps the generated reports out of git. Never
    /// overwrites: files that exist are kept as they are.
    #[command(
        after_help = "Examples:\n  saleslog init ~/journal\n  saleslog init --templates    # also copy the templates to customise\n  saleslog init --team ~/team  # a manager's team.yaml listing the journals found there"
    )]
    Init {
        /// The folder to set up (created if missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Also copy the built-in templates into templates/ for customising.
        #[arg(long, conflicts_with = "team")]
        templates: bool,
        /// Set up a team folder instead: a commented team.yaml listing the
        /// subfolders that hold a journal (never overwritten).
        #[arg(long)]
        team: bool,
    },
    /// Create the day's note, with open promises and deals to update.
    ///
    /// The note carries forward every open and overdue commitment and every
    /// deal that is stale, slipped or without a next step, each as a
    /// commented-out update to complete, and the previous day's asks. Never
    /// overwrites: an existing note is left as it is (exit 0).
    #[command(
        after_help = "Examples:\n  saleslog new --edit\n  saleslog new ~/journal --date 2026-11-30\n  saleslog new --date 2026-12-28 --off PTO\n  $EDITOR \"$(saleslog new)\""
    )]
    New {
        /// The journal folder.
        #[arg(default_value = ".")]
        journal: PathBuf,
        /// The note's date (YYYY-MM-DD); default: --today, else today.
        #[arg(long, value_parser = parse_today, value_name = "YYYY-MM-DD")]
        date: Option<NaiveDate>,
        /// Open the note in $VISUAL or $EDITOR.
        #[arg(long)]
        edit: bool,
        /// Make the note a day off (`off: PTO` in it): not a workday in any
        /// figure. `--off true` for a day off without a reason.
        #[arg(long, value_name = "REASON")]
        off: Option<String>,
    },
    /// Validate every note: each problem with file:line:column, what is
    /// wrong and how to fix it. Exits 1 when there are errors.
    #[command(after_help = "Examples:\n  saleslog check\n  saleslog check ~/journal --format json")]
    Check {
        /// The journal folder.
        #[arg(default_value = ".")]
        journal: PathBuf,
        /// human: each problem with its line quoted and a caret, then a
        /// count; json: an array of {file, line, column, severity, code,
        /// message, hint}.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
    },
    /// Render the HTML reports (dashboard, activity, attitude, commitments,
    /// pipeline, data, every note and a weekly review per week). Exits 1
    /// when notes have errors; everything valid is still rendered.
    #[command(
        after_help = "Examples:\n  saleslog build\n  saleslog --today 2026-11-27 build sample-journal -o /tmp/reports"
    )]
    Build {
        /// The journal folder.
        #[arg(default_value = ".")]
        journal: PathBuf,
        /// The output folder; default: `output` in saleslog.yaml (_site inside the journal).
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Build, then rebuild on every change to notes, saleslog.yaml or
    /// templates/, until Ctrl-C.
    #[command(after_help = "Examples:\n  saleslog watch\n  saleslog watch ~/journal -o /tmp/reports --poll")]
    Watch {
        /// The journal folder.
        #[arg(default_value = ".")]
        journal: PathBuf,
        /// The output folder (default: `output` of saleslog.yaml, `_site`).
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Poll the folder instead of using file-system events (network
        /// folders, WSL, or when the inotify limit is reached).
        #[arg(long)]
        poll: bool,
    },
    /// Watch, and serve the reports on a local web server whose pages
    /// reload themselves after every rebuild.
    #[command(
        after_help = "Examples:\n  saleslog serve --open\n  saleslog --today 2026-11-27 serve sample-journal --port 4001"
    )]
    Serve {
        /// The journal folder.
        #[arg(default_value = ".")]
        journal: PathBuf,
        /// The output folder (default: `output` of saleslog.yaml, `_site`).
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// The five boxes and their figures, in the terminal or as JSON.
    #[command(
        after_help = "Examples:\n  saleslog report\n  saleslog --today 2026-11-27 report sample-journal --format json"
    )]
    Report {
        /// The journal folder.
        #[arg(default_value = ".")]
        journal: PathBuf,
        /// text: one line per box with its colour and reason; json: every
        /// figure, as computed.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Export notes, deals, commitments and activity as JSON, CSV or ICS.
    ///
    /// JSON is the whole model with computed statuses; CSV is one table
    /// (--what); ICS is a calendar of commitment due dates and expected
    /// deal closes. Schema: docs/export.md.
    #[command(
        after_help = "Examples:\n  saleslog export --format json > journal.json\n  saleslog export --format csv --what deals -o deals.csv\n  saleslog export --format ics -o ~/calendars/saleslog.ics"
    )]
    Export {
        /// The journal folder.
        #[arg(default_value = ".")]
        journal: PathBuf,
        /// json: the whole model with computed statuses; csv: one table
        /// (--what); ics: a calendar of commitment due dates and deal closes.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// What to export: the table of a CSV (required), the section of a
        /// JSON export, or commitments or deals only in a calendar.
        #[arg(long, value_enum)]
        what: Option<ExportWhat>,
        /// Write to this file instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace the -o file even when it is not an earlier export (never a
        /// note, the configuration or a template of the journal).
        #[arg(long)]
        force: bool,
    },
    /// A manager's view of a team: every rep's five boxes, their last twelve
    /// weeks, the coaching queue and the team pipeline.
    ///
    /// TEAM is a folder with a team.yaml (members, an optional team quota),
    /// or whose subfolders each hold a rep's journal (a saleslog.yaml).
    /// Each rep is computed exactly as their own `saleslog report`.
    #[command(
        subcommand_required = true,
        after_help = "Examples:\n  saleslog --today 2026-11-27 team report sample-team\n  saleslog team build ~/team -o /tmp/team-site\n  saleslog team serve ~/team --open\n  saleslog team export ~/team --format parquet -o ~/warehouse/sales"
    )]
    Team {
        #[command(subcommand)]
        command: TeamCommand,
    },
    /// Run the language server (LSP, on stdio) for editors: diagnostics as
    /// you type, completion, hover and go to definition in the notes.
    ///
    /// Started by the editor, not by hand; setup for VS Code, Neovim,
    /// Helix and Emacs: docs/editors.md. The journal is JOURNAL if given,
    /// else the editor's workspace folder.
    #[command(after_help = "Examples:\n  saleslog lsp\n  saleslog lsp ~/journal")]
    Lsp {
        /// The journal folder (default: the editor's workspace folder, else .).
        journal: Option<PathBuf>,
    },
    /// Print a shell completion script.
    #[command(
        arg = no_today("completions"),
        after_help = "Examples:\n  saleslog completions bash > ~/.local/share/bash-completion/completions/saleslog\n  saleslog completions zsh > ~/.zfunc/_saleslog\n  saleslog completions fish > ~/.config/fish/completions/saleslog.fish"
    )]
    Completions {
        #[arg(value_enum)]
        shell: crate::commands::completions::Shell,
    },
    /// Print the man page, or write one page per command into a folder.
    #[command(arg = no_today("man"), after_help = "Examples:\n  saleslog man | man -l -\n  saleslog man -o /usr/local/share/man/man1")]
    Man {
        /// Write saleslog.1 and saleslog-<command>.1 into this folder.
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TeamExportFormat {
    Parquet,
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Members × five boxes, with the team's counts and totals; exit 1 when
    /// a member could not be read.
    #[command(
        after_help = "Examples:\n  saleslog team report\n  saleslog --today 2026-11-27 team report sample-team --format json"
    )]
    Report {
        /// The team folder.
        #[arg(default_value = ".")]
        team: PathBuf,
        /// `text`: a table for the terminal; `json`: every figure (SPEC §10).
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Every member's problems, each file under its member's folder; exit 1
    /// on errors or a member that could not be read.
    #[command(after_help = "Examples:\n  saleslog team check ~/team\n  saleslog team check --format json")]
    Check {
        /// The team folder.
        #[arg(default_value = ".")]
        team: PathBuf,
        /// `human`: located messages with the line quoted; `json`: a list of diagnostics.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
    },
    /// The team site: the grid, box history, coaching queue, team pipeline,
    /// a one-to-one page per rep, and every rep's own reports under members/.
    #[command(
        after_help = "Examples:\n  saleslog team build\n  saleslog --today 2026-11-27 team build sample-team -o /tmp/team"
    )]
    Build {
        /// The team folder.
        #[arg(default_value = ".")]
        team: PathBuf,
        /// The output folder (default: _site in the team folder).
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Build, watch every member's journal, and serve the team site on a
    /// local web server whose pages reload themselves.
    #[command(
        after_help = "Examples:\n  saleslog team serve --open\n  saleslog --today 2026-11-27 team serve sample-team --port 4001"
    )]
    Serve {
        /// The team folder.
        #[arg(default_value = ".")]
        team: PathBuf,
        /// The output folder (default: _site in the team folder).
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Every member's deals, commitments, notes and activity as
    /// Hive-partitioned Parquet tables (DuckDB, Polars, Spark).
    #[command(
        after_help = "Examples:\n  saleslog team export --format parquet -o ~/warehouse/sales\n  duckdb -c \"select member, sum(amount) from read_parquet('sales/deals/*/*.parquet', hive_partitioning=true) where status='open' group by member\""
    )]
    Export {
        /// The team folder.
        #[arg(default_value = ".")]
        team: PathBuf,
        /// The only format: Parquet, one folder per table, one partition per member.
        #[arg(long, value_enum)]
        format: TeamExportFormat,
        /// The folder to write (default: _export in the team folder).
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
    },
}

/// Parse the command line, run the command, and map the outcome to the
/// exit codes of SPEC §5: 0 success, 1 problems in the notes, 2 usage,
/// configuration or I/O errors.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let folder = cli.command.folder().map(Path::to_path_buf);
    match execute(cli) {
        Ok(code) => code,
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Error::Config(problems)) => {
            // The configuration's own lines are quoted, read again from the
            // folder the command was given (its diagnostics name the file
            // relative to it).
            let text = output::diagnostics_human(
                &problems,
                |file| discover::quotable(folder.as_deref()?, file),
                anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never,
            );
            let mut err = anstream::stderr();
            let _ = write!(err, "{text}");
            let n = problems.len();
            let file = crate::error::config_file(&problems);
            let _ = writeln!(
                err,
                "saleslog: {file} has {n} problem{}; fix them and run again",
                if n == 1 { "" } else { "s" }
            );
            ExitCode::from(2)
        }
        Err(e) => {
            let _ = writeln!(anstream::stderr(), "saleslog: {e}");
            ExitCode::from(2)
        }
    }
}

impl Command {
    /// The journal or team folder the command reads, if it reads one.
    fn folder(&self) -> Option<&Path> {
        match self {
            Command::Check { journal, .. }
            | Command::Report { journal, .. }
            | Command::Build { journal, .. }
            | Command::Watch { journal, .. }
            | Command::Serve { journal, .. }
            | Command::New { journal, .. }
            | Command::Export { journal, .. } => Some(journal),
            // The language server reports its problems to the editor.
            Command::Lsp { .. } => None,
            Command::Init { dir, .. } => Some(dir),
            Command::Team { command } => Some(match command {
                TeamCommand::Report { team, .. }
                | TeamCommand::Check { team, .. }
                | TeamCommand::Build { team, .. }
                | TeamCommand::Serve { team, .. }
                | TeamCommand::Export { team, .. } => team,
            }),
            Command::Completions { .. } | Command::Man { .. } => None,
        }
    }
}

/// The flags `serve` and `team serve` share.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The port; the next free one (up to 10 above) is taken if it is busy.
    #[arg(long, default_value_t = 4000)]
    port: u16,
    /// The address to listen on. Anything but loopback shares the reports
    /// with the network.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Open the reports in the default browser.
    #[arg(long)]
    open: bool,
    /// Poll instead of using file-system events.
    #[arg(long)]
    poll: bool,
}

impl ServeArgs {
    fn options(&self) -> serve::Options {
        serve::Options { port: self.port, bind: self.bind, open: self.open, poll: self.poll }
    }
}

fn today(cli_today: Option<NaiveDate>) -> NaiveDate {
    cli_today.unwrap_or_else(|| chrono::Local::now().date_naive())
}

fn stdout_write(text: &str) -> Result<()> {
    let mut out = anstream::stdout();
    out.write_all(text.as_bytes()).and_then(|_| out.flush()).map_err(|e| Error::io("<stdout>", e))
}

use crate::render::bound;

fn execute(cli: Cli) -> Result<ExitCode> {
    let as_of = today(cli.today);
    // A render that cannot be stopped from inside ends a one-shot command;
    // a watch session only says so (see render::bound).
    let live = matches!(
        cli.command,
        Command::Watch { .. } | Command::Serve { .. } | Command::Team { command: TeamCommand::Serve { .. } }
    );
    bound::on_stuck(if live { bound::Stuck::Warn } else { bound::Stuck::Exit });
    match cli.command {
        Command::Check { journal, format } => check(&journal, format, as_of),
        Command::Report { journal, format } => report(&journal, format, as_of),
        Command::Build { journal, output } => build(&journal, output.as_deref(), as_of),
        Command::Watch { journal, output, poll } => watch(journal, output, cli.today, poll),
        Command::Serve { journal, output, serve: o } => serve(journal, output, cli.today, o),
        Command::Init { dir, team: true, .. } => crate::commands::init::team_command(&dir),
        Command::Init { dir, templates, team: false } => crate::commands::init::command(&dir, as_of, templates),
        Command::New { journal, date, edit, off } => {
            crate::commands::new::command(&journal, date.unwrap_or(as_of), edit, off.as_deref())
        }
        Command::Export { journal, format, what, output, force } => {
            let format = match format {
                ExportFormat::Json => export::Format::Json,
                ExportFormat::Csv => export::Format::Csv,
                ExportFormat::Ics => export::Format::Ics,
            };
            let what = what.map(|w| match w {
                ExportWhat::Notes => export::What::Notes,
                ExportWhat::Deals => export::What::Deals,
                ExportWhat::Commitments => export::What::Commitments,
                ExportWhat::Activity => export::What::Activity,
            });
            export::command(&journal, as_of, format, what, output.as_deref(), force)
        }
        Command::Team { command } => team(command, cli.today, as_of),
        Command::Lsp { journal } => crate::lsp::run(journal, cli.today),
        Command::Completions { shell } => crate::commands::completions::completions_command(shell),
        Command::Man { output } => crate::commands::completions::man_command(output.as_deref()),
    }
}

/// Say so on stderr when the folder holds no note at all: an empty or wrong
/// folder would otherwise pass `check` and build empty pages in silence;
/// and when git failed on the journal's repository (its figures of SPEC §8
/// would be missing without a word).
/// A notice, not a diagnostic: it is about the folder, not a file, and
/// must not change the Data box's count of warnings (SPEC §4).
fn notice_folder_problems(ws: &Workspace, journal: &Path) {
    if let Some(problem) = ws.history_problem() {
        let _ = writeln!(
            anstream::stderr(),
            "saleslog: warning: git could not read the journal's history, so its timeliness (SPEC §8) is left out: {}",
            problem.trim_end()
        );
    }
    if ws.notes().is_empty() {
        if let Some(layout) = &ws.config.vault {
            // Say where a vault's daily notes were looked for (SPEC §11).
            let _ = writeln!(
                anstream::stderr(),
                "saleslog: warning: no daily notes found in {} — a daily note here is {}{}.md, as {} says",
                journal.display(),
                layout.folder,
                layout.format.written,
                layout.from
            );
            return;
        }
        let _ = writeln!(
            anstream::stderr(),
            "saleslog: warning: no notes found in {} — is this the journal? (a note is a `.md` file dated by its name, e.g. 2026-11-27.md, or by `date:` in its front matter)",
            journal.display()
        );
    }
}

fn check(journal: &Path, format: CheckFormat, as_of: NaiveDate) -> Result<ExitCode> {
    let ws = json_config_problems(Workspace::load_one_shot(journal), format)?;
    notice_folder_problems(&ws, journal);
    let diagnostics = ws.diagnostics(as_of);
    let tally = Tally::of(&diagnostics);
    match format {
        CheckFormat::Json => {
            let json = serde_json::to_string_pretty(&diagnostics).expect("diagnostics serialize");
            stdout_write(&format!("{json}\n"))?;
        }
        CheckFormat::Human => {
            let styled = anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
            // Each note read once, however many problems it has.
            let read = std::cell::RefCell::new(std::collections::HashMap::<String, Option<String>>::new());
            let source = |rel: &str| {
                read.borrow_mut().entry(rel.to_string()).or_insert_with(|| discover::quotable(journal, rel)).clone()
            };
            let text = output::diagnostics_human(&diagnostics, source, styled);
            let notes = ws.sources.values().filter(|s| s.note.is_some()).count();
            stdout_write(&format!("{text}{}\n", output::tally_line(tally, notes)))?;
        }
    }
    exit_leaving(ws);
    Ok(if tally.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `check --format json` of a folder whose configuration is broken: its
/// problems, in the shape of a note's, on stdout for the tool reading it
/// (an editor, CI), and the error as ever (on stderr, exit 2: nothing was
/// checked).
fn json_config_problems<T>(loaded: Result<T>, format: CheckFormat) -> Result<T> {
    if let (Err(Error::Config(problems)), CheckFormat::Json) = (&loaded, format) {
        let json = serde_json::to_string_pretty(problems).expect("diagnostics serialize");
        stdout_write(&format!("{json}\n"))?;
    }
    loaded
}

fn build(journal: &Path, output: Option<&Path>, as_of: NaiveDate) -> Result<ExitCode> {
    let ws = Workspace::load_for_build(journal)?;
    notice_folder_problems(&ws, journal);
    let out = output.map_or_else(|| ws.default_output(), Path::to_path_buf);
    let report = crate::site::build::build(&ws, as_of, &out)?;
    let _ = writeln!(anstream::stderr(), "{}", report.summary());
    exit_leaving(ws);
    Ok(if report.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The end of a one-shot command: its journal (tens of thousands of notes,
/// a team's fifty journals) is left to the operating system, which takes
/// the process's memory back at once, instead of freed one allocation at a
/// time just before the exit (2 % of a team report).
fn exit_leaving<T>(loaded: T) {
    std::mem::forget(loaded);
}

fn report(journal: &Path, format: ReportFormat, as_of: NaiveDate) -> Result<ExitCode> {
    let ws = Workspace::load_one_shot(journal)?;
    notice_folder_problems(&ws, journal);
    let figures = ws.figures(as_of);
    match format {
        ReportFormat::Json => {
            let json = serde_json::to_string_pretty(&figures).expect("figures serialize");
            stdout_write(&format!("{json}\n"))?;
        }
        ReportFormat::Text => {
            let boxes = summary::summarize(&figures, &ws.config);
            let plan = crate::analyse::plan::in_words(&figures, &ws.config);
            stdout_write(&format!(
                "{}{}",
                output::report_text(&figures, &boxes, &ws.config.name),
                output::plan_text(&plan)
            ))?;
        }
    }
    exit_leaving(ws);
    Ok(ExitCode::SUCCESS)
}

/// A team of no one is most likely a folder given by mistake (a journal,
/// not its team): said, as a journal without notes is. So is one journal
/// listed under two names, which every count would take twice.
fn notice_team_problems(team: &crate::team::Team) {
    if team.members.is_empty() {
        let _ = writeln!(
            anstream::stderr(),
            "saleslog: warning: no members in {} — list them in a team.yaml (`members: [{{name: Alex Rivera, journal: alex}}]`), or give each rep's journal a folder of its own in it",
            team.root.display()
        );
    }
    let real: Vec<Option<PathBuf>> = team.members.iter().map(|m| m.root.canonicalize().ok()).collect();
    for (i, m) in team.members.iter().enumerate() {
        if let Some(first) = (0..i).find(|&j| real[j].is_some() && real[j] == real[i]) {
            let _ = writeln!(
                anstream::stderr(),
                "saleslog: warning: members {} and {} are the same journal folder ({}), so its figures count twice in the team's; list it once in team.yaml",
                team.members[first].name,
                m.name,
                m.root.display()
            );
        }
    }
}

fn team(command: TeamCommand, today: Option<NaiveDate>, as_of: NaiveDate) -> Result<ExitCode> {
    use crate::team::{command as cmd, Team};
    let code = |failed: bool| if failed { ExitCode::from(1) } else { ExitCode::SUCCESS };
    match command {
        TeamCommand::Report { team, format } => {
            let team = Team::load_one_shot(&team)?;
            notice_team_problems(&team);
            let (text, failed) = cmd::report_output(&team, as_of, matches!(format, ReportFormat::Json));
            stdout_write(&text)?;
            exit_leaving(team);
            Ok(code(failed))
        }
        TeamCommand::Check { team, format } => {
            let team = json_config_problems(Team::load_one_shot(&team), format)?;
            notice_team_problems(&team);
            let (diagnostics, counts) = cmd::check(&team, as_of);
            let tally = Tally::of(&diagnostics);
            match format {
                CheckFormat::Json => {
                    let json = serde_json::to_string_pretty(&diagnostics).expect("diagnostics serialize");
                    stdout_write(&format!("{json}\n"))?;
                }
                CheckFormat::Human => {
                    let styled = anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
                    let source = |rel: &str| {
                        team.members.iter().find_map(|m| {
                            let inner = rel.strip_prefix(m.journal.trim_end_matches('/'))?.strip_prefix('/')?;
                            discover::quotable(&m.root, inner)
                        })
                    };
                    let text = output::diagnostics_human(&diagnostics, source, styled);
                    let notes: usize = counts.iter().map(|(_, n)| n).sum();
                    let members = counts.len();
                    stdout_write(&format!(
                        "{text}{} member{}: {}\n",
                        members,
                        if members == 1 { "" } else { "s" },
                        output::tally_line(tally, notes)
                    ))?;
                }
            }
            Ok(code(tally.errors > 0))
        }
        TeamCommand::Build { team, output } => {
            let team = Team::load_one_shot(&team)?;
            notice_team_problems(&team);
            let out = output.unwrap_or_else(|| team.root.join("_site"));
            let (report, figures) = cmd::build(&team, as_of, &out)?;
            let _ = writeln!(anstream::stderr(), "{}", report.summary());
            for m in figures.members.iter().filter(|m| m.error.is_some()) {
                let _ = writeln!(anstream::stderr(), "member {}: {}", m.name, m.error.as_deref().unwrap_or(""));
            }
            exit_leaving(team);
            // As `build` does (SPEC §5): 1 when a member's notes have
            // errors, as when a member could not be read (§10).
            Ok(code(cmd::any_failed(&figures) || report.errors > 0))
        }
        TeamCommand::Serve { team, output, serve } => crate::live::team::serve(&team, output, today, serve.options()),
        TeamCommand::Export { team, format: TeamExportFormat::Parquet, output } => {
            let team = Team::load(&team)?;
            notice_team_problems(&team);
            team_export(&team, as_of, output)
        }
    }
}

#[cfg(feature = "parquet")]
fn team_export(team: &crate::team::Team, as_of: NaiveDate, output: Option<PathBuf>) -> Result<ExitCode> {
    use crate::team::parquet;
    let dir = output.unwrap_or_else(|| parquet::default_dir(team));
    let report = parquet::export(team, as_of, &dir)?;
    let _ = writeln!(
        anstream::stderr(),
        "wrote {} Parquet file{} ({} rows) into {}{}",
        report.files,
        if report.files == 1 { "" } else { "s" },
        report.rows,
        dir.display(),
        if report.removed > 0 {
            format!("; {} stale partition file{} removed", report.removed, if report.removed == 1 { "" } else { "s" })
        } else {
            String::new()
        }
    );
    for rel in &report.kept {
        let _ = writeln!(
            anstream::stderr(),
            "kept {}: a stale partition saleslog cannot tell is still its own (changed since it was written, \
             reached through a link, or listed without a hash by an older saleslog); it is no longer listed \
             (hint: delete it yourself if it is not a file of yours)",
            dir.join(rel).display()
        );
    }
    for name in &report.skipped {
        let _ = writeln!(anstream::stderr(), "member {name} could not be read and is not in the tables");
    }
    Ok(if report.skipped.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

#[cfg(not(feature = "parquet"))]
fn team_export(_: &crate::team::Team, _: NaiveDate, _: Option<PathBuf>) -> Result<ExitCode> {
    Err(Error::Usage("this saleslog was built without the `parquet` feature; rebuild with `--features parquet`".into()))
}

fn watch_options(journal: PathBuf, output: Option<PathBuf>, today: Option<NaiveDate>, poll: bool) -> watch::Options {
    watch::Options { journal, output, today, poll, debounce: watch::DEFAULT_DEBOUNCE }
}

/// One timestamped line per rebuild on stderr, so stdout stays clean.
fn log_outcome(outcome: &watch::Outcome) {
    if outcome.line.is_empty() {
        return;
    }
    let time = chrono::Local::now().format("%H:%M:%S");
    let _ = writeln!(anstream::stderr(), "{time} {}", outcome.line);
}

fn watch(journal: PathBuf, output: Option<PathBuf>, today: Option<NaiveDate>, poll: bool) -> Result<ExitCode> {
    let session = watch::Session::open(watch_options(journal, output, today, poll))?;
    let _ = writeln!(
        anstream::stderr(),
        "watching {} → {} (Ctrl-C to stop)",
        session.journal().display(),
        session.output().display()
    );
    let stop = std::sync::atomic::AtomicBool::new(false);
    watch::run(session, &stop, &mut log_outcome)?;
    Ok(ExitCode::SUCCESS)
}

fn serve(journal: PathBuf, output: Option<PathBuf>, today: Option<NaiveDate>, o: ServeArgs) -> Result<ExitCode> {
    let o = o.options();
    let session = watch::Session::open(watch_options(journal, output, today, o.poll))?;
    let live = serve::Live::new();
    // The server starts before the first build, so even a failed first
    // build is shown in the browser.
    let running = serve::start_for(session.output(), &o, live.clone())?;
    let url = running.url();
    let _ = writeln!(anstream::stderr(), "serving {} at {url} (Ctrl-C to stop)", session.output().display());
    let mut opened = !o.open;
    let stop = std::sync::atomic::AtomicBool::new(false);
    watch::run(session, &stop, &mut |outcome| {
        // Published first, so that once the line is printed the server
        // already serves this build's status.
        if outcome.report.is_some() || outcome.failed {
            live.publish(outcome.problems.clone(), outcome.failed);
        }
        log_outcome(outcome);
        if !opened {
            opened = true;
            crate::live::open_browser(&url);
        }
    })?;
    Ok(ExitCode::SUCCESS)
}
