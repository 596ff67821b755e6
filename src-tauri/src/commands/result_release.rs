//! When results reach patients: a physician's review of a result, with a note for the
//! patient, and the practice's release rule (set by admins).

use portal_api::{ReleaseRule, ResultReleaseSetting, ResultReview};
use tauri::State;

use crate::core::DesktopCore;
use crate::error::CommandError;

#[tauri::command]
pub async fn review_result(
    core: State<'_, DesktopCore>,
    patient_id: i64,
    result_id: String,
    note: Option<String>,
) -> Result<ResultReview, CommandError> {
    core.review_result(patient_id, result_id, note).await
}

#[tauri::command]
pub async fn result_release_rule(core: State<'_, DesktopCore>) -> Result<ResultReleaseSetting, CommandError> {
    core.result_release_rule().await
}

#[tauri::command]
pub async fn set_result_release_rule(
    core: State<'_, DesktopCore>,
    rule: ReleaseRule,
) -> Result<ResultReleaseSetting, CommandError> {
    core.set_result_release_rule(rule).await
}
