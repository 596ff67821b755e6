//! The service's one error type. Each variant maps to a status and a stable code; the body is
//! always `{code, message}`. Internal failures are logged (kind only) and answered with a
//! generic message.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use portal_api::{ApiErrorBody, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("account locked")]
    AccountLocked {
        until: DateTime<Utc>,
        retry_after_secs: u64,
    },
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    #[error("unauthenticated")]
    Unauthenticated,
    #[error("session expired")]
    SessionExpired,
    #[error("forbidden")]
    Forbidden,
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
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal: {0}")]
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::InvalidCredentials | Self::Unauthenticated | Self::SessionExpired => StatusCode::UNAUTHORIZED,
            Self::AccountLocked { .. } => StatusCode::LOCKED,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Forbidden | Self::PolicyNotAccepted => StatusCode::FORBIDDEN,
            Self::PolicyOutdated { .. } | Self::Conflict(_) => StatusCode::CONFLICT,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Validation(_) | Self::WeakPassphrase(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Database(sqlx::Error::PoolTimedOut) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Database(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::AccountLocked { .. } => ErrorCode::AccountLocked,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Unauthenticated => ErrorCode::Unauthenticated,
            Self::SessionExpired => ErrorCode::SessionExpired,
            Self::Forbidden => ErrorCode::Forbidden,
            Self::PolicyNotAccepted => ErrorCode::PolicyNotAccepted,
            Self::PolicyOutdated { .. } => ErrorCode::PolicyOutdated,
            Self::NotFound => ErrorCode::NotFound,
            Self::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            Self::Validation(_) => ErrorCode::Validation,
            Self::WeakPassphrase(_) => ErrorCode::WeakPassphrase,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            Self::UnsupportedMediaType => ErrorCode::UnsupportedMediaType,
            Self::Database(sqlx::Error::PoolTimedOut) => ErrorCode::Unavailable,
            Self::Database(_) | Self::Internal(_) => ErrorCode::Internal,
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
                minutes_text(*retry_after_secs),
                until.format("%H:%M")
            ),
            Self::RateLimited { retry_after_secs } => format!(
                "Too many attempts from this computer. Please wait {} and try again.",
                seconds_text(*retry_after_secs)
            ),
            Self::Unauthenticated => "Please sign in.".into(),
            Self::SessionExpired => {
                "Your session has ended. For your privacy you are signed out after 15 minutes without activity, and after 12 hours in any case. Please sign in again.".into()
            }
            Self::Forbidden => "Your account may not do this.".into(),
            Self::PolicyNotAccepted => {
                "Please read and accept the current portal policy first.".into()
            }
            Self::PolicyOutdated { current } => format!(
                "A newer version of the portal policy (version {current}) has been published. Please read it before accepting."
            ),
            Self::NotFound => "Not found.".into(),
            Self::MethodNotAllowed => "This route does not accept that method.".into(),
            Self::Validation(why) | Self::WeakPassphrase(why) | Self::Conflict(why) => why.clone(),
            Self::PayloadTooLarge => "The request is too large.".into(),
            Self::UnsupportedMediaType => {
                "This kind of content is not accepted. Attachments must be photos (JPEG or PNG) or PDF files.".into()
            }
            Self::Database(sqlx::Error::PoolTimedOut) => {
                "The portal is busy. Please try again in a moment.".into()
            }
            Self::Database(_) | Self::Internal(_) => {
                "Something went wrong on the server. Please try again later.".into()
            }
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::AccountLocked { retry_after_secs, .. } | Self::RateLimited { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }
}

fn minutes_text(secs: u64) -> String {
    let minutes = secs.div_ceil(60).max(1);
    if minutes == 1 {
        "1 minute".into()
    } else {
        format!("{minutes} minutes")
    }
}

fn seconds_text(secs: u64) -> String {
    if secs <= 1 {
        "1 second".into()
    } else if secs < 120 {
        format!("{secs} seconds")
    } else {
        minutes_text(secs)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            // The kind of failure only: sqlx errors never carry bound values.
            tracing::error!(error = %self, "request failed");
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

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        Self::Internal(format!("{e:#}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
