//! `/me/totp` and `/me/recovery-codes`: the caller's second factor (TOTP). Enrol (a secret as
//! QR code and text), confirm it with a first code (the answer holds the recovery codes),
//! turn it off, and get a new set of recovery codes. No health data; the policy need not be
//! accepted. A wrong pass-phrase here counts toward the account's sign-in throttle.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use portal_api::{CodeRequest, PassphraseConfirmation, RecoveryCodes, TotpEnrolment};

use super::json::ApiJson;
use super::openapi::responses::{JsonBody, SignedIn};
use crate::auth::{second_factor, ClientAddr, CurrentSession};
use crate::error::ApiResult;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/totp", post(enrol).delete(disable))
        .route("/me/totp/confirm", post(confirm))
        .route("/me/recovery-codes", post(replace_recovery_codes))
}

/// Start setting up a second factor: a new secret for an authenticator app, as a QR code and
/// as text. It counts once a code from it is confirmed (`POST /api/v1/me/totp/confirm`);
/// asking again replaces a secret not confirmed yet.
#[utoipa::path(post, path = "/api/v1/me/totp", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = TotpEnrolment), SignedIn,
              (status = 409, description = "the account has a second factor already (`conflict`)", body = portal_api::ApiErrorBody)))]
pub async fn enrol(State(state): State<AppState>, session: CurrentSession) -> ApiResult<Json<TotpEnrolment>> {
    Ok(Json(second_factor::enrol(&state, &session).await?))
}

/// Confirm the second factor being set up with a code from the authenticator app; from now on
/// sign-in asks for a code. The answer holds the recovery codes, shown this once.
#[utoipa::path(post, path = "/api/v1/me/totp/confirm", tag = "auth", security(("bearer" = [])),
    request_body = CodeRequest,
    responses((status = 200, body = RecoveryCodes), SignedIn, JsonBody,
              (status = 409, description = "no second factor is being set up, or one is set up already (`conflict`)", body = portal_api::ApiErrorBody),
              (status = 422, description = "the code is not the current one of the secret being set up (`invalid_code`), or a body of the wrong shape (`validation`)", body = portal_api::ApiErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
    ApiJson(body): ApiJson<CodeRequest>,
) -> ApiResult<Json<RecoveryCodes>> {
    Ok(Json(second_factor::confirm(&state, &session, &body.code, &addr).await?))
}

/// Turn the second factor off, confirmed by the current pass-phrase. Only where the role does
/// not require one (patients); its recovery codes stop working.
#[utoipa::path(delete, path = "/api/v1/me/totp", tag = "auth", security(("bearer" = [])),
    request_body = PassphraseConfirmation,
    responses((status = 204, description = "the account has no second factor now"), SignedIn, JsonBody,
              (status = 403, description = "the role requires a second factor (`forbidden`), or the pass-phrase is not correct (`wrong_passphrase`)", body = portal_api::ApiErrorBody),
              (status = 409, description = "the account has no second factor (`conflict`); asked before the pass-phrase", body = portal_api::ApiErrorBody),
              (status = 423, description = "account locked after failed sign-ins (`account_locked`); wrong pass-phrases here count too", body = portal_api::ApiErrorBody,
                  headers(("Retry-After" = u64, description = "seconds until the lock ends")))))]
pub async fn disable(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
    ApiJson(body): ApiJson<PassphraseConfirmation>,
) -> ApiResult<StatusCode> {
    second_factor::disable(&state, &session, &body.password, &addr).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new set of recovery codes, confirmed by the current pass-phrase; the old ones stop
/// working. The answer shows them this once.
#[utoipa::path(post, path = "/api/v1/me/recovery-codes", tag = "auth", security(("bearer" = [])),
    request_body = PassphraseConfirmation,
    responses((status = 200, body = RecoveryCodes), SignedIn, JsonBody,
              (status = 403, description = "the pass-phrase is not correct (`wrong_passphrase`)", body = portal_api::ApiErrorBody),
              (status = 409, description = "the account has no second factor (`conflict`); asked before the pass-phrase", body = portal_api::ApiErrorBody),
              (status = 423, description = "account locked after failed sign-ins (`account_locked`); wrong pass-phrases here count too", body = portal_api::ApiErrorBody,
                  headers(("Retry-After" = u64, description = "seconds until the lock ends")))))]
pub async fn replace_recovery_codes(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
    ApiJson(body): ApiJson<PassphraseConfirmation>,
) -> ApiResult<Json<RecoveryCodes>> {
    Ok(Json(
        second_factor::replace_recovery_codes(&state, &session, &body.password, &addr).await?,
    ))
}
