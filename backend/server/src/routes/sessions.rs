//! `/me/sessions`: the caller's own sessions (the devices signed in to their account), and
//! ending one of them or every other one. No health data; the policy need not be accepted.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use portal_api::{SessionList, SessionsEnded};

use super::openapi::responses::SignedIn;
use super::query::path_id;
use crate::auth::{my_sessions, ClientAddr, CurrentSession};
use crate::error::ApiResult;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/sessions", get(list_sessions))
        .route("/me/sessions/{id}", delete(end_session))
        .route("/me/sessions/end-others", post(end_other_sessions))
}

/// The caller's open sessions: each device signed in, where from, when it started and was
/// last active, and which is this one; the most recently active first.
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = SessionList), SignedIn))]
pub async fn list_sessions(State(state): State<AppState>, session: CurrentSession) -> ApiResult<Json<SessionList>> {
    Ok(Json(my_sessions::list(&state, &session).await?))
}

/// End one of the caller's other open sessions: that device is signed out at its next request.
/// The change is audited. (This session ends with `POST /auth/logout`.)
#[utoipa::path(delete, path = "/api/v1/me/sessions/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204, description = "the session ended"), SignedIn,
              (status = 404, description = "no open session of the caller's with this id (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 409, description = "the session the request came with: sign out instead (`conflict`)", body = portal_api::ApiErrorBody)))]
pub async fn end_session(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    my_sessions::end(&state, &session, &addr.to_text(), path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End every open session of the caller's but this one ("sign out everywhere else").
#[utoipa::path(post, path = "/api/v1/me/sessions/end-others", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = SessionsEnded), SignedIn))]
pub async fn end_other_sessions(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
) -> ApiResult<Json<SessionsEnded>> {
    Ok(Json(my_sessions::end_others(&state, &session, &addr.to_text()).await?))
}
