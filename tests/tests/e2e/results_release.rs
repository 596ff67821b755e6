//! Issue 10, results' release in the real app: the demo admin sets when patients see new
//! results (a delay out of range refused on the screen, then 5 days, then only after a
//! physician's review); Dr. Okafor opens Blair's results from Patients, marks the newest
//! reviewed with a note and sees her review; Blair then reads the note beside that result,
//! now released to her.

use fantoccini::Locator;
use portal_api::client::{PortalClient, SessionToken};
use portal_api::{PageQuery, RecordSection, ReleaseRule, SectionEntries};
use portal_tests::{TestServer, PATIENT};

use super::{
    find, free_port_pair, in_app, login, okafor_finds_blair, prepare, save_screenshot, scroll_to, set_value, sign_in,
    sign_out, wait_for_text, Driver, ADMIN, OKAFOR,
};

const NOTE: &str = "This looks fine to me. We can talk it over at your next visit.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_holds_results_for_review_a_physician_reviews_one_and_the_patient_reads_the_note() {
    let Some((app, shots)) = prepare() else { return };
    let server = TestServer::start_with_charts().await;
    let home = tempfile::tempdir().expect("temp home");
    let port = free_port_pair();
    let driver = Driver::start(port, &server, home.path());

    // Blair's chart and her newest result, from the service itself.
    let client = PortalClient::with_ca_file(&server.url, &server.ca_file).expect("client");
    let (okafor, blair) = okafor_finds_blair(&client).await;
    let page = client
        .record_section(&okafor, blair.patient_id, RecordSection::Results, &PageQuery::default())
        .await
        .expect("Blair's results");
    let SectionEntries::Results(results) = page.entries else {
        panic!("a page of results")
    };
    let newest = results.first().expect("Blair has results").clone();
    assert!(newest.review.is_none(), "nobody has reviewed it yet");
    let _ = client.logout(&okafor).await;
    let card = format!("#result-{}", newest.id);

    in_app(&app, port, &shots, "results-release", move |c, shots| async move {
        // The admin: at once (the default), a delay out of range refused here, 5 days, then
        // only after a physician's review.
        sign_in(&c, ADMIN).await;
        find(&c, "#nav-staff").await.click().await.expect("Staff");
        find(&c, "#release-form").await;
        wait_for_text(&c, "#release-current", |t| {
            t == "Now: Patients see new results at once."
        })
        .await;
        scroll_to(&c, "#release").await;
        save_screenshot(&c, &shots, "release-rule.png").await;
        find(&c, "#release-after_days")
            .await
            .click()
            .await
            .expect("after a number of days");
        set_value(&c, "#release-days", "0").await;
        find(&c, "#release-save").await.click().await.expect("save");
        wait_for_text(&c, "#release-days-problem", |t| {
            t == "Please enter a whole number of days from 1 to 30."
        })
        .await;
        scroll_to(&c, "#release").await;
        save_screenshot(&c, &shots, "release-rule-days-refused.png").await;
        set_value(&c, "#release-days", "5").await;
        find(&c, "#release-save").await.click().await.expect("save");
        wait_for_text(&c, "#release-saved", |t| {
            t.starts_with("Saved. Patients see new results 5 days after they are issued")
        })
        .await;
        find(&c, "#release-after_review")
            .await
            .click()
            .await
            .expect("only after a physician's review");
        find(&c, "#release-save").await.click().await.expect("save");
        wait_for_text(&c, "#release-saved", |t| {
            t == "Saved. Patients see new results only after a physician has reviewed them."
        })
        .await;
        scroll_to(&c, "#release").await;
        save_screenshot(&c, &shots, "release-rule-saved.png").await;
        sign_out(&c).await;

        // Dr. Okafor: Patients, Blair, Results; the newest waits for a review.
        sign_in(&c, OKAFOR).await;
        find(&c, "#nav-patients").await.click().await.expect("Patients");
        set_value(&c, "#patients-query", "Conroy").await;
        find(&c, "#patients-find").await.click().await.expect("Search");
        find(&c, &format!("#patient-open-{}", blair.patient_id))
            .await
            .click()
            .await
            .expect("open Blair's chart");
        find(&c, "#record-nav-results").await.click().await.expect("Results");
        find(&c, "#section-list").await;
        wait_for_text(&c, &format!("{card}-release"), |t| {
            t.starts_with("For the patient: Waiting for")
        })
        .await;
        set_value(&c, &format!("{card}-review-note"), NOTE).await;
        scroll_to(&c, &format!("{card}-review-form")).await;
        save_screenshot(&c, &shots, "review-form.png").await;
        find(&c, &format!("{card}-review-submit"))
            .await
            .click()
            .await
            .expect("Mark reviewed");
        let review = wait_for_text(&c, &format!("{card}-review"), |t| t.contains(NOTE)).await;
        assert!(review.starts_with("Reviewed by Dr. Adaeze Okafor on"), "{review}");
        wait_for_text(&c, &format!("{card}-reviewed"), |t| t.starts_with("Marked reviewed.")).await;
        wait_for_text(&c, &format!("{card}-release"), |t| {
            t == "For the patient: Released today"
        })
        .await;
        assert!(
            c.find(Locator::Css(&format!("{card}-review-form"))).await.is_err(),
            "a reviewed result offers no second review"
        );
        scroll_to(&c, &format!("{card}-review")).await;
        save_screenshot(&c, &shots, "review-done.png").await;
        sign_out(&c).await;

        // Blair reads the note beside the result, released to her now.
        sign_in(&c, PATIENT).await;
        find(&c, "#nav-record").await.click().await.expect("My record");
        find(&c, "#record-nav-results").await.click().await.expect("Results");
        let seen = wait_for_text(&c, &format!("{card}-review"), |t| t.contains(NOTE)).await;
        assert!(seen.starts_with("Reviewed by Dr. Adaeze Okafor on"), "{seen}");
        wait_for_text(&c, &format!("{card}-release"), |t| t == "Released today").await;
        assert!(
            c.find(Locator::Css("[id$='-review-form']")).await.is_err(),
            "no review form for the patient"
        );
        scroll_to(&c, &format!("{card}-review")).await;
        save_screenshot(&c, &shots, "review-patient-reads-note.png").await;
        sign_out(&c).await;
    })
    .await;

    // Kept by the service.
    let admin = SessionToken::new(login(&client, ADMIN).await.expect("the admin signs in").token);
    assert_eq!(
        client.result_release(&admin).await.expect("the rule").rule,
        ReleaseRule::AfterReview
    );
    drop(driver);
    drop(server);
}
