//! Importing patients' charts from FHIR R4 bundles (issue 10): every sample bundle, again,
//! changed, broken, and linked to an account; on both databases.

use std::collections::BTreeMap;
use std::path::PathBuf;

use portal_server::clock::Clock;
use portal_server::domain::EmailAddress;
use portal_server::records::import::import_bundle;
use portal_server::records::link::{find_chart, link_by_email};
use portal_server::records::RecordsError;
use portal_server::store::charts;
use serde_json::{json, Value};

use crate::helpers::{TestApp, OTHER_PATIENT, PATIENT};
use crate::on_both_databases;

/// The sample bundles (Synthea): the six shared ones, or the three in the repository.
fn samples() -> Vec<PathBuf> {
    let files = crate::helpers::fhir_samples();
    assert!(files.len() >= 3, "sample bundles: {files:?}");
    files
}

fn counts_in(bundle: &Value) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for entry in bundle["entry"].as_array().expect("entries") {
        *counts
            .entry(entry["resource"]["resourceType"].as_str().expect("type").to_owned())
            .or_insert(0) += 1;
    }
    counts
}

async fn import(app: &TestApp, bundle: &[u8]) -> Result<portal_server::records::import::ImportReport, RecordsError> {
    import_bundle(&app.state.db, &app.state.text_sealer, bundle, app.clock.now()).await
}

async fn stored_counts(app: &TestApp, chart_id: i64) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for r in charts::resources(&app.state.db, &app.state.text_sealer, chart_id)
        .await
        .expect("resources")
    {
        *counts.entry(r.resource_type).or_insert(0) += 1;
    }
    counts
}

async fn every_sample_imports_with_its_counts_and_again_changes_nothing(app: TestApp) {
    let mut charts_seen = Vec::new();
    for file in samples() {
        let bytes = std::fs::read(&file).expect("read");
        let bundle: Value = serde_json::from_slice(&bytes).expect("json");
        let expected = counts_in(&bundle);
        let total: usize = expected.values().sum();

        let first = import(&app, &bytes).await.expect("imported");
        assert!(first.outcome.new_chart);
        assert_eq!(first.counts, expected, "{}", file.display());
        assert_eq!(
            (first.outcome.stored, first.outcome.unchanged, first.outcome.replaced),
            (total, 0, 0)
        );
        assert_eq!(stored_counts(&app, first.outcome.chart_id).await, expected);
        let patient_id = bundle["entry"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["resource"]["resourceType"] == "Patient")
            .map(|e| e["resource"]["id"].as_str().unwrap().to_owned())
            .unwrap();
        assert_eq!(first.patient_fhir_id, patient_id);

        let again = import(&app, &bytes).await.expect("imported again");
        assert_eq!(again.outcome.chart_id, first.outcome.chart_id);
        assert!(!again.outcome.new_chart);
        assert_eq!(
            (again.outcome.stored, again.outcome.unchanged, again.outcome.replaced),
            (0, total, 0)
        );
        assert_eq!(stored_counts(&app, first.outcome.chart_id).await, expected);
        charts_seen.push(first.outcome.chart_id);
    }
    charts_seen.dedup();
    assert_eq!(charts_seen.len(), samples().len(), "one chart per patient");
}
on_both_databases!(every_sample_imports_with_its_counts_and_again_changes_nothing);

/// The first sample with one Observation's value changed and the Patient's name in letters
/// beyond ASCII.
fn changed_sample() -> (Vec<u8>, Vec<u8>, String) {
    let original = std::fs::read(&samples()[0]).expect("read");
    let mut bundle: Value = serde_json::from_slice(&original).expect("json");
    let entries = bundle["entry"].as_array_mut().unwrap();
    let obs = entries
        .iter_mut()
        .find(|e| e["resource"]["resourceType"] == "Observation" && e["resource"]["valueQuantity"]["value"].is_number())
        .expect("an observation with a value");
    obs["resource"]["valueQuantity"]["value"] = json!(12345.5);
    let obs_id = obs["resource"]["id"].as_str().unwrap().to_owned();
    let patient = entries
        .iter_mut()
        .find(|e| e["resource"]["resourceType"] == "Patient")
        .unwrap();
    patient["resource"]["name"] = json!([{"family": "Nguyễn-Øster", "given": ["Zoë", "Łukasz", "明"]}]);
    (original, serde_json::to_vec(&bundle).unwrap(), obs_id)
}

async fn a_changed_resource_replaces_the_stored_one_and_names_survive(app: TestApp) {
    let (original, changed, obs_id) = changed_sample();
    let first = import(&app, &original).await.expect("imported");
    let second = import(&app, &changed).await.expect("imported");
    assert_eq!(second.outcome.chart_id, first.outcome.chart_id);
    assert_eq!(second.outcome.replaced, 2, "the Observation and the Patient");
    assert_eq!(second.outcome.stored, 0);
    assert_eq!(second.outcome.unchanged, first.outcome.stored - 2);

    let stored = charts::resources(&app.state.db, &app.state.text_sealer, first.outcome.chart_id)
        .await
        .expect("resources");
    assert_eq!(stored.len(), first.outcome.stored, "replaced, not added");
    let obs = stored.iter().find(|r| r.fhir_id == obs_id).expect("the observation");
    let obs: Value = serde_json::from_str(&obs.json).unwrap();
    assert_eq!(obs["valueQuantity"]["value"], json!(12345.5));
    let patient = stored.iter().find(|r| r.resource_type == "Patient").unwrap();
    let patient: Value = serde_json::from_str(&patient.json).unwrap();
    assert_eq!(patient["name"][0]["family"], "Nguyễn-Øster");
    assert_eq!(patient["name"][0]["given"], json!(["Zoë", "Łukasz", "明"]));

    // At rest the resource is sealed: no name, no code in the clear column.
    let raw: Vec<String> = sqlx::query_scalar("SELECT content FROM chart_resources")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    // Sealed: none of the resource's text shows. (Long words only: a short one such as "Nguy"
    // turns up by chance in a few percent of runs' base64.)
    assert!(raw
        .iter()
        .all(|c| c.starts_with("v1.") && !c.contains("resourceType") && !c.contains("Conroy")));
}
on_both_databases!(a_changed_resource_replaces_the_stored_one_and_names_survive);

async fn a_broken_bundle_is_refused_whole_and_nothing_is_stored(app: TestApp) {
    let original = std::fs::read(&samples()[1]).expect("read");
    let bundle: Value = serde_json::from_slice(&original).unwrap();
    let mut bad_field = bundle.clone();
    let last = bad_field["entry"].as_array().unwrap().len() - 1;
    bad_field["entry"][last]["resource"]["status"] = json!(["not", "a", "code"]);
    let mut dangling = bundle.clone();
    let obs = dangling["entry"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["resource"]["resourceType"] == "Observation")
        .unwrap();
    dangling["entry"][obs]["resource"]["subject"]["reference"] = json!("urn:uuid:00000000-0000-0000-0000-000000000000");
    let cases: Vec<(Vec<u8>, String)> = vec![
        (original[..original.len() / 2].to_vec(), "the file is not JSON".into()),
        (serde_json::to_vec(&bad_field).unwrap(), format!("entry[{last}] (")),
        (
            serde_json::to_vec(&dangling).unwrap(),
            format!("entry[{obs}] (Observation), field resource.subject.reference: refers to an entry that is not in the bundle"),
        ),
    ];
    for (bytes, words) in cases {
        let error = import(&app, &bytes).await.expect_err("refused").to_string();
        assert!(error.contains(&words), "{error} should say {words}");
        assert!(error.contains("nothing of it was stored"), "{error}");
    }
    let charts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM charts")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let resources: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM chart_resources")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!((charts, resources), (0, 0));
}
on_both_databases!(a_broken_bundle_is_refused_whole_and_nothing_is_stored);

async fn a_chart_is_found_and_linked_by_each_kind_of_id(app: TestApp) {
    let report = import(&app, &std::fs::read(&samples()[0]).unwrap())
        .await
        .expect("imported");
    let chart_id = report.outcome.chart_id;
    let bundle: Value = serde_json::from_slice(&std::fs::read(&samples()[0]).unwrap()).unwrap();
    let patient = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["resource"]["resourceType"] == "Patient")
        .unwrap();
    let mrn = patient["resource"]["identifier"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"]["coding"][0]["code"] == "MR")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_owned();
    for key in [chart_id.to_string(), report.patient_fhir_id.clone(), mrn] {
        assert_eq!(
            find_chart(&app.state.db, &key).await.expect("found").id,
            chart_id,
            "{key}"
        );
    }
    assert!(matches!(
        find_chart(&app.state.db, "nobody").await,
        Err(RecordsError::NoChart)
    ));

    let db = &app.state.db;
    let now = app.clock.now();
    let email = EmailAddress::parse(PATIENT.email).unwrap();
    let linked = link_by_email(db, &report.patient_fhir_id, &email, now)
        .await
        .expect("linked");
    assert_eq!(linked.id, chart_id);
    link_by_email(db, &chart_id.to_string(), &email, now)
        .await
        .expect("again: nothing changes");
    let row = charts::by_id(db, chart_id).await.unwrap().unwrap();
    assert!(row.user_id.is_some());

    let other = EmailAddress::parse(OTHER_PATIENT.email).unwrap();
    let taken = link_by_email(db, &chart_id.to_string(), &other, now)
        .await
        .expect_err("taken");
    assert!(
        taken.to_string().contains("already linked to another account"),
        "{taken}"
    );
    let second = import(&app, &std::fs::read(&samples()[1]).unwrap()).await.unwrap();
    let one_chart_each = link_by_email(db, &second.patient_fhir_id, &email, now)
        .await
        .expect_err("one chart each");
    assert!(
        one_chart_each.to_string().contains("already linked to another chart"),
        "{one_chart_each}"
    );
    let staff = EmailAddress::parse(crate::helpers::STAFF.email).unwrap();
    assert!(matches!(
        link_by_email(db, &second.patient_fhir_id, &staff, now).await,
        Err(RecordsError::NotAPatient)
    ));
}
on_both_databases!(a_chart_is_found_and_linked_by_each_kind_of_id);
