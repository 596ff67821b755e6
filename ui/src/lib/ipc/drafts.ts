// Drafts of messages, kept encrypted on this computer by the Rust side, and sending them.
import { Channel } from "@tauri-apps/api/core";
import { call } from "./call";
import type { AddedAttachment, Draft, DraftSummary, SavedDraft, SendProgress, Sent } from "./types";

export function listDrafts(): Promise<DraftSummary[]> {
  return call<DraftSummary[]>("list_drafts");
}

/** Rejects with `draft_damaged` when the draft could not be opened (it was set aside). */
export function loadDraft(draftId: string): Promise<Draft> {
  return call<Draft>("load_draft", { draftId });
}

/** Saves the draft; one with `draft_id: null` is created and its new id answered. */
export function saveDraft(draft: Draft): Promise<SavedDraft> {
  return call<SavedDraft>("save_draft", { draft });
}

export async function discardDraft(draftId: string): Promise<void> {
  await call<null>("discard_draft", { draftId });
}

/**
 * Adds a file to a draft (creating the draft when `draftId` is null). The bytes travel as
 * the raw body of the request, the draft and the file name as headers.
 */
export function addDraftAttachment(draftId: string | null, filename: string, bytes: Uint8Array): Promise<AddedAttachment> {
  return call<AddedAttachment>("add_draft_attachment", bytes, {
    headers: { "x-draft-id": draftId ?? "", "x-filename": encodeURIComponent(filename) },
  });
}

export function removeDraftAttachment(draftId: string, attachmentId: string): Promise<Draft> {
  return call<Draft>("remove_draft_attachment", { draftId, attachmentId });
}

/**
 * Sends the saved draft. `onProgress` hears how far each attachment has gone. Sending the
 * same draft again after a failure is safe: the Rust side reuses its idempotency key.
 */
export function sendDraft(draftId: string, onProgress?: (progress: SendProgress) => void): Promise<Sent> {
  const channel = new Channel<SendProgress>();
  channel.onmessage = (progress) => onProgress?.(progress);
  return call<Sent>("send_draft", { draftId, onProgress: channel });
}
