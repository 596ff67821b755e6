//! The append-only audit log: who did what to which record, for whom, when and from where.

use chrono::{DateTime, Utc};

use sqlx::{Any, Executor};

use super::{to_millis, Db};

/// One audit event. `object` names a thing by kind and id (`policy:3`), never its content.
#[derive(Debug, Clone, Default)]
pub struct AuditEvent<'a> {
    pub actor_user_id: Option<i64>,
    pub subject_user_id: Option<i64>,
    pub action: &'a str,
    pub object: Option<String>,
    pub client_addr: &'a str,
}

pub async fn append(db: &Db, event: &AuditEvent<'_>, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    append_on(&db.pool, event, at).await
}

/// [`append`] on a given connection or transaction (inside the write it records).
pub async fn append_on<'e, E>(exec: E, event: &AuditEvent<'_>, at: DateTime<Utc>) -> Result<(), sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO audit_events (at, actor_user_id, subject_user_id, action, object, client_addr) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(to_millis(at))
    .bind(event.actor_user_id)
    .bind(event.subject_user_id)
    .bind(event.action)
    .bind(event.object.as_deref())
    .bind(event.client_addr)
    .execute(exec)
    .await?;
    Ok(())
}

/// Actions of the events written by this version.
pub mod action {
    pub const SIGN_IN: &str = "auth.sign_in";
    pub const SIGN_IN_FAILED: &str = "auth.sign_in_failed";
    pub const SIGN_OUT: &str = "auth.sign_out";
    pub const POLICY_ACCEPTED: &str = "policy.accepted";
    pub const THREADS_LISTED: &str = "threads.listed";
    pub const THREAD_READ: &str = "thread.read";
    pub const THREAD_MARKED_READ: &str = "thread.marked_read";
    pub const THREAD_CREATED: &str = "thread.created";
    pub const MESSAGE_SENT: &str = "message.sent";
    pub const THREAD_ASSIGNED: &str = "thread.assigned";
    pub const THREAD_CLOSED: &str = "thread.closed";
    pub const THREAD_REOPENED: &str = "thread.reopened";
    pub const ATTACHMENT_UPLOADED: &str = "attachment.uploaded";
    pub const ATTACHMENT_READ: &str = "attachment.read";
}
