//! Results' release as the service applies it: the practice's rule and a patient's preference
//! read and set (each change audited with it), and a chart's results (and the values that come
//! from them elsewhere: visits, series, the export) shown to each viewer as the rule allows
//! ([`fill_results`], [`withheld_from`]). What is released when is the domain's
//! (`domain::records::release`); a physician's review is [`super::review`]'s.

use chrono::{DateTime, Utc};
use fhir_sdk::r4b::resources::Resource;
use portal_api::{ReleaseRule, ResultPreferences, ResultReleaseSetting, ResultReport};

use crate::domain::access::Viewer;
use crate::domain::records::release::{self, Audience, ReleaseFacts, ReleaseInputError, Releases};
use crate::domain::records::view::{results, Chart, References};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::audit::action;
use crate::store::charts::ChartRow;
use crate::store::result_release::{self as store, audit_row};
use crate::store::Db;
use crate::store::StoreError;

/// Whose view it is: a patient sees only what is released, the care team everything.
pub fn audience(viewer: Viewer) -> Audience {
    match viewer {
        Viewer::Patient(_) | Viewer::ForPatient(_) => Audience::Patient,
        Viewer::Physician(_) | Viewer::Staff(..) | Viewer::NoHealthData(_) => Audience::CareTeam,
    }
}

/// Fills in `reports` (results of chart `row`, whose shown resources are `resources`) with
/// their release and review; for a patient, a report not released yet loses its values.
pub async fn fill_results(
    state: &AppState,
    viewer: Viewer,
    row: &ChartRow,
    resources: &[Resource],
    reports: &mut [ResultReport],
) -> ApiResult<()> {
    let facts = facts(state, row).await?;
    let references = References::of(resources);
    let chart = Chart::new(resources, &references);
    Releases::of(&chart, reports, facts).fill(reports, audience(viewer));
    Ok(())
}

/// What of chart `row`'s results is held back from `viewer`: `None` when nothing is (the care
/// team sees everything; with results released at once and no preference of the patient's,
/// everything is released), else the releases of every result. Check a value with
/// `Releases::is_released`, a visit with `filter_visit`, a series with `filter_series`. Loads
/// the chart's reports and Observations; [`withheld_among`] when the chart is open already.
pub async fn withheld_from(state: &AppState, viewer: Viewer, row: &ChartRow) -> ApiResult<Option<Releases>> {
    let Some(facts) = facts_if_held_back(state, viewer, row).await? else {
        return Ok(None);
    };
    let stored = store::result_resources(&state.db, &state.text_sealer, row.id).await?;
    let typed = stored
        .iter()
        .map(|json| {
            serde_json::from_str::<Resource>(json).map_err(|_| StoreError::Unreadable("a chart resource's JSON"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(releases(&typed, facts)))
}

/// [`withheld_from`] over the chart's shown `resources`, already loaded.
pub async fn withheld_among(
    state: &AppState,
    viewer: Viewer,
    row: &ChartRow,
    resources: &[Resource],
) -> ApiResult<Option<Releases>> {
    Ok(facts_if_held_back(state, viewer, row)
        .await?
        .map(|facts| releases(resources, facts)))
}

/// How many of chart `row`'s results are released to its patient now.
pub async fn released_to_patient(state: &AppState, row: &ChartRow) -> ApiResult<usize> {
    let facts = facts(state, row).await?;
    let stored = store::result_resources(&state.db, &state.text_sealer, row.id).await?;
    let typed = stored
        .iter()
        .map(|json| {
            serde_json::from_str::<Resource>(json).map_err(|_| StoreError::Unreadable("a chart resource's JSON"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(releases(&typed, facts).released_count())
}

fn releases(resources: &[Resource], facts: ReleaseFacts) -> Releases {
    let references = References::of(resources);
    let chart = Chart::new(resources, &references);
    let reports = results::results(&chart);
    Releases::of(&chart, &reports, facts)
}

/// What the releases of chart `row`'s results depend on, loaded.
pub async fn facts(state: &AppState, chart: &ChartRow) -> ApiResult<ReleaseFacts> {
    let (rule, preferences) = rule_and_preferences(state, chart).await?;
    facts_under(state, chart, rule, preferences).await
}

/// The practice's rule and the chart's patient's preference (the default for a chart linked to
/// no account): all it takes to know whether anything is held back at all.
async fn rule_and_preferences(state: &AppState, chart: &ChartRow) -> ApiResult<(ReleaseRule, ResultPreferences)> {
    Ok(store::rule_and_preferences(&state.db, chart.user_id).await?)
}

async fn facts_under(
    state: &AppState,
    chart: &ChartRow,
    rule: ReleaseRule,
    preferences: ResultPreferences,
) -> ApiResult<ReleaseFacts> {
    let db = &state.db;
    let physician = match chart.user_id {
        Some(patient) => store::physician_of(db, patient).await?,
        None => None,
    };
    Ok(ReleaseFacts {
        rule,
        preferences,
        physician,
        reviews: store::reviews(db, &state.text_sealer, chart.id).await?,
        received: store::results_received(db, chart.id).await?,
        now: state.clock.now(),
    })
}

/// The facts, when anything may be held back from `viewer` (a patient, under a rule or a
/// preference that holds results back); none otherwise, having read only the rule and the
/// preference.
async fn facts_if_held_back(state: &AppState, viewer: Viewer, row: &ChartRow) -> ApiResult<Option<ReleaseFacts>> {
    if audience(viewer) == Audience::CareTeam {
        return Ok(None);
    }
    let (rule, preferences) = rule_and_preferences(state, row).await?;
    if rule == ReleaseRule::AtOnce && !preferences.only_after_review {
        return Ok(None);
    }
    Ok(Some(facts_under(state, row, rule, preferences).await?))
}

/// The practice's rule.
pub async fn rule(state: &AppState) -> ApiResult<ResultReleaseSetting> {
    Ok(ResultReleaseSetting {
        rule: stored_rule(&state.db).await?,
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
    let rule = store_rule(&state.db, rule, Some(viewer.user_id()), client_addr, state.clock.now()).await?;
    Ok(ResultReleaseSetting { rule })
}

/// Checks `rule` and stores it with its audit row, made by `actor` (none: an operator at the
/// command line, `portal-server records release-rule`).
pub async fn store_rule(
    db: &Db,
    rule: ReleaseRule,
    actor: Option<i64>,
    client_addr: String,
    now: DateTime<Utc>,
) -> ApiResult<ReleaseRule> {
    let rule = release::check_rule(rule).map_err(refused)?;
    let object = format!("result-release:{}", rule_text(rule));
    let audit = audit_row(actor, None, action::RESULT_RELEASE_SET, object, client_addr, now);
    store::set_rule(db, rule, audit).await?;
    Ok(rule)
}

/// The practice's rule as stored (the command line's).
pub async fn stored_rule(db: &Db) -> ApiResult<ReleaseRule> {
    Ok(store::rule(db).await?)
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
        Some(user),
        Some(user),
        action::RESULT_PREFERENCES_SET,
        object,
        client_addr,
        state.clock.now(),
    );
    store::set_preferences(&state.db, user, preferences, audit).await?;
    Ok(preferences)
}

pub(super) fn refused(error: ReleaseInputError) -> ApiError {
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
