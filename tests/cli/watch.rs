//! `saleslog watch` under every way editors and git change files (issue 4,
//! "Must survive"). Each test plays an editor by its real file operations,
//! waits for the outcome with a generous deadline, and never asserts a
//! speed: the machine running them may be loaded.

use crate::harness::*;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long an outcome may take on a loaded machine.
const LONG: Duration = Duration::from_secs(30);
/// Quiet time after a change, far beyond the 30 ms debounce: any second
/// rebuild the change caused has had time to show.
const SETTLE: Duration = Duration::from_millis(1500);

/// The note the editors save, and its page.
const NOTE: &str = "2026/11/2026-11-27.md";
const NOTE_PAGE: &str = "notes/2026/11/2026-11-27.html";

/// A copy of `sample-journal/` and an output folder outside it.
struct Setup {
    tmp: tempfile::TempDir,
    journal: PathBuf,
    out: PathBuf,
}

impl Setup {
    fn sample() -> Setup {
        let tmp = tempfile::tempdir().unwrap();
        let journal = tmp.path().join("journal");
        copy_journal(&sample_journal(), &journal);
        let out = tmp.path().join("out");
        Setup { tmp, journal, out }
    }

    fn note(&self) -> PathBuf {
        self.journal.join(NOTE)
    }

    /// The note with its calls set to `calls` (a figure its page shows).
    fn note_text(&self, calls: u32) -> String {
        let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-journal").join(NOTE)).unwrap();
        assert!(text.contains("calls: 21"));
        text.replace("calls: 21", &format!("calls: {calls}"))
    }

    /// `saleslog --today TODAY watch JOURNAL -o OUT <extra>`, once its first
    /// build is written.
    fn watch(&self, extra: &[&str]) -> Spawned {
        let mut args =
            vec!["--today", TODAY, "watch", self.journal.to_str().unwrap(), "-o", self.out.to_str().unwrap()];
        args.extend_from_slice(extra);
        let w = Spawned::start(&args);
        w.wait_for_line(is_rebuild_line, LONG);
        w
    }

    fn page(&self, rel: &str) -> String {
        fs::read_to_string(self.out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// A cold `saleslog build` of the journal as it is now, into a fresh folder.
    fn cold_build(&self, today: &str) -> PathBuf {
        let cold = self.tmp.path().join(format!("cold-{}", std::process::id()));
        let _ = fs::remove_dir_all(&cold);
        let out = saleslog()
            .args(["--today", today, "build"])
            .arg(&self.journal)
            .arg("-o")
            .arg(&cold)
            .output()
            .expect("run build");
        assert!(out.status.code().is_some_and(|c| c <= 1), "{}", String::from_utf8_lossy(&out.stderr));
        cold
    }
}

/// Wait for the rebuild that `change` causes, then for quiet, and return
/// every rebuild line it caused.
fn rebuilds_caused_by(w: &Spawned, change: impl FnOnce()) -> Vec<String> {
    let mark = w.mark();
    change();
    w.wait_for_line_after(mark, is_rebuild_line, LONG);
    std::thread::sleep(SETTLE);
    w.lines_after(mark, is_rebuild_line)
}

fn name_of(path: &Path) -> String {
    path.file_name().unwrap().to_str().unwrap().to_string()
}

/// What vim does to its swap files while editing: the `.swp` is rewritten,
/// and a `.swx` appears and goes (a second swap name, as when a `.swp`
/// already exists).
fn vim_swap_churn(note: &Path) {
    let dir = note.parent().unwrap();
    let name = name_of(note);
    fs::write(dir.join(format!(".{name}.swp")), b"b0VIM 9.0\0swap contents").unwrap();
    let swx = dir.join(format!(".{name}.swx"));
    fs::write(&swx, b"b0VIM 9.0\0").unwrap();
    fs::remove_file(&swx).unwrap();
}

/// vim's `:w` with `backupcopy=no`: probe the folder with `4913`, rename
/// the note to its backup `note~`, write the new note as a new file, delete
/// the backup.
fn vim_save_rename_over(note: &Path, text: &str) {
    let dir = note.parent().unwrap();
    let probe = dir.join("4913");
    fs::write(&probe, b"").unwrap();
    fs::remove_file(&probe).unwrap();
    let backup = dir.join(format!("{}~", name_of(note)));
    fs::rename(note, &backup).unwrap();
    let mut f = fs::File::create(note).unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f.sync_all().unwrap();
    drop(f);
    fs::remove_file(&backup).unwrap();
}

/// vim's `:w` with `backupcopy=yes`: copy the note to `note~`, truncate the
/// note and write it in place, delete the backup.
fn vim_save_in_place(note: &Path, text: &str) {
    let backup = note.with_file_name(format!("{}~", name_of(note)));
    fs::copy(note, &backup).unwrap();
    let mut f = fs::OpenOptions::new().write(true).truncate(true).open(note).unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f.sync_all().unwrap();
    drop(f);
    fs::remove_file(&backup).unwrap();
}

fn three_vim_saves(save: fn(&Path, &str), extra: &[&str]) {
    let s = Setup::sample();
    let w = s.watch(extra);
    for calls in [7301, 7302, 7303] {
        let rebuilds = rebuilds_caused_by(&w, || {
            vim_swap_churn(&s.note());
            save(&s.note(), &s.note_text(calls));
            vim_swap_churn(&s.note());
        });
        assert_eq!(rebuilds.len(), 1, "one save, one rebuild: {rebuilds:#?}");
        assert!(rebuilds[0].contains("2026-11-27.md"), "{}", rebuilds[0]);
        assert!(rebuilds[0].contains("0 removed"), "{}", rebuilds[0]);
        assert!(s.page(NOTE_PAGE).contains(&calls.to_string()), "save with calls {calls} not in the page");
    }
    // vim quits: its swap file goes; nothing to rebuild.
    let mark = w.mark();
    fs::remove_file(s.note().with_file_name(".2026-11-27.md.swp")).unwrap();
    std::thread::sleep(SETTLE);
    assert_eq!(w.lines_after(mark, is_rebuild_line), Vec::<String>::new());
}

#[test]
fn vim_backupcopy_no_three_saves_three_rebuilds() {
    three_vim_saves(vim_save_rename_over, &[]);
}

#[test]
fn vim_backupcopy_yes_three_saves_three_rebuilds() {
    three_vim_saves(vim_save_in_place, &[]);
}

/// The fallback for network folders, WSL and an exhausted inotify limit.
#[test]
fn polling_sees_a_vim_save() {
    let s = Setup::sample();
    let w = s.watch(&["--poll"]);
    let rebuilds = rebuilds_caused_by(&w, || vim_save_rename_over(&s.note(), &s.note_text(7311)));
    assert_eq!(rebuilds.len(), 1, "{rebuilds:#?}");
    assert!(s.page(NOTE_PAGE).contains("7311"));
}

/// A folder whose name has a dot (`Q4.2026/`) holds notes like any other:
/// polling looks inside it too.
#[test]
fn polling_sees_a_save_in_a_folder_with_a_dot() {
    let s = Setup::sample();
    let folder = s.journal.join("Q4.2026");
    fs::create_dir(&folder).unwrap();
    let note = folder.join("2026-11-26-review.md");
    fs::write(&note, "---\nactivity: {calls: 5}\n---\n# Quarter review\n").unwrap();
    let w = s.watch(&["--poll"]);
    let rebuilds = rebuilds_caused_by(&w, || {
        vim_save_rename_over(&note, "---\nactivity: {calls: 6}\n---\n# Quarter review, again\n")
    });
    assert_eq!(rebuilds.len(), 1, "{rebuilds:#?}");
    assert!(s.page("notes/q4-2026/2026-11-26-review.html").contains("Quarter review, again"));
}

/// A hard link from outside the journal to its note of 2026-11-25: a
/// write through it is a change the watcher cannot see (inotify reports
/// it on the other folder).
#[cfg(unix)]
fn unseen_link(s: &Setup) -> PathBuf {
    let link = s.tmp.path().join("outside.md");
    fs::hard_link(s.journal.join("2026/11/2026-11-25.md"), &link).unwrap();
    link
}

/// Append `line` to the note behind `link`.
#[cfg(unix)]
fn write_unseen(link: &Path, line: &str) {
    let text = fs::read_to_string(link).unwrap();
    fs::write(link, format!("{text}\n{line}\n")).unwrap();
}

/// A save as editors make it, built at once from its event: the day's
/// note with `calls`, written to a temporary file renamed over it.
#[cfg(unix)]
fn save_calls(s: &Setup, calls: u32) {
    let temp = s.note().with_file_name(".2026-11-27.md.tmp");
    fs::write(&temp, s.note_text(calls)).unwrap();
    fs::rename(&temp, s.note()).unwrap();
}

/// Wait until the page of 2026-11-25 shows `line`, and for the rebuild
/// line naming that note (the page is on disk a moment before the line
/// that tells of it is printed).
#[cfg(unix)]
fn wait_for_unseen(s: &Setup, w: &Spawned, mark: usize, line: &str) {
    let page = || fs::read_to_string(s.out.join("notes/2026/11/2026-11-25.html")).unwrap_or_default();
    assert!(eventually(LONG, || page().contains(line)), "the rescan found the unseen change");
    let named = |l: &str| is_rebuild_line(l) && l.contains("2026-11-25.md");
    w.wait_for_line_after(mark, named, LONG);
}

/// A change the watcher cannot see is found by the rescan that follows a
/// save built from its events alone, once the folder has been quiet for a
/// moment.
#[cfg(unix)]
#[test]
fn the_rescan_after_a_save_finds_what_the_events_missed() {
    let s = Setup::sample();
    let w = s.watch(&[]);
    let link = unseen_link(&s);
    let mark = w.mark();
    save_calls(&s, 7351);
    // Meanwhile, behind the watcher's back.
    write_unseen(&link, "Written through a link, unseen by the watcher.");
    assert!(eventually(LONG, || s.page(NOTE_PAGE).contains("7351")), "the save");
    wait_for_unseen(&s, &w, mark, "unseen by the watcher");
}

/// That rescan waits for the folder to be quiet: a change the watcher
/// cannot see, made just after a save's pages are on disk, is found too
/// (a rescan run straight after the save would have come before it).
#[cfg(unix)]
#[test]
fn the_rescan_waits_for_quiet_and_finds_a_change_made_just_after_a_save() {
    let s = Setup::sample();
    let w = s.watch(&[]);
    let link = unseen_link(&s);
    let mark = w.mark();
    save_calls(&s, 7352);
    assert!(eventually(LONG, || s.page(NOTE_PAGE).contains("7352")), "the save");
    write_unseen(&link, "Written through a link just after a save.");
    wait_for_unseen(&s, &w, mark, "just after a save");
}

#[test]
fn editor_leftovers_and_git_cause_no_rebuild() {
    let s = Setup::sample();
    let w = s.watch(&[]);
    let dir = s.note().parent().unwrap().to_path_buf();
    let mark = w.mark();
    let text = s.note_text(7321);
    #[cfg(unix)]
    {
        // emacs' lock file: a symlink to `user@host.pid:boot`, dangling.
        std::os::unix::fs::symlink("alex@laptop.4242:1700000000", dir.join(".#2026-11-27.md")).unwrap();
    }
    for round in 0..3 {
        let junk = format!("{text}\n{round}");
        // emacs: auto-save and backup.
        fs::write(dir.join("#2026-11-27.md#"), &junk).unwrap();
        fs::write(dir.join("2026-11-27.md~"), &junk).unwrap();
        // JetBrains safe write leftovers.
        fs::write(dir.join("2026-11-27.md___jb_tmp___"), &junk).unwrap();
        fs::write(dir.join("2026-11-27.md___jb_old___"), &junk).unwrap();
        // Kate's swap, Helix's backup, Finder's folder settings.
        fs::write(dir.join(".2026-11-27.md.kate-swp"), &junk).unwrap();
        fs::write(dir.join("2026-11-27.md.bck"), &junk).unwrap();
        fs::write(s.journal.join(".DS_Store"), &junk).unwrap();
        fs::write(dir.join(".DS_Store"), &junk).unwrap();
        // git: the index rewritten under index.lock, objects written.
        let git = s.journal.join(".git");
        fs::create_dir_all(git.join("objects/ab")).unwrap();
        fs::write(git.join("index.lock"), &junk).unwrap();
        fs::rename(git.join("index.lock"), git.join("index")).unwrap();
        fs::write(git.join(format!("objects/ab/cdef{round}")), &junk).unwrap();
        fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        std::thread::sleep(Duration::from_millis(50));
    }
    for leftover in ["#2026-11-27.md#", "2026-11-27.md___jb_tmp___", "2026-11-27.md.bck"] {
        fs::remove_file(dir.join(leftover)).unwrap();
    }
    std::thread::sleep(SETTLE);
    assert_eq!(w.lines_after(mark, is_rebuild_line), Vec::<String>::new(), "leftovers caused a rebuild");
    // The leftovers are not notes: no page for them, nothing about them on the data page.
    assert!(!s.page("data.html").contains("jb_"), "a leftover was read as a note");

    let rebuilds = rebuilds_caused_by(&w, || vim_save_rename_over(&s.note(), &text));
    assert_eq!(rebuilds.len(), 1, "{rebuilds:#?}");
    assert!(s.page(NOTE_PAGE).contains("7321"));
}

/// VS Code (and many editors) truncate the file, then write it. Even with a
/// pause longer than the debounce between the two, no page built from the
/// empty file may ever be published: every version of the note's page and
/// of the dashboard seen on disk is the one from before or after the save.
#[test]
fn truncate_then_write_never_publishes_an_empty_note() {
    let s = Setup::sample();
    let sentinel = "Sentinel line: walnut seventeen.";
    let before = format!("{}\n{sentinel}\n", s.note_text(7331));
    let after = format!("{}\n{sentinel}\n", s.note_text(7332));
    // What the two legitimate versions of the pages are: cold builds.
    fs::write(s.note(), &after).unwrap();
    let cold_after = tree(&s.cold_build(TODAY));
    fs::write(s.note(), &before).unwrap();
    let cold_before = tree(&s.cold_build(TODAY));
    let watched = [NOTE_PAGE, "index.html"];
    for page in watched {
        assert_ne!(cold_before[page], cold_after[page], "{page} must show the change");
    }

    let w = s.watch(&[]);
    for page in watched {
        assert_eq!(s.page(page).as_bytes(), cold_before[page].as_slice(), "{page} before the save");
    }
    let stop = Arc::new(AtomicBool::new(false));
    let poller = {
        let (stop, out) = (stop.clone(), s.out.clone());
        let allowed: Vec<(String, Vec<Vec<u8>>)> =
            watched.iter().map(|p| (p.to_string(), vec![cold_before[*p].clone(), cold_after[*p].clone()])).collect();
        std::thread::spawn(move || {
            let mut reads = 0u64;
            while !stop.load(Ordering::Relaxed) {
                for (page, versions) in &allowed {
                    let bytes = fs::read(out.join(page)).unwrap_or_else(|e| panic!("{page} unreadable: {e}"));
                    assert!(
                        versions.contains(&bytes),
                        "{page} was published from a half-saved note:\n{}",
                        String::from_utf8_lossy(&bytes)
                    );
                    reads += 1;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            reads
        })
    };
    let rebuilds = rebuilds_caused_by(&w, || {
        let mut f = fs::OpenOptions::new().write(true).truncate(true).open(s.note()).unwrap();
        f.flush().unwrap();
        std::thread::sleep(Duration::from_millis(250));
        f.write_all(after.as_bytes()).unwrap();
        f.sync_all().unwrap();
    });
    assert!(eventually(LONG, || s.page(NOTE_PAGE).as_bytes() == cold_after[NOTE_PAGE].as_slice()));
    stop.store(true, Ordering::Relaxed);
    let reads = poller.join().expect("no page built from the empty note was ever published");
    assert!(reads > 10, "the poller hardly ran ({reads} reads)");
    assert_eq!(rebuilds.len(), 1, "{rebuilds:#?}");
    for page in watched {
        assert_eq!(s.page(page).as_bytes(), cold_after[page].as_slice(), "{page} after the save");
    }
}

/// Note pages under `notes/2026/11/` whose name starts with `prefix`.
fn note_pages(s: &Setup, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(s.out.join("notes/2026/11"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(prefix))
        .collect();
    names.sort();
    names
}

#[test]
fn a_deleted_note_loses_its_page() {
    let s = Setup::sample();
    let w = s.watch(&[]);
    assert!(s.out.join(NOTE_PAGE).is_file());
    let rebuilds = rebuilds_caused_by(&w, || fs::remove_file(s.note()).unwrap());
    assert_eq!(rebuilds.len(), 1, "{rebuilds:#?}");
    assert!(!s.out.join(NOTE_PAGE).exists(), "the deleted note's page is still there");
    assert!(!s.page("notes.html").contains("2026-11-27.html"), "the notes list still links it");
}

#[test]
fn a_renamed_note_leaves_no_ghost_also_when_only_the_case_changes() {
    let s = Setup::sample();
    let w = s.watch(&[]);
    let dir = s.note().parent().unwrap().to_path_buf();
    assert_eq!(note_pages(&s, "2026-11-24"), ["2026-11-24.html"]);
    let pages = tree(&s.out).len();

    let rebuilds =
        rebuilds_caused_by(&w, || fs::rename(dir.join("2026-11-24.md"), dir.join("2026-11-24-Review.md")).unwrap());
    assert_eq!(rebuilds.len(), 1, "{rebuilds:#?}");
    let renamed = note_pages(&s, "2026-11-24");
    assert_eq!(renamed.len(), 1, "old page gone, one new page: {renamed:?}");
    assert_ne!(renamed, ["2026-11-24.html"]);
    assert_eq!(tree(&s.out).len(), pages);
    assert_eq!(differences(&tree(&s.out), &tree(&s.cold_build(TODAY))), Vec::<String>::new());

    let rebuilds = rebuilds_caused_by(&w, || {
        fs::rename(dir.join("2026-11-24-Review.md"), dir.join("2026-11-24-review.md")).unwrap()
    });
    assert_eq!(rebuilds.len(), 1, "{rebuilds:#?}");
    assert_eq!(note_pages(&s, "2026-11-24").len(), 1, "{:?}", note_pages(&s, "2026-11-24"));
    assert_eq!(tree(&s.out).len(), pages);
    // Whatever the page is called, it is the one a cold build makes of the
    // journal now, and nothing else is left over.
    assert_eq!(differences(&tree(&s.out), &tree(&s.cold_build(TODAY))), Vec::<String>::new());
}

/// A watch session remembers the pages it wrote by hash only: when the
/// output folder is emptied under it, the next save writes every page
/// again, byte for byte what a cold build makes, with nothing missing.
#[test]
fn an_output_folder_emptied_while_watching_is_written_whole_on_the_next_save() {
    let s = Setup::sample();
    let w = s.watch(&[]);
    // A first save, so the session holds pages it took as unchanged.
    let rebuilds = rebuilds_caused_by(&w, || fs::write(s.note(), s.note_text(7361)).unwrap());
    assert_eq!(rebuilds.len(), 1, "{rebuilds:#?}");
    let pages = tree(&s.out).len();
    fs::remove_dir_all(&s.out).unwrap();
    let rebuilds = rebuilds_caused_by(&w, || fs::write(s.note(), s.note_text(7362)).unwrap());
    assert!(!rebuilds.is_empty() && !w.lines().iter().any(|l| l.contains("internal error")), "{:#?}", w.lines());
    assert!(s.page(NOTE_PAGE).contains("7362"));
    assert_eq!(tree(&s.out).len(), pages);
    assert_eq!(differences(&tree(&s.out), &tree(&s.cold_build(TODAY))), Vec::<String>::new());
}

/// A change that makes no note differ but the files skipped while looking
/// for notes (a dangling symlink named `.md`) rebuilds too: the Data page
/// lists the problem at once, and drops it once the link is gone.
#[cfg(unix)]
#[test]
fn a_dangling_symlink_appearing_or_going_is_rebuilt_at_once() {
    let s = Setup::sample();
    let w = s.watch(&[]);
    let link = s.journal.join("2026/11/dangling.md");
    let rebuilds = rebuilds_caused_by(&w, || std::os::unix::fs::symlink(s.journal.join("nowhere.md"), &link).unwrap());
    assert_eq!(rebuilds.len(), 1, "{rebuilds:#?}");
    assert!(s.page("data.html").contains("dangling symlink"));
    assert_eq!(differences(&tree(&s.out), &tree(&s.cold_build(TODAY))), Vec::<String>::new());
    let rebuilds = rebuilds_caused_by(&w, || fs::remove_file(&link).unwrap());
    assert_eq!(rebuilds.len(), 1, "{rebuilds:#?}");
    assert!(!s.page("data.html").contains("dangling symlink"));
}

/// Keys of two trees that differ, for a readable failure.
fn differences(
    a: &std::collections::BTreeMap<String, Vec<u8>>,
    b: &std::collections::BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter().filter(|k| a.get(*k) != b.get(*k)).cloned().collect()
}

/// A generated journal (`gen-journal`, or the sample when the generator is
/// not there) and its last note's date.
fn generated_journal(s: &Setup, days: u32) -> String {
    let tool = Path::new("/work/shared/tools/gen-journal");
    if tool.is_file() {
        fs::remove_dir_all(&s.journal).unwrap();
        let status = std::process::Command::new(tool)
            .args([
                "--out",
                s.journal.to_str().unwrap(),
                "--days",
                &days.to_string(),
                "--seed",
                "5",
                "--layout",
                "flat",
            ])
            .stdout(std::process::Stdio::null())
            .status()
            .expect("run gen-journal");
        assert!(status.success());
    } else {
        // Many more notes from the sample's: copies under other dates.
        let notes: Vec<PathBuf> = walkdir::WalkDir::new(&s.journal)
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("README.md"))
            .collect();
        let mut day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        for i in 0..days as usize {
            let text = fs::read_to_string(&notes[i % notes.len()]).unwrap();
            let text = text.lines().filter(|l| !l.starts_with("date:")).collect::<Vec<_>>().join("\n");
            fs::write(s.journal.join(format!("{day}.md")), text).unwrap();
            day = day.succ_opt().unwrap();
        }
    }
    let mut names: Vec<String> = walkdir::WalkDir::new(&s.journal)
        .into_iter()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.len() >= 13 && n.ends_with(".md") && n.as_bytes()[0].is_ascii_digit())
        .collect();
    names.sort();
    names.last().unwrap()[..10].to_string()
}

/// Flat-layout notes of the journal, sorted.
fn flat_notes(journal: &Path) -> Vec<PathBuf> {
    let mut notes: Vec<PathBuf> = fs::read_dir(journal)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && p.file_name().unwrap() != "README.md")
        .collect();
    notes.sort();
    notes
}

/// `git checkout` of another branch: 500 notes rewritten at once (git
/// unlinks each and writes a new file), then 40 deleted one by one while
/// rebuilds run. The checkout costs a rebuild or a few, the trickle after it
/// at most one per three files (each rebuild takes what changed while the
/// previous one ran); no crash; the output of a cold build.
#[test]
fn git_checkout_of_500_notes() {
    let s = Setup::sample();
    let today = generated_journal(&s, 760);
    let notes = flat_notes(&s.journal);
    assert!(notes.len() >= 540, "{} notes", notes.len());
    let mut w =
        Spawned::start(&["--today", &today, "watch", s.journal.to_str().unwrap(), "-o", s.out.to_str().unwrap()]);
    w.wait_for_line(is_rebuild_line, Duration::from_secs(120));

    let mark = w.mark();
    for (i, note) in notes.iter().take(500).enumerate() {
        let text = fs::read_to_string(note).unwrap();
        fs::remove_file(note).unwrap();
        fs::write(note, format!("{text}\nChecked out from the other branch ({i}).\n")).unwrap();
    }
    // Files vanish while the rebuild reads them: spaced beyond the quiet
    // time that ends a burst, so the rebuild has started.
    for note in notes.iter().rev().take(40) {
        fs::remove_file(note).unwrap();
        std::thread::sleep(Duration::from_millis(30));
    }
    w.wait_for_line_after(mark, is_rebuild_line, Duration::from_secs(120));
    // Quiet: no rebuild line for a while.
    let mut seen = w.mark();
    loop {
        std::thread::sleep(Duration::from_secs(4));
        let now = w.mark();
        if now == seen {
            break;
        }
        seen = now;
    }
    assert!(w.is_running(), "watch died: {:#?}", w.lines());
    let rebuilds = w.lines_after(mark, is_rebuild_line);
    assert!(rebuilds.len() <= 1 + 40 / 3, "{} rebuilds: {rebuilds:#?}", rebuilds.len());

    let watched = tree(&s.out);
    let cold = tree(&s.cold_build(&today));
    assert_eq!(differences(&watched, &cold), Vec::<String>::new(), "watched output differs from a cold build");
}

/// An event overflow or rescan request (or changes no event reported):
/// the session rescans the folder and its output is a cold build's.
#[test]
fn a_rescan_after_unreported_changes_matches_a_cold_build() {
    use saleslog::live::watch::{Options, Session, DEFAULT_DEBOUNCE};
    let s = Setup::sample();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let mut session = Session::open(Options {
        journal: s.journal.clone(),
        output: Some(s.out.clone()),
        today: Some(today),
        poll: false,
        debounce: DEFAULT_DEBOUNCE,
    })
    .unwrap();
    let first = session.rebuild(false);
    assert!(first.report.is_some(), "{}", first.line);

    // Changes made behind the session's back: no watcher is running.
    let dir = s.note().parent().unwrap().to_path_buf();
    fs::write(s.note(), s.note_text(7341)).unwrap();
    fs::remove_file(dir.join("2026-11-25.md")).unwrap();
    fs::rename(dir.join("2026-11-24.md"), dir.join("2026-11-24-Review.md")).unwrap();
    fs::rename(dir.join("2026-11-23.md"), dir.join("2026-11-23-Visit.md")).unwrap();
    fs::rename(dir.join("2026-11-23-Visit.md"), dir.join("2026-11-23-visit.md")).unwrap();
    fs::write(dir.join("2026-11-28.md"), "---\nmood: 4\nactivity: {calls: 3}\n---\nA Saturday.\n").unwrap();
    let config = fs::read_to_string(s.journal.join("saleslog.yaml")).unwrap();
    fs::write(s.journal.join("saleslog.yaml"), config.replace("name: Alex Rivera", "name: Alex R. Rivera")).unwrap();

    let outcome = session.rebuild(true);
    assert!(outcome.report.is_some(), "{}", outcome.line);
    assert!(s.page(NOTE_PAGE).contains("7341"));
    assert_eq!(differences(&tree(&s.out), &tree(&s.cold_build(TODAY))), Vec::<String>::new());

    // Nothing changed since: a rescan finds nothing and says nothing.
    let again = session.rebuild(false);
    assert!(again.line.is_empty(), "{}", again.line);
}

/// `rm -rf` of the journal, then a restore: a warning, the last pages kept,
/// and the watch picks up again once the folder is back.
#[test]
fn the_journal_deleted_and_restored() {
    let s = Setup::sample();
    let backup = s.tmp.path().join("backup");
    copy_dir(&s.journal, &backup);
    fs::write(backup.join(NOTE), s.note_text(7351)).unwrap();
    let w = s.watch(&[]);
    let before = tree(&s.out);

    let mark = w.mark();
    fs::remove_dir_all(&s.journal).unwrap();
    w.wait_for_line_after(mark, |l| l.contains("disappeared"), LONG);
    std::thread::sleep(SETTLE);
    assert_eq!(tree(&s.out), before, "the last pages must be kept");
    assert_eq!(w.lines_after(mark, is_rebuild_line), Vec::<String>::new());

    let mark = w.mark();
    copy_dir(&backup, &s.journal);
    w.wait_for_line_after(mark, is_rebuild_line, LONG);
    assert!(eventually(LONG, || s.page(NOTE_PAGE).contains("7351")), "the restored journal was not rebuilt");

    // Watching again: a save is seen.
    let rebuilds = rebuilds_caused_by(&w, || vim_save_rename_over(&s.note(), &s.note_text(7352)));
    assert!(!rebuilds.is_empty());
    assert!(s.page(NOTE_PAGE).contains("7352"));
    assert_eq!(differences(&tree(&s.out), &tree(&s.cold_build(TODAY))), Vec::<String>::new());
}

/// Symlinks: a loop, one pointing outside the journal, one dangling. No
/// hang, and nothing outside the journal ends up in the reports.
#[cfg(unix)]
#[test]
fn symlinks_out_loops_and_dangling() {
    use std::os::unix::fs::symlink;
    let s = Setup::sample();
    let outside = s.tmp.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("2026-11-26.md"), "---\nmood: 1\n---\nTOP SECRET outside the journal.\n").unwrap();
    symlink(&outside, s.journal.join("linked-folder")).unwrap();
    symlink(outside.join("2026-11-26.md"), s.journal.join("2026/11/2026-11-26.md")).unwrap();
    symlink(&s.journal, s.journal.join("2026/loop")).unwrap();
    symlink(s.journal.join("nowhere.md"), s.journal.join("2026/11/2026-11-29.md")).unwrap();
    let w = s.watch(&[]);
    let rebuilds = rebuilds_caused_by(&w, || vim_save_rename_over(&s.note(), &s.note_text(7361)));
    assert_eq!(rebuilds.len(), 1, "{rebuilds:#?}");
    assert!(s.page(NOTE_PAGE).contains("7361"));
    // Changes outside the journal, even through a link, are not followed.
    let mark = w.mark();
    fs::write(outside.join("2026-11-25.md"), "---\nmood: 1\n---\nTOP SECRET too.\n").unwrap();
    std::thread::sleep(SETTLE);
    assert_eq!(w.lines_after(mark, is_rebuild_line), Vec::<String>::new());
    for (rel, bytes) in tree(&s.out) {
        assert!(!String::from_utf8_lossy(&bytes).contains("TOP SECRET"), "{rel} shows a file from outside");
    }
}
