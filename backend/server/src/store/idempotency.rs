//! Idempotency keys of sends: per user, the hash of what was sent and what it created. A
//! retry with the same key and the same content answers the stored result; the same key with
//! other content is refused.

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};

use super::to_millis;

pub struct StoredSend {
    pub request_hash: String,
    pub thread_id: i64,
    pub message_id: i64,
}

pub async fn find(conn: &mut AnyConnection, user_id: i64, key: &str) -> Result<Option<StoredSend>, sqlx::Error> {
    let row =
        sqlx::query("SELECT request_hash, thread_id, message_id FROM idempotency_keys WHERE user_id = $1 AND key = $2")
            .bind(user_id)
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?;
    row.map(|r| {
        Ok(StoredSend {
            request_hash: r.try_get("request_hash")?,
            thread_id: r.try_get("thread_id")?,
            message_id: r.try_get("message_id")?,
        })
    })
    .transpose()
}

pub async fn insert(
    conn: &mut AnyConnection,
    user_id: i64,
    key: &str,
    sent: &StoredSend,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO idempotency_keys (user_id, key, request_hash, thread_id, message_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(user_id)
    .bind(key)
    .bind(&sent.request_hash)
    .bind(sent.thread_id)
    .bind(sent.message_id)
    .bind(to_millis(at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}
