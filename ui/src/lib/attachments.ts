// Files attached to a draft, as the form shows them.
import type { DraftAttachment, MessagingLimits } from "./ipc";
import { sizeInWords } from "./format";

export interface AttachmentItem {
  /** Stable key in the list (the vault's id is only known once attached). */
  key: string;
  filename: string;
  size: number;
  /** `uploading`: going to the vault; `failed`: not attached (see `error`). */
  state: "uploading" | "ready" | "removing" | "failed";
  /** The vault's attachment, once attached. */
  attachment: DraftAttachment | null;
  error: string | null;
}

let counter = 0;

export function newKey(): string {
  counter += 1;
  return `file-${counter}`;
}

export function fromDraft(attachment: DraftAttachment): AttachmentItem {
  return { key: newKey(), filename: attachment.filename, size: attachment.size, state: "ready", attachment, error: null };
}

/** Files that count against the limit: attached, or on their way. */
export function countAttached(items: readonly AttachmentItem[]): number {
  return items.filter((item) => item.state !== "failed").length;
}

/**
 * Why a file cannot be attached before its bytes are even read, or null, by the limits of the
 * service signed in to. (The Rust side checks the type from the content, and the size and
 * count again.)
 */
export function precheck(file: File, alreadyAttached: number, limits: MessagingLimits): string | null {
  if (alreadyAttached >= limits.max_attachments_per_message) {
    return `You can attach up to ${limits.max_attachments_per_message} files to one message. Remove a file to add another.`;
  }
  if (file.size > limits.max_attachment_bytes) {
    return `This file is larger than ${sizeInWords(limits.max_attachment_bytes)}. Please choose a smaller file.`;
  }
  if (file.size === 0) return "This file is empty.";
  return null;
}
