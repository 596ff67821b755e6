//! The portal policy and its acceptance, and the language the person reads them in.

use portal_api::PolicyResponse;
use tauri::State;

use crate::core::settings::parse_language;
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

/// The language the app is read in ("en" or "es"; anything else is refused with a
/// `validation` error): the policy is asked for in it. The person's choice with the switch is
/// also kept in the preferences (`get_settings` gives it at the next start); with
/// `remember: false` (the operating system's language, followed while they have not chosen)
/// nothing is kept.
#[tauri::command]
pub async fn set_language(
    core: State<'_, DesktopCore>,
    language: String,
    remember: Option<bool>,
) -> Result<(), CommandError> {
    if remember.unwrap_or(true) {
        core.choose_language(&language)?;
    } else {
        core.set_language(parse_language(&language)?);
    }
    Ok(())
}
