//! The person's second factor (TOTP, issue 11): setting it up (a secret for an authenticator
//! app, confirmed with a first code, which answers the recovery codes), turning it off where
//! the role allows (patients), and a new set of recovery codes.
//!
//! The server decides everything (which roles need one, whether a code is right); its answers
//! are passed on. Secrets, codes and pass-phrases go to the server or to the UI and are not
//! kept, logged or written anywhere here.

use portal_api::{RecoveryCodes, TotpEnrolment};

use super::DesktopCore;
use crate::error::CommandError;

impl DesktopCore {
    /// `start_totp_enrolment`: a new secret to add to an authenticator app (as a QR code and as
    /// text). Asking again replaces one not confirmed yet.
    pub async fn start_totp_enrolment(&self) -> Result<TotpEnrolment, CommandError> {
        self.with_session(|c, t| async move { c.enrol_totp(&t).await }).await
    }

    /// `confirm_totp`: confirms the secret being set up with a code from it. Answers the
    /// recovery codes (shown this once); the session held now has a second factor, so the
    /// enrolment gate is passed.
    pub async fn confirm_totp(&self, code: &str) -> Result<RecoveryCodes, CommandError> {
        let code = code.trim();
        let codes = self
            .with_session(|c, t| async move { c.confirm_totp(&t, code).await })
            .await?;
        self.set_second_factor(true).await;
        Ok(codes)
    }

    /// `disable_totp`: turns the second factor off, confirmed by the pass-phrase (the server
    /// refuses for roles that require one).
    pub async fn disable_totp(&self, password: &str) -> Result<(), CommandError> {
        self.with_session(|c, t| async move { c.disable_totp(&t, password).await })
            .await?;
        self.set_second_factor(false).await;
        Ok(())
    }

    /// `new_recovery_codes`: a new set of recovery codes, confirmed by the pass-phrase; the
    /// old ones stop working.
    pub async fn new_recovery_codes(&self, password: &str) -> Result<RecoveryCodes, CommandError> {
        self.with_session(|c, t| async move { c.new_recovery_codes(&t, password).await })
            .await
    }

    /// The session held now has (or no longer has) a second factor.
    async fn set_second_factor(&self, on: bool) {
        if let Some(session) = self.session.lock().await.as_mut() {
            session.user.second_factor = on;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::core::{DesktopCore, MemoryPreferences, StartupOverrides};

    #[tokio::test]
    async fn second_factor_commands_without_a_session_say_sign_in() {
        let core = DesktopCore::new(
            Box::new(MemoryPreferences::default()),
            &StartupOverrides::default(),
            std::path::PathBuf::from("/"),
            None,
        );
        let code = |e: crate::error::CommandError| e.code();
        assert_eq!(
            code(core.start_totp_enrolment().await.expect_err("no session")),
            "unauthenticated"
        );
        assert_eq!(
            code(core.confirm_totp("123456").await.expect_err("no session")),
            "unauthenticated"
        );
        assert_eq!(
            code(core.disable_totp("p").await.expect_err("no session")),
            "unauthenticated"
        );
        assert_eq!(
            code(core.new_recovery_codes("p").await.expect_err("no session")),
            "unauthenticated"
        );
    }
}
