//! The portal policy and its acceptance.

use portal_api::PolicyResponse;
use tauri::State;

use crate::core::DesktopCore;
use crate::error::CommandError;

#[tauri::command]
pub async fn get_policy(core: State<'_, DesktopCore>) -> Result<PolicyResponse, CommandError> {
    core.get_policy().await
}

#[tauri::command]
pub async fn accept_policy(core: State<'_, DesktopCore>, version: i64) -> Result<PolicyResponse, CommandError> {
    core.accept_policy(version).await
}
