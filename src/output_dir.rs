//! The output folder: the only place saleslog writes, guarded so that a
//! mistyped `-o` can never cost a user their notes.
//!
//! Rules, checked before anything is written:
//! - the folder may not be a symlink, the journal folder itself, a folder
//!   that contains the journal, a folder holding a `.git`, or a folder
//!   holding notes (`*.md` files);
//! - an existing, non-empty folder must carry the marker file
//!   [`MARKER`], which saleslog writes there: a folder it did not make is
//!   never written into.
//!
//! The marker lists every file saleslog wrote. A build writes each file
//! atomically (a temporary file in the same folder, then a rename, so a
//! reader never sees half a page), skips files whose bytes are unchanged,
//! and removes only files the marker lists that the new build no longer
//! produces. Anything else in the folder is left alone. The marker is
//! rewritten before the pages (with old and new files, so a crash leaves
//! nothing unaccounted for) and after (with exactly the new files).
//!
//! An [`OutputDir`] lives as long as a `watch` session and remembers a
//! hash of every file it wrote, so a rebuild compares in memory and
//! touches only the pages that changed.

use crate::discover::is_note_name;
use crate::error::{Error, Result};
use crate::render::Page;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// The marker file saleslog keeps in its output folder.
pub const MARKER: &str = ".saleslog-output";

const MARKER_HEADER: &str = "# saleslog output folder: the files below were written by `saleslog build` and\n# may be replaced or removed by it. Anything else here is left alone.\n";

/// What one write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// A checked output folder.
#[derive(Debug)]
pub struct OutputDir {
    root: PathBuf,
    /// Files this folder's marker lists (relative, `/`-separated).
    owned: BTreeSet<String>,
    /// Hash and length of each file as last written or read by this value.
    known: HashMap<String, (u64, usize)>,
}

fn refuse(dir: &Path, why: &str) -> Error {
    Error::Usage(format!(
        "refusing to write the reports into {}: {why}; choose another folder with -o (the default is _site inside the journal)",
        dir.display()
    ))
}

/// The absolute, symlink-free form of a path that may not exist yet: the
/// deepest existing ancestor canonicalised, the rest appended.
fn resolve(path: &Path) -> Result<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_err(|e| Error::io(".", e))?.join(path)
    };
    let mut rest = Vec::new();
    let mut cursor = absolute.as_path();
    loop {
        match cursor.canonicalize() {
            Ok(base) => {
                let mut out = base;
                for part in rest.iter().rev() {
                    out.push(part);
                }
                return Ok(normalise(&out));
            }
            Err(_) => match (cursor.file_name(), cursor.parent()) {
                (Some(name), Some(parent)) => {
                    rest.push(name.to_os_string());
                    cursor = parent;
                }
                _ => return Ok(normalise(&absolute)),
            },
        }
    }
}

/// Remove `.` and resolve `..` lexically (only used on the part of a path
/// that does not exist, where there is no symlink to follow).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Is a marker line a plain relative path that stays inside the folder?
fn safe_relative(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains('\\')
        && !rel.contains('\0')
        && rel.split('/').all(|p| !p.is_empty() && p != "." && p != "..")
        && rel != MARKER
}

fn hash(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

impl OutputDir {
    /// Check `dir` as the output folder of the journal at `journal`.
    pub fn open(dir: &Path, journal: &Path) -> Result<OutputDir> {
        if let Ok(meta) = std::fs::symlink_metadata(dir) {
            if meta.file_type().is_symlink() {
                return Err(refuse(dir, "it is a symlink"));
            }
            if !meta.is_dir() {
                return Err(refuse(dir, "it is a file, not a folder"));
            }
        }
        let out = resolve(dir)?;
        let root = resolve(journal)?;
        if out == root {
            return Err(refuse(dir, "it is the journal folder itself"));
        }
        if root.starts_with(&out) {
            return Err(refuse(dir, "it contains the journal"));
        }
        let mut owned = BTreeSet::new();
        if out.is_dir() {
            if out.join(".git").exists() {
                return Err(refuse(dir, "it holds a .git repository"));
            }
            if let Some(note) = find_note(&out) {
                return Err(refuse(dir, &format!("it holds notes (such as {})", note.display())));
            }
            let marker = out.join(MARKER);
            match std::fs::read_to_string(&marker) {
                Ok(text) => {
                    owned = text
                        .lines()
                        .map(str::trim_end)
                        .filter(|l| !l.starts_with('#') && safe_relative(l))
                        .map(str::to_string)
                        .collect();
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let empty = std::fs::read_dir(&out).map_err(|e| Error::io(&out, e))?.next().is_none();
                    if !empty {
                        return Err(refuse(
                            dir,
                            &format!("it is not empty and was not made by saleslog (it has no {MARKER} file)"),
                        ));
                    }
                }
                Err(e) => return Err(Error::io(&marker, e)),
            }
        }
        Ok(OutputDir { root: out, owned, known: HashMap::new() })
    }

    /// The folder, resolved.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Make the folder hold exactly `pages` among the files saleslog owns:
    /// write new and changed pages, remove pages no longer produced.
    pub fn write(&mut self, pages: &[Page]) -> Result<WriteReport> {
        for p in pages {
            if !safe_relative(&p.path) {
                return Err(Error::Usage(format!("internal error: unsafe page path {:?}", p.path)));
            }
        }
        std::fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        // Every folder a page goes into must be a real folder inside the
        // output, never a symlink leading out of it.
        let mut folders: BTreeSet<&str> = BTreeSet::new();
        for p in pages {
            let mut at = 0;
            while let Some(i) = p.path[at..].find('/') {
                folders.insert(&p.path[..at + i]);
                at += i + 1;
            }
        }
        for folder in &folders {
            let path = self.root.join(folder);
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_symlink() || !m.is_dir() => {
                    return Err(refuse(&path, "a page's folder there is a symlink or a file"));
                }
                Ok(_) => {}
                Err(_) => std::fs::create_dir(&path).map_err(|e| Error::io(&path, e))?,
            }
        }

        let new: BTreeSet<String> = pages.iter().map(|p| p.path.clone()).collect();
        let stale: Vec<String> = self.owned.difference(&new).cloned().collect();
        if !stale.is_empty() || !new.is_subset(&self.owned) {
            let union: BTreeSet<String> = self.owned.union(&new).cloned().collect();
            self.write_marker(&union)?;
        }

        let outcomes: Vec<(usize, Option<(u64, usize)>)> = pages
            .par_iter()
            .enumerate()
            .map(|(i, page)| self.write_page(page).map(|o| (i, o)))
            .collect::<Result<_>>()?;
        let mut report = WriteReport::default();
        for (i, outcome) in outcomes {
            let page = &pages[i];
            let h = (hash(&page.bytes), page.bytes.len());
            match outcome {
                Some(_) => report.written += 1,
                None => report.unchanged += 1,
            }
            self.known.insert(page.path.clone(), h);
        }

        for rel in &stale {
            let path = self.root.join(rel);
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_file() || m.file_type().is_symlink() => {
                    std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                    report.removed += 1;
                    self.known.remove(rel);
                    self.remove_empty_parents(rel);
                }
                _ => {}
            }
        }
        if self.owned != new || !self.root.join(MARKER).exists() {
            self.write_marker(&new)?;
        }
        self.owned = new;
        Ok(report)
    }

    /// Write one page unless the file already holds its bytes. Returns the
    /// new hash when it wrote.
    fn write_page(&self, page: &Page) -> Result<Option<(u64, usize)>> {
        let path = self.root.join(&page.path);
        let h = (hash(&page.bytes), page.bytes.len());
        let meta = std::fs::symlink_metadata(&path).ok();
        let same = match &meta {
            Some(m) if m.is_file() && m.len() as usize == page.bytes.len() => {
                if self.known.get(&page.path) == Some(&h) {
                    true
                } else {
                    std::fs::read(&path).is_ok_and(|old| old == page.bytes)
                }
            }
            _ => false,
        };
        if same {
            return Ok(None);
        }
        atomic_write(&path, &page.bytes)?;
        Ok(Some(h))
    }

    fn write_marker(&self, files: &BTreeSet<String>) -> Result<()> {
        let mut text = String::from(MARKER_HEADER);
        for f in files {
            text.push_str(f);
            text.push('\n');
        }
        atomic_write(&self.root.join(MARKER), text.as_bytes())
    }

    /// Remove the folders of a removed file that are now empty, up to the
    /// output folder (never beyond it).
    fn remove_empty_parents(&self, rel: &str) {
        let mut parts: Vec<&str> = rel.split('/').collect();
        parts.pop();
        while !parts.is_empty() {
            let dir = self.root.join(parts.join("/"));
            if std::fs::remove_dir(&dir).is_err() {
                break; // not empty (or not ours to judge): stop
            }
            parts.pop();
        }
    }
}

/// The first note-like file below `dir`, if any (the output folder never
/// holds one, so finding one means `-o` points at the wrong place).
fn find_note(dir: &Path) -> Option<PathBuf> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(|e| e.ok())
        .find(|e| e.file_type().is_file() && e.file_name().to_str().is_some_and(is_note_name))
        .map(|e| e.path().to_path_buf())
}

/// Write `bytes` to `path` through a temporary file in the same folder and
/// a rename, with the permissions of an ordinary file (0644).
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp =
        tempfile::Builder::new().prefix(".saleslog-").suffix(".tmp").tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(tmp.path(), e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io(tmp.path(), e))?;
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, text: &str) -> Page {
        Page { path: path.into(), bytes: text.as_bytes().to_vec() }
    }

    #[test]
    fn marker_lines_must_stay_inside() {
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", MARKER, "a\\b"] {
            assert!(!safe_relative(bad), "{bad}");
        }
        assert!(safe_relative("notes/2026/a.html"));
    }

    #[test]
    fn writes_skips_and_removes_only_its_own_files() {
        let tmp = tempfile::tempdir().unwrap();
        let journal = tmp.path().join("journal");
        std::fs::create_dir(&journal).unwrap();
        let out = journal.join("_site");
        let mut dir = OutputDir::open(&out, &journal).unwrap();
        let r = dir.write(&[page("index.html", "a"), page("deals/x.html", "b")]).unwrap();
        assert_eq!(r, WriteReport { written: 2, unchanged: 0, removed: 0 });
        std::fs::write(out.join("mine.txt"), "user file").unwrap();
        // A fresh value (as a new `build` run) reads the marker back.
        let mut dir = OutputDir::open(&out, &journal).unwrap();
        let r = dir.write(&[page("index.html", "a2")]).unwrap();
        assert_eq!(r, WriteReport { written: 1, unchanged: 0, removed: 1 });
        assert!(!out.join("deals").exists(), "empty folder removed");
        assert_eq!(std::fs::read_to_string(out.join("mine.txt")).unwrap(), "user file");
        let r = dir.write(&[page("index.html", "a2")]).unwrap();
        assert_eq!(r, WriteReport { written: 0, unchanged: 1, removed: 0 });
        let marker = std::fs::read_to_string(out.join(MARKER)).unwrap();
        assert!(marker.ends_with("\nindex.html\n"), "{marker}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(out.join("index.html")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
    }

    #[test]
    fn a_tampered_marker_cannot_delete_outside() {
        let tmp = tempfile::tempdir().unwrap();
        let journal = tmp.path().join("journal");
        std::fs::create_dir(&journal).unwrap();
        std::fs::write(tmp.path().join("precious.txt"), "keep").unwrap();
        let out = tmp.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join(MARKER), "../precious.txt\n/etc/hosts\nold.html\n").unwrap();
        std::fs::write(out.join("old.html"), "x").unwrap();
        let mut dir = OutputDir::open(&out, &journal).unwrap();
        let r = dir.write(&[page("index.html", "a")]).unwrap();
        assert_eq!(r.removed, 1);
        assert!(tmp.path().join("precious.txt").exists());
    }

    #[test]
    fn unsafe_folders_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let journal = tmp.path().join("journal");
        std::fs::create_dir_all(journal.join("2026")).unwrap();
        std::fs::write(journal.join("2026/2026-11-27.md"), "---\nmood: 3\n---\n").unwrap();
        let refused = |dir: &Path| match OutputDir::open(dir, &journal) {
            Err(Error::Usage(m)) => m,
            other => panic!("{other:?}"),
        };
        assert!(refused(&journal).contains("the journal folder itself"));
        assert!(refused(tmp.path()).contains("contains the journal"));
        assert!(refused(&journal.join("2026")).contains("holds notes"));
        assert!(refused(&journal.join("2026/./../2026")).contains("holds notes"));
        let repo = tmp.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        assert!(refused(&repo).contains(".git"));
        let full = tmp.path().join("full");
        std::fs::create_dir(&full).unwrap();
        std::fs::write(full.join("x.html"), "").unwrap();
        assert!(refused(&full).contains("not made by saleslog"));
        #[cfg(unix)]
        {
            let link = tmp.path().join("link");
            std::os::unix::fs::symlink(tmp.path().join("elsewhere"), &link).unwrap();
            assert!(refused(&link).contains("symlink"));
        }
        // A new folder, or an empty one, is fine.
        OutputDir::open(&tmp.path().join("new/deeper"), &journal).unwrap();
    }
}
