//! Finding the notes of a journal (SPEC §1) and reading their bytes.
//!
//! This is the only stage of the pipeline that touches the journal folder.
//! It never writes, and it never follows a symlink out of the journal.

use crate::model::diagnostic::{Code, Diagnostic, Pos};
use std::io::Read;
use std::path::{Path, PathBuf};
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
    name.starts_with('.')
        || name.starts_with('_')
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
/// it is); `root/templates` is excluded too.
pub fn discover(root: &Path, output: &Path) -> Discovery {
    let mut found = Discovery::default();
    let templates = root.join("templates");
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let canonical_output = output.canonicalize().ok();
    let walker = WalkDir::new(root).follow_links(false).sort_by_file_name().into_iter();
    let walker = walker.filter_entry(|e| {
        if e.depth() == 0 {
            return true;
        }
        let name = e.file_name().to_string_lossy();
        if is_ignored_name(&name) {
            return false;
        }
        if e.file_type().is_dir() {
            let p = e.path();
            if p == templates || p == output {
                return false;
            }
            if let (Some(out), Ok(c)) = (&canonical_output, p.canonicalize()) {
                if &c == out {
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
        if entry.path_is_symlink() && entry.path().is_dir() {
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
        if entry.file_type().is_dir() || !is_note_name(&name) {
            continue;
        }
        let rel = relative(root, entry.path());
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
    found
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// A note file's text, ready to parse, and a problem if it was not clean.
pub enum Contents {
    /// UTF-8 text, or text decoded lossily (with an error saying where).
    Text(String, Option<Diagnostic>),
    /// Not a note at all (binary, too large, unreadable): the error says why.
    Refused(Diagnostic),
}

/// Read one candidate with the limits of this module.
pub fn read(file: &SourceFile) -> Contents {
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
    let file_handle = match std::fs::File::open(&file.path) {
        Ok(f) => f,
        Err(e) => return unreadable(e),
    };
    if let Ok(m) = file_handle.metadata() {
        if m.len() > MAX_NOTE_BYTES {
            return too_large(m.len());
        }
    }
    // Read at most one byte past the limit, whatever the size said: the file
    // may be growing while it is read.
    let mut bytes = Vec::new();
    if let Err(e) = file_handle.take(MAX_NOTE_BYTES + 1).read_to_end(&mut bytes) {
        return unreadable(e);
    }
    if bytes.len() as u64 > MAX_NOTE_BYTES {
        return too_large(bytes.len() as u64);
    }
    decode(&file.rel, bytes)
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

    #[test]
    fn bad_utf8_is_located_and_decoded() {
        let Contents::Text(text, Some(d)) = decode("n.md", b"---\nmood: 4\nx: \xff\n".to_vec()) else { panic!() };
        assert_eq!((d.line, d.column), (3, 4));
        assert!(text.contains('\u{fffd}'));
        assert!(matches!(decode("n.md", b"\x00\x01".to_vec()), Contents::Refused(_)));
    }
}
