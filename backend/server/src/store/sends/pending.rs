//! What a batch of sends holds: each send as queued, the keys stored before it, and the sends
//! it stores.

use chrono::{DateTime, Utc};
use portal_api::{Category, SendReceipt};

use crate::domain::access::Viewer;

/// Where a send goes.
#[derive(Debug, Clone)]
pub enum SendTarget {
    /// A new thread (patients only; checked before queueing).
    NewThread {
        category: Category,
        subject: String,
    },
    Reply {
        thread_id: i64,
    },
}

/// One send, checked for shape and waiting for the writer.
#[derive(Debug, Clone)]
pub struct PendingSend {
    pub viewer: Viewer,
    pub target: SendTarget,
    pub body: String,
    /// The words suggest an emergency (raises the thread's urgency).
    pub urgent: bool,
    pub attachment_ids: Vec<String>,
    pub idempotency_key: String,
    /// SHA-256 of what was sent: a retried key must carry the same content.
    pub request_hash: String,
    pub client_addr: String,
    pub at: DateTime<Utc>,
}

/// A send the batch will store.
pub(super) struct Stored {
    pub(super) index: usize,
    pub(super) thread_id: i64,
    pub(super) message_id: i64,
    /// The thread's patient (for the audit record).
    pub(super) patient_id: i64,
}

/// A key as stored before this batch.
pub(super) struct StoredKey {
    pub(super) request_hash: String,
    pub(super) receipt: SendReceipt,
}
