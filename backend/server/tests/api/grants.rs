//! Authorized persons (issue 12), the grants themselves: a patient gives one, the person it is
//! sent to sees it once their address is verified and accepts or declines it, the patient ends
//! it; nobody else reaches any of it (404), on both databases.

use chrono::{Duration, NaiveDate};
use portal_api::{Category, ErrorCode, GrantRequest, GrantScope, GrantStatus, PageQuery, ThreadQuery};

use crate::helpers::{api_error, TestApp, NURSE, OTHER_PATIENT, PATIENT, PHYSICIAN, STAFF};
use crate::mail::verify_address;
use crate::messaging::{key, new_thread, reply};
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

/// Claudie, authorized by Blair to write her messages and see her record, acts for her: what
/// she writes shows as "Claudie Walsh for Blair Conroy" to both sides, Blair's access log shows
/// her looks as an authorized person's, the audit log names Claudie as the actor and Blair as
/// the patient, and once Blair ends the grant Claudie's very next request is told so.
async fn an_authorized_person_acts_for_the_patient_until_the_grant_ends(app: TestApp) {
    let chart = blairs_chart(&app).await;
    let patient = app.login_and_accept(PATIENT).await;
    let given = app
        .client
        .give_grant(
            &patient,
            chart,
            &request(
                OTHER_PATIENT.email,
                vec![GrantScope::WriteMessages, GrantScope::Record],
                None,
            ),
        )
        .await
        .expect("given");
    verify_address(&app, OTHER_PATIENT.email).await;
    let claudie = app.login_and_accept(OTHER_PATIENT).await;
    app.client
        .answer_grant(&claudie, given.id, true)
        .await
        .expect("accepted");

    let me = app.client.me(&claudie).await.expect("me");
    assert_eq!(me.acting_for.len(), 1);
    assert_eq!(me.acting_for[0].patient_id, chart);
    assert_eq!(me.acting_for[0].patient_name, "Blair Conroy");
    assert!(me.patient_ids.is_empty(), "her own charts only: she has none");

    let for_blair = claudie.acting_for(Some(chart));
    let sent = app
        .client
        .create_thread(
            &for_blair,
            &key(),
            &new_thread(Category::MedicalQuestion, "For Blair", "Her rash is back."),
        )
        .await
        .expect("sent for Blair");
    let seen_by_blair = app
        .client
        .thread(&patient, sent.thread_id)
        .await
        .expect("Blair's thread");
    let message = &seen_by_blair.messages[0];
    assert_eq!(message.author.name, "Claudie Walsh");
    assert_eq!(message.written_for.as_deref(), Some("Blair Conroy"));
    let physician = app.login_as(PHYSICIAN).await;
    let seen_by_team = app.client.thread(&physician, sent.thread_id).await.expect("the team's");
    assert_eq!(seen_by_team.messages[0].written_for.as_deref(), Some("Blair Conroy"));
    app.client
        .reply(&physician, sent.thread_id, &key(), &reply("Please send a photo."))
        .await
        .expect("answered");
    let detail = app
        .client
        .thread(&for_blair, sent.thread_id)
        .await
        .expect("read for Blair");
    assert_eq!(detail.messages[1].written_for, None, "the physician writes for herself");
    app.client
        .record_summary(&for_blair, chart)
        .await
        .expect("Blair's record");
    // Claudie's own (empty) list is not Blair's.
    let own = app
        .client
        .threads(&claudie, &ThreadQuery::default())
        .await
        .expect("own");
    assert!(own.threads.is_empty());

    // Blair sees who looked, and the audit log names both.
    let log = app
        .client
        .access_log(&patient, chart, &PageQuery::default())
        .await
        .expect("access log");
    let claudies: Vec<_> = log.entries.iter().filter(|e| e.who == "Claudie Walsh").collect();
    assert!(!claudies.is_empty() && claudies.iter().all(|e| e.authorized_person));
    let claudie_id = app.client.me(&claudie).await.expect("me").user.id;
    let blair_id = app.client.me(&patient).await.expect("me").user.id;
    let (actor, subject): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT actor_user_id, subject_user_id FROM audit_events WHERE action = 'record.read' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .expect("audited");
    assert_eq!((actor, subject), (Some(claudie_id), Some(blair_id)));

    // Not inherited: acting for Blair, Claudie gives nothing of hers.
    let (status, ..) = api_error(
        app.client
            .give_grant(
                &for_blair,
                chart,
                &request("third@example.com", vec![GrantScope::Record], None),
            )
            .await,
    );
    assert_eq!(status, 404);

    // Blair ends it; Claudie's next request is told, and her own account still works.
    app.client.end_grant(&patient, chart, given.id).await.expect("ended");
    let (status, code, message, _) = api_error(app.client.thread(&for_blair, sent.thread_id).await);
    assert_eq!((status, code), (403, ErrorCode::GrantEnded));
    assert!(
        message.contains("Your access to Blair Conroy's portal has ended"),
        "{message}"
    );
    assert!(app.client.me(&claudie).await.expect("me").acting_for.is_empty());
    app.client
        .threads(&claudie, &ThreadQuery::default())
        .await
        .expect("her own portal");
}
on_both_databases!(an_authorized_person_acts_for_the_patient_until_the_grant_ends);
