//! Server settings, and the practice's public details (which also show the connection works).

use portal_api::PracticeInfo;
use tauri::State;

use crate::core::{DesktopCore, SaveOutcome, Settings};
use crate::error::CommandError;

#[tauri::command]
pub async fn get_settings(core: State<'_, DesktopCore>) -> Result<Settings, CommandError> {
    Ok(core.settings())
}

/// Saves a changed server or CA file only with `confirm: true`; without it the answer is
/// `needs_confirmation` describing the change.
#[tauri::command]
pub async fn save_settings(
    core: State<'_, DesktopCore>,
    server_url: String,
    ca_file: String,
    confirm: Option<bool>,
) -> Result<SaveOutcome, CommandError> {
    core.save_settings(&server_url, &ca_file, confirm.unwrap_or(false))
}

#[tauri::command]
pub async fn practice_info(core: State<'_, DesktopCore>) -> Result<PracticeInfo, CommandError> {
    core.practice_info().await
}
