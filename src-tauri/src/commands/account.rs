//! The person's account screen: the devices signed in to it.

use portal_api::{SessionList, SessionsEnded};
use tauri::State;

use crate::core::DesktopCore;
use crate::error::CommandError;

#[tauri::command]
pub async fn list_sessions(core: State<'_, DesktopCore>) -> Result<SessionList, CommandError> {
    core.list_sessions().await
}

#[tauri::command]
pub async fn end_session(core: State<'_, DesktopCore>, session_id: i64) -> Result<(), CommandError> {
    core.end_session(session_id).await
}

#[tauri::command]
pub async fn end_other_sessions(core: State<'_, DesktopCore>) -> Result<SessionsEnded, CommandError> {
    core.end_other_sessions().await
}
