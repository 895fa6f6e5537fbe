//! Activity name → count: a note's `activity:` and a day's sums of them.
//!
//! Every note and every day of a journal holds one, so its shape is the
//! journal's memory: a sorted list the length of its entries (a map of
//! four activities as a B-tree was a 368-byte node plus a heap string per
//! name), whose names are shared, one allocation per distinct name for the
//! whole process, instead of one per note and day.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock, RwLock};

/// Counts by activity name, in name order, each name once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(Vec<(Arc<str>, u64)>);

impl Counts {
    pub fn new() -> Counts {
        Counts(Vec::new())
    }

    /// The count of `name`, if it has one.
    pub fn get(&self, name: &str) -> Option<&u64> {
        self.0.binary_search_by(|(k, _)| (**k).cmp(name)).ok().map(|i| &self.0[i].1)
    }

    /// Set `name`'s count (replacing the one it had).
    pub fn insert(&mut self, name: &str, count: u64) {
        match self.0.binary_search_by(|(k, _)| (**k).cmp(name)) {
            Ok(i) => self.0[i].1 = count,
            Err(i) => self.0.insert(i, (intern(name), count)),
        }
    }

    /// Add `count` to `name`'s, saturating (counts are only bounded by the
    /// note format: `calls: 9223372036854775807` twice must not overflow).
    pub fn add(&mut self, name: &Arc<str>, count: u64) {
        match self.0.binary_search_by(|(k, _)| (**k).cmp(name)) {
            Ok(i) => self.0[i].1 = self.0[i].1.saturating_add(count),
            Err(i) => self.0.insert(i, (Arc::clone(name), count)),
        }
    }

    /// Every entry of `other` added to these.
    pub fn add_all(&mut self, other: &Counts) {
        for (name, count) in &other.0 {
            self.add(name, *count);
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &u64)> {
        self.0.iter().map(|(k, v)| (&**k, v))
    }
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| &**k)
    }
    pub fn values(&self) -> impl Iterator<Item = &u64> {
        self.0.iter().map(|(_, v)| v)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Give back spare capacity: a note's counts live as long as the journal.
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }
}

impl<'a> IntoIterator for &'a Counts {
    type Item = (&'a str, &'a u64);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (Arc<str>, u64)>, fn(&'a (Arc<str>, u64)) -> (&'a str, &'a u64)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (&**k, v))
    }
}

impl<'a> FromIterator<(&'a str, u64)> for Counts {
    fn from_iter<I: IntoIterator<Item = (&'a str, u64)>>(entries: I) -> Counts {
        let mut counts = Counts::new();
        for (name, count) in entries {
            counts.insert(name, count);
        }
        counts
    }
}

/// As a JSON object in name order, as a `BTreeMap` of them would be.
impl serde::Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

/// The one shared copy of an activity name. Names are few (the journal's
/// activities, tens at most) and repeat in every note; the table keeps
/// each for the life of the process, which in a long `serve` or `lsp`
/// session includes names that were typed and then corrected, a few bytes
/// each.
fn intern(name: &str) -> Arc<str> {
    static NAMES: OnceLock<RwLock<HashSet<Arc<str>>>> = OnceLock::new();
    let names = NAMES.get_or_init(Default::default);
    // A poisoned lock only means another thread panicked while holding
    // it; the set itself is always whole.
    if let Some(known) = names.read().unwrap_or_else(|e| e.into_inner()).get(name) {
        return Arc::clone(known);
    }
    let mut names = names.write().unwrap_or_else(|e| e.into_inner());
    if let Some(known) = names.get(name) {
        return Arc::clone(known);
    }
    let new: Arc<str> = Arc::from(name);
    names.insert(Arc::clone(&new));
    new
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_stay_sorted_and_summed() {
        let mut c: Counts = [("emails", 3), ("calls", 2)].into_iter().collect();
        assert_eq!(c.keys().collect::<Vec<_>>(), ["calls", "emails"]);
        c.insert("calls", 5);
        assert_eq!(c.get("calls"), Some(&5));
        let mut day = Counts::new();
        day.add_all(&c);
        day.add_all(&c);
        assert_eq!(day.iter().collect::<Vec<_>>(), [("calls", &10), ("emails", &6)]);
        day.add_all(&[("calls", u64::MAX)].into_iter().collect());
        assert_eq!(day.get("calls"), Some(&u64::MAX));
        assert_eq!(day.get("meetings"), None);
        assert_eq!(day.len(), 2);
    }

    /// Equal names share one allocation, however many notes give them.
    #[test]
    fn names_are_shared() {
        let a: Counts = [("referrals_asked", 1)].into_iter().collect();
        let b: Counts = [("referrals_asked", 2)].into_iter().collect();
        assert!(Arc::ptr_eq(&a.0[0].0, &b.0[0].0));
    }
}
