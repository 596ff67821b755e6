//! Sending: a patient starts a thread, either side replies. Each send is checked for shape
//! here, then stored by the group-commit queue with the other sends of its batch
//! (`store::sends`): the idempotency key is checked and stored in the same transaction as
//! the message, so a retried send (same key, same content) answers the first result and never
//! stores a second message; an answer means the message is durable.

use portal_api::{emergency, NewMessage, NewThread, SendReceipt};
use ring::digest::{digest, SHA256};

use super::input;
use crate::domain::access::{Side, Viewer};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::sends::{PendingSend, SendTarget};

/// Who sends, from where, under which idempotency key.
pub struct Sender {
    pub viewer: Viewer,
    pub client_addr: String,
    pub idempotency_key: String,
}

/// `POST /threads`: patients only.
pub async fn new_thread(state: &AppState, sender: Sender, request: NewThread) -> ApiResult<SendReceipt> {
    if !sender.viewer.may_start_threads() {
        return Err(ApiError::Forbidden);
    }
    let subject = input::subject(&request.subject)?;
    let body = input::body(&request.body)?;
    let ids = input::attachment_ids(&request.attachment_ids)?;
    let request_hash = request_hash(&["thread", request.category.as_str(), &subject, &body, &ids.join(",")]);
    let urgent = emergency::matched(&format!("{subject}\n{body}")).is_some();
    let target = SendTarget::NewThread {
        category: request.category,
        subject,
    };
    queue(state, sender, target, body, urgent, ids, request_hash).await
}

/// `POST /threads/{id}/messages`: the patient of the thread, or a care-team member who can
/// see it.
pub async fn reply(state: &AppState, sender: Sender, thread_id: i64, request: NewMessage) -> ApiResult<SendReceipt> {
    let viewer = sender.viewer;
    if !viewer.sees_health_data() {
        return Err(ApiError::NotFound);
    }
    // Someone who reads the thread but may not write in it (an authorized person with a
    // grant to read only).
    if !viewer.may_write_messages() {
        return Err(ApiError::Forbidden);
    }
    let body = input::body(&request.body)?;
    let ids = input::attachment_ids(&request.attachment_ids)?;
    let request_hash = request_hash(&["reply", &thread_id.to_string(), &body, &ids.join(",")]);
    // Only a patient's words raise a thread's urgency.
    let urgent = viewer.side() == Side::Patient && emergency::matched(&body).is_some();
    let target = SendTarget::Reply { thread_id };
    queue(state, sender, target, body, urgent, ids, request_hash).await
}

/// Hands a checked send to the writer and waits for its answer.
async fn queue(
    state: &AppState,
    sender: Sender,
    target: SendTarget,
    body: String,
    urgent: bool,
    attachment_ids: Vec<String>,
    request_hash: String,
) -> ApiResult<SendReceipt> {
    state
        .writer
        .send(PendingSend {
            viewer: sender.viewer,
            target,
            body,
            urgent,
            attachment_ids,
            idempotency_key: sender.idempotency_key,
            request_hash,
            client_addr: sender.client_addr,
            at: state.clock.now(),
        })
        .await
        .map_err(ApiError::from)
}

/// SHA-256 over the parts, each length-prefixed so no two different sends hash alike.
fn request_hash(parts: &[&str]) -> String {
    let mut bytes = Vec::new();
    for part in parts {
        bytes.extend_from_slice(&(part.len() as u64).to_be_bytes());
        bytes.extend_from_slice(part.as_bytes());
    }
    hex::encode(digest(&SHA256, &bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_hashes_separate_their_parts() {
        assert_ne!(request_hash(&["ab", "c"]), request_hash(&["a", "bc"]));
        assert_eq!(request_hash(&["a", "b"]), request_hash(&["a", "b"]));
    }
}
