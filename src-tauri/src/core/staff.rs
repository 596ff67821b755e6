//! An admin's work in the app: the practice's staff, the triage pools each works in, and
//! their accounts turned off and on.
//! The service decides who may do this (admins only; everyone else is answered `forbidden`)
//! and that a staff member keeps at least one pool; its answers are passed on as they are.
//! Names, email addresses and pools only: no health data.

use portal_api::{AccountStatus, Pool, StaffMember};

use super::DesktopCore;
use crate::error::CommandError;

impl DesktopCore {
    /// `list_staff`: the practice's staff members and their pools, as the service lists them.
    pub async fn list_staff(&self) -> Result<Vec<StaffMember>, CommandError> {
        Ok(self
            .with_session(|c, t| async move { c.staff(&t).await })
            .await?
            .members)
    }

    /// `set_staff_pools`: sets a staff member's pools and answers the member as stored.
    pub async fn set_staff_pools(&self, staff_id: i64, pools: Vec<Pool>) -> Result<StaffMember, CommandError> {
        self.with_session(|c, t| async move { c.set_staff_pools(&t, staff_id, pools).await })
            .await
    }

    /// `set_account_disabled`: turns an account off (its sessions end at once) or back on, and
    /// answers its state as stored.
    pub async fn set_account_disabled(&self, user_id: i64, disabled: bool) -> Result<AccountStatus, CommandError> {
        self.with_session(|c, t| async move { c.set_account_disabled(&t, user_id, disabled).await })
            .await
    }
}
