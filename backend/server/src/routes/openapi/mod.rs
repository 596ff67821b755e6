//! `/api/v1/openapi.json`, generated from the same types the handlers and the client use,
//! with the limits the service enforces (`limits`) and the errors its extractors answer
//! (`responses`).

mod limits;
pub mod responses;

use limits::InputLimits;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::config::Limits;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Patient Portal API", description = "The portal service's HTTPS API, version 1.\n\n\
        Acting for a patient: someone a patient authorized (`GET /me` lists them in `acting_for`) sends \
        the header `x-portal-acting-for: <patient_id>` to reach that patient's conversations, record and \
        results within what the grant allows. Routes about the caller's own account and session ignore \
        it. A grant that has ended or run out answers 403 `grant_ended`; a patient who never authorized \
        the caller answers 404."),
    paths(
        super::health::health,
        super::practice::practice,
        super::auth::sign_in,
        super::auth::sign_out,
        super::me::me,
        super::limits::limits,
        super::policy::current_policy,
        super::policy::accept_policy,
        super::threads::list_threads,
        super::threads::create_thread,
        super::threads::get_thread,
        super::records::record_summary,
        super::result_release::result_release,
        super::result_release::set_result_release,
        super::result_release::result_preferences,
        super::result_release::set_result_preferences,
        super::result_release::review_result,
        super::record_sections::record_section,
        super::record_sections::result_series,
        super::record_sections::record_export,
        super::patients::find_patients,
        super::patients::break_the_glass,
        super::patients::read_access_log,
        super::threads::reply,
        super::threads::mark_read,
        super::threads::assign,
        super::threads::close,
        super::threads::reopen,
        super::threads::care_team,
        super::attachments::upload,
        super::attachments::download,
        super::staff::list_staff,
        super::staff::set_pools,
        super::staff::set_disabled,
        super::sessions::list_sessions,
        super::sessions::end_session,
        super::sessions::end_other_sessions,
        super::accounts::activate,
        super::accounts::change_passphrase,
        super::accounts::request_reset,
        super::accounts::confirm_reset,
        super::accounts::change_email,
        super::accounts::confirm_email,
        super::accounts::notices,
        super::accounts::set_notices,
        super::accounts::invite_patient,
        super::grants::list_grants,
        super::grants::give_grant,
        super::grants::give_grant_by_practice,
        super::grants::end_grant,
        super::grants::grants_received,
        super::grants::accept_grant,
        super::grants::decline_grant,
        super::second_factor::enrol,
        super::second_factor::confirm,
        super::second_factor::disable,
        super::second_factor::replace_recovery_codes,
        openapi_json,
    ),
    components(schemas(
        portal_api::ApiErrorBody,
        portal_api::ErrorCode,
        portal_api::Role,
        portal_api::AssignedFilter,
        portal_api::RecordSection,
        super::attachments::UploadForm
    )),
    modifiers(&BearerAuth, &InputLimits),
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
pub async fn openapi_json(State(state): State<AppState>) -> Json<Value> {
    Json(document(&state.limits))
}

/// The document, with the limits this instance was started with.
pub fn document(limits: &Limits) -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    if let Some(upload) = doc.pointer_mut("/components/schemas/UploadForm/properties/file/description") {
        *upload = Value::String(format!(
            "A photo (JPEG, PNG) or PDF, recognised by its content, of at most {} bytes.",
            limits.max_attachment_bytes
        ));
    }
    doc
}

#[cfg(test)]
mod tests;
