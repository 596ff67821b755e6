//! [`PortalClient`] calls for an admin's work: the practice's staff and their triage pools.

use reqwest::Method;

use crate::client::{send, ClientError, PortalClient, SessionToken};
use crate::people::Pool;
use crate::types::{StaffList, StaffMember, StaffPoolsRequest};

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
}
