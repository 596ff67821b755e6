//! The server killed with SIGKILL in the middle of concurrent sends, then restarted, with
//! every client retrying what was not acknowledged under the same idempotency key: no
//! acknowledged message is lost and none is stored twice.

use std::collections::{HashMap, HashSet};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use portal_api::client::{ClientError, SessionToken};
use portal_api::{Category, NewMessage, NewThread};
use tokio::sync::Mutex;

use crate::helpers::{fresh_pg_database, TestDatabase, PATIENT};
use crate::server_process::{free_port, wait_until_up, Server};

const SENDERS: usize = 16;

/// What one sender knows: keys whose send was answered, and the one in flight when it failed.
#[derive(Default)]
struct Ledger {
    acknowledged: Vec<String>,
    unanswered: Option<String>,
}

async fn kill_during_concurrent_sends(database_url: Option<&str>) {
    let data = tempfile::tempdir().expect("tempdir");
    let mut demo = Command::new(env!("CARGO_BIN_EXE_portal-server"));
    demo.arg("--data-dir").arg(data.path());
    if let Some(url) = database_url {
        demo.arg("--database-url").arg(url);
    }
    let seeded = demo
        .arg("demo")
        .env_remove("PORTAL_DATABASE_URL")
        .output()
        .expect("demo");
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let port = free_port();
    let server = Server::start(data.path(), database_url, port, None);
    let client = wait_until_up(data.path(), port).await;
    let login = client.login(PATIENT.email, PATIENT.passphrase).await.expect("sign in");
    let token = SessionToken::new(login.token);
    client.accept_policy(&token, 1).await.expect("accept");
    let thread = NewThread {
        category: Category::MedicalQuestion,
        subject: "Crash test".into(),
        body: "first".into(),
        attachment_ids: vec![],
    };
    let thread_id = client
        .create_thread(&token, "crash-first", &thread)
        .await
        .expect("thread")
        .thread_id;

    // Senders send back to back until the server dies under them.
    let ledgers: Vec<Arc<Mutex<Ledger>>> = (0..SENDERS).map(|_| Arc::default()).collect();
    let mut tasks = Vec::new();
    for (s, ledger) in ledgers.iter().enumerate() {
        let (client, token, ledger) = (client.clone(), token.clone(), ledger.clone());
        tasks.push(tokio::spawn(async move {
            for n in 0.. {
                let key = format!("s{s}-m{n}");
                ledger.lock().await.unanswered = Some(key.clone());
                let body = NewMessage {
                    body: key.clone(),
                    attachment_ids: vec![],
                };
                match client.reply(&token, thread_id, &key, &body).await {
                    Ok(_) => {
                        let mut l = ledger.lock().await;
                        l.acknowledged.push(key);
                        l.unanswered = None;
                    }
                    Err(_) => return,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    server.kill();
    for task in tasks {
        task.await.expect("sender");
    }

    // Restart; every sender retries its unanswered message with the same key.
    let server = Server::start(data.path(), database_url, port, None);
    let client = wait_until_up(data.path(), port).await;
    let mut expected: HashSet<String> = HashSet::new();
    let mut acknowledged = 0;
    for ledger in &ledgers {
        let ledger = ledger.lock().await;
        acknowledged += ledger.acknowledged.len();
        expected.extend(ledger.acknowledged.iter().cloned());
        if let Some(key) = &ledger.unanswered {
            let body = NewMessage {
                body: key.clone(),
                attachment_ids: vec![],
            };
            let retried: Result<_, ClientError> = client.reply(&token, thread_id, key, &body).await;
            retried.expect("the retry after the restart succeeds");
            expected.insert(key.clone());
        }
    }
    assert!(acknowledged > 0, "the server acknowledged sends before it was killed");
    let detail = client.thread(&token, thread_id).await.expect("thread after restart");
    let mut seen: HashMap<String, usize> = HashMap::new();
    for message in detail.messages.iter().skip(1) {
        *seen.entry(message.body.clone()).or_default() += 1;
    }
    let duplicates: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(duplicates.is_empty(), "duplicates: {duplicates:?}");
    let lost: Vec<_> = expected.iter().filter(|k| !seen.contains_key(*k)).collect();
    assert!(lost.is_empty(), "lost: {lost:?}");
    assert_eq!(seen.len(), expected.len(), "nothing stored that no one sent");
    eprintln!(
        "crash test: {acknowledged} sends acknowledged before SIGKILL, {} after retries, 0 lost, 0 duplicated",
        expected.len()
    );
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_every_acknowledged_send_across_sigkill() {
    kill_during_concurrent_sends(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keeps_every_acknowledged_send_across_sigkill() {
    let Some((url, name)) = fresh_pg_database().await else {
        return;
    };
    let _database = TestDatabase(name);
    kill_during_concurrent_sends(Some(&url)).await;
}
