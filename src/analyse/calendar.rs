//! Days, weeks and workdays: the calendar every area counts in.
//!
//! Whether a date is a workday is answered in one place, [`Calendar`]:
//! a configured weekday that is neither a holiday (`holidays:` in
//! saleslog.yaml) nor the date of a note saying `off:` (SPEC §4). Elapsed
//! workdays, expected activity, streaks, missing workdays and the plan's
//! workdays left all ask it.

use crate::model::config::{Config, Holiday, Workdays};
use crate::model::counts::Counts;
use crate::model::journal::Journal;
use crate::model::note::Note;
use chrono::{Datelike, Duration, NaiveDate};
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

/// What one calendar day of the journal holds, summed over its notes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Day {
    /// Activity name → count, summed over the day's notes.
    pub activity: Counts,
    /// Whether any note of the day has an activity entry.
    pub has_activity: bool,
    /// Mean mood of the day's notes that have one.
    pub mood: Option<f64>,
    pub energy: Option<f64>,
    /// Indexes into the journal's notes: a day's notes are next to each
    /// other in (date, path) order, so a range, not a list per day.
    pub notes: Range<usize>,
    /// The sum and count of the moods, then of the energies, of the day's
    /// notes: the means are made from them as each note is counted.
    sums: (f64, usize, f64, usize),
}

impl Day {
    /// All activities summed (saturating: counts are only bounded by the
    /// note format, and a day of `calls: 9223372036854775807` twice must not
    /// overflow).
    pub fn total_activity(&self) -> u64 {
        self.activity.values().fold(0, |sum, n| sum.saturating_add(*n))
    }
    pub fn count(&self, activity: &str) -> u64 {
        self.activity.get(activity).copied().unwrap_or(0)
    }
}

/// The journal's workdays: configured weekdays less its days off.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    workdays: Workdays,
    holidays: Vec<Holiday>,
    /// Dates of notes that say `off:`, with the reasons they give (in
    /// note order, each once; empty for `off: true`); notes dated after
    /// the report date too ([`Calendar::add`]).
    off: BTreeMap<NaiveDate, Vec<String>>,
}

impl Calendar {
    /// The calendar of `config` before any note: its weekdays and holidays.
    pub fn new(config: &Config) -> Calendar {
        Calendar { workdays: config.workdays, holidays: config.holidays.clone(), off: BTreeMap::new() }
    }

    /// Count `note`'s `off:`, if it has one: every note's, later ones
    /// included. A figure of dates up to the report date never looks past
    /// it, and the one that does, §9's workdays left, is what a day off
    /// planned ahead (`new --date … --off PTO`) is for (§4 lists it among
    /// the figures a day off changes).
    fn add(&mut self, note: &Note) {
        if let Some(day_off) = &note.off {
            let reasons = self.off.entry(note.date).or_default();
            if let Some(reason) = &day_off.reason {
                if !reasons.contains(reason) {
                    reasons.push(reason.clone());
                }
            }
        }
    }

    /// Whether `date` is a workday: a configured weekday that is not a day off.
    pub fn is_workday(&self, date: NaiveDate) -> bool {
        self.workdays.contains(date.weekday()) && !self.is_day_off(date)
    }

    /// Whether `date` is a holiday or a note's day off (whatever its weekday).
    pub fn is_day_off(&self, date: NaiveDate) -> bool {
        self.off.contains_key(&date) || self.holidays.iter().any(|h| h.contains(date))
    }

    /// Why `date` is a day off, in words (`holiday`, `PTO`, `day off`), or
    /// `None` when it is not one.
    pub fn day_off(&self, date: NaiveDate) -> Option<String> {
        let holiday = self.holidays.iter().any(|h| h.contains(date));
        let mut words: Vec<&str> = Vec::new();
        if holiday {
            words.push("holiday");
        }
        match self.off.get(&date) {
            Some(reasons) if reasons.is_empty() && !holiday => words.push("day off"),
            Some(reasons) => words.extend(reasons.iter().map(String::as_str)),
            None => {}
        }
        (!words.is_empty()).then(|| words.join(", "))
    }

    /// The configured weekdays (days off not taken out).
    pub fn weekdays(&self) -> Workdays {
        self.workdays
    }
}

/// The journal's days (only days that have notes), with the as-of date and
/// the facts about elapsed workdays that several areas share.
#[derive(Debug, Clone, PartialEq)]
pub struct Days {
    pub as_of: NaiveDate,
    pub days: BTreeMap<NaiveDate, Day>,
    pub workdays: Workdays,
    /// Which dates are workdays (days off taken out).
    pub calendar: Calendar,
    /// The first note's date.
    pub first: Option<NaiveDate>,
    /// How many notes are counted (the first ones of the sorted notes).
    counted: usize,
}

impl Days {
    /// The days of `journal`'s notes: as [`Days::of`] its workspace's
    /// notes, but for the days off of notes dated after it, which the
    /// journal does not hold.
    pub fn new(journal: &Journal, config: &Config) -> Days {
        Days::of(&journal.notes, journal.as_of, config)
    }

    /// The days of `notes` (in (date, path) order, as a workspace sorts
    /// them) as of `as_of`, without the journal: the same as [`Days::new`]
    /// of their journal, and computable while it is folded. A day's note
    /// indexes are into `notes`, which are the journal's notes' too (the
    /// journal's are the ones up to `as_of`, in the same order). The days
    /// off of the notes after `as_of` are in the calendar as well.
    pub fn of(notes: &[Arc<Note>], as_of: NaiveDate, config: &Config) -> Days {
        let mut days = Days {
            as_of,
            days: BTreeMap::new(),
            workdays: config.workdays,
            calendar: Calendar::new(config),
            first: None,
            counted: 0,
        };
        days.advance(notes, as_of);
        for note in &notes[days.counted..] {
            days.calendar.add(note);
        }
        days
    }

    /// Move the as-of date forward to `as_of`, counting the notes of
    /// `notes` (the same sorted notes as before) dated up to it: the days
    /// are then [`Days::of`] as of `as_of`, without counting the earlier
    /// notes again (a box history walks twelve weeks this way).
    pub fn advance(&mut self, notes: &[Arc<Note>], as_of: NaiveDate) {
        debug_assert!(as_of >= self.as_of || self.counted == 0);
        debug_assert!(notes.is_sorted_by(|a, b| (a.date, &a.path) <= (b.date, &b.path)));
        let from = self.counted;
        let upto = from + notes[from..].partition_point(|n| n.date <= as_of);
        for (i, note) in notes.iter().enumerate().take(upto).skip(from) {
            self.count(i, note);
        }
        self.first = self.first.or_else(|| notes[..upto].first().map(|n| n.date));
        self.counted = upto;
        self.as_of = as_of;
    }

    /// Count `note`, `notes[i]` of the sorted notes, into its day.
    fn count(&mut self, i: usize, note: &Note) {
        let day = self.days.entry(note.date).or_insert_with(|| Day { notes: i..i, ..Day::default() });
        day.notes.end = i + 1;
        day.activity.add_all(&note.activity);
        day.has_activity |= !note.activity.is_empty();
        let m = &mut day.sums;
        if let Some(mood) = note.mood {
            m.0 += mood;
            m.1 += 1;
        }
        if let Some(energy) = note.energy {
            m.2 += energy;
            m.3 += 1;
        }
        let (mood, n, energy, e) = *m;
        day.mood = (n > 0).then(|| mood / n as f64);
        day.energy = (e > 0).then(|| energy / e as f64);
        self.calendar.add(note);
    }

    /// These days as [`Days::of`] `now` as of `as_of` counts them, when
    /// `now` differs from `before` (the sorted notes they were counted
    /// from) only in notes of the same date and path: the days of the
    /// changed notes are counted again, and no other. `Err(self)` when
    /// anything else changed. A save's rebuild at 100 years counted 36,500
    /// days again (12 ms) for the one day that changed.
    #[allow(clippy::result_large_err)] // both sides are the days, moved
    pub fn recounted(mut self, before: &[Arc<Note>], now: &[Arc<Note>], as_of: NaiveDate) -> Result<Days, Days> {
        if self.as_of != as_of || before.len() != now.len() || self.counted > now.len() {
            return Err(self);
        }
        let changed: Vec<usize> = (0..now.len()).filter(|&i| !Arc::ptr_eq(&before[i], &now[i])).collect();
        if changed.iter().any(|&i| before[i].date != now[i].date || before[i].path != now[i].path) {
            return Err(self);
        }
        let mut dates: Vec<NaiveDate> = changed.iter().filter(|&&i| i < self.counted).map(|&i| now[i].date).collect();
        dates.dedup();
        for date in dates {
            let Some(day) = self.days.remove(&date) else { return Err(self) };
            self.calendar.off.remove(&date);
            for i in day.notes {
                self.count(i, &now[i]);
            }
        }
        // A later note's day off, set or taken back.
        let mut later: Vec<NaiveDate> = changed.iter().filter(|&&i| i >= self.counted).map(|&i| now[i].date).collect();
        later.dedup();
        for date in later {
            self.calendar.off.remove(&date);
            let from = now.partition_point(|n| n.date < date);
            for note in now[from..].iter().take_while(|n| n.date == date) {
                self.calendar.add(note);
            }
        }
        Ok(self)
    }

    pub fn get(&self, date: NaiveDate) -> Option<&Day> {
        self.days.get(&date)
    }

    /// The elapsed workdays in `[from, as_of]` (SPEC §4): workdays (days
    /// off excluded) on or after the first note's date, and the as-of date
    /// itself only once some note is dated on it.
    pub fn elapsed_workdays(&self, from: NaiveDate) -> impl Iterator<Item = NaiveDate> + '_ {
        let start = self.first.map_or(self.as_of + Duration::days(1), |f| f.max(from));
        let end = if self.days.contains_key(&self.as_of) { self.as_of } else { self.as_of - Duration::days(1) };
        start.iter_days().take_while(move |d| *d <= end).filter(|d| self.calendar.is_workday(*d))
    }

    /// Whether `date` is a workday ([`Calendar::is_workday`]: days off are
    /// not): the one test SPEC §4's elapsed workdays and §9's workdays left
    /// go through.
    pub fn is_workday(&self, date: NaiveDate) -> bool {
        self.calendar.is_workday(date)
    }

    /// The workdays in `(as_of, through]`: after the as-of date, which is
    /// excluded whether or not it has a note (SPEC §9 `workdays_left`).
    pub fn workdays_after_as_of(&self, through: NaiveDate) -> usize {
        let from = self.as_of + Duration::days(1);
        from.iter_days().take_while(|d| *d <= through).filter(|d| self.is_workday(*d)).count()
    }

    /// Monday of the as-of date's ISO week.
    pub fn week_start(&self) -> NaiveDate {
        week_start(self.as_of)
    }
}

/// Monday of `d`'s ISO week.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::test_support::*;

    /// Counting again only the changed notes' days gives the days of a
    /// count from scratch; a note moved to another date is refused.
    #[test]
    fn recounted_days_are_the_days_counted_from_scratch() {
        let c = Config::default();
        let as_of = "2026-11-27";
        let notes = |files: &[(String, String)]| journal_of(&c, files, as_of).notes;
        let before = notes(&[
            fm("2026-11-25", "mood: 3\nactivity: {calls: 2}"),
            fm("2026-11-26", "mood: 4\noff: sick"),
            fm("2026-11-27", "activity: {calls: 5}"),
        ]);
        let days = Days::of(&before, d(as_of), &c);
        let mut now = before.clone();
        now[1] = notes(&[fm("2026-11-26", "mood: 1\nactivity: {emails: 7}")]).remove(0);
        let recounted = days.clone().recounted(&before, &now, d(as_of)).expect("same dates and paths");
        assert_eq!(recounted, Days::of(&now, d(as_of), &c));
        assert!(recounted.is_workday(d("2026-11-26")), "the day off is gone with the note's `off:`");
        let mut moved = before.clone();
        moved[1] = notes(&[fm("2026-11-24", "mood: 1")]).remove(0);
        assert!(days.clone().recounted(&before, &moved, d(as_of)).is_err());
        assert!(days.recounted(&before, &before, d("2026-11-28")).is_err(), "another report date");
    }

    /// A note dated after the report date counts its day off only: a
    /// workday less after it (SPEC §9's workdays left), and the same when
    /// the days advance past it or count its change again.
    #[test]
    fn a_later_note_counts_its_day_off_only() {
        let c = Config::default();
        let all = |files: &[(String, String)]| journal_of(&c, files, "2026-12-31").notes;
        let notes = all(&[
            fm("2026-11-25", "mood: 3"),
            fm(
                "2026-12-01",
                "mood: 1
off: PTO",
            ),
        ]);
        let days = Days::of(&notes, d("2026-11-27"), &c);
        assert_eq!(days.days.len(), 1, "the later note's day is not counted");
        assert!(!days.is_workday(d("2026-12-01")));
        assert_eq!(days.workdays_after_as_of(d("2026-12-04")), 4, "Mon 30 Nov to Fri 4 Dec, but Tue 1 Dec");
        let mut advanced = days.clone();
        advanced.advance(&notes, d("2026-12-02"));
        assert_eq!(advanced, Days::of(&notes, d("2026-12-02"), &c));
        let mut now = notes.clone();
        now[1] = all(&[fm("2026-12-01", "mood: 1")]).remove(0);
        let recounted = days.recounted(&notes, &now, d("2026-11-27")).expect("same dates and paths");
        assert_eq!(recounted, Days::of(&now, d("2026-11-27"), &c));
        assert!(recounted.is_workday(d("2026-12-01")), "the planned day off was taken back");
    }

    #[test]
    fn today_counts_once_it_has_a_note() {
        let c = Config::default();
        // First note Wednesday 2026-11-25; as of Friday the 27th.
        let files = [fm("2026-11-25", "mood: 3")];
        let j = journal_of(&c, &files, "2026-11-27");
        let days = Days::new(&j, &c);
        assert_eq!(days.elapsed_workdays(d("2026-11-23")).collect::<Vec<_>>(), vec![d("2026-11-25"), d("2026-11-26")]);
        let files = [fm("2026-11-25", "mood: 3"), fm("2026-11-27", "mood: 3")];
        let j = journal_of(&c, &files, "2026-11-27");
        assert_eq!(Days::new(&j, &c).elapsed_workdays(d("2026-11-23")).count(), 3);
    }

    #[test]
    fn several_notes_a_day_add_up_and_average() {
        let c = Config::default();
        let files = [
            ("2026-11-25.md".to_string(), "---\nmood: 2\nactivity: {calls: 3}\n---\n".to_string()),
            ("2026-11-25-meeting.md".to_string(), "---\nmood: 5\nactivity: {calls: 4, meetings: 1}\n---\n".to_string()),
            ("2026-11-25-x.md".to_string(), "no front matter\n".to_string()),
        ];
        let j = journal_of(&c, &files, "2026-11-27");
        let days = Days::new(&j, &c);
        let day = days.get(d("2026-11-25")).unwrap();
        assert_eq!(day.count("calls"), 7);
        assert_eq!(day.total_activity(), 8);
        assert_eq!(day.mood, Some(3.5));
        assert_eq!(day.notes.len(), 3);
    }

    #[test]
    fn huge_counts_saturate_instead_of_overflowing() {
        let c = Config::default();
        let huge = format!("activity: {{calls: {}, emails: {}}}", i64::MAX, i64::MAX);
        let files = [fm("2026-11-25", &huge), ("2026-11-25-b.md".into(), format!("---\n{huge}\n---\n"))];
        let j = journal_of(&c, &files, "2026-11-27");
        let days = Days::new(&j, &c);
        let day = days.get(d("2026-11-25")).unwrap();
        assert_eq!(day.count("calls"), u64::MAX - 1);
        assert_eq!(day.total_activity(), u64::MAX);
    }

    #[test]
    fn days_off_are_not_workdays() {
        // Thanksgiving Thu 2026-11-26 a holiday; Fri 27th a note `off: PTO`
        // (with activity) and one `off: sick`; Mon 30th `off: true`, Tue
        // 1st `off: false`.
        let c = config("holidays: [2026-11-26, 2026-12-05..2026-12-07]\n");
        let files = [
            fm("2026-11-23", "mood: 3"),
            fm("2026-11-27", "off: PTO\nactivity: {calls: 3}"),
            ("2026-11-27-b.md".into(), "---\noff: sick\n---\n".into()),
            fm("2026-11-30", "off: true"),
            fm("2026-12-01", "off: false"),
            fm("2026-12-09", "off: later"),
        ];
        let j = journal_of(&c, &files, "2026-12-08");
        let days = Days::new(&j, &c);
        let cal = &days.calendar;
        assert!(cal.is_workday(d("2026-11-25")));
        assert!(!cal.is_workday(d("2026-11-26")));
        assert_eq!(cal.day_off(d("2026-11-26")).as_deref(), Some("holiday"));
        assert_eq!(cal.day_off(d("2026-11-27")).as_deref(), Some("sick, PTO")); // (date, path) order
        assert_eq!(cal.day_off(d("2026-11-30")).as_deref(), Some("day off"));
        assert!(cal.is_workday(d("2026-12-01")));
        // The range's weekend is a day off too, but was no workday anyway.
        assert_eq!(cal.day_off(d("2026-12-06")).as_deref(), Some("holiday"));
        assert!(!cal.is_workday(d("2026-12-07")));
        // A note after the report date does not count, its `off:` neither.
        assert!(cal.is_workday(d("2026-12-09")));
        // Elapsed: Mon 23..Wed 25, Tue 1..Fri 4 (as of the 8th, no note on it):
        // not the 26th, 27th, 30th or Monday 7th.
        let elapsed: Vec<_> = days.elapsed_workdays(d("2026-11-23")).collect();
        assert_eq!(
            elapsed,
            ["2026-11-23", "2026-11-24", "2026-11-25", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]
                .map(d)
                .to_vec()
        );
        // Activity on a day off still counts.
        assert_eq!(days.get(d("2026-11-27")).unwrap().count("calls"), 3);
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(week_start(d("2026-11-29")), d("2026-11-23"));
        assert_eq!(week_start(d("2026-11-23")), d("2026-11-23"));
    }
}
