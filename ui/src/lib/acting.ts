// Acting for a patient as an authorized person (issue 12): what the grant allows, in words,
// and which of the portal's screens it opens. The Rust side holds whom the session acts for
// (`Session.acting_for`) and the server enforces the grant; these only decide what to show.
import type { ActingFor, GrantScope, GrantStatus, Session } from "./ipc";
import { RECORD_SECTIONS, type RecordPart } from "./record-words";
import { activeLocale, t, type MessageKey } from "./i18n/core";

/** The scopes in the order the form and the lists show them. */
export const SCOPES: readonly GrantScope[] = ["read_messages", "write_messages", "record", "results"];

const SCOPE_WORDS: Record<GrantScope, MessageKey> = {
  read_messages: "scope.readMessages",
  write_messages: "scope.writeMessages",
  record: "scope.record",
  results: "scope.results",
};

/** "Read messages", "See test results"… */
export function scopeInWords(scope: GrantScope): string {
  return t(SCOPE_WORDS[scope]);
}

/**
 * The scopes as a sentence part, writing implying reading: ["write_messages"] reads
 * "read and write messages".
 */
export function scopesInWords(scopes: readonly GrantScope[]): string {
  const parts: string[] = [];
  if (scopes.includes("write_messages")) parts.push(t("scope.inSentence.readWrite"));
  else if (scopes.includes("read_messages")) parts.push(t("scope.inSentence.read"));
  if (scopes.includes("record")) parts.push(t("scope.inSentence.record"));
  if (scopes.includes("results")) parts.push(t("scope.inSentence.results"));
  if (parts.length === 0) return t("scope.inSentence.nothing");
  if (parts.length === 1) return parts[0];
  return t("scope.inSentence.and", { list: parts.slice(0, -1).join(", "), last: parts[parts.length - 1] });
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(): Intl.DateTimeFormat {
  const locale = activeLocale();
  let format = dayFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: "long" });
    dayFormats.set(locale, format);
  }
  return format;
}

/** A calendar day (`YYYY-MM-DD`) in the person's locale, e.g. "June 30, 2027" (no time zone shift). */
export function formatDay(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return day;
  return dayFormat().format(new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

/** "until June 30, 2027" or "until ended". */
export function untilInWords(until: string | null): string {
  return until ? t("scope.until", { date: formatDay(until) }) : t("scope.untilEnded");
}

const STATUS_WORDS: Record<GrantStatus, MessageKey> = {
  invited: "grantStatus.invited",
  active: "grantStatus.active",
  declined: "grantStatus.declined",
  ended: "grantStatus.ended",
  expired: "grantStatus.expired",
};

export function statusInWords(status: GrantStatus): string {
  return t(STATUS_WORDS[status]);
}

/** Whom the session acts for, or null when the person acts for themselves. */
export function actingFor(session: Session): ActingFor | null {
  return session.acting_for ?? null;
}

function allows(session: Session, scope: GrantScope): boolean {
  const acting = actingFor(session);
  return acting === null || acting.scopes.includes(scope);
}

/** The conversations may be read (writing implies reading). */
export function mayReadMessages(session: Session): boolean {
  const acting = actingFor(session);
  return acting === null || acting.scopes.includes("read_messages") || acting.scopes.includes("write_messages");
}

/** A new message or a reply may be written. */
export function mayWriteMessages(session: Session): boolean {
  return allows(session, "write_messages");
}

/**
 * The parts of the record the session may open: all of them for the person's own; acting,
 * the record's sections with `record`, the results with `results`, and never who looked at it
 * or its download (those are the patient's own).
 */
export function recordPartsAllowed(session: Session): RecordPart[] | null {
  const acting = actingFor(session);
  if (acting === null) return null;
  const parts: RecordPart[] = [];
  const record = acting.scopes.includes("record");
  const results = acting.scopes.includes("results");
  if (record) parts.push("summary");
  for (const section of RECORD_SECTIONS) {
    if (section === "results" ? results : record) parts.push(section);
  }
  return parts;
}

/** The record may be opened at all. */
export function mayOpenRecord(session: Session): boolean {
  const parts = recordPartsAllowed(session);
  return parts === null || parts.length > 0;
}

/** Acting for a patient, the person sees the portal as that patient does (within the grant). */
export function actsAsPatient(session: Session): boolean {
  return actingFor(session) !== null || session.user.role === "patient";
}

/** The person may manage their own authorized persons (a patient with a chart, acting for themselves). */
export function mayManageGrants(session: Session): boolean {
  return actingFor(session) === null && session.user.role === "patient" && session.patient_ids.length > 0;
}

/**
 * The person may set up an authorized person for a patient found (a child, a ward): staff
 * working the front desk, who see the documents, acting for themselves. The service decides
 * again (403 for anyone else).
 */
export function mayGiveGrantsByPractice(session: Session): boolean {
  return actingFor(session) === null && session.user.role === "staff" && session.user.pools.includes("front_desk");
}
