//! Data (SPEC §4): is the journal complete, current and clean?

use super::pipeline::PipelineFigures;
use super::{Days, Light};
use crate::model::diagnostic::Tally;
use chrono::{Duration, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataFigures {
    pub errors: usize,
    pub warnings: usize,
    pub missing_workdays: usize,
    pub days_since_last_note: Option<i64>,
    /// SPEC §8; `None` without a git work tree or with `data.git: false`.
    pub timeliness: Option<super::timeliness::TimelinessFigures>,
}

impl DataFigures {
    pub fn light(&self, pipeline: &PipelineFigures) -> Light {
        if self.errors > 0 || self.missing_workdays > 2 {
            Light::Red
        } else if self.warnings == 0 && self.missing_workdays == 0 && pipeline.stale == 0 {
            Light::Green
        } else {
            Light::Amber
        }
    }
}

/// The elapsed workdays of the last two weeks without a note.
pub fn missing_workdays(days: &Days) -> Vec<NaiveDate> {
    days.elapsed_workdays(days.as_of - Duration::days(13)).filter(|d| !days.days.contains_key(d)).collect()
}

pub fn analyse(days: &Days, tally: Tally) -> DataFigures {
    DataFigures {
        errors: tally.errors,
        warnings: tally.warnings,
        missing_workdays: missing_workdays(days).len(),
        days_since_last_note: days.days.keys().next_back().map(|last| (days.as_of - *last).num_days()),
        timeliness: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::test_support::*;
    use crate::model::config::Config;

    #[test]
    fn data_box_colours() {
        let c = Config::default();
        let j = journal_of(&c, &[fm("2026-11-20", "mood: 3")], "2026-11-27");
        let pipeline = crate::analyse::pipeline::analyse(&j, &c);
        let stale = crate::analyse::pipeline::PipelineFigures { stale: 1, ..pipeline.clone() };
        let f = |errors, warnings, missing_workdays| DataFigures {
            errors,
            warnings,
            missing_workdays,
            days_since_last_note: Some(0),
            timeliness: None,
        };
        assert_eq!(f(0, 0, 0).light(&pipeline), Light::Green);
        assert_eq!(f(1, 0, 0).light(&pipeline), Light::Red);
        assert_eq!(f(0, 0, 3).light(&pipeline), Light::Red);
        assert_eq!(f(0, 0, 2).light(&pipeline), Light::Amber);
        assert_eq!(f(0, 1, 0).light(&pipeline), Light::Amber);
        assert_eq!(f(0, 0, 0).light(&stale), Light::Amber);
    }

    #[test]
    fn missing_workdays_count_from_the_first_note() {
        let c = Config::default();
        // First note Thu 2026-11-19; as of Fri 2026-11-27 without a note.
        let files = [fm("2026-11-19", "mood: 3"), fm("2026-11-23", "mood: 3"), fm("2026-11-25", "mood: 3")];
        let j = journal_of(&c, &files, "2026-11-27");
        let f = analyse(&Days::new(&j, &c), Tally::default());
        // Elapsed: 19, 20, 23, 24, 25, 26 → missing 20, 24, 26.
        assert_eq!(f.missing_workdays, 3);
        assert_eq!(f.days_since_last_note, Some(2));
        let empty = journal_of(&c, &[], "2026-11-27");
        let f = analyse(&Days::new(&empty, &c), Tally::default());
        assert_eq!((f.missing_workdays, f.days_since_last_note), (0, None));
    }
}
