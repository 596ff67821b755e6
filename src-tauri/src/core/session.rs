//! The signed-in session as the app holds it: in memory only, with its bearer token.

use std::time::{Duration, Instant};

use portal_api::client::{PortalClient, SessionToken};
use portal_api::{MessagingLimits, PolicyResponse, User};
use serde::Serialize;
use ts_rs::TS;

/// What the UI is told about the session: who is signed in, the current policy, and after how
/// long without activity the server ends the session. It has no token field, by construction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(rename = "Session")]
pub struct SessionView {
    pub user: User,
    pub policy: PolicyResponse,
    /// The server ends the session this many seconds after its last request (`GET /me`); the
    /// UI warns before and signs out when the person has been inactive this long.
    pub idle_timeout_secs: u64,
    /// What the service accepts in a message (its operator sets the attachment size); the app
    /// checks files against it and the UI says it.
    pub limits: MessagingLimits,
    /// The charts the person may open as their own record (a patient's, once the practice
    /// linked it to the account; none for the care team): the UI offers "My record" for these.
    pub patient_ids: Vec<i64>,
}

/// The answer to `keep_alive`: the server saw a request from the session just now, and ends it
/// after this many seconds without another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct KeepAlive {
    pub idle_timeout_secs: u64,
}

/// The session held by the app. Not `Serialize`: it never leaves the Rust side, and its
/// `Debug` output redacts the token.
#[derive(Debug)]
pub(crate) struct ActiveSession {
    /// Distinguishes this sign-in from a later one, so a slow answer for an old session
    /// cannot change or end a newer one.
    pub(crate) id: u64,
    /// The client for the server this session belongs to (settings saved later do not move it).
    pub(crate) client: PortalClient,
    pub(crate) token: SessionToken,
    pub(crate) user: User,
    pub(crate) policy: PolicyResponse,
    /// As the server last said (`GET /me`).
    pub(crate) idle_timeout_secs: u64,
    /// As the server said at sign-in (`GET /limits`).
    pub(crate) limits: MessagingLimits,
    /// As the server said at sign-in (`GET /me`).
    pub(crate) patient_ids: Vec<i64>,
    /// When the last request that restarts the server's idle timer was sent (a background
    /// refresh does not), so the app can end the session itself when the server has.
    pub(crate) last_request: Instant,
}

impl ActiveSession {
    /// A request sent at `sent` was answered: the server's idle timer restarted then.
    pub(crate) fn answered(&mut self, sent: Instant) {
        self.last_request = self.last_request.max(sent);
    }

    /// True when, at `now`, the session has had no request for its whole idle timeout (the
    /// server has ended it, or is about to).
    pub(crate) fn idle_at(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.last_request) >= Duration::from_secs(self.idle_timeout_secs)
    }

    pub(crate) fn view(&self) -> SessionView {
        SessionView {
            user: self.user.clone(),
            policy: self.policy.clone(),
            idle_timeout_secs: self.idle_timeout_secs,
            limits: self.limits,
            patient_ids: self.patient_ids.clone(),
        }
    }
}

/// What a request on behalf of the session needs, taken out of the lock so that requests do
/// not hold it while they wait for the network.
#[derive(Clone)]
pub(crate) struct SessionHandle {
    pub(crate) id: u64,
    pub(crate) client: PortalClient,
    pub(crate) token: SessionToken,
}

impl From<&ActiveSession> for SessionHandle {
    fn from(session: &ActiveSession) -> Self {
        Self {
            id: session.id,
            client: session.client.clone(),
            token: session.token.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use portal_api::Role;

    const CA_PEM: &[u8] = include_bytes!("../../../backend/api/tests/fixtures/test-ca.pem");
    const TOKEN: &str = "tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0";

    fn session() -> ActiveSession {
        ActiveSession {
            id: 1,
            client: PortalClient::new("https://portal.example", CA_PEM).expect("client"),
            token: SessionToken::new(TOKEN),
            user: User {
                id: 3,
                email: "blair.conroy@example.com".into(),
                name: "Blair Conroy".into(),
                role: Role::Patient,
                pools: Vec::new(),
                email_verified: true,
                second_factor: false,
            },
            policy: PolicyResponse {
                version: 1,
                title: "Portal policy".into(),
                text: "Never for emergencies.".into(),
                published_at: Utc::now(),
                accepted_at: None,
            },
            idle_timeout_secs: 900,
            limits: MessagingLimits::default(),
            patient_ids: vec![4],
            last_request: Instant::now(),
        }
    }

    #[test]
    fn a_session_is_idle_after_its_timeout_without_requests() {
        let mut session = session();
        let start = session.last_request;
        assert!(!session.idle_at(start + Duration::from_secs(899)));
        assert!(session.idle_at(start + Duration::from_secs(900)));
        session.answered(start + Duration::from_secs(600));
        assert!(!session.idle_at(start + Duration::from_secs(900)));
        session.answered(start);
        assert!(
            session.idle_at(start + Duration::from_secs(1500)),
            "an older answer does not move it back"
        );
    }

    #[test]
    fn the_view_carries_no_token() {
        let session = session();
        let json = serde_json::to_string(&session.view()).expect("serialize");
        assert!(!json.contains(TOKEN), "{json}");
        assert!(!json.to_ascii_lowercase().contains("token"), "{json}");
        assert!(json.contains("\"accepted_at\":null"), "{json}");
        assert!(json.contains("\"role\":\"patient\""), "{json}");
        assert!(json.contains("\"idle_timeout_secs\":900"), "{json}");
        assert!(json.contains("\"patient_ids\":[4]"), "{json}");
    }

    #[test]
    fn keep_alive_answers_only_the_idle_timeout() {
        let json = serde_json::to_value(KeepAlive { idle_timeout_secs: 900 }).expect("serialize");
        assert_eq!(json, serde_json::json!({ "idle_timeout_secs": 900 }));
    }

    #[test]
    fn debug_output_redacts_the_token() {
        let session = session();
        assert!(!format!("{session:?}").contains(TOKEN));
    }
}
