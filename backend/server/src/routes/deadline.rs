//! A deadline for a whole request, its body included: a client that trickles a body, or never
//! finishes one, is answered 408 and its request dropped, instead of holding the service's
//! memory and a connection for as long as it likes.

use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

pub async fn within(limit: Duration, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::RequestTimeout.into_response(),
    }
}
