//! Group commit: every write of messaging goes through one writer task that runs the writes
//! waiting in its queue in a single transaction, each inside its own savepoint, and answers
//! each caller only after the COMMIT (so an answer still means "durable").
//!
//! Why: with SQLite in WAL mode and `synchronous=FULL` every commit costs an fsync, and
//! concurrent writers on separate connections wait for the lock in SQLite's sleeping busy
//! handler. One writer that commits many sends per fsync turns both into throughput, and a
//! failing write (a conflict, a missing id) rolls back only its own savepoint.

use std::future::Future;
use std::pin::Pin;

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Executor};
use tokio::sync::{mpsc, oneshot};

use super::{Db, Engine};
use crate::error::ApiError;

/// Writes run in one transaction at most.
const MAX_BATCH: usize = 256;
/// Writes waiting before `run` itself waits for room (backpressure).
const QUEUE_DEPTH: usize = 4096;

pub type BoxFuture<'c, T> = Pin<Box<dyn Future<Output = T> + Send + 'c>>;

/// Told whether the batch committed; sends the caller its answer.
type Deliver = Box<dyn FnOnce(bool) + Send>;
/// One queued write: runs on the writer's connection; `None` when it failed (and already
/// answered its caller).
type Job = Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Option<Deliver>> + Send>;

#[derive(Clone)]
pub struct WriteQueue {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for WriteQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteQueue").finish_non_exhaustive()
    }
}

impl WriteQueue {
    /// Starts the writer task on the current runtime. It ends when every `WriteQueue` clone
    /// is dropped.
    pub fn start(db: Db) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE_DEPTH);
        tokio::spawn(writer(db, queue));
        Self { jobs }
    }

    /// Runs `work` inside the next batch and answers once that batch committed. An `Err`
    /// from `work` rolls back only what `work` did.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T, ApiError>> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel::<Result<T, ApiError>>();
        let job: Job = Box::new(move |conn| {
            Box::pin(async move {
                match work(conn).await {
                    Ok(value) => Some(Box::new(move |committed: bool| {
                        let _ = answer.send(if committed {
                            Ok(value)
                        } else {
                            Err(ApiError::Internal("the write batch did not commit".into()))
                        });
                    }) as Deliver),
                    Err(error) => {
                        let _ = answer.send(Err(error));
                        None
                    }
                }
            })
        });
        self.jobs
            .send(job)
            .await
            .map_err(|_| ApiError::Internal("the writer has stopped".into()))?;
        answered
            .await
            .map_err(|_| ApiError::Internal("the write was dropped before it ran".into()))?
    }
}

async fn writer(db: Db, mut queue: mpsc::Receiver<Job>) {
    let mut conn: Option<PoolConnection<Any>> = None;
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = queue.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let connection = match conn.take() {
            Some(c) => c,
            None => match db.pool.acquire().await {
                Ok(c) => c,
                Err(error) => {
                    // Dropping the jobs answers every caller with an error.
                    tracing::error!(kind = %error_kind(&error), "writer cannot get a database connection");
                    batch.clear();
                    continue;
                }
            },
        };
        let mut connection = connection;
        match run_batch(&mut connection, db.engine, batch.drain(..)).await {
            Ok(()) => conn = Some(connection),
            Err(error) => {
                tracing::error!(kind = %error_kind(&error), "write batch failed");
                // The connection may be in a bad state: let the pool close it.
                connection.close_on_drop();
            }
        }
    }
}

async fn run_batch(
    conn: &mut AnyConnection,
    engine: Engine,
    jobs: impl Iterator<Item = Job>,
) -> Result<(), sqlx::Error> {
    let begin = match engine {
        Engine::Sqlite => "BEGIN IMMEDIATE",
        Engine::Postgres => "BEGIN",
    };
    let mut pending: Vec<Deliver> = Vec::new();
    let outcome = async {
        conn.execute(begin).await?;
        for job in jobs {
            conn.execute("SAVEPOINT portal_write").await?;
            match job(conn).await {
                Some(deliver) => {
                    conn.execute("RELEASE SAVEPOINT portal_write").await?;
                    pending.push(deliver);
                }
                None => {
                    conn.execute("ROLLBACK TO SAVEPOINT portal_write").await?;
                    conn.execute("RELEASE SAVEPOINT portal_write").await?;
                }
            }
        }
        conn.execute("COMMIT").await?;
        Ok::<(), sqlx::Error>(())
    }
    .await;
    if outcome.is_err() {
        let _ = conn.execute("ROLLBACK").await;
    }
    let committed = outcome.is_ok();
    for deliver in pending {
        deliver(committed);
    }
    outcome
}

fn error_kind(error: &sqlx::Error) -> &'static str {
    match error {
        sqlx::Error::Database(_) => "database",
        sqlx::Error::Io(_) => "io",
        sqlx::Error::PoolTimedOut => "pool timed out",
        sqlx::Error::PoolClosed => "pool closed",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn sqlite() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = Db::connect(&url).await.expect("connect");
        sqlx::query("CREATE TABLE t (v INTEGER NOT NULL UNIQUE)")
            .execute(&db.pool)
            .await
            .expect("table");
        (dir, db)
    }

    fn insert(v: i64) -> impl for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<i64, ApiError>> + Send {
        move |conn| {
            Box::pin(async move {
                sqlx::query("INSERT INTO t (v) VALUES ($1)")
                    .bind(v)
                    .execute(&mut *conn)
                    .await?;
                Ok(v)
            })
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writes_all_commit_and_a_failing_one_rolls_back_alone() {
        let (_dir, db) = sqlite().await;
        let queue = WriteQueue::start(db.clone());
        // 500 distinct values and one value twice: exactly one write fails (unique
        // constraint), whichever batch it lands in, and every other write commits.
        let mut tasks = Vec::new();
        for v in (0..500).chain([7_000, 7_000]) {
            let q = queue.clone();
            tasks.push(tokio::spawn(async move { q.run(insert(v)).await }));
        }
        let mut failed = 0;
        for task in tasks {
            if task.await.expect("join").is_err() {
                failed += 1;
            }
        }
        assert_eq!(failed, 1);
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t").fetch_one(&db.pool).await.unwrap();
        assert_eq!(n, 501);
    }

    #[tokio::test]
    async fn a_work_error_undoes_its_own_statements() {
        let (_dir, db) = sqlite().await;
        let queue = WriteQueue::start(db.clone());
        let result: Result<(), ApiError> = queue
            .run(|conn| {
                Box::pin(async move {
                    sqlx::query("INSERT INTO t (v) VALUES (1)").execute(&mut *conn).await?;
                    Err(ApiError::NotFound)
                })
            })
            .await;
        assert!(matches!(result, Err(ApiError::NotFound)));
        queue.run(insert(2)).await.expect("next write");
        let values: Vec<i64> = sqlx::query_scalar("SELECT v FROM t").fetch_all(&db.pool).await.unwrap();
        assert_eq!(values, vec![2]);
    }
}
