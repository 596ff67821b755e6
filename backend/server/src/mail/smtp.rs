//! SMTP to the practice's relay with `lettre`, always over TLS (rustls): STARTTLS required
//! or implicit TLS. The relay's certificate is checked against the public roots and, when
//! given, the operator's CA file. Failures are described without the address, the code or
//! the relay's words (which may echo the address).

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::error::MailError;
use super::settings::{MailSettings, RelaySecurity};
use crate::domain::notices::RenderedMail;

/// How long one conversation with the relay may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// Why one mail was not handed to the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    /// The relay refused it for good (5xx), or it can never be sent as it is.
    pub permanent: bool,
    /// What failed, with the relay's status code when it answered (no address, no code).
    pub what: String,
}

/// The practice's relay, ready to take mails.
#[derive(Clone)]
pub struct Relay {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relay").finish_non_exhaustive()
    }
}

impl Relay {
    /// Checks the settings (sender, CA file, TLS); connects only when a mail is sent.
    pub fn new(settings: &MailSettings) -> Result<Self, MailError> {
        let from: Mailbox = settings.from.parse().map_err(|_| MailError::InvalidFrom)?;
        let relay = &settings.relay;
        let mut tls = TlsParameters::builder(relay.host.clone());
        if let Some(path) = &settings.ca_file {
            let pem = std::fs::read(path).map_err(|e| MailError::CaFile(path.clone(), e))?;
            let certificates = rustls_pemfile::certs(&mut pem.as_slice())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| MailError::CaCertificate(path.clone()))?;
            if certificates.is_empty() {
                return Err(MailError::CaCertificate(path.clone()));
            }
            for der in certificates {
                let certificate =
                    Certificate::from_der(der.to_vec()).map_err(|_| MailError::CaCertificate(path.clone()))?;
                tls = tls.add_root_certificate(certificate);
            }
        }
        let tls = tls.build_rustls().map_err(|e| MailError::Tls(e.to_string()))?;
        let tls = match relay.security {
            RelaySecurity::StartTls => Tls::Required(tls),
            RelaySecurity::ImplicitTls => Tls::Wrapper(tls),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(relay.host.clone())
            .port(relay.port)
            .tls(tls)
            .timeout(Some(SMTP_TIMEOUT));
        if let Some(account) = &settings.credentials {
            builder = builder.credentials(Credentials::new(
                account.username.clone(),
                account.password.as_str().to_owned(),
            ));
        }
        let transport = builder.build();
        Ok(Self { transport, from })
    }

    /// Hands one mail to the relay.
    pub async fn send(&self, to: &str, mail: &RenderedMail) -> Result<(), SendFailure> {
        let to: Mailbox = to.parse().map_err(|_| SendFailure {
            permanent: true,
            what: "the recipient's address is not valid".into(),
        })?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(mail.text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(mail.html.clone()),
                    ),
            )
            .map_err(|_| SendFailure {
                permanent: true,
                what: "the message could not be built".into(),
            })?;
        self.transport.send(message).await.map(drop).map_err(|e| SendFailure {
            permanent: e.is_permanent(),
            what: describe(&e),
        })
    }
}

/// A failure in a few words: its class and the relay's status code.
fn describe(error: &lettre::transport::smtp::Error) -> String {
    let class = if error.is_permanent() {
        "the relay refused the mail"
    } else if error.is_transient() {
        "the relay deferred the mail"
    } else if error.is_timeout() {
        "the relay did not answer in time"
    } else if error.is_tls() {
        "TLS with the relay failed"
    } else if error.is_response() {
        "the relay's answer was not understood"
    } else if error.is_client() {
        "the relay does not offer what is required (STARTTLS)"
    } else {
        "the relay could not be reached"
    };
    match error.status() {
        Some(code) => format!("{class} ({code})"),
        None => class.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::settings::RelayAddress;

    fn settings(from: &str) -> MailSettings {
        MailSettings::new(RelayAddress::parse("smtp://127.0.0.1:1").unwrap(), from)
    }

    #[test]
    fn the_sender_must_be_a_mailbox() {
        assert!(Relay::new(&settings("Sunrise Skin <portal@sunrise.example>")).is_ok());
        assert!(matches!(
            Relay::new(&settings("not an address")),
            Err(MailError::InvalidFrom)
        ));
    }

    #[test]
    fn a_missing_or_empty_ca_file_is_explained() {
        let dir = tempfile::tempdir().unwrap();
        let mut missing = settings("portal@sunrise.example");
        missing.ca_file = Some(dir.path().join("none.pem"));
        assert!(matches!(Relay::new(&missing), Err(MailError::CaFile(..))));
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "").unwrap();
        let mut with_empty = settings("portal@sunrise.example");
        with_empty.ca_file = Some(empty);
        assert!(matches!(Relay::new(&with_empty), Err(MailError::CaCertificate(_))));
    }

    #[tokio::test]
    async fn a_relay_that_is_down_is_a_failure_to_retry_that_names_no_address() {
        let relay = Relay::new(&settings("portal@sunrise.example")).unwrap();
        let mail = RenderedMail {
            subject: "s".into(),
            text: "t".into(),
            html: "h".into(),
        };
        let failure = relay.send("patient@example.org", &mail).await.unwrap_err();
        assert!(!failure.permanent, "{failure:?}");
        assert!(!failure.what.contains("patient@"), "{failure:?}");
    }
}
