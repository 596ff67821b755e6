//! What every handler shares.

use std::sync::Arc;

use crate::attachments::upload_slots::UploadSlots;
use crate::attachments::AttachmentCipher;
use crate::auth::guess_queue::GuessQueue;
use crate::auth::password::PasswordHasher;
use crate::auth::rate_limit::AddressRateLimiter;
use crate::auth::session_cache::SessionCache;
use crate::clock::Clock;
use crate::config::Limits;
use crate::records::chart_cache::ChartCache;
use crate::sealed_text::TextSealer;
use crate::store::list_cache::ListCache;
use crate::store::list_changes;
use crate::store::writer::Writer;
use crate::store::{Db, Engine};

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub limits: Arc<Limits>,
    pub hasher: PasswordHasher,
    pub login_limiter: Arc<AddressRateLimiter>,
    /// Guesses at one account are checked one at a time (see `auth::guess_queue`).
    pub guesses: Arc<GuessQueue>,
    /// Sessions checked in the last moments (see `auth::session_cache`).
    pub sessions: Arc<SessionCache>,
    /// Every messaging write goes through here (group commit; see `store::writer`).
    pub writer: Writer,
    /// Thread lists answered recently (see `store::list_cache`); the writer drops them.
    pub lists: Arc<ListCache>,
    /// Charts opened recently, typed (see `records::chart_cache`).
    pub charts: Arc<ChartCache>,
    pub attachment_cipher: Arc<AttachmentCipher>,
    /// Seals subjects and bodies at rest under the same key (see `sealed_text`).
    pub text_sealer: TextSealer,
    /// Uploads being received now (see `attachments::upload_slots`).
    pub upload_slots: Arc<UploadSlots>,
}

impl AppState {
    /// Starts the writer task: call inside the runtime.
    pub fn new(db: Db, clock: Arc<dyn Clock>, limits: Limits, attachment_cipher: AttachmentCipher) -> Self {
        let hasher = PasswordHasher::new(limits.concurrent_hashes);
        let login_limiter = Arc::new(AddressRateLimiter::new(limits.login_per_address, limits.login_window));
        // SQLite's file is owned by this process, so every change passes through this
        // writer; on PostgreSQL the cache is on while other instances' changes are heard.
        let lists = Arc::new(ListCache::new(Some(limits.list_cache_ttl), db.engine == Engine::Sqlite));
        if db.engine == Engine::Postgres && !limits.list_cache_ttl.is_zero() {
            list_changes::listen(db.url.clone(), lists.clone());
        }
        let attachment_cipher = Arc::new(attachment_cipher);
        let text_sealer = TextSealer::new(Arc::clone(&attachment_cipher));
        Self {
            sessions: Arc::new(SessionCache::new(limits.session_cache_ttl)),
            writer: Writer::start(db.clone(), lists.clone(), text_sealer.clone()),
            lists,
            charts: Arc::new(ChartCache::new(limits.chart_cache_ttl, limits.chart_cache_resources)),
            attachment_cipher,
            text_sealer,
            upload_slots: Arc::new(UploadSlots::new(
                limits.uploads_in_flight_per_person,
                limits.uploads_in_flight,
            )),
            db,
            clock,
            limits: Arc::new(limits),
            hasher,
            login_limiter,
            guesses: Arc::default(),
        }
    }
}
