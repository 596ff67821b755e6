//! The vault file: one SQLite database (path chosen by the caller; the app uses its data
//! folder) with these tables:
//!
//! - `vault_keys`: one [`KeyHeader`] per app user (the wrapped data key and its parameters);
//! - `drafts`: the latest sealed record of each draft, with its version;
//! - `draft_attachments`: each attached file as its own sealed record, written once (see
//!   `attachments.rs`), so an autosave of the text never re-seals megabytes of photos;
//! - `quarantine` and `quarantined_attachments`: records that failed to open, set aside so
//!   they are never shown and never block the rest of the vault, but not destroyed (they may
//!   be evidence of tampering).
//!
//! Only sealed records and key headers are written: plaintext never reaches SQLite, so it
//! cannot end up in the file, the WAL or free pages. The file runs in WAL mode with
//! `synchronous=FULL` so a save that returned survives a crash or a power cut.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ring::aead::NONCE_LEN;
use ring::rand::SystemRandom;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, Sqlite, Transaction};
use zeroize::Zeroizing;

use super::error::VaultError;
use super::keys::{self, DataKey, KdfParams, KeyHeader, SALT_LEN};
use super::seal::{self, RecordBuffer};

/// Tables, created on open if missing. `record` is the sealed draft (see [`seal`]).
const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS vault_keys (
        user_id     TEXT PRIMARY KEY NOT NULL,
        algorithm   TEXT NOT NULL,
        m_cost_kib  INTEGER NOT NULL,
        t_cost      INTEGER NOT NULL,
        p_cost      INTEGER NOT NULL,
        salt        BLOB NOT NULL,
        nonce       BLOB NOT NULL,
        wrapped_key BLOB NOT NULL,
        updated_at  INTEGER NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS drafts (
        user_id    TEXT NOT NULL,
        draft_id   TEXT NOT NULL,
        version    INTEGER NOT NULL,
        record     BLOB NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, draft_id)
    )",
    "CREATE TABLE IF NOT EXISTS quarantine (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id        TEXT NOT NULL,
        draft_id       TEXT NOT NULL,
        version        INTEGER NOT NULL,
        record         BLOB NOT NULL,
        updated_at     INTEGER NOT NULL,
        quarantined_at INTEGER NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS draft_attachments (
        user_id       TEXT NOT NULL,
        draft_id      TEXT NOT NULL,
        attachment_id TEXT NOT NULL,
        record        BLOB NOT NULL,
        created_at    INTEGER NOT NULL,
        PRIMARY KEY (user_id, draft_id, attachment_id)
    )",
    "CREATE TABLE IF NOT EXISTS quarantined_attachments (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id        TEXT NOT NULL,
        draft_id       TEXT NOT NULL,
        attachment_id  TEXT NOT NULL,
        record         BLOB NOT NULL,
        created_at     INTEGER NOT NULL,
        quarantined_at INTEGER NOT NULL
    )",
];

/// How long a write waits for another connection (or another process) holding the lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub(super) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Runs Argon2 (tens to hundreds of milliseconds at production cost) off the async threads.
pub(super) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, VaultError> + Send + 'static,
) -> Result<T, VaultError> {
    tokio::task::spawn_blocking(f).await.map_err(|_| VaultError::Crypto)?
}

/// The vault file, opened but with no user's key in memory.
#[derive(Debug, Clone)]
pub struct DraftVault {
    pub(super) pool: SqlitePool,
}

impl DraftVault {
    /// Opens (creating if missing, with its folder) the vault file at `path`.
    pub async fn open(path: &Path) -> Result<Self, VaultError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| VaultError::Storage(sqlx::Error::Io(e)))?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        for statement in SCHEMA {
            sqlx::query(statement).execute(&pool).await?;
        }
        Ok(Self { pool })
    }

    /// Closes the file (waits for connections to finish; the WAL is checkpointed).
    pub async fn close(self) {
        self.pool.close().await;
    }

    /// SQLite's own consistency check of the whole file (`PRAGMA integrity_check`): true when
    /// it answers "ok". For diagnostics and the crash tests; it reads every page.
    pub async fn check_integrity(&self) -> Result<bool, VaultError> {
        let answer: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?;
        Ok(answer == ["ok"])
    }

    /// True when `user` has a vault on this computer.
    pub async fn has_user(&self, user: &str) -> Result<bool, VaultError> {
        seal::check_id(user)?;
        Ok(self.header(user).await?.is_some())
    }

    /// Creates `user`'s vault: a new random data key wrapped under `passphrase` with `params`
    /// (the app passes [`KdfParams::PRODUCTION`]). Returns it unlocked.
    pub async fn create_user(
        &self,
        user: &str,
        passphrase: &[u8],
        params: KdfParams,
    ) -> Result<UnlockedVault, VaultError> {
        seal::check_id(user)?;
        if self.header(user).await?.is_some() {
            return Err(VaultError::AlreadyExists);
        }
        let rng = SystemRandom::new();
        let data_key = DataKey::generate(&rng)?;
        let (user_owned, pass) = (user.to_owned(), Zeroizing::new(passphrase.to_vec()));
        let (data_key, header) = blocking(move || {
            let header = keys::wrap(&SystemRandom::new(), &user_owned, &data_key, &pass, params)?;
            Ok((data_key, header))
        })
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO vault_keys (user_id, algorithm, m_cost_kib, t_cost, p_cost, salt, nonce, wrapped_key, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user)
        .bind(&header.algorithm)
        .bind(i64::from(header.params.m_cost_kib))
        .bind(i64::from(header.params.t_cost))
        .bind(i64::from(header.params.p_cost))
        .bind(&header.salt[..])
        .bind(&header.nonce[..])
        .bind(&header.wrapped_key)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 0 {
            // Another caller created it between the check and the insert: theirs stands.
            return Err(VaultError::AlreadyExists);
        }
        Ok(UnlockedVault {
            pool: self.pool.clone(),
            user: user.to_owned(),
            key: Arc::new(data_key),
            rng,
        })
    }

    /// Unlocks `user`'s vault with `passphrase` (at sign-in). The pass-phrase is not kept.
    pub async fn unlock(&self, user: &str, passphrase: &[u8]) -> Result<UnlockedVault, VaultError> {
        seal::check_id(user)?;
        let header = self.header(user).await?.ok_or(VaultError::NoVault)?;
        let (user_owned, pass) = (user.to_owned(), Zeroizing::new(passphrase.to_vec()));
        let key = blocking(move || keys::unwrap(&header, &user_owned, &pass)).await?;
        Ok(UnlockedVault {
            pool: self.pool.clone(),
            user: user.to_owned(),
            key: Arc::new(key),
            rng: SystemRandom::new(),
        })
    }

    /// Password change: re-wraps `user`'s data key under `new_passphrase`, keeping the stored
    /// parameters. Drafts are not touched, and an [`UnlockedVault`] already open stays valid.
    pub async fn rewrap(&self, user: &str, old_passphrase: &[u8], new_passphrase: &[u8]) -> Result<(), VaultError> {
        seal::check_id(user)?;
        let params = self.header(user).await?.ok_or(VaultError::NoVault)?.params;
        self.rewrap_with_params(user, old_passphrase, new_passphrase, params)
            .await
    }

    /// [`rewrap`](Self::rewrap) with new Argon2 parameters (how they are raised later).
    pub async fn rewrap_with_params(
        &self,
        user: &str,
        old_passphrase: &[u8],
        new_passphrase: &[u8],
        params: KdfParams,
    ) -> Result<(), VaultError> {
        seal::check_id(user)?;
        let old = self.header(user).await?.ok_or(VaultError::NoVault)?;
        let old_salt = old.salt;
        let user_owned = user.to_owned();
        let (old_pass, new_pass) = (
            Zeroizing::new(old_passphrase.to_vec()),
            Zeroizing::new(new_passphrase.to_vec()),
        );
        let new = blocking(move || keys::rewrap(&SystemRandom::new(), &old, &user_owned, &old_pass, &new_pass, params))
            .await?;
        let updated = sqlx::query(
            "UPDATE vault_keys SET algorithm = ?, m_cost_kib = ?, t_cost = ?, p_cost = ?, salt = ?, nonce = ?,
             wrapped_key = ?, updated_at = ? WHERE user_id = ? AND salt = ?",
        )
        .bind(&new.algorithm)
        .bind(i64::from(new.params.m_cost_kib))
        .bind(i64::from(new.params.t_cost))
        .bind(i64::from(new.params.p_cost))
        .bind(&new.salt[..])
        .bind(&new.nonce[..])
        .bind(&new.wrapped_key)
        .bind(now_ms())
        .bind(user)
        .bind(&old_salt[..])
        .execute(&self.pool)
        .await?;
        if updated.rows_affected() == 0 {
            // The header changed while we worked (another password change won): the old
            // pass-phrase no longer applies.
            return Err(VaultError::WrongPassphrase);
        }
        Ok(())
    }

    /// `user`'s key header, if any. A row whose values cannot be a header is reported as
    /// damaged rather than half-read.
    async fn header(&self, user: &str) -> Result<Option<KeyHeader>, VaultError> {
        let Some(row) = sqlx::query(
            "SELECT algorithm, m_cost_kib, t_cost, p_cost, salt, nonce, wrapped_key FROM vault_keys WHERE user_id = ?",
        )
        .bind(user)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let cost = |name: &str| -> Result<u32, VaultError> {
            let value: i64 = row.try_get(name)?;
            u32::try_from(value).map_err(|_| VaultError::HeaderDamaged)
        };
        let salt: Vec<u8> = row.try_get("salt")?;
        let nonce: Vec<u8> = row.try_get("nonce")?;
        Ok(Some(KeyHeader {
            algorithm: row.try_get("algorithm")?,
            params: KdfParams {
                m_cost_kib: cost("m_cost_kib")?,
                t_cost: cost("t_cost")?,
                p_cost: cost("p_cost")?,
            },
            salt: <[u8; SALT_LEN]>::try_from(salt).map_err(|_| VaultError::HeaderDamaged)?,
            nonce: <[u8; NONCE_LEN]>::try_from(nonce).map_err(|_| VaultError::HeaderDamaged)?,
            wrapped_key: row.try_get("wrapped_key")?,
        }))
    }
}

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

/// What a save wrote: the new version and its time (Unix milliseconds, as listed later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Saved {
    pub version: i64,
    pub updated_at_ms: i64,
}

/// One user's vault with the data key in memory: held from sign-in until sign-out or idle
/// lock. Dropping it (or [`lock`](Self::lock)) wipes the key; every query is scoped to the
/// user it was unlocked for.
pub struct UnlockedVault {
    pub(super) pool: SqlitePool,
    pub(super) user: String,
    /// Shared only with work moved to the blocking pool (sealing a large attachment); the
    /// key is wiped when the last holder drops it.
    pub(super) key: Arc<DataKey>,
    pub(super) rng: SystemRandom,
}

impl std::fmt::Debug for UnlockedVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnlockedVault")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl UnlockedVault {
    /// The user this vault was unlocked for.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// Sign-out or idle lock: the data key is wiped (its buffer zeroizes on drop).
    pub fn lock(self) {
        drop(self);
    }

    /// Saves `plaintext` as the next version of `draft_id` and returns that version. One
    /// `BEGIN IMMEDIATE` transaction (read version, write record) so two saves cannot take
    /// the same version; when it returns the record is on disk (`synchronous=FULL`).
    pub async fn save_draft(&self, draft_id: &str, plaintext: &[u8]) -> Result<i64, VaultError> {
        Ok(self.save(draft_id, plaintext).await?.version)
    }

    /// [`save_draft`](Self::save_draft), also answering the time stored with the version.
    pub async fn save(&self, draft_id: &str, plaintext: &[u8]) -> Result<Saved, VaultError> {
        self.save_record(draft_id, RecordBuffer::with_plaintext(&self.rng, plaintext)?)
            .await
    }

    /// An empty record to write a draft's content into (see [`RecordBuffer`]).
    pub fn record_buffer(&self, capacity: usize) -> Result<RecordBuffer, VaultError> {
        RecordBuffer::new(&self.rng, capacity)
    }

    /// [`save`](Self::save) for content written straight into a [`RecordBuffer`]: it is
    /// encrypted where it is, with no copy (what every autosave does).
    pub async fn save_record(&self, draft_id: &str, content: RecordBuffer) -> Result<Saved, VaultError> {
        seal::check_id(draft_id)?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let saved = self.write_draft(&mut tx, draft_id, content).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Writes `content` as the next version of `draft_id` inside `tx` (which must have been
    /// begun `IMMEDIATE`, so the version read cannot be taken by another writer).
    pub(super) async fn write_draft(
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
        sqlx::query("DELETE FROM draft_attachments WHERE user_id = ? AND draft_id = ?")
            .bind(&self.user)
            .bind(draft_id)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM drafts WHERE user_id = ? AND draft_id = ?")
            .bind(&self.user)
            .bind(draft_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(deleted.rows_affected() > 0)
    }

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
    async fn quarantine(&self, draft_id: &str, version: i64, record: &[u8]) -> Result<(), VaultError> {
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
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::vault::keys::tests::FAST;

    struct Fixture {
        _dir: tempfile::TempDir,
        path: PathBuf,
        vault: DraftVault,
    }

    async fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data").join("drafts.sqlite");
        let vault = DraftVault::open(&path).await.unwrap();
        Fixture { _dir: dir, path, vault }
    }

    async fn record_of(vault: &DraftVault, user: &str, draft: &str) -> Vec<u8> {
        sqlx::query_scalar("SELECT record FROM drafts WHERE user_id = ? AND draft_id = ?")
            .bind(user)
            .bind(draft)
            .fetch_one(&vault.pool)
            .await
            .unwrap()
    }

    async fn set_record(vault: &DraftVault, user: &str, draft: &str, record: &[u8]) {
        sqlx::query("UPDATE drafts SET record = ? WHERE user_id = ? AND draft_id = ?")
            .bind(record)
            .bind(user)
            .bind(draft)
            .execute(&vault.pool)
            .await
            .unwrap();
    }

    fn is_damaged(result: Result<Zeroizing<Vec<u8>>, VaultError>, draft: &str) -> bool {
        matches!(result, Err(VaultError::Damaged { draft_id }) if draft_id == draft)
    }

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
    async fn unlock_with_the_right_passphrase_reads_drafts() {
        let f = fixture().await;
        f.vault
            .create_user("alice", b"pass", FAST)
            .await
            .unwrap()
            .save_draft("d1", b"text")
            .await
            .unwrap();
        assert!(f.vault.has_user("alice").await.unwrap());
        assert!(!f.vault.has_user("bob").await.unwrap());
        let alice = f.vault.unlock("alice", b"pass").await.unwrap();
        assert_eq!(alice.user(), "alice");
        assert_eq!(&alice.load_draft("d1").await.unwrap()[..], b"text");
        alice.lock();
    }

    #[tokio::test]
    async fn wrong_passphrase_is_refused() {
        let f = fixture().await;
        f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        assert!(matches!(
            f.vault.unlock("alice", b"Pass").await,
            Err(VaultError::WrongPassphrase)
        ));
        assert!(matches!(f.vault.unlock("bob", b"pass").await, Err(VaultError::NoVault)));
        assert!(matches!(
            f.vault.create_user("alice", b"x", FAST).await,
            Err(VaultError::AlreadyExists)
        ));
    }

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
        assert!(is_damaged(alice.load_draft("d1").await, "d1"));
        assert_eq!(alice.quarantined_count().await.unwrap(), 1);
        assert_eq!(&bob.load_draft("d1").await.unwrap()[..], b"bob's secret");
    }

    #[tokio::test]
    async fn record_moved_to_another_draft_or_version_is_damaged() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        alice.save_draft("d1", b"one").await.unwrap();
        alice.save_draft("d2", b"two").await.unwrap();
        let d1 = record_of(&f.vault, "alice", "d1").await;
        set_record(&f.vault, "alice", "d2", &d1).await;
        assert!(is_damaged(alice.load_draft("d2").await, "d2"));
        sqlx::query("UPDATE drafts SET version = version + 1 WHERE user_id = 'alice' AND draft_id = 'd1'")
            .execute(&f.vault.pool)
            .await
            .unwrap();
        assert!(is_damaged(alice.load_draft("d1").await, "d1"));
        assert_eq!(alice.quarantined_count().await.unwrap(), 2);
    }

    #[tokio::test]
    async fn flipped_bits_anywhere_are_damaged() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        alice.save_draft("d1", b"a draft").await.unwrap();
        let good = record_of(&f.vault, "alice", "d1").await;
        for byte in 0..good.len() {
            let mut bad = good.clone();
            bad[byte] ^= 0x01 << (byte % 8);
            set_record(&f.vault, "alice", "d1", &bad).await;
            assert!(is_damaged(alice.load_draft("d1").await, "d1"), "byte {byte}");
            // Put a good record back for the next byte (the damaged one was quarantined).
            alice.save_draft("d1", b"a draft").await.unwrap();
            let again = record_of(&f.vault, "alice", "d1").await;
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
            let good = record_of(&f.vault, "alice", "d1").await;
            set_record(&f.vault, "alice", "d1", &good[..len]).await;
            assert!(is_damaged(alice.load_draft("d1").await, "d1"), "len {len}");
        }
    }

    #[tokio::test]
    async fn damaged_record_is_quarantined_and_the_rest_keeps_working() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        for (id, text) in [("d1", "one"), ("d2", "two"), ("d3", "three")] {
            alice.save_draft(id, text.as_bytes()).await.unwrap();
        }
        set_record(&f.vault, "alice", "d2", b"garbage").await;
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
    async fn rewrap_keeps_every_draft_readable_with_the_new_passphrase_only() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"old", FAST).await.unwrap();
        for i in 0..10 {
            alice
                .save_draft(&format!("d{i}"), format!("draft {i}").as_bytes())
                .await
                .unwrap();
        }
        let before: Vec<Vec<u8>> = sqlx::query_scalar("SELECT record FROM drafts ORDER BY draft_id")
            .fetch_all(&f.vault.pool)
            .await
            .unwrap();
        assert!(matches!(
            f.vault.rewrap("alice", b"wrong", b"new").await,
            Err(VaultError::WrongPassphrase)
        ));
        f.vault.rewrap("alice", b"old", b"new").await.unwrap();
        let after: Vec<Vec<u8>> = sqlx::query_scalar("SELECT record FROM drafts ORDER BY draft_id")
            .fetch_all(&f.vault.pool)
            .await
            .unwrap();
        assert_eq!(before, after, "drafts must not be re-sealed");
        assert!(matches!(
            f.vault.unlock("alice", b"old").await,
            Err(VaultError::WrongPassphrase)
        ));
        let again = f.vault.unlock("alice", b"new").await.unwrap();
        for i in 0..10 {
            assert_eq!(
                &again.load_draft(&format!("d{i}")).await.unwrap()[..],
                format!("draft {i}").as_bytes()
            );
        }
        // The vault unlocked before the change still works (same data key).
        assert_eq!(&alice.load_draft("d0").await.unwrap()[..], b"draft 0");
        // Raising the parameters later keeps the drafts too.
        let raised = KdfParams {
            m_cost_kib: 2048,
            t_cost: 2,
            p_cost: 1,
        };
        f.vault
            .rewrap_with_params("alice", b"new", b"newer", raised)
            .await
            .unwrap();
        assert_eq!(f.vault.header("alice").await.unwrap().unwrap().params, raised);
        let third = f.vault.unlock("alice", b"newer").await.unwrap();
        assert_eq!(&third.load_draft("d9").await.unwrap()[..], b"draft 9");
    }

    #[tokio::test]
    async fn file_is_wal_with_synchronous_full() {
        let f = fixture().await;
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&f.vault.pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&f.vault.pool)
            .await
            .unwrap();
        assert_eq!(sync, 2);
    }

    #[tokio::test]
    async fn plaintext_never_reaches_the_file() {
        const MARKER: &str = "PLAINTEXT-MARKER-7c1e-chest-pain";
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"PASSPHRASE-MARKER", FAST).await.unwrap();
        for i in 0..20 {
            alice
                .save_draft("d1", format!("{MARKER} {i}").as_bytes())
                .await
                .unwrap();
        }
        alice.save_draft("d2", MARKER.as_bytes()).await.unwrap();
        // Look while the WAL is live and after the checkpoint on close. SQLite removes the
        // `-wal` and `-shm` files as the last connection closes, which can happen while we
        // list the folder: a file gone by the time we read it holds nothing to find.
        let scan = |stage: &str| {
            let dir = f.path.parent().unwrap();
            let main_file = std::fs::read(&f.path).unwrap();
            assert!(!main_file.is_empty());
            for entry in std::fs::read_dir(dir).unwrap() {
                let bytes = match std::fs::read(entry.unwrap().path()) {
                    Ok(bytes) => bytes,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => panic!("{stage}: {e}"),
                };
                for needle in [MARKER.as_bytes(), b"PASSPHRASE-MARKER", b"PLAINTEXT-MARKER"] {
                    assert!(
                        !bytes.windows(needle.len()).any(|w| w == needle),
                        "{stage}: found in a vault file"
                    );
                }
            }
        };
        scan("open");
        drop(alice);
        f.vault.clone().close().await;
        scan("closed");
    }

    #[tokio::test]
    async fn drafts_survive_reopening_the_file() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        alice.save_draft("d1", b"kept across restarts").await.unwrap();
        alice.save_draft("d1", b"latest").await.unwrap();
        alice.lock();
        f.vault.clone().close().await;
        let reopened = DraftVault::open(&f.path).await.unwrap();
        let alice = reopened.unlock("alice", b"pass").await.unwrap();
        assert_eq!(&alice.load_draft("d1").await.unwrap()[..], b"latest");
        assert_eq!(alice.list_drafts().await.unwrap()[0].version, 2);
        let next = alice.save_draft("d1", b"after").await.unwrap();
        assert_eq!(next, 3);
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

    #[tokio::test]
    async fn errors_and_debug_carry_no_secrets() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"SECRET-PASS", FAST).await.unwrap();
        alice.save_draft("d1", b"SECRET-TEXT").await.unwrap();
        let shown = format!("{alice:?}");
        assert!(!shown.contains("SECRET") && !shown.contains("key:"), "{shown}");
        set_record(&f.vault, "alice", "d1", b"x").await;
        let error = alice.load_draft("d1").await.unwrap_err();
        for text in [format!("{error}"), format!("{error:?}")] {
            assert!(!text.contains("SECRET"), "{text}");
        }
        let error = f.vault.unlock("alice", b"SECRET-WRONG").await.unwrap_err();
        assert!(!format!("{error} {error:?}").contains("SECRET"));
    }
}
