//! What a batch of sends needs to know before its rules are applied, loaded for all of its
//! sends at once: the keys stored by earlier batches and the threads the replies reach.

use std::collections::HashMap;

use portal_api::SendReceipt;
use sqlx::{AnyConnection, Row};

use super::pending::{PendingSend, StoredKey};
use crate::domain::access::Viewer;
use crate::store::bound_query::BoundQuery;
use crate::store::db::{from_millis, Engine};
use crate::store::error::{StoreError, StoreResult};
use crate::store::thread_scope;
use crate::store::writer_transaction::WriterTransaction;

/// The keys of `sends` stored by earlier batches, with what they answered.
pub(super) async fn stored_keys(
    conn: &mut AnyConnection,
    engine: Engine,
    begin: &mut WriterTransaction,
    sends: &[PendingSend],
) -> StoreResult<HashMap<(i64, String), StoredKey>> {
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
pub(super) async fn patients_of(
    conn: &mut AnyConnection,
    engine: Engine,
    pairs: &[(Viewer, i64)],
) -> StoreResult<HashMap<(Viewer, i64), i64>> {
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
            .ok_or(StoreError::Inconsistent("a thread's row names no pair of the batch"))?;
        patients.insert(*pair, row.try_get::<i64, _>("patient_id")?);
    }
    Ok(patients)
}
