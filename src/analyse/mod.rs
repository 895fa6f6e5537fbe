//! The figures of SPEC §4, as of a date, one module per area.
//!
//! Everything here is a pure function of the journal model, the
//! configuration and the diagnostics tally: no I/O, no clock. The as-of
//! date is the journal's.

pub mod activity;
pub mod attitude;
pub mod calendar;
pub mod commitments;
pub mod data;
pub mod forecast;
pub mod pipeline;
pub mod plan;
pub mod summary;
pub mod timeliness;

use crate::model::config::Config;
use crate::model::diagnostic::Tally;
use crate::model::journal::Journal;
use chrono::NaiveDate;
use serde::{Serialize, Serializer};

pub use calendar::Days;

/// A box's colour: what a manager checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Light {
    Green,
    Amber,
    Red,
    Na,
}

impl Light {
    pub fn as_str(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Amber => "amber",
            Light::Red => "red",
            Light::Na => "na",
        }
    }
    /// A mark so colour is never the only signal.
    pub fn mark(self) -> &'static str {
        match self {
            Light::Green => "✓",
            Light::Amber => "!",
            Light::Red => "✗",
            Light::Na => "–",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Boxes {
    pub activity: Light,
    pub attitude: Light,
    pub commitments: Light,
    pub data: Light,
    pub pipeline: Light,
}

/// The report of SPEC §7: field names and order are the JSON contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    #[serde(serialize_with = "iso_date")]
    pub as_of: NaiveDate,
    pub notes: usize,
    pub boxes: Boxes,
    pub activity: activity::ActivityFigures,
    pub attitude: attitude::AttitudeFigures,
    pub commitments: commitments::CommitmentFigures,
    pub pipeline: pipeline::PipelineFigures,
    pub data: data::DataFigures,
    /// SPEC §9.
    pub plan: plan::PlanFigures,
    pub forecast: forecast::ForecastFigures,
}

/// Compute every figure of the journal as of its date. `tally` counts the
/// diagnostics of the whole journal (`check`'s). The journal holds no note
/// dated after its date, so a day off planned in one is not seen here:
/// the commands go through [`crate::site::workspace::Workspace::figures_of`],
/// which counts the days from all of a workspace's notes.
pub fn analyse(journal: &Journal, config: &Config, tally: Tally) -> Figures {
    analyse_days(journal, config, tally, &Days::new(journal, config))
}

/// [`analyse`], with the journal's days counted already (the pages need
/// them too).
pub fn analyse_days(journal: &Journal, config: &Config, tally: Tally, days: &Days) -> Figures {
    let activity = activity::analyse(days, config);
    let attitude = attitude::analyse(days, config);
    let commitments = commitments::analyse(journal, config);
    let pipeline = pipeline::analyse(journal, config);
    let data = data::analyse(days, tally);
    let plan = plan::analyse(journal, config, days, &pipeline);
    let forecast = forecast::analyse(journal, config);
    Figures {
        as_of: journal.as_of,
        notes: journal.notes.len(),
        boxes: Boxes {
            activity: activity.light(),
            attitude: attitude.light(config),
            commitments: commitments.light(),
            data: data.light(&pipeline),
            pipeline: pipeline.light(config),
        },
        activity,
        attitude,
        commitments,
        pipeline,
        data,
        plan,
        forecast,
    }
}

impl Figures {
    /// Add SPEC §8's figures: `data.timeliness`, and the Data box becomes
    /// the worse of its Part I colour and the timeliness rule.
    pub fn with_timeliness(mut self, timeliness: Option<timeliness::TimelinessFigures>) -> Figures {
        if let Some(light) = timeliness.as_ref().and_then(|t| t.light()) {
            self.boxes.data = worse(self.boxes.data, light);
        }
        self.data.timeliness = timeliness;
        self
    }
}

/// The worse of two colours (red, then amber, then green; `na` is no
/// judgement).
pub fn worse(a: Light, b: Light) -> Light {
    let rank = |l: Light| match l {
        Light::Na => 0,
        Light::Green => 1,
        Light::Amber => 2,
        Light::Red => 3,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

pub(crate) fn iso_date<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&d.format("%Y-%m-%d"))
}

pub(crate) fn iso_date_opt<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => iso_date(d, s),
        None => s.serialize_none(),
    }
}

/// Amounts and counts print as integers when they are whole (`48000`, not
/// `48000.0`), as the spec's examples do.
pub(crate) fn num<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

pub(crate) fn num_opt<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => num(v, s),
        None => s.serialize_none(),
    }
}

/// The sum of a sequence, `0.0` when it is empty (`Iterator::sum` of no
/// floats is `-0.0`, which would print as `-0.0`).
pub(crate) fn total(values: impl IntoIterator<Item = f64>) -> f64 {
    values.into_iter().fold(0.0, |sum, v| sum + v)
}

/// Mean of a sequence, `None` when it is empty.
pub(crate) fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.into_iter().fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::model::config::Config;
    use crate::model::journal::Journal;
    use crate::model::note::{self, Note};
    use crate::text::parse_date;
    use chrono::NaiveDate;
    use std::sync::Arc;

    pub fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    pub fn config(yaml: &str) -> Config {
        crate::model::config::parse(yaml).unwrap()
    }

    /// A journal as of `as_of` from (file name, text) pairs.
    pub fn journal(config: &Config, files: &[(&str, &str)], as_of: &str) -> Journal {
        let notes: Vec<Arc<Note>> =
            files.iter().filter_map(|(rel, text)| note::parse(rel, text, config).note.map(Arc::new)).collect();
        Journal::build(&notes, d(as_of))
    }

    /// A note with only front matter.
    pub fn fm(date: &str, yaml: &str) -> (String, String) {
        (format!("{date}.md"), format!("---\n{yaml}\n---\n"))
    }

    pub fn journal_of(config: &Config, files: &[(String, String)], as_of: &str) -> Journal {
        let files: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        journal(config, &files, as_of)
    }
}
