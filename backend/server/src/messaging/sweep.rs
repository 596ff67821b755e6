//! Uploads that were never sent (a draft discarded, an app closed for good) are photos and
//! documents about a patient that nobody will read: they are deleted once they are older
//! than `Limits::unsent_attachment_lifetime` (24 hours). The app uploads again if a send is
//! retried after that.

use std::time::Duration;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::attachments;

/// How often the service looks for old unsent uploads.
pub const EVERY: Duration = Duration::from_secs(60 * 60);

/// Deletes the unsent uploads older than the lifetime; answers how many.
pub async fn unsent_uploads(state: &AppState) -> ApiResult<u64> {
    let lifetime = chrono::Duration::from_std(state.limits.unsent_attachment_lifetime)
        .map_err(|_| ApiError::Internal("the unsent attachment lifetime is out of range".into()))?;
    let cutoff = state.clock.now() - lifetime;
    state
        .writer
        .run(move |conn| Box::pin(async move { Ok(attachments::delete_unsent_before(conn, cutoff).await?) }))
        .await
}

/// Runs [`unsent_uploads`] now and every [`EVERY`], for as long as the service runs.
pub async fn run_forever(state: AppState) {
    let mut ticks = tokio::time::interval(EVERY);
    loop {
        ticks.tick().await;
        match unsent_uploads(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "old unsent uploads deleted"),
            Err(error) => tracing::warn!(code = ?error.code(), "old unsent uploads could not be deleted"),
        }
    }
}
