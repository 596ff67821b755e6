//! Linking a chart to its patient's portal account. A chart is named by the id the import
//! printed, the Patient resource's FHIR id or the MRN.

use chrono::{DateTime, Utc};
use portal_api::Role;

use super::error::RecordsError;
use crate::domain::EmailAddress;
use crate::store::charts::{self, ChartRow};
use crate::store::{self, Db};

/// The one chart `key` names.
pub async fn find_chart(db: &Db, key: &str) -> Result<ChartRow, RecordsError> {
    let key = key.trim();
    let mut found = charts::find(db, key).await?;
    match found.len() {
        0 => Err(RecordsError::NoChart),
        1 => Ok(found.remove(0)),
        _ => Err(RecordsError::Ambiguous(found.iter().map(|c| c.id).collect())),
    }
}

/// Links `chart` to the patient's account `user_id`.
pub async fn link_to_user(db: &Db, chart: &ChartRow, user_id: i64, now: DateTime<Utc>) -> Result<(), RecordsError> {
    let user = store::users::find_by_id(db, user_id)
        .await?
        .ok_or(RecordsError::NoAccount)?;
    if user.role != Role::Patient {
        return Err(RecordsError::NotAPatient);
    }
    Ok(charts::link(db, chart.id, user.id, now).await?)
}

/// Links the chart `key` names to the patient's account with `email`; the chart linked.
pub async fn link_by_email(
    db: &Db,
    key: &str,
    email: &EmailAddress,
    now: DateTime<Utc>,
) -> Result<ChartRow, RecordsError> {
    let chart = find_chart(db, key).await?;
    let user = store::users::find_by_email(db, email.as_str())
        .await?
        .ok_or(RecordsError::NoAccount)?;
    link_to_user(db, &chart, user.id, now).await?;
    Ok(chart)
}
