//! The JSON report against an independent implementation of SPEC §4
//! (`tools/oracle/oracle.py`, written from the spec alone) on journals from
//! the workplace's `gen-journal`, at many dates each.

use std::path::Path;

/// What the oracle needs, and how to get it.
const RUAMEL: (&str, &str) = ("python3 with `ruamel.yaml` is not installed", "python3 -m pip install ruamel.yaml");

fn tool_available(python_module: &str) -> bool {
    std::process::Command::new("python3")
        .args(["-c", &format!("import {python_module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn report_matches_the_independent_oracle_on_generated_journals() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let gen = root.join("../shared/tools/gen-journal");
    if !tool_available("ruamel.yaml") {
        crate::harness::skip(RUAMEL.0, RUAMEL.1);
        return;
    }
    if !gen.exists() {
        // The journal generator is the workplace's, beside the repository.
        crate::harness::skip(
            "../shared/tools/gen-journal (the journal generator beside this repository) is not there",
            "put it there, or compare on your own journals: python3 tools/oracle/compare.py --journal DIR",
        );
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("saleslog");
    for (seeds, days, layout) in [("21,22", "250", "years"), ("23", "500", "flat")] {
        let out = std::process::Command::new("python3")
            .arg(root.join("tools/oracle/compare.py"))
            .args(["--gen", seeds, "--days", days, "--layout", layout, "--dates-per-seed", "3", "--bin"])
            .arg(&bin)
            .env("GEN_JOURNAL", &gen)
            .output()
            .expect("run compare.py");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "differences from the oracle:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains(" 0 differed"), "{stdout}");
    }
}

#[test]
fn report_matches_the_oracle_on_the_sample_journal() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !tool_available("ruamel.yaml") {
        crate::harness::skip(RUAMEL.0, RUAMEL.1);
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("saleslog");
    let sample = crate::harness::Journal::sample();
    let out = std::process::Command::new("python3")
        .arg(root.join("tools/oracle/compare.py"))
        .arg("--journal")
        .arg(sample.path())
        .args(["--dates", "2026-09-01,2026-09-13,2026-10-20,2026-11-23,2026-11-27,2026-12-15", "--bin"])
        .arg(&bin)
        .output()
        .expect("run compare.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
}

/// Hand-made journals the generator does not write (issue 17): a holiday
/// inside a week with weekly goals, an `off:` note with activity, a holiday
/// range across a weekend, a streak across holidays, likely typos, `off:`
/// of the wrong type, and an empty folder (Data red).
#[test]
fn report_matches_the_oracle_on_days_off_typos_and_an_empty_folder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !tool_available("ruamel.yaml") {
        assert!(std::env::var_os("CI").is_none(), "CI must provide python3 with ruamel.yaml");
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("saleslog");
    let empty = tempfile::tempdir().unwrap();
    let dates = "2026-11-20,2026-11-26,2026-11-27,2026-11-30,2026-12-24,2026-12-28,2026-12-30,2026-12-31,2027-01-01,2027-01-05,2027-01-08";
    let fixtures = root.join("tests/fixtures");
    for journal in [
        fixtures.join("days-off"),
        fixtures.join("days-off-winter"),
        fixtures.join("faults/likely-typo"),
        fixtures.join("faults/off-wrong-type"),
        fixtures.join("faults/unknown-ids"),
        empty.path().to_path_buf(),
    ] {
        let out = std::process::Command::new("python3")
            .arg(root.join("tools/oracle/compare.py"))
            .arg("--journal")
            .arg(&journal)
            .args(["--dates", dates, "--bin"])
            .arg(&bin)
            .output()
            .expect("run compare.py");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}: {stdout}{}", journal.display(), String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains(" 0 differed"), "{stdout}");
    }
}

#[test]
fn timeliness_matches_the_oracle_on_generated_git_histories() {
    // SPEC §8: the oracle reads git its own way (rev-list, one diff-tree
    // per commit and parent, cat-file per blob) and walks renames backwards.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let gen = root.join("../shared/tools/gen-journal");
    if !gen.exists() || !tool_available("ruamel.yaml") {
        assert!(std::env::var_os("CI").is_none(), "CI must provide gen-journal and python3 with ruamel.yaml");
        eprintln!("skipped: needs ../shared/tools/gen-journal and `pip install ruamel.yaml`");
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("saleslog");
    let out = std::process::Command::new("python3")
        .arg(root.join("tools/oracle/compare.py"))
        .args(["--gen", "33,34", "--days", "120", "--git", "--dates-per-seed", "1", "--bin"])
        .arg(&bin)
        .env("GEN_JOURNAL", &gen)
        .output()
        .expect("run compare.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "differences from the oracle:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(" 0 differed"), "{stdout}");
}

/// SPEC §9 edges by hand (tests/fixtures/plan): a reopened deal, a close date
/// cleared and set again, pushes on a won deal, an invalid close, a deal
/// first mentioned won, a zero activity total, the last day of the period.
#[test]
fn plan_and_forecast_match_the_oracle_on_a_hand_made_journal() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !tool_available("ruamel.yaml") {
        assert!(std::env::var_os("CI").is_none(), "CI must provide python3 with ruamel.yaml");
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("saleslog");
    let out = std::process::Command::new("python3")
        .arg(root.join("tools/oracle/compare.py"))
        .arg("--journal")
        .arg(root.join("tests/fixtures/plan"))
        .args([
            "--dates",
            "2026-10-01,2026-10-10,2026-10-21,2026-11-16,2026-11-27,2026-12-01,2026-12-30,2026-12-31,2027-01-02",
        ])
        .arg("--bin")
        .arg(&bin)
        .output()
        .expect("run compare.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("9 agreed, 0 differed"), "{stdout}");
}

/// SPEC §10: `team report --format json` against `tools/oracle/team.py`
/// (written from §10's text, on top of the single-journal oracle) on teams
/// of generated journals: subfolders without team.yaml, team.yaml with a
/// team quota, a broken member configuration and a missing member folder,
/// two members with one slug (exit 2).
#[test]
fn team_report_matches_the_oracle_on_generated_teams() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let gen = root.join("../shared/tools/gen-journal");
    if !gen.exists() || !tool_available("ruamel.yaml") {
        assert!(std::env::var_os("CI").is_none(), "CI must provide gen-journal and python3 with ruamel.yaml");
        eprintln!("skipped: needs ../shared/tools/gen-journal and `pip install ruamel.yaml`");
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("saleslog");
    let out = std::process::Command::new("python3")
        .arg(root.join("tools/oracle/compare_team.py"))
        .args(["--seeds", "51,52", "--days", "150", "--dates", "0", "--bin"])
        .arg(&bin)
        .env("GEN_JOURNAL", &gen)
        .output()
        .expect("run compare_team.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "differences from the oracle:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("10 agreed, 0 differed"), "{stdout}");
}
