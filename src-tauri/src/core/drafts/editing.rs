//! What the draft commands do with a draft as a whole: list, load, save its text (every
//! autosave), discard, and delete after a send. Subject and body are held to the limits the
//! server enforces, so a saved draft can always be sent.

use portal_api::{MAX_BODY_CHARS, MAX_SUBJECT_CHARS};

use super::access::Drafts;
use super::errors::vault_error;
use super::model::{Draft, DraftStatus, DraftSummary, SavedDraft};
use super::record::{decode, time_of};
use crate::error::CommandError;
use crate::vault::{AttachmentChange, DraftStatus as RecordStatus, VaultError};

impl Drafts {
    /// `list_drafts`: every draft of whom the session acts for now (see
    /// [`Drafts::set_acting_for`]), most recently saved first. A draft that fails to open is
    /// listed as damaged this once (among the person's own) and set aside.
    pub async fn list(&self) -> Result<Vec<DraftSummary>, CommandError> {
        let vault = self.vault()?;
        let acting_for = self.acting_for();
        let opened = vault.list_drafts_with_content().await.map_err(vault_error)?;
        let mut summaries = Vec::with_capacity(opened.len());
        for draft in opened {
            let entry = draft.entry;
            let content = match (entry.status, draft.plaintext) {
                (RecordStatus::Ok, Some(plaintext)) => match decode(&plaintext) {
                    Some(content) => Some(content),
                    None => {
                        self.set_aside(&vault, &entry.draft_id).await;
                        None
                    }
                },
                _ => None,
            };
            if content.as_ref().is_some_and(|c| c.written_for != acting_for) {
                continue;
            }
            summaries.push(DraftSummary {
                thread_id: content.as_ref().and_then(|c| c.thread_id),
                subject: content.as_ref().map(|c| c.subject.clone()).unwrap_or_default(),
                updated_at: time_of(entry.updated_at_ms),
                status: if content.is_some() {
                    DraftStatus::Ok
                } else {
                    DraftStatus::Damaged
                },
                draft_id: entry.draft_id,
            });
        }
        Ok(summaries)
    }

    /// `load_draft`
    pub async fn load(&self, draft_id: &str) -> Result<Draft, CommandError> {
        let vault = self.vault()?;
        let content = self.content(&vault, draft_id).await?;
        Ok(Draft::from_content(draft_id, &content))
    }

    /// `save_draft` (every autosave): the subject, body, category and thread of `draft` are
    /// saved as the draft's next version; its attachments and send state are kept as stored.
    /// A draft without an id is created with a new random one.
    pub async fn save(&self, mut draft: Draft) -> Result<SavedDraft, CommandError> {
        check_text(&draft)?;
        let vault = self.vault()?;
        let draft_id = draft.draft_id.take();
        let updated = self
            .update(&vault, draft_id.as_deref(), |content| {
                content.update_from(&mut draft);
                Ok(Some(AttachmentChange::None))
            })
            .await?;
        updated.saved_draft().ok_or(CommandError::VaultUnavailable)
    }

    /// `discard_draft`: removes the draft and its attachments. Discarding a draft that is
    /// already gone is not an error.
    pub async fn discard(&self, draft_id: &str) -> Result<(), CommandError> {
        self.delete(draft_id).await
    }

    /// Removes the draft and its attachments (after it was sent, or discarded).
    pub async fn delete(&self, draft_id: &str) -> Result<(), CommandError> {
        let vault = self.vault()?;
        let _writing = self.writes.lock().await;
        match vault.delete_draft(draft_id).await {
            Ok(_) | Err(VaultError::InvalidId) => Ok(()),
            Err(error) => Err(vault_error(error)),
        }
    }
}

/// Subject and body within the limits the server enforces (so a draft can always be sent).
fn check_text(draft: &Draft) -> Result<(), CommandError> {
    if draft.subject.chars().count() > MAX_SUBJECT_CHARS {
        return Err(CommandError::Invalid("The subject can be at most 200 characters long."));
    }
    if draft.body.chars().count() > MAX_BODY_CHARS {
        return Err(CommandError::Invalid(
            "The message can be at most 20,000 characters long.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use portal_api::{Category, MAX_ATTACHMENTS_PER_MESSAGE};

    use super::*;
    use crate::core::drafts::testing::{code, unlocked};

    #[test]
    fn text_is_counted_in_characters_up_to_the_limits() {
        assert!(check_text(&Draft::new("é".repeat(MAX_SUBJECT_CHARS), "ü".repeat(MAX_BODY_CHARS))).is_ok());
        assert!(check_text(&Draft::new("", "")).is_ok());
        let subject = check_text(&Draft::new("x".repeat(MAX_SUBJECT_CHARS + 1), "")).unwrap_err();
        assert_eq!(subject.code(), "validation");
        let body = check_text(&Draft::new("", "x".repeat(MAX_BODY_CHARS + 1))).unwrap_err();
        assert_eq!(body.code(), "validation");
    }

    #[tokio::test]
    async fn save_load_and_list_most_recent_first() {
        let (_dir, drafts) = unlocked().await;
        let mut first = Draft::new("Rash on my arm", "It started on Monday.");
        first.category = Some(Category::MedicalQuestion);
        let saved = drafts.save(first).await.unwrap();
        assert_eq!(saved.version, 1);
        assert_eq!(saved.draft_id.len(), 32);
        let mut again = drafts.load(&saved.draft_id).await.unwrap();
        assert_eq!(again.subject, "Rash on my arm");
        assert_eq!(again.category, Some(Category::MedicalQuestion));
        again.body.push_str(" And it itches.");
        let next = drafts.save(again).await.unwrap();
        assert_eq!((next.draft_id.as_str(), next.version), (saved.draft_id.as_str(), 2));
        assert!(next.saved_at >= saved.saved_at);

        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let mut reply = Draft::new("", "Thank you!");
        reply.thread_id = Some(42);
        let reply = drafts.save(reply).await.unwrap();
        let list = drafts.list().await.unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].draft_id, reply.draft_id, "most recent first");
        assert_eq!(list[0].thread_id, Some(42));
        assert_eq!(list[1].subject, "Rash on my arm");
        assert!(list.iter().all(|s| s.status == DraftStatus::Ok));
        assert_eq!(list[0].updated_at, reply.saved_at);

        let mut unknown = Draft::new("s", "b");
        unknown.draft_id = Some("0123456789abcdef0123456789abcdef".into());
        assert_eq!(code(drafts.save(unknown).await), "draft_not_found");
        assert_eq!(code(drafts.load("nope").await), "draft_not_found");
        assert_eq!(code(drafts.load("a/b").await), "draft_not_found");
        drafts.discard(&reply.draft_id).await.unwrap();
        drafts.discard(&reply.draft_id).await.unwrap();
        assert_eq!(code(drafts.load(&reply.draft_id).await), "draft_not_found");
    }

    #[tokio::test]
    async fn text_limits_are_the_servers() {
        assert_eq!(
            (MAX_SUBJECT_CHARS, MAX_BODY_CHARS, MAX_ATTACHMENTS_PER_MESSAGE),
            (200, 20_000, 5)
        );
        let (_dir, drafts) = unlocked().await;
        // Characters, not bytes.
        assert!(drafts
            .save(Draft::new("é".repeat(200), "ü".repeat(20_000)))
            .await
            .is_ok());
        let error = drafts.save(Draft::new("x".repeat(201), "")).await.unwrap_err();
        assert_eq!(error.code(), "validation");
        assert!(error.to_string().contains("200"), "{error}");
        let error = drafts.save(Draft::new("", "x".repeat(20_001))).await.unwrap_err();
        assert_eq!(error.code(), "validation");
        assert!(error.to_string().contains("20,000"), "{error}");
    }

    #[tokio::test]
    async fn unreadable_or_damaged_drafts_are_set_aside() {
        let (_dir, drafts) = unlocked().await;
        let good = drafts.save(Draft::new("fine", "fine")).await.unwrap();
        let vault = drafts.vault().unwrap();
        // Authentic but not a draft this app can read.
        vault
            .save_draft("0000000000000000000000000000000a", b"not json")
            .await
            .unwrap();
        assert_eq!(
            code(drafts.load("0000000000000000000000000000000a").await),
            "draft_damaged"
        );
        assert_eq!(vault.quarantined_count().await.unwrap(), 1);
        vault
            .save_draft("0000000000000000000000000000000b", b"[1, 2]")
            .await
            .unwrap();
        let list = drafts.list().await.unwrap();
        assert_eq!(list.len(), 2);
        let damaged: Vec<_> = list.iter().filter(|s| s.status == DraftStatus::Damaged).collect();
        assert_eq!(damaged.len(), 1);
        assert_eq!(damaged[0].draft_id, "0000000000000000000000000000000b");
        assert_eq!(damaged[0].subject, "");
        assert_eq!(drafts.list().await.unwrap().len(), 1, "listed once, then set aside");
        assert_eq!(drafts.load(&good.draft_id).await.unwrap().subject, "fine");
    }
}
