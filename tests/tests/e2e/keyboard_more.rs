//! Issue 13, keyboard only, continued (see keyboard.rs for the rules: keys through WebDriver key
//! actions, text typed into the element that has the focus, never a click, never a focus by
//! script; after each step the focus is checked).
//!
//! The sign-in screen's other ways in: (a) its server settings opened, read, a change asked
//! for and cancelled at the confirmation, the field put back and the settings closed; (b) an
//! invited patient activates her account (the code from the invitation mail), accepts the
//! policy and signs out; (c) she forgets her pass-phrase and sets a new one with the code from
//! the reset mail, then signs in with it; (d) a physician added without a second factor sets it
//! up at her first sign-in (the key read from the screen, a wrong code first), goes on past
//! her recovery codes and opens a chart outside her care with a reason. Besides: a
//! workstation's lock screen, the idle warning, the admin's Staff screen, and a patient
//! authorizing someone who then acts for her.

use std::time::{Duration, Instant};

use chrono::Utc;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use portal_api::client::{PortalClient, SessionToken};
use portal_server::demo;
use portal_server::Limits;
use portal_tests::{demo_charts_folder, TestServer, PATIENT};

use super::keyboard::{
    erase_back, expect_focus, move_until, press, press_shifted, shift_tab_to, sign_in_by_keyboard, tab_to, tab_until,
    type_text, wait_focus,
};
use super::mail_catcher::{MailCatcher, Security};
use super::{
    find, free_port_pair, in_app, login, prepare, save_screenshot, value_of, wait_for_count, wait_for_text,
    workstation_driver, Driver, WAIT,
};

/// The demo admin, and the nurse whose teams they change.
const ADMIN: demo::DemoAccount = demo::ACCOUNTS[5];
const NURSE: demo::DemoAccount = demo::ACCOUNTS[4];
const CASEY: &str = "casey.morgan@example.org";
const CASEY_NAME: &str = "Casey Morgan";
const CASEY_PASSPHRASE: &str = "harbour lights over quiet water";
const INVITED: &str = "claudie.w@example.org";
const INVITED_NAME: &str = "Claudie";
const CHOSEN: &str = "lantern moss beside the quay";
const RESET: &str = "harbour lights over slate";
/// Added without a second factor.
const NEW_PHYSICIAN: &str = "dr.haddad@dskc.example";
const NEW_PHYSICIAN_NAME: &str = "Dr. Noor Haddad";
const NEW_PHYSICIAN_PASSPHRASE: &str = "saffron kites above the river";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_screens_other_ways_in_are_done_with_the_keyboard_alone_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let catcher = MailCatcher::start(Security::StartTls).await;
    let server = TestServer::start_with_mail(catcher.settings()).await;
    let (chart, born) = server
        .import_unlinked_chart(&demo_charts_folder().join("claudie-walsh.json"))
        .await;
    let client = PortalClient::with_ca_file(&server.url, &server.ca_file).expect("client");
    let staff = login(&client, demo::ACCOUNTS[1])
        .await
        .expect("the front desk signs in");
    client
        .invite_patient(&SessionToken::new(staff.token), chart, INVITED)
        .await
        .expect("invited");
    server
        .add_physician(NEW_PHYSICIAN, NEW_PHYSICIAN_NAME, NEW_PHYSICIAN_PASSPHRASE)
        .await;

    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = Driver::start(port, &server, home.path());
    let url = server.url.clone();
    let born = born.format("%Y-%m-%d").to_string();
    in_app(&app, port, &shots, "keyboard-more", |c, shots| async move {
        find(&c, "#sign-in-form").await;
        server_settings(&c, &url).await;
        save_screenshot(&c, &shots, "keyboard-more-settings.png").await;
        activate(&c, &catcher, &born).await;
        save_screenshot(&c, &shots, "keyboard-more-activated.png").await;
        sign_out(&c).await;
        reset(&c, &catcher).await;
        save_screenshot(&c, &shots, "keyboard-more-reset.png").await;
        sign_out(&c).await;
        second_factor(&c).await;
        save_screenshot(&c, &shots, "keyboard-more-second-factor.png").await;
        break_the_glass(&c).await;
        save_screenshot(&c, &shots, "keyboard-more-break-the-glass.png").await;
        sign_out(&c).await;
    })
    .await;
    drop(driver);
    drop(server);
}

/// (e) A shared workstation: locked when idle, unlocked with the keys (a wrong pass-phrase
/// first), locked again and handed to the next person with "Switch user".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workstations_lock_screen_is_used_with_the_keyboard_alone_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let server = TestServer::start().await;
    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = workstation_driver(&server, home.path(), port);
    in_app(&app, port, &shots, "keyboard-lock", |c, shots| async move {
        find(&c, "#sign-in-form").await;
        sign_in_by_keyboard(&c, PATIENT, 3).await;
        wait_for_text(&c, "#lock-who", |t| t.contains(PATIENT.name)).await;
        wait_focus(&c, "the lock screen's heading", |f| f.tag == "h1").await;
        tab_to(&c, "unlock-password", 3).await;
        type_text(&c, "not the right pass-phrase at all").await;
        press(&c, Key::Enter).await;
        wait_for_text(&c, "#unlock-error", |t| !t.is_empty()).await;
        wait_focus(&c, "the pass-phrase again", |f| f.id == "unlock-password").await;
        save_screenshot(&c, &shots, "keyboard-lock-refused.png").await;
        type_text(&c, PATIENT.passphrase).await;
        press(&c, Key::Enter).await;
        find(&c, "#home").await;
        wait_focus(&c, "the home heading", |f| f.tag == "h1").await;

        // Locked again: Switch user.
        wait_for_text(&c, "#lock-who", |t| t.contains(PATIENT.name)).await;
        wait_focus(&c, "the lock screen's heading", |f| f.tag == "h1").await;
        tab_to(&c, "switch-user", 4).await;
        press(&c, Key::Enter).await;
        find(&c, "#sign-in-form").await;
        wait_focus(&c, "the sign-in heading", |f| f.tag == "h1").await;
        assert_eq!(value_of(&c, "#email").await, "", "nobody's address");
        save_screenshot(&c, &shots, "keyboard-lock-switched.png").await;
    })
    .await;
    drop(driver);
    drop(server);
}

/// (f) The idle warning (the service's idle timeout 40 s here: it shows after 30 s, 10 s left to
/// answer on a slow machine): it takes the focus, keeps it on its two buttons, and "Stay signed
/// in" gives it back where it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_idle_warning_is_answered_with_the_keyboard_alone_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let server = TestServer::start_with(Limits {
        idle_timeout: Duration::from_secs(40),
        ..Limits::default()
    })
    .await;
    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = Driver::start(port, &server, home.path());
    in_app(&app, port, &shots, "keyboard-idle", |c, shots| async move {
        find(&c, "#sign-in-form").await;
        sign_in_by_keyboard(&c, PATIENT, 3).await;
        let before = tab_to(&c, "home-open-messages", 3).await;
        let deadline = Instant::now() + Duration::from_secs(60);
        while c.find(Locator::Css("#idle-warning")).await.is_err() {
            assert!(Instant::now() < deadline, "no idle warning");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        wait_focus(&c, "Stay signed in", |f| f.id == "stay-signed-in").await;
        save_screenshot(&c, &shots, "keyboard-idle-warning.png").await;
        press(&c, Key::Tab).await;
        expect_focus(&c, "idle-sign-out").await;
        press(&c, Key::Tab).await;
        expect_focus(&c, "stay-signed-in").await;
        press(&c, Key::Enter).await;
        wait_for_count(&c, "#idle-warning", 0).await;
        wait_focus(&c, "where it was", |f| f.id == before.id).await;
        find(&c, "#home").await;
        sign_out(&c).await;
    })
    .await;
    drop(driver);
    drop(server);
}

/// (g) The admin's Staff screen: the nurse given the front desk too (Space on its box, Enter on
/// Save: the focus stays there while it is saved), her account turned off (asked first) and on
/// again, the focus each time on the button that undoes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_changes_a_staff_members_teams_with_the_keyboard_alone_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let server = TestServer::start().await;
    let client = PortalClient::with_ca_file(&server.url, &server.ca_file).expect("client");
    let admin = login(&client, ADMIN).await.expect("the admin signs in");
    let staff = client.staff(&SessionToken::new(admin.token)).await.expect("the staff");
    let nurse = staff
        .members
        .iter()
        .find(|m| m.email == NURSE.email)
        .expect("the nurse")
        .id;
    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = Driver::start(port, &server, home.path());
    in_app(&app, port, &shots, "keyboard-staff", move |c, shots| async move {
        find(&c, "#sign-in-form").await;
        sign_in_by_keyboard(&c, ADMIN, 3).await;
        tab_to(&c, "home-open-staff", 6).await;
        press(&c, Key::Enter).await;
        find(&c, "#staff-list").await;
        wait_focus(&c, "the staff heading", |f| f.tag == "h1").await;
        let form = format!("staff-{nurse}");
        wait_for_text(&c, &format!("#{form}-name"), |t| t == NURSE.name).await;
        tab_to(&c, &format!("{form}-pool-front_desk"), 60).await;
        press(&c, Key::Space).await;
        wait_for_text(&c, &format!("#{form}-unsaved"), |t| !t.is_empty()).await;
        tab_to(&c, &format!("{form}-save"), 4).await;
        press(&c, Key::Enter).await;
        wait_for_text(&c, &format!("#{form}-saved"), |t| t.contains("Clinical and Front desk")).await;
        expect_focus(&c, &format!("{form}-save")).await;
        save_screenshot(&c, &shots, "keyboard-staff-saved.png").await;

        let account = format!("account-{nurse}");
        tab_to(&c, &format!("{account}-off"), 3).await;
        press(&c, Key::Enter).await;
        wait_focus(&c, "Cancel", |f| f.id == format!("{account}-off-cancel")).await;
        press_shifted(&c, Key::Tab).await;
        expect_focus(&c, &format!("{account}-off-confirm")).await;
        press(&c, Key::Enter).await;
        wait_for_text(&c, &format!("#{account}-done"), |t| t.contains("is turned off")).await;
        wait_focus(&c, "Turn on", |f| f.id == format!("{account}-on")).await;
        save_screenshot(&c, &shots, "keyboard-staff-account-off.png").await;
        press(&c, Key::Enter).await;
        wait_for_text(&c, &format!("#{account}-done"), |t| t.contains("on again")).await;
        wait_focus(&c, "Turn off", |f| f.id == format!("{account}-off")).await;
        sign_out(&c).await;
    })
    .await;
    let admin = SessionToken::new(login(&client, ADMIN).await.expect("the admin signs in").token);
    let stored = client.staff(&admin).await.expect("the staff").members;
    let stored = stored.iter().find(|m| m.id == nurse).expect("the nurse");
    assert_eq!(
        stored.pools,
        vec![portal_api::Pool::Clinical, portal_api::Pool::FrontDesk]
    );
    assert!(stored.disabled_at.is_none(), "on again");
    drop(driver);
    drop(server);
}

/// (i) Blair invites Casey to write her messages (Authorized persons); Casey activates with the
/// code from the invitation mail, accepts the invitation on her home screen and switches to
/// acting for Blair, then back to herself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_authorizes_a_person_who_acts_for_her_with_the_keyboard_alone_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let catcher = MailCatcher::start(Security::StartTls).await;
    let server = TestServer::start_with_mail(catcher.settings()).await;
    let (db, sealer) = (&server.state.db, &server.state.text_sealer);
    demo::load_charts(db, sealer, &demo_charts_folder(), Utc::now())
        .await
        .expect("the demo charts");
    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = Driver::start(port, &server, home.path());
    in_app(&app, port, &shots, "keyboard-grant", |c, shots| async move {
        find(&c, "#sign-in-form").await;
        sign_in_by_keyboard(&c, PATIENT, 3).await;
        tab_to(&c, "home-open-authorized", 8).await;
        press(&c, Key::Enter).await;
        find(&c, "#grant-form").await;
        wait_focus(&c, "the heading", |f| f.tag == "h1").await;
        tab_to(&c, "grant-name", 10).await;
        type_text(&c, CASEY_NAME).await;
        press(&c, Key::Tab).await;
        expect_focus(&c, "grant-email").await;
        type_text(&c, CASEY).await;
        tab_to(&c, "grant-scope-write-messages", 6).await;
        press(&c, Key::Space).await;
        tab_to(&c, "grant-send", 8).await;
        press(&c, Key::Enter).await;
        wait_for_text(&c, "#grants-done", |t| t.contains(CASEY_NAME)).await;
        wait_focus(&c, "the list", |f| f.id == "grants").await;
        save_screenshot(&c, &shots, "keyboard-grant-invited.png").await;
        sign_out(&c).await;

        // Casey: an account from the invitation, the invitation accepted, acting for Blair.
        let code = mail_code(&catcher, CASEY, "invited to act for a patient").await;
        tab_to(&c, "have-activation-code", 12).await;
        press(&c, Key::Enter).await;
        tab_to(&c, "activate-email", 3).await;
        type_text(&c, CASEY).await;
        press(&c, Key::Tab).await;
        type_text(&c, &code).await;
        // Past the date of birth (not asked of her): Tab goes through its month, day and year.
        tab_to(&c, "activate-new", 5).await;
        type_text(&c, CASEY_PASSPHRASE).await;
        press(&c, Key::Tab).await;
        type_text(&c, CASEY_PASSPHRASE).await;
        press(&c, Key::Enter).await;
        accept_policy(&c).await;
        wait_for_text(&c, "#invitations", |t| t.contains(PATIENT.name)).await;
        tab_until(&c, "Accept", 12, |f| {
            f.id.starts_with("invitation-") && f.id.ends_with("-accept")
        })
        .await;
        press(&c, Key::Enter).await;
        wait_for_text(&c, "#acting-for", |t| t.contains(PATIENT.name)).await;
        wait_focus(&c, "the invitations' heading", |f| f.id == "invitations-heading").await;
        shift_tab_to(&c, "acting-for", 20).await;
        press(&c, Key::Down).await;
        tab_to(&c, "acting-for-switch", 1).await;
        press(&c, Key::Enter).await;
        wait_for_text(&c, "#acting-banner", |t| t.contains(PATIENT.name)).await;
        wait_focus(&c, "Blair's home heading", |f| {
            f.tag == "h1" && f.text.contains(PATIENT.name)
        })
        .await;
        save_screenshot(&c, &shots, "keyboard-grant-acting.png").await;

        // Back to herself.
        shift_tab_to(&c, "acting-for", 20).await;
        press(&c, Key::Up).await;
        tab_to(&c, "acting-for-switch", 1).await;
        press(&c, Key::Enter).await;
        wait_for_count(&c, "#acting-banner", 0).await;
        wait_focus(&c, "her own home heading", |f| {
            f.tag == "h1" && f.text.contains(CASEY_NAME)
        })
        .await;
        sign_out(&c).await;
    })
    .await;
    drop(driver);
    drop(server);
}

/// (a) The server settings: opened from their summary with Enter, the address read, a change
/// asked for (Save) and cancelled at the confirmation (the focus goes back to Save), the address
/// put back with the keys and the settings closed again.
async fn server_settings(c: &Client, url: &str) {
    tab_until(c, "the server settings", 12, |f| f.tag == "summary").await;
    press(c, Key::Enter).await;
    let open = || async {
        find(c, "details.server-settings")
            .await
            .attr("open")
            .await
            .expect("attr")
            .is_some()
    };
    assert!(open().await, "Enter opens the settings");
    tab_to(c, "server-url", 3).await;
    assert_eq!(value_of(c, "#server-url").await, url, "the address in use is shown");
    press(c, Key::End).await;
    type_text(c, "/elsewhere").await;
    tab_to(c, "save-server", 3).await;
    press(c, Key::Enter).await;
    wait_focus(c, "Cancel in the confirmation", |f| f.id == "cancel-server").await;
    wait_for_text(c, "#server-confirm-message", |t| !t.is_empty()).await;
    press(c, Key::Enter).await;
    wait_for_count(c, "#server-confirm", 0).await;
    wait_focus(c, "Save again", |f| f.id == "save-server").await;
    wait_for_text(c, "#server-status", |t| !t.is_empty()).await;

    // The address put back, and the settings closed with Enter on their summary.
    shift_tab_to(c, "server-url", 3).await;
    erase_back(c, "/elsewhere".len()).await;
    assert_eq!(value_of(c, "#server-url").await, url);
    move_until(c, true, "the server settings", 4, |f| f.tag == "summary").await;
    press(c, Key::Enter).await;
    assert!(!open().await, "Enter closes the settings");
}

/// Signs out from wherever the signed-in screen's focus is: Shift+Tab back to Sign out, Enter.
pub(super) async fn sign_out(c: &Client) {
    shift_tab_to(c, "sign-out", 20).await;
    press(c, Key::Enter).await;
    find(c, "#sign-in-form").await;
    wait_focus(c, "the sign-in heading", |f| f.tag == "h1").await;
}

/// (b) "I have an activation code", the form filled field by field, Enter; the policy accepted.
async fn activate(c: &Client, catcher: &MailCatcher, born: &str) {
    let code = mail_code(catcher, INVITED, "Your activation code").await;
    tab_to(c, "have-activation-code", 12).await;
    press(c, Key::Enter).await;
    find(c, "#activate-form").await;
    wait_focus(c, "the activation's heading", |f| f.tag == "h1").await;
    tab_to(c, "activate-email", 3).await;
    type_text(c, INVITED).await;
    press(c, Key::Tab).await;
    expect_focus(c, "activate-code").await;
    type_text(c, &code).await;
    press(c, Key::Tab).await;
    expect_focus(c, "activate-dob").await;
    // WebKitGTK's date field (en-US): typed as a person would, month/day/year.
    let [year, month, day] = [&born[0..4], &born[5..7], &born[8..10]];
    let [month, day] = [month, day].map(|n| n.trim_start_matches('0'));
    type_text(c, &format!("{month}/{day}/{year}")).await;
    assert_eq!(value_of(c, "#activate-dob").await, born, "the date typed");
    tab_to(c, "activate-new", 3).await;
    type_text(c, CHOSEN).await;
    press(c, Key::Tab).await;
    expect_focus(c, "activate-repeat").await;
    type_text(c, CHOSEN).await;
    press(c, Key::Enter).await;
    accept_policy(c).await;
    wait_for_text(c, "#signed-in-as", |t| t.contains(INVITED_NAME)).await;
}

/// The policy after a first sign-in: its heading, its text, Accept; the home heading after it.
async fn accept_policy(c: &Client) {
    find(c, "#accept-policy").await;
    wait_focus(c, "the policy's heading", |f| f.tag == "h1").await;
    press(c, Key::Tab).await;
    expect_focus(c, "policy-text").await;
    tab_to(c, "accept-policy", 1).await;
    press(c, Key::Enter).await;
    find(c, "#home").await;
    wait_focus(c, "the home heading", |f| f.tag == "h1").await;
}

/// (c) "Forgot your pass-phrase?": the address, Enter; the code from the mail, the new
/// pass-phrase twice, Enter; back on the sign-in screen, signed in with the new one.
async fn reset(c: &Client, catcher: &MailCatcher) {
    tab_to(c, "forgot-passphrase", 12).await;
    press(c, Key::Enter).await;
    find(c, "#reset-request-form").await;
    wait_focus(c, "the reset's heading", |f| f.tag == "h1").await;
    tab_to(c, "reset-email", 3).await;
    type_text(c, INVITED).await;
    press(c, Key::Enter).await;
    wait_focus(c, "the code", |f| f.id == "reset-code").await;
    let code = mail_code(catcher, INVITED, "Your pass-phrase reset code").await;
    type_text(c, &code).await;
    press(c, Key::Tab).await;
    expect_focus(c, "reset-new").await;
    type_text(c, RESET).await;
    press(c, Key::Tab).await;
    expect_focus(c, "reset-repeat").await;
    type_text(c, RESET).await;
    press(c, Key::Enter).await;
    find(c, "#sign-in-form").await;
    wait_for_text(c, "#sign-in-status", |t| !t.is_empty()).await;
    let now = wait_focus(c, "the sign-in screen", |f| f.tag == "h1" || f.id == "password").await;
    assert_eq!(value_of(c, "#email").await, INVITED, "the address is kept");
    if now.id != "password" {
        tab_to(c, "password", 4).await;
    }
    type_text(c, RESET).await;
    press(c, Key::Enter).await;
    find(c, "#home").await;
    wait_focus(c, "the home heading", |f| f.tag == "h1").await;
    wait_for_text(c, "#signed-in-as", |t| t.contains(INVITED_NAME)).await;
}

/// (d) A physician's first sign-in: the second factor set up before anything else.
async fn second_factor(c: &Client) {
    tab_to(c, "email", 6).await;
    type_text(c, NEW_PHYSICIAN).await;
    press(c, Key::Tab).await;
    expect_focus(c, "password").await;
    type_text(c, NEW_PHYSICIAN_PASSPHRASE).await;
    press(c, Key::Enter).await;
    find(c, "#totp-qr").await;
    wait_focus(c, "the set-up's heading", |f| f.tag == "h1").await;
    let secret = find(c, "#totp-secret").await.text().await.expect("the key");

    // A wrong code: refused, the focus back in the field.
    tab_to(c, "totp-code", 8).await;
    type_text(c, "000000").await;
    press(c, Key::Enter).await;
    wait_for_text(c, "#totp-error", |t| !t.is_empty()).await;
    wait_focus(c, "the code again", |f| f.id == "totp-code").await;

    let code = portal_tests::totp_code_at("e2e", NEW_PHYSICIAN, &secret).await;
    type_text(c, &code).await;
    tab_to(c, "totp-confirm", 2).await;
    press(c, Key::Enter).await;
    wait_for_count(c, "#recovery-codes li", 10).await;
    wait_focus(c, "the recovery codes' heading", |f| f.id == "recovery-codes-heading").await;
    tab_to(c, "recovery-codes-saved", 4).await;
    press(c, Key::Enter).await;
    find(c, "#home").await;
    wait_focus(c, "the home heading", |f| f.tag == "h1").await;
    wait_for_text(c, "#signed-in-as", |t| t.contains(NEW_PHYSICIAN_NAME)).await;
    assert!(c.find(Locator::Css("#totp-qr")).await.is_err(), "set up");
}

/// (h) The new physician opens Claudie's chart, outside her care: the reason asked first (too
/// short: refused, the focus back in it), then sent; the chart opens with its heading focused.
async fn break_the_glass(c: &Client) {
    shift_tab_to(c, "nav-patients", 8).await;
    press(c, Key::Enter).await;
    find(c, "#patients").await;
    wait_focus(c, "the patients heading", |f| f.tag == "h1").await;
    tab_to(c, "patients-query", 1).await;
    type_text(c, "Walsh").await;
    press(c, Key::Enter).await;
    wait_for_text(c, "#patients-results", |t| t.contains("Claudie")).await;
    tab_until(c, "Claudie in the results", 4, |f| {
        f.id.starts_with("patient-open-") && f.text.contains("Claudie")
    })
    .await;
    press(c, Key::Enter).await;
    find(c, "#btg-form").await;
    wait_focus(c, "the reason's screen heading", |f| f.tag == "h1").await;
    tab_to(c, "btg-reason", 2).await;
    type_text(c, "Rash").await;
    tab_to(c, "btg-open", 2).await;
    press(c, Key::Enter).await;
    wait_for_text(c, "#btg-reason-problem", |t| !t.is_empty()).await;
    wait_focus(c, "the reason again", |f| f.id == "btg-reason").await;
    type_text(c, ": covering for her doctor, a reaction to a new medicine").await;
    tab_to(c, "btg-open", 2).await;
    press(c, Key::Enter).await;
    find(c, "#record").await;
    wait_focus(c, "the chart's heading", |f| f.tag == "h1").await;
    shift_tab_to(c, "back-to-patients", 4).await;
    press(c, Key::Enter).await;
    find(c, "#patients").await;
    wait_focus(c, "Claudie's entry again", |f| f.id.starts_with("patient-open-")).await;
}

/// The code in the newest mail to `to` whose subject has `subject` in it.
async fn mail_code(catcher: &MailCatcher, to: &str, subject: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let mail = catcher
            .delivered()
            .into_iter()
            .rev()
            .find(|m| m.is_to(to) && m.subject.contains(subject));
        if let Some(code) = mail.and_then(|m| m.code()) {
            return code;
        }
        assert!(Instant::now() < deadline, "no mail \"{subject}\" to {to}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
