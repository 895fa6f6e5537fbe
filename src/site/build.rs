//! `saleslog build`: render every page, then write the ones that changed.
//!
//! Each page is written to a temporary file as soon as it is rendered, and
//! put in place only once every page rendered, so a failed render (a broken
//! template override) leaves the previous output untouched while a build
//! never holds the whole site in memory; `watch` keeps a [`Builder`] alive:
//! templates parsed once, page hashes remembered, each rebuild writing only
//! what changed.

use crate::error::{Error, Result};
use crate::model::diagnostic::{Diagnostic, Tally};
use crate::render::{Page, Renderer};
use crate::site::output_dir::{OutputDir, WriteReport};
use crate::site::workspace::Workspace;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a build did.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildReport {
    /// The output folder, resolved.
    pub output: PathBuf,
    /// Pages (and the stylesheet) the site has.
    pub pages: usize,
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Problems in the notes (shown on the data page); errors make `build`
    /// exit 1.
    pub errors: usize,
    pub warnings: usize,
    /// The errors themselves (for `serve`'s overlay).
    pub problems: Vec<Diagnostic>,
    pub elapsed: Duration,
}

impl BuildReport {
    /// One line for the terminal.
    pub fn summary(&self) -> String {
        let problems = match (self.errors, self.warnings) {
            (0, 0) => String::new(),
            (e, w) => format!(
                "; notes have {e} error{} and {w} warning{} (see data.html or `saleslog check`)",
                if e == 1 { "" } else { "s" },
                if w == 1 { "" } else { "s" }
            ),
        };
        format!(
            "built {} pages into {} in {} ms: {} written, {} unchanged, {} removed{problems}",
            self.pages,
            self.output.display(),
            self.elapsed.as_millis(),
            self.written,
            self.unchanged,
            self.removed
        )
    }
}

/// A long-lived builder for one journal and one output folder.
#[derive(Debug)]
pub struct Builder {
    renderer: Renderer,
    output: OutputDir,
}

impl Builder {
    /// Check the output folder and load the templates (the journal's
    /// overrides included).
    pub fn new(ws: &Workspace, out: &Path) -> Result<Builder> {
        let output = OutputDir::open(out, &ws.root)?;
        let renderer = Renderer::for_journal(&ws.root)?;
        Ok(Builder { renderer, output })
    }

    /// A builder for a watch session: it remembers the pages it rendered,
    /// so a rebuild after one save sends only changed pages through tera.
    pub fn for_watch(ws: &Workspace, out: &Path) -> Result<Builder> {
        let mut builder = Builder::new(ws, out)?;
        builder.renderer = builder.renderer.memoizing();
        Ok(builder)
    }

    /// The pages of the site, without writing them.
    pub fn render(&self, ws: &Workspace, as_of: NaiveDate) -> Result<Vec<Page>> {
        self.renderer.render_site(ws, as_of)
    }

    /// Render and write.
    pub fn build(&mut self, ws: &Workspace, as_of: NaiveDate) -> Result<BuildReport> {
        let start = Instant::now();
        match self.build_once(ws, as_of, start) {
            // A watch session's folder wants written again a page the
            // session remembers by hash only (it was emptied, or changed by
            // someone else): every page is made afresh, bytes and all.
            Err(Error::Forgotten { .. }) => {
                self.renderer.forget_pages();
                self.build_once(ws, as_of, start)
            }
            done => done,
        }
    }

    fn build_once(&mut self, ws: &Workspace, as_of: NaiveDate, start: Instant) -> Result<BuildReport> {
        // Each page goes to a temporary file of the output folder as soon
        // as it is rendered, and only then into place, once every page has
        // rendered: a build holds one page per thread, never the whole
        // site, and a failed render still leaves the folder as it was.
        self.output.begin()?;
        if !self.output.trusted() {
            // A folder emptied, or written by someone else, since this
            // session last wrote it: no page is taken as remembered.
            self.renderer.forget_pages();
        }
        let output = &self.output;
        let (staged, diagnostics) = self.renderer.render_site_each(ws, as_of, &|page| output.stage(&page))?;
        let pages = staged.len();
        let tally = Tally::of(&diagnostics);
        let committed = self.output.commit(staged);
        self.renderer.free_garbage();
        let WriteReport { written, unchanged, removed } = committed?;
        Ok(BuildReport {
            output: self.output.path().to_path_buf(),
            pages,
            written,
            unchanged,
            removed,
            errors: tally.errors,
            warnings: tally.warnings,
            problems: diagnostics.into_iter().filter(Diagnostic::is_error).collect(),
            elapsed: start.elapsed(),
        })
    }
}

/// Build the site of `ws` as of `as_of` into `out` once.
pub fn build(ws: &Workspace, as_of: NaiveDate, out: &Path) -> Result<BuildReport> {
    Builder::new(ws, out)?.build(ws, as_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A watch session holds the pages it wrote by hash only; once another
    /// build wrote into its folder and someone edited a page by hand, the
    /// next build must write that page again, which it can only do by
    /// rendering afresh.
    #[test]
    fn a_watch_builder_mends_a_page_it_holds_by_hash_only() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal");
        std::fs::create_dir(&journal).unwrap();
        for day in 23..=26 {
            std::fs::write(journal.join(format!("2026-11-{day}.md")), format!("---\nmood: 4\n---\nDay {day}.\n"))
                .unwrap();
        }
        let out = dir.path().join("out");
        let mut ws = Workspace::load(&journal).unwrap();
        let d = crate::text::parse_date("2026-11-27").unwrap();
        let mut watching = Builder::for_watch(&ws, &out).unwrap();
        let first = watching.build(&ws, d).unwrap();
        assert_eq!(first.written, first.pages);
        // Every page taken as it was: the session holds none of their bytes.
        assert_eq!(watching.build(&ws, d).unwrap().written, 0);
        let kept = watching.render(&ws, d).unwrap();
        assert!(kept.iter().filter(|p| p.path.starts_with("notes/")).all(|p| p.bytes().is_none()));

        // Another build writes into the folder (its marker anew), then a
        // page is edited by hand.
        std::fs::write(journal.join("2026-11-26.md"), "---\nmood: 2\n---\nA hard day.\n").unwrap();
        ws.refresh().unwrap();
        assert!(build(&ws, d, &out).unwrap().written > 0);
        let page = out.join("notes/2026-11-24.html");
        let made = std::fs::read(&page).unwrap();
        std::fs::write(&page, "edited by hand").unwrap();
        let later = std::time::SystemTime::now() + Duration::from_secs(5);
        std::fs::File::options().write(true).open(&page).unwrap().set_modified(later).unwrap();

        let mended = watching.build(&ws, d).unwrap();
        assert_eq!(std::fs::read(&page).unwrap(), made);
        assert_eq!((mended.written, mended.pages), (1, first.pages));
    }
}
