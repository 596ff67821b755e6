//! The files attached to a draft. Each one is its own sealed record in `draft_attachments`,
//! written once when it is attached and deleted with its draft: the draft's text is saved on
//! every autosave, and re-sealing megabytes of photos each time would make typing slow and
//! wear the disk. The draft's content lists its attachments; adding or removing one changes
//! that list and the attachment rows in one transaction, so after a crash both agree.
//!
//! Records use the draft record format (see [`seal`]) with the additional data
//! `portal/draft-attachment/v1/{user}/{draft}/{attachment}`. One that fails to open is moved
//! to `quarantined_attachments` and reported as [`VaultError::AttachmentDamaged`].

use std::sync::Arc;

use zeroize::Zeroizing;

use super::error::VaultError;
use super::seal::{self, RecordBuffer};
use super::store::{blocking, now_ms, Saved, UnlockedVault};

impl UnlockedVault {
    /// Attaches `bytes` to `draft_id` as `attachment_id` and saves `content` (the draft's
    /// content, now listing it) as the draft's next version, in one transaction. The draft is
    /// created if it has no version yet. Sealing runs on the blocking pool (a 10 MB photo
    /// takes milliseconds of CPU).
    pub async fn add_attachment(
        &self,
        draft_id: &str,
        attachment_id: &str,
        bytes: &[u8],
        content: RecordBuffer,
    ) -> Result<Saved, VaultError> {
        seal::check_id(draft_id)?;
        seal::check_id(attachment_id)?;
        let file = RecordBuffer::with_plaintext(&self.rng, bytes)?;
        let key = Arc::clone(&self.key);
        let aad = seal::attachment_additional_data(&self.user, draft_id, attachment_id);
        let record = blocking(move || file.seal(&key, &aad)).await?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "INSERT INTO draft_attachments (user_id, draft_id, attachment_id, record, created_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&self.user)
        .bind(draft_id)
        .bind(attachment_id)
        .bind(&record)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        let saved = self.write_draft(&mut tx, draft_id, content).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Removes `attachment_id` from `draft_id` and saves `content` (the draft's content
    /// without it) as the draft's next version, in one transaction.
    pub async fn remove_attachment(
        &self,
        draft_id: &str,
        attachment_id: &str,
        content: RecordBuffer,
    ) -> Result<Saved, VaultError> {
        seal::check_id(draft_id)?;
        seal::check_id(attachment_id)?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("DELETE FROM draft_attachments WHERE user_id = ? AND draft_id = ? AND attachment_id = ?")
            .bind(&self.user)
            .bind(draft_id)
            .bind(attachment_id)
            .execute(&mut *tx)
            .await?;
        let saved = self.write_draft(&mut tx, draft_id, content).await?;
        tx.commit().await?;
        Ok(saved)
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

    /// How many of this user's attachment records are in the quarantine.
    pub async fn quarantined_attachment_count(&self) -> Result<i64, VaultError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM quarantined_attachments WHERE user_id = ?")
                .bind(&self.user)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Moves the attachment record that failed to open into the quarantine (that exact row
    /// only), in one transaction.
    async fn quarantine_attachment(
        &self,
        draft_id: &str,
        attachment_id: &str,
        record: &[u8],
    ) -> Result<(), VaultError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let moved = sqlx::query(
            "INSERT INTO quarantined_attachments
             (user_id, draft_id, attachment_id, record, created_at, quarantined_at)
             SELECT user_id, draft_id, attachment_id, record, created_at, ? FROM draft_attachments
             WHERE user_id = ? AND draft_id = ? AND attachment_id = ? AND record = ?",
        )
        .bind(now_ms())
        .bind(&self.user)
        .bind(draft_id)
        .bind(attachment_id)
        .bind(record)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() > 0 {
            sqlx::query(
                "DELETE FROM draft_attachments
                 WHERE user_id = ? AND draft_id = ? AND attachment_id = ? AND record = ?",
            )
            .bind(&self.user)
            .bind(draft_id)
            .bind(attachment_id)
            .bind(record)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        tracing::warn!(
            draft_id,
            attachment_id,
            "a saved attachment failed to open and was set aside"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::vault::keys::tests::FAST;
    use crate::vault::store::DraftVault;

    struct Fixture {
        _dir: tempfile::TempDir,
        path: PathBuf,
        vault: DraftVault,
    }

    async fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drafts.db");
        let vault = DraftVault::open(&path).await.unwrap();
        Fixture { _dir: dir, path, vault }
    }

    async fn record_of(vault: &DraftVault, user: &str, draft: &str, attachment: &str) -> Vec<u8> {
        sqlx::query_scalar(
            "SELECT record FROM draft_attachments WHERE user_id = ? AND draft_id = ? AND attachment_id = ?",
        )
        .bind(user)
        .bind(draft)
        .bind(attachment)
        .fetch_one(&vault.pool)
        .await
        .unwrap()
    }

    async fn set_record(vault: &DraftVault, user: &str, draft: &str, attachment: &str, record: &[u8]) {
        sqlx::query("UPDATE draft_attachments SET record = ? WHERE user_id = ? AND draft_id = ? AND attachment_id = ?")
            .bind(record)
            .bind(user)
            .bind(draft)
            .bind(attachment)
            .execute(&vault.pool)
            .await
            .unwrap();
    }

    fn is_damaged(result: Result<Zeroizing<Vec<u8>>, VaultError>, draft: &str, attachment: &str) -> bool {
        matches!(result, Err(VaultError::AttachmentDamaged { draft_id, attachment_id })
            if draft_id == draft && attachment_id == attachment)
    }

    /// A draft's content, as the drafts logic writes it.
    fn content(vault: &UnlockedVault, text: &[u8]) -> RecordBuffer {
        let mut record = vault.record_buffer(text.len()).unwrap();
        record.extend_from_slice(text);
        record
    }

    /// A photo-sized byte pattern that differs per seed.
    fn photo(seed: u8, len: usize) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
            .collect()
    }

    #[tokio::test]
    async fn round_trip_with_the_draft_in_one_version_each() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        let (one, two) = (photo(1, 300_000), photo(2, 10));
        assert_eq!(
            alice
                .add_attachment("d1", "a1", &one, content(&alice, b"with a1"))
                .await
                .unwrap()
                .version,
            1
        );
        assert_eq!(
            alice
                .add_attachment("d1", "a2", &two, content(&alice, b"with a1, a2"))
                .await
                .unwrap()
                .version,
            2
        );
        assert_eq!(&alice.load_draft("d1").await.unwrap()[..], b"with a1, a2");
        assert_eq!(&alice.load_attachment("d1", "a1").await.unwrap()[..], &one[..]);
        assert_eq!(&alice.load_attachment("d1", "a2").await.unwrap()[..], &two[..]);
        assert_eq!(alice.attachment_ids("d1").await.unwrap().len(), 2);
        // Saving the text does not touch the attachment records.
        let before = record_of(&f.vault, "alice", "d1", "a1").await;
        for i in 0..5 {
            alice.save_draft("d1", format!("typing {i}").as_bytes()).await.unwrap();
        }
        assert_eq!(record_of(&f.vault, "alice", "d1", "a1").await, before);
        let saved = alice
            .remove_attachment("d1", "a1", content(&alice, b"with a2"))
            .await
            .unwrap();
        assert_eq!(saved.version, 8);
        assert!(matches!(
            alice.load_attachment("d1", "a1").await,
            Err(VaultError::NotFound)
        ));
        assert_eq!(alice.attachment_ids("d1").await.unwrap(), ["a2"]);
        assert_eq!(&alice.load_draft("d1").await.unwrap()[..], b"with a2");
        assert!(matches!(
            alice.add_attachment("d1", "x/y", &two, content(&alice, b"t")).await,
            Err(VaultError::InvalidId)
        ));
    }

    #[tokio::test]
    async fn a_record_moved_to_another_place_is_damaged() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pa", FAST).await.unwrap();
        let bob = f.vault.create_user("bob", b"pb", FAST).await.unwrap();
        alice
            .add_attachment("d1", "a1", &photo(1, 100), content(&alice, b"d1"))
            .await
            .unwrap();
        alice
            .add_attachment("d1", "a2", &photo(2, 100), content(&alice, b"d1"))
            .await
            .unwrap();
        alice
            .add_attachment("d2", "a1", &photo(3, 100), content(&alice, b"d2"))
            .await
            .unwrap();
        bob.add_attachment("d1", "a1", &photo(4, 100), content(&bob, b"bob"))
            .await
            .unwrap();
        // Another attachment of the same draft, the same attachment id of another draft, and
        // another user's record: none opens in its new place.
        let a1 = record_of(&f.vault, "alice", "d1", "a1").await;
        set_record(&f.vault, "alice", "d1", "a2", &a1).await;
        set_record(&f.vault, "alice", "d2", "a1", &a1).await;
        set_record(&f.vault, "bob", "d1", "a1", &a1).await;
        assert!(is_damaged(alice.load_attachment("d1", "a2").await, "d1", "a2"));
        assert!(is_damaged(alice.load_attachment("d2", "a1").await, "d2", "a1"));
        assert!(is_damaged(bob.load_attachment("d1", "a1").await, "d1", "a1"));
        assert_eq!(alice.quarantined_attachment_count().await.unwrap(), 2);
        assert_eq!(bob.quarantined_attachment_count().await.unwrap(), 1);
        // Set aside: gone from the draft's attachments, the original still opens.
        assert!(matches!(
            alice.load_attachment("d1", "a2").await,
            Err(VaultError::NotFound)
        ));
        assert_eq!(
            &alice.load_attachment("d1", "a1").await.unwrap()[..],
            &photo(1, 100)[..]
        );
        assert_eq!(
            &alice.load_draft("d2").await.unwrap()[..],
            b"d2",
            "the draft itself is fine"
        );
    }

    #[tokio::test]
    async fn flipped_bits_and_truncations_are_damaged() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        let bytes = photo(7, 40);
        alice
            .add_attachment("d1", "a1", &bytes, content(&alice, b"d1"))
            .await
            .unwrap();
        let good = record_of(&f.vault, "alice", "d1", "a1").await;
        let mut damaged = 0;
        for byte in 0..good.len() {
            let mut bad = good.clone();
            bad[byte] ^= 0x01 << (byte % 8);
            set_record(&f.vault, "alice", "d1", "a1", &bad).await;
            assert!(
                is_damaged(alice.load_attachment("d1", "a1").await, "d1", "a1"),
                "byte {byte}"
            );
            damaged += 1;
            // The damaged row was quarantined: put the good one back for the next byte.
            alice
                .add_attachment("d1", "a1", &bytes, content(&alice, b"d1"))
                .await
                .unwrap();
            assert_eq!(&alice.load_attachment("d1", "a1").await.unwrap()[..], &bytes[..]);
        }
        let good = record_of(&f.vault, "alice", "d1", "a1").await;
        for len in [0, 1, 12, seal::MIN_RECORD_LEN - 1, good.len() - 1] {
            set_record(&f.vault, "alice", "d1", "a1", &good[..len]).await;
            assert!(
                is_damaged(alice.load_attachment("d1", "a1").await, "d1", "a1"),
                "len {len}"
            );
            damaged += 1;
            alice
                .add_attachment("d1", "a1", &bytes, content(&alice, b"d1"))
                .await
                .unwrap();
        }
        assert_eq!(alice.quarantined_attachment_count().await.unwrap(), damaged);
        assert_eq!(
            alice.quarantined_count().await.unwrap(),
            0,
            "no draft record was damaged"
        );
    }

    #[tokio::test]
    async fn attachments_go_with_their_draft() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        alice
            .add_attachment("d1", "a1", &photo(1, 10), content(&alice, b"one"))
            .await
            .unwrap();
        alice
            .add_attachment("d1", "a2", &photo(2, 10), content(&alice, b"one"))
            .await
            .unwrap();
        alice
            .add_attachment("d2", "a1", &photo(3, 10), content(&alice, b"two"))
            .await
            .unwrap();
        alice
            .add_attachment("d3", "a1", &photo(4, 10), content(&alice, b"three"))
            .await
            .unwrap();
        // Deleting a draft deletes its attachments.
        assert!(alice.delete_draft("d1").await.unwrap());
        assert!(alice.attachment_ids("d1").await.unwrap().is_empty());
        assert_eq!(alice.attachment_ids("d2").await.unwrap(), ["a1"]);
        // A damaged draft is set aside with its attachments.
        sqlx::query("UPDATE drafts SET record = x'00' WHERE user_id = 'alice' AND draft_id = 'd2'")
            .execute(&f.vault.pool)
            .await
            .unwrap();
        assert!(matches!(alice.load_draft("d2").await, Err(VaultError::Damaged { .. })));
        assert!(alice.attachment_ids("d2").await.unwrap().is_empty());
        assert_eq!(alice.quarantined_attachment_count().await.unwrap(), 1);
        // The authentic draft set aside on purpose takes its attachment along too.
        assert!(alice.quarantine_draft("d3").await.unwrap());
        assert!(!alice.quarantine_draft("d3").await.unwrap());
        assert!(alice.attachment_ids("d3").await.unwrap().is_empty());
        assert_eq!(alice.quarantined_count().await.unwrap(), 2);
        assert_eq!(alice.quarantined_attachment_count().await.unwrap(), 2);
        assert!(alice.list_drafts().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn attachment_bytes_never_reach_the_file_in_the_clear() {
        const MARKER: &[u8] = b"ATTACHMENT-MARKER-rash-on-left-arm";
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        let mut bytes = MARKER.repeat(1000);
        bytes.extend_from_slice(&photo(9, 5000));
        alice
            .add_attachment("d1", "a1", &bytes, content(&alice, b"d1"))
            .await
            .unwrap();
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
        alice
            .add_attachment("d1", "a1", &photo(1, 1000), content(&alice, b"d1"))
            .await
            .unwrap();
        assert!(f.vault.check_integrity().await.unwrap());
    }
}
