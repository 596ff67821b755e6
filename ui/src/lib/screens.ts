import type { Pool, Session, ThreadStatus } from "./ipc";

/** A message shown on the sign-in screen when the user arrives there. */
export interface SignInNotice {
  text: string;
  kind: "status" | "error";
}

/** What the triage list shows (kept while a conversation from it is open). */
export interface TriageFilters {
  pool: Pool;
  status: ThreadStatus;
  assigned: "any" | "me" | "unassigned";
}

/** The screens of the signed-in portal (after the policy was accepted). */
export type PortalView =
  | { name: "home" }
  | { name: "inbox" }
  /** A new conversation; `draftId` continues a saved draft. */
  | { name: "compose"; draftId: string | null }
  /** A conversation, opened from the inbox or the triage list; `draftId` continues a saved reply. */
  | { name: "thread"; threadId: number; from: "inbox" | "triage"; draftId: string | null }
  | { name: "triage" };

/** The header's sections. */
export type PortalSection = "home" | "messages" | "triage";

export function sectionOf(view: PortalView): PortalSection {
  if (view.name === "home") return "home";
  if (view.name === "triage" || (view.name === "thread" && view.from === "triage")) return "triage";
  return "messages";
}

export type Screen =
  | { name: "loading" }
  | { name: "sign-in" }
  | { name: "policy"; session: Session }
  | { name: "portal"; session: Session; view: PortalView };
