//! The fault suite, part two (issue 11): saleslog never modifies or
//! deletes what it did not create, and nothing a journal holds makes it
//! hang. One test per fault found by trying to break it, written from the
//! reproduction in the issue.

use crate::harness::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long an outcome may take on a loaded machine.
const LONG: Duration = Duration::from_secs(60);

/// Run `saleslog <args>` and kill it if it has not finished within `limit`:
/// a hang is a failure, not a stuck test suite.
fn run_bounded(args: &[&std::ffi::OsStr], limit: Duration) -> Run {
    let mut child = crate::harness::saleslog_process()
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn saleslog");
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            panic!("saleslog {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Run::from(child.wait_with_output().unwrap())
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

fn refused(run: &Run, why: &str) {
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(why), "{}", run.stderr);
}

// 1. `export -o <a note>` overwrote the note.

#[test]
fn export_never_overwrites_a_note_the_configuration_or_a_template() {
    let j = Journal::with_config("name: Alex\n")
        .note("2026-11-27", "mood: 4")
        .file("2026/11/2026-11-26.md", "---\nmood: 3\n---\n")
        .file("templates/index.html", "{% extends \"base.html\" %}");
    let before = tree(j.path());
    for target in ["2026-11-27.md", "2026/11/2026-11-26.md", "saleslog.yaml", "templates/index.html"] {
        for force in [false, true] {
            let out = j.join(target);
            let mut args = vec!["export", "--format", "csv", "--what", "notes", "-o", out.to_str().unwrap()];
            if force {
                args.push("--force");
            }
            let run = j.run(&args);
            refused(&run, "refusing to write the export");
            assert!(run.stderr.contains(target), "{target}: {}", run.stderr);
        }
    }
    assert_eq!(tree(j.path()), before, "the journal is untouched");
}

#[test]
fn export_overwrites_only_its_own_files_unless_forced() {
    let j = Journal::new().note("2026-11-27", "mood: 4");
    let elsewhere = tempfile::tempdir().unwrap();
    let mine = elsewhere.path().join("mine.csv");
    fs::write(&mine, "my own spreadsheet\n").unwrap();
    let run = j.run(&["export", "--format", "csv", "--what", "notes", "-o", mine.to_str().unwrap()]);
    refused(&run, "was not written by saleslog export");
    assert_eq!(fs::read_to_string(&mine).unwrap(), "my own spreadsheet\n");
    // An earlier export of any format is replaced without asking.
    for (format, what) in [("csv", Some("deals")), ("json", None), ("ics", None), ("csv", Some("activity"))] {
        let out = elsewhere.path().join(format!("export.{format}"));
        for _ in 0..2 {
            let mut args = vec!["export", "--format", format, "-o", out.to_str().unwrap()];
            if let Some(what) = what {
                args.extend(["--what", what]);
            }
            assert_eq!(j.run(&args).code, 0, "{format} {what:?}");
        }
    }
    // --force replaces the user's file.
    let run = j.run(&["export", "--format", "csv", "--what", "notes", "-o", mine.to_str().unwrap(), "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(fs::read_to_string(&mine).unwrap().starts_with("date,path,"));
}

// 2. An interrupted first build left a folder every later build refused.

#[test]
fn an_interrupted_first_build_does_not_lock_the_output_folder() {
    let j = Journal::new().note("2026-11-27", "mood: 4");
    // What a build killed after making its folders (and a temp file of the
    // marker) but before the marker was in place leaves.
    fs::create_dir_all(j.join("_site/notes/2026/11")).unwrap();
    fs::create_dir_all(j.join("_site/deals")).unwrap();
    fs::write(j.join("_site/.saleslog-a1b2c3.tmp"), "# saleslog output folder").unwrap();
    let run = j.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(j.join("_site/index.html").exists());
    // A folder with a user's file in it is still refused.
    let other = tempfile::tempdir().unwrap();
    fs::create_dir_all(other.path().join("site/notes")).unwrap();
    fs::write(other.path().join("site/notes/mine.html"), "mine").unwrap();
    let run = j.run(&["build", "-o", other.path().join("site").to_str().unwrap()]);
    refused(&run, "not made by saleslog");
}

/// A large journal's build killed at a range of moments: every later
/// build accepts the folder.
#[cfg(unix)]
#[test]
fn a_build_killed_at_any_moment_leaves_a_folder_the_next_build_accepts() {
    let tmp = tempfile::tempdir().unwrap();
    let journal = tmp.path().join("journal");
    let made = std::process::Command::new("/work/shared/tools/gen-journal")
        .args(["--days", "1500", "--seed", "11", "--out"])
        .arg(&journal)
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("gen-journal is not available; skipping");
        return;
    }
    for (trial, delay) in [5u64, 20, 40, 80, 120, 200, 300, 450].into_iter().enumerate() {
        let out = tmp.path().join(format!("out-{trial}"));
        let mut child = std::process::Command::new(saleslog_path())
            .args(["--today", TODAY, "build"])
            .arg(&journal)
            .arg("-o")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().ok();
        child.wait().ok();
        let again = saleslog().args(["--today", TODAY, "build"]).arg(&journal).arg("-o").arg(&out).output().unwrap();
        let stderr = String::from_utf8_lossy(&again.stderr);
        assert!(again.status.code().is_some_and(|c| c <= 1), "after a kill at {delay} ms: {stderr}");
    }
}

// 3. Stale-page removal followed a symlinked folder out of the output.

#[cfg(unix)]
#[test]
fn removing_stale_pages_never_follows_a_link_out_of_the_output() {
    let j = Journal::new()
        .file("2026/09/2026-09-01.md", "---\nmood: 4\n---\n")
        .file("2026/09/2026-09-02.md", "---\nmood: 3\n---\n")
        .note("2026-11-27", "mood: 4");
    assert_eq!(j.run(&["build"]).code, 0);
    let september = j.join("_site/notes/2026/09");
    assert!(september.join("2026-09-01.html").exists());
    // The user's folder holds files of the same names (copies of the pages,
    // even) and more.
    let user = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(&september).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), user.path().join(entry.file_name())).unwrap();
    }
    fs::write(user.path().join("precious.txt"), "keep").unwrap();
    let before = tree(user.path());
    fs::remove_dir_all(&september).unwrap();
    std::os::unix::fs::symlink(user.path(), &september).unwrap();
    // September's notes move out of the journal: their pages are stale.
    let away = tempfile::tempdir().unwrap();
    fs::rename(j.join("2026/09"), away.path().join("09")).unwrap();
    let run = j.run(&["build"]);
    assert!(run.code <= 1, "{}", run.stderr);
    assert_eq!(tree(user.path()), before, "files outside the output were removed: {}", run.stderr);
}

#[test]
fn a_page_changed_by_hand_is_not_removed_when_it_goes_stale() {
    let j = Journal::new().note("2026-11-26", "mood: 3").note("2026-11-27", "mood: 4");
    assert_eq!(j.run(&["build"]).code, 0);
    j.write("_site/notes/2026-11-26.html", b"my annotated copy");
    fs::remove_file(j.join("2026-11-26.md")).unwrap();
    let run = j.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(j.read("_site/notes/2026-11-26.html"), "my annotated copy");
    assert!(!j.read("_site/.saleslog-output").contains("2026-11-26"), "no longer listed as saleslog's");
}

// 4. `serve`/`watch` wrote through an output folder replaced by a symlink.

#[cfg(unix)]
#[test]
fn watch_never_writes_through_an_output_folder_replaced_by_a_symlink() {
    let j = Journal::new().note("2026-11-26", "mood: 3").note("2026-11-27", "mood: 4");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mine = tmp.path().join("mine");
    let w = Spawned::start(&["--today", TODAY, "watch", j.path().to_str().unwrap(), "-o", out.to_str().unwrap()]);
    w.wait_for_line(is_rebuild_line, LONG);
    fs::create_dir(&mine).unwrap();
    fs::write(mine.join("index.html"), "my own page").unwrap();
    let before = tree(&mine);
    let mark = w.mark();
    fs::remove_dir_all(&out).unwrap();
    std::os::unix::fs::symlink(&mine, &out).unwrap();
    j.write("2026-11-27.md", b"---\nmood: 5\n---\n");
    let line = w.wait_for_line_after(mark, |l| l.contains("refusing to write"), LONG);
    assert!(line.contains("symlink"), "{line}");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(tree(&mine), before, "wrote into the folder the link points to");
}

// 5. A user's file on a future page's path was overwritten, then deleted.

#[test]
fn a_users_file_on_a_future_pages_path_is_never_overwritten_or_removed() {
    let j = Journal::new().file("2026/11/2026-11-27.md", "---\nmood: 4\n---\n");
    assert_eq!(j.run(&["build"]).code, 0);
    j.write("_site/notes/2026/11/2026-11-30.html", b"my plan for the 30th");
    j.write("2026/11/2026-11-30.md", b"---\nmood: 4\n---\n");
    let run = j.run(&["build"]);
    refused(&run, "notes/2026/11/2026-11-30.html");
    assert!(run.stderr.contains("not written by saleslog"), "{}", run.stderr);
    assert_eq!(j.read("_site/notes/2026/11/2026-11-30.html"), "my plan for the 30th");
    fs::remove_file(j.join("2026/11/2026-11-30.md")).unwrap();
    assert_eq!(j.run(&["build"]).code, 0);
    assert_eq!(j.read("_site/notes/2026/11/2026-11-30.html"), "my plan for the 30th");
}

// 6. `serve` kept watching the old folder after the journal was swapped.

fn watched_journal() -> (tempfile::TempDir, PathBuf, PathBuf, Spawned) {
    let tmp = tempfile::tempdir().unwrap();
    let journal = tmp.path().join("j");
    fs::create_dir(&journal).unwrap();
    fs::write(journal.join("2026-11-27.md"), "---\nactivity: {calls: 1}\n---\n").unwrap();
    let out = tmp.path().join("out");
    let w = Spawned::start(&["--today", TODAY, "watch", journal.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    w.wait_for_line(is_rebuild_line, LONG);
    (tmp, journal, out, w)
}

fn new_journal(dir: &Path, calls: u32) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("2026-11-27.md"), format!("---\nactivity: {{calls: {calls}}}\n---\n")).unwrap();
}

fn page_shows(out: &Path, calls: u32) -> bool {
    fs::read_to_string(out.join("notes/2026-11-27.html")).is_ok_and(|p| p.contains(&format!(">{calls}<")))
}

#[test]
fn watch_follows_a_journal_moved_away_and_replaced() {
    let (tmp, journal, out, _w) = watched_journal();
    new_journal(&tmp.path().join("new"), 2);
    fs::rename(&journal, tmp.path().join("j-old")).unwrap();
    fs::rename(tmp.path().join("new"), &journal).unwrap();
    assert!(eventually(LONG, || page_shows(&out, 2)), "the new journal was never built");
    // Saves in the new folder are seen.
    fs::write(journal.join("2026-11-27.md"), "---\nactivity: {calls: 3}\n---\n").unwrap();
    assert!(eventually(LONG, || page_shows(&out, 3)), "a save in the new journal was not seen");
}

#[cfg(unix)]
#[test]
fn watch_follows_a_journal_replaced_by_a_symlink() {
    let (tmp, journal, out, _w) = watched_journal();
    let other = tmp.path().join("other");
    new_journal(&other, 4);
    fs::remove_dir_all(&journal).unwrap();
    std::os::unix::fs::symlink(&other, &journal).unwrap();
    assert!(eventually(LONG, || page_shows(&out, 4)), "the linked journal was never built");
    fs::write(other.join("2026-11-27.md"), "---\nactivity: {calls: 5}\n---\n").unwrap();
    assert!(eventually(LONG, || page_shows(&out, 5)), "a save in the linked journal was not seen");
}

// 7. Two notes whose names differ only in invalid UTF-8 became one.

#[cfg(unix)]
#[test]
fn names_that_differ_only_in_invalid_utf8_are_two_notes() {
    use std::os::unix::ffi::OsStrExt;
    let j = Journal::new().note("2026-11-24", "activity: {calls: 1}");
    for (byte, calls) in [(0xffu8, 10), (0xfe, 100)] {
        let mut name = b"2026-11-25-".to_vec();
        name.extend([byte]);
        name.extend(b".md");
        let path = j.path().join(std::ffi::OsStr::from_bytes(&name));
        fs::write(path, format!("---\nactivity: {{calls: {calls}}}\n---\n")).unwrap();
    }
    let report = j.report_json();
    assert_eq!(report["notes"], 3, "{report}");
    let run = j.run(&["export", "--format", "csv", "--what", "notes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 4, "{}", run.stdout);
    assert!(run.stdout.contains("\\xff") && run.stdout.contains("\\xfe"), "{}", run.stdout);
    // Each gets its own page.
    assert_eq!(j.run(&["build"]).code, 0);
    let pages: Vec<String> = tree(&j.join("_site/notes")).into_keys().collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
}

#[cfg(unix)]
#[test]
fn a_name_collision_that_cannot_be_avoided_is_a_located_error() {
    use std::os::unix::ffi::OsStrExt;
    // `\xff` spelled out, and the byte itself: both read as `…\xff.md`.
    let j = Journal::new().file("2026-11-25-\\xff.md", "---\nmood: 3\n---\n");
    fs::write(j.path().join(std::ffi::OsStr::from_bytes(b"2026-11-25-\xff.md")), "---\nmood: 4\n---\n").unwrap();
    let run = j.run(&["check", "--format", "json"]);
    let diagnostics: Value = serde_json::from_str(&run.stdout).unwrap();
    let d = &diagnostics.as_array().unwrap()[0];
    assert_eq!(d["file"], "2026-11-25-\\xff.md", "{diagnostics}");
    assert_eq!(d["severity"], "error");
    assert!(d["message"].as_str().unwrap().contains("same name"), "{d}");
    assert_eq!(run.code, 1);
}

// 8. A template override that loops hung `build`, and `serve` never saw the fix.

fn build_with_template(template: &str) -> Run {
    let j = Journal::new().note("2026-11-27", "mood: 4").file("templates/index.html", template);
    let out = j.join("_site");
    run_bounded(
        &[os("--today"), os(TODAY), os("build"), j.path().as_os_str(), os("-o"), out.as_os_str()],
        Duration::from_secs(120),
    )
}

#[test]

fn a_template_that_loops_without_output_fails_the_build_naming_it() {
    let run =
        build_with_template("{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}");
    refused(&run, "template templates/index.html");
    assert!(run.stderr.contains("seconds"), "{}", run.stderr);
}

#[test]

fn a_template_that_writes_without_end_fails_the_build_naming_it() {
    // Each turn writes a kilobyte: the size bound stops it.
    let kb = "x".repeat(1024);
    let run = build_with_template(&format!(
        "{{% for i in range(end=100000) %}}{{% for j in range(end=100000) %}}{kb}{{% endfor %}}{{% endfor %}}"
    ));
    refused(&run, "template templates/index.html");
    assert!(run.stderr.contains("32 MB of output"), "{}", run.stderr);

    let run = build_with_template(
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{{ i }}{% endfor %}{% endfor %}",
    );
    refused(&run, "template templates/index.html");
    // Whichever bound it meets first: 32 MB of output, or ten seconds
    // (a debug build writes slower than a page fills).
    assert!(run.stderr.contains("MB of output") || run.stderr.contains("seconds"), "{}", run.stderr);
}

#[test]

fn a_three_way_recursive_component_fails_the_build_naming_it() {
    let run = build_with_template(
        "{% component a(n) %}{% if n > 0 %}{{ <b n={n - 1} /> }}{{ <c n={n - 1} /> }}{{ <b n={n - 1} /> }}{% endif %}{% endcomponent a %}\
         {% component b(n) %}{% if n > 0 %}{{ <c n={n - 1} /> }}{{ <a n={n - 1} /> }}{{ <c n={n - 1} /> }}{% endif %}{% endcomponent b %}\
         {% component c(n) %}{% if n > 0 %}{{ <a n={n - 1} /> }}{{ <b n={n - 1} /> }}{{ <a n={n - 1} /> }}{% endif %}{% endcomponent c %}\
         {{ <a n={19} /> }}",
    );
    refused(&run, "templates/index.html");
}

#[test]

fn watch_picks_up_a_fixed_template_after_one_that_loops() {
    let j = Journal::new().note("2026-11-27", "mood: 4").file(
        "templates/index.html",
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
    );
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let w = Spawned::start(&["--today", TODAY, "watch", j.path().to_str().unwrap(), "-o", site.to_str().unwrap()]);
    w.wait_for_line(|l| l.contains("templates/index.html"), Duration::from_secs(120));
    j.write("templates/index.html", b"<p id=\"fixed\">fixed</p>");
    assert!(
        eventually(LONG, || fs::read_to_string(site.join("index.html")).is_ok_and(|p| p.contains("fixed"))),
        "the fixed template was never used: {:#?}",
        w.lines()
    );
}

// 9. saleslog.yaml and templates were read without the limits notes get.

#[cfg(unix)]
#[test]
fn a_configuration_that_is_a_pipe_a_device_or_huge_is_refused_without_hanging() {
    let j = Journal::new().note("2026-11-27", "mood: 4");
    let config = j.join("saleslog.yaml");
    let check = |j: &Journal| {
        run_bounded(&[os("--today"), os(TODAY), os("check"), j.path().as_os_str()], Duration::from_secs(60))
    };
    if std::process::Command::new("mkfifo").arg(&config).status().is_ok_and(|s| s.success()) {
        let run = check(&j);
        refused(&run, "saleslog.yaml");
        assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
        fs::remove_file(&config).unwrap();
    }
    std::os::unix::fs::symlink("/dev/zero", &config).unwrap();
    let run = check(&j);
    refused(&run, "saleslog.yaml");
    fs::remove_file(&config).unwrap();
    // A 20 MB file is refused from its size.
    fs::write(&config, format!("name: {}\n", "x".repeat(20 * 1024 * 1024))).unwrap();
    let run = check(&j);
    refused(&run, "saleslog.yaml");
    assert!(run.stderr.contains("MB"), "{}", run.stderr);
}

/// `team check` quoted a member's broken saleslog.yaml with a plain read:
/// a FIFO there hung the command after the member had been refused.
#[cfg(unix)]
#[test]
fn team_check_quotes_no_member_configuration_that_is_a_pipe() {
    let t = Journal::new()
        .file("team.yaml", "members:\n  - {journal: ann}\n  - {journal: bob}\n")
        .file("ann/saleslog.yaml", "name: Ann\n")
        .file("ann/2026-11-27.md", "---\ndate: 2026-11-27\nmood: 4\n---\n");
    fs::create_dir(t.join("bob")).unwrap();
    if !std::process::Command::new("mkfifo").arg(t.join("bob/saleslog.yaml")).status().is_ok_and(|s| s.success()) {
        return;
    }
    let run = run_bounded(
        &[os("--today"), os(TODAY), os("team"), os("check"), t.path().as_os_str()],
        Duration::from_secs(60),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("bob/saleslog.yaml:1:1"), "{}", run.stdout);
    assert!(run.stdout.contains("not a regular file"), "{}", run.stdout);
}

/// `new` rendered the note template without the pages' bounds: a template
/// that loops hung it, and a FIFO there was read forever.
#[cfg(unix)]
#[test]
fn new_stops_on_a_looping_note_template_and_reads_no_pipe() {
    let j = Journal::new().note("2026-11-27", "mood: 4").file(
        "templates/note.md",
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}x{% endfor %}{% endfor %}",
    );
    let new = |j: &Journal| {
        let args = [os("--today"), os(TODAY), os("new"), os("--date"), os("2026-11-28"), j.path().as_os_str()];
        run_bounded(&args, Duration::from_secs(60))
    };
    let run = new(&j);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("templates/note.md") && run.stderr.contains("loops"), "{}", run.stderr);
    assert!(!j.join("2026-11-28.md").exists(), "no note is written");
    fs::remove_file(j.join("templates/note.md")).unwrap();
    if std::process::Command::new("mkfifo").arg(j.join("templates/note.md")).status().is_ok_and(|s| s.success()) {
        let run = new(&j);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    }
}

#[test]
fn a_configured_name_longer_than_a_name_is_refused() {
    let j = Journal::with_config(&format!("name: {}\n", "x".repeat(100_000))).note("2026-11-27", "mood: 4");
    let run = j.run(&["build"]);
    refused(&run, "`name`");
    assert!(run.stderr.contains("at most"), "{}", run.stderr);
    assert!(!j.join("_site").exists());
}

#[cfg(unix)]
#[test]
fn a_template_that_links_out_of_the_journal_is_refused() {
    let j = Journal::new().note("2026-11-27", "mood: 4");
    fs::create_dir(j.join("templates")).unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.html"), "TOP SECRET").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.html"), j.join("templates/index.html")).unwrap();
    let run = j.run(&["build"]);
    refused(&run, "templates/index.html");
    assert!(run.stderr.contains("outside the journal"), "{}", run.stderr);
    for (rel, bytes) in tree(j.path()) {
        assert!(!String::from_utf8_lossy(&bytes).contains("TOP SECRET") || rel.starts_with("templates"), "{rel}");
    }
    // A pipe is refused too, without waiting on it.
    fs::remove_file(j.join("templates/index.html")).unwrap();
    if std::process::Command::new("mkfifo").arg(j.join("templates/index.html")).status().is_ok_and(|s| s.success()) {
        let out = j.join("_site");
        let run = run_bounded(
            &[os("--today"), os(TODAY), os("build"), j.path().as_os_str(), os("-o"), out.as_os_str()],
            Duration::from_secs(60),
        );
        refused(&run, "templates/index.html");
    }
}

// 11. `output: .git` was accepted.

#[test]
fn output_folders_named_like_vcs_or_editor_metadata_are_refused() {
    for name in [".git", ".hg", ".svn", ".obsidian", ".vscode"] {
        let j = Journal::with_config(&format!("output: {name}\n")).note("2026-11-27", "mood: 4");
        refused(&j.run(&["build"]), name);
        assert!(!j.join(name).exists(), "{name} was made");
        let elsewhere = tempfile::tempdir().unwrap();
        let out = elsewhere.path().join(name).join("site");
        refused(&j.run(&["build", "-o", out.to_str().unwrap()]), name);
    }
}

// 12. Limits that did not say what they are; NaN printed as 300 digits.

#[test]
fn the_value_limit_of_a_note_says_what_it_is_and_why() {
    let mut text = String::from("---\ndeals:\n");
    for i in 0..20_000 {
        text.push_str(&format!("  - {{name: Deal {i}, stage: lead}}\n"));
    }
    text.push_str("---\n");
    let j = Journal::new().file("2026-11-26.md", &text);
    let run = j.run(&["check", "--format", "json"]);
    let d = &serde_json::from_str::<Value>(&run.stdout).unwrap()[0];
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("100000") && message.contains("deals") && message.contains("memory"), "{message}");
    let hint = d["hint"].as_str().unwrap();
    assert!(!hint.contains("plain keys") && !hint.contains("alias"), "{hint}");
    assert!(hint.contains("split"), "{hint}");
}

#[test]
fn non_finite_numbers_in_the_configuration_are_refused_in_a_few_words() {
    for value in [".nan", ".inf", "-.inf"] {
        let j = Journal::with_config(&format!("attitude: {{green_at: {value}}}\n"));
        let run = j.run(&["check"]);
        refused(&run, "`attitude.green_at` must be a finite number");
        assert!(run.stderr.len() < 1000, "{}", run.stderr);
        assert!(!run.stderr.contains("17976931348623157"), "{}", run.stderr);
    }
}

/// The build read its output folder's marker with no bound: a FIFO there
/// hung it, a link to `/dev/zero` ate its memory, and invalid UTF-8 gave a
/// bare OS error. Each is refused at once, naming the marker, with a way
/// out; nothing is written.
#[cfg(unix)]
#[test]
fn a_marker_that_is_a_pipe_a_device_or_not_text_is_refused_with_a_hint() {
    let j = Journal::new().note("2026-11-27", "mood: 4");
    let out = j.join("_site");
    let build = || {
        let args = [os("--today"), os(TODAY), os("build"), j.path().as_os_str(), os("-o"), out.as_os_str()];
        run_bounded(&args, Duration::from_secs(60))
    };
    assert_eq!(build().code, 0);
    let marker = out.join(".saleslog-output");
    let mut text = fs::read(&marker).unwrap();
    let index = fs::read(out.join("index.html")).unwrap();
    let refused = |why: &str| {
        let run = build();
        assert_eq!(run.code, 2, "{why}: {}", run.stderr);
        assert!(run.stderr.contains(".saleslog-output") && run.stderr.contains(why), "{}", run.stderr);
        assert!(run.stderr.contains("delete the folder and build again"), "{}", run.stderr);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), index, "nothing written");
    };
    text.extend_from_slice(b"\xff\xfe\n");
    fs::write(&marker, &text).unwrap();
    refused("is not UTF-8 text");
    fs::remove_file(&marker).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &marker).unwrap();
    refused("is a symlink");
    fs::remove_file(&marker).unwrap();
    if std::process::Command::new("mkfifo").arg(&marker).status().is_ok_and(|s| s.success()) {
        refused("not a regular file");
    }
}

/// The team export's marker is read by the same rules as the build's: a
/// pipe or a link to `/dev/zero` in its place is refused at once, naming
/// it, and no table is written.
#[cfg(unix)]
#[test]
fn a_team_export_marker_that_is_a_pipe_or_a_link_is_refused() {
    let t =
        Journal::new().file("team.yaml", "members:\n  - {name: Ann, journal: ann}\n").note("ann/2026-11-27", "mood: 4");
    let out = t.join("tables");
    let export = || {
        let args = [
            os("--today"),
            os(TODAY),
            os("team"),
            os("export"),
            os("--format"),
            os("parquet"),
            os("-o"),
            out.as_os_str(),
            t.path().as_os_str(),
        ];
        run_bounded(&args, Duration::from_secs(60))
    };
    assert_eq!(export().code, 0);
    let marker = out.join(".saleslog-export");
    let table = out.join("notes/member=ann/part-0.parquet");
    let before = fs::read(&table).unwrap();
    let refused = |why: &str| {
        let run = export();
        assert_eq!(run.code, 2, "{why}: {}", run.stderr);
        assert!(run.stderr.contains(".saleslog-export") && run.stderr.contains(why), "{}", run.stderr);
        assert_eq!(fs::read(&table).unwrap(), before, "nothing written");
    };
    fs::remove_file(&marker).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &marker).unwrap();
    refused("is a symlink");
    fs::remove_file(&marker).unwrap();
    if std::process::Command::new("mkfifo").arg(&marker).status().is_ok_and(|s| s.success()) {
        refused("not a regular file");
    }
}
