//! Attitude (SPEC §4): the 7-day mood and its correlation with activity.

use super::{Days, Light};
use crate::model::config::Config;
use chrono::Duration;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttitudeFigures {
    #[serde(serialize_with = "super::num")]
    pub scale: f64,
    pub mood_7d: Option<f64>,
    pub mood_activity_r: Option<f64>,
}

impl AttitudeFigures {
    pub fn light(&self, config: &Config) -> Light {
        self.mood_7d.map_or(Light::Na, |m| mood_light(m, config))
    }
}

/// The colour of a mood by the attitude box's thresholds (SPEC §4): the
/// box's, and every mood shown on a page.
pub fn mood_light(mood: f64, config: &Config) -> Light {
    if mood >= config.attitude.green_at {
        Light::Green
    } else if mood < config.attitude.red_below {
        Light::Red
    } else {
        Light::Amber
    }
}

/// Fewer paired days than this and the correlation means nothing.
const MIN_DAYS_FOR_R: usize = 10;

pub fn analyse(days: &Days, config: &Config) -> AttitudeFigures {
    let d = days.as_of;
    let mood_7d = super::mean(days.days.range(d - Duration::days(6)..=d).filter_map(|(_, day)| day.mood));
    let pairs: Vec<(f64, f64)> = days
        .days
        .range(d - Duration::days(89)..=d)
        .filter(|(_, day)| day.has_activity)
        .filter_map(|(_, day)| day.mood.map(|m| (m, day.total_activity() as f64)))
        .collect();
    let mood_activity_r = if pairs.len() < MIN_DAYS_FOR_R { None } else { pearson(&pairs) };
    AttitudeFigures { scale: config.attitude.scale, mood_7d, mood_activity_r }
}

/// Pearson's r, `None` when either series has no variance. A series of
/// equal values is caught before the arithmetic: its mean is not exact for
/// most decimals (4.1), so its variance would come out as a rounding error,
/// not zero.
pub fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    let first = pairs.first()?;
    if pairs.iter().all(|p| p.0 == first.0) || pairs.iter().all(|p| p.1 == first.1) {
        return None;
    }
    let n = pairs.len() as f64;
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyse::test_support::*;

    #[test]
    fn mood_7d_is_the_mean_of_day_moods() {
        let c = Config::default();
        let files = [
            fm("2026-11-20", "mood: 1"), // outside [D-6, D]
            fm("2026-11-21", "mood: 2"),
            ("2026-11-25.md".into(), "---\nmood: 3\n---\n".into()),
            ("2026-11-25-b.md".into(), "---\nmood: 5\n---\n".into()),
            fm("2026-11-27", "energy: 2"),
        ];
        let j = journal_of(&c, &files, "2026-11-27");
        let f = analyse(&Days::new(&j, &c), &c);
        // Days: 21st → 2, 25th → 4.
        assert_eq!(f.mood_7d, Some(3.0));
        assert_eq!(f.light(&c), Light::Amber);
        assert_eq!(f.mood_activity_r, None);
    }

    #[test]
    fn correlation_needs_ten_days_with_both() {
        let c = Config::default();
        let mut files = Vec::new();
        for i in 0..10 {
            let date = d("2026-11-01") + Duration::days(i);
            files.push(fm(&date.to_string(), &format!("mood: {}\nactivity: {{calls: {}}}", 1 + i % 5, 10 * (i % 5))));
        }
        let j = journal_of(&c, &files, "2026-11-10");
        let f = analyse(&Days::new(&j, &c), &c);
        assert!((f.mood_activity_r.unwrap() - 1.0).abs() < 1e-12);
        let j = journal_of(&c, &files[..9], "2026-11-10");
        assert_eq!(analyse(&Days::new(&j, &c), &c).mood_activity_r, None);
    }

    #[test]
    fn pearson_known_values() {
        assert_eq!(pearson(&[(1.0, 1.0), (1.0, 2.0)]), None);
        // A constant mood whose mean is inexact (4.1) still has no variance.
        let constant: Vec<(f64, f64)> = (1..=12).map(|i| (4.1, f64::from(i))).collect();
        assert_eq!(pearson(&constant), None);
        let constant: Vec<(f64, f64)> = (1..=10).map(|i| (1.1, f64::from(i))).collect();
        assert_eq!(pearson(&constant), None);
        let r = pearson(&[(1.0, 2.0), (2.0, 1.0), (3.0, 4.0), (4.0, 3.0)]).unwrap();
        assert!((r - 0.6).abs() < 1e-12);
    }
}
