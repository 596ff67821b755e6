// What the app asks the Rust side before its first screen, asked side by side (each call
// crosses the isolation frame, so one after the other would add a round trip to every
// start): the settings (the language kept, workstation mode) and whether someone is signed in
// already (a window reloaded while signed in). main.ts waits for the settings (the language
// of the first screen), App for the session.
import { currentSession, getSettings, type IpcError, type Session, type Settings } from "./ipc";

/** A call's answer, kept until it is read (a rejection nobody awaited yet is not "unhandled"). */
export type Answer<T> = { ok: T } | { error: IpcError };

export interface FirstAnswers {
  /** The settings at start, or null when they could not be read (the defaults then). */
  settings: Settings | null;
  /** The session at start. */
  session: Promise<Answer<Session | null>>;
}

/** Asks both at once; resolves when the settings are known (the session may still be on its way). */
export async function askAtStart(): Promise<FirstAnswers> {
  const session = currentSession().then(
    (ok): Answer<Session | null> => ({ ok }),
    (error: IpcError): Answer<Session | null> => ({ error }),
  );
  const settings = await getSettings().catch(() => null);
  return { settings, session };
}
