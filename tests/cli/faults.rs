//! The fault suite (issue 7): hostile and broken input never crashes
//! saleslog, every problem is reported where it is, and a bad note never
//! costs the rest of the journal.
//!
//! One fixture per case under `tests/fixtures/faults/<case>/`. Each holds
//! the same good note, `2026-11-24.md` (mood 4, 10 calls and 5 emails, the
//! open deal Good Co worth 1000, one open task), beside the faulty file(s),
//! and a `saleslog.yaml` with daily goals so the report shows how many calls
//! and emails were counted. Each test asserts the exact diagnostics of
//! `check --format json` (file, line, column, code) and, through
//! `report --format json`, what still counts. Files that cannot live in git
//! (50 MB, links, pipes, permissions) are made by the test.

use crate::harness::*;
use serde_json::Value;

/// What the report counted, as of [`TODAY`].
#[derive(Debug, PartialEq)]
struct Counted {
    notes: u64,
    calls: u64,
    emails: u64,
    open_deals: u64,
    open_amount: u64,
    open_commitments: u64,
}

fn counted(j: &Journal) -> Counted {
    let v = j.report_json();
    let goal = |name: &str| {
        v["activity"]["goals"].as_array().unwrap().iter().find(|g| g["activity"] == name).unwrap()["done"]
            .as_u64()
            .unwrap()
    };
    Counted {
        notes: v["notes"].as_u64().unwrap(),
        calls: goal("calls"),
        emails: goal("emails"),
        open_deals: v["pipeline"]["open_deals"].as_u64().unwrap(),
        open_amount: v["pipeline"]["open_amount"].as_u64().unwrap(),
        open_commitments: v["commitments"]["open"].as_u64().unwrap(),
    }
}

/// The good note alone.
const GOOD: Counted = Counted { notes: 1, calls: 10, emails: 5, open_deals: 1, open_amount: 1000, open_commitments: 1 };

/// The good note and one more note that still counts as a note (dated, with
/// its task item `Still a task` open) but whose front matter is ignored.
const GOOD_AND_TASK: Counted = Counted { notes: 2, open_commitments: 2, ..GOOD };

/// `check --format json`: the exit code and every diagnostic, located.
fn check(j: &Journal) -> (i32, Vec<(String, u64, u64, String)>) {
    let run = j.run(&["check", "--format", "json"]);
    assert!(run.code == 0 || run.code == 1, "check failed: {}", run.stderr);
    (run.code, located(&run))
}

/// The diagnostics of `check --format json` as JSON, for their messages.
fn check_json(j: &Journal) -> Vec<Value> {
    let run = j.run(&["check", "--format", "json"]);
    serde_json::from_str::<Value>(&run.stdout).unwrap().as_array().unwrap().clone()
}

fn at(file: &str, line: u64, column: u64, code: &str) -> (String, u64, u64, String) {
    (file.to_string(), line, column, code.to_string())
}

#[test]
fn invalid_yaml_is_one_error_and_the_note_keeps_its_tasks() {
    let j = Journal::fixture("faults/invalid-yaml");
    assert_eq!(check(&j), (1, vec![at("2026-11-26.md", 3, 9, "yaml-syntax")]));
    // The parser notices on line 3; the mistake is the `[` of line 2.
    assert_eq!(
        check_json(&j)[0]["message"],
        "illegal placement of ':' indicator (inside the `[` opened on line 2, column 7: is it closed?)"
    );
    assert_eq!(counted(&j), GOOD_AND_TASK);
}

#[test]
fn a_tab_indenting_yaml_is_located_at_the_tab() {
    let j = Journal::fixture("faults/tab-indent");
    assert_eq!(check(&j), (1, vec![at("2026-11-26.md", 3, 1, "yaml-syntax")]));
    assert_eq!(check_json(&j)[0]["message"], "a tab indents this line; YAML indentation must be spaces");
    assert_eq!(counted(&j), GOOD_AND_TASK);
}

#[test]
fn a_duplicate_key_is_located_at_its_second_use() {
    let j = Journal::fixture("faults/duplicate-key");
    assert_eq!(check(&j), (1, vec![at("2026-11-26.md", 4, 1, "duplicate-key")]));
    assert_eq!(check_json(&j)[0]["message"], "duplicate key `mood` (first given on line 2)");
    // The whole front matter is ignored (its `calls: 3` too), not the note.
    assert_eq!(counted(&j), GOOD_AND_TASK);
}

#[test]
fn values_of_the_wrong_type_are_dropped_one_by_one() {
    let j = Journal::fixture("faults/wrong-types");
    assert_eq!(
        check(&j),
        (
            1,
            vec![
                at("2026-11-25.md", 2, 7, "wrong-type"),      // mood: high
                at("2026-11-26.md", 2, 11, "wrong-type"),     // activity: 12
                at("2026-11-26.md", 6, 13, "invalid-amount"), // amount: "lots"
            ]
        )
    );
    let messages: Vec<Value> = check_json(&j).iter().map(|d| d["message"].clone()).collect();
    assert_eq!(messages[0], "`mood` must be a number from 1 to 5, not text (`high`)");
    assert_eq!(messages[2], "`amount: lots` is not a number >= 0");
    // Both notes count; the deal exists, without an amount.
    assert_eq!(counted(&j), Counted { notes: 3, open_deals: 2, ..GOOD });
}

#[test]
fn impossible_dates_are_errors_and_the_file_name_date_is_used() {
    let j = Journal::fixture("faults/impossible-dates");
    assert_eq!(
        check(&j),
        (
            1,
            vec![
                at("2026-02-30-ideas.md", 1, 1, "no-date"),
                at("2026-11-26.md", 2, 7, "invalid-date"),  // date: 2026-02-30
                at("2026-11-26.md", 6, 10, "invalid-date"), // due: 2026-13-01
                at("2026-11-26.md", 8, 23, "invalid-date"), // 📅 2026-02-30
            ]
        )
    );
    assert_eq!(
        check_json(&j)[0]["message"],
        "`2026-02-30` in the file name is not a real date, so this markdown file is not a note"
    );
    // 2026-11-26.md is dated by its name; its commitment exists, without a
    // due date, and its task item has the valid one of its two due dates.
    assert_eq!(counted(&j), Counted { notes: 2, open_commitments: 3, ..GOOD });
}

#[test]
fn moods_outside_the_scale_are_errors() {
    let j = Journal::fixture("faults/mood-out-of-scale");
    assert_eq!(
        check(&j),
        (1, vec![at("2026-11-25.md", 2, 7, "out-of-range"), at("2026-11-26.md", 2, 7, "out-of-range")])
    );
    assert_eq!(counted(&j), Counted { notes: 3, calls: 13, ..GOOD });
    assert_eq!(j.report_json()["attitude"]["mood_7d"], 4.0);
}

#[test]
fn a_negative_activity_count_is_dropped_alone() {
    let j = Journal::fixture("faults/negative-activity");
    assert_eq!(check(&j), (1, vec![at("2026-11-26.md", 3, 10, "invalid-count")]));
    assert_eq!(counted(&j), Counted { notes: 2, emails: 7, ..GOOD });
}

#[test]
fn yaml_1_1_booleans_are_text_and_say_so() {
    let j = Journal::fixture("faults/yaml-1-1-booleans");
    assert_eq!(
        check(&j),
        (1, vec![at("2026-11-26.md", 4, 12, "unknown-stage"), at("2026-11-26.md", 8, 11, "wrong-type")])
    );
    let d = check_json(&j);
    assert_eq!(d[0]["message"], "unknown stage `no`");
    assert_eq!(d[1]["hint"], "`yes` is text, not a boolean, in YAML 1.2: write `done: true` or `done: false`");
    // `stage: no` does not create the deal; `done: yes` does not mark the
    // commitment done.
    assert_eq!(counted(&j), Counted { notes: 2, open_commitments: 2, ..GOOD });
}

#[test]
fn an_amount_of_1e400_is_an_error_not_infinity() {
    let j = Journal::fixture("faults/amount-1e400");
    assert_eq!(check(&j), (1, vec![at("2026-11-26.md", 5, 13, "invalid-amount")]));
    assert_eq!(check_json(&j)[0]["message"], "`amount` is too large: amounts are at most 1000000000000000 (10^15)");
    assert_eq!(counted(&j), Counted { notes: 2, open_deals: 2, ..GOOD });
}

#[test]
fn a_billion_laughs_alias_bomb_is_refused() {
    let j = Journal::fixture("faults/alias-bomb");
    assert_eq!(check(&j), (1, vec![at("2026-11-26.md", 8, 8, "unsupported-yaml")]));
    assert!(check_json(&j)[0]["message"].as_str().unwrap().contains("alias bomb"));
    assert_eq!(counted(&j), GOOD_AND_TASK);
}

#[test]
fn aliases_copying_long_text_are_refused() {
    let j = Journal::fixture("faults/alias-bomb-long-strings");
    // 10,000 copies of 64 KB would need 640 MB of memory.
    let text = format!(
        "---\nmood: 3\na: &a {}\nb: [{}]\n---\n- [ ] Still a task 📅 2026-12-02\n",
        "x".repeat(65_536),
        vec!["*a"; 10_000].join(", ")
    );
    j.write("2026-11-26.md", text.as_bytes());
    assert_eq!(check(&j), (1, vec![at("2026-11-26.md", 4, 69, "unsupported-yaml")]));
    assert_eq!(counted(&j), GOOD_AND_TASK);
}

#[test]
fn a_hundred_thousand_nested_brackets_are_refused() {
    let j = Journal::fixture("faults/deep-nesting");
    j.write("2026-11-26.md", format!("---\nmood: 3\nx: {}\n---\n", "[".repeat(100_000)).as_bytes());
    assert_eq!(check(&j), (1, vec![at("2026-11-26.md", 3, 259, "unsupported-yaml")]));
    assert_eq!(check_json(&j)[0]["message"], "values nested more than 64 deep");
    assert_eq!(counted(&j), Counted { notes: 2, ..GOOD });
}

#[test]
fn a_50_mb_note_is_refused_unread() {
    let j = Journal::fixture("faults/huge-note");
    // Larger than `discover::MAX_NOTE_BYTES` (8 MB): refused from its size,
    // so memory stays bounded.
    let size = 50 * 1024 * 1024;
    let file = std::fs::File::create(j.join("2026-11-26.md")).unwrap();
    file.set_len(size).unwrap();
    assert_eq!(check(&j), (1, vec![at("2026-11-26.md", 1, 1, "file-too-large")]));
    assert_eq!(check_json(&j)[0]["message"], "note is 50 MB; notes larger than 8 MB are not read");
    assert_eq!(counted(&j), GOOD);
}

#[test]
fn a_binary_file_named_md_is_refused() {
    let j = Journal::fixture("faults/binary-md");
    assert_eq!(check(&j), (1, vec![at("2026-11-26.md", 1, 1, "binary-file")]));
    assert_eq!(counted(&j), GOOD);
}

#[test]
fn invalid_utf8_is_located_and_the_rest_of_the_note_counts() {
    let j = Journal::fixture("faults/non-utf8");
    assert_eq!(check(&j), (1, vec![at("2026-11-26.md", 4, 11, "not-utf8")]));
    assert_eq!(counted(&j), Counted { notes: 2, calls: 12, open_commitments: 2, ..GOOD });
    // The human output does not choke on it either.
    let run = j.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("2026-11-26.md:4:11"), "{}", run.stdout);
}

#[test]
fn a_utf8_bom_is_skipped() {
    let j = Journal::fixture("faults/bom");
    assert_eq!(check(&j), (0, vec![]));
    assert_eq!(counted(&j), Counted { notes: 2, calls: 12, ..GOOD });
    assert_eq!(j.report_json()["attitude"]["mood_7d"], 3.5);
}

#[test]
fn crlf_line_endings_keep_positions_right() {
    let j = Journal::fixture("faults/crlf");
    assert_eq!(check(&j), (1, vec![at("2026-11-26.md", 3, 9, "out-of-range")])); // energy: 9
    assert_eq!(counted(&j), Counted { notes: 2, calls: 12, open_commitments: 2, ..GOOD });
    let v = j.report_json();
    assert_eq!(v["attitude"]["mood_7d"], 3.5);
}

#[test]
fn an_unclosed_front_matter_is_an_error_and_the_body_counts() {
    let j = Journal::fixture("faults/unclosed-fence");
    assert_eq!(check(&j), (1, vec![at("2026-11-26.md", 1, 1, "unclosed-front-matter")]));
    assert_eq!(counted(&j), GOOD_AND_TASK);
}

#[test]
fn plus_fences_are_not_front_matter_and_are_warned_about() {
    let j = Journal::fixture("faults/plus-fences");
    assert_eq!(
        check(&j),
        (0, vec![at("2026-11-25.md", 1, 1, "malformed-fence"), at("2026-11-26.md", 1, 1, "toml-front-matter")])
    );
    assert_eq!(check_json(&j)[0]["message"], "`++++` is not a front-matter fence; the whole file is read as the body");
    assert_eq!(counted(&j), Counted { notes: 3, open_commitments: 2, ..GOOD });
}

#[test]
fn dashes_inside_a_value_and_a_rule_in_the_body_are_not_fences() {
    let j = Journal::fixture("faults/dashes-in-text");
    // `title: A---B` is read (an unknown key); the `---` rule in the body
    // ends nothing, so the task after it counts.
    assert_eq!(check(&j), (0, vec![at("2026-11-26.md", 2, 1, "unknown-key")]));
    assert_eq!(counted(&j), GOOD_AND_TASK);
    assert_eq!(j.report_json()["attitude"]["mood_7d"], 3.5);
}

#[test]
fn a_second_yaml_document_is_refused() {
    let j = Journal::fixture("faults/second-document");
    assert_eq!(check(&j), (1, vec![at("2026-11-26.md", 3, 1, "unsupported-yaml")]));
    assert_eq!(check_json(&j)[0]["message"], "a second YAML document in the front matter");
    assert_eq!(counted(&j), GOOD_AND_TASK);
}

#[test]
fn an_unknown_tag_is_refused_not_run() {
    let j = Journal::fixture("faults/unknown-tag");
    assert_eq!(check(&j), (1, vec![at("2026-11-26.md", 3, 4, "unsupported-yaml")]));
    assert_eq!(check_json(&j)[0]["message"], "unsupported YAML tag `!!python/object:os.system`");
    assert_eq!(counted(&j), GOOD_AND_TASK);
}

#[test]
fn an_empty_file_is_an_empty_note_or_not_a_note() {
    let j = Journal::fixture("faults/empty-file");
    // `2026-11-26.md` is dated by its name: a note with nothing in it.
    assert_eq!(check(&j), (0, vec![at("ideas.md", 1, 1, "no-date")]));
    assert_eq!(counted(&j), Counted { notes: 2, ..GOOD });
}

#[test]
fn a_note_with_only_front_matter_counts() {
    let j = Journal::fixture("faults/only-front-matter");
    assert_eq!(check(&j), (0, vec![]));
    assert_eq!(counted(&j), Counted { notes: 2, calls: 12, ..GOOD });
}

#[test]
fn names_that_differ_only_in_case_are_two_notes() {
    let j = Journal::fixture("faults/names-differ-in-case");
    assert_eq!(check(&j), (0, vec![]));
    assert_eq!(counted(&j), Counted { notes: 3, calls: 15, ..GOOD });
}

#[cfg(unix)]
#[test]
fn symlinks_that_loop_leave_the_journal_or_dangle_are_skipped_with_a_warning() {
    use std::os::unix::fs::symlink;
    let j = Journal::fixture("faults/symlinks");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("2026-11-26.md"), "---\nactivity: {calls: 99}\n---\n").unwrap();
    symlink(outside.path().join("2026-11-26.md"), j.join("2026-11-26-outside.md")).unwrap();
    symlink(j.join("2026-11-25-b.md"), j.join("2026-11-25-a.md")).unwrap();
    symlink(j.join("2026-11-25-a.md"), j.join("2026-11-25-b.md")).unwrap();
    symlink(j.join("gone.md"), j.join("2026-11-25-dangling.md")).unwrap();
    // A link to a note inside the journal is that note, counted twice.
    symlink(j.join("2026-11-24.md"), j.join("2026-11-24-again.md")).unwrap();
    // A linked folder is not followed (it could loop), but it is reported.
    std::fs::create_dir(outside.path().join("2026")).unwrap();
    std::fs::write(outside.path().join("2026/2026-11-25.md"), "---\nactivity: {calls: 7}\n---\n").unwrap();
    symlink(outside.path().join("2026"), j.join("2026")).unwrap();
    symlink(j.path(), j.join("loop")).unwrap();
    assert_eq!(
        check(&j),
        (
            0,
            vec![
                at("2026", 1, 1, "unreadable"),
                at("2026-11-25-a.md", 1, 1, "unreadable"),
                at("2026-11-25-b.md", 1, 1, "unreadable"),
                at("2026-11-25-dangling.md", 1, 1, "unreadable"),
                at("2026-11-26-outside.md", 1, 1, "unreadable"),
                at("loop", 1, 1, "unreadable"),
            ]
        )
    );
    let messages: Vec<Value> = check_json(&j).iter().map(|d| d["message"].clone()).collect();
    assert_eq!(messages[0], "symlink to a folder: not followed, so the notes in it are not counted");
    assert_eq!(messages[1], "symlink loop: following this link never reaches a file");
    assert_eq!(messages[3], "dangling symlink: its target does not exist");
    assert_eq!(messages[4], "symlink to a file outside the journal; skipped");
    assert_eq!(counted(&j).notes, 2);
    assert_eq!(counted(&j).calls, 20);
}

#[cfg(unix)]
#[test]
fn a_named_pipe_called_md_is_skipped_not_waited_on() {
    let j = Journal::fixture("faults/fifo");
    let made = std::process::Command::new("mkfifo").arg(j.join("2026-11-26.md")).status();
    if !made.is_ok_and(|s| s.success()) {
        skip("mkfifo could not make a named pipe", "apt-get install coreutils");
        return;
    }
    assert_eq!(check(&j), (0, vec![at("2026-11-26.md", 1, 1, "unreadable")]));
    assert_eq!(check_json(&j)[0]["message"], "not a regular file (a pipe, socket or device); skipped");
    assert_eq!(counted(&j), GOOD);
}

/// Permission denied. Tests often run as root (CI does here), and root
/// reads a file whatever its mode: then the note simply counts, and what
/// can be asserted is that nothing crashes. Elsewhere the note is one
/// located error and the rest of the journal counts.
#[cfg(unix)]
#[test]
fn an_unreadable_note_is_an_error_and_the_rest_counts() {
    use std::os::unix::fs::PermissionsExt;
    let j = Journal::fixture("faults/unreadable");
    let path = j.join("2026-11-26.md");
    std::fs::write(&path, "---\nactivity: {calls: 5}\n---\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // Running as root: the mode does not stop reads.
        assert_eq!(check(&j), (0, vec![]));
        assert_eq!(counted(&j), Counted { notes: 2, calls: 15, ..GOOD });
    } else {
        assert_eq!(check(&j), (1, vec![at("2026-11-26.md", 1, 1, "unreadable")]));
        let message = check_json(&j)[0]["message"].as_str().unwrap().to_string();
        assert!(message.starts_with("cannot read the note: "), "{message}");
        assert_eq!(counted(&j), GOOD);
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
}

/// Every file of a journal: its bytes, permissions and modification time.
fn snapshot(root: &std::path::Path) -> std::collections::BTreeMap<String, (Vec<u8>, u32, std::time::SystemTime)> {
    use std::os::unix::fs::PermissionsExt;
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let meta = std::fs::symlink_metadata(e.path()).unwrap();
            let rel = e.path().strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let bytes = if meta.is_file() { std::fs::read(e.path()).unwrap() } else { Vec::new() };
            (rel, (bytes, meta.permissions().mode(), meta.modified().unwrap()))
        })
        .collect()
}

/// Nothing saleslog does, short of `init` and `new`, changes a journal: a
/// copy of the sample journal plus broken notes goes through every other
/// command, and afterwards every file is byte for byte (and mode and
/// modification time) what it was, and the only new files are in the
/// output folder.
#[cfg(unix)]
#[test]
fn no_command_modifies_or_adds_a_file_in_the_journal() {
    let j = Journal::sample();
    std::fs::create_dir_all(j.join("broken")).unwrap();
    for case in ["invalid-yaml", "non-utf8", "binary-md", "yaml-1-1-booleans", "plus-fences", "crlf"] {
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/faults").join(case);
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name != "saleslog.yaml" && name != "2026-11-24.md" {
                std::fs::copy(&path, j.join(&format!("broken/{case}-{name}"))).unwrap();
            }
        }
    }
    std::os::unix::fs::symlink(j.join("gone.md"), j.join("broken/dangling.md")).unwrap();
    let before = snapshot(j.path());
    let elsewhere = tempfile::tempdir().unwrap();
    let out = |name: &str| elsewhere.path().join(name).to_string_lossy().into_owned();

    let runs: Vec<Vec<String>> = vec![
        vec!["check".into()],
        vec!["check".into(), "--format".into(), "json".into()],
        vec!["report".into()],
        vec!["report".into(), "--format".into(), "json".into()],
        vec!["build".into()],
        vec!["build".into(), "-o".into(), out("site")],
        vec!["export".into(), "--format".into(), "json".into()],
        vec!["export".into(), "--format".into(), "csv".into(), "--what".into(), "commitments".into()],
        vec!["export".into(), "--format".into(), "ics".into(), "-o".into(), out("calendar.ics")],
    ];
    for args in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = j.run(&args);
        assert!(run.code == 0 || run.code == 1, "{args:?}: {}", run.stderr);
    }
    // `watch` builds, then waits for changes: stop it once it has built.
    let mut watch = std::process::Command::new(assert_cmd::cargo::cargo_bin("saleslog"))
        .args(["--today", TODAY, "watch", "-o", &out("watched")])
        .arg(j.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let index = elsewhere.path().join("watched/index.html");
    for _ in 0..600 {
        if index.exists() || watch.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    watch.kill().ok();
    watch.wait().unwrap();
    assert!(index.exists(), "watch built nothing");

    let after = snapshot(j.path());
    let added: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert!(added.iter().all(|k| k.starts_with("_site/")), "files added outside the output folder: {added:?}");
    assert!(added.iter().any(|k| *k == "_site/index.html"), "the default build wrote nothing");
    for (path, (bytes, mode, modified)) in &before {
        let (b, m, t) = after.get(path).unwrap_or_else(|| panic!("{path} was removed"));
        assert!(b == bytes, "{path} changed");
        assert_eq!((m, t), (mode, modified), "{path}: mode or modification time changed");
    }
}

/// SPEC §2 (issue 17): a top-level key one edit from a known key, or two
/// from one of six letters or more, is a likely typo: an error whose value
/// is ignored (so `check` fails instead of the dashboard silently turning
/// red); other unknown keys stay warnings.
#[test]
fn likely_typos_are_errors_and_other_unknown_keys_warnings() {
    let j = Journal::fixture("faults/likely-typo");
    assert_eq!(
        check(&j),
        (
            1,
            vec![
                at("2026-11-26.md", 2, 1, "likely-typo"), // actvity
                at("2026-11-26.md", 3, 1, "likely-typo"), // comitments
                at("2026-11-26.md", 5, 1, "likely-typo"), // tag
                at("2026-11-26.md", 6, 1, "likely-typo"), // moood
                at("2026-11-26.md", 7, 1, "likely-typo"), // Mood (case counts as an edit)
                at("2026-11-26.md", 8, 1, "unknown-key"), // title
                at("2026-11-26.md", 9, 1, "unknown-key"), // note
            ]
        )
    );
    let diagnostics = check_json(&j);
    assert_eq!(diagnostics[0]["severity"], "error");
    assert_eq!(
        diagnostics[0]["message"],
        "unknown key `actvity` looks like a misspelling of `activity`; its value is ignored"
    );
    assert_eq!(diagnostics[0]["hint"], "did you mean `activity`?");
    assert_eq!(diagnostics[1]["hint"], "did you mean `commitments`?");
    assert_eq!(diagnostics[5]["severity"], "warning");
    // None of the misspelt values counts: not the 22 calls, the commitment or the mood.
    assert_eq!(counted(&j), Counted { notes: 2, ..GOOD });
    let report = j.report_json();
    assert_eq!(report["attitude"]["mood_7d"], 4.0);
    assert_eq!((report["data"]["errors"].as_u64(), report["data"]["warnings"].as_u64()), (Some(5), Some(2)));
}

/// Issue 17: an unknown deal or commitment id suggests the one it most
/// likely means first — a typo's closest id, or the slug of a name typed
/// as an id — instead of inviting a duplicate deal.
#[test]
fn unknown_ids_suggest_the_closest_known_id() {
    let j = Journal::fixture("faults/unknown-ids");
    assert_eq!(
        check(&j),
        (
            1,
            vec![
                at("2026-11-26.md", 3, 5, "deal-first-mention"),
                at("2026-11-26.md", 5, 5, "deal-first-mention"),
                at("2026-11-26.md", 8, 5, "unknown-commitment"),
            ]
        )
    );
    let hints: Vec<Value> = check_json(&j).iter().map(|d| d["hint"].clone()).collect();
    assert_eq!(
        hints,
        [
            "did you mean `acme-corp` (the deal Acme Corp)? Otherwise add the missing fields; until then the deal does not exist",
            "`Acme Corp` looks like a name: did you mean `id: acme-corp` (the deal Acme Corp)? Otherwise add the missing fields; until then the deal does not exist",
            "did you mean `acme-pricing` (Send revised pricing)? Otherwise add `what:` to make a new commitment",
        ]
    );
    // No duplicate deal, and the misspelt update marks nothing done.
    assert_eq!(counted(&j), Counted { notes: 3, open_deals: 2, open_amount: 1500, open_commitments: 2, ..GOOD });
}

/// SPEC §4: `off:` takes true, false or a reason; anything else is a
/// wrong-type error at its value, the day stays a workday and the note's
/// activity still counts.
#[test]
fn off_of_the_wrong_type_is_an_error_and_the_day_a_workday() {
    let j = Journal::fixture("faults/off-wrong-type");
    assert_eq!(check(&j), (1, vec![at("2026-11-25.md", 2, 6, "wrong-type"), at("2026-11-26.md", 2, 6, "wrong-type")]));
    assert_eq!(check_json(&j)[1]["message"], "`off` must be true, false or a reason, not a whole number (`1`)");
    assert_eq!(counted(&j), Counted { notes: 3, calls: 13, ..GOOD });
    // Tue 24th to Thu 26th all elapsed workdays (the 25th and 26th are not off).
    assert_eq!(j.report_json()["activity"]["elapsed_workdays"], 3);
}

/// SPEC §3: a bad `holidays:` entry (an impossible date, a reversed or
/// half range) is a configuration error at its line: exit 2, no report.
#[test]
fn bad_holidays_stop_the_run_with_located_errors() {
    let j = Journal::fixture("faults/bad-holidays");
    let run = j.run(&["report", "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    for expected in [
        "holiday `2026-11-31` is not a real date [config-invalid]\n --> saleslog.yaml:5:5",
        "holiday range `2026-12-31..2026-12-24` ends before it starts [config-invalid]\n --> saleslog.yaml:6:5",
        "holiday range `2026-12-24..` needs a date on both sides of `..` [config-invalid]\n --> saleslog.yaml:7:5",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\nin\n{}", run.stderr);
    }
    assert!(run.stderr.contains("help: write the earlier date first: `2026-12-24..2026-12-31`"), "{}", run.stderr);
}

/// The README's run command (`serve sample-journal`) leaves the reports in
/// `sample-journal/_site/`; the test command that follows must not see
/// them. A copy of a journal someone built in — the default folder, an
/// `-o` folder inside it, a first build cut short before its marker, a
/// temporary file of a killed write — is the journal alone, and saleslog
/// builds it from nothing.
#[cfg(unix)]
#[test]
fn a_copy_of_a_journal_leaves_behind_what_saleslog_wrote_in_it() {
    let used = Journal::sample();
    assert!(used.run(&["build"]).code == 0);
    let inside = used.join("reports").to_string_lossy().into_owned();
    assert!(used.run(&["build", "-o", &inside]).code == 0);
    used.write("_site/notes/.saleslog-1234.tmp", b"half a page");
    used.write("2026/11/.saleslog-abcd.tmp", b"half a note");
    assert!(used.join("_site/.saleslog-output").is_file() && used.join("reports/.saleslog-output").is_file());

    let copy = Journal::copy_of(used.path());
    let files = snapshot(copy.path());
    let written: Vec<&String> = files
        .keys()
        .filter(|k| k.starts_with("_site") || k.starts_with("reports") || k.contains(".saleslog-"))
        .collect();
    assert_eq!(written, Vec::<&String>::new(), "the copy took what saleslog wrote");
    assert_eq!(
        files.keys().filter(|k| k.ends_with(".md")).count(),
        snapshot(&sample_journal()).keys().filter(|k| k.ends_with(".md") && !k.starts_with("_site")).count()
    );
    let run = copy.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(" 0 unchanged"), "the copy's build found old pages: {}", run.stderr);

    // A first build cut short leaves `_site/` without its marker: not the journal either.
    std::fs::remove_file(used.join("_site/.saleslog-output")).unwrap();
    assert!(!Journal::copy_of(used.path()).join("_site").exists());
}
