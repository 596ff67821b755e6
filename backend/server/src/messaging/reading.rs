//! Reading: the thread list with unread counts, one thread with its messages, and marking a
//! thread read (which is what read receipts show). Every read is written to the audit log
//! before the answer leaves.

use std::sync::Arc;

use portal_api::{ReadReceipt, ThreadDetail, ThreadList, ThreadQuery, DEFAULT_PAGE, MAX_PAGE, MIN_PAGE};

use super::thread_write::{on_visible_thread, Audited};
use crate::domain::access::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::audit::action;
use crate::store::list_cache::RenderedList;
use crate::store::threads::{self, Cursor, ListFilter};
use crate::store::to_millis;
use crate::store::writer::AuditRow;

/// The caller's thread list, as the JSON body to answer (a [`ThreadList`]).
pub async fn list(
    state: &AppState,
    viewer: Viewer,
    client_addr: String,
    query: ThreadQuery,
) -> ApiResult<Arc<RenderedList>> {
    if !viewer.may_list_threads() {
        return Err(ApiError::Forbidden);
    }
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(MIN_PAGE..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::Validation(format!(
            "limit must be between {MIN_PAGE} and {MAX_PAGE}."
        )));
    }
    let after = match query.cursor.as_deref() {
        Some(text) => {
            Some(Cursor::decode(text).ok_or_else(|| ApiError::Validation("The cursor is not valid.".into()))?)
        }
        None => None,
    };
    let filter = ListFilter {
        pool: query.pool,
        status: query.status,
        assigned: query.assigned,
    };
    let key = format!("{viewer:?}|{filter:?}|{limit}|{after:?}");
    let list = match state.lists.get(viewer, &key) {
        Some(list) => list,
        None => {
            let version = state.lists.version(viewer);
            let (threads, next, unread_total) =
                threads::list(&state.db, &state.text_sealer, viewer, &filter, limit, after).await?;
            let list = ThreadList {
                threads,
                unread_total,
                next_cursor: next.map(Cursor::encode),
            };
            let list = Arc::new(RenderedList::render(&list).map_err(|e| ApiError::Internal(e.to_string()))?);
            state.lists.put(viewer, key, version, &list);
            list
        }
    };
    // A patient's list is theirs; a care-team list is recorded once for each patient it
    // shows (with those threads), so it is in each one's access log.
    let rows: Vec<(Option<i64>, String)> = match viewer.patient_id() {
        Some(id) => vec![(Some(id), list.audit_object.clone())],
        _ if list.by_patient.is_empty() => vec![(None, list.audit_object.clone())],
        _ => list
            .by_patient
            .iter()
            .map(|(patient, object)| (Some(*patient), object.clone()))
            .collect(),
    };
    let at_ms = to_millis(state.clock.now());
    let rows = rows
        .into_iter()
        .map(|(subject, object)| AuditRow {
            at_ms,
            actor_user_id: Some(viewer.user_id()),
            subject_user_id: subject,
            action: action::THREADS_LISTED,
            object: Some(object),
            client_addr: client_addr.clone(),
        })
        .collect();
    state.writer.append_audits(rows).await?;
    Ok(list)
}

pub async fn detail(state: &AppState, viewer: Viewer, client_addr: String, thread_id: i64) -> ApiResult<ThreadDetail> {
    let mut conn = state.db.connection().await?;
    let thread = threads::find(&mut *conn, &state.text_sealer, viewer, thread_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let messages = threads::messages(&mut conn, &state.text_sealer, thread_id).await?;
    drop(conn);
    record(
        state,
        viewer,
        Some(thread.patient.id),
        action::THREAD_READ,
        format!("thread:{thread_id}"),
        client_addr,
    )
    .await?;
    Ok(ThreadDetail { thread, messages })
}

pub async fn mark_read(
    state: &AppState,
    viewer: Viewer,
    client_addr: String,
    thread_id: i64,
) -> ApiResult<ReadReceipt> {
    let now = state.clock.now();
    let audited = Audited {
        action: action::THREAD_MARKED_READ,
        object: format!("thread:{thread_id}"),
        client_addr,
    };
    on_visible_thread(state, viewer, thread_id, audited, move |conn, _| {
        Box::pin(async move {
            let marked = threads::mark_read(conn, thread_id, viewer, now).await?;
            let unread_total = threads::unread_total(&mut *conn, viewer).await?;
            Ok(ReadReceipt { marked, unread_total })
        })
    })
    .await
}

/// Appends one audit event through the write queue and waits for it to be durable.
pub(crate) async fn record(
    state: &AppState,
    viewer: Viewer,
    subject: Option<i64>,
    what: &'static str,
    object: String,
    client_addr: String,
) -> ApiResult<()> {
    state
        .writer
        .append_audit(AuditRow {
            at_ms: to_millis(state.clock.now()),
            actor_user_id: Some(viewer.user_id()),
            subject_user_id: subject,
            action: what,
            object: Some(object),
            client_addr,
        })
        .await?;
    Ok(())
}
