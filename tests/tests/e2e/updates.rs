//! Signed updates in the real app: the practice's update address (`PORTAL_UPDATE_URL`) on the
//! portal server's host offers a newer version signed with the key the app trusts (debug
//! builds take it from `PORTAL_TEST_UPDATE_PUBKEY`); the app checks it and says it is ready at
//! the sign-in screen and inside the portal. "Restart and update" installs it: this debug
//! build is no installed package, so the plugin refuses to install the file in its place and
//! the app says so and keeps working (an install over the installed .deb, and the restart into
//! it, are tested in `installed.rs`).

use std::ffi::OsStr;
use std::path::Path;

use portal_tests::updates::{description, Key, UpdateServer};
use portal_tests::{TestServer, PATIENT};

use super::{find, free_port_pair, in_app, prepare, save_screenshot, sign_in, wait_for_text, Driver};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_update_is_announced_and_the_restart_is_offered_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let server = TestServer::start().await;
    let key = Key::new();
    let bytes = b"not an installer of this app".repeat(32);
    let signature = key.sign(&bytes, "9.0.0");
    // With the portal server's certificates: the app trusts its host through the practice's CA.
    let updates = UpdateServer::start_in(
        server.data_dir.path().to_path_buf(),
        |base| description(base, "9.0.0", Some(&signature)),
        bytes,
    )
    .await;
    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let _driver = driver_with_updates(port, &server, home.path(), &updates, &key);
    in_app(&app, port, &shots, "updates", |c, shots| async move {
        find(&c, "#sign-in-form").await;
        wait_for_text(&c, "#update-ready", |t| t.contains("Version 9.0.0 of the app is ready")).await;
        save_screenshot(&c, &shots, "update-ready-sign-in.png").await;
        sign_in(&c, PATIENT).await;
        find(&c, "#update-ready").await;
        find(&c, "#update-restart")
            .await
            .click()
            .await
            .expect("restart and update");
        wait_for_text(&c, "#update-error", |t| t.contains("could not be installed")).await;
        find(&c, "#home").await;
        save_screenshot(&c, &shots, "update-not-installed.png").await;
    })
    .await;
}

/// tauri-driver starting the app with `updates` as its update address and `trusted`'s public
/// key as the one it checks signatures with (debug builds take it from the environment).
pub(super) fn driver_with_updates(
    port: u16,
    server: &TestServer,
    home: &Path,
    updates: &UpdateServer,
    trusted: &Key,
) -> Driver {
    let (latest, pubkey) = (updates.latest_url(), trusted.public());
    Driver::start_with(
        port,
        server,
        home,
        &[
            ("PORTAL_UPDATE_URL", OsStr::new(&latest)),
            ("PORTAL_TEST_UPDATE_PUBKEY", OsStr::new(&pubkey)),
        ],
    )
}
