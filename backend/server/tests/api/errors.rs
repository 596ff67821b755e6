//! Every error is `{code, message}` with no internals; bodies are size-limited; the service
//! describes itself in OpenAPI.

use portal_api::{ApiErrorBody, ErrorCode};
use reqwest::Method;

use crate::helpers::{TestApp, PATIENT, STAFF};
use crate::on_both_databases;

async fn error_of(resp: reqwest::Response) -> (u16, ApiErrorBody) {
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(ct.starts_with("application/json"), "error content type {ct:?}");
    (status, resp.json().await.expect("error body"))
}

async fn unknown_routes_and_methods_answer_json(app: TestApp) {
    let (status, body) = error_of(
        app.client
            .request(Method::GET, "/no/such/route")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!((status, body.code), (404, ErrorCode::NotFound));
    let (status, body) = error_of(
        app.client
            .request(Method::DELETE, "/health")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!((status, body.code), (405, ErrorCode::MethodNotAllowed));
    let resp = app.raw_client(|b| b).get(app.url("/")).send().await.expect("send");
    assert_eq!(resp.status(), 404, "nothing is served outside /api/v1");
}
on_both_databases!(unknown_routes_and_methods_answer_json);

async fn oversized_bodies_are_refused_with_413(app: TestApp) {
    let too_long = app.state.limits.max_body_bytes + 1;
    let body = serde_json::json!({ "email": PATIENT.email, "password": "x".repeat(too_long) });
    let (status, err) = error_of(
        app.client
            .request(Method::POST, "/auth/login")
            .json(&body)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!((status, err.code), (413, ErrorCode::PayloadTooLarge));
    assert_eq!(err.message, "The request is too large.");
}
on_both_databases!(oversized_bodies_are_refused_with_413);

/// What serde says about a body of the wrong shape is not for people: the answer names the
/// field and what it must be, without quoting the value, Rust types or parser positions.
async fn wrong_shape_bodies_are_explained_for_people(app: TestApp) {
    let staff = app.login_and_accept(STAFF).await;
    let cases = [
        (
            "/threads/1/assign",
            serde_json::json!({ "user_id": 4.5 }),
            "user_id must be a whole number.",
        ),
        (
            "/threads/1/assign",
            serde_json::json!({ "user_id": "7" }),
            "user_id must be a whole number.",
        ),
        (
            "/threads/1/assign",
            serde_json::json!([1]),
            "The request body must be a JSON object.",
        ),
        (
            "/threads/1/messages",
            serde_json::json!({ "attachment_ids": [] }),
            "body is required.",
        ),
        (
            "/threads/1/messages",
            serde_json::json!({ "body": "Hi", "attachment_ids": [3] }),
            "attachment_ids[0] must be text.",
        ),
        (
            "/threads",
            serde_json::json!({ "category": "rash on arm", "subject": "s", "body": "b" }),
            "category must be one of: medical_question, prescription_renewal, appointment, billing, other.",
        ),
    ];
    for (path, body, expected) in cases {
        let (status, err) = error_of(
            app.client
                .authed(Method::POST, path, &staff)
                .header("idempotency-key", "k-1")
                .json(&body)
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!((status, err.code), (422, ErrorCode::Validation), "{body}");
        assert_eq!(err.message, expected, "{body}");
        for internal in ["deserialize", "i64", "floating", "line", "column", "rash"] {
            assert!(!err.message.contains(internal), "{internal:?} in {:?}", err.message);
        }
    }
    let (status, err) = error_of(
        app.client
            .authed(Method::GET, "/threads", &staff)
            .query(&[("limit", "many")])
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!((status, err.code), (422, ErrorCode::Validation));
    assert_eq!(err.message, "limit must be a whole number.");
}
on_both_databases!(wrong_shape_bodies_are_explained_for_people);

async fn responses_carry_protective_headers(app: TestApp) {
    let resp = app.client.request(Method::GET, "/health").send().await.expect("send");
    assert_eq!(resp.status(), 200);
    let h = resp.headers();
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(h.contains_key("strict-transport-security"));
    let health = app.client.health().await.expect("health");
    assert_eq!(health.status, "ok");
}
on_both_databases!(responses_carry_protective_headers);

async fn the_openapi_document_lists_every_route(app: TestApp) {
    let doc = app.client.openapi().await.expect("openapi");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    for path in [
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/policy",
        "/api/v1/policy/{version}/accept",
        "/api/v1/health",
        "/api/v1/practice",
        "/api/v1/openapi.json",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing from OpenAPI");
    }
    assert!(doc["components"]["schemas"]["ApiErrorBody"].is_object());
    assert!(doc["components"]["schemas"]["LoginResponse"].is_object());
    assert!(doc["components"]["schemas"]["AssignedFilter"].is_object());
    let upload = doc["components"]["schemas"]["UploadForm"]["properties"]["file"]["description"].to_string();
    let max = app.state.limits.max_attachment_bytes;
    assert!(upload.contains(&format!("at most {max} bytes")), "{upload}");
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}
on_both_databases!(the_openapi_document_lists_every_route);

async fn the_practice_is_public(app: TestApp) {
    let practice = app.client.practice().await.expect("practice");
    assert_eq!(practice.name, "Dermatology Specialists of Kansas City");
    assert_eq!(practice.phone, "(816) 555-0142");
}
on_both_databases!(the_practice_is_public);
