//! A batch of sends against a real SQLite database.

use chrono::DateTime;
use portal_api::Category;

use super::*;
use crate::store::db::Db;
use sqlx::Executor;

const ANN: i64 = 1;
const BEN: i64 = 2;
const DOCTOR: i64 = 3;

/// A migrated SQLite database with two patients, a physician, and one thread of Ann's.
async fn db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let db = Db::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrate");
    db.pool
        .execute(
            "INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES \
             (1, 'ann@x.test', 'Ann', 'patient', '', 0), (2, 'ben@x.test', 'Ben', 'patient', '', 0), \
             (3, 'doc@x.test', 'Doc', 'physician', '', 0); \
             INSERT INTO threads (id, patient_id, category, pool, subject, status, urgent, created_by, \
             created_at, last_message_at, message_count, unread_by_patient, patient_messages) \
             VALUES (10, 1, 'other', 'front_desk', 'Hello', 'closed', 0, 1, 0, 0, 0, 0, 0)",
        )
        .await
        .expect("seed");
    (dir, db)
}

fn send(viewer: Viewer, target: SendTarget, key: &str, body: &str) -> PendingSend {
    PendingSend {
        viewer,
        target,
        body: body.into(),
        urgent: false,
        attachment_ids: Vec::new(),
        idempotency_key: key.into(),
        request_hash: format!("hash of {body}"),
        client_addr: "127.0.0.1".into(),
        at: DateTime::from_timestamp(1_800_000_000, 0).expect("time"),
    }
}

async fn apply_in_transaction(db: &Db, sends: &[PendingSend]) -> Applied {
    let mut conn = db.pool.acquire().await.expect("conn");
    // The BEGIN goes with apply's first statement, as in the writer.
    let mut begin = WriterTransaction::open(&mut conn, Engine::Sqlite).await.expect("begin");
    let applied = apply(
        &mut conn,
        Engine::Sqlite,
        &mut begin,
        sends,
        &crate::sealed_text::tests_support::sealer(),
    )
    .await
    .expect("apply");
    conn.execute("COMMIT").await.expect("commit");
    applied
}

/// Which refusal an answer is, if it is one.
fn code(answer: &Result<SendReceipt, SendError>) -> Option<&'static str> {
    answer.as_ref().err().map(|e| match e {
        SendError::KeyReused => "key reused",
        SendError::NotFound => "not found",
        SendError::Store(_) => "store",
    })
}

#[tokio::test]
async fn a_batch_answers_as_if_its_sends_ran_one_after_another() {
    let (_dir, db) = db().await;
    let reply = SendTarget::Reply { thread_id: 10 };
    let new = || SendTarget::NewThread {
        category: Category::MedicalQuestion,
        subject: "Rash".into(),
    };
    let sends = [
        send(Viewer::Patient(ANN), reply.clone(), "a", "first"),
        send(Viewer::Patient(ANN), reply.clone(), "a", "first"), // a retry in the same batch
        send(Viewer::Patient(ANN), reply.clone(), "a", "other words"), // the key, reused
        send(Viewer::Patient(BEN), reply.clone(), "b", "not his thread"),
        send(Viewer::Patient(BEN), new(), "a", "his own key a"),
        send(
            Viewer::Physician(DOCTOR),
            reply.clone(),
            "d",
            "no relationship, not assigned",
        ),
    ];
    let applied = apply_in_transaction(&db, &sends).await;
    let a = applied.answers[0].as_ref().expect("stored");
    assert_eq!(applied.answers[1].as_ref().expect("same answer"), a);
    assert_eq!(code(&applied.answers[2]), Some("key reused"));
    assert_eq!(code(&applied.answers[3]), Some("not found"));
    let ben = applied.answers[4].as_ref().expect("Ben's new thread");
    assert_ne!(ben.thread_id, 10);
    assert!(ben.message_id > a.message_id, "ids follow the queue order");
    assert_eq!(code(&applied.answers[5]), Some("not found"));
    assert_eq!(applied.changed_patients, vec![ANN, BEN]);
    assert_eq!(applied.audit.len(), 3, "a message, and a thread and its message");

    let (status, count, from_patient): (String, i64, i64) =
        sqlx::query_as("SELECT status, message_count, patient_messages FROM threads WHERE id = 10")
            .fetch_one(&db.pool)
            .await
            .expect("thread");
    assert_eq!(
        (status.as_str(), count, from_patient),
        ("open", 1, 1),
        "a patient's message reopens"
    );
    let messages: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(messages, 2);

    // The next batch answers the stored keys from the database.
    let again = apply_in_transaction(&db, &sends[..3]).await;
    assert_eq!(again.answers[0].as_ref().expect("stored before"), a);
    assert_eq!(again.answers[1].as_ref().expect("stored before"), a);
    assert_eq!(code(&again.answers[2]), Some("key reused"));
    assert!(again.changed_patients.is_empty() && again.audit.is_empty());
}

#[tokio::test]
async fn a_care_team_reply_takes_the_thread_and_counts_for_the_patient() {
    let (_dir, db) = db().await;
    db.pool
        .execute("INSERT INTO care_relationships (patient_id, clinician_id, created_at) VALUES (1, 3, 0)")
        .await
        .expect("relationship");
    let reply = SendTarget::Reply { thread_id: 10 };
    let sends = [
        send(Viewer::Physician(DOCTOR), reply.clone(), "x", "one"),
        send(Viewer::Physician(DOCTOR), reply, "y", "two"),
    ];
    let applied = apply_in_transaction(&db, &sends).await;
    assert!(applied.answers.iter().all(Result::is_ok));
    let (status, assigned, count, unread): (String, Option<i64>, i64, i64) =
        sqlx::query_as("SELECT status, assigned_to, message_count, unread_by_patient FROM threads WHERE id = 10")
            .fetch_one(&db.pool)
            .await
            .expect("thread");
    assert_eq!(
        (status.as_str(), assigned, count, unread),
        ("closed", Some(DOCTOR), 2, 2)
    );
}
