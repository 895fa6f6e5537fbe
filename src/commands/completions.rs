//! Shell completions and man pages, generated from the command-line
//! definition itself so they can never disagree with `--help`.
//!
//! They are produced by commands (`saleslog completions`, `saleslog man`)
//! rather than at build time: a packager or a user gets them from the
//! installed binary, and the build stays free of a build script.

use crate::cli::Cli;
use crate::error::{Error, Result};
use clap::CommandFactory;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use clap_complete::Shell;

/// The completion script for `shell`.
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut visible(&Cli::command()), "saleslog", &mut out);
    out
}

/// The command line as a shell should offer it: without hidden options
/// and commands. clap_complete's bash script lists hidden options (the
/// `--today` that `completions` and `man` take only to refuse it), so the
/// scripts are made from a copy that lacks them. The copy is taken after
/// `build`, with nothing global left, so the global `--today` is already
/// on every command that accepts it and is not propagated again to those
/// whose hidden one was left out.
fn visible(cmd: &clap::Command) -> clap::Command {
    let mut built = cmd.clone();
    built.build();
    fn copy(cmd: &clap::Command) -> clap::Command {
        let mut out = clap::Command::new(cmd.get_name().to_string())
            .disable_help_flag(true)
            .disable_version_flag(true)
            .disable_help_subcommand(true);
        if let Some(about) = cmd.get_about() {
            out = out.about(about.clone());
        }
        if let Some(version) = cmd.get_version() {
            out = out.version(version.to_string());
        }
        out = out.visible_aliases(cmd.get_visible_aliases().map(str::to_string).collect::<Vec<_>>());
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            out = out.arg(arg.clone().global(false));
        }
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            out = out.subcommand(copy(sub));
        }
        out
    }
    copy(&built)
}

/// The man page of `saleslog` (section 1, roff).
pub fn man_page() -> Vec<u8> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out).expect("writing to memory cannot fail");
    out
}

/// Write `saleslog.1` and one page per command (`saleslog-new.1`, …) into
/// `dir`, returning their paths.
pub fn write_man_pages(dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = vec![cmd.clone()];
    pages.extend(cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
    let mut written = Vec::new();
    for page in pages {
        let man = clap_mangen::Man::new(page);
        let path = dir.join(man.get_filename());
        let mut bytes = Vec::new();
        man.render(&mut bytes).expect("writing to memory cannot fail");
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

fn stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|_| out.flush()).map_err(|e| Error::io("<stdout>", e))
}

/// `saleslog completions SHELL`.
pub fn completions_command(shell: Shell) -> Result<std::process::ExitCode> {
    stdout(&completions(shell))?;
    Ok(std::process::ExitCode::SUCCESS)
}

/// `saleslog man [-o DIR]`: the main page on stdout, or every page in DIR.
pub fn man_command(dir: Option<&Path>) -> Result<std::process::ExitCode> {
    match dir {
        None => stdout(&man_page())?,
        Some(dir) => {
            for path in write_man_pages(dir)? {
                let _ = writeln!(anstream::stderr(), "wrote {}", path.display());
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_a_script_naming_every_command() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell, Shell::Elvish] {
            let script = String::from_utf8(completions(shell)).unwrap();
            for command in ["init", "new", "check", "report", "export", "completions"] {
                assert!(script.contains(command), "{shell:?} lacks {command}");
            }
        }
    }

    /// `completions` and `man` take a hidden `--today` only to refuse it;
    /// no shell offers it there, while `report` still offers the real one.
    #[test]
    fn hidden_options_are_not_offered() {
        let bash = String::from_utf8(completions(Shell::Bash)).unwrap();
        let section = |name: &str| {
            let start = bash.find(&format!("saleslog__subcmd__{name})")).unwrap_or_else(|| panic!("no {name}"));
            let end = start + bash[start..].find(";;\n").unwrap();
            let opts_at = start + bash[start..].find("opts=\"").unwrap();
            bash[opts_at..end.max(opts_at)].lines().next().unwrap().to_string()
        };
        for name in ["completions", "man"] {
            let opts = section(name);
            assert!(!opts.contains("--today"), "bash offers --today on {name}: {opts}");
            assert!(opts.contains("--help"), "{opts}");
        }
        assert!(section("report").contains("--today"), "{}", section("report"));
        for shell in [Shell::Zsh, Shell::Fish, Shell::PowerShell, Shell::Elvish] {
            let script = String::from_utf8(completions(shell)).unwrap();
            assert!(script.contains("today"), "{shell:?}: --today is offered where it is accepted");
        }
    }

    #[test]
    fn the_man_page_is_roff_with_the_examples() {
        let page = String::from_utf8(man_page()).unwrap();
        assert!(page.starts_with(".ie") || page.contains(".TH saleslog 1"), "{}", &page[..200]);
        assert!(page.contains("saleslog report sample\\-journal"), "{page}");
    }

    #[test]
    fn every_command_has_an_example_in_its_help() {
        let mut cmd = Cli::command();
        cmd.build();
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let after = sub.get_after_help().map(|s| s.to_string()).unwrap_or_default();
            assert!(after.contains("Examples:\n  saleslog"), "`{}` has no example", sub.get_name());
        }
    }
}
