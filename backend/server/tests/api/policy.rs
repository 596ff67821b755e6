//! The versioned portal policy, its acceptance, and the gate in front of health data.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::Router;
use portal_api::ErrorCode;
use portal_server::admin::{self, Published};
use portal_server::auth::PolicyAccepted;
use portal_server::Clock;
use tower::ServiceExt;

use crate::helpers::{api_error, test_limits, TestApp, OTHER_PATIENT, PATIENT};
use crate::on_both_databases;

async fn a_patient_reads_and_accepts_the_policy(app: TestApp) {
    let token = app.login_as(PATIENT).await;
    let policy = app.client.policy(&token).await.expect("policy");
    assert_eq!(policy.version, 1);
    assert_eq!(policy.title, "Patient Portal Policy");
    assert!(policy.text.contains("911"));
    assert_eq!(policy.accepted_at, None);

    let accepted = app.client.accept_policy(&token, 1).await.expect("accept");
    assert_eq!(accepted.version, 1);
    assert_eq!(
        accepted.accepted_at.timestamp_millis(),
        app.clock.now().timestamp_millis()
    );
    let again = app.client.policy(&token).await.expect("policy");
    assert_eq!(again.accepted_at, Some(accepted.accepted_at));

    // Accepting again keeps the first time.
    app.advance(chrono::Duration::minutes(1));
    let twice = app.client.accept_policy(&token, 1).await.expect("accept again");
    assert_eq!(twice.accepted_at, accepted.accepted_at);

    // Another patient has not accepted anything.
    let other = app.login_as(OTHER_PATIENT).await;
    assert_eq!(app.client.policy(&other).await.expect("policy").accepted_at, None);

    let row: (i64, String) = sqlx::query_as("SELECT version, client_addr FROM policy_acceptances")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("acceptance recorded");
    assert_eq!(row, (1, "127.0.0.1".to_string()));
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'policy.accepted' AND object = 'policy:1'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .expect("audit");
    assert_eq!(audited, 1);
}
on_both_databases!(a_patient_reads_and_accepts_the_policy);

async fn a_new_version_must_be_accepted_again(app: TestApp) {
    let token = app.login_and_accept(PATIENT).await;
    let v2 = admin::publish_policy(
        &app.state.db,
        "# Patient Portal Policy\n\nChanged terms.",
        app.clock.now(),
    )
    .await
    .expect("publish");
    assert_eq!(v2, Published::New(2));
    let policy = app.client.policy(&token).await.expect("policy");
    assert_eq!((policy.version, policy.accepted_at), (2, None));

    let (status, code, message, _) = api_error(app.client.accept_policy(&token, 1).await);
    assert_eq!((status, code), (409, ErrorCode::PolicyOutdated));
    assert!(message.contains("version 2"), "{message}");
    for missing in [0, 3, 99] {
        let (status, code, _, _) = api_error(app.client.accept_policy(&token, missing).await);
        assert_eq!((status, code), (404, ErrorCode::NotFound), "version {missing}");
    }
    let resp = app
        .client
        .authed(reqwest::Method::POST, "/policy/abc/accept", &token)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 404);
    app.client.accept_policy(&token, 2).await.expect("accept version 2");
}
on_both_databases!(a_new_version_must_be_accepted_again);

async fn the_policy_needs_a_session(app: TestApp) {
    let resp = app
        .client
        .request(reqwest::Method::GET, "/policy")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 401);
    let resp = app
        .client
        .request(reqwest::Method::POST, "/policy/1/accept")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 401);
}
on_both_databases!(the_policy_needs_a_session);

/// Health-data routes (from the next issue on) take `PolicyAccepted`; this proves the gate on a
/// probe route over the same state.
async fn health_data_waits_for_the_current_policy(app: TestApp) {
    let probe = Router::new()
        .route("/probe", get(|_: PolicyAccepted| async { "health data" }))
        .with_state(app.state.clone());
    let call = |token: Option<String>| {
        let probe = probe.clone();
        async move {
            let mut req = Request::builder().uri("/probe");
            if let Some(t) = token {
                req = req.header("authorization", format!("Bearer {t}"));
            }
            let resp = probe
                .oneshot(req.body(Body::empty()).expect("request"))
                .await
                .expect("response");
            let status = resp.status();
            let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20).await.expect("body");
            (status, bytes)
        }
    };
    let code = |bytes: &[u8]| {
        serde_json::from_slice::<portal_api::ApiErrorBody>(bytes)
            .expect("error body")
            .code
    };

    assert_eq!(call(None).await.0, StatusCode::UNAUTHORIZED);
    let token = app.login_as(PATIENT).await;
    let (status, body) = call(Some(token.expose().to_string())).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, ErrorCode::PolicyNotAccepted)
    );

    app.client.accept_policy(&token, 1).await.expect("accept");
    let (status, body) = call(Some(token.expose().to_string())).await;
    assert_eq!((status, &body[..]), (StatusCode::OK, &b"health data"[..]));

    admin::publish_policy(&app.state.db, "# Patient Portal Policy\n\nNew terms.", app.clock.now())
        .await
        .expect("publish v2");
    // Published beside the service (as the CLI does): it takes effect within the session
    // cache's lifetime.
    app.advance(chrono::Duration::from_std(test_limits().session_cache_ttl).expect("ttl"));
    let (status, body) = call(Some(token.expose().to_string())).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, ErrorCode::PolicyNotAccepted),
        "a new version closes the gate again"
    );
}
on_both_databases!(health_data_waits_for_the_current_policy);
