//! Attachment rows and their sealed bytes. An attachment belongs to its uploader until a send
//! ties it to a message; from then on whoever may see the message's thread may read it.

use chrono::{DateTime, Utc};
use portal_api::media::MediaType;
use portal_api::AttachmentInfo;
use sqlx::{Any, AnyConnection, Executor, Row};

use super::bound_query::BoundQuery;
use super::db::{to_millis, Engine};
use super::error::StoreResult;
use super::thread_scope;
use super::threads::parse_media_type;
use crate::attachments::cipher::SealedBlob;
use crate::domain::access::Viewer;

pub struct NewAttachment<'a> {
    pub id: &'a str,
    pub owner_id: i64,
    pub filename: &'a str,
    pub media_type: MediaType,
    pub size: i64,
    pub at: DateTime<Utc>,
    pub blob: SealedBlob,
}

pub async fn insert(conn: &mut AnyConnection, new: NewAttachment<'_>) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO attachments (id, owner_id, message_id, filename, media_type, size, created_at) \
         VALUES ($1, $2, NULL, $3, $4, $5, $6)",
    )
    .bind(new.id)
    .bind(new.owner_id)
    .bind(new.filename)
    .bind(new.media_type.mime())
    .bind(new.size)
    .bind(to_millis(new.at))
    .execute(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO attachment_blobs (attachment_id, key_id, nonce, sealed) VALUES ($1, $2, $3, $4)")
        .bind(new.id)
        .bind(new.blob.key_id)
        .bind(new.blob.nonce)
        .bind(new.blob.sealed)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// How many uploads of `owner_id` are not sent yet.
pub async fn unsent_count<'e, E>(exec: E, owner_id: i64) -> StoreResult<i64>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query_scalar("SELECT COUNT(*) FROM attachments WHERE owner_id = $1 AND message_id IS NULL")
        .bind(owner_id)
        .fetch_one(exec)
        .await
        .map_err(Into::into)
}

/// [`unsent_count`] inside a write transaction, counted after every other transaction that
/// counts the same person's uploads has committed: SQLite has one writer at a time; on
/// PostgreSQL the person's row is locked first (several instances may share the database).
pub async fn unsent_count_for_update(conn: &mut AnyConnection, engine: Engine, owner_id: i64) -> StoreResult<i64> {
    if engine == Engine::Postgres {
        sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
            .bind(owner_id)
            .execute(&mut *conn)
            .await?;
    }
    unsent_count(&mut *conn, owner_id).await
}

/// Deletes uploads not sent by `cutoff` (their bytes first); answers how many.
pub async fn delete_unsent_before(conn: &mut AnyConnection, cutoff: DateTime<Utc>) -> StoreResult<u64> {
    sqlx::query(
        "DELETE FROM attachment_blobs WHERE attachment_id IN \
         (SELECT id FROM attachments WHERE message_id IS NULL AND created_at < $1)",
    )
    .bind(to_millis(cutoff))
    .execute(&mut *conn)
    .await?;
    let deleted = sqlx::query("DELETE FROM attachments WHERE message_id IS NULL AND created_at < $1")
        .bind(to_millis(cutoff))
        .execute(&mut *conn)
        .await?;
    Ok(deleted.rows_affected())
}

/// True when every id is an upload of `owner_id` not sent yet (no ids: true).
pub async fn all_unsent_of(conn: &mut AnyConnection, owner_id: i64, ids: &[String]) -> StoreResult<bool> {
    if ids.is_empty() {
        return Ok(true);
    }
    let mut sql = BoundQuery::new("SELECT COUNT(*) FROM attachments WHERE ");
    unsent_of(&mut sql, owner_id, ids);
    let (text, args) = sql.build()?;
    let found: i64 = sqlx::query_scalar_with(&text, args).fetch_one(&mut *conn).await?;
    Ok(found == ids.len() as i64)
}

/// Ties unsent uploads of `owner_id` to `message_id`. Answers false (and changes nothing the
/// caller keeps: it runs in the send's savepoint) when any id is not such an upload.
pub async fn attach(conn: &mut AnyConnection, owner_id: i64, ids: &[String], message_id: i64) -> StoreResult<bool> {
    if ids.is_empty() {
        return Ok(true);
    }
    let mut sql = BoundQuery::new("UPDATE attachments SET message_id = ");
    let m = sql.arg(message_id);
    sql.push(&m).push(" WHERE ");
    unsent_of(&mut sql, owner_id, ids);
    let (text, args) = sql.build()?;
    let updated = sqlx::query_with(&text, args).execute(&mut *conn).await?.rows_affected();
    Ok(updated == ids.len() as u64)
}

/// The condition "one of `ids`, uploaded by `owner_id`, not sent yet".
fn unsent_of(sql: &mut BoundQuery, owner_id: i64, ids: &[String]) {
    let o = sql.arg(owner_id);
    sql.push("message_id IS NULL AND owner_id = ")
        .push(&o)
        .push(" AND id IN (");
    for (i, id) in ids.iter().enumerate() {
        let p = sql.arg(id.clone());
        if i > 0 {
            sql.push(", ");
        }
        sql.push(&p);
    }
    sql.push(")");
}

/// An attachment the viewer may read, with its sealed bytes and the patient it concerns.
pub struct StoredAttachment {
    pub info: AttachmentInfo,
    pub blob: SealedBlob,
    /// The patient of the thread, or the uploader while it is not sent.
    pub subject_user_id: i64,
}

pub async fn find_readable<'e, E>(exec: E, viewer: Viewer, id: &str) -> StoreResult<Option<StoredAttachment>>
where
    E: Executor<'e, Database = Any>,
{
    let mut sql = BoundQuery::new(
        "SELECT a.id, a.owner_id, a.filename, a.media_type, a.size, b.key_id, b.nonce, b.sealed, t.patient_id \
         FROM attachments a JOIN attachment_blobs b ON b.attachment_id = a.id \
         LEFT JOIN messages m ON m.id = a.message_id LEFT JOIN threads t ON t.id = m.thread_id WHERE a.id = ",
    );
    let a = sql.arg(id.to_owned());
    sql.push(&a).push(" AND ((a.message_id IS NULL AND a.owner_id = ");
    let owner = sql.arg(viewer.user_id());
    sql.push(&owner).push(") OR (a.message_id IS NOT NULL AND ");
    let scope = sql.arg(thread_scope::arg(viewer.thread_scope()));
    sql.push(&thread_scope::condition(viewer.thread_scope(), &scope))
        .push("))");
    let (text, args) = sql.build()?;
    let Some(row) = sqlx::query_with(&text, args).fetch_optional(exec).await? else {
        return Ok(None);
    };
    let owner_id: i64 = row.try_get("owner_id")?;
    Ok(Some(StoredAttachment {
        info: AttachmentInfo {
            id: row.try_get("id")?,
            filename: row.try_get("filename")?,
            media_type: parse_media_type(&row.try_get::<String, _>("media_type")?)?,
            size: row.try_get("size")?,
        },
        blob: SealedBlob {
            key_id: row.try_get("key_id")?,
            nonce: row.try_get("nonce")?,
            sealed: row.try_get("sealed")?,
        },
        subject_user_id: row.try_get::<Option<i64>, _>("patient_id")?.unwrap_or(owner_id),
    }))
}
