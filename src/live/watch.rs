//! `saleslog watch`: rebuild on every change, whatever the editor does.
//!
//! Events lie — editors write temp files and rename them over, truncate
//! then write, touch swap files; git rewrites hundreds of files at once; the
//! kernel drops events when its queue overflows. So events are a doorbell
//! and a hint, never the truth: after a short debounce (15 ms by default),
//! when every path they name is a note already known and still a plain
//! file (the common save), only those notes are re-read
//! ([`crate::site::workspace::Workspace::refresh_known`]) and the pages written
//! at once; then, once the folder has been quiet for half a second, and at
//! once in every other case, the folder is rescanned and the workspace
//! re-reads only files whose size or modification time changed
//! ([`crate::site::workspace::Workspace::refresh`]), so whatever the events
//! missed gets its rebuild too. notify stays inside this module.

use crate::source::discover::is_hidden_or_leftover;
use notify_debouncer_full::notify::{self, EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, RecommendedCache};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a burst of events must be quiet before a rebuild: long enough
/// for an editor's save (write, rename, swap-file churn: a millisecond or
/// two) to be one event, short enough that the wait is not most of a
/// save's latency. A burst that outlasts it costs a second rebuild, never
/// a wrong one: every rebuild reads the files as they are, and a note
/// caught half-saved is waited for ([`SETTLE_LIMIT`]).
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(15);

/// After a save built at once (its notes re-read by name), how long the
/// folder must be quiet before the rescan that checks what the events may
/// have missed. The rescan walks the folder and stats every note (190 ms
/// of a 100-year journal on ext4, three times the save's own rebuild): run
/// straight after each save, it held the thread that builds the next one.
/// Saves in a burst (an editor's autosave while typing) now cost one
/// rescan, after the last of them.
const RESCAN_WHEN_QUIET: Duration = Duration::from_millis(500);

/// The longest a rescan waits for the folder to be quiet, counted from the
/// first save it is owed for: a folder saved to without pause is still
/// checked every few seconds.
const RESCAN_AT_MOST: Duration = Duration::from_secs(5);

/// A rescan owed after saves built at once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RescanOwed {
    first: Instant,
    last: Instant,
}

impl RescanOwed {
    pub(crate) fn after_save(owed: Option<RescanOwed>, now: Instant) -> RescanOwed {
        RescanOwed { first: owed.map_or(now, |o| o.first), last: now }
    }

    fn due(&self) -> Instant {
        (self.last + RESCAN_WHEN_QUIET).min(self.first + RESCAN_AT_MOST)
    }

    /// How long a watch loop waits for its next batch: until the rescan
    /// owed is due, and never longer than [`LOOK_EVERY`].
    pub(crate) fn wait(owed: Option<RescanOwed>) -> Duration {
        owed.map_or(LOOK_EVERY, |o| o.due().saturating_duration_since(Instant::now()).min(LOOK_EVERY))
    }

    /// Whether the rescan owed (if any) is due.
    pub(crate) fn is_due(owed: Option<RescanOwed>) -> bool {
        owed.is_some_and(|o| o.due() <= Instant::now())
    }
}

/// How often the loop looks whether the rescan under way is done.
const RESCAN_POLL: Duration = Duration::from_millis(5);

/// How often the debouncer looks for events that have waited out the
/// debounce: a sixth of it (notify's default, a quarter, adds up to 7.5 ms
/// to every save).
fn tick(debounce: Duration) -> Duration {
    (debounce / 6).max(Duration::from_millis(2))
}

/// Does a change at `path` possibly affect the reports? Pure, so the rules
/// are tested without a file system. `root` is the journal, `output` the
/// output folder.
pub fn is_relevant(root: &Path, output: &Path, path: &Path) -> bool {
    if is_excluded(root, output, path) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else {
        // The journal itself (or a parent) moved or vanished.
        return root.starts_with(path);
    };
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let Some(name) = parts.last() else { return true }; // the root itself
                                                        // `team.yaml` too: a team folder is watched with these rules (`team serve`).
    if parts.len() == 1 && (name == crate::model::config::FILE_NAME || name == crate::team::load::FILE_NAME) {
        return true;
    }
    if parts[0] == "templates" {
        return true;
    }
    // A note, or something without an extension that may be (or have been) a
    // folder of notes.
    name.ends_with(".md") || !name.contains('.')
}

/// Never relevant, nor anything below it: the output folder, and whatever
/// discovery ignores (hidden files and folders) or an editor leaves behind.
/// A `_` folder is watched: discovery reads a vault's `_Daily/`, and for a
/// plain journal's `_drafts/` a save costs one rescan that finds nothing.
fn is_excluded(root: &Path, output: &Path, path: &Path) -> bool {
    path.starts_with(output)
        || path.strip_prefix(root).is_ok_and(|rel| {
            rel.components().any(|c| {
                let part = c.as_os_str().to_string_lossy();
                is_hidden_or_leftover(&part) || is_editor_scratch(&part)
            })
        })
}

/// A folder in the journal, whatever its name (`Q4.2026/` holds notes too):
/// the name rule of [`is_relevant`] is for files.
fn is_journal_folder(root: &Path, output: &Path, path: &Path) -> bool {
    !is_excluded(root, output, path) && path.is_dir()
}

/// Temporary files of editors that discovery's rules do not already cover.
fn is_editor_scratch(name: &str) -> bool {
    name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name.ends_with(".kate-swp")
        || name.ends_with(".bck")
        || name == ".DS_Store"
        || name.ends_with(".crswap")
}

/// How long a rebuild waits for a note caught half-saved (emptied, or
/// between the renames of a save) to be complete.
pub const SETTLE_LIMIT: Duration = Duration::from_millis(1500);

/// What the watcher saw during one debounce window.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Relevant paths that changed (for the log line; the rescan decides).
    pub paths: Vec<PathBuf>,
    /// The backend lost events or asked for a rescan.
    pub rescan: bool,
    /// Watch errors, already explained for the user.
    pub errors: Vec<String>,
    /// The watcher itself stopped: it must be started again.
    pub stopped: bool,
    /// `HEAD` or a ref changed: a commit, a checkout, a reset.
    pub git: bool,
}

impl Batch {
    pub fn wants_rebuild(&self) -> bool {
        !self.paths.is_empty() || self.rescan || self.git
    }

    /// Add what `more` saw (a later piece of a burst, or another watch's
    /// batch): one rebuild for both. A stopped watcher asks for a rescan.
    pub fn absorb(&mut self, more: Batch) {
        for path in more.paths {
            if !self.paths.contains(&path) {
                self.paths.push(path);
            }
        }
        self.rescan |= more.rescan || more.stopped;
        self.git |= more.git;
        self.errors.extend(more.errors);
    }
}

/// Explain a watch error, naming the inotify limit when that is the cause.
pub fn explain(error: &notify::Error) -> String {
    match &error.kind {
        notify::ErrorKind::MaxFilesWatch => "the system's limit on watched folders is reached \
             (fs.inotify.max_user_watches); raise it with \
             `sudo sysctl fs.inotify.max_user_watches=524288`, or run with --poll"
            .to_string(),
        notify::ErrorKind::Io(e) if e.raw_os_error() == Some(28) => "the system's limit on watched folders is reached \
             (fs.inotify.max_user_watches); raise it with \
             `sudo sysctl fs.inotify.max_user_watches=524288`, or run with --poll"
            .to_string(),
        _ => format!("watching failed: {error}"),
    }
}

/// `path` made absolute against the current folder (as notify does),
/// without resolving symlinks.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Where a folder really is, symlinks and `..` resolved: a team member
/// written `../clones/sam`, or reached through a link, is watched at the
/// folder its files are in, and the events (which carry the watched
/// folder's path) are matched against that. A path that does not exist
/// (yet) is made absolute as it is.
pub fn real_path(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| absolute(path))
}

/// [`is_relevant`] by the rules of the innermost of `journals` holding
/// `path` (else of `root`): a team folder's watch reads
/// `ann/saleslog.yaml` and `ann/templates/` as Ann's configuration and
/// templates.
fn is_relevant_within(root: &Path, journals: &[PathBuf], output: &Path, path: &Path) -> bool {
    is_relevant(innermost(root, journals, path), output, path)
}

/// The innermost of `journals` holding `path`, else `root`.
fn innermost<'a>(root: &'a Path, journals: &'a [PathBuf], path: &Path) -> &'a Path {
    journals
        .iter()
        .filter(|j| path.starts_with(j))
        .max_by_key(|j| j.components().count())
        .map_or(root, PathBuf::as_path)
}

/// A live watch of a journal folder.
pub struct Watch {
    root: PathBuf,
    /// Journals inside `root` whose own rules apply below them (a team
    /// folder's members).
    journals: Vec<PathBuf>,
    output: PathBuf,
    events: Receiver<DebounceEventResult>,
    debounce: Duration,
    /// The journal's git folder and its `refs/` (SPEC §8: a commit while
    /// watching updates the Data box).
    git: Option<(PathBuf, PathBuf)>,
    // Kept alive for as long as the watch runs; dropping stops it.
    _backend: Backend,
}

/// Held only to keep the watch alive: dropping a debouncer stops it.
#[allow(dead_code)]
enum Backend {
    Native(notify_debouncer_full::Debouncer<notify::RecommendedWatcher, RecommendedCache>),
    Poll(Poller),
}

/// How often `--poll` looks at the folder.
const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// The `--poll` backend: a thread that stats every relevant file each
/// [`POLL_INTERVAL`] and rings when a size or modification time (to the
/// nanosecond) changed. notify's own poller compares whole seconds, so it
/// misses a save made in the same second as the change before it.
struct Poller {
    stop: Arc<AtomicBool>,
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

type Snapshot = BTreeMap<PathBuf, (u64, Option<std::time::SystemTime>)>;

/// Size and modification time of every relevant file and folder below `root`.
fn snapshot(root: &Path, journals: &[PathBuf], output: &Path) -> Snapshot {
    walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || (e.file_type().is_dir() && !is_excluded(root, output, e.path()))
                || is_relevant_within(root, journals, output, e.path())
        })
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some((e.into_path(), (meta.len(), meta.modified().ok())))
        })
        .collect()
}

impl Poller {
    fn start(
        root: &Path,
        journals: &[PathBuf],
        output: &Path,
        interval: Duration,
        tx: Sender<DebounceEventResult>,
    ) -> Poller {
        let stop = Arc::new(AtomicBool::new(false));
        let (root, journals, output, stopped) =
            (root.to_path_buf(), journals.to_vec(), output.to_path_buf(), stop.clone());
        let mut last = snapshot(&root, &journals, &output);
        std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                std::thread::sleep(interval);
                let now = snapshot(&root, &journals, &output);
                let changed: Vec<PathBuf> = last
                    .iter()
                    .filter(|(path, stamp)| now.get(*path) != Some(stamp))
                    .map(|(path, _)| path)
                    .chain(now.keys().filter(|path| !last.contains_key(*path)))
                    .cloned()
                    .collect();
                last = now;
                if changed.is_empty() {
                    continue;
                }
                let mut event = notify::Event::new(EventKind::Any);
                event.paths = changed;
                let batch = vec![notify_debouncer_full::DebouncedEvent::new(event, Instant::now())];
                if tx.send(Ok(batch)).is_err() {
                    break;
                }
            }
        });
        Poller { stop }
    }
}

impl Watch {
    /// Start watching `root` recursively (never single files: editors
    /// replace them). `poll` uses a polling backend, for network folders,
    /// WSL, or when the inotify limit is reached.
    pub fn start(root: &Path, output: &Path, debounce: Duration, poll: bool) -> Result<Watch, String> {
        Watch::start_within(root, &[], output, debounce, poll)
    }

    /// [`Watch::start`] of a folder holding `journals` (absolute, as
    /// `root` is given), each read by its own rules (`is_relevant_within`):
    /// one watch for a team folder and the members inside it.
    pub fn start_within(
        root: &Path,
        journals: &[PathBuf],
        output: &Path,
        debounce: Duration,
        poll: bool,
    ) -> Result<Watch, String> {
        // Events carry absolute paths even when the journal was given as a
        // relative one; compare like with like.
        let root = absolute(root);
        let journals: Vec<PathBuf> = journals.iter().map(|j| absolute(j)).collect();
        let output = absolute(output);
        // A symlink in the journal may point anywhere (even `/`): following
        // it would watch folders that are not the journal's, and discovery
        // does not read through linked folders anyway.
        let config = notify::Config::default().with_follow_symlinks(false);
        let git = crate::source::git::watch_paths(&root);
        let (tx, rx) = channel();
        let backend = if poll {
            if !root.is_dir() {
                return Err(format!("{} is not a folder", root.display()));
            }
            Backend::Poll(Poller::start(&root, &journals, &output, POLL_INTERVAL, tx))
        } else {
            let mut d = new_debouncer_opt::<_, notify::RecommendedWatcher, RecommendedCache>(
                debounce,
                Some(tick(debounce)),
                tx,
                RecommendedCache::new(),
                config,
            )
            .map_err(|e| explain(&e))?;
            d.watch(&root, RecursiveMode::Recursive).map_err(|e| explain(&e))?;
            // A git folder outside the journal (the journal is a subfolder
            // of its repository) is watched too: its HEAD and refs only,
            // never the objects. Inside the journal, the watch above
            // already sees it. Failing to watch it only delays the update
            // to the next save.
            if let Some((git_dir, refs)) = &git {
                if !git_dir.starts_with(&root) {
                    let _ = d.watch(git_dir, RecursiveMode::NonRecursive);
                    let _ = d.watch(refs, RecursiveMode::Recursive);
                }
            }
            Backend::Native(d)
        };
        Ok(Watch { root, journals, output, events: rx, debounce, git, _backend: backend })
    }

    /// Wait up to `timeout` for the next batch of relevant changes. Returns
    /// `None` on timeout (so callers can check the clock or a stop flag).
    pub fn next(&self, timeout: Duration) -> Option<Batch> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let result = match self.events.recv_timeout(left) {
                Ok(r) => r,
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => {
                    return Some(Batch {
                        rescan: true,
                        stopped: true,
                        errors: vec!["the watcher stopped; starting it again".into()],
                        ..Batch::default()
                    })
                }
            };
            let mut batch = self.classify(result);
            if batch.wants_rebuild() || !batch.errors.is_empty() {
                self.merge_rest_of_burst(&mut batch);
                return Some(batch);
            }
        }
    }

    /// The debouncer delays each event by the debounce, but hands over a
    /// long burst (a `git checkout`, an editor preempted mid-save) in
    /// pieces, one per tick. Gather the pieces until the folder has been
    /// quiet for two ticks (at least 5 ms; at most a second in all, so a
    /// folder that never settles still gets rebuilt), so the burst costs
    /// one rebuild.
    fn merge_rest_of_burst(&self, batch: &mut Batch) {
        let quiet = (tick(self.debounce) * 2).max(Duration::from_millis(5));
        let cap = Instant::now() + Duration::from_secs(1);
        while let Ok(result) = self.events.recv_timeout(quiet.min(cap.saturating_duration_since(Instant::now()))) {
            batch.absorb(self.classify(result));
            if Instant::now() >= cap {
                break;
            }
        }
    }

    fn classify(&self, result: DebounceEventResult) -> Batch {
        let mut batch = Batch::default();
        match result {
            Ok(events) => {
                for event in events {
                    if event.need_rescan() {
                        batch.rescan = true;
                    }
                    // Opens and reads (our own rebuild's included) change nothing.
                    if matches!(event.kind, EventKind::Access(_)) {
                        continue;
                    }
                    for path in &event.paths {
                        if let Some((git_dir, refs)) = &self.git {
                            if crate::source::git::moves_head(git_dir, refs, path) {
                                batch.git = true;
                                continue;
                            }
                        }
                        let relevant = is_relevant_within(&self.root, &self.journals, &self.output, path)
                            || is_journal_folder(&self.root, &self.output, path);
                        if relevant && !batch.paths.contains(path) {
                            batch.paths.push(path.clone());
                        }
                    }
                }
            }
            Err(errors) => {
                batch.rescan = true;
                batch.errors = errors.iter().map(explain).collect();
            }
        }
        batch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A team folder's watch reads each member's configuration and
    /// templates by that member's rules, and the team's own file by the
    /// folder's.
    #[test]
    fn a_team_folder_reads_each_member_by_its_own_rules() {
        let (root, out) = (Path::new("/t/team"), Path::new("/t/team/_site"));
        let members = [PathBuf::from("/t/team/ann"), PathBuf::from("/t/team/reps/bob")];
        let relevant = |p: &str| is_relevant_within(root, &members, out, Path::new(p));
        assert!(relevant("/t/team/team.yaml"));
        assert!(relevant("/t/team/ann/saleslog.yaml"));
        assert!(relevant("/t/team/ann/templates/note.html"));
        assert!(relevant("/t/team/reps/bob/saleslog.yaml"));
        assert!(relevant("/t/team/ann/2026/11/2026-11-27.md"));
        assert!(!relevant("/t/team/ann/notes.txt"));
        assert!(!relevant("/t/team/ann/2026/saleslog.yaml"), "only at a member's top");
        assert!(!relevant("/t/team/reps/saleslog.yaml"), "reps/ is no member");
        assert!(!relevant("/t/team/_site/index.html"));
        assert!(!is_relevant(root, out, Path::new("/t/team/ann/saleslog.yaml")), "without the members, as before");
    }

    #[test]
    fn editor_leftovers_and_git_are_not_relevant() {
        let root = Path::new("/j");
        let out = Path::new("/j/_site");
        let relevant = |p: &str| is_relevant(root, out, Path::new(p));
        assert!(relevant("/j/2026/11/2026-11-27.md"));
        assert!(relevant("/j/saleslog.yaml"));
        assert!(relevant("/j/templates/index.html"));
        assert!(relevant("/j/2026")); // a folder of notes, created or removed
        assert!(relevant("/j/_Daily/2026-11-27.md")); // a vault's notes may be there
        assert!(relevant("/j"));
        for ignored in [
            "/j/_site/index.html",
            "/j/.git/index.lock",
            "/j/.git/objects/ab/cdef",
            "/j/2026/.2026-11-27.md.swp",
            "/j/2026/.2026-11-27.md.swx",
            "/j/2026/4913",
            "/j/2026/2026-11-27.md~",
            "/j/2026/#2026-11-27.md#",
            "/j/2026/.#2026-11-27.md",
            "/j/2026/2026-11-27.md___jb_tmp___",
            "/j/2026/2026-11-27.md___jb_old___",
            "/j/2026/.2026-11-27.md.kate-swp",
            "/j/2026/2026-11-27.md.bck",
            "/j/.DS_Store",
            "/j/2026/notes.txt",
            "/elsewhere/x.md",
        ] {
            assert!(!relevant(ignored), "{ignored}");
        }
    }

    /// The rescan owed after saves built at once comes once the folder has
    /// been quiet for [`RESCAN_WHEN_QUIET`] after the last of them, and no
    /// later than [`RESCAN_AT_MOST`] after the first.
    #[test]
    fn a_rescan_waits_for_quiet_but_not_forever() {
        let t = Instant::now();
        let ms = Duration::from_millis;
        let owed = RescanOwed::after_save(None, t);
        assert_eq!(owed.due(), t + RESCAN_WHEN_QUIET);
        let again = RescanOwed::after_save(Some(owed), t + ms(300));
        assert_eq!(again.due(), t + ms(300) + RESCAN_WHEN_QUIET);
        // Saves every 300 ms without pause: checked 5 s after the first.
        let busy = (1..=40).fold(owed, |o, k| RescanOwed::after_save(Some(o), t + ms(300 * k)));
        assert_eq!(busy.due(), t + RESCAN_AT_MOST);
        // A loop with nothing owed looks every LOOK_EVERY; one owed a
        // rescan waits no longer than that, and not at all once it is due.
        assert_eq!(RescanOwed::wait(None), LOOK_EVERY);
        assert!(!RescanOwed::is_due(None) && !RescanOwed::is_due(Some(owed)));
        assert!(RescanOwed::wait(Some(owed)) <= LOOK_EVERY);
        if let Some(long_ago) = t.checked_sub(RESCAN_AT_MOST) {
            let overdue = RescanOwed::after_save(None, long_ago);
            assert!(RescanOwed::is_due(Some(overdue)));
            assert_eq!(RescanOwed::wait(Some(overdue)), Duration::ZERO);
        }
    }

    /// Two notes (23 and 24 November, 1 and 2 calls) and a watch session
    /// on them, built once.
    struct TwoNotes {
        _dir: tempfile::TempDir,
        journal: PathBuf,
        out: PathBuf,
        session: Session,
    }

    impl TwoNotes {
        fn new() -> TwoNotes {
            let dir = tempfile::tempdir().unwrap();
            let journal = std::path::absolute(dir.path().join("journal")).unwrap();
            std::fs::create_dir(&journal).unwrap();
            let out = dir.path().join("out");
            write_note(&journal, "23", 1);
            write_note(&journal, "24", 2);
            let mut session = Session::open(Options {
                journal: journal.clone(),
                output: Some(out.clone()),
                today: Some(crate::text::parse_date("2026-11-27").unwrap()),
                poll: false,
                debounce: DEFAULT_DEBOUNCE,
            })
            .unwrap();
            assert!(session.finish_rescan().is_none(), "none under way");
            assert!(!session.rebuild(false).failed);
            TwoNotes { _dir: dir, journal, out, session }
        }

        /// Save the note of `day` with `calls` calls; its path.
        fn note(&self, day: &str, calls: u32) -> PathBuf {
            write_note(&self.journal, day, calls)
        }

        fn page(&self, day: &str) -> String {
            std::fs::read_to_string(self.out.join(format!("notes/2026-11-{day}.html"))).unwrap()
        }

        /// The rebuild of the rescan under way, once it is done.
        fn rescanned(&mut self) -> Outcome {
            loop {
                if let Some(done) = self.session.finish_rescan() {
                    return done;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }

    fn write_note(journal: &Path, day: &str, calls: u32) -> PathBuf {
        let path = journal.join(format!("2026-11-{day}.md"));
        std::fs::write(&path, format!("---\nactivity: {{calls: {calls}}}\n---\n")).unwrap();
        path
    }

    /// The usual save: the events name a known note, which alone is re-read
    /// and built at once; the rescan that follows finds what the events
    /// did not name. A path the journal does not know yet takes the rescan.
    #[test]
    fn a_named_save_is_built_at_once_and_the_rescan_finds_the_rest() {
        let mut t = TwoNotes::new();
        let a = t.note("23", 111);
        let b = t.note("24", 222); // no event names it
        let fast = t.session.rebuild_after(false, Some(std::slice::from_ref(&a)));
        assert!(fast.partial && fast.line.starts_with("2026-11-23.md:"), "{}", fast.line);
        assert!(t.page("23").contains(">111<") && t.page("24").contains(">2<"));
        let rescan = t.session.rebuild(false);
        assert!(!rescan.partial && rescan.line.starts_with("2026-11-24.md:"), "{}", rescan.line);
        assert!(t.page("24").contains(">222<"));
        // Nothing more: the rescan after a quiet save builds nothing.
        let again = t.session.rebuild_after(false, Some(std::slice::from_ref(&b)));
        assert!(again.partial && again.line.is_empty(), "{}", again.line);
        assert!(t.session.rebuild(false).line.is_empty());

        let c = t.note("25", 3);
        let new = t.session.rebuild_after(false, Some(std::slice::from_ref(&c)));
        assert!(!new.partial && new.line.starts_with("+2026-11-25.md:"), "{}", new.line);
    }

    /// The rescan after saves runs on a thread of its own: a save built
    /// while it runs is not read again when it ends, and what no event
    /// named is found and built by it.
    #[test]
    fn a_rescan_beside_the_saves_builds_only_what_they_did_not() {
        let mut t = TwoNotes::new();
        t.note("24", 222); // no event names it
        assert!(t.session.start_rescan());
        assert!(t.session.rescanning() && !t.session.start_rescan(), "one at a time");
        let a = t.note("23", 111);
        let save = t.session.rebuild_after(false, Some(std::slice::from_ref(&a)));
        assert!(save.partial && save.line.starts_with("2026-11-23.md:"), "{}", save.line);
        let done = t.rescanned();
        assert!(!done.partial && done.line.starts_with("2026-11-24.md:"), "{}", done.line);
        assert!(!done.line.contains("2026-11-23"), "the save is not built again: {}", done.line);
        assert!(t.page("23").contains(">111<") && t.page("24").contains(">222<"));
        assert!(!t.session.rescanning() && t.session.finish_rescan().is_none());
        // A rescan that finds nothing new builds nothing.
        assert!(t.session.start_rescan());
        let quiet = t.rescanned();
        assert!(quiet.line.is_empty() && !quiet.failed, "{}", quiet.line);
    }

    /// A rescan stats every note by name within its folder, beside the
    /// saves: on Linux the folders are opened `O_PATH`, of which no watch
    /// is told. Opened to be read, each was an event the watcher queued
    /// ahead of the next save's (1,300 folders at 100 years: a save's
    /// event came 25–95 ms late instead of 20).
    #[cfg(target_os = "linux")]
    #[test]
    fn the_rescans_stats_tell_the_watch_nothing() {
        use notify::Watcher;
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        for month in ["09", "10", "11"] {
            std::fs::create_dir_all(root.join(format!("2026/{month}"))).unwrap();
            std::fs::write(root.join(format!("2026/{month}/2026-{month}-02.md")), "---\nmood: 4\n---\n").unwrap();
        }
        let files = crate::source::discover::discover(&root, &root.join("_site"), None).files;
        assert_eq!(files.len(), 3);
        let (tx, events) = std::sync::mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx).unwrap();
        watcher.watch(&root, RecursiveMode::Recursive).unwrap();
        let opened = |events: &std::sync::mpsc::Receiver<notify::Result<notify::Event>>, wait: Duration| {
            let until = Instant::now() + wait;
            let mut n = 0;
            while let Ok(event) = events.recv_timeout(until.saturating_duration_since(Instant::now())) {
                n += usize::from(matches!(event, Ok(e) if matches!(e.kind, EventKind::Access(_))));
            }
            n
        };
        // The watch is told of a folder opened to be read…
        drop(std::fs::read_dir(root.join("2026/10")).unwrap());
        assert!(opened(&events, Duration::from_millis(500)) > 0, "the watch sees a folder read");
        // …and of none of the rescan's stats.
        let stamps = crate::source::discover::stamps(&files);
        assert!(stamps.iter().all(Option::is_some));
        assert_eq!(opened(&events, Duration::from_millis(300)), 0);
    }

    #[test]
    fn errors_are_logged_on_one_line() {
        let tera = "template templates/index.html: error: Found `%}`\n --> index.html:1:7\n  |\n1 | {% if %}\n  |   ^^";
        assert_eq!(one_line(tera), "template templates/index.html: error: Found `%}` (at index.html:1:7)");
        assert_eq!(one_line("plain"), "plain");
    }

    #[test]
    fn the_inotify_limit_is_named() {
        let e = notify::Error::new(notify::ErrorKind::MaxFilesWatch);
        assert!(explain(&e).contains("fs.inotify.max_user_watches"));
        assert!(explain(&e).contains("--poll"));
        // inotify_add_watch's ENOSPC, as notify passes it on.
        let e = notify::Error::io(std::io::Error::from_raw_os_error(28));
        assert!(explain(&e).contains("fs.inotify.max_user_watches"));
        let other = notify::Error::io(std::io::Error::from_raw_os_error(13));
        assert!(explain(&other).starts_with("watching failed"));
    }
}

/// How a watch session runs.
#[derive(Debug, Clone)]
pub struct Options {
    pub journal: PathBuf,
    /// `-o`; default: the configuration's output folder.
    pub output: Option<PathBuf>,
    /// `--today`; default: the local date at each rebuild.
    pub today: Option<chrono::NaiveDate>,
    pub poll: bool,
    pub debounce: Duration,
}

/// What one (re)build produced, for the log line and the server.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// One line for the terminal.
    pub line: String,
    /// Error diagnostics as `file:line:column: message`, for the overlay.
    pub problems: Vec<String>,
    /// The build failed as a whole; the previous pages are still there.
    pub failed: bool,
    /// Only the notes the events named were looked at (the usual save): a
    /// rescan must follow, for whatever the events missed.
    pub partial: bool,
    pub report: Option<crate::site::build::BuildReport>,
}

/// A journal kept in memory between rebuilds.
pub struct Session {
    options: Options,
    workspace: Option<crate::site::workspace::Workspace>,
    builder: Option<crate::site::build::Builder>,
    output: PathBuf,
    last_date: Option<chrono::NaiveDate>,
    /// The rescan under way on a thread of its own ([`Session::start_rescan`]).
    rescanning: Option<std::sync::mpsc::Receiver<crate::site::workspace::Scan>>,
}

fn problems_of(diagnostics: &[crate::model::diagnostic::Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}:{}:{}: {}", d.file, d.line, d.column, d.message))
        .collect()
}

impl Session {
    /// Load the journal and check the output folder. Fails (exit 2) only
    /// when the journal cannot be read at all or the output folder is
    /// unsafe; a broken configuration or template is reported by the first
    /// [`Session::rebuild`] and waited out.
    pub fn open(options: Options) -> crate::error::Result<Session> {
        use crate::error::Error;
        let root = &options.journal;
        if !root.is_dir() {
            return Err(Error::Usage(format!("{} is not a folder", root.display())));
        }
        let workspace = match crate::site::workspace::Workspace::load(root) {
            Ok(ws) => Some(ws.keeping_last_good().resuming_folds()),
            Err(Error::Config(_)) => None,
            Err(e) => return Err(e),
        };
        let configured = workspace.as_ref().map_or_else(|| root.join("_site"), |ws| ws.default_output());
        let output = options.output.clone().unwrap_or(configured);
        crate::site::output_dir::OutputDir::open(&output, root)?;
        std::fs::create_dir_all(&output).map_err(|e| Error::io(&output, e))?;
        Ok(Session { options, workspace, builder: None, output, last_date: None, rescanning: None })
    }

    pub fn output(&self) -> &Path {
        &self.output
    }

    pub fn journal(&self) -> &Path {
        &self.options.journal
    }

    fn today(&self) -> chrono::NaiveDate {
        self.options.today.unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// Whether the report date moved on (midnight passed) since the last build.
    pub fn date_changed(&self) -> bool {
        self.last_date.is_some_and(|d| d != self.today())
    }

    /// Rescan (re-reading only changed files) and rebuild. `templates`
    /// says a template changed, so they are parsed again.
    pub fn rebuild(&mut self, templates: bool) -> Outcome {
        self.rebuild_after(templates, None)
    }

    /// Start the rescan owed after saves on a thread of its own: at 100
    /// years its walk and `stat`s take 130–200 ms, and a save made
    /// meanwhile is built at once instead of waiting behind them.
    /// [`Session::finish_rescan`] takes what it found. `false` when there
    /// is no journal loaded to compare it with (a [`Session::rebuild`]
    /// loads it) or a rescan is under way already.
    pub fn start_rescan(&mut self) -> bool {
        let Some(ws) = self.workspace.as_ref().filter(|_| self.rescanning.is_none()) else { return false };
        let scanner = ws.scanner();
        let (done, rescanning) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new().name("rescan".into()).spawn(move || {
            // Behind the saves: a save built during the walk took up to
            // twice as long beside it (77–84 ms against 42, measured before
            // the folders were opened `O_PATH`). On Linux a thread's nice
            // value is its own (elsewhere it is the process's, so it is
            // left alone there).
            #[cfg(target_os = "linux")]
            let _ = rustix::process::setpriority_process(None, 19);
            let _ = done.send(scanner.scan());
        });
        self.rescanning = spawned.is_ok().then_some(rescanning);
        spawned.is_ok()
    }

    /// Whether a rescan is under way.
    pub fn rescanning(&self) -> bool {
        self.rescanning.is_some()
    }

    /// The rebuild of the rescan under way, once it is done (`None` while
    /// it runs): only what it found changed is read, each difference looked
    /// at again first, since saves were built meanwhile.
    pub fn finish_rescan(&mut self) -> Option<Outcome> {
        use std::sync::mpsc::TryRecvError;
        let scan = match self.rescanning.as_ref()?.try_recv() {
            Err(TryRecvError::Empty) => return None,
            Ok(scan) => Some(scan),
            // The thread ended without a scan (it panicked): rescan here.
            Err(TryRecvError::Disconnected) => None,
        };
        self.rescanning = None;
        Some(match scan {
            Some(scan) if self.workspace.is_some() => self.rebuild_looking(false, Look::Scan(scan)),
            _ => self.rebuild(false),
        })
    }

    /// [`Session::rebuild`], told which files changed: when they are all
    /// notes it already has, only they are looked at (no walk of the
    /// folder), so the pages are written sooner. Events can be lost, so the
    /// caller rescans after it ([`Session::rebuild`] again; [`run`] does
    /// once the folder has been quiet for half a second), which
    /// then usually finds nothing more.
    pub fn rebuild_after(&mut self, templates: bool, changed_paths: Option<&[PathBuf]>) -> Outcome {
        self.rebuild_looking(templates, changed_paths.map_or(Look::Folder, Look::Paths))
    }

    fn rebuild_looking(&mut self, templates: bool, look: Look<'_>) -> Outcome {
        use crate::error::Error;
        let start = Instant::now();
        let root = self.options.journal.clone();
        let mut changed: Vec<String> = Vec::new();
        // Re-read what changed; a configuration error keeps the last pages.
        let mut partial = false;
        let refreshed = match self.workspace.as_mut() {
            Some(ws) => match look {
                Look::Paths(paths) if !templates => match ws.refresh_known(paths) {
                    Some(changes) => {
                        partial = true;
                        Ok(Some(changes))
                    }
                    None => ws.refresh().map(Some),
                },
                Look::Scan(scan) => ws.refresh_from(scan).map(Some),
                Look::Paths(_) | Look::Folder => ws.refresh().map(Some),
            },
            None => crate::site::workspace::Workspace::load(&root).map(|ws| {
                self.workspace = Some(ws.keeping_last_good().resuming_folds());
                self.builder = None;
                None
            }),
        };
        match refreshed {
            Err(Error::Config(problems)) => {
                self.workspace = None;
                return Outcome {
                    line: format!(
                        "saleslog.yaml has {} problem{}; keeping the last good pages",
                        problems.len(),
                        if problems.len() == 1 { "" } else { "s" }
                    ),
                    problems: problems_of(&problems),
                    failed: true,
                    partial: false,
                    report: None,
                };
            }
            Err(e) => {
                return Outcome {
                    line: format!("rebuild failed: {}", one_line(&e.to_string())),
                    problems: vec![e.to_string()],
                    failed: true,
                    partial: false,
                    report: None,
                }
            }
            Ok(Some(changes)) => {
                let changes = self.settle(changes);
                if changes.config {
                    changed.push(crate::model::config::FILE_NAME.to_string());
                }
                changed.extend(changes.added.iter().map(|r| format!("+{r}")));
                changed.extend(changes.modified.iter().cloned());
                changed.extend(changes.removed.iter().map(|r| format!("-{r}")));
                if changes.history {
                    changed.push("new commits".into());
                }
                if changes.skipped {
                    changed.push("files skipped".into());
                }
                if changes.is_empty() && !templates && self.builder.is_some() && !self.date_changed() {
                    return Outcome { partial, ..Outcome::default() };
                }
            }
            Ok(None) => changed.push("journal reloaded".into()),
        }
        if !root.is_dir() {
            // Removed while we read it (`rm -rf`, a branch switch moving
            // it): building now would delete every page. [`run`] says so
            // and waits for it to come back.
            self.reset();
            return Outcome::default();
        }
        let ws = self.workspace.as_ref().expect("loaded above");
        if templates || self.builder.is_none() {
            match crate::site::build::Builder::for_watch(ws, &self.output) {
                Ok(b) => self.builder = Some(b),
                Err(e) => {
                    self.builder = None;
                    return Outcome {
                        line: format!("{}; keeping the last good pages", one_line(&e.to_string())),
                        problems: vec![e.to_string()],
                        failed: true,
                        partial: false,
                        report: None,
                    };
                }
            }
        }
        let today = self.today();
        self.last_date = Some(today);
        let builder = self.builder.as_mut().expect("made above");
        match builder.build(ws, today) {
            Ok(report) => {
                let what = if changed.is_empty() { "rebuilt".to_string() } else { describe(&changed) };
                let line = format!(
                    "{what}: {} written, {} unchanged, {} removed in {} ms; {} error{}, {} warning{}",
                    report.written,
                    report.unchanged,
                    report.removed,
                    start.elapsed().as_millis(),
                    report.errors,
                    if report.errors == 1 { "" } else { "s" },
                    report.warnings,
                    if report.warnings == 1 { "" } else { "s" },
                );
                // A note held at its last good version says so first.
                let mut problems: Vec<String> = ws
                    .held()
                    .iter()
                    .map(|rel| format!("{rel}: front matter does not parse; its last good version is shown"))
                    .collect();
                problems.extend(problems_of(&report.problems));
                Outcome { line, problems, failed: false, partial, report: Some(report) }
            }
            Err(e) => Outcome {
                line: format!("{}; keeping the last good pages", one_line(&e.to_string())),
                problems: vec![e.to_string()],
                failed: true,
                partial: false,
                report: None,
            },
        }
    }

    /// Wait out saves caught half-way, so no report is built from them:
    /// a note emptied by a truncate-then-write save is looked at again until
    /// it has content (for [`SETTLE_LIMIT`] at most: after that, an empty
    /// note is taken as meant), and a note that vanished is looked for once
    /// more (a rename-over save between its two renames, a branch switch).
    fn settle(&mut self, mut changes: crate::site::workspace::Changes) -> crate::site::workspace::Changes {
        let debounce = self.options.debounce.max(Duration::from_millis(10));
        let until = Instant::now() + SETTLE_LIMIT;
        let mut looked_again_for_removed = false;
        let Some(ws) = self.workspace.as_mut() else { return changes };
        loop {
            let emptied = changes
                .added
                .iter()
                .chain(&changes.modified)
                .any(|rel| ws.sources.get(rel).is_some_and(|s| s.stamp.is_some_and(|st| st.len == 0)));
            let removed = !changes.removed.is_empty() && !looked_again_for_removed;
            if !(emptied || removed) || Instant::now() >= until || !ws.root.is_dir() {
                break;
            }
            looked_again_for_removed |= removed;
            std::thread::sleep(if removed { debounce * 2 } else { debounce });
            match ws.refresh() {
                Ok(more) => {
                    changes.config |= more.config;
                    changes.history |= more.history;
                    changes.skipped |= more.skipped;
                    for rel in more.added {
                        // Gone, then back: the note changed.
                        if let Some(at) = changes.removed.iter().position(|r| r == &rel) {
                            changes.removed.remove(at);
                            changes.modified.push(rel);
                        } else if !changes.added.contains(&rel) {
                            changes.added.push(rel);
                        }
                    }
                    for rel in more.modified {
                        if !changes.added.contains(&rel) && !changes.modified.contains(&rel) {
                            changes.modified.push(rel);
                        }
                    }
                    for rel in more.removed {
                        changes.added.retain(|r| r != &rel);
                        changes.modified.retain(|r| r != &rel);
                        changes.removed.push(rel);
                    }
                }
                Err(_) => break, // the next rebuild reports it
            }
        }
        changes
    }

    /// Forget everything read, for a full reload (after a rescan request or
    /// the journal folder coming back).
    pub fn reset(&mut self) {
        self.workspace = None;
        self.builder = None;
        self.rescanning = None;
    }
}

/// How a rebuild finds what changed.
enum Look<'a> {
    /// The files the watcher named, when each is a note already known.
    Paths(&'a [PathBuf]),
    /// A walk of the folder.
    Folder,
    /// A walk made on another thread ([`Session::start_rescan`]).
    Scan(crate::site::workspace::Scan),
}

/// A (template) error's message for the one-line log: its first line and
/// where it points (`--> file:line:col`); the overlay shows all of it.
fn one_line(message: &str) -> String {
    let mut lines = message.lines();
    let mut line = lines.next().unwrap_or_default().to_string();
    if let Some(at) = lines.find_map(|l| l.trim_start().strip_prefix("--> ")) {
        line.push_str(&format!(" (at {at})"));
    }
    line
}

fn describe(changed: &[String]) -> String {
    match changed.len() {
        0 => "rebuilt".into(),
        1..=3 => changed.join(", "),
        n => format!("{}, … ({n} files)", changed[..2].join(", ")),
    }
}

/// Which folder `path` is now (a symlink followed): its device and inode,
/// so a folder moved away and another put in its place is told apart.
/// `None` when there is none (or off Unix, where the swap goes unseen
/// unless `--poll` is used).
pub(crate) fn folder_identity(path: &Path) -> Option<(u64, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// How long the loop waits for events before it looks at the journal
/// folder itself (gone, replaced) and at the date.
const LOOK_EVERY: Duration = Duration::from_millis(200);

/// Run a watch session until `stop` is set: build, then rebuild after every
/// relevant change, calling `on_build` after each build is fully written.
pub fn run(
    mut session: Session,
    stop: &std::sync::atomic::AtomicBool,
    on_build: &mut dyn FnMut(&Outcome),
) -> crate::error::Result<()> {
    let root = absolute(session.journal());
    let output = session.output().to_path_buf();
    let mut poll = session.options.poll;
    let debounce = session.options.debounce;
    // Build once the watch is in place (first, and after the journal came
    // back), so nothing changed during the build goes unseen.
    let mut rebuild_when_watching = true;
    let mut rescan: Option<RescanOwed> = None;
    'watching: while !stop.load(Ordering::Relaxed) {
        // Taken before the watch starts, so a swap in between is seen too.
        let watched = folder_identity(&root);
        // A journal that is a symlink is watched where it leads (a native
        // watch of the link itself sees nothing inside); events are named
        // by the journal's own path again below.
        let real_root = root.canonicalize().unwrap_or_else(|_| root.clone());
        let real_output = output.canonicalize().unwrap_or_else(|_| absolute(&output));
        let watch = match Watch::start(&real_root, &real_output, debounce, poll) {
            Ok(w) => w,
            Err(_) if !root.is_dir() => {
                // Gone again between the check and the watch: wait for it.
                std::thread::sleep(Duration::from_millis(200));
                continue;
            }
            Err(message) if !poll => {
                on_build(&Outcome { line: format!("{message}; falling back to polling"), ..Outcome::default() });
                poll = true;
                continue;
            }
            Err(message) => return Err(crate::error::Error::Usage(message)),
        };
        if std::mem::take(&mut rebuild_when_watching) {
            rescan = None;
            let outcome = session.rebuild(false);
            on_build(&outcome);
        }
        while !stop.load(Ordering::Relaxed) {
            let wait = RescanOwed::wait(rescan);
            let batch = watch.next(if session.rescanning() { wait.min(RESCAN_POLL) } else { wait });
            if !root.is_dir() {
                on_build(&Outcome {
                    line: format!(
                        "the journal folder {} disappeared; keeping the last pages until it is back",
                        root.display()
                    ),
                    ..Outcome::default()
                });
                while !root.is_dir() {
                    if stop.load(Ordering::Relaxed) {
                        return Ok(());
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
                // Let a restore finish before reading it.
                std::thread::sleep(debounce * 5);
                session.reset();
                rebuild_when_watching = true;
                continue 'watching;
            }
            if folder_identity(&root) != watched {
                // `mv j j-old && mv new j`, or `rm -rf j && ln -s other j`:
                // the path is a folder still, but not the one watched (a
                // native watch follows the old folder wherever it went).
                on_build(&Outcome {
                    line: format!("the journal folder {} was replaced; watching the new one", root.display()),
                    ..Outcome::default()
                });
                std::thread::sleep(debounce * 5);
                session.reset();
                rebuild_when_watching = true;
                continue 'watching;
            }
            let outcome = match batch {
                Some(batch) => {
                    for error in &batch.errors {
                        on_build(&Outcome { line: error.clone(), ..Outcome::default() });
                    }
                    if batch.errors.iter().any(|e| e.contains("max_user_watches")) && !poll {
                        poll = true;
                        continue 'watching;
                    }
                    if batch.stopped {
                        // A new watch, then one rebuild, not one per loop.
                        std::thread::sleep(Duration::from_millis(200));
                        rebuild_when_watching = true;
                        continue 'watching;
                    }
                    if !batch.wants_rebuild() {
                        continue;
                    }
                    let paths: Vec<PathBuf> = batch
                        .paths
                        .iter()
                        .map(|p| p.strip_prefix(&real_root).map_or_else(|_| p.clone(), |rel| root.join(rel)))
                        .collect();
                    let templates = batch.rescan || paths.iter().any(|p| p.starts_with(root.join("templates")));
                    let outcome = session.rebuild_after(templates, Some(&paths));
                    // The rescan that events are never trusted without:
                    // once the folder is quiet. Any other rebuild rescanned.
                    rescan = outcome.partial.then(|| RescanOwed::after_save(rescan, Instant::now()));
                    outcome
                }
                None if session.date_changed() => {
                    rescan = None;
                    session.rebuild(false)
                }
                // One rescan at a time: one owed meanwhile starts after it.
                None if RescanOwed::is_due(rescan) && !session.rescanning() => {
                    rescan = None;
                    if session.start_rescan() {
                        continue;
                    }
                    session.rebuild(false)
                }
                None => match session.finish_rescan() {
                    Some(outcome) => outcome,
                    None => continue,
                },
            };
            if !outcome.line.is_empty() {
                on_build(&outcome);
            }
        }
    }
    Ok(())
}
