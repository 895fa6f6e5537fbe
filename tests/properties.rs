//! Properties of the figures a user relies on (issue 7), checked on random
//! journals of realistic notes: the figures do not depend on file names or
//! on the order files are found in; splitting a day's activity across two
//! notes changes nothing; a note dated after D changes no figure as of D;
//! updating a commitment in a later note (before it is due) is the same as
//! editing it where it was made.
//!
//! Journals stay in memory (`note::parse` → `Journal::build` →
//! `analyse::analyse`), as `report` computes them, so each case is fast.
//! Last, `build` twice gives byte-identical pages (rendered in memory), and
//! a watch session's long-lived renderer renders what a fresh one does.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use saleslog::analyse::{self, Figures};
use saleslog::model::config::{self, Config};
use saleslog::model::diagnostic::{Code, Diagnostic, Pos, Tally};
use saleslog::model::journal::Journal;
use saleslog::model::note::{self, Note};
use saleslog::render::Renderer;
use saleslog::site::workspace::Workspace;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

/// Goals, a quota and short windows, so every figure has work to do.
const CONFIG: &str = "goals:
  daily: {calls: 8, emails: 4}
  weekly: {meetings: 3}
quota: {amount: 150000, period: month}
commitments: {window_days: 14}
pipeline: {stale_after_days: 7, win_rate_days: 60}
";

/// The report date of every case, and the first day a note may have.
fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

fn first_day() -> NaiveDate {
    as_of() - Duration::days(34)
}

const DEALS: [&str; 4] = ["Acme Corp", "Globex", "Initech", "Umbrella"];
const STAGES: [&str; 6] = ["lead", "qualified", "proposal", "negotiation", "won", "lost"];
const PROMISES: [&str; 4] = ["Send the pricing", "Book the demo", "Call back Jane", "Share the case study"];

/// One deal mention; the first mention of a deal in a journal must name it
/// and give a stage, later ones are updates (both are generated; an
/// incomplete first mention is an error the journal handles).
#[derive(Debug, Clone)]
struct DealSpec {
    deal: usize,
    stage: Option<usize>,
    amount: Option<u32>,
    close_in: Option<i64>,
    next: Option<bool>,
}

/// A front-matter commitment: new (with `what`) or an update by id.
#[derive(Debug, Clone)]
struct CommitmentSpec {
    promise: usize,
    new: bool,
    due_in: Option<i64>,
    done: Option<Option<i64>>,
    dropped: bool,
}

#[derive(Debug, Clone)]
struct TaskSpec {
    promise: usize,
    checked: bool,
    due_in: Option<i64>,
}

/// A note in the words of the generator: days are offsets from
/// [`first_day`], dates in a note relative to its own date.
#[derive(Debug, Clone)]
struct NoteSpec {
    day: i64,
    mood: Option<u8>,
    activity: BTreeMap<&'static str, u32>,
    deals: Vec<DealSpec>,
    commitments: Vec<CommitmentSpec>,
    tasks: Vec<TaskSpec>,
}

fn deal_spec() -> impl Strategy<Value = DealSpec> {
    (
        0..DEALS.len(),
        prop::option::weighted(0.8, 0..STAGES.len()),
        prop::option::of(1u32..200),
        prop::option::of(-10i64..40),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(deal, stage, amount, close_in, next)| DealSpec { deal, stage, amount, close_in, next })
}

fn commitment_spec() -> impl Strategy<Value = CommitmentSpec> {
    (
        0..PROMISES.len(),
        any::<bool>(),
        prop::option::of(0i64..12),
        prop::option::weighted(0.4, prop::option::of(-3i64..3)),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(promise, new, due_in, done, dropped)| CommitmentSpec { promise, new, due_in, done, dropped })
}

fn task_spec() -> impl Strategy<Value = TaskSpec> {
    (0..PROMISES.len(), prop::bool::weighted(0.3), prop::option::of(0i64..10))
        .prop_map(|(promise, checked, due_in)| TaskSpec { promise, checked, due_in })
}

fn note_spec(days: std::ops::Range<i64>) -> impl Strategy<Value = NoteSpec> {
    let activity =
        prop::collection::btree_map(prop::sample::select(vec!["calls", "emails", "meetings", "demos"]), 0u32..25, 0..4);
    (
        days,
        prop::option::weighted(0.7, 1u8..=5),
        activity,
        prop::collection::vec(deal_spec(), 0..3),
        prop::collection::vec(commitment_spec(), 0..3),
        prop::collection::vec(task_spec(), 0..2),
    )
        .prop_map(|(day, mood, activity, deals, commitments, tasks)| NoteSpec {
            day,
            mood,
            activity,
            deals,
            commitments,
            tasks,
        })
}

/// Notes on distinct days, in date order.
fn journal_spec() -> impl Strategy<Value = Vec<NoteSpec>> {
    prop::collection::vec(note_spec(0..35), 1..14).prop_map(|mut notes| {
        notes.sort_by_key(|n| n.day);
        notes.dedup_by_key(|n| n.day);
        notes
    })
}

fn day(offset: i64) -> NaiveDate {
    first_day() + Duration::days(offset)
}

/// The note file's text. `date:` is always written, so the file name only
/// orders notes of the same date.
fn render(n: &NoteSpec) -> String {
    let date = day(n.day);
    let rel = |d: i64| date + Duration::days(d);
    let mut s = format!("---\ndate: {date}\n");
    if let Some(m) = n.mood {
        let _ = writeln!(s, "mood: {m}");
    }
    if !n.activity.is_empty() {
        s.push_str("activity:\n");
        for (name, count) in &n.activity {
            let _ = writeln!(s, "  {name}: {count}");
        }
    }
    if !n.deals.is_empty() {
        s.push_str("deals:\n");
        for d in &n.deals {
            let _ = writeln!(s, "  - name: {}", DEALS[d.deal]);
            if let Some(stage) = d.stage {
                let _ = writeln!(s, "    stage: {}", STAGES[stage]);
            }
            if let Some(a) = d.amount {
                let _ = writeln!(s, "    amount: {}", u64::from(a) * 1000);
            }
            if let Some(c) = d.close_in {
                let _ = writeln!(s, "    close: {}", rel(c));
            }
            match d.next {
                Some(true) => s.push_str("    next: Follow up\n"),
                Some(false) => s.push_str("    next: null\n"),
                None => {}
            }
        }
    }
    if !n.commitments.is_empty() {
        s.push_str("commitments:\n");
        for c in &n.commitments {
            let _ = writeln!(s, "  - id: promise-{}", c.promise);
            if c.new {
                let _ = writeln!(s, "    what: {}", PROMISES[c.promise]);
            }
            if let Some(due) = c.due_in {
                let _ = writeln!(s, "    due: {}", rel(due));
            }
            match c.done {
                Some(None) => s.push_str("    done: true\n"),
                Some(Some(d)) => {
                    let _ = writeln!(s, "    done: {}", rel(d));
                }
                None => {}
            }
            if c.dropped {
                s.push_str("    dropped: true\n");
            }
        }
    }
    s.push_str("---\nNotes of the day.\n\n");
    for t in &n.tasks {
        let _ = write!(s, "- [{}] {}", if t.checked { "x" } else { " " }, PROMISES[t.promise]);
        if let Some(due) = t.due_in {
            let _ = write!(s, " 📅 {}", rel(due));
        }
        s.push('\n');
    }
    s
}

fn config() -> Config {
    config::parse(CONFIG).unwrap()
}

/// (file name, text) pairs → parsed notes and their diagnostics.
fn parse_all(files: &[(String, String)], config: &Config) -> (Vec<Arc<Note>>, Vec<Diagnostic>) {
    let mut notes = Vec::new();
    let mut diagnostics = Vec::new();
    for (rel, text) in files {
        let parsed = note::parse(rel, text, config);
        diagnostics.extend(parsed.diagnostics);
        notes.extend(parsed.note.map(Arc::new));
    }
    (notes, diagnostics)
}

/// The figures as of `as_of`, with the tally `check` would count (notes,
/// future notes, the model of the whole journal), as `report` computes them.
fn figures(files: &[(String, String)], as_of: NaiveDate) -> Figures {
    let config = config();
    let (notes, mut diagnostics) = parse_all(files, &config);
    for n in notes.iter().filter(|n| n.date > as_of) {
        diagnostics.push(Diagnostic::warning(&n.path, Pos::START, Code::FutureNote, "after the report date"));
    }
    diagnostics.extend(Journal::build(&notes, NaiveDate::MAX).diagnostics);
    analyse::analyse(&Journal::build(&notes, as_of), &config, Tally::of(&diagnostics))
}

fn json(f: &Figures) -> serde_json::Value {
    serde_json::to_value(f).unwrap()
}

/// Files named after their dates, in date order.
fn files(notes: &[NoteSpec]) -> Vec<(String, String)> {
    notes.iter().map(|n| (format!("{}.md", day(n.day)), render(n))).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Notes of one date are processed in path order (SPEC §1), so two of
    /// them updating the same deal differently may depend on their names:
    /// this property holds for notes on distinct dates, whatever their names
    /// and folders.
    #[test]
    fn figures_do_not_depend_on_file_names_or_discovery_order(
        notes in journal_spec(),
        names in prop::collection::vec("[a-z]{1,8}(/[a-z]{1,8})?", 14),
        order in any::<prop::sample::Index>(),
        as_of_back in 0i64..20,
    ) {
        let as_of = as_of() - Duration::days(as_of_back);
        let expected = json(&figures(&files(&notes), as_of));
        // Each note renamed (its date is in its front matter) and the list
        // rotated, as a different file system might list them.
        let mut renamed: Vec<(String, String)> = notes
            .iter()
            .zip(&names)
            .enumerate()
            .map(|(i, (n, name))| (format!("{name}-{i}.md"), render(n)))
            .collect();
        let k = order.index(renamed.len());
        renamed.rotate_left(k);
        renamed.reverse();
        prop_assert_eq!(json(&figures(&renamed, as_of)), expected);
    }

    #[test]
    fn splitting_a_days_activity_across_two_notes_changes_nothing(
        notes in journal_spec(),
        which in any::<prop::sample::Index>(),
        shares in prop::collection::vec(0.0f64..=1.0, 4),
        second_name in "[a-z]{1,8}",
    ) {
        let expected = json(&figures(&files(&notes), as_of()));
        let i = which.index(notes.len());
        let mut first = notes[i].clone();
        // The second note of the day holds only part of the activity: no
        // mood, so the day's mood is unchanged.
        let mut second = NoteSpec {
            day: first.day,
            mood: None,
            activity: BTreeMap::new(),
            deals: Vec::new(),
            commitments: Vec::new(),
            tasks: Vec::new(),
        };
        for ((name, count), share) in first.activity.iter_mut().zip(&shares) {
            let moved = (f64::from(*count) * share).round() as u32;
            *count -= moved;
            second.activity.insert(*name, moved);
        }
        let mut split = files(&notes);
        split[i].1 = render(&first);
        split.push((format!("{}-{second_name}.md", day(first.day)), render(&second)));
        let mut after = json(&figures(&split, as_of()));
        // One more note, of a day that already had one.
        prop_assert_eq!(after["notes"].as_u64().unwrap(), expected["notes"].as_u64().unwrap() + 1);
        after["notes"] = expected["notes"].clone();
        prop_assert_eq!(after, expected);
    }

    #[test]
    fn a_note_dated_after_d_changes_no_figure_as_of_d(
        notes in journal_spec(),
        later in note_spec(0..10),
        as_of_back in 0i64..20,
    ) {
        let as_of = as_of() - Duration::days(as_of_back);
        let before = json(&figures(&files(&notes), as_of));
        let mut later = later;
        later.day += (as_of - first_day()).num_days() + 1;
        let mut more = files(&notes);
        more.push((format!("{}-later.md", day(later.day)), render(&later)));
        let mut after = json(&figures(&more, as_of));
        // Only the data box's diagnostics count it: the future-note warning
        // (and any problem in the note itself).
        prop_assert!(after["data"]["warnings"].as_u64() > before["data"]["warnings"].as_u64());
        for key in ["errors", "warnings"] {
            after["data"][key] = before["data"][key].clone();
        }
        after["boxes"]["data"] = before["boxes"]["data"].clone();
        prop_assert_eq!(after, before);
    }

    #[test]
    fn updating_a_commitment_before_it_is_due_equals_editing_it_in_place(
        notes in journal_spec(),
        made in 0i64..20,
        due_in in 1i64..12,
        update_in in 1i64..12,
        new_due_in in prop::option::of(0i64..15),
        done in prop::option::of(prop::option::of(-3i64..10)),
        dropped in prop::bool::weighted(0.2),
        as_of_back in 0i64..6,
    ) {
        let update_in = update_in.min(due_in); // made before (or on) the due date
        let as_of = as_of() - Duration::days(as_of_back);
        prop_assume!(day(made + update_in) <= as_of);
        let promise = |due: i64, done: Option<i64>, dropped: Option<i64>| {
            let mut s = format!("---\ncommitments:\n  - id: the-promise\n    what: Send the proposal\n    due: {}\n", day(made + due));
            if let Some(d) = done {
                let _ = writeln!(s, "    done: {}", day(d));
            }
            if let Some(d) = dropped {
                let _ = writeln!(s, "    dropped: {}", day(d));
            }
            s + "---\n"
        };
        let updated_on = made + update_in;
        // `done: true` in the update means on the update's date.
        let done_on = done.map(|d| d.map_or(updated_on, |d| updated_on + d));
        let dropped_on = dropped.then_some(updated_on);
        let made_file = format!("{}-promise.md", day(made));
        let update_file = format!("{}-update.md", day(updated_on));

        let mut update = String::from("---\ncommitments:\n  - id: the-promise\n");
        if let Some(d) = new_due_in {
            let _ = writeln!(update, "    due: {}", day(made + d));
        }
        match done {
            Some(None) => update.push_str("    done: true\n"),
            Some(Some(_)) => {
                let _ = writeln!(update, "    done: {}", day(done_on.unwrap()));
            }
            None => {}
        }
        if dropped {
            update.push_str("    dropped: true\n");
        }
        update.push_str("---\n");

        let mut later = files(&notes);
        later.push((made_file.clone(), promise(due_in, None, None)));
        later.push((update_file.clone(), update));
        let mut in_place = files(&notes);
        in_place.push((made_file, promise(new_due_in.unwrap_or(due_in), done_on, dropped_on)));
        // The update's note still exists, empty, so the days are the same.
        in_place.push((update_file, "---\n---\n".to_string()));
        prop_assert_eq!(json(&figures(&later, as_of)), json(&figures(&in_place, as_of)));
    }
}

proptest! {
    // Each case renders a whole site twice: fewer cases.
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Two builds of the same journal give the same bytes, page for page
    /// (`tests/cli/build.rs` checks it on disk for the sample journal; this
    /// checks it on random journals, with fresh hash maps each time).
    #[test]
    fn building_twice_gives_byte_identical_pages(notes in journal_spec()) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("saleslog.yaml"), CONFIG).unwrap();
        for (rel, text) in files(&notes) {
            std::fs::write(dir.path().join(rel), text).unwrap();
        }
        let render = || {
            let ws = Workspace::load(dir.path()).unwrap();
            let pages = Renderer::for_journal(dir.path()).unwrap().render_site(&ws, as_of()).unwrap();
            pages.into_iter().map(|p| (p.path.clone(), p.bytes().expect("a one-shot render holds every page").to_vec())).collect::<Vec<_>>()
        };
        let first = render();
        prop_assert!(first.len() > 5);
        let second = render();
        prop_assert_eq!(first.len(), second.len());
        for (a, b) in first.iter().zip(&second) {
            prop_assert_eq!(&a.0, &b.0);
            prop_assert!(a.1 == b.1, "{} differs between two builds", a.0);
        }
    }
}

proptest! {
    // Up to six saves per case, each rendered twice.
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// A watch session keeps one renderer, which skips pages (views and
    /// all) whose inputs did not change. Whatever a save does (a note
    /// edited, removed or added; another report date), what it renders must
    /// be what a fresh renderer renders, byte for byte: the input tracking
    /// of `src/render/inputs.rs` may miss nothing.
    #[test]
    fn a_kept_renderer_renders_what_a_fresh_one_renders(
        notes in journal_spec(),
        edits in prop::collection::vec(
            (0usize..64, note_spec(0..35), prop::sample::select(vec![0u8, 0, 0, 1, 2, 3]), prop::sample::select(vec![0i64, 0, 0, 4])),
            1..6,
        ),
    ) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("saleslog.yaml"), CONFIG).unwrap();
        for (rel, text) in files(&notes) {
            std::fs::write(dir.path().join(rel), text).unwrap();
        }
        let mut ws = Workspace::load(dir.path()).unwrap();
        let kept = Renderer::for_journal(dir.path()).unwrap().memoizing();
        kept.render_site(&ws, as_of()).unwrap();
        let start = std::time::SystemTime::now();
        for (step, (target, mut spec, kind, back)) in edits.into_iter().enumerate() {
            let mut days: Vec<i64> = ws.notes().iter().map(|n| (n.date - first_day()).num_days()).collect();
            days.dedup();
            match (kind, days.is_empty()) {
                (1, false) => {
                    std::fs::remove_file(dir.path().join(format!("{}.md", day(days[target % days.len()])))).unwrap();
                }
                (0, false) => spec.day = days[target % days.len()],
                (3, false) => {
                    // Only its title changes (other pages show it).
                    let path = dir.path().join(format!("{}.md", day(days[target % days.len()])));
                    let text = std::fs::read_to_string(&path).unwrap();
                    std::fs::write(&path, format!("{text}\n# Retitled {step}\n")).unwrap();
                }
                _ => {} // a note on the spec's own day, new or not
            }
            if !matches!(kind, 1 | 3) || days.is_empty() {
                let path = dir.path().join(format!("{}.md", day(spec.day)));
                // Sometimes a heading, which other pages show as the note's label.
                let heading = if target % 3 == 0 { format!("\n# Call notes {target}\n") } else { String::new() };
                std::fs::write(&path, render(&spec) + &heading).unwrap();
                // A new modification time, however fast the steps run.
                let file = std::fs::File::options().write(true).open(&path).unwrap();
                file.set_modified(start + std::time::Duration::from_secs(step as u64 + 1)).unwrap();
            }
            ws.refresh().unwrap();
            let d = as_of() - Duration::days(back);
            let fresh = Renderer::for_journal(dir.path()).unwrap().render_site(&ws, d).unwrap();
            let again = kept.render_site(&ws, d).unwrap();
            prop_assert_eq!(fresh.len(), again.len());
            for (a, b) in fresh.iter().zip(&again) {
                prop_assert_eq!(&a.path, &b.path);
                // A page the session took as unchanged is held by hash only.
                prop_assert!(a == b, "step {}: {} differs from a fresh render", step, a.path);
            }
        }
    }
}

#[test]
fn the_generator_makes_journals_with_every_kind_of_figure() {
    // A fixed journal through the same functions: a guard that `render`
    // writes notes saleslog reads without errors.
    let notes = vec![
        NoteSpec {
            day: 30,
            mood: Some(4),
            activity: BTreeMap::from([("calls", 9), ("meetings", 2)]),
            deals: vec![DealSpec { deal: 0, stage: Some(2), amount: Some(50), close_in: Some(3), next: Some(true) }],
            commitments: vec![CommitmentSpec { promise: 1, new: true, due_in: Some(4), done: None, dropped: false }],
            tasks: vec![TaskSpec { promise: 2, checked: false, due_in: Some(1) }],
        },
        NoteSpec {
            day: 33,
            mood: Some(2),
            activity: BTreeMap::from([("calls", 3)]),
            deals: vec![DealSpec { deal: 0, stage: Some(4), amount: None, close_in: None, next: None }],
            commitments: vec![CommitmentSpec {
                promise: 1,
                new: false,
                due_in: None,
                done: Some(None),
                dropped: false,
            }],
            tasks: vec![],
        },
    ];
    let config = config();
    let (parsed, diagnostics) = parse_all(&files(&notes), &config);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let j = Journal::build(&parsed, as_of());
    assert!(j.diagnostics.is_empty(), "{:?}", j.diagnostics);
    let f = json(&figures(&files(&notes), as_of()));
    assert_eq!(f["notes"], 2);
    assert_eq!(f["pipeline"]["won_in_period"], 50000);
    assert_eq!(f["commitments"]["kept_on_time"], 1);
    assert_eq!(f["attitude"]["mood_7d"], 3.0);
}

/// What a fold gives, in a form two folds compare by (the id maps sorted).
fn folded(j: &Journal) -> String {
    let deals: BTreeMap<_, _> = j.deal_index.iter().collect();
    let commitments: BTreeMap<_, _> = j.commitment_index.iter().collect();
    let notes: Vec<_> = j.notes.iter().map(|n| &n.path).collect();
    format!(
        "{:?}\n{notes:?}\n{:?}\n{:?}\n{:?}\n{deals:?}\n{commitments:?}",
        j.as_of, j.deals, j.commitments, j.diagnostics
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Issue 16: a watch session's fold resumes from a checkpoint of its
    /// older notes. After any edit (the newest note, an old one, a note
    /// removed, a new note in the middle) and another report date, the
    /// resumed fold is the fresh fold, deal for deal and diagnostic for
    /// diagnostic; the checkpoint left behind serves the next fold too.
    #[test]
    fn a_resumed_fold_equals_a_fresh_fold(
        notes in journal_spec(),
        edits in prop::collection::vec((0u8..4, any::<prop::sample::Index>(), note_spec(0..35), 0i64..6), 1..6),
        tail in 0usize..4,
    ) {
        let config = config();
        let (mut current, _) = parse_all(&files(&notes), &config);
        let mut checkpoint = None;
        let first = Journal::build_resuming(&current, as_of(), &mut checkpoint, tail);
        prop_assert_eq!(folded(&first), folded(&Journal::build(&current, as_of())));
        for (kind, which, spec, back) in edits {
            let newest = current.iter().enumerate().max_by_key(|(_, n)| (n.date, n.path.clone())).map(|(i, _)| i);
            let text = |day: i64| render(&NoteSpec { day, ..spec.clone() });
            let reparse = |rel: &str, text: &str| note::parse(rel, text, &config).note.map(Arc::new);
            match kind {
                // The newest note edited (same file, new contents).
                0 if newest.is_some() => {
                    let i = newest.unwrap();
                    let day = (current[i].date - first_day()).num_days();
                    let path = current[i].path.clone();
                    if let Some(n) = reparse(&path, &text(day)) { current[i] = n; }
                }
                // Any note edited.
                1 if !current.is_empty() => {
                    let i = which.index(current.len());
                    let day = (current[i].date - first_day()).num_days();
                    let path = current[i].path.clone();
                    if let Some(n) = reparse(&path, &text(day)) { current[i] = n; }
                }
                // A note removed.
                2 if !current.is_empty() => {
                    current.remove(which.index(current.len()));
                }
                // A new note, anywhere in the history.
                _ => {
                    let rel = format!("{}-new{}.md", day(spec.day), current.len());
                    current.extend(reparse(&rel, &text(spec.day)));
                }
            }
            let as_of = as_of() - Duration::days(back);
            let resumed = Journal::build_resuming(&current, as_of, &mut checkpoint, tail);
            prop_assert_eq!(folded(&resumed), folded(&Journal::build(&current, as_of)));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Issue 13: a team member's box history folds its notes once, moving
    /// the as-of date forward week by week. At every date (before the first
    /// note, between notes, after the last) the journal is the fresh fold
    /// of that date, and its days and figures are the fresh ones too.
    #[test]
    fn one_pass_over_dates_equals_a_fold_per_date(
        notes in journal_spec(),
        mut offsets in prop::collection::vec(-3i64..40, 1..14),
    ) {
        let config = config();
        let (mut sorted, _) = parse_all(&files(&notes), &config);
        sorted.sort_by(|a, b| (a.date, &a.path).cmp(&(b.date, &b.path)));
        offsets.sort_unstable();
        let dates: Vec<NaiveDate> = offsets.iter().map(|&o| day(o)).collect();
        let mut days = analyse::Days::of(&sorted, dates[0], &config);
        let mut seen = Vec::new();
        let last = Journal::each_as_of(&sorted, &dates, |journal| {
            days.advance(&sorted, journal.as_of);
            let fresh = Journal::build(&sorted, journal.as_of);
            let one_pass = analyse::analyse_days(journal, &config, Tally::default(), &days);
            seen.push((folded(journal), folded(&fresh), json(&one_pass), json(&analyse::analyse(&fresh, &config, Tally::default()))));
        });
        prop_assert_eq!(seen.len(), dates.len());
        for (a, b, c, d) in seen {
            prop_assert_eq!(a, b);
            prop_assert_eq!(c, d);
        }
        prop_assert_eq!(folded(&last.unwrap()), folded(&Journal::build(&sorted, *dates.last().unwrap())));
    }
}
