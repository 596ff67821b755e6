//! Ids given to rows before they are written, so that many rows go in one statement and a
//! sealed value can be bound to its row's id (`sealed_text`).

use sqlx::AnyConnection;

use super::db::Engine;
use super::error::StoreResult;

/// The tables whose ids are reserved before their rows are written.
#[derive(Debug, Clone, Copy)]
pub enum IdTable {
    Threads,
    Messages,
    ChartResources,
    BreakTheGlassGrants,
    MailOutbox,
}

impl IdTable {
    fn name(self) -> &'static str {
        match self {
            IdTable::Threads => "threads",
            IdTable::Messages => "messages",
            IdTable::ChartResources => "chart_resources",
            IdTable::BreakTheGlassGrants => "break_the_glass_grants",
            IdTable::MailOutbox => "mail_outbox",
        }
    }
}

/// `n` new ids for `table`, in increasing order, so that rows can be written many per
/// statement and still be told apart. SQLite: the caller holds the write lock (BEGIN
/// IMMEDIATE), so nothing else inserts before the batch commits; ids stay above every id ever
/// given (AUTOINCREMENT's promise). PostgreSQL: from the identity column's sequence, safe with
/// several instances.
pub async fn reserve_ids(conn: &mut AnyConnection, engine: Engine, table: IdTable, n: usize) -> StoreResult<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let name = table.name();
    let count = i64::try_from(n).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    match engine {
        Engine::Sqlite => {
            let last: i64 = sqlx::query_scalar(&format!(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{name}'), 0), \
                 COALESCE((SELECT MAX(id) FROM {name}), 0))"
            ))
            .fetch_one(&mut *conn)
            .await?;
            Ok((last + 1..=last + count).collect())
        }
        Engine::Postgres => {
            let mut ids: Vec<i64> = sqlx::query_scalar(&format!(
                "SELECT nextval(pg_get_serial_sequence('{name}', 'id')) FROM generate_series(1, $1)"
            ))
            .bind(count)
            .fetch_all(&mut *conn)
            .await?;
            ids.sort_unstable();
            Ok(ids)
        }
    }
}
