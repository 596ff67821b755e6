//! The per-user data key and how it is kept: only wrapped (AES-256-GCM) under a key-encryption
//! key derived with Argon2id from the user's pass-phrase and a random salt.
//!
//! Why a data key under a derived key rather than deriving the draft key directly: a password
//! change re-wraps 32 bytes instead of re-sealing every draft, and the Argon2 parameters can
//! be raised later the same way. Why Argon2id at 64 MiB, t=3: the vault file may leave with a
//! stolen laptop, and then the pass-phrase can be guessed offline without limit; each guess
//! must cost real memory and time. The parameters live in the [`KeyHeader`] so a vault made
//! with today's values still opens after they are raised.

use argon2::{Algorithm, Argon2, Params, Version};
use ring::aead::{Aad, Nonce, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use super::cipher::{aead_key, fresh_nonce, DataKey, KEY_LEN};
use super::error::VaultError;

/// Length of the Argon2 salt.
pub const SALT_LEN: usize = 16;

/// The only key-derivation algorithm written today; stored in the header so another can be
/// introduced without guessing what old headers mean.
pub const ALGORITHM_ARGON2ID: &str = "argon2id-v19/aes-256-gcm";

/// Upper bounds on parameters read back from a header, so a damaged or hostile header cannot
/// make unlocking allocate many gigabytes or run for hours.
const MAX_M_COST_KIB: u32 = 4 * 1024 * 1024;
const MAX_T_COST: u32 = 64;
const MAX_P_COST: u32 = 16;

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Passes over the memory.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl KdfParams {
    /// What the app uses: 64 MiB, 3 passes, 1 lane (DESIGN.md: at least 64 MiB, t=3).
    pub const PRODUCTION: KdfParams = KdfParams {
        m_cost_kib: 64 * 1024,
        t_cost: 3,
        p_cost: 1,
    };

    fn argon2(&self) -> Result<Argon2<'static>, VaultError> {
        if self.m_cost_kib > MAX_M_COST_KIB || self.t_cost > MAX_T_COST || self.p_cost > MAX_P_COST {
            return Err(VaultError::HeaderDamaged);
        }
        let params = Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(KEY_LEN))
            .map_err(|_| VaultError::HeaderDamaged)?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::PRODUCTION
    }
}

/// What is stored per user: everything needed to unwrap the data key given the pass-phrase,
/// and nothing that helps without it.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyHeader {
    pub algorithm: String,
    pub params: KdfParams,
    pub salt: [u8; SALT_LEN],
    pub nonce: [u8; NONCE_LEN],
    /// The data key sealed under the key-encryption key: ciphertext ‖ tag.
    pub wrapped_key: Vec<u8>,
}

impl std::fmt::Debug for KeyHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyHeader")
            .field("algorithm", &self.algorithm)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

/// Additional data for the wrapped key: binds it to its user, so a header row copied from one
/// user to another does not open under the other user's name.
fn wrap_aad(user: &str) -> Vec<u8> {
    format!("portal/vault-key/v1/{user}").into_bytes()
}

/// The key-encryption key for `passphrase` with `params` and `salt`.
fn derive_kek(passphrase: &[u8], params: &KdfParams, salt: &[u8]) -> Result<DataKey, VaultError> {
    let mut kek = Zeroizing::new([0u8; KEY_LEN]);
    params
        .argon2()?
        .hash_password_into(passphrase, salt, kek.as_mut())
        .map_err(|_| VaultError::HeaderDamaged)?;
    Ok(DataKey::from_bytes(kek))
}

/// Wraps `data_key` for `user` under a key derived from `passphrase` with `params` and a new
/// random salt and nonce.
pub fn wrap(
    rng: &SystemRandom,
    user: &str,
    data_key: &DataKey,
    passphrase: &[u8],
    params: KdfParams,
) -> Result<KeyHeader, VaultError> {
    let mut salt = [0u8; SALT_LEN];
    rng.fill(&mut salt).map_err(|_| VaultError::Random)?;
    let nonce = fresh_nonce(rng)?;
    let kek = derive_kek(passphrase, &params, &salt)?;
    let mut wrapped_key = data_key.as_bytes().to_vec();
    aead_key(&kek)
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(wrap_aad(user)),
            &mut wrapped_key,
        )
        .map_err(|_| VaultError::Crypto)?;
    Ok(KeyHeader {
        algorithm: ALGORITHM_ARGON2ID.to_owned(),
        params,
        salt,
        nonce,
        wrapped_key,
    })
}

/// The data key from `header` if `passphrase` is the one it was wrapped with. A wrong
/// pass-phrase gives another key-encryption key, so the GCM open fails: that is the
/// only way to tell, and it says nothing else about the pass-phrase.
pub fn unwrap(header: &KeyHeader, user: &str, passphrase: &[u8]) -> Result<DataKey, VaultError> {
    if header.algorithm != ALGORITHM_ARGON2ID {
        return Err(VaultError::HeaderDamaged);
    }
    let kek = derive_kek(passphrase, &header.params, &header.salt)?;
    let mut buffer = Zeroizing::new(header.wrapped_key.clone());
    let opened = aead_key(&kek)
        .open_in_place(
            Nonce::assume_unique_for_key(header.nonce),
            Aad::from(wrap_aad(user)),
            &mut buffer,
        )
        .map_err(|_| VaultError::WrongPassphrase)?;
    let bytes: [u8; KEY_LEN] = opened.try_into().map_err(|_| VaultError::HeaderDamaged)?;
    Ok(DataKey::from_bytes(Zeroizing::new(bytes)))
}

/// A new header for the same data key under `new_passphrase` (new salt, new nonce, and
/// `params`, which may be higher than before). Refuses if `old_passphrase` is wrong.
/// The drafts are sealed under the data key, which does not change, so they are untouched.
pub fn rewrap(
    rng: &SystemRandom,
    header: &KeyHeader,
    user: &str,
    old_passphrase: &[u8],
    new_passphrase: &[u8],
    params: KdfParams,
) -> Result<KeyHeader, VaultError> {
    let data_key = unwrap(header, user, old_passphrase)?;
    wrap(rng, user, &data_key, new_passphrase, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::vault::testing::FAST;

    #[test]
    fn production_defaults_are_at_least_64_mib_and_three_passes() {
        let p = KdfParams::default();
        assert_eq!(p, KdfParams::PRODUCTION);
        assert!(p.m_cost_kib >= 64 * 1024, "m_cost {} KiB", p.m_cost_kib);
        assert!(p.t_cost >= 3);
        assert!(p.p_cost >= 1);
        assert!(p.argon2().is_ok());
    }

    #[test]
    fn wrap_then_unwrap_gives_the_same_key() {
        let rng = SystemRandom::new();
        let key = DataKey::generate(&rng).unwrap();
        let header = wrap(&rng, "alice", &key, b"correct horse", FAST).unwrap();
        assert_eq!(header.algorithm, ALGORITHM_ARGON2ID);
        assert_eq!(header.params, FAST);
        assert_eq!(header.wrapped_key.len(), KEY_LEN + 16);
        assert_ne!(&header.wrapped_key[..KEY_LEN], key.as_bytes());
        let back = unwrap(&header, "alice", b"correct horse").unwrap();
        assert_eq!(back.as_bytes(), key.as_bytes());
    }

    #[test]
    fn wrong_passphrase_is_refused() {
        let rng = SystemRandom::new();
        let key = DataKey::generate(&rng).unwrap();
        let header = wrap(&rng, "alice", &key, b"correct horse", FAST).unwrap();
        assert!(matches!(
            unwrap(&header, "alice", b"correct hors"),
            Err(VaultError::WrongPassphrase)
        ));
        assert!(matches!(
            unwrap(&header, "alice", b""),
            Err(VaultError::WrongPassphrase)
        ));
    }

    #[test]
    fn header_of_another_user_is_refused() {
        let rng = SystemRandom::new();
        let key = DataKey::generate(&rng).unwrap();
        let header = wrap(&rng, "alice", &key, b"pass", FAST).unwrap();
        assert!(matches!(
            unwrap(&header, "bob", b"pass"),
            Err(VaultError::WrongPassphrase)
        ));
    }

    #[test]
    fn tampered_header_is_refused() {
        let rng = SystemRandom::new();
        let key = DataKey::generate(&rng).unwrap();
        let header = wrap(&rng, "alice", &key, b"pass", FAST).unwrap();
        let mut bad = header.clone();
        bad.salt[0] ^= 1;
        assert!(unwrap(&bad, "alice", b"pass").is_err());
        let mut bad = header.clone();
        bad.wrapped_key[5] ^= 0x80;
        assert!(unwrap(&bad, "alice", b"pass").is_err());
        let mut bad = header.clone();
        bad.params.t_cost = 2;
        assert!(unwrap(&bad, "alice", b"pass").is_err());
        let mut bad = header.clone();
        bad.algorithm = "scrypt".into();
        assert!(matches!(unwrap(&bad, "alice", b"pass"), Err(VaultError::HeaderDamaged)));
        let mut bad = header;
        bad.params.m_cost_kib = u32::MAX;
        assert!(matches!(unwrap(&bad, "alice", b"pass"), Err(VaultError::HeaderDamaged)));
    }

    #[test]
    fn rewrap_keeps_the_key_and_changes_the_passphrase() {
        let rng = SystemRandom::new();
        let key = DataKey::generate(&rng).unwrap();
        let old = wrap(&rng, "alice", &key, b"old", FAST).unwrap();
        let raised = KdfParams {
            m_cost_kib: 2048,
            ..FAST
        };
        let new = rewrap(&rng, &old, "alice", b"old", b"new", raised).unwrap();
        assert_ne!(new.salt, old.salt);
        assert_eq!(new.params, raised);
        assert_eq!(unwrap(&new, "alice", b"new").unwrap().as_bytes(), key.as_bytes());
        assert!(matches!(
            unwrap(&new, "alice", b"old"),
            Err(VaultError::WrongPassphrase)
        ));
        assert!(matches!(
            rewrap(&rng, &old, "alice", b"wrong", b"x", FAST),
            Err(VaultError::WrongPassphrase)
        ));
    }

    #[test]
    fn debug_shows_no_key_material() {
        let rng = SystemRandom::new();
        let key = DataKey::generate(&rng).unwrap();
        let header = wrap(&rng, "alice", &key, b"pass", FAST).unwrap();
        let shown = format!("{header:?}");
        assert!(!shown.contains("salt") && !shown.contains("wrapped"), "{shown}");
    }
}
