//! An admin turns an account off and back on (issue 11): its sessions end at once, its
//! sign-in is refused with a plain reason only to the right pass-phrase, nothing in it is
//! deleted, every change is in the audit log; nobody else may; on both databases.

use portal_api::ErrorCode;
use sqlx::Row;

use crate::helpers::{api_error, TestApp, ADMIN, NURSE, PATIENT, PHYSICIAN};
use crate::on_both_databases;

async fn id_of(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("the account")
}

async fn an_admin_turns_an_account_off_and_on(app: TestApp) {
    let admin = app.login_as(ADMIN).await;
    let nurse = app.login_as(NURSE).await;
    let nurse_id = id_of(&app, NURSE.email).await;
    app.client.me(&nurse).await.expect("signed in and cached");

    let off = app
        .client
        .set_account_disabled(&admin, nurse_id, true)
        .await
        .expect("turned off");
    assert_eq!(off.id, nurse_id);
    let at = off.disabled_at.expect("off, with when");
    // Its open session ends at once, not when the session cache next looks.
    let (status, code, ..) = api_error(app.client.me(&nurse).await);
    assert_eq!((status, code), (401, ErrorCode::Unauthenticated));
    let (status, code, message, _) = api_error(app.login(NURSE.email, NURSE.passphrase).await);
    assert_eq!((status, code), (403, ErrorCode::AccountDisabled));
    assert!(message.contains("call the practice"), "{message}");
    let (status, code, ..) = api_error(app.login(NURSE.email, "a wrong pass-phrase entirely").await);
    assert_eq!((status, code), (401, ErrorCode::InvalidCredentials));
    // Again: still off since the first time.
    let again = app
        .client
        .set_account_disabled(&admin, nurse_id, true)
        .await
        .expect("again");
    assert_eq!(again.disabled_at, Some(at));

    let on = app
        .client
        .set_account_disabled(&admin, nurse_id, false)
        .await
        .expect("turned on");
    assert!(on.disabled_at.is_none());
    let nurse = app.login_as(NURSE).await;
    app.client.me(&nurse).await.expect("signs in again");

    let rows = sqlx::query(
        "SELECT action, actor_user_id, subject_user_id FROM audit_events \
         WHERE action IN ('admin.account_disabled', 'admin.account_enabled') ORDER BY id",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .expect("audit");
    let admin_id = id_of(&app, ADMIN.email).await;
    let seen: Vec<(String, Option<i64>, Option<i64>)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("action").expect("action"),
                r.try_get("actor_user_id").expect("actor"),
                r.try_get("subject_user_id").expect("subject"),
            )
        })
        .collect();
    let off_row = ("admin.account_disabled".to_owned(), Some(admin_id), Some(nurse_id));
    let on_row = ("admin.account_enabled".to_owned(), Some(admin_id), Some(nurse_id));
    assert_eq!(seen, [off_row.clone(), off_row, on_row]);
}
on_both_databases!(an_admin_turns_an_account_off_and_on);

async fn only_an_admin_turns_accounts_off_and_never_their_own(app: TestApp) {
    let admin = app.login_as(ADMIN).await;
    let physician = app.login_and_accept(PHYSICIAN).await;
    let patient = app.login_and_accept(PATIENT).await;
    let patient_id = id_of(&app, PATIENT.email).await;
    for token in [&physician, &patient] {
        let (status, code, ..) = api_error(app.client.set_account_disabled(token, patient_id, true).await);
        assert_eq!((status, code), (403, ErrorCode::Forbidden));
    }
    let (status, code, ..) = api_error(app.client.set_account_disabled(&admin, patient_id + 10_000, true).await);
    assert_eq!((status, code), (404, ErrorCode::NotFound));
    let admin_id = id_of(&app, ADMIN.email).await;
    let (status, code, message, _) = api_error(app.client.set_account_disabled(&admin, admin_id, true).await);
    assert_eq!((status, code), (422, ErrorCode::Validation));
    assert!(message.contains("your own account"), "{message}");
    // Nothing was turned off.
    app.client.me(&patient).await.expect("the patient is still in");
    app.client.me(&admin).await.expect("the admin too");
    let off: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE disabled_at IS NOT NULL")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("count");
    assert_eq!(off, 0);
}
on_both_databases!(only_an_admin_turns_accounts_off_and_never_their_own);
