// What the screens that set a pass-phrase say and check before asking the service (which has
// the last word: it answers `weak_passphrase` with why). In the language chosen (the catalog's
// `passphrase.*` texts).
import { t } from "./i18n/core";

/** A new pass-phrase and its repeat, checked here: which field is wrong and why, or null. */
export function newPassphraseProblem(
  passphrase: string,
  repeat: string,
): { field: "new" | "repeat"; message: string } | null {
  if (passphrase === "") return { field: "new", message: t("passphrase.chooseNew") };
  if (repeat !== passphrase) return { field: "repeat", message: t("passphrase.differ") };
  return null;
}
