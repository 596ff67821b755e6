//! Authorized persons (issue 12) the practice sets up for a patient who cannot (a parent of a
//! child under 12, a legal guardian): only the front desk (other members of the practice 403,
//! patients 404), always with a last day, the reason and the document seen (sealed at rest),
//! audited with the staff member as the actor; the person is invited by email, and the
//! patient's own account ends it like any of theirs. A chart without an account gets one the
//! practice keeps, so the person can write for the patient; the patient takes it over later.

use chrono::{Duration, NaiveDate};
use portal_api::client::SessionToken;
use portal_api::{Activation, Category, ErrorCode, GrantScope, GrantStatus, PracticeGrantRequest, ThreadQuery};
use portal_server::store::grants;

use crate::grants_mail::{chart_name, grant_invitation_code, ENDED_SUBJECT};
use crate::helpers::{api_error, Backend, TestApp, ADMIN, NURSE, OTHER_PATIENT, PATIENT, PHYSICIAN, STAFF};
use crate::mail::app_sending_to;
use crate::mail_catcher::{MailCatcher, Security};
use crate::messaging::{key, new_thread, reply};
use crate::owned_accounts::{mail_to, mails_to, settle, unlinked_chart};
use crate::records_read::blairs_chart;

const GUARDIAN: &str = "rowan.conroy@example.org";
const REASON: &str = "Parent of a patient under 12";
const DOCUMENT: &str = "Birth certificate no. 4471";

fn request(until: NaiveDate) -> PracticeGrantRequest {
    PracticeGrantRequest {
        name: "Rowan Conroy".into(),
        email: GUARDIAN.into(),
        scopes: vec![GrantScope::WriteMessages, GrantScope::Record, GrantScope::Results],
        until,
        reason: REASON.into(),
        document: DOCUMENT.into(),
    }
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    portal_server::store::users::find_by_email(&app.state.db, email)
        .await
        .expect("find")
        .expect("the account")
        .id
}

async fn the_front_desk_sets_up_a_grant_the_patient_can_end(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    let chart = blairs_chart(&app).await;
    let name = chart_name(&app, chart).await;
    let today = app.state.clock.now().date_naive();
    let until = today + Duration::days(365 * 3);

    // Only the front desk: other members of the practice 403, patients 404.
    for (account, expected) in [
        (NURSE, 403),
        (PHYSICIAN, 403),
        (ADMIN, 403),
        (PATIENT, 404),
        (OTHER_PATIENT, 404),
    ] {
        let token = app.login_and_accept(account).await;
        let (status, ..) = api_error(app.client.give_grant_by_practice(&token, chart, &request(until)).await);
        assert_eq!(status, expected, "{}", account.email);
        let (status, ..) = api_error(
            app.client
                .give_grant_by_practice(&token, chart + 1000, &request(until))
                .await,
        );
        assert_eq!(
            status, expected,
            "{}: the same for a chart that does not exist",
            account.email
        );
    }
    let staff = app.login_and_accept(STAFF).await;
    let (status, ..) = api_error(
        app.client
            .give_grant_by_practice(&staff, chart + 1000, &request(until))
            .await,
    );
    assert_eq!(status, 404, "no such chart");

    // What is asked is checked.
    let past = request(today - Duration::days(1));
    let (status, error, ..) = api_error(app.client.give_grant_by_practice(&staff, chart, &past).await);
    assert_eq!((status, error), (422, ErrorCode::Validation), "a last day already past");
    for (reason, document, why) in [(" ", DOCUMENT, "a blank reason"), (REASON, "", "no document")] {
        let asked = PracticeGrantRequest {
            reason: reason.into(),
            document: document.into(),
            ..request(until)
        };
        let (status, ..) = api_error(app.client.give_grant_by_practice(&staff, chart, &asked).await);
        assert_eq!(status, 422, "{why}");
    }
    let own = PracticeGrantRequest {
        email: PATIENT.email.into(),
        ..request(until)
    };
    let (status, error, ..) = api_error(app.client.give_grant_by_practice(&staff, chart, &own).await);
    assert_eq!((status, error), (409, ErrorCode::Conflict), "the patient's own address");
    let to_self = PracticeGrantRequest {
        email: STAFF.email.into(),
        ..request(until)
    };
    let (status, error, ..) = api_error(app.client.give_grant_by_practice(&staff, chart, &to_self).await);
    assert_eq!(
        (status, error),
        (409, ErrorCode::Conflict),
        "the staff member's own address"
    );

    let given = app
        .client
        .give_grant_by_practice(&staff, chart, &request(until))
        .await
        .expect("set up");
    assert!(given.by_practice);
    assert_eq!((given.status, given.until), (GrantStatus::Invited, Some(until)));
    let patient = app.login_and_accept(PATIENT).await;
    let listed = app.client.grants(&patient, chart).await.expect("list").grants;
    assert_eq!(
        listed,
        vec![given.clone()],
        "the patient sees it, set up by the practice"
    );

    // Audited: the staff member did it, to the patient.
    let (actor, subject): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT actor_user_id, subject_user_id FROM audit_events WHERE action = 'grant.given' AND object = $1",
    )
    .bind(format!("grant:{}", given.id))
    .fetch_one(&app.state.db.pool)
    .await
    .expect("audited");
    assert_eq!(
        (actor, subject),
        (
            Some(user_id(&app, STAFF.email).await),
            Some(user_id(&app, PATIENT.email).await)
        )
    );
    // The reason and the document, sealed at rest, bound to the grant.
    let (reason, document): (String, String) =
        sqlx::query_as("SELECT reason, document FROM practice_grants WHERE grant_id = $1")
            .bind(given.id)
            .fetch_one(&app.state.db.pool)
            .await
            .expect("recorded");
    assert!(!reason.contains("Parent") && !document.contains("certificate"));
    assert_eq!(
        grants::practice_record(&app.state.db, &app.state.text_sealer, given.id)
            .await
            .expect("opened"),
        Some((REASON.to_string(), DOCUMENT.to_string()))
    );

    // The person is invited like any grant's, with a code for their new account.
    let code = grant_invitation_code(&catcher, GUARDIAN).await;
    assert!(!code.is_empty());
    let invited = mail_to(&catcher, GUARDIAN, crate::grants_mail::INVITED_SUBJECT).await;
    assert!(invited.text.contains(&name));
    assert!(!invited.everything().contains(REASON) && !invited.everything().contains(DOCUMENT));

    // The patient's own account ends it; the person is told.
    app.client.end_grant(&patient, chart, given.id).await.expect("ended");
    mail_to(&catcher, GUARDIAN, ENDED_SUBJECT).await;
    let listed = app.client.grants(&patient, chart).await.expect("list").grants;
    assert_eq!(listed[0].status, GrantStatus::Ended);
}
crate::on_both_databases_with_mail!(the_front_desk_sets_up_a_grant_the_patient_can_end);

const PASSPHRASE: &str = "heron lantern under the quay";

/// Signs in with the code of the mail to `email` (and, for a patient's chart, the date of
/// birth on it) and accepts the policy.
async fn activate(app: &TestApp, email: &str, code: &str, born: Option<NaiveDate>) -> SessionToken {
    let signed_in = app
        .client
        .activate(Activation {
            email,
            code,
            date_of_birth: born,
            password: PASSPHRASE,
            device: None,
        })
        .await
        .expect("activated");
    let token = SessionToken::new(signed_in.token);
    let policy = app.client.policy(&token).await.expect("policy");
    app.client
        .accept_policy(&token, policy.version)
        .await
        .expect("accepted");
    token
}

/// A child with a chart but no account (Claudie Walsh's here): the front desk authorizes a
/// parent, who writes to the care team for the child and reads the answer; the account the
/// practice keeps for the child takes no sign-in and gets no mail; years later the child is
/// invited to their chart, takes the account over with its conversations, and can end the
/// parent's grant.
async fn a_parent_writes_for_a_child_without_an_account_until_the_child_takes_it_over(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    let (chart, born) = unlinked_chart(&app).await;
    let name = chart_name(&app, chart).await;
    let until = app.state.clock.now().date_naive() + Duration::days(365 * 3);
    let staff = app.login_and_accept(STAFF).await;
    let given = app
        .client
        .give_grant_by_practice(&staff, chart, &request(until))
        .await
        .expect("set up");

    let code = grant_invitation_code(&catcher, GUARDIAN).await;
    let parent = activate(&app, GUARDIAN, &code, None).await;
    app.client
        .answer_grant(&parent, given.id, true)
        .await
        .expect("accepted");
    let me = app.client.me(&parent).await.expect("me");
    assert_eq!(me.acting_for.len(), 1);
    assert_eq!(
        (me.acting_for[0].patient_id, me.acting_for[0].patient_name.as_str()),
        (chart, name.as_str())
    );

    let for_child = parent.acting_for(Some(chart));
    let sent = app
        .client
        .create_thread(
            &for_child,
            &key(),
            &new_thread(
                Category::MedicalQuestion,
                "For my daughter",
                "The rash spread to her arms.",
            ),
        )
        .await
        .expect("the parent writes for the child");
    let nurse = app.login_and_accept(NURSE).await;
    let seen = app
        .client
        .thread(&nurse, sent.thread_id)
        .await
        .expect("the care team's");
    assert_eq!(seen.messages[0].author.name, "Rowan Conroy");
    assert_eq!(seen.messages[0].written_for.as_deref(), Some(name.as_str()));
    app.client
        .reply(&nurse, sent.thread_id, &key(), &reply("Please send a photo."))
        .await
        .expect("answered");
    let read = app
        .client
        .thread(&for_child, sent.thread_id)
        .await
        .expect("read for the child");
    assert_eq!(read.messages.len(), 2);

    // Nobody signs in to the account the practice keeps, and no mail goes to it.
    assert_eq!(read.thread.patient.name, name, "the kept account has the chart's name");
    let kept = portal_server::store::users::find_by_id(&app.state.db, read.thread.patient.id)
        .await
        .expect("find")
        .expect("the kept account");
    let (status, error, ..) = api_error(app.login(&kept.email, PASSPHRASE).await);
    assert_eq!((status, error), (401, ErrorCode::InvalidCredentials));
    let (status, error, ..) = api_error(app.login(&kept.email, "!").await);
    assert_eq!((status, error), (401, ErrorCode::InvalidCredentials));
    app.client
        .request_reset(&kept.email)
        .await
        .expect("202, like any address");

    // The child, grown up, is invited to their chart: the account and its conversations
    // become theirs, and the parent's grant is theirs to end.
    const CHILD: &str = "claudie.w@example.org";
    app.client.invite_patient(&staff, chart, CHILD).await.expect("invited");
    let code = mail_to(&catcher, CHILD, "Your activation code")
        .await
        .code()
        .expect("a code");
    let child = activate(&app, CHILD, &code, Some(born)).await;
    let me = app.client.me(&child).await.expect("me");
    assert_eq!(me.patient_ids, vec![chart]);
    assert_eq!(me.user.id, kept.id, "the kept account, now theirs");
    let own = app
        .client
        .threads(&child, &ThreadQuery::default())
        .await
        .expect("threads");
    assert_eq!(
        own.threads.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![sent.thread_id]
    );
    let (status, ..) = api_error(app.client.invite_patient(&staff, chart, "else@example.org").await);
    assert_eq!(status, 409, "the chart's account is the patient's own now");
    app.client
        .end_grant(&child, chart, given.id)
        .await
        .expect("ended by the child");
    mail_to(&catcher, GUARDIAN, ENDED_SUBJECT).await;
    let (status, error, ..) = api_error(app.client.threads(&for_child, &ThreadQuery::default()).await);
    assert_eq!((status, error), (403, ErrorCode::GrantEnded));

    settle().await;
    let to_kept: Vec<_> = catcher
        .delivered()
        .into_iter()
        .filter(|m| m.rcpt_tos.iter().any(|r| r.ends_with("managed.invalid")))
        .collect();
    assert!(to_kept.is_empty(), "no mail to a kept account's address");
    assert!(!mails_to(&catcher, CHILD).is_empty());
}
crate::on_both_databases_with_mail!(a_parent_writes_for_a_child_without_an_account_until_the_child_takes_it_over);
