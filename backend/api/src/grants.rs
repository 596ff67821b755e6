//! Authorized persons (issue 12): a patient lets someone they trust act for them in the
//! portal, with their own sign-in, within what the grant allows, and ends it at any time.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

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
