//! The signed-in caller, from `Authorization: Bearer …`. Sessions end after 15 minutes idle
//! or 12 hours in all (see [`crate::config::Limits`]), and when signed out.
//!
//! Every signed-in route passes here, so the enrolment gate is here too: a physician, staff
//! member or admin without a confirmed second factor reaches only what enrolling needs
//! (`domain::second_factor::reachable_before_enrolment`); anything else answers 403
//! `second_factor_enrolment_required`.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::{DateTime, Duration, Utc};

use crate::domain::second_factor;
use crate::domain::sessions as sessions_rule;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::users::UserRecord;
use crate::store::{sessions, to_millis};

use super::token;
use crate::domain::access::{Proxy, Viewer};

/// How stale `last_seen_at` may get before a request writes it again. Keeps reads read-only
/// under load; the idle limit is then exact to within this much.
const TOUCH_EVERY: Duration = Duration::seconds(5);

#[derive(Debug, Clone)]
pub struct CurrentSession {
    pub session_id: i64,
    pub user: UserRecord,
    pub expires_at: DateTime<Utc>,
    /// Whether the user has accepted the current policy (as of this request); see
    /// [`super::PolicyAccepted`].
    pub accepted_current_policy: bool,
    /// The patient the user acts for on this request, as someone they authorized: set by
    /// [`super::PolicyAccepted`] on the routes that serve health data; elsewhere (their own
    /// account, sessions, sign-out) a person always acts for themselves.
    pub acting_for: Option<Proxy>,
}

impl CurrentSession {
    /// Who reaches health data on this request: the user, or the user acting for a patient.
    pub fn viewer(&self) -> Viewer {
        match &self.acting_for {
            Some(proxy) => Viewer::ForPatient(*proxy),
            None => self.user.own_viewer(),
        }
    }
}

fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= 128).then_some(token)
}

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(session) = parts.extensions.get::<CurrentSession>() {
            let session = session.clone();
            enrolment_gate(parts, &session)?;
            return Ok(session);
        }
        let token = bearer_token(parts).ok_or(ApiError::Unauthenticated)?;
        let token_hash = token::hash(token);
        let now = state.clock.now();
        let record = match state.sessions.get(&token_hash, now) {
            Some(record) => record,
            None => {
                let started = state.sessions.read_started();
                let record = sessions::find_by_token_hash(&state.db, &token_hash)
                    .await?
                    .ok_or(ApiError::Unauthenticated)?;
                state.sessions.put(&token_hash, record.clone(), started, now);
                record
            }
        };
        if record.revoked_at.is_some() || record.user.disabled_at.is_some() {
            return Err(ApiError::Unauthenticated);
        }
        let idle = Duration::from_std(state.limits.idle_timeout).unwrap_or(Duration::MAX);
        if !sessions_rule::is_open(None, record.expires_at, record.last_seen_at, now, idle) {
            sessions::revoke(&state.db, record.id, now).await?;
            state.sessions.forget_session(record.id);
            return Err(ApiError::SessionExpired);
        }
        // A background refresh (an unread-count timer) is not activity: it must not keep an
        // unattended session alive.
        let background = parts
            .headers
            .get(portal_api::BACKGROUND_HEADER)
            .is_some_and(|v| v.as_bytes() == b"1");
        if !background && now - record.last_seen_at >= TOUCH_EVERY {
            state.writer.touch_session(record.id, to_millis(now)).await?;
            state.sessions.touched(&token_hash, now);
        }
        let session = CurrentSession {
            session_id: record.id,
            user: record.user,
            expires_at: record.expires_at,
            accepted_current_policy: record.current_policy.is_some() && record.accepted_current_policy,
            acting_for: None,
        };
        parts.extensions.insert(session.clone());
        enrolment_gate(parts, &session)?;
        Ok(session)
    }
}

/// 403 `second_factor_enrolment_required` for a person who must enrol a second factor first,
/// on any route but those enrolling needs.
fn enrolment_gate(parts: &Parts, session: &CurrentSession) -> Result<(), ApiError> {
    let user = &session.user;
    if !second_factor::enrolment_required(user.role, user.totp_enabled_at.is_some()) {
        return Ok(());
    }
    // Nested routers see the path below the API prefix; take it off in case it is there.
    let path = parts.uri.path();
    let path = path.strip_prefix(portal_api::API_PREFIX).unwrap_or(path);
    if second_factor::reachable_before_enrolment(parts.method.as_str(), path) {
        Ok(())
    } else {
        Err(ApiError::SecondFactorEnrolmentRequired)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(auth: Option<&str>) -> Parts {
        let mut req = Request::builder().uri("/");
        if let Some(v) = auth {
            req = req.header(AUTHORIZATION, v);
        }
        req.body(()).expect("request").into_parts().0
    }

    #[test]
    fn only_well_formed_bearer_headers_are_read() {
        assert_eq!(bearer_token(&parts(Some("Bearer abc"))), Some("abc"));
        assert_eq!(bearer_token(&parts(Some("bearer  abc "))), Some("abc"));
        assert_eq!(bearer_token(&parts(Some("Basic abc"))), None);
        assert_eq!(bearer_token(&parts(Some("Bearer "))), None);
        assert_eq!(bearer_token(&parts(Some(&format!("Bearer {}", "x".repeat(200))))), None);
        assert_eq!(bearer_token(&parts(None)), None);
    }
}
