//! The files attached to a draft. Each one is its own sealed record in `draft_attachments`,
//! written once when it is attached and deleted with its draft: the draft's text is saved on
//! every autosave, and re-sealing megabytes of photos each time would make typing slow and
//! wear the disk. The draft's content lists its attachments; a file is attached or removed
//! as part of the draft's write ([`UnlockedVault::write`] with an [`AttachmentChange`]), so
//! the list and the rows agree after a crash.
//!
//! Records use the draft record format (see [`seal`]) with the additional data
//! `portal/draft-attachment/v1/{user}/{draft}/{attachment}`. One that fails to open is moved
//! to `quarantined_attachments` and reported as [`VaultError::AttachmentDamaged`].

use std::sync::Arc;

use sqlx::{Sqlite, Transaction};
use zeroize::Zeroizing;

use super::error::VaultError;
use super::file::{blocking, now_ms};
use super::seal::{self, RecordBuffer};
use super::unlocked::UnlockedVault;

/// What a draft's write does to its files, besides storing its content.
#[derive(Clone, Copy)]
pub enum AttachmentChange<'a> {
    /// Nothing (an autosave of the text, the send state kept).
    None,
    /// Attach `bytes` as `attachment_id` (new to the draft).
    Attach { attachment_id: &'a str, bytes: &'a [u8] },
    /// Remove `attachment_id` (nothing happens if the draft has no such file).
    Detach { attachment_id: &'a str },
}

impl std::fmt::Debug for AttachmentChange<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Attach { attachment_id, bytes } => f
                .debug_struct("Attach")
                .field("attachment_id", attachment_id)
                .field("bytes", &bytes.len())
                .finish(),
            Self::Detach { attachment_id } => f.debug_struct("Detach").field("attachment_id", attachment_id).finish(),
        }
    }
}

/// An [`AttachmentChange`] ready for the transaction: a new file already sealed.
pub(super) enum SealedChange {
    None,
    Insert { attachment_id: String, record: Vec<u8> },
    Delete { attachment_id: String },
}

impl UnlockedVault {
    /// Checks the ids in `change` and seals a new file for `draft_id` on the blocking pool,
    /// before the write's transaction begins.
    pub(super) async fn seal_change(
        &self,
        draft_id: &str,
        change: AttachmentChange<'_>,
    ) -> Result<SealedChange, VaultError> {
        Ok(match change {
            AttachmentChange::None => SealedChange::None,
            AttachmentChange::Attach { attachment_id, bytes } => {
                seal::check_id(attachment_id)?;
                let file = RecordBuffer::with_plaintext(&self.rng, bytes)?;
                let key = Arc::clone(&self.key);
                let aad = seal::attachment_additional_data(&self.user, draft_id, attachment_id);
                SealedChange::Insert {
                    attachment_id: attachment_id.to_owned(),
                    record: blocking(move || file.seal(&key, &aad)).await?,
                }
            }
            AttachmentChange::Detach { attachment_id } => {
                seal::check_id(attachment_id)?;
                SealedChange::Delete {
                    attachment_id: attachment_id.to_owned(),
                }
            }
        })
    }

    /// Applies a sealed change to `draft_id`'s files inside the write's transaction.
    pub(super) async fn apply_change_in(
        &self,
        tx: &mut Transaction<'static, Sqlite>,
        draft_id: &str,
        change: SealedChange,
    ) -> Result<(), VaultError> {
        match change {
            SealedChange::None => {}
            SealedChange::Insert { attachment_id, record } => {
                sqlx::query(
                    "INSERT INTO draft_attachments (user_id, draft_id, attachment_id, record, created_at)
                     VALUES (?, ?, ?, ?, ?)",
                )
                .bind(&self.user)
                .bind(draft_id)
                .bind(&attachment_id)
                .bind(&record)
                .bind(now_ms())
                .execute(&mut **tx)
                .await?;
            }
            SealedChange::Delete { attachment_id } => {
                sqlx::query("DELETE FROM draft_attachments WHERE user_id = ? AND draft_id = ? AND attachment_id = ?")
                    .bind(&self.user)
                    .bind(draft_id)
                    .bind(&attachment_id)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }

    /// Deletes every file of `draft_id` inside `tx` (the draft is being deleted).
    pub(super) async fn delete_attachments_in(
        &self,
        tx: &mut Transaction<'static, Sqlite>,
        draft_id: &str,
    ) -> Result<(), VaultError> {
        sqlx::query("DELETE FROM draft_attachments WHERE user_id = ? AND draft_id = ?")
            .bind(&self.user)
            .bind(draft_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// The bytes of `attachment_id` of `draft_id`, in a buffer wiped on drop. A record that
    /// does not open is quarantined and reported as [`VaultError::AttachmentDamaged`].
    pub async fn load_attachment(&self, draft_id: &str, attachment_id: &str) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        seal::check_id(draft_id)?;
        seal::check_id(attachment_id)?;
        let record: Vec<u8> = sqlx::query_scalar(
            "SELECT record FROM draft_attachments WHERE user_id = ? AND draft_id = ? AND attachment_id = ?",
        )
        .bind(&self.user)
        .bind(draft_id)
        .bind(attachment_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(VaultError::NotFound)?;
        let key = Arc::clone(&self.key);
        let aad = seal::attachment_additional_data(&self.user, draft_id, attachment_id);
        let (opened, record) = blocking(move || {
            let opened = seal::open_with_aad(&key, &aad, &record);
            Ok((opened, record))
        })
        .await?;
        match opened {
            Ok(bytes) => Ok(bytes),
            Err(seal::OpenFailed) => {
                self.quarantine_attachment(draft_id, attachment_id, &record).await?;
                Err(VaultError::AttachmentDamaged {
                    draft_id: draft_id.to_owned(),
                    attachment_id: attachment_id.to_owned(),
                })
            }
        }
    }

    /// The ids of the attachments stored for `draft_id`.
    pub async fn attachment_ids(&self, draft_id: &str) -> Result<Vec<String>, VaultError> {
        seal::check_id(draft_id)?;
        Ok(sqlx::query_scalar(
            "SELECT attachment_id FROM draft_attachments WHERE user_id = ? AND draft_id = ? ORDER BY created_at, attachment_id",
        )
        .bind(&self.user)
        .bind(draft_id)
        .fetch_all(&self.pool)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::testing::*;

    #[tokio::test]
    async fn round_trip_with_the_draft_in_one_version_each() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        let (one, two) = (photo(1, 300_000), photo(2, 10));
        assert_eq!(attach(&alice, "d1", "a1", &one, b"with a1").await.unwrap().version, 1);
        assert_eq!(
            attach(&alice, "d1", "a2", &two, b"with a1, a2").await.unwrap().version,
            2
        );
        assert_eq!(&alice.load_draft("d1").await.unwrap()[..], b"with a1, a2");
        assert_eq!(&alice.load_attachment("d1", "a1").await.unwrap()[..], &one[..]);
        assert_eq!(&alice.load_attachment("d1", "a2").await.unwrap()[..], &two[..]);
        assert_eq!(alice.attachment_ids("d1").await.unwrap().len(), 2);
        // Saving the text does not touch the attachment records.
        let before = attachment_record(&f.vault, "alice", "d1", "a1").await;
        for i in 0..5 {
            alice.save_draft("d1", format!("typing {i}").as_bytes()).await.unwrap();
        }
        assert_eq!(attachment_record(&f.vault, "alice", "d1", "a1").await, before);
        let saved = detach(&alice, "d1", "a1", b"with a2").await.unwrap();
        assert_eq!(saved.version, 8);
        assert!(matches!(
            alice.load_attachment("d1", "a1").await,
            Err(VaultError::NotFound)
        ));
        assert_eq!(alice.attachment_ids("d1").await.unwrap(), ["a2"]);
        assert_eq!(&alice.load_draft("d1").await.unwrap()[..], b"with a2");
        assert!(matches!(
            attach(&alice, "d1", "x/y", &two, b"t").await,
            Err(VaultError::InvalidId)
        ));
    }

    #[tokio::test]
    async fn flipped_bits_and_truncations_are_damaged() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        let bytes = photo(7, 40);
        attach(&alice, "d1", "a1", &bytes, b"d1").await.unwrap();
        let good = attachment_record(&f.vault, "alice", "d1", "a1").await;
        let mut damaged = 0;
        for byte in 0..good.len() {
            let mut bad = good.clone();
            bad[byte] ^= 0x01 << (byte % 8);
            set_attachment_record(&f.vault, "alice", "d1", "a1", &bad).await;
            assert!(
                is_damaged_attachment(alice.load_attachment("d1", "a1").await, "d1", "a1"),
                "byte {byte}"
            );
            damaged += 1;
            // The damaged row was quarantined: put the good one back for the next byte.
            attach(&alice, "d1", "a1", &bytes, b"d1").await.unwrap();
            assert_eq!(&alice.load_attachment("d1", "a1").await.unwrap()[..], &bytes[..]);
        }
        let good = attachment_record(&f.vault, "alice", "d1", "a1").await;
        for len in [0, 1, 12, seal::MIN_RECORD_LEN - 1, good.len() - 1] {
            set_attachment_record(&f.vault, "alice", "d1", "a1", &good[..len]).await;
            assert!(
                is_damaged_attachment(alice.load_attachment("d1", "a1").await, "d1", "a1"),
                "len {len}"
            );
            damaged += 1;
            attach(&alice, "d1", "a1", &bytes, b"d1").await.unwrap();
        }
        assert_eq!(alice.quarantined_attachment_count().await.unwrap(), damaged);
        assert_eq!(
            alice.quarantined_count().await.unwrap(),
            0,
            "no draft record was damaged"
        );
    }

    #[tokio::test]
    async fn attachment_bytes_never_reach_the_file_in_the_clear() {
        const MARKER: &[u8] = b"ATTACHMENT-MARKER-rash-on-left-arm";
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        let mut bytes = MARKER.repeat(1000);
        bytes.extend_from_slice(&photo(9, 5000));
        attach(&alice, "d1", "a1", &bytes, b"d1").await.unwrap();
        assert_eq!(&alice.load_attachment("d1", "a1").await.unwrap()[..], &bytes[..]);
        let scan = |stage: &str| {
            for entry in std::fs::read_dir(f.path.parent().unwrap()).unwrap() {
                let contents = match std::fs::read(entry.unwrap().path()) {
                    Ok(contents) => contents,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => panic!("{stage}: {e}"),
                };
                assert!(!contents.windows(MARKER.len()).any(|w| w == MARKER), "{stage}");
            }
        };
        scan("open");
        drop(alice);
        f.vault.clone().close().await;
        scan("closed");
    }

    #[tokio::test]
    async fn the_file_passes_sqlites_integrity_check() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        attach(&alice, "d1", "a1", &photo(1, 1000), b"d1").await.unwrap();
        assert!(f.vault.check_integrity().await.unwrap());
    }
}
