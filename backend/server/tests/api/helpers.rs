//! `TestApp`: one running service with its own database, data folder and test clock, plus a
//! helper per endpoint.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use portal_api::client::{ClientError, PortalClient, SessionToken};
use portal_api::{ErrorCode, LoginResponse};
use portal_server::auth::password::PasswordHasher;
use portal_server::domain::second_factor::{step_of, TotpSecret, STEP_SECS};
use portal_server::mail::MailSettings;
use portal_server::state::AppState;
use portal_server::{demo, Application, Clock, Config, Limits, ManualClock};
use sqlx::{Connection, Executor};
use tempfile::TempDir;
use tokio::sync::oneshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: PortalClient,
    pub clock: ManualClock,
    pub state: AppState,
    pub data_dir: TempDir,
    /// The last 30-second step a code was made for, per account: a code is accepted once.
    code_steps: Mutex<HashMap<String, i64>>,
    shutdown: Option<oneshot::Sender<()>>,
}

/// The demo patient every test may sign in as.
pub const PATIENT: demo::DemoAccount = demo::ACCOUNTS[2];
pub const OTHER_PATIENT: demo::DemoAccount = demo::ACCOUNTS[3];
pub const PHYSICIAN: demo::DemoAccount = demo::ACCOUNTS[0];
pub const STAFF: demo::DemoAccount = demo::ACCOUNTS[1];
/// A staff member of the clinical pool (STAFF works the front desk and billing).
pub const NURSE: demo::DemoAccount = demo::ACCOUNTS[4];
pub const ADMIN: demo::DemoAccount = demo::ACCOUNTS[5];

/// Limits for tests: the defaults, with a per-address limit high enough not to get in the way.
pub fn test_limits() -> Limits {
    Limits {
        login_per_address: 10_000,
        ..Limits::default()
    }
}

fn pg_admin_url() -> String {
    std::env::var("PORTAL_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Make a fresh PostgreSQL database; `None` when no server answers outside CI.
pub async fn fresh_pg_database() -> Option<(String, String)> {
    let admin_url = pg_admin_url();
    let mut conn = match sqlx::PgConnection::connect(&admin_url).await {
        Ok(conn) => conn,
        Err(e) if std::env::var_os("CI").is_some() => {
            panic!("PostgreSQL must be reachable in CI at {admin_url}: {e}")
        }
        Err(e) => {
            eprintln!("skipped: PostgreSQL not reachable at {admin_url} ({e}); this test ran on SQLite only");
            return None;
        }
    };
    let name = format!("portal_test_{}", hex::encode(rand::random::<[u8; 8]>()));
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create test database");
    let (base, _) = admin_url.rsplit_once('/').expect("admin URL has a database name");
    Some((format!("{base}/{name}"), name))
}

async fn drop_pg_database(name: &str) {
    if let Ok(mut conn) = sqlx::PgConnection::connect(&pg_admin_url()).await {
        let _ = conn
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await;
    }
}

/// Drops its PostgreSQL test database when the test ends, passed or failed.
pub struct TestDatabase(pub String);

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = self.0.clone();
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(drop_pg_database(&name));
        })
        .join();
    }
}

/// Run `body` against a fresh app on `backend` (skipping PostgreSQL only where allowed).
pub async fn run<F, Fut>(backend: Backend, limits: Limits, body: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    let (database_url, _database) = match backend {
        Backend::Sqlite => (None, None),
        Backend::Postgres => match fresh_pg_database().await {
            Some((url, name)) => (Some(url), Some(TestDatabase(name))),
            None => return,
        },
    };
    let app = TestApp::spawn(database_url, limits, true).await;
    body(app).await;
}

/// Two instances of the service on one fresh PostgreSQL database (the demo data seeded
/// once), as a practice that outgrew one machine runs it; `None` where PostgreSQL tests may
/// skip. Keep the [`TestDatabase`] until the end: it drops the database.
pub async fn two_instances_on_postgres() -> Option<(TestApp, TestApp, TestDatabase)> {
    let (url, name) = fresh_pg_database().await?;
    let database = TestDatabase(name);
    let first = TestApp::spawn(Some(url.clone()), test_limits(), true).await;
    // Instances on one database share the service's key (attachments, subjects, bodies).
    let key_file = portal_server::attachments::AttachmentCipher::default_path(first.data_dir.path());
    let second = TestApp::spawn_with_key(Some(url), test_limits(), false, Some(key_file)).await;
    Some((first, second, database))
}

/// Declare a test that runs its body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident) => {
        $crate::on_both_databases!($name, $crate::helpers::test_limits());
    };
    ($name:ident, $limits:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                $crate::helpers::run($crate::helpers::Backend::Sqlite, $limits, super::$name).await;
            }
            #[tokio::test]
            async fn postgres() {
                $crate::helpers::run($crate::helpers::Backend::Postgres, $limits, super::$name).await;
            }
        }
    };
}

impl TestApp {
    /// A service on `database_url` (default: SQLite in its data folder), with the demo data
    /// when `seed`.
    pub async fn spawn(database_url: Option<String>, limits: Limits, seed: bool) -> Self {
        Self::spawn_with_key(database_url, limits, seed, None).await
    }

    /// [`spawn`](Self::spawn) with the service's key taken from `key_file` (instances on one
    /// database share it).
    pub async fn spawn_with_key(
        database_url: Option<String>,
        limits: Limits,
        seed: bool,
        key_file: Option<std::path::PathBuf>,
    ) -> Self {
        Self::spawn_with_mail(database_url, limits, seed, key_file, None).await
    }

    /// [`spawn_with_key`](Self::spawn_with_key) sending mail to a relay (`None`: mails wait
    /// in the outbox).
    pub async fn spawn_with_mail(
        database_url: Option<String>,
        limits: Limits,
        seed: bool,
        key_file: Option<std::path::PathBuf>,
        mail: Option<MailSettings>,
    ) -> Self {
        if std::env::var_os("TEST_LOG").is_some() {
            portal_server::telemetry::init("debug");
        }
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::new(data_dir.path());
        config.database_url = database_url;
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        config.limits = limits;
        config.attachment_key_file = key_file;
        config.mail = mail;
        let clock = ManualClock::new();
        let app = Application::build(config, Arc::new(clock.clone()))
            .await
            .expect("the service starts");
        let addr = app.local_addr();
        let state = app.state().clone();
        if seed {
            demo::seed(&state.db, &PasswordHasher::new(2), &state.text_sealer, Utc::now())
                .await
                .expect("demo data");
        }
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(app.run_until_stopped(async {
            let _ = rx.await;
        }));
        let ca = std::fs::read(data_dir.path().join("tls/ca.pem")).expect("the service wrote its CA");
        let client = PortalClient::new(&format!("https://localhost:{}", addr.port()), &ca).expect("client");
        Self {
            addr,
            client,
            clock,
            state,
            data_dir,
            code_steps: Mutex::default(),
            shutdown: Some(tx),
        }
    }

    pub fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(self.data_dir.path().join("tls/ca.pem")).expect("CA file")
    }

    /// A plain reqwest client that trusts this app's CA, shaped by `f` (TLS versions …).
    pub fn raw_client(&self, f: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder) -> reqwest::Client {
        let ca = reqwest::Certificate::from_pem(&self.ca_pem()).expect("CA");
        let builder = reqwest::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(false)
            .add_root_certificate(ca);
        f(builder).build().expect("client")
    }

    /// `https://localhost:PORT{path}`
    pub fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.addr.port())
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<LoginResponse, ClientError> {
        self.client.login(email, password).await
    }

    /// The current code of `secret` for the account `email`, as its authenticator app shows it
    /// at the service's time. A code is accepted once: if one was made for this 30-second step
    /// already, the test clock is moved on to the next step first (rather than sleeping).
    pub fn code_for(&self, email: &str, secret: &TotpSecret) -> String {
        let mut steps = self.code_steps.lock().expect("code steps");
        let last = steps.get(email).copied();
        let mut step = step_of(self.clock.now());
        if let Some(last) = last {
            if step <= last {
                self.clock
                    .advance(chrono::Duration::seconds(STEP_SECS * (last - step + 1)));
                step = step_of(self.clock.now());
            }
        }
        steps.insert(email.to_owned(), step);
        secret.code_at(self.clock.now())
    }

    /// The current code of a demo account with a second factor.
    pub fn demo_code(&self, account: demo::DemoAccount) -> String {
        let secret = TotpSecret::from_base32(account.totp_secret.expect("a demo account with a second factor"))
            .expect("demo secret");
        self.code_for(account.email, &secret)
    }

    /// Sign in as a demo account (with a current code where it has a second factor).
    pub async fn login_response(&self, account: demo::DemoAccount) -> LoginResponse {
        self.login_device(account, None).await.expect("demo account signs in")
    }

    /// [`login_response`](Self::login_response) naming the device.
    pub async fn login_device(
        &self,
        account: demo::DemoAccount,
        device: Option<&str>,
    ) -> Result<LoginResponse, ClientError> {
        match account.totp_secret {
            Some(_) => {
                let code = self.demo_code(account);
                self.client
                    .login_with_code(account.email, account.passphrase, &code, device)
                    .await
            }
            None => self.client.login_from(account.email, account.passphrase, device).await,
        }
    }

    /// Sign in as a demo account and return its token.
    pub async fn login_as(&self, account: demo::DemoAccount) -> SessionToken {
        SessionToken::new(self.login_response(account).await.token)
    }

    /// A fresh set of recovery codes of a demo account with a second factor (each signs in
    /// once, also at the same moment as others).
    pub async fn recovery_codes_of(&self, account: demo::DemoAccount) -> Vec<String> {
        let token = self.login_as(account).await;
        let codes = self
            .client
            .new_recovery_codes(&token, account.passphrase)
            .await
            .expect("recovery codes");
        self.client.logout(&token).await.expect("sign out");
        codes.codes
    }

    /// Sign in and accept the current policy.
    pub async fn login_and_accept(&self, account: demo::DemoAccount) -> SessionToken {
        let token = self.login_as(account).await;
        let policy = self.client.policy(&token).await.expect("policy");
        self.client.accept_policy(&token, policy.version).await.expect("accept");
        token
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.clock.advance(by);
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The `(status, code)` of an API error, failing the test on anything else.
pub fn api_error(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, ErrorCode, String, Option<u64>) {
    match result {
        Err(ClientError::Api {
            status,
            body,
            retry_after,
        }) => (status, body.code, body.message, retry_after),
        other => panic!("expected an API error, got {other:?}"),
    }
}

pub use crate::test_samples::fhir_samples;
