//! Authorized persons (issue 12): a patient's grants (list, give, end), those the front desk
//! sets up for a patient who cannot, and the answer of the person a grant is given to (list,
//! accept, decline). Ids outside the caller's reach answer 404.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use portal_api::{Grant, GrantList, GrantReceived, GrantRequest, GrantsReceived, PracticeGrantRequest};

use super::json::ApiJson;
use super::openapi::responses::{JsonBody, PolicyAccepted as PolicyGate, SignedIn};
use super::query::path_id;
use crate::auth::{ClientAddr, CurrentSession, PolicyAccepted};
use crate::error::ApiResult;
use crate::grants;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/patients/{patient_id}/grants", get(list_grants).post(give_grant))
        .route(
            "/patients/{patient_id}/grants/by-practice",
            post(give_grant_by_practice),
        )
        .route("/patients/{patient_id}/grants/{id}", delete(end_grant))
        .route("/me/grants", get(grants_received))
        .route("/grants/{id}/accept", post(accept_grant))
        .route("/grants/{id}/decline", post(decline_grant))
}

/// The patient's grants to authorized persons, the newest first (the patient only).
#[utoipa::path(get, path = "/api/v1/patients/{patient_id}/grants", tag = "grants", security(("bearer" = [])),
    params(("patient_id" = i64, Path)),
    responses((status = 200, body = GrantList), PolicyGate,
              (status = 404, description = "not the caller's own chart (`not_found`)", body = portal_api::ApiErrorBody)))]
pub async fn list_grants(
    State(state): State<AppState>,
    PolicyAccepted(session): PolicyAccepted,
    Path(patient_id): Path<String>,
) -> ApiResult<Json<GrantList>> {
    grants::list(&state, &session, path_id(&patient_id)?).await.map(Json)
}

/// Let someone the patient trusts act for them: their name, email address, what they may do
/// and until when. It starts once they accept it. A grant is never inherited: only the
/// patient, acting for themselves, gives one.
#[utoipa::path(post, path = "/api/v1/patients/{patient_id}/grants", tag = "grants", security(("bearer" = [])),
    params(("patient_id" = i64, Path)), request_body = GrantRequest,
    responses((status = 201, body = Grant), PolicyGate, JsonBody,
              (status = 404, description = "not the caller's own chart (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 409, description = "the patient's own address (`conflict`)", body = portal_api::ApiErrorBody)))]
pub async fn give_grant(
    State(state): State<AppState>,
    addr: ClientAddr,
    PolicyAccepted(session): PolicyAccepted,
    Path(patient_id): Path<String>,
    ApiJson(body): ApiJson<GrantRequest>,
) -> ApiResult<(StatusCode, Json<Grant>)> {
    let grant = grants::give(&state, &session, addr, path_id(&patient_id)?, &body).await?;
    Ok((StatusCode::CREATED, Json(grant)))
}

/// The practice sets up a grant for a patient who cannot give one themselves (a parent of a
/// child under 12, a legal guardian): whom, for what, until which day (required: a child's
/// 12th birthday, for instance), why, and the document seen (both kept sealed). Front-desk
/// staff only; the person is invited by email like any grant's, and the patient's own account,
/// when there is one, may end it.
#[utoipa::path(post, path = "/api/v1/patients/{patient_id}/grants/by-practice", tag = "grants", security(("bearer" = [])),
    params(("patient_id" = i64, Path, description = "the chart's id")), request_body = PracticeGrantRequest,
    responses((status = 201, body = Grant), PolicyGate, JsonBody,
              (status = 403, description = "the current policy is not accepted (`policy_not_accepted`), a second factor must be set up first (`second_factor_enrolment_required`), or the caller is a member of the practice who does not work the front desk (`forbidden`)", body = portal_api::ApiErrorBody),
              (status = 404, description = "no such chart, or the caller is a patient or acts for one (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 409, description = "the patient's own address, or the caller's (`conflict`)", body = portal_api::ApiErrorBody),
              (status = 422, description = "the body is not valid, the last day has passed, or the reason or the document is blank or too long (`validation`)", body = portal_api::ApiErrorBody)))]
pub async fn give_grant_by_practice(
    State(state): State<AppState>,
    addr: ClientAddr,
    PolicyAccepted(session): PolicyAccepted,
    Path(patient_id): Path<String>,
    ApiJson(body): ApiJson<PracticeGrantRequest>,
) -> ApiResult<(StatusCode, Json<Grant>)> {
    let grant = grants::give_by_practice(&state, &session, addr, path_id(&patient_id)?, &body).await?;
    Ok((StatusCode::CREATED, Json(grant)))
}

/// End a grant at once (ending it again changes nothing); its person is told by email.
#[utoipa::path(delete, path = "/api/v1/patients/{patient_id}/grants/{id}", tag = "grants", security(("bearer" = [])),
    params(("patient_id" = i64, Path), ("id" = i64, Path)),
    responses((status = 204, description = "the grant has ended"), PolicyGate,
              (status = 404, description = "no such grant of the caller's (`not_found`)", body = portal_api::ApiErrorBody)))]
pub async fn end_grant(
    State(state): State<AppState>,
    addr: ClientAddr,
    PolicyAccepted(session): PolicyAccepted,
    Path((patient_id, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    grants::end(&state, &session, addr, path_id(&patient_id)?, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The grants given to the caller: invitations sent to their verified address, and the
/// patients they may act for.
#[utoipa::path(get, path = "/api/v1/me/grants", tag = "grants", security(("bearer" = [])),
    responses((status = 200, body = GrantsReceived), SignedIn))]
pub async fn grants_received(
    State(state): State<AppState>,
    session: CurrentSession,
) -> ApiResult<Json<GrantsReceived>> {
    grants::list_received(&state, &session).await.map(Json)
}

/// Accept a grant sent to the caller's verified address.
#[utoipa::path(post, path = "/api/v1/grants/{id}/accept", tag = "grants", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = GrantReceived), SignedIn,
              (status = 404, description = "no grant sent to the caller (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 409, description = "answered already, or ended (`conflict`)", body = portal_api::ApiErrorBody)))]
pub async fn accept_grant(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
    Path(id): Path<String>,
) -> ApiResult<Json<GrantReceived>> {
    grants::answer(&state, &session, addr, path_id(&id)?, true)
        .await
        .map(Json)
}

/// Decline a grant sent to the caller's verified address.
#[utoipa::path(post, path = "/api/v1/grants/{id}/decline", tag = "grants", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = GrantReceived), SignedIn,
              (status = 404, description = "no grant sent to the caller (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 409, description = "answered already, or ended (`conflict`)", body = portal_api::ApiErrorBody)))]
pub async fn decline_grant(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: CurrentSession,
    Path(id): Path<String>,
) -> ApiResult<Json<GrantReceived>> {
    grants::answer(&state, &session, addr, path_id(&id)?, false)
        .await
        .map(Json)
}
