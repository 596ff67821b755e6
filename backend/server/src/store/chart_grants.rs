//! Break-the-glass grants: a chart opened to one person outside their care, until a time, for
//! a reason sealed at rest (`sealed_text`, bound to the grant's row id).

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};

use super::db::{from_millis, to_millis, Db, Engine};
use super::error::{StoreError, StoreResult};
use super::row_ids::{reserve_ids, IdTable};
use crate::domain::records::access_log::Grant;
use crate::sealed_text::{Field, TextSealer};

/// A grant to write.
pub struct NewGrant<'a> {
    pub chart_id: i64,
    pub user_id: i64,
    pub reason: &'a str,
    pub granted_at: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// Writes `grant` inside the caller's write transaction (the writer's: the write lock is held,
/// so the reserved id is this row's); answers its id.
pub async fn insert(
    conn: &mut AnyConnection,
    engine: Engine,
    sealer: &TextSealer,
    grant: &NewGrant<'_>,
) -> StoreResult<i64> {
    let id = reserve_ids(conn, engine, IdTable::BreakTheGlassGrants, 1)
        .await?
        .pop()
        .ok_or(StoreError::Inconsistent("no id for a grant"))?;
    let reason = sealer
        .seal(Field::BreakTheGlassReason, id, grant.reason)
        .map_err(|_| StoreError::Inconsistent("a reason could not be sealed"))?;
    let overriding = match engine {
        Engine::Postgres => " OVERRIDING SYSTEM VALUE",
        Engine::Sqlite => "",
    };
    sqlx::query(&format!(
        "INSERT INTO break_the_glass_grants (id, chart_id, user_id, reason, granted_at, until){overriding} \
         VALUES ($1, $2, $3, $4, $5, $6)"
    ))
    .bind(id)
    .bind(grant.chart_id)
    .bind(grant.user_id)
    .bind(reason)
    .bind(to_millis(grant.granted_at))
    .bind(to_millis(grant.until))
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Whether `user_id` holds a grant on chart `chart_id` that is still open at `now`.
pub async fn open_for(db: &Db, user_id: i64, chart_id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM break_the_glass_grants WHERE user_id = $1 AND chart_id = $2 AND until > $3 LIMIT 1",
    )
    .bind(user_id)
    .bind(chart_id)
    .bind(to_millis(now))
    .fetch_optional(&db.pool)
    .await?;
    Ok(found.is_some())
}

/// Every grant on chart `chart_id`, its reason opened.
pub async fn of_chart(db: &Db, sealer: &TextSealer, chart_id: i64) -> StoreResult<Vec<Grant>> {
    let rows = sqlx::query(
        "SELECT id, user_id, reason, granted_at, until FROM break_the_glass_grants WHERE chart_id = $1 ORDER BY id",
    )
    .bind(chart_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            let sealed: String = row.try_get("reason")?;
            Ok(Grant {
                user_id: row.try_get("user_id")?,
                granted_at: from_millis(row.try_get("granted_at")?),
                until: from_millis(row.try_get("until")?),
                reason: sealer
                    .open(Field::BreakTheGlassReason, id, &sealed)
                    .map_err(|_| StoreError::Unreadable("break_the_glass_grants.reason"))?,
            })
        })
        .collect()
}
