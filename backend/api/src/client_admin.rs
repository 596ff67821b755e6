//! [`PortalClient`] calls for an admin's work: the practice's staff and their triage pools,
//! accounts turned off and on.

use reqwest::Method;

use crate::client::{send, ClientError, PortalClient, SessionToken};
use crate::people::Pool;
use crate::types::{AccountDisabledRequest, AccountStatus, StaffList, StaffMember, StaffPoolsRequest};

impl PortalClient {
    /// `GET /staff`: the practice's staff and the pools each works in (admins only).
    pub async fn staff(&self, token: &SessionToken) -> Result<StaffList, ClientError> {
        send(self.authed(Method::GET, "/staff", token)).await
    }

    /// `PUT /staff/{id}/pools`: sets a staff member's pools (at least one; admins only) and
    /// answers the member as stored.
    pub async fn set_staff_pools(
        &self,
        token: &SessionToken,
        staff_id: i64,
        pools: Vec<Pool>,
    ) -> Result<StaffMember, ClientError> {
        send(
            self.authed(Method::PUT, &format!("/staff/{staff_id}/pools"), token)
                .json(&StaffPoolsRequest { pools }),
        )
        .await
    }

    /// `PUT /users/{id}/disabled`: turns an account off (its sessions end at once) or back on
    /// (admins only); answers the account's state as stored.
    pub async fn set_account_disabled(
        &self,
        token: &SessionToken,
        user_id: i64,
        disabled: bool,
    ) -> Result<AccountStatus, ClientError> {
        send(
            self.authed(Method::PUT, &format!("/users/{user_id}/disabled"), token)
                .json(&AccountDisabledRequest { disabled }),
        )
        .await
    }
}
