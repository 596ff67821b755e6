//! `/threads`: secure messaging between a patient and the care team, and triage. Handlers
//! only extract and answer; the rules live in `crate::messaging`. Every route needs the
//! current policy accepted.

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use portal_api::{
    AssignRequest, CareTeam, NewMessage, NewThread, ReadReceipt, SendReceipt, ThreadDetail, ThreadList, ThreadQuery,
    ThreadStatus, ThreadSummary, IDEMPOTENCY_KEY_HEADER,
};

use super::json::ApiJson;
use super::openapi::responses::{JsonBody, PolicyAccepted as Gate};
use super::query::{path_id, ApiQuery};
use crate::auth::{ClientAddr, PolicyAccepted};
use crate::domain::access::Viewer;
use crate::error::ApiResult;
use crate::messaging::send::{self, Sender};
use crate::messaging::{input, reading, triage};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/threads", get(list_threads).post(create_thread))
        .route("/threads/{id}", get(get_thread))
        .route("/threads/{id}/messages", post(reply))
        .route("/threads/{id}/read", post(mark_read))
        .route("/threads/{id}/assign", post(assign))
        .route("/threads/{id}/close", post(close))
        .route("/threads/{id}/reopen", post(reopen))
        .route("/care-team", get(care_team))
}

/// The 403 of triage routes, in the document.
const TRIAGE_FORBIDDEN: &str =
    "the current policy is not accepted (`policy_not_accepted`), or the caller is not of the care team (`forbidden`)";

fn viewer(session: &PolicyAccepted) -> Viewer {
    session.0.viewer()
}

fn sender(session: &PolicyAccepted, addr: ClientAddr, headers: &HeaderMap) -> ApiResult<Sender> {
    let key = headers.get(IDEMPOTENCY_KEY_HEADER).and_then(|v| v.to_str().ok());
    Ok(Sender {
        viewer: viewer(session),
        client_addr: addr.to_text(),
        idempotency_key: input::idempotency_key(key)?,
    })
}

/// The caller's threads, most recent activity first. Patients see their own; physicians the
/// threads assigned to them and of their patients; staff every thread. With `pool` it is a
/// triage list: possibly urgent threads first.
#[utoipa::path(get, path = "/api/v1/threads", tag = "messaging", security(("bearer" = [])), params(ThreadQuery),
    responses((status = 200, body = ThreadList), Gate,
              (status = 422, description = "a parameter is not valid (`validation`)", body = portal_api::ApiErrorBody)))]
pub async fn list_threads(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    ApiQuery(query): ApiQuery<ThreadQuery>,
) -> ApiResult<impl IntoResponse> {
    let list = reading::list(&state, viewer(&session), addr.to_text(), query).await?;
    Ok((
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        list.json.clone(),
    ))
}

/// Start a thread (patients). Send an `Idempotency-Key` header; a retry with the same key and
/// content answers the same ids and stores nothing new.
#[utoipa::path(post, path = "/api/v1/threads", tag = "messaging", security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header, description = "unique per message; reuse it when retrying")),
    request_body = NewThread,
    responses((status = 201, body = SendReceipt), Gate, JsonBody,
              (status = 403, description = "the current policy is not accepted (`policy_not_accepted`), or the caller is not a patient (`forbidden`)", body = portal_api::ApiErrorBody),
              (status = 404, description = "an attachment id is unknown or not the caller's (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 409, description = "the key was used for other content (`conflict`)", body = portal_api::ApiErrorBody),
              (status = 422, description = "the body is not valid, or the Idempotency-Key header is missing or not valid; the message says which (`validation`)", body = portal_api::ApiErrorBody)))]
pub async fn create_thread(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    headers: HeaderMap,
    ApiJson(request): ApiJson<NewThread>,
) -> ApiResult<(StatusCode, Json<SendReceipt>)> {
    let sender = sender(&session, addr, &headers)?;
    Ok((
        StatusCode::CREATED,
        Json(send::new_thread(&state, sender, request).await?),
    ))
}

/// A thread with its messages, oldest first.
#[utoipa::path(get, path = "/api/v1/threads/{id}", tag = "messaging", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = ThreadDetail), Gate,
              (status = 404, description = "no such thread, or not the caller's to see (`not_found`)", body = portal_api::ApiErrorBody)))]
pub async fn get_thread(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    Path(id): Path<String>,
) -> ApiResult<Json<ThreadDetail>> {
    Ok(Json(
        reading::detail(&state, viewer(&session), addr.to_text(), path_id(&id)?).await?,
    ))
}

/// Reply in a thread (with an `Idempotency-Key` header). A patient's reply reopens a closed
/// thread; a care-team reply takes an unassigned thread.
#[utoipa::path(post, path = "/api/v1/threads/{id}/messages", tag = "messaging", security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = String, Header, description = "unique per message; reuse it when retrying")),
    request_body = NewMessage,
    responses((status = 201, body = SendReceipt), Gate, JsonBody,
              (status = 404, description = "no such thread or attachment, or not the caller's (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 409, description = "the key was used for other content (`conflict`)", body = portal_api::ApiErrorBody),
              (status = 422, description = "the body is not valid, or the Idempotency-Key header is missing or not valid; the message says which (`validation`)", body = portal_api::ApiErrorBody)))]
pub async fn reply(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<NewMessage>,
) -> ApiResult<(StatusCode, Json<SendReceipt>)> {
    let thread_id = path_id(&id)?;
    let sender = sender(&session, addr, &headers)?;
    Ok((
        StatusCode::CREATED,
        Json(send::reply(&state, sender, thread_id, request).await?),
    ))
}

/// Mark the other side's messages of a thread read (the read receipts they see).
#[utoipa::path(post, path = "/api/v1/threads/{id}/read", tag = "messaging", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = ReadReceipt), Gate,
              (status = 404, description = "no such thread, or not the caller's to see (`not_found`)", body = portal_api::ApiErrorBody)))]
pub async fn mark_read(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    Path(id): Path<String>,
) -> ApiResult<Json<ReadReceipt>> {
    Ok(Json(
        reading::mark_read(&state, viewer(&session), addr.to_text(), path_id(&id)?).await?,
    ))
}

/// Assign a thread to a physician or staff member (`user_id` null: nobody). Care team only.
#[utoipa::path(post, path = "/api/v1/threads/{id}/assign", tag = "triage", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = AssignRequest,
    responses((status = 200, body = ThreadSummary), Gate, JsonBody,
              (status = 403, description = TRIAGE_FORBIDDEN, body = portal_api::ApiErrorBody),
              (status = 404, description = "no such thread, or not the caller's to see (`not_found`)", body = portal_api::ApiErrorBody),
              (status = 422, description = "the body is not valid, or `user_id` is not a physician or staff member of the practice (`validation`)", body = portal_api::ApiErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<AssignRequest>,
) -> ApiResult<Json<ThreadSummary>> {
    let thread_id = path_id(&id)?;
    Ok(Json(
        triage::assign(&state, viewer(&session), addr.to_text(), thread_id, request).await?,
    ))
}

/// Close a thread. Care team only; a patient's next message reopens it.
#[utoipa::path(post, path = "/api/v1/threads/{id}/close", tag = "triage", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = ThreadSummary), Gate,
              (status = 403, description = TRIAGE_FORBIDDEN, body = portal_api::ApiErrorBody),
              (status = 404, description = "no such thread, or not the caller's to see (`not_found`)", body = portal_api::ApiErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    Path(id): Path<String>,
) -> ApiResult<Json<ThreadSummary>> {
    let thread_id = path_id(&id)?;
    Ok(Json(
        triage::set_status(
            &state,
            viewer(&session),
            addr.to_text(),
            thread_id,
            ThreadStatus::Closed,
        )
        .await?,
    ))
}

/// Reopen a closed thread. Care team only.
#[utoipa::path(post, path = "/api/v1/threads/{id}/reopen", tag = "triage", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = ThreadSummary), Gate,
              (status = 403, description = TRIAGE_FORBIDDEN, body = portal_api::ApiErrorBody),
              (status = 404, description = "no such thread, or not the caller's to see (`not_found`)", body = portal_api::ApiErrorBody)))]
pub async fn reopen(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    Path(id): Path<String>,
) -> ApiResult<Json<ThreadSummary>> {
    let thread_id = path_id(&id)?;
    Ok(Json(
        triage::set_status(&state, viewer(&session), addr.to_text(), thread_id, ThreadStatus::Open).await?,
    ))
}

/// Physicians and staff a thread can be assigned to. Care team only.
#[utoipa::path(get, path = "/api/v1/care-team", tag = "triage", security(("bearer" = [])),
    responses((status = 200, body = CareTeam), Gate,
              (status = 403, description = TRIAGE_FORBIDDEN, body = portal_api::ApiErrorBody)))]
pub async fn care_team(State(state): State<AppState>, session: PolicyAccepted) -> ApiResult<Json<CareTeam>> {
    Ok(Json(triage::members(&state, viewer(&session)).await?))
}
