//! A patient's record: `GET /api/v1/patients/{patient_id}/record` (the summary).

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use portal_api::RecordSummary;

use super::openapi::responses::OpenChart;
use super::query::path_id;
use crate::auth::{ClientAddr, PolicyAccepted};
use crate::error::ApiResult;
use crate::records::reading;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/patients/{patient_id}/record", get(record_summary))
}

/// The summary of a patient's chart: active problems, allergies, current medications,
/// immunizations, the next and last visits. A patient reads their own chart, the care team
/// their patients' (outside their care: once they stated a reason); any other id answers 404,
/// like one that does not exist. The read is written to the audit log.
#[utoipa::path(get, path = "/api/v1/patients/{patient_id}/record", tag = "records", security(("bearer" = [])),
    params(("patient_id" = i64, Path, description = "the chart's id")),
    responses((status = 200, body = RecordSummary), OpenChart))]
pub async fn record_summary(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    Path(patient_id): Path<String>,
) -> ApiResult<Json<RecordSummary>> {
    let viewer = session.0.viewer();
    Ok(Json(
        reading::summary_of(&state, viewer, addr.to_text(), path_id(&patient_id)?).await?,
    ))
}
