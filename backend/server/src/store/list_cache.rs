//! Thread lists answered recently, kept until a thread they could show changes.
//!
//! Why: a thread list is the request the app makes most (every open app asks every 30 s, and
//! after every send and read), and most of the time nothing changed since the last one. On
//! SQLite, building it costs four times a bare request (sqlx's hand-offs to the connection
//! thread and the JSON of 50 threads). A list is kept as the JSON body it was answered with,
//! so answering it again costs no query and no serialization: only the audit record.
//!
//! How it stays right: every change to a thread goes through the group-commit writer, which
//! tells this cache, after the COMMIT and before anyone is answered, which patients' threads
//! changed. That bumps a version for the patient (their own lists) and one for the care team
//! (staff and physician lists, which span patients). A list is kept with the versions read
//! *before* its query ran, and answered again only while they are unchanged, so a list read
//! during a change is never served after it.
//!
//! Changes made outside the writers do not pass through it, so:
//! - on SQLite, whose file one service process owns, every change of the service does;
//! - on PostgreSQL, other instances' writers announce their changes, and this cache is on only
//!   while this instance listens to them (`super::list_changes`);
//! - entries also expire after [`Limits::list_cache_ttl`](crate::config::Limits) (5 s by
//!   default; zero turns the cache off), which bounds what the CLI could leave stale (a name,
//!   a care relationship).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use portal_api::ThreadList;

use crate::domain::access::Viewer;

/// A thread list as answered: its JSON body, and the threads it shows for the audit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedList {
    pub json: Bytes,
    /// The audit object: `threads:` and the ids shown, comma-separated.
    pub audit_object: String,
    /// Each patient whose threads the list shows, with the audit object of those threads
    /// alone, in the order they first appear: a care-team list is recorded once per patient,
    /// so each patient's access log shows it.
    pub by_patient: Vec<(i64, String)>,
}

impl RenderedList {
    pub fn render(list: &ThreadList) -> serde_json::Result<Self> {
        let mut by_patient: Vec<(i64, String)> = Vec::new();
        for thread in &list.threads {
            match by_patient.iter_mut().find(|(patient, _)| *patient == thread.patient.id) {
                Some((_, object)) => object.push_str(&format!(",{}", thread.id)),
                None => by_patient.push((thread.patient.id, format!("threads:{}", thread.id))),
            }
        }
        Ok(Self {
            json: Bytes::from(serde_json::to_vec(list)?),
            audit_object: threads_object(list.threads.iter().map(|t| t.id)),
            by_patient,
        })
    }
}

/// `threads:` and `ids`, comma-separated.
fn threads_object(ids: impl Iterator<Item = i64>) -> String {
    let ids: Vec<String> = ids.map(|id| id.to_string()).collect();
    format!("threads:{}", ids.join(","))
}

/// Patient versions are kept in this many slots (a patient shares a slot with others: a
/// change for one drops the others' lists too, which is only a miss).
const SLOTS: usize = 4096;
/// Lists kept at most (a list of 50 threads is about 20 KiB); past it, expired lists are
/// dropped, then all.
const CAPACITY: usize = 4_096;

pub struct ListCache {
    ttl: Option<Duration>,
    inner: Mutex<Inner>,
}

struct Inner {
    /// Off: nothing is answered or kept (PostgreSQL while not listening to other instances).
    live: bool,
    /// Bumped when every list is dropped at once.
    generation: u64,
    patient_versions: Vec<u64>,
    team_version: u64,
    lists: HashMap<String, Entry>,
}

struct Entry {
    version: Version,
    stored_at: Instant,
    list: Arc<RenderedList>,
}

/// The version a list was read at, from [`ListCache::version`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    generation: u64,
    value: u64,
}

impl std::fmt::Debug for ListCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListCache")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl ListCache {
    /// A cache whose entries live for `ttl`; `None` (or a zero `ttl`) keeps nothing, and so
    /// does a cache not `live` until [`set_live`](Self::set_live).
    pub fn new(ttl: Option<Duration>, live: bool) -> Self {
        Self {
            ttl: ttl.filter(|t| !t.is_zero()),
            inner: Mutex::new(Inner {
                live,
                generation: 0,
                patient_versions: vec![0; SLOTS],
                team_version: 0,
                lists: HashMap::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves only a cache behind: keep using it.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The version of what `viewer` can see, to read before querying a list.
    pub fn version(&self, viewer: Viewer) -> Version {
        self.lock().version_of(viewer)
    }

    /// The list stored under `key` for `viewer`, if nothing it could show changed since.
    pub fn get(&self, viewer: Viewer, key: &str) -> Option<Arc<RenderedList>> {
        let ttl = self.ttl?;
        let inner = self.lock();
        if !inner.live {
            return None;
        }
        let entry = inner.lists.get(key)?;
        (entry.version == inner.version_of(viewer) && entry.stored_at.elapsed() < ttl).then(|| entry.list.clone())
    }

    /// Keeps `list`, read by a query that began at `version`.
    pub fn put(&self, viewer: Viewer, key: String, version: Version, list: &Arc<RenderedList>) {
        let Some(ttl) = self.ttl else { return };
        let mut inner = self.lock();
        if !inner.live || inner.version_of(viewer) != version {
            return; // off, or already changed: it would never be answered
        }
        if inner.lists.len() >= CAPACITY && !inner.lists.contains_key(&key) {
            inner.lists.retain(|_, e| e.stored_at.elapsed() < ttl);
            if inner.lists.len() >= CAPACITY {
                inner.lists.clear();
            }
        }
        inner.lists.insert(
            key,
            Entry {
                version,
                stored_at: Instant::now(),
                list: Arc::clone(list),
            },
        );
    }

    /// The threads of these patients changed (committed): their lists, and every care-team
    /// list, are not answered again.
    pub fn changed(&self, patients: &[i64]) {
        if patients.is_empty() {
            return;
        }
        let mut inner = self.lock();
        for &patient in patients {
            let slot = slot(patient);
            inner.patient_versions[slot] += 1;
        }
        inner.team_version += 1;
    }

    /// Whether lists are kept and answered now.
    pub fn is_live(&self) -> bool {
        self.lock().live
    }

    /// Any thread may have changed: no list kept or being read now is answered again.
    pub fn forget_everything(&self) {
        self.lock().drop_everything();
    }

    /// Turns the cache on or off; either way it starts empty.
    pub fn set_live(&self, live: bool) {
        let mut inner = self.lock();
        inner.live = live;
        inner.drop_everything();
    }
}

impl Inner {
    fn version_of(&self, viewer: Viewer) -> Version {
        // An authorized person's list is the patient's, and changes with it.
        let value = match viewer.patient_id() {
            Some(id) => self.patient_versions[slot(id)],
            None => self.team_version,
        };
        Version {
            generation: self.generation,
            value,
        }
    }

    fn drop_everything(&mut self) {
        self.generation += 1;
        self.lists.clear();
    }
}

fn slot(patient_id: i64) -> usize {
    patient_id.rem_euclid(SLOTS as i64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(unread_total: i64) -> Arc<RenderedList> {
        let list = ThreadList {
            threads: Vec::new(),
            unread_total,
            next_cursor: None,
        };
        Arc::new(RenderedList::render(&list).unwrap())
    }

    fn cache() -> ListCache {
        ListCache::new(Some(Duration::from_secs(60)), true)
    }

    #[test]
    fn a_list_is_answered_until_one_of_its_patients_threads_changes() {
        let cache = cache();
        let (me, other) = (Viewer::Patient(7), Viewer::Patient(8));
        let v = cache.version(me);
        cache.put(me, "k".into(), v, &list(1));
        assert_eq!(cache.get(me, "k"), Some(list(1)));
        cache.changed(&[8]);
        assert_eq!(cache.get(me, "k"), Some(list(1)), "another patient's change");
        cache.changed(&[7]);
        assert_eq!(cache.get(me, "k"), None);
        let _ = other;
    }

    #[test]
    fn care_team_lists_are_dropped_by_any_change() {
        let cache = cache();
        let staff = Viewer::Staff(1, crate::domain::access::StaffPools::of(portal_api::Pool::ALL));
        let v = cache.version(staff);
        cache.put(staff, "s".into(), v, &list(3));
        assert!(cache.get(staff, "s").is_some());
        cache.changed(&[12345]);
        assert!(cache.get(staff, "s").is_none());
    }

    #[test]
    fn a_list_read_during_a_change_is_not_kept() {
        let cache = cache();
        let me = Viewer::Patient(7);
        let before = cache.version(me);
        cache.changed(&[7]); // committed while the query ran
        cache.put(me, "k".into(), before, &list(1));
        assert_eq!(cache.get(me, "k"), None);
    }

    #[test]
    fn nothing_is_kept_without_a_lifetime_and_entries_expire() {
        let off = ListCache::new(None, true);
        let me = Viewer::Patient(7);
        off.put(me, "k".into(), off.version(me), &list(1));
        assert_eq!(off.get(me, "k"), None);
        let zero = ListCache::new(Some(Duration::ZERO), true);
        zero.put(me, "k".into(), zero.version(me), &list(1));
        assert_eq!(zero.get(me, "k"), None);
        let short = ListCache::new(Some(Duration::from_millis(20)), true);
        short.put(me, "k".into(), short.version(me), &list(1));
        assert!(short.get(me, "k").is_some());
        std::thread::sleep(Duration::from_millis(30));
        assert_eq!(short.get(me, "k"), None);
    }

    #[test]
    fn an_off_cache_keeps_nothing_and_turning_it_on_or_off_empties_it() {
        let cache = ListCache::new(Some(Duration::from_secs(60)), false);
        let me = Viewer::Patient(7);
        cache.put(me, "k".into(), cache.version(me), &list(1));
        assert_eq!(cache.get(me, "k"), None, "off");
        let before = cache.version(me);
        cache.set_live(true);
        cache.put(me, "k".into(), before, &list(1));
        assert_eq!(cache.get(me, "k"), None, "read before it was on");
        cache.put(me, "k".into(), cache.version(me), &list(1));
        assert!(cache.get(me, "k").is_some());
        cache.set_live(false);
        cache.set_live(true);
        assert_eq!(cache.get(me, "k"), None, "emptied when turned off");
        cache.put(me, "k".into(), cache.version(me), &list(1));
        let during = cache.version(me);
        cache.forget_everything();
        assert_eq!(cache.get(me, "k"), None);
        cache.put(me, "k".into(), during, &list(1));
        assert_eq!(cache.get(me, "k"), None, "read before everything was forgotten");
    }
}
