//! Request and response bodies of `/api/v1`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::people::{Pool, Role};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `POST /api/v1/auth/login`
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoginRequest {
    #[cfg_attr(feature = "openapi", schema(format = Email))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub password: String,
    /// What the app calls the device it runs on ("Patient Portal on Linux, front-desk-2"),
    /// shown in the person's list of sessions; at most [`MAX_DEVICE_NAME`] characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub device: Option<String>,
    /// The second factor, when the account has one: a 6-digit code from the authenticator
    /// app, or one of the recovery codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub totp: Option<String>,
}

/// Longest device name a sign-in may give, in characters.
pub const MAX_DEVICE_NAME: u32 = 100;

/// One open session of the caller's: a device signed in to their account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SessionInfo {
    pub id: i64,
    /// The device, as the app named it at sign-in (none for a client that did not).
    pub device: Option<String>,
    /// The address it signed in from.
    pub signed_in_from: Option<String>,
    pub started_at: DateTime<Utc>,
    pub last_active_at: DateTime<Utc>,
    /// Whether this is the session the request came with.
    pub current: bool,
}

/// `GET /api/v1/me/sessions`: the caller's open sessions, the most recently active first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SessionList {
    pub sessions: Vec<SessionInfo>,
}

/// `POST /api/v1/me/sessions/end-others`: how many sessions were ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SessionsEnded {
    pub ended: u32,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// A signed-in person, as the portal shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// A staff member's triage pools (they see only these pools' threads); empty for others.
    #[serde(default)]
    pub pools: Vec<Pool>,
    /// Whether the address is verified (notices go only to a verified address).
    #[serde(default)]
    pub email_verified: bool,
    /// Whether the account has a second factor (TOTP).
    #[serde(default)]
    pub second_factor: bool,
}

/// Answer to a successful sign-in. The token is a bearer secret: keep it in memory only.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoginResponse {
    pub token: String,
    /// When the session ends at the latest (absolute lifetime); idle sessions end sooner.
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

impl std::fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginResponse")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("user", &self.user)
            .finish()
    }
}

/// `GET /api/v1/me`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MeResponse {
    pub user: User,
    /// Absolute end of this session.
    pub session_expires_at: DateTime<Utc>,
    /// Idle sessions end this many seconds after their last request.
    pub idle_timeout_secs: u64,
    /// The charts the caller may open (`GET /patients/{patient_id}/record`): a patient's own,
    /// once it is linked to their account; none for the care team and admins yet.
    #[serde(default)]
    pub patient_ids: Vec<i64>,
    /// The patients who authorized the caller and whom they may act for now (send one's id
    /// in `x-portal-acting-for`); empty for most people.
    #[serde(default)]
    pub acting_for: Vec<crate::grants::ActingFor>,
}

/// `GET /api/v1/practice`: who runs this portal and how to reach them by phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PracticeInfo {
    pub name: String,
    /// The number to call for urgent requests (the portal is never for emergencies).
    pub phone: String,
}

/// `GET /api/v1/policy`: the current portal policy and the caller's acceptance of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[ts(rename = "Policy")]
pub struct PolicyResponse {
    pub version: i64,
    /// The language of `title` and `text`: the one asked for (`Accept-Language`) when the
    /// version has a text in it, else English.
    #[serde(default)]
    pub language: Language,
    pub title: String,
    pub text: String,
    pub published_at: DateTime<Utc>,
    /// When the caller accepted this version, or null if not yet.
    pub accepted_at: Option<DateTime<Utc>>,
}

/// A language the portal's texts are written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub enum Language {
    #[default]
    #[serde(rename = "en")]
    English,
    #[serde(rename = "es")]
    Spanish,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::Spanish];

    /// The tag: "en" or "es".
    pub fn as_str(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Spanish => "es",
        }
    }

    /// The language an `Accept-Language` header asks for: of the ranges it lists, the one
    /// with the highest weight whose primary tag is a language the portal has (the first of
    /// equal weights); English when it names none (or cannot be read).
    pub fn from_accept_language(header: &str) -> Language {
        let mut best: Option<(f32, Language)> = None;
        for range in header.split(',').take(32) {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let primary = tag.split('-').next().unwrap_or_default().to_ascii_lowercase();
            let Some(language) = Language::ALL.into_iter().find(|l| l.as_str() == primary) else {
                continue;
            };
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if weight > 0.0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, language));
            }
        }
        best.map_or(Language::English, |(_, language)| language)
    }
}

/// `POST /api/v1/policy/{version}/accept`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PolicyAcceptance {
    pub version: i64,
    pub accepted_at: DateTime<Utc>,
}

#[cfg(test)]
mod language_tests {
    use super::Language;

    #[test]
    fn accept_language_picks_the_weightiest_language_the_portal_has() {
        for (header, expected) in [
            ("es-MX", Language::Spanish),
            ("es-US,es;q=0.9,en;q=0.8", Language::Spanish),
            ("en-US,es;q=0.5", Language::English),
            ("fr-CA,es;q=0.4,en;q=0.3", Language::Spanish),
            ("fr, de", Language::English),
            ("", Language::English),
            ("es;q=0", Language::English),
            ("en;q=0.2, ES;q=0.9", Language::Spanish),
            (";;;,,=q", Language::English),
        ] {
            assert_eq!(Language::from_accept_language(header), expected, "{header:?}");
        }
    }
}

/// `GET /api/v1/health`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HealthResponse {
    pub status: String,
    pub version: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_text() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("doctor".parse::<Role>().is_err());
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let req = LoginRequest {
            email: "a@b.c".into(),
            password: "hunter2 hunter2".into(),
            device: None,
            totp: Some("123456".into()),
        };
        assert!(!format!("{req:?}").contains("hunter2"));
        assert!(!format!("{req:?}").contains("123456"));
    }
}

/// `GET /api/v1/staff` (admins): the practice's staff and the triage pools each works in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffList {
    pub members: Vec<StaffMember>,
}

/// A staff member as an admin sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffMember {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// The triage pools they work in: they see only these pools' threads.
    pub pools: Vec<Pool>,
    /// When the practice turned their account off; `null` while it is on.
    pub disabled_at: Option<DateTime<Utc>>,
}

/// `PUT /api/v1/users/{id}/disabled` (admins): turn an account off (it can no longer sign in
/// and its sessions end at once; nothing in it is deleted) or back on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccountDisabledRequest {
    pub disabled: bool,
}

/// Whether an account is turned off, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccountStatus {
    pub id: i64,
    /// When the practice turned it off; `null` while it is on.
    pub disabled_at: Option<DateTime<Utc>>,
}

/// `PUT /api/v1/staff/{id}/pools` (admins): the pools a staff member works in (at least one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StaffPoolsRequest {
    pub pools: Vec<Pool>,
}
