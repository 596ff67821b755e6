// Secure messaging: conversations (threads), their messages and attachments, and the
// care team's triage actions.
import { call } from "./call";
import type {
  EmergencyCheck,
  Person,
  SavedFile,
  ThreadDetail,
  ThreadFilter,
  ThreadList,
  ThreadSummary,
  UnreadTotal,
} from "./types";

/**
 * Conversations, latest activity first (the server's order). Without a pool: the caller's
 * own conversations (a patient's, or a care team member's). With a pool (care team only):
 * that triage list, urgent ones first.
 */
export function listThreads(
  filter: ThreadFilter = {},
  { background = false }: { background?: boolean } = {},
): Promise<ThreadList> {
  const args: Record<string, unknown> = {};
  if (background) args.background = true;
  if (filter.pool) args.pool = filter.pool;
  if (filter.status) args.status = filter.status;
  if (filter.assigned) args.assigned = filter.assigned;
  return call<ThreadList>("list_threads", args);
}

export function getThread(threadId: number): Promise<ThreadDetail> {
  return call<ThreadDetail>("get_thread", { threadId });
}

/** Marks every message in the conversation as read by the caller; answers the new unread total. */
export function markThreadRead(threadId: number): Promise<UnreadTotal> {
  return call<UnreadTotal>("mark_thread_read", { threadId });
}

/** The physicians and staff a conversation can be assigned to. */
export function careTeam(): Promise<Person[]> {
  return call<Person[]>("care_team");
}

/** Assigns the conversation to a care team member, or to no one (`userId` null). */
export function assignThread(threadId: number, userId: number | null): Promise<ThreadSummary> {
  return call<ThreadSummary>("assign_thread", { threadId, userId });
}

export function closeThread(threadId: number): Promise<ThreadSummary> {
  return call<ThreadSummary>("close_thread", { threadId });
}

export function reopenThread(threadId: number): Promise<ThreadSummary> {
  return call<ThreadSummary>("reopen_thread", { threadId });
}

/** Looks for words that suggest an emergency (English and Spanish). */
export function emergencyCheck(text: string): Promise<EmergencyCheck> {
  return call<EmergencyCheck>("emergency_check", { text });
}

/** The bytes of an attachment of a message. */
export async function getAttachment(attachmentId: string): Promise<Uint8Array<ArrayBuffer>> {
  const raw = await call<ArrayBuffer | ArrayBufferView | number[]>("get_attachment", { attachmentId });
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw);
  if (ArrayBuffer.isView(raw)) return Uint8Array.from(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
  return Uint8Array.from(raw);
}

/** Saves an attachment of a message to the computer (the Rust side picks the place); answers where. */
export function saveAttachment(attachmentId: string, filename?: string): Promise<SavedFile> {
  // The name is cleaned again on the Rust side: it came from another person.
  return call<SavedFile>("save_attachment", { attachmentId, filename: filename ?? null });
}
