//! Results' release as the service applies it: the practice's rule and a patient's preference
//! read and set, a physician's review written, and an opened chart's results (and the values
//! that come from them elsewhere: series, visits, the export) shown to each viewer as the
//! rule allows ([`releases`], [`audience`]). What is released when is the domain's
//! (`domain::records::release`); every change is audited with it.

use portal_api::{
    AccessedPart, RecordSection, ReleaseRule, ResultPreferences, ResultReleaseSetting, ResultReport, ResultReview,
};

use super::reading::{open_chart, OpenedChart};
use crate::domain::access::Viewer;
use crate::domain::records::release::{self, Audience, ReleaseFacts, ReleaseInputError, Releases};
use crate::domain::records::view::results;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::audit::action;
use crate::store::result_release::{self as store, audit_row};

/// Whose view it is: a patient sees only what is released, the care team everything.
pub fn audience(viewer: Viewer) -> Audience {
    match viewer {
        Viewer::Patient(_) => Audience::Patient,
        Viewer::Physician(_) | Viewer::Staff(..) | Viewer::NoHealthData(_) => Audience::CareTeam,
    }
}

/// The releases of `chart`'s results, `reports` being its results section
/// (`results::results`): by the practice's rule, the chart's patient's preference and
/// physician, and the reviews.
pub async fn releases_of(state: &AppState, chart: &OpenedChart, reports: &[ResultReport]) -> ApiResult<Releases> {
    let facts = facts(state, chart).await?;
    Ok(chart.view(|view| Releases::of(view, reports, facts)))
}

/// [`releases_of`] the chart's whole results section (for a series, the visits, the export:
/// `Releases::filter_series`, `filter_visit`, `is_released`).
pub async fn releases(state: &AppState, chart: &OpenedChart) -> ApiResult<Releases> {
    let reports = chart.view(results::results);
    releases_of(state, chart, &reports).await
}

/// The results section as `viewer` sees it: each report with its release and review; for the
/// patient, a report not released yet without its values.
pub async fn results_for(state: &AppState, viewer: Viewer, chart: &OpenedChart) -> ApiResult<Vec<ResultReport>> {
    let mut reports = chart.view(results::results);
    releases_of(state, chart, &reports)
        .await?
        .fill(&mut reports, audience(viewer));
    Ok(reports)
}

async fn facts(state: &AppState, chart: &OpenedChart) -> ApiResult<ReleaseFacts> {
    let db = &state.db;
    let (preferences, physician) = match chart.row.user_id {
        Some(patient) => (
            store::preferences(db, patient).await?,
            store::physician_of(db, patient).await?,
        ),
        None => (
            ResultPreferences {
                only_after_review: false,
            },
            None,
        ),
    };
    Ok(ReleaseFacts {
        rule: store::rule(db).await?,
        preferences,
        physician,
        reviews: store::reviews(db, &state.text_sealer, chart.row.id).await?,
        received: store::results_received(db, chart.row.id).await?,
        now: state.clock.now(),
    })
}

/// The practice's rule.
pub async fn rule(state: &AppState) -> ApiResult<ResultReleaseSetting> {
    Ok(ResultReleaseSetting {
        rule: store::rule(&state.db).await?,
    })
}

/// Sets the practice's rule (admins: 403 for anyone else; a delay out of range: 422).
pub async fn set_rule(
    state: &AppState,
    viewer: Viewer,
    client_addr: String,
    rule: ReleaseRule,
) -> ApiResult<ResultReleaseSetting> {
    if !viewer.may_set_release_rule() {
        return Err(ApiError::Forbidden);
    }
    let rule = release::check_rule(rule).map_err(refused)?;
    let object = format!("result-release:{}", rule_text(rule));
    let audit = audit_row(
        viewer.user_id(),
        None,
        action::RESULT_RELEASE_SET,
        object,
        client_addr,
        state.clock.now(),
    );
    store::set_rule(&state.db, rule, audit).await?;
    Ok(ResultReleaseSetting { rule })
}

/// The caller's preference (patients: 403 for anyone else).
pub async fn preferences(state: &AppState, viewer: Viewer) -> ApiResult<ResultPreferences> {
    if !viewer.may_set_result_preferences() {
        return Err(ApiError::Forbidden);
    }
    Ok(store::preferences(&state.db, viewer.user_id()).await?)
}

/// Sets the caller's preference (patients: 403 for anyone else).
pub async fn set_preferences(
    state: &AppState,
    viewer: Viewer,
    client_addr: String,
    preferences: ResultPreferences,
) -> ApiResult<ResultPreferences> {
    if !viewer.may_set_result_preferences() {
        return Err(ApiError::Forbidden);
    }
    let user = viewer.user_id();
    let object = format!("result-preferences:only_after_review={}", preferences.only_after_review);
    let audit = audit_row(
        user,
        Some(user),
        action::RESULT_PREFERENCES_SET,
        object,
        client_addr,
        state.clock.now(),
    );
    store::set_preferences(&state.db, user, preferences, audit).await?;
    Ok(preferences)
}

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
        viewer.user_id(),
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

fn refused(error: ReleaseInputError) -> ApiError {
    ApiError::Validation(error.to_string())
}

/// A rule in the audit log's words.
fn rule_text(rule: ReleaseRule) -> String {
    match rule {
        ReleaseRule::AtOnce => "at_once".into(),
        ReleaseRule::AfterDays { days } => format!("after_days:{days}"),
        ReleaseRule::AfterReview => "after_review".into(),
    }
}
