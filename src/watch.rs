//! `saleslog watch`: rebuild on every change, whatever the editor does.
//!
//! Events lie — editors write temp files and rename them over, truncate
//! then write, touch swap files; git rewrites hundreds of files at once; the
//! kernel drops events when its queue overflows. So events are only a
//! doorbell here: after a short debounce (40 ms by default) the folder is
//! rescanned and the workspace re-reads only files whose size or
//! modification time changed ([`crate::workspace::Workspace::refresh`]);
//! what changed is decided from that rescan, never from the events
//! themselves. notify stays inside this module.

use crate::discover::is_ignored_name;
use notify_debouncer_full::notify::{self, EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, new_debouncer_opt, DebounceEventResult, NoCache};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long a burst of events must be quiet before a rebuild.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(40);

/// Does a change at `path` possibly affect the reports? Pure, so the rules
/// are tested without a file system. `root` is the journal, `output` the
/// output folder.
pub fn is_relevant(root: &Path, output: &Path, path: &Path) -> bool {
    if path.starts_with(output) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else {
        // The journal itself (or a parent) moved or vanished.
        return root.starts_with(path);
    };
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let Some(name) = parts.last() else { return true }; // the root itself
    if parts.iter().any(|p| is_ignored_name(p) || is_editor_scratch(p)) {
        return false;
    }
    if parts.len() == 1 && name == crate::config::FILE_NAME {
        return true;
    }
    if parts[0] == "templates" {
        return true;
    }
    // A note, or something without an extension that may be (or have been) a
    // folder of notes.
    name.ends_with(".md") || !name.contains('.')
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

/// What the watcher saw during one debounce window.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Relevant paths that changed (for the log line; the rescan decides).
    pub paths: Vec<PathBuf>,
    /// The backend lost events or asked for a rescan.
    pub rescan: bool,
    /// Watch errors, already explained for the user.
    pub errors: Vec<String>,
}

impl Batch {
    pub fn wants_rebuild(&self) -> bool {
        !self.paths.is_empty() || self.rescan
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

/// A live watch of a journal folder.
pub struct Watch {
    root: PathBuf,
    output: PathBuf,
    events: Receiver<DebounceEventResult>,
    // Kept alive for as long as the watch runs; dropping stops it.
    _backend: Backend,
}

/// Held only to keep the watch alive: dropping a debouncer stops it.
#[allow(dead_code)]
enum Backend {
    Native(notify_debouncer_full::Debouncer<notify::RecommendedWatcher, notify_debouncer_full::RecommendedCache>),
    Poll(notify_debouncer_full::Debouncer<notify::PollWatcher, NoCache>),
}

impl Watch {
    /// Start watching `root` recursively (never single files: editors
    /// replace them). `poll` uses a polling backend, for network folders,
    /// WSL, or when the inotify limit is reached.
    pub fn start(root: &Path, output: &Path, debounce: Duration, poll: bool) -> Result<Watch, String> {
        let (tx, rx) = channel();
        let backend = if poll {
            let config = notify::Config::default().with_poll_interval(Duration::from_millis(250));
            let mut d = new_debouncer_opt::<_, notify::PollWatcher, NoCache>(debounce, None, tx, NoCache, config)
                .map_err(|e| explain(&e))?;
            d.watch(root, RecursiveMode::Recursive).map_err(|e| explain(&e))?;
            Backend::Poll(d)
        } else {
            let mut d = new_debouncer(debounce, None, tx).map_err(|e| explain(&e))?;
            d.watch(root, RecursiveMode::Recursive).map_err(|e| explain(&e))?;
            Backend::Native(d)
        };
        Ok(Watch { root: root.to_path_buf(), output: output.to_path_buf(), events: rx, _backend: backend })
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
                    return Some(Batch { rescan: true, errors: vec!["the watcher stopped".into()], ..Batch::default() })
                }
            };
            let batch = self.classify(result);
            if batch.wants_rebuild() || !batch.errors.is_empty() {
                return Some(batch);
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
                        if is_relevant(&self.root, &self.output, path) && !batch.paths.contains(path) {
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

    #[test]
    fn editor_leftovers_and_git_are_not_relevant() {
        let root = Path::new("/j");
        let out = Path::new("/j/_site");
        let relevant = |p: &str| is_relevant(root, out, Path::new(p));
        assert!(relevant("/j/2026/11/2026-11-27.md"));
        assert!(relevant("/j/saleslog.yaml"));
        assert!(relevant("/j/templates/index.html"));
        assert!(relevant("/j/2026")); // a folder of notes, created or removed
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

    #[test]
    fn the_inotify_limit_is_named() {
        let e = notify::Error::new(notify::ErrorKind::MaxFilesWatch);
        assert!(explain(&e).contains("fs.inotify.max_user_watches"));
        assert!(explain(&e).contains("--poll"));
    }
}
