//! `saleslog.yaml`: the journal's configuration (SPEC §3).
//!
//! Every key is optional and merges with the defaults; a `stages` list
//! replaces the default list whole. Unlike a note, a bad configuration stops
//! the run (exit 2): figures computed with a mistyped goal would look right
//! and be wrong, which is worse than no report.

use crate::model::diagnostic::{Code, Diagnostic, Pos};
use crate::source::vault::{Dialect, Layout};
use crate::source::yaml::{self, Key, Node, Value};
use crate::text::did_you_mean;
use crate::text::parse_date;
use chrono::{NaiveDate, Weekday};
use std::collections::BTreeMap;

pub const FILE_NAME: &str = "saleslog.yaml";

/// The longest window or age, in days, a setting may give (a century):
/// beyond it date arithmetic would leave the calendar.
pub const MAX_DAYS: i64 = 36_500;

/// The largest amount, goal or quota saleslog reads (10^15): every whole
/// number up to it is exact in a float, and sums of them stay finite.
pub const MAX_AMOUNT: f64 = 1e15;

/// The largest `saleslog.yaml` read: a configuration is a few hundred
/// bytes, and a bounded read keeps memory bounded whatever the file is.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The longest configured text (a name, a currency, an activity or stage
/// name), in characters: such text is shown on every page, so a 20 MB
/// `name:` would make a site of gigabytes.
pub const MAX_TEXT_CHARS: usize = 200;

/// The longest `output` path, in characters (a path, not shown on pages).
const MAX_PATH_CHARS: usize = 4096;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub name: String,
    pub currency: String,
    /// Output folder, relative to the journal unless absolute.
    pub output: String,
    pub workdays: Workdays,
    /// Days off for everyone (`holidays:`), as inclusive ranges in the
    /// order written; a single date is a range of one day.
    pub holidays: Vec<Holiday>,
    pub activities: Vec<String>,
    pub goals: Goals,
    pub attitude: Attitude,
    pub commitments: CommitmentSettings,
    pub quota: Option<Quota>,
    pub pipeline: PipelineSettings,
    pub data: DataSettings,
    /// `dialect:` (SPEC §11): how the journal's files are written.
    pub dialect: Dialect,
    /// A vault's daily-note layout, read from the vault's own settings by
    /// the workspace (not from `saleslog.yaml`); `None` for a plain journal.
    pub vault: Option<Layout>,
}

/// `data:`: how timeliness is judged from git (SPEC §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataSettings {
    /// A note written at most this many days after its date is on time.
    pub on_time_days: i64,
    /// A commit more than this many days after a note's date that changes
    /// its facts is a late edit.
    pub late_edit_days: i64,
    pub git: GitMode,
}

/// `data.git`: `auto` (use the history when the journal is in a work
/// tree), `true` (the same; the Data page says why when there is none) or
/// `false` (never read it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GitMode {
    Auto,
    On,
    Off,
}

impl Default for DataSettings {
    fn default() -> Self {
        DataSettings { on_time_days: 1, late_edit_days: 7, git: GitMode::Auto }
    }
}

/// The configured working days of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workdays([bool; 7]);

impl Workdays {
    pub fn contains(&self, day: Weekday) -> bool {
        self.0[day.num_days_from_monday() as usize]
    }
    pub fn per_week(&self) -> usize {
        self.0.iter().filter(|d| **d).count()
    }
}

/// One entry of `holidays:`: a date, or a range `first..last` (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Holiday {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Goals {
    /// Activity name → target per workday, in name order.
    pub daily: BTreeMap<String, f64>,
    /// Activity name → target per week, in name order.
    pub weekly: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attitude {
    pub scale: f64,
    pub green_at: f64,
    pub red_below: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommitmentSettings {
    pub window_days: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month,
    Quarter,
    Year,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quota {
    pub amount: f64,
    pub period: Period,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PipelineSettings {
    pub coverage_target: f64,
    pub stale_after_days: i64,
    pub win_rate_days: i64,
    pub stages: Vec<Stage>,
}

/// How a closed stage ends a deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Won,
    Lost,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub name: String,
    pub probability: f64,
    pub closed: Option<Outcome>,
}

/// An index into [`PipelineSettings::stages`]; only made for stages that exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StageId(pub usize);

impl PipelineSettings {
    pub fn stage(&self, id: StageId) -> &Stage {
        &self.stages[id.0]
    }
    pub fn find_stage(&self, name: &str) -> Option<StageId> {
        self.stages.iter().position(|s| s.name == name).map(StageId)
    }
}

impl Default for Config {
    fn default() -> Self {
        let stage = |name: &str, probability: f64, closed: Option<Outcome>| Stage {
            name: name.to_string(),
            probability,
            closed,
        };
        Config {
            name: String::new(),
            currency: "USD".to_string(),
            output: "_site".to_string(),
            workdays: Workdays([true, true, true, true, true, false, false]),
            holidays: Vec::new(),
            activities: Vec::new(),
            goals: Goals::default(),
            attitude: Attitude { scale: 5.0, green_at: 3.5, red_below: 2.5 },
            commitments: CommitmentSettings { window_days: 30 },
            quota: None,
            pipeline: PipelineSettings {
                coverage_target: 3.0,
                stale_after_days: 14,
                win_rate_days: 365,
                stages: vec![
                    stage("lead", 0.10, None),
                    stage("qualified", 0.25, None),
                    stage("proposal", 0.50, None),
                    stage("negotiation", 0.75, None),
                    stage("won", 1.0, Some(Outcome::Won)),
                    stage("lost", 0.0, Some(Outcome::Lost)),
                ],
            },
            data: DataSettings::default(),
            dialect: Dialect::Saleslog,
            vault: None,
        }
    }
}

/// Read a configuration file's text. Problems come back all at once, so a
/// user fixes them in one go.
pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
    let mut reader = Reader::new(FILE_NAME);
    let mut config = Config::default();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match yaml::parse(text, 1) {
        Err(e) => {
            reader.problems.push(Diagnostic::error(reader.file, e.pos, Code::ConfigSyntax, e.message));
        }
        Ok(None) => {}
        Ok(Some(root)) => reader.read_root(&root, &mut config),
    }
    if reader.problems.is_empty() {
        Ok(config)
    } else {
        Err(reader.problems)
    }
}

/// The `name:` a configuration gives, even when other keys are wrong: a
/// team member whose configuration is broken keeps its name on its row
/// (SPEC §10 names members by it). `None` when the YAML itself is broken
/// or names no one.
pub fn name_in(text: &str) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root = yaml::parse(text, 1).ok()??;
    let mut config = Config::default();
    Reader::new(FILE_NAME).read_root(&root, &mut config);
    let name = config.name.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// Where a configuration's top-level `name:` key is, to point at it (two
/// members of a team folder named alike). `None` when the YAML is broken
/// or has no such key.
pub fn name_pos_in(text: &str) -> Option<Pos> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match yaml::parse(text, 1).ok()??.value {
        Value::Map(entries) => entries.into_iter().find(|(k, _)| k.name == "name").map(|(k, _)| k.pos),
        _ => None,
    }
}

/// Reads a configuration file's YAML tree, gathering every problem, each
/// located in `file` (`saleslog.yaml`, or a team's `team.yaml`, which
/// shares its rules and messages).
pub(crate) struct Reader {
    pub(crate) file: &'static str,
    pub(crate) problems: Vec<Diagnostic>,
}

impl Reader {
    pub(crate) fn new(file: &'static str) -> Reader {
        Reader { file, problems: Vec::new() }
    }

    pub(crate) fn invalid(&mut self, pos: Pos, message: String) {
        self.problems.push(Diagnostic::error(self.file, pos, Code::ConfigInvalid, message));
    }

    /// The entries of a mapping, reporting unknown keys; `None` (and a
    /// problem) when the node is not a mapping. Null is an empty mapping.
    pub(crate) fn mapping<'a>(&mut self, node: &'a Node, what: &str, known: &[&str]) -> Option<&'a [(Key, Node)]> {
        match &node.value {
            Value::Map(entries) => {
                for (key, _) in entries {
                    if !known.contains(&key.name.as_str()) {
                        let mut d = Diagnostic::error(
                            self.file,
                            key.pos,
                            Code::ConfigUnknownKey,
                            format!("unknown key `{}` in {what}", key.name),
                        );
                        d = match did_you_mean(&key.name, known.iter().copied()) {
                            Some(s) => d.with_hint(s),
                            None => d.with_hint(format!("known keys: {}", known.join(", "))),
                        };
                        self.problems.push(d);
                    }
                }
                Some(entries)
            }
            Value::Null => Some(&[]),
            _ => {
                self.invalid(node.pos, format!("{what} must be a mapping, not {}", node.kind()));
                None
            }
        }
    }

    fn number(&mut self, node: &Node, key: &str, min: f64, max: f64) -> Option<f64> {
        match node.as_f64() {
            Some(v) if v.is_finite() && v >= min && v <= max => Some(v),
            // `.nan` and `.inf` are YAML numbers, but no setting means them.
            Some(v) if !v.is_finite() => {
                let shown = if v.is_nan() {
                    ".nan"
                } else if v > 0.0 {
                    ".inf"
                } else {
                    "-.inf"
                };
                self.invalid(node.pos, format!("`{key}` must be a finite number, not {shown}"));
                None
            }
            Some(_) => {
                let range = match (min > f64::MIN, max < f64::MAX) {
                    (true, true) => format!("between {min} and {max}"),
                    (true, false) => format!("at least {min}"),
                    (false, true) => format!("at most {max}"),
                    (false, false) => "a finite number".to_string(),
                };
                self.invalid(node.pos, format!("`{key}` must be {range}, not {}", node.written()));
                None
            }
            None => {
                self.invalid(node.pos, format!("`{key}` must be a number, not {}", node.kind()));
                None
            }
        }
    }

    /// A number of days: whole, from `min` to [`MAX_DAYS`].
    fn days(&mut self, node: &Node, key: &str, min: i64) -> Option<i64> {
        match node.value {
            Value::Int(v) if (min..=MAX_DAYS).contains(&v) => Some(v),
            _ => {
                self.invalid(
                    node.pos,
                    format!("`{key}` must be a whole number of days from {min} to {MAX_DAYS}, not {}", node.written()),
                );
                None
            }
        }
    }

    pub(crate) fn text(&mut self, node: &Node, key: &str) -> Option<String> {
        let limit = if key == "output" { MAX_PATH_CHARS } else { MAX_TEXT_CHARS };
        match &node.value {
            Value::Null => Some(String::new()),
            _ => match node.scalar_text() {
                Some(s) if s.chars().nth(limit).is_some() => {
                    self.invalid(
                        node.pos,
                        format!(
                            "`{key}` is {} characters long; configured text is at most {limit} characters (it is shown on every page)",
                            s.chars().count()
                        ),
                    );
                    None
                }
                Some(s) => Some(s),
                None => {
                    self.invalid(node.pos, format!("`{key}` must be text, not {}", node.kind()));
                    None
                }
            },
        }
    }

    fn read_root(&mut self, root: &Node, config: &mut Config) {
        const KEYS: &[&str] = &[
            "name",
            "currency",
            "output",
            "workdays",
            "holidays",
            "activities",
            "goals",
            "attitude",
            "commitments",
            "quota",
            "pipeline",
            "data",
            "dialect",
        ];
        let Some(entries) = self.mapping(root, "saleslog.yaml", KEYS) else { return };
        for (key, node) in entries {
            match key.name.as_str() {
                "name" => config.name = self.text(node, "name").unwrap_or_default(),
                "currency" => {
                    if let Some(c) = self.text(node, "currency").filter(|c| !c.is_empty()) {
                        config.currency = c;
                    }
                }
                "output" => match self.text(node, "output") {
                    Some(o) if !o.trim().is_empty() => config.output = o,
                    Some(_) => self.invalid(node.pos, "`output` must name a folder".into()),
                    None => {}
                },
                "workdays" => self.read_workdays(node, config),
                "holidays" => config.holidays = self.read_holidays(node),
                "activities" => config.activities = self.names(node, "activities"),
                "goals" => self.read_goals(node, config),
                "attitude" => self.read_attitude(node, config),
                "commitments" => {
                    for (key, node) in self.mapping(node, "commitments", &["window_days"]).unwrap_or_default() {
                        if key.name == "window_days" {
                            if let Some(v) = self.days(node, "window_days", 1) {
                                config.commitments.window_days = v;
                            }
                        }
                    }
                }
                "quota" => self.read_quota(node, config),
                "pipeline" => self.read_pipeline(node, config),
                "data" => self.read_data(node, config),
                "dialect" => match node.scalar_text().as_deref().and_then(Dialect::from_name) {
                    Some(d) => config.dialect = d,
                    None => {
                        let written = node.written();
                        let hint = did_you_mean(&written, Dialect::NAMES.iter().copied());
                        let mut message =
                            format!("`dialect` must be one of saleslog, obsidian, logseq, not `{written}`");
                        if let Some(h) = hint {
                            message.push_str(&format!(" ({h})"));
                        }
                        self.invalid(node.pos, message);
                    }
                },
                _ => {}
            }
        }
    }

    fn names(&mut self, node: &Node, key: &str) -> Vec<String> {
        match &node.value {
            Value::Null => Vec::new(),
            Value::Seq(items) => items.iter().filter_map(|n| self.text(n, key)).filter(|s| !s.is_empty()).collect(),
            _ => {
                self.invalid(node.pos, format!("`{key}` must be a list, not {}", node.kind()));
                Vec::new()
            }
        }
    }

    fn read_workdays(&mut self, node: &Node, config: &mut Config) {
        let mut days = [false; 7];
        let Value::Seq(items) = &node.value else {
            self.invalid(
                node.pos,
                format!("`workdays` must be a list such as [mon, tue, wed, thu, fri], not {}", node.kind()),
            );
            return;
        };
        for item in items {
            let name = item.scalar_text().unwrap_or_default().to_lowercase();
            match (0..7).find(|&i| name == DAY_NAMES[i] || name == WEEK_FULL[i]) {
                Some(i) => days[i] = true,
                None => {
                    let mut d = Diagnostic::error(
                        self.file,
                        item.pos,
                        Code::ConfigInvalid,
                        format!("`{}` is not a day of the week", item.written()),
                    );
                    d = d.with_hint("use mon, tue, wed, thu, fri, sat, sun");
                    self.problems.push(d);
                }
            }
        }
        config.workdays = Workdays(days);
    }

    /// `holidays:` — a list of `YYYY-MM-DD` dates and `YYYY-MM-DD..YYYY-MM-DD`
    /// ranges (both ends included). Each bad entry is its own problem.
    fn read_holidays(&mut self, node: &Node) -> Vec<Holiday> {
        let items = match &node.value {
            Value::Null => return Vec::new(),
            Value::Seq(items) => items,
            _ => {
                self.invalid(
                    node.pos,
                    format!(
                        "`holidays` must be a list such as [2026-11-26, 2026-12-24..2026-12-31], not {}",
                        node.kind()
                    ),
                );
                return Vec::new();
            }
        };
        let mut holidays = Vec::new();
        for item in items {
            let Some(text) = item.as_str() else {
                self.invalid_with_hint(
                    item.pos,
                    format!("holiday `{}` is {}, not a date", item.written(), item.kind()),
                    HOLIDAY_HINT,
                );
                continue;
            };
            let (first, last) = match text.split_once("..") {
                Some((a, b)) => (a.trim(), b.trim()),
                None => (text.trim(), text.trim()),
            };
            match (parse_date(first), parse_date(last)) {
                (Some(first), Some(last)) if first <= last => holidays.push(Holiday { first, last }),
                (Some(_), Some(_)) => self.invalid_with_hint(
                    item.pos,
                    format!("holiday range `{text}` ends before it starts"),
                    format!("write the earlier date first: `{last}..{first}`"),
                ),
                _ if first.is_empty() || last.is_empty() => self.invalid_with_hint(
                    item.pos,
                    format!("holiday range `{text}` needs a date on both sides of `..`"),
                    HOLIDAY_HINT,
                ),
                (a, _) => {
                    let message = if !text.contains("..") {
                        format!("holiday `{text}` is not a real date")
                    } else {
                        format!(
                            "holiday range `{text}`: `{}` is not a real date",
                            if a.is_none() { first } else { last }
                        )
                    };
                    self.invalid_with_hint(item.pos, message, HOLIDAY_HINT);
                }
            }
        }
        holidays
    }

    fn invalid_with_hint(&mut self, pos: Pos, message: String, hint: impl Into<String>) {
        self.problems.push(Diagnostic::error(self.file, pos, Code::ConfigInvalid, message).with_hint(hint));
    }

    fn read_goals(&mut self, node: &Node, config: &mut Config) {
        for (key, node) in self.mapping(node, "goals", &["daily", "weekly"]).unwrap_or_default() {
            let what = format!("goals.{}", key.name);
            let mut targets = BTreeMap::new();
            if let Value::Map(entries) = &node.value {
                for (activity, target) in entries {
                    if let Some(t) = self.number(target, &format!("{what}.{}", activity.name), 0.0, MAX_AMOUNT) {
                        targets.insert(activity.name.clone(), t);
                    }
                }
            } else if !node.is_null() {
                self.invalid(node.pos, format!("`{what}` must map activity names to targets, e.g. {{calls: 20}}"));
            }
            match key.name.as_str() {
                "daily" => config.goals.daily = targets,
                "weekly" => config.goals.weekly = targets,
                _ => {}
            }
        }
    }

    fn read_attitude(&mut self, node: &Node, config: &mut Config) {
        for (key, node) in self.mapping(node, "attitude", &["scale", "green_at", "red_below"]).unwrap_or_default() {
            let a = &mut config.attitude;
            match key.name.as_str() {
                "scale" => {
                    if let Some(v) = self.number(node, "attitude.scale", 1.0, 1000.0) {
                        a.scale = v;
                    }
                }
                "green_at" => {
                    if let Some(v) = self.number(node, "attitude.green_at", f64::MIN, f64::MAX) {
                        a.green_at = v;
                    }
                }
                "red_below" => {
                    if let Some(v) = self.number(node, "attitude.red_below", f64::MIN, f64::MAX) {
                        a.red_below = v;
                    }
                }
                _ => {}
            }
        }
    }

    fn read_quota(&mut self, node: &Node, config: &mut Config) {
        config.quota = self.quota(node);
    }

    /// A `quota:` mapping (null: no quota).
    pub(crate) fn quota(&mut self, node: &Node) -> Option<Quota> {
        if node.is_null() {
            return None;
        }
        let entries = self.mapping(node, "quota", &["amount", "period"])?;
        let mut amount = None;
        let mut period = Period::Quarter;
        for (key, node) in entries {
            match key.name.as_str() {
                "amount" => amount = self.number(node, "quota.amount", 0.0, MAX_AMOUNT),
                "period" => match node.as_str() {
                    Some("month") => period = Period::Month,
                    Some("quarter") => period = Period::Quarter,
                    Some("year") => period = Period::Year,
                    _ => self.invalid(
                        node.pos,
                        format!("`quota.period` must be month, quarter or year, not `{}`", node.written()),
                    ),
                },
                _ => {}
            }
        }
        if amount.is_none() && !entries.iter().any(|(k, _)| k.name == "amount") {
            self.invalid(node.pos, "`quota` needs an `amount`, e.g. {amount: 300000, period: quarter}".into());
        }
        amount.map(|amount| Quota { amount, period })
    }

    fn read_pipeline(&mut self, node: &Node, config: &mut Config) {
        const KEYS: &[&str] = &["coverage_target", "stale_after_days", "win_rate_days", "stages"];
        for (key, node) in self.mapping(node, "pipeline", KEYS).unwrap_or_default() {
            let p = &mut config.pipeline;
            match key.name.as_str() {
                "coverage_target" => {
                    if let Some(v) = self.number(node, "pipeline.coverage_target", 0.0, f64::MAX) {
                        p.coverage_target = v;
                    }
                }
                "stale_after_days" => {
                    if let Some(v) = self.days(node, "pipeline.stale_after_days", 0) {
                        p.stale_after_days = v;
                    }
                }
                "win_rate_days" => {
                    if let Some(v) = self.days(node, "pipeline.win_rate_days", 1) {
                        p.win_rate_days = v;
                    }
                }
                "stages" => {
                    if let Some(stages) = self.read_stages(node) {
                        config.pipeline.stages = stages;
                    }
                }
                _ => {}
            }
        }
    }

    fn read_data(&mut self, node: &Node, config: &mut Config) {
        const KEYS: &[&str] = &["on_time_days", "late_edit_days", "git"];
        for (key, node) in self.mapping(node, "data", KEYS).unwrap_or_default() {
            let d = &mut config.data;
            match key.name.as_str() {
                "on_time_days" => {
                    if let Some(v) = self.days(node, "data.on_time_days", 0) {
                        d.on_time_days = v;
                    }
                }
                "late_edit_days" => {
                    if let Some(v) = self.days(node, "data.late_edit_days", 0) {
                        d.late_edit_days = v;
                    }
                }
                "git" => match (&node.value, node.as_str()) {
                    (Value::Bool(true), _) => d.git = GitMode::On,
                    (Value::Bool(false), _) => d.git = GitMode::Off,
                    (_, Some("auto")) | (Value::Null, _) => d.git = GitMode::Auto,
                    _ => self
                        .invalid(node.pos, format!("`data.git` must be auto, true or false, not `{}`", node.written())),
                },
                _ => {}
            }
        }
    }

    fn read_stages(&mut self, node: &Node) -> Option<Vec<Stage>> {
        let Value::Seq(items) = &node.value else {
            self.invalid(node.pos, format!("`pipeline.stages` must be a list, not {}", node.kind()));
            return None;
        };
        let mut stages: Vec<Stage> = Vec::new();
        for item in items {
            let entries = self.mapping(item, "a stage", &["name", "probability", "closed"])?;
            let mut stage = Stage { name: String::new(), probability: 0.0, closed: None };
            for (key, node) in entries {
                match key.name.as_str() {
                    "name" => stage.name = self.text(node, "name").unwrap_or_default(),
                    "probability" => stage.probability = self.number(node, "probability", 0.0, 1.0).unwrap_or(0.0),
                    "closed" => match node.as_str() {
                        Some("won") => stage.closed = Some(Outcome::Won),
                        Some("lost") => stage.closed = Some(Outcome::Lost),
                        _ if node.is_null() => {}
                        _ => self
                            .invalid(node.pos, format!("`closed` must be `won` or `lost`, not `{}`", node.written())),
                    },
                    _ => {}
                }
            }
            if stage.name.is_empty() {
                self.invalid(item.pos, "every stage needs a `name`".into());
            } else if stages.iter().any(|s| s.name == stage.name) {
                self.invalid(item.pos, format!("stage `{}` is listed twice", stage.name));
            } else {
                stages.push(stage);
            }
        }
        if stages.is_empty() {
            // Only when nothing was listed: a list whose stages were each
            // refused has said why already.
            if items.is_empty() {
                self.invalid(node.pos, "`pipeline.stages` must list at least one stage".into());
            }
            return None;
        }
        Some(stages)
    }
}

const HOLIDAY_HINT: &str = "write a date as YYYY-MM-DD, or a range as YYYY-MM-DD..YYYY-MM-DD (both days included)";

const WEEK_FULL: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_the_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
        assert_eq!(parse("# nothing\n").unwrap(), Config::default());
    }

    #[test]
    fn partial_mappings_merge_with_defaults() {
        let c = parse("attitude: {scale: 10}\ngoals:\n  daily: {calls: 20}\n").unwrap();
        assert_eq!(c.attitude.scale, 10.0);
        assert_eq!(c.attitude.green_at, 3.5);
        assert_eq!(c.goals.daily.get("calls"), Some(&20.0));
        assert!(c.goals.weekly.is_empty());
        assert_eq!(c.pipeline.stages.len(), 6);
    }

    #[test]
    fn stages_replace_the_whole_list() {
        let c = parse("pipeline:\n  stages:\n    - {name: open, probability: 0.5}\n    - {name: done, probability: 1, closed: won}\n").unwrap();
        assert_eq!(c.pipeline.stages.len(), 2);
        assert_eq!(c.pipeline.stages[1].closed, Some(Outcome::Won));
        assert_eq!(c.pipeline.coverage_target, 3.0);
    }

    #[test]
    fn unknown_keys_name_the_key_line_and_suggestion() {
        let e = parse("name: Alex\nqouta: {amount: 10}\n").unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].code, Code::ConfigUnknownKey);
        assert_eq!(e[0].line, 2);
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `quota`?"));
    }

    #[test]
    fn wrong_types_are_errors() {
        let e = parse("commitments: {window_days: soon}\nquota: {amount: 1000, period: week}\n").unwrap_err();
        assert_eq!(e.len(), 2);
        assert!(e.iter().all(|d| d.code == Code::ConfigInvalid));
    }

    #[test]
    fn day_counts_beyond_a_century_are_refused() {
        // `window_days: 9223372036854775807` overflowed the report's date
        // arithmetic (a panic).
        let e =
            parse("commitments: {window_days: 9223372036854775807}\npipeline: {win_rate_days: 36501}\n").unwrap_err();
        assert_eq!(e.len(), 2);
        assert!(e[0].message.contains("from 1 to 36500"), "{}", e[0].message);
        let c = parse("commitments: {window_days: 36500}\npipeline: {stale_after_days: 36500, win_rate_days: 36500}\n")
            .unwrap();
        let j = crate::analyse::test_support::journal(&c, &[("0000-01-01.md", "mood: 3")], "0000-01-02");
        crate::analyse::analyse(&j, &c, crate::model::diagnostic::Tally::default());
        let e = parse("goals: {daily: {calls: 1e308}}\nquota: {amount: 1e16}\n").unwrap_err();
        assert_eq!(e.len(), 2);
        crate::analyse::analyse(&j, &c, crate::model::diagnostic::Tally::default());
    }

    /// A message quotes the value as it was written: a quoted number is
    /// text, a whole float keeps its point, nothing is `null`; and a
    /// stage refused for its blank name is one problem, not two.
    #[test]
    fn messages_quote_the_value_as_written() {
        let message = |yaml: &str| parse(yaml).unwrap_err().into_iter().map(|d| d.message).collect::<Vec<_>>();
        assert_eq!(
            message("pipeline: {win_rate_days: \"30\"}\n"),
            ["`pipeline.win_rate_days` must be a whole number of days from 1 to 36500, not \"30\""]
        );
        assert!(message("pipeline: {win_rate_days: 30.0}\n")[0].ends_with("not 30.0"));
        assert!(message("pipeline: {win_rate_days: null}\n")[0].ends_with("not null"));
        // A huge number is quoted as written, not as its 301 digits.
        assert_eq!(
            message("goals: {weekly: {meetings: -1e300}}\n"),
            ["`goals.weekly.meetings` must be between 0 and 1000000000000000, not -1e300"]
        );
        assert_eq!(
            message("pipeline:\n  stages:\n    - {name: \"\", probability: 0.1}\n"),
            ["every stage needs a `name`"]
        );
        assert_eq!(message("pipeline: {stages: []}\n"), ["`pipeline.stages` must list at least one stage"]);
    }

    #[test]
    fn holidays_are_dates_and_inclusive_ranges() {
        let c = parse("holidays: [2026-11-26, \"2026-12-24..2026-12-31\", 2027-01-01 .. 2027-01-01]\n").unwrap();
        let d = |s| parse_date(s).unwrap();
        assert_eq!(
            c.holidays,
            vec![
                Holiday { first: d("2026-11-26"), last: d("2026-11-26") },
                Holiday { first: d("2026-12-24"), last: d("2026-12-31") },
                Holiday { first: d("2027-01-01"), last: d("2027-01-01") },
            ]
        );
        assert!(c.holidays[1].contains(d("2026-12-31")) && !c.holidays[1].contains(d("2027-01-01")));
        assert!(parse("holidays:\n").unwrap().holidays.is_empty());
    }

    #[test]
    fn bad_holidays_are_located_errors() {
        let e = parse(
            "name: x\nholidays:\n  - 2026-02-30\n  - 2026-12-31..2026-12-24\n  - 2026-12-24..soon\n  - 5\n  - ok\n",
        )
        .unwrap_err();
        let got: Vec<(usize, &str)> = e.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (3, "holiday `2026-02-30` is not a real date"),
                (4, "holiday range `2026-12-31..2026-12-24` ends before it starts"),
                (5, "holiday range `2026-12-24..soon`: `soon` is not a real date"),
                (6, "holiday `5` is a whole number, not a date"),
                (7, "holiday `ok` is not a real date"),
            ]
        );
        assert!(e.iter().all(|d| d.code == Code::ConfigInvalid && d.column == 5));
        assert_eq!(e[1].hint.as_deref(), Some("write the earlier date first: `2026-12-24..2026-12-31`"));
        let e = parse("holidays: [2026-12-24..]\n").unwrap_err();
        assert_eq!(e[0].message, "holiday range `2026-12-24..` needs a date on both sides of `..`");
        let e = parse("holidays: 2026-12-25\n").unwrap_err();
        assert_eq!((e[0].line, e[0].column), (1, 11));
    }

    #[test]
    fn data_settings_merge_and_are_validated() {
        let c = parse("data: {late_edit_days: 3}\n").unwrap();
        assert_eq!(c.data, DataSettings { late_edit_days: 3, ..DataSettings::default() });
        assert_eq!(parse("data: {git: false}\n").unwrap().data.git, GitMode::Off);
        assert_eq!(parse("data: {git: true}\n").unwrap().data.git, GitMode::On);
        assert_eq!(parse("data: {git: auto}\n").unwrap().data.git, GitMode::Auto);
        let e = parse("data:\n  git: no\n  on_time_days: -1\n  late_edits: 3\n").unwrap_err();
        assert_eq!(e.len(), 3);
        assert_eq!((e[0].line, e[0].code), (4, Code::ConfigUnknownKey));
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `late_edit_days`?"));
        assert_eq!((e[1].line, e[1].code), (2, Code::ConfigInvalid));
        assert!(e[1].message.contains("auto, true or false"), "{}", e[1].message);
        assert_eq!(e[2].line, 3);
    }

    #[test]
    fn quota_and_workdays() {
        let c = parse("quota: {amount: 300000, period: month}\nworkdays: [mon, tue, sat]\n").unwrap();
        assert_eq!(c.quota, Some(Quota { amount: 300000.0, period: Period::Month }));
        assert_eq!(c.workdays.per_week(), 3);
        assert!(c.workdays.contains(Weekday::Sat));
        assert!(!c.workdays.contains(Weekday::Fri));
    }
}
