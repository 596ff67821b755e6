//! A typed HTTPS client for `/api/v1`.
//!
//! It speaks only HTTPS, trusts only the certificate authority it is given (never the system's
//! roots, so a practice's private CA cannot be bypassed by a public one), and turns every
//! failure into a [`ClientError`] a person can be told about.

use std::time::Duration;

use reqwest::{header, Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use crate::accounts::{CodeRequest, PassphraseConfirmation, RecoveryCodes, TotpEnrolment};
use crate::error::{ApiErrorBody, ErrorCode};
use crate::paths::API_PREFIX;
use crate::types::*;

/// A session's bearer token, and the patient its requests act for (an authorized person's
/// choice; none: for oneself). Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken {
    secret: String,
    acting_for: Option<i64>,
}

impl SessionToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            secret: token.into(),
            acting_for: None,
        }
    }
    /// The secret itself, for the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.secret
    }
    /// The same session, its requests acting for patient `patient_id` (sent in
    /// [`crate::grants::ACTING_FOR_HEADER`]), or for oneself (`None`).
    pub fn acting_for(&self, patient_id: Option<i64>) -> Self {
        Self {
            secret: self.secret.clone(),
            acting_for: patient_id,
        }
    }
    /// The patient its requests act for, if any.
    pub fn acts_for(&self) -> Option<i64> {
        self.acting_for
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionToken")
            .field("secret", &"<redacted>")
            .field("acting_for", &self.acting_for)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("The server address is not valid: {0}")]
    InvalidUrl(String),
    #[error("The certificate authority file cannot be used: {0}")]
    CaFile(String),
    #[error("The server could not be reached. Check the address and your network connection.")]
    Unreachable,
    #[error("The server's certificate is not trusted by this app. Check the server address and the certificate authority file.")]
    UntrustedCertificate,
    #[error("{}", .body.message)]
    Api {
        status: u16,
        body: ApiErrorBody,
        /// Seconds from a `Retry-After` header, when the server sent one.
        retry_after: Option<u64>,
    },
    #[error("The server sent an answer this app does not understand.")]
    Protocol(String),
}

impl ClientError {
    /// The API error code, when the server answered with one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Api { body, .. } => Some(body.code),
            _ => None,
        }
    }
}

/// Parse and check a server address: `https://` only, no credentials, no query.
pub fn parse_server_url(text: &str) -> Result<Url, ClientError> {
    let url = Url::parse(text.trim()).map_err(|e| ClientError::InvalidUrl(e.to_string()))?;
    if url.scheme() != "https" {
        return Err(ClientError::InvalidUrl(
            "only https:// addresses are allowed, so that nothing travels unencrypted".into(),
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ClientError::InvalidUrl("the address has no host name".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ClientError::InvalidUrl(
            "the address must not contain a user name or password".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ClientError::InvalidUrl(
            "the address must not contain '?' or '#'".into(),
        ));
    }
    Ok(url)
}

#[derive(Clone, Debug)]
pub struct PortalClient {
    http: reqwest::Client,
    base: Url,
}

impl PortalClient {
    /// A client for `server_url` that trusts only the CA certificate(s) in `ca_pem`.
    pub fn new(server_url: &str, ca_pem: &[u8]) -> Result<Self, ClientError> {
        let base = parse_server_url(server_url)?;
        let certs = reqwest::Certificate::from_pem_bundle(ca_pem)
            .map_err(|_| ClientError::CaFile("it is not a PEM certificate".into()))?;
        if certs.is_empty() {
            return Err(ClientError::CaFile("it holds no certificate".into()));
        }
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(false)
            .https_only(true)
            .min_tls_version(reqwest::tls::Version::TLS_1_2)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("patient-portal/", env!("CARGO_PKG_VERSION")));
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
        let http = builder.build().map_err(|e| ClientError::CaFile(e.to_string()))?;
        Ok(Self { http, base })
    }

    /// Read the CA file at `ca_path` and build a client.
    pub fn with_ca_file(server_url: &str, ca_path: &std::path::Path) -> Result<Self, ClientError> {
        let pem = std::fs::read(ca_path).map_err(|e| ClientError::CaFile(format!("{}: {e}", ca_path.display())))?;
        Self::new(server_url, &pem)
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The full URL of an API path such as `/auth/login`.
    pub fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        let prefix = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{prefix}{API_PREFIX}{path}"));
        url
    }

    /// A request builder for an API path, for callers (tests) that need to send odd requests.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, self.url(path))
    }

    pub async fn health(&self) -> Result<HealthResponse, ClientError> {
        send(self.request(Method::GET, "/health")).await
    }

    pub async fn practice(&self) -> Result<PracticeInfo, ClientError> {
        send(self.request(Method::GET, "/practice")).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<LoginResponse, ClientError> {
        self.login_from(email, password, None).await
    }

    /// Signs in naming the `device` (shown in the person's sessions).
    pub async fn login_from(
        &self,
        email: &str,
        password: &str,
        device: Option<&str>,
    ) -> Result<LoginResponse, ClientError> {
        let body = LoginRequest {
            email: email.into(),
            password: password.into(),
            device: device.map(str::to_owned),
            totp: None,
        };
        send(self.request(Method::POST, "/auth/login").json(&body)).await
    }

    /// Signs in to an account with a second factor: `code` is the current 6-digit code from
    /// the authenticator app, or an unused recovery code.
    pub async fn login_with_code(
        &self,
        email: &str,
        password: &str,
        code: &str,
        device: Option<&str>,
    ) -> Result<LoginResponse, ClientError> {
        let body = LoginRequest {
            email: email.into(),
            password: password.into(),
            device: device.map(str::to_owned),
            totp: Some(code.to_owned()),
        };
        send(self.request(Method::POST, "/auth/login").json(&body)).await
    }

    /// `POST /me/totp`: starts setting up a second factor (a new secret, as QR code and text).
    pub async fn enrol_totp(&self, token: &SessionToken) -> Result<TotpEnrolment, ClientError> {
        send(self.authed(Method::POST, "/me/totp", token)).await
    }

    /// `POST /me/totp/confirm`: confirms the secret being set up with a code from it; answers
    /// the recovery codes (shown once).
    pub async fn confirm_totp(&self, token: &SessionToken, code: &str) -> Result<RecoveryCodes, ClientError> {
        let body = CodeRequest { code: code.to_owned() };
        send(self.authed(Method::POST, "/me/totp/confirm", token).json(&body)).await
    }

    /// `DELETE /me/totp`: turns the second factor off (where the role allows), confirmed by
    /// the pass-phrase.
    pub async fn disable_totp(&self, token: &SessionToken, password: &str) -> Result<(), ClientError> {
        let body = PassphraseConfirmation {
            password: password.to_owned(),
        };
        send_empty(self.authed(Method::DELETE, "/me/totp", token).json(&body)).await
    }

    /// `POST /me/recovery-codes`: a new set of recovery codes (the old ones stop working),
    /// confirmed by the pass-phrase.
    pub async fn new_recovery_codes(&self, token: &SessionToken, password: &str) -> Result<RecoveryCodes, ClientError> {
        let body = PassphraseConfirmation {
            password: password.to_owned(),
        };
        send(self.authed(Method::POST, "/me/recovery-codes", token).json(&body)).await
    }

    /// `GET /me/sessions`: the caller's open sessions, the most recently active first.
    pub async fn sessions(&self, token: &SessionToken) -> Result<SessionList, ClientError> {
        send(self.authed(Method::GET, "/me/sessions", token)).await
    }

    /// `DELETE /me/sessions/{id}`: ends one of the caller's other sessions (this one ends with
    /// [`logout`](Self::logout)).
    pub async fn end_session(&self, token: &SessionToken, session_id: i64) -> Result<(), ClientError> {
        send_empty(self.authed(Method::DELETE, &format!("/me/sessions/{session_id}"), token)).await
    }

    /// `POST /me/sessions/end-others`: ends every session of the caller's but this one.
    pub async fn end_other_sessions(&self, token: &SessionToken) -> Result<SessionsEnded, ClientError> {
        send(self.authed(Method::POST, "/me/sessions/end-others", token)).await
    }

    pub async fn logout(&self, token: &SessionToken) -> Result<(), ClientError> {
        send_empty(self.authed(Method::POST, "/auth/logout", token)).await
    }

    pub async fn me(&self, token: &SessionToken) -> Result<MeResponse, ClientError> {
        send(self.authed(Method::GET, "/me", token)).await
    }

    pub async fn policy(&self, token: &SessionToken) -> Result<PolicyResponse, ClientError> {
        self.policy_in(token, Language::English).await
    }

    /// The current policy in `language` (English if the version has no text in it).
    pub async fn policy_in(&self, token: &SessionToken, language: Language) -> Result<PolicyResponse, ClientError> {
        send(
            self.authed(Method::GET, "/policy", token)
                .header(header::ACCEPT_LANGUAGE, language.as_str()),
        )
        .await
    }

    pub async fn accept_policy(&self, token: &SessionToken, version: i64) -> Result<PolicyAcceptance, ClientError> {
        self.accept_policy_in(token, version, Language::English).await
    }

    /// Accepts `version` as read in `language` (the text `policy_in` answered).
    pub async fn accept_policy_in(
        &self,
        token: &SessionToken,
        version: i64,
        language: Language,
    ) -> Result<PolicyAcceptance, ClientError> {
        let path = format!("/policy/{version}/accept");
        send(
            self.authed(Method::POST, &path, token)
                .header(header::ACCEPT_LANGUAGE, language.as_str()),
        )
        .await
    }

    pub async fn openapi(&self) -> Result<serde_json::Value, ClientError> {
        send(self.request(Method::GET, "/openapi.json")).await
    }

    /// A request carrying the session's bearer token (and the patient it acts for).
    pub fn authed(&self, method: Method, path: &str, token: &SessionToken) -> RequestBuilder {
        let request = self.request(method, path).bearer_auth(token.expose());
        match token.acting_for {
            Some(patient_id) => request.header(crate::grants::ACTING_FOR_HEADER, patient_id.to_string()),
            None => request,
        }
    }

    /// POST a JSON body to an authenticated route and decode the answer.
    pub async fn post_json<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: &SessionToken,
        body: &B,
    ) -> Result<T, ClientError> {
        send(self.authed(Method::POST, path, token).json(body)).await
    }
}

/// Send a request and decode a JSON answer, or the API error.
pub async fn send<T: DeserializeOwned>(req: RequestBuilder) -> Result<T, ClientError> {
    let resp = checked(req).await?;
    resp.json::<T>().await.map_err(|e| ClientError::Protocol(e.to_string()))
}

/// Send a request whose success has no body.
pub async fn send_empty(req: RequestBuilder) -> Result<(), ClientError> {
    checked(req).await.map(drop)
}

pub(crate) async fn checked(req: RequestBuilder) -> Result<reqwest::Response, ClientError> {
    let resp = req.send().await.map_err(transport_error)?;
    if resp.status().is_success() {
        return Ok(resp);
    }
    Err(api_error(resp).await)
}

async fn api_error(resp: reqwest::Response) -> ClientError {
    let status = resp.status();
    let retry_after = resp
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match resp.json::<ApiErrorBody>().await {
        Ok(body) => ClientError::Api {
            status: status.as_u16(),
            body,
            retry_after,
        },
        Err(_) => ClientError::Protocol(format!("HTTP {status} without an error body")),
    }
}

/// Classify a transport failure: an untrusted certificate must not look like a network outage.
pub fn transport_error(err: reqwest::Error) -> ClientError {
    if is_certificate_error(&err) {
        ClientError::UntrustedCertificate
    } else if err.is_connect() || err.is_timeout() || err.is_request() {
        ClientError::Unreachable
    } else {
        ClientError::Protocol(err.to_string())
    }
}

fn is_certificate_error(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return matches!(
                tls,
                rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented
            );
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if is_certificate_error(inner) {
                    return true;
                }
            }
        }
        if e.to_string().contains("invalid peer certificate") {
            return true;
        }
        source = e.source();
    }
    false
}

/// True for a status the server uses for "try again later".
pub fn is_retry_later(status: u16) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS.as_u16() || status == StatusCode::SERVICE_UNAVAILABLE.as_u16()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_urls_are_accepted() {
        assert!(parse_server_url("https://localhost:8443").is_ok());
        for bad in [
            "http://localhost:8443",
            "ftp://x",
            "localhost:8443",
            "https://u:p@host",
            "https://h/?q=1",
            "",
        ] {
            assert!(
                matches!(parse_server_url(bad), Err(ClientError::InvalidUrl(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn api_paths_join_under_the_base_path() {
        let pem = include_bytes!("../tests/fixtures/test-ca.pem");
        let c = PortalClient::new("https://portal.example:8443/clinic/", pem).expect("client");
        assert_eq!(c.url("/me").as_str(), "https://portal.example:8443/clinic/api/v1/me");
        let c = PortalClient::new("https://portal.example", pem).expect("client");
        assert_eq!(c.url("/me").as_str(), "https://portal.example/api/v1/me");
    }

    #[test]
    fn a_file_without_a_certificate_is_refused() {
        assert!(matches!(
            PortalClient::new("https://x", b"not a pem"),
            Err(ClientError::CaFile(_))
        ));
    }

    #[test]
    fn tokens_are_redacted_in_debug_output() {
        let token = SessionToken::new("s3cret");
        assert!(!format!("{token:?}").contains("s3cret"));
        let acting = token.acting_for(Some(7));
        assert!(!format!("{acting:?}").contains("s3cret"));
        assert_eq!((acting.expose(), acting.acts_for()), ("s3cret", Some(7)));
    }
}
