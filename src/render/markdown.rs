//! Note bodies to HTML that cannot run anything.
//!
//! Notes are the user's own text, but reports get shared (mailed to a
//! manager, put on an intranet), so nothing in a note may execute in a
//! report. Rather than sanitising HTML after the fact (ammonia: 77 crates),
//! we never produce any from the note: raw HTML is shown as text, links
//! keep only `http`, `https`, `mailto` and `tel` destinations (relative
//! links to other notes become links to their pages; any other relative
//! link, which would be broken in the output, becomes plain text), and
//! images become links, so a report never loads anything from the network.
//!
//! The output is XML-well-formed (pulldown-cmark closes every element and
//! writes `<br />`), which the link-checking tests rely on.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// Render a note's body. `resolve` maps a relative link destination (as
/// written, `#fragment` and `?query` removed) to the site-root-relative
/// page it should point to, if any; `root` is the prefix that leads from
/// the page being rendered to the site root (`../../`).
pub fn to_html(body: &str, root: &str, resolve: &dyn Fn(&str) -> Option<String>) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut out = String::with_capacity(body.len() * 3 / 2);
    // For each open link or image: whether its start tag was kept, so the
    // matching end is kept or dropped too.
    let mut kept: Vec<bool> = Vec::new();
    let mut in_image = 0usize;
    let events = Parser::new_ext(body, options).filter_map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Some(Event::Text(html)),
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        // `<jane@example.com>`: the writer adds `mailto:` itself.
        Event::Start(Tag::Link { link_type: LinkType::Email, dest_url, title, id }) => {
            kept.push(true);
            Some(Event::Start(Tag::Link { link_type: LinkType::Email, dest_url, title, id }))
        }
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            match safe_destination(&dest_url, root, resolve) {
                Some(dest) => {
                    kept.push(true);
                    Some(Event::Start(Tag::Link { link_type, dest_url: dest, title, id }))
                }
                None => {
                    kept.push(false);
                    None
                }
            }
        }
        Event::End(TagEnd::Link) => kept.pop().unwrap_or(false).then_some(Event::End(TagEnd::Link)),
        // An image becomes a link to it (when its address is safe) showing
        // its description: loading it would be a request leaving the machine.
        Event::Start(Tag::Image { dest_url, title, id, .. }) => {
            in_image += 1;
            let dest = safe_destination(&dest_url, root, resolve);
            kept.push(dest.is_some());
            dest.map(|dest| Event::Start(Tag::Link { link_type: LinkType::Inline, dest_url: dest, title, id }))
        }
        Event::End(TagEnd::Image) => {
            in_image = in_image.saturating_sub(1);
            kept.pop().unwrap_or(false).then_some(Event::End(TagEnd::Link))
        }
        Event::Text(text) if in_image > 0 => Some(Event::Text(CowStr::from(format!("[image: {text}]")))),
        Event::Text(text) => Some(Event::Text(clean_text(text))),
        Event::Code(text) => Some(Event::Code(clean_text(text))),
        other => Some(other),
    });
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// Drop characters XML forbids (C0 controls other than tab, newline and
/// carriage return), so one odd byte in a note cannot break a page.
pub fn clean_text(text: CowStr<'_>) -> CowStr<'_> {
    if text.chars().any(is_forbidden) {
        CowStr::from(text.chars().filter(|c| !is_forbidden(*c)).collect::<String>())
    } else {
        text
    }
}

pub fn is_forbidden(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
}

/// The scheme of a URL as a browser would read it: ASCII whitespace and
/// control characters are ignored (`java\tscript:` is `javascript:`).
fn scheme(url: &str) -> Option<String> {
    let squeezed: String = url.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control()).collect();
    let end = squeezed.find([':', '/', '?', '#'])?;
    (squeezed.as_bytes()[end] == b':' && end > 0).then(|| squeezed[..end].to_ascii_lowercase())
}

fn safe_destination<'a>(url: &CowStr<'a>, root: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Option<CowStr<'a>> {
    match scheme(url).as_deref() {
        Some("http" | "https" | "mailto" | "tel") => Some(url.clone()),
        Some(_) => None,
        None => {
            let trimmed = url.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("//") {
                return None;
            }
            let path = trimmed.split(['#', '?']).next().unwrap_or("");
            resolve(path).map(|page| CowStr::from(format!("{root}{page}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(body: &str) -> String {
        to_html(body, "../", &|p| (p == "other.md").then(|| "notes/other.html".to_string()))
    }

    #[test]
    fn markdown_renders() {
        assert_eq!(html("Hello *you*"), "<p>Hello <em>you</em></p>\n");
        assert!(html("- [x] done\n- [ ] todo").contains("type=\"checkbox\""));
        assert!(html("| a | b |\n|---|---|\n| 1 | 2 |").contains("<table>"));
    }

    #[test]
    fn raw_html_is_text() {
        let out = html("<script>alert(1)</script>\n\nText <img src=x onerror=alert(1)> more");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{out}");
        assert!(out.contains("&lt;img src=x onerror=alert(1)&gt;"), "{out}");
    }

    #[test]
    fn dangerous_links_lose_their_destination() {
        for url in
            ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,x", "vbscript:x"]
        {
            let out = html(&format!("[click]({url}) and <{url}>"));
            assert!(!out.contains("href"), "{url}: {out}");
            assert!(out.contains("click"), "{out}");
        }
        let out = html("[x](java&#x09;script:alert(1))");
        assert!(!out.contains("href"), "{out}");
    }

    #[test]
    fn safe_links_stay_and_notes_resolve() {
        assert!(html("[a](https://example.com/x?y=1)").contains("href=\"https://example.com/x?y=1\""));
        assert!(html("<mailto:jane@example.com>").contains("href=\"mailto:jane@example.com\""));
        assert!(html("<jane@example.com>").contains("href=\"mailto:jane@example.com\""));
        assert!(html("[see](other.md#top)").contains("href=\"../notes/other.html\""));
        let broken = html("[gone](missing.md) [frag](#x)");
        assert!(!broken.contains("href"), "{broken}");
        assert!(broken.contains("gone") && broken.contains("frag"));
    }

    #[test]
    fn images_become_links() {
        let out = html("![chart](https://example.com/c.png) ![local](pic.png)");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("<a href=\"https://example.com/c.png\">[image: chart]</a>"), "{out}");
        assert!(out.contains("[image: local]"), "{out}");
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(html("a\u{1}b"), "<p>ab</p>\n");
    }
}
