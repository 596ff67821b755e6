//! Thread subjects, message bodies, the resources of patients' charts, physicians' notes on
//! results and the reasons given to open a chart outside one's care are sealed at rest under the
//! service's key (the key that seals attachments, see `attachments::cipher`), so a copy or
//! backup of the database alone reveals no message and no chart. Each value is bound to its
//! field and row id: a sealed body copied onto another message does not open.
//!
//! Stored form: `v1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>`, text in both engines, so
//! the database can still place it in the JSON it builds for lists and thread pages.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::aead::NONCE_LEN;

use crate::attachments::{AttachmentCipher, CipherError};

const VERSION: &str = "v1";

/// Which text a sealed value holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    ThreadSubject,
    MessageBody,
    /// A resource of a patient's chart (its FHIR JSON), bound to its `chart_resources` row.
    ChartResource,
    /// A physician's note on a result, for the patient, bound to its `result_reviews` row.
    ReviewNote,
    /// The reason stated to open a chart outside one's care, bound to its grant's row.
    BreakTheGlassReason,
    /// What a queued mail's template needs (the practice's name, a code), bound to its
    /// `mail_outbox` row.
    MailPayload,
    /// A person's TOTP secret (confirmed or pending), bound to their `users` row.
    TotpSecret,
    /// Why the practice set up a grant for a patient who could not, bound to its `grants` row.
    PracticeGrantReason,
    /// The document the practice saw for such a grant, bound to its `grants` row.
    PracticeGrantDocument,
}

impl Field {
    fn bound_to(self, row_id: i64) -> Vec<u8> {
        let name = match self {
            Self::ThreadSubject => "thread-subject",
            Self::MessageBody => "message-body",
            Self::ChartResource => "chart-resource",
            Self::ReviewNote => "review-note",
            Self::BreakTheGlassReason => "break-the-glass-reason",
            Self::MailPayload => "mail-payload",
            Self::TotpSecret => "totp-secret",
            Self::PracticeGrantReason => "practice-grant-reason",
            Self::PracticeGrantDocument => "practice-grant-document",
        };
        format!("portal/{name}/{VERSION}/{row_id}").into_bytes()
    }
}

#[derive(Debug, Clone)]
pub struct TextSealer {
    cipher: Arc<AttachmentCipher>,
}

impl TextSealer {
    pub fn new(cipher: Arc<AttachmentCipher>) -> Self {
        Self { cipher }
    }

    /// A keyed digest of `data` under the service's key (one-time and recovery codes are
    /// stored as these); see [`AttachmentCipher::keyed_digest`].
    pub fn keyed_digest(&self, data: &[u8]) -> String {
        self.cipher.keyed_digest(data)
    }

    pub fn seal(&self, field: Field, row_id: i64, text: &str) -> Result<String, CipherError> {
        let (nonce, sealed) = self
            .cipher
            .seal_bound(&field.bound_to(row_id), text.as_bytes().to_vec())?;
        let mut bytes = Vec::with_capacity(NONCE_LEN + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        Ok(format!(
            "{VERSION}.{}.{}",
            self.cipher.key_id(),
            URL_SAFE_NO_PAD.encode(bytes)
        ))
    }

    pub fn open(&self, field: Field, row_id: i64, stored: &str) -> Result<String, CipherError> {
        let mut parts = stored.splitn(3, '.');
        let (Some(VERSION), Some(key_id), Some(data)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(CipherError::Open);
        };
        if key_id != self.cipher.key_id() {
            return Err(CipherError::Open);
        }
        let bytes = URL_SAFE_NO_PAD.decode(data).map_err(|_| CipherError::Open)?;
        if bytes.len() < NONCE_LEN {
            return Err(CipherError::Open);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let text = self
            .cipher
            .open_bound(&field.bound_to(row_id), nonce, sealed.to_vec())?;
        String::from_utf8(text).map_err(|_| CipherError::Open)
    }

    /// Whether `stored` is in the sealed form (rows written before sealing are not).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with("v1.")
    }
}

/// A sealer over a fixed key, for unit tests elsewhere in the crate.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    pub(crate) fn sealer() -> TextSealer {
        TextSealer::new(Arc::new(AttachmentCipher::from_key(&[7u8; 32]).expect("key")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer() -> TextSealer {
        TextSealer::new(Arc::new(AttachmentCipher::from_key(&[7u8; 32]).unwrap()))
    }

    #[test]
    fn text_opens_only_for_its_field_and_row_and_holds_no_plaintext() {
        let sealer = sealer();
        let stored = sealer.seal(Field::MessageBody, 42, "itchy rash on my arm").unwrap();
        assert!(TextSealer::is_sealed(&stored));
        assert!(!stored.contains("rash"));
        assert_eq!(
            sealer.open(Field::MessageBody, 42, &stored).unwrap(),
            "itchy rash on my arm"
        );
        assert!(sealer.open(Field::MessageBody, 43, &stored).is_err(), "another row");
        assert!(sealer.open(Field::ThreadSubject, 42, &stored).is_err(), "another field");
        let other_key = TextSealer::new(Arc::new(AttachmentCipher::from_key(&[8u8; 32]).unwrap()));
        assert!(other_key.open(Field::MessageBody, 42, &stored).is_err(), "another key");
        let mut tampered = stored.clone();
        tampered.pop();
        tampered.push(if stored.ends_with('A') { 'B' } else { 'A' });
        assert!(sealer.open(Field::MessageBody, 42, &tampered).is_err());
        assert!(sealer.open(Field::MessageBody, 42, "plain text").is_err());
    }

    #[test]
    fn the_same_text_seals_differently_each_time() {
        let sealer = sealer();
        let a = sealer.seal(Field::ThreadSubject, 1, "Rash").unwrap();
        let b = sealer.seal(Field::ThreadSubject, 1, "Rash").unwrap();
        assert_ne!(a, b);
    }
}
