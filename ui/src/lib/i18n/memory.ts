// Remembers the language the person chose with the switch, between runs of the app: only
// "en" or "es", nothing about the person or their health, and only once they chose (until
// then the operating system's language is followed, and nothing is stored).
//
// The app keeps its other preferences on the Rust side (tauri-plugin-store, settings.json);
// until a command keeps the language there too, it is kept in the webview's localStorage. This
// module is the only place that knows where.
import { isLanguage, type Language } from "./core";

const KEY = "portal.language";

export function rememberedLanguage(): Language | null {
  try {
    const value = globalThis.localStorage?.getItem(KEY);
    return isLanguage(value) ? value : null;
  } catch {
    return null; // storage refused: follow the system
  }
}

export function rememberLanguage(language: Language): void {
  try {
    globalThis.localStorage?.setItem(KEY, language);
  } catch {
    // Not kept: the choice holds for this run.
  }
}
