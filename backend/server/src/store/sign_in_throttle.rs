//! Loads and writes the sign-in counts of `domain::sign_in_throttle`, and the networks each
//! account signed in from. The rules are decided there; a charge is written only if the row
//! did not change since it was read (compare-and-set on `version`), so concurrent sign-ins
//! are charged one after another on both engines.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::db::{from_millis, to_millis, Db};
use super::error::StoreResult;
use crate::domain::sign_in_throttle::{Bucket, Charge, ThrottleRules, ThrottleState};

/// Charge one guess to `bucket`: read, decide, write if unchanged; again if another sign-in
/// wrote first.
pub async fn charge(db: &Db, bucket: &str, rules: &ThrottleRules, now: DateTime<Utc>) -> StoreResult<Charge> {
    loop {
        let (state, version) = load(db, bucket).await?;
        let charge = rules.charge(state, now);
        let Charge::Allowed { state: next, .. } = charge else {
            return Ok(charge);
        };
        let written = match version {
            None => insert(db, bucket, &next).await?,
            Some(version) => replace(db, bucket, &next, version).await?,
        };
        if written {
            return Ok(charge);
        }
        tokio::task::yield_now().await;
    }
}

/// Take back one guess charged to `bucket` (see [`ThrottleRules::refund`]); again if another
/// sign-in wrote first.
pub async fn refund(db: &Db, bucket: &str, rules: &ThrottleRules) -> StoreResult<()> {
    loop {
        let (state, version) = load(db, bucket).await?;
        let Some(version) = version else {
            return Ok(());
        };
        if replace(db, bucket, &rules.refund(state), version).await? {
            return Ok(());
        }
        tokio::task::yield_now().await;
    }
}

/// Forget the bucket's count (a right pass-phrase, or an operator's unlock).
pub async fn clear(db: &Db, bucket: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM sign_in_throttle WHERE bucket = $1")
        .bind(bucket)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Forget every count kept for an email address: its own and its known networks'.
pub async fn clear_all_for(db: &Db, email: &str) -> StoreResult<u64> {
    let prefix = Bucket::KnownNetwork {
        email: email.to_owned(),
        network: String::new(),
    }
    .key();
    let done = sqlx::query("DELETE FROM sign_in_throttle WHERE bucket = $1 OR substr(bucket, 1, length($2)) = $2")
        .bind(email)
        .bind(prefix)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}

/// Whether `user_id` has signed in from `network` before.
pub async fn is_known_network(db: &Db, user_id: i64, network: &str) -> StoreResult<bool> {
    let row = sqlx::query("SELECT 1 AS known FROM sign_in_networks WHERE user_id = $1 AND network = $2")
        .bind(user_id)
        .bind(network)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

/// Remember that `user_id` signed in from `network` at `now`.
pub async fn remember_network(db: &Db, user_id: i64, network: &str, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sign_in_networks (user_id, network, last_success_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, network) DO UPDATE SET last_success_at = excluded.last_success_at",
    )
    .bind(user_id)
    .bind(network)
    .bind(to_millis(now))
    .execute(&db.pool)
    .await?;
    Ok(())
}

async fn load(db: &Db, bucket: &str) -> StoreResult<(ThrottleState, Option<i64>)> {
    let row = sqlx::query(
        "SELECT round_guesses, consecutive_failures, locked_until, held, version \
         FROM sign_in_throttle WHERE bucket = $1",
    )
    .bind(bucket)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else {
        return Ok((ThrottleState::default(), None));
    };
    let count =
        |name: &str| -> StoreResult<u32> { Ok(u32::try_from(row.try_get::<i64, _>(name)?).unwrap_or(u32::MAX)) };
    let state = ThrottleState {
        round_guesses: count("round_guesses")?,
        consecutive_failures: count("consecutive_failures")?,
        locked_until: row.try_get::<Option<i64>, _>("locked_until")?.map(from_millis),
        held: row.try_get::<i64, _>("held")? != 0,
    };
    Ok((state, Some(row.try_get("version")?)))
}

async fn insert(db: &Db, bucket: &str, state: &ThrottleState) -> StoreResult<bool> {
    let done = sqlx::query(
        "INSERT INTO sign_in_throttle \
           (bucket, round_guesses, consecutive_failures, locked_until, held, version) \
         VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (bucket) DO NOTHING",
    )
    .bind(bucket)
    .bind(i64::from(state.round_guesses))
    .bind(i64::from(state.consecutive_failures))
    .bind(state.locked_until.map(to_millis))
    .bind(i64::from(state.held))
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

async fn replace(db: &Db, bucket: &str, state: &ThrottleState, version: i64) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE sign_in_throttle SET round_guesses = $1, consecutive_failures = $2, \
           locked_until = $3, held = $4, version = version + 1 \
         WHERE bucket = $5 AND version = $6",
    )
    .bind(i64::from(state.round_guesses))
    .bind(i64::from(state.consecutive_failures))
    .bind(state.locked_until.map(to_millis))
    .bind(i64::from(state.held))
    .bind(bucket)
    .bind(version)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}
