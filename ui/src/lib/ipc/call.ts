// How every command is called: `invoke`, with each rejection turned into
// `IpcError {code, message}` and the app told when a session ended or the policy must be
// accepted first. Only the modules in this folder use it.
import { invoke, type InvokeArgs, type InvokeOptions } from "@tauri-apps/api/core";
import { ErrorCode, type CommandName, type IpcError } from "./types";

const GENERIC_MESSAGE =
  "Something went wrong on our side. Please try again. If it keeps happening, please call the practice.";

const SESSION_END_CODES: ReadonlySet<string> = new Set([ErrorCode.SessionExpired, ErrorCode.Unauthenticated]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Turns whatever a command rejected with into `{code, message}`. */
export function toIpcError(raw: unknown): IpcError {
  if (isRecord(raw)) {
    const code = typeof raw.code === "string" && raw.code !== "" ? raw.code : ErrorCode.Unknown;
    const message = typeof raw.message === "string" && raw.message.trim() !== "" ? raw.message : GENERIC_MESSAGE;
    return { code, message };
  }
  // A bare string comes from Tauri itself (for example a missing command), not
  // from our commands: it is technical, so patients get a plain message instead.
  if (typeof raw === "string" && raw !== "") {
    console.error("IPC error:", raw);
  }
  return { code: ErrorCode.Unknown, message: GENERIC_MESSAGE };
}

export function isIpcError(value: unknown): value is IpcError {
  return isRecord(value) && typeof value.code === "string" && typeof value.message === "string";
}

/** True when the error means the user is no longer signed in. */
export function endsSession(error: IpcError): boolean {
  return SESSION_END_CODES.has(error.code);
}

type ErrorListener = (error: IpcError) => void;
const sessionEndedListeners = new Set<ErrorListener>();
const policyRequiredListeners = new Set<ErrorListener>();
const grantEndedListeners = new Set<ErrorListener>();
const screenLockedListeners = new Set<ErrorListener>();

function listen(set: Set<ErrorListener>, listener: ErrorListener): () => void {
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

/**
 * Calls `listener` whenever any command reports `session_expired` or
 * `unauthenticated`. Returns a function that removes the listener.
 */
export function onSessionEnded(listener: ErrorListener): () => void {
  return listen(sessionEndedListeners, listener);
}

/**
 * Calls `listener` whenever any command reports `policy_not_accepted` (a newer policy was
 * published while the person was signed in). Returns a function that removes the listener.
 */
export function onPolicyRequired(listener: ErrorListener): () => void {
  return listen(policyRequiredListeners, listener);
}

/**
 * Calls `listener` whenever any command reports `grant_ended`: the person acted for a patient
 * whose grant has ended or run out, and the Rust side now acts for the person themselves.
 * Returns a function that removes the listener.
 */
export function onGrantEnded(listener: ErrorListener): () => void {
  return listen(grantEndedListeners, listener);
}

/**
 * Calls `listener` whenever any command reports `screen_locked` (workstation mode: the Rust
 * side locked the screen, on its own idle timer). Returns a function that removes the listener.
 */
export function onScreenLocked(listener: ErrorListener): () => void {
  return listen(screenLockedListeners, listener);
}

export interface CallOptions {
  /** Tell the `onSessionEnded` listeners when the command says the session has ended (default). */
  reportSessionEnd?: boolean;
  /** Headers for a command whose argument is a raw body (bytes). */
  headers?: Record<string, string>;
}

/** Calls one of the app's commands (`CommandName`: generated from its list of commands). */
export async function call<T>(command: CommandName, args?: InvokeArgs, options: CallOptions = {}): Promise<T> {
  try {
    const invokeOptions: InvokeOptions | undefined = options.headers ? { headers: options.headers } : undefined;
    return await invoke<T>(command, args, invokeOptions);
  } catch (raw) {
    const error = toIpcError(raw);
    if (endsSession(error) && options.reportSessionEnd !== false) {
      for (const listener of sessionEndedListeners) listener(error);
    } else if (error.code === ErrorCode.PolicyNotAccepted) {
      for (const listener of policyRequiredListeners) listener(error);
    } else if (error.code === ErrorCode.GrantEnded) {
      for (const listener of grantEndedListeners) listener(error);
    } else if (error.code === ErrorCode.ScreenLocked) {
      for (const listener of screenLockedListeners) listener(error);
    }
    throw error;
  }
}
