//! Grants to authorized persons as stored (`domain::grants` decides what they allow).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::audit::{begin_write, commit_with, AuditRow};
use super::db::{from_millis, to_millis, Db};
use super::error::{StoreError, StoreResult};
use crate::domain::grants::{Grant, Scopes};

/// A grant as stored.
#[derive(Debug, Clone)]
pub struct GrantRow {
    pub id: i64,
    pub chart_id: i64,
    pub grantee_email: String,
    pub grantee_name: String,
    pub grantee_user_id: Option<i64>,
    /// The account that gave it: the patient's, or a practice member's.
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub grant: Grant,
}

/// A grant to store.
#[derive(Debug, Clone)]
pub struct NewGrant<'a> {
    pub chart_id: i64,
    pub grantee_email: &'a str,
    pub grantee_name: &'a str,
    pub scopes: Scopes,
    pub last_day: Option<NaiveDate>,
    pub created_by: i64,
}

const COLUMNS: &str = "id, chart_id, grantee_email, grantee_name, grantee_user_id, scopes, last_day, \
                       created_by, created_at, accepted_at, declined_at, ended_at";

fn millis(row: &AnyRow, column: &str) -> StoreResult<Option<DateTime<Utc>>> {
    Ok(row.try_get::<Option<i64>, _>(column)?.map(from_millis))
}

fn from_row(row: &AnyRow) -> StoreResult<GrantRow> {
    let scopes: String = row.try_get("scopes")?;
    let last_day: Option<String> = row.try_get("last_day")?;
    Ok(GrantRow {
        id: row.try_get("id")?,
        chart_id: row.try_get("chart_id")?,
        grantee_email: row.try_get("grantee_email")?,
        grantee_name: row.try_get("grantee_name")?,
        grantee_user_id: row.try_get("grantee_user_id")?,
        created_by: row.try_get("created_by")?,
        created_at: from_millis(row.try_get("created_at")?),
        grant: Grant {
            scopes: Scopes::parse(&scopes).map_err(|_| StoreError::Unreadable("grants.scopes"))?,
            until: last_day
                .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d"))
                .transpose()
                .map_err(|_| StoreError::Unreadable("grants.last_day"))?,
            accepted_at: millis(row, "accepted_at")?,
            declined_at: millis(row, "declined_at")?,
            ended_at: millis(row, "ended_at")?,
        },
    })
}

/// Stores `grant` with its audit row; its id.
pub async fn create(
    db: &Db,
    grant: &NewGrant<'_>,
    now: DateTime<Utc>,
    audit: impl FnOnce(i64) -> AuditRow,
) -> StoreResult<i64> {
    let mut tx = begin_write(db).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO grants (chart_id, grantee_email, grantee_name, scopes, last_day, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(grant.chart_id)
    .bind(grant.grantee_email)
    .bind(grant.grantee_name)
    .bind(grant.scopes.to_text())
    .bind(grant.last_day.map(|d| d.format("%Y-%m-%d").to_string()))
    .bind(grant.created_by)
    .bind(to_millis(now))
    .fetch_one(&mut *tx)
    .await?;
    commit_with(tx, db.engine, audit(id)).await?;
    Ok(id)
}

/// Chart `chart_id`'s grants, the newest first.
pub async fn of_chart(db: &Db, chart_id: i64) -> StoreResult<Vec<GrantRow>> {
    let sql = format!("SELECT {COLUMNS} FROM grants WHERE chart_id = $1 ORDER BY id DESC");
    let rows = sqlx::query(&sql).bind(chart_id).fetch_all(&db.pool).await?;
    rows.iter().map(from_row).collect()
}

/// The grants given to account `user_id` (accepted) or addressed to `email` (not yet
/// answered), the newest first.
pub async fn received_by(db: &Db, user_id: i64, email: &str) -> StoreResult<Vec<GrantRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM grants WHERE grantee_user_id = $1 \
         OR (grantee_user_id IS NULL AND grantee_email = $2) ORDER BY id DESC"
    );
    let rows = sqlx::query(&sql).bind(user_id).bind(email).fetch_all(&db.pool).await?;
    rows.iter().map(from_row).collect()
}

/// The grants of chart `chart_id` that account `user_id` accepted (whatever their state now).
pub async fn held_by(db: &Db, user_id: i64, chart_id: i64) -> StoreResult<Vec<GrantRow>> {
    let sql = format!("SELECT {COLUMNS} FROM grants WHERE grantee_user_id = $1 AND chart_id = $2");
    let rows = sqlx::query(&sql)
        .bind(user_id)
        .bind(chart_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn by_id(db: &Db, id: i64) -> StoreResult<Option<GrantRow>> {
    let sql = format!("SELECT {COLUMNS} FROM grants WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(from_row).transpose()
}

/// What an answer or an end changes.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    /// Accepted by account `user_id`.
    Accept {
        user_id: i64,
    },
    Decline,
    /// Ended by account `by`.
    End {
        by: i64,
    },
}

/// Applies `change` to grant `id` if it is still open to it (an invitation to an answer, a
/// grant not ended to an end), with its audit row; whether it did.
pub async fn change(db: &Db, id: i64, change: Change, now: DateTime<Utc>, audit: AuditRow) -> StoreResult<bool> {
    let mut tx = begin_write(db).await?;
    let at = to_millis(now);
    let done = match change {
        Change::Accept { user_id } => {
            sqlx::query(
                "UPDATE grants SET accepted_at = $1, grantee_user_id = $2 WHERE id = $3 \
                 AND accepted_at IS NULL AND declined_at IS NULL AND ended_at IS NULL",
            )
            .bind(at)
            .bind(user_id)
            .bind(id)
            .execute(&mut *tx)
            .await?
        }
        Change::Decline => {
            sqlx::query(
                "UPDATE grants SET declined_at = $1 WHERE id = $2 \
                 AND accepted_at IS NULL AND declined_at IS NULL AND ended_at IS NULL",
            )
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?
        }
        Change::End { by } => {
            sqlx::query("UPDATE grants SET ended_at = $1, ended_by = $2 WHERE id = $3 AND ended_at IS NULL")
                .bind(at)
                .bind(by)
                .bind(id)
                .execute(&mut *tx)
                .await?
        }
    };
    if done.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    commit_with(tx, db.engine, audit).await?;
    Ok(true)
}
