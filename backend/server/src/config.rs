//! Service configuration: where data lives, which database, how to listen, and the limits
//! that protect accounts.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use portal_api::{MAX_BODY_CHARS, MAX_SUBJECT_CHARS};

use crate::mail::MailSettings;

/// The longest JSON escape of one character: a surrogate pair, `\ud83d\ude00`.
const MAX_JSON_BYTES_PER_CHAR: usize = 12;

/// Room for the rest of a request: names, the category, attachment ids, spacing.
const JSON_BODY_OVERHEAD: usize = 16 * 1024;

/// Largest JSON request body accepted by default: the longest subject and message the
/// document allows, however they are written (in emoji, every character escaped), and room
/// for the rest. About 253 KiB.
pub const MAX_JSON_BODY_BYTES: usize =
    (MAX_SUBJECT_CHARS + MAX_BODY_CHARS) * MAX_JSON_BYTES_PER_CHAR + JSON_BODY_OVERHEAD;

/// Security limits. Defaults follow DESIGN.md; tests shrink some of them.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Sign-in attempts one client address may make per `login_window`.
    pub login_per_address: u32,
    pub login_window: Duration,
    /// Consecutive failed sign-ins that lock an account …
    pub lockout_threshold: u32,
    /// … for this long.
    pub lockout_duration: Duration,
    /// Failed sign-ins in a row, across locks, after which an account stays locked until an
    /// operator unlocks it (NIST SP 800-63B-4: at most 100).
    pub max_consecutive_failures: u32,
    /// A session ends this long after its last request …
    pub idle_timeout: Duration,
    /// … and at the latest this long after sign-in.
    pub absolute_lifetime: Duration,
    /// Largest JSON request body accepted (see [`MAX_JSON_BODY_BYTES`]).
    pub max_body_bytes: usize,
    /// Argon2 hashes computed at the same time (each costs ~19 MiB and a core).
    pub concurrent_hashes: usize,
    /// Largest attachment accepted, in bytes (before metadata is removed).
    pub max_attachment_bytes: usize,
    /// Uploads one person may hold that are not sent yet …
    pub max_unsent_attachments: i64,
    /// … and how long they are kept unsent before they are deleted.
    pub unsent_attachment_lifetime: Duration,
    /// Uploads one person may have in flight at once …
    pub uploads_in_flight_per_person: usize,
    /// … and the whole service (each is held in memory while it is checked and cleaned).
    pub uploads_in_flight: usize,
    /// Open connections in all (fewer if the process may not open that many files) …
    pub max_connections: usize,
    /// … from one client network (an IPv4 address, an IPv6 /64) …
    pub max_connections_per_client: usize,
    /// … and how long one with no request in flight is kept open (less when many are open).
    pub idle_connection_timeout: Duration,
    /// How long a request may take, body included, before it is answered 408 …
    pub request_timeout: Duration,
    /// … and an upload (a larger body, over a slower line perhaps).
    pub upload_timeout: Duration,
    /// How long a checked session is trusted without reading the database again: a session
    /// ended, an account disabled or a policy published by another instance or the CLI takes
    /// effect within this (zero: every request reads the database). See
    /// `auth::session_cache`.
    pub session_cache_ttl: Duration,
    /// How long a thread list may be answered again while no writer announced a change to
    /// its threads (zero: never). See `store::list_cache`.
    pub list_cache_ttl: Duration,
    /// How long a chart opened (unsealed and typed) is kept for the next read of it while no
    /// import changed it (zero: never). See `records::chart_cache`.
    pub chart_cache_ttl: Duration,
    /// The most chart resources kept typed in memory, all charts together.
    pub chart_cache_resources: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            login_per_address: 30,
            login_window: Duration::from_secs(60),
            lockout_threshold: 5,
            lockout_duration: Duration::from_secs(15 * 60),
            max_consecutive_failures: 100,
            idle_timeout: Duration::from_secs(15 * 60),
            absolute_lifetime: Duration::from_secs(12 * 60 * 60),
            max_body_bytes: MAX_JSON_BODY_BYTES,
            concurrent_hashes: std::thread::available_parallelism().map_or(2, usize::from),
            max_attachment_bytes: portal_api::DEFAULT_MAX_ATTACHMENT_BYTES as usize,
            max_unsent_attachments: 50,
            uploads_in_flight_per_person: 4,
            uploads_in_flight: 16,
            unsent_attachment_lifetime: Duration::from_secs(24 * 60 * 60),
            max_connections: 10_000,
            max_connections_per_client: 64,
            idle_connection_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(120),
            session_cache_ttl: Duration::from_secs(2),
            list_cache_ttl: Duration::from_secs(5),
            chart_cache_ttl: Duration::from_secs(300),
            chart_cache_resources: 200_000,
        }
    }
}

/// Operator-supplied certificate and key (PEM). Without them the service makes its own CA.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; `None` means the SQLite file in the data folder.
    pub database_url: Option<String>,
    pub listen: SocketAddr,
    pub tls: Option<TlsFiles>,
    /// The key sealing attachments at rest; `None` means `DATA_DIR/keys/attachments.key`.
    pub attachment_key_file: Option<PathBuf>,
    /// The practice's mail relay; `None`: mails wait in the outbox.
    pub mail: Option<MailSettings>,
    pub limits: Limits,
}

impl Config {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            database_url: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 8443)),
            tls: None,
            attachment_key_file: None,
            mail: None,
            limits: Limits::default(),
        }
    }

    /// The database URL in force: the one given, or the embedded SQLite file.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("portal.db").display()),
        }
    }
}
