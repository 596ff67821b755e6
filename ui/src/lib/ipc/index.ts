// The only modules that talk to the Rust side. Views call these typed
// functions; they never import `invoke` themselves.
import { call } from "./call";
import type {
  KeepAlive,
  Language,
  PracticeInfo,
  Policy,
  SaveSettingsOutcome,
  Session,
  Settings,
  UpdateStatus,
} from "./types";

export * from "./types";
export { toIpcError, isIpcError, endsSession, onSessionEnded, onPolicyRequired, onGrantEnded, onScreenLocked } from "./call";
export * from "./messages";
export * from "./drafts";
export * from "./opener";
export * from "./staff";
export * from "./records";
export * from "./patients";
export * from "./account";
export * from "./grants";

export function getSettings(): Promise<Settings> {
  return call<Settings>("get_settings");
}

/** A changed server or certificate file is only saved with `confirm`; without it the answer
 * describes the change, for the person to confirm. */
export function saveSettings(serverUrl: string, caFile: string, confirm = false): Promise<SaveSettingsOutcome> {
  return call<SaveSettingsOutcome>("save_settings", { serverUrl, caFile, confirm });
}

export function practiceInfo(): Promise<PracticeInfo> {
  return call<PracticeInfo>("practice_info");
}

/** Whether a signed update was downloaded and verified, waiting for a restart. */
export function updateStatus(): Promise<UpdateStatus> {
  return call<UpdateStatus>("update_status");
}

/** Installs the waiting update, signs out and restarts the app into the new version. */
export function restartToUpdate(): Promise<void> {
  return call<null>("restart_to_update").then(() => undefined);
}

/** `code`: for an account with a second factor, the code from the authenticator app or an
 * unused recovery code (asked for after `second_factor_required`). */
export function signIn(email: string, password: string, code: string | null = null): Promise<Session> {
  return call<Session>("sign_in", { email, password, code });
}

export function getPolicy(): Promise<Policy> {
  return call<Policy>("get_policy");
}

export function acceptPolicy(version: number): Promise<Policy> {
  return call<Policy>("accept_policy", { version });
}

/**
 * The language the person reads the app in: the policy is asked for in it from now on. Their
 * choice with the switch is kept for the next start (`Settings.language`); with
 * `remember: false` (the system's language, followed until they choose) nothing is kept.
 */
export function setLanguage(language: Language, remember: boolean): Promise<void> {
  return call<void>("set_language", { language, remember });
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

// Workstation mode (a shared clinic computer; the managed configuration turns it on).

/** The person was inactive for the idle minutes: the Rust side locks (drops the drafts' key). */
export function lockScreen(): Promise<void> {
  return call<null>("lock_screen").then(() => undefined);
}

/**
 * Unlocks with the locked session's pass-phrase (and, for an account with a second factor, the
 * code): a fresh sign-in for the same account that replaces the session.
 */
export function unlockScreen(password: string, code: string | null = null): Promise<Session> {
  return call<Session>("unlock_screen", { password, code });
}

/** "Switch user": signs out and drops everything of the person held by the app. */
export function switchUser(): Promise<void> {
  return call<null>("switch_user", undefined, { reportSessionEnd: false }).then(() => undefined);
}
