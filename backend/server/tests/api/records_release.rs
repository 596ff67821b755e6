//! Results' release to patients (issue 10): the practice's rule (at once by default, after N
//! days, after a physician's review), a patient's choice to wait for the review, a physician's
//! review with a note the patient reads beside the result; who may set or do each; on both
//! databases.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use portal_api::client::SessionToken;
use std::collections::HashSet;

use portal_api::{
    ErrorCode, PageQuery, RecordSection, ReleaseRule, ResultPreferences, ResultRelease, ResultReport, ResultSeries,
    SectionEntries, VisitEntry, MAX_RECORD_PAGE, MAX_RELEASE_DELAY_DAYS, MAX_REVIEW_NOTE,
};
use portal_server::clock::Clock;
use portal_server::domain::EmailAddress;
use portal_server::records::import::import_bundle;
use portal_server::records::link::link_by_email;
use serde_json::Value;
use sqlx::Row;

use crate::helpers::{api_error, TestApp, ADMIN, NURSE, OTHER_PATIENT, PATIENT, PHYSICIAN, STAFF};
use crate::on_both_databases;

const DOCTOR: &str = "Dr. Adaeze Okafor";

/// Blair Conroy's chart (the demo's), changed by `edit`, imported and linked to the demo
/// patient's account.
async fn blairs_chart_with(app: &TestApp, edit: impl FnOnce(&mut Value)) -> i64 {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo-charts/blair-conroy.json");
    let mut bundle: Value = serde_json::from_slice(&std::fs::read(path).expect("the demo chart")).expect("JSON");
    edit(&mut bundle);
    let db = &app.state.db;
    let now = app.clock.now();
    let bytes = serde_json::to_vec(&bundle).expect("JSON");
    let report = import_bundle(db, &app.state.text_sealer, &bytes, now)
        .await
        .expect("imported");
    let email = EmailAddress::parse(PATIENT.email).expect("email");
    link_by_email(db, &report.patient_fhir_id, &email, now)
        .await
        .expect("linked")
        .id
}

async fn blairs_chart(app: &TestApp) -> i64 {
    blairs_chart_with(app, |_| {}).await
}

/// The chart's newest report (the 2019 lipid panel), issued `at`.
fn newest_report_issued(bundle: &mut Value, at: DateTime<Utc>) {
    let text = at.to_rfc3339_opts(SecondsFormat::Millis, true);
    let report = bundle["entry"]
        .as_array_mut()
        .expect("entries")
        .iter_mut()
        .map(|entry| &mut entry["resource"])
        .filter(|resource| resource["resourceType"] == "DiagnosticReport")
        .max_by_key(|resource| resource["issued"].as_str().unwrap_or_default().to_owned())
        .expect("a report");
    report["issued"] = Value::String(text.clone());
    report["effectiveDateTime"] = Value::String(text);
}

/// The results section as `token`'s person sees it, every page.
async fn results_seen(app: &TestApp, token: &SessionToken, chart_id: i64) -> Vec<ResultReport> {
    let mut seen = Vec::new();
    let mut page = PageQuery {
        limit: Some(MAX_RECORD_PAGE),
        cursor: None,
    };
    loop {
        let got = app
            .client
            .record_section(token, chart_id, RecordSection::Results, &page)
            .await
            .expect("the results section");
        let SectionEntries::Results(items) = got.entries else {
            panic!("not results")
        };
        seen.extend(items);
        match got.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => return seen,
        }
    }
}

/// The visits section as `token`'s person sees it (the first page).
async fn visits_seen(app: &TestApp, token: &SessionToken, chart_id: i64) -> Vec<VisitEntry> {
    let page = PageQuery {
        limit: Some(MAX_RECORD_PAGE),
        cursor: None,
    };
    let got = app
        .client
        .record_section(token, chart_id, RecordSection::Visits, &page)
        .await
        .expect("the visits section");
    let SectionEntries::Visits(items) = got.entries else {
        panic!("not visits")
    };
    items
}

/// The ids of the export's resources of `resource_type`.
async fn exported(app: &TestApp, token: &SessionToken, chart_id: i64, resource_type: &str) -> HashSet<String> {
    let bundle = app.client.record_export(token, chart_id).await.expect("export");
    bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["resource"]["resourceType"] == resource_type)
        .map(|e| e["resource"]["id"].as_str().expect("id").to_owned())
        .collect()
}

/// The ids of a series' points.
fn points(series: &ResultSeries) -> HashSet<String> {
    series
        .lines
        .iter()
        .flat_map(|line| line.points.iter().map(|p| p.observation_id.clone()))
        .collect()
}

fn released(report: &ResultReport) -> bool {
    matches!(report.release, Some(ResultRelease::Released { .. }))
}

/// A report with values, by id.
fn report<'a>(reports: &'a [ResultReport], id: &str) -> &'a ResultReport {
    reports.iter().find(|r| r.id == id).expect("the report")
}

async fn audited(app: &TestApp, action: &str) -> Vec<String> {
    sqlx::query("SELECT object FROM audit_events WHERE action = $1 ORDER BY id")
        .bind(action)
        .fetch_all(&app.state.db.pool)
        .await
        .expect("audit")
        .iter()
        .map(|row| row.try_get("object").expect("object"))
        .collect()
}

async fn results_are_released_at_once_by_default(app: TestApp) {
    let chart_id = blairs_chart(&app).await;
    let patient = app.login_and_accept(PATIENT).await;
    let rule = app.client.result_release(&patient).await.expect("the rule");
    assert_eq!(rule.rule, ReleaseRule::AtOnce);

    let seen = results_seen(&app, &patient, chart_id).await;
    assert!(seen.len() > 5, "{}", seen.len());
    for result in &seen {
        let Some(ResultRelease::Released { at }) = result.release else {
            panic!("{} is not released: {:?}", result.id, result.release);
        };
        if let Some(issued) = result.issued {
            assert_eq!(at, issued, "released when issued");
        }
        assert!(result.review.is_none());
    }
    assert!(seen.iter().filter(|r| r.is_report).all(|r| !r.values.is_empty()));
}
on_both_databases!(results_are_released_at_once_by_default);

async fn after_review_the_patient_waits_for_their_physicians_review_and_reads_the_note(app: TestApp) {
    let chart_id = blairs_chart(&app).await;
    let patient = app.login_and_accept(PATIENT).await;
    let summary = app.client.record_summary(&patient, chart_id).await.expect("summary");
    assert!(!summary.last_visit.expect("a last visit").results.is_empty());
    let admin = app.login_and_accept(ADMIN).await;
    let set = app
        .client
        .set_result_release(&admin, ReleaseRule::AfterReview)
        .await
        .expect("an admin sets the rule");
    assert_eq!(set.rule, ReleaseRule::AfterReview);
    assert_eq!(
        app.client.result_release(&patient).await.expect("rule").rule,
        ReleaseRule::AfterReview
    );

    // Waiting for Dr. Okafor's review: what it is and when, none of what it says.
    let seen = results_seen(&app, &patient, chart_id).await;
    let panel = seen.iter().find(|r| r.is_report).expect("a report").clone();
    for result in &seen {
        assert_eq!(
            result.release,
            Some(ResultRelease::Waiting {
                until: None,
                reviewer: Some(DOCTOR.into())
            }),
            "{}",
            result.id
        );
        assert!(result.values.is_empty() && result.conclusion.is_none() && !result.has_flags);
        assert!(!result.name.text.is_empty() && result.date.is_some());
    }
    // Nor in the summary's visits.
    let summary = app.client.record_summary(&patient, chart_id).await.expect("summary");
    let last = summary.last_visit.expect("a last visit");
    assert!(last.results.is_empty(), "{:?}", last.results);

    // The physician reviews it with a note; the patient then sees its values and the note.
    let physician = app.login_and_accept(PHYSICIAN).await;
    let review = app
        .client
        .review_result(&physician, chart_id, &panel.id, Some("Your cholesterol is fine."))
        .await
        .expect("reviewed");
    assert_eq!(review.by, DOCTOR);
    assert_eq!(review.note.as_deref(), Some("Your cholesterol is fine."));
    let seen = results_seen(&app, &patient, chart_id).await;
    let now_seen = report(&seen, &panel.id);
    assert_eq!(now_seen.release, Some(ResultRelease::Released { at: review.at }));
    assert!(!now_seen.values.is_empty());
    assert_eq!(now_seen.review.as_ref(), Some(&review));
    assert_eq!(seen.iter().filter(|r| released(r)).count(), 1, "only the one reviewed");

    // Reviewing again replaces the note; it stays released from the first review.
    app.advance(Duration::minutes(5));
    let again = app
        .client
        .review_result(&physician, chart_id, &panel.id, None)
        .await
        .expect("reviewed again");
    assert_eq!(again.note, None);
    assert!(again.at > review.at);
    let seen = results_seen(&app, &patient, chart_id).await;
    assert_eq!(
        report(&seen, &panel.id).release,
        Some(ResultRelease::Released { at: review.at })
    );
    assert_eq!(report(&seen, &panel.id).review.as_ref(), Some(&again));

    // The note is sealed at rest.
    let stored: Vec<Option<String>> = sqlx::query_scalar("SELECT note FROM result_reviews")
        .fetch_all(&app.state.db.pool)
        .await
        .expect("reviews");
    assert_eq!(stored.len(), 1);
    let first = app
        .client
        .review_result(&physician, chart_id, &panel.id, Some("Your cholesterol is fine."))
        .await
        .expect("reviewed");
    assert_eq!(first.note.as_deref(), Some("Your cholesterol is fine."));
    let sealed: String = sqlx::query_scalar("SELECT note FROM result_reviews")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("note");
    assert!(sealed.starts_with("v1.") && !sealed.contains("cholesterol"));

    assert_eq!(
        audited(&app, "admin.result_release_set").await,
        vec!["result-release:after_review"]
    );
    assert_eq!(
        audited(&app, "record.result_reviewed").await,
        vec![format!("chart:{chart_id}/review/{}", panel.id); 3]
    );
}
on_both_databases!(after_review_the_patient_waits_for_their_physicians_review_and_reads_the_note);

async fn after_days_a_result_is_released_days_after_it_was_issued(app: TestApp) {
    let issued = app.clock.now() - Duration::hours(1);
    let chart_id = blairs_chart_with(&app, |bundle| newest_report_issued(bundle, issued)).await;
    let admin = app.login_and_accept(ADMIN).await;
    app.client
        .set_result_release(&admin, ReleaseRule::AfterDays { days: 3 })
        .await
        .expect("set");
    let patient = app.login_and_accept(PATIENT).await;
    let seen = results_seen(&app, &patient, chart_id).await;
    let newest = seen.first().expect("the newest result");
    assert!(newest.is_report);
    let until = issued + Duration::days(3);
    // Stored to the millisecond.
    let Some(ResultRelease::Waiting {
        until: Some(waits),
        reviewer,
    }) = newest.release.clone()
    else {
        panic!("{:?}", newest.release)
    };
    assert!((waits - until).num_milliseconds().abs() < 1, "{waits} {until}");
    assert_eq!(reviewer.as_deref(), Some(DOCTOR));
    assert!(newest.values.is_empty());
    assert!(seen[1..].iter().all(released), "the older results are out");

    // Three days on (a new session: the old one has ended), it is released.
    app.advance(Duration::days(3));
    let patient = app.login_and_accept(PATIENT).await;
    let seen = results_seen(&app, &patient, chart_id).await;
    assert!(
        matches!(seen[0].release, Some(ResultRelease::Released { at }) if (at - until).num_milliseconds().abs() < 1)
    );
    assert!(!seen[0].values.is_empty());
}
on_both_databases!(after_days_a_result_is_released_days_after_it_was_issued);

async fn a_patient_may_choose_to_see_results_only_after_review(app: TestApp) {
    let chart_id = blairs_chart(&app).await;
    let patient = app.login_and_accept(PATIENT).await;
    let none = app.client.result_preferences(&patient).await.expect("preferences");
    assert!(!none.only_after_review);
    let wait = ResultPreferences {
        only_after_review: true,
    };
    assert_eq!(
        app.client.set_result_preferences(&patient, wait).await.expect("set"),
        wait
    );
    assert_eq!(app.client.result_preferences(&patient).await.expect("read"), wait);

    // The practice releases at once; this patient waits for the review all the same.
    let seen = results_seen(&app, &patient, chart_id).await;
    assert!(seen.iter().all(|r| !released(r) && r.values.is_empty()));
    assert!(seen.iter().all(|r| matches!(&r.release,
        Some(ResultRelease::Waiting { until: None, reviewer: Some(name) }) if name == DOCTOR)));
    // Another patient's results are theirs to choose.
    let other = app.login_and_accept(OTHER_PATIENT).await;
    assert!(
        !app.client
            .result_preferences(&other)
            .await
            .expect("other's")
            .only_after_review
    );

    // Only patients have the preference.
    for account in [PHYSICIAN, STAFF, ADMIN] {
        let token = app.login_and_accept(account).await;
        let (status, code, _, _) = api_error(app.client.result_preferences(&token).await);
        assert_eq!((status, code), (403, ErrorCode::Forbidden), "{}", account.email);
        let (status, code, _, _) = api_error(app.client.set_result_preferences(&token, wait).await);
        assert_eq!((status, code), (403, ErrorCode::Forbidden), "{}", account.email);
    }
    assert_eq!(
        audited(&app, "record.result_preferences_set").await,
        vec!["result-preferences:only_after_review=true"]
    );
}
on_both_databases!(a_patient_may_choose_to_see_results_only_after_review);

async fn only_admins_set_the_rule_and_only_physicians_review(app: TestApp) {
    let chart_id = blairs_chart(&app).await;
    let patient = app.login_and_accept(PATIENT).await;
    let physician = app.login_and_accept(PHYSICIAN).await;
    let staff = app.login_and_accept(STAFF).await;
    let admin = app.login_and_accept(ADMIN).await;

    for token in [&patient, &physician, &staff] {
        let (status, code, _, _) = api_error(app.client.set_result_release(token, ReleaseRule::AfterReview).await);
        assert_eq!((status, code), (403, ErrorCode::Forbidden));
    }
    for days in [0, MAX_RELEASE_DELAY_DAYS + 1] {
        let (status, code, message, _) = api_error(
            app.client
                .set_result_release(&admin, ReleaseRule::AfterDays { days })
                .await,
        );
        assert_eq!((status, code), (422, ErrorCode::Validation), "{days}");
        assert!(message.contains("1 to 30 days"), "{message}");
    }
    assert_eq!(
        app.client.result_release(&staff).await.expect("rule").rule,
        ReleaseRule::AtOnce
    );

    let result_id = results_seen(&app, &patient, chart_id).await[0].id.clone();
    // Patients, staff (clinical staff too, who read the chart) and admins do not review.
    let nurse = app.login_and_accept(NURSE).await;
    for token in [&patient, &staff, &nurse, &admin] {
        let (status, code, _, _) = api_error(app.client.review_result(token, chart_id, &result_id, None).await);
        assert_eq!((status, code), (403, ErrorCode::Forbidden));
    }
    // A note too long, blank or with hidden characters.
    let long = "a".repeat(MAX_REVIEW_NOTE as usize + 1);
    for note in [long.as_str(), " \n", "a\u{202E}b"] {
        let (status, code, _, _) = api_error(
            app.client
                .review_result(&physician, chart_id, &result_id, Some(note))
                .await,
        );
        assert_eq!((status, code), (422, ErrorCode::Validation));
    }
    // No such result in the chart, no such chart.
    for (chart, result) in [(chart_id, "not-a-result"), (chart_id + 1000, result_id.as_str())] {
        let (status, code, _, _) = api_error(app.client.review_result(&physician, chart, result, None).await);
        assert_eq!((status, code), (404, ErrorCode::NotFound), "{chart} {result}");
    }
    let longest = "a".repeat(MAX_REVIEW_NOTE as usize);
    let review = app
        .client
        .review_result(&physician, chart_id, &result_id, Some(&longest))
        .await
        .expect("the longest note");
    assert_eq!(review.note.as_deref(), Some(longest.as_str()));
    assert!(audited(&app, "admin.result_release_set").await.is_empty());
}
on_both_databases!(only_admins_set_the_rule_and_only_physicians_review);

/// Total cholesterol (LOINC), in each of the chart's lipid panels.
const CHOLESTEROL: &str = "2093-3";

async fn values_not_released_are_held_back_everywhere_else_too(app: TestApp) {
    let chart_id = blairs_chart(&app).await;
    let patient = app.login_and_accept(PATIENT).await;
    let physician = app.login_and_accept(PHYSICIAN).await;
    let all_points = points(
        &app.client
            .result_series(&patient, chart_id, CHOLESTEROL)
            .await
            .expect("series"),
    );
    assert!(all_points.len() > 1, "{all_points:?}");
    let all_reports = exported(&app, &patient, chart_id, "DiagnosticReport").await;
    assert!(all_reports.len() > 1);

    let admin = app.login_and_accept(ADMIN).await;
    app.client
        .set_result_release(&admin, ReleaseRule::AfterReview)
        .await
        .expect("set");

    // Nothing reviewed: no point, no visit's value, no report in the export.
    let series = app
        .client
        .result_series(&patient, chart_id, CHOLESTEROL)
        .await
        .expect("series");
    assert!(series.lines.is_empty(), "{series:?}");
    assert!(visits_seen(&app, &patient, chart_id)
        .await
        .iter()
        .all(|v| v.results.is_empty()));
    assert!(exported(&app, &patient, chart_id, "DiagnosticReport").await.is_empty());
    assert!(exported(&app, &patient, chart_id, "Observation").await.is_empty());
    assert!(!exported(&app, &patient, chart_id, "Condition").await.is_empty());

    // The care team sees everything, with the patient's release state.
    assert_eq!(
        points(
            &app.client
                .result_series(&physician, chart_id, CHOLESTEROL)
                .await
                .expect("series")
        ),
        all_points
    );
    let theirs = results_seen(&app, &physician, chart_id).await;
    assert!(theirs.iter().filter(|r| r.is_report).all(|r| !r.values.is_empty()));
    assert!(theirs
        .iter()
        .all(|r| matches!(r.release, Some(ResultRelease::Waiting { .. }))));
    assert_eq!(
        exported(&app, &physician, chart_id, "DiagnosticReport").await,
        all_reports
    );

    // One lipid panel reviewed: its values, and only its, come out.
    let panel = results_seen(&app, &patient, chart_id)
        .await
        .into_iter()
        .find(|r| r.name.text.contains("Lipid"))
        .expect("a lipid panel");
    app.client
        .review_result(&physician, chart_id, &panel.id, None)
        .await
        .expect("reviewed");
    let panel = report(&results_seen(&app, &patient, chart_id).await, &panel.id).clone();
    let inside: HashSet<String> = panel.values.iter().map(|v| v.id.clone()).collect();
    let shown = points(
        &app.client
            .result_series(&patient, chart_id, CHOLESTEROL)
            .await
            .expect("series"),
    );
    assert_eq!(shown.len(), 1);
    assert!(shown.is_subset(&inside));
    let visit_values: HashSet<String> = visits_seen(&app, &patient, chart_id)
        .await
        .iter()
        .flat_map(|v| v.results.iter().map(|r| r.id.clone()))
        .collect();
    assert!(!visit_values.is_empty() && visit_values.is_subset(&inside));
    assert_eq!(
        exported(&app, &patient, chart_id, "DiagnosticReport").await,
        HashSet::from([panel.id.clone()])
    );
    assert_eq!(exported(&app, &patient, chart_id, "Observation").await, inside);
}
on_both_databases!(values_not_released_are_held_back_everywhere_else_too);
