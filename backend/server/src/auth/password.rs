//! Argon2id pass-phrase hashes (OWASP: m=19456 KiB, t=2, p=1), computed on the blocking pool
//! behind a concurrency limit so a burst of sign-ins cannot starve the service of memory or
//! threads. Unknown accounts are checked against a dummy hash, so they cost the same time.

use std::sync::{Arc, OnceLock};

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

pub const M_COST_KIB: u32 = 19_456;
pub const T_COST: u32 = 2;
pub const P_COST: u32 = 1;

fn argon2() -> Argon2<'static> {
    #[allow(clippy::expect_used)]
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
#[error("pass-phrase hashing failed: {0}")]
pub struct HashError(String);

/// Outcome of checking a pass-phrase against a stored hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    No,
    Yes,
    /// Correct, and the stored hash is below today's parameters: store this new hash.
    YesRehashed(String),
}

#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
}

impl PasswordHasher {
    pub fn new(concurrent: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrent.max(1))),
        }
    }

    /// Compute the dummy hash now, so the first unknown-account sign-in costs no more than
    /// any other.
    pub async fn warm_up(&self) -> Result<(), HashError> {
        self.on_blocking_pool(|| Ok(dummy_hash().len())).await.map(drop)
    }

    pub async fn hash(&self, passphrase: &str) -> Result<String, HashError> {
        let phrase = zeroize::Zeroizing::new(passphrase.to_owned());
        self.on_blocking_pool(move || hash_now(&phrase)).await
    }

    /// Check `passphrase` against `stored`, or against the dummy hash when there is no account.
    pub async fn verify(&self, passphrase: &str, stored: Option<&str>) -> Result<Verified, HashError> {
        let phrase = zeroize::Zeroizing::new(passphrase.to_owned());
        let stored = stored.map(str::to_owned);
        self.on_blocking_pool(move || match stored {
            Some(hash) => verify_now(&phrase, &hash),
            None => {
                let _ = verify_now(&phrase, dummy_hash());
                Ok(Verified::No)
            }
        })
        .await
    }

    async fn on_blocking_pool<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self.permits.acquire().await.map_err(|e| HashError(e.to_string()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| HashError(e.to_string()))?
    }
}

fn hash_now(passphrase: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(passphrase.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

fn verify_now(passphrase: &str, stored: &str) -> Result<Verified, HashError> {
    let parsed = PasswordHash::new(stored).map_err(|e| HashError(e.to_string()))?;
    // Verify with the parameters recorded in the hash itself.
    if Argon2::default()
        .verify_password(passphrase.as_bytes(), &parsed)
        .is_err()
    {
        return Ok(Verified::No);
    }
    if is_below_current(&parsed) {
        return hash_now(passphrase).map(Verified::YesRehashed);
    }
    Ok(Verified::Yes)
}

fn is_below_current(hash: &PasswordHash<'_>) -> bool {
    let param = |name: &str| hash.params.get_decimal(name).unwrap_or(0);
    hash.algorithm.as_str() != "argon2id" || param("m") < M_COST_KIB || param("t") < T_COST || param("p") < P_COST
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("dummy pass-phrase for unknown accounts").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_current_parameters() {
        let hasher = PasswordHasher::new(2);
        let hash = hasher.hash("copper kettle autumn river").await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert_eq!(
            hasher
                .verify("copper kettle autumn river", Some(&hash))
                .await
                .expect("verify"),
            Verified::Yes
        );
        assert_eq!(
            hasher
                .verify("copper kettle autumn rivers", Some(&hash))
                .await
                .expect("verify"),
            Verified::No
        );
        assert_eq!(
            hasher.verify("anything at all", None).await.expect("verify"),
            Verified::No
        );
    }

    #[tokio::test]
    async fn weaker_hashes_are_upgraded_on_sign_in() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8192, 1, 1, None).expect("params"),
        );
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let old = weak
            .hash_password(b"copper kettle autumn river", &salt)
            .expect("hash")
            .to_string();
        let hasher = PasswordHasher::new(1);
        match hasher
            .verify("copper kettle autumn river", Some(&old))
            .await
            .expect("verify")
        {
            Verified::YesRehashed(new) => assert!(new.contains("m=19456,t=2,p=1"), "{new}"),
            other => panic!("expected a rehash, got {other:?}"),
        }
    }
}
