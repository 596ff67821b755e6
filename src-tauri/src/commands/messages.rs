//! Secure messaging and triage. Attachment bytes go back to the UI as a raw IPC body (no
//! JSON array of numbers), and only for images, which the UI shows from a Blob URL.

use portal_api::{AssignedFilter, Person, Pool, ThreadDetail, ThreadList, ThreadStatus, ThreadSummary};
use std::sync::Arc;

use tauri::ipc::{Channel, Response};
use tauri::{Manager, Runtime, State};

use crate::core::messages::{EmergencyCheck, SavedFile, ThreadFilter, UnreadTotal};
use crate::core::send::{ProgressSink, SendProgress, Sent};
use crate::core::DesktopCore;
use crate::error::CommandError;

/// `background`: a timer refresh of the unread count, which the server must not count as the
/// person's activity.
#[tauri::command]
pub async fn list_threads(
    core: State<'_, DesktopCore>,
    pool: Option<Pool>,
    status: Option<ThreadStatus>,
    assigned: Option<AssignedFilter>,
    background: Option<bool>,
) -> Result<ThreadList, CommandError> {
    let filter = ThreadFilter {
        pool,
        status,
        assigned,
        ..ThreadFilter::default()
    };
    core.list_threads(filter, background.unwrap_or(false)).await
}

#[tauri::command]
pub async fn get_thread(core: State<'_, DesktopCore>, thread_id: i64) -> Result<ThreadDetail, CommandError> {
    core.get_thread(thread_id).await
}

#[tauri::command]
pub async fn mark_thread_read(core: State<'_, DesktopCore>, thread_id: i64) -> Result<UnreadTotal, CommandError> {
    core.mark_thread_read(thread_id).await
}

#[tauri::command]
pub async fn care_team(core: State<'_, DesktopCore>) -> Result<Vec<Person>, CommandError> {
    core.care_team().await
}

#[tauri::command]
pub async fn assign_thread(
    core: State<'_, DesktopCore>,
    thread_id: i64,
    user_id: Option<i64>,
) -> Result<ThreadSummary, CommandError> {
    core.assign_thread(thread_id, user_id).await
}

#[tauri::command]
pub async fn close_thread(core: State<'_, DesktopCore>, thread_id: i64) -> Result<ThreadSummary, CommandError> {
    core.close_thread(thread_id).await
}

#[tauri::command]
pub async fn reopen_thread(core: State<'_, DesktopCore>, thread_id: i64) -> Result<ThreadSummary, CommandError> {
    core.reopen_thread(thread_id).await
}

#[tauri::command]
pub fn emergency_check(core: State<'_, DesktopCore>, text: String) -> EmergencyCheck {
    core.emergency_check(&text)
}

#[tauri::command]
pub async fn get_attachment(core: State<'_, DesktopCore>, attachment_id: String) -> Result<Response, CommandError> {
    Ok(Response::new(core.get_attachment(attachment_id).await?))
}

#[tauri::command]
pub async fn save_attachment<R: Runtime>(
    app: tauri::AppHandle<R>,
    core: State<'_, DesktopCore>,
    attachment_id: String,
    filename: Option<String>,
) -> Result<SavedFile, CommandError> {
    let folder = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|_| CommandError::SaveFailed)?;
    core.save_attachment(attachment_id, filename, &folder).await
}

/// Sends a draft: uploads its files (progress on `on_progress`), posts it with the draft's
/// idempotency key, and removes it from the vault once the server has stored it.
#[tauri::command]
pub async fn send_draft(
    core: State<'_, DesktopCore>,
    draft_id: String,
    on_progress: Channel<SendProgress>,
) -> Result<Sent, CommandError> {
    let sink: ProgressSink = Arc::new(move |progress| {
        let _ = on_progress.send(progress);
    });
    core.send_draft(&draft_id, sink).await
}
