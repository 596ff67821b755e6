//! A patient's record through the desktop app's logic (`DesktopCore`, no window) against a
//! real portal-server holding the demo charts: the session names her chart, the summary, a
//! section a page at a time, a result's series, the results preference, who else looked, and
//! the download written where the (here simulated) save dialog chose, or nothing when it was
//! cancelled. Another chart is answered like a missing one. Results' release: an admin
//! sets the practice's rule, a physician marks a result reviewed with a note, and the patient
//! reads it; nobody else may do either.

use std::path::PathBuf;

use portal_api::{ErrorCode, RecordSection, ReleaseRule, ResultRelease, SectionEntries};
use portal_desktop::core::records::RecordExport;
use portal_desktop::core::DesktopCore;
use portal_server::demo;
use portal_tests::{signed_in_app, TestServer, PATIENT};

/// Blair's app, signed in, and the id of her chart (from her session).
async fn blair(server: &TestServer, folder: &std::path::Path) -> (DesktopCore, i64) {
    let app = signed_in_app(server, PATIENT, folder).await;
    let session = app.current_session().await.expect("session").expect("signed in");
    let patient_id = *session.patient_ids.first().expect("the session names Blair's chart");
    assert_eq!(session.patient_ids.len(), 1, "{:?}", session.patient_ids);
    (app, patient_id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_reads_her_summary_and_no_other_chart() {
    let server = TestServer::start_with_charts().await;
    let folder = tempfile::tempdir().expect("tempdir");
    let (app, patient_id) = blair(&server, folder.path()).await;

    let summary = app.record_summary(patient_id).await.expect("the summary");
    assert_eq!(
        summary.patient.name, "Mr. Blair Conroy",
        "the name as the chart writes it"
    );
    assert!(!summary.allergies.is_empty(), "{summary:?}");
    assert!(summary.last_visit.is_some());

    let other = app
        .record_summary(patient_id + 1)
        .await
        .expect_err("Claudie's chart is not Blair's");
    assert_eq!(other.code(), ErrorCode::NotFound.as_str());

    let error = app
        .result_series(patient_id, "../../record".into())
        .await
        .expect_err("a code that is not one is refused before any request");
    assert_eq!(error.code(), ErrorCode::NotFound.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_pages_through_a_section_and_reads_a_trend() {
    let server = TestServer::start_with_charts().await;
    let folder = tempfile::tempdir().expect("tempdir");
    let (app, patient_id) = blair(&server, folder.path()).await;

    let first = app
        .record_section(patient_id, RecordSection::Visits, None, Some(5))
        .await
        .expect("the first page of visits");
    let SectionEntries::Visits(visits) = &first.entries else {
        panic!("visits: {first:?}")
    };
    assert_eq!(visits.len(), 5);
    assert!(first.total > 5, "{}", first.total);
    let cursor = first.next_cursor.clone().expect("a next page");
    let second = app
        .record_section(patient_id, RecordSection::Visits, Some(cursor), Some(5))
        .await
        .expect("the second page");
    let SectionEntries::Visits(more) = &second.entries else {
        panic!("visits: {second:?}")
    };
    assert!(
        more.iter().all(|v| visits.iter().all(|w| w.id != v.id)),
        "no visit twice"
    );

    let weight = app
        .result_series(patient_id, "29463-7".into())
        .await
        .expect("the body weight's series");
    assert_eq!(weight.lines.len(), 1);
    assert_eq!(weight.lines[0].points.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_sets_her_results_preference() {
    let server = TestServer::start_with_charts().await;
    let folder = tempfile::tempdir().expect("tempdir");
    let (app, _) = blair(&server, folder.path()).await;

    assert!(!app.result_preferences().await.expect("preference").only_after_review);
    let set = app.set_result_preferences(true).await.expect("set");
    assert!(set.only_after_review);
    assert!(app.result_preferences().await.expect("preference").only_after_review);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_reads_who_looked_at_her_record() {
    let server = TestServer::start_with_charts().await;
    let folder = tempfile::tempdir().expect("tempdir");
    let (app, patient_id) = blair(&server, folder.path()).await;
    app.record_summary(patient_id).await.expect("her own look");

    // Dr. Okafor, who cares for her, reads her allergies.
    let okafor = signed_in_app(&server, demo::ACCOUNTS[0], folder.path()).await;
    okafor
        .record_section(patient_id, RecordSection::Allergies, None, None)
        .await
        .expect("Dr. Okafor reads Blair's allergies");

    let log = app.access_log(patient_id, None).await.expect("the access log");
    assert_eq!(log.entries.len(), 1, "only the physician's look, not hers: {log:?}");
    let look = &log.entries[0];
    assert_eq!(look.who, demo::ACCOUNTS[0].name);
    assert_eq!(look.role, portal_api::Role::Physician);
    assert_eq!(
        look.what,
        portal_api::AccessedPart::Section {
            section: RecordSection::Allergies
        }
    );
    assert!(!look.break_the_glass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_download_is_written_where_the_dialog_chose_and_a_cancel_writes_nothing() {
    let server = TestServer::start_with_charts().await;
    let folder = tempfile::tempdir().expect("tempdir");
    let (app, patient_id) = blair(&server, folder.path()).await;
    let downloads = tempfile::tempdir().expect("tempdir");

    let offered = std::sync::Mutex::new(None::<String>);
    let chosen = downloads.path().join("my-record.json");
    let target = chosen.clone();
    let saved = app
        .export_record(patient_id, |name| {
            *offered.lock().unwrap() = Some(name);
            async move { Some(target) }
        })
        .await
        .expect("the record is saved");
    let offered = offered.lock().unwrap().clone().expect("a name was offered");
    assert!(
        offered.starts_with("record-") && offered.ends_with(".json") && offered.len() == "record-2026-11-30.json".len(),
        "{offered}"
    );
    assert_eq!(
        saved,
        RecordExport::Saved {
            path: chosen.display().to_string()
        }
    );
    let bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(&chosen).expect("the file")).expect("JSON");
    assert_eq!(bundle["resourceType"], "Bundle");
    assert!(bundle.to_string().contains("Conroy"), "Blair's record");
    let files: Vec<PathBuf> = std::fs::read_dir(downloads.path())
        .expect("list")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(files, vec![chosen.clone()], "no partial file left");

    let cancelled = app
        .export_record(patient_id, |_| async { None })
        .await
        .expect("a cancel is not an error");
    assert_eq!(cancelled, RecordExport::Cancelled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_sets_the_release_rule_a_physician_reviews_a_result_and_the_patient_reads_the_note() {
    let server = TestServer::start_with_charts().await;
    let folder = tempfile::tempdir().expect("tempdir");
    let admin = signed_in_app(&server, demo::ACCOUNTS[5], folder.path()).await;
    let okafor = signed_in_app(&server, demo::ACCOUNTS[0], folder.path()).await;
    let (blair_app, patient_id) = blair(&server, folder.path()).await;

    // The rule: at once until an admin sets another; a delay out of range is refused.
    assert_eq!(
        admin.result_release_rule().await.expect("the rule").rule,
        ReleaseRule::AtOnce
    );
    let refused = admin
        .set_result_release_rule(ReleaseRule::AfterDays { days: 0 })
        .await
        .expect_err("0 days");
    assert_eq!(refused.code(), ErrorCode::Validation.as_str());
    let set = admin
        .set_result_release_rule(ReleaseRule::AfterReview)
        .await
        .expect("review only");
    assert_eq!(set.rule, ReleaseRule::AfterReview);
    let forbidden = okafor
        .set_result_release_rule(ReleaseRule::AtOnce)
        .await
        .expect_err("a physician does not set the rule");
    assert_eq!(forbidden.code(), ErrorCode::Forbidden.as_str());
    assert_eq!(
        okafor.result_release_rule().await.expect("anyone reads it").rule,
        ReleaseRule::AfterReview
    );

    // Dr. Okafor reviews Blair's newest result: a blank note is none; again, with a note.
    let page = okafor
        .record_section(patient_id, RecordSection::Results, None, Some(1))
        .await
        .expect("Blair's results");
    let SectionEntries::Results(results) = page.entries else {
        panic!("results")
    };
    let result = results.first().expect("a result").id.clone();
    let review = okafor
        .review_result(patient_id, result.clone(), Some(" \n ".into()))
        .await
        .expect("reviewed without a note");
    assert_eq!(review.by, "Dr. Adaeze Okafor");
    assert_eq!(review.note, None);
    let review = okafor
        .review_result(patient_id, result.clone(), Some("Normal. Nothing to do.".into()))
        .await
        .expect("reviewed with a note");
    assert_eq!(review.note.as_deref(), Some("Normal. Nothing to do."));
    let missing = okafor
        .review_result(patient_id, "../../practice/result-release".into(), None)
        .await
        .expect_err("not a result id");
    assert_eq!(missing.code(), ErrorCode::NotFound.as_str());

    // Blair reads the note beside the result, released to her; she may not review.
    let page = blair_app
        .record_section(patient_id, RecordSection::Results, None, Some(1))
        .await
        .expect("her results");
    let SectionEntries::Results(seen) = page.entries else {
        panic!("results")
    };
    let seen = seen.first().expect("the result");
    assert_eq!(seen.id, result);
    assert_eq!(
        seen.review.as_ref().and_then(|r| r.note.as_deref()),
        Some("Normal. Nothing to do.")
    );
    assert!(
        matches!(seen.release, Some(ResultRelease::Released { .. })),
        "{:?}",
        seen.release
    );
    let forbidden = blair_app
        .review_result(patient_id, result, None)
        .await
        .expect_err("a patient does not review");
    assert_eq!(forbidden.code(), ErrorCode::Forbidden.as_str());
}
