//! The database: which engine, opening it (its files private, SQLite in WAL mode with full
//! sync), a lock so one service serves a SQLite file, and how times are stored.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::private_files;

use super::error::{StoreError, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("unsupported database URL (use sqlite://… or postgres://…)")]
    UnsupportedUrl,
    #[error("cannot create the data folder {0}: {1}")]
    DataDir(String, std::io::Error),
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot apply migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot chain the audit rows written before this version: {0}")]
    AuditChain(#[source] StoreError),
    #[error("another portal service is already serving {0}: stop it first (one service per SQLite file)")]
    InUse(String),
    #[error("cannot lock {0}: {1}")]
    Lock(String, std::io::Error),
}

/// Held while a service serves a SQLite file; see [`lock_for_service`].
#[derive(Debug)]
pub struct ServiceLock {
    _file: std::fs::File,
}

/// Makes sure no other service serves the same SQLite file: the service's caches (sessions,
/// thread lists) are right only while every write of messaging passes through its one writer.
/// The lock is a file beside the database (`portal.db.service-lock`), released when the
/// returned value is dropped or the process ends, however it ends. PostgreSQL needs none
/// (`None`): several instances may share it, and they tell each other of their changes
/// (`list_changes`). The CLI's commands do not take it, so they still work beside a running
/// service.
pub fn lock_for_service(url: &str) -> Result<Option<ServiceLock>, OpenError> {
    let Some(db_file) = sqlite_file(url) else {
        return Ok(None);
    };
    if let Some(dir) = db_file.parent() {
        private_files::make_missing_dir(dir).map_err(|e| OpenError::DataDir(dir.display().to_string(), e))?;
    }
    let path = format!("{}.service-lock", db_file.display());
    let file = private_files::private_file_options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| OpenError::Lock(path.clone(), e))?;
    private_files::restrict(Path::new(&path), private_files::FILE_MODE)
        .map_err(|e| OpenError::Lock(path.clone(), e))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(ServiceLock { _file: file })),
        Err(std::fs::TryLockError::WouldBlock) => Err(OpenError::InUse(db_file.display().to_string())),
        Err(std::fs::TryLockError::Error(e)) => Err(OpenError::Lock(path, e)),
    }
}

#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub engine: Engine,
    /// Where it was opened (for connections outside the pool: `list_changes`).
    pub url: DatabaseUrl,
}

/// A database URL, which may carry a password: never printed.
#[derive(Clone)]
pub struct DatabaseUrl(std::sync::Arc<str>);

impl DatabaseUrl {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseUrl(..)")
    }
}

impl Db {
    /// Open the database at `url`. A SQLite file (and its folder) is created when missing and
    /// every connection runs in WAL mode with `synchronous=FULL`: an acknowledged write
    /// survives a crash and a power cut. Temporary data (never anything that must survive)
    /// stays in memory.
    pub async fn connect(url: &str) -> Result<Self, OpenError> {
        sqlx::any::install_default_drivers();
        let engine = if url.starts_with("sqlite:") {
            Engine::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Engine::Postgres
        } else {
            return Err(OpenError::UnsupportedUrl);
        };
        if let Some(file) = sqlite_file(url).filter(|_| engine == Engine::Sqlite) {
            private_sqlite_files(file, url.contains("mode=rwc"))?;
        }
        let options: AnyConnectOptions = url.parse().map_err(OpenError::Connect)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if engine == Engine::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        // Statement journals (a multi-row statement inside the writer's
                        // transaction keeps one, to undo just that statement) stay in memory
                        // instead of a temporary file: a write batch made one write() per
                        // changed page to it.
                        conn.execute("PRAGMA temp_store = MEMORY").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(OpenError::Connect)?;
        Ok(Self {
            pool,
            engine,
            url: DatabaseUrl(url.into()),
        })
    }

    /// A connection of the pool, for several reads in a row.
    pub async fn connection(&self) -> StoreResult<sqlx::pool::PoolConnection<sqlx::Any>> {
        Ok(self.pool.acquire().await?)
    }

    /// Answers when the database does: one trivial query.
    pub async fn ping(&self) -> StoreResult<()> {
        self.pool.execute("SELECT 1").await?;
        Ok(())
    }
}

fn sqlite_file(url: &str) -> Option<&Path> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| Path::new(path))
}

/// The database file and its journals are readable by the service's user only: a new file is
/// made 0600 before SQLite opens it (SQLite gives its `-wal` and `-shm` files the database's
/// mode), and existing ones are tightened.
fn private_sqlite_files(file: &Path, create: bool) -> Result<(), OpenError> {
    let data_dir = |dir: &Path, e| OpenError::DataDir(dir.display().to_string(), e);
    if let Some(dir) = file.parent() {
        private_files::make_missing_dir(dir).map_err(|e| data_dir(dir, e))?;
    }
    if create {
        match private_files::private_file_options()
            .write(true)
            .create_new(true)
            .open(file)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(data_dir(file, e)),
        }
    }
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let path = PathBuf::from(format!("{}{suffix}", file.display()));
        private_files::restrict(&path, private_files::FILE_MODE).map_err(|e| data_dir(&path, e))?;
    }
    Ok(())
}

/// A time as stored: Unix milliseconds.
pub fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// A stored time back as a `DateTime`.
pub fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_file_is_found_in_the_url() {
        assert_eq!(
            sqlite_file("sqlite:///tmp/x/portal.db?mode=rwc"),
            Some(Path::new("/tmp/x/portal.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x"), None);
    }

    #[test]
    fn one_service_at_a_time_serves_a_sqlite_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        // In a data folder that does not exist yet, as on a first start.
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("new/portal.db").display());
        let first = lock_for_service(&url).expect("lock").expect("SQLite takes a lock");
        let second = lock_for_service(&url).expect_err("a second service is refused");
        assert!(second.to_string().contains("another portal service"), "{second}");
        drop(first);
        assert!(lock_for_service(&url).expect("free again").is_some());
        assert!(lock_for_service("postgres://x/y").expect("no lock").is_none());
    }

    #[tokio::test]
    async fn sqlite_runs_in_wal_mode_with_full_sync() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let mut conn = db.pool.acquire().await.expect("acquire");
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await
            .expect("mode");
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await
            .expect("sync");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *conn)
            .await
            .expect("fk");
        assert_eq!(mode, "wal");
        assert_eq!(sync, 2, "synchronous must be FULL (2)");
        assert_eq!(fk, 1);
        let temp_store: i64 = sqlx::query_scalar("PRAGMA temp_store")
            .fetch_one(&mut *conn)
            .await
            .expect("temp_store");
        assert_eq!(temp_store, 2, "temporary data in memory (2)");
        db.migrate().await.expect("migrations are idempotent");
    }
}
