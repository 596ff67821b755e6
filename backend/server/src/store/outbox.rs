//! The mail outbox: a mail is queued in the same transaction as the change that causes it
//! ([`enqueue`], on the writer's connection), then claimed by a sending worker ([`claim`]),
//! and marked sent ([`mark_sent`]) or failed, to be tried again later or given up
//! ([`mark_failed`]).
//!
//! Several instances on one PostgreSQL database drain one outbox: a claim takes due rows
//! with `FOR UPDATE SKIP LOCKED` and stamps them with the worker's name and a lease, so no
//! two workers hold one mail; a worker that dies leaves its rows to be claimed again when the
//! lease ends. SQLite has one service per file (`lock_for_service`), so one worker.
//!
//! The payload (the practice's name, a code, the patient a grant notice names) is sealed under the service's key, bound to its
//! row, and emptied once the mail is sent; `last_error` names what failed, never an address
//! or a code.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

use super::bound_query::BoundQuery;
use super::db::{to_millis, Db, Engine};
use super::error::{StoreError, StoreResult};
use super::row_ids::{reserve_ids, IdTable};
use crate::domain::mail_retry::AfterFailure;
use crate::domain::notices::{Language, Notice};
use crate::sealed_text::{Field, TextSealer};

/// A mail to queue.
#[derive(Clone)]
pub struct NewMail {
    pub recipient: String,
    pub language: Language,
    pub notice: Notice,
    pub practice: String,
    pub at: DateTime<Utc>,
}

impl std::fmt::Debug for NewMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewMail")
            .field("kind", &self.notice.kind())
            .finish_non_exhaustive()
    }
}

/// What the template needs, sealed at rest.
#[derive(Serialize, Deserialize)]
struct Payload {
    practice: String,
    code: Option<String>,
    /// The patient a grant notice names (absent from the other kinds, and from rows queued
    /// before there were grant notices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    patient: Option<String>,
}

/// A mail a worker holds, to send now.
pub struct ClaimedMail {
    pub id: i64,
    pub recipient: String,
    /// Tries before this one.
    pub attempts: i64,
    /// Its notice, language and practice; an error if the stored row cannot be read.
    pub content: StoreResult<(Notice, Language, String)>,
}

impl std::fmt::Debug for ClaimedMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimedMail")
            .field("id", &self.id)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// Queues `mails` on `conn`, inside the caller's transaction: they are sent only if it
/// commits. Returns their ids.
pub async fn enqueue(
    conn: &mut AnyConnection,
    engine: Engine,
    sealer: &TextSealer,
    mails: &[NewMail],
) -> StoreResult<Vec<i64>> {
    if mails.is_empty() {
        return Ok(Vec::new());
    }
    let ids = reserve_ids(&mut *conn, engine, IdTable::MailOutbox, mails.len()).await?;
    // The ids were reserved from the identity column's sequence (PostgreSQL).
    let overriding = match engine {
        Engine::Postgres => " OVERRIDING SYSTEM VALUE",
        Engine::Sqlite => "",
    };
    let mut sql = BoundQuery::new(&format!(
        "INSERT INTO mail_outbox (id, recipient, kind, language, payload, created_at, next_attempt_at){overriding} VALUES "
    ));
    for (i, (mail, id)) in mails.iter().zip(&ids).enumerate() {
        let payload = serde_json::to_string(&Payload {
            practice: mail.practice.clone(),
            code: mail.notice.code().map(String::from),
            patient: mail.notice.patient().map(String::from),
        })
        .map_err(|_| StoreError::Inconsistent("a mail's payload does not serialise"))?;
        let sealed = sealer
            .seal(Field::MailPayload, *id, &payload)
            .map_err(|_| StoreError::Inconsistent("a mail's payload cannot be sealed"))?;
        let at = to_millis(mail.at);
        let row = format!(
            "{}({}, {}, {}, {}, {}, {}, {})",
            if i == 0 { "" } else { ", " },
            sql.arg(*id),
            sql.arg(mail.recipient.clone()),
            sql.arg(mail.notice.kind()),
            sql.arg(mail.language.as_str()),
            sql.arg(sealed),
            sql.arg(at),
            sql.arg(at),
        );
        sql.push(&row);
    }
    let (text, args) = sql.build_for(engine)?;
    sqlx::query_with(&text, args).execute(&mut *conn).await?;
    Ok(ids)
}

/// Deletes the mails sent or given up before `cutoff`; answers how many.
pub async fn purge_done_before(db: &Db, cutoff: DateTime<Utc>) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM mail_outbox WHERE sent_at < $1 OR failed_at < $1")
        .bind(to_millis(cutoff))
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected())
}

/// The practice's name, as mails sign with it (the portal's name before one is set).
pub async fn practice_name(conn: &mut AnyConnection) -> StoreResult<String> {
    let practice: Option<String> = sqlx::query_scalar("SELECT name FROM practice WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?;
    Ok(practice.unwrap_or_else(|| "Patient Portal".into()))
}

/// Whether a mail is due `now` and free to claim. Read only, so that a worker with nothing
/// to send writes nothing (on SQLite a claim is a write transaction, and an fsync).
pub async fn any_due(db: &Db, now: DateTime<Utc>) -> StoreResult<bool> {
    let due: Option<i64> = sqlx::query_scalar(&format!("SELECT id FROM mail_outbox WHERE {DUE} LIMIT 1"))
        .bind(to_millis(now))
        .fetch_optional(&db.pool)
        .await?;
    Ok(due.is_some())
}

/// A mail not sent, not given up, due at `$1` and not held by a worker whose lease runs.
const DUE: &str = "sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
                   AND (claimed_until IS NULL OR claimed_until <= $1)";

/// Claims up to `limit` due mails for `worker` until `now + lease`: those not sent, not
/// given up, due, and not held by a worker whose lease runs.
pub async fn claim(
    conn: &mut AnyConnection,
    engine: Engine,
    sealer: &TextSealer,
    worker: &str,
    now: DateTime<Utc>,
    lease: TimeDelta,
    limit: i64,
) -> StoreResult<Vec<ClaimedMail>> {
    let skip_locked = match engine {
        Engine::Postgres => " FOR UPDATE SKIP LOCKED",
        Engine::Sqlite => "",
    };
    let text = format!(
        "UPDATE mail_outbox SET claimed_by = $2, claimed_until = $3 WHERE id IN (\
           SELECT id FROM mail_outbox WHERE {DUE} \
           ORDER BY next_attempt_at, id LIMIT $4{skip_locked}) \
         RETURNING id, recipient, kind, language, payload, attempts"
    );
    let rows = sqlx::query(&text)
        .bind(to_millis(now))
        .bind(worker)
        .bind(to_millis(now + lease))
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    let mut claimed = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let kind: String = row.try_get("kind")?;
        let language: String = row.try_get("language")?;
        let payload: String = row.try_get("payload")?;
        claimed.push(ClaimedMail {
            id,
            recipient: row.try_get("recipient")?,
            attempts: row.try_get("attempts")?,
            content: content(sealer, id, &kind, &language, &payload),
        });
    }
    claimed.sort_by_key(|m| m.id);
    Ok(claimed)
}

fn content(
    sealer: &TextSealer,
    id: i64,
    kind: &str,
    language: &str,
    payload: &str,
) -> StoreResult<(Notice, Language, String)> {
    let opened = sealer
        .open(Field::MailPayload, id, payload)
        .map_err(|_| StoreError::Unreadable("mail_outbox.payload"))?;
    let payload: Payload = serde_json::from_str(&opened).map_err(|_| StoreError::Unreadable("mail_outbox.payload"))?;
    let notice = Notice::from_stored(kind, payload.code, payload.patient)
        .map_err(|_| StoreError::Unreadable("mail_outbox.kind"))?;
    let language = Language::parse(language).map_err(|_| StoreError::Unreadable("mail_outbox.language"))?;
    Ok((notice, language, payload.practice))
}

/// Marks a mail `worker` holds as sent and forgets its payload. False if the worker no
/// longer held it.
pub async fn mark_sent(conn: &mut AnyConnection, id: i64, worker: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let done = sqlx::query(
        "UPDATE mail_outbox SET sent_at = $1, attempts = attempts + 1, payload = '', \
         claimed_by = NULL, claimed_until = NULL, last_error = NULL \
         WHERE id = $2 AND claimed_by = $3 AND sent_at IS NULL",
    )
    .bind(to_millis(now))
    .bind(id)
    .bind(worker)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed try of a mail `worker` holds: tried again after the delay, or given up
/// (its payload forgotten). `error` names what failed (never an address or a code).
pub async fn mark_failed(
    conn: &mut AnyConnection,
    id: i64,
    worker: &str,
    now: DateTime<Utc>,
    after: AfterFailure,
    error: &str,
) -> StoreResult<bool> {
    let query = match after {
        AfterFailure::RetryIn(delay) => sqlx::query(
            "UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2, \
             claimed_by = NULL, claimed_until = NULL WHERE id = $3 AND claimed_by = $4 AND sent_at IS NULL",
        )
        .bind(to_millis(now + delay)),
        AfterFailure::GiveUp => sqlx::query(
            "UPDATE mail_outbox SET attempts = attempts + 1, failed_at = $1, last_error = $2, payload = '', \
             claimed_by = NULL, claimed_until = NULL WHERE id = $3 AND claimed_by = $4 AND sent_at IS NULL",
        )
        .bind(to_millis(now)),
    };
    let done = query.bind(error).bind(id).bind(worker).execute(&mut *conn).await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests;
