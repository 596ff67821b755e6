//! What the vault's tests share: cheap Argon2 parameters, a vault in a temporary folder,
//! direct access to stored records (to damage them), and a vault file written exactly as the
//! app did before the schema was versioned.

use std::path::{Path, PathBuf};

use ring::rand::SystemRandom;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};
use zeroize::Zeroizing;

use super::attachments::AttachmentChange;
use super::cipher::DataKey;
use super::drafts::Saved;
use super::error::VaultError;
use super::file::{now_ms, DraftVault};
use super::keys::{self, KdfParams};
use super::seal::{self, RecordBuffer};
use super::unlocked::UnlockedVault;

/// Small parameters so tests run in milliseconds.
pub const FAST: KdfParams = KdfParams {
    m_cost_kib: 1024,
    t_cost: 1,
    p_cost: 1,
};

pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub path: PathBuf,
    pub vault: DraftVault,
}

/// A new vault file in a folder that does not exist yet.
pub async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data").join("drafts.sqlite");
    let vault = DraftVault::open(&path).await.unwrap();
    Fixture { _dir: dir, path, vault }
}

pub async fn draft_record(vault: &DraftVault, user: &str, draft: &str) -> Vec<u8> {
    sqlx::query_scalar("SELECT record FROM drafts WHERE user_id = ? AND draft_id = ?")
        .bind(user)
        .bind(draft)
        .fetch_one(&vault.pool)
        .await
        .unwrap()
}

pub async fn set_draft_record(vault: &DraftVault, user: &str, draft: &str, record: &[u8]) {
    sqlx::query("UPDATE drafts SET record = ? WHERE user_id = ? AND draft_id = ?")
        .bind(record)
        .bind(user)
        .bind(draft)
        .execute(&vault.pool)
        .await
        .unwrap();
}

pub async fn attachment_record(vault: &DraftVault, user: &str, draft: &str, attachment: &str) -> Vec<u8> {
    sqlx::query_scalar("SELECT record FROM draft_attachments WHERE user_id = ? AND draft_id = ? AND attachment_id = ?")
        .bind(user)
        .bind(draft)
        .bind(attachment)
        .fetch_one(&vault.pool)
        .await
        .unwrap()
}

pub async fn set_attachment_record(vault: &DraftVault, user: &str, draft: &str, attachment: &str, record: &[u8]) {
    sqlx::query("UPDATE draft_attachments SET record = ? WHERE user_id = ? AND draft_id = ? AND attachment_id = ?")
        .bind(record)
        .bind(user)
        .bind(draft)
        .bind(attachment)
        .execute(&vault.pool)
        .await
        .unwrap();
}

pub fn is_damaged_draft(result: Result<Zeroizing<Vec<u8>>, VaultError>, draft: &str) -> bool {
    matches!(result, Err(VaultError::Damaged { draft_id }) if draft_id == draft)
}

pub fn is_damaged_attachment(result: Result<Zeroizing<Vec<u8>>, VaultError>, draft: &str, attachment: &str) -> bool {
    matches!(result, Err(VaultError::AttachmentDamaged { draft_id, attachment_id })
        if draft_id == draft && attachment_id == attachment)
}

/// A draft's content, as the drafts logic writes it.
pub fn content(vault: &UnlockedVault, text: &[u8]) -> RecordBuffer {
    let mut record = vault.record_buffer(text.len()).unwrap();
    record.extend_from_slice(text);
    record
}

/// Attaches `bytes` as `attachment` and saves `text` as the draft's content, in one write.
pub async fn attach(
    vault: &UnlockedVault,
    draft: &str,
    attachment: &str,
    bytes: &[u8],
    text: &[u8],
) -> Result<Saved, VaultError> {
    let change = AttachmentChange::Attach {
        attachment_id: attachment,
        bytes,
    };
    vault.write(draft, content(vault, text), change).await
}

/// Removes `attachment` and saves `text` as the draft's content, in one write.
pub async fn detach(vault: &UnlockedVault, draft: &str, attachment: &str, text: &[u8]) -> Result<Saved, VaultError> {
    let change = AttachmentChange::Detach {
        attachment_id: attachment,
    };
    vault.write(draft, content(vault, text), change).await
}

/// A photo-sized byte pattern that differs per seed.
pub fn photo(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// The tables as the app created them, word for word, before the schema was versioned (the
/// inline `SCHEMA` of `vault/store.rs`, main at 90cec3d): run one by one on every
/// open, `PRAGMA user_version` left at 0.
pub const SCHEMA_BEFORE_VERSIONS: &[&str] = &[
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

/// One draft of a vault written as before versions: its id, content, version and files.
pub struct OldDraft<'a> {
    pub draft_id: &'a str,
    pub version: i64,
    pub content: &'a [u8],
    pub files: &'a [(&'a str, &'a [u8])],
}

/// Writes a vault file at `path` the way the app did before the schema was versioned: its
/// tables ([`SCHEMA_BEFORE_VERSIONS`], WAL, `synchronous=FULL`), `user`'s key header wrapped
/// under `passphrase`, the sealed `drafts` and their files in the record format, which has
/// not changed, and one record of each kind in the quarantine. The file is closed.
pub async fn write_vault_as_before_versions(path: &Path, user: &str, passphrase: &[u8], drafts: &[OldDraft<'_>]) {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .connect()
        .await
        .unwrap();
    for statement in SCHEMA_BEFORE_VERSIONS {
        sqlx::query(statement).execute(&mut conn).await.unwrap();
    }
    let rng = SystemRandom::new();
    let key = DataKey::generate(&rng).unwrap();
    let header = keys::wrap(&rng, user, &key, passphrase, FAST).unwrap();
    sqlx::query(
        "INSERT INTO vault_keys (user_id, algorithm, m_cost_kib, t_cost, p_cost, salt, nonce, wrapped_key, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    .execute(&mut conn)
    .await
    .unwrap();
    for draft in drafts {
        let record = seal::seal(&rng, &key, user, draft.draft_id, draft.version, draft.content).unwrap();
        sqlx::query("INSERT INTO drafts (user_id, draft_id, version, record, updated_at) VALUES (?, ?, ?, ?, ?)")
            .bind(user)
            .bind(draft.draft_id)
            .bind(draft.version)
            .bind(&record)
            .bind(now_ms())
            .execute(&mut conn)
            .await
            .unwrap();
        for (attachment_id, bytes) in draft.files {
            let record = seal::seal_attachment(&rng, &key, user, draft.draft_id, attachment_id, bytes).unwrap();
            sqlx::query(
                "INSERT INTO draft_attachments (user_id, draft_id, attachment_id, record, created_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(user)
            .bind(draft.draft_id)
            .bind(attachment_id)
            .bind(&record)
            .bind(now_ms())
            .execute(&mut conn)
            .await
            .unwrap();
        }
    }
    sqlx::query(
        "INSERT INTO quarantine (user_id, draft_id, version, record, updated_at, quarantined_at)
         VALUES (?, 'set-aside', 3, x'00', 1, 2)",
    )
    .bind(user)
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO quarantined_attachments (user_id, draft_id, attachment_id, record, created_at, quarantined_at)
         VALUES (?, 'set-aside', 'a9', x'00', 1, 2)",
    )
    .bind(user)
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
}

/// Each table's `CREATE` statement as SQLite keeps it, by name.
pub async fn table_definitions(vault: &DraftVault) -> Vec<(String, String)> {
    sqlx::query_as("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .fetch_all(&vault.pool)
        .await
        .unwrap()
}
