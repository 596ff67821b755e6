//! Workstation mode, for shared clinic computers (set only by the managed configuration, see
//! [`managed`](super::managed)): the screen locks after the configured idle minutes, and
//! "Switch user" hands the computer to the next person.
//!
//! - **Locking** ([`DesktopCore::lock_screen`]) keeps the session but marks it locked: every
//!   command is refused with `screen_locked` (no request reaches the server, so its own idle
//!   timeout still ends the session), and the draft vault's key is dropped.
//! - **Unlocking** ([`DesktopCore::unlock_screen`]) needs the pass-phrase, checked by the
//!   server for this session's account. The service has no request that only checks the
//!   signed-in person's pass-phrase (those that take it change something: the pass-phrase,
//!   the email address, the second factor, the recovery codes), so unlocking is a fresh
//!   sign-in with the session's own email address (and the second factor's code when the
//!   account has one) that replaces the locked session. A wrong pass-phrase is a failed
//!   sign-in, counted toward the account's lock by the server like any other. The vault is
//!   unlocked again with the pass-phrase, as at sign-in.
//! - **Switching user** ([`DesktopCore::switch_user`]) signs out on the server and drops
//!   everything of the person held here: the session (token, account, policy, whom they may
//!   act for), the vault key, whom the drafts are for, and the open vault file. The app keeps
//!   no other copies of health data on the Rust side (records, conversations and files are
//!   passed to the window as they arrive, never cached).
//!
//! The app also locks on its own timer ([`DesktopCore::lock_idle_screen_at`]) when the window
//! did not, as it ends idle sessions itself.

use std::time::{Duration, Instant};

use super::{device, revoke, DesktopCore, SessionView};
use crate::error::CommandError;

/// The window tells the server of activity at most once a minute (`keep_alive`), so the app's
/// own timer locks this much later than the window would.
const KEEP_ALIVE_SLACK: Duration = Duration::from_secs(60);

impl DesktopCore {
    /// Workstation mode, when the managed configuration turns it on.
    pub fn workstation(&self) -> Option<super::Workstation> {
        self.settings().workstation
    }

    /// `lock_screen`: the person left the computer (the window saw no activity for the idle
    /// minutes). Refused outside workstation mode; nothing to do without a session.
    pub async fn lock_screen(&self) -> Result<(), CommandError> {
        if self.workstation().is_none() {
            return Err(CommandError::Invalid(
                "The screen locks only on a clinic workstation set up by your organization.",
            ));
        }
        let mut held = self.session.lock().await;
        if let Some(session) = held.as_mut() {
            session.locked = true;
            self.drafts.lock();
        }
        Ok(())
    }

    /// Locks the screen, as [`lock_screen`](Self::lock_screen) does, when in workstation mode
    /// the session has had no request for the idle minutes (and the window's keep-alive
    /// interval): the window did not lock it (its timer stopped, or it hangs). Answers whether
    /// it did. The app calls this on its idle timer.
    pub async fn lock_idle_screen_at(&self, now: Instant) -> bool {
        let Some(workstation) = self.workstation() else {
            return false;
        };
        let after = Duration::from_secs(workstation.idle_lock_secs) + KEEP_ALIVE_SLACK;
        let mut held = self.session.lock().await;
        match held.as_mut() {
            Some(session) if !session.locked && now.saturating_duration_since(session.last_request) >= after => {
                session.locked = true;
                self.drafts.lock();
                true
            }
            _ => false,
        }
    }

    /// True while the screen is locked (no network involved).
    pub async fn is_screen_locked(&self) -> bool {
        self.session.lock().await.as_ref().is_some_and(|s| s.locked)
    }

    /// `unlock_screen`: the locked session's own person gives their pass-phrase (and, for an
    /// account with a second factor, the current code or a recovery code): a fresh sign-in with
    /// the session's email address that replaces the locked session (see the module's
    /// documentation). A wrong pass-phrase answers as at sign-in and leaves the screen locked.
    pub async fn unlock_screen(&self, password: &str, code: Option<&str>) -> Result<SessionView, CommandError> {
        let (id, client, email, user_id) = {
            let held = self.session.lock().await;
            let session = held.as_ref().ok_or(CommandError::NotSignedIn)?;
            if !session.locked {
                return Ok(session.view());
            }
            (
                session.id,
                session.client.clone(),
                session.user.email.clone(),
                session.user.id,
            )
        };
        let sent = Instant::now();
        let device = device::device_name();
        let login = match code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => client.login_with_code(&email, password, code, Some(&device)).await?,
            None => client.login_from(&email, password, Some(&device)).await?,
        };
        let still_held = self.session.lock().await.as_ref().is_some_and(|s| s.id == id);
        if login.user.id != user_id || !still_held {
            // The address now belongs to another account, or the person switched user meanwhile.
            let token = portal_api::client::SessionToken::new(login.token);
            revoke(&client, &token).await;
            return Err(CommandError::NotSignedIn);
        }
        self.hold(client, login, password, sent).await
    }

    /// `switch_user`: ends the session on the server (best effort, as signing out) and drops
    /// everything of the person held here (see the module's documentation); the next person
    /// starts at an empty sign-in screen.
    pub async fn switch_user(&self) -> Result<(), CommandError> {
        let session = {
            let mut held = self.session.lock().await;
            self.drafts.lock();
            self.drafts.set_acting_for(None);
            held.take()
        };
        self.drafts.close().await;
        if let Some(session) = session {
            revoke(&session.client, &session.token).await;
            // The token, account, policy and list of patients are dropped here; the token's
            // buffer is wiped on drop (see `SessionToken`).
            drop(session);
        }
        Ok(())
    }

    /// What of a person the app holds in memory now, by name (empty after `switch_user`), for
    /// the tests.
    #[cfg(any(test, feature = "test-support"))]
    #[doc(hidden)]
    pub async fn person_data_held(&self) -> Vec<&'static str> {
        let mut held = Vec::new();
        if self.session.lock().await.is_some() {
            held.push("session (token, account, policy, patients)");
        }
        if self.drafts.is_unlocked() {
            held.push("draft vault key");
        }
        if self.drafts.acting_for().is_some() {
            held.push("whom the drafts are for");
        }
        if self.drafts.is_file_open().await {
            held.push("open draft vault file");
        }
        held
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use portal_api::client::{PortalClient, SessionToken};
    use portal_api::{MessagingLimits, PolicyResponse, Role, User};

    use super::*;
    use crate::core::session::ActiveSession;
    use crate::core::{ManagedConfig, MemoryPreferences, Preferences, StartupOverrides};

    const CA_PEM: &[u8] = include_bytes!("../../../backend/api/tests/fixtures/test-ca.pem");

    fn core(workstation: bool, vault: &Path) -> DesktopCore {
        let managed = ManagedConfig {
            workstation_mode: Some(workstation),
            ..ManagedConfig::default()
        };
        let mut core = DesktopCore::with_managed(
            Box::new(MemoryPreferences::new(Preferences::default())),
            &StartupOverrides::default(),
            std::path::PathBuf::from("/"),
            Some(vault.join("drafts.db")),
            managed,
        );
        core.drafts.set_kdf_params(crate::vault::testing::FAST);
        core
    }

    /// Holds a session as a sign-in would (to a server that is not there: port 9 refuses), and
    /// unlocks the person's vault.
    async fn signed_in(core: &DesktopCore) {
        let session = ActiveSession {
            id: 1,
            client: PortalClient::new("https://127.0.0.1:9", CA_PEM).expect("client"),
            token: SessionToken::new("tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
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
                language: portal_api::Language::English,
                version: 1,
                title: "Portal policy".into(),
                text: "Never for emergencies.".into(),
                published_at: chrono::Utc::now(),
                accepted_at: Some(chrono::Utc::now()),
            },
            idle_timeout_secs: 900,
            limits: MessagingLimits::default(),
            patient_ids: vec![9],
            may_act_for: Vec::new(),
            last_request: Instant::now(),
            locked: false,
        };
        core.drafts
            .unlock("user-3@127.0.0.1:9", b"violet kettle hums at dawn")
            .await
            .expect("vault unlocked");
        core.drafts.set_acting_for(Some(9));
        *core.session.lock().await = Some(session);
    }

    #[tokio::test]
    async fn a_locked_screen_refuses_commands_and_locks_the_drafts() {
        let dir = tempfile::tempdir().expect("temp dir");
        let core = core(true, dir.path());
        signed_in(&core).await;
        assert!(core.drafts().is_unlocked());
        core.lock_screen().await.expect("lock");
        assert!(core.is_screen_locked().await);
        assert!(!core.drafts().is_unlocked(), "the vault key is dropped");
        assert_eq!(core.keep_alive().await.expect_err("locked").code(), "screen_locked");
        assert_eq!(core.get_policy().await.expect_err("locked").code(), "screen_locked");
        let view = core.current_session().await.expect("no server asked").expect("held");
        assert_eq!(view.user.name, "Blair Conroy");
    }

    #[tokio::test]
    async fn the_screen_locks_only_in_workstation_mode() {
        let dir = tempfile::tempdir().expect("temp dir");
        let core = core(false, dir.path());
        signed_in(&core).await;
        assert_eq!(
            core.lock_screen().await.expect_err("not a workstation").code(),
            "validation"
        );
        assert!(
            !core
                .lock_idle_screen_at(Instant::now() + Duration::from_secs(3600))
                .await
        );
        assert!(!core.is_screen_locked().await);
        assert!(core.drafts().is_unlocked());
    }

    #[tokio::test]
    async fn the_app_locks_an_idle_screen_itself() {
        let dir = tempfile::tempdir().expect("temp dir");
        let core = core(true, dir.path());
        signed_in(&core).await;
        let start = Instant::now();
        let lock_secs = core.workstation().expect("workstation").idle_lock_secs;
        let due = start + Duration::from_secs(lock_secs) + KEEP_ALIVE_SLACK + Duration::from_secs(1);
        assert!(!core.lock_idle_screen_at(start).await);
        assert!(core.lock_idle_screen_at(due).await);
        assert!(core.is_screen_locked().await);
        assert!(!core.drafts().is_unlocked());
        assert!(!core.lock_idle_screen_at(due).await, "already locked");
    }

    #[tokio::test]
    async fn after_switch_user_nothing_of_the_previous_person_is_held() {
        let dir = tempfile::tempdir().expect("temp dir");
        let core = core(true, dir.path());
        signed_in(&core).await;
        assert_eq!(
            core.person_data_held().await.len(),
            4,
            "{:?}",
            core.person_data_held().await
        );
        core.lock_screen().await.expect("lock");
        core.switch_user().await.expect("switch user");
        assert_eq!(core.person_data_held().await, Vec::<&str>::new());
        assert!(!core.is_signed_in().await);
        assert!(!core.is_screen_locked().await);
        assert_eq!(
            core.keep_alive().await.expect_err("signed out").code(),
            "unauthenticated"
        );
        assert_eq!(
            core.unlock_screen("violet kettle hums at dawn", None)
                .await
                .expect_err("nobody")
                .code(),
            "unauthenticated"
        );
    }
}
