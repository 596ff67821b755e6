//! "A new test result is available" through the real SMTP server: a result released to a
//! verified patient is noticed once (the results already there are no news), one released
//! days after it arrives is noticed then, and a patient who turned result notices off gets
//! none. The mails hold nothing of the results.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use portal_api::{NoticePreferences, ReleaseRule};
use portal_server::domain::EmailAddress;
use portal_server::records::import::import_bundle;
use portal_server::records::link::link_by_email;
use portal_server::records::result_notices::sweep;
use serde_json::Value;

use crate::helpers::{Backend, TestApp, ADMIN, PATIENT};
use crate::mail::{app_sending_to, verify_address};
use crate::mail_catcher::{MailCatcher, Security};

const SUBJECT: &str = "A new test result is available";

/// Blair Conroy's chart (the demo's), with a new copy of its newest report issued `at` when
/// `new_report` names one, imported and linked to the demo patient's account.
async fn import_blairs_chart(app: &TestApp, new_report: Option<(&str, DateTime<Utc>)>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/demo-charts/blair-conroy.json");
    let mut bundle: Value = serde_json::from_slice(&std::fs::read(path).expect("the demo chart")).expect("JSON");
    if let Some((id, at)) = new_report {
        let entries = bundle["entry"].as_array_mut().expect("entries");
        let newest = entries
            .iter()
            .filter(|e| e["resource"]["resourceType"] == "DiagnosticReport")
            .max_by_key(|e| e["resource"]["issued"].as_str().unwrap_or_default().to_owned())
            .expect("a report")
            .clone();
        let mut copy = newest.clone();
        let old_id = newest["resource"]["id"].as_str().expect("an id").to_owned();
        let text = at.to_rfc3339_opts(SecondsFormat::Millis, true);
        copy["resource"]["id"] = Value::String(id.into());
        copy["resource"]["issued"] = Value::String(text.clone());
        copy["resource"]["effectiveDateTime"] = Value::String(text);
        if let Some(url) = copy["fullUrl"].as_str() {
            copy["fullUrl"] = Value::String(url.replace(&old_id, id));
        }
        entries.push(copy);
    }
    let now = app.state.clock.now();
    let bytes = serde_json::to_vec(&bundle).expect("JSON");
    let report = import_bundle(&app.state.db, &app.state.text_sealer, &bytes, now)
        .await
        .expect("imported");
    let email = EmailAddress::parse(PATIENT.email).expect("email");
    link_by_email(&app.state.db, &report.patient_fhir_id, &email, now)
        .await
        .expect("linked");
}

fn noticed(catcher: &MailCatcher) -> usize {
    catcher
        .delivered()
        .iter()
        .filter(|m| m.is_to(PATIENT.email) && m.subject.ends_with(SUBJECT))
        .count()
}

async fn settle() {
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
}

async fn a_new_result_is_noticed_once_and_the_ones_before_are_no_news(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    verify_address(&app, PATIENT.email).await;
    import_blairs_chart(&app, None).await;
    assert_eq!(
        sweep(&app.state).await.expect("sweep"),
        0,
        "the chart's results are the starting point"
    );
    assert_eq!(sweep(&app.state).await.expect("sweep"), 0);

    app.advance(Duration::minutes(1));
    import_blairs_chart(&app, Some(("new-lipid-panel", app.state.clock.now()))).await;
    assert_eq!(sweep(&app.state).await.expect("sweep"), 1);
    catcher.wait_for(1).await;
    assert_eq!(noticed(&catcher), 1);
    assert_eq!(sweep(&app.state).await.expect("sweep"), 0, "noticed once");

    // Result notices off: the next result sends nothing.
    let token = app.login_and_accept(PATIENT).await;
    let off = NoticePreferences {
        messages: true,
        results: false,
    };
    app.client.set_notice_preferences(&token, off).await.expect("set");
    app.advance(Duration::minutes(1));
    import_blairs_chart(&app, Some(("another-lipid-panel", app.state.clock.now()))).await;
    assert_eq!(sweep(&app.state).await.expect("sweep"), 0);
    settle().await;
    assert_eq!(noticed(&catcher), 1);
}
crate::on_both_databases_with_mail!(a_new_result_is_noticed_once_and_the_ones_before_are_no_news);

async fn a_result_released_days_after_it_arrives_is_noticed_then(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    verify_address(&app, PATIENT.email).await;
    let admin = app.login_and_accept(ADMIN).await;
    app.client
        .set_result_release(&admin, ReleaseRule::AfterDays { days: 3 })
        .await
        .expect("set");
    import_blairs_chart(&app, None).await;
    assert_eq!(sweep(&app.state).await.expect("sweep"), 0);
    app.advance(Duration::minutes(1));
    import_blairs_chart(&app, Some(("new-lipid-panel", app.state.clock.now()))).await;
    assert_eq!(sweep(&app.state).await.expect("sweep"), 0, "held for three days");
    app.advance(Duration::days(3));
    assert_eq!(sweep(&app.state).await.expect("sweep"), 1, "released now");
    catcher.wait_for(1).await;
    assert_eq!(noticed(&catcher), 1);
}
crate::on_both_databases_with_mail!(a_result_released_days_after_it_arrives_is_noticed_then);
