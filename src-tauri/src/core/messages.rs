//! Secure messaging for the UI: thread lists with unread counts, a thread, read receipts,
//! triage actions, the emergency check before sending, and attachments (images as bytes for
//! a preview, PDFs saved to the Downloads folder). Nothing here is logged or stored.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Instant;

use portal_api::client::{ClientError, PortalClient, SessionToken};
use portal_api::media::MediaType;
use portal_api::{emergency, Person, ThreadDetail, ThreadList, ThreadQuery, ThreadSummary};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::DesktopCore;
use crate::error::CommandError;

/// `list_threads` filter, as the UI sends it.
pub type ThreadFilter = ThreadQuery;

/// `mark_thread_read`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct UnreadTotal {
    pub unread_total: i64,
}

/// `emergency_check`: the phrase found, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EmergencyCheck {
    pub matched: Option<String>,
}

/// `save_attachment`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SavedFile {
    pub path: String,
}

impl DesktopCore {
    /// Runs `call` with the session's client and token; a session the server ended is
    /// dropped here too (see `failed`).
    pub(crate) async fn with_session<T, F, Fut>(&self, call: F) -> Result<T, CommandError>
    where
        F: FnOnce(PortalClient, SessionToken) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        self.request(call, false).await
    }

    /// [`with_session`](Self::with_session); a `background` request does not restart the
    /// server's idle timer, so it does not count as activity here either.
    async fn request<T, F, Fut>(&self, call: F, background: bool) -> Result<T, CommandError>
    where
        F: FnOnce(PortalClient, SessionToken) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        let handle = self.signed_in().await?;
        let sent = Instant::now();
        match call(handle.client.clone(), handle.token.clone()).await {
            Ok(value) => {
                if !background {
                    self.answered(handle.id, sent).await;
                }
                Ok(value)
            }
            Err(error) => Err(self.failed(&handle, error).await),
        }
    }

    /// `list_threads`; `background` for a timer refresh (not the person's activity).
    pub async fn list_threads(&self, filter: ThreadFilter, background: bool) -> Result<ThreadList, CommandError> {
        self.request(
            |c, t| async move {
                if background {
                    c.threads_in_background(&t, &filter).await
                } else {
                    c.threads(&t, &filter).await
                }
            },
            background,
        )
        .await
    }

    /// `get_thread`
    pub async fn get_thread(&self, thread_id: i64) -> Result<ThreadDetail, CommandError> {
        self.with_session(|c, t| async move { c.thread(&t, thread_id).await })
            .await
    }

    /// `mark_thread_read`
    pub async fn mark_thread_read(&self, thread_id: i64) -> Result<UnreadTotal, CommandError> {
        let receipt = self
            .with_session(|c, t| async move { c.mark_read(&t, thread_id).await })
            .await?;
        Ok(UnreadTotal {
            unread_total: receipt.unread_total,
        })
    }

    /// `care_team`
    pub async fn care_team(&self) -> Result<Vec<Person>, CommandError> {
        Ok(self
            .with_session(|c, t| async move { c.care_team(&t).await })
            .await?
            .members)
    }

    /// `assign_thread`
    pub async fn assign_thread(&self, thread_id: i64, user_id: Option<i64>) -> Result<ThreadSummary, CommandError> {
        self.with_session(|c, t| async move { c.assign(&t, thread_id, user_id).await })
            .await
    }

    /// `close_thread`
    pub async fn close_thread(&self, thread_id: i64) -> Result<ThreadSummary, CommandError> {
        self.with_session(|c, t| async move { c.close_thread(&t, thread_id).await })
            .await
    }

    /// `reopen_thread`
    pub async fn reopen_thread(&self, thread_id: i64) -> Result<ThreadSummary, CommandError> {
        self.with_session(|c, t| async move { c.reopen_thread(&t, thread_id).await })
            .await
    }

    /// `emergency_check`: the same list the server uses to mark threads possibly urgent.
    pub fn emergency_check(&self, text: &str) -> EmergencyCheck {
        EmergencyCheck {
            matched: emergency::matched(text).map(str::to_owned),
        }
    }

    /// `get_attachment`: the bytes of an attachment, checked by content to be what the UI may
    /// show inline (a JPEG or PNG); anything else must be saved instead.
    pub async fn get_attachment(&self, attachment_id: String) -> Result<Vec<u8>, CommandError> {
        check_attachment_id(&attachment_id)?;
        let (_, bytes) = self
            .with_session(|c, t| async move { c.attachment(&t, &attachment_id).await })
            .await?;
        match portal_api::media::sniff(&bytes) {
            Some(MediaType::Jpeg | MediaType::Png) => Ok(bytes),
            _ => Err(CommandError::UnexpectedAnswer),
        }
    }

    /// `save_attachment`: saves the file into `folder` (the Downloads folder) under its listed
    /// name (cleaned here again: it came from another person), never overwriting a file there,
    /// and answers where.
    pub async fn save_attachment(
        &self,
        attachment_id: String,
        filename: Option<String>,
        folder: &Path,
    ) -> Result<SavedFile, CommandError> {
        check_attachment_id(&attachment_id)?;
        let id = attachment_id.clone();
        let (_, bytes) = self
            .with_session(|c, t| async move { c.attachment(&t, &id).await })
            .await?;
        let kind = portal_api::media::sniff(&bytes).ok_or(CommandError::UnexpectedAnswer)?;
        let name = safe_file_name(filename.as_deref(), &attachment_id[..8], kind);
        let path = write_new_file(folder, &name, &bytes).map_err(|_| CommandError::SaveFailed)?;
        Ok(SavedFile {
            path: path.display().to_string(),
        })
    }
}

fn check_attachment_id(id: &str) -> Result<(), CommandError> {
    if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(CommandError::Server {
            code: portal_api::ErrorCode::NotFound,
            message: "This attachment was not found.".into(),
        })
    }
}

/// A name safe to create in the Downloads folder: cleaned as everywhere (see
/// [`portal_api::file_name`]), or `portal-attachment-<id>` when none was given.
fn safe_file_name(listed: Option<&str>, fallback: &str, kind: MediaType) -> String {
    match listed.filter(|name| !name.trim().is_empty()) {
        Some(name) => portal_api::file_name::display_name(name, kind),
        None => portal_api::file_name::display_name(&format!("portal-attachment-{fallback}"), kind),
    }
}

/// Writes `bytes` to `folder/name`, or `name (2)`, `name (3)`… if taken; never overwrites.
fn write_new_file(folder: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    use std::io::Write;
    std::fs::create_dir_all(folder)?;
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    for n in 1..1000 {
        let candidate = if n == 1 {
            folder.join(name)
        } else {
            folder.join(format!("{stem} ({n}).{ext}"))
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(mut file) => {
                file.write_all(bytes)?;
                file.sync_all()?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free file name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_files_never_overwrite() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = write_new_file(dir.path(), "x.pdf", b"1").expect("first");
        let b = write_new_file(dir.path(), "x.pdf", b"2").expect("second");
        assert_ne!(a, b);
        assert!(b.ends_with("x (2).pdf"));
        assert_eq!(std::fs::read(a).expect("read"), b"1");
    }

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(
            safe_file_name(Some("../../.bashrc"), "ab", MediaType::Pdf),
            "bashrc.pdf"
        );
        assert_eq!(safe_file_name(Some("results.PDF"), "ab", MediaType::Pdf), "results.PDF");
        assert_eq!(
            safe_file_name(None, "ab12cd34", MediaType::Png),
            "portal-attachment-ab12cd34.png"
        );
        assert_eq!(safe_file_name(Some("a\\b\u{0}c.jpeg"), "x", MediaType::Jpeg), "bc.jpeg");
        assert_eq!(
            safe_file_name(Some(" "), "ab12cd34", MediaType::Pdf),
            "portal-attachment-ab12cd34.pdf"
        );
    }

    #[test]
    fn attachment_ids_are_checked_before_any_request() {
        assert!(check_attachment_id(&"a".repeat(32)).is_ok());
        assert!(check_attachment_id("../../etc/passwd").is_err());
    }
}
