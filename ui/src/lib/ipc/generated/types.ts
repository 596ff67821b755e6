// Generated from the Rust types by `portal-desktop`'s `contract` module: do not edit.
// After changing a type, a limit, an error code or a command, run
//   UPDATE_GENERATED=1 cargo test -p portal-desktop --lib contract

/**
 * `add_draft_attachment`: the draft the file went to (new if it had no id yet) and the file.
 */
export type AddedAttachment = { draft_id: string, attachment: DraftAttachment, };

/**
 * The codes the app answers itself; the server's codes ([`ErrorCode`]) pass through.
 */
export type AppErrorCode = "invalid_server_url" | "ca_file" | "managed_setting" | "server_unreachable" | "untrusted_certificate" | "unexpected_answer" | "preferences" | "vault_locked" | "vault_unavailable" | "draft_damaged" | "attachment_damaged" | "draft_not_found" | "save_failed" | "earlier_version_sent";

/**
 * Whose threads a triage list shows.
 */
export type AssignedFilter = "me" | "unassigned";

/**
 * An attachment as listed on a message. The bytes come from `GET /api/v1/attachments/{id}`.
 */
export type AttachmentInfo = { 
/**
 * Server-generated id (random, not guessable).
 */
id: string, filename: string, media_type: MediaType, 
/**
 * Bytes as stored (after metadata was removed).
 */
size: number, };

/**
 * What a patient writes about; decides which pool of the care team receives it.
 */
export type Category = "medical_question" | "prescription_renewal" | "appointment" | "billing" | "other";

/**
 * A draft as the UI edits it (`load_draft`, `save_draft`, `remove_draft_attachment`).
 */
export type Draft = { 
/**
 * `None` for a draft never saved: `save_draft` then creates one and answers its id.
 */
draft_id: string | null, 
/**
 * The thread this draft replies to; `None` for a new conversation.
 */
thread_id: number | null, category: Category | null, subject: string, body: string, 
/**
 * Answered by the app; ignored by `save_draft` (files are attached and removed with
 * their own commands, so an autosave racing an upload cannot drop a file).
 */
attachments: Array<DraftAttachment>, };

/**
 * A file attached to a draft, as listed (the bytes stay in the vault).
 */
export type DraftAttachment = { 
/**
 * Chosen by the app (random), unique within the draft.
 */
id: string, 
/**
 * For display only: the file's base name, cleaned (see `filename`).
 */
filename: string, 
/**
 * Found from the content, not from the name.
 */
media_type: MediaType, 
/**
 * Bytes.
 */
size: number, };

/**
 * Whether a listed draft can be opened. A damaged one is listed once (so the person learns
 * about it), set aside, and not listed again.
 */
export type DraftStatus = "ok" | "damaged";

/**
 * `list_drafts`: one draft, without its body.
 */
export type DraftSummary = { draft_id: string, thread_id: number | null, subject: string, updated_at: string, status: DraftStatus, };

/**
 * `emergency_check`: the phrase found, if any.
 */
export type EmergencyCheck = { matched: string | null, };

/**
 * What every command rejects with (the UI's `IpcError`).
 */
export type IpcError = { 
/**
 * An `AppErrorCode` or a `ServerErrorCode`; a newer server may send codes this app does
 * not know, so the UI treats it as any string.
 */
code: string, 
/**
 * Written for the person using the app: no internals, no secrets, no health data.
 */
message: string, };

/**
 * The answer to `keep_alive`: the server saw a request from the session just now, and ends it
 * after this many seconds without another.
 */
export type KeepAlive = { idle_timeout_secs: number, };

/**
 * Which settings the organization set in the managed configuration (`managed`), so the UI
 * shows them read-only.
 */
export type ManagedFields = { server_url: boolean, ca_file: boolean, };

/**
 * An attachment's type. On the wire it is the MIME type (`"image/jpeg"`, …).
 */
export type MediaType = "image/jpeg" | "image/png" | "application/pdf";

export type Message = { id: number, author: Person, 
/**
 * Plain text: show it as text, never as HTML.
 */
body: string, created_at: string, 
/**
 * When the other side first read it, or null.
 */
read_at: string | null, attachments: Array<AttachmentInfo>, };

/**
 * `GET /api/v1/limits`: what the service accepts in a message, so a client checks a file
 * against the figure its operator chose before it sends anything.
 */
export type MessagingLimits = { 
/**
 * Largest attachment, in bytes.
 */
max_attachment_bytes: number, 
/**
 * Most attachments on one message.
 */
max_attachments_per_message: number, 
/**
 * Longest subject, in characters.
 */
max_subject_chars: number, 
/**
 * Longest message body, in characters.
 */
max_body_chars: number, };

/**
 * A person as shown beside a message or a thread: no email address.
 */
export type Person = { id: number, name: string, role: Role, };

/**
 * `GET /api/v1/policy`: the current portal policy and the caller's acceptance of it.
 */
export type Policy = { version: number, title: string, text: string, published_at: string, 
/**
 * When the caller accepted this version, or null if not yet.
 */
accepted_at: string | null, };

/**
 * A triage inbox of the care team.
 */
export type Pool = "clinical" | "front_desk" | "billing";

/**
 * `GET /api/v1/practice`: who runs this portal and how to reach them by phone.
 */
export type PracticeInfo = { name: string, 
/**
 * The number to call for urgent requests (the portal is never for emergencies).
 */
phone: string, };

/**
 * What a person may do in the portal.
 */
export type Role = "patient" | "physician" | "staff" | "admin";

/**
 * The answer of `save_settings`: `{"status": "saved", ...settings}` or
 * `{"status": "needs_confirmation", server_url, ca_file, message}`.
 */
export type SaveSettingsOutcome = { "status": "saved" } & Settings | { "status": "needs_confirmation" } & ServerChange;

/**
 * `save_draft`: what was written.
 */
export type SavedDraft = { draft_id: string, 
/**
 * Increases with every save of this draft (including attaching and removing files).
 */
version: number, saved_at: string, };

/**
 * `save_attachment`
 */
export type SavedFile = { path: string, };

/**
 * Upload progress of one attached file, for the UI's progress bars.
 */
export type SendProgress = { attachment_id: string, sent: number, total: number, };

/**
 * `send_draft`
 */
export type Sent = { thread_id: number, message_id: number, };

/**
 * What a save would change, and what to tell the person before they confirm.
 */
export type ServerChange = { server_url: SettingChange | null, ca_file: SettingChange | null, 
/**
 * Written for people, e.g. "You are about to connect to a different portal server: …".
 */
message: string, };

/**
 * Stable error codes. Clients act on these; unknown future codes parse as `Other`.
 */
export type ServerErrorCode = "invalid_credentials" | "account_locked" | "rate_limited" | "unauthenticated" | "session_expired" | "forbidden" | "break_the_glass_required" | "policy_not_accepted" | "policy_outdated" | "not_found" | "method_not_allowed" | "validation" | "weak_passphrase" | "conflict" | "payload_too_large" | "unsupported_media_type" | "request_timeout" | "active_content" | "internal" | "unavailable" | "other";

/**
 * What the UI is told about the session: who is signed in, the current policy, and after how
 * long without activity the server ends the session. It has no token field, by construction.
 */
export type Session = { user: User, policy: Policy, 
/**
 * The server ends the session this many seconds after its last request (`GET /me`); the
 * UI warns before and signs out when the person has been inactive this long.
 */
idle_timeout_secs: number, 
/**
 * What the service accepts in a message (its operator sets the attachment size); the app
 * checks files against it and the UI says it.
 */
limits: MessagingLimits, };

/**
 * One value before and after.
 */
export type SettingChange = { from: string, to: string, };

/**
 * The settings in force, as `get_settings` and `save_settings` answer them.
 */
export type Settings = { server_url: string, ca_file: string, 
/**
 * Which of these the organization's managed configuration sets (read-only in the UI).
 */
managed: ManagedFields, };

/**
 * A staff member as an admin sees them.
 */
export type StaffMember = { id: number, name: string, email: string, 
/**
 * The triage pools they work in: they see only these pools' threads.
 */
pools: Array<Pool>, };

/**
 * `GET /api/v1/threads/{id}`
 */
export type ThreadDetail = { thread: ThreadSummary, messages: Array<Message>, };

/**
 * `GET /api/v1/threads`
 */
export type ThreadList = { threads: Array<ThreadSummary>, 
/**
 * Unread messages over all the caller's threads (not only this page).
 */
unread_total: number, 
/**
 * Pass as `cursor` for the next page; null on the last page.
 */
next_cursor: string | null, };

export type ThreadStatus = "open" | "closed";

/**
 * One thread in a list.
 */
export type ThreadSummary = { id: number, subject: string, category: Category, pool: Pool, status: ThreadStatus, 
/**
 * Words suggesting an emergency were found: triage lists these first.
 */
urgent: boolean, patient: Person, assigned_to: Person | null, created_at: string, last_message_at: string, message_count: number, 
/**
 * Messages from the other side the caller's side has not read yet.
 */
unread: number, };

/**
 * `mark_thread_read`
 */
export type UnreadTotal = { unread_total: number, };

/**
 * A signed-in person, as the portal shows them.
 */
export type User = { id: number, email: string, name: string, role: Role, 
/**
 * A staff member's triage pools (they see only these pools' threads); empty for others.
 */
pools: Array<Pool>, };
