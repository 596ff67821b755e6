//! The service's one error type. Each variant maps to a status and a stable code; the body is
//! always `{code, message}`. Internal failures are logged (a database error by its kind and
//! code only, never its text) and answered with a generic message.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use portal_api::{ApiErrorBody, ErrorCode};

use crate::attachments::upload_slots::Busy;
use crate::domain::access::NotOnTheCareTeam;
use crate::store::sends::SendError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("account locked")]
    AccountLocked {
        until: DateTime<Utc>,
        retry_after_secs: u64,
    },
    /// An upload may not start now (see `attachments::upload_slots`); try again shortly.
    #[error("uploads busy")]
    UploadsBusy(Busy),
    /// Locked until the person is let back in another way (`domain::sign_in_throttle`).
    #[error("account held")]
    AccountHeld,
    /// Turned off by the practice (said only after the right pass-phrase).
    #[error("account disabled")]
    AccountDisabled,
    /// The pass-phrase was right; a second-factor code must come with it.
    #[error("second factor required")]
    SecondFactorRequired,
    /// The pass-phrase was right; the second-factor code that came with it was not (wrong,
    /// replayed or used). Same code as [`Self::SecondFactorRequired`], its own message.
    #[error("wrong second factor")]
    WrongSecondFactor,
    /// The care team enrols a second factor before reaching anything else.
    #[error("second factor enrolment required")]
    SecondFactorEnrolmentRequired,
    /// An activation whose code or date of birth is not right (one answer for both).
    #[error("invalid activation")]
    InvalidActivation,
    /// The current pass-phrase, asked to confirm a change to the account, is not correct.
    #[error("wrong pass-phrase")]
    WrongPassphrase,
    /// A one-time code that is wrong, expired or used (one answer for all three).
    #[error("invalid code")]
    InvalidCode,
    #[error("request timed out")]
    RequestTimeout,
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    #[error("unauthenticated")]
    Unauthenticated,
    #[error("session expired")]
    SessionExpired,
    #[error("forbidden")]
    Forbidden,
    /// A chart outside the caller's care, which they may open once they state a reason.
    #[error("break the glass required")]
    BreakTheGlassRequired,
    /// The caller acted for a patient whose grant has ended or run out (the patient's name,
    /// which the caller knows: the message says whose portal it was).
    #[error("grant ended")]
    GrantEnded(String),
    #[error("policy not accepted")]
    PolicyNotAccepted,
    #[error("policy outdated")]
    PolicyOutdated { current: i64 },
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("validation: {0}")]
    Validation(String),
    #[error("weak pass-phrase: {0}")]
    WeakPassphrase(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// A PDF refused by the content check; the message is written for the uploader.
    #[error("active content")]
    ActiveContent(&'static str),
    /// The store failed (its `Display` and logs never quote the database's text).
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::InvalidCredentials
            | Self::Unauthenticated
            | Self::SessionExpired
            | Self::SecondFactorRequired
            | Self::WrongSecondFactor => StatusCode::UNAUTHORIZED,
            Self::SecondFactorEnrolmentRequired | Self::WrongPassphrase => StatusCode::FORBIDDEN,
            Self::InvalidCode | Self::InvalidActivation => StatusCode::UNPROCESSABLE_ENTITY,
            Self::AccountLocked { .. } | Self::AccountHeld => StatusCode::LOCKED,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Forbidden
            | Self::PolicyNotAccepted
            | Self::BreakTheGlassRequired
            | Self::AccountDisabled
            | Self::GrantEnded(_) => StatusCode::FORBIDDEN,
            Self::PolicyOutdated { .. } | Self::Conflict(_) => StatusCode::CONFLICT,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Validation(_) | Self::WeakPassphrase(_) | Self::ActiveContent(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Store(StoreError::Busy) | Self::UploadsBusy(Busy::Service) => StatusCode::SERVICE_UNAVAILABLE,
            Self::UploadsBusy(Busy::Person) => StatusCode::TOO_MANY_REQUESTS,
            Self::Store(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::AccountLocked { .. } | Self::AccountHeld => ErrorCode::AccountLocked,
            Self::AccountDisabled => ErrorCode::AccountDisabled,
            Self::SecondFactorRequired | Self::WrongSecondFactor => ErrorCode::SecondFactorRequired,
            Self::SecondFactorEnrolmentRequired => ErrorCode::SecondFactorEnrolmentRequired,
            Self::InvalidCode | Self::InvalidActivation => ErrorCode::InvalidCode,
            Self::WrongPassphrase => ErrorCode::WrongPassphrase,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Unauthenticated => ErrorCode::Unauthenticated,
            Self::SessionExpired => ErrorCode::SessionExpired,
            Self::Forbidden => ErrorCode::Forbidden,
            Self::BreakTheGlassRequired => ErrorCode::BreakTheGlassRequired,
            Self::GrantEnded(_) => ErrorCode::GrantEnded,
            Self::PolicyNotAccepted => ErrorCode::PolicyNotAccepted,
            Self::PolicyOutdated { .. } => ErrorCode::PolicyOutdated,
            Self::NotFound => ErrorCode::NotFound,
            Self::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            Self::Validation(_) => ErrorCode::Validation,
            Self::WeakPassphrase(_) => ErrorCode::WeakPassphrase,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            Self::RequestTimeout => ErrorCode::RequestTimeout,
            Self::UnsupportedMediaType => ErrorCode::UnsupportedMediaType,
            Self::ActiveContent(_) => ErrorCode::ActiveContent,
            Self::Store(StoreError::Busy) | Self::UploadsBusy(Busy::Service) => ErrorCode::Unavailable,
            Self::UploadsBusy(Busy::Person) => ErrorCode::RateLimited,
            Self::Store(_) | Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The sentence shown to the person. Never internals, never health data.
    pub fn message(&self) -> String {
        match self {
            Self::InvalidCredentials => {
                "The email address or pass-phrase is not correct.".into()
            }
            Self::AccountLocked { until, retry_after_secs } => format!(
                "This account is locked after too many failed sign-ins. Try again in {} (after {} UTC), or call the practice.",
                portal_api::wait::in_words(*retry_after_secs),
                until.format("%H:%M")
            ),
            Self::AccountHeld => "This account is locked after too many failed sign-ins in a row. \
                 Please call the practice to have it unlocked."
                .into(),
            Self::AccountDisabled => "This account has been turned off by the practice. Nothing in it was \
                 deleted: please call the practice to have it turned back on."
                .into(),
            Self::SecondFactorRequired => {
                "Enter the 6-digit code from your authenticator app, or one of your recovery codes.".into()
            }
            Self::WrongSecondFactor => "That code is not right, or was used already. Enter the current \
                 6-digit code from your authenticator app, or one of your unused recovery codes."
                .into(),
            Self::SecondFactorEnrolmentRequired => "Before anything else, set up your second factor: \
                 an authenticator app that gives a new 6-digit code every 30 seconds."
                .into(),
            Self::InvalidActivation => "The activation code or the date of birth is not correct, or the code has \
                 expired or was used already. Check both, or ask the practice for a new code."
                .into(),
            Self::WrongPassphrase => "Your current pass-phrase is not correct.".into(),
            Self::InvalidCode => "That code is not correct, has expired or was used already. \
                 Check it, or ask for a new one."
                .into(),
            Self::RateLimited { retry_after_secs } => format!(
                "Too many attempts from this computer. Please wait {} and try again.",
                portal_api::wait::in_words(*retry_after_secs)
            ),
            Self::Unauthenticated => "Please sign in.".into(),
            Self::SessionExpired => {
                "Your session has ended. For your privacy you are signed out after 15 minutes without activity, and after 12 hours in any case. Please sign in again.".into()
            }
            Self::Forbidden => "Your account may not do this.".into(),
            Self::BreakTheGlassRequired => "This patient is not in your care. To open their record, give the reason you \
                 need it now (break the glass): it is kept in the audit log and shown to the patient."
                .into(),
            Self::GrantEnded(patient) => format!(
                "Your access to {patient}'s portal has ended. If you still need it, ask {patient} to authorize you again."
            ),
            Self::PolicyNotAccepted => {
                "Please read and accept the current portal policy first.".into()
            }
            Self::PolicyOutdated { current } => format!(
                "A newer version of the portal policy (version {current}) has been published. Please read it before accepting."
            ),
            Self::NotFound => "Not found.".into(),
            Self::MethodNotAllowed => "This route does not accept that method.".into(),
            Self::Validation(why) | Self::WeakPassphrase(why) | Self::Conflict(why) => why.clone(),
            Self::ActiveContent(why) => (*why).to_owned(),
            Self::PayloadTooLarge => "The request is too large.".into(),
            Self::RequestTimeout => {
                "The request took too long to arrive. Please check the connection and try again.".into()
            }
            Self::UnsupportedMediaType => {
                "This kind of content is not accepted. Attachments must be photos (JPEG or PNG) or PDF files.".into()
            }
            Self::Store(StoreError::Busy) | Self::UploadsBusy(Busy::Service) => {
                "The portal is busy. Please try again in a moment.".into()
            }
            Self::UploadsBusy(Busy::Person) => {
                "Other files of yours are still being uploaded. Please wait a moment and try again.".into()
            }
            Self::Store(_) | Self::Internal(_) => {
                "Something went wrong on the server. Please try again later.".into()
            }
        }
    }

    /// Logs a server failure. A store's failure by its kind only (`StoreError::log`): a
    /// database's message can quote the values of a row, so it is never written.
    fn log(&self) {
        match self {
            Self::Store(error) => error.log("request failed"),
            // Written by this service's code, never by the database.
            other => tracing::error!(error = %other, "request failed"),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::AccountLocked { retry_after_secs, .. } | Self::RateLimited { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            Self::UploadsBusy(_) => Some(1),
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            self.log();
        }
        let body = ApiErrorBody {
            code: self.code(),
            message: self.message(),
        };
        let mut resp = (status, Json(body)).into_response();
        if let Some(secs) = self.retry_after() {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }
}

impl From<NotOnTheCareTeam> for ApiError {
    fn from(_: NotOnTheCareTeam) -> Self {
        Self::Forbidden
    }
}

impl From<SendError> for ApiError {
    fn from(e: SendError) -> Self {
        match e {
            SendError::KeyReused => Self::Conflict(
                "This Idempotency-Key was already used for a different message. Use a new key for a new message."
                    .into(),
            ),
            SendError::NotFound => Self::NotFound,
            SendError::Store(e) => Self::Store(e),
        }
    }
}

impl From<anyhow::Error> for ApiError {
    /// A store's error inside stays one (so only its kind is logged); the text of any other
    /// chain is this service's own.
    fn from(e: anyhow::Error) -> Self {
        match e.downcast::<StoreError>() {
            Ok(store) => Self::Store(store),
            Err(e) => match e.chain().find_map(|cause| cause.downcast_ref::<StoreError>()) {
                // Its `Display` names the kind only.
                Some(store) => Self::Internal(store.to_string()),
                None => Self::Internal(format!("{e:#}")),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use sqlx::error::{DatabaseError, ErrorKind};

    use super::*;
    use crate::test_logs::logs_of;

    /// A database error as PostgreSQL words one: its message quotes the value.
    #[derive(Debug)]
    struct QuotesAValue;

    const QUOTED: &str = "duplicate key value violates unique constraint \"users_email_key\": Key (email)=(blair.conroy@example.com) already exists.";

    impl std::fmt::Display for QuotesAValue {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(QUOTED)
        }
    }

    impl std::error::Error for QuotesAValue {}

    impl DatabaseError for QuotesAValue {
        fn message(&self) -> &str {
            QUOTED
        }
        fn code(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed("23505"))
        }
        fn constraint(&self) -> Option<&str> {
            Some("users_email_key")
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> ErrorKind {
            ErrorKind::UniqueViolation
        }
    }

    #[test]
    fn database_errors_are_logged_by_kind_without_their_text() {
        let logs = logs_of(|| {
            let error = ApiError::Store(sqlx::Error::Database(Box::new(QuotesAValue)).into());
            assert_eq!(error.into_response().status(), StatusCode::INTERNAL_SERVER_ERROR);
        });
        assert!(
            !logs.contains("blair.conroy") && !logs.contains("duplicate key"),
            "{logs}"
        );
        assert!(logs.contains("23505") && logs.contains("users_email_key"), "{logs}");
        assert!(logs.contains("unique"), "{logs}");

        // The same error reaching a handler through anyhow.
        let logs = logs_of(|| {
            let wrapped = anyhow::Error::new(StoreError::from(sqlx::Error::Database(Box::new(QuotesAValue))))
                .context("adding a user");
            let _ = ApiError::from(wrapped).into_response();
        });
        assert!(!logs.contains("blair.conroy"), "{logs}");
        assert!(logs.contains("23505"), "{logs}");
    }

    #[test]
    fn internal_errors_do_not_leak_details() {
        let e = ApiError::Internal("connection refused to 10.0.0.5".into());
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!e.message().contains("10.0.0.5"));
    }

    #[test]
    fn lockout_message_says_when_to_retry() {
        let until = DateTime::parse_from_rfc3339("2026-11-28T10:15:00Z")
            .expect("time")
            .to_utc();
        let e = ApiError::AccountLocked {
            until,
            retry_after_secs: 14 * 60 + 5,
        };
        assert!(e.message().contains("15 minutes"), "{}", e.message());
        assert!(e.message().contains("10:15 UTC"));
        assert_eq!(e.retry_after(), Some(845));
    }
}
