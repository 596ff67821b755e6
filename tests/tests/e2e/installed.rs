//! Issue 13: the app as a person installs it. `scripts/test-all` installs the .deb it built
//! (`apt-get install ./…deb`, its dependencies from Debian's archive), runs this test with
//! `PORTAL_E2E_INSTALLED=1` and `TAURI_APP` naming the binary the package put in /usr/bin,
//! and removes the package again. The installed app starts, reaches the test server (the
//! practice's name comes from it), shows the sign-in screen, and a patient signs in and out.
//!
//! ```sh
//! apt-get install -y "./Patient Portal_0.1.0_amd64.deb"
//! PORTAL_E2E=1 PORTAL_E2E_INSTALLED=1 TAURI_APP=/usr/bin/portal-desktop \
//!   xvfb-run -a cargo test -p portal-tests --test e2e installed:: -- --nocapture
//! ```

use std::path::Path;
use std::process::Command;

use fantoccini::Locator;
use portal_server::demo;
use portal_tests::{TestServer, PATIENT};

use super::{free_port_pair, in_app, prepare, save_screenshot, sign_in, sign_out, wait_for_text, Driver, WAIT};

/// The package `src-tauri/tauri.conf.json`'s bundle section makes (named after `productName`).
const PACKAGE: &str = "patient-portal";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_installed_from_the_deb_starts_on_the_sign_in_screen() {
    if std::env::var("PORTAL_E2E_INSTALLED").as_deref() != Ok("1") {
        eprintln!(
            "skipped: set PORTAL_E2E_INSTALLED=1 (with PORTAL_E2E=1 and TAURI_APP=/usr/bin/portal-desktop) after installing the .deb to test the installed app; scripts/test-all does"
        );
        return;
    }
    let Some((app, shots)) = prepare() else { return };
    let owner = package_owning(&app);
    assert_eq!(
        owner.as_deref(),
        Some(PACKAGE),
        "TAURI_APP ({}) must be the binary the {PACKAGE} package installed",
        app.display()
    );

    let server = TestServer::start().await;
    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = Driver::start(port, &server, home.path());
    in_app(&app, port, &shots, "installed", |c, shots| async move {
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#sign-in-form"))
            .await
            .expect("the installed app shows the sign-in form");
        wait_for_text(&c, "h1", |t| t == demo::PRACTICE_NAME).await;
        save_screenshot(&c, &shots, "installed-sign-in.png").await;
        sign_in(&c, PATIENT).await;
        save_screenshot(&c, &shots, "installed-home.png").await;
        sign_out(&c).await;
    })
    .await;
    drop(driver);
    drop(server);
}

/// The package that installed `path`, as dpkg knows it (`None` if none did).
fn package_owning(path: &Path) -> Option<String> {
    let out = Command::new("dpkg-query").arg("-S").arg(path).output().ok()?;
    if !out.status.success() {
        return None;
    }
    // "patient-portal: /usr/bin/portal-desktop"
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .next()
        .and_then(|line| line.split_once(':'))
        .map(|(package, _)| package.trim().to_owned())
}
