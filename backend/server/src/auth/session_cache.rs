//! Recently checked sessions, so a signed-in request does not read the database every time.
//!
//! Why: on SQLite every query crosses to sqlx's connection thread and back, which costs more
//! CPU than the query; the session check was a quarter of an inbox request's CPU and most
//! of a send's (docs/benchmarks.md).
//!
//! What stays exact: a session ended *through this process* (sign-out, expiry) and a policy
//! accepted through it take effect at once, since those paths forget the entry. A change made
//! *elsewhere* (another instance on the same PostgreSQL, the CLI, an operator in the database:
//! a disabled account, a revoked session, a newly published policy) takes effect within
//! [`Limits::session_cache_ttl`](crate::config::Limits) (2 s by default; zero turns caching
//! off). The idle limit is never extended by the cache: the cached `last_seen_at` is only
//! ever older than the stored one.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::store::sessions::SessionRecord;

/// Entries kept at most; past it, stale entries are dropped, then all.
const CAPACITY: usize = 50_000;

struct Entry {
    record: SessionRecord,
    fetched_at: DateTime<Utc>,
}

pub struct SessionCache {
    ttl: Duration,
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    /// By the token's SHA-256 (hex), as stored.
    by_token: HashMap<String, Entry>,
    /// Forgets so far: a record read before a forget is not kept (it may be what was
    /// forgotten).
    forgets: u64,
}

/// When a database read began, as [`SessionCache::put`] needs it.
#[derive(Debug, Clone, Copy)]
pub struct ReadStarted(u64);

impl std::fmt::Debug for SessionCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCache")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl SessionCache {
    pub fn new(ttl: std::time::Duration) -> Self {
        Self {
            ttl: Duration::from_std(ttl).unwrap_or(Duration::zero()),
            entries: Mutex::new(Entries::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while holding the lock leaves only a cache behind: keep using it.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The session of `token_hash` if it was read from the database less than the lifetime
    /// ago.
    pub fn get(&self, token_hash: &str, now: DateTime<Utc>) -> Option<SessionRecord> {
        if self.ttl <= Duration::zero() {
            return None;
        }
        let entries = self.lock();
        let entry = entries.by_token.get(token_hash)?;
        let age = now - entry.fetched_at;
        (age >= Duration::zero() && age < self.ttl).then(|| entry.record.clone())
    }

    /// Call before reading a session from the database, for [`put`](Self::put).
    pub fn read_started(&self) -> ReadStarted {
        ReadStarted(self.lock().forgets)
    }

    /// Keeps `record`, read from the database since `started`, unless something was
    /// forgotten meanwhile (a sign-out racing this read must not be undone by it).
    pub fn put(&self, token_hash: &str, record: SessionRecord, started: ReadStarted, now: DateTime<Utc>) {
        if self.ttl <= Duration::zero() {
            return;
        }
        let mut entries = self.lock();
        if entries.forgets != started.0 {
            return;
        }
        let map = &mut entries.by_token;
        if map.len() >= CAPACITY && !map.contains_key(token_hash) {
            let ttl = self.ttl;
            map.retain(|_, e| now - e.fetched_at < ttl);
            if map.len() >= CAPACITY {
                map.clear();
            }
        }
        map.insert(
            token_hash.to_owned(),
            Entry {
                record,
                fetched_at: now,
            },
        );
    }

    /// The session's `last_seen_at` was stored as `at`.
    pub fn touched(&self, token_hash: &str, at: DateTime<Utc>) {
        if let Some(entry) = self.lock().by_token.get_mut(token_hash) {
            entry.record.last_seen_at = entry.record.last_seen_at.max(at);
        }
    }

    /// Forgets one session (signed out or expired here).
    pub fn forget_session(&self, session_id: i64) {
        self.forget(|e| e.record.id == session_id);
    }

    /// Forgets every session of a user (their policy acceptance or account changed here).
    pub fn forget_user(&self, user_id: i64) {
        self.forget(|e| e.record.user.id == user_id);
    }

    fn forget(&self, matches: impl Fn(&Entry) -> bool) {
        let mut entries = self.lock();
        entries.forgets += 1;
        entries.by_token.retain(|_, e| !matches(e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::users::UserRecord;
    use portal_api::Role;

    fn record(id: i64, user_id: i64, last_seen_at: DateTime<Utc>) -> SessionRecord {
        SessionRecord {
            id,
            user: UserRecord {
                id: user_id,
                email: format!("u{user_id}@example.test"),
                name: "U".into(),
                role: Role::Patient,
                password_hash: String::new(),
                disabled_at: None,
                email_verified_at: None,
                totp_enabled_at: None,
                language: crate::domain::notices::Language::English,
                staff_pools: crate::domain::access::StaffPools::NONE,
                managed: false,
            },
            created_at: last_seen_at,
            last_seen_at,
            expires_at: last_seen_at + Duration::hours(12),
            revoked_at: None,
            current_policy: Some(1),
            accepted_current_policy: true,
        }
    }

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).expect("time")
    }

    #[test]
    fn entries_live_for_the_lifetime_only() {
        let cache = SessionCache::new(std::time::Duration::from_secs(2));
        cache.put("a", record(1, 10, at(0)), cache.read_started(), at(0));
        assert!(cache.get("a", at(1)).is_some());
        assert!(cache.get("a", at(2)).is_none(), "expired at the lifetime");
        assert!(
            cache.get("a", at(-1)).is_none(),
            "a clock that went back is not trusted"
        );
        assert!(cache.get("b", at(0)).is_none());
    }

    #[test]
    fn a_zero_lifetime_turns_caching_off() {
        let cache = SessionCache::new(std::time::Duration::ZERO);
        cache.put("a", record(1, 10, at(0)), cache.read_started(), at(0));
        assert!(cache.get("a", at(0)).is_none());
    }

    #[test]
    fn sessions_and_users_are_forgotten_and_touches_only_move_forward() {
        let cache = SessionCache::new(std::time::Duration::from_secs(60));
        cache.put("a", record(1, 10, at(0)), cache.read_started(), at(0));
        cache.put("b", record(2, 10, at(0)), cache.read_started(), at(0));
        cache.put("c", record(3, 11, at(0)), cache.read_started(), at(0));
        cache.touched("c", at(5));
        cache.touched("c", at(3));
        assert_eq!(cache.get("c", at(6)).expect("c").last_seen_at, at(5));
        cache.forget_session(1);
        assert!(cache.get("a", at(1)).is_none());
        assert!(cache.get("b", at(1)).is_some());
        cache.forget_user(10);
        assert!(cache.get("b", at(1)).is_none());
        assert!(cache.get("c", at(1)).is_some());
    }

    #[test]
    fn a_read_that_raced_a_forget_is_not_kept() {
        let cache = SessionCache::new(std::time::Duration::from_secs(60));
        let started = cache.read_started();
        cache.forget_session(1); // signed out while the read was under way
        cache.put("a", record(1, 10, at(0)), started, at(0));
        assert!(cache.get("a", at(0)).is_none());
        cache.put("a", record(1, 10, at(0)), cache.read_started(), at(0));
        assert!(cache.get("a", at(0)).is_some());
    }

    #[test]
    fn a_full_cache_makes_room() {
        let cache = SessionCache::new(std::time::Duration::from_secs(2));
        for i in 0..CAPACITY as i64 {
            cache.put(&format!("old{i}"), record(i, i, at(0)), cache.read_started(), at(0));
        }
        cache.put("new", record(-1, -1, at(10)), cache.read_started(), at(10));
        assert!(cache.get("new", at(10)).is_some());
        assert_eq!(cache.lock().by_token.len(), 1, "stale entries were dropped");
    }
}
