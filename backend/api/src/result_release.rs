//! When results are released to the patient: the practice's rule, a patient's preference, the
//! state of one result ([`ResultRelease`]) and a physician's review with its note. (Apart from
//! `record_access`, which holds the record's pages: `record::ResultReport` carries a release
//! and a review, and `record_access` names `record`'s entries.)

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// When the practice releases results to patients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReleaseRule {
    /// As soon as the result is in the chart (the 21st Century Cures Act's default).
    AtOnce,
    /// This many days after the result was issued, or once a physician has reviewed it, if
    /// sooner.
    AfterDays { days: u32 },
    /// Once a physician has reviewed it.
    AfterReview,
}

/// Most days a [`ReleaseRule::AfterDays`] may hold results back.
pub const MAX_RELEASE_DELAY_DAYS: u32 = 30;

/// `GET`/`PUT /api/v1/practice/result-release` (setting it: admins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResultReleaseSetting {
    pub rule: ReleaseRule,
}

/// `GET`/`PUT /api/v1/me/result-preferences` (patients).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResultPreferences {
    /// Show results only once a physician has reviewed them, whatever the practice's rule.
    pub only_after_review: bool,
}

/// Whether the patient sees a result yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ResultRelease {
    /// Released to the patient at this time.
    Released { at: DateTime<Utc> },
    /// Held back: until this time (a delay), or until a physician reviews it (`reviewer`:
    /// whose review it waits for, by name, when the patient has a physician).
    Waiting {
        until: Option<DateTime<Utc>>,
        reviewer: Option<String>,
    },
}

/// A physician's review of a result, with the note the patient reads beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResultReview {
    /// Who reviewed it, by name.
    pub by: String,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
}

/// Longest note a review may carry (characters).
pub const MAX_REVIEW_NOTE: u32 = 2000;

/// `POST /api/v1/patients/{patient_id}/record/results/{result_id}/review` (physicians).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReviewRequest {
    pub note: Option<String>,
}
