use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use portal_api::{PolicyAcceptance, PolicyResponse};

use super::openapi::responses::SignedIn;
use crate::auth::{ClientAddr, CurrentSession};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::audit::{self, action, AuditEvent};
use crate::store::policy;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/policy", get(current_policy))
        .route("/policy/{version}/accept", post(accept_policy))
}

/// The current portal policy and when the caller accepted it (null if not yet).
#[utoipa::path(get, path = "/api/v1/policy", tag = "policy", security(("bearer" = [])),
    responses((status = 200, body = PolicyResponse), SignedIn,
              (status = 404, description = "no policy published yet (`not_found`)", body = portal_api::ApiErrorBody)))]
pub async fn current_policy(State(state): State<AppState>, session: CurrentSession) -> ApiResult<Json<PolicyResponse>> {
    let current = policy::current(&state.db).await?.ok_or(ApiError::NotFound)?;
    let accepted_at = policy::accepted_at(&state.db, session.user.id, current.version).await?;
    Ok(Json(PolicyResponse {
        version: current.version,
        title: current.title,
        text: current.body,
        published_at: current.published_at,
        accepted_at,
    }))
}

/// Accept a version of the policy. Only the current version can be accepted.
#[utoipa::path(post, path = "/api/v1/policy/{version}/accept", tag = "policy", security(("bearer" = [])),
    params(("version" = i64, Path, description = "the policy version read")),
    responses((status = 200, body = PolicyAcceptance), SignedIn,
              (status = 404, description = "no such version (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 409, description = "a newer version exists (`policy_outdated`)", body = portal_api::ApiErrorBody)))]
pub async fn accept_policy(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
    Path(version): Path<String>,
) -> ApiResult<Json<PolicyAcceptance>> {
    let version: i64 = version.parse().map_err(|_| ApiError::NotFound)?;
    let current = policy::current(&state.db).await?.ok_or(ApiError::NotFound)?;
    if version > current.version || version < 1 {
        return Err(ApiError::NotFound);
    }
    if version < current.version {
        return Err(ApiError::PolicyOutdated {
            current: current.version,
        });
    }
    let now = state.clock.now();
    let (accepted_at, newly) = policy::accept(&state.db, session.user.id, version, now, &addr.to_text()).await?;
    // The next request must see the acceptance: the gate reads it with the session.
    state.sessions.forget_user(session.user.id);
    if !newly {
        return Ok(Json(PolicyAcceptance { version, accepted_at }));
    }
    let event = AuditEvent {
        actor_user_id: Some(session.user.id),
        subject_user_id: Some(session.user.id),
        action: action::POLICY_ACCEPTED,
        object: Some(format!("policy:{version}")),
        client_addr: &addr.to_text(),
    };
    audit::append(&state.db, &event, now).await?;
    Ok(Json(PolicyAcceptance { version, accepted_at }))
}
