//! The document against what the service does: every status a route can answer, the limits
//! it enforces (from the same constants), and no dangling references.

use portal_api::{
    MAX_ATTACHMENTS_PER_MESSAGE, MAX_BODY_CHARS, MAX_IDEMPOTENCY_KEY_LEN, MAX_PAGE, MAX_SUBJECT_CHARS, MIN_PAGE,
};
use serde_json::Value;
use utoipa::OpenApi;

use super::ApiDoc;
use crate::messaging::input;
use crate::store::threads::cursor_pattern;

fn document() -> Value {
    serde_json::to_value(ApiDoc::openapi()).expect("document")
}

/// `(path, method, operation)` for every operation.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            all.push((path.clone(), method.clone(), operation.clone()));
        }
    }
    all
}

fn documents(operation: &Value, status: &str) -> bool {
    operation["responses"].get(status).is_some()
}

fn references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(fields) => {
            for (key, item) in fields {
                match (key.as_str(), item) {
                    ("$ref", Value::String(target)) => found.push(target.clone()),
                    _ => references(item, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| references(item, found)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves() {
    let doc = document();
    let mut found = Vec::new();
    references(&doc, &mut found);
    assert!(!found.is_empty());
    for target in found {
        let pointer = target.strip_prefix('#').expect("local reference");
        assert!(doc.pointer(pointer).is_some(), "{target} is referenced but missing");
    }
}

#[test]
fn signed_in_operations_document_401() {
    for (path, method, operation) in operations(&document()) {
        if operation.get("security").is_some() {
            assert!(documents(&operation, "401"), "{method} {path} lacks 401");
        }
    }
}

#[test]
fn operations_behind_the_policy_gate_document_403() {
    let gated = ["/api/v1/threads", "/api/v1/care-team", "/api/v1/attachments"];
    let mut seen = 0;
    for (path, method, operation) in operations(&document()) {
        if gated.iter().any(|prefix| path.starts_with(prefix)) {
            seen += 1;
            assert!(documents(&operation, "403"), "{method} {path} lacks 403");
        }
    }
    assert_eq!(seen, 11);
}

#[test]
fn operations_reading_a_body_document_413_415_and_422() {
    let mut seen = 0;
    for (path, method, operation) in operations(&document()) {
        if operation.get("requestBody").is_some() {
            seen += 1;
            for status in ["413", "415", "422"] {
                assert!(documents(&operation, status), "{method} {path} lacks {status}");
            }
        }
    }
    assert_eq!(seen, 24);
}

#[test]
fn error_responses_carry_the_error_body() {
    for (path, method, operation) in operations(&document()) {
        for (status, response) in operation["responses"].as_object().expect("responses") {
            if status.starts_with('4') || status.starts_with('5') {
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ApiErrorBody",
                    "{method} {path} {status}"
                );
            }
        }
    }
}

#[test]
fn sign_in_documents_its_limits_with_retry_after() {
    let doc = document();
    let login = &doc["paths"]["/api/v1/auth/login"]["post"];
    for status in ["401", "422", "423", "429"] {
        assert!(documents(login, status), "sign-in lacks {status}");
    }
    for status in ["423", "429"] {
        assert!(
            login["responses"][status]["headers"]["Retry-After"].is_object(),
            "{status} without Retry-After"
        );
    }
    let request = &doc["components"]["schemas"]["LoginRequest"]["properties"];
    assert_eq!(request["email"]["format"], "email");
    assert_eq!(request["password"]["minLength"], 1);
}

fn parameter<'a>(doc: &'a Value, path: &str, method: &str, name: &str) -> &'a Value {
    doc["paths"][path][method]["parameters"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("{method} {path} has no parameter {name}"))
}

#[test]
fn limits_are_those_the_service_enforces() {
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    let subject = &schemas["NewThread"]["properties"]["subject"];
    assert_eq!(subject["maxLength"], MAX_SUBJECT_CHARS);
    assert_eq!(subject["minLength"], 1);
    assert_eq!(subject["pattern"], input::subject_pattern());
    for request in ["NewThread", "NewMessage"] {
        let properties = &schemas[request]["properties"];
        assert_eq!(properties["body"]["maxLength"], MAX_BODY_CHARS, "{request}");
        assert_eq!(properties["body"]["minLength"], 1, "{request}");
        assert_eq!(properties["body"]["pattern"], input::body_pattern(), "{request}");
        assert_eq!(
            properties["attachment_ids"]["maxItems"], MAX_ATTACHMENTS_PER_MESSAGE,
            "{request}"
        );
    }
    let limit = &parameter(&doc, "/api/v1/threads", "get", "limit")["schema"];
    assert_eq!(limit["minimum"], MIN_PAGE);
    assert_eq!(limit["maximum"], MAX_PAGE);
    let cursor = &parameter(&doc, "/api/v1/threads", "get", "cursor")["schema"];
    assert_eq!(cursor["pattern"], cursor_pattern());
    for (path, _) in [("/api/v1/threads", ()), ("/api/v1/threads/{id}/messages", ())] {
        let key = parameter(&doc, path, "post", "Idempotency-Key");
        assert_eq!(key["required"], true, "{path}");
        assert_eq!(key["schema"]["minLength"], 1, "{path}");
        assert_eq!(key["schema"]["maxLength"], MAX_IDEMPOTENCY_KEY_LEN, "{path}");
        assert_eq!(key["schema"]["pattern"], input::IDEMPOTENCY_KEY_PATTERN, "{path}");
    }
}

#[test]
fn the_upload_is_one_required_file_part() {
    let doc = document();
    let body = &doc["paths"]["/api/v1/attachments"]["post"]["requestBody"];
    assert_eq!(body["required"], true);
    let schema = &body["content"]["multipart/form-data"]["schema"];
    let schema = match schema["$ref"].as_str() {
        Some(target) => doc.pointer(target.trim_start_matches('#')).expect("upload schema"),
        None => schema,
    };
    assert_eq!(schema["required"], serde_json::json!(["file"]));
    assert_eq!(schema["properties"]["file"]["type"], "string");
    assert_eq!(
        schema["properties"]["file"]["contentMediaType"],
        "application/octet-stream"
    );
}

#[test]
fn results_release_limits_are_those_the_service_enforces() {
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    let note = &schemas["ReviewRequest"]["properties"]["note"];
    assert_eq!(note["maxLength"], portal_api::MAX_REVIEW_NOTE);
    assert_eq!(note["pattern"], input::body_pattern());
    let after_days = &schemas["ReleaseRule"]["oneOf"][1];
    assert_eq!(
        after_days["properties"]["kind"]["enum"],
        serde_json::json!(["after_days"])
    );
    assert_eq!(after_days["properties"]["days"]["minimum"], 1);
    assert_eq!(
        after_days["properties"]["days"]["maximum"],
        portal_api::MAX_RELEASE_DELAY_DAYS
    );
}

#[test]
fn the_care_teams_routes_state_their_limits() {
    use super::limits::{patient_query_pattern, reason_pattern};
    use crate::domain::records::patient_search;
    let doc = document();
    let reason = &doc["components"]["schemas"]["BreakTheGlassRequest"]["properties"]["reason"];
    assert_eq!(reason["minLength"], portal_api::MIN_BREAK_THE_GLASS_REASON);
    assert_eq!(reason["maxLength"], portal_api::MAX_BREAK_THE_GLASS_REASON);
    assert_eq!(reason["pattern"], reason_pattern());
    let query = &parameter(&doc, "/api/v1/patients", "get", "query")["schema"];
    assert_eq!(query["minLength"], patient_search::MIN_QUERY_CHARS);
    assert_eq!(query["pattern"], patient_query_pattern());
    let log = "/api/v1/patients/{patient_id}/access-log";
    assert_eq!(
        parameter(&doc, log, "get", "limit")["schema"]["maximum"],
        portal_api::MAX_RECORD_PAGE
    );
    assert_eq!(
        parameter(&doc, log, "get", "cursor")["schema"]["pattern"],
        crate::records::access_log::cursor_pattern()
    );
    for (path, method, status) in [
        ("/api/v1/patients", "get", "403"),
        ("/api/v1/patients", "get", "422"),
        ("/api/v1/patients/{patient_id}/break-the-glass", "post", "404"),
        ("/api/v1/patients/{patient_id}/break-the-glass", "post", "403"),
        (log, "get", "404"),
        (log, "get", "422"),
        ("/api/v1/patients/{patient_id}/record", "get", "403"),
        ("/api/v1/patients/{patient_id}/record", "get", "404"),
    ] {
        assert!(
            documents(&doc["paths"][path][method], status),
            "{method} {path} lacks {status}"
        );
    }
    let record = &doc["paths"]["/api/v1/patients/{patient_id}/record"]["get"]["responses"]["403"]["description"];
    assert!(record.as_str().is_some_and(|d| d.contains("break_the_glass_required")));
}

#[test]
fn the_practices_grants_document_who_may_and_the_limits_the_service_checks() {
    use crate::domain::grants::{MAX_PRACTICE_DOCUMENT, MAX_PRACTICE_REASON};
    let doc = document();
    let give = &doc["paths"]["/api/v1/patients/{patient_id}/grants/by-practice"]["post"];
    for status in ["201", "401", "403", "404", "409", "422"] {
        assert!(documents(give, status), "by-practice lacks {status}");
    }
    assert!(give["responses"]["403"]["description"]
        .as_str()
        .is_some_and(|d| d.contains("front desk")));
    let request = &doc["components"]["schemas"]["PracticeGrantRequest"];
    assert_eq!(request["properties"]["reason"]["maxLength"], MAX_PRACTICE_REASON);
    assert_eq!(request["properties"]["document"]["maxLength"], MAX_PRACTICE_DOCUMENT);
    let required = request["required"].as_array().expect("required");
    assert!(required.iter().any(|r| r == "until"), "the last day is required");
}
