//! The desktop app's logic (`DesktopCore`, no window) against a real portal-server started in
//! this process, through the real `portal-api` client.

use std::path::Path;
use std::sync::Arc;

use portal_api::client::{ClientError, PortalClient, SessionToken};
use portal_api::{ErrorCode, Language};
use portal_desktop::core::drafts::DRAFTS_FILE;
use portal_desktop::core::{DesktopCore, MemoryPreferences, Preferences, StartupOverrides};
use portal_tests::{unused_port, TestServer, OTHER_CA_PEM, PATIENT, TEST_KDF};
use serde::Serialize;

/// A core whose settings point at `server_url` and `ca_file`, with preferences in memory and
/// its draft vault in `data_dir` (with cheap Argon2 parameters).
fn core_for(server_url: &str, ca_file: &str, data_dir: &Path) -> (DesktopCore, Arc<MemoryPreferences>) {
    let preferences = Arc::new(MemoryPreferences::default());
    let overrides = StartupOverrides {
        server_url: Some(server_url.into()),
        ca_file: Some(ca_file.into()),
    };
    let vault_path = data_dir.join("desktop").join(DRAFTS_FILE);
    let core = DesktopCore::new(
        Box::new(preferences.clone()),
        &overrides,
        std::env::temp_dir(),
        Some(vault_path),
    )
    .with_vault_kdf_for_tests(TEST_KDF);
    (core, preferences)
}

/// Serialize a command's result (or error) as the webview would receive it, and check that
/// the session token is not in it.
fn to_json_without_token<T: Serialize>(value: &T, token: &str) -> serde_json::Value {
    let json = serde_json::to_string(value).expect("serialize");
    assert!(
        !json.contains(token),
        "a command result carries the session token: {json}"
    );
    assert!(
        !json.to_ascii_lowercase().contains("token"),
        "a command result mentions a token: {json}"
    );
    serde_json::from_str(&json).expect("json")
}

fn code_of<T: std::fmt::Debug>(result: Result<T, portal_desktop::error::CommandError>) -> String {
    result.expect_err("an error").code().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_signs_in_accepts_the_policy_and_signs_out() {
    let server = TestServer::start().await;
    let (core, preferences) = core_for(&server.url, &server.ca_file_text(), server.data_dir.path());

    let practice = core.practice_info().await.expect("practice info");
    assert_eq!(practice.name, portal_server::demo::PRACTICE_NAME);
    assert_eq!(practice.phone, portal_server::demo::PRACTICE_PHONE);
    assert_eq!(core.current_session().await.expect("no session yet"), None);

    let session = core
        .sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in");
    let token = core.session_token_for_tests().await.expect("a session is held");
    assert!(token.len() >= 32, "a real token");

    let json = to_json_without_token(&session, &token);
    assert_eq!(json["user"]["email"], PATIENT.email);
    assert_eq!(json["user"]["name"], PATIENT.name);
    assert_eq!(json["user"]["role"], "patient");
    assert_eq!(json["policy"]["version"], 1);
    assert!(json["policy"]["accepted_at"].is_null(), "not accepted yet: {json}");
    assert!(json["policy"]["text"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(json["idle_timeout_secs"], 900, "the server's idle timeout: {json}");

    // Issue 9, 5.10: signing in writes nothing to the preferences, not even the email address
    // (on a shared computer it would tell the next person who uses the portal).
    let stored = preferences.saved();
    assert_eq!(stored, Preferences::default());
    let file = serde_json::to_string(&stored).expect("json");
    assert!(!file.contains(PATIENT.email), "{file}");
    let settings = serde_json::to_string(&core.settings()).expect("json");
    assert!(!settings.contains(PATIENT.email), "{settings}");
    to_json_without_token(&core.settings(), &token);

    to_json_without_token(&core.practice_info().await.expect("practice info"), &token);
    // Errors carry no token either (a version that does not exist: not_found).
    let error = core.accept_policy(99).await.expect_err("no such version");
    assert_eq!(to_json_without_token(&error, &token)["code"], "not_found");
    assert!(core.is_signed_in().await, "an ordinary error keeps the session");

    let policy = core.get_policy().await.expect("policy");
    to_json_without_token(&policy, &token);
    assert_eq!(policy.accepted_at, None);

    let accepted = core.accept_policy(policy.version).await.expect("accept");
    let json = to_json_without_token(&accepted, &token);
    assert!(json["accepted_at"].is_string(), "{json}");
    assert_eq!(accepted.version, policy.version);

    let current = core
        .current_session()
        .await
        .expect("current session")
        .expect("still signed in");
    to_json_without_token(&current, &token);
    assert_eq!(current.user.email, PATIENT.email);
    assert_eq!(
        current.policy.accepted_at, accepted.accepted_at,
        "current_session shows the acceptance"
    );

    // The server answers the token until sign-out, and refuses it after.
    let client = PortalClient::with_ca_file(&server.url, &server.ca_file).expect("client");
    let old = SessionToken::new(token.clone());
    client.me(&old).await.expect("the token works while signed in");

    core.sign_out().await.expect("sign out");
    to_json_without_token(&(), &token);
    assert_eq!(core.current_session().await.expect("no error"), None);
    assert!(core.session_token_for_tests().await.is_none(), "the token is forgotten");
    match client.me(&old).await {
        Err(ClientError::Api { body, .. }) => assert_eq!(body.code, ErrorCode::Unauthenticated),
        other => panic!("the old token must be refused, got {other:?}"),
    }
    assert_eq!(code_of(core.get_policy().await), "unauthenticated");

    // Signing in again: the acceptance is remembered by the server.
    let again = core
        .sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in again");
    assert!(again.policy.accepted_at.is_some());
    core.sign_out().await.expect("sign out");
}

/// Read in Spanish (the UI says so with `set_language`), the policy comes in Spanish at sign-in
/// and after, and is accepted as the Spanish text; switching back shows the English one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spanish_reader_gets_and_accepts_the_spanish_policy() {
    let server = TestServer::start().await;
    let (core, _) = core_for(&server.url, &server.ca_file_text(), server.data_dir.path());
    core.set_language(Language::Spanish);
    let session = core
        .sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in");
    assert_eq!(session.policy.language, Language::Spanish);
    assert!(session.policy.text.contains("llame al 911"), "{}", session.policy.text);
    let accepted = core.accept_policy(session.policy.version).await.expect("accept");
    assert_eq!(accepted.language, Language::Spanish);
    assert!(accepted.accepted_at.is_some());
    core.set_language(Language::English);
    let english = core.get_policy().await.expect("policy");
    assert_eq!(english.language, Language::English);
    assert!(english.text.contains("call 911"));
    core.sign_out().await.expect("sign out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alive_answers_the_idle_timeout_while_signed_in_only() {
    let server = TestServer::start().await;
    let (core, _) = core_for(&server.url, &server.ca_file_text(), server.data_dir.path());
    let session = core
        .sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in");
    assert_eq!(session.idle_timeout_secs, 900);
    let token = core.session_token_for_tests().await.expect("a session is held");

    let alive = core.keep_alive().await.expect("keep alive");
    assert_eq!(alive.idle_timeout_secs, 900);
    assert_eq!(
        to_json_without_token(&alive, &token),
        serde_json::json!({ "idle_timeout_secs": 900 })
    );
    assert!(core.is_signed_in().await);
    let current = core
        .current_session()
        .await
        .expect("current session")
        .expect("still signed in");
    assert_eq!(current.idle_timeout_secs, 900);

    core.sign_out().await.expect("sign out");
    let error = core.keep_alive().await.expect_err("no local session");
    assert_eq!(error.code(), "unauthenticated");
    assert!(error.ends_session(), "the UI treats it as the end of the session");
    assert!(!core.is_signed_in().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alive_on_a_session_ended_by_the_server_drops_it() {
    let server = TestServer::start().await;
    let core = signed_in_then_revoked_by_the_server(&server).await;
    let error = core.keep_alive().await.expect_err("session ended");
    assert_eq!(error.code(), "unauthenticated");
    assert!(error.ends_session());
    assert!(!core.is_signed_in().await, "the session is dropped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_pass_phrase_is_invalid_credentials() {
    let server = TestServer::start().await;
    let (core, preferences) = core_for(&server.url, &server.ca_file_text(), server.data_dir.path());
    let error = core
        .sign_in(PATIENT.email, "violet kettle hums at dusk", None)
        .await
        .expect_err("wrong pass-phrase");
    let json = serde_json::to_value(&error).expect("json");
    assert_eq!(json["code"], "invalid_credentials", "{json}");
    assert!(
        json["message"].as_str().is_some_and(|m| m.contains("pass-phrase")),
        "{json}"
    );
    assert!(!core.is_signed_in().await);
    assert_eq!(
        preferences.saved(),
        Preferences::default(),
        "a failed sign-in is not written down"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_session_is_dropped_and_reported() {
    let server = TestServer::start().await;
    let core = signed_in_then_revoked_by_the_server(&server).await;
    let error = core.current_session().await.expect_err("session ended");
    assert_eq!(error.code(), "unauthenticated");
    assert!(error.ends_session());
    assert!(!core.is_signed_in().await, "the session is dropped");
    assert_eq!(core.current_session().await.expect("no error"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_with_another_ca_is_untrusted() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let other_ca = dir.path().join("other-ca.pem");
    std::fs::write(&other_ca, OTHER_CA_PEM).expect("write");
    let (core, _) = core_for(&server.url, &other_ca.display().to_string(), server.data_dir.path());
    assert_eq!(code_of(core.practice_info().await), "untrusted_certificate");
    assert_eq!(
        code_of(core.sign_in(PATIENT.email, PATIENT.passphrase, None).await),
        "untrusted_certificate"
    );
    assert!(!core.is_signed_in().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_listening_is_unreachable() {
    let server = TestServer::start().await; // only for a real CA file
    let url = format!("https://localhost:{}", unused_port());
    let (core, _) = core_for(&url, &server.ca_file_text(), server.data_dir.path());
    assert_eq!(code_of(core.practice_info().await), "server_unreachable");
    assert_eq!(
        code_of(core.sign_in(PATIENT.email, PATIENT.passphrase, None).await),
        "server_unreachable"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_is_refused() {
    let server = TestServer::start().await;
    let http_url = format!("http://localhost:{}", server.addr.port());
    let (core, _) = core_for(&http_url, &server.ca_file_text(), server.data_dir.path());
    assert_eq!(code_of(core.practice_info().await), "invalid_server_url");
    assert_eq!(
        code_of(core.sign_in(PATIENT.email, PATIENT.passphrase, None).await),
        "invalid_server_url"
    );
    assert_eq!(
        code_of(core.save_settings(&http_url, &server.ca_file_text(), true)),
        "invalid_server_url"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_are_checked_before_they_are_saved() {
    let server = TestServer::start().await;
    let (core, preferences) = core_for("https://localhost:1", "/nonexistent/ca.pem", server.data_dir.path());
    assert_eq!(code_of(core.practice_info().await), "ca_file");
    assert_eq!(
        code_of(core.save_settings(&server.url, "/nonexistent/ca.pem", true)),
        "ca_file"
    );
    let not_pem = server.data_dir.path().join("portal.db");
    assert_eq!(
        code_of(core.save_settings(&server.url, &not_pem.display().to_string(), true)),
        "ca_file"
    );
    assert_eq!(
        preferences.saved(),
        Preferences::default(),
        "nothing saved after failures"
    );

    let asked = core
        .save_settings(&server.url, &server.ca_file_text(), false)
        .expect("asks");
    assert!(asked.saved().is_none(), "a new server needs confirmation");
    assert_eq!(
        preferences.saved(),
        Preferences::default(),
        "nothing saved before confirmation"
    );
    let saved = core
        .save_settings(&server.url, &server.ca_file_text(), true)
        .expect("save")
        .saved()
        .expect("confirmed");
    assert_eq!(saved.server_url, server.url);
    assert_eq!(Path::new(&saved.ca_file), server.ca_file);
    assert_eq!(preferences.saved().server_url.as_deref(), Some(server.url.as_str()));
    let practice = core.practice_info().await.expect("the saved settings are used");
    assert_eq!(practice.phone, portal_server::demo::PRACTICE_PHONE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_account_is_told_when_to_try_again_in_local_time() {
    let server = TestServer::start().await;
    let (core, _) = core_for(&server.url, &server.ca_file_text(), server.data_dir.path());
    let account = portal_server::demo::ACCOUNTS[3];
    let mut last = None;
    for _ in 0..10 {
        match core.sign_in(account.email, "not the right pass-phrase", None).await {
            Err(error) if error.code() == "invalid_credentials" => continue,
            other => {
                last = Some(other);
                break;
            }
        }
    }
    let error = last.expect("the account locks").expect_err("locked");
    assert_eq!(error.code(), "account_locked");
    let message = error.to_string();
    assert!(
        message.starts_with("This account is locked after too many failed sign-ins. Try again in 15 minutes (after "),
        "{message}"
    );
    assert!(
        message.ends_with("M), or call the practice."),
        "a local AM/PM time: {message}"
    );
    assert!(!message.contains("UTC"), "{message}");
    // The right pass-phrase does not open a locked account.
    assert_eq!(
        code_of(core.sign_in(account.email, account.passphrase, None).await),
        "account_locked"
    );
}

/// A core signed in as the demo patient whose session then ends on the server behind the
/// app's back (as on another device or by an operator).
async fn signed_in_then_revoked_by_the_server(server: &TestServer) -> DesktopCore {
    let (core, _) = core_for(&server.url, &server.ca_file_text(), server.data_dir.path());
    core.sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("sign in");
    let token = SessionToken::new(core.session_token_for_tests().await.expect("token"));
    let client = PortalClient::with_ca_file(&server.url, &server.ca_file).expect("client");
    client.logout(&token).await.expect("revoke");
    core
}
