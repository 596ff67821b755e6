//! The worker `serve` starts when a relay is configured: it claims due mails from the outbox
//! (`store::outbox`), renders and sends each, and marks it sent, or failed to be tried again
//! after a growing delay (`domain::mail_retry`). Claims and marks go through the service's
//! writer, so on SQLite they wait their turn with every other write; on PostgreSQL each
//! instance runs one and the claims keep them apart.
//!
//! Logs name a mail by its id and kind, never its address, code or words.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;

use super::smtp::{Relay, SendFailure};
use crate::domain::mail_retry::{after_failure, AfterFailure};
use crate::domain::notices::render;
use crate::state::AppState;
use crate::store::outbox::{self, ClaimedMail};
use crate::store::StoreError;

/// Mails claimed at once. With the SMTP timeout (20 s) a batch ends well within its lease.
const BATCH: i64 = 10;
/// How long a claim holds a mail against other workers.
const LEASE: TimeDelta = TimeDelta::minutes(5);

pub struct OutboxWorker {
    state: AppState,
    relay: Arc<Relay>,
    /// Tells this worker's claims from other instances'.
    name: String,
}

impl OutboxWorker {
    pub fn new(state: AppState, relay: Relay) -> Self {
        Self {
            state,
            relay: Arc::new(relay),
            name: format!("worker-{}", hex::encode(rand::random::<[u8; 8]>())),
        }
    }

    /// Drains the outbox until the task is aborted: at once while full batches come, else
    /// every `poll_interval`.
    pub async fn run_forever(self, poll_interval: Duration) {
        loop {
            match self.drain_once().await {
                Ok(n) if n as i64 == BATCH => continue,
                Ok(_) => {}
                Err(error) => error.log("mail outbox: claiming or marking failed"),
            }
            tokio::time::sleep(poll_interval).await;
        }
    }

    /// Claims one batch of due mails and tries each once. Returns how many were claimed.
    pub async fn drain_once(&self) -> Result<usize, StoreError> {
        let now = self.state.clock.now();
        if !outbox::any_due(&self.state.db, now).await? {
            return Ok(0);
        }
        let engine = self.state.db.engine;
        let sealer = self.state.text_sealer.clone();
        let name = self.name.clone();
        let claimed: Vec<ClaimedMail> = self
            .state
            .writer
            .run(move |conn| {
                Box::pin(async move { outbox::claim(conn, engine, &sealer, &name, now, LEASE, BATCH).await })
            })
            .await?;
        let count = claimed.len();
        for mail in claimed {
            self.deliver(mail).await?;
        }
        Ok(count)
    }

    async fn deliver(&self, mail: ClaimedMail) -> Result<(), StoreError> {
        let (kind, result) = match &mail.content {
            Ok((notice, language, practice)) => (
                notice.kind(),
                self.relay
                    .send(&mail.recipient, &render(notice, *language, practice))
                    .await,
            ),
            Err(_) => (
                "unreadable",
                Err(SendFailure {
                    permanent: true,
                    what: "the stored mail cannot be read".into(),
                }),
            ),
        };
        let now = self.state.clock.now();
        let (id, name) = (mail.id, self.name.clone());
        match result {
            Ok(()) => {
                let held = self
                    .state
                    .writer
                    .run(move |conn| Box::pin(async move { outbox::mark_sent(conn, id, &name, now).await }))
                    .await?;
                tracing::info!(mail_id = id, kind, held, "mail sent");
            }
            Err(failure) => {
                let attempts = mail.attempts + 1;
                let after = after_failure(attempts, failure.permanent);
                let what = failure.what.clone();
                self.state
                    .writer
                    .run(move |conn| {
                        Box::pin(async move { outbox::mark_failed(conn, id, &name, now, after, &what).await })
                    })
                    .await?;
                match after {
                    AfterFailure::RetryIn(delay) => tracing::warn!(
                        mail_id = id,
                        kind,
                        attempts,
                        retry_in_s = delay.num_seconds(),
                        error = %failure.what,
                        "mail not sent; it will be tried again"
                    ),
                    AfterFailure::GiveUp => tracing::error!(
                        mail_id = id,
                        kind,
                        attempts,
                        error = %failure.what,
                        "mail not sent; given up"
                    ),
                }
            }
        }
        Ok(())
    }
}
