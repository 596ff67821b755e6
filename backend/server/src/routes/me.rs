use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use portal_api::MeResponse;

use super::openapi::responses::SignedIn;
use crate::auth::CurrentSession;
use crate::error::ApiResult;
use crate::grants;
use crate::records::reading;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/me", get(me))
}

/// Who is signed in, when the session ends, and the charts they may open.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = MeResponse), SignedIn))]
pub async fn me(State(state): State<AppState>, session: CurrentSession) -> ApiResult<Json<MeResponse>> {
    let patient_ids = reading::charts_of(&state, session.viewer()).await?;
    let acting_for = grants::acting_for(&state, &session).await?;
    Ok(Json(MeResponse {
        user: session.user.to_api(),
        session_expires_at: session.expires_at,
        idle_timeout_secs: state.limits.idle_timeout.as_secs(),
        patient_ids,
        acting_for,
    }))
}
