//! The gate in front of every route that serves health data: the caller must be signed in and
//! have accepted the current version of the portal policy, or gets 403 `policy_not_accepted`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::policy;

use super::CurrentSession;

/// Extract this (instead of [`CurrentSession`]) in handlers that serve health data.
#[derive(Debug, Clone)]
pub struct PolicyAccepted(pub CurrentSession);

impl FromRequestParts<AppState> for PolicyAccepted {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session = CurrentSession::from_request_parts(parts, state).await?;
        let current = policy::current(&state.db).await?.ok_or(ApiError::PolicyNotAccepted)?;
        policy::accepted_at(&state.db, session.user.id, current.version)
            .await?
            .ok_or(ApiError::PolicyNotAccepted)?;
        Ok(PolicyAccepted(session))
    }
}
