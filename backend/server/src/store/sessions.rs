//! Sessions: only the SHA-256 of each token is stored.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::audit::{begin_write, commit_with_rows, AuditRow};
use super::db::{from_millis, to_millis, Db};
use super::error::StoreResult;
use super::users::{self, UserRecord};

#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub id: i64,
    pub user: UserRecord,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The current policy version (none published: `None`) and whether this user accepted
    /// it, read in the same query so the policy gate costs no extra round trip.
    pub current_policy: Option<i64>,
    pub accepted_current_policy: bool,
}

/// A new session: what is stored beside its token's hash.
pub struct NewSession<'a> {
    pub user_id: i64,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub client_addr: &'a str,
    pub device: Option<&'a str>,
}

pub async fn create(db: &Db, token_hash: &str, session: NewSession<'_>) -> StoreResult<i64> {
    let row = sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, client_addr, device) \
         VALUES ($1, $2, $3, $3, $4, $5, $6) RETURNING id",
    )
    .bind(token_hash)
    .bind(session.user_id)
    .bind(to_millis(session.now))
    .bind(to_millis(session.expires_at))
    .bind(session.client_addr)
    .bind(session.device)
    .fetch_one(&db.pool)
    .await?;
    Ok(row.try_get("id")?)
}

/// Whether user `user_id` signed in before, and from a session named `device` (`None`: any
/// session without a name).
pub async fn device_history(db: &Db, user_id: i64, device: Option<&str>) -> StoreResult<(bool, bool)> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS sessions, \
                COALESCE(SUM(CASE WHEN device = $2 THEN 1 ELSE 0 END), 0) AS named \
         FROM sessions WHERE user_id = $1",
    )
    .bind(user_id)
    .bind(device)
    .fetch_one(&db.pool)
    .await?;
    Ok((
        row.try_get::<i64, _>("sessions")? > 0,
        row.try_get::<i64, _>("named")? > 0,
    ))
}

/// A session as its person's list shows it.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: i64,
    pub device: Option<String>,
    pub client_addr: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// User `user_id`'s sessions not ended, not past their absolute limit at `now`, the most
/// recently active first (whether each is idle is the domain's to say).
pub async fn not_ended_of(db: &Db, user_id: i64, now: DateTime<Utc>) -> StoreResult<Vec<SessionRow>> {
    let rows = sqlx::query(
        "SELECT id, device, client_addr, created_at, last_seen_at, expires_at FROM sessions \
         WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY last_seen_at DESC, id DESC",
    )
    .bind(user_id)
    .bind(to_millis(now))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SessionRow {
                id: row.try_get("id")?,
                device: row.try_get("device")?,
                client_addr: row.try_get("client_addr")?,
                created_at: from_millis(row.try_get("created_at")?),
                last_seen_at: from_millis(row.try_get("last_seen_at")?),
                expires_at: from_millis(row.try_get("expires_at")?),
            })
        })
        .collect()
}

/// Ends sessions `ids` of user `user_id` (others' ids are left alone) at `now`, with `audit`
/// for each one ended, in one transaction; the ids ended.
pub async fn end_of_user(
    db: &Db,
    user_id: i64,
    ids: &[i64],
    now: DateTime<Utc>,
    audit: impl Fn(i64) -> AuditRow,
) -> StoreResult<Vec<i64>> {
    let mut tx = begin_write(db).await?;
    let mut ended = Vec::new();
    for &id in ids {
        let done =
            sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
                .bind(to_millis(now))
                .bind(id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() > 0 {
            ended.push(id);
        }
    }
    let rows: Vec<AuditRow> = ended.iter().map(|&id| audit(id)).collect();
    commit_with_rows(tx, db.engine, &rows).await?;
    Ok(ended)
}

pub async fn find_by_token_hash(db: &Db, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
    let row = sqlx::query(
        "SELECT s.id AS session_id, s.created_at, s.last_seen_at, s.expires_at, s.revoked_at, \
                u.id, u.email, u.name, u.role, u.password_hash, u.disabled_at, u.staff_pools, \
                u.email_verified_at, u.totp_enabled_at, u.language, u.managed_at, \
                (SELECT MAX(version) FROM policy_versions) AS current_policy, \
                (SELECT COUNT(*) FROM policy_acceptances pa WHERE pa.user_id = u.id \
                   AND pa.version = (SELECT MAX(version) FROM policy_versions)) AS accepted_current \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(SessionRecord {
        id: row.try_get("session_id")?,
        user: users::from_row(&row)?,
        created_at: from_millis(row.try_get("created_at")?),
        last_seen_at: from_millis(row.try_get("last_seen_at")?),
        expires_at: from_millis(row.try_get("expires_at")?),
        revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(from_millis),
        current_policy: row.try_get("current_policy")?,
        accepted_current_policy: row.try_get::<i64, _>("accepted_current")? > 0,
    }))
}

pub async fn revoke(db: &Db, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(to_millis(now))
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
