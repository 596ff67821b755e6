//! The care team's way into charts: the patient search and breaking the glass. The chart
//! itself is then read with the record commands, by its patient id.

use portal_api::{BreakTheGlassGrant, PatientMatches};
use tauri::State;

use crate::core::DesktopCore;
use crate::error::CommandError;

#[tauri::command]
pub async fn find_patients(core: State<'_, DesktopCore>, query: String) -> Result<PatientMatches, CommandError> {
    core.find_patients(query).await
}

#[tauri::command]
pub async fn break_the_glass(
    core: State<'_, DesktopCore>,
    patient_id: i64,
    reason: String,
) -> Result<BreakTheGlassGrant, CommandError> {
    core.break_the_glass(patient_id, reason).await
}
