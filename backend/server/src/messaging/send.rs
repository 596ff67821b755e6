//! Sending: a patient starts a thread, either side replies. Each send is one write in the
//! group-commit queue: the idempotency key is checked and stored in the same transaction as
//! the message, so a retried send (same key, same content) answers the first result and never
//! stores a second message; an answer means the message is durable.

use portal_api::{emergency, NewMessage, NewThread, SendReceipt};
use ring::digest::{digest, SHA256};

use super::{input, Side, Viewer};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::audit::action;
use crate::store::idempotency::{self, StoredSend};
use crate::store::threads::{self, NewThreadRow};
use crate::store::write_queue::AuditRow;
use crate::store::write_queue::Checked;
use crate::store::{attachments, to_millis};

/// Who sends, from where, under which idempotency key.
pub struct Sender {
    pub viewer: Viewer,
    pub client_addr: String,
    pub idempotency_key: String,
}

/// `POST /threads`: patients only.
pub async fn new_thread(state: &AppState, sender: Sender, request: NewThread) -> ApiResult<SendReceipt> {
    let Viewer::Patient(patient_id) = sender.viewer else {
        return Err(ApiError::Forbidden);
    };
    let subject = input::subject(&request.subject)?;
    let body = input::body(&request.body)?;
    let ids = input::attachment_ids(&request.attachment_ids)?;
    let hash = request_hash(&["thread", request.category.as_str(), &subject, &body, &ids.join(",")]);
    let urgent = emergency::matched(&format!("{subject}\n{body}")).is_some();
    let now = state.clock.now();
    let key = sender.idempotency_key.clone();
    let check_ids = ids.clone();
    let check_hash = hash.clone();
    state
        .writer
        .run_checked(
            move |conn| Box::pin(async move { check(conn, patient_id, &key, &check_hash, &check_ids).await }),
            move |conn, ()| {
                Box::pin(async move {
                    let row = NewThreadRow {
                        patient_id,
                        category: request.category,
                        subject: &subject,
                        urgent,
                        created_by: patient_id,
                        at: now,
                    };
                    let thread_id = threads::insert_thread(conn, &row).await?;
                    let message_id =
                        threads::insert_message(conn, thread_id, patient_id, Side::Patient, &body, urgent, now).await?;
                    let sent = StoredSend {
                        request_hash: hash,
                        thread_id,
                        message_id,
                    };
                    attach_and_remember(conn, patient_id, &ids, &sender.idempotency_key, &sent, now).await?;
                    let audit = [
                        (action::THREAD_CREATED, format!("thread:{thread_id}")),
                        (action::MESSAGE_SENT, format!("message:{message_id}")),
                    ]
                    .map(|(what, object)| AuditRow {
                        at_ms: to_millis(now),
                        actor_user_id: Some(patient_id),
                        subject_user_id: Some(patient_id),
                        action: what,
                        object: Some(object),
                        client_addr: sender.client_addr.clone(),
                    });
                    let receipt = SendReceipt {
                        thread_id,
                        message_id,
                        created_at: now,
                    };
                    Ok((receipt, audit.to_vec()))
                })
            },
        )
        .await
}

/// `POST /threads/{id}/messages`: the patient of the thread, or a care-team member who can
/// see it.
pub async fn reply(state: &AppState, sender: Sender, thread_id: i64, request: NewMessage) -> ApiResult<SendReceipt> {
    let viewer = sender.viewer;
    if matches!(viewer, Viewer::Nobody(_)) {
        return Err(ApiError::NotFound);
    }
    let body = input::body(&request.body)?;
    let ids = input::attachment_ids(&request.attachment_ids)?;
    let hash = request_hash(&["reply", &thread_id.to_string(), &body, &ids.join(",")]);
    // Only a patient's words raise a thread's urgency.
    let urgent = viewer.side() == Side::Patient && emergency::matched(&body).is_some();
    let now = state.clock.now();
    let user_id = viewer.user_id();
    let key = sender.idempotency_key.clone();
    let check_ids = ids.clone();
    let check_hash = hash.clone();
    state
        .writer
        .run_checked(
            move |conn| {
                Box::pin(async move {
                    let patient_id = match check(conn, user_id, &key, &check_hash, &check_ids).await? {
                        Checked::Answer(receipt) => return Ok(Checked::Answer(receipt)),
                        Checked::Proceed(()) => threads::patient_of(&mut *conn, viewer, thread_id).await?,
                    };
                    patient_id.map(Checked::Proceed).ok_or(ApiError::NotFound)
                })
            },
            move |conn, patient_id| {
                Box::pin(async move {
                    let message_id =
                        threads::insert_message(conn, thread_id, user_id, viewer.side(), &body, urgent, now).await?;
                    let sent = StoredSend {
                        request_hash: hash,
                        thread_id,
                        message_id,
                    };
                    attach_and_remember(conn, user_id, &ids, &sender.idempotency_key, &sent, now).await?;
                    let audit = AuditRow {
                        at_ms: to_millis(now),
                        actor_user_id: Some(user_id),
                        subject_user_id: Some(patient_id),
                        action: action::MESSAGE_SENT,
                        object: Some(format!("message:{message_id}")),
                        client_addr: sender.client_addr,
                    };
                    let receipt = SendReceipt {
                        thread_id,
                        message_id,
                        created_at: now,
                    };
                    Ok((receipt, vec![audit]))
                })
            },
        )
        .await
}

/// The read-only half of a send: a key seen before answers the first result (same content)
/// or is refused (other content); every attachment id must be an unsent upload of the sender.
async fn check(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    key: &str,
    hash: &str,
    attachment_ids: &[String],
) -> ApiResult<Checked<(), SendReceipt>> {
    if let Some(previous) = idempotency::find(conn, user_id, key).await? {
        if previous.request_hash != hash {
            return Err(ApiError::Conflict(
                "This Idempotency-Key was already used for a different message. Use a new key for a new message."
                    .into(),
            ));
        }
        return Ok(Checked::Answer(SendReceipt {
            thread_id: previous.thread_id,
            message_id: previous.message_id,
            created_at: threads::message_created_at(conn, previous.message_id).await?,
        }));
    }
    if !attachments::all_unsent_of(conn, user_id, attachment_ids).await? {
        return Err(ApiError::NotFound);
    }
    Ok(Checked::Proceed(()))
}

/// After the message row: ties the sender's uploads to it (checked before) and stores the key.
async fn attach_and_remember(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    attachment_ids: &[String],
    key: &str,
    sent: &StoredSend,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    if !attachments::attach(conn, user_id, attachment_ids, sent.message_id).await? {
        // The check found them; only a concurrent instance (PostgreSQL) could have taken them.
        return Err(sqlx::Error::RowNotFound);
    }
    // A unique violation here means another instance stores the same key right now
    // (PostgreSQL, several servers): the batch fails, and the client's retry is answered.
    idempotency::insert(conn, user_id, key, sent, now).await
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
