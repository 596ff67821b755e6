//! A practice's charts for the read benchmark: `patients` patients, each with a chart of
//! `observations` results over visits a month apart (weight, BMI, blood pressure in parts,
//! glucose and HbA1c with reference ranges), a few problems, allergies, medications and
//! vaccines. Each chart is a FHIR R4 bundle imported as `portal-server records import` does
//! (checked, sealed, one transaction), then linked to its patient's account.

use chrono::{Duration, Utc};
use portal_server::records::import::import_bundle;
use portal_server::state::AppState;
use portal_server::store::charts;
use serde_json::{json, Value};

use crate::seed;

/// Results recorded at each visit.
const RESULTS_PER_VISIT: usize = 5;

/// The LOINC code the series read asks for (body weight).
pub const WEIGHT: &str = "29463-7";

pub struct RecordsFixture {
    pub patients: usize,
    pub observations: usize,
    /// Chart ids, with a bearer token of each chart's patient (as many as sessions asked for).
    pub charts: Vec<i64>,
    pub tokens: Vec<String>,
}

pub async fn seed(
    state: &AppState,
    patients: usize,
    observations: usize,
    sessions: usize,
) -> anyhow::Result<RecordsFixture> {
    let db = &state.db;
    portal_server::demo::seed(db, &state.hasher, &state.text_sealer, Utc::now()).await?;
    let ids = seed::seed_patients(db, "records.patient", patients).await?;
    let per_patient = observations / patients.max(1);
    let now = Utc::now();
    let mut chart_ids = Vec::with_capacity(ids.len());
    let mut stored = 0;
    for (n, user_id) in ids.iter().enumerate() {
        let bundle = chart_bundle(n, per_patient);
        let report = import_bundle(db, &state.text_sealer, bundle.to_string().as_bytes(), now).await?;
        stored += report.outcome.stored;
        let chart = charts::by_id(db, report.outcome.chart_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("chart {} not stored", report.outcome.chart_id))?;
        charts::link(db, chart.id, *user_id, now).await?;
        chart_ids.push(chart.id);
    }
    anyhow::ensure!(stored > 0, "nothing was stored");
    let mut tokens = Vec::with_capacity(sessions);
    let mut charts_of_sessions = Vec::with_capacity(sessions);
    for (user_id, chart_id) in ids.iter().zip(&chart_ids).take(sessions) {
        tokens.push(seed::open_session(db, *user_id).await?);
        charts_of_sessions.push(*chart_id);
    }
    seed::analyze(db).await?;
    Ok(RecordsFixture {
        patients: ids.len(),
        observations: per_patient * ids.len(),
        charts: charts_of_sessions,
        tokens,
    })
}

/// Patient `n`'s chart with `observations` results.
pub fn chart_bundle(n: usize, observations: usize) -> Value {
    let patient = format!("bench-{n}");
    let subject = json!({"reference": format!("Patient/{patient}")});
    let mut entries = vec![json!({"resource": {
        "resourceType": "Patient", "id": patient,
        "identifier": [{"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
                        "value": format!("MRN-{n:06}")}],
        "name": [{"use": "official", "family": format!("Benchmark{n}"), "given": ["Río", "José"]}],
        "gender": if n.is_multiple_of(2) { "female" } else { "male" },
        "birthDate": format!("19{:02}-0{}-1{}", 40 + n % 60, 1 + n % 9, n % 10),
    }})];
    let visits = observations.div_ceil(RESULTS_PER_VISIT);
    let first = Utc::now() - Duration::days(30 * visits as i64);
    for v in 0..visits {
        let at = (first + Duration::days(30 * v as i64)).to_rfc3339();
        let encounter = format!("{patient}-visit-{v}");
        entries.push(json!({"resource": {
            "resourceType": "Encounter", "id": encounter, "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
            "type": [{"text": "Follow-up visit"}], "subject": subject,
            "period": {"start": at, "end": at},
        }}));
        let drift = (v % 7) as f64;
        let results = [
            quantity(WEIGHT, "Body weight", 70.0 + drift, "kg", None),
            quantity("39156-5", "Body mass index", 24.0 + drift / 4.0, "kg/m2", None),
            quantity("2339-0", "Glucose", 85.0 + drift * 4.0, "mg/dL", Some((70.0, 99.0))),
            quantity("4548-4", "Hemoglobin A1c", 5.2 + drift / 10.0, "%", Some((4.0, 5.6))),
            json!({"code": {"coding": [{"system": "http://loinc.org", "code": "85354-9", "display": "Blood pressure panel"}]},
            "component": [
                component("8480-6", "Systolic blood pressure", 118.0 + drift * 3.0),
                component("8462-4", "Diastolic blood pressure", 76.0 + drift),
            ]}),
        ];
        for (r, result) in results.into_iter().enumerate() {
            if v * RESULTS_PER_VISIT + r >= observations {
                break;
            }
            let mut resource = json!({
                "resourceType": "Observation", "id": format!("{encounter}-result-{r}"), "status": "final",
                "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],
                "subject": subject, "encounter": {"reference": format!("Encounter/{encounter}")},
                "effectiveDateTime": at, "issued": at,
            });
            merge(&mut resource, result);
            entries.push(json!({ "resource": resource }));
        }
    }
    for (i, (kind, text)) in [
        ("Condition", "Atopic dermatitis"),
        ("Condition", "Seasonal allergic rhinitis"),
        ("AllergyIntolerance", "Penicillin"),
        ("MedicationRequest", "Triamcinolone 0.1% cream"),
        ("Immunization", "Influenza vaccine"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut resource = json!({"resourceType": kind, "id": format!("{patient}-{i}")});
        let extra = match kind {
            "Condition" => json!({"clinicalStatus": {"coding": [{"code": "active"}]}, "code": {"text": text},
                                  "subject": subject, "onsetDateTime": "2019-04-02"}),
            "AllergyIntolerance" => json!({"clinicalStatus": {"coding": [{"code": "active"}]}, "code": {"text": text},
                                           "patient": subject, "reaction": [{"manifestation": [{"text": "Hives"}], "severity": "moderate"}]}),
            "MedicationRequest" => {
                json!({"status": "active", "intent": "order", "medicationCodeableConcept": {"text": text},
                                          "subject": subject, "authoredOn": "2024-02-01"})
            }
            _ => json!({"status": "completed", "vaccineCode": {"text": text}, "patient": subject,
                        "occurrenceDateTime": "2025-10-01"}),
        };
        merge(&mut resource, extra);
        entries.push(json!({ "resource": resource }));
    }
    json!({"resourceType": "Bundle", "type": "collection", "entry": entries})
}

fn quantity(code: &str, name: &str, value: f64, unit: &str, range: Option<(f64, f64)>) -> Value {
    let mut result = json!({
        "code": {"coding": [{"system": "http://loinc.org", "code": code, "display": name}]},
        "valueQuantity": {"value": (value * 10.0).round() / 10.0, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
    });
    if let Some((low, high)) = range {
        result["referenceRange"] =
            json!([{"low": {"value": low, "unit": unit}, "high": {"value": high, "unit": unit}}]);
    }
    result
}

fn component(code: &str, name: &str, value: f64) -> Value {
    json!({"code": {"coding": [{"system": "http://loinc.org", "code": code, "display": name}]},
           "valueQuantity": {"value": value, "unit": "mm[Hg]", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}})
}

fn merge(into: &mut Value, from: Value) {
    if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
        into.extend(from);
    }
}

#[cfg(test)]
mod tests {
    use portal_server::domain::records::ChartBundle;

    use super::*;

    #[test]
    fn a_benchmark_chart_is_a_bundle_the_import_takes() {
        let bundle = chart_bundle(3, 100);
        let chart = ChartBundle::parse(bundle.to_string().as_bytes()).expect("accepted");
        let observations = chart
            .resources
            .iter()
            .filter(|r| r.resource_type == "Observation")
            .count();
        assert_eq!(observations, 100);
        assert_eq!(chart.patient.mrn.as_deref(), Some("MRN-000003"));
    }
}
