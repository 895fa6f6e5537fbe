//! Splitting a note into its YAML front matter and its markdown body.
//!
//! Done by hand rather than with pulldown-cmark's metadata blocks because the
//! rules matter to users: a closing fence counts only alone on its line
//! (`title: A---B` does not close it), CRLF and a UTF-8 BOM are fine, and an
//! opening `---` with no closing one is an error instead of silently turning
//! into a horizontal rule.

/// The parts of a note file. Line numbers are 1-based lines of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences, if the note has a closed front matter.
    pub yaml: Option<&'a str>,
    /// The file line of the YAML's first line.
    pub yaml_line: usize,
    pub body: &'a str,
    /// The file line of the body's first line.
    pub body_line: usize,
    pub fence: Fence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fence {
    /// No front matter at all.
    None,
    /// `---` … `---`.
    Closed,
    /// `---` with no closing fence: the rest of the file is the body.
    Unclosed,
    /// `+++` (TOML, as in Zola or Hugo): not supported, read as body.
    Toml,
    /// A first line of only `-` or `+` that is not a fence (`----`,
    /// `++++`): probably meant as one, so worth a warning; read as body.
    Malformed,
}

fn is_fence(line: &str, fence: &str) -> bool {
    line.trim_end_matches(['\r', '\n']).trim_end_matches([' ', '\t']) == fence
}

/// Split `text` (a BOM, if any, is skipped).
pub fn split(text: &str) -> Split<'_> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let first = &text[..first_end];
    let whole = Split { yaml: None, yaml_line: 0, body: text, body_line: 1, fence: Fence::None };
    if is_fence(first, "+++") {
        return Split { fence: Fence::Toml, ..whole };
    }
    if !is_fence(first, "---") {
        let line = first.trim_end_matches(['\r', '\n', ' ', '\t']);
        let all = |c: char| line.len() >= 4 && line.chars().all(|x| x == c);
        if all('-') || all('+') {
            return Split { fence: Fence::Malformed, ..whole };
        }
        return whole;
    }
    let rest = &text[first_end..];
    let mut offset = 0;
    for (line, l) in (2..).zip(rest.split_inclusive('\n')) {
        if is_fence(l, "---") {
            return Split {
                yaml: Some(&rest[..offset]),
                yaml_line: 2,
                body: &rest[offset + l.len()..],
                body_line: line + 1,
                fence: Fence::Closed,
            };
        }
        offset += l.len();
    }
    Split { yaml: None, yaml_line: 2, body: rest, body_line: 2, fence: Fence::Unclosed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_front_matter() {
        let s = split("---\nmood: 4\n---\n# Body\n");
        assert_eq!(s.yaml, Some("mood: 4\n"));
        assert_eq!(s.body, "# Body\n");
        assert_eq!((s.yaml_line, s.body_line), (2, 4));
    }

    #[test]
    fn bom_crlf_and_trailing_spaces() {
        let s = split("\u{feff}---\r\nmood: 4\r\n---  \r\nbody\r\n");
        assert_eq!(s.fence, Fence::Closed);
        assert_eq!(s.yaml, Some("mood: 4\r\n"));
        assert_eq!(s.body, "body\r\n");
    }

    #[test]
    fn a_fence_must_be_alone_on_its_line() {
        let s = split("---\ntitle: A---B\n---\ntext\n\n---\n\nmore\n");
        assert_eq!(s.yaml, Some("title: A---B\n"));
        assert_eq!(s.body, "text\n\n---\n\nmore\n");
    }

    #[test]
    fn unclosed_and_absent() {
        let s = split("---\nmood: 4\n- [ ] task\n");
        assert_eq!(s.fence, Fence::Unclosed);
        assert_eq!(s.body, "mood: 4\n- [ ] task\n");
        assert_eq!(s.body_line, 2);
        let s = split("# Just a body\n");
        assert_eq!(s.fence, Fence::None);
        assert_eq!(split("").fence, Fence::None);
        assert_eq!(split("---").fence, Fence::Unclosed);
        assert_eq!(split("---\n---").yaml, Some(""));
        assert_eq!(split("+++\ntitle = 1\n+++\n").fence, Fence::Toml);
        assert_eq!(split("++++\nmood: 3\n++++\n").fence, Fence::Malformed);
        assert_eq!(split("----  \r\nmood: 3\n----\n").fence, Fence::Malformed);
        assert_eq!(split("-- \n").fence, Fence::None);
    }
}
