// The only module that talks to the Rust side. Views call these typed
// functions; they never import `invoke` themselves.
import { invoke } from "@tauri-apps/api/core";
import {
  ErrorCode,
  type IpcError,
  type KeepAlive,
  type PracticeInfo,
  type Policy,
  type Session,
  type Settings,
} from "./types";

export * from "./types";

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

type SessionEndedListener = (error: IpcError) => void;
const sessionEndedListeners = new Set<SessionEndedListener>();

/**
 * Calls `listener` whenever any command reports `session_expired` or
 * `unauthenticated`. Returns a function that removes the listener.
 */
export function onSessionEnded(listener: SessionEndedListener): () => void {
  sessionEndedListeners.add(listener);
  return () => {
    sessionEndedListeners.delete(listener);
  };
}

interface CallOptions {
  /** Tell the `onSessionEnded` listeners when the command says the session has ended (default). */
  reportSessionEnd?: boolean;
}

async function call<T>(command: string, args?: Record<string, unknown>, options: CallOptions = {}): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    const error = toIpcError(raw);
    if (endsSession(error) && options.reportSessionEnd !== false) {
      for (const listener of sessionEndedListeners) listener(error);
    }
    throw error;
  }
}

export function getSettings(): Promise<Settings> {
  return call<Settings>("get_settings");
}

export function saveSettings(serverUrl: string, caFile: string): Promise<Settings> {
  return call<Settings>("save_settings", { serverUrl, caFile });
}

export function practiceInfo(): Promise<PracticeInfo> {
  return call<PracticeInfo>("practice_info");
}

export function signIn(email: string, password: string): Promise<Session> {
  return call<Session>("sign_in", { email, password });
}

export function getPolicy(): Promise<Policy> {
  return call<Policy>("get_policy");
}

export function acceptPolicy(version: number): Promise<Policy> {
  return call<Policy>("accept_policy", { version });
}

export function currentSession(): Promise<Session | null> {
  return call<Session | null>("current_session");
}

/**
 * Tells the server the person is still active, so their session does not end idle. Answers
 * the session's idle timeout.
 */
export function keepAlive(): Promise<KeepAlive> {
  return call<KeepAlive>("keep_alive");
}

/**
 * Signs out. With `quietly`, a session that had already ended is not reported to the
 * `onSessionEnded` listeners (for when the app has already left the signed-in screens).
 */
export async function signOut({ quietly = false }: { quietly?: boolean } = {}): Promise<void> {
  await call<null>("sign_out", undefined, { reportSessionEnd: !quietly });
}
