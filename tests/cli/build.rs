//! `saleslog build`: the pages (snapshots), their links and well-formedness,
//! escaping of everything a note can carry, the output folder's safety
//! rules, and repeatable builds.

use crate::harness::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn is_external(url: &str) -> bool {
    ["http:", "https:", "mailto:", "tel:"].iter().any(|s| url.starts_with(s))
}

/// Parse every page as XML (the pages are written to be well-formed) and
/// check that every internal `href` and `src` resolves to a file of the
/// site, and every `#fragment` to an `id` in its page. Returns the number
/// of links checked.
pub fn check_site(dir: &Path) -> usize {
    let files = tree(dir);
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut links: Vec<(String, String)> = Vec::new();
    for (rel, bytes) in files.iter().filter(|(rel, _)| rel.ends_with(".html")) {
        let text = std::str::from_utf8(bytes).unwrap_or_else(|_| panic!("{rel}: not UTF-8"));
        assert!(text.starts_with("<!DOCTYPE html>"), "{rel}: no doctype");
        let doc = roxmltree::Document::parse_with_options(
            text,
            roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
        )
        .unwrap_or_else(|e| panic!("{rel} is not well-formed: {e}"));
        let page_ids = ids.entry(rel.clone()).or_default();
        for node in doc.descendants().filter(|n| n.is_element()) {
            if let Some(id) = node.attribute("id") {
                assert!(page_ids.insert(id.to_string()), "{rel}: duplicate id {id}");
            }
            for name in ["href", "src"] {
                if let Some(url) = node.attribute(name) {
                    links.push((rel.clone(), url.to_string()));
                }
            }
        }
    }
    for (page, url) in &links {
        if is_external(url) {
            continue;
        }
        assert!(!url.starts_with('/'), "{page}: absolute link {url} breaks under file://");
        let (path, fragment) = url.split_once('#').map_or((url.as_str(), None), |(p, f)| (p, Some(f)));
        let target = if path.is_empty() {
            page.clone()
        } else {
            let base: PathBuf = Path::new(page).parent().unwrap().to_path_buf();
            let mut parts: Vec<String> =
                base.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            for part in path.split('/') {
                match part {
                    ".." => {
                        assert!(parts.pop().is_some(), "{page}: {url} climbs out of the site");
                    }
                    "." | "" => {}
                    p => parts.push(p.to_string()),
                }
            }
            parts.join("/")
        };
        assert!(files.contains_key(&target), "{page}: link {url} → {target} does not exist");
        if let Some(f) = fragment {
            assert!(ids.get(&target).is_some_and(|s| s.contains(f)), "{page}: {url}: no id {f} in {target}");
        }
    }
    links.len()
}

fn built(j: &Journal) -> Run {
    j.run(&["build"])
}

#[test]
fn fixture_pages_snapshot() {
    let j = Journal::fixture("build");
    let run = built(&j);
    // One note has an error: exit 1, everything still rendered.
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("1 error"), "{}", run.stderr);
    let files = tree(&j.join("_site"));
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    insta::assert_snapshot!("build_file_list", names.join("\n"));
    for (rel, bytes) in &files {
        if rel.ends_with(".html") {
            let name = format!("build_page_{}", rel.trim_end_matches(".html").replace('/', "_"));
            insta::assert_snapshot!(name, String::from_utf8_lossy(bytes));
        }
    }
}

#[test]
fn fixture_pages_have_what_the_issue_asks_for() {
    let j = Journal::fixture("build");
    built(&j);
    let page = |rel: &str| j.read(&format!("_site/{rel}"));
    let index = page("index.html");
    for area in ["activity", "attitude", "commitments", "data", "pipeline"] {
        assert!(index.contains(&format!("id=\"box-{area}\"")), "box {area}");
    }
    assert!(index.contains("An SE for the Acme pricing review"), "asks of the last 14 days");
    assert!(index.contains("Hooli signed"), "wins of the last 14 days");
    assert!(index.contains("class=\"alert red\""), "errors flagged on the dashboard");
    let data = page("data.html");
    assert!(data.contains("2026/11/2026-11-24.md:2:7"), "diagnostic with file and line");
    assert!(data.contains("href=\"notes/2026/11/2026-11-24.html#problems\""), "linked to the note's page");
    let commitments = page("commitments.html");
    assert!(commitments.contains("was Wed 18 Nov"), "a rescheduled commitment shows its original due date");
    assert!(commitments.contains("Bob Smith (Globex)"), "a ledger per person");
    let deal = page("deals/acme-corp.html");
    assert!(deal.contains("pushed 1×"), "close date pushes counted");
    assert!(deal.contains("class=\"timeline\""), "stage history as a timeline");
    let note = page("notes/2026/11/2026-11-17.html");
    assert!(note.contains("href=\"../../../notes/2026/11/2026-11-16.html\""), "links between notes resolve");
    assert!(note.contains("rel=\"prev\"") && note.contains("rel=\"next\""));
    let other = page("notes/2026/11/2026-11-24.html");
    assert!(other.contains("ticket") && other.contains("TCK-42"), "unknown keys shown");
    let week = page("weeks/2026-W47.html");
    for q in [
        "Which areas of my performance does my manager need to manage?",
        "Why should my activity and attitude never be my manager&#39;s concern?",
        "How much should my manager have to look at my pipeline?",
        "Where do I want my manager&#39;s help?",
    ] {
        assert!(week.contains(q), "reflection question {q}");
    }
    // No request leaves the machine; nothing needs JavaScript.
    for (rel, bytes) in tree(&j.join("_site")) {
        let text = String::from_utf8(bytes).unwrap();
        assert!(!text.contains("<script"), "{rel}");
        assert!(!text.contains("http://") && !text.contains("https://"), "{rel} refers to the network");
    }
}

#[test]
fn every_link_resolves_and_every_page_is_well_formed() {
    let j = Journal::fixture("build");
    built(&j);
    assert!(check_site(&j.join("_site")) > 100);
    let sample = Journal::sample();
    let run = built(&sample);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(check_site(&sample.join("_site")) > 1000);
}

#[test]
fn every_page_of_the_sample_journal() {
    let j = Journal::sample();
    let run = built(&j);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = tree(&j.join("_site"));
    for page in
        ["index.html", "activity.html", "attitude.html", "commitments.html", "pipeline.html", "data.html", "notes.html"]
    {
        assert!(files.contains_key(page), "{page}");
    }
    let count = |prefix: &str| files.keys().filter(|k| k.starts_with(prefix)).count();
    assert_eq!(count("notes/"), 67, "a page per note");
    assert_eq!(count("weeks/"), 13, "a page per ISO week");
    assert!(count("deals/") >= 15, "a page per deal");
}

/// Everything a note can carry, made hostile.
fn hostile() -> Journal {
    Journal::new()
        .file(
            "<img src=x onerror=alert(1)>.md",
            "---\ndate: 2026-11-26\nmood: 3\nwins: [\"<script>alert('win')</script>\"]\nhelp: ['\" onmouseover=\"alert(2)']\ntags: [\"<b onclick=alert(3)>\"]\n\"<svg onload=alert(4)>\": x\ndeals:\n  - name: \"<img src=y onerror=alert(5)>\"\n    stage: lead\n    next: \"</td><script>alert(6)</script>\"\ncommitments:\n  - what: \"<iframe src=javascript:alert(7)>\"\n    to: \"<a href=javascript:alert(8)>\"\n    due: 2026-11-30\n---\n<script>alert(9)</script>\n\nText <img src=x onerror=alert(10)> and <a href=\"javascript:alert(11)\">a</a>.\n\n[click](javascript:alert(12)) [data](data:text/html,<script>alert(13)</script>) [vb](VBScript:alert(14)) <javascript:alert(15)>\n\n![img](javascript:alert(16))\n\n<div onmouseover=\"alert(17)\">block</div>\n",
        )
        .note("2026-11-27", "mood: 4\nwins: [\"ok & fine\"]")
}

#[test]
fn nothing_executable_appears_in_any_page() {
    let j = hostile();
    let run = built(&j);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let files = tree(&j.join("_site"));
    assert!(files.len() > 8);
    let dangerous = |v: &str| {
        let v: String = v.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control()).collect();
        let v = v.to_ascii_lowercase();
        v.starts_with("javascript:") || v.starts_with("data:") || v.starts_with("vbscript:")
    };
    for (rel, bytes) in files.iter().filter(|(rel, _)| rel.ends_with(".html")) {
        let text = std::str::from_utf8(bytes).unwrap();
        let doc = roxmltree::Document::parse_with_options(
            text,
            roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
        )
        .unwrap_or_else(|e| panic!("{rel} is not well-formed: {e}"));
        for node in doc.descendants().filter(|n| n.is_element()) {
            let tag = node.tag_name().name();
            assert!(!matches!(tag, "script" | "iframe" | "img" | "object" | "embed"), "{rel}: <{tag}>");
            for attr in node.attributes() {
                assert!(!attr.name().to_ascii_lowercase().starts_with("on"), "{rel}: {}=", attr.name());
                assert!(!dangerous(attr.value()), "{rel}: {}={}", attr.name(), attr.value());
            }
        }
    }
    // The text is still there, shown as text.
    let index = j.read("_site/index.html");
    assert!(index.contains("&lt;script&gt;alert(&#39;win&#39;)&lt;/script&gt;"), "wins escaped and shown");
    assert!(index.contains("ok &amp; fine"));
    // The file named like an HTML tag gets an ordinary page name.
    let body = j.read("_site/notes/img-src-x-onerror-alert-1.html");
    assert!(body.contains("&lt;script&gt;alert(9)&lt;/script&gt;"), "raw HTML shown as text");
    assert!(body.contains("click") && body.contains("[image: img]"), "link text kept");
}

fn canary(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("canary.txt"), "keep me").unwrap();
}

fn refused(run: &Run, why: &str) {
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("refusing to write"), "{}", run.stderr);
    assert!(run.stderr.contains(why), "{}", run.stderr);
}

#[test]
fn unsafe_output_folders_are_refused_and_nothing_is_touched() {
    let j = Journal::new().note("2026-11-27", "mood: 4");
    let before = tree(j.path());
    let journal = j.path().to_str().unwrap().to_string();

    // `-o .` from inside the journal, and `-o` the journal itself.
    let mut cmd = saleslog();
    cmd.current_dir(j.path()).args(["--today", TODAY, "build", "-o", "."]);
    refused(&Run::from(cmd.output().unwrap()), "the journal folder itself");
    refused(&j.run(&["build", "-o", &journal]), "the journal folder itself");
    // A parent of the journal.
    let parent = j.path().parent().unwrap().to_str().unwrap().to_string();
    refused(&j.run(&["build", "-o", &parent]), "contains the journal");
    assert_eq!(tree(j.path()), before, "the journal is untouched");

    let elsewhere = tempfile::tempdir().unwrap();
    // A folder with a .git.
    let repo = elsewhere.path().join("repo");
    canary(&repo.join(".git"));
    refused(&j.run(&["build", "-o", repo.to_str().unwrap()]), ".git");
    // A folder with notes.
    let notes = elsewhere.path().join("notes");
    canary(&notes);
    std::fs::write(notes.join("2026-01-01.md"), "---\nmood: 3\n---\n").unwrap();
    refused(&j.run(&["build", "-o", notes.to_str().unwrap()]), "holds notes");
    // A non-empty folder saleslog did not make.
    let full = elsewhere.path().join("full");
    canary(&full);
    refused(&j.run(&["build", "-o", full.to_str().unwrap()]), "not made by saleslog");
    // A symlink.
    let link = elsewhere.path().join("link");
    std::os::unix::fs::symlink(&full, &link).unwrap();
    refused(&j.run(&["build", "-o", link.to_str().unwrap()]), "symlink");

    for dir in [&repo.join(".git"), &notes, &full] {
        let files = tree(dir);
        assert_eq!(files.get("canary.txt").map(Vec::as_slice), Some(&b"keep me"[..]), "{}", dir.display());
        assert!(files.keys().all(|k| !k.ends_with(".html")), "nothing written into {}", dir.display());
    }
}

#[test]
fn a_build_twice_is_byte_identical_and_the_second_writes_nothing() {
    let j = Journal::fixture("build");
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let first = j.run(&["build", "-o", site.to_str().unwrap()]);
    let files = tree(&site);
    let mtimes: Vec<_> =
        walkdir::WalkDir::new(&site).into_iter().map(|e| e.unwrap().metadata().unwrap().modified().unwrap()).collect();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let second = j.run(&["build", "-o", site.to_str().unwrap()]);
    assert_eq!(first.code, second.code);
    assert!(second.stderr.contains(" 0 written"), "{}", second.stderr);
    assert_eq!(tree(&site), files);
    let again: Vec<_> =
        walkdir::WalkDir::new(&site).into_iter().map(|e| e.unwrap().metadata().unwrap().modified().unwrap()).collect();
    assert_eq!(mtimes, again, "no file was rewritten");
    // The same journal built elsewhere gives the same bytes.
    let other = out.path().join("other");
    j.run(&["build", "-o", other.to_str().unwrap()]);
    assert_eq!(tree(&other), files);
}

#[test]
fn only_files_it_wrote_are_removed() {
    let j = Journal::new().note("2026-11-26", "mood: 3").note("2026-11-27", "mood: 4");
    assert_eq!(j.run(&["build"]).code, 0);
    std::fs::write(j.join("_site/mine.txt"), "user file").unwrap();
    assert!(j.join("_site/notes/2026-11-26.html").exists());
    std::fs::remove_file(j.join("2026-11-26.md")).unwrap();
    let run = j.run(&["build"]);
    assert!(run.stderr.contains("1 removed"), "{}", run.stderr);
    assert!(!j.join("_site/notes/2026-11-26.html").exists());
    assert_eq!(j.read("_site/mine.txt"), "user file");
    let marker = j.read("_site/.saleslog-output");
    assert!(marker.contains("notes/2026-11-27.html") && !marker.contains("2026-11-26"), "{marker}");
}

#[test]
fn journal_templates_override_and_errors_name_the_template() {
    let j = Journal::new()
        .note("2026-11-27", "mood: 4")
        .file("templates/index.html", "{% extends \"base.html\" %}{% block content %}<p id=\"custom\">Mine: {{ view.notes }} notes</p>{% endblock content %}");
    assert_eq!(j.run(&["build"]).code, 0);
    let index = j.read("_site/index.html");
    assert!(index.contains("<p id=\"custom\">Mine: 1 notes</p>"), "{index}");
    assert!(j.read("_site/activity.html").contains("Daily activity"), "other templates stay built in");
    // A broken override: exit 2 naming the template and line, and the
    // previous pages stay as they were.
    j.write(
        "templates/index.html",
        b"{% extends \"base.html\" %}\n{% block content %}\n{{ view.notes \n{% endblock content %}",
    );
    let run = j.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("template templates/index.html"), "{}", run.stderr);
    assert!(run.stderr.contains("index.html:4:1"), "{}", run.stderr);
    assert_eq!(j.read("_site/index.html"), index);
    // A custom stylesheet replaces the built-in one.
    j.write("templates/index.html", b"{% extends \"base.html\" %}{% block content %}x{% endblock content %}");
    j.write("templates/style.css", b"body { color: rebeccapurple; }");
    assert_eq!(j.run(&["build"]).code, 0);
    assert_eq!(j.read("_site/style.css"), "body { color: rebeccapurple; }");
}

/// One page that fails to render (here the last note's, as the override
/// reads a field no view has) stops the build with the template's error,
/// and the folder keeps every page as it was, with no temporary file left.
#[test]
fn a_page_that_fails_to_render_leaves_the_folder_as_it_was() {
    let j = Journal::new().note("2026-11-26", "mood: 4").note("2026-11-27", "mood: 3");
    assert_eq!(j.run(&["build"]).code, 0);
    let before = tree(&j.join("_site"));
    j.write(
        "templates/note.html",
        b"{% extends \"base.html\" %}{% block content %}{% if view.path == \"2026-11-27.md\" %}{{ view.nope.deeper }}{% endif %}mine{% endblock content %}",
    );
    let run = j.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("template templates/note.html"), "{}", run.stderr);
    assert!(run.stderr.contains("Field `nope` is not defined"), "{}", run.stderr);
    assert_eq!(tree(&j.join("_site")), before, "no page changed, none added");
}

#[test]
fn an_empty_journal_builds() {
    let j = Journal::new();
    let run = j.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    check_site(&j.join("_site"));
    assert!(j.read("_site/index.html").contains("no notes"));
}

/// A deal named at length and a note whose file name is 250 letters long
/// each get a page a file system can create: one long name never stops
/// the build of the others (a page name over 255 bytes did).
#[test]
fn names_of_any_length_get_pages_and_the_build_goes_on() {
    let long = "D".repeat(300);
    let j = Journal::new()
        .note(
            "2026-11-24",
            &format!("mood: 3\ndeals:\n  - {{name: {long}, stage: lead}}\n  - {{name: {long}x, stage: lead}}"),
        )
        .file(&format!("{} 2026-11-25.md", "L".repeat(240)), "---\nmood: 4\n---\nA long name.\n");
    let run = built(&j);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = j.join("_site");
    let deals: Vec<_> = std::fs::read_dir(out.join("deals")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(deals.len(), 2, "{deals:?}");
    assert!(deals.iter().all(|d| d.len() < 255), "{deals:?}");
    let notes = tree(&out.join("notes"));
    assert!(notes.keys().any(|k| k.starts_with("llll") && k.len() < 255), "{:?}", notes.keys());
}
