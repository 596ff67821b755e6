//! Signed update files for the tests of `portal_desktop::updates`: a signing key as
//! `tauri signer generate` makes one, signatures as `tauri signer sign --app-version` writes
//! them, and an HTTPS server with the portal server's own TLS serving an update description
//! (`latest.json`) and the update file.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use base64::Engine;
use portal_server::https::connection_limits::{ConnectionLimits, Connections};
use serde_json::json;
use tokio::sync::oneshot;

/// The update file's name on the server.
pub const FILE: &str = "patient-portal-update.bin";

/// A signing key as `tauri signer generate` makes one, and signatures as `tauri signer sign
/// --app-version` writes them (base64 of minisign's text files).
pub struct Key {
    pk: minisign::PublicKey,
    sk: minisign::SecretKey,
}

impl Default for Key {
    fn default() -> Self {
        Self::new()
    }
}

impl Key {
    pub fn new() -> Self {
        let pair = minisign::KeyPair::generate_unencrypted_keypair().expect("a key pair");
        Self {
            pk: pair.pk,
            sk: pair.sk,
        }
    }

    /// The public key as `plugins.updater.pubkey` (and `PORTAL_TEST_UPDATE_PUBKEY`) take it.
    pub fn public(&self) -> String {
        b64(&self.pk.to_box().expect("a public key box").into_string())
    }

    /// The signature of `bytes` for `version`, as the update description carries it.
    pub fn sign(&self, bytes: &[u8], version: &str) -> String {
        self.sign_with_comment(bytes, &format!("timestamp:1796131950\tfile:{FILE}\tversion:{version}"))
    }

    /// A signature that names no version, as the Tauri CLI made them before `--app-version`.
    pub fn sign_without_version(&self, bytes: &[u8]) -> String {
        self.sign_with_comment(bytes, &format!("timestamp:1796131950\tfile:{FILE}"))
    }

    fn sign_with_comment(&self, bytes: &[u8], trusted: &str) -> String {
        let signature = minisign::sign(
            Some(&self.pk),
            &self.sk,
            bytes,
            Some(trusted),
            Some("signature from tauri secret key"),
        )
        .expect("signed");
        b64(&signature.into_string())
    }
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// The updater's targets of every desktop platform, as an app not installed from a package
/// looks for them.
pub const DESKTOP_TARGETS: [&str; 5] = [
    "linux-x86_64",
    "linux-aarch64",
    "darwin-x86_64",
    "darwin-aarch64",
    "windows-x86_64",
];

/// The update description in Tauri's static format, for every desktop platform.
pub fn description(base: &str, version: &str, signature: Option<&str>) -> serde_json::Value {
    description_for(&DESKTOP_TARGETS, base, version, signature)
}

/// The update description for `targets` only (e.g. `linux-x86_64-deb`, which an app installed
/// from a .deb looks for before `linux-x86_64`).
pub fn description_for(targets: &[&str], base: &str, version: &str, signature: Option<&str>) -> serde_json::Value {
    let mut platform = json!({ "url": format!("{base}/{FILE}") });
    if let Some(signature) = signature {
        platform["signature"] = json!(signature);
    }
    let platforms: serde_json::Map<String, serde_json::Value> = targets
        .iter()
        .map(|target| ((*target).to_owned(), platform.clone()))
        .collect();
    json!({ "version": version, "notes": "Fixes", "pub_date": "2026-12-01T00:00:00Z", "platforms": platforms })
}

/// An HTTPS server with the portal server's TLS (its CA generated in a temp folder).
pub struct UpdateServer {
    /// `https://localhost:<port>`.
    pub base: String,
    /// The CA that signed its certificate.
    pub ca_pem: Vec<u8>,
    /// How many times the update file was asked for.
    downloads: Arc<AtomicUsize>,
    stop: Option<oneshot::Sender<()>>,
    _dir: Box<dyn Send + Sync>,
}

impl UpdateServer {
    /// Serves `latest.json` as `describe(base)` says, and the update file's `bytes`, with a
    /// CA of its own.
    pub async fn start(describe: impl FnOnce(&str) -> serde_json::Value, bytes: Vec<u8>) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::start_in(dir, describe, bytes).await
    }

    /// [`start`](Self::start) with the certificates in `tls_dir`'s `tls/` (a portal server's
    /// data folder: then its CA, which the app trusts for the portal's host, vouches for it).
    pub async fn start_in(
        tls_dir: impl AsRef<Path> + Send + Sync + 'static,
        describe: impl FnOnce(&str) -> serde_json::Value,
        bytes: Vec<u8>,
    ) -> Self {
        let dir = tls_dir;
        let files = portal_server::tls::certificate_files(dir.as_ref(), None).expect("local certificates");
        let tls = portal_server::tls::server_config(&files).expect("TLS");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let base = format!("https://localhost:{}", listener.local_addr().expect("address").port());
        let latest = describe(&base).to_string();
        let bytes = Arc::new(bytes);
        let downloads = Arc::new(AtomicUsize::new(0));
        let counter = downloads.clone();
        let app = Router::new()
            .route(
                "/latest.json",
                get(move || async move { ([("content-type", "application/json")], latest) }),
            )
            .route(
                &format!("/{FILE}"),
                get(move || async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    bytes.as_ref().clone()
                }),
            );
        let connections = Connections::new(ConnectionLimits {
            max_total: 16,
            max_per_client: 16,
            idle: Duration::from_secs(30),
            idle_under_pressure: Duration::from_secs(5),
            wait_for_slot: Duration::from_secs(5),
        });
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(portal_server::https::serve(listener, tls, app, connections, async {
            let _ = stopped.await;
        }));
        let ca_pem = std::fs::read(dir.as_ref().join("tls").join("ca.pem")).expect("the CA");
        Self {
            base,
            ca_pem,
            downloads,
            stop: Some(stop),
            _dir: Box::new(dir),
        }
    }

    /// The update description's address.
    pub fn latest_url(&self) -> String {
        format!("{}/latest.json", self.base)
    }

    /// How many times the update file was asked for so far.
    pub fn downloads(&self) -> usize {
        self.downloads.load(Ordering::SeqCst)
    }
}

impl Drop for UpdateServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
