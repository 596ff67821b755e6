//! The practice that runs this portal (one row).

use portal_api::PracticeInfo;
use sqlx::Row;

use super::db::Db;
use super::error::StoreResult;

pub async fn get(db: &Db) -> StoreResult<Option<PracticeInfo>> {
    let row = sqlx::query("SELECT name, phone FROM practice WHERE id = 1")
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        Ok(PracticeInfo {
            name: r.try_get("name")?,
            phone: r.try_get("phone")?,
        })
    })
    .transpose()
}

pub async fn set(db: &Db, info: &PracticeInfo) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO practice (id, name, phone) VALUES (1, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone",
    )
    .bind(&info.name)
    .bind(&info.phone)
    .execute(&db.pool)
    .await?;
    Ok(())
}
