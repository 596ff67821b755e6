//! The care team: who threads can be assigned to, and which clinicians care for which
//! patients (a physician sees the threads of their patients).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use portal_api::{Person, Role};
use sqlx::{Any, Executor, Row};

use super::bound_query::BoundQuery;
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

/// Of `patient_ids`, those `clinician_id` cares for.
pub async fn cared_for_by(db: &Db, clinician_id: i64, patient_ids: &[i64]) -> StoreResult<HashSet<i64>> {
    if patient_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let mut sql = BoundQuery::new("SELECT patient_id FROM care_relationships WHERE clinician_id = ");
    let clinician = sql.arg(clinician_id);
    sql.push(&clinician);
    sql.push(" AND patient_id IN (");
    push_ids(&mut sql, patient_ids);
    sql.push(")");
    let (text, args) = sql.build()?;
    Ok(sqlx::query_scalar_with(&text, args)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .collect())
}

/// Of `patient_ids`, those some active physician of the practice cares for (whose charts the
/// clinical staff reach).
pub async fn cared_for_by_a_physician(db: &Db, patient_ids: &[i64]) -> StoreResult<HashSet<i64>> {
    if patient_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let mut sql = BoundQuery::new(
        "SELECT DISTINCT c.patient_id FROM care_relationships c JOIN users u ON u.id = c.clinician_id \
         WHERE u.role = 'physician' AND u.disabled_at IS NULL AND c.patient_id IN (",
    );
    push_ids(&mut sql, patient_ids);
    sql.push(")");
    let (text, args) = sql.build()?;
    Ok(sqlx::query_scalar_with(&text, args)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .collect())
}

fn push_ids(sql: &mut BoundQuery, ids: &[i64]) {
    let placeholders: Vec<String> = ids.iter().map(|id| sql.arg(*id)).collect();
    sql.push(&placeholders.join(", "));
}
