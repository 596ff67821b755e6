//! Sends, stored as a set: every send waiting in a write batch is checked and stored with a
//! fixed number of statements (about seven, plus two per send that carries attachments),
//! however many there are.
//!
//! Why: on SQLite each statement crosses to sqlx's connection thread and back, and that
//! hand-off, not SQLite, was most of a batch's time: five statements per send made a batch of
//! 32 sends take 14 ms before its COMMIT (docs/benchmarks.md).
//!
//! The answers are those of running the sends one after another in queue order:
//! 1. a key already stored answers its first result (same content) or 409 (other content);
//! 2. a key taken by an earlier send of the batch answers like 1, from that send;
//! 3. a reply to a thread outside the sender's scope answers 404;
//! 4. attachments that are not unsent uploads of the sender (or an earlier send of the batch
//!    took them) answer 404;
//! 5. everything else is stored, and answered once the batch commits.
//!
//! Nothing is written for a refused send. A statement that fails fails the whole batch (its
//! callers retry with their keys), as it means something unexpected.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use portal_api::{Category, SendReceipt};
use sqlx::{AnyConnection, Row};

use super::audit::{action, AuditRow};
use super::bound_query::BoundQuery;
use super::thread_scope;
use super::writer_transaction::WriterTransaction;
use super::{attachments, from_millis, to_millis, Engine};
use crate::domain::access::Viewer;
use crate::domain::sending::{self, Decision, SendFacts, ThreadEffect};
use crate::error::ApiError;
use crate::sealed_text::{Field, TextSealer};

/// The most sends one call can take. A batch's sends become one `UNION ALL` term and one `OR`
/// term each: SQLite allows 500 terms in a compound SELECT and an expression depth of 1,000.
pub(crate) const MAX_SENDS: usize = 500;

/// Where a send goes.
#[derive(Debug, Clone)]
pub enum SendTarget {
    /// A new thread (patients only; checked before queueing).
    NewThread {
        category: Category,
        subject: String,
    },
    Reply {
        thread_id: i64,
    },
}

/// One send, checked for shape and waiting for the writer.
#[derive(Debug, Clone)]
pub struct PendingSend {
    pub viewer: Viewer,
    pub target: SendTarget,
    pub body: String,
    /// The words suggest an emergency (raises the thread's urgency).
    pub urgent: bool,
    pub attachment_ids: Vec<String>,
    pub idempotency_key: String,
    /// SHA-256 of what was sent: a retried key must carry the same content.
    pub request_hash: String,
    pub client_addr: String,
    pub at: DateTime<Utc>,
}

/// What the batch's sends came to, index for index, and the audit rows of those stored.
pub struct Applied {
    pub answers: Vec<Result<SendReceipt, ApiError>>,
    pub audit: Vec<AuditRow>,
    /// The patients whose threads got messages.
    pub changed_patients: Vec<i64>,
}

/// A send the batch will store.
struct Stored {
    index: usize,
    thread_id: i64,
    message_id: i64,
    /// The thread's patient (for the audit record).
    patient_id: i64,
}

/// A key as stored before this batch.
struct StoredKey {
    request_hash: String,
    receipt: SendReceipt,
}

/// Checks and stores `sends` (not empty) in the writer's open transaction; `begin` is sent
/// with the first statement if it has not been yet.
pub async fn apply(
    conn: &mut AnyConnection,
    engine: Engine,
    begin: &mut WriterTransaction,
    sends: &[PendingSend],
    sealer: &TextSealer,
) -> Result<Applied, sqlx::Error> {
    let stored_keys = stored_keys(conn, engine, begin, sends).await?;
    let replies: Vec<(Viewer, i64)> = sends
        .iter()
        .filter_map(|s| match s.target {
            SendTarget::Reply { thread_id } => Some((s.viewer, thread_id)),
            SendTarget::NewThread { .. } => None,
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let patients = patients_of(conn, engine, &replies).await?;

    // Whether each send's attachments are the sender's unsent uploads (as stored before).
    let mut attachments_ok = Vec::with_capacity(sends.len());
    for send in sends {
        attachments_ok.push(
            send.attachment_ids.is_empty()
                || attachments::all_unsent_of(conn, send.viewer.user_id(), &send.attachment_ids).await?,
        );
    }
    let facts: Vec<SendFacts<'_>> = sends
        .iter()
        .zip(&attachments_ok)
        .map(|(send, &attachments_are_senders_unsent)| SendFacts {
            sender_id: send.viewer.user_id(),
            key: &send.idempotency_key,
            request_hash: &send.request_hash,
            reply_reaches_thread: match send.target {
                SendTarget::Reply { thread_id } => Some(patients.contains_key(&(send.viewer, thread_id))),
                SendTarget::NewThread { .. } => None,
            },
            attachment_ids: &send.attachment_ids,
            attachments_are_senders_unsent,
        })
        .collect();
    let stored_of = |i: usize| stored_keys.get(&(sends[i].viewer.user_id(), sends[i].idempotency_key.clone()));
    let decisions = sending::decide(&facts, |i| stored_of(i).map(|k| k.request_hash.as_str()));

    let mut answers: Vec<Option<Result<SendReceipt, ApiError>>> = (0..sends.len()).map(|_| None).collect();
    let mut to_store: Vec<usize> = Vec::new();
    let mut duplicates: Vec<(usize, usize)> = Vec::new();
    for (i, decision) in decisions.iter().enumerate() {
        match *decision {
            Decision::AnswerStored => answers[i] = stored_of(i).map(|k| Ok(k.receipt.clone())),
            Decision::KeyReused => answers[i] = Some(Err(key_reused())),
            Decision::NotFound => answers[i] = Some(Err(ApiError::NotFound)),
            Decision::AsSend(owner) => duplicates.push((i, owner)),
            Decision::Store => to_store.push(i),
        }
    }

    let stored = store(conn, engine, sends, &to_store, &patients, sealer).await?;
    let mut audit = Vec::with_capacity(stored.len() + 1);
    for s in &stored {
        let send = &sends[s.index];
        answers[s.index] = Some(Ok(SendReceipt {
            thread_id: s.thread_id,
            message_id: s.message_id,
            created_at: send.at,
        }));
        let row = |what: &'static str, object: String| AuditRow {
            at_ms: to_millis(send.at),
            actor_user_id: Some(send.viewer.user_id()),
            subject_user_id: Some(s.patient_id),
            action: what,
            object: Some(object),
            client_addr: send.client_addr.clone(),
        };
        if matches!(send.target, SendTarget::NewThread { .. }) {
            audit.push(row(action::THREAD_CREATED, format!("thread:{}", s.thread_id)));
        }
        audit.push(row(action::MESSAGE_SENT, format!("message:{}", s.message_id)));
    }
    for (i, owner) in duplicates {
        answers[i] = Some(match &answers[owner] {
            Some(Ok(receipt)) if sending::answers_as_owner(&sends[i].request_hash, &sends[owner].request_hash) => {
                Ok(receipt.clone())
            }
            Some(Ok(_)) => Err(key_reused()),
            // Owners are stored: every one has its receipt by now.
            _ => Err(ApiError::Internal("a send of the batch has no answer".into())),
        });
    }
    Ok(Applied {
        changed_patients: stored.iter().map(|s| s.patient_id).collect(),
        answers: answers
            .into_iter()
            .map(|a| a.unwrap_or_else(|| Err(ApiError::Internal("a send of the batch has no answer".into()))))
            .collect(),
        audit,
    })
}

fn key_reused() -> ApiError {
    ApiError::Conflict(
        "This Idempotency-Key was already used for a different message. Use a new key for a new message.".into(),
    )
}

/// The keys of `sends` stored by earlier batches, with what they answered.
async fn stored_keys(
    conn: &mut AnyConnection,
    engine: Engine,
    begin: &mut WriterTransaction,
    sends: &[PendingSend],
) -> Result<HashMap<(i64, String), StoredKey>, sqlx::Error> {
    let mut sql = BoundQuery::new(&format!(
        "{}SELECT k.user_id, k.key, k.request_hash, k.thread_id, k.message_id, m.created_at \
         FROM idempotency_keys k JOIN messages m ON m.id = k.message_id WHERE ",
        begin.prefix()
    ));
    for (i, send) in sends.iter().enumerate() {
        let (u, k) = (sql.arg(send.viewer.user_id()), sql.arg(send.idempotency_key.clone()));
        sql.push(if i == 0 { "" } else { " OR " });
        sql.push(&format!("(k.user_id = {u} AND k.key = {k})"));
    }
    let (text, args) = sql.build_for(engine)?;
    let rows = sqlx::query_with(&text, args).fetch_all(&mut *conn).await?;
    let mut keys = HashMap::with_capacity(rows.len());
    for row in rows {
        keys.insert(
            (row.try_get::<i64, _>("user_id")?, row.try_get::<String, _>("key")?),
            StoredKey {
                request_hash: row.try_get("request_hash")?,
                receipt: SendReceipt {
                    thread_id: row.try_get("thread_id")?,
                    message_id: row.try_get("message_id")?,
                    created_at: from_millis(row.try_get("created_at")?),
                },
            },
        );
    }
    Ok(keys)
}

/// The patient of each (viewer, thread) the viewer may see; pairs outside the viewer's scope
/// (or naming no thread) are absent.
async fn patients_of(
    conn: &mut AnyConnection,
    engine: Engine,
    pairs: &[(Viewer, i64)],
) -> Result<HashMap<(Viewer, i64), i64>, sqlx::Error> {
    if pairs.is_empty() {
        return Ok(HashMap::new());
    }
    let mut sql = BoundQuery::new("");
    for (n, (viewer, thread_id)) in pairs.iter().enumerate() {
        let (i, t, scope) = (
            sql.arg(n as i64),
            sql.arg(*thread_id),
            sql.arg(thread_scope::arg(viewer.thread_scope())),
        );
        sql.push(if n == 0 { "" } else { " UNION ALL " });
        sql.push(&format!(
            "SELECT {i} AS n, t.patient_id FROM threads t WHERE t.id = {t} AND {}",
            thread_scope::condition(viewer.thread_scope(), &scope)
        ));
    }
    let (text, args) = sql.build_for(engine)?;
    let rows = sqlx::query_with(&text, args).fetch_all(&mut *conn).await?;
    let mut patients = HashMap::with_capacity(rows.len());
    for row in rows {
        let n: i64 = row.try_get("n")?;
        let pair = usize::try_from(n)
            .ok()
            .and_then(|n| pairs.get(n))
            .ok_or(sqlx::Error::RowNotFound)?;
        patients.insert(*pair, row.try_get::<i64, _>("patient_id")?);
    }
    Ok(patients)
}

fn seal(sealer: &TextSealer, field: Field, row_id: i64, text: &str) -> Result<String, sqlx::Error> {
    sealer
        .seal(field, row_id, text)
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// Writes the sends at `indexes` (all checked): their new threads, messages, the threads'
/// counters, attachments and keys.
async fn store(
    conn: &mut AnyConnection,
    engine: Engine,
    sends: &[PendingSend],
    indexes: &[usize],
    patients: &HashMap<(Viewer, i64), i64>,
    sealer: &TextSealer,
) -> Result<Vec<Stored>, sqlx::Error> {
    if indexes.is_empty() {
        return Ok(Vec::new());
    }
    let new_threads: Vec<usize> = indexes
        .iter()
        .copied()
        .filter(|&i| matches!(sends[i].target, SendTarget::NewThread { .. }))
        .collect();
    let mut thread_ids = reserve_ids(conn, engine, IdTable::Threads, new_threads.len())
        .await?
        .into_iter();
    let mut message_ids = reserve_ids(conn, engine, IdTable::Messages, indexes.len())
        .await?
        .into_iter();
    let mut stored = Vec::with_capacity(indexes.len());
    for &i in indexes {
        let send = &sends[i];
        let (thread_id, patient_id) = match send.target {
            SendTarget::NewThread { .. } => (thread_ids.next(), Some(send.viewer.user_id())),
            SendTarget::Reply { thread_id } => (Some(thread_id), patients.get(&(send.viewer, thread_id)).copied()),
        };
        stored.push(Stored {
            index: i,
            thread_id: thread_id.ok_or(sqlx::Error::RowNotFound)?,
            message_id: message_ids.next().ok_or(sqlx::Error::RowNotFound)?,
            patient_id: patient_id.ok_or(sqlx::Error::RowNotFound)?,
        });
    }
    let overriding = match engine {
        // Ids are given here (reserved above); PostgreSQL's identity columns must be told.
        Engine::Postgres => " OVERRIDING SYSTEM VALUE",
        Engine::Sqlite => "",
    };

    let created: Vec<&Stored> = stored
        .iter()
        .filter(|s| matches!(sends[s.index].target, SendTarget::NewThread { .. }))
        .collect();
    if !created.is_empty() {
        let mut sql = BoundQuery::new(&format!(
            "INSERT INTO threads (id, patient_id, category, pool, subject, status, urgent, assigned_to, created_by, \
             created_at, last_message_at, message_count, unread_by_patient, patient_messages){overriding} VALUES "
        ));
        for (n, s) in created.iter().enumerate() {
            let send = &sends[s.index];
            let SendTarget::NewThread { category, subject } = &send.target else {
                continue;
            };
            let values = [
                sql.arg(s.thread_id),
                sql.arg(s.patient_id),
                sql.arg(category.as_str().to_owned()),
                sql.arg(category.pool().as_str().to_owned()),
                sql.arg(seal(sealer, Field::ThreadSubject, s.thread_id, subject)?),
                sql.arg(i64::from(send.urgent)),
                sql.arg(send.viewer.user_id()),
                sql.arg(to_millis(send.at)),
            ];
            let [id, patient, cat, pool, subj, urgent, by, at] = values;
            sql.push(if n == 0 { "" } else { ", " });
            sql.push(&format!(
                "({id}, {patient}, {cat}, {pool}, {subj}, 'open', {urgent}, NULL, {by}, {at}, {at}, 0, 0, 0)"
            ));
        }
        let (text, args) = sql.build_for(engine)?;
        sqlx::query_with(&text, args).execute(&mut *conn).await?;
    }

    let mut sql = BoundQuery::new(&format!(
        "INSERT INTO messages (id, thread_id, author_id, from_patient, body, created_at, read_at){overriding} VALUES "
    ));
    for (n, s) in stored.iter().enumerate() {
        let send = &sends[s.index];
        let values = [
            sql.arg(s.message_id),
            sql.arg(s.thread_id),
            sql.arg(send.viewer.user_id()),
            sql.arg(send.viewer.side().from_patient_flag()),
            sql.arg(seal(sealer, Field::MessageBody, s.message_id, &send.body)?),
            sql.arg(to_millis(send.at)),
        ];
        sql.push(if n == 0 { "" } else { ", " });
        sql.push(&format!("({}, NULL)", values.join(", ")));
    }
    let (text, args) = sql.build_for(engine)?;
    sqlx::query_with(&text, args).execute(&mut *conn).await?;

    update_threads(conn, engine, sends, &stored).await?;

    for s in &stored {
        let send = &sends[s.index];
        // Checked before (and claimed once in the batch): anything else is unexpected.
        if !attachments::attach(conn, send.viewer.user_id(), &send.attachment_ids, s.message_id).await? {
            return Err(sqlx::Error::RowNotFound);
        }
    }

    // A unique violation here means another instance stores the same key right now
    // (PostgreSQL, several servers): the batch fails, and the client's retry is answered.
    let mut sql = BoundQuery::new(
        "INSERT INTO idempotency_keys (user_id, key, request_hash, thread_id, message_id, created_at) VALUES ",
    );
    for (n, s) in stored.iter().enumerate() {
        let send = &sends[s.index];
        let values = [
            sql.arg(send.viewer.user_id()),
            sql.arg(send.idempotency_key.clone()),
            sql.arg(send.request_hash.clone()),
            sql.arg(s.thread_id),
            sql.arg(s.message_id),
            sql.arg(to_millis(send.at)),
        ];
        sql.push(if n == 0 { "" } else { ", " });
        sql.push(&format!("({})", values.join(", ")));
    }
    let (text, args) = sql.build_for(engine)?;
    sqlx::query_with(&text, args).execute(&mut *conn).await?;
    Ok(stored)
}

/// What the batch's messages do to each thread ([`sending::ThreadEffect`], decided in Rust),
/// applied in one UPDATE: the latest activity time, the message count, the patient's unread
/// counter and the count of patient messages (from which each care-team member's unread count
/// follows), and the effect's reopening, taking and raising of urgency.
async fn update_threads(
    conn: &mut AnyConnection,
    engine: Engine,
    sends: &[PendingSend],
    stored: &[Stored],
) -> Result<(), sqlx::Error> {
    let mut order: Vec<i64> = Vec::new();
    let mut effects: HashMap<i64, ThreadEffect> = HashMap::new();
    for s in stored {
        let send = &sends[s.index];
        let effect = effects.entry(s.thread_id).or_insert_with(|| {
            order.push(s.thread_id);
            ThreadEffect::default()
        });
        effect.add(
            send.viewer.side(),
            send.viewer.user_id(),
            to_millis(send.at),
            send.urgent,
        );
    }
    // VALUES columns are column1, column2, … in both SQLite and PostgreSQL.
    let mut sql = BoundQuery::new(
        "UPDATE threads SET last_message_at = v.column2, \
         message_count = message_count + v.column3 + v.column4, \
         patient_messages = patient_messages + v.column3, unread_by_patient = unread_by_patient + v.column4, \
         status = CASE WHEN v.column7 = 1 THEN 'open' ELSE status END, \
         assigned_to = COALESCE(assigned_to, CAST(v.column5 AS BIGINT)), \
         urgent = CASE WHEN v.column6 = 1 THEN 1 ELSE urgent END \
         FROM (VALUES ",
    );
    for (n, thread_id) in order.iter().enumerate() {
        let effect = &effects[thread_id];
        let values = [
            sql.arg(*thread_id),
            sql.arg(effect.last_message_at_ms),
            sql.arg(effect.from_patient),
            sql.arg(effect.from_team),
            sql.arg(effect.takes_if_unassigned),
            sql.arg(i64::from(effect.raises_urgency)),
            sql.arg(i64::from(effect.reopens)),
        ];
        sql.push(if n == 0 { "" } else { ", " });
        sql.push(&format!("({})", values.join(", ")));
    }
    sql.push(") AS v WHERE threads.id = v.column1");
    let (text, args) = sql.build_for(engine)?;
    sqlx::query_with(&text, args).execute(&mut *conn).await?;
    Ok(())
}

#[derive(Debug, Clone, Copy)]
enum IdTable {
    Threads,
    Messages,
}

impl IdTable {
    fn name(self) -> &'static str {
        match self {
            IdTable::Threads => "threads",
            IdTable::Messages => "messages",
        }
    }
}

/// `n` new ids for `table`, in increasing order, so that rows can be written many per
/// statement and still be told apart. SQLite: the writer holds the write lock (BEGIN
/// IMMEDIATE), so nothing else inserts before the batch commits; ids stay above every id ever
/// given (AUTOINCREMENT's promise). PostgreSQL: from the identity column's sequence, safe with
/// several instances.
async fn reserve_ids(
    conn: &mut AnyConnection,
    engine: Engine,
    table: IdTable,
    n: usize,
) -> Result<Vec<i64>, sqlx::Error> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let name = table.name();
    let count = i64::try_from(n).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    match engine {
        Engine::Sqlite => {
            let last: i64 = sqlx::query_scalar(&format!(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{name}'), 0), \
                 COALESCE((SELECT MAX(id) FROM {name}), 0))"
            ))
            .fetch_one(&mut *conn)
            .await?;
            Ok((last + 1..=last + count).collect())
        }
        Engine::Postgres => {
            let mut ids: Vec<i64> = sqlx::query_scalar(&format!(
                "SELECT nextval(pg_get_serial_sequence('{name}', 'id')) FROM generate_series(1, $1)"
            ))
            .bind(count)
            .fetch_all(&mut *conn)
            .await?;
            ids.sort_unstable();
            Ok(ids)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Db;
    use sqlx::Executor;

    const ANN: i64 = 1;
    const BEN: i64 = 2;
    const DOCTOR: i64 = 3;

    /// A migrated SQLite database with two patients, a physician, and one thread of Ann's.
    async fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        db.pool
            .execute(
                "INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES \
                 (1, 'ann@x.test', 'Ann', 'patient', '', 0), (2, 'ben@x.test', 'Ben', 'patient', '', 0), \
                 (3, 'doc@x.test', 'Doc', 'physician', '', 0); \
                 INSERT INTO threads (id, patient_id, category, pool, subject, status, urgent, created_by, \
                 created_at, last_message_at, message_count, unread_by_patient, patient_messages) \
                 VALUES (10, 1, 'other', 'front_desk', 'Hello', 'closed', 0, 1, 0, 0, 0, 0, 0)",
            )
            .await
            .expect("seed");
        (dir, db)
    }

    fn send(viewer: Viewer, target: SendTarget, key: &str, body: &str) -> PendingSend {
        PendingSend {
            viewer,
            target,
            body: body.into(),
            urgent: false,
            attachment_ids: Vec::new(),
            idempotency_key: key.into(),
            request_hash: format!("hash of {body}"),
            client_addr: "127.0.0.1".into(),
            at: DateTime::from_timestamp(1_800_000_000, 0).expect("time"),
        }
    }

    async fn apply_in_transaction(db: &Db, sends: &[PendingSend]) -> Applied {
        let mut conn = db.pool.acquire().await.expect("conn");
        // The BEGIN goes with apply's first statement, as in the writer.
        let mut begin = WriterTransaction::open(&mut conn, Engine::Sqlite).await.expect("begin");
        let applied = apply(
            &mut conn,
            Engine::Sqlite,
            &mut begin,
            sends,
            &crate::sealed_text::tests_support::sealer(),
        )
        .await
        .expect("apply");
        conn.execute("COMMIT").await.expect("commit");
        applied
    }

    fn code(answer: &Result<SendReceipt, ApiError>) -> Option<portal_api::ErrorCode> {
        answer.as_ref().err().map(ApiError::code)
    }

    #[tokio::test]
    async fn a_batch_answers_as_if_its_sends_ran_one_after_another() {
        let (_dir, db) = db().await;
        let reply = SendTarget::Reply { thread_id: 10 };
        let new = || SendTarget::NewThread {
            category: Category::MedicalQuestion,
            subject: "Rash".into(),
        };
        let sends = [
            send(Viewer::Patient(ANN), reply.clone(), "a", "first"),
            send(Viewer::Patient(ANN), reply.clone(), "a", "first"), // a retry in the same batch
            send(Viewer::Patient(ANN), reply.clone(), "a", "other words"), // the key, reused
            send(Viewer::Patient(BEN), reply.clone(), "b", "not his thread"),
            send(Viewer::Patient(BEN), new(), "a", "his own key a"),
            send(
                Viewer::Physician(DOCTOR),
                reply.clone(),
                "d",
                "no relationship, not assigned",
            ),
        ];
        let applied = apply_in_transaction(&db, &sends).await;
        let a = applied.answers[0].as_ref().expect("stored");
        assert_eq!(applied.answers[1].as_ref().expect("same answer"), a);
        assert_eq!(code(&applied.answers[2]), Some(portal_api::ErrorCode::Conflict));
        assert_eq!(code(&applied.answers[3]), Some(portal_api::ErrorCode::NotFound));
        let ben = applied.answers[4].as_ref().expect("Ben's new thread");
        assert_ne!(ben.thread_id, 10);
        assert!(ben.message_id > a.message_id, "ids follow the queue order");
        assert_eq!(code(&applied.answers[5]), Some(portal_api::ErrorCode::NotFound));
        assert_eq!(applied.changed_patients, vec![ANN, BEN]);
        assert_eq!(applied.audit.len(), 3, "a message, and a thread and its message");

        let (status, count, from_patient): (String, i64, i64) =
            sqlx::query_as("SELECT status, message_count, patient_messages FROM threads WHERE id = 10")
                .fetch_one(&db.pool)
                .await
                .expect("thread");
        assert_eq!(
            (status.as_str(), count, from_patient),
            ("open", 1, 1),
            "a patient's message reopens"
        );
        let messages: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
            .fetch_one(&db.pool)
            .await
            .expect("count");
        assert_eq!(messages, 2);

        // The next batch answers the stored keys from the database.
        let again = apply_in_transaction(&db, &sends[..3]).await;
        assert_eq!(again.answers[0].as_ref().expect("stored before"), a);
        assert_eq!(again.answers[1].as_ref().expect("stored before"), a);
        assert_eq!(code(&again.answers[2]), Some(portal_api::ErrorCode::Conflict));
        assert!(again.changed_patients.is_empty() && again.audit.is_empty());
    }

    #[tokio::test]
    async fn a_care_team_reply_takes_the_thread_and_counts_for_the_patient() {
        let (_dir, db) = db().await;
        db.pool
            .execute("INSERT INTO care_relationships (patient_id, clinician_id, created_at) VALUES (1, 3, 0)")
            .await
            .expect("relationship");
        let reply = SendTarget::Reply { thread_id: 10 };
        let sends = [
            send(Viewer::Physician(DOCTOR), reply.clone(), "x", "one"),
            send(Viewer::Physician(DOCTOR), reply, "y", "two"),
        ];
        let applied = apply_in_transaction(&db, &sends).await;
        assert!(applied.answers.iter().all(Result::is_ok));
        let (status, assigned, count, unread): (String, Option<i64>, i64, i64) =
            sqlx::query_as("SELECT status, assigned_to, message_count, unread_by_patient FROM threads WHERE id = 10")
                .fetch_one(&db.pool)
                .await
                .expect("thread");
        assert_eq!(
            (status.as_str(), assigned, count, unread),
            ("closed", Some(DOCTOR), 2, 2)
        );
    }
}
