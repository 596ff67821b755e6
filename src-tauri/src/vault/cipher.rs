//! The AES-256-GCM pieces the vault seals with: the [`DataKey`] (a key that wipes itself),
//! ring's key built from it for one operation, and fresh random nonces.
//!
//! Both the draft records (`seal`) and the wrapped data key (`keys`) use these; neither of
//! those two imports the other.

use ring::aead::{LessSafeKey, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use super::error::VaultError;

/// Length of the data key and of the key-encryption key (AES-256).
pub const KEY_LEN: usize = 32;

/// A 256-bit key in a buffer that is wiped when dropped. Its `Debug` shows nothing.
pub struct DataKey(Zeroizing<[u8; KEY_LEN]>);

impl DataKey {
    /// A new random data key from the system generator.
    pub fn generate(rng: &SystemRandom) -> Result<Self, VaultError> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        rng.fill(key.as_mut()).map_err(|_| VaultError::Random)?;
        Ok(Self(key))
    }

    /// A key made elsewhere (derived from a pass-phrase, or unwrapped).
    pub(super) fn from_bytes(bytes: Zeroizing<[u8; KEY_LEN]>) -> Self {
        Self(bytes)
    }

    pub(super) fn as_bytes(&self) -> &[u8] {
        self.0.as_ref()
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// A fresh random 96-bit nonce from the system generator. The one function both the draft
/// records and the wrapped data key take their nonces from (tested for uniqueness).
pub fn fresh_nonce(rng: &SystemRandom) -> Result<[u8; NONCE_LEN], VaultError> {
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill(&mut nonce).map_err(|_| VaultError::Random)?;
    Ok(nonce)
}

/// Builds ring's key from `key` for one operation. ring's key schedule does not wipe itself,
/// so it is kept only as long as one seal or open; the durable copy is the zeroizing
/// [`DataKey`].
pub(super) fn aead_key(key: &DataKey) -> LessSafeKey {
    // AES-256 takes exactly 32 bytes, which is what a DataKey holds: this cannot fail.
    LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key.as_bytes()).expect("a 256-bit key fits AES-256-GCM"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use ring::aead::{Aad, Nonce};

    use super::*;

    #[test]
    fn hundred_thousand_nonces_are_unique() {
        let rng = SystemRandom::new();
        let mut seen = HashSet::with_capacity(100_000);
        for _ in 0..100_000 {
            assert!(seen.insert(fresh_nonce(&rng).unwrap()), "nonce repeated");
        }
        assert_eq!(seen.len(), 100_000);
    }

    #[test]
    fn generated_keys_differ_and_show_nothing() {
        let rng = SystemRandom::new();
        let (a, b) = (DataKey::generate(&rng).unwrap(), DataKey::generate(&rng).unwrap());
        assert_eq!(a.as_bytes().len(), KEY_LEN);
        assert_ne!(a.as_bytes(), b.as_bytes());
        assert_eq!(format!("{a:?}"), "DataKey(..)");
    }

    #[test]
    fn the_aead_key_opens_what_it_sealed() {
        let rng = SystemRandom::new();
        let key = DataKey::generate(&rng).unwrap();
        let nonce = fresh_nonce(&rng).unwrap();
        let mut bytes = b"text".to_vec();
        aead_key(&key)
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(b"ad"), &mut bytes)
            .unwrap();
        let opened = aead_key(&key)
            .open_in_place(Nonce::assume_unique_for_key(nonce), Aad::from(b"ad"), &mut bytes)
            .unwrap();
        assert_eq!(opened, b"text");
    }
}
