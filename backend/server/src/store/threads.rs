//! Threads and their messages. Every read takes the [`Viewer`] and filters with its scope, so
//! a thread outside it is simply not found. Writes take the writer's connection (see
//! [`super::writer`]) and keep the unread counts exact: the patient's on `threads`
//! (`unread_by_patient`), each care-team member's from the thread's count of patient messages
//! and what they had read of them (`team_reads`; see [`unread_sql`]).

use chrono::{DateTime, Utc};
use portal_api::media::MediaType;
use portal_api::{AssignedFilter, AttachmentInfo, Category, Message, Person, Pool, Role, ThreadStatus, ThreadSummary};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Executor, Row};

use super::bound_query::BoundQuery;
use super::db::{from_millis, to_millis, Db, Engine};
use super::error::{StoreError, StoreResult};
use super::thread_scope;
use crate::domain::access::{Side, Viewer};
use crate::sealed_text::{Field, TextSealer};

/// The columns of a [`SummaryRow`], `unread` being the SQL of [`unread_sql`].
fn summary_select(unread: &str) -> String {
    format!(
        "SELECT t.id, t.subject, t.category, t.pool, t.status, t.urgent, \
         t.patient_id, p.name AS patient_name, t.assigned_to, a.name AS assignee_name, a.role AS assignee_role, \
         t.created_at, t.last_message_at, t.message_count, {unread} AS unread \
         FROM threads t JOIN users p ON p.id = t.patient_id LEFT JOIN users a ON a.id = t.assigned_to"
    )
}

/// How many messages of thread `t` the viewer has not read, as SQL (adding to `sql` the
/// argument it needs):
/// - a patient: the care team's messages they have not read (`unread_by_patient`, kept by
///   every send and read);
/// - a member of the care team: the patient's messages since *they* last read the thread.
///   Each member has their own: the front desk opening a message does not mark it read for
///   the physician. A member who never read the thread has not read any of them, except
///   those the team had read before unread counts were kept per person
///   (`team_read_baseline`).
fn unread_sql(viewer: Viewer, sql: &mut BoundQuery) -> String {
    match viewer.side() {
        Side::Patient => "t.unread_by_patient".to_owned(),
        Side::Team => {
            let me = sql.arg(viewer.user_id());
            format!(
                "(t.patient_messages - COALESCE((SELECT r.read_count FROM team_reads r \
                 WHERE r.thread_id = t.id AND r.user_id = {me}), t.team_read_baseline))"
            )
        }
    }
}

/// The same columns as a JSON array, in [`SummaryRow`]'s field order (`x` is the summary
/// subquery), for lists built in one row (see [`list`]). Arrays rather than objects: SQLite
/// builds them in two thirds of the time, and they are shorter to parse.
const SUMMARY_JSON_VALUES: &str = "x.id, x.subject, x.category, x.pool, x.status, x.urgent, x.patient_id, \
     x.patient_name, x.assigned_to, x.assignee_name, x.assignee_role, x.created_at, x.last_message_at, \
     x.message_count, x.unread";

/// One thread as stored, before it becomes a [`ThreadSummary`]. Read from a row, or from a
/// JSON array of [`SUMMARY_JSON_VALUES`] (serde reads a struct from an array by position).
#[derive(Debug, serde::Deserialize)]
struct SummaryRow {
    id: i64,
    subject: String,
    category: String,
    pool: String,
    status: String,
    urgent: i64,
    patient_id: i64,
    patient_name: String,
    assigned_to: Option<i64>,
    assignee_name: Option<String>,
    assignee_role: Option<String>,
    created_at: i64,
    last_message_at: i64,
    message_count: i64,
    unread: i64,
}

/// What a list asks for (see `portal_api::ThreadQuery`).
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub pool: Option<Pool>,
    pub status: Option<ThreadStatus>,
    pub assigned: Option<AssignedFilter>,
}

/// Digits of each part of a cursor: 18 always fit an `i64`.
const MAX_CURSOR_DIGITS: usize = 18;

/// The form of a cursor, as the OpenAPI document states it: three numbers of 1 to
/// [`MAX_CURSOR_DIGITS`] digits (no sign: every part is at least zero) separated by dots.
pub fn cursor_pattern() -> String {
    let part = format!("[0-9]{{1,{MAX_CURSOR_DIGITS}}}");
    format!("^{part}\\.{part}\\.{part}$")
}

/// Position after the last thread of a page: `(urgent, last_message_at, id)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub urgent: i64,
    pub last_message_at: i64,
    pub id: i64,
}

impl Cursor {
    pub fn encode(self) -> String {
        format!("{}.{}.{}", self.urgent, self.last_message_at, self.id)
    }

    pub fn decode(text: &str) -> Option<Self> {
        let mut parts = text.split('.').map(|part| {
            let digits = (1..=MAX_CURSOR_DIGITS).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
            digits.then(|| part.parse::<i64>().ok()).flatten()
        });
        let cursor = Cursor {
            urgent: parts.next()??,
            last_message_at: parts.next()??,
            id: parts.next()??,
        };
        parts.next().is_none().then_some(cursor)
    }
}

/// One page of the viewer's threads, the cursor of the next page, and the viewer's unread
/// total, in one statement answering one row: the page as a JSON array built by the database.
/// (sqlx's SQLite driver hands rows one by one across threads; 51 rows per inbox request cost
/// more than the query itself.)
pub async fn list(
    db: &Db,
    sealer: &TextSealer,
    viewer: Viewer,
    filter: &ListFilter,
    limit: u32,
    after: Option<Cursor>,
) -> StoreResult<(Vec<ThreadSummary>, Option<Cursor>, i64)> {
    // Triage lists (a pool given) put possibly urgent threads first.
    let triage = filter.pool.is_some();
    let mut sql = BoundQuery::new("");
    let scope = sql.arg(thread_scope::arg(viewer.thread_scope()));
    let unread = unread_sql(viewer, &mut sql);
    let mut inner = summary_select(&unread);
    inner.push_str(" WHERE ");
    inner.push_str(&thread_scope::condition(viewer.thread_scope(), &scope));
    if let Some(pool) = filter.pool {
        inner.push_str(&format!(" AND t.pool = {}", sql.arg(pool.as_str().to_owned())));
    }
    if let Some(status) = filter.status {
        inner.push_str(&format!(" AND t.status = {}", sql.arg(status.as_str().to_owned())));
    }
    match filter.assigned {
        Some(AssignedFilter::Me) => inner.push_str(&format!(" AND t.assigned_to = {}", sql.arg(viewer.user_id()))),
        Some(AssignedFilter::Unassigned) => inner.push_str(" AND t.assigned_to IS NULL"),
        None => {}
    }
    if let Some(c) = after {
        if triage {
            let (u, l, i) = (sql.arg(c.urgent), sql.arg(c.last_message_at), sql.arg(c.id));
            inner.push_str(&format!(" AND (t.urgent, t.last_message_at, t.id) < ({u}, {l}, {i})"));
        } else {
            let (l, i) = (sql.arg(c.last_message_at), sql.arg(c.id));
            inner.push_str(&format!(" AND (t.last_message_at, t.id) < ({l}, {i})"));
        }
    }
    let (inner_order, outer_order) = if triage {
        (
            "t.urgent DESC, t.last_message_at DESC, t.id DESC",
            "x.urgent DESC, x.last_message_at DESC, x.id DESC",
        )
    } else {
        ("t.last_message_at DESC, t.id DESC", "x.last_message_at DESC, x.id DESC")
    };
    inner.push_str(&format!(
        " ORDER BY {inner_order} LIMIT {}",
        sql.arg(i64::from(limit) + 1)
    ));
    let aggregate = match db.engine {
        Engine::Sqlite => format!("json_group_array(json_array({SUMMARY_JSON_VALUES}) ORDER BY {outer_order})"),
        Engine::Postgres => {
            format!("CAST(json_agg(json_build_array({SUMMARY_JSON_VALUES}) ORDER BY {outer_order}) AS TEXT)")
        }
    };
    sql.push(&format!(
        "SELECT COALESCE({aggregate}, '[]') AS page, \
         (SELECT CAST(COALESCE(SUM({unread}), 0) AS BIGINT) FROM threads t WHERE {} AND {unread} > 0) AS unread_total \
         FROM ({inner}) x",
        thread_scope::condition(viewer.thread_scope(), &scope)
    ));
    let (text, args) = sql.build()?;
    let row = sqlx::query_with(&text, args).fetch_one(&db.pool).await?;
    let page: String = row.try_get("page")?;
    let unread_total: i64 = row.try_get("unread_total")?;
    let rows: Vec<SummaryRow> =
        serde_json::from_str(&page).map_err(|e| sqlx::Error::Decode(format!("thread list: {e}").into()))?;
    let mut threads = Vec::with_capacity(rows.len());
    for row in rows {
        threads.push(summary(row, sealer)?);
    }
    let next = if threads.len() > limit as usize {
        threads.truncate(limit as usize);
        threads.last().map(|t| Cursor {
            urgent: i64::from(t.urgent),
            last_message_at: to_millis(t.last_message_at),
            id: t.id,
        })
    } else {
        None
    };
    Ok((threads, next, unread_total))
}

/// The viewer's unread messages over every thread they can see.
pub async fn unread_total<'e, E>(exec: E, viewer: Viewer) -> StoreResult<i64>
where
    E: Executor<'e, Database = Any>,
{
    let mut sql = BoundQuery::new("");
    let unread = unread_sql(viewer, &mut sql);
    // SUM of BIGINT is NUMERIC in PostgreSQL: cast back.
    sql.push(&format!(
        "SELECT CAST(COALESCE(SUM({unread}), 0) AS BIGINT) FROM threads t WHERE "
    ));
    let scope = sql.arg(thread_scope::arg(viewer.thread_scope()));
    sql.push(&thread_scope::condition(viewer.thread_scope(), &scope));
    sql.push(&format!(" AND {unread} > 0"));
    let (text, args) = sql.build()?;
    let total: i64 = sqlx::query_scalar_with(&text, args).fetch_one(exec).await?;
    Ok(total)
}

/// One thread, if the viewer may see it.
pub async fn find<'e, E>(
    exec: E,
    sealer: &TextSealer,
    viewer: Viewer,
    thread_id: i64,
) -> StoreResult<Option<ThreadSummary>>
where
    E: Executor<'e, Database = Any>,
{
    let mut sql = BoundQuery::new("");
    let unread = unread_sql(viewer, &mut sql);
    sql.push(&summary_select(&unread));
    let id = sql.arg(thread_id);
    sql.push(" WHERE t.id = ").push(&id).push(" AND ");
    let scope = sql.arg(thread_scope::arg(viewer.thread_scope()));
    sql.push(&thread_scope::condition(viewer.thread_scope(), &scope));
    let (text, args) = sql.build()?;
    let row = sqlx::query_with(&text, args).fetch_optional(exec).await?;
    row.map(|r| summary(summary_row(&r)?, sealer)).transpose()
}

/// The messages of a thread (already checked to be visible), oldest first, with attachments.
pub async fn messages(conn: &mut AnyConnection, sealer: &TextSealer, thread_id: i64) -> StoreResult<Vec<Message>> {
    let rows = sqlx::query(
        "SELECT m.id, m.author_id, u.name, u.role, m.from_patient, m.body, m.created_at, m.read_at, \
         t.patient_id, p.name AS patient_name \
         FROM messages m JOIN users u ON u.id = m.author_id JOIN threads t ON t.id = m.thread_id \
         JOIN users p ON p.id = t.patient_id WHERE m.thread_id = $1 ORDER BY m.id",
    )
    .bind(thread_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut messages = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let author_id: i64 = row.try_get("author_id")?;
        // The patient's side, written by someone else: a person they authorized.
        let for_patient =
            row.try_get::<i64, _>("from_patient")? == 1 && author_id != row.try_get::<i64, _>("patient_id")?;
        messages.push(Message {
            id,
            written_for: match for_patient {
                true => Some(row.try_get("patient_name")?),
                false => None,
            },
            author: Person {
                id: author_id,
                name: row.try_get("name")?,
                role: parse_role(&row.try_get::<String, _>("role")?)?,
            },
            body: open(sealer, Field::MessageBody, id, &row.try_get::<String, _>("body")?)?,
            created_at: from_millis(row.try_get("created_at")?),
            read_at: row.try_get::<Option<i64>, _>("read_at")?.map(from_millis),
            attachments: Vec::new(),
        });
    }
    let attachments = sqlx::query(
        "SELECT a.id, a.message_id, a.filename, a.media_type, a.size FROM attachments a \
         JOIN messages m ON m.id = a.message_id WHERE m.thread_id = $1 ORDER BY a.created_at, a.id",
    )
    .bind(thread_id)
    .fetch_all(&mut *conn)
    .await?;
    for row in &attachments {
        let message_id: i64 = row.try_get("message_id")?;
        let info = AttachmentInfo {
            id: row.try_get("id")?,
            filename: row.try_get("filename")?,
            media_type: parse_media_type(&row.try_get::<String, _>("media_type")?)?,
            size: row.try_get("size")?,
        };
        if let Some(message) = messages.iter_mut().find(|m| m.id == message_id) {
            message.attachments.push(info);
        }
    }
    Ok(messages)
}

/// Marks a thread read by the viewer: the other side's messages get their read receipt (the
/// first reader sets it: the patient sees that the practice read it), and the viewer's unread
/// count becomes 0 (the patient's counter, or this care-team member's own read mark). Answers
/// how many messages got their receipt now.
pub async fn mark_read(
    conn: &mut AnyConnection,
    thread_id: i64,
    viewer: Viewer,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    let side = viewer.side();
    let marked =
        sqlx::query("UPDATE messages SET read_at = $1 WHERE thread_id = $2 AND from_patient = $3 AND read_at IS NULL")
            .bind(to_millis(at))
            .bind(thread_id)
            .bind(side.other().from_patient_flag())
            .execute(&mut *conn)
            .await?
            .rows_affected();
    match side {
        Side::Patient => {
            sqlx::query("UPDATE threads SET unread_by_patient = 0 WHERE id = $1")
                .bind(thread_id)
                .execute(&mut *conn)
                .await?;
        }
        Side::Team => {
            // (SQLite needs the WHERE to read `ON CONFLICT` as the upsert's.)
            sqlx::query(
                "INSERT INTO team_reads (thread_id, user_id, read_count) \
                 SELECT id, $2, patient_messages FROM threads WHERE id = $1 \
                 ON CONFLICT (thread_id, user_id) DO UPDATE SET read_count = excluded.read_count",
            )
            .bind(thread_id)
            .bind(viewer.user_id())
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(i64::try_from(marked).unwrap_or(i64::MAX))
}

pub async fn set_assignee(conn: &mut AnyConnection, thread_id: i64, user_id: Option<i64>) -> StoreResult<()> {
    sqlx::query("UPDATE threads SET assigned_to = $1 WHERE id = $2")
        .bind(user_id)
        .bind(thread_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_status(conn: &mut AnyConnection, thread_id: i64, status: ThreadStatus) -> StoreResult<()> {
    sqlx::query("UPDATE threads SET status = $1 WHERE id = $2")
        .bind(status.as_str())
        .bind(thread_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

fn summary_row(row: &AnyRow) -> StoreResult<SummaryRow> {
    Ok(SummaryRow {
        id: row.try_get("id")?,
        subject: row.try_get("subject")?,
        category: row.try_get("category")?,
        pool: row.try_get("pool")?,
        status: row.try_get("status")?,
        urgent: row.try_get("urgent")?,
        patient_id: row.try_get("patient_id")?,
        patient_name: row.try_get("patient_name")?,
        assigned_to: row.try_get("assigned_to")?,
        assignee_name: row.try_get("assignee_name")?,
        assignee_role: row.try_get("assignee_role")?,
        created_at: row.try_get("created_at")?,
        last_message_at: row.try_get("last_message_at")?,
        message_count: row.try_get("message_count")?,
        unread: row.try_get("unread")?,
    })
}

fn summary(row: SummaryRow, sealer: &TextSealer) -> StoreResult<ThreadSummary> {
    let assigned_to = match (row.assigned_to, row.assignee_name, row.assignee_role) {
        (Some(id), Some(name), Some(role)) => Some(Person {
            id,
            name,
            role: parse_role(&role)?,
        }),
        (None, ..) => None,
        _ => return Err(decode("assigned_to")),
    };
    Ok(ThreadSummary {
        id: row.id,
        subject: open(sealer, Field::ThreadSubject, row.id, &row.subject)?,
        category: Category::parse(&row.category).ok_or_else(|| decode("category"))?,
        pool: Pool::parse(&row.pool).ok_or_else(|| decode("pool"))?,
        status: ThreadStatus::parse(&row.status).ok_or_else(|| decode("status"))?,
        urgent: row.urgent != 0,
        patient: Person {
            id: row.patient_id,
            name: row.patient_name,
            role: Role::Patient,
        },
        assigned_to,
        created_at: from_millis(row.created_at),
        last_message_at: from_millis(row.last_message_at),
        message_count: row.message_count,
        unread: row.unread,
    })
}

/// A subject or body as stored, opened; one that does not open is a damaged row.
fn open(sealer: &TextSealer, field: Field, row_id: i64, stored: &str) -> StoreResult<String> {
    sealer
        .open(field, row_id, stored)
        .map_err(|_| StoreError::Unreadable("a sealed subject or body"))
}

fn parse_role(text: &str) -> StoreResult<Role> {
    text.parse().map_err(|_| decode("role"))
}

pub(crate) fn parse_media_type(text: &str) -> StoreResult<MediaType> {
    [MediaType::Jpeg, MediaType::Png, MediaType::Pdf]
        .into_iter()
        .find(|m| m.mime() == text)
        .ok_or_else(|| decode("media_type"))
}

fn decode(column: &'static str) -> StoreError {
    StoreError::Unreadable(column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        let c = Cursor {
            urgent: 1,
            last_message_at: 1_700_000_000_000,
            id: 42,
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        for junk in ["", "1.2", "1.2.3.4", "a.b.c", "1.2.x"] {
            assert_eq!(Cursor::decode(junk), None, "{junk}");
        }
    }

    /// The OpenAPI document states the cursor's form as [`cursor_pattern`]: decoding accepts
    /// exactly the texts it matches (and every cursor a page can give).
    #[test]
    fn the_cursor_pattern_is_what_decoding_accepts() {
        use rand::{Rng, SeedableRng};
        let re = regex::Regex::new(&cursor_pattern()).expect("pattern");
        let alphabet = ['0', '1', '9', '.', '+', '-', ' ', 'a', '\n'];
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let mut texts: Vec<String> = (0..50_000)
            .map(|_| {
                let len = rng.gen_range(0..9);
                (0..len).map(|_| alphabet[rng.gen_range(0..alphabet.len())]).collect()
            })
            .collect();
        for digits in [17, 18, 19, 20] {
            texts.push(format!("1.{}.3", "9".repeat(digits)));
            texts.push(format!("1.{}.3", "1".repeat(digits)));
        }
        for text in &texts {
            assert_eq!(re.is_match(text), Cursor::decode(text).is_some(), "{text:?}");
        }
        let last = Cursor {
            urgent: 0,
            last_message_at: 4_102_444_800_000,
            id: 999_999_999_999_999_999,
        };
        assert!(re.is_match(&last.encode()));
    }
}
