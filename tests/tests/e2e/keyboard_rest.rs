//! Issue 13, keyboard only, the flows left (see keyboard.rs for the rules: keys through
//! WebDriver key actions, text typed into the element that has the focus, never a click, never
//! a focus by script; after each step the focus is checked):
//! (a) a workstation's lock screen for a physician with a second factor: the pass-phrase, a
//! wrong code (refused, the focus back in the code), the right code, back in;
//! (b) the front desk sets up an authorized person for a patient (a step refused first);
//! (c) an invitation declined (Cancel first, then confirmed) and a grant ended (the same);
//! (d) the sign-in screen's server settings changed to another server with "Continue", then
//! signed in there.

use chrono::Utc;
use fantoccini::key::Key;
use fantoccini::Client;
use portal_api::client::{PortalClient, SessionToken};
use portal_api::{GrantRequest, GrantScope};
use portal_server::{admin, demo};
use portal_tests::{demo_charts_folder, TestServer, PATIENT};

use super::keyboard::{
    erase_back, expect_focus, press, press_shifted, shift_tab_to, sign_in_by_keyboard, sign_in_from_email, tab_to,
    tab_until, type_text, wait_focus,
};
use super::keyboard_more::sign_out;
use super::mail_catcher::{MailCatcher, Security};
use super::{
    find, free_port_pair, in_app, login, prepare, save_screenshot, value_of, wait_for_count, wait_for_text,
    workstation_driver, Driver,
};

/// Dr. Okafor, whose account has a second factor.
const PHYSICIAN: demo::DemoAccount = demo::ACCOUNTS[0];
const FRONT_DESK: demo::DemoAccount = demo::ACCOUNTS[1];
const CLAUDIE: demo::DemoAccount = demo::ACCOUNTS[3];
const PARENT_NAME: &str = "Rowan Walsh";
const PARENT_EMAIL: &str = "rowan.walsh@example.org";
const CASEY: &str = "casey.morgan@example.org";
const CASEY_NAME: &str = "Casey Morgan";
/// The other server's practice, shown on the sign-in screen once the app is connected to it.
const OTHER_PRACTICE: &str = "Riverside Skin Clinic";

/// (a) Locked when idle; unlocked with the pass-phrase, then the code of the second factor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workstations_lock_screen_asks_a_physician_for_her_code_with_the_keyboard_alone_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let server = TestServer::start().await;
    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = workstation_driver(&server, home.path(), port);
    in_app(&app, port, &shots, "keyboard-lock-code", |c, shots| async move {
        find(&c, "#sign-in-form").await;
        sign_in_by_keyboard(&c, PHYSICIAN, 3).await;
        wait_for_text(&c, "#lock-who", |t| t.contains(PHYSICIAN.name)).await;
        wait_focus(&c, "the lock screen's heading", |f| f.tag == "h1").await;
        tab_to(&c, "unlock-password", 3).await;
        type_text(&c, PHYSICIAN.passphrase).await;
        press(&c, Key::Enter).await;
        find(&c, "#unlock-code").await;
        wait_focus(&c, "the code", |f| f.id == "unlock-code").await;
        save_screenshot(&c, &shots, "keyboard-lock-code.png").await;

        // A wrong code: refused, the focus back in the code (the pass-phrase is kept).
        type_text(&c, "000000").await;
        press(&c, Key::Enter).await;
        wait_for_text(&c, "#unlock-error", |t| !t.is_empty()).await;
        wait_focus(&c, "the code again", |f| f.id == "unlock-code").await;
        assert_eq!(value_of(&c, "#unlock-code").await, "", "the wrong code is cleared");
        save_screenshot(&c, &shots, "keyboard-lock-code-refused.png").await;

        let code = super::code_for(PHYSICIAN).await.expect("a second factor");
        type_text(&c, &code).await;
        press(&c, Key::Enter).await;
        find(&c, "#home").await;
        wait_focus(&c, "the home heading", |f| f.tag == "h1").await;
        wait_for_text(&c, "#signed-in-as", |t| t.contains(PHYSICIAN.name)).await;
    })
    .await;
    drop(driver);
    drop(server);
}

/// (b) The front desk finds Claudie (a chart without an account) and sets up her mother as an
/// authorized person: the reason left out first (refused, the focus in it), then sent; the
/// focus goes back to the patient's action.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_front_desk_sets_up_an_authorized_person_with_the_keyboard_alone_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let catcher = MailCatcher::start(Security::StartTls).await;
    let server = TestServer::start_with_mail(catcher.settings()).await;
    let (chart, _) = server
        .import_unlinked_chart(&demo_charts_folder().join("claudie-walsh.json"))
        .await;
    let last_day = (Utc::now() + chrono::Duration::days(365)).date_naive();
    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = Driver::start(port, &server, home.path());
    in_app(
        &app,
        port,
        &shots,
        "keyboard-practice-grant",
        move |c, shots| async move {
            find(&c, "#sign-in-form").await;
            sign_in_by_keyboard(&c, FRONT_DESK, 3).await;
            shift_tab_to(&c, "nav-patients", 8).await;
            press(&c, Key::Enter).await;
            find(&c, "#patients").await;
            wait_focus(&c, "the patients heading", |f| f.tag == "h1").await;
            tab_to(&c, "patients-query", 1).await;
            type_text(&c, "Walsh").await;
            press(&c, Key::Enter).await;
            let action = format!("patient-grant-{chart}");
            find(&c, &format!("#{action}")).await;
            tab_to(&c, &action, 6).await;
            press(&c, Key::Enter).await;
            find(&c, "#practice-grant-form").await;
            wait_focus(&c, "the name", |f| f.id == "practice-grant-name").await;
            type_text(&c, PARENT_NAME).await;
            press(&c, Key::Tab).await;
            expect_focus(&c, "practice-grant-email").await;
            type_text(&c, PARENT_EMAIL).await;
            tab_to(&c, "practice-grant-scope-write-messages", 4).await;
            press(&c, Key::Space).await;
            tab_to(&c, "practice-grant-until", 4).await;
            // WebKitGTK's date field (en-US): typed as a person would, month/day/year.
            type_text(&c, &last_day.format("%-m/%-d/%Y").to_string()).await;
            assert_eq!(
                value_of(&c, "#practice-grant-until").await,
                last_day.format("%Y-%m-%d").to_string()
            );

            // Sent without the reason: refused, the focus in the reason.
            tab_to(&c, "practice-grant-send", 4).await;
            press(&c, Key::Enter).await;
            wait_for_text(&c, "#practice-grant-error", |t| t.contains("why")).await;
            wait_focus(&c, "the reason", |f| f.id == "practice-grant-reason").await;
            type_text(&c, "Mother of a patient who cannot use the portal herself").await;
            press(&c, Key::Tab).await;
            expect_focus(&c, "practice-grant-document").await;
            type_text(&c, "Power of attorney 2026-118").await;
            save_screenshot(&c, &shots, "keyboard-practice-grant-form.png").await;
            tab_to(&c, "practice-grant-send", 2).await;
            press(&c, Key::Enter).await;
            wait_for_text(&c, "#patients-grant-done", |t| t.contains(PARENT_NAME)).await;
            wait_for_count(&c, "#practice-grant-form", 0).await;
            wait_focus(&c, "the patient's action again", |f| f.id == action).await;
            save_screenshot(&c, &shots, "keyboard-practice-grant-done.png").await;
            sign_out(&c).await;
        },
    )
    .await;
    drop(driver);
    drop(server);
}

/// (c) Blair invited Claudie and Casey (through the API). Claudie declines hers: asked first,
/// Cancel gives the focus back to Decline, then confirmed. Blair ends Casey's the same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_is_declined_and_a_grant_ended_with_the_keyboard_alone_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let server = TestServer::start_with_charts().await;
    // An invitation reaches an account by its verified address.
    demo::verify_addresses(&server.state.db, Utc::now())
        .await
        .expect("verified");
    let client = PortalClient::with_ca_file(&server.url, &server.ca_file).expect("client");
    let blair = SessionToken::new(login(&client, PATIENT).await.expect("Blair signs in").token);
    let policy = client.policy(&blair).await.expect("policy");
    client.accept_policy(&blair, policy.version).await.expect("accepted");
    let chart = client.me(&blair).await.expect("me").patient_ids[0];
    let invite = |name: &'static str, email: &'static str| {
        let (client, blair) = (client.clone(), blair.clone());
        async move {
            let request = GrantRequest {
                name: name.into(),
                email: email.into(),
                scopes: vec![GrantScope::ReadMessages],
                until: None,
            };
            client.give_grant(&blair, chart, &request).await.expect("invited").id
        }
    };
    let claudies = invite(CLAUDIE.name, CLAUDIE.email).await;
    let caseys = invite(CASEY_NAME, CASEY).await;

    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = Driver::start(port, &server, home.path());
    in_app(&app, port, &shots, "keyboard-decline", move |c, shots| async move {
        find(&c, "#sign-in-form").await;
        sign_in_by_keyboard(&c, CLAUDIE, 3).await;
        wait_for_text(&c, "#invitations", |t| t.contains(PATIENT.name)).await;
        let item = format!("invitation-{claudies}");
        tab_to(&c, &format!("{item}-decline"), 12).await;
        ask_then_cancel_then_confirm(
            &c,
            &format!("{item}-decline"),
            &format!("{item}-decline-cancel"),
            &format!("{item}-decline-confirm"),
            &format!("#{item}-confirm"),
        )
        .await;
        wait_for_text(&c, "#invitations-done", |t| t.contains("declined")).await;
        wait_focus(&c, "the invitations' heading", |f| f.id == "invitations-heading").await;
        save_screenshot(&c, &shots, "keyboard-invitation-declined.png").await;
        sign_out(&c).await;

        sign_in_by_keyboard(&c, PATIENT, 3).await;
        tab_to(&c, "home-open-authorized", 8).await;
        press(&c, Key::Enter).await;
        find(&c, "#grants").await;
        wait_focus(&c, "the heading", |f| f.tag == "h1").await;
        wait_for_text(&c, &format!("#grant-{claudies}-status"), |t| t == "Declined").await;
        let grant = format!("grant-{caseys}");
        tab_to(&c, &format!("{grant}-end"), 12).await;
        ask_then_cancel_then_confirm(
            &c,
            &format!("{grant}-end"),
            &format!("{grant}-end-cancel"),
            &format!("{grant}-end-confirm"),
            &format!("#{grant}-confirm"),
        )
        .await;
        wait_for_text(&c, "#grants-done", |t| t.contains("ended")).await;
        wait_focus(&c, "the list", |f| f.id == "grants").await;
        wait_for_text(&c, &format!("#{grant}-status"), |t| t == "Ended").await;
        save_screenshot(&c, &shots, "keyboard-grant-ended.png").await;
        sign_out(&c).await;
    })
    .await;
    drop(driver);
    drop(server);
}

/// From `action` (focused): Enter asks (the focus on `cancel`), Enter on Cancel gives the focus
/// back to `action` and the question (`question`) goes; asked again, Shift+Tab to `confirm`
/// and Enter.
async fn ask_then_cancel_then_confirm(c: &Client, action: &str, cancel: &str, confirm: &str, question: &str) {
    expect_focus(c, action).await;
    press(c, Key::Enter).await;
    wait_focus(c, "Cancel", |f| f.id == cancel).await;
    find(c, question).await;
    press(c, Key::Enter).await;
    wait_focus(c, "the action again", |f| f.id == action).await;
    wait_for_count(c, question, 0).await;
    press(c, Key::Enter).await;
    wait_focus(c, "Cancel", |f| f.id == cancel).await;
    press_shifted(c, Key::Tab).await;
    expect_focus(c, confirm).await;
    press(c, Key::Enter).await;
}

/// (d) The app starts with the first server; its settings are changed to the second's address
/// and certificate file, Save asks, Continue confirms (the focus back on Save); the sign-in
/// screen names the other practice, and Blair signs in there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_server_is_chosen_and_signed_in_to_with_the_keyboard_alone_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let first = TestServer::start().await;
    let other = TestServer::start().await;
    admin::set_practice(&other.state.db, OTHER_PRACTICE, "(816) 555-0199")
        .await
        .expect("the other practice");
    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = Driver::start(port, &first, home.path());
    let (old_url, old_ca) = (first.url.clone(), first.ca_file_text());
    let (url, ca) = (other.url.clone(), other.ca_file_text());
    in_app(
        &app,
        port,
        &shots,
        "keyboard-other-server",
        move |c, shots| async move {
            find(&c, "#sign-in-form").await;
            wait_for_text(&c, "h1", |t| t == demo::PRACTICE_NAME).await;
            tab_until(&c, "the server settings", 12, |f| f.tag == "summary").await;
            press(&c, Key::Enter).await;
            tab_to(&c, "server-url", 3).await;
            assert_eq!(value_of(&c, "#server-url").await, old_url);
            erase_back(&c, old_url.chars().count()).await;
            type_text(&c, &url).await;
            tab_to(&c, "ca-file", 2).await;
            assert_eq!(value_of(&c, "#ca-file").await, old_ca);
            erase_back(&c, old_ca.chars().count()).await;
            type_text(&c, &ca).await;
            tab_to(&c, "save-server", 3).await;
            press(&c, Key::Enter).await;
            wait_focus(&c, "Cancel in the confirmation", |f| f.id == "cancel-server").await;
            wait_for_text(&c, "#server-confirm-message", |t| !t.is_empty()).await;
            press_shifted(&c, Key::Tab).await;
            expect_focus(&c, "confirm-server").await;
            save_screenshot(&c, &shots, "keyboard-other-server-confirm.png").await;
            press(&c, Key::Enter).await;
            wait_for_count(&c, "#server-confirm", 0).await;
            wait_focus(&c, "Save again", |f| f.id == "save-server").await;
            wait_for_text(&c, "#server-status", |t| t.contains("connected")).await;
            wait_for_text(&c, "h1", |t| t == OTHER_PRACTICE).await;
            save_screenshot(&c, &shots, "keyboard-other-server-saved.png").await;

            shift_tab_to(&c, "email", 12).await;
            sign_in_from_email(&c, PATIENT).await;
            sign_out(&c).await;
            wait_for_text(&c, "h1", |t| t == OTHER_PRACTICE).await;
        },
    )
    .await;
    drop(driver);
    drop(first);
    drop(other);
}
