//! `serve --smtp-url smtp://host:port` (STARTTLS required) or `smtps://host:port` (TLS from
//! the first byte), `--mail-from`, a CA file to trust for a relay with a private CA, and the
//! account the relay asks for (`--smtp-username`, the password only from the environment:
//! `PORTAL_SMTP_PASSWORD`, so it is never on a command line). Credentials go only over TLS.

use std::path::PathBuf;
use std::time::Duration;

use super::error::MailError;

/// How the connection to the relay is secured. There is no plaintext choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelaySecurity {
    /// `smtp://`: plain connection upgraded with STARTTLS, which must succeed.
    StartTls,
    /// `smtps://`: TLS from the first byte.
    ImplicitTls,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayAddress {
    pub host: String,
    pub port: u16,
    pub security: RelaySecurity,
}

impl RelayAddress {
    /// `smtp://host[:port]` (port 587 by default) or `smtps://host[:port]` (465).
    pub fn parse(url: &str) -> Result<Self, MailError> {
        let invalid = |why: &str| MailError::InvalidUrl(why.to_string());
        let (security, rest, default_port) = if let Some(rest) = url.strip_prefix("smtp://") {
            (RelaySecurity::StartTls, rest, 587)
        } else if let Some(rest) = url.strip_prefix("smtps://") {
            (RelaySecurity::ImplicitTls, rest, 465)
        } else {
            return Err(invalid(
                "it must start with smtp:// (STARTTLS) or smtps:// (implicit TLS)",
            ));
        };
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['@', '/', '?', '#']) {
            return Err(invalid("give only the relay's host and port"));
        }
        let (host, port) = if let Some(bracketed) = rest.strip_prefix('[') {
            let (host, after) = bracketed
                .split_once(']')
                .ok_or_else(|| invalid("an IPv6 address lacks its ']'"))?;
            (host, after.strip_prefix(':'))
        } else {
            match rest.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (rest, None),
            }
        };
        if host.is_empty() {
            return Err(invalid("the relay's host is missing"));
        }
        let port = match port {
            None => default_port,
            Some(port) => port
                .parse()
                .map_err(|_| invalid("the port is not a number from 1 to 65535"))?,
        };
        if port == 0 {
            return Err(invalid("the port is not a number from 1 to 65535"));
        }
        Ok(Self {
            host: host.to_string(),
            port,
            security,
        })
    }
}

/// Everything the sending worker needs.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub relay: RelayAddress,
    /// The sender, as `Practice <portal@practice.example>` or a bare address.
    pub from: String,
    /// A PEM file of CA certificates trusted for the relay, besides the public roots.
    pub ca_file: Option<PathBuf>,
    /// How often the worker looks for mails that are due.
    pub poll_interval: Duration,
    /// The relay's account (SMTP AUTH), if it asks for one.
    pub credentials: Option<RelayCredentials>,
}

/// A relay account: its user name and password.
#[derive(Clone)]
pub struct RelayCredentials {
    pub username: String,
    pub password: zeroize::Zeroizing<String>,
}

impl std::fmt::Debug for RelayCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayCredentials")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl MailSettings {
    pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);

    pub fn new(relay: RelayAddress, from: impl Into<String>) -> Self {
        Self {
            relay,
            from: from.into(),
            ca_file: None,
            poll_interval: Self::DEFAULT_POLL_INTERVAL,
            credentials: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_is_starttls_and_smtps_implicit_tls_with_their_ports() {
        let relay = RelayAddress::parse("smtp://mail.practice.example:2525").unwrap();
        assert_eq!(
            relay,
            RelayAddress {
                host: "mail.practice.example".into(),
                port: 2525,
                security: RelaySecurity::StartTls
            }
        );
        assert_eq!(RelayAddress::parse("smtp://relay").unwrap().port, 587);
        let tls = RelayAddress::parse("smtps://relay/").unwrap();
        assert_eq!((tls.port, tls.security), (465, RelaySecurity::ImplicitTls));
        let v6 = RelayAddress::parse("smtps://[::1]:1465").unwrap();
        assert_eq!((v6.host.as_str(), v6.port), ("::1", 1465));
    }

    #[test]
    fn anything_else_is_refused_with_a_reason() {
        for url in [
            "http://relay",
            "relay:25",
            "smtp://",
            "smtp://user:pw@relay",
            "smtp://relay:0",
            "smtp://relay:99999",
            "smtp://relay:25/path",
        ] {
            assert!(
                matches!(RelayAddress::parse(url), Err(MailError::InvalidUrl(_))),
                "{url}"
            );
        }
    }
}
