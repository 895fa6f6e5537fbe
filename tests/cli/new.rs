//! `saleslog new`: the day's note, carrying forward what needs doing; it
//! passes `check` as written, one uncommented line updates the journal, and
//! an existing note is never touched.

use crate::harness::*;

/// As of Friday 2026-11-27: two overdue commitments, one open, one done;
/// Acme stale and slipped, Initech without a next step, Globex fine, Hooli
/// lost; Thursday's note asked for help.
fn journal() -> Journal {
    Journal::with_config("goals:\n  daily: {calls: 20}\nactivities: [calls, emails]\n")
        .file(
            "2026/11/2026-11-02.md",
            "---\ndeals:\n  - {name: Acme Corp, stage: proposal, amount: 48000, close: 2026-11-20, next: Pricing call}\n  - {name: Hooli, stage: lead}\ncommitments:\n  - {id: acme-pricing, what: Send revised pricing, to: Jane Doe (Acme), due: 2026-11-20}\n  - {id: kept-one, what: Send the deck, due: 2026-11-10, done: 2026-11-09}\n---\n- [ ] Call Bob back 📅 2026-11-25\n",
        )
        .file(
            "2026/11/2026-11-20.md",
            "---\ndeals:\n  - {name: Initech, stage: qualified, amount: 20000}\n  - {name: Globex, stage: lead, next: Demo}\n  - {id: hooli, stage: lost}\ncommitments:\n  - {id: initech-case-study, what: Send the case study, to: Bill (Initech), due: 2026-12-02}\n---\n",
        )
        .file(
            "2026/11/2026-11-26.md",
            "---\nhelp: [\"Need an SE on the Initech demo\"]\ndeals:\n  - {id: globex, next: Demo on Monday}\n---\n",
        )
}

const NOTE: &str = "2026/11/2026-11-27.md";

#[test]
fn lists_overdue_commitments_and_deals_that_need_a_look_and_passes_check() {
    let j = journal();
    let before = j.report_json();
    let run = j.run(&["new"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), j.join(NOTE).display().to_string());
    assert!(run.stderr.contains("2 overdue and 1 open commitments, 2 deals to look at"), "{}", run.stderr);
    let note = j.read(NOTE);

    // Activity names at 0, commitments overdue first with how late they are.
    assert!(note.contains("\nactivity:\n  calls: 0\n  emails: 0\n"), "{note}");
    let pricing = note.find("# - {id: acme-pricing, done: true}").expect("acme-pricing to complete");
    let bob = note.find("# - {id: 2026-11-02-call-bob-back, done: true}").expect("the task to complete");
    let case_study = note.find("# - {id: initech-case-study, done: true}").expect("the open one");
    assert!(pricing < bob && bob < case_study, "overdue first, most overdue first:\n{note}");
    assert!(note.contains("acme-pricing: Send revised pricing → Jane Doe (Acme) · due 2026-11-20, 7 days overdue"));
    assert!(note.contains("due 2026-11-25, 2 days overdue"));
    assert!(!note.contains("kept-one"), "done commitments are not carried");
    // Deals: Acme (stale, slipped) and Initech (no next step); not Globex or Hooli.
    assert!(note.contains("# - {id: acme-corp, stage: proposal, close: 2026-11-20, next: Pricing call}"), "{note}");
    assert!(note.contains("untouched for 25 days, close date 2026-11-20 passed"), "{note}");
    assert!(note.contains("# - {id: initech, stage: qualified, next: \"\"}"), "{note}");
    assert!(!note.contains("globex") && !note.contains("hooli"), "{note}");
    // Yesterday's ask, as a reminder.
    assert!(note.contains("# - Need an SE on the Initech demo\n"), "{note}");

    // The note as written passes check and changes no figure but the note count.
    let check = j.run(&["check", "--format", "json"]);
    assert_eq!(check.code, 0);
    assert_eq!(located(&check), vec![], "{note}");
    let mut after = j.report_json();
    assert_eq!(after["notes"], 4);
    after["notes"] = before["notes"].clone();
    // Today now has a note: it counts as an elapsed workday with 0 calls.
    for key in ["activity", "boxes", "data"] {
        after[key] = before[key].clone();
    }
    assert_eq!(after, before);
}

#[test]
fn uncommenting_one_line_marks_the_commitment_done() {
    let j = journal();
    assert_eq!(j.run(&["new"]).code, 0);
    let before = j.report_json();
    assert_eq!(before["commitments"]["overdue"], 2);
    let note = j.read(NOTE);
    let done = note.replacen("# - {id: acme-pricing, done: true}", "- {id: acme-pricing, done: true}", 1);
    assert_ne!(done, note);
    j.write(NOTE, done.as_bytes());

    let check = j.run(&["check", "--format", "json"]);
    assert_eq!(located(&check), vec![]);
    let after = j.report_json();
    assert_eq!(after["commitments"]["overdue"], 1);
    assert_eq!(after["commitments"]["due_in_window"], before["commitments"]["due_in_window"]);
    let export = j.run(&["export", "--format", "json", "--what", "commitments"]);
    let v: serde_json::Value = serde_json::from_str(&export.stdout).unwrap();
    let pricing = v["commitments"].as_array().unwrap().iter().find(|c| c["id"] == "acme-pricing").unwrap();
    assert_eq!(pricing["status"], "done");
    assert_eq!(pricing["done"], "2026-11-27");
    assert_eq!(pricing["kept_on_time"], false);
    // Tomorrow's note no longer carries it.
    assert_eq!(j.run_at("2026-11-30", &["new"]).code, 0);
    assert!(!j.read("2026/11/2026-11-30.md").contains("acme-pricing"));
}

#[test]
fn an_existing_note_is_left_byte_identical() {
    let j = journal().file(NOTE, "---\nmood: 4\n---\nMy own words.\r\n");
    let before = std::fs::read(j.join(NOTE)).unwrap();
    let run = j.run(&["new"]);
    assert_eq!(run.code, 0);
    assert_eq!(std::fs::read(j.join(NOTE)).unwrap(), before);
    assert_eq!(run.stdout.trim(), j.join(NOTE).display().to_string());
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);

    // A daily note for the date elsewhere in the journal counts too.
    let j = journal().file("2026-11-27.md", "---\nmood: 2\n---\n");
    let run = j.run(&["new"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout.trim(), j.join("2026-11-27.md").display().to_string());
    assert!(!j.join(NOTE).exists());
}

#[test]
fn follows_the_journal_layout_and_the_date_option() {
    let j = Journal::new().note("2026-11-26", "mood: 3");
    assert_eq!(j.run(&["new"]).code, 0);
    assert!(j.join("2026-11-27.md").exists(), "a flat journal stays flat");
    let run = j.run(&["new", "--date", "2026-12-01"]);
    assert_eq!(run.code, 0);
    assert!(j.read("2026-12-01.md").starts_with("---\ndate: 2026-12-01\n"));

    let empty = Journal::new();
    assert_eq!(empty.run(&["new"]).code, 0);
    assert!(empty.join("2026/11/2026-11-27.md").exists(), "the default layout is YYYY/MM/");

    let bad = Journal::new().run(&["new", "--date", "2026-02-30"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("YYYY-MM-DD"), "{}", bad.stderr);
}

#[test]
fn the_journal_can_override_the_template() {
    let j = journal().file(
        "templates/note.md",
        "---\ndate: {{ date }}\n---\n{% for c in overdue %}- [ ] {{ c.what }} (carried)\n{% endfor %}",
    );
    assert_eq!(j.run(&["new"]).code, 0);
    assert_eq!(
        j.read(NOTE),
        "---\ndate: 2026-11-27\n---\n- [ ] Send revised pricing (carried)\n- [ ] Call Bob back (carried)\n"
    );

    let broken = journal().file("templates/note.md", "{% for %}");
    let run = broken.run(&["new"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("templates/note.md"), "{}", run.stderr);
    assert!(!broken.join(NOTE).exists());
}

#[test]
fn the_new_note_of_the_sample_journal_passes_check() {
    let j = Journal::sample();
    let before = j.run_at("2026-11-30", &["check", "--format", "json"]);
    assert_eq!(j.run_at("2026-11-30", &["new"]).code, 0);
    let note = j.read("2026/11/2026-11-30.md");
    assert!(note.contains("# - {id: granite-callback, done: true}"), "{note}");
    let after = j.run_at("2026-11-30", &["check", "--format", "json"]);
    assert_eq!(after.code, 0);
    assert_eq!(located(&after), located(&before));
}

#[test]
#[cfg(unix)]
fn edit_opens_visual_then_editor_and_says_when_neither_is_set() {
    let j = journal();
    let run = j.run(&["new", "--edit"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("set $VISUAL or $EDITOR"), "{}", run.stderr);
    assert!(j.join(NOTE).exists(), "the note is created all the same");

    // $VISUAL wins over $EDITOR; an existing note is opened as it is.
    let mut cmd = saleslog();
    cmd.env("VISUAL", "printf 'edited\\n' >>").env("EDITOR", "false");
    cmd.args(["--today", TODAY, "new", "--edit"]).arg(j.path());
    let run = Run::from(cmd.output().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(j.read(NOTE).ends_with("edited\n"));

    let mut cmd = saleslog();
    cmd.env("EDITOR", "false").args(["--today", TODAY, "new", "--edit"]).arg(j.path());
    let run = Run::from(cmd.output().unwrap());
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("the editor `false` exited"), "{}", run.stderr);
}

/// One open commitment and nothing overdue: the count is singular, and the
/// note says how to change the line itself instead of "as above" with
/// nothing above it.
#[test]
fn one_open_commitment_is_singular_and_explained_without_an_overdue_one_above() {
    let j = Journal::new().note("2026-11-20", "commitments:\n  - {id: deck, what: Send the deck, due: 2026-12-02}");
    let run = j.run(&["new"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(": 1 open commitment, no deal needs a look"), "{}", run.stderr);
    let note = std::fs::read_to_string(run.stdout.trim()).unwrap();
    assert!(!note.contains("as above"), "{note}");
    assert!(note.contains("# Open: uncomment to mark done, or change `done: true` to `due: 2026-11-27`"), "{note}");
}

/// The terminal report counts one note as "1 note".
#[test]
fn the_report_of_one_note_says_1_note() {
    let run = Journal::new().note("2026-11-27", "mood: 4").run(&["report"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("(1 note)"), "{}", run.stdout);
}

/// A month folder that is a link is not read by the journal: `new`
/// refuses to write the day's note through it (the note would never
/// count, and would land wherever the link leads).
#[cfg(unix)]
#[test]
fn a_note_is_not_written_through_a_linked_folder() {
    let j = Journal::new().file("2026/10/2026-10-30.md", "---\nmood: 3\n---\n");
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), j.join("2026/11")).unwrap();
    let run = j.run(&["new"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("it is a link to a folder"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0, "nothing written through the link");
}
