//! Accounts a person owns: activation with an emailed code, pass-phrase change and reset,
//! email change, notice preferences, and the practice's invitation of a patient. No health
//! data; the policy need not be accepted.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use portal_api::{
    ActivateRequest, CodeRequest, EmailChangePending, EmailChangeRequest, InvitationRequest, InvitationSent,
    LoginResponse, NoticePreferences, PassphraseChangeRequest, PassphraseChanged, ResetConfirmRequest, ResetRequest,
    Role, User,
};

use super::json::ApiJson;
use super::openapi::responses::{JsonBody, SignedIn};
use super::query::path_id;
use crate::accounts::invitation::{self, InviteError, Invitee};
use crate::accounts::{activation, email_change, notice_preferences, passphrase, reset};
use crate::auth::{ClientAddr, CurrentSession};
use crate::domain::notices::Language;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::account_changes::Actor;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/activate", post(activate))
        .route("/auth/password", post(change_passphrase))
        .route("/auth/password-reset", post(request_reset))
        .route("/auth/password-reset/confirm", post(confirm_reset))
        .route("/me/email", put(change_email))
        .route("/me/email/confirm", post(confirm_email))
        .route("/me/notices", get(notices).put(set_notices))
        .route("/patients/{patient_id}/invitation", post(invite_patient))
}

/// Open an invited account: the code from the invitation's email, the address it came to, a
/// patient's date of birth as on their chart, and the pass-phrase the person picks. Signs in.
#[utoipa::path(post, path = "/api/v1/auth/activate", tag = "accounts", request_body = ActivateRequest,
    responses(
        (status = 200, description = "the account is open and signed in", body = LoginResponse),
        JsonBody,
        (status = 409, description = "an account with this address exists already (`conflict`)", body = portal_api::ApiErrorBody),
        (status = 422, description = "a code or date of birth that is not right, expired or used (`invalid_code`), a pass-phrase that does not meet the rules (`weak_passphrase`), or a malformed body (`validation`)", body = portal_api::ApiErrorBody),
        (status = 429, description = "too many attempts from this address (`rate_limited`)", body = portal_api::ApiErrorBody,
            headers(("Retry-After" = u64, description = "seconds to wait"))),
    ))]
pub async fn activate(
    State(state): State<AppState>,
    addr: ClientAddr,
    ApiJson(body): ApiJson<ActivateRequest>,
) -> ApiResult<Json<LoginResponse>> {
    activation::activate(&state, &body, addr).await.map(Json)
}

/// Change the pass-phrase (the current one, and a new one by the same rules). Every other
/// session of the account ends at once; a notice goes to the verified address.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "accounts", security(("bearer" = [])),
    request_body = PassphraseChangeRequest,
    responses(
        (status = 200, body = PassphraseChanged),
        SignedIn, JsonBody,
        (status = 403, description = "the current pass-phrase is not correct (`wrong_passphrase`)", body = portal_api::ApiErrorBody),
        (status = 422, description = "the new pass-phrase does not meet the rules (`weak_passphrase`)", body = portal_api::ApiErrorBody),
        (status = 423, description = "too many wrong pass-phrases (`account_locked`)", body = portal_api::ApiErrorBody),
    ))]
pub async fn change_passphrase(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
    ApiJson(body): ApiJson<PassphraseChangeRequest>,
) -> ApiResult<Json<PassphraseChanged>> {
    passphrase::change(&state, &session, &body, addr).await.map(Json)
}

/// Ask for a pass-phrase reset code. The answer is the same whether or not the address has an
/// account; the code goes only to an account's verified address and works for 15 minutes.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "accounts", request_body = ResetRequest,
    responses(
        (status = 202, description = "if the address is an account's verified address, a code is on its way"),
        JsonBody,
        (status = 422, description = "a malformed address (`validation`)", body = portal_api::ApiErrorBody),
        (status = 429, description = "too many attempts from this address (`rate_limited`)", body = portal_api::ApiErrorBody,
            headers(("Retry-After" = u64, description = "seconds to wait"))),
    ))]
pub async fn request_reset(
    State(state): State<AppState>,
    addr: ClientAddr,
    ApiJson(body): ApiJson<ResetRequest>,
) -> ApiResult<StatusCode> {
    reset::request(&state, &body.email, addr).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Set a new pass-phrase with the reset code from the email. Every session of the account ends.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "accounts", request_body = ResetConfirmRequest,
    responses(
        (status = 204, description = "the new pass-phrase is set; sign in with it"),
        JsonBody,
        (status = 422, description = "a code that is not right, expired or used (`invalid_code`), or a new pass-phrase that does not meet the rules (`weak_passphrase`)", body = portal_api::ApiErrorBody),
        (status = 429, description = "too many attempts from this address (`rate_limited`)", body = portal_api::ApiErrorBody,
            headers(("Retry-After" = u64, description = "seconds to wait"))),
    ))]
pub async fn confirm_reset(
    State(state): State<AppState>,
    addr: ClientAddr,
    ApiJson(body): ApiJson<ResetConfirmRequest>,
) -> ApiResult<StatusCode> {
    reset::confirm(&state, &body, addr).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change the email address, confirmed by the current pass-phrase: a code goes to the new
/// address and a notice to the old one; nothing changes until the code is given.
#[utoipa::path(put, path = "/api/v1/me/email", tag = "accounts", security(("bearer" = [])),
    request_body = EmailChangeRequest,
    responses(
        (status = 202, body = EmailChangePending),
        SignedIn, JsonBody,
        (status = 403, description = "the current pass-phrase is not correct (`wrong_passphrase`)", body = portal_api::ApiErrorBody),
        (status = 409, description = "the address is the account's already (`conflict`)", body = portal_api::ApiErrorBody),
        (status = 423, description = "too many wrong pass-phrases (`account_locked`)", body = portal_api::ApiErrorBody),
    ))]
pub async fn change_email(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
    ApiJson(body): ApiJson<EmailChangeRequest>,
) -> ApiResult<(StatusCode, Json<EmailChangePending>)> {
    let pending = email_change::ask(&state, &session, &body, addr).await?;
    Ok((StatusCode::ACCEPTED, Json(pending)))
}

/// Confirm the new email address with the code sent to it.
#[utoipa::path(post, path = "/api/v1/me/email/confirm", tag = "accounts", security(("bearer" = [])),
    request_body = CodeRequest,
    responses(
        (status = 200, description = "the address is changed and verified", body = User),
        SignedIn, JsonBody,
        (status = 409, description = "another account took the address meanwhile (`conflict`)", body = portal_api::ApiErrorBody),
        (status = 422, description = "a code that is not right, expired or used (`invalid_code`)", body = portal_api::ApiErrorBody),
    ))]
pub async fn confirm_email(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
    ApiJson(body): ApiJson<CodeRequest>,
) -> ApiResult<Json<User>> {
    email_change::confirm(&state, &session, &body.code, addr)
        .await
        .map(Json)
}

/// Which notices the caller gets by email (security notices always go).
#[utoipa::path(get, path = "/api/v1/me/notices", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = NoticePreferences), SignedIn))]
pub async fn notices(State(state): State<AppState>, session: CurrentSession) -> ApiResult<Json<NoticePreferences>> {
    notice_preferences::get(&state, &session).await.map(Json)
}

/// Turn message and result notices on or off.
#[utoipa::path(put, path = "/api/v1/me/notices", tag = "accounts", security(("bearer" = [])),
    request_body = NoticePreferences,
    responses((status = 200, body = NoticePreferences), SignedIn, JsonBody))]
pub async fn set_notices(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
    ApiJson(body): ApiJson<NoticePreferences>,
) -> ApiResult<Json<NoticePreferences>> {
    notice_preferences::set(&state, &session, body, addr).await.map(Json)
}

/// Invite the patient of this chart to open their portal account (staff and admins): an
/// email with a code valid for 7 days; at activation the date of birth on the chart is asked.
/// Inviting again replaces the code.
#[utoipa::path(post, path = "/api/v1/patients/{patient_id}/invitation", tag = "accounts", security(("bearer" = [])),
    params(("patient_id" = i64, Path)), request_body = InvitationRequest,
    responses(
        (status = 201, body = InvitationSent),
        SignedIn, JsonBody,
        (status = 403, description = "only staff and admins invite patients (`forbidden`)", body = portal_api::ApiErrorBody),
        (status = 404, description = "no such chart (`not_found`)", body = portal_api::ApiErrorBody),
        (status = 409, description = "the chart has an account, or an account has the address (`conflict`)", body = portal_api::ApiErrorBody),
    ))]
pub async fn invite_patient(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
    Path(patient_id): Path<String>,
    ApiJson(body): ApiJson<InvitationRequest>,
) -> ApiResult<(StatusCode, Json<InvitationSent>)> {
    let chart_id = path_id(&patient_id)?;
    if !matches!(session.user.role, Role::Staff | Role::Admin) {
        return Err(ApiError::Forbidden);
    }
    let by = Actor {
        user_id: Some(session.user.id),
        client_addr: &addr.to_text(),
        at: state.clock.now(),
    };
    let invitee = Invitee::Patient { chart_id };
    let sent = invitation::invite(
        &state.db,
        &state.text_sealer,
        &body.email,
        invitee,
        Language::English,
        by,
    )
    .await
    .map_err(|e| match e {
        InviteError::Invalid(why) => ApiError::Validation(why),
        InviteError::EmailTaken(_) => ApiError::Conflict("An account with this email address already exists.".into()),
        InviteError::ChartTaken => ApiError::Conflict("This patient already has a portal account.".into()),
        InviteError::NoChart => ApiError::NotFound,
        InviteError::Store(e) => ApiError::Store(e),
    })?;
    Ok((
        StatusCode::CREATED,
        Json(InvitationSent {
            email: sent.email,
            expires_at: sent.expires_at,
        }),
    ))
}
