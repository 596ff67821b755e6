//! Draft records: the latest sealed version of each draft, written in one place
//! ([`UnlockedVault::write`]), read back, listed and deleted.
//!
//! Every change of a draft (its text saved, a file attached or removed, the send state kept)
//! is one call of [`UnlockedVault::write`]: one `BEGIN IMMEDIATE` transaction that applies the
//! change to the draft's files, reads the draft's version and writes the next one, so two
//! writes cannot take the same version, the file rows and the content that lists them always
//! agree after a crash, and when it returns the record is on disk (`synchronous=FULL`).

use sqlx::{Row, Sqlite, Transaction};
use zeroize::Zeroizing;

use super::attachments::AttachmentChange;
use super::error::VaultError;
use super::file::now_ms;
use super::seal::{self, RecordBuffer};
use super::unlocked::UnlockedVault;

/// Whether a listed draft can be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftStatus {
    Ok,
    /// It failed to open and has been moved to the quarantine; it will not be listed again.
    Damaged,
}

/// One draft in [`UnlockedVault::list_drafts`]: no content, only what the app needs to offer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftEntry {
    pub draft_id: String,
    pub version: i64,
    /// Unix milliseconds of the last save.
    pub updated_at_ms: i64,
    pub status: DraftStatus,
}

/// One draft in [`UnlockedVault::list_drafts_with_content`]: the entry, and the opened content
/// when its status is [`DraftStatus::Ok`] (in a buffer wiped on drop).
pub struct OpenedDraft {
    pub entry: DraftEntry,
    pub plaintext: Option<Zeroizing<Vec<u8>>>,
}

impl std::fmt::Debug for OpenedDraft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenedDraft")
            .field("entry", &self.entry)
            .finish_non_exhaustive()
    }
}

/// What a write stored: the new version and its time (Unix milliseconds, as listed later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Saved {
    pub version: i64,
    pub updated_at_ms: i64,
}

impl UnlockedVault {
    /// The one way a draft is written: applies `files` (nothing, a file attached, a file
    /// removed) and stores `content` (the draft's content, written straight into a
    /// [`RecordBuffer`] and sealed there) as the draft's next version, atomically (see the
    /// module's documentation). A draft with no version yet is created. A new file is sealed
    /// on the blocking pool first (a 10 MB photo takes milliseconds of CPU).
    pub async fn write(
        &self,
        draft_id: &str,
        content: RecordBuffer,
        files: AttachmentChange<'_>,
    ) -> Result<Saved, VaultError> {
        seal::check_id(draft_id)?;
        let files = self.seal_change(draft_id, files).await?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        self.apply_change_in(&mut tx, draft_id, files).await?;
        let saved = self.write_record_in(&mut tx, draft_id, content).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// [`write`](Self::write) of `plaintext` with no change to the files, answering the new
    /// version (for tests and the benchmark; the app writes through a [`RecordBuffer`]).
    pub async fn save_draft(&self, draft_id: &str, plaintext: &[u8]) -> Result<i64, VaultError> {
        let content = RecordBuffer::with_plaintext(&self.rng, plaintext)?;
        Ok(self.write(draft_id, content, AttachmentChange::None).await?.version)
    }

    /// Seals `content` as the next version of `draft_id` inside `tx` (which must have been
    /// begun `IMMEDIATE`, so the version read cannot be taken by another writer).
    async fn write_record_in(
        &self,
        tx: &mut Transaction<'static, Sqlite>,
        draft_id: &str,
        content: RecordBuffer,
    ) -> Result<Saved, VaultError> {
        let current: Option<i64> = sqlx::query_scalar("SELECT version FROM drafts WHERE user_id = ? AND draft_id = ?")
            .bind(&self.user)
            .bind(draft_id)
            .fetch_optional(&mut **tx)
            .await?;
        let version = current.unwrap_or(0).checked_add(1).ok_or(VaultError::Crypto)?;
        let record = content.seal(&self.key, &seal::additional_data(&self.user, draft_id, version))?;
        let updated_at_ms = now_ms();
        sqlx::query(
            "INSERT INTO drafts (user_id, draft_id, version, record, updated_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (user_id, draft_id) DO UPDATE
             SET version = excluded.version, record = excluded.record, updated_at = excluded.updated_at",
        )
        .bind(&self.user)
        .bind(draft_id)
        .bind(version)
        .bind(&record)
        .bind(updated_at_ms)
        .execute(&mut **tx)
        .await?;
        Ok(Saved { version, updated_at_ms })
    }

    /// The latest saved content of `draft_id`, in a buffer wiped on drop. A record that does
    /// not open is quarantined and reported as [`VaultError::Damaged`].
    pub async fn load_draft(&self, draft_id: &str) -> Result<Zeroizing<Vec<u8>>, VaultError> {
        seal::check_id(draft_id)?;
        let row = sqlx::query("SELECT version, record FROM drafts WHERE user_id = ? AND draft_id = ?")
            .bind(&self.user)
            .bind(draft_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(VaultError::NotFound)?;
        let version: i64 = row.try_get("version")?;
        let record: Vec<u8> = row.try_get("record")?;
        match seal::open(&self.key, &self.user, draft_id, version, &record) {
            Ok(plaintext) => Ok(plaintext),
            Err(seal::OpenFailed) => {
                self.quarantine(draft_id, version, &record).await?;
                Err(VaultError::Damaged {
                    draft_id: draft_id.to_owned(),
                })
            }
        }
    }

    /// This user's drafts, most recently saved first. Each record is opened (and the
    /// plaintext wiped at once) so a damaged draft is found and set aside here, not when the
    /// patient picks it.
    pub async fn list_drafts(&self) -> Result<Vec<DraftEntry>, VaultError> {
        Ok(self
            .list_drafts_with_content()
            .await?
            .into_iter()
            .map(|opened| opened.entry)
            .collect())
    }

    /// [`list_drafts`](Self::list_drafts) with the content of each draft that opened, for a
    /// list that shows more than ids (the app shows each draft's subject).
    pub async fn list_drafts_with_content(&self) -> Result<Vec<OpenedDraft>, VaultError> {
        let rows = sqlx::query(
            "SELECT draft_id, version, record, updated_at FROM drafts WHERE user_id = ?
             ORDER BY updated_at DESC, draft_id",
        )
        .bind(&self.user)
        .fetch_all(&self.pool)
        .await?;
        let mut entries = Vec::with_capacity(rows.len());
        for row in rows {
            let draft_id: String = row.try_get("draft_id")?;
            let version: i64 = row.try_get("version")?;
            let record: Vec<u8> = row.try_get("record")?;
            // An id that could not have been saved (e.g. a row written by hand) cannot open.
            let plaintext = seal::check_id(&draft_id)
                .ok()
                .and_then(|()| seal::open(&self.key, &self.user, &draft_id, version, &record).ok());
            let status = if plaintext.is_some() {
                DraftStatus::Ok
            } else {
                self.quarantine(&draft_id, version, &record).await?;
                DraftStatus::Damaged
            };
            entries.push(OpenedDraft {
                entry: DraftEntry {
                    draft_id,
                    version,
                    updated_at_ms: row.try_get("updated_at")?,
                    status,
                },
                plaintext,
            });
        }
        Ok(entries)
    }

    /// Removes `draft_id` and its attachments, in one transaction (after it was sent, or
    /// discarded). Returns whether there was a draft.
    pub async fn delete_draft(&self, draft_id: &str) -> Result<bool, VaultError> {
        seal::check_id(draft_id)?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        self.delete_attachments_in(&mut tx, draft_id).await?;
        let deleted = sqlx::query("DELETE FROM drafts WHERE user_id = ? AND draft_id = ?")
            .bind(&self.user)
            .bind(draft_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(deleted.rows_affected() > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::testing::{fixture, FAST};

    #[tokio::test]
    async fn round_trip_and_versions() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        assert_eq!(alice.save_draft("d1", b"first").await.unwrap(), 1);
        assert_eq!(alice.save_draft("d1", b"second").await.unwrap(), 2);
        assert_eq!(alice.save_draft("d2", b"other").await.unwrap(), 1);
        assert_eq!(&alice.load_draft("d1").await.unwrap()[..], b"second");
        assert_eq!(&alice.load_draft("d2").await.unwrap()[..], b"other");
        let list = alice.list_drafts().await.unwrap();
        assert_eq!(list.len(), 2);
        assert!(list.iter().all(|e| e.status == DraftStatus::Ok));
        assert!(list.iter().any(|e| e.draft_id == "d1" && e.version == 2));
        assert!(matches!(alice.load_draft("nope").await, Err(VaultError::NotFound)));
    }

    #[tokio::test]
    async fn delete_removes_the_draft() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        alice.save_draft("d1", b"sent soon").await.unwrap();
        alice.save_draft("d2", b"kept").await.unwrap();
        assert!(alice.delete_draft("d1").await.unwrap());
        assert!(!alice.delete_draft("d1").await.unwrap());
        assert!(matches!(alice.load_draft("d1").await, Err(VaultError::NotFound)));
        assert_eq!(alice.list_drafts().await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn concurrent_saves_get_distinct_versions() {
        let f = fixture().await;
        let alice = std::sync::Arc::new(f.vault.create_user("alice", b"pass", FAST).await.unwrap());
        let mut tasks = Vec::new();
        for i in 0..16 {
            let alice = alice.clone();
            tasks.push(tokio::spawn(async move {
                alice.save_draft("d1", format!("v{i}").as_bytes()).await
            }));
        }
        let mut versions = Vec::new();
        for task in tasks {
            versions.push(task.await.unwrap().unwrap());
        }
        versions.sort_unstable();
        assert_eq!(versions, (1..=16).collect::<Vec<_>>());
        assert!(alice.load_draft("d1").await.is_ok());
    }

    #[tokio::test]
    async fn invalid_ids_are_refused_before_touching_the_file() {
        let f = fixture().await;
        assert!(matches!(
            f.vault.create_user("a/b", b"p", FAST).await,
            Err(VaultError::InvalidId)
        ));
        let alice = f.vault.create_user("alice", b"p", FAST).await.unwrap();
        assert!(matches!(
            alice.save_draft("x/y", b"t").await,
            Err(VaultError::InvalidId)
        ));
        assert!(matches!(alice.save_draft("", b"t").await, Err(VaultError::InvalidId)));
    }
}
