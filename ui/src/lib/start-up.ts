// What the app needs before its first screen: the settings (the language kept, workstation
// mode) and whether someone is signed in already. main.ts waits for the settings (the
// language of the first screen), App for the session.
//
// The window's first page is handed both when the Rust side creates the window (an
// initialization script, `src-tauri/src/start_handover.rs`): its settings, and nobody signed
// in (no session exists before the window's first page). So the first screen waits for no
// call through the isolation frame. A page loaded again (a reload) may be signed in and may
// have other settings by then: it asks for both, side by side (each call crosses the
// isolation frame, so one after the other would add a round trip).
import {
  currentSession,
  getSettings,
  START_HANDOVER_GLOBAL,
  type IpcError,
  type Session,
  type Settings,
  type StartHandover,
} from "./ipc";

/** A call's answer, kept until it is read (a rejection nobody awaited yet is not "unhandled"). */
export type Answer<T> = { ok: T } | { error: IpcError };

export interface FirstAnswers {
  /** The settings at start, or null when they could not be read (the defaults then). */
  settings: Settings | null;
  /** The session at start. */
  session: Promise<Answer<Session | null>>;
}

/** What the Rust side handed this page, when it is the window's first page. */
export function handedOver(): StartHandover | null {
  const handover = (window as unknown as Record<string, StartHandover | undefined>)[START_HANDOVER_GLOBAL];
  if (!handover) return null;
  const [navigation] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[];
  return navigation?.type === "navigate" ? handover : null;
}

/** Resolves when the settings are known (the session may still be on its way). */
export async function askAtStart(): Promise<FirstAnswers> {
  const handover = handedOver();
  if (handover) return { settings: handover.settings, session: Promise.resolve({ ok: null }) };
  const session = currentSession().then(
    (ok): Answer<Session | null> => ({ ok }),
    (error: IpcError): Answer<Session | null> => ({ error }),
  );
  const settings = await getSettings().catch(() => null);
  return { settings, session };
}
