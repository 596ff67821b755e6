//! The vault file's schema, versioned: numbered steps in `migrations/`, the file's version in
//! SQLite's `PRAGMA user_version` (0 for a file made before the schema was versioned; step 1
//! adopts such a file as it is).
//!
//! Opening a file applies every step it lacks, all in one `BEGIN IMMEDIATE` transaction with
//! the new version, so a crash or a second app starting at the same moment leaves the file at
//! its old version or its new one, never between. A file with a version this app does not
//! know (made by a newer app) is refused and left exactly as it is: guessing at its tables
//! could lose drafts that the newer app can still read.
//!
//! Adding a step: a new file `migrations/NNNN_what_it_does.sql` and its line in
//! [`MIGRATIONS`], with the next number. Never change a step that has shipped.

use sqlx::{Executor, SqliteConnection};

use super::error::VaultError;

/// One numbered step of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The file's version once this step is applied: 1, 2, 3… without gaps.
    pub version: i64,
    /// SQL statements, run as one script.
    pub sql: &'static str,
}

/// Every step, in order.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    sql: include_str!("migrations/0001_drafts_attachments_quarantine.sql"),
}];

/// The version of a file with every step of `migrations` applied.
pub fn latest(migrations: &[Migration]) -> i64 {
    migrations.last().map_or(0, |step| step.version)
}

/// The file's version as stored.
pub(super) async fn version(conn: &mut SqliteConnection) -> Result<i64, VaultError> {
    Ok(sqlx::query_scalar("PRAGMA user_version").fetch_one(conn).await?)
}

/// Brings the file on `conn` to the latest version (see the module's documentation) and
/// answers it.
pub(super) async fn migrate(conn: &mut SqliteConnection) -> Result<i64, VaultError> {
    migrate_with(conn, MIGRATIONS).await
}

/// [`migrate`] with the given steps (tests pass their own).
pub(super) async fn migrate_with(conn: &mut SqliteConnection, migrations: &[Migration]) -> Result<i64, VaultError> {
    let known = latest(migrations);
    // Read first, without taking the write lock, so a file from a newer app is not even
    // locked for writing.
    let found = version(&mut *conn).await?;
    check_known(found, known)?;
    if found == known {
        return Ok(known);
    }
    let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
    // Another process may have migrated the file between the read and the lock.
    let found = version(&mut tx).await?;
    check_known(found, known)?;
    for step in migrations {
        if step.version > found {
            // Several statements, no parameters: SQLite runs them one after the other.
            (&mut *tx).execute(step.sql).await?;
        }
    }
    // A pragma takes no bound parameters; `known` is an integer this code chose.
    (&mut *tx)
        .execute(format!("PRAGMA user_version = {known}").as_str())
        .await?;
    tx.commit().await?;
    tracing::info!(
        from = found,
        to = known,
        "the draft vault file was brought to the current schema"
    );
    Ok(known)
}

/// A version this app can open: not newer than it knows, not negative.
fn check_known(found: i64, known: i64) -> Result<(), VaultError> {
    if (0..=known).contains(&found) {
        Ok(())
    } else {
        Err(VaultError::UnknownSchema { found, known })
    }
}

#[cfg(test)]
mod tests {
    use sqlx::Connection;

    use super::*;

    async fn memory() -> SqliteConnection {
        SqliteConnection::connect("sqlite::memory:").await.unwrap()
    }

    async fn tables(conn: &mut SqliteConnection) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .fetch_all(conn)
        .await
        .unwrap()
    }

    const STEPS: &[Migration] = &[
        Migration {
            version: 1,
            sql: "CREATE TABLE one (a INTEGER); CREATE TABLE two (b INTEGER);",
        },
        Migration {
            version: 2,
            sql: "ALTER TABLE one ADD COLUMN c TEXT; INSERT INTO two (b) VALUES (7);",
        },
    ];

    #[test]
    fn steps_are_numbered_from_one_without_gaps() {
        for (i, step) in MIGRATIONS.iter().enumerate() {
            assert_eq!(step.version, i64::try_from(i).unwrap() + 1);
            assert!(!step.sql.trim().is_empty());
        }
        assert_eq!(latest(MIGRATIONS), i64::try_from(MIGRATIONS.len()).unwrap());
        assert_eq!(latest(&[]), 0);
    }

    #[tokio::test]
    async fn a_new_file_gets_every_step_and_the_latest_version() {
        let mut conn = memory().await;
        assert_eq!(migrate(&mut conn).await.unwrap(), latest(MIGRATIONS));
        assert_eq!(version(&mut conn).await.unwrap(), latest(MIGRATIONS));
        assert_eq!(
            tables(&mut conn).await,
            [
                "draft_attachments",
                "drafts",
                "quarantine",
                "quarantined_attachments",
                "vault_keys"
            ]
        );
        // Opening again changes nothing.
        assert_eq!(migrate(&mut conn).await.unwrap(), latest(MIGRATIONS));
    }

    #[tokio::test]
    async fn only_missing_steps_run() {
        let mut conn = memory().await;
        assert_eq!(migrate_with(&mut conn, &STEPS[..1]).await.unwrap(), 1);
        sqlx::query("INSERT INTO two (b) VALUES (1)")
            .execute(&mut conn)
            .await
            .unwrap();
        assert_eq!(migrate_with(&mut conn, STEPS).await.unwrap(), 2);
        let rows: Vec<i64> = sqlx::query_scalar("SELECT b FROM two ORDER BY b")
            .fetch_all(&mut conn)
            .await
            .unwrap();
        assert_eq!(rows, [1, 7], "step 1 did not run again, step 2 did once");
        assert_eq!(migrate_with(&mut conn, STEPS).await.unwrap(), 2);
    }

    #[tokio::test]
    async fn a_failing_step_leaves_the_file_at_its_old_version() {
        let mut conn = memory().await;
        let broken = [
            STEPS[0],
            Migration {
                version: 2,
                sql: "CREATE TABLE three (x INTEGER); THIS IS NOT SQL;",
            },
        ];
        assert!(matches!(
            migrate_with(&mut conn, &broken).await,
            Err(VaultError::Storage(_))
        ));
        assert_eq!(version(&mut conn).await.unwrap(), 0);
        assert!(tables(&mut conn).await.is_empty(), "step 1 was rolled back with step 2");
    }

    #[tokio::test]
    async fn a_file_from_a_newer_app_is_refused_and_left_alone() {
        let mut conn = memory().await;
        migrate_with(&mut conn, STEPS).await.unwrap();
        let error = migrate_with(&mut conn, &STEPS[..1]).await.unwrap_err();
        assert!(
            matches!(error, VaultError::UnknownSchema { found: 2, known: 1 }),
            "{error:?}"
        );
        assert!(error.to_string().contains("newer version of the app"), "{error}");
        assert_eq!(version(&mut conn).await.unwrap(), 2);
        sqlx::raw_sql("PRAGMA user_version = -1")
            .execute(&mut conn)
            .await
            .unwrap();
        assert!(matches!(
            migrate_with(&mut conn, STEPS).await,
            Err(VaultError::UnknownSchema { found: -1, known: 2 })
        ));
    }
}
