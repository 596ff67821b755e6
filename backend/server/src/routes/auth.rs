use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use portal_api::{LoginRequest, LoginResponse};

use crate::auth::{login, ClientAddr, CurrentSession};
use crate::error::ApiResult;
use crate::state::AppState;

use super::json::ApiJson;
use super::openapi::responses::{JsonBody, SignedIn};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(sign_in))
        .route("/auth/logout", post(sign_out))
}

/// Sign in with email address and pass-phrase, and the second factor's code (`totp`) for an
/// account that has one.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        JsonBody,
        (status = 401, description = "wrong email or pass-phrase, the same for unknown accounts (`invalid_credentials`); or the right pass-phrase of an account with a second factor, without `totp` or with a wrong, replayed or used code (`second_factor_required`: a wrong code counts as a failed sign-in)", body = portal_api::ApiErrorBody),
        (status = 403, description = "the right pass-phrase for an account the practice turned off (`account_disabled`)", body = portal_api::ApiErrorBody),
        (status = 422, description = "malformed email address, empty pass-phrase, a device name over 100 characters, or a body of the wrong shape (`validation`)", body = portal_api::ApiErrorBody),
        (status = 423, description = "account locked after failed sign-ins (`account_locked`)", body = portal_api::ApiErrorBody,
            headers(("Retry-After" = u64, description = "seconds until the lock ends"))),
        (status = 429, description = "too many attempts from this address (`rate_limited`)", body = portal_api::ApiErrorBody,
            headers(("Retry-After" = u64, description = "seconds to wait"))),
    ))]
pub async fn sign_in(
    State(state): State<AppState>,
    addr: ClientAddr,
    ApiJson(body): ApiJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let credentials = login::Credentials {
        email: &body.email,
        password: &body.password,
        totp: body.totp.as_deref(),
        device: body.device.as_deref(),
    };
    login::sign_in(&state, credentials, addr).await.map(Json)
}

/// End this session on the server.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "signed out"), SignedIn))]
pub async fn sign_out(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
) -> ApiResult<StatusCode> {
    login::sign_out(&state, &session, addr).await?;
    Ok(StatusCode::NO_CONTENT)
}
