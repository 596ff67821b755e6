// Phone numbers and email addresses are handed to the computer's own app for them (a phone
// or softphone app, the mail app) through the opener plugin. The app's capability allows only
// `tel:` and `mailto:` there, and the window itself never leaves the app (the Rust side
// refuses every other navigation).
import { openUrl } from "@tauri-apps/plugin-opener";
import { toIpcError } from "./call";
import type { IpcError } from "./types";

/** The schemes this app hands to the system (the capability file allows these only). */
const SYSTEM_SCHEMES = ["tel:", "mailto:"] as const;

/** Whether `href` is a link the system's apps handle (`tel:`, `mailto:`). */
export function opensInSystemApp(href: string): boolean {
  const lower = href.trim().toLowerCase();
  return SYSTEM_SCHEMES.some((scheme) => lower.startsWith(scheme));
}

/**
 * Opens a `tel:` or `mailto:` link with the computer's app for it. Rejects with an
 * [`IpcError`] when there is none, or for any other kind of link.
 */
export async function openInSystemApp(href: string): Promise<void> {
  if (!opensInSystemApp(href)) {
    throw { code: "validation", message: "This link cannot be opened." } satisfies IpcError;
  }
  try {
    await openUrl(href);
  } catch (raw) {
    throw toIpcError(raw);
  }
}
