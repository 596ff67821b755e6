//! Server settings, and the practice's public details (which also show the connection works).

use portal_api::PracticeInfo;
use tauri::State;

use crate::core::{DesktopCore, Settings};
use crate::error::CommandError;

#[tauri::command]
pub async fn get_settings(core: State<'_, DesktopCore>) -> Result<Settings, CommandError> {
    Ok(core.settings())
}

#[tauri::command]
pub async fn save_settings(
    core: State<'_, DesktopCore>,
    server_url: String,
    ca_file: String,
) -> Result<Settings, CommandError> {
    core.save_settings(&server_url, &ca_file)
}

#[tauri::command]
pub async fn practice_info(core: State<'_, DesktopCore>) -> Result<PracticeInfo, CommandError> {
    core.practice_info().await
}
