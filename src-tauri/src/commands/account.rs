//! The person's account: the devices signed in to it, opening it with an activation code,
//! the pass-phrase (changed, reset, and drafts locked under a previous one), the email address,
//! which notices come by email, the second factor (TOTP); and a patient invited by the practice. Pass-phrases are wiped
//! here after use.

use chrono::NaiveDate;
use portal_api::{
    EmailChangePending, InvitationSent, NoticePreferences, RecoveryCodes, SessionList, SessionsEnded, TotpEnrolment,
    User,
};
use tauri::State;
use zeroize::Zeroizing;

use crate::core::accounts::PassphraseChange;
use crate::core::{DesktopCore, SessionView};
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

#[tauri::command]
pub async fn activate(
    core: State<'_, DesktopCore>,
    email: String,
    code: String,
    date_of_birth: Option<NaiveDate>,
    password: String,
) -> Result<SessionView, CommandError> {
    let (code, password) = (Zeroizing::new(code), Zeroizing::new(password));
    core.activate(&email, &code, date_of_birth, &password).await
}

#[tauri::command]
pub async fn request_reset(core: State<'_, DesktopCore>, email: String) -> Result<(), CommandError> {
    core.request_reset(&email).await
}

#[tauri::command]
pub async fn confirm_reset(
    core: State<'_, DesktopCore>,
    email: String,
    code: String,
    new_password: String,
) -> Result<(), CommandError> {
    let (code, new_password) = (Zeroizing::new(code), Zeroizing::new(new_password));
    core.confirm_reset(&email, &code, &new_password).await
}

#[tauri::command]
pub async fn change_passphrase(
    core: State<'_, DesktopCore>,
    current_password: String,
    new_password: String,
) -> Result<PassphraseChange, CommandError> {
    let (current, new) = (Zeroizing::new(current_password), Zeroizing::new(new_password));
    core.change_passphrase(&current, &new).await
}

#[tauri::command]
pub async fn recover_drafts(
    core: State<'_, DesktopCore>,
    previous_password: String,
    current_password: String,
) -> Result<(), CommandError> {
    let (previous, current) = (Zeroizing::new(previous_password), Zeroizing::new(current_password));
    core.recover_drafts(&previous, &current).await
}

#[tauri::command]
pub async fn discard_locked_drafts(core: State<'_, DesktopCore>, current_password: String) -> Result<(), CommandError> {
    let current = Zeroizing::new(current_password);
    core.discard_locked_drafts(&current).await
}

#[tauri::command]
pub async fn change_email(
    core: State<'_, DesktopCore>,
    email: String,
    password: String,
) -> Result<EmailChangePending, CommandError> {
    let password = Zeroizing::new(password);
    core.change_email(&email, &password).await
}

#[tauri::command]
pub async fn confirm_email(core: State<'_, DesktopCore>, code: String) -> Result<User, CommandError> {
    let code = Zeroizing::new(code);
    core.confirm_email(&code).await
}

#[tauri::command]
pub async fn notice_preferences(core: State<'_, DesktopCore>) -> Result<NoticePreferences, CommandError> {
    core.notice_preferences().await
}

#[tauri::command]
pub async fn set_notice_preferences(
    core: State<'_, DesktopCore>,
    preferences: NoticePreferences,
) -> Result<NoticePreferences, CommandError> {
    core.set_notice_preferences(preferences).await
}

#[tauri::command]
pub async fn invite_patient(
    core: State<'_, DesktopCore>,
    patient_id: i64,
    email: String,
) -> Result<InvitationSent, CommandError> {
    core.invite_patient(patient_id, &email).await
}

#[tauri::command]
pub async fn start_totp_enrolment(core: State<'_, DesktopCore>) -> Result<TotpEnrolment, CommandError> {
    core.start_totp_enrolment().await
}

#[tauri::command]
pub async fn confirm_totp(core: State<'_, DesktopCore>, code: String) -> Result<RecoveryCodes, CommandError> {
    let code = Zeroizing::new(code);
    core.confirm_totp(&code).await
}

#[tauri::command]
pub async fn disable_totp(core: State<'_, DesktopCore>, password: String) -> Result<(), CommandError> {
    let password = Zeroizing::new(password);
    core.disable_totp(&password).await
}

#[tauri::command]
pub async fn new_recovery_codes(core: State<'_, DesktopCore>, password: String) -> Result<RecoveryCodes, CommandError> {
    let password = Zeroizing::new(password);
    core.new_recovery_codes(&password).await
}
