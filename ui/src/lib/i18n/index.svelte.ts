// The language the app speaks, chosen from the operating system's (navigator.languages) or
// by the person with the switch (remembered between runs), and `t(key, params)`: reading it in
// a template or a `$derived` re-renders when the language changes. `<html lang>` follows it.
import {
  dateLocaleFor,
  errorTextIn,
  languageFromSystem,
  translate,
  translateAround,
  type Language,
  type MessageKey,
  type MessageParams,
} from "./core";
import { rememberedLanguage, rememberLanguage } from "./memory";

export { LANGUAGES, type Language, type MessageKey, type MessageParams } from "./core";

function systemLanguages(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  return navigator.languages?.length ? navigator.languages : navigator.language ? [navigator.language] : [];
}

const state = $state<{ language: Language }>({
  language: rememberedLanguage() ?? languageFromSystem(systemLanguages()),
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
  /** The BCP 47 locale dates and times are written in (Intl.DateTimeFormat). */
  get dateLocale(): string {
    return dateLocaleFor(state.language, systemLanguages());
  },
};

/** The person chose a language with the switch: shown at once and remembered. */
export function setLanguage(language: Language): void {
  state.language = language;
  rememberLanguage(language);
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
