//! A patient reads their record's summary (issue 10): their own chart only (and `/me` names
//! it), every other id answers 404 like one that does not exist, and each read is in the audit
//! log; on both databases.

use portal_api::client::{send, ClientError};
use portal_api::RecordSummary;
use portal_server::clock::Clock;
use portal_server::domain::EmailAddress;
use portal_server::records::import::import_bundle;
use portal_server::records::link::link_by_email;
use reqwest::Method;
use sqlx::Row;

use crate::helpers::{api_error, TestApp, OTHER_PATIENT, PATIENT, PHYSICIAN, STAFF};
use crate::on_both_databases;

/// Blair Conroy's chart (the demo's), imported and linked to the demo patient's account.
pub async fn blairs_chart(app: &TestApp) -> i64 {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/demo-charts/blair-conroy.json"
    ))
    .expect("the demo chart");
    let db = &app.state.db;
    let now = app.clock.now();
    let report = import_bundle(db, &app.state.text_sealer, &bytes, now)
        .await
        .expect("imported");
    let email = EmailAddress::parse(PATIENT.email).expect("email");
    link_by_email(db, &report.patient_fhir_id, &email, now)
        .await
        .expect("linked")
        .id
}

async fn summary(
    app: &TestApp,
    token: &portal_api::client::SessionToken,
    id: &str,
) -> Result<RecordSummary, ClientError> {
    send(app.client.authed(Method::GET, &format!("/patients/{id}/record"), token)).await
}

async fn a_patient_reads_their_own_records_summary_and_nobody_elses(app: TestApp) {
    let chart_id = blairs_chart(&app).await;
    let patient = app.login_and_accept(PATIENT).await;
    let mine = summary(&app, &patient, &chart_id.to_string())
        .await
        .expect("own summary");
    assert!(mine.patient.name.contains("Blair"), "{:?}", mine.patient);
    assert_eq!(mine.allergies.len(), 4, "the chart's four allergies");
    assert!(!mine.immunizations.is_empty());
    assert!(mine.last_visit.is_some());

    // Another patient, the front desk (who never opens charts: `records_access` has the care
    // team's reach), an id that does not exist and one that is not a number: the same 404.
    let other = app.login_and_accept(OTHER_PATIENT).await;
    let physician = app.login_and_accept(PHYSICIAN).await;
    let front_desk = app.login_as(STAFF).await;
    for (token, id) in [
        (&other, chart_id.to_string()),
        (&front_desk, chart_id.to_string()),
        (&patient, (chart_id + 1000).to_string()),
        (&patient, "abc".to_owned()),
    ] {
        let (status, code, _, _) = api_error(summary(&app, token, &id).await);
        assert_eq!((status, code), (404, portal_api::ErrorCode::NotFound), "{id}");
    }

    // `/me` names the patient's own chart; the care team finds charts by searching.
    assert_eq!(app.client.me(&patient).await.expect("me").patient_ids, vec![chart_id]);
    assert!(app.client.me(&other).await.expect("me").patient_ids.is_empty());
    assert!(app.client.me(&physician).await.expect("me").patient_ids.is_empty());

    // The read is in the audit log, with whose chart it was.
    let rows = sqlx::query("SELECT action, object FROM audit_events WHERE action = 'record.read'")
        .fetch_all(&app.state.db.pool)
        .await
        .expect("audit");
    assert_eq!(rows.len(), 1, "only the read that was answered");
    assert_eq!(
        rows[0].try_get::<String, _>("object").expect("object"),
        format!("chart:{chart_id}/summary")
    );
}
on_both_databases!(a_patient_reads_their_own_records_summary_and_nobody_elses);

/// Blair's chart as the demo has it, changed by `change`.
fn blairs_bundle_changed(change: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/demo-charts/blair-conroy.json"
    ))
    .expect("the demo chart");
    let mut bundle: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    change(&mut bundle);
    serde_json::to_vec(&bundle).expect("JSON")
}

async fn a_summary_read_again_shows_a_new_import_at_once_and_the_time_passing_a_visit(app: TestApp) {
    let chart_id = blairs_chart(&app).await;
    let patient = app.login_and_accept(PATIENT).await;
    let id = chart_id.to_string();
    let first = summary(&app, &patient, &id).await.expect("summary");
    assert_eq!(first.allergies.len(), 4);
    assert!(first.next_visit.is_none());

    // The chart changes within the same instant (the clock stands still): an allergy is no
    // longer active, and a visit is planned tomorrow.
    let now = app.clock.now();
    let tomorrow = now + chrono::Duration::days(1);
    let changed = blairs_bundle_changed(|bundle| {
        let entries = bundle["entry"].as_array_mut().expect("entries");
        let allergy = entries
            .iter_mut()
            .find(|e| e["resource"]["resourceType"] == "AllergyIntolerance")
            .expect("an allergy");
        allergy["resource"]["clinicalStatus"]["coding"][0]["code"] = "inactive".into();
        let patient = entries[0]["fullUrl"].clone();
        entries.push(serde_json::json!({
            "fullUrl": "urn:uuid:6b1c3f0e-5d7e-4c1e-9a43-2f9d3f0c1a77",
            "resource": {
                "resourceType": "Encounter",
                "id": "6b1c3f0e-5d7e-4c1e-9a43-2f9d3f0c1a77",
                "status": "planned",
                "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
                "subject": {"reference": patient},
                "period": {"start": tomorrow.to_rfc3339(), "end": (tomorrow + chrono::Duration::minutes(30)).to_rfc3339()}
            },
            "request": {"method": "POST", "url": "Encounter"}
        }));
    });
    import_bundle(&app.state.db, &app.state.text_sealer, &changed, now)
        .await
        .expect("imported again");
    let second = summary(&app, &patient, &id).await.expect("summary");
    assert_eq!(
        second.allergies.len(),
        3,
        "the import is read, not the summary kept before"
    );
    let next = second.next_visit.as_ref().expect("the visit planned tomorrow");
    assert_eq!(next.id, "6b1c3f0e-5d7e-4c1e-9a43-2f9d3f0c1a77");
    assert_eq!(
        summary(&app, &patient, &id).await.expect("again"),
        second,
        "kept, the same"
    );

    // Once its time has come it is no longer the next visit (a planned one is not the last).
    app.advance(chrono::Duration::days(2));
    let patient = app.login_and_accept(PATIENT).await;
    let third = summary(&app, &patient, &id).await.expect("summary");
    assert!(third.next_visit.is_none());
    assert_eq!(third.last_visit, first.last_visit);
}
on_both_databases!(a_summary_read_again_shows_a_new_import_at_once_and_the_time_passing_a_visit);
