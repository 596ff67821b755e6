//! The care team's way into patients' charts and the patient's view of who looked:
//! `GET /api/v1/patients?query=` (the search), `POST /api/v1/patients/{patient_id}/break-the-glass`
//! and `GET /api/v1/patients/{patient_id}/access-log`.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use portal_api::{AccessLog, BreakTheGlassGrant, BreakTheGlassRequest, PageQuery, PatientMatches, PatientQuery};

use super::json::ApiJson;
use super::openapi::responses::{JsonBody, PolicyAccepted as Gate};
use super::query::{path_id, ApiQuery};
use crate::auth::{ClientAddr, PolicyAccepted};
use crate::error::ApiResult;
use crate::records::{access, access_log};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/patients", get(find_patients))
        .route("/patients/{patient_id}/break-the-glass", post(break_the_glass))
        .route("/patients/{patient_id}/access-log", get(read_access_log))
}

/// The care team's patient search: by part of a name (any case, words in any order), a date
/// of birth (`YYYY-MM-DD` or `MM/DD/YYYY`) or an MRN; at most 25 patients, by name, each
/// saying whether the caller cares for them. Physicians and staff only (front desk and billing
/// staff find patients but do not open their charts). The search is audited, never its words.
#[utoipa::path(get, path = "/api/v1/patients", tag = "records", security(("bearer" = [])), params(PatientQuery),
    responses((status = 200, body = PatientMatches), Gate,
              (status = 403, description = "the current policy is not accepted (`policy_not_accepted`), or the caller is a patient or an administrator (`forbidden`)", body = portal_api::ApiErrorBody),
              (status = 422, description = "the query is missing, shorter than 2 or longer than 100 characters (`validation`)", body = portal_api::ApiErrorBody)))]
pub async fn find_patients(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    ApiQuery(query): ApiQuery<PatientQuery>,
) -> ApiResult<Json<PatientMatches>> {
    let viewer = session.0.viewer();
    Ok(Json(
        access::find_patients(&state, viewer, addr.to_text(), &query.query).await?,
    ))
}

/// Opens a chart outside the caller's care for 8 hours, for a stated reason (10 to 500
/// characters) that is kept sealed, written to the audit log and shown to the patient in their
/// access log. Physicians and clinical staff only.
#[utoipa::path(post, path = "/api/v1/patients/{patient_id}/break-the-glass", tag = "records", security(("bearer" = [])),
    params(("patient_id" = i64, Path, description = "the chart's id")),
    request_body = BreakTheGlassRequest,
    responses((status = 200, body = BreakTheGlassGrant), Gate, JsonBody,
              (status = 403, description = "the current policy is not accepted (`policy_not_accepted`), or the caller may not break the glass for their own chart (`forbidden`)", body = portal_api::ApiErrorBody),
              (status = 404, description = "no such chart, or the caller may not open charts outside their care (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 422, description = "the body is not valid, or the reason is shorter than 10 or longer than 500 characters (`validation`)", body = portal_api::ApiErrorBody)))]
pub async fn break_the_glass(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    Path(patient_id): Path<String>,
    ApiJson(request): ApiJson<BreakTheGlassRequest>,
) -> ApiResult<Json<BreakTheGlassGrant>> {
    let viewer = session.0.viewer();
    let chart_id = path_id(&patient_id)?;
    Ok(Json(
        access::break_the_glass(&state, viewer, addr.to_text(), chart_id, &request.reason).await?,
    ))
}

/// Who else looked at the patient's record and conversations, newest first: who (name and
/// role), what, when, and whether they broke the glass (with their reason). For the patient
/// themselves; any other caller or id answers 404. Reading it is audited.
#[utoipa::path(get, path = "/api/v1/patients/{patient_id}/access-log", tag = "records", security(("bearer" = [])),
    params(("patient_id" = i64, Path, description = "the chart's id"), PageQuery),
    responses((status = 200, body = AccessLog), Gate,
              (status = 404, description = "no such chart, or not the caller's own (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 422, description = "`limit` or `cursor` is not valid (`validation`)", body = portal_api::ApiErrorBody)))]
pub async fn read_access_log(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    Path(patient_id): Path<String>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Json<AccessLog>> {
    let viewer = session.0.viewer();
    let chart_id = path_id(&patient_id)?;
    Ok(Json(
        access_log::access_log(&state, viewer, addr.to_text(), chart_id, &page).await?,
    ))
}
