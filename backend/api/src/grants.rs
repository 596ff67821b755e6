//! Authorized persons (issue 12): a patient lets someone they trust act for them in the
//! portal, with their own sign-in, within what the grant allows, and ends it at any time.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Header naming the patient an authorized person acts for on this request: the patient's
/// chart id, as in `/patients/{patient_id}` (one of `GET /me`'s `acting_for`). Without it the
/// caller acts for themselves. With it, every route that serves health data (threads,
/// attachments, records, patients, result preferences) answers within what the grant allows;
/// a grant that has ended or run out answers 403 `grant_ended` on the next request, and a
/// patient who never authorized the caller answers 404. Routes about the caller's own account
/// and session ignore it.
pub const ACTING_FOR_HEADER: &str = "x-portal-acting-for";

/// What a grant lets its holder do for the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GrantScope {
    /// Read the patient's conversations with the practice.
    ReadMessages,
    /// Write to the practice for the patient (reading comes with it).
    WriteMessages,
    /// See the patient's record, but not test results.
    Record,
    /// See the patient's test results.
    Results,
}

impl GrantScope {
    pub const ALL: [GrantScope; 4] = [
        GrantScope::ReadMessages,
        GrantScope::WriteMessages,
        GrantScope::Record,
        GrantScope::Results,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReadMessages => "read_messages",
            Self::WriteMessages => "write_messages",
            Self::Record => "record",
            Self::Results => "results",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text.trim())
    }
}

/// Where a grant stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GrantStatus {
    /// Sent, not accepted yet.
    Invited,
    /// Accepted, not ended, not past its last day.
    Active,
    /// The invited person said no.
    Declined,
    /// The patient ended it.
    Ended,
    /// Past its last day.
    Expired,
}

/// `POST /api/v1/patients/{patient_id}/grants`: whom to authorize, for what, until when.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GrantRequest {
    /// The person's name, as the patient knows them.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(format = Email))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub scopes: Vec<GrantScope>,
    /// The last day the access works; none: until the patient ends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "string")]
    pub until: Option<NaiveDate>,
}

/// A grant as its patient sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Grant {
    pub id: i64,
    pub patient_id: i64,
    pub grantee_name: String,
    pub grantee_email: String,
    pub scopes: Vec<GrantScope>,
    #[ts(type = "string | null")]
    pub until: Option<NaiveDate>,
    pub status: GrantStatus,
    pub created_at: DateTime<Utc>,
    /// Set up by the practice for a patient who could not do it themselves (a parent of a
    /// child under 12, a legal guardian); the patient's own account may still end it.
    #[serde(default)]
    pub by_practice: bool,
}

/// `GET /api/v1/patients/{patient_id}/grants`: the patient's grants, the newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GrantList {
    pub grants: Vec<Grant>,
}

/// A grant as the person it is given to sees it: whose, for what, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GrantReceived {
    pub id: i64,
    pub patient_id: i64,
    /// The patient's name, as on their chart.
    pub patient_name: String,
    pub scopes: Vec<GrantScope>,
    #[ts(type = "string | null")]
    pub until: Option<NaiveDate>,
    pub status: GrantStatus,
}

/// `GET /api/v1/me/grants`: the grants given to the caller (invitations to accept, and the
/// patients they may act for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GrantsReceived {
    pub grants: Vec<GrantReceived>,
}

/// `POST /api/v1/patients/{patient_id}/grants/by-practice`: the practice (front desk) sets up
/// a grant for a patient who cannot do it themselves, recording why and the document seen. It
/// always has a last day (a child's 12th birthday, for instance).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PracticeGrantRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(format = Email))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub scopes: Vec<GrantScope>,
    /// The last day the access works.
    #[ts(type = "string")]
    pub until: NaiveDate,
    /// Why the patient cannot give it themselves (a parent of a child under 12, a guardian).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub reason: String,
    /// The document the practice saw (a birth certificate, a guardianship order).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub document: String,
}

/// A patient the caller may act for now (`GET /me`), with what they may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ActingFor {
    /// The patient's chart id: send it in [`ACTING_FOR_HEADER`].
    pub patient_id: i64,
    /// The patient's name, as on their chart.
    pub patient_name: String,
    pub scopes: Vec<GrantScope>,
    #[ts(type = "string | null")]
    pub until: Option<NaiveDate>,
}
