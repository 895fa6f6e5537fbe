//! The dashboard in a real browser: headless Chromium loads it from
//! `file://` and we read what a person sees (the rendered DOM), and print
//! it and a weekly review to PDF to check they fit on one page.
//!
//! Chromium is Debian's `chromium` (installed by `.ci/run`). Without it the
//! test fails under CI (`CI` set) and is skipped elsewhere, said at the end
//! of the run ([`skip`]).

use crate::harness::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Chromium, or `None` (after saying why) when the test may be skipped.
fn browser() -> Option<PathBuf> {
    match find_chromium() {
        Some(b) => Some(b),
        None => {
            skip("chromium is not installed", "apt-get install chromium");
            None
        }
    }
}

fn headless(bin: &Path, profile: &Path, extra: &[String], page: &Path) -> std::process::Output {
    let mut cmd = Command::new(bin);
    cmd.args(CHROMIUM_ARGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()));
    cmd.output().expect("run chromium")
}

/// The text of an element's subtree in a serialised DOM: tags removed,
/// whitespace collapsed, entities of the text decoded.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", " ");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The serialised `<article id="box-…">` of a box.
fn box_html<'a>(dom: &'a str, area: &str) -> &'a str {
    let start = dom.find(&format!("id=\"box-{area}\"")).unwrap_or_else(|| panic!("no box {area} in the DOM"));
    let end = dom[start..].find("</article>").expect("box closes") + start;
    &dom[start..end]
}

#[test]
fn the_dashboard_shows_the_five_boxes_in_chromium() {
    let Some(bin) = browser() else { return };
    let j = Journal::sample();
    let run = j.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let profile = tempfile::tempdir().unwrap();
    let index = j.join("_site/index.html");
    let out = headless(&bin, profile.path(), &["--dump-dom".into()], &index);
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(dom.contains("</html>"), "chromium rendered nothing: {}", String::from_utf8_lossy(&out.stderr));

    // The figures a person should see, as `report` computes them.
    let report = j.run(&["report"]);
    let expected = [
        ("activity", "Activity", "90%", "watch"),
        ("attitude", "Attitude", "4.0 / 5", "on track"),
        ("commitments", "Commitments", "83%", "watch"),
        ("data", "Data", "today", "watch"),
        ("pipeline", "Pipeline", "2.1× coverage", "watch"),
    ];
    for (area, title, figure, words) in expected {
        assert!(report.stdout.contains(figure), "report and dashboard agree on {figure}: {}", report.stdout);
        let text = text_of(box_html(&dom, area));
        assert!(text.contains(title), "{area}: {text}");
        assert!(text.contains(figure), "{area}: expected {figure} in {text}");
        assert!(text.contains(words), "{area}: expected `{words}` in {text}");
    }
    // The reason of each box is on screen too.
    assert!(text_of(box_html(&dom, "activity")).contains("behind on calls 89/100"));
    assert!(text_of(box_html(&dom, "pipeline")).contains("2 deals without a next step"));
    // And the colour is carried by a mark as well.
    for mark in ["✓", "!"] {
        assert!(dom.contains(&format!(">{mark}<")), "mark {mark}");
    }
}

#[test]
fn the_dashboard_and_a_weekly_review_print_on_one_page() {
    let Some(bin) = browser() else { return };
    let j = Journal::sample();
    assert_eq!(j.run(&["build"]).code, 0);
    let profile = tempfile::tempdir().unwrap();
    for page in ["index.html", "weeks/2026-W48.html", "weeks/2026-W47.html"] {
        let pdf = profile.path().join("page.pdf");
        let _ = std::fs::remove_file(&pdf);
        let out = headless(
            &bin,
            profile.path(),
            &["--no-pdf-header-footer".into(), format!("--print-to-pdf={}", pdf.display())],
            &j.join(&format!("_site/{page}")),
        );
        let bytes = std::fs::read(&pdf)
            .unwrap_or_else(|_| panic!("no PDF for {page}: {}", String::from_utf8_lossy(&out.stderr)));
        // The page tree's `/Count` is the number of pages.
        let text = String::from_utf8_lossy(&bytes);
        let count = text.split("/Count ").nth(1).and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next());
        assert_eq!(count, Some("1"), "{page} prints on one page");
    }
}
