//! The signed-in session as the app holds it: in memory only, with its bearer token.

use std::time::{Duration, Instant};

use portal_api::client::{PortalClient, SessionToken};
use portal_api::{ActingFor, MessagingLimits, PolicyResponse, User};
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
    /// The patients who authorized the person and whom they may act for now (issue 12), as the
    /// server last said: the UI offers an "Acting for" switcher when there is one.
    pub may_act_for: Vec<ActingFor>,
    /// Whom the app acts for now (every request carries that patient's chart id), or null when
    /// the person acts for themselves. The UI shows whose portal this is and hides what the
    /// grant does not allow.
    pub acting_for: Option<ActingFor>,
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
    /// As the server last said (`GET /me`): whom the person may act for.
    pub(crate) may_act_for: Vec<ActingFor>,
    /// When the last request that restarts the server's idle timer was sent (a background
    /// refresh does not), so the app can end the session itself when the server has.
    pub(crate) last_request: Instant,
    /// Workstation mode: the screen is locked (see `core::workstation`). Every command but
    /// unlocking and switching user is refused, and the drafts are locked.
    pub(crate) locked: bool,
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

    /// The patient the session acts for now (from the list the server gave), if any.
    pub(crate) fn acting_for(&self) -> Option<&ActingFor> {
        let id = self.token.acts_for()?;
        self.may_act_for.iter().find(|a| a.patient_id == id)
    }

    /// Act for `patient_id` from now on (`None`: for oneself): every request of the session
    /// carries it (see [`SessionToken::acting_for`]).
    pub(crate) fn act_for(&mut self, patient_id: Option<i64>) {
        self.token = self.token.acting_for(patient_id);
    }

    /// The server answered that the grant for `patient_id` has ended: act for oneself again
    /// (if the session still acted for that patient) and forget the patient from the list.
    pub(crate) fn grant_ended(&mut self, patient_id: i64) {
        if self.token.acts_for() == Some(patient_id) {
            self.act_for(None);
        }
        self.may_act_for.retain(|a| a.patient_id != patient_id);
    }

    /// Takes the list the server answered (`GET /me`); a patient no longer in it is no longer
    /// acted for.
    pub(crate) fn set_may_act_for(&mut self, may_act_for: Vec<ActingFor>) {
        self.may_act_for = may_act_for;
        if self.token.acts_for().is_some() && self.acting_for().is_none() {
            self.act_for(None);
        }
    }

    pub(crate) fn view(&self) -> SessionView {
        SessionView {
            user: self.user.clone(),
            policy: self.policy.clone(),
            idle_timeout_secs: self.idle_timeout_secs,
            limits: self.limits,
            patient_ids: self.patient_ids.clone(),
            may_act_for: self.may_act_for.clone(),
            acting_for: self.acting_for().cloned(),
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

impl SessionHandle {
    /// The token for requests the person makes as themselves whomever they act for (the
    /// policy, their own grants, signing out): without the acting-for header.
    pub(crate) fn own_token(&self) -> SessionToken {
        self.token.acting_for(None)
    }
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

    fn john() -> ActingFor {
        ActingFor {
            patient_id: 9,
            patient_name: "John Doe".into(),
            scopes: vec![portal_api::GrantScope::ReadMessages],
            until: None,
        }
    }

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
                language: portal_api::Language::English,
                title: "Portal policy".into(),
                text: "Never for emergencies.".into(),
                published_at: Utc::now(),
                accepted_at: None,
            },
            idle_timeout_secs: 900,
            limits: MessagingLimits::default(),
            patient_ids: vec![4],
            may_act_for: vec![john()],
            last_request: Instant::now(),
            locked: false,
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
    fn acting_for_a_patient_is_in_the_view_and_ends_with_the_grant() {
        let mut session = session();
        assert_eq!(session.view().acting_for, None);
        session.act_for(Some(9));
        assert_eq!(session.token.acts_for(), Some(9));
        assert_eq!(session.view().acting_for, Some(john()));
        let json = serde_json::to_string(&session.view()).expect("serialize");
        assert!(json.contains("\"acting_for\":{\"patient_id\":9"), "{json}");
        assert!(!json.contains(TOKEN), "{json}");

        session.grant_ended(12);
        assert_eq!(
            session.token.acts_for(),
            Some(9),
            "another patient's grant changes nothing"
        );
        session.grant_ended(9);
        assert_eq!(session.token.acts_for(), None);
        assert_eq!(session.view().acting_for, None);
        assert!(session.view().may_act_for.is_empty());
        assert_eq!(session.token.expose(), TOKEN, "the same session, for oneself");
    }

    #[test]
    fn a_patient_gone_from_the_list_is_no_longer_acted_for() {
        let mut session = session();
        session.act_for(Some(9));
        session.set_may_act_for(vec![john()]);
        assert_eq!(session.token.acts_for(), Some(9));
        session.set_may_act_for(Vec::new());
        assert_eq!(session.token.acts_for(), None);
        assert_eq!(session.view().acting_for, None);
    }

    #[test]
    fn debug_output_redacts_the_token() {
        let session = session();
        assert!(!format!("{session:?}").contains(TOKEN));
    }
}
