//! Note pages (the body rendered, the front matter as a readable summary,
//! previous/next links), the notes index, and one weekly review per ISO
//! week, which ends with the questions a rep answers before a one-on-one.

use super::activity::week_goals;
use super::commitments::{row as commitment_row, CommitmentRow};
use super::dashboard::Remark;
use super::format::{self, plural};
use super::pipeline::Flag;
use super::{Links, NoteRef, Site};
use crate::analyse::attitude::mood_light;
use crate::analyse::calendar::week_start;
use crate::analyse::mean;
use crate::model::diagnostic::Severity;
use crate::model::journal::{Commitment, Status};
use crate::model::note::{Mark, Note};
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use std::sync::Arc;

/// The questions that close every weekly review.
pub const REFLECTION_QUESTIONS: [&str; 4] = [
    "Which areas of my performance does my manager need to manage?",
    "Why should my activity and attitude never be my manager's concern?",
    "How much should my manager have to look at my pipeline?",
    "Where do I want my manager's help?",
];

/// The label of a note with neither a heading nor words in its file name.
pub const DEFAULT_LABEL: &str = "Daily note";

/// A deal as a note mentions it: its name in the journal, else the name
/// the mention gives, else its id.
pub fn deal_name(site: &Site<'_>, m: &crate::model::note::DealMention) -> String {
    site.deal_index
        .get(m.id.as_str())
        .map(|&i| site.journal.deals[i].name.clone())
        .or_else(|| m.name.clone())
        .unwrap_or_else(|| m.id.clone())
}

/// What a note is called in lists: its first heading, else the words of
/// its file name after the date, else "Daily note".
pub fn note_label(note: &Note) -> String {
    if let Some(h) = note.body.heading() {
        let h = h.trim();
        if !h.is_empty() {
            return format::excerpt(h, 80);
        }
    }
    let file = note.path.rsplit('/').next().unwrap_or(&note.path);
    let stem = file.strip_suffix(".md").unwrap_or(file);
    let rest = stem.replacen(&format::iso(note.date), "", 1);
    let words = rest.split(['-', '_', ' ']).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    if words.is_empty() {
        DEFAULT_LABEL.into()
    } else {
        let mut c = words.chars();
        c.next().map_or(String::new(), |f| f.to_uppercase().collect::<String>() + c.as_str())
    }
}

/// A note's page: what it shows of the note itself is borrowed from it.
#[derive(Debug, Serialize)]
pub struct NoteView<'a> {
    pub title: String,
    pub date: String,
    pub label: String,
    pub path: &'a str,
    pub future: bool,
    pub mood: Option<Score>,
    pub energy: Option<Score>,
    pub activity: Vec<ActivityItem>,
    pub tags: &'a [String],
    pub wins: &'a [String],
    pub help: &'a [String],
    pub deals: Vec<NoteDeal>,
    pub commitments: Vec<NoteCommitment>,
    pub extra: &'a [(String, String)],
    /// Why the note's day is a day off (`PTO`, `day off`), or empty.
    pub off: String,
    pub problems: Vec<Problem>,
    pub body: String,
    pub prev: Option<NoteRef>,
    pub next: Option<NoteRef>,
    pub week_title: String,
    pub week_href: Option<String>,
    /// SPEC §8: when git says it was written (`None` without a history).
    pub written: Option<String>,
    /// Its late edits, in words.
    pub edits: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Score {
    pub value: String,
    pub scale: String,
    pub class: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ActivityItem {
    pub name: String,
    pub count: u64,
    pub goal: String,
    pub class: &'static str,
}

#[derive(Debug, Serialize)]
pub struct NoteDeal {
    pub name: String,
    pub href: Option<String>,
    pub said: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct NoteCommitment {
    pub what: Arc<str>,
    pub to: Arc<str>,
    pub said: Vec<String>,
    pub status: &'static str,
    pub status_class: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Problem {
    pub severity: &'static str,
    pub line: usize,
    pub column: usize,
    pub code: &'static str,
    /// The message and hint as HTML: escaped, backtick pairs as `<code>`.
    pub message: String,
    pub hint: String,
}

fn score(value: Option<f64>, site: &Site<'_>) -> Option<Score> {
    let a = &site.config.attitude;
    value.map(|v| Score {
        value: format::score(v),
        scale: format::count(a.scale),
        class: mood_light(v, site.config).as_str(),
    })
}

/// The page of `site.all_notes[index]`; `root` leads from it to the site root.
pub fn note_view<'a>(site: &Site<'a>, index: usize, root: &str) -> NoteView<'a> {
    let note = &site.all_notes[index];
    let config = site.config;
    let d = site.as_of;
    let label = note_label(note);
    let activity = note
        .activity
        .iter()
        .map(|(name, &count)| {
            let (goal, class) = match config.goals.daily.get(name) {
                Some(&t) => (["goal ", &format::count(t)].concat(), if count as f64 >= t { "met" } else { "behind" }),
                None => (String::new(), "none"),
            };
            ActivityItem { name: name.replace('_', " "), count, goal, class }
        })
        .collect();
    let deals = note
        .deals
        .iter()
        .map(|m| {
            let known = site.links.has_deal(&m.id);
            let name = deal_name(site, m);
            NoteDeal {
                name,
                href: known.then(|| site.links.deal_page(&m.id).to_string()),
                said: super::pipeline::mention_words(m, site),
            }
        })
        .collect();
    let mark = |label: &str, m: &Mark| match m {
        Mark::On(date) => format!("{label} {}", format::date_short(*date)),
        Mark::Cleared => format!("{label} cleared"),
    };
    let commitments = note
        .commitments
        .iter()
        .map(|item| {
            let c = site.commitment_index.get(&*item.id).map(|&i| &site.journal.commitments[i]);
            let mut said = Vec::new();
            if c.is_some_and(|c| site.journal.notes[c.note].path != note.path) {
                said.push("update".to_string());
            }
            if let Some(due) = item.due {
                said.push(format!("due {}", format::date_short(due)));
            }
            if let Some(m) = &item.done {
                said.push(mark("done", m));
            }
            if let Some(m) = &item.dropped {
                said.push(mark("dropped", m));
            }
            if let Some(n) = &item.note {
                said.push(n.to_string());
            }
            let (status, status_class) = match c.map(|c| (c.status(d), c)) {
                None => ("not counted", "na"),
                Some((Status::Overdue, _)) => ("overdue", "red"),
                Some((Status::Open, _)) => ("open", "open"),
                Some((Status::Done, c)) if super::commitments::was_late(c, d) => ("done late", "amber"),
                Some((Status::Done, _)) => ("kept", "green"),
                Some((Status::Dropped, _)) => ("dropped", "na"),
            };
            NoteCommitment {
                what: item.what.clone().or_else(|| c.map(|c| c.what.clone())).unwrap_or_else(|| item.id.clone()),
                to: item.to.clone().or_else(|| c.and_then(|c| c.to.clone())).unwrap_or_default(),
                said,
                status,
                status_class,
            }
        })
        .collect();
    let problems = site
        .diagnostics_of(&note.path)
        .map(|x| Problem {
            severity: if x.severity == Severity::Error { "error" } else { "warning" },
            line: x.line,
            column: x.column,
            code: x.code.as_str(),
            message: format::code_html(&x.message),
            hint: x.hint.as_deref().map_or(String::new(), format::code_html),
        })
        .collect();
    let dir = note.path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let resolve = |link: &str| -> Option<String> {
        let target = join_relative(dir, &percent_decode(link))?;
        site.links.has_note(&target).then(|| site.links.note_page(&target).to_string())
    };
    // A body that opens with the heading used as the page's title does not
    // repeat it.
    let text = note.body_text();
    let body_text = match text.trim_start().strip_prefix("# ") {
        Some(rest) if rest.lines().next().is_some_and(|h| format::excerpt(h.trim(), 80) == label) => {
            rest.split_once('\n').map_or("", |(_, after)| after)
        }
        _ => &text,
    };
    let body = site.markdown(body_text, root, dir, &resolve);
    let monday = week_start(note.date);
    NoteView {
        title: format!("{} · {label}", format::date_long(note.date)),
        date: format::date_long(note.date),
        label,
        path: &note.path,
        future: note.date > d,
        mood: score(note.mood, site),
        energy: score(note.energy, site),
        activity,
        tags: &note.tags,
        wins: &note.wins,
        help: &note.help,
        deals,
        commitments,
        extra: &note.extra,
        off: note.off.as_ref().map_or(String::new(), |o| o.reason.clone().unwrap_or_else(|| "day off".into())),
        problems,
        body,
        prev: index.checked_sub(1).map(|i| site.note_ref(i)),
        next: (index + 1 < site.all_notes.len()).then(|| site.note_ref(index + 1)),
        week_title: format::week_title(monday),
        week_href: site.week_href(monday),
        written: site.timeliness.as_ref().and_then(|t| t.of_note(&note.path)).map(|w| match (w.written, w.lag()) {
            (Some(day), Some(0)) => format!("written {}", format::date_medium(day)),
            (Some(day), Some(lag)) => format!(
                "written {}, {} after its date",
                format::date_medium(day),
                format::plural(lag as usize, "day", "days")
            ),
            _ => "not committed yet".to_string(),
        }),
        edits: site
            .timeliness
            .iter()
            .flat_map(|t| t.edits_of(&note.path, d))
            .map(|e| format!("{} (commit {}): {}", format::date_medium(e.date), e.commit, e.description()))
            .collect(),
    }
}

/// `dir` joined with a relative link, `.` and `..` resolved; `None` when
/// it climbs out of the journal.
fn join_relative(dir: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> =
        if link.starts_with('/') { Vec::new() } else { dir.split('/').filter(|p| !p.is_empty()).collect() };
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// `%20` and friends, for links written to file names with spaces.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// One year of the notes index (the report date's year is `notes.html`,
/// others `notes-YYYY.html`): a journal of years stays a list a browser
/// opens at once, and a save re-renders only its own year.
#[derive(Debug, Serialize)]
pub struct NotesIndexView {
    pub year: i32,
    pub weeks: Vec<WeekGroup>,
    /// Notes in this year.
    pub count: usize,
    /// Notes in every year.
    pub total: usize,
    pub later: usize,
    /// Every year, newest first, with its page; one year: none.
    pub years: Vec<YearLink>,
    /// `67 notes, newest week first.` and the like, plurals right.
    pub summary: String,
}

#[derive(Debug, Serialize)]
pub struct YearLink {
    pub year: i32,
    pub href: String,
    pub current: bool,
}

#[derive(Debug, Serialize)]
pub struct WeekGroup {
    pub title: String,
    pub span: String,
    pub href: Option<String>,
    pub notes: Vec<NoteRow>,
}

#[derive(Debug, Serialize)]
pub struct NoteRow {
    pub note: NoteRef,
    /// The note's own title when it has one (not the "Daily note" default).
    pub title: Option<String>,
    /// The deals it mentions, by name.
    pub deals: Vec<String>,
    /// Commitments it makes or updates (front matter and task items).
    pub commitments: String,
    pub mood: String,
    pub mood_class: &'static str,
    pub activity: String,
    pub tags: Vec<String>,
    pub problems: usize,
    pub future: bool,
}

/// The index of the notes of ISO year `year` (weeks stay whole).
pub fn index_view(site: &Site<'_>, year: i32) -> NotesIndexView {
    let mut weeks: Vec<WeekGroup> = Vec::new();
    let (from, to) = site.year_range(year);
    for (i, note) in site.all_notes.iter().enumerate().take(to).skip(from).rev() {
        let monday = week_start(note.date);
        let title = format::week_title(monday);
        if weeks.last().is_none_or(|w| w.title != title) {
            weeks.push(WeekGroup {
                title,
                span: format::week_span(monday),
                href: site.week_href(monday),
                notes: Vec::new(),
            });
        }
        let mood = score(note.mood, site);
        let note_ref = site.note_ref(i);
        let row = NoteRow {
            title: (*note_ref.label != *DEFAULT_LABEL).then(|| note_ref.label.to_string()),
            deals: note.deals.iter().map(|m| deal_name(site, m)).collect(),
            commitments: match note.commitments.len() + note.tasks.len() {
                0 => String::new(),
                n => n.to_string(),
            },
            note: note_ref,
            mood: mood.as_ref().map_or(String::new(), |s| s.value.clone()),
            mood_class: mood.as_ref().map_or("", |s| s.class),
            activity: if note.activity.is_empty() {
                String::new()
            } else {
                note.activity.values().sum::<u64>().to_string()
            },
            tags: note.tags.clone(),
            problems: site.diagnostics_of(&note.path).count(),
            future: note.date > site.as_of,
        };
        weeks.last_mut().expect("just pushed").notes.push(row);
    }
    // Within a week, oldest note first reads like the week went.
    for w in &mut weeks {
        w.notes.reverse();
    }
    let years = if site.indexes.years.len() > 1 {
        site.indexes
            .years
            .iter()
            .rev()
            .map(|&y| YearLink { year: y, href: site.notes_index(y), current: y == year })
            .collect()
    } else {
        Vec::new()
    };
    let count = to - from;
    let total = site.all_notes.len();
    let later = site.all_notes[from..to].iter().filter(|n| n.date > site.as_of).count();
    let mut summary = plural(count, "note", "notes");
    if !years.is_empty() {
        summary.push_str(&format!(" in {year} ({total} in all)"));
    }
    summary.push_str(", newest week first.");
    if later > 0 {
        summary.push_str(&format!(
            " {} dated after the report date {} not counted yet.",
            later,
            if later == 1 { "is" } else { "are" }
        ));
    }
    NotesIndexView { year, count, total, later, weeks, years, summary }
}

#[derive(Debug, Serialize)]
pub struct WeekView {
    pub title: String,
    pub span: String,
    pub in_progress: bool,
    pub elapsed: String,
    /// `1 day off` when the week has days off on its workdays, else empty.
    pub days_off: String,
    pub goals: Vec<WeekGoalRow>,
    pub days: Vec<DayCell>,
    pub mood: String,
    pub energy: String,
    pub mood_class: &'static str,
    /// The days the mood and energy are the mean of: `23–27 Nov` (the
    /// week up to the report date; the dashboard's mood is of the last 7
    /// days, so each names its window).
    pub mood_window: String,
    pub commitments: Vec<WeekCommitment>,
    pub commitment_summary: String,
    pub deals_moved: Vec<DealMove>,
    pub wins: Vec<Remark>,
    pub asks: Vec<Remark>,
    pub questions: [&'static str; 4],
    pub prev: Option<(String, String)>,
    pub next: Option<(String, String)>,
}

/// A commitment the week touched, and how (made, done, missed).
#[derive(Debug, Serialize)]
pub struct WeekCommitment {
    pub row: CommitmentRow,
    pub marks: Vec<Flag>,
}

#[derive(Debug, Serialize)]
pub struct WeekGoalRow {
    pub activity: String,
    pub period: &'static str,
    pub done: String,
    pub expected: String,
    pub pct: String,
    pub bar: f64,
    pub class: &'static str,
}

#[derive(Debug, Serialize)]
pub struct DayCell {
    pub name: String,
    pub workday: bool,
    /// Why the day is a day off (`holiday`, `PTO`), or empty.
    pub off: String,
    pub mood: String,
    pub mood_class: &'static str,
    pub activity: String,
    pub notes: Vec<NoteRef>,
    pub future: bool,
}

#[derive(Debug, Serialize)]
pub struct DealMove {
    pub date: String,
    pub name: String,
    pub href: String,
    pub change: String,
    pub class: &'static str,
}

pub fn week_view(site: &Site<'_>, monday: NaiveDate) -> WeekView {
    let config = site.config;
    let days = site.days;
    let d = site.as_of;
    let sunday = monday + Duration::days(6);
    let end = sunday.min(d);
    let (goals, elapsed) = week_goals(days, config, monday);
    let goals = goals
        .iter()
        .map(|g| {
            let frac = if g.expected > 0.0 { g.done / g.expected } else { 0.0 };
            WeekGoalRow {
                activity: g.activity.replace('_', " "),
                period: if g.weekly { "weekly" } else { "daily" },
                done: format::count(g.done),
                expected: format::count(g.expected.ceil()),
                pct: if g.expected > 0.0 { format::pct(frac) } else { "–".into() },
                bar: super::chart::r1((frac * 100.0).min(100.0)),
                class: g.class(),
            }
        })
        .collect();
    let attitude = &config.attitude;
    let mood_class = |m: Option<f64>| m.map_or("", |m| mood_light(m, config).as_str());
    let day_cells = monday
        .iter_days()
        .take(7)
        .map(|date| {
            let day = days.get(date);
            let mood = day.and_then(|x| x.mood);
            DayCell {
                name: format::date_short(date).rsplit_once(' ').map_or(String::new(), |(a, _)| a.to_string()),
                workday: days.is_workday(date),
                off: days.calendar.day_off(date).unwrap_or_default(),
                mood: mood.map_or(String::new(), format::score),
                mood_class: mood_class(mood),
                activity: day.filter(|x| x.has_activity).map_or(String::new(), |x| x.total_activity().to_string()),
                notes: day.map_or(Vec::new(), |x| x.notes.clone().map(|i| site.note_ref(i)).collect()),
                future: date > d,
            }
        })
        .collect();
    let in_week = |x: Option<NaiveDate>| x.is_some_and(|x| x >= monday && x <= end);
    let week_mood = mean(days.days.range(monday..=end).filter_map(|(_, x)| x.mood));
    let week_energy = mean(days.days.range(monday..=end).filter_map(|(_, x)| x.energy));

    // Every commitment the week touched, once: made, done or missed in it.
    let none = Vec::new();
    let touched: Vec<&Commitment> = site
        .indexes
        .week_commitments
        .get(&monday)
        .unwrap_or(&none)
        .iter()
        .map(|&i| &site.journal.commitments[i])
        .collect();
    let mut commitments: Vec<(u8, Option<NaiveDate>, WeekCommitment)> = Vec::new();
    let (mut made_count, mut done_count) = (0, 0);
    for &c in &touched {
        let made = in_week(Some(c.made_on));
        let done = c.status(d) == Status::Done && in_week(c.done);
        // Due in the week and not done by its end (a commitment due today
        // is not missed yet).
        let missed = c.counting_due.is_some_and(|due| in_week(Some(due)) && (due < end || (due == end && end < d)))
            && c.done.is_none_or(|x| x > end)
            && c.dropped.is_none_or(|x| x > end);
        if !(made || done || missed) {
            continue;
        }
        made_count += usize::from(made);
        done_count += usize::from(done);
        let mut marks = Vec::new();
        if missed {
            marks.push(Flag { label: "missed", class: "red" });
        }
        if made {
            marks.push(Flag { label: "made", class: "open" });
        }
        if done {
            marks.push(Flag { label: "done", class: "green" });
        }
        let rank = if missed {
            0
        } else if done {
            2
        } else {
            1
        };
        commitments.push((rank, c.due, WeekCommitment { row: commitment_row(site, c), marks }));
    }
    commitments.sort_by_key(|c| (c.0, c.1.is_none(), c.1));
    let due_in_week: Vec<_> =
        touched.iter().filter(|c| in_week(c.counting_due) && c.dropped.is_none_or(|x| x > end)).collect();
    let on_time = due_in_week.iter().filter(|c| c.kept_on_time(end)).count();
    let commitment_summary = format!(
        "{made_count} made, {done_count} done; {} of {} due this week kept on time.",
        on_time,
        due_in_week.len()
    );

    let mut deals_moved = Vec::new();
    for deal in site.indexes.week_deals.get(&monday).unwrap_or(&none).iter().map(|&i| &site.journal.deals[i]) {
        for (i, change) in deal.history.iter().enumerate() {
            if !in_week(Some(change.date)) {
                continue;
            }
            let stage = config.pipeline.stage(change.stage);
            let (text, class) = match (i, stage.closed) {
                (0, _) => (format!("new, at {}", stage.name), "open"),
                (_, Some(crate::model::config::Outcome::Won)) => ("won".to_string(), "won"),
                (_, Some(crate::model::config::Outcome::Lost)) => ("lost".to_string(), "lost"),
                (_, None) => {
                    let from = config.pipeline.stage(deal.history[i - 1].stage);
                    (format!("{} → {}", from.name, stage.name), "open")
                }
            };
            deals_moved.push((
                change.date,
                DealMove {
                    date: format::date_short(change.date),
                    name: deal.name.clone(),
                    href: site.links.deal_page(&deal.id).to_string(),
                    change: text,
                    class,
                },
            ));
        }
        for w in deal.close_history.windows(2) {
            if let (Some(a), Some(b), set_on) = (w[0].close, w[1].close, w[1].date) {
                if b > a && in_week(Some(set_on)) {
                    deals_moved.push((
                        set_on,
                        DealMove {
                            date: format::date_short(set_on),
                            name: deal.name.clone(),
                            href: site.links.deal_page(&deal.id).to_string(),
                            change: format!("close pushed {} → {}", format::date_short(a), format::date_short(b)),
                            class: "pushed",
                        },
                    ));
                }
            }
        }
    }
    deals_moved.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));

    let mut wins = Vec::new();
    let mut asks = Vec::new();
    for (_, day) in days.days.range(monday..=end) {
        for i in day.notes.clone() {
            let note = &site.journal.notes[i];
            let r = site.note_ref(i);
            wins.extend(note.wins.iter().map(|t| Remark { text: t.clone(), note: r.clone() }));
            asks.extend(note.help.iter().map(|t| Remark { text: t.clone(), note: r.clone() }));
        }
    }
    let position = site.indexes.weeks.binary_search(&monday).ok();
    let link = |w: &NaiveDate| (format::week_title(*w), Links::week_page(*w));
    WeekView {
        title: format::week_title(monday),
        span: format::week_span(monday),
        in_progress: d < sunday,
        elapsed: plural(elapsed, "workday", "workdays"),
        days_off: match monday
            .iter_days()
            .take(7)
            .filter(|x| days.calendar.weekdays().contains(x.weekday()) && days.calendar.is_day_off(*x))
            .count()
        {
            0 => String::new(),
            n => plural(n, "day off", "days off"),
        },
        goals,
        days: day_cells,
        mood: week_mood.map_or("–".into(), |m| format!("{} / {}", format::score(m), format::count(attitude.scale))),
        energy: week_energy
            .map_or("–".into(), |m| format!("{} / {}", format::score(m), format::count(attitude.scale))),
        mood_class: mood_class(week_mood),
        mood_window: format::short_span(monday, end),
        commitments: commitments.into_iter().map(|(_, _, c)| c).collect(),
        commitment_summary,
        deals_moved: deals_moved.into_iter().map(|(_, m)| m).collect(),
        wins,
        asks,
        questions: REFLECTION_QUESTIONS,
        prev: position.and_then(|p| p.checked_sub(1)).map(|p| link(&site.indexes.weeks[p])),
        next: position.and_then(|p| site.indexes.weeks.get(p + 1)).map(link),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_resolve_inside_the_journal() {
        assert_eq!(join_relative("2026/11", "../10/a.md").as_deref(), Some("2026/10/a.md"));
        assert_eq!(join_relative("2026/11", "./b.md").as_deref(), Some("2026/11/b.md"));
        assert_eq!(join_relative("", "../x.md"), None);
        assert_eq!(join_relative("a", "/b.md").as_deref(), Some("b.md"));
        assert_eq!(percent_decode("my%20note.md"), "my note.md");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn labels() {
        let config = crate::model::config::Config::default();
        let n = |rel: &str, text: &str| crate::model::note::parse(rel, text, &config).note.unwrap();
        assert_eq!(note_label(&n("2026-11-27.md", "hello")), "Daily note");
        assert_eq!(note_label(&n("2026-11-19-meridian-review.md", "x")), "Meridian review");
        assert_eq!(note_label(&n("2026-11-19-x.md", "# Acme QBR\nbody")), "Acme QBR");
    }
}
