//! Reading a chart: who may (`domain::access`, [`chart_reach`]), the chart's resources opened and
//! typed ([`open_chart`]), and the look written to the audit log before the answer leaves.
//! What is made of the resources is the domain's (`domain::records::view`).

use std::sync::Arc;

use fhir_sdk::r4b::resources::Resource;
use portal_api::{AccessedPart, RecordSummary};

use super::access::chart_reach;
use super::chart_cache::TypedChart;
use crate::domain::access::{ChartFacts, ChartReach, Viewer};
use crate::domain::records::audit_object;
use crate::domain::records::view::{summary, Chart, References};
use crate::error::{ApiError, ApiResult};
use crate::messaging::reading::record;
use crate::records::release::{self, audience};
use crate::state::AppState;
use crate::store::audit::action;
use crate::store::charts::{self, ChartRow, StoredResource};
use crate::store::StoreError;

/// A chart opened for a viewer who may read it; the look is already in the audit log.
pub struct OpenedChart {
    pub row: ChartRow,
    /// The resources that are shown, typed (shared with the chart cache).
    pub resources: TypedChart,
}

impl OpenedChart {
    /// Runs `view` over the chart (its resources and their references).
    pub fn view<T>(&self, view: impl FnOnce(&Chart<'_>) -> T) -> T {
        let references = References::of(self.resources.iter());
        view(&Chart::new(&self.resources, &references))
    }
}

/// Opens chart `chart_id` for `viewer` to look at `part`, as far as they reach it
/// (`domain::access`, [`chart_reach`]): 404 when there is none or it is not theirs (the same
/// answer, so an id reveals nothing); 403 `break_the_glass_required` when it is outside their
/// care and they have not stated a reason. The look is written to the audit log before the
/// chart is returned (`record.read`, or `record.read_under_grant` outside their care).
pub async fn open_chart(
    state: &AppState,
    viewer: Viewer,
    client_addr: String,
    chart_id: i64,
    part: &AccessedPart,
) -> ApiResult<OpenedChart> {
    let row = look_at_chart(state, viewer, client_addr, chart_id, part).await?;
    let resources = match state.charts.get(chart_id, row.updated_at) {
        Some(resources) => resources,
        None => {
            let resources = Arc::new(typed_resources(state, chart_id).await?);
            state.charts.put(chart_id, row.updated_at, Arc::clone(&resources));
            resources
        }
    };
    Ok(OpenedChart { row, resources })
}

/// [`open_chart`] without loading the chart's resources, for a look that loads them as stored
/// (the export): the same check and the same audit row, and the chart's row.
pub async fn look_at_chart(
    state: &AppState,
    viewer: Viewer,
    client_addr: String,
    chart_id: i64,
    part: &AccessedPart,
) -> ApiResult<ChartRow> {
    let row = charts::by_id(&state.db, chart_id).await?.ok_or(ApiError::NotFound)?;
    let what = match chart_reach(state, viewer, &row).await? {
        ChartReach::Open => action::RECORD_READ,
        ChartReach::UnderGrant => action::RECORD_READ_UNDER_GRANT,
        ChartReach::ReasonRequired => return Err(ApiError::BreakTheGlassRequired),
        ChartReach::Hidden => return Err(ApiError::NotFound),
    };
    // A part the grant of an authorized person does not cover (they know the chart).
    if !viewer.reads_part(part) {
        return Err(ApiError::Forbidden);
    }
    record(
        state,
        viewer,
        row.user_id,
        what,
        audit_object::object(chart_id, part),
        client_addr,
    )
    .await?;
    Ok(row)
}

/// The summary of chart `chart_id` ([`open_chart`]'s rules).
pub async fn summary_of(
    state: &AppState,
    viewer: Viewer,
    client_addr: String,
    chart_id: i64,
) -> ApiResult<RecordSummary> {
    let chart = open_chart(state, viewer, client_addr, chart_id, &AccessedPart::Summary).await?;
    let now = state.clock.now();
    let version = chart.row.updated_at;
    let made = match state.charts.summary(chart_id, version, now) {
        Some(kept) => kept,
        None => {
            let made = chart
                .view(|chart| summary::summary(chart, now))
                .ok_or(StoreError::Inconsistent("a chart without its Patient"))?;
            let made = Arc::new(made);
            let until = summary::unchanged_until(&made);
            state.charts.keep_summary(chart_id, version, Arc::clone(&made), until);
            made
        }
    };
    let mut summary = Arc::unwrap_or_clone(made);
    // The visits' results the patient may not see yet.
    if let Some(releases) = release::withheld_among(state, viewer, &chart.row, &chart.resources).await? {
        for visit in [&mut summary.next_visit, &mut summary.last_visit].into_iter().flatten() {
            releases.filter_visit(visit, audience(viewer));
        }
    }
    Ok(summary)
}

/// The charts `viewer` may open: a patient's own, once linked to their account; the one of
/// the patient an authorized person acts for, if the grant shows the record or results.
pub async fn charts_of(state: &AppState, viewer: Viewer) -> ApiResult<Vec<i64>> {
    Ok(match viewer {
        Viewer::Patient(user_id) => charts::linked_to(&state.db, user_id).await?.into_iter().collect(),
        Viewer::ForPatient(proxy) => {
            let facts = ChartFacts {
                chart_id: proxy.chart_id,
                ..ChartFacts::default()
            };
            match viewer.chart_reach(facts) {
                ChartReach::Open => vec![proxy.chart_id],
                _ => Vec::new(),
            }
        }
        Viewer::Physician(_) | Viewer::Staff(..) | Viewer::NoHealthData(_) => Vec::new(),
    })
}

/// The chart's resources that are shown, opened and read into the typed model.
async fn typed_resources(state: &AppState, chart_id: i64) -> ApiResult<Vec<Resource>> {
    let stored = charts::resources(&state.db, &state.text_sealer, chart_id).await?;
    typed(stored.iter().filter(|r| r.shown))
}

/// Stored resources read into the typed model (each was checked against it when imported).
fn typed<'a>(stored: impl IntoIterator<Item = &'a StoredResource>) -> ApiResult<Vec<Resource>> {
    stored
        .into_iter()
        .map(|resource| {
            serde_json::from_str::<Resource>(&resource.json)
                .map_err(|_| StoreError::Unreadable("a chart resource's JSON").into())
        })
        .collect()
}
