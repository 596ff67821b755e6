//! The second factor (issue 11) through the desktop app's logic (`DesktopCore`, no window)
//! against a real portal-server: signing in with a code (none, wrong, right, a recovery code),
//! a physician without one setting it up (the enrolment gate until then), new recovery codes,
//! and a patient turning it on and off.

use chrono::Utc;
use portal_api::Role;
use portal_desktop::core::{DesktopCore, MemoryPreferences, StartupOverrides};
use portal_desktop::error::CommandError;
use portal_server::admin::{self, NewUser};
use portal_server::demo;
use portal_server::domain::access::StaffPools;
use portal_tests::{second_factor_code, totp_code, TestServer, PATIENT, TEST_KDF};

const OKAFOR: demo::DemoAccount = demo::ACCOUNTS[0];

fn core(server: &TestServer, folder: &std::path::Path, name: &str) -> DesktopCore {
    let overrides = StartupOverrides {
        server_url: Some(server.url.clone()),
        ca_file: Some(server.ca_file_text()),
    };
    DesktopCore::new(
        Box::new(MemoryPreferences::default()),
        &overrides,
        std::env::temp_dir(),
        Some(folder.join(format!("{name}.db"))),
    )
    .with_vault_kdf_for_tests(TEST_KDF)
}

fn code<T: std::fmt::Debug>(result: Result<T, CommandError>) -> String {
    result.expect_err("an error").code().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_care_team_signs_in_with_a_code_or_a_recovery_code() {
    let server = TestServer::start().await;
    let folder = tempfile::tempdir().expect("temp dir");
    let app = core(&server, folder.path(), "okafor");

    let asked = app.sign_in(OKAFOR.email, OKAFOR.passphrase, None).await;
    assert_eq!(code(asked), "second_factor_required");
    assert!(!app.is_signed_in().await);
    let wrong = app.sign_in(OKAFOR.email, OKAFOR.passphrase, Some("12 34 5")).await;
    let error = wrong.expect_err("a wrong code");
    assert_eq!(error.code(), "second_factor_required");
    assert!(error.to_string().contains("not right"), "{error}");

    let right = second_factor_code(&server, OKAFOR).await;
    let session = app
        .sign_in(OKAFOR.email, OKAFOR.passphrase, right.as_deref())
        .await
        .expect("signed in with the code");
    assert!(session.user.second_factor);
    app.care_team().await.expect("past the enrolment gate");

    // New recovery codes: the pass-phrase first; the care team cannot turn it off.
    assert_eq!(
        code(app.new_recovery_codes("not the pass-phrase").await),
        "wrong_passphrase"
    );
    let codes = app
        .new_recovery_codes(OKAFOR.passphrase)
        .await
        .expect("new recovery codes")
        .codes;
    assert_eq!(codes.len(), 10);
    assert_eq!(code(app.disable_totp(OKAFOR.passphrase).await), "forbidden");
    app.sign_out().await.expect("signed out");

    // A recovery code instead, once.
    app.sign_in(OKAFOR.email, OKAFOR.passphrase, Some(&codes[0]))
        .await
        .expect("signed in with a recovery code");
    app.sign_out().await.expect("signed out");
    let again = app.sign_in(OKAFOR.email, OKAFOR.passphrase, Some(&codes[0])).await;
    assert_eq!(code(again), "second_factor_required", "a recovery code works once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_physician_without_a_second_factor_sets_one_up_before_anything_else() {
    const EMAIL: &str = "dr.haddad@dskc.example";
    const PASSPHRASE: &str = "saffron kites above the river";
    let server = TestServer::start().await;
    let user = NewUser {
        email: EMAIL,
        name: "Dr. Noor Haddad",
        role: Role::Physician,
        passphrase: PASSPHRASE,
        staff_pools: StaffPools::NONE,
    };
    admin::add_user(&server.state.db, &server.state.hasher, &user, Utc::now())
        .await
        .expect("added");
    let folder = tempfile::tempdir().expect("temp dir");
    let app = core(&server, folder.path(), "haddad");

    let session = app.sign_in(EMAIL, PASSPHRASE, None).await.expect("signed in");
    assert!(!session.user.second_factor);
    assert_eq!(code(app.care_team().await), "second_factor_enrolment_required");
    assert!(app.is_signed_in().await, "the gate does not end the session");

    let enrolment = app.start_totp_enrolment().await.expect("a secret");
    assert!(enrolment.qr_svg.contains("<svg"));
    assert!(enrolment.otpauth_uri.starts_with("otpauth://totp/"));
    assert_eq!(code(app.confirm_totp("000000").await), "invalid_code");
    let first = totp_code(&server, EMAIL, &enrolment.secret).await;
    let codes = app.confirm_totp(&first).await.expect("confirmed").codes;
    assert_eq!(codes.len(), 10);
    let held = app.current_session().await.expect("the session").expect("held");
    assert!(held.user.second_factor, "the session held has a second factor now");
    app.care_team().await.expect("past the enrolment gate");
    app.sign_out().await.expect("signed out");

    assert_eq!(
        code(app.sign_in(EMAIL, PASSPHRASE, None).await),
        "second_factor_required"
    );
    let next = totp_code(&server, EMAIL, &enrolment.secret).await;
    app.sign_in(EMAIL, PASSPHRASE, Some(&next))
        .await
        .expect("signed in with a code");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_turns_a_second_factor_on_and_off() {
    let server = TestServer::start().await;
    let folder = tempfile::tempdir().expect("temp dir");
    let app = core(&server, folder.path(), "blair");
    app.sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("signed in");
    assert_eq!(code(app.disable_totp(PATIENT.passphrase).await), "conflict");

    let enrolment = app.start_totp_enrolment().await.expect("a secret");
    let first = totp_code(&server, PATIENT.email, &enrolment.secret).await;
    app.confirm_totp(&first).await.expect("confirmed");
    app.sign_out().await.expect("signed out");
    assert_eq!(
        code(app.sign_in(PATIENT.email, PATIENT.passphrase, None).await),
        "second_factor_required"
    );
    let next = totp_code(&server, PATIENT.email, &enrolment.secret).await;
    app.sign_in(PATIENT.email, PATIENT.passphrase, Some(&next))
        .await
        .expect("signed in");

    assert_eq!(code(app.disable_totp("not the pass-phrase").await), "wrong_passphrase");
    app.disable_totp(PATIENT.passphrase).await.expect("turned off");
    let held = app.current_session().await.expect("the session").expect("held");
    assert!(!held.user.second_factor);
    app.sign_out().await.expect("signed out");
    app.sign_in(PATIENT.email, PATIENT.passphrase, None)
        .await
        .expect("the pass-phrase alone again");
}
