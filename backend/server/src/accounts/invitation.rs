//! Inviting someone to open their account: a patient (by their chart: the account is linked
//! to it and the date of birth on it is asked at activation), or a physician, staff member or
//! admin. The invitation's mail carries a one-time activation code valid for 7 days; inviting
//! the same address again replaces the code.

use chrono::{DateTime, Utc};
use portal_api::Role;

use super::codes;
use crate::domain::access::StaffPools;
use crate::domain::notices::Language;
use crate::domain::one_time_code::Purpose;
use crate::domain::{EmailAddress, PersonName};
use crate::sealed_text::TextSealer;
use crate::store::account_changes::{self, Actor, ChangeError, NewInvitation};
use crate::store::{charts, Db, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error("{0}")]
    Invalid(String),
    #[error("an account with the email address {0} already exists")]
    EmailTaken(String),
    #[error("this patient's chart already has an account")]
    ChartTaken,
    #[error("no such chart")]
    NoChart,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Who is invited.
#[derive(Debug, Clone)]
pub enum Invitee<'a> {
    /// The patient of chart `chart_id`, named as on the chart.
    Patient { chart_id: i64 },
    /// A member of the practice.
    Member {
        name: &'a str,
        role: Role,
        staff_pools: StaffPools,
    },
}

/// The invitation sent: to whom, and until when its code works.
#[derive(Debug, Clone)]
pub struct Invited {
    pub email: String,
    pub expires_at: DateTime<Utc>,
}

pub async fn invite(
    db: &Db,
    sealer: &TextSealer,
    email: &str,
    invitee: Invitee<'_>,
    language: Language,
    by: Actor<'_>,
) -> Result<Invited, InviteError> {
    let email = EmailAddress::parse(email).map_err(InviteError::Invalid)?;
    let (name, role, staff_pools, chart_id) = match invitee {
        Invitee::Patient { chart_id } => {
            let chart = charts::by_id(db, chart_id).await?.ok_or(InviteError::NoChart)?;
            let name = chart.name.clone().unwrap_or_default();
            let name = PersonName::parse(&name)
                .map(|n| n.as_str().to_owned())
                .unwrap_or_else(|_| "Patient".into());
            (name, Role::Patient, StaffPools::NONE, Some(chart_id))
        }
        Invitee::Member {
            name,
            role,
            staff_pools,
        } => {
            if role == Role::Patient {
                return Err(InviteError::Invalid(
                    "patients are invited by their chart (portal-server patient invite)".into(),
                ));
            }
            let name = PersonName::parse(name).map_err(InviteError::Invalid)?;
            let pools = staff_pools.for_role(role).map_err(InviteError::Invalid)?;
            (name.as_str().to_owned(), role, pools, None)
        }
    };
    let code = codes::new_code(sealer, Purpose::Activation, email.as_str());
    let invitation = NewInvitation {
        email: email.as_str(),
        name: &name,
        role,
        staff_pools,
        chart_id,
        language,
    };
    let (_, expires_at) = account_changes::invite(db, sealer, &invitation, code, by)
        .await
        .map_err(|e| match e {
            ChangeError::EmailTaken => InviteError::EmailTaken(email.to_string()),
            ChangeError::ChartTaken => InviteError::ChartTaken,
            ChangeError::NoChart => InviteError::NoChart,
            ChangeError::CodeUsed => InviteError::Store(StoreError::Inconsistent("an invitation used a code")),
            ChangeError::Store(e) => InviteError::Store(e),
        })?;
    Ok(Invited {
        email: email.to_string(),
        expires_at,
    })
}
