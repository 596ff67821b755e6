//! `/api/v1/openapi.json`, generated from the same types the handlers and the client use.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Patient Portal API", description = "The portal service's HTTPS API, version 1."),
    paths(
        super::health::health,
        super::practice::practice,
        super::auth::sign_in,
        super::auth::sign_out,
        super::me::me,
        super::policy::current_policy,
        super::policy::accept_policy,
        super::threads::list_threads,
        super::threads::create_thread,
        super::threads::get_thread,
        super::threads::reply,
        super::threads::mark_read,
        super::threads::assign,
        super::threads::close,
        super::threads::reopen,
        super::threads::care_team,
        super::attachments::upload,
        super::attachments::download,
        openapi_json,
    ),
    components(schemas(portal_api::ApiErrorBody, portal_api::ErrorCode, portal_api::Role)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(openapi_json))
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "service", responses((status = 200, description = "OpenAPI 3.1 document")))]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

