// The language the app speaks, chosen from the operating system's (navigator.languages) or
// by the person with the switch, and `t(key, params)`: reading it in a template or a
// `$derived` re-renders when the language changes. `<html lang>` follows it. The choice is
// kept between runs by the Rust side, with the other preferences (settings.json): main.ts
// starts in the one kept (`startIn`), and App tells the Rust side each change (`set_language`,
// kept only when `i18n.chosen`). Nothing is stored in the webview. A language other than
// English is shown only once its catalog is read (`loadCatalog`): `startIn` and `setLanguage`
// read it first, so no screen shows a mix of two languages.
import {
  dateLocaleFor,
  errorTextIn,
  followLanguage,
  languageFromSystem,
  loadCatalog,
  SERVICE_LANGUAGE,
  translate,
  translateAround,
  type Language,
  type MessageKey,
  type MessageParams,
} from "./core";

export { LANGUAGES, type Language, type MessageKey, type MessageParams } from "./core";

function systemLanguages(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  return navigator.languages?.length ? navigator.languages : navigator.language ? [navigator.language] : [];
}

const state = $state<{ language: Language; chosen: boolean }>({
  language: languageFromSystem(systemLanguages()),
  chosen: false,
});

function showLanguage(language: Language) {
  if (typeof document !== "undefined") document.documentElement.lang = language;
}
showLanguage(state.language);

export const i18n = {
  /** "en" or "es". */
  get language(): Language {
    return state.language;
  },
  /** Whether the person chose it with the switch (now or in an earlier run): then it is kept. */
  get chosen(): boolean {
    return state.chosen;
  },
  /** The BCP 47 locale dates and times are written in (Intl.DateTimeFormat). */
  get dateLocale(): string {
    return dateLocaleFor(state.language, systemLanguages());
  },
};

// format.ts and record-words.ts write their words in the language chosen.
followLanguage(
  () => state.language,
  () => i18n.dateLocale,
);

/**
 * At start, before the first screen: the language the person chose in an earlier run (kept
 * by the Rust side), else the system's; its catalog read.
 */
export async function startIn(saved: Language | null): Promise<void> {
  if (saved === null) {
    // Never chosen: the system's is followed (English if its catalog cannot be read).
    await loadCatalog(state.language).catch(() => (state.language = "en"));
    showLanguage(state.language);
    return;
  }
  await setLanguage(saved);
}

/** The person chose a language with the switch: shown once its catalog is read (and kept: see App). */
export async function setLanguage(language: Language): Promise<void> {
  await loadCatalog(language);
  state.language = language;
  state.chosen = true;
  showLanguage(language);
}

/** The catalog's text for `key` in the language chosen, its `{placeholders}` filled in. */
export function t(key: MessageKey, params?: MessageParams): string {
  return translate(state.language, key, params);
}

/** `t`, cut at the placeholder `slot` (where the template puts an element): [before, after]. */
export function tAround(key: MessageKey, slot: string, params?: MessageParams): [string, string] {
  return translateAround(state.language, key, slot, params);
}

/** An error `{code, message}` in the language chosen (see `errorTextIn`). */
export function errorText(error: { code: string; message: string }): string {
  return errorTextIn(state.language, error);
}

/** A number of seconds as people say it: "1 second", "30 segundos". */
export function secondsText(seconds: number): string {
  const n = Math.max(0, Math.round(seconds));
  return n === 1 ? t("time.oneSecond") : t("time.seconds", { count: n });
}

/**
 * A length of time as people say it, in the language chosen: whole minutes from one minute
 * up ("15 minutes", "15 minutos"), seconds below.
 */
export function durationText(seconds: number): string {
  if (seconds < 60) return secondsText(seconds);
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? t("time.oneMinute") : t("time.minutes", { count: minutes });
}

/**
 * A text the app's Rust side wrote (in English) for something it also describes in fields:
 * as written in English, else the catalog's text filled in from those fields.
 */
export function serviceWords(written: string, key: MessageKey, params?: MessageParams): string {
  return state.language === SERVICE_LANGUAGE ? written : t(key, params);
}
