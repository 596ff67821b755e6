//! The versioned portal policy, its acceptance, and the gate in front of health data.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::Router;
use portal_api::{ErrorCode, Language};
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

/// The demo publishes the policy in English and Spanish: a person whose app asks for Spanish
/// reads and accepts the Spanish text, and the acceptance records which text it was (its
/// language and digest), also after that text is replaced; a version without a Spanish text is
/// read in English, and so recorded.
async fn a_spanish_reader_accepts_the_spanish_text_and_the_record_says_so(app: TestApp) {
    let token = app.login_as(PATIENT).await;
    let spanish = app.client.policy_in(&token, Language::Spanish).await.expect("policy");
    assert_eq!((spanish.version, spanish.language), (1, Language::Spanish));
    assert_eq!(spanish.title, "Política del Portal del Paciente");
    assert!(spanish.text.contains("llame al 911"));
    let english = app.client.policy(&token).await.expect("policy");
    assert_eq!((english.version, english.language), (1, Language::English));

    app.client
        .accept_policy_in(&token, 1, Language::Spanish)
        .await
        .expect("accepted");
    // The Spanish text is corrected afterwards: the record still names the text accepted.
    let corrected = format!("{}\n\nCorregido.", portal_server::demo::POLICY_TEXT_ES);
    let published = admin::publish_policy(&app.state.db, &corrected, Language::Spanish, app.clock.now())
        .await
        .expect("published");
    assert_eq!(published, Published::Translated(1, Language::Spanish));
    let (language, digest): (String, String) =
        sqlx::query_as("SELECT language, text_sha256 FROM policy_acceptances WHERE version = 1")
            .fetch_one(&app.state.db.pool)
            .await
            .expect("recorded");
    assert_eq!(language, "es");
    assert_eq!(
        digest,
        portal_server::domain::policy::text_digest(&spanish.title, &spanish.text)
    );

    // A new version without a Spanish text yet: read, and accepted, in English.
    admin::publish_policy(
        &app.state.db,
        "# Patient Portal Policy\n\nNew terms.",
        Language::English,
        app.clock.now(),
    )
    .await
    .expect("v2");
    let v2 = app.client.policy_in(&token, Language::Spanish).await.expect("policy");
    assert_eq!((v2.version, v2.language), (2, Language::English));
    app.client
        .accept_policy_in(&token, 2, Language::Spanish)
        .await
        .expect("accepted");
    let language: String = sqlx::query_scalar("SELECT language FROM policy_acceptances WHERE version = 2")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("recorded");
    assert_eq!(language, "en", "the text read was the English one");

    // A language the portal does not have reads English.
    let other = app
        .raw_client(|b| b)
        .get(app.url("/api/v1/policy"))
        .bearer_auth(token.expose())
        .header("accept-language", "fr-CA, de;q=0.8")
        .send()
        .await
        .expect("sent");
    let other: portal_api::PolicyResponse = other.json().await.expect("json");
    assert_eq!(other.language, Language::English);
}
on_both_databases!(a_spanish_reader_accepts_the_spanish_text_and_the_record_says_so);

async fn a_new_version_must_be_accepted_again(app: TestApp) {
    let token = app.login_and_accept(PATIENT).await;
    let v2 = admin::publish_policy(
        &app.state.db,
        "# Patient Portal Policy\n\nChanged terms.",
        Language::English,
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

    admin::publish_policy(
        &app.state.db,
        "# Patient Portal Policy\n\nNew terms.",
        Language::English,
        app.clock.now(),
    )
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
