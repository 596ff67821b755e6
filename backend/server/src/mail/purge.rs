//! What is kept of mail, and of the codes mails carried, once it has done its work: a sent or
//! given-up mail's row (its payload is emptied when sent) and a used or expired one-time code
//! are deleted after [`KEPT_FOR`]. The outbox stays small, and nothing says for long whom the
//! practice wrote to. The audit log keeps what happened.

use std::time::Duration;

use chrono::TimeDelta;

use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::{account_codes, outbox};

/// How long a mail's row and a spent code are kept.
pub const KEPT_FOR: TimeDelta = TimeDelta::days(30);

/// How often the service looks for rows to delete.
pub const EVERY: Duration = Duration::from_secs(60 * 60);

/// Deletes what is older than [`KEPT_FOR`]; answers (mails, codes) deleted.
pub async fn purge(state: &AppState) -> ApiResult<(u64, u64)> {
    let cutoff = state.clock.now() - KEPT_FOR;
    let mails = outbox::purge_done_before(&state.db, cutoff).await?;
    let codes = account_codes::purge_spent_before(&state.db, cutoff).await?;
    Ok((mails, codes))
}

/// Runs [`purge`] now and every [`EVERY`], for as long as the service runs.
pub async fn run_forever(state: AppState) {
    let mut ticks = tokio::time::interval(EVERY);
    loop {
        ticks.tick().await;
        match purge(&state).await {
            Ok((0, 0)) => {}
            Ok((mails, codes)) => tracing::info!(mails, codes, "old mail rows and spent codes deleted"),
            Err(error) => tracing::warn!(code = ?error.code(), "old mail rows could not be deleted"),
        }
    }
}
