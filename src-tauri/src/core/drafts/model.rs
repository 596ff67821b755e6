//! What the draft commands exchange with the UI, and what one sealed draft record holds.
//!
//! The UI sees [`Draft`]; the vault stores [`DraftContent`], which adds the send state the UI
//! never sees (the idempotency key and the ids of attachments already uploaded), so a send that
//! was interrupted can be retried without creating a second message or a second upload.
//! Subject and body are wiped from memory when these values are dropped, and their `Debug`
//! output leaves them out, so they cannot reach a log by accident.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use portal_api::media::MediaType;
use portal_api::Category;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroize;

/// A draft as the UI edits it (`load_draft`, `save_draft`, `remove_draft_attachment`).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Draft {
    /// `None` for a draft never saved: `save_draft` then creates one and answers its id.
    pub draft_id: Option<String>,
    /// The thread this draft replies to; `None` for a new conversation.
    pub thread_id: Option<i64>,
    pub category: Option<Category>,
    pub subject: String,
    pub body: String,
    /// Answered by the app; ignored by `save_draft` (files are attached and removed with
    /// their own commands, so an autosave racing an upload cannot drop a file).
    #[serde(default)]
    pub attachments: Vec<DraftAttachment>,
}

/// A file attached to a draft, as listed (the bytes stay in the vault).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DraftAttachment {
    /// Chosen by the app (random), unique within the draft.
    pub id: String,
    /// For display only: the file's base name, cleaned (see `filename`).
    pub filename: String,
    /// Found from the content, not from the name.
    pub media_type: MediaType,
    /// Bytes.
    pub size: u64,
}

/// One sealed draft record: everything about the draft but its id (the record's key) and the
/// attachment bytes (their own records).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftContent {
    pub thread_id: Option<i64>,
    pub category: Option<Category>,
    pub subject: String,
    pub body: String,
    #[serde(default)]
    pub attachments: Vec<DraftAttachment>,
    /// The `Idempotency-Key` of the send in progress, kept so a retry after a crash sends the
    /// same key and the server answers the first result.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// Attachment id → the server's id for it once uploaded, so a retry does not upload twice.
    #[serde(default)]
    pub uploaded: BTreeMap<String, String>,
    /// The patient (their chart id) the person acted for when the draft was begun (issue 12);
    /// none for the person's own. A draft is listed, opened, changed and sent only while the
    /// app acts for the same person, so it never goes out on someone else's behalf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_for: Option<i64>,
}

/// `list_drafts`: one draft, without its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DraftSummary {
    pub draft_id: String,
    pub thread_id: Option<i64>,
    pub subject: String,
    pub updated_at: DateTime<Utc>,
    pub status: DraftStatus,
}

/// Whether a listed draft can be opened. A damaged one is listed once (so the person learns
/// about it), set aside, and not listed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DraftStatus {
    Ok,
    Damaged,
}

/// `save_draft`: what was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedDraft {
    pub draft_id: String,
    /// Increases with every save of this draft (including attaching and removing files).
    pub version: i64,
    pub saved_at: DateTime<Utc>,
}

/// `add_draft_attachment`: the draft the file went to (new if it had no id yet) and the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AddedAttachment {
    pub draft_id: String,
    pub attachment: DraftAttachment,
}

impl Draft {
    /// A draft not saved yet, for a new conversation.
    pub fn new(subject: impl Into<String>, body: impl Into<String>) -> Self {
        Self {
            draft_id: None,
            thread_id: None,
            category: None,
            subject: subject.into(),
            body: body.into(),
            attachments: Vec::new(),
        }
    }

    /// The UI's view of a stored draft.
    pub fn from_content(draft_id: &str, content: &DraftContent) -> Self {
        Self {
            draft_id: Some(draft_id.to_owned()),
            thread_id: content.thread_id,
            category: content.category,
            subject: content.subject.clone(),
            body: content.body.clone(),
            attachments: content.attachments.clone(),
        }
    }
}

impl DraftContent {
    /// Takes what the UI may change from `draft` (thread, category, subject, body), keeping
    /// the attachments and the send state.
    pub fn update_from(&mut self, draft: &mut Draft) {
        self.thread_id = draft.thread_id;
        self.category = draft.category;
        self.subject.zeroize();
        self.body.zeroize();
        self.subject = std::mem::take(&mut draft.subject);
        self.body = std::mem::take(&mut draft.body);
    }
}

impl Drop for Draft {
    fn drop(&mut self) {
        self.subject.zeroize();
        self.body.zeroize();
    }
}

impl Drop for DraftContent {
    fn drop(&mut self) {
        self.subject.zeroize();
        self.body.zeroize();
    }
}

impl std::fmt::Debug for Draft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Draft")
            .field("draft_id", &self.draft_id)
            .field("thread_id", &self.thread_id)
            .field("attachments", &self.attachments.len())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for DraftContent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DraftContent")
            .field("thread_id", &self.thread_id)
            .field("attachments", &self.attachments.len())
            .field("uploaded", &self.uploaded.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attachment() -> DraftAttachment {
        DraftAttachment {
            id: "a1".into(),
            filename: "rash.jpg".into(),
            media_type: MediaType::Jpeg,
            size: 1234,
        }
    }

    #[test]
    fn the_ui_shapes_are_snake_case() {
        let draft = Draft {
            draft_id: Some("d1".into()),
            thread_id: Some(7),
            category: Some(Category::PrescriptionRenewal),
            subject: "Refill".into(),
            body: "Please".into(),
            attachments: vec![attachment()],
        };
        let value = serde_json::to_value(&draft).unwrap();
        assert_eq!(
            value,
            json!({
                "draft_id": "d1", "thread_id": 7, "category": "prescription_renewal",
                "subject": "Refill", "body": "Please",
                "attachments": [{"id": "a1", "filename": "rash.jpg", "media_type": "image/jpeg", "size": 1234}]
            })
        );
        let back: Draft = serde_json::from_value(value).unwrap();
        assert_eq!(back, draft);
        // What a new draft from the UI looks like.
        let new: Draft = serde_json::from_value(json!({
            "draft_id": null, "thread_id": null, "category": null, "subject": "", "body": "x"
        }))
        .unwrap();
        assert_eq!(new.draft_id, None);
        assert!(new.attachments.is_empty());
        let summary = DraftSummary {
            draft_id: "d1".into(),
            thread_id: None,
            subject: String::new(),
            updated_at: DateTime::from_timestamp_millis(1_780_000_000_123).unwrap(),
            status: DraftStatus::Damaged,
        };
        let value = serde_json::to_value(summary).unwrap();
        assert_eq!(value["status"], "damaged");
        assert_eq!(value["updated_at"], "2026-05-28T20:26:40.123Z");
    }

    #[test]
    fn the_send_state_is_kept_and_old_records_still_read() {
        let content: DraftContent = serde_json::from_value(json!({
            "thread_id": null, "category": "billing", "subject": "s", "body": "b"
        }))
        .unwrap();
        assert_eq!(content.idempotency_key, None);
        assert!(content.uploaded.is_empty() && content.attachments.is_empty());
        let mut content = content;
        content.idempotency_key = Some("k".into());
        content.uploaded.insert("a1".into(), "srv-9".into());
        content.attachments.push(attachment());
        let mut draft = Draft::new("new subject", "new body");
        content.update_from(&mut draft);
        assert_eq!(content.subject, "new subject");
        assert_eq!(content.idempotency_key.as_deref(), Some("k"));
        assert_eq!(content.uploaded["a1"], "srv-9");
        assert_eq!(
            content.attachments.len(),
            1,
            "attachments are not the UI's to change here"
        );
        assert!(draft.subject.is_empty(), "moved, not copied");
    }

    #[test]
    fn debug_output_leaves_the_text_out() {
        let draft = Draft::new("SECRET-SUBJECT", "SECRET-BODY");
        let mut content = DraftContent::default();
        content.subject = "SECRET-SUBJECT".into();
        content.body = "SECRET-BODY".into();
        content.idempotency_key = Some("SECRET-KEY".into());
        for shown in [format!("{draft:?}"), format!("{content:?}")] {
            assert!(!shown.contains("SECRET"), "{shown}");
        }
    }
}
