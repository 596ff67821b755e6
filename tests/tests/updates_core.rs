//! Signed updates (issue 13) through the real updater plugin (Tauri's mock runtime) and the
//! app's `updates` module, against update files served over HTTPS on a random port with the
//! portal server's own TLS (its generated private CA, trusted as the practice's CA):
//! a correctly signed newer version is kept; one whose signature is missing, wrong, made with
//! another key or made for another version is refused, and nothing of it is kept; a server the
//! practice's CA does not vouch for is not even asked.

use portal_desktop::updates::fetch::{fetch_verified, updater_for, UpdateError};
use portal_desktop::updates::source::UpdateSource;
use portal_tests::updates::{description, Key, UpdateServer};
use serde_json::json;
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};

/// The version the mock app runs (`tauri::test::mock_context`) is 0.1.0.
const NEWER: &str = "9.0.0";

fn source(server: &UpdateServer) -> UpdateSource {
    UpdateSource {
        endpoint: server.latest_url().parse().expect("a URL"),
        practice_ca: Some(server.ca_pem.clone()),
        pubkey: None,
    }
}

/// The app's own `tauri.conf.json`, whose `plugins.updater` the tests run with.
const TAURI_CONF: &str = include_str!("../../src-tauri/tauri.conf.json");

/// The app as the mock runtime runs it, with the updater plugin configured as the app's
/// `tauri.conf.json` does, but `pubkey` built in instead of the app's key.
fn app_with_key(pubkey: &str) -> tauri::App<MockRuntime> {
    let conf: serde_json::Value = serde_json::from_str(TAURI_CONF).expect("tauri.conf.json");
    let mut updater = conf["plugins"]["updater"].clone();
    assert!(
        updater["pubkey"].as_str().is_some_and(|k| !k.is_empty()),
        "tauri.conf.json builds a public key into the app"
    );
    updater["pubkey"] = json!(pubkey);
    let mut context = mock_context(noop_assets());
    context.config_mut().plugins.0.insert("updater".into(), updater);
    mock_builder()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)
        .expect("the mock app")
}

async fn look(app: &tauri::App<MockRuntime>, source: &UpdateSource) -> Result<Option<String>, UpdateError> {
    let updater = updater_for(app.handle(), source)?;
    fetch_verified(&updater)
        .await
        .map(|ready| ready.map(|update| update.version().to_owned()))
}

fn update_bytes() -> Vec<u8> {
    b"the new version of the app, as its installer".repeat(64)
}

#[tokio::test]
async fn a_correctly_signed_newer_version_is_kept() {
    let key = Key::new();
    let bytes = update_bytes();
    let signature = key.sign(&bytes, NEWER);
    let server = UpdateServer::start(|base| description(base, NEWER, Some(&signature)), bytes).await;
    let app = app_with_key(&key.public());
    assert_eq!(
        look(&app, &source(&server)).await.expect("kept"),
        Some(NEWER.to_owned())
    );
}

#[tokio::test]
async fn the_same_or_an_older_version_is_no_update() {
    let key = Key::new();
    let bytes = update_bytes();
    let signature = key.sign(&bytes, "0.1.0");
    let server = UpdateServer::start(|base| description(base, "0.1.0", Some(&signature)), bytes).await;
    let app = app_with_key(&key.public());
    assert_eq!(look(&app, &source(&server)).await.expect("looked"), None);
}

#[tokio::test]
async fn a_changed_file_is_refused() {
    let key = Key::new();
    let bytes = update_bytes();
    let signature = key.sign(&bytes, NEWER);
    let mut changed = bytes.clone();
    changed[10] ^= 0x01;
    let server = UpdateServer::start(|base| description(base, NEWER, Some(&signature)), changed).await;
    let app = app_with_key(&key.public());
    let refused = look(&app, &source(&server)).await.expect_err("refused");
    assert!(matches!(refused, UpdateError::BadSignature), "{refused}");
}

#[tokio::test]
async fn a_signature_made_with_another_key_is_refused() {
    let (ours, theirs) = (Key::new(), Key::new());
    let bytes = update_bytes();
    let signature = theirs.sign(&bytes, NEWER);
    let server = UpdateServer::start(|base| description(base, NEWER, Some(&signature)), bytes).await;
    let app = app_with_key(&ours.public());
    let refused = look(&app, &source(&server)).await.expect_err("refused");
    assert!(matches!(refused, UpdateError::BadSignature), "{refused}");
}

#[tokio::test]
async fn a_missing_or_empty_signature_is_refused() {
    let key = Key::new();
    let app = app_with_key(&key.public());

    let server = UpdateServer::start(|base| description(base, NEWER, None), update_bytes()).await;
    let refused = look(&app, &source(&server)).await.expect_err("no signature field");
    assert!(matches!(refused, UpdateError::NotUnderstood), "{refused}");

    let server = UpdateServer::start(|base| description(base, NEWER, Some("")), update_bytes()).await;
    let refused = look(&app, &source(&server)).await.expect_err("an empty signature");
    assert!(matches!(refused, UpdateError::BadSignature), "{refused}");
}

#[tokio::test]
async fn an_older_release_announced_as_a_newer_version_is_refused() {
    // A genuine, correctly signed older release, announced under a newer version number by
    // whoever answers at the update address: the signature binds the version it was made for.
    let key = Key::new();
    let bytes = update_bytes();
    let old_signature = key.sign(&bytes, "0.0.9");
    let server = UpdateServer::start(|base| description(base, NEWER, Some(&old_signature)), bytes).await;
    let app = app_with_key(&key.public());
    let refused = look(&app, &source(&server)).await.expect_err("refused");
    assert!(matches!(refused, UpdateError::BadSignature), "{refused}");
}

#[tokio::test]
async fn a_signature_that_names_no_version_is_refused() {
    // The app requires the signature to bind the version (`requireSignedVersion`), or an old
    // signature without one could pass any release off as any version.
    let key = Key::new();
    let bytes = update_bytes();
    let signature = key.sign_without_version(&bytes);
    let server = UpdateServer::start(|base| description(base, NEWER, Some(&signature)), bytes).await;
    let app = app_with_key(&key.public());
    let refused = look(&app, &source(&server)).await.expect_err("refused");
    assert!(matches!(refused, UpdateError::BadSignature), "{refused}");
}

#[tokio::test]
async fn a_server_the_practices_ca_does_not_vouch_for_is_not_trusted() {
    let key = Key::new();
    let bytes = update_bytes();
    let signature = key.sign(&bytes, NEWER);
    let server = UpdateServer::start(|base| description(base, NEWER, Some(&signature)), bytes).await;
    let other = UpdateServer::start(|base| description(base, NEWER, None), Vec::new()).await;
    let app = app_with_key(&key.public());
    let mut source = source(&server);
    source.practice_ca = Some(other.ca_pem.clone());
    let refused = look(&app, &source).await.expect_err("refused");
    assert!(matches!(refused, UpdateError::Unreachable), "{refused}");
}
