//! The HTTP surface: one module per API area, each with its `router()`.

mod attachments;
mod auth;
mod health;
mod input_errors;
pub mod json;
mod me;
pub mod openapi;
mod policy;
mod practice;
mod query;
mod response_policy;
mod threads;

use axum::extract::DefaultBodyLimit;
use axum::{middleware, Router};

use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(health::router())
        .merge(practice::router())
        .merge(auth::router())
        .merge(me::router())
        .merge(policy::router())
        .merge(threads::router())
        .merge(attachments::router(state.limits.max_attachment_bytes))
        .merge(openapi::router());
    Router::new()
        .nest(portal_api::API_PREFIX, api)
        .layer(DefaultBodyLimit::max(state.limits.max_body_bytes))
        .layer(middleware::from_fn(response_policy::json_errors_and_security_headers))
        .with_state(state)
}
