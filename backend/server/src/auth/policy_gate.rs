//! The gate in front of every route that serves health data: the caller must be signed in and,
//! if the portal policy is written for them (patients), have accepted its current version, or
//! gets 403 `policy_not_accepted`. Here too the caller's `x-portal-acting-for` is resolved
//! (`super::acting_for`): acting for a patient applies to health data only.
//!
//! The policy speaks to patients ("your medical record", "your account", never for
//! emergencies). The care team's duties come from the practice, not from this text, so
//! physicians and staff are not asked to accept it; the app does not show it to them either.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use portal_api::Role;

use crate::error::ApiError;
use crate::state::AppState;

use super::acting_for;
use super::session::CurrentSession;

/// Extract this (instead of [`CurrentSession`]) in handlers that serve health data.
#[derive(Debug, Clone)]
pub struct PolicyAccepted(pub CurrentSession);

/// Whether people with `role` must accept the portal policy before they reach health data.
pub fn policy_applies_to(role: Role) -> bool {
    matches!(role, Role::Patient)
}

/// The gate's decision for a caller with `role` who has (or has not) accepted the current
/// policy.
pub fn may_pass(role: Role, accepted_current_policy: bool) -> bool {
    accepted_current_policy || !policy_applies_to(role)
}

impl FromRequestParts<AppState> for PolicyAccepted {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // The session query already read the current version and the user's acceptance.
        let mut session = CurrentSession::from_request_parts(parts, state).await?;
        if !may_pass(session.user.role, session.accepted_current_policy) {
            return Err(ApiError::PolicyNotAccepted);
        }
        // Whom they act for: read at every request, so an ended grant stops the next one.
        session.acting_for = acting_for::resolve(parts, state, &session.user).await?;
        Ok(PolicyAccepted(session))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patients_pass_only_after_accepting_the_current_policy() {
        assert!(!may_pass(Role::Patient, false));
        assert!(may_pass(Role::Patient, true));
    }

    #[test]
    fn the_care_team_and_admins_are_not_asked_to_accept_the_patient_policy() {
        for role in [Role::Physician, Role::Staff, Role::Admin] {
            assert!(!policy_applies_to(role), "{role:?}");
            assert!(may_pass(role, false), "{role:?}");
            assert!(may_pass(role, true), "{role:?}");
        }
    }
}
