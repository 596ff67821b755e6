//! A patient reads their record a section at a time, a result's series, and downloads the whole
//! record (issue 10): for every sample chart, each section through the API is what the view
//! makes of the bundle itself, walked in pages; a series is oldest first and finds a blood
//! pressure's parts; the export imports back unchanged; other charts and bad input are refused;
//! every look is audited. On both databases.

use std::path::Path;

use fhir_sdk::r4b::resources::{Bundle, Resource};
use portal_api::client::{send, ClientError, SessionToken};
use portal_api::{ErrorCode, PageQuery, RecordSection, ResultSeries, SectionEntries};
use portal_server::clock::Clock;
use portal_server::domain::records::sections;
use portal_server::domain::records::view::{results, Chart, References};
use portal_server::domain::EmailAddress;
use portal_server::records::import::{import_bundle, ImportReport};
use portal_server::records::link::link_by_email;
use portal_server::store::charts;
use reqwest::Method;
use serde_json::{json, Value};
use sqlx::Row;

use crate::helpers::{api_error, TestApp, OTHER_PATIENT, PATIENT};
use crate::on_both_databases;

/// What the view makes of a bundle file directly (not of the stored chart): its typed
/// resources, with references resolved by `Type/id` and by `fullUrl`.
struct ViewOfBundle {
    resources: Vec<Resource>,
    full_urls: Vec<Option<String>>,
}

impl ViewOfBundle {
    fn read(bytes: &[u8]) -> Self {
        let bundle: Bundle = serde_json::from_slice(bytes).expect("a FHIR Bundle");
        let (mut resources, mut full_urls) = (Vec::new(), Vec::new());
        for entry in bundle.0.entry.into_iter().flatten() {
            if let Some(resource) = entry.resource {
                resources.push(resource);
                full_urls.push(entry.full_url);
            }
        }
        Self { resources, full_urls }
    }

    fn with<T>(&self, view: impl FnOnce(&Chart<'_>) -> T) -> T {
        let mut references = References::of(&self.resources);
        for (resource, url) in self.resources.iter().zip(&self.full_urls) {
            if let Some(url) = url {
                references.add_as(url.clone(), resource);
            }
        }
        view(&Chart::new(&self.resources, &references))
    }
}

/// A section's entries as JSON (the items, whatever the section).
fn items(entries: &SectionEntries) -> Vec<Value> {
    let value = serde_json::to_value(entries).expect("entries");
    value["items"].as_array().expect("items").clone()
}

async fn import(app: &TestApp, bytes: &[u8]) -> ImportReport {
    import_bundle(&app.state.db, &app.state.text_sealer, bytes, app.clock.now())
        .await
        .expect("imported")
}

/// Links chart `fhir_id` to the test patient, after unlinking whichever chart was theirs.
async fn link_to_patient(app: &TestApp, fhir_id: &str) -> i64 {
    sqlx::query("UPDATE charts SET user_id = NULL")
        .execute(&app.state.db.pool)
        .await
        .expect("unlinked");
    let email = EmailAddress::parse(PATIENT.email).expect("email");
    link_by_email(&app.state.db, fhir_id, &email, app.clock.now())
        .await
        .expect("linked")
        .id
}

/// Every page of `section`, `limit` at a time: the entries, and the total each page gave.
async fn walk(
    app: &TestApp,
    token: &SessionToken,
    chart_id: i64,
    section: RecordSection,
    limit: u32,
) -> (Vec<Value>, u32) {
    let mut all = Vec::new();
    let mut cursor = None;
    let mut totals = Vec::new();
    loop {
        let query = PageQuery {
            limit: Some(limit),
            cursor: cursor.take(),
        };
        let page = app
            .client
            .record_section(token, chart_id, section, &query)
            .await
            .expect("a page");
        let mut page_items = items(&page.entries);
        assert!(page_items.len() <= limit as usize, "{section:?}");
        // Results carry their release, which the view leaves to the service: under the
        // practice's default rule each is released (records_release tests the rest).
        for item in page_items.iter_mut().filter(|item| item.get("release").is_some()) {
            assert_eq!(item["release"]["state"], "released", "{item}");
            item["release"] = Value::Null;
        }
        assert_eq!(
            serde_json::to_value(&page.entries).expect("entries")["section"],
            section.as_str()
        );
        totals.push(page.total);
        all.extend(page_items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
        assert!(totals.len() < 1000, "paging does not end");
    }
    totals.dedup();
    assert_eq!(totals.len(), 1, "{section:?}: every page gives the same total");
    (all, totals[0])
}

async fn series(app: &TestApp, token: &SessionToken, chart_id: i64, code: &str) -> Result<ResultSeries, ClientError> {
    app.client.result_series(token, chart_id, code).await
}

/// The stored resources' content hashes, by type and id.
async fn hashes(app: &TestApp, chart_id: i64) -> Vec<(String, String, String)> {
    let mut all: Vec<_> = charts::resources(&app.state.db, &app.state.text_sealer, chart_id)
        .await
        .expect("resources")
        .into_iter()
        .map(|r| (r.resource_type, r.fhir_id, r.content_hash))
        .collect();
    all.sort();
    all
}

async fn each_sample_chart_reads_in_pages_as_its_bundle_shows_and_exports_back_unchanged(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let other = app.login_and_accept(OTHER_PATIENT).await;
    let samples = crate::helpers::fhir_samples();
    assert!(samples.len() >= 3, "{samples:?}");
    let mut reports = Vec::new();
    for file in &samples {
        reports.push(import(&app, &std::fs::read(file).expect("sample")).await);
    }

    for (file, report) in samples.iter().zip(&reports) {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let chart_id = link_to_patient(&app, &report.patient_fhir_id).await;
        assert_eq!(chart_id, report.outcome.chart_id);
        let bundle = ViewOfBundle::read(&std::fs::read(file).expect("sample"));

        for section in RecordSection::ALL {
            let expected = bundle.with(|chart| items(&sections::entries(chart, section)));
            let (walked, total) = walk(&app, &patient, chart_id, section, 7).await;
            assert_eq!(total as usize, expected.len(), "{name}: {section:?}'s total");
            assert_eq!(walked, expected, "{name}: {section:?} walked in pages of 7");
        }
        // One page of everything, at the most a page may hold.
        let (whole, _) = walk(&app, &patient, chart_id, RecordSection::Results, 100).await;
        assert_eq!(
            whole,
            bundle.with(|chart| items(&sections::entries(chart, RecordSection::Results)))
        );

        // Body weight, oldest first, as the view makes it of the bundle.
        let weight = series(&app, &patient, chart_id, "29463-7").await.expect("weight");
        assert_eq!(weight, bundle.with(|chart| results::series(chart, "29463-7")), "{name}");
        let points = &weight.lines.first().expect("a weight line").points;
        assert!(!points.is_empty(), "{name}");
        let dates: Vec<_> = points.iter().map(|p| p.date.date).collect();
        assert!(
            dates.windows(2).all(|w| w[0] <= w[1]),
            "{name}: oldest first: {dates:?}"
        );

        // A blood pressure's systolic part: recorded only as a component of its panel.
        let systolic = series(&app, &patient, chart_id, "8480-6").await.expect("systolic");
        assert_eq!(
            systolic,
            bundle.with(|chart| results::series(chart, "8480-6")),
            "{name}"
        );
        assert_eq!(systolic.lines.len(), 1, "{name}");
        assert_eq!(systolic.lines[0].code, "8480-6");
        assert!(!systolic.lines[0].points.is_empty(), "{name}");
        let panel = series(&app, &patient, chart_id, "55284-4").await.expect("panel");
        assert_eq!(panel, bundle.with(|chart| results::series(chart, "55284-4")), "{name}");
        assert_eq!(panel.lines.len(), 2, "{name}: systolic and diastolic");

        // The export imports back with every resource unchanged.
        let before = hashes(&app, chart_id).await;
        let export = app.client.record_export(&patient, chart_id).await.expect("export");
        assert_eq!(export["resourceType"], "Bundle");
        assert_eq!(export["type"], "collection");
        assert_eq!(
            export["entry"].as_array().expect("entries").len(),
            before.len(),
            "{name}"
        );
        let again = import(&app, &serde_json::to_vec(&export).expect("bytes")).await;
        assert_eq!(again.outcome.chart_id, chart_id);
        assert_eq!(
            (again.outcome.stored, again.outcome.replaced, again.outcome.unchanged),
            (0, 0, before.len()),
            "{name}"
        );
        assert_eq!(hashes(&app, chart_id).await, before, "{name}");
        for section in [RecordSection::Results, RecordSection::Visits] {
            let page = app
                .client
                .record_section(&patient, chart_id, section, &PageQuery::default())
                .await
                .expect("a page");
            let expected = bundle.with(|chart| sections::count(&sections::entries(chart, section)));
            assert_eq!(page.total as usize, expected, "{name}: {section:?} after the re-import");
        }

        // Another patient's chart: 404 for every route, as for one that does not exist.
        for id in [chart_id, chart_id + 1000] {
            let token = if id == chart_id { &other } else { &patient };
            let page = app
                .client
                .record_section(token, id, RecordSection::Results, &PageQuery::default())
                .await;
            assert_eq!(api_error(page).1, ErrorCode::NotFound);
            assert_eq!(
                api_error(series(&app, token, id, "29463-7").await).1,
                ErrorCode::NotFound
            );
            assert_eq!(
                api_error(app.client.record_export(token, id).await).1,
                ErrorCode::NotFound
            );
        }
    }
}
on_both_databases!(each_sample_chart_reads_in_pages_as_its_bundle_shows_and_exports_back_unchanged);

/// Blair Conroy's chart (the demo's), imported and linked to the test patient.
async fn blairs_chart(app: &TestApp) -> i64 {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo-charts/blair-conroy.json");
    let report = import(app, &std::fs::read(path).expect("the demo chart")).await;
    link_to_patient(app, &report.patient_fhir_id).await
}

async fn get(app: &TestApp, token: &SessionToken, path: &str, query: &[(&str, &str)]) -> Result<Value, ClientError> {
    send(app.client.authed(Method::GET, path, token).query(query)).await
}

async fn bad_pages_codes_and_sections_are_refused_and_each_look_is_audited(app: TestApp) {
    let chart_id = blairs_chart(&app).await;
    let patient = app.login_and_accept(PATIENT).await;
    let base = format!("/patients/{chart_id}/record");

    for (name, value) in [
        ("cursor", "abc"),
        ("cursor", "1.0123456789ABCDEF"),
        ("limit", "0"),
        ("limit", "101"),
        ("limit", "many"),
    ] {
        let answer = get(&app, &patient, &format!("{base}/results"), &[(name, value)]).await;
        let (status, code, message, _) = api_error(answer);
        assert_eq!((status, code), (422, ErrorCode::Validation), "{name}={value}");
        assert!(message.contains(name), "{name}={value}: {message}");
    }
    for path in ["care_plans", "labs", "export-all"] {
        let (status, code, _, _) = api_error(get(&app, &patient, &format!("{base}/{path}"), &[]).await);
        assert_eq!((status, code), (404, ErrorCode::NotFound), "{path}");
    }
    let long = "9".repeat(65);
    for code in ["8480%206", "8480-6%25", "8480-6%C3%A9", long.as_str()] {
        let answer = get(&app, &patient, &format!("{base}/results/{code}/series"), &[]).await;
        let (status, error, _, _) = api_error(answer);
        assert_eq!((status, error), (422, ErrorCode::Validation), "{code}");
    }
    // A code the chart does not hold: an empty series.
    let none = app
        .client
        .result_series(&patient, chart_id, "0000-0")
        .await
        .expect("series");
    assert!(none.lines.is_empty() && none.name.is_none());

    // The export is a download of FHIR JSON named for the chart.
    let response = app
        .client
        .authed(Method::GET, &format!("{base}/export"), &patient)
        .send()
        .await
        .expect("export");
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(header("content-type").as_deref(), Some("application/fhir+json"));
    assert_eq!(
        header("content-disposition"),
        Some(format!("attachment; filename=\"record-{chart_id}.json\""))
    );

    let rows = sqlx::query("SELECT object FROM audit_events WHERE action = 'record.read' ORDER BY id")
        .fetch_all(&app.state.db.pool)
        .await
        .expect("audit");
    let objects: Vec<String> = rows.iter().map(|r| r.try_get("object").expect("object")).collect();
    assert_eq!(
        objects,
        [
            format!("chart:{chart_id}/series/0000-0"),
            format!("chart:{chart_id}/export"),
        ],
        "only the reads that were answered"
    );
    app.client
        .record_section(&patient, chart_id, RecordSection::CarePlans, &PageQuery::default())
        .await
        .expect("care plans");
    let last: String =
        sqlx::query_scalar("SELECT object FROM audit_events WHERE action = 'record.read' ORDER BY id DESC")
            .fetch_one(&app.state.db.pool)
            .await
            .expect("audit");
    assert_eq!(last, format!("chart:{chart_id}/section/care-plans"));
}
on_both_databases!(bad_pages_codes_and_sections_are_refused_and_each_look_is_audited);

/// An EHR may put its own code first and LOINC's second: the series still finds the result.
async fn a_series_finds_a_code_that_is_not_the_first_coding(app: TestApp) {
    let bundle = json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "local-1", "name": [{"family": "Ødegård", "given": ["Åse"]}]}},
            {"resource": {
                "resourceType": "Observation", "id": "w1", "status": "final",
                "code": {"coding": [
                    {"system": "urn:oid:1.2.3.4", "code": "WT"},
                    {"system": "http://loinc.org", "code": "29463-7", "display": "Body weight"}
                ]},
                "subject": {"reference": "Patient/local-1"},
                "effectiveDateTime": "2024-05-01",
                "valueQuantity": {"value": 61.5, "unit": "kg"}
            }},
            {"resource": {
                "resourceType": "Observation", "id": "w2", "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
                "subject": {"reference": "Patient/local-1"},
                "effectiveDateTime": "2024-03-01",
                "valueQuantity": {"value": 62.0, "unit": "kg"}
            }}
        ]
    });
    let report = import(&app, &serde_json::to_vec(&bundle).expect("bytes")).await;
    let chart_id = link_to_patient(&app, &report.patient_fhir_id).await;
    let patient = app.login_and_accept(PATIENT).await;
    let weight = app
        .client
        .result_series(&patient, chart_id, "29463-7")
        .await
        .expect("series");
    let points: Vec<(String, f64)> = weight.lines[0]
        .points
        .iter()
        .map(|p| (p.observation_id.clone(), p.value))
        .collect();
    assert_eq!(points, [("w2".to_owned(), 62.0), ("w1".to_owned(), 61.5)]);
}
on_both_databases!(a_series_finds_a_code_that_is_not_the_first_coding);

/// A value recorded as a part of a panel the portal knows nothing of, or under a second LOINC
/// coding, is in the series as it is in the chart's visits and results: the first look at a
/// trend (nothing of the chart opened before) finds what a later one finds.
async fn a_series_finds_a_code_wherever_the_chart_holds_it(app: TestApp) {
    let bundle = json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "local-2", "name": [{"family": "Núñez", "given": ["Inés"]}]}},
            {"resource": {
                "resourceType": "Observation", "id": "panel-1", "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "85353-1", "display": "Vital signs panel"}]},
                "subject": {"reference": "Patient/local-2"},
                "effectiveDateTime": "2024-01-01",
                "component": [{
                    "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
                    "valueQuantity": {"value": 70.0, "unit": "kg"}
                }]
            }},
            {"resource": {
                "resourceType": "Observation", "id": "second-coding", "status": "final",
                "code": {"coding": [
                    {"system": "http://loinc.org", "code": "3141-9", "display": "Body weight Measured"},
                    {"system": "http://loinc.org", "code": "29463-7"}
                ]},
                "subject": {"reference": "Patient/local-2"},
                "effectiveDateTime": "2024-02-01",
                "valueQuantity": {"value": 69.0, "unit": "kg"}
            }},
            {"resource": {
                "resourceType": "Observation", "id": "plain", "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
                "subject": {"reference": "Patient/local-2"},
                "effectiveDateTime": "2024-03-01",
                "valueQuantity": {"value": 68.0, "unit": "kg"}
            }}
        ]
    });
    let report = import(&app, &serde_json::to_vec(&bundle).expect("bytes")).await;
    let chart_id = link_to_patient(&app, &report.patient_fhir_id).await;
    let patient = app.login_and_accept(PATIENT).await;
    let points = |series: &ResultSeries| -> Vec<(String, f64)> {
        series.lines[0]
            .points
            .iter()
            .map(|p| (p.observation_id.clone(), p.value))
            .collect()
    };
    let first = series(&app, &patient, chart_id, "29463-7").await.expect("series");
    let expected = [
        ("panel-1".to_owned(), 70.0),
        ("second-coding".to_owned(), 69.0),
        ("plain".to_owned(), 68.0),
    ];
    assert_eq!(points(&first), expected);
    // With the chart opened (the summary), the same.
    app.client.record_summary(&patient, chart_id).await.expect("summary");
    let again = series(&app, &patient, chart_id, "29463-7").await.expect("series");
    assert_eq!(again, first);
}
on_both_databases!(a_series_finds_a_code_wherever_the_chart_holds_it);
