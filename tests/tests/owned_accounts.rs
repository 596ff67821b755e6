//! Accounts a person owns (issue 11) through the desktop app's logic (`DesktopCore`, no
//! window), against a real portal-server that sends its mail to the tests' SMTP server: an
//! invited patient activates (signed in, a draft vault made); the pass-phrase changed in the
//! app keeps the drafts; after a reset the drafts are locked under the previous pass-phrase,
//! then recovered with it, or discarded; the email address changed with the emailed code;
//! notices; staff invite from the app.

#[path = "../../backend/server/tests/api/mail_catcher.rs"]
#[allow(dead_code)]
mod mail_catcher;

use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;
use mail_catcher::{MailCatcher, Security};
use portal_api::NoticePreferences;
use portal_desktop::core::drafts::{Draft, DRAFTS_FILE};
use portal_desktop::core::{DesktopCore, MemoryPreferences, StartupOverrides};
use portal_desktop::error::CommandError;
use portal_server::demo;
use portal_tests::{demo_charts_folder, TestServer, TEST_KDF};

const INVITED: &str = "claudie.w@example.org";
const CHOSEN: &str = "lantern moss beside the quay";
const CHANGED: &str = "copper kettle autumn river";
const AFTER_RESET: &str = "seven herons over the estuary";
const FRONT_DESK: demo::DemoAccount = demo::ACCOUNTS[1];

fn core_at(server: &TestServer, vault: &Path) -> DesktopCore {
    let overrides = StartupOverrides {
        server_url: Some(server.url.clone()),
        ca_file: Some(server.ca_file_text()),
    };
    DesktopCore::new(
        Box::new(MemoryPreferences::default()),
        &overrides,
        std::env::temp_dir(),
        Some(vault.to_path_buf()),
    )
    .with_vault_kdf_for_tests(TEST_KDF)
}

fn code<T: std::fmt::Debug>(result: Result<T, CommandError>) -> &'static str {
    result.expect_err("an error").code()
}

/// The code in a mail to `address` whose subject ends with `subject`, other than those `seen`
/// (waiting for it up to 30 s).
async fn emailed_code(catcher: &MailCatcher, address: &str, subject: &str, seen: &[&str]) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let fresh = catcher
            .delivered()
            .into_iter()
            .filter(|m| m.is_to(address) && m.subject.ends_with(subject))
            .filter_map(|m| m.code())
            .find(|c| !seen.contains(&c.as_str()));
        if let Some(code) = fresh {
            return code;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no new {subject:?} mail to {address} in 30 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Claudie Walsh's demo chart, linked to no account, with an invitation from the front desk
/// (through the app) to [`INVITED`]: the chart, the date of birth on it, and the emailed code.
async fn invited(server: &TestServer, catcher: &MailCatcher, folder: &Path) -> (i64, NaiveDate, String) {
    let (chart, born) = server
        .import_unlinked_chart(&demo_charts_folder().join("claudie-walsh.json"))
        .await;
    let staff = core_at(server, &folder.join("staff.db"));
    let second_factor = portal_tests::second_factor_code(server, FRONT_DESK).await;
    staff
        .sign_in(FRONT_DESK.email, FRONT_DESK.passphrase, second_factor.as_deref())
        .await
        .expect("front desk signs in");
    let sent = staff.invite_patient(chart, INVITED).await.expect("invited");
    assert_eq!(sent.email, INVITED);
    let again = staff.invite_patient(chart, demo::ACCOUNTS[2].email).await;
    assert_eq!(code(again), "conflict", "an account has that address");
    staff.sign_out().await.expect("sign out");
    let code = emailed_code(catcher, INVITED, "Your activation code", &[]).await;
    (chart, born, code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invited_patient_activates_in_the_app_and_a_changed_pass_phrase_keeps_the_drafts() {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let server = TestServer::start_with_mail(catcher.settings()).await;
    let folder = tempfile::tempdir().expect("temp dir");
    let (chart, born, activation_code) = invited(&server, &catcher, folder.path()).await;
    let vault = folder.path().join(DRAFTS_FILE);
    let app = core_at(&server, &vault);

    assert_eq!(
        code(app.activate(INVITED, &activation_code, born.succ_opt(), CHOSEN).await),
        "invalid_code",
        "another date of birth"
    );
    assert_eq!(
        code(app.activate(INVITED, &activation_code, Some(born), "too short").await),
        "weak_passphrase"
    );
    assert!(!app.is_signed_in().await);
    let session = app
        .activate(&format!(" {INVITED} "), &activation_code, Some(born), CHOSEN)
        .await
        .expect("activated");
    assert_eq!(session.user.email, INVITED);
    assert!(session.user.email_verified);
    assert_eq!(session.patient_ids, vec![chart]);
    assert!(session.policy.accepted_at.is_none(), "the policy comes next");
    app.accept_policy(session.policy.version).await.expect("accept");
    let draft = app
        .drafts()
        .save(Draft::new("A question", "Written right after activating"))
        .await
        .expect("the vault was made at activation");

    // The notices: both by default; one turned off.
    let notices = app.notice_preferences().await.expect("notices");
    assert_eq!(
        notices,
        NoticePreferences {
            messages: true,
            results: true
        }
    );
    let wanted = NoticePreferences {
        messages: false,
        results: true,
    };
    assert_eq!(app.set_notice_preferences(wanted).await.expect("set"), wanted);

    // A second device, then the pass-phrase changed in the app: that device is signed out, the
    // draft stays readable here and after signing in again with the new pass-phrase.
    let laptop = core_at(&server, &folder.path().join("laptop.db"));
    laptop.sign_in(INVITED, CHOSEN, None).await.expect("laptop signs in");
    assert_eq!(
        code(app.change_passphrase("not the pass-phrase", CHANGED).await),
        "wrong_passphrase"
    );
    assert_eq!(code(app.change_passphrase(CHOSEN, "short").await), "weak_passphrase");
    let changed = app.change_passphrase(CHOSEN, CHANGED).await.expect("changed");
    assert_eq!((changed.sessions_ended, changed.drafts_kept), (1, true));
    assert!(laptop.keep_alive().await.expect_err("signed out").ends_session());
    assert_eq!(
        app.drafts().load(&draft.draft_id).await.expect("still open").body,
        "Written right after activating"
    );
    app.sign_out().await.expect("sign out");
    assert_eq!(code(app.sign_in(INVITED, CHOSEN, None).await), "invalid_credentials");
    app.sign_in(INVITED, CHANGED, None).await.expect("the new pass-phrase");
    assert_eq!(app.drafts().list().await.expect("drafts").len(), 1);

    // The email address: a code to the new one, and the session takes it on.
    const NEW_ADDRESS: &str = "claudie.walsh@example.net";
    assert_eq!(
        code(app.change_email(NEW_ADDRESS, "not the pass-phrase").await),
        "wrong_passphrase"
    );
    let pending = app.change_email(NEW_ADDRESS, CHANGED).await.expect("asked");
    assert_eq!(pending.email, NEW_ADDRESS);
    assert_eq!(code(app.confirm_email("000000").await), "invalid_code");
    let email_code = emailed_code(&catcher, NEW_ADDRESS, "Confirm your new email address", &[]).await;
    let user = app.confirm_email(&email_code).await.expect("confirmed");
    assert_eq!(user.email, NEW_ADDRESS);
    let now = app.current_session().await.expect("session").expect("held");
    assert_eq!(now.user.email, NEW_ADDRESS);
    app.sign_out().await.expect("sign out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_reset_the_drafts_are_locked_then_recovered_with_the_previous_pass_phrase_or_discarded() {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let server = TestServer::start_with_mail(catcher.settings()).await;
    let folder = tempfile::tempdir().expect("temp dir");
    let (_, born, activation_code) = invited(&server, &catcher, folder.path()).await;
    let vault = folder.path().join(DRAFTS_FILE);
    let app = core_at(&server, &vault);
    let session = app
        .activate(INVITED, &activation_code, Some(born), CHOSEN)
        .await
        .expect("activated");
    app.accept_policy(session.policy.version).await.expect("accept");
    let draft = app
        .drafts()
        .save(Draft::new("Kept", "Saved before the reset"))
        .await
        .expect("saved");

    // Forgotten: a reset (no session needed; the app's own session ends with every other).
    app.request_reset(INVITED).await.expect("asked");
    app.request_reset("nobody@example.org").await.expect("the same answer");
    let reset_code = emailed_code(&catcher, INVITED, "Your pass-phrase reset code", &[]).await;
    assert_eq!(
        code(app.confirm_reset(INVITED, "000000", AFTER_RESET).await),
        "invalid_code"
    );
    assert_eq!(
        code(app.confirm_reset(INVITED, &reset_code, "short").await),
        "weak_passphrase"
    );
    app.confirm_reset(INVITED, &reset_code, AFTER_RESET)
        .await
        .expect("reset");
    assert!(app.keep_alive().await.expect_err("every session ended").ends_session());

    app.sign_in(INVITED, AFTER_RESET, None).await.expect("signed in");
    let locked = app.drafts().list().await.expect_err("locked");
    assert_eq!(locked.code(), "vault_previous_passphrase");
    assert_eq!(
        code(app.recover_drafts(CHOSEN, "not the current one").await),
        "wrong_passphrase"
    );
    assert_eq!(
        code(app.recover_drafts("not the previous one", AFTER_RESET).await),
        "wrong_previous_passphrase"
    );
    app.recover_drafts(CHOSEN, AFTER_RESET).await.expect("recovered");
    assert_eq!(
        app.drafts().load(&draft.draft_id).await.expect("open").body,
        "Saved before the reset"
    );
    app.sign_out().await.expect("sign out");
    app.sign_in(INVITED, AFTER_RESET, None).await.expect("signed in");
    assert_eq!(app.drafts().list().await.expect("unlocked at sign-in").len(), 1);
    app.sign_out().await.expect("sign out");

    // Reset again, and this time the drafts are discarded: a new, empty vault.
    const LATEST: &str = "a quiet harbour at first light";
    app.request_reset(INVITED).await.expect("asked");
    let second = emailed_code(&catcher, INVITED, "Your pass-phrase reset code", &[&reset_code]).await;
    app.confirm_reset(INVITED, &second, LATEST).await.expect("reset");
    app.sign_in(INVITED, LATEST, None).await.expect("signed in");
    assert_eq!(code(app.drafts().list().await), "vault_previous_passphrase");
    assert_eq!(code(app.discard_locked_drafts(AFTER_RESET).await), "wrong_passphrase");
    app.discard_locked_drafts(LATEST).await.expect("discarded");
    assert!(app.drafts().list().await.expect("a new vault").is_empty());
    app.drafts()
        .save(Draft::new("New", "After discarding"))
        .await
        .expect("saved");
    app.sign_out().await.expect("sign out");
}
