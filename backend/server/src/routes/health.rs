use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use portal_api::HealthResponse;

use crate::error::ApiResult;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

/// The service answers and its database is reachable.
#[utoipa::path(get, path = "/api/v1/health", tag = "service",
    responses((status = 200, body = HealthResponse),
              (status = 503, description = "the database does not answer (`unavailable`)", body = portal_api::ApiErrorBody)))]
pub async fn health(State(state): State<AppState>) -> ApiResult<Json<HealthResponse>> {
    state.db.ping().await?;
    Ok(Json(HealthResponse {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}
