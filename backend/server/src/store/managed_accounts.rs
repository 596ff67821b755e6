//! Accounts the practice keeps for patients who do not sign in, as stored
//! (`domain::managed_accounts` says what they are): which kind of account a chart has, and
//! making one for a chart that has none, inside the caller's transaction.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};

use super::db::to_millis;
use super::error::{StoreError, StoreResult};
use crate::domain::managed_accounts::{placeholder_address, ChartAccount};

/// Whom chart `chart_id`'s account belongs to (`None`: no such chart).
pub(crate) async fn chart_account(conn: &mut AnyConnection, chart_id: i64) -> StoreResult<Option<ChartAccount>> {
    let row = sqlx::query(
        "SELECT c.user_id, u.managed_at FROM charts c LEFT JOIN users u ON u.id = c.user_id WHERE c.id = $1",
    )
    .bind(chart_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        let user_id: Option<i64> = row.try_get("user_id")?;
        let managed_at: Option<i64> = row.try_get("managed_at")?;
        Ok(ChartAccount::of(user_id, managed_at.is_some()))
    })
    .transpose()
}

/// Gives chart `chart_id` an account the practice keeps for its patient, named `name`, unless
/// the chart has an account already; the chart's account either way.
pub(crate) async fn keep_for_chart(
    conn: &mut AnyConnection,
    chart_id: i64,
    name: &str,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let account = chart_account(&mut *conn, chart_id)
        .await?
        .ok_or(StoreError::Inconsistent("a grant's chart is missing"))?;
    match account {
        ChartAccount::Managed(id) | ChartAccount::Owned(id) => return Ok(id),
        ChartAccount::None => {}
    }
    let at = to_millis(now);
    // No pass-phrase: sign-in never checks one for a managed account.
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, name, role, password_hash, created_at, staff_pools, managed_at) \
         VALUES ($1, $2, 'patient', '!', $3, '', $3) RETURNING id",
    )
    .bind(placeholder_address(chart_id))
    .bind(name)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    let linked = sqlx::query("UPDATE charts SET user_id = $1, updated_at = $2 WHERE id = $3 AND user_id IS NULL")
        .bind(id)
        .bind(at)
        .bind(chart_id)
        .execute(&mut *conn)
        .await?;
    if linked.rows_affected() != 1 {
        return Err(StoreError::Inconsistent("a chart was linked meanwhile"));
    }
    Ok(id)
}
