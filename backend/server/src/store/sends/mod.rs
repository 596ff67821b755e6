//! Sends, stored as a set: every send waiting in a write batch is checked and stored with a
//! fixed number of statements (about seven, plus two per send that carries attachments),
//! however many there are.
//!
//! Why: on SQLite each statement crosses to sqlx's connection thread and back, and that
//! hand-off, not SQLite, was most of a batch's time: five statements per send made a batch of
//! 32 sends take 14 ms before its COMMIT (docs/benchmarks.md).
//!
//! The answers are those of running the sends one after another in queue order:
//! 1. a key already stored answers its first result (same content) or 409 (other content);
//! 2. a key taken by an earlier send of the batch answers like 1, from that send;
//! 3. a reply to a thread outside the sender's scope answers 404;
//! 4. attachments that are not unsent uploads of the sender (or an earlier send of the batch
//!    took them) answer 404;
//! 5. everything else is stored, and answered once the batch commits; a care-team message
//!    queues the patient's "new secure message" notice in the same transaction
//!    (`super::message_notices`).
//!
//! Nothing is written for a refused send. A statement that fails fails the whole batch (its
//! callers retry with their keys), as it means something unexpected.

mod load;
mod pending;
#[cfg(test)]
mod tests;
mod write;

use std::collections::HashSet;

use portal_api::SendReceipt;
use sqlx::AnyConnection;

use super::attachments;
use super::audit::{action, AuditRow};
use super::db::{to_millis, Engine};
use super::error::{StoreError, StoreResult};
use super::message_notices::{self, TeamMessage};
use super::writer_transaction::WriterTransaction;
use crate::domain::access::{Side, Viewer};
use crate::domain::sending::{self, Decision, SendFacts};
use crate::sealed_text::TextSealer;
use load::{patients_of, stored_keys};
pub use pending::{PendingSend, SendTarget};
use write::store;

/// The most sends one call can take. A batch's sends become one `UNION ALL` term and one `OR`
/// term each: SQLite allows 500 terms in a compound SELECT and an expression depth of 1,000.
pub(crate) const MAX_SENDS: usize = 500;

/// Why a send was not stored.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Its idempotency key was used before for other content.
    #[error("the idempotency key was already used for other content")]
    KeyReused,
    /// The thread or an attachment is not the sender's to use.
    #[error("the thread or an attachment is not the sender's")]
    NotFound,
    /// The store failed; nothing of the send is stored.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the batch's sends came to, index for index, and the audit rows of those stored.
pub struct Applied {
    pub answers: Vec<Result<SendReceipt, SendError>>,
    pub audit: Vec<AuditRow>,
    /// The patients whose threads got messages.
    pub changed_patients: Vec<i64>,
}

/// Checks and stores `sends` (not empty) in the writer's open transaction; `begin` is sent
/// with the first statement if it has not been yet.
pub async fn apply(
    conn: &mut AnyConnection,
    engine: Engine,
    begin: &mut WriterTransaction,
    sends: &[PendingSend],
    sealer: &TextSealer,
) -> StoreResult<Applied> {
    let stored_keys = stored_keys(conn, engine, begin, sends).await?;
    let replies: Vec<(Viewer, i64)> = sends
        .iter()
        .filter_map(|s| match s.target {
            SendTarget::Reply { thread_id } => Some((s.viewer, thread_id)),
            SendTarget::NewThread { .. } => None,
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let patients = patients_of(conn, engine, &replies).await?;

    // Whether each send's attachments are the sender's unsent uploads (as stored before).
    let mut attachments_ok = Vec::with_capacity(sends.len());
    for send in sends {
        attachments_ok.push(
            send.attachment_ids.is_empty()
                || attachments::all_unsent_of(conn, send.viewer.user_id(), &send.attachment_ids).await?,
        );
    }
    let facts: Vec<SendFacts<'_>> = sends
        .iter()
        .zip(&attachments_ok)
        .map(|(send, &attachments_are_senders_unsent)| SendFacts {
            sender_id: send.viewer.user_id(),
            key: &send.idempotency_key,
            request_hash: &send.request_hash,
            reply_reaches_thread: match send.target {
                SendTarget::Reply { thread_id } => Some(patients.contains_key(&(send.viewer, thread_id))),
                SendTarget::NewThread { .. } => None,
            },
            attachment_ids: &send.attachment_ids,
            attachments_are_senders_unsent,
        })
        .collect();
    let stored_of = |i: usize| stored_keys.get(&(sends[i].viewer.user_id(), sends[i].idempotency_key.clone()));
    let decisions = sending::decide(&facts, |i| stored_of(i).map(|k| k.request_hash.as_str()));

    let mut answers: Vec<Option<Result<SendReceipt, SendError>>> = (0..sends.len()).map(|_| None).collect();
    let mut to_store: Vec<usize> = Vec::new();
    let mut duplicates: Vec<(usize, usize)> = Vec::new();
    for (i, decision) in decisions.iter().enumerate() {
        match *decision {
            Decision::AnswerStored => answers[i] = stored_of(i).map(|k| Ok(k.receipt.clone())),
            Decision::KeyReused => answers[i] = Some(Err(SendError::KeyReused)),
            Decision::NotFound => answers[i] = Some(Err(SendError::NotFound)),
            Decision::AsSend(owner) => duplicates.push((i, owner)),
            Decision::Store => to_store.push(i),
        }
    }

    let stored = store(conn, engine, sends, &to_store, &patients, sealer).await?;
    // The care team's words in a patient's thread: the patient hears of them by e-mail.
    let team_messages: Vec<TeamMessage> = stored
        .iter()
        .filter(|s| sends[s.index].viewer.side() == Side::Team)
        .map(|s| TeamMessage {
            thread_id: s.thread_id,
            patient_id: s.patient_id,
            at: sends[s.index].at,
        })
        .collect();
    message_notices::queue(conn, engine, sealer, &team_messages).await?;
    let mut audit = Vec::with_capacity(stored.len() + 1);
    for s in &stored {
        let send = &sends[s.index];
        answers[s.index] = Some(Ok(SendReceipt {
            thread_id: s.thread_id,
            message_id: s.message_id,
            created_at: send.at,
        }));
        let row = |what: &'static str, object: String| AuditRow {
            at_ms: to_millis(send.at),
            actor_user_id: Some(send.viewer.user_id()),
            subject_user_id: Some(s.patient_id),
            action: what,
            object: Some(object),
            client_addr: send.client_addr.clone(),
        };
        if matches!(send.target, SendTarget::NewThread { .. }) {
            audit.push(row(action::THREAD_CREATED, format!("thread:{}", s.thread_id)));
        }
        audit.push(row(action::MESSAGE_SENT, format!("message:{}", s.message_id)));
    }
    for (i, owner) in duplicates {
        answers[i] = Some(match &answers[owner] {
            Some(Ok(receipt)) if sending::answers_as_owner(&sends[i].request_hash, &sends[owner].request_hash) => {
                Ok(receipt.clone())
            }
            Some(Ok(_)) => Err(SendError::KeyReused),
            // Owners are stored: every one has its receipt by now.
            _ => Err(StoreError::Inconsistent("a send of the batch has no answer").into()),
        });
    }
    Ok(Applied {
        changed_patients: stored.iter().map(|s| s.patient_id).collect(),
        answers: answers
            .into_iter()
            .map(|a| a.unwrap_or_else(|| Err(StoreError::Inconsistent("a send of the batch has no answer").into())))
            .collect(),
        audit,
    })
}
