//! E-mail through a real SMTP server (`mail_catcher`): queued mails are delivered once over
//! TLS, a relay that is down gets them later, two instances on one PostgreSQL database send
//! each mail once, and a care-team reply tells a verified patient, and only them, that a
//! message is waiting, without a word of it.

use chrono::{TimeDelta, Utc};
use portal_api::Category;
use portal_server::demo::PRACTICE_NAME;
use portal_server::domain::notices::{Language, Notice};
use portal_server::store::outbox::{self, NewMail};
use portal_server::store::{users, StoreError};

use crate::helpers::{fresh_pg_database, test_limits, Backend, TestApp, TestDatabase, NURSE, PATIENT};
use crate::mail_catcher::{free_port, MailCatcher, Security};
use crate::messaging::{key, new_thread, reply, send_thread};

/// A service on `backend` with the demo data, sending to `catcher`; `None` where PostgreSQL
/// tests may skip.
pub(crate) async fn app_sending_to(backend: Backend, catcher: &MailCatcher) -> Option<(TestApp, Option<TestDatabase>)> {
    let (url, database) = match backend {
        Backend::Sqlite => (None, None),
        Backend::Postgres => {
            let (url, name) = fresh_pg_database().await?;
            (Some(url), Some(TestDatabase(name)))
        }
    };
    let app = TestApp::spawn_with_mail(url, test_limits(), true, None, Some(catcher.settings())).await;
    Some((app, database))
}

/// Queues `mails` through the app's writer, as a change that causes them would.
async fn enqueue(app: &TestApp, mails: Vec<NewMail>) {
    let engine = app.state.db.engine;
    let sealer = app.state.text_sealer.clone();
    app.state
        .writer
        .run(move |conn| Box::pin(async move { outbox::enqueue(conn, engine, &sealer, &mails).await }))
        .await
        .map(drop)
        .unwrap_or_else(|e: StoreError| panic!("enqueue: {e}"));
}

/// A reset code to `recipient`, queued at the app's time.
fn reset_code_to(app: &TestApp, recipient: &str, code: &str) -> NewMail {
    NewMail {
        recipient: recipient.into(),
        language: Language::English,
        notice: Notice::ResetCode(code.into()),
        practice: PRACTICE_NAME.into(),
        at: app.state.clock.now(),
    }
}

/// One column of the outbox's only row.
async fn outbox_column<T>(app: &TestApp, column: &str) -> T
where
    T: Send + Unpin + for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    sqlx::query_scalar(&format!("SELECT {column} FROM mail_outbox"))
        .fetch_one(&app.state.db.pool)
        .await
        .expect("one row")
}

/// (attempts, sent, last_error) of the outbox's only row.
async fn outbox_row(app: &TestApp) -> (i64, bool, Option<String>) {
    let sent: Option<i64> = outbox_column(app, "sent_at").await;
    (
        outbox_column(app, "attempts").await,
        sent.is_some(),
        outbox_column(app, "last_error").await,
    )
}

/// The outbox's only row once the worker has tried it (at most 30 s).
async fn first_try(app: &TestApp) -> (i64, bool, Option<String>) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let row = outbox_row(app).await;
        if row.0 >= 1 {
            return row;
        }
        assert!(tokio::time::Instant::now() < deadline, "no try in 30 s");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Declare a test whose body takes the backend (it starts its own mail catcher and app).
#[macro_export]
macro_rules! on_both_databases_with_mail {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await;
            }
            #[tokio::test]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await;
            }
        }
    };
}

async fn a_queued_mail_is_delivered_once_over_starttls(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    enqueue(&app, vec![reset_code_to(&app, "patient@example.org", "314159")]).await;

    let delivered = catcher.wait_for(1).await;
    assert_eq!(delivered.len(), 1, "delivered once");
    let mail = &delivered[0];
    assert!(mail.tls, "over TLS");
    assert_eq!(mail.rcpt_tos, vec!["patient@example.org".to_string()]);
    assert!(mail.from.contains("portal@dskc.example"), "{}", mail.from);
    assert_eq!(mail.subject, format!("{PRACTICE_NAME}: Your pass-phrase reset code"));
    assert!(mail.text.contains("314159") && mail.html.contains("<strong>314159</strong>"));
    let (attempts, sent, error) = outbox_row(&app).await;
    assert_eq!((attempts, sent, error), (1, true, None));
    let payload: String = outbox_column(&app, "payload").await;
    assert_eq!(payload, "", "the code is not kept once sent");
}
on_both_databases_with_mail!(a_queued_mail_is_delivered_once_over_starttls);

#[tokio::test]
async fn a_relay_with_implicit_tls_gets_the_mail() {
    let catcher = MailCatcher::start(Security::ImplicitTls).await;
    let Some((app, _db)) = app_sending_to(Backend::Sqlite, &catcher).await else {
        return;
    };
    enqueue(&app, vec![reset_code_to(&app, "patient@example.org", "271828")]).await;
    let delivered = catcher.wait_for(1).await;
    assert_eq!(delivered.len(), 1);
    assert!(delivered[0].tls && delivered[0].text.contains("271828"));
}

#[tokio::test]
async fn a_relay_that_asks_for_an_account_gets_mail_only_from_a_service_that_signs_in() {
    let catcher = MailCatcher::start_with_account(Security::StartTls, "portal", "relay secret 42").await;
    // Without the account: refused, and the row says why without the address or the code.
    let app = TestApp::spawn_with_mail(None, test_limits(), true, None, Some(catcher.settings())).await;
    enqueue(&app, vec![reset_code_to(&app, "patient@example.org", "577215")]).await;
    let (attempts, sent, error) = first_try(&app).await;
    assert_eq!((attempts, sent), (1, false));
    let error = error.expect("the failure is recorded");
    assert!(
        !error.contains("patient@") && !error.contains("577215") && !error.contains("secret"),
        "{error}"
    );
    assert!(catcher.delivered().is_empty());
    drop(app);

    // With it: delivered.
    let mut settings = catcher.settings();
    settings.credentials = Some(portal_server::mail::RelayCredentials {
        username: "portal".into(),
        password: zeroize::Zeroizing::new("relay secret 42".into()),
    });
    let app = TestApp::spawn_with_mail(None, test_limits(), true, None, Some(settings)).await;
    enqueue(&app, vec![reset_code_to(&app, "patient@example.org", "664201")]).await;
    let delivered = catcher.wait_for(1).await;
    assert_eq!(delivered.len(), 1);
    assert!(delivered[0].tls && delivered[0].text.contains("664201"));
}

#[tokio::test]
async fn sent_mails_and_spent_codes_are_deleted_after_thirty_days() {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(Backend::Sqlite, &catcher).await else {
        return;
    };
    enqueue(&app, vec![reset_code_to(&app, "patient@example.org", "141421")]).await;
    catcher.wait_for(1).await;
    verify_address(&app, PATIENT.email).await;
    app.client.request_reset(PATIENT.email).await.expect("202");
    catcher.wait_for(2).await;
    assert_eq!(
        portal_server::mail::purge::purge(&app.state).await.expect("purge"),
        (0, 0),
        "too young"
    );
    app.advance(TimeDelta::days(31));
    assert_eq!(
        portal_server::mail::purge::purge(&app.state).await.expect("purge"),
        (2, 1)
    );
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("count");
    assert_eq!(left, 0);
}

async fn a_relay_that_is_down_gets_the_mail_when_it_is_up_and_the_retry_is_due(backend: Backend) {
    let mut catcher = MailCatcher::stopped_on(free_port(), Security::StartTls);
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    enqueue(&app, vec![reset_code_to(&app, "patient@example.org", "161803")]).await;

    // The first try fails; the row says why, without the address or the code.
    let (attempts, sent, error) = first_try(&app).await;
    assert_eq!((attempts, sent), (1, false));
    let error = error.expect("the failure is recorded");
    assert!(error.contains("could not be reached"), "{error}");
    assert!(!error.contains("patient@") && !error.contains("161803"), "{error}");

    // Up again, but the retry is not due yet (30 s on the service's clock).
    catcher.up().await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert!(catcher.delivered().is_empty(), "not before its retry is due");
    assert_eq!(outbox_row(&app).await.0, 1);

    app.advance(TimeDelta::seconds(30));
    let delivered = catcher.wait_for(1).await;
    assert_eq!(delivered.len(), 1);
    assert!(delivered[0].text.contains("161803"));
    assert_eq!(outbox_row(&app).await, (2, true, None));
}
on_both_databases_with_mail!(a_relay_that_is_down_gets_the_mail_when_it_is_up_and_the_retry_is_due);

#[tokio::test]
async fn two_instances_on_one_postgres_database_deliver_every_mail_exactly_once() {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((url, name)) = fresh_pg_database().await else {
        return;
    };
    let _database = TestDatabase(name);
    let first = TestApp::spawn_with_mail(Some(url.clone()), test_limits(), true, None, Some(catcher.settings())).await;
    let key_file = portal_server::attachments::AttachmentCipher::default_path(first.data_dir.path());
    let second = TestApp::spawn_with_mail(
        Some(url),
        test_limits(),
        false,
        Some(key_file),
        Some(catcher.settings()),
    )
    .await;

    // Queued by both instances, in several transactions, while both workers drain. Each
    // instance has its own test clock, stopped when it started: the mails are stamped with the
    // earlier one, so both workers find every mail due.
    const MAILS: usize = 60;
    for round in 0..6 {
        let app = if round % 2 == 0 { &first } else { &second };
        let mails = (0..MAILS / 6)
            .map(|i| reset_code_to(&first, &format!("p{round}-{i}@example.org"), &format!("{round}{i:03}")))
            .collect();
        enqueue(app, mails).await;
    }

    let delivered = catcher.wait_for(MAILS).await;
    assert_eq!(delivered.len(), MAILS, "no mail sent twice");
    let mut recipients: Vec<&str> = delivered.iter().map(|m| m.rcpt_tos[0].as_str()).collect();
    recipients.sort_unstable();
    recipients.dedup();
    assert_eq!(recipients.len(), MAILS, "every mail once");
    let unsent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL")
        .fetch_one(&first.state.db.pool)
        .await
        .expect("count");
    assert_eq!(unsent, 0);
}

/// The account id of a demo account.
async fn user_id(app: &TestApp, email: &str) -> i64 {
    users::find_by_email(&app.state.db, email)
        .await
        .expect("find")
        .expect("the demo account")
        .id
}

/// Marks the demo account's address verified.
pub(crate) async fn verify_address(app: &TestApp, email: &str) {
    let id = user_id(app, email).await;
    let mut conn = app.state.db.pool.acquire().await.expect("connection");
    users::mark_email_verified(&mut conn, id, Utc::now())
        .await
        .expect("verified");
}

async fn a_care_team_reply_tells_a_verified_patient_without_a_word_of_it(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    let patient = app.login_and_accept(PATIENT).await;
    let nurse = app.login_and_accept(NURSE).await;
    const SUBJECT: &str = "Mole on my left shoulder";
    const QUESTION: &str = "It itches and bled twice this week";
    const ANSWER: &str = "Possible melanoma, please book a biopsy";
    let thread = send_thread(
        &app,
        &patient,
        &new_thread(Category::MedicalQuestion, SUBJECT, QUESTION),
    )
    .await;

    // Not verified yet: the care team's reply sends nothing.
    app.client
        .reply(&nurse, thread, &key(), &reply(ANSWER))
        .await
        .expect("reply");
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert!(catcher.delivered().is_empty(), "no notice to an unverified address");

    // Verified: the next reply is noticed, once for the next 15 minutes.
    verify_address(&app, PATIENT.email).await;
    app.advance(TimeDelta::minutes(1));
    app.client
        .reply(&nurse, thread, &key(), &reply(ANSWER))
        .await
        .expect("reply");
    let delivered = catcher.wait_for(1).await;
    assert_eq!(delivered.len(), 1);
    let mail = &delivered[0];
    assert_eq!(mail.rcpt_tos, vec![PATIENT.email.to_string()]);
    assert_eq!(mail.subject, format!("{PRACTICE_NAME}: You have a new secure message"));
    assert!(mail.text.contains(PRACTICE_NAME));
    for words in [SUBJECT, QUESTION, ANSWER, "Mole", "melanoma", "biopsy", "itches"] {
        assert!(!mail.everything().contains(words), "{words:?} is in the notice");
    }

    // The patient's own message and a second reply within 15 minutes: nothing more.
    app.client
        .reply(&patient, thread, &key(), &reply("Thank you"))
        .await
        .expect("patient's reply");
    app.advance(TimeDelta::minutes(14));
    app.client
        .reply(&nurse, thread, &key(), &reply("See you Tuesday"))
        .await
        .expect("reply");
    assert_eq!(
        catcher.wait_for(1).await.len(),
        1,
        "one notice per thread per 15 minutes"
    );

    // Fifteen minutes after the notice, the next reply is noticed again.
    app.advance(TimeDelta::minutes(1));
    app.client
        .reply(&nurse, thread, &key(), &reply("Bring your medication list"))
        .await
        .expect("reply");
    let delivered = catcher.wait_for(2).await;
    assert_eq!(delivered.len(), 2);
    assert!(delivered.iter().all(|m| !m.everything().contains("medication")));
}
on_both_databases_with_mail!(a_care_team_reply_tells_a_verified_patient_without_a_word_of_it);

#[tokio::test]
async fn a_patient_who_reads_spanish_gets_the_notice_in_spanish() {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(Backend::Sqlite, &catcher).await else {
        return;
    };
    verify_address(&app, PATIENT.email).await;
    let id = user_id(&app, PATIENT.email).await;
    let mut conn = app.state.db.pool.acquire().await.expect("connection");
    users::set_language(&mut conn, id, Language::Spanish)
        .await
        .expect("language");
    drop(conn);
    let patient = app.login_and_accept(PATIENT).await;
    let nurse = app.login_and_accept(NURSE).await;
    let thread = send_thread(
        &app,
        &patient,
        &new_thread(Category::MedicalQuestion, "Erupción", "Me pica"),
    )
    .await;
    app.client
        .reply(&nurse, thread, &key(), &reply("Venga el martes"))
        .await
        .expect("reply");
    let delivered = catcher.wait_for(1).await;
    assert_eq!(delivered.len(), 1);
    assert_eq!(
        delivered[0].subject,
        format!("{PRACTICE_NAME}: Tiene un nuevo mensaje seguro")
    );
    assert!(delivered[0].text.contains("Portal del Paciente"));
    assert!(!delivered[0].everything().contains("martes") && !delivered[0].everything().contains("Erupción"));
}
