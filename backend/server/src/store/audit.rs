//! The append-only audit log: who did what to which record, for whom, when and from where.
//!
//! Rows are chained (`crate::audit_chain`): every append reads and moves the chain's head
//! (`audit_chain_head`) inside the transaction that inserts the rows. The head's UPDATE is
//! the lock that keeps the chain one line: on SQLite the transaction holds the write lock
//! anyway; on PostgreSQL the head's row stays locked until the COMMIT, so appends from every
//! instance (and from sign-ins beside the writer) take their turn.

use chrono::{DateTime, Utc};
use sqlx::{Any, AnyConnection, Transaction};

use super::bound_query::BoundQuery;
use super::db::{to_millis, Db, Engine};
use super::error::StoreResult;
use super::writer_transaction::WriterTransaction;
use crate::audit_chain::verify::StoredRow;
use crate::audit_chain::{ChainHash, ChainHead, Entry};

/// One audit event. `object` names a thing by kind and id (`policy:3`), never its content.
#[derive(Debug, Clone, Default)]
pub struct AuditEvent<'a> {
    pub actor_user_id: Option<i64>,
    pub subject_user_id: Option<i64>,
    pub action: &'static str,
    pub object: Option<String>,
    pub client_addr: &'a str,
}

/// An audit row to append (a write batch's rows all go into one INSERT).
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub at_ms: i64,
    pub actor_user_id: Option<i64>,
    pub subject_user_id: Option<i64>,
    pub action: &'static str,
    pub object: Option<String>,
    pub client_addr: String,
}

impl AuditRow {
    fn entry(&self) -> Entry<'_> {
        Entry {
            at_ms: self.at_ms,
            actor_user_id: self.actor_user_id,
            subject_user_id: self.subject_user_id,
            action: self.action,
            object: self.object.as_deref(),
            client_addr: Some(&self.client_addr),
        }
    }
}

/// Appends `event` in a transaction of its own (outside the writer: sign-in, sign-out, policy).
pub async fn append(db: &Db, event: &AuditEvent<'_>, at: DateTime<Utc>) -> StoreResult<()> {
    let row = AuditRow {
        at_ms: to_millis(at),
        actor_user_id: event.actor_user_id,
        subject_user_id: event.subject_user_id,
        action: event.action,
        object: event.object.clone(),
        client_addr: event.client_addr.to_owned(),
    };
    let mut tx = begin_write(db).await?;
    append_rows(
        &mut tx,
        db.engine,
        &mut WriterTransaction::sent(),
        std::slice::from_ref(&row),
    )
    .await?;
    Ok(tx.commit().await?)
}

/// A write transaction of its own, rolled back if it is dropped (a request cancelled midway)
/// before its commit. On SQLite it takes the write lock at once: a transaction that read first
/// could not take it later without failing when another wrote meanwhile.
pub(crate) async fn begin_write(db: &Db) -> StoreResult<Transaction<'static, Any>> {
    Ok(match db.engine {
        Engine::Sqlite => db.pool.begin_with("BEGIN IMMEDIATE").await?,
        Engine::Postgres => db.pool.begin().await?,
    })
}

/// Appends a change's audit row inside its transaction `tx` (from [`begin_write`]) and commits.
pub(crate) async fn commit_with(tx: Transaction<'static, Any>, engine: Engine, audit: AuditRow) -> StoreResult<()> {
    commit_with_rows(tx, engine, std::slice::from_ref(&audit)).await
}

/// [`commit_with`] for a change with several audit rows (or none).
pub(crate) async fn commit_with_rows(
    mut tx: Transaction<'static, Any>,
    engine: Engine,
    rows: &[AuditRow],
) -> StoreResult<()> {
    let conn: &mut AnyConnection = &mut tx;
    append_rows(conn, engine, &mut WriterTransaction::sent(), rows).await?;
    Ok(tx.commit().await?)
}

/// Appends `rows`, in order, inside the caller's open transaction (`begin` goes before the
/// first statement if it has not been sent yet).
pub(crate) async fn append_rows(
    conn: &mut AnyConnection,
    engine: Engine,
    begin: &mut WriterTransaction,
    rows: &[AuditRow],
) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let count = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let mut head = take_ids(conn, begin, count).await?;
    let mut sql = BoundQuery::new(match engine {
        Engine::Sqlite => "",
        // One statement: PostgreSQL takes no second statement with arguments.
        Engine::Postgres => "WITH added AS (",
    });
    sql.push(
        "INSERT INTO audit_events \
         (id, at, actor_user_id, subject_user_id, action, object, client_addr, prev_hash, row_hash) VALUES ",
    );
    for (i, row) in rows.iter().enumerate() {
        let link = head.append(&row.entry());
        let values = [
            sql.arg(link.id),
            sql.arg(row.at_ms),
            sql.arg(row.actor_user_id),
            sql.arg(row.subject_user_id),
            sql.arg(row.action.to_owned()),
            sql.arg(row.object.clone()),
            sql.arg(row.client_addr.clone()),
            sql.arg(link.prev_hash.to_hex()),
            sql.arg(link.row_hash.to_hex()),
        ];
        if i > 0 {
            sql.push(", ");
        }
        sql.push(&format!("({})", values.join(", ")));
    }
    let last_hash = sql.arg(head.last_hash.to_hex());
    sql.push(match engine {
        Engine::Sqlite => "; UPDATE audit_chain_head SET last_hash = ",
        Engine::Postgres => ") UPDATE audit_chain_head SET last_hash = ",
    });
    sql.push(&last_hash).push(" WHERE id = 1");
    let (text, args) = sql.build_for(engine)?;
    sqlx::query_with(&text, args).execute(&mut *conn).await?;
    Ok(())
}

/// Moves the chain's head `count` ids on (locking it until the transaction ends) and answers
/// where it was.
async fn take_ids(conn: &mut AnyConnection, begin: &mut WriterTransaction, count: i64) -> StoreResult<ChainHead> {
    let text = format!(
        "{}UPDATE audit_chain_head SET last_id = last_id + $1 WHERE id = 1 RETURNING last_id, last_hash",
        begin.prefix()
    );
    // `fetch_all`: on SQLite `fetch_optional` would stop at the BEGIN, which answers no row.
    let (last_id, last_hash): (i64, String) = sqlx::query_as(&text)
        .bind(count)
        .fetch_all(&mut *conn)
        .await?
        .pop()
        .ok_or_else(|| sqlx::Error::Protocol("the audit log's chain head is missing".into()))?;
    let last_hash = ChainHash::from_hex(&last_hash)
        .ok_or_else(|| sqlx::Error::Decode("the audit log's chain head holds no hash".into()))?;
    Ok(ChainHead {
        last_id: last_id - count,
        last_hash,
    })
}

/// Rows read (or sealed) at a time.
const PAGE: i64 = 1000;

/// Chains the rows written before the chain existed (migration 3), in id order, once: while
/// the chain is empty. Answers how many joined it.
pub async fn chain_rows_written_before_the_chain(db: &Db) -> StoreResult<u64> {
    let started: i64 = sqlx::query_scalar("SELECT last_id FROM audit_chain_head WHERE id = 1")
        .fetch_optional(&db.pool)
        .await?
        .unwrap_or(1);
    if started != 0 {
        return Ok(0);
    }
    let mut tx = begin_write(db).await?;
    // Locked, then looked at again: another instance may have done it meanwhile.
    let mut head = take_ids(&mut tx, &mut WriterTransaction::sent(), 0).await?;
    let mut joined = 0_u64;
    if head.last_id == 0 {
        loop {
            let rows = unchained_after(&mut tx, head.last_id).await?;
            if rows.is_empty() {
                break;
            }
            seal(&mut tx, db.engine, &mut head, &rows).await?;
            joined += rows.len() as u64;
        }
        sqlx::query("UPDATE audit_chain_head SET last_id = $1, last_hash = $2 WHERE id = 1")
            .bind(head.last_id)
            .bind(head.last_hash.to_hex())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(joined)
}

async fn unchained_after(conn: &mut AnyConnection, after: i64) -> StoreResult<Vec<StoredRow>> {
    let rows: Vec<RowColumns> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM audit_events WHERE row_hash IS NULL AND id > $1 ORDER BY id LIMIT $2"
    ))
    .bind(after)
    .bind(PAGE)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(stored_row).collect())
}

/// Fills in the hashes of `rows` (unchained, in id order) as the next links after `head`.
async fn seal(conn: &mut AnyConnection, engine: Engine, head: &mut ChainHead, rows: &[StoredRow]) -> StoreResult<()> {
    let mut sql = BoundQuery::new("WITH sealed (id, prev_hash, row_hash) AS (VALUES ");
    for (i, row) in rows.iter().enumerate() {
        let link = head.link(row.id, &row.entry());
        let values = [
            sql.arg(link.id),
            sql.arg(link.prev_hash.to_hex()),
            sql.arg(link.row_hash.to_hex()),
        ];
        if i > 0 {
            sql.push(", ");
        }
        sql.push(&format!("({})", values.join(", ")));
    }
    sql.push(
        ") UPDATE audit_events SET prev_hash = sealed.prev_hash, row_hash = sealed.row_hash \
         FROM sealed WHERE audit_events.id = sealed.id",
    );
    let (text, args) = sql.build_for(engine)?;
    sqlx::query_with(&text, args).execute(&mut *conn).await?;
    Ok(())
}

const COLUMNS: &str = "id, at, actor_user_id, subject_user_id, action, object, client_addr, prev_hash, row_hash";

type RowColumns = (
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn stored_row(c: RowColumns) -> StoredRow {
    StoredRow {
        id: c.0,
        at_ms: c.1,
        actor_user_id: c.2,
        subject_user_id: c.3,
        action: c.4,
        object: c.5,
        client_addr: c.6,
        prev_hash: c.7,
        row_hash: c.8,
    }
}

/// The audit log as of one moment, for `audit verify`: its head and its rows, page by page,
/// all from one snapshot (appends meanwhile are not seen, so they cannot look inserted).
pub struct ChainSnapshot {
    tx: Transaction<'static, Any>,
}

impl ChainSnapshot {
    pub async fn open(db: &Db) -> StoreResult<Self> {
        let tx = match db.engine {
            // In WAL mode the transaction's first read fixes what it sees.
            Engine::Sqlite => db.pool.begin().await?,
            Engine::Postgres => {
                db.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        };
        Ok(Self { tx })
    }

    /// The chain's head; `None` when it is missing or holds no hash.
    pub async fn head(&mut self) -> StoreResult<Option<ChainHead>> {
        let head: Option<(i64, String)> =
            sqlx::query_as("SELECT last_id, last_hash FROM audit_chain_head WHERE id = 1")
                .fetch_optional(&mut *self.tx)
                .await?;
        Ok(head
            .and_then(|(last_id, hash)| ChainHash::from_hex(&hash).map(|last_hash| ChainHead { last_id, last_hash })))
    }

    /// Up to `PAGE` rows after id `after`, in id order.
    pub async fn rows_after(&mut self, after: i64) -> StoreResult<Vec<StoredRow>> {
        let rows: Vec<RowColumns> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM audit_events WHERE id > $1 ORDER BY id LIMIT $2"
        ))
        .bind(after)
        .bind(PAGE)
        .fetch_all(&mut *self.tx)
        .await?;
        Ok(rows.into_iter().map(stored_row).collect())
    }

    /// Whether the database's guards (the triggers refusing changes) are all in place.
    pub async fn guarded(&mut self, engine: Engine) -> StoreResult<bool> {
        let (sql, expected) = match engine {
            Engine::Sqlite => (
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events' \
                 AND name IN ('audit_events_refuse_unchained', 'audit_events_refuse_update', 'audit_events_refuse_delete')",
                3,
            ),
            Engine::Postgres => (
                "SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND tgenabled <> 'D' \
                 AND tgname IN ('audit_events_refuse_change', 'audit_events_refuse_truncate')",
                2,
            ),
        };
        let found: i64 = sqlx::query_scalar(sql).fetch_one(&mut *self.tx).await?;
        Ok(found == expected)
    }

    /// Ends the snapshot (dropping it does too).
    pub async fn close(self) -> StoreResult<()> {
        Ok(self.tx.rollback().await?)
    }
}

/// Actions of the events written by this version.
pub mod action {
    pub const SIGN_IN: &str = "auth.sign_in";
    pub const SIGN_IN_FAILED: &str = "auth.sign_in_failed";
    pub const SIGN_OUT: &str = "auth.sign_out";
    pub const POLICY_ACCEPTED: &str = "policy.accepted";
    pub const THREADS_LISTED: &str = "threads.listed";
    pub const THREAD_READ: &str = "thread.read";
    pub const THREAD_MARKED_READ: &str = "thread.marked_read";
    pub const THREAD_CREATED: &str = "thread.created";
    pub const MESSAGE_SENT: &str = "message.sent";
    pub const THREAD_ASSIGNED: &str = "thread.assigned";
    pub const THREAD_CLOSED: &str = "thread.closed";
    pub const THREAD_REOPENED: &str = "thread.reopened";
    pub const ATTACHMENT_UPLOADED: &str = "attachment.uploaded";
    pub const ATTACHMENT_READ: &str = "attachment.read";
    pub const STAFF_POOLS_SET: &str = "admin.staff_pools_set";
    pub const ACCOUNT_DISABLED: &str = "admin.account_disabled";
    pub const ACCOUNT_ENABLED: &str = "admin.account_enabled";
    pub const SESSION_ENDED: &str = "auth.session_ended";
    pub const ACCOUNT_INVITED: &str = "account.invited";
    pub const ACCOUNT_ACTIVATED: &str = "account.activated";
    pub const PASSPHRASE_CHANGED: &str = "auth.passphrase_changed";
    pub const RESET_REQUESTED: &str = "auth.reset_requested";
    pub const PASSPHRASE_RESET: &str = "auth.passphrase_reset";
    pub const EMAIL_CHANGE_ASKED: &str = "account.email_change_asked";
    pub const EMAIL_CHANGED: &str = "account.email_changed";
    pub const NOTICES_SET: &str = "account.notices_set";
    pub const GRANT_GIVEN: &str = "grant.given";
    pub const GRANT_ACCEPTED: &str = "grant.accepted";
    pub const GRANT_DECLINED: &str = "grant.declined";
    pub const GRANT_ENDED: &str = "grant.ended";
    pub const SECOND_FACTOR_ENABLED: &str = "auth.second_factor_enabled";
    pub const SECOND_FACTOR_DISABLED: &str = "auth.second_factor_disabled";
    pub const RECOVERY_CODES_REPLACED: &str = "auth.recovery_codes_replaced";
    pub const RECORD_READ: &str = "record.read";
    pub const RESULT_RELEASE_SET: &str = "admin.result_release_set";
    pub const RESULT_PREFERENCES_SET: &str = "record.result_preferences_set";
    pub const RESULT_REVIEWED: &str = "record.result_reviewed";
    /// A part of a chart read outside the reader's care, under a break-the-glass grant.
    pub const RECORD_READ_UNDER_GRANT: &str = "record.read_under_grant";
    pub const RECORD_BREAK_THE_GLASS: &str = "record.break_the_glass";
    pub const PATIENTS_SEARCHED: &str = "patients.searched";
    pub const ACCESS_LOG_READ: &str = "record.access_log_read";
}
