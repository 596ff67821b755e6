//! The error body: every failed request answers `{code, message}`. `code` is stable and
//! machine-readable; `message` is written for the person using the app and never carries
//! internals or health data.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

/// Stable error codes. Clients act on these; unknown future codes parse as `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[ts(rename = "ServerErrorCode")]
pub enum ErrorCode {
    /// Wrong email or pass-phrase (the same for an unknown account).
    InvalidCredentials,
    /// Too many failed sign-ins for this account; see the message and `Retry-After`.
    AccountLocked,
    /// The practice turned this account off (said only to someone who gave its right
    /// pass-phrase); nothing in it was deleted.
    AccountDisabled,
    /// The pass-phrase was right; the account's second factor (a code from the authenticator
    /// app, or a recovery code) is needed too.
    SecondFactorRequired,
    /// Physicians, staff and admins enrol a second factor before anything else
    /// (`POST /me/totp`).
    SecondFactorEnrolmentRequired,
    /// The current pass-phrase given to confirm a change to the account is not correct.
    WrongPassphrase,
    /// A one-time code (activation, reset, email change, second factor) that is wrong, has
    /// expired or was used already; the same answer for each.
    InvalidCode,
    /// Too many requests from this address; see `Retry-After`.
    RateLimited,
    /// No bearer token, or one that is unknown or revoked.
    Unauthenticated,
    /// The session ran past its idle or absolute limit.
    SessionExpired,
    /// The caller's role may not do this.
    Forbidden,
    /// The patient is not in the caller's care: opening their record needs a stated reason
    /// (`POST /patients/{patient_id}/break-the-glass`), which the patient will see.
    BreakTheGlassRequired,
    /// The caller acted for a patient whose grant has ended or run out: their access to that
    /// patient's portal is over (the message names the patient).
    GrantEnded,
    /// The current portal policy must be accepted first.
    PolicyNotAccepted,
    /// The policy version accepted is not the current one.
    PolicyOutdated,
    /// The thing does not exist, or the caller may not know it exists.
    NotFound,
    /// The route exists but not with this HTTP method.
    MethodNotAllowed,
    /// The request body or a parameter is invalid; the message says which.
    Validation,
    /// The pass-phrase does not meet the rules; the message says why.
    WeakPassphrase,
    /// Already exists (e.g. an email address in use).
    Conflict,
    /// The body is larger than this route accepts.
    PayloadTooLarge,
    /// The content type is not accepted.
    UnsupportedMediaType,
    /// The request (its body included) took too long to arrive.
    RequestTimeout,
    /// A PDF holds active content (scripts, automatic actions, embedded files) or cannot be
    /// checked for it (encrypted); the message says which and what to send instead.
    ActiveContent,
    /// The server failed; nothing about why is disclosed.
    Internal,
    /// The server is starting or its database is unavailable.
    Unavailable,
    /// A code this client does not know yet.
    #[serde(other)]
    Other,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidCredentials => "invalid_credentials",
            Self::AccountLocked => "account_locked",
            Self::AccountDisabled => "account_disabled",
            Self::SecondFactorRequired => "second_factor_required",
            Self::SecondFactorEnrolmentRequired => "second_factor_enrolment_required",
            Self::WrongPassphrase => "wrong_passphrase",
            Self::InvalidCode => "invalid_code",
            Self::RateLimited => "rate_limited",
            Self::Unauthenticated => "unauthenticated",
            Self::SessionExpired => "session_expired",
            Self::Forbidden => "forbidden",
            Self::BreakTheGlassRequired => "break_the_glass_required",
            Self::GrantEnded => "grant_ended",
            Self::PolicyNotAccepted => "policy_not_accepted",
            Self::PolicyOutdated => "policy_outdated",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Validation => "validation",
            Self::WeakPassphrase => "weak_passphrase",
            Self::Conflict => "conflict",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::RequestTimeout => "request_timeout",
            Self::ActiveContent => "active_content",
            Self::Internal => "internal",
            Self::Unavailable => "unavailable",
            Self::Other => "other",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_names() {
        for code in [
            ErrorCode::PolicyNotAccepted,
            ErrorCode::AccountLocked,
            ErrorCode::Internal,
        ] {
            let json = serde_json::to_string(&code).expect("serialize");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn unknown_codes_parse_as_other() {
        let body: ApiErrorBody = serde_json::from_str(r#"{"code":"something_new","message":"m"}"#).expect("parse");
        assert_eq!(body.code, ErrorCode::Other);
    }
}
