//! The shape every change to an existing thread shares: in one queued write, find the thread
//! in the viewer's scope (else 404), apply the change, and add the audit row to the same
//! transaction, so the change and its record commit together or not at all.

use portal_api::ThreadSummary;
use sqlx::AnyConnection;

use crate::domain::access::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::threads;
use crate::store::to_millis;
use crate::store::writer::{AuditRow, BoxFuture, Written};

/// What to record for a change.
pub struct Audited {
    pub action: &'static str,
    /// The object as written in the log (`thread:12`, `thread:12/assignee:4`).
    pub object: String,
    pub client_addr: String,
}

pub async fn on_visible_thread<T, F>(
    state: &AppState,
    viewer: Viewer,
    thread_id: i64,
    audited: Audited,
    apply: F,
) -> ApiResult<T>
where
    T: Send + 'static,
    F: for<'c> FnOnce(&'c mut AnyConnection, ThreadSummary) -> BoxFuture<'c, ApiResult<T>> + Send + 'static,
{
    let now = state.clock.now();
    let sealer = state.text_sealer.clone();
    state
        .writer
        .run_audited(move |conn| {
            Box::pin(async move {
                let thread = threads::find(&mut *conn, &sealer, viewer, thread_id)
                    .await?
                    .ok_or(ApiError::NotFound)?;
                let patient_id = thread.patient.id;
                let answer = apply(&mut *conn, thread).await?;
                let row = AuditRow {
                    at_ms: to_millis(now),
                    actor_user_id: Some(viewer.user_id()),
                    subject_user_id: Some(patient_id),
                    action: audited.action,
                    object: Some(audited.object),
                    client_addr: audited.client_addr,
                };
                Ok(Written {
                    value: answer,
                    audit: vec![row],
                    changed_patient: Some(patient_id),
                })
            })
        })
        .await
}
