//! Sealing and opening one draft record with AES-256-GCM (ring).
//!
//! Record format: `RECORD_VERSION` (1 byte) ‖ nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes).
//! Every write gets a fresh random 96-bit nonce: a GCM nonce reused under one key leaks the
//! XOR of two plaintexts and the authentication key, and a counter would have to survive
//! crashes and copies of the file, which a random nonce does not need.
//!
//! The additional data `portal/draft/v1/{user}/{draft}/{version}` binds a record to where it
//! is stored: a record copied to another user, another draft or another version fails to open
//! instead of showing one draft's text in place of another. Attachments are sealed the same
//! way under `portal/draft-attachment/v1/{user}/{draft}/{attachment}`: they are written once
//! and never change, so no version is needed, and a photo cannot be moved to another draft.

use ring::aead::{Aad, Nonce, NONCE_LEN};
use ring::rand::SystemRandom;
use zeroize::{Zeroize, Zeroizing};

use super::cipher::{aead_key, fresh_nonce, DataKey};
use super::error::VaultError;

/// The format byte at the start of every record; a record with another byte is not opened.
pub const RECORD_VERSION: u8 = 1;

/// The GCM tag length (AES-256-GCM in ring).
const TAG_LEN: usize = 16;

/// The format byte and the nonce, before the ciphertext.
const HEADER_LEN: usize = 1 + NONCE_LEN;

/// The shortest possible record: format byte, nonce and tag around an empty draft.
pub const MIN_RECORD_LEN: usize = HEADER_LEN + TAG_LEN;

/// Longest user or draft id: ids are chosen by the app, a long one is a bug.
const MAX_ID_LEN: usize = 128;

/// A record that did not open. Deliberately carries no detail: GCM does not say whether the
/// key, the additional data or the bytes were wrong, and the store only needs "damaged".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenFailed;

/// Checks an id before it goes into additional data: non-empty, short, printable and without
/// `/`, so `{user}/{draft}` can be read only one way (user `a/b` + draft `c` and user `a` +
/// draft `b/c` would otherwise produce the same bytes).
pub fn check_id(id: &str) -> Result<(), VaultError> {
    let ok = !id.is_empty() && id.len() <= MAX_ID_LEN && !id.chars().any(|c| c == '/' || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(VaultError::InvalidId)
    }
}

/// The exact additional-data bytes for a draft record.
pub fn additional_data(user: &str, draft: &str, version: i64) -> Vec<u8> {
    format!("portal/draft/v1/{user}/{draft}/{version}").into_bytes()
}

/// The exact additional-data bytes for an attachment record.
pub fn attachment_additional_data(user: &str, draft: &str, attachment: &str) -> Vec<u8> {
    format!("portal/draft-attachment/v1/{user}/{draft}/{attachment}").into_bytes()
}

/// Seals `plaintext` as `version` of `draft` for `user`. The plaintext is copied only into
/// the returned ciphertext buffer (encrypted in place), never anywhere else.
pub fn seal(
    rng: &SystemRandom,
    key: &DataKey,
    user: &str,
    draft: &str,
    version: i64,
    plaintext: &[u8],
) -> Result<Vec<u8>, VaultError> {
    RecordBuffer::with_plaintext(rng, plaintext)?.seal(key, &additional_data(user, draft, version))
}

/// Seals `plaintext` as attachment `attachment` of `draft` for `user`.
pub fn seal_attachment(
    rng: &SystemRandom,
    key: &DataKey,
    user: &str,
    draft: &str,
    attachment: &str,
    plaintext: &[u8],
) -> Result<Vec<u8>, VaultError> {
    RecordBuffer::with_plaintext(rng, plaintext)?.seal(key, &attachment_additional_data(user, draft, attachment))
}

/// A record being written: the format byte and a fresh nonce, then the plaintext, which the
/// caller writes straight into it (it is an [`std::io::Write`], so a draft's JSON is
/// serialized in place). Sealing then encrypts the plaintext where it is and appends the tag:
/// the plaintext exists in this one buffer only, which becomes the record, and a 64 KiB
/// draft is not copied once more on every autosave. Dropped unsealed, it is wiped.
pub struct RecordBuffer {
    bytes: Vec<u8>,
}

impl RecordBuffer {
    /// An empty record with a fresh nonce and room for `capacity` bytes of plaintext (it grows
    /// if needed, but growing leaves a copy of what was written so far in freed memory).
    pub fn new(rng: &SystemRandom, capacity: usize) -> Result<Self, VaultError> {
        let nonce = fresh_nonce(rng)?;
        let mut bytes = Vec::with_capacity(MIN_RECORD_LEN + capacity);
        bytes.push(RECORD_VERSION);
        bytes.extend_from_slice(&nonce);
        Ok(Self { bytes })
    }

    /// A record holding a copy of `plaintext`.
    pub fn with_plaintext(rng: &SystemRandom, plaintext: &[u8]) -> Result<Self, VaultError> {
        let mut record = Self::new(rng, plaintext.len())?;
        record.extend_from_slice(plaintext);
        Ok(record)
    }

    pub fn extend_from_slice(&mut self, plaintext: &[u8]) {
        self.bytes.extend_from_slice(plaintext);
    }

    /// The plaintext written so far.
    pub fn plaintext(&self) -> &[u8] {
        &self.bytes[HEADER_LEN..]
    }

    /// Encrypts the plaintext in place under `key` with `aad` and answers the record. On
    /// failure the plaintext is wiped.
    pub fn seal(mut self, key: &DataKey, aad: &[u8]) -> Result<Vec<u8>, VaultError> {
        let mut record = std::mem::take(&mut self.bytes);
        let nonce = Nonce::try_assume_unique_for_key(&record[1..HEADER_LEN]).map_err(|_| VaultError::Crypto)?;
        match aead_key(key).seal_in_place_separate_tag(nonce, Aad::from(aad), &mut record[HEADER_LEN..]) {
            Ok(tag) => {
                record.extend_from_slice(tag.as_ref());
                Ok(record)
            }
            Err(_) => {
                record.zeroize();
                Err(VaultError::Crypto)
            }
        }
    }
}

impl std::io::Write for RecordBuffer {
    fn write(&mut self, plaintext: &[u8]) -> std::io::Result<usize> {
        self.extend_from_slice(plaintext);
        Ok(plaintext.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for RecordBuffer {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl std::fmt::Debug for RecordBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordBuffer")
            .field("plaintext_len", &self.plaintext().len())
            .finish()
    }
}

/// Opens a record sealed by [`seal`] for exactly this user, draft and version. Any other
/// format byte, a short record, a changed byte, another key or other additional data fails.
pub fn open(
    key: &DataKey,
    user: &str,
    draft: &str,
    version: i64,
    record: &[u8],
) -> Result<Zeroizing<Vec<u8>>, OpenFailed> {
    open_with_aad(key, &additional_data(user, draft, version), record)
}

/// Opens an attachment record sealed by [`seal_attachment`] for exactly this user, draft and
/// attachment.
pub fn open_attachment(
    key: &DataKey,
    user: &str,
    draft: &str,
    attachment: &str,
    record: &[u8],
) -> Result<Zeroizing<Vec<u8>>, OpenFailed> {
    open_with_aad(key, &attachment_additional_data(user, draft, attachment), record)
}

/// Opens a record sealed by [`RecordBuffer::seal`] with `aad`. The plaintext is returned in
/// a zeroizing buffer so it is wiped when the caller drops it.
pub(super) fn open_with_aad(key: &DataKey, aad: &[u8], record: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenFailed> {
    if record.len() < MIN_RECORD_LEN || record[0] != RECORD_VERSION {
        return Err(OpenFailed);
    }
    let nonce = Nonce::try_assume_unique_for_key(&record[1..HEADER_LEN]).map_err(|_| OpenFailed)?;
    let mut buffer = Zeroizing::new(record[HEADER_LEN..].to_vec());
    let len = aead_key(key)
        .open_in_place(nonce, Aad::from(aad), &mut buffer)
        .map_err(|_| OpenFailed)?
        .len();
    buffer.truncate(len);
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(rng: &SystemRandom) -> DataKey {
        DataKey::generate(rng).unwrap()
    }

    #[test]
    fn round_trip() {
        let rng = SystemRandom::new();
        let k = key(&rng);
        let record = seal(&rng, &k, "alice", "d1", 3, b"hello doctor").unwrap();
        assert_eq!(record[0], RECORD_VERSION);
        assert_eq!(record.len(), MIN_RECORD_LEN + b"hello doctor".len());
        assert_eq!(&open(&k, "alice", "d1", 3, &record).unwrap()[..], b"hello doctor");
    }

    #[test]
    fn empty_draft_round_trips() {
        let rng = SystemRandom::new();
        let k = key(&rng);
        let record = seal(&rng, &k, "alice", "d1", 1, b"").unwrap();
        assert_eq!(record.len(), MIN_RECORD_LEN);
        assert!(open(&k, "alice", "d1", 1, &record).unwrap().is_empty());
    }

    #[test]
    fn additional_data_is_exact() {
        assert_eq!(
            additional_data("u7", "draft-9", 12),
            b"portal/draft/v1/u7/draft-9/12".to_vec()
        );
    }

    #[test]
    fn attachment_additional_data_is_exact_and_distinct_from_drafts() {
        assert_eq!(
            attachment_additional_data("u7", "draft-9", "a1"),
            b"portal/draft-attachment/v1/u7/draft-9/a1".to_vec()
        );
        assert_ne!(attachment_additional_data("u", "d", "1"), additional_data("u", "d", 1));
    }

    #[test]
    fn attachments_round_trip_and_are_bound_to_their_place() {
        let rng = SystemRandom::new();
        let k = key(&rng);
        let photo = vec![0xFF_u8; 70_000];
        let record = seal_attachment(&rng, &k, "alice", "d1", "a1", &photo).unwrap();
        assert_eq!(record.len(), MIN_RECORD_LEN + photo.len());
        assert_eq!(
            &open_attachment(&k, "alice", "d1", "a1", &record).unwrap()[..],
            &photo[..]
        );
        assert_eq!(open_attachment(&k, "bob", "d1", "a1", &record), Err(OpenFailed));
        assert_eq!(open_attachment(&k, "alice", "d2", "a1", &record), Err(OpenFailed));
        assert_eq!(open_attachment(&k, "alice", "d1", "a2", &record), Err(OpenFailed));
        // A draft record is not an attachment record, and the other way round.
        let draft = seal(&rng, &k, "alice", "d1", 1, b"text").unwrap();
        assert_eq!(open_attachment(&k, "alice", "d1", "1", &draft), Err(OpenFailed));
        let small = seal_attachment(&rng, &k, "alice", "d1", "1", b"text").unwrap();
        assert_eq!(open(&k, "alice", "d1", 1, &small), Err(OpenFailed));
    }

    #[test]
    fn a_record_written_in_place_opens_like_any_other() {
        use std::io::Write;
        let rng = SystemRandom::new();
        let k = key(&rng);
        // Smaller than what is written: it grows.
        let mut record = RecordBuffer::new(&rng, 4).unwrap();
        let word = "hello";
        write!(record, "{{\"body\":\"{word}\"}}").unwrap();
        assert_eq!(record.plaintext(), br#"{"body":"hello"}"#);
        let sealed = record.seal(&k, &additional_data("alice", "d1", 1)).unwrap();
        assert_eq!(sealed.len(), MIN_RECORD_LEN + 16);
        assert_eq!(
            &open(&k, "alice", "d1", 1, &sealed).unwrap()[..],
            br#"{"body":"hello"}"#
        );
        assert!(!sealed.windows(5).any(|w| w == b"hello"));
        let shown = format!("{:?}", RecordBuffer::with_plaintext(&rng, b"SECRET").unwrap());
        assert!(!shown.contains("SECRET"), "{shown}");
    }

    #[test]
    fn ciphertext_does_not_contain_plaintext() {
        let rng = SystemRandom::new();
        let record = seal(&rng, &key(&rng), "alice", "d1", 1, b"MARKER-chest-pain-MARKER").unwrap();
        assert!(!record.windows(6).any(|w| w == b"MARKER"));
    }

    #[test]
    fn same_plaintext_seals_differently_each_time() {
        let rng = SystemRandom::new();
        let k = key(&rng);
        let a = seal(&rng, &k, "alice", "d1", 1, b"same").unwrap();
        let b = seal(&rng, &k, "alice", "d1", 1, b"same").unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn swapped_additional_data_is_refused() {
        let rng = SystemRandom::new();
        let k = key(&rng);
        let record = seal(&rng, &k, "alice", "d1", 2, b"text").unwrap();
        assert_eq!(open(&k, "bob", "d1", 2, &record), Err(OpenFailed));
        assert_eq!(open(&k, "alice", "d2", 2, &record), Err(OpenFailed));
        assert_eq!(open(&k, "alice", "d1", 1, &record), Err(OpenFailed));
        assert_eq!(open(&k, "alice", "d1", 3, &record), Err(OpenFailed));
    }

    #[test]
    fn another_key_is_refused() {
        let rng = SystemRandom::new();
        let record = seal(&rng, &key(&rng), "alice", "d1", 1, b"text").unwrap();
        assert_eq!(open(&key(&rng), "alice", "d1", 1, &record), Err(OpenFailed));
    }

    #[test]
    fn every_flipped_bit_is_refused() {
        let rng = SystemRandom::new();
        let k = key(&rng);
        let record = seal(&rng, &k, "alice", "d1", 1, b"a short draft").unwrap();
        for byte in 0..record.len() {
            for bit in 0..8 {
                let mut bad = record.clone();
                bad[byte] ^= 1 << bit;
                assert_eq!(
                    open(&k, "alice", "d1", 1, &bad),
                    Err(OpenFailed),
                    "byte {byte} bit {bit}"
                );
            }
        }
    }

    #[test]
    fn every_truncation_is_refused() {
        let rng = SystemRandom::new();
        let k = key(&rng);
        let record = seal(&rng, &k, "alice", "d1", 1, b"a short draft").unwrap();
        for len in 0..record.len() {
            assert_eq!(open(&k, "alice", "d1", 1, &record[..len]), Err(OpenFailed), "len {len}");
        }
        let mut longer = record.clone();
        longer.push(0);
        assert_eq!(open(&k, "alice", "d1", 1, &longer), Err(OpenFailed));
    }

    #[test]
    fn unknown_record_version_is_refused() {
        let rng = SystemRandom::new();
        let k = key(&rng);
        let mut record = seal(&rng, &k, "alice", "d1", 1, b"text").unwrap();
        record[0] = 2;
        assert_eq!(open(&k, "alice", "d1", 1, &record), Err(OpenFailed));
    }

    #[test]
    fn ids_that_would_make_additional_data_ambiguous_are_refused() {
        assert!(check_id("patient-42").is_ok());
        assert!(check_id("7f3c2a9e-draft").is_ok());
        for bad in ["", "a/b", "line\nbreak", "nul\0", &"x".repeat(MAX_ID_LEN + 1)] {
            assert!(matches!(check_id(bad), Err(VaultError::InvalidId)), "{bad:?}");
        }
    }
}
