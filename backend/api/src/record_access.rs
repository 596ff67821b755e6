//! Around a patient's record: its sections a page at a time, who looked at it, the care team's
//! patient search and its stated reason to open a chart outside their care ("break the glass"),
//! and when results are released to the patient.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

use crate::people::Role;
use crate::record::{
    AllergyEntry, CarePlanEntry, DocumentEntry, ImmunizationEntry, MedicationEntry, ProblemEntry, ProcedureEntry,
    ResultReport, VisitEntry,
};

/// Fewest entries a page may ask for.
pub const MIN_RECORD_PAGE: u32 = 1;
/// Entries per page when the request does not say.
pub const DEFAULT_RECORD_PAGE: u32 = 25;
/// Most entries a page may ask for.
pub const MAX_RECORD_PAGE: u32 = 100;

/// The sections of a record, as `GET …/record/{section}` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum RecordSection {
    Visits,
    Results,
    Medications,
    Allergies,
    Problems,
    Immunizations,
    Procedures,
    CarePlans,
    Documents,
}

impl RecordSection {
    pub const ALL: [RecordSection; 9] = [
        RecordSection::Visits,
        RecordSection::Results,
        RecordSection::Medications,
        RecordSection::Allergies,
        RecordSection::Problems,
        RecordSection::Immunizations,
        RecordSection::Procedures,
        RecordSection::CarePlans,
        RecordSection::Documents,
    ];

    /// The name in the path.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordSection::Visits => "visits",
            RecordSection::Results => "results",
            RecordSection::Medications => "medications",
            RecordSection::Allergies => "allergies",
            RecordSection::Problems => "problems",
            RecordSection::Immunizations => "immunizations",
            RecordSection::Procedures => "procedures",
            RecordSection::CarePlans => "care-plans",
            RecordSection::Documents => "documents",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// The query of `GET …/record/{section}` and `GET …/access-log`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema, IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PageQuery {
    /// Entries per page ([`MIN_RECORD_PAGE`] to [`MAX_RECORD_PAGE`], default [`DEFAULT_RECORD_PAGE`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// One page of a section's entries, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "section", content = "items", rename_all = "kebab-case")]
pub enum SectionEntries {
    Visits(Vec<VisitEntry>),
    Results(Vec<ResultReport>),
    Medications(Vec<MedicationEntry>),
    Allergies(Vec<AllergyEntry>),
    Problems(Vec<ProblemEntry>),
    Immunizations(Vec<ImmunizationEntry>),
    Procedures(Vec<ProcedureEntry>),
    CarePlans(Vec<CarePlanEntry>),
    Documents(Vec<DocumentEntry>),
}

/// `GET /api/v1/patients/{patient_id}/record/{section}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecordPage {
    pub entries: SectionEntries,
    /// How many entries the section holds in all.
    pub total: u32,
    /// Pass as `cursor` for the next page; none on the last.
    pub next_cursor: Option<String>,
}

/// Which part of a patient's data someone looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AccessedPart {
    /// The record's summary.
    Summary,
    /// A section of the record.
    Section { section: RecordSection },
    /// One result's values over time (its code).
    ResultSeries { code: String },
    /// The whole record, downloaded.
    Export,
    /// The list of the patient's conversations.
    Conversations,
    /// One conversation with its messages.
    Conversation,
    /// A file sent in a conversation.
    Attachment,
    /// The stated reason to open a chart outside one's care ("break the glass").
    BreakTheGlass,
}

/// One look at a patient's data by someone other than the patient, or the same person's
/// repeated looks at the same part within an hour (an open list refreshing itself, say), told
/// once: `times` looks from `first_at` to `at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccessLogEntry {
    /// When they looked (the latest of the repeated looks).
    pub at: DateTime<Utc>,
    /// The first of the repeated looks (`at` for a single look).
    pub first_at: DateTime<Utc>,
    /// How many looks this entry tells (at least 1).
    pub times: u32,
    /// Who looked, by name.
    pub who: String,
    pub role: Role,
    pub what: AccessedPart,
    /// Whether this look was made outside the person's care of the patient, under a stated
    /// reason ("break the glass").
    pub break_the_glass: bool,
    /// The reason they gave, when they broke the glass.
    pub reason: Option<String>,
    /// Whether the person looked as someone the patient authorized (acting for them).
    #[serde(default)]
    pub authorized_person: bool,
}

/// `GET /api/v1/patients/{patient_id}/access-log`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccessLog {
    pub entries: Vec<AccessLogEntry>,
    pub next_cursor: Option<String>,
}

/// The query of `GET /api/v1/patients`: a name (or part of one), a date of birth
/// (`YYYY-MM-DD` or `MM/DD/YYYY`), or a medical record number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema, IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PatientQuery {
    pub query: String,
}

/// A patient the care team's search found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PatientMatch {
    /// The chart's id (`/patients/{patient_id}/…`).
    pub patient_id: i64,
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    pub mrn: Option<String>,
    /// Whether the caller cares for this patient; otherwise opening the chart needs a stated
    /// reason (`POST …/break-the-glass`).
    pub in_care: bool,
}

/// `GET /api/v1/patients?query=`: at most [`MAX_PATIENT_MATCHES`], by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PatientMatches {
    pub patients: Vec<PatientMatch>,
    /// More patients matched than are listed: the query should say more.
    pub more: bool,
}

/// The most patients one search lists.
pub const MAX_PATIENT_MATCHES: u32 = 25;

/// Shortest patient search accepted (characters, once trimmed).
pub const MIN_PATIENT_QUERY: u32 = 2;
/// Longest patient search accepted (characters).
pub const MAX_PATIENT_QUERY: u32 = 100;

/// Shortest reason accepted to break the glass (characters).
pub const MIN_BREAK_THE_GLASS_REASON: u32 = 10;
/// Longest reason accepted to break the glass (characters).
pub const MAX_BREAK_THE_GLASS_REASON: u32 = 500;

/// `POST /api/v1/patients/{patient_id}/break-the-glass`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BreakTheGlassRequest {
    /// Why the chart must be opened now (shown to the patient in their access log).
    pub reason: String,
}

/// The answer to a [`BreakTheGlassRequest`]: the chart is open to the caller until then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BreakTheGlassGrant {
    pub patient_id: i64,
    pub until: DateTime<Utc>,
}

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

/// Fewest days a [`ReleaseRule::AfterDays`] may hold results back.
pub const MIN_RELEASE_DELAY_DAYS: u32 = 1;
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

/// Longest note a review may carry (characters).
pub const MAX_REVIEW_NOTE: u32 = 2000;

/// `POST /api/v1/patients/{patient_id}/record/results/{result_id}/review` (physicians).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReviewRequest {
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_reads_back_from_its_path_name() {
        for section in RecordSection::ALL {
            assert_eq!(RecordSection::parse(section.as_str()), Some(section));
            assert_eq!(
                serde_json::to_value(section).unwrap(),
                serde_json::json!(section.as_str())
            );
        }
        assert_eq!(RecordSection::parse("care_plans"), None);
    }

    #[test]
    fn a_page_names_its_section() {
        let page = RecordPage {
            entries: SectionEntries::CarePlans(Vec::new()),
            total: 0,
            next_cursor: None,
        };
        assert_eq!(
            serde_json::to_value(&page).unwrap(),
            serde_json::json!({"entries": {"section": "care-plans", "items": []}, "total": 0, "next_cursor": null})
        );
    }
}
