//! `ApiQuery<T>`: a query-string extractor whose refusals are `{code, message}` bodies
//! written for people, naming the parameter.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::input_errors::{self, Part};
use crate::error::ApiError;

pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(pairs).map(ApiQuery).map_err(|error| {
            ApiError::Validation(input_errors::describe(
                Part::Query,
                error.path(),
                &error.inner().to_string(),
            ))
        })
    }
}

/// A numeric id from the path; anything else is a thread that does not exist.
pub fn path_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>().ok().filter(|id| *id > 0).ok_or(ApiError::NotFound)
}
