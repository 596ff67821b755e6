//! Building and running the service: open the database, apply migrations, load (or make) the
//! TLS certificate, bind the listener (port 0 picks a free one), and serve.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::attachments::{AttachmentCipher, CipherError};
use crate::clock::Clock;
use crate::config::Config;
use crate::https::connection_limits::{ConnectionLimits, Connections};
use crate::mail::outbox_worker::OutboxWorker;
use crate::mail::{MailError, Relay};
use crate::private_files::{self, DIR_MODE, FILE_MODE, PUBLIC_FILE_MODE};
use crate::routes;
use crate::state::AppState;
use crate::store::{self, Db, OpenError, ServiceLock, StoreError};
use crate::tls::{self, TlsError};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("TLS: {0}")]
    Tls(#[from] TlsError),
    #[error("pass-phrase hashing does not work: {0}")]
    Hash(String),
    #[error("attachment key: {0}")]
    AttachmentKey(#[from] CipherError),
    #[error("cannot make the data folder {0} private: {1}")]
    DataDir(String, std::io::Error),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("mail: {0}")]
    Mail(#[from] MailError),
    #[error("cannot bring the data stored by an earlier version up to date ({0})")]
    SealStoredText(#[from] StoreError),
}

/// Open files kept for the database, the listener, logs and keys, beside the connections.
const FILES_KEPT_FOR_THE_REST: u64 = 64;
/// How long an idle connection is kept once three quarters of the connections are taken.
const IDLE_UNDER_PRESSURE: Duration = Duration::from_secs(1);
/// How long a new connection waits for a slot when every one is taken.
const WAIT_FOR_SLOT: Duration = Duration::from_secs(3);

pub struct Application {
    /// Held until the service stops (SQLite: one service per database file).
    lock: Option<ServiceLock>,
    listener: TcpListener,
    local_addr: SocketAddr,
    tls: Arc<rustls::ServerConfig>,
    state: AppState,
    /// The relay the outbox worker sends to, and how often it looks; none: mails wait.
    mail: Option<(Relay, Duration)>,
}

/// Makes the data folder private at start (see [`private_files`]): the folder itself (made
/// when missing), its `keys` and `tls` folders, and the key and certificate files there. The
/// database's files are made private where the database is opened ([`Db::connect`]).
fn secure_data_dir(data_dir: &std::path::Path) -> std::io::Result<()> {
    private_files::private_dir(data_dir)?;
    let key = AttachmentCipher::default_path(data_dir);
    let tls = tls::LocalTlsPaths::in_data_dir(data_dir);
    for dir in [key.parent(), tls.ca_cert.parent()].into_iter().flatten() {
        private_files::restrict(dir, DIR_MODE)?;
    }
    for file in [&key, &tls.ca_key, &tls.cert, &tls.key] {
        private_files::restrict(file, FILE_MODE)?;
    }
    private_files::restrict(&tls.ca_cert, PUBLIC_FILE_MODE)
}

impl Application {
    pub async fn build(config: Config, clock: Arc<dyn Clock>) -> Result<Self, StartupError> {
        secure_data_dir(&config.data_dir)
            .map_err(|e| StartupError::DataDir(config.data_dir.display().to_string(), e))?;
        let lock = store::lock_for_service(&config.database_url())?;
        let db = Db::connect(&config.database_url()).await?;
        db.migrate().await?;
        // The local certificates first: a demo's mail relay may trust the local CA.
        let files = tls::certificate_files(&config.data_dir, config.tls.as_ref())?;
        let mail = match &config.mail {
            Some(settings) => Some((Relay::new(settings)?, settings.poll_interval)),
            None => None,
        };
        let tls = tls::server_config(&files)?;
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|e| StartupError::Bind(config.listen, e))?;
        let local_addr = listener
            .local_addr()
            .map_err(|e| StartupError::Bind(config.listen, e))?;
        let key_file = config
            .attachment_key_file
            .clone()
            .unwrap_or_else(|| AttachmentCipher::default_path(&config.data_dir));
        let cipher = AttachmentCipher::load_or_create(&key_file)?;
        let state = AppState::new(db, clock, config.limits, cipher);
        let sealed = store::unsealed_text::seal_all(&state.db, &state.text_sealer).await?;
        if sealed > 0 {
            tracing::info!(sealed, "subjects and bodies stored in the clear were sealed");
        }
        let named = crate::records::chart_names::fill_missing(&state.db, &state.text_sealer).await?;
        if named > 0 {
            tracing::info!(named, "charts imported before names were kept were named");
        }
        state
            .hasher
            .warm_up()
            .await
            .map_err(|e| StartupError::Hash(e.to_string()))?;
        Ok(Self {
            lock,
            listener,
            local_addr,
            tls,
            state,
            mail,
        })
    }

    /// The address actually bound (with the port chosen when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn port(&self) -> u16 {
        self.local_addr.port()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()> + Send) {
        let sweeper = tokio::spawn(crate::messaging::sweep::run_forever(self.state.clone()));
        let mail_purge = tokio::spawn(crate::mail::purge::run_forever(self.state.clone()));
        let result_notices = tokio::spawn(crate::records::result_notices::run_forever(self.state.clone()));
        let mailer = match self.mail {
            Some((relay, poll_interval)) => {
                tracing::info!("mail: the outbox is sent to the configured relay");
                Some(tokio::spawn(
                    OutboxWorker::new(self.state.clone(), relay).run_forever(poll_interval),
                ))
            }
            None => {
                tracing::info!("mail: no --smtp-url, so mails stay queued in the outbox until one is given");
                None
            }
        };
        let limits = &self.state.limits;
        let connections = Connections::new(ConnectionLimits {
            max_total: ConnectionLimits::fit_to_open_file_limit(limits.max_connections, FILES_KEPT_FOR_THE_REST),
            max_per_client: limits.max_connections_per_client,
            idle: limits.idle_connection_timeout,
            idle_under_pressure: IDLE_UNDER_PRESSURE,
            wait_for_slot: WAIT_FOR_SLOT,
        });
        let app = routes::router(self.state);
        crate::https::serve(self.listener, self.tls, app, connections, shutdown).await;
        sweeper.abort();
        mail_purge.abort();
        result_notices.abort();
        if let Some(mailer) = mailer {
            mailer.abort();
        }
        drop(self.lock);
    }
}
