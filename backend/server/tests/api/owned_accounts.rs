//! Accounts a person owns (issue 11), through a real SMTP server: an invited patient
//! activates with the emailed code and their date of birth; pass-phrase change (other
//! sessions end) and reset (every session ends); an email change confirmed from the new
//! address; a new device noticed; notice preferences. With the hostile cases: wrong, reused,
//! expired and other people's codes, unknown addresses answered like known ones. Every mail is
//! scanned for the health data the tests wrote.

use chrono::{NaiveDate, TimeDelta};
use portal_api::client::SessionToken;
use portal_api::{Activation, Category, ErrorCode, NoticePreferences, Role};
use portal_server::accounts::invitation::{self, Invitee};
use portal_server::domain::access::StaffPools;
use portal_server::domain::notices::Language;
use portal_server::records::import::import_bundle;
use portal_server::store::account_changes::Actor;
use portal_server::store::charts;

use crate::helpers::{api_error, Backend, TestApp, NURSE, OTHER_PATIENT, PATIENT, STAFF};
use crate::mail::{app_sending_to, verify_address};
use crate::mail_catcher::{DeliveredMail, MailCatcher, Security, MESSAGE_HEALTH_DATA};
use crate::messaging::{key, new_thread, reply, send_thread};

const NEW_PASSPHRASE: &str = "lantern moss beside the quay";
const HEALTH_DATA: &[&str] = MESSAGE_HEALTH_DATA;

/// Claudie Walsh's chart imported (not linked to any account): its id and date of birth.
pub(crate) async fn unlinked_chart(app: &TestApp) -> (i64, NaiveDate) {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/demo-charts/claudie-walsh.json"
    ))
    .expect("the demo chart");
    let report = import_bundle(&app.state.db, &app.state.text_sealer, &bytes, app.state.clock.now())
        .await
        .expect("imported");
    let found = charts::find(&app.state.db, &report.patient_fhir_id)
        .await
        .expect("find");
    let chart = found.first().expect("the chart");
    let born = chart.birth_date.as_deref().expect("a birth date");
    (chart.id, NaiveDate::parse_from_str(born, "%Y-%m-%d").expect("a date"))
}

/// The mails to `address` delivered so far.
pub(crate) fn mails_to(catcher: &MailCatcher, address: &str) -> Vec<DeliveredMail> {
    catcher.delivered().into_iter().filter(|m| m.is_to(address)).collect()
}

const INVITED: &str = "claudie.w@example.org";

/// What the invited patient types.
fn activation<'a>(code: &'a str, born: Option<NaiveDate>, password: &'a str) -> Activation<'a> {
    Activation {
        email: INVITED,
        code,
        date_of_birth: born,
        password,
        device: Some("Patient Portal on Linux, kitchen"),
    }
}

/// Waits for a mail to `address` whose subject ends with `subject`, and answers it.
pub(crate) async fn mail_to(catcher: &MailCatcher, address: &str, subject: &str) -> DeliveredMail {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Some(mail) = mails_to(catcher, address)
            .into_iter()
            .find(|m| m.subject.ends_with(subject))
        {
            return mail;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {subject:?} mail to {address} in 30 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// How many mails to `address` have a subject ending with `subject`.
fn count_to(catcher: &MailCatcher, address: &str, subject: &str) -> usize {
    mails_to(catcher, address)
        .iter()
        .filter(|m| m.subject.ends_with(subject))
        .count()
}

pub(crate) async fn settle() {
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
}

async fn an_invited_patient_activates_with_the_emailed_code_and_their_date_of_birth(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    let (chart, born) = unlinked_chart(&app).await;
    const ADDRESS: &str = INVITED;

    // Only staff and admins invite.
    let patient = app.login_and_accept(PATIENT).await;
    let (status, code, ..) = api_error(app.client.invite_patient(&patient, chart, ADDRESS).await);
    assert_eq!((status, code), (403, ErrorCode::Forbidden));
    let staff = app.login_as(STAFF).await;
    let (status, ..) = api_error(app.client.invite_patient(&staff, chart + 1000, ADDRESS).await);
    assert_eq!(status, 404, "no such chart");
    let (status, code, ..) = api_error(app.client.invite_patient(&staff, chart, PATIENT.email).await);
    assert_eq!((status, code), (409, ErrorCode::Conflict), "an account has the address");

    let sent = app
        .client
        .invite_patient(&staff, chart, ADDRESS)
        .await
        .expect("invited");
    assert_eq!(sent.email, ADDRESS);
    assert_eq!(sent.expires_at, app.state.clock.now() + TimeDelta::days(7));
    let mail = mail_to(&catcher, ADDRESS, "Your activation code").await;
    let code = mail.code().expect("the mail carries the code");
    let code = code.as_str();

    let wrong_day = born.succ_opt();
    for (attempt, why) in [
        (activation(code, wrong_day, NEW_PASSPHRASE), "another date of birth"),
        (activation(code, None, NEW_PASSPHRASE), "no date of birth"),
        (activation("AAAA-AAAA", Some(born), NEW_PASSPHRASE), "another code"),
        (
            Activation {
                email: OTHER_PATIENT.email,
                ..activation(code, Some(born), NEW_PASSPHRASE)
            },
            "the code sent to another address",
        ),
    ] {
        let (status, error, ..) = api_error(app.client.activate(attempt).await);
        assert_eq!((status, error), (422, ErrorCode::InvalidCode), "{why}");
    }
    let (status, error, message, _) = api_error(app.client.activate(activation(code, Some(born), "short")).await);
    assert_eq!((status, error), (422, ErrorCode::WeakPassphrase), "{message}");

    let signed_in = app
        .client
        .activate(activation(code, Some(born), NEW_PASSPHRASE))
        .await
        .expect("activated");
    assert_eq!(signed_in.user.role, Role::Patient);
    assert!(signed_in.user.email_verified, "the code verified the address");
    let token = SessionToken::new(signed_in.token);
    let me = app.client.me(&token).await.expect("me");
    assert_eq!(me.patient_ids, vec![chart], "linked to the chart");

    // Used once: not again, and the practice cannot sign in with a pass-phrase it never knew.
    let (status, error, ..) = api_error(app.client.activate(activation(code, Some(born), NEW_PASSPHRASE)).await);
    assert_eq!((status, error), (422, ErrorCode::InvalidCode), "reused");
    app.login(ADDRESS, NEW_PASSPHRASE)
        .await
        .expect("their own pass-phrase works");
    let (status, ..) = api_error(app.client.invite_patient(&staff, chart, "someone@example.org").await);
    assert_eq!(status, 409, "the chart has an account now");
    settle().await;
    assert_eq!(
        count_to(&catcher, ADDRESS, "A new device signed in"),
        0,
        "activation is no news"
    );
    catcher.assert_no_health_data(HEALTH_DATA);
}
crate::on_both_databases_with_mail!(an_invited_patient_activates_with_the_emailed_code_and_their_date_of_birth);

async fn activation_codes_expire_after_seven_days_and_die_after_five_wrong_tries(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    let (chart, born) = unlinked_chart(&app).await;
    let try_code = |email: &'static str, code: String| {
        let client = app.client.clone();
        async move {
            client
                .activate(Activation {
                    email,
                    code: &code,
                    date_of_birth: Some(born),
                    password: NEW_PASSPHRASE,
                    device: None,
                })
                .await
        }
    };

    // Expired.
    let staff = app.login_as(STAFF).await;
    app.client
        .invite_patient(&staff, chart, "late@example.org")
        .await
        .expect("invited");
    let late = mail_to(&catcher, "late@example.org", "Your activation code")
        .await
        .code()
        .expect("code");
    app.advance(TimeDelta::days(7) + TimeDelta::minutes(1));
    let (status, error, ..) = api_error(try_code("late@example.org", late).await);
    assert_eq!((status, error), (422, ErrorCode::InvalidCode), "expired");
    let staff = app.login_as(STAFF).await;

    // A new invitation of the chart ends the earlier one's code.
    app.client
        .invite_patient(&staff, chart, "first@example.org")
        .await
        .expect("invited");
    let first = mail_to(&catcher, "first@example.org", "Your activation code")
        .await
        .code()
        .expect("code");
    app.client
        .invite_patient(&staff, chart, "second@example.org")
        .await
        .expect("invited");
    let second = mail_to(&catcher, "second@example.org", "Your activation code")
        .await
        .code()
        .expect("code");
    let (status, ..) = api_error(try_code("first@example.org", first).await);
    assert_eq!(status, 422, "replaced by the later invitation");

    // Five wrong codes, then the right one no longer works.
    for _ in 0..5 {
        let (status, ..) = api_error(try_code("second@example.org", "ZZZZ-ZZZZ".into()).await);
        assert_eq!(status, 422);
    }
    let (status, error, ..) = api_error(try_code("second@example.org", second).await);
    assert_eq!(
        (status, error),
        (422, ErrorCode::InvalidCode),
        "dead after five wrong tries"
    );
}
crate::on_both_databases_with_mail!(activation_codes_expire_after_seven_days_and_die_after_five_wrong_tries);

async fn a_pass_phrase_change_ends_every_other_session_and_tells_the_person(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    verify_address(&app, PATIENT.email).await;
    let laptop = app.login_and_accept(PATIENT).await;
    let phone = app.login_and_accept(PATIENT).await;

    let (status, error, ..) = api_error(
        app.client
            .change_passphrase(&laptop, "not my pass-phrase", NEW_PASSPHRASE)
            .await,
    );
    assert_eq!((status, error), (403, ErrorCode::WrongPassphrase));
    let (status, error, ..) = api_error(
        app.client
            .change_passphrase(&laptop, PATIENT.passphrase, "too short")
            .await,
    );
    assert_eq!((status, error), (422, ErrorCode::WeakPassphrase));
    app.client.me(&phone).await.expect("nothing changed yet");

    let changed = app
        .client
        .change_passphrase(&laptop, PATIENT.passphrase, NEW_PASSPHRASE)
        .await
        .expect("changed");
    assert_eq!(changed.sessions_ended, 1);
    let (status, ..) = api_error(app.client.me(&phone).await);
    assert_eq!(status, 401, "the other session ended at once");
    app.client.me(&laptop).await.expect("this session goes on");
    let (status, ..) = api_error(app.login(PATIENT.email, PATIENT.passphrase).await);
    assert_eq!(status, 401, "the old pass-phrase no longer works");
    app.login(PATIENT.email, NEW_PASSPHRASE)
        .await
        .expect("the new one does");
    mail_to(&catcher, PATIENT.email, "Your pass-phrase was changed").await;
}
crate::on_both_databases_with_mail!(a_pass_phrase_change_ends_every_other_session_and_tells_the_person);

async fn wrong_current_pass_phrases_lock_the_account_like_wrong_sign_ins(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    let token = app.login_and_accept(PATIENT).await;
    let mut last = (0, ErrorCode::Other);
    for _ in 0..8 {
        let (status, error, ..) = api_error(
            app.client
                .change_passphrase(&token, "a guess at it", NEW_PASSPHRASE)
                .await,
        );
        last = (status, error);
    }
    assert_eq!(
        last,
        (423, ErrorCode::AccountLocked),
        "guessing through a session is throttled too"
    );
}
crate::on_both_databases_with_mail!(wrong_current_pass_phrases_lock_the_account_like_wrong_sign_ins);

async fn a_forgotten_pass_phrase_is_reset_with_an_emailed_code_and_every_session_ends(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    verify_address(&app, PATIENT.email).await;
    let before = app.login_and_accept(PATIENT).await;

    // The same answer for an address with an account, one without, and an unverified one.
    app.client
        .request_reset("nobody@example.org")
        .await
        .expect("202 for no account");
    app.client
        .request_reset(OTHER_PATIENT.email)
        .await
        .expect("202 for an unverified address");
    app.client
        .request_reset(PATIENT.email)
        .await
        .expect("202 for an account");
    let mail = mail_to(&catcher, PATIENT.email, "Your pass-phrase reset code").await;
    settle().await;
    assert_eq!(catcher.delivered().len(), 1, "a code only to the verified account");
    let code = mail.code().expect("code");

    let (status, error, ..) = api_error(
        app.client
            .confirm_reset(PATIENT.email, "AAAA-AAAA", NEW_PASSPHRASE)
            .await,
    );
    assert_eq!((status, error), (422, ErrorCode::InvalidCode), "a wrong code");
    let (status, error, ..) = api_error(
        app.client
            .confirm_reset(OTHER_PATIENT.email, &code, NEW_PASSPHRASE)
            .await,
    );
    assert_eq!(
        (status, error),
        (422, ErrorCode::InvalidCode),
        "another person's address"
    );
    let (status, error, ..) = api_error(app.client.confirm_reset(PATIENT.email, &code, "short").await);
    assert_eq!(
        (status, error),
        (422, ErrorCode::WeakPassphrase),
        "the code is not used up by a weak pass-phrase"
    );

    app.client
        .confirm_reset(PATIENT.email, &code.to_lowercase().replace('-', " "), NEW_PASSPHRASE)
        .await
        .expect("reset, the code typed loosely");
    let (status, ..) = api_error(app.client.me(&before).await);
    assert_eq!(status, 401, "every session ended");
    app.login(PATIENT.email, NEW_PASSPHRASE)
        .await
        .expect("the new pass-phrase works");
    let (status, ..) = api_error(
        app.client
            .confirm_reset(PATIENT.email, &code, "yet another long pass-phrase")
            .await,
    );
    assert_eq!(status, 422, "the code works once");
    mail_to(&catcher, PATIENT.email, "Your pass-phrase was changed").await;

    // A code older than 15 minutes does not work.
    app.client.request_reset(PATIENT.email).await.expect("202");
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while count_to(&catcher, PATIENT.email, "Your pass-phrase reset code") < 2 {
        assert!(tokio::time::Instant::now() < deadline, "the second code did not come");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let codes: Vec<String> = mails_to(&catcher, PATIENT.email)
        .iter()
        .filter(|m| m.subject.ends_with("Your pass-phrase reset code"))
        .filter_map(DeliveredMail::code)
        .filter(|c| *c != code)
        .collect();
    app.advance(TimeDelta::minutes(16));
    let (status, error, ..) = api_error(
        app.client
            .confirm_reset(PATIENT.email, &codes[0], "an expired code here")
            .await,
    );
    assert_eq!((status, error), (422, ErrorCode::InvalidCode), "expired");
}
crate::on_both_databases_with_mail!(a_forgotten_pass_phrase_is_reset_with_an_emailed_code_and_every_session_ends);

async fn a_new_address_takes_effect_only_once_confirmed_from_it(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    verify_address(&app, PATIENT.email).await;
    let token = app.login_and_accept(PATIENT).await;
    const NEW_ADDRESS: &str = "blair.c@example.net";

    let (status, error, ..) = api_error(app.client.change_email(&token, NEW_ADDRESS, "not it").await);
    assert_eq!((status, error), (403, ErrorCode::WrongPassphrase));
    let (status, ..) = api_error(app.client.change_email(&token, PATIENT.email, PATIENT.passphrase).await);
    assert_eq!(status, 409, "already the address");
    // An address another account has is answered like any other, and nothing is sent to it.
    let taken = app
        .client
        .change_email(&token, OTHER_PATIENT.email, PATIENT.passphrase)
        .await
        .expect("the same answer");
    assert_eq!(taken.email, OTHER_PATIENT.email);

    let pending = app
        .client
        .change_email(&token, NEW_ADDRESS, PATIENT.passphrase)
        .await
        .expect("asked");
    assert_eq!(pending.email, NEW_ADDRESS);
    let code = mail_to(&catcher, NEW_ADDRESS, "Confirm your new email address")
        .await
        .code()
        .expect("code");
    mail_to(&catcher, PATIENT.email, "Your email address is being changed").await;
    settle().await;
    assert!(
        mails_to(&catcher, OTHER_PATIENT.email).is_empty(),
        "nothing to the taken address"
    );
    assert_eq!(
        app.client.me(&token).await.expect("me").user.email,
        PATIENT.email,
        "not yet"
    );

    let (status, error, ..) = api_error(app.client.confirm_email(&token, "AAAA-AAAA").await);
    assert_eq!((status, error), (422, ErrorCode::InvalidCode));
    let other = app.login_and_accept(OTHER_PATIENT).await;
    let (status, ..) = api_error(app.client.confirm_email(&other, &code).await);
    assert_eq!(status, 422, "another person's code");

    let user = app.client.confirm_email(&token, &code).await.expect("confirmed");
    assert_eq!(user.email, NEW_ADDRESS);
    assert!(user.email_verified);
    app.login(NEW_ADDRESS, PATIENT.passphrase)
        .await
        .expect("signs in with the new address");
    let (status, ..) = api_error(app.login(PATIENT.email, PATIENT.passphrase).await);
    assert_eq!(status, 401, "the old address is no longer an account's");
}
crate::on_both_databases_with_mail!(a_new_address_takes_effect_only_once_confirmed_from_it);

async fn a_new_device_is_noticed_and_message_notices_can_be_turned_off(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    verify_address(&app, PATIENT.email).await;
    let login = |device: &'static str| {
        let client = app.client.clone();
        async move {
            let login = client
                .login_from(PATIENT.email, PATIENT.passphrase, Some(device))
                .await
                .expect("signs in");
            SessionToken::new(login.token)
        }
    };
    let laptop = login("Patient Portal on Linux, laptop").await;
    settle().await;
    assert!(catcher.delivered().is_empty(), "the first sign-in is no news");
    login("Patient Portal on Windows, library").await;
    mail_to(&catcher, PATIENT.email, "A new device signed in").await;
    login("Patient Portal on Linux, laptop").await;
    settle().await;
    assert_eq!(
        count_to(&catcher, PATIENT.email, "A new device signed in"),
        1,
        "a device seen before"
    );

    // Message notices off: a care-team reply sends nothing; security notices still go.
    let wanted = NoticePreferences {
        messages: false,
        results: true,
    };
    assert_eq!(
        app.client.set_notice_preferences(&laptop, wanted).await.expect("set"),
        wanted
    );
    assert_eq!(app.client.notice_preferences(&laptop).await.expect("get"), wanted);
    let patient = app.login_and_accept(PATIENT).await;
    let nurse = app.login_and_accept(NURSE).await;
    let thread = send_thread(
        &app,
        &patient,
        &new_thread(Category::MedicalQuestion, HEALTH_DATA[0], HEALTH_DATA[1]),
    )
    .await;
    app.client
        .reply(&nurse, thread, &key(), &reply(HEALTH_DATA[2]))
        .await
        .expect("reply");
    settle().await;
    assert_eq!(count_to(&catcher, PATIENT.email, "You have a new secure message"), 0);
    login("Patient Portal on macOS, office").await;
    mail_to(&catcher, PATIENT.email, "A new device signed in").await;
    catcher.assert_no_health_data(HEALTH_DATA);
}
crate::on_both_databases_with_mail!(a_new_device_is_noticed_and_message_notices_can_be_turned_off);

/// A practice on two instances: a pass-phrase changed through one ends the session held on the
/// other within the session cache's documented delay (`Limits::session_cache_ttl`, 2 s).
#[tokio::test]
async fn a_pass_phrase_change_on_one_instance_ends_a_session_on_the_other_within_the_cache_delay() {
    let Some((first, second, _db)) = crate::helpers::two_instances_on_postgres().await else {
        return;
    };
    let on_first = first.login_and_accept(PATIENT).await;
    let on_second = second.login_and_accept(PATIENT).await;
    second
        .client
        .me(&on_second)
        .await
        .expect("signed in on the second instance");
    first
        .client
        .change_passphrase(&on_first, PATIENT.passphrase, NEW_PASSPHRASE)
        .await
        .expect("changed on the first instance");
    second.advance(TimeDelta::milliseconds(2001));
    let (status, ..) = api_error(second.client.me(&on_second).await);
    assert_eq!(status, 401, "ended on the other instance within the cache's delay");
    first
        .client
        .me(&on_first)
        .await
        .expect("the session that changed it goes on");
}

/// Found by Schemathesis: a request the schema already refuses (an empty pass-phrase, a code
/// longer than any code) is answered 422 `validation`, and is no guess: it never counts toward
/// the account's lock, so it can neither lock the person out nor be answered 423.
async fn malformed_confirmations_are_invalid_not_guesses(app: TestApp) {
    let token = app.login_and_accept(PATIENT).await;
    for _ in 0..6 {
        let (status, error, ..) = api_error(app.client.change_passphrase(&token, "", NEW_PASSPHRASE).await);
        assert_eq!((status, error), (422, ErrorCode::Validation), "no current pass-phrase");
        let (status, error, ..) = api_error(app.client.change_passphrase(&token, PATIENT.passphrase, "").await);
        assert_eq!((status, error), (422, ErrorCode::Validation), "no new pass-phrase");
        let (status, error, ..) = api_error(app.client.change_email(&token, "new@example.org", "").await);
        assert_eq!((status, error), (422, ErrorCode::Validation), "no pass-phrase");
        let (status, error, ..) = api_error(
            app.client
                .login_with_code(PATIENT.email, "a wrong pass-phrase", &"0".repeat(65), None)
                .await,
        );
        assert_eq!(
            (status, error),
            (422, ErrorCode::Validation),
            "a code longer than any code"
        );
    }
    app.client
        .change_passphrase(&token, PATIENT.passphrase, NEW_PASSPHRASE)
        .await
        .expect("not locked");
}
crate::on_both_databases!(malformed_confirmations_are_invalid_not_guesses);

/// A member of the practice is invited the same way (`portal-server user invite`): no date of
/// birth, their own pass-phrase, the staff pools given at the invitation, and then the
/// second factor before anything else.
async fn an_invited_nurse_activates_without_a_date_of_birth_and_sets_up_a_second_factor_first(backend: Backend) {
    let catcher = MailCatcher::start(Security::StartTls).await;
    let Some((app, _db)) = app_sending_to(backend, &catcher).await else {
        return;
    };
    const ADDRESS: &str = "kim.park@dskc.example";
    let by = Actor {
        user_id: None,
        client_addr: "command line",
        at: app.state.clock.now(),
    };
    let nurse = Invitee::Member {
        name: "Kim Park, RN",
        role: Role::Staff,
        staff_pools: StaffPools::parse("clinical").expect("pools"),
    };
    invitation::invite(
        &app.state.db,
        &app.state.text_sealer,
        ADDRESS,
        nurse,
        Language::Spanish,
        by,
    )
    .await
    .expect("invited");
    let mail = mail_to(&catcher, ADDRESS, "Su código de activación").await;
    let code = mail.code().expect("code");
    let signed_in = app
        .client
        .activate(Activation {
            email: ADDRESS,
            code: &code,
            date_of_birth: None,
            password: NEW_PASSPHRASE,
            device: None,
        })
        .await
        .expect("activated without a date of birth");
    assert_eq!(signed_in.user.role, Role::Staff);
    assert_eq!(signed_in.user.pools, vec![portal_api::Pool::Clinical]);
    assert!(!signed_in.user.second_factor);
    let token = SessionToken::new(signed_in.token);
    let (status, error, ..) = api_error(app.client.threads(&token, &Default::default()).await);
    assert_eq!(
        (status, error),
        (403, ErrorCode::SecondFactorEnrolmentRequired),
        "the second factor before anything else"
    );
}
crate::on_both_databases_with_mail!(
    an_invited_nurse_activates_without_a_date_of_birth_and_sets_up_a_second_factor_first
);
