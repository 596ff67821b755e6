//! A person's own account in the app (issue 11): opening it with the emailed activation code,
//! resetting a forgotten pass-phrase with an emailed code, changing the pass-phrase (the drafts
//! on this computer follow it), drafts locked under a previous pass-phrase (recovered with it,
//! or discarded), the email address and its change, which notices come by email; and a
//! patient invited by the practice.
//!
//! The service decides everything (codes, the date of birth, how strong a pass-phrase must
//! be); its answers are passed on. Pass-phrases and codes go to the server and the vault and
//! are not kept, logged or answered.

use std::time::Instant;

use chrono::NaiveDate;
use portal_api::Activation;
use portal_api::{EmailChangePending, InvitationSent, NoticePreferences, User};
use serde::Serialize;
use ts_rs::TS;

use super::{device, vault_user_of, DesktopCore, SessionView};
use crate::error::CommandError;

/// The answer to `change_passphrase`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct PassphraseChange {
    /// How many other sessions (devices) the change signed out.
    pub sessions_ended: u32,
    /// Whether the drafts on this computer are now under the new pass-phrase (false when they
    /// were locked under an older one, or cannot be saved here).
    pub drafts_kept: bool,
}

impl DesktopCore {
    /// `activate`: opens an invited account with the emailed code (and, for a patient, the
    /// date of birth on their chart) and the pass-phrase the person chose, and signs in, as
    /// [`sign_in`](Self::sign_in) does (a draft vault is made under that pass-phrase).
    pub async fn activate(
        &self,
        email: &str,
        code: &str,
        date_of_birth: Option<NaiveDate>,
        password: &str,
    ) -> Result<SessionView, CommandError> {
        let client = self.connection()?.client;
        let sent = Instant::now();
        let device = device::device_name();
        let login = client
            .activate(Activation {
                email: email.trim(),
                code: code.trim(),
                date_of_birth,
                password,
                device: Some(&device),
            })
            .await?;
        self.hold(client, login, password, sent).await
    }

    /// `request_reset`: asks the server of the settings to email a reset code to `email` (it
    /// answers the same whether or not the address has an account). Needs no session.
    pub async fn request_reset(&self, email: &str) -> Result<(), CommandError> {
        let client = self.connection()?.client;
        Ok(client.request_reset(email.trim()).await?)
    }

    /// `confirm_reset`: sets a new pass-phrase with the emailed code; every session of the
    /// account ends. The drafts on this computer stay under the old pass-phrase until the person
    /// recovers or discards them after signing in.
    pub async fn confirm_reset(&self, email: &str, code: &str, new_password: &str) -> Result<(), CommandError> {
        let client = self.connection()?.client;
        Ok(client.confirm_reset(email.trim(), code.trim(), new_password).await?)
    }

    /// `change_passphrase`: the server first (every other session ends); then the drafts'
    /// key is wrapped under the new pass-phrase, so they are kept.
    pub async fn change_passphrase(&self, current: &str, new: &str) -> Result<PassphraseChange, CommandError> {
        let changed = self
            .with_session(|c, t| async move { c.change_passphrase(&t, current, new).await })
            .await?;
        let drafts_kept = match self.held_vault_user().await {
            Some(vault_user) => {
                self.drafts
                    .passphrase_changed(&vault_user, current.as_bytes(), new.as_bytes())
                    .await
            }
            None => false,
        };
        Ok(PassphraseChange {
            sessions_ended: changed.sessions_ended,
            drafts_kept,
        })
    }

    /// `recover_drafts`: unlocks the drafts locked under `previous` (the pass-phrase before a
    /// reset or a change elsewhere), moving them under `current`, the one signed in with.
    pub async fn recover_drafts(&self, previous: &str, current: &str) -> Result<(), CommandError> {
        let vault_user = self.held_vault_user().await.ok_or(CommandError::NotSignedIn)?;
        self.drafts
            .recover(&vault_user, previous.as_bytes(), current.as_bytes())
            .await
    }

    /// `discard_locked_drafts`: deletes the person's drafts locked under a previous pass-phrase
    /// (no one else's) and starts a new, empty vault under `current`.
    pub async fn discard_locked_drafts(&self, current: &str) -> Result<(), CommandError> {
        let vault_user = self.held_vault_user().await.ok_or(CommandError::NotSignedIn)?;
        self.drafts.discard_locked(&vault_user, current.as_bytes()).await
    }

    /// `change_email`: asks to move the account to `email`, confirmed by the pass-phrase; a
    /// code goes to the new address, and nothing changes until it is given.
    pub async fn change_email(&self, email: &str, password: &str) -> Result<EmailChangePending, CommandError> {
        let email = email.trim();
        self.with_session(|c, t| async move { c.change_email(&t, email, password).await })
            .await
    }

    /// `confirm_email`: confirms the new address with its code; answers the account as it now
    /// is, which the session held takes on.
    pub async fn confirm_email(&self, code: &str) -> Result<User, CommandError> {
        let code = code.trim();
        let user = self
            .with_session(|c, t| async move { c.confirm_email(&t, code).await })
            .await?;
        let mut held = self.session.lock().await;
        if let Some(session) = held.as_mut().filter(|s| s.user.id == user.id) {
            session.user = user.clone();
        }
        Ok(user)
    }

    /// `notice_preferences`: which notices the person gets by email.
    pub async fn notice_preferences(&self) -> Result<NoticePreferences, CommandError> {
        self.with_session(|c, t| async move { c.notice_preferences(&t).await })
            .await
    }

    /// `set_notice_preferences`: sets them, answering them as stored.
    pub async fn set_notice_preferences(&self, wanted: NoticePreferences) -> Result<NoticePreferences, CommandError> {
        self.with_session(|c, t| async move { c.set_notice_preferences(&t, wanted).await })
            .await
    }

    /// `invite_patient` (staff and admins): emails the patient of this chart an activation code.
    pub async fn invite_patient(&self, patient_id: i64, email: &str) -> Result<InvitationSent, CommandError> {
        let email = email.trim();
        self.with_session(|c, t| async move { c.invite_patient(&t, patient_id, email).await })
            .await
    }

    /// The draft vault user of the session held.
    async fn held_vault_user(&self) -> Option<String> {
        let held = self.session.lock().await;
        held.as_ref().map(|s| vault_user_of(&s.client, s.user.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{MemoryPreferences, Preferences, StartupOverrides};

    fn core() -> DesktopCore {
        DesktopCore::new(
            Box::new(MemoryPreferences::new(Preferences::default())),
            &StartupOverrides::default(),
            std::path::PathBuf::from("/"),
            None,
        )
    }

    #[tokio::test]
    async fn account_commands_without_a_session_say_sign_in() {
        let core = core();
        assert_eq!(code(core.change_passphrase("a", "b").await), "unauthenticated");
        assert_eq!(code(core.recover_drafts("a", "b").await), "unauthenticated");
        assert_eq!(code(core.discard_locked_drafts("a").await), "unauthenticated");
        assert_eq!(code(core.change_email("new@example.com", "a").await), "unauthenticated");
        assert_eq!(code(core.confirm_email("123456").await), "unauthenticated");
        assert_eq!(code(core.notice_preferences().await), "unauthenticated");
        let wanted = NoticePreferences {
            messages: false,
            results: true,
        };
        assert_eq!(code(core.set_notice_preferences(wanted).await), "unauthenticated");
        assert_eq!(code(core.invite_patient(4, "a@example.com").await), "unauthenticated");
    }

    #[tokio::test]
    async fn activation_and_reset_use_the_servers_settings() {
        let dir = tempfile::tempdir().expect("temp dir");
        let overrides = StartupOverrides {
            server_url: Some("http://localhost:8443".into()),
            ca_file: Some("missing.pem".into()),
        };
        let core = DesktopCore::new(
            Box::new(MemoryPreferences::default()),
            &overrides,
            dir.path().to_path_buf(),
            None,
        );
        let dob = NaiveDate::from_ymd_opt(1990, 1, 2);
        assert_eq!(
            code(core.activate("a@example.com", "123456", dob, "p").await),
            "invalid_server_url"
        );
        assert_eq!(code(core.request_reset("a@example.com").await), "invalid_server_url");
        assert_eq!(
            code(core.confirm_reset("a@example.com", "123456", "p").await),
            "invalid_server_url"
        );
    }

    #[test]
    fn a_passphrase_change_answers_only_counts_and_whether_drafts_were_kept() {
        let json = serde_json::to_value(PassphraseChange {
            sessions_ended: 2,
            drafts_kept: true,
        })
        .expect("json");
        assert_eq!(json, serde_json::json!({ "sessions_ended": 2, "drafts_kept": true }));
    }

    fn code<T: std::fmt::Debug>(result: Result<T, CommandError>) -> &'static str {
        result.expect_err("an error").code()
    }
}
