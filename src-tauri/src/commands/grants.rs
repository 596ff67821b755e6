//! Authorized persons (issue 12): a patient's grants, the grants given to the person, and
//! whom the app acts for. Each only delegates to [`crate::core::DesktopCore`].

use portal_api::{Grant, GrantList, GrantReceived, GrantRequest, GrantsReceived, PracticeGrantRequest};
use tauri::State;

use crate::core::{DesktopCore, SessionView};
use crate::error::CommandError;

#[tauri::command]
pub async fn list_grants(core: State<'_, DesktopCore>, patient_id: i64) -> Result<GrantList, CommandError> {
    core.list_grants(patient_id).await
}

#[tauri::command]
pub async fn give_grant(
    core: State<'_, DesktopCore>,
    patient_id: i64,
    request: GrantRequest,
) -> Result<Grant, CommandError> {
    core.give_grant(patient_id, request).await
}

/// The front desk sets up a grant for a patient who cannot (a child under 12, a ward).
#[tauri::command]
pub async fn give_grant_by_practice(
    core: State<'_, DesktopCore>,
    patient_id: i64,
    request: PracticeGrantRequest,
) -> Result<Grant, CommandError> {
    core.give_grant_by_practice(patient_id, request).await
}

#[tauri::command]
pub async fn end_grant(core: State<'_, DesktopCore>, patient_id: i64, grant_id: i64) -> Result<(), CommandError> {
    core.end_grant(patient_id, grant_id).await
}

#[tauri::command]
pub async fn grants_received(core: State<'_, DesktopCore>) -> Result<GrantsReceived, CommandError> {
    core.grants_received().await
}

#[tauri::command]
pub async fn accept_grant(core: State<'_, DesktopCore>, grant_id: i64) -> Result<GrantReceived, CommandError> {
    core.answer_grant(grant_id, true).await
}

#[tauri::command]
pub async fn decline_grant(core: State<'_, DesktopCore>, grant_id: i64) -> Result<GrantReceived, CommandError> {
    core.answer_grant(grant_id, false).await
}

#[tauri::command]
pub async fn act_for(core: State<'_, DesktopCore>, patient_id: Option<i64>) -> Result<SessionView, CommandError> {
    core.act_for(patient_id).await
}
