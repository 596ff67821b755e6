//! The quarantine: records that failed to open (tampered, swapped, truncated, of an unknown
//! format) or that opened but hold content the app cannot read are moved, in one transaction,
//! from `drafts` and `draft_attachments` to `quarantine` and `quarantined_attachments`. Set
//! aside, they are never shown and never block the rest of the vault, but they are not
//! destroyed: they may be evidence of tampering. A draft set aside takes its files along (no
//! draft refers to them any more); a file set aside leaves its draft as it is.

use sqlx::Row;

use super::error::VaultError;
use super::file::now_ms;
use super::seal;
use super::unlocked::UnlockedVault;

impl UnlockedVault {
    /// How many of this user's draft records are in the quarantine.
    pub async fn quarantined_count(&self) -> Result<i64, VaultError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM quarantine WHERE user_id = ?")
            .bind(&self.user)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Sets the current record of `draft_id` aside although it opened: for content that is
    /// authentic but cannot be used (the app cannot read its format). Returns whether there
    /// was one.
    pub async fn quarantine_draft(&self, draft_id: &str) -> Result<bool, VaultError> {
        seal::check_id(draft_id)?;
        let Some(row) = sqlx::query("SELECT version, record FROM drafts WHERE user_id = ? AND draft_id = ?")
            .bind(&self.user)
            .bind(draft_id)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(false);
        };
        let record: Vec<u8> = row.try_get("record")?;
        self.quarantine(draft_id, row.try_get("version")?, &record).await?;
        Ok(true)
    }

    /// Moves the record that failed to open into the quarantine, with the draft's attachments
    /// (which no draft refers to any more), in one transaction. Only that exact row moves: if
    /// a save replaced it meanwhile, the new record and the attachments stay.
    pub(super) async fn quarantine(&self, draft_id: &str, version: i64, record: &[u8]) -> Result<(), VaultError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let moved = sqlx::query(
            "INSERT INTO quarantine (user_id, draft_id, version, record, updated_at, quarantined_at)
             SELECT user_id, draft_id, version, record, updated_at, ? FROM drafts
             WHERE user_id = ? AND draft_id = ? AND version = ? AND record = ?",
        )
        .bind(now_ms())
        .bind(&self.user)
        .bind(draft_id)
        .bind(version)
        .bind(record)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() > 0 {
            sqlx::query("DELETE FROM drafts WHERE user_id = ? AND draft_id = ? AND version = ? AND record = ?")
                .bind(&self.user)
                .bind(draft_id)
                .bind(version)
                .bind(record)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO quarantined_attachments
                 (user_id, draft_id, attachment_id, record, created_at, quarantined_at)
                 SELECT user_id, draft_id, attachment_id, record, created_at, ? FROM draft_attachments
                 WHERE user_id = ? AND draft_id = ?",
            )
            .bind(now_ms())
            .bind(&self.user)
            .bind(draft_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM draft_attachments WHERE user_id = ? AND draft_id = ?")
                .bind(&self.user)
                .bind(draft_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        tracing::warn!(draft_id, "a saved draft failed to open and was set aside");
        Ok(())
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
    pub(super) async fn quarantine_attachment(
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
    use super::*;
    use crate::vault::testing::*;
    use crate::vault::DraftStatus;

    #[tokio::test]
    async fn another_users_record_is_refused_even_when_copied() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pa", FAST).await.unwrap();
        let bob = f.vault.create_user("bob", b"pb", FAST).await.unwrap();
        bob.save_draft("d1", b"bob's secret").await.unwrap();
        assert!(matches!(alice.load_draft("d1").await, Err(VaultError::NotFound)));
        sqlx::query(
            "INSERT INTO drafts (user_id, draft_id, version, record, updated_at)
             SELECT 'alice', draft_id, version, record, updated_at FROM drafts WHERE user_id = 'bob'",
        )
        .execute(&f.vault.pool)
        .await
        .unwrap();
        assert!(is_damaged_draft(alice.load_draft("d1").await, "d1"));
        assert_eq!(alice.quarantined_count().await.unwrap(), 1);
        assert_eq!(&bob.load_draft("d1").await.unwrap()[..], b"bob's secret");
    }

    #[tokio::test]
    async fn record_moved_to_another_draft_or_version_is_damaged_draft() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        alice.save_draft("d1", b"one").await.unwrap();
        alice.save_draft("d2", b"two").await.unwrap();
        let d1 = draft_record(&f.vault, "alice", "d1").await;
        set_draft_record(&f.vault, "alice", "d2", &d1).await;
        assert!(is_damaged_draft(alice.load_draft("d2").await, "d2"));
        sqlx::query("UPDATE drafts SET version = version + 1 WHERE user_id = 'alice' AND draft_id = 'd1'")
            .execute(&f.vault.pool)
            .await
            .unwrap();
        assert!(is_damaged_draft(alice.load_draft("d1").await, "d1"));
        assert_eq!(alice.quarantined_count().await.unwrap(), 2);
    }

    #[tokio::test]
    async fn flipped_bits_anywhere_are_damaged() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        alice.save_draft("d1", b"a draft").await.unwrap();
        let good = draft_record(&f.vault, "alice", "d1").await;
        for byte in 0..good.len() {
            let mut bad = good.clone();
            bad[byte] ^= 0x01 << (byte % 8);
            set_draft_record(&f.vault, "alice", "d1", &bad).await;
            assert!(is_damaged_draft(alice.load_draft("d1").await, "d1"), "byte {byte}");
            // Put a good record back for the next byte (the damaged one was quarantined).
            alice.save_draft("d1", b"a draft").await.unwrap();
            let again = draft_record(&f.vault, "alice", "d1").await;
            assert_eq!(&alice.load_draft("d1").await.unwrap()[..], b"a draft");
            assert_eq!(again.len(), good.len());
        }
    }

    #[tokio::test]
    async fn truncated_records_are_damaged() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        for len in [0, 1, 5, 13, seal::MIN_RECORD_LEN - 1, seal::MIN_RECORD_LEN + 3] {
            alice.save_draft("d1", b"a longer draft").await.unwrap();
            let good = draft_record(&f.vault, "alice", "d1").await;
            set_draft_record(&f.vault, "alice", "d1", &good[..len]).await;
            assert!(is_damaged_draft(alice.load_draft("d1").await, "d1"), "len {len}");
        }
    }

    #[tokio::test]
    async fn damaged_record_is_quarantined_and_the_rest_keeps_working() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        for (id, text) in [("d1", "one"), ("d2", "two"), ("d3", "three")] {
            alice.save_draft(id, text.as_bytes()).await.unwrap();
        }
        set_draft_record(&f.vault, "alice", "d2", b"garbage").await;
        let list = alice.list_drafts().await.unwrap();
        let damaged: Vec<_> = list.iter().filter(|e| e.status == DraftStatus::Damaged).collect();
        assert_eq!(damaged.len(), 1);
        assert_eq!(damaged[0].draft_id, "d2");
        assert_eq!(alice.quarantined_count().await.unwrap(), 1);
        // Set aside: not listed again, not loadable, and the others still open.
        let list = alice.list_drafts().await.unwrap();
        assert_eq!(list.len(), 2);
        assert!(list.iter().all(|e| e.status == DraftStatus::Ok));
        assert!(matches!(alice.load_draft("d2").await, Err(VaultError::NotFound)));
        assert_eq!(&alice.load_draft("d1").await.unwrap()[..], b"one");
        assert_eq!(&alice.load_draft("d3").await.unwrap()[..], b"three");
        // The draft id can be used again.
        alice.save_draft("d2", b"new two").await.unwrap();
        assert_eq!(&alice.load_draft("d2").await.unwrap()[..], b"new two");
    }

    #[tokio::test]
    async fn attachments_go_with_their_draft() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        attach(&alice, "d1", "a1", &photo(1, 10), b"one").await.unwrap();
        attach(&alice, "d1", "a2", &photo(2, 10), b"one").await.unwrap();
        attach(&alice, "d2", "a1", &photo(3, 10), b"two").await.unwrap();
        attach(&alice, "d3", "a1", &photo(4, 10), b"three").await.unwrap();
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
    async fn a_record_moved_to_another_place_is_damaged_attachment() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pa", FAST).await.unwrap();
        let bob = f.vault.create_user("bob", b"pb", FAST).await.unwrap();
        attach(&alice, "d1", "a1", &photo(1, 100), b"d1").await.unwrap();
        attach(&alice, "d1", "a2", &photo(2, 100), b"d1").await.unwrap();
        attach(&alice, "d2", "a1", &photo(3, 100), b"d2").await.unwrap();
        attach(&bob, "d1", "a1", &photo(4, 100), b"bob").await.unwrap();
        // Another attachment of the same draft, the same attachment id of another draft, and
        // another user's record: none opens in its new place.
        let a1 = attachment_record(&f.vault, "alice", "d1", "a1").await;
        set_attachment_record(&f.vault, "alice", "d1", "a2", &a1).await;
        set_attachment_record(&f.vault, "alice", "d2", "a1", &a1).await;
        set_attachment_record(&f.vault, "bob", "d1", "a1", &a1).await;
        assert!(is_damaged_attachment(
            alice.load_attachment("d1", "a2").await,
            "d1",
            "a2"
        ));
        assert!(is_damaged_attachment(
            alice.load_attachment("d2", "a1").await,
            "d2",
            "a1"
        ));
        assert!(is_damaged_attachment(bob.load_attachment("d1", "a1").await, "d1", "a1"));
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
}
