//! The journal's git history (SPEC §8): when each file was first committed
//! and every later commit that modified or deleted it.
//!
//! This is an edge of the pipeline, like discovery: it runs the `git`
//! command line, which is present wherever a journal is versioned and costs
//! nothing to build, and parses only its `-z` machine output. The whole
//! history is read in a constant number of processes (one `git log` over
//! every commit reachable from `HEAD`, one `git diff-tree --stdin` for the
//! merges' other parents, one `git cat-file --batch` for the blobs late
//! edits compare), never one per note; [`History::update`] reads only the
//! commits made since.
//!
//! Written dates are computed here, not by `git log --follow` (which follows
//! copies and a single line of history): the commits are replayed parents
//! first, each file's *origin* (its earliest adding, renaming or modifying
//! commit) carried along the diffs against every parent, renames included
//! (`-M`, never `-C`).
//!
//! Nothing here writes to the repository: no index refresh, no hooks, no
//! lock files (`--no-optional-locks`, `GIT_OPTIONAL_LOCKS=0`).

use chrono::NaiveDate;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

/// Why there is no history to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// The journal is not inside a git work tree (no repository, a bare
    /// repository, or inside `.git`).
    NotAWorkTree,
    /// `git` could not be started (not installed, not on `PATH`): there is
    /// no telling whether the journal is versioned at all.
    NotRunnable(String),
    /// `git` ran and failed on the repository; the message says how.
    Failed(String),
}

/// Starting git failed: [`Unavailable::NotRunnable`].
fn not_runnable(e: std::io::Error) -> Unavailable {
    Unavailable::NotRunnable(format!("cannot run git: {e}"))
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::NotAWorkTree => f.write_str("the journal is not in a git work tree"),
            Unavailable::NotRunnable(m) | Unavailable::Failed(m) => write!(f, "git could not be read: {m}"),
        }
    }
}

/// When a commit was authored: the instant, and the calendar date in the
/// author's own offset (what `git log --date=short` prints).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Authored {
    pub timestamp: i64,
    pub date: NaiveDate,
}

/// One commit reachable from `HEAD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub id: String,
    /// `%h`: the abbreviation git itself would print.
    pub short: String,
    pub parents: Vec<String>,
    pub authored: Authored,
}

/// How a file changed in a commit against its first parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Modified,
    Deleted,
    /// Renamed (maybe modified too): `new_path` names where it went.
    Renamed,
}

/// A file under the journal that a commit modified, renamed or deleted,
/// against its first parent: what late edits are judged on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Index into [`History::commits`].
    pub commit: usize,
    pub kind: ChangeKind,
    /// Journal-relative, `/`-separated.
    pub old_path: String,
    /// Journal-relative; `None` when deleted or moved out of the journal.
    pub new_path: Option<String>,
    pub old_text: Option<Arc<str>>,
    /// `None` when deleted, moved out, or no longer a regular file.
    pub new_text: Option<Arc<str>>,
}

/// The history of the repository holding a journal, as far as §8 needs it.
#[derive(Debug, Clone)]
pub struct History {
    /// The journal folder, as given.
    root: PathBuf,
    /// The journal's path inside the repository, `/`-terminated (or empty).
    prefix: String,
    /// `HEAD`'s commit; `None` in a repository without commits.
    pub head: Option<String>,
    /// Every commit read, parents before children.
    pub commits: Vec<Commit>,
    /// Repository path of every file in `HEAD`'s tree → its origin.
    origins: HashMap<String, Authored>,
    /// Repository path → the earliest origin of the files that left it
    /// (deleted, renamed away) in the commits read: a note deleted and
    /// added again at the same path was first written when the first one
    /// was (SPEC §8: the earliest commit whose tree holds a file at that
    /// path).
    left: HashMap<String, Authored>,
    /// Modifications and deletions of journal files, in commit order;
    /// [`History::update`] only appends to it.
    pub changes: Vec<FileChange>,
    /// Which whole read this is: a new one after each full read, so what
    /// was derived from `changes` is known to be stale.
    pub epoch: u64,
}

static EPOCH: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// One entry of `--raw` output.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RawEntry {
    old_mode: String,
    new_mode: String,
    old_blob: String,
    new_blob: String,
    status: u8,
    path: String,
    /// The destination of a rename (or copy).
    new_path: Option<String>,
}

/// A commit as `git log` prints it: header and its diff against its first
/// parent.
#[derive(Debug, Clone)]
struct LoggedCommit {
    commit: Commit,
    diff: Vec<RawEntry>,
}

/// Each commit: id, short id, parents, author date (instant and ISO with
/// its offset), committer date (the same, for a commit whose author date
/// is unreadable).
const LOG_FORMAT: &str = "--format=%x01%H%x00%h%x00%P%x00%at%x00%ai%x00%ct%x00%ci";

impl History {
    /// Read the whole history of the repository holding `root`.
    pub fn read(root: &Path) -> Result<History, Unavailable> {
        let prefix = locate(root)?;
        let mut history = History {
            root: root.to_path_buf(),
            prefix,
            head: None,
            commits: Vec::new(),
            origins: HashMap::new(),
            left: HashMap::new(),
            changes: Vec::new(),
            epoch: EPOCH.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        };
        history.head = head(root)?;
        if let Some(head) = history.head.clone() {
            history.replay(&head, None)?;
        }
        Ok(history)
    }

    /// Read the commits made since the last read. A new `HEAD` that does
    /// not descend from the old one (a reset, a checkout of another
    /// branch, a rebase) is read whole again. Returns whether anything
    /// changed.
    pub fn update(&mut self) -> Result<bool, Unavailable> {
        let now = head(&self.root)?;
        if now == self.head {
            return Ok(false);
        }
        match (self.head.clone(), now.clone()) {
            (Some(old), Some(new)) => match self.replay(&new, Some(&old)) {
                Ok(true) => {}
                // Not built on the old head, or a read failed half-way
                // (the origins were being moved): read it all again.
                Ok(false) | Err(_) => *self = History::read(&self.root)?,
            },
            _ => *self = History::read(&self.root)?,
        }
        Ok(true)
    }

    /// The written date of the note at `rel` (journal-relative): the
    /// author date of its origin, or of a file that left the path before
    /// (on any branch: a side branch's file may be replayed after the one
    /// put there on the main line); `None` when not in `HEAD`'s tree.
    pub fn written(&self, rel: &str) -> Option<Authored> {
        let path = format!("{}{rel}", self.prefix);
        let origin = *self.origins.get(&path)?;
        Some(self.left.get(&path).map_or(origin, |o| (*o).min(origin)))
    }

    /// Read commits reachable from `head` (and not from `since`), replay
    /// them onto the origins, and add their changes. `false` when the new
    /// commits do not build on `since` alone (their history must be read
    /// whole).
    fn replay(&mut self, head: &str, since: Option<&str>) -> Result<bool, Unavailable> {
        let range = match since {
            Some(old) => format!("{old}..{head}"),
            None => head.to_string(),
        };
        let out = git(
            &self.root,
            &[
                "log",
                "-z",
                "--raw",
                // Blob ids as abbreviated as `%h`'s: unique in this
                // repository now, which is when `cat-file` reads them.
                "-M",
                "--root",
                "--diff-merges=first-parent",
                "--topo-order",
                "--reverse",
                "--no-color",
                "--no-show-signature",
                // Paths from the repository's top, whatever `diff.relative`
                // says (set, it printed them from the journal's subfolder,
                // which the prefix was then stripped from again).
                "--no-relative",
                LOG_FORMAT,
                &range,
                "--",
            ],
            None,
        )?;
        let logged = parse_log(&out).map_err(Unavailable::Failed)?;
        let known: std::collections::HashSet<&str> = logged.iter().map(|c| c.commit.id.as_str()).collect();
        // Every parent is either read now, the old head, or (in a shallow
        // clone) absent: otherwise the base of the replay is unknown.
        if let Some(old) = since {
            // A head moved back (a reset) has nothing new to read.
            if !known.contains(head) {
                return Ok(false);
            }
            let builds_on_old =
                logged.iter().flat_map(|c| &c.commit.parents).all(|p| known.contains(p.as_str()) || p == old);
            if !builds_on_old {
                return Ok(false);
            }
        }

        // The other parents of merges, against each: one process for all.
        let mut wanted: Vec<(String, String)> = Vec::new();
        for c in &logged {
            for p in c.commit.parents.iter().skip(1) {
                wanted.push((c.commit.id.clone(), p.clone()));
            }
        }
        let mut merge_diffs: HashMap<(String, String), Vec<RawEntry>> = HashMap::new();
        if !wanted.is_empty() {
            let input: String = wanted.iter().map(|(c, p)| format!("{c} {p}\n")).collect();
            let out = git(
                &self.root,
                &["diff-tree", "--stdin", "-z", "-r", "--raw", "-M", "--always", "--no-color", "--no-relative"],
                Some(input.into_bytes()),
            )?;
            let diffs = parse_diff_tree(&out).map_err(Unavailable::Failed)?;
            if diffs.len() != wanted.len() {
                return Err(Unavailable::Failed("git diff-tree answered for fewer merges than asked".into()));
            }
            merge_diffs.extend(wanted.into_iter().zip(diffs));
        }

        // Replay, parents first, keeping each commit's file → origin map
        // only while a child still needs it (a linear history moves one map
        // along).
        let mut children: HashMap<&str, usize> = HashMap::new();
        for c in &logged {
            for p in &c.commit.parents {
                *children.entry(p.as_str()).or_default() += 1;
            }
        }
        let mut maps: HashMap<String, HashMap<String, Authored>> = HashMap::new();
        let mut base = since.map(|old| (old.to_string(), std::mem::take(&mut self.origins)));
        let mut take_map = |id: &str,
                            maps: &mut HashMap<String, HashMap<String, Authored>>,
                            children: &mut HashMap<&str, usize>|
         -> HashMap<String, Authored> {
            let last = match children.get_mut(id) {
                Some(n) => {
                    *n = n.saturating_sub(1);
                    *n == 0
                }
                None => true,
            };
            if let Some((old, map)) = base.as_mut().filter(|(old, _)| old == id) {
                let _ = old;
                return if last { std::mem::take(map) } else { map.clone() };
            }
            if last {
                maps.remove(id).unwrap_or_default()
            } else {
                maps.get(id).cloned().unwrap_or_default()
            }
        };
        let first_index = self.commits.len();
        let mut blobs_wanted: Vec<String> = Vec::new();
        let mut pending: Vec<(FileChange, Option<String>, Option<String>)> = Vec::new();
        for (i, c) in logged.iter().enumerate() {
            let own = c.commit.authored;
            let mut map = match c.commit.parents.first() {
                Some(p) => take_map(p, &mut maps, &mut children),
                None => HashMap::new(),
            };
            for e in &c.diff {
                apply(&mut map, &mut self.left, e, own);
                if let Some(change) = self.change_of(e, first_index + i) {
                    let old_blob = Some(e.old_blob.clone());
                    let new_blob =
                        change.new_path.as_ref().filter(|_| is_file_mode(&e.new_mode)).map(|_| e.new_blob.clone());
                    blobs_wanted.extend(old_blob.iter().cloned());
                    blobs_wanted.extend(new_blob.iter().cloned());
                    pending.push((change, old_blob, new_blob));
                }
            }
            for p in c.commit.parents.iter().skip(1) {
                let other = take_map(p, &mut maps, &mut children);
                let diff = &merge_diffs[&(c.commit.id.clone(), p.clone())];
                merge_parent(&mut map, &mut self.left, &other, diff, own);
            }
            maps.insert(c.commit.id.clone(), map);
        }
        self.origins = maps.remove(head).unwrap_or_default();

        // The blobs late edits compare, in one process.
        blobs_wanted.sort();
        blobs_wanted.dedup();
        let texts = cat_blobs(&self.root, &blobs_wanted)?;
        for (mut change, old_blob, new_blob) in pending {
            change.old_text = old_blob.and_then(|b| texts.get(&b).cloned());
            change.new_text = new_blob.and_then(|b| texts.get(&b).cloned());
            self.changes.push(change);
        }
        self.commits.extend(logged.into_iter().map(|c| c.commit));
        self.head = Some(head.to_string());
        Ok(true)
    }

    /// The journal-side view of one first-parent diff entry, when it
    /// modifies, renames or deletes a regular file inside the journal.
    fn change_of(&self, e: &RawEntry, commit: usize) -> Option<FileChange> {
        if !is_file_mode(&e.old_mode) {
            return None;
        }
        let old_path = e.path.strip_prefix(&self.prefix)?.to_string();
        let inside = |p: &str| p.strip_prefix(&self.prefix).map(str::to_string);
        let (kind, new_path) = match e.status {
            b'M' | b'T' => (ChangeKind::Modified, Some(old_path.clone())),
            b'D' => (ChangeKind::Deleted, None),
            b'R' => (ChangeKind::Renamed, e.new_path.as_deref().and_then(inside)),
            _ => return None,
        };
        let new_path = new_path.filter(|_| is_file_mode(&e.new_mode));
        Some(FileChange { commit, kind, old_path, new_path, old_text: None, new_text: None })
    }
}

/// Regular files (and symlinks), not submodules (`160000`) or nothing.
fn is_file_mode(mode: &str) -> bool {
    mode.starts_with("100") || mode == "120000"
}

/// Carry one diff entry (against the first parent) onto a file map. A
/// file leaving a path leaves its origin in `left`; a file put at a path
/// takes the earliest origin of those that left it.
fn apply(map: &mut HashMap<String, Authored>, left: &mut HashMap<String, Authored>, e: &RawEntry, own: Authored) {
    if !is_file_mode(&e.new_mode) && !matches!(e.status, b'D' | b'R' | b'C') {
        // What is at the path now is no file (a submodule).
        leave(map, left, &e.path);
        return;
    }
    match e.status {
        b'D' => {
            leave(map, left, &e.path);
        }
        b'R' => {
            let origin = leave(map, left, &e.path).map_or(own, |o| o.min(own));
            if let Some(new) = &e.new_path {
                put(map, left, new, origin);
            }
        }
        // Copies are never asked for (`-C`); should one appear, the copy
        // is a new file, as SPEC §8 wants.
        b'C' => {
            if let Some(new) = &e.new_path {
                put(map, left, new, own);
            }
        }
        b'A' => put(map, left, &e.path, own),
        _ => {
            let origin = map.get(&e.path).map_or(own, |o| (*o).min(own));
            put(map, left, &e.path, origin);
        }
    }
}

/// A file at `path` from `origin` on, or from the earliest origin of a
/// file that was there before.
fn put(map: &mut HashMap<String, Authored>, left: &HashMap<String, Authored>, path: &str, origin: Authored) {
    map.insert(path.to_string(), left.get(path).map_or(origin, |o| (*o).min(origin)));
}

/// The file at `path` leaves it; its origin, if there was one.
fn leave(map: &mut HashMap<String, Authored>, left: &mut HashMap<String, Authored>, path: &str) -> Option<Authored> {
    let origin = map.remove(path)?;
    left.entry(path.to_string()).and_modify(|o| *o = (*o).min(origin)).or_insert(origin);
    Some(origin)
}

/// Fold a merge's other parent in: each file the merge holds gets the
/// earlier of its origins along either side (through a rename on that
/// side; not at all when that side does not have it).
fn merge_parent(
    map: &mut HashMap<String, Authored>,
    left: &mut HashMap<String, Authored>,
    other: &HashMap<String, Authored>,
    diff: &[RawEntry],
    own: Authored,
) {
    let mut added: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut renamed_from: HashMap<&str, &str> = HashMap::new();
    let mut touched: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for e in diff {
        match (e.status, &e.new_path) {
            (b'A', _) => {
                added.insert(&e.path);
            }
            (b'C', Some(new)) => {
                added.insert(new);
            }
            (b'R', Some(new)) => {
                renamed_from.insert(new, &e.path);
            }
            // A file of the other parent the merge does not keep (`-s
            // ours`): it was at that path, on a branch HEAD holds, so it
            // still dates a file put there later (SPEC §8: the earliest
            // commit whose tree holds a file at the path).
            (b'D', _) => {
                if let Some(origin) = other.get(&e.path) {
                    left.entry(e.path.clone()).and_modify(|o| *o = (*o).min(*origin)).or_insert(*origin);
                }
            }
            _ => {
                touched.insert(&e.path);
            }
        }
    }
    for (path, origin) in map.iter_mut() {
        if added.contains(path.as_str()) {
            continue;
        }
        let (side, changed) = match renamed_from.get(path.as_str()) {
            Some(from) => (other.get(*from), true),
            None => (other.get(path), touched.contains(path.as_str())),
        };
        if let Some(side) = side {
            *origin = (*origin).min(*side);
            if changed {
                *origin = (*origin).min(own);
            }
        }
    }
}

/// The journal's path inside its work tree, `/`-terminated.
fn locate(root: &Path) -> Result<String, Unavailable> {
    let out = match git(root, &["rev-parse", "--is-inside-work-tree", "--show-prefix"], None) {
        Ok(out) => out,
        Err(Unavailable::Failed(m)) if m.contains("not a git repository") => return Err(Unavailable::NotAWorkTree),
        Err(e) => return Err(e),
    };
    let text = String::from_utf8_lossy(&out);
    let mut lines = text.lines();
    if lines.next() != Some("true") {
        return Err(Unavailable::NotAWorkTree);
    }
    Ok(lines.next().unwrap_or_default().to_string())
}

/// What to watch to see a commit, a checkout or a reset while serving:
/// the git folder (its `HEAD` and `packed-refs`, not recursively) and the
/// shared `refs/` folder (recursively). `None` outside a repository.
pub fn watch_paths(root: &Path) -> Option<(PathBuf, PathBuf)> {
    let out = git(root, &["rev-parse", "--absolute-git-dir", "--git-common-dir"], None).ok()?;
    let text = String::from_utf8(out).ok()?;
    let mut lines = text.lines();
    let git_dir = PathBuf::from(lines.next()?);
    let common = PathBuf::from(lines.next()?);
    let common = if common.is_absolute() { common } else { root.join(common) };
    Some((git_dir, common.join("refs")))
}

/// Does a change at `path` (under [`watch_paths`]) move `HEAD`? Lock
/// files do not: their rename over the ref does.
pub fn moves_head(git_dir: &Path, refs: &Path, path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.ends_with(".lock") {
        return false;
    }
    path.starts_with(refs) || path == git_dir.join("HEAD") || path == git_dir.join("packed-refs")
}

/// `HEAD`'s commit id, `None` when the branch has no commit yet.
pub fn head(root: &Path) -> Result<Option<String>, Unavailable> {
    let out = command(root, &["rev-parse", "-q", "--verify", "HEAD^{commit}"]).output().map_err(not_runnable)?;
    if !out.status.success() {
        return Ok(None);
    }
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Ok((!id.is_empty()).then_some(id))
}

/// A `git` command that reads `root`'s repository and never writes to it,
/// whatever the environment points at.
fn command(root: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("--no-optional-locks")
        .arg("-C")
        .arg(root)
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        // A partial clone would fetch the old versions it lacks from its
        // remote (rename detection reads them), writing into `.git`: §8
        // reads the repository as it is, offline, and changes nothing.
        .env("GIT_NO_LAZY_FETCH", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_PREFIX")
        .stdin(Stdio::null());
    cmd
}

/// Run git and return its standard output, feeding `input` on a thread
/// (so a large answer cannot deadlock against a large question).
fn git(root: &Path, args: &[&str], input: Option<Vec<u8>>) -> Result<Vec<u8>, Unavailable> {
    let mut cmd = command(root, args);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    if input.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.spawn().map_err(not_runnable)?;
    let writer = input.and_then(|bytes| {
        let mut stdin = child.stdin.take()?;
        Some(std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        }))
    });
    let out = child.wait_with_output().map_err(|e| Unavailable::Failed(format!("git: {e}")))?;
    if let Some(w) = writer {
        let _ = w.join();
    }
    if !out.status.success() {
        let message = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(Unavailable::Failed(format!("`git {}`: {message}", args[0])));
    }
    Ok(out.stdout)
}

/// The texts of `blobs`, by id, through one `git cat-file --batch`.
fn cat_blobs(root: &Path, blobs: &[String]) -> Result<HashMap<String, Arc<str>>, Unavailable> {
    let mut texts = HashMap::new();
    if blobs.is_empty() {
        return Ok(texts);
    }
    let mut cmd = command(root, &["cat-file", "--batch"]);
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null());
    let mut child = cmd.spawn().map_err(not_runnable)?;
    let mut stdin = child.stdin.take().ok_or_else(|| Unavailable::Failed("git cat-file: no stdin".into()))?;
    let input: String = blobs.iter().map(|b| format!("{b}\n")).collect();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let stdout = child.stdout.take().ok_or_else(|| Unavailable::Failed("git cat-file: no stdout".into()))?;
    let mut reader = BufReader::new(stdout);
    let failed = |m: &str| Unavailable::Failed(format!("git cat-file: {m}"));
    for blob in blobs {
        let mut header = String::new();
        if reader.read_line(&mut header).map_err(|e| failed(&e.to_string()))? == 0 {
            return Err(failed("ended early"));
        }
        let fields: Vec<&str> = header.split_whitespace().collect();
        if fields.len() == 2 && fields[1] == "missing" {
            continue;
        }
        let size: usize = fields.get(2).and_then(|s| s.parse().ok()).ok_or_else(|| failed("unreadable header"))?;
        let mut bytes = vec![0; size + 1];
        reader.read_exact(&mut bytes).map_err(|e| failed(&e.to_string()))?;
        bytes.pop();
        if let Ok(text) = String::from_utf8(bytes) {
            texts.insert(blob.clone(), Arc::from(text));
        }
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(texts)
}

/// A cursor over `-z` output.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }
    /// The bytes up to the next NUL (which is consumed).
    fn field(&mut self) -> Result<&'a [u8], String> {
        let rest = &self.bytes[self.at..];
        let end = memchr::memchr(0, rest).ok_or("git output ends inside a field")?;
        self.at += end + 1;
        Ok(&rest[..end])
    }
    fn text(&mut self) -> Result<String, String> {
        Ok(String::from_utf8_lossy(self.field()?).into_owned())
    }
    fn skip_newlines(&mut self) {
        while self.peek() == Some(b'\n') {
            self.at += 1;
        }
    }
    /// Raw entries (`:old new oldsha newsha status\0path\0[path\0]`).
    fn raw_entries(&mut self) -> Result<Vec<RawEntry>, String> {
        let mut entries = Vec::new();
        self.skip_newlines();
        while self.peek() == Some(b':') {
            let meta = self.text()?;
            let parts: Vec<&str> = meta[1..].split(' ').collect();
            if parts.len() != 5 || parts[4].is_empty() {
                return Err(format!("unexpected raw diff line `{meta}`"));
            }
            let status = parts[4].as_bytes()[0];
            let path = self.text()?;
            let new_path = if status == b'R' || status == b'C' { Some(self.text()?) } else { None };
            entries.push(RawEntry {
                old_mode: parts[0].to_string(),
                new_mode: parts[1].to_string(),
                old_blob: parts[2].to_string(),
                new_blob: parts[3].to_string(),
                status,
                path,
                new_path,
            });
            self.skip_newlines();
        }
        Ok(entries)
    }
}

/// Parse `git log -z --raw` with [`LOG_FORMAT`].
fn parse_log(bytes: &[u8]) -> Result<Vec<LoggedCommit>, String> {
    let mut c = Cursor { bytes, at: 0 };
    let mut commits = Vec::new();
    // Each commit's date, for a child whose own cannot be read (parents
    // come first: the log is read in topological order, reversed).
    let mut dated: HashMap<String, Authored> = HashMap::new();
    c.skip_newlines();
    while let Some(b) = c.peek() {
        if b != 1 {
            return Err(format!("unexpected byte {b:#x} in git log output"));
        }
        c.at += 1;
        let id = c.text()?;
        let short = c.text()?;
        let parents: Vec<String> = c.text()?.split(' ').filter(|p| !p.is_empty()).map(str::to_string).collect();
        let author = (c.text()?, c.text()?);
        let committer = (c.text()?, c.text()?);
        // One commit with a broken author line (an imported or hand-made
        // history) does not stop the others: it is dated by its committer,
        // else as late as its latest parent.
        let read = |(timestamp, iso): &(String, String)| {
            let timestamp = timestamp.trim().parse().ok()?;
            Some(Authored { timestamp, date: iso.get(..10).and_then(crate::text::parse_date)? })
        };
        let authored = read(&author)
            .or_else(|| read(&committer))
            .or_else(|| parents.iter().filter_map(|p| dated.get(p.as_str())).max().copied());
        let authored = authored.unwrap_or(Authored { timestamp: 0, date: NaiveDate::default() });
        dated.insert(id.clone(), authored);
        let diff = c.raw_entries()?;
        commits.push(LoggedCommit { commit: Commit { id, short, parents, authored }, diff });
        c.skip_newlines();
    }
    Ok(commits)
}

/// Parse `git diff-tree --stdin -z --raw --always`: one block per line
/// asked, each a commit id then its entries.
fn parse_diff_tree(bytes: &[u8]) -> Result<Vec<Vec<RawEntry>>, String> {
    let mut c = Cursor { bytes, at: 0 };
    let mut blocks = Vec::new();
    c.skip_newlines();
    while c.peek().is_some() {
        let _id = c.field()?;
        blocks.push(c.raw_entries()?);
        c.skip_newlines();
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_output_is_parsed_whatever_the_paths_hold() {
        let out = b"\x01aaa\x00aa\x00\x001700000000\x002026-11-10 23:30:00 -0800\x001\x00x\x00\n\
:000000 100644 0000 1111 A\x00notes/a b\n.md\x00\
\x01bbb\x00bb\x00aaa\x001700000100\x002026-11-11 08:00:00 +0100\x001\x00x\x00\n\
:100644 100644 1111 1111 R100\x00notes/a b\n.md\x00notes/2026/\x01x.md\x00\
\x01ccc\x00cc\x00bbb ddd\x001700000200\x002026-11-12 08:00:00 +0000\x001\x00x\x00";
        let log = parse_log(out).unwrap();
        assert_eq!(log.len(), 3);
        assert_eq!(log[0].commit.authored.date, crate::text::parse_date("2026-11-10").unwrap());
        assert_eq!(log[0].diff[0].path, "notes/a b\n.md");
        assert_eq!(log[1].diff[0].new_path.as_deref(), Some("notes/2026/\x01x.md"));
        assert_eq!(log[2].commit.parents, vec!["bbb".to_string(), "ddd".to_string()]);
        assert!(log[2].diff.is_empty());
        assert!(parse_log(b"garbage").is_err());
    }

    /// A commit whose author date cannot be read is dated by its
    /// committer, else as its latest parent: the others still count.
    #[test]
    fn an_unreadable_author_date_falls_back() {
        let out = b"\x01aaa\x00aa\x00\x001700000000\x002023-11-14 22:13:20 +0000\x001\x00x\x00\n\
\x01bbb\x00bb\x00aaa\x00\x00\x001700086400\x002023-11-15 22:13:20 +0000\x00\n\
\x01ccc\x00cc\x00bbb\x00garbage\x00\x00\x00\x00";
        let log = parse_log(out).unwrap();
        let dates: Vec<String> = log.iter().map(|c| c.commit.authored.date.to_string()).collect();
        assert_eq!(dates, ["2023-11-14", "2023-11-15", "2023-11-15"]);
    }

    /// Everything in `dir` committed, authored and committed at `date`.
    fn commit_all(dir: &Path, date: &str, message: &str) {
        git_in(dir, date, &["add", "-A"]);
        git_in(dir, date, &["commit", "-q", "--allow-empty", "-m", message]);
    }

    /// A repository in a temporary folder, with git's identity and dates
    /// from the environment (no machine configuration).
    fn git_in(dir: &Path, date: &str, args: &[&str]) {
        let out = Command::new("git")
            .current_dir(dir)
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Rep")
            .env("GIT_AUTHOR_EMAIL", "rep@example.com")
            .env("GIT_COMMITTER_NAME", "Rep")
            .env("GIT_COMMITTER_EMAIL", "rep@example.com")
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    #[test]
    fn new_commits_are_read_alone_and_a_reset_reads_all_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let day = |s: &str| crate::text::parse_date(s).unwrap();
        git_in(root, "2026-11-02T10:00:00+0000", &["init", "-q", "-b", "main"]);
        std::fs::write(root.join("2026-11-02.md"), "mood: 3\n").unwrap();
        git_in(root, "2026-11-02T10:00:00+0000", &["add", "-A"]);
        git_in(root, "2026-11-02T10:00:00+0000", &["commit", "-q", "-m", "a"]);
        let mut h = History::read(root).unwrap();
        assert_eq!(h.commits.len(), 1);
        assert!(!h.update().unwrap(), "nothing new");

        std::fs::write(root.join("2026-11-02.md"), "mood: 4\n").unwrap();
        std::fs::write(root.join("2026-11-03.md"), "mood: 4\n").unwrap();
        git_in(root, "2026-11-20T10:00:00+0000", &["add", "-A"]);
        git_in(root, "2026-11-20T10:00:00+0000", &["commit", "-q", "-m", "b"]);
        let epoch = h.epoch;
        assert!(h.update().unwrap());
        assert_eq!(h.epoch, epoch, "read incrementally");
        assert_eq!(h.commits.len(), 2);
        assert_eq!(h.written("2026-11-02.md").map(|a| a.date), Some(day("2026-11-02")));
        assert_eq!(h.written("2026-11-03.md").map(|a| a.date), Some(day("2026-11-20")));
        assert_eq!(h.changes.len(), 1);
        assert_eq!(h.changes[0].old_text.as_deref(), Some("mood: 3\n"));
        assert_eq!(h.changes[0].new_text.as_deref(), Some("mood: 4\n"));

        git_in(root, "2026-11-21T10:00:00+0000", &["reset", "-q", "--hard", "HEAD~1"]);
        assert!(h.update().unwrap());
        assert_ne!(h.epoch, epoch, "read whole again");
        assert_eq!(h.commits.len(), 1);
        assert!(h.changes.is_empty());
        assert_eq!(h.written("2026-11-03.md"), None);
    }

    /// A file that left its path (deleted, renamed away) in one read still
    /// dates the file put there in a later, incremental one (a watch
    /// session's), as in a whole read.
    #[test]
    fn a_path_keeps_its_first_date_across_reads() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let day = |s: &str| crate::text::parse_date(s).unwrap();
        let commit = |date: &str, message: &str| commit_all(root, date, message);
        git_in(root, "2026-11-02T10:00:00+0000", &["init", "-q", "-b", "main"]);
        std::fs::write(root.join("2026-11-02.md"), "mood: 3\n").unwrap();
        std::fs::write(root.join("a.md"), "---\ndate: 2026-11-03\n---\nA body long enough to be renamed.\n").unwrap();
        commit("2026-11-02T10:00:00+0000", "a");
        std::fs::remove_file(root.join("2026-11-02.md")).unwrap();
        git_in(root, "2026-11-05T10:00:00+0000", &["mv", "a.md", "2026-11-03.md"]);
        commit("2026-11-05T10:00:00+0000", "gone, moved");
        let mut h = History::read(root).unwrap();
        assert_eq!(h.written("2026-11-02.md"), None);
        assert_eq!(h.written("2026-11-03.md").map(|a| a.date), Some(day("2026-11-02")));

        std::fs::write(root.join("2026-11-02.md"), "mood: 4\n").unwrap();
        std::fs::write(root.join("a.md"), "mood: 1\n").unwrap();
        commit("2026-11-20T10:00:00+0000", "back, and a new a.md");
        let epoch = h.epoch;
        assert!(h.update().unwrap());
        assert_eq!(h.epoch, epoch, "read incrementally");
        assert_eq!(h.written("2026-11-02.md").map(|a| a.date), Some(day("2026-11-02")));
        // The path of a file renamed away: its file's date too.
        assert_eq!(h.written("a.md").map(|a| a.date), Some(day("2026-11-02")));
        assert_eq!(History::read(root).unwrap().written("a.md"), h.written("a.md"), "as a whole read");
    }

    /// A file that was at a path only on a side branch, merged after the
    /// main line put one there, dates the path too (SPEC §8: the earliest
    /// commit whose tree holds a file there, merges included).
    #[test]
    fn a_side_branch_file_at_the_path_dates_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let day = |s: &str| crate::text::parse_date(s).unwrap();
        let commit = |date: &str, message: &str| commit_all(root, date, message);
        git_in(root, "2026-10-01T10:00:00+0000", &["init", "-q", "-b", "main"]);
        std::fs::write(root.join("2026-10-01.md"), "mood: 3\n").unwrap();
        commit("2026-10-01T10:00:00+0000", "base");
        git_in(root, "2026-11-01T10:00:00+0000", &["checkout", "-q", "-b", "side"]);
        std::fs::write(root.join("2026-11-01.md"), "mood: 4\n").unwrap();
        commit("2026-11-01T10:00:00+0000", "side: added");
        std::fs::remove_file(root.join("2026-11-01.md")).unwrap();
        commit("2026-11-02T10:00:00+0000", "side: deleted");
        git_in(root, "2026-11-05T10:00:00+0000", &["checkout", "-q", "main"]);
        std::fs::write(root.join("2026-11-01.md"), "mood: 2\n").unwrap();
        commit("2026-11-05T10:00:00+0000", "main: added");
        git_in(root, "2026-11-06T10:00:00+0000", &["merge", "-q", "--no-ff", "side", "-m", "merge"]);
        let h = History::read(root).unwrap();
        assert_eq!(h.written("2026-11-01.md").map(|a| a.date), Some(day("2026-11-01")));
    }

    /// A side branch's file that the merge does not keep (`merge -s
    /// ours`) was at the path all the same: a file the main line puts
    /// there later is dated by it.
    #[test]
    fn a_file_a_merge_drops_still_dates_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let day = |s: &str| crate::text::parse_date(s).unwrap();
        let commit = |date: &str, message: &str| commit_all(root, date, message);
        git_in(root, "2026-10-01T10:00:00+0000", &["init", "-q", "-b", "main"]);
        std::fs::write(root.join("2026-10-01.md"), "mood: 3\n").unwrap();
        commit("2026-10-01T10:00:00+0000", "base");
        git_in(root, "2026-11-02T10:00:00+0000", &["checkout", "-q", "-b", "side"]);
        std::fs::write(root.join("2026-11-02.md"), "mood: 3\n").unwrap();
        commit("2026-11-02T10:00:00+0000", "side: written on the day");
        git_in(root, "2026-11-04T10:00:00+0000", &["checkout", "-q", "main"]);
        git_in(root, "2026-11-04T10:00:00+0000", &["merge", "-q", "-s", "ours", "side", "-m", "merge -s ours"]);
        std::fs::write(root.join("2026-11-02.md"), "mood: 4\n").unwrap();
        commit("2026-11-09T10:00:00+0000", "main: added again");
        let h = History::read(root).unwrap();
        assert_eq!(h.written("2026-11-02.md").map(|a| a.date), Some(day("2026-11-02")));
    }

    #[test]
    fn diff_tree_blocks_are_one_per_question() {
        let out = b"m1\x00:100644 000000 11 00 D\x00z.md\x00m1\x00m2\x00:000000 100644 00 22 A\x00y.md\x00";
        let blocks = parse_diff_tree(out).unwrap();
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[0][0].status, b'D');
        assert!(blocks[1].is_empty());
        assert_eq!(blocks[2][0].path, "y.md");
    }
}
