// The translations, without Svelte: the catalogs (en.json, es.json: flat keys, `{name}`
// placeholders, edited by translators), looking a text up, choosing the language from the
// operating system's, and an error's text by its code. `index.svelte.ts` holds the language
// chosen (reactive) on top of this; the unit tests use this module in Node.
//
// English is built into the first script (it is also every text's fallback); any other
// catalog is a script of its own, read when its language is first needed (`loadCatalog`), so
// a start in English does not parse Spanish.
import en from "./en.json";
import type { Language as PortalLanguage } from "../ipc/generated/types";

/** The portal's languages (generated from Rust's `portal_api::Language`): every one, in order. */
export const LANGUAGES = ["en", "es"] as const satisfies readonly PortalLanguage[];
export type Language = PortalLanguage;
// Fails to compile if Rust gains a language this list (and a catalog) lacks.
const everyLanguage: Record<PortalLanguage, true> = { en: true, es: true };
void everyLanguage;
/** Every key of the catalogs (English is the reference; the unit test keeps Spanish equal). */
export type MessageKey = keyof typeof en;
export type MessageParams = Record<string, string | number>;

export type Catalog = Record<MessageKey, string>;

const LOADERS: Record<Language, () => Promise<Catalog>> = {
  en: async () => en,
  es: async () => (await import("./es.json")).default,
};

/** The catalogs read so far (English always). */
const catalogs: Partial<Record<Language, Catalog>> = { en };

/**
 * Reads the catalog of `language` if it was not read yet; a language's texts are shown only
 * after this (until then `translate` falls back to English).
 */
export async function loadCatalog(language: Language): Promise<Catalog> {
  const loaded = catalogs[language] ?? (await LOADERS[language]());
  catalogs[language] = loaded;
  return loaded;
}

/** The catalog of `language` if it was read already (`loadCatalog`), else null. */
export function catalogOf(language: Language): Catalog | null {
  return catalogs[language] ?? null;
}

/** The language whose words the service and the app's Rust side write their messages in. */
export const SERVICE_LANGUAGE: Language = "en";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The language the person's operating system asks for: the first of its preferred
 * languages the app has ("es-MX" → Spanish, "en-GB" → English), English otherwise.
 */
export function languageFromSystem(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (isLanguage(base)) return base;
  }
  return "en";
}

/**
 * The locale dates are written in: the system's own when it is in the chosen language (so
 * "es-MX" keeps Mexico's conventions), else the US one (the practice's country).
 */
export function dateLocaleFor(language: Language, preferred: readonly string[]): string {
  const own = preferred.find((tag) => tag.toLowerCase().split(/[-_]/)[0] === language);
  return own ?? `${language}-US`;
}

/** The `{name}` placeholders a text uses, sorted and once each. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
}

/** A text of the catalog with its placeholders filled in; a placeholder not given stays as is. */
export function translate(language: Language, key: MessageKey, params: MessageParams = {}): string {
  const text = catalogs[language]?.[key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * A text cut at one placeholder, for a text that has an element there (a phone link, bold
 * words): the words before it and after it, the other placeholders filled in.
 */
export function translateAround(
  language: Language,
  key: MessageKey,
  slot: string,
  params: MessageParams = {},
): [string, string] {
  const marker = `\u0000${slot}\u0000`;
  const text = translate(language, key, { ...params, [slot]: marker });
  const at = text.indexOf(marker);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + marker.length)];
}

/** The catalog key of an error code's text. */
export function errorKey(code: string): MessageKey | null {
  const key = `error.${code}`;
  return key in en ? (key as MessageKey) : null;
}

/**
 * What an error `{code, message}` says to the person. The service and the app's Rust side
 * write their messages in English, often with details (when a locked account opens again,
 * which field is wrong): in English the message is shown as written. In another language the
 * catalog's text for the code is shown (a code this version does not know: the generic text).
 */
export function errorTextIn(language: Language, error: { code: string; message: string }): string {
  if (language === SERVICE_LANGUAGE && error.message.trim() !== "") return error.message;
  return translate(language, errorKey(error.code) ?? "error.unknown");
}

/**
 * The language chosen, for plain-TypeScript modules that write words (format.ts,
 * record-words.ts): `index.svelte.ts` points it at its reactive state, so a template calling
 * those helpers re-renders when the language changes. Without the UI (the unit tests in
 * Node) it is English with US dates.
 */
const active = {
  language: (): Language => "en",
  locale: (): string => "en-US",
};

/** Where the language chosen and its date locale are read from (index.svelte.ts). */
export function followLanguage(language: () => Language, locale: () => string): void {
  active.language = language;
  active.locale = locale;
}

/** The language chosen (English without the UI). */
export function activeLanguage(): Language {
  return active.language();
}

/** The BCP 47 locale of the language chosen, for Intl ("en-US", "es-MX"). */
export function activeLocale(): string {
  return active.locale();
}

/** `translate` in the language chosen, for plain-TypeScript modules. */
export function t(key: MessageKey, params?: MessageParams): string {
  return translate(active.language(), key, params);
}
