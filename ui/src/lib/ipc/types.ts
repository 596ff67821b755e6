// The shapes exchanged with the Rust side, generated from the Rust types (see
// `generated/`, rewritten by `UPDATE_GENERATED=1 cargo test -p portal-desktop --lib contract`).
// Results use the Rust field names (snake_case); command arguments are camelCase in JS and
// Tauri converts them to snake_case parameters. Only helpers the UI alone uses are written here.
import type { AssignedFilter, Pool, ThreadStatus } from "./generated/types";
import { ERROR_CODES } from "./generated/values";

export type * from "./generated/types";
export * from "./generated/values";

/** Error codes the UI acts on: every code a command can reject with, and `unknown` for a
 * rejection that was not one of the app's (`toIpcError`). Any code is shown using its message. */
export const ErrorCode = { ...ERROR_CODES, Unknown: "unknown" } as const;

/** The filters `list_threads` takes. */
export interface ThreadFilter {
  pool?: Pool;
  status?: ThreadStatus;
  assigned?: AssignedFilter;
}

