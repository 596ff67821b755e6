import type { Role } from "./ipc";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "long" });

/** An RFC 3339 timestamp as a date in the user's locale, e.g. "March 3, 2026". */
export function formatDate(rfc3339: string): string {
  const date = new Date(rfc3339);
  return Number.isNaN(date.getTime()) ? rfc3339 : dateFormat.format(date);
}

const ROLE_WORDS: Record<Role, string> = {
  patient: "Patient",
  physician: "Physician",
  staff: "Practice staff",
  admin: "Administrator",
};

export function roleInWords(role: Role): string {
  return ROLE_WORDS[role] ?? role;
}

/** A `tel:` link target for a phone number written for people, e.g. "(816) 555-0100". */
export function telHref(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/[^0-9]/g, "");
  return `tel:${trimmed.startsWith("+") ? "+" : ""}${digits}`;
}

/** A number of seconds as people say it: "1 second", "30 seconds". */
export function secondsInWords(seconds: number): string {
  const n = Math.max(0, Math.round(seconds));
  return n === 1 ? "1 second" : `${n} seconds`;
}

/**
 * A length of time as people say it, in whole minutes from one minute up ("1 minute",
 * "15 minutes"), in seconds below.
 */
export function durationInWords(seconds: number): string {
  if (seconds < 60) return secondsInWords(seconds);
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}
