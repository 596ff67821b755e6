//! Authorized persons (issue 12), by email through a real SMTP server: the person a grant is
//! given to is invited (with a code that opens an account when their address has none: no
//! date of birth asked), activates, accepts and acts for the patient; when the grant ends they
//! are told. No mail holds health data (the catcher checks every one).

use chrono::{Duration, NaiveDate};
use portal_api::client::SessionToken;
use portal_api::{Activation, ErrorCode, GrantRequest, GrantScope, GrantStatus, Role};
use portal_server::store::charts;

use crate::helpers::{api_error, Backend, TestApp, OTHER_PATIENT, PATIENT};
use crate::mail::app_sending_to;
use crate::mail_catcher::{DeliveredMail, MailCatcher, Security};
use crate::owned_accounts::{mail_to, mails_to, settle};
use crate::records_read::blairs_chart;

/// The subject of a grant's invitation (never naming the patient: subjects show on lock
/// screens).
pub(crate) const INVITED_SUBJECT: &str = "You are invited to act for a patient";
pub(crate) const ENDED_SUBJECT: &str = "Your access to a patient's portal has ended";

const NEW_ADDRESS: &str = "claudie.walsh@example.org";
const PASSPHRASE: &str = "harbour lights over slate roofs";

pub(crate) fn request(email: &str, scopes: Vec<GrantScope>, until: Option<NaiveDate>) -> GrantRequest {
    GrantRequest {
        name: "Claudie Walsh".into(),
        email: email.into(),
        scopes,
        until,
    }
}

/// The name the grant mails give the patient of `chart` (as everywhere: their account's).
pub(crate) async fn chart_name(app: &TestApp, chart: i64) -> String {
    let chart = charts::by_id(&app.state.db, chart)
        .await
        .expect("chart")
        .expect("the chart");
    portal_server::store::charts::patient_name(&app.state.db, &chart)
        .await
        .expect("a name")
}

/// The one-time code of a grant's invitation mail to an address without an account
/// ([`DeliveredMail::code`]: the code is the mail's bold line).
pub(crate) async fn grant_invitation_code(catcher: &MailCatcher, address: &str) -> String {
    mail_to(catcher, address, INVITED_SUBJECT)
        .await
        .code()
        .expect("the invitation to an address without an account carries a code")
}

fn activation<'a>(code: &'a str, born: Option<NaiveDate>) -> Activation<'a> {
    Activation {
        email: NEW_ADDRESS,
        code,
        date_of_birth: born,
        password: PASSPHRASE,
        device: Some("Patient Portal on Linux, study"),
    }
}

async fn a_new_address_is_invited_with_a_code_activates_without_a_date_of_birth_and_acts_for_the_patient(
    backend: Backend,
) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    let chart = blairs_chart(&app).await;
    let name = chart_name(&app, chart).await;
    let patient = app.login_and_accept(PATIENT).await;
    let today = app.state.clock.now().date_naive();
    let given = app
        .client
        .give_grant(
            &patient,
            chart,
            &request(
                NEW_ADDRESS,
                vec![GrantScope::ReadMessages, GrantScope::Results],
                Some(today + Duration::days(90)),
            ),
        )
        .await
        .expect("given");

    let mail = mail_to(&catcher, NEW_ADDRESS, INVITED_SUBJECT).await;
    assert!(!mail.subject.contains(&name), "{}", mail.subject);
    assert!(
        mail.text
            .contains(&format!("{name} has invited you to act for them in")),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("no date of birth is asked"));
    let code = mail.code().expect("a code to open an account");

    // No date of birth is asked (one sent is ignored); the code is still checked.
    let (status, error, ..) = api_error(app.client.activate(activation("AAAA-AAAA", None)).await);
    assert_eq!((status, error), (422, ErrorCode::InvalidCode));
    let signed_in = app
        .client
        .activate(activation(&code, None))
        .await
        .expect("activated without a date of birth");
    assert_eq!(signed_in.user.role, Role::Patient);
    assert!(signed_in.user.email_verified, "the code verified the address");
    let person = SessionToken::new(signed_in.token);
    let me = app.client.me(&person).await.expect("me");
    assert!(me.patient_ids.is_empty(), "an account without a chart");
    assert!(me.acting_for.is_empty(), "not before accepting");

    let received = app.client.grants_received(&person).await.expect("received").grants;
    assert_eq!(received.len(), 1);
    assert_eq!(
        (received[0].id, received[0].status, received[0].patient_name.as_str()),
        (given.id, GrantStatus::Invited, name.as_str())
    );
    app.client
        .answer_grant(&person, given.id, true)
        .await
        .expect("accepted");
    let me = app.client.me(&person).await.expect("me");
    assert_eq!(me.acting_for.len(), 1);
    assert_eq!(me.acting_for[0].patient_id, chart);
    assert_eq!(
        me.acting_for[0].scopes,
        vec![GrantScope::ReadMessages, GrantScope::Results]
    );

    // The patient ends it: the person is told, once.
    app.client.end_grant(&patient, chart, given.id).await.expect("ended");
    app.client
        .end_grant(&patient, chart, given.id)
        .await
        .expect("again: nothing");
    let ended = mail_to(&catcher, NEW_ADDRESS, ENDED_SUBJECT).await;
    assert!(
        ended.text.contains(&format!("Your access to {name}'s portal")),
        "{}",
        ended.text
    );
    assert!(ended.code().is_none());
    settle().await;
    assert_eq!(count(&catcher, NEW_ADDRESS, ENDED_SUBJECT), 1);
    assert!(app.client.me(&person).await.expect("me").acting_for.is_empty());
}
crate::on_both_databases_with_mail!(
    a_new_address_is_invited_with_a_code_activates_without_a_date_of_birth_and_acts_for_the_patient
);

fn count(catcher: &MailCatcher, address: &str, subject: &str) -> usize {
    mails_to(catcher, address)
        .iter()
        .filter(|m: &&DeliveredMail| m.subject.ends_with(subject))
        .count()
}

async fn an_address_with_an_account_is_invited_to_sign_in_and_a_declined_grant_ends_quietly(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    let chart = blairs_chart(&app).await;
    let patient = app.login_and_accept(PATIENT).await;
    let given = app
        .client
        .give_grant(
            &patient,
            chart,
            &request(OTHER_PATIENT.email, vec![GrantScope::Record], None),
        )
        .await
        .expect("given");
    let mail = mail_to(&catcher, OTHER_PATIENT.email, INVITED_SUBJECT).await;
    assert!(mail.code().is_none(), "an account has the address: no code");
    assert!(mail.text.contains("open Invitations"), "{}", mail.text);

    // Ended before it was answered: the invitation is withdrawn, and the person told.
    app.client.end_grant(&patient, chart, given.id).await.expect("ended");
    mail_to(&catcher, OTHER_PATIENT.email, ENDED_SUBJECT).await;

    // Declined, then ended: nothing to tell.
    let again = app
        .client
        .give_grant(
            &patient,
            chart,
            &request(OTHER_PATIENT.email, vec![GrantScope::Record], None),
        )
        .await
        .expect("given");
    crate::mail::verify_address(&app, OTHER_PATIENT.email).await;
    let other = app.login_and_accept(OTHER_PATIENT).await;
    app.client
        .answer_grant(&other, again.id, false)
        .await
        .expect("declined");
    app.client.end_grant(&patient, chart, again.id).await.expect("ended");
    settle().await;
    assert_eq!(count(&catcher, OTHER_PATIENT.email, INVITED_SUBJECT), 2);
    assert_eq!(count(&catcher, OTHER_PATIENT.email, ENDED_SUBJECT), 1);
    // Nothing went to the patient.
    assert!(mails_to(&catcher, PATIENT.email)
        .iter()
        .all(|m| !m.subject.ends_with(INVITED_SUBJECT) && !m.subject.ends_with(ENDED_SUBJECT)));
}
crate::on_both_databases_with_mail!(an_address_with_an_account_is_invited_to_sign_in_and_a_declined_grant_ends_quietly);

async fn a_grant_taken_back_before_it_is_answered_takes_its_account_code_with_it(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    let chart = blairs_chart(&app).await;
    let patient = app.login_and_accept(PATIENT).await;
    let first = app
        .client
        .give_grant(&patient, chart, &request(NEW_ADDRESS, vec![GrantScope::Record], None))
        .await
        .expect("given");
    let code = grant_invitation_code(&catcher, NEW_ADDRESS).await;
    app.client.end_grant(&patient, chart, first.id).await.expect("ended");
    mail_to(&catcher, NEW_ADDRESS, ENDED_SUBJECT).await;
    let (status, error, ..) = api_error(app.client.activate(activation(&code, None)).await);
    assert_eq!(
        (status, error),
        (422, ErrorCode::InvalidCode),
        "no account for an invitation taken back"
    );

    // Two grants offered: ending one leaves the other's code working.
    let second = app
        .client
        .give_grant(&patient, chart, &request(NEW_ADDRESS, vec![GrantScope::Record], None))
        .await
        .expect("given");
    let third = app
        .client
        .give_grant(&patient, chart, &request(NEW_ADDRESS, vec![GrantScope::Results], None))
        .await
        .expect("given");
    while count(&catcher, NEW_ADDRESS, INVITED_SUBJECT) < 3 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    app.client.end_grant(&patient, chart, second.id).await.expect("ended");
    let mut codes: Vec<String> = mails_to(&catcher, NEW_ADDRESS)
        .into_iter()
        .filter(|m| m.subject.ends_with(INVITED_SUBJECT))
        .filter_map(|m| m.code())
        .collect();
    codes.retain(|c| *c != code);
    assert_eq!(codes.len(), 2);
    // The newest code is the one that works (sending one ends those sent before); the other
    // counts as one wrong try.
    let mut opened = Vec::new();
    for c in &codes {
        if let Ok(signed_in) = app.client.activate(activation(c, None)).await {
            opened.push(signed_in);
        }
    }
    assert_eq!(opened.len(), 1, "one code opens the account");
    let person = SessionToken::new(opened.remove(0).token);
    let received = app.client.grants_received(&person).await.expect("received").grants;
    let states: Vec<_> = received.iter().map(|g| (g.id, g.status)).collect();
    assert!(states.contains(&(third.id, GrantStatus::Invited)), "{states:?}");
}
crate::on_both_databases_with_mail!(a_grant_taken_back_before_it_is_answered_takes_its_account_code_with_it);

async fn a_grant_to_an_address_the_practice_invited_keeps_the_practices_code_working(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    let chart = blairs_chart(&app).await;
    let (own_chart, born) = crate::owned_accounts::unlinked_chart(&app).await;
    let staff = app.login_as(crate::helpers::STAFF).await;
    app.client
        .invite_patient(&staff, own_chart, NEW_ADDRESS)
        .await
        .expect("invited to their own chart");
    let chart_code = mail_to(&catcher, NEW_ADDRESS, "Your activation code")
        .await
        .code()
        .expect("a code");

    let patient = app.login_and_accept(PATIENT).await;
    let given = app
        .client
        .give_grant(&patient, chart, &request(NEW_ADDRESS, vec![GrantScope::Record], None))
        .await
        .expect("given");
    let mail = mail_to(&catcher, NEW_ADDRESS, INVITED_SUBJECT).await;
    assert!(mail.code().is_none(), "the practice's code must keep working");

    let signed_in = app
        .client
        .activate(activation(&chart_code, Some(born)))
        .await
        .expect("the practice's invitation still opens the account");
    let person = SessionToken::new(signed_in.token);
    let me = app.client.me(&person).await.expect("me");
    assert_eq!(me.patient_ids, vec![own_chart], "linked to their own chart");
    let received = app.client.grants_received(&person).await.expect("received").grants;
    assert_eq!(received.iter().map(|g| g.id).collect::<Vec<_>>(), vec![given.id]);
}
crate::on_both_databases_with_mail!(a_grant_to_an_address_the_practice_invited_keeps_the_practices_code_working);
