//! The care team: who threads can be assigned to, and which clinicians care for which
//! patients (a physician sees the threads of their patients).

use chrono::{DateTime, Utc};
use portal_api::{Person, Role};
use sqlx::{Any, Executor, Row};

use super::db::{to_millis, Db};
use super::error::StoreResult;
use crate::domain::access::StaffPools;

/// Physicians and staff who can take a thread, by name.
pub async fn members<'e, E>(exec: E) -> StoreResult<Vec<Person>>
where
    E: Executor<'e, Database = Any>,
{
    let rows = sqlx::query(
        "SELECT id, name, role FROM users WHERE role IN ('physician', 'staff') AND disabled_at IS NULL ORDER BY name, id",
    )
    .fetch_all(exec)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Person {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                role: r
                    .try_get::<String, _>("role")?
                    .parse()
                    .map_err(|e: String| sqlx::Error::Decode(e.into()))?,
            })
        })
        .collect()
}

/// The role and pools of `user_id` if it is an active physician or staff member.
pub async fn member<'e, E>(exec: E, user_id: i64) -> StoreResult<Option<(Role, StaffPools)>>
where
    E: Executor<'e, Database = Any>,
{
    let row = sqlx::query(
        "SELECT role, staff_pools FROM users WHERE id = $1 AND role IN ('physician', 'staff') AND disabled_at IS NULL",
    )
    .bind(user_id)
    .fetch_optional(exec)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let decode = |e: String| sqlx::Error::Decode(e.into());
    let role: Role = row.try_get::<String, _>("role")?.parse().map_err(decode)?;
    let pools = StaffPools::parse(&row.try_get::<String, _>("staff_pools")?).map_err(decode)?;
    Ok(Some((role, pools)))
}

/// Records that `clinician_id` cares for `patient_id` (idempotent).
pub async fn relate(db: &Db, patient_id: i64, clinician_id: i64, at: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO care_relationships (patient_id, clinician_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (patient_id, clinician_id) DO NOTHING",
    )
    .bind(patient_id)
    .bind(clinician_id)
    .bind(to_millis(at))
    .execute(&db.pool)
    .await?;
    Ok(())
}
