//! An admin's staff screen: the staff, the triage pools each works in, accounts off and on.

use portal_api::{AccountStatus, Pool, StaffMember};
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

#[tauri::command]
pub async fn set_account_disabled(
    core: State<'_, DesktopCore>,
    user_id: i64,
    disabled: bool,
) -> Result<AccountStatus, CommandError> {
    core.set_account_disabled(user_id, disabled).await
}
