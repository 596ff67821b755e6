//! Authorized persons (issue 12), the grants themselves: a patient gives one, the person it is
//! sent to sees it once their address is verified and accepts or declines it, the patient ends
//! it; nobody else reaches any of it (404), on both databases.

use chrono::{Duration, NaiveDate};
use portal_api::{ErrorCode, GrantRequest, GrantScope, GrantStatus};

use crate::helpers::{api_error, TestApp, NURSE, OTHER_PATIENT, PATIENT, STAFF};
use crate::mail::verify_address;
use crate::on_both_databases;
use crate::records_read::blairs_chart;

fn request(email: &str, scopes: Vec<GrantScope>, until: Option<NaiveDate>) -> GrantRequest {
    GrantRequest {
        name: "Claudie Walsh".into(),
        email: email.into(),
        scopes,
        until,
    }
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = $1")
        .bind(action)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("count")
}

async fn a_patient_gives_a_grant_that_its_person_accepts_and_the_patient_ends(app: TestApp) {
    let chart = blairs_chart(&app).await;
    let patient = app.login_and_accept(PATIENT).await;
    let today = app.state.clock.now().date_naive();

    // What is asked is checked.
    let (status, error, ..) = api_error(
        app.client
            .give_grant(&patient, chart, &request(PATIENT.email, vec![GrantScope::Record], None))
            .await,
    );
    assert_eq!((status, error), (409, ErrorCode::Conflict), "the patient's own address");
    let (status, ..) = api_error(
        app.client
            .give_grant(&patient, chart, &request(OTHER_PATIENT.email, vec![], None))
            .await,
    );
    assert_eq!(status, 422, "nothing allowed");
    let (status, ..) = api_error(
        app.client
            .give_grant(
                &patient,
                chart,
                &request(OTHER_PATIENT.email, vec![GrantScope::Record], today.pred_opt()),
            )
            .await,
    );
    assert_eq!(status, 422, "a last day already past");

    let given = app
        .client
        .give_grant(
            &patient,
            chart,
            &request(
                OTHER_PATIENT.email,
                vec![GrantScope::WriteMessages, GrantScope::Results],
                Some(today + Duration::days(30)),
            ),
        )
        .await
        .expect("given");
    assert_eq!(given.status, GrantStatus::Invited);
    assert_eq!(
        given.scopes,
        vec![GrantScope::ReadMessages, GrantScope::WriteMessages, GrantScope::Results]
    );
    assert_eq!(
        app.client.grants(&patient, chart).await.expect("list").grants,
        vec![given.clone()]
    );

    // Nobody else reaches the patient's grants.
    let other = app.login_and_accept(OTHER_PATIENT).await;
    let staff = app.login_as(STAFF).await;
    for token in [&other, &staff] {
        let (status, ..) = api_error(app.client.grants(token, chart).await);
        assert_eq!(status, 404);
        let (status, ..) = api_error(app.client.end_grant(token, chart, given.id).await);
        assert_eq!(status, 404);
    }

    // The person sees it only once their address is verified, then accepts it once.
    assert!(app
        .client
        .grants_received(&other)
        .await
        .expect("received")
        .grants
        .is_empty());
    let (status, ..) = api_error(app.client.answer_grant(&other, given.id, true).await);
    assert_eq!(status, 404, "an unverified address proves nothing");
    verify_address(&app, OTHER_PATIENT.email).await;
    app.advance(Duration::seconds(3));
    let other = app.login_and_accept(OTHER_PATIENT).await;
    let received = app.client.grants_received(&other).await.expect("received").grants;
    assert_eq!(received.len(), 1);
    assert_eq!(
        (received[0].patient_id, received[0].status),
        (chart, GrantStatus::Invited)
    );
    assert!(!received[0].patient_name.is_empty());
    let nurse = app.login_as(NURSE).await;
    let (status, ..) = api_error(app.client.answer_grant(&nurse, given.id, true).await);
    assert_eq!(status, 404, "not sent to the nurse");
    let accepted = app.client.answer_grant(&other, given.id, true).await.expect("accepted");
    assert_eq!(accepted.status, GrantStatus::Active);
    let (status, ..) = api_error(app.client.answer_grant(&other, given.id, false).await);
    assert_eq!(status, 409, "answered already");

    // The patient ends it: at once, for both of them.
    app.client.end_grant(&patient, chart, given.id).await.expect("ended");
    app.client
        .end_grant(&patient, chart, given.id)
        .await
        .expect("ending again changes nothing");
    assert_eq!(
        app.client.grants(&patient, chart).await.expect("list").grants[0].status,
        GrantStatus::Ended
    );
    let received = app.client.grants_received(&other).await.expect("received").grants;
    assert_eq!(received[0].status, GrantStatus::Ended);

    // A second invitation, declined.
    let again = app
        .client
        .give_grant(
            &patient,
            chart,
            &request(OTHER_PATIENT.email, vec![GrantScope::Record], None),
        )
        .await
        .expect("given");
    let declined = app
        .client
        .answer_grant(&other, again.id, false)
        .await
        .expect("declined");
    assert_eq!(declined.status, GrantStatus::Declined);

    for (action, n) in [
        ("grant.given", 2),
        ("grant.accepted", 1),
        ("grant.declined", 1),
        ("grant.ended", 1),
    ] {
        assert_eq!(audited(&app, action).await, n, "{action}");
    }
}
on_both_databases!(a_patient_gives_a_grant_that_its_person_accepts_and_the_patient_ends);

async fn a_grant_expires_after_its_last_day(app: TestApp) {
    let chart = blairs_chart(&app).await;
    let patient = app.login_and_accept(PATIENT).await;
    let today = app.state.clock.now().date_naive();
    let given = app
        .client
        .give_grant(
            &patient,
            chart,
            &request(OTHER_PATIENT.email, vec![GrantScope::Record], Some(today)),
        )
        .await
        .expect("given");
    verify_address(&app, OTHER_PATIENT.email).await;
    let other = app.login_and_accept(OTHER_PATIENT).await;
    app.client.answer_grant(&other, given.id, true).await.expect("accepted");
    app.advance(Duration::days(1));
    let patient = app.login_and_accept(PATIENT).await;
    assert_eq!(
        app.client.grants(&patient, chart).await.expect("list").grants[0].status,
        GrantStatus::Expired
    );
}
on_both_databases!(a_grant_expires_after_its_last_day);
