//! "A new test result is available": how many of a chart's results were released to its
//! patient when last counted (`result_notices`), which charts to count again, and the new
//! count stored with its notice in one transaction.

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::Row;

use super::account_changes::notify_in;
use super::audit::begin_write;
use super::charts::{self, ChartRow};
use super::db::{to_millis, Db};
use super::error::StoreResult;
use super::users::{self, UserRecord};
use crate::domain::notices::Notice;
use crate::sealed_text::TextSealer;

/// A chart to count again, with its patient and the count before (none: never counted).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub chart: ChartRow,
    pub patient: UserRecord,
    pub released_before: Option<usize>,
}

/// The charts whose released results may have changed since they were last counted, of
/// patients who get result notices (a verified address, notices on, the account on): never
/// counted, changed by an import or a link since, reviewed since, or (`recent`) with a result
/// received after that time (results released some days after they arrive).
pub async fn candidates(db: &Db, recent: Option<DateTime<Utc>>) -> StoreResult<Vec<Candidate>> {
    let rows = sqlx::query(
        "SELECT c.id, c.user_id, rn.released FROM charts c \
         JOIN users u ON u.id = c.user_id \
         LEFT JOIN result_notices rn ON rn.chart_id = c.id \
         WHERE u.email_verified_at IS NOT NULL AND u.notify_results = 1 AND u.disabled_at IS NULL \
           AND (rn.chart_id IS NULL OR c.updated_at > rn.checked_at \
                OR EXISTS (SELECT 1 FROM result_reviews r WHERE r.chart_id = c.id AND r.reviewed_at > rn.checked_at) \
                OR EXISTS (SELECT 1 FROM chart_resources cr WHERE cr.chart_id = c.id \
                           AND cr.resource_type IN ('DiagnosticReport', 'Observation') AND cr.imported_at > $1)) \
         ORDER BY c.id",
    )
    .bind(recent.map_or(i64::MAX, to_millis))
    .fetch_all(&db.pool)
    .await?;
    let mut found = Vec::with_capacity(rows.len());
    for row in rows {
        let chart_id: i64 = row.try_get("id")?;
        let user_id: i64 = row.try_get("user_id")?;
        let released: Option<i64> = row.try_get("released")?;
        let (Some(chart), Some(patient)) = (
            charts::by_id(db, chart_id).await?,
            users::find_by_id(db, user_id).await?,
        ) else {
            continue;
        };
        found.push(Candidate {
            chart,
            patient,
            released_before: released.and_then(|n| usize::try_from(n).ok()),
        });
    }
    Ok(found)
}

/// Stores chart `chart_id`'s count `released` at `now`, with "a new test result is available"
/// to `notify` if given, in one transaction.
pub async fn record(
    db: &Db,
    sealer: &TextSealer,
    chart_id: i64,
    released: usize,
    notify: Option<&UserRecord>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let mut tx = begin_write(db).await?;
    let count = i64::try_from(released).unwrap_or(i64::MAX);
    sqlx::query(
        "INSERT INTO result_notices (chart_id, released, checked_at) VALUES ($1, $2, $3) \
         ON CONFLICT (chart_id) DO UPDATE SET released = $2, checked_at = $3",
    )
    .bind(chart_id)
    .bind(count)
    .bind(to_millis(now))
    .execute(&mut *tx)
    .await?;
    if let Some(patient) = notify {
        notify_in(&mut tx, db.engine, sealer, patient, Notice::NewResult, now).await?;
    }
    Ok(tx.commit().await?)
}

/// How far back a result's arrival makes its chart worth counting again under a rule that
/// releases results `days` after they arrive (a day more, so no sweep misses it).
pub fn recent_window(now: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    now - TimeDelta::days(i64::from(days) + 1)
}
