//! The one save path. Every change of a stored draft (the text of an autosave, a file
//! attached or removed, the send state kept before each network step) is a call of
//! [`Drafts::update`]: under one lock, read the stored content, change it, and write it back
//! with any change to the draft's files in one vault transaction
//! ([`UnlockedVault::write`]). So an autosave and a file added at the same moment cannot undo
//! each other, and after a crash the content and the files agree.
//!
//! Also here: reading a draft's stored content, and setting aside one this app cannot read.

use super::access::Drafts;
use super::errors::vault_error;
use super::ids::new_id;
use super::model::{DraftContent, SavedDraft};
use super::record::{decode, encode, time_of};
use crate::error::CommandError;
use crate::vault::{AttachmentChange, Saved, UnlockedVault};

/// What [`Drafts::update`] did.
#[derive(Debug)]
pub(super) struct Updated {
    pub draft_id: String,
    /// The content as it now stands (as written, or as stored if nothing was written).
    pub content: DraftContent,
    /// The version written; `None` when the change wrote nothing.
    pub saved: Option<Saved>,
}

impl Updated {
    /// What the UI is told about a save. `None` when nothing was written.
    pub fn saved_draft(&self) -> Option<SavedDraft> {
        self.saved.map(|saved| SavedDraft {
            draft_id: self.draft_id.clone(),
            version: saved.version,
            saved_at: time_of(saved.updated_at_ms),
        })
    }
}

impl Drafts {
    /// Changes `draft_id` in `vault` (see the module's documentation); `None` makes a new
    /// draft with a new random id, starting from empty content. `change` edits the content and
    /// answers what happens to the draft's files, or `None` to write nothing; its error is
    /// answered as it is, with nothing written.
    pub(super) async fn update<'a>(
        &self,
        vault: &UnlockedVault,
        draft_id: Option<&str>,
        change: impl FnOnce(&mut DraftContent) -> Result<Option<AttachmentChange<'a>>, CommandError>,
    ) -> Result<Updated, CommandError> {
        let _writing = self.writes.lock().await;
        let (draft_id, mut content) = match draft_id {
            Some(draft_id) => (draft_id.to_owned(), self.content(vault, draft_id).await?),
            None => {
                let mut content = DraftContent::default();
                content.written_for = self.acting_for();
                (new_id()?, content)
            }
        };
        let saved = match change(&mut content)? {
            Some(files) => Some(
                vault
                    .write(&draft_id, encode(vault, &content)?, files)
                    .await
                    .map_err(vault_error)?,
            ),
            None => None,
        };
        Ok(Updated {
            draft_id,
            content,
            saved,
        })
    }

    /// The stored content of `draft_id`. A record that does not open, or whose content
    /// cannot be read, is set aside and answered as [`CommandError::DraftDamaged`]. A draft
    /// begun for someone other than whom the session acts for now is answered as not found.
    pub(super) async fn content(&self, vault: &UnlockedVault, draft_id: &str) -> Result<DraftContent, CommandError> {
        let plaintext = vault.load_draft(draft_id).await.map_err(vault_error)?;
        match decode(&plaintext) {
            Some(content) if content.written_for != self.acting_for() => Err(CommandError::DraftNotFound),
            Some(content) => Ok(content),
            None => {
                self.set_aside(vault, draft_id).await;
                Err(CommandError::DraftDamaged)
            }
        }
    }

    /// Sets aside a draft whose record opened but whose content this app cannot read. No save
    /// can replace that record meanwhile: every change of a draft first reads its content,
    /// which fails the same way.
    pub(super) async fn set_aside(&self, vault: &UnlockedVault, draft_id: &str) {
        match vault.quarantine_draft(draft_id).await {
            Ok(_) => tracing::warn!(draft_id, "a saved draft could not be read and was set aside"),
            Err(error) => tracing::warn!(%error, "an unreadable draft could not be set aside"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::drafts::testing::{code, unlocked};

    #[tokio::test]
    async fn a_new_draft_gets_an_id_and_version_one() {
        let (_dir, drafts) = unlocked().await;
        let vault = drafts.vault().unwrap();
        let updated = drafts
            .update(&vault, None, |content| {
                content.subject = "New".into();
                Ok(Some(AttachmentChange::None))
            })
            .await
            .unwrap();
        assert_eq!(updated.draft_id.len(), 32);
        let saved = updated.saved_draft().unwrap();
        assert_eq!((saved.version, saved.draft_id.as_str()), (1, updated.draft_id.as_str()));
        assert_eq!(drafts.content(&vault, &updated.draft_id).await.unwrap().subject, "New");
    }

    #[tokio::test]
    async fn a_draft_begun_for_a_patient_is_theirs_only() {
        let (_dir, drafts) = unlocked().await;
        let vault = drafts.vault().unwrap();
        let new = |subject: &'static str| {
            move |content: &mut DraftContent| {
                content.subject = subject.into();
                Ok(Some(AttachmentChange::None))
            }
        };
        let own = drafts.update(&vault, None, new("Mine")).await.unwrap().draft_id;
        drafts.set_acting_for(Some(50));
        let johns = drafts.update(&vault, None, new("John's")).await.unwrap().draft_id;
        assert_eq!(drafts.content(&vault, &johns).await.unwrap().written_for, Some(50));
        assert_eq!(code(drafts.content(&vault, &own).await), "draft_not_found");
        assert_eq!(
            code(drafts.update(&vault, Some(&own), new("x")).await),
            "draft_not_found"
        );
        let listed: Vec<String> = drafts.list().await.unwrap().into_iter().map(|d| d.subject).collect();
        assert_eq!(listed, ["John's"]);

        drafts.set_acting_for(None);
        assert_eq!(code(drafts.content(&vault, &johns).await), "draft_not_found");
        assert_eq!(drafts.content(&vault, &own).await.unwrap().written_for, None);
        let listed: Vec<String> = drafts.list().await.unwrap().into_iter().map(|d| d.subject).collect();
        assert_eq!(listed, ["Mine"]);
    }

    #[tokio::test]
    async fn a_change_that_writes_nothing_or_fails_leaves_the_draft_as_stored() {
        let (_dir, drafts) = unlocked().await;
        let vault = drafts.vault().unwrap();
        let first = drafts
            .update(&vault, None, |content| {
                content.body = "kept".into();
                Ok(Some(AttachmentChange::None))
            })
            .await
            .unwrap();
        let id = first.draft_id.as_str();
        let unchanged = drafts
            .update(&vault, Some(id), |content| {
                content.body = "not written".into();
                Ok(None)
            })
            .await
            .unwrap();
        assert!(unchanged.saved.is_none() && unchanged.saved_draft().is_none());
        let refused = drafts
            .update(&vault, Some(id), |content| {
                content.body = "not written either".into();
                Err(CommandError::Invalid("no"))
            })
            .await;
        assert_eq!(code(refused), "validation");
        assert_eq!(drafts.content(&vault, id).await.unwrap().body, "kept");
        assert_eq!(vault.list_drafts().await.unwrap()[0].version, 1);
        // A draft that is not there is not created by a change to it.
        let missing = drafts
            .update(&vault, Some("0123456789abcdef0123456789abcdef"), |_| {
                Ok(Some(AttachmentChange::None))
            })
            .await;
        assert_eq!(code(missing), "draft_not_found");
    }

    #[tokio::test]
    async fn concurrent_changes_do_not_undo_each_other() {
        let (_dir, drafts) = unlocked().await;
        let drafts = std::sync::Arc::new(drafts);
        let vault = drafts.vault().unwrap();
        let id = drafts
            .update(&vault, None, |_| Ok(Some(AttachmentChange::None)))
            .await
            .unwrap()
            .draft_id;
        let mut tasks = Vec::new();
        for i in 0..12 {
            let (drafts, vault, id) = (drafts.clone(), vault.clone(), id.clone());
            tasks.push(tokio::spawn(async move {
                drafts
                    .update(&vault, Some(&id), |content| {
                        content.body.push_str(&format!("[{i}]"));
                        Ok(Some(AttachmentChange::None))
                    })
                    .await
                    .map(|updated| updated.saved.unwrap().version)
            }));
        }
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let body = drafts.content(&vault, &id).await.unwrap().body.clone();
        for i in 0..12 {
            assert!(body.contains(&format!("[{i}]")), "change {i} was lost: {body}");
        }
    }
}
