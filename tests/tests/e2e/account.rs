//! Issue 11 in the real app. The devices signed in: Blair is signed in on "her laptop" too
//! (through the API, naming it); in the app, Account lists this computer (named by the app,
//! marked "This device") and the laptop, she signs the laptop out, and the laptop's session is
//! refused at once. An invited patient: the front desk invites an unlinked chart through the
//! API, the code comes by real mail, and in the app the patient activates, accepts the policy,
//! writes a draft, changes the pass-phrase in Account, and finds the draft kept, also after
//! signing in again with the new pass-phrase.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use portal_api::client::{ClientError, PortalClient, SessionToken};
use portal_server::demo;
use portal_tests::{demo_charts_folder, TestServer, PATIENT};

use super::mail_catcher::{MailCatcher, Security};
use super::{
    find, free_port_pair, in_app, login, prepare, save_screenshot, set_value, sign_in, sign_out, wait_for_count,
    wait_for_text, Driver, WAIT,
};

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

const INVITED: &str = "claudie.w@example.org";
const CHOSEN: &str = "lantern moss beside the quay";
const CHANGED: &str = "copper kettle autumn river";
const DRAFT_SUBJECT: &str = "Question about my next visit";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invited_patient_activates_writes_a_draft_and_keeps_it_through_a_pass_phrase_change_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let catcher = MailCatcher::start(Security::StartTls).await;
    let server = TestServer::start_with_mail(catcher.settings()).await;
    let (chart, born) = server
        .import_unlinked_chart(&demo_charts_folder().join("claudie-walsh.json"))
        .await;

    // The front desk invites the chart's patient (through the API); the code comes by mail.
    let client = PortalClient::with_ca_file(&server.url, &server.ca_file).expect("client");
    let front_desk = demo::ACCOUNTS[1];
    let staff = login(&client, front_desk).await.expect("the front desk signs in");
    let staff = SessionToken::new(staff.token);
    client.invite_patient(&staff, chart, INVITED).await.expect("invited");
    let code = activation_code(&catcher).await;

    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = Driver::start(port, &server, home.path());
    let born = born.format("%Y-%m-%d").to_string();
    in_app(&app, port, &shots, "activate", move |c, shots| async move {
        find(&c, "#sign-in-form").await;
        find(&c, "#have-activation-code")
            .await
            .click()
            .await
            .expect("I have an activation code");
        find(&c, "#activate-form").await;
        set_value(&c, "#activate-email", INVITED).await;
        set_value(&c, "#activate-code", &code).await;
        set_value(&c, "#activate-dob", &born).await;
        set_value(&c, "#activate-new", CHOSEN).await;
        set_value(&c, "#activate-repeat", CHOSEN).await;
        save_screenshot(&c, &shots, "activate-filled.png").await;
        find(&c, "#activate-submit").await.click().await.expect("activate");

        // Signed in: the policy first, as after any first sign-in.
        find(&c, "#accept-policy").await;
        save_screenshot(&c, &shots, "activate-policy.png").await;
        find(&c, "#accept-policy").await.click().await.expect("accept");
        find(&c, "#home").await;
        save_screenshot(&c, &shots, "activate-home.png").await;

        // A draft, autosaved.
        write_draft(&c).await;
        save_screenshot(&c, &shots, "activate-draft.png").await;

        // The pass-phrase changed in Account.
        find(&c, "#nav-account").await.click().await.expect("Account");
        find(&c, "#passphrase-form").await;
        set_value(&c, "#passphrase-current", CHOSEN).await;
        set_value(&c, "#passphrase-new", CHANGED).await;
        set_value(&c, "#passphrase-repeat", CHANGED).await;
        find(&c, "#passphrase-submit").await.click().await.expect("change");
        wait_for_text(&c, "#passphrase-done", |t| {
            t == "Changed. No other device was signed out. Your drafts are kept."
        })
        .await;
        save_screenshot(&c, &shots, "activate-passphrase-changed.png").await;

        // The draft is still there; and after signing in again with the new pass-phrase.
        draft_is_listed(&c).await;
        save_screenshot(&c, &shots, "activate-draft-kept.png").await;
        sign_out(&c).await;
        set_value(&c, "#email", INVITED).await;
        set_value(&c, "#password", CHANGED).await;
        find(&c, "#sign-in").await.click().await.expect("sign in");
        find(&c, "#home").await;
        draft_is_listed(&c).await;
        save_screenshot(&c, &shots, "activate-draft-after-sign-in.png").await;
        sign_out(&c).await;
    })
    .await;
    drop(driver);
    drop(server);
}

/// The activation code in the invitation mail to [`INVITED`].
async fn activation_code(catcher: &MailCatcher) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let mail = catcher
            .delivered()
            .into_iter()
            .find(|m| m.is_to(INVITED) && m.subject.ends_with("Your activation code"));
        if let Some(code) = mail.and_then(|m| m.code()) {
            return code;
        }
        assert!(Instant::now() < deadline, "no activation mail to {INVITED}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Writes a new message and waits until it is saved on this computer.
async fn write_draft(c: &Client) {
    find(c, "#nav-messages").await.click().await.expect("messages");
    find(c, "#new-message").await.click().await.expect("new message");
    set_value(c, "#compose-category", "appointment").await;
    set_value(c, "#compose-subject", DRAFT_SUBJECT).await;
    set_value(c, "#compose-body", "Can I come on a Friday afternoon?").await;
    wait_for_text(c, "#compose-draft-status", |t| t.contains("Saved on this computer")).await;
}

/// Messages lists the one draft, with its subject.
async fn draft_is_listed(c: &Client) {
    find(c, "#nav-messages").await.click().await.expect("messages");
    wait_for_count(c, "#draft-list [data-draft-id]", 1).await;
    wait_for_text(c, "#draft-list", |t| t.contains(DRAFT_SUBJECT)).await;
    assert!(c.find(Locator::Css("#locked-drafts")).await.is_err(), "not locked");
}
