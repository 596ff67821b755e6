//! Workstation mode (a shared clinic computer, set by the managed configuration) in the desktop
//! app's logic against a real portal-server: the screen locks (commands refused, drafts
//! locked, the server's session kept), unlocking is a fresh sign-in for the same account
//! (a wrong pass-phrase refused, the second factor asked), and "Switch user" ends the session
//! and leaves nothing of the person in memory, each person's drafts staying in their own vault.

use std::path::Path;

use portal_api::client::{PortalClient, SessionToken};
use portal_desktop::core::drafts::{Draft, DRAFTS_FILE};
use portal_desktop::core::{DesktopCore, ManagedConfig, MemoryPreferences, Preferences, StartupOverrides};
use portal_server::demo;
use portal_tests::{second_factor_code, TestServer, PATIENT, TEST_KDF};

/// The second demo patient (Claudie Walsh).
const OTHER_PATIENT: demo::DemoAccount = demo::ACCOUNTS[3];
/// A care-team account with a second factor (Dr. Okafor).
const PHYSICIAN: demo::DemoAccount = demo::ACCOUNTS[0];

/// A core in workstation mode (the managed file sets the server, the CA and the mode), its
/// draft vault in `dir`.
fn workstation_core(server: &TestServer, dir: &Path) -> (DesktopCore, std::sync::Arc<MemoryPreferences>) {
    let managed_file = dir.join("managed.json");
    std::fs::write(
        &managed_file,
        serde_json::json!({
            "server_url": server.url,
            "ca_file": server.ca_file_text(),
            "workstation_mode": true,
            "idle_lock_minutes": 5,
        })
        .to_string(),
    )
    .expect("write the managed file");
    let preferences = std::sync::Arc::new(MemoryPreferences::new(Preferences::default()));
    let core = DesktopCore::with_managed(
        Box::new(preferences.clone()),
        &StartupOverrides::default(),
        std::env::temp_dir(),
        Some(dir.join(DRAFTS_FILE)),
        ManagedConfig::load(&managed_file),
    )
    .with_vault_kdf_for_tests(TEST_KDF);
    (core, preferences)
}

fn code<T: std::fmt::Debug>(result: Result<T, portal_desktop::error::CommandError>) -> String {
    result.expect_err("an error").code().to_owned()
}

/// Whether the server still takes `token` (`GET /me`).
async fn token_works(server: &TestServer, token: &str) -> bool {
    let ca = std::fs::read(&server.ca_file).expect("read the CA");
    let client = PortalClient::new(&server.url, &ca).expect("client");
    client.me(&SessionToken::new(token)).await.is_ok()
}

async fn sign_in_with_a_draft(core: &DesktopCore, account: demo::DemoAccount, subject: &str) {
    let session = core
        .sign_in(account.email, account.passphrase, None)
        .await
        .expect("sign in");
    if session.policy.accepted_at.is_none() {
        core.accept_policy(session.policy.version).await.expect("accept");
    }
    core.drafts()
        .save(Draft::new(subject, "A question for the practice"))
        .await
        .expect("save a draft");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_locked_screen_opens_only_with_the_persons_pass_phrase() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, preferences) = workstation_core(&server, dir.path());
    let workstation = core.workstation().expect("workstation mode");
    if std::env::var_os("PORTAL_TEST_IDLE_LOCK_SECS").is_none() {
        assert_eq!(workstation.idle_lock_secs, 300);
    }
    assert!(core.settings().managed.server_url, "the server is fixed too");

    sign_in_with_a_draft(&core, PATIENT, "Blair's draft").await;
    assert_eq!(preferences.saved(), Preferences::default(), "no email address is kept");
    let first_token = core.session_token_for_tests().await.expect("held");

    core.lock_screen().await.expect("lock");
    assert!(core.is_screen_locked().await);
    assert_eq!(code(core.keep_alive().await), "screen_locked");
    assert_eq!(
        code(core.list_threads(Default::default(), false).await),
        "screen_locked"
    );
    assert_eq!(
        code(core.drafts().list().await),
        "vault_locked",
        "the vault key is dropped"
    );
    assert!(
        token_works(&server, &first_token).await,
        "the server's session is kept while locked"
    );

    // A wrong pass-phrase is a failed sign-in: refused, and the screen stays locked.
    assert_eq!(
        code(core.unlock_screen("not blair's pass-phrase at all", None).await),
        "invalid_credentials"
    );
    assert!(core.is_screen_locked().await);
    assert_eq!(code(core.drafts().list().await), "vault_locked");

    let view = core.unlock_screen(PATIENT.passphrase, None).await.expect("unlock");
    assert_eq!(view.user.email, PATIENT.email);
    assert!(!core.is_screen_locked().await);
    let drafts = core.drafts().list().await.expect("drafts readable again");
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].subject, "Blair's draft");
    core.keep_alive().await.expect("commands answer again");
    let second_token = core.session_token_for_tests().await.expect("held");
    assert_ne!(second_token, first_token, "unlocking is a fresh sign-in");
    assert!(
        !token_works(&server, &first_token).await,
        "the locked session was replaced"
    );
    core.sign_out().await.expect("sign out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlocking_asks_for_the_second_factor_when_the_account_has_one() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, _) = workstation_core(&server, dir.path());
    let first = second_factor_code(&server, PHYSICIAN).await;
    core.sign_in(PHYSICIAN.email, PHYSICIAN.passphrase, first.as_deref())
        .await
        .expect("sign in");
    core.lock_screen().await.expect("lock");
    assert_eq!(
        code(core.unlock_screen(PHYSICIAN.passphrase, None).await),
        "second_factor_required"
    );
    assert!(core.is_screen_locked().await);
    let next = second_factor_code(&server, PHYSICIAN).await;
    core.unlock_screen(PHYSICIAN.passphrase, next.as_deref())
        .await
        .expect("unlock with the code");
    assert!(!core.is_screen_locked().await);
    core.sign_out().await.expect("sign out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switch_user_ends_the_session_and_each_person_keeps_their_own_drafts() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, preferences) = workstation_core(&server, dir.path());

    sign_in_with_a_draft(&core, PATIENT, "Blair's draft").await;
    let blair_token = core.session_token_for_tests().await.expect("held");
    core.lock_screen().await.expect("lock");
    core.switch_user().await.expect("switch user");
    assert_eq!(
        core.person_data_held().await,
        Vec::<&str>::new(),
        "nothing of Blair is held"
    );
    assert!(
        !token_works(&server, &blair_token).await,
        "the session ended on the server"
    );
    assert_eq!(code(core.keep_alive().await), "unauthenticated");
    assert_eq!(
        code(core.unlock_screen(PATIENT.passphrase, None).await),
        "unauthenticated"
    );

    // The next person sees none of Blair's drafts, and keeps their own.
    sign_in_with_a_draft(&core, OTHER_PATIENT, "Claudie's draft").await;
    let subjects =
        |d: Vec<portal_desktop::core::drafts::DraftSummary>| d.into_iter().map(|s| s.subject).collect::<Vec<_>>();
    assert_eq!(subjects(core.drafts().list().await.expect("list")), ["Claudie's draft"]);
    core.lock_screen().await.expect("lock");
    core.switch_user().await.expect("switch user");
    assert_eq!(core.person_data_held().await, Vec::<&str>::new());

    core.sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("Blair again");
    assert_eq!(subjects(core.drafts().list().await.expect("list")), ["Blair's draft"]);
    core.switch_user().await.expect("switch user");
    assert_eq!(
        preferences.saved(),
        Preferences::default(),
        "no email address was ever kept"
    );
}
