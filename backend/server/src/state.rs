//! What every handler shares.

use std::sync::Arc;

use crate::auth::password::PasswordHasher;
use crate::auth::rate_limit::AddressRateLimiter;
use crate::clock::Clock;
use crate::config::Limits;
use crate::store::Db;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub limits: Arc<Limits>,
    pub hasher: PasswordHasher,
    pub login_limiter: Arc<AddressRateLimiter>,
}

impl AppState {
    pub fn new(db: Db, clock: Arc<dyn Clock>, limits: Limits) -> Self {
        let hasher = PasswordHasher::new(limits.concurrent_hashes);
        let login_limiter = Arc::new(AddressRateLimiter::new(limits.login_per_address, limits.login_window));
        Self {
            db,
            clock,
            limits: Arc::new(limits),
            hasher,
            login_limiter,
        }
    }
}
