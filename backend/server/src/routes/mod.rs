//! The HTTP surface: one module per API area, each with its `router()`.

mod accounts;
mod attachments;
mod auth;
mod deadline;
mod grants;
mod health;
mod input_errors;
pub mod json;
mod limits;
mod me;
pub mod openapi;
mod patients;
mod policy;
mod practice;
mod query;
mod record_sections;
mod records;
mod response_policy;
mod result_release;
mod second_factor;
mod sessions;
mod staff;
mod threads;

use axum::extract::DefaultBodyLimit;
use axum::{middleware, Router};

use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    let (request_timeout, upload_timeout) = (state.limits.request_timeout, state.limits.upload_timeout);
    let api = Router::new()
        .merge(health::router())
        .merge(practice::router())
        .merge(auth::router())
        .merge(accounts::router())
        .merge(grants::router())
        .merge(me::router())
        .merge(limits::router())
        .merge(policy::router())
        .merge(threads::router())
        .merge(records::router())
        .merge(result_release::router())
        .merge(record_sections::router())
        .merge(patients::router())
        .merge(staff::router())
        .merge(sessions::router())
        .merge(second_factor::router())
        .merge(openapi::router())
        .layer(middleware::from_fn(move |req, next| {
            deadline::within(request_timeout, req, next)
        }))
        .merge(
            attachments::router(state.limits.max_attachment_bytes).layer(middleware::from_fn(move |req, next| {
                deadline::within(upload_timeout, req, next)
            })),
        );
    Router::new()
        .nest(portal_api::API_PREFIX, api)
        .layer(DefaultBodyLimit::max(state.limits.max_body_bytes))
        .layer(middleware::from_fn(response_policy::json_errors_and_security_headers))
        .with_state(state)
}
