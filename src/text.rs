//! Small text helpers shared by every stage: slugs, dates, suggestions.

use chrono::NaiveDate;

/// `text` with each lone carriage return (an old Mac line break, or a
/// stray CR pasted in) read as a line feed: a line break to CommonMark,
/// YAML 1.2 and LSP alike, so a note's lines are counted as its editor
/// shows them. The same length, so byte offsets and columns hold; CRLF
/// is left as it is.
pub fn lone_cr_as_lf(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes.get(i + 1) != Some(&b'\n');
    if !memchr::memchr_iter(b'\r', bytes).any(lone) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = bytes.to_vec();
    for i in memchr::memchr_iter(b'\r', bytes).filter(|&i| lone(i)) {
        out[i] = b'\n';
    }
    // One ASCII byte for another: still the same valid UTF-8.
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| text.to_string()))
}

/// `slug(s)` of SPEC §2: lower-case; every run of characters other than
/// `a-z` and `0-9` becomes one `-`; leading and trailing `-` removed.
pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_dash = false;
    for ch in s.chars().flat_map(char::to_lowercase) {
        if ch.is_ascii_lowercase() || ch.is_ascii_digit() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(ch);
        } else {
            pending_dash = true;
        }
    }
    out
}

/// A strict `YYYY-MM-DD` date: exactly ten characters, a real calendar day.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)
}

/// The first `YYYY-MM-DD` in a file name that is a real calendar date.
pub fn date_in_file_name(name: &str) -> Option<NaiveDate> {
    let b = name.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        // Only try at char boundaries; dates are ASCII so a match is too.
        name.get(i..i + 10).and_then(parse_date)
    })
}

/// The closest of `candidates` to `word`, if it is close enough to be a
/// plausible typo ("did you mean `activity`?").
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(&word_lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(word.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The known word `word` is most likely a misspelling of (SPEC §2): one
/// edit (Levenshtein, case-sensitive) from it, or two from one of six
/// letters or more. The nearest wins; among equals, the first listed.
pub fn likely_typo<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::levenshtein(word, k), k))
        .filter(|&(d, k)| d == 1 || (d == 2 && k.chars().count() >= 6))
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// `did you mean `x`?` or nothing.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_carriage_return_is_a_line_break() {
        assert_eq!(lone_cr_as_lf("a\rb\r\nc\r"), "a\nb\r\nc\n");
        assert!(matches!(lone_cr_as_lf("a\r\nb\n"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(lone_cr_as_lf("📅\r✅"), "📅\n✅");
    }

    #[test]
    fn slug_follows_the_spec() {
        assert_eq!(slug("Acme Corp."), "acme-corp");
        assert_eq!(slug("  --Hello,   World!! 2026 "), "hello-world-2026");
        assert_eq!(slug("Ünïcode Café"), "n-code-caf");
        assert_eq!(slug("!!!"), "");
        assert_eq!(slug("a_b"), "a-b");
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(parse_date("2026-11-27"), NaiveDate::from_ymd_opt(2026, 11, 27));
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("2026-1-01"), None);
        assert_eq!(parse_date("2026-11-27T10:00"), None);
        assert_eq!(parse_date("+026-11-27"), None);
    }

    #[test]
    fn file_name_date_is_the_first_real_one() {
        assert_eq!(date_in_file_name("2026-02-30-then-2026-03-01.md"), NaiveDate::from_ymd_opt(2026, 3, 1));
        assert_eq!(date_in_file_name("meeting-12026-11-27.md"), NaiveDate::from_ymd_opt(2026, 11, 27));
        assert_eq!(date_in_file_name("notes.md"), None);
        assert_eq!(date_in_file_name("été-2026-07-01.md"), NaiveDate::from_ymd_opt(2026, 7, 1));
    }

    #[test]
    fn likely_typos_are_one_edit_or_two_from_a_long_key() {
        let keys = ["date", "mood", "energy", "activity", "wins", "help", "tags", "deals", "commitments", "off"];
        let typo = |w: &str| likely_typo(w, keys);
        assert_eq!(typo("actvity"), Some("activity"));
        assert_eq!(typo("comitments"), Some("commitments"));
        assert_eq!(typo("tag"), Some("tags"));
        assert_eq!(typo("moood"), Some("mood"));
        assert_eq!(typo("Mood"), Some("mood"));
        assert_eq!(typo("enrgyy"), Some("energy"));
        // Two edits from a key shorter than six letters, or further: not typos.
        assert_eq!(typo("title"), None);
        assert_eq!(typo("note"), None);
        assert_eq!(typo("mdoo"), None);
        assert_eq!(typo("MOOD"), None);
        assert_eq!(typo("date"), None);
    }

    #[test]
    fn suggestions_catch_typos_only() {
        assert_eq!(closest("activty", ["activity", "mood"]), Some("activity"));
        assert_eq!(closest("Proposal", ["lead", "proposal"]), Some("proposal"));
        assert_eq!(closest("banana", ["activity", "mood"]), None);
    }
}
