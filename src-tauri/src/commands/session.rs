//! Signing in and out, and keeping the session alive while the person is active. The
//! pass-phrase goes straight to the server and is wiped here after.

use tauri::State;
use zeroize::Zeroizing;

use crate::core::{DesktopCore, KeepAlive, SessionView};
use crate::error::CommandError;

#[tauri::command]
pub async fn sign_in(
    core: State<'_, DesktopCore>,
    email: String,
    password: String,
) -> Result<SessionView, CommandError> {
    let password = Zeroizing::new(password);
    core.sign_in(&email, &password).await
}

#[tauri::command]
pub async fn current_session(core: State<'_, DesktopCore>) -> Result<Option<SessionView>, CommandError> {
    core.current_session().await
}

#[tauri::command]
pub async fn keep_alive(core: State<'_, DesktopCore>) -> Result<KeepAlive, CommandError> {
    core.keep_alive().await
}

#[tauri::command]
pub async fn sign_out(core: State<'_, DesktopCore>) -> Result<(), CommandError> {
    core.sign_out().await
}
