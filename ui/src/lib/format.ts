import type { Role } from "./ipc";
import { activeLocale, t, type MessageKey } from "./i18n/core";

// Words and dates are written in the language chosen (i18n/core.ts: English with US dates in
// the unit tests), dates in its locale (e.g. "es-MX" when the system is Mexican Spanish).

const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ""}|${options.dateStyle ?? ""}|${options.timeStyle ?? ""}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    formats.set(key, format);
  }
  return format;
}

/** An RFC 3339 timestamp as a date in the user's locale, e.g. "March 3, 2026" ("3 de marzo de 2026"). */
export function formatDate(rfc3339: string, locale: string = activeLocale()): string {
  const date = new Date(rfc3339);
  return Number.isNaN(date.getTime()) ? rfc3339 : formatter(locale, { dateStyle: "long" }).format(date);
}

const ROLE_WORDS: Record<Role, MessageKey> = {
  patient: "role.patient",
  physician: "role.physician",
  staff: "role.staff",
  admin: "role.admin",
};

export function roleInWords(role: Role): string {
  return ROLE_WORDS[role] ? t(ROLE_WORDS[role]) : role;
}

/** A `tel:` link target for a phone number written for people, e.g. "(816) 555-0100". */
export function telHref(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/[^0-9]/g, "");
  return `tel:${trimmed.startsWith("+") ? "+" : ""}${digits}`;
}

/** A size limit as people read it: "10 MB", "2.5 MB", "512 KB" (1 MB = 1 MiB, as the Rust side says it). */
export function sizeInWords(bytes: number): string {
  const MIB = 1024 * 1024;
  if (bytes >= MIB) {
    const tenths = Math.floor((bytes * 10) / MIB);
    return tenths % 10 === 0 ? `${tenths / 10} MB` : `${Math.floor(tenths / 10)}.${tenths % 10} MB`;
  }
  if (bytes >= 1024) return `${Math.floor(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}



const timeFormat = { format: (date: Date) => formatter(activeLocale(), { timeStyle: "short" }).format(date) };
const dateTimeFormat = {
  format: (date: Date) => formatter(activeLocale(), { dateStyle: "long", timeStyle: "short" }).format(date),
};

function parse(rfc3339: string): Date | null {
  const date = new Date(rfc3339);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** An RFC 3339 timestamp as a date and time in the user's locale: "March 3, 2026 at 3:05 PM". */
export function formatDateTime(rfc3339: string, locale: string = activeLocale()): string {
  const date = parse(rfc3339);
  return date ? formatter(locale, { dateStyle: "long", timeStyle: "short" }).format(date) : rfc3339;
}

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/**
 * When something happened, in local time, relative where recent: "just now",
 * "5 minutes ago", "today at 3:05 PM", "yesterday at 9:12 AM", else "March 3, 2026 at 3:05 PM".
 */
export function formatWhen(rfc3339: string, now: number = Date.now()): string {
  const date = parse(rfc3339);
  if (!date) return rfc3339;
  const ago = now - date.getTime();
  if (ago >= 0 && ago < 60_000) return t("when.justNow");
  if (ago >= 0 && ago < 60 * 60_000) {
    const minutes = Math.floor(ago / 60_000);
    return minutes === 1 ? t("when.oneMinuteAgo") : t("when.minutesAgo", { count: minutes });
  }
  const days = Math.round((startOfDay(new Date(now)) - startOfDay(date)) / 86_400_000);
  if (days === 0) return t("when.todayAt", { time: timeFormat.format(date) });
  if (days === 1) return t("when.yesterdayAt", { time: timeFormat.format(date) });
  return dateTimeFormat.format(date);
}

/**
 * How often and over what span repeated looks happened: "3 times between 9:00 AM and 9:58 AM"
 * (both on the same day), else with their dates.
 */
export function repeatsInWords(times: number, firstRfc3339: string, lastRfc3339: string): string {
  const first = parse(firstRfc3339);
  const last = parse(lastRfc3339);
  if (!first || !last) return t("when.times", { count: times });
  const sameDay = startOfDay(first) === startOfDay(last);
  const format = sameDay ? timeFormat : dateTimeFormat;
  return t("when.timesBetween", { count: times, first: format.format(first), last: format.format(last) });
}

/** The first letter in upper case ("today at…" at the start of a line). */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A file size as people read it: "820 bytes", "34 KB", "2.5 MB". */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? t("size.oneByte") : t("size.bytes", { count: bytes });
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

/** "1 unread", "3 unread". */
export function countWords(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
