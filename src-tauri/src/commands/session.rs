//! Signing in and out, and keeping the session alive while the person is active. The
//! pass-phrase (and a second factor's code) go straight to the server and are wiped here after.

use tauri::State;
use zeroize::Zeroizing;

use crate::core::{DesktopCore, KeepAlive, SessionView};
use crate::error::CommandError;

#[tauri::command]
pub async fn sign_in(
    core: State<'_, DesktopCore>,
    email: String,
    password: String,
    code: Option<String>,
) -> Result<SessionView, CommandError> {
    let (password, code) = (Zeroizing::new(password), code.map(Zeroizing::new));
    core.sign_in(&email, &password, code.as_deref().map(String::as_str))
        .await
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

/// Workstation mode: the window saw no activity for the idle minutes; the screen locks.
#[tauri::command]
pub async fn lock_screen(core: State<'_, DesktopCore>) -> Result<(), CommandError> {
    core.lock_screen().await
}

/// Workstation mode: the locked session's person unlocks with their pass-phrase (and code).
#[tauri::command]
pub async fn unlock_screen(
    core: State<'_, DesktopCore>,
    password: String,
    code: Option<String>,
) -> Result<SessionView, CommandError> {
    let (password, code) = (Zeroizing::new(password), code.map(Zeroizing::new));
    core.unlock_screen(&password, code.as_deref().map(String::as_str)).await
}

/// "Switch user": sign out and drop everything of the person held by the app.
#[tauri::command]
pub async fn switch_user(core: State<'_, DesktopCore>) -> Result<(), CommandError> {
    core.switch_user().await
}
