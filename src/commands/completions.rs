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
    clap_complete::generate(shell, &mut Cli::command(), "saleslog", &mut out);
    out
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
