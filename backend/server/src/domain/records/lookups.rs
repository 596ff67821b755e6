//! The few fields of a resource that stay clear beside its sealed JSON, so lookups need not
//! open every resource: its code (system and code of the first coding), when it happened, and
//! its status. Everything else, names included, is only in the sealed JSON.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

/// The clear fields of one resource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lookup {
    pub code_system: Option<String>,
    pub code: Option<String>,
    /// When it happened (its start, for a period), to the precision the resource gives.
    pub effective_at: Option<DateTime<Utc>>,
    pub status: Option<String>,
}

/// The fields that say what a resource is, first found first.
const CODE_FIELDS: [&str; 3] = ["code", "vaccineCode", "medicationCodeableConcept"];

/// The fields that say when, first found first (a period's `start`).
const WHEN_FIELDS: [&str; 16] = [
    "effectiveDateTime",
    "effectiveInstant",
    "effectivePeriod",
    "issued",
    "period",
    "onsetDateTime",
    "onsetPeriod",
    "occurrenceDateTime",
    "performedDateTime",
    "performedPeriod",
    "authoredOn",
    "recordedDate",
    "date",
    "billablePeriod",
    "created",
    "birthDate",
];

impl Lookup {
    pub fn of(resource: &Value) -> Self {
        let coding = CODE_FIELDS
            .iter()
            .find_map(|field| resource.get(field)?.get("coding")?.as_array()?.first());
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        let effective_at = WHEN_FIELDS.iter().find_map(|field| {
            let value = resource.get(field)?;
            let when = value.as_str().or_else(|| value.get("start")?.as_str())?;
            parse_fhir_time(when)
        });
        let status = text(resource.get("status")).or_else(|| {
            text(
                resource
                    .get("clinicalStatus")
                    .and_then(|s| s.get("coding")?.as_array()?.first()?.get("code")),
            )
        });
        Self {
            code_system: text(coding.and_then(|c| c.get("system"))),
            code: text(coding.and_then(|c| c.get("code"))),
            effective_at,
            status,
        }
    }
}

/// A FHIR `date`, `dateTime` or `instant` (`2019`, `2019-03`, `2019-03-04`, or with a time and
/// offset) as the instant it starts at (UTC when it has no offset).
pub fn parse_fhir_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    let date = match text.len() {
        4 => NaiveDate::from_ymd_opt(text.parse().ok()?, 1, 1)?,
        7 => NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").ok()?,
        10 => NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?,
        _ => return None,
    };
    Some(date.and_hms_opt(0, 0, 0)?.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_observation_gives_its_code_time_and_status() {
        let obs = json!({
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}, {"system": "x", "code": "y"}]},
            "effectiveDateTime": "2019-03-04T10:00:00-05:00"
        });
        let lookup = Lookup::of(&obs);
        assert_eq!(lookup.code_system.as_deref(), Some("http://loinc.org"));
        assert_eq!(lookup.code.as_deref(), Some("29463-7"));
        assert_eq!(lookup.status.as_deref(), Some("final"));
        assert_eq!(lookup.effective_at, parse_fhir_time("2019-03-04T15:00:00Z"));
    }

    #[test]
    fn a_condition_gives_its_clinical_status_and_onset_period() {
        let condition = json!({
            "clinicalStatus": {"coding": [{"code": "active"}]},
            "onsetPeriod": {"start": "2001-02"}
        });
        let lookup = Lookup::of(&condition);
        assert_eq!(lookup.status.as_deref(), Some("active"));
        assert_eq!(lookup.effective_at, parse_fhir_time("2001-02-01"));
        assert_eq!(lookup.code, None);
    }

    #[test]
    fn partial_dates_start_at_their_first_instant() {
        assert_eq!(
            parse_fhir_time("2019").map(|t| t.to_rfc3339()).as_deref(),
            Some("2019-01-01T00:00:00+00:00")
        );
        assert_eq!(parse_fhir_time("2019-13"), None);
        assert_eq!(parse_fhir_time("yesterday"), None);
    }
}
