//! Accounts a person owns (issue 11): activation from an emailed code, pass-phrase change and
//! reset, a verified email address and its change, the second factor (TOTP) and its recovery
//! codes, and which notices a person gets.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// How long an activation code stays valid, in days.
pub const ACTIVATION_CODE_DAYS: u32 = 7;
/// How long a pass-phrase reset code stays valid, in minutes.
pub const RESET_CODE_MINUTES: u32 = 15;
/// How long the code confirming a new email address stays valid, in minutes.
pub const EMAIL_CHANGE_CODE_MINUTES: u32 = 60;
/// How many recovery codes a person gets with their second factor.
pub const RECOVERY_CODE_COUNT: u32 = 10;

macro_rules! redacted_debug {
    ($ty:ident { $($shown:ident),* }) => {
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($ty))
                    $(.field(stringify!($shown), &self.$shown))*
                    .finish_non_exhaustive()
            }
        }
    };
}

/// `POST /api/v1/auth/activate`: the emailed code, the address it came to, the date of birth
/// on the patient's chart (patients only) and the pass-phrase the person picks. Signs them in.
#[derive(Clone, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ActivateRequest {
    #[cfg_attr(feature = "openapi", schema(format = Email))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub code: String,
    /// A patient's date of birth, as on their chart; ignored for other accounts, and for the
    /// account of someone a patient authorized (invited by a grant's mail: it has no chart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string")]
    pub date_of_birth: Option<NaiveDate>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub password: String,
    /// What the app calls its device (as at sign-in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    #[ts(optional)]
    pub device: Option<String>,
}
redacted_debug!(ActivateRequest { email });

/// `POST /api/v1/auth/password`: change the pass-phrase of the signed-in account.
#[derive(Clone, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PassphraseChangeRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub current_password: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub new_password: String,
}
redacted_debug!(PassphraseChangeRequest {});

/// The answer to a pass-phrase change: how many other sessions it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PassphraseChanged {
    pub sessions_ended: u32,
}

/// `POST /api/v1/auth/password-reset`: send a reset code to this address (answered the same
/// whether or not it has an account).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResetRequest {
    #[cfg_attr(feature = "openapi", schema(format = Email))]
    pub email: String,
}

/// `POST /api/v1/auth/password-reset/confirm`: the emailed code and the new pass-phrase.
/// Every session of the account ends.
#[derive(Clone, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResetConfirmRequest {
    #[cfg_attr(feature = "openapi", schema(format = Email))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub new_password: String,
}
redacted_debug!(ResetConfirmRequest { email });

/// `PUT /api/v1/me/email`: the new address, confirmed by the current pass-phrase. A code goes
/// to the new address and a notice to the old one; nothing changes until the code is given.
#[derive(Clone, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EmailChangeRequest {
    #[cfg_attr(feature = "openapi", schema(format = Email))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub password: String,
}
redacted_debug!(EmailChangeRequest { email });

/// The answer to an email change: where the code went, and until when it works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EmailChangePending {
    pub email: String,
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/v1/me/email/confirm`, `POST /api/v1/me/totp/confirm`: a code the person was given.
#[derive(Clone, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CodeRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub code: String,
}
redacted_debug!(CodeRequest {});

/// A request confirmed by the current pass-phrase alone (`DELETE /api/v1/me/totp`,
/// `POST /api/v1/me/recovery-codes`).
#[derive(Clone, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PassphraseConfirmation {
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub password: String,
}
redacted_debug!(PassphraseConfirmation {});

/// `POST /api/v1/me/totp`: a new secret to add to an authenticator app, shown as a QR code and
/// as text. It takes effect once a code from it is confirmed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TotpEnrolment {
    /// The secret in base32, grouped for typing by hand.
    pub secret: String,
    /// The `otpauth://totp/…` address the QR code holds.
    pub otpauth_uri: String,
    /// The QR code as an SVG document.
    pub qr_svg: String,
}
redacted_debug!(TotpEnrolment {});

/// One-time recovery codes, shown once (only their hashes are kept).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}
redacted_debug!(RecoveryCodes {});

/// `GET`/`PUT /api/v1/me/notices`: which notices the person gets by email. Security notices
/// (pass-phrase changed, a new device, an address change) always go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NoticePreferences {
    /// "You have a new secure message".
    pub messages: bool,
    /// "A new test result is available".
    pub results: bool,
}

/// `POST /api/v1/patients/{patient_id}/invitation`: invite the patient of this chart to open
/// their account. The date of birth on the chart is asked at activation.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitationRequest {
    #[cfg_attr(feature = "openapi", schema(format = Email))]
    pub email: String,
}

/// An invitation sent: to whom, and until when its code works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitationSent {
    pub email: String,
    pub expires_at: DateTime<Utc>,
}
