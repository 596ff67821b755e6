//! Writing the sends a batch stores: new threads, messages (sealed), attachments, keys and the
//! threads' counters, a fixed number of statements however many sends there are.

use std::collections::HashMap;

use sqlx::AnyConnection;

use super::pending::{PendingSend, SendTarget, Stored};
use crate::domain::access::Viewer;
use crate::domain::sending::ThreadEffect;
use crate::sealed_text::{Field, TextSealer};
use crate::store::attachments;
use crate::store::bound_query::BoundQuery;
use crate::store::db::{to_millis, Engine};
use crate::store::error::{StoreError, StoreResult};
use crate::store::row_ids::{reserve_ids, IdTable};

fn seal(sealer: &TextSealer, field: Field, row_id: i64, text: &str) -> StoreResult<String> {
    sealer
        .seal(field, row_id, text)
        .map_err(|_| StoreError::Inconsistent("a subject or body could not be sealed"))
}

/// Writes the sends at `indexes` (all checked): their new threads, messages, the threads'
/// counters, attachments and keys.
pub(super) async fn store(
    conn: &mut AnyConnection,
    engine: Engine,
    sends: &[PendingSend],
    indexes: &[usize],
    patients: &HashMap<(Viewer, i64), i64>,
    sealer: &TextSealer,
) -> StoreResult<Vec<Stored>> {
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
            SendTarget::NewThread { .. } => (thread_ids.next(), send.viewer.patient_id()),
            SendTarget::Reply { thread_id } => (Some(thread_id), patients.get(&(send.viewer, thread_id)).copied()),
        };
        stored.push(Stored {
            index: i,
            thread_id: thread_id.ok_or(StoreError::Inconsistent("a send to store has no thread"))?,
            message_id: message_ids
                .next()
                .ok_or(StoreError::Inconsistent("fewer message ids than sends"))?,
            patient_id: patient_id.ok_or(StoreError::Inconsistent("a send to store has no patient"))?,
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
            return Err(StoreError::Inconsistent("a checked attachment could not be attached"));
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

/// What the batch's messages do to each thread ([`ThreadEffect`], decided in the domain),
/// applied in one UPDATE: the latest activity time, the message count, the patient's unread
/// counter and the count of patient messages (from which each care-team member's unread count
/// follows), and the effect's reopening, taking and raising of urgency.
async fn update_threads(
    conn: &mut AnyConnection,
    engine: Engine,
    sends: &[PendingSend],
    stored: &[Stored],
) -> StoreResult<()> {
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
