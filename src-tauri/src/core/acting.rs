//! Authorized persons (issue 12) in the app: a patient's grants (listed, given, ended), the
//! grants given to the person (accepted, declined), and whom the session acts for.
//!
//! Acting for a patient is a property of the session's token (`SessionToken::acting_for`):
//! every request made with it names the patient, and the server answers within the grant. The
//! grants' own routes, the policy and signing out are always the person's own, so they go
//! without it. When a request answers `grant_ended`, the session acts for the person again
//! (see `DesktopCore::failed`).

use std::future::Future;
use std::time::Instant;

use portal_api::client::{ClientError, PortalClient, SessionToken};
use portal_api::{ErrorCode, Grant, GrantList, GrantReceived, GrantRequest, GrantsReceived, PracticeGrantRequest};

use super::{DesktopCore, SessionView};
use crate::error::CommandError;

/// Said when the person asks to act for a patient who never authorized them (or not now).
const NOT_AUTHORIZED: &str = "You are not authorized to act for this person. Please choose someone from the list.";

/// What a patient who ended a grant is told it did (the same words as the server's).
fn grant_ended(patient_name: &str) -> CommandError {
    CommandError::Server {
        code: ErrorCode::GrantEnded,
        message: format!(
            "Your access to {patient_name}'s portal has ended. If you still need it, ask {patient_name} to authorize you again."
        ),
    }
}

/// A practice's grant as sent: the name, address, reason and document without the blanks
/// around them (a reason of only blanks then reads as missing, and the server says so).
fn practice_request(request: PracticeGrantRequest) -> PracticeGrantRequest {
    PracticeGrantRequest {
        name: request.name.trim().to_owned(),
        email: request.email.trim().to_owned(),
        reason: request.reason.trim().to_owned(),
        document: request.document.trim().to_owned(),
        ..request
    }
}

impl DesktopCore {
    /// Runs `call` as the person themselves (without the acting-for header), whomever the
    /// session acts for; a session the server ended is dropped here too.
    async fn as_oneself<T, F, Fut>(&self, call: F) -> Result<T, CommandError>
    where
        F: FnOnce(PortalClient, SessionToken) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        let handle = self.signed_in().await?;
        let sent = Instant::now();
        match call(handle.client.clone(), handle.own_token()).await {
            Ok(value) => {
                self.answered(handle.id, sent).await;
                Ok(value)
            }
            Err(error) => Err(self.failed(&handle, error).await),
        }
    }

    /// `list_grants`: the patient's grants (`patient_id`: their own chart), the newest first.
    pub async fn list_grants(&self, patient_id: i64) -> Result<GrantList, CommandError> {
        self.as_oneself(|c, t| async move { c.grants(&t, patient_id).await })
            .await
    }

    /// `give_grant`: invites someone to act for the patient, within `request`'s scopes and
    /// until its last day; the server checks everything and says what is wrong.
    pub async fn give_grant(&self, patient_id: i64, request: GrantRequest) -> Result<Grant, CommandError> {
        let request = GrantRequest {
            name: request.name.trim().to_owned(),
            email: request.email.trim().to_owned(),
            ..request
        };
        self.as_oneself(|c, t| async move { c.give_grant(&t, patient_id, &request).await })
            .await
    }

    /// `give_grant_by_practice`: the front desk sets up a grant for a patient who cannot do it
    /// themselves (a parent of a child under 12, a legal guardian), with the reason and the
    /// document seen; it ends by itself after `request.until`. Sent as the staff member
    /// themselves; the server decides who may (front desk only) and checks the rest.
    pub async fn give_grant_by_practice(
        &self,
        patient_id: i64,
        request: PracticeGrantRequest,
    ) -> Result<Grant, CommandError> {
        let request = practice_request(request);
        self.as_oneself(|c, t| async move { c.give_grant_by_practice(&t, patient_id, &request).await })
            .await
    }

    /// `end_grant`: ends one of the patient's grants at once (an invitation too).
    pub async fn end_grant(&self, patient_id: i64, grant_id: i64) -> Result<(), CommandError> {
        self.as_oneself(|c, t| async move { c.end_grant(&t, patient_id, grant_id).await })
            .await
    }

    /// `grants_received`: the grants given to the person (invitations and accepted ones).
    pub async fn grants_received(&self) -> Result<GrantsReceived, CommandError> {
        self.as_oneself(|c, t| async move { c.grants_received(&t).await }).await
    }

    /// `answer_grant`: accepts or declines a grant sent to the person. After an accept the
    /// list of patients they may act for is asked again, so the switcher shows the new one.
    pub async fn answer_grant(&self, grant_id: i64, accept: bool) -> Result<GrantReceived, CommandError> {
        let answered = self
            .as_oneself(|c, t| async move { c.answer_grant(&t, grant_id, accept).await })
            .await?;
        if accept {
            // Best effort: the grant is accepted either way; the next keep-alive refreshes it.
            let _ = self.refresh_acting_for().await;
        }
        Ok(answered)
    }

    /// `act_for`: from now on act for the patient `patient_id` (one of the session's
    /// `may_act_for`), or for oneself (`None`). The list is asked again first, so a grant that
    /// ended meanwhile answers `grant_ended` and the session acts for the person themselves.
    pub async fn act_for(&self, patient_id: Option<i64>) -> Result<SessionView, CommandError> {
        let before = self.refresh_acting_for().await?;
        let handle = self.signed_in().await?;
        let mut held = self.session.lock().await;
        let session = held
            .as_mut()
            .filter(|s| s.id == handle.id)
            .ok_or(CommandError::NotSignedIn)?;
        let Some(patient_id) = patient_id else {
            session.act_for(None);
            self.drafts.set_acting_for(None);
            return Ok(session.view());
        };
        if session.may_act_for.iter().any(|a| a.patient_id == patient_id) {
            session.act_for(Some(patient_id));
            self.drafts.set_acting_for(Some(patient_id));
            return Ok(session.view());
        }
        session.act_for(None);
        self.drafts.set_acting_for(None);
        match before.iter().find(|a| a.patient_id == patient_id) {
            Some(gone) => Err(grant_ended(&gone.patient_name)),
            None => Err(CommandError::Server {
                code: ErrorCode::NotFound,
                message: NOT_AUTHORIZED.to_owned(),
            }),
        }
    }

    /// Asks the server whom the person may act for now (`GET /me`, as themselves) and keeps
    /// it; answers the list held before.
    async fn refresh_acting_for(&self) -> Result<Vec<portal_api::ActingFor>, CommandError> {
        let handle = self.signed_in().await?;
        let sent = Instant::now();
        let me = match handle.client.me(&handle.own_token()).await {
            Ok(me) => me,
            Err(error) => return Err(self.failed(&handle, error).await),
        };
        let mut held = self.session.lock().await;
        let session = held
            .as_mut()
            .filter(|s| s.id == handle.id)
            .ok_or(CommandError::NotSignedIn)?;
        session.answered(sent);
        session.idle_timeout_secs = me.idle_timeout_secs;
        let before = std::mem::take(&mut session.may_act_for);
        session.set_may_act_for(me.acting_for);
        self.drafts.set_acting_for(session.token.acts_for());
        Ok(before)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{MemoryPreferences, Preferences, StartupOverrides};
    use portal_api::GrantScope;

    fn core() -> DesktopCore {
        DesktopCore::new(
            Box::new(MemoryPreferences::new(Preferences::default())),
            &StartupOverrides::default(),
            std::path::PathBuf::from("/"),
            None,
        )
    }

    fn code<T: std::fmt::Debug>(result: Result<T, CommandError>) -> &'static str {
        result.expect_err("no session").code()
    }

    #[tokio::test]
    async fn grant_commands_without_a_session_say_sign_in() {
        let core = core();
        let request = GrantRequest {
            name: "Jane Doe".into(),
            email: "jane@example.com".into(),
            scopes: vec![GrantScope::ReadMessages],
            until: None,
        };
        assert_eq!(code(core.list_grants(4).await), "unauthenticated");
        assert_eq!(code(core.give_grant(4, request).await), "unauthenticated");
        let practice = PracticeGrantRequest {
            name: "Jane Doe".into(),
            email: "jane@example.com".into(),
            scopes: vec![GrantScope::ReadMessages],
            until: chrono::NaiveDate::from_ymd_opt(2031, 3, 13).expect("a day"),
            reason: "Mother of a child under 12".into(),
            document: "Birth certificate".into(),
        };
        assert_eq!(code(core.give_grant_by_practice(4, practice).await), "unauthenticated");
        assert_eq!(code(core.end_grant(4, 1).await), "unauthenticated");
        assert_eq!(code(core.grants_received().await), "unauthenticated");
        assert_eq!(code(core.answer_grant(1, true).await), "unauthenticated");
        assert_eq!(code(core.act_for(Some(9)).await), "unauthenticated");
        assert_eq!(code(core.act_for(None).await), "unauthenticated");
    }

    #[test]
    fn a_practice_grant_is_sent_without_surrounding_blanks() {
        let until = chrono::NaiveDate::from_ymd_opt(2031, 3, 13).expect("a day");
        let sent = practice_request(PracticeGrantRequest {
            name: "  Jane Doe ".into(),
            email: " jane@example.com\n".into(),
            scopes: vec![GrantScope::WriteMessages, GrantScope::Record],
            until,
            reason: "\n Mother of a child under 12.\nShe showed the birth certificate.  ".into(),
            document: "  Birth certificate ".into(),
        });
        assert_eq!(sent.name, "Jane Doe");
        assert_eq!(sent.email, "jane@example.com");
        assert_eq!(
            sent.reason,
            "Mother of a child under 12.\nShe showed the birth certificate."
        );
        assert_eq!(sent.document, "Birth certificate");
        assert_eq!(sent.scopes, vec![GrantScope::WriteMessages, GrantScope::Record]);
        assert_eq!(sent.until, until);
    }

    #[test]
    fn an_ended_grant_says_whose_portal_it_was() {
        let error = grant_ended("John Doe");
        assert_eq!(error.code(), "grant_ended");
        assert!(error.ends_grant());
        assert!(!error.ends_session());
        assert!(
            error
                .to_string()
                .starts_with("Your access to John Doe's portal has ended."),
            "{error}"
        );
    }
}
