//! The audit log's rows about one patient, as the access log reads them: newest first, a page
//! at a time, with who made each (by name and role).

use chrono::{DateTime, Utc};
use portal_api::Role;
use sqlx::Row;

use super::bound_query::BoundQuery;
use super::db::{from_millis, Db};
use super::error::StoreResult;

/// One audit row about the patient, made by someone else.
#[derive(Debug, Clone)]
pub struct LookRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: i64,
    pub name: String,
    pub role: Role,
    pub action: String,
    pub object: Option<String>,
}

/// Up to `limit` rows whose subject is `patient_id`, made by anyone but the patient, of one of
/// `actions`, older than row `before` (if given), newest first.
pub async fn about(
    db: &Db,
    patient_id: i64,
    actions: &[&'static str],
    before: Option<i64>,
    limit: u32,
) -> StoreResult<Vec<LookRow>> {
    let mut sql = BoundQuery::new(
        "SELECT a.id, a.at, a.actor_user_id, a.action, a.object, u.name, u.role \
         FROM audit_events a JOIN users u ON u.id = a.actor_user_id WHERE a.subject_user_id = ",
    );
    let patient = sql.arg(patient_id);
    sql.push(&format!("{patient} AND a.actor_user_id <> {patient} AND a.action IN ("));
    let names: Vec<String> = actions.iter().map(|a| sql.arg(a.to_string())).collect();
    sql.push(&names.join(", "));
    sql.push(")");
    if let Some(before) = before {
        let before = sql.arg(before);
        sql.push(&format!(" AND a.id < {before}"));
    }
    let limit = sql.arg(i64::from(limit));
    sql.push(&format!(" ORDER BY a.id DESC LIMIT {limit}"));
    let (text, args) = sql.build()?;
    let rows = sqlx::query_with(&text, args).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|row| {
            Ok(LookRow {
                id: row.try_get("id")?,
                at: from_millis(row.try_get("at")?),
                actor_id: row.try_get("actor_user_id")?,
                name: row.try_get("name")?,
                role: row
                    .try_get::<String, _>("role")?
                    .parse()
                    .map_err(|e: String| sqlx::Error::Decode(e.into()))?,
                action: row.try_get("action")?,
                object: row.try_get("object")?,
            })
        })
        .collect()
}
