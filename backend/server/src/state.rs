//! What every handler shares.

use std::sync::Arc;

use crate::attachments::AttachmentCipher;
use crate::auth::password::PasswordHasher;
use crate::auth::rate_limit::AddressRateLimiter;
use crate::clock::Clock;
use crate::config::Limits;
use crate::store::write_queue::WriteQueue;
use crate::store::Db;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub limits: Arc<Limits>,
    pub hasher: PasswordHasher,
    pub login_limiter: Arc<AddressRateLimiter>,
    /// Every messaging write goes through here (group commit; see `store::write_queue`).
    pub writer: WriteQueue,
    pub attachment_cipher: Arc<AttachmentCipher>,
}

impl AppState {
    /// Starts the writer task: call inside the runtime.
    pub fn new(db: Db, clock: Arc<dyn Clock>, limits: Limits, attachment_cipher: AttachmentCipher) -> Self {
        let hasher = PasswordHasher::new(limits.concurrent_hashes);
        let login_limiter = Arc::new(AddressRateLimiter::new(limits.login_per_address, limits.login_window));
        Self {
            writer: WriteQueue::start(db.clone()),
            attachment_cipher: Arc::new(attachment_cipher),
            db,
            clock,
            limits: Arc::new(limits),
            hasher,
            login_limiter,
        }
    }
}
