// Shapes exchanged with the Rust side (see the IPC contract). Results use the
// Rust field names (snake_case); command arguments are camelCase in JS and
// Tauri converts them to snake_case parameters.

export interface Settings {
  server_url: string;
  ca_file: string;
  /** Which settings the organization's managed configuration sets (shown read-only). */
  managed: { server_url: boolean; ca_file: boolean };
}

/** One value of the server settings, before and after a change. */
export interface SettingChange {
  from: string;
  to: string;
}

/** A change of server or certificate file that needs the person's confirmation. */
export interface ServerChange {
  server_url: SettingChange | null;
  ca_file: SettingChange | null;
  /** Written for people: "You are about to connect to a different portal server: …". */
  message: string;
}

/** The answer of `save_settings`: saved, or a change to confirm (saved only with `confirm`). */
export type SaveSettingsOutcome =
  | ({ status: "saved" } & Settings)
  | ({ status: "needs_confirmation" } & ServerChange);

export interface PracticeInfo {
  name: string;
  phone: string;
}

export type Role = "patient" | "physician" | "staff" | "admin";

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  /** A staff member's triage pools; empty for everyone else. */
  pools: Pool[];
}

export interface Policy {
  version: number;
  title: string;
  text: string;
  /** RFC 3339 timestamp. */
  published_at: string;
  /** RFC 3339 timestamp, or null while the user has not accepted this version. */
  accepted_at: string | null;
}

export interface Session {
  user: User;
  policy: Policy;
  /** The server ends the session after this many seconds without a request. */
  idle_timeout_secs: number;
}

/** What `keep_alive` answers: the server saw the session just now. */
export interface KeepAlive {
  idle_timeout_secs: number;
}

/** Every command rejects with this shape; `message` is written for patients. */
export interface IpcError {
  code: string;
  message: string;
}

/** Error codes the UI acts on. Any other code is shown using its message. */
export const ErrorCode = {
  InvalidServerUrl: "invalid_server_url",
  CaFile: "ca_file",
  ManagedSetting: "managed_setting",
  ServerUnreachable: "server_unreachable",
  UntrustedCertificate: "untrusted_certificate",
  InvalidCredentials: "invalid_credentials",
  AccountLocked: "account_locked",
  RateLimited: "rate_limited",
  Validation: "validation",
  PolicyOutdated: "policy_outdated",
  PolicyNotAccepted: "policy_not_accepted",
  SessionExpired: "session_expired",
  Unauthenticated: "unauthenticated",
  Forbidden: "forbidden",
  NotFound: "not_found",
  PayloadTooLarge: "payload_too_large",
  ActiveContent: "active_content",
  RequestTimeout: "request_timeout",
  UnsupportedMediaType: "unsupported_media_type",
  DraftDamaged: "draft_damaged",
  VaultLocked: "vault_locked",
  Unknown: "unknown",
} as const;

// ---- Secure messaging ----

/** Someone in a conversation: the patient or a member of the care team. */
export interface Person {
  id: number;
  name: string;
  role: Role;
}

export type Category = "medical_question" | "prescription_renewal" | "appointment" | "billing" | "other";

/** The team that handles a conversation (triage pools). */
export type Pool = "clinical" | "front_desk" | "billing";

export type ThreadStatus = "open" | "closed";

export interface ThreadSummary {
  id: number;
  subject: string;
  category: Category;
  pool: Pool;
  status: ThreadStatus;
  /** The server's emergency-phrase check flagged the conversation. */
  urgent: boolean;
  patient: Person;
  assigned_to: Person | null;
  /** RFC 3339 timestamp. */
  created_at: string;
  /** RFC 3339 timestamp. */
  last_message_at: string;
  message_count: number;
  /** Messages in this conversation the caller has not read yet. */
  unread: number;
}

export interface ThreadList {
  threads: ThreadSummary[];
  /** All unread messages of the caller, for the badge (not only those in `threads`). */
  unread_total: number;
  /** Set when the server has more conversations than this page holds. */
  next_cursor?: string | null;
}

export type AttachmentMediaType = "image/jpeg" | "image/png" | "application/pdf";

export interface AttachmentInfo {
  id: string;
  filename: string;
  media_type: AttachmentMediaType;
  /** Bytes. */
  size: number;
}

export interface Message {
  id: number;
  author: Person;
  body: string;
  /** RFC 3339 timestamp. */
  created_at: string;
  /** When the other side read it (RFC 3339), or null. */
  read_at: string | null;
  attachments: AttachmentInfo[];
}

export interface ThreadDetail {
  thread: ThreadSummary;
  messages: Message[];
}

export interface UnreadTotal {
  unread_total: number;
}

export interface ThreadFilter {
  pool?: Pool;
  status?: ThreadStatus;
  assigned?: "me" | "unassigned";
}

export interface EmergencyCheck {
  /** The phrase that looks like an emergency, or null. */
  matched: string | null;
}

export interface SavedFile {
  path: string;
}

// ---- Drafts (kept encrypted on this computer by the Rust side) ----

export interface DraftAttachment {
  id: string;
  filename: string;
  media_type: string;
  size: number;
}

/** A message being written. `thread_id` set: a reply in that conversation (category and subject unused). */
export interface Draft {
  /** Null until the Rust side has saved it once (it creates the id). */
  draft_id: string | null;
  thread_id: number | null;
  category: Category | null;
  subject: string;
  body: string;
  attachments: DraftAttachment[];
}

export interface DraftSummary {
  draft_id: string;
  thread_id: number | null;
  subject: string;
  /** RFC 3339 timestamp. */
  updated_at: string;
  /** `damaged`: the draft could not be opened and was set aside; it has no content to show. */
  status: "ok" | "damaged";
}

export interface SavedDraft {
  draft_id: string;
  version: number;
  /** RFC 3339 timestamp. */
  saved_at: string;
}

export interface AddedAttachment {
  draft_id: string;
  attachment: DraftAttachment;
}

/** Progress of one attachment while a draft is sent. */
export interface SendProgress {
  attachment_id: string;
  sent: number;
  total: number;
}

export interface Sent {
  thread_id: number;
  message_id: number;
}

// ---- Staff and their triage pools (an admin's screen) ----
// Mirrors portal-api's `StaffMember` (backend/api/src/types.rs) by hand until types.ts is
// generated from Rust (issue 9, section 3); the commands are `list_staff` and `set_staff_pools`.

/** A staff member as an admin sees them: no health data. */
export interface StaffMember {
  id: number;
  name: string;
  email: string;
  /** The triage pools they work in (the service keeps at least one), in the service's order. */
  pools: Pool[];
}
