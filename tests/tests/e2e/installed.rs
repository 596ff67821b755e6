//! Issue 13: the app as a person installs it. `scripts/test-all` installs the .deb it built
//! (`apt-get install ./…deb`, its dependencies from Debian's archive), runs these tests with
//! `PORTAL_E2E_INSTALLED=1`, `TAURI_APP` naming the binary the package put in /usr/bin and
//! `PORTAL_E2E_DEB` the .deb, and removes the package again.
//!
//! - The installed app starts, reaches the test server (the practice's name comes from it),
//!   shows the sign-in screen, and a patient signs in and out.
//! - Signed updates of the installed package: a newer package made from the installed .deb
//!   (version 0.1.1, with a marker file) is offered on the portal server's host under the
//!   target an app installed from a .deb looks for (`linux-x86_64-deb`). Signed with the key
//!   the app trusts, the app says it is ready, "Restart and update" installs it (the updater
//!   plugin runs `sudo dpkg -i`) and the app comes back from the new /usr/bin file; signed with
//!   another key, the app downloads it, refuses it and never offers it. Either way the
//!   installed 0.1.0 is put back afterwards, also when a test fails.
//!
//! ```sh
//! apt-get install -y "./Patient Portal_0.1.0_amd64.deb"
//! PORTAL_E2E=1 PORTAL_E2E_INSTALLED=1 TAURI_APP=/usr/bin/portal-desktop \
//!   PORTAL_E2E_DEB="$PWD/Patient Portal_0.1.0_amd64.deb" \
//!   xvfb-run -a -s "-screen 0 1280x800x24" cargo test -p portal-tests --test e2e installed:: -- --nocapture --test-threads=1
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use portal_server::demo;
use portal_tests::updates::{description_for, Key, UpdateServer};
use portal_tests::{TestServer, PATIENT};
use tempfile::TempDir;

use super::updates::driver_with_updates;
use super::{find, free_port_pair, in_app, prepare, save_screenshot, sign_in, sign_out, wait_for_text, Driver, WAIT};

/// The package `src-tauri/tauri.conf.json`'s bundle section makes (named after `productName`).
const PACKAGE: &str = "patient-portal";
/// The version of the package the update tests make from the installed one.
const NEWER_VERSION: &str = "0.1.1";
/// A file only the newer package holds.
const MARKER: &str = "/usr/share/patient-portal/update-marker";
/// What the updater plugin looks for first in an update description when the app was installed
/// from a .deb (`{os}-{arch}-{installer}`, before `{os}-{arch}`). The update tests offer the
/// package under this target only.
const DEB_TARGET: &str = "linux-x86_64-deb";
/// Installing the update and restarting: `dpkg -i` of a debug build's package takes a while.
const INSTALL_WAIT: Duration = Duration::from_secs(180);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_installed_from_the_deb_starts_on_the_sign_in_screen() {
    let Some((app, shots)) = installed_app() else { return };
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_update_is_installed_over_the_installed_deb_and_the_app_restarts_into_it() {
    let Some((app, shots)) = installed_app() else { return };
    let key = Key::new();
    let (offer, updates) = UpdateOffer::start(&app, &key, &key).await;

    let (app_path, home) = (app.clone(), offer.home.path().to_path_buf());
    in_app(&app, offer.port, &shots, "installed-update", |c, shots| async move {
        find(&c, "#sign-in-form").await;
        wait_for_text(&c, "#update-ready", |t| {
            t.contains(&format!("Version {NEWER_VERSION} of the app is ready"))
        })
        .await;
        save_screenshot(&c, &shots, "installed-update-ready.png").await;
        // The update is downloaded and checked: nothing more to ask the address for (the
        // restarted app, still numbered 0.1.0 inside, would otherwise be offered it again).
        drop(updates);
        let running = app_processes(&app_path, &home);
        assert_eq!(running.len(), 1, "one app runs before the update: {running:?}");
        // Clicked from a script, which answers at once: WebDriver's session ends with the app.
        c.execute(
            "document.querySelector('#update-restart').click(); return null;",
            vec![],
        )
        .await
        .expect("press Restart and update");
        let old = running[0].0;
        let deadline = Instant::now() + INSTALL_WAIT;
        while installed_version().as_deref() != Some(NEWER_VERSION)
            || app_processes(&app_path, &home).iter().any(|(pid, _)| *pid == old)
        {
            // While the app still answers, an install that failed says so (e.g. without sudo).
            if let Ok(Ok(alert)) =
                tokio::time::timeout(Duration::from_secs(2), c.find(Locator::Css("#update-error"))).await
            {
                let text = alert.text().await.unwrap_or_default();
                panic!("the update was not installed: {text}");
            }
            assert!(
                Instant::now() < deadline,
                "the update was not installed, or the old app did not end, in time"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    })
    .await;

    // The app came back: a new process running the file dpkg put in /usr/bin (the old one ran
    // a file since deleted), and its window.
    let home = offer.home.path();
    wait_until("the app restarted from the new file", WAIT, || {
        app_processes(&app, home).iter().any(|(_, exe)| Path::new(exe) == app)
    })
    .await;
    eprintln!("restarted: {:?}", app_processes(&app, home));
    wait_until("the restarted app's window is shown", WAIT, app_window_shown).await;
    // Let WebKit paint the sign-in screen, then take the whole screen (no WebDriver session).
    tokio::time::sleep(Duration::from_secs(5)).await;
    screenshot_screen(&shots, "installed-update-restarted.png");
    assert_eq!(
        installed_version().as_deref(),
        Some(NEWER_VERSION),
        "dpkg knows the update"
    );
    assert!(Path::new(MARKER).is_file(), "{MARKER} came with the update");
    drop(offer);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_signed_by_another_key_is_not_installed_over_the_installed_deb() {
    let Some((app, shots)) = installed_app() else { return };
    let installed = installed_version().expect("the package is installed");
    let (offer, updates) = UpdateOffer::start(&app, &Key::new(), &Key::new()).await;

    in_app(
        &app,
        offer.port,
        &shots,
        "installed-update-refused",
        |c, shots| async move {
            find(&c, "#sign-in-form").await;
            wait_until("the app downloaded the update", WAIT, || updates.downloads() > 0).await;
            // Refused as soon as it is downloaded: the window, which asks every 15 seconds, never
            // has an update to show.
            tokio::time::sleep(Duration::from_secs(17)).await;
            assert!(
                c.find(Locator::Css("#update-ready")).await.is_err(),
                "an update signed by another key is never offered"
            );
            find(&c, "#sign-in-form").await;
            save_screenshot(&c, &shots, "installed-update-refused.png").await;
        },
    )
    .await;
    assert_eq!(installed_version(), Some(installed), "the installed version stays");
    assert!(
        !Path::new(MARKER).exists(),
        "nothing of the refused update is installed"
    );
    drop(offer);
}

/// The installed app's binary and the screenshot folder; `None` (after saying why) unless
/// `PORTAL_E2E_INSTALLED=1` (and `PORTAL_E2E=1`).
fn installed_app() -> Option<(PathBuf, PathBuf)> {
    if std::env::var("PORTAL_E2E_INSTALLED").as_deref() != Ok("1") {
        eprintln!(
            "skipped: set PORTAL_E2E_INSTALLED=1 (with PORTAL_E2E=1, TAURI_APP=/usr/bin/portal-desktop and PORTAL_E2E_DEB) after installing the .deb to test the installed app; scripts/test-all does"
        );
        return None;
    }
    let (app, shots) = prepare()?;
    let owner = package_owning(&app);
    assert_eq!(
        owner.as_deref(),
        Some(PACKAGE),
        "TAURI_APP ({}) must be the binary the {PACKAGE} package installed",
        app.display()
    );
    Some((app, shots))
}

/// The installed .deb (`PORTAL_E2E_DEB`), checked to be the version installed.
fn installed_deb() -> PathBuf {
    let deb = std::env::var_os("PORTAL_E2E_DEB")
        .map(PathBuf::from)
        .expect("PORTAL_E2E_DEB names the .deb that is installed (scripts/test-all sets it)");
    let deb = deb
        .canonicalize()
        .unwrap_or_else(|e| panic!("PORTAL_E2E_DEB {}: {e}", deb.display()));
    let version = output(Command::new("dpkg-deb").arg("-f").arg(&deb).arg("Version"));
    assert_eq!(
        installed_version().as_deref(),
        Some(version.trim()),
        "PORTAL_E2E_DEB ({}) must be the package installed",
        deb.display()
    );
    deb
}

/// A newer package made from the .deb `original`: version [`NEWER_VERSION`], with [`MARKER`]
/// added (`dpkg-deb -R` into a temporary folder, then `--build`); its bytes.
fn newer_package(original: &Path) -> Vec<u8> {
    let work = tempfile::tempdir().expect("temp dir");
    let dir = work.path();
    let root = dir.join("package");
    output(Command::new("dpkg-deb").arg("-R").arg(original).arg(&root));
    let control_file = root.join("DEBIAN").join("control");
    let control = std::fs::read_to_string(&control_file).expect("DEBIAN/control");
    let control: String = control
        .lines()
        .map(|line| match line.starts_with("Version:") {
            true => format!("Version: {NEWER_VERSION}\n"),
            false => format!("{line}\n"),
        })
        .collect();
    assert!(control.contains(&format!("\nVersion: {NEWER_VERSION}\n")), "{control}");
    std::fs::write(&control_file, control).expect("DEBIAN/control");
    let marker = root.join(MARKER.trim_start_matches('/'));
    std::fs::create_dir_all(marker.parent().expect("a folder")).expect("marker folder");
    std::fs::write(&marker, format!("{PACKAGE} {NEWER_VERSION}, made by the update test\n")).expect("marker");
    let deb = dir.join(format!("{PACKAGE}_{NEWER_VERSION}.deb"));
    // Quick compression: a debug build's package is large, and it only travels over loopback.
    output(
        Command::new("dpkg-deb")
            .args(["--root-owner-group", "-Zgzip", "-z1", "--build"])
            .arg(&root)
            .arg(&deb),
    );
    std::fs::read(&deb).expect("the newer package")
}

/// What the update tests run with: a guard putting the installed .deb back, a newer package
/// made from it, signed, offered on a portal server's host for installed .debs only
/// ([`DEB_TARGET`]), and tauri-driver starting the app with that address and a key to trust.
/// Its fields end in this order: the restarted app, the driver (and the app it started), the
/// server, and last the installed .deb put back.
struct UpdateOffer {
    _restarted: StopApp,
    _driver: Driver,
    _server: TestServer,
    home: TempDir,
    port: u16,
    _put_back: PutBack,
}

impl UpdateOffer {
    /// The newer package signed by `signer`, the app trusting `trusted`'s key; and the update
    /// address's server (which the test then owns).
    async fn start(app: &Path, signer: &Key, trusted: &Key) -> (Self, UpdateServer) {
        let deb = installed_deb();
        let put_back = PutBack::new(&deb);
        let package = newer_package(&deb);
        let signature = signer.sign(&package, NEWER_VERSION);
        let server = TestServer::start().await;
        // With the portal server's certificates: the app trusts its host through the practice's CA.
        let updates = UpdateServer::start_in(
            server.data_dir.path().to_path_buf(),
            |base| description_for(&[DEB_TARGET], base, NEWER_VERSION, Some(&signature)),
            package,
        )
        .await;
        let home = tempfile::tempdir().expect("temp home");
        let port = free_port_pair();
        let driver = driver_with_updates(port, &server, home.path(), &updates, trusted);
        let offer = Self {
            _restarted: StopApp::new(app, home.path()),
            _driver: driver,
            _server: server,
            home,
            port,
            _put_back: put_back,
        };
        (offer, updates)
    }
}

/// Puts the package of the .deb back when dropped if an update replaced it (also when a test
/// fails), so the package scripts/test-all installed is the one it removes afterwards.
struct PutBack {
    deb: PathBuf,
    version: Option<String>,
}

impl PutBack {
    fn new(deb: &Path) -> Self {
        Self {
            deb: deb.to_path_buf(),
            version: installed_version(),
        }
    }
}

impl Drop for PutBack {
    fn drop(&mut self) {
        if installed_version() == self.version && !Path::new(MARKER).exists() {
            return;
        }
        eprintln!("putting {} back", self.deb.display());
        let status = as_root(&["env", "DEBIAN_FRONTEND=noninteractive", "apt-get"])
            .args([
                "-o",
                "DPkg::Lock::Timeout=300",
                "install",
                "-y",
                "-q",
                "--allow-downgrades",
            ])
            .arg(&self.deb)
            .status();
        if !matches!(status, Ok(s) if s.success()) {
            eprintln!("could not put {} back: {status:?}", self.deb.display());
        }
    }
}

/// Stops (SIGTERM) the app processes running with `home` when dropped: the app an update
/// restarted is no child of the driver, which stops only the one it started.
struct StopApp {
    app: PathBuf,
    home: PathBuf,
}

impl StopApp {
    fn new(app: &Path, home: &Path) -> Self {
        Self {
            app: app.to_path_buf(),
            home: home.to_path_buf(),
        }
    }
}

impl Drop for StopApp {
    fn drop(&mut self) {
        for (pid, _) in app_processes(&self.app, &self.home) {
            let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while !app_processes(&self.app, &self.home).is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The processes running `app` (also a replaced, deleted file of that name) with `home` as
/// their `HOME`, i.e. started for this test: their ids and the file each runs.
fn app_processes(app: &Path, home: &Path) -> Vec<(u32, String)> {
    let app = app.to_string_lossy();
    let wanted = format!("HOME={}", home.display());
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|name| name.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(exe) = std::fs::read_link(entry.path().join("exe")) else {
            continue;
        };
        let exe = exe.to_string_lossy().into_owned();
        if !exe.starts_with(app.as_ref()) {
            continue;
        }
        let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        if environ.split(|b| *b == 0).any(|var| var == wanted.as_bytes()) {
            found.push((pid, exe));
        }
    }
    found
}

/// Whether a window of the app is shown on the X display (`xwininfo`, from x11-utils).
fn app_window_shown() -> bool {
    let Ok(tree) = Command::new("xwininfo").args(["-root", "-tree"]).output() else {
        return false;
    };
    let tree = String::from_utf8_lossy(&tree.stdout);
    tree.lines()
        .filter(|line| line.contains("\"Patient Portal"))
        .filter_map(|line| line.split_whitespace().next())
        .any(|id| {
            Command::new("xwininfo")
                .args(["-id", id])
                .output()
                .is_ok_and(|info| String::from_utf8_lossy(&info.stdout).contains("Map State: IsViewable"))
        })
}

/// A screenshot of the whole X display (ImageMagick's `import`).
fn screenshot_screen(dir: &Path, name: &str) {
    let path = dir.join(name);
    output(Command::new("import").args(["-window", "root"]).arg(&path));
    eprintln!("screenshot: {}", path.display());
}

/// The version of the package dpkg has installed, if it is installed.
fn installed_version() -> Option<String> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f=${Status}|${Version}", PACKAGE])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let (status, version) = text.split_once('|')?;
    (status == "install ok installed").then(|| version.to_owned())
}

/// `command` (the program and its first arguments) as root: through `sudo` unless this runs as
/// root already.
fn as_root(command: &[&str]) -> Command {
    let root = output(Command::new("id").arg("-u")).trim() == "0";
    let (program, args) = match root {
        true => (command[0], &command[1..]),
        false => ("sudo", command),
    };
    let mut built = Command::new(program);
    built.args(args);
    built
}

/// Runs `command`, which must succeed; its standard output.
fn output(command: &mut Command) -> String {
    let out = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Waits until `ok` holds, for at most `within`.
async fn wait_until(what: &str, within: Duration, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !ok() {
        assert!(Instant::now() < deadline, "not in time: {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
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
