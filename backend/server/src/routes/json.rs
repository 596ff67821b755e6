//! `ApiJson<T>`: a JSON body extractor whose refusals are `{code, message}` bodies written for
//! people. The body is read as JSON by axum (content type, size limit, syntax), then turned
//! into `T` with the path of any field that does not fit, so the answer can name it. Every
//! request body of this API is a JSON object.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Number, Value};

use super::input_errors::{self, Part};
use crate::error::ApiError;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(mut value) = axum::Json::<Value>::from_request(req, state)
            .await
            .map_err(|rejection| match rejection {
                JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType,
                r if r.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
                _ => ApiError::Validation("The request body is not valid JSON.".into()),
            })?;
        // Every body of this API is an object; serde would also take a struct from an array.
        if !value.is_object() {
            return Err(ApiError::Validation("The request body must be a JSON object.".into()));
        }
        whole_numbers_as_integers(&mut value);
        serde_path_to_error::deserialize(value).map(ApiJson).map_err(|error| {
            ApiError::Validation(input_errors::describe(
                Part::Body,
                error.path(),
                &error.inner().to_string(),
            ))
        })
    }
}

/// JSON has one kind of number and JSON Schema counts `3.0` as an integer: a whole number
/// written with a fraction becomes an integer, so an integer field takes it.
fn whole_numbers_as_integers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(whole) = n.as_f64().and_then(as_i64) {
                *n = Number::from(whole);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

fn as_i64(x: f64) -> Option<i64> {
    // -2^63 is exact as f64; 2^63 is not an i64, so the upper bound is exclusive.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (x.fract() == 0.0 && (-LIMIT..LIMIT).contains(&x)).then_some(x as i64)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn whole_numbers_with_a_fraction_become_integers() {
        let mut value = json!({"a": 3.0, "b": [1.5, -0.0, 1e3], "c": {"d": 9.3e18, "e": i64::MIN as f64}, "f": 7});
        whole_numbers_as_integers(&mut value);
        assert_eq!(
            value,
            json!({"a": 3, "b": [1.5, 0, 1000], "c": {"d": 9.3e18, "e": i64::MIN}, "f": 7})
        );
        assert!(value["a"].is_i64());
        assert!(
            value["c"]["d"].is_f64(),
            "past i64 it stays a float and is refused as a whole number"
        );
    }
}
