//! Who someone is in the practice: their role, and the triage pools a staff member works in.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// What a person may do in the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Patient,
    Physician,
    Staff,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Patient, Role::Physician, Role::Staff, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Patient => "patient",
            Role::Physician => "physician",
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }

    /// Whether people with this role must have a second factor (TOTP): everyone who reaches
    /// more than their own record. They enrol at their first sign-in, before anything else.
    pub fn requires_second_factor(self) -> bool {
        !matches!(self, Role::Patient)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| format!("unknown role {s:?}: expected patient, physician, staff or admin"))
    }
}

/// A triage inbox of the care team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Pool {
    Clinical,
    FrontDesk,
    Billing,
}

impl Pool {
    pub const ALL: [Pool; 3] = [Pool::Clinical, Pool::FrontDesk, Pool::Billing];

    pub fn as_str(self) -> &'static str {
        match self {
            Pool::Clinical => "clinical",
            Pool::FrontDesk => "front_desk",
            Pool::Billing => "billing",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }
}
