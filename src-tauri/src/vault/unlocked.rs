//! [`UnlockedVault`]: one user's vault with the data key in memory. What it does with drafts,
//! attachments and damaged records is in `drafts`, `attachments` and `quarantine`.

use std::sync::Arc;

use ring::rand::SystemRandom;
use sqlx::sqlite::SqlitePool;

use super::cipher::DataKey;
use super::error::VaultError;
use super::seal::RecordBuffer;

/// One user's vault with the data key in memory: held from sign-in until sign-out or idle
/// lock. Dropping it (or [`lock`](Self::lock)) wipes the key; every query is scoped to the
/// user it was unlocked for.
pub struct UnlockedVault {
    pub(super) pool: SqlitePool,
    pub(super) user: String,
    /// Shared only with work moved to the blocking pool (sealing a large attachment); the
    /// key is wiped when the last holder drops it.
    pub(super) key: Arc<DataKey>,
    pub(super) rng: SystemRandom,
}

impl std::fmt::Debug for UnlockedVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnlockedVault")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl UnlockedVault {
    pub(super) fn new(pool: SqlitePool, user: &str, key: DataKey) -> Self {
        Self {
            pool,
            user: user.to_owned(),
            key: Arc::new(key),
            rng: SystemRandom::new(),
        }
    }

    /// The user this vault was unlocked for.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// Sign-out or idle lock: the data key is wiped (its buffer zeroizes on drop).
    pub fn lock(self) {
        drop(self);
    }

    /// An empty record to write a draft's content into (see [`RecordBuffer`]): it is sealed
    /// where it is, with no copy, when the draft is written.
    pub fn record_buffer(&self, capacity: usize) -> Result<RecordBuffer, VaultError> {
        RecordBuffer::new(&self.rng, capacity)
    }
}
