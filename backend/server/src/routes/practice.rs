use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use portal_api::PracticeInfo;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store;

pub fn router() -> Router<AppState> {
    Router::new().route("/practice", get(practice))
}

/// Who runs this portal, and the phone number for urgent requests. Public: the sign-in
/// screen shows it.
#[utoipa::path(get, path = "/api/v1/practice", tag = "service",
    responses((status = 200, body = PracticeInfo),
              (status = 404, description = "the practice's details are not set yet (`not_found`)", body = portal_api::ApiErrorBody)))]
pub async fn practice(State(state): State<AppState>) -> ApiResult<Json<PracticeInfo>> {
    store::practice::get(&state.db)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}
