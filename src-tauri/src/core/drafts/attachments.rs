//! Files attached to a draft: the checks a picked file must pass (its size, its type found
//! from its content, how many a message may carry), its name cleaned for display, and
//! attaching and removing it, each as one write of the draft (see `writing`).

use portal_api::media::{sniff, MediaType};
use portal_api::MessagingLimits;

use super::access::Drafts;
use super::filename;
use super::ids::new_id;
use super::model::{AddedAttachment, Draft, DraftAttachment, DraftContent};
use crate::error::CommandError;
use crate::vault::AttachmentChange;

/// Largest file that can be attached until the service has said its own limit (10 MiB, a
/// service's default; see [`Drafts::set_limits`]).
pub const MAX_ATTACHMENT_BYTES: usize = portal_api::DEFAULT_MAX_ATTACHMENT_BYTES as usize;

/// The one check of an attached file's size, against the service's limit.
fn check_size(len: usize, limits: &MessagingLimits) -> Result<(), CommandError> {
    if u64::try_from(len).unwrap_or(u64::MAX) > limits.max_attachment_bytes {
        return Err(CommandError::AttachmentTooLarge {
            max_bytes: limits.max_attachment_bytes,
        });
    }
    Ok(())
}

/// A draft that lists `listed` files can take one more, by the service's limit.
fn check_count(listed: usize, limits: &MessagingLimits) -> Result<(), CommandError> {
    if u64::try_from(listed).unwrap_or(u64::MAX) >= u64::from(limits.max_attachments_per_message) {
        return Err(CommandError::TooManyAttachments {
            max: limits.max_attachments_per_message,
        });
    }
    Ok(())
}

/// A picked file that may be attached: its size, then its type by content (never by its
/// name), and its name cleaned for display. The name is only shown.
fn check_file(filename: &str, bytes: &[u8], limits: &MessagingLimits) -> Result<(MediaType, String), CommandError> {
    check_size(bytes.len(), limits)?;
    let media_type = sniff(bytes).ok_or(CommandError::UnsupportedAttachment)?;
    Ok((media_type, filename::display_name(filename, media_type)))
}

/// Takes `attachment_id` off `content` (and forgets its upload): the change to write, or
/// `None` when the draft does not list it.
pub(super) fn detach<'a>(content: &mut DraftContent, attachment_id: &'a str) -> Option<AttachmentChange<'a>> {
    let listed = content.attachments.len();
    content.attachments.retain(|a| a.id != attachment_id);
    content.uploaded.remove(attachment_id);
    (content.attachments.len() < listed).then_some(AttachmentChange::Detach { attachment_id })
}

impl Drafts {
    /// `add_draft_attachment`: checks the file (size, type by content, count) and attaches it
    /// to `draft_id`, or to a new draft when there is no id yet. `filename` is only shown;
    /// it is cleaned first.
    pub async fn add_attachment(
        &self,
        draft_id: Option<&str>,
        filename: &str,
        bytes: &[u8],
    ) -> Result<AddedAttachment, CommandError> {
        let vault = self.vault()?;
        let limits = self.limits();
        let (media_type, filename) = check_file(filename, bytes, &limits)?;
        let attachment = DraftAttachment {
            id: new_id()?,
            filename,
            media_type,
            size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        };
        let updated = self
            .update(&vault, draft_id.filter(|id| !id.is_empty()), |content| {
                check_count(content.attachments.len(), &limits)?;
                content.attachments.push(attachment.clone());
                Ok(Some(AttachmentChange::Attach {
                    attachment_id: &attachment.id,
                    bytes,
                }))
            })
            .await?;
        Ok(AddedAttachment {
            draft_id: updated.draft_id,
            attachment,
        })
    }

    /// `remove_draft_attachment`: the draft without that file. Removing a file that is not
    /// attached changes nothing.
    pub async fn remove_attachment(&self, draft_id: &str, attachment_id: &str) -> Result<Draft, CommandError> {
        let vault = self.vault()?;
        let updated = self
            .update(&vault, Some(draft_id), |content| Ok(detach(content, attachment_id)))
            .await?;
        Ok(Draft::from_content(draft_id, &updated.content))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::drafts::testing::{code, jpeg, pdf, png, unlocked};

    const DEFAULTS: MessagingLimits =
        MessagingLimits::with_max_attachment_bytes(portal_api::DEFAULT_MAX_ATTACHMENT_BYTES);

    #[test]
    fn the_size_limit_is_the_services_inclusive() {
        assert_eq!(MAX_ATTACHMENT_BYTES, 10 * 1024 * 1024);
        assert!(check_size(0, &DEFAULTS).is_ok());
        assert!(check_size(MAX_ATTACHMENT_BYTES, &DEFAULTS).is_ok());
        assert_eq!(
            code(check_size(MAX_ATTACHMENT_BYTES + 1, &DEFAULTS)),
            "payload_too_large"
        );
        // An operator's smaller cap is the one checked, and said.
        let small = MessagingLimits::with_max_attachment_bytes(1024 * 1024);
        assert!(check_size(1024 * 1024, &small).is_ok());
        let error = check_size(1024 * 1024 + 1, &small).unwrap_err();
        assert!(error.to_string().contains("1 MB"), "{error}");
    }

    #[test]
    fn a_message_takes_as_many_files_as_the_service_says() {
        assert_eq!(DEFAULTS.max_attachments_per_message, 5);
        assert!(check_count(4, &DEFAULTS).is_ok());
        let error = check_count(5, &DEFAULTS).unwrap_err();
        assert_eq!(error.code(), "validation");
        assert!(error.to_string().contains("at most 5 attachments"), "{error}");
    }

    #[test]
    fn a_file_is_known_by_its_content_and_shown_by_a_clean_name() {
        assert_eq!(
            check_file("C:\\photos\\arm.jpg", &jpeg(100), &DEFAULTS).unwrap(),
            (MediaType::Jpeg, "arm.jpg".to_owned())
        );
        assert_eq!(check_file("scan", &pdf(100), &DEFAULTS).unwrap().0, MediaType::Pdf);
        assert_eq!(check_file("notes.png", &png(100), &DEFAULTS).unwrap().0, MediaType::Png);
        assert_eq!(
            code(check_file("photo.jpg", b"<html>", &DEFAULTS)),
            "unsupported_media_type"
        );
        assert_eq!(code(check_file("empty.pdf", b"", &DEFAULTS)), "unsupported_media_type");
        // Too large is said before anything else is looked at.
        assert_eq!(
            code(check_file("big.txt", &vec![0; MAX_ATTACHMENT_BYTES + 1], &DEFAULTS)),
            "payload_too_large"
        );
    }

    #[test]
    fn detaching_forgets_the_file_and_its_upload() {
        let file = |id: &str| DraftAttachment {
            id: id.into(),
            filename: format!("{id}.pdf"),
            media_type: MediaType::Pdf,
            size: 1,
        };
        let mut content = DraftContent::default();
        content.attachments = vec![file("a1"), file("a2")];
        content.uploaded.insert("a1".into(), "srv-1".into());
        assert!(matches!(
            detach(&mut content, "a1"),
            Some(AttachmentChange::Detach { attachment_id: "a1" })
        ));
        assert_eq!(content.attachments, [file("a2")]);
        assert!(content.uploaded.is_empty());
        assert!(detach(&mut content, "a1").is_none(), "not listed: nothing to write");
        assert_eq!(content.attachments.len(), 1);
    }

    #[tokio::test]
    async fn attachments_are_checked_by_content_size_and_count() {
        let (_dir, drafts) = unlocked().await;
        // A file on a draft with no id yet creates the draft.
        let added = drafts
            .add_attachment(None, "C:\\photos\\arm.jpg", &jpeg(2000))
            .await
            .unwrap();
        let draft_id = added.draft_id.clone();
        assert_eq!(added.attachment.filename, "arm.jpg");
        assert_eq!(added.attachment.media_type, MediaType::Jpeg);
        assert_eq!(added.attachment.size, 2000);
        let added = drafts.add_attachment(Some(""), "scan.pdf", &pdf(100)).await.unwrap();
        assert_ne!(added.draft_id, draft_id, "an empty id is a new draft too");

        assert_eq!(
            code(drafts.add_attachment(Some(&draft_id), "notes.jpg", b"just text").await),
            "unsupported_media_type"
        );
        assert_eq!(
            code(drafts.add_attachment(Some(&draft_id), "x.gif", b"GIF89a....").await),
            "unsupported_media_type"
        );
        assert_eq!(
            code(drafts.add_attachment(Some(&draft_id), "e", b"").await),
            "unsupported_media_type"
        );
        assert_eq!(
            code(
                drafts
                    .add_attachment(Some(&draft_id), "big.png", &png(MAX_ATTACHMENT_BYTES + 1))
                    .await
            ),
            "payload_too_large"
        );
        drafts
            .add_attachment(Some(&draft_id), "max.png", &png(MAX_ATTACHMENT_BYTES))
            .await
            .unwrap();
        for i in 0..3 {
            drafts
                .add_attachment(Some(&draft_id), &format!("p{i}.pdf"), &pdf(10))
                .await
                .unwrap();
        }
        let error = drafts
            .add_attachment(Some(&draft_id), "six.pdf", &pdf(10))
            .await
            .unwrap_err();
        assert_eq!(error.code(), "validation");
        assert!(error.to_string().contains('5'), "{error}");
        assert_eq!(
            code(
                drafts
                    .add_attachment(Some("0123456789abcdef0123456789abcdef"), "a.pdf", &pdf(10))
                    .await
            ),
            "draft_not_found"
        );

        // An autosave keeps the files (whatever list the UI sends), then one is removed.
        let mut draft = drafts.load(&draft_id).await.unwrap();
        assert_eq!(draft.attachments.len(), 5);
        draft.attachments.clear();
        draft.subject = "Photos".into();
        drafts.save(draft).await.unwrap();
        let draft = drafts.load(&draft_id).await.unwrap();
        assert_eq!(draft.attachments.len(), 5);
        let first = draft.attachments[0].id.clone();
        let after = drafts.remove_attachment(&draft_id, &first).await.unwrap();
        assert_eq!(after.attachments.len(), 4);
        assert_eq!(after.subject, "Photos");
        let unchanged = drafts.remove_attachment(&draft_id, &first).await.unwrap();
        assert_eq!(unchanged.attachments.len(), 4);
        let (content, files) = drafts.load_for_send(&draft_id).await.unwrap();
        assert_eq!(files.len(), 4);
        assert_eq!(content.attachments, after.attachments);
        assert_eq!(files[0].1.len(), MAX_ATTACHMENT_BYTES);
        assert!(files.iter().all(|(a, bytes)| a.size == bytes.len() as u64));
    }
}
