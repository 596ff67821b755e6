//! A patient's record as the portal shows it: the summary, one entry type per section (visits,
//! results, medications, allergies, problems, immunizations, procedures, care plans, documents)
//! and a result's series for a trend chart.
//!
//! The service makes these from the chart's FHIR R4 resources. Every label is the chart's own
//! words (a code's text or display, else the code itself): nothing is written for the patient
//! that the chart does not say. A FHIR status stays its FHIR code (`active`, `stopped`,
//! `completed`…); the app puts it in words.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// How much of a date the chart gives: FHIR dates may be only a year or a year and month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DatePrecision {
    Year,
    Month,
    Day,
}

/// When something happened, as the chart says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChartDate {
    /// The calendar date as written in the chart (in the chart's own time zone); a date of
    /// [`DatePrecision::Year`] or [`DatePrecision::Month`] is the first day of that period.
    pub date: NaiveDate,
    pub precision: DatePrecision,
    /// The instant, when the chart gives a time of day.
    pub at: Option<DateTime<Utc>>,
}

/// A coded thing (a condition, a test, a vaccine…) in the chart's words.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Coded {
    /// What to show: the concept's text, else its first coding's display, else its code.
    pub text: String,
    /// The code system of the first coding that has a code (`http://loinc.org`…).
    pub system: Option<String>,
    pub code: Option<String>,
}

/// The patient the record belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChartPatient {
    /// The Patient resource's FHIR id.
    pub id: String,
    /// The official (else the first) name as written, prefixes and suffixes included.
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    /// FHIR administrative gender (`female`, `male`, `other`, `unknown`).
    pub gender: Option<String>,
}

/// `GET /api/v1/patients/{patient_id}/record`: the summary a patient sees first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecordSummary {
    pub patient: ChartPatient,
    /// Problems whose clinical status is active, recurrence or relapse, newest first.
    pub active_problems: Vec<ProblemEntry>,
    /// Allergies and intolerances still active (or with no clinical status), newest first.
    pub allergies: Vec<AllergyEntry>,
    /// Medications whose status is active, newest first.
    pub current_medications: Vec<MedicationEntry>,
    /// Each vaccine once, with its latest dose, the latest first.
    pub immunizations: Vec<VaccineSummary>,
    /// The earliest visit after now that is not cancelled.
    pub next_visit: Option<VisitEntry>,
    /// The latest visit that has started and is not planned or cancelled.
    pub last_visit: Option<VisitEntry>,
}

/// One vaccine in the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VaccineSummary {
    pub vaccine: Coded,
    /// The latest dose given.
    pub last_given: Option<ChartDate>,
    /// Doses of this vaccine the chart records as given.
    pub doses: u32,
}

/// A visit (FHIR Encounter) and what was done and found at it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VisitEntry {
    pub id: String,
    pub start: Option<ChartDate>,
    pub end: Option<ChartDate>,
    /// FHIR code: `planned`, `arrived`, `in-progress`, `finished`, `cancelled`…
    pub status: String,
    /// The encounter class's code (`AMB` ambulatory, `EMER` emergency, `IMP` inpatient…).
    pub class: Option<String>,
    /// The visit's types ("Encounter for check up").
    pub kinds: Vec<Coded>,
    /// The clinicians who took part, by name.
    pub clinicians: Vec<String>,
    /// The organization that provided the visit, by name.
    pub provider: Option<String>,
    /// Why: the reason codes and the conditions the visit was for.
    pub reasons: Vec<Coded>,
    /// Problems diagnosed at this visit.
    pub diagnoses: Vec<Coded>,
    /// Procedures done.
    pub procedures: Vec<Coded>,
    /// Vaccines given.
    pub immunizations: Vec<Coded>,
    /// Medications prescribed or recorded.
    pub medications: Vec<Coded>,
    /// Results recorded (measurements and tests), in the chart's order.
    pub results: Vec<ResultValue>,
}

/// Whether a result lies outside what is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResultFlag {
    Normal,
    High,
    Low,
    Abnormal,
    CriticallyHigh,
    CriticallyLow,
    CriticallyAbnormal,
}

impl ResultFlag {
    /// Anything but [`ResultFlag::Normal`].
    pub fn is_out_of_range(self) -> bool {
        self != ResultFlag::Normal
    }
}

/// Where a result's flag comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FlagSource {
    /// The laboratory's or clinician's interpretation in the chart.
    Interpretation,
    /// The value compared with its reference range (the chart gave no interpretation).
    ReferenceRange,
}

/// What is expected of a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReferenceRange {
    /// Lowest expected value, inclusive.
    pub low: Option<f64>,
    /// Highest expected value, inclusive.
    pub high: Option<f64>,
    /// The unit of `low` and `high`.
    pub unit: Option<String>,
    /// The range in words, when the chart gives it so.
    pub text: Option<String>,
}

/// What a result says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ObservedValue {
    /// A measured quantity.
    Number {
        value: f64,
        unit: Option<String>,
        /// `<`, `<=`, `>=` or `>` when the value is a bound ("< 5").
        comparator: Option<String>,
    },
    /// A coded answer ("Never smoker").
    Coded {
        value: Coded,
    },
    Text {
        value: String,
    },
    Boolean {
        value: bool,
    },
}

impl ObservedValue {
    /// The number, when this is one.
    pub fn number(&self) -> Option<f64> {
        match self {
            ObservedValue::Number { value, .. } => Some(*value),
            _ => None,
        }
    }
}

/// One part of a result measured in parts (a blood pressure's systolic and diastolic).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResultComponent {
    pub name: Coded,
    pub value: Option<ObservedValue>,
    pub reference_range: Option<ReferenceRange>,
    pub flag: Option<ResultFlag>,
    pub flag_source: Option<FlagSource>,
}

/// One result (FHIR Observation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResultValue {
    /// The Observation's FHIR id.
    pub id: String,
    pub name: Coded,
    pub date: Option<ChartDate>,
    /// FHIR code: `final`, `preliminary`, `amended`…
    pub status: String,
    /// None when the result is measured in parts ([`ResultValue::components`]) or was not
    /// obtained.
    pub value: Option<ObservedValue>,
    pub reference_range: Option<ReferenceRange>,
    pub flag: Option<ResultFlag>,
    pub flag_source: Option<FlagSource>,
    pub components: Vec<ResultComponent>,
    /// Notes the chart holds about this result.
    pub notes: Vec<String>,
}

/// A report of results (FHIR DiagnosticReport), or one result reported on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResultReport {
    /// The DiagnosticReport's FHIR id, or the Observation's for a result on its own.
    pub id: String,
    /// Whether this is a DiagnosticReport (else one Observation).
    pub is_report: bool,
    pub name: Coded,
    /// The categories ("Laboratory", "vital-signs").
    pub categories: Vec<Coded>,
    pub date: Option<ChartDate>,
    /// When the report was issued.
    pub issued: Option<DateTime<Utc>>,
    pub status: String,
    /// Who reported it, by name.
    pub performers: Vec<String>,
    pub values: Vec<ResultValue>,
    /// The report's conclusion as written.
    pub conclusion: Option<String>,
    /// Whether any value or component is flagged out of range.
    pub has_flags: bool,
    /// Whether the patient sees it yet, by the practice's release rule and the patient's
    /// preference (set by the service; none where no rule was applied).
    #[serde(default)]
    pub release: Option<ResultRelease>,
    /// A physician's review, with the note the patient reads beside the result.
    #[serde(default)]
    pub review: Option<ResultReview>,
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

/// `GET …/record/results/{code}/series`: one code over time, for a trend chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ResultSeries {
    /// The code asked for (a LOINC code).
    pub code: String,
    /// Its name as the newest result says it.
    pub name: Option<Coded>,
    /// One line per measured part and unit: one for a weight, two for a blood pressure
    /// (systolic, diastolic). Lines with the most points first.
    pub lines: Vec<SeriesLine>,
}

/// One line of a trend chart: values of one code in one unit, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SeriesLine {
    /// The code of the values (a component's code for a blood pressure's part).
    pub code: String,
    pub name: Coded,
    pub unit: Option<String>,
    /// The newest value's reference range, to draw as a band.
    pub reference_range: Option<ReferenceRange>,
    pub points: Vec<SeriesPoint>,
}

/// One value on a trend chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SeriesPoint {
    /// The Observation's FHIR id.
    pub observation_id: String,
    pub date: ChartDate,
    pub value: f64,
    pub flag: Option<ResultFlag>,
}

/// How the chart records a medication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MedicationSource {
    /// A prescription (FHIR MedicationRequest).
    Prescription,
    /// A medication the patient takes or took, as reported (FHIR MedicationStatement).
    Statement,
}

/// A medication, current or past.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MedicationEntry {
    pub id: String,
    pub source: MedicationSource,
    pub name: Coded,
    /// FHIR code: `active`, `stopped`, `completed`, `on-hold`…
    pub status: String,
    /// Whether it is current (status `active`).
    pub active: bool,
    /// When it was prescribed or started.
    pub start: Option<ChartDate>,
    /// When it ended, when the chart says (a reported medication's period; a prescription
    /// has none).
    pub end: Option<ChartDate>,
    /// Who prescribed it, by name.
    pub prescriber: Option<String>,
    /// The dosage instructions as written.
    pub dosage: Vec<String>,
    /// Take only when needed.
    pub as_needed: bool,
    pub reasons: Vec<Coded>,
}

/// How serious a reaction was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReactionSeverity {
    Mild,
    Moderate,
    Severe,
}

/// How dangerous a future reaction could be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AllergyCriticality {
    Low,
    High,
    UnableToAssess,
}

/// One reaction to an allergy's substance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AllergyReaction {
    /// What happened ("Hives").
    pub manifestations: Vec<Coded>,
    pub severity: Option<ReactionSeverity>,
    pub description: Option<String>,
    /// The substance this reaction was to, when the chart names it more precisely.
    pub substance: Option<Coded>,
}

/// An allergy or intolerance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AllergyEntry {
    pub id: String,
    pub substance: Coded,
    /// FHIR clinical status: `active`, `inactive`, `resolved`.
    pub clinical_status: Option<String>,
    pub active: bool,
    /// `allergy` or `intolerance`.
    pub kind: Option<String>,
    /// `food`, `medication`, `environment`, `biologic`.
    pub categories: Vec<String>,
    pub criticality: Option<AllergyCriticality>,
    pub reactions: Vec<AllergyReaction>,
    /// The most serious of the reactions' severities.
    pub severity: Option<ReactionSeverity>,
    pub onset: Option<ChartDate>,
    pub recorded: Option<ChartDate>,
}

/// A problem (FHIR Condition), current or past.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProblemEntry {
    pub id: String,
    pub name: Coded,
    /// FHIR clinical status: `active`, `recurrence`, `relapse`, `inactive`, `remission`, `resolved`.
    pub clinical_status: Option<String>,
    pub active: bool,
    pub onset: Option<ChartDate>,
    /// When it ended.
    pub resolved: Option<ChartDate>,
    pub recorded: Option<ChartDate>,
    pub categories: Vec<Coded>,
    pub severity: Option<Coded>,
}

/// A vaccine given (or recorded as not given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ImmunizationEntry {
    pub id: String,
    pub vaccine: Coded,
    /// FHIR code: `completed`, `not-done`.
    pub status: String,
    pub date: Option<ChartDate>,
    /// Who gave it, by name.
    pub performers: Vec<String>,
    /// Where it was given, by name.
    pub location: Option<String>,
    pub lot_number: Option<String>,
    pub site: Option<Coded>,
    /// The dose as written ("0.5 mL").
    pub dose: Option<String>,
}

/// A procedure done (or planned).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProcedureEntry {
    pub id: String,
    pub name: Coded,
    /// FHIR code: `completed`, `in-progress`, `not-done`…
    pub status: String,
    pub start: Option<ChartDate>,
    pub end: Option<ChartDate>,
    /// Who did it, by name.
    pub performers: Vec<String>,
    pub reasons: Vec<Coded>,
    pub body_sites: Vec<Coded>,
    pub outcome: Option<Coded>,
}

/// One activity of a care plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CarePlanActivity {
    pub name: Coded,
    /// FHIR code: `not-started`, `scheduled`, `in-progress`, `completed`…
    pub status: Option<String>,
}

/// A care plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CarePlanEntry {
    pub id: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub categories: Vec<Coded>,
    /// FHIR code: `active`, `completed`, `revoked`…
    pub status: String,
    pub active: bool,
    pub start: Option<ChartDate>,
    pub end: Option<ChartDate>,
    /// The problems it is for.
    pub addresses: Vec<Coded>,
    pub activities: Vec<CarePlanActivity>,
}

/// One part of a document: its text when it is text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DocumentContent {
    pub title: Option<String>,
    /// The MIME type the chart gives.
    pub content_type: Option<String>,
    /// The text, when the part is plain text held in the chart (none for a PDF, an image or a
    /// part held elsewhere).
    pub text: Option<String>,
}

/// A document or report the chart holds (a note, an imaging report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DocumentEntry {
    /// The DocumentReference's or DiagnosticReport's FHIR id.
    pub id: String,
    /// What kind of document it is ("History and physical note", "Chest X-ray report").
    pub kind: Option<Coded>,
    pub description: Option<String>,
    pub categories: Vec<Coded>,
    pub date: Option<ChartDate>,
    /// Who wrote it, by name.
    pub authors: Vec<String>,
    /// FHIR code: `current`, `superseded` (a DocumentReference), `final`… (a report).
    pub status: String,
    pub contents: Vec<DocumentContent>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_says_its_kind() {
        let value = ObservedValue::Number {
            value: 72.5,
            unit: Some("kg".into()),
            comparator: None,
        };
        let json = serde_json::to_value(&value).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "number", "value": 72.5, "unit": "kg", "comparator": null})
        );
        assert_eq!(serde_json::from_value::<ObservedValue>(json).unwrap(), value);
        assert_eq!(value.number(), Some(72.5));
    }

    #[test]
    fn a_chart_date_is_a_date() {
        let date = ChartDate {
            date: NaiveDate::from_ymd_opt(2012, 5, 6).unwrap(),
            precision: DatePrecision::Day,
            at: None,
        };
        let json = serde_json::to_value(date).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"date": "2012-05-06", "precision": "day", "at": null})
        );
    }

    #[test]
    fn only_normal_is_in_range() {
        assert!(!ResultFlag::Normal.is_out_of_range());
        assert!(ResultFlag::CriticallyLow.is_out_of_range());
    }
}
