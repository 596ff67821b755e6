//! Reading a chart as its patient sees it: who may ([`Viewer::reaches_chart`]), the chart's
//! resources opened and typed, the view made (`domain::records::view`), and the read written
//! to the audit log before the answer leaves.

use fhir_sdk::r4b::resources::Resource;
use portal_api::RecordSummary;

use crate::domain::access::Viewer;
use crate::domain::records::view::{summary, Chart, References};
use crate::error::{ApiError, ApiResult};
use crate::messaging::reading::record;
use crate::state::AppState;
use crate::store::audit::action;
use crate::store::charts;
use crate::store::StoreError;

/// The summary of chart `chart_id`: 404 when there is none or it is not the viewer's to read
/// (the same answer, so an id reveals nothing).
pub async fn summary_of(
    state: &AppState,
    viewer: Viewer,
    client_addr: String,
    chart_id: i64,
) -> ApiResult<RecordSummary> {
    let chart = charts::by_id(&state.db, chart_id)
        .await?
        .filter(|chart| viewer.reaches_chart(chart.user_id))
        .ok_or(ApiError::NotFound)?;
    let resources = typed_resources(state, chart_id).await?;
    let references = References::of(&resources);
    let view = summary::summary(&Chart::new(&resources, &references), state.clock.now())
        .ok_or(StoreError::Inconsistent("a chart without its Patient"))?;
    record(
        state,
        viewer,
        chart.user_id,
        action::RECORD_READ,
        format!("chart:{chart_id}/summary"),
        client_addr,
    )
    .await?;
    Ok(view)
}

/// The charts `viewer` may open: a patient's own, once linked to their account.
pub async fn charts_of(state: &AppState, viewer: Viewer) -> ApiResult<Vec<i64>> {
    Ok(match viewer {
        Viewer::Patient(user_id) => charts::linked_to(&state.db, user_id).await?.into_iter().collect(),
        Viewer::Physician(_) | Viewer::Staff(..) | Viewer::NoHealthData(_) => Vec::new(),
    })
}

/// The chart's resources that are shown, opened and read into the typed model (each was
/// checked against it when imported).
async fn typed_resources(state: &AppState, chart_id: i64) -> ApiResult<Vec<Resource>> {
    let stored = charts::resources(&state.db, &state.text_sealer, chart_id).await?;
    let mut typed = Vec::with_capacity(stored.len());
    for resource in stored.iter().filter(|r| r.shown) {
        typed.push(
            serde_json::from_str::<Resource>(&resource.json)
                .map_err(|_| StoreError::Unreadable("a chart resource's JSON"))?,
        );
    }
    Ok(typed)
}
