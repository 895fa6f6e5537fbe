//! Every page family on a phone (390×844) and a laptop (1280×800) in real
//! headless Chromium: nothing wider than the screen unless it sits in its
//! own scroll box, no table that scrolls sideways (tables stack on a
//! phone), and no chart text smaller than 11 CSS pixels. With
//! `SALESLOG_SCREENSHOTS=DIR` it also saves a screenshot of each page.

use crate::browser_live::{tools, Browser};
use crate::harness::*;

/// What is wrong with the open page's layout, one line per problem.
const LOOK: &str = r#"
const vw = document.documentElement.clientWidth;
const bad = [];
const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
const hidden = el => { for (let p = el; p; p = p.parentElement) { const s = getComputedStyle(p); if (s.clip !== 'auto' || p.classList.contains('skip')) return true; } return false; };
const scroller = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return p; } return null; };
if (document.documentElement.scrollWidth > vw + 1) bad.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + vw);
for (const el of document.body.querySelectorAll('*')) {
  if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  if (r.right <= vw + 1 && r.left >= -1) continue;
  if (hidden(el)) continue;
  const box = scroller(el);
  if (box) { const b = box.getBoundingClientRect(); if (b.right <= vw + 1 && b.left >= -1) continue; }
  bad.push(name(el) + ' spans ' + Math.round(r.left) + '..' + Math.round(r.right) + ' of ' + vw);
}
for (const t of document.querySelectorAll('.table-wrap')) {
  if (t.scrollWidth > t.clientWidth + 1) bad.push('a table scrolls sideways: ' + (t.querySelector('table') || t).className);
}
let smallest = 1000, which = '';
for (const t of document.querySelectorAll('svg text')) {
  const r = t.getBoundingClientRect();
  if (r.width === 0 || !t.textContent.trim()) continue;
  const px = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
  if (px < smallest) { smallest = px; which = t.textContent; }
}
if (smallest < 10.95) bad.push('chart text "' + which + '" is ' + smallest.toFixed(1) + 'px');
for (const h of document.querySelectorAll('.box-head')) {
  const a = h.querySelector('h2').getBoundingClientRect(), b = h.querySelector('.light').getBoundingClientRect();
  if (b.top >= a.bottom) bad.push('the light wraps under the box title ' + h.textContent.trim());
}
for (const dt of document.querySelectorAll('.detail dt')) {
  if (dt.scrollWidth > dt.clientWidth + 1) bad.push('a box detail is cut off: ' + dt.textContent);
}
return {width: vw, bad: bad};
"#;

const PAGES: &[&str] = &[
    "index.html",
    "activity.html",
    "attitude.html",
    "commitments.html",
    "pipeline.html",
    "data.html",
    "notes.html",
    "notes/2026/11/2026-11-27.html",
    "weeks/2026-W48.html",
    "deals/acme-corp.html",
];

fn check_site(
    browser: &Browser,
    site: &std::path::Path,
    pages: &[&str],
    width: u32,
    shots: Option<&str>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for page in pages {
        browser.open(&format!("file://{}", site.join(page).display()));
        let seen = browser.run(LOOK);
        // The window's scroll bar may take a few pixels; the viewport is the window's width or close.
        let seen_width = seen["width"].as_u64().expect("a width");
        assert!(seen_width <= u64::from(width) && seen_width + 20 >= u64::from(width), "{page}: viewport {seen_width}");
        for b in seen["bad"].as_array().expect("a list") {
            problems.push(format!("{page} at {width}px: {}", b.as_str().unwrap_or_default()));
        }
        if let Some(dir) = shots {
            let name = format!("{}-{width}.png", page.replace(['/', '.'], "_"));
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(std::path::Path::new(dir).join(name), browser.screenshot()).unwrap();
        }
    }
    problems
}

#[test]
fn every_page_fits_a_phone_and_a_laptop_with_readable_charts() {
    let Some((chromium, chromedriver)) = tools() else { return };
    let sample = Journal::sample();
    assert_eq!(sample.run(&["build"]).code, 0);
    // A journal just begun: its empty states must fit as well.
    let fresh = Journal::new();
    assert_eq!(fresh.run(&["init"]).code, 0);
    assert_eq!(fresh.run(&["build"]).code, 0);
    let shots = std::env::var("SALESLOG_SCREENSHOTS").ok();
    let mut problems = Vec::new();
    for (width, height) in [(390, 844), (1280, 800)] {
        let browser = Browser::sized(&chromium, &chromedriver, width, height);
        problems.extend(check_site(&browser, &sample.join("_site"), PAGES, width, shots.as_deref()));
        problems.extend(check_site(
            &browser,
            &fresh.join("_site"),
            &["index.html", "activity.html", "attitude.html"],
            width,
            None,
        ));
    }
    assert!(problems.is_empty(), "{} layout problems:\n{}", problems.len(), problems.join("\n"));
}
