use chrono::TimeDelta;

use super::*;
use crate::sealed_text::tests_support::sealer;
use crate::store::db::Db;

const LEASE: TimeDelta = TimeDelta::minutes(5);

async fn migrated() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let db = Db::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrate");
    (dir, db)
}

fn mail(n: u32, at: DateTime<Utc>) -> NewMail {
    NewMail {
        recipient: format!("patient{n}@example.org"),
        language: Language::Spanish,
        notice: Notice::ResetCode(format!("90{n}")),
        practice: "Sunrise Skin".into(),
        at,
    }
}

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

#[tokio::test]
async fn queued_mails_are_claimed_once_read_back_and_sealed_at_rest() {
    let (_dir, db) = migrated().await;
    let mut conn = db.pool.acquire().await.unwrap();
    let ids = enqueue(
        &mut conn,
        db.engine,
        &sealer(),
        &[mail(1, t0()), mail(2, t0()), mail(3, t0())],
    )
    .await
    .expect("enqueue");
    assert_eq!(ids.len(), 3);
    let stored: Vec<String> = sqlx::query_scalar("SELECT payload FROM mail_outbox")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert!(stored
        .iter()
        .all(|p| TextSealer::is_sealed(p) && !p.contains("Sunrise") && !p.contains("901")));

    let first = claim(&mut conn, db.engine, &sealer(), "a", t0(), LEASE, 2)
        .await
        .unwrap();
    let second = claim(&mut conn, db.engine, &sealer(), "b", t0(), LEASE, 10)
        .await
        .unwrap();
    assert_eq!(first.iter().map(|m| m.id).collect::<Vec<_>>(), ids[..2].to_vec());
    assert_eq!(second.iter().map(|m| m.id).collect::<Vec<_>>(), ids[2..].to_vec());
    assert!(claim(&mut conn, db.engine, &sealer(), "c", t0(), LEASE, 10)
        .await
        .unwrap()
        .is_empty());

    let (notice, language, practice) = first[0].content.as_ref().expect("readable");
    assert_eq!(notice, &Notice::ResetCode("901".into()));
    assert_eq!(*language, Language::Spanish);
    assert_eq!(practice, "Sunrise Skin");
    assert_eq!(first[0].recipient, "patient1@example.org");
    assert_eq!(first[0].attempts, 0);
}

#[tokio::test]
async fn a_sent_mail_is_not_claimed_again_and_forgets_its_payload() {
    let (_dir, db) = migrated().await;
    let mut conn = db.pool.acquire().await.unwrap();
    let ids = enqueue(&mut conn, db.engine, &sealer(), &[mail(1, t0())])
        .await
        .unwrap();
    claim(&mut conn, db.engine, &sealer(), "a", t0(), LEASE, 10)
        .await
        .unwrap();
    assert!(
        !mark_sent(&mut conn, ids[0], "b", t0()).await.unwrap(),
        "only its holder marks it"
    );
    assert!(mark_sent(&mut conn, ids[0], "a", t0()).await.unwrap());
    let later = t0() + TimeDelta::hours(1);
    assert!(claim(&mut conn, db.engine, &sealer(), "a", later, LEASE, 10)
        .await
        .unwrap()
        .is_empty());
    let payload: String = sqlx::query_scalar("SELECT payload FROM mail_outbox")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(payload, "");
}

#[tokio::test]
async fn a_failed_mail_waits_for_its_retry_and_a_given_up_one_is_left() {
    let (_dir, db) = migrated().await;
    let mut conn = db.pool.acquire().await.unwrap();
    let ids = enqueue(&mut conn, db.engine, &sealer(), &[mail(1, t0()), mail(2, t0())])
        .await
        .unwrap();
    claim(&mut conn, db.engine, &sealer(), "a", t0(), LEASE, 10)
        .await
        .unwrap();
    let retry = AfterFailure::RetryIn(TimeDelta::seconds(30));
    assert!(mark_failed(&mut conn, ids[0], "a", t0(), retry, "connection refused")
        .await
        .unwrap());
    assert!(
        mark_failed(&mut conn, ids[1], "a", t0(), AfterFailure::GiveUp, "permanent 550")
            .await
            .unwrap()
    );

    let early = t0() + TimeDelta::seconds(29);
    assert!(claim(&mut conn, db.engine, &sealer(), "a", early, LEASE, 10)
        .await
        .unwrap()
        .is_empty());
    let due = t0() + TimeDelta::seconds(30);
    let again = claim(&mut conn, db.engine, &sealer(), "a", due, LEASE, 10)
        .await
        .unwrap();
    assert_eq!(
        again.iter().map(|m| (m.id, m.attempts)).collect::<Vec<_>>(),
        vec![(ids[0], 1)]
    );
}

#[tokio::test]
async fn a_mail_held_by_a_worker_that_stopped_is_claimed_when_its_lease_ends() {
    let (_dir, db) = migrated().await;
    let mut conn = db.pool.acquire().await.unwrap();
    enqueue(&mut conn, db.engine, &sealer(), &[mail(1, t0())])
        .await
        .unwrap();
    assert_eq!(
        claim(&mut conn, db.engine, &sealer(), "a", t0(), LEASE, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    let within = t0() + LEASE - TimeDelta::seconds(1);
    assert!(claim(&mut conn, db.engine, &sealer(), "b", within, LEASE, 10)
        .await
        .unwrap()
        .is_empty());
    let after = t0() + LEASE;
    assert_eq!(
        claim(&mut conn, db.engine, &sealer(), "b", after, LEASE, 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_payload_sealed_for_another_row_does_not_open() {
    let (_dir, db) = migrated().await;
    let mut conn = db.pool.acquire().await.unwrap();
    let ids = enqueue(&mut conn, db.engine, &sealer(), &[mail(1, t0()), mail(2, t0())])
        .await
        .unwrap();
    sqlx::query("UPDATE mail_outbox SET payload = (SELECT payload FROM mail_outbox WHERE id = $1) WHERE id = $2")
        .bind(ids[0])
        .bind(ids[1])
        .execute(&mut *conn)
        .await
        .unwrap();
    let claimed = claim(&mut conn, db.engine, &sealer(), "a", t0(), LEASE, 10)
        .await
        .unwrap();
    assert!(claimed[0].content.is_ok());
    assert!(matches!(claimed[1].content, Err(StoreError::Unreadable(_))));
}

#[tokio::test]
async fn any_due_says_whether_a_claim_would_find_a_mail() {
    let (_dir, db) = migrated().await;
    assert!(!any_due(&db, t0()).await.unwrap());
    let mut conn = db.pool.acquire().await.unwrap();
    enqueue(&mut conn, db.engine, &sealer(), &[mail(1, t0())])
        .await
        .unwrap();
    assert!(
        !any_due(&db, t0() - TimeDelta::seconds(1)).await.unwrap(),
        "not due yet"
    );
    assert!(any_due(&db, t0()).await.unwrap());
    claim(&mut conn, db.engine, &sealer(), "a", t0(), LEASE, 10)
        .await
        .unwrap();
    assert!(!any_due(&db, t0()).await.unwrap(), "held by a worker");
}

#[tokio::test]
async fn a_grant_notice_comes_back_with_the_patient_it_names_sealed_at_rest() {
    let (_dir, db) = migrated().await;
    let mut conn = db.pool.acquire().await.unwrap();
    let notice = Notice::GrantInvitationWithCode {
        patient: "Blair Ortiz".into(),
        code: "ABCD-EFGH".into(),
    };
    let grant_mail = NewMail {
        notice: notice.clone(),
        ..mail(1, t0())
    };
    enqueue(&mut conn, db.engine, &sealer(), &[grant_mail]).await.unwrap();
    let stored: String = sqlx::query_scalar("SELECT payload FROM mail_outbox")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert!(!stored.contains("Blair") && !stored.contains("ABCD"));
    let claimed = claim(&mut conn, db.engine, &sealer(), "a", t0(), LEASE, 10)
        .await
        .unwrap();
    assert_eq!(claimed[0].content.as_ref().expect("readable").0, notice);
}
