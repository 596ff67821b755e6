//! Charts opened recently, kept typed: a patient going through their record (the summary, the
//! results, a trend) has their chart opened (every resource unsealed and read into the typed
//! model) once, not at every click.
//!
//! An entry is used only while the chart's `updated_at` is the one it was loaded at (an import
//! changes it, on this instance or another), and for at most its time to live; the cache holds
//! at most a set number of resources in all, the least recently used chart dropped first. Like
//! the thread-list cache, it holds health data in this process's memory, never on disk.
//!
//! With a chart, the summary made of it is kept ([`ChartCache::summary`]), as long as the
//! domain says it stays the same (`view::summary::unchanged_until`): the summary is the
//! screen a patient opens first and most.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use fhir_sdk::r4b::resources::Resource;
use portal_api::RecordSummary;

/// A chart's typed resources, shared by the reads that use them.
pub type TypedChart = Arc<Vec<Resource>>;

pub struct ChartCache {
    ttl: Duration,
    max_resources: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<i64, Entry>,
    /// Resources held by all entries.
    held: usize,
}

struct Entry {
    version: i64,
    loaded: Instant,
    used: Instant,
    resources: TypedChart,
    summary: Option<KeptSummary>,
}

impl Entry {
    /// Whether the entry is the chart at `version` and younger than `ttl` at `now`.
    fn fresh_at(&self, version: i64, ttl: Duration, now: Instant) -> bool {
        self.version == version && now.duration_since(self.loaded) < ttl
    }
}

/// A summary made of the entry's chart, and until when it holds.
struct KeptSummary {
    summary: Arc<RecordSummary>,
    until: Option<DateTime<Utc>>,
}

impl ChartCache {
    /// A cache whose entries live `ttl` and that holds at most `max_resources` resources (a
    /// zero `ttl` or size keeps nothing).
    pub fn new(ttl: Duration, max_resources: usize) -> Self {
        Self {
            ttl,
            max_resources,
            inner: Mutex::default(),
        }
    }

    /// Chart `chart_id` as loaded at `version`, if it is held and still fresh.
    pub fn get(&self, chart_id: i64, version: i64) -> Option<TypedChart> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let entry = inner.entries.get_mut(&chart_id)?;
        if entry.fresh_at(version, self.ttl, now) {
            entry.used = now;
            return Some(Arc::clone(&entry.resources));
        }
        let stale = inner.entries.remove(&chart_id).map_or(0, |e| e.resources.len());
        inner.held -= stale;
        None
    }

    /// The summary of chart `chart_id` at `version` kept at [`keep_summary`](Self::keep_summary),
    /// if the chart is held and fresh and the summary still holds at `now`.
    pub fn summary(&self, chart_id: i64, version: i64, now: DateTime<Utc>) -> Option<Arc<RecordSummary>> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let entry = inner.entries.get_mut(&chart_id)?;
        if !entry.fresh_at(version, self.ttl, Instant::now()) {
            return None;
        }
        let kept = entry.summary.as_ref()?;
        if kept.until.is_some_and(|until| now >= until) {
            entry.summary = None;
            return None;
        }
        entry.used = Instant::now();
        Some(Arc::clone(&kept.summary))
    }

    /// Keeps `summary`, made of chart `chart_id` at `version` and the same until `until`, with
    /// the chart if it is held at that version.
    pub fn keep_summary(&self, chart_id: i64, version: i64, summary: Arc<RecordSummary>, until: Option<DateTime<Utc>>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = inner.entries.get_mut(&chart_id).filter(|e| e.version == version) {
            entry.summary = Some(KeptSummary { summary, until });
        }
    }

    /// Keeps chart `chart_id` as loaded at `version`, dropping the least recently used charts
    /// while the cache holds too much.
    pub fn put(&self, chart_id: i64, version: i64, resources: TypedChart) {
        if self.ttl.is_zero() || resources.len() > self.max_resources {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let size = resources.len();
        let entry = Entry {
            version,
            loaded: now,
            used: now,
            resources,
            summary: None,
        };
        if let Some(old) = inner.entries.insert(chart_id, entry) {
            inner.held -= old.resources.len();
        }
        inner.held += size;
        while inner.held > self.max_resources {
            let Some(oldest) = inner
                .entries
                .iter()
                .filter(|(id, _)| **id != chart_id)
                .min_by_key(|(_, e)| e.used)
                .map(|(id, _)| *id)
            else {
                break;
            };
            let dropped = inner.entries.remove(&oldest).map_or(0, |e| e.resources.len());
            inner.held -= dropped;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(resources: usize) -> TypedChart {
        let patient: Resource =
            serde_json::from_value(serde_json::json!({"resourceType": "Patient", "id": "p"})).unwrap();
        Arc::new(vec![patient; resources])
    }

    #[test]
    fn a_chart_is_used_only_at_the_version_it_was_loaded_at() {
        let cache = ChartCache::new(Duration::from_secs(60), 100);
        cache.put(1, 10, chart(3));
        assert_eq!(cache.get(1, 10).map(|c| c.len()), Some(3));
        assert!(cache.get(1, 11).is_none(), "an import changed it");
        assert!(cache.get(1, 10).is_none(), "and the stale entry is gone");
        assert!(cache.get(2, 10).is_none());
    }

    fn summary(name: &str) -> Arc<RecordSummary> {
        Arc::new(RecordSummary {
            patient: portal_api::ChartPatient {
                id: "p".into(),
                name: name.into(),
                birth_date: None,
                gender: None,
            },
            active_problems: Vec::new(),
            allergies: Vec::new(),
            current_medications: Vec::new(),
            immunizations: Vec::new(),
            next_visit: None,
            last_visit: None,
        })
    }

    #[test]
    fn a_summary_is_kept_with_its_chart_until_it_changes() {
        let cache = ChartCache::new(Duration::from_secs(60), 100);
        let at = |hour: u32| chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 1, hour, 0, 0).unwrap();
        cache.keep_summary(1, 10, summary("not held"), None);
        assert!(cache.summary(1, 10, at(8)).is_none(), "kept only with its chart");
        cache.put(1, 10, chart(3));
        cache.keep_summary(1, 10, summary("Blair"), Some(at(9)));
        assert_eq!(cache.summary(1, 10, at(8)).unwrap().patient.name, "Blair");
        assert!(cache.summary(1, 11, at(8)).is_none(), "another version");
        assert!(cache.summary(1, 10, at(9)).is_none(), "the next visit has started");
        assert!(cache.summary(1, 10, at(8)).is_none(), "and it is gone");
        assert!(cache.get(1, 10).is_some(), "the chart stays");
        cache.keep_summary(1, 9, summary("older"), None);
        assert!(cache.summary(1, 10, at(8)).is_none(), "not kept at another version");
        cache.keep_summary(1, 10, summary("for good"), None);
        assert_eq!(cache.summary(1, 10, at(23)).unwrap().patient.name, "for good");
        cache.put(1, 11, chart(3));
        assert!(cache.summary(1, 11, at(8)).is_none(), "a chart loaded anew has none");
    }

    #[test]
    fn the_least_recently_used_charts_go_first_when_it_holds_too_much() {
        let cache = ChartCache::new(Duration::from_secs(60), 10);
        cache.put(1, 1, chart(4));
        cache.put(2, 1, chart(4));
        assert!(cache.get(1, 1).is_some());
        cache.put(3, 1, chart(4));
        assert!(cache.get(2, 1).is_none(), "the least recently used");
        assert!(cache.get(1, 1).is_some() && cache.get(3, 1).is_some());
        cache.put(4, 1, chart(11));
        assert!(cache.get(4, 1).is_none(), "a chart larger than the cache is not kept");
    }

    #[test]
    fn nothing_is_kept_past_its_time_or_with_no_time() {
        let cache = ChartCache::new(Duration::ZERO, 10);
        cache.put(1, 1, chart(1));
        assert!(cache.get(1, 1).is_none());
        let cache = ChartCache::new(Duration::from_millis(20), 10);
        cache.put(1, 1, chart(1));
        std::thread::sleep(Duration::from_millis(30));
        assert!(cache.get(1, 1).is_none());
    }
}
