// Words and limits of secure messaging, shared by the messaging screens.
import { ErrorCode, type Category, type IpcError, type Person, type Pool, type Role } from "./ipc";
import { activeLanguage, errorTextIn, t } from "./i18n/core";

// The labels are read in the language chosen each time (a template re-renders on a change).
export const CATEGORIES: readonly { value: Category; readonly label: string }[] = [
  { value: "medical_question", get label() { return t("category.medicalQuestion"); } },
  { value: "prescription_renewal", get label() { return t("category.prescriptionRenewal"); } },
  { value: "appointment", get label() { return t("category.appointment"); } },
  { value: "billing", get label() { return t("category.billing"); } },
  { value: "other", get label() { return t("category.other"); } },
];

export const POOLS: readonly { value: Pool; readonly label: string }[] = [
  { value: "clinical", get label() { return t("pool.clinical"); } },
  { value: "front_desk", get label() { return t("pool.frontDesk"); } },
  { value: "billing", get label() { return t("pool.billing"); } },
];

// The limits themselves (subject and body length, attachment size and count) are the
// service's: the session's `limits`, said by the service at sign-in.
/** The body's counter shows once this share of the longest body is written. */
export const BODY_COUNTER_SHARE = 0.9;
export const ATTACHMENT_ACCEPT = "image/jpeg,image/png,application/pdf";
/** Autosave waits this long after the last change. */
export const AUTOSAVE_DELAY_MS = 700;
/** The unread badge is refreshed this often while signed in. */
export const UNREAD_POLL_MS = 30_000;

export function categoryLabel(category: Category | null): string {
  return CATEGORIES.find((c) => c.value === category)?.label ?? t("category.other");
}

export function poolLabel(pool: Pool): string {
  return POOLS.find((p) => p.value === pool)?.label ?? pool;
}

/** Physicians and staff triage conversations. */
export function isCareTeam(role: Role): boolean {
  return role === "physician" || role === "staff";
}

/** Whether a person of `role` has conversations: everyone but admins, who see no health data. */
export function hasMessages(role: Role): boolean {
  return role !== "admin";
}

/** "Dr. Maya Patel (physician)". */
export function authorLabel(person: Person, writtenFor: string | null = null): string {
  // An authorized person writing for the patient (issue 12): "Jane Doe for John Doe".
  if (writtenFor) return t("author.writtenFor", { name: person.name, patient: writtenFor });
  return t("author.withRole", { name: person.name, role: roleNoun(person.role) });
}

/** A role as the author line says it, in lower case: "physician", "médico". */
export function roleNoun(role: Role): string {
  switch (role) {
    case "patient":
      return t("author.role.patient");
    case "physician":
      return t("author.role.physician");
    case "staff":
      return t("author.role.staff");
    case "admin":
      return t("author.role.admin");
    default:
      return role;
  }
}

/** The message to show for an error about drafts, in the language chosen (the catalog's for a locked vault or a damaged draft, else the error's own). */
export function draftErrorMessage(error: IpcError): string {
  if (error.code === ErrorCode.VaultLocked) return t("error.vault_locked");
  if (error.code === ErrorCode.DraftDamaged) return t("error.draft_damaged");
  return errorTextIn(activeLanguage(), error);
}
