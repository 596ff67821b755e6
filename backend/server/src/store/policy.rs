//! Versioned portal policy and each person's acceptance of it.

use chrono::{DateTime, Utc};
use portal_api::Language;
use sqlx::Row;

use super::db::{from_millis, to_millis, Db};
use super::error::StoreResult;
use crate::domain::policy::{text_digest, text_for, PolicyText};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersion {
    pub version: i64,
    /// The language of `title` and `body`.
    pub language: Language,
    pub title: String,
    pub body: String,
    pub published_at: DateTime<Utc>,
}

/// The current version, in English.
pub async fn current(db: &Db) -> StoreResult<Option<PolicyVersion>> {
    let row =
        sqlx::query("SELECT version, title, body, published_at FROM policy_versions ORDER BY version DESC LIMIT 1")
            .fetch_optional(&db.pool)
            .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(PolicyVersion {
        version: row.try_get("version")?,
        language: Language::English,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        published_at: from_millis(row.try_get("published_at")?),
    }))
}

/// The current version in the text a person asking for `asked` reads
/// (`domain::policy::text_for`).
pub async fn current_in(db: &Db, asked: Language) -> StoreResult<Option<PolicyVersion>> {
    let Some(PolicyVersion {
        version,
        title,
        body,
        published_at,
        ..
    }) = current(db).await?
    else {
        return Ok(None);
    };
    let translation = translation(db, version, asked).await?;
    let english = PolicyText {
        language: Language::English,
        title,
        body,
    };
    let text = text_for(asked, english, translation);
    Ok(Some(PolicyVersion {
        version,
        language: text.language,
        title: text.title,
        body: text.body,
        published_at,
    }))
}

/// `language`'s text of `version`, when one was published (the English text is the version's
/// own, in `policy_versions`).
async fn translation(db: &Db, version: i64, language: Language) -> StoreResult<Option<PolicyText>> {
    if language == Language::English {
        return Ok(None);
    }
    let row = sqlx::query("SELECT title, body FROM policy_translations WHERE version = $1 AND language = $2")
        .bind(version)
        .bind(language.as_str())
        .fetch_optional(&db.pool)
        .await?;
    row.map(|row| {
        Ok(PolicyText {
            language,
            title: row.try_get("title")?,
            body: row.try_get("body")?,
        })
    })
    .transpose()
}

/// Stores `language`'s text of `version` (replacing an earlier one). Returns whether it
/// changed anything.
pub async fn publish_translation(
    db: &Db,
    version: i64,
    language: Language,
    title: &str,
    body: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let written = sqlx::query(
        "INSERT INTO policy_translations (version, language, title, body, published_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (version, language) DO UPDATE
           SET title = excluded.title, body = excluded.body, published_at = excluded.published_at
           WHERE policy_translations.title <> excluded.title OR policy_translations.body <> excluded.body",
    )
    .bind(version)
    .bind(language.as_str())
    .bind(title)
    .bind(body)
    .bind(to_millis(now))
    .execute(&db.pool)
    .await?;
    Ok(written.rows_affected() > 0)
}

/// Add a new version after the current one and return its number.
pub async fn publish(db: &Db, title: &str, body: &str, now: DateTime<Utc>) -> StoreResult<i64> {
    let mut tx = db.pool.begin().await?;
    let row = sqlx::query("SELECT COALESCE(MAX(version), 0) + 1 AS next FROM policy_versions")
        .fetch_one(&mut *tx)
        .await?;
    let version: i64 = row.try_get("next")?;
    sqlx::query("INSERT INTO policy_versions (version, title, body, published_at) VALUES ($1, $2, $3, $4)")
        .bind(version)
        .bind(title)
        .bind(body)
        .bind(to_millis(now))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(version)
}

pub async fn accepted_at(db: &Db, user_id: i64, version: i64) -> StoreResult<Option<DateTime<Utc>>> {
    let row = sqlx::query("SELECT accepted_at FROM policy_acceptances WHERE user_id = $1 AND version = $2")
        .bind(user_id)
        .bind(version)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64, _>("accepted_at").map(from_millis))
        .transpose()?)
}

/// Record an acceptance of `text` (its version, in its language, with its digest); accepting
/// twice keeps the first time. Returns the recorded time and whether this call recorded it.
pub async fn accept(
    db: &Db,
    user_id: i64,
    text: &PolicyVersion,
    now: DateTime<Utc>,
    client_addr: &str,
) -> StoreResult<(DateTime<Utc>, bool)> {
    let inserted = sqlx::query(
        "INSERT INTO policy_acceptances (user_id, version, accepted_at, client_addr, language, text_sha256) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, version) DO NOTHING",
    )
    .bind(user_id)
    .bind(text.version)
    .bind(to_millis(now))
    .bind(client_addr)
    .bind(text.language.as_str())
    .bind(text_digest(&text.title, &text.body))
    .execute(&db.pool)
    .await?
    .rows_affected()
        > 0;
    Ok((accepted_at(db, user_id, text.version).await?.unwrap_or(now), inserted))
}
