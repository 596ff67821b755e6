//! The gate in front of every route that serves health data: the caller must be signed in and
//! have accepted the current version of the portal policy, or gets 403 `policy_not_accepted`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::state::AppState;

use super::CurrentSession;

/// Extract this (instead of [`CurrentSession`]) in handlers that serve health data.
#[derive(Debug, Clone)]
pub struct PolicyAccepted(pub CurrentSession);

impl FromRequestParts<AppState> for PolicyAccepted {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // The session query already read the current version and the user's acceptance.
        let session = CurrentSession::from_request_parts(parts, state).await?;
        if !session.accepted_current_policy {
            return Err(ApiError::PolicyNotAccepted);
        }
        Ok(PolicyAccepted(session))
    }
}
