//! Versioned portal policy and each person's acceptance of it.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::db::{from_millis, to_millis, Db};
use super::error::StoreResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersion {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub published_at: DateTime<Utc>,
}

pub async fn current(db: &Db) -> StoreResult<Option<PolicyVersion>> {
    let row =
        sqlx::query("SELECT version, title, body, published_at FROM policy_versions ORDER BY version DESC LIMIT 1")
            .fetch_optional(&db.pool)
            .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(PolicyVersion {
        version: row.try_get("version")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        published_at: from_millis(row.try_get("published_at")?),
    }))
}

/// Add a new version after the current one and return its number.
pub async fn publish(db: &Db, title: &str, body: &str, now: DateTime<Utc>) -> StoreResult<i64> {
    let mut tx = db.pool.begin().await?;
    let row = sqlx::query("SELECT COALESCE(MAX(version), 0) + 1 AS next FROM policy_versions")
        .fetch_one(&mut *tx)
        .await?;
    let version: i64 = row.try_get("next")?;
    sqlx::query("INSERT INTO policy_versions (version, title, body, published_at) VALUES ($1, $2, $3, $4)")
        .bind(version)
        .bind(title)
        .bind(body)
        .bind(to_millis(now))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(version)
}

pub async fn accepted_at(db: &Db, user_id: i64, version: i64) -> StoreResult<Option<DateTime<Utc>>> {
    let row = sqlx::query("SELECT accepted_at FROM policy_acceptances WHERE user_id = $1 AND version = $2")
        .bind(user_id)
        .bind(version)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64, _>("accepted_at").map(from_millis))
        .transpose()?)
}

/// Record an acceptance; accepting twice keeps the first time. Returns the recorded time and
/// whether this call recorded it.
pub async fn accept(
    db: &Db,
    user_id: i64,
    version: i64,
    now: DateTime<Utc>,
    client_addr: &str,
) -> StoreResult<(DateTime<Utc>, bool)> {
    let inserted = sqlx::query(
        "INSERT INTO policy_acceptances (user_id, version, accepted_at, client_addr) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, version) DO NOTHING",
    )
    .bind(user_id)
    .bind(version)
    .bind(to_millis(now))
    .bind(client_addr)
    .execute(&db.pool)
    .await?
    .rows_affected()
        > 0;
    Ok((accepted_at(db, user_id, version).await?.unwrap_or(now), inserted))
}
