//! Looking for an update and keeping it only once its signature is checked.

use std::sync::Arc;
use std::time::Duration;

use tauri::{AppHandle, Runtime};
use tauri_plugin_updater::{Error as PluginError, Update, Updater, UpdaterExt};

use super::source::UpdateSource;

/// Looking and downloading together; an installer is some tens of megabytes.
const TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// Why no update was kept, for the log (no health data: addresses and versions only).
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("the update address could not be reached")]
    Unreachable,
    #[error("the update address did not answer with an update description for this computer")]
    NotUnderstood,
    #[error("the update's signature is missing, wrong, or for another version: the update was refused")]
    BadSignature,
    #[error("the practice's CA cannot be used for updates")]
    PracticeCa,
    #[error("the updater could not be set up: {0}")]
    Setup(String),
    #[error("the update could not be installed: {0}")]
    NotInstalled(String),
}

impl UpdateError {
    fn from_plugin(error: PluginError) -> Self {
        match error {
            PluginError::Minisign(_)
            | PluginError::Base64(_)
            | PluginError::SignatureUtf8(_)
            | PluginError::SignedVersionMismatch { .. }
            | PluginError::MissingSignedVersion => Self::BadSignature,
            PluginError::Reqwest(_) | PluginError::Network(_) | PluginError::ReleaseNotFound => Self::Unreachable,
            PluginError::Serialization(_)
            | PluginError::Semver(_)
            | PluginError::UrlParse(_)
            | PluginError::TargetNotFound(_)
            | PluginError::TargetsNotFound(_) => Self::NotUnderstood,
            other => Self::Setup(other.to_string()),
        }
    }
}

/// A downloaded update whose signature was checked, waiting to be installed.
pub struct ReadyUpdate {
    update: Update,
    bytes: Vec<u8>,
}

impl ReadyUpdate {
    pub fn version(&self) -> &str {
        &self.update.version
    }

    /// Installs it; the plugin checks the signature once more first.
    pub fn install(self) -> Result<(), UpdateError> {
        self.update
            .install(&self.bytes)
            .map_err(|error| match UpdateError::from_plugin(error) {
                UpdateError::Setup(why) => UpdateError::NotInstalled(why),
                other => other,
            })
    }
}

/// The updater for `source`, with the app's version and the built-in public key (or the
/// source's, in debug builds' tests).
pub fn updater_for<R: Runtime>(app: &AppHandle<R>, source: &UpdateSource) -> Result<Updater, UpdateError> {
    let mut builder = app
        .updater_builder()
        .endpoints(vec![source.endpoint.clone()])
        .map_err(UpdateError::from_plugin)?
        .timeout(TIMEOUT);
    if let Some(pubkey) = &source.pubkey {
        builder = builder.pubkey(pubkey.clone());
    }
    if let Some(ca) = &source.practice_ca {
        let tls = practice_tls(ca)?;
        builder = builder.configure_client(move |client| client.use_preconfigured_tls((*tls).clone()));
    }
    builder.build().map_err(UpdateError::from_plugin)
}

/// Looks at the address and, when it offers a newer version, downloads it and checks its
/// signature; `None` when there is nothing newer.
pub async fn fetch_verified(updater: &Updater) -> Result<Option<ReadyUpdate>, UpdateError> {
    let Some(update) = updater.check().await.map_err(UpdateError::from_plugin)? else {
        return Ok(None);
    };
    // `download` checks the signature before it answers the bytes.
    let bytes = update
        .download(|_, _| {}, || {})
        .await
        .map_err(UpdateError::from_plugin)?;
    Ok(Some(ReadyUpdate { update, bytes }))
}

/// TLS trusting the practice's CA only (TLS 1.2 and 1.3, ring), like the portal's own client.
fn practice_tls(ca_pem: &[u8]) -> Result<Arc<rustls::ClientConfig>, UpdateError> {
    let mut roots = rustls::RootCertStore::empty();
    for certificate in rustls_pemfile::certs(&mut &ca_pem[..]) {
        let certificate = certificate.map_err(|_| UpdateError::PracticeCa)?;
        roots.add(certificate).map_err(|_| UpdateError::PracticeCa)?;
    }
    if roots.is_empty() {
        return Err(UpdateError::PracticeCa);
    }
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|_| UpdateError::PracticeCa)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
