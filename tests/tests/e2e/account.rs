//! Issue 11, the devices signed in, in the real app: Blair is signed in on "her laptop" too
//! (through the API, naming it); in the app, Account lists this computer (named by the app,
//! marked "This device") and the laptop, she signs the laptop out, and the laptop's session is
//! refused at once.

use portal_api::client::{ClientError, PortalClient, SessionToken};
use portal_tests::{TestServer, PATIENT};

use super::{find, free_port_pair, in_app, prepare, save_screenshot, sign_in, sign_out, wait_for_text, Driver};

const LAPTOP: &str = "Patient Portal on macOS, Blair's laptop";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_signs_out_her_other_device_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let server = TestServer::start().await;
    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = Driver::start(port, &server, home.path());

    let client = PortalClient::with_ca_file(&server.url, &server.ca_file).expect("client");
    let laptop = client
        .login_from(PATIENT.email, PATIENT.passphrase, Some(LAPTOP))
        .await
        .expect("signed in on the laptop");
    let laptop = SessionToken::new(laptop.token);
    let laptop_id = client.sessions(&laptop).await.expect("sessions").sessions[0].id;

    in_app(&app, port, &shots, "account", move |c, shots| async move {
        sign_in(&c, PATIENT).await;
        find(&c, "#nav-account").await.click().await.expect("Account");
        find(&c, "#devices").await;
        wait_for_text(&c, "#devices > li[data-current='true']", |t| {
            t.starts_with("Patient Portal on Linux") && t.contains("This device")
        })
        .await;
        wait_for_text(&c, &format!("#devices > li[data-session-id='{laptop_id}']"), |t| {
            t.contains(LAPTOP)
        })
        .await;
        save_screenshot(&c, &shots, "account-devices.png").await;
        find(&c, &format!("#device-{laptop_id}-end"))
            .await
            .click()
            .await
            .expect("sign the laptop out");
        wait_for_text(&c, "#devices-done", |t| t == format!("{LAPTOP} is signed out.")).await;
        wait_for_text(&c, "#devices-summary", |t| t == "Only this device is signed in.").await;
        save_screenshot(&c, &shots, "account-laptop-signed-out.png").await;
        sign_out(&c).await;
    })
    .await;

    match client.me(&laptop).await {
        Err(ClientError::Api { status: 401, .. }) => {}
        other => panic!("the laptop's session should be refused: {other:?}"),
    }
    drop(driver);
}
