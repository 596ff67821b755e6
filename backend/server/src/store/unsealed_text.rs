//! Subjects and bodies stored before they were sealed at rest are sealed at the service's
//! start (`sealed_text`). Each row is changed only if it still holds what was read, so
//! instances starting together on one PostgreSQL database do not seal a value twice.

use sqlx::Row;

use super::db::Db;
use super::error::StoreResult;
use crate::sealed_text::{Field, TextSealer};

/// Seals every subject and body still stored in the clear; answers how many there were.
pub async fn seal_all(db: &Db, sealer: &TextSealer) -> StoreResult<u64> {
    let mut sealed = 0;
    for (table, column, field) in [
        ("threads", "subject", Field::ThreadSubject),
        ("messages", "body", Field::MessageBody),
    ] {
        let rows = sqlx::query(&format!(
            "SELECT id, {column} AS text FROM {table} WHERE substr({column}, 1, 3) <> 'v1.'"
        ))
        .fetch_all(&db.pool)
        .await?;
        // One transaction per thousand rows: a commit per row would take a disk flush each.
        for chunk in rows.chunks(1000) {
            let mut tx = db.pool.begin().await?;
            for row in chunk {
                let id: i64 = row.try_get("id")?;
                let text: String = row.try_get("text")?;
                let value = sealer
                    .seal(field, id, &text)
                    .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
                let done = sqlx::query(&format!(
                    "UPDATE {table} SET {column} = $1 WHERE id = $2 AND {column} = $3"
                ))
                .bind(value)
                .bind(id)
                .bind(text)
                .execute(&mut *tx)
                .await?;
                sealed += done.rows_affected();
            }
            tx.commit().await?;
        }
    }
    Ok(sealed)
}
