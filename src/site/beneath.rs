//! Files beneath a folder, reached without following a symlink (unix).
//!
//! A check by path ("this page folder is a real folder") and a write by
//! path are two lookups of the same name: between them, anyone who can
//! write into the output folder can swap a folder for a symlink, and the
//! write lands where the link points (a build racing a `renameat2`
//! exchange loop overwrote every file of a folder outside its output; a
//! server racing one served a file from outside). Here the top folder is
//! held open as a descriptor, each folder below it is opened from its
//! parent one name at a time with `O_NOFOLLOW`, and files are created,
//! opened, renamed and removed relative to those descriptors: the folder
//! that was checked is the folder written to. A folder swapped for a link
//! before it is opened is refused (`ELOOP`, `ENOTDIR`); one swapped after
//! no longer matters, as the descriptor still names the real folder.
//!
//! [`Root`] keeps the folders it opened, so a build of thousands of pages
//! in a few dozen folders opens each folder once. Other systems keep the
//! path-based code of the callers.

use rustix::fs::{self as rfs, AtFlags, Mode, OFlags, CWD};
use rustix::io::Errno;
use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::os::fd::OwnedFd;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// How a folder is opened: never through a symlink, never inherited by a
/// child process.
const FOLDER: OFlags = OFlags::RDONLY.union(OFlags::DIRECTORY).union(OFlags::NOFOLLOW).union(OFlags::CLOEXEC);

/// An open folder: the files and folders below it are reached from it.
#[derive(Debug)]
pub struct Folder(OwnedFd);

/// Whether an open of a folder failed because a symlink or a file stands
/// at its name (FreeBSD says `EMLINK` for a symlink under `O_NOFOLLOW`).
pub fn is_link_or_file(e: &io::Error) -> bool {
    [Errno::LOOP, Errno::NOTDIR, Errno::MLINK].iter().any(|n| e.raw_os_error() == Some(n.raw_os_error()))
}

impl Folder {
    /// Open the folder at `path`; its last name may not be a symlink (the
    /// path up to it is the user's own, as given).
    pub fn open(path: &Path) -> io::Result<Folder> {
        Ok(Folder(rfs::openat(CWD, path, FOLDER, Mode::empty())?))
    }

    /// The folder `name` (one name, no `/`) in this one, never a symlink;
    /// made first when missing and `make`.
    pub fn child(&self, name: &str, make: bool) -> io::Result<Folder> {
        match rfs::openat(&self.0, name, FOLDER, Mode::empty()) {
            Err(Errno::NOENT) if make => {
                match rfs::mkdirat(&self.0, name, Mode::from_raw_mode(0o777)) {
                    // Made meanwhile (another thread of the same build):
                    // opened like any other, so a link there is refused.
                    Ok(()) | Err(Errno::EXIST) => {}
                    Err(e) => return Err(e.into()),
                }
                Ok(Folder(rfs::openat(&self.0, name, FOLDER, Mode::empty())?))
            }
            other => Ok(Folder(other?)),
        }
    }

    /// Create the file `name` in this folder, new: never over an existing
    /// file, never through a symlink (`O_EXCL` does not follow one), with
    /// a served page's permissions 0644 (less what the umask takes).
    pub fn create_new(&self, name: &str) -> io::Result<File> {
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        Ok(File::from(rfs::openat(&self.0, name, flags, Mode::from_raw_mode(0o644))?))
    }

    /// Open the file `name` in this folder for reading, never through a
    /// symlink, and without waiting on a FIFO: the caller checks that it
    /// is a regular file (`File::metadata`).
    pub fn open_file(&self, name: &str) -> io::Result<File> {
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        Ok(File::from(rfs::openat(&self.0, name, flags, Mode::empty())?))
    }

    /// Rename `from` in this folder to `name` in `to`. With `replace`
    /// false, an existing `name` is never replaced (`RENAME_NOREPLACE`
    /// where the system has it; `EEXIST` then).
    pub fn rename(&self, from: &std::ffi::OsStr, to: &Folder, name: &str, replace: bool) -> io::Result<()> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if !replace {
            match rfs::renameat_with(&self.0, from, &to.0, name, rfs::RenameFlags::NOREPLACE) {
                // A file system without the flag: the caller checked the
                // name was free when the page was staged.
                Err(Errno::INVAL | Errno::NOSYS) => {}
                other => return Ok(other?),
            }
        }
        let _ = replace;
        Ok(rfs::renameat(&self.0, from, &to.0, name)?)
    }

    /// The identity (device, inode) of `name` in this folder, not
    /// following a symlink.
    pub fn identity(&self, name: &str) -> io::Result<(u64, u64)> {
        let stat = rfs::statat(&self.0, name, AtFlags::SYMLINK_NOFOLLOW)?;
        #[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
        Ok((stat.st_dev as u64, stat.st_ino as u64))
    }

    /// Remove the file (or symlink) `name` of this folder.
    pub fn remove_file(&self, name: &str) -> io::Result<()> {
        Ok(rfs::unlinkat(&self.0, name, AtFlags::empty())?)
    }

    /// Remove the folder `name` of this one if it is empty.
    pub fn remove_empty_folder(&self, name: &str) -> io::Result<()> {
        Ok(rfs::unlinkat(&self.0, name, AtFlags::REMOVEDIR)?)
    }
}

/// `rel` (relative, `/`-separated) split into its folder (`""` for the top)
/// and its last name.
pub fn split(rel: &str) -> (&str, &str) {
    rel.rsplit_once('/').unwrap_or(("", rel))
}

/// Why a folder below the top could not be reached: the folder (relative)
/// where it failed, and the error.
#[derive(Debug)]
pub struct FolderError {
    pub at: String,
    pub error: io::Error,
}

/// A top folder and the folders below it opened so far, shared by the
/// threads of one build.
#[derive(Debug)]
pub struct Root {
    top: Arc<Folder>,
    below: Mutex<HashMap<String, Arc<Folder>>>,
}

impl Root {
    /// Open the folder at `path` as the top ([`Folder::open`]).
    pub fn open(path: &Path) -> io::Result<Root> {
        Ok(Root { top: Arc::new(Folder::open(path)?), below: Mutex::default() })
    }

    /// The top folder.
    pub fn top(&self) -> &Folder {
        &self.top
    }

    /// The folder `rel` below the top (`""`: the top), reached one name at
    /// a time from the top, never through a symlink; missing folders are
    /// made when `make`. Each folder is opened once and kept.
    pub fn folder(&self, rel: &str, make: bool) -> Result<Arc<Folder>, FolderError> {
        if rel.is_empty() {
            return Ok(self.top.clone());
        }
        if let Some(open) = self.below.lock().unwrap_or_else(|e| e.into_inner()).get(rel) {
            return Ok(open.clone());
        }
        let (parent, name) = split(rel);
        let parent = self.folder(parent, make)?;
        let folder = Arc::new(parent.child(name, make).map_err(|error| FolderError { at: rel.to_string(), error })?);
        // Two threads may open the same folder at once: either is the folder.
        self.below.lock().unwrap_or_else(|e| e.into_inner()).insert(rel.to_string(), folder.clone());
        Ok(folder)
    }

    /// Forget the folder `rel` (it was removed), and the folders below it.
    pub fn forget(&self, rel: &str) {
        let below = format!("{rel}/");
        self.below.lock().unwrap_or_else(|e| e.into_inner()).retain(|k, _| k != rel && !k.starts_with(&below));
    }

    /// Open the file `rel` below the top for reading: every folder on the
    /// way and the file itself reached without following a symlink.
    pub fn open_file(&self, rel: &str) -> io::Result<File> {
        let (folder, name) = split(rel);
        self.folder(folder, false).map_err(|e| e.error)?.open_file(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::os::unix::fs::symlink;

    /// The top, a folder `deals` with a file, and outside it a folder
    /// `elsewhere` with the same file name.
    fn tree() -> (tempfile::TempDir, std::path::PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path().join("top");
        std::fs::create_dir_all(top.join("deals")).unwrap();
        std::fs::write(top.join("deals/a.html"), "inside").unwrap();
        std::fs::create_dir(tmp.path().join("elsewhere")).unwrap();
        std::fs::write(tmp.path().join("elsewhere/a.html"), "outside").unwrap();
        (tmp, top)
    }

    fn read(mut file: File) -> String {
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        text
    }

    /// A folder opened before it is swapped for a link keeps naming the
    /// real folder; one swapped before it is opened is refused.
    #[test]
    fn a_folder_swapped_for_a_link_is_never_followed() {
        let (tmp, top) = tree();
        let root = Root::open(&top).unwrap();
        let deals = root.folder("deals", false).unwrap();
        std::fs::rename(top.join("deals"), top.join("moved")).unwrap();
        symlink(tmp.path().join("elsewhere"), top.join("deals")).unwrap();
        assert_eq!(read(deals.open_file("a.html").unwrap()), "inside");
        deals.create_new("b.html").unwrap();
        assert!(top.join("moved/b.html").exists() && !tmp.path().join("elsewhere/b.html").exists());

        let again = Root::open(&top).unwrap();
        let err = again.folder("deals", true).unwrap_err();
        assert!(is_link_or_file(&err.error), "{err:?}");
        assert_eq!(err.at, "deals");
        assert!(again.open_file("deals/a.html").is_err());
        symlink(top.join("moved/a.html"), top.join("link.html")).unwrap();
        assert!(again.open_file("link.html").is_err(), "a link to a file inside is not followed either");
        assert!(Folder::open(&top.join("deals")).is_err());
    }

    #[test]
    fn folders_are_made_and_files_created_new_renamed_and_removed() {
        let (_tmp, top) = tree();
        let root = Root::open(&top).unwrap();
        let deep = root.folder("notes/2026", true).unwrap();
        assert!(top.join("notes/2026").is_dir());
        std::io::Write::write_all(&mut deep.create_new("n.html").unwrap(), b"n").unwrap();
        assert_eq!(deep.create_new("n.html").unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        root.top().create_new("t.tmp").unwrap();
        #[cfg(any(target_os = "linux", target_os = "android"))]
        assert_eq!(
            root.top().rename("t.tmp".as_ref(), &deep, "n.html", false).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        root.top().rename("t.tmp".as_ref(), &deep, "n.html", true).unwrap();
        assert_eq!(std::fs::read_to_string(top.join("notes/2026/n.html")).unwrap(), "");
        deep.remove_file("n.html").unwrap();
        root.folder("notes", false).unwrap().remove_empty_folder("2026").unwrap();
        root.forget("notes/2026");
        assert!(root.folder("notes/2026", false).is_err());
        assert_eq!(split("a/b/c.html"), ("a/b", "c.html"));
        assert_eq!(split("c.html"), ("", "c.html"));
    }
}
