// What the screens that set a pass-phrase say and check before asking the service (which has
// the last word: it answers `weak_passphrase` with why). In the language chosen; the constants
// are the English words.
import { t } from "./i18n/core";

/** The rules, in words (the service's: at least 15 characters without a second factor). */
export const PASSPHRASE_RULES =
  "At least 15 characters. A few unrelated words, such as “copper kettle autumn river”, are long and easy to remember. Do not use your name, your email address or a common password.";

export const PASSPHRASES_DIFFER = "The two new pass-phrases are not the same. Please type the same one twice.";

/** A new pass-phrase and its repeat, checked here: which field is wrong and why, or null. */
export function newPassphraseProblem(
  passphrase: string,
  repeat: string,
): { field: "new" | "repeat"; message: string } | null {
  if (passphrase === "") return { field: "new", message: t("passphrase.chooseNew") };
  if (repeat !== passphrase) return { field: "repeat", message: t("passphrase.differ") };
  return null;
}
