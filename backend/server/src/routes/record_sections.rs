//! A patient's record beyond its summary: `GET …/record/{section}` a page at a time,
//! `GET …/record/results/{code}/series` and `GET …/record/export` (the whole record as a FHIR
//! R4 Bundle). The same reach as the summary: a patient reads their own chart; any other id
//! answers 404 like one that does not exist. Every read is written to the audit log.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use portal_api::{PageQuery, RecordPage, RecordSection, ResultSeries};

use super::openapi::responses::OpenChart;
use super::query::{path_id, ApiQuery};
use crate::auth::{ClientAddr, PolicyAccepted};
use crate::error::{ApiError, ApiResult};
use crate::records::{export, sections};
use crate::state::AppState;

/// The media type of the export (FHIR's JSON).
pub const FHIR_JSON: &str = "application/fhir+json";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/patients/{patient_id}/record/export", get(record_export))
        .route("/patients/{patient_id}/record/{section}", get(record_section))
        .route(
            "/patients/{patient_id}/record/results/{code}/series",
            get(result_series),
        )
}

/// One page of a section of a patient's chart, newest first: visits, results, medications,
/// allergies, problems, immunizations, procedures, care plans or documents. Pass the page's
/// `next_cursor` as `cursor` for the next; walking every page lists the section once.
#[utoipa::path(get, path = "/api/v1/patients/{patient_id}/record/{section}", tag = "records", security(("bearer" = [])),
    params(("patient_id" = i64, Path, description = "the chart's id"),
           ("section" = RecordSection, Path, description = "which section"),
           PageQuery),
    responses((status = 200, body = RecordPage), OpenChart,
              (status = 404, description = "no such chart or section, or not the caller's to read (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 422, description = "`limit` is out of range or `cursor` is not one a page gave (`validation`)", body = portal_api::ApiErrorBody)))]
pub async fn record_section(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    Path((patient_id, section)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<RecordPage>> {
    let chart_id = path_id(&patient_id)?;
    let section = RecordSection::parse(&section).ok_or(ApiError::NotFound)?;
    let viewer = session.0.viewer();
    Ok(Json(
        sections::page_of(&state, viewer, addr.to_text(), chart_id, section, &query).await?,
    ))
}

/// One result's values over time (a LOINC code, such as `29463-7` for body weight or `8480-6`
/// for a blood pressure's systolic part), oldest first, as lines of one part and unit each
/// with their reference range: for a trend chart.
#[utoipa::path(get, path = "/api/v1/patients/{patient_id}/record/results/{code}/series", tag = "records", security(("bearer" = [])),
    params(("patient_id" = i64, Path, description = "the chart's id"),
           ("code" = String, Path, description = "the result's code: 1 to 64 letters, digits, `-` or `.`")),
    responses((status = 200, body = ResultSeries), OpenChart,
              (status = 404, description = "no such chart, or not the caller's to read (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 422, description = "the code is not 1 to 64 letters, digits, `-` or `.` (`validation`)", body = portal_api::ApiErrorBody)))]
pub async fn result_series(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    Path((patient_id, code)): Path<(String, String)>,
) -> ApiResult<Json<ResultSeries>> {
    let chart_id = path_id(&patient_id)?;
    let viewer = session.0.viewer();
    Ok(Json(
        sections::series_of(&state, viewer, addr.to_text(), chart_id, &code).await?,
    ))
}

/// The whole record as a FHIR R4 Bundle (a `collection` of every resource of the chart as it
/// was loaded), as a download to save: it imports back into the portal unchanged.
#[utoipa::path(get, path = "/api/v1/patients/{patient_id}/record/export", tag = "records", security(("bearer" = [])),
    params(("patient_id" = i64, Path, description = "the chart's id")),
    responses((status = 200, description = "a FHIR R4 Bundle of type `collection`, as a download (`Content-Disposition: attachment; filename=\"record-{patient_id}.json\"`)",
                  content((Object = "application/fhir+json"))),
              OpenChart,
              (status = 404, description = "no such chart, or not the caller's to read (`not_found`)", body = portal_api::ApiErrorBody)))]
pub async fn record_export(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    Path(patient_id): Path<String>,
) -> ApiResult<Response> {
    let chart_id = path_id(&patient_id)?;
    let viewer = session.0.viewer();
    let export = export::export_of(&state, viewer, addr.to_text(), chart_id).await?;
    let disposition = format!("attachment; filename=\"{}\"", export.file_name);
    let mut response = export.json.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|e| ApiError::Internal(e.to_string()))?,
    );
    Ok(response)
}
