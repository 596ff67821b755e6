//! Upgrading a database that already holds conversations keeps what people saw. Unread counts
//! became per care-team member (issue 9, 6.4; migration 0006): what the team had read before
//! stays read for everyone on it, what it had not stays unread for everyone, and from then on
//! each member reads for themselves.

use std::borrow::Cow;

use portal_server::domain::access::{StaffPools, Viewer};
use portal_server::store::threads::{self, ListFilter};
use portal_server::store::{Db, Engine};
use sqlx::migrate::Migrator;
use sqlx::Row;

use crate::helpers::{fresh_pg_database, TestDatabase};

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// The engine's migrations up to and including `version`.
fn up_to(engine: Engine, version: i64) -> Migrator {
    let all = match engine {
        Engine::Sqlite => &SQLITE,
        Engine::Postgres => &POSTGRES,
    };
    Migrator {
        migrations: Cow::Owned(all.iter().filter(|m| m.version <= version).cloned().collect()),
        ignore_missing: false,
        locking: true,
        no_tx: false,
    }
}

async fn insert_id(db: &Db, sql: &str) -> i64 {
    sqlx::query(&format!("{sql} RETURNING id"))
        .fetch_one(&db.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .try_get("id")
        .expect("id")
}

async fn unread_survives_the_upgrade(db: Db) {
    up_to(db.engine, 2)
        .run(&db.pool)
        .await
        .expect("the first two migrations");
    let patient = insert_id(
        &db,
        "INSERT INTO users (email, name, role, password_hash, created_at) VALUES ('p@x.test', 'Pat', 'patient', '', 0)",
    )
    .await;
    let doctor = insert_id(
        &db,
        "INSERT INTO users (email, name, role, password_hash, created_at) VALUES ('d@x.test', 'Doc', 'physician', '', 0)",
    )
    .await;
    sqlx::query(&format!(
        "INSERT INTO care_relationships (patient_id, clinician_id, created_at) VALUES ({patient}, {doctor}, 0)"
    ))
    .execute(&db.pool)
    .await
    .expect("care");
    // Two threads of three patient messages and one answer: the team had read two of the
    // first's (one unread), and all of the second's.
    let mut ids = Vec::new();
    for unread_by_team in [1, 0] {
        let thread = insert_id(
            &db,
            &format!(
                "INSERT INTO threads (patient_id, category, pool, subject, status, urgent, created_by, created_at, \
                 last_message_at, message_count, unread_by_patient, unread_by_team) \
                 VALUES ({patient}, 'other', 'front_desk', 'Hi', 'open', 0, {patient}, 0, {unread_by_team}, 4, 0, {unread_by_team})"
            ),
        )
        .await;
        for (author, from_patient) in [(patient, 1), (patient, 1), (doctor, 0), (patient, 1)] {
            insert_id(
                &db,
                &format!(
                    "INSERT INTO messages (thread_id, author_id, from_patient, body, created_at, read_at) \
                     VALUES ({thread}, {author}, {from_patient}, 'text', 0, NULL)"
                ),
            )
            .await;
        }
        ids.push(thread);
    }

    db.migrate().await.expect("the upgrade");
    // As the service does at its start: what was stored in the clear is sealed.
    let key = portal_server::attachments::AttachmentCipher::from_key(&[9; 32]).expect("key");
    let sealer = portal_server::sealed_text::TextSealer::new(std::sync::Arc::new(key));
    portal_server::store::unsealed_text::seal_all(&db, &sealer)
        .await
        .expect("sealed");
    let (list, _, total) = threads::list(
        &db,
        &sealer,
        Viewer::Physician(doctor),
        &ListFilter::default(),
        50,
        None,
    )
    .await
    .expect("the physician's list");
    let unread = |id: i64| list.iter().find(|t| t.id == id).map(|t| t.unread);
    assert_eq!(
        (unread(ids[0]), unread(ids[1]), total),
        (Some(1), Some(0), 1),
        "what the team had read is read, what it had not is unread"
    );
    let staff = insert_id(
        &db,
        "INSERT INTO users (email, name, role, password_hash, created_at) VALUES ('s@x.test', 'Sam', 'staff', '', 0)",
    )
    .await;
    let (_, _, total) = threads::list(
        &db,
        &sealer,
        Viewer::Staff(staff, StaffPools::of(portal_api::Pool::ALL)),
        &ListFilter::default(),
        50,
        None,
    )
    .await
    .expect("a new colleague's list");
    assert_eq!(
        total, 1,
        "the history the team had read is not unread for a newcomer either"
    );
}

#[tokio::test]
async fn unread_survives_the_upgrade_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    unread_survives_the_upgrade(Db::connect(&url).await.expect("connect")).await;
}

#[tokio::test]
async fn unread_survives_the_upgrade_on_postgres() {
    let Some((url, name)) = fresh_pg_database().await else {
        return;
    };
    let _database = TestDatabase(name);
    unread_survives_the_upgrade(Db::connect(&url).await.expect("connect")).await;
}
