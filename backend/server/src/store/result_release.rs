//! Results' release: the practice's rule, each patient's preference and physicians' reviews
//! (each note sealed, bound to its row). Every change is written with its audit row in one
//! transaction. What they decide is the domain's (`domain::records::release`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use portal_api::{ReleaseRule, ResultPreferences};
use sqlx::Row;

use super::audit::{begin_write, commit_with, AuditRow};
use super::db::{from_millis, to_millis, Db};
use super::error::{StoreError, StoreResult};
use crate::domain::records::release::{Review, OBSERVATION, REPORT};
use crate::sealed_text::{Field, TextSealer};

/// The practice's rule; results are released at once until one is set.
pub async fn rule(db: &Db) -> StoreResult<ReleaseRule> {
    let row = sqlx::query("SELECT result_release, result_release_days FROM practice_settings WHERE id = 1")
        .fetch_optional(&db.pool)
        .await?;
    match row {
        Some(row) => rule_of(&row),
        None => Ok(ReleaseRule::AtOnce),
    }
}

/// The practice's rule and the preference of patient `user_id` (the default for none), read
/// at once: a patient's every look at their results needs both.
pub async fn rule_and_preferences(db: &Db, user_id: Option<i64>) -> StoreResult<(ReleaseRule, ResultPreferences)> {
    let row = sqlx::query(
        "SELECT s.result_release, s.result_release_days, p.only_after_review \
         FROM (SELECT 1 AS one) o \
         LEFT JOIN practice_settings s ON s.id = 1 \
         LEFT JOIN result_preferences p ON p.user_id = $1",
    )
    .bind(user_id)
    .fetch_one(&db.pool)
    .await?;
    let rule = match row.try_get::<Option<String>, _>("result_release")? {
        Some(_) => rule_of(&row)?,
        None => ReleaseRule::AtOnce,
    };
    let only: Option<i64> = row.try_get("only_after_review")?;
    Ok((
        rule,
        ResultPreferences {
            only_after_review: only == Some(1),
        },
    ))
}

/// The rule in a row's `result_release` and `result_release_days`.
fn rule_of(row: &sqlx::any::AnyRow) -> StoreResult<ReleaseRule> {
    let days: Option<i64> = row.try_get("result_release_days")?;
    match (row.try_get::<String, _>("result_release")?.as_str(), days) {
        ("at_once", _) => Ok(ReleaseRule::AtOnce),
        ("after_review", _) => Ok(ReleaseRule::AfterReview),
        ("after_days", Some(days)) => Ok(ReleaseRule::AfterDays {
            days: u32::try_from(days).map_err(|_| StoreError::Unreadable("practice_settings.result_release_days"))?,
        }),
        _ => Err(StoreError::Unreadable("practice_settings.result_release")),
    }
}

/// Sets the practice's rule, with its audit row.
pub async fn set_rule(db: &Db, rule: ReleaseRule, audit: AuditRow) -> StoreResult<()> {
    let (name, days) = match rule {
        ReleaseRule::AtOnce => ("at_once", None),
        ReleaseRule::AfterDays { days } => ("after_days", Some(i64::from(days))),
        ReleaseRule::AfterReview => ("after_review", None),
    };
    let mut tx = begin_write(db).await?;
    sqlx::query(
        "INSERT INTO practice_settings (id, result_release, result_release_days, updated_at) VALUES (1, $1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET result_release = excluded.result_release, \
         result_release_days = excluded.result_release_days, updated_at = excluded.updated_at",
    )
    .bind(name)
    .bind(days)
    .bind(audit.at_ms)
    .execute(&mut *tx)
    .await?;
    commit_with(tx, db.engine, audit).await
}

/// A patient's preference (the default until they set one).
pub async fn preferences(db: &Db, user_id: i64) -> StoreResult<ResultPreferences> {
    let only: Option<i64> = sqlx::query_scalar("SELECT only_after_review FROM result_preferences WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(ResultPreferences {
        only_after_review: only == Some(1),
    })
}

/// Sets a patient's preference, with its audit row.
pub async fn set_preferences(
    db: &Db,
    user_id: i64,
    preferences: ResultPreferences,
    audit: AuditRow,
) -> StoreResult<()> {
    let mut tx = begin_write(db).await?;
    sqlx::query(
        "INSERT INTO result_preferences (user_id, only_after_review, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET only_after_review = excluded.only_after_review, \
         updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(i64::from(preferences.only_after_review))
    .bind(audit.at_ms)
    .execute(&mut *tx)
    .await?;
    commit_with(tx, db.engine, audit).await
}

/// The physician who cares for the patient `user_id`, by name: the first to have (a patient
/// with several has their longest-standing one).
pub async fn physician_of(db: &Db, user_id: i64) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT u.name FROM care_relationships c JOIN users u ON u.id = c.clinician_id \
         WHERE c.patient_id = $1 AND u.role = 'physician' AND u.disabled_at IS NULL \
         ORDER BY c.created_at, u.id LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// When the portal received each result resource of chart `chart_id` (its last import that
/// changed it), by `(resource type, FHIR id)`.
pub async fn results_received(db: &Db, chart_id: i64) -> StoreResult<HashMap<(String, String), DateTime<Utc>>> {
    let rows = sqlx::query(
        "SELECT resource_type, fhir_id, imported_at FROM chart_resources \
         WHERE chart_id = $1 AND resource_type IN ($2, $3)",
    )
    .bind(chart_id)
    .bind(REPORT)
    .bind(OBSERVATION)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                (row.try_get("resource_type")?, row.try_get("fhir_id")?),
                from_millis(row.try_get("imported_at")?),
            ))
        })
        .collect()
}

/// The JSON of chart `chart_id`'s results as shown (its DiagnosticReports and Observations),
/// opened.
pub async fn result_resources(db: &Db, sealer: &TextSealer, chart_id: i64) -> StoreResult<Vec<String>> {
    let rows = sqlx::query(
        "SELECT id, content FROM chart_resources \
         WHERE chart_id = $1 AND shown = 1 AND resource_type IN ($2, $3) ORDER BY id",
    )
    .bind(chart_id)
    .bind(REPORT)
    .bind(OBSERVATION)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            sealer
                .open(Field::ChartResource, id, &row.try_get::<String, _>("content")?)
                .map_err(|_| StoreError::Unreadable("chart_resources.content"))
        })
        .collect()
}

/// The reviews of chart `chart_id`'s results, by result id, their notes opened.
pub async fn reviews(db: &Db, sealer: &TextSealer, chart_id: i64) -> StoreResult<HashMap<String, Review>> {
    let rows = sqlx::query(
        "SELECT r.id, r.result_fhir_id, u.name, r.first_reviewed_at, r.reviewed_at, r.note \
         FROM result_reviews r JOIN users u ON u.id = r.reviewer_id WHERE r.chart_id = $1",
    )
    .bind(chart_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("result_fhir_id")?, review_from(row, sealer)?)))
        .collect()
}

/// Records `reviewer_id`'s review of result `result_id` of chart `chart_id` with `note`
/// (again: the reviewer, time and note are replaced; the first review's time stays), with its
/// audit row; answers the review as stored.
pub async fn review(
    db: &Db,
    sealer: &TextSealer,
    chart_id: i64,
    result_id: &str,
    reviewer_id: i64,
    note: Option<&str>,
    audit: AuditRow,
) -> StoreResult<Review> {
    let mut tx = begin_write(db).await?;
    sqlx::query(
        "INSERT INTO result_reviews (chart_id, result_fhir_id, reviewer_id, first_reviewed_at, reviewed_at) \
         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (chart_id, result_fhir_id) DO NOTHING",
    )
    .bind(chart_id)
    .bind(result_id)
    .bind(reviewer_id)
    .bind(audit.at_ms)
    .execute(&mut *tx)
    .await?;
    let id: i64 = sqlx::query_scalar("SELECT id FROM result_reviews WHERE chart_id = $1 AND result_fhir_id = $2")
        .bind(chart_id)
        .bind(result_id)
        .fetch_one(&mut *tx)
        .await?;
    let sealed = note
        .map(|text| {
            sealer
                .seal(Field::ReviewNote, id, text)
                .map_err(|_| StoreError::Inconsistent("a review's note could not be sealed"))
        })
        .transpose()?;
    sqlx::query("UPDATE result_reviews SET reviewer_id = $1, reviewed_at = $2, note = $3 WHERE id = $4")
        .bind(reviewer_id)
        .bind(audit.at_ms)
        .bind(sealed)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let row = sqlx::query(
        "SELECT r.id, u.name, r.first_reviewed_at, r.reviewed_at, r.note \
         FROM result_reviews r JOIN users u ON u.id = r.reviewer_id WHERE r.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let review = review_from(&row, sealer)?;
    commit_with(tx, db.engine, audit).await?;
    Ok(review)
}

fn review_from(row: &sqlx::any::AnyRow, sealer: &TextSealer) -> StoreResult<Review> {
    let id: i64 = row.try_get("id")?;
    let note: Option<String> = row.try_get("note")?;
    Ok(Review {
        by: row.try_get("name")?,
        first_at: from_millis(row.try_get("first_reviewed_at")?),
        at: from_millis(row.try_get("reviewed_at")?),
        note: note
            .map(|sealed| {
                sealer
                    .open(Field::ReviewNote, id, &sealed)
                    .map_err(|_| StoreError::Unreadable("result_reviews.note"))
            })
            .transpose()?,
    })
}

/// The audit row of a change by `actor` (none: an operator at the command line) at `at`.
pub fn audit_row(
    actor: Option<i64>,
    subject: Option<i64>,
    action: &'static str,
    object: String,
    client_addr: String,
    at: DateTime<Utc>,
) -> AuditRow {
    AuditRow {
        at_ms: to_millis(at),
        actor_user_id: actor,
        subject_user_id: subject,
        action,
        object: Some(object),
        client_addr,
    }
}
