//! The portal policy and its acceptance, and the language the person reads them in.

use portal_api::{Language, PolicyResponse};
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

/// The language the app is read in (the UI's choice): the policy is asked for in it.
#[tauri::command]
pub async fn set_language(core: State<'_, DesktopCore>, language: Language) -> Result<(), CommandError> {
    core.set_language(language);
    Ok(())
}
