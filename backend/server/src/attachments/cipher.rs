//! Attachments are sealed at rest with AES-256-GCM under a server key, so a database dump or
//! backup alone reveals no photo. Each blob gets a fresh random nonce and additional data
//! binding it to its attachment id (a blob copied onto another id does not open).
//!
//! The key is 32 random bytes, hex-encoded in a file (`DATA_DIR/keys/attachments.key` by
//! default, mode 0600), made on first start. Instances sharing a PostgreSQL database must be
//! given the same file.

use std::io::Write;
use std::path::{Path, PathBuf};

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum CipherError {
    #[error("cannot read or create the attachment key file {0}: {1}")]
    KeyFile(PathBuf, std::io::Error),
    #[error("the attachment key file {0} does not hold a 256-bit hex key")]
    BadKey(PathBuf),
    #[error("no secure random numbers")]
    Random,
    #[error("a stored attachment does not open (damaged, or sealed under another key)")]
    Open,
}

pub struct AttachmentCipher {
    key: LessSafeKey,
    /// Keys [`keyed_digest`](Self::keyed_digest), derived from the same key file.
    digest_key: hmac::Key,
    key_id: String,
    rng: SystemRandom,
}

impl std::fmt::Debug for AttachmentCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachmentCipher")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// A sealed attachment as stored.
pub struct SealedBlob {
    pub key_id: String,
    pub nonce: Vec<u8>,
    pub sealed: Vec<u8>,
}

impl AttachmentCipher {
    /// The default key file inside the data folder.
    pub fn default_path(data_dir: &Path) -> PathBuf {
        data_dir.join("keys").join("attachments.key")
    }

    /// Loads the key from `path`, making a new one there if the file does not exist.
    pub fn load_or_create(path: &Path) -> Result<Self, CipherError> {
        let io = |e| CipherError::KeyFile(path.to_path_buf(), e);
        let text = match std::fs::read_to_string(path) {
            Ok(text) => Zeroizing::new(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = Zeroizing::new([0u8; 32]);
                SystemRandom::new()
                    .fill(&mut key[..])
                    .map_err(|_| CipherError::Random)?;
                let text = Zeroizing::new(hex::encode(&key[..]));
                if let Some(dir) = path.parent() {
                    crate::private_files::make_missing_dir(dir).map_err(io)?;
                }
                write_private(path, text.as_bytes()).map_err(io)?;
                text
            }
            Err(e) => return Err(io(e)),
        };
        let bytes = Zeroizing::new(hex::decode(text.trim()).map_err(|_| CipherError::BadKey(path.to_path_buf()))?);
        Self::from_key(&bytes).ok_or_else(|| CipherError::BadKey(path.to_path_buf()))
    }

    /// A cipher over a given 32-byte key (tests).
    pub fn from_key(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != 32 {
            return None;
        }
        let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
        let key_id = hex::encode(&digest.as_ref()[..8]);
        let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, bytes).ok()?);
        let derived = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, bytes), DIGEST_KEY_LABEL);
        Some(Self {
            key,
            digest_key: hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref()),
            key_id,
            rng: SystemRandom::new(),
        })
    }

    pub fn seal(&self, attachment_id: &str, plaintext: Vec<u8>) -> Result<SealedBlob, CipherError> {
        let (nonce, sealed) = self.seal_bound(&additional_data(attachment_id), plaintext)?;
        Ok(SealedBlob {
            key_id: self.key_id.clone(),
            nonce: nonce.to_vec(),
            sealed,
        })
    }

    pub fn open(&self, attachment_id: &str, blob: SealedBlob) -> Result<Vec<u8>, CipherError> {
        if blob.key_id != self.key_id {
            return Err(CipherError::Open);
        }
        self.open_bound(&additional_data(attachment_id), &blob.nonce, blob.sealed)
    }

    /// The key's id: a short digest of it, stored beside what it sealed.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Seal `plaintext` bound to `bound_to` (it opens only with the same bytes): a fresh
    /// random nonce, and the ciphertext with its tag.
    pub fn seal_bound(&self, bound_to: &[u8], plaintext: Vec<u8>) -> Result<([u8; NONCE_LEN], Vec<u8>), CipherError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).map_err(|_| CipherError::Random)?;
        let mut buffer = plaintext;
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(bound_to), &mut buffer)
            .map_err(|_| CipherError::Random)?;
        Ok((nonce, buffer))
    }

    /// A keyed digest (HMAC-SHA-256, hex) of `data`: what is stored of a one-time code, so a
    /// database dump alone does not let short codes be found by trying them all.
    pub fn keyed_digest(&self, data: &[u8]) -> String {
        hex::encode(hmac::sign(&self.digest_key, data).as_ref())
    }

    /// Open what [`seal_bound`](Self::seal_bound) sealed with the same `bound_to`.
    pub fn open_bound(&self, bound_to: &[u8], nonce: &[u8], sealed: Vec<u8>) -> Result<Vec<u8>, CipherError> {
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| CipherError::Open)?;
        let mut buffer = sealed;
        let len = self
            .key
            .open_in_place(nonce, Aad::from(bound_to), &mut buffer)
            .map_err(|_| CipherError::Open)?
            .len();
        buffer.truncate(len);
        Ok(buffer)
    }
}

const DIGEST_KEY_LABEL: &[u8] = b"portal/keyed-digest/v1";

fn additional_data(attachment_id: &str) -> Vec<u8> {
    format!("portal/attachment/v1/{attachment_id}").into_bytes()
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = crate::private_files::private_file_options()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_bound_to_the_id() {
        let cipher = AttachmentCipher::from_key(&[7u8; 32]).expect("key");
        let blob = cipher.seal("a1", b"photo bytes".to_vec()).expect("seal");
        assert!(!blob.sealed.windows(5).any(|w| w == b"photo"));
        let again = SealedBlob {
            key_id: blob.key_id.clone(),
            nonce: blob.nonce.clone(),
            sealed: blob.sealed.clone(),
        };
        assert_eq!(cipher.open("a1", blob).expect("open"), b"photo bytes");
        assert!(matches!(cipher.open("a2", again), Err(CipherError::Open)));
    }

    #[test]
    fn keyed_digests_depend_on_the_key_and_the_data() {
        let cipher = AttachmentCipher::from_key(&[7u8; 32]).expect("key");
        let other = AttachmentCipher::from_key(&[8u8; 32]).expect("key");
        let digest = cipher.keyed_digest(b"reset/ABCD1234");
        assert_eq!(digest.len(), 64);
        assert_eq!(digest, cipher.keyed_digest(b"reset/ABCD1234"));
        assert_ne!(digest, cipher.keyed_digest(b"reset/ABCD1235"));
        assert_ne!(digest, other.keyed_digest(b"reset/ABCD1234"));
    }

    #[test]
    fn the_key_file_is_made_once_and_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = AttachmentCipher::default_path(dir.path());
        let first = AttachmentCipher::load_or_create(&path).expect("create");
        let blob = first.seal("x", b"abc".to_vec()).expect("seal");
        let second = AttachmentCipher::load_or_create(&path).expect("load");
        assert_eq!(second.open("x", blob).expect("open"), b"abc");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o077, 0, "the key file is private");
        }
        std::fs::write(&path, "not hex").expect("write");
        assert!(matches!(
            AttachmentCipher::load_or_create(&path),
            Err(CipherError::BadKey(_))
        ));
    }
}
