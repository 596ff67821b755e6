//! Secure messaging bodies: threads between a patient and the care team, their messages and
//! attachments, and the staff triage actions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

use crate::media::MediaType;
use crate::people::{Pool, Role};

/// Header carrying the client's idempotency key on sends: a retried send with the same key
/// answers the first result and never creates a second message.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
/// Longest idempotency key, in characters (printable ASCII, so also bytes).
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 128;

/// Header marking a request the app made on its own (a timer refreshing the unread count),
/// not for something the person did: the server does not count it as activity, so an
/// unattended app still reaches the idle sign-out. Value `1`.
pub const BACKGROUND_HEADER: &str = "x-portal-background";

/// Longest message body, in characters.
pub const MAX_BODY_CHARS: usize = 20_000;
/// Longest subject, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// Most attachments on one message.
pub const MAX_ATTACHMENTS_PER_MESSAGE: usize = 5;
/// Largest attachment a service accepts unless its operator set another size
/// (`portal-server serve --max-attachment-mib`): 10 MiB. Clients use the service's own figure
/// ([`MessagingLimits`], `GET /api/v1/limits`).
pub const DEFAULT_MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;
/// Fewest threads a page can be asked for.
pub const MIN_PAGE: u32 = 1;
/// Threads on one page of a list unless the caller asks for fewer.
pub const DEFAULT_PAGE: u32 = 50;
/// Most threads on one page.
pub const MAX_PAGE: u32 = 100;

/// `GET /api/v1/limits`: what the service accepts in a message, so a client checks a file
/// against the figure its operator chose before it sends anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessagingLimits {
    /// Largest attachment, in bytes.
    pub max_attachment_bytes: u64,
    /// Most attachments on one message.
    pub max_attachments_per_message: u32,
    /// Longest subject, in characters.
    pub max_subject_chars: u32,
    /// Longest message body, in characters.
    pub max_body_chars: u32,
}

impl Default for MessagingLimits {
    /// The limits of a service started without options.
    fn default() -> Self {
        Self::with_max_attachment_bytes(DEFAULT_MAX_ATTACHMENT_BYTES)
    }
}

impl MessagingLimits {
    /// The fixed limits of this version of the API, with the service's attachment size.
    pub const fn with_max_attachment_bytes(max_attachment_bytes: u64) -> Self {
        Self {
            max_attachment_bytes,
            max_attachments_per_message: MAX_ATTACHMENTS_PER_MESSAGE as u32,
            max_subject_chars: MAX_SUBJECT_CHARS as u32,
            max_body_chars: MAX_BODY_CHARS as u32,
        }
    }
}

/// What a patient writes about; decides which pool of the care team receives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    MedicalQuestion,
    PrescriptionRenewal,
    Appointment,
    Billing,
    Other,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::MedicalQuestion,
        Category::PrescriptionRenewal,
        Category::Appointment,
        Category::Billing,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::MedicalQuestion => "medical_question",
            Category::PrescriptionRenewal => "prescription_renewal",
            Category::Appointment => "appointment",
            Category::Billing => "billing",
            Category::Other => "other",
        }
    }

    /// The pool a new thread of this category is routed to.
    pub fn pool(self) -> Pool {
        match self {
            Category::MedicalQuestion | Category::PrescriptionRenewal => Pool::Clinical,
            Category::Appointment | Category::Other => Pool::FrontDesk,
            Category::Billing => Pool::Billing,
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ThreadStatus {
    Open,
    Closed,
}

impl ThreadStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ThreadStatus::Open => "open",
            ThreadStatus::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [ThreadStatus::Open, ThreadStatus::Closed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// Whose threads a triage list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AssignedFilter {
    /// Assigned to the caller.
    Me,
    /// Assigned to nobody yet.
    Unassigned,
}

/// A person as shown beside a message or a thread: no email address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// One thread in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ThreadSummary {
    pub id: i64,
    pub subject: String,
    pub category: Category,
    pub pool: Pool,
    pub status: ThreadStatus,
    /// Words suggesting an emergency were found: triage lists these first.
    pub urgent: bool,
    pub patient: Person,
    pub assigned_to: Option<Person>,
    pub created_at: DateTime<Utc>,
    pub last_message_at: DateTime<Utc>,
    pub message_count: i64,
    /// Messages from the other side the caller's side has not read yet.
    pub unread: i64,
}

/// `GET /api/v1/threads` query. Patients always get their own threads; physicians and staff
/// get the threads of their care team, filtered by pool, status and assignment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ThreadQuery {
    /// Only threads of this pool (triage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<Pool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ThreadStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned: Option<AssignedFilter>,
    /// Threads per page ([`MIN_PAGE`] to [`MAX_PAGE`], default [`DEFAULT_PAGE`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// `GET /api/v1/threads`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ThreadList {
    pub threads: Vec<ThreadSummary>,
    /// Unread messages over all the caller's threads (not only this page).
    pub unread_total: i64,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// An attachment as listed on a message. The bytes come from `GET /api/v1/attachments/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AttachmentInfo {
    /// Server-generated id (random, not guessable).
    pub id: String,
    pub filename: String,
    pub media_type: MediaType,
    /// Bytes as stored (after metadata was removed).
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Message {
    pub id: i64,
    pub author: Person,
    /// Plain text: show it as text, never as HTML.
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// When the other side first read it, or null.
    pub read_at: Option<DateTime<Utc>>,
    pub attachments: Vec<AttachmentInfo>,
    /// Written by an authorized person for the patient: the patient's name (show "Jane Doe
    /// for John Doe"); null when the author wrote for themselves.
    #[serde(default)]
    pub written_for: Option<String>,
}

/// `GET /api/v1/threads/{id}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ThreadDetail {
    pub thread: ThreadSummary,
    pub messages: Vec<Message>,
}

/// `POST /api/v1/threads` (with an `Idempotency-Key` header). Patients only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewThread {
    pub category: Category,
    pub subject: String,
    pub body: String,
    #[serde(default)]
    pub attachment_ids: Vec<String>,
}

/// `POST /api/v1/threads/{id}/messages` (with an `Idempotency-Key` header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewMessage {
    pub body: String,
    #[serde(default)]
    pub attachment_ids: Vec<String>,
}

/// Answer to a send: the thread after it and the message stored. A retry with the same
/// idempotency key answers the same ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SendReceipt {
    pub thread_id: i64,
    pub message_id: i64,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/v1/threads/{id}/read`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReadReceipt {
    /// Messages marked read by this call.
    pub marked: i64,
    /// The caller's unread messages left over all threads.
    pub unread_total: i64,
}

/// `POST /api/v1/threads/{id}/assign`: `user_id` null removes the assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssignRequest {
    pub user_id: Option<i64>,
}

/// `GET /api/v1/care-team`: who a thread can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CareTeam {
    pub members: Vec<Person>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_route_to_pools() {
        assert_eq!(Category::MedicalQuestion.pool(), Pool::Clinical);
        assert_eq!(Category::PrescriptionRenewal.pool(), Pool::Clinical);
        assert_eq!(Category::Appointment.pool(), Pool::FrontDesk);
        assert_eq!(Category::Billing.pool(), Pool::Billing);
        assert_eq!(Category::Other.pool(), Pool::FrontDesk);
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
        for p in Pool::ALL {
            assert_eq!(Pool::parse(p.as_str()), Some(p));
        }
    }
}
