//! The whole record as a FHIR R4 Bundle a patient downloads: a `collection` of every resource
//! of the chart exactly as stored (shown or not), so the file imports back unchanged.
//!
//! The entries have no `fullUrl`: FHIR wants an absolute URL or a `urn:uuid:` there, the portal
//! serves no FHIR endpoint to name, and the chart's references are already `Type/id`, which
//! resolve between the entries of a bundle by their type and id (as the import reads them).

use chrono::{DateTime, SecondsFormat, Utc};

/// The bundle holding `resources` (each a resource's JSON as stored), made at `now`.
pub fn bundle<'a>(resources: impl IntoIterator<Item = &'a str>, now: DateTime<Utc>) -> String {
    let timestamp = now.to_rfc3339_opts(SecondsFormat::Millis, true);
    let mut out = String::with_capacity(64 * 1024);
    out.push_str(r#"{"resourceType":"Bundle","type":"collection","timestamp":""#);
    out.push_str(&timestamp);
    out.push_str(r#"","entry":["#);
    for (n, resource) in resources.into_iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(r#"{"resource":"#);
        // Stored resources are JSON objects (canonical JSON, checked when imported).
        out.push_str(resource);
        out.push('}');
    }
    out.push_str("]}");
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::{json, Value};

    use super::*;
    use crate::domain::records::ChartBundle;

    #[test]
    fn the_bundle_holds_each_resource_as_it_was_and_imports_back_the_same() {
        let patient = r#"{"id":"p1","name":[{"family":"Zoë"}],"resourceType":"Patient"}"#;
        let observation = r#"{"code":{"coding":[{"code":"29463-7","system":"http://loinc.org"}]},"id":"o1","resourceType":"Observation","status":"final","subject":{"reference":"Patient/p1"}}"#;
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
        let text = bundle([patient, observation], now);
        let value: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(value["resourceType"], "Bundle");
        assert_eq!(value["type"], "collection");
        assert_eq!(value["timestamp"], "2026-11-30T12:00:00.000Z");
        assert_eq!(
            value["entry"][1]["resource"]["subject"],
            json!({"reference": "Patient/p1"})
        );

        let read = ChartBundle::parse(text.as_bytes()).expect("imports");
        let stored: Vec<&str> = read.resources.iter().map(|r| r.json.as_str()).collect();
        assert_eq!(stored, [patient, observation]);
        assert_eq!(read.patient.fhir_id, "p1");
    }

    #[test]
    fn an_empty_chart_is_an_empty_collection() {
        let value: Value = serde_json::from_str(&bundle([], Utc::now())).expect("JSON");
        assert_eq!(value["entry"], json!([]));
    }
}
