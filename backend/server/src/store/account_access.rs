//! Turning an account off and on: the account, its open sessions and the audit row change in
//! one transaction. Nothing else of the account is touched (its messages, chart and history
//! stay).

use chrono::{DateTime, Utc};

use super::audit::{begin_write, commit_with, AuditRow};
use super::db::{to_millis, Db};
use super::error::StoreResult;
use super::users::{self, UserRecord};

/// Turns account `id` off at `now` (every open session of it ends with it) or back on, with
/// `audit`; the account as it is then, or `None` when there is no such account (nothing
/// written). Turning off an account already off keeps the time it was first turned off.
pub async fn set_disabled(
    db: &Db,
    id: i64,
    disabled: bool,
    now: DateTime<Utc>,
    audit: AuditRow,
) -> StoreResult<Option<UserRecord>> {
    let mut tx = begin_write(db).await?;
    let at = to_millis(now);
    let changed = if disabled {
        let found = sqlx::query("UPDATE users SET disabled_at = COALESCE(disabled_at, $1) WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        found
    } else {
        sqlx::query("UPDATE users SET disabled_at = NULL WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
    };
    if changed.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    commit_with(tx, db.engine, audit).await?;
    users::find_by_id(db, id).await
}
