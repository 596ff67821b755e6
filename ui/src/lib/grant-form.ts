// The small rules the grant forms share (issue 12), the patient's own ("Authorize someone") and
// the front desk's ("Set up an authorized person"), with no Svelte in them: which scopes are
// chosen (writing messages includes reading them), today's date as the date input writes it,
// an address that looks like one, and the last day a child's access usually has. The service
// checks everything again and says what is wrong.
import type { GrantScope } from "./ipc/generated/types";
import { SCOPES } from "./acting";
import { t } from "./i18n/core";

/** Which of the four scopes are ticked. */
export type ScopeChoice = Record<GrantScope, boolean>;

/** Nothing ticked yet. */
export function noScopes(): ScopeChoice {
  return { read_messages: false, write_messages: false, record: false, results: false };
}

/** Whether "Read messages" is held ticked because "Write messages" is. */
export function readImplied(chosen: ScopeChoice): boolean {
  return chosen.write_messages;
}

/** The scopes sent, in the service's order: writing messages adds reading them. */
export function chosenScopes(chosen: ScopeChoice): GrantScope[] {
  return SCOPES.filter((s) => chosen[s] || (s === "read_messages" && readImplied(chosen)));
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Today on this computer, as a date input writes a day (`YYYY-MM-DD`). */
export function localToday(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Something, an @, something, with no spaces: the service checks the rest. */
export function looksLikeEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(text.trim());
}

/** A field of what both forms ask. */
export type AskedField = "name" | "email" | "scopes" | "until";

/** What both forms ask: who, what they may do, the last day (`""`: none given). */
export interface Asked {
  name: string;
  email: string;
  chosen: ScopeChoice;
  until: string;
}

/**
 * The first thing wrong with `asked`, in the forms' order (name, address, scopes, last day),
 * as the field to mark and what to say; null when nothing is. `untilRequired` says what to
 * ask for when the last day is required and not given (the front desk's form).
 */
export function askedProblem(
  asked: Asked,
  untilRequired: string | null = null,
  today: string = localToday(),
): { field: AskedField; message: string } | null {
  if (asked.name.trim() === "") return { field: "name", message: t("grantForm.enterName") };
  if (!looksLikeEmail(asked.email)) {
    return {
      field: "email",
      message: t("grantForm.enterEmail"),
    };
  }
  if (chosenScopes(asked.chosen).length === 0) {
    return { field: "scopes", message: t("grantForm.chooseScope") };
  }
  if (asked.until === "" && untilRequired !== null) return { field: "until", message: untilRequired };
  if (asked.until !== "" && asked.until < today) {
    return { field: "until", message: t("grantForm.untilPast") };
  }
  return null;
}

/**
 * The day before the 12th birthday of someone born on `birthDate` (`YYYY-MM-DD`): the last
 * day a parent's access to a child's portal usually lasts. One born on February 29 turns 12 on
 * March 1 in a year without it. Null for a date that is not one.
 */
export function dayBeforeTwelfthBirthday(birthDate: string | null): string | null {
  const match = birthDate ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate) : null;
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const born = new Date(Date.UTC(year, month - 1, day));
  if (born.getUTCMonth() !== month - 1 || born.getUTCDate() !== day) return null;
  const birthday = new Date(Date.UTC(year + 12, month - 1, day));
  if (birthday.getUTCMonth() !== month - 1) birthday.setUTCDate(0); // Feb 29 → Feb 28, then the day before
  else birthday.setUTCDate(birthday.getUTCDate() - 1);
  return `${birthday.getUTCFullYear()}-${pad(birthday.getUTCMonth() + 1)}-${pad(birthday.getUTCDate())}`;
}

/** The most characters of the reason the practice records (the service's limit). */
export const MAX_PRACTICE_REASON = 500;
/** The most characters of the document it names (the service's limit). */
export const MAX_PRACTICE_DOCUMENT = 200;
