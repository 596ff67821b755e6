//! The BEGIN of a write batch's transaction, sent with the batch's first statement on SQLite.
//!
//! Why: on SQLite every statement is a hand-off to sqlx's connection thread. The BEGIN is the
//! batch's first, sent just after the previous batch's answers went out, while their requests
//! keep every core busy: measured alone it took 0.6 ms on average against 0.03–0.2 ms for the
//! batch's later statements (docs/benchmarks.md). Sent as part of the first statement's text,
//! it costs no hand-off of its own. PostgreSQL cannot take several statements with arguments
//! in one message, so there the BEGIN is sent at once.

use sqlx::{AnyConnection, Executor};

use super::db::Engine;
use super::error::StoreResult;

const SQLITE_BEGIN: &str = "BEGIN IMMEDIATE; ";

/// A batch's transaction, open or about to be.
#[derive(Debug)]
pub struct WriterTransaction {
    /// Text to send before the next statement (SQLite, until one is sent).
    pending: Option<&'static str>,
}

impl WriterTransaction {
    /// Opens the transaction: on PostgreSQL now, on SQLite with the next statement, which must
    /// then put [`prefix`](Self::prefix) before its text or call [`now`](Self::now).
    pub async fn open(conn: &mut AnyConnection, engine: Engine) -> StoreResult<Self> {
        match engine {
            Engine::Sqlite => Ok(Self {
                pending: Some(SQLITE_BEGIN),
            }),
            Engine::Postgres => {
                conn.execute("BEGIN").await?;
                Ok(Self { pending: None })
            }
        }
    }

    /// A transaction begun otherwise (sqlx's `begin_with`): nothing is left to send.
    pub fn sent() -> Self {
        Self { pending: None }
    }

    /// What to put before the next statement's text: the BEGIN once, then nothing.
    pub fn prefix(&mut self) -> &'static str {
        self.pending.take().unwrap_or("")
    }

    /// Sends the BEGIN on its own if it is still to be sent, for statements that cannot carry
    /// it (those run by guarded writes).
    pub async fn now(&mut self, conn: &mut AnyConnection) -> StoreResult<()> {
        if let Some(begin) = self.pending.take() {
            conn.execute(begin).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use sqlx::Row;

    use super::*;
    use crate::store::db::Db;

    #[tokio::test]
    async fn on_sqlite_the_first_statement_opens_the_transaction() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = Db::connect(&url).await.expect("connect");
        let mut conn = db.pool.acquire().await.expect("connection");
        conn.execute("CREATE TABLE t (v INTEGER NOT NULL)")
            .await
            .expect("table");

        let mut begin = WriterTransaction::open(&mut conn, Engine::Sqlite).await.expect("open");
        let text = format!("{}INSERT INTO t (v) VALUES ($1)", begin.prefix());
        sqlx::query(&text)
            .bind(1_i64)
            .execute(&mut *conn)
            .await
            .expect("insert");
        assert_eq!(begin.prefix(), "", "the BEGIN goes once");
        begin.now(&mut conn).await.expect("nothing to send");
        conn.execute("ROLLBACK")
            .await
            .expect("the insert ran inside a transaction");
        let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM t")
            .fetch_one(&mut *conn)
            .await
            .expect("count")
            .try_get("n")
            .expect("n");
        assert_eq!(count, 0, "rolled back with its transaction");

        let mut begin = WriterTransaction::open(&mut conn, Engine::Sqlite).await.expect("open");
        begin.now(&mut conn).await.expect("begin alone");
        assert_eq!(begin.prefix(), "");
        conn.execute("COMMIT").await.expect("a transaction was open");
    }
}
