//! A person's own sessions: the devices signed in to their account (open sessions only, the
//! rule `domain::sessions::is_open`), and ending one of them or all but the current one. Each
//! session ended is audited and forgotten by this process's session cache at once (another
//! instance stops trusting it within the cache's time).

use chrono::Duration;
use portal_api::{SessionInfo, SessionList, SessionsEnded};

use super::CurrentSession;
use crate::domain::sessions::is_open;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::audit::action;
use crate::store::sessions::{self, SessionRow};
use crate::store::{to_millis, writer::AuditRow};

/// The caller's open sessions, the most recently active first.
pub async fn list(state: &AppState, me: &CurrentSession) -> ApiResult<SessionList> {
    let sessions = open_of(state, me).await?;
    Ok(SessionList {
        sessions: sessions
            .into_iter()
            .map(|row| SessionInfo {
                current: row.id == me.session_id,
                id: row.id,
                device: row.device,
                signed_in_from: row.client_addr,
                started_at: row.created_at,
                last_active_at: row.last_seen_at,
            })
            .collect(),
    })
}

/// Ends the caller's other open session `id`; 404 for one that is not theirs, not open, or
/// does not exist (the same answer); 409 for the one the request came with (that is a
/// sign-out, `POST /auth/logout`, which also forgets the app's drafts key).
pub async fn end(state: &AppState, me: &CurrentSession, client_addr: &str, id: i64) -> ApiResult<()> {
    if id == me.session_id {
        return Err(ApiError::Conflict(
            "This is the session you are using: sign out to end it.".into(),
        ));
    }
    if !open_of(state, me).await?.iter().any(|s| s.id == id) {
        return Err(ApiError::NotFound);
    }
    end_these(state, me, client_addr, &[id]).await?;
    Ok(())
}

/// Ends every open session of the caller's but the current one.
pub async fn end_others(state: &AppState, me: &CurrentSession, client_addr: &str) -> ApiResult<SessionsEnded> {
    let others: Vec<i64> = open_of(state, me)
        .await?
        .iter()
        .map(|s| s.id)
        .filter(|&id| id != me.session_id)
        .collect();
    let ended = end_these(state, me, client_addr, &others).await?;
    Ok(SessionsEnded {
        ended: u32::try_from(ended).unwrap_or(u32::MAX),
    })
}

async fn open_of(state: &AppState, me: &CurrentSession) -> ApiResult<Vec<SessionRow>> {
    let now = state.clock.now();
    let idle = Duration::from_std(state.limits.idle_timeout).unwrap_or(Duration::MAX);
    let rows = sessions::not_ended_of(&state.db, me.user.id, now).await?;
    Ok(rows
        .into_iter()
        .filter(|s| s.id == me.session_id || is_open(None, s.expires_at, s.last_seen_at, now, idle))
        .collect())
}

async fn end_these(state: &AppState, me: &CurrentSession, client_addr: &str, ids: &[i64]) -> ApiResult<usize> {
    let now = state.clock.now();
    let user = me.user.id;
    let audit = |id: i64| AuditRow {
        at_ms: to_millis(now),
        actor_user_id: Some(user),
        subject_user_id: Some(user),
        action: action::SESSION_ENDED,
        object: Some(format!("session:{id}")),
        client_addr: client_addr.to_owned(),
    };
    let ended = sessions::end_of_user(&state.db, user, ids, now, audit).await?;
    for id in &ended {
        state.sessions.forget_session(*id);
    }
    Ok(ended.len())
}
