//! Results' release to patients: the practice's rule (`/practice/result-release`: everyone
//! reads it, admins set it), a patient's preference (`/me/result-preferences`) and a
//! physician's review of a result (`…/record/results/{result_id}/review`).

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use portal_api::{ResultPreferences, ResultReleaseSetting, ResultReview, ReviewRequest};

use super::json::ApiJson;
use super::openapi::responses::{JsonBody, OpenChart, PolicyAccepted as Gate};
use super::query::path_id;
use crate::auth::{ClientAddr, PolicyAccepted};
use crate::error::ApiResult;
use crate::records::{release, review};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/practice/result-release", get(result_release).put(set_result_release))
        .route(
            "/me/result-preferences",
            get(result_preferences).put(set_result_preferences),
        )
        .route(
            "/patients/{patient_id}/record/results/{result_id}/review",
            post(review_result),
        )
}

const ADMINS_ONLY: &str = "the caller is not an admin (`forbidden`), or the current portal policy is not accepted yet (`policy_not_accepted`)";
const PATIENTS_ONLY: &str = "the caller is not a patient (`forbidden`), or the current portal policy is not accepted yet (`policy_not_accepted`)";

/// When the practice releases results to patients: at once (the 21st Century Cures Act's
/// default, until an admin sets another rule), some days after they were issued, or once a
/// physician has reviewed them.
#[utoipa::path(get, path = "/api/v1/practice/result-release", tag = "records", security(("bearer" = [])),
    responses((status = 200, body = ResultReleaseSetting), Gate))]
pub async fn result_release(
    State(state): State<AppState>,
    _session: PolicyAccepted,
) -> ApiResult<Json<ResultReleaseSetting>> {
    Ok(Json(release::rule(&state).await?))
}

/// Set when the practice releases results (admins). A delay is 1 to
/// `MAX_RELEASE_DELAY_DAYS` days. The rule is applied whenever results are read, so it holds
/// for every result from now on, those in the charts already included. Audited.
#[utoipa::path(put, path = "/api/v1/practice/result-release", tag = "records", security(("bearer" = [])),
    request_body = ResultReleaseSetting,
    responses((status = 200, body = ResultReleaseSetting), Gate, JsonBody,
              (status = 403, description = ADMINS_ONLY, body = portal_api::ApiErrorBody),
              (status = 422, description = "the body is not a rule, or a delay is out of range (`validation`)", body = portal_api::ApiErrorBody)))]
pub async fn set_result_release(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    ApiJson(setting): ApiJson<ResultReleaseSetting>,
) -> ApiResult<Json<ResultReleaseSetting>> {
    let viewer = session.0.viewer();
    Ok(Json(
        release::set_rule(&state, viewer, addr.to_text(), setting.rule).await?,
    ))
}

/// The caller's choice to see results only after their physician has reviewed them
/// (patients).
#[utoipa::path(get, path = "/api/v1/me/result-preferences", tag = "records", security(("bearer" = [])),
    responses((status = 200, body = ResultPreferences), Gate,
              (status = 403, description = PATIENTS_ONLY, body = portal_api::ApiErrorBody)))]
pub async fn result_preferences(
    State(state): State<AppState>,
    session: PolicyAccepted,
) -> ApiResult<Json<ResultPreferences>> {
    Ok(Json(release::preferences(&state, session.0.viewer()).await?))
}

/// Set the caller's choice to see results only after their physician has reviewed them,
/// whatever the practice's rule (patients). Audited.
#[utoipa::path(put, path = "/api/v1/me/result-preferences", tag = "records", security(("bearer" = [])),
    request_body = ResultPreferences,
    responses((status = 200, body = ResultPreferences), Gate, JsonBody,
              (status = 403, description = PATIENTS_ONLY, body = portal_api::ApiErrorBody)))]
pub async fn set_result_preferences(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    ApiJson(preferences): ApiJson<ResultPreferences>,
) -> ApiResult<Json<ResultPreferences>> {
    let viewer = session.0.viewer();
    Ok(Json(
        release::set_preferences(&state, viewer, addr.to_text(), preferences).await?,
    ))
}

/// Mark a result reviewed (physicians, in a chart they reach: their patients', or another's
/// after breaking the glass), with a note the patient reads beside it (at most `MAX_REVIEW_NOTE` characters). Reviewing again replaces the note. The
/// look at the chart's results and the review are audited.
#[utoipa::path(post, path = "/api/v1/patients/{patient_id}/record/results/{result_id}/review", tag = "records",
    security(("bearer" = [])),
    params(("patient_id" = i64, Path, description = "the chart's id"),
           ("result_id" = String, Path, description = "the result's id: a report's (DiagnosticReport) or a result's reported on its own (Observation)")),
    request_body = ReviewRequest,
    responses((status = 200, body = ResultReview), OpenChart, JsonBody,
              (status = 403, description = "the current portal policy is not accepted yet (`policy_not_accepted`), the caller is not a physician (`forbidden`), or the patient is not in their care and no reason was stated yet (`break_the_glass_required`: `POST /api/v1/patients/{patient_id}/break-the-glass`)", body = portal_api::ApiErrorBody),
              (status = 404, description = "no such chart or result, or not the caller's to reach (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 422, description = "the note is blank, too long or holds characters that cannot be shown (`validation`)", body = portal_api::ApiErrorBody)))]
pub async fn review_result(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    Path((patient_id, result_id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ReviewRequest>,
) -> ApiResult<Json<ResultReview>> {
    let viewer = session.0.viewer();
    let chart_id = path_id(&patient_id)?;
    Ok(Json(
        review::review(
            &state,
            viewer,
            addr.to_text(),
            chart_id,
            &result_id,
            request.note.as_deref(),
        )
        .await?,
    ))
}
