//! The view over the real Synthea sample charts (`shared/fhir-samples` beside the repository):
//! every section shows what each bundle holds, in order, with flags, series and names intact.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use fhir_sdk::r4b::resources::{Bundle, Resource};
use portal_api::{FlagSource, ObservedValue, ResultFlag, ResultReport};
use serde_json::{json, Value};

use super::chart::Chart;
use super::references::References;
use super::{
    allergies, care_plans, dates, documents, immunizations, medications, problems, procedures, results, summary, visits,
};

/// Every sample bundle as JSON, by file name.
fn sample_bundles() -> Vec<(String, Value)> {
    let files = crate::test_samples::fhir_samples();
    assert!(!files.is_empty(), "no sample bundle");
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let json = serde_json::from_slice(&std::fs::read(&path).expect("sample readable")).expect("sample is JSON");
            (name, json)
        })
        .collect()
}

/// A bundle's typed resources and their full URLs.
struct Parsed {
    resources: Vec<Resource>,
    full_urls: Vec<Option<String>>,
}

fn parse(bundle: &Value) -> Parsed {
    let bundle: Bundle = serde_json::from_value(bundle.clone()).expect("sample parses as a FHIR Bundle");
    let (mut resources, mut full_urls) = (Vec::new(), Vec::new());
    for entry in bundle.0.entry.into_iter().flatten() {
        if let Some(resource) = entry.resource {
            resources.push(resource);
            full_urls.push(entry.full_url);
        }
    }
    Parsed { resources, full_urls }
}

/// The lookup a bundle gives: each resource by `Type/id` and by its full URL.
fn lookup(parsed: &Parsed) -> References<'_> {
    let mut references = References::of(&parsed.resources);
    for (resource, url) in parsed.resources.iter().zip(&parsed.full_urls) {
        if let Some(url) = url {
            references.add_as(url.clone(), resource);
        }
    }
    references
}

/// The raw resources of one type.
fn raw<'a>(bundle: &'a Value, resource_type: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| &entry["resource"])
        .filter(move |resource| resource["resourceType"] == resource_type)
}

fn raw_mut<'a>(bundle: &'a mut Value, resource_type: &'a str) -> impl Iterator<Item = &'a mut Value> + 'a {
    bundle["entry"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .map(|entry| &mut entry["resource"])
        .filter(move |resource| resource["resourceType"] == resource_type)
}

fn status_code(resource: &Value, field: &str) -> String {
    resource[field]["coding"][0]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn far_future() -> DateTime<Utc> {
    "2100-01-01T00:00:00Z".parse().unwrap()
}

#[test]
fn every_sample_summary_counts_what_its_bundle_holds() {
    for (name, bundle) in sample_bundles() {
        let parsed = parse(&bundle);
        let references = lookup(&parsed);
        let chart = Chart::new(&parsed.resources, &references);
        let summary = summary::summary(&chart, far_future()).expect("a Patient");

        let patient = raw(&bundle, "Patient").next().unwrap();
        assert_eq!(summary.patient.id, patient["id"].as_str().unwrap(), "{name}");
        let official = &patient["name"][0];
        let expected_name = format!(
            "{} {} {}",
            official["prefix"][0].as_str().unwrap_or(""),
            official["given"][0].as_str().unwrap(),
            official["family"].as_str().unwrap()
        );
        assert_eq!(summary.patient.name, expected_name.trim(), "{name}");
        assert_eq!(
            summary.patient.birth_date.map(|d| d.to_string()).as_deref(),
            patient["birthDate"].as_str()
        );

        let active_conditions = raw(&bundle, "Condition")
            .filter(|c| ["active", "recurrence", "relapse"].contains(&status_code(c, "clinicalStatus").as_str()));
        assert_eq!(
            summary.active_problems.len(),
            active_conditions.count(),
            "{name}: active problems"
        );
        assert!(summary
            .active_problems
            .iter()
            .all(|p| p.active && !p.name.text.is_empty()));

        let active_allergies =
            raw(&bundle, "AllergyIntolerance").filter(|a| status_code(a, "clinicalStatus") == "active");
        assert_eq!(summary.allergies.len(), active_allergies.count(), "{name}: allergies");

        let active_medications = raw(&bundle, "MedicationRequest")
            .chain(raw(&bundle, "MedicationStatement"))
            .filter(|m| m["status"] == "active")
            .count();
        assert_eq!(
            summary.current_medications.len(),
            active_medications,
            "{name}: current medications"
        );
        assert!(summary
            .current_medications
            .iter()
            .all(|m| m.active && !m.name.text.is_empty()));

        let given: Vec<&Value> = raw(&bundle, "Immunization")
            .filter(|i| i["status"] == "completed")
            .collect();
        let vaccines: HashSet<&str> = given
            .iter()
            .map(|i| i["vaccineCode"]["coding"][0]["code"].as_str().unwrap())
            .collect();
        assert_eq!(summary.immunizations.len(), vaccines.len(), "{name}: each vaccine once");
        assert_eq!(
            summary.immunizations.iter().map(|v| v.doses as usize).sum::<usize>(),
            given.len(),
            "{name}: doses"
        );
        assert_newest_first(summary.immunizations.iter().map(|v| v.last_given), &name);

        // Synthea's visits are all in the past: none next, the last is the latest.
        assert_eq!(summary.next_visit, None, "{name}");
        let latest = raw(&bundle, "Encounter")
            .max_by_key(|e| dates::instant(&dates::parse(e["period"]["start"].as_str().unwrap()).unwrap()))
            .unwrap();
        let last = summary.last_visit.expect("a last visit");
        assert_eq!(last.id, latest["id"].as_str().unwrap(), "{name}");
        assert!(
            !last.clinicians.is_empty() && last.provider.is_some(),
            "{name}: who and where"
        );
    }
}

#[test]
fn the_next_visit_is_the_first_after_now() {
    for (name, bundle) in sample_bundles().into_iter().take(2) {
        let parsed = parse(&bundle);
        let references = lookup(&parsed);
        let chart = Chart::new(&parsed.resources, &references);
        let all = visits::visits(&chart);
        let (older, newer) = (&all[2], &all[1]);
        let now = dates::instant(older.start.as_ref().unwrap()) + chrono::Duration::seconds(1);
        let summary = summary::summary(&chart, now).unwrap();
        assert_eq!(summary.next_visit.as_ref().map(|v| &v.id), Some(&newer.id), "{name}");
        assert_eq!(summary.last_visit.as_ref().map(|v| &v.id), Some(&older.id), "{name}");
        assert_eq!(
            summary.last_visit.as_ref(),
            Some(older),
            "{name}: filled in as the visits section shows it"
        );
        // It stays the same until the next visit starts, and not after.
        let until = summary::unchanged_until(&summary).expect("a visit to come");
        assert_eq!(until, dates::instant(newer.start.as_ref().unwrap()), "{name}");
        let just_before = until - chrono::Duration::milliseconds(1);
        assert_eq!(summary::summary(&chart, just_before).as_ref(), Some(&summary), "{name}");
        assert_ne!(summary::summary(&chart, until).as_ref(), Some(&summary), "{name}");
    }
}

#[test]
fn every_section_shows_every_record_of_its_kind_newest_first() {
    for (name, bundle) in sample_bundles() {
        let parsed = parse(&bundle);
        let references = lookup(&parsed);
        let chart = Chart::new(&parsed.resources, &references);
        let count = |t| raw(&bundle, t).count();

        let visits = visits::visits(&chart);
        assert_eq!(visits.len(), count("Encounter"), "{name}: visits");
        assert_newest_first(visits.iter().map(|v| v.start), &name);
        let observations_at_visits: usize = visits.iter().map(|v| v.results.len()).sum();
        assert_eq!(
            observations_at_visits,
            count("Observation"),
            "{name}: every result at its visit"
        );
        let procedures_at_visits: usize = visits.iter().map(|v| v.procedures.len()).sum();
        assert!(procedures_at_visits > 0 && visits.iter().all(|v| !v.kinds.is_empty() && !v.clinicians.is_empty()));

        let problems = problems::problems(&chart);
        assert_eq!(problems.len(), count("Condition"), "{name}: problems");
        assert_newest_first(problems.iter().map(|p| p.onset), &name);
        let resolved = raw(&bundle, "Condition")
            .filter(|c| c.get("abatementDateTime").is_some())
            .count();
        assert_eq!(
            problems.iter().filter(|p| p.resolved.is_some()).count(),
            resolved,
            "{name}: resolved problems"
        );

        let allergies = allergies::allergies(&chart);
        assert_eq!(allergies.len(), count("AllergyIntolerance"), "{name}: allergies");
        assert!(allergies
            .iter()
            .all(|a| a.criticality.is_some() && !a.substance.text.is_empty()));

        let medications = medications::medications(&chart);
        assert_eq!(
            medications.len(),
            count("MedicationRequest") + count("MedicationStatement"),
            "{name}"
        );
        assert_newest_first(medications.iter().map(|m| m.start), &name);
        assert!(
            medications.iter().all(|m| m.prescriber.is_some()),
            "{name}: prescribers by name"
        );

        let immunizations = immunizations::immunizations(&chart);
        assert_eq!(immunizations.len(), count("Immunization"), "{name}: immunizations");
        assert_newest_first(immunizations.iter().map(|i| i.date), &name);

        let procedures = procedures::procedures(&chart);
        assert_eq!(procedures.len(), count("Procedure"), "{name}: procedures");
        assert_newest_first(procedures.iter().map(|p| p.start), &name);

        let care_plans = care_plans::care_plans(&chart);
        assert_eq!(care_plans.len(), count("CarePlan"), "{name}: care plans");
        assert_newest_first(care_plans.iter().map(|p| p.start), &name);
        let active_plans = raw(&bundle, "CarePlan").filter(|p| p["status"] == "active").count();
        assert_eq!(care_plans.iter().filter(|p| p.active).count(), active_plans, "{name}");
        assert!(care_plans
            .iter()
            .all(|p| !p.activities.is_empty() || !p.categories.is_empty()));

        assert_eq!(
            documents::documents(&chart).len(),
            count("DocumentReference"),
            "{name}: documents"
        );
    }
}

#[test]
fn results_are_every_report_and_every_result_on_its_own_newest_first() {
    for (name, bundle) in sample_bundles() {
        let parsed = parse(&bundle);
        let references = lookup(&parsed);
        let chart = Chart::new(&parsed.resources, &references);
        let reports: Vec<&Value> = raw(&bundle, "DiagnosticReport").collect();
        let in_reports: HashSet<&str> = reports
            .iter()
            .flat_map(|r| r["result"].as_array().unwrap())
            .map(|r| r["reference"].as_str().unwrap())
            .collect();
        let full_url_of = |o: &Value| format!("urn:uuid:{}", o["id"].as_str().unwrap());
        let alone = raw(&bundle, "Observation")
            .filter(|o| !in_reports.contains(full_url_of(o).as_str()))
            .count();

        let results = results::results(&chart);
        assert_eq!(
            results.len(),
            reports.len() + alone,
            "{name}: reports and results on their own"
        );
        assert_newest_first(results.iter().map(|r| r.date), &name);
        for report in results.iter().filter(|r| r.is_report) {
            let raw_report = reports.iter().find(|r| r["id"] == report.id.as_str()).unwrap();
            assert_eq!(
                report.values.len(),
                raw_report["result"].as_array().unwrap().len(),
                "{name}: {}",
                report.id
            );
            assert!(report.categories.iter().any(|c| c.code.as_deref() == Some("LAB")));
        }
        let values: usize = results.iter().map(|r| r.values.len()).sum();
        assert_eq!(values, count_observations(&bundle), "{name}: every result once");
        // Synthea gives neither interpretations nor ranges: no flag is made up.
        assert!(
            results
                .iter()
                .all(|r| !r.has_flags && r.values.iter().all(|v| v.flag.is_none())),
            "{name}"
        );
        let numbers = results
            .iter()
            .flat_map(|r| &r.values)
            .filter(|v| matches!(v.value, Some(ObservedValue::Number { .. })));
        assert!(numbers.clone().count() > 0 && numbers.clone().all(|v| v.date.is_some()));
    }
}

fn count_observations(bundle: &Value) -> usize {
    raw(bundle, "Observation").count()
}

#[test]
fn results_are_flagged_by_their_interpretation_else_by_their_range() {
    let Some((_, mut bundle)) = sample_bundles()
        .into_iter()
        .find(|(_, b)| raw(b, "DiagnosticReport").count() > 1)
    else {
        return;
    };
    let lab_ids: Vec<String> = raw(&bundle, "DiagnosticReport").next().unwrap()["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["reference"]
                .as_str()
                .unwrap()
                .trim_start_matches("urn:uuid:")
                .to_owned()
        })
        .collect();
    let (high_id, low_id, normal_id) = (&lab_ids[0], &lab_ids[1], &lab_ids[2]);
    for observation in raw_mut(&mut bundle, "Observation") {
        let id = observation["id"].as_str().unwrap().to_owned();
        let value = observation["valueQuantity"]["value"].as_f64().unwrap_or_default();
        let unit = observation["valueQuantity"]["unit"].clone();
        if &id == high_id {
            observation["referenceRange"] =
                json!([{"low": {"value": value / 4.0, "unit": unit}, "high": {"value": value / 2.0, "unit": unit}}]);
        } else if &id == low_id {
            // The interpretation wins over a range the value lies within.
            observation["referenceRange"] =
                json!([{"low": {"value": 0, "unit": unit}, "high": {"value": value * 2.0, "unit": unit}}]);
            observation["interpretation"] = json!([{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": "L"}]}]);
        } else if &id == normal_id {
            observation["referenceRange"] = json!([{"low": {"value": value, "unit": unit}, "text": "as expected"}]);
        }
    }
    let parsed = parse(&bundle);
    let references = lookup(&parsed);
    let chart = Chart::new(&parsed.resources, &references);
    let results = results::results(&chart);
    let value = |id: &str| {
        results
            .iter()
            .flat_map(|r| &r.values)
            .find(|v| v.id == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (value(high_id).flag, value(high_id).flag_source),
        (Some(ResultFlag::High), Some(FlagSource::ReferenceRange))
    );
    assert_eq!(
        (value(low_id).flag, value(low_id).flag_source),
        (Some(ResultFlag::Low), Some(FlagSource::Interpretation))
    );
    assert_eq!(value(normal_id).flag, Some(ResultFlag::Normal));
    assert_eq!(
        value(normal_id).reference_range.unwrap().text.as_deref(),
        Some("as expected")
    );
    let flagged: Vec<&ResultReport> = results.iter().filter(|r| r.has_flags).collect();
    assert_eq!(flagged.len(), 1, "only the report holding them");
    assert!(flagged[0].is_report && flagged[0].values.iter().any(|v| &v.id == high_id));
}

#[test]
fn a_vital_series_has_every_value_in_date_order() {
    for (name, bundle) in sample_bundles() {
        let parsed = parse(&bundle);
        let references = lookup(&parsed);
        let chart = Chart::new(&parsed.resources, &references);
        for code in ["29463-7", "39156-5"] {
            let mut expected: Vec<(DateTime<Utc>, f64)> = raw(&bundle, "Observation")
                .filter(|o| o["code"]["coding"][0]["code"] == code)
                .map(|o| {
                    let date = dates::parse(o["effectiveDateTime"].as_str().unwrap()).unwrap();
                    (dates::instant(&date), o["valueQuantity"]["value"].as_f64().unwrap())
                })
                .collect();
            expected.sort_by_key(|(at, _)| *at);
            let series = results::series(&chart, code);
            assert_eq!(series.code, code);
            if expected.is_empty() {
                assert!(series.lines.is_empty(), "{name} {code}");
                continue;
            }
            assert_eq!(series.lines.len(), 1, "{name} {code}: one unit");
            let got: Vec<(DateTime<Utc>, f64)> = series.lines[0]
                .points
                .iter()
                .map(|p| (dates::instant(&p.date), p.value))
                .collect();
            assert_eq!(got, expected, "{name} {code}");
            assert!(series.name.is_some() && series.lines[0].unit.is_some());
        }
    }
}

#[test]
fn blood_pressure_gives_both_parts() {
    for (name, bundle) in sample_bundles() {
        let parsed = parse(&bundle);
        let references = lookup(&parsed);
        let chart = Chart::new(&parsed.resources, &references);
        let readings = raw(&bundle, "Observation")
            .filter(|o| o["code"]["coding"][0]["code"] == "55284-4")
            .count();
        assert!(readings > 0, "{name}: Synthea records blood pressures");

        let panel = results::series(&chart, "55284-4");
        let mut lines: Vec<(&str, usize)> = panel.lines.iter().map(|l| (l.code.as_str(), l.points.len())).collect();
        lines.sort();
        assert_eq!(
            lines,
            [("8462-4", readings), ("8480-6", readings)],
            "{name}: diastolic and systolic"
        );
        assert!(panel.lines.iter().all(|l| l.unit.as_deref() == Some("mm[Hg]")));

        let systolic = results::series(&chart, "8480-6");
        assert_eq!(systolic.lines.len(), 1, "{name}");
        assert_eq!(systolic.lines[0].points.len(), readings);
        assert_eq!(
            systolic.name.as_ref().map(|n| n.text.as_str()),
            Some("Systolic Blood Pressure")
        );
        let diastolic = results::series(&chart, "8462-4");
        for (s, d) in systolic.lines[0].points.iter().zip(&diastolic.lines[0].points) {
            assert_eq!(
                s.observation_id, d.observation_id,
                "the same readings, in the same order"
            );
            assert!(s.value > d.value, "{name}: systolic above diastolic");
        }

        let shown = results::results(&chart);
        let reading = shown
            .iter()
            .find(|r| r.name.code.as_deref() == Some("55284-4"))
            .unwrap();
        assert_eq!(reading.values[0].value, None);
        assert_eq!(
            reading.values[0].components.len(),
            2,
            "{name}: both parts shown in the results"
        );
    }
}

#[test]
fn names_that_are_not_ascii_survive() {
    let Some((_, mut bundle)) = sample_bundles().into_iter().next() else {
        return;
    };
    for patient in raw_mut(&mut bundle, "Patient") {
        patient["name"] =
            json!([{"use": "official", "family": "Ñúñez-Øberg", "given": ["Zoë", "Åsa"], "prefix": ["Sra."]}]);
    }
    for practitioner in raw_mut(&mut bundle, "Practitioner") {
        practitioner["name"] = json!([{"family": "Ångström", "given": ["José"], "prefix": ["Dr."]}]);
    }
    for organization in raw_mut(&mut bundle, "Organization") {
        organization["name"] = json!("Clínica Šťastná 東京");
    }
    for condition in raw_mut(&mut bundle, "Condition") {
        condition["code"]["text"] = json!("Maladie de Ménière");
    }
    let parsed = parse(&bundle);
    let references = lookup(&parsed);
    let chart = Chart::new(&parsed.resources, &references);
    let summary = summary::summary(&chart, far_future()).unwrap();
    assert_eq!(summary.patient.name, "Sra. Zoë Åsa Ñúñez-Øberg");
    let last = summary.last_visit.unwrap();
    assert_eq!(last.clinicians, ["Dr. José Ångström"]);
    assert_eq!(last.provider.as_deref(), Some("Clínica Šťastná 東京"));
    assert!(problems::problems(&chart)
        .iter()
        .all(|p| p.name.text == "Maladie de Ménière"));
    let json = serde_json::to_string(&summary::summary(&chart, far_future()).unwrap()).unwrap();
    let round_trip: portal_api::RecordSummary = serde_json::from_str(&json).unwrap();
    assert_eq!(round_trip.patient.name, "Sra. Zoë Åsa Ñúñez-Øberg", "and through JSON");
}

#[test]
fn references_as_the_store_keeps_them_resolve_the_same() {
    // The import rewrites a bundle's `urn:uuid:` references to `Type/id`; the store's lookup
    // knows resources only by `Type/id`.
    let Some((_, bundle)) = sample_bundles().into_iter().next() else {
        return;
    };
    let mut text = serde_json::to_string(&bundle).unwrap();
    for resource in bundle["entry"].as_array().unwrap().iter().map(|e| &e["resource"]) {
        let id = resource["id"].as_str().unwrap();
        let kind = resource["resourceType"].as_str().unwrap();
        text = text.replace(&format!("\"urn:uuid:{id}\""), &format!("\"{kind}/{id}\""));
    }
    let rewritten: Value = serde_json::from_str(&text).unwrap();
    let (urn, relative) = (parse(&bundle), parse(&rewritten));
    let (by_urn, by_type_and_id) = (lookup(&urn), References::of(&relative.resources));
    let (before, after) = (
        Chart::new(&urn.resources, &by_urn),
        Chart::new(&relative.resources, &by_type_and_id),
    );
    assert_eq!(visits::visits(&before), visits::visits(&after));
    assert_eq!(results::results(&before), results::results(&after));
    assert_eq!(
        summary::summary(&before, far_future()),
        summary::summary(&after, far_future())
    );
    assert!(visits::visits(&after).iter().all(|v| !v.clinicians.is_empty()));
}

#[test]
fn a_document_held_as_text_is_shown_as_text() {
    let Some((_, mut bundle)) = sample_bundles().into_iter().next() else {
        return;
    };
    use base64::Engine;
    let note = "Patient seen for a check-up.\nAll well — see you next year.";
    let patient_id = raw(&bundle, "Patient").next().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let practitioner_id = raw(&bundle, "Practitioner").next().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let document = json!({
        "resourceType": "DocumentReference",
        "id": "note-1",
        "status": "current",
        "type": {"coding": [{"system": "http://loinc.org", "code": "34117-2", "display": "History and physical note"}]},
        "subject": {"reference": format!("urn:uuid:{patient_id}")},
        "date": "2019-03-04T10:00:00+01:00",
        "author": [{"reference": format!("urn:uuid:{practitioner_id}")}],
        "content": [
            {"attachment": {"contentType": "text/plain; charset=utf-8", "data": base64::engine::general_purpose::STANDARD.encode(note)}},
            {"attachment": {"contentType": "application/pdf", "data": "JVBERi0=", "title": "Scan"}}
        ]
    });
    let replaced =
        json!({"resourceType": "DocumentReference", "id": "note-0", "status": "entered-in-error", "content": []});
    for resource in [document, replaced] {
        bundle["entry"]
            .as_array_mut()
            .unwrap()
            .push(json!({"fullUrl": format!("urn:uuid:{}", resource["id"].as_str().unwrap()), "resource": resource}));
    }
    let parsed = parse(&bundle);
    let references = lookup(&parsed);
    let chart = Chart::new(&parsed.resources, &references);
    let documents = documents::documents(&chart);
    assert_eq!(documents.len(), 1, "the one entered in error is not shown");
    let shown = &documents[0];
    assert_eq!(
        shown.kind.as_ref().map(|k| k.text.as_str()),
        Some("History and physical note")
    );
    assert_eq!(shown.date.map(|d| d.date.to_string()).as_deref(), Some("2019-03-04"));
    assert_eq!(shown.authors.len(), 1);
    assert_eq!(shown.contents[0].text.as_deref(), Some(note));
    assert_eq!(
        (shown.contents[1].text.as_deref(), shown.contents[1].title.as_deref()),
        (None, Some("Scan"))
    );
}

#[test]
fn a_record_entered_in_error_is_never_shown() {
    let Some((_, mut bundle)) = sample_bundles().into_iter().next() else {
        return;
    };
    let parsed = parse(&bundle);
    let references = lookup(&parsed);
    let chart = Chart::new(&parsed.resources, &references);
    let (problems_before, results_before) = (problems::problems(&chart).len(), results::results(&chart).len());

    let condition = raw_mut(&mut bundle, "Condition").next().unwrap();
    condition["verificationStatus"]["coding"][0]["code"] = json!("entered-in-error");
    let weight = raw_mut(&mut bundle, "Observation")
        .find(|o| o["code"]["coding"][0]["code"] == "29463-7")
        .unwrap();
    weight["status"] = json!("entered-in-error");
    let weight_id = weight["id"].as_str().unwrap().to_owned();

    let parsed = parse(&bundle);
    let references = lookup(&parsed);
    let chart = Chart::new(&parsed.resources, &references);
    assert_eq!(problems::problems(&chart).len(), problems_before - 1);
    assert_eq!(results::results(&chart).len(), results_before - 1);
    let series = results::series(&chart, "29463-7");
    assert!(series.lines[0].points.iter().all(|p| p.observation_id != weight_id));
    assert!(visits::visits(&chart)
        .iter()
        .flat_map(|v| &v.results)
        .all(|r| r.id != weight_id));
}

#[test]
fn a_result_grouping_others_shows_them_inside_it() {
    let Some((_, mut bundle)) = sample_bundles().into_iter().next() else {
        return;
    };
    let members: Vec<String> = raw(&bundle, "Observation")
        .filter(|o| ["8302-2", "29463-7"].contains(&o["code"]["coding"][0]["code"].as_str().unwrap()))
        .take(2)
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    let panel = json!({
        "resourceType": "Observation",
        "id": "vitals-panel",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "85353-1", "display": "Vital signs panel"}]},
        "effectiveDateTime": "2015-01-01T09:00:00Z",
        "hasMember": members.iter().map(|id| json!({"reference": format!("Observation/{id}")})).collect::<Vec<_>>()
    });
    let parsed = parse(&bundle);
    let references = lookup(&parsed);
    let before = results::results(&Chart::new(&parsed.resources, &references)).len();

    bundle["entry"]
        .as_array_mut()
        .unwrap()
        .push(json!({"fullUrl": "urn:uuid:vitals-panel", "resource": panel}));
    let parsed = parse(&bundle);
    let references = lookup(&parsed);
    let results = results::results(&Chart::new(&parsed.resources, &references));
    assert_eq!(
        results.len(),
        before + 1 - members.len(),
        "the members now show inside the panel"
    );
    let shown = results.iter().find(|r| r.id == "vitals-panel").unwrap();
    assert!(!shown.is_report);
    assert_eq!(
        shown.values.iter().map(|v| v.id.clone()).collect::<Vec<_>>(),
        members,
        "the panel has no value of its own"
    );
}

fn assert_newest_first(dates: impl Iterator<Item = Option<portal_api::ChartDate>>, name: &str) {
    let dates: Vec<_> = dates.collect();
    for pair in dates.windows(2) {
        assert!(
            dates::newest_first(pair[0].as_ref(), pair[1].as_ref()).is_le(),
            "{name}: {:?} before {:?}",
            pair[0],
            pair[1]
        );
    }
}
