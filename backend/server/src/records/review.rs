//! A physician marks a result reviewed, with a note the patient reads beside it: who may
//! (`Viewer::may_review_results`, and reach of the chart through [`open_chart`]), the note's
//! rules (`domain::records::release::check_note`), the review stored with its audit row.

use portal_api::{AccessedPart, RecordSection, ResultReview};

use super::reading::open_chart;
use super::release::refused;
use crate::domain::access::Viewer;
use crate::domain::records::release;
use crate::domain::records::view::results;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::audit::action;
use crate::store::result_release::{self as store, audit_row};

/// A physician marks result `result_id` of chart `chart_id` reviewed, with a note for the
/// patient (again: the note is replaced). 403 for anyone but a physician; 422 for a note
/// refused; 404 for a chart the physician does not reach (the look at its results is audited
/// like any other) or an id that is none of its results.
pub async fn review(
    state: &AppState,
    viewer: Viewer,
    client_addr: String,
    chart_id: i64,
    result_id: &str,
    note: Option<&str>,
) -> ApiResult<ResultReview> {
    if !viewer.may_review_results() {
        return Err(ApiError::Forbidden);
    }
    let note = release::check_note(note).map_err(refused)?;
    let results_part = AccessedPart::Section {
        section: RecordSection::Results,
    };
    let chart = open_chart(state, viewer, client_addr.clone(), chart_id, &results_part).await?;
    let found = chart.view(|view| results::results(view).iter().any(|r| r.id == result_id));
    if !found {
        return Err(ApiError::NotFound);
    }
    let audit = audit_row(
        Some(viewer.user_id()),
        chart.row.user_id,
        action::RESULT_REVIEWED,
        format!("chart:{chart_id}/review/{result_id}"),
        client_addr,
        state.clock.now(),
    );
    let review = store::review(
        &state.db,
        &state.text_sealer,
        chart_id,
        result_id,
        viewer.user_id(),
        note.as_deref(),
        audit,
    )
    .await?;
    Ok(review.to_api())
}
