//! What the app's commands do, as plain async Rust with no Tauri in it, so it can be tested
//! without a window (see `tests/tests/desktop_core.rs`).
//!
//! [`DesktopCore`] holds the settings and the one signed-in session. The session token lives
//! only here, in memory: no result carries it, it is never written to disk or logged, and it
//! is forgotten on sign-out or when the server says the session has ended.
//!
//! The draft vault ([`drafts::Drafts`]) is unlocked with the pass-phrase at sign-in and
//! locked whenever the session is dropped, so drafts can be read exactly while someone is
//! signed in. The session is dropped on sign-out, when the server answers that it has ended,
//! and when it has had no request for the server's idle timeout ([`DesktopCore::end_idle_session`],
//! which the app calls on a timer of its own: the window's timer is not relied on).

pub mod accounts;
pub mod acting;
pub mod device;
pub mod drafts;
pub mod managed;
pub mod messages;
pub mod my_sessions;
pub mod patients;
pub mod public_ca;
pub mod records;
pub mod result_release;
pub mod second_factor;
pub mod send;
pub mod server_change;
pub mod session;
pub mod settings;
pub mod staff;
pub mod workstation;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use portal_api::client::{ClientError, PortalClient, SessionToken};
use portal_api::{Language, LoginResponse, PolicyResponse, PracticeInfo};

use crate::error::CommandError;
use crate::vault::KdfParams;
use drafts::Drafts;
pub use managed::ManagedConfig;
pub use server_change::{SaveOutcome, ServerChange};
use session::{ActiveSession, SessionHandle};
pub use session::{KeepAlive, SessionView};
pub use settings::{
    ManagedFields, MemoryPreferences, Preferences, PreferencesError, PreferencesStore, ServerConnection, Settings,
    StartupOverrides, Workstation,
};

/// How long signing out waits for the server before it gives up (the local session is gone
/// either way).
const SIGN_OUT_TIMEOUT: Duration = Duration::from_secs(5);

/// How often the app checks whether the session has been idle for the server's timeout.
pub const IDLE_CHECK_EVERY: Duration = Duration::from_secs(10);

struct SettingsState {
    /// What the preferences store holds (environment overrides are not written back).
    stored: Preferences,
    /// What is in force.
    current: Settings,
}

pub struct DesktopCore {
    preferences: Box<dyn PreferencesStore>,
    /// Relative CA paths are resolved against this folder.
    base_dir: PathBuf,
    settings: Mutex<SettingsState>,
    /// What the organization's managed configuration sets; those values cannot be changed.
    managed: ManagedConfig,
    /// Whenever this is taken together with the drafts' own lock, this one is taken first.
    session: tokio::sync::Mutex<Option<ActiveSession>>,
    next_session_id: AtomicU64,
    drafts: Drafts,
    /// The language the person reads the app in (the UI tells it; at start the one they chose
    /// last, if they did): the policy is asked for in it.
    language: Mutex<Language>,
}

impl std::fmt::Debug for DesktopCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DesktopCore")
            .field("base_dir", &self.base_dir)
            .finish_non_exhaustive()
    }
}

impl DesktopCore {
    /// The core at start-up: settings from `overrides`, else the stored preferences, else the
    /// defaults (see [`Settings::at_startup`]). Unreadable preferences count as none. Drafts
    /// are kept in the vault file at `vault_path` (opened when first needed; `None` when the
    /// app has no data folder, and then the draft commands say drafts cannot be saved).
    pub fn new(
        preferences: Box<dyn PreferencesStore>,
        overrides: &StartupOverrides,
        base_dir: PathBuf,
        vault_path: Option<PathBuf>,
    ) -> Self {
        Self::with_managed(
            preferences,
            overrides,
            base_dir,
            vault_path,
            ManagedConfig::from_system(),
        )
    }

    /// [`DesktopCore::new`] with the given managed configuration (whose values win over the
    /// overrides and the stored preferences) instead of the system's.
    pub fn with_managed(
        preferences: Box<dyn PreferencesStore>,
        overrides: &StartupOverrides,
        base_dir: PathBuf,
        vault_path: Option<PathBuf>,
        managed: ManagedConfig,
    ) -> Self {
        let stored = preferences.load().unwrap_or_else(|error| {
            tracing::warn!(%error, "stored preferences could not be read; using the defaults");
            Preferences::default()
        });
        let mut current = Settings::at_startup(&stored, overrides, &base_dir);
        managed.apply(&mut current, &base_dir);
        let language = Mutex::new(stored.language.unwrap_or_default());
        Self {
            preferences,
            base_dir,
            settings: Mutex::new(SettingsState { stored, current }),
            managed,
            session: tokio::sync::Mutex::new(None),
            next_session_id: AtomicU64::new(1),
            drafts: Drafts::new(vault_path, KdfParams::PRODUCTION),
            language,
        }
    }

    /// The language the app is read in from now on (the policy's text), not kept: the
    /// operating system's, which the UI follows while the person has not chosen one.
    pub fn set_language(&self, language: Language) {
        *self.language.lock().unwrap_or_else(PoisonError::into_inner) = language;
    }

    /// The update address the managed file sets, if any (see `crate::updates`).
    pub fn managed_update_url(&self) -> Option<&str> {
        self.managed.update_url.as_deref()
    }

    /// `set_language`: the language the person chose with the app's switch ("en" or "es";
    /// anything else is refused and changes nothing): read in from now on, and kept in the
    /// preferences so the next start opens in it (`Settings::language`).
    pub fn choose_language(&self, tag: &str) -> Result<Language, CommandError> {
        let language = settings::parse_language(tag)?;
        let mut state = self.settings_state();
        if state.stored.language != Some(language) {
            let mut stored = state.stored.clone();
            stored.language = Some(language);
            self.preferences.save(&stored).map_err(|error| {
                tracing::warn!(%error, "the language chosen could not be saved");
                CommandError::Preferences
            })?;
            state.stored = stored;
        }
        state.current.language = Some(language);
        drop(state);
        self.set_language(language);
        Ok(language)
    }

    fn language(&self) -> Language {
        *self.language.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Cheaper Argon2 parameters for vaults created by this core, for the cross-crate tests
    /// only (the app always uses [`KdfParams::PRODUCTION`]).
    #[cfg(feature = "test-support")]
    #[doc(hidden)]
    pub fn with_vault_kdf_for_tests(mut self, kdf: KdfParams) -> Self {
        self.drafts.set_kdf_params(kdf);
        self
    }

    /// The drafts of the signed-in person (the draft commands, and the send path).
    pub fn drafts(&self) -> &Drafts {
        &self.drafts
    }

    fn settings_state(&self) -> MutexGuard<'_, SettingsState> {
        self.settings.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `get_settings`
    pub fn settings(&self) -> Settings {
        self.settings_state().current.clone()
    }

    /// `save_settings`: check the address and the CA file, then keep them. A change of
    /// server or CA file is only saved when `confirm` is set; without it the answer describes
    /// the change (see [`server_change`]).
    pub fn save_settings(&self, server_url: &str, ca_file: &str, confirm: bool) -> Result<SaveOutcome, CommandError> {
        let checked = ServerConnection::check(server_url, ca_file, &self.base_dir)?;
        let ca_file = checked.ca_file.display().to_string();
        let mut state = self.settings_state();
        if self.managed.forbids(&state.current, &checked.server_url, &ca_file) {
            return Err(CommandError::ManagedSetting);
        }
        if !confirm {
            if let Some(change) = server_change::between(&state.current, &checked.server_url, &ca_file) {
                return Ok(SaveOutcome::NeedsConfirmation(change));
            }
        }
        let mut stored = state.stored.clone();
        stored.server_url = Some(checked.server_url.clone());
        stored.ca_file = Some(ca_file.clone());
        self.preferences.save(&stored).map_err(|error| {
            tracing::warn!(%error, "server settings could not be saved");
            CommandError::Preferences
        })?;
        state.stored = stored;
        state.current.server_url = checked.server_url;
        state.current.ca_file = ca_file;
        Ok(SaveOutcome::Saved(state.current.clone()))
    }

    /// The server named by the settings in force, checked.
    fn connection(&self) -> Result<ServerConnection, CommandError> {
        let current = self.settings();
        ServerConnection::check(&current.server_url, &current.ca_file, &self.base_dir)
    }

    /// `practice_info`: the practice's name and phone (needs no session).
    pub async fn practice_info(&self) -> Result<PracticeInfo, CommandError> {
        let client = self.connection()?.client;
        Ok(client.practice().await?)
    }

    /// `sign_in`: sign in, ask the server about the new session (`GET /me`, which also proves
    /// the token works, and gives the idle timeout), load the policy and the service's limits
    /// (`GET /limits`: files are checked against its attachment size), and hold the session. The
    /// pass-phrase is passed to the client and to the draft vault and not kept. A session held
    /// before is replaced (and revoked).
    ///
    /// Once the server has accepted the pass-phrase it also unlocks the person's draft vault
    /// (creating it at the first sign-in on this computer), while the other two requests are
    /// on their way. A vault that cannot be opened does not stop the sign-in: the draft
    /// commands then say why.
    ///
    /// `code`: for an account with a second factor, the current code from the authenticator
    /// app or an unused recovery code. Without one such an account answers
    /// `second_factor_required`, and the UI asks for it; a wrong one answers the same code
    /// with the server's message (and counts toward the account's lock).
    pub async fn sign_in(&self, email: &str, password: &str, code: Option<&str>) -> Result<SessionView, CommandError> {
        let client = self.connection()?.client;
        let sent = Instant::now();
        let device = device::device_name();
        let email = email.trim();
        let login = match code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => client.login_with_code(email, password, code, Some(&device)).await?,
            None => client.login_from(email, password, Some(&device)).await?,
        };
        self.hold(client, login, password, sent).await
    }

    /// What follows once the server accepted a pass-phrase and answered a new session (a
    /// sign-in, an activation): `GET /me`, the policy and the limits, the draft vault unlocked
    /// (or created) meanwhile, and the session held (one held before is revoked). A failure of
    /// the three requests revokes the new session. `sent`: when the request that made it left.
    async fn hold(
        &self,
        client: PortalClient,
        login: LoginResponse,
        password: &str,
        sent: Instant,
    ) -> Result<SessionView, CommandError> {
        let token = SessionToken::new(login.token);
        let vault_user = vault_user_of(&client, login.user.id);
        let (me, policy, limits, vault) = tokio::join!(
            client.me(&token),
            client.policy_in(&token, self.language()),
            client.limits(&token),
            self.drafts.open_user(&vault_user, password.as_bytes())
        );
        let (me, policy, limits) = match (me, policy, limits) {
            (Ok(me), Ok(policy), Ok(limits)) => (me, policy, limits),
            (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => {
                revoke(&client, &token).await;
                return Err(error.into());
            }
        };
        let session = ActiveSession {
            id: self.next_session_id.fetch_add(1, Ordering::Relaxed),
            client,
            token,
            user: login.user,
            policy,
            idle_timeout_secs: me.idle_timeout_secs,
            limits,
            patient_ids: me.patient_ids,
            may_act_for: me.acting_for,
            last_request: sent,
            locked: false,
        };
        let view = session.view();
        let previous = {
            let mut held = self.session.lock().await;
            self.drafts.set_limits(limits);
            self.drafts.install(vault);
            self.drafts.set_acting_for(None);
            held.replace(session)
        };
        if let Some(previous) = previous {
            revoke(&previous.client, &previous.token).await;
        }
        // Who signed in is not written anywhere (see `settings`): the next sign-in form is empty.
        Ok(view)
    }

    /// `current_session`: the session held, with the policy refreshed from the server, or
    /// `None`. If the server cannot be reached the last known state is shown; if the server
    /// says the session has ended, it is dropped and the error returned.
    pub async fn current_session(&self) -> Result<Option<SessionView>, CommandError> {
        let handle = {
            let held = self.session.lock().await;
            match held.as_ref() {
                None => return Ok(None),
                // Locked: the UI shows the lock screen at the first command it sends; the
                // server is not asked (that would keep its session from ending idle).
                Some(session) if session.locked => return Ok(Some(session.view())),
                Some(session) => SessionHandle::from(session),
            }
        };
        let sent = Instant::now();
        match handle.client.policy_in(&handle.own_token(), self.language()).await {
            Ok(policy) => Ok(self.update_policy(handle.id, policy, sent).await),
            Err(error) => {
                let error = self.failed(&handle, error).await;
                if error.ends_session() {
                    return Err(error);
                }
                let held = self.session.lock().await;
                Ok(held.as_ref().filter(|s| s.id == handle.id).map(ActiveSession::view))
            }
        }
    }

    /// `get_policy`: the current policy and whether the person accepted it.
    pub async fn get_policy(&self) -> Result<PolicyResponse, CommandError> {
        let handle = self.signed_in().await?;
        self.fetch_policy(&handle).await
    }

    /// `accept_policy`: accept `version`, then answer the policy as the server now has it.
    pub async fn accept_policy(&self, version: i64) -> Result<PolicyResponse, CommandError> {
        let handle = self.signed_in().await?;
        let sent = Instant::now();
        if let Err(error) = handle
            .client
            .accept_policy_in(&handle.own_token(), version, self.language())
            .await
        {
            return Err(self.failed(&handle, error).await);
        }
        self.answered(handle.id, sent).await;
        self.fetch_policy(&handle).await
    }

    /// The policy as the server has it now, kept for the session it was asked for.
    async fn fetch_policy(&self, handle: &SessionHandle) -> Result<PolicyResponse, CommandError> {
        let sent = Instant::now();
        match handle.client.policy_in(&handle.own_token(), self.language()).await {
            Ok(policy) => {
                self.update_policy(handle.id, policy.clone(), sent).await;
                Ok(policy)
            }
            Err(error) => Err(self.failed(handle, error).await),
        }
    }

    /// `keep_alive`: the person is active in the app, so keep the server's session from ending
    /// idle. Any authenticated request restarts the server's idle timer; `GET /me` is the
    /// cheapest, and it answers the idle timeout in force. If the server says the session has
    /// ended, it is dropped here too and the error returned (as for every command). It asks
    /// as the person themselves (whom they act for does not matter here), and takes the list
    /// of patients they may act for as the server now has it.
    pub async fn keep_alive(&self) -> Result<KeepAlive, CommandError> {
        let handle = self.signed_in().await?;
        let sent = Instant::now();
        match handle.client.me(&handle.own_token()).await {
            Ok(me) => {
                let mut held = self.session.lock().await;
                if let Some(session) = held.as_mut().filter(|s| s.id == handle.id) {
                    session.idle_timeout_secs = me.idle_timeout_secs;
                    session.set_may_act_for(me.acting_for);
                    self.drafts.set_acting_for(session.token.acts_for());
                    session.answered(sent);
                }
                Ok(KeepAlive {
                    idle_timeout_secs: me.idle_timeout_secs,
                })
            }
            Err(error) => Err(self.failed(&handle, error).await),
        }
    }

    /// `sign_out` (also the UI's idle sign-out): forget the session and lock the drafts here,
    /// and revoke the session on the server if it answers.
    pub async fn sign_out(&self) -> Result<(), CommandError> {
        let session = {
            let mut held = self.session.lock().await;
            self.drafts.lock();
            held.take()
        };
        if let Some(session) = session {
            revoke(&session.client, &session.token).await;
        }
        Ok(())
    }

    /// Ends the session held, as [`sign_out`](Self::sign_out) does, if it has had no request
    /// for the server's idle timeout: the server has ended it by now, and the drafts must not
    /// stay readable because the window did not notice (its timer stopped, or it hangs).
    /// Answers whether it did. The app calls this on a timer ([`IDLE_CHECK_EVERY`]).
    pub async fn end_idle_session(&self) -> bool {
        self.end_idle_session_at(Instant::now()).await
    }

    /// [`end_idle_session`](Self::end_idle_session) as if it were `now`.
    pub async fn end_idle_session_at(&self, now: Instant) -> bool {
        let session = {
            let mut held = self.session.lock().await;
            if !held.as_ref().is_some_and(|s| s.idle_at(now)) {
                return false;
            }
            self.drafts.lock();
            held.take()
        };
        if let Some(session) = session {
            revoke(&session.client, &session.token).await;
        }
        true
    }

    /// True while a session is held (no network involved).
    pub async fn is_signed_in(&self) -> bool {
        self.session.lock().await.is_some()
    }

    /// The token of the session held, for the cross-crate tests only.
    #[cfg(feature = "test-support")]
    #[doc(hidden)]
    pub async fn session_token_for_tests(&self) -> Option<String> {
        self.session.lock().await.as_ref().map(|s| s.token.expose().to_owned())
    }

    /// The session for a command, refused while the screen is locked (workstation mode).
    async fn signed_in(&self) -> Result<SessionHandle, CommandError> {
        let held = self.session.lock().await;
        match held.as_ref() {
            None => Err(CommandError::NotSignedIn),
            Some(session) if session.locked => Err(CommandError::ScreenLocked),
            Some(session) => Ok(SessionHandle::from(session)),
        }
    }

    /// Keep `policy` for the session `id` (if still held) and answer the session's view.
    async fn update_policy(&self, id: u64, policy: PolicyResponse, sent: Instant) -> Option<SessionView> {
        let mut held = self.session.lock().await;
        let session = held.as_mut().filter(|s| s.id == id)?;
        session.policy = policy;
        session.answered(sent);
        Some(session.view())
    }

    /// A request sent at `sent` for session `id` was answered (see [`ActiveSession::answered`]).
    async fn answered(&self, id: u64, sent: Instant) {
        let mut held = self.session.lock().await;
        if let Some(session) = held.as_mut().filter(|s| s.id == id) {
            session.answered(sent);
        }
    }

    /// Map a failure of a request made with `handle`; when it means the session has ended on
    /// the server, forget the session and lock the drafts here too. When it says the grant of
    /// the patient the request acted for has ended (`grant_ended`), the session acts for the
    /// person themselves again from now on (the UI shows that the access has ended).
    async fn failed(&self, handle: &SessionHandle, error: ClientError) -> CommandError {
        let id = handle.id;
        let error = CommandError::from(error);
        if error.ends_session() {
            let mut held = self.session.lock().await;
            if held.as_ref().is_some_and(|s| s.id == id) {
                self.drafts.lock();
                *held = None;
            }
        } else if error.ends_grant() {
            if let Some(patient_id) = handle.token.acts_for() {
                let mut held = self.session.lock().await;
                if let Some(session) = held.as_mut().filter(|s| s.id == id) {
                    session.grant_ended(patient_id);
                    self.drafts.set_acting_for(session.token.acts_for());
                }
            }
        }
        error
    }
}

/// The draft vault user of account `user_id` on the server `client` talks to.
fn vault_user_of(client: &PortalClient, user_id: i64) -> String {
    let server = client.base_url();
    drafts::vault_user_id(
        user_id,
        server.host_str().unwrap_or_default(),
        server.port_or_known_default().unwrap_or(443),
    )
}

/// Revoke a session on the server, best effort: failures are only logged (without details
/// that could identify the session).
async fn revoke(client: &PortalClient, token: &SessionToken) {
    // As the person themselves: an ended grant must not stop the sign-out.
    let token = token.acting_for(None);
    match tokio::time::timeout(SIGN_OUT_TIMEOUT, client.logout(&token)).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::info!(
            code = CommandError::from(error).code(),
            "sign-out not confirmed by the server"
        ),
        Err(_) => tracing::info!("sign-out not confirmed by the server in time"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn core_with(prefs: Preferences, overrides: StartupOverrides, base: &Path) -> DesktopCore {
        DesktopCore::new(
            Box::new(MemoryPreferences::new(prefs)),
            &overrides,
            base.to_path_buf(),
            None,
        )
    }

    #[test]
    fn settings_come_from_the_store_at_start_up() {
        let prefs = Preferences {
            server_url: Some("https://stored.example".into()),
            ca_file: Some("/srv/ca.pem".into()),
            language: Some(Language::Spanish),
        };
        let core = core_with(prefs, StartupOverrides::default(), Path::new("/"));
        let settings = core.settings();
        assert_eq!(settings.server_url, "https://stored.example");
        assert_eq!(settings.ca_file, "/srv/ca.pem");
        assert_eq!(settings.language, Some(Language::Spanish));
        assert_eq!(
            core.language(),
            Language::Spanish,
            "the policy is asked for in the language kept"
        );
        let json = serde_json::to_value(&settings).expect("json");
        assert_eq!(json.as_object().map(|o| o.len()), Some(5), "{json}");
        assert_eq!(json["language"], "es");
        assert_eq!(json["workstation"], serde_json::Value::Null);
        assert_eq!(json["managed"]["server_url"], false);
    }

    #[test]
    fn a_language_chosen_is_kept_and_the_next_start_opens_in_it() {
        let store = std::sync::Arc::new(MemoryPreferences::new(Preferences {
            server_url: Some("https://stored.example".into()),
            ..Preferences::default()
        }));
        let start = || DesktopCore::new(Box::new(store.clone()), &StartupOverrides::default(), "/".into(), None);
        let core = start();
        assert_eq!(
            core.settings().language,
            None,
            "never chosen: the UI follows the system"
        );
        assert_eq!(core.language(), Language::English);

        // The system's language, followed at start: in force, nothing kept.
        core.set_language(Language::Spanish);
        assert_eq!(core.language(), Language::Spanish);
        assert_eq!(store.saved().language, None);
        assert_eq!(core.settings().language, None);

        // Chosen with the switch: in force and kept, the other preferences untouched.
        assert_eq!(core.choose_language("en").expect("en"), Language::English);
        assert_eq!(core.language(), Language::English);
        assert_eq!(core.settings().language, Some(Language::English));
        assert_eq!(
            store.saved(),
            Preferences {
                server_url: Some("https://stored.example".into()),
                ca_file: None,
                language: Some(Language::English),
            }
        );
        let next = start();
        assert_eq!(next.settings().language, Some(Language::English));
        assert_eq!(next.language(), Language::English);

        // Anything but "en" or "es": refused in words, nothing changed.
        for bad in ["fr", "", "es-MX", "ES"] {
            let err = core.choose_language(bad).expect_err(bad);
            assert_eq!(err.code(), "validation");
            assert_eq!(
                err.to_string(),
                "The language must be \"en\" (English) or \"es\" (Spanish)."
            );
        }
        assert_eq!(core.language(), Language::English);
        assert_eq!(store.saved().language, Some(Language::English));
    }

    #[test]
    fn a_language_that_cannot_be_saved_is_said_and_not_taken_as_kept() {
        struct Refusing;
        impl PreferencesStore for Refusing {
            fn load(&self) -> Result<Preferences, PreferencesError> {
                Ok(Preferences::default())
            }
            fn save(&self, _: &Preferences) -> Result<(), PreferencesError> {
                Err(PreferencesError("read-only".into()))
            }
        }
        let core = DesktopCore::new(Box::new(Refusing), &StartupOverrides::default(), "/".into(), None);
        let err = core.choose_language("es").expect_err("not saved");
        assert_eq!(err.code(), "preferences");
        assert_eq!(core.settings().language, None);
        assert_eq!(core.language(), Language::English);
    }

    #[test]
    fn saving_settings_checks_them_and_keeps_overrides_out_of_the_store() {
        let dir = tempfile::tempdir().expect("temp dir");
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, include_bytes!("../../../backend/api/tests/fixtures/test-ca.pem")).expect("write");
        let store = std::sync::Arc::new(MemoryPreferences::default());
        let overrides = StartupOverrides {
            server_url: Some("https://env.example".into()),
            ca_file: None,
        };
        let core = DesktopCore::new(Box::new(store.clone()), &overrides, dir.path().to_path_buf(), None);
        assert_eq!(core.settings().server_url, "https://env.example");
        assert_eq!(store.saved(), Preferences::default(), "nothing written at start-up");

        let err = core
            .save_settings("http://portal.example", "ca.pem", true)
            .expect_err("http");
        assert_eq!(err.code(), "invalid_server_url");
        let err = core
            .save_settings("https://portal.example", "nope.pem", true)
            .expect_err("missing file");
        assert_eq!(err.code(), "ca_file");
        assert_eq!(
            core.settings().server_url,
            "https://env.example",
            "failed saves change nothing"
        );

        let asked = core
            .save_settings("https://portal.example:8443", "ca.pem", false)
            .expect("asks");
        let SaveOutcome::NeedsConfirmation(change) = asked else {
            panic!("a new server needs confirmation: {asked:?}")
        };
        assert_eq!(
            change.server_url.map(|c| c.to).as_deref(),
            Some("https://portal.example:8443")
        );
        assert_eq!(
            store.saved(),
            Preferences::default(),
            "nothing saved before confirmation"
        );
        assert_eq!(core.settings().server_url, "https://env.example");

        let saved = core
            .save_settings("https://portal.example:8443", "ca.pem", true)
            .expect("save")
            .saved()
            .expect("confirmed");
        assert_eq!(saved.server_url, "https://portal.example:8443");
        assert_eq!(saved.ca_file, ca.display().to_string());
        assert_eq!(core.settings(), saved);
        assert_eq!(store.saved().server_url.as_deref(), Some("https://portal.example:8443"));

        let again = core
            .save_settings("https://portal.example:8443", "ca.pem", false)
            .expect("same settings");
        assert_eq!(
            again.saved().as_ref(),
            Some(&saved),
            "unchanged settings need no confirmation"
        );
    }

    #[test]
    fn a_managed_file_fixes_the_server_and_refuses_changes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, include_bytes!("../../../backend/api/tests/fixtures/test-ca.pem")).expect("write");
        std::fs::write(
            dir.path().join("other.pem"),
            include_bytes!("../../../backend/api/tests/fixtures/test-ca.pem"),
        )
        .expect("write");
        let managed_file = dir.path().join("managed.json");
        std::fs::write(
            &managed_file,
            format!(
                r#"{{"server_url": "https://portal.clinic.example", "ca_file": "{}"}}"#,
                ca.display()
            ),
        )
        .expect("write managed");
        let store = std::sync::Arc::new(MemoryPreferences::new(Preferences {
            server_url: Some("https://stored.example".into()),
            ca_file: Some("/srv/stored.pem".into()),
            language: None,
        }));
        let overrides = StartupOverrides {
            server_url: Some("https://env.example".into()),
            ca_file: None,
        };
        let core = DesktopCore::with_managed(
            Box::new(store.clone()),
            &overrides,
            dir.path().to_path_buf(),
            None,
            ManagedConfig::load(&managed_file),
        );
        let settings = core.settings();
        assert_eq!(settings.server_url, "https://portal.clinic.example");
        assert_eq!(settings.ca_file, ca.display().to_string());
        assert_eq!(
            settings.managed,
            ManagedFields {
                server_url: true,
                ca_file: true
            }
        );

        for (url, file) in [
            ("https://evil.example", "ca.pem"),
            ("https://portal.clinic.example", "other.pem"),
        ] {
            for confirm in [false, true] {
                let err = core.save_settings(url, file, confirm).expect_err("managed");
                assert_eq!(err.code(), "managed_setting");
                assert!(err.to_string().contains("set by your organization"), "{err}");
            }
        }
        assert_eq!(
            store.saved().server_url.as_deref(),
            Some("https://stored.example"),
            "nothing saved"
        );
        assert_eq!(core.settings(), settings);
    }

    #[tokio::test]
    async fn without_a_session_commands_say_sign_in() {
        let core = core_with(Preferences::default(), StartupOverrides::default(), Path::new("/"));
        assert_eq!(core.current_session().await.expect("no error"), None);
        assert_eq!(
            core.get_policy().await.expect_err("no session").code(),
            "unauthenticated"
        );
        assert_eq!(
            core.accept_policy(1).await.expect_err("no session").code(),
            "unauthenticated"
        );
        let error = core.keep_alive().await.expect_err("no session");
        assert_eq!(error.code(), "unauthenticated");
        assert!(error.ends_session());
        core.sign_out().await.expect("signing out twice is fine");
        assert!(!core.is_signed_in().await);
        let error = core.drafts().list().await.expect_err("no session");
        assert_eq!(error.code(), "vault_locked");
        assert!(!error.ends_session(), "drafts being locked does not end anything");
    }

    #[test]
    fn the_app_creates_vaults_at_production_cost() {
        let core = core_with(Preferences::default(), StartupOverrides::default(), Path::new("/"));
        assert_eq!(core.drafts().kdf_params(), KdfParams::PRODUCTION);
    }

    #[tokio::test]
    async fn an_http_address_is_refused_before_anything_is_sent() {
        let dir = tempfile::tempdir().expect("temp dir");
        let overrides = StartupOverrides {
            server_url: Some("http://localhost:8443".into()),
            ca_file: Some("missing.pem".into()),
        };
        let core = core_with(Preferences::default(), overrides, dir.path());
        let err = core
            .sign_in("blair.conroy@example.com", "violet kettle hums at dawn", None)
            .await
            .expect_err("http");
        assert_eq!(err.code(), "invalid_server_url");
        assert_eq!(
            core.practice_info().await.expect_err("http").code(),
            "invalid_server_url"
        );
    }
}
