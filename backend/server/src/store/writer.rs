//! Group commit: every write of messaging (and every audit row of a read, and every session
//! touch) goes through one writer task that runs the writes waiting in its queue in a single
//! transaction and answers each caller only after the COMMIT (so an answer still means
//! "durable"). A guarded write runs in its own savepoint, so its failure undoes only its own
//! statements; the batch's sends are checked and stored together, as a set
//! (`super::sends`), after its other writes.
//!
//! Why: with SQLite in WAL mode and `synchronous=FULL` every commit costs an fsync, and
//! concurrent writers on separate connections wait for the lock in SQLite's sleeping busy
//! handler. One writer that commits many sends per fsync turns both into throughput.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use portal_api::SendReceipt;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Executor};
use tokio::sync::{mpsc, oneshot};

use super::audit;
pub use super::audit::AuditRow;
use super::db::{Db, Engine};
use super::error::{StoreError, StoreResult};
use super::list_cache::ListCache;
use super::list_changes;
use super::sends::{self, PendingSend, SendError};
use super::writer_transaction::WriterTransaction;
use crate::sealed_text::TextSealer;

/// Writes run in one transaction at most.
pub(crate) const MAX_BATCH: usize = 256;
// A batch's sends are stored by one call of `sends::apply`.
const _: () = assert!(MAX_BATCH <= sends::MAX_SENDS);
/// Writes waiting before `run` itself waits for room (backpressure).
const QUEUE_DEPTH: usize = 4096;

pub type BoxFuture<'c, T> = Pin<Box<dyn Future<Output = T> + Send + 'c>>;

/// Told whether the batch committed; sends the caller its answer.
type Deliver = Box<dyn FnOnce(bool) + Send>;
/// What a guarded write did, when it succeeded.
pub struct Written<T> {
    pub value: T,
    /// Appended in the same transaction (with the batch's other audit rows, in one INSERT).
    pub audit: Vec<AuditRow>,
    /// The patient whose threads it changed: their cached lists are dropped at the commit.
    pub changed_patient: Option<i64>,
}

/// What one queued write did.
enum Outcome {
    /// It succeeded: answer after the commit; its audit rows go into the batch's one INSERT.
    Done(Deliver, Vec<AuditRow>, Option<i64>),
    /// It failed (and already answered its caller); its savepoint is rolled back.
    Refused,
}

/// One queued write, run on the writer's connection.
type Work = Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Outcome> + Send>;

enum Job {
    /// Run inside a savepoint: it may fail after writing, and only its own writes are undone.
    Write(Work),
    /// A message to store with the batch's other sends.
    Send(PendingSend, oneshot::Sender<Result<SendReceipt, SendError>>),
    /// An audit row of its own (a read was served): a batch's all go into one INSERT, since
    /// they cannot fail one by one.
    Audit(Vec<AuditRow>, oneshot::Sender<bool>),
    /// A session's `last_seen_at`.
    Touch {
        session_id: i64,
        at_ms: i64,
        answer: oneshot::Sender<bool>,
    },
}

#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").finish_non_exhaustive()
    }
}

impl Writer {
    /// Starts the writer task on the current runtime. It ends when every `Writer` clone
    /// is dropped. After each COMMIT it tells `lists` which patients' threads changed.
    pub fn start(db: Db, lists: Arc<ListCache>, sealer: TextSealer) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE_DEPTH);
        tokio::spawn(writer(db, lists, sealer, queue));
        Self { jobs }
    }

    /// Runs `work` inside the next batch and answers once that batch committed. An `Err`
    /// from `work` rolls back only what `work` did. `E` is the caller's error: a refusal of
    /// its own, or the store's failure.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T, E>> + Send + 'static,
    {
        self.run_audited(move |conn| {
            Box::pin(async move {
                work(conn).await.map(|value| Written {
                    value,
                    audit: Vec::new(),
                    changed_patient: None,
                })
            })
        })
        .await
    }

    /// [`run`](Self::run) for a write that also answers audit rows (appended in the same
    /// transaction, so the write and its record commit together or not at all) and the
    /// patient whose threads it changed.
    pub async fn run_audited<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<Written<T>, E>> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel::<Result<T, E>>();
        let job: Work = Box::new(move |conn| {
            Box::pin(async move {
                match work(conn).await {
                    Ok(written) => Outcome::Done(
                        deliver_after_commit(answer, written.value),
                        written.audit,
                        written.changed_patient,
                    ),
                    Err(error) => {
                        let _ = answer.send(Err(error));
                        Outcome::Refused
                    }
                }
            })
        });
        self.jobs
            .send(Job::Write(job))
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        answered.await.map_err(|_| StoreError::WriteDropped)?
    }

    /// Stores a message (see `super::sends` for the checks and their answers) and
    /// answers its receipt once the batch committed.
    pub async fn send(&self, send: PendingSend) -> Result<SendReceipt, SendError> {
        let (answer, answered) = oneshot::channel();
        self.jobs
            .send(Job::Send(send, answer))
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        answered.await.map_err(|_| StoreError::WriteDropped)?
    }

    /// Moves a session's `last_seen_at` forward in the next batch (through this queue because
    /// on SQLite a write beside it would make the writer wait in SQLite's sleeping busy
    /// handler), and answers once it is stored, so the next request sees it.
    pub async fn touch_session(&self, session_id: i64, at_ms: i64) -> StoreResult<()> {
        self.send_and_wait(|answer| Job::Touch {
            session_id,
            at_ms,
            answer,
        })
        .await
    }

    /// Appends an audit event in the next batch and answers once it is durable.
    pub async fn append_audit(&self, row: AuditRow) -> StoreResult<()> {
        self.append_audits(vec![row]).await
    }

    /// Appends audit events (one read seen by several patients) in the next batch, together,
    /// and answers once they are durable.
    pub async fn append_audits(&self, rows: Vec<AuditRow>) -> StoreResult<()> {
        self.send_and_wait(|answer| Job::Audit(rows, answer)).await
    }

    /// Queues a job answered with whether its batch committed, and waits for that.
    async fn send_and_wait(&self, job: impl FnOnce(oneshot::Sender<bool>) -> Job) -> StoreResult<()> {
        let (answer, answered) = oneshot::channel::<bool>();
        self.jobs
            .send(job(answer))
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        match answered.await {
            Ok(true) => Ok(()),
            _ => Err(StoreError::NotCommitted),
        }
    }
}

async fn writer(db: Db, lists: Arc<ListCache>, sealer: TextSealer, mut queue: mpsc::Receiver<Job>) {
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
        let mut connection = match conn.take() {
            Some(c) => c,
            None => match db.pool.acquire().await {
                Ok(c) => c,
                Err(error) => {
                    // Dropping the jobs answers every caller with an error.
                    StoreError::from(error).log("writer cannot get a database connection");
                    batch.clear();
                    continue;
                }
            },
        };
        match run_batch(&mut connection, db.engine, &lists, &sealer, batch.drain(..)).await {
            Ok(()) => conn = Some(connection),
            Err(error) => {
                error.log("write batch failed");
                // The connection may be in a bad state: let the pool close it.
                connection.close_on_drop();
            }
        }
    }
}

async fn run_batch(
    conn: &mut AnyConnection,
    engine: Engine,
    lists: &ListCache,
    sealer: &TextSealer,
    jobs: impl Iterator<Item = Job>,
) -> StoreResult<()> {
    let mut pending: Vec<Deliver> = Vec::new();
    let mut audits: Vec<AuditRow> = Vec::new();
    // Answered with whether the batch committed: audit rows and session touches.
    let mut audit_answers: Vec<oneshot::Sender<bool>> = Vec::new();
    let mut touches: Vec<(i64, i64)> = Vec::new();
    let mut sends: Vec<PendingSend> = Vec::new();
    let mut send_answers: Vec<oneshot::Sender<Result<SendReceipt, SendError>>> = Vec::new();
    let mut changed: Vec<i64> = Vec::new();
    let outcome = async {
        let mut begin = WriterTransaction::open(conn, engine).await?;
        for job in jobs {
            let work = match job {
                Job::Write(work) => work,
                Job::Send(send, answer) => {
                    sends.push(send);
                    send_answers.push(answer);
                    continue;
                }
                Job::Audit(rows, answer) => {
                    audits.extend(rows);
                    audit_answers.push(answer);
                    continue;
                }
                Job::Touch {
                    session_id,
                    at_ms,
                    answer,
                } => {
                    touches.push((session_id, at_ms));
                    audit_answers.push(answer);
                    continue;
                }
            };
            begin.now(conn).await?;
            conn.execute("SAVEPOINT portal_write").await?;
            match work(conn).await {
                Outcome::Done(deliver, audit, changed_patient) => {
                    conn.execute("RELEASE SAVEPOINT portal_write").await?;
                    pending.push(deliver);
                    audits.extend(audit);
                    changed.extend(changed_patient);
                }
                Outcome::Refused => {
                    conn.execute("ROLLBACK TO SAVEPOINT portal_write").await?;
                    conn.execute("RELEASE SAVEPOINT portal_write").await?;
                }
            }
        }
        if !sends.is_empty() {
            let applied = sends::apply(conn, engine, &mut begin, &sends, sealer).await?;
            for (answer, result) in send_answers.drain(..).zip(applied.answers) {
                match result {
                    Ok(receipt) => pending.push(deliver_after_commit(answer, receipt)),
                    // Refused: nothing of it was written.
                    Err(error) => {
                        let _ = answer.send(Err(error));
                    }
                }
            }
            audits.extend(applied.audit);
            changed.extend(applied.changed_patients);
        }
        if !touches.is_empty() {
            begin.now(conn).await?;
        }
        for (session_id, at_ms) in &touches {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1")
                .bind(at_ms)
                .bind(session_id)
                .execute(&mut *conn)
                .await?;
        }
        // Last before the COMMIT: on PostgreSQL the chain's head stays locked from here until
        // the COMMIT, and every instance's appends wait for it.
        audit::append_rows(conn, engine, &mut begin, &audits).await?;
        if engine == Engine::Postgres {
            // Delivered to every instance if, and once, this commits.
            list_changes::announce(conn, &changed).await?;
        }
        conn.execute(format!("{}COMMIT", begin.prefix()).as_str()).await?;
        Ok::<(), StoreError>(())
    }
    .await;
    if outcome.is_err() {
        let _ = conn.execute("ROLLBACK").await;
    }
    let committed = outcome.is_ok();
    if committed {
        // Before anyone is answered: a caller's next list must not be an older one.
        lists.changed(&changed);
    }
    // Sends not answered yet: the batch failed while storing them.
    for answer in send_answers {
        let _ = answer.send(Err(StoreError::NotCommitted.into()));
    }
    for deliver in pending {
        deliver(committed);
    }
    for answer in audit_answers {
        let _ = answer.send(committed);
    }
    outcome
}

/// Sends `value` to the caller if the batch commits, else an error.
fn deliver_after_commit<T, E>(answer: oneshot::Sender<Result<T, E>>, value: T) -> Deliver
where
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
{
    Box::new(move |committed: bool| {
        let _ = answer.send(if committed {
            Ok(value)
        } else {
            Err(StoreError::NotCommitted.into())
        });
    })
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

    fn insert(v: i64) -> impl for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, StoreResult<i64>> + Send {
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
        let queue = Writer::start(
            db.clone(),
            Arc::new(ListCache::new(None, true)),
            crate::sealed_text::tests_support::sealer(),
        );
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
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(n, 501);
    }

    #[tokio::test]
    async fn a_work_error_undoes_its_own_statements() {
        let (_dir, db) = sqlite().await;
        let queue = Writer::start(
            db.clone(),
            Arc::new(ListCache::new(None, true)),
            crate::sealed_text::tests_support::sealer(),
        );
        /// A caller's own error: a refusal, or the store's failure.
        #[derive(Debug)]
        enum Refused {
            NotYours,
            Store,
        }
        impl From<StoreError> for Refused {
            fn from(_: StoreError) -> Self {
                Self::Store
            }
        }
        let result: Result<(), Refused> = queue
            .run(|conn| {
                Box::pin(async move {
                    sqlx::query("INSERT INTO t (v) VALUES (1)")
                        .execute(&mut *conn)
                        .await
                        .map_err(StoreError::from)?;
                    Err(Refused::NotYours)
                })
            })
            .await;
        assert!(matches!(result, Err(Refused::NotYours)), "{result:?}");
        queue.run(insert(2)).await.expect("next write");
        let values: Vec<i64> = sqlx::query_scalar("SELECT v FROM t").fetch_all(&db.pool).await.unwrap();
        assert_eq!(values, vec![2]);
    }
}
