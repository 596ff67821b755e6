//! Signed updates: whether one is ready, and restarting into it (see `crate::updates`).

use tauri::{AppHandle, Runtime, State};

use crate::core::DesktopCore;
use crate::error::CommandError;
use crate::updates::{UpdateStatus, Updates};

#[tauri::command]
pub fn update_status(updates: State<'_, Updates>) -> UpdateStatus {
    updates.status()
}

/// Installs the waiting update (its signature checked again), signs out, and restarts the app
/// into the new version. Drafts stay in the vault.
#[tauri::command]
pub async fn restart_to_update<R: Runtime>(
    app: AppHandle<R>,
    core: State<'_, DesktopCore>,
    updates: State<'_, Updates>,
) -> Result<(), CommandError> {
    match updates.install() {
        Ok(true) => {}
        Ok(false) => return Err(CommandError::NoUpdateReady),
        Err(error) => {
            tracing::warn!(%error, "updates: the update was not installed");
            return Err(CommandError::UpdateNotInstalled);
        }
    }
    if let Err(error) = core.sign_out().await {
        tracing::debug!(code = error.code(), "updates: sign-out before the restart failed");
    }
    app.restart()
}
