//! Workstation mode in the real app: a managed configuration (`PORTAL_MANAGED_CONFIG`) fixes
//! the server and turns the mode on; the screen locks when idle (6 seconds here, see
//! `workstation_driver`), a wrong pass-phrase is refused, the right
//! one unlocks, and "Switch user" leaves an empty sign-in form.

use std::time::Duration;

use fantoccini::Locator;
use portal_tests::{TestServer, PATIENT};

use super::{
    find, free_port_pair, in_app, prepare, save_screenshot, set_value, sign_in, value_of, wait_for_text,
    workstation_driver,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_workstation_locks_when_idle_and_switches_user_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let server = TestServer::start().await;
    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let _driver = workstation_driver(&server, home.path(), port);
    in_app(&app, port, &shots, "workstation", |c, shots| async move {
        find(&c, "#sign-in-form").await;
        let autocomplete = find(&c, "#email").await.attr("autocomplete").await.expect("attr");
        assert_eq!(
            autocomplete.as_deref(),
            Some("off"),
            "no address offered on a shared computer"
        );
        sign_in(&c, PATIENT).await;

        // Nobody touches the computer: the lock screen replaces the portal.
        wait_for_text(&c, "#lock-who", |t| t.contains(PATIENT.name)).await;
        assert!(
            c.find(Locator::Css("#home")).await.is_err(),
            "nothing of the portal is shown"
        );
        save_screenshot(&c, &shots, "workstation-locked.png").await;

        set_value(&c, "#unlock-password", "not the right pass-phrase at all").await;
        find(&c, "#unlock").await.click().await.expect("unlock");
        wait_for_text(&c, "#unlock-error", |t| !t.is_empty()).await;
        assert!(c.find(Locator::Css("#lock-screen")).await.is_ok(), "still locked");

        set_value(&c, "#unlock-password", PATIENT.passphrase).await;
        find(&c, "#unlock").await.click().await.expect("unlock");
        find(&c, "#home").await;

        // Locked again, and handed to the next person.
        wait_for_text(&c, "#lock-who", |t| t.contains(PATIENT.name)).await;
        find(&c, "#switch-user").await.click().await.expect("switch user");
        find(&c, "#sign-in-form").await;
        assert_eq!(
            value_of(&c, "#email").await,
            "",
            "the previous person's address is not filled in"
        );
        save_screenshot(&c, &shots, "workstation-switched.png").await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    })
    .await;
}
