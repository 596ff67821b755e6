// Files attached to a draft, as the form shows them.
import type { AddedAttachment, DraftAttachment, IpcError, MessagingLimits } from "./ipc";
import { sizeInWords } from "./format";
import { t } from "./i18n/core";

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
    return t("attach.tooMany", { count: limits.max_attachments_per_message });
  }
  if (file.size > limits.max_attachment_bytes) {
    return t("attach.tooLarge", { size: sizeInWords(limits.max_attachment_bytes) });
  }
  if (file.size === 0) return t("attach.empty");
  return null;
}

/** The draft's side of attaching files (a `DraftSync` does it, one command at a time). */
export interface AttachableDraft {
  attach(filename: string, bytes: Uint8Array): Promise<AddedAttachment>;
  detach(attachmentId: string): Promise<void>;
}

/** What to say about a file that failed: nothing when the session ended (the app signs out). */
export type FileErrorText = (error: IpcError) => string | null;

/**
 * List items for files picked or dropped, in order, each with its file when it can be
 * attached (null: it failed the precheck, and its item says why). Counts the files before
 * it, so the file one past the limit is refused.
 */
export function itemsFor(
  files: readonly File[],
  items: readonly AttachmentItem[],
  limits: MessagingLimits,
): { item: AttachmentItem; file: File | null }[] {
  let attached = countAttached(items);
  return files.map((file) => {
    const problem = precheck(file, attached, limits);
    if (!problem) attached += 1;
    const item: AttachmentItem = {
      key: newKey(),
      filename: file.name,
      size: file.size,
      state: problem ? "failed" : "uploading",
      attachment: null,
      error: problem,
    };
    return { item, file: problem ? null : file };
  });
}

/** Attaches `file` to the draft, recording the outcome in `item` (the form's own item). */
export async function attachFile(draft: AttachableDraft, item: AttachmentItem, file: File, errorText: FileErrorText): Promise<void> {
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const added = await draft.attach(file.name, bytes);
    item.attachment = added.attachment;
    item.state = "ready";
  } catch (e) {
    item.state = "failed";
    item.error = errorText(e as IpcError);
  }
}

/**
 * Removes an item's file from the draft. Answers true when the item can leave the list (a
 * failed one, or its file is removed); false when the file is still attached (`item` says why).
 */
export async function detachFile(draft: AttachableDraft, item: AttachmentItem, errorText: FileErrorText): Promise<boolean> {
  const attachment = item.attachment;
  if (item.state === "failed" || !attachment) return true;
  item.state = "removing";
  item.error = null;
  try {
    await draft.detach(attachment.id);
    return true;
  } catch (e) {
    item.state = "ready";
    item.error = errorText(e as IpcError);
    return false;
  }
}
