//! One-time codes as stored: their keyed digest, never the code (`domain::one_time_code`).
//! Sending a new code of a purpose to an address (or for an account) ends the ones sent
//! before; a code is found by its purpose and address or account, never by its value.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::db::{from_millis, to_millis, Db};
use super::error::StoreResult;
use crate::domain::one_time_code::{Purpose, StoredCode};

/// A code to store.
#[derive(Debug, Clone)]
pub struct NewCode<'a> {
    pub purpose: Purpose,
    /// Where it is sent.
    pub email: &'a str,
    pub user_id: Option<i64>,
    pub invitation_id: Option<i64>,
    pub digest: String,
    pub now: DateTime<Utc>,
}

/// A stored code.
#[derive(Debug, Clone)]
pub struct CodeRow {
    pub id: i64,
    pub email: String,
    pub user_id: Option<i64>,
    pub invitation_id: Option<i64>,
    pub digest: String,
    pub state: StoredCode,
}

const COLUMNS: &str = "id, email, user_id, invitation_id, code_hash, expires_at, used_at, failed_tries";

fn from_row(row: &AnyRow) -> StoreResult<CodeRow> {
    Ok(CodeRow {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        user_id: row.try_get("user_id")?,
        invitation_id: row.try_get("invitation_id")?,
        digest: row.try_get("code_hash")?,
        state: StoredCode {
            expires_at: from_millis(row.try_get("expires_at")?),
            used_at: row.try_get::<Option<i64>, _>("used_at")?.map(from_millis),
            wrong_tries: row.try_get("failed_tries")?,
        },
    })
}

/// Stores `code` on the caller's connection (inside their transaction), ending the codes of
/// the same purpose sent before to the same address or for the same account. Returns when it
/// expires.
pub async fn issue(conn: &mut AnyConnection, code: &NewCode<'_>) -> StoreResult<DateTime<Utc>> {
    let now = to_millis(code.now);
    sqlx::query(
        "UPDATE account_codes SET used_at = $1 \
         WHERE purpose = $2 AND used_at IS NULL AND (email = $3 OR user_id = $4)",
    )
    .bind(now)
    .bind(code.purpose.as_str())
    .bind(code.email)
    .bind(code.user_id)
    .execute(&mut *conn)
    .await?;
    let expires_at = code.now + code.purpose.lifetime();
    sqlx::query(
        "INSERT INTO account_codes (purpose, email, user_id, invitation_id, code_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(code.purpose.as_str())
    .bind(code.email)
    .bind(code.user_id)
    .bind(code.invitation_id)
    .bind(&code.digest)
    .bind(now)
    .bind(to_millis(expires_at))
    .execute(&mut *conn)
    .await?;
    Ok(expires_at)
}

/// The latest code of `purpose` sent to `email`, used or not.
pub async fn latest_to(db: &Db, purpose: Purpose, email: &str) -> StoreResult<Option<CodeRow>> {
    let sql = format!("SELECT {COLUMNS} FROM account_codes WHERE purpose = $1 AND email = $2 ORDER BY id DESC LIMIT 1");
    let row = sqlx::query(&sql)
        .bind(purpose.as_str())
        .bind(email)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The latest code of `purpose` sent for the account `user_id`, used or not.
pub async fn latest_for(db: &Db, purpose: Purpose, user_id: i64) -> StoreResult<Option<CodeRow>> {
    let sql =
        format!("SELECT {COLUMNS} FROM account_codes WHERE purpose = $1 AND user_id = $2 ORDER BY id DESC LIMIT 1");
    let row = sqlx::query(&sql)
        .bind(purpose.as_str())
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Counts a wrong code against code `id`.
pub async fn count_wrong_try(db: &Db, id: i64) -> StoreResult<()> {
    sqlx::query("UPDATE account_codes SET failed_tries = failed_tries + 1 WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Uses code `id` on the caller's connection (inside the transaction of what it allows):
/// `false` when it was used meanwhile (by another request, on any instance).
pub async fn use_up(conn: &mut AnyConnection, id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE account_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(to_millis(now))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the codes used or expired before `cutoff`; answers how many.
pub async fn purge_spent_before(db: &Db, cutoff: DateTime<Utc>) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM account_codes WHERE used_at < $1 OR expires_at < $1")
        .bind(to_millis(cutoff))
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}
