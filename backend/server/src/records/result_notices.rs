//! "A new test result is available": every few minutes the service counts the results
//! released to each patient whose chart may have changed (`store::result_notices`), and a
//! count that grew sends the patient the notice (if their address is verified and they have
//! not turned result notices off). Imports come from the command line too, and a result may
//! be released days after it arrives, so a sweep rather than a hook: it sees them all.

use std::time::Duration;

use portal_api::ReleaseRule;

use super::release::{released_to_patient, stored_rule};
use crate::domain::notices::throttle::result_notice_due;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::result_notices::{self, recent_window};

/// How often the service counts.
pub const EVERY: Duration = Duration::from_secs(5 * 60);

/// Counts the charts that may have changed; answers how many notices were queued.
pub async fn sweep(state: &AppState) -> ApiResult<usize> {
    let now = state.clock.now();
    let recent = match stored_rule(&state.db).await? {
        ReleaseRule::AfterDays { days } => Some(recent_window(now, days)),
        _ => None,
    };
    let mut queued = 0;
    for candidate in result_notices::candidates(&state.db, recent).await? {
        let released = released_to_patient(state, &candidate.chart).await?;
        let due = result_notice_due(candidate.released_before, released);
        let notify = due.then_some(&candidate.patient);
        result_notices::record(&state.db, &state.text_sealer, candidate.chart.id, released, notify, now).await?;
        queued += usize::from(due);
    }
    Ok(queued)
}

/// Runs [`sweep`] now and every [`EVERY`], for as long as the service runs.
pub async fn run_forever(state: AppState) {
    let mut ticks = tokio::time::interval(EVERY);
    loop {
        ticks.tick().await;
        match sweep(&state).await {
            Ok(0) => {}
            Ok(queued) => tracing::info!(queued, "new result notices queued"),
            Err(error) => tracing::warn!(code = ?error.code(), "results could not be counted for notices"),
        }
    }
}
