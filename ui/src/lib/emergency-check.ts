// The emergency check before a message is sent: a patient's message is read for words that
// sound like an emergency ("chest pain", "dolor de pecho"), and the patient is asked before it
// goes. The care team's replies are not checked: telling a patient to call 911 is part of
// their job (issue 9, 6.2). The words themselves are the Rust side's (portal-api's list).
import type { EmergencyCheck } from "./ipc";

/** Looks for an emergency phrase in a text; answers the phrase found, or null. */
export type EmergencyPhrase = (text: string) => Promise<string | null>;

/**
 * The check for a message written by this person: a patient's goes through `check` (the
 * `emergency_check` command); anyone else's is not checked (null).
 */
export function emergencyCheckFor(
  asPatient: boolean,
  check: (text: string) => Promise<EmergencyCheck>,
): EmergencyPhrase | null {
  if (!asPatient) return null;
  return async (text) => (await check(text)).matched;
}

/** The text that is read: a new conversation's subject and text, a reply's text. */
export function emergencyCheckText(message: { reply: boolean; subject: string; body: string }): string {
  return message.reply ? message.body : `${message.subject}\n${message.body}`;
}
