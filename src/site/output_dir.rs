//! The output folder: the only place saleslog writes, guarded so that a
//! mistyped `-o` can never cost a user their notes.
//!
//! Rules, checked before anything is written:
//! - the folder may not be a symlink, the journal folder itself, a folder
//!   that contains the journal, the journal's `templates/` (or a folder in
//!   it), a folder holding a `.git`, or a folder holding notes (`*.md`);
//! - an existing, non-empty folder must carry the marker file
//!   [`MARKER`], which saleslog writes there: a folder it did not make is
//!   never written into; the marker must be a plain text file of a
//!   bounded size ([`read_marker`]), never a link, a pipe or a device.
//!
//! - the folder may not be, nor be inside, a folder named like a
//!   version-control or editor folder ([`METADATA_FOLDERS`]).
//!
//! A folder holding only empty folders and saleslog's temporary files
//! counts as empty: that is what a build killed before its marker was in
//! place leaves.
//!
//! The marker lists every file saleslog wrote. A build writes each file
//! atomically (a temporary file in the same folder, then a rename, so a
//! reader never sees half a page) — except the first build into an empty
//! folder, which has no reader and no previous output to keep, and creates
//! each page at its path, never over an existing file ([`Fresh`]) — skips
//! files whose bytes are unchanged,
//! and removes only files the marker lists that the new build no longer
//! produces, and only when they still hold the bytes saleslog wrote,
//! reached without following a symlink. It never writes a page over a
//! file the marker does not list: that is refused, naming the file.
//! Anything else in the folder is left alone. The marker is written before
//! anything else (with old and new files, so the folder is saleslog's from
//! its first byte and a crash leaves nothing unaccounted for) and after
//! (with exactly the new files). Every write checks the folder again
//! ([`OutputDir::recheck`]): a watch session lives for hours.
//!
//! On unix, what is written, renamed or removed is reached through folder
//! descriptors ([`beneath`]), never by path again after a check: a page
//! folder swapped for a symlink between the check and the write (a
//! `renameat2` exchange loop) cannot send a page, nor a removal, outside.
//!
//! The marker also records each file's length and a hash of its bytes, so
//! a build decides "unchanged" from a `stat` instead of reading every page
//! back (a file modified since the marker was written is read and
//! compared). An [`OutputDir`] lives as long as a `watch` session and keeps
//! those hashes in memory between rebuilds; a save that changes a few pages
//! appends their lines to the marker (the last line for a path counts)
//! rather than writing thousands of lines again.

use crate::error::{Error, Result};
use crate::render::Page;
#[cfg(unix)]
use crate::site::beneath;
use crate::source::discover::is_note_name;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

/// The marker file saleslog keeps in its output folder.
pub const MARKER: &str = ".saleslog-output";

const MARKER_HEADER: &str = "# saleslog output folder: the files below were written by `saleslog build` and\n# may be replaced or removed by it. Anything else here is left alone.\n# hash length path\n";

/// What one write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Folders of version control and editors, never an output folder nor
/// inside one.
pub const METADATA_FOLDERS: &[&str] = &[".git", ".hg", ".svn", ".obsidian", ".vscode"];

/// A checked output folder.
#[derive(Debug)]
pub struct OutputDir {
    root: PathBuf,
    /// The folder as given, and the journal: every write checks them again
    /// ([`OutputDir::recheck`]), so a folder swapped for a symlink while a
    /// watch session runs is refused like it is at the start.
    given: PathBuf,
    journal: PathBuf,
    /// Files this folder's marker lists (relative, `/`-separated), with
    /// the hash and length of their bytes when known.
    owned: BTreeMap<String, Option<Fingerprint>>,
    /// When the marker was last written: a file modified later was touched
    /// by someone else, and its recorded hash is not trusted.
    marker_time: Option<SystemTime>,
    /// Whether the last [`OutputDir::write`] of this process completed, so
    /// every file `owned` records was written or checked by it. A watch
    /// session then skips even the `stat` of a page whose hash is the one
    /// recorded (thousands of them after one save): one `stat` of the
    /// marker stands for them (an emptied folder, or another build into it,
    /// changes the marker). A page someone edits by hand is mended when it
    /// next changes, or by the next `build`.
    trusted: bool,
    /// Lines appended to the marker since it was last written whole
    /// ([`OutputDir::append_to_marker`]).
    appended: usize,
    /// Set by [`OutputDir::begin`] when the folder holds nothing of
    /// anyone's (no marker: absent, or only empty folders and temporary
    /// files), until the commit: a first build writes each page straight
    /// to its path ([`Fresh`]).
    fresh: Option<Fresh>,
}

/// A first build into an empty folder. There is no previous output to
/// keep whole and nobody else's file to protect but one that appears
/// meanwhile, so each page is created at its own path (never over an
/// existing file: `O_EXCL`) instead of in a temporary file renamed into
/// place at the commit, which on ext4 is twice the directory updates of
/// one create (and all of them in the one folder of the temporary files).
/// Each page's marker line is appended before its file is created, so a
/// build killed midway leaves a folder whose every file its marker lists;
/// a page cut short there has the wrong length and is written again by the
/// next build. A render that fails midway leaves the pages written so far,
/// listed: the next build mends them like any other output.
#[derive(Debug)]
struct Fresh {
    /// The marker, open for appending.
    marker: std::sync::Mutex<std::fs::File>,
    /// The output folder and the page folders opened or made so far: each
    /// page is created relative to its folder's descriptor, so a folder
    /// swapped for a symlink after it was checked cannot redirect it.
    #[cfg(unix)]
    tree: beneath::Root,
    /// The folders (relative) already checked or made.
    #[cfg(not(unix))]
    folders: std::sync::Mutex<std::collections::HashSet<String>>,
    /// Whether a new file's permissions must be set (the umask takes some
    /// of 0644's bits away).
    chmod: bool,
}

/// A file's length and a hash of its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    pub(crate) hash: u64,
    pub(crate) len: u64,
}

impl Fingerprint {
    fn of(page: &Page) -> Fingerprint {
        Fingerprint { hash: page.hash, len: page.len }
    }
}

/// `put` each staged page new to the marker, in parallel, then, only if all
/// of them went in, each one that replaces a listed page: what each gave,
/// by its index among the staged pages.
fn new_then_replacing(
    new: Vec<(usize, tempfile::TempPath)>,
    replacing: Vec<(usize, tempfile::TempPath)>,
    put: impl Fn((usize, tempfile::TempPath)) -> (usize, Result<()>) + Sync + Send,
) -> Vec<(usize, Result<()>)> {
    let mut outcomes: Vec<(usize, Result<()>)> = new.into_par_iter().map(&put).collect();
    if outcomes.iter().all(|(_, o)| o.is_ok()) {
        outcomes.par_extend(replacing.into_par_iter().map(&put));
    }
    outcomes
}

/// The bytes of a page to be written: a page a watch session remembers by
/// hash only cannot be, and its session renders again.
fn bytes_to_write(page: &Page) -> Result<&[u8]> {
    page.bytes().ok_or_else(|| Error::Forgotten { page: page.path.to_string() })
}

/// A page on its way into the folder ([`OutputDir::stage`]): its bytes in
/// a temporary file, or found on disk already.
#[derive(Debug)]
pub struct Staged {
    path: std::sync::Arc<str>,
    fingerprint: Fingerprint,
    /// `None`: the file at `path` already holds these bytes.
    temp: Option<tempfile::TempPath>,
    /// The marker lists `path`, and with another fingerprint when
    /// `changed`: a watch session's commit after a save needs neither to
    /// sort tens of thousands of paths nor to look each up again.
    listed: bool,
    changed: bool,
    /// Put in place by this commit ([`OutputDir::put_in_place`]), so a
    /// commit that fails midway can record what is really there.
    placed: bool,
}

/// The marker line of a file: `hash length path`, or the bare path when
/// its hash is unknown.
pub(crate) fn marker_line(path: &str, fingerprint: Option<Fingerprint>) -> String {
    // Pushed by hand: a first build makes two lines per page (one as it
    // writes the page, one in the whole marker at the end), and
    // `format!`'s padded hex was a thousand instructions of each.
    let mut line = String::with_capacity(path.len() + 38);
    if let Some(f) = fingerprint {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        line.extend((0..16).rev().map(|i| HEX[(f.hash >> (4 * i)) as usize & 0xf] as char));
        line.push(' ');
        crate::render::format::push_number(&mut line, f.len, 1);
        line.push(' ');
    }
    line.push_str(path);
    line.push('\n');
    line
}

/// One marker line: `hash length path`, or a bare path (hash unknown).
pub(crate) fn parse_marker_line(line: &str) -> Option<(String, Option<Fingerprint>)> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.starts_with('#') || line.is_empty() {
        return None;
    }
    let mut parts = line.splitn(3, ' ');
    let (a, b, c) = (parts.next(), parts.next(), parts.next());
    if let (Some(hash), Some(len), Some(path)) = (a, b, c) {
        if let (Ok(hash), Ok(len)) = (u64::from_str_radix(hash, 16), len.parse::<u64>()) {
            return safe_relative(path).then(|| (path.to_string(), Some(Fingerprint { hash, len })));
        }
    }
    safe_relative(line).then(|| (line.to_string(), None))
}

fn refuse(dir: &Path, why: &str) -> Error {
    Error::Usage(format!(
        "refusing to write the reports into {}: {why}; choose another folder with -o (the default is _site inside the journal)",
        dir.display()
    ))
}

/// The absolute, symlink-free form of a path that may not exist yet: the
/// deepest existing ancestor canonicalised, the rest appended.
pub(crate) fn resolve(path: &Path) -> Result<PathBuf> {
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
pub(crate) fn safe_relative(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains('\\')
        && !rel.contains('\0')
        && rel.split('/').all(|p| !p.is_empty() && p != "." && p != "..")
        && rel != MARKER
}

/// Remove the temporary files an interrupted build left (a build killed by
/// Ctrl-C between creating a page's temp file and renaming it). Only files
/// saleslog names itself (`.saleslog-*.tmp`), only in a folder that carries
/// its marker, and only when older than a minute, so a build running at the
/// same time keeps its own. On unix each is removed from its folder's
/// descriptor ([`beneath`]): a folder swapped for a link after the walk
/// saw it cannot turn the removal outside.
fn sweep_stale_temp_files(out: &Path, older_than: std::time::Duration) {
    let minute_ago = std::time::SystemTime::now() - older_than;
    #[cfg(unix)]
    let Ok(tree) = beneath::Root::open(out) else {
        return;
    };
    for entry in walkdir::WalkDir::new(out).follow_links(false).into_iter().filter_map(|e| e.ok()) {
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file()
            && name.starts_with(".saleslog-")
            && name.ends_with(".tmp")
            && entry.metadata().ok().and_then(|m| m.modified().ok()).is_some_and(|t| t <= minute_ago)
        {
            #[cfg(unix)]
            if let Some(rel) = entry.path().strip_prefix(out).ok().and_then(|p| p.to_str()) {
                let (folder, name) = beneath::split(rel);
                if let Ok(folder) = tree.folder(folder, false) {
                    let _ = folder.remove_file(name);
                }
            }
            #[cfg(not(unix))]
            let _ = std::fs::remove_file(entry.path());
        }
    }
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
        // A VCS's or an editor's own folder: pages there would corrupt it
        // (`output: .git` in a journal that has no repository yet).
        if let Some(name) = out.components().find_map(|c| match c {
            // Without regard to case: on macOS and Windows `.GIT` is `.git`.
            Component::Normal(part) => {
                METADATA_FOLDERS.iter().find(|m| part.to_str().is_some_and(|p| p.eq_ignore_ascii_case(m)))
            }
            _ => None,
        }) {
            return Err(refuse(dir, &format!("{name} is a version-control or editor metadata folder")));
        }
        if out == root {
            return Err(refuse(dir, "it is the journal folder itself"));
        }
        if root.starts_with(&out) {
            return Err(refuse(dir, "it contains the journal"));
        }
        // Pages written there would be read back as template overrides;
        // without regard to case, since on macOS and Windows `Templates`
        // (made by the build) is the `templates/` saleslog reads.
        let first_below = out.strip_prefix(&root).ok().and_then(|rest| rest.components().next());
        if first_below.is_some_and(|c| c.as_os_str().to_str().is_some_and(|n| n.eq_ignore_ascii_case("templates"))) {
            return Err(refuse(dir, "it is the journal's templates folder"));
        }
        let mut owned = BTreeMap::new();
        let mut marker_time = None;
        if out.is_dir() {
            if out.join(".git").exists() {
                return Err(refuse(dir, "it holds a .git repository"));
            }
            if let Some(note) = find_note(&out) {
                return Err(refuse(dir, &format!("it holds notes (such as {})", note.display())));
            }
            match read_marker(dir, &out.join(MARKER), "the reports")? {
                Some((text, modified)) => {
                    // In order: a line appended later for a path wins.
                    for (path, fingerprint) in text.lines().filter_map(parse_marker_line) {
                        owned.insert(path, fingerprint);
                    }
                    marker_time = modified;
                    sweep_stale_temp_files(&out, std::time::Duration::from_secs(60));
                }
                None => {
                    if let Some(file) = find_user_file(&out) {
                        return Err(refuse(
                            dir,
                            &format!(
                                "it is not empty and was not made by saleslog (it has no {MARKER} file, and holds {})",
                                file.display()
                            ),
                        ));
                    }
                    // Only empty folders and saleslog's own temporary files:
                    // what a build killed before its marker was in place
                    // leaves. Nothing in it is anyone's.
                }
            }
        }
        Ok(OutputDir {
            root: out,
            given: dir.to_path_buf(),
            journal: journal.to_path_buf(),
            owned,
            marker_time,
            trusted: false,
            appended: 0,
            fresh: None,
        })
    }

    /// Whether, as of the last [`OutputDir::begin`], every file the
    /// marker lists was written or checked by this process and not changed
    /// since: a part of the site can then be written alone, and a watch
    /// session may hand over the pages it remembers by hash only. Never in
    /// an empty folder (a first build).
    pub fn trusted(&self) -> bool {
        self.trusted
    }

    /// The folder, resolved.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Make the folder hold exactly `pages` among the files saleslog owns:
    /// write new and changed pages, remove pages no longer produced.
    pub fn write(&mut self, pages: &[Page]) -> Result<WriteReport> {
        self.begin()?;
        let staged = pages.par_iter().map(|p| self.stage(p)).collect::<Result<Vec<Staged>>>()?;
        self.commit(staged)
    }

    /// Start a write ([`OutputDir::stage`] each page, then
    /// [`OutputDir::commit`]): check the folder again and make it.
    pub fn begin(&mut self) -> Result<()> {
        // A first build that never committed (a page failed to render, or
        // had to be rendered again): the marker lists the pages it wrote,
        // so the folder is read again and they are known as saleslog's,
        // not refused as someone else's.
        if self.fresh.take().is_some() {
            *self = OutputDir::open(&self.given, &self.journal)?;
        }
        self.recheck()?;
        // Trust ends when the marker is not the one written last (the
        // folder was emptied, or another build wrote into it).
        self.trusted = self.trusted
            && self.marker_time.is_some()
            && std::fs::metadata(self.root.join(MARKER)).and_then(|m| m.modified()).ok() == self.marker_time;
        std::fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        self.fresh = None;
        if self.marker_time.is_none() && self.owned.is_empty() {
            self.fresh = self.begin_fresh()?;
        }
        Ok(())
    }

    /// Create the marker of a first build ([`Fresh`]): its header only, the
    /// pages' lines follow as they are written. `None` when a marker
    /// appeared since the folder was opened (another build): then the
    /// usual staging, whose commit reads the folder again.
    fn begin_fresh(&mut self) -> Result<Option<Fresh>> {
        let path = self.root.join(MARKER);
        let mut options = std::fs::OpenOptions::new();
        options.append(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o644);
        let mut file = match options.open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(None),
            Err(e) => return Err(Error::io(&path, e)),
        };
        file.write_all(MARKER_HEADER.as_bytes()).map_err(|e| Error::io(&path, e))?;
        let meta = file.metadata().map_err(|e| Error::io(&path, e))?;
        #[cfg(unix)]
        let chmod = std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o777 != 0o644;
        #[cfg(not(unix))]
        let chmod = false;
        self.marker_time = meta.modified().ok();
        Ok(Some(Fresh {
            marker: std::sync::Mutex::new(file),
            #[cfg(unix)]
            tree: self.tree()?,
            #[cfg(not(unix))]
            folders: std::sync::Mutex::new(std::collections::HashSet::new()),
            chmod,
        }))
    }

    /// Write a page of a first build straight to its path: its marker line
    /// first, its folders checked (a real folder, never a symlink) or made,
    /// then the file, created new.
    fn write_fresh(&self, fresh: &Fresh, page: &Page, fingerprint: Fingerprint) -> Result<()> {
        // Before its line or its file: a page that cannot be written leaves
        // no trace.
        bytes_to_write(page)?;
        let rel: &str = &page.path;
        #[cfg(unix)]
        {
            let (folder, name) = beneath::split(rel);
            let folder = fresh.tree.folder(folder, true).map_err(|e| self.folder_error(e))?;
            hook("create");
            self.list_fresh(fresh, rel, fingerprint)?;
            self.fill_fresh(fresh, page, folder.create_new(name))
        }
        #[cfg(not(unix))]
        self.write_fresh_by_path(fresh, page, fingerprint)
    }

    /// A page's marker line in a first build, appended before its file is
    /// created.
    fn list_fresh(&self, fresh: &Fresh, rel: &str, fingerprint: Fingerprint) -> Result<()> {
        let mut marker = fresh.marker.lock().unwrap_or_else(|e| e.into_inner());
        marker
            .write_all(marker_line(rel, Some(fingerprint)).as_bytes())
            .map_err(|e| Error::io(self.root.join(MARKER), e))
    }

    /// Take the line of `rel` out of a first build's marker: its file
    /// could not be created (someone's file is there). The marker is read
    /// back through the folder's descriptor on unix and written whole
    /// again under the lock every line is appended under.
    fn unlist_fresh(&self, fresh: &Fresh, rel: &str) -> Result<()> {
        let marker_path = self.root.join(MARKER);
        let io = |e| Error::io(&marker_path, e);
        let mut marker = fresh.marker.lock().unwrap_or_else(|e| e.into_inner());
        #[cfg(unix)]
        let mut reading = fresh.tree.top().open_file(MARKER).map_err(io)?;
        #[cfg(not(unix))]
        let mut reading = std::fs::File::open(&marker_path).map_err(io)?;
        let mut text = String::new();
        std::io::Read::read_to_string(&mut reading, &mut text).map_err(io)?;
        let kept: String = text
            .split_inclusive('\n')
            .filter(|line| parse_marker_line(line.trim_end_matches('\n')).is_none_or(|(path, _)| path != rel))
            .collect();
        // Opened for appending: after the truncation, writes start at 0.
        marker.set_len(0).map_err(io)?;
        marker.write_all(kept.as_bytes()).map_err(io)
    }

    /// [`OutputDir::write_fresh`] where there are no folder descriptors.
    #[cfg(not(unix))]
    fn write_fresh_by_path(&self, fresh: &Fresh, page: &Page, fingerprint: Fingerprint) -> Result<()> {
        let rel: &str = &page.path;
        let mut at = 0;
        while let Some(i) = rel[at..].find('/') {
            let folder = &rel[..at + i];
            at += i + 1;
            if fresh.folders.lock().unwrap_or_else(|e| e.into_inner()).contains(folder) {
                continue;
            }
            self.real_folder(folder)?;
            fresh.folders.lock().unwrap_or_else(|e| e.into_inner()).insert(folder.to_string());
        }
        self.list_fresh(fresh, rel, fingerprint)?;
        let opened = std::fs::OpenOptions::new().write(true).create_new(true).open(self.root.join(rel));
        self.fill_fresh(fresh, page, opened)
    }

    /// A first build's page file, just created new (by descriptor or by
    /// path): a file there already is someone else's, refused; else the
    /// page's bytes, with a served page's permissions.
    fn fill_fresh(&self, fresh: &Fresh, page: &Page, opened: std::io::Result<std::fs::File>) -> Result<()> {
        let path = self.root.join(&*page.path);
        let mut file = match opened {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                // Someone's file there since the folder was found empty:
                // its line goes, or the next build would take it as ours.
                self.unlist_fresh(fresh, &page.path)?;
                return Err(self.foreign(&page.path));
            }
            Err(e) => return Err(Error::io(&path, e)),
        };
        file.write_all(bytes_to_write(page)?).map_err(|e| Error::io(&path, e))?;
        if fresh.chmod {
            served(&file, &path)?;
        }
        Ok(())
    }

    /// Put a page's bytes in a temporary file of the folder, unless the
    /// file at its path already holds them, so a build can drop each page
    /// as soon as it is rendered. Nothing is in place until
    /// [`OutputDir::commit`]: a render that fails on a later page leaves
    /// the folder as it was (the temporary files go when dropped).
    pub fn stage(&self, page: &Page) -> Result<Staged> {
        let recorded = if self.fresh.is_some() { None } else { self.owned.get(&*page.path).copied() };
        // Every path the marker lists is a safe one (checked as the marker
        // was read, or as the page was staged before): only a page new to
        // it is checked, not the 38,700 a 100-year save stages unchanged.
        if recorded.is_none() && !safe_relative(&page.path) {
            return Err(Error::Usage(format!("internal error: unsafe page path {:?}", page.path)));
        }
        let fingerprint = Fingerprint::of(page);
        if let Some(fresh) = &self.fresh {
            self.write_fresh(fresh, page, fingerprint)?;
            return Ok(Staged {
                path: page.path.clone(),
                fingerprint,
                temp: None,
                listed: false,
                changed: true,
                placed: false,
            });
        }
        // A page this process wrote or checked before, with the same bytes.
        let known = self.trusted && recorded.flatten() == Some(fingerprint);
        if recorded.is_none() {
            self.refuse_foreign(page)?;
        }
        let temp = if known || self.holds(page, fingerprint) {
            None
        } else {
            Some(temp_file(&self.root, bytes_to_write(page)?)?)
        };
        let (listed, changed) = (recorded.is_some(), recorded.flatten() != Some(fingerprint));
        Ok(Staged { path: page.path.clone(), fingerprint, temp, listed, changed, placed: false })
    }

    /// Put the staged pages in place, each by a rename, and remove the
    /// pages no longer produced (`staged` is every page of the site).
    pub fn commit(&mut self, staged: Vec<Staged>) -> Result<WriteReport> {
        self.commit_within(staged, &|_| true)
    }

    /// [`OutputDir::commit`] of a part of the site: `staged` is every page
    /// whose path is `within` the part; the pages saleslog owns outside it
    /// are kept as they are, unlooked at. A team session re-renders the one
    /// member whose journal changed, not the fifty others.
    pub fn commit_within(&mut self, mut staged: Vec<Staged>, within: &dyn Fn(&str) -> bool) -> Result<WriteReport> {
        if let Some(s) = staged.iter().find(|s| !within(&s.path)) {
            return Err(Error::Usage(format!("internal error: page {} is outside the part written", s.path)));
        }
        if let Some(fresh) = self.fresh.take() {
            // A first build: every page staged is in place and listed
            // already; the marker is written again, whole and in order.
            drop(fresh);
            let new: BTreeMap<String, Option<Fingerprint>> =
                staged.iter().map(|s| (s.path.to_string(), Some(s.fingerprint))).collect();
            self.write_marker(&new)?;
            self.owned = new;
            self.trusted = true;
            return Ok(WriteReport { written: staged.len(), ..WriteReport::default() });
        }
        let trusted = std::mem::take(&mut self.trusted);
        // The same files as last time within the part: only hashes change.
        // Every page was found in the marker's list when staged, and there
        // are as many as it lists within the part (page paths are distinct:
        // the site's links make them so), so the two sets are equal.
        let same_files = || {
            debug_assert!({
                let mut paths: Vec<&str> = staged.iter().map(|s| &*s.path).collect();
                paths.sort_unstable();
                paths.windows(2).all(|w| w[0] != w[1])
            });
            staged.iter().all(|s| s.listed) && self.owned.keys().filter(|k| within(k)).count() == staged.len()
        };
        if trusted && same_files() {
            return self.rewrite(staged);
        }
        staged.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        let mut new: BTreeMap<String, Option<Fingerprint>> =
            self.owned.iter().filter(|(k, _)| !within(k)).map(|(k, f)| (k.clone(), *f)).collect();
        new.extend(staged.iter().map(|s| (s.path.to_string(), Some(s.fingerprint))));
        let stale: Vec<String> = self.owned.keys().filter(|k| !new.contains_key(*k)).cloned().collect();
        // Before anything else is put in place (a page's folder included): a
        // marker that also lists the new files, so the folder is
        // recognisably saleslog's from its first page and a crash midway
        // leaves nothing unaccounted for. A new file's hash can be recorded
        // already: nothing is at its path (checked when staged), so after a
        // crash it is either missing or holds exactly those bytes.
        if self.marker_time.is_none() || new.keys().any(|k| !self.owned.contains_key(k)) {
            let mut union = self.owned.clone();
            for (k, f) in &new {
                union.entry(k.clone()).or_insert(*f);
            }
            self.write_marker(&union)?;
            self.owned = union;
        }
        let written = self.place(&mut staged)?;
        let mut report = WriteReport { written, unchanged: staged.len() - written, ..WriteReport::default() };

        // A stale file is removed only when it still holds the bytes
        // saleslog wrote there, reached without following a link: anything
        // else (a page edited by hand, a folder replaced by a link to the
        // user's own) is left alone, and no longer listed as saleslog's.
        report.removed = self.remove_stale(&stale)?;
        if self.owned != new || report.written > 0 || self.marker_time.is_none() {
            self.write_marker(&new)?;
        }
        self.owned = new;
        self.trusted = true;
        Ok(report)
    }

    /// Rename each staged temporary file to its page's path (the folders
    /// checked and made first); says how many.
    ///
    /// On unix each rename is relative to descriptors: from the output
    /// folder's (where the temporary files are) to the page folder's,
    /// opened once per folder and per commit without following a symlink
    /// ([`beneath`]), so a folder swapped for a link after it was checked
    /// cannot send a page outside. A page new to the marker never replaces
    /// a file that appeared at its path since it was staged.
    fn put_in_place(&self, staged: &mut [Staged]) -> Result<usize> {
        let todo: Vec<(usize, tempfile::TempPath)> =
            staged.iter_mut().enumerate().filter_map(|(i, s)| s.temp.take().map(|t| (i, t))).collect();
        if todo.is_empty() {
            return Ok(0);
        }
        // The pages new to the marker first: one refused (someone's file
        // appeared at its path) stops the commit before any page is
        // replaced.
        let (new, replacing): (Vec<_>, Vec<_>) = todo.into_iter().partition(|(i, _)| !staged[*i].listed);
        let pages: &[Staged] = staged;
        #[cfg(unix)]
        let outcomes = {
            let tree = self.tree()?;
            let mut folders = std::collections::HashMap::new();
            for (i, _) in new.iter().chain(&replacing) {
                let folder = beneath::split(&pages[*i].path).0;
                if !folders.contains_key(folder) {
                    folders.insert(folder, tree.folder(folder, true).map_err(|e| self.folder_error(e))?);
                }
            }
            hook("rename");
            let rename = |(i, temp): (usize, tempfile::TempPath)| {
                let rel: &str = &pages[i].path;
                let listed = pages[i].listed;
                let (folder, name) = beneath::split(rel);
                let from = temp.file_name().unwrap_or_default();
                let outcome = match tree.top().rename(from, &folders[folder], name, listed) {
                    Ok(()) => {
                        // In place: nothing left to remove when dropped.
                        let _ = temp.keep();
                        Ok(())
                    }
                    Err(e) if !listed && e.kind() == std::io::ErrorKind::AlreadyExists => Err(self.foreign(rel)),
                    Err(e) => Err(Error::io(self.root.join(rel), e)),
                };
                (i, outcome)
            };
            new_then_replacing(new, replacing, rename)
        };
        #[cfg(not(unix))]
        let outcomes = {
            self.check_folders(new.iter().chain(&replacing).map(|(i, _)| &*pages[*i].path))?;
            let persist = |(i, temp): (usize, tempfile::TempPath)| {
                let path = self.root.join(&*pages[i].path);
                (i, temp.persist(&path).map_err(|e| Error::io(&path, e.error)))
            };
            new_then_replacing(new, replacing, persist)
        };
        let mut first_error = None;
        let mut done = 0;
        for (i, outcome) in outcomes {
            match outcome {
                Ok(()) => {
                    staged[i].placed = true;
                    done += 1;
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        first_error.map_or(Ok(done), Err)
    }

    /// [`OutputDir::put_in_place`], and after a failure midway the marker
    /// made to say what is there ([`OutputDir::list_what_is_there`]): the
    /// one way both commits put pages in place.
    fn place(&mut self, staged: &mut [Staged]) -> Result<usize> {
        self.put_in_place(staged).or_else(|e| {
            self.list_what_is_there(staged)?;
            Err(e)
        })
    }

    /// After a commit that failed midway, the marker says what is there
    /// now: a page put in place with its new hash (a replaced page too, so
    /// saleslog still knows it as its own), and a page new to the marker
    /// that was not put in place (someone's file appeared at its path) not
    /// at all.
    fn list_what_is_there(&mut self, staged: &[Staged]) -> Result<()> {
        let mut now = self.owned.clone();
        for s in staged {
            if s.placed {
                now.insert(s.path.to_string(), Some(s.fingerprint));
            } else if !s.listed {
                now.remove(&*s.path);
            }
        }
        if now != self.owned {
            self.write_marker(&now)?;
            self.owned = now;
        }
        Ok(())
    }

    /// The checks of [`OutputDir::open`], again: before every write, since
    /// a watch session lives for hours and the folder may have been
    /// replaced by a symlink, moved, or written by someone else meanwhile.
    /// The cheap ones always; the whole [`OutputDir::open`] again when the
    /// marker is not the one this value last read or wrote.
    fn recheck(&mut self) -> Result<()> {
        if let Ok(meta) = std::fs::symlink_metadata(&self.given) {
            if meta.file_type().is_symlink() {
                return Err(refuse(&self.given, "it is a symlink"));
            }
            if !meta.is_dir() {
                return Err(refuse(&self.given, "it is a file, not a folder"));
            }
        }
        let now = resolve(&self.given)?;
        if now != self.root {
            return Err(refuse(
                &self.given,
                &format!("it now leads to {}, not {}", now.display(), self.root.display()),
            ));
        }
        let marker = std::fs::metadata(self.root.join(MARKER)).and_then(|m| m.modified()).ok();
        if marker != self.marker_time {
            *self = OutputDir::open(&self.given, &self.journal)?;
        }
        Ok(())
    }

    /// Refuse to write a page over a file saleslog did not write: one the
    /// marker does not list (a user's file on a future page's path).
    fn refuse_foreign(&self, page: &Page) -> Result<()> {
        match std::fs::symlink_metadata(self.root.join(&*page.path)) {
            Ok(_) => Err(self.foreign(&page.path)),
            Err(_) => Ok(()),
        }
    }

    /// The refusal of [`OutputDir::refuse_foreign`].
    fn foreign(&self, rel: &str) -> Error {
        Error::Usage(format!(
            "refusing to overwrite {}: it was not written by saleslog (its {MARKER} does not list it), \
             and the page {rel} belongs there; move the file away, or choose another output folder with -o",
            self.root.join(rel).display(),
        ))
    }

    /// The output folder held open, its page folders reached from it
    /// ([`beneath`]): what one write puts in place or removes.
    #[cfg(unix)]
    fn tree(&self) -> Result<beneath::Root> {
        beneath::Root::open(&self.root).map_err(|e| {
            if beneath::is_link_or_file(&e) {
                refuse(&self.given, "it is now a symlink or a file")
            } else {
                Error::io(&self.root, e)
            }
        })
    }

    /// A page folder that could not be opened or made: a symlink or a
    /// file there is refused, as [`OutputDir::real_folder`] refuses it.
    #[cfg(unix)]
    fn folder_error(&self, e: beneath::FolderError) -> Error {
        let path = self.root.join(&e.at);
        if beneath::is_link_or_file(&e.error) {
            refuse(&path, "a page's folder there is a symlink or a file")
        } else {
            Error::io(&path, e.error)
        }
    }

    /// Remove each of the `stale` files that still holds the bytes saleslog
    /// wrote there, and the folders this empties; says how many.
    ///
    /// On unix each file is reached from the output folder's descriptor,
    /// one folder at a time without following a symlink, read through its
    /// own descriptor, and unlinked from its folder's descriptor only if
    /// the name still is the file just read: a folder or a file swapped
    /// meanwhile cannot turn the removal onto anything else.
    fn remove_stale(&self, stale: &[String]) -> Result<usize> {
        if stale.is_empty() {
            return Ok(0);
        }
        #[cfg(unix)]
        {
            let tree = self.tree()?;
            let mut removed = 0;
            for rel in stale {
                removed += usize::from(self.remove_own(&tree, rel)?);
            }
            Ok(removed)
        }
        #[cfg(not(unix))]
        {
            let mut removed = 0;
            for rel in stale {
                if self.holds_what_it_wrote(rel) {
                    let path = self.root.join(rel);
                    std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                    removed += 1;
                    self.remove_empty_parents(rel);
                }
            }
            Ok(removed)
        }
    }

    /// Remove `rel` if it holds the bytes saleslog recorded for it
    /// ([`OutputDir::remove_stale`]), then the folders this empties.
    #[cfg(unix)]
    fn remove_own(&self, tree: &beneath::Root, rel: &str) -> Result<bool> {
        let Some(Some(recorded)) = self.owned.get(rel).copied() else { return Ok(false) };
        remove_recorded(tree, &self.root, rel, recorded)
    }

    /// Does `rel` still hold the bytes saleslog recorded for it, reached
    /// through real folders only (never a symlink)?
    #[cfg(not(unix))]
    fn holds_what_it_wrote(&self, rel: &str) -> bool {
        let Some(Some(recorded)) = self.owned.get(rel).copied() else { return false };
        holds_recorded(&self.root, rel, recorded)
    }

    /// A watch session's usual save: the same files as last time, a few of
    /// them changed. Only those were looked at and written, and their
    /// hashes are updated in place (their marker lines in path order).
    fn rewrite(&mut self, mut staged: Vec<Staged>) -> Result<WriteReport> {
        let written = self.place(&mut staged)?;
        let mut changed: Vec<&Staged> = staged.iter().filter(|s| s.changed).collect();
        changed.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        let mut lines = String::new();
        for s in &changed {
            if let Some(f) = self.owned.get_mut(&*s.path) {
                *f = Some(s.fingerprint);
                lines.push_str(&marker_line(&s.path, *f));
            }
        }
        if written > 0 {
            self.append_to_marker(&lines, changed.len())?;
        }
        self.trusted = true;
        Ok(WriteReport { written, unchanged: staged.len() - written, removed: 0 })
    }

    /// Every folder a page goes into must be a real folder inside the
    /// output, never a symlink leading out of it; missing ones are made.
    #[cfg(not(unix))]
    fn check_folders<'p>(&self, pages: impl Iterator<Item = &'p str>) -> Result<()> {
        let mut folders: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        for p in pages {
            let mut at = 0;
            while let Some(i) = p[at..].find('/') {
                folders.insert(&p[..at + i]);
                at += i + 1;
            }
        }
        folders.into_iter().try_for_each(|folder| self.real_folder(folder))
    }

    /// The page folder `folder` (relative, its parents checked first) is
    /// a real folder inside the output, made when missing; a symlink or a
    /// file there is refused.
    #[cfg(not(unix))]
    fn real_folder(&self, folder: &str) -> Result<()> {
        let path = self.root.join(folder);
        let refused = || refuse(&path, "a page's folder there is a symlink or a file");
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() || !m.is_dir() => Err(refused()),
            Ok(_) => Ok(()),
            Err(_) => match std::fs::create_dir(&path) {
                Ok(()) => Ok(()),
                // Made meanwhile (by the other thread of a first build):
                // looked at again.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let m = std::fs::symlink_metadata(&path).map_err(|e| Error::io(&path, e))?;
                    if m.file_type().is_symlink() || !m.is_dir() {
                        Err(refused())
                    } else {
                        Ok(())
                    }
                }
                Err(e) => Err(Error::io(&path, e)),
            },
        }
    }

    /// Whether the file at the page's path already holds its bytes: told
    /// from the marker's record when the file was not touched since it was
    /// written, else read back and compared.
    fn holds(&self, page: &Page, fingerprint: Fingerprint) -> bool {
        let path = self.root.join(&*page.path);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() && m.len() == fingerprint.len => {
                let recorded = self.owned.get(&*page.path).copied().flatten() == Some(fingerprint);
                let untouched = match (m.modified().ok(), self.marker_time) {
                    (Some(modified), Some(marker)) => modified <= marker,
                    _ => false,
                };
                (recorded && untouched)
                    || page.bytes().is_some_and(|bytes| std::fs::read(&path).is_ok_and(|old| *old == *bytes))
            }
            _ => false,
        }
    }

    fn write_marker(&mut self, files: &BTreeMap<String, Option<Fingerprint>>) -> Result<()> {
        let mut text = String::with_capacity(MARKER_HEADER.len() + files.len() * 64);
        text.push_str(MARKER_HEADER);
        for (path, fingerprint) in files {
            text.push_str(&marker_line(path, *fingerprint));
        }
        let marker = self.root.join(MARKER);
        #[cfg(unix)]
        {
            // Renamed into place through the folder's descriptor, opened
            // without following a link: a folder swapped for a link since it
            // was checked gets no marker (which would make the folder the
            // link leads to look like saleslog's).
            let tree = self.tree()?;
            let temp = temp_file(&self.root, text.as_bytes())?;
            let from = temp.file_name().unwrap_or_default();
            tree.top().rename(from, tree.top(), MARKER, true).map_err(|e| Error::io(&marker, e))?;
            let _ = temp.keep();
        }
        #[cfg(not(unix))]
        atomic_write(&marker, text.as_bytes())?;
        self.marker_time = std::fs::metadata(&marker).and_then(|m| m.modified()).ok();
        self.appended = 0;
        Ok(())
    }

    /// A watch session's save changes a few pages of thousands: their
    /// `lines` are appended to the marker (a later line for a path wins when
    /// it is read) instead of writing it whole, until the appended lines
    /// outnumber an eighth of the files; then it is written whole again.
    fn append_to_marker(&mut self, lines: &str, count: usize) -> Result<()> {
        if self.appended + count > self.owned.len() / 8 + 64 {
            let owned = std::mem::take(&mut self.owned);
            let result = self.write_marker(&owned);
            self.owned = owned;
            return result;
        }
        let marker = self.root.join(MARKER);
        let mut options = std::fs::OpenOptions::new();
        options.append(true);
        // Never through a link swapped in for the marker: that would
        // append to a file elsewhere.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, rustix::fs::OFlags::NOFOLLOW.bits() as i32);
        let mut file = options.open(&marker).map_err(|e| Error::io(&marker, e))?;
        // One write: a crash leaves the lines whole or, at worst, a last
        // line cut short, which names no file saleslog wrote.
        file.write_all(lines.as_bytes()).map_err(|e| Error::io(&marker, e))?;
        self.appended += count;
        self.marker_time = file.metadata().and_then(|m| m.modified()).ok();
        Ok(())
    }

    /// Remove the folders of a removed file that are now empty, up to the
    /// output folder (never beyond it).
    #[cfg(not(unix))]
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

/// What a test runs at a hook point ([`hook`]).
#[cfg(test)]
type Hook = Box<dyn Fn(&str)>;

#[cfg(test)]
thread_local! {
    /// Run by [`hook`] on the test's own thread: a test swaps a folder for
    /// a symlink there, between a check and the write it guards.
    static HOOK: std::cell::RefCell<Option<Hook>> = const { std::cell::RefCell::new(None) };
}

/// A point between checking a folder and writing through it (`"create"`,
/// `"rename"`, `"unlink"`), where a test may interfere ([`HOOK`]).
fn hook(at: &str) {
    #[cfg(test)]
    HOOK.with(|h| {
        if let Some(h) = &*h.borrow() {
            h(at)
        }
    });
    let _ = at;
}

/// Remove `rel` below `tree` (the folder at `root`) if it still holds the
/// bytes `recorded`, then the folders this empties (never `root`). The
/// file is reached one folder at a time without following a symlink, read
/// through its own descriptor, and unlinked from its folder's descriptor
/// only if the name still is the file just read: a folder or a file
/// swapped meanwhile cannot turn the removal onto anything else. `false`
/// when it was not removed (changed, a link, gone).
#[cfg(unix)]
pub(crate) fn remove_recorded(tree: &beneath::Root, root: &Path, rel: &str, recorded: Fingerprint) -> Result<bool> {
    use std::io::Read;
    use std::os::unix::fs::MetadataExt;
    let (folder_rel, name) = beneath::split(rel);
    let Ok(folder) = tree.folder(folder_rel, false) else { return Ok(false) };
    let Ok(mut file) = folder.open_file(name) else { return Ok(false) };
    let Ok(meta) = file.metadata() else { return Ok(false) };
    if !meta.is_file() || meta.len() != recorded.len {
        return Ok(false);
    }
    let mut bytes = Vec::new();
    if file.read_to_end(&mut bytes).is_err() || crate::render::page_hash(&bytes) != recorded.hash {
        return Ok(false);
    }
    hook("unlink");
    if folder.identity(name).ok() != Some((meta.dev(), meta.ino())) {
        return Ok(false);
    }
    folder.remove_file(name).map_err(|e| Error::io(root.join(rel), e))?;
    // The folders it leaves empty, up to `root` (never beyond it), each
    // removed from its parent's descriptor.
    let mut emptied = folder_rel;
    while !emptied.is_empty() {
        let (parent, name) = beneath::split(emptied);
        let Ok(parent_folder) = tree.folder(parent, false) else { break };
        if parent_folder.remove_empty_folder(name).is_err() {
            break; // not empty (or not ours to judge): stop
        }
        tree.forget(emptied);
        emptied = parent;
    }
    Ok(true)
}

/// Does `rel` below `root` still hold the bytes `recorded`, reached by
/// path through real folders only (no component a symlink), as a regular
/// file? The check a removal by path makes first (the team export's, and
/// the build's where there are no folder descriptors).
#[cfg_attr(all(unix, not(feature = "parquet")), allow(dead_code))]
pub(crate) fn holds_recorded(root: &Path, rel: &str, recorded: Fingerprint) -> bool {
    let mut path = root.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let Ok(meta) = std::fs::symlink_metadata(&path) else { return false };
        let last = i + 1 == parts.len();
        if meta.file_type().is_symlink() || (last && !meta.is_file()) || (!last && !meta.is_dir()) {
            return false;
        }
        if last && meta.len() != recorded.len {
            return false;
        }
    }
    std::fs::read(&path).is_ok_and(|bytes| crate::render::page_hash(&bytes) == recorded.hash)
}

/// The most a marker may hold: far above the 38,000 lines (about 3 MB) of
/// a hundred years of daily notes, far below what would hurt to read.
const MARKER_LIMIT: u64 = 64 << 20;

/// The text of the output folder's marker and when it was modified, or
/// `None` when there is none. Only a regular file is read, never through a
/// symlink, never waiting on a FIFO, and at most [`MARKER_LIMIT`] bytes
/// (a marker replaced by a pipe hung the build; one linked to `/dev/zero`
/// ate its memory): saleslog writes the marker itself as a plain file, so
/// anything else there is refused, saying how to get out of it.
///
/// `what` is what the folder holds, for the message: the team export keeps
/// its own marker under the same rules.
pub(crate) fn read_marker(dir: &Path, marker: &Path, what: &str) -> Result<Option<(String, Option<SystemTime>)>> {
    use std::io::Read;
    let bad = |why: &str| {
        Error::Usage(format!(
            "refusing to write {what} into {}: its marker {} {why}, and saleslog writes that file itself as \
             plain text (the list of the files it wrote); if the folder holds only saleslog's pages, delete the \
             folder and build again, otherwise choose another folder with -o",
            dir.display(),
            marker.display()
        ))
    };
    let is_link = || std::fs::symlink_metadata(marker).is_ok_and(|m| m.file_type().is_symlink());
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        (rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK).bits() as i32,
    );
    #[cfg(not(unix))]
    if is_link() {
        return Err(bad("is a symlink"));
    }
    let file = match options.open(marker) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(_) if is_link() => return Err(bad("is a symlink")),
        Err(e) => return Err(bad(&format!("cannot be read ({e})"))),
    };
    let meta = file.metadata().map_err(|e| bad(&format!("cannot be read ({e})")))?;
    if !meta.is_file() {
        return Err(bad("is not a regular file (a folder, a pipe or a device)"));
    }
    let too_large = || bad(&format!("is larger than {} MiB", MARKER_LIMIT >> 20));
    if meta.len() > MARKER_LIMIT {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MARKER_LIMIT + 1).read_to_end(&mut bytes).map_err(|e| bad(&format!("cannot be read ({e})")))?;
    if bytes.len() as u64 > MARKER_LIMIT {
        return Err(too_large());
    }
    let text = String::from_utf8(bytes)
        .map_err(|e| bad(&format!("is not UTF-8 text (at byte {})", e.utf8_error().valid_up_to())))?;
    Ok(Some((text, meta.modified().ok())))
}

/// Is this one of the temporary files [`atomic_write`] makes?
fn is_own_temp_file(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with(".saleslog-") && n.ends_with(".tmp"))
}

/// The first entry below `dir` that is not a folder nor one of saleslog's
/// temporary files (a symlink counts: it is not saleslog's either).
fn find_user_file(dir: &Path) -> Option<PathBuf> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(|e| e.ok())
        .find(|e| !(e.file_type().is_dir() || (e.file_type().is_file() && is_own_temp_file(e.file_name()))))
        .map(|e| e.path().to_path_buf())
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

/// A temporary file in `dir` holding `bytes`, with the permissions of an
/// ordinary file (0644, whatever the umask: pages are served), removed when
/// dropped unless persisted.
fn temp_file(dir: &Path, bytes: &[u8]) -> Result<tempfile::TempPath> {
    let mut tmp =
        tempfile::Builder::new().prefix(".saleslog-").suffix(".tmp").tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(tmp.path(), e))?;
    served(tmp.as_file(), tmp.path())?;
    Ok(tmp.into_temp_path())
}

/// Give `file` the permissions of a served page (0644), whatever the umask.
fn served(file: &std::fs::File, path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(|e| Error::io(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = (file, path);
    Ok(())
}

/// Write `bytes` to `path` through a temporary file in the same folder and
/// a rename, with the permissions of an ordinary file (0644).
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    // `deals.csv` has the parent "": the current folder.
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    temp_file(dir, bytes)?.persist(path).map_err(|e| Error::io(path, e.error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::page_hash;

    #[test]
    fn an_interrupted_builds_temp_files_are_swept_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("j");
        let out = dir.path().join("out");
        std::fs::create_dir_all(&journal).unwrap();
        std::fs::create_dir_all(out.join("notes")).unwrap();
        std::fs::write(out.join(MARKER), "").unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let stale = out.join("notes/.saleslog-abc.tmp");
        let fresh = out.join(".saleslog-def.tmp");
        let theirs = out.join("notes/.other.tmp");
        for f in [&stale, &fresh, &theirs] {
            std::fs::write(f, "x").unwrap();
        }
        for f in [&stale, &theirs] {
            std::fs::File::options().write(true).open(f).unwrap().set_modified(old).unwrap();
        }
        OutputDir::open(&out, &journal).unwrap();
        assert!(!stale.exists());
        assert!(fresh.exists(), "a running build's temp file is kept");
        assert!(theirs.exists(), "files saleslog did not name are kept");
    }

    /// A journal folder with an output folder `_site` inside, opened.
    fn fresh() -> (tempfile::TempDir, PathBuf, PathBuf, OutputDir) {
        let tmp = tempfile::tempdir().unwrap();
        let journal = tmp.path().join("journal");
        std::fs::create_dir(&journal).unwrap();
        let out = journal.join("_site");
        let dir = OutputDir::open(&out, &journal).unwrap();
        (tmp, journal, out, dir)
    }

    fn page(path: &str, text: &str) -> Page {
        Page::new(path, text.as_bytes())
    }

    #[test]
    fn marker_lines_parse_with_or_without_a_fingerprint() {
        let f = Fingerprint { hash: 0x00ab_cdef_0123_4567, len: 0 };
        assert_eq!(marker_line("a/b.html", Some(f)), "00abcdef01234567 0 a/b.html\n");
        let f = Fingerprint { hash: u64::MAX, len: 18_446_744_073_709_551_615 };
        assert_eq!(marker_line("x", Some(f)), "ffffffffffffffff 18446744073709551615 x\n");
        assert_eq!(marker_line("x", None), "x\n");
        assert_eq!(parse_marker_line("# comment"), None);
        assert_eq!(parse_marker_line("a b.html"), Some(("a b.html".into(), None)));
        assert_eq!(
            parse_marker_line("00000000000000ff 12 notes/a b.html"),
            Some(("notes/a b.html".into(), Some(Fingerprint { hash: 255, len: 12 })))
        );
        assert_eq!(parse_marker_line("00000000000000ff 12 ../x"), None);
        // Pinned: a marker written by one version is read by the next.
        assert_eq!(page_hash(b""), 0);
        assert_eq!(page_hash(b"a"), 0x517c_c1b7_2722_0a95u64.wrapping_mul(0x20 ^ 0x61));
        assert_ne!(page_hash(b"abcdefgh1"), page_hash(b"abcdefgh2"));
    }

    #[test]
    fn marker_lines_must_stay_inside() {
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", MARKER, "a\\b"] {
            assert!(!safe_relative(bad), "{bad}");
        }
        assert!(safe_relative("notes/2026/a.html"));
    }

    /// A page whose path would leave the folder is refused, in a first
    /// build and in a later one; a page the marker lists is staged as it
    /// was (its path was checked when the marker was read).
    #[test]
    fn a_page_path_that_leaves_the_folder_is_refused() {
        let (_tmp, journal, out, mut dir) = fresh();
        dir.begin().unwrap();
        let refused = |dir: &OutputDir, path: &str| {
            let e = dir.stage(&page(path, "x")).err().unwrap_or_else(|| panic!("{path} staged"));
            assert!(e.to_string().contains("unsafe page path"), "{e}");
        };
        refused(&dir, "../escape.html");
        dir.write(&[page("index.html", "a")]).unwrap();
        let mut dir = OutputDir::open(&out, &journal).unwrap();
        dir.begin().unwrap();
        for bad in ["../escape.html", "/etc/x.html", "a/../../x.html", MARKER] {
            refused(&dir, bad);
        }
        assert!(dir.stage(&page("index.html", "a")).is_ok());
        assert!(!out.parent().unwrap().join("escape.html").exists());
    }

    #[test]
    fn writes_skips_and_removes_only_its_own_files() {
        let (_tmp, journal, out, mut dir) = fresh();
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
        assert!(marker.ends_with(&format!("{:016x} 2 index.html\n", page_hash(b"a2"))), "{marker}");
        // A page edited by hand (same length, later than the marker) is
        // noticed and rewritten.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(out.join("index.html"), "zz").unwrap();
        let mut dir = OutputDir::open(&out, &journal).unwrap();
        let r = dir.write(&[page("index.html", "a2")]).unwrap();
        assert_eq!(r.written, 1);
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "a2");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(out.join("index.html")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
    }

    /// A long-lived value (a watch session's) trusts what it wrote itself:
    /// an unchanged page is not even looked at on disk, so a file changed
    /// behind its back is mended when its page next changes, or by the next
    /// `build` (a fresh value).
    #[test]
    fn a_long_lived_value_trusts_its_own_writes() {
        let (_tmp, journal, out, mut dir) = fresh();
        dir.write(&[page("index.html", "a"), page("notes/n.html", "n")]).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(out.join("notes/n.html"), "x").unwrap();
        let r = dir.write(&[page("index.html", "b"), page("notes/n.html", "n")]).unwrap();
        assert_eq!(r, WriteReport { written: 1, unchanged: 1, removed: 0 });
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "b");
        assert_eq!(std::fs::read_to_string(out.join("notes/n.html")).unwrap(), "x");
        let r = dir.write(&[page("index.html", "b"), page("notes/n.html", "n2")]).unwrap();
        assert_eq!(r.written, 1);
        assert_eq!(std::fs::read_to_string(out.join("notes/n.html")).unwrap(), "n2");
        // The folder emptied under a long-lived value: it writes every page
        // again, not only the changed ones.
        for f in ["index.html", "notes/n.html", MARKER] {
            std::fs::remove_file(out.join(f)).unwrap();
        }
        let r = dir.write(&[page("index.html", "b"), page("notes/n.html", "n2")]).unwrap();
        assert_eq!(r.written, 2);
        std::fs::write(out.join("notes/n.html"), "y").unwrap();
        let mut fresh = OutputDir::open(&out, &journal).unwrap();
        let r = fresh.write(&[page("index.html", "b"), page("notes/n.html", "n2")]).unwrap();
        assert_eq!(r, WriteReport { written: 1, unchanged: 1, removed: 0 });
        assert_eq!(std::fs::read_to_string(out.join("notes/n.html")).unwrap(), "n2");
    }

    /// A watch session's save that swaps one page for another keeps the
    /// count of pages: the new one is written and listed, the old one
    /// removed, whatever order the pages were staged in; one that only
    /// changes a page appends its line alone.
    #[test]
    fn a_save_that_swaps_a_page_is_not_taken_for_the_same_files() {
        let (_tmp, _, out, mut dir) = fresh();
        dir.write(&[page("notes/b.html", "b"), page("index.html", "a"), page("notes/a.html", "n")]).unwrap();
        let r = dir.write(&[page("notes/c.html", "c"), page("index.html", "a"), page("notes/a.html", "n")]).unwrap();
        assert_eq!(r, WriteReport { written: 1, unchanged: 2, removed: 1 });
        assert!(!out.join("notes/b.html").exists());
        assert_eq!(std::fs::read_to_string(out.join("notes/c.html")).unwrap(), "c");
        let before = std::fs::read_to_string(out.join(MARKER)).unwrap();
        let r = dir.write(&[page("notes/a.html", "n2"), page("notes/c.html", "c"), page("index.html", "a")]).unwrap();
        assert_eq!(r, WriteReport { written: 1, unchanged: 2, removed: 0 });
        let after = std::fs::read_to_string(out.join(MARKER)).unwrap();
        let appended = after.strip_prefix(before.as_str()).expect("lines appended");
        assert!(appended.ends_with(" notes/a.html\n") && appended.lines().count() == 1, "{appended}");
        let listed: Vec<String> = OutputDir::open(&out, out.parent().unwrap()).unwrap().owned.into_keys().collect();
        assert_eq!(listed, ["index.html", "notes/a.html", "notes/c.html"]);
    }

    /// A build stages each page as it is rendered: nothing is in place
    /// until the commit, and a build that stops before it (a page failed
    /// to render) leaves the folder as it was, temporary files gone.
    #[test]
    fn staged_pages_are_in_place_only_after_the_commit() {
        let (_tmp, _, out, mut dir) = fresh();
        dir.write(&[page("index.html", "a"), page("notes/n.html", "n")]).unwrap();
        let files = |out: &Path| {
            let mut names: Vec<String> = walkdir::WalkDir::new(out)
                .into_iter()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_file())
                .map(|e| e.path().strip_prefix(out).unwrap().display().to_string())
                .collect();
            names.sort();
            names
        };
        let before = files(&out);
        dir.begin().unwrap();
        let staged = vec![
            dir.stage(&page("index.html", "b")).unwrap(),
            dir.stage(&page("notes/n.html", "n")).unwrap(),
            dir.stage(&page("weeks/w.html", "w")).unwrap(),
        ];
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "a");
        assert!(!out.join("weeks").exists());
        assert_eq!(files(&out).len(), before.len() + 2, "two temporary files: the unchanged page has none");
        drop(staged);
        assert_eq!(files(&out), before, "an abandoned build leaves no trace");
        dir.begin().unwrap();
        let staged = vec![
            dir.stage(&page("weeks/w.html", "w")).unwrap(),
            dir.stage(&page("index.html", "b")).unwrap(),
            dir.stage(&page("notes/n.html", "n")).unwrap(),
        ];
        let r = dir.commit(staged).unwrap();
        assert_eq!(r, WriteReport { written: 2, unchanged: 1, removed: 0 });
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "b");
        assert_eq!(std::fs::read_to_string(out.join("weeks/w.html")).unwrap(), "w");
        assert_eq!(files(&out), [MARKER, "index.html", "notes/n.html", "weeks/w.html"]);
    }

    /// A first build into an empty folder writes each page straight to its
    /// path, its marker line first: a build killed midway leaves only
    /// files its marker lists, and the next build takes the folder as its
    /// own and mends what was cut short.
    #[test]
    fn a_first_build_writes_in_place_and_lists_each_page_first() {
        let (_tmp, journal, out, mut dir) = fresh();
        dir.begin().unwrap();
        let a = dir.stage(&page("index.html", "a")).unwrap();
        let n = dir.stage(&page("notes/2026/n.html", "n")).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("notes/2026/n.html")).unwrap(), "n", "in place at once");
        let marker = std::fs::read_to_string(out.join(MARKER)).unwrap();
        assert!(marker.contains(" index.html\n") && marker.contains(" notes/2026/n.html\n"), "{marker}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(out.join("index.html")).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644);
        }
        let r = dir.commit(vec![n, a]).unwrap();
        assert_eq!(r, WriteReport { written: 2, unchanged: 0, removed: 0 });
        let text = std::fs::read_to_string(out.join(MARKER)).unwrap();
        assert_eq!(text.lines().filter(|l| !l.starts_with('#')).count(), 2);
        // The next build of the same pages writes nothing.
        assert_eq!(dir.write(&[page("index.html", "a"), page("notes/2026/n.html", "n")]).unwrap().written, 0);

        // Killed midway: one page written, one cut short, no commit.
        let other = out.parent().unwrap().join("_other");
        let mut dir = OutputDir::open(&other, &journal).unwrap();
        dir.begin().unwrap();
        drop(dir.stage(&page("index.html", "whole")).unwrap());
        drop(dir.stage(&page("deals/d.html", "a deal page")).unwrap());
        std::fs::write(other.join("deals/d.html"), "a de").unwrap();
        drop(dir);
        let mut dir = OutputDir::open(&other, &journal).expect("the folder is recognisably saleslog's");
        let r = dir.write(&[page("index.html", "whole"), page("deals/d.html", "a deal page")]).unwrap();
        assert_eq!(r, WriteReport { written: 1, unchanged: 1, removed: 0 });
        assert_eq!(std::fs::read_to_string(other.join("deals/d.html")).unwrap(), "a deal page");
    }

    /// A file or a symlink that appears in an empty output folder while a
    /// first build runs is never written over nor followed.
    #[test]
    fn a_first_build_never_writes_over_what_appears_meanwhile() {
        let (tmp, _, out, mut dir) = fresh();
        dir.begin().unwrap();
        std::fs::write(out.join("index.html"), "the user's").unwrap();
        let err = dir.stage(&page("index.html", "a")).unwrap_err().to_string();
        assert!(err.contains("refusing to overwrite"), "{err}");
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "the user's");
        #[cfg(unix)]
        {
            let elsewhere = tmp.path().join("elsewhere");
            std::fs::create_dir(&elsewhere).unwrap();
            std::os::unix::fs::symlink(&elsewhere, out.join("weeks")).unwrap();
            let err = dir.stage(&page("weeks/w.html", "w")).unwrap_err().to_string();
            assert!(err.contains("symlink"), "{err}");
            assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
        }
    }

    /// A part of the site is written alone: its pages replaced, its stale
    /// pages removed, and every page outside it kept, listed and untouched.
    #[test]
    fn a_part_is_committed_alone_and_the_rest_is_kept() {
        let (_tmp, journal, out, mut dir) = fresh();
        let team = [page("index.html", "grid"), page("members/a/index.html", "a"), page("members/a/x.html", "x")];
        let b = page("members/b/index.html", "b");
        dir.write(&[team[0].clone(), team[1].clone(), team[2].clone(), b.clone()]).unwrap();
        let b_time = std::fs::metadata(out.join("members/b/index.html")).unwrap().modified().unwrap();
        let in_a = |p: &str| !p.starts_with("members/") || p.starts_with("members/a/");
        for (round, grid) in ["grid2", "grid3"].into_iter().enumerate() {
            dir.begin().unwrap();
            // Round 0 drops members/a/x.html (a new set of files); round 1
            // has the same files as round 0 (the marker is appended to).
            let staged = vec![
                dir.stage(&page("index.html", grid)).unwrap(),
                dir.stage(&page("members/a/index.html", "a")).unwrap(),
            ];
            let r = dir.commit_within(staged, &in_a).unwrap();
            assert_eq!(r, WriteReport { written: 1, unchanged: 1, removed: usize::from(round == 0) }, "round {round}");
            assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), grid);
        }
        assert!(!out.join("members/a/x.html").exists());
        assert_eq!(std::fs::read_to_string(out.join("members/b/index.html")).unwrap(), "b");
        assert_eq!(std::fs::metadata(out.join("members/b/index.html")).unwrap().modified().unwrap(), b_time);
        // A fresh build reads the marker back: every page is still saleslog's.
        let mut again = OutputDir::open(&out, &journal).unwrap();
        let r = again.write(&[page("index.html", "grid3"), page("members/a/index.html", "a"), b]).unwrap();
        assert_eq!(r, WriteReport { written: 0, unchanged: 3, removed: 0 });
        // A page outside the part is refused, not silently kept.
        again.begin().unwrap();
        let stray = vec![again.stage(&page("members/b/index.html", "b")).unwrap()];
        assert!(again.commit_within(stray, &|p| p == "index.html").is_err());
    }

    /// A watch session's save appends the changed pages' lines to the
    /// marker, which a new build reads back with the last line winning.
    #[test]
    fn a_save_appends_to_the_marker_and_the_last_line_wins() {
        let (_tmp, journal, out, mut dir) = fresh();
        dir.write(&[page("index.html", "a"), page("notes/n.html", "n")]).unwrap();
        let whole = std::fs::read_to_string(out.join(MARKER)).unwrap();
        let r = dir.write(&[page("index.html", "bb"), page("notes/n.html", "n")]).unwrap();
        assert_eq!(r, WriteReport { written: 1, unchanged: 1, removed: 0 });
        let marker = std::fs::read_to_string(out.join(MARKER)).unwrap();
        assert_eq!(marker, format!("{whole}{:016x} 2 index.html\n", page_hash(b"bb")));
        let mut fresh = OutputDir::open(&out, &journal).unwrap();
        let r = fresh.write(&[page("index.html", "bb"), page("notes/n.html", "n")]).unwrap();
        assert_eq!(r, WriteReport { written: 0, unchanged: 2, removed: 0 }, "the appended line is the one read");
        // A new set of pages writes the marker whole again.
        fresh.write(&[page("index.html", "bb")]).unwrap();
        let marker = std::fs::read_to_string(out.join(MARKER)).unwrap();
        assert_eq!(marker.matches("index.html").count(), 1, "{marker}");
    }

    /// Run `hook` at each hook point of this thread's writes ([`HOOK`]).
    #[cfg(unix)]
    fn at_hook(hook: impl Fn(&str) + 'static) {
        HOOK.with(|h| *h.borrow_mut() = Some(Box::new(hook)));
    }

    /// A folder outside the output holding `names`, each "PRECIOUS", and
    /// a function that swaps the output's `folder` for a link to it (the
    /// real folder moved aside, still inside the output).
    #[cfg(unix)]
    fn victim(tmp: &Path, out: &Path, folder: &str, names: &[&str]) -> (PathBuf, impl Fn() + 'static) {
        let victim = tmp.join("victim");
        std::fs::create_dir(&victim).unwrap();
        for name in names {
            std::fs::write(victim.join(name), "PRECIOUS").unwrap();
        }
        let (real, aside, target) = (out.join(folder), out.join(format!("{folder}.real")), victim.clone());
        let swap = move || {
            std::fs::rename(&real, &aside).unwrap();
            std::os::unix::fs::symlink(&target, &real).unwrap();
        };
        (victim, swap)
    }

    /// The victim's files, all still "PRECIOUS", and no other.
    #[cfg(unix)]
    fn untouched(victim: &Path, names: &[&str]) {
        let mut found: Vec<String> =
            std::fs::read_dir(victim).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        found.sort();
        assert_eq!(found, names, "nothing new outside the output");
        for name in names {
            assert_eq!(std::fs::read_to_string(victim.join(name)).unwrap(), "PRECIOUS", "{name}");
        }
    }

    /// A page folder swapped for a symlink after it was checked and before
    /// the pages are renamed into it (a `renameat2` exchange loop racing
    /// the build): the pages land in the real folder, never through the
    /// link, and a page new to the folder neither.
    #[cfg(unix)]
    #[test]
    fn a_folder_swapped_for_a_link_before_the_renames_is_not_followed() {
        let (tmp, journal, out, mut dir) = fresh();
        dir.write(&[page("index.html", "i"), page("deals/a.html", "a"), page("deals/b.html", "b")]).unwrap();
        let (victim, swap) = victim(tmp.path(), &out, "deals", &["a.html", "b.html"]);
        at_hook(move |at| {
            if at == "rename" {
                swap()
            }
        });
        let pages = [
            page("index.html", "i"),
            page("deals/a.html", "a2"),
            page("deals/b.html", "b2"),
            page("deals/c.html", "c"),
        ];
        let _ = dir.write(&pages);
        untouched(&victim, &["a.html", "b.html"]);
        assert_eq!(std::fs::read_to_string(out.join("deals.real/a.html")).unwrap(), "a2");
        assert_eq!(std::fs::read_to_string(out.join("deals.real/c.html")).unwrap(), "c");
        // The next build sees the link and refuses it.
        at_hook(|_| {});
        let err = OutputDir::open(&out, &journal).unwrap().write(&pages).unwrap_err().to_string();
        assert!(err.contains("symlink"), "{err}");
        untouched(&victim, &["a.html", "b.html"]);
    }

    /// A first build creates each page relative to its folder, opened once:
    /// the folder swapped for a link after its first page (or between the
    /// check and a create) does not lead the next page outside.
    #[cfg(unix)]
    #[test]
    fn a_first_build_never_creates_through_a_folder_swapped_meanwhile() {
        let (tmp, _, out, mut dir) = fresh();
        dir.begin().unwrap();
        let a = dir.stage(&page("deals/a.html", "a")).unwrap();
        let (victim, swap) = victim(tmp.path(), &out, "deals", &[]);
        swap();
        let b = dir.stage(&page("deals/b.html", "b")).unwrap();
        untouched(&victim, &[]);
        assert_eq!(std::fs::read_to_string(out.join("deals.real/b.html")).unwrap(), "b");
        dir.commit(vec![a, b]).unwrap();
        untouched(&victim, &[]);
    }

    /// A stale page's folder swapped for a link to a folder holding the
    /// same bytes, between the check of the page and its removal: the
    /// file removed is saleslog's own, never the one through the link.
    #[cfg(unix)]
    #[test]
    fn a_folder_swapped_before_a_removal_does_not_redirect_it() {
        let (tmp, _, out, mut dir) = fresh();
        dir.write(&[page("index.html", "i"), page("deals/old.html", "PRECIOUS")]).unwrap();
        let (victim, swap) = victim(tmp.path(), &out, "deals", &["old.html"]);
        at_hook(move |at| {
            if at == "unlink" {
                swap()
            }
        });
        let r = dir.write(&[page("index.html", "i")]).unwrap();
        assert_eq!(r.removed, 1);
        untouched(&victim, &["old.html"]);
        assert_eq!(std::fs::read_dir(out.join("deals.real")).unwrap().count(), 0, "removed from the real folder");
        // The name of the emptied folder is now the link: left alone.
        assert!(out.join("deals").symlink_metadata().unwrap().file_type().is_symlink());
    }

    /// A marker that is no plain text file of reasonable size is refused,
    /// naming it and saying what to do, without hanging on a pipe or
    /// reading a device without end.
    #[test]
    fn a_marker_that_is_no_plain_file_is_refused_with_a_hint() {
        let (_tmp, journal, out, mut dir) = fresh();
        dir.write(&[page("index.html", "a")]).unwrap();
        let marker = out.join(MARKER);
        let refused = |why: &str| {
            let err = OutputDir::open(&out, &journal).unwrap_err().to_string();
            assert!(err.contains(&marker.display().to_string()) && err.contains(why), "{err}");
            assert!(err.contains("delete the folder") && err.contains("-o"), "{err}");
        };
        let mut text = std::fs::read(&marker).unwrap();
        text.extend_from_slice(b"\xff\xfe.html\n");
        std::fs::write(&marker, &text).unwrap();
        refused("is not UTF-8 text");
        std::fs::remove_file(&marker).unwrap();
        std::fs::create_dir(&marker).unwrap();
        refused("not a regular file");
        std::fs::remove_dir(&marker).unwrap();
        std::fs::File::create(&marker).unwrap().set_len(MARKER_LIMIT + 1).unwrap();
        refused("larger than 64 MiB");
        std::fs::remove_file(&marker).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/dev/zero", &marker).unwrap();
            refused("is a symlink");
            std::fs::remove_file(&marker).unwrap();
            assert!(std::process::Command::new("mkfifo").arg(&marker).status().unwrap().success());
            refused("not a regular file");
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
        let old = format!("{:016x} 1 old.html\n", page_hash(b"x"));
        std::fs::write(out.join(MARKER), format!("../precious.txt\n/etc/hosts\n{old}unknown.html\n")).unwrap();
        std::fs::write(out.join("old.html"), "x").unwrap();
        std::fs::write(out.join("unknown.html"), "y").unwrap();
        let mut dir = OutputDir::open(&out, &journal).unwrap();
        let r = dir.write(&[page("index.html", "a")]).unwrap();
        assert_eq!(r.removed, 1);
        assert!(tmp.path().join("precious.txt").exists());
        // Listed without a hash: saleslog cannot tell it wrote those bytes.
        assert!(out.join("unknown.html").exists());
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
        assert!(refused(&journal.join("templates")).contains("templates folder"));
        assert!(refused(&journal.join("Templates/site")).contains("templates folder"));
        assert!(refused(&journal.join(".GIT")).contains("metadata folder"));
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

    /// A first build into an empty folder that stops midway (a page it
    /// cannot write, remembered by hash only; or a page that failed to
    /// render) leaves no trace of that page, and the next write takes the
    /// pages it did write as saleslog's, even when the marker's time did
    /// not move (a coarse clock: every write within one tick).
    #[test]
    fn a_first_build_that_stopped_midway_is_written_by_the_next() {
        let tmp = tempfile::tempdir().unwrap();
        let journal = tmp.path().join("journal");
        std::fs::create_dir(&journal).unwrap();
        let out = journal.join("_site");
        let mut dir = OutputDir::open(&out, &journal).unwrap();
        let (a, b) = (page("a.html", "aaa"), page("notes/b.html", "bbb"));
        dir.begin().unwrap();
        assert!(dir.fresh.is_some() && !dir.trusted());
        let header_time = dir.marker_time.unwrap();
        dir.stage(&a).unwrap();
        let e = dir.stage(&b.remembered()).unwrap_err();
        assert!(matches!(e, Error::Forgotten { .. }), "{e}");
        assert!(!out.join("notes/b.html").exists(), "no empty file for the page not written");
        assert!(!std::fs::read_to_string(out.join(MARKER)).unwrap().contains("notes/b.html"));
        std::fs::File::options().append(true).open(out.join(MARKER)).unwrap().set_modified(header_time).unwrap();

        let r = dir.write(&[a.clone(), b.clone()]).unwrap();
        assert_eq!((r.written, r.unchanged), (1, 1));
        assert_eq!(std::fs::read_to_string(out.join("notes/b.html")).unwrap(), "bbb");
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "aaa");
    }

    /// A file of someone's that appears at a page's path while a first
    /// build runs is refused, and its line taken out of the marker: the
    /// next build refuses it too, never overwrites it.
    #[cfg(unix)]
    #[test]
    fn a_file_refused_in_a_first_build_is_not_taken_as_saleslogs_by_the_next() {
        let (_tmp, journal, out, mut dir) = fresh();
        let o = out.clone();
        at_hook(move |at| {
            if at == "create" && !o.join("index.html").exists() {
                std::fs::write(o.join("index.html"), "the user's").unwrap();
            }
        });
        let err = dir.write(&[page("index.html", "a")]).unwrap_err().to_string();
        at_hook(|_| {});
        assert!(err.contains("refusing to overwrite"), "{err}");
        assert!(!std::fs::read_to_string(out.join(MARKER)).unwrap().contains("index.html"));
        let again = OutputDir::open(&out, &journal).unwrap().write(&[page("index.html", "a")]);
        assert!(again.unwrap_err().to_string().contains("refusing to overwrite"));
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "the user's");
    }

    /// A file of someone's that appears at a new page's path between the
    /// staging and the commit: the commit is refused before any page is
    /// replaced, the marker no longer lists that path, and the next build
    /// refuses the file too.
    #[test]
    fn a_file_that_appears_at_a_new_pages_path_before_the_commit_is_never_overwritten() {
        let (_tmp, journal, out, mut dir) = fresh();
        dir.write(&[page("index.html", "i"), page("old.html", "o")]).unwrap();
        let mut dir = OutputDir::open(&out, &journal).unwrap();
        dir.begin().unwrap();
        let staged = vec![
            dir.stage(&page("index.html", "i2")).unwrap(),
            dir.stage(&page("old.html", "o2")).unwrap(),
            dir.stage(&page("new.html", "n")).unwrap(),
        ];
        std::fs::write(out.join("new.html"), "the user's").unwrap();
        let err = dir.commit(staged).unwrap_err().to_string();
        assert!(err.contains("refusing to overwrite"), "{err}");
        // As it was: no page replaced.
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "i");
        assert_eq!(std::fs::read_to_string(out.join("old.html")).unwrap(), "o");
        assert!(!std::fs::read_to_string(out.join(MARKER)).unwrap().contains("new.html"));
        let again = OutputDir::open(&out, &journal).unwrap().write(&[page("index.html", "i2"), page("new.html", "n")]);
        assert!(again.unwrap_err().to_string().contains("refusing to overwrite"));
        assert_eq!(std::fs::read_to_string(out.join("new.html")).unwrap(), "the user's");
        // Once the file is moved away, old.html is still known as
        // saleslog's: removed when no longer made.
        std::fs::remove_file(out.join("new.html")).unwrap();
        let r = OutputDir::open(&out, &journal).unwrap().write(&[page("index.html", "i2")]).unwrap();
        assert_eq!(r.removed, 1);
        assert!(!out.join("old.html").exists());
    }

    /// A commit that fails after some pages were replaced (here: a page's
    /// folder made unwritable) lists the replaced pages with their new
    /// hashes, so saleslog still knows them as its own.
    #[cfg(unix)]
    #[test]
    fn a_commit_that_fails_midway_lists_the_pages_it_replaced() {
        let (_tmp, journal, out, mut dir) = fresh();
        dir.write(&[page("a.html", "a"), page("notes/b.html", "b")]).unwrap();
        let mut dir = OutputDir::open(&out, &journal).unwrap();
        dir.begin().unwrap();
        let staged = vec![dir.stage(&page("a.html", "a2")).unwrap(), dir.stage(&page("notes/b.html", "b2")).unwrap()];
        // Once the folders are open: a folder where b's page goes, which
        // its rename cannot replace.
        let o = out.clone();
        at_hook(move |at| {
            if at == "rename" {
                std::fs::remove_file(o.join("notes/b.html")).unwrap();
                std::fs::create_dir_all(o.join("notes/b.html/inside")).unwrap();
            }
        });
        let failed = dir.commit(staged);
        at_hook(|_| {});
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "a2");
        std::fs::remove_dir_all(out.join("notes/b.html")).unwrap();
        let r = OutputDir::open(&out, &journal).unwrap().write(&[]).unwrap();
        assert_eq!(r.removed, 1, "a.html, replaced, is still saleslog's");
        assert!(!out.join("a.html").exists());
    }

    /// The output folder swapped for a link to another folder between the
    /// staging and the commit: nothing is written there, marker included.
    #[cfg(unix)]
    #[test]
    fn no_marker_is_written_through_an_output_folder_swapped_for_a_link() {
        let (tmp, journal, out, mut dir) = fresh();
        dir.write(&[page("index.html", "i")]).unwrap();
        let victim = tmp.path().join("victim");
        std::fs::create_dir(&victim).unwrap();
        std::fs::write(victim.join("index.html"), "PRECIOUS").unwrap();
        let mut dir = OutputDir::open(&out, &journal).unwrap();
        dir.begin().unwrap();
        let staged = vec![dir.stage(&page("index.html", "i")).unwrap(), dir.stage(&page("new.html", "n")).unwrap()];
        std::fs::rename(&out, journal.join("_site.real")).unwrap();
        std::os::unix::fs::symlink(&victim, &out).unwrap();
        assert!(dir.commit(staged).is_err());
        let names: Vec<_> = std::fs::read_dir(&victim).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["index.html"], "nothing written outside the output");
        assert_eq!(std::fs::read_to_string(victim.join("index.html")).unwrap(), "PRECIOUS");
    }
}
