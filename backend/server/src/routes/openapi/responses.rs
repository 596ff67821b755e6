//! Error responses many routes share, for the OpenAPI document: what the extractors in front
//! of a handler answer before it runs. A route lists the sets it uses in its
//! `#[utoipa::path(responses(...))]`, before its own responses (which may describe a status
//! more closely).

use std::collections::BTreeMap;

use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::IntoResponses;

/// An error response: `{code, message}`.
pub fn error(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ApiErrorBody")))
                .build(),
        )
        .build()
        .into()
}

fn responses<const N: usize>(list: [(&str, &str); N]) -> BTreeMap<String, RefOr<Response>> {
    list.into_iter()
        .map(|(status, description)| (status.to_owned(), error(description)))
        .collect()
}

const UNAUTHENTICATED: &str = "no session: the bearer token is missing, unknown or revoked (`unauthenticated`), \
    or the session ended (`session_expired`)";

const ENROLMENT_REQUIRED: &str = "a physician, staff member or admin who has not set up a second factor yet \
    (`second_factor_enrolment_required`): only `/me`, `/practice`, `/limits`, the policy, sign-out and \
    `/me/totp` answer until they have";

/// Routes that need a session (`CurrentSession`).
pub struct SignedIn;

impl IntoResponses for SignedIn {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses([("401", UNAUTHENTICATED), ("403", ENROLMENT_REQUIRED)])
    }
}

/// Routes that serve health data (`PolicyAccepted`): a session and the current policy accepted.
pub struct PolicyAccepted;

impl IntoResponses for PolicyAccepted {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses([
            ("401", UNAUTHENTICATED),
            (
                "403",
                "the current portal policy is not accepted yet (`policy_not_accepted`), or a second factor \
                 must be set up first (`second_factor_enrolment_required`)",
            ),
        ])
    }
}

/// Routes that open a patient's chart (`records::reading::open_chart`): the policy gate, the
/// care team's reach, and a chart that is not the caller's answered like a missing one.
pub struct OpenChart;

impl IntoResponses for OpenChart {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses([
            ("401", UNAUTHENTICATED),
            (
                "403",
                "the current portal policy is not accepted yet (`policy_not_accepted`), or the patient is \
                 not in the caller's care and no reason was stated yet (`break_the_glass_required`: \
                 `POST /api/v1/patients/{patient_id}/break-the-glass`), or a second factor must be set \
                 up first (`second_factor_enrolment_required`)",
            ),
            ("404", "no such chart, or not the caller's to read (`not_found`)"),
        ])
    }
}

/// Routes that read a JSON body (`ApiJson`).
pub struct JsonBody;

impl IntoResponses for JsonBody {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses([
            ("413", "the body is larger than the service accepts (`payload_too_large`)"),
            (
                "415",
                "the body is not sent as `application/json` (`unsupported_media_type`)",
            ),
            (
                "422",
                "the body is not JSON, not an object, or a field is missing or not valid; the message says which (`validation`)",
            ),
        ])
    }
}
