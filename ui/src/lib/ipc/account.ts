// The person's own account: the devices signed in to it.
import { call } from "./call";
import type { SessionList, SessionsEnded } from "./types";

/** The person's open sessions, the most recently active first (one is this device). */
export function listSessions(): Promise<SessionList> {
  return call<SessionList>("list_sessions");
}

/** Signs out one of the person's other devices. */
export function endSession(sessionId: number): Promise<void> {
  return call<void>("end_session", { sessionId });
}

/** Signs out every other device of the person's. */
export function endOtherSessions(): Promise<SessionsEnded> {
  return call<SessionsEnded>("end_other_sessions");
}
