//! Per-account failed sign-in counter and lockout, keyed by normalised email address.

use chrono::{DateTime, Duration, Utc};
use sqlx::Row;

use super::{from_millis, to_millis, Db};

/// When the address is locked until, if it is locked at `now`.
pub async fn locked_until(db: &Db, email: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let row = sqlx::query("SELECT locked_until FROM login_throttle WHERE email = $1")
        .bind(email)
        .fetch_optional(&db.pool)
        .await?;
    let until = match row {
        Some(row) => row.try_get::<Option<i64>, _>("locked_until")?.map(from_millis),
        None => None,
    };
    Ok(until.filter(|t| *t > now))
}

/// Count a failure; lock the address when it reaches `threshold` consecutive failures.
/// Returns the lock's end when this failure locked it.
pub async fn record_failure(
    db: &Db,
    email: &str,
    now: DateTime<Utc>,
    threshold: u32,
    lock_for: Duration,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    // A counter whose lock has run out starts again from one.
    let row = sqlx::query(
        "INSERT INTO login_throttle (email, failures, locked_until, last_failure_at) VALUES ($1, 1, NULL, $2) \
         ON CONFLICT (email) DO UPDATE SET \
           failures = CASE WHEN login_throttle.locked_until IS NOT NULL AND login_throttle.locked_until <= $2 \
                           THEN 1 ELSE login_throttle.failures + 1 END, \
           locked_until = CASE WHEN login_throttle.locked_until IS NOT NULL AND login_throttle.locked_until <= $2 \
                               THEN NULL ELSE login_throttle.locked_until END, \
           last_failure_at = $2 \
         RETURNING failures",
    )
    .bind(email)
    .bind(to_millis(now))
    .fetch_one(&db.pool)
    .await?;
    let failures: i64 = row.try_get("failures")?;
    if failures >= i64::from(threshold) {
        let until = now + lock_for;
        sqlx::query("UPDATE login_throttle SET locked_until = $1 WHERE email = $2")
            .bind(to_millis(until))
            .bind(email)
            .execute(&db.pool)
            .await?;
        return Ok(Some(until));
    }
    Ok(None)
}

pub async fn clear(db: &Db, email: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_throttle WHERE email = $1")
        .bind(email)
        .execute(&db.pool)
        .await?;
    Ok(())
}
