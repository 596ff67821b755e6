//! `GET /api/v1/limits`: what this instance accepts in a message, so the app enforces the
//! operator's `--max-attachment-mib` before it uploads anything.
//!
//! It needs a session (not the policy): only a signed-in person attaches files, the app asks
//! for it at sign-in together with `/me` and `/policy`, and nothing is served to the
//! network without a reason.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use portal_api::MessagingLimits;

use super::openapi::responses::SignedIn;
use crate::auth::CurrentSession;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/limits", get(limits))
}

/// The largest attachment this service accepts (as its operator set it), the most attachments
/// on a message, and the longest subject and body.
#[utoipa::path(get, path = "/api/v1/limits", tag = "messaging", security(("bearer" = [])),
    responses((status = 200, body = MessagingLimits), SignedIn))]
pub async fn limits(State(state): State<AppState>, _session: CurrentSession) -> Json<MessagingLimits> {
    Json(MessagingLimits::with_max_attachment_bytes(
        u64::try_from(state.limits.max_attachment_bytes).unwrap_or(u64::MAX),
    ))
}
