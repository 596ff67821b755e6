//! The second factor (TOTP, issue 11): enrolment and its confirmation, sign-in with a code or
//! a recovery code, a replayed code refused, wrong codes locking the account like wrong
//! pass-phrases, the care team's enrolment gate, and turning it off; on both databases.

use chrono::Duration;
use portal_api::client::SessionToken;
use portal_api::{ErrorCode, Pool, Role, ThreadQuery, RECOVERY_CODE_COUNT};
use portal_server::admin::{self, NewUser};
use portal_server::auth::password::PasswordHasher;
use portal_server::clock::Clock;
use portal_server::domain::access::StaffPools;
use portal_server::domain::second_factor::TotpSecret;
use portal_server::store::second_factor;
use sqlx::Row;

use crate::helpers::{api_error, TestApp, PATIENT, PHYSICIAN};
use crate::on_both_databases;

/// A code that is not the current one (nor, but for a one-in-a-million chance, a neighbour's).
fn wrong_code(right: &str) -> String {
    right.bytes().map(|b| char::from(b'0' + (b - b'0' + 1) % 10)).collect()
}

/// The patient sets up a second factor and answers the secret it shows.
async fn enrol_patient(app: &TestApp, token: &SessionToken) -> (TotpSecret, Vec<String>) {
    let enrolment = app.client.enrol_totp(token).await.expect("enrol");
    let secret = TotpSecret::from_base32(&enrolment.secret).expect("the secret as shown reads back");
    let codes = app
        .client
        .confirm_totp(token, &app.code_for(PATIENT.email, &secret))
        .await
        .expect("confirm");
    (secret, codes.codes)
}

async fn a_patient_enrols_and_then_signs_in_with_a_code_once_or_a_recovery_code_once(app: TestApp) {
    let token = app.login_as(PATIENT).await;
    let enrolment = app.client.enrol_totp(&token).await.expect("enrol");
    assert_eq!(enrolment.secret.split(' ').count(), 8, "160 bits in groups of four");
    assert!(
        enrolment.otpauth_uri.starts_with("otpauth://totp/"),
        "{}",
        enrolment.otpauth_uri
    );
    assert!(
        enrolment
            .otpauth_uri
            .contains("issuer=Dermatology%20Specialists%20of%20Kansas%20City"),
        "the practice is the issuer: {}",
        enrolment.otpauth_uri
    );
    assert!(enrolment.qr_svg.contains("<svg"), "an SVG document");
    let secret = TotpSecret::from_base32(&enrolment.secret).expect("base32");
    assert!(enrolment.otpauth_uri.contains(&secret.to_base32()));

    // Nothing counts before a code confirms it.
    app.client.me(&token).await.expect("me");
    assert!(!app.client.me(&token).await.expect("me").user.second_factor);
    let code = app.code_for(PATIENT.email, &secret);
    let (status, code_name, ..) = api_error(app.client.confirm_totp(&token, &wrong_code(&code)).await);
    assert_eq!((status, code_name), (422, ErrorCode::InvalidCode));
    let recovery = app.client.confirm_totp(&token, &code).await.expect("confirm").codes;
    assert_eq!(recovery.len(), RECOVERY_CODE_COUNT as usize);
    for code in &recovery {
        assert!(code.len() == 11 && code.as_bytes()[5] == b'-', "xxxxx-xxxxx: {code}");
    }
    assert!(app.client.me(&token).await.expect("me").user.second_factor);
    let (status, code_name, ..) = api_error(app.client.enrol_totp(&token).await);
    assert_eq!((status, code_name), (409, ErrorCode::Conflict), "one at a time");

    // At rest: the secret sealed, the recovery codes as keyed digests.
    let row = sqlx::query("SELECT id, totp_secret, totp_pending_secret FROM users WHERE email = $1")
        .bind(PATIENT.email)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("row");
    let user_id: i64 = row.get("id");
    let stored: String = row.get("totp_secret");
    assert!(stored.starts_with("v1.") && !stored.contains(&secret.to_base32()));
    assert!(row.get::<Option<String>, _>("totp_pending_secret").is_none());
    let digests: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(&app.state.db.pool)
        .await
        .expect("digests");
    assert_eq!(digests.len(), recovery.len());
    assert!(digests
        .iter()
        .all(|d| !recovery.iter().any(|c| d.contains(&c.replace('-', "")))));

    // Sign-in now needs a code; asking for it is not a failure.
    for _ in 0..6 {
        let (status, code_name, message, _) = api_error(app.login(PATIENT.email, PATIENT.passphrase).await);
        assert_eq!((status, code_name), (401, ErrorCode::SecondFactorRequired));
        assert!(message.contains("6-digit code"), "{message}");
    }
    let code = app.code_for(PATIENT.email, &secret);
    let signed_in = app
        .client
        .login_with_code(PATIENT.email, PATIENT.passphrase, &code, None)
        .await
        .expect("signs in with the current code");
    assert!(signed_in.user.second_factor);
    // The same code again (seen over a shoulder) is refused, and says so.
    let (status, code_name, message, _) = api_error(
        app.client
            .login_with_code(PATIENT.email, PATIENT.passphrase, &code, None)
            .await,
    );
    assert_eq!((status, code_name), (401, ErrorCode::SecondFactorRequired));
    assert!(message.contains("not right"), "{message}");
    // The wrong pass-phrase with a right code is answered as any wrong pass-phrase.
    let next = app.code_for(PATIENT.email, &secret);
    let (status, code_name, ..) = api_error(
        app.client
            .login_with_code(PATIENT.email, "not the right pass-phrase", &next, None)
            .await,
    );
    assert_eq!((status, code_name), (401, ErrorCode::InvalidCredentials));

    // A recovery code works once, however it is typed.
    let typed = format!(" {} ", recovery[0].to_uppercase().replace('-', " - "));
    app.client
        .login_with_code(PATIENT.email, PATIENT.passphrase, &typed, None)
        .await
        .expect("a recovery code signs in");
    let (status, code_name, ..) = api_error(
        app.client
            .login_with_code(PATIENT.email, PATIENT.passphrase, &recovery[0], None)
            .await,
    );
    assert_eq!((status, code_name), (401, ErrorCode::SecondFactorRequired), "used");
    assert_eq!(
        second_factor::unused_recovery_codes(&app.state.db, user_id)
            .await
            .expect("count"),
        i64::from(RECOVERY_CODE_COUNT) - 1
    );

    // A new set: the pass-phrase confirms it, and the old codes stop working.
    let (status, code_name, ..) = api_error(app.client.new_recovery_codes(&token, "not my pass-phrase").await);
    assert_eq!((status, code_name), (403, ErrorCode::WrongPassphrase));
    let fresh = app
        .client
        .new_recovery_codes(&token, PATIENT.passphrase)
        .await
        .expect("new codes")
        .codes;
    let (status, code_name, ..) = api_error(
        app.client
            .login_with_code(PATIENT.email, PATIENT.passphrase, &recovery[1], None)
            .await,
    );
    assert_eq!((status, code_name), (401, ErrorCode::SecondFactorRequired), "replaced");
    app.client
        .login_with_code(PATIENT.email, PATIENT.passphrase, &fresh[0], None)
        .await
        .expect("a new code signs in");

    // A patient may turn it off, with the pass-phrase.
    let (status, code_name, ..) = api_error(app.client.disable_totp(&token, "not my pass-phrase").await);
    assert_eq!((status, code_name), (403, ErrorCode::WrongPassphrase));
    app.client
        .disable_totp(&token, PATIENT.passphrase)
        .await
        .expect("turned off");
    assert!(!app.client.me(&token).await.expect("me").user.second_factor);
    let plain = app
        .login(PATIENT.email, PATIENT.passphrase)
        .await
        .expect("no code needed now");
    assert!(!plain.user.second_factor);
    assert_eq!(
        second_factor::unused_recovery_codes(&app.state.db, user_id)
            .await
            .expect("count"),
        0
    );

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE subject_user_id = $1 AND action LIKE 'auth.%' ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(&app.state.db.pool)
    .await
    .expect("audit");
    for action in [
        "auth.second_factor_enabled",
        "auth.recovery_codes_replaced",
        "auth.second_factor_disabled",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
}
on_both_databases!(a_patient_enrols_and_then_signs_in_with_a_code_once_or_a_recovery_code_once);

async fn wrong_codes_lock_the_account_like_wrong_passphrases(app: TestApp) {
    // Asking for the code is not a failed guess …
    for _ in 0..6 {
        let (status, code, ..) = api_error(app.login(PHYSICIAN.email, PHYSICIAN.passphrase).await);
        assert_eq!((status, code), (401, ErrorCode::SecondFactorRequired));
    }
    // … a wrong code is: the fifth locks the account, as wrong pass-phrases do.
    for _ in 0..4 {
        let wrong = wrong_code(&app.demo_code(PHYSICIAN));
        let (status, code, message, _) = api_error(
            app.client
                .login_with_code(PHYSICIAN.email, PHYSICIAN.passphrase, &wrong, None)
                .await,
        );
        assert_eq!((status, code), (401, ErrorCode::SecondFactorRequired));
        assert!(message.contains("not right"), "{message}");
    }
    let wrong = wrong_code(&app.demo_code(PHYSICIAN));
    let (status, code, _, retry_after) = api_error(
        app.client
            .login_with_code(PHYSICIAN.email, PHYSICIAN.passphrase, &wrong, None)
            .await,
    );
    assert_eq!((status, code), (423, ErrorCode::AccountLocked));
    assert!(retry_after.is_some());
    let right = app.demo_code(PHYSICIAN);
    let (status, code, ..) = api_error(
        app.client
            .login_with_code(PHYSICIAN.email, PHYSICIAN.passphrase, &right, None)
            .await,
    );
    assert_eq!(
        (status, code),
        (423, ErrorCode::AccountLocked),
        "not even the right code is checked"
    );

    app.advance(Duration::minutes(15) + Duration::seconds(1));
    app.login_as(PHYSICIAN).await;
}
on_both_databases!(wrong_codes_lock_the_account_like_wrong_passphrases);

async fn a_wrong_passphrase_to_confirm_a_change_counts_toward_the_lock(app: TestApp) {
    let token = app.login_as(PATIENT).await;
    enrol_patient(&app, &token).await;
    for _ in 0..4 {
        let (status, code, ..) = api_error(app.client.disable_totp(&token, "wrong wrong wrong wrong").await);
        assert_eq!((status, code), (403, ErrorCode::WrongPassphrase));
    }
    let (status, code, ..) = api_error(app.client.new_recovery_codes(&token, "wrong wrong wrong wrong").await);
    assert_eq!(
        (status, code),
        (423, ErrorCode::AccountLocked),
        "the fifth wrong guess locks"
    );
    // The account's own count is locked: sign-in from anywhere but a network the person
    // signed in from before.
    let elsewhere = app.raw_client(|b| b.local_address(Some([127, 0, 0, 2].into())));
    let status = elsewhere
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"email": PATIENT.email, "password": PATIENT.passphrase}))
        .send()
        .await
        .expect("answer")
        .status();
    assert_eq!(status.as_u16(), 423, "sign-in is locked too");
    app.client.me(&token).await.expect("the session itself goes on");
}
on_both_databases!(a_wrong_passphrase_to_confirm_a_change_counts_toward_the_lock);

const NEW_DESK: &str = "desk2@dskc.example";
const NEW_DESK_PASSPHRASE: &str = "lanterns drift over marble steps";

async fn the_care_team_enrols_before_anything_else_and_may_not_turn_it_off(app: TestApp) {
    let user = NewUser {
        email: NEW_DESK,
        name: "Robin Park",
        role: Role::Staff,
        passphrase: NEW_DESK_PASSPHRASE,
        staff_pools: StaffPools::of([Pool::FrontDesk]),
    };
    admin::add_user(&app.state.db, &PasswordHasher::new(2), &user, app.clock.now())
        .await
        .expect("staff added");
    let login = app.login(NEW_DESK, NEW_DESK_PASSPHRASE).await.expect("signs in");
    assert!(!login.user.second_factor);
    let token = SessionToken::new(login.token);

    // Gated: only what enrolling needs answers.
    let (status, code, message, _) = api_error(app.client.threads(&token, &ThreadQuery::default()).await);
    assert_eq!((status, code), (403, ErrorCode::SecondFactorEnrolmentRequired));
    assert!(message.contains("authenticator app"), "{message}");
    let (status, code, ..) = api_error(app.client.sessions(&token).await);
    assert_eq!((status, code), (403, ErrorCode::SecondFactorEnrolmentRequired));
    let (status, code, ..) = api_error(app.client.new_recovery_codes(&token, NEW_DESK_PASSPHRASE).await);
    assert_eq!((status, code), (403, ErrorCode::SecondFactorEnrolmentRequired));
    app.client.me(&token).await.expect("who they are");
    app.client.practice().await.expect("the practice");
    app.client.policy(&token).await.expect("the policy");

    // Enrols, and reaches the rest at once.
    let enrolment = app.client.enrol_totp(&token).await.expect("enrol");
    let secret = TotpSecret::from_base32(&enrolment.secret).expect("base32");
    app.client
        .confirm_totp(&token, &app.code_for(NEW_DESK, &secret))
        .await
        .expect("confirm");
    app.client
        .threads(&token, &ThreadQuery::default())
        .await
        .expect("the thread list after enrolling");

    // Required for the role: it stays.
    let (status, code, ..) = api_error(app.client.disable_totp(&token, NEW_DESK_PASSPHRASE).await);
    assert_eq!((status, code), (403, ErrorCode::Forbidden));
    let physician = app.login_as(PHYSICIAN).await;
    let (status, code, ..) = api_error(app.client.disable_totp(&physician, PHYSICIAN.passphrase).await);
    assert_eq!((status, code), (403, ErrorCode::Forbidden));

    // And sign-in asks for it.
    let (status, code, ..) = api_error(app.login(NEW_DESK, NEW_DESK_PASSPHRASE).await);
    assert_eq!((status, code), (401, ErrorCode::SecondFactorRequired));
    app.client
        .login_with_code(NEW_DESK, NEW_DESK_PASSPHRASE, &app.code_for(NEW_DESK, &secret), None)
        .await
        .expect("signs in with a code");
}
on_both_databases!(the_care_team_enrols_before_anything_else_and_may_not_turn_it_off);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_code_signs_in_once_on_two_instances_of_one_database() {
    let Some((first, second, _database)) = crate::helpers::two_instances_on_postgres().await else {
        return;
    };
    // Both instances' clocks read the same step (they started within moments of each other);
    // the code is made for the first one's.
    let code = first.demo_code(PHYSICIAN);
    let (a, b) = tokio::join!(
        first
            .client
            .login_with_code(PHYSICIAN.email, PHYSICIAN.passphrase, &code, None),
        second
            .client
            .login_with_code(PHYSICIAN.email, PHYSICIAN.passphrase, &code, None),
    );
    assert_eq!(
        usize::from(a.is_ok()) + usize::from(b.is_ok()),
        1,
        "exactly one sign-in gets the code: {a:?} {b:?}"
    );
}
