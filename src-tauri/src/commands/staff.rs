//! An admin's staff screen: the staff and the triage pools each works in.

use portal_api::{Pool, StaffMember};
use tauri::State;

use crate::core::DesktopCore;
use crate::error::CommandError;

#[tauri::command]
pub async fn list_staff(core: State<'_, DesktopCore>) -> Result<Vec<StaffMember>, CommandError> {
    core.list_staff().await
}

#[tauri::command]
pub async fn set_staff_pools(
    core: State<'_, DesktopCore>,
    staff_id: i64,
    pools: Vec<Pool>,
) -> Result<StaffMember, CommandError> {
    core.set_staff_pools(staff_id, pools).await
}
