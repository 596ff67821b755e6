//! The whole record downloaded as a FHIR R4 Bundle ([`reading`]'s rules: who may, and the look
//! in the audit log): every resource of the chart exactly as stored, shown or not, so the file
//! imports back unchanged (`domain::records::export`); for a patient, without the results not
//! released to them yet.

use portal_api::AccessedPart;

use super::reading::look_at_chart;
use super::release;
use crate::domain::access::Viewer;
use crate::domain::records::export;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::charts::{self, ChartRow, StoredResource};

/// A chart's export: the bundle's JSON and the name to save it under.
pub struct Export {
    pub file_name: String,
    pub json: String,
}

/// Chart `chart_id` as a bundle.
pub async fn export_of(state: &AppState, viewer: Viewer, client_addr: String, chart_id: i64) -> ApiResult<Export> {
    let chart = look_at_chart(state, viewer, client_addr, chart_id, &AccessedPart::Export).await?;
    let stored = charts::resources(&state.db, &state.text_sealer, chart_id).await?;
    let released = released_to(state, viewer, &chart, stored).await?;
    Ok(Export {
        file_name: format!("record-{chart_id}.json"),
        json: export::bundle(released.iter().map(|r| r.json.as_str()), state.clock.now()),
    })
}

/// The resources of `chart` that go into `viewer`'s download: for a patient, not the results
/// (reports and Observations) that are not released to them yet ([`release`]).
async fn released_to(
    state: &AppState,
    viewer: Viewer,
    chart: &ChartRow,
    resources: Vec<StoredResource>,
) -> ApiResult<Vec<StoredResource>> {
    Ok(match release::withheld_from(state, viewer, chart).await? {
        None => resources,
        Some(releases) => resources
            .into_iter()
            .filter(|r| releases.is_released(&r.resource_type, &r.fhir_id))
            .collect(),
    })
}
