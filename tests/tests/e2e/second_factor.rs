//! Issue 11 in the real app: the second factor. A physician added without one signs in, and
//! the app asks her to set it up before anything else; the test reads the key from the screen,
//! computes the code an authenticator app would show, and types it; the recovery codes are
//! shown; she goes on to her home, signs out, and signs in again with a new code at the code
//! step.

use fantoccini::Locator;
use portal_tests::TestServer;

use super::{
    find, free_port_pair, in_app, prepare, save_screenshot, set_value, sign_out, wait_for_count, wait_for_text, Driver,
};

const EMAIL: &str = "dr.haddad@dskc.example";
const NAME: &str = "Dr. Noor Haddad";
const PASSPHRASE: &str = "saffron kites above the river";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_physician_sets_up_her_second_factor_at_the_first_sign_in_and_signs_in_with_a_code_in_the_real_app() {
    let Some((app, shots)) = prepare() else { return };
    let server = TestServer::start().await;
    server.add_physician(EMAIL, NAME, PASSPHRASE).await;
    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = Driver::start(port, &server, home.path());

    in_app(&app, port, &shots, "second-factor", |c, shots| async move {
        find(&c, "#sign-in-form").await;
        set_value(&c, "#email", EMAIL).await;
        set_value(&c, "#password", PASSPHRASE).await;
        find(&c, "#sign-in").await.click().await.expect("sign in");

        // Before anything else: set up the second factor.
        find(&c, "#totp-qr").await;
        wait_for_text(&c, "h1", |t| t == "Set up your second factor").await;
        assert!(c.find(Locator::Css("#home")).await.is_err(), "no home before it is set up");
        let loaded: bool = serde_json::from_value(
            c.execute(
                "const img = document.querySelector('#totp-qr'); return img.complete && img.naturalWidth > 0 && img.src.startsWith('data:image/svg+xml;base64,');",
                vec![],
            )
            .await
            .expect("the QR code"),
        )
        .expect("a boolean");
        assert!(loaded, "the QR code shows under the app's CSP");
        save_screenshot(&c, &shots, "second-factor-enrolment.png").await;
        let secret = find(&c, "#totp-secret").await.text().await.expect("the key");
        assert!(secret.contains(' '), "the key is grouped for typing: {}", secret.len());

        // A wrong code first: refused, the step stays.
        set_value(&c, "#totp-code", "000000").await;
        find(&c, "#totp-confirm").await.click().await.expect("confirm");
        wait_for_text(&c, "#totp-error", |t| !t.is_empty()).await;
        save_screenshot(&c, &shots, "second-factor-wrong-code.png").await;

        // The code an authenticator app shows now, computed just before typing it.
        let code = portal_tests::totp_code_at("e2e", EMAIL, &secret).await;
        set_value(&c, "#totp-code", &code).await;
        find(&c, "#totp-confirm").await.click().await.expect("confirm");
        wait_for_count(&c, "#recovery-codes li", 10).await;
        wait_for_text(&c, "#recovery-codes-explain", |t| {
            t.starts_with("Save these codes somewhere safe: each works once if you lose your phone")
        })
        .await;
        save_screenshot(&c, &shots, "second-factor-recovery-codes.png").await;
        find(&c, "#recovery-codes-saved").await.click().await.expect("saved");
        find(&c, "#home").await;
        wait_for_text(&c, "#signed-in-as", |t| t.contains(NAME)).await;
        save_screenshot(&c, &shots, "second-factor-home.png").await;
        sign_out(&c).await;

        // Again: the pass-phrase, then a new code at the code step.
        find(&c, "#sign-in-form").await;
        set_value(&c, "#email", EMAIL).await;
        set_value(&c, "#password", PASSPHRASE).await;
        find(&c, "#sign-in").await.click().await.expect("sign in");
        find(&c, "#sign-in-code").await;
        save_screenshot(&c, &shots, "second-factor-code-step.png").await;
        let code = portal_tests::totp_code_at("e2e", EMAIL, &secret).await;
        set_value(&c, "#sign-in-code", &code).await;
        find(&c, "#sign-in-code-submit").await.click().await.expect("sign in with the code");
        find(&c, "#home").await;
        wait_for_text(&c, "#signed-in-as", |t| t.contains(NAME)).await;
        save_screenshot(&c, &shots, "second-factor-signed-in-again.png").await;
        sign_out(&c).await;
    })
    .await;
    drop(driver);
    drop(server);
}
