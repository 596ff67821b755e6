use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::routing::{get, post};
use axum::{Json, Router};
use portal_api::{Language, PolicyAcceptance, PolicyResponse};

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

/// The language the request asks for (`Accept-Language`; English without one).
fn asked_language(headers: &HeaderMap) -> Language {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Language::English, Language::from_accept_language)
}

/// The current portal policy, in the language asked for when the version has a text in it
/// (else English), and when the caller accepted it (null if not yet).
#[utoipa::path(get, path = "/api/v1/policy", tag = "policy", security(("bearer" = [])),
    params(("Accept-Language" = Option<String>, Header, description = "the language to read it in (`es`: Spanish, when published)")),
    responses((status = 200, body = PolicyResponse), SignedIn,
              (status = 404, description = "no policy published yet (`not_found`)", body = portal_api::ApiErrorBody)))]
pub async fn current_policy(
    State(state): State<AppState>,
    session: CurrentSession,
    headers: HeaderMap,
) -> ApiResult<Json<PolicyResponse>> {
    let current = policy::current_in(&state.db, asked_language(&headers))
        .await?
        .ok_or(ApiError::NotFound)?;
    let accepted_at = policy::accepted_at(&state.db, session.user.id, current.version).await?;
    Ok(Json(PolicyResponse {
        version: current.version,
        language: current.language,
        title: current.title,
        text: current.body,
        published_at: current.published_at,
        accepted_at,
    }))
}

/// Accept a version of the policy, as read in the language asked for (`GET /policy`'s text
/// for the same `Accept-Language`: the acceptance records that text). Only the current
/// version can be accepted.
#[utoipa::path(post, path = "/api/v1/policy/{version}/accept", tag = "policy", security(("bearer" = [])),
    params(("version" = i64, Path, description = "the policy version read"),
           ("Accept-Language" = Option<String>, Header, description = "the language it was read in")),
    responses((status = 200, body = PolicyAcceptance), SignedIn,
              (status = 404, description = "no such version (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 409, description = "a newer version exists (`policy_outdated`)", body = portal_api::ApiErrorBody)))]
pub async fn accept_policy(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
    headers: HeaderMap,
    Path(version): Path<String>,
) -> ApiResult<Json<PolicyAcceptance>> {
    let version: i64 = version.parse().map_err(|_| ApiError::NotFound)?;
    let current = policy::current_in(&state.db, asked_language(&headers))
        .await?
        .ok_or(ApiError::NotFound)?;
    if version > current.version || version < 1 {
        return Err(ApiError::NotFound);
    }
    if version < current.version {
        return Err(ApiError::PolicyOutdated {
            current: current.version,
        });
    }
    let now = state.clock.now();
    let (accepted_at, newly) = policy::accept(&state.db, session.user.id, &current, now, &addr.to_text()).await?;
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
