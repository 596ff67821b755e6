//! Sessions: idle and absolute expiry (on the test clock), sign-out, bad tokens.

use chrono::Duration;
use portal_api::client::SessionToken;
use portal_api::ErrorCode;
use reqwest::Method;

use crate::helpers::{api_error, test_limits, TestApp, OTHER_PATIENT, PATIENT};
use crate::on_both_databases;

async fn sessions_end_after_15_idle_minutes(app: TestApp) {
    let token = app.login_as(PATIENT).await;
    app.advance(Duration::minutes(14));
    app.client.me(&token).await.expect("14 idle minutes are fine");
    app.advance(Duration::minutes(14));
    app.client.me(&token).await.expect("activity restarted the idle timer");
    app.advance(Duration::minutes(15));
    let (status, code, message, _) = api_error(app.client.me(&token).await);
    assert_eq!((status, code), (401, ErrorCode::SessionExpired));
    assert!(message.contains("15 minutes"), "{message}");
    let (_, code, _, _) = api_error(app.client.me(&token).await);
    assert_eq!(code, ErrorCode::Unauthenticated, "an expired session stays ended");
}
on_both_databases!(sessions_end_after_15_idle_minutes);

async fn sessions_end_after_12_hours_however_active(app: TestApp) {
    let token = app.login_as(PATIENT).await;
    for _ in 0..(12 * 6 - 1) {
        app.advance(Duration::minutes(10));
        app.client.me(&token).await.expect("active and within 12 hours");
    }
    app.advance(Duration::minutes(10));
    let (status, code, _, _) = api_error(app.client.me(&token).await);
    assert_eq!((status, code), (401, ErrorCode::SessionExpired));
}
on_both_databases!(sessions_end_after_12_hours_however_active);

async fn signing_out_revokes_the_token_on_the_server(app: TestApp) {
    let token = app.login_as(PATIENT).await;
    let other = app.login_as(PATIENT).await;
    app.client.logout(&token).await.expect("sign out");
    let (status, code, _, _) = api_error(app.client.me(&token).await);
    assert_eq!((status, code), (401, ErrorCode::Unauthenticated));
    let (status, _, _, _) = api_error(app.client.logout(&token).await);
    assert_eq!(status, 401, "a revoked token cannot sign out again");
    app.client
        .me(&other)
        .await
        .expect("another session of the same person is unaffected");
    let revoked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NOT NULL")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("count");
    assert_eq!(revoked, 1);
}
on_both_databases!(signing_out_revokes_the_token_on_the_server);

async fn sessions_ended_beside_the_service_stop_within_the_cache_lifetime(app: TestApp) {
    // Another instance or an operator revokes the session and disables the account in the
    // database: this instance notices once its cached check is older than the lifetime.
    let ttl = Duration::from_std(test_limits().session_cache_ttl).expect("ttl");
    assert!(
        ttl > Duration::zero(),
        "the tests run with the cache on, as in production"
    );
    let token = app.login_as(PATIENT).await;
    app.client.me(&token).await.expect("checked and cached");
    sqlx::query("UPDATE sessions SET revoked_at = 1")
        .execute(&app.state.db.pool)
        .await
        .expect("revoke beside the service");
    app.advance(ttl);
    let (status, code, _, _) = api_error(app.client.me(&token).await);
    assert_eq!((status, code), (401, ErrorCode::Unauthenticated));

    let other = app.login_as(PATIENT).await;
    app.client.me(&other).await.expect("checked and cached");
    sqlx::query("UPDATE users SET disabled_at = 1 WHERE email = $1")
        .bind(PATIENT.email)
        .execute(&app.state.db.pool)
        .await
        .expect("disable beside the service");
    app.advance(ttl);
    let (status, code, _, _) = api_error(app.client.me(&other).await);
    assert_eq!((status, code), (401, ErrorCode::Unauthenticated));
}
on_both_databases!(sessions_ended_beside_the_service_stop_within_the_cache_lifetime);

async fn missing_and_forged_tokens_are_refused(app: TestApp) {
    let resp = app.client.request(Method::GET, "/me").send().await.expect("send");
    assert_eq!(resp.status(), 401);
    let body: portal_api::ApiErrorBody = resp.json().await.expect("json error");
    assert_eq!(body.code, ErrorCode::Unauthenticated);

    for forged in ["x", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &"y".repeat(500)] {
        let (status, code, _, _) = api_error(app.client.me(&SessionToken::new(forged)).await);
        assert_eq!((status, code), (401, ErrorCode::Unauthenticated), "{forged}");
    }
    let token = app.login_as(PATIENT).await;
    let resp = app
        .client
        .request(Method::GET, "/me")
        .header("authorization", format!("Basic {}", token.expose()))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 401, "only the Bearer scheme is read");
}
on_both_databases!(missing_and_forged_tokens_are_refused);

async fn background_refreshes_do_not_keep_a_session_alive(app: TestApp) {
    let token = app.login_and_accept(PATIENT).await;
    let query = portal_api::ThreadQuery::default();
    for _ in 0..7 {
        app.advance(Duration::minutes(2));
        app.client
            .threads_in_background(&token, &query)
            .await
            .expect("a background refresh works while the session lasts");
    }
    app.advance(Duration::minutes(2));
    let (status, code, _, _) = api_error(app.client.threads_in_background(&token, &query).await);
    assert_eq!(
        (status, code),
        (401, ErrorCode::SessionExpired),
        "16 minutes without activity"
    );
}
on_both_databases!(background_refreshes_do_not_keep_a_session_alive);

async fn login_from(app: &TestApp, account: portal_server::demo::DemoAccount, device: Option<&str>) -> SessionToken {
    let response = app.login_device(account, device).await.expect("signed in");
    SessionToken::new(response.token)
}

async fn a_person_sees_their_devices_and_ends_one_or_all_others(app: TestApp) {
    let desk = login_from(&app, PATIENT, Some("Patient Portal on Linux, front-desk-2")).await;
    app.advance(Duration::minutes(1));
    let laptop = login_from(&app, PATIENT, Some("  Patient Portal on macOS, Ana's laptop ")).await;
    app.advance(Duration::minutes(1));
    let phone = login_from(&app, PATIENT, None).await;
    let someone_else = app.login_as(OTHER_PATIENT).await;

    // The latest active first, this one marked, names trimmed; nobody else's.
    let listed = app.client.sessions(&laptop).await.expect("sessions");
    let seen: Vec<(Option<&str>, bool)> = listed
        .sessions
        .iter()
        .map(|s| (s.device.as_deref(), s.current))
        .collect();
    assert_eq!(
        seen,
        [
            (None, false),
            (Some("Patient Portal on macOS, Ana's laptop"), true),
            (Some("Patient Portal on Linux, front-desk-2"), false),
        ]
    );
    assert!(listed
        .sessions
        .iter()
        .all(|s| s.signed_in_from.is_some() && s.started_at <= s.last_active_at));
    let desk_id = listed.sessions[2].id;
    let others = app.client.sessions(&someone_else).await.expect("theirs");
    assert_eq!(others.sessions.len(), 1);

    // Someone else's session, or one that is not open, is not found, and nothing ends.
    let (status, code, ..) = api_error(app.client.end_session(&someone_else, desk_id).await);
    assert_eq!((status, code), (404, ErrorCode::NotFound));
    app.client.me(&desk).await.expect("the desk is still signed in");

    // This session is ended by signing out, not here.
    let this_one = listed.sessions[1].id;
    let (status, code, ..) = api_error(app.client.end_session(&laptop, this_one).await);
    assert_eq!((status, code), (409, ErrorCode::Conflict));
    app.client.me(&laptop).await.expect("still signed in");

    // Ending the desk's session signs it out at once.
    app.client.end_session(&laptop, desk_id).await.expect("ended");
    let (status, code, ..) = api_error(app.client.me(&desk).await);
    assert_eq!((status, code), (401, ErrorCode::Unauthenticated));
    let (status, ..) = api_error(app.client.end_session(&laptop, desk_id).await);
    assert_eq!(status, 404, "already ended");

    // Every other one: the phone; the laptop stays, and so does someone else's.
    let ended = app.client.end_other_sessions(&laptop).await.expect("others ended");
    assert_eq!(ended.ended, 1);
    let (status, ..) = api_error(app.client.me(&phone).await);
    assert_eq!(status, 401);
    app.client.me(&laptop).await.expect("this one stays");
    app.client.me(&someone_else).await.expect("someone else's stays");
    assert_eq!(app.client.sessions(&laptop).await.expect("sessions").sessions.len(), 1);

    // An idle session is not listed.
    let idle = login_from(&app, PATIENT, Some("left open")).await;
    app.advance(Duration::minutes(16));
    let laptop = login_from(&app, PATIENT, Some("laptop again")).await;
    let names: Vec<Option<String>> = app
        .client
        .sessions(&laptop)
        .await
        .expect("sessions")
        .sessions
        .into_iter()
        .map(|s| s.device)
        .collect();
    assert_eq!(names, [Some("laptop again".to_owned())]);
    drop(idle);

    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.session_ended'")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("audit");
    assert_eq!(audited, 2);
}
on_both_databases!(a_person_sees_their_devices_and_ends_one_or_all_others);

async fn a_device_name_too_long_is_refused_and_control_characters_left_out(app: TestApp) {
    let (status, code, ..) = api_error(
        app.client
            .login_from(PATIENT.email, PATIENT.passphrase, Some(&"x".repeat(101)))
            .await,
    );
    assert_eq!((status, code), (422, ErrorCode::Validation));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("count");
    assert_eq!(count, 0, "nothing stored for the refused sign-in");
    let token = login_from(&app, PATIENT, Some("\u{93}front\u{7}desk")).await;
    let listed = app.client.sessions(&token).await.expect("sessions");
    assert_eq!(listed.sessions[0].device.as_deref(), Some("frontdesk"));
}
on_both_databases!(a_device_name_too_long_is_refused_and_control_characters_left_out);
