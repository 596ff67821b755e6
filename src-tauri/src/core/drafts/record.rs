//! A draft's content as the vault stores it: [`DraftContent`] as JSON, written straight into
//! the record that is then sealed in place, and read back; and the vault's times as dates.

use chrono::{DateTime, Utc};

use super::errors::vault_error;
use super::model::DraftContent;
use crate::error::CommandError;
use crate::vault::seal::RecordBuffer;
use crate::vault::UnlockedVault;

/// The content as JSON, written straight into the record that will be sealed in place (sized
/// up front so it is not reallocated, which would leave copies behind).
pub(super) fn encode(vault: &UnlockedVault, content: &DraftContent) -> Result<RecordBuffer, CommandError> {
    let mut record = vault.record_buffer(capacity(content)).map_err(vault_error)?;
    serde_json::to_writer(&mut record, content).map_err(|_| CommandError::VaultUnavailable)?;
    Ok(record)
}

/// Room for the JSON of `content`: every character of text escaped at most to two bytes on
/// average (subjects and bodies are mostly plain), the fixed fields, and each attachment.
fn capacity(content: &DraftContent) -> usize {
    let text = content.subject.len() + content.body.len();
    2 * text + 1024 + 256 * content.attachments.len()
}

/// The content in an opened record, or `None` when it is not a draft this app can read.
pub(super) fn decode(plaintext: &[u8]) -> Option<DraftContent> {
    serde_json::from_slice(plaintext).ok()
}

/// A time the vault stored (Unix milliseconds).
pub(super) fn time_of(unix_ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(unix_ms).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use portal_api::media::MediaType;
    use portal_api::Category;

    use super::*;
    use crate::core::drafts::model::DraftAttachment;
    use crate::core::drafts::testing::unlocked;

    fn sample() -> DraftContent {
        DraftContent {
            thread_id: Some(7),
            category: Some(Category::Billing),
            subject: "Invoice \"March\"".into(),
            body: "Line one\nline two: crème, день, 🙂".into(),
            attachments: vec![DraftAttachment {
                id: "a1".into(),
                filename: "scan.pdf".into(),
                media_type: MediaType::Pdf,
                size: 12,
            }],
            idempotency_key: Some("draft-1".into()),
            uploaded: [("a1".to_owned(), "srv-9".to_owned())].into_iter().collect(),
            written_for: Some(50),
        }
    }

    #[tokio::test]
    async fn content_round_trips_through_a_record() {
        let (_dir, drafts) = unlocked().await;
        let vault = drafts.vault().unwrap();
        let content = sample();
        let record = encode(&vault, &content).unwrap();
        assert!(record.plaintext().len() <= capacity(&content), "the record grew");
        assert_eq!(decode(record.plaintext()), Some(content));
    }

    #[test]
    fn a_draft_saved_before_authorized_persons_is_the_persons_own() {
        let old = br#"{"thread_id":null,"category":null,"subject":"s","body":"b","attachments":[]}"#;
        assert_eq!(decode(old).map(|c| c.written_for), Some(None));
    }

    #[test]
    fn what_this_app_cannot_read_is_none() {
        assert_eq!(decode(b"not json"), None);
        assert_eq!(decode(b"[1, 2]"), None);
        assert_eq!(decode(b""), None);
        // A record written before the send state existed still reads.
        let old = br#"{"thread_id":null,"category":"other","subject":"s","body":"b"}"#;
        let content = decode(old).unwrap();
        assert!(content.attachments.is_empty() && content.uploaded.is_empty());
        assert_eq!(content.idempotency_key, None);
    }

    #[test]
    fn vault_times_are_utc_milliseconds() {
        assert_eq!(time_of(0), DateTime::<Utc>::default());
        assert_eq!(time_of(1_700_000_000_123).timestamp_millis(), 1_700_000_000_123);
        assert_eq!(time_of(i64::MAX), DateTime::<Utc>::default());
    }
}
