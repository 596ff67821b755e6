import type { PatientMatch, Pool, Session, ThreadStatus } from "./ipc";
import type { RecordPart } from "./record-words";

/**
 * A message shown on the sign-in screen when the user arrives there: `status` for what the
 * person did ("You have signed out."), `info` for what happened without them (an idle
 * sign-out, a session that ended), `error` for a failure.
 */
export interface SignInNotice {
  /** The words, in the language chosen when shown (a change of language re-renders them). */
  text: () => string;
  kind: "status" | "info" | "error";
}

/**
 * What the triage list shows. It belongs to the person: it is kept while they go from the
 * list to a conversation and back, and starts afresh at every sign-in (see
 * `newTriageFilters`), so nobody inherits a filter that hides an urgent conversation.
 */
export interface TriageFilters {
  /** One team (pool), or all of the person's teams. */
  team: Pool | "all";
  status: ThreadStatus;
  assigned: "any" | "me" | "unassigned";
}

/** Where triage opens: all teams, open conversations, whoever has them (urgent ones first). */
export function newTriageFilters(): TriageFilters {
  return { team: "all", status: "open", assigned: "any" };
}

/** The screens of the signed-in portal (after the policy was accepted). */
export type PortalView =
  | { name: "home" }
  | { name: "inbox" }
  /** A new conversation; `draftId` continues a saved draft. */
  | { name: "compose"; draftId: string | null }
  /**
   * A conversation, opened from the inbox or the triage list; `draftId` continues a saved
   * reply; `sent`: the person has just started it (it says so).
   */
  | { name: "thread"; threadId: number; from: "inbox" | "triage"; draftId: string | null; sent?: boolean }
  | { name: "triage" }
  /** An admin's: the staff and the triage teams each works in. */
  | { name: "staff" }
  /** The person's own account: pass-phrase, email address, notices, the devices signed in to it. */
  | { name: "account" }
  /** A patient's authorized persons: who may act for them, for what, until when (issue 12). */
  | { name: "authorized-persons" }
  /** The grant the person acted under has ended: they are back in their own portal. */
  | { name: "grant-ended"; patientName: string | null; message: string }
  /** A patient's own record: its summary, a section, who looked at it, or its download. */
  | { name: "record"; part: RecordPart }
  /** The care team's patient search; `from`: the patient whose chart the person comes back from. */
  | { name: "patients"; from?: number }
  /** A patient's chart outside the person's care: the reason is asked first (break the glass). */
  | { name: "break-the-glass"; patient: PatientMatch }
  /** A patient's chart as the care team reads it; `outsideCare`: opened by breaking the glass. */
  | { name: "chart"; patient: PatientMatch; part: RecordPart; outsideCare: boolean };

/** The header's sections. */
export type PortalSection = "home" | "record" | "patients" | "messages" | "triage" | "staff" | "account";

/**
 * The chart the record screens show: the patient's own ("My record"), if the practice has
 * linked one to the account; acting for a patient, theirs when the grant lets the record or
 * the results be seen (issue 12).
 */
export function ownChart(session: Session): number | null {
  const acting = session.acting_for ?? null;
  if (acting) {
    return acting.scopes.includes("record") || acting.scopes.includes("results") ? acting.patient_id : null;
  }
  return session.user.role === "patient" && session.patient_ids.length > 0 ? session.patient_ids[0] : null;
}

export function sectionOf(view: PortalView): PortalSection {
  if (view.name === "home") return "home";
  if (view.name === "record") return "record";
  if (view.name === "staff") return "staff";
  if (view.name === "account" || view.name === "authorized-persons") return "account";
  if (view.name === "grant-ended") return "home";
  if (view.name === "patients" || view.name === "break-the-glass" || view.name === "chart") return "patients";
  if (view.name === "triage" || (view.name === "thread" && view.from === "triage")) return "triage";
  return "messages";
}

export type Screen =
  | { name: "loading" }
  /** `email`: filled in the form (after a pass-phrase reset). */
  | { name: "sign-in"; email?: string }
  /** Opening an invited account with the emailed activation code. */
  | { name: "activate" }
  /** A forgotten pass-phrase: a code by email, then a new pass-phrase. */
  | { name: "reset" }
  | { name: "policy"; session: Session }
  /** A care-team account without a second factor: set it up first (the service asks it). */
  | { name: "second-factor"; session: Session }
  | { name: "portal"; session: Session; view: PortalView }
  /** Workstation mode: the screen locked after the idle minutes (nothing of the portal shown). */
  | { name: "locked"; session: Session };
