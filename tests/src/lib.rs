//! Shared test support: a real portal-server running in this process, on `127.0.0.1:0`, with
//! its own temporary data folder and SQLite database, and the demo practice seeded.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use portal_desktop::vault::KdfParams;
use portal_server::demo::{self, DemoAccount};
use portal_server::mail::MailSettings;
use portal_server::state::AppState;
use portal_server::{Application, Config, Limits, SystemClock};
use tempfile::TempDir;
use tokio::sync::oneshot;

pub mod draft_crash;
pub mod updates;

/// Argon2 parameters for draft vaults made by tests (milliseconds instead of a fraction of a
/// second; the app always uses [`KdfParams::PRODUCTION`]).
pub const TEST_KDF: KdfParams = KdfParams {
    m_cost_kib: 1024,
    t_cost: 1,
    p_cost: 1,
};

/// The demo patient the tests sign in as.
pub const PATIENT: DemoAccount = demo::ACCOUNTS[2];

/// A CA that did not sign the server's certificate.
pub const OTHER_CA_PEM: &[u8] = include_bytes!("../../backend/api/tests/fixtures/test-ca.pem");

pub struct TestServer {
    pub addr: SocketAddr,
    /// `https://localhost:<port>` (the server's certificate names `localhost`).
    pub url: String,
    /// The CA the server made on first start (`DATA_DIR/tls/ca.pem`).
    pub ca_file: PathBuf,
    pub data_dir: TempDir,
    /// The running service's state (its database), for tests that set data up directly.
    pub state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
}

impl TestServer {
    /// Start a server with the demo data. Must be called inside a Tokio runtime, which then
    /// serves it until the `TestServer` is dropped.
    pub async fn start() -> Self {
        Self::start_with(Limits::default()).await
    }

    /// [`start`](Self::start) with the demo patients' charts loaded and linked to their
    /// accounts (as `portal-server demo --charts` does).
    pub async fn start_with_charts() -> Self {
        Self::start_inner(Limits::default(), true, None).await
    }

    /// [`start`](Self::start) sending its mail (invitations, codes, notices) through `mail`
    /// (for example the tests' SMTP server, `backend/server/tests/api/mail_catcher.rs`).
    pub async fn start_with_mail(mail: MailSettings) -> Self {
        Self::start_inner(Limits::default(), false, Some(mail)).await
    }

    /// [`start`](Self::start) with these limits (as an operator's options set them), but for
    /// sign-ins from one address, which these tests, all from 127.0.0.1, need many of.
    pub async fn start_with(limits: Limits) -> Self {
        Self::start_inner(limits, false, None).await
    }

    async fn start_inner(limits: Limits, charts: bool, mail: Option<MailSettings>) -> Self {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::new(data_dir.path());
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        config.limits = Limits {
            login_per_address: 10_000,
            ..limits
        };
        config.mail = mail;
        let app = Application::build(config, Arc::new(SystemClock))
            .await
            .expect("the server starts");
        let addr = app.local_addr();
        let state = app.state().clone();
        demo::seed(&state.db, &state.hasher, &state.text_sealer, Utc::now())
            .await
            .expect("demo data");
        if charts {
            demo::load_charts(&state.db, &state.text_sealer, &demo_charts_folder(), Utc::now())
                .await
                .expect("the demo charts");
        }
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(app.run_until_stopped(async {
            let _ = rx.await;
        }));
        let ca_file = data_dir.path().join("tls").join("ca.pem");
        assert!(ca_file.is_file(), "the server wrote its CA to {}", ca_file.display());
        Self {
            addr,
            url: format!("https://localhost:{}", addr.port()),
            ca_file,
            data_dir,
            state,
            shutdown: Some(tx),
        }
    }

    pub fn ca_file_text(&self) -> String {
        self.ca_file.display().to_string()
    }

    /// Adds a physician account without a second factor (the app asks her to set one up at her
    /// first sign-in), as the operator's `portal-server add-user` does; answers its id.
    pub async fn add_physician(&self, email: &str, name: &str, passphrase: &str) -> i64 {
        use portal_server::admin::{self, NewUser};
        use portal_server::domain::access::StaffPools;
        let user = NewUser {
            email,
            name,
            role: portal_api::Role::Physician,
            passphrase,
            staff_pools: StaffPools::NONE,
        };
        admin::add_user(&self.state.db, &self.state.hasher, &user, Utc::now())
            .await
            .expect("the physician is added")
    }

    /// Imports the FHIR bundle at `path` as a chart linked to no account (as the practice's
    /// import does), answering its id and the date of birth on it.
    pub async fn import_unlinked_chart(&self, path: &std::path::Path) -> (i64, NaiveDate) {
        let bytes = std::fs::read(path).expect("the chart file");
        let report =
            portal_server::records::import::import_bundle(&self.state.db, &self.state.text_sealer, &bytes, Utc::now())
                .await
                .expect("imported");
        let found = portal_server::store::charts::find(&self.state.db, &report.patient_fhir_id)
            .await
            .expect("find the chart");
        let chart = found.first().expect("the chart");
        let born = chart.birth_date.as_deref().expect("a date of birth on the chart");
        (chart.id, NaiveDate::parse_from_str(born, "%Y-%m-%d").expect("a date"))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The demo patients' charts (`backend/server/data/demo-charts`).
pub fn demo_charts_folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("backend/server/data/demo-charts")
}

/// A TCP port on 127.0.0.1 that nothing listens on (it was free a moment ago).
pub fn unused_port() -> u16 {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    listener.local_addr().expect("local addr").port()
}

/// A code to sign `account` in to `server` with now, from its demo second factor (`None` for
/// the patients, who have none). See [`totp_code`].
pub async fn second_factor_code(server: &TestServer, account: DemoAccount) -> Option<String> {
    match account.totp_secret {
        Some(secret) => Some(totp_code(server, account.email, secret).await),
        None => None,
    }
}

/// A code of `secret` (base32, spaces ignored) that `server` has not yet accepted from `email`:
/// the server refuses a step it has seen, and accepts one step either side of its own. So
/// the current step's code, or the next one's when the current one was given already; when
/// both were, this waits for the next step. Only codes given through this function are known
/// to it.
pub async fn totp_code(server: &TestServer, email: &str, secret: &str) -> String {
    totp_code_at(&server.url, email, secret).await
}

/// [`totp_code`] for the server known to the caller as `server` (its address, or any name
/// the caller uses for it every time).
pub async fn totp_code_at(server: &str, email: &str, secret: &str) -> String {
    use portal_server::domain::second_factor::{step_of, TotpSecret, STEP_SECS};
    use std::collections::HashMap;
    use std::sync::Mutex;
    static GIVEN: Mutex<Option<HashMap<(String, String), i64>>> = Mutex::new(None);

    let secret = TotpSecret::from_base32(secret).expect("a base32 secret");
    let key = (server.to_owned(), email.to_owned());
    let last = GIVEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get_or_insert_with(HashMap::new)
        .get(&key)
        .copied();
    loop {
        let now = Utc::now();
        let step = last.map_or(step_of(now), |last| (last + 1).max(step_of(now)));
        if step <= step_of(now) + 1 {
            let at = now + chrono::TimeDelta::seconds((step - step_of(now)) * STEP_SECS);
            GIVEN
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get_or_insert_with(HashMap::new)
                .insert(key, step);
            return secret.code_at(at);
        }
        // Both this step and the next were given: wait until the next one begins.
        let into_step = now.timestamp().rem_euclid(STEP_SECS);
        let wait = u64::try_from(STEP_SECS - into_step).unwrap_or(1);
        tokio::time::sleep(std::time::Duration::from_millis(wait * 1000 + 200)).await;
    }
}

/// The desktop app's logic (`DesktopCore`, no window) signed in to `server` as `account`, its
/// draft vault in `folder`; a patient has accepted the policy, a care-team account gave a
/// code of its second factor.
pub async fn signed_in_app(
    server: &TestServer,
    account: DemoAccount,
    folder: &std::path::Path,
) -> portal_desktop::core::DesktopCore {
    use portal_desktop::core::{DesktopCore, MemoryPreferences, StartupOverrides};
    let overrides = StartupOverrides {
        server_url: Some(server.url.clone()),
        ca_file: Some(server.ca_file_text()),
    };
    let core = DesktopCore::new(
        Box::new(MemoryPreferences::default()),
        &overrides,
        std::env::temp_dir(),
        Some(folder.join(format!("{}.db", account.role))),
    )
    .with_vault_kdf_for_tests(TEST_KDF);
    let code = second_factor_code(server, account).await;
    let session = core
        .sign_in(account.email, account.passphrase, code.as_deref())
        .await
        .expect("sign in");
    if session.policy.accepted_at.is_none() && account.role == portal_api::Role::Patient {
        core.accept_policy(session.policy.version)
            .await
            .expect("accept the policy");
    }
    core
}
