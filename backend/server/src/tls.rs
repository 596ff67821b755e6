//! TLS for the service: TLS 1.2 and 1.3 only (rustls, ring), HTTP/2 and HTTP/1.1 by ALPN.
//!
//! With no certificate given, the first start makes a private CA and a certificate for
//! `localhost`, `127.0.0.1` and `::1` under `DATA_DIR/tls/`, and publishes the CA as
//! `DATA_DIR/tls/ca.pem` for the desktop app to trust. Later starts reuse them.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;

use crate::config::TlsFiles;
use crate::private_files::{self, FILE_MODE, PUBLIC_FILE_MODE};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("cannot write {0}: {1}")]
    Write(PathBuf, std::io::Error),
    #[error("{0} holds no PEM certificate")]
    NoCertificate(PathBuf),
    #[error("{0} holds no PEM private key")]
    NoKey(PathBuf),
    #[error("cannot make the local certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("the certificate and key do not work together: {0}")]
    Rustls(#[from] rustls::Error),
}

/// Where the generated development/demo certificates live.
pub struct LocalTlsPaths {
    pub ca_cert: PathBuf,
    pub ca_key: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl LocalTlsPaths {
    pub fn in_data_dir(data_dir: &Path) -> Self {
        let dir = data_dir.join("tls");
        Self {
            ca_cert: dir.join("ca.pem"),
            ca_key: dir.join("ca-key.pem"),
            cert: dir.join("server.pem"),
            key: dir.join("server-key.pem"),
        }
    }
}

/// The certificate files in force: the operator's, or local ones (made on first use).
pub fn certificate_files(data_dir: &Path, operator: Option<&TlsFiles>) -> Result<TlsFiles, TlsError> {
    if let Some(files) = operator {
        return Ok(files.clone());
    }
    let local = LocalTlsPaths::in_data_dir(data_dir);
    if !(local.cert.exists() && local.key.exists() && local.ca_cert.exists()) {
        generate_local(&local)?;
    }
    Ok(TlsFiles {
        cert: local.cert,
        key: local.key,
    })
}

fn generate_local(paths: &LocalTlsPaths) -> Result<(), TlsError> {
    let now = time::OffsetDateTime::now_utc();
    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.distinguished_name
        .push(DnType::CommonName, "Patient Portal local CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.not_before = now - time::Duration::days(1);
    ca.not_after = now + time::Duration::days(3650);
    let ca_cert = ca.self_signed(&ca_key)?;

    let key = KeyPair::generate()?;
    let mut leaf = CertificateParams::new(vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ])?;
    leaf.distinguished_name.push(DnType::CommonName, "localhost");
    leaf.is_ca = IsCa::ExplicitNoCa;
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.not_before = now - time::Duration::days(1);
    leaf.not_after = now + time::Duration::days(397);
    let cert = leaf.signed_by(&key, &ca_cert, &ca_key)?;

    write_file(&paths.ca_key, ca_key.serialize_pem().as_bytes(), FILE_MODE)?;
    write_file(&paths.key, key.serialize_pem().as_bytes(), FILE_MODE)?;
    write_file(&paths.cert, cert.pem().as_bytes(), FILE_MODE)?;
    // Public by nature: the app is given it.
    write_file(&paths.ca_cert, ca_cert.pem().as_bytes(), PUBLIC_FILE_MODE)?;
    Ok(())
}

/// Writes a file in the data folder's `tls` folder (made private), with `mode` whatever the
/// umask and whatever the file had before.
fn write_file(path: &Path, contents: &[u8], mode: u32) -> Result<(), TlsError> {
    let err = |e| TlsError::Write(path.to_path_buf(), e);
    if let Some(dir) = path.parent() {
        private_files::private_dir(dir).map_err(err)?;
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    let mut file = options.open(path).map_err(err)?;
    private_files::restrict(path, mode).map_err(err)?;
    file.write_all(contents).map_err(err)?;
    file.sync_all().map_err(err)
}

/// A rustls server configuration: TLS 1.3 and 1.2 only, ring's cipher suites, h2 + http/1.1.
pub fn server_config(files: &TlsFiles) -> Result<Arc<ServerConfig>, TlsError> {
    let certs = load_certs(&files.cert)?;
    let key = load_key(&files.key)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_no_client_auth()
        .with_single_cert(certs, key)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let pem = fs::read(path).map_err(|e| TlsError::Read(path.to_path_buf(), e))?;
    let certs: Vec<_> = rustls_pemfile::certs(&mut pem.as_slice())
        .filter_map(Result::ok)
        .collect();
    if certs.is_empty() {
        return Err(TlsError::NoCertificate(path.to_path_buf()));
    }
    Ok(certs)
}

fn load_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let pem = fs::read(path).map_err(|e| TlsError::Read(path.to_path_buf(), e))?;
    rustls_pemfile::private_key(&mut pem.as_slice())
        .ok()
        .flatten()
        .ok_or_else(|| TlsError::NoKey(path.to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_certificates_are_made_once_and_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files = certificate_files(dir.path(), None).expect("generate");
        let first = fs::read(&files.cert).expect("cert");
        server_config(&files).expect("usable by rustls");
        let again = certificate_files(dir.path(), None).expect("reuse");
        assert_eq!(fs::read(&again.cert).expect("cert"), first);
        assert!(dir.path().join("tls/ca.pem").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join("tls/ca-key.pem"))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "the CA key is readable by its owner only");
        }
    }

    #[test]
    fn missing_or_empty_files_are_explained() {
        let dir = tempfile::tempdir().expect("tempdir");
        let empty = dir.path().join("empty.pem");
        fs::write(&empty, "").expect("write");
        let files = TlsFiles {
            cert: empty.clone(),
            key: empty,
        };
        assert!(matches!(server_config(&files), Err(TlsError::NoCertificate(_))));
        let missing = TlsFiles {
            cert: dir.path().join("nope.pem"),
            key: dir.path().join("nope.pem"),
        };
        assert!(matches!(server_config(&missing), Err(TlsError::Read(..))));
    }
}
