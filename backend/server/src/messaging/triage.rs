//! The care team's triage actions: who can take a thread, assigning it, closing and
//! reopening. Only physicians and staff; only threads they can see.

use portal_api::{AssignRequest, CareTeam, ThreadStatus, ThreadSummary};
use sqlx::AnyConnection;

use super::thread_write::{on_visible_thread, Audited};
use crate::domain::access::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::sealed_text::TextSealer;
use crate::state::AppState;
use crate::store::audit::action;
use crate::store::{care_team, threads};

pub async fn members(state: &AppState, viewer: Viewer) -> ApiResult<CareTeam> {
    viewer.require_team()?;
    Ok(CareTeam {
        members: care_team::members(&state.db.pool).await?,
    })
}

pub async fn assign(
    state: &AppState,
    viewer: Viewer,
    client_addr: String,
    thread_id: i64,
    request: AssignRequest,
) -> ApiResult<ThreadSummary> {
    viewer.require_team()?;
    let assignee = request.user_id;
    let audited = Audited {
        action: action::THREAD_ASSIGNED,
        object: match assignee {
            Some(user_id) => format!("thread:{thread_id}/assignee:{user_id}"),
            None => format!("thread:{thread_id}/assignee:none"),
        },
        client_addr,
    };
    let sealer = state.text_sealer.clone();
    on_visible_thread(state, viewer, thread_id, audited, move |conn, before| {
        Box::pin(async move {
            if let Some(user_id) = assignee {
                let Some((role, pools)) = care_team::member(&mut *conn, user_id).await? else {
                    return Err(ApiError::Validation(
                        "A thread can only be assigned to a physician or staff member of the practice.".into(),
                    ));
                };
                if !Viewer::of(user_id, role, pools).may_take_thread_of(before.pool) {
                    return Err(ApiError::Validation(
                        "This staff member does not work in the thread's pool: assign it to someone who does.".into(),
                    ));
                }
            }
            threads::set_assignee(conn, thread_id, assignee).await?;
            after_change(conn, &sealer, viewer, before).await
        })
    })
    .await
}

pub async fn set_status(
    state: &AppState,
    viewer: Viewer,
    client_addr: String,
    thread_id: i64,
    status: ThreadStatus,
) -> ApiResult<ThreadSummary> {
    viewer.require_team()?;
    let audited = Audited {
        action: match status {
            ThreadStatus::Open => action::THREAD_REOPENED,
            ThreadStatus::Closed => action::THREAD_CLOSED,
        },
        object: format!("thread:{thread_id}"),
        client_addr,
    };
    let sealer = state.text_sealer.clone();
    on_visible_thread(state, viewer, thread_id, audited, move |conn, before| {
        Box::pin(async move {
            threads::set_status(conn, thread_id, status).await?;
            after_change(conn, &sealer, viewer, before).await
        })
    })
    .await
}

/// The thread as it is now. A physician who assigned it away may no longer see it; they get
/// it as it was before their change.
async fn after_change(
    conn: &mut AnyConnection,
    sealer: &TextSealer,
    viewer: Viewer,
    before: ThreadSummary,
) -> ApiResult<ThreadSummary> {
    Ok(threads::find(&mut *conn, sealer, viewer, before.id)
        .await?
        .unwrap_or(before))
}
