//! What the send path needs from the drafts: the draft with its files' bytes, and its send
//! state (the idempotency key and the files already uploaded) kept durably before each
//! network step, so a send retried after a crash sends the same key and uploads nothing
//! twice.

use std::collections::BTreeMap;

use zeroize::Zeroizing;

use super::access::Drafts;
use super::attachments::detach;
use super::errors::vault_error;
use super::model::{DraftAttachment, DraftContent, SavedDraft};
use crate::error::CommandError;
use crate::vault::{AttachmentChange, VaultError};

impl Drafts {
    /// For the send path: the draft's content (with its send state) and every attached file's
    /// bytes, in buffers wiped on drop. A file that fails to open is set aside and removed
    /// from the draft, and [`CommandError::AttachmentDamaged`] is answered (the text is kept).
    #[allow(clippy::type_complexity)]
    pub async fn load_for_send(
        &self,
        draft_id: &str,
    ) -> Result<(DraftContent, Vec<(DraftAttachment, Zeroizing<Vec<u8>>)>), CommandError> {
        let vault = self.vault()?;
        let content = self.content(&vault, draft_id).await?;
        let mut files = Vec::with_capacity(content.attachments.len());
        for attachment in &content.attachments {
            match vault.load_attachment(draft_id, &attachment.id).await {
                Ok(bytes) => files.push((attachment.clone(), bytes)),
                Err(VaultError::AttachmentDamaged { .. } | VaultError::NotFound) => {
                    self.update(&vault, Some(draft_id), |current| Ok(detach(current, &attachment.id)))
                        .await?;
                    return Err(CommandError::AttachmentDamaged);
                }
                Err(error) => return Err(vault_error(error)),
            }
        }
        Ok((content, files))
    }

    /// For the send path, before anything is uploaded or posted: keeps the idempotency key and
    /// the server ids of the files already uploaded with the draft, durably, so a retry after
    /// a crash sends the same key and uploads nothing twice.
    pub async fn remember_send_state(
        &self,
        draft_id: &str,
        idempotency_key: String,
        uploaded: BTreeMap<String, String>,
    ) -> Result<SavedDraft, CommandError> {
        let vault = self.vault()?;
        let updated = self
            .update(&vault, Some(draft_id), |content| {
                content.idempotency_key = Some(idempotency_key);
                content.uploaded = uploaded;
                Ok(Some(AttachmentChange::None))
            })
            .await?;
        updated.saved_draft().ok_or(CommandError::VaultUnavailable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::drafts::testing::{code, png, unlocked, FAST, USER};

    #[tokio::test]
    async fn the_send_state_survives_autosaves_and_goes_with_the_draft() {
        let (_dir, drafts) = unlocked().await;
        let added = drafts.add_attachment(None, "a.png", &png(64)).await.unwrap();
        let id = added.draft_id.clone();
        let mut uploaded = std::collections::BTreeMap::new();
        uploaded.insert(added.attachment.id.clone(), "srv-1".to_owned());
        let remembered = drafts.remember_send_state(&id, "key-1".into(), uploaded).await.unwrap();
        assert_eq!(remembered.version, 2);
        let mut draft = drafts.load(&id).await.unwrap();
        draft.body = "edited after a failed send".into();
        assert_eq!(drafts.save(draft).await.unwrap().version, 3);
        let (content, files) = drafts.load_for_send(&id).await.unwrap();
        assert_eq!(content.idempotency_key.as_deref(), Some("key-1"));
        assert_eq!(content.uploaded[&added.attachment.id], "srv-1");
        assert_eq!(content.body, "edited after a failed send");
        assert_eq!(&files[0].1[..], &png(64)[..]);
        // Removing the file forgets its upload too.
        drafts.remove_attachment(&id, &added.attachment.id).await.unwrap();
        assert!(drafts.load_for_send(&id).await.unwrap().0.uploaded.is_empty());
        drafts.delete(&id).await.unwrap();
        assert_eq!(code(drafts.load_for_send(&id).await), "draft_not_found");
    }

    #[tokio::test]
    async fn a_file_that_does_not_open_is_set_aside_and_the_text_kept() {
        let (_dir, drafts) = unlocked().await;
        let added = drafts.add_attachment(None, "a.png", &png(64)).await.unwrap();
        let id = added.draft_id.clone();
        let mut draft = drafts.load(&id).await.unwrap();
        draft.body = "the text".into();
        drafts.save(draft).await.unwrap();
        let vault = drafts.vault().unwrap();
        // Its record gone from under the draft (as when it was set aside by another read).
        vault
            .write(
                &id,
                crate::core::drafts::record::encode(&vault, &drafts.content(&vault, &id).await.unwrap()).unwrap(),
                AttachmentChange::Detach {
                    attachment_id: &added.attachment.id,
                },
            )
            .await
            .unwrap();
        assert_eq!(code(drafts.load_for_send(&id).await), "attachment_damaged");
        let (content, files) = drafts.load_for_send(&id).await.unwrap();
        assert!(content.attachments.is_empty() && files.is_empty());
        assert_eq!(content.body, "the text");
    }

    #[tokio::test]
    async fn a_draft_saved_before_the_vault_was_versioned_is_sent_with_its_files() {
        use crate::vault::testing::{write_vault_as_before_versions, OldDraft};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(crate::core::drafts::DRAFTS_FILE);
        // The JSON the app wrote then, word for word.
        let json = br#"{"thread_id":null,"category":"medical_question","subject":"Rash","body":"Since Monday.","attachments":[{"id":"0f0f","filename":"arm.png","media_type":"image/png","size":64}],"idempotency_key":"draft-1","uploaded":{}}"#;
        let old = [OldDraft {
            draft_id: "0123456789abcdef0123456789abcdef",
            version: 4,
            content: json,
            files: &[("0f0f", &png(64)[..])],
        }];
        write_vault_as_before_versions(&path, USER, b"pass phrase", &old).await;
        let drafts = Drafts::new(Some(path), FAST);
        drafts.unlock(USER, b"pass phrase").await.unwrap();
        let (content, files) = drafts.load_for_send(old[0].draft_id).await.unwrap();
        assert_eq!(
            (content.subject.as_str(), content.body.as_str()),
            ("Rash", "Since Monday.")
        );
        assert_eq!(content.idempotency_key.as_deref(), Some("draft-1"));
        assert_eq!(files.len(), 1);
        assert_eq!(
            (files[0].0.filename.as_str(), &files[0].1[..]),
            ("arm.png", &png(64)[..])
        );
        let saved = drafts
            .remember_send_state(old[0].draft_id, "draft-2".into(), BTreeMap::new())
            .await
            .unwrap();
        assert_eq!(saved.version, 5);
    }
}
