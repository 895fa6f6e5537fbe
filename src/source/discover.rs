//! Finding the notes of a journal (SPEC §1) and reading their bytes.
//!
//! This is the only stage of the pipeline that touches the journal folder.
//! It never writes, and it never follows a symlink out of the journal.

use crate::model::diagnostic::{Code, Diagnostic, Pos};
use crate::source::vault::Layout;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use walkdir::WalkDir;

/// Notes larger than this are refused unread: a daily note is a few KB, and
/// a bounded read keeps memory bounded whatever lands in the folder.
pub const MAX_NOTE_BYTES: u64 = 8 * 1024 * 1024;

/// A markdown file that is a note candidate.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    /// Path relative to the journal, `/`-separated: the note's identity.
    pub rel: String,
    pub path: PathBuf,
}

/// What discovery found: the candidate notes, in `rel` order, and problems
/// with entries it had to skip (dangling or escaping symlinks).
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Is this file or folder name excluded by §1 (hidden, private or an
/// editor's leftover)? Shared with the watcher, which must ignore the same
/// files.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('_') || is_hidden_or_leftover(name)
}

/// [`is_ignored_name`] but for the `_` of private folders (`_drafts/`),
/// which a vault's daily notes may be in (`_Daily/`): a watcher that does
/// not know the vault's layout must not miss them.
pub fn is_hidden_or_leftover(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#') && name.len() > 1)
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Is this file name a note candidate by itself (before its folders count)?
pub fn is_note_name(name: &str) -> bool {
    name.ends_with(".md") && name != "README.md" && !is_ignored_name(name)
}

/// Would a file at `rel` (journal-relative, `/`-separated) be a note by
/// §1? For paths that are not on disk (git's history). `output` is the
/// output folder relative to the journal, when it is inside it.
pub fn is_note_path(rel: &str, output: Option<&str>) -> bool {
    let mut parts: Vec<&str> = rel.split('/').collect();
    let Some(name) = parts.pop() else { return false };
    let output = output.map(|o| o.trim_end_matches('/')).filter(|o| !o.is_empty());
    if output.is_some_and(|o| rel.starts_with(&format!("{o}/"))) {
        return false;
    }
    is_note_name(name) && parts.first() != Some(&"templates") && !parts.iter().any(|p| is_ignored_name(p))
}

/// Walk `root` for notes. `output` is the output folder (excluded wherever
/// it is); `root/templates` is excluded too. In a vault, the way to its
/// daily notes and the notes themselves are walked whatever their names
/// (`_Daily/`: a vault's notes are where its settings put them, SPEC §11).
pub fn discover(root: &Path, output: &Path, vault: Option<&Layout>) -> Discovery {
    let mut found = Discovery::default();
    let templates = root.join("templates");
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let canonical_output = output.canonicalize().ok();
    // Not sorted as it walks (walkdir's sort looks each name up again on
    // every comparison, a third of the walk): the files are sorted by
    // their identity once found, and the walk's own problems by file.
    let walker = WalkDir::new(root).follow_links(false).into_iter();
    let walker = walker.filter_entry(|e| {
        if e.depth() == 0 {
            return true;
        }
        let name = e.file_name().to_string_lossy();
        if is_ignored_name(&name) && !vault.is_some_and(|v| v.admits(&relative(root, e.path()), e.file_type().is_dir()))
        {
            return false;
        }
        if e.file_type().is_dir() {
            let p = e.path();
            if p == templates || p == output {
                return false;
            }
            // Walked without following links, a folder below the root is
            // a real folder, so its canonical path is the root's with the
            // same names: no `canonicalize` (a `readlink` per component)
            // for each folder of a journal.
            if let (Some(out), Ok(below)) = (&canonical_output, p.strip_prefix(root)) {
                if canonical_root.join(below) == *out {
                    return false;
                }
            }
        }
        true
    });
    for entry in walker {
        // An unreadable folder or a vanished file: say so, the rest counts.
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                if let Some(path) = e.path() {
                    let message = match e.io_error() {
                        Some(io) => format!("cannot read this folder or file: {io}"),
                        None => format!("cannot read this folder or file: {e}"),
                    };
                    found.diagnostics.push(
                        Diagnostic::error(&relative(root, path), Pos::START, Code::Unreadable, message)
                            .with_hint("check its permissions; the notes in it are not counted"),
                    );
                }
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        // The journal itself may be a link (a team folder of links to
        // clones): walkdir follows the root, and its notes count.
        if entry.depth() > 0 && entry.path_is_symlink() && entry.path().is_dir() {
            // Not followed (it could loop or leave the journal): say so, or
            // the notes in it would be missing without a word.
            found.diagnostics.push(
                Diagnostic::warning(
                    &relative(root, entry.path()),
                    Pos::START,
                    Code::Unreadable,
                    "symlink to a folder: not followed, so the notes in it are not counted",
                )
                .with_hint("move the folder into the journal instead of linking it"),
            );
            continue;
        }
        if entry.file_type().is_dir() || !name.ends_with(".md") {
            continue;
        }
        let rel = relative(root, entry.path());
        if !is_note_name(&name) && !vault.is_some_and(|v| v.admits(&rel, false)) {
            continue;
        }
        if !entry.file_type().is_file() && !entry.path_is_symlink() {
            // A FIFO would block the read forever; a device could be endless.
            found.diagnostics.push(
                Diagnostic::warning(
                    &rel,
                    Pos::START,
                    Code::Unreadable,
                    "not a regular file (a pipe, socket or device); skipped",
                )
                .with_hint("rename it so it does not end in .md"),
            );
            continue;
        }
        if entry.path_is_symlink() {
            match entry.path().canonicalize() {
                Err(_) => {
                    // A link whose target is itself a link (that exists) never
                    // reaches a file: a loop, not a missing target.
                    let looped = std::fs::read_link(entry.path())
                        .map(|to| entry.path().parent().unwrap_or(root).join(to))
                        .is_ok_and(|to| std::fs::symlink_metadata(to).is_ok());
                    let (message, hint) = if looped {
                        ("symlink loop: following this link never reaches a file", "remove one of the links")
                    } else {
                        (
                            "dangling symlink: its target does not exist",
                            "remove the link or restore the file it points to",
                        )
                    };
                    found
                        .diagnostics
                        .push(Diagnostic::warning(&rel, Pos::START, Code::Unreadable, message).with_hint(hint));
                    continue;
                }
                Ok(target) if !target.starts_with(&canonical_root) => {
                    found.diagnostics.push(
                        Diagnostic::warning(
                            &rel,
                            Pos::START,
                            Code::Unreadable,
                            "symlink to a file outside the journal; skipped",
                        )
                        .with_hint("move the note into the journal folder"),
                    );
                    continue;
                }
                Ok(target) if !target.is_file() => {
                    found.diagnostics.push(
                        Diagnostic::warning(
                            &rel,
                            Pos::START,
                            Code::Unreadable,
                            "symlink to something that is not a file; skipped",
                        )
                        .with_hint("link to a markdown file, or rename the link so it does not end in .md"),
                    );
                    continue;
                }
                Ok(_) => {}
            }
        }
        found.files.push(SourceFile { rel, path: entry.path().to_path_buf() });
    }
    found.files.sort();
    found.diagnostics.sort_by(|a, b| a.file.cmp(&b.file));
    // Two names may still spell the same (`\xff` typed out, and the byte
    // itself): the note's identity would be shared, so the second is a
    // located error, never silently dropped.
    let mut kept: Vec<SourceFile> = Vec::with_capacity(found.files.len());
    for file in std::mem::take(&mut found.files) {
        if kept.last().is_some_and(|k| k.rel == file.rel) {
            found.diagnostics.push(
                Diagnostic::error(
                    &file.rel,
                    Pos::START,
                    Code::Unreadable,
                    "another file has the same name once the bytes of its name that are not UTF-8 are written \
                     out as \\x..; this one is not counted",
                )
                .with_hint("rename one of them, with a UTF-8 name"),
            );
            continue;
        }
        kept.push(file);
    }
    found.files = kept;
    found
}

/// A path below `root` as the note's identity: `/`-separated, with every
/// byte of a name that is not UTF-8 written as `\xNN`, so two names that
/// differ only in such bytes stay two notes (a lossy `�` would make them
/// one).
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    match rel.to_str() {
        // A walked path is the root joined with one name per folder: when
        // it is UTF-8 and `/`-separated, its text is already the identity
        // (one copy, not a string per component: the walk is serial).
        Some(text) if cfg!(unix) && is_plain(text) => text.to_string(),
        _ => joined_components(rel),
    }
}

/// `rel`'s components, each as [`name_text`], joined by `/`.
fn joined_components(rel: &Path) -> String {
    rel.components().map(|c| name_text(c.as_os_str())).collect::<Vec<_>>().join("/")
}

/// Is `text` a relative path whose components are exactly its
/// `/`-separated parts (none empty, none `.`)?
fn is_plain(text: &str) -> bool {
    !text.is_empty() && text.split('/').all(|part| !part.is_empty() && part != ".")
}

/// A file name as text, invalid UTF-8 escaped (see [`relative`]).
pub fn name_text(name: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in name.as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for byte in chunk.invalid() {
                out.push_str(&format!("\\x{byte:02x}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned()
    }
}

/// A journal file's text, to quote its lines in a diagnostic: read with
/// [`read_journal_file`]'s rules (a pipe or a device would hang the
/// command that only wanted to show a line), at most a note's size.
pub fn quotable(root: &Path, rel: &str) -> Option<String> {
    let bytes = read_journal_file(root, &root.join(rel), MAX_NOTE_BYTES).ok()??;
    Some(crate::text::lone_cr_as_lf(&String::from_utf8_lossy(&bytes)).into_owned())
}

/// Read a file of the journal that is not a note (its configuration, a
/// template) with the rules notes get: a regular file (never a pipe, which
/// would block, or a device, which may never end), inside the journal
/// (a symlink may not lead out of it), at most `limit` bytes. `Ok(None)`
/// when there is no such file; `Err` says why it was not read.
pub fn read_journal_file(root: &Path, path: &Path, limit: u64) -> Result<Option<Vec<u8>>, String> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read it: {e}")),
    };
    let meta = if meta.file_type().is_symlink() {
        let target = path.canonicalize().map_err(|_| "it is a dangling symlink (or a loop of them)".to_string())?;
        let journal = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        if !target.starts_with(&journal) {
            return Err(format!(
                "it is a symlink to {}, outside the journal; only files inside the journal are read",
                target.display()
            ));
        }
        std::fs::metadata(&target).map_err(|e| format!("cannot read it: {e}"))?
    } else {
        meta
    };
    if !meta.is_file() {
        return Err("it is not a regular file (a pipe, socket, device or folder)".into());
    }
    let too_large = |len: u64| {
        format!("it is {} MB; at most {} MB of it is read", len.div_ceil(1024 * 1024), limit.div_ceil(1024 * 1024))
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read it: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(Some(bytes))
}

/// A note file's text, ready to parse, and a problem if it was not clean.
pub enum Contents {
    /// UTF-8 text, or text decoded lossily (with an error saying where).
    Text(String, Option<Diagnostic>),
    /// Not a note at all (binary, too large, unreadable): the error says why.
    Refused(Diagnostic),
}

/// What a file looked like when it was read: a cheap change detector.
///
/// Beside the length and modification time, on unix, the file's identity
/// and status-change time (inode, ctime): a file replaced by another of the
/// same length and modification time (`cp -p`, a restore from a backup, a
/// symlink swapped in) or made unreadable (`chmod`) reads as changed,
/// which length and time alone miss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    pub modified: Option<SystemTime>,
    identity: (u64, u64, i64, i64),
}

impl Stamp {
    pub fn of(path: &Path) -> Option<Stamp> {
        std::fs::metadata(path).ok().map(|m| Stamp::from(&m))
    }
}

/// The stamps of `files` as [`Stamp::of`] takes them (following a symlink),
/// in order. Each file is stat'ed by its name within its folder, and each
/// folder is opened once (discovery sorts the files, so a folder's notes
/// come together): a rescan of a long journal looks up one name per note,
/// not each note's whole path from the root again.
pub fn stamps(files: &[SourceFile]) -> Vec<Option<Stamp>> {
    #[cfg(unix)]
    {
        use rustix::fs::{AtFlags, Mode, OFlags};
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let mut folder: Option<(&[u8], Option<std::os::fd::OwnedFd>)> = None;
        files
            .iter()
            .map(|file| {
                // Split at the last `/` as bytes: `Path::parent` and a
                // `Path` comparison parse every component, per note.
                let bytes = file.path.as_os_str().as_bytes();
                let (parent, name) = match bytes.iter().rposition(|&b| b == b'/') {
                    Some(cut) => (&bytes[..cut.max(1)], &bytes[cut + 1..]),
                    None => (&b"."[..], bytes),
                };
                if name.is_empty() || name == b"." || name == b".." {
                    return Stamp::of(&file.path);
                }
                if folder.as_ref().is_none_or(|(open, _)| *open != parent) {
                    // On Linux `O_PATH`, which no watch is told of: a watch
                    // session's own rescan opened each of a 100-year
                    // journal's 1,300 folders read-only, and the watcher
                    // queued an event per open ahead of the next save's.
                    // Elsewhere read-only (the walk read the folder already).
                    #[cfg(any(target_os = "linux", target_os = "android"))]
                    let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
                    #[cfg(not(any(target_os = "linux", target_os = "android")))]
                    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
                    folder = Some((parent, rustix::fs::open(OsStr::from_bytes(parent), flags, Mode::empty()).ok()));
                }
                match folder.as_ref().and_then(|(_, fd)| fd.as_ref()) {
                    Some(fd) => rustix::fs::statat(fd, OsStr::from_bytes(name), AtFlags::empty())
                        .ok()
                        .map(|st| Stamp::from(&st)),
                    None => Stamp::of(&file.path),
                }
            })
            .collect()
    }
    #[cfg(not(unix))]
    {
        files.iter().map(|file| Stamp::of(&file.path)).collect()
    }
}

/// The same stamp as [`Stamp::from`] a [`std::fs::Metadata`] of the file
/// gives (the unit test `stamps_by_folder_are_the_paths_stamps` holds them
/// equal).
#[cfg(unix)]
impl From<&rustix::fs::Stat> for Stamp {
    // The fields' integer types differ by platform (`i64` here, `c_long`
    // there): the casts are what std's `MetadataExt` does.
    #[allow(clippy::unnecessary_cast)]
    fn from(st: &rustix::fs::Stat) -> Stamp {
        let (secs, nanos) = (st.st_mtime as i64, st.st_mtime_nsec as u32);
        let epoch = SystemTime::UNIX_EPOCH;
        let modified = if secs >= 0 {
            epoch.checked_add(std::time::Duration::new(secs as u64, nanos))
        } else {
            epoch
                .checked_sub(std::time::Duration::from_secs(secs.unsigned_abs()))
                .and_then(|t| t.checked_add(std::time::Duration::from_nanos(u64::from(nanos))))
        };
        Stamp {
            len: st.st_size as u64,
            modified,
            identity: (st.st_dev as u64, st.st_ino as u64, st.st_ctime as i64, st.st_ctime_nsec as i64),
        }
    }
}

impl From<&std::fs::Metadata> for Stamp {
    fn from(m: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let identity = {
            use std::os::unix::fs::MetadataExt;
            (m.dev(), m.ino(), m.ctime(), m.ctime_nsec())
        };
        #[cfg(not(unix))]
        let identity = (0, 0, 0, 0);
        Stamp { len: m.len(), modified: m.modified().ok(), identity }
    }
}

/// Read one candidate with the limits of this module, and the stamp of what
/// was read. An editor may still be writing it: if the open file's stamp
/// changes while it is read, it is read again (a few times at most), so a
/// half-written file is not what gets parsed. The stamps come from the open
/// handle, not the path: no second path lookup per note, and a file renamed
/// over mid-read is read whole (its old version; the path's new stamp
/// differs, so the next refresh reads the new one).
pub fn read(file: &SourceFile) -> (Contents, Option<Stamp>) {
    let mut attempt = read_once(file);
    for _ in 0..3 {
        match attempt {
            Attempt::Stable(contents, stamp) => return (contents, stamp),
            Attempt::Changed(..) => attempt = read_once(file),
        }
    }
    match attempt {
        Attempt::Stable(contents, stamp) | Attempt::Changed(contents, stamp) => (contents, stamp),
    }
}

/// One read, and whether the file held still while it was read.
enum Attempt {
    Stable(Contents, Option<Stamp>),
    Changed(Contents, Option<Stamp>),
}

fn read_once(file: &SourceFile) -> Attempt {
    let refuse = |code, message: String, hint: &str| {
        Contents::Refused(Diagnostic::error(&file.rel, Pos::START, code, message).with_hint(hint))
    };
    let too_large = |len: u64| {
        refuse(
            Code::FileTooLarge,
            format!(
                "note is {} MB; notes larger than {} MB are not read",
                len.div_ceil(1024 * 1024),
                MAX_NOTE_BYTES / (1024 * 1024)
            ),
            "split it into smaller notes, or move it out of the journal",
        )
    };
    let unreadable = |e: std::io::Error| {
        refuse(Code::Unreadable, format!("cannot read the note: {e}"), "check the file's permissions")
    };
    let mut handle = match std::fs::File::open(&file.path) {
        Ok(f) => f,
        Err(e) => return Attempt::Stable(unreadable(e), None),
    };
    let stamp = |handle: &std::fs::File| handle.metadata().ok().map(|m| Stamp::from(&m));
    let before = stamp(&handle);
    if let Some(len) = before.map(|s| s.len).filter(|&len| len > MAX_NOTE_BYTES) {
        return Attempt::Stable(too_large(len), before);
    }
    // Read at most one byte past the limit, whatever the size said: the file
    // may be growing while it is read.
    let mut bytes = Vec::with_capacity(before.map_or(0, |s| s.len as usize + 1));
    if let Err(e) = (&mut handle).take(MAX_NOTE_BYTES + 1).read_to_end(&mut bytes) {
        return Attempt::Stable(unreadable(e), before);
    }
    let after = stamp(&handle);
    let contents =
        if bytes.len() as u64 > MAX_NOTE_BYTES { too_large(bytes.len() as u64) } else { decode(&file.rel, bytes) };
    if after == before {
        Attempt::Stable(contents, after)
    } else {
        Attempt::Changed(contents, after)
    }
}

/// Bytes to text: refuse binary files, decode bad UTF-8 lossily with an
/// error at the first bad byte so the rest of the note still counts.
pub fn decode(rel: &str, bytes: Vec<u8>) -> Contents {
    if memchr::memchr(0, &bytes).is_some() {
        return Contents::Refused(
            Diagnostic::error(rel, Pos::START, Code::BinaryFile, "this is a binary file, not a markdown note")
                .with_hint("rename it so it does not end in .md, or move it out of the journal"),
        );
    }
    match String::from_utf8(bytes) {
        Ok(s) => Contents::Text(s, None),
        Err(e) => {
            let bytes = e.into_bytes();
            let valid_up_to = std::str::from_utf8(&bytes).map_err(|e| e.valid_up_to()).err().unwrap_or(0);
            let before = String::from_utf8_lossy(&bytes[..valid_up_to]);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let d = Diagnostic::error(rel, Pos::new(line, column), Code::NotUtf8, "the note is not valid UTF-8 here")
                .with_hint("save the file as UTF-8 in your editor; invalid bytes were read as �");
            Contents::Text(String::from_utf8_lossy(&bytes).into_owned(), Some(d))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_and_private_files_are_ignored() {
        for name in [".hidden.md", "_draft.md", "note.md~", "#note.md#", ".#note.md", "note.md.swp", "4913", "x.tmp"] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_note_name("README.md"));
        assert!(!is_note_name("note.MD"));
        assert!(is_note_name("2026-11-27.md"));
    }

    #[cfg(unix)]
    #[test]
    fn names_keep_their_invalid_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let name = |b: &[u8]| name_text(std::ffi::OsStr::from_bytes(b));
        assert_eq!(name(b"2026-11-25-\xff.md"), "2026-11-25-\\xff.md");
        assert_ne!(name(b"a\xfe.md"), name(b"a\xff.md"));
        assert_eq!(name("café.md".as_bytes()), "café.md");
    }

    /// The fast path of `relative` gives what the walk over components
    /// gives, for every path it takes.
    #[test]
    fn relative_paths_are_the_components_joined() {
        let root = Path::new("/j");
        let slow = |p: &Path| joined_components(p.strip_prefix(root).unwrap_or(p));
        for p in
            ["/j/2026/11/2026-11-25.md", "/j/a.md", "/j/x/./y.md", "/j/x//y.md", "/j/x/../y.md", "/j/ü/é.md", "/k/a.md"]
        {
            assert_eq!(relative(root, Path::new(p)), slow(Path::new(p)), "{p}");
        }
        assert!(is_plain("2026/11/a.md") && !is_plain("a/./b.md") && !is_plain("a//b.md") && !is_plain(""));
    }

    /// The output folder is left out however its path is spelled: through
    /// a symlink, or with `.` in it.
    #[cfg(unix)]
    #[test]
    fn the_output_folder_is_left_out_by_any_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("journal");
        std::fs::create_dir_all(root.join("site/notes")).unwrap();
        std::fs::write(root.join("a.md"), "x").unwrap();
        std::fs::write(root.join("site/notes/b.md"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("site"), dir.path().join("out")).unwrap();
        for output in [dir.path().join("out"), root.join("./site"), root.join("site")] {
            let found = discover(&root, &output, None);
            let rels: Vec<_> = found.files.iter().map(|f| f.rel.as_str()).collect();
            assert_eq!(rels, ["a.md"], "{}", output.display());
        }
        let rels: Vec<_> =
            discover(&root, &dir.path().join("elsewhere"), None).files.into_iter().map(|f| f.rel).collect();
        assert_eq!(rels, ["a.md", "site/notes/b.md"]);
    }

    /// A journal given as a link to its folder (a team folder of links to
    /// clones) is read through it, without a "not followed" warning; a
    /// linked folder inside it still gets one.
    #[cfg(unix)]
    #[test]
    fn a_linked_journal_is_read_and_only_links_inside_it_are_warned_about() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("clones/sam");
        std::fs::create_dir_all(&real).unwrap();
        std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
        std::fs::write(real.join("2026-11-27.md"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), real.join("linked")).unwrap();
        let link = dir.path().join("sam");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let found = discover(&link, &link.join("_site"), None);
        let rels: Vec<_> = found.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["2026-11-27.md"]);
        let warned: Vec<_> = found.diagnostics.iter().map(|d| d.file.as_str()).collect();
        assert_eq!(warned, ["linked"]);
    }

    /// The stamps taken by name within each folder are those of the paths:
    /// a note, a note in a folder, one through a symlink, a vanished one.
    #[cfg(unix)]
    #[test]
    fn stamps_by_folder_are_the_paths_stamps() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("2026/11")).unwrap();
        std::fs::create_dir_all(root.join("2026/12")).unwrap();
        std::fs::write(root.join("a.md"), "x").unwrap();
        std::fs::write(root.join("2026/11/2026-11-27.md"), "---\nmood: 4\n---\n").unwrap();
        std::fs::write(root.join("2026/12/2026-12-01.md"), "y").unwrap();
        std::os::unix::fs::symlink(root.join("a.md"), root.join("2026/12/2026-12-02.md")).unwrap();
        let mut files = discover(root, &root.join("_site"), None).files;
        files.push(SourceFile { rel: "2026/12/gone.md".into(), path: root.join("2026/12/gone.md") });
        files.push(SourceFile { rel: "9/gone.md".into(), path: root.join("9/gone.md") });
        assert_eq!(files.len(), 6);
        // Relative paths too (a journal given as `.` or `j`), and a note
        // of the current folder.
        let here = std::env::current_dir().unwrap();
        let up: PathBuf = here.components().skip(1).map(|_| "..").collect();
        let rel_root = up.join(root.strip_prefix("/").unwrap());
        let relative: Vec<SourceFile> =
            files.iter().map(|f| SourceFile { rel: f.rel.clone(), path: rel_root.join(&f.rel) }).collect();
        assert_eq!(stamps(&relative), files.iter().map(|f| Stamp::of(&f.path)).collect::<Vec<_>>());
        let cargo = SourceFile { rel: "Cargo.toml".into(), path: PathBuf::from("Cargo.toml") };
        assert_eq!(stamps(std::slice::from_ref(&cargo)), [Stamp::of(&cargo.path)]);
        let want: Vec<_> = files.iter().map(|f| Stamp::of(&f.path)).collect();
        assert_eq!(stamps(&files), want);
        assert!(want[..4].iter().all(Option::is_some) && want[4..].iter().all(Option::is_none));
        // The symlink's stamp is its target's, as `Stamp::of` follows it.
        assert_eq!(want[2], Stamp::of(&root.join("a.md")));
        // A stamp read from an open handle (how a note's first read takes
        // it) is the same again.
        let handle = std::fs::File::open(&files[0].path).unwrap().metadata().unwrap();
        assert_eq!(stamps(&files[..1])[0], Some(Stamp::from(&handle)));
    }

    /// The stamp a read gives is the path's, so the next refresh sees the
    /// file unchanged (and a later write as changed).
    #[test]
    fn a_read_stamps_what_it_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2026-11-27.md");
        std::fs::write(&path, "---\nmood: 4\n---\n").unwrap();
        let file = SourceFile { rel: "2026-11-27.md".into(), path: path.clone() };
        let (Contents::Text(text, None), stamp) = read(&file) else { panic!() };
        assert_eq!(text, "---\nmood: 4\n---\n");
        assert_eq!(stamp, Stamp::of(&path));
        std::fs::write(&path, "---\nmood: 5\nenergy: 3\n---\n").unwrap();
        assert_ne!(stamp, Stamp::of(&path));
        let missing = SourceFile { rel: "gone.md".into(), path: dir.path().join("gone.md") };
        assert!(matches!(read(&missing), (Contents::Refused(_), None)));
    }

    #[test]
    fn bad_utf8_is_located_and_decoded() {
        let Contents::Text(text, Some(d)) = decode("n.md", b"---\nmood: 4\nx: \xff\n".to_vec()) else { panic!() };
        assert_eq!((d.line, d.column), (3, 4));
        assert!(text.contains('\u{fffd}'));
        assert!(matches!(decode("n.md", b"\x00\x01".to_vec()), Contents::Refused(_)));
    }
}
