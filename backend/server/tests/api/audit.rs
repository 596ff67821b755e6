//! The audit log: append-only in the database, chained row to row, and `portal-server audit
//! verify` naming the first row where someone with the database file changed, removed or
//! inserted rows.

use std::borrow::Cow;
use std::process::Command;

use chrono::SecondsFormat;
use portal_api::{Category, ThreadQuery};
use sqlx::AnyPool;

use crate::helpers::{
    fresh_pg_database, run, test_limits, two_instances_on_postgres, Backend, TestApp, TestDatabase, OTHER_PATIENT,
    PATIENT, PHYSICIAN, STAFF,
};
use crate::messaging::{key, new_thread, reply, send_thread};
use crate::on_both_databases;

/// Runs `portal-server audit verify` on `database_url`: (exited 0, what it printed).
async fn audit_verify(database_url: &str) -> (bool, String) {
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || {
        let data = tempfile::tempdir().expect("tempdir");
        let out = Command::new(env!("CARGO_BIN_EXE_portal-server"))
            .arg("--data-dir")
            .arg(data.path())
            .arg("--database-url")
            .arg(&url)
            .args(["audit", "verify"])
            .output()
            .expect("run portal-server");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    })
    .await
    .expect("join")
}

async fn verify_app(app: &TestApp) -> (bool, String) {
    audit_verify(app.state.db.url.expose()).await
}

/// (id, at) of every audit row, in id order.
async fn audit_rows(pool: &AnyPool) -> Vec<(i64, i64)> {
    sqlx::query_as("SELECT id, at FROM audit_events ORDER BY id")
        .fetch_all(pool)
        .await
        .expect("audit rows")
}

/// A stored time as the verifier prints it.
fn shown(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .expect("time")
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

async fn exec(pool: &AnyPool, sql: &str, id: i64) {
    sqlx::query(sql).bind(id).execute(pool).await.expect(sql);
}

/// What an attacker with the database file does first: drop every trigger on the table.
async fn drop_audit_triggers(app: &TestApp) {
    let pool = &app.state.db.pool;
    let postgres = app.state.db.url.expose().starts_with("postgres");
    let names: Vec<String> = if postgres {
        sqlx::query_scalar(
            "SELECT tgname::text FROM pg_trigger WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal",
        )
        .fetch_all(pool)
        .await
        .expect("triggers")
    } else {
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")
            .fetch_all(pool)
            .await
            .expect("triggers")
    };
    for name in names {
        let sql = if postgres {
            format!("DROP TRIGGER {name} ON audit_events")
        } else {
            format!("DROP TRIGGER {name}")
        };
        sqlx::query(&sql).execute(pool).await.expect("drop trigger");
    }
}

async fn tampering_is_found_at_the_row_it_touched(app: TestApp) {
    let patient = app.login_and_accept(PATIENT).await;
    let staff = app.login_and_accept(STAFF).await;
    let thread = send_thread(&app, &patient, &new_thread(Category::Billing, "Invoice", "Twice?")).await;
    app.client.threads(&staff, &ThreadQuery::default()).await.expect("list");
    app.client
        .reply(&staff, thread, &key(), &reply("Let me check."))
        .await
        .expect("reply");
    app.client.logout(&patient).await.expect("sign out");
    let pool = &app.state.db.pool;
    let rows = audit_rows(pool).await;
    assert!(rows.len() >= 9, "{rows:?}");

    let (intact, out) = verify_app(&app).await;
    assert!(intact, "{out}");
    assert!(out.contains(&format!("audit log intact: {} rows", rows.len())), "{out}");
    assert!(!out.contains("no longer refuses"), "{out}");

    drop_audit_triggers(&app).await;
    let (intact, out) = verify_app(&app).await;
    assert!(intact, "{out}");
    assert!(out.contains("no longer refuses changes to the audit log"), "{out}");
    let broken_at = |(id, at): (i64, i64)| format!("audit log broken at row {id} ({})", shown(at));

    // An action changed, then put back as it was.
    let action: String = sqlx::query_scalar("SELECT action FROM audit_events WHERE id = $1")
        .bind(rows[2].0)
        .fetch_one(pool)
        .await
        .expect("action");
    exec(
        pool,
        "UPDATE audit_events SET action = 'auth.sign_out' WHERE id = $1",
        rows[2].0,
    )
    .await;
    let (intact, out) = verify_app(&app).await;
    assert!(!intact, "{out}");
    assert!(out.contains(&broken_at(rows[2])), "{out}");
    assert!(out.contains("changed"), "{out}");
    sqlx::query("UPDATE audit_events SET action = $1 WHERE id = $2")
        .bind(&action)
        .bind(rows[2].0)
        .execute(pool)
        .await
        .expect("put back");
    let (intact, out) = verify_app(&app).await;
    assert!(intact, "as it was: {out}");

    // A time moved by one millisecond.
    exec(pool, "UPDATE audit_events SET at = at + 1 WHERE id = $1", rows[4].0).await;
    let (intact, out) = verify_app(&app).await;
    assert!(!intact, "{out}");
    assert!(out.contains(&broken_at((rows[4].0, rows[4].1 + 1))), "{out}");
    assert!(out.contains("changed"), "{out}");
    exec(pool, "UPDATE audit_events SET at = at - 1 WHERE id = $1", rows[4].0).await;
    assert!(verify_app(&app).await.0);

    // A copy of a row, hashes and all, added after the last one.
    let last = rows.last().expect("rows").0;
    sqlx::query(
        "INSERT INTO audit_events (id, at, actor_user_id, subject_user_id, action, object, client_addr, \
         prev_hash, row_hash) \
         SELECT $1, at, actor_user_id, subject_user_id, action, object, client_addr, prev_hash, row_hash \
         FROM audit_events WHERE id = $2",
    )
    .bind(last + 1)
    .bind(rows[3].0)
    .execute(pool)
    .await
    .expect("insert a copy");
    let (intact, out) = verify_app(&app).await;
    assert!(!intact, "{out}");
    assert!(out.contains(&broken_at((last + 1, rows[3].1))), "{out}");
    assert!(out.contains("inserted"), "{out}");
    exec(pool, "DELETE FROM audit_events WHERE id = $1", last + 1).await;
    assert!(verify_app(&app).await.0);

    // The last row removed: the chain's head still names it.
    exec(pool, "DELETE FROM audit_events WHERE id = $1", last).await;
    let (intact, out) = verify_app(&app).await;
    assert!(!intact, "{out}");
    let before_last = rows[rows.len() - 2];
    assert!(
        out.contains(&format!(
            "audit log broken after row {} ({})",
            before_last.0,
            shown(before_last.1)
        )),
        "{out}"
    );
    assert!(out.contains("removed"), "{out}");

    // A row removed in the middle: the chain breaks at the next one (the first break told).
    exec(pool, "DELETE FROM audit_events WHERE id = $1", rows[5].0).await;
    let (intact, out) = verify_app(&app).await;
    assert!(!intact, "{out}");
    assert!(out.contains(&broken_at(rows[6])), "{out}");
    assert!(out.contains("removed"), "{out}");
}
on_both_databases!(tampering_is_found_at_the_row_it_touched);

async fn the_audit_log_refuses_changes_and_rows_outside_the_chain(app: TestApp) {
    app.login_and_accept(PATIENT).await;
    let pool = &app.state.db.pool;
    let rows = audit_rows(pool).await;
    let first = rows[0].0;
    for sql in [
        "UPDATE audit_events SET action = 'auth.sign_out' WHERE id = $1",
        "UPDATE audit_events SET at = at + 1 WHERE id = $1",
        "DELETE FROM audit_events WHERE id = $1",
        "DELETE FROM audit_events WHERE id >= $1",
    ] {
        let refused = sqlx::query(sql)
            .bind(first)
            .execute(pool)
            .await
            .expect_err("refused by the database");
        assert!(refused.to_string().contains("append-only"), "{sql}: {refused}");
    }
    if app.state.db.url.expose().starts_with("postgres") {
        let refused = sqlx::query("TRUNCATE audit_events")
            .execute(pool)
            .await
            .expect_err("refused");
        assert!(refused.to_string().contains("append-only"), "{refused}");
    }
    // Nor does the chain's head go back or away.
    for sql in [
        "UPDATE audit_chain_head SET last_id = 0",
        "DELETE FROM audit_chain_head",
    ] {
        let refused = sqlx::query(sql).execute(pool).await.expect_err("refused");
        assert!(refused.to_string().contains("append-only"), "{sql}: {refused}");
    }
    let outside = sqlx::query("INSERT INTO audit_events (at, action) VALUES (1, 'auth.sign_in')")
        .execute(pool)
        .await;
    assert!(outside.is_err(), "a row without its place in the chain is refused");
    assert_eq!(audit_rows(pool).await, rows);
    let (intact, out) = verify_app(&app).await;
    assert!(intact, "{out}");
}
on_both_databases!(the_audit_log_refuses_changes_and_rows_outside_the_chain);

/// Sign-ins (outside the writer), failed sign-ins, sends and list reads (through it), from
/// many tasks at once on `apps` in turn.
async fn busy_day(apps: &[&TestApp]) {
    let accounts = [PATIENT, OTHER_PATIENT, STAFF, PHYSICIAN];
    // The care team signs in with a second factor: a 6-digit code is accepted once per 30
    // seconds, so the many sign-ins at one moment each use one of the recovery codes.
    let mut recovery = std::collections::HashMap::new();
    for account in [STAFF, PHYSICIAN] {
        recovery.insert(account.email, apps[0].recovery_codes_of(account).await);
    }
    let mut tasks = Vec::new();
    for i in 0..24 {
        let app = apps[i % apps.len()];
        let client = app.client.clone();
        let account = accounts[i % accounts.len()];
        let code = recovery.get_mut(account.email).and_then(Vec::pop);
        tasks.push(tokio::spawn(async move {
            let failed = client
                .login(&format!("nobody-{i}@example.com"), "not the right pass-phrase")
                .await;
            assert!(failed.is_err());
            let signed_in = match &code {
                Some(code) => {
                    client
                        .login_with_code(account.email, account.passphrase, code, None)
                        .await
                }
                None => client.login(account.email, account.passphrase).await,
            }
            .expect("sign in");
            let token = portal_api::client::SessionToken::new(signed_in.token);
            let policy = client.policy(&token).await.expect("policy");
            client.accept_policy(&token, policy.version).await.expect("accept");
            if account.email == PATIENT.email || account.email == OTHER_PATIENT.email {
                for n in 0..3 {
                    client
                        .create_thread(&token, &key(), &new_thread(Category::Other, "Hello", &format!("#{n}")))
                        .await
                        .expect("send");
                }
            }
            client.threads(&token, &ThreadQuery::default()).await.expect("list");
            client.logout(&token).await.expect("sign out");
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
}

async fn concurrent_writes_keep_one_chain(app: TestApp) {
    busy_day(&[&app]).await;
    let count = audit_rows(&app.state.db.pool).await.len();
    assert!(count >= 24 * 6, "{count}");
    let (intact, out) = verify_app(&app).await;
    assert!(intact, "{out}");
    assert!(out.contains(&format!("audit log intact: {count} rows")), "{out}");
}

mod concurrent_writes_keep_one_chain {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        run(Backend::Sqlite, test_limits(), super::concurrent_writes_keep_one_chain).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        run(
            Backend::Postgres,
            test_limits(),
            super::concurrent_writes_keep_one_chain,
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgres_database_keep_one_chain() {
    let Some((first, second, _database)) = two_instances_on_postgres().await else {
        return;
    };
    busy_day(&[&first, &second]).await;
    let count = audit_rows(&first.state.db.pool).await.len();
    let (intact, out) = verify_app(&first).await;
    assert!(intact, "{out}");
    assert!(out.contains(&format!("audit log intact: {count} rows")), "{out}");
}

/// A database as the previous version left it: migrations 1 and 2 only, and audit rows
/// written without a chain (on PostgreSQL with a gap in their ids, as rolled-back inserts
/// leave).
async fn legacy_database(backend: Backend, dir: &std::path::Path) -> Option<(String, Option<TestDatabase>)> {
    sqlx::any::install_default_drivers();
    let (url, database, engine) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}?mode=rwc", dir.join("portal.db").display()),
            None,
            "sqlite",
        ),
        Backend::Postgres => {
            let (url, name) = fresh_pg_database().await?;
            (url, Some(TestDatabase(name)), "postgres")
        }
    };
    let pool = AnyPool::connect(&url).await.expect("connect");
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(engine);
    let mut migrator = sqlx::migrate::Migrator::new(folder).await.expect("migrations");
    migrator.migrations = Cow::Owned(migrator.migrations.iter().filter(|m| m.version <= 2).cloned().collect());
    migrator.run(&pool).await.expect("the previous version's migrations");
    for (at, action, object) in [
        (1_700_000_000_000_i64, "auth.sign_in", None),
        (1_700_000_001_000, "policy.accepted", Some("policy:1")),
        (1_700_000_002_000, "threads.listed", Some("threads:")),
        (1_700_000_003_000, "auth.sign_out", None),
    ] {
        sqlx::query(
            "INSERT INTO audit_events (at, actor_user_id, subject_user_id, action, object, client_addr) \
             VALUES ($1, NULL, NULL, $2, $3, '192.0.2.7')",
        )
        .bind(at)
        .bind(action)
        .bind(object)
        .execute(&pool)
        .await
        .expect("legacy row");
    }
    if backend == Backend::Postgres {
        sqlx::query("DELETE FROM audit_events WHERE action = 'threads.listed'")
            .execute(&pool)
            .await
            .expect("a gap");
    }
    pool.close().await;
    Some((url, database))
}

async fn rows_written_before_the_upgrade_join_the_chain(backend: Backend) {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some((url, _database)) = legacy_database(backend, dir.path()).await else {
        return;
    };
    let (intact, out) = audit_verify(&url).await;
    assert!(intact, "the upgrade by `audit verify` itself: {out}");
    let app = TestApp::spawn(Some(url.clone()), test_limits(), true).await;
    app.login_and_accept(PATIENT).await;
    let rows = audit_rows(&app.state.db.pool).await;
    assert!(rows.len() >= 5, "{rows:?}");
    let (intact, out) = audit_verify(&url).await;
    assert!(intact, "{out}");
    assert!(out.contains(&format!("audit log intact: {} rows", rows.len())), "{out}");
}

mod rows_written_before_the_upgrade_join_the_chain {
    use super::*;

    #[tokio::test]
    async fn sqlite() {
        super::rows_written_before_the_upgrade_join_the_chain(Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres() {
        super::rows_written_before_the_upgrade_join_the_chain(Backend::Postgres).await;
    }
}
