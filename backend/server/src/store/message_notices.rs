//! "You have a new secure message": when the care team writes in a patient's thread, the
//! patient, if their address is verified and they have not turned these notices off, gets a
//! notice, at most one per thread per 15
//! minutes (`domain::notices::throttle`). Queued in the transaction that stores the messages.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};

use super::db::{from_millis, to_millis, Engine};
use super::error::StoreResult;
use super::outbox::{self, NewMail};
use crate::domain::notices::throttle::message_notice_due;
use crate::domain::notices::{Language, Notice};
use crate::sealed_text::TextSealer;

/// A care-team message stored in a patient's thread.
#[derive(Debug, Clone, Copy)]
pub struct TeamMessage {
    pub thread_id: i64,
    pub patient_id: i64,
    pub at: DateTime<Utc>,
}

/// Queues the notices `messages` cause, on the writer's connection inside its transaction.
/// Returns how many were queued.
pub async fn queue(
    conn: &mut AnyConnection,
    engine: Engine,
    sealer: &TextSealer,
    messages: &[TeamMessage],
) -> StoreResult<usize> {
    // One per thread: its latest message of the batch.
    let mut threads: BTreeMap<i64, TeamMessage> = BTreeMap::new();
    for message in messages {
        threads
            .entry(message.thread_id)
            .and_modify(|m| {
                if message.at > m.at {
                    *m = *message;
                }
            })
            .or_insert(*message);
    }
    if threads.is_empty() {
        return Ok(0);
    }
    let practice = outbox::practice_name(&mut *conn).await?;
    let mut mails = Vec::new();
    for message in threads.values() {
        let row = sqlx::query(
            "SELECT u.email, u.language, tn.last_notice_at FROM users u \
             LEFT JOIN thread_notices tn ON tn.thread_id = $1 \
             WHERE u.id = $2 AND u.email_verified_at IS NOT NULL AND u.disabled_at IS NULL \
               AND u.notify_messages = 1",
        )
        .bind(message.thread_id)
        .bind(message.patient_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = row else { continue };
        let last: Option<i64> = row.try_get("last_notice_at")?;
        if !message_notice_due(last.map(from_millis), message.at) {
            continue;
        }
        if !take_turn(&mut *conn, message, last).await? {
            // Another instance queued this thread's notice since it was read.
            continue;
        }
        let language: String = row.try_get("language")?;
        mails.push(NewMail {
            recipient: row.try_get("email")?,
            language: Language::parse(&language).unwrap_or(Language::English),
            notice: Notice::NewMessage,
            practice: practice.clone(),
            at: message.at,
        });
    }
    outbox::enqueue(conn, engine, sealer, &mails).await?;
    Ok(mails.len())
}

/// Records the notice's time for its thread if the last one is still `last`.
async fn take_turn(conn: &mut AnyConnection, message: &TeamMessage, last: Option<i64>) -> StoreResult<bool> {
    let at = to_millis(message.at);
    let done = match last {
        None => {
            sqlx::query(
                "INSERT INTO thread_notices (thread_id, last_notice_at) VALUES ($1, $2) \
                 ON CONFLICT (thread_id) DO NOTHING",
            )
            .bind(message.thread_id)
            .bind(at)
            .execute(&mut *conn)
            .await?
        }
        Some(last) => {
            sqlx::query("UPDATE thread_notices SET last_notice_at = $1 WHERE thread_id = $2 AND last_notice_at = $3")
                .bind(at)
                .bind(message.thread_id)
                .bind(last)
                .execute(&mut *conn)
                .await?
        }
    };
    Ok(done.rows_affected() == 1)
}
