// Shapes exchanged with the Rust side (see the IPC contract). Results use the
// Rust field names (snake_case); command arguments are camelCase in JS and
// Tauri converts them to snake_case parameters.

export interface Settings {
  server_url: string;
  ca_file: string;
  last_email: string | null;
}

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
  ServerUnreachable: "server_unreachable",
  UntrustedCertificate: "untrusted_certificate",
  InvalidCredentials: "invalid_credentials",
  AccountLocked: "account_locked",
  RateLimited: "rate_limited",
  Validation: "validation",
  PolicyOutdated: "policy_outdated",
  SessionExpired: "session_expired",
  Unauthenticated: "unauthenticated",
  Unknown: "unknown",
} as const;
