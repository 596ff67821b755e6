//! The second factor as stored: the sealed TOTP secret (confirmed or pending) and the last
//! step a code was accepted for, on the `users` row; recovery codes as keyed digests in
//! `recovery_codes`. The rules are in `domain::second_factor`; sealing and digests are the
//! caller's (`auth::second_factor`).
//!
//! Accepting a step and using a recovery code are single conditional UPDATEs, so two
//! sign-ins with one code (also on two instances) cannot both succeed.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};

use super::audit::{begin_write, commit_with, AuditRow};
use super::db::{from_millis, to_millis, Db};
use super::error::StoreResult;

/// An account's second factor as stored (secrets still sealed). Its `Debug` shows no secret.
#[derive(Clone, Default)]
pub struct StoredSecondFactor {
    pub secret: Option<String>,
    pub pending_secret: Option<String>,
    pub enabled_at: Option<DateTime<Utc>>,
    pub last_step: Option<i64>,
}

impl std::fmt::Debug for StoredSecondFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSecondFactor")
            .field("enabled_at", &self.enabled_at)
            .field("last_step", &self.last_step)
            .finish_non_exhaustive()
    }
}

/// The second factor of account `user_id`; `None` if there is no such account.
pub async fn load(db: &Db, user_id: i64) -> StoreResult<Option<StoredSecondFactor>> {
    let row = sqlx::query(
        "SELECT totp_secret, totp_pending_secret, totp_enabled_at, totp_last_step FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        Ok(StoredSecondFactor {
            secret: row.try_get("totp_secret")?,
            pending_secret: row.try_get("totp_pending_secret")?,
            enabled_at: row.try_get::<Option<i64>, _>("totp_enabled_at")?.map(from_millis),
            last_step: row.try_get("totp_last_step")?,
        })
    })
    .transpose()
}

/// Keeps `sealed` as the pending secret of `user_id` (replacing any earlier pending one),
/// unless the account already has a confirmed one: `false` then.
pub async fn set_pending(db: &Db, user_id: i64, sealed: &str) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE users SET totp_pending_secret = $1 WHERE id = $2 AND totp_secret IS NULL")
        .bind(sealed)
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// What confirming a pending secret writes.
pub struct Confirmation<'a> {
    pub user_id: i64,
    /// The pending secret the code was checked against (still the pending one, or nothing).
    pub pending_secret: &'a str,
    /// The step of the code that confirmed it.
    pub step: i64,
    pub now: DateTime<Utc>,
    /// Keyed digests of the new recovery codes.
    pub recovery_digests: &'a [String],
}

/// Makes the pending secret the account's second factor, with its recovery codes (replacing
/// any) and the audit row, in one transaction; `false` (nothing written) if the pending secret
/// changed or one was confirmed meanwhile.
pub async fn confirm(db: &Db, confirmation: &Confirmation<'_>, audit: AuditRow) -> StoreResult<bool> {
    let mut tx = begin_write(db).await?;
    let done = sqlx::query(
        "UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, \
           totp_enabled_at = $1, totp_last_step = $2 \
         WHERE id = $3 AND totp_secret IS NULL AND totp_pending_secret = $4",
    )
    .bind(to_millis(confirmation.now))
    .bind(confirmation.step)
    .bind(confirmation.user_id)
    .bind(confirmation.pending_secret)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    write_recovery_codes(&mut tx, confirmation.user_id, confirmation.recovery_digests).await?;
    commit_with(tx, db.engine, audit).await?;
    Ok(true)
}

/// Sets a confirmed secret directly, without recovery codes or audit (the demo's accounts).
pub async fn set_confirmed(db: &Db, user_id: i64, sealed: &str, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query(
        "UPDATE users SET totp_secret = $1, totp_pending_secret = NULL, totp_enabled_at = $2, \
           totp_last_step = NULL WHERE id = $3",
    )
    .bind(sealed)
    .bind(to_millis(now))
    .bind(user_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Records `step` as the last accepted one, if it is later than the last: `true` means this
/// code is accepted (no other sign-in got it first).
pub async fn accept_step(db: &Db, user_id: i64, step: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE users SET totp_last_step = $1 \
         WHERE id = $2 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Uses the recovery code with keyed digest `digest`: `true` if it was unused (it is used now).
pub async fn use_recovery_code(db: &Db, user_id: i64, digest: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let done =
        sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL")
            .bind(to_millis(now))
            .bind(user_id)
            .bind(digest)
            .execute(&db.pool)
            .await?;
    Ok(done.rows_affected() >= 1)
}

/// Replaces the recovery codes of an account that has a second factor (the old ones stop
/// working), with the audit row; `false` (nothing written) if it has none.
pub async fn replace_recovery_codes(db: &Db, user_id: i64, digests: &[String], audit: AuditRow) -> StoreResult<bool> {
    let mut tx = begin_write(db).await?;
    let enabled = sqlx::query("SELECT 1 AS enabled FROM users WHERE id = $1 AND totp_secret IS NOT NULL")
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
    if enabled.is_none() {
        tx.rollback().await?;
        return Ok(false);
    }
    write_recovery_codes(&mut tx, user_id, digests).await?;
    commit_with(tx, db.engine, audit).await?;
    Ok(true)
}

/// Removes the account's second factor and its recovery codes, with the audit row; `false`
/// (nothing written) if it had none.
pub async fn disable(db: &Db, user_id: i64, audit: AuditRow) -> StoreResult<bool> {
    let mut tx = begin_write(db).await?;
    let done = sqlx::query(
        "UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_enabled_at = NULL, \
           totp_last_step = NULL WHERE id = $1 AND (totp_secret IS NOT NULL OR totp_pending_secret IS NOT NULL)",
    )
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    commit_with(tx, db.engine, audit).await?;
    Ok(true)
}

/// Unused recovery codes of the account (for tests and the account's page).
pub async fn unused_recovery_codes(db: &Db, user_id: i64) -> StoreResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .fetch_one(&db.pool)
            .await?,
    )
}

async fn write_recovery_codes(conn: &mut AnyConnection, user_id: i64, digests: &[String]) -> StoreResult<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for digest in digests {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(digest)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
