// Words and limits of secure messaging, shared by the messaging screens.
import { ErrorCode, type Category, type IpcError, type Person, type Pool, type Role } from "./ipc";

export const CATEGORIES: readonly { value: Category; label: string }[] = [
  { value: "medical_question", label: "Medical question" },
  { value: "prescription_renewal", label: "Prescription renewal" },
  { value: "appointment", label: "Appointment" },
  { value: "billing", label: "Billing" },
  { value: "other", label: "Other" },
];

export const POOLS: readonly { value: Pool; label: string }[] = [
  { value: "clinical", label: "Clinical" },
  { value: "front_desk", label: "Front desk" },
  { value: "billing", label: "Billing" },
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
  return CATEGORIES.find((c) => c.value === category)?.label ?? "Other";
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
  if (writtenFor) return `${person.name} for ${writtenFor}`;
  return `${person.name} (${person.role})`;
}

export const VAULT_LOCKED_MESSAGE = "Your drafts are locked. Please sign in again.";
export const DRAFT_DAMAGED_MESSAGE = "This draft could not be opened and was set aside.";

/** The message to show for an error about drafts. */
export function draftErrorMessage(error: IpcError): string {
  if (error.code === ErrorCode.VaultLocked) return VAULT_LOCKED_MESSAGE;
  if (error.code === ErrorCode.DraftDamaged) return DRAFT_DAMAGED_MESSAGE;
  return error.message;
}
