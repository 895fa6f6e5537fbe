//! `saleslog completions` and `saleslog man`, and the examples every
//! command's `--help` ends with.

use crate::harness::*;

fn run(args: &[&str]) -> Run {
    Run::from(saleslog().args(args).output().unwrap())
}

#[test]
fn completion_scripts_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef saleslog"),
        ("fish", "complete -c saleslog"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let r = run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(r.stdout.contains(marker), "{shell} script lacks {marker}");
        assert!(
            r.stdout.contains("export") && r.stdout.contains("commitments"),
            "{shell} script lacks export and its --what values"
        );
    }
    assert_eq!(run(&["completions", "tcsh"]).code, 2);
}

#[test]
fn man_pages_on_stdout_or_one_per_command() {
    let r = run(&["man"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains(".TH saleslog 1"), "{}", &r.stdout[..r.stdout.len().min(300)]);
    let dir = tempfile::tempdir().unwrap();
    let r = run(&["man", "-o", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for page in ["saleslog.1", "saleslog-new.1", "saleslog-export.1", "saleslog-init.1"] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
    let new = std::fs::read_to_string(dir.path().join("saleslog-new.1")).unwrap();
    assert!(new.contains("saleslog new \\-\\-edit"), "the example is in the page:\n{new}");
}

#[test]
fn every_command_help_has_an_example() {
    let help = run(&["--help"]).stdout;
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 7, "{commands:?}");
    for command in commands {
        let r = run(&[command, "--help"]);
        assert_eq!(r.code, 0, "{command}");
        assert!(
            r.stdout.contains("Examples:\n  saleslog"),
            "`saleslog {command} --help` has no example:\n{}",
            r.stdout
        );
    }
}

/// Every command that has `--format` says what each format is, and
/// `--today` (a report date) is not offered where no report is made.
#[test]
fn format_is_described_and_today_is_not_offered_on_completions_or_man() {
    for command in ["check", "report", "export"] {
        let help = String::from_utf8(saleslog().args([command, "--help"]).output().unwrap().stdout).unwrap();
        let at = help.find("      --format").unwrap_or_else(|| panic!("{command}: {help}"));
        let line: String = help[at..].lines().take(2).collect();
        assert!(line.contains("json:"), "`{command} --help` does not describe --format: {help}");
    }
    for command in ["completions", "man"] {
        let help = String::from_utf8(saleslog().args([command, "--help"]).output().unwrap().stdout).unwrap();
        assert!(!help.contains("--today"), "`{command} --help` offers --today: {help}");
        let out = saleslog().args([command, "--today", "2026-11-27"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("takes no report date"));
    }
    let report = saleslog().args(["report", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&report.stdout).contains("--today"));
    // Nor do the shells offer it there (bash's script listed it), while
    // they still do on `report`.
    let fish = run(&["completions", "fish"]).stdout;
    let offered = |command: &str| {
        fish.lines().any(|l| l.contains(&format!("using_subcommand {command}\"")) && l.contains("-l today"))
    };
    assert!(!offered("completions") && !offered("man"), "fish offers --today on completions or man");
    assert!(offered("report"), "fish does not offer --today on report");
    let bash = run(&["completions", "bash"]).stdout;
    let opts = |command: &str| {
        let at = bash.find(&format!("\n        saleslog__subcmd__{command})\n")).unwrap();
        bash[at..].lines().nth(2).unwrap().to_string()
    };
    assert!(!opts("completions").contains("--today") && !opts("man").contains("--today"), "{}", opts("man"));
    assert!(opts("report").contains("--today"), "{}", opts("report"));
}
