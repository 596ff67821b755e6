//! The care team's way into patients' charts: the facts `domain::access` decides a chart's
//! reach from ([`chart_reach`]), the patient search ([`find_patients`]) and a stated reason to
//! open a chart outside one's care ([`break_the_glass`]). Each is written to the audit log.

use portal_api::{BreakTheGlassGrant, PatientMatch, PatientMatches, MAX_PATIENT_MATCHES};

use crate::domain::access::{ChartFacts, ChartReach, Viewer};
use crate::domain::records::audit_object;
use crate::domain::records::break_the_glass::{grant_until, Reason};
use crate::domain::records::patient_search::SearchKey;
use crate::error::{ApiError, ApiResult};
use crate::messaging::reading::record;
use crate::state::AppState;
use crate::store::audit::action;
use crate::store::chart_grants::{self, NewGrant};
use crate::store::charts::{self, ChartRow};
use crate::store::writer::{AuditRow, Written};
use crate::store::{care_team, to_millis};

/// How far `viewer` reaches `chart` now: the facts its role needs, loaded, and the domain's
/// answer.
pub async fn chart_reach(state: &AppState, viewer: Viewer, chart: &ChartRow) -> ApiResult<ChartReach> {
    let owner = chart.user_id;
    let mut facts = ChartFacts {
        chart_id: chart.id,
        owner,
        ..ChartFacts::default()
    };
    // Patients and those who never open charts need nothing loaded.
    if viewer.may_break_the_glass() {
        let owners: Vec<i64> = owner.into_iter().collect();
        facts.viewer_cares = !care_team::cared_for_by(&state.db, viewer.user_id(), &owners)
            .await?
            .is_empty();
        facts.practice_cares = !care_team::cared_for_by_a_physician(&state.db, &owners)
            .await?
            .is_empty();
        facts.open_grant = chart_grants::open_for(&state.db, viewer.user_id(), chart.id, state.clock.now()).await?;
    }
    Ok(viewer.chart_reach(facts))
}

/// Opens chart `chart_id` to `viewer` for 8 hours, for `reason`: physicians and clinical staff
/// only (anyone else: 404 for a chart they do not reach, 403 for their own). The grant and its
/// audit row (`record.break_the_glass`) are written in one transaction.
pub async fn break_the_glass(
    state: &AppState,
    viewer: Viewer,
    client_addr: String,
    chart_id: i64,
    reason: &str,
) -> ApiResult<BreakTheGlassGrant> {
    let reason = Reason::parse(reason).map_err(ApiError::Validation)?;
    let chart = charts::by_id(&state.db, chart_id).await?.ok_or(ApiError::NotFound)?;
    if !viewer.may_break_the_glass() {
        return Err(
            match viewer.chart_reach(ChartFacts {
                chart_id,
                owner: chart.user_id,
                ..ChartFacts::default()
            }) {
                ChartReach::Hidden => ApiError::NotFound,
                _ => ApiError::Forbidden,
            },
        );
    }
    let now = state.clock.now();
    let until = grant_until(now);
    let (sealer, engine) = (state.text_sealer.clone(), state.db.engine);
    let user_id = viewer.user_id();
    state
        .writer
        .run_audited(move |conn| {
            Box::pin(async move {
                let grant = NewGrant {
                    chart_id,
                    user_id,
                    reason: reason.as_str(),
                    granted_at: now,
                    until,
                };
                chart_grants::insert(conn, engine, &sealer, &grant).await?;
                let row = AuditRow {
                    at_ms: to_millis(now),
                    actor_user_id: Some(user_id),
                    subject_user_id: chart.user_id,
                    action: action::RECORD_BREAK_THE_GLASS,
                    object: Some(audit_object::object(chart_id, &portal_api::AccessedPart::BreakTheGlass)),
                    client_addr,
                };
                Ok::<_, ApiError>(Written {
                    value: (),
                    audit: vec![row],
                    changed_patient: None,
                })
            })
        })
        .await?;
    Ok(BreakTheGlassGrant {
        patient_id: chart_id,
        until,
    })
}

/// The patients `query` finds (name part, birth date or MRN), by name, at most
/// [`MAX_PATIENT_MATCHES`]; each says whether the caller cares for them. Physicians and staff
/// only (403 for anyone else). Audited as `patients.searched` with the charts listed, never the
/// query.
pub async fn find_patients(
    state: &AppState,
    viewer: Viewer,
    client_addr: String,
    query: &str,
) -> ApiResult<PatientMatches> {
    if !viewer.may_search_patients() {
        return Err(ApiError::Forbidden);
    }
    let key = SearchKey::parse(query).map_err(|e| ApiError::Validation(e.to_string()))?;
    let mut found = charts::search(&state.db, &key, MAX_PATIENT_MATCHES + 1).await?;
    let more = found.len() > MAX_PATIENT_MATCHES as usize;
    found.truncate(MAX_PATIENT_MATCHES as usize);

    let owners: Vec<i64> = found.iter().filter_map(|c| c.user_id).collect();
    let (mine, the_practices) = match viewer.may_break_the_glass() {
        true => (
            care_team::cared_for_by(&state.db, viewer.user_id(), &owners).await?,
            care_team::cared_for_by_a_physician(&state.db, &owners).await?,
        ),
        false => Default::default(),
    };
    let patients: Vec<PatientMatch> = found
        .into_iter()
        .map(|chart| {
            let facts = ChartFacts {
                chart_id: chart.id,
                owner: chart.user_id,
                viewer_cares: chart.user_id.is_some_and(|o| mine.contains(&o)),
                practice_cares: chart.user_id.is_some_and(|o| the_practices.contains(&o)),
                open_grant: false,
            };
            PatientMatch {
                patient_id: chart.id,
                name: chart.name.unwrap_or_default(),
                birth_date: chart
                    .birth_date
                    .as_deref()
                    .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
                mrn: chart.mrn,
                in_care: viewer.chart_reach(facts) == ChartReach::Open,
            }
        })
        .collect();
    let ids: Vec<String> = patients.iter().map(|p| p.patient_id.to_string()).collect();
    record(
        state,
        viewer,
        None,
        action::PATIENTS_SEARCHED,
        format!("charts:{}", ids.join(",")),
        client_addr,
    )
    .await?;
    Ok(PatientMatches { patients, more })
}
