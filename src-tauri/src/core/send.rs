//! Sending a draft: upload its files (reporting progress), post the message with the draft's
//! idempotency key, then remove the draft from the vault.
//!
//! The key and the ids of files already uploaded are saved in the (sealed) draft before each
//! network step, so a send interrupted by a crash, a lost connection or an idle sign-out is
//! retried with the same key: the server answers the first result and nothing is stored
//! twice. Nothing is lost either: the draft leaves the vault only after the server said the
//! message is stored.

use std::collections::BTreeMap;
use std::sync::Arc;

use portal_api::{ErrorCode, NewMessage, NewThread, SendReceipt};
use ring::rand::{SecureRandom, SystemRandom};
use serde::Serialize;
use ts_rs::TS;
use zeroize::Zeroizing;

use super::drafts::{DraftAttachment, DraftContent};
use super::DesktopCore;
use crate::error::CommandError;

/// Upload progress of one attached file, for the UI's progress bars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SendProgress {
    pub attachment_id: String,
    pub sent: u64,
    pub total: u64,
}

/// `send_draft`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct Sent {
    pub thread_id: i64,
    pub message_id: i64,
}

pub type ProgressSink = Arc<dyn Fn(SendProgress) + Send + Sync>;

impl DesktopCore {
    /// `send_draft`
    pub async fn send_draft(&self, draft_id: &str, progress: ProgressSink) -> Result<Sent, CommandError> {
        let (content, files) = self.drafts().load_for_send(draft_id).await?;
        if content.thread_id.is_none() && content.category.is_none() {
            return Err(CommandError::Invalid("Please choose what your message is about."));
        }
        let key = match &content.idempotency_key {
            Some(key) => key.clone(),
            None => new_idempotency_key()?,
        };
        let send = Attempt {
            draft_id,
            content: &content,
            files: &files,
            key: &key,
            progress: &progress,
        };
        let reused_uploads = !content.uploaded.is_empty();
        let mut posted = self.attempt(&send, content.uploaded.clone()).await;
        if reused_uploads
            && matches!(
                posted,
                Err(CommandError::Server {
                    code: ErrorCode::NotFound,
                    ..
                })
            )
        {
            // The service deletes uploads left unsent for a day: upload them again, once.
            posted = self.attempt(&send, BTreeMap::new()).await;
        }
        let receipt = match posted {
            Ok(receipt) => receipt,
            Err(CommandError::Server {
                code: ErrorCode::Conflict,
                ..
            }) => {
                // The key was used for an earlier text of this draft that did reach the server
                // (the answer was lost, then the draft was edited). Start a new send next time.
                self.drafts()
                    .remember_send_state(draft_id, new_idempotency_key()?, BTreeMap::new())
                    .await?;
                return Err(CommandError::EarlierVersionSent);
            }
            Err(other) => return Err(other),
        };
        if let Err(error) = self.drafts().delete(draft_id).await {
            // Sent and stored; the draft stays and a second send answers the same message.
            tracing::warn!(code = error.code(), "a sent draft could not be removed from the vault");
        }
        Ok(Sent {
            thread_id: receipt.thread_id,
            message_id: receipt.message_id,
        })
    }

    /// Uploads the files not in `uploaded` yet, then posts the message. The key and every
    /// upload's id are saved in the draft first, so nothing is sent twice after a crash.
    async fn attempt(
        &self,
        send: &Attempt<'_>,
        mut uploaded: BTreeMap<String, String>,
    ) -> Result<SendReceipt, CommandError> {
        let (draft_id, content, key) = (send.draft_id, send.content, send.key);
        self.drafts()
            .remember_send_state(draft_id, key.to_owned(), uploaded.clone())
            .await?;
        for (attachment, bytes) in send.files {
            if uploaded.contains_key(&attachment.id) {
                continue;
            }
            let report = send.progress.clone();
            let local_id = attachment.id.clone();
            let on_progress: portal_api::ProgressFn = Arc::new(move |sent, total| {
                report(SendProgress {
                    attachment_id: local_id.clone(),
                    sent,
                    total,
                });
            });
            let name = attachment.filename.clone();
            let body: &[u8] = bytes;
            let info = self
                .with_session(|c, t| async move { c.upload_attachment(&t, &name, body, Some(on_progress)).await })
                .await?;
            uploaded.insert(attachment.id.clone(), info.id);
            self.drafts()
                .remember_send_state(draft_id, key.to_owned(), uploaded.clone())
                .await?;
        }
        let attachment_ids: Vec<String> = content
            .attachments
            .iter()
            .filter_map(|a| uploaded.get(&a.id).cloned())
            .collect();
        let key = key.to_owned();
        match content.thread_id {
            Some(thread_id) => {
                let body = NewMessage {
                    body: content.body.clone(),
                    attachment_ids,
                };
                self.with_session(|c, t| async move { c.reply(&t, thread_id, &key, &body).await })
                    .await
            }
            None => {
                let body = NewThread {
                    category: content.category.unwrap_or(portal_api::Category::Other),
                    subject: content.subject.clone(),
                    body: content.body.clone(),
                    attachment_ids,
                };
                self.with_session(|c, t| async move { c.create_thread(&t, &key, &body).await })
                    .await
            }
        }
    }
}

/// One draft being sent: what [`DesktopCore::attempt`] needs.
struct Attempt<'a> {
    draft_id: &'a str,
    content: &'a DraftContent,
    files: &'a [(DraftAttachment, Zeroizing<Vec<u8>>)],
    key: &'a str,
    progress: &'a ProgressSink,
}

/// 128 random bits, hex.
fn new_idempotency_key() -> Result<String, CommandError> {
    let mut bytes = [0u8; 16];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| CommandError::VaultUnavailable)?;
    Ok(format!("draft-{}", hex::encode(bytes)))
}
