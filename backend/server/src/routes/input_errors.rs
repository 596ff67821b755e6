//! Sentences for people from serde's complaints about the shape of a JSON body or a query
//! string: which field, and what it must be ("user_id must be a whole number."). Serde's own
//! text names Rust types, parser positions and quotes the value sent (which may be health
//! data); none of that is passed on. Anything not recognised gets a plain sentence naming the
//! field.

use serde_path_to_error::{Path, Segment};

/// Where the complaint is about: shapes the sentence when no field can be named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Body,
    Query,
}

impl Part {
    fn not_valid(self) -> String {
        match self {
            Part::Body => "The request body is not valid.".into(),
            Part::Query => "The query is not valid.".into(),
        }
    }
}

/// The sentence for `error` (serde's message) at `path`.
pub fn describe(part: Part, path: &Path, error: &str) -> String {
    let Some(field) = field_name(path) else {
        return part.not_valid();
    };
    if let Some(missing) = missing_field(error) {
        return match field.is_empty() {
            true => format!("{missing} is required."),
            false => format!("{field}.{missing} is required."),
        };
    }
    if field.is_empty() {
        return match (part, expectation(error)) {
            (Part::Body, Some("an object")) => "The request body must be a JSON object.".into(),
            _ => part.not_valid(),
        };
    }
    if let Some(names) = allowed_variants(error) {
        return format!("{field} must be one of: {}.", names.join(", "));
    }
    match expectation(error) {
        Some(what) => format!("{field} must be {what}."),
        None => format!("{field} is not valid."),
    }
}

/// `attachment_ids[0]`, `""` for the whole body or query, `None` when a segment is not one
/// of our field names (it would come from the request: never repeated).
fn field_name(path: &Path) -> Option<String> {
    let mut name = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => name.push_str(&format!("[{index}]")),
            Segment::Map { key } if is_identifier(key) => {
                if !name.is_empty() {
                    name.push('.');
                }
                name.push_str(key);
            }
            _ => return None,
        }
    }
    Some(name)
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty() && text.len() <= 64 && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// serde's "missing field `name`": the name is the target type's, never the request's.
fn missing_field(error: &str) -> Option<&str> {
    let rest = error.strip_prefix("missing field `")?;
    let name = rest.split('`').next()?;
    is_identifier(name).then_some(name)
}

/// The variants listed by serde's "unknown variant `sent`, expected one of `a`, `b`": the
/// names after the last ", expected " are the target type's (the value sent comes first and
/// is dropped).
fn allowed_variants(error: &str) -> Option<Vec<&str>> {
    if !error.starts_with("unknown variant `") {
        return None;
    }
    let (_, expected) = error.rsplit_once(", expected ")?;
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    (!names.is_empty() && names.iter().all(|n| is_identifier(n))).then_some(names)
}

/// What serde expected, in words: from "invalid type: …, expected i64" (the value sent sits
/// before the last ", expected " and is dropped), or from the standard library's complaints
/// about a number in a query string.
fn expectation(error: &str) -> Option<&'static str> {
    const WHOLE_NUMBER: &str = "a whole number";
    if error.starts_with("invalid type: ") || error.starts_with("invalid value: ") {
        let (_, expected) = error.rsplit_once(", expected ")?;
        return match expected {
            "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => {
                Some(WHOLE_NUMBER)
            }
            "f32" | "f64" => Some("a number"),
            "a string" | "a borrowed string" | "a character" => Some("text"),
            "a sequence" => Some("a list"),
            "a boolean" => Some("true or false"),
            "a map" => Some("an object"),
            e if e.starts_with("struct ") => Some("an object"),
            _ => None,
        };
    }
    match error {
        "invalid digit found in string"
        | "cannot parse integer from empty string"
        | "number too large to fit in target type"
        | "number too small to fit in target type" => Some(WHOLE_NUMBER),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use portal_api::{AssignRequest, NewThread, ThreadQuery};
    use serde::de::DeserializeOwned;

    use super::*;

    fn body_error<T: DeserializeOwned + std::fmt::Debug>(json: serde_json::Value) -> String {
        let error = serde_path_to_error::deserialize::<_, T>(json).expect_err("refused");
        describe(Part::Body, error.path(), &error.inner().to_string())
    }

    fn query_error(query: &str) -> String {
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        let error = serde_path_to_error::deserialize::<_, ThreadQuery>(de).expect_err("refused");
        describe(Part::Query, error.path(), &error.inner().to_string())
    }

    #[test]
    fn body_fields_of_the_wrong_type_are_named_with_what_they_must_be() {
        use serde_json::json;
        let cases = [
            (
                body_error::<AssignRequest>(json!({"user_id": 1.5})),
                "user_id must be a whole number.",
            ),
            (
                body_error::<AssignRequest>(json!({"user_id": "x, expected i64"})),
                "user_id must be a whole number.",
            ),
            (
                body_error::<AssignRequest>(json!({"user_id": true})),
                "user_id must be a whole number.",
            ),
            (
                body_error::<AssignRequest>(json!("secret")),
                "The request body must be a JSON object.",
            ),
            (
                body_error::<AssignRequest>(json!(null)),
                "The request body must be a JSON object.",
            ),
            (
                body_error::<NewThread>(json!({"category": "other", "subject": 3, "body": "b"})),
                "subject must be text.",
            ),
            (
                body_error::<NewThread>(json!({"category": "other", "subject": "s"})),
                "body is required.",
            ),
            (
                body_error::<NewThread>(
                    json!({"category": "other", "subject": "s", "body": "b", "attachment_ids": "a"}),
                ),
                "attachment_ids must be a list.",
            ),
            (
                body_error::<NewThread>(
                    json!({"category": "other", "subject": "s", "body": "b", "attachment_ids": ["a", 2]}),
                ),
                "attachment_ids[1] must be text.",
            ),
            (
                body_error::<NewThread>(
                    json!({"category": "my `rash`, expected one of `x`", "subject": "s", "body": "b"}),
                ),
                "category must be one of: medical_question, prescription_renewal, appointment, billing, other.",
            ),
            (
                body_error::<NewThread>(json!({"category": 4, "subject": "s", "body": "b"})),
                "category is not valid.",
            ),
        ];
        for (got, expected) in cases {
            assert_eq!(got, expected);
        }
    }

    #[test]
    fn query_fields_of_the_wrong_type_are_named_with_what_they_must_be() {
        assert_eq!(query_error("limit=many"), "limit must be a whole number.");
        assert_eq!(query_error("limit="), "limit must be a whole number.");
        assert_eq!(query_error("limit=-1"), "limit must be a whole number.");
        assert_eq!(query_error("limit=99999999999"), "limit must be a whole number.");
        assert_eq!(
            query_error("pool=rash"),
            "pool must be one of: clinical, front_desk, billing."
        );
        assert_eq!(query_error("limit=1&limit=2"), "The query is not valid.");
    }

    #[test]
    fn values_and_unknown_keys_are_never_repeated() {
        let error = serde_path_to_error::deserialize::<_, std::collections::BTreeMap<String, i64>>(
            serde_json::json!({"my rash": "x"}),
        )
        .expect_err("refused");
        assert_eq!(
            describe(Part::Body, error.path(), &error.inner().to_string()),
            "The request body is not valid."
        );
        let root = serde_path_to_error::deserialize::<_, AssignRequest>(serde_json::json!(1)).expect_err("refused");
        let odd = describe(
            Part::Body,
            root.path(),
            "invalid type: string \"rash\", expected something odd",
        );
        assert_eq!(odd, "The request body is not valid.");
        assert_eq!(describe(Part::Query, root.path(), "rash"), "The query is not valid.");
    }
}
