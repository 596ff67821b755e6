//! The vault file: one SQLite database (path chosen by the caller; the app uses its data
//! folder), opened in WAL mode with `synchronous=FULL` so a save that returned survives a
//! crash or a power cut, and brought to the current schema ([`super::migrations`]) as it is
//! opened. Only sealed records and key headers are written: plaintext never reaches SQLite,
//! so it cannot end up in the file, the WAL or free pages.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use super::error::VaultError;
use super::migrations;

/// How long a write waits for another connection (or another process) holding the lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub(super) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Runs CPU-heavy work (Argon2, sealing a large file) off the async threads.
pub(super) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, VaultError> + Send + 'static,
) -> Result<T, VaultError> {
    tokio::task::spawn_blocking(f).await.map_err(|_| VaultError::Crypto)?
}

/// The vault file, opened but with no user's key in memory (see `key_headers` for unlocking).
#[derive(Debug, Clone)]
pub struct DraftVault {
    pub(super) pool: SqlitePool,
}

impl DraftVault {
    /// Opens (creating if missing, with its folder) the vault file at `path`, and brings it to
    /// the current schema. A file made by a newer version of the app is refused
    /// ([`VaultError::UnknownSchema`]) and not changed.
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
        let migrated = match pool.acquire().await {
            Ok(mut conn) => migrations::migrate(&mut conn).await,
            Err(error) => Err(error.into()),
        };
        if let Err(error) = migrated {
            pool.close().await;
            return Err(error);
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

    /// The file's schema version (see [`super::migrations`]).
    pub async fn schema_version(&self) -> Result<i64, VaultError> {
        let mut conn = self.pool.acquire().await?;
        migrations::version(&mut conn).await
    }
}

#[cfg(test)]
mod tests {
    use sqlx::{Connection, SqliteConnection};

    use super::*;
    use crate::vault::migrations::{latest, MIGRATIONS};
    use crate::vault::testing::{
        attach, fixture, table_definitions, write_vault_as_before_versions, OldDraft, FAST, SCHEMA_BEFORE_VERSIONS,
    };
    use crate::vault::{DraftStatus, VaultError};

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
    async fn a_vault_from_before_versions_opens_with_its_drafts_files_and_quarantine() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drafts.db");
        let (photo_a, photo_b) = (
            crate::vault::testing::photo(1, 300_000),
            crate::vault::testing::photo(2, 64),
        );
        let old = [
            OldDraft {
                draft_id: "d1",
                version: 7,
                content: b"{\"subject\":\"with two files\"}",
                files: &[("a1", &photo_a[..]), ("a2", &photo_b[..])],
            },
            OldDraft {
                draft_id: "d2",
                version: 1,
                content: b"{\"subject\":\"text only\"}",
                files: &[],
            },
        ];
        write_vault_as_before_versions(&path, "alice", b"old pass", &old).await;

        let vault = DraftVault::open(&path).await.unwrap();
        assert_eq!(vault.schema_version().await.unwrap(), latest(MIGRATIONS));
        // The step that adopts the file left the tables as they were.
        let tables = table_definitions(&vault).await;
        let names: Vec<&str> = tables.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "draft_attachments",
                "drafts",
                "quarantine",
                "quarantined_attachments",
                "sqlite_sequence",
                "vault_keys"
            ]
        );
        for statement in SCHEMA_BEFORE_VERSIONS {
            let kept = statement.replace("CREATE TABLE IF NOT EXISTS ", "CREATE TABLE ");
            assert!(tables.iter().any(|(_, sql)| *sql == kept), "changed: {kept}");
        }

        let alice = vault.unlock("alice", b"old pass").await.unwrap();
        let list = alice.list_drafts().await.unwrap();
        assert_eq!(list.len(), 2);
        assert!(list.iter().all(|e| e.status == DraftStatus::Ok));
        assert_eq!(
            &alice.load_draft("d1").await.unwrap()[..],
            br#"{"subject":"with two files"}"#
        );
        assert_eq!(
            &alice.load_draft("d2").await.unwrap()[..],
            br#"{"subject":"text only"}"#
        );
        assert_eq!(alice.attachment_ids("d1").await.unwrap().len(), 2);
        assert_eq!(&alice.load_attachment("d1", "a1").await.unwrap()[..], &photo_a[..]);
        assert_eq!(&alice.load_attachment("d1", "a2").await.unwrap()[..], &photo_b[..]);
        assert_eq!(alice.quarantined_count().await.unwrap(), 1);
        assert_eq!(alice.quarantined_attachment_count().await.unwrap(), 1);
        // Versions go on from where the old app left them, and the file keeps working.
        assert_eq!(alice.save_draft("d1", b"{}").await.unwrap(), 8);
        attach(&alice, "d2", "a3", &photo_b, b"{}").await.unwrap();
        assert!(vault.check_integrity().await.unwrap());
        drop(alice);
        vault.close().await;
        let again = DraftVault::open(&path).await.unwrap();
        assert_eq!(again.schema_version().await.unwrap(), latest(MIGRATIONS));
        let alice = again.unlock("alice", b"old pass").await.unwrap();
        assert_eq!(&alice.load_attachment("d2", "a3").await.unwrap()[..], &photo_b[..]);
    }

    #[tokio::test]
    async fn a_vault_from_a_newer_app_is_refused_and_not_changed() {
        let f = fixture().await;
        let alice = f.vault.create_user("alice", b"pass", FAST).await.unwrap();
        alice.save_draft("d1", b"kept").await.unwrap();
        drop(alice);
        f.vault.clone().close().await;
        // What a newer app would leave: a higher version, everything in the main file.
        let newer = latest(MIGRATIONS) + 1;
        let mut raw = SqliteConnection::connect(&format!("sqlite://{}", f.path.display()))
            .await
            .unwrap();
        sqlx::raw_sql(&format!("PRAGMA user_version = {newer}"))
            .execute(&mut raw)
            .await
            .unwrap();
        sqlx::raw_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut raw)
            .await
            .unwrap();
        raw.close().await.unwrap();
        let before = std::fs::read(&f.path).unwrap();

        for _ in 0..2 {
            let error = DraftVault::open(&f.path).await.unwrap_err();
            assert!(
                matches!(error, VaultError::UnknownSchema { found, known } if found == newer && known == latest(MIGRATIONS)),
                "{error:?}"
            );
            assert!(error.to_string().contains("newer version of the app"), "{error}");
            assert_eq!(std::fs::read(&f.path).unwrap(), before, "the file was changed");
        }
        let mut raw = SqliteConnection::connect(&format!("sqlite://{}", f.path.display()))
            .await
            .unwrap();
        let version: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&mut raw)
            .await
            .unwrap();
        let drafts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM drafts")
            .fetch_one(&mut raw)
            .await
            .unwrap();
        assert_eq!((version, drafts), (newer, 1), "the newer app's data is there for it");
    }
}
