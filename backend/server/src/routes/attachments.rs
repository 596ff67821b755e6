//! `/attachments`: upload a photo or PDF (multipart, field `file`) before sending it with a
//! message, and download one. Type is decided by content, never by name or declared type;
//! photos are rewritten without metadata before anything is stored; bytes are sealed at rest.

use axum::body::Body;
use axum::extract::multipart::MultipartError;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use portal_api::AttachmentInfo;
use ring::rand::{SecureRandom, SystemRandom};

use utoipa::ToSchema;

use crate::attachments::cipher::SealedBlob;
use crate::attachments::filename;
use crate::auth::{ClientAddr, PolicyAccepted};
use crate::content::{self, ContentError};
use crate::domain::access::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::messaging::reading::record;
use crate::state::AppState;
use crate::store::attachments::{self, NewAttachment};
use crate::store::audit::{action, AuditRow};
use crate::store::to_millis;
use crate::store::writer::Written;

/// Room for the multipart framing around the file.
const MULTIPART_OVERHEAD: usize = 64 * 1024;

pub fn router(max_attachment_bytes: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/attachments",
            post(upload).layer(DefaultBodyLimit::max(max_attachment_bytes + MULTIPART_OVERHEAD)),
        )
        .route("/attachments/{id}", get(download))
}

/// `POST /api/v1/attachments`: one part named `file`.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the multipart body; the handler reads the parts itself.
pub struct UploadForm {
    /// A photo (JPEG, PNG) or PDF, recognised by its content.
    #[schema(value_type = String, content_media_type = "application/octet-stream", min_length = 1)]
    file: Vec<u8>,
}

/// Upload one file (multipart/form-data, field `file`). JPEG, PNG or PDF by content, at most
/// the configured size (10 MiB by default). The answer's id goes into a send's
/// `attachment_ids`; until then only the uploader can read it.
#[utoipa::path(post, path = "/api/v1/attachments", tag = "messaging", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data", description = "one part named `file`"),
    responses((status = 201, body = AttachmentInfo), super::openapi::responses::PolicyAccepted,
              (status = 403, description = "the current policy is not accepted (`policy_not_accepted`), or the account may not upload (`forbidden`)", body = portal_api::ApiErrorBody),
              (status = 413, description = "the file is larger than the service accepts (`payload_too_large`)", body = portal_api::ApiErrorBody),
              (status = 415, description = "not multipart form data, or the file is not a JPEG, PNG or PDF by its content (`unsupported_media_type`)", body = portal_api::ApiErrorBody),
              (status = 422, description = "no part named `file`, an empty or damaged file, or too many uploads not sent yet (`validation`)", body = portal_api::ApiErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<AttachmentInfo>)> {
    let viewer = session.0.viewer();
    if !viewer.may_write_messages() {
        return Err(ApiError::Forbidden);
    }
    let mut multipart = multipart.map_err(|_| ApiError::UnsupportedMediaType)?;
    let owner_id = viewer.user_id();
    // Held until the answer: bounds the uploads (and their bytes) in memory at once.
    let _slot = state.upload_slots.try_take(owner_id).map_err(ApiError::UploadsBusy)?;
    let max_unsent = state.limits.max_unsent_attachments;
    // Checked before the file is read, to spare the work, and again in the write below,
    // where concurrent uploads are counted one after another.
    if attachments::unsent_count(&state.db.pool, owner_id).await? >= max_unsent {
        return Err(too_many_unsent());
    }
    let (uploaded_name, bytes) = read_file_field(&mut multipart, state.limits.max_attachment_bytes).await?;
    let id = new_id()?;
    let cipher = state.attachment_cipher.clone();
    let sealed_id = id.clone();
    let (media_type, size, blob) = tokio::task::spawn_blocking(move || {
        let clean = content::sanitize(&bytes).map_err(|e| match e {
            ContentError::Unsupported => ApiError::UnsupportedMediaType,
            ContentError::Malformed(why) => ApiError::Validation(why.to_string()),
            ContentError::ActiveContent(why) => ApiError::ActiveContent(why),
        })?;
        let size = i64::try_from(clean.bytes.len()).unwrap_or(i64::MAX);
        let blob = cipher
            .seal(&sealed_id, clean.bytes)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok::<_, ApiError>((clean.media_type, size, blob))
    })
    .await
    .map_err(|_| ApiError::Internal("attachment processing stopped".into()))??;
    let name = filename::display_name(uploaded_name.as_deref(), media_type);
    let info = AttachmentInfo {
        id: id.clone(),
        filename: name.clone(),
        media_type,
        size,
    };
    let now = state.clock.now();
    let client_addr = addr.to_text();
    let subject = matches!(viewer, Viewer::Patient(_)).then_some(owner_id);
    let engine = state.db.engine;
    state
        .writer
        .run_audited(move |conn| {
            Box::pin(async move {
                let new = NewAttachment {
                    id: &id,
                    owner_id,
                    filename: &name,
                    media_type,
                    size,
                    at: now,
                    blob,
                };
                if attachments::unsent_count_for_update(conn, engine, owner_id).await? >= max_unsent {
                    return Err(too_many_unsent());
                }
                attachments::insert(conn, new).await?;
                let row = AuditRow {
                    at_ms: to_millis(now),
                    actor_user_id: Some(owner_id),
                    subject_user_id: subject,
                    action: action::ATTACHMENT_UPLOADED,
                    object: Some(format!("attachment:{id}")),
                    client_addr,
                };
                Ok(Written {
                    value: (),
                    audit: vec![row],
                    changed_patient: None,
                })
            })
        })
        .await?;
    Ok((StatusCode::CREATED, Json(info)))
}

/// The bytes of an attachment the caller may see, always as a download
/// (`Content-Disposition: attachment`), never sniffed, never cached.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "messaging", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, description = "the file, as a download", content(
                  (String = "image/jpeg"), (String = "image/png"), (String = "application/pdf"))),
              super::openapi::responses::PolicyAccepted,
              (status = 404, description = "no such attachment, or not the caller's to see (`not_found`)", body = portal_api::ApiErrorBody)))]
pub async fn download(
    State(state): State<AppState>,
    addr: ClientAddr,
    session: PolicyAccepted,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    if !is_attachment_id(&id) {
        return Err(ApiError::NotFound);
    }
    let viewer = session.0.viewer();
    let stored = attachments::find_readable(&state.db.pool, viewer, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let cipher = state.attachment_cipher.clone();
    let open_id = id.clone();
    let blob = SealedBlob {
        key_id: stored.blob.key_id,
        nonce: stored.blob.nonce,
        sealed: stored.blob.sealed,
    };
    let bytes = tokio::task::spawn_blocking(move || cipher.open(&open_id, blob))
        .await
        .map_err(|_| ApiError::Internal("attachment processing stopped".into()))?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    record(
        &state,
        viewer,
        Some(stored.subject_user_id),
        action::ATTACHMENT_READ,
        format!("attachment:{id}"),
        addr.to_text(),
    )
    .await?;
    let info = stored.info;
    let mut response = Body::from(bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(info.media_type.mime()));
    if let Ok(value) = HeaderValue::from_str(&filename::content_disposition(&info.filename)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    } else {
        headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment"));
    }
    Ok(response)
}

fn too_many_unsent() -> ApiError {
    ApiError::Validation("There are too many attachments waiting to be sent. Please send or remove some first.".into())
}

/// Reads the part named `file`, refusing it as soon as it grows past `max` bytes.
async fn read_file_field(multipart: &mut Multipart, max: usize) -> ApiResult<(Option<String>, Vec<u8>)> {
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().map(str::to_owned);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if bytes.len() + chunk.len() > max {
                return Err(ApiError::PayloadTooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        if bytes.is_empty() {
            return Err(ApiError::Validation("The file is empty.".into()));
        }
        return Ok((name, bytes));
    }
    Err(ApiError::Validation(
        "Attach the file as a multipart part named \"file\".".into(),
    ))
}

fn multipart_error(error: MultipartError) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::Validation("The upload is not valid multipart form data.".into())
    }
}

/// 128 random bits, hex: ids cannot be guessed or enumerated.
fn new_id() -> ApiResult<String> {
    let mut bytes = [0u8; 16];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| ApiError::Internal("no secure random numbers".into()))?;
    Ok(hex::encode(bytes))
}

fn is_attachment_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
