//! Where updates come from, and which key and certificates they are checked with.

use tauri::Url;

/// The update address when the managed file sets none (development, the real-app tests).
pub const ENV_UPDATE_URL: &str = "PORTAL_UPDATE_URL";
/// Debug builds only (the real-app tests): the public key updates are checked with, instead of
/// the one built in (`plugins.updater.pubkey`), whose private key the tests do not have.
/// Release builds ignore it.
pub const ENV_UPDATE_PUBKEY_FOR_TESTS: &str = "PORTAL_TEST_UPDATE_PUBKEY";

/// Why an update address cannot be used, in words for the administrator who set it (logged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateSourceError {
    #[error("the update address is not a valid address")]
    Invalid,
    #[error("the update address must start with https://")]
    NotHttps,
    #[error("the practice's CA file cannot be read")]
    CaFile,
}

/// One place to look for updates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateSource {
    /// The update description (Tauri's `latest.json` format), `https://` only.
    pub endpoint: Url,
    /// The practice's CA (PEM), when the address is on the portal server's host: then only it
    /// is trusted, like for the portal. `None`: the system's public roots.
    pub practice_ca: Option<Vec<u8>>,
    /// A public key other than the built-in one (debug builds' tests only).
    pub pubkey: Option<String>,
}

impl UpdateSource {
    /// The place the practice set: the managed file's `update_url`, else `PORTAL_UPDATE_URL`;
    /// `None` when neither is set. `server_url` and `ca_file`: the portal's, from the settings.
    pub fn for_app(
        server_url: &str,
        ca_file: &str,
        managed_url: Option<&str>,
    ) -> Result<Option<Self>, UpdateSourceError> {
        let from_env = std::env::var(ENV_UPDATE_URL).ok();
        let Some(address) = managed_url
            .map(str::to_owned)
            .or(from_env)
            .filter(|a| !a.trim().is_empty())
        else {
            return Ok(None);
        };
        let endpoint = parse_address(&address)?;
        let practice_ca = if same_host(&endpoint, server_url) {
            Some(std::fs::read(ca_file).map_err(|_| UpdateSourceError::CaFile)?)
        } else {
            None
        };
        let pubkey = if cfg!(debug_assertions) {
            std::env::var(ENV_UPDATE_PUBKEY_FOR_TESTS)
                .ok()
                .filter(|k| !k.trim().is_empty())
        } else {
            None
        };
        Ok(Some(Self {
            endpoint,
            practice_ca,
            pubkey,
        }))
    }
}

/// An update address, checked: a valid `https://` address.
pub fn parse_address(address: &str) -> Result<Url, UpdateSourceError> {
    let url = Url::parse(address.trim()).map_err(|_| UpdateSourceError::Invalid)?;
    if url.scheme() != "https" {
        return Err(UpdateSourceError::NotHttps);
    }
    if url.host_str().is_none() {
        return Err(UpdateSourceError::Invalid);
    }
    Ok(url)
}

/// Whether `endpoint` is on the portal server's host (any port: the practice may serve its
/// updates beside the portal).
fn same_host(endpoint: &Url, server_url: &str) -> bool {
    Url::parse(server_url).is_ok_and(|server| server.host_str() == endpoint.host_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER: &str = "https://portal.clinic.example:8443";

    #[test]
    fn only_https_addresses_are_used() {
        assert_eq!(
            parse_address("http://updates.example/latest.json"),
            Err(UpdateSourceError::NotHttps)
        );
        assert_eq!(
            parse_address("file:///tmp/latest.json"),
            Err(UpdateSourceError::NotHttps)
        );
        assert_eq!(parse_address("not an address"), Err(UpdateSourceError::Invalid));
        assert_eq!(
            parse_address(" https://updates.example/latest.json ").map(|u| u.to_string()),
            Ok("https://updates.example/latest.json".to_owned())
        );
    }

    #[test]
    fn the_portal_servers_host_is_trusted_through_the_practices_ca_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, "-----BEGIN CERTIFICATE-----\n").expect("write");
        let ca = ca.display().to_string();

        let on_portal = UpdateSource::for_app(
            SERVER,
            &ca,
            Some("https://portal.clinic.example:8443/updates/latest.json"),
        )
        .expect("usable")
        .expect("set");
        assert_eq!(
            on_portal.practice_ca.as_deref(),
            Some(&b"-----BEGIN CERTIFICATE-----\n"[..])
        );

        let elsewhere = UpdateSource::for_app(SERVER, &ca, Some("https://releases.example/latest.json"))
            .expect("usable")
            .expect("set");
        assert_eq!(elsewhere.practice_ca, None, "another host: the system's public roots");
        let other_port = UpdateSource::for_app(SERVER, &ca, Some("https://portal.clinic.example/latest.json"))
            .expect("usable")
            .expect("set");
        assert!(other_port.practice_ca.is_some(), "the portal's host on another port");

        assert_eq!(
            UpdateSource::for_app(
                SERVER,
                "/nonexistent/ca.pem",
                Some("https://portal.clinic.example:8443/latest.json")
            ),
            Err(UpdateSourceError::CaFile)
        );
    }

    #[test]
    fn no_address_no_updates() {
        if std::env::var_os(ENV_UPDATE_URL).is_none() {
            assert_eq!(UpdateSource::for_app(SERVER, "/x.pem", None), Ok(None));
            assert_eq!(UpdateSource::for_app(SERVER, "/x.pem", Some("  ")), Ok(None));
        }
    }
}
