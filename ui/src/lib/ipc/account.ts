// The person's own account: the devices signed in to it, activation, the pass-phrase (changed,
// reset, drafts locked under a previous one), the email address and the notices by email, the
// second factor; and
// a patient invited by the practice.
import { call } from "./call";
import type {
  EmailChangePending,
  InvitationSent,
  NoticePreferences,
  PassphraseChange,
  RecoveryCodes,
  Session,
  SessionList,
  SessionsEnded,
  TotpEnrolment,
  User,
} from "./types";

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

/**
 * Opens an invited account with the emailed code, the date of birth on the patient's chart
 * (`YYYY-MM-DD`; null for others) and the pass-phrase the person chose, and signs in.
 */
export function activate(email: string, code: string, dateOfBirth: string | null, password: string): Promise<Session> {
  return call<Session>("activate", { email, code, dateOfBirth, password });
}

/** Asks for a pass-phrase reset code by email (the same answer whether or not the address has an account). */
export async function requestReset(email: string): Promise<void> {
  await call<null>("request_reset", { email });
}

/** Sets a new pass-phrase with the emailed reset code; every session of the account ends. */
export async function confirmReset(email: string, code: string, newPassword: string): Promise<void> {
  await call<null>("confirm_reset", { email, code, newPassword });
}

/** Changes the pass-phrase; every other device is signed out, and the drafts here follow it. */
export function changePassphrase(currentPassword: string, newPassword: string): Promise<PassphraseChange> {
  return call<PassphraseChange>("change_passphrase", { currentPassword, newPassword });
}

/** Unlocks the drafts saved under the previous pass-phrase, moving them under the current one. */
export async function recoverDrafts(previousPassword: string, currentPassword: string): Promise<void> {
  await call<null>("recover_drafts", { previousPassword, currentPassword });
}

/** Deletes the drafts locked under a previous pass-phrase (this person's only) and starts afresh. */
export async function discardLockedDrafts(currentPassword: string): Promise<void> {
  await call<null>("discard_locked_drafts", { currentPassword });
}

/** Asks to move the account to a new address; a code goes there. */
export function changeEmail(email: string, password: string): Promise<EmailChangePending> {
  return call<EmailChangePending>("change_email", { email, password });
}

/** Confirms the new address with its code; answers the account as it now is. */
export function confirmEmail(code: string): Promise<User> {
  return call<User>("confirm_email", { code });
}

/** Which notices come by email. */
export function noticePreferences(): Promise<NoticePreferences> {
  return call<NoticePreferences>("notice_preferences");
}

export function setNoticePreferences(preferences: NoticePreferences): Promise<NoticePreferences> {
  return call<NoticePreferences>("set_notice_preferences", { preferences });
}

/** Staff and admins: emails the patient of this chart an activation code. */
export function invitePatient(patientId: number, email: string): Promise<InvitationSent> {
  return call<InvitationSent>("invite_patient", { patientId, email });
}

/** Starts setting up a second factor: a new secret for an authenticator app (a QR code, and
 * the same as text). Asking again replaces one not confirmed yet. */
export function startTotpEnrolment(): Promise<TotpEnrolment> {
  return call<TotpEnrolment>("start_totp_enrolment");
}

/** Confirms the second factor being set up with a code from the app; answers the recovery
 * codes, shown this once. */
export function confirmTotp(code: string): Promise<RecoveryCodes> {
  return call<RecoveryCodes>("confirm_totp", { code });
}

/** Turns the second factor off (patients only), confirmed by the pass-phrase. */
export function disableTotp(password: string): Promise<void> {
  return call<void>("disable_totp", { password });
}

/** A new set of recovery codes, confirmed by the pass-phrase; the old ones stop working. */
export function newRecoveryCodes(password: string): Promise<RecoveryCodes> {
  return call<RecoveryCodes>("new_recovery_codes", { password });
}
