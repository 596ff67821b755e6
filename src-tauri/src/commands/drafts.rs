//! Message drafts, kept encrypted on this computer (see [`crate::core::drafts`]). Each command
//! only delegates; `add_draft_attachment` also reads its raw request (the file's bytes as the
//! body, the draft id and the file name as headers), so a 10 MB photo does not travel as a
//! JSON array of numbers.

use tauri::http::HeaderMap;
use tauri::ipc::{InvokeBody, Request};
use tauri::State;

use crate::core::drafts::filename::decode_uri_component;
use crate::core::drafts::{AddedAttachment, Draft, DraftSummary, SavedDraft};
use crate::core::DesktopCore;
use crate::error::CommandError;

/// Header with the id of the draft a file goes to (empty: a new draft).
pub const DRAFT_ID_HEADER: &str = "x-draft-id";
/// Header with the file's name, as JavaScript's `encodeURIComponent` wrote it.
pub const FILENAME_HEADER: &str = "x-filename";

/// Longest header value read (ids are 32 characters, and names are cut to 120 anyway).
const MAX_HEADER_BYTES: usize = 4096;

#[tauri::command]
pub async fn list_drafts(core: State<'_, DesktopCore>) -> Result<Vec<DraftSummary>, CommandError> {
    core.drafts().list().await
}

#[tauri::command]
pub async fn load_draft(core: State<'_, DesktopCore>, draft_id: String) -> Result<Draft, CommandError> {
    core.drafts().load(&draft_id).await
}

#[tauri::command]
pub async fn save_draft(core: State<'_, DesktopCore>, draft: Draft) -> Result<SavedDraft, CommandError> {
    core.drafts().save(draft).await
}

#[tauri::command]
pub async fn discard_draft(core: State<'_, DesktopCore>, draft_id: String) -> Result<(), CommandError> {
    core.drafts().discard(&draft_id).await
}

#[tauri::command]
pub async fn add_draft_attachment(
    core: State<'_, DesktopCore>,
    request: Request<'_>,
) -> Result<AddedAttachment, CommandError> {
    let upload = AttachmentUpload::read(request.body(), request.headers())?;
    core.drafts()
        .add_attachment(Some(&upload.draft_id), &upload.filename, upload.bytes)
        .await
}

/// What `add_draft_attachment` was sent.
struct AttachmentUpload<'a> {
    /// Empty for a draft not saved yet.
    draft_id: String,
    /// As the person's system named the file (decoded, not yet cleaned).
    filename: String,
    bytes: &'a [u8],
}

impl std::fmt::Debug for AttachmentUpload<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachmentUpload")
            .field("draft_id", &self.draft_id)
            .field("bytes", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

impl<'a> AttachmentUpload<'a> {
    fn read(body: &'a InvokeBody, headers: &HeaderMap) -> Result<Self, CommandError> {
        let InvokeBody::Raw(bytes) = body else {
            return Err(CommandError::Invalid("The file could not be read. Please try again."));
        };
        let header = |name: &str| {
            let value = headers.get(name).map(|v| v.as_bytes()).unwrap_or_default();
            String::from_utf8_lossy(&value[..value.len().min(MAX_HEADER_BYTES)]).into_owned()
        };
        Ok(Self {
            draft_id: header(DRAFT_ID_HEADER).trim().to_owned(),
            filename: decode_uri_component(&header(FILENAME_HEADER)),
            bytes,
        })
    }
}

#[tauri::command]
pub async fn remove_draft_attachment(
    core: State<'_, DesktopCore>,
    draft_id: String,
    attachment_id: String,
) -> Result<Draft, CommandError> {
    core.drafts().remove_attachment(&draft_id, &attachment_id).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use tauri::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn the_file_comes_as_the_raw_body_with_its_draft_and_name_in_headers() {
        let body = InvokeBody::Raw(b"%PDF-1.7".to_vec());
        // What `encodeURIComponent("Résumé scan (2).pdf")` sends.
        let sent = headers(&[
            ("x-draft-id", "0123456789abcdef0123456789abcdef"),
            ("x-filename", "R%C3%A9sum%C3%A9%20scan%20(2).pdf"),
        ]);
        let upload = AttachmentUpload::read(&body, &sent).unwrap();
        assert_eq!(upload.draft_id, "0123456789abcdef0123456789abcdef");
        assert_eq!(upload.filename, "Résumé scan (2).pdf");
        assert_eq!(upload.bytes, b"%PDF-1.7");

        // A new draft: the id header is empty (or missing), and so may the name be.
        for sent in [headers(&[("x-draft-id", "")]), HeaderMap::new()] {
            let upload = AttachmentUpload::read(&body, &sent).unwrap();
            assert_eq!((upload.draft_id.as_str(), upload.filename.as_str()), ("", ""));
        }
        let long = headers(&[("x-filename", &"a".repeat(100_000))]);
        assert_eq!(
            AttachmentUpload::read(&body, &long).unwrap().filename.len(),
            MAX_HEADER_BYTES
        );
    }

    #[test]
    fn a_json_body_is_refused() {
        let body = InvokeBody::Json(serde_json::json!([37, 80, 68, 70]));
        let error = AttachmentUpload::read(&body, &HeaderMap::new()).unwrap_err();
        assert_eq!(error.code(), "validation");
    }
}
