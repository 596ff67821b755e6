//! The input limits the service enforces, written into the document from the same constants
//! and patterns its checks use, so the two cannot drift. (utoipa's `#[schema(max_length = …)]`
//! takes only literals.)

use portal_api::{
    DEFAULT_PAGE, DEFAULT_RECORD_PAGE, MAX_ATTACHMENTS_PER_MESSAGE, MAX_BODY_CHARS, MAX_BREAK_THE_GLASS_REASON,
    MAX_IDEMPOTENCY_KEY_LEN, MAX_PAGE, MAX_RECORD_PAGE, MAX_RELEASE_DELAY_DAYS, MAX_REVIEW_NOTE, MAX_SUBJECT_CHARS,
    MIN_BREAK_THE_GLASS_REASON, MIN_PAGE, MIN_RECORD_PAGE, MIN_RELEASE_DELAY_DAYS,
};
use serde_json::{json, Value};
use utoipa::Modify;

use crate::domain::records::{paging, patient_search, result_codes};
use crate::messaging::input;
use crate::store::threads::cursor_pattern;

/// Where a patch goes.
enum Target {
    /// A JSON pointer into the document.
    At(&'static str),
    /// A parameter of an operation, by name.
    Parameter {
        path: &'static str,
        method: &'static str,
        name: &'static str,
    },
}

fn patches() -> Vec<(Target, Value)> {
    let subject = json!({"minLength": 1, "maxLength": MAX_SUBJECT_CHARS, "pattern": input::subject_pattern()});
    let body = json!({"minLength": 1, "maxLength": MAX_BODY_CHARS, "pattern": input::body_pattern()});
    let attachments = json!({"maxItems": MAX_ATTACHMENTS_PER_MESSAGE});
    let idempotency_key = json!({
        "required": true,
        "schema": {"minLength": 1, "maxLength": MAX_IDEMPOTENCY_KEY_LEN, "pattern": input::IDEMPOTENCY_KEY_PATTERN},
    });
    let threads = "/api/v1/threads";
    let section = "/api/v1/patients/{patient_id}/record/{section}";
    let access_log = "/api/v1/patients/{patient_id}/access-log";
    vec![
        (Target::At("/components/schemas/NewThread/properties/subject"), subject),
        (
            Target::At("/components/schemas/NewThread/properties/body"),
            body.clone(),
        ),
        (Target::At("/components/schemas/NewMessage/properties/body"), body),
        // A review's note: none, or text by a message body's rules.
        (
            Target::At("/components/schemas/ReviewRequest/properties/note"),
            json!({"maxLength": MAX_REVIEW_NOTE, "pattern": input::body_pattern()}),
        ),
        (
            Target::At("/components/schemas/ReleaseRule/oneOf/1/properties/days"),
            json!({"minimum": MIN_RELEASE_DELAY_DAYS, "maximum": MAX_RELEASE_DELAY_DAYS}),
        ),
        (
            Target::At("/components/schemas/NewThread/properties/attachment_ids"),
            attachments.clone(),
        ),
        (
            Target::At("/components/schemas/NewMessage/properties/attachment_ids"),
            attachments,
        ),
        (
            Target::Parameter {
                path: threads,
                method: "get",
                name: "limit",
            },
            json!({
                "description": format!("Threads per page: {MIN_PAGE} to {MAX_PAGE}, default {DEFAULT_PAGE}."),
                "schema": {"minimum": MIN_PAGE, "maximum": MAX_PAGE, "default": DEFAULT_PAGE},
            }),
        ),
        (
            Target::Parameter {
                path: threads,
                method: "get",
                name: "cursor",
            },
            json!({"schema": {"pattern": cursor_pattern()}}),
        ),
        (
            Target::Parameter {
                path: threads,
                method: "post",
                name: "Idempotency-Key",
            },
            idempotency_key.clone(),
        ),
        (
            Target::Parameter {
                path: "/api/v1/threads/{id}/messages",
                method: "post",
                name: "Idempotency-Key",
            },
            idempotency_key,
        ),
        (
            Target::Parameter {
                path: section,
                method: "get",
                name: "limit",
            },
            json!({
                "description": format!("Entries per page: {MIN_RECORD_PAGE} to {MAX_RECORD_PAGE}, default {DEFAULT_RECORD_PAGE}."),
                "schema": {"minimum": MIN_RECORD_PAGE, "maximum": MAX_RECORD_PAGE, "default": DEFAULT_RECORD_PAGE},
            }),
        ),
        (
            Target::Parameter {
                path: section,
                method: "get",
                name: "cursor",
            },
            json!({"schema": {"pattern": paging::cursor_pattern()}}),
        ),
        (
            Target::Parameter {
                path: "/api/v1/patients/{patient_id}/record/results/{code}/series",
                method: "get",
                name: "code",
            },
            json!({"schema": {"minLength": 1, "maxLength": result_codes::MAX_CODE_LEN, "pattern": result_codes::CODE_PATTERN}}),
        ),
        (
            Target::At("/components/schemas/BreakTheGlassRequest/properties/reason"),
            json!({"minLength": MIN_BREAK_THE_GLASS_REASON, "maxLength": MAX_BREAK_THE_GLASS_REASON,
                   "pattern": reason_pattern()}),
        ),
        (
            Target::Parameter {
                path: "/api/v1/patients",
                method: "get",
                name: "query",
            },
            json!({"schema": {"minLength": patient_search::MIN_QUERY_CHARS, "maxLength": patient_search::MAX_QUERY_CHARS,
                              "pattern": patient_query_pattern()}}),
        ),
        (
            Target::Parameter {
                path: access_log,
                method: "get",
                name: "limit",
            },
            json!({
                "description": format!("Entries per page: {MIN_RECORD_PAGE} to {MAX_RECORD_PAGE}, default {DEFAULT_RECORD_PAGE}."),
                "schema": {"minimum": MIN_RECORD_PAGE, "maximum": MAX_RECORD_PAGE, "default": DEFAULT_RECORD_PAGE},
            }),
        ),
        (
            Target::Parameter {
                path: access_log,
                method: "get",
                name: "cursor",
            },
            json!({"schema": {"pattern": crate::records::access_log::cursor_pattern()}}),
        ),
    ]
}

/// `domain::records::break_the_glass::Reason::parse` as a pattern (with the lengths): two
/// characters other than whitespace at least 10 apart, so at least 10 once trimmed.
pub(crate) fn reason_pattern() -> String {
    let space = input::WHITESPACE;
    format!("[^{space}][\\s\\S]{{{},}}[^{space}]", MIN_BREAK_THE_GLASS_REASON - 2)
}

/// `domain::records::patient_search::SearchKey::parse` as a pattern (with the lengths): two
/// characters other than whitespace, so at least 2 once trimmed.
pub(crate) fn patient_query_pattern() -> String {
    let space = input::WHITESPACE;
    format!(
        "[^{space}][\\s\\S]{{{},}}[^{space}]",
        patient_search::MIN_QUERY_CHARS - 2
    )
}

impl Target {
    fn find<'a>(&self, doc: &'a mut Value) -> Option<&'a mut Value> {
        match self {
            Target::At(pointer) => doc.pointer_mut(pointer),
            Target::Parameter { path, method, name } => doc
                .get_mut("paths")?
                .get_mut(*path)?
                .get_mut(*method)?
                .get_mut("parameters")?
                .as_array_mut()?
                .iter_mut()
                .find(|p| p["name"] == *name),
        }
    }
}

/// Adds `patch`'s fields to `node`, object by object.
fn merge(node: &mut Value, patch: Value) {
    match (node, patch) {
        (Value::Object(fields), Value::Object(additions)) => {
            for (key, value) in additions {
                match fields.get_mut(&key) {
                    Some(existing) if existing.is_object() && value.is_object() => merge(existing, value),
                    _ => {
                        fields.insert(key, value);
                    }
                }
            }
        }
        (node, patch) => *node = patch,
    }
}

/// Applies every patch; answers the targets not found (a renamed field or parameter).
fn apply(doc: &mut Value) -> Vec<String> {
    let mut missing = Vec::new();
    for (target, patch) in patches() {
        match target.find(doc) {
            Some(node) => merge(node, patch),
            None => missing.push(match target {
                Target::At(pointer) => pointer.to_owned(),
                Target::Parameter { path, method, name } => format!("{method} {path} {name}"),
            }),
        }
    }
    missing
}

pub struct InputLimits;

impl Modify for InputLimits {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Ok(mut doc) = serde_json::to_value(&*openapi) else {
            return;
        };
        let missing = apply(&mut doc);
        if !missing.is_empty() {
            tracing::warn!(?missing, "OpenAPI limits without a place in the document");
        }
        if let Ok(patched) = serde_json::from_value(doc) {
            *openapi = patched;
        }
    }
}

#[cfg(test)]
mod tests {
    use utoipa::OpenApi;

    use super::*;
    use crate::routes::openapi::ApiDoc;

    #[test]
    fn every_limit_finds_its_place() {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("document");
        assert_eq!(apply(&mut doc), Vec::<String>::new());
    }

    #[test]
    fn the_document_survives_the_round_trip_through_json() {
        let doc = serde_json::to_value(ApiDoc::openapi()).expect("document");
        let back: utoipa::openapi::OpenApi = serde_json::from_value(doc.clone()).expect("parse");
        assert_eq!(serde_json::to_value(back).expect("document"), doc);
    }

    /// Each pattern, with its lengths, accepts exactly what the service's check accepts.
    #[test]
    fn the_care_teams_patterns_match_their_rules() {
        use rand::{Rng, SeedableRng};
        use regex::Regex;

        use crate::domain::records::break_the_glass::Reason;
        use crate::domain::records::patient_search::{SearchKey, MAX_QUERY_CHARS};

        const ALPHABET: &[char] = &[
            'a', 'é', ' ', '\t', '\n', '\u{1c}', '\u{85}', '\u{a0}', '\u{2028}', '\u{3000}',
        ];
        let mut rng = rand::rngs::StdRng::seed_from_u64(10);
        let (reason, query) = (
            Regex::new(&reason_pattern()).expect("pattern"),
            Regex::new(&patient_query_pattern()).expect("pattern"),
        );
        for _ in 0..40_000 {
            let len = rng.gen_range(0..14);
            let text: String = (0..len).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())]).collect();
            let chars = text.chars().count() as u32;
            assert_eq!(
                reason.is_match(&text) && chars <= MAX_BREAK_THE_GLASS_REASON,
                Reason::parse(&text).is_ok(),
                "{text:?}"
            );
            assert_eq!(
                query.is_match(&text) && chars as usize <= MAX_QUERY_CHARS,
                SearchKey::parse(&text).is_ok(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn merging_keeps_what_is_there() {
        let mut node = json!({"schema": {"type": "string"}, "name": "k"});
        merge(&mut node, json!({"required": true, "schema": {"maxLength": 3}}));
        assert_eq!(
            node,
            json!({"schema": {"type": "string", "maxLength": 3}, "name": "k", "required": true})
        );
    }
}
