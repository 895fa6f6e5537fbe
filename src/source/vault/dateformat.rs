//! The date formats vaults name their daily notes with: moment.js formats
//! (Obsidian's `daily-notes.json`, Periodic Notes) and the Java-style
//! patterns of Logseq's `:journal/file-name-format`, both compiled to one
//! matcher of journal-relative paths.
//!
//! Only the tokens that can name a day are supported (the table in
//! docs/vaults.md); a token that cannot (a week number, an hour) is an
//! error at its column, because guessing would silently miss notes.

use chrono::{Datelike, NaiveDate};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// One piece of a compiled format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    Lit(String),
    /// `YYYY` / `yyyy`: four digits.
    Year4,
    /// `YY` / `yy`: two digits, 2000–2099.
    Year2,
    /// `MM`: two digits.
    Month2,
    /// `M`: one or two digits.
    Month1,
    /// `Mo`: 1st … 12th.
    MonthOrd,
    /// `MMMM`: January.
    MonthName,
    /// `MMM`: Jan.
    MonthAbbr,
    /// `DD` / `dd`: two digits.
    Day2,
    /// `D` / `d`: one or two digits.
    Day1,
    /// `Do`: 1st, 2nd, 3rd, 27th.
    DayOrd,
    /// `dddd` / `EEEE`: Monday.
    WeekdayName,
    /// `ddd` / `EEE`: Mon.
    WeekdayAbbr,
    /// `dd` (moment): Mo.
    WeekdayMin,
}

/// A format that could not be compiled: the 1-based column (in
/// characters) of the token, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    pub column: usize,
    pub message: String,
}

/// A compiled format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Format {
    pub written: String,
    toks: Vec<Tok>,
}

/// moment.js tokens that name a day, longest first (so `MMMM` wins over `MM`).
const MOMENT: &[(&str, Tok)] = &[
    ("YYYY", Tok::Year4),
    ("MMMM", Tok::MonthName),
    ("dddd", Tok::WeekdayName),
    ("MMM", Tok::MonthAbbr),
    ("ddd", Tok::WeekdayAbbr),
    ("YY", Tok::Year2),
    ("MM", Tok::Month2),
    ("Mo", Tok::MonthOrd),
    ("DD", Tok::Day2),
    ("Do", Tok::DayOrd),
    ("dd", Tok::WeekdayMin),
    ("M", Tok::Month1),
    ("D", Tok::Day1),
];

/// moment.js tokens that do not name a day (longest first), and why.
const MOMENT_UNSUPPORTED: &[(&str, &str)] = &[
    ("YYYYYY", "a six-digit year"),
    ("YYYYY", "a five-digit year"),
    ("gggg", "a week-year"),
    ("GGGG", "an ISO week-year"),
    ("DDDD", "a day of the year"),
    ("DDDo", "a day of the year"),
    ("DDD", "a day of the year"),
    ("LLLL", "a localized format"),
    ("LLL", "a localized format"),
    ("LTS", "a localized time"),
    ("LL", "a localized format"),
    ("LT", "a localized time"),
    ("gg", "a week-year"),
    ("GG", "an ISO week-year"),
    ("ww", "a week number"),
    ("WW", "an ISO week number"),
    ("wo", "a week number"),
    ("Wo", "an ISO week number"),
    ("Qo", "a quarter"),
    ("do", "a day of the week as a number"),
    ("HH", "an hour"),
    ("hh", "an hour"),
    ("kk", "an hour"),
    ("mm", "a minute"),
    ("ss", "a second"),
    ("ZZ", "a time zone"),
    ("Q", "a quarter"),
    ("w", "a week number"),
    ("W", "an ISO week number"),
    ("d", "a day of the week as a number"),
    ("e", "a day of the week as a number"),
    ("E", "an ISO day of the week"),
    ("H", "an hour"),
    ("h", "an hour"),
    ("k", "an hour"),
    ("m", "a minute"),
    ("s", "a second"),
    ("S", "a fraction of a second"),
    ("a", "am/pm"),
    ("A", "AM/PM"),
    ("X", "a Unix timestamp"),
    ("x", "a Unix timestamp"),
    ("Z", "a time zone"),
    ("N", "an era"),
    ("L", "a localized format"),
    ("l", "a localized format"),
    ("y", "an era year"),
];

impl Format {
    /// Compile a moment.js format (`YYYY/MM/YYYY-MM-DD`, `DD.MM.YYYY`,
    /// `[Daily] dddd, MMMM Do YYYY`).
    pub fn moment(format: &str) -> Result<Format, FormatError> {
        let chars: Vec<char> = format.chars().collect();
        let mut toks = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let rest: String = chars[i..].iter().collect();
            if chars[i] == '[' {
                let Some(end) = chars[i..].iter().position(|&c| c == ']') else {
                    return Err(FormatError {
                        column: i + 1,
                        message: "`[` opens literal text that is never closed with `]`".into(),
                    });
                };
                push_lit(&mut toks, &chars[i + 1..i + end].iter().collect::<String>());
                i += end + 1;
                continue;
            }
            if chars[i] == '\\' && i + 1 < chars.len() {
                push_lit(&mut toks, &chars[i + 1].to_string());
                i += 2;
                continue;
            }
            if let Some((t, tok)) = MOMENT.iter().find(|(t, _)| rest.starts_with(t)) {
                // `YYYYY` is not `YYYY` + `Y`: look for the longer ones first.
                if let Some((u, why)) =
                    MOMENT_UNSUPPORTED.iter().find(|(u, _)| u.len() > t.len() && rest.starts_with(u))
                {
                    return Err(unsupported(i, u, why));
                }
                toks.push(tok.clone());
                i += t.chars().count();
                continue;
            }
            if let Some((u, why)) = MOMENT_UNSUPPORTED.iter().find(|(u, _)| rest.starts_with(u)) {
                return Err(unsupported(i, u, why));
            }
            push_lit(&mut toks, &chars[i].to_string());
            i += 1;
        }
        Format::checked(format, toks)
    }

    /// Compile a Logseq (Java `SimpleDateFormat`-style) pattern: `yyyy_MM_dd`,
    /// `yyyy-MM-dd`, `MMM do, yyyy` is not one (`do` is moment's).
    pub fn java(format: &str) -> Result<Format, FormatError> {
        let chars: Vec<char> = format.chars().collect();
        let mut toks = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\'' {
                let end = chars[i + 1..].iter().position(|&c| c == '\'').ok_or_else(|| FormatError {
                    column: i + 1,
                    message: "`'` opens literal text that is never closed with `'`".into(),
                })?;
                push_lit(&mut toks, &chars[i + 1..i + 1 + end].iter().collect::<String>());
                i += end + 2;
                continue;
            }
            if !c.is_ascii_alphabetic() {
                push_lit(&mut toks, &c.to_string());
                i += 1;
                continue;
            }
            let run = chars[i..].iter().take_while(|&&x| x == c).count();
            let tok = match (c, run) {
                ('y', 4) => Tok::Year4,
                ('y', 2) => Tok::Year2,
                ('M', 1) => Tok::Month1,
                ('M', 2) => Tok::Month2,
                ('M', 3) => Tok::MonthAbbr,
                ('M', 4) => Tok::MonthName,
                ('d', 1) => Tok::Day1,
                ('d', 2) => Tok::Day2,
                ('E', 1..=3) => Tok::WeekdayAbbr,
                ('E', 4) => Tok::WeekdayName,
                _ => {
                    let written: String = std::iter::repeat_n(c, run).collect();
                    return Err(FormatError {
                        column: i + 1,
                        message: format!(
                            "`{written}` cannot name a day's file; supported: yyyy, yy, MMMM, MMM, MM, M, dd, d, EEEE, EEE"
                        ),
                    });
                }
            };
            toks.push(tok);
            i += run;
        }
        Format::checked(format, toks)
    }

    fn checked(format: &str, toks: Vec<Tok>) -> Result<Format, FormatError> {
        let has = |f: &dyn Fn(&Tok) -> bool| toks.iter().any(f);
        if !has(&|t| matches!(t, Tok::Year4 | Tok::Year2))
            || !has(&|t| matches!(t, Tok::Month1 | Tok::Month2 | Tok::MonthOrd | Tok::MonthName | Tok::MonthAbbr))
            || !has(&|t| matches!(t, Tok::Day1 | Tok::Day2 | Tok::DayOrd))
        {
            return Err(FormatError {
                column: 1,
                message: format!("`{format}` does not name a year, a month and a day, so it cannot name a daily note"),
            });
        }
        Ok(Format { written: format.to_string(), toks })
    }

    /// The date `text` spells in this format, if it spells one exactly.
    pub fn parse(&self, text: &str) -> Option<NaiveDate> {
        let mut parts = Parts::default();
        if !matches(&self.toks, text, &mut parts) {
            return None;
        }
        parts.date()
    }

    /// `date` in this format (for tests and for `new` in a vault).
    pub fn format(&self, date: NaiveDate) -> String {
        let mut out = String::new();
        let m = date.month0() as usize;
        let w = date.weekday().num_days_from_monday() as usize;
        for t in &self.toks {
            match t {
                Tok::Lit(s) => out.push_str(s),
                Tok::Year4 => out.push_str(&format!("{:04}", date.year())),
                Tok::Year2 => out.push_str(&format!("{:02}", date.year() % 100)),
                Tok::Month2 => out.push_str(&format!("{:02}", m + 1)),
                Tok::Month1 => out.push_str(&(m + 1).to_string()),
                Tok::MonthOrd => out.push_str(&ordinal(m as u32 + 1)),
                Tok::MonthName => out.push_str(MONTHS[m]),
                Tok::MonthAbbr => out.push_str(&MONTHS[m][..3]),
                Tok::Day2 => out.push_str(&format!("{:02}", date.day())),
                Tok::Day1 => out.push_str(&date.day().to_string()),
                Tok::DayOrd => out.push_str(&ordinal(date.day())),
                Tok::WeekdayName => out.push_str(WEEKDAYS[w]),
                Tok::WeekdayAbbr => out.push_str(&WEEKDAYS[w][..3]),
                Tok::WeekdayMin => out.push_str(&WEEKDAYS[w][..2]),
            }
        }
        out
    }
}

fn unsupported(at: usize, token: &str, why: &str) -> FormatError {
    FormatError {
        column: at + 1,
        message: format!(
            "`{token}` ({why}) cannot name a day's note; supported: YYYY, YY, MMMM, MMM, MM, M, Mo, DD, D, Do, dddd, \
             ddd, dd and [literal text]"
        ),
    }
}

fn push_lit(toks: &mut Vec<Tok>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Tok::Lit(last)) = toks.last_mut() {
        last.push_str(s);
    } else {
        toks.push(Tok::Lit(s.to_string()));
    }
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[derive(Debug, Default, Clone, Copy)]
struct Parts {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    weekday: Option<usize>,
}

impl Parts {
    fn date(self) -> Option<NaiveDate> {
        let date = NaiveDate::from_ymd_opt(self.year?, self.month?, self.day?)?;
        // A weekday that disagrees with the date is not this day's note.
        match self.weekday {
            Some(w) if w != date.weekday().num_days_from_monday() as usize => None,
            _ => Some(date),
        }
    }

    /// Set a part; a second, different value (`YYYY … YYYY` disagreeing)
    /// is no match.
    fn set<T: PartialEq + Copy>(slot: &mut Option<T>, v: T) -> bool {
        match slot {
            Some(old) => *old == v,
            None => {
                *slot = Some(v);
                true
            }
        }
    }
}

fn digits(text: &str, min: usize, max: usize) -> Vec<(u32, usize)> {
    let n = text.bytes().take(max).take_while(u8::is_ascii_digit).count();
    (min..=n).rev().filter_map(|len| text[..len].parse().ok().map(|v| (v, len))).collect()
}

/// Match `toks` against all of `text`, backtracking over the widths of
/// `M`, `D` and the ordinals.
fn matches(toks: &[Tok], text: &str, parts: &mut Parts) -> bool {
    let Some((tok, rest)) = toks.split_first() else { return text.is_empty() };
    let mut try_value = |len: usize, apply: &dyn Fn(&mut Parts) -> bool| {
        let mut p = *parts;
        if apply(&mut p) && matches(rest, &text[len..], &mut p) {
            *parts = p;
            return true;
        }
        false
    };
    match tok {
        Tok::Lit(s) => text.starts_with(s.as_str()) && matches(rest, &text[s.len()..], parts),
        Tok::Year4 => digits(text, 4, 4).into_iter().any(|(v, l)| try_value(l, &|p| Parts::set(&mut p.year, v as i32))),
        Tok::Year2 => {
            digits(text, 2, 2).into_iter().any(|(v, l)| try_value(l, &|p| Parts::set(&mut p.year, 2000 + v as i32)))
        }
        Tok::Month2 => digits(text, 2, 2).into_iter().any(|(v, l)| try_value(l, &|p| Parts::set(&mut p.month, v))),
        Tok::Day2 => digits(text, 2, 2).into_iter().any(|(v, l)| try_value(l, &|p| Parts::set(&mut p.day, v))),
        // `M` and `D` are written without a leading zero.
        Tok::Month1 | Tok::Day1 => {
            digits(text, 1, 2).into_iter().filter(|&(v, l)| l == v.to_string().len()).any(|(v, l)| {
                try_value(l, &|p| {
                    if *tok == Tok::Month1 {
                        Parts::set(&mut p.month, v)
                    } else {
                        Parts::set(&mut p.day, v)
                    }
                })
            })
        }
        Tok::MonthOrd | Tok::DayOrd => (1..=31u32).any(|n| {
            let o = ordinal(n);
            text.starts_with(&o)
                && try_value(o.len(), &|p| {
                    if *tok == Tok::MonthOrd {
                        Parts::set(&mut p.month, n)
                    } else {
                        Parts::set(&mut p.day, n)
                    }
                })
        }),
        Tok::MonthName | Tok::MonthAbbr => (0..12).any(|m| {
            let name = if *tok == Tok::MonthName { MONTHS[m] } else { &MONTHS[m][..3] };
            text.starts_with(name) && try_value(name.len(), &|p| Parts::set(&mut p.month, m as u32 + 1))
        }),
        Tok::WeekdayName | Tok::WeekdayAbbr | Tok::WeekdayMin => (0..7).any(|w| {
            let name = match tok {
                Tok::WeekdayName => WEEKDAYS[w],
                Tok::WeekdayAbbr => &WEEKDAYS[w][..3],
                _ => &WEEKDAYS[w][..2],
            };
            text.starts_with(name) && try_value(name.len(), &|p| Parts::set(&mut p.weekday, w))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::text::parse_date(s).unwrap()
    }

    /// Every supported moment.js token, formatted and read back.
    #[test]
    fn every_moment_token_reads_and_writes() {
        let date = d("2026-03-01");
        for (format, written) in [
            ("YYYY-MM-DD", "2026-03-01"),
            ("YY.MM.DD", "26.03.01"),
            ("YYYY M D", "2026 3 1"),
            ("YYYY Mo Do", "2026 3rd 1st"),
            ("MMMM D, YYYY", "March 1, 2026"),
            ("MMM D YYYY", "Mar 1 2026"),
            ("dddd YYYY-MM-DD", "Sunday 2026-03-01"),
            ("ddd YYYY-MM-DD", "Sun 2026-03-01"),
            ("dd YYYY-MM-DD", "Su 2026-03-01"),
            ("[Daily] YYYY-MM-DD", "Daily 2026-03-01"),
            ("\\W YYYY-MM-DD", "W 2026-03-01"),
            ("YYYY/MM/YYYY-MM-DD", "2026/03/2026-03-01"),
            ("DD.MM.YYYY", "01.03.2026"),
        ] {
            let f = Format::moment(format).unwrap();
            assert_eq!(f.format(date), written, "{format}");
            assert_eq!(f.parse(written), Some(date), "{format}");
        }
    }

    #[test]
    fn variable_widths_and_ordinals_backtrack() {
        let f = Format::moment("D.M.YYYY").unwrap();
        assert_eq!(f.parse("27.11.2026"), Some(d("2026-11-27")));
        assert_eq!(f.parse("07.11.2026"), None, "D has no leading zero");
        let f = Format::moment("MMMM Do YYYY").unwrap();
        assert_eq!(f.parse("November 22nd 2026"), Some(d("2026-11-22")));
        assert_eq!(f.parse("November 22th 2026"), None);
        assert_eq!(f.parse("November 31st 2026"), None, "not a real date");
    }

    #[test]
    fn a_weekday_must_agree_with_the_date() {
        let f = Format::moment("dddd, YYYY-MM-DD").unwrap();
        assert_eq!(f.parse("Friday, 2026-11-27"), Some(d("2026-11-27")));
        assert_eq!(f.parse("Monday, 2026-11-27"), None);
    }

    #[test]
    fn unsupported_tokens_are_located() {
        let e = Format::moment("gggg-[W]ww").unwrap_err();
        assert_eq!(e.column, 1);
        assert!(e.message.contains("week-year"), "{}", e.message);
        let e = Format::moment("YYYY-MM-DD HH:mm").unwrap_err();
        assert_eq!(e.column, 12);
        assert!(e.message.contains("an hour"));
        assert_eq!(Format::moment("YYYY-DDDD").unwrap_err().column, 6);
        assert_eq!(Format::moment("YYYYY").unwrap_err().column, 1);
        assert_eq!(Format::moment("YYYY-[MM").unwrap_err().column, 6);
        assert!(Format::moment("YYYY-MM").unwrap_err().message.contains("does not name"));
        for bad in ["Q", "w", "W", "d", "e", "E", "H", "h", "k", "m", "s", "S", "a", "A", "X", "x", "Z", "N", "L", "l"]
        {
            assert!(Format::moment(&format!("YYYY-MM-DD {bad}")).is_err(), "{bad}");
        }
    }

    #[test]
    fn logseq_patterns() {
        let date = d("2026-11-27");
        for (format, written) in [
            ("yyyy_MM_dd", "2026_11_27"),
            ("yyyy-MM-dd", "2026-11-27"),
            ("yy.M.d", "26.11.27"),
            ("MMM dd, yyyy", "Nov 27, 2026"),
            ("MMMM d yyyy", "November 27 2026"),
            ("EEE yyyy_MM_dd", "Fri 2026_11_27"),
            ("EEEE yyyy_MM_dd", "Friday 2026_11_27"),
            ("'day' yyyy_MM_dd", "day 2026_11_27"),
        ] {
            let f = Format::java(format).unwrap();
            assert_eq!(f.format(date), written, "{format}");
            assert_eq!(f.parse(written), Some(date), "{format}");
        }
        let e = Format::java("yyyy_MM_dd HH").unwrap_err();
        assert_eq!(e.column, 12);
        assert!(Format::java("yyyy_ww").is_err());
    }
}
