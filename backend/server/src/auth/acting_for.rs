//! Acting for a patient (issue 12): the `x-portal-acting-for` header names the patient (their
//! chart id) an authorized person acts for on this request. The grants they hold for that
//! patient are read at every such request, so an ended grant stops the very next one
//! (403 `grant_ended`); a patient who never authorized them answers 404, like one that does
//! not exist. Naming one's own chart is acting for oneself.

use axum::http::request::Parts;
use portal_api::ACTING_FOR_HEADER;

use crate::domain::access::Proxy;
use crate::domain::grants::{acting_under, Acting};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::users::UserRecord;
use crate::store::{self, charts};

/// The chart id in the header, if there is one (anything but a positive id: 404, as no
/// patient has it).
fn named_chart(parts: &Parts) -> ApiResult<Option<i64>> {
    let Some(value) = parts.headers.get(ACTING_FOR_HEADER) else {
        return Ok(None);
    };
    let id = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|id| *id > 0)
        .ok_or(ApiError::NotFound)?;
    Ok(Some(id))
}

/// Whom `user` acts for on this request: nobody else (`None`), or a patient within the
/// grants they hold now.
pub async fn resolve(parts: &Parts, state: &AppState, user: &UserRecord) -> ApiResult<Option<Proxy>> {
    let Some(chart_id) = named_chart(parts)? else {
        return Ok(None);
    };
    let chart = charts::by_id(&state.db, chart_id).await?.ok_or(ApiError::NotFound)?;
    if chart.user_id == Some(user.id) {
        return Ok(None);
    }
    let held = store::grants::held_by(&state.db, user.id, chart_id).await?;
    match acting_under(held.iter().map(|g| &g.grant), state.clock.now()) {
        Acting::Allowed(scopes) => Ok(Some(Proxy {
            user_id: user.id,
            chart_id,
            patient_id: chart.user_id,
            scopes,
        })),
        // Only the refusal names the patient: no lookup on the requests that pass.
        Acting::Ended => Err(ApiError::GrantEnded(charts::patient_name(&state.db, &chart).await?)),
        Acting::Never => Err(ApiError::NotFound),
    }
}
