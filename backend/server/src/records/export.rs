//! The whole record downloaded as a FHIR R4 Bundle ([`reading`]'s rules: who may, and the look
//! in the audit log): every resource of the chart exactly as stored, shown or not, so the file
//! imports back unchanged (`domain::records::export`).

use portal_api::AccessedPart;

use super::reading::look_at_chart;
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

/// The resources of `chart` that go into `viewer`'s download, before they are written out.
/// Today every one: the place where results not yet released to the patient are to be
/// withheld (the practice's release rule and the patient's preference).
async fn released_to(
    _state: &AppState,
    _viewer: Viewer,
    _chart: &ChartRow,
    resources: Vec<StoredResource>,
) -> ApiResult<Vec<StoredResource>> {
    Ok(resources)
}
