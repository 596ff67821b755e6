//! Reading a chart's sections a page at a time and a result's series (`reading`'s rules: who
//! may, and the look in the audit log), results as the practice's rule releases them
//! ([`release`]). What each shows is the domain's (`domain::records::sections`,
//! `view::results::series`).

use portal_api::{AccessedPart, PageQuery, RecordPage, RecordSection, ResultSeries, SectionEntries};

use super::reading::open_chart;
use super::release;
use crate::domain::access::Viewer;
use crate::domain::records::paging::PageRequest;
use crate::domain::records::result_codes::ResultCode;
use crate::domain::records::sections;
use crate::domain::records::view::results;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// One page of `section` of chart `chart_id`, newest first. A limit or cursor that is not
/// valid is refused before the chart is opened.
pub async fn page_of(
    state: &AppState,
    viewer: Viewer,
    client_addr: String,
    chart_id: i64,
    section: RecordSection,
    query: &PageQuery,
) -> ApiResult<RecordPage> {
    let request = PageRequest::parse(query).map_err(|e| ApiError::Validation(e.to_string()))?;
    let part = AccessedPart::Section { section };
    let chart = open_chart(state, viewer, client_addr, chart_id, &part).await?;
    let mut page = chart.view(|chart| sections::page(chart, section, request));
    // Results as the practice's rule releases them (`release`).
    match &mut page.entries {
        SectionEntries::Results(reports) => {
            release::fill_results(state, viewer, &chart.row, &chart.resources, reports).await?;
        }
        SectionEntries::Visits(visits) => {
            if let Some(releases) = release::withheld_among(state, viewer, &chart.row, &chart.resources).await? {
                for visit in visits {
                    releases.filter_visit(visit, release::audience(viewer));
                }
            }
        }
        _ => {}
    }
    Ok(page)
}

/// The series of `code` in chart `chart_id`, oldest first, made from the whole chart opened
/// (as cached when it was opened a moment ago): a code is found wherever the chart holds it,
/// as a result's first coding, another coding or a part of any panel.
pub async fn series_of(
    state: &AppState,
    viewer: Viewer,
    client_addr: String,
    chart_id: i64,
    code: &str,
) -> ApiResult<ResultSeries> {
    let code = ResultCode::parse(code).ok_or_else(|| {
        ApiError::Validation(
            "The code must be 1 to 64 letters, digits, '-' or '.' (a LOINC code such as 8480-6).".into(),
        )
    })?;
    let part = AccessedPart::ResultSeries {
        code: code.as_str().to_owned(),
    };
    let chart = open_chart(state, viewer, client_addr, chart_id, &part).await?;
    let mut series = chart.view(|chart| results::series(chart, code.as_str()));
    // Only the points of results released to the patient (`release`).
    if let Some(releases) = release::withheld_among(state, viewer, &chart.row, &chart.resources).await? {
        releases.filter_series(&mut series, release::audience(viewer));
    }
    Ok(series)
}
